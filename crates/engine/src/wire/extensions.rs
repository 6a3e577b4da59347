//! Extension blocks (RFC 8446 §4.2): parsing into (type, body) pairs with the duplicate check,
//! and the one place that decides whether a server's extension was solicited and allowed in the
//! message it came in.

use super::codec::Reader;
use super::enums::ExtensionType;
use crate::error::{Error, InvalidMessage, PeerMisbehaved};

/// One extension: its type and undecoded body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawExtension<'a> {
    /// The extension type.
    pub typ: ExtensionType,
    /// The body.
    pub body: &'a [u8],
}

/// Parses an extension block (the vector's contents) and rejects duplicates (RFC 8446 §4.2:
/// "There MUST NOT be more than one extension of the same type in a given extension block").
pub fn parse_block(mut r: Reader<'_>) -> Result<Vec<RawExtension<'_>>, Error> {
    let mut out = Vec::new();
    while !r.is_empty() {
        let typ = ExtensionType(r.u16()?);
        let body = r.vec16()?;
        out.push(RawExtension { typ, body });
    }
    let mut types: Vec<u16> = out.iter().map(|e| e.typ.0).collect();
    types.sort_unstable();
    if let Some(w) = types.windows(2).find(|w| w[0] == w[1]) {
        return Err(PeerMisbehaved::DuplicateExtension(w[0]).into());
    }
    Ok(out)
}

/// Finds an extension in a parsed block.
pub fn find<'a>(block: &[RawExtension<'a>], typ: ExtensionType) -> Option<&'a [u8]> {
    block.iter().find(|e| e.typ == typ).map(|e| e.body)
}

/// The server messages that carry extensions in TLS 1.3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerMessage {
    /// ServerHello.
    ServerHello,
    /// A TLS 1.2 ServerHello.
    ServerHello12,
    /// HelloRetryRequest.
    HelloRetryRequest,
    /// EncryptedExtensions.
    EncryptedExtensions,
    /// A CertificateEntry in Certificate.
    Certificate,
}

/// Which extensions RFC 8446 §4.2 allows in each server message.
fn allowed_in(typ: ExtensionType, msg: ServerMessage) -> bool {
    use ExtensionType as E;
    match msg {
        ServerMessage::ServerHello => {
            matches!(
                typ,
                E::KEY_SHARE | E::SUPPORTED_VERSIONS | E::PRE_SHARED_KEY
            )
        }
        // RFC 5246 §7.4.1.4 and the RFCs of each extension: what a TLS 1.2 server may answer.
        ServerMessage::ServerHello12 => matches!(
            typ,
            E::SERVER_NAME
                | E::MAX_FRAGMENT_LENGTH
                | E::STATUS_REQUEST
                | E::EC_POINT_FORMATS
                | E::ALPN
                | E::SIGNED_CERTIFICATE_TIMESTAMP
                | E::EXTENDED_MASTER_SECRET
                | E::SESSION_TICKET
                | E::RENEGOTIATION_INFO
                | E::RECORD_SIZE_LIMIT
        ),
        ServerMessage::HelloRetryRequest => {
            matches!(typ, E::KEY_SHARE | E::SUPPORTED_VERSIONS | E::COOKIE)
        }
        ServerMessage::EncryptedExtensions => matches!(
            typ,
            E::SERVER_NAME
                | E::MAX_FRAGMENT_LENGTH
                | E::SUPPORTED_GROUPS
                | E::USE_SRTP
                | E::HEARTBEAT
                | E::ALPN
                | E::CLIENT_CERTIFICATE_TYPE
                | E::SERVER_CERTIFICATE_TYPE
                | E::EARLY_DATA
                | E::RECORD_SIZE_LIMIT
        ),
        ServerMessage::Certificate => {
            matches!(typ, E::STATUS_REQUEST | E::SIGNED_CERTIFICATE_TIMESTAMP)
        }
    }
}

/// Checks a server's extension block against what the client sent (RFC 8446 §4.2): an extension
/// the client did not send is `unsupported_extension`; one it sent but that is not allowed in
/// this message is `illegal_parameter`. The cookie in HelloRetryRequest is never solicited.
pub fn check_server_block(
    block: &[RawExtension<'_>],
    sent: &[ExtensionType],
    msg: ServerMessage,
) -> Result<(), Error> {
    for e in block {
        let solicited = sent.contains(&e.typ)
            || (msg == ServerMessage::HelloRetryRequest && e.typ == ExtensionType::COOKIE);
        if !solicited {
            return Err(PeerMisbehaved::UnsolicitedExtension(e.typ.0).into());
        }
        if !allowed_in(e.typ, msg) {
            return Err(PeerMisbehaved::IllegalExtensionValue(
                "extension not allowed in this message",
            )
            .into());
        }
    }
    Ok(())
}

/// Rejects an empty body where the extension must have content.
pub fn non_empty(body: &[u8]) -> Result<&[u8], InvalidMessage> {
    if body.is_empty() {
        Err(InvalidMessage::EmptyVector)
    } else {
        Ok(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_rejected() {
        let bytes = [0, 43, 0, 2, 3, 4, 0, 43, 0, 2, 3, 4];
        assert_eq!(
            parse_block(Reader::new(&bytes)),
            Err(PeerMisbehaved::DuplicateExtension(43).into())
        );
    }

    #[test]
    fn unsolicited_and_misplaced() {
        let bytes = [0, 16, 0, 0];
        let block = parse_block(Reader::new(&bytes)).unwrap();
        assert_eq!(
            check_server_block(&block, &[], ServerMessage::EncryptedExtensions),
            Err(PeerMisbehaved::UnsolicitedExtension(16).into())
        );
        check_server_block(
            &block,
            &[ExtensionType::ALPN],
            ServerMessage::EncryptedExtensions,
        )
        .unwrap();
        assert!(matches!(
            check_server_block(&block, &[ExtensionType::ALPN], ServerMessage::ServerHello),
            Err(Error::PeerMisbehaved(
                PeerMisbehaved::IllegalExtensionValue(_)
            ))
        ));
    }
}
