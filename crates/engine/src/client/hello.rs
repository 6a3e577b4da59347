//! ClientHello, and ServerHello / HelloRetryRequest processing: version negotiation and the
//! downgrade check (RFC 8446 §4.1.3), the retry rules (§4.1.4), key exchange and the
//! handshake traffic keys (§7.1).

use super::session::{Resumption, StoredSession};
use super::tls13::ExpectEncryptedExtensions;
use super::{Common, ServerIdentity, State};
use crate::error::{ApiMisuse, Error, PeerIncompatible, PeerMisbehaved};
use crate::keys::schedule13::{traffic_key, EarlySecret};
use crate::keys::transcript::Transcript;
use crate::provider::{agree, generate_key_share, tls13_suite, KeyShare, Tls13Suite};
use crate::record::protect::RecordKey;
use crate::verify::{OfferedSchemes, CERT_SCHEMES};
use crate::wire::enums::{ExtensionType, ProtocolVersion};
use crate::wire::extensions::{check_server_block, find, ServerMessage};
use crate::wire::handshake::{
    binders_wire_len, decode_cookie, decode_selected_group, decode_selected_identity,
    decode_selected_version, decode_server_share, ClientHello, Message, ServerHello,
    DOWNGRADE_TLS11, DOWNGRADE_TLS12,
};

/// What stays the same between ClientHello1 and ClientHello2 (RFC 8446 §4.1.2).
pub(crate) struct HelloParams {
    pub random: [u8; 32],
    pub session_id: Vec<u8>,
    pub identity: ServerIdentity,
    /// The session_ticket extension body, when sent (TLS 1.2 offered, tickets on).
    pub ticket12: Option<Vec<u8>>,
}

/// Sends ClientHello and returns the state that waits for ServerHello.
pub(crate) fn start(
    cx: &mut Common,
    identity: ServerIdentity,
    session: Option<StoredSession>,
) -> Result<State, Error> {
    let config = cx.config.clone();
    let tls13 = config.enable_tls13 && !config.tls13_suites.is_empty();
    let tls12 = config.enable_tls12 && !config.tls12_suites.is_empty();
    if !(tls13 || tls12) || config.groups.is_empty() {
        return Err(Error::Api(ApiMisuse::NothingEnabled));
    }
    // RFC 8446 §4.2.3: signature_algorithms holds at least one scheme.
    if OfferedSchemes::new(&config.signature_schemes, tls12)
        .as_slice()
        .is_empty()
    {
        return Err(Error::Api(ApiMisuse::NoSignatureSchemes));
    }
    // RFC 7301 §3.1: "Empty strings MUST NOT be included"; names are at most 255 bytes.
    if config
        .alpn_protocols
        .iter()
        .any(|p| p.is_empty() || p.len() > 255)
    {
        return Err(Error::Api(ApiMisuse::InvalidAlpnProtocol));
    }
    // Sessions are kept under the SNI, else the name the certificate is checked against.
    cx.session_key = identity.sni.clone().or_else(|| {
        identity
            .verify_name
            .as_ref()
            .map(|n| n.to_str().into_owned())
    });
    let now = config.time.now();
    let usable = |s: &StoredSession| {
        s.is_valid_at(now)
            // RFC 8446 §4.6.1 (and RFC 6066 §3): only for the name the session was made for
            // (a session that names none, as one saved by OpenSSL, is the caller's choice).
            && (s.server_name.is_none() || s.server_name == cx.session_key)
            && match &s.resumption {
                Resumption::Tls13 { suite, .. } => tls13 && config.tls13_suites.contains(suite),
                // RFC 7627 §5.3: a session without the extended master secret is not offered.
                Resumption::Tls12 {
                    suite,
                    extended_master_secret,
                    session_id,
                    ticket,
                    ..
                } => {
                    tls12
                        && *extended_master_secret
                        && config.tls12_suites.contains(suite)
                        && (!session_id.is_empty()
                            || (!ticket.is_empty() && config.tls12_session_tickets))
                }
            }
    };
    // A session the caller chose comes first (OpenSSL's SSL_set_session); else the store's.
    let resuming = session.filter(usable).or_else(|| {
        let store = config.session_store.as_ref()?;
        store.take(cx.session_key.as_ref()?, now).filter(usable)
    });
    // RFC 5077 §3.2: with TLS 1.2 the client asks for a ticket with an empty extension, or
    // offers the one it holds.
    let ticket12 = (tls12 && config.tls12_session_tickets).then(|| {
        resuming
            .as_ref()
            .map_or_else(Vec::new, |s| s.ticket12().to_vec())
    });
    // Draw order: random, session id, key share (the order of RFC 8448's recorded pools); the
    // first two in one draw.
    let mut drawn = [0u8; 64];
    let drawn = &mut drawn[..if config.middlebox_compat { 64 } else { 32 }];
    config.rng.fill(drawn)?;
    let (random_part, id_part) = drawn.split_at(32);
    let mut random = [0u8; 32];
    random.copy_from_slice(random_part);
    cx.negotiated.client_random = Some(random);
    let mut session_id = id_part.to_vec();
    if let Some(id) = resuming.as_ref().map(StoredSession::session_id) {
        if !id.is_empty() {
            // RFC 5246 §7.4.1.2 (and RFC 8446 §4.1.2 for a TLS 1.3-capable client): the
            // session id of the session to resume.
            session_id = id.to_vec();
        } else if session_id.is_empty() && ticket12.as_ref().is_some_and(|t| !t.is_empty()) {
            // RFC 5077 §3.4: a fresh session id lets an accepted ticket be told apart.
            session_id = vec![0u8; 32];
            config.rng.fill(&mut session_id)?;
        }
    }
    // TLS 1.2 draws its ECDHE key once the server has picked the group.
    let share = match tls13 {
        true => Some(generate_key_share(config.groups[0], &*config.rng)?),
        false => None,
    };
    let params = HelloParams {
        random,
        session_id,
        identity,
        ticket12,
    };
    send_hello(
        cx,
        params,
        share,
        Transcript::new(),
        None,
        None,
        resuming.map(Box::new),
    )
}

