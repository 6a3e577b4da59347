//! Client configuration: what to offer (suites, groups, ALPN), how to authenticate the server,
//! the client's own certificate and key, and the injected clock and random source. Shared
//! between connections behind an `Arc`.

use std::borrow::Cow;
use std::sync::Arc;

use rustls_pki_types::{CertificateDer, UnixTime};

use crate::client::session::SessionStore;
use crate::error::CredentialError;
use crate::provider::{
    PrivateKey, SecureRandom, SigningKey, SystemRandom, Tls12Suite, Tls13Suite, ALL_GROUPS,
    ALL_TLS12_SUITES, ALL_TLS13_SUITES,
};
use crate::record::pool::BufferPool;
use crate::verify::{
    subject_public_key_info, RootStore, ServerCertVerifier, WebPkiVerifier, TLS12_SCHEMES,
};
use crate::wire::enums::{ContentType, NamedGroup, ProtocolVersion, SignatureScheme};

/// A source of the current time, injected so verification is exact in tests.
pub trait TimeSource: Send + Sync {
    /// Now.
    fn now(&self) -> UnixTime;
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl TimeSource for SystemClock {
    fn now(&self) -> UnixTime {
        UnixTime::now()
    }
}

/// A fixed instant (for tests and replayed transcripts).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub UnixTime);

impl TimeSource for FixedClock {
    fn now(&self) -> UnixTime {
        self.0
    }
}

/// What a failed certificate verification does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerifyMode {
    /// Abort the handshake (the Rust API's default; OpenSSL's `SSL_VERIFY_PEER`).
    Enforce,
    /// Record the result and carry on (OpenSSL's `SSL_VERIFY_NONE`). The CertificateVerify
    /// signature is checked either way.
    RecordOnly,
}

/// Observes every protocol message sent or received (OpenSSL's `SSL_CTX_set_msg_callback`):
/// handshake messages whole (header included), change_cipher_spec and alerts as their bytes.
pub trait MessageObserver: Send + Sync {
    /// Called once per message; `sent` is true for what the client sends.
    fn message(&self, sent: bool, typ: ContentType, data: &[u8]);

    /// `message` with the protocol version OpenSSL's message callback reports beside it: the
    /// negotiated version, or, before the ServerHello is processed, the highest offered.
    fn message_at(&self, sent: bool, version: ProtocolVersion, typ: ContentType, data: &[u8]) {
        let _ = version;
        self.message(sent, typ, data);
    }
}

/// Receives each connection's secrets under the labels of the NSS key log format (what
/// `SSLKEYLOGFILE` files hold and OpenSSL's keylog callback sees), so a debugger can decrypt
/// the traffic. Whoever holds them can read the connection: for debugging only.
pub trait KeyLog: Send + Sync {
    /// `label` (`CLIENT_HANDSHAKE_TRAFFIC_SECRET`, ..., or `CLIENT_RANDOM` for a TLS 1.2
    /// master secret), the connection's ClientHello.random, and the secret.
    fn log(&self, label: &str, client_random: &[u8; 32], secret: &[u8]);
}

/// One line of the NSS key log format: `LABEL <client random> <secret>`, both in lower-case hex.
pub fn key_log_line(label: &str, client_random: &[u8; 32], secret: &[u8]) -> String {
    use core::fmt::Write;
    let mut line = String::with_capacity(label.len() + 2 + 2 * (32 + secret.len()));
    line.push_str(label);
    for part in [&client_random[..], secret] {
        line.push(' ');
        for b in part {
            let _ = write!(line, "{b:02x}");
        }
    }
    line
}

/// RFC 8446 §4.4.2 puts no bound on the chain; this one keeps memory and work bounded.
pub const DEFAULT_MAX_CERTIFICATES: usize = 16;

/// The most certificates a client chain may hold (the same bound the client puts on servers').
pub const MAX_CLIENT_CERTIFICATES: usize = DEFAULT_MAX_CERTIFICATES;

/// RFC 8446 §4.4.2 / RFC 5246 §7.4.2: the certificate list has a 24-bit length. Each TLS 1.3
/// entry adds a 3-byte length and 2 bytes of (empty) extensions; this bounds the sum.
pub const MAX_CLIENT_CHAIN_BYTES: usize = (1 << 24) - 1 - MAX_CLIENT_CERTIFICATES * 5;

