//! Basic I/O abstractions, mirroring OpenSSL's `BIO` (bio(7), BIO_s_socket(3), BIO_s_mem(3),
//! BIO_s_bio(3), BIO_should_retry(3)). An `Ssl` reads TLS bytes from one BIO and writes them to
//! another; what a BIO says after a failed call (its retry flags) is what `SSL_get_error` reads.
//!
//! Every BIO here is a cheap handle: clones share the same underlying object, as several
//! pointers to one `BIO` do in C. The application keeps a clone (to move bytes through a memory
//! BIO or a BIO pair, or to poll a socket) while the `Ssl` owns another.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex, MutexGuard};

/// OpenSSL's `BIO_FLAGS_*` retry bits, as `BIO_get_retry_flags` reports them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetryFlags(u8);

impl RetryFlags {
    /// No retry condition.
    pub const NONE: Self = Self(0);
    /// `BIO_FLAGS_READ`: the call should be retried when the BIO can be read.
    pub const READ: Self = Self(0x01);
    /// `BIO_FLAGS_WRITE`: the call should be retried when the BIO can be written.
    pub const WRITE: Self = Self(0x02);
    /// `BIO_FLAGS_IO_SPECIAL`: some other condition (e.g. a connect in progress).
    pub const IO_SPECIAL: Self = Self(0x04);
    /// `BIO_FLAGS_SHOULD_RETRY`: the failure is temporary.
    pub const SHOULD_RETRY: Self = Self(0x08);

    /// The raw bits.
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// Flags from raw bits (unknown bits dropped).
    pub const fn from_bits(bits: u8) -> Self {
        Self(bits & 0x0f)
    }

    /// Whether every bit of `other` is set.
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// Retry-read: `SHOULD_RETRY | READ`.
    pub const fn retry_read() -> Self {
        Self(0x09)
    }

    /// Retry-write: `SHOULD_RETRY | WRITE`.
    pub const fn retry_write() -> Self {
        Self(0x0a)
    }
}

impl core::ops::BitOr for RetryFlags {
    type Output = Self;
    fn bitor(self, rhs: Self) -> Self {
        Self(self.0 | rhs.0)
    }
}

/// The outcome of one `Bio::read` or `Bio::write`, with OpenSSL's return-value convention
/// available through [`BioIo::ret`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BioIo {
    /// This many bytes were transferred (OpenSSL returns the count).
    Done(usize),
    /// End of file: the peer closed its sending side (OpenSSL returns 0).
    Eof,
    /// Nothing could be done now; the retry flags say what to wait for (OpenSSL returns -1
    /// with `BIO_should_retry` true).
    Retry,
    /// A hard failure (OpenSSL returns -1 with no retry flag); `Bio::last_os_error` may hold
    /// the errno.
    Failed,
}

impl BioIo {
    /// The value `BIO_read`/`BIO_write` would return: the count, 0 for EOF, -1 otherwise.
    pub fn ret(self) -> isize {
        match self {
            Self::Done(n) => isize::try_from(n).unwrap_or(isize::MAX),
            Self::Eof => 0,
            Self::Retry | Self::Failed => -1,
        }
    }
}

