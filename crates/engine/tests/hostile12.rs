//! Hostile-server tests for TLS 1.2: a scripted in-memory TLS 1.2 server (ECDHE, AEAD suites,
//! extended master secret) sends one class of bad input per test. Each test checks the typed
//! error from `process()`, the alert the client queued (RFC 5246 §7.2, RFC 8446 §6.2) and that
//! the connection stays failed. A randomized test feeds mutated and truncated flights.

#[allow(dead_code)]
mod hostile12_server;
#[allow(dead_code)]
mod hostile_server;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use hostile12_server::*;
use hostile_server::Sent::{Nothing, Plain, Sealed};
use hostile_server::{
    connect, deliver, drive, handshake, identity, mutate, plain_record, u16_bytes, vec16, Hello,
    Record, Rng, ALERT, APPLICATION_DATA, CHANGE_CIPHER_SPEC, EXT_ALPN, EXT_KEY_SHARE,
    EXT_SERVER_NAME, EXT_SUPPORTED_VERSIONS, FINISHED, HANDSHAKE, KEY_UPDATE, NEW_SESSION_TICKET,
};
use oxissl_engine::provider::{
    Tls12Suite, ALL_TLS12_SUITES, TLS12_ECDHE_ECDSA_AES_128_GCM, TLS12_ECDHE_ECDSA_AES_256_GCM,
    TLS12_ECDHE_ECDSA_CHACHA20, TLS12_ECDHE_RSA_AES_128_GCM, TLS12_ECDHE_RSA_AES_256_GCM,
    TLS12_ECDHE_RSA_CHACHA20,
};
use oxissl_engine::record::protect::RecordKind;
use oxissl_engine::wire::enums::ContentType;
use oxissl_engine::{
    AlertDescription as A, CipherSuite, ClientConfig, ClientConnection, Error, InvalidMessage,
    NamedGroup, PeerIncompatible, PeerMisbehaved, ProtocolVersion, ReadStatus, SignatureScheme,
};

// ---- helpers ----

fn start12(config: ClientConfig) -> (ClientConnection, Server12) {
    let mut client = connect(config);
    let server = Server12::accept(&mut client);
    (client, server)
}

const NOT_ALLOWED: PeerMisbehaved =
    PeerMisbehaved::IllegalExtensionValue("extension not allowed in this message");

fn handshake_failure(reason: &'static str) -> Error {
    Error::PeerIncompatible(PeerIncompatible::Unsupported(reason))
}

/// Runs the first flight through `hook` (after `setup`) and expects `want` with an alert in the
/// clear: the client has no keys before its own ChangeCipherSpec.
fn reject_first_flight(
    config: ClientConfig,
    setup: impl FnOnce(&mut Server12),
    hook: impl FnMut(Step12, &mut Vec<u8>, &Server12),
    want: Error,
    alert: A,
) {
    let (mut client, mut server) = start12(config);
    setup(&mut server);
    let flight = server.flight(hook);
    let got = deliver(&mut client, &flight.wire());
    server.expect_fatal(&mut client, got, want, Plain(alert));
}

/// Replaces the ServerHello with what `edit` makes of the valid one.
fn reject_hello(config: ClientConfig, edit: impl Fn(&Server12, &mut Hello), want: Error, alert: A) {
    reject_first_flight(config, |_| {}, edit_hello(edit), want, alert);
}

/// A ServerKeyExchange over `params`, validly signed with `scheme`.
fn signed_ske(server: &Server12, params: &[u8], scheme: SignatureScheme) -> Vec<u8> {
    let signature = server.sign(scheme, &server.ske_signed(params));
    Server12::ske_with(params, scheme.0, &signature)
}

/// A client that has sent its flight (ClientKeyExchange, CCS, Finished) to a valid server.
fn after_client_flight(config: ClientConfig) -> (ClientConnection, Server12) {
    let (mut client, mut server) = start12(config);
    let flight = server.flight(unchanged12);
    deliver(&mut client, &flight.wire()).expect("valid first flight");
    server.read_client(&mut client);
    assert_eq!(server.client_finished_ok, Some(true));
    (client, server)
}

/// Runs the server's last flight through `hook` and expects `want` with a protected alert.
fn reject_last_flight(hook: impl FnMut(Step12, &mut Vec<u8>, &Server12), want: Error, alert: A) {
    let (mut client, mut server) = after_client_flight(client_config12());
    let flight = server.finish(hook);
    let got = deliver(&mut client, &flight.wire());
    server.expect_fatal(&mut client, got, want, Sealed(alert));
}

/// A client with a complete handshake, its second flight read.
fn established(config: ClientConfig, suite: Option<Tls12Suite>) -> (ClientConnection, Server12) {
    let (mut client, mut server) = start12(config);
    if let Some(s) = suite {
        server.use_suite(s);
    }
    server.complete_handshake(&mut client);
    (client, server)
}

/// The first flight with `extra` inserted before the record of `step`.
fn insert_before(flight: &Flight12, step: Step12, extra: &[u8]) -> Vec<u8> {
    let mut wire = flight.before(step);
    wire.extend_from_slice(extra);
    let mut found = false;
    for (s, r) in &flight.records {
        found |= *s == step;
        if found {
            wire.extend_from_slice(r);
        }
    }
    assert!(found, "step {step:?} in flight");
    wire
}

fn full_run(config: ClientConfig, setup: impl FnOnce(&mut Server12)) -> ClientConnection {
    let (mut client, mut server) = start12(config);
    setup(&mut server);
    server.complete_handshake(&mut client);
    data_both_ways(&mut client, &mut server);
    close_both_ways(&mut client, &mut server);
    client
}

// ---- the harness itself ----

#[test]
fn full_handshake_ecdsa_gcm_with_ems_data_and_close_notify() {
    let (mut client, mut server) = start12(client_config12());
    // Both versions offered; the TLS 1.2 extensions with their initial values.
    assert!(offers_tls13(&server.ch));
    assert!(server.ch.suites.contains(&0x1301) && server.ch.suites.contains(&0xc02b));
    // RFC 5746 §3.4: secure renegotiation is signalled with the SCSV, not the extension.
    assert_eq!(server.ch.suites.last(), Some(&0x00ff));
    assert_eq!(server.ch.find(EXT_RENEGOTIATION_INFO), None);
    assert_eq!(server.ch.find(EXT_EXTENDED_MASTER_SECRET), Some(vec![]));
    assert_eq!(server.ch.find(EXT_EC_POINT_FORMATS), Some(vec![1, 0]));
    // RFC 5077 §3.2: an empty SessionTicket extension asks for a ticket.
    assert_eq!(server.ch.find(EXT_SESSION_TICKET), Some(vec![]));
    assert_eq!(server.suite, TLS12_ECDHE_ECDSA_AES_128_GCM);

    let flight = server.flight(unchanged12);
    deliver(&mut client, &flight.wire()).unwrap();
    assert!(client.is_handshaking());
    // RFC 5246 §7.3: ClientKeyExchange, ChangeCipherSpec, then Finished under the new keys.
    let second = server.read_client(&mut client);
    assert_eq!(second.len(), 3, "{second:?}");
    assert_eq!(second[0].typ, HANDSHAKE);
    assert_eq!(second[0].payload[0], CLIENT_KEY_EXCHANGE);
    assert!(!second[0].protected);
    assert_eq!(
        (second[1].typ, &second[1].payload[..]),
        (CHANGE_CIPHER_SPEC, &[1][..])
    );
    assert!(second[2].protected);
    assert_eq!(second[2].payload[..4], [FINISHED, 0, 0, 12]);
    assert_eq!(server.client_finished_ok, Some(true));
    assert_eq!(server.client_certificate, None);

    let last = server.finish(unchanged12);
    deliver(&mut client, &last.wire()).unwrap();
    assert!(client.is_established());
    let n = client.negotiated();
    assert_eq!(n.version, Some(ProtocolVersion::TLS12));
    assert_eq!(
        n.cipher_suite,
        Some(CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)
    );
    assert_eq!(n.suite, None);
    assert!(n.extended_master_secret);
    assert_eq!(n.group, Some(NamedGroup::X25519));
    assert_eq!(
        n.signature_scheme,
        Some(SignatureScheme::ECDSA_SECP256R1_SHA256)
    );
    assert_eq!(client.peer_certificates()[0].as_ref(), identity().cert);
    assert!(client.pending_tls().is_empty());

    data_both_ways(&mut client, &mut server);
    close_both_ways(&mut client, &mut server);
}

#[test]
fn full_handshake_chacha20_with_ems() {
    // RFC 7905 §2: the XORed nonce; no explicit nonce in the record.
    let client = full_run(client_config12(), |s| {
        s.use_suite(TLS12_ECDHE_ECDSA_CHACHA20);
        assert_eq!(record_kind(&s.suite), RecordKind::Tls12XorNonce);
    });
    assert_eq!(
        client.negotiated().cipher_suite,
        Some(CipherSuite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256)
    );
    assert!(client.negotiated().extended_master_secret);
}

