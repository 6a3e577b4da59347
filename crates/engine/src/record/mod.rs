//! The record layer (RFC 8446 §5): framing, AEAD protection, fragmentation and handshake
//! message reassembly. It never interprets handshake messages.

pub mod deframer;
pub mod joiner;
pub mod pool;
pub mod protect;

/// Record header length: type, legacy version, length (RFC 8446 §5.1).
pub const HEADER_LEN: usize = 5;
/// RFC 8446 §5.1: "The length MUST NOT exceed 2^14 bytes" (plaintext fragment).
pub const MAX_PLAINTEXT: usize = 1 << 14;
/// RFC 8446 §5.2: "The length MUST NOT exceed 2^14 + 256 bytes" (TLSCiphertext).
pub const MAX_CIPHERTEXT: usize = MAX_PLAINTEXT + 256;
/// The most bytes one record occupies on the wire.
pub const MAX_WIRE_RECORD: usize = HEADER_LEN + MAX_CIPHERTEXT;
