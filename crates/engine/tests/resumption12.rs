//! TLS 1.2 session resumption against real servers: by session id (RFC 5246 §7.3) and by
//! ticket (RFC 5077), the abbreviated handshake skipping the certificate and reporting the
//! original verification, sessions reused across several connections, and a TLS 1.2 session
//! offered to a server that answers with TLS 1.3.

mod common;

use std::net::TcpStream;
use std::sync::Arc;

use oxissl_engine::{
    ClientConfig, ClientConnection, ProtocolVersion, Resumption, ServerIdentity, ServerName,
};

fn config() -> ClientConfig {
    let mut config = common::verifying_config();
    config.enable_tls13 = false;
    config
}

fn openssl(extra: &[&str]) -> common::Server {
    let d = common::certs_dir();
    let path = |f: &str| d.join(f).to_str().unwrap().to_owned();
    let mut args = vec![
        "-cert".to_owned(),
        path("ecdsa.pem"),
        "-key".to_owned(),
        path("ecdsa.key"),
        "-cert_chain".to_owned(),
        path("inter.pem"),
        "-rev".to_owned(),
    ];
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    common::openssl_server(&args)
}

/// Connects, exchanges one line and closes.
fn round_trip(config: &Arc<ClientConfig>, port: u16) -> ClientConnection {
    let (mut conn, mut sock) = common::connect(config.clone(), "localhost", port).unwrap();
    common::ping_and_close(&mut conn, &mut sock, b"gnip\n");
    conn
}

fn identity() -> ServerIdentity {
    ServerIdentity {
        sni: Some("localhost".into()),
        verify_name: Some(ServerName::try_from("localhost").unwrap()),
    }
}

#[test]
fn openssl_resumes_by_ticket_again_and_again() {
    let server = openssl(&["-tls1_2"]);
    let config = Arc::new(config());
    let first = round_trip(&config, server.port);
    assert!(!first.negotiated().resumed);
    assert_eq!(first.negotiated().version, Some(ProtocolVersion::TLS12));
    let session = first.session().expect("a resumable session");
    assert_eq!(session.version(), ProtocolVersion::TLS12);
    assert!(!session.ticket().is_empty(), "OpenSSL issues a ticket");
    let certs = first.peer_certificates().to_vec();
    for _ in 0..3 {
        let again = round_trip(&config, server.port);
        assert!(again.negotiated().resumed);
        assert_eq!(again.negotiated().version, Some(ProtocolVersion::TLS12));
        assert_eq!(again.peer_certificates(), certs.as_slice());
        assert_eq!(again.verify_result(), Some(&Ok(())));
        assert!(again.negotiated().extended_master_secret);
    }
}

#[test]
fn openssl_resumes_by_session_id_without_tickets() {
    let server = openssl(&["-tls1_2", "-no_ticket"]);
    let config = Arc::new(config());
    let mut first = round_trip(&config, server.port);
    // A full handshake makes one new session; a resumed one none (as OpenSSL's new-session
    // callback sees them).
    assert_eq!(first.take_new_sessions().len(), 1);
    assert!(first.take_new_sessions().is_empty());
    let session = first.session().expect("a resumable session");
    assert!(session.ticket().is_empty());
    assert_eq!(session.session_id().len(), 32);
    let mut again = round_trip(&config, server.port);
    assert!(again.negotiated().resumed);
    assert!(again.take_new_sessions().is_empty());
    // The session stays usable: a session id may be resumed many times.
    assert!(round_trip(&config, server.port).negotiated().resumed);
}

#[test]
fn tickets_can_be_turned_off() {
    let server = openssl(&["-tls1_2"]);
    let mut c = config();
    c.tls12_session_tickets = false;
    let config = Arc::new(c);
    let first = round_trip(&config, server.port);
    let session = first.session().expect("a session id");
    assert!(session.ticket().is_empty(), "no ticket was asked for");
    assert!(round_trip(&config, server.port).negotiated().resumed);
}

#[test]
fn no_cache_and_no_ticket_means_a_full_handshake() {
    let server = openssl(&["-tls1_2", "-no_ticket", "-no_cache"]);
    let config = Arc::new(config());
    let first = round_trip(&config, server.port);
    // OpenSSL still sends a session id it will not resume.
    assert!(!round_trip(&config, server.port).negotiated().resumed);
    drop(first);
}

#[test]
fn a_session_moves_to_another_connection() {
    // OpenSSL's SSL_get1_session / SSL_set_session, with the automatic store off.
    let server = openssl(&["-tls1_2"]);
    let mut c = config();
    c.session_store = None;
    let config = Arc::new(c);
    let session = round_trip(&config, server.port).session().unwrap();
    let mut sock = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    let mut conn = ClientConnection::resume(config, identity(), Some(session.clone())).unwrap();
    common::handshake(&mut conn, &mut sock).unwrap();
    assert!(conn.negotiated().resumed);
    let after = conn.session().expect("the resumed session");
    assert!(matches!(after.resumption, Resumption::Tls12 { .. }));
}

#[test]
fn a_tls12_session_offered_to_a_tls13_server_gives_a_full_tls13_handshake() {
    let server = openssl(&[]);
    let mut c = config();
    c.session_store = None;
    let session = {
        let s12 = openssl(&["-tls1_2"]);
        round_trip(&Arc::new(config()), s12.port).session().unwrap()
    };
    c.enable_tls13 = true;
    let config = Arc::new(c);
    let mut sock = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    let mut conn = ClientConnection::resume(config, identity(), Some(session)).unwrap();
    common::handshake(&mut conn, &mut sock).unwrap();
    assert_eq!(conn.negotiated().version, Some(ProtocolVersion::TLS13));
    assert!(!conn.negotiated().resumed);
}

#[test]
fn a_session_of_another_suite_is_not_offered() {
    let server = openssl(&["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"]);
    let config = Arc::new(config());
    let session = round_trip(&config, server.port).session().unwrap();
    let mut c = (*config).clone();
    c.tls12_suites.retain(|s| s.suite != session.cipher_suite());
    c.session_store = None;
    let mut sock = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    let mut conn = ClientConnection::resume(Arc::new(c), identity(), Some(session)).unwrap();
    // Only suites the server refuses remain: the handshake fails, but not over the session.
    let _ = common::handshake(&mut conn, &mut sock);
    assert!(!conn.negotiated().resumed);
}

/// A rustls TLS 1.2 server in a thread, serving `n` connections, with tickets or with its
/// session-id cache only.
fn rustls_server(n: usize, tickets: bool) -> u16 {
    let mut server = common::rustls_ecdsa_server(&[&rustls::version::TLS12]);
    if tickets {
        server.ticketer = rustls::crypto::aws_lc_rs::Ticketer::new().unwrap();
    }
    common::rustls_line_server(server, n)
}

#[test]
fn rustls_resumes_by_ticket() {
    let port = rustls_server(3, true);
    let config = Arc::new(config());
    let first = round_trip(&config, port);
    assert!(!first.negotiated().resumed);
    assert!(!first.session().unwrap().ticket().is_empty());
    assert!(round_trip(&config, port).negotiated().resumed);
    assert!(round_trip(&config, port).negotiated().resumed);
}

#[test]
fn rustls_resumes_by_session_id() {
    let port = rustls_server(3, false);
    let config = Arc::new(config());
    let first = round_trip(&config, port);
    let session = first.session().unwrap();
    assert!(session.ticket().is_empty());
    assert!(!session.session_id().is_empty());
    assert!(round_trip(&config, port).negotiated().resumed);
    assert!(round_trip(&config, port).negotiated().resumed);
}