#[test]
fn every_suite_and_signature_scheme() {
    use SignatureScheme as S;
    let cases = [
        (TLS12_ECDHE_ECDSA_AES_128_GCM, S::ECDSA_SECP256R1_SHA256),
        (TLS12_ECDHE_ECDSA_AES_256_GCM, S::ECDSA_SECP256R1_SHA256),
        (TLS12_ECDHE_ECDSA_CHACHA20, S::ECDSA_SECP256R1_SHA256),
        (TLS12_ECDHE_RSA_AES_128_GCM, S::RSA_PSS_RSAE_SHA256),
        (TLS12_ECDHE_RSA_AES_128_GCM, S::RSA_PKCS1_SHA256),
        (TLS12_ECDHE_RSA_AES_256_GCM, S::RSA_PKCS1_SHA384),
        (TLS12_ECDHE_RSA_AES_256_GCM, S::RSA_PSS_RSAE_SHA512),
        (TLS12_ECDHE_RSA_CHACHA20, S::RSA_PKCS1_SHA512),
        (TLS12_ECDHE_RSA_CHACHA20, S::RSA_PSS_RSAE_SHA384),
    ];
    for (suite, scheme) in cases {
        let client = full_run(client_config12(), |s| {
            s.use_suite(suite);
            s.scheme = scheme;
        });
        let n = client.negotiated();
        assert_eq!(n.cipher_suite, Some(suite.suite), "{suite:?}");
        assert_eq!(n.signature_scheme, Some(scheme), "{suite:?}");
    }
    assert_eq!(ALL_TLS12_SUITES.len(), 6);
}

#[test]
fn nist_groups() {
    for group in [NamedGroup::SECP256R1, NamedGroup::SECP384R1] {
        let client = full_run(client_config12(), |s| {
            s.use_group(group);
        });
        assert_eq!(client.negotiated().group, Some(group));
    }
}

#[test]
fn without_extended_master_secret_when_not_required() {
    // RFC 7627 §5.3: a client MAY go on without EMS; the RFC 5246 §8.1 master secret is used.
    let mut config = client_config12();
    config.require_extended_master_secret = false;
    let client = full_run(config, |s| s.ems = false);
    assert!(!client.negotiated().extended_master_secret);
}

#[test]
fn tls12_only_client() {
    let (mut client, mut server) = start12(client_config12_only());
    assert!(!offers_tls13(&server.ch));
    assert!(!server.ch.offers(EXT_SUPPORTED_VERSIONS));
    assert!(server.ch.suites.iter().all(|s| *s >> 8 != 0x13));
    server.complete_handshake(&mut client);
    data_both_ways(&mut client, &mut server);
    close_both_ways(&mut client, &mut server);
}

#[test]
fn certificate_request_gets_an_empty_certificate() {
    // RFC 5246 §7.4.6: without a certificate the client sends an empty list.
    let (mut client, mut server) = start12(client_config12());
    server.cert_request = true;
    server.complete_handshake(&mut client);
    assert_eq!(server.client_certificate, Some(vec![0, 0, 0]));
    data_both_ways(&mut client, &mut server);
}

/// A client credential from the committed test PKI.
fn credential(cert: &str, key: &str) -> Arc<oxissl_engine::ClientCredential> {
    use rustls::pki_types::pem::PemObject;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/certs");
    let chain = oxissl_engine::CertificateDer::pem_file_iter(dir.join(cert))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let key = rustls::pki_types::PrivateKeyDer::from_pem_file(dir.join(key)).unwrap();
    Arc::new(oxissl_engine::ClientCredential::from_der(chain, key.secret_der()).unwrap())
}

#[test]
fn certificate_request_no_scheme_fits_the_key() {
    // The request asks for ecdsa_sign with ecdsa_secp256r1_sha256 only: an RSA credential
    // does not fit, so the answer is an empty Certificate (RFC 5246 §7.4.6) and no
    // CertificateVerify, as without a credential.
    let mut config = client_config12();
    config.client_credential = Some(credential("client-rsa.chain.pem", "client-rsa.key"));
    let (mut client, mut server) = start12(config);
    server.cert_request = true;
    server.complete_handshake(&mut client);
    assert_eq!(server.client_certificate, Some(vec![0, 0, 0]));
    assert!(client.negotiated().client_certificate_requested);
    assert_eq!(client.negotiated().client_signature_scheme, None);
    let request = client.negotiated().certificate_request.as_deref().unwrap();
    assert_eq!(&request.certificate_types[..], [64]);
    assert_eq!(
        &request.schemes[..],
        [oxissl_engine::SignatureScheme::ECDSA_SECP256R1_SHA256]
    );
    assert!(request.ca_names.is_empty());
    data_both_ways(&mut client, &mut server);
}

#[test]
fn credential_unused_without_a_request() {
    // RFC 5246 §7.4.6: a certificate goes out only when the server asked for one.
    let mut config = client_config12();
    config.client_credential = Some(credential("client-ecdsa.chain.pem", "client-ecdsa.key"));
    let (mut client, mut server) = start12(config);
    server.complete_handshake(&mut client);
    assert_eq!(server.client_certificate, None);
    assert!(!client.negotiated().client_certificate_requested);
    assert!(client.negotiated().certificate_request.is_none());
    data_both_ways(&mut client, &mut server);
}

#[test]
fn alpn_in_tls12_server_hello() {
    let mut config = client_config12();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let client = full_run(config, |s| s.alpn = Some(b"http/1.1".to_vec()));
    assert_eq!(client.alpn_protocol(), Some(&b"http/1.1"[..]));
}

#[test]
fn empty_session_id_and_one_record_flight_in_one_byte_pieces() {
    let (mut client, mut server) = start12(client_config12());
    server.session_id.clear();
    let mut msgs = Vec::new();
    server.flight(|_, m, _| msgs.push(m.clone()));
    let wire = plain_record(HANDSHAKE, &msgs.concat());
    for b in &wire {
        assert_eq!(client.feed_tls(std::slice::from_ref(b)), 1);
        client.process().unwrap();
    }
    server.read_client(&mut client);
    assert_eq!(server.client_finished_ok, Some(true));
    let last = server.finish(unchanged12).wire();
    for b in &last {
        client.feed_tls(std::slice::from_ref(b));
        client.process().unwrap();
    }
    assert!(client.is_established());
    data_both_ways(&mut client, &mut server);
}

#[test]
fn explicit_nonce_other_than_the_sequence_number_is_accepted() {
    // RFC 5288 §3: nonce_explicit "is chosen by the sender"; it "MAY be" the sequence number.
    let (mut client, mut server) = established(client_config12(), None);
    let nonce = *b"\xfe\xdc\xba\x98\x76\x54\x32\x10";
    let record = server.seal_explicit(APPLICATION_DATA, b"odd nonce", nonce, nonce);
    deliver(&mut client, &record).unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(client.read(&mut buf), Ok(ReadStatus::Data(9)));
    assert_eq!(&buf[..9], b"odd nonce");
    data_both_ways(&mut client, &mut server);
}

// ---- ServerHello ----

#[test]
fn unoffered_tls12_suite() {
    // RFC 5246 §7.4.1.3: the suite is "selected by the server from the list in
    // ClientHello.cipher_suites"; RFC 8446 §4.1.3: otherwise illegal_parameter. A TLS 1.3 suite
    // in a TLS 1.2 ServerHello is no TLS 1.2 suite at all.
    let mut config = client_config12();
    config.tls12_suites = vec![TLS12_ECDHE_ECDSA_AES_128_GCM];
    for suite in [0xc030, 0xcca8, 0x009c, 0x00ff, 0x1301, 0x1303, 0x0000] {
        reject_hello(
            config.clone(),
            |_, h| h.suite = suite,
            misbehaved(PeerMisbehaved::UnofferedCipherSuite(CipherSuite(suite))),
            A::ILLEGAL_PARAMETER,
        );
    }
}

#[test]
fn tls13_suite_in_tls12_server_hello_of_tls12_only_client() {
    reject_hello(
        client_config12_only(),
        |_, h| h.suite = 0x1301,
        misbehaved(PeerMisbehaved::UnofferedCipherSuite(
            CipherSuite::TLS13_AES_128_GCM_SHA256,
        )),
        A::ILLEGAL_PARAMETER,
    );
}

#[test]
fn non_null_compression() {
    reject_hello(
        client_config12(),
        |_, h| h.compression = 1,
        misbehaved(PeerMisbehaved::NonNullCompression),
        A::ILLEGAL_PARAMETER,
    );
}

#[test]
fn missing_renegotiation_info() {
    // RFC 5746 §3.4 / §4.1: a client that refuses servers without secure renegotiation aborts
    // with handshake_failure.
    reject_hello(
        client_config12(),
        |_, h| {
            h.remove(EXT_RENEGOTIATION_INFO);
        },
        handshake_failure("server lacks secure renegotiation (RFC 5746)"),
        A::HANDSHAKE_FAILURE,
    );
}

#[test]
fn non_empty_renegotiation_info() {
    // RFC 5746 §3.4: a non-empty renegotiated_connection -> "MUST abort the handshake (by
    // sending a fatal handshake_failure alert)".
    for body in [vec![12; 13], vec![1, 0], vec![32; 33]] {
        reject_hello(
            client_config12(),
            |_, h| {
                h.set(EXT_RENEGOTIATION_INFO, body.clone());
            },
            handshake_failure("renegotiation_info must be empty"),
            A::HANDSHAKE_FAILURE,
        );
    }
}

#[test]
fn missing_extended_master_secret_when_required() {
    // RFC 7627 §5.3: a client that requires EMS aborts with handshake_failure.
    reject_hello(
        client_config12(),
        |_, h| {
            h.remove(EXT_EXTENDED_MASTER_SECRET);
        },
        handshake_failure("server lacks the extended master secret (RFC 7627)"),
        A::HANDSHAKE_FAILURE,
    );
}

#[test]
fn extended_master_secret_with_a_body() {
    // RFC 7627 §5.1: "The "extension_data" field of this extension is empty".
    reject_hello(
        client_config12(),
        |_, h| {
            h.set(EXT_EXTENDED_MASTER_SECRET, vec![0]);
        },
        invalid(InvalidMessage::BadLength),
        A::DECODE_ERROR,
    );
}

#[test]
fn ec_point_formats_without_uncompressed() {
    // RFC 8422 §5.2: the server's list MUST contain uncompressed (0).
    for body in [vec![1, 1], vec![2, 1, 2]] {
        reject_hello(
            client_config12(),
            |_, h| {
                h.set(EXT_EC_POINT_FORMATS, body.clone());
            },
            misbehaved(PeerMisbehaved::IllegalParameter("ec_point_formats")),
            A::ILLEGAL_PARAMETER,
        );
    }
}

