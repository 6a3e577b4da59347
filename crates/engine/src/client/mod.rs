//! The client handshake as a state machine: one state per expected message, each consuming
//! itself and returning the next (hello.rs for ClientHello/ServerHello/HelloRetryRequest,
//! tls13.rs for the rest of TLS 1.3 and its post-handshake messages, tls12.rs for TLS 1.2). States emit records through
//! `Common` and never send alerts themselves.

pub(crate) mod auth;
pub(crate) mod hello;
pub mod session;
pub(crate) mod tls12;
pub(crate) mod tls13;

use std::collections::VecDeque;
use std::sync::Arc;

use rustls_pki_types::{CertificateDer, ServerName};

use crate::config::{ClientConfig, ClientCredential, MaxFragmentLength};
use crate::error::{CertificateError, Error, InvalidMessage};
use crate::keys::exporter::SecretBytes;
use crate::provider::{HashAlgorithm, Secret, Tls13Suite};
use crate::record::protect::{plain, plain_with_version, write_records, RecordKey};
use crate::wire::enums::{
    AlertDescription, CipherSuite, ContentType, HandshakeType, NamedGroup, ProtocolVersion,
    SignatureScheme,
};
use crate::wire::handshake::{Message, NewSessionTicket, HANDSHAKE_HEADER_LEN};

/// RFC 8446 §4.6.1 lets a server send many tickets; only the newest are kept.
pub const MAX_STORED_TICKETS: usize = 8;

/// Who the client believes it is talking to.
#[derive(Debug, Clone, Default)]
pub struct ServerIdentity {
    /// The name sent in server_name (RFC 6066 §3), if any.
    pub sni: Option<String>,
    /// The name or address the certificate must match, if checked.
    pub verify_name: Option<ServerName<'static>>,
}

/// What the handshake settled on.
#[derive(Debug, Clone, Default)]
pub struct Negotiated {
    /// The protocol version.
    pub version: Option<ProtocolVersion>,
    /// The TLS 1.3 cipher suite (`None` for TLS 1.2: see `cipher_suite`).
    pub suite: Option<Tls13Suite>,
    /// The cipher suite's wire code, for either version.
    pub cipher_suite: Option<CipherSuite>,
    /// Whether TLS 1.2 used the extended master secret (RFC 7627).
    pub extended_master_secret: bool,
    /// The key exchange group.
    pub group: Option<NamedGroup>,
    /// The server's CertificateVerify scheme.
    pub signature_scheme: Option<SignatureScheme>,
    /// The ALPN protocol the server selected.
    pub alpn: Option<Vec<u8>>,
    /// The server's certificates, end-entity first.
    pub peer_certificates: Vec<CertificateDer<'static>>,
    /// The chain verification outcome (kept whether or not it was enforced).
    pub verify_result: Option<Result<(), CertificateError>>,
    /// Whether the server sent a HelloRetryRequest.
    pub hello_retried: bool,
    /// Whether the handshake resumed a session (TLS 1.3 ticket, RFC 8446 §2.2; TLS 1.2 session
    /// id or ticket, RFC 5246 §7.3 / RFC 5077).
    pub resumed: bool,
    /// ClientHello.random, once the ClientHello is made.
    pub client_random: Option<[u8; 32]>,
    /// ServerHello.random, once a ServerHello (not a HelloRetryRequest) arrived.
    pub server_random: Option<[u8; 32]>,
    /// The server's key exchange share (its public key for `group`), kept only with
    /// `ClientConfig::keep_server_share`.
    pub server_share: Option<Box<[u8]>>,
    /// Whether the server sent a CertificateRequest.
    pub client_certificate_requested: bool,
    /// The scheme of the client's CertificateVerify, when it sent a certificate (`None`: no
    /// request, or answered with an empty Certificate).
    pub client_signature_scheme: Option<SignatureScheme>,
    /// The OCSP response the server stapled for its certificate (RFC 6066 §8), when asked for
    /// with `ClientConfig::request_ocsp` and sent.
    pub ocsp_response: Option<Box<[u8]>>,
    /// The maximum fragment length the server agreed to (RFC 6066 §4), if one was asked for.
    pub max_fragment_length: Option<MaxFragmentLength>,
    /// The verify_data of both Finished messages, with `ClientConfig::keep_finished`.
    pub finished: Option<Box<FinishedMessages>>,
    /// What the server's CertificateRequest asked for; `None` without one.
    pub certificate_request: Option<Box<PeerCertificateRequest>>,
}

