//! oxissl-engine: a sans-I/O TLS 1.3 client. Bytes from the network go in through
//! [`ClientConnection::recv_buffer`] / [`ClientConnection::feed_tls`]; bytes to send come out of
//! [`ClientConnection::pending_tls`]. No sockets, no clock and no randomness of its own: both are
//! injected through [`ClientConfig`], so every test is exact.
//!
//! Module map (data flows top to bottom on receive, bottom to top on send):
//! `conn` (driver) -> `record` (framing, AEAD, reassembly) -> `client` (one state per expected
//! message) -> `wire` (codec) ; `keys` (transcript, key schedule), `verify` (certificates),
//! `provider` (the only user of aws-lc-rs).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod client;
pub mod config;
pub mod conn;
pub mod error;
pub mod keys;
pub mod provider;
pub mod record;
pub mod verify;
pub mod wire;

#[cfg(test)]
mod rfc8448_tests;
#[cfg(test)]
mod test_util;

pub use client::session::{Resumption, SessionStore, StoredSession};
pub use client::{
    FinishedMessages, Negotiated, PeerCertificateRequest, ServerIdentity, SessionTicket,
};
pub use config::{
    key_log_line, ClientConfig, ClientCredential, FixedClock, KeyLog, MaxFragmentLength,
    MessageObserver, SystemClock, TimeSource, VerifyMode,
};
pub use conn::{ClientConnection, ReadStatus};
pub use error::{
    ApiMisuse, CertificateError, CredentialError, Error, InvalidMessage, PeerIncompatible,
    PeerMisbehaved,
};
pub use provider::{
    PrivateKey, SecureRandom, SigningKey, SigningKeyKind, SystemRandom, Tls12Suite, Tls13Suite,
};
pub use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
pub use verify::{NoServerVerification, RootStore, ServerCertVerifier, WebPkiVerifier};
pub use wire::enums::{
    AlertDescription, CipherSuite, NamedGroup, ProtocolVersion, SchemeSignature, SignatureScheme,
};