#[test]
fn unsolicited_extensions_in_tls12_server_hello() {
    // RFC 5246 §7.4.1.4: an extension not requested -> unsupported_extension.
    let no_tickets = || {
        let mut c = client_config12();
        c.tls12_session_tickets = false;
        c
    };
    for (typ, body) in [
        (EXT_SESSION_TICKET, vec![]),
        (EXT_ALPN, vec![0, 3, 2, b'h', b'2']),
        (0x1234, vec![]),
    ] {
        reject_hello(
            no_tickets(),
            |_, h| {
                h.set(typ, body.clone());
            },
            misbehaved(PeerMisbehaved::UnsolicitedExtension(typ)),
            A::UNSUPPORTED_EXTENSION,
        );
    }
    // key_share was sent (TLS 1.3 is offered) but has no place in a TLS 1.2 ServerHello:
    // RFC 8446 §4.2 -> illegal_parameter.
    reject_hello(
        client_config12(),
        |s, h| {
            h.set(
                EXT_KEY_SHARE,
                [u16_bytes(0x001d), vec16(&s.public())].concat(),
            );
        },
        misbehaved(NOT_ALLOWED),
        A::ILLEGAL_PARAMETER,
    );
    // A TLS 1.2-only client sent no key_share.
    reject_hello(
        client_config12_only(),
        |s, h| {
            h.set(
                EXT_KEY_SHARE,
                [u16_bytes(0x001d), vec16(&s.public())].concat(),
            );
        },
        misbehaved(PeerMisbehaved::UnsolicitedExtension(EXT_KEY_SHARE)),
        A::UNSUPPORTED_EXTENSION,
    );
}

#[test]
fn supported_versions_to_a_tls12_only_client() {
    // The client sent no supported_versions, so the server cannot pick TLS 1.3 with it.
    reject_hello(
        client_config12_only(),
        |s, h| {
            h.session_id = s.ch.session_id.clone();
            h.set(EXT_SUPPORTED_VERSIONS, u16_bytes(0x0304));
        },
        misbehaved(PeerMisbehaved::UnsolicitedExtension(EXT_SUPPORTED_VERSIONS)),
        A::UNSUPPORTED_EXTENSION,
    );
}

#[test]
fn server_name_with_a_body() {
    // RFC 6066 §3: the server's server_name "SHALL be empty".
    reject_hello(
        client_config12(),
        |_, h| {
            h.set(EXT_SERVER_NAME, vec![0, 0]);
        },
        invalid(InvalidMessage::BadLength),
        A::DECODE_ERROR,
    );
}

#[test]
fn tls12_server_hello_echoing_our_session_id() {
    // RFC 5246 §7.4.1.3: an echoed session id means resuming a session the client never had.
    for config in [client_config12(), client_config12_only()] {
        reject_hello(
            config,
            |s, h| h.session_id = s.ch.session_id.clone(),
            misbehaved(PeerMisbehaved::IllegalParameter(
                "resumption of an unknown session",
            )),
            A::ILLEGAL_PARAMETER,
        );
    }
}

#[test]
fn downgrade_sentinels_with_tls13_enabled() {
    // RFC 8446 §4.1.3: a TLS 1.3 client "MUST check" both values and abort with
    // illegal_parameter.
    for tail in [*b"DOWNGRD\x01", *b"DOWNGRD\x00"] {
        reject_hello(
            client_config12(),
            |_, h| h.random[24..].copy_from_slice(&tail),
            misbehaved(PeerMisbehaved::DowngradeSentinel),
            A::ILLEGAL_PARAMETER,
        );
    }
}

#[test]
fn downgrade_sentinels_with_tls13_disabled() {
    // RFC 8446 §4.1.3: a TLS 1.3 server answering a TLS 1.2-only client puts DOWNGRD\x01 in its
    // random, and that client rightly carries on: the sentinel only means something to a client
    // that offered TLS 1.3. DOWNGRD\x00 marks a TLS 1.1-or-below ServerHello, and "TLS 1.2
    // clients SHOULD also check" it only "if the ServerHello indicates TLS 1.1 or below"; in a
    // TLS 1.2 ServerHello it is just random bytes, so the handshake completes either way.
    for tail in [*b"DOWNGRD\x01", *b"DOWNGRD\x00"] {
        let client = full_run(client_config12_only(), |s| {
            s.random[24..].copy_from_slice(&tail);
        });
        assert_eq!(
            client.negotiated().version,
            Some(ProtocolVersion::TLS12),
            "{tail:?}"
        );
    }
    // A TLS 1.1 ServerHello with DOWNGRD\x00 is refused with protocol_version rather than
    // illegal_parameter: this client does not do TLS 1.1 at all, and RFC 5246 §E.1 says a client
    // that does not support the server's version "MUST send a "protocol_version" alert". The
    // SHOULD-check of RFC 8446 §4.1.3 guards clients that would otherwise accept TLS 1.1.
    reject_hello(
        client_config12_only(),
        |_, h| {
            h.legacy_version = 0x0302;
            h.random[24..].copy_from_slice(b"DOWNGRD\x00");
        },
        Error::PeerIncompatible(PeerIncompatible::UnsupportedVersion(0x0302)),
        A::PROTOCOL_VERSION,
    );
}

#[test]
fn server_hello_versions_other_than_tls12() {
    // RFC 5246 §E.1: a version the client does not support -> protocol_version.
    for version in [0x0300, 0x0301, 0x0302, 0x0304, 0x0305] {
        reject_hello(
            client_config12(),
            |_, h| h.legacy_version = version,
            Error::PeerIncompatible(PeerIncompatible::UnsupportedVersion(version)),
            A::PROTOCOL_VERSION,
        );
    }
}

#[test]
fn supported_versions_selecting_tls12() {
    // RFC 8446 §4.2.1: supported_versions selecting a version before TLS 1.3 -> illegal_parameter.
    reject_hello(
        client_config12(),
        |s, h| {
            h.session_id = s.ch.session_id.clone();
            h.set(EXT_SUPPORTED_VERSIONS, u16_bytes(0x0303));
        },
        misbehaved(PeerMisbehaved::IllegalParameter("supported_versions")),
        A::ILLEGAL_PARAMETER,
    );
}

#[test]
fn tls12_server_hello_after_hello_retry_request() {
    let mut client = connect(client_config12());
    let mut server = hostile_server::Server::accept(&mut client);
    let hrr = server
        .retry_request(Some(NamedGroup::SECP256R1), None)
        .encode();
    server.take_retry_request(&hrr);
    deliver(&mut client, &plain_record(HANDSHAKE, &hrr)).unwrap();
    server.take_second_hello(&mut client);
    let mut sh = server.server_hello();
    sh.suite = 0xc02b;
    sh.session_id = vec![0x5a; 32];
    sh.extensions = vec![
        (EXT_RENEGOTIATION_INFO, vec![0]),
        (EXT_EXTENDED_MASTER_SECRET, vec![]),
    ];
    let got = deliver(&mut client, &plain_record(HANDSHAKE, &sh.encode()));
    let want = misbehaved(PeerMisbehaved::IllegalParameter("supported_versions"));
    server.expect_fatal(&mut client, got, want, Plain(A::ILLEGAL_PARAMETER));
}

// ---- Certificate, ServerKeyExchange, ServerHelloDone ----

#[test]
fn empty_server_certificate() {
    // An ECDHE suite needs the server's certificate (RFC 5246 §7.4.2); an empty list is
    // refused as RFC 8446 §4.4.2.4 does (decode_error).
    reject_first_flight(
        client_config12(),
        |_| {},
        replace(Step12::Certificate, |_| Server12::certificate_with(&[])),
        invalid(InvalidMessage::EmptyCertificateList),
        A::DECODE_ERROR,
    );
}

#[test]
fn certificate_with_trailing_bytes() {
    reject_first_flight(
        client_config12(),
        |_| {},
        replace(Step12::Certificate, |s| {
            let mut m = s.certificate();
            m.push(0);
            let n = m.len() - 4;
            m[1..4].copy_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8]);
            m
        }),
        invalid(InvalidMessage::TrailingData),
        A::DECODE_ERROR,
    );
}

#[test]
fn ecdsa_scheme_with_an_ecdhe_rsa_suite() {
    // RFC 5246 §7.4.3 / RFC 8422 §5.4: ECDHE_RSA parameters are signed with RSA; an ECDSA
    // signature does not fit the suite -> illegal_parameter.
    reject_first_flight(
        client_config12(),
        |s| s.suite = TLS12_ECDHE_RSA_AES_128_GCM,
        unchanged12,
        misbehaved(PeerMisbehaved::UnofferedSignatureScheme(0x0403)),
        A::ILLEGAL_PARAMETER,
    );
}

#[test]
fn rsa_scheme_with_an_ecdhe_ecdsa_suite() {
    reject_first_flight(
        client_config12(),
        |s| {
            s.key = KeyKind::Rsa;
            s.scheme = SignatureScheme::RSA_PKCS1_SHA256;
        },
        unchanged12,
        misbehaved(PeerMisbehaved::UnofferedSignatureScheme(0x0401)),
        A::ILLEGAL_PARAMETER,
    );
}

