//! `Ssl`, mirroring OpenSSL's `SSL` object for a client (SSL_connect(3), SSL_do_handshake(3),
//! SSL_get_error(3), SSL_read(3), SSL_write(3), SSL_shutdown(3), SSL_set_bio(3),
//! SSL_set_connect_state(3), SSL_get_verify_result(3), SSL_set1_host(3)).
//!
//! The engine does the TLS; this layer moves bytes between it and the read and write BIOs and
//! turns every outcome into OpenSSL's return values, error-queue entries and `SSL_get_error`
//! answers. The handshake loop: flush queued output to the write BIO (retry -> WANT_WRITE);
//! done -> 1; read from the read BIO (retry -> WANT_READ; EOF -> SSL_ERROR_SSL "unexpected eof
//! while reading"; a socket error -> SSL_ERROR_SYSCALL with its errno); feed and process; on an
//! error queue it, flush the alert and return -1.

use std::net::TcpStream;
use std::sync::{Arc, Mutex};

use oxissl_engine::{
    CertificateDer, CertificateError, ClientConfig, ClientConnection, KeyLog, MaxFragmentLength,
    MessageObserver, ReadStatus, RootStore, ServerCertVerifier, ServerIdentity, ServerName,
    StoredSession, UnixTime, VerifyMode, WebPkiVerifier,
};

use crate::bio::{Bio, BioIo, RetryFlags, SocketBio};
use crate::ctx::{
    ChainVerifyCallback, ExternalChainVerifier, LateRoots, Settings, SslCtx, TrustAnchorSource,
    VerifyCallback, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER, SSL_MODE_AUTO_RETRY,
    SSL_MODE_ENABLE_PARTIAL_WRITE, SSL_MODE_RELEASE_BUFFERS, SSL_OP_ENABLE_MIDDLEBOX_COMPAT,
    SSL_OP_IGNORE_UNEXPECTED_EOF, SSL_OP_NO_TICKET, SSL_VERIFY_PEER,
};
use crate::error::{self, reason};

/// What `SSL_get_error` returns.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ErrorCode(pub i32);

impl ErrorCode {
    /// `SSL_ERROR_NONE`.
    pub const NONE: Self = Self(0);
    /// `SSL_ERROR_SSL`: a protocol or library error; the error queue says which.
    pub const SSL: Self = Self(1);
    /// `SSL_ERROR_WANT_READ`.
    pub const WANT_READ: Self = Self(2);
    /// `SSL_ERROR_WANT_WRITE`.
    pub const WANT_WRITE: Self = Self(3);
    /// `SSL_ERROR_WANT_X509_LOOKUP`.
    pub const WANT_X509_LOOKUP: Self = Self(4);
    /// `SSL_ERROR_SYSCALL`: an I/O error (errno) or an EOF the queue does not describe.
    pub const SYSCALL: Self = Self(5);
    /// `SSL_ERROR_ZERO_RETURN`: the peer sent close_notify.
    pub const ZERO_RETURN: Self = Self(6);
    /// `SSL_ERROR_WANT_CONNECT`.
    pub const WANT_CONNECT: Self = Self(7);

    /// The raw value.
    pub fn as_raw(self) -> i32 {
        self.0
    }

    /// OpenSSL's macro name.
    pub fn name(self) -> &'static str {
        match self.0 {
            0 => "SSL_ERROR_NONE",
            1 => "SSL_ERROR_SSL",
            2 => "SSL_ERROR_WANT_READ",
            3 => "SSL_ERROR_WANT_WRITE",
            4 => "SSL_ERROR_WANT_X509_LOOKUP",
            5 => "SSL_ERROR_SYSCALL",
            6 => "SSL_ERROR_ZERO_RETURN",
            7 => "SSL_ERROR_WANT_CONNECT",
            _ => "SSL_ERROR_UNKNOWN",
        }
    }
}

impl core::fmt::Debug for ErrorCode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

impl core::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// `SSL_want`'s values (`s->rwstate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// `SSL_NOTHING` (1).
    Nothing = 1,
    /// `SSL_WRITING` (2).
    Writing = 2,
    /// `SSL_READING` (3).
    Reading = 3,
    /// `SSL_X509_LOOKUP` (4).
    X509Lookup = 4,
}

/// `X509_V_OK`.
pub const X509_V_OK: i64 = 0;

/// OpenSSL's text for an `X509_V_ERR_*` number (`X509_verify_cert_error_string`), for the
/// numbers oxissl reports.
pub fn verify_error_string(code: i64) -> &'static str {
    match code {
        0 => "ok",
        1 => "unspecified certificate verification error",
        7 => "certificate signature failure",
        9 => "certificate is not yet valid",
        10 => "certificate has expired",
        18 => "self-signed certificate",
        19 => "self-signed certificate in certificate chain",
        20 => "unable to get local issuer certificate",
        21 => "unable to verify the first certificate",
        22 => "certificate chain too long",
        26 => "unsupported certificate purpose",
        47 => "permitted subtree violation",
        62 => "hostname mismatch",
        64 => "IP address mismatch",
        66 => "EE certificate key too weak",
        79 => "invalid CA certificate",
        _ => "unknown certificate verification error",
    }
}

/// What `answer_pause` did.
enum Pause {
    /// The engine was not paused.
    None,
    /// The pause was answered; the handshake goes on.
    Answered,
    /// The handshake call returns this.
    Stop(i32),
}

/// Outcome of moving bytes to or from a BIO.
enum Io {
    Done,
    /// The engine's receive buffer is full: process before reading more.
    Full,
    Retry,
    Eof,
    Failed,
}

/// A write that returned WANT_WRITE with its records queued (`s->rlayer.wpend_*`).
#[derive(Clone, Copy)]
struct PendingWrite {
    ptr: usize,
    len: usize,
}

/// The verifier used with a [`TrustAnchorSource`]: the configured roots plus what the source
/// supplies at verification time.
struct LateAnchorsVerifier {
    roots: Arc<RootStore>,
    late_roots: Arc<LateRoots>,
    source: TrustAnchorSource,
    max_depth: Option<usize>,
}

impl ServerCertVerifier for LateAnchorsVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        name: Option<&ServerName<'_>>,
        now: UnixTime,
    ) -> Result<(), CertificateError> {
        let extra = (self.source)();
        if extra.is_empty() {
            // Nothing added at run time: the configured roots, with their verdict cache shared
            // by every connection of the context.
            let mut webpki = WebPkiVerifier::from_shared(self.roots.clone());
            if let Some(depth) = self.max_depth {
                webpki = webpki.with_max_depth(depth);
            }
            return webpki.verify_server_cert(end_entity, intermediates, name, now);
        }
        let roots = self.late_roots.merged(&self.roots, extra);
        let mut webpki = WebPkiVerifier::from_shared(roots);
        if let Some(depth) = self.max_depth {
            webpki = webpki.with_max_depth(depth);
        }
        webpki.verify_server_cert(end_entity, intermediates, name, now)
    }
}

/// The server's chain as sent, end-entity first, as the callbacks see it.
fn chain_as_sent<'a>(
    end_entity: &'a CertificateDer<'_>,
    intermediates: &'a [CertificateDer<'_>],
) -> Vec<&'a [u8]> {
    std::iter::once(end_entity.as_ref())
        .chain(intermediates.iter().map(|c| c.as_ref()))
        .collect()
}

/// The verifier used when a verify callback is set: the callback sees webpki's verdict and may
/// override it; the real verdict is kept for `get_verify_result`, as OpenSSL keeps it.
struct CallbackVerifier {
    inner: Arc<dyn ServerCertVerifier>,
    callback: ChainVerifyCallback,
    outcome: Arc<Mutex<Option<i64>>>,
}

impl ServerCertVerifier for CallbackVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        name: Option<&ServerName<'_>>,
        now: UnixTime,
    ) -> Result<(), CertificateError> {
        let r = self
            .inner
            .verify_server_cert(end_entity, intermediates, name, now);
        let chain = chain_as_sent(end_entity, intermediates);
        match r {
            Ok(()) if (self.callback)(true, 0, &chain) => Ok(()),
            Ok(()) => Err(CertificateError::Other(
                "rejected by the verify callback".into(),
            )),
            Err(e) => {
                let code = i32::try_from(e.x509_v_err()).unwrap_or(1);
                *self
                    .outcome
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(e.x509_v_err());
                if (self.callback)(false, code, &chain) {
                    Ok(())
                } else {
                    Err(e)
                }
            }
        }
    }
}

/// The verifier used with an [`ExternalChainVerifier`]: its verdict and `X509_V_ERR_*` result
/// replace the built-in chain verification; the server's signatures are still checked here
/// (the trait's own signature checks).
struct ExternalVerifier {
    external: ExternalChainVerifier,
    depth: i32,
    outcome: Arc<Mutex<Option<i64>>>,
}

