//! `BIO_f_ssl`: a libcrypto filter BIO whose reads and writes run an `SSL`, built with
//! `BIO_meth_new` so that every `BIO_*` call a program makes on it goes through libcrypto as
//! usual. `BIO_new_ssl_connect` stacks it on a connect BIO; `BIO_do_connect` (ctrl 101) then
//! runs the handshake, whose first BIO write makes the connect BIO connect. Retry flags are
//! copied from `SSL_get_error` onto the filter, and controls this filter does not know go to
//! the `SSL`'s read BIO (`BIO_set_conn_hostname` reaches the connect BIO that way).

use std::ffi::{c_char, c_int, c_long, c_void, CStr};
use std::sync::OnceLock;

use crate::ctx::SSL_CTX;
use crate::entry::{entry, guard};
use crate::errors;
use crate::ffi::{self, BIO, BIO_METHOD};
use crate::io::{SSL_do_handshake, SSL_get_error, SSL_pending, SSL_read, SSL_shutdown, SSL_write};
use crate::ssl::{
    SSL_free, SSL_get_rbio, SSL_get_wbio, SSL_new, SSL_set_bio, SSL_set_connect_state, SSL,
};

/// The filter's per-BIO data.
struct SslBioData {
    ssl: *mut SSL,
}

/// The data of one of our filter BIOs (null if none).
fn data(b: *mut BIO) -> *mut SslBioData {
    // SAFETY: `b` is a live BIO of our method (libcrypto calls our callbacks with it).
    unsafe { ffi::BIO_get_data(b) }.cast()
}

/// The `SSL` behind one of our filter BIOs (null if none).
fn ssl_of(b: *mut BIO) -> *mut SSL {
    let d = data(b);
    if d.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: set by `create` to a live box owned by the BIO.
    unsafe { (*d).ssl }
}

fn set_flags(b: *mut BIO, flags: c_int) {
    // SAFETY: `b` is a live BIO.
    unsafe { ffi::BIO_set_flags(b, flags) }
}

/// Clears the filter's retry state before a call (`BIO_clear_retry_flags`).
fn clear_retry(b: *mut BIO) {
    // SAFETY: `b` is a live BIO.
    unsafe {
        ffi::BIO_clear_flags(b, ffi::BIO_RETRY_BITS);
        ffi::BIO_set_retry_reason(b, 0);
    }
}

/// Sets the filter's retry flags from what `SSL_get_error` says about `ret`.
fn copy_retry(b: *mut BIO, ssl: *mut SSL, ret: c_int) {
    // SAFETY: `ssl` is the filter's live object.
    let e = unsafe { SSL_get_error(ssl, ret) };
    let special = |reason: c_int| {
        set_flags(b, ffi::BIO_FLAGS_IO_SPECIAL | ffi::BIO_FLAGS_SHOULD_RETRY);
        // SAFETY: `b` is a live BIO.
        unsafe { ffi::BIO_set_retry_reason(b, reason) };
    };
    match e {
        2 => set_flags(b, ffi::BIO_FLAGS_READ | ffi::BIO_FLAGS_SHOULD_RETRY),
        3 => set_flags(b, ffi::BIO_FLAGS_WRITE | ffi::BIO_FLAGS_SHOULD_RETRY),
        4 => special(ffi::BIO_RR_SSL_X509_LOOKUP),
        7 => special(ffi::BIO_RR_CONNECT),
        _ => {}
    }
}

unsafe extern "C" fn bio_create(b: *mut BIO) -> c_int {
    guard(
        "BIO_f_ssl create",
        || 0,
        || {
            let d = Box::into_raw(Box::new(SslBioData {
                ssl: std::ptr::null_mut(),
            }));
            // SAFETY: `b` is the BIO being created; it owns the box until `destroy`.
            unsafe {
                ffi::BIO_set_data(b, d.cast());
                ffi::BIO_set_init(b, 0);
                ffi::BIO_clear_flags(b, !0);
            }
            1
        },
    )
}

