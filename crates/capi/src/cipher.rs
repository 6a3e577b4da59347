//! `SSL_CIPHER`: static descriptions of the suites oxissl can negotiate, and the
//! `SSL_CIPHER_*` getters. OpenSSL names TLS 1.3 suites by their IANA names and TLS 1.2 suites
//! in its own spelling; `SSL_CIPHER_standard_name` is always the IANA name.

#![allow(non_camel_case_types)]

use std::ffi::{c_char, c_int, c_void, CStr};

use oxissl_engine::CipherSuite;

use crate::entry::entry;
use crate::ffi::{self, OPENSSL_STACK};
use crate::ssl::{with_ssl, SSL};

/// `SSL_CIPHER`: opaque to C.
pub struct SSL_CIPHER {
    id: u16,
    name: &'static CStr,
    standard: &'static CStr,
    bits: c_int,
    version: &'static CStr,
}

static CIPHERS: [SSL_CIPHER; 9] = [
    SSL_CIPHER {
        id: 0x1301,
        name: c"TLS_AES_128_GCM_SHA256",
        standard: c"TLS_AES_128_GCM_SHA256",
        bits: 128,
        version: c"TLSv1.3",
    },
    SSL_CIPHER {
        id: 0x1302,
        name: c"TLS_AES_256_GCM_SHA384",
        standard: c"TLS_AES_256_GCM_SHA384",
        bits: 256,
        version: c"TLSv1.3",
    },
    SSL_CIPHER {
        id: 0x1303,
        name: c"TLS_CHACHA20_POLY1305_SHA256",
        standard: c"TLS_CHACHA20_POLY1305_SHA256",
        bits: 256,
        version: c"TLSv1.3",
    },
    SSL_CIPHER {
        id: 0xc02b,
        name: c"ECDHE-ECDSA-AES128-GCM-SHA256",
        standard: c"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        bits: 128,
        version: c"TLSv1.2",
    },
    SSL_CIPHER {
        id: 0xc02f,
        name: c"ECDHE-RSA-AES128-GCM-SHA256",
        standard: c"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        bits: 128,
        version: c"TLSv1.2",
    },
    SSL_CIPHER {
        id: 0xc02c,
        name: c"ECDHE-ECDSA-AES256-GCM-SHA384",
        standard: c"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        bits: 256,
        version: c"TLSv1.2",
    },
    SSL_CIPHER {
        id: 0xc030,
        name: c"ECDHE-RSA-AES256-GCM-SHA384",
        standard: c"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        bits: 256,
        version: c"TLSv1.2",
    },
    SSL_CIPHER {
        id: 0xcca9,
        name: c"ECDHE-ECDSA-CHACHA20-POLY1305",
        standard: c"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        bits: 256,
        version: c"TLSv1.2",
    },
    SSL_CIPHER {
        id: 0xcca8,
        name: c"ECDHE-RSA-CHACHA20-POLY1305",
        standard: c"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        bits: 256,
        version: c"TLSv1.2",
    },
];

impl SSL_CIPHER {
    /// OpenSSL's name for the suite (`SSL_CIPHER_get_name`).
    pub fn name(&self) -> &'static CStr {
        self.name
    }
}

/// The description of the suite with IANA number `id`.
pub fn cipher_by_id(id: u16) -> Option<&'static SSL_CIPHER> {
    CIPHERS.iter().find(|c| c.id == id)
}

/// A new `STACK_OF(SSL_CIPHER)` of the static ciphers for `suites` (those oxissl describes),
/// in order; the caller frees the stack alone (`sk_SSL_CIPHER_free`). Null when out of memory.
pub fn new_cipher_stack(suites: &[CipherSuite]) -> *mut OPENSSL_STACK {
    // SAFETY: no preconditions.
    let sk = unsafe { ffi::OPENSSL_sk_new_null() };
    if sk.is_null() {
        return sk;
    }
    for cipher in suites.iter().filter_map(|s| cipher_by_id(s.0)) {
        let p: *const SSL_CIPHER = cipher;
        // SAFETY: a live stack; the element is static and never freed through it.
        if unsafe { ffi::OPENSSL_sk_push(sk, p.cast()) } == 0 {
            // SAFETY: the stack made above, its elements not owned.
            unsafe { ffi::OPENSSL_sk_free(sk) };
            return std::ptr::null_mut();
        }
    }
    sk
}

