//! Finds record boundaries in received bytes: a pure function from a byte slice to
//! "need more", "one record of this type and length", or an error. No copying.

use super::{HEADER_LEN, MAX_CIPHERTEXT};
use crate::error::{Error, InvalidMessage};
use crate::wire::enums::ContentType;

/// A record header that passed the framing checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// The outer content type.
    pub typ: ContentType,
    /// The fragment length.
    pub len: usize,
}

impl Header {
    /// Header plus fragment.
    pub fn wire_len(&self) -> usize {
        HEADER_LEN + self.len
    }
}

/// Parses the header at the start of `buf`. `Ok(None)` means fewer than 5 bytes are there;
/// the caller still has to wait for `wire_len()` bytes.
pub fn parse_header(buf: &[u8]) -> Result<Option<Header>, Error> {
    if buf.len() < HEADER_LEN {
        return Ok(None);
    }
    let typ = ContentType(buf[0]);
    if !matches!(
        typ,
        ContentType::CHANGE_CIPHER_SPEC
            | ContentType::ALERT
            | ContentType::HANDSHAKE
            | ContentType::APPLICATION_DATA
    ) {
        return Err(InvalidMessage::UnknownContentType(typ).into());
    }
    // RFC 8446 §5.1 deprecates legacy_record_version, but anything that is not 3.x is not TLS.
    if buf[1] != 3 {
        return Err(InvalidMessage::BadRecordVersion.into());
    }
    let len = usize::from(u16::from_be_bytes([buf[3], buf[4]]));
    if len > MAX_CIPHERTEXT {
        return Err(InvalidMessage::RecordTooLarge.into());
    }
    Ok(Some(Header { typ, len }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framing() {
        assert_eq!(parse_header(&[22, 3, 3, 0]).unwrap(), None);
        let h = parse_header(&[22, 3, 3, 0, 9, 1]).unwrap().unwrap();
        assert_eq!(h.len, 9);
        assert_eq!(h.wire_len(), 14);
        assert_eq!(
            parse_header(b"HTTP/1.1 400"),
            Err(InvalidMessage::UnknownContentType(ContentType(b'H')).into())
        );
        assert_eq!(
            parse_header(&[23, 3, 3, 0x41, 0x01]),
            Err(InvalidMessage::RecordTooLarge.into())
        );
        assert!(parse_header(&[23, 3, 3, 0x41, 0x00]).is_ok());
        assert!(parse_header(&[23, 2, 0, 0, 1]).is_err());
    }
}
