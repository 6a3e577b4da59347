//! Record protection: AEAD seal and open in place. TLS 1.3 (RFC 8446 §5.2-5.4): nonces from the
//! static IV and the sequence number, the inner content type. TLS 1.2 (RFC 5246 §6.2.3.3): the
//! sequence number and header in the additional data, an explicit nonce for AES-GCM (RFC 5288
//! §3) or the XORed IV for ChaCha20-Poly1305 (RFC 7905 §2). Also fragmentation of outgoing
//! payloads into records of at most 2^14 bytes.

use core::ops::Range;

use super::{HEADER_LEN, MAX_PLAINTEXT};
use crate::error::{Error, InvalidMessage};
use crate::provider::{AeadKey, AEAD_NONCE_LEN, AEAD_TAG_LEN};
use crate::wire::enums::{ContentType, ProtocolVersion};

/// Which record protection a key applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    /// TLS 1.3: outer type application_data, inner content type.
    Tls13,
    /// TLS 1.2 AES-GCM: 4-byte salt plus an 8-byte explicit nonce in each record.
    Tls12ExplicitNonce,
    /// TLS 1.2 ChaCha20-Poly1305: the IV XORed with the sequence number.
    Tls12XorNonce,
}

/// Bytes of explicit nonce a TLS 1.2 AES-GCM record carries (RFC 5288 §3).
pub const EXPLICIT_NONCE_LEN: usize = 8;

/// One direction's AEAD key, IV and sequence number.
pub struct RecordKey {
    key: AeadKey,
    iv: [u8; AEAD_NONCE_LEN],
    seq: u64,
    kind: RecordKind,
}

impl RecordKey {
    /// A TLS 1.3 key starting at sequence number 0.
    pub fn new(key: AeadKey, iv: [u8; AEAD_NONCE_LEN]) -> Self {
        Self::with_kind(key, iv, RecordKind::Tls13)
    }

    /// A key of the given kind starting at sequence number 0.
    pub fn with_kind(key: AeadKey, iv: [u8; AEAD_NONCE_LEN], kind: RecordKind) -> Self {
        Self {
            key,
            iv,
            seq: 0,
            kind,
        }
    }

    /// The protection this key applies.
    pub fn kind(&self) -> RecordKind {
        self.kind
    }

    /// Takes the next sequence number. RFC 8446 §5.3 / RFC 5246 §6.1: it MUST NOT wrap.
    fn next_seq(&mut self) -> Result<u64, Error> {
        if self.seq == u64::MAX {
            return Err(Error::Internal("record sequence number exhausted"));
        }
        self.seq += 1;
        Ok(self.seq - 1)
    }

    /// The nonce for `seq`: the IV XORed with the left-padded sequence number (RFC 8446 §5.3,
    /// RFC 7905 §2), or salt || explicit nonce (RFC 5288 §3).
    fn nonce(&self, seq: u64, explicit: Option<&[u8]>) -> [u8; AEAD_NONCE_LEN] {
        let mut nonce = self.iv;
        match explicit {
            Some(e) => nonce[4..].copy_from_slice(e),
            None => {
                for (n, s) in nonce[4..].iter_mut().zip(seq.to_be_bytes()) {
                    *n ^= s;
                }
            }
        }
        nonce
    }

    /// The number of records this key has protected.
    pub fn sequence(&self) -> u64 {
        self.seq
    }
}

/// RFC 5246 §6.2.3.3: additional_data = seq_num + type + version + length.
fn aad12(seq: u64, typ: ContentType, len: usize) -> [u8; 13] {
    let mut aad = [0u8; 13];
    aad[..8].copy_from_slice(&seq.to_be_bytes());
    aad[8] = typ.0;
    aad[9..11].copy_from_slice(&ProtocolVersion::TLS12.0.to_be_bytes());
    aad[11..].copy_from_slice(&(len as u16).to_be_bytes());
    aad
}

/// Appends a record header: type, legacy version, fragment length (RFC 8446 §5.1).
fn put_header(out: &mut Vec<u8>, typ: ContentType, version: ProtocolVersion, len: usize) {
    out.push(typ.0);
    out.extend_from_slice(&version.0.to_be_bytes());
    out.extend_from_slice(&(len as u16).to_be_bytes());
}