impl ServerCertVerifier for ExternalVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        name: Option<&ServerName<'_>>,
        _now: UnixTime,
    ) -> Result<(), CertificateError> {
        let chain = chain_as_sent(end_entity, intermediates);
        let name = name.map(|n| n.to_str());
        let (accepted, code) = (self.external)(&chain, name.as_deref(), self.depth);
        *self
            .outcome
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            (code != X509_V_OK).then_some(code);
        if accepted {
            Ok(())
        } else {
            Err(CertificateError::from_x509_v_err(code))
        }
    }
}

/// A client TLS connection with OpenSSL's API and semantics.
pub struct Ssl {
    /// The context's settings as they were at `SSL_new`, shared with it until either side
    /// changes them (then copied: `settings_mut`).
    settings: Arc<Settings>,
    rbio: Option<Box<dyn Bio + Send>>,
    wbio: Option<Box<dyn Bio + Send>>,
    connect_state: bool,
    conn: Option<ClientConnection>,
    handshake_done: bool,
    fatal: bool,
    rwstate: Want,
    sni: Option<String>,
    host: Option<ServerName<'static>>,
    /// The `X509_V_ERR_*` result a callback or an external verifier saw (kept whether or not
    /// it was overridden), for `get_verify_result`.
    callback_outcome: Arc<Mutex<Option<i64>>>,
    /// The session to offer (`SSL_set_session`).
    session: Option<StoredSession>,
    /// A callback set with `set_verify_with_chain` (takes precedence over the settings' one).
    chain_callback: Option<ChainVerifyCallback>,
    /// A verifier set with `set_verify_external` (takes precedence over both).
    external_verifier: Option<ExternalChainVerifier>,
    /// Extra trust anchors asked for at verification time.
    anchor_source: Option<TrustAnchorSource>,
    /// A key log for this connection alone (takes precedence over the context's).
    key_log: Option<Arc<dyn KeyLog>>,
    /// A message observer for this connection alone (takes precedence over the context's).
    message_observer: Option<Arc<dyn MessageObserver>>,
    pending_write: Option<PendingWrite>,
    shutdown_sent: bool,
    /// EOF without close_notify, read as a clean close (`SSL_OP_IGNORE_UNEXPECTED_EOF`).
    eof_closed: bool,
    /// A KeyUpdate scheduled by `key_update` (whether it asks the server to update too).
    pending_key_update: Option<bool>,
    /// A fatal alert from the server ended the connection after the handshake: reads return 0
    /// from then on and the shutdown state has `SSL_RECEIVED_SHUTDOWN`, as in OpenSSL.
    fatal_alert_received: bool,
    last_errno: Option<i32>,
    /// The status check is left to the caller (`set_defer_status_check`).
    defer_status_check: bool,
    /// A certificate asked for is left to the caller (`set_defer_client_cert`).
    defer_client_cert: bool,
    /// The server's chain is left to the caller (`set_defer_chain_verification`).
    defer_chain_verification: bool,
}

impl core::fmt::Debug for Ssl {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Ssl")
            .field("state", &self.state_string_long())
            .field("rwstate", &self.rwstate)
            .field("fatal", &self.fatal)
            .finish_non_exhaustive()
    }
}

/// TLS 1.3 records carry at most 2^14 bytes of plaintext (RFC 8446 §5.1); a partial write
/// returns after one record.
const MAX_RECORD_PLAINTEXT: usize = 16384;

/// The largest count an `int`-returning call can report.
const MAX_RET: usize = i32::MAX as usize;

impl Ssl {
    fn settings_mut(&mut self) -> &mut Settings {
        Arc::make_mut(&mut self.settings)
    }

    /// `SSL_new`: a connection using `ctx`'s settings as they are now.
    pub fn new(ctx: &SslCtx) -> Self {
        Self {
            settings: ctx.settings.clone(),
            rbio: None,
            wbio: None,
            connect_state: false,
            conn: None,
            handshake_done: false,
            fatal: false,
            rwstate: Want::Nothing,
            sni: None,
            host: None,
            callback_outcome: Arc::new(Mutex::new(None)),
            chain_callback: None,
            external_verifier: None,
            session: None,
            anchor_source: None,
            key_log: None,
            message_observer: None,
            pending_write: None,
            shutdown_sent: false,
            eof_closed: false,
            pending_key_update: None,
            fatal_alert_received: false,
            last_errno: None,
            defer_status_check: false,
            defer_client_cert: false,
            defer_chain_verification: false,
        }
    }

    /// `SSL_set_msg_callback`: a message observer for this connection alone, in place of the
    /// context's (`SslCtx::set_message_observer`); takes effect at the next handshake.
    pub fn set_message_observer(&mut self, observer: Option<Arc<dyn MessageObserver>>) {
        self.message_observer = observer;
    }

    /// A key log for this connection alone, in place of the context's (`SslCtx::set_key_log`);
    /// takes effect at the next handshake.
    pub fn set_key_log(&mut self, key_log: Option<Arc<dyn KeyLog>>) {
        self.key_log = key_log;
    }

    // ---- BIOs ----

    /// `SSL_set_bio`: TLS bytes are read from `rbio` and written to `wbio` (which may be clones
    /// of one BIO).
    pub fn set_bio(&mut self, rbio: Box<dyn Bio + Send>, wbio: Box<dyn Bio + Send>) {
        self.rbio = Some(rbio);
        self.wbio = Some(wbio);
    }

    /// `SSL_set0_rbio`.
    pub fn set_rbio(&mut self, rbio: Box<dyn Bio + Send>) {
        self.rbio = Some(rbio);
    }

    /// `SSL_set0_wbio`.
    pub fn set_wbio(&mut self, wbio: Box<dyn Bio + Send>) {
        self.wbio = Some(wbio);
    }

    /// `SSL_set_fd`: one socket BIO over `stream` for both directions. Returns a handle to it
    /// (for `set_tcp_nodelay`, `set_nonblocking`, or polling).
    pub fn set_fd(&mut self, stream: TcpStream) -> SocketBio {
        let bio = SocketBio::new(stream);
        self.rbio = Some(Box::new(bio.clone()));
        self.wbio = Some(Box::new(bio.clone()));
        bio
    }

    /// `SSL_set0_rbio(s, NULL)`: removes the read BIO and returns it.
    pub fn take_rbio(&mut self) -> Option<Box<dyn Bio + Send>> {
        self.rbio.take()
    }

    /// `SSL_set0_wbio(s, NULL)`: removes the write BIO and returns it.
    pub fn take_wbio(&mut self) -> Option<Box<dyn Bio + Send>> {
        self.wbio.take()
    }

    /// `SSL_set_read_ahead`: read as much as the BIO has instead of one record at a time.
    pub fn set_read_ahead(&mut self, on: bool) {
        self.settings_mut().read_ahead = on;
    }

    /// `SSL_get_rbio`.
    pub fn rbio(&self) -> Option<&(dyn Bio + Send)> {
        self.rbio.as_deref()
    }

    /// `SSL_get_wbio`.
    pub fn wbio(&self) -> Option<&(dyn Bio + Send)> {
        self.wbio.as_deref()
    }

    // ---- settings ----

    /// `SSL_set_connect_state`: this object is a client; the first `do_handshake`, `read` or
    /// `write` starts the handshake. On an object that has already connected, as in OpenSSL,
    /// the next handshake is a new connection (over the BIOs set by then) that offers the
    /// session of the one before (`openssl s_client -reconnect` works this way).
    pub fn set_connect_state(&mut self) {
        self.connect_state = true;
        if !self.in_before() {
            self.reset_connection(true);
        }
    }

    /// `SSL_clear`: makes a used object ready for another connection to the same server,
    /// keeping its settings and BIOs. As in OpenSSL, the session of the connection before is
    /// kept (and offered again) only if this side closed it with `shutdown` or it never
    /// finished its handshake: a connection dropped without close_notify is not resumed.
    pub fn clear(&mut self) {
        let keep = self.shutdown_sent || !self.handshake_done;
        self.reset_connection(keep);
    }

    /// Drops the connection and its state; with `keep_session`, the session it established
    /// (or the one it was offered) is offered by the next.
    fn reset_connection(&mut self, keep_session: bool) {
        self.session = if keep_session {
            self.get1_session()
        } else {
            None
        };
        self.conn = None;
        self.handshake_done = false;
        self.fatal = false;
        self.rwstate = Want::Nothing;
        self.pending_write = None;
        self.shutdown_sent = false;
        self.eof_closed = false;
        self.pending_key_update = None;
        self.fatal_alert_received = false;
        self.last_errno = None;
        self.callback_outcome = Arc::new(Mutex::new(None));
    }

    /// `SSL_is_server` (always false: oxissl is a client).
    pub fn is_server(&self) -> bool {
        false
    }

    /// `SSL_set_tlsext_host_name`: the server name sent in SNI. Returns false for a name that
    /// is not a valid DNS name (an IP address is not sent, RFC 6066 §3).
    pub fn set_tlsext_host_name(&mut self, name: &str) -> bool {
        if name.is_empty() || name.len() > 255 {
            return false;
        }
        self.sni = Some(name.to_owned());
        true
    }

    /// `SSL_set_tlsext_host_name(ssl, NULL)`: no server_name is sent.
    pub fn clear_tlsext_host_name(&mut self) {
        self.sni = None;
    }

