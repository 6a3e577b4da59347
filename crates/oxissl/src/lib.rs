//! oxissl: OpenSSL's client API and semantics in safe Rust, on top of the sans-I/O
//! `oxissl-engine`. It mirrors `SSL_connect(3)` and its companions as OpenSSL 3.0 behaves:
//! BIOs with retry flags ([`bio`]), `SSL_CTX` ([`SslCtx`]), `SSL` ([`Ssl`]) with
//! `SSL_get_error`'s documented order, and the per-thread error queue ([`error`]). On top sits
//! an idiomatic [`SslStream`] implementing `std::io::Read` and `Write`.
//!
//! ```no_run
//! use std::io::{Read, Write};
//! use std::net::TcpStream;
//! use oxissl::{SslCtx, SslStream, SSL_VERIFY_PEER};
//!
//! let mut ctx = SslCtx::new();
//! ctx.set_default_verify_paths();
//! ctx.set_verify(SSL_VERIFY_PEER, None);
//! let tcp = TcpStream::connect("example.com:443").unwrap();
//! let mut tls = SslStream::connect(&ctx, "example.com", tcp).unwrap();
//! tls.write_all(b"GET / HTTP/1.0\r\nHost: example.com\r\n\r\n").unwrap();
//! let mut page = Vec::new();
//! let _ = tls.read_to_end(&mut page);
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod bio;
pub mod cert;
pub mod ctx;
pub mod error;
pub mod pem;
pub mod session_codec;
pub mod ssl;
pub mod stream;

pub use bio::{new_bio_pair, Bio, BioIo, MemBio, PairBio, RetryFlags, SocketBio};
pub use cert::{SSL_FILETYPE_ASN1, SSL_FILETYPE_PEM};
pub use ctx::{
    ChainVerifyCallback, ClientCertCallback, ExternalChainVerifier, SslCtx, StatusCallback,
    TrustAnchorSource, VerifyCallback, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER, SSL_MODE_AUTO_RETRY,
    SSL_MODE_ENABLE_PARTIAL_WRITE, SSL_MODE_RELEASE_BUFFERS, SSL_OP_ENABLE_MIDDLEBOX_COMPAT,
    SSL_OP_IGNORE_UNEXPECTED_EOF, SSL_OP_NO_COMPRESSION, SSL_OP_NO_TICKET, SSL_OP_NO_TLSV1_2,
    SSL_OP_NO_TLSV1_3, SSL_SESS_CACHE_CLIENT, SSL_SESS_CACHE_SERVER, SSL_VERIFY_NONE,
    SSL_VERIFY_PEER, TLS1_1_VERSION, TLS1_2_VERSION, TLS1_3_VERSION, TLS1_VERSION,
};
pub use error::ErrorEntry;
pub use ssl::{verify_error_string, ErrorCode, Ssl, Want, X509_V_OK};
pub use stream::{HandshakeError, MidHandshakeSslStream, SslStream};