/// A source and sink of bytes with OpenSSL's retry semantics.
pub trait Bio {
    /// Reads into `buf` (`BIO_read`). Clears the retry flags first, then sets them if the read
    /// should be retried.
    fn read(&mut self, buf: &mut [u8]) -> BioIo;
    /// Writes from `buf` (`BIO_write`), possibly partially. Clears and sets retry flags like
    /// `read`.
    fn write(&mut self, buf: &[u8]) -> BioIo;
    /// The current retry flags (`BIO_get_retry_flags`), as left by the last call.
    fn retry_flags(&self) -> RetryFlags;
    /// Replaces the retry flags (`BIO_clear_retry_flags` / `BIO_set_retry_read`), as OpenSSL's
    /// SSL layer does when it asks the caller to call again.
    fn set_retry_flags(&mut self, flags: RetryFlags);
    /// `BIO_should_retry`.
    fn should_retry(&self) -> bool {
        self.retry_flags().contains(RetryFlags::SHOULD_RETRY)
    }
    /// `BIO_should_read`.
    fn should_read(&self) -> bool {
        self.retry_flags().contains(RetryFlags::READ)
    }
    /// `BIO_should_write`.
    fn should_write(&self) -> bool {
        self.retry_flags().contains(RetryFlags::WRITE)
    }
    /// `BIO_should_io_special`.
    fn should_io_special(&self) -> bool {
        self.retry_flags().contains(RetryFlags::IO_SPECIAL)
    }
    /// Lends the bytes waiting at the front of the BIO to `take`, without copying them, and
    /// consumes as many as it returns. `None` when the BIO has nothing to lend this way (then
    /// `read` is the way to get them); the retry flags are cleared as by `read`.
    fn read_in_place(&mut self, _take: &mut dyn FnMut(&[u8]) -> usize) -> Option<usize> {
        None
    }
    /// Bytes waiting to be read (`BIO_ctrl_pending`).
    fn ctrl_pending(&self) -> usize {
        0
    }
    /// Bytes written but not yet taken by the other side (`BIO_ctrl_wpending`).
    fn ctrl_wpending(&self) -> usize {
        0
    }
    /// Pushes buffered output on (`BIO_flush`); 1 on success as in OpenSSL.
    fn flush(&mut self) -> BioIo {
        BioIo::Done(1)
    }
    /// The OS error number of the last hard failure (`errno` after `SSL_ERROR_SYSCALL`).
    fn last_os_error(&self) -> Option<i32> {
        None
    }
    /// OpenSSL's method name (`BIO_method_name`).
    fn method_name(&self) -> &'static str;
}

/// Locks a mutex, ignoring poisoning: every BIO state stays consistent between statements.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

// ---------------------------------------------------------------------------------------------
// Socket BIO
// ---------------------------------------------------------------------------------------------

struct SocketState {
    stream: TcpStream,
    flags: RetryFlags,
    last_error: Option<i32>,
    last_error_kind: Option<io::ErrorKind>,
}

/// A socket BIO over a connected `TcpStream` (`BIO_new_socket`, what `SSL_set_fd` creates).
/// Blocking or non-blocking as the stream is; `WouldBlock`, `Interrupted` and a connect still
/// in progress become retry flags, as `BIO_sock_should_retry` decides.
#[derive(Clone)]
pub struct SocketBio {
    inner: Arc<Mutex<SocketState>>,
}

impl core::fmt::Debug for SocketBio {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let s = lock(&self.inner);
        f.debug_struct("SocketBio")
            .field("peer", &s.stream.peer_addr().ok())
            .field("flags", &s.flags)
            .field("last_error", &s.last_error)
            .finish()
    }
}

/// Whether an I/O error is a temporary condition (EAGAIN, EINTR, ENOTCONN, EINPROGRESS,
/// EALREADY), as `BIO_sock_non_fatal_error` says.
fn is_retriable(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted | io::ErrorKind::NotConnected
    ) || e.raw_os_error() == Some(EINPROGRESS)
        || e.raw_os_error() == Some(EALREADY)
}

/// Linux errno values the socket BIO treats as temporary without naming libc.
const EINPROGRESS: i32 = 115;
const EALREADY: i32 = 114;

impl SocketBio {
    /// Wraps a connected stream.
    pub fn new(stream: TcpStream) -> Self {
        Self {
            inner: Arc::new(Mutex::new(SocketState {
                stream,
                flags: RetryFlags::NONE,
                last_error: None,
                last_error_kind: None,
            })),
        }
    }

    /// `BIO_set_tcp_ndelay`: turns Nagle's algorithm off (`on`) or back on. Returns whether
    /// the option was set.
    pub fn set_tcp_nodelay(&self, on: bool) -> bool {
        lock(&self.inner).stream.set_nodelay(on).is_ok()
    }

    /// Reads TCP_NODELAY back from the socket (`getsockopt`).
    pub fn tcp_nodelay(&self) -> io::Result<bool> {
        lock(&self.inner).stream.nodelay()
    }

    /// `BIO_set_nbio`: switches the socket between blocking and non-blocking.
    pub fn set_nonblocking(&self, on: bool) -> io::Result<()> {
        lock(&self.inner).stream.set_nonblocking(on)
    }

