//! Server authentication: the `ServerCertVerifier` trait, a root store (PEM file, directory or
//! the system store) and the rustls-webpki implementation (chain to a trusted root at the
//! injected time, EKU serverAuth, host name or IP address), plus TLS 1.3 CertificateVerify
//! signature checks.

mod cache;
mod der;

use std::path::Path;
use std::sync::Arc;

pub use cache::{
    VerificationCache, MAX_BYTES as CACHE_MAX_BYTES, MAX_ENTRIES as CACHE_MAX_ENTRIES,
    MAX_ENTRY_AGE as CACHE_MAX_AGE,
};
use der::is_self_issued;
#[cfg(test)]
use der::issuer_and_subject;
pub use der::subject_public_key_info;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{
    CertificateDer, ServerName, SignatureVerificationAlgorithm, TrustAnchor, UnixTime,
};
use webpki::aws_lc_rs as algs;

use crate::error::{CertificateError, Error, PeerMisbehaved};
use crate::wire::enums::SignatureScheme;

/// Decides whether the server's certificate chain is acceptable and checks its signatures.
pub trait ServerCertVerifier: Send + Sync {
    /// Verifies the chain (`end_entity` first, then `intermediates` as sent) for `name` at `now`.
    /// `name` is `None` when the caller asked for no name check.
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        name: Option<&ServerName<'_>>,
        now: UnixTime,
    ) -> Result<(), CertificateError>;

    /// Verifies a TLS 1.3 CertificateVerify signature over `message` with the end-entity key.
    fn verify_tls13_signature(
        &self,
        end_entity: &CertificateDer<'_>,
        scheme: SignatureScheme,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), Error> {
        verify_tls13_signature(end_entity, scheme, message, signature)
    }

    /// Verifies a TLS 1.2 ServerKeyExchange signature over `message` with the end-entity key.
    fn verify_tls12_signature(
        &self,
        end_entity: &CertificateDer<'_>,
        scheme: SignatureScheme,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), Error> {
        verify_tls12_signature(end_entity, scheme, message, signature)
    }
}

/// Signature schemes this client accepts in a TLS 1.3 CertificateVerify (RFC 8446 §4.2.3: RSA
/// signatures MUST use RSASSA-PSS; no SHA-1), in preference order.
pub const TLS13_SCHEMES: &[SignatureScheme] = &[
    SignatureScheme::ECDSA_SECP256R1_SHA256,
    SignatureScheme::ECDSA_SECP384R1_SHA384,
    SignatureScheme::ED25519,
    SignatureScheme::RSA_PSS_RSAE_SHA256,
    SignatureScheme::RSA_PSS_RSAE_SHA384,
    SignatureScheme::RSA_PSS_RSAE_SHA512,
];

/// Schemes offered in signature_algorithms when TLS 1.2 is enabled: the TLS 1.3 ones plus
/// RSASSA-PKCS1-v1_5, which TLS 1.2 servers use for ServerKeyExchange (RFC 5246 §7.4.1.4.1).
/// TLS 1.3 CertificateVerify still accepts only `TLS13_SCHEMES`.
pub const TLS12_SCHEMES: &[SignatureScheme] = &[
    SignatureScheme::ECDSA_SECP256R1_SHA256,
    SignatureScheme::ECDSA_SECP384R1_SHA384,
    SignatureScheme::ED25519,
    SignatureScheme::RSA_PSS_RSAE_SHA256,
    SignatureScheme::RSA_PSS_RSAE_SHA384,
    SignatureScheme::RSA_PSS_RSAE_SHA512,
    SignatureScheme::RSA_PKCS1_SHA256,
    SignatureScheme::RSA_PKCS1_SHA384,
    SignatureScheme::RSA_PKCS1_SHA512,
];

/// The most schemes signature_algorithms can carry from a configured list: every scheme this
/// client verifies (`TLS12_SCHEMES` holds `TLS13_SCHEMES`), each at most once.
pub const MAX_OFFERED_SCHEMES: usize = TLS12_SCHEMES.len();

