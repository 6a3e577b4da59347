//! `i2d_SSL_SESSION` / `d2i_SSL_SESSION` and their PEM forms over libcrypto's BIOs, in OpenSSL
//! 3.0's encoding of a session (`oxissl::session_codec`), so sessions saved by a program on
//! OpenSSL load here and the other way round.

use std::ffi::{c_char, c_int, c_long, c_void};

use oxissl::session_codec;

use crate::entry::entry;
use crate::ffi::{self, BIO};
use crate::session::{new_session, release, session_to_encode, SSL_SESSION};

/// The PEM label of a session, for libcrypto's PEM routines.
const PEM_NAME: &std::ffi::CStr = c"SSL SESSION PARAMETERS";

/// The encoding of a live session object, or None if it holds no resumable session.
fn encode_session(p: *const SSL_SESSION) -> Option<Vec<u8>> {
    Some(session_codec::encode(&session_to_encode(p)?))
}

/// Copies `der` into memory from libcrypto's allocator (the caller frees it with
/// `OPENSSL_free`).
fn openssl_copy(der: &[u8]) -> *mut u8 {
    // SAFETY: CRYPTO_malloc has no preconditions; null means out of memory.
    let p = unsafe { ffi::CRYPTO_malloc(der.len(), c"session_der.rs".as_ptr(), 0) }.cast::<u8>();
    if !p.is_null() {
        // SAFETY: `p` has room for `der.len()` bytes.
        unsafe { std::ptr::copy_nonoverlapping(der.as_ptr(), p, der.len()) };
    }
    p
}

/// A session object (one reference) from a DER encoding, with the bytes it took.
fn session_from_der(der: &[u8]) -> Option<(*mut SSL_SESSION, usize)> {
    let (used, stored) = session_codec::decode(der)?;
    let version = c_int::from(stored.version().0);
    Some((new_session(version, Some(stored)), used))
}

/// Reads a PEM block with `read` (libcrypto's `PEM_read_bio` or `PEM_read`) and decodes it
/// when it is a session; stores the result in `x` when given (releasing what it held).
fn read_pem(
    x: *mut *mut SSL_SESSION,
    read: impl FnOnce(*mut *mut c_char, *mut *mut c_char, *mut *mut u8, *mut c_long) -> c_int,
) -> *mut SSL_SESSION {
    let mut name: *mut c_char = std::ptr::null_mut();
    let mut header: *mut c_char = std::ptr::null_mut();
    let mut data: *mut u8 = std::ptr::null_mut();
    let mut len: c_long = 0;
    let ok = read(&mut name, &mut header, &mut data, &mut len) > 0;
    let result = if ok
        // SAFETY: a successful read returned a C string for the name.
        && unsafe { std::ffi::CStr::from_ptr(name) } == PEM_NAME
    {
        // SAFETY: `data` holds `len` bytes.
        let der = unsafe { crate::entry::bytes_arg(data, usize::try_from(len).unwrap_or(0)) };
        session_from_der(der).map(|(p, _)| p)
    } else {
        None
    };
    // SAFETY: the three buffers came from libcrypto's allocator (null accepted).
    unsafe {
        ffi::CRYPTO_free(name.cast(), c"session_der.rs".as_ptr(), 0);
        ffi::CRYPTO_free(header.cast(), c"session_der.rs".as_ptr(), 0);
        ffi::CRYPTO_free(data.cast(), c"session_der.rs".as_ptr(), 0);
    }
    let Some(p) = result else {
        return std::ptr::null_mut();
    };
    if !x.is_null() {
        // SAFETY: the caller's slot owns the reference it held (null accepted).
        unsafe {
            release(*x);
            *x = p;
        }
    }
    p
}

