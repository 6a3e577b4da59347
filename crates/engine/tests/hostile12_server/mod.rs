//! A scripted TLS 1.2 server that runs in memory against a `ClientConnection`: the full ECDHE
//! handshake of RFC 5246 §7.3 with RFC 8422 key exchange, the extended master secret
//! (RFC 7627) and AEAD record protection (RFC 5288 explicit nonces, RFC 7905 XORed nonces).
//! Keys come from the engine's public PRF functions (RFC 5246 §8.1, §6.3, §7.4.9), records
//! from its record layer, ServerKeyExchange signatures from aws-lc-rs with the P-256 identity of
//! the TLS 1.3 scripted server or an RSA-2048 identity made here. Every message passes through a
//! hook before it is hashed and sent, so a test can break any one of them. The server can issue
//! a session ticket (RFC 5077 §3.3) and resume a session it knows in an abbreviated handshake
//! (RFC 5246 §7.3 Figure 2, RFC 5077 §3.1).

use std::sync::{Arc, OnceLock};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom as AwsRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{self as sig, KeyPair, RsaEncoding, RsaKeyPair};
use oxissl_engine::keys::prf12::{key_block, master_secret, verify_data, DirectionKeys};
use oxissl_engine::provider::{
    agree, generate_key_share, tls12_suite, AeadAlgorithm, HashContext, KeyShare, Secret,
    Tls12Auth, Tls12Suite, AEAD_TAG_LEN,
};
use oxissl_engine::record::protect::{open, seal, RecordKey, RecordKind, EXPLICIT_NONCE_LEN};
use oxissl_engine::wire::codec::Reader;
use oxissl_engine::wire::enums::ContentType;
use oxissl_engine::wire::handshake::ServerHello;
use oxissl_engine::{
    ClientConfig, ClientConnection, Error, InvalidMessage, NamedGroup, NoServerVerification,
    PeerMisbehaved, ReadStatus, SignatureScheme,
};

use crate::hostile_server::{
    check_fatal, der, handshake, identity, plain_record, self_signed_localhost, seq, split_records,
    u16_bytes, vec16, Hello, Record, SeededRandom, Sent, ALERT, APPLICATION_DATA,
    CHANGE_CIPHER_SPEC, CLIENT_HELLO, CLIENT_SEED, EXT_ALPN, EXT_KEY_SHARE,
    EXT_SIGNATURE_ALGORITHMS, EXT_SUPPORTED_GROUPS, EXT_SUPPORTED_VERSIONS, FINISHED, HANDSHAKE,
    NEW_SESSION_TICKET,
};

// Handshake types (RFC 5246 §7.4).
pub const HELLO_REQUEST: u8 = 0;
pub const SERVER_KEY_EXCHANGE: u8 = 12;
pub const CERTIFICATE_REQUEST: u8 = 13;
pub const SERVER_HELLO_DONE: u8 = 14;
pub const CLIENT_KEY_EXCHANGE: u8 = 16;
pub const CERTIFICATE12: u8 = 11;
pub const CERTIFICATE_VERIFY12: u8 = 15;

// Extension types (RFC 8422 §5.1.2, RFC 7627 §5.1, RFC 5077 §3.2, RFC 5746 §3.2).
pub const EXT_EC_POINT_FORMATS: u16 = 11;
pub const EXT_EXTENDED_MASTER_SECRET: u16 = 23;
pub const EXT_SESSION_TICKET: u16 = 35;
pub const EXT_RENEGOTIATION_INFO: u16 = 0xff01;

/// RFC 8422 §5.4: ECCurveType named_curve.
pub const NAMED_CURVE: u8 = 3;

/// The server's random draws (key shares) repeat from run to run.
const SERVER_SEED: u64 = 0x1201_5e7e_0dd5_eed5;

// ---- identities ----

/// Which key signs ServerKeyExchange and which certificate is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// The P-256 key of the TLS 1.3 scripted server.
    Ecdsa,
    /// An RSA-2048 key made once per test binary.
    Rsa,
}

pub struct RsaIdentity {
    pub key: RsaKeyPair,
    pub cert: Vec<u8>,
}

/// Made once per test binary.
pub fn rsa_identity() -> &'static RsaIdentity {
    static ID: OnceLock<RsaIdentity> = OnceLock::new();
    ID.get_or_init(|| {
        let key = RsaKeyPair::generate(KeySize::Rsa2048).unwrap();
        let cert = rsa_self_signed_certificate(&key);
        RsaIdentity { key, cert }
    })
}

/// RFC 5280 §4.1 with sha256WithRSAEncryption (RFC 4055 §5) and an rsaEncryption key.
fn rsa_self_signed_certificate(key: &RsaKeyPair) -> Vec<u8> {
    let sha256_with_rsa = der(
        0x06,
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b],
    );
    let alg = seq(vec![sha256_with_rsa, vec![0x05, 0x00]]);
    let spki = key.public_key().as_der().unwrap().as_ref().to_vec();
    self_signed_localhost(alg, &[0x12, 0x34], spki, |tbs| {
        let mut signature = vec![0; key.public_modulus_len()];
        key.sign(
            &sig::RSA_PKCS1_SHA256,
            &AwsRandom::new(),
            tbs,
            &mut signature,
        )
        .unwrap();
        signature
    })
}

// ---- the client side ----

