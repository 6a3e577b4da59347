//! The handshake and data calls (`SSL_connect`, `SSL_do_handshake`, `SSL_read(_ex)`,
//! `SSL_peek(_ex)`, `SSL_write(_ex)`, `SSL_shutdown`) and `SSL_get_error`. Return values,
//! queue entries and `errno` follow OPENSSL_CONTRACT.md; `oxissl::Ssl` makes the decisions,
//! this layer moves its errors to libcrypto's queue and answers `SSL_get_error` from that
//! queue first, as OpenSSL does.

use std::ffi::{c_int, c_void};

use crate::entry::entry;
use crate::errors;
use crate::session::announce_new_sessions;
use crate::ssl::{with_ssl, SslState, SSL, SSL_R_BAD_LENGTH};

/// `SSL_R_WRONG_SSL_VERSION`.
const SSL_R_WRONG_SSL_VERSION: u32 = 266;
/// `SSL_R_INVALID_KEY_UPDATE_TYPE`.
const SSL_R_INVALID_KEY_UPDATE_TYPE: u32 = 120;

/// `SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN`.
const BOTH_SHUTDOWN: c_int = 3;

/// A mutable byte buffer from C (empty for a zero length).
///
/// # Safety
/// When `len > 0`, `p` is non-null and points to `len` writable bytes.
unsafe fn buf_mut<'a>(p: *mut c_void, len: usize) -> &'a mut [u8] {
    if len == 0 || p.is_null() {
        return &mut [];
    }
    // SAFETY: per the contract.
    unsafe { std::slice::from_raw_parts_mut(p.cast::<u8>(), len) }
}

/// A byte buffer from C (empty for a zero length).
///
/// # Safety
/// When `len > 0`, `p` is non-null and points to `len` readable bytes.
unsafe fn buf<'a>(p: *const c_void, len: usize) -> &'a [u8] {
    // SAFETY: per the contract.
    unsafe { crate::entry::bytes_arg(p.cast::<u8>(), len) }
}

/// Stores a count through an optional out-pointer.
fn put_count(out: *mut usize, n: usize) {
    if !out.is_null() {
        // SAFETY: the caller passes a writable size_t or null.
        unsafe { *out = n };
    }
}

/// OpenSSL's `SSL_write` of nothing still drives the handshake first (`openssl s_client`
/// starts its handshake that way): 1 when there is nothing to do first, else the
/// handshake's result.
fn handshake_first(ssl: &mut oxissl::Ssl, data: &[u8]) -> c_int {
    if data.is_empty() && ssl.is_connect_state() && !ssl.is_init_finished() {
        ssl.do_handshake()
    } else {
        1
    }
}

/// A handshake or data call on the object (`with_ssl`), then the new-session callback for the
/// sessions it established, called with the object unlocked. When the handshake stopped for a
/// program's callback (chain verification, certificate status, a certificate the server asked
/// for), the callback runs unlocked too, so it may call back into the object, and the call is
/// made again with its answer, as OpenSSL calls them within the one call.
fn io_entry<R: Copy>(
    s: *mut SSL,
    func: &str,
    fail: R,
    mut f: impl FnMut(&SSL, &mut SslState) -> R,
) -> R {
    loop {
        let (mut pending, mut status, mut cert, mut chain) = (false, false, false, false);
        let r = with_ssl(s, func, fail, |obj, st| {
            let r = f(obj, st);
            pending = !st.new_sessions.is_empty();
            status = st.ssl.status_check_pending();
            cert = st.ssl.client_cert_pending();
            chain = st.ssl.chain_verification_pending();
            r
        });
        // Only then a second lock of the object: reads and writes stay one lock each.
        if pending {
            announce_new_sessions(s);
        }
        if chain || status || cert {
            // What the info callback was told so far comes first, as under OpenSSL.
            crate::ssl::deliver_info_events(s);
        }
        if chain && crate::ssl::run_chain_verification(s, func) {
            continue;
        }
        if status && run_status_callback(s, func) {
            continue;
        }
        if cert && run_client_cert_callback(s, func) {
            continue;
        }
        crate::ssl::deliver_info_events(s);
        return r;
    }
}