#[test]
fn certificate_key_not_fitting_the_suite() {
    // ECDHE_RSA with the P-256 certificate, the parameters claiming rsa_pss_rsae_sha256 over an
    // ECDSA signature. RFC 5246 §7.4.2 requires the key to fit the key exchange but names no
    // alert; the engine finds out when the signature cannot verify against the certificate,
    // which RFC 5246 §7.2.2 calls decrypt_error ("unable to correctly verify a signature").
    reject_first_flight(
        client_config12(),
        |s| {
            s.suite = TLS12_ECDHE_RSA_AES_128_GCM;
            s.scheme = SignatureScheme::RSA_PSS_RSAE_SHA256;
        },
        unchanged12,
        misbehaved(PeerMisbehaved::BadSignature),
        A::DECRYPT_ERROR,
    );
}

#[test]
fn server_key_exchange_for_an_unoffered_group() {
    // RFC 8422 §5.4: the curve must be one the client listed in supported_groups.
    let mut config = client_config12();
    config.groups = vec![NamedGroup::X25519, NamedGroup::SECP256R1];
    reject_first_flight(
        config,
        |s| {
            s.use_group(NamedGroup::SECP384R1);
        },
        unchanged12,
        misbehaved(PeerMisbehaved::UnofferedGroup(NamedGroup::SECP384R1)),
        A::ILLEGAL_PARAMETER,
    );
    // Groups this client never supports, validly signed.
    for group in [0x001eu16, 0x0100, 0xfe00] {
        reject_first_flight(
            client_config12(),
            |_| {},
            replace(Step12::ServerKeyExchange, move |s| {
                let mut params = vec![NAMED_CURVE];
                params.extend(u16_bytes(group));
                params.push(65);
                params.extend([4; 65]);
                signed_ske(s, &params, s.scheme)
            }),
            misbehaved(PeerMisbehaved::UnofferedGroup(NamedGroup(group))),
            A::ILLEGAL_PARAMETER,
        );
    }
}

#[test]
fn server_key_exchange_with_explicit_curve() {
    // RFC 8422 §5.4: explicit_prime (1) and explicit_char2 (2) are deprecated; only named
    // curves were offered.
    for curve_type in [1u8, 2, 0, 255] {
        reject_first_flight(
            client_config12(),
            |_| {},
            replace(Step12::ServerKeyExchange, move |s| {
                let mut params = s.ske_params();
                params[0] = curve_type;
                signed_ske(s, &params, s.scheme)
            }),
            misbehaved(PeerMisbehaved::IllegalParameter("ECCurveType")),
            A::ILLEGAL_PARAMETER,
        );
    }
}

#[test]
fn server_key_exchange_signature_invalid() {
    // RFC 5246 §7.2.2: decrypt_error, "including being unable to correctly verify a signature".
    let flip = |s: &Server12| {
        let mut m = s.server_key_exchange();
        let last = m.len() - 1;
        m[last] ^= 1;
        m
    };
    for suite in [TLS12_ECDHE_ECDSA_AES_128_GCM, TLS12_ECDHE_RSA_AES_128_GCM] {
        reject_first_flight(
            client_config12(),
            |s| {
                s.use_suite(suite);
            },
            replace(Step12::ServerKeyExchange, flip),
            misbehaved(PeerMisbehaved::BadSignature),
            A::DECRYPT_ERROR,
        );
    }
    // Signed over other randoms (a replayed ServerKeyExchange).
    reject_first_flight(
        client_config12(),
        |_| {},
        replace(Step12::ServerKeyExchange, |s| {
            let params = s.ske_params();
            let mut signed = s.ske_signed(&params);
            signed[0] ^= 1;
            Server12::ske_with(&params, s.scheme.0, &s.sign(s.scheme, &signed))
        }),
        misbehaved(PeerMisbehaved::BadSignature),
        A::DECRYPT_ERROR,
    );
    // The RSA key, with PKCS#1 v1.5 claimed but PSS used.
    reject_first_flight(
        client_config12(),
        |s| {
            s.use_suite(TLS12_ECDHE_RSA_AES_256_GCM);
        },
        replace(Step12::ServerKeyExchange, |s| {
            let params = s.ske_params();
            let sig = s.sign(SignatureScheme::RSA_PSS_RSAE_SHA256, &s.ske_signed(&params));
            Server12::ske_with(&params, SignatureScheme::RSA_PKCS1_SHA256.0, &sig)
        }),
        misbehaved(PeerMisbehaved::BadSignature),
        A::DECRYPT_ERROR,
    );
}

#[test]
fn server_key_exchange_with_an_unoffered_scheme() {
    // RFC 5246 §7.4.1.4.1 / §7.4.3: the pair "MUST be a pair listed in that extension"; SHA-1
    // and the rest were not offered -> illegal_parameter.
    use SignatureScheme as S;
    let (_client, server) = start12(client_config12());
    for scheme in [S::RSA_PKCS1_SHA1, S::ECDSA_SHA1, S::ECDSA_SECP521R1_SHA512] {
        assert!(!server.ch.schemes.contains(&scheme.0), "{scheme:?} offered");
    }
    let cases = [
        (TLS12_ECDHE_RSA_AES_128_GCM, S::RSA_PKCS1_SHA1),
        (TLS12_ECDHE_ECDSA_AES_128_GCM, S::ECDSA_SHA1),
        (TLS12_ECDHE_ECDSA_AES_128_GCM, S::ECDSA_SECP521R1_SHA512),
        (TLS12_ECDHE_RSA_AES_128_GCM, S::RSA_PSS_PSS_SHA256),
        (TLS12_ECDHE_ECDSA_AES_128_GCM, S::ED448),
        (TLS12_ECDHE_ECDSA_AES_128_GCM, SignatureScheme(0x0101)),
    ];
    for (suite, scheme) in cases {
        reject_first_flight(
            client_config12(),
            |s| {
                s.use_suite(suite);
                s.scheme = scheme;
            },
            unchanged12,
            misbehaved(PeerMisbehaved::UnofferedSignatureScheme(scheme.0)),
            A::ILLEGAL_PARAMETER,
        );
    }
}

#[test]
fn server_key_exchange_outside_a_restricted_list() {
    // RFC 5246 §7.4.1.4.1: with signature_schemes restricted (OpenSSL's
    // SSL_CTX_set1_sigalgs_list), only the listed pairs are offered, and a ServerKeyExchange
    // validly signed with another -> illegal_parameter.
    use std::borrow::Cow;
    use SignatureScheme as S;
    let mut config = client_config12();
    config.signature_schemes = Cow::Borrowed(&[S::ECDSA_SECP384R1_SHA384, S::RSA_PKCS1_SHA256]);
    let (_client, server) = start12(config.clone());
    assert_eq!(server.ch.schemes, [0x0503, 0x0401]);
    reject_first_flight(
        config.clone(),
        |_| {},
        unchanged12,
        misbehaved(PeerMisbehaved::UnofferedSignatureScheme(0x0403)),
        A::ILLEGAL_PARAMETER,
    );
    // A scheme in the list but not fitting the suite is refused as before.
    reject_first_flight(
        config,
        |s| {
            s.key = KeyKind::Rsa;
            s.scheme = S::RSA_PKCS1_SHA256;
        },
        unchanged12,
        misbehaved(PeerMisbehaved::UnofferedSignatureScheme(0x0401)),
        A::ILLEGAL_PARAMETER,
    );
    // The listed scheme with the suite it fits goes through.
    let mut config = client_config12();
    config.signature_schemes = Cow::Borrowed(&[S::RSA_PSS_RSAE_SHA384]);
    full_run(config, |s| {
        s.use_suite(TLS12_ECDHE_RSA_AES_128_GCM);
        s.key = KeyKind::Rsa;
        s.scheme = S::RSA_PSS_RSAE_SHA384;
    });
}

#[test]
fn server_key_exchange_with_an_invalid_point() {
    // RFC 8422 §5.11 / RFC 7748 §6.1: points are validated; an all-zero X25519 output or a
    // point off the curve -> illegal_parameter.
    let bad = |group: u16, public: Vec<u8>| {
        move |s: &Server12| {
            let mut params = vec![NAMED_CURVE];
            params.extend(u16_bytes(group));
            params.push(public.len() as u8);
            params.extend(&public);
            signed_ske(s, &params, s.scheme)
        }
    };
    for (group, public) in [
        (0x001d, vec![0; 32]),
        (0x001d, vec![9; 31]),
        (0x0017, vec![4; 65]),
        (0x0017, [vec![2], vec![7; 32]].concat()),
    ] {
        reject_first_flight(
            client_config12(),
            |_| {},
            replace(Step12::ServerKeyExchange, bad(group, public)),
            misbehaved(PeerMisbehaved::InvalidKeyShare),
            A::ILLEGAL_PARAMETER,
        );
    }
}

#[test]
fn server_key_exchange_truncated_or_padded() {
    let truncated = |s: &Server12| {
        let m = s.server_key_exchange();
        let body = &m[4..m.len() - 3];
        handshake(SERVER_KEY_EXCHANGE, body)
    };
    reject_first_flight(
        client_config12(),
        |_| {},
        replace(Step12::ServerKeyExchange, truncated),
        invalid(InvalidMessage::Truncated),
        A::DECODE_ERROR,
    );
    let padded = |s: &Server12| {
        let m = s.server_key_exchange();
        handshake(SERVER_KEY_EXCHANGE, &[&m[4..], &[0][..]].concat())
    };
    reject_first_flight(
        client_config12(),
        |_| {},
        replace(Step12::ServerKeyExchange, padded),
        invalid(InvalidMessage::TrailingData),
        A::DECODE_ERROR,
    );
}

