//! Registry values as newtypes that keep unknown codes (so they round-trip and can be reported):
//! content types, handshake types, alerts, cipher suites, groups, signature schemes, extensions.

use core::fmt;

macro_rules! registry {
    ($(#[$m:meta])* $name:ident($ty:ty) { $($(#[$vm:meta])* $v:ident = $n:expr => $s:expr,)* }) => {
        $(#[$m])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub $ty);

        #[allow(missing_docs)]
        impl $name {
            $($(#[$vm])* pub const $v: Self = Self($n);)*

            /// The registry name, or `None` for a code this library does not know.
            pub fn name(self) -> Option<&'static str> {
                match self.0 {
                    $($n => Some($s),)*
                    _ => None,
                }
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.name() {
                    Some(n) => f.write_str(n),
                    None => write!(f, "{}(0x{:x})", stringify!($name), self.0),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(self, f)
            }
        }
    };
}

registry! {
    /// TLS record content type (RFC 8446 §5.1).
    ContentType(u8) {
        CHANGE_CIPHER_SPEC = 20 => "change_cipher_spec",
        ALERT = 21 => "alert",
        HANDSHAKE = 22 => "handshake",
        APPLICATION_DATA = 23 => "application_data",
    }
}

registry! {
    /// Handshake message type (RFC 8446 §4).
    HandshakeType(u8) {
        HELLO_REQUEST = 0 => "hello_request",
        CLIENT_HELLO = 1 => "client_hello",
        SERVER_HELLO = 2 => "server_hello",
        NEW_SESSION_TICKET = 4 => "new_session_ticket",
        END_OF_EARLY_DATA = 5 => "end_of_early_data",
        ENCRYPTED_EXTENSIONS = 8 => "encrypted_extensions",
        CERTIFICATE = 11 => "certificate",
        SERVER_KEY_EXCHANGE = 12 => "server_key_exchange",
        CERTIFICATE_REQUEST = 13 => "certificate_request",
        SERVER_HELLO_DONE = 14 => "server_hello_done",
        CERTIFICATE_VERIFY = 15 => "certificate_verify",
        CLIENT_KEY_EXCHANGE = 16 => "client_key_exchange",
        FINISHED = 20 => "finished",
        CERTIFICATE_STATUS = 22 => "certificate_status",
        KEY_UPDATE = 24 => "key_update",
        MESSAGE_HASH = 254 => "message_hash",
    }
}

registry! {
    /// Alert description (RFC 8446 §6).
    AlertDescription(u8) {
        CLOSE_NOTIFY = 0 => "close_notify",
        UNEXPECTED_MESSAGE = 10 => "unexpected_message",
        BAD_RECORD_MAC = 20 => "bad_record_mac",
        RECORD_OVERFLOW = 22 => "record_overflow",
        HANDSHAKE_FAILURE = 40 => "handshake_failure",
        BAD_CERTIFICATE = 42 => "bad_certificate",
        UNSUPPORTED_CERTIFICATE = 43 => "unsupported_certificate",
        CERTIFICATE_REVOKED = 44 => "certificate_revoked",
        CERTIFICATE_EXPIRED = 45 => "certificate_expired",
        CERTIFICATE_UNKNOWN = 46 => "certificate_unknown",
        ILLEGAL_PARAMETER = 47 => "illegal_parameter",
        UNKNOWN_CA = 48 => "unknown_ca",
        ACCESS_DENIED = 49 => "access_denied",
        DECODE_ERROR = 50 => "decode_error",
        DECRYPT_ERROR = 51 => "decrypt_error",
        PROTOCOL_VERSION = 70 => "protocol_version",
        INSUFFICIENT_SECURITY = 71 => "insufficient_security",
        INTERNAL_ERROR = 80 => "internal_error",
        INAPPROPRIATE_FALLBACK = 86 => "inappropriate_fallback",
        USER_CANCELED = 90 => "user_canceled",
        NO_RENEGOTIATION = 100 => "no_renegotiation",
        MISSING_EXTENSION = 109 => "missing_extension",
        UNSUPPORTED_EXTENSION = 110 => "unsupported_extension",
        UNRECOGNIZED_NAME = 112 => "unrecognized_name",
        BAD_CERTIFICATE_STATUS_RESPONSE = 113 => "bad_certificate_status_response",
        UNKNOWN_PSK_IDENTITY = 115 => "unknown_psk_identity",
        CERTIFICATE_REQUIRED = 116 => "certificate_required",
        NO_APPLICATION_PROTOCOL = 120 => "no_application_protocol",
    }
}

registry! {
    /// Cipher suite (RFC 8446 §B.4, RFC 5288, RFC 7905).
    CipherSuite(u16) {
        TLS13_AES_128_GCM_SHA256 = 0x1301 => "TLS_AES_128_GCM_SHA256",
        TLS13_AES_256_GCM_SHA384 = 0x1302 => "TLS_AES_256_GCM_SHA384",
        TLS13_CHACHA20_POLY1305_SHA256 = 0x1303 => "TLS_CHACHA20_POLY1305_SHA256",
        TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff => "TLS_EMPTY_RENEGOTIATION_INFO_SCSV",
        TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 = 0xc02b => "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 = 0xc02c => "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 = 0xc02f => "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 = 0xc030 => "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 = 0xcca8 => "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 = 0xcca9 => "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    }
}

registry! {
    /// Named group for key exchange (RFC 8446 §4.2.7).
    NamedGroup(u16) {
        SECP256R1 = 0x0017 => "secp256r1",
        SECP384R1 = 0x0018 => "secp384r1",
        SECP521R1 = 0x0019 => "secp521r1",
        X25519 = 0x001d => "x25519",
        X448 = 0x001e => "x448",
        FFDHE2048 = 0x0100 => "ffdhe2048",
    }
}

registry! {
    /// Signature scheme (RFC 8446 §4.2.3).
    SignatureScheme(u16) {
        RSA_PKCS1_SHA1 = 0x0201 => "rsa_pkcs1_sha1",
        ECDSA_SHA1 = 0x0203 => "ecdsa_sha1",
        RSA_PKCS1_SHA256 = 0x0401 => "rsa_pkcs1_sha256",
        RSA_PKCS1_SHA384 = 0x0501 => "rsa_pkcs1_sha384",
        RSA_PKCS1_SHA512 = 0x0601 => "rsa_pkcs1_sha512",
        ECDSA_SECP256R1_SHA256 = 0x0403 => "ecdsa_secp256r1_sha256",
        ECDSA_SECP384R1_SHA384 = 0x0503 => "ecdsa_secp384r1_sha384",
        ECDSA_SECP521R1_SHA512 = 0x0603 => "ecdsa_secp521r1_sha512",
        RSA_PSS_RSAE_SHA256 = 0x0804 => "rsa_pss_rsae_sha256",
        RSA_PSS_RSAE_SHA384 = 0x0805 => "rsa_pss_rsae_sha384",
        RSA_PSS_RSAE_SHA512 = 0x0806 => "rsa_pss_rsae_sha512",
        ED25519 = 0x0807 => "ed25519",
        ED448 = 0x0808 => "ed448",
        RSA_PSS_PSS_SHA256 = 0x0809 => "rsa_pss_pss_sha256",
    }
}

/// The signature algorithm a scheme names (RFC 5246 §7.4.1.4.1's SignatureAlgorithm, and
/// RFC 8446 §4.2.3's RSASSA-PSS and EdDSA schemes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemeSignature {
    /// RSASSA-PKCS1-v1_5.
    Rsa,
    /// RSASSA-PSS (rsae or pss keys).
    RsaPss,
    /// DSA.
    Dsa,
    /// ECDSA.
    Ecdsa,
    /// Ed25519.
    Ed25519,
    /// Ed448.
    Ed448,
}

impl SignatureScheme {
    /// The scheme's signature algorithm and its hash as a TLS 1.2 HashAlgorithm code (2 SHA-1,
    /// 3 SHA-224, 4 SHA-256, 5 SHA-384, 6 SHA-512; `None` for EdDSA), for the codes RFC 5246
    /// and RFC 8446 define; `None` for any other.
    pub fn parts(self) -> Option<(SchemeSignature, Option<u8>)> {
        let hash = |h: u16| u8::try_from(h).ok().filter(|h| (2..=6).contains(h));
        Some(match self.0 {
            0x0807 => (SchemeSignature::Ed25519, None),
            0x0808 => (SchemeSignature::Ed448, None),
            // rsa_pss_rsae_sha256..512, then rsa_pss_pss_sha256..512.
            s @ 0x0804..=0x0806 => (SchemeSignature::RsaPss, Some(hash(s - 0x0800)?)),
            s @ 0x0809..=0x080b => (SchemeSignature::RsaPss, Some(hash(s - 0x0805)?)),
            s => {
                let sig = match s & 0xff {
                    1 => SchemeSignature::Rsa,
                    2 => SchemeSignature::Dsa,
                    3 => SchemeSignature::Ecdsa,
                    _ => return None,
                };
                (sig, Some(hash(s >> 8)?))
            }
        })
    }
}

registry! {
    /// Extension type (RFC 8446 §4.2).
    ExtensionType(u16) {
        SERVER_NAME = 0 => "server_name",
        MAX_FRAGMENT_LENGTH = 1 => "max_fragment_length",
        STATUS_REQUEST = 5 => "status_request",
        SUPPORTED_GROUPS = 10 => "supported_groups",
        EC_POINT_FORMATS = 11 => "ec_point_formats",
        SIGNATURE_ALGORITHMS = 13 => "signature_algorithms",
        USE_SRTP = 14 => "use_srtp",
        HEARTBEAT = 15 => "heartbeat",
        ALPN = 16 => "application_layer_protocol_negotiation",
        SIGNED_CERTIFICATE_TIMESTAMP = 18 => "signed_certificate_timestamp",
        CLIENT_CERTIFICATE_TYPE = 19 => "client_certificate_type",
        SERVER_CERTIFICATE_TYPE = 20 => "server_certificate_type",
        PADDING = 21 => "padding",
        EXTENDED_MASTER_SECRET = 23 => "extended_master_secret",
        RECORD_SIZE_LIMIT = 28 => "record_size_limit",
        SESSION_TICKET = 35 => "session_ticket",
        PRE_SHARED_KEY = 41 => "pre_shared_key",
        EARLY_DATA = 42 => "early_data",
        SUPPORTED_VERSIONS = 43 => "supported_versions",
        COOKIE = 44 => "cookie",
        PSK_KEY_EXCHANGE_MODES = 45 => "psk_key_exchange_modes",
        CERTIFICATE_AUTHORITIES = 47 => "certificate_authorities",
        OID_FILTERS = 48 => "oid_filters",
        POST_HANDSHAKE_AUTH = 49 => "post_handshake_auth",
        SIGNATURE_ALGORITHMS_CERT = 50 => "signature_algorithms_cert",
        KEY_SHARE = 51 => "key_share",
        RENEGOTIATION_INFO = 0xff01 => "renegotiation_info",
    }
}

registry! {
    /// Protocol version on the wire.
    ProtocolVersion(u16) {
        SSL3 = 0x0300 => "SSLv3",
        TLS10 = 0x0301 => "TLSv1",
        TLS11 = 0x0302 => "TLSv1.1",
        TLS12 = 0x0303 => "TLSv1.2",
        TLS13 = 0x0304 => "TLSv1.3",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_parts() {
        let parts = |s: u16| SignatureScheme(s).parts();
        assert_eq!(parts(0x0403), Some((SchemeSignature::Ecdsa, Some(4))));
        assert_eq!(parts(0x0201), Some((SchemeSignature::Rsa, Some(2))));
        assert_eq!(parts(0x0302), Some((SchemeSignature::Dsa, Some(3))));
        assert_eq!(parts(0x0806), Some((SchemeSignature::RsaPss, Some(6))));
        assert_eq!(parts(0x0809), Some((SchemeSignature::RsaPss, Some(4))));
        assert_eq!(parts(0x0807), Some((SchemeSignature::Ed25519, None)));
        assert_eq!(parts(0x0808), Some((SchemeSignature::Ed448, None)));
        // MD5 (1), an unknown hash, an unknown algorithm, a private-use code.
        for s in [0x0101, 0x0703, 0x0404, 0xfe00, 0x080c] {
            assert_eq!(parts(s), None, "{s:#06x}");
        }
    }
}