    /// A second handle to the same socket, e.g. to wait for readiness or shut it down.
    pub fn try_clone_stream(&self) -> io::Result<TcpStream> {
        lock(&self.inner).stream.try_clone()
    }

    /// The kind of the last hard failure, for callers that want more than the errno.
    pub fn last_error_kind(&self) -> Option<io::ErrorKind> {
        lock(&self.inner).last_error_kind
    }

    fn outcome(
        s: &mut SocketState,
        r: io::Result<usize>,
        want: RetryFlags,
        buf_len: usize,
    ) -> BioIo {
        s.flags = RetryFlags::NONE;
        match r {
            Ok(0) if buf_len > 0 => BioIo::Eof,
            Ok(n) => BioIo::Done(n),
            Err(e) if is_retriable(&e) => {
                s.flags = RetryFlags::SHOULD_RETRY | want;
                BioIo::Retry
            }
            Err(e) => {
                s.last_error = e.raw_os_error();
                s.last_error_kind = Some(e.kind());
                BioIo::Failed
            }
        }
    }
}

impl Bio for SocketBio {
    fn read(&mut self, buf: &mut [u8]) -> BioIo {
        let mut s = lock(&self.inner);
        let r = s.stream.read(buf);
        Self::outcome(&mut s, r, RetryFlags::READ, buf.len())
    }

    fn write(&mut self, buf: &[u8]) -> BioIo {
        let mut s = lock(&self.inner);
        let r = s.stream.write(buf);
        // A zero-byte write of a non-empty buffer on a socket does not happen; treat as EOF.
        Self::outcome(&mut s, r, RetryFlags::WRITE, buf.len())
    }

    fn retry_flags(&self) -> RetryFlags {
        lock(&self.inner).flags
    }

    fn set_retry_flags(&mut self, flags: RetryFlags) {
        lock(&self.inner).flags = flags;
    }

    fn last_os_error(&self) -> Option<i32> {
        lock(&self.inner).last_error
    }

    fn method_name(&self) -> &'static str {
        "socket"
    }
}

// ---------------------------------------------------------------------------------------------
// Memory BIO
// ---------------------------------------------------------------------------------------------

struct MemState {
    data: VecDeque<u8>,
    eof_return: i32,
    flags: RetryFlags,
}

/// A memory BIO (`BIO_new(BIO_s_mem())`): writes append, reads take from the front. Reading an
/// empty one returns -1 with retry-read set, unless `set_mem_eof_return(0)` made it report EOF.
#[derive(Clone)]
pub struct MemBio {
    inner: Arc<Mutex<MemState>>,
}

impl Default for MemBio {
    fn default() -> Self {
        Self::new()
    }
}

impl core::fmt::Debug for MemBio {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let s = lock(&self.inner);
        f.debug_struct("MemBio")
            .field("pending", &s.data.len())
            .field("eof_return", &s.eof_return)
            .finish()
    }
}

impl MemBio {
    /// An empty memory BIO (eof return -1, as OpenSSL's default).
    pub fn new() -> Self {
        Self {
            inner: Arc::new(Mutex::new(MemState {
                data: VecDeque::new(),
                eof_return: -1,
                flags: RetryFlags::NONE,
            })),
        }
    }

    /// A memory BIO holding `data` (like `BIO_new_mem_buf`, but writable).
    pub fn with_data(data: &[u8]) -> Self {
        let b = Self::new();
        lock(&b.inner).data.extend(data);
        b
    }

    /// `BIO_set_mem_eof_return`: what reading an empty BIO returns. 0 means EOF; a negative
    /// value (the default -1) means "retry read".
    pub fn set_mem_eof_return(&self, v: i32) {
        lock(&self.inner).eof_return = v;
    }

    /// Removes and returns everything buffered.
    pub fn take_all(&self) -> Vec<u8> {
        let mut s = lock(&self.inner);
        let mut out = vec![0; s.data.len()];
        take_front(&mut s.data, &mut out);
        out
    }

    /// Appends bytes (a convenience for `write` that never fails).
    pub fn push(&self, data: &[u8]) {
        lock(&self.inner).data.extend(data);
    }
}

