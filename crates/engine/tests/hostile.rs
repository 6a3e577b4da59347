//! Hostile-server tests: a scripted in-memory TLS 1.3 server sends one class of bad input per
//! test. Each test checks the typed error from `process()`, the alert the client queued
//! (RFC 8446 §6.2) and that the connection stays failed. A randomized test feeds mutated copies
//! of a valid flight.

mod hostile_server;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use hostile_server::Sent::{Nothing, Plain, Sealed};
use hostile_server::*;
use oxissl_engine::config::DEFAULT_MAX_CERTIFICATES;
use oxissl_engine::conn::MAX_EMPTY_RECORDS;
use oxissl_engine::record::joiner::MAX_HANDSHAKE_MESSAGE;
use oxissl_engine::record::{MAX_CIPHERTEXT, MAX_PLAINTEXT};
use oxissl_engine::wire::enums::{ContentType, HandshakeType};
use oxissl_engine::{
    AlertDescription as A, CertificateError, CipherSuite, ClientConfig, ClientConnection, Error,
    InvalidMessage, NamedGroup, PeerIncompatible, PeerMisbehaved, ReadStatus, SignatureScheme,
};

// ---- allocation tracking: the largest single allocation made on this thread ----

struct PeakAlloc;

thread_local! {
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

fn note(size: usize) {
    let _ = PEAK.try_with(|p| p.set(p.get().max(size)));
}

// SAFETY: every call is forwarded unchanged to the system allocator; only sizes are noted.
unsafe impl GlobalAlloc for PeakAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: PeakAlloc = PeakAlloc;

/// The largest single allocation `f` makes on this thread.
fn peak_allocation<T>(f: impl FnOnce() -> T) -> (T, usize) {
    PEAK.with(|p| p.set(0));
    let out = f();
    (out, PEAK.with(Cell::get))
}

// ---- helpers ----

fn start() -> (ClientConnection, Server) {
    start_with(client_config())
}

fn start_with(config: ClientConfig) -> (ClientConnection, Server) {
    let mut client = connect(config);
    let server = Server::accept(&mut client);
    (client, server)
}

/// A client that has taken a valid ServerHello, and so has handshake keys.
fn after_server_hello() -> (ClientConnection, Server) {
    let (mut client, mut server) = start();
    let sh = server.server_hello().encode();
    server.take_server_hello(&sh);
    deliver(&mut client, &plain_record(HANDSHAKE, &sh)).expect("valid ServerHello");
    (client, server)
}

/// Sends `hello` as the ServerHello and expects the client to fail with `want`, alerting in the
/// clear.
fn reject_hello(hello: impl FnOnce(&Server, &mut Hello), want: Error, alert: A) {
    reject_hello_with(client_config(), hello, want, alert);
}

fn reject_hello_with(
    config: ClientConfig,
    hello: impl FnOnce(&Server, &mut Hello),
    want: Error,
    alert: A,
) {
    let (mut client, mut server) = start_with(config);
    let mut sh = server.server_hello();
    hello(&server, &mut sh);
    let got = deliver(&mut client, &plain_record(HANDSHAKE, &sh.encode()));
    server.expect_fatal(&mut client, got, want, Plain(alert));
}

/// Runs the first flight through `hook` and expects `want` with a protected alert.
fn reject_flight(hook: impl FnMut(Step, &mut Vec<u8>, &Server), want: Error, alert: A) {
    reject_flight_with(client_config(), hook, want, alert);
}

fn reject_flight_with(
    config: ClientConfig,
    hook: impl FnMut(Step, &mut Vec<u8>, &Server),
    want: Error,
    alert: A,
) {
    let (mut client, mut server) = start_with(config);
    let flight = server.flight(hook);
    let got = deliver(&mut client, &flight.wire());
    server.expect_fatal(&mut client, got, want, Sealed(alert));
}

fn with_alpn(protocols: &[&[u8]]) -> ClientConfig {
    let mut config = client_config();
    config.alpn_protocols = protocols.iter().map(|p| p.to_vec()).collect();
    config
}

fn invalid(m: InvalidMessage) -> Error {
    Error::InvalidMessage(m)
}

fn unexpected_type(t: ContentType) -> Error {
    Error::InvalidMessage(InvalidMessage::UnexpectedContentType(t))
}

fn misbehaved(p: PeerMisbehaved) -> Error {
    Error::PeerMisbehaved(p)
}

const NOT_ALLOWED: PeerMisbehaved =
    PeerMisbehaved::IllegalExtensionValue("extension not allowed in this message");

// ---- the harness itself ----

#[test]
fn full_handshake_with_data_both_ways_and_close_notify() {
    let (mut client, mut server) = start_with(with_alpn(&[b"h2", b"http/1.1"]));
    assert_eq!(server.ch.share_group, NamedGroup::X25519.0);
    assert_eq!(server.ch.session_id.len(), 32, "RFC 8446 §D.4 compat mode");
    assert_eq!(server.ch.groups, [0x001d, 0x0017, 0x0018, 0x0019]);
    assert_eq!(server.ch.alpn, [&b"h2"[..], &b"http/1.1"[..]]);
    assert!(server.ch.offers(EXT_SERVER_NAME) && server.ch.offers(EXT_SIGNATURE_ALGORITHMS));
    assert_eq!(
        server
            .ch
            .extensions
            .iter()
            .filter(|e| e.0 == EXT_COOKIE)
            .count(),
        0
    );
    server.alpn = Some(b"http/1.1".to_vec());
    let flight = server.flight(unchanged);
    deliver(&mut client, &flight.wire()).unwrap();
    assert!(client.is_established());
    assert_eq!(client.alpn_protocol(), Some(&b"http/1.1"[..]));
    assert_eq!(client.group(), Some(NamedGroup::X25519));
    assert_eq!(
        client.cipher_suite().map(|s| s.suite),
        Some(CipherSuite::TLS13_AES_128_GCM_SHA256)
    );
    assert_eq!(
        client.negotiated().signature_scheme,
        Some(SignatureScheme::ECDSA_SECP256R1_SHA256)
    );
    assert_eq!(client.peer_certificates()[0].as_ref(), identity().cert);

    // RFC 8446 §D.4: change_cipher_spec, then the client's Finished under its handshake key.
    let second = server.read_client(&mut client);
    assert_eq!(second.len(), 2, "{second:?}");
    assert_eq!(
        (second[0].typ, &second[0].payload[..]),
        (CHANGE_CIPHER_SPEC, &[1][..])
    );
    assert!(second[1].protected && second[1].payload[0] == FINISHED);
    assert_eq!(server.client_finished_ok, Some(true));

    // RFC 8446 §4.6.1: a ticket is stored.
    let nst = server.seal(HANDSHAKE, &new_session_ticket());
    deliver(&mut client, &nst).unwrap();
    assert_eq!(client.take_session_tickets().len(), 1);

    // Application data both ways.
    deliver(&mut client, &server.seal(APPLICATION_DATA, b"hello client")).unwrap();
    let mut buf = [0u8; 64];
    assert_eq!(client.read(&mut buf).unwrap(), ReadStatus::Data(12));
    assert_eq!(&buf[..12], b"hello client");
    assert_eq!(client.read(&mut buf).unwrap(), ReadStatus::WantRead);
    assert_eq!(client.write(b"hello server").unwrap(), 12);
    let got = server.read_client(&mut client);
    let want = Record {
        typ: APPLICATION_DATA,
        payload: b"hello server".to_vec(),
        protected: true,
    };
    assert_eq!(got, [want]);

    // RFC 8446 §4.6.3: update_requested is answered, and both sides move to the next keys.
    deliver(&mut client, &server.key_update(1)).unwrap();
    let got = server.read_client(&mut client);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].payload, handshake(KEY_UPDATE, &[0]));
    deliver(&mut client, &server.seal(APPLICATION_DATA, b"after")).unwrap();
    assert_eq!(client.read(&mut buf).unwrap(), ReadStatus::Data(5));
    client.write(b"also after").unwrap();
    assert_eq!(server.read_client(&mut client)[0].payload, b"also after");

    // RFC 8446 §6.1: close_notify both ways.
    deliver(&mut client, &server.seal(ALERT, &[1, 0])).unwrap();
    assert_eq!(client.read(&mut buf).unwrap(), ReadStatus::Closed);
    assert!(client.peer_closed());
    client.send_close_notify();
    let got = server.read_client(&mut client);
    assert_eq!(
        got,
        [Record {
            typ: ALERT,
            payload: vec![1, 0],
            protected: true
        }]
    );
    assert_eq!(client.error(), None);
}

#[test]
fn hello_retry_request_then_full_handshake() {
    let (mut client, mut server) = start();
    let hrr = server
        .retry_request(Some(NamedGroup::SECP256R1), Some(b"cookie!"))
        .encode();
    server.take_retry_request(&hrr);
    deliver(&mut client, &plain_record(HANDSHAKE, &hrr)).unwrap();
    server.take_second_hello(&mut client);
    assert_eq!(server.ch.share_group, NamedGroup::SECP256R1.0);
    assert_eq!(server.ch.share.len(), 65);
    assert_eq!(server.ch.cookie.as_deref(), Some(&b"cookie!"[..]));
    server.complete_handshake(&mut client);
    assert!(client.negotiated().hello_retried);
    assert_eq!(client.group(), Some(NamedGroup::SECP256R1));
    deliver(&mut client, &server.seal(APPLICATION_DATA, b"x")).unwrap();
    assert_eq!(client.read(&mut [0; 4]).unwrap(), ReadStatus::Data(1));
}

#[test]
fn flight_in_one_byte_pieces() {
    let (mut client, mut server) = start();
    let wire = server.flight(unchanged).wire();
    for b in wire.chunks(1) {
        assert_eq!(client.feed_tls(b), 1);
        client.process().unwrap();
    }
    assert!(client.is_established());
}

