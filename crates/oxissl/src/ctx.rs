//! `SslCtx`, mirroring OpenSSL's `SSL_CTX` for a client (SSL_CTX_new(3), SSL_CTX_set_verify(3),
//! SSL_CTX_load_verify_locations(3), SSL_CTX_set_min_proto_version(3),
//! SSL_CTX_set_cipher_list(3), SSL_CTX_set1_groups_list(3), SSL_CTX_set1_sigalgs_list(3),
//! SSL_CTX_set_alpn_protos(3),
//! SSL_CTX_set_mode(3), SSL_CTX_set_options(3)). Settings are copied into each `Ssl` when it is
//! created, as OpenSSL copies them in `SSL_new`.
//!
//! Options oxissl acts on: `SSL_OP_ENABLE_MIDDLEBOX_COMPAT` (RFC 8446 §D.4 compatibility mode),
//! `SSL_OP_NO_TLSv1_3` / `SSL_OP_NO_TLSv1_2` (protocol range), `SSL_OP_IGNORE_UNEXPECTED_EOF`
//! (EOF without close_notify reads as a clean close). Every other option is accepted and stored.

use std::borrow::Cow;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use oxissl_engine::provider::{
    AeadAlgorithm, Tls12Auth, Tls12Suite, TLS12_ECDHE_ECDSA_AES_128_GCM,
    TLS12_ECDHE_ECDSA_AES_256_GCM, TLS12_ECDHE_ECDSA_CHACHA20, TLS12_ECDHE_RSA_AES_128_GCM,
    TLS12_ECDHE_RSA_AES_256_GCM, TLS12_ECDHE_RSA_CHACHA20, TLS13_AES_128_GCM_SHA256,
    TLS13_AES_256_GCM_SHA384, TLS13_CHACHA20_POLY1305_SHA256,
};
use oxissl_engine::record::pool::BufferPool;
use oxissl_engine::verify::TLS12_SCHEMES;
use oxissl_engine::{
    CertificateDer, CipherSuite, ClientCredential, KeyLog, MaxFragmentLength, MessageObserver,
    NamedGroup, PrivateKey, RootStore, SignatureScheme, Tls13Suite,
};

use crate::error::{self, reason, ErrorEntry, ERR_LIB_SSL, ERR_LIB_SYS};

/// `TLS1_VERSION`.
pub const TLS1_VERSION: u16 = 0x0301;
/// `TLS1_1_VERSION`.
pub const TLS1_1_VERSION: u16 = 0x0302;
/// `TLS1_2_VERSION`.
pub const TLS1_2_VERSION: u16 = 0x0303;
/// `TLS1_3_VERSION`.
pub const TLS1_3_VERSION: u16 = 0x0304;

/// `SSL_SESS_CACHE_CLIENT`.
pub const SSL_SESS_CACHE_CLIENT: i64 = 0x1;
/// `SSL_SESS_CACHE_SERVER` (OpenSSL's default mode).
pub const SSL_SESS_CACHE_SERVER: i64 = 0x2;

/// `SSL_VERIFY_NONE`: verification runs, its result is recorded, the handshake goes on.
pub const SSL_VERIFY_NONE: i32 = 0;
/// `SSL_VERIFY_PEER`: a failed verification ends the handshake.
pub const SSL_VERIFY_PEER: i32 = 1;

/// `SSL_MODE_ENABLE_PARTIAL_WRITE`: `write` may return after writing part of the buffer.
pub const SSL_MODE_ENABLE_PARTIAL_WRITE: u32 = 0x1;
/// `SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER`: a retried `write` may pass a different buffer.
pub const SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER: u32 = 0x2;
/// `SSL_MODE_AUTO_RETRY`: a blocking `read` that only meets post-handshake messages keeps
/// reading (on by default).
pub const SSL_MODE_AUTO_RETRY: u32 = 0x4;
/// `SSL_MODE_RELEASE_BUFFERS`: free the connection's buffers while idle.
pub const SSL_MODE_RELEASE_BUFFERS: u32 = 0x10;

/// `SSL_OP_IGNORE_UNEXPECTED_EOF`.
pub const SSL_OP_IGNORE_UNEXPECTED_EOF: u64 = 1 << 7;
/// `SSL_OP_NO_TICKET`.
pub const SSL_OP_NO_TICKET: u64 = 1 << 14;
/// `SSL_OP_NO_COMPRESSION` (set by default; compression is never offered).
pub const SSL_OP_NO_COMPRESSION: u64 = 1 << 17;
/// `SSL_OP_ENABLE_MIDDLEBOX_COMPAT` (set by default).
pub const SSL_OP_ENABLE_MIDDLEBOX_COMPAT: u64 = 1 << 20;
/// `SSL_OP_NO_TLSv1_2`.
pub const SSL_OP_NO_TLSV1_2: u64 = 1 << 27;
/// `SSL_OP_NO_TLSv1_3`.
pub const SSL_OP_NO_TLSV1_3: u64 = 1 << 29;

/// OpenSSL's verify callback: called with whether verification passed so far and the
/// `X509_V_ERR_*` code; returning `true` accepts the certificate (overriding a failure),
/// `false` rejects it. oxissl calls it once for the whole chain.
pub type VerifyCallback = Arc<dyn Fn(bool, i32) -> bool + Send + Sync>;

/// `SSL_CTX_set_tlsext_status_cb`'s role: judges the server's stapled OCSP response (`None`
/// when none came) for its chain (leaf first). 1 accepts; 0 rejects (the handshake fails with
/// a bad_certificate_status_response alert and "invalid status response"); a negative value
/// fails it with internal_error.
pub type StatusCallback =
    Arc<dyn Fn(Option<&[u8]>, &[CertificateDer<'static>]) -> i32 + Send + Sync>;

/// `SSL_CTX_set_client_cert_cb`'s role: called when a server asks for a certificate and none is
/// configured; the credential it returns is sent (if its key fits the request), `None` sends an
/// empty Certificate.
pub type ClientCertCallback = Arc<dyn Fn() -> Option<Arc<ClientCredential>> + Send + Sync>;

/// A verify callback that also sees the peer's certificate chain as sent (DER, end-entity
/// first), for layers that hand the certificates on (the C ABI's `X509_STORE_CTX`). Same
/// verdict rules as [`VerifyCallback`].
pub type ChainVerifyCallback = Arc<dyn Fn(bool, i32, &[&[u8]]) -> bool + Send + Sync>;

/// Decides on the server's chain in place of the built-in verification: given the chain as
/// sent (DER, end-entity first), the name to check (from `set1_host`) and the depth limit
/// (`SSL_set_verify_depth`, negative for none), returns whether it is accepted and the
/// `X509_V_ERR_*` result (0 for none), which `get_verify_result` reports.
pub type ExternalChainVerifier =
    Arc<dyn Fn(&[&[u8]], Option<&str>, i32) -> (bool, i64) + Send + Sync>;

/// Supplies extra trust anchors (DER certificates) when the server's certificate is verified,
/// for a store the application may still be filling after the handshake started (the C ABI's
/// `X509_STORE`, which OpenSSL consults only at verification time).
pub type TrustAnchorSource = Arc<dyn Fn() -> Vec<Vec<u8>> + Send + Sync>;

/// TLS 1.2 cipher names (OpenSSL spelling) accepted by `set_cipher_list`: ECDHE with an AEAD,
/// in the order of OpenSSL 3.0's `DEFAULT` list (`openssl ciphers -s -tls1_2`).
pub const TLS12_ACCEPTED_CIPHERS: &[&str] = &[
    "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE-ECDSA-CHACHA20-POLY1305",
    "ECDHE-RSA-CHACHA20-POLY1305",
    "ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES128-GCM-SHA256",
];

/// OpenSSL's name for a TLS 1.2 suite and the suite.
const TLS12_NAMES: [(&str, Tls12Suite); 6] = [
    (
        "ECDHE-ECDSA-AES128-GCM-SHA256",
        TLS12_ECDHE_ECDSA_AES_128_GCM,
    ),
    ("ECDHE-RSA-AES128-GCM-SHA256", TLS12_ECDHE_RSA_AES_128_GCM),
    (
        "ECDHE-ECDSA-AES256-GCM-SHA384",
        TLS12_ECDHE_ECDSA_AES_256_GCM,
    ),
    ("ECDHE-RSA-AES256-GCM-SHA384", TLS12_ECDHE_RSA_AES_256_GCM),
    ("ECDHE-ECDSA-CHACHA20-POLY1305", TLS12_ECDHE_ECDSA_CHACHA20),
    ("ECDHE-RSA-CHACHA20-POLY1305", TLS12_ECDHE_RSA_CHACHA20),
];

/// A suite's key length in bits, OpenSSL's strength for `@STRENGTH`.
fn key_bits(suite: &Tls12Suite) -> u32 {
    match suite.aead {
        AeadAlgorithm::Aes128Gcm => 128,
        AeadAlgorithm::Aes256Gcm | AeadAlgorithm::Chacha20Poly1305 => 256,
    }
}

fn tls12_suite_by_openssl_name(name: &str) -> Option<Tls12Suite> {
    TLS12_NAMES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| *s)
}

/// OpenSSL's name for a cipher suite (`SSL_CIPHER_get_name`): the IANA name for TLS 1.3,
/// OpenSSL's own spelling for TLS 1.2.
pub fn openssl_cipher_name(code: CipherSuite) -> Option<&'static str> {
    TLS12_NAMES
        .iter()
        .find(|(_, s)| s.suite == code)
        .map(|(n, _)| *n)
        .or_else(|| code.name())
}

