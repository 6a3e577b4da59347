//! The handshake transcript (RFC 8446 §4.4.1): handshake messages are buffered until the cipher
//! suite (and so the hash) is known, then hashed incrementally. A HelloRetryRequest replaces
//! ClientHello1 with a synthetic `message_hash` message.

use std::cell::OnceCell;

use crate::provider::{Digest, HashAlgorithm, HashContext};
use crate::wire::enums::HandshakeType;

/// The running transcript.
#[derive(Clone)]
pub enum Transcript {
    /// Before ServerHello: the raw messages.
    Buffered(Vec<u8>),
    /// After ServerHello: the running hash, and its value once read (until the next message).
    Hashing(HashContext, OnceCell<Digest>),
}

impl Transcript {
    /// An empty transcript.
    pub fn new() -> Self {
        Self::Buffered(Vec::new())
    }

    /// Adds an encoded handshake message (with its 4-byte header).
    pub fn add(&mut self, msg: &[u8]) {
        match self {
            Self::Buffered(b) => b.extend_from_slice(msg),
            Self::Hashing(h, read) => {
                h.update(msg);
                read.take();
            }
        }
    }

    /// Switches to hashing with `alg` once the suite is known.
    pub fn start_hash(&mut self, alg: HashAlgorithm) {
        if let Self::Buffered(b) = self {
            let mut h = HashContext::new(alg);
            h.update(b);
            *self = Self::Hashing(h, OnceCell::new());
        }
    }

    /// Replaces the buffered ClientHello1 with `message_hash` (RFC 8446 §4.4.1) and starts
    /// hashing with `alg`.
    pub fn rewrite_for_retry(&mut self, alg: HashAlgorithm) {
        let ch1 = match self {
            Self::Buffered(b) => {
                let mut h = HashContext::new(alg);
                h.update(b);
                h.current()
            }
            Self::Hashing(h, _) => h.current(),
        };
        let mut h = HashContext::new(alg);
        h.update(&[HandshakeType::MESSAGE_HASH.0, 0, 0, alg.output_len() as u8]);
        h.update(ch1.as_bytes());
        *self = Self::Hashing(h, OnceCell::new());
    }

    /// The hash of the messages so far followed by `extra`, without adding `extra` (for the
    /// PSK binder over a truncated ClientHello, RFC 8446 §4.2.11.2).
    pub fn hash_with(&self, alg: HashAlgorithm, extra: &[u8]) -> Digest {
        let mut h = match self {
            Self::Buffered(b) => {
                let mut h = HashContext::new(alg);
                h.update(b);
                h
            }
            Self::Hashing(h, _) => h.clone(),
        };
        h.update(extra);
        h.current()
    }

    /// The hash of the messages so far. Before `start_hash` there is none: callers only ask
    /// after ServerHello. Asking twice with no message between hashes once.
    pub fn current_hash(&self) -> Digest {
        match self {
            Self::Hashing(h, read) => read.get_or_init(|| h.current()).clone(),
            // Unreachable by construction; an all-zero value keeps this total.
            Self::Buffered(_) => Digest::zeroes(0),
        }
    }
}

impl Default for Transcript {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_hash_follows_later_messages() {
        let alg = HashAlgorithm::Sha256;
        let mut t = Transcript::new();
        t.add(b"hello");
        t.start_hash(alg);
        let first = t.current_hash();
        assert_eq!(first.as_bytes(), t.current_hash().as_bytes());
        t.add(b" world");
        let mut fresh = HashContext::new(alg);
        fresh.update(b"hello world");
        assert_eq!(t.current_hash().as_bytes(), fresh.current().as_bytes());
        assert_ne!(t.current_hash().as_bytes(), first.as_bytes());
    }
}
