//! What one row negotiates (version, AEAD, chain, whether sessions are resumed) and the one
//! in-memory server every client meets: a rustls `ServerConfig` restricted to exactly that
//! suite and X25519, so each implementation is held to the same group and suite.

use std::sync::Arc;

use rustls::crypto::aws_lc_rs::{cipher_suite, kx_group};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::certs::{ChainKind, Fixture};

/// The protocol version a row is pinned to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    /// TLS 1.3 (RFC 8446).
    Tls13,
    /// TLS 1.2 (RFC 5246), ECDHE only.
    Tls12,
}

impl Version {
    /// "TLS 1.3" / "TLS 1.2".
    pub fn label(self) -> &'static str {
        match self {
            Version::Tls13 => "TLS 1.3",
            Version::Tls12 => "TLS 1.2",
        }
    }
}

/// The record protection algorithm a row is pinned to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Aead {
    /// AES-128-GCM.
    Aes128Gcm,
    /// AES-256-GCM.
    Aes256Gcm,
    /// ChaCha20-Poly1305.
    Chacha20Poly1305,
}

impl Aead {
    /// Every AEAD, in table order.
    pub const ALL: [Aead; 3] = [Aead::Aes128Gcm, Aead::Aes256Gcm, Aead::Chacha20Poly1305];

    /// A short label for tables.
    pub fn label(self) -> &'static str {
        match self {
            Aead::Aes128Gcm => "AES-128-GCM",
            Aead::Aes256Gcm => "AES-256-GCM",
            Aead::Chacha20Poly1305 => "ChaCha20-Poly1305",
        }
    }
}

/// Everything that decides what a connection negotiates. The group is always X25519.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Params {
    /// The only version offered and accepted.
    pub version: Version,
    /// The only AEAD offered and accepted.
    pub aead: Aead,
    /// The server's chain (and so, in TLS 1.2, ECDHE_ECDSA or ECDHE_RSA).
    pub chain: ChainKind,
    /// Whether the server issues tickets / caches sessions and clients keep them.
    pub resumption: bool,
}

impl Params {
    /// A full-handshake row: no tickets, no session cache on either side.
    pub const fn full(version: Version, chain: ChainKind) -> Self {
        Self {
            version,
            aead: Aead::Aes128Gcm,
            chain,
            resumption: false,
        }
    }

