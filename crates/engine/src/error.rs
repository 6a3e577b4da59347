//! Typed errors for everything the engine can fail at, and the one mapping from an error to the
//! alert sent to the peer (RFC 8446 §6.2). Handshake code returns these; it never sends alerts.

use core::fmt;

use crate::wire::enums::{AlertDescription, CipherSuite, ContentType, HandshakeType, NamedGroup};

/// Any failure of a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Bytes from the peer that do not parse or arrive where they may not.
    InvalidMessage(InvalidMessage),
    /// The peer sent something well-formed that the protocol forbids.
    PeerMisbehaved(PeerMisbehaved),
    /// The peer wants something this client does not do or does not allow.
    PeerIncompatible(PeerIncompatible),
    /// The server's certificate or its proof of possession failed.
    Certificate(CertificateError),
    /// A record failed AEAD authentication (RFC 8446 §5.2: bad_record_mac).
    DecryptFailed,
    /// The peer sent a fatal alert (or a warning alert other than close_notify in TLS 1.3).
    AlertReceived(AlertDescription),
    /// The API was used out of order.
    Api(ApiMisuse),
    /// A local failure: randomness or a cryptographic primitive failed.
    Internal(&'static str),
    /// A feature that is not implemented; the reason says which.
    Unsupported(&'static str),
    /// An application callback failed the handshake (internal_error).
    CallbackFailed,
    /// The caller judged the server's certificate status (its stapled OCSP response, or its
    /// absence) unacceptable (RFC 6066 §8: bad_certificate_status_response).
    StatusRejected,
}

/// Malformed or misplaced bytes (alerts: decode_error, unexpected_message, record_overflow).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvalidMessage {
    /// A length runs past the end of its container.
    Truncated,
    /// Bytes left over after a structure was fully read.
    TrailingData,
    /// A field with a fixed size has the wrong size.
    BadLength,
    /// A vector that must not be empty is empty.
    EmptyVector,
    /// A record larger than the RFC 8446 §5.2 limit.
    RecordTooLarge,
    /// A handshake message larger than `MAX_HANDSHAKE_MESSAGE`.
    HandshakeMessageTooLarge,
    /// A record of a content type that does not exist.
    UnknownContentType(ContentType),
    /// A record's legacy version is not a TLS version.
    BadRecordVersion,
    /// A handshake message of a type that was not expected now.
    UnexpectedMessage {
        /// What arrived.
        got: HandshakeType,
    },
    /// A record of a content type that was not expected now.
    UnexpectedContentType(ContentType),
    /// A zero-length record of a type that may not be empty (RFC 8446 §5.1, §5.4).
    EmptyRecord,
    /// A handshake message split across a key change (RFC 8446 §5.1).
    HandshakeSpansKeyChange,
    /// A change_cipher_spec that is not the single byte 1, or arrives when forbidden.
    BadChangeCipherSpec,
    /// An alert record that is not two bytes.
    BadAlert,
    /// An inner plaintext with no content type (RFC 8446 §5.4).
    NoInnerContentType,
    /// The server sent an empty Certificate message (RFC 8446 §4.4.2.4).
    EmptyCertificateList,
    /// The certificate list exceeds `MAX_CERTIFICATES`.
    TooManyCertificates,
    /// More than `MAX_EMPTY_RECORDS` records in a row carried nothing.
    TooManyEmptyRecords,
    /// A record of another type arrived between fragments of one handshake message
    /// (RFC 8446 §5.1).
    InterleavedRecord(ContentType),
}

