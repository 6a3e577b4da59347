//! The encrypted part of the TLS 1.3 handshake, in wire order (RFC 8446 §4.3-4.4):
//! EncryptedExtensions, [CertificateRequest], Certificate, CertificateVerify, Finished; then the
//! client's flight and post-handshake messages (NewSessionTicket, KeyUpdate; §4.6).

use rustls_pki_types::CertificateDer;

use std::sync::Arc;

use super::auth::{client_signed_content, select13, with_credential13, ClientAuth};
use super::session::{Resumption, StoredSession};
use super::{Common, ExporterSecret, ServerIdentity, SessionTicket, State, MAX_STORED_TICKETS};
use crate::config::{ClientCredential, VerifyMode};
use crate::error::{Error, InvalidMessage, PeerMisbehaved};
use crate::keys::schedule13::{
    finished_verify_data, next_traffic_secret, ticket_psk, traffic_key, HandshakeSecret,
    MasterSecret, TrafficSecrets,
};
use crate::keys::transcript::Transcript;
use crate::provider::{verify_tag_eq, Digest, Secret, Tls13Suite};
use crate::record::protect::RecordKey;
use crate::verify::scheme_accepted;
use crate::wire::enums::{ExtensionType, HandshakeType, SignatureScheme};
use crate::wire::extensions::{check_server_block, find, ServerMessage};
use crate::wire::handshake::{
    decode_alpn_selected, decode_certificate_status, decode_certificate_verify,
    decode_extensions_body, decode_key_update, encode_certificate, encode_certificate_verify,
    encode_empty_certificate, encode_finished, encode_key_update, Certificate, CertificateRequest,
    KeyUpdateRequest, Message, NewSessionTicket,
};

/// Everything the encrypted handshake states carry forward.
pub(crate) struct HandshakeContext {
    suite: Tls13Suite,
    transcript: Transcript,
    handshake: HandshakeSecret,
    secrets: TrafficSecrets,
    /// What to answer a CertificateRequest with, if one came.
    cert_request: Option<CertRequestAnswer>,
}

/// The client's answer to a CertificateRequest, decided when it arrives and sent after the
/// server's Finished (RFC 8446 §4.4.2).
struct CertRequestAnswer {
    /// certificate_request_context, echoed in the Certificate.
    context: Vec<u8>,
    /// The chain and scheme; `None` sends an empty Certificate.
    auth: Option<ClientAuth>,
    /// The request's signature_algorithms, kept while the caller is asked for a certificate.
    schemes: Vec<SignatureScheme>,
}

/// Waiting for EncryptedExtensions.
pub(crate) struct ExpectEncryptedExtensions {
    pub suite: Tls13Suite,
    pub identity: ServerIdentity,
    pub offered: Vec<ExtensionType>,
    pub transcript: Transcript,
    pub handshake: HandshakeSecret,
    pub secrets: TrafficSecrets,
    /// A PSK was accepted: no Certificate or CertificateVerify follow (RFC 8446 §2.2).
    pub resumed: bool,
}

impl ExpectEncryptedExtensions {
    pub fn handle(self, cx: &mut Common, msg: Message<'_>) -> Result<State, Error> {
        let block = decode_extensions_body(msg.body)?;
        check_server_block(&block, &self.offered, ServerMessage::EncryptedExtensions)?;
        // RFC 6066 §3: the server's server_name "SHALL be empty".
        if find(&block, ExtensionType::SERVER_NAME).is_some_and(|b| !b.is_empty()) {
            return Err(InvalidMessage::BadLength.into());
        }
        if let Some(body) = find(&block, ExtensionType::MAX_FRAGMENT_LENGTH) {
            cx.accept_max_fragment_length(body)?;
        }
        if let Some(body) = find(&block, ExtensionType::ALPN) {
            let proto = decode_alpn_selected(body)?;
            // RFC 7301 §3.2: the server's choice must be one the client offered.
            if !cx.config.alpn_protocols.iter().any(|p| p == proto) {
                return Err(PeerMisbehaved::UnofferedAlpnProtocol.into());
            }
            cx.negotiated.alpn = Some(proto.to_vec());
        }
        let mut transcript = self.transcript;
        transcript.add(msg.encoded);
        let hs = HandshakeContext {
            suite: self.suite,
            transcript,
            handshake: self.handshake,
            secrets: self.secrets,
            cert_request: None,
        };
        if self.resumed {
            return Ok(State::Finished(ExpectFinished { hs }));
        }
        Ok(State::CertificateOrRequest(ExpectCertificate {
            identity: self.identity,
            hs,
        }))
    }
}

