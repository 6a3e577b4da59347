//! The TLS 1.2 client handshake (RFC 5246 §7.3) with ECDHE key exchange (RFC 8422), the
//! extended master secret (RFC 7627) and secure renegotiation indication (RFC 5746), in wire
//! order: ServerHello checks, Certificate, ServerKeyExchange, [CertificateRequest],
//! ServerHelloDone, the client's flight, [NewSessionTicket], ChangeCipherSpec, Finished; and the
//! abbreviated handshake that resumes a session by id or ticket (RFC 5077). Renegotiation is
//! refused.

use rustls_pki_types::CertificateDer;

use std::sync::Arc;

use super::auth::{select12, with_credential12, ClientAuth};
use super::session::{
    Resumption, StoredSession, MAX_TLS12_SESSION_LIFETIME, TLS12_SESSION_LIFETIME,
};
use super::tls13::verify_server_chain;
use super::{Common, ExporterSecret, ServerIdentity, State};
use crate::config::ClientCredential;
use crate::error::{Error, InvalidMessage, PeerIncompatible, PeerMisbehaved};
use crate::keys::exporter::SecretBytes;
use crate::keys::prf12::{key_block, master_secret, verify_data, DirectionKeys};
use crate::keys::transcript::Transcript;
use crate::provider::{
    agree, generate_key_share, tls12_suite, verify_tag_eq, AeadAlgorithm, Secret, SharedSecret,
    Tls12Auth, Tls12Suite,
};
use crate::record::protect::{RecordKey, RecordKind};
use crate::verify::scheme_accepted;
use crate::wire::enums::{
    AlertDescription, ExtensionType, HandshakeType, ProtocolVersion, SignatureScheme,
};
use crate::wire::extensions::{check_server_block, find, ServerMessage};
use crate::wire::handshake::{
    decode_alpn_selected, decode_certificate12, decode_certificate_status, encode_certificate12,
    encode_certificate_verify, encode_client_key_exchange, encode_empty_certificate12,
    encode_finished, CertificateRequest12, Message, NewSessionTicket12, ServerHello,
    ServerKeyExchange,
};

/// Alert level warning (RFC 5246 §7.2).
const ALERT_WARNING: u8 = 1;

/// The randoms both sides drew (RFC 5246 §7.4.1.2).
#[derive(Clone, Copy)]
struct Randoms {
    client: [u8; 32],
    server: [u8; 32],
}

/// What a TLS 1.2 ServerHello settled, for a full or an abbreviated handshake.
struct Hello12 {
    suite: Tls12Suite,
    /// The server echoed extended_master_secret (RFC 7627 §5.2).
    ems: bool,
    /// The server will send NewSessionTicket (RFC 5077 §3.2).
    expect_ticket: bool,
    /// The server may send CertificateStatus (RFC 6066 §8).
    expect_status: bool,
}

