//! The only file that names aws-lc-rs: hashes, HKDF, HMAC, AEAD seal/open in place, ECDHE key
//! shares, the client's signing keys and the system random generator.

use aws_lc_rs::encoding::{AsDer, PublicKeyX509Der};
use aws_lc_rs::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair, RsaKeyPair};
use aws_lc_rs::{aead, agreement, digest, hkdf, hmac as awshmac, rand, tls_prf};

use super::{
    AeadAlgorithm, Digest, HashAlgorithm, Secret, SecureRandom, SharedSecret, SigningKey,
    SigningKeyKind, AEAD_NONCE_LEN,
};
use crate::error::{CredentialError, Error, PeerMisbehaved};
use crate::wire::enums::{NamedGroup, SignatureScheme};

fn digest_alg(h: HashAlgorithm) -> &'static digest::Algorithm {
    match h {
        HashAlgorithm::Sha256 => &digest::SHA256,
        HashAlgorithm::Sha384 => &digest::SHA384,
    }
}

fn hkdf_alg(h: HashAlgorithm) -> hkdf::Algorithm {
    match h {
        HashAlgorithm::Sha256 => hkdf::HKDF_SHA256,
        HashAlgorithm::Sha384 => hkdf::HKDF_SHA384,
    }
}

fn hmac_alg(h: HashAlgorithm) -> awshmac::Algorithm {
    match h {
        HashAlgorithm::Sha256 => awshmac::HMAC_SHA256,
        HashAlgorithm::Sha384 => awshmac::HMAC_SHA384,
    }
}

/// A running hash whose current value can be read without ending it.
#[derive(Clone)]
pub struct HashContext(digest::Context);

impl HashContext {
    /// A new context for `alg`.
    pub fn new(alg: HashAlgorithm) -> Self {
        Self(digest::Context::new(digest_alg(alg)))
    }

    /// Adds bytes.
    pub fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    /// The hash of everything added so far.
    pub fn current(&self) -> Digest {
        Secret::from_slice(self.0.clone().finish().as_ref())
    }
}

/// HKDF-Extract(salt, ikm) (RFC 5869 §2.2).
pub fn hkdf_extract(alg: HashAlgorithm, salt: &[u8], ikm: &[u8]) -> Secret {
    // HKDF-Extract is HMAC(salt, ikm); computing it with HMAC keeps the PRK readable.
    hmac(alg, salt, &[ikm])
}

struct Len(usize);

impl hkdf::KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

/// HKDF-Expand(prk, info, len) (RFC 5869 §2.3), `info` given in pieces.
pub fn hkdf_expand(alg: HashAlgorithm, prk: &[u8], info: &[&[u8]], out: &mut [u8]) {
    let prk = hkdf::Prk::new_less_safe(hkdf_alg(alg), prk);
    // Lengths are fixed by the caller and never exceed 255 * HashLen.
    let okm = prk
        .expand(info, Len(out.len()))
        .expect("HKDF output length within 255 * HashLen");
    okm.fill(out).expect("HKDF fill with the requested length");
}

/// HMAC(key, data) with `data` given in pieces.
pub fn hmac(alg: HashAlgorithm, key: &[u8], data: &[&[u8]]) -> Secret {
    HmacKey::new(alg, key).sign(data)
}

/// An HMAC key set up once (its padded key blocks hashed) for several MACs.
pub struct HmacKey(awshmac::Key);

impl HmacKey {
    /// A key for `alg`.
    pub fn new(alg: HashAlgorithm, key: &[u8]) -> Self {
        Self(awshmac::Key::new(hmac_alg(alg), key))
    }

    /// HMAC(key, data) with `data` given in pieces.
    pub fn sign(&self, data: &[&[u8]]) -> Secret {
        let mut ctx = awshmac::Context::with_key(&self.0);
        for d in data {
            ctx.update(d);
        }
        Secret::from_slice(ctx.sign().as_ref())
    }
}

/// The TLS 1.2 PRF (RFC 5246 §5) with the suite's hash: fills `out` from
/// PRF(secret, label, seed1 || seed2).
pub fn tls12_prf(
    alg: HashAlgorithm,
    secret: &[u8],
    label: &[u8],
    seed1: &[u8],
    seed2: &[u8],
    out: &mut [u8],
) -> Result<(), Error> {
    let p = match alg {
        HashAlgorithm::Sha256 => &tls_prf::P_SHA256,
        HashAlgorithm::Sha384 => &tls_prf::P_SHA384,
    };
    let derived = tls_prf::Secret::new(p, secret)
        .and_then(|s| s.derive_with_seed_concatination(label, seed1, seed2, out.len()))
        .map_err(|_| Error::Internal("TLS 1.2 PRF"))?;
    out.copy_from_slice(derived.as_ref());
    Ok(())
}