/// Appends one protected record carrying `payload` of type `typ`, in the key's format.
pub fn seal(
    key: &mut RecordKey,
    out: &mut Vec<u8>,
    typ: ContentType,
    payload: &[u8],
) -> Result<(), Error> {
    seal_padded(key, out, typ, payload, 0, MAX_PLAINTEXT)
}

/// `seal`, with a TLS 1.3 record's inner plaintext (content and type byte) padded with zeros
/// to a multiple of `block` (RFC 8446 §5.4; 0 or 1: none), but not past `cap` bytes. TLS 1.2
/// records are never padded.
pub fn seal_padded(
    key: &mut RecordKey,
    out: &mut Vec<u8>,
    typ: ContentType,
    payload: &[u8],
    block: usize,
    cap: usize,
) -> Result<(), Error> {
    match key.kind {
        RecordKind::Tls13 => {
            let inner = payload.len() + 1;
            let padding = match block {
                0 | 1 => 0,
                b => (b - inner % b) % b,
            };
            seal13(
                key,
                out,
                typ,
                payload,
                padding.min(cap.saturating_sub(inner)),
            )
        }
        _ => seal12(key, out, typ, payload),
    }
}

fn seal12(
    key: &mut RecordKey,
    out: &mut Vec<u8>,
    typ: ContentType,
    payload: &[u8],
) -> Result<(), Error> {
    debug_assert!(payload.len() <= MAX_PLAINTEXT);
    let seq = key.next_seq()?;
    let explicit = key.kind == RecordKind::Tls12ExplicitNonce;
    let extra = if explicit { EXPLICIT_NONCE_LEN } else { 0 };
    let len = extra + payload.len() + AEAD_TAG_LEN;
    let start = out.len();
    out.reserve(HEADER_LEN + len);
    put_header(out, typ, ProtocolVersion::TLS12, len);
    let seq_bytes = seq.to_be_bytes();
    if explicit {
        // The sequence number is unique per key, so it serves as the explicit nonce.
        out.extend_from_slice(&seq_bytes);
    }
    out.extend_from_slice(payload);
    let nonce = key.nonce(seq, explicit.then_some(&seq_bytes[..]));
    let aad = aad12(seq, typ, payload.len());
    let tag = key
        .key
        .seal_in_place(nonce, &aad, &mut out[start + HEADER_LEN + extra..])?;
    out.extend_from_slice(&tag);
    Ok(())
}

/// Appends one TLS 1.3 protected record carrying `payload` of inner type `typ`
/// (RFC 8446 §5.2). The payload is copied once into `out` and encrypted there.
fn seal13(
    key: &mut RecordKey,
    out: &mut Vec<u8>,
    typ: ContentType,
    payload: &[u8],
    padding: usize,
) -> Result<(), Error> {
    debug_assert!(payload.len() + padding <= MAX_PLAINTEXT);
    let len = payload.len() + 1 + padding + AEAD_TAG_LEN;
    let start = out.len();
    out.reserve(HEADER_LEN + len);
    // RFC 8446 §5.2: protected records travel as application_data, version 0x0303.
    put_header(
        out,
        ContentType::APPLICATION_DATA,
        ProtocolVersion::TLS12,
        len,
    );
    out.extend_from_slice(payload);
    out.push(typ.0);
    out.resize(out.len() + padding, 0);
    let seq = key.next_seq()?;
    let nonce = key.nonce(seq, None);
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
    put_header(out, typ, version, payload.len());
    out.extend_from_slice(payload);
}

/// Appends `payload` as records of at most `limit` bytes (2^14, or a maximum fragment length,
/// RFC 6066 §4), protected when `key` is set, TLS 1.3 ones padded to a multiple of
/// `pad_block` within the limit (see `seal_padded`).
pub fn write_records(
    key: Option<&mut RecordKey>,
    out: &mut Vec<u8>,
    typ: ContentType,
    payload: &[u8],
    limit: usize,
    pad_block: usize,
) -> Result<(), Error> {
    let limit = limit.clamp(1, MAX_PLAINTEXT);
    match key {
        Some(key) => {
            for chunk in payload.chunks(limit) {
                seal_padded(key, out, typ, chunk, pad_block, limit)?;
            }
        }
        None => payload.chunks(limit).for_each(|c| plain(out, typ, c)),
    }
    Ok(())
}

