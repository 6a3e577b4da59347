//! Interop with `openssl s_server` over TCP: every TLS 1.3 suite x group x certificate type with
//! webpki verification against the test root, HelloRetryRequest, ALPN, server KeyUpdate, IP
//! address names, large transfers and close_notify.

mod common;

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use common::{
    connect, flush, read_exact, read_some, read_until_closed, reversed_lines, server_cert_args,
    server_stdin, text_lines, verifying_config, OutputWatcher, Server,
};
use oxissl_engine::provider::{
    TLS13_AES_128_GCM_SHA256, TLS13_AES_256_GCM_SHA384, TLS13_CHACHA20_POLY1305_SHA256,
};
use oxissl_engine::{
    AlertDescription, CertificateDer, ClientConfig, Error, NamedGroup, NoServerVerification,
    ProtocolVersion, ReadStatus, SignatureScheme, Tls13Suite,
};
use rustls::pki_types::pem::PemObject;

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

/// `s_server` with leaf `name` and the test intermediate, plus `extra` arguments.
fn server(name: &str, extra: &[&str]) -> Server {
    let mut args = server_cert_args(name, Some("inter.pem"));
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    common::openssl_server(&args)
}

/// One connection restricted to `suite` and `group`: handshake, checks, a few KB through
/// `-rev`, close_notify.
fn round_trip(
    port: u16,
    suite: Tls13Suite,
    group: NamedGroup,
    scheme: SignatureScheme,
) -> Result<(), String> {
    let mut config = verifying_config();
    config.tls13_suites = vec![suite];
    config.groups = vec![group];
    let (mut conn, mut sock) =
        connect(Arc::new(config), "localhost", port).map_err(|e| format!("handshake: {e}"))?;
    let n = conn.negotiated();
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
    if conn.verify_result() != Some(&Ok(())) {
        return Err(format!("verify_result {:?}", conn.verify_result()));
    }
    let data = text_lines(4, 1000, group.0.into());
    conn.write(&data).map_err(|e| e.to_string())?;
    flush(&mut conn, &mut sock).map_err(|e| e.to_string())?;
    let back = read_exact(&mut conn, &mut sock, data.len()).map_err(|e| e.to_string())?;
    if back != reversed_lines(&data) {
        return Err(format!("echo mismatch ({} bytes back)", back.len()));
    }
    conn.send_close_notify();
    flush(&mut conn, &mut sock).map_err(|e| e.to_string())?;
    Ok(())
}

/// Every suite x group against one certificate type; reports all failing combinations.
fn matrix(name: &str, scheme: SignatureScheme) {
    let srv = server(name, &["-rev"]);
    let mut failures = Vec::new();
    for suite in SUITES {
        for group in GROUPS {
            if let Err(e) = round_trip(srv.port, suite, group, scheme) {
                failures.push(format!("{:?} / {group:?}: {e}", suite.suite));
            }
        }
    }
    assert!(failures.is_empty(), "{name}: {failures:#?}");
}

#[test]
fn matrix_ecdsa_p256() {
    matrix("ecdsa", SignatureScheme::ECDSA_SECP256R1_SHA256);
}

#[test]
fn matrix_rsa_2048() {
    matrix("rsa", SignatureScheme::RSA_PSS_RSAE_SHA256);
}

#[test]
fn matrix_ed25519() {
    matrix("ed25519", SignatureScheme::ED25519);
}

#[test]
fn one_mebibyte_in_many_records() {
    let srv = server("ecdsa", &["-rev"]);
    let (mut conn, mut sock) =
        connect(Arc::new(verifying_config()), "localhost", srv.port).unwrap();
    let data = text_lines(1024, 1024, 7);
    assert_eq!(conn.write(&data).unwrap(), 1 << 20);
    // The engine splits the write into records of at most 2^14 bytes.
    let wire = conn.pending_tls().to_vec();
    conn.consume_tls(wire.len());
    let mut records = 0;
    let mut at = 0;
    while at < wire.len() {
        assert_eq!(wire[at], 23, "application_data record");
        let len = usize::from(u16::from_be_bytes([wire[at + 3], wire[at + 4]]));
        assert!(len <= (1 << 14) + 256);
        at += 5 + len;
        records += 1;
    }
    assert_eq!(at, wire.len());
    assert!(records >= 64, "{records} records");
    // Send from another thread so neither side blocks on a full socket buffer.
    let mut tx = sock.try_clone().unwrap();
    tx.set_write_timeout(Some(Duration::from_secs(10))).unwrap();
    let writer = std::thread::spawn(move || tx.write_all(&wire));
    let back = read_exact(&mut conn, &mut sock, data.len()).unwrap();
    writer.join().unwrap().unwrap();
    assert_eq!(back.len(), data.len());
    assert!(back == reversed_lines(&data));
}