/// Moves the first `out.len()` bytes of `q` into `out` with slice copies (at most two).
fn take_front(q: &mut VecDeque<u8>, out: &mut [u8]) {
    let (a, b) = q.as_slices();
    let from_a = a.len().min(out.len());
    out[..from_a].copy_from_slice(&a[..from_a]);
    let rest = out.len() - from_a;
    out[from_a..].copy_from_slice(&b[..rest]);
    q.drain(..out.len());
}

impl Bio for MemBio {
    fn read(&mut self, buf: &mut [u8]) -> BioIo {
        let mut s = lock(&self.inner);
        s.flags = RetryFlags::NONE;
        if buf.is_empty() {
            return BioIo::Done(0);
        }
        if s.data.is_empty() {
            if s.eof_return == 0 {
                return BioIo::Eof;
            }
            s.flags = RetryFlags::retry_read();
            return BioIo::Retry;
        }
        let n = buf.len().min(s.data.len());
        take_front(&mut s.data, &mut buf[..n]);
        // An idle memory BIO keeps no buffer.
        if s.data.is_empty() {
            s.data = VecDeque::new();
        }
        BioIo::Done(n)
    }

    fn read_in_place(&mut self, take: &mut dyn FnMut(&[u8]) -> usize) -> Option<usize> {
        let mut s = lock(&self.inner);
        if s.data.is_empty() {
            return None;
        }
        s.flags = RetryFlags::NONE;
        let front = s.data.as_slices().0;
        let n = take(front).min(front.len());
        s.data.drain(..n);
        if s.data.is_empty() {
            s.data = VecDeque::new();
        }
        Some(n)
    }

    fn write(&mut self, buf: &[u8]) -> BioIo {
        let mut s = lock(&self.inner);
        s.flags = RetryFlags::NONE;
        s.data.reserve(buf.len());
        s.data.extend(buf);
        BioIo::Done(buf.len())
    }

    fn retry_flags(&self) -> RetryFlags {
        lock(&self.inner).flags
    }

    fn set_retry_flags(&mut self, flags: RetryFlags) {
        lock(&self.inner).flags = flags;
    }

    fn ctrl_pending(&self) -> usize {
        lock(&self.inner).data.len()
    }

    fn method_name(&self) -> &'static str {
        "memory buffer"
    }
}

// ---------------------------------------------------------------------------------------------
// BIO pair
// ---------------------------------------------------------------------------------------------

/// OpenSSL's default BIO pair buffer size (`BIO_new_bio_pair` with size 0): 17 KiB.
pub const DEFAULT_PAIR_BUFFER: usize = 17 * 1024;

struct PairState {
    /// `bufs[i]` holds what end `i` wrote and end `1 - i` reads.
    bufs: [VecDeque<u8>; 2],
    sizes: [usize; 2],
    /// `closed[i]`: end `i` called `shutdown_wr`.
    closed: [bool; 2],
    flags: [RetryFlags; 2],
    /// How many bytes end `i` wanted when its read last failed (`BIO_get_read_request`).
    request: [usize; 2],
}

/// One end of a BIO pair (`BIO_s_bio`): what one end writes, the other reads. Each end has a
/// bounded write buffer, so the application must move bytes between the pair's outer end and
/// the network.
#[derive(Clone)]
pub struct PairBio {
    inner: Arc<Mutex<PairState>>,
    end: usize,
}

impl core::fmt::Debug for PairBio {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PairBio")
            .field("end", &self.end)
            .field("pending", &self.ctrl_pending())
            .field("wpending", &self.ctrl_wpending())
            .finish()
    }
}

/// `BIO_new_bio_pair(&b1, size1, &b2, size2)`: `size1` bounds what the first end can write
/// before the second reads it, `size2` the other way. 0 selects [`DEFAULT_PAIR_BUFFER`].
pub fn new_bio_pair(size1: usize, size2: usize) -> (PairBio, PairBio) {
    let size = |s: usize| if s == 0 { DEFAULT_PAIR_BUFFER } else { s };
    let inner = Arc::new(Mutex::new(PairState {
        bufs: [VecDeque::new(), VecDeque::new()],
        sizes: [size(size1), size(size2)],
        closed: [false, false],
        flags: [RetryFlags::NONE; 2],
        request: [0, 0],
    }));
    (
        PairBio {
            inner: inner.clone(),
            end: 0,
        },
        PairBio { inner, end: 1 },
    )
}

