//! Functions programs link against that this client library does not act on. Client
//! certificates, SRP and private keys are not supported: those calls fail clearly (0, with
//! `ERR_R_UNSUPPORTED` queued), so a program that needs them stops with an error instead of
//! connecting without them. Settings that only matter to a server or to features not yet
//! present are accepted and succeed. MATRIX.md lists every export and its status.

use std::ffi::{c_char, c_int, c_void};

use crate::ctx::SSL_CTX;
use crate::entry::entry;
use crate::errors;
use crate::ffi::{EVP_PKEY, X509};
use crate::ssl::SSL;

/// `ERR_R_UNSUPPORTED`.
const ERR_R_UNSUPPORTED: u32 = 0x8010C;

fn unsupported(func: &str, what: &str) -> c_int {
    errors::raise_ssl(func, ERR_R_UNSUPPORTED, Some(what));
    0
}

const NO_CLIENT_CERTS: &str = "client certificates are not supported";

entry! {
    /// `SSL_CTX_use_certificate`: not supported (0).
    fn SSL_CTX_use_certificate(c: *mut SSL_CTX, x: *mut X509) -> c_int {
        nonnull: [c], fail: 0;
        let _ = x;
        unsupported("SSL_CTX_use_certificate", NO_CLIENT_CERTS)
    }

    /// `SSL_CTX_use_certificate_file`: not supported (0).
    fn SSL_CTX_use_certificate_file(c: *mut SSL_CTX, file: *const c_char, kind: c_int) -> c_int {
        nonnull: [c], fail: 0;
        let _ = (file, kind);
        unsupported("SSL_CTX_use_certificate_file", NO_CLIENT_CERTS)
    }

    /// `SSL_CTX_use_certificate_chain_file`: not supported (0).
    fn SSL_CTX_use_certificate_chain_file(c: *mut SSL_CTX, file: *const c_char) -> c_int {
        nonnull: [c], fail: 0;
        let _ = file;
        unsupported("SSL_CTX_use_certificate_chain_file", NO_CLIENT_CERTS)
    }

    /// `SSL_CTX_use_PrivateKey`: not supported (0).
    fn SSL_CTX_use_PrivateKey(c: *mut SSL_CTX, key: *mut EVP_PKEY) -> c_int {
        nonnull: [c], fail: 0;
        let _ = key;
        unsupported("SSL_CTX_use_PrivateKey", NO_CLIENT_CERTS)
    }

    /// `SSL_CTX_use_PrivateKey_file`: not supported (0).
    fn SSL_CTX_use_PrivateKey_file(c: *mut SSL_CTX, file: *const c_char, kind: c_int) -> c_int {
        nonnull: [c], fail: 0;
        let _ = (file, kind);
        unsupported("SSL_CTX_use_PrivateKey_file", NO_CLIENT_CERTS)
    }

    /// `SSL_CTX_check_private_key`: 0 (no key can be set).
    fn SSL_CTX_check_private_key(c: *const SSL_CTX) -> c_int {
        nonnull: [c], fail: 0;
        unsupported("SSL_CTX_check_private_key", NO_CLIENT_CERTS)
    }

    /// `SSL_use_certificate`: not supported (0).
    fn SSL_use_certificate(s: *mut SSL, x: *mut X509) -> c_int {
        nonnull: [s], fail: 0;
        let _ = x;
        unsupported("SSL_use_certificate", NO_CLIENT_CERTS)
    }

    /// `SSL_use_certificate_file`: not supported (0).
    fn SSL_use_certificate_file(s: *mut SSL, file: *const c_char, kind: c_int) -> c_int {
        nonnull: [s], fail: 0;
        let _ = (file, kind);
        unsupported("SSL_use_certificate_file", NO_CLIENT_CERTS)
    }

    /// `SSL_use_certificate_chain_file`: not supported (0).
    fn SSL_use_certificate_chain_file(s: *mut SSL, file: *const c_char) -> c_int {
        nonnull: [s], fail: 0;
        let _ = file;
        unsupported("SSL_use_certificate_chain_file", NO_CLIENT_CERTS)
    }

    /// `SSL_use_PrivateKey`: not supported (0).
    fn SSL_use_PrivateKey(s: *mut SSL, key: *mut EVP_PKEY) -> c_int {
        nonnull: [s], fail: 0;
        let _ = key;
        unsupported("SSL_use_PrivateKey", NO_CLIENT_CERTS)
    }

    /// `SSL_use_PrivateKey_file`: not supported (0).
    fn SSL_use_PrivateKey_file(s: *mut SSL, file: *const c_char, kind: c_int) -> c_int {
        nonnull: [s], fail: 0;
        let _ = (file, kind);
        unsupported("SSL_use_PrivateKey_file", NO_CLIENT_CERTS)
    }

    /// `SSL_check_private_key`: 0 (no key can be set).
    fn SSL_check_private_key(s: *const SSL) -> c_int {
        nonnull: [s], fail: 0;
        unsupported("SSL_check_private_key", NO_CLIENT_CERTS)
    }

    /// `SSL_get_certificate`: null (no own certificate).
    fn SSL_get_certificate(s: *const SSL) -> *mut X509 {
        nonnull: [s], fail: std::ptr::null_mut();
        std::ptr::null_mut()
    }

    /// `SSL_get_privatekey`: null (no own key).
    fn SSL_get_privatekey(s: *const SSL) -> *mut EVP_PKEY {
        nonnull: [s], fail: std::ptr::null_mut();
        std::ptr::null_mut()
    }

    /// `SSL_CTX_add_client_CA`: accepted (a server-side list).
    fn SSL_CTX_add_client_CA(c: *mut SSL_CTX, x: *mut X509) -> c_int {
        nonnull: [c, x], fail: 0;
        1
    }

    /// `SSL_CTX_set_default_passwd_cb`: accepted (no key files are read).
    fn SSL_CTX_set_default_passwd_cb(c: *mut SSL_CTX, cb: *const c_void) -> () {
        nonnull: [c], fail: ();
        let _ = cb;
    }

    /// `SSL_CTX_set_default_passwd_cb_userdata`: accepted.
    fn SSL_CTX_set_default_passwd_cb_userdata(c: *mut SSL_CTX, u: *mut c_void) -> () {
        nonnull: [c], fail: ();
        let _ = u;
    }

    /// `SSL_CTX_set_post_handshake_auth`: accepted (a CertificateRequest gets an empty
    /// Certificate).
    fn SSL_CTX_set_post_handshake_auth(c: *mut SSL_CTX, val: c_int) -> () {
        nonnull: [c], fail: ();
        let _ = val;
    }

    /// `SSL_set_post_handshake_auth`: accepted.
    fn SSL_set_post_handshake_auth(s: *mut SSL, val: c_int) -> () {
        nonnull: [s], fail: ();
        let _ = val;
    }

    /// `SSL_CTX_set_srp_username`: not supported (0).
    fn SSL_CTX_set_srp_username(c: *mut SSL_CTX, name: *mut c_char) -> c_int {
        nonnull: [c], fail: 0;
        let _ = name;
        unsupported("SSL_CTX_set_srp_username", "SRP is not supported")
    }

    /// `SSL_CTX_set_srp_password`: not supported (0).
    fn SSL_CTX_set_srp_password(c: *mut SSL_CTX, password: *mut c_char) -> c_int {
        nonnull: [c], fail: 0;
        let _ = password;
        unsupported("SSL_CTX_set_srp_password", "SRP is not supported")
    }
}