#[test]
fn hello_retry_request() {
    let srv = server("ecdsa", &["-rev", "-groups", "P-256"]);
    let mut config = verifying_config();
    config.groups = vec![NamedGroup::X25519, NamedGroup::SECP256R1];
    let (mut conn, mut sock) = connect(Arc::new(config), "localhost", srv.port).unwrap();
    assert!(conn.negotiated().hello_retried);
    assert_eq!(conn.group(), Some(NamedGroup::SECP256R1));
    conn.write(b"retried\n").unwrap();
    flush(&mut conn, &mut sock).unwrap();
    assert_eq!(read_exact(&mut conn, &mut sock, 8).unwrap(), b"deirter\n");
}

#[test]
fn hello_retry_request_without_middlebox_compat() {
    let srv = server("rsa", &["-rev", "-groups", "P-384"]);
    let mut config = verifying_config();
    config.middlebox_compat = false;
    let (mut conn, mut sock) = connect(Arc::new(config), "localhost", srv.port).unwrap();
    assert!(conn.negotiated().hello_retried);
    assert_eq!(conn.group(), Some(NamedGroup::SECP384R1));
    conn.write(b"abc\n").unwrap();
    flush(&mut conn, &mut sock).unwrap();
    assert_eq!(read_exact(&mut conn, &mut sock, 4).unwrap(), b"cba\n");
}

#[test]
fn alpn_agreed() {
    let srv = server("ecdsa", &["-rev", "-alpn", "h2,http/1.1"]);
    let mut config = verifying_config();
    config.alpn_protocols = vec![b"h2".to_vec()];
    let (conn, _sock) = connect(Arc::new(config), "localhost", srv.port).unwrap();
    assert_eq!(conn.alpn_protocol(), Some(&b"h2"[..]));
}

#[test]
fn alpn_client_preference_within_server_list() {
    let srv = server("ecdsa", &["-rev", "-alpn", "h2,http/1.1"]);
    let mut config = verifying_config();
    config.alpn_protocols = vec![b"spdy/1".to_vec(), b"http/1.1".to_vec()];
    let (conn, _sock) = connect(Arc::new(config), "localhost", srv.port).unwrap();
    assert_eq!(conn.alpn_protocol(), Some(&b"http/1.1"[..]));
}

/// OpenSSL's s_server refuses a ClientHello with no common protocol (RFC 7301 §3.2 allows it).
#[test]
fn alpn_no_overlap_is_refused_by_openssl() {
    let srv = server("ecdsa", &["-rev", "-alpn", "h2,http/1.1"]);
    let mut config = verifying_config();
    config.alpn_protocols = vec![b"imap".to_vec()];
    let err = connect(Arc::new(config), "localhost", srv.port).unwrap_err();
    assert_eq!(
        err,
        Error::AlertReceived(AlertDescription::NO_APPLICATION_PROTOCOL)
    );
}

#[test]
fn alpn_not_agreed() {
    let srv = server("ecdsa", &["-rev"]);
    let mut config = verifying_config();
    config.alpn_protocols = vec![b"h2".to_vec()];
    let (mut conn, mut sock) = connect(Arc::new(config), "localhost", srv.port).unwrap();
    assert_eq!(conn.alpn_protocol(), None);
    conn.write(b"ok\n").unwrap();
    flush(&mut conn, &mut sock).unwrap();
    assert_eq!(read_exact(&mut conn, &mut sock, 3).unwrap(), b"ko\n");
}

/// s_server's stdin "K" / "k" sends KeyUpdate with / without update_requested. Data must flow
/// both ways afterwards, twice over.
fn server_key_update(command: &str) {
    // Without -rev, s_server prints what it receives and sends what it reads from stdin.
    let mut srv = server("ecdsa", &[]);
    let out = OutputWatcher::new(&mut srv);
    let (mut conn, mut sock) =
        connect(Arc::new(verifying_config()), "localhost", srv.port).unwrap();
    // OpenSSL sends two NewSessionTickets right after the handshake.
    let mut tickets = 0;
    while tickets < 2 {
        assert!(read_some(&mut conn, &mut sock).unwrap());
        tickets += conn.take_session_tickets().len();
    }
    conn.write(b"before\n").unwrap();
    flush(&mut conn, &mut sock).unwrap();
    assert!(out.wait_for("before").is_some());
    for round in 0..2 {
        server_stdin(&mut srv, command);
        // Once the KeyUpdate arrives, s_server has consumed the command line, so the next
        // line is read on its own.
        assert!(read_some(&mut conn, &mut sock).unwrap());
        if command == "K\n" {
            // update_requested: the client queues its own KeyUpdate.
            while !conn.wants_write() {
                assert!(read_some(&mut conn, &mut sock).unwrap());
            }
        }
        let down = format!("from server {round}\n");
        server_stdin(&mut srv, &down);
        assert_eq!(
            read_exact(&mut conn, &mut sock, down.len()).unwrap(),
            down.as_bytes()
        );
        let up = format!("from client {round}\n");
        conn.write(up.as_bytes()).unwrap();
        flush(&mut conn, &mut sock).unwrap();
        assert!(out.wait_for(up.trim_end()).is_some());
    }
}

