//! The cryptographic provider: the algorithms the engine may use, as plain data, and thin typed
//! wrappers over the primitives. `aws_lc.rs` is the only file that names the crypto crate; the
//! rest of the engine only sees the types here.

mod aws_lc;

pub use aws_lc::{
    agree, generate_key_share, hkdf_expand, hkdf_extract, hmac, tls12_prf, verify_tag_eq, AeadKey,
    HashContext, HmacKey, KeyShare, PrivateKey, SystemRandom,
};

use crate::error::Error;
use crate::wire::enums::{CipherSuite, NamedGroup, SignatureScheme};

/// The largest hash output the engine handles (SHA-384).
pub const MAX_HASH_LEN: usize = 48;
/// The AEAD tag length of every suite the engine supports.
pub const AEAD_TAG_LEN: usize = 16;
/// The AEAD nonce length of every suite the engine supports (RFC 8446 §5.3: iv_length).
pub const AEAD_NONCE_LEN: usize = 12;

/// A source of randomness, injected through the configuration so tests are exact.
pub trait SecureRandom: Send + Sync {
    /// Fills `out` with random bytes.
    fn fill(&self, out: &mut [u8]) -> Result<(), Error>;
}

/// The kind of key a client signs its CertificateVerify with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigningKeyKind {
    /// ECDSA on P-256.
    EcdsaP256,
    /// ECDSA on P-384.
    EcdsaP384,
    /// RSA (2048 to 8192 bits).
    Rsa,
    /// Ed25519.
    Ed25519,
}

/// RFC 5246 §7.4.4: ClientCertificateType rsa_sign.
pub const CERT_TYPE_RSA_SIGN: u8 = 1;
/// RFC 8422 §5.5: ClientCertificateType ecdsa_sign (also for Ed25519 keys).
pub const CERT_TYPE_ECDSA_SIGN: u8 = 64;

impl SigningKeyKind {
    /// The schemes a key of this kind signs with, in preference order. RSASSA-PKCS1-v1_5 is
    /// listed last and only ever chosen in TLS 1.2 (RFC 8446 §4.2.3).
    pub const fn schemes(self) -> &'static [SignatureScheme] {
        match self {
            Self::EcdsaP256 => &[SignatureScheme::ECDSA_SECP256R1_SHA256],
            Self::EcdsaP384 => &[SignatureScheme::ECDSA_SECP384R1_SHA384],
            Self::Ed25519 => &[SignatureScheme::ED25519],
            Self::Rsa => &[
                SignatureScheme::RSA_PSS_RSAE_SHA256,
                SignatureScheme::RSA_PSS_RSAE_SHA384,
                SignatureScheme::RSA_PSS_RSAE_SHA512,
                SignatureScheme::RSA_PKCS1_SHA256,
                SignatureScheme::RSA_PKCS1_SHA384,
                SignatureScheme::RSA_PKCS1_SHA512,
            ],
        }
    }

    /// The TLS 1.2 ClientCertificateType a certificate with this key is (RFC 5246 §7.4.4,
    /// RFC 8422 §5.5).
    pub const fn tls12_certificate_type(self) -> u8 {
        match self {
            Self::Rsa => CERT_TYPE_RSA_SIGN,
            Self::EcdsaP256 | Self::EcdsaP384 | Self::Ed25519 => CERT_TYPE_ECDSA_SIGN,
        }
    }
}

/// A private key that signs for the client (its CertificateVerify). [`PrivateKey`] is the
/// aws-lc-rs implementation; other implementations (a hardware token, a test double) plug in
/// through `ClientCredential::new`.
pub trait SigningKey: Send + Sync {
    /// The kind of key, which decides the schemes it can sign with.
    fn kind(&self) -> SigningKeyKind;

    /// The public key as a DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), compared with the
    /// certificate's.
    fn public_key(&self) -> &[u8];

    /// Signs `message` with `scheme` (one of `kind().schemes()`).
    fn sign(&self, scheme: SignatureScheme, message: &[u8]) -> Result<Vec<u8>, Error>;
}

