//! The built-in demo server: a rustls server on 127.0.0.1 with a freshly generated CA and
//! `localhost` certificate, so `oxissl s_client` with no `-connect` shows a real, verified
//! handshake on any machine. It greets, then echoes each line back until the client closes.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A running demo server.
pub struct DemoServer {
    /// The port it listens on.
    pub port: u16,
    /// The generated CA certificate (DER) that clients should trust.
    pub ca_der: Vec<u8>,
}

/// Generates the certificates and starts serving one connection at a time in a thread.
pub fn start() -> Result<DemoServer, String> {
    let (chain, key, ca_der) = generate().map_err(|e| format!("demo certificate: {e}"))?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| e.to_string())?;
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let Ok(conn) = rustls::ServerConnection::new(config.clone()) else {
                continue;
            };
            let mut tls = rustls::StreamOwned::new(conn, stream);
            let _ = serve(&mut tls);
        }
    });
    Ok(DemoServer { port, ca_der })
}

fn serve(
    tls: &mut rustls::StreamOwned<rustls::ServerConnection, std::net::TcpStream>,
) -> std::io::Result<()> {
    tls.write_all(b"hello from the oxissl demo server (rustls); lines you type come back\n")?;
    tls.flush()?;
    let mut reader = BufReader::new(tls);
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            break;
        }
        let tls = reader.get_mut();
        tls.write_all(format!("echo: {line}").as_bytes())?;
        tls.flush()?;
    }
    let tls = reader.into_inner();
    tls.conn.send_close_notify();
    tls.flush()
}

type Generated = (
    Vec<CertificateDer<'static>>,
    PrivateKeyDer<'static>,
    Vec<u8>,
);

fn generate() -> Result<Generated, rcgen::Error> {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    };
    let ca_key = KeyPair::generate()?;
    let mut ca = CertificateParams::new(Vec::<String>::new())?;
    ca.distinguished_name
        .push(DnType::CommonName, "oxissl demo CA");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca.self_signed(&ca_key)?;
    let issuer = rcgen::Issuer::from_params(&ca, &ca_key);

    let leaf_key = KeyPair::generate()?;
    let mut leaf = CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])?;
    leaf.distinguished_name
        .push(DnType::CommonName, "localhost");
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_cert = leaf.signed_by(&leaf_key, &issuer)?;

    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    Ok((
        vec![leaf_cert.der().clone(), ca_cert.der().clone()],
        key,
        ca_cert.der().to_vec(),
    ))
}