/// Compares two MACs in constant time.
pub fn verify_tag_eq(a: &[u8], b: &[u8]) -> bool {
    aws_lc_rs::constant_time::verify_slices_are_equal(a, b).is_ok()
}

/// An AEAD key ready to seal or open records in place.
pub struct AeadKey(aead::LessSafeKey);

impl AeadKey {
    /// A key for `alg` from raw key bytes.
    pub fn new(alg: AeadAlgorithm, key: &[u8]) -> Result<Self, Error> {
        let a = match alg {
            AeadAlgorithm::Aes128Gcm => &aead::AES_128_GCM,
            AeadAlgorithm::Aes256Gcm => &aead::AES_256_GCM,
            AeadAlgorithm::Chacha20Poly1305 => &aead::CHACHA20_POLY1305,
        };
        let k = aead::UnboundKey::new(a, key).map_err(|_| Error::Internal("AEAD key setup"))?;
        Ok(Self(aead::LessSafeKey::new(k)))
    }

    /// Encrypts `in_out` in place and returns the tag.
    pub fn seal_in_place(
        &self,
        nonce: [u8; AEAD_NONCE_LEN],
        aad: &[u8],
        in_out: &mut [u8],
    ) -> Result<[u8; 16], Error> {
        let tag = self
            .0
            .seal_in_place_separate_tag(
                aead::Nonce::assume_unique_for_key(nonce),
                aead::Aad::from(aad),
                in_out,
            )
            .map_err(|_| Error::Internal("AEAD seal"))?;
        let mut out = [0u8; 16];
        out.copy_from_slice(tag.as_ref());
        Ok(out)
    }

    /// Decrypts `in_out` (ciphertext then tag) in place; returns the plaintext length.
    pub fn open_in_place(
        &self,
        nonce: [u8; AEAD_NONCE_LEN],
        aad: &[u8],
        in_out: &mut [u8],
    ) -> Result<usize, Error> {
        self.0
            .open_in_place(
                aead::Nonce::assume_unique_for_key(nonce),
                aead::Aad::from(aad),
                in_out,
            )
            .map(|p| p.len())
            .map_err(|_| Error::DecryptFailed)
    }

    /// Decrypts `ciphertext` with its `tag` into `out` (of the ciphertext's length).
    pub fn open_into(
        &self,
        nonce: [u8; AEAD_NONCE_LEN],
        aad: &[u8],
        ciphertext: &[u8],
        tag: &[u8],
        out: &mut [u8],
    ) -> Result<(), Error> {
        self.0
            .open_separate_gather(
                aead::Nonce::assume_unique_for_key(nonce),
                aead::Aad::from(aad),
                ciphertext,
                tag,
                out,
            )
            .map_err(|_| Error::DecryptFailed)
    }
}

/// The operating system's random generator.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemRandom;

impl SecureRandom for SystemRandom {
    fn fill(&self, out: &mut [u8]) -> Result<(), Error> {
        rand::fill(out).map_err(|_| Error::Internal("system random generator failed"))
    }
}

/// A client signing key held by aws-lc: ECDSA P-256/P-384, RSA (2048-8192 bits) or Ed25519.
pub struct PrivateKey {
    key: KeyPairKind,
    /// The DER SubjectPublicKeyInfo.
    spki: Vec<u8>,
}

enum KeyPairKind {
    EcdsaP256(EcdsaKeyPair),
    EcdsaP384(EcdsaKeyPair),
    Rsa(RsaKeyPair),
    Ed25519(Ed25519KeyPair),
}

fn spki_of<K: AsDer<PublicKeyX509Der<'static>>>(public: &K) -> Result<Vec<u8>, CredentialError> {
    public
        .as_der()
        .map(|d| d.as_ref().to_vec())
        .map_err(|_| CredentialError::UnsupportedKey)
}

impl PrivateKey {
    /// A key from unencrypted DER: PKCS#8 (RFC 5208) of any supported type, PKCS#1
    /// RSAPrivateKey (RFC 8017 §A.1.2) or SEC1 ECPrivateKey (RFC 5915).
    pub fn from_der(der: &[u8]) -> Result<Self, CredentialError> {
        let key = if let Ok(k) =
            EcdsaKeyPair::from_private_key_der(&signature::ECDSA_P256_SHA256_ASN1_SIGNING, der)
        {
            KeyPairKind::EcdsaP256(k)
        } else if let Ok(k) =
            EcdsaKeyPair::from_private_key_der(&signature::ECDSA_P384_SHA384_ASN1_SIGNING, der)
        {
            KeyPairKind::EcdsaP384(k)
        } else if let Ok(k) = RsaKeyPair::from_pkcs8(der).or_else(|_| RsaKeyPair::from_der(der)) {
            KeyPairKind::Rsa(k)
        } else if let Ok(k) = Ed25519KeyPair::from_pkcs8(der) {
            KeyPairKind::Ed25519(k)
        } else {
            return Err(CredentialError::UnsupportedKey);
        };
        let spki = match &key {
            KeyPairKind::EcdsaP256(k) | KeyPairKind::EcdsaP384(k) => spki_of(k.public_key())?,
            KeyPairKind::Rsa(k) => spki_of(k.public_key())?,
            KeyPairKind::Ed25519(k) => spki_of(k.public_key())?,
        };
        Ok(Self { key, spki })
    }
}