#[test]
fn messages_missing_or_repeated() {
    // RFC 5246 §7.3 / §7.4: an ECDHE server sends Certificate and ServerKeyExchange, once
    // each; anything else out of order -> unexpected_message.
    let drop_step = |target: Step12| {
        move |step: Step12, msg: &mut Vec<u8>, _: &Server12| {
            if step == target {
                msg.clear();
            }
        }
    };
    reject_first_flight(
        client_config12(),
        |_| {},
        drop_step(Step12::Certificate),
        unexpected(SERVER_KEY_EXCHANGE),
        A::UNEXPECTED_MESSAGE,
    );
    reject_first_flight(
        client_config12(),
        |_| {},
        drop_step(Step12::ServerKeyExchange),
        unexpected(SERVER_HELLO_DONE),
        A::UNEXPECTED_MESSAGE,
    );
    // A second ServerKeyExchange, a second CertificateRequest, a ServerHello again.
    for (step, twice) in [
        (Step12::ServerKeyExchange, SERVER_KEY_EXCHANGE),
        (Step12::ServerHello, 2),
    ] {
        reject_first_flight(
            client_config12(),
            |_| {},
            move |s: Step12, msg: &mut Vec<u8>, _: &Server12| {
                if s == step {
                    *msg = msg.repeat(2);
                }
            },
            unexpected(twice),
            A::UNEXPECTED_MESSAGE,
        );
    }
    reject_first_flight(
        client_config12(),
        |s| s.cert_request = true,
        |s: Step12, msg: &mut Vec<u8>, _: &Server12| {
            if s == Step12::CertificateRequest {
                *msg = msg.repeat(2);
            }
        },
        unexpected(CERTIFICATE_REQUEST),
        A::UNEXPECTED_MESSAGE,
    );
    // TLS 1.3 messages in a TLS 1.2 handshake.
    for typ in [8u8, 15, 24, 4] {
        reject_first_flight(
            client_config12(),
            |_| {},
            replace(Step12::ServerKeyExchange, move |_| handshake(typ, &[0, 0])),
            unexpected(typ),
            A::UNEXPECTED_MESSAGE,
        );
    }
}

#[test]
fn server_hello_done_with_a_body() {
    // RFC 5246 §7.4.5: `struct { } ServerHelloDone;`.
    reject_first_flight(
        client_config12(),
        |_| {},
        replace(Step12::ServerHelloDone, |_| {
            handshake(SERVER_HELLO_DONE, &[0])
        }),
        invalid(InvalidMessage::TrailingData),
        A::DECODE_ERROR,
    );
}

// ---- ChangeCipherSpec and Finished ----

#[test]
fn wrong_server_finished() {
    // RFC 5246 §7.4.9: a Finished that does not verify -> decrypt_error, under the client's
    // new keys.
    reject_last_flight(
        |step, msg, _| {
            if step == Step12::Finished {
                msg[4] ^= 1;
            }
        },
        misbehaved(PeerMisbehaved::FinishedMismatch),
        A::DECRYPT_ERROR,
    );
    // verify_data of the wrong length.
    reject_last_flight(
        |step, msg, _| {
            if step == Step12::Finished {
                *msg = handshake(FINISHED, &msg[4..15]);
            }
        },
        misbehaved(PeerMisbehaved::FinishedMismatch),
        A::DECRYPT_ERROR,
    );
    // The client's own verify_data reflected back.
    reject_last_flight(
        |step, msg, s| {
            if step == Step12::Finished {
                *msg = s.finished_with_label(b"client finished");
            }
        },
        misbehaved(PeerMisbehaved::FinishedMismatch),
        A::DECRYPT_ERROR,
    );
}

#[test]
fn server_finished_before_change_cipher_spec() {
    // RFC 5246 §7.3: ChangeCipherSpec precedes Finished; Finished in the clear without it
    // -> unexpected_message.
    reject_last_flight(
        |step, msg, _| {
            if step == Step12::ChangeCipherSpec {
                msg.clear();
            }
        },
        unexpected(FINISHED),
        A::UNEXPECTED_MESSAGE,
    );
}

#[test]
fn change_cipher_spec_before_server_hello_done() {
    // RFC 5246 §7.1: ChangeCipherSpec comes once the key exchange is done -> unexpected_message
    // (RFC 8446 §5 ignores it only while TLS 1.3 may still be negotiated).
    for step in [
        Step12::Certificate,
        Step12::ServerKeyExchange,
        Step12::ServerHelloDone,
    ] {
        let (mut client, mut server) = start12(client_config12());
        let flight = server.flight(unchanged12);
        let wire = insert_before(&flight, step, &plain_record(CHANGE_CIPHER_SPEC, &[1]));
        let got = deliver(&mut client, &wire);
        server.expect_fatal(&mut client, got, BAD_CCS, Plain(A::UNEXPECTED_MESSAGE));
    }
}

#[test]
fn change_cipher_spec_before_server_hello_of_tls12_only_client() {
    let (mut client, mut server) = start12(client_config12_only());
    let flight = server.flight(unchanged12);
    let wire = [plain_record(CHANGE_CIPHER_SPEC, &[1]), flight.wire()].concat();
    let got = deliver(&mut client, &wire);
    server.expect_fatal(&mut client, got, BAD_CCS, Plain(A::UNEXPECTED_MESSAGE));
}

#[test]
fn change_cipher_spec_with_other_values() {
    // RFC 5246 §7.1: the message "consists of a single byte of value 1".
    for body in [vec![2], vec![0], vec![1, 1], vec![0xff; 3]] {
        reject_last_flight(
            move |step, msg, _| {
                if step == Step12::ChangeCipherSpec {
                    *msg = body.clone();
                }
            },
            BAD_CCS,
            A::UNEXPECTED_MESSAGE,
        );
    }
}

#[test]
fn empty_change_cipher_spec_record() {
    let (mut client, mut server) = after_client_flight(client_config12());
    let got = deliver(&mut client, &plain_record(CHANGE_CIPHER_SPEC, &[]));
    server.expect_fatal(&mut client, got, BAD_CCS, Sealed(A::UNEXPECTED_MESSAGE));
}

#[test]
fn second_change_cipher_spec() {
    // RFC 5246 §7.1: one CCS per handshake; a second, before or after Finished, is
    // unexpected_message.
    let (mut client, mut server) = after_client_flight(client_config12());
    let flight = server.finish(unchanged12);
    let ccs = plain_record(CHANGE_CIPHER_SPEC, &[1]);
    let wire = insert_before(&flight, Step12::Finished, &ccs);
    let got = deliver(&mut client, &wire);
    server.expect_fatal(&mut client, got, BAD_CCS, Sealed(A::UNEXPECTED_MESSAGE));

    let (mut client, mut server) = established(client_config12(), None);
    let got = deliver(&mut client, &ccs);
    server.expect_fatal(&mut client, got, BAD_CCS, Sealed(A::UNEXPECTED_MESSAGE));
    // Protected as the new keys would.
    let (mut client, mut server) = established(client_config12(), None);
    let record = server.seal(CHANGE_CIPHER_SPEC, &[1]);
    let got = deliver(&mut client, &record);
    server.expect_fatal(&mut client, got, BAD_CCS, Sealed(A::UNEXPECTED_MESSAGE));
}

#[test]
fn change_cipher_spec_inside_a_fragmented_finished() {
    let (mut client, mut server) = after_client_flight(client_config12());
    server.switch_keys();
    let fin = server.finished();
    let first = server.seal(HANDSHAKE, &fin[..6]);
    let ccs = plain_record(CHANGE_CIPHER_SPEC, &[1]);
    let wire = [ccs.clone(), first, ccs].concat();
    let got = deliver(&mut client, &wire);
    let want = invalid(InvalidMessage::InterleavedRecord(
        ContentType::CHANGE_CIPHER_SPEC,
    ));
    server.expect_fatal(&mut client, got, want, Sealed(A::UNEXPECTED_MESSAGE));
}

#[test]
fn application_data_before_server_finished() {
    // RFC 5246 §7.4.9: no application data before Finished is verified.
    let (mut client, mut server) = after_client_flight(client_config12());
    server.switch_keys();
    let early = server.seal(APPLICATION_DATA, b"early");
    let wire = [plain_record(CHANGE_CIPHER_SPEC, &[1]), early].concat();
    let got = deliver(&mut client, &wire);
    let want = invalid(InvalidMessage::UnexpectedContentType(
        ContentType::APPLICATION_DATA,
    ));
    server.expect_fatal(&mut client, got, want, Sealed(A::UNEXPECTED_MESSAGE));
}

// ---- HelloRequest and alerts ----

#[test]
fn hello_request_after_the_handshake_is_refused_with_a_warning() {
    // RFC 5746 §4.2 / RFC 5246 §7.4.1.1: a client that will not renegotiate "may ... respond
    // with a no_renegotiation alert"; RFC 5246 §7.2.2 makes that a warning, and the
    // connection carries on.
    let (mut client, mut server) = established(client_config12(), None);
    let record = server.seal(HANDSHAKE, &handshake(HELLO_REQUEST, &[]));
    deliver(&mut client, &record).unwrap();
    assert_eq!(
        server.read_client(&mut client),
        [Record {
            typ: ALERT,
            payload: vec![1, 100],
            protected: true
        }]
    );
    assert!(client.is_established());
    assert_eq!(client.error(), None);
    data_both_ways(&mut client, &mut server);
    // Again, with data in the same flight.
    let wire = [
        server.seal(HANDSHAKE, &handshake(HELLO_REQUEST, &[])),
        server.seal(APPLICATION_DATA, b"still here"),
    ]
    .concat();
    deliver(&mut client, &wire).unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(client.read(&mut buf), Ok(ReadStatus::Data(10)));
    assert_eq!(server.read_client(&mut client).len(), 1);
    data_both_ways(&mut client, &mut server);
    close_both_ways(&mut client, &mut server);
}