    /// `SSL_get_servername`.
    pub fn servername(&self) -> Option<&str> {
        self.sni.as_deref()
    }

    /// `SSL_set1_host`: the DNS name or IP address the certificate must match (OpenSSL checks
    /// no name unless this is called). Returns false if it is neither.
    pub fn set1_host(&mut self, host: &str) -> bool {
        match ServerName::try_from(host) {
            Ok(n) => {
                self.host = Some(n.to_owned());
                true
            }
            Err(_) => false,
        }
    }

    /// `SSL_set_verify`.
    pub fn set_verify(&mut self, mode: i32, callback: Option<VerifyCallback>) {
        self.settings_mut().verify_mode = mode;
        self.settings_mut().verify_callback = callback;
        self.chain_callback = None;
        self.external_verifier = None;
    }

    /// `SSL_set_verify` with a callback that also receives the peer's certificate chain (DER,
    /// end-entity first). Replaces any callback set with [`Ssl::set_verify`].
    pub fn set_verify_with_chain(&mut self, mode: i32, callback: ChainVerifyCallback) {
        self.settings_mut().verify_mode = mode;
        self.settings_mut().verify_callback = None;
        self.chain_callback = Some(callback);
        self.external_verifier = None;
    }

    /// `SSL_set_verify` where `verifier` decides on the chain instead of the built-in
    /// verification (the C ABI hands a C verify callback to libcrypto's `X509_verify_cert`
    /// this way, as libssl does). The server's handshake signature is still checked here.
    pub fn set_verify_external(&mut self, mode: i32, verifier: ExternalChainVerifier) {
        self.settings_mut().verify_mode = mode;
        self.settings_mut().verify_callback = None;
        self.chain_callback = None;
        self.external_verifier = Some(verifier);
    }

    /// Asks `source` for extra trust anchors each time the server's certificate is verified,
    /// in addition to the configured roots (see [`TrustAnchorSource`]).
    pub fn set_trust_anchor_source(&mut self, source: TrustAnchorSource) {
        self.anchor_source = Some(source);
    }

    /// `SSL_set_verify_depth`.
    pub fn set_verify_depth(&mut self, depth: i32) {
        self.settings_mut().verify_depth = depth;
    }

    /// `SSL_set_alpn_protos`: 0 on success, 1 on a malformed list.
    pub fn set_alpn_protos(&mut self, wire: &[u8]) -> i32 {
        self.settings_mut().set_alpn_protos(wire)
    }

    /// `SSL_set_min_proto_version`.
    pub fn set_min_proto_version(&mut self, v: u16) -> bool {
        self.settings_mut().set_min_proto_version(v)
    }

    /// `SSL_set_max_proto_version`.
    pub fn set_max_proto_version(&mut self, v: u16) -> bool {
        self.settings_mut().set_max_proto_version(v)
    }

    /// `SSL_set_ciphersuites`.
    pub fn set_ciphersuites(&mut self, s: &str) -> Result<(), error::ErrorEntry> {
        self.settings_mut().set_ciphersuites(s)
    }

    /// `SSL_get_ciphers`: the TLS 1.3 suites, then the TLS 1.2 ones, as configured.
    pub fn ciphers(&self) -> Vec<oxissl_engine::CipherSuite> {
        self.settings.cipher_suites(false)
    }

    /// `SSL_get1_supported_ciphers`: `ciphers` of the protocol versions enabled, the suites
    /// a ClientHello would offer.
    pub fn supported_ciphers(&self) -> Vec<oxissl_engine::CipherSuite> {
        self.settings.cipher_suites(true)
    }

    /// `SSL_set_cipher_list`.
    pub fn set_cipher_list(&mut self, s: &str) -> Result<(), error::ErrorEntry> {
        self.settings_mut().set_cipher_list(s)
    }

    /// `SSL_set1_groups_list`.
    pub fn set_groups_list(&mut self, s: &str) -> Result<(), error::ErrorEntry> {
        self.settings_mut().set_groups_list(s)
    }

    /// `SSL_set1_sigalgs_list`: as `SslCtx::set1_sigalgs_list`, for this connection only.
    pub fn set1_sigalgs_list(&mut self, s: &str) -> Result<(), error::ErrorEntry> {
        self.settings_mut().set_sigalgs_list(s)
    }

    /// `SSL_set_mode`: adds mode bits, returns the new mask.
    pub fn set_mode(&mut self, mode: u32) -> u32 {
        self.settings_mut().set_mode(mode)
    }

    /// `SSL_clear_mode`: removes mode bits, returns the new mask.
    pub fn clear_mode(&mut self, mode: u32) -> u32 {
        self.settings_mut().clear_mode(mode)
    }

    /// `SSL_get_mode`.
    pub fn mode(&self) -> u32 {
        self.settings.mode
    }

    /// `SSL_set_options`: adds option bits, returns the new mask.
    pub fn set_options(&mut self, options: u64) -> u64 {
        self.settings_mut().set_options(options)
    }

    /// `SSL_clear_options`.
    pub fn clear_options(&mut self, options: u64) -> u64 {
        self.settings_mut().clear_options(options)
    }

    /// `SSL_get_options`.
    pub fn options(&self) -> u64 {
        self.settings.options
    }

    /// `SSL_use_certificate` / `SSL_use_certificate_ASN1`: see `SslCtx::use_certificate`.
    pub fn use_certificate(&mut self, der: &[u8]) -> Result<(), error::ErrorEntry> {
        self.settings_mut().use_certificate(der)
    }

    /// `SSL_use_certificate_file`: see `SslCtx::use_certificate_file`.
    pub fn use_certificate_file(
        &mut self,
        path: &std::path::Path,
        filetype: i32,
    ) -> Result<(), error::ErrorEntry> {
        self.settings_mut().use_certificate_file(path, filetype)
    }

    /// `SSL_use_certificate_chain_file`: see `SslCtx::use_certificate_chain_file`.
    pub fn use_certificate_chain_file(
        &mut self,
        path: &std::path::Path,
    ) -> Result<(), error::ErrorEntry> {
        self.settings_mut().use_certificate_chain_file(path)
    }

    /// `SSL_use_PrivateKey` / `SSL_use_PrivateKey_ASN1`: see `SslCtx::use_private_key`.
    pub fn use_private_key(&mut self, der: &[u8]) -> Result<(), error::ErrorEntry> {
        self.settings_mut().use_private_key(der)
    }

    /// `SSL_use_PrivateKey_file`: see `SslCtx::use_private_key_file`.
    pub fn use_private_key_file(
        &mut self,
        path: &std::path::Path,
        filetype: i32,
    ) -> Result<(), error::ErrorEntry> {
        self.settings_mut().use_private_key_file(path, filetype)
    }

    /// `SSL_check_private_key`: whether a certificate and its matching key are set.
    pub fn check_private_key(&self) -> Result<(), error::ErrorEntry> {
        self.settings.check_private_key()
    }

    // ---- the handshake ----

    /// `SSL_connect`: sets the connect state if needed and runs the handshake as far as the
    /// BIOs allow. 1 when complete; -1 when the BIO must be waited on (WANT_READ/WANT_WRITE)
    /// or on any failure — `get_error` says which.
    pub fn connect(&mut self) -> i32 {
        self.connect_state = true;
        self.do_handshake()
    }

    /// `SSL_do_handshake`: like `connect`, but -1 with "connection type not set" unless
    /// `set_connect_state` was called.
    pub fn do_handshake(&mut self) -> i32 {
        if !self.connect_state {
            error::push_ssl(reason::CONNECTION_TYPE_NOT_SET);
            return -1;
        }
        if self.handshake_done {
            if self.pending_key_update.is_none() {
                return 1;
            }
            if let Err(r) = self.send_scheduled_key_update() {
                return r;
            }
            return match self.flush_out() {
                Io::Done | Io::Full => 1,
                Io::Retry => -1,
                Io::Eof | Io::Failed => self.syscall_failure(),
            };
        }
        if self.fatal {
            return -1;
        }
        error::clear_error();
        self.rwstate = Want::Nothing;
        if self.conn.is_none() && !self.start() {
            self.fatal = true;
            return -1;
        }
        loop {
            match self.flush_out() {
                Io::Done | Io::Full => {}
                Io::Retry => return -1,
                Io::Eof | Io::Failed => return self.syscall_failure(),
            }
            let Some(conn) = self.conn.as_mut() else {
                return -1;
            };
            if conn.is_established() {
                self.handshake_done = true;
                self.release_if_idle();
                return 1;
            }
            // A pause is answered before reading more: the server waits for what follows it.
            match self.answer_pause() {
                Pause::None => {}
                Pause::Answered => continue,
                Pause::Stop(r) => return r,
            }
            let full = match self.fill() {
                Io::Done => false,
                Io::Full => true,
                Io::Retry => return -1,
                Io::Eof => return self.eof_in_handshake(),
                Io::Failed => return self.syscall_failure(),
            };
            let Some(conn) = self.conn.as_mut() else {
                return -1;
            };
            if let Err(e) = conn.process() {
                return self.engine_failure(&e);
            }
            if conn.is_paused() {
                continue;
            }
            if conn.peer_closed() {
                // close_notify during the handshake: OpenSSL 3.0 returns -1 with an empty
                // queue, and SSL_get_error reports SSL_ERROR_ZERO_RETURN.
                self.rwstate = Want::Nothing;
                self.fatal = true;
                return -1;
            }
            if full && conn.recv_buffer().is_empty() {
                // Processing freed no space: the engine cannot make progress.
                error::push(
                    error::ERR_LIB_SSL,
                    reason::INTERNAL_ERROR,
                    Some("receive buffer full during the handshake".into()),
                );
                self.fatal = true;
                return -1;
            }
        }
    }