/// The cipher stack `SSL_get_ciphers` / `SSL_CTX_get_ciphers` lend to C: rebuilt only when
/// the list it shows has changed, so a pointer from an earlier call stays valid until the
/// list is set again (as OpenSSL's does), and freed with its owner.
pub struct CipherStack {
    suites: Vec<CipherSuite>,
    sk: *mut OPENSSL_STACK,
}

impl CipherStack {
    pub const fn new() -> Self {
        Self {
            suites: Vec::new(),
            sk: std::ptr::null_mut(),
        }
    }

    /// The stack for `suites` (borrowed by the caller; null when out of memory).
    pub fn get(&mut self, suites: Vec<CipherSuite>) -> *mut OPENSSL_STACK {
        if self.sk.is_null() || self.suites != suites {
            // SAFETY: the stack this owns (or null); its elements are static.
            unsafe { ffi::OPENSSL_sk_free(self.sk) };
            self.sk = new_cipher_stack(&suites);
            self.suites = suites;
        }
        self.sk
    }
}

impl Drop for CipherStack {
    fn drop(&mut self) {
        // SAFETY: the stack this owns (or null); its elements are static.
        unsafe { ffi::OPENSSL_sk_free(self.sk) };
    }
}

/// Borrows a cipher from a C pointer (only ever one of [`CIPHERS`]).
///
/// # Safety
/// `c` is non-null and was returned by this library.
unsafe fn cipher<'a>(c: *const SSL_CIPHER) -> &'a SSL_CIPHER {
    // SAFETY: per the contract, a pointer into the static table.
    unsafe { &*c }
}

