//! RFC 8448 example handshakes replayed through the engine byte for byte. The recorded
//! ClientHellos offer extensions this client never sends (ffdhe groups, record_size_limit,
//! SHA-1 schemes), so they are substituted for the ones built; everything after them —
//! ServerHello processing, key schedule, record decryption, Finished, application data — runs
//! through the real `ClientConnection`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rustls_pki_types::{CertificateDer, ServerName, UnixTime};

use crate::config::{ClientConfig, ClientCredential, FixedClock};
use crate::conn::{ClientConnection, ReadStatus};
use crate::error::{CertificateError, Error};
use crate::keys::schedule13::{finished_verify_data, traffic_key, EarlySecret};
use crate::keys::transcript::Transcript;
use crate::provider::{
    self, agree, generate_key_share, Secret, SecureRandom, SigningKey, SigningKeyKind,
    TLS13_AES_128_GCM_SHA256,
};
use crate::record::protect::{open, RecordKey};
use crate::test_util::hex;
use crate::verify::ServerCertVerifier;
use crate::wire::enums::{ContentType, NamedGroup, SignatureScheme};

const VECTORS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/testdata/rfc8448/transcripts.vec"
));

fn section(name: &str) -> HashMap<String, Vec<u8>> {
    let mut out = HashMap::new();
    let mut inside = false;
    for line in VECTORS.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            inside = line == format!("[{name}]");
        } else if inside && !line.starts_with('#') {
            if let Some((k, v)) = line.split_once(" = ") {
                let v = if k == "CurrentTimestamp" {
                    v.as_bytes().to_vec()
                } else {
                    hex(v)
                };
                out.insert(k.to_owned(), v);
            }
        }
    }
    assert!(!out.is_empty(), "section {name} missing");
    out
}

/// Hands out the recorded random bytes in order.
struct Pool(Mutex<Vec<u8>>);

impl SecureRandom for Pool {
    fn fill(&self, out: &mut [u8]) -> Result<(), Error> {
        let mut pool = self.0.lock().unwrap();
        assert!(pool.len() >= out.len(), "RNG pool exhausted");
        out.copy_from_slice(&pool[..out.len()]);
        pool.drain(..out.len());
        Ok(())
    }
}

/// Accepts RFC 8448's expired RSA-1024 certificate and checks that the content the engine asks
/// to verify is exactly the recorded `Server_MessageToSign`, with the recorded signature.
struct RecordedSignature {
    scheme: SignatureScheme,
    to_sign: Vec<u8>,
    signature: Vec<u8>,
    seen: Mutex<Option<Vec<u8>>>,
}

impl ServerCertVerifier for RecordedSignature {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: Option<&ServerName<'_>>,
        _: UnixTime,
    ) -> Result<(), CertificateError> {
        *self.seen.lock().unwrap() = Some(end_entity.to_vec());
        Ok(())
    }

    fn verify_tls13_signature(
        &self,
        _: &CertificateDer<'_>,
        scheme: SignatureScheme,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), Error> {
        assert_eq!(scheme, self.scheme);
        if message == self.to_sign && signature == self.signature {
            Ok(())
        } else {
            Err(crate::error::PeerMisbehaved::BadSignature.into())
        }
    }
}

fn config(v: &HashMap<String, Vec<u8>>, middlebox: bool) -> (ClientConfig, Arc<RecordedSignature>) {
    let cv = &v["Message_Server_CertificateVerify"];
    let verifier = Arc::new(RecordedSignature {
        scheme: SignatureScheme(u16::from_be_bytes([cv[4], cv[5]])),
        to_sign: v["Server_MessageToSign"].clone(),
        signature: v["Server_MessageSignature"].clone(),
        seen: Mutex::new(None),
    });
    let millis: u64 = std::str::from_utf8(&v["CurrentTimestamp"])
        .unwrap()
        .parse()
        .unwrap();
    let mut config = ClientConfig::with_verifier(verifier.clone());
    config.rng = Arc::new(Pool(Mutex::new(v["Client_RNG_Pool"].clone())));
    config.time = Arc::new(FixedClock(UnixTime::since_unix_epoch(
        std::time::Duration::from_millis(millis),
    )));
    config.middlebox_compat = middlebox;
    // RFC 8448's client offers AES-128-GCM, ChaCha20, AES-256-GCM and X25519 first.
    config.tls13_suites = vec![
        provider::TLS13_AES_128_GCM_SHA256,
        provider::TLS13_CHACHA20_POLY1305_SHA256,
        provider::TLS13_AES_256_GCM_SHA384,
    ];
    config.groups = vec![
        NamedGroup::X25519,
        NamedGroup::SECP256R1,
        NamedGroup::SECP384R1,
    ];
    (config, verifier)
}

