//! Keys: the handshake transcript and the TLS 1.3 key schedule (RFC 8446 §7). The record layer
//! receives only the traffic keys derived here.

pub mod schedule13;
pub mod transcript;