/// Waiting for Certificate (or, first, an optional CertificateRequest).
pub(crate) struct ExpectCertificate {
    identity: ServerIdentity,
    hs: HandshakeContext,
}

impl ExpectCertificate {
    /// RFC 8446 §4.3.2: the client answers after the server's Finished, with its chain and a
    /// CertificateVerify when it has a fitting one, else with an empty Certificate.
    pub fn handle_request(mut self, cx: &mut Common, msg: Message<'_>) -> Result<State, Error> {
        let req = CertificateRequest::decode(msg.body)?;
        // RFC 8446 §4.3.2: the context "SHALL be zero length unless used for the
        // post-handshake authentication exchanges".
        if !req.context.is_empty() {
            return Err(PeerMisbehaved::IllegalParameter("certificate_request_context").into());
        }
        cx.negotiated.client_certificate_requested = true;
        cx.keep_certificate_request(&req.authorities, &[], &req.schemes);
        // The caller is asked after the server's CertificateVerify (as OpenSSL asks, so the
        // server's chain is known by then); the schemes are kept for its answer.
        let schemes = match cx.config.pause_for_client_credential {
            true => req.schemes.clone(),
            false => Vec::new(),
        };
        self.hs.cert_request = Some(CertRequestAnswer {
            context: req.context.to_vec(),
            auth: select13(&cx.config, &req),
            schemes,
        });
        self.hs.transcript.add(msg.encoded);
        Ok(State::Certificate(self))
    }

    pub fn handle(mut self, cx: &mut Common, msg: Message<'_>) -> Result<State, Error> {
        let cert = Certificate::decode(msg.body, cx.config.max_certificates)?;
        // RFC 8446 §4.4.2: for server authentication the context "SHALL be zero length".
        if !cert.context.is_empty() {
            return Err(PeerMisbehaved::IllegalParameter("certificate_request_context").into());
        }
        // RFC 8446 §4.4.2.4: an empty server Certificate -> decode_error.
        if cert.entries.is_empty() {
            return Err(InvalidMessage::EmptyCertificateList.into());
        }
        // RFC 8446 §4.4.2: an entry's extensions answer the ClientHello's; SCTs are never
        // asked for, status_request only with `request_ocsp`.
        let solicited: &[ExtensionType] = match cx.config.request_ocsp {
            true => &[ExtensionType::STATUS_REQUEST],
            false => &[],
        };
        for (i, entry) in cert.entries.iter().enumerate() {
            check_server_block(&entry.extensions, solicited, ServerMessage::Certificate)?;
            // RFC 8446 §4.4.2.1: the end-entity's status is in its own entry. Responses for
            // other certificates are checked and dropped, as OpenSSL drops them.
            if let Some(body) = find(&entry.extensions, ExtensionType::STATUS_REQUEST) {
                let response = decode_certificate_status(body)?;
                if i == 0 {
                    cx.negotiated.ocsp_response = Some(response.into());
                }
            }
        }
        let chain: Vec<CertificateDer<'static>> = cert
            .entries
            .iter()
            .map(|e| CertificateDer::from(e.cert.to_vec()))
            .collect();
        verify_server_chain(cx, &self.identity, chain)?;
        self.hs.transcript.add(msg.encoded);
        Ok(State::CertificateVerify(ExpectCertificateVerify {
            hs: self.hs,
        }))
    }
}

/// Verifies the server's chain for `identity` at the configured time, records the verdict and
/// the chain (kept even when the handshake stops here, as OpenSSL reports both after a failure),
/// and fails only when verification is enforced.
pub(crate) fn verify_server_chain(
    cx: &mut Common,
    identity: &ServerIdentity,
    chain: Vec<CertificateDer<'static>>,
) -> Result<(), Error> {
    let config = cx.config.clone();
    if config.pause_for_chain_verification {
        cx.negotiated.peer_certificates = chain;
        cx.pending = Some(super::Pending::ChainVerification);
        return Ok(());
    }
    let verdict = config.verifier.verify_server_cert(
        &chain[0],
        &chain[1..],
        identity.verify_name.as_ref(),
        config.time.now(),
    );
    cx.negotiated.verify_result = Some(verdict.clone());
    cx.negotiated.peer_certificates = chain;
    match (verdict, config.verify_mode) {
        (Err(e), VerifyMode::Enforce) => Err(Error::Certificate(e)),
        _ => Ok(()),
    }
}

/// RFC 8446 §4.4.3: 64 spaces, the context string, a zero byte, then the transcript hash.
const SERVER_SIGNATURE_CONTEXT: &[u8] = b"TLS 1.3, server CertificateVerify\x00";

