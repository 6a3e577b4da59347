//! Client certificates against a rustls 0.23 server in memory that requires one
//! (`WebPkiClientVerifier` over the test client CA): TLS 1.3 and TLS 1.2, ECDSA P-256 and
//! RSA-2048 client keys; and the server's refusal when no certificate is configured.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::sync::Arc;

use common::verifying_config;
use oxissl_engine::{
    AlertDescription, ClientConfig, ClientConnection, ClientCredential, Error, ReadStatus,
    SignatureScheme,
};
use rustls::crypto::aws_lc_rs as provider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig, ServerConnection};

fn chain(file: &str) -> Vec<CertificateDer<'static>> {
    CertificateDer::pem_file_iter(common::cert(file))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// A rustls server for `ecdsa.chain.pem` that requires a client certificate issued by the
/// test client CA, speaking only `version`.
fn server(version: &'static rustls::SupportedProtocolVersion) -> Arc<ServerConfig> {
    let p = Arc::new(provider::default_provider());
    let mut roots = RootCertStore::empty();
    roots.add(chain("client-ca.pem").remove(0)).unwrap();
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), p.clone())
        .build()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(common::cert("ecdsa.key")).unwrap();
    let config = ServerConfig::builder_with_provider(p)
        .with_protocol_versions(&[version])
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain("ecdsa.chain.pem"), key)
        .unwrap();
    Arc::new(config)
}

fn credential(name: &str) -> Arc<ClientCredential> {
    let key = PrivateKeyDer::from_pem_file(common::cert(&format!("{name}.key"))).unwrap();
    let chain = chain(&format!("{name}.chain.pem"));
    Arc::new(ClientCredential::from_der(chain, key.secret_der()).unwrap())
}

fn client_config(tls13: bool, name: Option<&str>) -> ClientConfig {
    let mut config = verifying_config();
    config.enable_tls13 = tls13;
    config.enable_tls12 = !tls13;
    config.client_credential = name.map(credential);
    config
}

/// Plaintext each side has read.
#[derive(Default)]
struct Got {
    client: Vec<u8>,
    server: Vec<u8>,
}

/// Moves bytes both ways until neither side has more to say. Returns the client's error, if
/// any, and the server's.
fn run(
    client: &mut ClientConnection,
    server: &mut ServerConnection,
    got: &mut Got,
) -> (Result<(), Error>, Option<rustls::Error>) {
    let mut server_error = None;
    let mut buf = vec![0u8; 20000];
    for _ in 0..1000 {
        let mut moved = false;
        while client.wants_write() {
            let n = server.read_tls(&mut client.pending_tls()).unwrap();
            client.consume_tls(n);
            if let Err(e) = server.process_new_packets() {
                server_error.get_or_insert(e);
            }
            moved = true;
        }
        loop {
            match server.reader().read(&mut buf) {
                Ok(0) => break,
                Ok(n) => got.server.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) => panic!("server read: {e}"),
            }
        }
        let mut to_client = Vec::new();
        while server.wants_write() {
            server.write_tls(&mut to_client).unwrap();
        }
        let mut fed = 0;
        while fed < to_client.len() {
            let n = client.feed_tls(&to_client[fed..]);
            fed += n;
            moved = true;
            match client.read(&mut buf) {
                Ok(ReadStatus::Data(n)) => got.client.extend_from_slice(&buf[..n]),
                Ok(ReadStatus::WantRead | ReadStatus::Closed) => {}
                Err(e) => {
                    // Let the client's alert reach the server.
                    while client.wants_write() {
                        let n = server.read_tls(&mut client.pending_tls()).unwrap();
                        client.consume_tls(n);
                    }
                    return (Err(e), server_error);
                }
            }
        }
        match client.read(&mut buf) {
            Ok(ReadStatus::Data(n)) => got.client.extend_from_slice(&buf[..n]),
            Ok(_) => {}
            Err(e) => return (Err(e), server_error),
        }
        if !moved {
            return (Ok(()), server_error);
        }
    }
    panic!("connection never went quiet");
}