// ---- ServerHello (RFC 8446 §4.1.3) ----

#[test]
fn truncated_server_hello() {
    let (_, server) = start();
    let full = server.server_hello().encode();
    // Body: version 2, random 32, session id 1 + 32, suite 2, compression 1.
    let no_extensions = 2 + 32 + 1 + 32 + 2 + 1;
    for cut in 0..full.len() - 4 {
        let (mut client, mut server) = start();
        let msg = handshake(SERVER_HELLO, &full[4..4 + cut]);
        let got = deliver(&mut client, &plain_record(HANDSHAKE, &msg));
        // Cut right after compression it is a well-formed TLS 1.2 ServerHello (RFC 5246).
        let (want, alert) = if cut == no_extensions {
            (
                PeerIncompatible::Tls12NotEnabled.into(),
                A::PROTOCOL_VERSION,
            )
        } else {
            (invalid(InvalidMessage::Truncated), A::DECODE_ERROR)
        };
        server.expect_fatal(&mut client, got, want, Plain(alert));
    }
}

#[test]
fn server_hello_record_cut_short_waits_for_more() {
    let (mut client, server) = start();
    let record = plain_record(HANDSHAKE, &server.server_hello().encode());
    deliver(&mut client, &record[..record.len() - 1]).unwrap();
    assert!(client.wants_read() && client.is_handshaking());
    assert!(client.pending_tls().is_empty());
}

#[test]
fn server_hello_trailing_bytes() {
    let (_, server) = start();
    let mut msg = server.server_hello().encode();
    msg.push(0);
    let body_len = msg.len() - 4;
    msg[3] = body_len as u8;
    msg[2] = (body_len >> 8) as u8;
    let (mut client, mut server) = start();
    let got = deliver(&mut client, &plain_record(HANDSHAKE, &msg));
    let want = invalid(InvalidMessage::TrailingData);
    server.expect_fatal(&mut client, got, want, Plain(A::DECODE_ERROR));

    // Trailing bytes inside supported_versions (RFC 8446 §4.2.1: one ProtocolVersion).
    reject_hello(
        |_, h| {
            h.set(EXT_SUPPORTED_VERSIONS, vec![3, 4, 0]);
        },
        invalid(InvalidMessage::TrailingData),
        A::DECODE_ERROR,
    );
}

#[test]
fn unoffered_cipher_suite() {
    // RFC 8446 §4.1.3: a suite the client did not offer -> illegal_parameter.
    reject_hello(
        |_, h| h.suite = 0x1304,
        misbehaved(PeerMisbehaved::UnofferedCipherSuite(CipherSuite(0x1304))),
        A::ILLEGAL_PARAMETER,
    );
    let mut config = client_config();
    config
        .tls13_suites
        .retain(|s| s.suite == CipherSuite::TLS13_AES_128_GCM_SHA256);
    reject_hello_with(
        config,
        |_, h| h.suite = 0x1302,
        misbehaved(PeerMisbehaved::UnofferedCipherSuite(
            CipherSuite::TLS13_AES_256_GCM_SHA384,
        )),
        A::ILLEGAL_PARAMETER,
    );
}

#[test]
fn key_share_for_a_group_not_shared() {
    // RFC 8446 §4.2.8: the server's share must be in the group the client sent a share for.
    reject_hello(
        |_, h| {
            h.set(EXT_KEY_SHARE, key_share_entry(0x0017, &[4; 65]));
        },
        misbehaved(PeerMisbehaved::WrongKeyShareGroup(NamedGroup::SECP256R1)),
        A::ILLEGAL_PARAMETER,
    );
    reject_hello(
        |_, h| {
            h.set(EXT_KEY_SHARE, key_share_entry(0x001e, &[9; 56]));
        },
        misbehaved(PeerMisbehaved::WrongKeyShareGroup(NamedGroup::X448)),
        A::ILLEGAL_PARAMETER,
    );
}

#[test]
fn invalid_x25519_share() {
    // RFC 8446 §7.4.2: an all-zero shared secret MUST abort the handshake.
    reject_hello(
        |_, h| {
            h.set(EXT_KEY_SHARE, key_share_entry(0x001d, &[0; 32]));
        },
        misbehaved(PeerMisbehaved::InvalidKeyShare),
        A::ILLEGAL_PARAMETER,
    );
    // RFC 8446 §4.2.8.2: X25519 shares are 32 bytes.
    reject_hello(
        |_, h| {
            h.set(EXT_KEY_SHARE, key_share_entry(0x001d, &[9; 31]));
        },
        misbehaved(PeerMisbehaved::InvalidKeyShare),
        A::ILLEGAL_PARAMETER,
    );
}

#[test]
fn missing_key_share() {
    // RFC 8446 §9.2: a required extension is missing -> missing_extension.
    reject_hello(
        |_, h| {
            h.remove(EXT_KEY_SHARE);
        },
        misbehaved(PeerMisbehaved::MissingExtension("key_share")),
        A::MISSING_EXTENSION,
    );
}

#[test]
fn tls12_selected_without_supported_versions() {
    // RFC 8446 §4.1.3 / §D.1: a client configured without TLS 1.2 -> protocol_version.
    reject_hello(
        |_, h| h.extensions.clear(),
        PeerIncompatible::Tls12NotEnabled.into(),
        A::PROTOCOL_VERSION,
    );
    reject_hello(
        |_, h| {
            h.legacy_version = 0x0302;
            h.extensions.clear();
        },
        PeerIncompatible::UnsupportedVersion(0x0302).into(),
        A::PROTOCOL_VERSION,
    );
}

#[test]
fn supported_versions_selects_tls12() {
    // RFC 8446 §4.2.1: a version prior to TLS 1.3 in supported_versions -> illegal_parameter.
    reject_hello(
        |_, h| {
            h.set(EXT_SUPPORTED_VERSIONS, u16_bytes(0x0303));
        },
        misbehaved(PeerMisbehaved::IllegalParameter("supported_versions")),
        A::ILLEGAL_PARAMETER,
    );
}

#[test]
fn downgrade_sentinels() {
    // RFC 8446 §4.1.3: DOWNGRD\x01 / DOWNGRD\x00 in a TLS 1.2 / 1.1 ServerHello.random
    // -> illegal_parameter.
    let cases = [
        (0x0303, b"DOWNGRD\x01"),
        (0x0302, b"DOWNGRD\x00"),
        (0x0303, b"DOWNGRD\x00"),
        (0x0302, b"DOWNGRD\x01"),
    ];
    for (version, tail) in cases {
        reject_hello(
            |_, h| {
                h.legacy_version = version;
                h.random[24..].copy_from_slice(tail);
                h.extensions.clear();
            },
            misbehaved(PeerMisbehaved::DowngradeSentinel),
            A::ILLEGAL_PARAMETER,
        );
    }
}

#[test]
fn session_id_echo_mismatch() {
    // RFC 8446 §4.1.3: "MUST abort the handshake with an illegal_parameter alert".
    reject_hello(
        |_, h| h.session_id[0] ^= 1,
        misbehaved(PeerMisbehaved::SessionIdMismatch),
        A::ILLEGAL_PARAMETER,
    );
    reject_hello(
        |_, h| h.session_id.clear(),
        misbehaved(PeerMisbehaved::SessionIdMismatch),
        A::ILLEGAL_PARAMETER,
    );
}

#[test]
fn non_null_compression() {
    // RFC 8446 §4.1.3: legacy_compression_method MUST be 0.
    reject_hello(
        |_, h| h.compression = 1,
        misbehaved(PeerMisbehaved::NonNullCompression),
        A::ILLEGAL_PARAMETER,
    );
}

#[test]
fn duplicate_extension() {
    // RFC 8446 §4.2: no more than one extension of a type in a block.
    reject_hello(
        |_, h| h.extensions.push(h.extensions[1].clone()),
        misbehaved(PeerMisbehaved::DuplicateExtension(EXT_KEY_SHARE)),
        A::ILLEGAL_PARAMETER,
    );
    reject_flight_with(
        with_alpn(&[b"h2"]),
        |step, msg, s| {
            if step == Step::EncryptedExtensions {
                let alpn = (EXT_ALPN, alpn_body(&[b"h2"]));
                *msg = s.encrypted_extensions_with(&[alpn.clone(), alpn]);
            }
        },
        misbehaved(PeerMisbehaved::DuplicateExtension(EXT_ALPN)),
        A::ILLEGAL_PARAMETER,
    );
}

#[test]
fn unsolicited_extension_in_server_hello() {
    // RFC 8446 §4.2: an extension not requested -> unsupported_extension.
    reject_hello(
        |_, h| {
            h.set(EXT_ALPN, alpn_body(&[b"h2"]));
        },
        misbehaved(PeerMisbehaved::UnsolicitedExtension(EXT_ALPN)),
        A::UNSUPPORTED_EXTENSION,
    );
    reject_hello(
        |_, h| {
            h.set(0xfe0d, vec![]);
        },
        misbehaved(PeerMisbehaved::UnsolicitedExtension(0xfe0d)),
        A::UNSUPPORTED_EXTENSION,
    );
    // RFC 8446 §4.2: one that was sent but is not specified for ServerHello -> illegal_parameter.
    reject_hello(
        |_, h| {
            h.set(EXT_SERVER_NAME, vec![]);
        },
        misbehaved(NOT_ALLOWED),
        A::ILLEGAL_PARAMETER,
    );
}

// ---- EncryptedExtensions (RFC 8446 §4.3.1) ----