/// Client configuration for TLS 1.2 tests: both versions offered (so the RFC 8446 §4.1.3
/// downgrade check applies), chains accepted as they come (ServerKeyExchange signatures are
/// still checked), seeded randomness.
pub fn client_config12() -> ClientConfig {
    let mut config = ClientConfig::with_verifier(Arc::new(NoServerVerification));
    config.rng = Arc::new(SeededRandom::new(CLIENT_SEED));
    config.enable_tls12 = true;
    config.enable_tls13 = true;
    config
}

/// The same with TLS 1.3 off: a TLS 1.2-only client.
pub fn client_config12_only() -> ClientConfig {
    let mut config = client_config12();
    config.enable_tls13 = false;
    config
}

/// What a ClientHello offered (RFC 5246 §7.4.1.2); key_share may be absent.
#[derive(Debug, Clone)]
pub struct ClientHello12 {
    pub encoded: Vec<u8>,
    pub random: [u8; 32],
    pub session_id: Vec<u8>,
    pub suites: Vec<u16>,
    pub extensions: Vec<(u16, Vec<u8>)>,
    pub groups: Vec<u16>,
    pub schemes: Vec<u16>,
}

fn u16_list(body: &[u8]) -> Vec<u16> {
    let mut r = Reader::new(body).sub16().unwrap();
    let mut out = Vec::new();
    while !r.is_empty() {
        out.push(r.u16().unwrap());
    }
    out
}

impl ClientHello12 {
    /// Parses a ClientHello; panics on anything malformed.
    pub fn parse(encoded: &[u8]) -> Self {
        assert_eq!(encoded[0], CLIENT_HELLO, "expected ClientHello");
        let mut r = Reader::new(&encoded[4..]);
        assert_eq!(r.u16().unwrap(), 0x0303, "client_version");
        let random = r.array::<32>().unwrap();
        let session_id = r.vec8().unwrap().to_vec();
        let suites = u16_list(&vec16(r.vec16().unwrap()));
        assert_eq!(r.vec8().unwrap(), [0], "compression_methods");
        let mut e = r.sub16().unwrap();
        r.finish().unwrap();
        let mut extensions = Vec::new();
        while !e.is_empty() {
            let typ = e.u16().unwrap();
            extensions.push((typ, e.vec16().unwrap().to_vec()));
        }
        let mut ch = Self {
            encoded: encoded.to_vec(),
            random,
            session_id,
            suites,
            extensions,
            groups: Vec::new(),
            schemes: Vec::new(),
        };
        ch.groups = u16_list(&ch.find(EXT_SUPPORTED_GROUPS).expect("supported_groups"));
        ch.schemes = u16_list(
            &ch.find(EXT_SIGNATURE_ALGORITHMS)
                .expect("signature_algorithms"),
        );
        ch
    }

    pub fn find(&self, typ: u16) -> Option<Vec<u8>> {
        self.extensions
            .iter()
            .find(|e| e.0 == typ)
            .map(|e| e.1.clone())
    }

    pub fn offers(&self, typ: u16) -> bool {
        self.find(typ).is_some()
    }
}

/// Drains the client's output into (type, fragment) records.
pub fn take_output(client: &mut ClientConnection) -> Vec<(u8, Vec<u8>)> {
    let data = client.pending_tls().to_vec();
    client.consume_tls(data.len());
    split_records(&data)
        .expect("the client sends whole records")
        .into_iter()
        .map(|(t, f)| (t, f.to_vec()))
        .collect()
}

// ---- the server ----

/// The server's messages, in wire order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step12 {
    ServerHello,
    Certificate,
    ServerKeyExchange,
    CertificateRequest,
    ServerHelloDone,
    /// RFC 5077 §3.3: before the server's ChangeCipherSpec.
    NewSessionTicket,
    ChangeCipherSpec,
    Finished,
}

/// A ticket the server issues (RFC 5077 §3.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTicket {
    pub lifetime_hint: u32,
    pub ticket: Vec<u8>,
}

/// A session the server can resume: by its id (RFC 5246 §7.3) or its ticket (RFC 5077 §3.1).
#[derive(Debug, Clone)]
pub struct ServerSession {
    pub id: Vec<u8>,
    pub ticket: Vec<u8>,
    pub master: Secret,
    pub suite: Tls12Suite,
    pub ems: bool,
}

/// How a ClientHello offered a known session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferedBy {
    SessionId,
    Ticket,
}

/// A hook that changes nothing.
pub fn unchanged12(_: Step12, _: &mut Vec<u8>, _: &Server12) {}

/// Records of one flight, one per step.
#[derive(Debug, Clone)]
pub struct Flight12 {
    pub records: Vec<(Step12, Vec<u8>)>,
}

impl Flight12 {
    pub fn wire(&self) -> Vec<u8> {
        self.records.iter().flat_map(|r| r.1.clone()).collect()
    }

    /// The record of `step`, if it was sent.
    pub fn record(&self, step: Step12) -> Option<&[u8]> {
        self.records
            .iter()
            .find(|r| r.0 == step)
            .map(|r| r.1.as_slice())
    }

    /// The wire bytes before the record of `step`.
    pub fn before(&self, step: Step12) -> Vec<u8> {
        self.records
            .iter()
            .take_while(|r| r.0 != step)
            .flat_map(|r| r.1.clone())
            .collect()
    }
}

/// The record protection a TLS 1.2 suite uses.
pub fn record_kind(suite: &Tls12Suite) -> RecordKind {
    match suite.aead {
        AeadAlgorithm::Chacha20Poly1305 => RecordKind::Tls12XorNonce,
        _ => RecordKind::Tls12ExplicitNonce,
    }
}