    /// Answers the engine's pause, if it is in one: a chain to verify or a certificate asked
    /// for that the caller deferred (-1, `SSL_ERROR_WANT_X509_LOOKUP`), or the context's
    /// client certificate or status callback, whose answer lets the handshake go on.
    fn answer_pause(&mut self) -> Pause {
        let Some(conn) = self.conn.as_mut() else {
            return Pause::Stop(-1);
        };
        if conn.chain_verification_pending() {
            // Only ever paused for a caller that asked to verify the chain itself.
            self.rwstate = Want::X509Lookup;
            return Pause::Stop(-1);
        }
        if conn.client_credential_pending() {
            if self.defer_client_cert {
                self.rwstate = Want::X509Lookup;
                return Pause::Stop(-1);
            }
            // As OpenSSL's client certificate callback: asked only when none is set.
            let s = &self.settings;
            let credential = match s.certificate.is_some() && s.private_key.is_some() {
                true => None,
                false => s.client_cert_callback.as_ref().and_then(|cb| cb()),
            };
            return match conn.finish_client_credential(credential) {
                Ok(()) => Pause::Answered,
                Err(e) => Pause::Stop(self.engine_failure(&e)),
            };
        }
        if conn.status_check_pending() {
            if self.defer_status_check {
                self.rwstate = Want::X509Lookup;
                return Pause::Stop(-1);
            }
            let verdict = match &self.settings.status_callback {
                Some(cb) => cb(conn.ocsp_response(), conn.peer_certificates()),
                None => 1,
            };
            return match self.finish_status_check(verdict) {
                1 => Pause::Answered,
                r => Pause::Stop(r),
            };
        }
        Pause::None
    }

    /// Builds the engine configuration and connection (ClientHello queued).
    fn start(&mut self) -> bool {
        let s = &self.settings;
        let (tls13, tls12) = (s.tls13_enabled(), s.tls12_enabled());
        if !tls13 && !tls12 {
            error::push(
                error::ERR_LIB_SSL,
                reason::NO_PROTOCOLS_AVAILABLE,
                Some(
                    "the configured protocol range excludes TLS 1.2 and TLS 1.3; older \
                     versions are refused"
                        .into(),
                ),
            );
            return false;
        }
        let tls12_suites = s.tls12_suites();
        if (!tls13 || s.suites.is_empty()) && (!tls12 || tls12_suites.is_empty()) {
            error::push(
                error::ERR_LIB_SSL,
                reason::NO_CIPHERS_AVAILABLE,
                Some("no cipher suite configured for the enabled protocol versions".into()),
            );
            return false;
        }
        let max_depth = usize::try_from(s.verify_depth).ok();
        let webpki: Arc<dyn ServerCertVerifier> = match &self.anchor_source {
            Some(source) => Arc::new(LateAnchorsVerifier {
                roots: s.roots.clone(),
                late_roots: s.late_roots.clone(),
                source: source.clone(),
                max_depth,
            }),
            None => {
                let mut w = WebPkiVerifier::from_shared(s.roots.clone());
                if let Some(depth) = max_depth {
                    w = w.with_max_depth(depth);
                }
                Arc::new(w)
            }
        };
        let callback: Option<ChainVerifyCallback> = match (&self.chain_callback, &s.verify_callback)
        {
            (Some(cb), _) => Some(cb.clone()),
            (None, Some(cb)) => {
                let cb = cb.clone();
                Some(Arc::new(move |ok: bool, code: i32, _: &[&[u8]]| {
                    cb(ok, code)
                }))
            }
            (None, None) => None,
        };
        let verifier: Arc<dyn ServerCertVerifier> = match (&self.external_verifier, callback) {
            (Some(external), _) => Arc::new(ExternalVerifier {
                external: external.clone(),
                depth: s.verify_depth,
                outcome: self.callback_outcome.clone(),
            }),
            (None, Some(cb)) => Arc::new(CallbackVerifier {
                inner: webpki,
                callback: cb,
                outcome: self.callback_outcome.clone(),
            }),
            (None, None) => webpki,
        };
        let mut config = ClientConfig::with_verifier(verifier);
        config.enable_tls13 = tls13;
        config.enable_tls12 = tls12;
        config.tls13_suites = s.suites.clone();
        config.tls12_suites = tls12_suites;
        config.groups = s.groups.clone();
        config.signature_schemes = s.sigalgs.clone();
        config.alpn_protocols = s.alpn.clone();
        config.verify_mode = if s.verify_mode & SSL_VERIFY_PEER != 0 {
            VerifyMode::Enforce
        } else {
            VerifyMode::RecordOnly
        };
        config.middlebox_compat = s.options & SSL_OP_ENABLE_MIDDLEBOX_COMPAT != 0;
        config.tls12_session_tickets = s.options & SSL_OP_NO_TICKET == 0;
        config.message_observer = self
            .message_observer
            .clone()
            .or_else(|| s.message_observer.clone());
        config.key_log = self.key_log.clone().or_else(|| s.key_log.clone());
        config.keep_server_share = s.keep_peer_tmp_key;
        config.request_ocsp = s.ocsp_status;
        config.post_handshake_auth = s.post_handshake_auth;
        config.pause_for_status_check = s.status_callback.is_some() || self.defer_status_check;
        config.max_fragment_length = s.max_fragment_length;
        config.record_padding = s.record_padding;
        config.max_send_fragment = s.max_send_fragment;
        config.pause_for_chain_verification = self.defer_chain_verification;
        config.keep_finished = true;
        config.pause_for_client_credential =
            s.client_cert_callback.is_some() || self.defer_client_cert;
        let identity = ServerIdentity {
            sni: self.sni.clone(),
            verify_name: self.host.clone(),
        };
        // Only the session given to `set_session` is offered (SSL_CTX_set_session_cache_mode(3)).
        config.session_store = None;
        config.buffer_pool = s.buffer_pool.clone();
        config.client_credential = s.connection_credential();
        match ClientConnection::resume(Arc::new(config), identity, self.session.clone()) {
            Ok(c) => {
                self.conn = Some(c);
                true
            }
            Err(e) => {
                error::push_engine_error(&e);
                false
            }
        }
    }

    /// Writes everything the engine has queued, in as few BIO writes as the BIO allows (a
    /// whole flight in one when it takes it).
    fn flush_out(&mut self) -> Io {
        let Some(conn) = self.conn.as_mut() else {
            return Io::Done;
        };
        while conn.wants_write() {
            let Some(wbio) = self.wbio.as_mut() else {
                error::push_ssl(reason::BIO_NOT_SET);
                self.fatal = true;
                return Io::Failed;
            };
            self.rwstate = Want::Writing;
            match wbio.write(conn.pending_tls()) {
                BioIo::Done(0) => return Io::Failed,
                BioIo::Done(n) => conn.consume_tls(n),
                BioIo::Retry => return Io::Retry,
                BioIo::Eof => return Io::Eof,
                BioIo::Failed => {
                    self.last_errno = wbio.last_os_error();
                    return Io::Failed;
                }
            }
        }
        self.rwstate = Want::Nothing;
        Io::Done
    }

    /// Reads once from the read BIO into the engine's receive buffer.
    fn fill(&mut self) -> Io {
        let Some(conn) = self.conn.as_mut() else {
            return Io::Failed;
        };
        let Some(rbio) = self.rbio.as_mut() else {
            error::push_ssl(reason::READ_BIO_NOT_SET);
            self.fatal = true;
            return Io::Failed;
        };
        // A memory BIO holding a whole record lends it, and the engine decrypts it from there
        // (one record, as without read-ahead), so it is not copied before decryption.
        if let Some(n) = rbio.read_in_place(&mut |bytes| conn.feed_record(bytes).unwrap_or(0)) {
            if n > 0 {
                self.rwstate = Want::Nothing;
                return Io::Done;
            }
        }
        // Without read-ahead (OpenSSL's default) only the current record is taken from the
        // BIO, so later records stay in the socket where poll()/select() can see them.
        let wanted = conn.tls_bytes_wanted();
        let read_ahead = self.settings.read_ahead;
        let buf = conn.recv_buffer();
        if buf.is_empty() {
            return Io::Full;
        }
        let buf = if read_ahead || wanted == 0 {
            buf
        } else {
            let n = wanted.min(buf.len());
            &mut buf[..n]
        };
        self.rwstate = Want::Reading;
        match rbio.read(buf) {
            BioIo::Done(n) => {
                conn.commit_received(n);
                self.rwstate = Want::Nothing;
                Io::Done
            }
            BioIo::Retry => {
                // Waiting on the network: an empty receive buffer goes back to the pool.
                conn.release_buffers();
                Io::Retry
            }
            BioIo::Eof => Io::Eof,
            BioIo::Failed => {
                self.last_errno = rbio.last_os_error();
                Io::Failed
            }
        }
    }

