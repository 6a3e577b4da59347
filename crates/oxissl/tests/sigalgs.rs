//! `SslCtx::set1_sigalgs_list` / `Ssl::set1_sigalgs_list` (OpenSSL's `SSL_CTX_set1_sigalgs_list`,
//! `SSL_set1_sigalgs_list`) against `openssl s_server` with an RSA and an ECDSA leaf, TLS 1.3
//! and TLS 1.2: what `openssl s_client -sigalgs` gets in the same places (checked by hand: the
//! RSA server answers an ECDSA-only list with handshake_failure, "sslv3 alert handshake
//! failure" on the client), the per-connection list over the context's, and a list with
//! nothing to offer failing before anything is sent.

mod common;

use std::path::PathBuf;

use common::{s_server, tcp, Server};
use oxissl::error::{self as err, reason, ERR_LIB_SSL};
use oxissl::{Ssl, SslCtx};
use oxissl_engine::SignatureScheme;

fn pki(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/certs")
        .join(name)
        .to_str()
        .unwrap()
        .to_owned()
}

/// s_server with the repository's `leaf` certificate and intermediate (its last `-cert` wins
/// over the one `s_server` starts with), only `version`.
fn server(leaf: &str, version: &str) -> Server {
    let (cert, key, inter) = (
        pki(&format!("{leaf}.pem")),
        pki(&format!("{leaf}.key")),
        pki("inter.pem"),
    );
    s_server(&["-cert", &cert, "-key", &key, "-cert_chain", &inter, version])
}

/// A context verifying against the test root, restricted to `sigalgs`.
fn ctx(sigalgs: &str) -> SslCtx {
    let mut ctx = SslCtx::new();
    ctx.set_verify(oxissl::ctx::SSL_VERIFY_PEER, None);
    ctx.load_verify_locations(Some(PathBuf::from(pki("root.pem")).as_path()), None)
        .unwrap();
    ctx.set1_sigalgs_list(sigalgs).unwrap();
    ctx
}

fn ssl(ctx: &SslCtx, port: u16) -> Ssl {
    let mut ssl = Ssl::new(ctx);
    ssl.set_tlsext_host_name("localhost");
    assert!(ssl.set1_host("localhost"));
    ssl.set_fd(tcp(port));
    ssl
}

/// Connects; returns the server's signature scheme, or the first queued reason.
fn handshake(mut ssl: Ssl) -> Result<SignatureScheme, u32> {
    err::clear_error();
    if ssl.connect() != 1 {
        return Err(err::peek_error().map_or(0, |e| e.reason()));
    }
    let scheme = ssl
        .connection()
        .and_then(|c| c.negotiated().signature_scheme)
        .expect("a server signature");
    ssl.shutdown();
    Ok(scheme)
}

const HANDSHAKE_FAILURE_ALERT: u32 = reason::ALERT_OFFSET + 40;

#[test]
fn ecdsa_only_client_against_rsa_and_ecdsa_servers() {
    for version in ["-tls1_3", "-tls1_2"] {
        let rsa = server("rsa", version);
        let ecdsa = server("ecdsa", version);
        let ctx = ctx("ECDSA+SHA256");
        assert_eq!(
            handshake(ssl(&ctx, rsa.port)),
            Err(HANDSHAKE_FAILURE_ALERT),
            "{version}"
        );
        assert_eq!(
            handshake(ssl(&ctx, ecdsa.port)),
            Ok(SignatureScheme::ECDSA_SECP256R1_SHA256),
            "{version}"
        );
    }
}

#[test]
fn restricted_lists_that_fit_the_server() {
    let rsa13 = server("rsa", "-tls1_3");
    let got = handshake(ssl(&ctx("ECDSA+SHA256:RSA-PSS+SHA384:ed25519"), rsa13.port));
    assert_eq!(got, Ok(SignatureScheme::RSA_PSS_RSAE_SHA384));
    let rsa12 = server("rsa", "-tls1_2");
    let got = handshake(ssl(&ctx("RSA+SHA512"), rsa12.port));
    assert_eq!(got, Ok(SignatureScheme::RSA_PKCS1_SHA512));
}

#[test]
fn the_connections_list_replaces_the_contexts() {
    let rsa = server("rsa", "-tls1_3");
    let ctx = ctx("ECDSA+SHA256");
    let mut conn = ssl(&ctx, rsa.port);
    conn.set1_sigalgs_list("rsa_pss_rsae_sha512").unwrap();
    assert_eq!(handshake(conn), Ok(SignatureScheme::RSA_PSS_RSAE_SHA512));
    // A refused list leaves the connection's as it was.
    let mut conn = ssl(&ctx, rsa.port);
    assert!(conn.set1_sigalgs_list("rsa_pss_rsae_sha512:bogus").is_err());
    assert_eq!(handshake(conn), Err(HANDSHAKE_FAILURE_ALERT));
}

#[test]
fn a_list_with_nothing_to_offer_fails_at_connect() {
    // OpenSSL 3.0 takes RSA+SHA1 and then fails SSL_connect with "no suitable signature
    // algorithm" before sending anything; SHA-1 is never offered here either.
    let ecdsa = server("ecdsa", "-tls1_3");
    for list in ["RSA+SHA1", "ECDSA+SHA1:ed448", "DSA+SHA256"] {
        let got = handshake(ssl(&ctx(list), ecdsa.port));
        assert_eq!(got, Err(reason::NO_SUITABLE_SIGNATURE_ALGORITHM), "{list}");
        let e = err::peek_error();
        assert_eq!(e.map(|e| e.lib()), Some(ERR_LIB_SSL));
    }
}
