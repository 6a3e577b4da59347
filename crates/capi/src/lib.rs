//! oxissl-capi: OpenSSL 3.0's libssl C ABI over `oxissl`, built as a drop-in `libssl.so.3`
//! (soname `libssl.so.3`, every export in the `OPENSSL_3.0.0` symbol version). A program built
//! against the system OpenSSL runs on oxissl when this library comes first on
//! `LD_LIBRARY_PATH` under the name `libssl.so.3`.
//!
//! Like OpenSSL's libssl, this library leaves `BIO_*`, `ERR_*` and `X509_*` to the system
//! libcrypto ([`ffi`] declares the few functions it calls): programs hand it libcrypto BIOs
//! ([`cbio`] drives them), errors land on libcrypto's queue ([`errors`]), and peer certificates
//! come back as libcrypto `X509` objects ([`x509`]).
//!
//! # The C contract
//! Every export is written through one macro ([`entry`]): pointer arguments OpenSSL requires
//! are checked (null -> the function's failure value and `ERR_R_PASSED_NULL_PARAMETER`), and a
//! panic becomes the failure value plus `ERR_R_INTERNAL_ERROR`, never an unwind into C. Beyond
//! that, each export has OpenSSL's contract: object pointers come from this library and are
//! alive (the caller holds a reference), buffers have the lengths passed with them, strings
//! are NUL-terminated. An object is used by one thread at a time (OpenSSL's rule); a call on an
//! object made from inside one of its own callbacks fails instead of aliasing its state.
//!
//! Layout: [`ctx`] (`SSL_CTX_*`, methods, init), [`ssl`] (`SSL` lifecycle, BIOs, settings),
//! [`io`] (handshake, read, write, shutdown, `SSL_get_error`), [`info`] (state, certificates,
//! version, cipher, ALPN), [`cert`] (the program's own certificate and key), [`session`],
//! [`cipher`], [`bio_ssl`] (`BIO_f_ssl`), [`ca_list`] (CA name lists), [`sess_cache`] (the
//! context's session store), [`records`] (record size and padding), [`stubs`].

// The C names (SSL, SSL_CTX, BIO ...) are kept for the types C sees.
#![allow(clippy::missing_safety_doc, clippy::upper_case_acronyms)]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks)]

mod entry;

// The version node's own symbol: OpenSSL's libssl.so.3, linked by GNU ld, exports an absolute
// `OPENSSL_3.0.0` (value 0) for its version node; lld, rustc's linker, makes none, so it is
// defined here and exported by libssl.map.
#[cfg(target_os = "linux")]
std::arch::global_asm!(
    ".globl \"OPENSSL_3.0.0\"",
    ".type \"OPENSSL_3.0.0\", %object",
    ".set \"OPENSSL_3.0.0\", 0",
);

mod bio_ssl;
mod ca_list;
mod cbio;
mod cert;
mod cipher;
mod conf;
mod ctx;
mod errors;
mod exdata;
mod ffi;
mod info;
mod io;
mod records;
mod sess_cache;
mod session;
mod session_der;
mod ssl;
mod stubs;
mod x509;