/// The ServerHello checks common to full and abbreviated handshakes (RFC 5246 §7.4.1.3).
fn check_server_hello(
    cx: &mut Common,
    sh: &ServerHello<'_>,
    offered: &[ExtensionType],
) -> Result<Hello12, Error> {
    let suite = tls12_suite(sh.cipher_suite)
        .filter(|s| cx.config.tls12_suites.contains(s))
        .ok_or(PeerMisbehaved::UnofferedCipherSuite(sh.cipher_suite))?;
    if sh.compression != 0 {
        return Err(PeerMisbehaved::NonNullCompression.into());
    }
    check_server_block(&sh.extensions, offered, ServerMessage::ServerHello12)?;
    // RFC 5746 §3.4: the server must indicate secure renegotiation, with an empty
    // renegotiated_connection, else "MUST abort the handshake (by sending a fatal
    // handshake_failure alert)".
    match find(&sh.extensions, ExtensionType::RENEGOTIATION_INFO) {
        Some([0]) => {}
        Some(_) => {
            return Err(PeerIncompatible::Unsupported("renegotiation_info must be empty").into())
        }
        None => {
            return Err(PeerIncompatible::Unsupported(
                "server lacks secure renegotiation (RFC 5746)",
            )
            .into())
        }
    }
    let ems = match find(&sh.extensions, ExtensionType::EXTENDED_MASTER_SECRET) {
        Some([]) => true,
        Some(_) => return Err(InvalidMessage::BadLength.into()),
        None => false,
    };
    // RFC 5077 §3.2: the server's SessionTicket extension is empty.
    let expect_ticket = match find(&sh.extensions, ExtensionType::SESSION_TICKET) {
        Some([]) => true,
        Some(_) => return Err(InvalidMessage::BadLength.into()),
        None => false,
    };
    // RFC 6066 §8: the server's status_request is empty; CertificateStatus may follow its
    // Certificate.
    let expect_status = match find(&sh.extensions, ExtensionType::STATUS_REQUEST) {
        Some([]) => true,
        Some(_) => return Err(InvalidMessage::BadLength.into()),
        None => false,
    };
    if let Some(body) = find(&sh.extensions, ExtensionType::MAX_FRAGMENT_LENGTH) {
        cx.accept_max_fragment_length(body)?;
    }
    // RFC 8422 §5.2: a server's ec_point_formats MUST contain uncompressed.
    if let Some(body) = find(&sh.extensions, ExtensionType::EC_POINT_FORMATS) {
        let formats = crate::wire::codec::Reader::new(body).vec8()?;
        if !formats.contains(&0) {
            return Err(PeerMisbehaved::IllegalParameter("ec_point_formats").into());
        }
    }
    if find(&sh.extensions, ExtensionType::SERVER_NAME).is_some_and(|b| !b.is_empty()) {
        return Err(InvalidMessage::BadLength.into());
    }
    if let Some(body) = find(&sh.extensions, ExtensionType::ALPN) {
        let proto = decode_alpn_selected(body)?;
        if !cx.config.alpn_protocols.iter().any(|p| p == proto) {
            return Err(PeerMisbehaved::UnofferedAlpnProtocol.into());
        }
        cx.negotiated.alpn = Some(proto.to_vec());
    }
    cx.negotiated.version = Some(ProtocolVersion::TLS12);
    cx.negotiated.cipher_suite = Some(suite.suite);
    cx.negotiated.extended_master_secret = ems;
    Ok(Hello12 {
        suite,
        ems,
        expect_ticket,
        expect_status,
    })
}

/// What the client brings to a TLS 1.2 ServerHello.
pub(crate) struct Start {
    pub identity: ServerIdentity,
    pub client_random: [u8; 32],
    pub transcript: Transcript,
    /// The session the server resumes (it echoed the session id offered with it).
    pub resumed: Option<StoredSession>,
}

/// Processes a TLS 1.2 ServerHello (RFC 5246 §7.4.1.3): a full handshake waits for the
/// server's Certificate next; a resumed one for its ChangeCipherSpec.
pub(crate) fn handle_server_hello(
    cx: &mut Common,
    sh: &ServerHello<'_>,
    offered: &[ExtensionType],
    start: Start,
    msg: Message<'_>,
) -> Result<State, Error> {
    let hello = check_server_hello(cx, sh, offered)?;
    let Start {
        identity,
        client_random,
        mut transcript,
        resumed,
    } = start;
    if let Some(session) = resumed {
        return resume(cx, hello, sh, client_random, transcript, msg, session);
    }
    if !hello.ems && cx.config.require_extended_master_secret {
        return Err(PeerIncompatible::Unsupported(
            "server lacks the extended master secret (RFC 7627)",
        )
        .into());
    }
    // RFC 5246 §7.4.8: a CertificateVerify signs the handshake messages themselves, so they
    // are kept from the ClientHello on while a certificate may be asked for.
    let may_sign = cx.config.client_credential.is_some() || cx.config.pause_for_client_credential;
    let messages = match (may_sign, &transcript) {
        (true, Transcript::Buffered(hello)) => Some(hello.clone()),
        _ => None,
    };
    transcript.start_hash(hello.suite.hash);
    let mut hs = Handshake12 {
        suite: hello.suite,
        identity,
        randoms: Randoms {
            client: client_random,
            server: sh.random,
        },
        transcript,
        messages,
        ems: hello.ems,
        session_id: sh.session_id.to_vec(),
        expect_ticket: hello.expect_ticket,
        expect_status: hello.expect_status,
    };
    hs.add(msg.encoded);
    Ok(State::Certificate12(ExpectCertificate { hs }))
}

