//! A scripted TLS 1.3 server that runs in memory against a `ClientConnection`. It derives keys
//! with the engine's public key schedule (RFC 8446 §7.1), protects records with its record
//! layer (§5.2), signs CertificateVerify with a P-256 key made at test time (§4.4.3), and lets a
//! test change any message before it is hashed and sent.

use std::sync::{Arc, Mutex, OnceLock};

use aws_lc_rs::rand::SystemRandom as AwsRandom;
use aws_lc_rs::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_ASN1_SIGNING};
use oxissl_engine::keys::schedule13::{
    finished_verify_data, next_traffic_secret, traffic_key, EarlySecret, HandshakeSecret,
    TrafficSecrets,
};
use oxissl_engine::provider::{
    agree, generate_key_share, tls13_suite, HashContext, KeyShare, Secret, AEAD_TAG_LEN,
};
use oxissl_engine::record::protect::{open, seal, RecordKey};
use oxissl_engine::wire::codec::Reader;
use oxissl_engine::wire::enums::ContentType;
use oxissl_engine::{
    AlertDescription, CipherSuite, ClientConfig, ClientConnection, Error, NamedGroup,
    NoServerVerification, ReadStatus, SecureRandom, Tls13Suite,
};

// Content types (RFC 8446 §5.1).
pub const CHANGE_CIPHER_SPEC: u8 = 20;
pub const ALERT: u8 = 21;
pub const HANDSHAKE: u8 = 22;
pub const APPLICATION_DATA: u8 = 23;

// Handshake types (RFC 8446 §4).
pub const CLIENT_HELLO: u8 = 1;
pub const SERVER_HELLO: u8 = 2;
pub const NEW_SESSION_TICKET: u8 = 4;
pub const ENCRYPTED_EXTENSIONS: u8 = 8;
pub const CERTIFICATE: u8 = 11;
pub const CERTIFICATE_REQUEST: u8 = 13;
pub const CERTIFICATE_VERIFY: u8 = 15;
pub const FINISHED: u8 = 20;
pub const KEY_UPDATE: u8 = 24;
pub const MESSAGE_HASH: u8 = 254;

// Extension types (RFC 8446 §4.2, RFC 7301).
pub const EXT_SERVER_NAME: u16 = 0;
pub const EXT_STATUS_REQUEST: u16 = 5;
pub const EXT_SUPPORTED_GROUPS: u16 = 10;
pub const EXT_SIGNATURE_ALGORITHMS: u16 = 13;
pub const EXT_ALPN: u16 = 16;
pub const EXT_SUPPORTED_VERSIONS: u16 = 43;
pub const EXT_COOKIE: u16 = 44;
pub const EXT_KEY_SHARE: u16 = 51;
pub const EXT_POST_HANDSHAKE_AUTH: u16 = 49;

/// ecdsa_secp256r1_sha256 (RFC 8446 §4.2.3).
pub const ECDSA_P256_SHA256: u16 = 0x0403;

/// The HelloRetryRequest random: SHA-256("HelloRetryRequest") (RFC 8446 §4.1.3).
pub const HRR_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// A seed for the client's randomness: every connection built from `client_config()` sends the
/// same ClientHello.
pub const CLIENT_SEED: u64 = 0x0123_4567_89ab_cdef;
const SERVER_SEED: u64 = 0x7e57_5e7e_0dd5_eed5;

// ---- deterministic randomness ----

/// xorshift64: small, deterministic, no extra crate.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A value in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn byte(&mut self) -> u8 {
        (self.next() >> 24) as u8
    }
}

/// Seeded randomness for the engine, so key shares and ClientHellos repeat exactly.
pub struct SeededRandom(Mutex<Rng>);

impl SeededRandom {
    pub fn new(seed: u64) -> Self {
        Self(Mutex::new(Rng::new(seed)))
    }
}

impl SecureRandom for SeededRandom {
    fn fill(&self, out: &mut [u8]) -> Result<(), Error> {
        let mut rng = self.0.lock().unwrap();
        out.iter_mut().for_each(|b| *b = rng.byte());
        Ok(())
    }
}

// ---- the server's identity: a P-256 key and a self-signed X.509 v3 certificate ----

pub struct Identity {
    pub key: EcdsaKeyPair,
    pub cert: Vec<u8>,
}

/// Made once per test binary.
pub fn identity() -> &'static Identity {
    static ID: OnceLock<Identity> = OnceLock::new();
    ID.get_or_init(|| {
        let key = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_ASN1_SIGNING).unwrap();
        let cert = self_signed_certificate(&key);
        Identity { key, cert }
    })
}

/// One DER TLV (X.690 §8.1), definite length.
pub fn der(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = body.len();
    match n {
        0..=0x7f => out.push(n as u8),
        0x80..=0xff => out.extend([0x81, n as u8]),
        _ => out.extend([0x82, (n >> 8) as u8, n as u8]),
    }
    out.extend_from_slice(body);
    out
}

