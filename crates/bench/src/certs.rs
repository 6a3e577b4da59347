//! The certificates every peer and both servers use: root -> intermediate -> leaf for
//! "localhost", once with ECDSA P-256 keys and once with RSA-2048 keys, generated at start-up
//! and written as PEM files for `openssl s_server` and `SslCtx::load_verify_locations`.

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SignatureAlgorithm,
};

/// Which key type the whole chain uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChainKind {
    /// ECDSA P-256 with SHA-256 at every level.
    Ecdsa,
    /// RSA-2048: PKCS#1 SHA-256 certificate signatures, RSA-PSS in the handshake.
    Rsa,
}

impl ChainKind {
    /// Both kinds, in table order.
    pub const ALL: [ChainKind; 2] = [ChainKind::Ecdsa, ChainKind::Rsa];

    /// A short label for tables.
    pub fn label(self) -> &'static str {
        match self {
            ChainKind::Ecdsa => "ECDSA P-256",
            ChainKind::Rsa => "RSA-2048",
        }
    }

    fn algorithm(self) -> &'static SignatureAlgorithm {
        match self {
            ChainKind::Ecdsa => &rcgen::PKCS_ECDSA_P256_SHA256,
            ChainKind::Rsa => &rcgen::PKCS_RSA_SHA256,
        }
    }

    fn file_stem(self) -> &'static str {
        match self {
            ChainKind::Ecdsa => "ecdsa",
            ChainKind::Rsa => "rsa",
        }
    }
}

/// One generated chain, as DER and as PEM files.
pub struct Chain {
    /// The key type.
    pub kind: ChainKind,
    /// The trust anchor (DER).
    pub root_der: Vec<u8>,
    /// The intermediate CA (DER).
    pub intermediate_der: Vec<u8>,
    /// The end-entity certificate for "localhost" (DER).
    pub leaf_der: Vec<u8>,
    /// The leaf's private key (PKCS#8 DER).
    pub leaf_key_pkcs8: Vec<u8>,
    /// `root.pem`: the trust anchor.
    pub root_pem: PathBuf,
    /// The leaf certificate alone.
    pub leaf_pem: PathBuf,
    /// The intermediate alone (`s_server -cert_chain`).
    pub intermediate_pem: PathBuf,
    /// The leaf's key.
    pub key_pem: PathBuf,
}

/// Both chains in a temporary directory that is removed on drop.
pub struct Fixture {
    dir: PathBuf,
    /// The ECDSA P-256 chain.
    pub ecdsa: Chain,
    /// The RSA-2048 chain.
    pub rsa: Chain,
}

/// The name every server certificate is issued for and every client checks.
pub const SERVER_NAME: &str = "localhost";

impl Fixture {
    /// Generates both chains and writes their PEM files.
    pub fn generate() -> Result<Self, String> {
        let dir = std::env::temp_dir().join(format!(
            "oxissl-bench-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        ));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let ecdsa = generate_chain(ChainKind::Ecdsa, &dir)?;
        let rsa = generate_chain(ChainKind::Rsa, &dir)?;
        Ok(Self { dir, ecdsa, rsa })
    }

    /// The chain of `kind`.
    pub fn chain(&self, kind: ChainKind) -> &Chain {
        match kind {
            ChainKind::Ecdsa => &self.ecdsa,
            ChainKind::Rsa => &self.rsa,
        }
    }

    /// Where the PEM files are.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn ca_params(name: &str) -> Result<CertificateParams, rcgen::Error> {
    let mut p = CertificateParams::new(Vec::<String>::new())?;
    p.distinguished_name.push(DnType::CommonName, name);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    Ok(p)
}

fn generate_chain(kind: ChainKind, dir: &Path) -> Result<Chain, String> {
    let err = |e: rcgen::Error| format!("{} chain: {e}", kind.label());
    let alg = kind.algorithm();

    let root_key = KeyPair::generate_for(alg).map_err(err)?;
    let root_params = ca_params("oxissl bench root").map_err(err)?;
    let root = root_params.self_signed(&root_key).map_err(err)?;
    let root_issuer = Issuer::from_params(&root_params, &root_key);

    let inter_key = KeyPair::generate_for(alg).map_err(err)?;
    let inter_params = ca_params("oxissl bench intermediate").map_err(err)?;
    let inter = inter_params
        .signed_by(&inter_key, &root_issuer)
        .map_err(err)?;
    let inter_issuer = Issuer::from_params(&inter_params, &inter_key);

    let leaf_key = KeyPair::generate_for(alg).map_err(err)?;
    let mut leaf_params = CertificateParams::new(vec![SERVER_NAME.to_owned()]).map_err(err)?;
    leaf_params
        .distinguished_name
        .push(DnType::CommonName, SERVER_NAME);
    leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    let leaf = leaf_params
        .signed_by(&leaf_key, &inter_issuer)
        .map_err(err)?;

    let stem = kind.file_stem();
    let write = |name: &str, text: String| -> Result<PathBuf, String> {
        let path = dir.join(format!("{stem}-{name}.pem"));
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(path)
    };
    Ok(Chain {
        kind,
        root_pem: write("root", root.pem())?,
        leaf_pem: write("leaf", leaf.pem())?,
        intermediate_pem: write("intermediate", inter.pem())?,
        key_pem: write("key", leaf_key.serialize_pem())?,
        root_der: root.der().to_vec(),
        intermediate_der: inter.der().to_vec(),
        leaf_der: leaf.der().to_vec(),
        leaf_key_pkcs8: leaf_key.serialize_der(),
    })
}
