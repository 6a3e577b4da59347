//! The per-thread error queue, mirroring OpenSSL's `ERR_*` functions (ERR_get_error(3),
//! ERR_error_string(3)): packed codes `lib << 23 | reason` with OpenSSL 3.0's reason numbers,
//! system errors packed as `0x80000000 | errno`, and OpenSSL's human-readable strings. Also the
//! one mapping from an engine error to the OpenSSL reason it is reported as.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;

use oxissl_engine::keys::exporter::ExportError;
use oxissl_engine::{
    ApiMisuse, Error as EngineError, InvalidMessage, PeerIncompatible, PeerMisbehaved,
};

/// `ERR_LIB_SYS`: errors from the operating system.
pub const ERR_LIB_SYS: u32 = 2;
/// `ERR_LIB_SSL`: errors from the SSL library.
pub const ERR_LIB_SSL: u32 = 20;
/// `ERR_LIB_PEM`: PEM decoding errors.
pub const ERR_LIB_PEM: u32 = 9;
/// `ERR_LIB_X509`: certificate errors.
pub const ERR_LIB_X509: u32 = 11;
/// `ERR_SYSTEM_FLAG`: OpenSSL 3.0 packs system errors as this bit plus the errno.
pub const ERR_SYSTEM_FLAG: u32 = 0x8000_0000;