unsafe extern "C" fn bio_destroy(b: *mut BIO) -> c_int {
    guard(
        "BIO_f_ssl destroy",
        || 0,
        || {
            if b.is_null() {
                return 0;
            }
            let d = data(b);
            if d.is_null() {
                return 1;
            }
            // SAFETY: `d` is the box made in `create`; the BIO is being freed, so this is the last
            // use. The SSL (if any) is live and, with the close flag, owned by the BIO.
            unsafe {
                let ssl = (*d).ssl;
                if !ssl.is_null() {
                    SSL_shutdown(ssl);
                }
                if ffi::BIO_get_shutdown(b) != 0 {
                    if ffi::BIO_get_init(b) != 0 {
                        SSL_free(ssl);
                    }
                    ffi::BIO_clear_flags(b, !0);
                    ffi::BIO_set_init(b, 0);
                }
                ffi::BIO_set_data(b, std::ptr::null_mut());
                drop(Box::from_raw(d));
            }
            1
        },
    )
}

unsafe extern "C" fn bio_read(b: *mut BIO, out: *mut c_char, len: c_int) -> c_int {
    guard(
        "BIO_f_ssl read",
        || -1,
        || {
            let ssl = ssl_of(b);
            if out.is_null() || ssl.is_null() {
                return 0;
            }
            clear_retry(b);
            // SAFETY: `out` has `len` writable bytes (libcrypto's BIO_read contract).
            let r = unsafe { SSL_read(ssl, out.cast(), len) };
            copy_retry(b, ssl, r);
            r
        },
    )
}

unsafe extern "C" fn bio_write(b: *mut BIO, input: *const c_char, len: c_int) -> c_int {
    guard(
        "BIO_f_ssl write",
        || -1,
        || {
            let ssl = ssl_of(b);
            if input.is_null() || ssl.is_null() {
                return 0;
            }
            clear_retry(b);
            // SAFETY: `input` has `len` readable bytes (libcrypto's BIO_write contract).
            let r = unsafe { SSL_write(ssl, input.cast(), len) };
            copy_retry(b, ssl, r);
            r
        },
    )
}

unsafe extern "C" fn bio_puts(b: *mut BIO, s: *const c_char) -> c_int {
    if s.is_null() {
        return 0;
    }
    // SAFETY: a NUL-terminated string from the caller.
    let len = unsafe { CStr::from_ptr(s) }.to_bytes().len();
    // SAFETY: `s` has `len` readable bytes.
    unsafe { bio_write(b, s, c_int::try_from(len).unwrap_or(c_int::MAX)) }
}

unsafe extern "C" fn bio_ctrl(b: *mut BIO, cmd: c_int, num: c_long, ptr: *mut c_void) -> c_long {
    guard("BIO_f_ssl ctrl", || 0, || ctrl(b, cmd, num, ptr))
}

fn ctrl(b: *mut BIO, cmd: c_int, num: c_long, ptr: *mut c_void) -> c_long {
    let d = data(b);
    if d.is_null() {
        return 0;
    }
    // SAFETY: `d` is the live box made in `create`.
    let ssl = unsafe { (*d).ssl };
    // SAFETY: `b` is live.
    let next = unsafe { ffi::BIO_next(b) };
    if cmd == ffi::BIO_C_SET_SSL {
        return set_ssl(b, d, num, ptr.cast());
    }
    if cmd == ffi::BIO_CTRL_GET_CLOSE {
        // SAFETY: `b` is live.
        return c_long::from(unsafe { ffi::BIO_get_shutdown(b) });
    }
    if cmd == ffi::BIO_CTRL_SET_CLOSE {
        // SAFETY: `b` is live.
        unsafe { ffi::BIO_set_shutdown(b, num as c_int) };
        return 1;
    }
    if ssl.is_null() {
        return 0;
    }
    // SAFETY: `ssl` is the filter's live object; its BIOs are live while it holds them; every
    // call below is one the application could make itself.
    unsafe {
        match cmd {
            ffi::BIO_C_GET_SSL => {
                if ptr.is_null() {
                    return 0;
                }
                *ptr.cast::<*mut SSL>() = ssl;
                1
            }
            ffi::BIO_C_SSL_MODE => {
                if num != 0 {
                    SSL_set_connect_state(ssl);
                    1
                } else {
                    errors::raise_ssl("BIO_ctrl", 0x8010C, Some("server mode is not supported"));
                    0
                }
            }
            ffi::BIO_CTRL_PUSH => {
                if !next.is_null() && next != SSL_get_rbio(ssl) {
                    ffi::BIO_up_ref(next);
                    SSL_set_bio(ssl, next, next);
                }
                1
            }
            ffi::BIO_CTRL_POP => {
                if ptr.cast::<BIO>() == b {
                    SSL_set_bio(ssl, std::ptr::null_mut(), std::ptr::null_mut());
                }
                1
            }
            ffi::BIO_C_DO_STATE_MACHINE => {
                clear_retry(b);
                let r = SSL_do_handshake(ssl);
                copy_retry(b, ssl, r);
                c_long::from(r)
            }
            ffi::BIO_CTRL_PENDING => {
                let n = SSL_pending(ssl);
                if n > 0 {
                    c_long::from(n)
                } else {
                    ffi::BIO_ctrl(SSL_get_rbio(ssl), cmd, num, ptr)
                }
            }
            ffi::BIO_CTRL_WPENDING => ffi::BIO_ctrl(SSL_get_wbio(ssl), cmd, num, ptr),
            ffi::BIO_CTRL_FLUSH => {
                clear_retry(b);
                let w = SSL_get_wbio(ssl);
                let r = ffi::BIO_ctrl(w, cmd, num, ptr);
                if !w.is_null() {
                    set_flags(b, ffi::BIO_test_flags(w, ffi::BIO_RETRY_BITS));
                }
                r
            }
            ffi::BIO_CTRL_RESET => {
                SSL_shutdown(ssl);
                let target = if next.is_null() {
                    SSL_get_rbio(ssl)
                } else {
                    next
                };
                if target.is_null() {
                    1
                } else {
                    ffi::BIO_ctrl(target, cmd, num, ptr)
                }
            }
            ffi::BIO_CTRL_INFO | ffi::BIO_CTRL_DUP => 0,
            _ => {
                let r = SSL_get_rbio(ssl);
                if r.is_null() {
                    0
                } else {
                    ffi::BIO_ctrl(r, cmd, num, ptr)
                }
            }
        }
    }
}