/// The schemes a ClientHello offers in signature_algorithms (and so the only ones accepted in
/// the server's CertificateVerify or ServerKeyExchange): the configured list in its order,
/// without duplicates, keeping only the schemes this client verifies for the versions offered
/// (`TLS12_SCHEMES` when TLS 1.2 is offered, else `TLS13_SCHEMES`: RFC 8446 §4.2.3 keeps
/// RSASSA-PKCS1-v1_5 for TLS 1.2). SHA-1 and other legacy schemes are never in either list, so
/// a configuration naming them cannot make the client offer or accept them. Fixed capacity:
/// building it allocates nothing.
#[derive(Clone, Copy)]
pub(crate) struct OfferedSchemes {
    schemes: [SignatureScheme; MAX_OFFERED_SCHEMES],
    len: usize,
}

impl OfferedSchemes {
    pub fn new(configured: &[SignatureScheme], tls12: bool) -> Self {
        let supported = if tls12 { TLS12_SCHEMES } else { TLS13_SCHEMES };
        let mut out = Self {
            schemes: [SignatureScheme(0); MAX_OFFERED_SCHEMES],
            len: 0,
        };
        for &scheme in configured {
            if out.len < MAX_OFFERED_SCHEMES
                && supported.contains(&scheme)
                && !out.as_slice().contains(&scheme)
            {
                out.schemes[out.len] = scheme;
                out.len += 1;
            }
        }
        out
    }

    pub fn as_slice(&self) -> &[SignatureScheme] {
        &self.schemes[..self.len]
    }
}

/// Whether a server signature with `scheme` is acceptable under the configured list: TLS 1.3
/// CertificateVerify (RFC 8446 §4.4.3) or TLS 1.2 ServerKeyExchange (RFC 5246 §7.4.3), each
/// limited to the schemes offered for it.
pub(crate) fn scheme_accepted(
    configured: &[SignatureScheme],
    scheme: SignatureScheme,
    tls13: bool,
) -> bool {
    let supported = if tls13 { TLS13_SCHEMES } else { TLS12_SCHEMES };
    supported.contains(&scheme) && configured.contains(&scheme)
}

/// Schemes accepted inside certificate chains (signature_algorithms_cert): the above plus
/// RSASSA-PKCS1-v1_5 and P-521, which CAs still use.
pub const CERT_SCHEMES: &[SignatureScheme] = &[
    SignatureScheme::ECDSA_SECP256R1_SHA256,
    SignatureScheme::ECDSA_SECP384R1_SHA384,
    SignatureScheme::ECDSA_SECP521R1_SHA512,
    SignatureScheme::ED25519,
    SignatureScheme::RSA_PSS_RSAE_SHA256,
    SignatureScheme::RSA_PSS_RSAE_SHA384,
    SignatureScheme::RSA_PSS_RSAE_SHA512,
    SignatureScheme::RSA_PKCS1_SHA256,
    SignatureScheme::RSA_PKCS1_SHA384,
    SignatureScheme::RSA_PKCS1_SHA512,
];

/// The algorithms webpki may use inside chains.
static CHAIN_ALGS: &[&dyn SignatureVerificationAlgorithm] = &[
    algs::ECDSA_P256_SHA256,
    algs::ECDSA_P256_SHA384,
    algs::ECDSA_P384_SHA256,
    algs::ECDSA_P384_SHA384,
    algs::ECDSA_P521_SHA256,
    algs::ECDSA_P521_SHA384,
    algs::ECDSA_P521_SHA512,
    algs::ED25519,
    algs::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
    algs::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
    algs::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
    algs::RSA_PKCS1_2048_8192_SHA256,
    algs::RSA_PKCS1_2048_8192_SHA384,
    algs::RSA_PKCS1_2048_8192_SHA512,
    algs::RSA_PKCS1_3072_8192_SHA384,
];

fn tls13_alg(scheme: SignatureScheme) -> Option<&'static dyn SignatureVerificationAlgorithm> {
    Some(match scheme {
        SignatureScheme::ECDSA_SECP256R1_SHA256 => algs::ECDSA_P256_SHA256,
        SignatureScheme::ECDSA_SECP384R1_SHA384 => algs::ECDSA_P384_SHA384,
        SignatureScheme::ED25519 => algs::ED25519,
        SignatureScheme::RSA_PSS_RSAE_SHA256 => algs::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
        SignatureScheme::RSA_PSS_RSAE_SHA384 => algs::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
        SignatureScheme::RSA_PSS_RSAE_SHA512 => algs::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
        _ => return None,
    })
}