/// A maximum fragment length a client may ask for (RFC 6066 §4): the largest record plaintext
/// either side sends once the server agreed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MaxFragmentLength {
    /// 2^9 bytes (code 1).
    Bytes512 = 1,
    /// 2^10 bytes (code 2).
    Bytes1024 = 2,
    /// 2^11 bytes (code 3).
    Bytes2048 = 3,
    /// 2^12 bytes (code 4).
    Bytes4096 = 4,
}

impl MaxFragmentLength {
    /// The code sent in the extension.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The length for a code (1 to 4), as OpenSSL's `TLSEXT_max_fragment_length_*` number.
    pub fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            1 => Self::Bytes512,
            2 => Self::Bytes1024,
            3 => Self::Bytes2048,
            4 => Self::Bytes4096,
            _ => return None,
        })
    }

    /// The limit in bytes: 2^(8 + code).
    pub fn bytes(self) -> usize {
        1 << (8 + self.code())
    }
}

/// A client certificate chain (DER, leaf first) and the private key of the leaf, sent when a
/// server asks for a certificate (RFC 8446 §4.3.2, RFC 5246 §7.4.4).
#[derive(Clone)]
pub struct ClientCredential {
    chain: Vec<CertificateDer<'static>>,
    key: Arc<dyn SigningKey>,
}

impl ClientCredential {
    /// A credential from a chain and a signing key. Fails unless the key's public key is the
    /// leaf certificate's (the SubjectPublicKeyInfo compared byte for byte).
    pub fn new(
        chain: Vec<CertificateDer<'static>>,
        key: Arc<dyn SigningKey>,
    ) -> Result<Self, CredentialError> {
        let leaf = chain.first().ok_or(CredentialError::EmptyChain)?;
        if chain.len() > MAX_CLIENT_CERTIFICATES
            || chain.iter().map(|c| c.len()).sum::<usize>() > MAX_CLIENT_CHAIN_BYTES
        {
            return Err(CredentialError::ChainTooLarge);
        }
        if chain.iter().any(|c| c.is_empty()) {
            return Err(CredentialError::BadCertificate);
        }
        let spki = subject_public_key_info(leaf).ok_or(CredentialError::BadCertificate)?;
        if spki != key.public_key() {
            return Err(CredentialError::KeyMismatch);
        }
        Ok(Self { chain, key })
    }

    /// A credential from a chain and an unencrypted DER private key (PKCS#8, or PKCS#1 for
    /// RSA, or SEC1 for EC), held by aws-lc.
    pub fn from_der(
        chain: Vec<CertificateDer<'static>>,
        key_der: &[u8],
    ) -> Result<Self, CredentialError> {
        Self::new(chain, Arc::new(PrivateKey::from_der(key_der)?))
    }

    /// The certificates, leaf first.
    pub fn chain(&self) -> &[CertificateDer<'static>] {
        &self.chain
    }

    /// The leaf's private key.
    pub fn key(&self) -> &dyn SigningKey {
        &*self.key
    }
}

impl core::fmt::Debug for ClientCredential {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ClientCredential")
            .field("certificates", &self.chain.len())
            .field("key", &self.key.kind())
            .finish()
    }
}