/// `SSL_SESSION_print`'s text, as OpenSSL 3.0 lays it out (`openssl sess_id -text`); the
/// ticket is dumped by libcrypto's `BIO_dump_indent`, so it is written straight to `bp`.
fn print_session(bp: *mut BIO, p: *const SSL_SESSION) -> bool {
    let Some(s) = session_to_encode(p) else {
        return false;
    };
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02X}")).collect::<String>();
    let tls13 = s.version() == oxissl_engine::ProtocolVersion::TLS13;
    let (version, secret_label) = match tls13 {
        true => ("TLSv1.3", "Resumption PSK"),
        false => ("TLSv1.2", "Master-Key"),
    };
    let cipher = crate::cipher::cipher_by_id(s.cipher_suite().0).map_or_else(
        || format!("{:04X}", s.cipher_suite().0),
        |c| c.name().to_string_lossy().into_owned(),
    );
    let mut head = format!(
        "SSL-Session:\n    Protocol  : {version}\n    Cipher    : {cipher}\n    Session-ID: {}\n    \
         Session-ID-ctx: \n    {secret_label}: {}\n    PSK identity: None\n    \
         PSK identity hint: None\n    SRP username: None",
        hex(&session_codec::session_id(&s)),
        hex(s.master_key()),
    );
    if !s.ticket().is_empty() {
        head.push_str(&format!(
            "\n    TLS session ticket lifetime hint: {} (seconds)\n    TLS session ticket:\n",
            s.lifetime
        ));
    }
    let code = match &s.verify_result {
        Some(Err(e)) => e.x509_v_err(),
        _ => 0,
    };
    // SAFETY: libcrypto's static string for any code.
    let reason =
        unsafe { std::ffi::CStr::from_ptr(ffi::X509_verify_cert_error_string(code as c_long)) };
    let mut tail = format!(
        "\n    Start Time: {}\n    Timeout   : {} (sec)\n    Verify return code: {code} ({})\n    \
         Extended master secret: {}\n",
        s.received.as_secs(),
        s.lifetime,
        reason.to_string_lossy(),
        if s.extended_master_secret() {
            "yes"
        } else {
            "no"
        },
    );
    if tls13 {
        tail.push_str("    Max Early Data: 0\n");
    }
    let write = |text: &str| {
        let Ok(len) = c_int::try_from(text.len()) else {
            return false;
        };
        // SAFETY: a live BIO; `text` is readable for its length.
        unsafe { ffi::BIO_write(bp, text.as_ptr().cast(), len) == len }
    };
    if !write(&head) {
        return false;
    }
    if !s.ticket().is_empty() {
        let Ok(len) = c_int::try_from(s.ticket().len()) else {
            return false;
        };
        // SAFETY: a live BIO; the ticket is readable for its length.
        if unsafe { ffi::BIO_dump_indent(bp, s.ticket().as_ptr().cast(), len, 4) } < 0 {
            return false;
        }
    }
    write(&tail)
}