#[test]
fn server_key_update_requested() {
    server_key_update("K\n");
}

#[test]
fn server_key_update_not_requested() {
    server_key_update("k\n");
}

#[test]
fn client_key_update() {
    let srv = server("ecdsa", &["-rev"]);
    let (mut conn, mut sock) =
        connect(Arc::new(verifying_config()), "localhost", srv.port).unwrap();
    for i in 0..3 {
        conn.update_write_key().unwrap();
        let line = format!("update {i}\n");
        conn.write(line.as_bytes()).unwrap();
        flush(&mut conn, &mut sock).unwrap();
        let back = read_exact(&mut conn, &mut sock, line.len()).unwrap();
        assert_eq!(back, reversed_lines(line.as_bytes()));
    }
}

#[test]
fn ip_address_verified_against_ip_san() {
    let srv = server("ecdsa", &["-rev"]);
    let (mut conn, mut sock) =
        connect(Arc::new(verifying_config()), "127.0.0.1", srv.port).unwrap();
    assert_eq!(conn.verify_result(), Some(&Ok(())));
    conn.write(b"ip\n").unwrap();
    flush(&mut conn, &mut sock).unwrap();
    assert_eq!(read_exact(&mut conn, &mut sock, 3).unwrap(), b"pi\n");
}

/// With `-servername localhost -cert2 ...` s_server switches to the RSA certificate only when
/// the client's SNI is "localhost": which certificate arrives shows whether SNI was sent.
#[test]
fn sni_sent_for_dns_names_only() {
    let rsa_args = server_cert_args("rsa", None);
    let srv = server(
        "ecdsa",
        &[
            "-rev",
            "-servername",
            "localhost",
            "-cert2",
            &rsa_args[1],
            "-key2",
            &rsa_args[3],
        ],
    );
    let rsa_leaf = std::fs::read(common::cert("rsa.pem")).unwrap();
    let rsa_leaf = CertificateDer::from_pem_slice(&rsa_leaf).unwrap();
    let config = Arc::new(ClientConfig::with_verifier(Arc::new(NoServerVerification)));

    let (by_name, s1) = connect(config.clone(), "localhost", srv.port).unwrap();
    assert_eq!(by_name.peer_certificates()[0], rsa_leaf);
    assert_eq!(
        by_name.negotiated().signature_scheme,
        Some(SignatureScheme::RSA_PSS_RSAE_SHA256)
    );
    drop(s1);
    let (by_ip, _s2) = connect(config, "127.0.0.1", srv.port).unwrap();
    assert_ne!(by_ip.peer_certificates()[0], rsa_leaf);
    assert_eq!(
        by_ip.negotiated().signature_scheme,
        Some(SignatureScheme::ECDSA_SECP256R1_SHA256)
    );
}

#[test]
fn server_close_notify() {
    let srv = server("ecdsa", &["-rev"]);
    let (mut conn, mut sock) =
        connect(Arc::new(verifying_config()), "localhost", srv.port).unwrap();
    conn.write(b"bye\nCLOSE\n").unwrap();
    flush(&mut conn, &mut sock).unwrap();
    let before = read_until_closed(&mut conn, &mut sock).unwrap();
    assert_eq!(before, b"eyb\n");
    assert!(conn.peer_closed());
    let mut buf = [0u8; 16];
    assert_eq!(conn.read(&mut buf).unwrap(), ReadStatus::Closed);
}

#[test]
fn p521_key_exchange_after_a_hello_retry_request_and_in_tls12() {
    // The server takes P-521 only: the default X25519 share is retried as P-521 (133-byte
    // points, a 66-byte shared secret); in TLS 1.2 the ServerKeyExchange names it.
    for version in ["-tls1_3", "-tls1_2"] {
        let mut args = common::server_cert_args("ecdsa", Some("inter.pem"));
        args.retain(|a| a != "-tls1_3");
        args.extend(["-rev", "-groups", "P-521", version].map(String::from));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let srv = common::openssl_server(&args);
        let (mut conn, mut sock) =
            connect(Arc::new(verifying_config()), "localhost", srv.port).unwrap();
        assert_eq!(conn.negotiated().hello_retried, version == "-tls1_3");
        assert_eq!(conn.group(), Some(NamedGroup::SECP521R1));
        conn.write(b"p521\n").unwrap();
        flush(&mut conn, &mut sock).unwrap();
        assert_eq!(read_exact(&mut conn, &mut sock, 5).unwrap(), b"125p\n");
    }
}
