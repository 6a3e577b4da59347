//! Interop with a rustls 0.23 server (aws-lc-rs provider) connected in memory: every TLS 1.3
//! suite x group x certificate type, HelloRetryRequest, ALPN, SNI, KeyUpdate both ways,
//! NewSessionTicket, large transfers and close_notify.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::sync::Arc;

use common::{test_roots, text_lines, verifying_config};
use oxissl_engine::provider::{
    TLS13_AES_128_GCM_SHA256, TLS13_AES_256_GCM_SHA384, TLS13_CHACHA20_POLY1305_SHA256,
};
use oxissl_engine::{
    AlertDescription, ClientConfig, ClientConnection, Error, NamedGroup, ProtocolVersion,
    ReadStatus, SignatureScheme, Tls13Suite, WebPkiVerifier,
};
use rustls::crypto::aws_lc_rs::{self as provider, kx_group};
use rustls::crypto::SupportedKxGroup;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ServerConfig, ServerConnection};

const SUITES: [Tls13Suite; 3] = [
    TLS13_AES_128_GCM_SHA256,
    TLS13_AES_256_GCM_SHA384,
    TLS13_CHACHA20_POLY1305_SHA256,
];
const GROUPS: [NamedGroup; 3] = [
    NamedGroup::X25519,
    NamedGroup::SECP256R1,
    NamedGroup::SECP384R1,
];

/// Server settings that vary between tests.
struct ServerOpts {
    cert: &'static str,
    groups: Vec<&'static dyn SupportedKxGroup>,
    alpn: Vec<Vec<u8>>,
    max_fragment: Option<usize>,
}

impl ServerOpts {
    fn new(cert: &'static str) -> Self {
        Self {
            cert,
            groups: vec![kx_group::X25519, kx_group::SECP256R1, kx_group::SECP384R1],
            alpn: Vec::new(),
            max_fragment: None,
        }
    }

    /// A TLS 1.3-only rustls server config serving `cert.chain.pem`.
    fn build(self) -> Arc<ServerConfig> {
        let mut p = provider::default_provider();
        p.kx_groups = self.groups;
        let chain: Vec<CertificateDer<'static>> =
            CertificateDer::pem_file_iter(common::cert(&format!("{}.chain.pem", self.cert)))
                .unwrap()
                .map(Result::unwrap)
                .collect();
        let key =
            PrivateKeyDer::from_pem_file(common::cert(&format!("{}.key", self.cert))).unwrap();
        let mut config = ServerConfig::builder_with_provider(Arc::new(p))
            .with_protocol_versions(&[&rustls::version::TLS13])
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .unwrap();
        config.alpn_protocols = self.alpn;
        config.max_fragment_size = self.max_fragment;
        Arc::new(config)
    }
}

/// A client and a rustls server joined by in-memory buffers.
struct Pair {
    client: ClientConnection,
    server: ServerConnection,
    /// Server TLS bytes the client has not taken yet.
    to_client: Vec<u8>,
    /// Plaintext the client has read.
    client_got: Vec<u8>,
    /// Plaintext the server has read.
    server_got: Vec<u8>,
    /// Whether the server's reader reported close_notify.
    server_saw_close: bool,
    /// Whether the server echoes what it reads.
    echo: bool,
    /// Echo data rustls has not accepted yet.
    echo_backlog: Vec<u8>,
    server_error: Option<rustls::Error>,
    /// Most bytes handed to the client per feed, and per read.
    feed_chunk: usize,
    read_chunk: usize,
}

impl Pair {
    fn new(config: ClientConfig, name: &str, server: Arc<ServerConfig>) -> Self {
        Self {
            client: ClientConnection::new(Arc::new(config), name).unwrap(),
            server: ServerConnection::new(server).unwrap(),
            to_client: Vec::new(),
            client_got: Vec::new(),
            server_got: Vec::new(),
            server_saw_close: false,
            echo: false,
            echo_backlog: Vec::new(),
            server_error: None,
            feed_chunk: usize::MAX,
            read_chunk: 20000,
        }
    }