/// The handshake message inside a record (strips the 5-byte header).
fn message_of(record: &[u8]) -> Vec<u8> {
    record[5..].to_vec()
}

/// Starts a connection that sends the recorded ClientHello(s).
fn start(config: ClientConfig, hellos: &[&[u8]]) -> ClientConnection {
    let identity = crate::client::ServerIdentity {
        sni: Some("server".into()),
        verify_name: None,
    };
    let hellos = hellos.iter().map(|r| message_of(r)).collect();
    ClientConnection::with_recorded_hellos(Arc::new(config), identity, hellos).unwrap()
}

fn take_output(conn: &mut ClientConnection) -> Vec<u8> {
    let out = conn.pending_tls().to_vec();
    conn.consume_tls(out.len());
    out
}

fn feed(conn: &mut ClientConnection, bytes: &[u8]) {
    assert_eq!(conn.feed_tls(bytes), bytes.len());
    conn.process().unwrap();
}

/// Drives a full handshake from the vectors and checks every record the client sends.
fn run_handshake(name: &str, middlebox: bool) -> (ClientConnection, HashMap<String, Vec<u8>>) {
    run_handshake_with(name, middlebox, |_, _| {})
}

/// `run_handshake` with the configuration changed by `tweak` first.
fn run_handshake_with(
    name: &str,
    middlebox: bool,
    tweak: impl FnOnce(&mut ClientConfig, &HashMap<String, Vec<u8>>),
) -> (ClientConnection, HashMap<String, Vec<u8>>) {
    let v = section(name);
    let (mut config, verifier) = config(&v, middlebox);
    tweak(&mut config, &v);
    let mut hellos: Vec<&[u8]> = vec![&v["Record_ClientHello_1"]];
    if let Some(ch2) = v.get("Record_ClientHello_2") {
        hellos.push(ch2);
    }
    let mut conn = start(config, &hellos);
    assert_eq!(take_output(&mut conn), v["Record_ClientHello_1"]);
    if let Some(hrr) = v.get("Record_HelloRetryRequest") {
        feed(&mut conn, hrr);
        // The retry draws its P-256 share from the pool; the recorded ClientHello2 carries the
        // same public value, so the shared secret below only works if that draw was right.
        assert_eq!(take_output(&mut conn), v["Record_ClientHello_2"]);
        assert!(conn.negotiated().hello_retried);
    }
    feed(&mut conn, &v["Record_ServerHello"]);
    assert!(conn.pending_tls().is_empty());
    feed(&mut conn, &v["Record_ServerHandshakeMessages"]);
    assert!(conn.is_established());
    assert_eq!(take_output(&mut conn), v["Record_ClientFinished"]);
    assert_eq!(
        verifier.seen.lock().unwrap().as_deref(),
        Some(conn.peer_certificates()[0].as_ref())
    );
    assert_eq!(conn.verify_result(), Some(&Ok(())));
    (conn, v)
}

fn close_both_ways(conn: &mut ClientConnection, v: &HashMap<String, Vec<u8>>) {
    conn.send_close_notify();
    assert_eq!(take_output(conn), v["Record_Client_CloseNotify"]);
    feed(conn, &v["Record_Server_CloseNotify"]);
    assert!(conn.peer_closed());
    assert_eq!(conn.read(&mut [0u8; 8]).unwrap(), ReadStatus::Closed);
}

#[test]
fn simple_1rtt_handshake() {
    let (mut conn, v) = run_handshake("Simple_1RTT_Handshake", false);
    assert_eq!(conn.cipher_suite(), Some(TLS13_AES_128_GCM_SHA256));
    assert_eq!(conn.group(), Some(NamedGroup::X25519));

    feed(&mut conn, &v["Record_NewSessionTicket"]);
    let tickets = conn.take_session_tickets();
    assert_eq!(tickets.len(), 1);
    assert_eq!(tickets[0].ticket.ticket, v["SessionTicket"]);
    // RFC 8448 §3: the PSK for the ticket.
    assert_eq!(
        tickets[0].psk.as_bytes(),
        hex("4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3")
    );

    assert_eq!(conn.write(&v["Client_AppData"]).unwrap(), 50);
    assert_eq!(take_output(&mut conn), v["Record_Client_AppData"]);
    feed(&mut conn, &v["Record_Server_AppData"]);
    let mut buf = [0u8; 100];
    assert_eq!(conn.read(&mut buf).unwrap(), ReadStatus::Data(50));
    assert_eq!(&buf[..50], v["Server_AppData"].as_slice());
    close_both_ways(&mut conn, &v);
}