/// A scripted TLS 1.2 server. The transcript keeps raw messages and is hashed on demand.
pub struct Server12 {
    pub ch: ClientHello12,
    pub suite: Tls12Suite,
    pub key: KeyKind,
    /// The ServerKeyExchange signature scheme.
    pub scheme: SignatureScheme,
    pub random: [u8; 32],
    pub session_id: Vec<u8>,
    /// Whether the ServerHello carries extended_master_secret (follows the one sent).
    pub ems: bool,
    /// Whether a CertificateRequest goes before ServerHelloDone.
    pub cert_request: bool,
    /// The ALPN protocol the ServerHello selects.
    pub alpn: Option<Vec<u8>>,
    /// Whether the client's Finished verified (`None` until it arrives).
    pub client_finished_ok: Option<bool>,
    /// The client's Certificate body, when it sent one.
    pub client_certificate: Option<Vec<u8>>,
    /// The client's CertificateVerify body (scheme and signature), when it sent one; taken
    /// into the transcript, its signature is not checked here.
    pub client_certificate_verify: Option<Vec<u8>>,
    /// The ticket to issue when the client asked for one (RFC 5077 §3.2).
    pub new_ticket: Option<NewTicket>,
    /// The session being resumed (abbreviated handshake).
    pub resumed: Option<ServerSession>,
    group: NamedGroup,
    share: KeyShare,
    rng: SeededRandom,
    transcript: Vec<u8>,
    master: Option<Secret>,
    /// Server to client, in force once the server's CCS is sent.
    write: Option<RecordKey>,
    pending_write: Option<RecordKey>,
    /// Client to server, in force once the client's CCS is read.
    client_key: Option<RecordKey>,
    pending_client: Option<RecordKey>,
    /// Whether the server's keys are in force (they are derived once ClientKeyExchange came).
    switched: bool,
}

impl Server12 {
    /// Takes the client's ClientHello from its output and picks the first TLS 1.2 suite
    /// offered that fits the P-256 key.
    pub fn accept(client: &mut ClientConnection) -> Self {
        let records = take_output(client);
        let (typ, msg) = records.first().expect("ClientHello record");
        assert_eq!(*typ, HANDSHAKE);
        let ch = ClientHello12::parse(msg);
        let suite = ch
            .suites
            .iter()
            .filter_map(|s| tls12_suite(oxissl_engine::CipherSuite(*s)))
            .find(|s| s.auth == Tls12Auth::Ecdsa)
            .expect("an ECDHE_ECDSA suite offered");
        let rng = SeededRandom::new(SERVER_SEED);
        let group = NamedGroup::X25519;
        let share = generate_key_share(group, &rng).unwrap();
        let mut random = [0u8; 32];
        random
            .iter_mut()
            .enumerate()
            .for_each(|(i, b)| *b = 0x80 | i as u8);
        // A fresh session id: never the one the client offered (that would mean resumption).
        let mut session_id = vec![0x5a; 32];
        if session_id == ch.session_id {
            session_id = vec![0x5b; 32];
        }
        Self {
            transcript: ch.encoded.clone(),
            ch,
            suite,
            key: KeyKind::Ecdsa,
            scheme: SignatureScheme::ECDSA_SECP256R1_SHA256,
            random,
            session_id,
            ems: true,
            cert_request: false,
            alpn: None,
            client_finished_ok: None,
            client_certificate: None,
            client_certificate_verify: None,
            new_ticket: None,
            resumed: None,
            group,
            share,
            rng,
            master: None,
            write: None,
            pending_write: None,
            client_key: None,
            pending_client: None,
            switched: false,
        }
    }

    /// Uses `suite`, with the RSA key and rsa_pss_rsae_sha256 for ECDHE_RSA suites.
    pub fn use_suite(&mut self, suite: Tls12Suite) -> &mut Self {
        self.suite = suite;
        match suite.auth {
            Tls12Auth::Ecdsa => {
                self.key = KeyKind::Ecdsa;
                self.scheme = SignatureScheme::ECDSA_SECP256R1_SHA256;
            }
            Tls12Auth::Rsa => {
                self.key = KeyKind::Rsa;
                self.scheme = SignatureScheme::RSA_PSS_RSAE_SHA256;
            }
        }
        self
    }

    /// Uses `group` for ECDHE, with a fresh server share.
    pub fn use_group(&mut self, group: NamedGroup) -> &mut Self {
        self.group = group;
        self.share = generate_key_share(group, &self.rng).unwrap();
        self
    }

    pub fn group(&self) -> NamedGroup {
        self.group
    }

    /// The server's ECDHE public value.
    pub fn public(&self) -> Vec<u8> {
        self.share.public().to_vec()
    }