/// Builds, queues and records a ClientHello, returning the state that waits for the answer.
fn send_hello(
    cx: &mut Common,
    #[allow(unused_mut)] mut params: HelloParams,
    share: Option<KeyShare>,
    mut transcript: Transcript,
    cookie: Option<Vec<u8>>,
    retry_suite: Option<Tls13Suite>,
    resuming: Option<Box<StoredSession>>,
) -> Result<State, Error> {
    let config = cx.config.clone();
    // RFC 8446 §4.1.4: after a HelloRetryRequest the PSK is offered again only if its hash
    // matches the suite the server chose.
    let resuming = resuming.filter(|s| match (&s.resumption, retry_suite) {
        (_, None) => true,
        (Resumption::Tls13 { suite, .. }, Some(r)) => r.hash == suite.hash,
        // A HelloRetryRequest means TLS 1.3: a TLS 1.2 session cannot be resumed.
        (Resumption::Tls12 { .. }, Some(_)) => false,
    });
    let now = config.time.now();
    let tls12 = config.enable_tls12 && !config.tls12_suites.is_empty();
    let mut suites = Vec::with_capacity(10);
    if share.is_some() {
        suites.extend(config.tls13_suites.iter().map(|s| s.suite));
    }
    if tls12 {
        suites.extend(config.tls12_suites.iter().map(|s| s.suite));
    }
    let versions: &[ProtocolVersion] = match tls12 {
        true => &[ProtocolVersion::TLS13, ProtocolVersion::TLS12],
        false => &[ProtocolVersion::TLS13],
    };
    let schemes = OfferedSchemes::new(&config.signature_schemes, tls12);
    let hello = ClientHello {
        random: params.random,
        session_id: &params.session_id,
        cipher_suites: &suites,
        server_name: params.identity.sni.as_deref(),
        status_request: config.request_ocsp,
        max_fragment_length: config
            .max_fragment_length
            .map(crate::config::MaxFragmentLength::code),
        groups: &config.groups,
        signature_schemes: schemes.as_slice(),
        // RFC 8446 §4.2.3: without signature_algorithms_cert, signature_algorithms would also
        // govern the certificates' signatures. It is sent whatever `signature_schemes` holds,
        // naming what chain verification accepts: a restricted list limits the handshake
        // signature only, as in OpenSSL, whose client leaves chains to X509_verify_cert.
        cert_signature_schemes: CERT_SCHEMES,
        key_share: share.as_ref().map(|s| (s.group(), s.public())),
        post_handshake_auth: config.post_handshake_auth && share.is_some(),
        versions,
        alpn: &config.alpn_protocols,
        cookie: cookie.as_deref(),
        tls12,
        session_ticket: params.ticket12.as_deref(),
        psk: resuming.as_ref().and_then(|r| match &r.resumption {
            Resumption::Tls13 { ticket, suite, .. } => Some((
                ticket.as_slice(),
                r.obfuscated_age(now),
                suite.hash.output_len(),
            )),
            Resumption::Tls12 { .. } => None,
        }),
    };
    let mut encoded = Vec::with_capacity(512);
    hello.encode(&mut encoded);
    let mut psk_early = None;
    if let Some(Resumption::Tls13 { psk, suite, .. }) = resuming.as_ref().map(|r| &r.resumption) {
        // RFC 8446 §4.2.11.2: the binder covers the transcript up to the binders list.
        let binder_len = suite.hash.output_len();
        let truncated = encoded.len() - binders_wire_len(binder_len);
        let th = transcript.hash_with(suite.hash, &encoded[..truncated]);
        let early = EarlySecret::with_psk(suite.hash, psk);
        let binder = early.resumption_binder(&th);
        psk_early = Some(Box::new(early));
        let at = encoded.len() - binder_len;
        encoded[at..].copy_from_slice(binder.as_bytes());
    }
    #[allow(unused_mut)]
    let mut offered = hello.extension_types();
    #[cfg(test)]
    if let Some(recorded) = cx.recorded_hellos.pop_front() {
        encoded = use_recorded_hello(recorded, &mut params, &mut offered)?;
    }
    if retry_suite.is_none() {
        cx.send_initial_hello(&encoded);
    } else {
        cx.send_handshake(&encoded)?;
    }
    transcript.add(&encoded);
    Ok(State::ServerHello(ExpectServerHello {
        params,
        share,
        transcript,
        offered,
        retry_suite,
        offers_tls12: tls12,
        resuming,
        psk_early,
    }))
}