/// The content a server's CertificateVerify signs over transcript hash `th` (RFC 8446 §4.4.3).
pub(crate) fn server_signed_content(th: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(64 + SERVER_SIGNATURE_CONTEXT.len() + th.len());
    m.extend_from_slice(&[0x20; 64]);
    m.extend_from_slice(SERVER_SIGNATURE_CONTEXT);
    m.extend_from_slice(th);
    m
}

/// Waiting for CertificateVerify.
pub(crate) struct ExpectCertificateVerify {
    hs: HandshakeContext,
}

impl ExpectCertificateVerify {
    pub fn handle(mut self, cx: &mut Common, msg: Message<'_>) -> Result<State, Error> {
        let (scheme, signature) = decode_certificate_verify(msg.body)?;
        // RFC 8446 §4.4.3: the scheme MUST be one the client offered in signature_algorithms.
        if !scheme_accepted(&cx.config.signature_schemes, scheme, true) {
            return Err(PeerMisbehaved::UnofferedSignatureScheme(scheme.0).into());
        }
        let content = server_signed_content(self.hs.transcript.current_hash().as_bytes());
        let end_entity = &cx.negotiated.peer_certificates[0];
        cx.config
            .verifier
            .verify_tls13_signature(end_entity, scheme, &content, signature)?;
        cx.negotiated.signature_scheme = Some(scheme);
        self.hs.transcript.add(msg.encoded);
        // A certificate asked for is chosen now that the server has proved its key (where
        // OpenSSL asks, so its chain is known to the caller).
        if self.hs.cert_request.is_some() {
            cx.pause_for_client_credential();
        }
        Ok(State::Finished(ExpectFinished { hs: self.hs }))
    }
}

/// Waiting for the server's Finished.
pub(crate) struct ExpectFinished {
    hs: HandshakeContext,
}

impl ExpectFinished {
    /// The caller's certificate for the CertificateRequest (`finish_client_credential`).
    pub fn use_client_credential(&mut self, cx: &Common, credential: Arc<ClientCredential>) {
        if let Some(answer) = &mut self.hs.cert_request {
            answer.auth = with_credential13(&cx.config, credential, &answer.schemes);
        }
    }

    pub fn handle(self, cx: &mut Common, msg: Message<'_>) -> Result<State, Error> {
        let HandshakeContext {
            suite,
            mut transcript,
            handshake,
            secrets,
            cert_request,
        } = self.hs;
        let hash = suite.hash;
        // RFC 8446 §4.4.4: "Recipients of Finished messages MUST verify that the contents are
        // correct and if incorrect MUST terminate the connection with a decrypt_error alert."
        let expected = finished_verify_data(hash, &secrets.server, &transcript.current_hash());
        if !verify_tag_eq(expected.as_bytes(), msg.body) {
            return Err(PeerMisbehaved::FinishedMismatch.into());
        }
        cx.keep_finished(false, msg.body);
        transcript.add(msg.encoded);
        let master = handshake.into_master();
        let server_finished_hash = transcript.current_hash();
        let app = master.traffic_secrets(&server_finished_hash);
        // In the order OpenSSL logs them: the read side's, then the write side's. The exporter
        // secret is otherwise derived when first asked for.
        if cx.config.key_log.is_some() {
            cx.log_secret(
                "EXPORTER_SECRET",
                &master.exporter_secret(&server_finished_hash),
            );
        }
        cx.log_secret("SERVER_TRAFFIC_SECRET_0", &app.server);
        cx.log_secret("CLIENT_HANDSHAKE_TRAFFIC_SECRET", &secrets.client);
        cx.log_secret("CLIENT_TRAFFIC_SECRET_0", &app.client);
        let (rk, riv) = traffic_key(&suite, &app.server)?;
        cx.pending_read_key = Some(RecordKey::new(rk, riv));
        let respond = SecondFlight {
            suite,
            transcript,
            client_handshake_secret: secrets.client,
            cert_request,
            master,
            app,
            server_finished_hash,
        };
        // OpenSSL's status callback point: after the server's Finished, before the client's
        // flight (`ClientConnection::finish_status_check` sends it).
        if cx.pause_for_status_check() {
            return Ok(State::SecondFlight(Box::new(respond)));
        }
        respond.send(cx)
    }
}