type Algs = &'static [&'static dyn SignatureVerificationAlgorithm];

static TLS12_ECDSA_SHA256: Algs = &[algs::ECDSA_P256_SHA256, algs::ECDSA_P384_SHA256];
static TLS12_ECDSA_SHA384: Algs = &[algs::ECDSA_P384_SHA384, algs::ECDSA_P256_SHA384];
static TLS12_ED25519: Algs = &[algs::ED25519];
static TLS12_PSS_SHA256: Algs = &[algs::RSA_PSS_2048_8192_SHA256_LEGACY_KEY];
static TLS12_PSS_SHA384: Algs = &[algs::RSA_PSS_2048_8192_SHA384_LEGACY_KEY];
static TLS12_PSS_SHA512: Algs = &[algs::RSA_PSS_2048_8192_SHA512_LEGACY_KEY];
static TLS12_PKCS1_SHA256: Algs = &[algs::RSA_PKCS1_2048_8192_SHA256];
static TLS12_PKCS1_SHA384: Algs = &[algs::RSA_PKCS1_2048_8192_SHA384];
static TLS12_PKCS1_SHA512: Algs = &[algs::RSA_PKCS1_2048_8192_SHA512];

/// TLS 1.2 algorithms for a scheme. RFC 5246 §7.4.1.4.1: an ECDSA scheme names the hash, not
/// the curve, so both NIST curves are tried.
fn tls12_algs(scheme: SignatureScheme) -> Algs {
    match scheme {
        SignatureScheme::ECDSA_SECP256R1_SHA256 => TLS12_ECDSA_SHA256,
        SignatureScheme::ECDSA_SECP384R1_SHA384 => TLS12_ECDSA_SHA384,
        SignatureScheme::ED25519 => TLS12_ED25519,
        SignatureScheme::RSA_PSS_RSAE_SHA256 => TLS12_PSS_SHA256,
        SignatureScheme::RSA_PSS_RSAE_SHA384 => TLS12_PSS_SHA384,
        SignatureScheme::RSA_PSS_RSAE_SHA512 => TLS12_PSS_SHA512,
        SignatureScheme::RSA_PKCS1_SHA256 => TLS12_PKCS1_SHA256,
        SignatureScheme::RSA_PKCS1_SHA384 => TLS12_PKCS1_SHA384,
        SignatureScheme::RSA_PKCS1_SHA512 => TLS12_PKCS1_SHA512,
        _ => &[],
    }
}

/// Checks a TLS 1.2 ServerKeyExchange signature with webpki's algorithms.
pub fn verify_tls12_signature(
    end_entity: &CertificateDer<'_>,
    scheme: SignatureScheme,
    message: &[u8],
    signature: &[u8],
) -> Result<(), Error> {
    let algs = tls12_algs(scheme);
    if algs.is_empty() {
        return Err(PeerMisbehaved::UnofferedSignatureScheme(scheme.0).into());
    }
    let cert = webpki::EndEntityCert::try_from(end_entity)
        .map_err(|_| Error::Certificate(CertificateError::BadEncoding))?;
    if algs
        .iter()
        .any(|alg| cert.verify_signature(*alg, message, signature).is_ok())
    {
        Ok(())
    } else {
        // RFC 5246 §7.4.3: a signature that does not verify -> decrypt_error.
        Err(PeerMisbehaved::BadSignature.into())
    }
}

/// Checks a TLS 1.3 CertificateVerify signature with webpki's algorithms.
pub fn verify_tls13_signature(
    end_entity: &CertificateDer<'_>,
    scheme: SignatureScheme,
    message: &[u8],
    signature: &[u8],
) -> Result<(), Error> {
    let alg = tls13_alg(scheme).ok_or(PeerMisbehaved::UnofferedSignatureScheme(scheme.0))?;
    let cert = webpki::EndEntityCert::try_from(end_entity)
        .map_err(|_| Error::Certificate(CertificateError::BadEncoding))?;
    // RFC 8446 §4.4.3: a signature that does not verify -> decrypt_error; that includes a
    // scheme that does not fit the certificate's key.
    cert.verify_signature(alg, message, signature)
        .map_err(|_| PeerMisbehaved::BadSignature.into())
}