    /// Moves bytes both ways until nothing moves. Returns the client's error, if any (after
    /// passing its alert to the server).
    fn run(&mut self) -> Result<(), Error> {
        let mut buf = vec![0u8; 20000];
        for _ in 0..100_000 {
            let mut moved = self.client_to_server();
            moved |= self.server_read(&mut buf);
            if !self.echo_backlog.is_empty() {
                let n = self.server.writer().write(&self.echo_backlog).unwrap();
                self.echo_backlog.drain(..n);
                moved |= n > 0;
            }
            while self.server.wants_write() {
                self.server.write_tls(&mut self.to_client).unwrap();
                moved = true;
            }
            if !self.to_client.is_empty() {
                let end = self.to_client.len().min(self.feed_chunk);
                let n = self.client.feed_tls(&self.to_client[..end]);
                self.to_client.drain(..n);
                moved |= n > 0;
            }
            loop {
                match self.client.read(&mut buf[..self.read_chunk]) {
                    Ok(ReadStatus::Data(n)) => {
                        self.client_got.extend_from_slice(&buf[..n]);
                        moved = true;
                    }
                    Ok(ReadStatus::WantRead | ReadStatus::Closed) => break,
                    Err(e) => {
                        self.client_to_server();
                        return Err(e);
                    }
                }
            }
            if !moved {
                return Ok(());
            }
        }
        panic!("connection never went quiet");
    }

    /// Feeds the client's bytes to the server, draining the server's plaintext as it goes
    /// (rustls bounds its plaintext buffer).
    fn client_to_server(&mut self) -> bool {
        let mut buf = vec![0u8; 20000];
        let mut moved = false;
        while self.client.wants_write() && self.server_error.is_none() {
            let n = self
                .server
                .read_tls(&mut self.client.pending_tls())
                .unwrap();
            self.client.consume_tls(n);
            if let Err(e) = self.server.process_new_packets() {
                self.server_error = Some(e);
            }
            self.server_read(&mut buf);
            moved = true;
        }
        moved
    }