/// The server's flight is complete and checked; the client's flight (its certificate, if
/// asked for, and Finished) is next.
pub(crate) struct SecondFlight {
    suite: Tls13Suite,
    transcript: Transcript,
    client_handshake_secret: Secret,
    cert_request: Option<CertRequestAnswer>,
    master: MasterSecret,
    app: TrafficSecrets,
    server_finished_hash: Digest,
}

impl SecondFlight {
    /// Sends the client's flight and installs the application write key.
    pub fn send(self, cx: &mut Common) -> Result<State, Error> {
        let Self {
            suite,
            mut transcript,
            client_handshake_secret,
            cert_request,
            master,
            app,
            server_finished_hash,
        } = self;
        let hash = suite.hash;
        // The client's second flight, queued together so it leaves in one write.
        cx.send_compat_ccs();
        let mut flight = Vec::with_capacity(128);
        // The certificate sent now also answers post-handshake requests.
        let sent_credential = cert_request
            .as_ref()
            .and_then(|a| a.auth.as_ref())
            .map(|a| a.credential.clone());
        if let Some(answer) = cert_request {
            send_client_certificate(cx, &mut flight, &mut transcript, answer)?;
        }
        let verify_data =
            finished_verify_data(hash, &client_handshake_secret, &transcript.current_hash());
        let at = flight.len();
        cx.keep_finished(true, verify_data.as_bytes());
        encode_finished(&mut flight, verify_data.as_bytes());
        transcript.add(&flight[at..]);
        cx.send_handshake(&flight)?;
        let (wk, wiv) = traffic_key(&suite, &app.client)?;
        cx.write_key = Some(RecordKey::new(wk, wiv));
        let resumption = master.resumption_secret(&transcript.current_hash());
        // RFC 8446 §7.5: exporters work from the transcript through server Finished.
        cx.exporter = Some(ExporterSecret::Tls13 {
            hash,
            master_and_hash: master.into_exporter_inputs(&server_finished_hash),
        });
        // RFC 8446 §4.4: a post-handshake request's context starts from here.
        let pha = cx.config.post_handshake_auth.then(|| {
            Box::new(PostHandshakeAuth {
                transcript: transcript.clone(),
                credential: sent_credential.or_else(|| cx.config.client_credential.clone()),
            })
        });
        Ok(State::Established(Established {
            suite,
            client_secret: app.client,
            server_secret: app.server,
            resumption,
            pha,
        }))
    }
}

/// Appends the client's Certificate and, with a credential, its CertificateVerify to `flight`
/// and the transcript (RFC 8446 §4.4.2, §4.4.3).
fn send_client_certificate(
    cx: &mut Common,
    flight: &mut Vec<u8>,
    transcript: &mut Transcript,
    answer: CertRequestAnswer,
) -> Result<(), Error> {
    let Some(auth) = answer.auth else {
        // RFC 8446 §4.4.2.3: no suitable certificate -> an empty Certificate.
        let at = flight.len();
        encode_empty_certificate(flight, &answer.context);
        transcript.add(&flight[at..]);
        return Ok(());
    };
    let at = flight.len();
    encode_certificate(flight, &answer.context, auth.credential.chain());
    transcript.add(&flight[at..]);
    // RFC 8446 §4.4.3: the signature covers the transcript through the client's Certificate.
    let content = client_signed_content(transcript.current_hash().as_bytes());
    let signature = auth.credential.key().sign(auth.scheme, &content)?;
    let at = flight.len();
    encode_certificate_verify(flight, auth.scheme, &signature);
    transcript.add(&flight[at..]);
    cx.negotiated.client_signature_scheme = Some(auth.scheme);
    Ok(())
}

/// The handshake is complete; post-handshake messages arrive here (RFC 8446 §4.6).
pub(crate) struct Established {
    suite: Tls13Suite,
    client_secret: Secret,
    server_secret: Secret,
    resumption: Secret,
    /// Kept when post_handshake_auth was offered (boxed: most connections do not offer it).
    pha: Option<Box<PostHandshakeAuth>>,
}

/// What answering a post-handshake CertificateRequest needs (RFC 8446 §4.6.2).
pub(crate) struct PostHandshakeAuth {
    /// The transcript through the client's Finished.
    transcript: Transcript,
    /// The certificate to answer with: the one sent in the handshake, else the configured
    /// one.
    credential: Option<Arc<ClientCredential>>,
}