/// Client configuration.
#[derive(Clone)]
pub struct ClientConfig {
    /// Whether TLS 1.3 is offered.
    pub enable_tls13: bool,
    /// Whether TLS 1.2 is offered.
    pub enable_tls12: bool,
    /// TLS 1.3 cipher suites in preference order.
    pub tls13_suites: Vec<Tls13Suite>,
    /// TLS 1.2 cipher suites (ECDHE with AEAD only) in preference order.
    pub tls12_suites: Vec<Tls12Suite>,
    /// Refuse a TLS 1.2 server that does not do the extended master secret (RFC 7627).
    /// Turn off only for legacy peers.
    pub require_extended_master_secret: bool,
    /// Key exchange groups in preference order; the first gets a key share in ClientHello.
    pub groups: Vec<NamedGroup>,
    /// Signature schemes in preference order (OpenSSL's `SSL_CTX_set1_sigalgs_list`): offered
    /// in signature_algorithms and the only ones accepted in the server's CertificateVerify
    /// (RFC 8446 §4.4.3) or ServerKeyExchange (RFC 5246 §7.4.1.4.1); a server signing with
    /// another is refused with illegal_parameter. Of the list, only the schemes this client
    /// verifies for the offered versions go out (`verify::TLS13_SCHEMES`, plus
    /// RSASSA-PKCS1-v1_5 when TLS 1.2 is offered): SHA-1, DSA, Ed448 and RSASSA-PSS with PSS
    /// keys never do. A list that leaves none is refused when the connection is created
    /// (`ApiMisuse::NoSignatureSchemes`). The default, `verify::TLS12_SCHEMES`, borrows a
    /// static list. Certificate chains are not restricted by it, as OpenSSL's client does not
    /// restrict them (chain signatures are checked against `verify::CERT_SCHEMES`, which
    /// signature_algorithms_cert keeps announcing); a client certificate's CertificateVerify
    /// uses a scheme from it too, as OpenSSL's shared signature algorithms do.
    pub signature_schemes: Cow<'static, [SignatureScheme]>,
    /// ALPN protocols to offer, in preference order (RFC 7301). Empty: not offered.
    pub alpn_protocols: Vec<Vec<u8>>,
    /// Verifies the server's certificate chain and signatures.
    pub verifier: Arc<dyn ServerCertVerifier>,
    /// Whether a failed chain verification aborts the handshake.
    pub verify_mode: VerifyMode,
    /// The clock used for certificate validity.
    pub time: Arc<dyn TimeSource>,
    /// The random source for ClientHello.random, session id and key shares.
    pub rng: Arc<dyn SecureRandom>,
    /// RFC 8446 §D.4 middlebox compatibility mode: a 32-byte legacy_session_id and one
    /// change_cipher_spec before the second flight.
    pub middlebox_compat: bool,
    /// Whether to send server_name for DNS names (never for IP addresses, RFC 6066 §3).
    pub enable_sni: bool,
    /// The most certificates accepted in the server's Certificate message.
    pub max_certificates: usize,
    /// Sees every message sent and received, for tracing (`-msg`).
    pub message_observer: Option<Arc<dyn MessageObserver>>,
    /// Receives the connection's secrets (`SSLKEYLOGFILE`); `None`, the default, logs none.
    pub key_log: Option<Arc<dyn KeyLog>>,
    /// Keep the server's key exchange share after the handshake (`Negotiated::server_share`,
    /// what OpenSSL's `SSL_get_peer_tmp_key` reports). Off by default: it costs memory.
    pub keep_server_share: bool,
    /// Record buffers shared by this configuration's connections (see `BufferPool`).
    pub buffer_pool: Arc<BufferPool>,
    /// Where sessions (TLS 1.3 tickets, TLS 1.2 sessions) are kept and taken from for
    /// resumption, per server name; shared by every connection made from this configuration.
    /// `None` turns resumption off.
    pub session_store: Option<Arc<SessionStore>>,
    /// Whether TLS 1.2 asks for and resumes with session tickets (RFC 5077); off, TLS 1.2
    /// sessions resume by session id only (OpenSSL's `SSL_OP_NO_TICKET`).
    pub tls12_session_tickets: bool,
    /// The certificate and key sent when a server asks for one (mutual TLS). `None` (the
    /// default): a CertificateRequest is answered with an empty Certificate.
    pub client_credential: Option<Arc<ClientCredential>>,
    /// Ask the server to staple an OCSP response for its certificate (status_request,
    /// RFC 6066 §8; in TLS 1.3 carried in the leaf's CertificateEntry, RFC 8446 §4.4.2.1). The
    /// response is handed over as received (`Negotiated::ocsp_response`); judging it is the
    /// caller's, as in OpenSSL. Off by default.
    pub request_ocsp: bool,
    /// Offer TLS 1.3 post-handshake authentication (post_handshake_auth, RFC 8446 §4.2.6):
    /// the server may then send a CertificateRequest after the handshake, answered with
    /// `client_credential` (or an empty Certificate) and a Finished (§4.6.2). Off by default,
    /// as in OpenSSL.
    pub post_handshake_auth: bool,
    /// With `request_ocsp`: stop once the server's flight is in (after its Finished is
    /// verified in TLS 1.3, at ServerHelloDone in TLS 1.2; OpenSSL's status callback point,
    /// after a certificate asked for was answered), before the client's flight, until the
    /// caller calls `ClientConnection::finish_status_check` with its verdict.
    pub pause_for_status_check: bool,
    /// When a server asks for a certificate: stop until the caller answers with
    /// `ClientConnection::finish_client_credential` (OpenSSL's certificate callbacks), where
    /// OpenSSL asks: in TLS 1.3 after the server's CertificateVerify, so its chain is known
    /// (before the status check), in TLS 1.2 at the CertificateRequest; without
    /// an answer, `client_credential` goes out, or an empty Certificate. Off: the request gets
    /// `client_credential` or an empty Certificate straight away.
    pub pause_for_client_credential: bool,
    /// Leave the server's chain to the caller: once the server's Certificate is in, stop until
    /// `ClientConnection::finish_chain_verification` gives the verdict (for a verifier that must
    /// run outside the connection's call, like a C program's callbacks). `verifier` still
    /// checks the server's signatures. Off by default.
    pub pause_for_chain_verification: bool,
    /// Keep both Finished messages' verify_data (`Negotiated::finished`: OpenSSL's
    /// `SSL_get_finished` / `SSL_get_peer_finished`, the "tls-unique" channel binding of
    /// RFC 5929 in TLS 1.2). Off by default: it costs memory.
    pub keep_finished: bool,
    /// Ask the server for smaller records (max_fragment_length, RFC 6066 §4). Once it agrees
    /// (TLS 1.2 ServerHello, TLS 1.3 EncryptedExtensions), neither side's record plaintext may
    /// exceed the length, and a longer record from the server is record_overflow. `None`
    /// (the default): 2^14.
    pub max_fragment_length: Option<MaxFragmentLength>,
    /// Pads every TLS 1.3 record sent to a multiple of this many bytes of inner plaintext
    /// (RFC 8446 §5.4, against traffic analysis; OpenSSL's `SSL_CTX_set_block_padding`),
    /// without going past the record size limit. 0 (the default) or 1: no padding. TLS 1.2
    /// records cannot be padded.
    pub record_padding: usize,
    /// The largest record plaintext this client sends (OpenSSL's `max_send_fragment`,
    /// 512 to 2^14, the default); a smaller agreed maximum fragment length wins.
    pub max_send_fragment: usize,
}