#[test]
fn hello_request_during_the_handshake_is_ignored() {
    // RFC 5246 §7.4.1.1: "This message will be ignored by the client if the client is
    // currently negotiating a session", and it is not hashed (§7.4.9).
    let hello_request = plain_record(HANDSHAKE, &handshake(HELLO_REQUEST, &[]));
    for step in [
        Step12::Certificate,
        Step12::ServerKeyExchange,
        Step12::ServerHelloDone,
    ] {
        let (mut client, mut server) = start12(client_config12());
        let flight = server.flight(unchanged12);
        let wire = insert_before(&flight, step, &hello_request);
        deliver(&mut client, &wire).unwrap();
        server.read_client(&mut client);
        assert_eq!(server.client_finished_ok, Some(true), "{step:?}");
        let last = server.finish(unchanged12);
        deliver(&mut client, &last.wire()).unwrap();
        assert!(client.is_established(), "{step:?}");
        data_both_ways(&mut client, &mut server);
    }
    // Between the server's CCS and Finished, protected.
    let (mut client, mut server) = after_client_flight(client_config12());
    server.switch_keys();
    let hr = server.seal(HANDSHAKE, &handshake(HELLO_REQUEST, &[]));
    let fin = server.finished();
    let fin_record = server.seal(HANDSHAKE, &fin);
    server.add(&fin);
    let wire = [plain_record(CHANGE_CIPHER_SPEC, &[1]), hr, fin_record].concat();
    deliver(&mut client, &wire).unwrap();
    assert!(client.is_established());
    assert!(client.pending_tls().is_empty(), "no alert mid-handshake");
    data_both_ways(&mut client, &mut server);
}

#[test]
fn hello_request_before_server_change_cipher_spec_is_ignored() {
    let (mut client, mut server) = after_client_flight(client_config12());
    let hr = plain_record(HANDSHAKE, &handshake(HELLO_REQUEST, &[]));
    deliver(&mut client, &hr).expect("HelloRequest ignored mid-handshake");
    let last = server.finish(unchanged12);
    deliver(&mut client, &last.wire()).unwrap();
    assert!(client.is_established());
    data_both_ways(&mut client, &mut server);
}

#[test]
fn hello_request_before_server_hello_of_tls12_only_client_is_ignored() {
    let (mut client, mut server) = start12(client_config12_only());
    let hr = plain_record(HANDSHAKE, &handshake(HELLO_REQUEST, &[]));
    deliver(&mut client, &hr).expect("HelloRequest ignored mid-handshake");
    server.complete_handshake(&mut client);
}

#[test]
fn hello_request_with_a_body() {
    let (mut client, mut server) = established(client_config12(), None);
    let record = server.seal(HANDSHAKE, &handshake(HELLO_REQUEST, &[0]));
    let got = deliver(&mut client, &record);
    let want = invalid(InvalidMessage::TrailingData);
    server.expect_fatal(&mut client, got, want, Sealed(A::DECODE_ERROR));
}

#[test]
fn hello_request_after_our_close_notify_gets_no_answer() {
    // RFC 5246 §7.2.1: after close_notify the client "will not send any more messages".
    let (mut client, mut server) = established(client_config12(), None);
    client.send_close_notify();
    assert_eq!(server.read_client(&mut client).len(), 1);
    let record = server.seal(HANDSHAKE, &handshake(HELLO_REQUEST, &[]));
    deliver(&mut client, &record).unwrap();
    assert!(
        client.pending_tls().is_empty(),
        "sent after close_notify: {:?}",
        server.read_client(&mut client)
    );
    // Data from the server still arrives (the read side stays open).
    let record = server.seal(APPLICATION_DATA, b"late");
    deliver(&mut client, &record).unwrap();
    assert_eq!(client.read(&mut [0; 8]), Ok(ReadStatus::Data(4)));
}

#[test]
fn warning_alerts_are_ignored() {
    // RFC 5246 §7.2: after a warning "generally the connection can continue normally";
    // no_renegotiation is always a warning (§7.2.2).
    let (mut client, mut server) = start12(client_config12());
    let flight = server.flight(unchanged12);
    let warning = plain_record(ALERT, &[1, 100]);
    let wire = insert_before(&flight, Step12::Certificate, &warning);
    deliver(&mut client, &wire).unwrap();
    server.read_client(&mut client);
    let last = server.finish(unchanged12);
    deliver(&mut client, &last.wire()).unwrap();
    assert!(client.is_established());
    // Protected, after the handshake; an unknown warning too.
    for alert in [[1u8, 100], [1, 90], [1, 255]] {
        let record = server.seal(ALERT, &alert);
        deliver(&mut client, &record).unwrap();
        assert_eq!(client.error(), None);
    }
    assert!(client.pending_tls().is_empty());
    data_both_ways(&mut client, &mut server);
}

#[test]
fn close_notify_during_the_handshake_ends_it() {
    let (mut client, mut server) = start12(client_config12());
    let flight = server.flight(unchanged12);
    let wire = insert_before(&flight, Step12::Certificate, &plain_record(ALERT, &[1, 0]));
    let got = deliver(&mut client, &wire);
    let want = Error::AlertReceived(A::CLOSE_NOTIFY);
    server.expect_fatal(&mut client, got, want, Nothing);
}

#[test]
fn fatal_alerts_end_the_connection() {
    // RFC 5246 §7.2: a fatal alert ends the connection; no alert answers it.
    let (mut client, mut server) = start12(client_config12());
    let flight = server.flight(unchanged12);
    let wire = insert_before(&flight, Step12::Certificate, &plain_record(ALERT, &[2, 40]));
    let got = deliver(&mut client, &wire);
    let want = Error::AlertReceived(A::HANDSHAKE_FAILURE);
    server.expect_fatal(&mut client, got, want, Nothing);

    // A server that rejected the client's Finished alerts before its own CCS: in the clear.
    let (mut client, mut server) = after_client_flight(client_config12());
    let got = deliver(&mut client, &plain_record(ALERT, &[2, 51]));
    let want = Error::AlertReceived(A::DECRYPT_ERROR);
    server.expect_fatal(&mut client, got, want, Nothing);

    // Protected, after the handshake; a fatal-level no_renegotiation is still fatal.
    for alert in [[2u8, 10], [2, 100], [2, 20]] {
        let (mut client, mut server) = established(client_config12(), None);
        let record = server.seal(ALERT, &alert);
        let got = deliver(&mut client, &record);
        let want = Error::AlertReceived(A(alert[1]));
        server.expect_fatal(&mut client, got, want, Nothing);
    }
    // close_notify closes whatever its level.
    let (mut client, mut server) = established(client_config12(), None);
    deliver(&mut client, &server.seal(ALERT, &[2, 0])).unwrap();
    assert_eq!(client.read(&mut [0; 8]), Ok(ReadStatus::Closed));
}

// ---- record protection ----

#[test]
fn tampered_records_both_nonce_kinds() {
    // RFC 5246 §6.2.3.3: a record that fails authentication -> bad_record_mac.
    for suite in [TLS12_ECDHE_ECDSA_AES_128_GCM, TLS12_ECDHE_ECDSA_CHACHA20] {
        for at in [5usize, 13, 20, 40] {
            let (mut client, mut server) = established(client_config12(), Some(suite));
            let mut record = server.seal(APPLICATION_DATA, b"twenty bytes of data");
            record[at] ^= 0x40;
            let got = deliver(&mut client, &record);
            server.expect_fatal(
                &mut client,
                got,
                Error::DecryptFailed,
                Sealed(A::BAD_RECORD_MAC),
            );
        }
        // The header is authenticated: a changed content type.
        let (mut client, mut server) = established(client_config12(), Some(suite));
        let mut record = server.seal(APPLICATION_DATA, b"data");
        record[0] = HANDSHAKE;
        let got = deliver(&mut client, &record);
        server.expect_fatal(
            &mut client,
            got,
            Error::DecryptFailed,
            Sealed(A::BAD_RECORD_MAC),
        );
        // A tampered Finished.
        reject_suite_last_flight(suite, |record| record[9] ^= 1);
        // A record too short to hold a tag (and explicit nonce).
        let (mut client, mut server) = established(client_config12(), Some(suite));
        let got = deliver(&mut client, &plain_record(APPLICATION_DATA, &[0; 20]));
        server.expect_fatal(
            &mut client,
            got,
            Error::DecryptFailed,
            Sealed(A::BAD_RECORD_MAC),
        );
        // A replayed record: its sequence number is gone.
        let (mut client, mut server) = established(client_config12(), Some(suite));
        let record = server.seal(APPLICATION_DATA, b"once");
        deliver(&mut client, &record).unwrap();
        assert_eq!(client.read(&mut [0; 8]), Ok(ReadStatus::Data(4)));
        let got = deliver(&mut client, &record);
        server.expect_fatal(
            &mut client,
            got,
            Error::DecryptFailed,
            Sealed(A::BAD_RECORD_MAC),
        );
    }
}

/// The server's CCS and a Finished record changed by `tamper`: bad_record_mac.
fn reject_suite_last_flight(suite: Tls12Suite, tamper: impl Fn(&mut Vec<u8>)) {
    let mut config = client_config12();
    config.tls12_suites = vec![suite];
    let (mut client, mut server) = start12(config);
    server.use_suite(suite);
    let flight = server.flight(unchanged12);
    deliver(&mut client, &flight.wire()).unwrap();
    server.read_client(&mut client);
    let mut last = server.finish(unchanged12);
    tamper(&mut last.records[1].1);
    let got = deliver(&mut client, &last.wire());
    server.expect_fatal(
        &mut client,
        got,
        Error::DecryptFailed,
        Sealed(A::BAD_RECORD_MAC),
    );
}