fn ee_hook(exts: Vec<(u16, Vec<u8>)>) -> impl FnMut(Step, &mut Vec<u8>, &Server) {
    move |step, msg, s| {
        if step == Step::EncryptedExtensions {
            *msg = s.encrypted_extensions_with(&exts);
        }
    }
}

#[test]
fn unsolicited_extension_in_encrypted_extensions() {
    reject_flight(
        ee_hook(vec![(0x5a5a, vec![1])]),
        misbehaved(PeerMisbehaved::UnsolicitedExtension(0x5a5a)),
        A::UNSUPPORTED_EXTENSION,
    );
    reject_flight(
        ee_hook(vec![(EXT_STATUS_REQUEST, vec![])]),
        misbehaved(PeerMisbehaved::UnsolicitedExtension(EXT_STATUS_REQUEST)),
        A::UNSUPPORTED_EXTENSION,
    );
}

#[test]
fn alpn_selected_but_not_offered() {
    // RFC 8446 §4.2 / RFC 7301 §3.2: ALPN was not in ClientHello.
    reject_flight(
        ee_hook(vec![(EXT_ALPN, alpn_body(&[b"h2"]))]),
        misbehaved(PeerMisbehaved::UnsolicitedExtension(EXT_ALPN)),
        A::UNSUPPORTED_EXTENSION,
    );
}

#[test]
fn alpn_choice_not_among_offered() {
    reject_flight_with(
        with_alpn(&[b"h2"]),
        ee_hook(vec![(EXT_ALPN, alpn_body(&[b"http/1.1"]))]),
        misbehaved(PeerMisbehaved::UnofferedAlpnProtocol),
        A::ILLEGAL_PARAMETER,
    );
    // RFC 7301 §3.1: the server's list holds exactly one protocol.
    reject_flight_with(
        with_alpn(&[b"h2", b"http/1.1"]),
        ee_hook(vec![(EXT_ALPN, alpn_body(&[b"h2", b"http/1.1"]))]),
        invalid(InvalidMessage::TrailingData),
        A::DECODE_ERROR,
    );
}

#[test]
fn key_share_in_encrypted_extensions() {
    // RFC 8446 §4.2: offered, but not specified for EncryptedExtensions -> illegal_parameter.
    reject_flight(
        ee_hook(vec![(EXT_KEY_SHARE, key_share_entry(0x001d, &[9; 32]))]),
        misbehaved(NOT_ALLOWED),
        A::ILLEGAL_PARAMETER,
    );
    reject_flight(
        ee_hook(vec![(EXT_SUPPORTED_VERSIONS, u16_bytes(0x0304))]),
        misbehaved(NOT_ALLOWED),
        A::ILLEGAL_PARAMETER,
    );
}

// ---- HelloRetryRequest (RFC 8446 §4.1.4) ----

/// Sends a HelloRetryRequest asking for P-256 and reads ClientHello2.
fn after_retry() -> (ClientConnection, Server) {
    let (mut client, mut server) = start();
    let hrr = server
        .retry_request(Some(NamedGroup::SECP256R1), None)
        .encode();
    server.take_retry_request(&hrr);
    deliver(&mut client, &plain_record(HANDSHAKE, &hrr)).unwrap();
    server.take_second_hello(&mut client);
    (client, server)
}

fn reject_retry(group: Option<NamedGroup>, cookie: Option<&[u8]>, want: PeerMisbehaved) {
    let (mut client, mut server) = start();
    let hrr = server.retry_request(group, cookie).encode();
    let got = deliver(&mut client, &plain_record(HANDSHAKE, &hrr));
    let want = misbehaved(want);
    let alert = want.alert().unwrap();
    server.expect_fatal(&mut client, got, want, Plain(alert));
}

#[test]
fn second_hello_retry_request() {
    // "MUST abort the handshake with an unexpected_message alert".
    let (mut client, mut server) = after_retry();
    let hrr = server.retry_request(None, Some(b"again")).encode();
    let got = deliver(&mut client, &plain_record(HANDSHAKE, &hrr));
    let want = misbehaved(PeerMisbehaved::SecondHelloRetryRequest);
    server.expect_fatal(&mut client, got, want, Plain(A::UNEXPECTED_MESSAGE));
}

#[test]
fn hello_retry_request_that_changes_nothing() {
    // "would not result in any change in the ClientHello" -> illegal_parameter.
    reject_retry(None, None, PeerMisbehaved::HelloRetryRequestChangesNothing);
}

#[test]
fn hello_retry_request_for_group_already_shared() {
    // RFC 8446 §4.2.8: a group the original key_share had -> illegal_parameter.
    reject_retry(
        Some(NamedGroup::X25519),
        None,
        PeerMisbehaved::HelloRetryRequestForOfferedShare,
    );
}

#[test]
fn hello_retry_request_for_unoffered_group() {
    // RFC 8446 §4.2.8: a group not in supported_groups -> illegal_parameter.
    reject_retry(
        Some(NamedGroup::X448),
        None,
        PeerMisbehaved::UnofferedGroup(NamedGroup::X448),
    );
    let mut config = client_config();
    config.groups = vec![NamedGroup::X25519];
    let (mut client, mut server) = start_with(config);
    let hrr = server
        .retry_request(Some(NamedGroup::SECP256R1), None)
        .encode();
    let got = deliver(&mut client, &plain_record(HANDSHAKE, &hrr));
    let want = misbehaved(PeerMisbehaved::UnofferedGroup(NamedGroup::SECP256R1));
    server.expect_fatal(&mut client, got, want, Plain(A::ILLEGAL_PARAMETER));
}

#[test]
fn server_hello_suite_differs_from_retry() {
    // "MUST check that the cipher suite supplied in the ServerHello is identical".
    let (mut client, mut server) = after_retry();
    let mut sh = server.server_hello();
    sh.suite = CipherSuite::TLS13_AES_256_GCM_SHA384.0;
    let got = deliver(&mut client, &plain_record(HANDSHAKE, &sh.encode()));
    let want = misbehaved(PeerMisbehaved::CipherSuiteChangedAfterRetry);
    server.expect_fatal(&mut client, got, want, Plain(A::ILLEGAL_PARAMETER));
}

#[test]
fn server_hello_group_differs_from_retry() {
    // RFC 8446 §4.2.8: the ServerHello group MUST be the one the HelloRetryRequest chose.
    let (mut client, mut server) = after_retry();
    let mut sh = server.server_hello();
    sh.set(EXT_KEY_SHARE, key_share_entry(0x001d, &[9; 32]));
    let got = deliver(&mut client, &plain_record(HANDSHAKE, &sh.encode()));
    let want = misbehaved(PeerMisbehaved::WrongKeyShareGroup(NamedGroup::X25519));
    server.expect_fatal(&mut client, got, want, Plain(A::ILLEGAL_PARAMETER));
}

#[test]
fn invalid_p256_share_after_retry() {
    // RFC 8446 §4.2.8.2: an uncompressed point on the curve; anything else -> illegal_parameter.
    for point in [vec![4; 65], [vec![2], vec![7; 32]].concat()] {
        let (mut client, mut server) = after_retry();
        let mut sh = server.server_hello();
        sh.set(EXT_KEY_SHARE, key_share_entry(0x0017, &point));
        let got = deliver(&mut client, &plain_record(HANDSHAKE, &sh.encode()));
        let want = misbehaved(PeerMisbehaved::InvalidKeyShare);
        server.expect_fatal(&mut client, got, want, Plain(A::ILLEGAL_PARAMETER));
    }
}

// ---- record layer (RFC 8446 §5) ----

#[test]
fn record_overflow() {
    // RFC 8446 §5.2: TLSCiphertext.length > 2^14 + 256 -> record_overflow.
    let (mut client, mut server) = start();
    let len = (MAX_CIPHERTEXT + 1) as u16;
    let mut record = vec![HANDSHAKE, 3, 3];
    record.extend(len.to_be_bytes());
    record.extend(vec![0; 64]);
    let got = deliver(&mut client, &record);
    let want = invalid(InvalidMessage::RecordTooLarge);
    server.expect_fatal(&mut client, got, want.clone(), Plain(A::RECORD_OVERFLOW));

    // RFC 8446 §5.1: a plaintext fragment > 2^14.
    let (mut client, mut server) = start();
    let got = deliver(
        &mut client,
        &plain_record(HANDSHAKE, &vec![0; MAX_PLAINTEXT + 1]),
    );
    server.expect_fatal(&mut client, got, want.clone(), Plain(A::RECORD_OVERFLOW));

    // RFC 8446 §5.2 and §5.4: TLSInnerPlaintext > 2^14 + 1, by content or by padding.
    for (content, padding) in [
        (MAX_PLAINTEXT + 1, 0),
        (MAX_PLAINTEXT, 1),
        (100, MAX_PLAINTEXT),
    ] {
        let (mut client, mut server) = after_server_hello();
        let record = server.seal_raw(HANDSHAKE, &vec![8; content], padding);
        assert!(record.len() - 5 <= MAX_CIPHERTEXT);
        let got = deliver(&mut client, &record);
        server.expect_fatal(&mut client, got, want.clone(), Sealed(A::RECORD_OVERFLOW));
    }
}

#[test]
fn largest_inner_plaintext_is_accepted() {
    // RFC 8446 §5.4: TLSInnerPlaintext of exactly 2^14 + 1 bytes (here mostly padding) is legal.
    let (mut client, mut server) = after_server_hello();
    let ee = server.encrypted_extensions();
    let record = server.seal_raw(HANDSHAKE, &ee, MAX_PLAINTEXT - ee.len());
    server.add(&ee);
    deliver(&mut client, &record).unwrap();
    assert!(client.is_handshaking());
}