/// Whether one word of a cipher string (a cipher name or one of OpenSSL 3.0's keywords) names
/// the TLS 1.2 suite `name`. Words that name only suites oxissl refuses, and words OpenSSL
/// does not know, name none of them (OpenSSL passes over a rule naming nothing).
fn cipher_word_matches(word: &str, name: &str, suite: &Tls12Suite) -> bool {
    let ecdsa = suite.auth == Tls12Auth::Ecdsa;
    let aead = suite.aead;
    match word {
        // Every ECDHE AEAD suite is of these (OpenSSL 3.0's `openssl ciphers` output).
        "ALL" | "DEFAULT" | "HIGH" | "ECDH" | "ECDHE" | "EECDH" | "kECDHE" | "kEECDH"
        | "TLSv1.2" => true,
        "aECDSA" | "ECDSA" => ecdsa,
        "aRSA" => !ecdsa,
        "AES" | "AESGCM" | "FIPS" => aead != AeadAlgorithm::Chacha20Poly1305,
        "AES128" => aead == AeadAlgorithm::Aes128Gcm,
        "AES256" => aead == AeadAlgorithm::Aes256Gcm,
        "CHACHA20" => aead == AeadAlgorithm::Chacha20Poly1305,
        _ => word == name,
    }
}

/// One rule of a cipher string: its prefix (`b' '` for none, or `!`, `-`, `+`, `@`) and its
/// words (joined by `+` in the string: all must hold).
type CipherRule<'a> = (u8, Vec<&'a str>);

/// Splits a cipher string into rules as OpenSSL reads it: rules are separated by `:`, `,`,
/// ` ` or `;`, or simply follow a word (`DEFAULT@SECLEVEL=1` is `DEFAULT` then
/// `@SECLEVEL=1`; `HIGH!aNULL` is `HIGH` then `!aNULL`); a word is made of letters, digits
/// and `-_.=`. Anything else is an invalid command, and the whole string fails (`None`).
fn cipher_rules(s: &str) -> Option<Vec<CipherRule<'_>>> {
    let b = s.as_bytes();
    let word_char = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'=');
    let mut rules = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if matches!(b[i], b':' | b',' | b' ' | b';') {
            i += 1;
            continue;
        }
        let op = match b[i] {
            c @ (b'!' | b'-' | b'+' | b'@') => {
                i += 1;
                c
            }
            _ => b' ',
        };
        let mut words = Vec::new();
        loop {
            let start = i;
            while i < b.len() && word_char(b[i]) {
                i += 1;
            }
            if i == start {
                return None;
            }
            words.push(&s[start..i]);
            if op != b'@' && i < b.len() && b[i] == b'+' {
                i += 1;
                continue;
            }
            break;
        }
        rules.push((op, words));
    }
    Some(rules)
}

/// The security level a cipher string sets with `@SECLEVEL=n` (0 to 5), if it does; OpenSSL
/// applies it to the context or connection as it reads the string.
pub fn cipher_string_security_level(s: &str) -> Option<i32> {
    cipher_rules(s)?
        .iter()
        .rev()
        .filter(|(op, _)| *op == b'@')
        .find_map(|(_, words)| seclevel(words[0]))
}

/// The level of an `@SECLEVEL=n` command's word: one digit, 0 to 5, as OpenSSL reads it.
fn seclevel(word: &str) -> Option<i32> {
    match word.strip_prefix("SECLEVEL=")?.as_bytes() {
        [d @ b'0'..=b'5'] => Some(i32::from(d - b'0')),
        _ => None,
    }
}

/// The TLS 1.3-style names `SSL_CTX_set1_sigalgs_list` takes, as in OpenSSL 3.0's table
/// (`ssl/t1_lib.c`): the schemes of RFC 8446 §4.2.3 that OpenSSL names. Legacy ones are
/// accepted, as OpenSSL accepts them, but the engine never offers a scheme it does not verify
/// (SHA-1, SHA-224, Ed448, RSASSA-PSS with PSS keys).
const SIGALG_NAMES: [(&str, u16); 16] = [
    ("ecdsa_secp256r1_sha256", 0x0403),
    ("ecdsa_secp384r1_sha384", 0x0503),
    ("ecdsa_secp521r1_sha512", 0x0603),
    ("ed25519", 0x0807),
    ("ed448", 0x0808),
    ("rsa_pss_rsae_sha256", 0x0804),
    ("rsa_pss_rsae_sha384", 0x0805),
    ("rsa_pss_rsae_sha512", 0x0806),
    ("rsa_pss_pss_sha256", 0x0809),
    ("rsa_pss_pss_sha384", 0x080a),
    ("rsa_pss_pss_sha512", 0x080b),
    ("rsa_pkcs1_sha256", 0x0401),
    ("rsa_pkcs1_sha384", 0x0501),
    ("rsa_pkcs1_sha512", 0x0601),
    ("rsa_pkcs1_sha224", 0x0301),
    ("rsa_pkcs1_sha1", 0x0201),
];

/// Signature algorithms of the `ALG+HASH` form, as OpenSSL 3.0 names them (case-sensitive).
#[derive(Clone, Copy, PartialEq, Eq)]
enum SigAlg {
    Rsa,
    RsaPss,
    Dsa,
    Ecdsa,
}

/// The half of an `ALG+HASH` entry: an algorithm keyword, or a digest by its OpenSSL short or
/// long name (only the digests in OpenSSL's table can match).
enum SigalgPart {
    Alg(SigAlg),
    Hash(u8),
    Unknown,
}

fn sigalg_part(s: &str) -> SigalgPart {
    // TLS 1.2 HashAlgorithm codes (RFC 5246 §7.4.1.4.1).
    match s {
        "RSA" => SigalgPart::Alg(SigAlg::Rsa),
        "RSA-PSS" | "PSS" => SigalgPart::Alg(SigAlg::RsaPss),
        "DSA" => SigalgPart::Alg(SigAlg::Dsa),
        "ECDSA" => SigalgPart::Alg(SigAlg::Ecdsa),
        "SHA1" | "sha1" => SigalgPart::Hash(2),
        "SHA224" | "sha224" => SigalgPart::Hash(3),
        "SHA256" | "sha256" => SigalgPart::Hash(4),
        "SHA384" | "sha384" => SigalgPart::Hash(5),
        "SHA512" | "sha512" => SigalgPart::Hash(6),
        _ => SigalgPart::Unknown,
    }
}

/// The scheme OpenSSL 3.0 picks for an algorithm and a TLS 1.2 HashAlgorithm code: the first
/// entry of its table with both, so `RSA-PSS+SHA256` is rsa_pss_rsae_sha256 and `ECDSA+SHA256`
/// is ecdsa_secp256r1_sha256.
fn sigalg_pair(alg: SigAlg, hash: u8) -> Option<u16> {
    let hash = u16::from(hash);
    match alg {
        // RFC 5246 §7.4.1.4.1: the hash, then rsa(1), dsa(2) or ecdsa(3).
        SigAlg::Rsa => Some(hash << 8 | 1),
        SigAlg::Dsa => Some(hash << 8 | 2),
        SigAlg::Ecdsa => Some(hash << 8 | 3),
        // RFC 8446 §4.2.3: rsa_pss_rsae_sha256..sha512 are 0x0804..0x0806; OpenSSL has no
        // RSASSA-PSS with SHA-1 or SHA-224.
        SigAlg::RsaPss => (4..=6).contains(&hash).then_some(0x0800 | hash),
    }
}