#[test]
fn hello_retry_request_handshake() {
    let (mut conn, v) = run_handshake("HelloRetryRequest_Handshake", false);
    assert_eq!(conn.group(), Some(NamedGroup::SECP256R1));
    close_both_ways(&mut conn, &v);
}

/// Stands in for RFC 8448 §6's RSA-1024 client key (too small for aws-lc, and its private half
/// is not in the vectors): checks the engine asks to sign exactly `Client_MessageToSign` and
/// returns the recorded `Client_MessageSignature`.
struct RecordedClientKey {
    spki: Vec<u8>,
    to_sign: Vec<u8>,
    signature: Vec<u8>,
}

impl SigningKey for RecordedClientKey {
    fn kind(&self) -> SigningKeyKind {
        SigningKeyKind::Rsa
    }

    fn public_key(&self) -> &[u8] {
        &self.spki
    }

    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> Result<Vec<u8>, Error> {
        assert_eq!(scheme, SignatureScheme::RSA_PSS_RSAE_SHA256);
        assert_eq!(message, self.to_sign, "the client CertificateVerify input");
        Ok(self.signature.clone())
    }
}

/// RFC 8448 §6: the client answers the CertificateRequest with its RSA certificate, an
/// rsa_pss_rsae_sha256 CertificateVerify over the recorded input and Finished; the flight
/// matches the recorded record byte for byte.
#[test]
fn client_authentication_handshake() {
    let (mut conn, v) = run_handshake_with("Client_Authentication_Handshake", false, |c, v| {
        let pem = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/testdata/rfc8448/client_certificate.pem"
        ))
        .unwrap();
        use rustls_pki_types::pem::PemObject;
        let cert = CertificateDer::from_pem_slice(&pem).unwrap();
        let key = RecordedClientKey {
            spki: crate::verify::subject_public_key_info(&cert)
                .unwrap()
                .to_vec(),
            to_sign: v["Client_MessageToSign"].clone(),
            signature: v["Client_MessageSignature"].clone(),
        };
        let credential = ClientCredential::new(vec![cert], Arc::new(key)).unwrap();
        c.client_credential = Some(Arc::new(credential));
    });
    assert!(conn.negotiated().client_certificate_requested);
    // What the request asked for is kept as sent, SHA-1 and DSA schemes too; TLS 1.3 has no
    // certificate types, and this request names no CAs.
    let request = conn.negotiated().certificate_request.as_deref().unwrap();
    let sent: Vec<u16> = request.schemes.iter().map(|s| s.0).collect();
    assert_eq!(
        sent,
        [
            0x0403, 0x0503, 0x0603, 0x0203, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0201,
            0x0402, 0x0502, 0x0602, 0x0202
        ]
    );
    assert!(request.certificate_types.is_empty() && request.ca_names.is_empty());
    assert_eq!(
        conn.negotiated().client_signature_scheme,
        Some(SignatureScheme::RSA_PSS_RSAE_SHA256)
    );
    close_both_ways(&mut conn, &v);
}

/// The same server without a configured credential gets an empty Certificate (and no
/// CertificateVerify): the flight differs from the recorded one but the handshake completes.
#[test]
fn client_authentication_request_without_credential() {
    let v = section("Client_Authentication_Handshake");
    let (config, _) = config(&v, false);
    let mut conn = start(config, &[&v["Record_ClientHello_1"]]);
    take_output(&mut conn);
    feed(&mut conn, &v["Record_ServerHello"]);
    feed(&mut conn, &v["Record_ServerHandshakeMessages"]);
    assert!(conn.is_established());
    assert!(conn.negotiated().client_certificate_requested);
    assert_eq!(conn.negotiated().client_signature_scheme, None);
    // Empty Certificate (8) + Finished (36) + inner type, sealed: 5 + 45 + 16.
    assert_eq!(take_output(&mut conn).len(), 5 + 8 + 36 + 1 + 16);
}