/// Waiting for ServerHello or HelloRetryRequest.
pub(crate) struct ExpectServerHello {
    pub params: HelloParams,
    /// The TLS 1.3 key share (`None` when only TLS 1.2 is offered).
    pub share: Option<KeyShare>,
    pub transcript: Transcript,
    /// Extension types our last ClientHello sent.
    pub offered: Vec<ExtensionType>,
    /// The suite a HelloRetryRequest chose; `Some` once one was received.
    pub retry_suite: Option<Tls13Suite>,
    /// Whether TLS 1.2 was offered.
    pub offers_tls12: bool,
    /// The session offered for resumption, if any (boxed: most handshakes offer none).
    pub resuming: Option<Box<StoredSession>>,
    /// The Early Secret of the PSK offered (computed for its binder), if any.
    pub psk_early: Option<Box<EarlySecret>>,
}

impl ExpectServerHello {
    pub fn handle(self, cx: &mut Common, msg: Message<'_>) -> Result<State, Error> {
        let sh = ServerHello::decode(msg.body)?;
        if !sh.is_retry_request() {
            cx.negotiated.server_random = Some(sh.random);
        }
        let Some(version) = find(&sh.extensions, ExtensionType::SUPPORTED_VERSIONS) else {
            return self.handle_legacy_version(cx, &sh, msg);
        };
        // RFC 8446 §4.1.3: the echo MUST match what the client sent.
        if sh.session_id != self.params.session_id.as_slice() {
            return Err(PeerMisbehaved::SessionIdMismatch.into());
        }
        if self.share.is_none() {
            // TLS 1.3 was not offered, so supported_versions was not sent.
            return Err(
                PeerMisbehaved::UnsolicitedExtension(ExtensionType::SUPPORTED_VERSIONS.0).into(),
            );
        }
        // RFC 8446 §4.2.1: a version not offered, or before TLS 1.3 -> illegal_parameter.
        if decode_selected_version(version)? != ProtocolVersion::TLS13 {
            return Err(PeerMisbehaved::IllegalParameter("supported_versions").into());
        }
        if sh.compression != 0 {
            return Err(PeerMisbehaved::NonNullCompression.into());
        }
        let suite = tls13_suite(sh.cipher_suite)
            .filter(|s| cx.config.tls13_suites.contains(s))
            .ok_or(PeerMisbehaved::UnofferedCipherSuite(sh.cipher_suite))?;
        if sh.is_retry_request() {
            self.handle_retry(cx, &sh, suite, msg)
        } else {
            self.handle_server_hello(cx, &sh, suite, msg)
        }
    }

