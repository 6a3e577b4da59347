//! Read-only questions about a connection: handshake state and its strings, the verify
//! result, the peer's certificates as libcrypto objects, version, cipher, ALPN, server name,
//! and the alert description strings.

use std::ffi::{c_char, c_int, c_long, c_uint, c_void, CString};
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::OnceLock;

use oxissl_engine::{SchemeSignature, SignatureScheme};

use crate::cipher::{cipher_by_id, SSL_CIPHER};
use crate::entry::{bytes_arg, copy_out, entry, static_cstr};
use crate::ffi::{self, OPENSSL_STACK, X509};
use crate::ssl::{version_number, with_ssl, SslState, SSL, TLSEXT_NAMETYPE_HOST_NAME};

/// OpenSSL 3.0's long alert descriptions (`SSL_alert_desc_string_long`) and two-letter codes.
fn alert_strings(value: c_int) -> (&'static str, &'static str) {
    match value & 0xff {
        0 => ("CN", "close notify"),
        10 => ("UM", "unexpected_message"),
        20 => ("BM", "bad record mac"),
        21 => ("DC", "decryption failed"),
        22 => ("RO", "record overflow"),
        30 => ("DF", "decompression failure"),
        40 => ("HF", "handshake failure"),
        41 => ("NC", "no certificate"),
        42 => ("BC", "bad certificate"),
        43 => ("UC", "unsupported certificate"),
        44 => ("CR", "certificate revoked"),
        45 => ("CE", "certificate expired"),
        46 => ("CU", "certificate unknown"),
        47 => ("IP", "illegal parameter"),
        48 => ("CA", "unknown CA"),
        49 => ("AD", "access denied"),
        50 => ("DE", "decode error"),
        51 => ("CY", "decrypt error"),
        60 => ("ER", "export restriction"),
        70 => ("PV", "protocol version"),
        71 => ("IS", "insufficient security"),
        80 => ("IE", "internal error"),
        86 => ("IF", "inappropriate fallback"),
        90 => ("US", "user canceled"),
        100 => ("NR", "no renegotiation"),
        109 => ("MX", "missing extension"),
        110 => ("UE", "unsupported extension"),
        111 => ("CO", "certificate unobtainable"),
        112 => ("UN", "unrecognized name"),
        113 => ("BR", "bad certificate status response"),
        114 => ("BH", "bad certificate hash value"),
        115 => ("UP", "unknown PSK identity"),
        116 => ("CQ", "certificate required"),
        120 => ("NP", "no application protocol"),
        _ => ("UK", "unknown"),
    }
}

/// `SSL_alert_type_string(_long)`'s text for the alert level in the high byte.
fn alert_type(value: c_int) -> (&'static str, &'static str) {
    match value >> 8 {
        1 => ("W", "warning"),
        2 => ("F", "fatal"),
        _ => ("U", "unknown"),
    }
}

/// The connection's state name: the one an info report being delivered was made in, else the
/// current one.
fn state_long(s: *const SSL) -> &'static str {
    // SAFETY: the entry points checked `s`; the caller holds a reference.
    if let Some(state) = unsafe { crate::ssl::ssl_ref(s) }.reported_state() {
        return state;
    }
    with_ssl(s, "SSL_state_string_long", "unknown state", |_, st| {
        st.ssl.state_string_long()
    })
}