/// A hash algorithm used by the transcript and the key schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashAlgorithm {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
}

impl HashAlgorithm {
    /// Output length in bytes.
    pub const fn output_len(self) -> usize {
        match self {
            Self::Sha256 => 32,
            Self::Sha384 => 48,
        }
    }
}

/// An AEAD algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AeadAlgorithm {
    /// AES-128-GCM.
    Aes128Gcm,
    /// AES-256-GCM.
    Aes256Gcm,
    /// ChaCha20-Poly1305.
    Chacha20Poly1305,
}

impl AeadAlgorithm {
    /// Key length in bytes.
    pub const fn key_len(self) -> usize {
        match self {
            Self::Aes128Gcm => 16,
            Self::Aes256Gcm | Self::Chacha20Poly1305 => 32,
        }
    }
}

/// A TLS 1.3 cipher suite: its code, AEAD and hash (RFC 8446 §B.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tls13Suite {
    /// The wire code.
    pub suite: CipherSuite,
    /// The record protection algorithm.
    pub aead: AeadAlgorithm,
    /// The transcript and HKDF hash.
    pub hash: HashAlgorithm,
}

/// TLS_AES_128_GCM_SHA256.
pub const TLS13_AES_128_GCM_SHA256: Tls13Suite = Tls13Suite {
    suite: CipherSuite::TLS13_AES_128_GCM_SHA256,
    aead: AeadAlgorithm::Aes128Gcm,
    hash: HashAlgorithm::Sha256,
};
/// TLS_AES_256_GCM_SHA384.
pub const TLS13_AES_256_GCM_SHA384: Tls13Suite = Tls13Suite {
    suite: CipherSuite::TLS13_AES_256_GCM_SHA384,
    aead: AeadAlgorithm::Aes256Gcm,
    hash: HashAlgorithm::Sha384,
};
/// TLS_CHACHA20_POLY1305_SHA256.
pub const TLS13_CHACHA20_POLY1305_SHA256: Tls13Suite = Tls13Suite {
    suite: CipherSuite::TLS13_CHACHA20_POLY1305_SHA256,
    aead: AeadAlgorithm::Chacha20Poly1305,
    hash: HashAlgorithm::Sha256,
};

/// Every TLS 1.3 suite, in the default preference order.
pub const ALL_TLS13_SUITES: [Tls13Suite; 3] = [
    TLS13_AES_128_GCM_SHA256,
    TLS13_AES_256_GCM_SHA384,
    TLS13_CHACHA20_POLY1305_SHA256,
];

/// The TLS 1.3 suite for a wire code, if supported.
pub fn tls13_suite(code: CipherSuite) -> Option<Tls13Suite> {
    ALL_TLS13_SUITES.into_iter().find(|s| s.suite == code)
}

/// How a TLS 1.2 suite's server authenticates its ECDHE parameters (RFC 8422 §5.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls12Auth {
    /// ECDHE_ECDSA: an ECDSA (or EdDSA) certificate.
    Ecdsa,
    /// ECDHE_RSA: an RSA certificate.
    Rsa,
}

/// A TLS 1.2 ECDHE AEAD cipher suite (RFC 5288, RFC 5289, RFC 7905).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tls12Suite {
    /// The wire code.
    pub suite: CipherSuite,
    /// The record protection algorithm.
    pub aead: AeadAlgorithm,
    /// The PRF hash.
    pub hash: HashAlgorithm,
    /// The certificate type the suite requires.
    pub auth: Tls12Auth,
}

impl Tls12Suite {
    /// RFC 5288 §3: GCM takes a 4-byte salt from the key block and an 8-byte explicit nonce;
    /// RFC 7905 §2: ChaCha20-Poly1305 takes a 12-byte IV.
    pub const fn fixed_iv_len(&self) -> usize {
        match self.aead {
            AeadAlgorithm::Chacha20Poly1305 => 12,
            _ => 4,
        }
    }
}