    fn server_read(&mut self, buf: &mut [u8]) -> bool {
        let mut moved = false;
        loop {
            match self.server.reader().read(buf) {
                Ok(0) => {
                    self.server_saw_close = true;
                    return moved;
                }
                Ok(n) => {
                    self.server_got.extend_from_slice(&buf[..n]);
                    if self.echo {
                        self.echo_backlog.extend_from_slice(&buf[..n]);
                    }
                    moved = true;
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => return moved,
                Err(e) => panic!("server read: {e}"),
            }
        }
    }

    /// Runs the handshake and checks both sides agree it is done.
    fn handshake(&mut self) -> Result<(), Error> {
        self.run()?;
        assert!(self.client.is_established());
        assert!(!self.server.is_handshaking());
        Ok(())
    }

    /// Client -> server -> client with the server echoing: `data` must come back unchanged.
    fn echo_round_trip(&mut self, data: &[u8]) {
        self.echo = true;
        let (sent, got) = (self.server_got.len(), self.client_got.len());
        assert_eq!(self.client.write(data).unwrap(), data.len());
        self.run().unwrap();
        assert!(self.server_got[sent..] == *data, "server got wrong data");
        assert!(self.client_got[got..] == *data, "client got wrong data");
    }

    /// Server -> client only.
    fn server_says(&mut self, data: &[u8]) {
        let got = self.client_got.len();
        self.server.writer().write_all(data).unwrap();
        self.run().unwrap();
        assert_eq!(&self.client_got[got..], data);
    }
}

fn config_for(suite: Tls13Suite, group: NamedGroup) -> ClientConfig {
    let mut config = verifying_config();
    config.tls13_suites = vec![suite];
    config.groups = vec![group];
    config
}

/// One suite x group connection: negotiated values on both sides, then data both ways.
fn round_trip(
    server: &Arc<ServerConfig>,
    suite: Tls13Suite,
    group: NamedGroup,
    scheme: SignatureScheme,
) -> Result<(), String> {
    let mut pair = Pair::new(config_for(suite, group), "localhost", server.clone());
    pair.handshake().map_err(|e| format!("handshake: {e}"))?;
    let n = pair.client.negotiated();
    let got = (
        n.version,
        n.suite,
        n.group,
        n.signature_scheme,
        n.hello_retried,
    );
    let want = (
        Some(ProtocolVersion::TLS13),
        Some(suite),
        Some(group),
        Some(scheme),
        false,
    );
    if got != want {
        return Err(format!("negotiated {got:?}, want {want:?}"));
    }
    let server_suite = u16::from(pair.server.negotiated_cipher_suite().unwrap().suite());
    let server_group = u16::from(pair.server.negotiated_key_exchange_group().unwrap().name());
    if (server_suite, server_group) != (suite.suite.0, group.0) {
        return Err(format!(
            "server negotiated {server_suite:#x} {server_group:#x}"
        ));
    }
    if pair.client.verify_result() != Some(&Ok(())) {
        return Err(format!("verify_result {:?}", pair.client.verify_result()));
    }
    pair.echo_round_trip(&text_lines(4, 1000, group.0.into()));
    pair.server_says(b"and back again");
    Ok(())
}

fn matrix(cert: &'static str, scheme: SignatureScheme) {
    let server = ServerOpts::new(cert).build();
    let mut failures = Vec::new();
    for suite in SUITES {
        for group in GROUPS {
            if let Err(e) = round_trip(&server, suite, group, scheme) {
                failures.push(format!("{:?} / {group:?}: {e}", suite.suite));
            }
        }
    }
    assert!(failures.is_empty(), "{cert}: {failures:#?}");
}

#[test]
fn matrix_ecdsa_p256() {
    matrix("ecdsa", SignatureScheme::ECDSA_SECP256R1_SHA256);
}

#[test]
fn matrix_rsa_2048() {
    // rustls prefers the strongest PSS hash.
    matrix("rsa", SignatureScheme::RSA_PSS_RSAE_SHA512);
}

#[test]
fn matrix_ed25519() {
    matrix("ed25519", SignatureScheme::ED25519);
}

#[test]
fn one_mebibyte_echoed() {
    let mut pair = Pair::new(
        verifying_config(),
        "localhost",
        ServerOpts::new("rsa").build(),
    );
    pair.handshake().unwrap();
    pair.echo_round_trip(&text_lines(1024, 1024, 3));
}

/// Records reach the client in odd pieces and are read a few bytes at a time.
#[test]
fn odd_feed_and_read_sizes() {
    for (feed, read) in [(1, 7), (777, 3), (5000, 1), (16_389, 16_385)] {
        let mut pair = Pair::new(
            verifying_config(),
            "localhost",
            ServerOpts::new("rsa").build(),
        );
        pair.feed_chunk = feed;
        pair.read_chunk = read;
        pair.handshake().unwrap();
        pair.echo_round_trip(&text_lines(40, 1000, feed as u32));
    }
}

/// Only the newest tickets are kept.
#[test]
fn many_session_tickets() {
    let mut config = (*ServerOpts::new("ecdsa").build()).clone();
    config.send_tls13_tickets = 10;
    let mut pair = Pair::new(verifying_config(), "localhost", Arc::new(config));
    pair.handshake().unwrap();
    pair.server_says(b"tickets first");
    let tickets = pair.client.take_session_tickets();
    assert_eq!(tickets.len(), oxissl_engine::client::MAX_STORED_TICKETS);
}

#[test]
fn without_middlebox_compat() {
    let mut opts = ServerOpts::new("ecdsa");
    opts.groups = vec![kx_group::SECP384R1];
    let mut config = verifying_config();
    config.middlebox_compat = false;
    let mut pair = Pair::new(config, "localhost", opts.build());
    pair.handshake().unwrap();
    assert!(pair.client.negotiated().hello_retried);
    pair.echo_round_trip(b"no compat");
}

/// Small server records: the handshake messages span many records, and so does the data.
#[test]
fn small_server_records() {
    let mut opts = ServerOpts::new("rsa");
    opts.max_fragment = Some(64);
    let mut pair = Pair::new(verifying_config(), "localhost", opts.build());
    pair.handshake().unwrap();
    assert_eq!(pair.client.verify_result(), Some(&Ok(())));
    pair.echo_round_trip(&text_lines(16, 1000, 5));
}

#[test]
fn hello_retry_request() {
    for (server_group, client_groups, suite) in [
        (
            kx_group::SECP256R1,
            [NamedGroup::X25519, NamedGroup::SECP256R1],
            TLS13_AES_128_GCM_SHA256,
        ),
        (
            kx_group::SECP384R1,
            [NamedGroup::X25519, NamedGroup::SECP384R1],
            TLS13_AES_256_GCM_SHA384,
        ),
    ] {
        let mut opts = ServerOpts::new("ecdsa");
        opts.groups = vec![server_group];
        let mut config = verifying_config();
        config.groups = client_groups.to_vec();
        config.tls13_suites = vec![suite];
        let mut pair = Pair::new(config, "localhost", opts.build());
        pair.handshake().unwrap();
        assert!(pair.client.negotiated().hello_retried);
        assert_eq!(pair.client.group(), Some(client_groups[1]));
        assert_eq!(pair.client.cipher_suite(), Some(suite));
        pair.echo_round_trip(b"after a retry");
    }
}

#[test]
fn alpn_agreed() {
    let mut opts = ServerOpts::new("ecdsa");
    opts.alpn = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let mut config = verifying_config();
    config.alpn_protocols = vec![b"http/1.1".to_vec(), b"h2".to_vec()];
    let mut pair = Pair::new(config, "localhost", opts.build());
    pair.handshake().unwrap();
    // rustls picks by its own preference order.
    assert_eq!(pair.client.alpn_protocol(), Some(&b"h2"[..]));
    assert_eq!(pair.server.alpn_protocol(), Some(&b"h2"[..]));
}

#[test]
fn alpn_not_offered_by_server() {
    let mut config = verifying_config();
    config.alpn_protocols = vec![b"h2".to_vec()];
    let mut pair = Pair::new(config, "localhost", ServerOpts::new("ecdsa").build());
    pair.handshake().unwrap();
    assert_eq!(pair.client.alpn_protocol(), None);
    pair.echo_round_trip(b"no alpn");
}

#[test]
fn alpn_no_overlap_is_refused_by_rustls() {
    let mut opts = ServerOpts::new("ecdsa");
    opts.alpn = vec![b"h2".to_vec()];
    let mut config = verifying_config();
    config.alpn_protocols = vec![b"imap".to_vec()];
    let mut pair = Pair::new(config, "localhost", opts.build());
    assert_eq!(
        pair.handshake().unwrap_err(),
        Error::AlertReceived(AlertDescription::NO_APPLICATION_PROTOCOL)
    );
}

#[test]
fn sni_sent_for_dns_names() {
    for name in ["localhost", "example.test"] {
        let mut pair = Pair::new(verifying_config(), name, ServerOpts::new("ecdsa").build());
        pair.handshake().unwrap();
        assert_eq!(pair.server.server_name(), Some(name));
        assert_eq!(pair.client.verify_result(), Some(&Ok(())));
    }
}

#[test]
fn sni_not_sent_for_ip_address() {
    let mut pair = Pair::new(
        verifying_config(),
        "127.0.0.1",
        ServerOpts::new("ecdsa").build(),
    );
    pair.handshake().unwrap();
    assert_eq!(pair.server.server_name(), None);
    assert_eq!(pair.client.verify_result(), Some(&Ok(())));
    pair.echo_round_trip(b"by address");
}

#[test]
fn sni_disabled() {
    let mut config = verifying_config();
    config.enable_sni = false;
    let mut pair = Pair::new(config, "localhost", ServerOpts::new("ecdsa").build());
    pair.handshake().unwrap();
    assert_eq!(pair.server.server_name(), None);
    // The name is still verified.
    assert_eq!(pair.client.verify_result(), Some(&Ok(())));
}

#[test]
fn server_key_update() {
    let mut pair = Pair::new(
        verifying_config(),
        "localhost",
        ServerOpts::new("ecdsa").build(),
    );
    pair.handshake().unwrap();
    for i in 0..3 {
        // rustls sends KeyUpdate(update_requested); the client must answer with its own.
        pair.server.refresh_traffic_keys().unwrap();
        pair.server_says(format!("new server key {i}").as_bytes());
        assert!(pair.server_error.is_none(), "{:?}", pair.server_error);
        pair.echo_round_trip(format!("client answered {i}").as_bytes());
    }
}

#[test]
fn client_key_update() {
    let mut pair = Pair::new(
        verifying_config(),
        "localhost",
        ServerOpts::new("ed25519").build(),
    );
    pair.handshake().unwrap();
    for i in 0..3 {
        pair.client.update_write_key().unwrap();
        pair.echo_round_trip(format!("new client key {i}").as_bytes());
    }
}

/// Counts the KeyUpdate messages the client receives.
#[derive(Default)]
struct KeyUpdatesReceived(std::sync::atomic::AtomicUsize);

impl oxissl_engine::MessageObserver for KeyUpdatesReceived {
    fn message(&self, sent: bool, typ: oxissl_engine::wire::enums::ContentType, data: &[u8]) {
        if !sent
            && typ == oxissl_engine::wire::enums::ContentType::HANDSHAKE
            && data.first() == Some(&24)
        {
            self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

#[test]
fn client_key_update_requesting_the_servers() {
    // RFC 8446 §4.6.3: update_requested makes the server send a KeyUpdate of its own; both
    // directions then run on new keys.
    let seen = Arc::new(KeyUpdatesReceived::default());
    let mut config = verifying_config();
    config.message_observer = Some(seen.clone());
    let mut pair = Pair::new(config, "localhost", ServerOpts::new("ecdsa").build());
    pair.handshake().unwrap();
    for i in 0..3 {
        pair.client.send_key_update(true).unwrap();
        pair.echo_round_trip(format!("both keys new {i}").as_bytes());
        assert_eq!(seen.0.load(std::sync::atomic::Ordering::Relaxed), i + 1);
    }
    // Not requested: the server keeps its key.
    pair.client.send_key_update(false).unwrap();
    pair.echo_round_trip(b"only ours new");
    assert_eq!(seen.0.load(std::sync::atomic::Ordering::Relaxed), 3);
}

#[test]
fn new_session_tickets() {
    for suite in SUITES {
        let mut config = verifying_config();
        config.tls13_suites = vec![suite];
        let mut pair = Pair::new(config, "localhost", ServerOpts::new("ecdsa").build());
        pair.handshake().unwrap();
        pair.server_says(b"tickets arrive before this");
        let tickets = pair.client.take_session_tickets();
        // rustls sends two by default.
        assert_eq!(tickets.len(), 2);
        for t in &tickets {
            assert_eq!(t.suite, suite);
            assert!(!t.ticket.ticket.is_empty());
            assert!(t.ticket.lifetime > 0 && t.ticket.lifetime <= 7 * 24 * 3600);
        }
        assert_ne!(tickets[0].ticket.ticket, tickets[1].ticket.ticket);
        assert!(pair.client.take_session_tickets().is_empty());
    }
}

#[test]
fn server_close_notify() {
    let mut pair = Pair::new(
        verifying_config(),
        "localhost",
        ServerOpts::new("ecdsa").build(),
    );
    pair.handshake().unwrap();
    pair.server.writer().write_all(b"last words").unwrap();
    pair.server.send_close_notify();
    pair.run().unwrap();
    assert_eq!(pair.client_got, b"last words");
    assert!(pair.client.peer_closed());
    let mut buf = [0u8; 8];
    assert_eq!(pair.client.read(&mut buf).unwrap(), ReadStatus::Closed);
}

#[test]
fn client_close_notify() {
    let mut pair = Pair::new(
        verifying_config(),
        "localhost",
        ServerOpts::new("ecdsa").build(),
    );
    pair.handshake().unwrap();
    pair.client.write(b"goodbye").unwrap();
    pair.client.send_close_notify();
    pair.run().unwrap();
    assert_eq!(pair.server_got, b"goodbye");
    assert!(pair.server_saw_close);
    assert_eq!(
        pair.client.write(b"more"),
        Err(Error::Api(oxissl_engine::ApiMisuse::WriteAfterClose))
    );
}

/// The certificate check against an untrusted root happens against rustls too.
#[test]
fn rejects_chain_under_untrusted_root() {
    let mut pair = Pair::new(
        ClientConfig::new(test_roots()),
        "localhost",
        ServerOpts::new("untrusted").build(),
    );
    assert_eq!(
        pair.handshake().unwrap_err(),
        Error::Certificate(oxissl_engine::CertificateError::UnknownIssuer)
    );
    // rustls sees the client's unknown_ca alert.
    assert!(
        matches!(
            pair.server_error,
            Some(rustls::Error::AlertReceived(
                rustls::AlertDescription::UnknownCA
            ))
        ),
        "{:?}",
        pair.server_error
    );
}

#[test]
fn verifier_trusting_only_other_root_is_not_confused() {
    let mut roots = oxissl_engine::RootStore::new();
    roots
        .add_pem_file(common::cert("untrusted-root.pem"))
        .unwrap();
    let config = ClientConfig::with_verifier(Arc::new(WebPkiVerifier::new(roots)));
    let mut pair = Pair::new(config, "localhost", ServerOpts::new("untrusted").build());
    pair.handshake().unwrap();
    assert_eq!(pair.client.verify_result(), Some(&Ok(())));
}

#[test]
fn server_share_is_kept_only_when_asked() {
    for (group, len) in [
        (NamedGroup::X25519, 32),
        (NamedGroup::SECP256R1, 65),
        (NamedGroup::SECP384R1, 97),
    ] {
        let mut config = config_for(TLS13_AES_128_GCM_SHA256, group);
        config.keep_server_share = true;
        let mut pair = Pair::new(config, "localhost", ServerOpts::new("ecdsa").build());
        pair.handshake().unwrap();
        let share = pair.client.negotiated().server_share.clone().unwrap();
        assert_eq!(share.len(), len, "{group:?}");
        if group != NamedGroup::X25519 {
            assert_eq!(share[0], 4, "an uncompressed point (RFC 8446 §4.2.8.2)");
        }
    }
    let mut pair = Pair::new(
        verifying_config(),
        "localhost",
        ServerOpts::new("ecdsa").build(),
    );
    pair.handshake().unwrap();
    assert!(pair.client.negotiated().server_share.is_none());
}