entry! {
    /// `SSL_in_init`: the handshake has not finished.
    fn SSL_in_init(s: *const SSL) -> c_int {
        nonnull: [s], fail: 1;
        with_ssl(s, "SSL_in_init", 1, |_, st| c_int::from(st.ssl.in_init()))
    }

    /// `SSL_in_before`: the handshake has not started.
    fn SSL_in_before(s: *const SSL) -> c_int {
        nonnull: [s], fail: 0;
        with_ssl(s, "SSL_in_before", 0, |_, st| c_int::from(st.ssl.in_before()))
    }

    /// `SSL_is_init_finished`.
    fn SSL_is_init_finished(s: *const SSL) -> c_int {
        nonnull: [s], fail: 0;
        with_ssl(s, "SSL_is_init_finished", 0, |_, st| c_int::from(st.ssl.is_init_finished()))
    }

    /// `SSL_state_string`: OpenSSL's short state code (while an info report is delivered, that
    /// of the state it was made in).
    fn SSL_state_string(s: *const SSL) -> *const c_char {
        nonnull: [s], fail: static_cstr("UNKWN");
        static_cstr(state_codes(state_long(s)).0)
    }

    /// `SSL_state_string_long`.
    fn SSL_state_string_long(s: *const SSL) -> *const c_char {
        nonnull: [s], fail: static_cstr("unknown state");
        static_cstr(state_long(s))
    }

    /// `SSL_get_state`: OpenSSL's `OSSL_HANDSHAKE_STATE` for the state `SSL_state_string_long`
    /// names (`TLS_ST_BEFORE` before the handshake, `TLS_ST_OK` after it).
    fn SSL_get_state(s: *const SSL) -> c_int {
        nonnull: [s], fail: 0;
        handshake_state(state_long(s))
    }

    /// `SSL_rstate_string`: "RH" (the record layer waits for a record header between calls).
    fn SSL_rstate_string(s: *const SSL) -> *const c_char {
        nonnull: [s], fail: static_cstr("unknown");
        static_cstr("RH")
    }

    /// `SSL_rstate_string_long`: "read header".
    fn SSL_rstate_string_long(s: *const SSL) -> *const c_char {
        nonnull: [s], fail: static_cstr("unknown");
        static_cstr("read header")
    }

    /// `SSL_get_verify_result`: `X509_V_OK` or the `X509_V_ERR_*` number.
    fn SSL_get_verify_result(s: *const SSL) -> c_long {
        nonnull: [s], fail: 1;
        with_ssl(s, "SSL_get_verify_result", 1, |_, st| {
            st.verify_result
                .unwrap_or_else(|| c_long::try_from(st.ssl.get_verify_result()).unwrap_or(1))
        })
    }

    /// `SSL_get0_peer_certificate`: borrowed; null if the server sent none.
    fn SSL_get0_peer_certificate(s: *const SSL) -> *mut X509 {
        nonnull: [s], fail: std::ptr::null_mut();
        with_ssl(s, "SSL_get0_peer_certificate", std::ptr::null_mut(), |_, st| {
            st.ensure_peer_certs();
            st.peer_leaf
        })
    }

    /// `SSL_get1_peer_certificate` (`SSL_get_peer_certificate`): a new reference.
    fn SSL_get1_peer_certificate(s: *const SSL) -> *mut X509 {
        nonnull: [s], fail: std::ptr::null_mut();
        with_ssl(s, "SSL_get1_peer_certificate", std::ptr::null_mut(), |_, st| {
            st.ensure_peer_certs();
            if !st.peer_leaf.is_null() {
                // SAFETY: the leaf is live (held by the object); the caller gets its own
                // reference.
                unsafe { ffi::X509_up_ref(st.peer_leaf) };
            }
            st.peer_leaf
        })
    }

    /// `SSL_get_peer_cert_chain`: borrowed `STACK_OF(X509)`, leaf first (client side).
    fn SSL_get_peer_cert_chain(s: *const SSL) -> *mut OPENSSL_STACK {
        nonnull: [s], fail: std::ptr::null_mut();
        with_ssl(s, "SSL_get_peer_cert_chain", std::ptr::null_mut(), |_, st| {
            st.ensure_peer_certs();
            st.peer_chain
        })
    }

    /// `SSL_get_client_random`: copies up to `outlen` bytes of ClientHello.random (zeros before
    /// the ClientHello is made, as OpenSSL's buffer holds) and returns how many; with `outlen`
    /// 0, its length (32).
    fn SSL_get_client_random(s: *const SSL, out: *mut u8, outlen: usize) -> usize {
        nonnull: [s], fail: 0;
        let random = with_ssl(s, "SSL_get_client_random", None, |_, st| st.ssl.client_random());
        copy_out(&random.unwrap_or([0; 32]), out, outlen)
    }

    /// `SSL_get_server_random`: the same for ServerHello.random.
    fn SSL_get_server_random(s: *const SSL, out: *mut u8, outlen: usize) -> usize {
        nonnull: [s], fail: 0;
        let random = with_ssl(s, "SSL_get_server_random", None, |_, st| st.ssl.server_random());
        copy_out(&random.unwrap_or([0; 32]), out, outlen)
    }

    /// `SSL_export_keying_material` (RFC 8446 §7.5, RFC 5705 §4): 1 with `olen` bytes at
    /// `out`; -1 before the handshake has started (OpenSSL: no session yet), 0 with the reason
    /// queued for anything else (handshake not complete, a TLS 1.2 PRF label, bad lengths).
    fn SSL_export_keying_material(
        s: *mut SSL,
        out: *mut u8,
        olen: usize,
        label: *const c_char,
        llen: usize,
        context: *const u8,
        contextlen: usize,
        use_context: c_int,
    ) -> c_int {
        nonnull: [s, out], fail: 0;
        // SAFETY: OpenSSL's contract: `label` has `llen` readable bytes.
        let label = unsafe { bytes_arg(label.cast(), llen) };
        let context = (use_context != 0).then(|| {
            // SAFETY: with `use_context`, `context` has `contextlen` readable bytes.
            unsafe { bytes_arg(context, contextlen) }
        });
        with_ssl(s, "SSL_export_keying_material", 0, |_, st| {
            if st.ssl.in_before() {
                return -1;
            }
            // SAFETY: the caller passes `olen` writable bytes at `out` (non-null). Lengths
            // beyond the exporter's limits are refused before anything is written.
            let out = unsafe { std::slice::from_raw_parts_mut(out, olen) };
            match st.ssl.export_keying_material(out, label, context) {
                Ok(()) => 1,
                Err(_) => 0,
            }
        })
    }

    /// `SSL_get_current_compression`: null, as TLS compression is never negotiated (RFC 8446
    /// §4.1.2 allows only the null method; OpenSSL 3.0 offers none either).
    fn SSL_get_current_compression(s: *const SSL) -> *const c_void {
        nonnull: [s], fail: std::ptr::null();
        std::ptr::null()
    }

    /// `SSL_get_current_expansion`: null, as for `SSL_get_current_compression`.
    fn SSL_get_current_expansion(s: *const SSL) -> *const c_void {
        nonnull: [s], fail: std::ptr::null();
        std::ptr::null()
    }

    /// `SSL_get_version`: "TLSv1.3" once negotiated.
    fn SSL_get_version(s: *const SSL) -> *const c_char {
        nonnull: [s], fail: static_cstr("unknown");
        with_ssl(s, "SSL_get_version", static_cstr("unknown"), |_, st| {
            static_cstr(match version_number(st) {
                0x0304 => "TLSv1.3",
                0x0303 => "TLSv1.2",
                _ => st.ssl.version(),
            })
        })
    }

    /// `SSL_version`: see `version_number` (OpenSSL's value before and during a handshake
    /// included).
    fn SSL_version(s: *const SSL) -> c_int {
        nonnull: [s], fail: 0;
        with_ssl(s, "SSL_version", 0, |_, st| version_number(st))
    }

    /// `SSL_get_current_cipher`: null before a suite is negotiated.
    fn SSL_get_current_cipher(s: *const SSL) -> *const SSL_CIPHER {
        nonnull: [s], fail: std::ptr::null();
        with_ssl(s, "SSL_get_current_cipher", std::ptr::null(), |_, st| {
            st.ssl
                .current_cipher_id()
                .and_then(cipher_by_id)
                .map_or(std::ptr::null(), |c| c as *const SSL_CIPHER)
        })
    }

    /// `SSL_get_pending_cipher`: the same as the current one for a client.
    fn SSL_get_pending_cipher(s: *const SSL) -> *const SSL_CIPHER {
        nonnull: [s], fail: std::ptr::null();
        // SAFETY: forwarding a checked pointer.
        unsafe { SSL_get_current_cipher(s) }
    }

    /// `SSL_get0_alpn_selected`: the protocol the server chose (borrowed), or null/0.
    fn SSL_get0_alpn_selected(s: *const SSL, data: *mut *const u8, len: *mut c_uint) -> () {
        nonnull: [s, data, len], fail: ();
        let (p, n) = with_ssl(s, "SSL_get0_alpn_selected", (std::ptr::null(), 0), |_, st| {
            st.ssl
                .get0_alpn_selected()
                .map_or((std::ptr::null(), 0), |a| (a.as_ptr(), a.len() as c_uint))
        });
        // SAFETY: checked non-null out-pointers from the caller.
        unsafe {
            *data = p;
            *len = n;
        }
    }

    /// `SSL_get_servername`: the name set with `SSL_set_tlsext_host_name`.
    fn SSL_get_servername(s: *const SSL, kind: c_int) -> *const c_char {
        nonnull: [s], fail: std::ptr::null();
        if kind != TLSEXT_NAMETYPE_HOST_NAME {
            return std::ptr::null();
        }
        with_ssl(s, "SSL_get_servername", std::ptr::null(), |_, st| {
            st.sni.as_ref().map_or(std::ptr::null(), |n| n.as_ptr())
        })
    }

    /// `SSL_get_servername_type`: 0 when a name is set, else -1.
    fn SSL_get_servername_type(s: *const SSL) -> c_int {
        nonnull: [s], fail: -1;
        with_ssl(s, "SSL_get_servername_type", -1, |_, st| {
            if st.sni.is_some() { TLSEXT_NAMETYPE_HOST_NAME } else { -1 }
        })
    }

    /// `SSL_alert_desc_string_long`.
    fn SSL_alert_desc_string_long(value: c_int) -> *const c_char {
        nonnull: [], fail: static_cstr("unknown");
        static_cstr(alert_strings(value).1)
    }

    /// `SSL_alert_desc_string`.
    fn SSL_alert_desc_string(value: c_int) -> *const c_char {
        nonnull: [], fail: static_cstr("UK");
        static_cstr(alert_strings(value).0)
    }

    /// `SSL_alert_type_string_long`.
    fn SSL_alert_type_string_long(value: c_int) -> *const c_char {
        nonnull: [], fail: static_cstr("unknown");
        static_cstr(alert_type(value).1)
    }

    /// `SSL_alert_type_string`.
    fn SSL_alert_type_string(value: c_int) -> *const c_char {
        nonnull: [], fail: static_cstr("U");
        static_cstr(alert_type(value).0)
    }
}

