//! TLS 1.3 resumption with tickets (RFC 8446 §2.2) against real servers: the second connection
//! from the same configuration resumes, skips the certificate, and reports the original
//! verification; a ticket is used once; resumption can be turned off.

mod common;

use std::net::TcpStream;
use std::sync::Arc;

use oxissl_engine::{ClientConfig, ClientConnection, NamedGroup};

fn config() -> ClientConfig {
    let mut config = common::verifying_config();
    config.enable_tls12 = false;
    config
}

fn openssl() -> common::Server {
    let d = common::certs_dir();
    let path = |f: &str| d.join(f).to_str().unwrap().to_owned();
    common::openssl_server(&[
        "-cert",
        &path("ecdsa.pem"),
        "-key",
        &path("ecdsa.key"),
        "-cert_chain",
        &path("inter.pem"),
        "-rev",
    ])
}

/// Connects, exchanges one line (so the server's tickets have arrived) and closes.
fn round_trip(config: &Arc<ClientConfig>, port: u16) -> ClientConnection {
    let (mut conn, mut sock) = common::connect(config.clone(), "localhost", port).unwrap();
    common::ping_and_close(&mut conn, &mut sock, b"gnip\n");
    conn
}

#[test]
fn second_connection_to_openssl_resumes() {
    let server = openssl();
    let config = Arc::new(config());
    let mut first = round_trip(&config, server.port);
    assert!(!first.negotiated().resumed);
    // OpenSSL sends two tickets: two new sessions.
    assert_eq!(first.take_new_sessions().len(), 2);
    let certs = first.peer_certificates().to_vec();
    let second = round_trip(&config, server.port);
    assert!(second.negotiated().resumed);
    // The original chain and verdict are reported for the resumed session.
    assert_eq!(second.peer_certificates(), certs.as_slice());
    assert_eq!(second.verify_result(), Some(&Ok(())));
    assert_eq!(second.group(), Some(NamedGroup::X25519));
}

#[test]
fn resumption_can_be_turned_off() {
    let server = openssl();
    let mut c = config();
    c.session_store = None;
    let config = Arc::new(c);
    round_trip(&config, server.port);
    assert!(!round_trip(&config, server.port).negotiated().resumed);
}

#[test]
fn tickets_are_kept_per_server_name() {
    let server = openssl();
    let config = Arc::new(config());
    round_trip(&config, server.port);
    // Another name (here the IP address) has no ticket: a full handshake.
    let (conn, _sock) = common::connect(config.clone(), "127.0.0.1", server.port).unwrap();
    assert!(!conn.negotiated().resumed);
}

/// A rustls TLS 1.3 server in a thread, serving `n` connections.
fn rustls_server(n: usize) -> u16 {
    common::rustls_line_server(common::rustls_ecdsa_server(&[&rustls::version::TLS13]), n)
}

#[test]
fn second_connection_to_rustls_resumes_and_tickets_are_single_use() {
    let port = rustls_server(8);
    let config = Arc::new(config());
    assert!(!round_trip(&config, port).negotiated().resumed);
    let store = config.session_store.clone().unwrap();
    let before = store.count("localhost");
    assert!(before >= 1, "tickets were stored");
    assert!(round_trip(&config, port).negotiated().resumed);
    // The resumed connection used one ticket and brought new ones.
    assert!(store.count("localhost") >= 1);
    let _ = TcpStream::connect(("127.0.0.1", port));
}

#[test]
fn a_session_taken_from_one_connection_resumes_another() {
    // OpenSSL's SSL_get1_session / SSL_set_session, with the automatic store off.
    let server = openssl();
    let mut c = config();
    c.session_store = None;
    let config = Arc::new(c);
    let first = round_trip(&config, server.port);
    let session = first.session().expect("the server sent a ticket");
    let identity = oxissl_engine::ServerIdentity {
        sni: Some("localhost".into()),
        verify_name: Some(oxissl_engine::ServerName::try_from("localhost").unwrap()),
    };
    let mut sock = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    let mut conn = ClientConnection::resume(config, identity, Some(session)).unwrap();
    common::handshake(&mut conn, &mut sock).unwrap();
    assert!(conn.negotiated().resumed);
}
