//! Client configuration: what to offer (suites, groups, ALPN), how to authenticate the server,
//! and the injected clock and random source. Shared between connections behind an `Arc`.

use std::sync::Arc;

use rustls_pki_types::UnixTime;

use crate::client::session::SessionStore;
use crate::provider::{
    SecureRandom, SystemRandom, Tls12Suite, Tls13Suite, ALL_GROUPS, ALL_TLS12_SUITES,
    ALL_TLS13_SUITES,
};
use crate::record::pool::BufferPool;
use crate::verify::{RootStore, ServerCertVerifier, WebPkiVerifier};
use crate::wire::enums::{ContentType, NamedGroup};

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
}

/// RFC 8446 §4.4.2 puts no bound on the chain; this one keeps memory and work bounded.
pub const DEFAULT_MAX_CERTIFICATES: usize = 16;

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
    /// Record buffers shared by this configuration's connections (see `BufferPool`).
    pub buffer_pool: Arc<BufferPool>,
    /// Where sessions (TLS 1.3 tickets, TLS 1.2 sessions) are kept and taken from for
    /// resumption, per server name; shared by every connection made from this configuration.
    /// `None` turns resumption off.
    pub session_store: Option<Arc<SessionStore>>,
    /// Whether TLS 1.2 asks for and resumes with session tickets (RFC 5077); off, TLS 1.2
    /// sessions resume by session id only (OpenSSL's `SSL_OP_NO_TICKET`).
    pub tls12_session_tickets: bool,
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
            alpn_protocols: Vec::new(),
            verifier,
            verify_mode: VerifyMode::Enforce,
            time: Arc::new(SystemClock),
            rng: Arc::new(SystemRandom),
            middlebox_compat: true,
            enable_sni: true,
            max_certificates: DEFAULT_MAX_CERTIFICATES,
            message_observer: None,
            session_store: Some(Arc::new(SessionStore::default())),
            tls12_session_tickets: true,
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
            .field("alpn_protocols", &self.alpn_protocols)
            .field("verify_mode", &self.verify_mode)
            .field("middlebox_compat", &self.middlebox_compat)
            .field("enable_sni", &self.enable_sni)
            .finish_non_exhaustive()
    }
}