impl ClientConfig {
    /// Secure defaults, verifying the server against `roots` with the system clock and random
    /// generator.
    pub fn new(roots: RootStore) -> Self {
        Self::with_verifier(Arc::new(WebPkiVerifier::new(roots)))
    }

    /// Secure defaults with a caller-provided verifier.
    pub fn with_verifier(verifier: Arc<dyn ServerCertVerifier>) -> Self {
        Self {
            enable_tls13: true,
            enable_tls12: true,
            tls13_suites: ALL_TLS13_SUITES.to_vec(),
            tls12_suites: ALL_TLS12_SUITES.to_vec(),
            require_extended_master_secret: true,
            groups: ALL_GROUPS.to_vec(),
            signature_schemes: Cow::Borrowed(TLS12_SCHEMES),
            alpn_protocols: Vec::new(),
            verifier,
            verify_mode: VerifyMode::Enforce,
            time: Arc::new(SystemClock),
            rng: Arc::new(SystemRandom),
            middlebox_compat: true,
            enable_sni: true,
            max_certificates: DEFAULT_MAX_CERTIFICATES,
            message_observer: None,
            key_log: None,
            keep_server_share: false,
            session_store: Some(Arc::new(SessionStore::default())),
            tls12_session_tickets: true,
            client_credential: None,
            request_ocsp: false,
            post_handshake_auth: false,
            pause_for_status_check: false,
            pause_for_client_credential: false,
            pause_for_chain_verification: false,
            keep_finished: false,
            max_fragment_length: None,
            record_padding: 0,
            max_send_fragment: crate::record::MAX_PLAINTEXT,
            buffer_pool: Arc::new(BufferPool::default()),
        }
    }
}