    /// A ServerHello without supported_versions selects TLS 1.2 or older (RFC 8446 §4.1.3).
    fn handle_legacy_version(
        self,
        cx: &mut Common,
        sh: &ServerHello<'_>,
        msg: Message<'_>,
    ) -> Result<State, Error> {
        let config = cx.config.clone();
        // RFC 8446 §4.1.4: after a HelloRetryRequest the version may not change.
        if self.retry_suite.is_some() {
            return Err(PeerMisbehaved::IllegalParameter("supported_versions").into());
        }
        // RFC 8446 §4.1.3: a client that could have done TLS 1.3 "MUST check" the sentinels and
        // abort with illegal_parameter.
        let tail = &sh.random[24..];
        if self.share.is_some() && (tail == DOWNGRADE_TLS12 || tail == DOWNGRADE_TLS11) {
            return Err(PeerMisbehaved::DowngradeSentinel.into());
        }
        let tls12 = config.enable_tls12 && !config.tls12_suites.is_empty();
        if sh.legacy_version != ProtocolVersion::TLS12 {
            return Err(PeerIncompatible::UnsupportedVersion(sh.legacy_version.0).into());
        }
        if !tls12 {
            return Err(PeerIncompatible::Tls12NotEnabled.into());
        }
        // RFC 5246 §7.4.1.3: an echo of our session id means the server resumes it (RFC 5077
        // §3.4 for a ticket); one we offered no session for was never ours.
        let resumed = match self.resuming {
            _ if sh.session_id.is_empty() || sh.session_id != self.params.session_id => None,
            Some(session) if session.version() == ProtocolVersion::TLS12 => Some(*session),
            _ => {
                return Err(
                    PeerMisbehaved::IllegalParameter("resumption of an unknown session").into(),
                )
            }
        };
        super::tls12::handle_server_hello(
            cx,
            sh,
            &self.offered,
            super::tls12::Start {
                identity: self.params.identity,
                client_random: self.params.random,
                transcript: self.transcript,
                resumed,
            },
            msg,
        )
    }

