//! `SSL_CIPHER`: static descriptions of the suites oxissl can negotiate, and the
//! `SSL_CIPHER_*` getters. OpenSSL names TLS 1.3 suites by their IANA names and TLS 1.2 suites
//! in its own spelling; `SSL_CIPHER_standard_name` is always the IANA name.

#![allow(non_camel_case_types)]

use std::ffi::{c_char, c_int, CStr};

use crate::entry::entry;

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
            _ => 1055,
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

    /// `SSL_CIPHER_description`: "NAME VERSION" and a newline into `buf` (a null `buf`, which
    /// OpenSSL would allocate, is refused).
    fn SSL_CIPHER_description(c: *const SSL_CIPHER, buf: *mut c_char, size: c_int) -> *mut c_char {
        nonnull: [c, buf], fail: std::ptr::null_mut();
        // SAFETY: checked non-null, from this library.
        let ci = unsafe { cipher(c) };
        let text = format!(
            "{} {}\n",
            ci.name.to_string_lossy(),
            ci.version.to_string_lossy()
        );
        let Ok(size) = usize::try_from(size) else {
            return std::ptr::null_mut();
        };
        if size == 0 {
            return std::ptr::null_mut();
        }
        let n = text.len().min(size - 1);
        // SAFETY: `buf` has `size` writable bytes per the API; n + 1 <= size.
        unsafe {
            std::ptr::copy_nonoverlapping(text.as_ptr(), buf.cast::<u8>(), n);
            *buf.add(n) = 0;
        }
        buf
    }
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