impl Established {
    pub fn handle(mut self, cx: &mut Common, msg: Message<'_>) -> Result<State, Error> {
        match msg.typ {
            HandshakeType::NEW_SESSION_TICKET => {
                let ticket = NewSessionTicket::decode(msg.body)?;
                let psk = ticket_psk(self.suite.hash, &self.resumption, &ticket.nonce);
                let stored = StoredSession {
                    resumption: Resumption::Tls13 {
                        ticket: ticket.ticket.clone(),
                        psk: psk.clone(),
                        suite: self.suite,
                        age_add: ticket.age_add,
                    },
                    lifetime: ticket.lifetime,
                    received: cx.config.time.now(),
                    peer_certificates: cx.negotiated.peer_certificates.clone(),
                    verify_result: cx.negotiated.verify_result.clone(),
                    server_name: cx.session_key.clone(),
                };
                // RFC 8446 §4.6.1: a lifetime of zero means "do not cache".
                if ticket.lifetime > 0 {
                    cx.keep_session(stored, None, true);
                }
                if cx.tickets.len() == MAX_STORED_TICKETS {
                    cx.tickets.pop_front();
                }
                cx.tickets.push_back(SessionTicket {
                    ticket,
                    suite: self.suite,
                    psk,
                });
            }
            HandshakeType::KEY_UPDATE => {
                let request = decode_key_update(msg.body)?;
                // RFC 8446 §4.6.3: update the receiving key ...
                self.server_secret = next_traffic_secret(self.suite.hash, &self.server_secret);
                let (k, iv) = traffic_key(&self.suite, &self.server_secret)?;
                cx.pending_read_key = Some(RecordKey::new(k, iv));
                // ... and answer update_requested with our own KeyUpdate before any more data.
                // RFC 8446 §6.1: nothing more is sent after our close_notify.
                if request == KeyUpdateRequest::Requested && !cx.sent_close {
                    self.update_write_key(cx, false)?;
                }
            }
            // RFC 8446 §4.6.2: only after the client offered post_handshake_auth.
            HandshakeType::CERTIFICATE_REQUEST if self.pha.is_some() => {
                self.answer_certificate_request(cx, msg)?;
            }
            got => return Err(InvalidMessage::UnexpectedMessage { got }.into()),
        }
        Ok(State::Established(self))
    }

    /// RFC 8446 §4.6.2: answers a post-handshake CertificateRequest with a Certificate (the
    /// handshake's or the configured credential if it fits the request, else empty,
    /// §4.4.2.3), a
    /// CertificateVerify with a credential, and a Finished keyed from the current client
    /// traffic secret (§4.4), over the transcript through the client's Finished and then
    /// this exchange alone (§4.4: each request's context is independent).
    fn answer_certificate_request(&self, cx: &mut Common, msg: Message<'_>) -> Result<(), Error> {
        let Some(pha) = &self.pha else {
            return Err(InvalidMessage::UnexpectedMessage {
                got: HandshakeType::CERTIFICATE_REQUEST,
            }
            .into());
        };
        let req = CertificateRequest::decode(msg.body)?;
        cx.negotiated.client_certificate_requested = true;
        cx.keep_certificate_request(&req.authorities, &[], &req.schemes);
        // RFC 8446 §6.1: nothing more is sent after our close_notify.
        if cx.sent_close {
            return Ok(());
        }
        let mut transcript = pha.transcript.clone();
        transcript.add(msg.encoded);
        let auth = pha
            .credential
            .clone()
            .and_then(|c| with_credential13(&cx.config, c, &req.schemes));
        let answer = CertRequestAnswer {
            context: req.context.to_vec(),
            auth,
            schemes: Vec::new(),
        };
        let mut flight = Vec::with_capacity(128);
        send_client_certificate(cx, &mut flight, &mut transcript, answer)?;
        let verify_data = finished_verify_data(
            self.suite.hash,
            &self.client_secret,
            &transcript.current_hash(),
        );
        encode_finished(&mut flight, verify_data.as_bytes());
        cx.send_handshake(&flight)
    }

    /// Sends KeyUpdate(update_not_requested) and switches to the next write key.
    pub fn update_write_key(&mut self, cx: &mut Common, request_peer: bool) -> Result<(), Error> {
        let mut msg = Vec::with_capacity(5);
        // RFC 8446 §4.6.3: update_requested asks the server to answer with a KeyUpdate of its
        // own; our read key then moves when that answer arrives.
        let request = if request_peer {
            KeyUpdateRequest::Requested
        } else {
            KeyUpdateRequest::NotRequested
        };
        encode_key_update(&mut msg, request);
        cx.send_handshake(&msg)?;
        self.client_secret = next_traffic_secret(self.suite.hash, &self.client_secret);
        let (k, iv) = traffic_key(&self.suite, &self.client_secret)?;
        cx.write_key = Some(RecordKey::new(k, iv));
        Ok(())
    }
}
