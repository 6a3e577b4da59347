//! The client's own certificate and private key, as OpenSSL's `SSL_CTX_use_certificate(3)`,
//! `SSL_CTX_use_certificate_chain_file`, `SSL_CTX_use_PrivateKey(3)` and
//! `SSL_CTX_check_private_key` keep them: loaded from DER or PEM, checked against each other,
//! and handed to the engine as one credential when a connection starts.

use std::path::Path;
use std::sync::Arc;

use oxissl_engine::{CertificateDer, ClientCredential, CredentialError, PrivateKey, SigningKey};

use crate::ctx::Settings;
use crate::error::{self, reason, ErrorEntry, ERR_LIB_PEM, ERR_LIB_SSL, ERR_LIB_SYS, ERR_LIB_X509};
use crate::pem;

/// `SSL_FILETYPE_PEM`.
pub const SSL_FILETYPE_PEM: i32 = 1;
/// `SSL_FILETYPE_ASN1` (DER).
pub const SSL_FILETYPE_ASN1: i32 = 2;

/// PEM labels of the unencrypted private keys accepted (PKCS#8, PKCS#1 RSA, SEC1 EC).
const KEY_LABELS: [&str; 3] = ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"];

/// Raises the error a credential failure is reported as.
fn credential_error(e: CredentialError) -> ErrorEntry {
    let (lib, r) = match e {
        CredentialError::KeyMismatch => (ERR_LIB_X509, reason::KEY_VALUES_MISMATCH),
        CredentialError::UnsupportedKey => (ERR_LIB_SSL, reason::UNSUPPORTED),
        _ => (ERR_LIB_SSL, reason::PASSED_INVALID_ARGUMENT),
    };
    error::raise(lib, r, e.to_string())
}

fn read_file(path: &Path) -> Result<Vec<u8>, ErrorEntry> {
    std::fs::read(path).map_err(|e| {
        error::raise(
            ERR_LIB_SYS,
            e.raw_os_error().unwrap_or(2) as u32,
            format!("calling fopen({}, r)", path.display()),
        )
    })
}

fn no_start_line(what: &str, path: &Path) -> ErrorEntry {
    error::raise(
        ERR_LIB_PEM,
        reason::NO_START_LINE,
        format!("no {what} in {}", path.display()),
    )
}

/// Every certificate in PEM text, in order.
fn pem_certificates(text: &str) -> Vec<CertificateDer<'static>> {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(BEGIN) {
        match pem::decode("CERTIFICATE", &rest[at..]) {
            Some(der) => out.push(CertificateDer::from(der)),
            None => break,
        }
        rest = &rest[at + BEGIN.len()..];
    }
    out
}

/// The DER of the first unencrypted private key in PEM text; an encrypted one is refused.
fn pem_private_key(text: &str, path: &Path) -> Result<Vec<u8>, ErrorEntry> {
    // RFC 5958 §3 EncryptedPrivateKeyInfo, or a legacy key with RFC 1421 encryption headers.
    if text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")
        || text.contains("Proc-Type: 4,ENCRYPTED")
    {
        return Err(error::raise(
            ERR_LIB_SSL,
            reason::UNSUPPORTED,
            format!(
                "{}: encrypted private keys are not supported; decrypt it first \
                 (openssl pkey -in KEY -out PLAIN)",
                path.display()
            ),
        ));
    }
    KEY_LABELS
        .iter()
        .filter_map(|label| Some((text.find(&format!("-----BEGIN {label}-----"))?, label)))
        .min_by_key(|(at, _)| *at)
        .and_then(|(_, label)| pem::decode(label, text))
        .ok_or_else(|| no_start_line("private key", path))
}

impl Settings {
    /// Sets the client certificate. As in OpenSSL, a key set earlier that does not match it
    /// is dropped (a new certificate and key are set in that order).
    pub fn use_certificate(&mut self, der: &[u8]) -> Result<(), ErrorEntry> {
        let cert = CertificateDer::from(der.to_vec());
        if let Some(key) = &self.private_key {
            let key: Arc<dyn SigningKey> = key.clone();
            match ClientCredential::new(vec![cert.clone()], key) {
                Ok(_) => {}
                Err(CredentialError::KeyMismatch) => self.private_key = None,
                Err(e) => return Err(credential_error(e)),
            }
        } else if oxissl_engine::verify::subject_public_key_info(&cert).is_none() {
            return Err(credential_error(CredentialError::BadCertificate));
        }
        self.certificate = Some(cert);
        Ok(())
    }

    /// Sets the client certificate from a PEM (first certificate) or DER file.
    pub fn use_certificate_file(&mut self, path: &Path, filetype: i32) -> Result<(), ErrorEntry> {
        let bytes = read_file(path)?;
        if filetype == SSL_FILETYPE_ASN1 {
            return self.use_certificate(&bytes);
        }
        let text = String::from_utf8_lossy(&bytes);
        let cert = pem_certificates(&text)
            .into_iter()
            .next()
            .ok_or_else(|| no_start_line("certificate", path))?;
        self.use_certificate(&cert)
    }