impl core::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("enable_tls13", &self.enable_tls13)
            .field("enable_tls12", &self.enable_tls12)
            .field("tls13_suites", &self.tls13_suites)
            .field("tls12_suites", &self.tls12_suites)
            .field("groups", &self.groups)
            .field("signature_schemes", &self.signature_schemes)
            .field("alpn_protocols", &self.alpn_protocols)
            .field("verify_mode", &self.verify_mode)
            .field("middlebox_compat", &self.middlebox_compat)
            .field("enable_sni", &self.enable_sni)
            .field("client_credential", &self.client_credential)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::PrivateKeyDer;

    use super::*;
    use crate::provider::SigningKeyKind;
    use crate::verify::{verify_tls12_signature, verify_tls13_signature};
    use crate::wire::enums::SignatureScheme;

    fn path(file: &str) -> String {
        format!("{}/../../testdata/certs/{file}", env!("CARGO_MANIFEST_DIR"))
    }

    fn chain(file: &str) -> Vec<CertificateDer<'static>> {
        CertificateDer::pem_file_iter(path(file))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    fn key(file: &str) -> Vec<u8> {
        PrivateKeyDer::from_pem_file(path(file))
            .unwrap()
            .secret_der()
            .to_vec()
    }

    #[test]
    fn keys_load_in_every_encoding_and_match_their_certificates() {
        for (cert, key_file, kind) in [
            (
                "client-ecdsa.chain.pem",
                "client-ecdsa.key",
                SigningKeyKind::EcdsaP256,
            ),
            (
                "client-ecdsa.pem",
                "client-ecdsa.sec1.key",
                SigningKeyKind::EcdsaP256,
            ),
            (
                "client-rsa.chain.pem",
                "client-rsa.key",
                SigningKeyKind::Rsa,
            ),
            (
                "client-rsa.pem",
                "client-rsa.pkcs1.key",
                SigningKeyKind::Rsa,
            ),
            ("ecdsa384.pem", "ecdsa384.key", SigningKeyKind::EcdsaP384),
            ("ed25519.pem", "ed25519.key", SigningKeyKind::Ed25519),
        ] {
            let c = ClientCredential::from_der(chain(cert), &key(key_file)).unwrap();
            assert_eq!(c.key().kind(), kind, "{key_file}");
            assert_eq!(c.chain(), chain(cert).as_slice());
        }
    }

    #[test]
    fn key_and_certificate_mismatch_is_refused() {
        let ecdsa = key("client-ecdsa.key");
        assert_eq!(
            ClientCredential::from_der(chain("client-rsa.pem"), &ecdsa).unwrap_err(),
            CredentialError::KeyMismatch
        );
        // Same curve, different key.
        assert_eq!(
            ClientCredential::from_der(chain("ecdsa.pem"), &ecdsa).unwrap_err(),
            CredentialError::KeyMismatch
        );
        // The chain's second certificate is the CA: only the leaf counts.
        let mut reversed = chain("client-ecdsa.chain.pem");
        reversed.reverse();
        assert_eq!(
            ClientCredential::from_der(reversed, &ecdsa).unwrap_err(),
            CredentialError::KeyMismatch
        );
    }

    #[test]
    fn bad_inputs_get_typed_errors() {
        let ecdsa = key("client-ecdsa.key");
        assert_eq!(
            ClientCredential::from_der(Vec::new(), &ecdsa).unwrap_err(),
            CredentialError::EmptyChain
        );
        assert_eq!(
            ClientCredential::from_der(vec![CertificateDer::from(vec![0x30, 0])], &ecdsa)
                .unwrap_err(),
            CredentialError::BadCertificate
        );
        assert_eq!(
            ClientCredential::from_der(chain("client-ecdsa.pem"), b"not a key").unwrap_err(),
            CredentialError::UnsupportedKey
        );
        let too_long = vec![chain("client-ecdsa.pem")[0].clone(); MAX_CLIENT_CERTIFICATES + 1];
        assert_eq!(
            ClientCredential::from_der(too_long, &ecdsa).unwrap_err(),
            CredentialError::ChainTooLarge
        );
    }

    #[test]
    fn signatures_verify_with_the_certificate_key() {
        let msg = b"handshake messages";
        for (cert, key_file) in [
            ("client-ecdsa.pem", "client-ecdsa.key"),
            ("client-rsa.pem", "client-rsa.key"),
            ("ecdsa384.pem", "ecdsa384.key"),
            ("ed25519.pem", "ed25519.key"),
        ] {
            let c = ClientCredential::from_der(chain(cert), &key(key_file)).unwrap();
            let leaf = &c.chain()[0];
            for &scheme in c.key().kind().schemes() {
                let sig = c.key().sign(scheme, msg).unwrap();
                verify_tls12_signature(leaf, scheme, msg, &sig).unwrap();
                if !matches!(
                    scheme,
                    SignatureScheme::RSA_PKCS1_SHA256
                        | SignatureScheme::RSA_PKCS1_SHA384
                        | SignatureScheme::RSA_PKCS1_SHA512
                ) {
                    verify_tls13_signature(leaf, scheme, msg, &sig).unwrap();
                }
            }
            // A scheme of another key type is refused, not attempted.
            assert!(c.key().sign(SignatureScheme(0x0808), msg).is_err());
        }
    }

    #[test]
    fn key_log_lines_are_label_random_secret_in_lower_case_hex() {
        let mut random = [0u8; 32];
        random[0] = 0xAB;
        random[31] = 0x01;
        let line = key_log_line("CLIENT_RANDOM", &random, &[0xFF, 0x00, 0x7E]);
        let want = format!("CLIENT_RANDOM ab{}01 ff007e", "00".repeat(30));
        assert_eq!(line, want);
    }
}
