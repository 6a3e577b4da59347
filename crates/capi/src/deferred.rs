//! Settings kept in a minimal form until a later change implements them, all here so that
//! change can replace this module: the client certificate callback (stored, not yet called),
//! the max_fragment_length extension (only "disabled" accepted), record padding (only "off"
//! accepted; the padding callback refused) and its callback argument (stored, reported back).

use std::ffi::{c_int, c_void};

use crate::ctx::{with_ctx, SSL_CTX};
use crate::entry::entry;
use crate::errors;
use crate::ffi::{EVP_PKEY, X509};
use crate::session::SSL_SESSION;
use crate::ssl::{with_ssl, SSL};

/// `ERR_R_UNSUPPORTED`.
const ERR_R_UNSUPPORTED: u32 = 0x8010C;
/// `SSL_R_SSL3_EXT_INVALID_MAX_FRAGMENT_LENGTH`.
const SSL_R_SSL3_EXT_INVALID_MAX_FRAGMENT_LENGTH: u32 = 232;

/// `SSL_CTX_set_client_cert_cb`'s callback.
pub type ClientCertCb = unsafe extern "C" fn(*mut SSL, *mut *mut X509, *mut *mut EVP_PKEY) -> c_int;
/// The record padding callback (`SSL_CTX_set_record_padding_callback`).
pub type PaddingCb = unsafe extern "C" fn(*mut SSL, c_int, usize, *mut c_void) -> usize;

/// What a context (and, for the padding argument, a connection) keeps of these settings.
#[derive(Clone, Copy)]
pub struct Deferred {
    pub client_cert_cb: Option<ClientCertCb>,
    pub padding_arg: *mut c_void,
}

impl Default for Deferred {
    fn default() -> Self {
        Self {
            client_cert_cb: None,
            padding_arg: std::ptr::null_mut(),
        }
    }
}

/// `TLSEXT_max_fragment_length_DISABLED` (0) is accepted; the four lengths are refused
/// clearly; anything else is OpenSSL's invalid-length error.
fn max_fragment_length(func: &str, mode: u8) -> c_int {
    match mode {
        0 => 1,
        1..=4 => {
            let why = "the max_fragment_length extension is not supported";
            errors::raise_ssl(func, ERR_R_UNSUPPORTED, Some(why));
            0
        }
        _ => {
            errors::raise_ssl(func, SSL_R_SSL3_EXT_INVALID_MAX_FRAGMENT_LENGTH, None);
            0
        }
    }
}

/// Block padding: a block size of 0 or 1 means no padding, which is what this library sends;
/// larger blocks are refused clearly (OpenSSL's limit is 16384; above it is a failure too).
fn block_padding(func: &str, block: usize) -> c_int {
    if block <= 1 {
        return 1;
    }
    errors::raise_ssl(
        func,
        ERR_R_UNSUPPORTED,
        Some("record padding is not supported"),
    );
    0
}

const NO_PADDING_CB: &str = "record padding callbacks are not supported";