    pub fn cert(&self) -> &'static [u8] {
        match self.key {
            KeyKind::Ecdsa => &identity().cert,
            KeyKind::Rsa => &rsa_identity().cert,
        }
    }

    // ---- messages ----

    /// A valid TLS 1.2 ServerHello (RFC 5246 §7.4.1.3): a fresh session id, secure
    /// renegotiation (RFC 5746 §3.4), EMS when set, uncompressed points (RFC 8422 §5.2).
    pub fn server_hello(&self) -> Hello {
        let mut extensions = vec![(EXT_RENEGOTIATION_INFO, vec![0])];
        if self.ems {
            extensions.push((EXT_EXTENDED_MASTER_SECRET, Vec::new()));
        }
        extensions.push((EXT_EC_POINT_FORMATS, vec![1, 0]));
        // RFC 5077 §3.2: an empty SessionTicket extension promises NewSessionTicket.
        if self.issues_ticket() {
            extensions.push((EXT_SESSION_TICKET, Vec::new()));
        }
        if let Some(p) = &self.alpn {
            extensions.push((EXT_ALPN, crate::hostile_server::alpn_body(&[p])));
        }
        Hello {
            legacy_version: 0x0303,
            random: self.random,
            session_id: self.session_id.clone(),
            suite: self.suite.suite.0,
            compression: 0,
            extensions,
        }
    }

    /// TLS 1.2 Certificate (RFC 5246 §7.4.2).
    pub fn certificate_with(certs: &[&[u8]]) -> Vec<u8> {
        let mut list = Vec::new();
        for c in certs {
            let n = c.len();
            list.extend([(n >> 16) as u8, (n >> 8) as u8, n as u8]);
            list.extend_from_slice(c);
        }
        let n = list.len();
        let mut body = vec![(n >> 16) as u8, (n >> 8) as u8, n as u8];
        body.extend(list);
        handshake(CERTIFICATE12, &body)
    }

    pub fn certificate(&self) -> Vec<u8> {
        Self::certificate_with(&[self.cert()])
    }

    /// ServerECDHParams (RFC 8422 §5.4): named_curve, the group, the public point.
    pub fn ske_params(&self) -> Vec<u8> {
        let public = self.share.public();
        let mut p = vec![NAMED_CURVE];
        p.extend(u16_bytes(self.group.0));
        p.push(public.len() as u8);
        p.extend_from_slice(public);
        p
    }

    /// What the ServerKeyExchange signature covers (RFC 8422 §5.4).
    pub fn ske_signed(&self, params: &[u8]) -> Vec<u8> {
        [&self.ch.random[..], &self.random, params].concat()
    }

    /// Signs `msg` with the server key as `scheme` says (SHA-256 ECDSA for any ECDSA scheme).
    pub fn sign(&self, scheme: SignatureScheme, msg: &[u8]) -> Vec<u8> {
        match self.key {
            KeyKind::Ecdsa => identity()
                .key
                .sign(&AwsRandom::new(), msg)
                .unwrap()
                .as_ref()
                .to_vec(),
            KeyKind::Rsa => {
                use SignatureScheme as S;
                let enc: &'static dyn RsaEncoding = match scheme {
                    S::RSA_PKCS1_SHA384 => &sig::RSA_PKCS1_SHA384,
                    S::RSA_PKCS1_SHA512 => &sig::RSA_PKCS1_SHA512,
                    S::RSA_PSS_RSAE_SHA256 => &sig::RSA_PSS_SHA256,
                    S::RSA_PSS_RSAE_SHA384 => &sig::RSA_PSS_SHA384,
                    S::RSA_PSS_RSAE_SHA512 => &sig::RSA_PSS_SHA512,
                    _ => &sig::RSA_PKCS1_SHA256,
                };
                let key = &rsa_identity().key;
                let mut out = vec![0; key.public_modulus_len()];
                key.sign(enc, &AwsRandom::new(), msg, &mut out).unwrap();
                out
            }
        }
    }

    /// ServerKeyExchange from its parts.
    pub fn ske_with(params: &[u8], scheme: u16, signature: &[u8]) -> Vec<u8> {
        let body = [params.to_vec(), u16_bytes(scheme), vec16(signature)].concat();
        handshake(SERVER_KEY_EXCHANGE, &body)
    }

    /// A valid ServerKeyExchange.
    pub fn server_key_exchange(&self) -> Vec<u8> {
        let params = self.ske_params();
        let signature = self.sign(self.scheme, &self.ske_signed(&params));
        Self::ske_with(&params, self.scheme.0, &signature)
    }

    /// CertificateRequest (RFC 5246 §7.4.4): ecdsa_sign, ecdsa_secp256r1_sha256, no CAs.
    pub fn certificate_request() -> Vec<u8> {
        let body = [vec![1, 64], vec16(&u16_bytes(0x0403)), vec16(&[])].concat();
        handshake(CERTIFICATE_REQUEST, &body)
    }

    pub fn server_hello_done() -> Vec<u8> {
        handshake(SERVER_HELLO_DONE, &[])
    }

    /// Whether the server sends NewSessionTicket: it has one and the client sent the
    /// SessionTicket extension (RFC 5077 §3.2).
    pub fn issues_ticket(&self) -> bool {
        self.new_ticket.is_some() && self.ch.offers(EXT_SESSION_TICKET)
    }

    /// NewSessionTicket (RFC 5077 §3.3) from its parts.
    pub fn new_session_ticket_with(lifetime_hint: u32, ticket: &[u8]) -> Vec<u8> {
        let body = [lifetime_hint.to_be_bytes().to_vec(), vec16(ticket)].concat();
        handshake(NEW_SESSION_TICKET, &body)
    }

    /// The NewSessionTicket of `new_ticket`.
    pub fn new_session_ticket(&self) -> Vec<u8> {
        let t = self.new_ticket.as_ref().expect("a ticket to issue");
        Self::new_session_ticket_with(t.lifetime_hint, &t.ticket)
    }

    pub fn hash(&self) -> Secret {
        let mut h = HashContext::new(self.suite.hash);
        h.update(&self.transcript);
        h.current()
    }

    /// Adds a handshake message to the transcript.
    pub fn add(&mut self, msg: &[u8]) {
        self.transcript.extend_from_slice(msg);
    }

    /// Takes a ServerHello into the transcript and follows what it says: random, suite, EMS.
    pub fn take_server_hello(&mut self, msg: &[u8]) {
        self.add(msg);
        let Some(sh) = msg.get(4..).and_then(|b| ServerHello::decode(b).ok()) else {
            return;
        };
        self.random = sh.random;
        if let Some(s) = tls12_suite(sh.cipher_suite) {
            self.suite = s;
        }
        self.ems = sh
            .extensions
            .iter()
            .any(|e| e.typ.0 == EXT_EXTENDED_MASTER_SECRET);
    }

    /// The server's first flight (RFC 5246 §7.3): ServerHello, Certificate, ServerKeyExchange,
    /// [CertificateRequest], ServerHelloDone, one record each, each message passed through
    /// `hook` before it is hashed; a message the hook empties is left out.
    pub fn flight(&mut self, mut hook: impl FnMut(Step12, &mut Vec<u8>, &Server12)) -> Flight12 {
        let mut records = Vec::new();
        let mut steps = vec![
            Step12::ServerHello,
            Step12::Certificate,
            Step12::ServerKeyExchange,
        ];
        if self.cert_request {
            steps.push(Step12::CertificateRequest);
        }
        steps.push(Step12::ServerHelloDone);
        for step in steps {
            let mut msg = match step {
                Step12::ServerHello => self.server_hello().encode(),
                Step12::Certificate => self.certificate(),
                Step12::ServerKeyExchange => self.server_key_exchange(),
                Step12::CertificateRequest => Self::certificate_request(),
                _ => Self::server_hello_done(),
            };
            hook(step, &mut msg, self);
            if msg.is_empty() {
                continue;
            }
            if step == Step12::ServerHello {
                self.take_server_hello(&msg);
            } else {
                self.add(&msg);
            }
            records.push((step, plain_record(HANDSHAKE, &msg)));
        }
        Flight12 { records }
    }

    /// The server's Finished (RFC 5246 §7.4.9) over the transcript so far.
    pub fn finished(&self) -> Vec<u8> {
        self.finished_with_label(b"server finished")
    }

    /// A Finished computed with another label (RFC 5246 §7.4.9).
    pub fn finished_with_label(&self, label: &[u8]) -> Vec<u8> {
        let master = self.master.as_ref().expect("ClientKeyExchange read");
        let data = verify_data(&self.suite, master, label, &self.hash()).unwrap();
        handshake(FINISHED, &data)
    }

    /// A server Finished over the transcript with `left_out` (a message sent) missing, as a
    /// server that did not hash it would compute.
    pub fn finished_without(&self, left_out: &[u8]) -> Vec<u8> {
        let at = self
            .transcript
            .windows(left_out.len())
            .rposition(|w| w == left_out)
            .expect("message in the transcript");
        let mut h = HashContext::new(self.suite.hash);
        h.update(&self.transcript[..at]);
        h.update(&self.transcript[at + left_out.len()..]);
        let master = self.master.as_ref().expect("keys derived");
        let data = verify_data(&self.suite, master, b"server finished", &h.current()).unwrap();
        handshake(FINISHED, &data)
    }

    /// Switches to the server's write keys, as its ChangeCipherSpec does (RFC 5246 §7.1).
    pub fn switch_keys(&mut self) {
        self.write = self.pending_write.take();
        assert!(self.write.is_some(), "keys derived");
        self.switched = true;
    }

    /// The server's last flight: [NewSessionTicket], ChangeCipherSpec, then Finished under the
    /// new keys. A CCS the hook empties leaves the keys unchanged, so Finished goes in the clear.
    pub fn finish(&mut self, mut hook: impl FnMut(Step12, &mut Vec<u8>, &Server12)) -> Flight12 {
        let mut records = Vec::new();
        // RFC 5077 §3.3: NewSessionTicket is part of the Finished transcript.
        if self.issues_ticket() {
            let mut nst = self.new_session_ticket();
            hook(Step12::NewSessionTicket, &mut nst, self);
            if !nst.is_empty() {
                records.push((Step12::NewSessionTicket, self.record(HANDSHAKE, &nst)));
                self.add(&nst);
            }
        }
        let mut ccs = vec![1];
        hook(Step12::ChangeCipherSpec, &mut ccs, self);
        if !ccs.is_empty() {
            records.push((
                Step12::ChangeCipherSpec,
                plain_record(CHANGE_CIPHER_SPEC, &ccs),
            ));
            self.switch_keys();
        }
        let mut fin = self.finished();
        hook(Step12::Finished, &mut fin, self);
        if !fin.is_empty() {
            records.push((Step12::Finished, self.record(HANDSHAKE, &fin)));
            self.add(&fin);
        }
        Flight12 { records }
    }

    /// Runs a whole valid handshake.
    pub fn complete_handshake(&mut self, client: &mut ClientConnection) {
        let flight = self.flight(unchanged12);
        crate::hostile_server::deliver(client, &flight.wire()).expect("valid flight accepted");
        let records = self.read_client(client);
        assert_eq!(self.client_finished_ok, Some(true), "{records:?}");
        let last = self.finish(unchanged12);
        crate::hostile_server::deliver(client, &last.wire()).expect("valid Finished accepted");
        assert!(client.is_established());
    }

    // ---- resumption ----

    /// The session this handshake established or resumed, as the server keeps it: its id, the
    /// ticket it issued (or the one resumed), the master secret.
    pub fn session(&self) -> ServerSession {
        let ticket = match (&self.new_ticket, &self.resumed) {
            (Some(t), _) if self.issues_ticket() => t.ticket.clone(),
            (_, Some(old)) => old.ticket.clone(),
            _ => Vec::new(),
        };
        ServerSession {
            id: self.session_id.clone(),
            ticket,
            master: self.master.clone().expect("master secret"),
            suite: self.suite,
            ems: self.ems,
        }
    }

    /// How the ClientHello offers `known`, if it does: a non-empty ticket in its SessionTicket
    /// extension (RFC 5077 §3.1), else its session id (RFC 5246 §7.4.1.2).
    pub fn offered(&self, known: &ServerSession) -> Option<OfferedBy> {
        let ticket = self.ch.find(EXT_SESSION_TICKET).unwrap_or_default();
        if !ticket.is_empty() && ticket == known.ticket {
            Some(OfferedBy::Ticket)
        } else if !self.ch.session_id.is_empty() && self.ch.session_id == known.id {
            Some(OfferedBy::SessionId)
        } else {
            None
        }
    }

    /// Resumes `known`: the ServerHello echoes the client's session id (RFC 5246 §7.4.1.3, RFC
    /// 5077 §3.4) and keeps the session's suite and extended master secret (RFC 7627 §5.3).
    pub fn resume(&mut self, known: &ServerSession) -> &mut Self {
        self.session_id = self.ch.session_id.clone();
        self.suite = known.suite;
        self.ems = known.ems;
        self.master = Some(known.master.clone());
        self.random
            .iter_mut()
            .enumerate()
            .for_each(|(i, b)| *b = 0xc0 | i as u8);
        self.resumed = Some(known.clone());
        self
    }

    /// The abbreviated handshake's server flight (RFC 5246 §7.3 Figure 2): ServerHello,
    /// [NewSessionTicket], ChangeCipherSpec, Finished; keys from the session's master secret and
    /// the new randoms (§6.3). Each message passes through `hook` as in `flight`.
    pub fn resumed_flight(
        &mut self,
        mut hook: impl FnMut(Step12, &mut Vec<u8>, &Server12),
    ) -> Flight12 {
        assert!(self.resumed.is_some(), "resume() first");
        let mut records = Vec::new();
        let mut sh = self.server_hello().encode();
        hook(Step12::ServerHello, &mut sh, self);
        if !sh.is_empty() {
            self.take_server_hello(&sh);
            records.push((Step12::ServerHello, plain_record(HANDSHAKE, &sh)));
        }
        let master = self.master.as_ref().expect("session master secret");
        let (c, s) = key_block(&self.suite, master, &self.ch.random, &self.random).unwrap();
        let kind = record_kind(&self.suite);
        self.pending_client = Some(RecordKey::with_kind(c.key, c.iv, kind));
        self.pending_write = Some(RecordKey::with_kind(s.key, s.iv, kind));
        records.extend(self.finish(&mut hook).records);
        Flight12 { records }
    }

    /// Runs a whole valid abbreviated handshake of `known`: the client sends nothing until the
    /// server's Finished, then its ChangeCipherSpec and Finished together (RFC 5246 §7.3).
    pub fn complete_resumption(&mut self, client: &mut ClientConnection, known: &ServerSession) {
        assert!(
            self.offered(known).is_some(),
            "the client offers the session"
        );
        self.resume(known);
        let flight = self.resumed_flight(unchanged12);
        let before_finished = flight.before(Step12::Finished);
        crate::hostile_server::deliver(client, &before_finished).expect("valid flight accepted");
        assert!(
            client.pending_tls().is_empty(),
            "nothing before the server's Finished"
        );
        let finished = flight.record(Step12::Finished).unwrap().to_vec();
        crate::hostile_server::deliver(client, &finished).expect("valid Finished accepted");
        let records = self.read_client(client);
        assert_eq!(records.len(), 2, "{records:?}");
        assert_eq!(self.client_finished_ok, Some(true), "{records:?}");
        assert!(client.is_established());
        assert!(client.negotiated().resumed);
    }

    // ---- records ----

    /// One record under the server's current write state: protected once its CCS was sent.
    pub fn record(&mut self, typ: u8, payload: &[u8]) -> Vec<u8> {
        match &mut self.write {
            Some(key) => {
                let mut out = Vec::new();
                seal(key, &mut out, ContentType(typ), payload).unwrap();
                out
            }
            None => plain_record(typ, payload),
        }
    }

    /// A protected record; panics before the server's CCS.
    pub fn seal(&mut self, typ: u8, payload: &[u8]) -> Vec<u8> {
        assert!(self.switched, "server keys in force");
        self.record(typ, payload)
    }

    /// The server's write key as raw material (RFC 5246 §6.3), for records built by hand.
    fn server_keys(&self) -> DirectionKeys {
        let master = self.master.as_ref().expect("keys derived");
        key_block(&self.suite, master, &self.ch.random, &self.random)
            .unwrap()
            .1
    }

    /// A GCM record (RFC 5288 §3) carrying `explicit` as nonce_explicit while the nonce used to
    /// seal is salt || `sealed_with`; the sequence number advances as for any record.
    pub fn seal_explicit(
        &mut self,
        typ: u8,
        payload: &[u8],
        explicit: [u8; EXPLICIT_NONCE_LEN],
        sealed_with: [u8; EXPLICIT_NONCE_LEN],
    ) -> Vec<u8> {
        assert_eq!(record_kind(&self.suite), RecordKind::Tls12ExplicitNonce);
        let keys = self.server_keys();
        let key = self.write.as_mut().expect("server keys in force");
        let seq = key.sequence();
        // Advance the record key past this sequence number.
        seal(key, &mut Vec::new(), ContentType(typ), b"").unwrap();
        let mut nonce = keys.iv;
        nonce[4..].copy_from_slice(&sealed_with);
        let mut aad = seq.to_be_bytes().to_vec();
        aad.push(typ);
        aad.extend([3, 3]);
        aad.extend(u16_bytes(payload.len() as u16));
        let mut body = payload.to_vec();
        let tag = keys.key.seal_in_place(nonce, &aad, &mut body).unwrap();
        let len = EXPLICIT_NONCE_LEN + body.len() + AEAD_TAG_LEN;
        let mut out = vec![typ, 3, 3];
        out.extend(u16_bytes(len as u16));
        out.extend(explicit);
        out.extend(body);
        out.extend(tag);
        out
    }

    /// Everything the client sent since the last call, decrypted once its CCS switched keys.
    /// Follows the client's flight: Certificate, ClientKeyExchange (keys), Finished (checked).
    pub fn read_client(&mut self, client: &mut ClientConnection) -> Vec<Record> {
        let mut out = Vec::new();
        for (typ, fragment) in take_output(client) {
            let Some(key) = self.client_key.as_mut() else {
                if typ == CHANGE_CIPHER_SPEC {
                    assert_eq!(fragment, [1], "the client's CCS");
                    self.client_key = self.pending_client.take();
                    assert!(self.client_key.is_some(), "CCS after ClientKeyExchange");
                } else if typ == HANDSHAKE {
                    self.client_handshake(&fragment);
                }
                out.push(Record {
                    typ,
                    payload: fragment,
                    protected: false,
                });
                continue;
            };
            let mut record = plain_record(typ, &fragment);
            let (inner, n) = open(key, &mut record).expect("client record decrypts");
            let payload = record[n].to_vec();
            if inner.0 == HANDSHAKE {
                self.client_handshake(&payload);
            }
            out.push(Record {
                typ: inner.0,
                payload,
                protected: true,
            });
        }
        out
    }

    /// Like `read_client` for the randomized test: gives up (returns false) instead of
    /// panicking when the client's flight cannot be followed.
    pub fn try_read_client_flight(&mut self, client: &mut ClientConnection) -> bool {
        let records = take_output(client);
        for (typ, fragment) in records {
            match (typ, self.client_key.as_mut()) {
                (CHANGE_CIPHER_SPEC, None) => match self.pending_client.take() {
                    Some(k) => self.client_key = Some(k),
                    None => return false,
                },
                (HANDSHAKE, None) => {
                    if !self.try_client_handshake(&fragment) {
                        return false;
                    }
                }
                (_, Some(key)) => {
                    let mut record = plain_record(typ, &fragment);
                    let Ok((inner, n)) = open(key, &mut record) else {
                        return false;
                    };
                    let payload = record[n].to_vec();
                    if inner.0 == HANDSHAKE && !self.try_client_handshake(&payload) {
                        return false;
                    }
                }
                _ => return false,
            }
        }
        self.client_finished_ok == Some(true)
    }

    fn client_handshake(&mut self, payload: &[u8]) {
        assert!(self.try_client_handshake(payload), "client flight followed");
    }

    fn try_client_handshake(&mut self, mut payload: &[u8]) -> bool {
        while payload.len() >= 4 {
            let len = usize::from(payload[1]) << 16 | usize::from(payload[2]) << 8;
            let len = len | usize::from(payload[3]);
            if payload.len() < 4 + len {
                return false;
            }
            let (msg, rest) = payload.split_at(4 + len);
            match msg[0] {
                CERTIFICATE12 => {
                    self.client_certificate = Some(msg[4..].to_vec());
                    self.add(msg);
                }
                CERTIFICATE_VERIFY12 => {
                    self.client_certificate_verify = Some(msg[4..].to_vec());
                    self.add(msg);
                }
                CLIENT_KEY_EXCHANGE => {
                    self.add(msg);
                    if !self.take_client_key_exchange(&msg[4..]) {
                        return false;
                    }
                }
                FINISHED => {
                    let Some(master) = self.master.as_ref() else {
                        return false;
                    };
                    let want =
                        verify_data(&self.suite, master, b"client finished", &self.hash()).unwrap();
                    self.client_finished_ok = Some(want[..] == msg[4..]);
                    self.add(msg);
                }
                _ => return false,
            }
            payload = rest;
        }
        payload.is_empty()
    }

    /// ClientKeyExchange (RFC 8422 §5.7): the premaster secret, then the master secret (RFC
    /// 7627 §4 over the session hash, or RFC 5246 §8.1) and the key block (§6.3).
    fn take_client_key_exchange(&mut self, body: &[u8]) -> bool {
        let mut r = Reader::new(body);
        let Ok(public) = r.vec8() else {
            return false;
        };
        let Ok(pre) = agree(&self.share, public) else {
            return false;
        };
        let session_hash = self.ems.then(|| self.hash());
        let master = master_secret(
            &self.suite,
            &pre,
            session_hash.as_ref(),
            &self.ch.random,
            &self.random,
        )
        .unwrap();
        let (c, s) = key_block(&self.suite, &master, &self.ch.random, &self.random).unwrap();
        let kind = record_kind(&self.suite);
        self.pending_client = Some(RecordKey::with_kind(c.key, c.iv, kind));
        self.pending_write = Some(RecordKey::with_kind(s.key, s.iv, kind));
        self.master = Some(master);
        true
    }

    // ---- checks ----

    /// Asserts that `got` is `want`, that the client queued exactly the alert `sent` (RFC 5246
    /// §7.2, RFC 8446 §6.2) as its last record, and that the connection stays failed without
    /// sending more.
    pub fn expect_fatal(
        &mut self,
        client: &mut ClientConnection,
        got: Result<(), Error>,
        want: Error,
        sent: Sent,
    ) {
        let records = self.read_client(client);
        let late = [
            plain_record(HANDSHAKE, &Self::server_hello_done()),
            plain_record(APPLICATION_DATA, b"late"),
        ];
        check_fatal(client, &records, got, want, sent, &late);
    }
}