/// What a server's CertificateRequest asked for (RFC 8446 §4.3.2, RFC 5246 §7.4.4).
#[derive(Debug, Clone, Default)]
pub struct PeerCertificateRequest {
    /// The DER names of the CAs it named (certificate_authorities; possibly none).
    pub ca_names: Vec<Box<[u8]>>,
    /// The ClientCertificateType values it accepts (TLS 1.2; empty in TLS 1.3).
    pub certificate_types: Box<[u8]>,
    /// The signature schemes it accepts in CertificateVerify, as sent (unknown ones too).
    pub schemes: Box<[SignatureScheme]>,
}

/// The verify_data each side's Finished carried (RFC 8446 §4.4.4, RFC 5246 §7.4.9).
#[derive(Debug, Clone, Default)]
pub struct FinishedMessages {
    /// The client's.
    pub client: Vec<u8>,
    /// The server's.
    pub server: Vec<u8>,
}

/// What a handshake stopped for, until the caller answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending {
    /// The verdict on the server's certificate status (`finish_status_check`).
    StatusCheck,
    /// A certificate for the server's CertificateRequest, or none (`finish_client_credential`).
    ClientCredential,
    /// The verdict on the server's chain (`finish_chain_verification`).
    ChainVerification,
}

/// A session ticket with the PSK it unlocks (RFC 8446 §4.6.1), kept for resumption.
#[derive(Debug, Clone)]
pub struct SessionTicket {
    /// The ticket as received.
    pub ticket: NewSessionTicket,
    /// The suite of the connection that issued it.
    pub suite: Tls13Suite,
    /// HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce).
    pub psk: Secret,
}

/// The secret keying material exporters derive from (RFC 8446 §7.5; RFC 5705 §4).
pub(crate) enum ExporterSecret {
    /// The Master Secret and the transcript hash through server Finished, back to back, from
    /// which exporter_master_secret is derived when asked for (the application traffic secrets
    /// they also give are held by the connection anyway).
    Tls13 {
        hash: HashAlgorithm,
        master_and_hash: SecretBytes,
    },
    /// The master secret; the randoms are in `Negotiated`.
    Tls12 {
        hash: HashAlgorithm,
        master: SecretBytes,
    },
}

/// Connection-wide state the handshake states write into.
pub(crate) struct Common {
    pub config: Arc<ClientConfig>,
    /// Outgoing TLS bytes; whole flights accumulate here.
    pub tx: Vec<u8>,
    pub write_key: Option<RecordKey>,
    /// A read key to install once the current record's messages are processed.
    pub pending_read_key: Option<RecordKey>,
    pub sent_ccs: bool,
    /// Our close_notify (or a fatal alert) was queued: nothing more may be sent.
    pub sent_close: bool,
    /// The name sessions are stored under (the SNI, else the name verified).
    pub session_key: Option<String>,
    /// The newest session this connection can be resumed from.
    pub latest_session: Option<session::StoredSession>,
    /// Sessions established since the caller last took them (newest last, bounded).
    pub new_sessions: VecDeque<session::StoredSession>,
    pub negotiated: Negotiated,
    pub tickets: VecDeque<SessionTicket>,
    /// What keying material is exported from, once the handshake is complete (its bytes on the
    /// heap, sized to the suite's hash).
    pub exporter: Option<ExporterSecret>,
    /// What the handshake waits for from the caller, if anything.
    pub pending: Option<Pending>,
    /// The largest record plaintext either side may send: 2^14, or the maximum fragment
    /// length the server agreed to (RFC 6066 §4).
    pub fragment_limit: usize,
    /// Test support: recorded ClientHellos sent in place of the ones built.
    #[cfg(test)]
    pub recorded_hellos: VecDeque<Vec<u8>>,
}