/// One `sigalgs` entry, as OpenSSL 3.0's `sig_cb`: a TLS 1.3 name (no `+`), or `ALG+HASH` in
/// either order.
fn parse_sigalg(entry: &str) -> Option<u16> {
    let Some((first, second)) = entry.split_once('+') else {
        return SIGALG_NAMES
            .iter()
            .find(|(name, _)| *name == entry)
            .map(|&(_, code)| code);
    };
    let (mut alg, mut hash) = (None, None);
    for part in [first, second] {
        match sigalg_part(part) {
            SigalgPart::Alg(a) => alg = Some(a),
            SigalgPart::Hash(h) => hash = Some(h),
            SigalgPart::Unknown => return None,
        }
    }
    sigalg_pair(alg?, hash?)
}

/// Parses an OpenSSL 3.0 `sigalgs` list (`SSL_CTX_set1_sigalgs_list`, SSL_CONF
/// `SignatureAlgorithms`): colon-separated entries, white space around each ignored; an empty,
/// unknown or repeated entry fails the whole list, as `CONF_parse_list` with `sig_cb` does.
/// Returns the schemes in the given order, or the entry that failed.
pub fn parse_sigalgs_list(s: &str) -> Result<Vec<SignatureScheme>, String> {
    let mut out: Vec<SignatureScheme> = Vec::new();
    for entry in s.split(':') {
        // CONF_parse_list trims with isspace(): space, \t, \n, \v, \f, \r.
        let entry = entry.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\x0b');
        let code = parse_sigalg(entry).ok_or_else(|| entry.to_owned())?;
        if out.contains(&SignatureScheme(code)) {
            return Err(entry.to_owned());
        }
        out.push(SignatureScheme(code));
    }
    Ok(out)
}

/// Settings shared by `SslCtx` and copied into each `Ssl`.
#[derive(Clone)]
pub(crate) struct Settings {
    pub min_version: u16,
    pub max_version: u16,
    pub suites: Vec<Tls13Suite>,
    pub cipher_list: Vec<String>,
    pub groups: Vec<NamedGroup>,
    /// `SSL_CTX_set1_sigalgs_list`: the engine's default list (borrowed: no copy per
    /// connection) until set.
    pub sigalgs: Cow<'static, [SignatureScheme]>,
    pub verify_mode: i32,
    pub verify_depth: i32,
    pub verify_callback: Option<VerifyCallback>,
    pub roots: Arc<RootStore>,
    pub alpn: Vec<Vec<u8>>,
    pub mode: u32,
    pub options: u64,
    pub message_observer: Option<Arc<dyn MessageObserver>>,
    /// `SSL_CTX_set_keylog_callback`: where the connections' secrets go (`SSLKEYLOGFILE`).
    pub key_log: Option<Arc<dyn KeyLog>>,
    /// Whether connections keep the server's key exchange share (`Ssl::peer_tmp_key`).
    pub keep_peer_tmp_key: bool,
    /// `SSL_CTX_set_tlsext_status_type(TLSEXT_STATUSTYPE_ocsp)`: ask for a stapled OCSP
    /// response (RFC 6066 §8).
    pub ocsp_status: bool,
    /// `SSL_CTX_set_post_handshake_auth`: offer TLS 1.3 post-handshake authentication.
    pub post_handshake_auth: bool,
    /// `SSL_CTX_set_tlsext_status_cb`: called, when a status was asked for, once the server's
    /// first flight is in.
    pub status_callback: Option<StatusCallback>,
    /// `SSL_CTX_set_client_cert_cb`.
    pub client_cert_callback: Option<ClientCertCallback>,
    /// `SSL_CTX_set_tlsext_max_fragment_length`.
    pub max_fragment_length: Option<MaxFragmentLength>,
    /// `SSL_CTX_set_block_padding` (0: none).
    pub record_padding: usize,
    /// `SSL_CTX_set_max_send_fragment`.
    pub max_send_fragment: usize,
    /// `SSL_CTX_set_read_ahead`: off by default, as in OpenSSL.
    pub read_ahead: bool,
    /// `SSL_CTX_set_session_cache_mode`'s mode (`SSL_SESS_CACHE_SERVER` by default).
    pub session_cache_mode: i64,
    /// Record buffers shared by the context's connections (idle ones hold none).
    pub buffer_pool: Arc<BufferPool>,
    /// The roots merged with a trust-anchor source's certificates, shared by the context's
    /// connections.
    pub late_roots: Arc<LateRoots>,
    /// The client certificate (`use_certificate*`).
    pub certificate: Option<CertificateDer<'static>>,
    /// The certificates sent after it (`use_certificate_chain_file`, `add_extra_chain_cert`).
    pub extra_chain: Vec<CertificateDer<'static>>,
    /// The client certificate's private key (`use_private_key*`).
    pub private_key: Option<Arc<PrivateKey>>,
}

/// `SSL_CTX_set_block_padding`'s rule: 1 means none, up to a record's 2^14 bytes is a block.
pub(crate) fn block_padding(block_size: usize) -> Option<usize> {
    match block_size {
        1 => Some(0),
        b if b <= MAX_PLAIN_LENGTH => Some(b),
        _ => None,
    }
}

/// `SSL3_RT_MAX_PLAIN_LENGTH`.
pub(crate) const MAX_PLAIN_LENGTH: usize = 1 << 14;

/// The smallest `max_send_fragment` OpenSSL accepts.
pub(crate) const MIN_SEND_FRAGMENT: usize = 512;

/// OpenSSL's max fragment length mode: 0 for none, 1 to 4 for a length; another value queues
/// "ssl3 ext invalid max fragment length".
pub(crate) fn parse_max_fragment_length(mode: u8) -> Result<Option<MaxFragmentLength>, ()> {
    if mode == 0 {
        return Ok(None);
    }
    match MaxFragmentLength::from_code(mode) {
        Some(m) => Ok(Some(m)),
        None => {
            error::push_ssl(reason::SSL3_EXT_INVALID_MAX_FRAGMENT_LENGTH);
            Err(())
        }
    }
}

/// The configured roots plus the certificates a [`TrustAnchorSource`] supplied (from C: what
/// the program put in the context's `X509_STORE`), merged once per distinct set and shared by
/// the context's connections, so that their verdict cache carries over from one connection to
/// the next as it does for the configured roots alone.
#[derive(Default)]
pub(crate) struct LateRoots {
    last: Mutex<Option<Merge>>,
}

/// One merge: the configured roots it was made from, the source's certificates, the result.
struct Merge {
    base: Arc<RootStore>,
    extra: Vec<Vec<u8>>,
    merged: Arc<RootStore>,
}

impl LateRoots {
    /// `base` with `extra` added: the last merge when both are the same as then, else a new
    /// one (with a new, empty verdict cache), kept for the next connection.
    pub fn merged(&self, base: &Arc<RootStore>, extra: Vec<Vec<u8>>) -> Arc<RootStore> {
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(m) = last.as_ref() {
            if Arc::ptr_eq(&m.base, base) && m.extra == extra {
                return m.merged.clone();
            }
        }
        let mut roots = RootStore::clone(base);
        for der in &extra {
            // A certificate the store holds but webpki cannot use as an anchor is skipped,
            // as OpenSSL skips unusable store entries.
            let _ = roots.add_der(der);
        }
        let merged = Arc::new(roots);
        *last = Some(Merge {
            base: base.clone(),
            extra,
            merged: merged.clone(),
        });
        merged
    }

    /// The last merge, if any.
    pub fn last(&self) -> Option<Arc<RootStore>> {
        let last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        last.as_ref().map(|m| m.merged.clone())
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            min_version: 0,
            max_version: 0,
            suites: vec![
                TLS13_AES_256_GCM_SHA384,
                TLS13_CHACHA20_POLY1305_SHA256,
                TLS13_AES_128_GCM_SHA256,
            ],
            cipher_list: TLS12_ACCEPTED_CIPHERS
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            groups: vec![
                NamedGroup::X25519,
                NamedGroup::SECP256R1,
                NamedGroup::SECP384R1,
                NamedGroup::SECP521R1,
            ],
            sigalgs: Cow::Borrowed(TLS12_SCHEMES),
            verify_mode: SSL_VERIFY_NONE,
            verify_depth: -1,
            verify_callback: None,
            roots: Arc::new(RootStore::new()),
            alpn: Vec::new(),
            mode: SSL_MODE_AUTO_RETRY,
            options: SSL_OP_NO_COMPRESSION | SSL_OP_ENABLE_MIDDLEBOX_COMPAT,
            message_observer: None,
            key_log: None,
            keep_peer_tmp_key: false,
            ocsp_status: false,
            post_handshake_auth: false,
            status_callback: None,
            client_cert_callback: None,
            max_fragment_length: None,
            record_padding: 0,
            max_send_fragment: MAX_PLAIN_LENGTH,
            read_ahead: false,
            session_cache_mode: SSL_SESS_CACHE_SERVER,
            buffer_pool: Arc::new(BufferPool::default()),
            late_roots: Arc::default(),
            certificate: None,
            extra_chain: Vec::new(),
            private_key: None,
        }
    }
}