// ---- shared test steps ----

/// Application data from the server to the client and back.
pub fn data_both_ways(client: &mut ClientConnection, server: &mut Server12) {
    let record = server.seal(APPLICATION_DATA, b"hello from the server");
    crate::hostile_server::deliver(client, &record).unwrap();
    let mut buf = [0u8; 64];
    assert_eq!(client.read(&mut buf), Ok(ReadStatus::Data(21)));
    assert_eq!(&buf[..21], b"hello from the server");
    assert_eq!(client.write(b"hello from the client"), Ok(21));
    assert_eq!(
        server.read_client(client),
        [Record {
            typ: APPLICATION_DATA,
            payload: b"hello from the client".to_vec(),
            protected: true
        }]
    );
}

/// close_notify both ways (RFC 5246 §7.2.1).
pub fn close_both_ways(client: &mut ClientConnection, server: &mut Server12) {
    client.send_close_notify();
    assert_eq!(
        server.read_client(client),
        [Record {
            typ: ALERT,
            payload: vec![1, 0],
            protected: true
        }]
    );
    let record = server.seal(ALERT, &[1, 0]);
    crate::hostile_server::deliver(client, &record).unwrap();
    assert_eq!(client.read(&mut [0; 8]), Ok(ReadStatus::Closed));
    assert!(client.peer_closed());
    assert_eq!(client.error(), None);
}

