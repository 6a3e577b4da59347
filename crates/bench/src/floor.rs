//! The raw aws-lc-rs cost of what a client handshake and a bulk receive cannot avoid: X25519
//! key generation and agreement, the signature verifications (two certificate signatures and
//! CertificateVerify), and opening a 16 KiB AEAD record (out of place, no copy).

use aws_lc_rs::{aead, agreement, rand, rsa, signature};
use signature::KeyPair as _;

use crate::certs::ChainKind;
use crate::memory::RECORD;
use crate::params::Aead;

/// A primitive measured on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Primitive {
    /// Ephemeral X25519 key generation, public key and agreement with a peer share.
    X25519,
    /// ECDSA P-256 SHA-256 signature verification.
    EcdsaP256Verify,
    /// RSA-2048 PKCS#1 v1.5 SHA-256 verification (the RSA chain's certificate signatures).
    Rsa2048Pkcs1Verify,
    /// RSA-2048 PSS SHA-256 verification (TLS 1.3 CertificateVerify).
    Rsa2048PssVerify,
    /// Opening one 16 KiB record.
    Open(Aead),
}

impl Primitive {
    /// Every primitive, in table order.
    pub const ALL: [Primitive; 7] = [
        Primitive::X25519,
        Primitive::EcdsaP256Verify,
        Primitive::Rsa2048Pkcs1Verify,
        Primitive::Rsa2048PssVerify,
        Primitive::Open(Aead::Aes128Gcm),
        Primitive::Open(Aead::Aes256Gcm),
        Primitive::Open(Aead::Chacha20Poly1305),
    ];

    /// A table label.
    pub fn label(self) -> String {
        match self {
            Primitive::X25519 => "X25519 keygen + agree".into(),
            Primitive::EcdsaP256Verify => "ECDSA P-256 SHA-256 verify".into(),
            Primitive::Rsa2048Pkcs1Verify => "RSA-2048 PKCS#1 SHA-256 verify".into(),
            Primitive::Rsa2048PssVerify => "RSA-2048 PSS SHA-256 verify".into(),
            Primitive::Open(a) => format!("{} open, 16 KiB", a.label()),
        }
    }
}

/// What a full handshake with `chain` must compute at least: one X25519 exchange, two
/// certificate signatures (leaf by intermediate, intermediate by root) and the server's
/// handshake signature.
pub fn handshake_recipe(chain: ChainKind) -> [Primitive; 4] {
    match chain {
        ChainKind::Ecdsa => [
            Primitive::X25519,
            Primitive::EcdsaP256Verify,
            Primitive::EcdsaP256Verify,
            Primitive::EcdsaP256Verify,
        ],
        ChainKind::Rsa => [
            Primitive::X25519,
            Primitive::Rsa2048Pkcs1Verify,
            Primitive::Rsa2048Pkcs1Verify,
            Primitive::Rsa2048PssVerify,
        ],
    }
}

/// Prepared inputs: keys, messages and signatures made once.
pub struct Floor {
    rng: rand::SystemRandom,
    peer_x25519: Vec<u8>,
    message: Vec<u8>,
    ecdsa_public: Vec<u8>,
    ecdsa_sig: Vec<u8>,
    rsa_public: Vec<u8>,
    rsa_pkcs1_sig: Vec<u8>,
    rsa_pss_sig: Vec<u8>,
    sealed: Vec<(Aead, aead::LessSafeKey, Vec<u8>, Vec<u8>)>,
    out: Vec<u8>,
}

fn aead_alg(a: Aead) -> &'static aead::Algorithm {
    match a {
        Aead::Aes128Gcm => &aead::AES_128_GCM,
        Aead::Aes256Gcm => &aead::AES_256_GCM,
        Aead::Chacha20Poly1305 => &aead::CHACHA20_POLY1305,
    }
}

const NONCE: [u8; 12] = [7; 12];
const AAD: [u8; 5] = [23, 3, 3, 0x40, 0x11];