/// OpenSSL 3.0 `SSL_R_*` reason numbers for the reasons oxissl raises.
pub mod reason {
    /// `SSL_R_NO_SUITABLE_KEY_SHARE`.
    pub const NO_SUITABLE_KEY_SHARE: u32 = 101;
    /// `SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM`.
    pub const NO_SUITABLE_SIGNATURE_ALGORITHM: u32 = 118;
    /// `SSL_R_BAD_CHANGE_CIPHER_SPEC`.
    pub const BAD_CHANGE_CIPHER_SPEC: u32 = 103;
    /// `SSL_R_INCONSISTENT_EXTMS`.
    pub const INCONSISTENT_EXTMS: u32 = 104;
    /// `SSL_R_SSL3_EXT_INVALID_MAX_FRAGMENT_LENGTH`.
    pub const SSL3_EXT_INVALID_MAX_FRAGMENT_LENGTH: u32 = 232;
    /// `SSL_R_CALLBACK_FAILED`.
    pub const CALLBACK_FAILED: u32 = 234;
    /// `SSL_R_INVALID_STATUS_RESPONSE`.
    pub const INVALID_STATUS_RESPONSE: u32 = 328;
    /// `SSL_R_BAD_KEY_SHARE`.
    pub const BAD_KEY_SHARE: u32 = 108;
    /// `SSL_R_BAD_EXTENSION`.
    pub const BAD_EXTENSION: u32 = 110;
    /// `SSL_R_STILL_IN_INIT`.
    pub const STILL_IN_INIT: u32 = 121;
    /// `SSL_R_BAD_KEY_UPDATE`.
    pub const BAD_KEY_UPDATE: u32 = 122;
    /// `SSL_R_BAD_SIGNATURE`.
    pub const BAD_SIGNATURE: u32 = 123;
    /// `SSL_R_BAD_WRITE_RETRY`.
    pub const BAD_WRITE_RETRY: u32 = 127;
    /// `SSL_R_BIO_NOT_SET`.
    pub const BIO_NOT_SET: u32 = 128;
    /// `SSL_R_CERTIFICATE_VERIFY_FAILED`.
    pub const CERTIFICATE_VERIFY_FAILED: u32 = 134;
    /// `SSL_R_CONNECTION_TYPE_NOT_SET`.
    pub const CONNECTION_TYPE_NOT_SET: u32 = 144;
    /// `SSL_R_DIGEST_CHECK_FAILED`.
    pub const DIGEST_CHECK_FAILED: u32 = 149;
    /// `SSL_R_ENCRYPTED_LENGTH_TOO_LONG`.
    pub const ENCRYPTED_LENGTH_TOO_LONG: u32 = 150;
    /// `SSL_R_EXCESSIVE_MESSAGE_SIZE`.
    pub const EXCESSIVE_MESSAGE_SIZE: u32 = 152;
    /// `SSL_R_LENGTH_MISMATCH`.
    pub const LENGTH_MISMATCH: u32 = 159;
    /// `SSL_R_NO_CERTIFICATES_RETURNED`.
    pub const NO_CERTIFICATES_RETURNED: u32 = 176;
    /// `SSL_R_NO_CERTIFICATE_ASSIGNED`.
    pub const NO_CERTIFICATE_ASSIGNED: u32 = 177;
    /// `SSL_R_NO_PRIVATE_KEY_ASSIGNED`.
    pub const NO_PRIVATE_KEY_ASSIGNED: u32 = 190;
    /// `X509_R_KEY_VALUES_MISMATCH` (in `ERR_LIB_X509`).
    pub const KEY_VALUES_MISMATCH: u32 = 116;
    /// `PEM_R_NO_START_LINE` (in `ERR_LIB_PEM`).
    pub const NO_START_LINE: u32 = 108;
    /// `SSL_R_NO_CIPHERS_AVAILABLE`.
    pub const NO_CIPHERS_AVAILABLE: u32 = 181;
    /// `SSL_R_NOT_ON_RECORD_BOUNDARY`.
    pub const NOT_ON_RECORD_BOUNDARY: u32 = 182;
    /// `SSL_R_NO_CIPHER_MATCH`.
    pub const NO_CIPHER_MATCH: u32 = 185;
    /// `SSL_R_INVALID_COMMAND`: a cipher string with a character or `@` command it cannot
    /// read.
    pub const INVALID_COMMAND: u32 = 280;
    /// `SSL_R_NO_PROTOCOLS_AVAILABLE`.
    pub const NO_PROTOCOLS_AVAILABLE: u32 = 191;
    /// `SSL_R_INVALID_ALERT`.
    pub const INVALID_ALERT: u32 = 205;
    /// `SSL_R_PROTOCOL_IS_SHUTDOWN`.
    pub const PROTOCOL_IS_SHUTDOWN: u32 = 207;
    /// `SSL_R_READ_BIO_NOT_SET`.
    pub const READ_BIO_NOT_SET: u32 = 211;
    /// `SSL_R_UNSOLICITED_EXTENSION`.
    pub const UNSOLICITED_EXTENSION: u32 = 217;
    /// `SSL_R_SSL_HANDSHAKE_FAILURE`.
    pub const SSL_HANDSHAKE_FAILURE: u32 = 229;
    /// `SSL_R_BAD_HANDSHAKE_STATE`.
    pub const BAD_HANDSHAKE_STATE: u32 = 236;
    /// `SSL_R_UNEXPECTED_MESSAGE`.
    pub const UNEXPECTED_MESSAGE: u32 = 244;
    /// `SSL_R_UNEXPECTED_RECORD`.
    pub const UNEXPECTED_RECORD: u32 = 245;
    /// `SSL_R_UNSUPPORTED_PROTOCOL`.
    pub const UNSUPPORTED_PROTOCOL: u32 = 258;
    /// `SSL_R_WRONG_CIPHER_RETURNED`.
    pub const WRONG_CIPHER_RETURNED: u32 = 261;
    /// `SSL_R_WRONG_SSL_VERSION`.
    pub const WRONG_SSL_VERSION: u32 = 266;
    /// `SSL_R_WRONG_VERSION_NUMBER`.
    pub const WRONG_VERSION_NUMBER: u32 = 267;
    /// `SSL_R_BAD_LENGTH`.
    pub const BAD_LENGTH: u32 = 271;
    /// `SSL_R_UNINITIALIZED`.
    pub const UNINITIALIZED: u32 = 276;
    /// `SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC`.
    pub const DECRYPTION_FAILED_OR_BAD_RECORD_MAC: u32 = 281;
    /// `SSL_R_UNEXPECTED_EOF_WHILE_READING`.
    pub const UNEXPECTED_EOF_WHILE_READING: u32 = 294;
    /// `SSL_R_RECORD_TOO_SMALL`.
    pub const RECORD_TOO_SMALL: u32 = 298;
    /// `SSL_R_BAD_ECPOINT`.
    pub const BAD_ECPOINT: u32 = 306;
    /// `SSL_R_INVALID_COMPRESSION_ALGORITHM`.
    pub const INVALID_COMPRESSION_ALGORITHM: u32 = 341;
    /// `SSL_R_TLS_ILLEGAL_EXPORTER_LABEL`.
    pub const TLS_ILLEGAL_EXPORTER_LABEL: u32 = 367;
    /// `SSL_R_WRONG_SIGNATURE_TYPE`.
    pub const WRONG_SIGNATURE_TYPE: u32 = 370;
    /// `SSL_R_INAPPROPRIATE_FALLBACK`.
    pub const INAPPROPRIATE_FALLBACK: u32 = 373;
    /// `SSL_R_WRONG_CURVE`.
    pub const WRONG_CURVE: u32 = 378;
    /// `SSL_R_BAD_VALUE`.
    pub const BAD_VALUE: u32 = 384;
    /// `SSL_R_SHUTDOWN_WHILE_IN_INIT`.
    pub const SHUTDOWN_WHILE_IN_INIT: u32 = 407;
    /// `SSL_R_NO_SHARED_GROUPS`.
    pub const NO_SHARED_GROUPS: u32 = 410;
    /// `SSL_R_BAD_RECORD_TYPE`.
    pub const BAD_RECORD_TYPE: u32 = 443;
    /// `SSL_R_INVALID_SESSION_ID`.
    pub const INVALID_SESSION_ID: u32 = 999;
    /// `ERR_R_INTERNAL_ERROR` (a common reason, with OpenSSL 3.0's fatal and common flags).
    pub const INTERNAL_ERROR: u32 = 0xC0103;
    /// `ERR_R_UNSUPPORTED` (common reason).
    pub const UNSUPPORTED: u32 = 0x8010C;
    /// `ERR_R_PASSED_INVALID_ARGUMENT` (common reason).
    pub const PASSED_INVALID_ARGUMENT: u32 = 0x80106;
    /// Received alerts are reported as `SSL_AD_REASON_OFFSET` (1000) + the alert number.
    pub const ALERT_OFFSET: u32 = 1000;
}

