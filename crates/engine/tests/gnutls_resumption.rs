//! TLS 1.2 session resumption against GnuTLS's `gnutls-serv` (Debian gnutls-bin): by RFC 5077
//! ticket, and with `--noticket` by session id (RFC 5246 §7.3); and its stapled OCSP response
//! (RFC 6066 §8) in TLS 1.2 and 1.3.
//!
//! `gnutls-serv` keeps sessions in its own resumption database unless `--nodb` is given, and
//! issues tickets unless `--noticket` is. With both, nothing can be resumed.

mod common;

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use oxissl_engine::{ClientConfig, ClientConnection, ProtocolVersion, ServerIdentity, ServerName};

/// TLS 1.2 only; NORMAL keeps the extended master secret (RFC 7627), without which the client
/// offers no session (§5.3).
const TLS12: &str = "NORMAL:-VERS-ALL:+VERS-TLS1.2";

/// `gnutls-serv --echo` with the test ECDSA leaf and its intermediate, plus `extra`; waits until
/// it listens. A port taken in the meantime makes it exit: then another port is tried.
fn gnutls(extra: &[&str]) -> common::Server {
    for _ in 0..5 {
        let port = common::free_port();
        let child = Command::new("gnutls-serv")
            .arg(format!("--port={port}"))
            .args(["--echo", "--quiet", "--disable-client-cert"])
            .arg(format!(
                "--x509certfile={}",
                common::cert("ecdsa.chain.pem")
            ))
            .arg(format!("--x509keyfile={}", common::cert("ecdsa.key")))
            .arg(format!("--priority={TLS12}"))
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnutls-serv starts (Debian: gnutls-bin)");
        let mut server = common::Server { child, port };
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if common::child_listens(&server.child, port) {
                return server;
            }
            if matches!(server.child.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    panic!("gnutls-serv did not start listening on any of 5 ports");
}

fn config(session_store: bool) -> Arc<ClientConfig> {
    let mut config = common::verifying_config();
    config.enable_tls13 = false;
    if !session_store {
        config.session_store = None;
    }
    Arc::new(config)
}

fn identity() -> ServerIdentity {
    ServerIdentity {
        sni: Some("localhost".into()),
        verify_name: Some(ServerName::try_from("localhost").unwrap()),
    }
}

/// Connects offering `session` (or what the configuration's store holds), echoes one line and
/// sends close_notify.
fn round_trip(
    config: &Arc<ClientConfig>,
    port: u16,
    session: Option<oxissl_engine::StoredSession>,
) -> ClientConnection {
    let mut sock = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut conn = ClientConnection::resume(config.clone(), identity(), session).unwrap();
    common::handshake(&mut conn, &mut sock).unwrap();
    assert_eq!(conn.negotiated().version, Some(ProtocolVersion::TLS12));
    common::ping_and_close(&mut conn, &mut sock, b"ping\n");
    conn
}

#[test]
fn gnutls_resumes_by_ticket() {
    let server = gnutls(&[]);
    let config = config(false);
    let first = round_trip(&config, server.port, None);
    assert!(!first.negotiated().resumed);
    let session = first.session().expect("a resumable session");
    assert!(!session.ticket().is_empty(), "gnutls-serv issues a ticket");
    let certs = first.peer_certificates().to_vec();
    for _ in 0..2 {
        let again = round_trip(&config, server.port, Some(session.clone()));
        assert!(again.negotiated().resumed);
        assert!(again.negotiated().extended_master_secret);
        assert_eq!(again.peer_certificates(), certs.as_slice());
        assert_eq!(again.verify_result(), Some(&Ok(())));
    }
}

#[test]
fn gnutls_resumes_by_ticket_without_its_database() {
    // The ticket carries the session (RFC 5077 §4): no server-side state is needed.
    let server = gnutls(&["--nodb"]);
    let config = config(false);
    let session = round_trip(&config, server.port, None).session().unwrap();
    assert!(!session.ticket().is_empty());
    assert!(
        round_trip(&config, server.port, Some(session))
            .negotiated()
            .resumed
    );
}

#[test]
fn gnutls_resumes_by_session_id_with_noticket() {
    let server = gnutls(&["--noticket"]);
    let config = config(false);
    let first = round_trip(&config, server.port, None);
    let session = first.session().expect("a session id");
    assert!(session.ticket().is_empty(), "--noticket: no ticket");
    assert!(!session.session_id().is_empty());
    let again = round_trip(&config, server.port, Some(session.clone()));
    assert!(again.negotiated().resumed);
    // RFC 5246 §7.4.1.3: the server echoes the session id it resumes.
    assert_eq!(again.session().unwrap().session_id(), session.session_id());
}

#[test]
fn the_session_store_resumes_gnutls_by_session_id() {
    let server = gnutls(&["--noticket"]);
    let config = config(true);
    assert!(!round_trip(&config, server.port, None).negotiated().resumed);
    assert!(round_trip(&config, server.port, None).negotiated().resumed);
    assert!(round_trip(&config, server.port, None).negotiated().resumed);
}

#[test]
fn no_database_and_no_ticket_means_a_full_handshake() {
    let server = gnutls(&["--nodb", "--noticket"]);
    let config = config(false);
    let first = round_trip(&config, server.port, None);
    // A session id is still sent, but the server has nowhere to look it up.
    let session = first.session().expect("a session id");
    assert!(session.ticket().is_empty());
    assert!(!session.session_id().is_empty());
    assert!(
        !round_trip(&config, server.port, Some(session))
            .negotiated()
            .resumed
    );
}

#[test]
fn gnutls_staples_an_ocsp_response() {
    // RFC 6066 §8 with a second server implementation: gnutls-serv --ocsp-response, TLS 1.2
    // (CertificateStatus) and, with its default priorities, TLS 1.3 (the leaf's entry).
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("gnutls-ocsp-{}", std::process::id()));
    let script = common::certs_dir().join("ocsp-response.sh");
    let out = Command::new("bash")
        .arg(&script)
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let response = std::fs::read(dir.join("resp.der")).unwrap();
    let file = format!("--ocsp-response={}", dir.join("resp.der").display());
    for (extra, version) in [
        (vec![file.as_str()], ProtocolVersion::TLS12),
        (
            vec![file.as_str(), "--priority=NORMAL"],
            ProtocolVersion::TLS13,
        ),
    ] {
        let server = gnutls(&extra);
        let mut config = common::verifying_config();
        config.request_ocsp = true;
        let config = Arc::new(config);
        let mut sock = std::net::TcpStream::connect(("127.0.0.1", server.port)).unwrap();
        let mut conn = ClientConnection::resume(config, identity(), None).unwrap();
        common::handshake(&mut conn, &mut sock).unwrap();
        assert_eq!(conn.negotiated().version, Some(version));
        assert_eq!(conn.ocsp_response(), Some(&response[..]), "{version:?}");
        common::ping_and_close(&mut conn, &mut sock, b"ping\n");
    }
}
