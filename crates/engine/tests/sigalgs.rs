//! `ClientConfig::signature_schemes` (OpenSSL's `SSL_CTX_set1_sigalgs_list`) against real
//! servers: `openssl s_server` and a rustls server in this process, each with an RSA and an
//! ECDSA leaf, TLS 1.3 and TLS 1.2. A server left with no scheme it can sign with refuses the
//! handshake itself (handshake_failure), as it does with `openssl s_client -sigalgs`; a list
//! that holds the server's scheme gets it.

mod common;

use std::borrow::Cow;
use std::sync::Arc;

use common::{
    connect, flush, openssl_server, ping_and_close, rustls_line_server, verifying_config,
};
use oxissl_engine::{AlertDescription, ClientConfig, Error, ProtocolVersion, SignatureScheme};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use SignatureScheme as S;

/// What `openssl s_client -sigalgs ECDSA+SHA256` offers.
const ECDSA_P256_ONLY: &[SignatureScheme] = &[S::ECDSA_SECP256R1_SHA256];

fn config(schemes: &'static [SignatureScheme], version: ProtocolVersion) -> Arc<ClientConfig> {
    let mut config = verifying_config();
    config.signature_schemes = Cow::Borrowed(schemes);
    config.enable_tls13 = version == ProtocolVersion::TLS13;
    config.enable_tls12 = version == ProtocolVersion::TLS12;
    Arc::new(config)
}

/// `s_server` with leaf `name`, the test intermediate, and only `version`.
fn openssl(name: &str, version: ProtocolVersion) -> common::Server {
    let flag = if version == ProtocolVersion::TLS13 {
        "-tls1_3"
    } else {
        "-tls1_2"
    };
    let (cert, key, inter) = (
        common::cert(&format!("{name}.pem")),
        common::cert(&format!("{name}.key")),
        common::cert("inter.pem"),
    );
    openssl_server(&[
        "-cert",
        &cert,
        "-key",
        &key,
        "-cert_chain",
        &inter,
        flag,
        "-quiet",
    ])
}

/// A rustls server for `name.chain.pem` and only `version`, serving one connection.
fn rustls(name: &str, version: ProtocolVersion) -> u16 {
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(common::cert(&format!("{name}.chain.pem")))
            .unwrap()
            .map(Result::unwrap)
            .collect();
    let key = PrivateKeyDer::from_pem_file(common::cert(&format!("{name}.key"))).unwrap();
    let versions: &[&rustls::SupportedProtocolVersion] = if version == ProtocolVersion::TLS13 {
        &[&rustls::version::TLS13]
    } else {
        &[&rustls::version::TLS12]
    };
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let server = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    rustls_line_server(server, 1)
}

/// A full handshake; returns the server's signature scheme.
fn handshake(config: Arc<ClientConfig>, port: u16) -> Result<SignatureScheme, Error> {
    let (mut conn, mut sock) = connect(config, "localhost", port)?;
    assert_eq!(conn.verify_result(), Some(&Ok(())));
    let scheme = conn
        .negotiated()
        .signature_scheme
        .expect("a server signature");
    conn.send_close_notify();
    let _ = flush(&mut conn, &mut sock);
    Ok(scheme)
}

const VERSIONS: [ProtocolVersion; 2] = [ProtocolVersion::TLS13, ProtocolVersion::TLS12];

#[test]
fn openssl_rsa_server_refuses_an_ecdsa_only_client() {
    // OpenSSL's server finds no scheme for its RSA key ("no suitable signature algorithm" in
    // TLS 1.3, "no shared cipher" in TLS 1.2) and sends handshake_failure, which
    // `openssl s_client -sigalgs ECDSA+SHA256` receives too.
    for version in VERSIONS {
        let server = openssl("rsa", version);
        let got = handshake(config(ECDSA_P256_ONLY, version), server.port);
        assert_eq!(
            got,
            Err(Error::AlertReceived(AlertDescription::HANDSHAKE_FAILURE)),
            "{version:?}"
        );
    }
}

#[test]
fn openssl_ecdsa_server_accepts_an_ecdsa_only_client() {
    for version in VERSIONS {
        let server = openssl("ecdsa", version);
        let got = handshake(config(ECDSA_P256_ONLY, version), server.port);
        assert_eq!(got, Ok(S::ECDSA_SECP256R1_SHA256), "{version:?}");
    }
}

#[test]
fn openssl_rsa_server_signs_with_the_one_listed_scheme() {
    // The server signs with what the client lists, not its own first choice (PSS-SHA256).
    let server = openssl("rsa", ProtocolVersion::TLS13);
    let got = handshake(
        config(
            &[S::ECDSA_SECP256R1_SHA256, S::RSA_PSS_RSAE_SHA512],
            ProtocolVersion::TLS13,
        ),
        server.port,
    );
    assert_eq!(got, Ok(S::RSA_PSS_RSAE_SHA512));
    let server = openssl("rsa", ProtocolVersion::TLS12);
    let got = handshake(
        config(&[S::RSA_PKCS1_SHA384], ProtocolVersion::TLS12),
        server.port,
    );
    assert_eq!(got, Ok(S::RSA_PKCS1_SHA384));
}

#[test]
fn rustls_servers() {
    for version in VERSIONS {
        // No scheme in common for the RSA key: rustls refuses with handshake_failure.
        let port = rustls("rsa", version);
        let got = handshake(config(ECDSA_P256_ONLY, version), port);
        assert_eq!(
            got,
            Err(Error::AlertReceived(AlertDescription::HANDSHAKE_FAILURE)),
            "{version:?}"
        );
        let port = rustls("ecdsa", version);
        let (mut conn, mut sock) =
            connect(config(ECDSA_P256_ONLY, version), "localhost", port).unwrap();
        assert_eq!(
            conn.negotiated().signature_scheme,
            Some(S::ECDSA_SECP256R1_SHA256)
        );
        ping_and_close(&mut conn, &mut sock, b"gnip\n");
        // A list that fits the RSA key gets the listed scheme.
        let port = rustls("rsa", version);
        let got = handshake(config(&[S::RSA_PSS_RSAE_SHA384], version), port);
        assert_eq!(got, Ok(S::RSA_PSS_RSAE_SHA384), "{version:?}");
    }
}