/// OpenSSL 3.0's text for the SSL reasons above and the received-alert reasons.
const SSL_REASONS: &[(u32, &str)] = &[
    (101, "no suitable key share"),
    (118, "no suitable signature algorithm"),
    (103, "bad change cipher spec"),
    (104, "inconsistent extms"),
    (108, "bad key share"),
    (110, "bad extension"),
    (121, "still in init"),
    (122, "bad key update"),
    (123, "bad signature"),
    (127, "bad write retry"),
    (128, "bio not set"),
    (134, "certificate verify failed"),
    (144, "connection type not set"),
    (149, "digest check failed"),
    (150, "encrypted length too long"),
    (152, "excessive message size"),
    (159, "length mismatch"),
    (176, "no certificates returned"),
    (177, "no certificate assigned"),
    (181, "no ciphers available"),
    (182, "not on record boundary"),
    (185, "no cipher match"),
    (190, "no private key assigned"),
    (191, "no protocols available"),
    (205, "invalid alert"),
    (207, "protocol is shutdown"),
    (211, "read bio not set"),
    (217, "unsolicited extension"),
    (229, "ssl handshake failure"),
    (232, "ssl3 ext invalid max fragment length"),
    (234, "callback failed"),
    (236, "bad handshake state"),
    (244, "unexpected message"),
    (245, "unexpected record"),
    (258, "unsupported protocol"),
    (261, "wrong cipher returned"),
    (266, "wrong ssl version"),
    (267, "wrong version number"),
    (271, "bad length"),
    (276, "uninitialized"),
    (281, "decryption failed or bad record mac"),
    (294, "unexpected eof while reading"),
    (298, "record too small"),
    (306, "bad ecpoint"),
    (328, "invalid status response"),
    (341, "invalid compression algorithm"),
    (367, "tls illegal exporter label"),
    (370, "wrong signature type"),
    (373, "inappropriate fallback"),
    (378, "wrong curve"),
    (384, "bad value"),
    (407, "shutdown while in init"),
    (410, "no shared groups"),
    (443, "bad record type"),
    (999, "invalid session id"),
    (0xC0103, "internal error"),
    (0x8010C, "unsupported"),
    (0x80106, "passed invalid argument"),
    (1010, "sslv3 alert unexpected message"),
    (1020, "sslv3 alert bad record mac"),
    (1021, "tlsv1 alert decryption failed"),
    (1022, "tlsv1 alert record overflow"),
    (1030, "sslv3 alert decompression failure"),
    (1040, "sslv3 alert handshake failure"),
    (1041, "sslv3 alert no certificate"),
    (1042, "sslv3 alert bad certificate"),
    (1043, "sslv3 alert unsupported certificate"),
    (1044, "sslv3 alert certificate revoked"),
    (1045, "sslv3 alert certificate expired"),
    (1046, "sslv3 alert certificate unknown"),
    (1047, "sslv3 alert illegal parameter"),
    (1048, "tlsv1 alert unknown ca"),
    (1049, "tlsv1 alert access denied"),
    (1050, "tlsv1 alert decode error"),
    (1051, "tlsv1 alert decrypt error"),
    (1060, "tlsv1 alert export restriction"),
    (1070, "tlsv1 alert protocol version"),
    (1071, "tlsv1 alert insufficient security"),
    (1080, "tlsv1 alert internal error"),
    (1086, "tlsv1 alert inappropriate fallback"),
    (1090, "tlsv1 alert user cancelled"),
    (1100, "tlsv1 alert no renegotiation"),
    (1109, "tlsv13 alert missing extension"),
    (1110, "tlsv1 unsupported extension"),
    (1111, "tlsv1 certificate unobtainable"),
    (1112, "tlsv1 unrecognized name"),
    (1113, "tlsv1 bad certificate status response"),
    (1114, "tlsv1 bad certificate hash value"),
    (1115, "tlsv1 alert unknown psk identity"),
    (1116, "tlsv13 alert certificate required"),
    (1120, "tlsv1 alert no application protocol"),
];