/// OpenSSL's (signature type, digest) NIDs for the server's signature scheme (its
/// CertificateVerify, or its ServerKeyExchange in TLS 1.2), once the handshake has one.
/// The digest is `NID_undef` for EdDSA, as in OpenSSL.
pub fn peer_signature_nids(st: &SslState) -> Option<(c_int, c_int)> {
    let scheme = st.ssl.connection()?.negotiated().signature_scheme?.0;
    scheme_nids(scheme)
}

/// `EVP_PKEY_*` and digest NIDs of a TLS signature scheme.
fn scheme_nids(scheme: u16) -> Option<(c_int, c_int)> {
    let (sig, hash, _) = sigalg_nids(scheme)?;
    Some((sig, hash))
}

/// Where `SSL_get_sigalgs` and `SSL_get_shared_sigalgs` write; each may be null.
struct SigalgOut {
    psign: *mut c_int,
    phash: *mut c_int,
    psignhash: *mut c_int,
    rsig: *mut u8,
    rhash: *mut u8,
}

/// The answer of `SSL_get_sigalgs` (`all`: any `idx` below 0 only counts) or
/// `SSL_get_shared_sigalgs` (a negative `idx` is 0): the list's length, after filling `out`
/// for `schemes[idx]`; 0 when `idx` is out of range.
fn report_sigalg(schemes: &[SignatureScheme], idx: c_int, out: SigalgOut, all: bool) -> c_int {
    let count = c_int::try_from(schemes.len()).unwrap_or(c_int::MAX);
    let Ok(i) = usize::try_from(idx) else {
        return if all { count } else { 0 };
    };
    let Some(&SignatureScheme(scheme)) = schemes.get(i) else {
        return 0;
    };
    let (sig, hash, sighash) = sigalg_nids(scheme).unwrap_or((0, 0, 0));
    let [hi, lo] = scheme.to_be_bytes();
    // SAFETY: each pointer is null or points to writable storage of its type, the caller's.
    unsafe {
        for (p, v) in [
            (out.psign, sig),
            (out.phash, hash),
            (out.psignhash, sighash),
        ] {
            if !p.is_null() {
                *p = v;
            }
        }
        if !out.rsig.is_null() {
            *out.rsig = lo;
        }
        if !out.rhash.is_null() {
            *out.rhash = hi;
        }
    }
    count
}