impl PairBio {
    fn peer(&self) -> usize {
        1 - self.end
    }

    /// `BIO_get_write_guarantee`: how many bytes a write on this end would take now.
    pub fn get_write_guarantee(&self) -> usize {
        let s = lock(&self.inner);
        if s.closed[self.end] {
            return 0;
        }
        s.sizes[self.end] - s.bufs[self.end].len()
    }

    /// `BIO_get_read_request`: how many bytes the other end wanted when its last read found
    /// nothing (so the application knows how much to supply).
    pub fn get_read_request(&self) -> usize {
        lock(&self.inner).request[self.peer()]
    }

    /// `BIO_shutdown_wr`: no more writes from this end; once drained, the other end reads EOF.
    pub fn shutdown_wr(&self) {
        lock(&self.inner).closed[self.end] = true;
    }
}

impl Bio for PairBio {
    fn read(&mut self, buf: &mut [u8]) -> BioIo {
        let (me, peer) = (self.end, self.peer());
        let mut s = lock(&self.inner);
        s.flags[me] = RetryFlags::NONE;
        if buf.is_empty() {
            return BioIo::Done(0);
        }
        if s.bufs[peer].is_empty() {
            if s.closed[peer] {
                return BioIo::Eof;
            }
            s.request[me] = buf.len();
            s.flags[me] = RetryFlags::retry_read();
            return BioIo::Retry;
        }
        s.request[me] = 0;
        let n = buf.len().min(s.bufs[peer].len());
        take_front(&mut s.bufs[peer], &mut buf[..n]);
        BioIo::Done(n)
    }

    fn read_in_place(&mut self, take: &mut dyn FnMut(&[u8]) -> usize) -> Option<usize> {
        let (me, peer) = (self.end, self.peer());
        let mut s = lock(&self.inner);
        if s.bufs[peer].is_empty() {
            return None;
        }
        s.flags[me] = RetryFlags::NONE;
        s.request[me] = 0;
        let front = s.bufs[peer].as_slices().0;
        let n = take(front).min(front.len());
        s.bufs[peer].drain(..n);
        Some(n)
    }

    fn write(&mut self, buf: &[u8]) -> BioIo {
        let me = self.end;
        let mut s = lock(&self.inner);
        s.flags[me] = RetryFlags::NONE;
        if s.closed[me] {
            // BIO_R_BROKEN_PIPE: writing after shutdown_wr is a hard error.
            return BioIo::Failed;
        }
        if buf.is_empty() {
            return BioIo::Done(0);
        }
        let space = s.sizes[me] - s.bufs[me].len();
        if space == 0 {
            s.flags[me] = RetryFlags::retry_write();
            return BioIo::Retry;
        }
        let n = space.min(buf.len());
        s.bufs[me].extend(&buf[..n]);
        BioIo::Done(n)
    }

    fn retry_flags(&self) -> RetryFlags {
        lock(&self.inner).flags[self.end]
    }

    fn set_retry_flags(&mut self, flags: RetryFlags) {
        lock(&self.inner).flags[self.end] = flags;
    }

    /// Bytes the other end wrote that this end can read.
    fn ctrl_pending(&self) -> usize {
        lock(&self.inner).bufs[self.peer()].len()
    }

    /// Bytes this end wrote that the other end has not read yet.
    fn ctrl_wpending(&self) -> usize {
        lock(&self.inner).bufs[self.end].len()
    }

    fn method_name(&self) -> &'static str {
        "BIO pair"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mem_bio_empty_read_is_retry_read_then_eof_after_eof_return_0() {
        let mut b = MemBio::new();
        let mut buf = [0u8; 4];
        assert_eq!(b.read(&mut buf), BioIo::Retry);
        assert_eq!(BioIo::Retry.ret(), -1);
        assert!(b.should_retry() && b.should_read() && !b.should_write());
        assert_eq!(b.retry_flags().bits(), 0x09);
        b.set_mem_eof_return(0);
        assert_eq!(b.read(&mut buf), BioIo::Eof);
        assert_eq!(BioIo::Eof.ret(), 0);
        assert!(!b.should_retry());
    }

