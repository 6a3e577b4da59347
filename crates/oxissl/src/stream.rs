//! `SslStream<S>`: TLS over any `Read + Write` stream with `std::io` traits, the way users of the
//! `openssl` crate's `SslStream` (and `native-tls`) expect. Underneath it is the same `Ssl` and
//! `SSL_get_error` loop a C program writes, with two memory BIOs whose bytes this type moves to
//! and from the stream. A non-blocking stream surfaces WANT_READ/WANT_WRITE as
//! `io::ErrorKind::WouldBlock`; call again when the stream is ready.

use std::fmt;
use std::io::{self, Read, Write};

use crate::bio::MemBio;
use crate::ctx::SslCtx;
use crate::error::{self, reason, ErrorEntry};
use crate::ssl::{ErrorCode, Ssl};

/// A failed TLS call: the `SSL_get_error` code, the error-queue entries it left, and the I/O
/// error of the underlying stream if that is what failed.
#[derive(Debug)]
pub struct Error {
    code: ErrorCode,
    errors: Vec<ErrorEntry>,
    io: Option<io::Error>,
}

impl Error {
    fn from_ssl(code: ErrorCode) -> Self {
        Self {
            code,
            errors: error::take_errors(),
            io: None,
        }
    }

    fn from_io(e: io::Error) -> Self {
        Self {
            code: ErrorCode::SYSCALL,
            errors: Vec::new(),
            io: Some(e),
        }
    }

    /// The `SSL_get_error` code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The error-queue entries, earliest first.
    pub fn errors(&self) -> &[ErrorEntry] {
        &self.errors
    }

    /// The underlying stream's error, if it failed.
    pub fn io_error(&self) -> Option<&io::Error> {
        self.io.as_ref()
    }

    /// Whether the call only needs to be repeated once the stream is ready.
    pub fn would_block(&self) -> bool {
        matches!(self.code, ErrorCode::WANT_READ | ErrorCode::WANT_WRITE)
            || self
                .io
                .as_ref()
                .is_some_and(|e| e.kind() == io::ErrorKind::WouldBlock)
    }

    fn into_io(self) -> io::Error {
        if let Some(e) = self.io {
            return e;
        }
        match self.code {
            ErrorCode::WANT_READ | ErrorCode::WANT_WRITE => {
                io::Error::new(io::ErrorKind::WouldBlock, self.code.name())
            }
            _ if self
                .errors
                .first()
                .is_some_and(|e| e.reason() == reason::UNEXPECTED_EOF_WHILE_READING) =>
            {
                io::Error::new(io::ErrorKind::UnexpectedEof, self)
            }
            _ => io::Error::other(self),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code)?;
        if let Some(e) = &self.io {
            write!(f, ": {e}")?;
        }
        for e in &self.errors {
            write!(f, ": {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// Why `SslStream::connect` did not return a stream.
#[derive(Debug)]
pub enum HandshakeError<S> {
    /// The handshake failed.
    Failure(Error),
    /// The stream is non-blocking and not ready; call `MidHandshakeSslStream::handshake`
    /// again when it is.
    WouldBlock(MidHandshakeSslStream<S>),
}

impl<S: fmt::Debug> fmt::Display for HandshakeError<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Failure(e) => write!(f, "TLS handshake failed: {e}"),
            Self::WouldBlock(_) => f.write_str("TLS handshake would block"),
        }
    }
}

impl<S: fmt::Debug> std::error::Error for HandshakeError<S> {}

/// A stream whose handshake is waiting for the underlying stream.
#[derive(Debug)]
pub struct MidHandshakeSslStream<S> {
    stream: Box<SslStream<S>>,
}

impl<S: Read + Write> MidHandshakeSslStream<S> {
    /// Continues the handshake.
    pub fn handshake(mut self) -> Result<SslStream<S>, HandshakeError<S>> {
        match self.stream.drive(Ssl::connect) {
            Ok(_) => Ok(*self.stream),
            Err(e) if e.would_block() => Err(HandshakeError::WouldBlock(self)),
            Err(e) => Err(HandshakeError::Failure(e)),
        }
    }

    /// The underlying stream.
    pub fn get_ref(&self) -> &S {
        self.stream.get_ref()
    }

    /// The `Ssl` object.
    pub fn ssl(&self) -> &Ssl {
        self.stream.ssl()
    }
}

/// TLS over a `Read + Write` stream.
pub struct SslStream<S> {
    ssl: Ssl,
    stream: S,
    rbio: MemBio,
    wbio: MemBio,
    /// Bytes taken from the write BIO not yet accepted by the stream.
    out: Vec<u8>,
    out_pos: usize,
    buf: Vec<u8>,
}

impl<S: fmt::Debug> fmt::Debug for SslStream<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SslStream")
            .field("ssl", &self.ssl)
            .field("stream", &self.stream)
            .finish_non_exhaustive()
    }
}

/// How much is read from the underlying stream at a time: one maximal TLS record.
const READ_CHUNK: usize = 16384 + 256 + 5;