/// Well-formed but forbidden behaviour (mostly illegal_parameter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerMisbehaved {
    /// ServerHello chose a cipher suite the client did not offer.
    UnofferedCipherSuite(CipherSuite),
    /// ServerHello or HelloRetryRequest chose a group the client did not offer.
    UnofferedGroup(NamedGroup),
    /// The key share group differs from the one the client sent.
    WrongKeyShareGroup(NamedGroup),
    /// The server's key share is not a valid public key for its group.
    InvalidKeyShare,
    /// legacy_session_id_echo differs from what the client sent (RFC 8446 §4.1.3).
    SessionIdMismatch,
    /// legacy_compression_method is not 0.
    NonNullCompression,
    /// A second HelloRetryRequest (RFC 8446 §4.1.4).
    SecondHelloRetryRequest,
    /// A HelloRetryRequest that would not change the ClientHello (RFC 8446 §4.1.4).
    HelloRetryRequestChangesNothing,
    /// A HelloRetryRequest asking for the group the client already sent a share for.
    HelloRetryRequestForOfferedShare,
    /// The ServerHello's cipher suite differs from the HelloRetryRequest's (RFC 8446 §4.1.4).
    CipherSuiteChangedAfterRetry,
    /// An extension appears twice in one message (RFC 8446 §4.2).
    DuplicateExtension(u16),
    /// An extension the client did not offer, or one not allowed in that message (RFC 8446 §4.2).
    UnsolicitedExtension(u16),
    /// A required extension is missing (RFC 8446 §9.2).
    MissingExtension(&'static str),
    /// The server selected an ALPN protocol the client did not offer (RFC 7301 §3.2).
    UnofferedAlpnProtocol,
    /// An extension's contents are invalid for its context.
    IllegalExtensionValue(&'static str),
    /// ServerHello.random carries the RFC 8446 §4.1.3 downgrade sentinel.
    DowngradeSentinel,
    /// The server's signature scheme was not offered or is not allowed for TLS 1.3.
    UnofferedSignatureScheme(u16),
    /// The server's Finished did not verify (RFC 8446 §4.4.4).
    FinishedMismatch,
    /// The CertificateVerify signature did not verify (RFC 8446 §4.4.3).
    BadSignature,
    /// A KeyUpdate with a request value other than 0 or 1 (RFC 8446 §4.6.3).
    BadKeyUpdate,
    /// A field that must hold a specific value does not.
    IllegalParameter(&'static str),
    /// A TLS 1.2 resumption changed whether the extended master secret is used (RFC 7627 §5.3).
    ExtendedMasterSecretChanged,
}

/// Parameters this client refuses (protocol_version, handshake_failure).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerIncompatible {
    /// The server selected a protocol version this client does not enable.
    UnsupportedVersion(u16),
    /// The server selected TLS 1.2, which this build or configuration does not enable.
    Tls12NotEnabled,
    /// The server sent a handshake_failure-class refusal or required something unsupported.
    Unsupported(&'static str),
}

/// Why a server certificate was rejected. Each maps to an OpenSSL `X509_V_ERR_*` number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertificateError {
    /// The certificate's notAfter is in the past (X509_V_ERR_CERT_HAS_EXPIRED, 10).
    Expired,
    /// The certificate's notBefore is in the future (X509_V_ERR_CERT_NOT_YET_VALID, 9).
    NotYetValid,
    /// No path to a trusted root (X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, 20).
    UnknownIssuer,
    /// A self-signed certificate that is not trusted (X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, 18).
    SelfSigned,
    /// The chain ends in a self-signed root that is not trusted
    /// (X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, 19).
    SelfSignedInChain,
    /// The host name does not match (X509_V_ERR_HOSTNAME_MISMATCH, 62).
    NotValidForName,
    /// The IP address does not match (X509_V_ERR_IP_ADDRESS_MISMATCH, 64).
    NotValidForIp,
    /// The certificate may not be used for TLS server authentication (X509_V_ERR_INVALID_PURPOSE, 26).
    InvalidPurpose,
    /// An issuer in the chain is not a CA (X509_V_ERR_INVALID_CA, 79).
    InvalidCa,
    /// A name constraint forbids the name (X509_V_ERR_PERMITTED_VIOLATION, 47).
    NameConstraintViolation,
    /// A signature in the chain does not verify (X509_V_ERR_CERT_SIGNATURE_FAILURE, 7).
    BadSignature,
    /// The certificate uses an algorithm or key that is not supported or too weak (X509_V_ERR_EE_KEY_TOO_SMALL, 66).
    UnsupportedAlgorithm,
    /// The chain is longer than the configured depth (X509_V_ERR_CERT_CHAIN_TOO_LONG, 22).
    ChainTooLong,
    /// The certificate does not parse (X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY-class, 1).
    BadEncoding,
    /// Any other reason, with webpki's description (X509_V_ERR_UNSPECIFIED, 1).
    Other(String),
}

impl CertificateError {
    /// The failure an OpenSSL `X509_V_ERR_*` number names (an external verifier's result);
    /// numbers without a variant of their own become `Other`.
    pub fn from_x509_v_err(code: i64) -> Self {
        match code {
            10 => Self::Expired,
            9 => Self::NotYetValid,
            2 | 20 | 21 => Self::UnknownIssuer,
            18 => Self::SelfSigned,
            19 => Self::SelfSignedInChain,
            62 => Self::NotValidForName,
            64 => Self::NotValidForIp,
            26 => Self::InvalidPurpose,
            24 | 79 => Self::InvalidCa,
            47 => Self::NameConstraintViolation,
            7 => Self::BadSignature,
            22 => Self::ChainTooLong,
            c => Self::Other(format!("X509_V_ERR {c}")),
        }
    }

    /// The OpenSSL `X509_V_ERR_*` number for this failure.
    pub fn x509_v_err(&self) -> i64 {
        match self {
            Self::Expired => 10,
            Self::NotYetValid => 9,
            Self::UnknownIssuer => 20,
            Self::SelfSigned => 18,
            Self::SelfSignedInChain => 19,
            Self::NotValidForName => 62,
            Self::NotValidForIp => 64,
            Self::InvalidPurpose => 26,
            Self::InvalidCa => 79,
            Self::NameConstraintViolation => 47,
            Self::BadSignature => 7,
            Self::UnsupportedAlgorithm => 66,
            Self::ChainTooLong => 22,
            Self::BadEncoding | Self::Other(_) => 1,
        }
    }

    /// OpenSSL's text for the `X509_V_ERR_*` number.
    pub fn x509_v_err_text(&self) -> &'static str {
        match self {
            Self::Expired => "certificate has expired",
            Self::NotYetValid => "certificate is not yet valid",
            Self::UnknownIssuer => "unable to get local issuer certificate",
            Self::SelfSigned => "self-signed certificate",
            Self::SelfSignedInChain => "self-signed certificate in certificate chain",
            Self::NotValidForName => "hostname mismatch",
            Self::NotValidForIp => "IP address mismatch",
            Self::InvalidPurpose => "unsuitable certificate purpose",
            Self::InvalidCa => "invalid CA certificate",
            Self::NameConstraintViolation => "permitted subtree violation",
            Self::BadSignature => "certificate signature failure",
            Self::UnsupportedAlgorithm => "EE certificate key too weak",
            Self::ChainTooLong => "certificate chain too long",
            Self::BadEncoding | Self::Other(_) => "unspecified certificate verification error",
        }
    }

    /// The alert RFC 8446 §6.2 names for this failure.
    pub fn alert(&self) -> AlertDescription {
        match self {
            Self::Expired | Self::NotYetValid => AlertDescription::CERTIFICATE_EXPIRED,
            Self::UnknownIssuer | Self::SelfSigned | Self::SelfSignedInChain => {
                AlertDescription::UNKNOWN_CA
            }
            Self::UnsupportedAlgorithm => AlertDescription::UNSUPPORTED_CERTIFICATE,
            Self::BadEncoding | Self::BadSignature | Self::InvalidCa => {
                AlertDescription::BAD_CERTIFICATE
            }
            _ => AlertDescription::CERTIFICATE_UNKNOWN,
        }
    }
}