impl Floor {
    /// Makes the keys, a 256-byte message (about a certificate's signed part) and its
    /// signatures, and one sealed record per AEAD.
    pub fn new() -> Result<Self, String> {
        let e = |what: &str| format!("floor: {what}");
        let rng = rand::SystemRandom::new();
        let peer = agreement::PrivateKey::generate(&agreement::X25519).map_err(|_| e("x25519"))?;
        let peer_x25519 = peer
            .compute_public_key()
            .map_err(|_| e("x25519 public"))?
            .as_ref()
            .to_vec();
        let message: Vec<u8> = (0..256u32).map(|i| (i * 7) as u8).collect();

        let pkcs8 = signature::EcdsaKeyPair::generate_pkcs8(
            &signature::ECDSA_P256_SHA256_ASN1_SIGNING,
            &rng,
        )
        .map_err(|_| e("ecdsa key"))?;
        let ecdsa = signature::EcdsaKeyPair::from_pkcs8(
            &signature::ECDSA_P256_SHA256_ASN1_SIGNING,
            pkcs8.as_ref(),
        )
        .map_err(|_| e("ecdsa key"))?;
        let ecdsa_sig = ecdsa
            .sign(&rng, &message)
            .map_err(|_| e("ecdsa sign"))?
            .as_ref()
            .to_vec();

        let rsa_key = rsa::KeyPair::generate(rsa::KeySize::Rsa2048).map_err(|_| e("rsa key"))?;
        let mut rsa_pkcs1_sig = vec![0; rsa_key.public_modulus_len()];
        rsa_key
            .sign(
                &signature::RSA_PKCS1_SHA256,
                &rng,
                &message,
                &mut rsa_pkcs1_sig,
            )
            .map_err(|_| e("rsa sign"))?;
        let mut rsa_pss_sig = vec![0; rsa_key.public_modulus_len()];
        rsa_key
            .sign(&signature::RSA_PSS_SHA256, &rng, &message, &mut rsa_pss_sig)
            .map_err(|_| e("rsa pss sign"))?;

        let mut sealed = Vec::new();
        for a in Aead::ALL {
            let alg = aead_alg(a);
            let key_bytes = vec![0x42; alg.key_len()];
            let key = aead::LessSafeKey::new(
                aead::UnboundKey::new(alg, &key_bytes).map_err(|_| e("aead key"))?,
            );
            let mut ct = vec![0x5a; RECORD];
            let tag = key
                .seal_in_place_separate_tag(
                    aead::Nonce::assume_unique_for_key(NONCE),
                    aead::Aad::from(AAD),
                    &mut ct,
                )
                .map_err(|_| e("seal"))?;
            sealed.push((a, key, ct, tag.as_ref().to_vec()));
        }
        Ok(Self {
            rng,
            peer_x25519,
            message,
            ecdsa_public: ecdsa.public_key().as_ref().to_vec(),
            ecdsa_sig,
            rsa_public: rsa_key.public_key().as_ref().to_vec(),
            rsa_pkcs1_sig,
            rsa_pss_sig,
            sealed,
            out: vec![0; RECORD],
        })
    }

    /// Runs `p` once.
    pub fn run(&mut self, p: Primitive) -> Result<(), String> {
        let e = |what: &str| format!("floor: {what}");
        match p {
            Primitive::X25519 => {
                let key = agreement::EphemeralPrivateKey::generate(&agreement::X25519, &self.rng)
                    .map_err(|_| e("x25519"))?;
                let public = key.compute_public_key().map_err(|_| e("x25519"))?;
                std::hint::black_box(public.as_ref());
                let peer = agreement::UnparsedPublicKey::new(&agreement::X25519, &self.peer_x25519);
                agreement::agree_ephemeral(key, peer, (), |s| {
                    std::hint::black_box(s);
                    Ok(())
                })
                .map_err(|_| e("x25519 agree"))
            }
            Primitive::EcdsaP256Verify => signature::UnparsedPublicKey::new(
                &signature::ECDSA_P256_SHA256_ASN1,
                &self.ecdsa_public,
            )
            .verify(&self.message, &self.ecdsa_sig)
            .map_err(|_| e("ecdsa verify")),
            Primitive::Rsa2048Pkcs1Verify => signature::UnparsedPublicKey::new(
                &signature::RSA_PKCS1_2048_8192_SHA256,
                &self.rsa_public,
            )
            .verify(&self.message, &self.rsa_pkcs1_sig)
            .map_err(|_| e("rsa verify")),
            Primitive::Rsa2048PssVerify => signature::UnparsedPublicKey::new(
                &signature::RSA_PSS_2048_8192_SHA256,
                &self.rsa_public,
            )
            .verify(&self.message, &self.rsa_pss_sig)
            .map_err(|_| e("rsa pss verify")),
            Primitive::Open(a) => {
                let (_, key, ct, tag) = self
                    .sealed
                    .iter()
                    .find(|s| s.0 == a)
                    .ok_or_else(|| e("no key"))?;
                key.open_separate_gather(
                    aead::Nonce::assume_unique_for_key(NONCE),
                    aead::Aad::from(AAD),
                    ct,
                    tag,
                    &mut self.out,
                )
                .map_err(|_| e("open"))
            }
        }
    }
}