    /// The suite's IANA-style name, for tables.
    pub fn suite_label(&self) -> &'static str {
        match (self.version, self.aead, self.chain) {
            (Version::Tls13, Aead::Aes128Gcm, _) => "TLS_AES_128_GCM_SHA256",
            (Version::Tls13, Aead::Aes256Gcm, _) => "TLS_AES_256_GCM_SHA384",
            (Version::Tls13, Aead::Chacha20Poly1305, _) => "TLS_CHACHA20_POLY1305_SHA256",
            (Version::Tls12, _, _) => self.openssl_cipher(),
        }
    }

    /// OpenSSL's name of the suite: for `SSL_CTX_set_ciphersuites` (TLS 1.3) or
    /// `SSL_CTX_set_cipher_list` (TLS 1.2).
    pub fn openssl_cipher(&self) -> &'static str {
        use Aead::*;
        use ChainKind::*;
        match (self.version, self.aead, self.chain) {
            (Version::Tls13, _, _) => self.suite_label(),
            (Version::Tls12, Aes128Gcm, Ecdsa) => "ECDHE-ECDSA-AES128-GCM-SHA256",
            (Version::Tls12, Aes128Gcm, Rsa) => "ECDHE-RSA-AES128-GCM-SHA256",
            (Version::Tls12, Aes256Gcm, Ecdsa) => "ECDHE-ECDSA-AES256-GCM-SHA384",
            (Version::Tls12, Aes256Gcm, Rsa) => "ECDHE-RSA-AES256-GCM-SHA384",
            (Version::Tls12, Chacha20Poly1305, Ecdsa) => "ECDHE-ECDSA-CHACHA20-POLY1305",
            (Version::Tls12, Chacha20Poly1305, Rsa) => "ECDHE-RSA-CHACHA20-POLY1305",
        }
    }

    /// The rustls suite.
    pub fn rustls_suite(&self) -> rustls::SupportedCipherSuite {
        use Aead::*;
        use ChainKind::*;
        match (self.version, self.aead, self.chain) {
            (Version::Tls13, Aes128Gcm, _) => cipher_suite::TLS13_AES_128_GCM_SHA256,
            (Version::Tls13, Aes256Gcm, _) => cipher_suite::TLS13_AES_256_GCM_SHA384,
            (Version::Tls13, Chacha20Poly1305, _) => cipher_suite::TLS13_CHACHA20_POLY1305_SHA256,
            (Version::Tls12, Aes128Gcm, Ecdsa) => {
                cipher_suite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
            }
            (Version::Tls12, Aes128Gcm, Rsa) => cipher_suite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            (Version::Tls12, Aes256Gcm, Ecdsa) => {
                cipher_suite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
            }
            (Version::Tls12, Aes256Gcm, Rsa) => cipher_suite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
            (Version::Tls12, Chacha20Poly1305, Ecdsa) => {
                cipher_suite::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256
            }
            (Version::Tls12, Chacha20Poly1305, Rsa) => {
                cipher_suite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
            }
        }
    }

    /// The rustls provider (aws-lc-rs) cut down to this row's suite and X25519 (the server's).
    pub fn rustls_provider(&self) -> Arc<rustls::crypto::CryptoProvider> {
        let mut provider = rustls::crypto::aws_lc_rs::default_provider();
        provider.cipher_suites = vec![self.rustls_suite()];
        provider.kx_groups = vec![kx_group::X25519];
        Arc::new(provider)
    }

    /// The client side: in TLS 1.2 P-256 is listed after X25519 too, because there the
    /// supported_groups extension also says which ECDSA curves the client accepts (RFC 8422
    /// §5.1.1) and OpenSSL refuses a P-256 server key otherwise. Key exchange stays X25519: the
    /// servers offer nothing else, and TLS 1.2 makes no key share in advance.
    pub fn rustls_client_provider(&self) -> Arc<rustls::crypto::CryptoProvider> {
        let mut provider = rustls::crypto::aws_lc_rs::default_provider();
        provider.cipher_suites = vec![self.rustls_suite()];
        provider.kx_groups = vec![kx_group::X25519];
        if self.version == Version::Tls12 {
            provider.kx_groups.push(kx_group::SECP256R1);
        }
        Arc::new(provider)
    }

    /// OpenSSL's group list for the client (see `rustls_client_provider`).
    pub fn openssl_groups(&self) -> &'static str {
        match self.version {
            Version::Tls13 => "X25519",
            Version::Tls12 => "X25519:P-256",
        }
    }

    /// The rustls protocol version list.
    pub fn rustls_versions(&self) -> &'static [&'static rustls::SupportedProtocolVersion] {
        static TLS13: [&rustls::SupportedProtocolVersion; 1] = [&rustls::version::TLS13];
        static TLS12: [&rustls::SupportedProtocolVersion; 1] = [&rustls::version::TLS12];
        match self.version {
            Version::Tls13 => &TLS13,
            Version::Tls12 => &TLS12,
        }
    }
}

/// The server side for in-memory rows: the same rustls server for every client.
pub fn server_config(
    fixture: &Fixture,
    params: &Params,
) -> Result<Arc<rustls::ServerConfig>, String> {
    let chain = fixture.chain(params.chain);
    let certs = vec![
        CertificateDer::from(chain.leaf_der.clone()),
        CertificateDer::from(chain.intermediate_der.clone()),
    ];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(chain.leaf_key_pkcs8.clone()));
    let mut config = rustls::ServerConfig::builder_with_provider(params.rustls_provider())
        .with_protocol_versions(params.rustls_versions())
        .map_err(|e| format!("server versions: {e}"))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| format!("server certificate: {e}"))?;
    if params.resumption {
        // One TLS 1.3 ticket per connection; TLS 1.2 resumes by session id from the cache.
        config.send_tls13_tickets = 1;
    } else {
        config.send_tls13_tickets = 0;
        config.session_storage = Arc::new(rustls::server::NoServerSessionStorage {});
    }
    Ok(Arc::new(config))
}