/// Post-handshake records a valid server could send: data, HelloRequest, a warning, data,
/// close_notify.
pub fn post_handshake(server: &mut Server12) -> Vec<u8> {
    [
        server.record(APPLICATION_DATA, b"ping"),
        server.record(HANDSHAKE, &handshake(HELLO_REQUEST, &[])),
        server.record(ALERT, &[1, 100]),
        server.record(APPLICATION_DATA, b"pong"),
        server.record(ALERT, &[1, 0]),
    ]
    .concat()
}

/// After a failure: the error sticks, the last record sent is the alert, nothing more is sent.
pub fn check_failed(client: &mut ClientConnection, e: Error, sent_before: usize) {
    assert_eq!(client.error(), Some(&e));
    assert_eq!(client.process(), Err(e.clone()));
    let out = &client.pending_tls()[sent_before..];
    let records = split_records(out).expect("whole records");
    if let Some(alert) = e.alert() {
        let (typ, body) = *records.last().expect("an alert record");
        assert_eq!(typ, ALERT, "{e:?}");
        if body.len() == 2 {
            assert_eq!(body, [2, alert.0]);
        } else {
            // Protected: the alert, a tag and, for GCM, an explicit nonce.
            assert!(body.len() == 18 || body.len() == 26, "{body:?}");
        }
    }
    let len = client.pending_tls().len();
    assert_eq!(client.read(&mut [0; 8]), Err(e.clone()));
    assert_eq!(client.write(b"x"), Err(e));
    assert_eq!(client.pending_tls().len(), len, "nothing more sent");
    assert!(!client.is_established() && !client.is_handshaking());
}