fn fail(lib: u32, r: u32, data: String) -> ErrorEntry {
    error::raise(lib, r, data)
}

impl Settings {
    pub fn set_min_proto_version(&mut self, v: u16) -> bool {
        if !valid_version(v) {
            return false;
        }
        self.min_version = v;
        true
    }

    pub fn set_max_proto_version(&mut self, v: u16) -> bool {
        if !valid_version(v) {
            return false;
        }
        self.max_version = v;
        true
    }

    /// Adds mode bits; returns the new mask (`SSL_set_mode` / `SSL_CTX_set_mode`).
    pub fn set_mode(&mut self, mode: u32) -> u32 {
        self.mode |= mode;
        self.mode
    }

    /// Removes mode bits; returns the new mask.
    pub fn clear_mode(&mut self, mode: u32) -> u32 {
        self.mode &= !mode;
        self.mode
    }

    /// Adds option bits; returns the new mask (`SSL_set_options` / `SSL_CTX_set_options`).
    pub fn set_options(&mut self, options: u64) -> u64 {
        self.options |= options;
        self.options
    }

    /// Removes option bits; returns the new mask.
    pub fn clear_options(&mut self, options: u64) -> u64 {
        self.options &= !options;
        self.options
    }

    /// Whether TLS 1.2 lies in the configured range.
    pub fn tls12_enabled(&self) -> bool {
        (self.max_version == 0 || self.max_version >= TLS1_2_VERSION)
            && self.min_version <= TLS1_2_VERSION
            && self.options & SSL_OP_NO_TLSV1_2 == 0
    }

    /// The engine's TLS 1.2 suites for the selected cipher list, in its order.
    pub fn tls12_suites(&self) -> Vec<Tls12Suite> {
        self.cipher_list
            .iter()
            .filter_map(|name| tls12_suite_by_openssl_name(name))
            .collect()
    }

    /// The cipher suites configured (OpenSSL's cipher list: the TLS 1.3 suites, then the
    /// TLS 1.2 ones, each in its order), with `enabled_only` only those of the versions
    /// enabled.
    pub fn cipher_suites(&self, enabled_only: bool) -> Vec<CipherSuite> {
        let tls13 = !enabled_only || self.tls13_enabled();
        let tls12 = !enabled_only || self.tls12_enabled();
        let mut out = Vec::new();
        if tls13 {
            out.extend(self.suites.iter().map(|s| s.suite));
        }
        if tls12 {
            out.extend(self.tls12_suites().iter().map(|s| s.suite));
        }
        out
    }

    /// Whether TLS 1.3 lies in the configured range.
    pub fn tls13_enabled(&self) -> bool {
        (self.max_version == 0 || self.max_version >= TLS1_3_VERSION)
            && self.min_version <= TLS1_3_VERSION
            && self.options & SSL_OP_NO_TLSV1_3 == 0
    }

    pub fn set_ciphersuites(&mut self, s: &str) -> Result<(), ErrorEntry> {
        let mut out = Vec::new();
        for name in s.split(':').filter(|n| !n.is_empty()) {
            let suite = match name {
                "TLS_AES_128_GCM_SHA256" => TLS13_AES_128_GCM_SHA256,
                "TLS_AES_256_GCM_SHA384" => TLS13_AES_256_GCM_SHA384,
                "TLS_CHACHA20_POLY1305_SHA256" => TLS13_CHACHA20_POLY1305_SHA256,
                "TLS_AES_128_CCM_SHA256" | "TLS_AES_128_CCM_8_SHA256" => {
                    return Err(fail(
                        ERR_LIB_SSL,
                        reason::NO_CIPHER_MATCH,
                        format!("ciphersuite {name} is not supported"),
                    ))
                }
                _ => {
                    return Err(fail(
                        ERR_LIB_SSL,
                        reason::NO_CIPHER_MATCH,
                        format!("unknown ciphersuite {name}"),
                    ))
                }
            };
            if !out.contains(&suite) {
                out.push(suite);
            }
        }
        self.suites = out;
        Ok(())
    }

    /// OpenSSL's cipher-string rules over the TLS 1.2 suites oxissl has, in OpenSSL's order
    /// (`SSL_CTX_set_cipher_list(3)`): a rule is words joined by `+` (all must hold); no
    /// prefix appends the suites it names that are not in the list yet, `-` takes them out,
    /// `!` takes them out for good, `+` moves them to the end; `@STRENGTH` sorts by key
    /// length.
    pub fn set_cipher_list(&mut self, s: &str) -> Result<(), ErrorEntry> {
        // OpenSSL's working list: every suite, in its order, with whether it is selected;
        // a suite taken out for good leaves it.
        let mut list: Vec<(&str, Tls12Suite, bool)> = TLS12_ACCEPTED_CIPHERS
            .iter()
            .filter_map(|n| Some((*n, tls12_suite_by_openssl_name(n)?, false)))
            .collect();
        // As in OpenSSL, a rule that names nothing available is passed over; the list fails
        // only if nothing at all is selected, and then names what it asked for.
        let mut refused: Vec<String> = Vec::new();
        let Some(rules) = cipher_rules(s) else {
            return Err(fail(
                ERR_LIB_SSL,
                reason::INVALID_COMMAND,
                format!("cipher string {s:?} has a character or command OpenSSL's syntax lacks"),
            ));
        };
        for (op, words) in rules {
            if op == b'@' {
                match words[0] {
                    // Stable: equal strengths keep their order.
                    "STRENGTH" => {
                        list.sort_by_key(|(_, suite, on)| (*on, std::cmp::Reverse(key_bits(suite))))
                    }
                    // Read by `cipher_string_security_level`.
                    w if seclevel(w).is_some() => {}
                    w => {
                        return Err(fail(
                            ERR_LIB_SSL,
                            reason::INVALID_COMMAND,
                            format!("unknown cipher string command @{w}"),
                        ))
                    }
                }
                continue;
            }
            let names = |name: &str, suite: &Tls12Suite| {
                words.iter().all(|w| cipher_word_matches(w, name, suite))
            };
            if op == b' ' && !list.iter().any(|(n, suite, _)| names(n, suite)) {
                refused.push(words.join("+"));
            }
            let (hit, rest): (Vec<_>, Vec<_>) = list.iter().partition(|(n, suite, on)| {
                names(n, suite)
                    && match op {
                        b' ' => !on,
                        b'+' | b'-' => *on,
                        _ => true,
                    }
            });
            list = match op {
                // Appended (or moved) to the end, in list order.
                b' ' | b'+' => rest
                    .into_iter()
                    .chain(hit.into_iter().map(|(n, s, _)| (n, s, true)))
                    .collect(),
                // Back to the front, unselected (OpenSSL's place for them if added again).
                b'-' => hit
                    .into_iter()
                    .map(|(n, s, _)| (n, s, false))
                    .chain(rest)
                    .collect(),
                _ => rest,
            };
        }
        let selected: Vec<String> = list
            .iter()
            .filter(|(_, _, on)| *on)
            .map(|(n, _, _)| (*n).to_owned())
            .collect();
        if selected.is_empty() {
            // As in OpenSSL, the TLS 1.2 list is left empty (TLS 1.3 suites stay).
            self.cipher_list.clear();
            let data = if refused.is_empty() {
                "no cipher selected".to_owned()
            } else {
                format!(
                    "cipher {} is refused: only ECDHE key exchange with AES-GCM or \
                     ChaCha20-Poly1305 is supported (no RC4, 3DES, CBC, NULL or anonymous suites)",
                    refused.join(":")
                )
            };
            return Err(fail(ERR_LIB_SSL, reason::NO_CIPHER_MATCH, data));
        }
        self.cipher_list = selected;
        Ok(())
    }

    pub fn set_groups_list(&mut self, s: &str) -> Result<(), ErrorEntry> {
        let mut out = Vec::new();
        let mut passed_over = Vec::new();
        for name in s.split(':').filter(|n| !n.is_empty()) {
            let g = match name.to_ascii_lowercase().as_str() {
                "x25519" => NamedGroup::X25519,
                "p-256" | "prime256v1" | "secp256r1" => NamedGroup::SECP256R1,
                "p-384" | "secp384r1" => NamedGroup::SECP384R1,
                "p-521" | "secp521r1" => NamedGroup::SECP521R1,
                // Groups OpenSSL knows and oxissl does not offer are passed over, so a list
                // that also names supported ones works as it does with OpenSSL.
                "x448" | "ffdhe2048" | "ffdhe3072" | "ffdhe4096" | "ffdhe6144" | "ffdhe8192" => {
                    passed_over.push(name);
                    continue;
                }
                _ => {
                    return Err(fail(
                        ERR_LIB_SSL,
                        reason::PASSED_INVALID_ARGUMENT,
                        format!("unknown group {name}"),
                    ))
                }
            };
            if !out.contains(&g) {
                out.push(g);
            }
        }
        if out.is_empty() {
            let data = match passed_over.is_empty() {
                true => "empty groups list".to_owned(),
                false => format!(
                    "group {} is not supported (X25519, P-256, P-384, P-521 are)",
                    passed_over.join(":")
                ),
            };
            return Err(fail(ERR_LIB_SSL, reason::PASSED_INVALID_ARGUMENT, data));
        }
        self.groups = out;
        Ok(())
    }