pub fn seq(parts: Vec<Vec<u8>>) -> Vec<u8> {
    der(0x30, &parts.concat())
}

/// A self-signed RFC 5280 §4.1 certificate for "localhost" (CN and DNS SAN, valid 2020-2049):
/// `alg` is the signature AlgorithmIdentifier, `spki` the SubjectPublicKeyInfo, and `sign`
/// signs the TBSCertificate.
pub fn self_signed_localhost(
    alg: Vec<u8>,
    serial: &[u8],
    spki: Vec<u8>,
    sign: impl FnOnce(&[u8]) -> Vec<u8>,
) -> Vec<u8> {
    let common_name = der(0x06, &[0x55, 0x04, 0x03]);
    let subject_alt_name = der(0x06, &[0x55, 0x1d, 0x11]);
    let name = seq(vec![der(
        0x31,
        &seq(vec![common_name, der(0x0c, b"localhost")]),
    )]);
    let validity = seq(vec![
        der(0x17, b"200101000000Z"),
        der(0x17, b"491231235959Z"),
    ]);
    let san = seq(vec![
        subject_alt_name,
        der(0x04, &seq(vec![der(0x82, b"localhost")])),
    ]);
    let tbs = seq(vec![
        der(0xa0, &der(0x02, &[2])),
        der(0x02, serial),
        alg.clone(),
        name.clone(),
        validity,
        name,
        spki,
        der(0xa3, &seq(vec![san])),
    ]);
    let mut bits = vec![0];
    bits.extend(sign(&tbs));
    seq(vec![tbs, alg, der(0x03, &bits)])
}

/// RFC 5280 §4.1 with the RFC 5758 / RFC 5480 identifiers for ECDSA P-256 with SHA-256.
fn self_signed_certificate(key: &EcdsaKeyPair) -> Vec<u8> {
    let ecdsa_with_sha256 = der(0x06, &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]);
    let ec_public_key = der(0x06, &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]);
    let prime256v1 = der(0x06, &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]);
    let mut point = vec![0];
    point.extend_from_slice(key.public_key().as_ref());
    let spki = seq(vec![
        seq(vec![ec_public_key, prime256v1]),
        der(0x03, &point),
    ]);
    self_signed_localhost(seq(vec![ecdsa_with_sha256]), &[0x1d, 0x2c], spki, |tbs| {
        key.sign(&AwsRandom::new(), tbs).unwrap().as_ref().to_vec()
    })
}

// ---- encoding ----

pub fn u16_bytes(v: u16) -> Vec<u8> {
    v.to_be_bytes().to_vec()
}

/// `opaque x<..2^16-1>`.
pub fn vec16(body: &[u8]) -> Vec<u8> {
    [u16_bytes(body.len() as u16), body.to_vec()].concat()
}

/// A handshake message: type, 24-bit length, body (RFC 8446 §4).
pub fn handshake(typ: u8, body: &[u8]) -> Vec<u8> {
    let n = body.len();
    let mut out = vec![typ, (n >> 16) as u8, (n >> 8) as u8, n as u8];
    out.extend_from_slice(body);
    out
}

/// An unprotected record (RFC 8446 §5.1).
pub fn plain_record(typ: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![typ, 3, 3];
    out.extend(u16_bytes(payload.len() as u16));
    out.extend_from_slice(payload);
    out
}