/// The abbreviated handshake (RFC 5246 §7.3 Figure 2; RFC 5077 §3.1 with a ticket).
fn resume(
    cx: &mut Common,
    hello: Hello12,
    sh: &ServerHello<'_>,
    client_random: [u8; 32],
    mut transcript: Transcript,
    msg: Message<'_>,
    session: StoredSession,
) -> Result<State, Error> {
    let Resumption::Tls12 {
        master_secret,
        suite,
        extended_master_secret,
        session_id,
        ..
    } = &session.resumption
    else {
        return Err(Error::Internal("a TLS 1.3 session in a TLS 1.2 resumption"));
    };
    // RFC 5246 §7.4.1.3: a resumed session keeps its cipher suite.
    if hello.suite != *suite {
        return Err(PeerMisbehaved::IllegalParameter("cipher suite of the resumed session").into());
    }
    // RFC 7627 §5.3: the extended master secret must be used exactly as in the original
    // session, else the client "MUST abort the handshake".
    if hello.ems != *extended_master_secret {
        return Err(PeerMisbehaved::ExtendedMasterSecretChanged.into());
    }
    transcript.start_hash(suite.hash);
    transcript.add(msg.encoded);
    cx.log_secret("CLIENT_RANDOM", master_secret);
    let (client_keys, server_keys) = key_block(suite, master_secret, &client_random, &sh.random)?;
    cx.negotiated.resumed = true;
    cx.negotiated.peer_certificates = session.peer_certificates.clone();
    cx.negotiated.verify_result = session.verify_result.clone();
    let finishing = Finishing {
        suite: *suite,
        master: master_secret.clone(),
        transcript,
        server_keys: Some(server_keys),
        client_keys: Some(client_keys),
        session_id: session_id.clone(),
        ems: hello.ems,
        ticket: None,
        resumed: Some(Box::new(session)),
    };
    Ok(match hello.expect_ticket {
        true => State::NewTicket12(ExpectNewTicket { f: finishing }),
        false => State::ChangeCipherSpec12(ExpectChangeCipherSpec { f: finishing }),
    })
}

/// What every TLS 1.2 handshake state carries.
pub(crate) struct Handshake12 {
    suite: Tls12Suite,
    identity: ServerIdentity,
    randoms: Randoms,
    transcript: Transcript,
    /// The handshake messages so far, kept only when a client credential is configured.
    messages: Option<Vec<u8>>,
    ems: bool,
    /// The session id the server assigned (empty: not cached by id).
    session_id: Vec<u8>,
    expect_ticket: bool,
    /// CertificateStatus may come next (the server echoed status_request; cleared once it
    /// came or the ServerKeyExchange did).
    expect_status: bool,
}

impl Handshake12 {
    /// Adds a handshake message to the transcript (and to the kept messages).
    fn add(&mut self, msg: &[u8]) {
        self.transcript.add(msg);
        if let Some(m) = &mut self.messages {
            m.extend_from_slice(msg);
        }
    }
}

/// Waiting for the server's Certificate.
pub(crate) struct ExpectCertificate {
    hs: Handshake12,
}

impl ExpectCertificate {
    pub fn handle(mut self, cx: &mut Common, msg: Message<'_>) -> Result<State, Error> {
        let certs = decode_certificate12(msg.body, cx.config.max_certificates)?;
        if certs.is_empty() {
            return Err(InvalidMessage::EmptyCertificateList.into());
        }
        let chain = certs
            .iter()
            .map(|c| CertificateDer::from(c.to_vec()))
            .collect();
        verify_server_chain(cx, &self.hs.identity, chain)?;
        self.hs.add(msg.encoded);
        Ok(State::ServerKeyExchange12(ExpectServerKeyExchange {
            hs: self.hs,
        }))
    }
}