#[test]
fn middlebox_compatibility_mode() {
    let (mut conn, v) = run_handshake("Middlebox_Compatibility_Mode", true);
    // The client's second flight starts with the one compatibility change_cipher_spec.
    assert_eq!(&v["Record_ClientFinished"][..6], &[20, 3, 3, 0, 1, 1]);
    close_both_ways(&mut conn, &v);
}

/// The layers on their own: the handshake traffic keys decrypt the server's flight into exactly
/// the listed messages, and the server's Finished verifies.
#[test]
fn layers_decrypt_server_flight_to_listed_messages() {
    for name in ["Simple_1RTT_Handshake", "Middlebox_Compatibility_Mode"] {
        let v = section(name);
        let pool = Pool(Mutex::new(v["Client_RNG_Pool"][32..].to_vec()));
        if name.starts_with("Middlebox") {
            pool.0.lock().unwrap().drain(..32);
        }
        let share = generate_key_share(NamedGroup::X25519, &pool).unwrap();
        let sh = message_of(&v["Record_ServerHello"]);
        assert_eq!(sh, v["Message_ServerHello"]);
        // key_share is the last 36 bytes before supported_versions in these ServerHellos.
        let server_public = &sh[sh.len() - 38..sh.len() - 6];
        let shared = agree(&share, server_public).unwrap();

        let suite = TLS13_AES_128_GCM_SHA256;
        let mut transcript = Transcript::new();
        transcript.add(&message_of(&v["Record_ClientHello_1"]));
        transcript.start_hash(suite.hash);
        transcript.add(&sh);
        let hs = EarlySecret::without_psk(suite.hash).into_handshake(&shared);
        let secrets = hs.traffic_secrets(&transcript.current_hash());
        let (k, iv) = traffic_key(&suite, &secrets.server).unwrap();
        let mut record = v["Record_ServerHandshakeMessages"].clone();
        // In middlebox compatibility mode the server's change_cipher_spec comes first.
        if record[0] == ContentType::CHANGE_CIPHER_SPEC.0 {
            record.drain(..6);
        }
        let (typ, len) = open(&mut RecordKey::new(k, iv), &mut record).unwrap();
        assert_eq!(typ, ContentType::HANDSHAKE);
        let plain = &record[len];
        let mut expected = Vec::new();
        for m in [
            "Message_EncryptedExtensions",
            "Message_Server_Certificate",
            "Message_Server_CertificateVerify",
            "Message_Server_Finished",
        ] {
            expected.extend_from_slice(&v[m]);
        }
        assert_eq!(plain, expected.as_slice(), "{name}");

        let finished = &v["Message_Server_Finished"];
        let before_finished = &plain[..plain.len() - finished.len()];
        transcript.add(before_finished);
        let verify = finished_verify_data(suite.hash, &secrets.server, &transcript.current_hash());
        assert_eq!(verify.as_bytes(), &finished[4..], "{name}");
    }
}

/// A corrupted byte in the server's flight fails with bad_record_mac and queues that alert.
#[test]
fn tampered_server_flight_fails_with_bad_record_mac() {
    let v = section("Simple_1RTT_Handshake");
    let (config, _) = config(&v, false);
    let mut conn = start(config, &[&v["Record_ClientHello_1"]]);
    take_output(&mut conn);
    feed(&mut conn, &v["Record_ServerHello"]);
    let mut flight = v["Record_ServerHandshakeMessages"].clone();
    flight[100] ^= 0x40;
    conn.feed_tls(&flight);
    assert_eq!(conn.process(), Err(Error::DecryptFailed));
    // The alert goes out under the client handshake key: 5 header + 2 alert + 1 type + 16 tag.
    assert_eq!(conn.pending_tls().len(), 24);
    assert_eq!(conn.process(), Err(Error::DecryptFailed));
}

/// The message observer sees each message once, in wire order, in both directions.
#[test]
fn message_observer_sees_every_message() {
    struct Log(Mutex<Vec<(bool, u8, u8)>>);
    impl crate::config::MessageObserver for Log {
        fn message(&self, sent: bool, typ: ContentType, data: &[u8]) {
            self.0.lock().unwrap().push((sent, typ.0, data[0]));
        }
    }
    let v = section("Middlebox_Compatibility_Mode");
    let (mut config, _) = config(&v, true);
    let log = Arc::new(Log(Mutex::new(Vec::new())));
    config.message_observer = Some(log.clone());
    let mut conn = start(config, &[&v["Record_ClientHello_1"]]);
    feed(&mut conn, &v["Record_ServerHello"]);
    feed(&mut conn, &v["Record_ServerHandshakeMessages"]);
    conn.send_close_notify();
    let seen = log.0.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            (true, 22, 1),
            (false, 22, 2),
            (false, 20, 1),
            (false, 22, 8),
            (false, 22, 11),
            (false, 22, 15),
            (false, 22, 20),
            (true, 20, 1),
            (true, 22, 20),
            (true, 21, 1),
        ]
    );
}