    /// A BIO hard failure: SSL_ERROR_SYSCALL with the errno, nothing queued (unless a missing
    /// BIO queued its reason).
    fn syscall_failure(&mut self) -> i32 {
        self.fatal = true;
        -1
    }

    /// EOF before the handshake finished: OpenSSL 3.0 reports "unexpected eof while reading".
    fn eof_in_handshake(&mut self) -> i32 {
        error::push_ssl(reason::UNEXPECTED_EOF_WHILE_READING);
        self.fatal = true;
        -1
    }

    // ---- certificate status (OCSP stapling, RFC 6066 §8) ----

    /// `SSL_set_post_handshake_auth`: as `SslCtx::set_post_handshake_auth`, for this
    /// connection's next handshake.
    pub fn set_post_handshake_auth(&mut self, on: bool) {
        self.settings_mut().post_handshake_auth = on;
    }

    /// `SSL_set_tlsext_status_type`: whether this connection asks for a stapled OCSP response
    /// (see `SslCtx::set_tlsext_status_type`). Takes effect at the next handshake.
    pub fn set_tlsext_status_type(&mut self, ocsp: bool) {
        self.settings_mut().ocsp_status = ocsp;
    }

    /// `SSL_get_tlsext_status_type`: whether this connection asks for OCSP stapling.
    pub fn tlsext_status_type(&self) -> bool {
        self.settings.ocsp_status
    }

    /// `SSL_get_tlsext_status_ocsp_resp`: the OCSP response the server stapled, if one was
    /// asked for and came.
    pub fn ocsp_response(&self) -> Option<&[u8]> {
        self.conn.as_ref()?.ocsp_response()
    }

    /// Leaves the status check to the caller instead of the context's callback: when a status
    /// was asked for, the handshake stops where the callback would run with -1 and
    /// `SSL_ERROR_WANT_X509_LOOKUP` until `finish_status_check` gives the verdict (for layers
    /// whose callback must be called with the object unlocked, like the C ABI's). Takes effect
    /// at the next handshake.
    pub fn set_defer_status_check(&mut self, defer: bool) {
        self.defer_status_check = defer;
    }

    /// Whether the handshake waits for `finish_status_check`.
    pub fn status_check_pending(&self) -> bool {
        self.conn
            .as_ref()
            .is_some_and(ClientConnection::status_check_pending)
    }

    /// The status verdict, in the status callback's terms: 1 accepts and the handshake can go
    /// on (1 is returned); 0 rejects it with bad_certificate_status_response, a negative value
    /// with internal_error (-1 is returned, the error queued).
    pub fn finish_status_check(&mut self, verdict: i32) -> i32 {
        let Some(conn) = self.conn.as_mut() else {
            return -1;
        };
        self.rwstate = Want::Nothing;
        let outcome = match verdict {
            v if v > 0 => Ok(()),
            0 => Err(oxissl_engine::Error::StatusRejected),
            _ => Err(oxissl_engine::Error::Internal("the status callback failed")),
        };
        match conn.finish_status_check(outcome) {
            Ok(()) => 1,
            Err(e) => self.engine_failure(&e),
        }
    }

    // ---- maximum fragment length (RFC 6066 §4) ----

    /// `SSL_set_tlsext_max_fragment_length`: as `SslCtx::set_tlsext_max_fragment_length`, for
    /// this connection's next handshake.
    pub fn set_tlsext_max_fragment_length(&mut self, mode: u8) -> i32 {
        match crate::ctx::parse_max_fragment_length(mode) {
            Ok(m) => {
                self.settings_mut().max_fragment_length = m;
                1
            }
            Err(()) => 0,
        }
    }

    /// `SSL_set_block_padding`: as `SslCtx::set_block_padding`, for this connection (its
    /// next handshake).
    pub fn set_block_padding(&mut self, block_size: usize) -> i32 {
        match crate::ctx::block_padding(block_size) {
            Some(b) => {
                self.settings_mut().record_padding = b;
                1
            }
            None => 0,
        }
    }

    /// `SSL_set_max_send_fragment`: as `SslCtx::set_max_send_fragment`, for this connection
    /// (its next handshake).
    pub fn set_max_send_fragment(&mut self, max: usize) -> i32 {
        if !(crate::ctx::MIN_SEND_FRAGMENT..=crate::ctx::MAX_PLAIN_LENGTH).contains(&max) {
            return 0;
        }
        self.settings_mut().max_send_fragment = max;
        1
    }

    /// The maximum fragment length the server agreed to (OpenSSL's
    /// `SSL_SESSION_get_max_fragment_length` code: 1 to 4), or 0 for none.
    pub fn max_fragment_length(&self) -> u8 {
        self.conn
            .as_ref()
            .and_then(|c| c.negotiated().max_fragment_length)
            .map_or(0, MaxFragmentLength::code)
    }

    /// What the server's CertificateRequest asked for: its CA names (OpenSSL's
    /// `SSL_get0_peer_CA_list`), certificate types and signature schemes (`SSL_get_sigalgs`);
    /// `None` if no certificate was asked for.
    pub fn peer_certificate_request(&self) -> Option<&oxissl_engine::PeerCertificateRequest> {
        self.conn
            .as_ref()?
            .negotiated()
            .certificate_request
            .as_deref()
    }

    /// The DER names of the CAs the server's CertificateRequest named; `None` if no
    /// certificate was asked for.
    pub fn peer_ca_names(&self) -> Option<Vec<&[u8]>> {
        let request = self.peer_certificate_request()?;
        Some(request.ca_names.iter().map(|n| &n[..]).collect())
    }

    /// The signature schemes set by `set1_sigalgs_list` for this connection (the context's
    /// until then), as given.
    pub fn sigalgs(&self) -> &[oxissl_engine::SignatureScheme] {
        &self.settings.sigalgs
    }

    /// `SSL_get_shared_sigalgs`: the schemes of the server's CertificateRequest, in its
    /// order (repeats kept, as OpenSSL keeps them), that this connection's list holds and
    /// oxissl can sign with; empty without a CertificateRequest.
    pub fn shared_sigalgs(&self) -> Vec<oxissl_engine::SignatureScheme> {
        let Some(request) = self.peer_certificate_request() else {
            return Vec::new();
        };
        let ours = self.sigalgs();
        let signable = oxissl_engine::verify::TLS12_SCHEMES;
        request
            .schemes
            .iter()
            .copied()
            .filter(|s| signable.contains(s) && ours.contains(s))
            .collect()
    }

    // ---- Finished messages (channel bindings) ----

    /// `SSL_get_finished`: the verify_data of the Finished message this client sent, once sent
    /// (in TLS 1.2 the "tls-unique" channel binding of a full handshake, RFC 5929 §3).
    pub fn finished(&self) -> Option<&[u8]> {
        let f = self.conn.as_ref()?.negotiated().finished.as_deref()?;
        (!f.client.is_empty()).then_some(&f.client[..])
    }

    /// `SSL_get_peer_finished`: the verify_data of the server's Finished, once received.
    pub fn peer_finished(&self) -> Option<&[u8]> {
        let f = self.conn.as_ref()?.negotiated().finished.as_deref()?;
        (!f.server.is_empty()).then_some(&f.server[..])
    }

    // ---- the server's chain verified by the caller ----

    /// Leaves the server's chain to the caller: once the server's Certificate is in, the
    /// handshake stops with -1 and `SSL_ERROR_WANT_X509_LOOKUP` until
    /// `finish_chain_verification` (for a verifier that must run with the object unlocked, like
    /// the C ABI's callbacks; the configured verification is not run). Takes effect at the next
    /// handshake.
    pub fn set_defer_chain_verification(&mut self, defer: bool) {
        self.defer_chain_verification = defer;
    }

    /// Whether the handshake waits for `finish_chain_verification`.
    pub fn chain_verification_pending(&self) -> bool {
        self.conn
            .as_ref()
            .is_some_and(ClientConnection::chain_verification_pending)
    }

    /// What a deferred verification works on: the chain as sent (DER, leaf first), the host
    /// name or IP address to check (`set1_host`), and the depth limit (`set_verify_depth`).
    pub fn pending_chain(&self) -> Option<(Vec<Vec<u8>>, Option<String>, i32)> {
        let conn = self.conn.as_ref()?;
        let chain = conn
            .peer_certificates()
            .iter()
            .map(|c| c.as_ref().to_vec())
            .collect();
        let host = self.host.as_ref().map(|h| h.to_str().into_owned());
        Some((chain, host, self.settings.verify_depth))
    }

