//! Client certificates (mutual TLS) through `SslCtx` / `Ssl` against `openssl s_server
//! -Verify 1 -verify_return_error` trusting the test client CA: TLS 1.3 and TLS 1.2, ECDSA and
//! RSA keys in each PEM encoding, the server's refusal when no (fitting) certificate is sent, and
//! the setters' errors.

mod common;

use std::path::PathBuf;
use std::sync::Arc;

use common::{s_server, tcp, Server};
use oxissl::error::{self as err, reason, ERR_LIB_PEM, ERR_LIB_SSL, ERR_LIB_X509};
use oxissl::{ErrorCode, Ssl, SslCtx, SSL_FILETYPE_ASN1, SSL_FILETYPE_PEM};
use oxissl_engine::{CertificateDer, ClientCredential};

fn pki(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/certs")
        .join(name)
}

/// The DER of the first PEM block of a test file.
fn der(name: &str, label: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(pki(name)).unwrap();
    oxissl::pem::decode(label, &text).unwrap()
}

/// s_server requiring a client certificate from the test client CA, answering GET with its
/// status page (which shows the client certificate it accepted).
fn mtls_server(version: &str, extra: &[&str]) -> Server {
    let ca = pki("client-ca.pem");
    let mut args = vec![
        "-www",
        version,
        "-Verify",
        "1",
        "-verify_return_error",
        "-CAfile",
        ca.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    s_server(&args)
}

/// GETs the status page; returns it.
fn get_page(ssl: &mut Ssl) -> String {
    assert_eq!(ssl.write(b"GET / HTTP/1.0\r\n\r\n"), 18);
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let r = ssl.read(&mut buf);
        if r <= 0 {
            break;
        }
        out.extend_from_slice(&buf[..r as usize]);
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn connect(ctx: &SslCtx, port: u16) -> Ssl {
    let mut ssl = Ssl::new(ctx);
    ssl.set_tlsext_host_name("localhost");
    ssl.set_fd(tcp(port));
    ssl
}

/// Connects with `ctx` to a server of `version` and checks the page names client `cn`.
fn accepted(ctx: &SslCtx, version: &str, extra: &[&str], cn: &str) {
    let server = mtls_server(version, extra);
    let mut ssl = connect(ctx, server.port);
    assert_eq!(ssl.connect(), 1, "{version}: {:?}", err::peek_error());
    let page = get_page(&mut ssl);
    assert!(page.contains("Client certificate"), "{version}: {page}");
    assert!(
        page.contains(&format!("CN=oxissl test client ({cn})")),
        "{page}"
    );
}

fn ecdsa_ctx() -> SslCtx {
    let mut ctx = SslCtx::new();
    ctx.use_certificate_chain_file(&pki("client-ecdsa.chain.pem"))
        .unwrap();
    ctx.use_private_key_file(&pki("client-ecdsa.key"), SSL_FILETYPE_PEM)
        .unwrap();
    ctx.check_private_key().unwrap();
    ctx
}

fn rsa_ctx() -> SslCtx {
    let mut ctx = SslCtx::new();
    ctx.use_certificate_file(&pki("client-rsa.pem"), SSL_FILETYPE_PEM)
        .unwrap();
    ctx.use_private_key_file(&pki("client-rsa.pkcs1.key"), SSL_FILETYPE_PEM)
        .unwrap();
    ctx.check_private_key().unwrap();
    ctx
}

#[test]
fn tls13_ecdsa_client_certificate() {
    accepted(&ecdsa_ctx(), "-tls1_3", &[], "ecdsa");
}

#[test]
fn tls13_rsa_client_certificate() {
    accepted(&rsa_ctx(), "-tls1_3", &[], "rsa");
}

#[test]
fn tls12_ecdsa_client_certificate() {
    accepted(&ecdsa_ctx(), "-tls1_2", &[], "ecdsa");
}

#[test]
fn tls12_rsa_client_certificate() {
    accepted(&rsa_ctx(), "-tls1_2", &[], "rsa");
}

#[test]
fn tls12_rsa_pkcs1_when_the_server_asks_for_it() {
    // RFC 5246 §7.4.4: the request's supported_signature_algorithms decide the scheme.
    accepted(
        &rsa_ctx(),
        "-tls1_2",
        &["-client_sigalgs", "rsa_pkcs1_sha256"],
        "rsa",
    );
}

#[test]
fn der_and_sec1_keys_on_the_connection() {
    // Per-connection setters over an empty context; DER certificate, SEC1 PEM key.
    let server = mtls_server("-tls1_3", &[]);
    let mut ssl = connect(&SslCtx::new(), server.port);
    ssl.use_certificate(&der("client-ecdsa.pem", "CERTIFICATE"))
        .unwrap();
    ssl.use_private_key_file(&pki("client-ecdsa.sec1.key"), SSL_FILETYPE_PEM)
        .unwrap();
    ssl.check_private_key().unwrap();
    assert_eq!(ssl.connect(), 1, "{:?}", err::peek_error());
    assert!(get_page(&mut ssl).contains("CN=oxissl test client (ecdsa)"));

    // A DER key file.
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let key_der = dir.join(format!("client-rsa-{}.der", std::process::id()));
    std::fs::write(&key_der, der("client-rsa.key", "PRIVATE KEY")).unwrap();
    let mut ctx = SslCtx::new();
    ctx.use_certificate_chain_file(&pki("client-rsa.chain.pem"))
        .unwrap();
    ctx.use_private_key_file(&key_der, SSL_FILETYPE_ASN1)
        .unwrap();
    let _ = std::fs::remove_file(&key_der);
    accepted(&ctx, "-tls1_2", &[], "rsa");
}

/// The server's fatal alert after the client's flight: during `connect` (TLS 1.2) or, since a
/// TLS 1.3 client finishes first, at the latest on the first read.
fn refused(ctx: &SslCtx, version: &str, extra: &[&str], alert: u32) {
    let server = mtls_server(version, extra);
    let mut ssl = connect(ctx, server.port);
    let mut r = ssl.connect();
    let mut after_handshake = false;
    if r == 1 {
        // OpenSSL's SSL_read returns 0 for a fatal alert, SSL_connect -1.
        after_handshake = true;
        r = ssl.read(&mut [0u8; 16]);
    }
    assert_eq!(r, if after_handshake { 0 } else { -1 }, "{version}");
    assert_eq!(ssl.get_error(r), ErrorCode::SSL);
    let e = err::peek_error().unwrap();
    assert_eq!(
        (e.lib(), e.reason()),
        (ERR_LIB_SSL, reason::ALERT_OFFSET + alert),
        "{version}: {e}"
    );
    err::clear_error();
    if after_handshake {
        // Later reads return 0 too, and the peer's shutdown is recorded (SSL_RECEIVED_SHUTDOWN).
        assert_eq!(ssl.read(&mut [0u8; 16]), 0);
        assert_eq!(ssl.get_shutdown() & 2, 2);
    }
}

#[test]
fn required_certificate_missing_surfaces_the_servers_alert() {
    // TLS 1.3: certificate_required (116); TLS 1.2: OpenSSL sends handshake_failure (40).
    refused(&SslCtx::new(), "-tls1_3", &[], 116);
    refused(&SslCtx::new(), "-tls1_2", &[], 40);
    // A certificate without its key is not sent either.
    let mut ctx = SslCtx::new();
    ctx.use_certificate_file(&pki("client-ecdsa.pem"), SSL_FILETYPE_PEM)
        .unwrap();
    refused(&ctx, "-tls1_3", &[], 116);
}

#[test]
fn no_acceptable_scheme_sends_an_empty_certificate() {
    // A P-256 key when the server accepts only ecdsa_secp384r1_sha384 and RSA-PSS: the client
    // answers with an empty Certificate.
    refused(
        &ecdsa_ctx(),
        "-tls1_3",
        &[
            "-client_sigalgs",
            "ecdsa_secp384r1_sha384:rsa_pss_rsae_sha256",
        ],
        116,
    );
    // An ECDSA key when the server accepts only RSA-PSS.
    refused(
        &ecdsa_ctx(),
        "-tls1_2",
        &["-client_sigalgs", "rsa_pss_rsae_sha256"],
        40,
    );
}

#[test]
fn setter_errors() {
    let mut ctx = SslCtx::new();
    // Nothing set.
    let e = ctx.check_private_key().unwrap_err();
    assert_eq!(e.reason(), reason::NO_CERTIFICATE_ASSIGNED);
    ctx.use_certificate_file(&pki("client-rsa.pem"), SSL_FILETYPE_PEM)
        .unwrap();
    let e = ctx.check_private_key().unwrap_err();
    assert_eq!(e.reason(), reason::NO_PRIVATE_KEY_ASSIGNED);
    // The wrong key for the certificate: X509 "key values mismatch", nothing changes.
    let e = ctx
        .use_private_key_file(&pki("client-ecdsa.key"), SSL_FILETYPE_PEM)
        .unwrap_err();
    assert_eq!(
        (e.lib(), e.reason()),
        (ERR_LIB_X509, reason::KEY_VALUES_MISMATCH)
    );
    assert!(e.to_string().contains("key values mismatch"), "{e}");
    assert_eq!(
        ctx.check_private_key().unwrap_err().reason(),
        reason::NO_PRIVATE_KEY_ASSIGNED
    );
    // Encrypted keys are refused as unsupported.
    let e = ctx
        .use_private_key_file(&pki("client-ecdsa.enc.key"), SSL_FILETYPE_PEM)
        .unwrap_err();
    assert_eq!(e.reason(), reason::UNSUPPORTED);
    assert!(e
        .data()
        .unwrap()
        .contains("encrypted private keys are not supported"));
    // A PEM file without a key or certificate, a missing file, garbage DER.
    let e = ctx
        .use_private_key_file(&pki("client-rsa.pem"), SSL_FILETYPE_PEM)
        .unwrap_err();
    assert_eq!((e.lib(), e.reason()), (ERR_LIB_PEM, reason::NO_START_LINE));
    let e = ctx
        .use_certificate_file(&pki("client-rsa.key"), SSL_FILETYPE_PEM)
        .unwrap_err();
    assert_eq!((e.lib(), e.reason()), (ERR_LIB_PEM, reason::NO_START_LINE));
    assert!(ctx
        .use_certificate_file(&pki("absent.pem"), SSL_FILETYPE_PEM)
        .is_err());
    assert_eq!(
        ctx.use_private_key(b"garbage").unwrap_err().reason(),
        reason::UNSUPPORTED
    );
    assert!(ctx.use_certificate(b"garbage").is_err());
    // The right key; then a new certificate that does not match drops it, as in OpenSSL.
    ctx.use_private_key_file(&pki("client-rsa.key"), SSL_FILETYPE_PEM)
        .unwrap();
    ctx.check_private_key().unwrap();
    ctx.use_certificate(&der("client-ecdsa.pem", "CERTIFICATE"))
        .unwrap();
    assert_eq!(
        ctx.check_private_key().unwrap_err().reason(),
        reason::NO_PRIVATE_KEY_ASSIGNED
    );
    err::clear_error();
}

#[test]
fn ssl_settings_do_not_leak_into_the_context() {
    let ctx = SslCtx::new();
    let mut ssl = Ssl::new(&ctx);
    ssl.use_certificate_chain_file(&pki("client-ecdsa.chain.pem"))
        .unwrap();
    ssl.use_private_key(&der("client-ecdsa.key", "PRIVATE KEY"))
        .unwrap();
    ssl.check_private_key().unwrap();
    assert!(ctx.check_private_key().is_err());
    assert!(Ssl::new(&ctx).check_private_key().is_err());
    err::clear_error();
}

#[test]
fn client_cert_callback_answers_the_request() {
    // SSL_CTX_set_client_cert_cb: asked only when the server requests a certificate and none
    // is configured; what it returns is sent, `None` sends an empty Certificate.
    use std::sync::atomic::{AtomicUsize, Ordering};
    for version in ["-tls1_3", "-tls1_2"] {
        let calls = Arc::new(AtomicUsize::new(0));
        let seen = calls.clone();
        let mut ctx = SslCtx::new();
        ctx.set_client_cert_callback(Some(Arc::new(move || {
            seen.fetch_add(1, Ordering::SeqCst);
            let chain = vec![CertificateDer::from(der("client-ecdsa.pem", "CERTIFICATE"))];
            let key = der("client-ecdsa.key", "PRIVATE KEY");
            Some(Arc::new(ClientCredential::from_der(chain, &key).unwrap()))
        })));
        accepted(&ctx, version, &[], "ecdsa");
        assert_eq!(calls.load(Ordering::SeqCst), 1, "{version}");
        // No request, no call.
        let server = s_server(&["-www", version]);
        let mut ssl = connect(&ctx, server.port);
        assert_eq!(ssl.connect(), 1);
        assert_eq!(calls.load(Ordering::SeqCst), 1, "{version}");
    }
    // Answering none: the server that requires one refuses.
    let mut ctx = SslCtx::new();
    ctx.set_client_cert_callback(Some(Arc::new(|| None)));
    let server = mtls_server("-tls1_2", &[]);
    let mut ssl = connect(&ctx, server.port);
    assert_eq!(ssl.connect(), -1);
}

#[test]
fn deferred_client_cert_waits_for_the_caller() {
    // Like a C callback asking to be called again: SSL_ERROR_WANT_X509_LOOKUP until the
    // certificate and key are set on the connection and the answer given.
    for version in ["-tls1_3", "-tls1_2"] {
        let server = mtls_server(version, &[]);
        let mut ssl = connect(&SslCtx::new(), server.port);
        ssl.set_defer_client_cert(true);
        let r = ssl.connect();
        assert_eq!(r, -1, "{version}: {:?}", err::peek_error());
        assert_eq!(ssl.get_error(r), ErrorCode::WANT_X509_LOOKUP);
        assert!(ssl.client_cert_pending());
        assert_eq!(ssl.connect(), -1);
        ssl.use_certificate_chain_file(&pki("client-ecdsa.chain.pem"))
            .unwrap();
        ssl.use_private_key_file(&pki("client-ecdsa.key"), SSL_FILETYPE_PEM)
            .unwrap();
        assert_eq!(ssl.finish_client_cert(true), 1);
        assert!(!ssl.client_cert_pending());
        assert_eq!(ssl.connect(), 1, "{version}: {:?}", err::peek_error());
        assert!(get_page(&mut ssl).contains("CN=oxissl test client (ecdsa)"));
    }
}