/// Trusted roots, and the verdicts reached with exactly this set (see `VerificationCache`).
#[derive(Debug, Clone, Default)]
pub struct RootStore {
    anchors: Vec<TrustAnchor<'static>>,
    cache: Arc<VerificationCache>,
}

/// Where the system keeps its roots (Debian's layout, as OpenSSL's default paths).
pub const SYSTEM_CA_FILE: &str = "/etc/ssl/certs/ca-certificates.crt";
/// The system's hashed CA directory.
pub const SYSTEM_CA_DIR: &str = "/etc/ssl/certs";

impl RootStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of trust anchors.
    pub fn len(&self) -> usize {
        self.anchors.len()
    }

    /// Whether the store is empty.
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }

    /// Adds one DER certificate as a trust anchor.
    pub fn add_der(&mut self, der: &[u8]) -> Result<(), CertificateError> {
        let cert = CertificateDer::from(der);
        let anchor = webpki::anchor_from_trusted_cert(&cert)
            .map_err(|_| CertificateError::BadEncoding)?
            .to_owned();
        if !self.anchors.iter().any(|a| {
            a.subject == anchor.subject
                && a.subject_public_key_info == anchor.subject_public_key_info
        }) {
            self.anchors.push(anchor);
            // Verdicts reached with the old set say nothing about the new one.
            self.cache = Arc::new(VerificationCache::default());
        }
        Ok(())
    }

    /// The verdicts cached for this anchor set.
    pub fn verification_cache(&self) -> &VerificationCache {
        &self.cache
    }

    /// Adds every certificate in PEM text; returns how many were added.
    pub fn add_pem(&mut self, pem: &[u8]) -> usize {
        CertificateDer::pem_slice_iter(pem)
            .filter_map(Result::ok)
            .filter(|c| self.add_der(c).is_ok())
            .count()
    }

    /// Adds every certificate in a PEM file (OpenSSL's CAfile).
    pub fn add_pem_file(&mut self, path: impl AsRef<Path>) -> std::io::Result<usize> {
        let data = std::fs::read(path)?;
        Ok(self.add_pem(&data))
    }

    /// Adds every PEM certificate in a directory, hashed (`xxxxxxxx.0`) or plainly named
    /// (OpenSSL's CApath).
    pub fn add_dir(&mut self, path: impl AsRef<Path>) -> std::io::Result<usize> {
        let mut n = 0;
        for entry in std::fs::read_dir(path)? {
            let p = entry?.path();
            if p.is_file() {
                if let Ok(data) = std::fs::read(&p) {
                    n += self.add_pem(&data);
                }
            }
        }
        Ok(n)
    }

    /// The system store: `SSL_CERT_FILE` / `SSL_CERT_DIR` when set (as OpenSSL honours them),
    /// else the Debian bundle, else the hashed directory.
    pub fn system() -> Self {
        let mut store = Self::new();
        let file = std::env::var_os("SSL_CERT_FILE");
        let dir = std::env::var_os("SSL_CERT_DIR");
        if file.is_some() || dir.is_some() {
            if let Some(f) = file {
                let _ = store.add_pem_file(f);
            }
            if let Some(d) = dir {
                for d in std::env::split_paths(&d) {
                    let _ = store.add_dir(d);
                }
            }
        } else if store.add_pem_file(SYSTEM_CA_FILE).unwrap_or(0) == 0 {
            let _ = store.add_dir(SYSTEM_CA_DIR);
        }
        store
    }
}

/// The default verifier: rustls-webpki against a `RootStore`.
#[derive(Debug, Clone)]
pub struct WebPkiVerifier {
    roots: Arc<RootStore>,
    /// Maximum number of intermediates (OpenSSL's verify depth); `None` for webpki's own bound.
    max_depth: Option<usize>,
    /// Whether verdicts are cached for repeat contact (on by default).
    use_cache: bool,
}

impl WebPkiVerifier {
    /// A verifier trusting `roots`.
    pub fn new(roots: RootStore) -> Self {
        Self::from_shared(Arc::new(roots))
    }

    /// A verifier over a store shared with other verifiers (no copy of the anchors).
    pub fn from_shared(roots: Arc<RootStore>) -> Self {
        Self {
            roots,
            max_depth: None,
            use_cache: true,
        }
    }

    /// Verifies every chain from scratch: no verdict cache (see `VerificationCache`).
    pub fn without_cache(mut self) -> Self {
        self.use_cache = false;
        self
    }