    #[test]
    fn mem_bio_lends_its_front_and_consumes_what_was_taken() {
        let mut b = MemBio::with_data(b"abcdef");
        b.set_retry_flags(RetryFlags::retry_read());
        let mut seen = Vec::new();
        let taken = b.read_in_place(&mut |bytes| {
            seen.extend_from_slice(bytes);
            2
        });
        assert_eq!(taken, Some(2));
        assert_eq!(seen, b"abcdef");
        assert!(!b.should_retry(), "flags cleared as by read");
        // Taking more than was lent takes what there is.
        assert_eq!(b.read_in_place(&mut |_| 99), Some(4));
        assert_eq!(b.ctrl_pending(), 0);
        // Nothing to lend: the caller reads the usual way.
        assert_eq!(b.read_in_place(&mut |_| unreachable!()), None);
        let mut buf = [0u8; 4];
        assert_eq!(b.read(&mut buf), BioIo::Retry);
    }

    #[test]
    fn pair_bio_lends_what_the_other_end_wrote() {
        let (mut a, mut b) = new_bio_pair(8, 8);
        assert_eq!(b.read_in_place(&mut |_| unreachable!()), None);
        assert_eq!(a.write(b"hello"), BioIo::Done(5));
        let mut seen = Vec::new();
        let taken = b.read_in_place(&mut |bytes| {
            seen.extend_from_slice(bytes);
            3
        });
        assert_eq!((taken, seen.as_slice()), (Some(3), &b"hello"[..]));
        assert_eq!(a.get_write_guarantee(), 6, "space freed for the writer");
        let mut buf = [0u8; 8];
        assert_eq!(b.read(&mut buf), BioIo::Done(2));
        assert_eq!(&buf[..2], b"lo");
    }

    #[test]
    fn mem_bio_writes_append() {
        let mut b = MemBio::new();
        assert_eq!(b.write(b"ab"), BioIo::Done(2));
        assert_eq!(b.write(b"cd"), BioIo::Done(2));
        assert_eq!(b.ctrl_pending(), 4);
        let mut buf = [0u8; 3];
        assert_eq!(b.read(&mut buf), BioIo::Done(3));
        assert_eq!(&buf, b"abc");
        assert_eq!(b.take_all(), b"d");
    }

    #[test]
    fn bio_pair_partial_write_then_retry_write() {
        let (mut a, mut b) = new_bio_pair(4, 0);
        assert_eq!(a.get_write_guarantee(), 4);
        assert_eq!(b.get_write_guarantee(), DEFAULT_PAIR_BUFFER);
        assert_eq!(a.write(b"hello"), BioIo::Done(4));
        assert_eq!(a.get_write_guarantee(), 0);
        assert_eq!(a.write(b"o"), BioIo::Retry);
        assert!(a.should_retry() && a.should_write());
        assert_eq!(b.ctrl_pending(), 4);
        assert_eq!(a.ctrl_wpending(), 4);
        let mut buf = [0u8; 8];
        assert_eq!(b.read(&mut buf), BioIo::Done(4));
        assert_eq!(&buf[..4], b"hell");
        assert_eq!(b.read(&mut buf), BioIo::Retry);
        assert!(b.should_read());
        assert_eq!(a.get_read_request(), 8);
        a.shutdown_wr();
        assert_eq!(b.read(&mut buf), BioIo::Eof);
        assert_eq!(a.write(b"x"), BioIo::Failed);
    }
}

#[cfg(test)]
mod take_front_tests {
    use super::*;

    #[test]
    fn copies_across_the_ring_buffer_wrap() {
        let mut q: VecDeque<u8> = VecDeque::with_capacity(8);
        q.extend([9, 9, 9, 9, 9, 9]);
        q.drain(..5);
        q.extend([1, 2, 3, 4, 5]);
        // The deque now wraps: [9, 1, 2] and [3, 4, 5] (or similar), six bytes in all.
        let mut out = [0u8; 4];
        take_front(&mut q, &mut out);
        assert_eq!(out, [9, 1, 2, 3]);
        assert_eq!(q.iter().copied().collect::<Vec<_>>(), [4, 5]);
    }
}