#[test]
fn legacy_versions_are_ignored() {
    // RFC 8446 §4.2.1: with supported_versions, clients MUST ignore ServerHello.legacy_version;
    // RFC 8446 §5.1: legacy_record_version MUST be ignored.
    let (mut client, mut server) = start();
    let mut flight = server.flight(|step, msg, _| {
        if step == Step::ServerHello {
            msg[4..6].copy_from_slice(&[3, 4]);
        }
    });
    // Only unprotected records: a protected record's header is its AEAD additional data (§5.2).
    flight.record_mut(Step::ServerHello)[1..3].copy_from_slice(&[3, 1]);
    flight.record_mut(Step::ChangeCipherSpec)[1..3].copy_from_slice(&[3, 0]);
    deliver(&mut client, &flight.wire()).unwrap();
    assert!(client.is_established());
}

#[test]
fn bad_record_mac() {
    // RFC 8446 §5.2: failed deprotection -> bad_record_mac.
    for at in [5, 20, usize::MAX] {
        let (mut client, mut server) = start();
        let mut flight = server.flight(unchanged);
        let rec = flight.record_mut(Step::EncryptedExtensions);
        let i = at.min(rec.len() - 1);
        rec[i] ^= 0x80;
        let got = deliver(&mut client, &flight.wire());
        let want = Error::DecryptFailed;
        server.expect_fatal(&mut client, got, want, Sealed(A::BAD_RECORD_MAC));
    }
    // Shorter than a tag.
    let (mut client, mut server) = after_server_hello();
    let got = deliver(&mut client, &plain_record(APPLICATION_DATA, &[0; 16]));
    let want = Error::DecryptFailed;
    server.expect_fatal(&mut client, got, want, Sealed(A::BAD_RECORD_MAC));
}

#[test]
fn inner_plaintext_without_content_type() {
    // RFC 8446 §5.4: no non-zero octet -> unexpected_message.
    let (mut client, mut server) = after_server_hello();
    let record = server.seal_raw(0, &[], 12);
    let got = deliver(&mut client, &record);
    let want = invalid(InvalidMessage::NoInnerContentType);
    server.expect_fatal(&mut client, got, want, Sealed(A::UNEXPECTED_MESSAGE));
}

#[test]
fn unknown_inner_content_type() {
    // RFC 8446 §5: an unexpected record type -> unexpected_message.
    let (mut client, mut server) = after_server_hello();
    let record = server.seal(0x42, b"?");
    let got = deliver(&mut client, &record);
    let want = unexpected_type(ContentType(0x42));
    server.expect_fatal(&mut client, got, want, Sealed(A::UNEXPECTED_MESSAGE));
}

#[test]
fn unprotected_handshake_after_server_hello() {
    // RFC 8446 §5: after ServerHello handshake records MUST be protected.
    let (mut client, mut server) = after_server_hello();
    let ee = server.encrypted_extensions();
    let got = deliver(&mut client, &plain_record(HANDSHAKE, &ee));
    let want = unexpected_type(ContentType::HANDSHAKE);
    server.expect_fatal(&mut client, got, want, Sealed(A::UNEXPECTED_MESSAGE));
}

#[test]
fn zero_length_handshake_record() {
    // RFC 8446 §5.1: "MUST NOT send zero-length fragments of Handshake types".
    let want = invalid(InvalidMessage::EmptyRecord);
    let (mut client, mut server) = start();
    let got = deliver(&mut client, &plain_record(HANDSHAKE, &[]));
    server.expect_fatal(&mut client, got, want.clone(), Plain(A::UNEXPECTED_MESSAGE));

    let (mut client, mut server) = after_server_hello();
    let got = deliver(&mut client, &server.seal(HANDSHAKE, &[]));
    server.expect_fatal(
        &mut client,
        got,
        want.clone(),
        Sealed(A::UNEXPECTED_MESSAGE),
    );

    // RFC 8446 §5.4: likewise alerts.
    let (mut client, mut server) = start();
    let got = deliver(&mut client, &plain_record(ALERT, &[]));
    server.expect_fatal(&mut client, got, want, Plain(A::UNEXPECTED_MESSAGE));
}

#[test]
fn change_cipher_spec_rules() {
    // RFC 8446 §5: a change_cipher_spec other than the single byte 0x01 -> unexpected_message.
    let want = invalid(InvalidMessage::BadChangeCipherSpec);
    for body in [&[2][..], &[1, 1][..], &[0][..]] {
        let (mut client, mut server) = start();
        let got = deliver(&mut client, &plain_record(CHANGE_CIPHER_SPEC, body));
        server.expect_fatal(&mut client, got, want.clone(), Plain(A::UNEXPECTED_MESSAGE));
    }
    reject_flight(
        |step, msg, _| {
            if step == Step::ChangeCipherSpec {
                *msg = vec![2];
            }
        },
        want.clone(),
        A::UNEXPECTED_MESSAGE,
    );
    // A protected change_cipher_spec -> unexpected_message.
    let (mut client, mut server) = after_server_hello();
    let got = deliver(&mut client, &server.seal(CHANGE_CIPHER_SPEC, &[1]));
    let protected = unexpected_type(ContentType::CHANGE_CIPHER_SPEC);
    server.expect_fatal(&mut client, got, protected, Sealed(A::UNEXPECTED_MESSAGE));
    // After the server's Finished it is an unexpected record type.
    let (mut client, mut server) = start();
    server.complete_handshake(&mut client);
    let got = deliver(&mut client, &plain_record(CHANGE_CIPHER_SPEC, &[1]));
    server.expect_fatal(&mut client, got, want, Sealed(A::UNEXPECTED_MESSAGE));
}

#[test]
fn change_cipher_spec_flood() {
    // RFC 8446 §5 allows compatibility change_cipher_spec records; MAX_EMPTY_RECORDS bounds them.
    let (mut client, mut server) = start();
    let ccs = plain_record(CHANGE_CIPHER_SPEC, &[1]);
    for _ in 0..MAX_EMPTY_RECORDS {
        deliver(&mut client, &ccs).unwrap();
    }
    let got = deliver(&mut client, &ccs);
    let want = invalid(InvalidMessage::TooManyEmptyRecords);
    server.expect_fatal(&mut client, got, want, Plain(A::UNEXPECTED_MESSAGE));
}

#[test]
fn change_cipher_spec_inside_fragmented_handshake_message() {
    // RFC 8446 §5.1: "if a handshake message is split over two or more records, there MUST NOT
    // be any other records between them."
    let (mut client, mut server) = start();
    let sh = server.server_hello().encode();
    let wire = [
        plain_record(HANDSHAKE, &sh[..10]),
        plain_record(CHANGE_CIPHER_SPEC, &[1]),
        plain_record(HANDSHAKE, &sh[10..]),
    ];
    let got = deliver(&mut client, &wire.concat());
    let want = invalid(InvalidMessage::InterleavedRecord(
        ContentType::CHANGE_CIPHER_SPEC,
    ));
    server.expect_fatal(&mut client, got, want, Plain(A::UNEXPECTED_MESSAGE));
}

#[test]
fn application_data_inside_fragmented_handshake_message() {
    let (mut client, mut server) = start();
    server.complete_handshake(&mut client);
    let msg = new_session_ticket();
    let wire = [
        server.seal(HANDSHAKE, &msg[..5]),
        server.seal(APPLICATION_DATA, b"x"),
        server.seal(HANDSHAKE, &msg[5..]),
    ];
    let got = deliver(&mut client, &wire.concat());
    let want = invalid(InvalidMessage::InterleavedRecord(
        ContentType::APPLICATION_DATA,
    ));
    server.expect_fatal(&mut client, got, want, Sealed(A::UNEXPECTED_MESSAGE));
}

#[test]
fn application_data_before_handshake_completes() {
    // RFC 8446 §2 / §5: application data only after Finished -> unexpected_message.
    let want = unexpected_type(ContentType::APPLICATION_DATA);
    let (mut client, mut server) = start();
    let got = deliver(
        &mut client,
        &plain_record(APPLICATION_DATA, b"GET / HTTP/1.1\r\n"),
    );
    server.expect_fatal(&mut client, got, want.clone(), Plain(A::UNEXPECTED_MESSAGE));

    let (mut client, mut server) = after_server_hello();
    let got = deliver(&mut client, &server.seal(APPLICATION_DATA, b"early"));
    server.expect_fatal(
        &mut client,
        got,
        want.clone(),
        Sealed(A::UNEXPECTED_MESSAGE),
    );

    // In place of the server's Finished, with data and empty.
    for data in [&b"almost"[..], &[][..]] {
        let (mut client, mut server) = start();
        let mut flight = server.flight(|step, msg, _| {
            if step == Step::Finished {
                msg.clear();
            }
        });
        let record = server.seal(APPLICATION_DATA, data);
        flight.records.push((Step::Finished, record));
        let got = deliver(&mut client, &flight.wire());
        server.expect_fatal(
            &mut client,
            got,
            want.clone(),
            Sealed(A::UNEXPECTED_MESSAGE),
        );
    }
}

// ---- alerts (RFC 8446 §6) ----

#[test]
fn fatal_alert_from_server() {
    // RFC 8446 §6.2: the connection ends; no alert is sent back.
    let (mut client, mut server) = start();
    let got = deliver(&mut client, &plain_record(ALERT, &[2, 40]));
    let want = Error::AlertReceived(A::HANDSHAKE_FAILURE);
    server.expect_fatal(&mut client, got, want, Nothing);

    let (mut client, mut server) = after_server_hello();
    let got = deliver(&mut client, &server.seal(ALERT, &[2, 42]));
    let want = Error::AlertReceived(A::BAD_CERTIFICATE);
    server.expect_fatal(&mut client, got, want, Nothing);

    // In the clear after ServerHello (a server that could not derive keys).
    let (mut client, mut server) = after_server_hello();
    let got = deliver(&mut client, &plain_record(ALERT, &[2, 40]));
    let want = Error::AlertReceived(A::HANDSHAKE_FAILURE);
    server.expect_fatal(&mut client, got, want, Nothing);

    // RFC 8446 §6: the level is ignored; anything but close_notify/user_canceled is an error.
    let (mut client, mut server) = start();
    server.complete_handshake(&mut client);
    let got = deliver(&mut client, &server.seal(ALERT, &[1, 112]));
    let want = Error::AlertReceived(A::UNRECOGNIZED_NAME);
    server.expect_fatal(&mut client, got, want, Nothing);
}