impl Common {
    /// Hands a secret to the configured key log, if any.
    pub fn log_secret(&self, label: &str, secret: &Secret) {
        if let (Some(log), Some(random)) = (&self.config.key_log, &self.negotiated.client_random) {
            log.log(label, random, secret.as_bytes());
        }
    }

    pub fn new(config: Arc<ClientConfig>) -> Self {
        Self {
            config,
            tx: Vec::new(),
            write_key: None,
            pending_read_key: None,
            sent_ccs: false,
            sent_close: false,
            session_key: None,
            latest_session: None,
            new_sessions: VecDeque::new(),
            negotiated: Negotiated::default(),
            tickets: VecDeque::new(),
            exporter: None,
            pending: None,
            fragment_limit: crate::record::MAX_PLAINTEXT,
            #[cfg(test)]
            recorded_hellos: VecDeque::new(),
        }
    }

    /// Keeps what the server's CertificateRequest asked for.
    pub fn keep_certificate_request(
        &mut self,
        names: &[&[u8]],
        certificate_types: &[u8],
        schemes: &[SignatureScheme],
    ) {
        self.negotiated.certificate_request = Some(Box::new(PeerCertificateRequest {
            ca_names: names.iter().map(|n| Box::from(*n)).collect(),
            certificate_types: certificate_types.into(),
            schemes: schemes.into(),
        }));
    }

    /// Keeps a Finished message's verify_data when asked to (`ClientConfig::keep_finished`).
    pub fn keep_finished(&mut self, ours: bool, verify_data: &[u8]) {
        if !self.config.keep_finished {
            return;
        }
        let kept = self.negotiated.finished.get_or_insert_with(Box::default);
        let slot = if ours {
            &mut kept.client
        } else {
            &mut kept.server
        };
        *slot = verify_data.to_vec();
    }

    /// Where OpenSSL calls its status callback (once the server's flight is in: after its
    /// Finished in TLS 1.3, at ServerHelloDone in TLS 1.2): stops the handshake for the
    /// caller's verdict when a status was asked for and a check is wanted; true if so.
    pub fn pause_for_status_check(&mut self) -> bool {
        let pause = self.config.request_ocsp && self.config.pause_for_status_check;
        if pause {
            self.pending = Some(Pending::StatusCheck);
        }
        pause
    }

    /// The largest record plaintext to send: the fragment limit, or less if configured.
    pub fn send_limit(&self) -> usize {
        self.fragment_limit.min(self.config.max_send_fragment)
    }

    /// The server's max_fragment_length (RFC 6066 §4): it must be the one asked for, else
    /// illegal_parameter; from then on records are at most that long both ways.
    pub fn accept_max_fragment_length(&mut self, body: &[u8]) -> Result<(), Error> {
        let asked = self.config.max_fragment_length;
        match asked.filter(|m| body == [m.code()]) {
            Some(m) => {
                self.negotiated.max_fragment_length = Some(m);
                self.fragment_limit = m.bytes();
                Ok(())
            }
            None => Err(
                crate::error::PeerMisbehaved::IllegalExtensionValue("max_fragment_length").into(),
            ),
        }
    }

    /// Whether a CertificateRequest stops the handshake for the caller's answer
    /// (`ClientConfig::pause_for_client_credential`); if so, stops it.
    pub fn pause_for_client_credential(&mut self) -> bool {
        let pause = self.config.pause_for_client_credential;
        if pause {
            self.pending = Some(Pending::ClientCredential);
        }
        pause
    }