/// Every SSL-library reason oxissl can raise with OpenSSL 3.0's text for it (what
/// `ERR_reason_error_string` prints), for registering the strings with another error queue.
pub fn ssl_reason_strings() -> &'static [(u32, &'static str)] {
    SSL_REASONS
}

/// Packs a library and reason into an OpenSSL 3.0 error code (`ERR_PACK`; `ERR_raise` for
/// `ERR_LIB_SYS` packs `ERR_SYSTEM_FLAG | errno`).
pub const fn pack(lib: u32, reason: u32) -> u32 {
    if lib == ERR_LIB_SYS {
        ERR_SYSTEM_FLAG | (reason & 0x7fff_ffff)
    } else {
        ((lib & 0xff) << 23) | (reason & 0x7f_ffff)
    }
}

/// `ERR_GET_LIB`.
pub const fn lib_of(code: u32) -> u32 {
    if code & ERR_SYSTEM_FLAG != 0 {
        ERR_LIB_SYS
    } else {
        (code >> 23) & 0xff
    }
}

/// `ERR_GET_REASON`.
pub const fn reason_of(code: u32) -> u32 {
    if code & ERR_SYSTEM_FLAG != 0 {
        code & 0x7fff_ffff
    } else {
        code & 0x7f_ffff
    }
}

/// The reason text OpenSSL 3.0 prints for a code (`ERR_reason_error_string`), or
/// `reason(N)` for one it has no text for.
pub fn reason_string(code: u32) -> String {
    let r = reason_of(code);
    match lib_of(code) {
        ERR_LIB_SYS => {
            let s = std::io::Error::from_raw_os_error(r as i32).to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_owned(),
                None => s,
            }
        }
        ERR_LIB_SSL => SSL_REASONS
            .iter()
            .find(|(n, _)| *n == r)
            .map_or_else(|| format!("reason({r})"), |(_, s)| (*s).to_owned()),
        ERR_LIB_X509 if r == reason::KEY_VALUES_MISMATCH => "key values mismatch".to_owned(),
        ERR_LIB_PEM if r == reason::NO_START_LINE => "no start line".to_owned(),
        _ => format!("reason({r})"),
    }
}

/// The library text (`ERR_lib_error_string`).
pub fn lib_string(code: u32) -> &'static str {
    match lib_of(code) {
        ERR_LIB_SYS => "system library",
        ERR_LIB_SSL => "SSL routines",
        ERR_LIB_PEM => "PEM routines",
        ERR_LIB_X509 => "x509 certificate routines",
        _ => "unknown library",
    }
}