macro_rules! tls12_suite {
    ($name:ident, $code:ident, $aead:ident, $hash:ident, $auth:ident) => {
        #[doc = concat!("TLS 1.2 ", stringify!($code), ".")]
        pub const $name: Tls12Suite = Tls12Suite {
            suite: CipherSuite::$code,
            aead: AeadAlgorithm::$aead,
            hash: HashAlgorithm::$hash,
            auth: Tls12Auth::$auth,
        };
    };
}

tls12_suite!(
    TLS12_ECDHE_ECDSA_AES_128_GCM,
    TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    Aes128Gcm,
    Sha256,
    Ecdsa
);
tls12_suite!(
    TLS12_ECDHE_RSA_AES_128_GCM,
    TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    Aes128Gcm,
    Sha256,
    Rsa
);
tls12_suite!(
    TLS12_ECDHE_ECDSA_AES_256_GCM,
    TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    Aes256Gcm,
    Sha384,
    Ecdsa
);
tls12_suite!(
    TLS12_ECDHE_RSA_AES_256_GCM,
    TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    Aes256Gcm,
    Sha384,
    Rsa
);
tls12_suite!(
    TLS12_ECDHE_ECDSA_CHACHA20,
    TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    Chacha20Poly1305,
    Sha256,
    Ecdsa
);
tls12_suite!(
    TLS12_ECDHE_RSA_CHACHA20,
    TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    Chacha20Poly1305,
    Sha256,
    Rsa
);

/// Every TLS 1.2 suite, in the default preference order.
pub const ALL_TLS12_SUITES: [Tls12Suite; 6] = [
    TLS12_ECDHE_ECDSA_AES_128_GCM,
    TLS12_ECDHE_RSA_AES_128_GCM,
    TLS12_ECDHE_ECDSA_AES_256_GCM,
    TLS12_ECDHE_RSA_AES_256_GCM,
    TLS12_ECDHE_ECDSA_CHACHA20,
    TLS12_ECDHE_RSA_CHACHA20,
];

/// The TLS 1.2 suite for a wire code, if supported.
pub fn tls12_suite(code: CipherSuite) -> Option<Tls12Suite> {
    ALL_TLS12_SUITES.into_iter().find(|s| s.suite == code)
}

/// Groups supported for key exchange, in the default preference order.
pub const ALL_GROUPS: [NamedGroup; 4] = [
    NamedGroup::X25519,
    NamedGroup::SECP256R1,
    NamedGroup::SECP384R1,
    NamedGroup::SECP521R1,
];

/// A secret of up to `N` bytes in place, wiped when dropped.
#[derive(Clone)]
pub struct FixedSecret<const N: usize> {
    buf: [u8; N],
    len: usize,
}

/// A hash-sized secret: key schedule values and digests.
pub type Secret = FixedSecret<MAX_HASH_LEN>;

/// The longest (EC)DHE shared secret: P-521's x-coordinate (RFC 8446 §7.4.2).
pub const MAX_SHARED_SECRET_LEN: usize = 66;

/// An (EC)DHE shared secret.
pub type SharedSecret = FixedSecret<MAX_SHARED_SECRET_LEN>;

impl<const N: usize> FixedSecret<N> {
    /// A secret holding a copy of `bytes` (at most `N` long).
    pub fn from_slice(bytes: &[u8]) -> Self {
        let mut buf = [0u8; N];
        buf[..bytes.len()].copy_from_slice(bytes);
        Self {
            buf,
            len: bytes.len(),
        }
    }

    /// An all-zero secret of `len` bytes (RFC 8446 §7.1: the zero input to HKDF-Extract).
    pub fn zeroes(len: usize) -> Self {
        Self { buf: [0u8; N], len }
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl<const N: usize> Drop for FixedSecret<N> {
    fn drop(&mut self) {
        self.buf.fill(0);
        core::hint::black_box(&self.buf);
    }
}

impl<const N: usize> core::fmt::Debug for FixedSecret<N> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Secret({} bytes)", self.len)
    }
}

/// A hash output.
pub type Digest = Secret;
