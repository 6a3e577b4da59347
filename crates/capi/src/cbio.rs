//! A libcrypto `BIO*` seen as an [`oxissl::Bio`]: what `SSL_set_bio` and `SSL_set_fd` hand to
//! the `oxissl::Ssl`. Reads and writes go through `BIO_read`/`BIO_write`; retry flags are the
//! BIO's own (`BIO_test_flags`), read live, so `SSL_get_error` sees what the BIO says now, as
//! in OpenSSL. A failed read is end-of-file when the BIO says so (`BIO_eof`), exactly the test
//! OpenSSL's record layer makes; any other failure is a hard error carrying `errno`.
//!
//! The adapter does not own a reference: the `SSL` object holds one per slot (read, write) and
//! frees them with `BIO_free_all` (see `ssl.rs`). The adapter is dropped from the `oxissl::Ssl`
//! before its BIO is freed.

use std::ffi::{c_int, c_void};

use oxissl::{Bio, BioIo, RetryFlags};

use crate::ffi::{self, BIO};

/// A non-owning view of a libcrypto BIO.
pub struct CBio {
    bio: *mut BIO,
    last_errno: Option<i32>,
}

// SAFETY: libcrypto BIOs are not tied to a thread. OpenSSL's rule that one SSL object (and
// so its BIOs) is used by one thread at a time is what C callers already follow; the SSL
// object's state is behind a mutex here, so the adapter is never used from two threads at once.
unsafe impl Send for CBio {}

impl CBio {
    /// Wraps `bio`, which must stay alive while the adapter is installed.
    pub fn new(bio: *mut BIO) -> Self {
        Self {
            bio,
            last_errno: None,
        }
    }

    /// The errno after a failed call, if the OS reported one.
    fn capture_errno(&mut self) {
        self.last_errno = std::io::Error::last_os_error()
            .raw_os_error()
            .filter(|e| *e != 0);
    }

    fn flags(&self) -> c_int {
        // SAFETY: the BIO is alive while installed (see the module comment); BIO_test_flags
        // only reads its flags word.
        unsafe { ffi::BIO_test_flags(self.bio, ffi::BIO_RETRY_BITS) }
    }
}

/// The most one `BIO_read`/`BIO_write` can move (its length is an `int`).
const MAX_IO: usize = c_int::MAX as usize;

impl Bio for CBio {
    fn read(&mut self, buf: &mut [u8]) -> BioIo {
        let len = buf.len().min(MAX_IO);
        ffi::set_errno(0);
        // SAFETY: the BIO is alive; `buf` has `len` writable bytes.
        let r = unsafe { ffi::BIO_read(self.bio, buf.as_mut_ptr().cast::<c_void>(), len as c_int) };
        if r > 0 {
            return BioIo::Done(r as usize);
        }
        if len == 0 {
            return BioIo::Done(0);
        }
        self.capture_errno();
        if self.should_retry() {
            return BioIo::Retry;
        }
        // SAFETY: BIO_eof is BIO_ctrl(b, BIO_CTRL_EOF, 0, NULL) on a live BIO.
        let eof =
            unsafe { ffi::BIO_ctrl(self.bio, ffi::BIO_CTRL_EOF, 0, std::ptr::null_mut()) } > 0;
        if eof {
            BioIo::Eof
        } else {
            BioIo::Failed
        }
    }

    fn write(&mut self, buf: &[u8]) -> BioIo {
        let len = buf.len().min(MAX_IO);
        ffi::set_errno(0);
        // SAFETY: the BIO is alive; `buf` has `len` readable bytes.
        let r = unsafe { ffi::BIO_write(self.bio, buf.as_ptr().cast::<c_void>(), len as c_int) };
        if r > 0 {
            return BioIo::Done(r as usize);
        }
        if len == 0 {
            return BioIo::Done(0);
        }
        self.capture_errno();
        if self.should_retry() {
            BioIo::Retry
        } else {
            BioIo::Failed
        }
    }

    fn retry_flags(&self) -> RetryFlags {
        RetryFlags::from_bits(self.flags() as u8)
    }

    fn set_retry_flags(&mut self, flags: RetryFlags) {
        // SAFETY: the BIO is alive; only its retry bits change.
        unsafe {
            ffi::BIO_clear_flags(self.bio, ffi::BIO_RETRY_BITS);
            ffi::BIO_set_flags(self.bio, c_int::from(flags.bits()));
        }
    }

    fn ctrl_pending(&self) -> usize {
        // SAFETY: BIO_pending is BIO_ctrl(b, BIO_CTRL_PENDING, 0, NULL) on a live BIO.
        let n = unsafe { ffi::BIO_ctrl(self.bio, ffi::BIO_CTRL_PENDING, 0, std::ptr::null_mut()) };
        usize::try_from(n).unwrap_or(0)
    }

    fn ctrl_wpending(&self) -> usize {
        // SAFETY: BIO_wpending is BIO_ctrl(b, BIO_CTRL_WPENDING, 0, NULL) on a live BIO.
        let n = unsafe { ffi::BIO_ctrl(self.bio, ffi::BIO_CTRL_WPENDING, 0, std::ptr::null_mut()) };
        usize::try_from(n).unwrap_or(0)
    }

    fn flush(&mut self) -> BioIo {
        // SAFETY: BIO_flush is BIO_ctrl(b, BIO_CTRL_FLUSH, 0, NULL) on a live BIO.
        let r = unsafe { ffi::BIO_ctrl(self.bio, ffi::BIO_CTRL_FLUSH, 0, std::ptr::null_mut()) };
        if r > 0 {
            BioIo::Done(1)
        } else if self.should_retry() {
            BioIo::Retry
        } else {
            BioIo::Failed
        }
    }

    fn last_os_error(&self) -> Option<i32> {
        self.last_errno
    }

    fn method_name(&self) -> &'static str {
        "libcrypto BIO"
    }
}