entry! {
    /// `SSL_SESSION_print`: the session as text (OpenSSL 3.0's layout); 1 on success.
    fn SSL_SESSION_print(bp: *mut BIO, sess: *const SSL_SESSION) -> c_int {
        nonnull: [bp, sess], fail: 0;
        c_int::from(print_session(bp, sess))
    }

    /// `SSL_SESSION_print_keylog`: `RSA Session-ID:<hex> Master-Key:<hex>` and a newline, as
    /// OpenSSL writes it (for a TLS 1.3 session the key is its resumption PSK, as there); 0
    /// for a session without an id or a key.
    fn SSL_SESSION_print_keylog(bp: *mut BIO, sess: *const SSL_SESSION) -> c_int {
        nonnull: [bp, sess], fail: 0;
        let Some(s) = session_to_encode(sess) else {
            return 0;
        };
        let id = session_codec::session_id(&s);
        if id.is_empty() || s.master_key().is_empty() {
            return 0;
        }
        let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02X}")).collect::<String>();
        let line = format!("RSA Session-ID:{} Master-Key:{}\n", hex(&id), hex(s.master_key()));
        let Ok(len) = c_int::try_from(line.len()) else {
            return 0;
        };
        // SAFETY: a live BIO from the caller; `line` is readable for its length.
        c_int::from(unsafe { ffi::BIO_write(bp, line.as_ptr().cast(), len) } == len)
    }

    /// `SSL_SESSION_print_fp`: as `SSL_SESSION_print`, to a C `FILE`.
    fn SSL_SESSION_print_fp(fp: *mut c_void, sess: *const SSL_SESSION) -> c_int {
        nonnull: [fp, sess], fail: 0;
        // SAFETY: a live FILE from the caller; BIO_NOCLOSE (0) leaves it open.
        let bp = unsafe { ffi::BIO_new_fp(fp, 0) };
        if bp.is_null() {
            return 0;
        }
        let ok = print_session(bp, sess);
        // SAFETY: the BIO made above.
        unsafe { ffi::BIO_free(bp) };
        c_int::from(ok)
    }

    /// `i2d_SSL_SESSION`: the length of the encoding; with `pp`, also the bytes (written at
    /// `*pp`, which advances, or into a new `OPENSSL_malloc` buffer when `*pp` is null).
    fn i2d_SSL_SESSION(sess: *const SSL_SESSION, pp: *mut *mut u8) -> c_int {
        nonnull: [sess], fail: 0;
        let Some(der) = encode_session(sess) else {
            return 0;
        };
        let Ok(len) = c_int::try_from(der.len()) else {
            return 0;
        };
        if pp.is_null() {
            return len;
        }
        // SAFETY: the caller passes a writable pointer slot; a non-null `*pp` has room for
        // the length an earlier call returned, as i2d(3) requires.
        unsafe {
            if (*pp).is_null() {
                let buf = openssl_copy(&der);
                if buf.is_null() {
                    return 0;
                }
                *pp = buf;
            } else {
                std::ptr::copy_nonoverlapping(der.as_ptr(), *pp, der.len());
                *pp = (*pp).add(der.len());
            }
        }
        len
    }

    /// `d2i_SSL_SESSION`: a session from `length` bytes at `*pp` (which advances); with `a`,
    /// also stored there (a session it held is freed). Null for an encoding it cannot use.
    fn d2i_SSL_SESSION(a: *mut *mut SSL_SESSION, pp: *mut *const u8, length: c_long) -> *mut SSL_SESSION {
        nonnull: [pp], fail: std::ptr::null_mut();
        // SAFETY: `*pp` points to `length` readable bytes, per d2i(3).
        let der = unsafe { crate::entry::bytes_arg(*pp, usize::try_from(length).unwrap_or(0)) };
        let Some((p, used)) = session_from_der(der) else {
            return std::ptr::null_mut();
        };
        // SAFETY: as above; the slot in `a`, when given, owns the reference it held.
        unsafe {
            *pp = (*pp).add(used);
            if !a.is_null() {
                release(*a);
                *a = p;
            }
        }
        p
    }

    /// `PEM_write_bio_SSL_SESSION`: 1 on success.
    fn PEM_write_bio_SSL_SESSION(bp: *mut BIO, sess: *const SSL_SESSION) -> c_int {
        nonnull: [bp, sess], fail: 0;
        let Some(der) = encode_session(sess) else {
            return 0;
        };
        let Ok(len) = c_long::try_from(der.len()) else {
            return 0;
        };
        // SAFETY: a live BIO; the name and header are C strings; `der` is readable.
        let n = unsafe { ffi::PEM_write_bio(bp, PEM_NAME.as_ptr(), c"".as_ptr(), der.as_ptr(), len) };
        c_int::from(n > 0)
    }

    /// `PEM_read_bio_SSL_SESSION`: the next "SSL SESSION PARAMETERS" block of `bp`.
    fn PEM_read_bio_SSL_SESSION(
        bp: *mut BIO,
        x: *mut *mut SSL_SESSION,
        cb: *mut c_void,
        u: *mut c_void,
    ) -> *mut SSL_SESSION {
        nonnull: [bp], fail: std::ptr::null_mut();
        let _ = (cb, u);
        // SAFETY: a live BIO; the out-pointers are valid and receive libcrypto allocations.
        read_pem(x, |n, h, d, l| unsafe { ffi::PEM_read_bio(bp, n, h, d, l) })
    }

    /// `PEM_write_SSL_SESSION`: as `PEM_write_bio_SSL_SESSION`, to a C `FILE`.
    fn PEM_write_SSL_SESSION(fp: *mut c_void, sess: *const SSL_SESSION) -> c_int {
        nonnull: [fp, sess], fail: 0;
        let Some(der) = encode_session(sess) else {
            return 0;
        };
        let Ok(len) = c_long::try_from(der.len()) else {
            return 0;
        };
        // SAFETY: a live FILE; the name and header are C strings; `der` is readable.
        let n = unsafe { ffi::PEM_write(fp, PEM_NAME.as_ptr(), c"".as_ptr(), der.as_ptr(), len) };
        c_int::from(n > 0)
    }

    /// `PEM_read_SSL_SESSION`: as `PEM_read_bio_SSL_SESSION`, from a C `FILE`.
    fn PEM_read_SSL_SESSION(
        fp: *mut c_void,
        x: *mut *mut SSL_SESSION,
        cb: *mut c_void,
        u: *mut c_void,
    ) -> *mut SSL_SESSION {
        nonnull: [fp], fail: std::ptr::null_mut();
        let _ = (cb, u);
        // SAFETY: a live FILE; the out-pointers are valid and receive libcrypto allocations.
        read_pem(x, |n, h, d, l| unsafe { ffi::PEM_read(fp, n, h, d, l) })
    }
}