/// OpenSSL's (signature type, digest, signature-with-digest) NIDs for a signature scheme it
/// knows (its sigalg table); the combined NID is `NID_undef` where OpenSSL has none (RSA-PSS,
/// EdDSA, DSA beyond SHA-256).
fn sigalg_nids(scheme: u16) -> Option<(c_int, c_int, c_int)> {
    let (sig, hash) = SignatureScheme(scheme).parts()?;
    // Indexed by the TLS 1.2 HashAlgorithm code: sha1 (2) to sha512 (6). NID_sha1,
    // NID_sha224, ...; then the signature-with-digest NIDs of each algorithm that has them.
    let at = |table: [c_int; 5]| hash.map_or(0, |h| table[usize::from(h) - 2]);
    let digest = at([64, 675, 672, 673, 674]);
    Some(match sig {
        SchemeSignature::Rsa => (6, digest, at([65, 671, 668, 669, 670])),
        SchemeSignature::Dsa => (116, digest, at([113, 0, 803, 0, 0])),
        SchemeSignature::Ecdsa => (408, digest, at([416, 793, 794, 795, 796])),
        SchemeSignature::RsaPss => (912, digest, 0),
        SchemeSignature::Ed25519 => (1087, 0, 0),
        SchemeSignature::Ed448 => (1088, 0, 0),
    })
}

