//! Record size and padding settings: the max_fragment_length extension (RFC 6066 §4), block
//! padding of TLS 1.3 records (RFC 8446 §5.4), and the record padding callback, which is
//! refused (its argument is stored and reported back).

use std::ffi::{c_int, c_void};

use crate::ctx::{with_ctx, SSL_CTX};
use crate::entry::entry;
use crate::errors::{self, ERR_R_UNSUPPORTED};
use crate::session::SSL_SESSION;
use crate::ssl::{with_ssl, SSL};

/// The record padding callback (`SSL_CTX_set_record_padding_callback`).
pub type PaddingCb = unsafe extern "C" fn(*mut SSL, c_int, usize, *mut c_void) -> usize;

const NO_PADDING_CB: &str =
    "record padding callbacks are not supported (SSL_CTX_set_block_padding pads records)";

entry! {
    /// `SSL_CTX_set_tlsext_max_fragment_length`: 0 (`TLSEXT_max_fragment_length_DISABLED`)
    /// asks for nothing; 1 to 4 ask for records of at most 512 to 4096 bytes (RFC 6066 §4),
    /// which bind both sides once the server agrees; another value is "ssl3 ext invalid max
    /// fragment length".
    fn SSL_CTX_set_tlsext_max_fragment_length(c: *mut SSL_CTX, mode: u8) -> c_int {
        nonnull: [c], fail: 0;
        with_ctx(c, "SSL_CTX_set_tlsext_max_fragment_length", |st| {
            st.ctx.set_tlsext_max_fragment_length(mode)
        })
    }

    /// `SSL_set_tlsext_max_fragment_length`: as the context's form, for this connection.
    fn SSL_set_tlsext_max_fragment_length(s: *mut SSL, mode: u8) -> c_int {
        nonnull: [s], fail: 0;
        with_ssl(s, "SSL_set_tlsext_max_fragment_length", 0, |_, st| {
            st.ssl.set_tlsext_max_fragment_length(mode)
        })
    }

    /// `SSL_SESSION_get_max_fragment_length`: the mode the session's handshake agreed on (1
    /// to 4), or 0 (`TLSEXT_max_fragment_length_DISABLED`).
    fn SSL_SESSION_get_max_fragment_length(sess: *const SSL_SESSION) -> u8 {
        nonnull: [sess], fail: 0;
        crate::session::max_fragment_length(sess)
    }

    /// `SSL_CTX_set_block_padding`: TLS 1.3 records are padded to a multiple of `block`
    /// bytes; 0 or 1 turn padding off; 0 (nothing changed) above 16384, as in OpenSSL.
    fn SSL_CTX_set_block_padding(c: *mut SSL_CTX, block: usize) -> c_int {
        nonnull: [c], fail: 0;
        with_ctx(c, "SSL_CTX_set_block_padding", |st| st.ctx.set_block_padding(block))
    }

    /// `SSL_set_block_padding`: as the context's form, for this connection.
    fn SSL_set_block_padding(s: *mut SSL, block: usize) -> c_int {
        nonnull: [s], fail: 0;
        with_ssl(s, "SSL_set_block_padding", 0, |_, st| st.ssl.set_block_padding(block))
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
        with_ctx(c, "SSL_CTX_set_record_padding_callback_arg", |st| st.padding_arg = arg)
    }

    /// `SSL_CTX_get_record_padding_callback_arg`.
    fn SSL_CTX_get_record_padding_callback_arg(c: *const SSL_CTX) -> *mut c_void {
        nonnull: [c], fail: std::ptr::null_mut();
        with_ctx(c.cast_mut(), "SSL_CTX_get_record_padding_callback_arg", |st| st.padding_arg)
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
    //! What OpenSSL and this library answer differently, or what a C program cannot see.

    use super::*;
    use crate::ctx::{SSL_CTX_free, SSL_CTX_new, TLS_client_method};
    use crate::ssl::{SSL_free, SSL_new};

    use crate::errors::take_last_reason as last_reason;

    unsafe extern "C" fn padding(_: *mut SSL, _: c_int, _: usize, _: *mut c_void) -> usize {
        0
    }

    #[test]
    fn settings_and_their_limits() {
        // SAFETY: the exports, called as C would, on objects made here and freed at the end.
        unsafe {
            let c = SSL_CTX_new(TLS_client_method());
            let s = SSL_new(c);
            assert_eq!(SSL_CTX_set_block_padding(c, 1), 1);
            assert_eq!(SSL_CTX_set_block_padding(c, 16), 1);
            assert_eq!(SSL_set_block_padding(s, 16384), 1);
            assert_eq!(SSL_set_block_padding(s, 16385), 0);
            assert_eq!(last_reason(), 0);
            assert_eq!(SSL_set_tlsext_max_fragment_length(s, 0), 1);
            assert_eq!(SSL_set_tlsext_max_fragment_length(s, 4), 1);
            assert_eq!(SSL_CTX_set_tlsext_max_fragment_length(c, 5), 0);
            assert_eq!(last_reason(), 232);
            assert_eq!(SSL_set_record_padding_callback(s, None), 1);
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
            SSL_free(s);
            SSL_CTX_free(c);
        }
    }
}
