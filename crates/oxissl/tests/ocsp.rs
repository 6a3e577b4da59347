//! OCSP stapling (status_request, RFC 6066 §8) through `SslCtx` / `Ssl` against `openssl
//! s_server -status_file`, with a response `openssl ocsp` signs for the test leaf at test time:
//! the response arrives as sent in TLS 1.3 (in the leaf's CertificateEntry) and TLS 1.2
//! (CertificateStatus); the status callback sees it with the chain and decides; a deferred
//! check stops the handshake until its verdict; nothing is asked for unless configured.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock};

use common::{certs, s_server, tcp};
use oxissl::error::{self as err, reason, ERR_LIB_SSL};
use oxissl::{ErrorCode, Ssl, SslCtx, StatusCallback, Want};

/// A "good" OCSP response for the test leaf (serial 02), signed by the test CA.
fn response_file() -> &'static PathBuf {
    static RESP: OnceLock<PathBuf> = OnceLock::new();
    RESP.get_or_init(|| {
        let c = certs();
        let p = |n: &str| c.dir.join(n);
        std::fs::write(
            p("index.txt"),
            "V\t991231235959Z\t\t02\tunknown\t/CN=localhost\n",
        )
        .unwrap();
        let run = |args: &[&str]| {
            let out = Command::new("openssl").args(args).output().unwrap();
            assert!(
                out.status.success(),
                "{args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        let s = |n: &str| p(n).to_str().unwrap().to_owned();
        run(&[
            "ocsp",
            "-no_nonce",
            "-issuer",
            &s("ca.pem"),
            "-cert",
            &s("leaf.pem"),
            "-reqout",
            &s("ocsp-req.der"),
        ]);
        run(&[
            "ocsp",
            "-index",
            &s("index.txt"),
            "-rsigner",
            &s("ca.pem"),
            "-rkey",
            &s("ca.key"),
            "-CA",
            &s("ca.pem"),
            "-reqin",
            &s("ocsp-req.der"),
            "-respout",
            &s("ocsp-resp.der"),
            "-ndays",
            "1",
        ]);
        p("ocsp-resp.der")
    })
}

fn response() -> Vec<u8> {
    std::fs::read(response_file()).unwrap()
}

/// A context trusting the test CA, asking for OCSP stapling when `ocsp`.
fn ctx(ocsp: bool) -> SslCtx {
    let mut ctx = SslCtx::new();
    ctx.load_verify_locations(Some(&certs().ca), None).unwrap();
    ctx.set_verify(oxissl::SSL_VERIFY_PEER, None);
    ctx.set_tlsext_status_type(ocsp);
    ctx
}

/// What the status callback saw: the response (if any) and the chain length, per call.
type Seen = Arc<Mutex<Vec<(Option<Vec<u8>>, usize)>>>;

fn recording(verdict: i32) -> (StatusCallback, Seen) {
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let cb: StatusCallback = Arc::new(move |resp, chain| {
        log.lock()
            .unwrap()
            .push((resp.map(<[u8]>::to_vec), chain.len()));
        verdict
    });
    (cb, seen)
}

fn connect(ctx: &SslCtx, port: u16) -> Ssl {
    let mut ssl = Ssl::new(ctx);
    ssl.set_tlsext_host_name("localhost");
    ssl.set_fd(tcp(port));
    ssl
}

const VERSIONS: [&str; 2] = ["-tls1_3", "-tls1_2"];

#[test]
fn stapled_response_reaches_the_callback_and_the_caller() {
    let file = response_file().to_str().unwrap().to_owned();
    for version in VERSIONS {
        let server = s_server(&["-www", version, "-status_file", &file]);
        let mut ctx = ctx(true);
        let (cb, seen) = recording(1);
        ctx.set_status_callback(Some(cb));
        let mut ssl = connect(&ctx, server.port);
        assert_eq!(ssl.connect(), 1, "{version}: {:?}", err::peek_error());
        assert_eq!(ssl.ocsp_response(), Some(&response()[..]), "{version}");
        assert_eq!(
            *seen.lock().unwrap(),
            vec![(Some(response()), 1)],
            "{version}"
        );
        assert!(ssl.tlsext_status_type());
    }
}

#[test]
fn callback_rejecting_the_status_fails_the_handshake() {
    let file = response_file().to_str().unwrap().to_owned();
    for version in VERSIONS {
        let server = s_server(&["-www", version, "-status_file", &file]);
        let mut ctx = ctx(true);
        let (cb, seen) = recording(0);
        ctx.set_status_callback(Some(cb));
        let mut ssl = connect(&ctx, server.port);
        err::clear_error();
        let r = ssl.connect();
        assert_eq!(r, -1, "{version}");
        assert_eq!(ssl.get_error(r), ErrorCode::SSL, "{version}");
        let e = err::peek_error().expect("an error is queued");
        assert_eq!(
            (e.lib(), e.reason()),
            (ERR_LIB_SSL, reason::INVALID_STATUS_RESPONSE)
        );
        assert_eq!(seen.lock().unwrap().len(), 1, "{version}");
        assert!(!ssl.is_init_finished());
    }
}

#[test]
fn a_negative_verdict_is_an_internal_error() {
    let server = s_server(&["-www"]);
    let mut ctx = ctx(true);
    let (cb, _) = recording(-1);
    ctx.set_status_callback(Some(cb));
    let mut ssl = connect(&ctx, server.port);
    err::clear_error();
    assert_eq!(ssl.connect(), -1);
    let e = err::peek_error().expect("an error is queued");
    assert_eq!((e.lib(), e.reason()), (ERR_LIB_SSL, reason::INTERNAL_ERROR));
}

#[test]
fn without_a_stapled_response_the_callback_sees_none() {
    for version in VERSIONS {
        let server = s_server(&["-www", version]);
        let mut ctx = ctx(true);
        let (cb, seen) = recording(1);
        ctx.set_status_callback(Some(cb));
        let mut ssl = connect(&ctx, server.port);
        assert_eq!(ssl.connect(), 1, "{version}: {:?}", err::peek_error());
        assert_eq!(ssl.ocsp_response(), None);
        assert_eq!(*seen.lock().unwrap(), vec![(None, 1)], "{version}");
    }
}

#[test]
fn nothing_is_asked_for_or_called_unless_configured() {
    let file = response_file().to_str().unwrap().to_owned();
    for version in VERSIONS {
        let server = s_server(&["-www", version, "-status_file", &file]);
        let mut ctx = ctx(false);
        let (cb, seen) = recording(0);
        ctx.set_status_callback(Some(cb));
        let mut ssl = connect(&ctx, server.port);
        assert_eq!(ssl.connect(), 1, "{version}: {:?}", err::peek_error());
        assert_eq!(ssl.ocsp_response(), None, "{version}");
        assert!(seen.lock().unwrap().is_empty(), "{version}");
    }
}

#[test]
fn per_connection_status_type_overrides_the_context() {
    let file = response_file().to_str().unwrap().to_owned();
    let server = s_server(&["-www", "-status_file", &file]);
    let ctx = ctx(false);
    let mut ssl = connect(&ctx, server.port);
    ssl.set_tlsext_status_type(true);
    assert_eq!(ssl.connect(), 1, "{:?}", err::peek_error());
    assert_eq!(ssl.ocsp_response(), Some(&response()[..]));
}

#[test]
fn deferred_check_waits_for_the_verdict() {
    let file = response_file().to_str().unwrap().to_owned();
    for (version, verdict) in [("-tls1_3", 1), ("-tls1_2", 1), ("-tls1_3", 0)] {
        let server = s_server(&["-www", version, "-status_file", &file]);
        let ctx = ctx(true);
        let mut ssl = connect(&ctx, server.port);
        ssl.set_defer_status_check(true);
        let r = ssl.connect();
        assert_eq!(r, -1, "{version}: {:?}", err::peek_error());
        assert_eq!(ssl.get_error(r), ErrorCode::WANT_X509_LOOKUP, "{version}");
        assert_eq!(ssl.want(), Want::X509Lookup);
        assert!(ssl.status_check_pending());
        // Calling again does not go past the check.
        assert_eq!(ssl.connect(), -1);
        assert!(ssl.status_check_pending());
        assert_eq!(ssl.ocsp_response(), Some(&response()[..]));
        assert!(!ssl.peer_cert_chain().is_empty());
        match verdict {
            1 => {
                assert_eq!(ssl.finish_status_check(1), 1);
                assert_eq!(ssl.connect(), 1, "{version}: {:?}", err::peek_error());
            }
            _ => {
                err::clear_error();
                assert_eq!(ssl.finish_status_check(0), -1);
                let e = err::peek_error().expect("an error is queued");
                assert_eq!(e.reason(), reason::INVALID_STATUS_RESPONSE);
                assert_eq!(ssl.connect(), -1);
            }
        }
    }
}

/// The test client certificate (ECDSA, issued by the test client CA) and its key.
fn client_credential() -> Arc<oxissl_engine::ClientCredential> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/certs");
    let pem = |name: &str, label: &str| {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        oxissl::pem::decode(label, &text).unwrap()
    };
    let cert = oxissl_engine::CertificateDer::from(pem("client-ecdsa.pem", "CERTIFICATE"));
    let key = pem("client-ecdsa.key", "PRIVATE KEY");
    Arc::new(oxissl_engine::ClientCredential::from_der(vec![cert], &key).unwrap())
}