/// Why a client certificate chain and private key cannot be used. Found when the credential is
/// configured, never during a handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialError {
    /// The key is not unencrypted PKCS#8, PKCS#1 (RSA) or SEC1 (EC) DER of a supported type:
    /// ECDSA P-256 or P-384, RSA of 2048 to 8192 bits, Ed25519.
    UnsupportedKey,
    /// No certificate was given.
    EmptyChain,
    /// A certificate is empty, or the leaf's public key cannot be read from it.
    BadCertificate,
    /// The chain is too long or too large for one Certificate message.
    ChainTooLarge,
    /// The private key does not match the leaf certificate's public key.
    KeyMismatch,
}

impl fmt::Display for CredentialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::UnsupportedKey => {
                "unsupported private key: not unencrypted PKCS#8, PKCS#1 or SEC1 DER for \
                 ECDSA P-256/P-384, RSA 2048-8192 or Ed25519"
            }
            Self::EmptyChain => "no client certificate given",
            Self::BadCertificate => "the client certificate does not parse",
            Self::ChainTooLarge => "the client certificate chain is too large",
            Self::KeyMismatch => "the private key does not match the certificate's public key",
        })
    }
}

impl std::error::Error for CredentialError {}

/// Calls made in the wrong state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiMisuse {
    /// The connection already failed; the stored error was returned before.
    ConnectionFailed,
    /// Application data may not be written after close_notify was sent.
    WriteAfterClose,
    /// The configuration enables no cipher suite, group or version usable together.
    NothingEnabled,
    /// The server name is not a valid DNS name or IP address.
    InvalidServerName,
    /// Application data may only be written once the handshake is complete.
    HandshakeNotComplete,
    /// An ALPN protocol name is empty or longer than 255 bytes (RFC 7301 §3.1).
    InvalidAlpnProtocol,
    /// `ClientConfig::signature_schemes` holds no scheme this client can offer for the
    /// enabled versions (RFC 8446 §4.2.3: supported_signature_algorithms<2..2^16-2> names
    /// at least one).
    NoSignatureSchemes,
    /// `finish_status_check` was called while no status check was pending.
    NoStatusCheckPending,
    /// `finish_client_credential` was called while no certificate was asked for.
    NoCredentialPending,
    /// `finish_chain_verification` was called while no chain waited for a verdict.
    NoChainPending,
    /// Keying material could not be exported with these arguments.
    Exporter(crate::keys::exporter::ExportError),
}