    /// RFC 8446 §4.1.4.
    fn handle_retry(
        mut self,
        cx: &mut Common,
        hrr: &ServerHello<'_>,
        suite: Tls13Suite,
        msg: Message<'_>,
    ) -> Result<State, Error> {
        if self.retry_suite.is_some() {
            return Err(PeerMisbehaved::SecondHelloRetryRequest.into());
        }
        check_server_block(
            &hrr.extensions,
            &self.offered,
            ServerMessage::HelloRetryRequest,
        )?;
        let cookie = find(&hrr.extensions, ExtensionType::COOKIE)
            .map(decode_cookie)
            .transpose()?;
        let group = find(&hrr.extensions, ExtensionType::KEY_SHARE)
            .map(decode_selected_group)
            .transpose()?;
        if cookie.is_none() && group.is_none() {
            return Err(PeerMisbehaved::HelloRetryRequestChangesNothing.into());
        }
        let config = cx.config.clone();
        let current = self.share.ok_or(PeerMisbehaved::UnsolicitedExtension(
            ExtensionType::SUPPORTED_VERSIONS.0,
        ))?;
        let share = match group {
            Some(g) if !config.groups.contains(&g) => {
                return Err(PeerMisbehaved::UnofferedGroup(g).into());
            }
            Some(g) if g == current.group() => {
                return Err(PeerMisbehaved::HelloRetryRequestForOfferedShare.into());
            }
            Some(g) => generate_key_share(g, &*config.rng)?,
            None => current,
        };
        self.transcript.rewrite_for_retry(suite.hash);
        self.transcript.add(msg.encoded);
        cx.negotiated.hello_retried = true;
        // RFC 8446 §D.4: the compatibility CCS goes before the second ClientHello.
        cx.send_compat_ccs();
        send_hello(
            cx,
            self.params,
            Some(share),
            self.transcript,
            cookie.map(<[u8]>::to_vec),
            Some(suite),
            self.resuming,
        )
    }

    fn handle_server_hello(
        mut self,
        cx: &mut Common,
        sh: &ServerHello<'_>,
        suite: Tls13Suite,
        msg: Message<'_>,
    ) -> Result<State, Error> {
        check_server_block(&sh.extensions, &self.offered, ServerMessage::ServerHello)?;
        // RFC 8446 §4.1.4: the suite MUST match the HelloRetryRequest's.
        if self.retry_suite.is_some_and(|s| s != suite) {
            return Err(PeerMisbehaved::CipherSuiteChangedAfterRetry.into());
        }
        let share = find(&sh.extensions, ExtensionType::KEY_SHARE)
            .ok_or(PeerMisbehaved::MissingExtension("key_share"))?;
        let (group, public) = decode_server_share(share)?;
        let ours = self
            .share
            .as_ref()
            .ok_or(PeerMisbehaved::UnsolicitedExtension(
                ExtensionType::KEY_SHARE.0,
            ))?;
        if group != ours.group() {
            return Err(PeerMisbehaved::WrongKeyShareGroup(group).into());
        }
        let shared = agree(ours, public)?;
        if cx.config.keep_server_share {
            cx.negotiated.server_share = Some(public.into());
        }
        let psk = match find(&sh.extensions, ExtensionType::PRE_SHARED_KEY) {
            Some(body) => {
                // RFC 8446 §4.2.11: the identity must be one offered (we offer one), and the
                // suite's hash the PSK's.
                if decode_selected_identity(body)? != 0 {
                    return Err(PeerMisbehaved::IllegalParameter("selected_identity").into());
                }
                let session = self.resuming.take();
                let Some((psk_suite, psk)) = session.as_ref().and_then(|s| match &s.resumption {
                    Resumption::Tls13 { suite, psk, .. } => Some((*suite, psk.clone())),
                    Resumption::Tls12 { .. } => None,
                }) else {
                    return Err(PeerMisbehaved::UnsolicitedExtension(
                        ExtensionType::PRE_SHARED_KEY.0,
                    )
                    .into());
                };
                if psk_suite.hash != suite.hash {
                    return Err(PeerMisbehaved::IllegalParameter("PSK hash").into());
                }
                session.map(|s| (s, psk))
            }
            None => None,
        };

        self.transcript.start_hash(suite.hash);
        self.transcript.add(msg.encoded);
        let early = match &psk {
            Some((_, key)) => self
                .psk_early
                .take()
                .map_or_else(|| EarlySecret::with_psk(suite.hash, key), |e| *e),
            None => EarlySecret::without_psk(suite.hash),
        };
        let hs = early.into_handshake(&shared);
        if let Some((session, _)) = psk.as_ref() {
            // A resumed session authenticates through the PSK; report what the original
            // handshake verified.
            cx.negotiated.resumed = true;
            cx.negotiated.peer_certificates = session.peer_certificates.clone();
            cx.negotiated.verify_result = session.verify_result.clone();
        }
        let secrets = hs.traffic_secrets(&self.transcript.current_hash());
        // The client's handshake secret is logged with its first use, after the server's
        // Finished (OpenSSL's order).
        cx.log_secret("SERVER_HANDSHAKE_TRAFFIC_SECRET", &secrets.server);
        let (rk, riv) = traffic_key(&suite, &secrets.server)?;
        let (wk, wiv) = traffic_key(&suite, &secrets.client)?;
        cx.pending_read_key = Some(RecordKey::new(rk, riv));
        cx.write_key = Some(RecordKey::new(wk, wiv));
        cx.negotiated.version = Some(ProtocolVersion::TLS13);
        cx.negotiated.suite = Some(suite);
        cx.negotiated.cipher_suite = Some(suite.suite);
        cx.negotiated.group = Some(group);
        Ok(State::EncryptedExtensions(ExpectEncryptedExtensions {
            suite,
            identity: self.params.identity,
            offered: self.offered,
            transcript: self.transcript,
            handshake: hs,
            secrets,
            resumed: psk.is_some(),
        }))
    }
}