#[test]
fn certificate_callback_then_status_callback_as_openssl_orders_them() {
    // A server that staples a status and asks for a certificate: OpenSSL asks for the
    // certificate first (TLS 1.3: after the server's CertificateVerify; TLS 1.2: at the
    // CertificateRequest), then calls the status callback (after the server's Finished; at
    // ServerHelloDone). Both answers are given in the same connect call, over a blocking socket.
    let file = response_file().to_str().unwrap().to_owned();
    let client_ca = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/certs/client-ca.pem")
        .to_str()
        .unwrap()
        .to_owned();
    for version in VERSIONS {
        let server = s_server(&[
            "-www",
            version,
            "-status_file",
            &file,
            "-Verify",
            "1",
            "-verify_return_error",
            "-CAfile",
            &client_ca,
        ]);
        let order: Arc<Mutex<Vec<&'static str>>> = Arc::default();
        let mut ctx = ctx(true);
        let log = order.clone();
        ctx.set_status_callback(Some(Arc::new(move |resp, chain| {
            assert!(resp.is_some() && !chain.is_empty());
            log.lock().unwrap().push("status");
            1
        })));
        let log = order.clone();
        ctx.set_client_cert_callback(Some(Arc::new(move || {
            log.lock().unwrap().push("certificate");
            Some(client_credential())
        })));
        let mut ssl = connect(&ctx, server.port);
        assert_eq!(ssl.connect(), 1, "{version}: {:?}", err::peek_error());
        assert_eq!(
            *order.lock().unwrap(),
            ["certificate", "status"],
            "{version}"
        );
        // The server accepted the certificate: it answers on the connection.
        assert_eq!(ssl.write(b"GET / HTTP/1.0\r\n\r\n"), 18);
        let mut buf = [0u8; 64];
        assert!(ssl.read(&mut buf) > 0, "{version}: {:?}", err::peek_error());
        assert!(buf.starts_with(b"HTTP/1.0 200 ok"), "{version}");
    }
}
