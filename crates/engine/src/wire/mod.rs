//! Wire formats: the codec, registry enums, handshake messages and extension checks. Nothing in
//! here sees a key.

pub mod codec;
pub mod enums;
pub mod extensions;
pub mod handshake;