/// `BIO_set_ssl`: attaches `ssl` (owned by the BIO if `close` is set); the SSL's read BIO
/// becomes the next BIO in the chain.
fn set_ssl(b: *mut BIO, d: *mut SslBioData, close: c_long, ssl: *mut SSL) -> c_long {
    // SAFETY: `d` is the live box of `b`; an SSL already attached with the close flag is
    // owned by the BIO and released here as OpenSSL does; `ssl` is the caller's live object.
    unsafe {
        let old = (*d).ssl;
        if !old.is_null() && ffi::BIO_get_shutdown(b) != 0 && ffi::BIO_get_init(b) != 0 {
            SSL_shutdown(old);
            SSL_free(old);
        }
        ffi::BIO_set_shutdown(b, close as c_int);
        (*d).ssl = ssl;
        if !ssl.is_null() {
            let rb = SSL_get_rbio(ssl);
            if !rb.is_null() {
                let next = ffi::BIO_next(b);
                if !next.is_null() {
                    ffi::BIO_push(rb, next);
                }
                ffi::BIO_set_next(b, rb);
                ffi::BIO_up_ref(rb);
            }
        }
        ffi::BIO_set_init(b, 1);
    }
    1
}

/// The method, made once per process.
fn method() -> *const BIO_METHOD {
    static METHOD: OnceLock<usize> = OnceLock::new();
    *METHOD.get_or_init(|| {
        // SAFETY: BIO_meth_new copies the name; the callbacks are `unsafe extern "C"` fns with
        // the signatures libcrypto calls them with. The method is never freed.
        unsafe {
            let m = ffi::BIO_meth_new(ffi::BIO_TYPE_SSL, c"ssl".as_ptr());
            if m.is_null() {
                return 0;
            }
            ffi::BIO_meth_set_write(m, Some(bio_write));
            ffi::BIO_meth_set_read(m, Some(bio_read));
            ffi::BIO_meth_set_puts(m, Some(bio_puts));
            ffi::BIO_meth_set_ctrl(m, Some(bio_ctrl));
            ffi::BIO_meth_set_create(m, Some(bio_create));
            ffi::BIO_meth_set_destroy(m, Some(bio_destroy));
            m as usize
        }
    }) as *const BIO_METHOD
}