    pub fn set_sigalgs_list(&mut self, s: &str) -> Result<(), ErrorEntry> {
        // OpenSSL 3.0 queues nothing when the list is refused: the entry is only returned.
        let list = parse_sigalgs_list(s).map_err(|entry| {
            error::unqueued(
                ERR_LIB_SSL,
                reason::PASSED_INVALID_ARGUMENT,
                format!("signature algorithm list refused at entry '{entry}'"),
            )
        })?;
        self.sigalgs = Cow::Owned(list);
        Ok(())
    }

    /// Returns 0 on success, 1 on failure (OpenSSL's inverted convention).
    pub fn set_alpn_protos(&mut self, wire: &[u8]) -> i32 {
        match parse_alpn(wire) {
            Some(list) => {
                self.alpn = list;
                0
            }
            None => 1,
        }
    }

    pub fn load_verify_locations(
        &mut self,
        file: Option<&Path>,
        dir: Option<&Path>,
    ) -> Result<(), ErrorEntry> {
        if file.is_none() && dir.is_none() {
            return Err(fail(
                ERR_LIB_SSL,
                reason::PASSED_INVALID_ARGUMENT,
                "no CA file or directory given".to_owned(),
            ));
        }
        let roots = Arc::make_mut(&mut self.roots);
        if let Some(f) = file {
            match roots.add_pem_file(f) {
                Ok(n) if n > 0 => {}
                Ok(_) => {
                    return Err(fail(
                        ERR_LIB_SSL,
                        reason::PASSED_INVALID_ARGUMENT,
                        format!("no certificate found in {}", f.display()),
                    ))
                }
                Err(e) => {
                    return Err(fail(
                        ERR_LIB_SYS,
                        e.raw_os_error().unwrap_or(2) as u32,
                        format!("calling fopen({}, r)", f.display()),
                    ))
                }
            }
        }
        if let Some(d) = dir {
            if let Err(e) = roots.add_dir(d) {
                return Err(fail(
                    ERR_LIB_SYS,
                    e.raw_os_error().unwrap_or(2) as u32,
                    format!("calling opendir({})", d.display()),
                ));
            }
        }
        Ok(())
    }

    pub fn set_default_verify_paths(&mut self) {
        let roots = Arc::make_mut(&mut self.roots);
        let file = std::env::var_os("SSL_CERT_FILE");
        let dir = std::env::var_os("SSL_CERT_DIR");
        // OpenSSL's compiled-in defaults on Debian, then the distribution bundle.
        match file {
            Some(f) => {
                let _ = roots.add_pem_file(f);
            }
            None => {
                if roots.add_pem_file("/usr/lib/ssl/cert.pem").unwrap_or(0) == 0 {
                    let _ = roots.add_pem_file(oxissl_engine::verify::SYSTEM_CA_FILE);
                }
            }
        }
        match dir {
            Some(d) => {
                for d in std::env::split_paths(&d) {
                    let _ = roots.add_dir(d);
                }
            }
            None if roots.is_empty() => {
                let _ = roots.add_dir(oxissl_engine::verify::SYSTEM_CA_DIR);
            }
            None => {}
        }
    }
}

fn valid_version(v: u16) -> bool {
    v == 0 || (0x0300..=TLS1_3_VERSION).contains(&v)
}

/// Parses ALPN wire format (length-prefixed, non-empty names, RFC 7301 §3.1).
pub(crate) fn parse_alpn(mut wire: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    while let Some((&len, rest)) = wire.split_first() {
        let len = usize::from(len);
        if len == 0 || rest.len() < len {
            return None;
        }
        out.push(rest[..len].to_vec());
        wire = &rest[len..];
    }
    Some(out)
}

/// A client context (`SSL_CTX_new(TLS_client_method())`).
#[derive(Clone, Default)]
pub struct SslCtx {
    pub(crate) settings: Arc<Settings>,
}

impl core::fmt::Debug for SslCtx {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SslCtx")
            .field("min_version", &self.settings.min_version)
            .field("max_version", &self.settings.max_version)
            .field("verify_mode", &self.settings.verify_mode)
            .field("mode", &self.settings.mode)
            .field("options", &self.settings.options)
            .finish_non_exhaustive()
    }
}

impl SslCtx {
    /// The settings to change: shared with the connections made so far, so copied first if
    /// they are (those connections keep what they were made with, as in OpenSSL).
    fn settings_mut(&mut self) -> &mut Settings {
        Arc::make_mut(&mut self.settings)
    }

    /// `SSL_CTX_new(TLS_client_method())`: OpenSSL 3.0's defaults (verify none, mode
    /// AUTO_RETRY, options NO_COMPRESSION | ENABLE_MIDDLEBOX_COMPAT, no version bounds, no CAs).
    pub fn new() -> Self {
        Self::default()
    }

    /// `SSL_CTX_set_min_proto_version`: 0 for no bound. Returns false for an unknown version.
    pub fn set_min_proto_version(&mut self, v: u16) -> bool {
        self.settings_mut().set_min_proto_version(v)
    }

    /// `SSL_CTX_set_max_proto_version`: 0 for no bound. A range that excludes TLS 1.3 is
    /// accepted here and fails at connect with "no protocols available" until TLS 1.2 lands.
    pub fn set_max_proto_version(&mut self, v: u16) -> bool {
        self.settings_mut().set_max_proto_version(v)
    }

    /// `SSL_CTX_get_min_proto_version`.
    pub fn min_proto_version(&self) -> u16 {
        self.settings.min_version
    }

    /// `SSL_CTX_get_max_proto_version`.
    pub fn max_proto_version(&self) -> u16 {
        self.settings.max_version
    }

    /// `SSL_CTX_set_ciphersuites`: TLS 1.3 suites by IANA name, colon-separated.
    pub fn set_ciphersuites(&mut self, s: &str) -> Result<(), ErrorEntry> {
        self.settings_mut().set_ciphersuites(s)
    }

    /// `SSL_CTX_set_cipher_list`: the TLS 1.2 list in OpenSSL's syntax. Names and keywords
    /// that select ECDHE-AEAD suites are taken; entries for RC4, 3DES, CBC, NULL, anonymous and
    /// other suites select nothing, as unavailable ciphers do in OpenSSL, and a list that
    /// selects nothing else fails with an error naming them, leaving no TLS 1.2 cipher (as
    /// OpenSSL leaves it). Rules, prefixes and `@STRENGTH` work as in OpenSSL (see
    /// `Settings::set_cipher_list`); `@SECLEVEL=n` is read by the C ABI.
    pub fn set_cipher_list(&mut self, s: &str) -> Result<(), ErrorEntry> {
        self.settings_mut().set_cipher_list(s)
    }

    /// The TLS 1.2 ciphers selected (stored for when TLS 1.2 is enabled).
    pub fn cipher_list(&self) -> &[String] {
        &self.settings.cipher_list
    }

    /// `SSL_CTX_get_ciphers`: the TLS 1.3 suites, then the TLS 1.2 ones, as configured.
    pub fn ciphers(&self) -> Vec<CipherSuite> {
        self.settings.cipher_suites(false)
    }

    /// `SSL_CTX_set1_groups_list`: `X25519:P-256:P-384:P-521` (also `prime256v1`,
    /// `secp256r1`, `secp384r1`, `secp521r1`). Groups OpenSSL knows that oxissl does not offer
    /// (X448, FFDHE)
    /// are passed over; a list of only those, or an unknown name, fails.
    pub fn set_groups_list(&mut self, s: &str) -> Result<(), ErrorEntry> {
        self.settings_mut().set_groups_list(s)
    }