impl Error {
    /// The alert to send for this error (RFC 8446 §6.2), or `None` when none is sent
    /// (the peer's own alert, API misuse).
    pub fn alert(&self) -> Option<AlertDescription> {
        use AlertDescription as A;
        Some(match self {
            Self::InvalidMessage(m) => match m {
                InvalidMessage::RecordTooLarge => A::RECORD_OVERFLOW,
                InvalidMessage::UnexpectedMessage { .. }
                | InvalidMessage::UnexpectedContentType(_)
                | InvalidMessage::UnknownContentType(_)
                | InvalidMessage::HandshakeSpansKeyChange
                | InvalidMessage::BadChangeCipherSpec
                | InvalidMessage::EmptyRecord
                | InvalidMessage::TooManyEmptyRecords
                | InvalidMessage::InterleavedRecord(_) => A::UNEXPECTED_MESSAGE,
                InvalidMessage::NoInnerContentType => A::UNEXPECTED_MESSAGE,
                InvalidMessage::TooManyCertificates => A::BAD_CERTIFICATE,
                _ => A::DECODE_ERROR,
            },
            Self::PeerMisbehaved(p) => match p {
                PeerMisbehaved::UnsolicitedExtension(_) => A::UNSUPPORTED_EXTENSION,
                PeerMisbehaved::MissingExtension(_) => A::MISSING_EXTENSION,
                PeerMisbehaved::FinishedMismatch | PeerMisbehaved::BadSignature => A::DECRYPT_ERROR,
                // RFC 8446 §4.1.4: a second HelloRetryRequest -> unexpected_message.
                PeerMisbehaved::SecondHelloRetryRequest => A::UNEXPECTED_MESSAGE,
                PeerMisbehaved::ExtendedMasterSecretChanged => A::HANDSHAKE_FAILURE,
                _ => A::ILLEGAL_PARAMETER,
            },
            Self::PeerIncompatible(p) => match p {
                PeerIncompatible::UnsupportedVersion(_) | PeerIncompatible::Tls12NotEnabled => {
                    A::PROTOCOL_VERSION
                }
                PeerIncompatible::Unsupported(_) => A::HANDSHAKE_FAILURE,
            },
            Self::Certificate(c) => c.alert(),
            Self::DecryptFailed => A::BAD_RECORD_MAC,
            Self::Internal(_) | Self::Unsupported(_) => A::INTERNAL_ERROR,
            Self::StatusRejected => A::BAD_CERTIFICATE_STATUS_RESPONSE,
            Self::CallbackFailed => A::INTERNAL_ERROR,
            Self::AlertReceived(_) | Self::Api(_) => return None,
        })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidMessage(m) => write!(f, "invalid message from peer: {m:?}"),
            Self::PeerMisbehaved(p) => write!(f, "peer misbehaved: {p:?}"),
            Self::PeerIncompatible(p) => write!(f, "peer is incompatible: {p:?}"),
            Self::Certificate(CertificateError::Other(detail)) => write!(
                f,
                "certificate verify failed: {} ({detail})",
                CertificateError::Other(String::new()).x509_v_err_text()
            ),
            Self::Certificate(c) => {
                write!(f, "certificate verify failed: {}", c.x509_v_err_text())
            }
            Self::DecryptFailed => f.write_str("record failed authentication (bad_record_mac)"),
            Self::AlertReceived(a) => write!(f, "peer sent alert {a}"),
            Self::Api(a) => write!(f, "API misuse: {a:?}"),
            Self::Internal(s) => write!(f, "internal error: {s}"),
            Self::Unsupported(s) => write!(f, "unsupported: {s}"),
            Self::StatusRejected => f.write_str("the server's certificate status was rejected"),
            Self::CallbackFailed => f.write_str("an application callback failed"),
        }
    }
}