impl SigningKey for PrivateKey {
    fn kind(&self) -> SigningKeyKind {
        match self.key {
            KeyPairKind::EcdsaP256(_) => SigningKeyKind::EcdsaP256,
            KeyPairKind::EcdsaP384(_) => SigningKeyKind::EcdsaP384,
            KeyPairKind::Rsa(_) => SigningKeyKind::Rsa,
            KeyPairKind::Ed25519(_) => SigningKeyKind::Ed25519,
        }
    }

    fn public_key(&self) -> &[u8] {
        &self.spki
    }

    /// The one place the engine does not use the injected random source: aws-lc draws the
    /// ECDSA nonce and the RSA-PSS salt from its own generator (Ed25519 and PKCS#1 v1.5 are
    /// deterministic).
    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> Result<Vec<u8>, Error> {
        use SignatureScheme as S;
        let failed = |_| Error::Internal("signing the CertificateVerify failed");
        match (&self.key, scheme) {
            (KeyPairKind::EcdsaP256(k), S::ECDSA_SECP256R1_SHA256)
            | (KeyPairKind::EcdsaP384(k), S::ECDSA_SECP384R1_SHA384) => k
                .sign(&rand::SystemRandom::new(), message)
                .map(|s| s.as_ref().to_vec())
                .map_err(failed),
            (KeyPairKind::Ed25519(k), S::ED25519) => Ok(k.sign(message).as_ref().to_vec()),
            (KeyPairKind::Rsa(k), _) => {
                let padding: &'static dyn signature::RsaEncoding = match scheme {
                    S::RSA_PSS_RSAE_SHA256 => &signature::RSA_PSS_SHA256,
                    S::RSA_PSS_RSAE_SHA384 => &signature::RSA_PSS_SHA384,
                    S::RSA_PSS_RSAE_SHA512 => &signature::RSA_PSS_SHA512,
                    S::RSA_PKCS1_SHA256 => &signature::RSA_PKCS1_SHA256,
                    S::RSA_PKCS1_SHA384 => &signature::RSA_PKCS1_SHA384,
                    S::RSA_PKCS1_SHA512 => &signature::RSA_PKCS1_SHA512,
                    _ => return Err(Error::Internal("signature scheme does not fit the key")),
                };
                let mut sig = vec![0u8; k.public_modulus_len()];
                k.sign(padding, &rand::SystemRandom::new(), message, &mut sig)
                    .map_err(failed)?;
                Ok(sig)
            }
            _ => Err(Error::Internal("signature scheme does not fit the key")),
        }
    }
}

impl core::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "PrivateKey({:?})", self.kind())
    }
}

/// A client key share: the private key and its encoded public value.
pub struct KeyShare {
    group: NamedGroup,
    private: agreement::PrivateKey,
    public: Vec<u8>,
}

impl KeyShare {
    /// The group.
    pub fn group(&self) -> NamedGroup {
        self.group
    }

    /// The public value as sent in key_share (RFC 8446 §4.2.8.2).
    pub fn public(&self) -> &[u8] {
        &self.public
    }
}

fn agreement_alg(group: NamedGroup) -> Option<(&'static agreement::Algorithm, usize)> {
    Some(match group {
        NamedGroup::X25519 => (&agreement::X25519, 32),
        NamedGroup::SECP256R1 => (&agreement::ECDH_P256, 32),
        NamedGroup::SECP384R1 => (&agreement::ECDH_P384, 48),
        NamedGroup::SECP521R1 => (&agreement::ECDH_P521, 66),
        _ => return None,
    })
}

/// Attempts at drawing a valid NIST private scalar before giving up (each fails with
/// probability about 2^-32 for P-256 and less for P-384 and P-521).
const MAX_KEYGEN_ATTEMPTS: usize = 8;

/// The longest private scalar drawn: P-521's 66 bytes.
const MAX_SCALAR_LEN: usize = 66;