    /// The deferred verification's verdict and `X509_V_ERR_*` result (kept for
    /// `get_verify_result` whatever the verdict, as an external verifier's is): a refusal
    /// fails the handshake under `SSL_VERIFY_PEER`. 1, or -1 with the error queued.
    pub fn finish_chain_verification(&mut self, accepted: bool, code: i64) -> i32 {
        *self
            .callback_outcome
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            (code != X509_V_OK).then_some(code);
        let verdict = match accepted {
            true => Ok(()),
            false => Err(CertificateError::from_x509_v_err(code)),
        };
        let Some(conn) = self.conn.as_mut() else {
            return -1;
        };
        self.rwstate = Want::Nothing;
        match conn.finish_chain_verification(verdict) {
            Ok(()) => 1,
            Err(e) => self.engine_failure(&e),
        }
    }

    // ---- a client certificate asked for during the handshake ----

    /// Leaves the answer to a server's certificate request (when none is configured) to the
    /// caller instead of the context's callback: the handshake stops there with -1 and
    /// `SSL_ERROR_WANT_X509_LOOKUP`, as OpenSSL's does when its client certificate callback
    /// asks to be called again, until `finish_client_cert`. Takes effect at the next
    /// handshake.
    pub fn set_defer_client_cert(&mut self, defer: bool) {
        self.defer_client_cert = defer;
    }

    /// Whether a certificate and its key are set for this connection (a server asking for one
    /// gets them).
    pub fn has_client_credential(&self) -> bool {
        self.settings.certificate.is_some() && self.settings.private_key.is_some()
    }

    /// Fails the handshake waiting for a certificate because an application callback failed
    /// (OpenSSL's "callback failed", internal_error alert). -1, the error queued.
    pub fn fail_client_cert(&mut self) -> i32 {
        let Some(conn) = self.conn.as_mut() else {
            return -1;
        };
        self.rwstate = Want::Nothing;
        let e = conn.abort_pending(oxissl_engine::Error::CallbackFailed);
        self.engine_failure(&e)
    }

    /// Whether the handshake waits for `finish_client_cert`.
    pub fn client_cert_pending(&self) -> bool {
        self.conn
            .as_ref()
            .is_some_and(ClientConnection::client_credential_pending)
    }

    /// Answers the pending certificate request: with the certificate and key set on this
    /// connection (`use_certificate*`, `use_private_key*`, before or since) when `send` and both
    /// are there, else with what was configured when the handshake started, or none (an empty
    /// Certificate). 1, or -1 with the error queued.
    pub fn finish_client_cert(&mut self, send: bool) -> i32 {
        let credential = send
            .then(|| self.settings.connection_credential())
            .flatten();
        let Some(conn) = self.conn.as_mut() else {
            return -1;
        };
        self.rwstate = Want::Nothing;
        match conn.finish_client_credential(credential) {
            Ok(()) => 1,
            Err(e) => self.engine_failure(&e),
        }
    }

    /// An engine error: queue it, send the alert the engine queued (best effort), fail.
    fn engine_failure(&mut self, e: &oxissl_engine::Error) -> i32 {
        error::push_engine_error(e);
        self.fatal = true;
        let state = self.rwstate;
        let _ = self.flush_out();
        self.rwstate = state;
        -1
    }

    fn release_if_idle(&mut self) {
        if self.settings.mode & SSL_MODE_RELEASE_BUFFERS != 0 {
            if let Some(c) = self.conn.as_mut() {
                c.release_buffers();
            }
        }
    }

    // ---- application data ----

    /// `SSL_read`: > 0 bytes (at most one record), 0 on close_notify (ZERO_RETURN), on EOF
    /// without it (SSL_ERROR_SSL, "unexpected eof while reading") or on the server's fatal alert
    /// (SSL_ERROR_SSL, the alert's reason), -1 for WANT_* and other errors.
    /// Runs the handshake first if it is not done.
    pub fn read(&mut self, buf: &mut [u8]) -> i32 {
        self.read_inner(buf, false)
    }

    /// `SSL_peek`: like `read` but leaves the data to be read again.
    pub fn peek(&mut self, buf: &mut [u8]) -> i32 {
        self.read_inner(buf, true)
    }

    /// `SSL_read_ex`: `Some(count)` (OpenSSL's 1) or `None` (0; then `get_error(0)`).
    pub fn read_ex(&mut self, buf: &mut [u8]) -> Option<usize> {
        let r = self.read(buf);
        usize::try_from(r).ok().filter(|n| *n > 0)
    }

    /// `SSL_peek_ex`.
    pub fn peek_ex(&mut self, buf: &mut [u8]) -> Option<usize> {
        let r = self.peek(buf);
        usize::try_from(r).ok().filter(|n| *n > 0)
    }

    fn read_inner(&mut self, buf: &mut [u8], peek: bool) -> i32 {
        if !self.connect_state {
            error::push_ssl(reason::UNINITIALIZED);
            return -1;
        }
        self.rwstate = Want::Nothing;
        if self.closed_by_peer() {
            return 0;
        }
        if !self.handshake_done {
            let r = self.do_handshake();
            if r <= 0 {
                return r;
            }
        }
        if self.fatal {
            return if self.fatal_alert_received { 0 } else { -1 };
        }
        if let Err(r) = self.send_scheduled_key_update() {
            return r;
        }
        let want = buf.len().min(MAX_RET);
        let buf = &mut buf[..want];
        let records_before = self.conn.as_ref().map_or(0, |c| c.records_processed());
        loop {
            let Some(conn) = self.conn.as_mut() else {
                return -1;
            };
            let r = if peek {
                conn.peek().map(|data| {
                    if data.is_empty() {
                        ReadStatus::WantRead
                    } else {
                        let n = data.len().min(buf.len());
                        buf[..n].copy_from_slice(&data[..n]);
                        ReadStatus::Data(n)
                    }
                })
            } else {
                conn.read(buf)
            };
            match r {
                // OpenSSL's SSL_read returns 0 for the server's fatal alert (SSL_ERROR_SSL
                // with the alert's reason queued), -1 for failures found here.
                Err(e @ oxissl_engine::Error::AlertReceived(_)) => {
                    self.engine_failure(&e);
                    self.fatal_alert_received = true;
                    return 0;
                }
                Err(e) => return self.engine_failure(&e),
                Ok(ReadStatus::Data(n)) => {
                    self.release_if_idle();
                    return i32::try_from(n).unwrap_or(i32::MAX);
                }
                Ok(ReadStatus::Closed) => return 0,
                Ok(ReadStatus::WantRead) if buf.is_empty() && !peek => return 0,
                Ok(ReadStatus::WantRead) => {}
            }
            if peek && conn.peer_closed() {
                return 0;
            }
            let met_records = conn.records_processed() > records_before;
            // What those records called for (a KeyUpdate's or a post-handshake
            // CertificateRequest's answer) leaves now, as OpenSSL writes it within SSL_read.
            match self.flush_out() {
                Io::Done | Io::Full => {}
                Io::Retry => return -1,
                Io::Eof | Io::Failed => return self.syscall_failure(),
            }
            if met_records && self.settings.mode & SSL_MODE_AUTO_RETRY == 0 {
                // Without AUTO_RETRY, a read that processed whole non-application records
                // (tickets, KeyUpdate) returns WANT_READ with the read BIO marked retry-read,
                // as OpenSSL does; a partial record keeps it reading.
                if let Some(rbio) = self.rbio.as_mut() {
                    rbio.set_retry_flags(RetryFlags::retry_read());
                }
                self.rwstate = Want::Reading;
                return -1;
            }
            match self.fill() {
                Io::Done | Io::Full => {}
                Io::Retry => return -1,
                Io::Eof => {
                    self.fatal = true;
                    if self.settings.options & SSL_OP_IGNORE_UNEXPECTED_EOF != 0 {
                        self.eof_closed = true;
                    } else {
                        error::push_ssl(reason::UNEXPECTED_EOF_WHILE_READING);
                    }
                    return 0;
                }
                Io::Failed => return self.syscall_failure(),
            }
        }
    }

