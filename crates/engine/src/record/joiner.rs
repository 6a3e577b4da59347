//! Reassembles handshake messages from record payloads (RFC 8446 §5.1: messages may be split
//! across records and several may share one), bounded by `MAX_HANDSHAKE_MESSAGE`.

use crate::error::{Error, InvalidMessage};
use crate::wire::enums::HandshakeType;
use crate::wire::handshake::HANDSHAKE_HEADER_LEN;

/// The largest handshake message accepted: enough for a certificate chain of OpenSSL's default
/// max_cert_list (100 KiB) with room for the message framing.
pub const MAX_HANDSHAKE_MESSAGE: usize = 102_400 + 1024;

/// Buffered handshake bytes not yet handed out as messages.
#[derive(Default)]
pub struct Joiner {
    buf: Vec<u8>,
    /// Bytes at the front of `buf` already handed out.
    used: usize,
}

impl Joiner {
    /// Adds a record's handshake payload.
    pub fn push(&mut self, payload: &[u8]) -> Result<(), Error> {
        self.compact();
        self.buf.extend_from_slice(payload);
        // Reject an oversized message as soon as its header shows it.
        if self.buf.len() >= HANDSHAKE_HEADER_LEN {
            let len = body_len(&self.buf);
            if len > MAX_HANDSHAKE_MESSAGE {
                return Err(InvalidMessage::HandshakeMessageTooLarge.into());
            }
        }
        Ok(())
    }

    /// Whether a partial message is buffered (which must not span a key change).
    pub fn is_empty(&self) -> bool {
        self.used == self.buf.len()
    }

    /// The next complete message, as (type, whole encoding). The slice stays valid until the
    /// next call to `push`.
    pub fn next_message(&mut self) -> Result<Option<(HandshakeType, &[u8])>, Error> {
        let rest = &self.buf[self.used..];
        if rest.len() < HANDSHAKE_HEADER_LEN {
            return Ok(None);
        }
        let len = body_len(rest);
        if len > MAX_HANDSHAKE_MESSAGE {
            return Err(InvalidMessage::HandshakeMessageTooLarge.into());
        }
        let total = HANDSHAKE_HEADER_LEN + len;
        if rest.len() < total {
            return Ok(None);
        }
        let start = self.used;
        self.used += total;
        Ok(Some((
            HandshakeType(self.buf[start]),
            &self.buf[start..start + total],
        )))
    }

    fn compact(&mut self) {
        if self.used > 0 {
            self.buf.drain(..self.used);
            self.used = 0;
        }
    }

    /// Frees the buffer when nothing is pending.
    pub fn release(&mut self) {
        if self.is_empty() {
            self.buf = Vec::new();
            self.used = 0;
        }
    }
}

fn body_len(b: &[u8]) -> usize {
    usize::from(b[1]) << 16 | usize::from(b[2]) << 8 | usize::from(b[3])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_split_and_shared_records() {
        let mut j = Joiner::default();
        j.push(&[20, 0, 0, 2, 1]).unwrap();
        assert!(j.next_message().unwrap().is_none());
        j.push(&[2, 24, 0, 0, 1, 0]).unwrap();
        assert_eq!(j.next_message().unwrap().unwrap().1, &[20, 0, 0, 2, 1, 2]);
        assert_eq!(j.next_message().unwrap().unwrap().1, &[24, 0, 0, 1, 0]);
        assert!(j.is_empty());
    }

    #[test]
    fn rejects_huge_message_early() {
        let mut j = Joiner::default();
        assert_eq!(
            j.push(&[11, 0xff, 0xff, 0xff]),
            Err(InvalidMessage::HandshakeMessageTooLarge.into())
        );
    }
}