/// Whether the ClientHello offered TLS 1.3 (supported_versions and key_share).
pub fn offers_tls13(ch: &ClientHello12) -> bool {
    ch.offers(EXT_SUPPORTED_VERSIONS) && ch.offers(EXT_KEY_SHARE)
}

// ---- shared by the TLS 1.2 test files ----

/// An `InvalidMessage` error.
pub fn invalid(m: InvalidMessage) -> Error {
    Error::InvalidMessage(m)
}

/// A `PeerMisbehaved` error.
pub fn misbehaved(p: PeerMisbehaved) -> Error {
    Error::PeerMisbehaved(p)
}

/// The error for an unexpected handshake message of type `got`.
pub fn unexpected(got: u8) -> Error {
    invalid(InvalidMessage::UnexpectedMessage {
        got: oxissl_engine::wire::enums::HandshakeType(got),
    })
}

/// A change_cipher_spec where none may come.
pub const BAD_CCS: Error = Error::InvalidMessage(InvalidMessage::BadChangeCipherSpec);

/// A hook that edits the ServerHello with `edit`.
pub fn edit_hello(
    edit: impl Fn(&Server12, &mut Hello),
) -> impl FnMut(Step12, &mut Vec<u8>, &Server12) {
    move |step, msg, s| {
        if step == Step12::ServerHello {
            let mut h = s.server_hello();
            edit(s, &mut h);
            *msg = h.encode();
        }
    }
}

/// A hook that replaces the message of `step` with `make(server)`.
pub fn replace(
    step: Step12,
    make: impl Fn(&Server12) -> Vec<u8>,
) -> impl FnMut(Step12, &mut Vec<u8>, &Server12) {
    move |s, msg, server| {
        if s == step {
            *msg = make(server);
        }
    }
}