/// An extension block (RFC 8446 §4.2).
pub fn extension_block(exts: &[(u16, Vec<u8>)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (typ, data) in exts {
        body.extend(u16_bytes(*typ));
        body.extend(vec16(data));
    }
    vec16(&body)
}

/// KeyShareEntry (RFC 8446 §4.2.8).
pub fn key_share_entry(group: u16, public: &[u8]) -> Vec<u8> {
    [u16_bytes(group), vec16(public)].concat()
}

/// ALPN with one protocol (RFC 7301 §3.1).
pub fn alpn_body(protocols: &[&[u8]]) -> Vec<u8> {
    let mut list = Vec::new();
    for p in protocols {
        list.push(p.len() as u8);
        list.extend_from_slice(p);
    }
    vec16(&list)
}

/// A NewSessionTicket: lifetime 600 s, nonce 0x00, ticket "t", no extensions (RFC 8446 §4.6.1).
pub fn new_session_ticket() -> Vec<u8> {
    let mut body = 600u32.to_be_bytes().to_vec();
    body.extend([1, 2, 3, 4, 1, 0]);
    body.extend(vec16(b"t"));
    body.extend(vec16(&[]));
    handshake(NEW_SESSION_TICKET, &body)
}

/// ServerHello or HelloRetryRequest fields (RFC 8446 §4.1.3), freely editable.
#[derive(Debug, Clone)]
pub struct Hello {
    pub legacy_version: u16,
    pub random: [u8; 32],
    pub session_id: Vec<u8>,
    pub suite: u16,
    pub compression: u8,
    pub extensions: Vec<(u16, Vec<u8>)>,
}

impl Hello {
    /// The whole handshake message.
    pub fn encode(&self) -> Vec<u8> {
        let mut body = u16_bytes(self.legacy_version);
        body.extend_from_slice(&self.random);
        body.push(self.session_id.len() as u8);
        body.extend_from_slice(&self.session_id);
        body.extend(u16_bytes(self.suite));
        body.push(self.compression);
        body.extend(extension_block(&self.extensions));
        handshake(SERVER_HELLO, &body)
    }

    /// Replaces the extension of type `typ`, or appends it.
    pub fn set(&mut self, typ: u16, body: Vec<u8>) -> &mut Self {
        match self.extensions.iter_mut().find(|e| e.0 == typ) {
            Some(e) => e.1 = body,
            None => self.extensions.push((typ, body)),
        }
        self
    }

    pub fn remove(&mut self, typ: u16) -> &mut Self {
        self.extensions.retain(|e| e.0 != typ);
        self
    }
}

// ---- the client side ----

/// Client configuration for these tests: chains are accepted as they come (CertificateVerify is
/// still checked), and randomness is seeded.
pub fn client_config() -> ClientConfig {
    let mut config = ClientConfig::with_verifier(Arc::new(NoServerVerification));
    config.rng = Arc::new(SeededRandom::new(CLIENT_SEED));
    // The scripted server speaks TLS 1.3 only; TLS 1.2 answers are tested with 1.2 enabled.
    config.enable_tls12 = false;
    config
}

pub fn connect(config: ClientConfig) -> ClientConnection {
    ClientConnection::new(Arc::new(config), "localhost").unwrap()
}

/// Feeds `data` in as large pieces as the client takes, processing after each; returns the
/// first error.
pub fn deliver(client: &mut ClientConnection, data: &[u8]) -> Result<(), Error> {
    let mut rest = data;
    loop {
        let n = client.feed_tls(rest);
        rest = &rest[n..];
        client.process()?;
        if rest.is_empty() {
            return Ok(());
        }
        assert!(n > 0, "the client stopped taking bytes");
    }
}

/// What the ClientHello offered.
#[derive(Debug, Clone)]
pub struct ClientHelloInfo {
    pub encoded: Vec<u8>,
    pub random: [u8; 32],
    pub session_id: Vec<u8>,
    pub suites: Vec<u16>,
    pub extensions: Vec<(u16, Vec<u8>)>,
    pub groups: Vec<u16>,
    pub share_group: u16,
    pub share: Vec<u8>,
    pub alpn: Vec<Vec<u8>>,
    pub cookie: Option<Vec<u8>>,
}

impl ClientHelloInfo {
    /// Parses a ClientHello (RFC 8446 §4.1.2); panics on anything malformed.
    pub fn parse(encoded: &[u8]) -> Self {
        assert_eq!(encoded[0], CLIENT_HELLO, "expected ClientHello");
        let mut r = Reader::new(&encoded[4..]);
        assert_eq!(r.u16().unwrap(), 0x0303, "legacy_version");
        let random = r.array::<32>().unwrap();
        let session_id = r.vec8().unwrap().to_vec();
        let mut s = r.sub16().unwrap();
        let mut suites = Vec::new();
        while !s.is_empty() {
            suites.push(s.u16().unwrap());
        }
        assert_eq!(r.vec8().unwrap(), [0], "legacy_compression_methods");
        let mut e = r.sub16().unwrap();
        r.finish().unwrap();
        let mut extensions = Vec::new();
        while !e.is_empty() {
            let typ = e.u16().unwrap();
            extensions.push((typ, e.vec16().unwrap().to_vec()));
        }
        let find = |typ: u16| extensions.iter().find(|x| x.0 == typ).map(|x| x.1.clone());

        let mut groups = Vec::new();
        let body = find(EXT_SUPPORTED_GROUPS).expect("supported_groups");
        let mut g = Reader::new(&body).sub16().unwrap();
        while !g.is_empty() {
            groups.push(g.u16().unwrap());
        }
        let body = find(EXT_KEY_SHARE).expect("key_share");
        let mut ks = Reader::new(&body).sub16().unwrap();
        let share_group = ks.u16().unwrap();
        let share = ks.vec16().unwrap().to_vec();
        let mut alpn = Vec::new();
        if let Some(body) = find(EXT_ALPN) {
            let mut l = Reader::new(&body).sub16().unwrap();
            while !l.is_empty() {
                alpn.push(l.vec8().unwrap().to_vec());
            }
        }
        let cookie = find(EXT_COOKIE).map(|b| Reader::new(&b).vec16().unwrap().to_vec());
        Self {
            encoded: encoded.to_vec(),
            random,
            session_id,
            suites,
            extensions,
            groups,
            share_group,
            share,
            alpn,
            cookie,
        }
    }

    pub fn offers(&self, ext: u16) -> bool {
        self.extensions.iter().any(|e| e.0 == ext)
    }
}

/// One record the client sent, decrypted when it was protected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub typ: u8,
    pub payload: Vec<u8>,
    pub protected: bool,
}