#[test]
fn malformed_alert() {
    let (mut client, mut server) = start();
    let got = deliver(&mut client, &plain_record(ALERT, &[2, 40, 0]));
    let want = invalid(InvalidMessage::BadAlert);
    server.expect_fatal(&mut client, got, want, Plain(A::DECODE_ERROR));
}

// ---- Certificate, CertificateVerify, Finished (RFC 8446 §4.4) ----

#[test]
fn wrong_finished() {
    // RFC 8446 §4.4.4: incorrect verify_data -> decrypt_error.
    reject_flight(
        |step, msg, _| {
            if step == Step::Finished {
                msg[10] ^= 1;
            }
        },
        misbehaved(PeerMisbehaved::FinishedMismatch),
        A::DECRYPT_ERROR,
    );
    reject_flight(
        |step, msg, _| {
            if step == Step::Finished {
                *msg = handshake(FINISHED, &msg[4..20]);
            }
        },
        misbehaved(PeerMisbehaved::FinishedMismatch),
        A::DECRYPT_ERROR,
    );
}

#[test]
fn bad_certificate_verify_signature() {
    // RFC 8446 §4.4.3: a signature that does not verify -> decrypt_error.
    let want = misbehaved(PeerMisbehaved::BadSignature);
    reject_flight(
        |step, msg, s| {
            if step == Step::CertificateVerify {
                let mut content = s.signed_content();
                content[64..97].copy_from_slice(b"TLS 1.3, client CertificateVerify");
                *msg = s.certificate_verify_with(ECDSA_P256_SHA256, &s.sign(&content));
            }
        },
        want.clone(),
        A::DECRYPT_ERROR,
    );
    // A signature over a stale transcript (the one before Certificate).
    let mut stale = None;
    reject_flight(
        move |step, msg, s| {
            if step == Step::Certificate {
                stale = Some(s.signed_content());
            }
            if step == Step::CertificateVerify {
                let sig = s.sign(stale.as_ref().unwrap());
                *msg = s.certificate_verify_with(ECDSA_P256_SHA256, &sig);
            }
        },
        want.clone(),
        A::DECRYPT_ERROR,
    );
    // A DER signature with r = s = 1.
    reject_flight(
        |step, msg, s| {
            if step == Step::CertificateVerify {
                let sig = [0x30, 6, 2, 1, 1, 2, 1, 1];
                *msg = s.certificate_verify_with(ECDSA_P256_SHA256, &sig);
            }
        },
        want,
        A::DECRYPT_ERROR,
    );
}

#[test]
fn certificate_verify_scheme_not_fitting_the_key() {
    // RFC 8446 §4.4.3: the algorithm "MUST be compatible with the key"; "If the verification
    // fails, the receiver MUST terminate the handshake with a decrypt_error alert".
    for scheme in [0x0503, 0x0807, 0x0804] {
        reject_flight(
            |step, msg, s| {
                if step == Step::CertificateVerify {
                    let sig = s.sign(&s.signed_content());
                    *msg = s.certificate_verify_with(scheme, &sig);
                }
            },
            misbehaved(PeerMisbehaved::BadSignature),
            A::DECRYPT_ERROR,
        );
    }
}

#[test]
fn certificate_verify_with_unoffered_scheme() {
    // RFC 8446 §4.4.3: ecdsa_secp521r1_sha512 was not in signature_algorithms.
    reject_flight(
        |step, msg, s| {
            if step == Step::CertificateVerify {
                let sig = s.sign(&s.signed_content());
                *msg = s.certificate_verify_with(0x0603, &sig);
            }
        },
        misbehaved(PeerMisbehaved::UnofferedSignatureScheme(0x0603)),
        A::ILLEGAL_PARAMETER,
    );
}

#[test]
fn certificate_verify_outside_a_restricted_list() {
    // RFC 8446 §4.4.3: with signature_schemes restricted (OpenSSL's SSL_CTX_set1_sigalgs_list),
    // a valid ecdsa_secp256r1_sha256 signature is refused: the scheme was not offered.
    let mut config = client_config();
    config.signature_schemes = std::borrow::Cow::Borrowed(&[
        SignatureScheme::ED25519,
        SignatureScheme::RSA_PSS_RSAE_SHA256,
    ]);
    let (mut client, mut server) = start_with(config.clone());
    let offered = server
        .ch
        .extensions
        .iter()
        .find(|e| e.0 == EXT_SIGNATURE_ALGORITHMS)
        .map(|e| e.1.clone());
    assert_eq!(offered, Some(vec![0, 4, 0x08, 0x07, 0x08, 0x04]));
    let flight = server.flight(unchanged);
    let got = deliver(&mut client, &flight.wire());
    server.expect_fatal(
        &mut client,
        got,
        misbehaved(PeerMisbehaved::UnofferedSignatureScheme(0x0403)),
        Sealed(A::ILLEGAL_PARAMETER),
    );
    // The same server is accepted by a list that holds its scheme.
    config.signature_schemes =
        std::borrow::Cow::Owned(vec![SignatureScheme::ECDSA_SECP256R1_SHA256]);
    let (mut client, mut server) = start_with(config);
    deliver(&mut client, &server.flight(unchanged).wire()).unwrap();
    assert!(client.is_established());
}

#[test]
fn certificate_verify_with_pkcs1_scheme() {
    // RFC 8446 §4.2.3 / §4.4.3: RSASSA-PKCS1-v1_5 is not for TLS 1.3 handshake signatures and
    // was not offered in signature_algorithms.
    reject_flight(
        |step, msg, s| {
            if step == Step::CertificateVerify {
                let sig = s.sign(&s.signed_content());
                *msg = s.certificate_verify_with(0x0401, &sig);
            }
        },
        misbehaved(PeerMisbehaved::UnofferedSignatureScheme(0x0401)),
        A::ILLEGAL_PARAMETER,
    );
}

#[test]
fn empty_certificate() {
    // RFC 8446 §4.4.2.4: an empty Certificate from the server -> decode_error.
    reject_flight(
        |step, msg, s| {
            if step == Step::Certificate {
                *msg = s.certificate_with(&[]);
            }
        },
        invalid(InvalidMessage::EmptyCertificateList),
        A::DECODE_ERROR,
    );
}

#[test]
fn certificate_with_request_context() {
    // RFC 8446 §4.4.2: for server authentication the context "SHALL be zero length".
    reject_flight(
        |step, msg, _| {
            if step == Step::Certificate {
                let body = [&[1, 7][..], &msg[5..]].concat();
                *msg = handshake(CERTIFICATE, &body);
            }
        },
        misbehaved(PeerMisbehaved::IllegalParameter(
            "certificate_request_context",
        )),
        A::ILLEGAL_PARAMETER,
    );
}

#[test]
fn certificate_chain_too_long() {
    // More than max_certificates entries -> bad_certificate, before any is parsed.
    let too_many = DEFAULT_MAX_CERTIFICATES + 1;
    reject_flight(
        |step, msg, s| {
            if step == Step::Certificate {
                let cert = &identity().cert[..];
                *msg = s.certificate_with(&vec![cert; too_many]);
            }
        },
        invalid(InvalidMessage::TooManyCertificates),
        A::BAD_CERTIFICATE,
    );
}

#[test]
fn corrupt_end_entity_certificate() {
    // RFC 8446 §6.2: bad_certificate, "A certificate was corrupt". Chains are not checked here,
    // so the corruption is found when CertificateVerify needs the key.
    reject_flight(
        |step, msg, s| {
            if step == Step::Certificate {
                let cert = &identity().cert[..40];
                *msg = s.certificate_with(&[cert]);
            }
        },
        Error::Certificate(CertificateError::BadEncoding),
        A::BAD_CERTIFICATE,
    );
}

#[test]
fn certificate_entry_with_unrequested_extension() {
    // RFC 8446 §4.4.2: entry extensions must match what the client asked for (§4.2).
    reject_flight(
        |step, msg, _| {
            if step == Step::Certificate {
                // Replace the entry's empty extension block with status_request.
                let ext = [0, 5, 0, 5, 0, 0, 0, 1, 0];
                msg.truncate(msg.len() - 2);
                msg.extend(vec16(&ext));
                let list = msg.len() - 8;
                msg[5..8].copy_from_slice(&(list as u32).to_be_bytes()[1..]);
                let body = msg.len() - 4;
                msg[1..4].copy_from_slice(&(body as u32).to_be_bytes()[1..]);
            }
        },
        misbehaved(PeerMisbehaved::UnsolicitedExtension(EXT_STATUS_REQUEST)),
        A::UNSUPPORTED_EXTENSION,
    );
}

#[test]
fn finished_before_certificate() {
    // RFC 8446 §4.4.1 order; a message out of order -> unexpected_message.
    reject_flight(
        |step, msg, _| {
            if matches!(step, Step::Certificate | Step::CertificateVerify) {
                msg.clear();
            }
        },
        invalid(InvalidMessage::UnexpectedMessage {
            got: HandshakeType::FINISHED,
        }),
        A::UNEXPECTED_MESSAGE,
    );
    reject_flight(
        |step, msg, _| {
            if step == Step::CertificateVerify {
                msg.clear();
            }
        },
        invalid(InvalidMessage::UnexpectedMessage {
            got: HandshakeType::FINISHED,
        }),
        A::UNEXPECTED_MESSAGE,
    );
}