entry! {
    /// `SSL_CIPHER_get_name`: "(NONE)" for null, as OpenSSL.
    fn SSL_CIPHER_get_name(c: *const SSL_CIPHER) -> *const c_char {
        nonnull: [], fail: c"(NONE)".as_ptr();
        if c.is_null() {
            return c"(NONE)".as_ptr();
        }
        // SAFETY: non-null, from this library.
        unsafe { cipher(c) }.name.as_ptr()
    }

    /// `SSL_CIPHER_standard_name`: the IANA name.
    fn SSL_CIPHER_standard_name(c: *const SSL_CIPHER) -> *const c_char {
        nonnull: [], fail: c"(NONE)".as_ptr();
        if c.is_null() {
            return c"(NONE)".as_ptr();
        }
        // SAFETY: non-null, from this library.
        unsafe { cipher(c) }.standard.as_ptr()
    }

    /// `SSL_CIPHER_get_bits`: the strength in bits, also stored through `alg_bits`.
    fn SSL_CIPHER_get_bits(c: *const SSL_CIPHER, alg_bits: *mut c_int) -> c_int {
        nonnull: [], fail: 0;
        if c.is_null() {
            return 0;
        }
        // SAFETY: non-null, from this library.
        let bits = unsafe { cipher(c) }.bits;
        if !alg_bits.is_null() {
            // SAFETY: a writable int from the caller.
            unsafe { *alg_bits = bits };
        }
        bits
    }

    /// `SSL_CIPHER_get_version`: "TLSv1.3" / "TLSv1.2"; "(NONE)" for null.
    fn SSL_CIPHER_get_version(c: *const SSL_CIPHER) -> *const c_char {
        nonnull: [], fail: c"(NONE)".as_ptr();
        if c.is_null() {
            return c"(NONE)".as_ptr();
        }
        // SAFETY: non-null, from this library.
        unsafe { cipher(c) }.version.as_ptr()
    }

    /// `SSL_CIPHER_get_cipher_nid`: `NID_aes_128_gcm`, `NID_aes_256_gcm` or
    /// `NID_chacha20_poly1305`.
    fn SSL_CIPHER_get_cipher_nid(c: *const SSL_CIPHER) -> c_int {
        nonnull: [c], fail: 0;
        // SAFETY: checked non-null, from this library.
        match unsafe { cipher(c) }.id {
            0x1301 | 0xc02b | 0xc02f => 895,
            0x1302 | 0xc02c | 0xc030 => 901,
            _ => 1018,
        }
    }

    /// `SSL_CIPHER_get_digest_nid`: `NID_undef`, as for every AEAD suite (no record MAC).
    fn SSL_CIPHER_get_digest_nid(c: *const SSL_CIPHER) -> c_int {
        nonnull: [c], fail: 0;
        0
    }

    /// `SSL_CIPHER_get_kx_nid`: `NID_kx_any` for TLS 1.3 suites, else `NID_kx_ecdhe`.
    fn SSL_CIPHER_get_kx_nid(c: *const SSL_CIPHER) -> c_int {
        nonnull: [c], fail: 0;
        // SAFETY: checked non-null, from this library.
        if unsafe { cipher(c) }.id >> 8 == 0x13 { 1063 } else { 1038 }
    }

    /// `SSL_CIPHER_get_auth_nid`: `NID_auth_any` for TLS 1.3 suites, else `NID_auth_ecdsa` or
    /// `NID_auth_rsa`.
    fn SSL_CIPHER_get_auth_nid(c: *const SSL_CIPHER) -> c_int {
        nonnull: [c], fail: 0;
        // SAFETY: checked non-null, from this library.
        match unsafe { cipher(c) }.id {
            0xc02b | 0xc02c | 0xcca9 => 1047,
            0xc02f | 0xc030 | 0xcca8 => 1046,
            _ => 1064,
        }
    }

    /// `SSL_CIPHER_get_id`: `0x03000000 | IANA number`.
    fn SSL_CIPHER_get_id(c: *const SSL_CIPHER) -> u32 {
        nonnull: [c], fail: 0;
        // SAFETY: checked non-null, from this library.
        0x0300_0000 | u32::from(unsafe { cipher(c) }.id)
    }

    /// `SSL_CIPHER_get_protocol_id`: the IANA number.
    fn SSL_CIPHER_get_protocol_id(c: *const SSL_CIPHER) -> u16 {
        nonnull: [c], fail: 0;
        // SAFETY: checked non-null, from this library.
        unsafe { cipher(c) }.id
    }

    /// `SSL_CIPHER_is_aead`: every suite offered is an AEAD.
    fn SSL_CIPHER_is_aead(c: *const SSL_CIPHER) -> c_int {
        nonnull: [c], fail: 0;
        1
    }

    /// `SSL_CIPHER_get_handshake_digest`: the suite's PRF / transcript hash (SHA-384 for the
    /// AES-256-GCM suites, SHA-256 for the others), as a libcrypto `EVP_MD`.
    fn SSL_CIPHER_get_handshake_digest(c: *const SSL_CIPHER) -> *const crate::ffi::EVP_MD {
        nonnull: [c], fail: std::ptr::null();
        // SAFETY: checked non-null, from this library; EVP_sha256/384 return static objects.
        unsafe {
            match cipher(c).id {
                0x1302 | 0xc02c | 0xc030 => crate::ffi::EVP_sha384(),
                _ => crate::ffi::EVP_sha256(),
            }
        }
    }

    /// `OPENSSL_cipher_name`: OpenSSL's name for a suite's IANA name; "(NONE)" for a suite
    /// this library does not have.
    fn OPENSSL_cipher_name(rfc_name: *const c_char) -> *const c_char {
        nonnull: [], fail: c"(NONE)".as_ptr();
        // SAFETY: null or a C string from the caller.
        let name = unsafe { crate::entry::str_arg(rfc_name) };
        name.and_then(|n| CIPHERS.iter().find(|c| c.standard.to_str() == Ok(n)))
            .map_or(c"(NONE)".as_ptr(), |c| c.name.as_ptr())
    }

    /// `SSL_CIPHER_description`: OpenSSL's one-line description (name, version, key
    /// exchange, authentication, encryption, MAC, in its columns, and a newline) into `buf`,
    /// which must hold 128 bytes (else null), or into 128 bytes it allocates when `buf` is
    /// null (the caller frees them with `OPENSSL_free`).
    fn SSL_CIPHER_description(c: *const SSL_CIPHER, buf: *mut c_char, size: c_int) -> *mut c_char {
        nonnull: [c], fail: std::ptr::null_mut();
        // SAFETY: checked non-null, from this library.
        let text = description(unsafe { cipher(c) });
        let buf = if buf.is_null() {
            // SAFETY: no preconditions; null means out of memory.
            unsafe { ffi::CRYPTO_malloc(DESCRIPTION_LEN, c"cipher.rs".as_ptr(), 0) }.cast()
        } else if usize::try_from(size).is_ok_and(|n| n >= DESCRIPTION_LEN) {
            buf
        } else {
            return std::ptr::null_mut();
        };
        if buf.is_null() {
            return buf;
        }
        let n = text.len().min(DESCRIPTION_LEN - 1);
        // SAFETY: `buf` has at least DESCRIPTION_LEN writable bytes; n + 1 <= that.
        unsafe {
            std::ptr::copy_nonoverlapping(text.as_ptr(), buf.cast::<u8>(), n);
            *buf.add(n) = 0;
        }
        buf
    }
}