#[test]
fn record_with_a_wrong_explicit_nonce() {
    // RFC 5288 §3: the receiver builds the nonce from the record's nonce_explicit; one that is
    // not the nonce the record was sealed with fails authentication.
    let (mut client, mut server) = established(client_config12(), None);
    let seq = 0u64.to_be_bytes();
    let record = server.seal_explicit(APPLICATION_DATA, b"data", [9; 8], seq);
    let got = deliver(&mut client, &record);
    server.expect_fatal(
        &mut client,
        got,
        Error::DecryptFailed,
        Sealed(A::BAD_RECORD_MAC),
    );
    // The explicit nonce of the previous record.
    let (mut client, mut server) = established(client_config12(), None);
    let first = server.seal(APPLICATION_DATA, b"one");
    let mut second = server.seal(APPLICATION_DATA, b"two");
    second[5..13].copy_from_slice(&first[5..13]);
    deliver(&mut client, &first).unwrap();
    assert_eq!(client.read(&mut [0; 8]), Ok(ReadStatus::Data(3)));
    let got = deliver(&mut client, &second);
    server.expect_fatal(
        &mut client,
        got,
        Error::DecryptFailed,
        Sealed(A::BAD_RECORD_MAC),
    );
}

#[test]
fn plaintext_records_after_change_cipher_spec() {
    // RFC 5246 §6.1 / §7.1: after the CCS every record is protected; a plaintext one fails
    // authentication.
    let (mut client, mut server) = after_client_flight(client_config12());
    server.switch_keys();
    let fin = server.finished();
    let wire = [
        plain_record(CHANGE_CIPHER_SPEC, &[1]),
        plain_record(HANDSHAKE, &fin),
    ]
    .concat();
    let got = deliver(&mut client, &wire);
    server.expect_fatal(
        &mut client,
        got,
        Error::DecryptFailed,
        Sealed(A::BAD_RECORD_MAC),
    );
    for suite in [TLS12_ECDHE_ECDSA_AES_128_GCM, TLS12_ECDHE_ECDSA_CHACHA20] {
        for typ in [APPLICATION_DATA, ALERT] {
            let (mut client, mut server) = established(client_config12(), Some(suite));
            let payload: &[u8] = if typ == ALERT {
                &[1, 0]
            } else {
                b"plaintext application data"
            };
            let got = deliver(&mut client, &plain_record(typ, payload));
            server.expect_fatal(
                &mut client,
                got,
                Error::DecryptFailed,
                Sealed(A::BAD_RECORD_MAC),
            );
        }
    }
}

// ---- post-handshake ----

#[test]
fn tls13_post_handshake_messages_after_a_tls12_handshake() {
    // KeyUpdate and a TLS 1.3 NewSessionTicket have no place in TLS 1.2 (RFC 5246 §7.4;
    // RFC 5077 §3.3 only with the session_ticket extension) -> unexpected_message.
    let cases = [
        (KEY_UPDATE, vec![1]),
        (KEY_UPDATE, vec![0]),
        (NEW_SESSION_TICKET, vec![0, 0, 0, 60, 0, 1, 9]),
        (CERTIFICATE_REQUEST, vec![1, 64, 0, 0, 0, 0]),
        (hostile_server::CLIENT_HELLO, vec![3, 3]),
        (FINISHED, vec![0; 12]),
    ];
    for (typ, body) in cases {
        let (mut client, mut server) = established(client_config12(), None);
        let record = server.seal(HANDSHAKE, &handshake(typ, &body));
        let got = deliver(&mut client, &record);
        server.expect_fatal(
            &mut client,
            got,
            unexpected(typ),
            Sealed(A::UNEXPECTED_MESSAGE),
        );
    }
}

#[test]
fn key_update_api_on_a_tls12_connection() {
    let (mut client, _server) = established(client_config12(), None);
    assert!(client.update_write_key().is_err());
    assert_eq!(client.error(), None);
    assert!(client.is_established());
}

// ---- randomized flights ----

const FUZZ_SEED: u64 = 0x1212_5eed_f00d;
const FUZZ_ITERATIONS: usize = 3000;

const FIRST_STEPS: [Step12; 5] = [
    Step12::ServerHello,
    Step12::Certificate,
    Step12::ServerKeyExchange,
    Step12::CertificateRequest,
    Step12::ServerHelloDone,
];

/// One randomized connection; returns 0 (still waiting), 1 (established) or 2 (failed).
fn fuzz_one(i: usize) -> usize {
    let mut rng = Rng::new(FUZZ_SEED ^ (i as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let mut config = client_config12();
    config.enable_tls13 = rng.below(4) != 0;
    config.require_extended_master_secret = rng.below(4) != 0;
    let mut client = connect(config);
    let mut server = Server12::accept(&mut client);
    if rng.below(3) == 0 {
        server.use_suite(ALL_TLS12_SUITES[rng.below(ALL_TLS12_SUITES.len())]);
    }
    if rng.below(4) == 0 {
        server.use_group([NamedGroup::SECP256R1, NamedGroup::SECP384R1][rng.below(2)]);
    }
    server.cert_request = rng.below(4) == 0;
    server.ems = rng.below(5) != 0;
    let mode = rng.below(5);
    // Modes 0 and 1 break the first flight, 2 and 3 the last, 4 nothing.
    let first = match mode {
        0 => {
            let target = FIRST_STEPS[rng.below(FIRST_STEPS.len())];
            server
                .flight(|step, msg, _| {
                    if step == target {
                        mutate(&mut rng, msg);
                    }
                })
                .wire()
        }
        1 => {
            let mut wire = server.flight(unchanged12).wire();
            mutate(&mut rng, &mut wire);
            wire
        }
        _ => server.flight(unchanged12).wire(),
    };
    let before = client.pending_tls().len();
    if let Some(e) = drive(&mut client, &first, &mut rng) {
        check_failed(&mut client, e, before);
        return 2;
    }
    if !server.try_read_client_flight(&mut client) {
        assert!(!client.is_established());
        return 0;
    }
    let last = match mode {
        2 => {
            let target = [Step12::ChangeCipherSpec, Step12::Finished][rng.below(2)];
            let flight = server.finish(|step, msg, _| {
                if step == target {
                    mutate(&mut rng, msg);
                }
            });
            [flight.wire(), post_handshake(&mut server)].concat()
        }
        3 => {
            let mut wire = [
                server.finish(unchanged12).wire(),
                post_handshake(&mut server),
            ]
            .concat();
            mutate(&mut rng, &mut wire);
            wire
        }
        _ => [
            server.finish(unchanged12).wire(),
            post_handshake(&mut server),
        ]
        .concat(),
    };
    let before = client.pending_tls().len();
    match drive(&mut client, &last, &mut rng) {
        Some(e) => {
            check_failed(&mut client, e, before);
            2
        }
        None => {
            assert_eq!(client.error(), None);
            if mode == 4 {
                assert!(
                    client.peer_closed(),
                    "an unmutated run reaches close_notify"
                );
            }
            usize::from(client.is_established())
        }
    }
}

#[test]
fn randomized_flights_never_panic_or_hang() {
    let progress = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = mpsc::channel();
    let seen = progress.clone();
    let worker = std::thread::spawn(move || {
        let mut outcomes = [0usize; 3];
        for i in 0..FUZZ_ITERATIONS {
            seen.store(i, Ordering::Relaxed);
            match catch_unwind(AssertUnwindSafe(|| fuzz_one(i))) {
                Ok(k) => outcomes[k] += 1,
                Err(_) => panic!("iteration {i} (seed {FUZZ_SEED:#x}) panicked"),
            }
        }
        let _ = tx.send(outcomes);
    });
    // A hang shows as an iteration that does not finish.
    let mut last = (usize::MAX, 0);
    let outcomes = loop {
        match rx.recv_timeout(Duration::from_secs(1)) {
            Ok(outcomes) => break outcomes,
            Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
                Err(e) => std::panic::resume_unwind(e),
                Ok(()) => unreachable!("worker ended without a result"),
            },
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let i = progress.load(Ordering::Relaxed);
                last = if i == last.0 { (i, last.1 + 1) } else { (i, 1) };
                assert!(last.1 < 60, "iteration {i} has not finished in 60 s");
            }
        }
    };
    worker.join().unwrap();
    let [waiting, established, failed] = outcomes;
    eprintln!(
        "{FUZZ_ITERATIONS} TLS 1.2 runs: {failed} failed, {established} established, \
         {waiting} waiting"
    );
    assert_eq!(waiting + established + failed, FUZZ_ITERATIONS);
    assert!(failed > FUZZ_ITERATIONS / 3 && established > FUZZ_ITERATIONS / 10);
}

// ---- OCSP stapling (RFC 6066 §8) ----

const EXT_STATUS_REQUEST: u16 = 5;

/// A CertificateStatus message (RFC 6066 §8) with `status_type` and `response`.
fn certificate_status(status_type: u8, response: &[u8]) -> Vec<u8> {
    let mut body = vec![status_type];
    body.extend_from_slice(&(response.len() as u32).to_be_bytes()[1..]);
    body.extend_from_slice(response);
    let mut msg = vec![22];
    msg.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    msg.extend(body);
    msg
}

fn ocsp_config() -> ClientConfig {
    let mut config = client_config12();
    config.request_ocsp = true;
    config
}

/// A hook echoing status_request in ServerHello (when `echo`) and sending `status` after the
/// Certificate, in its record.
fn with_status(echo: bool, status: Vec<u8>) -> impl FnMut(Step12, &mut Vec<u8>, &Server12) {
    let mut hello = edit_hello(move |_, h| {
        if echo {
            h.extensions.push((EXT_STATUS_REQUEST, vec![]));
        }
    });
    move |step, msg, server| {
        hello(step, msg, server);
        if step == Step12::Certificate {
            msg.extend_from_slice(&status);
        }
    }
}

/// A complete handshake whose first flight goes through `hook`.
fn established_with(
    config: ClientConfig,
    hook: impl FnMut(Step12, &mut Vec<u8>, &Server12),
) -> ClientConnection {
    let (mut client, mut server) = start12(config);
    let flight = server.flight(hook);
    deliver(&mut client, &flight.wire()).expect("valid first flight");
    server.read_client(&mut client);
    assert_eq!(server.client_finished_ok, Some(true));
    let last = server.finish(unchanged12);
    deliver(&mut client, &last.wire()).expect("valid Finished");
    assert!(client.is_established());
    client
}