fn accepted(tls13: bool, name: &str, scheme: SignatureScheme) {
    let config = client_config(tls13, Some(name));
    let leaf = config.client_credential.as_ref().unwrap().chain()[0].clone();
    let mut client = ClientConnection::new(Arc::new(config), "localhost").unwrap();
    let version = if tls13 {
        &rustls::version::TLS13
    } else {
        &rustls::version::TLS12
    };
    let mut server = ServerConnection::new(server(version)).unwrap();
    let mut got = Got::default();
    let (client_result, server_error) = run(&mut client, &mut server, &mut got);
    assert_eq!(client_result, Ok(()), "{name}");
    assert!(server_error.is_none(), "{name}: {server_error:?}");
    assert!(client.is_established() && !server.is_handshaking());
    // The server verified and kept our leaf.
    assert_eq!(server.peer_certificates().unwrap()[0], leaf);
    assert_eq!(client.negotiated().client_signature_scheme, Some(scheme));
    assert_eq!(client.write(b"ping").unwrap(), 4);
    assert_eq!(run(&mut client, &mut server, &mut got).0, Ok(()));
    assert_eq!(got.server, b"ping");
    server.writer().write_all(b"pong").unwrap();
    assert_eq!(run(&mut client, &mut server, &mut got).0, Ok(()));
    assert_eq!(got.client, b"pong");
}

#[test]
fn tls13_ecdsa_client_certificate() {
    accepted(
        true,
        "client-ecdsa",
        SignatureScheme::ECDSA_SECP256R1_SHA256,
    );
}

#[test]
fn tls13_rsa_client_certificate() {
    accepted(true, "client-rsa", SignatureScheme::RSA_PSS_RSAE_SHA256);
}

#[test]
fn tls12_ecdsa_client_certificate() {
    accepted(
        false,
        "client-ecdsa",
        SignatureScheme::ECDSA_SECP256R1_SHA256,
    );
}

#[test]
fn tls12_rsa_client_certificate() {
    accepted(false, "client-rsa", SignatureScheme::RSA_PSS_RSAE_SHA256);
}

/// Without a credential the client answers with an empty Certificate; the server, which
/// requires one, refuses with an alert the client reports.
#[test]
fn required_certificate_missing() {
    for (tls13, alert) in [
        (true, AlertDescription::CERTIFICATE_REQUIRED),
        (false, AlertDescription::CERTIFICATE_REQUIRED),
    ] {
        let mut client =
            ClientConnection::new(Arc::new(client_config(tls13, None)), "localhost").unwrap();
        let version = if tls13 {
            &rustls::version::TLS13
        } else {
            &rustls::version::TLS12
        };
        let mut server = ServerConnection::new(server(version)).unwrap();
        let (client_result, server_error) = run(&mut client, &mut server, &mut Got::default());
        assert!(
            matches!(server_error, Some(rustls::Error::NoCertificatesPresented)),
            "{server_error:?}"
        );
        assert_eq!(
            client_result,
            Err(Error::AlertReceived(alert)),
            "tls13={tls13}"
        );
        assert!(client.negotiated().client_certificate_requested);
    }
}

#[test]
fn certificate_asked_of_the_caller_is_verified_by_rustls() {
    // `pause_for_client_credential`: the handshake stops where OpenSSL asks for a certificate
    // (TLS 1.3: after the server's CertificateVerify; TLS 1.2: at the CertificateRequest),
    // with the server's chain known and verified either way; the certificate given then is
    // sent and verified by the server.
    for tls13 in [true, false] {
        let mut config = client_config(tls13, None);
        config.pause_for_client_credential = true;
        let mut client = ClientConnection::new(Arc::new(config), "localhost").unwrap();
        let version = match tls13 {
            true => &rustls::version::TLS13,
            false => &rustls::version::TLS12,
        };
        let mut server = ServerConnection::new(server(version)).unwrap();
        let mut got = Got::default();
        let (client_result, _) = run(&mut client, &mut server, &mut got);
        assert_eq!(client_result, Ok(()));
        assert!(client.client_credential_pending(), "tls13 {tls13}");
        assert!(!client.is_established());
        assert!(!client.peer_certificates().is_empty(), "tls13 {tls13}");
        assert_eq!(
            client.negotiated().verify_result,
            Some(Ok(())),
            "tls13 {tls13}"
        );
        let given = credential("client-ecdsa");
        let leaf = given.chain()[0].clone();
        client.finish_client_credential(Some(given)).unwrap();
        let (client_result, server_error) = run(&mut client, &mut server, &mut got);
        assert_eq!(client_result, Ok(()));
        assert!(server_error.is_none(), "{server_error:?}");
        assert!(client.is_established() && !server.is_handshaking());
        assert_eq!(server.peer_certificates().unwrap()[0], leaf);
    }
}