#[test]
fn handshake_message_spans_key_change() {
    // RFC 8446 §5.1: messages before a key change must end at a record boundary, else
    // unexpected_message.
    for take in [3, usize::MAX] {
        let (mut client, mut server) = start();
        let sh = server.server_hello().encode();
        server.take_server_hello(&sh);
        let ee = server.encrypted_extensions();
        let tail = &ee[..take.min(ee.len())];
        let got = deliver(
            &mut client,
            &plain_record(HANDSHAKE, &[&sh[..], tail].concat()),
        );
        let want = invalid(InvalidMessage::HandshakeSpansKeyChange);
        server.expect_fatal(&mut client, got, want, Sealed(A::UNEXPECTED_MESSAGE));
    }
    // Finished followed by part of a NewSessionTicket in the same record.
    let (mut client, mut server) = start();
    let mut flight = server.flight(|step, msg, _| {
        if step == Step::Finished {
            msg.clear();
        }
    });
    let fin = server.finished();
    let record = server.seal(
        HANDSHAKE,
        &[&fin[..], &[NEW_SESSION_TICKET, 0][..]].concat(),
    );
    server.take_finished(&fin);
    flight.records.push((Step::Finished, record));
    let got = deliver(&mut client, &flight.wire());
    // The client's Finished went out first; the alert follows under its application key.
    let want = invalid(InvalidMessage::HandshakeSpansKeyChange);
    server.expect_fatal(&mut client, got, want, Sealed(A::UNEXPECTED_MESSAGE));
    assert_eq!(server.client_finished_ok, Some(true));
}

// ---- post-handshake (RFC 8446 §4.6) ----

#[test]
fn key_update_with_bad_value() {
    // RFC 8446 §4.6.3: a request other than 0 or 1 -> illegal_parameter.
    let (mut client, mut server) = start();
    server.complete_handshake(&mut client);
    let got = deliver(&mut client, &server.key_update(2));
    let want = misbehaved(PeerMisbehaved::BadKeyUpdate);
    server.expect_fatal(&mut client, got, want, Sealed(A::ILLEGAL_PARAMETER));
}

#[test]
fn new_session_ticket_during_handshake() {
    // RFC 8446 §4.6.1: tickets come after the handshake; out of order -> unexpected_message.
    reject_flight(
        |step, msg, _| {
            if step == Step::Certificate {
                *msg = handshake(NEW_SESSION_TICKET, &[0; 12]);
            }
        },
        invalid(InvalidMessage::UnexpectedMessage {
            got: HandshakeType::NEW_SESSION_TICKET,
        }),
        A::UNEXPECTED_MESSAGE,
    );
}

#[test]
fn unrequested_post_handshake_certificate_request() {
    // RFC 8446 §4.6.2: without post_handshake_auth -> unexpected_message.
    let (mut client, mut server) = start();
    server.complete_handshake(&mut client);
    let body = [
        vec![1, 9],
        extension_block(&[(EXT_SIGNATURE_ALGORITHMS, vec16(&[4, 3]))]),
    ];
    let msg = handshake(CERTIFICATE_REQUEST, &body.concat());
    let got = deliver(&mut client, &server.seal(HANDSHAKE, &msg));
    let want = invalid(InvalidMessage::UnexpectedMessage {
        got: HandshakeType::CERTIFICATE_REQUEST,
    });
    server.expect_fatal(&mut client, got, want, Sealed(A::UNEXPECTED_MESSAGE));
}

// ---- size limits and garbage ----

#[test]
fn oversized_handshake_message_header() {
    // A header announcing more than MAX_HANDSHAKE_MESSAGE fails at once, without reserving it.
    let want = invalid(InvalidMessage::HandshakeMessageTooLarge);
    let limit = MAX_HANDSHAKE_MESSAGE + 1;
    let headers = [
        vec![SERVER_HELLO, 0xff, 0xff, 0xff],
        vec![
            SERVER_HELLO,
            (limit >> 16) as u8,
            (limit >> 8) as u8,
            limit as u8,
        ],
    ];
    for header in headers {
        let (mut client, mut server) = start();
        client.feed_tls(&plain_record(HANDSHAKE, &header));
        let (got, peak) = peak_allocation(|| client.process());
        assert!(peak < 64 * 1024, "largest allocation {peak} bytes");
        server.expect_fatal(&mut client, got, want.clone(), Plain(A::DECODE_ERROR));
    }
    // Split header, and under encryption.
    let (mut client, mut server) = start();
    let got = deliver(
        &mut client,
        &[
            plain_record(HANDSHAKE, &[2, 0x10]),
            plain_record(HANDSHAKE, &[0, 0]),
        ]
        .concat(),
    );
    server.expect_fatal(&mut client, got, want.clone(), Plain(A::DECODE_ERROR));
    let (mut client, mut server) = after_server_hello();
    let record = server.seal(HANDSHAKE, &[CERTIFICATE, 0x7f, 0xff, 0xff]);
    client.feed_tls(&record);
    let (got, peak) = peak_allocation(|| client.process());
    assert!(peak < 64 * 1024, "largest allocation {peak} bytes");
    server.expect_fatal(&mut client, got, want, Sealed(A::DECODE_ERROR));
}

#[test]
fn non_tls_bytes() {
    // An HTTP server answering: not a TLS content type -> unexpected_message (RFC 8446 §5).
    let (mut client, mut server) = start();
    let got = deliver(&mut client, b"HTTP/1.1 400 Bad Request\r\n\r\n");
    let want = invalid(InvalidMessage::UnknownContentType(ContentType(b'H')));
    server.expect_fatal(&mut client, got, want, Plain(A::UNEXPECTED_MESSAGE));

    // Fewer than a header's worth waits; the rest then fails.
    let (mut client, mut server) = start();
    deliver(&mut client, b"HTT").unwrap();
    assert!(client.wants_read());
    let got = deliver(&mut client, b"P/1.1 400");
    let want = invalid(InvalidMessage::UnknownContentType(ContentType(b'H')));
    server.expect_fatal(&mut client, got, want, Plain(A::UNEXPECTED_MESSAGE));

    // A handshake type byte with a version that is not 3.x -> decode_error.
    let (mut client, mut server) = start();
    let got = deliver(&mut client, &[HANDSHAKE, b'T', b'T', 0, 1, 0]);
    let want = invalid(InvalidMessage::BadRecordVersion);
    server.expect_fatal(&mut client, got, want, Plain(A::DECODE_ERROR));
}

// ---- randomized: mutated and truncated copies of a valid flight ----

const FUZZ_SEED: u64 = 0x5eed_f00d_f1a6;
const FUZZ_ITERATIONS: usize = 5000;

/// Post-handshake records a valid server could send: a ticket, data, KeyUpdate, close_notify.
fn post_handshake(server: &mut Server) -> Vec<u8> {
    [
        server.seal(HANDSHAKE, &new_session_ticket()),
        server.seal(APPLICATION_DATA, b"ping"),
        server.key_update(1),
        server.seal(APPLICATION_DATA, b"pong"),
        server.seal(ALERT, &[1, 0]),
    ]
    .concat()
}

/// Every other fuzzed flight asks for and answers the optional extensions (a stapled OCSP
/// response in the leaf's entry, a maximum fragment length, padded records), so their
/// parsers meet mutated input too.
fn extended(step: Step, msg: &mut Vec<u8>, server: &Server) {
    entry_extensions(status_extension(1, b"an OCSP response"))(step, msg, server);
    ee_hook(vec![(EXT_MAX_FRAGMENT_LENGTH, vec![4])])(step, msg, server);
}