#[test]
fn stapled_ocsp_response_is_kept() {
    // RFC 6066 §8: status_request offered and echoed; CertificateStatus after Certificate.
    let client = established_with(
        ocsp_config(),
        with_status(true, certificate_status(1, b"an OCSP response")),
    );
    assert_eq!(client.ocsp_response(), Some(&b"an OCSP response"[..]));
    // Echoed, but no CertificateStatus: allowed ("MAY ... choose not to send"), no response.
    let client = established_with(ocsp_config(), with_status(true, Vec::new()));
    assert_eq!(client.ocsp_response(), None);
}

#[test]
fn status_request_is_offered_only_when_asked_for() {
    let offered = |config: ClientConfig| {
        let mut client = connect(config);
        let server = Server12::accept(&mut client);
        server.ch.offers(EXT_STATUS_REQUEST)
    };
    assert!(!offered(client_config12()));
    assert!(offered(ocsp_config()));
}

#[test]
fn certificate_status_without_the_echo() {
    // The server did not echo status_request: CertificateStatus is out of place.
    reject_first_flight(
        ocsp_config(),
        |_| {},
        with_status(false, certificate_status(1, b"resp")),
        Error::InvalidMessage(InvalidMessage::UnexpectedMessage {
            got: oxissl_engine::wire::enums::HandshakeType(22),
        }),
        A::UNEXPECTED_MESSAGE,
    );
}

#[test]
fn status_request_echo_when_not_offered() {
    reject_first_flight(
        client_config12(),
        |_| {},
        with_status(true, Vec::new()),
        Error::PeerMisbehaved(PeerMisbehaved::UnsolicitedExtension(EXT_STATUS_REQUEST)),
        A::UNSUPPORTED_EXTENSION,
    );
}

#[test]
fn malformed_certificate_status() {
    let cases: [(Vec<u8>, Error, A); 4] = [
        (
            certificate_status(2, b"resp"),
            Error::PeerMisbehaved(PeerMisbehaved::IllegalParameter("certificate status type")),
            A::ILLEGAL_PARAMETER,
        ),
        (
            certificate_status(1, b""),
            Error::InvalidMessage(InvalidMessage::EmptyVector),
            A::DECODE_ERROR,
        ),
        (
            {
                let mut m = certificate_status(1, b"resp");
                m[3] += 1;
                m.push(0);
                m
            },
            Error::InvalidMessage(InvalidMessage::TrailingData),
            A::DECODE_ERROR,
        ),
        (
            {
                let mut m = certificate_status(1, b"resp");
                m[7] += 1;
                m
            },
            Error::InvalidMessage(InvalidMessage::Truncated),
            A::DECODE_ERROR,
        ),
    ];
    for (status, want, alert) in cases {
        reject_first_flight(
            ocsp_config(),
            |_| {},
            with_status(true, status),
            want,
            alert,
        );
    }
}

#[test]
fn second_certificate_status() {
    let mut two = certificate_status(1, b"one");
    two.extend(certificate_status(1, b"two"));
    reject_first_flight(
        ocsp_config(),
        |_| {},
        with_status(true, two),
        Error::InvalidMessage(InvalidMessage::UnexpectedMessage {
            got: oxissl_engine::wire::enums::HandshakeType(22),
        }),
        A::UNEXPECTED_MESSAGE,
    );
}

#[test]
fn paused_status_check_resumes_or_rejects() {
    // OpenSSL's status callback point in TLS 1.2: after the server's first flight, before the
    // client's own.
    for accept in [true, false] {
        let mut config = ocsp_config();
        config.pause_for_status_check = true;
        let (mut client, mut server) = start12(config);
        let flight = server.flight(with_status(true, certificate_status(1, b"resp")));
        deliver(&mut client, &flight.wire()).expect("paused, not failed");
        assert!(client.status_check_pending());
        assert!(client.pending_tls().is_empty(), "nothing sent while paused");
        assert_eq!(client.ocsp_response(), Some(&b"resp"[..]));
        assert!(client.process().is_ok());
        assert!(client.status_check_pending());
        if accept {
            client.finish_status_check(Ok(())).unwrap();
            assert!(!client.status_check_pending());
            server.read_client(&mut client);
            assert_eq!(server.client_finished_ok, Some(true));
        } else {
            let got = client.finish_status_check(Err(Error::StatusRejected));
            server.expect_fatal(
                &mut client,
                got,
                Error::StatusRejected,
                Plain(A::BAD_CERTIFICATE_STATUS_RESPONSE),
            );
        }
    }
}

// ---- a client certificate asked of the caller ----

#[test]
fn certificate_asked_of_the_caller_when_none_is_configured() {
    // OpenSSL's client certificate callback: the handshake stops at the request until the
    // caller answers; a fitting certificate goes out with its CertificateVerify, none sends
    // an empty Certificate.
    for give in [true, false] {
        let mut config = client_config12();
        config.pause_for_client_credential = true;
        let (mut client, mut server) = start12(config);
        server.cert_request = true;
        let flight = server.flight(unchanged12);
        deliver(&mut client, &flight.wire()).expect("paused, not failed");
        assert!(client.client_credential_pending());
        assert!(client.pending_tls().is_empty(), "nothing sent while paused");
        let answer = give.then(|| credential("client-ecdsa.chain.pem", "client-ecdsa.key"));
        client.finish_client_credential(answer).unwrap();
        assert!(!client.client_credential_pending());
        server.read_client(&mut client);
        assert_eq!(server.client_finished_ok, Some(true));
        let sent = server.client_certificate.clone().expect("a Certificate");
        assert_eq!(sent.len() > 3, give, "{sent:?}");
        assert_eq!(server.client_certificate_verify.is_some(), give);
        assert_eq!(
            client.negotiated().client_signature_scheme,
            give.then_some(SignatureScheme::ECDSA_SECP256R1_SHA256)
        );
        let last = server.finish(unchanged12);
        deliver(&mut client, &last.wire()).expect("valid Finished");
        assert!(client.is_established());
    }
}

#[test]
fn no_pause_without_a_request_and_the_configured_certificate_by_default() {
    let mut config = client_config12();
    config.pause_for_client_credential = true;
    let (mut client, mut server) = start12(config.clone());
    server.complete_handshake(&mut client);
    assert!(!client.client_credential_pending());
    assert_eq!(
        client.finish_client_credential(None),
        Err(Error::Api(oxissl_engine::ApiMisuse::NoCredentialPending))
    );
    // With a certificate configured the request still pauses; no answer sends that one.
    config.client_credential = Some(credential("client-ecdsa.chain.pem", "client-ecdsa.key"));
    let (mut client, mut server) = start12(config);
    server.cert_request = true;
    let flight = server.flight(unchanged12);
    deliver(&mut client, &flight.wire()).unwrap();
    assert!(client.client_credential_pending());
    client.finish_client_credential(None).unwrap();
    server.read_client(&mut client);
    assert_eq!(server.client_finished_ok, Some(true));
    assert!(server.client_certificate.is_some_and(|c| c.len() > 3));
    assert!(server.client_certificate_verify.is_some());
}

#[test]
fn an_aborted_pause_fails_with_internal_error() {
    let mut config = client_config12();
    config.pause_for_client_credential = true;
    let (mut client, mut server) = start12(config);
    server.cert_request = true;
    let flight = server.flight(unchanged12);
    deliver(&mut client, &flight.wire()).unwrap();
    let e = client.abort_pending(Error::CallbackFailed);
    server.expect_fatal(
        &mut client,
        Err(e),
        Error::CallbackFailed,
        Plain(A::INTERNAL_ERROR),
    );
}

// ---- max_fragment_length (RFC 6066 §4) ----

const EXT_MAX_FRAGMENT_LENGTH: u16 = 1;

fn mfl_config(mfl: oxissl_engine::MaxFragmentLength) -> ClientConfig {
    let mut config = client_config12();
    config.max_fragment_length = Some(mfl);
    config
}

#[test]
fn max_fragment_length_in_server_hello() {
    // Agreed in ServerHello: the client's own flight is already cut to the length.
    use oxissl_engine::MaxFragmentLength as M;
    let (mut client, mut server) = start12(mfl_config(M::Bytes1024));
    assert!(server.ch.offers(EXT_MAX_FRAGMENT_LENGTH));
    let flight = server.flight(edit_hello(|_, h| {
        h.extensions.push((EXT_MAX_FRAGMENT_LENGTH, vec![2]))
    }));
    deliver(&mut client, &flight.wire()).unwrap();
    server.read_client(&mut client);
    assert_eq!(server.client_finished_ok, Some(true));
    let last = server.finish(unchanged12);
    deliver(&mut client, &last.wire()).unwrap();
    assert!(client.is_established());
    assert_eq!(client.negotiated().max_fragment_length, Some(M::Bytes1024));
    assert_eq!(client.write(&[7; 3000]).unwrap(), 3000);
    let sizes: Vec<usize> = server
        .read_client(&mut client)
        .iter()
        .map(|r| r.payload.len())
        .collect();
    assert_eq!(sizes, [1024, 1024, 952]);
}

#[test]
fn max_fragment_length_answer_differs() {
    reject_hello(
        mfl_config(oxissl_engine::MaxFragmentLength::Bytes512),
        |_, h| h.extensions.push((EXT_MAX_FRAGMENT_LENGTH, vec![4])),
        Error::PeerMisbehaved(PeerMisbehaved::IllegalExtensionValue("max_fragment_length")),
        A::ILLEGAL_PARAMETER,
    );
}