impl std::error::Error for Error {}

impl From<InvalidMessage> for Error {
    fn from(e: InvalidMessage) -> Self {
        Self::InvalidMessage(e)
    }
}

impl From<PeerMisbehaved> for Error {
    fn from(e: PeerMisbehaved) -> Self {
        Self::PeerMisbehaved(e)
    }
}

impl From<PeerIncompatible> for Error {
    fn from(e: PeerIncompatible) -> Self {
        Self::PeerIncompatible(e)
    }
}

impl From<CertificateError> for Error {
    fn from(e: CertificateError) -> Self {
        Self::Certificate(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alerts_follow_rfc8446_6_2() {
        use AlertDescription as A;
        let e = Error::from(InvalidMessage::Truncated);
        assert_eq!(e.alert(), Some(A::DECODE_ERROR));
        let e = Error::from(InvalidMessage::RecordTooLarge);
        assert_eq!(e.alert(), Some(A::RECORD_OVERFLOW));
        let e = Error::from(PeerMisbehaved::UnsolicitedExtension(16));
        assert_eq!(e.alert(), Some(A::UNSUPPORTED_EXTENSION));
        let e = Error::from(PeerMisbehaved::FinishedMismatch);
        assert_eq!(e.alert(), Some(A::DECRYPT_ERROR));
        assert_eq!(Error::DecryptFailed.alert(), Some(A::BAD_RECORD_MAC));
        let e = Error::from(PeerIncompatible::Tls12NotEnabled);
        assert_eq!(e.alert(), Some(A::PROTOCOL_VERSION));
        assert_eq!(Error::AlertReceived(A::HANDSHAKE_FAILURE).alert(), None);
        let e = Error::from(CertificateError::UnknownIssuer);
        assert_eq!(e.alert(), Some(A::UNKNOWN_CA));
        let e = Error::from(CertificateError::Expired);
        assert_eq!(e.alert(), Some(A::CERTIFICATE_EXPIRED));
    }
}