fn fuzz_one(i: usize, outcomes: &mut [usize; 3]) {
    let mut rng = Rng::new(FUZZ_SEED ^ (i as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let with_extensions = i % 2 == 1;
    let mut config = client_config();
    if with_extensions {
        config.request_ocsp = true;
        config.max_fragment_length = Some(oxissl_engine::MaxFragmentLength::Bytes4096);
        config.record_padding = 64;
    }
    // Every third flight offers post-handshake authentication and gets a request after the
    // handshake, so its answer meets mutated input too.
    let pha = i % 3 == 0;
    config.post_handshake_auth = pha;
    let mut client = connect(config);
    let mut server = Server::accept(&mut client);
    let after = |server: &mut Server| {
        let request = match pha {
            true => server.post_handshake_request(b"\x07"),
            false => Vec::new(),
        };
        [request, post_handshake(server)].concat()
    };
    let base = |step: Step, msg: &mut Vec<u8>, server: &Server| {
        if with_extensions {
            extended(step, msg, server);
        }
    };
    let wire = if rng.below(2) == 0 {
        // Change one message before it is hashed and protected, so later checks still pass.
        let target = STEPS[rng.below(STEPS.len())];
        let flight = server.flight(|step, msg, s| {
            base(step, msg, s);
            if step == target {
                mutate(&mut rng, msg);
            }
        });
        [flight.wire(), after(&mut server)].concat()
    } else {
        // Change the bytes on the wire.
        let flight = server.flight(base);
        let mut wire = [flight.wire(), after(&mut server)].concat();
        mutate(&mut rng, &mut wire);
        wire
    };
    let before = client.pending_tls().len();
    match drive(&mut client, &wire, &mut rng) {
        None => {
            assert_eq!(client.error(), None);
            outcomes[usize::from(client.is_established())] += 1;
        }
        Some(e) => {
            outcomes[2] += 1;
            assert_eq!(client.error(), Some(&e));
            assert_eq!(client.process(), Err(e.clone()));
            let out = &client.pending_tls()[before..];
            let records = split_records(out).expect("whole records");
            if let Some(alert) = e.alert() {
                let (typ, body) = *records.last().expect("an alert record");
                match typ {
                    ALERT => assert_eq!(body, [2, alert.0]),
                    _ => assert_eq!(typ, APPLICATION_DATA, "a protected alert"),
                }
            }
            let len = client.pending_tls().len();
            assert_eq!(client.read(&mut [0; 8]), Err(e.clone()));
            assert_eq!(client.pending_tls().len(), len, "nothing more sent");
        }
    }
}

#[test]
fn randomized_flights_never_panic_or_hang() {
    // The unmutated flight goes all the way to close_notify.
    let mut client = connect(client_config());
    let mut server = Server::accept(&mut client);
    let wire = [server.flight(unchanged).wire(), post_handshake(&mut server)].concat();
    assert_eq!(drive(&mut client, &wire, &mut Rng::new(1)), None);
    assert!(client.peer_closed());
    // So does the one with the optional extensions.
    let mut config = client_config();
    config.request_ocsp = true;
    config.max_fragment_length = Some(oxissl_engine::MaxFragmentLength::Bytes4096);
    config.record_padding = 64;
    let mut client = connect(config);
    let mut server = Server::accept(&mut client);
    let wire = [server.flight(extended).wire(), post_handshake(&mut server)].concat();
    assert_eq!(drive(&mut client, &wire, &mut Rng::new(1)), None);
    assert!(client.peer_closed());
    assert_eq!(client.ocsp_response(), Some(&b"an OCSP response"[..]));

    let progress = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = mpsc::channel();
    let seen = progress.clone();
    let worker = std::thread::spawn(move || {
        let mut outcomes = [0usize; 3];
        for i in 0..FUZZ_ITERATIONS {
            seen.store(i, Ordering::Relaxed);
            let run = catch_unwind(AssertUnwindSafe(|| fuzz_one(i, &mut outcomes)));
            if run.is_err() {
                panic!("iteration {i} (seed {FUZZ_SEED:#x}) panicked");
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
    let [handshaking, established, failed] = outcomes;
    eprintln!("{FUZZ_ITERATIONS} flights: {failed} failed, {established} established, {handshaking} waiting");
    assert_eq!(handshaking + established + failed, FUZZ_ITERATIONS);
    assert!(failed > FUZZ_ITERATIONS / 2 && established > 0);
}

#[test]
fn tls12_server_hello_echoing_our_session_id() {
    // RFC 5246 §7.4.1.3: an echoed session id means resumption, and we offered none.
    let mut config = client_config();
    config.enable_tls12 = true;
    let (mut client, mut server) = start_with(config);
    let mut sh = server.server_hello();
    sh.extensions.clear();
    let got = deliver(&mut client, &plain_record(HANDSHAKE, &sh.encode()));
    let want = PeerMisbehaved::IllegalParameter("resumption of an unknown session").into();
    server.expect_fatal(&mut client, got, want, Plain(A::ILLEGAL_PARAMETER));
}

#[test]
fn tls12_downgrade_sentinel_when_tls12_is_enabled() {
    // RFC 8446 §4.1.3: with TLS 1.2 enabled the sentinel still aborts the handshake.
    for sentinel in [*b"DOWNGRD\x01", *b"DOWNGRD\x00"] {
        let mut config = client_config();
        config.enable_tls12 = true;
        let (mut client, mut server) = start_with(config);
        let mut sh = server.server_hello();
        sh.extensions.clear();
        sh.session_id = Vec::new();
        sh.random[24..].copy_from_slice(&sentinel);
        let got = deliver(&mut client, &plain_record(HANDSHAKE, &sh.encode()));
        let want = PeerMisbehaved::DowngradeSentinel.into();
        server.expect_fatal(&mut client, got, want, Plain(A::ILLEGAL_PARAMETER));
    }
}

// ---- OCSP stapling (RFC 6066 §8, RFC 8446 §4.4.2.1) ----

/// A hook giving the Certificate's entry `index` the extension block `exts` (the server's
/// Certificate holds the leaf alone unless the hook adds more).
fn entry_extensions(exts: Vec<u8>) -> impl FnMut(Step, &mut Vec<u8>, &Server) {
    move |step, msg, _| {
        if step == Step::Certificate {
            msg.truncate(msg.len() - 2);
            msg.extend(vec16(&exts));
            let list = msg.len() - 8;
            msg[5..8].copy_from_slice(&(list as u32).to_be_bytes()[1..]);
            let body = msg.len() - 4;
            msg[1..4].copy_from_slice(&(body as u32).to_be_bytes()[1..]);
        }
    }
}

/// A status_request extension carrying CertificateStatus(`status_type`, `response`).
fn status_extension(status_type: u8, response: &[u8]) -> Vec<u8> {
    let mut body = vec![status_type];
    body.extend_from_slice(&(response.len() as u32).to_be_bytes()[1..]);
    body.extend_from_slice(response);
    let mut ext = u16_bytes(EXT_STATUS_REQUEST);
    ext.extend(vec16(&body));
    ext
}

fn ocsp_config() -> ClientConfig {
    let mut config = client_config();
    config.request_ocsp = true;
    config
}

#[test]
fn stapled_ocsp_response_in_the_leaf_entry() {
    let (mut client, mut server) = start_with(ocsp_config());
    assert!(server.ch.offers(EXT_STATUS_REQUEST));
    let flight = server.flight(entry_extensions(status_extension(1, b"an OCSP response")));
    deliver(&mut client, &flight.wire()).unwrap();
    assert!(client.is_established());
    assert_eq!(client.ocsp_response(), Some(&b"an OCSP response"[..]));
    server.read_client(&mut client);
    assert_eq!(server.client_finished_ok, Some(true));
}

#[test]
fn status_request_is_not_offered_by_default() {
    let (client, server) = start_with(client_config());
    assert!(!server.ch.offers(EXT_STATUS_REQUEST));
    assert_eq!(client.ocsp_response(), None);
}

#[test]
fn malformed_stapled_status() {
    let cases = [
        (
            status_extension(2, b"resp"),
            Error::PeerMisbehaved(PeerMisbehaved::IllegalParameter("certificate status type")),
            A::ILLEGAL_PARAMETER,
        ),
        (
            status_extension(1, b""),
            invalid(InvalidMessage::EmptyVector),
            A::DECODE_ERROR,
        ),
        (
            {
                let mut e = status_extension(1, b"resp");
                e.push(0);
                e[3] += 1;
                e
            },
            invalid(InvalidMessage::TrailingData),
            A::DECODE_ERROR,
        ),
    ];
    for (ext, want, alert) in cases {
        reject_flight_with(ocsp_config(), entry_extensions(ext), want, alert);
    }
}

#[test]
fn status_request_in_encrypted_extensions() {
    // RFC 8446 §4.2: status_request belongs in a CertificateEntry, not EncryptedExtensions.
    reject_flight_with(
        ocsp_config(),
        ee_hook(vec![(EXT_STATUS_REQUEST, vec![])]),
        misbehaved(NOT_ALLOWED),
        A::ILLEGAL_PARAMETER,
    );
}

#[test]
fn status_check_waits_for_a_correct_finished() {
    // The check comes once the server's Finished is verified (where OpenSSL calls its status
    // callback): a wrong Finished fails the handshake with decrypt_error, with no pause.
    let mut config = ocsp_config();
    config.pause_for_status_check = true;
    let (mut client, mut server) = start_with(config);
    let mut hook = entry_extensions(status_extension(1, b"resp"));
    let flight = server.flight(move |step, msg, s| {
        hook(step, msg, s);
        if step == Step::Finished {
            msg[10] ^= 1;
        }
    });
    let got = deliver(&mut client, &flight.wire());
    assert!(!client.status_check_pending());
    server.expect_fatal(
        &mut client,
        got,
        misbehaved(PeerMisbehaved::FinishedMismatch),
        Sealed(A::DECRYPT_ERROR),
    );
}

#[test]
fn paused_status_check_comes_before_the_clients_flight() {
    for accept in [true, false] {
        let mut config = ocsp_config();
        config.pause_for_status_check = true;
        let (mut client, mut server) = start_with(config);
        let flight = server.flight(entry_extensions(status_extension(1, b"resp")));
        deliver(&mut client, &flight.wire()).expect("paused, not failed");
        assert!(client.status_check_pending());
        assert!(!client.is_established());
        assert_eq!(client.ocsp_response(), Some(&b"resp"[..]));
        assert_eq!(client.peer_certificates().len(), 1);
        assert!(client.pending_tls().is_empty(), "nothing sent while paused");
        if accept {
            client.finish_status_check(Ok(())).unwrap();
            assert!(client.is_established());
            server.read_client(&mut client);
            assert_eq!(server.client_finished_ok, Some(true));
        } else {
            let got = client.finish_status_check(Err(Error::StatusRejected));
            server.expect_fatal(
                &mut client,
                got,
                Error::StatusRejected,
                Sealed(A::BAD_CERTIFICATE_STATUS_RESPONSE),
            );
        }
    }
    // Without a pending check the call is a misuse.
    let (mut client, _) = start_with(ocsp_config());
    assert_eq!(
        client.finish_status_check(Ok(())),
        Err(Error::Api(oxissl_engine::ApiMisuse::NoStatusCheckPending))
    );
}

// ---- max_fragment_length (RFC 6066 §4) ----

const EXT_MAX_FRAGMENT_LENGTH: u16 = 1;

fn mfl_config() -> ClientConfig {
    let mut config = client_config();
    config.max_fragment_length = Some(oxissl_engine::MaxFragmentLength::Bytes512);
    config
}

#[test]
fn max_fragment_length_limits_records_both_ways() {
    let (mut client, mut server) = start_with(mfl_config());
    assert!(server.ch.offers(EXT_MAX_FRAGMENT_LENGTH));
    let flight = server.flight(ee_hook(vec![(EXT_MAX_FRAGMENT_LENGTH, vec![1])]));
    deliver(&mut client, &flight.wire()).unwrap();
    assert!(client.is_established());
    assert_eq!(
        client.negotiated().max_fragment_length,
        Some(oxissl_engine::MaxFragmentLength::Bytes512)
    );
    server.read_client(&mut client);
    assert_eq!(server.client_finished_ok, Some(true));
    // Ours: 2000 bytes go out as records of at most 512.
    assert_eq!(client.write(&[7; 2000]).unwrap(), 2000);
    let records = server.read_client(&mut client);
    let sizes: Vec<usize> = records.iter().map(|r| r.payload.len()).collect();
    assert_eq!(sizes, [512, 512, 512, 464], "{sizes:?}");
    // Theirs: 512 bytes are fine, 513 are record_overflow.
    let ok = server.seal(APPLICATION_DATA, &[1; 512]);
    deliver(&mut client, &ok).unwrap();
    let mut buf = [0u8; 1024];
    assert!(matches!(client.read(&mut buf), Ok(ReadStatus::Data(512))));
    let big = server.seal(APPLICATION_DATA, &[1; 513]);
    let got = deliver(&mut client, &big);
    server.expect_fatal(
        &mut client,
        got,
        invalid(InvalidMessage::RecordTooLarge),
        Sealed(A::RECORD_OVERFLOW),
    );
}

#[test]
fn max_fragment_length_echo_must_match() {
    // RFC 6066 §4: a different length in the answer -> illegal_parameter.
    for body in [vec![2], vec![], vec![1, 1]] {
        reject_flight_with(
            mfl_config(),
            ee_hook(vec![(EXT_MAX_FRAGMENT_LENGTH, body)]),
            misbehaved(PeerMisbehaved::IllegalExtensionValue("max_fragment_length")),
            A::ILLEGAL_PARAMETER,
        );
    }
    // Not asked for: unsolicited.
    reject_flight(
        ee_hook(vec![(EXT_MAX_FRAGMENT_LENGTH, vec![1])]),
        misbehaved(PeerMisbehaved::UnsolicitedExtension(
            EXT_MAX_FRAGMENT_LENGTH,
        )),
        A::UNSUPPORTED_EXTENSION,
    );
}

#[test]
fn max_fragment_length_ignored_by_the_server() {
    // Without the server's answer the limit stays 2^14.
    let (mut client, mut server) = start_with(mfl_config());
    let flight = server.flight(unchanged);
    deliver(&mut client, &flight.wire()).unwrap();
    server.read_client(&mut client);
    assert_eq!(client.negotiated().max_fragment_length, None);
    assert_eq!(client.write(&[7; 2000]).unwrap(), 2000);
    let records = server.read_client(&mut client);
    assert_eq!(records.len(), 1);
}

// ---- record padding (RFC 8446 §5.4) ----

/// The record lengths (header field) of a run of records.
fn record_lengths(mut wire: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    while wire.len() >= 5 {
        let len = usize::from(u16::from_be_bytes([wire[3], wire[4]]));
        out.push(len);
        wire = &wire[5 + len..];
    }
    out
}

#[test]
fn records_are_padded_to_the_block() {
    let mut config = client_config();
    config.record_padding = 256;
    let (mut client, mut server) = start_with(config);
    // The ClientHello is not protected: never padded.
    let flight = server.flight(unchanged);
    deliver(&mut client, &flight.wire()).unwrap();
    // change_cipher_spec, then Finished (36 bytes + type) padded to 256, plus the tag.
    assert_eq!(record_lengths(client.pending_tls()), [1, 256 + 16]);
    server.read_client(&mut client);
    assert_eq!(server.client_finished_ok, Some(true));
    client.write(b"0123456789").unwrap();
    client.write(&[5; 600]).unwrap();
    assert_eq!(record_lengths(client.pending_tls()), [256 + 16, 768 + 16]);
    let records = server.read_client(&mut client);
    assert_eq!(records[0].payload, b"0123456789");
    assert_eq!(records[1].payload, [5; 600]);
    // A full record is not padded past the limit.
    client.write(&[6; 16384]).unwrap();
    assert_eq!(record_lengths(client.pending_tls()), [16384 + 1 + 16]);
    server.read_client(&mut client);
}

#[test]
fn max_send_fragment_limits_only_what_is_sent() {
    let mut config = client_config();
    config.max_send_fragment = 1000;
    let (mut client, mut server) = start_with(config);
    server.complete_handshake(&mut client);
    client.write(&[3; 2500]).unwrap();
    let sizes: Vec<usize> = server
        .read_client(&mut client)
        .iter()
        .map(|r| r.payload.len())
        .collect();
    assert_eq!(sizes, [1000, 1000, 500]);
    // The server's records may still be full size.
    let big = server.seal(APPLICATION_DATA, &[1; 16384]);
    deliver(&mut client, &big).unwrap();
    let mut buf = vec![0u8; 16384];
    assert!(matches!(client.read(&mut buf), Ok(ReadStatus::Data(16384))));
}

// ---- chain verification left to the caller ----

#[test]
fn chain_verification_paused_for_the_caller() {
    use oxissl_engine::{CertificateError, VerifyMode};
    for (verdict, mode) in [
        (Ok(()), VerifyMode::Enforce),
        (Err(CertificateError::UnknownIssuer), VerifyMode::RecordOnly),
        (Err(CertificateError::UnknownIssuer), VerifyMode::Enforce),
    ] {
        let mut config = client_config();
        config.pause_for_chain_verification = true;
        config.verify_mode = mode;
        let (mut client, mut server) = start_with(config);
        let flight = server.flight(unchanged);
        deliver(&mut client, &flight.wire()).expect("paused, not failed");
        assert!(client.chain_verification_pending());
        assert_eq!(client.peer_certificates().len(), 1);
        assert_eq!(client.verify_result(), None);
        assert!(client.pending_tls().is_empty());
        let got = client.finish_chain_verification(verdict.clone());
        if verdict.is_err() && mode == VerifyMode::Enforce {
            server.expect_fatal(
                &mut client,
                got,
                Error::Certificate(CertificateError::UnknownIssuer),
                Sealed(A::UNKNOWN_CA),
            );
            continue;
        }
        got.unwrap();
        assert!(client.is_established());
        assert_eq!(client.verify_result(), Some(&verdict));
        server.read_client(&mut client);
        assert_eq!(server.client_finished_ok, Some(true));
    }
}

// ---- post-handshake authentication (RFC 8446 §4.6.2) ----

fn pha_config(credential: bool) -> ClientConfig {
    use rustls::pki_types::pem::PemObject;
    let mut config = client_config();
    config.post_handshake_auth = true;
    if credential {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/certs");
        let chain =
            oxissl_engine::CertificateDer::pem_file_iter(dir.join("client-ecdsa.chain.pem"))
                .unwrap()
                .map(Result::unwrap)
                .collect();
        let key =
            rustls::pki_types::PrivateKeyDer::from_pem_file(dir.join("client-ecdsa.key")).unwrap();
        let credential = oxissl_engine::ClientCredential::from_der(chain, key.secret_der());
        config.client_credential = Some(Arc::new(credential.unwrap()));
    }
    config
}

#[test]
fn post_handshake_auth_is_offered_only_when_configured() {
    // RFC 8446 §4.2.6: an empty extension in the ClientHello.
    let (_, server) = start_with(pha_config(false));
    assert!(server.ch.offers(EXT_POST_HANDSHAKE_AUTH));
    let (_, server) = start();
    assert!(!server.ch.offers(EXT_POST_HANDSHAKE_AUTH));
}

#[test]
fn post_handshake_certificate_request_is_answered() {
    // With a credential: Certificate (the request's context echoed), CertificateVerify and a
    // Finished over the handshake through the client's Finished plus this exchange, keyed
    // from the current client traffic secret; twice, the second after a KeyUpdate (each
    // request's context stands alone). Without one: an empty Certificate and Finished.
    for credential in [true, false] {
        let (mut client, mut server) = start_with(pha_config(credential));
        server.complete_handshake(&mut client);
        server.read_client(&mut client);
        for (round, context) in [&b"\x01\x02"[..], b"\x03"].iter().enumerate() {
            if round == 1 {
                // The client updates its key first; the answer must use the new one.
                client.send_key_update(false).unwrap();
                server.read_client(&mut client);
            }
            let request = server.post_handshake_request(context);
            deliver(&mut client, &request).expect("answered");
            let records = server.read_client(&mut client);
            assert!(records.iter().all(|r| r.protected), "{credential}");
            assert_eq!(
                server.post_handshake_finished_ok,
                Some(true),
                "{credential}"
            );
            let cert = server.post_handshake_certificate.take().unwrap();
            assert_eq!(cert[4], context.len() as u8);
            assert_eq!(&cert[5..5 + context.len()], *context);
            let empty = cert.len() == 4 + 1 + context.len() + 3;
            assert_eq!(empty, !credential, "{credential}");
            server.post_handshake_finished_ok = None;
        }
        // The connection goes on: data both ways under the current keys.
        deliver(&mut client, &server.seal(APPLICATION_DATA, b"after")).unwrap();
        let mut buf = [0u8; 16];
        assert_eq!(client.read(&mut buf).unwrap(), ReadStatus::Data(5));
        assert_eq!(client.write(b"reply").unwrap(), 5);
        let got = server.read_client(&mut client);
        assert_eq!(got.last().map(|r| &r.payload[..]), Some(&b"reply"[..]));
    }
}