/// OpenSSL's name for a group given by NID (or `TLSEXT_nid_unknown | id`).
pub fn group_name(nid: c_int) -> Option<&'static str> {
    const NID_UNKNOWN: c_int = 0x0100_0000;
    let by_id = |id: c_int| -> Option<&'static str> {
        Some(match id {
            0x17 => "secp256r1",
            0x18 => "secp384r1",
            0x19 => "secp521r1",
            0x1d => "x25519",
            0x1e => "x448",
            0x100 => "ffdhe2048",
            0x101 => "ffdhe3072",
            0x102 => "ffdhe4096",
            0x103 => "ffdhe6144",
            0x104 => "ffdhe8192",
            _ => return None,
        })
    };
    if nid & NID_UNKNOWN != 0 {
        return by_id(nid & 0xffff);
    }
    by_id(match nid {
        415 => 0x17,
        715 => 0x18,
        716 => 0x19,
        1034 => 0x1d,
        1035 => 0x1e,
        1126..=1130 => 0x100 + (nid - 1126),
        _ => return None,
    })
}

/// The compression methods' stack: an empty one made on first use (never freed, as
/// OpenSSL's lives until exit), or the program's.
fn comp_methods() -> &'static AtomicPtr<OPENSSL_STACK> {
    static METHODS: OnceLock<AtomicPtr<OPENSSL_STACK>> = OnceLock::new();
    // SAFETY: no preconditions; null (out of memory) is what OpenSSL would return then too.
    METHODS.get_or_init(|| AtomicPtr::new(unsafe { ffi::OPENSSL_sk_new_null() }))
}

/// `OSSL_HANDSHAKE_STATE` (ssl.h's enum) for an OpenSSL long state string. A failed
/// handshake's string is "error", which has no state of its own: `TLS_ST_BEFORE`.
fn handshake_state(long: &str) -> c_int {
    state_codes(long).1
}