/// Asks the context's client certificate callback for the certificate the server requested
/// and hands the answer to the handshake; whether the call should be made again (not when the
/// callback asked to be called later: the call then returns its WANT_X509_LOOKUP).
fn run_client_cert_callback(s: *mut SSL, func: &str) -> bool {
    use crate::cert::ClientCertAnswer as A;
    let answer = crate::cert::ask_certificate_callbacks(s);
    if matches!(answer, A::Later) {
        return false;
    }
    with_ssl(s, func, false, |_, st| {
        st.ssl.client_cert_pending() && {
            match answer {
                A::Failed => st.ssl.fail_client_cert(),
                a => st.ssl.finish_client_cert(matches!(a, A::Send)),
            };
            true
        }
    })
}

/// Calls the context's status callback (`SSL_CTX_set_tlsext_status_cb`) on the unlocked
/// object and hands its verdict to the handshake; whether the call should be made again.
fn run_status_callback(s: *mut SSL, func: &str) -> bool {
    let (cb, arg) = {
        // SAFETY: `s` is live (the caller's), and holds a reference to its context.
        let c = unsafe { crate::ctx::ctx_ref((*s).ctx) }.lock();
        (c.status_cb, c.status_cb_arg)
    };
    // SAFETY: the program's callback, called as OpenSSL calls it: the object and the
    // argument it registered.
    let verdict = cb.map_or(1, |cb| unsafe { cb(s, arg) });
    with_ssl(s, func, false, |_, st| {
        st.ssl.status_check_pending() && {
            st.ssl.finish_status_check(verdict);
            true
        }
    })
}

/// `SSL_read`/`SSL_peek` on the object.
fn read_call(s: *mut SSL, func: &str, b: &mut [u8], peek: bool) -> c_int {
    io_entry(s, func, -1, |obj, st| {
        st.io_call(obj, |ssl| if peek { ssl.peek(b) } else { ssl.read(b) })
    })
}

/// `SSL_read_ex`/`SSL_peek_ex` on the object: 1 with the count stored, or 0.
fn read_ex_call(s: *mut SSL, func: &str, b: &mut [u8], peek: bool, out: *mut usize) -> c_int {
    let mut count = None;
    io_entry(s, func, 0, |obj, st| {
        st.io_call(obj, |ssl| {
            count = if peek { ssl.peek_ex(b) } else { ssl.read_ex(b) };
            c_int::from(count.is_some())
        })
    });
    put_count(out, count.unwrap_or(0));
    c_int::from(count.is_some())
}

