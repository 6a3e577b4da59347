//! What a connection gives out of its secrets, checked against real peers: keying material
//! exporters (RFC 8446 §7.5, RFC 5705 §4), which a rustls server in memory and `openssl s_server
//! -keymatexport` derive alike, and the key log (`SSLKEYLOGFILE`), whose lines must be the
//! ones the rustls server logs for the same connection.

mod common;

use std::sync::{Arc, Mutex};

use common::{server_cert_args, verifying_config, OutputWatcher};
use oxissl_engine::{
    key_log_line, ApiMisuse, ClientConfig, ClientConnection, Error, KeyLog, ProtocolVersion,
};

/// A handshake with a rustls server over in-memory buffers.
fn rustls_pair(
    config: ClientConfig,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> (ClientConnection, rustls::ServerConnection) {
    rustls_pair_with(config, common::rustls_ecdsa_server(versions))
}

fn rustls_pair_with(
    config: ClientConfig,
    server: rustls::ServerConfig,
) -> (ClientConnection, rustls::ServerConnection) {
    let mut server = rustls::ServerConnection::new(Arc::new(server)).unwrap();
    let mut client = ClientConnection::new(Arc::new(config), "localhost").unwrap();
    assert_eq!(
        client.export_keying_material(&mut [0u8; 16], b"early", None),
        Err(Error::Api(ApiMisuse::HandshakeNotComplete)),
        "no keying material before the handshake"
    );
    for _ in 0..20 {
        client.process().unwrap();
        while client.wants_write() {
            let n = server.read_tls(&mut client.pending_tls()).unwrap();
            client.consume_tls(n);
        }
        server.process_new_packets().unwrap();
        let mut out = Vec::new();
        while server.wants_write() {
            server.write_tls(&mut out).unwrap();
        }
        let mut fed = 0;
        while fed < out.len() {
            fed += client.feed_tls(&out[fed..]);
            client.process().unwrap();
        }
        if client.is_established() && !server.is_handshaking() && !client.wants_write() {
            return (client, server);
        }
    }
    panic!("handshake did not finish");
}

/// A label, a context (if any) and an output length.
type Case<'a> = (&'a [u8], Option<&'a [u8]>, usize);

/// Our export and rustls's for the same inputs.
fn both(
    client: &ClientConnection,
    server: &rustls::ServerConnection,
    label: &[u8],
    context: Option<&[u8]>,
    len: usize,
) -> (Vec<u8>, Vec<u8>) {
    let mut ours = vec![0u8; len];
    client
        .export_keying_material(&mut ours, label, context)
        .unwrap();
    let theirs = server
        .export_keying_material(vec![0u8; len], label, context)
        .unwrap();
    (ours, theirs)
}

fn agrees_with_rustls(version: &'static rustls::SupportedProtocolVersion, tls13: bool) {
    let mut config = verifying_config();
    config.enable_tls13 = tls13;
    let (client, server) = rustls_pair(config, &[version]);
    let want = if tls13 {
        ProtocolVersion::TLS13
    } else {
        ProtocolVersion::TLS12
    };
    assert_eq!(client.negotiated().version, Some(want));
    let long_label = vec![b'x'; 100];
    let cases: [Case; 6] = [
        (b"EXPORTER-Channel-Binding", None, 32),
        (b"EXPERIMENTAL label", Some(b""), 32),
        (b"EXPERIMENTAL label", Some(b"some context"), 64),
        (b"EXPERIMENTAL label", Some(&[0u8; 300]), 1),
        (&long_label, None, 1000),
        (b"a", Some(b"c"), 100),
    ];
    let mut seen = Vec::new();
    for (label, context, len) in cases {
        let (ours, theirs) = both(&client, &server, label, context, len);
        assert_eq!(
            ours, theirs,
            "label {label:?} context {context:?} len {len}"
        );
        assert!(!seen.contains(&ours));
        seen.push(ours);
    }
    // TLS 1.3 treats no context as an empty one; TLS 1.2 does not (RFC 5705 §4).
    let (none, _) = both(&client, &server, b"EXPERIMENTAL l", None, 32);
    let (empty, _) = both(&client, &server, b"EXPERIMENTAL l", Some(b""), 32);
    assert_eq!(none == empty, tls13);
}

#[test]
fn tls13_exports_what_rustls_exports() {
    agrees_with_rustls(&rustls::version::TLS13, true);
}

#[test]
fn tls12_exports_what_rustls_exports() {
    agrees_with_rustls(&rustls::version::TLS12, false);
}

#[test]
fn tls12_refuses_the_prfs_own_labels() {
    let mut config = verifying_config();
    config.enable_tls13 = false;
    let (client, _server) = rustls_pair(config, &[&rustls::version::TLS12]);
    let got = client.export_keying_material(&mut [0u8; 12], b"key expansion", None);
    assert!(
        matches!(got, Err(Error::Api(ApiMisuse::Exporter(_)))),
        "{got:?}"
    );
}

/// `openssl s_server -keymatexport` prints its export (no context) once the handshake is done.
fn agrees_with_openssl(version_flag: &str, tls13: bool) {
    let mut args = server_cert_args("ecdsa", Some("inter.pem"));
    args.retain(|a| a != "-tls1_3");
    args.extend(
        [
            version_flag,
            "-keymatexport",
            "EXPERIMENTAL oxissl",
            "-keymatexportlen",
            "48",
        ]
        .map(String::from),
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut server = common::openssl_server(&args);
    let out = OutputWatcher::new(&mut server);
    let mut config = verifying_config();
    config.enable_tls13 = tls13;
    let (client, _sock) = common::connect(Arc::new(config), "localhost", server.port).unwrap();
    let line = out
        .wait_for("Keying material:")
        .expect("s_server printed its keying material");
    let theirs = line.split(':').nth(1).unwrap().trim().to_ascii_uppercase();
    let mut ours = [0u8; 48];
    client
        .export_keying_material(&mut ours, b"EXPERIMENTAL oxissl", None)
        .unwrap();
    let ours: String = ours.iter().map(|b| format!("{b:02X}")).collect();
    assert_eq!(ours, theirs);
}

#[test]
fn tls13_exports_what_openssl_exports() {
    agrees_with_openssl("-tls1_3", true);
}

#[test]
fn tls12_exports_what_openssl_exports() {
    agrees_with_openssl("-tls1_2", false);
}

/// Key log lines, in the order logged.
#[derive(Debug, Default)]
struct Lines(Mutex<Vec<String>>);

impl KeyLog for Lines {
    fn log(&self, label: &str, client_random: &[u8; 32], secret: &[u8]) {
        let line = key_log_line(label, client_random, secret);
        self.0.lock().unwrap().push(line);
    }
}

impl rustls::KeyLog for Lines {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        let random: [u8; 32] = client_random.try_into().unwrap();
        KeyLog::log(self, label, &random, secret);
    }
}

impl Lines {
    fn sorted(&self) -> Vec<String> {
        let mut lines = self.0.lock().unwrap().clone();
        lines.sort();
        lines
    }
}

fn key_log_agrees_with_rustls(version: &'static rustls::SupportedProtocolVersion, labels: &[&str]) {
    let ours = Arc::new(Lines::default());
    let theirs = Arc::new(Lines::default());
    let mut config = verifying_config();
    config.enable_tls13 = version == &rustls::version::TLS13;
    config.key_log = Some(ours.clone());
    let mut server = common::rustls_ecdsa_server(&[version]);
    server.key_log = theirs.clone();
    let (client, _server) = rustls_pair_with(config, server);
    let random: String = client
        .negotiated()
        .client_random
        .unwrap()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let logged: Vec<String> = ours.0.lock().unwrap().clone();
    let got: Vec<&str> = logged
        .iter()
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    assert_eq!(got, labels, "labels, in the order OpenSSL logs them");
    for line in &logged {
        let fields: Vec<&str> = line.split(' ').collect();
        assert_eq!(fields.len(), 3, "{line}");
        assert_eq!(fields[1], random, "{line}");
    }
    assert_eq!(
        ours.sorted(),
        theirs.sorted(),
        "the server logged other secrets"
    );
}

#[test]
fn tls13_key_log_lines_are_the_servers() {
    key_log_agrees_with_rustls(
        &rustls::version::TLS13,
        &[
            "SERVER_HANDSHAKE_TRAFFIC_SECRET",
            "EXPORTER_SECRET",
            "SERVER_TRAFFIC_SECRET_0",
            "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
            "CLIENT_TRAFFIC_SECRET_0",
        ],
    );
}

#[test]
fn tls12_key_log_line_is_the_servers() {
    key_log_agrees_with_rustls(&rustls::version::TLS12, &["CLIENT_RANDOM"]);
}
