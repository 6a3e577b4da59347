//! Keys: the handshake transcript, the TLS 1.3 key schedule (RFC 8446 §7) and the TLS 1.2 PRF
//! (RFC 5246 §5). The record layer receives only the traffic keys derived here.

pub mod exporter;
pub mod prf12;
pub mod schedule13;
pub mod transcript;