    /// `SSL_CTX_set1_sigalgs_list`: the signature schemes offered in signature_algorithms
    /// and accepted in the server's CertificateVerify (TLS 1.3) or ServerKeyExchange (TLS 1.2),
    /// in OpenSSL 3.0's syntax: colon-separated entries, each `ALG+HASH` (ALG `RSA`, `RSA-PSS`
    /// or `PSS`, `ECDSA`, `DSA`; HASH `SHA1`, `SHA224`, `SHA256`, `SHA384`, `SHA512` or their
    /// lower-case long names; either order) or a TLS 1.3 name (`ecdsa_secp256r1_sha256`,
    /// `rsa_pss_rsae_sha256`, `ed25519`, `rsa_pkcs1_sha256`, ...). An empty, unknown or
    /// repeated entry fails the whole call and nothing is queued, as in OpenSSL. Schemes
    /// OpenSSL knows but oxissl does not verify (SHA-1, SHA-224, DSA, Ed448, RSASSA-PSS with
    /// PSS keys) are accepted and never offered; a list left with nothing to offer fails at
    /// connect with "no suitable signature algorithm", as OpenSSL does for a SHA-1-only list.
    /// Server certificate chains are not restricted by it, as in OpenSSL.
    pub fn set1_sigalgs_list(&mut self, s: &str) -> Result<(), ErrorEntry> {
        self.settings_mut().set_sigalgs_list(s)
    }

    /// The signature schemes set by `set1_sigalgs_list` (the engine's default list until
    /// then), as given: including those never offered.
    pub fn sigalgs(&self) -> &[SignatureScheme] {
        &self.settings.sigalgs
    }

    /// `SSL_CTX_set_session_cache_mode`: stores the mode and returns the previous one. As in
    /// OpenSSL, no mode makes a client resume by itself: "no automatic reuse of client sessions
    /// is done" (SSL_CTX_set_session_cache_mode(3)); only `Ssl::set_session` offers a session.
    pub fn set_session_cache_mode(&mut self, mode: i64) -> i64 {
        std::mem::replace(&mut self.settings_mut().session_cache_mode, mode)
    }

    /// `SSL_CTX_get_session_cache_mode`: the mode last set (`SSL_SESS_CACHE_SERVER` by
    /// default).
    pub fn session_cache_mode(&self) -> i64 {
        self.settings.session_cache_mode
    }

    /// `SSL_CTX_set_read_ahead`: read as much as the BIO has instead of one record at a time
    /// (faster for bulk transfers; off by default as in OpenSSL, because event loops that poll
    /// the socket rely on unread records staying there).
    pub fn set_read_ahead(&mut self, on: bool) {
        self.settings_mut().read_ahead = on;
    }

    /// `SSL_CTX_set_msg_callback`: sees every protocol message sent and received.
    pub fn set_message_observer(&mut self, observer: Option<Arc<dyn MessageObserver>>) {
        self.settings_mut().message_observer = observer;
    }

    /// Whether connections keep the server's key exchange share after the handshake, for
    /// `Ssl::peer_tmp_key` (`SSL_get_peer_tmp_key`). Off by default: it costs memory.
    pub fn set_keep_peer_tmp_key(&mut self, keep: bool) {
        self.settings_mut().keep_peer_tmp_key = keep;
    }

    /// `SSL_CTX_set_tlsext_status_type`: with `true` (`TLSEXT_STATUSTYPE_ocsp`) connections
    /// ask the server to staple an OCSP response (RFC 6066 §8), which `Ssl::ocsp_response`
    /// returns and the status callback judges. Checking the response is the caller's, as in
    /// OpenSSL. Off by default.
    pub fn set_tlsext_status_type(&mut self, ocsp: bool) {
        self.settings_mut().ocsp_status = ocsp;
    }

    /// `SSL_CTX_set_post_handshake_auth`: whether connections offer TLS 1.3 post-handshake
    /// authentication (post_handshake_auth, RFC 8446 §4.2.6), letting the server ask for a
    /// certificate after the handshake; it is answered with the certificate the handshake sent
    /// or the one configured (or none), and a Finished. Off by default, as in OpenSSL.
    pub fn set_post_handshake_auth(&mut self, on: bool) {
        self.settings_mut().post_handshake_auth = on;
    }

    /// `SSL_CTX_get_tlsext_status_type`: whether connections ask for OCSP stapling.
    pub fn tlsext_status_type(&self) -> bool {
        self.settings.ocsp_status
    }

    /// `SSL_CTX_set_tlsext_status_cb`: the status callback (see [`StatusCallback`]), called
    /// where OpenSSL calls it: after the server's Finished in TLS 1.3 (before ours), after
    /// its ServerHelloDone in TLS 1.2, and only when a status was asked for.
    pub fn set_status_callback(&mut self, callback: Option<StatusCallback>) {
        self.settings_mut().status_callback = callback;
    }

    /// `SSL_CTX_set_tlsext_max_fragment_length`: 0 (`TLSEXT_max_fragment_length_DISABLED`)
    /// asks for nothing; 1 to 4 ask for records of at most 512, 1024, 2048 or 4096 bytes
    /// (RFC 6066 §4), which bind both sides once the server agrees. 1, or 0 with "ssl3 ext
    /// invalid max fragment length" for another value, as in OpenSSL.
    pub fn set_tlsext_max_fragment_length(&mut self, mode: u8) -> i32 {
        match parse_max_fragment_length(mode) {
            Ok(m) => {
                self.settings_mut().max_fragment_length = m;
                1
            }
            Err(()) => 0,
        }
    }

    /// `SSL_CTX_set_block_padding`: TLS 1.3 records are padded to a multiple of `block_size`
    /// bytes (RFC 8446 §5.4); 0 or 1 turn padding off. 1, or 0 (nothing changed) for a block
    /// larger than a record, as in OpenSSL.
    pub fn set_block_padding(&mut self, block_size: usize) -> i32 {
        match block_padding(block_size) {
            Some(b) => {
                self.settings_mut().record_padding = b;
                1
            }
            None => 0,
        }
    }

    /// `SSL_CTX_set_max_send_fragment`: the largest record plaintext connections send, 512 to
    /// 16384 (the default). 1, or 0 (nothing changed) outside that range, as in OpenSSL.
    pub fn set_max_send_fragment(&mut self, max: usize) -> i32 {
        if !(MIN_SEND_FRAGMENT..=MAX_PLAIN_LENGTH).contains(&max) {
            return 0;
        }
        self.settings_mut().max_send_fragment = max;
        1
    }

    /// `SSL_CTX_set_client_cert_cb`: asked for a certificate when a server requests one and
    /// none is configured (see [`ClientCertCallback`]), where OpenSSL asks its callback.
    pub fn set_client_cert_callback(&mut self, callback: Option<ClientCertCallback>) {
        self.settings_mut().client_cert_callback = callback;
    }

    /// `SSL_CTX_set_keylog_callback`: hands each connection's secrets to `key_log` in the NSS
    /// key log format's terms (`oxissl_engine::key_log_line` makes the `SSLKEYLOGFILE` line).
    /// For debugging: whoever holds them can decrypt the traffic.
    pub fn set_key_log(&mut self, key_log: Option<Arc<dyn KeyLog>>) {
        self.settings_mut().key_log = key_log;
    }

    /// `SSL_CTX_set_verify`: `SSL_VERIFY_NONE` or `SSL_VERIFY_PEER`, and an optional callback.
    pub fn set_verify(&mut self, mode: i32, callback: Option<VerifyCallback>) {
        self.settings_mut().verify_mode = mode;
        self.settings_mut().verify_callback = callback;
    }

    /// `SSL_CTX_get_verify_mode`.
    pub fn verify_mode(&self) -> i32 {
        self.settings.verify_mode
    }

    /// `SSL_CTX_set_verify_depth`: the most intermediate certificates allowed (negative: no
    /// limit of oxissl's own).
    pub fn set_verify_depth(&mut self, depth: i32) {
        self.settings_mut().verify_depth = depth;
    }

    /// `SSL_CTX_get_verify_depth`.
    pub fn verify_depth(&self) -> i32 {
        self.settings.verify_depth
    }

    /// The trusted roots, with the verdict cache their connections share.
    pub fn root_store(&self) -> &RootStore {
        &self.settings.roots
    }

    /// The roots last merged with a trust-anchor source's certificates (see
    /// `Ssl::set_trust_anchor_source`), with the verdict cache the context's connections share.
    pub fn merged_root_store(&self) -> Option<Arc<RootStore>> {
        self.settings.late_roots.last()
    }

    /// `SSL_CTX_load_verify_locations`: trusted certificates from a PEM file and/or every PEM
    /// file of a directory (hashed names or not).
    pub fn load_verify_locations(
        &mut self,
        file: Option<&Path>,
        dir: Option<&Path>,
    ) -> Result<(), ErrorEntry> {
        self.settings_mut().load_verify_locations(file, dir)
    }