/// Waiting for the ECDHE ServerKeyExchange.
pub(crate) struct ExpectServerKeyExchange {
    hs: Handshake12,
}

/// Whether a signature scheme fits the suite's authentication (RFC 8422 §5.4, RFC 5246 §7.4.3).
fn scheme_fits(auth: Tls12Auth, scheme: SignatureScheme) -> bool {
    use SignatureScheme as S;
    match auth {
        Tls12Auth::Ecdsa => matches!(
            scheme,
            S::ECDSA_SECP256R1_SHA256 | S::ECDSA_SECP384R1_SHA384 | S::ED25519
        ),
        Tls12Auth::Rsa => matches!(
            scheme,
            S::RSA_PKCS1_SHA256
                | S::RSA_PKCS1_SHA384
                | S::RSA_PKCS1_SHA512
                | S::RSA_PSS_RSAE_SHA256
                | S::RSA_PSS_RSAE_SHA384
                | S::RSA_PSS_RSAE_SHA512
        ),
    }
}

impl ExpectServerKeyExchange {
    /// RFC 6066 §8: CertificateStatus, between Certificate and ServerKeyExchange, only after
    /// the server echoed status_request, and at most once.
    pub fn handle_status(mut self, cx: &mut Common, msg: Message<'_>) -> Result<State, Error> {
        if !self.hs.expect_status {
            return Err(InvalidMessage::UnexpectedMessage {
                got: HandshakeType::CERTIFICATE_STATUS,
            }
            .into());
        }
        let response = decode_certificate_status(msg.body)?;
        cx.negotiated.ocsp_response = Some(response.into());
        self.hs.expect_status = false;
        self.hs.add(msg.encoded);
        Ok(State::ServerKeyExchange12(self))
    }

    pub fn handle(mut self, cx: &mut Common, msg: Message<'_>) -> Result<State, Error> {
        self.hs.expect_status = false;
        let ske = ServerKeyExchange::decode(msg.body)?;
        let config = cx.config.clone();
        // RFC 8422 §5.4: the curve must be one the client offered.
        if !config.groups.contains(&ske.group) {
            return Err(PeerMisbehaved::UnofferedGroup(ske.group).into());
        }
        // RFC 5246 §7.4.1.4.1: the scheme must be offered and fit the suite's key type.
        if !scheme_accepted(&config.signature_schemes, ske.scheme, false)
            || !scheme_fits(self.hs.suite.auth, ske.scheme)
        {
            return Err(PeerMisbehaved::UnofferedSignatureScheme(ske.scheme.0).into());
        }
        let mut signed = Vec::with_capacity(64 + ske.params.len());
        signed.extend_from_slice(&self.hs.randoms.client);
        signed.extend_from_slice(&self.hs.randoms.server);
        signed.extend_from_slice(ske.params);
        let end_entity = &cx.negotiated.peer_certificates[0];
        config
            .verifier
            .verify_tls12_signature(end_entity, ske.scheme, &signed, ske.signature)?;
        cx.negotiated.signature_scheme = Some(ske.scheme);
        cx.negotiated.group = Some(ske.group);
        let share = generate_key_share(ske.group, &*config.rng)?;
        let pre_master = agree(&share, ske.public)?;
        if config.keep_server_share {
            cx.negotiated.server_share = Some(ske.public.into());
        }
        self.hs.add(msg.encoded);
        Ok(State::ServerHelloDone12(ExpectServerHelloDone {
            hs: self.hs,
            public: share.public().to_vec(),
            pre_master,
            cert_requested: false,
            auth: None,
            request: None,
        }))
    }
}