/// Test support: replaces the ClientHello just built with a recorded one (RFC 8448's), taking
/// its random, session id and extension types so the rest of the handshake checks against it.
#[cfg(test)]
fn use_recorded_hello(
    recorded: Vec<u8>,
    params: &mut HelloParams,
    offered: &mut Vec<ExtensionType>,
) -> Result<Vec<u8>, Error> {
    use crate::wire::codec::Reader;
    let mut r = Reader::new(&recorded[4..]);
    r.u16()?;
    params.random = r.array::<32>()?;
    params.session_id = r.vec8()?.to_vec();
    r.vec16()?;
    r.vec8()?;
    let block = crate::wire::extensions::parse_block(r.sub16()?)?;
    *offered = block.iter().map(|e| e.typ).collect();
    Ok(recorded)
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;
    use std::sync::Arc;

    use crate::config::ClientConfig;
    use crate::conn::ClientConnection;
    use crate::error::{ApiMisuse, Error};
    use crate::provider::SecureRandom;
    use crate::verify::{NoServerVerification, CERT_SCHEMES, TLS12_SCHEMES, TLS13_SCHEMES};
    use crate::wire::enums::{ExtensionType, SignatureScheme as S};

    /// The same bytes for every connection, so two ClientHellos can be compared whole.
    struct Counting;

    impl SecureRandom for Counting {
        fn fill(&self, out: &mut [u8]) -> Result<(), Error> {
            for (i, b) in out.iter_mut().enumerate() {
                *b = (i as u8).wrapping_mul(7).wrapping_add(1);
            }
            Ok(())
        }
    }

    fn config(schemes: Option<&[S]>, tls13: bool, tls12: bool) -> ClientConfig {
        let mut config = ClientConfig::with_verifier(Arc::new(NoServerVerification));
        config.rng = Arc::new(Counting);
        config.enable_tls13 = tls13;
        config.enable_tls12 = tls12;
        if let Some(schemes) = schemes {
            config.signature_schemes = Cow::Owned(schemes.to_vec());
        }
        config
    }

    fn hello(config: ClientConfig) -> Result<Vec<u8>, Error> {
        let conn = ClientConnection::new(Arc::new(config), "example.com")?;
        Ok(conn.pending_tls().to_vec())
    }

    /// The scheme list of extension `typ` in a ClientHello record.
    fn schemes(record: &[u8], typ: ExtensionType) -> Option<Vec<u16>> {
        let u16_at = |i: usize| usize::from(record[i]) << 8 | usize::from(record[i + 1]);
        // Record header, handshake header, legacy_version, random.
        let mut at = 5 + 4 + 2 + 32;
        at += 1 + usize::from(record[at]);
        at += 2 + u16_at(at);
        at += 1 + usize::from(record[at]);
        let end = at + 2 + u16_at(at);
        at += 2;
        while at < end {
            let (t, len) = (u16_at(at), u16_at(at + 2));
            if t == usize::from(typ.0) {
                let body = &record[at + 6..at + 4 + len];
                return Some(
                    body.chunks(2)
                        .map(|c| u16::from_be_bytes([c[0], c[1]]))
                        .collect(),
                );
            }
            at += 4 + len;
        }
        None
    }

    fn codes(list: &[S]) -> Vec<u16> {
        list.iter().map(|s| s.0).collect()
    }

    #[test]
    fn default_list_is_offered_as_before() {
        for (tls13, tls12, want) in [
            (true, true, TLS12_SCHEMES),
            (true, false, TLS13_SCHEMES),
            (false, true, TLS12_SCHEMES),
        ] {
            let ch = hello(config(None, tls13, tls12)).unwrap();
            let sigs = schemes(&ch, ExtensionType::SIGNATURE_ALGORITHMS);
            assert_eq!(sigs, Some(codes(want)), "tls13 {tls13} tls12 {tls12}");
            let cert = schemes(&ch, ExtensionType::SIGNATURE_ALGORITHMS_CERT);
            assert_eq!(cert, Some(codes(CERT_SCHEMES)));
            // The default list given explicitly produces the same bytes.
            let explicit = hello(config(Some(TLS12_SCHEMES), tls13, tls12)).unwrap();
            assert_eq!(explicit, ch);
        }
    }

    #[test]
    fn restricted_list_is_offered_in_its_order_without_legacy_schemes() {
        let list = [
            S::RSA_PSS_RSAE_SHA256,
            S::RSA_PKCS1_SHA1,
            S::ECDSA_SECP256R1_SHA256,
            S::ED448,
            S::RSA_PKCS1_SHA256,
            S::ECDSA_SECP256R1_SHA256,
            S::ECDSA_SECP521R1_SHA512,
            S::RSA_PSS_PSS_SHA256,
        ];
        let both = hello(config(Some(&list), true, true)).unwrap();
        assert_eq!(
            schemes(&both, ExtensionType::SIGNATURE_ALGORITHMS),
            Some(vec![0x0804, 0x0403, 0x0401])
        );
        // signature_algorithms_cert still names what chain verification accepts.
        assert_eq!(
            schemes(&both, ExtensionType::SIGNATURE_ALGORITHMS_CERT),
            Some(codes(CERT_SCHEMES))
        );
        // RFC 8446 §4.2.3: no RSASSA-PKCS1-v1_5 without TLS 1.2.
        let tls13 = hello(config(Some(&list), true, false)).unwrap();
        assert_eq!(
            schemes(&tls13, ExtensionType::SIGNATURE_ALGORITHMS),
            Some(vec![0x0804, 0x0403])
        );
        // The rest of the ClientHello is the default one: only the list's bytes differ.
        let default = hello(config(None, true, true)).unwrap();
        let shorter = 2 * (TLS12_SCHEMES.len() - 3);
        assert_eq!(default.len() - shorter, both.len());
    }

    #[test]
    fn a_list_with_nothing_to_offer_is_refused_at_creation() {
        let refused = Err(Error::Api(ApiMisuse::NoSignatureSchemes));
        for (list, tls13, tls12) in [
            (&[][..], true, true),
            (
                &[S::RSA_PKCS1_SHA1, S::ECDSA_SHA1, S::ED448][..],
                true,
                true,
            ),
            (&[S::RSA_PKCS1_SHA256][..], true, false),
        ] {
            assert_eq!(
                hello(config(Some(list), tls13, tls12)).map(drop),
                refused,
                "{list:?}"
            );
        }
        // PKCS#1 alone is enough when TLS 1.2 is offered.
        let ch = hello(config(Some(&[S::RSA_PKCS1_SHA256]), true, true)).unwrap();
        assert_eq!(
            schemes(&ch, ExtensionType::SIGNATURE_ALGORITHMS),
            Some(vec![0x0401])
        );
    }
}