/// OpenSSL's short code (`SSL_state_string`) and `OSSL_HANDSHAKE_STATE` for a client state
/// name (`SSL_state_string_long`).
fn state_codes(long: &str) -> (&'static str, c_int) {
    match long {
        "before SSL initialization" => ("PINIT", 0),
        "SSL negotiation finished successfully" => ("SSLOK", 1),
        "SSLv3/TLS read server hello" => ("TRSH", 3),
        "SSLv3/TLS read server certificate" => ("TRSC", 4),
        "SSLv3/TLS read certificate status" => ("TRCS", 5),
        "SSLv3/TLS read server key exchange" => ("TRSKE", 6),
        "SSLv3/TLS read server certificate request" => ("TRCR", 7),
        "SSLv3/TLS read server done" => ("TRSD", 8),
        "SSLv3/TLS read server session ticket" => ("TRST", 9),
        "SSLv3/TLS read change cipher spec" => ("TRCCS", 10),
        "SSLv3/TLS read finished" => ("TRFIN", 11),
        "SSLv3/TLS write client hello" => ("TWCH", 12),
        "SSLv3/TLS write client certificate" => ("TWCC", 13),
        "SSLv3/TLS write client key exchange" => ("TWCKE", 14),
        "SSLv3/TLS write certificate verify" => ("TWCV", 15),
        "SSLv3/TLS write change cipher spec" => ("TWCCS", 16),
        "SSLv3/TLS write finished" => ("TWFIN", 18),
        "TLSv1.3 read encrypted extensions" => ("TREE", 38),
        "TLSv1.3 read server certificate verify" => ("TRSCV", 39),
        "TLSv1.3 read server key update" => ("TRSKU", 45),
        "error" => ("SSLERR", 0),
        _ => ("UNKWN", 0),
    }
}

