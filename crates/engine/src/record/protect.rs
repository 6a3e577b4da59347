//! Record protection (RFC 8446 §5.2-5.4): AEAD seal and open in place, per-record nonces from
//! the static IV and the sequence number, the inner content type, and fragmentation of outgoing
//! payloads into records of at most 2^14 bytes.

use super::{HEADER_LEN, MAX_PLAINTEXT};
use crate::error::{Error, InvalidMessage};
use crate::provider::{AeadKey, AEAD_NONCE_LEN, AEAD_TAG_LEN};
use crate::wire::enums::{ContentType, ProtocolVersion};

/// One direction's AEAD key, static IV and sequence number.
pub struct RecordKey {
    key: AeadKey,
    iv: [u8; AEAD_NONCE_LEN],
    seq: u64,
}

impl RecordKey {
    /// A key starting at sequence number 0.
    pub fn new(key: AeadKey, iv: [u8; AEAD_NONCE_LEN]) -> Self {
        Self { key, iv, seq: 0 }
    }

    /// RFC 8446 §5.3: the 64-bit sequence number, left-padded, XORed with the static IV.
    fn next_nonce(&mut self) -> Result<[u8; AEAD_NONCE_LEN], Error> {
        // RFC 8446 §5.3: a sequence number MUST NOT wrap.
        if self.seq == u64::MAX {
            return Err(Error::Internal("record sequence number exhausted"));
        }
        let mut nonce = self.iv;
        for (n, s) in nonce[4..].iter_mut().zip(self.seq.to_be_bytes()) {
            *n ^= s;
        }
        self.seq += 1;
        Ok(nonce)
    }

    /// The number of records this key has protected.
    pub fn sequence(&self) -> u64 {
        self.seq
    }
}

/// Appends one TLS 1.3 protected record carrying `payload` of inner type `typ`
/// (RFC 8446 §5.2). The payload is copied once into `out` and encrypted there.
pub fn seal(
    key: &mut RecordKey,
    out: &mut Vec<u8>,
    typ: ContentType,
    payload: &[u8],
) -> Result<(), Error> {
    debug_assert!(payload.len() <= MAX_PLAINTEXT);
    let len = payload.len() + 1 + AEAD_TAG_LEN;
    let start = out.len();
    out.reserve(HEADER_LEN + len);
    out.push(ContentType::APPLICATION_DATA.0);
    out.extend_from_slice(&ProtocolVersion::TLS12.0.to_be_bytes());
    out.extend_from_slice(&(len as u16).to_be_bytes());
    out.extend_from_slice(payload);
    out.push(typ.0);
    let nonce = key.next_nonce()?;
    let (header, body) = out[start..].split_at_mut(HEADER_LEN);
    let tag = key.key.seal_in_place(nonce, header, body)?;
    out.extend_from_slice(&tag);
    Ok(())
}

/// Appends one unprotected record.
pub fn plain(out: &mut Vec<u8>, typ: ContentType, payload: &[u8]) {
    plain_with_version(out, typ, ProtocolVersion::TLS12, payload);
}

/// Appends one unprotected record with a chosen legacy_record_version.
pub fn plain_with_version(
    out: &mut Vec<u8>,
    typ: ContentType,
    version: ProtocolVersion,
    payload: &[u8],
) {
    debug_assert!(payload.len() <= MAX_PLAINTEXT);
    out.push(typ.0);
    out.extend_from_slice(&version.0.to_be_bytes());
    out.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    out.extend_from_slice(payload);
}

/// Appends `payload` as records of at most 2^14 bytes, protected when `key` is set.
pub fn write_records(
    key: Option<&mut RecordKey>,
    out: &mut Vec<u8>,
    typ: ContentType,
    payload: &[u8],
) -> Result<(), Error> {
    match key {
        Some(key) => {
            for chunk in payload.chunks(MAX_PLAINTEXT) {
                seal(key, out, typ, chunk)?;
            }
        }
        None => payload
            .chunks(MAX_PLAINTEXT)
            .for_each(|c| plain(out, typ, c)),
    }
    Ok(())
}

/// Decrypts a TLS 1.3 record in place. `record` is the whole record, header included; on
/// success the plaintext is `record[HEADER_LEN..HEADER_LEN + len]` and its inner type is returned.
pub fn open(key: &mut RecordKey, record: &mut [u8]) -> Result<(ContentType, usize), Error> {
    // RFC 8446 §5.2: protected records travel as application_data.
    if record[0] != ContentType::APPLICATION_DATA.0 {
        return Err(InvalidMessage::UnexpectedContentType(ContentType(record[0])).into());
    }
    if record.len() < HEADER_LEN + 1 + AEAD_TAG_LEN {
        return Err(Error::DecryptFailed);
    }
    let nonce = key.next_nonce()?;
    let (header, body) = record.split_at_mut(HEADER_LEN);
    let n = key.key.open_in_place(nonce, header, body)?;
    // RFC 8446 §5.2: the inner plaintext MUST NOT exceed 2^14 + 1 bytes.
    if n > MAX_PLAINTEXT + 1 {
        return Err(InvalidMessage::RecordTooLarge.into());
    }
    // RFC 8446 §5.4: strip zero padding; the last non-zero byte is the content type.
    let end = body[..n]
        .iter()
        .rposition(|&b| b != 0)
        .ok_or(InvalidMessage::NoInnerContentType)?;
    Ok((ContentType(body[end]), end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::AeadAlgorithm;

    fn key() -> RecordKey {
        RecordKey::new(
            AeadKey::new(AeadAlgorithm::Aes128Gcm, &[1; 16]).unwrap(),
            [2; 12],
        )
    }

    #[test]
    fn seal_open_round_trip_with_padding_and_fragments() {
        let (mut w, mut r) = (key(), key());
        let mut out = Vec::new();
        let payload = vec![0x55u8; MAX_PLAINTEXT + 10];
        write_records(
            Some(&mut w),
            &mut out,
            ContentType::APPLICATION_DATA,
            &payload,
        )
        .unwrap();
        assert_eq!(w.sequence(), 2);
        let first = HEADER_LEN + MAX_PLAINTEXT + 1 + AEAD_TAG_LEN;
        let (a, b) = out.split_at_mut(first);
        let (t, n) = open(&mut r, a).unwrap();
        assert_eq!((t, n), (ContentType::APPLICATION_DATA, MAX_PLAINTEXT));
        assert_eq!(open(&mut r, b).unwrap().1, 10);
        assert_eq!(r.sequence(), 2);
    }

    #[test]
    fn tampering_and_reordering_fail() {
        let (mut w, mut r) = (key(), key());
        let mut out = Vec::new();
        seal(&mut w, &mut out, ContentType::HANDSHAKE, b"x").unwrap();
        let mut bad = out.clone();
        bad[6] ^= 1;
        assert_eq!(open(&mut key(), &mut bad), Err(Error::DecryptFailed));
        // Wrong sequence number: the nonce differs.
        r.next_nonce().unwrap();
        assert_eq!(open(&mut r, &mut out), Err(Error::DecryptFailed));
    }

    #[test]
    fn all_zero_inner_plaintext_rejected() {
        let (mut w, mut r) = (key(), key());
        let mut out = Vec::new();
        seal(&mut w, &mut out, ContentType(0), b"").unwrap();
        assert_eq!(
            open(&mut r, &mut out),
            Err(InvalidMessage::NoInnerContentType.into())
        );
    }
}
