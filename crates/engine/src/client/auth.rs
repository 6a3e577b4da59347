//! The client's answer to a CertificateRequest (RFC 8446 §4.3.2, §4.4.2-4.4.3; RFC 5246
//! §7.4.4, §7.4.6, §7.4.8): whether the configured chain goes out, and with which signature
//! scheme its CertificateVerify is made. Without a credential, or when nothing fits, the
//! answer is an empty Certificate and no CertificateVerify.

use std::sync::Arc;

use crate::config::{ClientConfig, ClientCredential};
use crate::provider::SigningKeyKind;
use crate::verify::TLS13_SCHEMES;
use crate::wire::enums::SignatureScheme;
use crate::wire::handshake::{CertificateRequest, CertificateRequest12};

/// The credential to send and the scheme its CertificateVerify uses.
#[derive(Clone)]
pub(crate) struct ClientAuth {
    pub credential: Arc<ClientCredential>,
    pub scheme: SignatureScheme,
}

/// The first of the key's schemes (in its preference order) that the server offered, the
/// configuration allows (`ClientConfig::signature_schemes`, as OpenSSL signs only with a shared
/// signature algorithm) and the version allows: TLS 1.3 CertificateVerify never uses
/// RSASSA-PKCS1-v1_5 (RFC 8446 §4.2.3).
pub(crate) fn choose_scheme(
    kind: SigningKeyKind,
    offered: &[SignatureScheme],
    configured: &[SignatureScheme],
    tls13: bool,
) -> Option<SignatureScheme> {
    kind.schemes()
        .iter()
        .copied()
        .filter(|s| !tls13 || TLS13_SCHEMES.contains(s))
        .filter(|s| configured.contains(s))
        .find(|s| offered.contains(s))
}

/// TLS 1.3 (RFC 8446 §4.4.2.3): the configured chain, if its key can sign with a scheme from
/// the request's signature_algorithms. signature_algorithms_cert is not used to pick a chain:
/// there is only the one configured, and §4.4.2.2's fallback lets it be sent regardless.
pub(crate) fn select13(config: &ClientConfig, req: &CertificateRequest<'_>) -> Option<ClientAuth> {
    with_credential13(config, config.client_credential.clone()?, &req.schemes)
}

/// `credential` for a TLS 1.3 request offering `schemes`, if its key can sign with one of them.
pub(crate) fn with_credential13(
    config: &ClientConfig,
    credential: Arc<ClientCredential>,
    schemes: &[SignatureScheme],
) -> Option<ClientAuth> {
    let kind = credential.key().kind();
    let scheme = choose_scheme(kind, schemes, &config.signature_schemes, true)?;
    Some(ClientAuth { credential, scheme })
}

/// TLS 1.2 (RFC 5246 §7.4.6): the configured chain, if its certificate type is among the
/// request's certificate_types and its key can sign with one of its
/// supported_signature_algorithms.
pub(crate) fn select12(
    config: &ClientConfig,
    req: &CertificateRequest12<'_>,
) -> Option<ClientAuth> {
    let credential = config.client_credential.clone()?;
    with_credential12(config, credential, req.certificate_types, &req.schemes)
}

/// `credential` for a TLS 1.2 request, if its certificate type is among `types` and its key
/// can sign with one of `schemes`.
pub(crate) fn with_credential12(
    config: &ClientConfig,
    credential: Arc<ClientCredential>,
    types: &[u8],
    schemes: &[SignatureScheme],
) -> Option<ClientAuth> {
    let kind = credential.key().kind();
    if !types.contains(&kind.tls12_certificate_type()) {
        return None;
    }
    let scheme = choose_scheme(kind, schemes, &config.signature_schemes, false)?;
    Some(ClientAuth { credential, scheme })
}

/// RFC 8446 §4.4.3: the context string of the client's CertificateVerify, with its zero byte.
const CLIENT_SIGNATURE_CONTEXT: &[u8] = b"TLS 1.3, client CertificateVerify\x00";