/// Generates a key share for `group` from the injected random source.
pub fn generate_key_share(group: NamedGroup, rng: &dyn SecureRandom) -> Result<KeyShare, Error> {
    let (alg, len) = agreement_alg(group).ok_or(Error::Unsupported("key exchange group"))?;
    let mut seed = [0u8; MAX_SCALAR_LEN];
    for _ in 0..MAX_KEYGEN_ATTEMPTS {
        rng.fill(&mut seed[..len])?;
        if group == NamedGroup::SECP521R1 {
            // A 521-bit scalar in 66 bytes: the top 7 bits are zero.
            seed[0] &= 0x01;
        }
        // A NIST scalar outside [1, n-1] is rejected: draw again.
        if let Ok(private) = agreement::PrivateKey::from_private_key(alg, &seed[..len]) {
            seed.fill(0);
            let public = private
                .compute_public_key()
                .map_err(|_| Error::Internal("public key computation"))?
                .as_ref()
                .to_vec();
            return Ok(KeyShare {
                group,
                private,
                public,
            });
        }
    }
    Err(Error::Internal("could not draw a valid private key"))
}

/// ECDHE: the shared secret from our share and the peer's public value (RFC 8446 §7.4).
pub fn agree(share: &KeyShare, peer_public: &[u8]) -> Result<SharedSecret, Error> {
    let (alg, _) = agreement_alg(share.group).ok_or(Error::Unsupported("key exchange group"))?;
    // RFC 8446 §4.2.8.2: X25519 shares are 32 bytes; NIST shares are uncompressed points.
    let expected_len = match share.group {
        NamedGroup::X25519 => 32,
        NamedGroup::SECP256R1 => 65,
        NamedGroup::SECP384R1 => 97,
        _ => 133,
    };
    if peer_public.len() != expected_len {
        return Err(PeerMisbehaved::InvalidKeyShare.into());
    }
    let peer = agreement::UnparsedPublicKey::new(alg, peer_public);
    // aws-lc rejects invalid points and the all-zero X25519 output (RFC 8446 §7.4.2).
    agreement::agree(
        &share.private,
        peer,
        Error::from(PeerMisbehaved::InvalidKeyShare),
        |s| Ok(SharedSecret::from_slice(s)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed(Vec<u8>);
    impl SecureRandom for Fixed {
        fn fill(&self, out: &mut [u8]) -> Result<(), Error> {
            out.copy_from_slice(&self.0[..out.len()]);
            Ok(())
        }
    }

    #[test]
    fn x25519_rfc7748_vector() {
        // RFC 7748 §6.1.
        let alice = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        let bob_pub = hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        let share = generate_key_share(NamedGroup::X25519, &Fixed(alice)).unwrap();
        assert_eq!(
            share.public(),
            hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
        );
        let s = agree(&share, &bob_pub).unwrap();
        assert_eq!(
            s.as_bytes(),
            hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")
        );
    }

    #[test]
    fn rejects_bad_peer_points() {
        let share = generate_key_share(NamedGroup::SECP256R1, &SystemRandom).unwrap();
        assert!(agree(&share, &[4u8; 65]).is_err());
        assert!(agree(&share, &[4u8; 10]).is_err());
        let share = generate_key_share(NamedGroup::X25519, &SystemRandom).unwrap();
        assert!(agree(&share, &[0u8; 32]).is_err());
    }

    #[test]
    fn nist_groups_agree_both_ways() {
        // Each side's secret from the other's public point: the x-coordinate, 32 / 48 / 66
        // bytes (RFC 8446 §7.4.2); points are uncompressed, 65 / 97 / 133 bytes (§4.2.8.2).
        for (group, point, secret) in [
            (NamedGroup::SECP256R1, 65, 32),
            (NamedGroup::SECP384R1, 97, 48),
            (NamedGroup::SECP521R1, 133, 66),
        ] {
            // 0x7f draws: P-521's 66 bytes only make a scalar below its order with the top 7
            // bits cleared.
            let a = generate_key_share(group, &Fixed(vec![0x7f; 66])).unwrap();
            let b = generate_key_share(group, &Fixed(vec![0x22; 66])).unwrap();
            assert_eq!((a.public().len(), a.public()[0]), (point, 4));
            let ab = agree(&a, b.public()).unwrap();
            assert_eq!(ab.as_bytes().len(), secret);
            assert_eq!(ab.as_bytes(), agree(&b, a.public()).unwrap().as_bytes());
            assert!(agree(&a, &b.public()[1..]).is_err());
        }
    }
    #[test]
    fn aead_round_trip_and_tamper() {
        let k = AeadKey::new(AeadAlgorithm::Chacha20Poly1305, &[7u8; 32]).unwrap();
        let mut buf = b"hello".to_vec();
        let tag = k.seal_in_place([1; 12], b"aad", &mut buf).unwrap();
        buf.extend_from_slice(&tag);
        let mut copy = buf.clone();
        assert_eq!(k.open_in_place([1; 12], b"aad", &mut copy).unwrap(), 5);
        assert_eq!(&copy[..5], b"hello");
        buf[0] ^= 1;
        assert_eq!(
            k.open_in_place([1; 12], b"aad", &mut buf),
            Err(Error::DecryptFailed)
        );
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }
}
