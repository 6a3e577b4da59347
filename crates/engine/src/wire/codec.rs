//! Byte codec for the TLS presentation language (RFC 8446 §3): a bounds-checked `Reader` with
//! sub-readers for length-prefixed vectors, and writers that patch length prefixes afterwards.
//! Everything that decodes bytes from the network goes through here.

use crate::error::InvalidMessage;

/// A cursor over received bytes. Every read is bounds-checked; `finish` rejects trailing bytes.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader over `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    /// Bytes not yet read.
    pub fn rest(&self) -> &'a [u8] {
        &self.buf[self.pos..]
    }

    /// Whether every byte was read.
    pub fn is_empty(&self) -> bool {
        self.pos == self.buf.len()
    }

    /// Reads exactly `n` bytes.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], InvalidMessage> {
        if self.buf.len() - self.pos < n {
            return Err(InvalidMessage::Truncated);
        }
        let out = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    /// Reads a `u8`.
    pub fn u8(&mut self) -> Result<u8, InvalidMessage> {
        Ok(self.take(1)?[0])
    }

    /// Reads a big-endian `u16`.
    pub fn u16(&mut self) -> Result<u16, InvalidMessage> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    /// Reads a big-endian 24-bit length.
    pub fn u24(&mut self) -> Result<usize, InvalidMessage> {
        let b = self.take(3)?;
        Ok(usize::from(b[0]) << 16 | usize::from(b[1]) << 8 | usize::from(b[2]))
    }

    /// Reads a big-endian `u32`.
    pub fn u32(&mut self) -> Result<u32, InvalidMessage> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// Reads an array of fixed size.
    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], InvalidMessage> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    /// Reads a vector with a one-byte length prefix.
    pub fn vec8(&mut self) -> Result<&'a [u8], InvalidMessage> {
        let n = self.u8()?;
        self.take(usize::from(n))
    }

    /// Reads a vector with a two-byte length prefix.
    pub fn vec16(&mut self) -> Result<&'a [u8], InvalidMessage> {
        let n = self.u16()?;
        self.take(usize::from(n))
    }

    /// Reads a vector with a three-byte length prefix.
    pub fn vec24(&mut self) -> Result<&'a [u8], InvalidMessage> {
        let n = self.u24()?;
        self.take(n)
    }

    /// A sub-reader over a vector with a one-byte length prefix.
    pub fn sub8(&mut self) -> Result<Reader<'a>, InvalidMessage> {
        self.vec8().map(Reader::new)
    }

    /// A sub-reader over a vector with a two-byte length prefix.
    pub fn sub16(&mut self) -> Result<Reader<'a>, InvalidMessage> {
        self.vec16().map(Reader::new)
    }

    /// A sub-reader over a vector with a three-byte length prefix.
    pub fn sub24(&mut self) -> Result<Reader<'a>, InvalidMessage> {
        self.vec24().map(Reader::new)
    }

    /// Fails unless every byte was read (no trailing data).
    pub fn finish(&self) -> Result<(), InvalidMessage> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(InvalidMessage::TrailingData)
        }
    }
}

/// Appends a `u16`.
pub fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}

/// Appends a 24-bit length.
pub fn put_u24(out: &mut Vec<u8>, v: usize) {
    debug_assert!(v < 1 << 24);
    out.extend_from_slice(&[(v >> 16) as u8, (v >> 8) as u8, v as u8]);
}

/// Writes a length-prefixed vector: `width` bytes of length (1, 2 or 3), then what `body` appends.
pub fn put_vec(out: &mut Vec<u8>, width: usize, body: impl FnOnce(&mut Vec<u8>)) {
    let at = out.len();
    out.resize(at + width, 0);
    body(out);
    let len = out.len() - at - width;
    let be = len.to_be_bytes();
    out[at..at + width].copy_from_slice(&be[be.len() - width..]);
}

/// Writes a vector with a one-byte length prefix.
pub fn put_vec8(out: &mut Vec<u8>, data: &[u8]) {
    out.push(data.len() as u8);
    out.extend_from_slice(data);
}

/// Writes a vector with a two-byte length prefix.
pub fn put_vec16(out: &mut Vec<u8>, data: &[u8]) {
    put_u16(out, data.len() as u16);
    out.extend_from_slice(data);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_bounds_and_trailing() {
        let mut r = Reader::new(&[0, 2, 0xaa, 0xbb, 1]);
        let mut sub = r.sub16().unwrap();
        assert_eq!(sub.u16().unwrap(), 0xaabb);
        sub.finish().unwrap();
        assert_eq!(r.finish(), Err(InvalidMessage::TrailingData));
        assert_eq!(r.u16(), Err(InvalidMessage::Truncated));
        assert_eq!(r.u8().unwrap(), 1);
        r.finish().unwrap();
    }

    #[test]
    fn u24_and_vec24() {
        let mut r = Reader::new(&[0, 0, 2, 9, 8]);
        assert_eq!(r.vec24().unwrap(), &[9, 8]);
        let mut r = Reader::new(&[0, 1, 0]);
        assert_eq!(r.vec24(), Err(InvalidMessage::Truncated));
    }

    #[test]
    fn put_vec_patches_length() {
        let mut out = vec![7];
        put_vec(&mut out, 3, |o| o.extend_from_slice(&[1, 2, 3, 4]));
        assert_eq!(out, [7, 0, 0, 4, 1, 2, 3, 4]);
        let mut out = Vec::new();
        put_vec(&mut out, 2, |o| o.push(5));
        assert_eq!(out, [0, 1, 5]);
    }
}