/// Waiting for ServerHelloDone (or, first, a CertificateRequest).
pub(crate) struct ExpectServerHelloDone {
    hs: Handshake12,
    /// Our ECDHE public value for ClientKeyExchange.
    public: Vec<u8>,
    pre_master: SharedSecret,
    cert_requested: bool,
    /// The chain and scheme to answer the CertificateRequest with (`None`: an empty one).
    auth: Option<ClientAuth>,
    /// The request's certificate_types and supported_signature_algorithms, kept while the
    /// caller is asked for a certificate.
    request: Option<(Vec<u8>, Vec<SignatureScheme>)>,
}

fn record_key(suite: &Tls12Suite, keys: DirectionKeys) -> RecordKey {
    let kind = match suite.aead {
        AeadAlgorithm::Chacha20Poly1305 => RecordKind::Tls12XorNonce,
        _ => RecordKind::Tls12ExplicitNonce,
    };
    RecordKey::with_kind(keys.key, keys.iv, kind)
}

impl ExpectServerHelloDone {
    /// The caller's certificate for the CertificateRequest (`finish_client_credential`).
    pub fn use_client_credential(&mut self, cx: &Common, credential: Arc<ClientCredential>) {
        if let (Some((types, schemes)), Some(_)) = (&self.request, &self.hs.messages) {
            self.auth = with_credential12(&cx.config, credential, types, schemes);
        }
    }

    /// RFC 5246 §7.4.4: the client answers with its chain and a CertificateVerify when it has
    /// a fitting one, else with an empty Certificate (§7.4.6).
    pub fn handle_request(mut self, cx: &mut Common, msg: Message<'_>) -> Result<State, Error> {
        if self.cert_requested {
            return Err(InvalidMessage::UnexpectedMessage {
                got: HandshakeType::CERTIFICATE_REQUEST,
            }
            .into());
        }
        let req = CertificateRequest12::decode(msg.body)?;
        self.cert_requested = true;
        cx.negotiated.client_certificate_requested = true;
        cx.keep_certificate_request(&req.authorities, req.certificate_types, &req.schemes);
        if self.hs.messages.is_some() {
            self.auth = select12(&cx.config, &req);
        }
        if cx.pause_for_client_credential() {
            self.request = Some((req.certificate_types.to_vec(), req.schemes.clone()));
        }
        self.hs.add(msg.encoded);
        Ok(State::ServerHelloDone12(self))
    }

    pub fn handle(mut self, cx: &mut Common, msg: Message<'_>) -> Result<State, Error> {
        if !msg.body.is_empty() {
            return Err(InvalidMessage::TrailingData.into());
        }
        self.hs.add(msg.encoded);
        // OpenSSL's status callback point: the server's flight is in, the client's is next
        // (`ClientConnection::finish_status_check` sends it).
        if cx.pause_for_status_check() {
            return Ok(State::ClientFlight12(Box::new(self)));
        }
        self.send_flight(cx)
    }