entry! {
    /// `BIO_f_ssl`.
    fn BIO_f_ssl() -> *const BIO_METHOD {
        nonnull: [], fail: std::ptr::null();
        method()
    }

    /// `BIO_new_ssl`: an SSL filter over a new `SSL` from `ctx`; `client` must be non-zero.
    fn BIO_new_ssl(ctx: *mut SSL_CTX, client: c_int) -> *mut BIO {
        nonnull: [ctx], fail: std::ptr::null_mut();
        if client == 0 {
            errors::raise_ssl("BIO_new_ssl", 0x8010C, Some("server mode is not supported"));
            return std::ptr::null_mut();
        }
        // SAFETY: a method from `method()`; the SSL is handed to the BIO with the close flag
        // (BIO_set_ssl(b, ssl, BIO_CLOSE)), or freed if that cannot happen.
        unsafe {
            let b = ffi::BIO_new(method());
            if b.is_null() {
                return std::ptr::null_mut();
            }
            let ssl = SSL_new(ctx);
            if ssl.is_null() {
                ffi::BIO_free(b);
                return std::ptr::null_mut();
            }
            SSL_set_connect_state(ssl);
            ffi::BIO_ctrl(b, ffi::BIO_C_SET_SSL, 1, ssl.cast());
            b
        }
    }

    /// `BIO_new_ssl_connect`: an SSL filter pushed onto a new connect BIO.
    fn BIO_new_ssl_connect(ctx: *mut SSL_CTX) -> *mut BIO {
        nonnull: [ctx], fail: std::ptr::null_mut();
        // SAFETY: BIO_s_connect is libcrypto's method; on failure what was made is freed.
        unsafe {
            let con = ffi::BIO_new(ffi::BIO_s_connect());
            if con.is_null() {
                return std::ptr::null_mut();
            }
            let ssl = BIO_new_ssl(ctx, 1);
            if ssl.is_null() {
                ffi::BIO_free(con);
                return std::ptr::null_mut();
            }
            let top = ffi::BIO_push(ssl, con);
            if top.is_null() {
                ffi::BIO_free(ssl);
                ffi::BIO_free(con);
            }
            top
        }
    }

    /// `BIO_ssl_shutdown`: `SSL_shutdown` on every SSL filter in the chain.
    fn BIO_ssl_shutdown(b: *mut BIO) -> () {
        nonnull: [], fail: ();
        let mut cur = b;
        while !cur.is_null() {
            // SAFETY: `cur` walks the caller's live chain.
            let is_ssl = unsafe { ffi::BIO_method_type(cur) } == ffi::BIO_TYPE_SSL;
            if is_ssl {
                let ssl = ssl_of(cur);
                if !ssl.is_null() {
                    // SAFETY: the filter's live object.
                    unsafe { SSL_shutdown(ssl) };
                }
            }
            // SAFETY: as above.
            cur = unsafe { ffi::BIO_next(cur) };
        }
    }

    /// `BIO_new_buffer_ssl_connect`: a libcrypto buffering BIO (`BIO_f_buffer`) on top of
    /// `BIO_new_ssl_connect`'s chain.
    fn BIO_new_buffer_ssl_connect(ctx: *mut SSL_CTX) -> *mut BIO {
        nonnull: [ctx], fail: std::ptr::null_mut();
        // SAFETY: BIO_f_buffer is libcrypto's method; on failure what was made is freed.
        unsafe {
            let buffer = ffi::BIO_new(ffi::BIO_f_buffer());
            if buffer.is_null() {
                return std::ptr::null_mut();
            }
            let ssl = BIO_new_ssl_connect(ctx);
            if ssl.is_null() {
                ffi::BIO_free(buffer);
                return std::ptr::null_mut();
            }
            let top = ffi::BIO_push(buffer, ssl);
            if top.is_null() {
                ffi::BIO_free(buffer);
                ffi::BIO_free_all(ssl);
            }
            top
        }
    }

    /// `BIO_ssl_copy_session_id`: `SSL_copy_session_id` between the SSL BIOs found in the two
    /// chains; 0 when either has none.
    fn BIO_ssl_copy_session_id(to: *mut BIO, from: *mut BIO) -> c_int {
        nonnull: [to, from], fail: 0;
        // SAFETY: two live BIO chains from the caller; BIO_find_type only walks them.
        let (t, f) = unsafe {
            (ffi::BIO_find_type(to, ffi::BIO_TYPE_SSL), ffi::BIO_find_type(from, ffi::BIO_TYPE_SSL))
        };
        if t.is_null() || f.is_null() {
            return 0;
        }
        let (ts, fs) = (ssl_of(t), ssl_of(f));
        if ts.is_null() || fs.is_null() {
            return 0;
        }
        crate::session::copy_session_id(ts, fs)
    }
}