    /// `SSL_CTX_set_default_verify_paths`: `SSL_CERT_FILE` / `SSL_CERT_DIR` when set, else the
    /// system's defaults.
    pub fn set_default_verify_paths(&mut self) {
        self.settings_mut().set_default_verify_paths();
    }

    /// How many trust anchors are loaded.
    pub fn trusted_count(&self) -> usize {
        self.settings.roots.len()
    }

    /// `SSL_CTX_set_alpn_protos`: protocols in wire format. Returns **0 on success**, 1 on a
    /// malformed list (OpenSSL's inverted convention). An empty list turns ALPN off.
    pub fn set_alpn_protos(&mut self, wire: &[u8]) -> i32 {
        self.settings_mut().set_alpn_protos(wire)
    }

    /// ALPN protocols as a list (a convenience over the wire format).
    pub fn set_alpn_protocols(&mut self, protos: &[&[u8]]) -> bool {
        if protos.iter().any(|p| p.is_empty() || p.len() > 255) {
            return false;
        }
        self.settings_mut().alpn = protos.iter().map(|p| p.to_vec()).collect();
        true
    }

    /// `SSL_CTX_set_mode`: adds mode bits; returns the new mask.
    pub fn set_mode(&mut self, mode: u32) -> u32 {
        self.settings_mut().set_mode(mode)
    }

    /// `SSL_CTX_clear_mode`: removes mode bits; returns the new mask.
    pub fn clear_mode(&mut self, mode: u32) -> u32 {
        self.settings_mut().clear_mode(mode)
    }

    /// `SSL_CTX_get_mode`.
    pub fn mode(&self) -> u32 {
        self.settings.mode
    }

    /// `SSL_CTX_set_options`: adds option bits; returns the new mask.
    pub fn set_options(&mut self, options: u64) -> u64 {
        self.settings_mut().set_options(options)
    }

    /// `SSL_CTX_clear_options`: removes option bits; returns the new mask.
    pub fn clear_options(&mut self, options: u64) -> u64 {
        self.settings_mut().clear_options(options)
    }

    /// `SSL_CTX_get_options`.
    pub fn options(&self) -> u64 {
        self.settings.options
    }

    /// `SSL_CTX_use_certificate` / `SSL_CTX_use_certificate_ASN1`: the client certificate, as
    /// DER. A key set earlier that does not match it is dropped, as in OpenSSL.
    pub fn use_certificate(&mut self, der: &[u8]) -> Result<(), ErrorEntry> {
        self.settings_mut().use_certificate(der)
    }

    /// `SSL_CTX_use_certificate_file`: the client certificate from a file of `filetype`
    /// (`SSL_FILETYPE_PEM`: the first certificate; `SSL_FILETYPE_ASN1`: DER).
    pub fn use_certificate_file(&mut self, path: &Path, filetype: i32) -> Result<(), ErrorEntry> {
        self.settings_mut().use_certificate_file(path, filetype)
    }

    /// `SSL_CTX_use_certificate_chain_file`: the client certificate and the chain sent after
    /// it, from a PEM file, leaf first.
    pub fn use_certificate_chain_file(&mut self, path: &Path) -> Result<(), ErrorEntry> {
        self.settings_mut().use_certificate_chain_file(path)
    }

    /// `SSL_CTX_add_extra_chain_cert`: a DER certificate sent after the client certificate.
    pub fn add_extra_chain_cert(&mut self, der: &[u8]) {
        self.settings_mut().add_extra_chain_cert(der);
    }

    /// `SSL_CTX_use_PrivateKey` / `SSL_CTX_use_PrivateKey_ASN1`: the client certificate's key
    /// as unencrypted DER (PKCS#8, PKCS#1 RSA or SEC1 EC). Fails with "key values mismatch"
    /// if it is not the key of the certificate already set.
    pub fn use_private_key(&mut self, der: &[u8]) -> Result<(), ErrorEntry> {
        self.settings_mut().use_private_key(der)
    }

    /// `SSL_CTX_use_PrivateKey_file`: the key from a PEM file ("PRIVATE KEY", "RSA PRIVATE
    /// KEY", "EC PRIVATE KEY") or a DER file. Encrypted keys fail as unsupported.
    pub fn use_private_key_file(&mut self, path: &Path, filetype: i32) -> Result<(), ErrorEntry> {
        self.settings_mut().use_private_key_file(path, filetype)
    }