    /// Sets the client certificate and the chain sent after it from a PEM file: the leaf
    /// first, then its issuers.
    pub fn use_certificate_chain_file(&mut self, path: &Path) -> Result<(), ErrorEntry> {
        let bytes = read_file(path)?;
        let mut certs = pem_certificates(&String::from_utf8_lossy(&bytes)).into_iter();
        let leaf = certs
            .next()
            .ok_or_else(|| no_start_line("certificate", path))?;
        self.use_certificate(&leaf)?;
        self.extra_chain = certs.collect();
        Ok(())
    }

    /// Adds a certificate to the chain sent after the client certificate.
    pub fn add_extra_chain_cert(&mut self, der: &[u8]) {
        self.extra_chain.push(CertificateDer::from(der.to_vec()));
    }

    /// Sets the private key from DER: PKCS#8, PKCS#1 (RSA) or SEC1 (EC). Fails, keeping the
    /// previous key, if it does not match the certificate already set.
    pub fn use_private_key(&mut self, der: &[u8]) -> Result<(), ErrorEntry> {
        let key = Arc::new(PrivateKey::from_der(der).map_err(credential_error)?);
        if let Some(cert) = &self.certificate {
            ClientCredential::new(vec![cert.clone()], key.clone()).map_err(credential_error)?;
        }
        self.private_key = Some(key);
        Ok(())
    }

    /// Sets the private key from a PEM ("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY")
    /// or DER file. Encrypted keys are refused as unsupported.
    pub fn use_private_key_file(&mut self, path: &Path, filetype: i32) -> Result<(), ErrorEntry> {
        let bytes = read_file(path)?;
        if filetype == SSL_FILETYPE_ASN1 {
            return self.use_private_key(&bytes);
        }
        let der = pem_private_key(&String::from_utf8_lossy(&bytes), path)?;
        self.use_private_key(&der)
    }

    /// The credential, when both halves are set.
    fn build_credential(&self) -> Option<Result<ClientCredential, CredentialError>> {
        let (cert, key) = (self.certificate.as_ref()?, self.private_key.as_ref()?);
        let mut chain = Vec::with_capacity(1 + self.extra_chain.len());
        chain.push(cert.clone());
        chain.extend(self.extra_chain.iter().cloned());
        Some(ClientCredential::new(chain, key.clone()))
    }

    /// Whether a certificate and a matching key are set (`SSL_CTX_check_private_key`).
    pub fn check_private_key(&self) -> Result<(), ErrorEntry> {
        let missing = match (&self.certificate, &self.private_key) {
            (None, _) => Some((reason::NO_CERTIFICATE_ASSIGNED, "no client certificate set")),
            (_, None) => Some((reason::NO_PRIVATE_KEY_ASSIGNED, "no private key set")),
            _ => None,
        };
        if let Some((r, what)) = missing {
            return Err(error::raise(ERR_LIB_SSL, r, what.to_owned()));
        }
        match self.build_credential() {
            Some(Err(e)) => Err(credential_error(e)),
            _ => Ok(()),
        }
    }

    /// The credential for a new connection: `None` unless both halves are set (a server that
    /// asks then gets an empty Certificate, as from OpenSSL) and fit one Certificate message.
    pub fn connection_credential(&self) -> Option<Arc<ClientCredential>> {
        self.build_credential()?.ok().map(Arc::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_lists_and_key_labels() {
        let a = pem::encode("CERTIFICATE", b"one");
        let b = pem::encode("CERTIFICATE", b"two");
        let certs = pem_certificates(&format!("junk\n{a}text\n{b}"));
        assert_eq!(
            certs,
            [
                CertificateDer::from(b"one".to_vec()),
                CertificateDer::from(b"two".to_vec())
            ]
        );
        let p = Path::new("k.pem");
        let rsa = pem::encode("RSA PRIVATE KEY", b"rsa");
        let pkcs8 = pem::encode("PRIVATE KEY", b"p8");
        // The first key block counts, whatever its label.
        assert_eq!(
            pem_private_key(&format!("{rsa}{pkcs8}"), p).unwrap(),
            b"rsa"
        );
        assert_eq!(pem_private_key(&format!("{a}{pkcs8}"), p).unwrap(), b"p8");
        let e = pem_private_key(&a, p).unwrap_err();
        assert_eq!((e.lib(), e.reason()), (ERR_LIB_PEM, reason::NO_START_LINE));
        let enc = pem::encode("ENCRYPTED PRIVATE KEY", b"x");
        let e = pem_private_key(&enc, p).unwrap_err();
        assert_eq!(e.reason(), reason::UNSUPPORTED);
        assert!(e.data().unwrap().contains("encrypted"));
        error::clear_error();
    }
}