    /// Sends the client's flight after ServerHelloDone.
    pub fn send_flight(self, cx: &mut Common) -> Result<State, Error> {
        let mut hs = self.hs;
        // RFC 5246 §7.3: Certificate, ClientKeyExchange, CertificateVerify, then
        // ChangeCipherSpec and Finished, all queued to leave in one write.
        let mut flight = Vec::with_capacity(128);
        match (&self.auth, self.cert_requested) {
            (Some(auth), _) => encode_certificate12(&mut flight, auth.credential.chain()),
            (None, true) => encode_empty_certificate12(&mut flight),
            (None, false) => {}
        }
        encode_client_key_exchange(&mut flight, &self.public);
        hs.add(&flight);

        // RFC 7627 §4: the session hash runs through ClientKeyExchange.
        let session_hash = hs.ems.then(|| hs.transcript.current_hash());
        if let (Some(auth), Some(messages)) = (&self.auth, &hs.messages) {
            // RFC 5246 §7.4.8: the signature covers every handshake message so far.
            let signature = auth.credential.key().sign(auth.scheme, messages)?;
            let at = flight.len();
            encode_certificate_verify(&mut flight, auth.scheme, &signature);
            hs.add(&flight[at..]);
            cx.negotiated.client_signature_scheme = Some(auth.scheme);
        }
        cx.send_handshake(&flight)?;
        let Handshake12 {
            suite,
            randoms,
            transcript,
            ems,
            session_id,
            expect_ticket,
            ..
        } = hs;
        let master = master_secret(
            &suite,
            &self.pre_master,
            session_hash.as_ref(),
            &randoms.client,
            &randoms.server,
        )?;
        cx.log_secret("CLIENT_RANDOM", &master);
        let (client_keys, server_keys) =
            key_block(&suite, &master, &randoms.client, &randoms.server)?;
        let mut f = Finishing {
            suite,
            master,
            transcript,
            server_keys: Some(server_keys),
            client_keys: Some(client_keys),
            session_id,
            ems,
            ticket: None,
            resumed: None,
        };
        f.send_finished(cx)?;
        Ok(match expect_ticket {
            true => State::NewTicket12(ExpectNewTicket { f }),
            false => State::ChangeCipherSpec12(ExpectChangeCipherSpec { f }),
        })
    }
}

/// The end of a TLS 1.2 handshake, full or abbreviated: the keys, the transcript, and what is
/// needed to store the session afterwards.
pub(crate) struct Finishing {
    suite: Tls12Suite,
    master: Secret,
    transcript: Transcript,
    /// Taken when the server's ChangeCipherSpec arrives.
    server_keys: Option<DirectionKeys>,
    /// Taken when our ChangeCipherSpec and Finished are sent.
    client_keys: Option<DirectionKeys>,
    session_id: Vec<u8>,
    ems: bool,
    /// The server's NewSessionTicket (RFC 5077 §3.3), if one came.
    ticket: Option<NewSessionTicket12>,
    /// The session being resumed, if any (boxed: most handshakes resume none).
    resumed: Option<Box<StoredSession>>,
}

impl Finishing {
    /// Sends change_cipher_spec and Finished under the new write key (RFC 5246 §7.4.9).
    fn send_finished(&mut self, cx: &mut Common) -> Result<(), Error> {
        let keys = self
            .client_keys
            .take()
            .ok_or(Error::Internal("client keys used twice"))?;
        cx.send_ccs();
        cx.write_key = Some(record_key(&self.suite, keys));
        let ours = verify_data(
            &self.suite,
            &self.master,
            b"client finished",
            &self.transcript.current_hash(),
        )?;
        cx.keep_finished(true, &ours);
        let mut finished = Vec::with_capacity(16);
        encode_finished(&mut finished, &ours);
        self.transcript.add(&finished);
        cx.send_handshake(&finished)
    }

    /// Keeps the session for resumption (RFC 5246 §7.3; RFC 5077 §3.3), when it is resumable.
    fn store_session(self, cx: &mut Common) {
        let now = cx.config.time.now();
        let issued = self.ticket.filter(|t| !t.ticket.is_empty());
        let lifetime = |hint: u32| match hint {
            0 => TLS12_SESSION_LIFETIME,
            h => h.min(MAX_TLS12_SESSION_LIFETIME),
        };
        let replaced = self.resumed.as_deref().cloned();
        let session = match self.resumed.map(|b| *b) {
            // A resumed session lives on, with the renewed ticket if one came.
            Some(mut old) => {
                if let (Some(t), Resumption::Tls12 { ticket, .. }) = (issued, &mut old.resumption) {
                    *ticket = t.ticket;
                    old.received = now;
                    old.lifetime = lifetime(t.lifetime_hint);
                }
                old
            }
            None => {
                let (ticket, hint) =
                    issued.map_or((Vec::new(), 0), |t| (t.ticket, t.lifetime_hint));
                StoredSession {
                    resumption: Resumption::Tls12 {
                        session_id: self.session_id,
                        ticket,
                        master_secret: self.master,
                        suite: self.suite,
                        extended_master_secret: self.ems,
                    },
                    lifetime: lifetime(hint),
                    received: now,
                    peer_certificates: cx.negotiated.peer_certificates.clone(),
                    verify_result: cx.negotiated.verify_result.clone(),
                    server_name: cx.session_key.clone(),
                }
            }
        };
        // RFC 7627 §5.3: a session without the extended master secret is not resumed; one
        // with neither id nor ticket cannot be.
        let resumable = session.extended_master_secret()
            && !(session.session_id().is_empty() && session.ticket().is_empty());
        if !resumable {
            return;
        }
        let new = replaced.is_none();
        cx.keep_session(session, replaced.as_ref(), new);
    }
}