    /// Keeps a resumable session: the newest for this connection, in the configuration's store
    /// (in place of `replaced`, if given), and, when `new`, among those the caller has not
    /// seen (OpenSSL's new-session callback is not called for a resumed TLS 1.2 session).
    pub fn keep_session(
        &mut self,
        session: session::StoredSession,
        replaced: Option<&session::StoredSession>,
        new: bool,
    ) {
        if let (Some(store), Some(key)) = (&self.config.session_store, &self.session_key) {
            store.replace(key, replaced, session.clone());
        }
        if new {
            if self.new_sessions.len() == MAX_STORED_TICKETS {
                self.new_sessions.pop_front();
            }
            self.new_sessions.push_back(session.clone());
        }
        self.latest_session = Some(session);
    }

    /// Queues encoded handshake messages under the current write key.
    pub fn send_handshake(&mut self, msg: &[u8]) -> Result<(), Error> {
        self.observe_handshake(true, msg);
        let limit = self.send_limit();
        write_records(
            self.write_key.as_mut(),
            &mut self.tx,
            ContentType::HANDSHAKE,
            msg,
            limit,
            self.config.record_padding,
        )
    }

    /// Tells the message observer, if any, about each handshake message in `msgs`.
    pub fn observe_handshake(&self, sent: bool, mut msgs: &[u8]) {
        let Some(obs) = &self.config.message_observer else {
            return;
        };
        let version = self.reported_version();
        while msgs.len() >= HANDSHAKE_HEADER_LEN {
            let len = HANDSHAKE_HEADER_LEN
                + (usize::from(msgs[1]) << 16 | usize::from(msgs[2]) << 8 | usize::from(msgs[3]));
            let (one, rest) = msgs.split_at(len.min(msgs.len()));
            obs.message_at(sent, version, ContentType::HANDSHAKE, one);
            msgs = rest;
        }
    }

    /// Tells the message observer, if any, about a change_cipher_spec or alert.
    pub fn observe(&self, sent: bool, typ: ContentType, data: &[u8]) {
        if let Some(obs) = &self.config.message_observer {
            obs.message_at(sent, self.reported_version(), typ, data);
        }
    }

    /// The version a message is reported with: the negotiated one, else the highest offered.
    fn reported_version(&self) -> ProtocolVersion {
        self.negotiated
            .version
            .unwrap_or(if self.config.enable_tls13 {
                ProtocolVersion::TLS13
            } else {
                ProtocolVersion::TLS12
            })
    }

    /// Queues the first ClientHello. RFC 8446 §5.1: its legacy_record_version "MAY also be
    /// 0x0301 for compatibility purposes", which old middleboxes expect.
    pub fn send_initial_hello(&mut self, msg: &[u8]) {
        self.observe_handshake(true, msg);
        for chunk in msg.chunks(crate::record::MAX_PLAINTEXT) {
            plain_with_version(
                &mut self.tx,
                ContentType::HANDSHAKE,
                ProtocolVersion::TLS10,
                chunk,
            );
        }
    }

    /// Queues an alert under the current write key.
    pub fn send_alert(&mut self, level: u8, desc: AlertDescription) {
        self.observe(true, ContentType::ALERT, &[level, desc.0]);
        // An alert that cannot be sealed is dropped: the connection is ending either way.
        let limit = self.send_limit();
        let _ = write_records(
            self.write_key.as_mut(),
            &mut self.tx,
            ContentType::ALERT,
            &[level, desc.0],
            limit,
            self.config.record_padding,
        );
    }

    /// Queues change_cipher_spec (TLS 1.2, RFC 5246 §7.1).
    pub fn send_ccs(&mut self) {
        plain(&mut self.tx, ContentType::CHANGE_CIPHER_SPEC, &[1]);
        self.observe(true, ContentType::CHANGE_CIPHER_SPEC, &[1]);
    }

    /// Queues the one middlebox-compatibility change_cipher_spec (RFC 8446 §D.4).
    pub fn send_compat_ccs(&mut self) {
        if self.config.middlebox_compat && !self.sent_ccs {
            plain(&mut self.tx, ContentType::CHANGE_CIPHER_SPEC, &[1]);
            self.sent_ccs = true;
            self.observe(true, ContentType::CHANGE_CIPHER_SPEC, &[1]);
        }
    }
}