/// Splits bytes into (type, fragment) records; `None` if they do not frame exactly.
pub fn split_records(mut data: &[u8]) -> Option<Vec<(u8, &[u8])>> {
    let mut out = Vec::new();
    while !data.is_empty() {
        if data.len() < 5 {
            return None;
        }
        let len = usize::from(u16::from_be_bytes([data[3], data[4]]));
        if data.len() < 5 + len {
            return None;
        }
        out.push((data[0], &data[5..5 + len]));
        data = &data[5 + len..];
    }
    Some(out)
}

// ---- the server ----

/// The parts of the server's first flight, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    ServerHello,
    ChangeCipherSpec,
    EncryptedExtensions,
    Certificate,
    CertificateVerify,
    Finished,
}

pub const STEPS: [Step; 6] = [
    Step::ServerHello,
    Step::ChangeCipherSpec,
    Step::EncryptedExtensions,
    Step::Certificate,
    Step::CertificateVerify,
    Step::Finished,
];

/// A hook that changes nothing.
pub fn unchanged(_: Step, _: &mut Vec<u8>, _: &Server) {}

/// The server's first flight as records, one per step.
#[derive(Debug, Clone)]
pub struct Flight {
    pub records: Vec<(Step, Vec<u8>)>,
}

impl Flight {
    pub fn wire(&self) -> Vec<u8> {
        self.records.iter().flat_map(|r| r.1.clone()).collect()
    }

    pub fn record_mut(&mut self, step: Step) -> &mut Vec<u8> {
        &mut self
            .records
            .iter_mut()
            .find(|r| r.0 == step)
            .expect("step in flight")
            .1
    }
}

/// A scripted TLS 1.3 server. The transcript keeps raw messages and is hashed on demand.
pub struct Server {
    pub ch: ClientHelloInfo,
    pub suite: Tls13Suite,
    /// The ALPN protocol EncryptedExtensions selects (when the client offered ALPN).
    pub alpn: Option<Vec<u8>>,
    /// Whether the client's Finished verified (`None` until it arrives).
    pub client_finished_ok: Option<bool>,
    /// Whether the client's Finished answering a post-handshake CertificateRequest verified.
    pub post_handshake_finished_ok: Option<bool>,
    /// The client's post-handshake Certificate message, once it arrives.
    pub post_handshake_certificate: Option<Vec<u8>>,
    /// The transcript of a post-handshake authentication under way (RFC 8446 §4.4).
    pha_transcript: Option<Vec<u8>>,
    rng: SeededRandom,
    share: KeyShare,
    transcript: Vec<u8>,
    handshake: Option<HandshakeSecret>,
    hs_secrets: Option<TrafficSecrets>,
    client_app_secret: Option<Secret>,
    client_finished: Option<Secret>,
    write: Option<RecordKey>,
    write_secret: Option<Secret>,
    client_key: Option<RecordKey>,
    client_secret: Option<Secret>,
}

impl Server {
    /// Takes the client's ClientHello from its output.
    pub fn accept(client: &mut ClientConnection) -> Self {
        let rng = SeededRandom::new(SERVER_SEED);
        let records = take_output(client);
        let (typ, msg) = records.first().expect("ClientHello record");
        assert_eq!(*typ, HANDSHAKE);
        let ch = ClientHelloInfo::parse(msg);
        let suite = ch
            .suites
            .iter()
            .find_map(|s| tls13_suite(CipherSuite(*s)))
            .expect("a TLS 1.3 suite offered");
        let share = generate_key_share(NamedGroup(ch.share_group), &rng).unwrap();
        Self {
            transcript: ch.encoded.clone(),
            ch,
            suite,
            alpn: None,
            client_finished_ok: None,
            post_handshake_finished_ok: None,
            post_handshake_certificate: None,
            pha_transcript: None,
            rng,
            share,
            handshake: None,
            hs_secrets: None,
            client_app_secret: None,
            client_finished: None,
            write: None,
            write_secret: None,
            client_key: None,
            client_secret: None,
        }
    }