/// The content a client's CertificateVerify signs over transcript hash `th` (RFC 8446 §4.4.3):
/// 64 spaces, the context string, a zero byte, then the hash.
pub(crate) fn client_signed_content(th: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(64 + CLIENT_SIGNATURE_CONTEXT.len() + th.len());
    m.extend_from_slice(&[0x20; 64]);
    m.extend_from_slice(CLIENT_SIGNATURE_CONTEXT);
    m.extend_from_slice(th);
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Error, InvalidMessage, PeerMisbehaved};
    use crate::verify::TLS12_SCHEMES;
    use crate::wire::enums::AlertDescription;
    use crate::wire::handshake::CertificateRequest;
    use SignatureScheme as S;

    #[test]
    fn scheme_is_the_keys_first_that_the_server_offered() {
        let offered = [
            S::RSA_PKCS1_SHA256,
            S::RSA_PSS_RSAE_SHA384,
            S::ECDSA_SECP256R1_SHA256,
        ];
        assert_eq!(
            choose_scheme(SigningKeyKind::Rsa, &offered, TLS12_SCHEMES, true),
            Some(S::RSA_PSS_RSAE_SHA384)
        );
        assert_eq!(
            choose_scheme(SigningKeyKind::EcdsaP256, &offered, TLS12_SCHEMES, true),
            Some(S::ECDSA_SECP256R1_SHA256)
        );
        assert_eq!(
            choose_scheme(SigningKeyKind::EcdsaP384, &offered, TLS12_SCHEMES, true),
            None
        );
        assert_eq!(
            choose_scheme(SigningKeyKind::Ed25519, &offered, TLS12_SCHEMES, false),
            None
        );
    }

    #[test]
    fn pkcs1_only_in_tls12() {
        // RFC 8446 §4.2.3: RSASSA-PKCS1-v1_5 is not for TLS 1.3 CertificateVerify.
        let offered = [S::RSA_PKCS1_SHA384, S::RSA_PKCS1_SHA256];
        assert_eq!(
            choose_scheme(SigningKeyKind::Rsa, &offered, TLS12_SCHEMES, true),
            None
        );
        assert_eq!(
            choose_scheme(SigningKeyKind::Rsa, &offered, TLS12_SCHEMES, false),
            Some(S::RSA_PKCS1_SHA256)
        );
        assert_eq!(
            choose_scheme(SigningKeyKind::Rsa, &[], TLS12_SCHEMES, false),
            None
        );
    }

    #[test]
    fn only_configured_schemes_are_used() {
        // OpenSSL signs with a shared signature algorithm: offered by the server and in the
        // client's own list.
        let offered = [
            S::RSA_PSS_RSAE_SHA384,
            S::RSA_PSS_RSAE_SHA256,
            S::RSA_PKCS1_SHA256,
        ];
        let configured = [S::RSA_PKCS1_SHA256, S::RSA_PSS_RSAE_SHA256];
        assert_eq!(
            choose_scheme(SigningKeyKind::Rsa, &offered, &configured, true),
            Some(S::RSA_PSS_RSAE_SHA256)
        );
        assert_eq!(
            choose_scheme(SigningKeyKind::Rsa, &offered, &configured[..1], true),
            None
        );
        assert_eq!(
            choose_scheme(SigningKeyKind::Rsa, &offered, &configured[..1], false),
            Some(S::RSA_PKCS1_SHA256)
        );
    }

    #[test]
    fn client_signed_content_is_rfc8446_4_4_3() {
        let th = [0xab; 32];
        let m = client_signed_content(&th);
        assert_eq!(m.len(), 64 + 33 + 1 + 32);
        assert!(m[..64].iter().all(|&b| b == 0x20));
        assert_eq!(&m[64..97], b"TLS 1.3, client CertificateVerify");
        assert_eq!(m[97], 0);
        assert_eq!(&m[98..], &th);
    }

    /// A CertificateRequest body: context, then the extensions given as (type, body).
    fn request(context: &[u8], exts: &[(u16, &[u8])]) -> Vec<u8> {
        let mut block = Vec::new();
        for (typ, body) in exts {
            block.extend_from_slice(&typ.to_be_bytes());
            block.extend_from_slice(&(body.len() as u16).to_be_bytes());
            block.extend_from_slice(body);
        }
        let mut out = vec![context.len() as u8];
        out.extend_from_slice(context);
        out.extend_from_slice(&(block.len() as u16).to_be_bytes());
        out.extend_from_slice(&block);
        out
    }

    #[test]
    fn malformed_certificate_requests_get_their_alerts() {
        let alert = |body: &[u8]| CertificateRequest::decode(body).unwrap_err().alert();
        // signature_algorithms missing -> missing_extension (RFC 8446 §4.3.2, §9.2).
        let e = CertificateRequest::decode(&request(&[], &[(0xff01, &[0])])).unwrap_err();
        assert_eq!(
            e,
            PeerMisbehaved::MissingExtension("signature_algorithms").into()
        );
        assert_eq!(e.alert(), Some(AlertDescription::MISSING_EXTENSION));
        // An odd-length list, an empty list, a list longer than its extension -> decode_error.
        for sigalgs in [&[0, 3, 4, 3, 8][..], &[0, 0], &[0, 4, 4, 3]] {
            assert_eq!(
                alert(&request(&[], &[(13, sigalgs)])),
                Some(AlertDescription::DECODE_ERROR)
            );
        }
        // Truncated and trailing bytes -> decode_error.
        let good = request(&[], &[(13, &[0, 2, 4, 3])]);
        assert_eq!(
            alert(&good[..good.len() - 1]),
            Some(AlertDescription::DECODE_ERROR)
        );
        let mut trailing = good.clone();
        trailing.push(0);
        assert_eq!(alert(&trailing), Some(AlertDescription::DECODE_ERROR));
        // A duplicate extension -> illegal_parameter.
        let dup = request(&[], &[(13, &[0, 2, 4, 3]), (13, &[0, 2, 4, 3])]);
        assert_eq!(alert(&dup), Some(AlertDescription::ILLEGAL_PARAMETER));
        // Unknown extensions are ignored; signature_algorithms_cert is read.
        let body = request(
            &[],
            &[(0x1234, &[9]), (13, &[0, 2, 4, 3]), (50, &[0, 2, 8, 4])],
        );
        let req = CertificateRequest::decode(&body).unwrap();
        assert_eq!(req.schemes, [S::ECDSA_SECP256R1_SHA256]);
        assert_eq!(req.cert_schemes, Some(vec![S::RSA_PSS_RSAE_SHA256]));
        assert_eq!(
            Error::from(InvalidMessage::BadLength).alert(),
            Some(AlertDescription::DECODE_ERROR)
        );
    }
}