/// What a change_cipher_spec record means now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CcsAction {
    /// TLS 1.3 middlebox compatibility: drop it (RFC 8446 §5).
    Ignore,
    /// TLS 1.2: the server switches to its new keys (RFC 5246 §7.1).
    Consume,
    /// Not allowed here: unexpected_message.
    Reject,
}

/// The handshake state: what the client expects next.
pub(crate) enum State {
    ServerHello(hello::ExpectServerHello),
    EncryptedExtensions(tls13::ExpectEncryptedExtensions),
    CertificateOrRequest(tls13::ExpectCertificate),
    Certificate(tls13::ExpectCertificate),
    CertificateVerify(tls13::ExpectCertificateVerify),
    Finished(tls13::ExpectFinished),
    /// The server's Finished is in; the client's flight waits for a status verdict (boxed:
    /// only a paused handshake has it, and it is the largest state).
    SecondFlight(Box<tls13::SecondFlight>),
    Established(tls13::Established),
    Certificate12(tls12::ExpectCertificate),
    ServerKeyExchange12(tls12::ExpectServerKeyExchange),
    ServerHelloDone12(tls12::ExpectServerHelloDone),
    /// ServerHelloDone is in; the client's flight waits for a status verdict (boxed, as
    /// `SecondFlight`).
    ClientFlight12(Box<tls12::ExpectServerHelloDone>),
    NewTicket12(tls12::ExpectNewTicket),
    ChangeCipherSpec12(tls12::ExpectChangeCipherSpec),
    Finished12(tls12::ExpectFinished),
    Established12(tls12::Established),
}

impl State {
    /// Handles one handshake message and returns the next state.
    pub fn handle(self, cx: &mut Common, msg: Message<'_>) -> Result<State, Error> {
        use HandshakeType as H;
        match (self, msg.typ) {
            (Self::ServerHello(s), H::SERVER_HELLO) => s.handle(cx, msg),
            (Self::EncryptedExtensions(s), H::ENCRYPTED_EXTENSIONS) => s.handle(cx, msg),
            (Self::CertificateOrRequest(s), H::CERTIFICATE_REQUEST) => s.handle_request(cx, msg),
            (Self::CertificateOrRequest(s) | Self::Certificate(s), H::CERTIFICATE) => {
                s.handle(cx, msg)
            }
            (Self::CertificateVerify(s), H::CERTIFICATE_VERIFY) => s.handle(cx, msg),
            (Self::Finished(s), H::FINISHED) => s.handle(cx, msg),
            (Self::Established(s), _) => s.handle(cx, msg),
            (Self::Established12(s), _) => s.handle(cx, msg),
            // RFC 5246 §7.4.1.1: HelloRequest "will be ignored by the client if the client is
            // currently negotiating a session"; its body is empty.
            (s, H::HELLO_REQUEST) if s.negotiating_tls12() => {
                if msg.body.is_empty() {
                    Ok(s)
                } else {
                    Err(InvalidMessage::TrailingData.into())
                }
            }
            (Self::Certificate12(s), H::CERTIFICATE) => s.handle(cx, msg),
            (Self::ServerKeyExchange12(s), H::SERVER_KEY_EXCHANGE) => s.handle(cx, msg),
            (Self::ServerKeyExchange12(s), H::CERTIFICATE_STATUS) => s.handle_status(cx, msg),
            (Self::ServerHelloDone12(s), H::CERTIFICATE_REQUEST) => s.handle_request(cx, msg),
            (Self::ServerHelloDone12(s), H::SERVER_HELLO_DONE) => s.handle(cx, msg),
            (Self::NewTicket12(s), H::NEW_SESSION_TICKET) => s.handle(cx, msg),
            (Self::Finished12(s), H::FINISHED) => s.handle(cx, msg),
            (_, got) => Err(InvalidMessage::UnexpectedMessage { got }.into()),
        }
    }