entry! {
    /// `SSL_CTX_set_client_cert_cb`: stored and reported back; not yet called (the
    /// certificate sent is the one set with `SSL_CTX_use_certificate` and friends).
    fn SSL_CTX_set_client_cert_cb(c: *mut SSL_CTX, cb: Option<ClientCertCb>) -> () {
        nonnull: [c], fail: ();
        with_ctx(c, "SSL_CTX_set_client_cert_cb", |st| st.deferred.client_cert_cb = cb)
    }

    /// `SSL_CTX_get_client_cert_cb`.
    fn SSL_CTX_get_client_cert_cb(c: *mut SSL_CTX) -> Option<ClientCertCb> {
        nonnull: [c], fail: None;
        with_ctx(c, "SSL_CTX_get_client_cert_cb", |st| st.deferred.client_cert_cb)
    }

    /// `SSL_CTX_set_tlsext_max_fragment_length`: `TLSEXT_max_fragment_length_DISABLED` (0) is
    /// accepted; asking for smaller records is not supported (0).
    fn SSL_CTX_set_tlsext_max_fragment_length(c: *mut SSL_CTX, mode: u8) -> c_int {
        nonnull: [c], fail: 0;
        max_fragment_length("SSL_CTX_set_tlsext_max_fragment_length", mode)
    }

    /// `SSL_set_tlsext_max_fragment_length`: as the context's form.
    fn SSL_set_tlsext_max_fragment_length(s: *mut SSL, mode: u8) -> c_int {
        nonnull: [s], fail: 0;
        max_fragment_length("SSL_set_tlsext_max_fragment_length", mode)
    }

    /// `SSL_SESSION_get_max_fragment_length`: 0 (the extension is never negotiated).
    fn SSL_SESSION_get_max_fragment_length(sess: *const SSL_SESSION) -> u8 {
        nonnull: [sess], fail: 0;
        0
    }

    /// `SSL_CTX_set_block_padding`: 0 or 1 (no padding) accepted; more refused clearly.
    fn SSL_CTX_set_block_padding(c: *mut SSL_CTX, block: usize) -> c_int {
        nonnull: [c], fail: 0;
        block_padding("SSL_CTX_set_block_padding", block)
    }

    /// `SSL_set_block_padding`: as the context's form.
    fn SSL_set_block_padding(s: *mut SSL, block: usize) -> c_int {
        nonnull: [s], fail: 0;
        block_padding("SSL_set_block_padding", block)
    }

    /// `SSL_CTX_set_record_padding_callback` (void): refused; `ERR_R_UNSUPPORTED` is queued
    /// unless the callback is null, and records are not padded.
    fn SSL_CTX_set_record_padding_callback(c: *mut SSL_CTX, cb: Option<PaddingCb>) -> () {
        nonnull: [c], fail: ();
        if cb.is_some() {
            errors::raise_ssl("SSL_CTX_set_record_padding_callback", ERR_R_UNSUPPORTED, Some(NO_PADDING_CB));
        }
    }

    /// `SSL_set_record_padding_callback`: 0 + `ERR_R_UNSUPPORTED` (1 for null: no padding).
    fn SSL_set_record_padding_callback(s: *mut SSL, cb: Option<PaddingCb>) -> c_int {
        nonnull: [s], fail: 0;
        if cb.is_none() {
            return 1;
        }
        errors::raise_ssl("SSL_set_record_padding_callback", ERR_R_UNSUPPORTED, Some(NO_PADDING_CB));
        0
    }

    /// `SSL_CTX_set_record_padding_callback_arg`: stored (copied by `SSL_new`).
    fn SSL_CTX_set_record_padding_callback_arg(c: *mut SSL_CTX, arg: *mut c_void) -> () {
        nonnull: [c], fail: ();
        with_ctx(c, "SSL_CTX_set_record_padding_callback_arg", |st| st.deferred.padding_arg = arg)
    }

    /// `SSL_CTX_get_record_padding_callback_arg`.
    fn SSL_CTX_get_record_padding_callback_arg(c: *const SSL_CTX) -> *mut c_void {
        nonnull: [c], fail: std::ptr::null_mut();
        with_ctx(c.cast_mut(), "SSL_CTX_get_record_padding_callback_arg", |st| st.deferred.padding_arg)
    }

    /// `SSL_set_record_padding_callback_arg`: stored.
    fn SSL_set_record_padding_callback_arg(s: *mut SSL, arg: *mut c_void) -> () {
        nonnull: [s], fail: ();
        with_ssl(s, "SSL_set_record_padding_callback_arg", (), |_, st| st.padding_arg = arg)
    }

    /// `SSL_get_record_padding_callback_arg`.
    fn SSL_get_record_padding_callback_arg(s: *const SSL) -> *mut c_void {
        nonnull: [s], fail: std::ptr::null_mut();
        with_ssl(s, "SSL_get_record_padding_callback_arg", std::ptr::null_mut(), |_, st| st.padding_arg)
    }
}

#[cfg(test)]
mod tests {
    //! OpenSSL accepts these settings; here only "off" is, and the rest fails clearly, so the
    //! differential C programs cannot compare them.

    use super::*;
    use crate::ctx::{SSL_CTX_free, SSL_CTX_new, TLS_client_method};
    use crate::ffi;
    use crate::ssl::{SSL_free, SSL_new};

    fn last_reason() -> u32 {
        // SAFETY: reads and clears this thread's queue.
        let e = unsafe { ffi::ERR_peek_last_error() };
        // SAFETY: as above.
        unsafe { ffi::ERR_clear_error() };
        u32::try_from(e & 0x7F_FFFF).unwrap_or(0)
    }

    unsafe extern "C" fn padding(_: *mut SSL, _: c_int, _: usize, _: *mut c_void) -> usize {
        0
    }

    #[test]
    fn padding_and_max_fragment_length_accept_only_off() {
        // SAFETY: the exports, called as C would, on objects made here and freed at the end.
        unsafe {
            let c = SSL_CTX_new(TLS_client_method());
            let s = SSL_new(c);
            assert_eq!(SSL_CTX_set_block_padding(c, 1), 1);
            assert_eq!(SSL_set_tlsext_max_fragment_length(s, 0), 1);
            assert_eq!(SSL_set_record_padding_callback(s, None), 1);
            assert_eq!(last_reason(), 0);
            assert_eq!(SSL_CTX_set_block_padding(c, 16), 0);
            assert_eq!(last_reason(), ERR_R_UNSUPPORTED);
            assert_eq!(SSL_set_block_padding(s, 16), 0);
            assert_eq!(last_reason(), ERR_R_UNSUPPORTED);
            assert_eq!(SSL_set_tlsext_max_fragment_length(s, 1), 0);
            assert_eq!(last_reason(), ERR_R_UNSUPPORTED);
            assert_eq!(SSL_set_record_padding_callback(s, Some(padding)), 0);
            assert_eq!(last_reason(), ERR_R_UNSUPPORTED);
            SSL_CTX_set_record_padding_callback(c, Some(padding));
            assert_eq!(last_reason(), ERR_R_UNSUPPORTED);
            let mut arg = 0u8;
            SSL_set_record_padding_callback_arg(s, (&raw mut arg).cast());
            assert_eq!(
                SSL_get_record_padding_callback_arg(s),
                (&raw mut arg).cast()
            );
            let cb: ClientCertCb = client_cert;
            SSL_CTX_set_client_cert_cb(c, Some(cb));
            assert!(SSL_CTX_get_client_cert_cb(c).is_some());
            SSL_free(s);
            SSL_CTX_free(c);
        }
    }

    unsafe extern "C" fn client_cert(
        _: *mut SSL,
        _: *mut *mut X509,
        _: *mut *mut EVP_PKEY,
    ) -> c_int {
        0
    }
}