/// `tls_bytes_wanted` asks for the rest of the header, then exactly the rest of the record.
#[test]
fn bytes_wanted_stops_at_the_record_boundary() {
    let v = section("Simple_1RTT_Handshake");
    let (config, _) = config(&v, false);
    let mut conn = start(config, &[&v["Record_ClientHello_1"]]);
    take_output(&mut conn);
    let sh = &v["Record_ServerHello"];
    assert_eq!(conn.tls_bytes_wanted(), 5);
    feed(&mut conn, &sh[..3]);
    assert_eq!(conn.tls_bytes_wanted(), 2);
    feed(&mut conn, &sh[3..7]);
    assert_eq!(conn.tls_bytes_wanted(), sh.len() - 7);
    feed(&mut conn, &sh[7..]);
    assert_eq!(conn.tls_bytes_wanted(), 5);
}

/// RFC 8448 §4: the resumption ClientHello's PSK binder, computed with the ticket PSK from §3
/// over the truncated ClientHello, equals the recorded one; and the PSK + ECDHE handshake keys
/// decrypt the server's flight, whose Finished verifies.
#[test]
fn resumed_handshake_binder_and_keys() {
    let v = section("Resumed_0RTT_Handshake");
    let psk = Secret::from_slice(&hex(
        "4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3",
    ));
    let suite = TLS13_AES_128_GCM_SHA256;
    let ch = message_of(&v["Record_ClientHello_1"]);
    let binder_len = suite.hash.output_len();
    let truncated = &ch[..ch.len() - crate::wire::handshake::binders_wire_len(binder_len)];
    let th = Transcript::new().hash_with(suite.hash, truncated);
    let early = EarlySecret::with_psk(suite.hash, &psk);
    assert_eq!(
        early.resumption_binder(&th).as_bytes(),
        &ch[ch.len() - binder_len..]
    );

    let pool = Pool(Mutex::new(v["Client_RNG_Pool"][32..].to_vec()));
    let share = generate_key_share(NamedGroup::X25519, &pool).unwrap();
    let sh = message_of(&v["Record_ServerHello"]);
    assert_eq!(sh, v["Message_ServerHello"]);
    let server_public = find_server_share(&sh);
    let shared = agree(&share, server_public).unwrap();
    let mut transcript = Transcript::new();
    transcript.add(&ch);
    transcript.start_hash(suite.hash);
    transcript.add(&sh);
    let hs = EarlySecret::with_psk(suite.hash, &psk).into_handshake(&shared);
    let secrets = hs.traffic_secrets(&transcript.current_hash());
    let (k, iv) = traffic_key(&suite, &secrets.server).unwrap();
    let mut record = v["Record_ServerHandshakeMessages"].clone();
    let (typ, range) = open(&mut RecordKey::new(k, iv), &mut record).unwrap();
    assert_eq!(typ, ContentType::HANDSHAKE);
    let plain = &record[range];
    let ee = &v["Message_EncryptedExtensions"];
    assert_eq!(&plain[..ee.len()], ee.as_slice());
    let finished = &plain[ee.len()..];
    transcript.add(ee);
    let verify = finished_verify_data(suite.hash, &secrets.server, &transcript.current_hash());
    // The Finished inside the authenticated record is the reference: this section's separately
    // listed Message_Server_Finished does not match the record it came from.
    assert_eq!(finished[..4], [20, 0, 0, 32]);
    assert_eq!(verify.as_bytes(), &finished[4..]);
}

/// The X25519 key_share value in a ServerHello.
fn find_server_share(sh: &[u8]) -> &[u8] {
    let server_hello = crate::wire::handshake::ServerHello::decode(&sh[4..]).unwrap();
    let body = crate::wire::extensions::find(
        &server_hello.extensions,
        crate::wire::enums::ExtensionType::KEY_SHARE,
    )
    .unwrap();
    crate::wire::handshake::decode_server_share(body).unwrap().1
}