    /// A valid ServerHello (RFC 8446 §4.1.3): session id echoed, the client's group, TLS 1.3.
    pub fn server_hello(&self) -> Hello {
        let mut random = [0u8; 32];
        random
            .iter_mut()
            .enumerate()
            .for_each(|(i, b)| *b = i as u8);
        Hello {
            legacy_version: 0x0303,
            random,
            session_id: self.ch.session_id.clone(),
            suite: self.suite.suite.0,
            compression: 0,
            extensions: vec![
                (EXT_SUPPORTED_VERSIONS, u16_bytes(0x0304)),
                (
                    EXT_KEY_SHARE,
                    key_share_entry(self.ch.share_group, self.share.public()),
                ),
            ],
        }
    }

    /// A HelloRetryRequest (RFC 8446 §4.1.4) asking for `group` and/or echoing `cookie`.
    pub fn retry_request(&self, group: Option<NamedGroup>, cookie: Option<&[u8]>) -> Hello {
        let mut hrr = self.server_hello();
        hrr.random = HRR_RANDOM;
        hrr.extensions = vec![(EXT_SUPPORTED_VERSIONS, u16_bytes(0x0304))];
        if let Some(g) = group {
            hrr.extensions.push((EXT_KEY_SHARE, u16_bytes(g.0)));
        }
        if let Some(c) = cookie {
            hrr.extensions.push((EXT_COOKIE, vec16(c)));
        }
        hrr
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

    /// Takes a ServerHello into the transcript and derives the handshake traffic keys
    /// (RFC 8446 §7.1) from the server's share and the client's.
    pub fn take_server_hello(&mut self, msg: &[u8]) {
        self.add(msg);
        let shared = agree(&self.share, &self.ch.share).unwrap();
        let hs = EarlySecret::without_psk(self.suite.hash).into_handshake(&shared);
        let secrets = hs.traffic_secrets(&self.hash());
        self.set_write(secrets.server.clone());
        self.set_client(secrets.client.clone());
        self.handshake = Some(hs);
        self.hs_secrets = Some(secrets);
    }

    /// Takes a HelloRetryRequest: ClientHello1 becomes message_hash (RFC 8446 §4.4.1).
    pub fn take_retry_request(&mut self, msg: &[u8]) {
        let ch1 = self.hash();
        let mut t = vec![MESSAGE_HASH, 0, 0, ch1.as_bytes().len() as u8];
        t.extend_from_slice(ch1.as_bytes());
        t.extend_from_slice(msg);
        self.transcript = t;
    }

    /// Reads the client's answer to a HelloRetryRequest: an optional change_cipher_spec, then
    /// ClientHello2, which must repeat ClientHello1 apart from key_share and cookie (§4.1.2).
    pub fn take_second_hello(&mut self, client: &mut ClientConnection) {
        let records = self.read_client(client);
        let hello = records
            .iter()
            .find(|r| r.typ == HANDSHAKE)
            .expect("ClientHello2");
        let ch2 = ClientHelloInfo::parse(&hello.payload);
        assert_eq!(ch2.random, self.ch.random, "random repeated");
        assert_eq!(ch2.session_id, self.ch.session_id, "session id repeated");
        assert_eq!(ch2.suites, self.ch.suites, "cipher suites repeated");
        self.add(&ch2.encoded);
        self.share = generate_key_share(NamedGroup(ch2.share_group), &self.rng).unwrap();
        self.ch = ch2;
    }

    /// EncryptedExtensions with `exts` (RFC 8446 §4.3.1).
    pub fn encrypted_extensions_with(&self, exts: &[(u16, Vec<u8>)]) -> Vec<u8> {
        handshake(ENCRYPTED_EXTENSIONS, &extension_block(exts))
    }

    /// The EncryptedExtensions this server sends: ALPN when set.
    pub fn encrypted_extensions(&self) -> Vec<u8> {
        let mut exts = Vec::new();
        if let Some(p) = &self.alpn {
            exts.push((EXT_ALPN, alpn_body(&[p])));
        }
        self.encrypted_extensions_with(&exts)
    }

    /// Certificate with the given DER certificates, no extensions (RFC 8446 §4.4.2).
    pub fn certificate_with(&self, certs: &[&[u8]]) -> Vec<u8> {
        let mut list = Vec::new();
        for c in certs {
            let n = c.len();
            list.extend([(n >> 16) as u8, (n >> 8) as u8, n as u8]);
            list.extend_from_slice(c);
            list.extend([0, 0]);
        }
        let n = list.len();
        let mut body = vec![0, (n >> 16) as u8, (n >> 8) as u8, n as u8];
        body.extend(list);
        handshake(CERTIFICATE, &body)
    }

    pub fn certificate(&self) -> Vec<u8> {
        self.certificate_with(&[&identity().cert])
    }

    /// What CertificateVerify signs now (RFC 8446 §4.4.3).
    pub fn signed_content(&self) -> Vec<u8> {
        let mut m = vec![0x20; 64];
        m.extend_from_slice(b"TLS 1.3, server CertificateVerify\x00");
        m.extend_from_slice(self.hash().as_bytes());
        m
    }

    pub fn sign(&self, content: &[u8]) -> Vec<u8> {
        identity()
            .key
            .sign(&AwsRandom::new(), content)
            .unwrap()
            .as_ref()
            .to_vec()
    }

    pub fn certificate_verify_with(&self, scheme: u16, signature: &[u8]) -> Vec<u8> {
        handshake(
            CERTIFICATE_VERIFY,
            &[u16_bytes(scheme), vec16(signature)].concat(),
        )
    }

    /// A valid CertificateVerify over the transcript so far.
    pub fn certificate_verify(&self) -> Vec<u8> {
        let sig = self.sign(&self.signed_content());
        self.certificate_verify_with(ECDSA_P256_SHA256, &sig)
    }

    /// A valid server Finished over the transcript so far (RFC 8446 §4.4.4).
    pub fn finished(&self) -> Vec<u8> {
        let secrets = self.hs_secrets.as_ref().expect("handshake keys");
        let data = finished_verify_data(self.suite.hash, &secrets.server, &self.hash());
        handshake(FINISHED, data.as_bytes())
    }

    /// Takes the server Finished: application traffic secrets (RFC 8446 §7.1); the server writes
    /// with its own at once and expects the client's after the client's Finished.
    pub fn take_finished(&mut self, msg: &[u8]) {
        self.add(msg);
        let secrets = self.hs_secrets.as_ref().expect("handshake keys");
        let th = self.hash();
        self.client_finished = Some(finished_verify_data(self.suite.hash, &secrets.client, &th));
        let master = self
            .handshake
            .take()
            .expect("handshake secret")
            .into_master();
        let app = master.traffic_secrets(&th);
        self.set_write(app.server);
        self.client_app_secret = Some(app.client);
    }

    /// The whole first flight, each message passed through `hook` before it is hashed and
    /// protected; a message the hook empties is left out.
    pub fn flight(&mut self, mut hook: impl FnMut(Step, &mut Vec<u8>, &Server)) -> Flight {
        let mut records = Vec::new();
        let mut sh = self.server_hello().encode();
        hook(Step::ServerHello, &mut sh, self);
        self.take_server_hello(&sh);
        records.push((Step::ServerHello, plain_record(HANDSHAKE, &sh)));
        // RFC 8446 §D.4: a compatibility change_cipher_spec after ServerHello.
        let mut ccs = vec![1];
        hook(Step::ChangeCipherSpec, &mut ccs, self);
        if !ccs.is_empty() {
            records.push((
                Step::ChangeCipherSpec,
                plain_record(CHANGE_CIPHER_SPEC, &ccs),
            ));
        }
        for step in &STEPS[2..] {
            let mut msg = match step {
                Step::EncryptedExtensions => self.encrypted_extensions(),
                Step::Certificate => self.certificate(),
                Step::CertificateVerify => self.certificate_verify(),
                _ => self.finished(),
            };
            hook(*step, &mut msg, self);
            if msg.is_empty() {
                continue;
            }
            records.push((*step, self.seal(HANDSHAKE, &msg)));
            if *step == Step::Finished {
                self.take_finished(&msg);
            } else {
                self.add(&msg);
            }
        }
        Flight { records }
    }

    /// Runs a whole valid handshake and reads the client's second flight.
    pub fn complete_handshake(&mut self, client: &mut ClientConnection) {
        let flight = self.flight(unchanged);
        deliver(client, &flight.wire()).expect("valid flight accepted");
        assert!(client.is_established());
        let records = self.read_client(client);
        assert_eq!(self.client_finished_ok, Some(true), "{records:?}");
    }

    // ---- records ----

    fn set_write(&mut self, secret: Secret) {
        let (k, iv) = traffic_key(&self.suite, &secret).unwrap();
        self.write = Some(RecordKey::new(k, iv));
        self.write_secret = Some(secret);
    }

    fn set_client(&mut self, secret: Secret) {
        let (k, iv) = traffic_key(&self.suite, &secret).unwrap();
        self.client_key = Some(RecordKey::new(k, iv));
        self.client_secret = Some(secret);
    }

    /// One protected record under the current write key (RFC 8446 §5.2).
    pub fn seal(&mut self, typ: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let key = self.write.as_mut().expect("write key");
        seal(key, &mut out, ContentType(typ), payload).unwrap();
        out
    }

    /// A protected record built by hand (RFC 8446 §5.2-5.3) so it may break the size limits the
    /// record layer enforces: `content`, the inner type, then `padding` zeros.
    pub fn seal_raw(&mut self, typ: u8, content: &[u8], padding: usize) -> Vec<u8> {
        let secret = self.write_secret.clone().expect("write key");
        let (key, iv) = traffic_key(&self.suite, &secret).unwrap();
        let seq = self.write.as_ref().unwrap().sequence();
        let mut nonce = iv;
        for (n, s) in nonce[4..].iter_mut().zip(seq.to_be_bytes()) {
            *n ^= s;
        }
        let mut inner = content.to_vec();
        inner.push(typ);
        inner.resize(inner.len() + padding, 0);
        let len = inner.len() + AEAD_TAG_LEN;
        let mut header = vec![APPLICATION_DATA, 3, 3];
        header.extend(u16_bytes(len as u16));
        let tag = key.seal_in_place(nonce, &header, &mut inner).unwrap();
        [header, inner, tag.to_vec()].concat()
    }

    /// A post-handshake CertificateRequest (RFC 8446 §4.6.2) with `context` asking for
    /// ecdsa_secp256r1_sha256, sealed; the answer is checked as it is read.
    pub fn post_handshake_request(&mut self, context: &[u8]) -> Vec<u8> {
        let body = [
            [&[context.len() as u8][..], context].concat(),
            extension_block(&[(EXT_SIGNATURE_ALGORITHMS, vec16(&[4, 3]))]),
        ];
        let msg = handshake(CERTIFICATE_REQUEST, &body.concat());
        self.pha_transcript = Some([self.transcript.clone(), msg.clone()].concat());
        self.seal(HANDSHAKE, &msg)
    }

    /// KeyUpdate (RFC 8446 §4.6.3) under the current key, then the next server secret (§7.2).
    pub fn key_update(&mut self, request: u8) -> Vec<u8> {
        let record = self.seal(HANDSHAKE, &handshake(KEY_UPDATE, &[request]));
        let next = next_traffic_secret(self.suite.hash, self.write_secret.as_ref().unwrap());
        self.set_write(next);
        record
    }

    /// Everything the client sent since the last call, decrypted with the keys the client
    /// uses: handshake keys after ServerHello, application keys after its Finished.
    pub fn read_client(&mut self, client: &mut ClientConnection) -> Vec<Record> {
        let mut out = Vec::new();
        for (typ, fragment) in take_output(client) {
            if typ != APPLICATION_DATA {
                out.push(Record {
                    typ,
                    payload: fragment,
                    protected: false,
                });
                continue;
            }
            let key = self.client_key.as_mut().expect("client keys");
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

    /// Follows the client's key changes: Finished (RFC 8446 §4.4.4) and KeyUpdate (§4.6.3).
    fn client_handshake(&mut self, mut payload: &[u8]) {
        while payload.len() >= 4 {
            let len = usize::from(payload[1]) << 16 | usize::from(payload[2]) << 8;
            let len = len | usize::from(payload[3]);
            let (msg, rest) = payload.split_at(4 + len);
            if let Some(t) = &mut self.pha_transcript {
                if msg[0] == CERTIFICATE {
                    self.post_handshake_certificate = Some(msg.to_vec());
                }
                if msg[0] == FINISHED {
                    // RFC 8446 §4.4: keyed from the client's current traffic secret.
                    let mut h = HashContext::new(self.suite.hash);
                    h.update(t);
                    let secret = self.client_secret.as_ref().unwrap();
                    let want = finished_verify_data(self.suite.hash, secret, &h.current());
                    self.post_handshake_finished_ok = Some(want.as_bytes() == &msg[4..]);
                    self.pha_transcript = None;
                } else {
                    t.extend_from_slice(msg);
                }
                payload = rest;
                continue;
            }
            if self.client_finished.is_some() {
                // The main handshake's transcript runs through the client's Finished.
                self.transcript.extend_from_slice(msg);
            }
            match msg[0] {
                FINISHED => {
                    let want = self.client_finished.take().expect("server Finished sent");
                    self.client_finished_ok = Some(want.as_bytes() == &msg[4..]);
                    let secret = self.client_app_secret.take().unwrap();
                    self.set_client(secret);
                }
                KEY_UPDATE => {
                    let current = self.client_secret.as_ref().unwrap();
                    let next = next_traffic_secret(self.suite.hash, current);
                    self.set_client(next);
                }
                _ => {}
            }
            payload = rest;
        }
    }
}

/// Drains the client's output into (type, fragment) records.
fn take_output(client: &mut ClientConnection) -> Vec<(u8, Vec<u8>)> {
    let data = client.pending_tls().to_vec();
    client.consume_tls(data.len());
    split_records(&data)
        .expect("the client sends whole records")
        .into_iter()
        .map(|(t, f)| (t, f.to_vec()))
        .collect()
}

// ---- checks ----

/// What the client should have sent after a failure.
#[derive(Debug, Clone, Copy)]
pub enum Sent {
    /// A fatal alert in the clear (before the client has handshake keys).
    Plain(AlertDescription),
    /// A fatal alert protected under the client's current write key.
    Sealed(AlertDescription),
    /// No alert (the peer's own alert ended the connection).
    Nothing,
}

impl Server {
    /// Asserts that `got` is `want`, that the client queued exactly the alert `sent` (RFC 8446
    /// §6.2) as its last record, and that the connection stays failed without sending more.
    pub fn expect_fatal(
        &mut self,
        client: &mut ClientConnection,
        got: Result<(), Error>,
        want: Error,
        sent: Sent,
    ) {
        let records = self.read_client(client);
        let late = [plain_record(HANDSHAKE, &handshake(FINISHED, &[0; 32]))];
        check_fatal(client, &records, got, want, sent, &late);
    }
}

/// The checks after a fatal error, for either scripted server: `records` are what the client
/// sent, ending in the alert `sent`; the error sticks through reads, writes and `late` records
/// fed afterwards, and nothing more is sent.
pub fn check_fatal(
    client: &mut ClientConnection,
    records: &[Record],
    got: Result<(), Error>,
    want: Error,
    sent: Sent,
    late: &[Vec<u8>],
) {
    assert_eq!(got, Err(want.clone()), "process() result");
    assert_eq!(client.error(), Some(&want));
    let alerts = records.iter().filter(|r| r.typ == ALERT).count();
    match sent {
        Sent::Nothing => {
            assert_eq!(alerts, 0, "no alert answers the peer's alert: {records:?}");
            assert_eq!(want.alert(), None);
        }
        Sent::Plain(a) | Sent::Sealed(a) => {
            let last = records.last().expect("an alert was sent");
            assert_eq!(alerts, 1, "exactly one alert: {records:?}");
            assert_eq!(
                (last.typ, last.payload.as_slice()),
                (ALERT, &[2, a.0][..]),
                "fatal {a} expected, got {last:?}"
            );
            let sealed = matches!(sent, Sent::Sealed(_));
            assert_eq!(last.protected, sealed, "alert protection");
            assert_eq!(want.alert(), Some(a), "Error::alert() agrees");
        }
    }
    // The error sticks, and nothing more is sent.
    for _ in 0..2 {
        assert_eq!(client.process(), Err(want.clone()));
    }
    let mut buf = [0u8; 32];
    assert_eq!(client.read(&mut buf), Err(want.clone()));
    assert_eq!(client.write(b"more"), Err(want.clone()));
    for record in late {
        client.feed_tls(record);
    }
    assert_eq!(client.process(), Err(want.clone()));
    assert!(
        client.pending_tls().is_empty(),
        "nothing sent after the alert"
    );
    assert!(!client.is_handshaking());
    assert!(!client.is_established());
    assert_eq!(client.state_name(), "error");
}

/// Mutates a wire image for the randomized tests: flips, overwrites, truncates, inserts,
/// deletes or duplicates a few bytes.
pub fn mutate(rng: &mut Rng, buf: &mut Vec<u8>) {
    for _ in 0..1 + rng.below(3) {
        if buf.is_empty() {
            buf.push(rng.byte());
            continue;
        }
        let at = rng.below(buf.len());
        match rng.below(7) {
            0 => buf[at] ^= 1 << rng.below(8),
            1 => buf[at] = rng.byte(),
            2 => buf[at] = [0, 0xff, 0x7f, 0x80][rng.below(4)],
            3 => buf.truncate(at),
            4 => {
                let bytes: Vec<u8> = (0..1 + rng.below(8)).map(|_| rng.byte()).collect();
                buf.splice(at..at, bytes);
            }
            5 => {
                let end = (at + 1 + rng.below(16)).min(buf.len());
                buf.drain(at..end);
            }
            _ => {
                let end = (at + 1 + rng.below(32)).min(buf.len());
                let copy = buf[at..end].to_vec();
                buf.splice(at..at, copy);
            }
        }
    }
}

/// Feeds `wire` in random pieces, reading all the while. Returns the error, if any.
pub fn drive(client: &mut ClientConnection, wire: &[u8], rng: &mut Rng) -> Option<Error> {
    let mut rest = wire;
    let mut buf = [0u8; 256];
    let mut calls = 0;
    while !rest.is_empty() {
        let n = client.feed_tls(&rest[..(1 + rng.below(700)).min(rest.len())]);
        rest = &rest[n..];
        loop {
            calls += 1;
            assert!(calls < 100_000, "read() keeps returning data");
            match client.read(&mut buf) {
                Ok(ReadStatus::Data(_)) => continue,
                Ok(_) => break,
                Err(e) => return Some(e),
            }
        }
        if n == 0 {
            break;
        }
    }
    None
}