/// What opening one record needs: its nonce, additional data, where its body starts, and the
/// outer content type. The sequence number is taken when this is made.
struct Opening {
    nonce: [u8; AEAD_NONCE_LEN],
    aad: [u8; 13],
    aad_len: usize,
    body_start: usize,
    outer: ContentType,
    kind: RecordKind,
}

impl Opening {
    fn new(key: &mut RecordKey, record: &[u8]) -> Result<Self, Error> {
        let outer = ContentType(record[0]);
        let mut aad = [0u8; 13];
        if key.kind == RecordKind::Tls13 {
            // RFC 8446 §5.2: protected records travel as application_data.
            if outer != ContentType::APPLICATION_DATA {
                return Err(InvalidMessage::UnexpectedContentType(outer).into());
            }
            if record.len() < HEADER_LEN + 1 + AEAD_TAG_LEN {
                return Err(Error::DecryptFailed);
            }
            let seq = key.next_seq()?;
            // RFC 8446 §5.2: the additional data is the record header.
            aad[..HEADER_LEN].copy_from_slice(&record[..HEADER_LEN]);
            return Ok(Self {
                nonce: key.nonce(seq, None),
                aad,
                aad_len: HEADER_LEN,
                body_start: HEADER_LEN,
                outer,
                kind: key.kind,
            });
        }
        let explicit = key.kind == RecordKind::Tls12ExplicitNonce;
        let body_start = HEADER_LEN + if explicit { EXPLICIT_NONCE_LEN } else { 0 };
        if record.len() < body_start + AEAD_TAG_LEN {
            return Err(Error::DecryptFailed);
        }
        let seq = key.next_seq()?;
        let plain_len = record.len() - body_start - AEAD_TAG_LEN;
        Ok(Self {
            nonce: key.nonce(seq, explicit.then(|| &record[HEADER_LEN..body_start])),
            aad: aad12(seq, outer, plain_len),
            aad_len: 13,
            body_start,
            outer,
            kind: key.kind,
        })
    }

    /// The content type and length of the record's content, given its decrypted body.
    fn finish(&self, plain: &[u8]) -> Result<(ContentType, usize), Error> {
        if self.kind != RecordKind::Tls13 {
            // RFC 5246 §6.2.3: the plaintext MUST NOT exceed 2^14 bytes.
            if plain.len() > MAX_PLAINTEXT {
                return Err(InvalidMessage::RecordTooLarge.into());
            }
            return Ok((self.outer, plain.len()));
        }
        // RFC 8446 §5.2: the inner plaintext MUST NOT exceed 2^14 + 1 bytes.
        if plain.len() > MAX_PLAINTEXT + 1 {
            return Err(InvalidMessage::RecordTooLarge.into());
        }
        // RFC 8446 §5.4: strip zero padding; the last non-zero byte is the content type.
        let end = plain
            .iter()
            .rposition(|&b| b != 0)
            .ok_or(InvalidMessage::NoInnerContentType)?;
        Ok((ContentType(plain[end]), end))
    }
}

/// Decrypts a record in place. `record` is the whole record, header included. On success
/// returns the content type and where the plaintext lies within `record`.
pub fn open(key: &mut RecordKey, record: &mut [u8]) -> Result<(ContentType, Range<usize>), Error> {
    let o = Opening::new(key, record)?;
    let body = &mut record[o.body_start..];
    let n = key.key.open_in_place(o.nonce, &o.aad[..o.aad_len], body)?;
    let (typ, len) = o.finish(&body[..n])?;
    Ok((typ, o.body_start..o.body_start + len))
}