impl<S: Read + Write> SslStream<S> {
    /// Wraps `stream` with a configured `ssl` (SNI, host check, ...) without starting the
    /// handshake; `connect` or the first read or write runs it.
    pub fn new(mut ssl: Ssl, stream: S) -> Self {
        let rbio = MemBio::new();
        let wbio = MemBio::new();
        ssl.set_bio(Box::new(rbio.clone()), Box::new(wbio.clone()));
        ssl.set_connect_state();
        Self {
            ssl,
            stream,
            rbio,
            wbio,
            out: Vec::new(),
            out_pos: 0,
            buf: vec![0; READ_CHUNK],
        }
    }

    /// Connects to `host` over `stream`: SNI is sent for a DNS name and the certificate is
    /// checked against `host` (a DNS name or IP address) when `ctx` verifies peers.
    pub fn connect(ctx: &SslCtx, host: &str, stream: S) -> Result<Self, HandshakeError<S>> {
        let mut ssl = Ssl::new(ctx);
        if host.parse::<std::net::IpAddr>().is_err() {
            ssl.set_tlsext_host_name(host);
        }
        if !ssl.set1_host(host) {
            error::push(
                error::ERR_LIB_SSL,
                reason::BAD_VALUE,
                Some(format!("invalid host name {host:?}")),
            );
            return Err(HandshakeError::Failure(Error::from_ssl(ErrorCode::SSL)));
        }
        MidHandshakeSslStream {
            stream: Box::new(Self::new(ssl, stream)),
        }
        .handshake()
    }

    /// Runs one `Ssl` call to completion as far as the stream allows.
    fn drive(&mut self, mut f: impl FnMut(&mut Ssl) -> i32) -> Result<i32, Error> {
        loop {
            self.flush_out().map_err(Error::from_io)?;
            let r = f(&mut self.ssl);
            let code = self.ssl.get_error(r);
            // Whatever the call queued (a flight, an alert) goes out now.
            let flushed = self.flush_out();
            if r > 0 {
                flushed.map_err(Error::from_io)?;
                return Ok(r);
            }
            match code {
                ErrorCode::WANT_READ => {
                    flushed.map_err(Error::from_io)?;
                    match self.stream.read(&mut self.buf) {
                        Ok(0) => self.rbio.set_mem_eof_return(0),
                        Ok(n) => self.rbio.push(&self.buf[..n]),
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => return Err(Error::from_io(e)),
                    }
                }
                ErrorCode::WANT_WRITE => flushed.map_err(Error::from_io)?,
                ErrorCode::ZERO_RETURN => return Ok(0),
                other => return Err(Error::from_ssl(other)),
            }
        }
    }

    /// Sends what the write BIO holds; `WouldBlock` keeps the rest for the next call.
    fn flush_out(&mut self) -> io::Result<()> {
        if self.out_pos == self.out.len() {
            self.out = self.wbio.take_all();
            self.out_pos = 0;
        } else {
            let more = self.wbio.take_all();
            self.out.extend_from_slice(&more);
        }
        while self.out_pos < self.out.len() {
            match self.stream.write(&self.out[self.out_pos..]) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => self.out_pos += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        self.out.clear();
        self.out_pos = 0;
        Ok(())
    }

    /// Reads plaintext (`SSL_read`): Ok(0) after close_notify.
    pub fn ssl_read(&mut self, buf: &mut [u8]) -> Result<usize, Error> {
        self.drive(|ssl| ssl.read(buf))
            .map(|n| usize::try_from(n).unwrap_or(0))
    }

    /// Writes plaintext (`SSL_write`).
    pub fn ssl_write(&mut self, buf: &[u8]) -> Result<usize, Error> {
        if buf.is_empty() {
            return Ok(0);
        }
        self.drive(|ssl| ssl.write(buf))
            .map(|n| usize::try_from(n).unwrap_or(0))
    }

    /// Sends close_notify (`SSL_shutdown`); `Ok(true)` once the peer's close_notify was seen.
    pub fn shutdown(&mut self) -> Result<bool, Error> {
        let r = self.ssl.shutdown();
        self.flush_out().map_err(Error::from_io)?;
        match r {
            1 => Ok(true),
            0 => Ok(false),
            _ => Err(Error::from_ssl(self.ssl.get_error(r))),
        }
    }

    /// The `Ssl` object (negotiated parameters, verify result, ...).
    pub fn ssl(&self) -> &Ssl {
        &self.ssl
    }

    /// The `Ssl` object, mutably.
    pub fn ssl_mut(&mut self) -> &mut Ssl {
        &mut self.ssl
    }

    /// The underlying stream.
    pub fn get_ref(&self) -> &S {
        &self.stream
    }

    /// The underlying stream, mutably (reading or writing it directly corrupts the TLS stream).
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.stream
    }
}

impl<S: Read + Write> Read for SslStream<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        self.ssl_read(buf).map_err(Error::into_io)
    }
}

impl<S: Read + Write> Write for SslStream<S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.ssl_write(buf).map_err(Error::into_io)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.flush_out()?;
        self.stream.flush()
    }
}