/// `ERR_error_string_n`: `error:0A000086:SSL routines::certificate verify failed`.
pub fn error_string(code: u32) -> String {
    format!(
        "error:{code:08X}:{}::{}",
        lib_string(code),
        reason_string(code)
    )
}

/// One entry of the error queue: a packed code and optional detail text (`ERR_add_error_data`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorEntry {
    code: u32,
    data: Option<String>,
}

impl ErrorEntry {
    /// The packed code (`ERR_get_error`'s value).
    pub fn code(&self) -> u32 {
        self.code
    }
    /// `ERR_GET_LIB`.
    pub fn lib(&self) -> u32 {
        lib_of(self.code)
    }
    /// `ERR_GET_REASON`.
    pub fn reason(&self) -> u32 {
        reason_of(self.code)
    }
    /// Detail text, if any (what `ERR_print_errors` appends).
    pub fn data(&self) -> Option<&str> {
        self.data.as_deref()
    }
}

impl fmt::Display for ErrorEntry {
    /// `ERR_error_string_n`'s format, with the detail text appended after a colon when present
    /// (as `ERR_print_errors` does).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&error_string(self.code))?;
        if let Some(d) = &self.data {
            write!(f, ":{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ErrorEntry {}

/// OpenSSL's queue holds at most 16 entries; older ones are dropped.
const ERR_NUM_ERRORS: usize = 16;

thread_local! {
    static QUEUE: RefCell<VecDeque<ErrorEntry>> = const { RefCell::new(VecDeque::new()) };
}

/// `ERR_raise_data`: appends an entry to this thread's queue.
pub fn push(lib: u32, reason: u32, data: Option<String>) {
    QUEUE.with(|q| {
        let mut q = q.borrow_mut();
        if q.len() == ERR_NUM_ERRORS {
            q.pop_front();
        }
        q.push_back(ErrorEntry {
            code: pack(lib, reason),
            data,
        });
    });
}

/// Pushes an entry with detail text and returns a copy of it (for `Result`-returning setters
/// that also leave the queue as OpenSSL would).
pub(crate) fn raise(lib: u32, reason: u32, data: String) -> ErrorEntry {
    let e = ErrorEntry {
        code: pack(lib, reason),
        data: Some(data),
    };
    push(lib, reason, e.data.clone());
    e
}

/// An entry returned to the caller but not queued, for calls that fail in OpenSSL without
/// queuing anything.
pub(crate) fn unqueued(lib: u32, reason: u32, data: String) -> ErrorEntry {
    ErrorEntry {
        code: pack(lib, reason),
        data: Some(data),
    }
}

/// Appends an SSL-library entry.
pub fn push_ssl(reason: u32) {
    push(ERR_LIB_SSL, reason, None);
}

/// `ERR_get_error`: removes and returns the earliest entry.
pub fn get_error() -> Option<ErrorEntry> {
    QUEUE.with(|q| q.borrow_mut().pop_front())
}

/// `ERR_peek_error`: the earliest entry, left in place.
pub fn peek_error() -> Option<ErrorEntry> {
    QUEUE.with(|q| q.borrow().front().cloned())
}

/// The earliest entry's packed code, 0 when the queue is empty (`ERR_peek_error`'s value).
pub fn peek_error_code() -> u32 {
    QUEUE.with(|q| q.borrow().front().map_or(0, |e| e.code))
}

/// `ERR_peek_last_error`: the latest entry, left in place.
pub fn peek_last_error() -> Option<ErrorEntry> {
    QUEUE.with(|q| q.borrow().back().cloned())
}

/// `ERR_clear_error`.
pub fn clear_error() {
    QUEUE.with(|q| q.borrow_mut().clear());
}

/// Drains the whole queue, earliest first (what `ERR_print_errors` prints).
pub fn take_errors() -> Vec<ErrorEntry> {
    QUEUE.with(|q| q.borrow_mut().drain(..).collect())
}

/// The OpenSSL reason an engine error is reported as (OpenSSL 3.0's choice for the same
/// failure, or the closest one).
pub fn engine_reason(e: &EngineError) -> u32 {
    use reason as R;
    match e {
        EngineError::InvalidMessage(m) => match m {
            InvalidMessage::Truncated
            | InvalidMessage::TrailingData
            | InvalidMessage::EmptyVector => R::LENGTH_MISMATCH,
            InvalidMessage::BadLength => R::BAD_LENGTH,
            InvalidMessage::RecordTooLarge => R::ENCRYPTED_LENGTH_TOO_LONG,
            InvalidMessage::HandshakeMessageTooLarge | InvalidMessage::TooManyCertificates => {
                R::EXCESSIVE_MESSAGE_SIZE
            }
            // OpenSSL looks at the record version first: bytes that are not TLS at all (an
            // HTTP server, say) are "wrong version number".
            InvalidMessage::UnknownContentType(_) | InvalidMessage::BadRecordVersion => {
                R::WRONG_VERSION_NUMBER
            }
            InvalidMessage::UnexpectedMessage { .. } => R::UNEXPECTED_MESSAGE,
            InvalidMessage::UnexpectedContentType(_) => R::UNEXPECTED_RECORD,
            InvalidMessage::EmptyRecord => R::RECORD_TOO_SMALL,
            InvalidMessage::HandshakeSpansKeyChange => R::NOT_ON_RECORD_BOUNDARY,
            InvalidMessage::BadChangeCipherSpec => R::BAD_CHANGE_CIPHER_SPEC,
            InvalidMessage::BadAlert => R::INVALID_ALERT,
            InvalidMessage::NoInnerContentType => R::BAD_RECORD_TYPE,
            InvalidMessage::EmptyCertificateList => R::NO_CERTIFICATES_RETURNED,
            InvalidMessage::TooManyEmptyRecords => R::RECORD_TOO_SMALL,
            InvalidMessage::InterleavedRecord(_) => R::UNEXPECTED_RECORD,
            // Variants the engine adds later map to the generic decode failure until listed.
            #[allow(unreachable_patterns)]
            _ => R::LENGTH_MISMATCH,
        },
        EngineError::PeerMisbehaved(p) => match p {
            PeerMisbehaved::UnofferedCipherSuite(_)
            | PeerMisbehaved::CipherSuiteChangedAfterRetry => R::WRONG_CIPHER_RETURNED,
            PeerMisbehaved::UnofferedGroup(_) => R::WRONG_CURVE,
            PeerMisbehaved::WrongKeyShareGroup(_)
            | PeerMisbehaved::HelloRetryRequestChangesNothing
            | PeerMisbehaved::HelloRetryRequestForOfferedShare => R::BAD_KEY_SHARE,
            PeerMisbehaved::InvalidKeyShare => R::BAD_ECPOINT,
            PeerMisbehaved::SessionIdMismatch => R::INVALID_SESSION_ID,
            PeerMisbehaved::NonNullCompression => R::INVALID_COMPRESSION_ALGORITHM,
            PeerMisbehaved::SecondHelloRetryRequest => R::UNEXPECTED_MESSAGE,
            PeerMisbehaved::DuplicateExtension(_)
            | PeerMisbehaved::MissingExtension(_)
            | PeerMisbehaved::UnofferedAlpnProtocol
            | PeerMisbehaved::IllegalExtensionValue(_) => R::BAD_EXTENSION,
            PeerMisbehaved::UnsolicitedExtension(_) => R::UNSOLICITED_EXTENSION,
            PeerMisbehaved::DowngradeSentinel => R::INAPPROPRIATE_FALLBACK,
            PeerMisbehaved::UnofferedSignatureScheme(_) => R::WRONG_SIGNATURE_TYPE,
            PeerMisbehaved::FinishedMismatch => R::DIGEST_CHECK_FAILED,
            PeerMisbehaved::BadSignature => R::BAD_SIGNATURE,
            PeerMisbehaved::BadKeyUpdate => R::BAD_KEY_UPDATE,
            PeerMisbehaved::IllegalParameter(_) => R::BAD_VALUE,
            PeerMisbehaved::ExtendedMasterSecretChanged => R::INCONSISTENT_EXTMS,
            #[allow(unreachable_patterns)]
            _ => R::BAD_VALUE,
        },
        EngineError::PeerIncompatible(p) => match p {
            PeerIncompatible::UnsupportedVersion(_) | PeerIncompatible::Tls12NotEnabled => {
                R::UNSUPPORTED_PROTOCOL
            }
            PeerIncompatible::Unsupported(_) => R::SSL_HANDSHAKE_FAILURE,
            #[allow(unreachable_patterns)]
            _ => R::SSL_HANDSHAKE_FAILURE,
        },
        EngineError::Certificate(_) => R::CERTIFICATE_VERIFY_FAILED,
        EngineError::DecryptFailed => R::DECRYPTION_FAILED_OR_BAD_RECORD_MAC,
        EngineError::AlertReceived(a) => R::ALERT_OFFSET + u32::from(a.0),
        EngineError::Api(a) => match a {
            ApiMisuse::ConnectionFailed | ApiMisuse::WriteAfterClose => R::PROTOCOL_IS_SHUTDOWN,
            ApiMisuse::NothingEnabled => R::NO_CIPHERS_AVAILABLE,
            ApiMisuse::InvalidServerName => R::BAD_VALUE,
            ApiMisuse::HandshakeNotComplete => R::BAD_HANDSHAKE_STATE,
            ApiMisuse::InvalidAlpnProtocol => R::PASSED_INVALID_ARGUMENT,
            ApiMisuse::NoSignatureSchemes => R::NO_SUITABLE_SIGNATURE_ALGORITHM,
            ApiMisuse::Exporter(ExportError::ReservedLabel) => R::TLS_ILLEGAL_EXPORTER_LABEL,
            ApiMisuse::Exporter(_) => R::PASSED_INVALID_ARGUMENT,
            #[allow(unreachable_patterns)]
            _ => R::BAD_HANDSHAKE_STATE,
        },
        EngineError::Internal(_) => R::INTERNAL_ERROR,
        EngineError::Unsupported(_) => R::UNSUPPORTED,
        EngineError::StatusRejected => R::INVALID_STATUS_RESPONSE,
        EngineError::CallbackFailed => R::CALLBACK_FAILED,
        #[allow(unreachable_patterns)]
        _ => R::INTERNAL_ERROR,
    }
}

/// Pushes an engine error as OpenSSL would report it, with the engine's description as detail.
pub fn push_engine_error(e: &EngineError) {
    push(ERR_LIB_SSL, engine_reason(e), Some(e.to_string()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_match_openssl_3_0_format() {
        assert_eq!(
            error_string(pack(ERR_LIB_SSL, reason::CERTIFICATE_VERIFY_FAILED)),
            "error:0A000086:SSL routines::certificate verify failed"
        );
        assert_eq!(
            error_string(pack(ERR_LIB_SSL, reason::UNEXPECTED_EOF_WHILE_READING)),
            "error:0A000126:SSL routines::unexpected eof while reading"
        );
        assert_eq!(
            error_string(pack(ERR_LIB_SYS, 104)),
            "error:80000068:system library::Connection reset by peer"
        );
        assert_eq!(
            error_string(pack(ERR_LIB_SSL, 1048)),
            "error:0A000418:SSL routines::tlsv1 alert unknown ca"
        );
        assert_eq!(lib_of(pack(ERR_LIB_SYS, 104)), ERR_LIB_SYS);
        assert_eq!(reason_of(pack(ERR_LIB_SYS, 104)), 104);
        assert_eq!(reason_of(pack(ERR_LIB_SSL, 0xC0103)), 0xC0103);
    }

    #[test]
    fn queue_is_fifo_and_thread_local() {
        clear_error();
        push_ssl(reason::BAD_WRITE_RETRY);
        push_ssl(reason::PROTOCOL_IS_SHUTDOWN);
        assert_eq!(peek_error().unwrap().reason(), 127);
        assert_eq!(peek_last_error().unwrap().reason(), 207);
        std::thread::spawn(|| assert!(peek_error().is_none()))
            .join()
            .unwrap();
        assert_eq!(get_error().unwrap().reason(), 127);
        assert_eq!(get_error().unwrap().reason(), 207);
        assert!(get_error().is_none());
        assert_eq!(peek_error_code(), 0);
    }
}