/// Decrypts `record` (a whole record, header included) into `out`, which must hold the record
/// less its header and tag, so received bytes need not be copied before decryption. On success
/// returns the content type and the plaintext's length at the start of `out`. A buffer too
/// small is refused before the record's sequence number is taken.
pub fn open_into(
    key: &mut RecordKey,
    record: &[u8],
    out: &mut [u8],
) -> Result<(ContentType, usize), Error> {
    if out.len() < record.len().saturating_sub(HEADER_LEN + AEAD_TAG_LEN) {
        return Err(Error::Internal("decryption buffer too small"));
    }
    let o = Opening::new(key, record)?;
    let (ciphertext, tag) =
        record[o.body_start..].split_at(record.len() - o.body_start - AEAD_TAG_LEN);
    let out = out
        .get_mut(..ciphertext.len())
        .ok_or(Error::Internal("decryption buffer too small"))?;
    key.key
        .open_into(o.nonce, &o.aad[..o.aad_len], ciphertext, tag, out)?;
    o.finish(out)
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
            MAX_PLAINTEXT,
            0,
        )
        .unwrap();
        assert_eq!(w.sequence(), 2);
        let first = HEADER_LEN + MAX_PLAINTEXT + 1 + AEAD_TAG_LEN;
        let (a, b) = out.split_at_mut(first);
        let (t, n) = open(&mut r, a).unwrap();
        assert_eq!((t, n.len()), (ContentType::APPLICATION_DATA, MAX_PLAINTEXT));
        assert_eq!(open(&mut r, b).unwrap().1.len(), 10);
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
        r.next_seq().unwrap();
        assert_eq!(open(&mut r, &mut out), Err(Error::DecryptFailed));
    }

    #[test]
    fn tls12_round_trip_both_nonce_kinds() {
        for (kind, alg, klen) in [
            (RecordKind::Tls12ExplicitNonce, AeadAlgorithm::Aes256Gcm, 32),
            (
                RecordKind::Tls12XorNonce,
                AeadAlgorithm::Chacha20Poly1305,
                32,
            ),
        ] {
            let k =
                || RecordKey::with_kind(AeadKey::new(alg, &vec![3; klen]).unwrap(), [4; 12], kind);
            let (mut w, mut r) = (k(), k());
            let mut out = Vec::new();
            seal(&mut w, &mut out, ContentType::HANDSHAKE, b"first").unwrap();
            let first = out.len();
            seal(&mut w, &mut out, ContentType::ALERT, &[1, 0]).unwrap();
            let (a, b) = out.split_at_mut(first);
            let (t, range) = open(&mut r, a).unwrap();
            assert_eq!((t, &a[range]), (ContentType::HANDSHAKE, &b"first"[..]));
            let (t, range) = open(&mut r, b).unwrap();
            assert_eq!((t, &b[range]), (ContentType::ALERT, &[1u8, 0][..]));
            // The header is authenticated: a changed type fails.
            let mut again = Vec::new();
            seal(&mut k(), &mut again, ContentType::HANDSHAKE, b"x").unwrap();
            again[0] = ContentType::ALERT.0;
            assert_eq!(open(&mut k(), &mut again), Err(Error::DecryptFailed));
        }
    }

    #[test]
    fn opening_into_another_buffer_matches_opening_in_place() {
        let kinds = [
            (RecordKind::Tls13, AeadAlgorithm::Aes128Gcm, 16),
            (RecordKind::Tls12ExplicitNonce, AeadAlgorithm::Aes256Gcm, 32),
            (
                RecordKind::Tls12XorNonce,
                AeadAlgorithm::Chacha20Poly1305,
                32,
            ),
        ];
        for (kind, alg, klen) in kinds {
            let k =
                || RecordKey::with_kind(AeadKey::new(alg, &vec![3; klen]).unwrap(), [4; 12], kind);
            let (mut w, mut r_in_place, mut r_into) = (k(), k(), k());
            let mut wire = Vec::new();
            seal(&mut w, &mut wire, ContentType::APPLICATION_DATA, &[9; 300]).unwrap();
            seal(&mut w, &mut wire, ContentType::HANDSHAKE, b"second").unwrap();
            let first = HEADER_LEN + usize::from(u16::from_be_bytes([wire[3], wire[4]]));
            for record in [&wire[..first], &wire[first..]] {
                let mut copy = record.to_vec();
                let (t1, range) = open(&mut r_in_place, &mut copy).unwrap();
                let mut out = vec![0u8; record.len()];
                let (t2, n) = open_into(&mut r_into, record, &mut out).unwrap();
                assert_eq!((t1, &copy[range]), (t2, &out[..n]), "{kind:?}");
            }
            // Tampered, or into a buffer shorter than the ciphertext: refused, nothing read.
            let mut bad = wire[..first].to_vec();
            bad[first - 1] ^= 1;
            let mut out = vec![0u8; first];
            assert_eq!(
                open_into(&mut k(), &bad, &mut out),
                Err(Error::DecryptFailed)
            );
            // A short buffer costs no sequence number: the record still opens after it.
            let mut fresh = k();
            assert!(open_into(&mut fresh, &wire[..first], &mut out[..10]).is_err());
            assert_eq!(fresh.sequence(), 0);
            assert!(open_into(&mut fresh, &wire[..first], &mut out).is_ok());
        }
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