entry! {
    /// `SSL_connect`: 1 when the handshake is complete; -1 for WANT_* and every failure.
    fn SSL_connect(s: *mut SSL) -> c_int {
        nonnull: [s], fail: -1;
        // As in OpenSSL, SSL_connect makes the object a client without resetting it (only an
        // explicit SSL_set_connect_state on a used object starts a new connection).
        io_entry(s, "SSL_connect", -1, |obj, st| st.io_call(obj, |ssl| ssl.connect()))
    }

    /// `SSL_do_handshake`: -1 with "connection type not set" before `SSL_set_connect_state`.
    fn SSL_do_handshake(s: *mut SSL) -> c_int {
        nonnull: [s], fail: -1;
        io_entry(s, "SSL_do_handshake", -1, |obj, st| {
            st.io_call(obj, |ssl| ssl.do_handshake())
        })
    }

    /// `SSL_read`: bytes read (at most one record), 0 on close_notify or EOF, -1 otherwise.
    fn SSL_read(s: *mut SSL, b: *mut c_void, num: c_int) -> c_int {
        nonnull: [s], fail: -1;
        let Ok(len) = usize::try_from(num) else {
            errors::raise_ssl("SSL_read", SSL_R_BAD_LENGTH, None);
            return -1;
        };
        if len > 0 && b.is_null() {
            errors::raise_null("SSL_read");
            return -1;
        }
        // SAFETY: `b` has `num` writable bytes per the API.
        read_call(s, "SSL_read", unsafe { buf_mut(b, len) }, false)
    }

    /// `SSL_read_ex`: 1 with the count, or 0 (then `SSL_get_error(ssl, 0)`).
    fn SSL_read_ex(s: *mut SSL, b: *mut c_void, num: usize, readbytes: *mut usize) -> c_int {
        nonnull: [s], fail: 0;
        if num > 0 && b.is_null() {
            errors::raise_null("SSL_read_ex");
            return 0;
        }
        // SAFETY: `b` has `num` writable bytes per the API.
        read_ex_call(s, "SSL_read_ex", unsafe { buf_mut(b, num) }, false, readbytes)
    }

    /// `SSL_peek`: like `SSL_read`, leaving the bytes to be read again.
    fn SSL_peek(s: *mut SSL, b: *mut c_void, num: c_int) -> c_int {
        nonnull: [s], fail: -1;
        let Ok(len) = usize::try_from(num) else {
            errors::raise_ssl("SSL_peek", SSL_R_BAD_LENGTH, None);
            return -1;
        };
        if len > 0 && b.is_null() {
            errors::raise_null("SSL_peek");
            return -1;
        }
        // SAFETY: `b` has `num` writable bytes per the API.
        read_call(s, "SSL_peek", unsafe { buf_mut(b, len) }, true)
    }

    /// `SSL_peek_ex`.
    fn SSL_peek_ex(s: *mut SSL, b: *mut c_void, num: usize, readbytes: *mut usize) -> c_int {
        nonnull: [s], fail: 0;
        if num > 0 && b.is_null() {
            errors::raise_null("SSL_peek_ex");
            return 0;
        }
        // SAFETY: `b` has `num` writable bytes per the API.
        read_ex_call(s, "SSL_peek_ex", unsafe { buf_mut(b, num) }, true, readbytes)
    }

    /// `SSL_write`: the whole length (or one record with partial writes), 0 for an empty
    /// buffer, -1 otherwise.
    fn SSL_write(s: *mut SSL, b: *const c_void, num: c_int) -> c_int {
        nonnull: [s], fail: -1;
        let Ok(len) = usize::try_from(num) else {
            errors::raise_ssl("SSL_write", SSL_R_BAD_LENGTH, None);
            return -1;
        };
        if len > 0 && b.is_null() {
            errors::raise_null("SSL_write");
            return -1;
        }
        // SAFETY: `b` has `num` readable bytes per the API.
        let data = unsafe { buf(b, len) };
        io_entry(s, "SSL_write", -1, |obj, st| {
            st.io_call(obj, |ssl| match handshake_first(ssl, data) {
                r if r <= 0 => r,
                _ => ssl.write(data),
            })
        })
    }

    /// `SSL_write_ex`: 1 with the count, or 0.
    fn SSL_write_ex(s: *mut SSL, b: *const c_void, num: usize, written: *mut usize) -> c_int {
        nonnull: [s], fail: 0;
        if num > 0 && b.is_null() {
            errors::raise_null("SSL_write_ex");
            return 0;
        }
        // SAFETY: `b` has `num` readable bytes per the API.
        let data = unsafe { buf(b, num) };
        let mut count = None;
        io_entry(s, "SSL_write_ex", 0, |obj, st| {
            st.io_call(obj, |ssl| {
                let r = handshake_first(ssl, data);
                if r <= 0 {
                    return r;
                }
                count = ssl.write_ex(data);
                c_int::from(count.is_some())
            })
        });
        put_count(written, count.unwrap_or(0));
        c_int::from(count.is_some())
    }

    /// `SSL_pending`: bytes left of the current record.
    fn SSL_pending(s: *const SSL) -> c_int {
        nonnull: [s], fail: 0;
        with_ssl(s, "SSL_pending", 0, |_, st| {
            c_int::try_from(st.ssl.pending()).unwrap_or(c_int::MAX)
        })
    }

    /// `SSL_has_pending`.
    fn SSL_has_pending(s: *const SSL) -> c_int {
        nonnull: [s], fail: 0;
        with_ssl(s, "SSL_has_pending", 0, |_, st| c_int::from(st.ssl.has_pending()))
    }

    /// `SSL_shutdown`: 1 when both close_notifys are done, 0 when ours is sent, -1 during the
    /// handshake or when the BIO must be waited on. Quiet shutdown, or both flags set with
    /// `SSL_set_shutdown`, completes at once without sending.
    fn SSL_shutdown(s: *mut SSL) -> c_int {
        nonnull: [s], fail: -1;
        io_entry(s, "SSL_shutdown", -1, |obj, st| {
            let finished = st.ssl.is_connect_state() && st.ssl.is_init_finished();
            if finished && st.quiet_shutdown {
                st.shutdown_flags = BOTH_SHUTDOWN;
                return 1;
            }
            if finished && st.shutdown_flags == BOTH_SHUTDOWN {
                return 1;
            }
            st.io_call(obj, |ssl| ssl.shutdown())
        })
    }

    /// `SSL_key_update`: schedules a KeyUpdate (0: not requested; 1: the server is asked to
    /// update its keys too), sent by the next SSL_do_handshake, SSL_write or SSL_read, as in
    /// OpenSSL; its checks and reasons: wrong version, invalid type, still in init.
    fn SSL_key_update(s: *mut SSL, updatetype: c_int) -> c_int {
        nonnull: [s], fail: 0;
        with_ssl(s, "SSL_key_update", 0, |_, st| {
            // OpenSSL checks the version (unknown before the handshake) before the type.
            if st.ssl.version_number() != 0x0304 {
                errors::raise_ssl("SSL_key_update", SSL_R_WRONG_SSL_VERSION, None);
                return 0;
            }
            if !matches!(updatetype, 0 | 1) {
                errors::raise_ssl("SSL_key_update", SSL_R_INVALID_KEY_UPDATE_TYPE, None);
                return 0;
            }
            c_int::from(st.ssl.key_update(updatetype == 1))
        })
    }

    /// `SSL_get_key_update_type`: the scheduled KeyUpdate not sent yet (0 or 1), else -1.
    fn SSL_get_key_update_type(s: *const SSL) -> c_int {
        nonnull: [s], fail: -1;
        with_ssl(s, "SSL_get_key_update_type", -1, |_, st| st.ssl.key_update_type())
    }

    /// `SSL_clear`: 1; the object is ready for another connection to the same server, with
    /// its settings, BIOs and (if it was shut down with SSL_shutdown) its session, offered
    /// again, as in OpenSSL.
    fn SSL_clear(s: *mut SSL) -> c_int {
        nonnull: [s], fail: 0;
        with_ssl(s, "SSL_clear", 0, |_, st| {
            let version = crate::ssl::version_number(st);
            st.ssl.clear();
            st.forget_connection(version);
            1
        })
    }

    /// `SSL_get_error`: OpenSSL's order — success; the earliest queued error (system ->
    /// SYSCALL, else SSL); then what the BIOs and the connection say.
    fn SSL_get_error(s: *const SSL, ret: c_int) -> c_int {
        nonnull: [s], fail: 1;
        if ret > 0 {
            return 0;
        }
        match errors::queue_head() {
            Some(true) => 5,
            Some(false) => 1,
            None => with_ssl(s, "SSL_get_error", 1, |_, st| st.ssl.get_error(ret).as_raw()),
        }
    }

    /// `SSL_want`: `SSL_NOTHING` (1), `SSL_WRITING` (2), `SSL_READING` (3).
    fn SSL_want(s: *const SSL) -> c_int {
        nonnull: [s], fail: 1;
        with_ssl(s, "SSL_want", 1, |_, st| st.ssl.want() as c_int)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ctx::{SSL_CTX_ctrl, SSL_CTX_free, SSL_CTX_new, TLS_client_method};
    use crate::ffi;
    use crate::ssl::{SSL_free, SSL_new, SSL_set_bio, SSL_set_connect_state};

    /// A client over two memory BIOs: the handshake sends its ClientHello and waits.
    #[test]
    fn memory_bios_want_read_then_queue_decides() {
        // SAFETY: every pointer comes from the calls above it and is freed once at the end.
        unsafe {
            let ctx = SSL_CTX_new(TLS_client_method());
            assert!(!ctx.is_null());
            // SSL_CTX_get_mode: AUTO_RETRY by default.
            assert_eq!(SSL_CTX_ctrl(ctx, 33, 0, std::ptr::null_mut()), 4);
            let ssl = SSL_new(ctx);
            let rbio = ffi::BIO_new(ffi::BIO_s_mem());
            let wbio = ffi::BIO_new(ffi::BIO_s_mem());
            SSL_set_bio(ssl, rbio, wbio);
            SSL_set_connect_state(ssl);
            let r = SSL_do_handshake(ssl);
            assert_eq!(r, -1);
            assert_eq!(SSL_get_error(ssl, r), 2, "WANT_READ");
            assert!(ffi::BIO_ctrl(wbio, ffi::BIO_CTRL_PENDING, 0, std::ptr::null_mut()) > 5);
            // An entry on libcrypto's queue wins over the BIO's retry flags.
            errors::raise_ssl("test", 134, None);
            assert_eq!(SSL_get_error(ssl, r), 1, "SSL_ERROR_SSL");
            ffi::ERR_clear_error();
            // Null arguments fail with the function's failure value.
            assert_eq!(SSL_read(std::ptr::null_mut(), std::ptr::null_mut(), 1), -1);
            assert_eq!(SSL_get_error(ssl, -1), 1);
            ffi::ERR_clear_error();
            assert_eq!(SSL_read(ssl, std::ptr::null_mut(), -1), -1);
            ffi::ERR_clear_error();
            SSL_free(ssl);
            SSL_CTX_free(ctx);
        }
    }
}