    /// Goes on after the caller's status verdict (`finish_status_check`): sends the client's
    /// flight that waited for it.
    pub fn resume_after_status_check(self, cx: &mut Common) -> Result<State, Error> {
        match self {
            Self::SecondFlight(s) => s.send(cx),
            Self::ClientFlight12(s) => s.send_flight(cx),
            s => Ok(s),
        }
    }

    /// Hands the caller's certificate to the state waiting for it (`finish_client_credential`).
    pub fn use_client_credential(&mut self, cx: &Common, credential: Arc<ClientCredential>) {
        match self {
            Self::Finished(s) => s.use_client_credential(cx, credential),
            Self::ServerHelloDone12(s) => s.use_client_credential(cx, credential),
            _ => {}
        }
    }

    /// Whether a TLS 1.2 handshake is (or may be) under way: TLS 1.2 was offered and no
    /// TLS 1.3 ServerHello has been seen, and the handshake is not complete.
    fn negotiating_tls12(&self) -> bool {
        match self {
            Self::ServerHello(s) => s.offers_tls12,
            Self::Certificate12(_)
            | Self::ServerKeyExchange12(_)
            | Self::ServerHelloDone12(_)
            | Self::ClientFlight12(_)
            | Self::NewTicket12(_)
            | Self::ChangeCipherSpec12(_)
            | Self::Finished12(_) => true,
            _ => false,
        }
    }

    /// What a change_cipher_spec record means in this state.
    pub fn ccs_action(&self) -> CcsAction {
        match self {
            Self::ChangeCipherSpec12(_) => CcsAction::Consume,
            // RFC 8446 §5's allowance holds only when TLS 1.3 was offered.
            Self::ServerHello(s) if s.share.is_none() => CcsAction::Reject,
            Self::ServerHello(_)
            | Self::EncryptedExtensions(_)
            | Self::CertificateOrRequest(_)
            | Self::Certificate(_)
            | Self::CertificateVerify(_)
            | Self::Finished(_) => CcsAction::Ignore,
            _ => CcsAction::Reject,
        }
    }

    /// Handles the server's change_cipher_spec (TLS 1.2).
    pub fn handle_ccs(self, cx: &mut Common) -> Result<State, Error> {
        match self {
            Self::ChangeCipherSpec12(s) => s.handle(cx),
            _ => Err(InvalidMessage::BadChangeCipherSpec.into()),
        }
    }

    /// Whether the handshake is complete.
    pub fn is_established(&self) -> bool {
        matches!(self, Self::Established(_) | Self::Established12(_))
    }

    /// OpenSSL's long state string for where the handshake stands.
    pub fn name(&self) -> &'static str {
        match self {
            Self::ServerHello(_) => "SSLv3/TLS write client hello",
            Self::EncryptedExtensions(_) => "SSLv3/TLS read server hello",
            Self::CertificateOrRequest(_) => "TLSv1.3 read encrypted extensions",
            Self::Certificate(_) => "SSLv3/TLS read server certificate request",
            Self::CertificateVerify(_) => "SSLv3/TLS read server certificate",
            Self::Finished(_) => "TLSv1.3 read server certificate verify",
            Self::SecondFlight(_) => "SSLv3/TLS read finished",
            Self::Established(_) | Self::Established12(_) => {
                "SSL negotiation finished successfully"
            }
            Self::Certificate12(_) => "SSLv3/TLS read server hello",
            Self::ServerKeyExchange12(_) => "SSLv3/TLS read server certificate",
            Self::ServerHelloDone12(_) => "SSLv3/TLS read server key exchange",
            Self::ClientFlight12(_) => "SSLv3/TLS read server done",
            Self::NewTicket12(_) => "SSLv3/TLS write finished",
            Self::ChangeCipherSpec12(_) => "SSLv3/TLS write finished",
            Self::Finished12(_) => "SSLv3/TLS read change cipher spec",
        }
    }
}