    /// `SSL_write`: the whole buffer's length (or, with `SSL_MODE_ENABLE_PARTIAL_WRITE`, at
    /// least one record's worth); 0 for an empty buffer; -1 for WANT_* and errors. A retry
    /// after WANT_WRITE must pass the same buffer (unless
    /// `SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER`) or fails with "bad write retry".
    pub fn write(&mut self, buf: &[u8]) -> i32 {
        if !self.connect_state {
            error::push_ssl(reason::UNINITIALIZED);
            return -1;
        }
        self.rwstate = Want::Nothing;
        if self.shutdown_sent {
            error::push_ssl(reason::PROTOCOL_IS_SHUTDOWN);
            return -1;
        }
        if buf.is_empty() {
            return 0;
        }
        if !self.handshake_done {
            let r = self.do_handshake();
            if r <= 0 {
                return r;
            }
        }
        if self.fatal {
            return -1;
        }
        if let Err(r) = self.send_scheduled_key_update() {
            return r;
        }
        if let Some(pw) = self.pending_write {
            let moved = self.settings.mode & SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER == 0
                && pw.ptr != buf.as_ptr() as usize;
            if pw.len > buf.len() || moved {
                error::push_ssl(reason::BAD_WRITE_RETRY);
                return -1;
            }
            return match self.flush_out() {
                Io::Done | Io::Full => {
                    self.pending_write = None;
                    self.release_if_idle();
                    i32::try_from(pw.len).unwrap_or(i32::MAX)
                }
                Io::Retry => -1,
                Io::Eof | Io::Failed => self.syscall_failure(),
            };
        }
        let limit = if self.settings.mode & SSL_MODE_ENABLE_PARTIAL_WRITE != 0 {
            let agreed = match self.max_fragment_length() {
                0 => MAX_RECORD_PLAINTEXT,
                code => 1 << (8 + code),
            };
            agreed.min(self.settings.max_send_fragment)
        } else {
            MAX_RET
        };
        let n = buf.len().min(limit);
        let Some(conn) = self.conn.as_mut() else {
            return -1;
        };
        if let Err(e) = conn.write(&buf[..n]) {
            return self.engine_failure(&e);
        }
        match self.flush_out() {
            Io::Done | Io::Full => {
                self.release_if_idle();
                i32::try_from(n).unwrap_or(i32::MAX)
            }
            Io::Retry => {
                self.pending_write = Some(PendingWrite {
                    ptr: buf.as_ptr() as usize,
                    len: n,
                });
                -1
            }
            Io::Eof | Io::Failed => self.syscall_failure(),
        }
    }

    /// `SSL_key_update`: schedules a KeyUpdate on an established TLS 1.3 connection, as
    /// OpenSSL does: it is sent by the next `do_handshake`, `write` or `read`, and later records
    /// use the next write key. With `request_peer` (`SSL_KEY_UPDATE_REQUESTED`) the server is
    /// asked to update its keys too. `false`, with the reason queued, before the handshake
    /// finished (or after a failure), on TLS 1.2, or while a write waits to be retried.
    pub fn key_update(&mut self, request_peer: bool) -> bool {
        // OpenSSL's order: the version (unknown before the handshake), then the state.
        if self.version_number() != 0x0304 {
            error::push_ssl(reason::WRONG_SSL_VERSION);
            return false;
        }
        if !self.handshake_done || self.fatal {
            error::push_ssl(reason::STILL_IN_INIT);
            return false;
        }
        if self.pending_write.is_some() {
            error::push_ssl(reason::BAD_WRITE_RETRY);
            return false;
        }
        self.pending_key_update = Some(request_peer);
        true
    }

    /// `SSL_get_key_update_type`: the KeyUpdate scheduled and not yet sent (0 not requested,
    /// 1 requested), or -1 for none.
    pub fn key_update_type(&self) -> i32 {
        self.pending_key_update.map_or(-1, i32::from)
    }

    /// Sends the scheduled KeyUpdate, if any, ahead of whatever the caller does next.
    fn send_scheduled_key_update(&mut self) -> Result<(), i32> {
        let (Some(request_peer), Some(conn)) = (self.pending_key_update, self.conn.as_mut()) else {
            return Ok(());
        };
        self.pending_key_update = None;
        conn.send_key_update(request_peer)
            .map_err(|e| self.engine_failure(&e))
    }

    /// `SSL_write_ex`: `Some(count)` (OpenSSL's 1) or `None` (0; then `get_error(0)`).
    pub fn write_ex(&mut self, buf: &[u8]) -> Option<usize> {
        let r = self.write(buf);
        // OpenSSL 3.0: writing nothing succeeds (SSL_write says 0, SSL_write_ex says 1).
        if buf.is_empty() {
            return (r == 0).then_some(0);
        }
        usize::try_from(r).ok().filter(|n| *n > 0)
    }

    /// `SSL_pending`: bytes of the current record not yet read.
    pub fn pending(&self) -> usize {
        self.conn
            .as_ref()
            .map_or(0, ClientConnection::plaintext_pending)
    }

    /// `SSL_has_pending`: whether decrypted or undecrypted bytes are buffered.
    pub fn has_pending(&self) -> bool {
        self.conn
            .as_ref()
            .is_some_and(|c| c.plaintext_pending() > 0 || !c.wants_read())
            && !self.closed_by_peer()
    }

    /// `SSL_shutdown`: sends close_notify. 1 once both close_notifys are done, 0 when ours is
    /// sent and the peer's not yet seen (call again to wait for it), -1 during the handshake
    /// ("shutdown while in init") or when the BIO must be waited on.
    pub fn shutdown(&mut self) -> i32 {
        if !self.connect_state {
            error::push_ssl(reason::UNINITIALIZED);
            return -1;
        }
        if !self.handshake_done || self.conn.is_none() {
            error::push_ssl(reason::SHUTDOWN_WHILE_IN_INIT);
            return -1;
        }
        self.rwstate = Want::Nothing;
        let first = !self.shutdown_sent;
        if first {
            self.shutdown_sent = true;
            if let Some(c) = self.conn.as_mut() {
                if !self.fatal {
                    c.send_close_notify();
                }
            }
        }
        match self.flush_out() {
            Io::Done | Io::Full => {}
            Io::Retry => return -1,
            Io::Eof | Io::Failed => return self.syscall_failure(),
        }
        if self.closed_by_peer() {
            return 1;
        }
        if first || self.fatal {
            return 0;
        }
        // Second call: wait for the peer's close_notify, discarding application data.
        let mut scratch = vec![0u8; 4096];
        loop {
            let Some(conn) = self.conn.as_mut() else {
                return -1;
            };
            match conn.read(&mut scratch) {
                Err(e) => return self.engine_failure(&e),
                Ok(ReadStatus::Closed) => return 1,
                Ok(ReadStatus::Data(_)) => continue,
                Ok(ReadStatus::WantRead) => {}
            }
            match self.fill() {
                Io::Done | Io::Full => {}
                Io::Retry => return -1,
                Io::Eof => {
                    error::push_ssl(reason::UNEXPECTED_EOF_WHILE_READING);
                    self.fatal = true;
                    return -1;
                }
                Io::Failed => return self.syscall_failure(),
            }
        }
    }

    /// `SSL_get_shutdown`: `SSL_SENT_SHUTDOWN` (1) | `SSL_RECEIVED_SHUTDOWN` (2).
    pub fn get_shutdown(&self) -> i32 {
        let received = self.closed_by_peer() || self.fatal_alert_received;
        i32::from(self.shutdown_sent) | (i32::from(received) << 1)
    }

    fn closed_by_peer(&self) -> bool {
        self.eof_closed || self.conn.as_ref().is_some_and(|c| c.peer_closed())
    }

    // ---- SSL_get_error ----

    /// `SSL_get_error(ssl, ret)`: a pure function of `ret`, this thread's error queue, what the
    /// last call was doing and the BIOs' current retry flags, decided in OpenSSL's order.
    pub fn get_error(&self, ret: i32) -> ErrorCode {
        if ret > 0 {
            return ErrorCode::NONE;
        }
        let code = error::peek_error_code();
        if code != 0 {
            return if error::lib_of(code) == error::ERR_LIB_SYS {
                ErrorCode::SYSCALL
            } else {
                ErrorCode::SSL
            };
        }
        let from_bio = |bio: Option<&(dyn Bio + Send)>| -> Option<ErrorCode> {
            let bio = bio?;
            if bio.should_read() {
                Some(ErrorCode::WANT_READ)
            } else if bio.should_write() {
                Some(ErrorCode::WANT_WRITE)
            } else if bio.should_io_special() {
                Some(ErrorCode::WANT_CONNECT)
            } else {
                None
            }
        };
        if self.rwstate == Want::Reading {
            if let Some(c) = from_bio(self.rbio.as_deref()) {
                return c;
            }
        }
        if self.rwstate == Want::Writing {
            if let Some(c) = from_bio(self.wbio.as_deref()) {
                return c;
            }
        }
        if self.rwstate == Want::X509Lookup {
            return ErrorCode::WANT_X509_LOOKUP;
        }
        if self.closed_by_peer() {
            return ErrorCode::ZERO_RETURN;
        }
        ErrorCode::SYSCALL
    }

    /// The errno of the last BIO hard failure (what `errno` holds after SSL_ERROR_SYSCALL).
    pub fn last_os_error(&self) -> Option<i32> {
        self.last_errno
    }

    /// Forgets the errno of an earlier BIO failure, so that [`Ssl::last_os_error`] describes
    /// only the calls that follow.
    pub fn clear_last_os_error(&mut self) {
        self.last_errno = None;
    }

    /// Whether the object is a client in connect state (`set_connect_state` or `connect` was
    /// called): OpenSSL's `s->handshake_func != NULL`.
    pub fn is_connect_state(&self) -> bool {
        self.connect_state
    }

    /// Whether a fatal error has ended the connection (later handshake calls fail at once).
    pub fn is_failed(&self) -> bool {
        self.fatal
    }

    // ---- state ----

    /// `SSL_want`.
    pub fn want(&self) -> Want {
        self.rwstate
    }

    /// `SSL_in_init`: the handshake has not finished (including not started).
    pub fn in_init(&self) -> bool {
        !self.handshake_done
    }