entry! {
    /// `SSL_get_signature_type_nid`: 1 and the `EVP_PKEY_*` type of this client's own
    /// signature (its CertificateVerify with a client certificate), or 0 when it made none.
    fn SSL_get_signature_type_nid(s: *const SSL, pnid: *mut c_int) -> c_int {
        nonnull: [s, pnid], fail: 0;
        let own = with_ssl(s, "SSL_get_signature_type_nid", None, |_, st| {
            scheme_nids(st.ssl.connection()?.negotiated().client_signature_scheme?.0)
        });
        match own {
            Some((sig, _)) => {
                // SAFETY: checked non-null; a writable int from the caller.
                unsafe { *pnid = sig };
                1
            }
            None => 0,
        }
    }

    /// `SSL_get_peer_signature_type_nid`: 1 and the `EVP_PKEY_*` type of the server's
    /// signature, or 0 before there is one.
    fn SSL_get_peer_signature_type_nid(s: *const SSL, pnid: *mut c_int) -> c_int {
        nonnull: [s, pnid], fail: 0;
        match with_ssl(s, "SSL_get_peer_signature_type_nid", None, |_, st| peer_signature_nids(st)) {
            Some((sig, _)) => {
                // SAFETY: checked non-null; a writable int from the caller.
                unsafe { *pnid = sig };
                1
            }
            None => 0,
        }
    }

    /// `SSL_get0_peername`: the name in the server's certificate that matched the host name
    /// checked, once verification succeeded (null for an IP address or without a name).
    fn SSL_get0_peername(s: *mut SSL) -> *const c_char {
        nonnull: [s], fail: std::ptr::null();
        with_ssl(s, "SSL_get0_peername", std::ptr::null(), |_, st| {
            if st.peername.is_none() {
                st.peername = matched_name(st);
            }
            st.peername.as_ref().map_or(std::ptr::null(), |n| n.as_ptr())
        })
    }

    /// `SSL_group_to_name`: OpenSSL's name for the group (by NID, as
    /// `SSL_get_negotiated_group` gives it), or null.
    fn SSL_group_to_name(s: *mut SSL, nid: c_int) -> *const c_char {
        nonnull: [s], fail: std::ptr::null();
        group_name(nid).map_or(std::ptr::null(), static_cstr)
    }

    /// `SSL_get_shared_ciphers`: null, as OpenSSL answers a client (a server's list).
    fn SSL_get_shared_ciphers(s: *const SSL, buf: *mut c_char, size: c_int) -> *mut c_char {
        nonnull: [s], fail: std::ptr::null_mut();
        let _ = (buf, size);
        std::ptr::null_mut()
    }

    /// `SSL_get_sigalgs`: how many signature schemes the server's CertificateRequest listed
    /// (0 without one); with `idx` in range, that scheme's bytes and OpenSSL's NIDs for it
    /// (`NID_undef` for a scheme OpenSSL does not know), as OpenSSL fills them.
    fn SSL_get_sigalgs(
        s: *mut SSL,
        idx: c_int,
        psign: *mut c_int,
        phash: *mut c_int,
        psignhash: *mut c_int,
        rsig: *mut u8,
        rhash: *mut u8,
    ) -> c_int {
        nonnull: [s], fail: 0;
        let schemes = with_ssl(s, "SSL_get_sigalgs", Vec::new(), |_, st| {
            st.ssl.peer_certificate_request().map_or_else(Vec::new, |r| r.schemes.to_vec())
        });
        let out = SigalgOut { psign, phash, psignhash, rsig, rhash };
        report_sigalg(&schemes, idx, out, true)
    }

    /// `SSL_get_shared_sigalgs`: how many of the server's requested signature schemes this
    /// client shares (see `Ssl::shared_sigalgs`; 0 without a CertificateRequest), and the
    /// `idx`th one's bytes and NIDs.
    fn SSL_get_shared_sigalgs(
        s: *mut SSL,
        idx: c_int,
        psign: *mut c_int,
        phash: *mut c_int,
        psignhash: *mut c_int,
        rsig: *mut u8,
        rhash: *mut u8,
    ) -> c_int {
        nonnull: [s], fail: 0;
        let schemes = with_ssl(s, "SSL_get_shared_sigalgs", Vec::new(), |_, st| {
            st.ssl.shared_sigalgs()
        });
        let out = SigalgOut { psign, phash, psignhash, rsig, rhash };
        report_sigalg(&schemes, idx, out, false)
    }

    /// `SSL_has_matching_session_id`: 0 (a server's session cache; a client has none).
    fn SSL_has_matching_session_id(s: *const SSL, id: *const u8, id_len: c_uint) -> c_int {
        nonnull: [s], fail: 0;
        let _ = (id, id_len);
        0
    }

    /// `SSL_is_dtls`: 0.
    fn SSL_is_dtls(s: *const SSL) -> c_int {
        nonnull: [s], fail: 0;
        0
    }

    /// `SSL_get_early_data_status`: `SSL_EARLY_DATA_NOT_SENT` (0): no 0-RTT.
    fn SSL_get_early_data_status(s: *const SSL) -> c_int {
        nonnull: [s], fail: 0;
        0
    }

    /// `SSL_get0_peer_CA_list`: the CA names of the server's CertificateRequest (borrowed;
    /// null without one).
    fn SSL_get0_peer_CA_list(s: *const SSL) -> *const c_void {
        nonnull: [s], fail: std::ptr::null();
        with_ssl(s, "SSL_get0_peer_CA_list", std::ptr::null(), |_, st| {
            st.peer_ca_stack().cast_const().cast()
        })
    }

    /// `SSL_get0_next_proto_negotiated`: none (NPN is not offered).
    fn SSL_get0_next_proto_negotiated(s: *const SSL, data: *mut *const u8, len: *mut c_uint) -> () {
        nonnull: [s], fail: ();
        // SAFETY: the caller's out-pointers, written when non-null.
        unsafe {
            if !data.is_null() {
                *data = std::ptr::null();
            }
            if !len.is_null() {
                *len = 0;
            }
        }
    }

    /// `SSL_COMP_get_name`: null (no compression method exists).
    fn SSL_COMP_get_name(comp: *const c_void) -> *const c_char {
        nonnull: [], fail: std::ptr::null();
        let _ = comp;
        std::ptr::null()
    }

    /// `SSL_COMP_get_compression_methods`: the methods' stack, empty as in an OpenSSL 3.0
    /// built without zlib (or what `SSL_COMP_set0_compression_methods` put there).
    fn SSL_COMP_get_compression_methods() -> *mut OPENSSL_STACK {
        nonnull: [], fail: std::ptr::null_mut();
        comp_methods().load(Ordering::Acquire)
    }

    /// `SSL_COMP_set0_compression_methods`: installs `meths`, returning the previous stack.
    fn SSL_COMP_set0_compression_methods(meths: *mut OPENSSL_STACK) -> *mut OPENSSL_STACK {
        nonnull: [], fail: std::ptr::null_mut();
        comp_methods().swap(meths, Ordering::AcqRel)
    }

    /// `SSL_COMP_add_compression_method`: 1, which is failure for this call: a null method is
    /// ignored, as OpenSSL does; a real one is refused clearly (no compression, RFC 8446 §4.1.2
    /// and the CRIME attack).
    fn SSL_COMP_add_compression_method(id: c_int, cm: *mut c_void) -> c_int {
        nonnull: [], fail: 1;
        let _ = id;
        if !cm.is_null() {
            crate::errors::raise_ssl("SSL_COMP_add_compression_method", 0x8010C, Some("compression is not supported"));
        }
        1
    }

    /// `SSL_COMP_get0_name`: null (no `SSL_COMP` exists here).
    fn SSL_COMP_get0_name(comp: *const c_void) -> *const c_char {
        nonnull: [comp], fail: std::ptr::null();
        std::ptr::null()
    }

    /// `SSL_COMP_get_id`: -1 (no `SSL_COMP` exists here).
    fn SSL_COMP_get_id(comp: *const c_void) -> c_int {
        nonnull: [comp], fail: -1;
        -1
    }
}