/// Waiting for the NewSessionTicket the server promised (RFC 5077 §3.3): it comes before the
/// server's ChangeCipherSpec.
pub(crate) struct ExpectNewTicket {
    f: Finishing,
}

impl ExpectNewTicket {
    pub fn handle(mut self, _cx: &mut Common, msg: Message<'_>) -> Result<State, Error> {
        let ticket = NewSessionTicket12::decode(msg.body)?;
        self.f.transcript.add(msg.encoded);
        self.f.ticket = Some(ticket);
        Ok(State::ChangeCipherSpec12(ExpectChangeCipherSpec {
            f: self.f,
        }))
    }
}

/// Waiting for the server's ChangeCipherSpec.
pub(crate) struct ExpectChangeCipherSpec {
    f: Finishing,
}

impl ExpectChangeCipherSpec {
    pub fn handle(mut self, cx: &mut Common) -> Result<State, Error> {
        let keys = self
            .f
            .server_keys
            .take()
            .ok_or(Error::Internal("server keys used twice"))?;
        cx.pending_read_key = Some(record_key(&self.f.suite, keys));
        Ok(State::Finished12(ExpectFinished { f: self.f }))
    }
}

/// Waiting for the server's Finished.
pub(crate) struct ExpectFinished {
    f: Finishing,
}

impl ExpectFinished {
    pub fn handle(mut self, cx: &mut Common, msg: Message<'_>) -> Result<State, Error> {
        let expected = verify_data(
            &self.f.suite,
            &self.f.master,
            b"server finished",
            &self.f.transcript.current_hash(),
        )?;
        // RFC 5246 §7.4.9: a wrong verify_data -> decrypt_error.
        if !verify_tag_eq(&expected, msg.body) {
            return Err(PeerMisbehaved::FinishedMismatch.into());
        }
        cx.keep_finished(false, msg.body);
        // RFC 5246 §7.3 Figure 2: in an abbreviated handshake the client's ChangeCipherSpec
        // and Finished follow the server's.
        if self.f.resumed.is_some() {
            self.f.transcript.add(msg.encoded);
            self.f.send_finished(cx)?;
        }
        cx.exporter = Some(ExporterSecret::Tls12 {
            hash: self.f.suite.hash,
            master: SecretBytes::new(&[self.f.master.as_bytes()]),
        });
        self.f.store_session(cx);
        Ok(State::Established12(Established))
    }
}

/// The TLS 1.2 handshake is complete.
pub(crate) struct Established;

impl Established {
    pub fn handle(self, cx: &mut Common, msg: Message<'_>) -> Result<State, Error> {
        match msg.typ {
            // RFC 5746 §4.2 / RFC 5246 §7.4.1.1: renegotiation is refused with a
            // no_renegotiation warning; the connection carries on.
            HandshakeType::HELLO_REQUEST if msg.body.is_empty() => {
                // RFC 5246 §7.2.1: nothing more is sent after our close_notify.
                if !cx.sent_close {
                    cx.send_alert(ALERT_WARNING, AlertDescription::NO_RENEGOTIATION);
                }
                Ok(State::Established12(self))
            }
            HandshakeType::HELLO_REQUEST => Err(InvalidMessage::TrailingData.into()),
            got => Err(InvalidMessage::UnexpectedMessage { got }.into()),
        }
    }
}