    /// `SSL_CTX_check_private_key`: whether a certificate and its matching key are set.
    pub fn check_private_key(&self) -> Result<(), ErrorEntry> {
        self.settings.check_private_key()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(list: &str) -> Result<Vec<u16>, String> {
        parse_sigalgs_list(list).map(|l| l.iter().map(|s| s.0).collect())
    }

    #[test]
    fn sigalgs_lists_parse_as_openssl_3_0_parses_them() {
        // Each case checked against the system OpenSSL 3.0: SSL_CTX_set1_sigalgs_list's
        // return and the signature_algorithms of the ClientHello it then sends.
        let accepted: &[(&str, &[u16])] = &[
            (
                "ECDSA+SHA256:RSA-PSS+SHA256:ed25519",
                &[0x0403, 0x0804, 0x0807],
            ),
            (" ECDSA+SHA256 : ed25519 ", &[0x0403, 0x0807]),
            ("\nECDSA+SHA256\t", &[0x0403]),
            ("SHA256+ECDSA", &[0x0403]),
            ("ECDSA+sha256", &[0x0403]),
            ("ECDSA+SHA384:ECDSA+SHA512", &[0x0503, 0x0603]),
            ("PSS+SHA256", &[0x0804]),
            ("PSS+sha512", &[0x0806]),
            ("RSA-PSS+SHA384", &[0x0805]),
            (
                "RSA+SHA256:RSA+sha384:RSA+SHA512",
                &[0x0401, 0x0501, 0x0601],
            ),
            ("RSA+SHA1", &[0x0201]),
            ("SHA1+RSA", &[0x0201]),
            ("ECDSA+SHA1", &[0x0203]),
            ("ECDSA+SHA224", &[0x0303]),
            ("RSA+SHA224", &[0x0301]),
            ("DSA+SHA256", &[0x0402]),
            ("DSA+SHA224", &[0x0302]),
            ("ed448", &[0x0808]),
            ("rsa_pss_pss_sha256", &[0x0809]),
            ("rsa_pss_rsae_sha256:rsa_pss_pss_sha256", &[0x0804, 0x0809]),
            ("ecdsa_secp384r1_sha384", &[0x0503]),
            ("ecdsa_secp521r1_sha512", &[0x0603]),
            ("rsa_pkcs1_sha256", &[0x0401]),
            ("rsa_pkcs1_sha224", &[0x0301]),
            ("rsa_pkcs1_sha1", &[0x0201]),
        ];
        for (list, want) in accepted {
            assert_eq!(codes(list).as_deref(), Ok(*want), "{list:?}");
        }
        let refused: &[(&str, &str)] = &[
            ("bogus", "bogus"),
            ("", ""),
            ("ECDSA+SHA256::ed25519", ""),
            ("ECDSA+SHA256: :ed25519", ""),
            ("RSA+SHA256:", ""),
            ("ECDSA+SHA256:bogus", "bogus"),
            ("ecdsa+sha256", "ecdsa+sha256"),
            ("Ecdsa+SHA256", "Ecdsa+SHA256"),
            ("ECDSA + SHA256", "ECDSA + SHA256"),
            ("ED25519", "ED25519"),
            ("ed25519+SHA256", "ed25519+SHA256"),
            ("ECDSA+", "ECDSA+"),
            ("+SHA256", "+SHA256"),
            ("ECDSA+RSA", "ECDSA+RSA"),
            ("ECDSA+SHA256+SHA384", "ECDSA+SHA256+SHA384"),
            ("RSA-PSS+SHA1", "RSA-PSS+SHA1"),
            ("RSA-PSS+SHA224", "RSA-PSS+SHA224"),
            ("RSA+MD5", "RSA+MD5"),
            ("RSA+SHA-256", "RSA+SHA-256"),
            ("RSA+SHA3-256", "RSA+SHA3-256"),
            ("ecdsa_sha1", "ecdsa_sha1"),
            ("ecdsa_sha224", "ecdsa_sha224"),
            ("dsa_sha256", "dsa_sha256"),
            ("rsa_pss_sha256", "rsa_pss_sha256"),
            (
                "ecdsa_brainpoolP256r1_sha256",
                "ecdsa_brainpoolP256r1_sha256",
            ),
            // A scheme named twice, in either form.
            ("ECDSA+SHA256:ECDSA+SHA256", "ECDSA+SHA256"),
            ("ecdsa_secp256r1_sha256:ECDSA+SHA256", "ECDSA+SHA256"),
            ("PSS+SHA256:RSA-PSS+SHA256", "RSA-PSS+SHA256"),
        ];
        for (list, entry) in refused {
            assert_eq!(codes(list), Err((*entry).to_owned()), "{list:?}");
        }
    }

    #[test]
    fn a_refused_sigalgs_list_changes_nothing_and_queues_nothing() {
        error::clear_error();
        let mut ctx = SslCtx::new();
        assert_eq!(ctx.sigalgs(), TLS12_SCHEMES);
        ctx.set1_sigalgs_list("ECDSA+SHA256:ed25519").unwrap();
        let set = [
            SignatureScheme::ECDSA_SECP256R1_SHA256,
            SignatureScheme::ED25519,
        ];
        assert_eq!(ctx.sigalgs(), set);
        let e = ctx.set1_sigalgs_list("RSA+SHA256:bogus").unwrap_err();
        assert_eq!(e.lib(), ERR_LIB_SSL);
        assert_eq!(ctx.sigalgs(), set);
        assert!(error::peek_error().is_none());
    }

    #[test]
    fn defaults_match_openssl_3_0() {
        let ctx = SslCtx::new();
        assert_eq!(ctx.mode(), SSL_MODE_AUTO_RETRY);
        assert_eq!(ctx.verify_mode(), SSL_VERIFY_NONE);
        assert_eq!(ctx.min_proto_version(), 0);
        assert_eq!(ctx.max_proto_version(), 0);
        assert_ne!(ctx.options() & SSL_OP_ENABLE_MIDDLEBOX_COMPAT, 0);
    }

    #[test]
    fn cipher_strings() {
        let mut ctx = SslCtx::new();
        ctx.set_ciphersuites("TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256")
            .unwrap();
        assert_eq!(ctx.settings.suites.len(), 2);
        let e = ctx.set_ciphersuites("TLS_AES_128_CCM_SHA256").unwrap_err();
        assert_eq!(e.reason(), reason::NO_CIPHER_MATCH);
        ctx.set_cipher_list("ECDHE-RSA-AES128-GCM-SHA256:!aNULL:@SECLEVEL=2")
            .unwrap();
        assert_eq!(ctx.cipher_list(), ["ECDHE-RSA-AES128-GCM-SHA256"]);
        ctx.set_cipher_list("HIGH:!aNULL:!MD5").unwrap();
        // Python 3.10+'s default: the DHE entry and the exclusions select nothing more.
        ctx.set_cipher_list(
            "@SECLEVEL=2:ECDH+AESGCM:ECDH+CHACHA20:ECDH+AES:DHE+AES:!aNULL:!eNULL:!aDSS:!SHA1:!AESCCM",
        )
        .unwrap();
        assert_eq!(ctx.cipher_list().len(), TLS12_ACCEPTED_CIPHERS.len());
        // An unavailable entry beside an available one is passed over.
        ctx.set_cipher_list("ECDHE-ECDSA-AES128-GCM-SHA256:RC4-SHA")
            .unwrap();
        assert_eq!(ctx.cipher_list(), ["ECDHE-ECDSA-AES128-GCM-SHA256"]);
        let e = ctx.set_cipher_list("RC4-SHA:DES-CBC3-SHA").unwrap_err();
        assert!(e.data().unwrap().contains("RC4-SHA:DES-CBC3-SHA"));
        for bad in [
            "RC4-SHA",
            "DES-CBC3-SHA",
            "AES128-SHA",
            "NULL",
            "aNULL",
            "ECDHE-RSA-AES128-SHA",
        ] {
            let e = ctx.set_cipher_list(bad).unwrap_err();
            assert!(e.data().unwrap().contains(bad), "{bad}");
            // As in OpenSSL, a list that selects nothing leaves no TLS 1.2 cipher.
            assert!(ctx.cipher_list().is_empty());
        }
        error::clear_error();
    }

    #[test]
    fn cipher_string_rules_as_in_openssl() {
        // Each case was checked against `openssl ciphers -s -tls1_2` (OpenSSL 3.0), keeping
        // the ECDHE AEAD ciphers.
        let short = |list: &[String]| -> Vec<String> {
            list.iter()
                .map(|n| n.replace("ECDHE-", "").replace("-GCM", ""))
                .collect()
        };
        let mut ctx = SslCtx::new();
        for (string, want) in [
            ("ECDSA+AES:+AES256", "ECDSA-AES128-SHA256 ECDSA-AES256-SHA384"),
            ("HIGH:!aRSA", "ECDSA-AES256-SHA384 ECDSA-CHACHA20-POLY1305 ECDSA-AES128-SHA256"),
            ("CHACHA20:AES128:@STRENGTH", "ECDSA-CHACHA20-POLY1305 RSA-CHACHA20-POLY1305 ECDSA-AES128-SHA256 RSA-AES128-SHA256"),
            ("DEFAULT:-AES128:+CHACHA20", "ECDSA-AES256-SHA384 RSA-AES256-SHA384 ECDSA-CHACHA20-POLY1305 RSA-CHACHA20-POLY1305"),
            ("ALL:!ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256", "ECDSA-AES256-SHA384 RSA-AES256-SHA384 ECDSA-CHACHA20-POLY1305 RSA-CHACHA20-POLY1305 ECDSA-AES128-SHA256"),
            ("ECDHE-RSA-AES128-GCM-SHA256:ALL", "RSA-AES128-SHA256 ECDSA-AES256-SHA384 RSA-AES256-SHA384 ECDSA-CHACHA20-POLY1305 RSA-CHACHA20-POLY1305 ECDSA-AES128-SHA256"),
            ("AESGCM+aECDSA:CHACHA20", "ECDSA-AES256-SHA384 ECDSA-AES128-SHA256 ECDSA-CHACHA20-POLY1305 RSA-CHACHA20-POLY1305"),
        ] {
            ctx.set_cipher_list(string).unwrap();
            assert_eq!(short(ctx.cipher_list()).join(" "), want, "{string}");
        }
        for nothing in [
            "RSA",
            "kECDHE+SHA256",
            "AEAD",
            "HIGH:!ECDSA:!aRSA",
            "-ALL",
            "+ALL",
        ] {
            assert!(ctx.set_cipher_list(nothing).is_err(), "{nothing}");
        }
        error::clear_error();
        assert_eq!(cipher_string_security_level("ALL:@SECLEVEL=3"), Some(3));
        assert_eq!(
            cipher_string_security_level("@SECLEVEL=1:ALL:@SECLEVEL=4"),
            Some(4)
        );
        assert_eq!(cipher_string_security_level("@SECLEVEL=9:ALL"), None);
        assert_eq!(cipher_string_security_level("DEFAULT@SECLEVEL=0"), Some(0));
        // Rules also end where words do; a character outside OpenSSL's syntax fails it all.
        ctx.set_cipher_list("HIGH!aRSA").unwrap();
        assert_eq!(ctx.cipher_list().len(), 3);
        for bad in ["ALL:#", "ALL:@FOO", "@SECLEVEL=9:ALL", "ALL:@SECLEVEL=10"] {
            let e = ctx.set_cipher_list(bad).unwrap_err();
            assert_eq!(e.reason(), reason::INVALID_COMMAND, "{bad}");
        }
        // ... and leaves the list as it was.
        assert_eq!(ctx.cipher_list().len(), 3);
        error::clear_error();
        assert_eq!(cipher_string_security_level("ALL"), None);
    }

    #[test]
    fn groups_and_alpn() {
        let mut ctx = SslCtx::new();
        ctx.set_groups_list("X25519:P-256:P-384").unwrap();
        ctx.set_groups_list("prime256v1:secp384r1").unwrap();
        assert_eq!(
            ctx.settings.groups,
            [NamedGroup::SECP256R1, NamedGroup::SECP384R1]
        );
        assert!(ctx.set_groups_list("X448").is_err());
        assert_eq!(ctx.set_alpn_protos(b"\x02h2\x08http/1.1"), 0);
        assert_eq!(ctx.settings.alpn, [b"h2".to_vec(), b"http/1.1".to_vec()]);
        assert_eq!(ctx.set_alpn_protos(b"\x05h2"), 1);
        error::clear_error();
    }

    #[test]
    fn version_range() {
        let mut ctx = SslCtx::new();
        assert!(ctx.set_max_proto_version(TLS1_2_VERSION));
        assert!(!ctx.settings.tls13_enabled());
        assert!(!ctx.set_max_proto_version(0x1234));
        assert!(ctx.set_max_proto_version(0));
        assert!(ctx.set_min_proto_version(TLS1_2_VERSION));
        assert!(ctx.settings.tls13_enabled());
    }
}