    /// Limits the number of intermediates allowed (OpenSSL's `SSL_CTX_set_verify_depth`).
    pub fn with_max_depth(mut self, depth: usize) -> Self {
        self.max_depth = Some(depth);
        self
    }

    /// The trusted roots.
    pub fn roots(&self) -> &RootStore {
        &self.roots
    }
}

impl ServerCertVerifier for WebPkiVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        name: Option<&ServerName<'_>>,
        now: UnixTime,
    ) -> Result<(), CertificateError> {
        let cache = self.use_cache.then(|| {
            let cache = &self.roots.cache;
            (
                cache.key(end_entity, intermediates, name, self.max_depth),
                cache,
            )
        });
        if let Some((key, cache)) = &cache {
            if cache.hit(key, now) {
                return Ok(());
            }
        }
        let cert = webpki::EndEntityCert::try_from(end_entity)
            .map_err(|_| CertificateError::BadEncoding)?;
        let depth_check = |path: &webpki::VerifiedPath<'_>| match self.max_depth {
            Some(max) if path.intermediate_certificates().count() > max => {
                Err(webpki::Error::MaximumPathDepthExceeded)
            }
            _ => Ok(()),
        };
        cert.verify_for_usage(
            CHAIN_ALGS,
            &self.roots.anchors,
            intermediates,
            now,
            webpki::KeyUsage::server_auth(),
            None,
            Some(&depth_check),
        )
        .map_err(|e| map_webpki_error(e, end_entity, intermediates))?;
        if let Some(name) = name {
            cert.verify_is_valid_for_subject_name(name)
                .map_err(|_| match name {
                    ServerName::IpAddress(_) => CertificateError::NotValidForIp,
                    _ => CertificateError::NotValidForName,
                })?;
        }
        if let Some((key, cache)) = cache {
            cache.insert(key, end_entity, intermediates, now);
        }
        Ok(())
    }
}

/// Maps webpki's verdict to the `CertificateError` (and so the X509_V_ERR) OpenSSL would give.
fn map_webpki_error(
    e: webpki::Error,
    end_entity: &CertificateDer<'_>,
    intermediates: &[CertificateDer<'_>],
) -> CertificateError {
    use webpki::Error as W;
    match e {
        W::CertExpired { .. } => CertificateError::Expired,
        W::CertNotValidYet { .. } => CertificateError::NotYetValid,
        W::UnknownIssuer => match intermediates.last() {
            None if is_self_issued(end_entity) => CertificateError::SelfSigned,
            Some(last) if is_self_issued(last) => CertificateError::SelfSignedInChain,
            _ => CertificateError::UnknownIssuer,
        },
        W::RequiredEkuNotFoundContext(_) => CertificateError::InvalidPurpose,
        W::EndEntityUsedAsCa | W::CaUsedAsEndEntity | W::PathLenConstraintViolated => {
            CertificateError::InvalidCa
        }
        W::NameConstraintViolation => CertificateError::NameConstraintViolation,
        W::InvalidSignatureForPublicKey => CertificateError::BadSignature,
        W::UnsupportedSignatureAlgorithmContext(_)
        | W::UnsupportedSignatureAlgorithmForPublicKeyContext(_) => {
            CertificateError::UnsupportedAlgorithm
        }
        W::MaximumPathDepthExceeded => CertificateError::ChainTooLong,
        W::BadDer | W::BadDerTime | W::TrailingData(_) => CertificateError::BadEncoding,
        other => CertificateError::Other(format!("{other:?}")),
    }
}

/// A verifier that accepts every chain. Only for callers that verify some other way or have
/// decided not to (OpenSSL's verify callback returning 1); CertificateVerify is still checked.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoServerVerification;

impl ServerCertVerifier for NoServerVerification {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: Option<&ServerName<'_>>,
        _: UnixTime,
    ) -> Result<(), CertificateError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc8448_certificate_is_self_issued() {
        let pem = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/testdata/rfc8448/server_certificate.pem"
        ))
        .unwrap();
        let der = CertificateDer::from_pem_slice(&pem).unwrap();
        let (issuer, subject) = issuer_and_subject(&der).unwrap();
        assert_eq!(issuer, subject);
        assert!(is_self_issued(&der));
        assert!(!is_self_issued(&der[..40]));
    }
}