/// The buffer `SSL_CIPHER_description` needs (and allocates), as in OpenSSL.
const DESCRIPTION_LEN: usize = 128;

/// OpenSSL's description line for a cipher: its columns and spellings.
fn description(c: &SSL_CIPHER) -> String {
    let tls13 = c.id >> 8 == 0x13;
    let kx = if tls13 { "any" } else { "ECDH" };
    let au = match c.id {
        0xc02b | 0xc02c | 0xcca9 => "ECDSA",
        0xc02f | 0xc030 | 0xcca8 => "RSA",
        _ => "any",
    };
    let enc = match c.id {
        0x1303 | 0xcca8 | 0xcca9 => "CHACHA20/POLY1305(256)".to_owned(),
        _ => format!("AESGCM({})", c.bits),
    };
    format!(
        "{:<30} {:<7} Kx={kx:<8} Au={au:<5} Enc={enc:<22} Mac=AEAD\n",
        c.name.to_string_lossy(),
        c.version.to_string_lossy()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_by_id() {
        let c = cipher_by_id(0x1301).unwrap();
        assert_eq!(c.name.to_str(), Ok("TLS_AES_128_GCM_SHA256"));
        // SAFETY: a pointer into the static table.
        assert_eq!(unsafe { SSL_CIPHER_get_id(c) }, 0x0300_1301);
        assert!(cipher_by_id(0x0001).is_none());
    }
}

entry! {
    /// `SSL_get_ciphers`: the connection's cipher list as a `STACK_OF(SSL_CIPHER)` (the
    /// TLS 1.3 suites, then the TLS 1.2 ones), lent until the list is set again.
    fn SSL_get_ciphers(s: *const SSL) -> *mut c_void {
        nonnull: [s], fail: std::ptr::null_mut();
        with_ssl(s, "SSL_get_ciphers", std::ptr::null_mut(), |_, st| {
            let suites = st.ssl.ciphers();
            st.ciphers.get(suites).cast()
        })
    }

    /// `SSL_get_cipher_list`: the name of the `n`th cipher of `SSL_get_ciphers`, or null.
    fn SSL_get_cipher_list(s: *const SSL, n: c_int) -> *const c_char {
        nonnull: [s], fail: std::ptr::null();
        let suites = with_ssl(s, "SSL_get_cipher_list", Vec::new(), |_, st| st.ssl.ciphers());
        usize::try_from(n)
            .ok()
            .and_then(|i| suites.get(i))
            .and_then(|suite| cipher_by_id(suite.0))
            .map_or(std::ptr::null(), |c| c.name.as_ptr())
    }

    /// `SSL_get1_supported_ciphers`: a new `STACK_OF(SSL_CIPHER)` (the caller frees it) of the
    /// suites a ClientHello would offer: the cipher list's, for the protocol versions
    /// enabled; null if there are none.
    fn SSL_get1_supported_ciphers(s: *mut SSL) -> *mut c_void {
        nonnull: [s], fail: std::ptr::null_mut();
        let suites = with_ssl(s, "SSL_get1_supported_ciphers", Vec::new(), |_, st| {
            st.ssl.supported_ciphers()
        });
        if suites.is_empty() {
            return std::ptr::null_mut();
        }
        new_cipher_stack(&suites).cast()
    }
}