    /// `SSL_in_before`: the handshake has not started.
    pub fn in_before(&self) -> bool {
        self.conn.is_none() && !self.fatal
    }

    /// `SSL_is_init_finished`.
    pub fn is_init_finished(&self) -> bool {
        self.handshake_done
    }

    /// `SSL_state_string_long`.
    pub fn state_string_long(&self) -> &'static str {
        if self.fatal && !self.handshake_done {
            return "error";
        }
        match &self.conn {
            Some(c) if self.handshake_done => {
                let _ = c;
                "SSL negotiation finished successfully"
            }
            Some(c) => c.state_name(),
            None => "before SSL initialization",
        }
    }

    /// `SSL_state_string`: OpenSSL's short code for the same state.
    pub fn state_string(&self) -> &'static str {
        match self.state_string_long() {
            "before SSL initialization" => "PINIT",
            "SSLv3/TLS write client hello" => "TWCH",
            "SSLv3/TLS read server hello" => "TRSH",
            "TLSv1.3 read encrypted extensions" => "TREE",
            "SSLv3/TLS read server certificate request" => "TRCR",
            "SSLv3/TLS read server certificate" => "TRSC",
            "TLSv1.3 read server certificate verify" => "TRSCV",
            "SSLv3/TLS read finished" => "TRFIN",
            "SSLv3/TLS write finished" => "TWFIN",
            "SSL negotiation finished successfully" => "SSLOK",
            "error" => "SSLERR",
            _ => "UNKWN",
        }
    }

    // ---- negotiated parameters ----

    /// `SSL_get_version`: "TLSv1.3" once negotiated; "unknown" before.
    pub fn version(&self) -> &'static str {
        self.conn
            .as_ref()
            .and_then(ClientConnection::protocol_version)
            .and_then(|v| v.name())
            .unwrap_or("unknown")
    }

    /// `SSL_version`: the protocol version number (0 before it is negotiated).
    pub fn version_number(&self) -> u16 {
        self.conn
            .as_ref()
            .and_then(ClientConnection::protocol_version)
            .map_or(0, |v| v.0)
    }

    /// OpenSSL's `SSL_version` while a handshake has sent its ClientHello and no version is
    /// negotiated yet: the highest version offered (0 before a ClientHello, or once a
    /// version is negotiated: see `version_number`).
    pub fn offered_version_max(&self) -> u16 {
        match &self.conn {
            Some(c) if c.protocol_version().is_none() => match self.settings.tls13_enabled() {
                true => 0x0304,
                false => 0x0303,
            },
            _ => 0,
        }
    }

    /// `SSL_CIPHER_get_name(SSL_get_current_cipher())`: the IANA name for TLS 1.3
    /// (`TLS_AES_128_GCM_SHA256`), OpenSSL's spelling for TLS 1.2
    /// (`ECDHE-RSA-AES128-GCM-SHA256`).
    pub fn current_cipher_name(&self) -> Option<&'static str> {
        self.current_cipher()
            .and_then(crate::ctx::openssl_cipher_name)
    }

    /// The negotiated cipher suite's IANA number.
    pub fn current_cipher_id(&self) -> Option<u16> {
        self.current_cipher().map(|c| c.0)
    }

    fn current_cipher(&self) -> Option<oxissl_engine::CipherSuite> {
        self.conn.as_ref()?.negotiated().cipher_suite
    }

    /// `SSL_get_negotiated_group` as the IANA group number.
    pub fn negotiated_group(&self) -> Option<u16> {
        self.conn
            .as_ref()
            .and_then(ClientConnection::group)
            .map(|g| g.0)
    }

    /// `SSL_group_to_name(SSL_get_negotiated_group())`: "X25519", "secp256r1", "secp384r1",
    /// "secp521r1".
    pub fn negotiated_group_name(&self) -> Option<&'static str> {
        Some(match self.negotiated_group()? {
            0x001d => "X25519",
            0x001e => "X448",
            0x0017 => "secp256r1",
            0x0018 => "secp384r1",
            0x0019 => "secp521r1",
            _ => return None,
        })
    }

    /// `SSL_get0_alpn_selected`.
    pub fn get0_alpn_selected(&self) -> Option<&[u8]> {
        self.conn.as_ref().and_then(ClientConnection::alpn_protocol)
    }

    /// `SSL_get_peer_certificate`: the server's certificate (DER).
    pub fn peer_certificate(&self) -> Option<&[u8]> {
        self.conn
            .as_ref()
            .and_then(|c| c.peer_certificates().first())
            .map(|c| c.as_ref())
    }

    /// `SSL_get_peer_cert_chain`: the server's certificates as sent, end-entity first (DER).
    pub fn peer_cert_chain(&self) -> Vec<&[u8]> {
        self.conn.as_ref().map_or_else(Vec::new, |c| {
            c.peer_certificates().iter().map(|c| c.as_ref()).collect()
        })
    }

    /// `SSL_get_verify_result`: `X509_V_OK` (0) or the `X509_V_ERR_*` number of the failure,
    /// whether or not it was enforced or overridden by a callback.
    pub fn get_verify_result(&self) -> i64 {
        if let Some(e) = self
            .callback_outcome
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
        {
            return *e;
        }
        let Some(conn) = self.conn.as_ref() else {
            return X509_V_OK;
        };
        match (conn.verify_result(), conn.error()) {
            (Some(Err(e)), _) => e.x509_v_err(),
            (_, Some(oxissl_engine::Error::Certificate(e))) => e.x509_v_err(),
            _ => X509_V_OK,
        }
    }

    /// `SSL_get_client_random`: ClientHello.random, once the ClientHello is made.
    pub fn client_random(&self) -> Option<[u8; 32]> {
        self.conn.as_ref()?.negotiated().client_random
    }

    /// `SSL_get_server_random`: ServerHello.random, once the ServerHello arrived.
    pub fn server_random(&self) -> Option<[u8; 32]> {
        self.conn.as_ref()?.negotiated().server_random
    }

    /// `SSL_get_peer_tmp_key`: the server's key exchange group and public share, when the
    /// context keeps it (`SslCtx::set_keep_peer_tmp_key`).
    pub fn peer_tmp_key(&self) -> Option<(oxissl_engine::NamedGroup, &[u8])> {
        let n = self.conn.as_ref()?.negotiated();
        Some((n.group?, n.server_share.as_deref()?))
    }

    /// `SSL_export_keying_material`: fills `out` with keying material for `label` and
    /// `context` (RFC 8446 §7.5, RFC 5705 §4) once the handshake is complete. In TLS 1.3 no
    /// context equals an empty one; in TLS 1.2 they differ.
    pub fn export_keying_material(
        &self,
        out: &mut [u8],
        label: &[u8],
        context: Option<&[u8]>,
    ) -> Result<(), error::ErrorEntry> {
        let conn = self.conn.as_ref().ok_or_else(|| {
            error::raise(
                error::ERR_LIB_SSL,
                error::reason::BAD_HANDSHAKE_STATE,
                "the handshake has not started".into(),
            )
        })?;
        conn.export_keying_material(out, label, context)
            .map_err(|e| error::raise(error::ERR_LIB_SSL, error::engine_reason(&e), e.to_string()))
    }

    /// `SSL_session_reused`: whether the server accepted the session offered.
    pub fn session_reused(&self) -> bool {
        self.conn.as_ref().is_some_and(|c| c.negotiated().resumed)
    }

    /// `SSL_set_session`: offer `session` for resumption in the coming handshake.
    pub fn set_session(&mut self, session: Option<StoredSession>) {
        self.session = session;
    }

    /// `SSL_get1_session`: the newest session this connection can be resumed from (a TLS 1.3
    /// ticket, or the TLS 1.2 session), or the one set with `set_session` before the handshake.
    pub fn get1_session(&self) -> Option<StoredSession> {
        self.conn
            .as_ref()
            .and_then(ClientConnection::session)
            .map(|s| self.with_verify_outcome(s))
            .or_else(|| self.session.clone())
    }

    /// A session as OpenSSL keeps it: with the verify result a callback accepted, so that a
    /// resumption reports it again (the engine only saw the callback's acceptance).
    fn with_verify_outcome(&self, mut session: StoredSession) -> StoredSession {
        let outcome = *self
            .callback_outcome
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let (Some(code), Some(Ok(()))) = (outcome, &session.verify_result) {
            session.verify_result = Some(Err(CertificateError::from_x509_v_err(code)));
        }
        session
    }

    /// The sessions established since the last call, newest last: each TLS 1.3 ticket and the
    /// session of a full TLS 1.2 handshake; what OpenSSL passes to the new-session callback
    /// (`SSL_CTX_sess_set_new_cb`).
    pub fn take_new_sessions(&mut self) -> Vec<StoredSession> {
        let fresh = self
            .conn
            .as_mut()
            .map(ClientConnection::take_new_sessions)
            .unwrap_or_default();
        fresh
            .into_iter()
            .map(|s| self.with_verify_outcome(s))
            .collect()
    }

    /// The engine connection, for callers that need more than OpenSSL's API exposes.
    pub fn connection(&self) -> Option<&ClientConnection> {
        self.conn.as_ref()
    }
}