/// The certificate name `X509_check_host` matches against the checked host, after a
/// successful verification.
fn matched_name(st: &mut SslState) -> Option<CString> {
    if !st.ssl.is_init_finished() || st.ssl.get_verify_result() != 0 {
        return None;
    }
    let host = st.host.as_deref()?;
    if host.parse::<std::net::IpAddr>().is_ok() {
        return None;
    }
    let host = CString::new(host).ok()?;
    st.ensure_peer_certs();
    if st.peer_leaf.is_null() {
        return None;
    }
    let mut out: *mut c_char = std::ptr::null_mut();
    // SAFETY: a live leaf held by the object, a NUL-terminated name (length 0: use strlen);
    // `out` receives a string we own and free below.
    let r = unsafe { ffi::X509_check_host(st.peer_leaf, host.as_ptr(), 0, 0, &mut out) };
    if r != 1 || out.is_null() {
        return None;
    }
    // SAFETY: libcrypto returned a NUL-terminated copy; freed with OPENSSL_free.
    unsafe {
        let name = std::ffi::CStr::from_ptr(out).to_owned();
        ffi::CRYPTO_free(out.cast(), c"".as_ptr(), 0);
        Some(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_schemes_map_to_openssls_nids() {
        assert_eq!(scheme_nids(0x0403), Some((408, 672)));
        assert_eq!(scheme_nids(0x0804), Some((912, 672)));
        assert_eq!(scheme_nids(0x080b), Some((912, 674)));
        assert_eq!(scheme_nids(0x0401), Some((6, 672)));
        assert_eq!(scheme_nids(0x0807), Some((1087, 0)));
        assert_eq!(scheme_nids(0x0201), Some((6, 64)));
        assert_eq!(scheme_nids(0x0904), None);
    }

    #[test]
    fn group_names() {
        assert_eq!(group_name(1034), Some("x25519"));
        assert_eq!(group_name(415), Some("secp256r1"));
        assert_eq!(group_name(1126), Some("ffdhe2048"));
        assert_eq!(group_name(0x0100_0017), Some("secp256r1"));
        assert_eq!(group_name(0), None);
    }
}
