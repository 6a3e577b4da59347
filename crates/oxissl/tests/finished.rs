//! `Ssl::finished` / `peer_finished` (OpenSSL's `SSL_get_finished` / `SSL_get_peer_finished`,
//! the "tls-unique" channel binding of RFC 5929 in TLS 1.2) against an OpenSSL server in this
//! process (the `openssl` crate over the system library): each side's verify_data is what the
//! other side saw, in TLS 1.3 and TLS 1.2, and nothing is reported before the handshake.

mod common;

use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::mpsc;

use openssl::ssl::{SslAcceptor, SslMethod, SslVersion};

fn pki(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/certs")
        .join(name)
}

/// The server's own Finished and the client's, as it saw them.
type Seen = (Vec<u8>, Vec<u8>);

/// An OpenSSL server for one connection: reports what it saw.
fn server(version: SslVersion) -> (u16, mpsc::Receiver<Seen>) {
    let mut b = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls_server()).unwrap();
    b.set_certificate_chain_file(pki("ecdsa.chain.pem"))
        .unwrap();
    b.set_private_key_file(pki("ecdsa.key"), openssl::ssl::SslFiletype::PEM)
        .unwrap();
    b.set_min_proto_version(Some(version)).unwrap();
    b.set_max_proto_version(Some(version)).unwrap();
    let acceptor = b.build();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (sock, _) = listener.accept().unwrap();
        let mut s = acceptor.accept(sock).unwrap();
        let mut own = [0u8; 64];
        let mut peer = [0u8; 64];
        let n = s.ssl().finished(&mut own);
        let m = s.ssl().peer_finished(&mut peer);
        tx.send((own[..n].to_vec(), peer[..m].to_vec())).unwrap();
        let _ = std::io::Write::write_all(&mut s, b"x");
    });
    (port, rx)
}

#[test]
fn finished_messages_match_what_openssl_saw() {
    for (version, len) in [(SslVersion::TLS1_3, 48), (SslVersion::TLS1_2, 12)] {
        let (port, rx) = server(version);
        let mut ctx = oxissl::SslCtx::new();
        ctx.load_verify_locations(Some(&pki("root.pem")), None)
            .unwrap();
        ctx.set_verify(oxissl::SSL_VERIFY_PEER, None);
        let mut ssl = oxissl::Ssl::new(&ctx);
        ssl.set_tlsext_host_name("localhost");
        ssl.set_fd(common::tcp(port));
        assert_eq!(ssl.finished(), None);
        assert_eq!(ssl.peer_finished(), None);
        assert_eq!(ssl.connect(), 1, "{:?}", oxissl::error::peek_error());
        let mut buf = [0u8; 8];
        assert_eq!(ssl.read(&mut buf), 1);
        let (server_own, server_peer) = rx.recv().unwrap();
        assert_eq!(ssl.finished(), Some(&server_peer[..]), "{version:?}");
        assert_eq!(ssl.peer_finished(), Some(&server_own[..]), "{version:?}");
        assert_eq!(server_own.len(), len, "{version:?}");
    }
}
