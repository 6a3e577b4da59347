//! The program's own certificate and key (client certificates, mutual TLS): `SSL_CTX_use_*`,
//! `SSL_use_*`, `*_check_private_key`, chains, and the PEM passphrase callback.
//!
//! Files and buffers are read with libcrypto, as OpenSSL's libssl reads them, so a program sees
//! the same error-queue entries (PEM "no start line", the `fopen` failure, a bad passphrase)
//! and encrypted PEM keys are decrypted through the program's passphrase callback. The objects
//! are kept as OpenSSL keeps them: one certificate / key / chain slot per key type, the last
//! one set being current, so mismatches and missing halves behave as in OpenSSL.
//!
//! The pair reaches oxissl as DER (the key as PKCS#8): a context's current slot is applied to
//! each connection made from it (`SSL_new`), and an `SSL`'s own changes are applied to its
//! `oxissl::Ssl` at once. The certificates sent after the leaf are the slot's chain, else the
//! context's extra chain certificates; OpenSSL's automatic chain building from the trust store
//! (when neither is set) is not done.

use std::ffi::{c_char, c_int, c_long, c_void};
use std::path::Path;

use oxissl::error as oerr;
use oxissl::SslCtx;

use crate::ctx::{ctx_ref, with_ctx, SSL_CTX};
use crate::entry::{entry, str_arg};
use crate::errors::{self, ERR_R_UNSUPPORTED};
use crate::ffi::{self, PemPasswordCb, BIO, EVP_PKEY, OPENSSL_STACK, RSA, X509};
use crate::ssl::{with_ssl, SslState, SSL};
use crate::x509::x509_to_der;

/// `SSL_FILETYPE_PEM`.
const SSL_FILETYPE_PEM: c_int = 1;
/// `SSL_FILETYPE_ASN1`.
const SSL_FILETYPE_ASN1: c_int = 2;

/// `SSL_R_BAD_SSL_FILETYPE`.
const SSL_R_BAD_SSL_FILETYPE: u32 = 124;
/// `SSL_R_NO_CERTIFICATE_ASSIGNED`.
const SSL_R_NO_CERTIFICATE_ASSIGNED: u32 = 177;
/// `SSL_R_NO_PRIVATE_KEY_ASSIGNED`.
const SSL_R_NO_PRIVATE_KEY_ASSIGNED: u32 = 190;
/// `SSL_R_UNKNOWN_CERTIFICATE_TYPE`.
const SSL_R_UNKNOWN_CERTIFICATE_TYPE: u32 = 247;
/// `SSL_R_X509_LIB`.
const SSL_R_X509_LIB: u32 = 268;
/// `SSL_R_PRIVATE_KEY_MISMATCH`, `SSL_R_NOT_REPLACING_CERTIFICATE`.
const SSL_R_PRIVATE_KEY_MISMATCH: u32 = 288;
const SSL_R_NOT_REPLACING_CERTIFICATE: u32 = 289;
/// `ERR_R_SYS_LIB`, `ERR_R_BUF_LIB`, `ERR_R_EVP_LIB`, `ERR_R_PEM_LIB`, `ERR_R_ASN1_LIB`
/// (common reasons: `ERR_RFLAG_COMMON | lib`).
const ERR_R_SYS_LIB: u32 = 0x8_0002;
const ERR_R_BUF_LIB: u32 = 0x8_0007;
const ERR_R_EVP_LIB: u32 = 0x8_0006;
const ERR_R_PEM_LIB: u32 = 0x8_0009;
const ERR_R_ASN1_LIB: u32 = 0x8_000D;
/// `PEM_R_NO_START_LINE` in `ERR_LIB_PEM`.
const PEM_R_NO_START_LINE: u32 = 108;

/// `SSL_CTRL_EXTRA_CHAIN_CERT`, `SSL_CTRL_GET_EXTRA_CHAIN_CERTS`,
/// `SSL_CTRL_CLEAR_EXTRA_CHAIN_CERTS`, `SSL_CTRL_CHAIN`, `SSL_CTRL_CHAIN_CERT`,
/// `SSL_CTRL_GET_CHAIN_CERTS`.
pub const CTRL_EXTRA_CHAIN_CERT: c_int = 14;
pub const CTRL_GET_EXTRA_CHAIN_CERTS: c_int = 82;
pub const CTRL_CLEAR_EXTRA_CHAIN_CERTS: c_int = 83;
pub const CTRL_CHAIN: c_int = 88;
pub const CTRL_CHAIN_CERT: c_int = 89;
pub const CTRL_GET_CHAIN_CERTS: c_int = 115;

/// The key types OpenSSL 3.0 keeps a slot for (`EVP_PKEY_RSA`, `_RSA_PSS`, `_DSA`, `_EC`,
/// `_ED25519`, `_ED448`; GOST needs an engine). Slot 0 (RSA) is current until something is set.
const SLOT_KINDS: [c_int; 6] = [6, 912, 116, 408, 1087, 1088];

/// One slot: each pointer owns one reference, null when unset.
struct Slot {
    cert: *mut X509,
    key: *mut EVP_PKEY,
    chain: *mut OPENSSL_STACK,
}

impl Default for Slot {
    fn default() -> Self {
        Self {
            cert: std::ptr::null_mut(),
            key: std::ptr::null_mut(),
            chain: std::ptr::null_mut(),
        }
    }
}

/// A context's or connection's own certificates and keys (OpenSSL's `CERT`), and the PEM
/// passphrase callback its loaders use.
pub struct OwnCerts {
    slots: [Slot; SLOT_KINDS.len()],
    current: usize,
    pub passwd_cb: Option<PemPasswordCb>,
    pub passwd_userdata: *mut c_void,
}

impl Default for OwnCerts {
    fn default() -> Self {
        Self {
            slots: Default::default(),
            current: 0,
            passwd_cb: None,
            passwd_userdata: std::ptr::null_mut(),
        }
    }
}

impl Drop for OwnCerts {
    fn drop(&mut self) {
        self.clear();
    }
}

/// Frees a chain stack and its certificates (null accepted).
fn free_chain(sk: *mut OPENSSL_STACK) {
    // SAFETY: the stack owns one reference to each element; null is accepted.
    unsafe { ffi::OPENSSL_sk_pop_free(sk, Some(ffi::x509_free_void)) };
}

/// The slot for a key's type, or `None` (`SSL_R_UNKNOWN_CERTIFICATE_TYPE`).
fn slot_of(k: *const EVP_PKEY) -> Option<usize> {
    // SAFETY: a live key.
    let id = unsafe { ffi::EVP_PKEY_get_base_id(k) };
    SLOT_KINDS.iter().position(|&kind| kind == id)
}

impl OwnCerts {
    /// A copy for a new `SSL` (`SSL_new` duplicates the context's, taking references).
    pub fn dup(&self) -> Self {
        let mut out = Self::default();
        out.current = self.current;
        out.passwd_cb = self.passwd_cb;
        out.passwd_userdata = self.passwd_userdata;
        for (to, from) in out.slots.iter_mut().zip(&self.slots) {
            // SAFETY: live objects owned by `self`; each copy takes its own reference
            // (X509_chain_up_ref makes a new stack holding a reference to every element).
            unsafe {
                if !from.cert.is_null() {
                    ffi::X509_up_ref(from.cert);
                    to.cert = from.cert;
                }
                if !from.key.is_null() {
                    ffi::EVP_PKEY_up_ref(from.key);
                    to.key = from.key;
                }
                if !from.chain.is_null() {
                    to.chain = ffi::X509_chain_up_ref(from.chain);
                }
            }
        }
        out
    }

    /// Drops every certificate, key and chain (`SSL_certs_clear`); the callback stays.
    pub fn clear(&mut self) {
        for slot in &mut self.slots {
            let old = std::mem::take(slot);
            // SAFETY: each pointer owned one reference (null accepted).
            unsafe {
                ffi::X509_free(old.cert);
                ffi::EVP_PKEY_free(old.key);
            }
            free_chain(old.chain);
        }
        self.current = 0;
    }

    fn slot(&self) -> &Slot {
        &self.slots[self.current]
    }

    /// The current certificate (borrowed; null if none).
    pub fn cert(&self) -> *mut X509 {
        self.slot().cert
    }

    /// The current private key (borrowed; null if none).
    pub fn key(&self) -> *mut EVP_PKEY {
        self.slot().key
    }

    /// The current slot's chain (borrowed; null if none).
    pub fn chain(&self) -> *mut OPENSSL_STACK {
        self.slot().chain
    }

    /// Whether any certificate or key is set.
    pub fn is_empty(&self) -> bool {
        self.slots
            .iter()
            .all(|s| s.cert.is_null() && s.key.is_null())
    }

    /// `ssl_set_cert`: the certificate goes to its key type's slot, which becomes current; a
    /// key already there that does not match it is dropped.
    fn set_cert(&mut self, func: &str, x: *mut X509) -> bool {
        // SAFETY: a live certificate; the key is borrowed from it.
        let pk = unsafe { ffi::X509_get0_pubkey(x) };
        if pk.is_null() {
            errors::raise_ssl(func, SSL_R_X509_LIB, None);
            return false;
        }
        let Some(i) = slot_of(pk) else {
            errors::raise_ssl(func, SSL_R_UNKNOWN_CERTIFICATE_TYPE, None);
            return false;
        };
        let slot = &mut self.slots[i];
        if !slot.key.is_null() {
            // As OpenSSL: the queue is cleared, and a mismatch is not an error.
            // SAFETY: live objects; ERR_clear_error touches only this thread's queue.
            unsafe {
                ffi::ERR_clear_error();
                if ffi::X509_check_private_key(x, slot.key) == 0 {
                    ffi::EVP_PKEY_free(std::mem::replace(&mut slot.key, std::ptr::null_mut()));
                    ffi::ERR_clear_error();
                }
            }
        }
        // SAFETY: the slot takes a reference to `x` and drops its old one (null accepted).
        unsafe {
            ffi::X509_up_ref(x);
            ffi::X509_free(std::mem::replace(&mut slot.cert, x));
        }
        self.current = i;
        true
    }

    /// `ssl_set_pkey`: the key goes to its type's slot, which becomes current; it must match
    /// the certificate already there (`X509_R_KEY_VALUES_MISMATCH`, queued by libcrypto).
    fn set_key(&mut self, func: &str, k: *mut EVP_PKEY) -> bool {
        let Some(i) = slot_of(k) else {
            errors::raise_ssl(func, SSL_R_UNKNOWN_CERTIFICATE_TYPE, None);
            return false;
        };
        let slot = &mut self.slots[i];
        // SAFETY: live objects.
        if !slot.cert.is_null() && unsafe { ffi::X509_check_private_key(slot.cert, k) } == 0 {
            return false;
        }
        // SAFETY: the slot takes a reference to `k` and drops its old one (null accepted).
        unsafe {
            ffi::EVP_PKEY_up_ref(k);
            ffi::EVP_PKEY_free(std::mem::replace(&mut slot.key, k));
        }
        self.current = i;
        true
    }

    /// `ssl_set_cert_and_key`: the certificate, its key and chain (a new stack of new
    /// references; null: none) into the key type's slot, which becomes current. Without
    /// `override`, a slot holding anything is `SSL_R_NOT_REPLACING_CERTIFICATE`.
    fn set_all(
        &mut self,
        func: &str,
        x: *mut X509,
        k: *mut EVP_PKEY,
        chain: *mut OPENSSL_STACK,
        replace: bool,
    ) -> bool {
        // SAFETY: live objects from the caller; the public key is borrowed from `x`.
        let pk = unsafe { ffi::X509_get0_pubkey(x) };
        if pk.is_null() {
            errors::raise_ssl(func, SSL_R_X509_LIB, None);
            return false;
        }
        // SAFETY: two live keys.
        if unsafe { ffi::EVP_PKEY_eq(pk, k) } != 1 {
            errors::raise_ssl(func, SSL_R_PRIVATE_KEY_MISMATCH, None);
            return false;
        }
        let Some(i) = slot_of(pk) else {
            errors::raise_ssl(func, SSL_R_UNKNOWN_CERTIFICATE_TYPE, None);
            return false;
        };
        let slot = &mut self.slots[i];
        let occupied = !(slot.cert.is_null() && slot.key.is_null() && slot.chain.is_null());
        if occupied && !replace {
            errors::raise_ssl(func, SSL_R_NOT_REPLACING_CERTIFICATE, None);
            return false;
        }
        let chain = if chain.is_null() {
            chain
        } else {
            // SAFETY: the caller's live stack; the copy holds its own references.
            let dup = unsafe { ffi::X509_chain_up_ref(chain) };
            if dup.is_null() {
                return false;
            }
            dup
        };
        free_chain(std::mem::replace(&mut slot.chain, chain));
        // SAFETY: the slot takes new references and drops its old ones (null accepted).
        unsafe {
            ffi::X509_up_ref(x);
            ffi::X509_free(std::mem::replace(&mut slot.cert, x));
            ffi::EVP_PKEY_up_ref(k);
            ffi::EVP_PKEY_free(std::mem::replace(&mut slot.key, k));
        }
        self.current = i;
        true
    }

    /// `SSL_CTX_check_private_key`: the current slot has a certificate and a key that match.
    fn check(&self, func: &str) -> bool {
        let slot = self.slot();
        if slot.cert.is_null() {
            errors::raise_ssl(func, SSL_R_NO_CERTIFICATE_ASSIGNED, None);
            return false;
        }
        if slot.key.is_null() {
            errors::raise_ssl(func, SSL_R_NO_PRIVATE_KEY_ASSIGNED, None);
            return false;
        }
        // SAFETY: live objects owned by the slot.
        unsafe { ffi::X509_check_private_key(slot.cert, slot.key) == 1 }
    }

    /// Replaces the current slot's chain with `sk` (taken over; null clears it).
    fn set0_chain(&mut self, sk: *mut OPENSSL_STACK) {
        let slot = &mut self.slots[self.current];
        free_chain(std::mem::replace(&mut slot.chain, sk));
    }

    /// Appends `x` (taken over) to the current slot's chain.
    fn add0_chain_cert(&mut self, x: *mut X509) -> bool {
        let slot = &mut self.slots[self.current];
        if slot.chain.is_null() {
            // SAFETY: no preconditions; null means out of memory.
            slot.chain = unsafe { ffi::OPENSSL_sk_new_null() };
            if slot.chain.is_null() {
                return false;
            }
        }
        // SAFETY: a live stack; it takes the reference on success.
        unsafe { ffi::OPENSSL_sk_push(slot.chain, x.cast()) > 0 }
    }

    /// The chain ctrls (`SSL_CTX_set0/1_chain`, `add0/1_chain_cert`, `get0_chain_certs`);
    /// `None` for any other command.
    pub fn chain_ctrl(&mut self, cmd: c_int, larg: c_long, parg: *mut c_void) -> Option<c_long> {
        Some(match cmd {
            CTRL_CHAIN => {
                let mut sk = parg.cast::<OPENSSL_STACK>();
                if larg != 0 && !sk.is_null() {
                    // SAFETY: the caller's live stack of X509; the copy holds its own references.
                    sk = unsafe { ffi::X509_chain_up_ref(sk) };
                    if sk.is_null() {
                        return Some(0);
                    }
                }
                self.set0_chain(sk);
                1
            }
            CTRL_CHAIN_CERT => {
                let x = parg.cast::<X509>();
                if x.is_null() {
                    return Some(0);
                }
                if larg != 0 {
                    // SAFETY: the caller's live certificate; the chain takes its own reference.
                    unsafe { ffi::X509_up_ref(x) };
                }
                let ok = self.add0_chain_cert(x);
                if !ok && larg != 0 {
                    // SAFETY: the reference taken above was not handed over.
                    unsafe { ffi::X509_free(x) };
                }
                c_long::from(ok)
            }
            CTRL_GET_CHAIN_CERTS => {
                if !parg.is_null() {
                    // SAFETY: the caller passes a STACK_OF(X509) ** to fill.
                    unsafe { *parg.cast::<*mut OPENSSL_STACK>() = self.chain() };
                }
                1
            }
            _ => return None,
        })
    }

    /// DER of the current certificate and key (PKCS#8), each if set.
    fn current_der(&self) -> (Option<Vec<u8>>, Option<SecretDer>) {
        let slot = self.slot();
        (x509_to_der(slot.cert), key_to_pkcs8(slot.key))
    }
}

/// DER of every certificate in a stack (null: none).
pub fn stack_der(sk: *mut OPENSSL_STACK) -> Vec<Vec<u8>> {
    if sk.is_null() {
        return Vec::new();
    }
    // SAFETY: a live stack of X509.
    let n = unsafe { ffi::OPENSSL_sk_num(sk) };
    (0..n)
        // SAFETY: as above, `i` in range.
        .filter_map(|i| x509_to_der(unsafe { ffi::OPENSSL_sk_value(sk, i) }.cast()))
        .collect()
}

/// Private key DER, wiped when dropped.
struct SecretDer(Vec<u8>);

impl Drop for SecretDer {
    fn drop(&mut self) {
        // SAFETY: the buffer's own bytes.
        unsafe { ffi::OPENSSL_cleanse(self.0.as_mut_ptr().cast(), self.0.len()) };
    }
}

/// A libcrypto key as PKCS#8 DER (what oxissl reads for every key type).
fn key_to_pkcs8(k: *const EVP_PKEY) -> Option<SecretDer> {
    if k.is_null() {
        return None;
    }
    // SAFETY: a live key; the PKCS#8 structure is ours and freed below.
    let p8 = unsafe { ffi::EVP_PKEY2PKCS8(k) };
    if p8.is_null() {
        return None;
    }
    // SAFETY: a null output pointer asks for the length.
    let len = unsafe { ffi::i2d_PKCS8_PRIV_KEY_INFO(p8, std::ptr::null_mut()) };
    let mut out = SecretDer(vec![0; usize::try_from(len).unwrap_or(0)]);
    let mut p = out.0.as_mut_ptr();
    // SAFETY: `out` has the `len` bytes the encoder said it writes; then the structure (which
    // holds the key) is wiped and freed.
    let written = unsafe {
        let w = if len > 0 {
            ffi::i2d_PKCS8_PRIV_KEY_INFO(p8, &mut p)
        } else {
            -1
        };
        ffi::PKCS8_PRIV_KEY_INFO_free(p8);
        w
    };
    (written == len && len > 0).then_some(out)
}

/// Whether oxissl can sign with the key (type and size), raising its reason if not: checked
/// before a key is taken, so a program learns at once rather than at the handshake.
fn oxissl_accepts(func: &str, der: &SecretDer) -> bool {
    let ok = SslCtx::new().use_private_key(&der.0).is_ok();
    errors::flush(func);
    ok
}

/// A libcrypto BIO owned here.
pub(crate) struct OwnedBio(pub(crate) *mut BIO);

impl Drop for OwnedBio {
    fn drop(&mut self) {
        // SAFETY: one reference owned here (null accepted).
        unsafe { ffi::BIO_free(self.0) };
    }
}

/// Why `file_bio` failed.
pub(crate) enum OpenFailure {
    /// `BIO_new` failed (out of memory).
    NoBio,
    /// The file could not be opened (libcrypto queued why).
    NoFile,
}

/// `BIO_new(BIO_s_file())` + `BIO_read_filename`, as OpenSSL's loaders open files.
pub(crate) fn file_bio(path: *const c_char) -> Result<OwnedBio, OpenFailure> {
    // SAFETY: BIO_s_file is static; BIO_new has no other preconditions.
    let b = OwnedBio(unsafe { ffi::BIO_new(ffi::BIO_s_file()) });
    if b.0.is_null() {
        return Err(OpenFailure::NoBio);
    }
    // SAFETY: a live file BIO and a NUL-terminated path (the callers' entries checked it).
    let r = unsafe {
        ffi::BIO_ctrl(
            b.0,
            ffi::BIO_C_SET_FILENAME,
            ffi::BIO_CLOSE | ffi::BIO_FP_READ,
            path.cast_mut().cast(),
        )
    };
    match r > 0 {
        true => Ok(b),
        false => Err(OpenFailure::NoFile),
    }
}

/// `file_bio` for the certificate and key loaders: `None` after queuing `ERR_R_BUF_LIB` or
/// (after libcrypto's reasons) `ERR_R_SYS_LIB`.
fn open_file(func: &str, path: *const c_char) -> Option<OwnedBio> {
    match file_bio(path) {
        Ok(b) => Some(b),
        Err(OpenFailure::NoBio) => {
            errors::raise_ssl(func, ERR_R_BUF_LIB, None);
            None
        }
        Err(OpenFailure::NoFile) => {
            errors::raise_ssl(func, ERR_R_SYS_LIB, None);
            None
        }
    }
}

/// Where a certificate or key goes: a context or one connection.
#[derive(Clone, Copy)]
enum Target {
    Ctx(*mut SSL_CTX),
    Ssl(*mut SSL),
}

/// Applies the connection's current pair to its `oxissl::Ssl` (after each change of it). The
/// pair was accepted by the model; oxissl's own complaints (a pair it already had that no
/// longer fits) are not the program's.
pub fn sync_own(st: &mut SslState) {
    let (cert, key) = st.own.current_der();
    if let Some(c) = cert {
        let _ = st.ssl.use_certificate(&c);
    }
    if let Some(k) = key {
        let _ = st.ssl.use_private_key(&k.0);
    }
    oerr::clear_error();
}

/// Whether oxissl can take key `k` (an encodable key of a kind it signs with); if not, why
/// is queued for `func`.
fn key_usable(func: &str, k: *mut EVP_PKEY) -> bool {
    match key_to_pkcs8(k) {
        Some(der) => oxissl_accepts(func, &der),
        None => {
            errors::raise_ssl(func, ERR_R_UNSUPPORTED, Some("the key cannot be encoded"));
            false
        }
    }
}

impl Target {
    /// The passphrase callback and its argument.
    fn passwd(self) -> (Option<PemPasswordCb>, *mut c_void) {
        let pick = |o: &OwnCerts| (o.passwd_cb, o.passwd_userdata);
        match self {
            // SAFETY: a pointer the entry checked, with a reference held by the caller.
            Target::Ctx(c) => pick(&unsafe { ctx_ref(c) }.lock().own),
            Target::Ssl(s) => with_ssl(s, "passwd", (None, std::ptr::null_mut()), |_, st| {
                pick(&st.own)
            }),
        }
    }

    /// Changes the target's own certificates with `change`; a connection's `oxissl::Ssl`
    /// then takes its new pair. 1 if `change` took, else 0.
    fn own_change(self, func: &str, change: impl FnOnce(&mut OwnCerts) -> bool) -> c_int {
        match self {
            Target::Ctx(c) => with_ctx(c, func, |st| c_int::from(change(&mut st.own))),
            Target::Ssl(s) => with_ssl(s, func, 0, |_, st| {
                let ok = change(&mut st.own);
                if ok {
                    sync_own(st);
                }
                c_int::from(ok)
            }),
        }
    }

    /// `SSL_CTX_use_certificate` / `SSL_use_certificate`.
    fn use_cert(self, func: &str, x: *mut X509) -> c_int {
        self.own_change(func, |own| own.set_cert(func, x))
    }

    /// `SSL_CTX_use_PrivateKey` / `SSL_use_PrivateKey`.
    fn use_key(self, func: &str, k: *mut EVP_PKEY) -> c_int {
        if !key_usable(func, k) {
            return 0;
        }
        self.own_change(func, |own| own.set_key(func, k))
    }

    /// `SSL_CTX_use_cert_and_key` / `SSL_use_cert_and_key`. A key held outside this library
    /// (null, an engine's) and, on one `SSL`, a chain (oxissl takes a connection's chain only
    /// from a file) are refused clearly.
    fn use_cert_and_key(
        self,
        func: &str,
        x: *mut X509,
        k: *mut EVP_PKEY,
        chain: *mut OPENSSL_STACK,
        replace: bool,
    ) -> c_int {
        if k.is_null() {
            let why = "a private key held outside this library is not supported";
            errors::raise_ssl(func, ERR_R_UNSUPPORTED, Some(why));
            return 0;
        }
        // SAFETY: null or the caller's live stack.
        let chained = !chain.is_null() && unsafe { ffi::OPENSSL_sk_num(chain) } > 0;
        if chained && matches!(self, Target::Ssl(_)) {
            let why =
                "a connection's chain is set with SSL_use_certificate_chain_file or on its context";
            errors::raise_ssl(func, ERR_R_UNSUPPORTED, Some(why));
            return 0;
        }
        if !key_usable(func, k) {
            return 0;
        }
        self.own_change(func, |own| own.set_all(func, x, k, chain, replace))
    }

    /// `*_use_certificate_file`.
    fn cert_file(self, func: &str, file: *const c_char, kind: c_int) -> c_int {
        let Some(b) = open_file(func, file) else {
            return 0;
        };
        let (cb, u) = self.passwd();
        // SAFETY: a live file BIO; the callback is the program's, called as OpenSSL calls it.
        let (x, reason) = unsafe {
            match kind {
                SSL_FILETYPE_ASN1 => (ffi::d2i_X509_bio(b.0, std::ptr::null_mut()), ERR_R_ASN1_LIB),
                SSL_FILETYPE_PEM => (
                    ffi::PEM_read_bio_X509(b.0, std::ptr::null_mut(), cb, u),
                    ERR_R_PEM_LIB,
                ),
                _ => {
                    errors::raise_ssl(func, SSL_R_BAD_SSL_FILETYPE, None);
                    return 0;
                }
            }
        };
        if x.is_null() {
            errors::raise_ssl(func, reason, None);
            return 0;
        }
        let r = self.use_cert(func, x);
        // SAFETY: our reference from the reader.
        unsafe { ffi::X509_free(x) };
        r
    }

    /// `*_use_PrivateKey_file`.
    fn key_file(self, func: &str, file: *const c_char, kind: c_int) -> c_int {
        let Some(b) = open_file(func, file) else {
            return 0;
        };
        let (cb, u) = self.passwd();
        // SAFETY: a live file BIO; the callback is the program's, called as OpenSSL calls it.
        let (k, reason) = unsafe {
            match kind {
                SSL_FILETYPE_PEM => (
                    ffi::PEM_read_bio_PrivateKey(b.0, std::ptr::null_mut(), cb, u),
                    ERR_R_PEM_LIB,
                ),
                SSL_FILETYPE_ASN1 => (
                    ffi::d2i_PrivateKey_bio(b.0, std::ptr::null_mut()),
                    ERR_R_ASN1_LIB,
                ),
                _ => {
                    errors::raise_ssl(func, SSL_R_BAD_SSL_FILETYPE, None);
                    return 0;
                }
            }
        };
        if k.is_null() {
            errors::raise_ssl(func, reason, None);
            return 0;
        }
        let r = self.use_key(func, k);
        // SAFETY: our reference from the reader.
        unsafe { ffi::EVP_PKEY_free(k) };
        r
    }

    /// `*_use_RSAPrivateKey` (deprecated in 3.0): the RSA key wrapped in an `EVP_PKEY`.
    fn use_rsa(self, func: &str, rsa: *mut RSA) -> c_int {
        // SAFETY: no preconditions; null means out of memory.
        let k = unsafe { ffi::EVP_PKEY_new() };
        if k.is_null() {
            errors::raise_ssl(func, ERR_R_EVP_LIB, None);
            return 0;
        }
        // SAFETY: a fresh key and the caller's live RSA key (the wrapper takes a reference).
        let r = if unsafe { ffi::EVP_PKEY_set1_RSA(k, rsa) } > 0 {
            self.use_key(func, k)
        } else {
            0
        };
        // SAFETY: our reference.
        unsafe { ffi::EVP_PKEY_free(k) };
        r
    }

    /// `*_use_RSAPrivateKey_file`.
    fn rsa_file(self, func: &str, file: *const c_char, kind: c_int) -> c_int {
        let Some(b) = open_file(func, file) else {
            return 0;
        };
        let (cb, u) = self.passwd();
        // SAFETY: a live file BIO; the callback is the program's, called as OpenSSL calls it.
        let (rsa, reason) = unsafe {
            match kind {
                SSL_FILETYPE_ASN1 => (
                    ffi::d2i_RSAPrivateKey_bio(b.0, std::ptr::null_mut()),
                    ERR_R_ASN1_LIB,
                ),
                SSL_FILETYPE_PEM => (
                    ffi::PEM_read_bio_RSAPrivateKey(b.0, std::ptr::null_mut(), cb, u),
                    ERR_R_PEM_LIB,
                ),
                _ => {
                    errors::raise_ssl(func, SSL_R_BAD_SSL_FILETYPE, None);
                    return 0;
                }
            }
        };
        if rsa.is_null() {
            errors::raise_ssl(func, reason, None);
            return 0;
        }
        let r = self.use_rsa(func, rsa);
        // SAFETY: our reference from the reader.
        unsafe { ffi::RSA_free(rsa) };
        r
    }

    /// `*_use_certificate_ASN1`.
    fn cert_asn1(self, func: &str, d: *const u8, len: c_long) -> c_int {
        let mut p = d;
        // SAFETY: the caller passes `len` readable bytes at `d`; d2i_X509 checks the length.
        let x = unsafe { ffi::d2i_X509(std::ptr::null_mut(), &mut p, len) };
        if x.is_null() {
            errors::raise_ssl(func, ERR_R_ASN1_LIB, None);
            return 0;
        }
        let r = self.use_cert(func, x);
        // SAFETY: our reference.
        unsafe { ffi::X509_free(x) };
        r
    }

    /// `*_use_PrivateKey_ASN1`.
    fn key_asn1(self, func: &str, pk: c_int, d: *const u8, len: c_long) -> c_int {
        let mut p = d;
        // SAFETY: the caller passes `len` readable bytes at `d`.
        let k = unsafe { ffi::d2i_PrivateKey(pk, std::ptr::null_mut(), &mut p, len) };
        if k.is_null() {
            errors::raise_ssl(func, ERR_R_ASN1_LIB, None);
            return 0;
        }
        let r = self.use_key(func, k);
        // SAFETY: our reference.
        unsafe { ffi::EVP_PKEY_free(k) };
        r
    }

    /// `*_use_RSAPrivateKey_ASN1`.
    fn rsa_asn1(self, func: &str, d: *const u8, len: c_long) -> c_int {
        let mut p = d;
        // SAFETY: the caller passes `len` readable bytes at `d`.
        let rsa = unsafe { ffi::d2i_RSAPrivateKey(std::ptr::null_mut(), &mut p, len) };
        if rsa.is_null() {
            errors::raise_ssl(func, ERR_R_ASN1_LIB, None);
            return 0;
        }
        let r = self.use_rsa(func, rsa);
        // SAFETY: our reference.
        unsafe { ffi::RSA_free(rsa) };
        r
    }

    /// `*_use_certificate_chain_file`: the first certificate (with its trust settings) as the
    /// certificate, the rest as its slot's chain. The queue is cleared first and an end of
    /// file after the last certificate is not an error, as in OpenSSL.
    fn chain_file(self, func: &str, file: *const c_char) -> c_int {
        // SAFETY: touches only this thread's queue.
        unsafe { ffi::ERR_clear_error() };
        let Some(b) = open_file(func, file) else {
            return 0;
        };
        let (cb, u) = self.passwd();
        // SAFETY: a live file BIO; the callback is the program's.
        let leaf = unsafe { ffi::PEM_read_bio_X509_AUX(b.0, std::ptr::null_mut(), cb, u) };
        if leaf.is_null() {
            errors::raise_ssl(func, ERR_R_PEM_LIB, None);
            return 0;
        }
        let mut ok = self.use_cert(func, leaf) == 1;
        // SAFETY: our reference; reading the queue has no side effects.
        unsafe {
            ffi::X509_free(leaf);
            ok &= ffi::ERR_peek_error() == 0;
        }
        if !ok {
            return 0;
        }
        // SAFETY: no preconditions; null means out of memory.
        let chain = unsafe { ffi::OPENSSL_sk_new_null() };
        loop {
            // SAFETY: a live file BIO.
            let x = unsafe { ffi::PEM_read_bio_X509(b.0, std::ptr::null_mut(), cb, u) };
            if x.is_null() {
                break;
            }
            // SAFETY: the stack takes our reference on success.
            if chain.is_null() || unsafe { ffi::OPENSSL_sk_push(chain, x.cast()) } == 0 {
                // SAFETY: not handed over.
                unsafe { ffi::X509_free(x) };
                free_chain(chain);
                return 0;
            }
        }
        // SAFETY: reads this thread's queue.
        let last = u32::try_from(unsafe { ffi::ERR_peek_last_error() }).unwrap_or(0);
        if oerr::lib_of(last) == oerr::ERR_LIB_PEM && last & 0x7F_FFFF == PEM_R_NO_START_LINE {
            // SAFETY: as above.
            unsafe { ffi::ERR_clear_error() };
        } else {
            ok = false;
        }
        // SAFETY: a live stack we own.
        let chain = if unsafe { ffi::OPENSSL_sk_num(chain) } > 0 {
            chain
        } else {
            free_chain(chain);
            std::ptr::null_mut()
        };
        match self {
            Target::Ctx(c) => with_ctx(c, func, |st| st.own.set0_chain(chain)),
            Target::Ssl(s) => {
                // SAFETY: the entry checked `file`; a C string from the caller.
                let path = unsafe { str_arg(file) }.map(Path::new);
                with_ssl(s, func, (), |_, st| {
                    st.own.set0_chain(chain);
                    // The connection's chain comes from the file, read again by oxissl.
                    if let Some(p) = path {
                        let _ = st.ssl.use_certificate_chain_file(p);
                    }
                    sync_own(st);
                })
            }
        }
        c_int::from(ok)
    }
}

/// The context a connection is made from: the context's settings plus its current
/// certificate, key and chain (the slot's chain, else the extra chain certificates).
pub fn connection_ctx(ctx: &SslCtx, own: &OwnCerts, extra: *mut OPENSSL_STACK) -> SslCtx {
    let mut base = ctx.clone();
    if own.is_empty() {
        return base;
    }
    let (cert, key) = own.current_der();
    if let Some(c) = cert {
        let _ = base.use_certificate(&c);
    }
    if let Some(k) = key {
        let _ = base.use_private_key(&k.0);
    }
    let chain = if own.chain().is_null() {
        extra
    } else {
        own.chain()
    };
    for der in stack_der(chain) {
        base.add_extra_chain_cert(&der);
    }
    oerr::clear_error();
    base
}

const CTX_CERT: &str = "SSL_CTX_use_certificate";
const CTX_KEY: &str = "SSL_CTX_use_PrivateKey";
const SSL_CERT: &str = "SSL_use_certificate";
const SSL_KEY: &str = "SSL_use_PrivateKey";

/// `SSL_CTX_set_client_cert_cb`'s callback: 1 with a certificate and key to send (the callee
/// owns both references it hands over), 0 for none, negative to be called again later.
pub type ClientCertCb = unsafe extern "C" fn(*mut SSL, *mut *mut X509, *mut *mut EVP_PKEY) -> c_int;

/// `SSL_CTX_set_cert_cb`'s callback: 1 to go on (it may have set the certificate and key), 0
/// to fail the handshake, negative to be called again later.
pub type CertCb = unsafe extern "C" fn(*mut SSL, *mut c_void) -> c_int;

/// What the certificate callbacks decided.
pub enum ClientCertAnswer {
    /// Send what is now set on the connection (the callback's certificate and key).
    Send,
    /// Send none (an empty Certificate).
    Nothing,
    /// Stop with SSL_ERROR_WANT_X509_LOOKUP; the next call asks the callback again.
    Later,
    /// The certificate callback failed: the handshake fails ("callback failed").
    Failed,
}

/// Answers a server's certificate request as OpenSSL's `tls_prepare_client_certificate` does:
/// first the certificate callback (`SSL_set_cert_cb`), which may set a certificate and key on
/// the connection; then, with both set, those; else the client certificate callback.
pub fn ask_certificate_callbacks(s: *mut SSL) -> ClientCertAnswer {
    let cert_cb = with_ssl(s, "SSL_connect", None, |_, st| st.cert_cb);
    if let Some((cb, arg)) = cert_cb {
        // SAFETY: the program's callback, called as OpenSSL calls it, on the unlocked object.
        match unsafe { cb(s, arg) } {
            r if r < 0 => return ClientCertAnswer::Later,
            0 => return ClientCertAnswer::Failed,
            _ => {}
        }
    }
    if with_ssl(s, "SSL_connect", false, |_, st| {
        st.ssl.has_client_credential()
    }) {
        return ClientCertAnswer::Send;
    }
    ask_client_cert_cb(s)
}

/// Calls the context's client certificate callback on the unlocked object, as OpenSSL's
/// `ssl_do_client_cert_cb` and `tls_prepare_client_certificate` do: a certificate and key it
/// returns are set on the connection (`SSL_use_certificate`, `SSL_use_PrivateKey`) and freed;
/// if either is missing or is refused, none is sent.
pub fn ask_client_cert_cb(s: *mut SSL) -> ClientCertAnswer {
    // SAFETY: `s` is live (the caller's), and holds a reference to its context.
    let cb = unsafe { ctx_ref((*s).ctx) }.lock().client_cert_cb;
    let Some(cb) = cb else {
        return ClientCertAnswer::Nothing;
    };
    let (mut x, mut k) = (std::ptr::null_mut(), std::ptr::null_mut());
    // SAFETY: the program's callback, called as OpenSSL calls it, with two out-pointers.
    let r = unsafe { cb(s, &mut x, &mut k) };
    if r < 0 {
        return ClientCertAnswer::Later;
    }
    let used = r == 1
        && !x.is_null()
        && !k.is_null()
        && Target::Ssl(s).use_cert("SSL_use_certificate", x) == 1
        && Target::Ssl(s).use_key("SSL_use_PrivateKey", k) == 1;
    // SAFETY: the references the callback handed over (null accepted).
    unsafe {
        ffi::X509_free(x);
        ffi::EVP_PKEY_free(k);
    }
    match used {
        true => ClientCertAnswer::Send,
        false => ClientCertAnswer::Nothing,
    }
}

entry! {
    /// `SSL_CTX_set_client_cert_cb`: called when a server asks for a certificate and the
    /// connection has none (see `ask_client_cert_cb`).
    fn SSL_CTX_set_client_cert_cb(c: *mut SSL_CTX, cb: Option<ClientCertCb>) -> () {
        nonnull: [c], fail: ();
        with_ctx(c, "SSL_CTX_set_client_cert_cb", |st| st.client_cert_cb = cb)
    }

    /// `SSL_CTX_set_cert_cb`: the certificate callback of connections made from now on (see
    /// `ask_certificate_callbacks`).
    fn SSL_CTX_set_cert_cb(c: *mut SSL_CTX, cb: Option<CertCb>, arg: *mut c_void) -> () {
        nonnull: [c], fail: ();
        with_ctx(c, "SSL_CTX_set_cert_cb", |st| st.cert_cb = cb.map(|cb| (cb, arg)))
    }

    /// `SSL_set_cert_cb`: this connection's certificate callback.
    fn SSL_set_cert_cb(s: *mut SSL, cb: Option<CertCb>, arg: *mut c_void) -> () {
        nonnull: [s], fail: ();
        with_ssl(s, "SSL_set_cert_cb", (), |_, st| st.cert_cb = cb.map(|cb| (cb, arg)))
    }

    /// `SSL_CTX_get_client_cert_cb`.
    fn SSL_CTX_get_client_cert_cb(c: *mut SSL_CTX) -> Option<ClientCertCb> {
        nonnull: [c], fail: None;
        with_ctx(c, "SSL_CTX_get_client_cert_cb", |st| st.client_cert_cb)
    }

    /// `SSL_CTX_use_certificate`: the context's certificate (a new reference is kept).
    fn SSL_CTX_use_certificate(c: *mut SSL_CTX, x: *mut X509) -> c_int {
        nonnull: [c, x], fail: 0;
        Target::Ctx(c).use_cert(CTX_CERT, x)
    }

    /// `SSL_CTX_use_cert_and_key`: the certificate, its private key and the chain sent after
    /// it, at once; without `override` a key type already set is not replaced.
    fn SSL_CTX_use_cert_and_key(
        c: *mut SSL_CTX,
        x: *mut X509,
        key: *mut EVP_PKEY,
        chain: *mut OPENSSL_STACK,
        override_: c_int,
    ) -> c_int {
        nonnull: [c, x], fail: 0;
        Target::Ctx(c).use_cert_and_key("SSL_CTX_use_cert_and_key", x, key, chain, override_ != 0)
    }

    /// `SSL_use_cert_and_key`: as the context's form, for one connection (without a chain).
    fn SSL_use_cert_and_key(
        s: *mut SSL,
        x: *mut X509,
        key: *mut EVP_PKEY,
        chain: *mut OPENSSL_STACK,
        override_: c_int,
    ) -> c_int {
        nonnull: [s, x], fail: 0;
        Target::Ssl(s).use_cert_and_key("SSL_use_cert_and_key", x, key, chain, override_ != 0)
    }

    /// `SSL_CTX_use_certificate_file`: the first certificate of a PEM file, or a DER file.
    fn SSL_CTX_use_certificate_file(c: *mut SSL_CTX, file: *const c_char, kind: c_int) -> c_int {
        nonnull: [c, file], fail: 0;
        Target::Ctx(c).cert_file("SSL_CTX_use_certificate_file", file, kind)
    }

    /// `SSL_CTX_use_certificate_ASN1`: a DER certificate.
    fn SSL_CTX_use_certificate_ASN1(c: *mut SSL_CTX, len: c_int, d: *const u8) -> c_int {
        nonnull: [c, d], fail: 0;
        Target::Ctx(c).cert_asn1("SSL_CTX_use_certificate_ASN1", d, c_long::from(len))
    }

    /// `SSL_CTX_use_certificate_chain_file`: the certificate and the chain sent after it.
    fn SSL_CTX_use_certificate_chain_file(c: *mut SSL_CTX, file: *const c_char) -> c_int {
        nonnull: [c, file], fail: 0;
        Target::Ctx(c).chain_file("SSL_CTX_use_certificate_chain_file", file)
    }

    /// `SSL_CTX_use_PrivateKey`: the certificate's key (a new reference is kept).
    fn SSL_CTX_use_PrivateKey(c: *mut SSL_CTX, key: *mut EVP_PKEY) -> c_int {
        nonnull: [c, key], fail: 0;
        Target::Ctx(c).use_key(CTX_KEY, key)
    }

    /// `SSL_CTX_use_PrivateKey_file`: PEM (encrypted ones through the passphrase callback)
    /// or DER.
    fn SSL_CTX_use_PrivateKey_file(c: *mut SSL_CTX, file: *const c_char, kind: c_int) -> c_int {
        nonnull: [c, file], fail: 0;
        Target::Ctx(c).key_file("SSL_CTX_use_PrivateKey_file", file, kind)
    }

    /// `SSL_CTX_use_PrivateKey_ASN1`: a DER key of type `pk` (`EVP_PKEY_*`).
    fn SSL_CTX_use_PrivateKey_ASN1(pk: c_int, c: *mut SSL_CTX, d: *const u8, len: c_long) -> c_int {
        nonnull: [c, d], fail: 0;
        Target::Ctx(c).key_asn1("SSL_CTX_use_PrivateKey_ASN1", pk, d, len)
    }

    /// `SSL_CTX_use_RSAPrivateKey`.
    fn SSL_CTX_use_RSAPrivateKey(c: *mut SSL_CTX, rsa: *mut RSA) -> c_int {
        nonnull: [c, rsa], fail: 0;
        Target::Ctx(c).use_rsa("SSL_CTX_use_RSAPrivateKey", rsa)
    }

    /// `SSL_CTX_use_RSAPrivateKey_file`: PKCS#1, PEM or DER.
    fn SSL_CTX_use_RSAPrivateKey_file(c: *mut SSL_CTX, file: *const c_char, kind: c_int) -> c_int {
        nonnull: [c, file], fail: 0;
        Target::Ctx(c).rsa_file("SSL_CTX_use_RSAPrivateKey_file", file, kind)
    }

    /// `SSL_CTX_use_RSAPrivateKey_ASN1`: PKCS#1 DER.
    fn SSL_CTX_use_RSAPrivateKey_ASN1(c: *mut SSL_CTX, d: *const u8, len: c_long) -> c_int {
        nonnull: [c, d], fail: 0;
        Target::Ctx(c).rsa_asn1("SSL_CTX_use_RSAPrivateKey_ASN1", d, len)
    }

    /// `SSL_CTX_check_private_key`: 1 if the current certificate and key match; else 0 with
    /// "no certificate assigned", "no private key assigned" or libcrypto's mismatch reason.
    fn SSL_CTX_check_private_key(c: *const SSL_CTX) -> c_int {
        nonnull: [c], fail: 0;
        let f = "SSL_CTX_check_private_key";
        with_ctx(c.cast_mut(), f, |st| c_int::from(st.own.check(f)))
    }

    /// `SSL_CTX_get0_certificate`: the current certificate (borrowed), or null.
    fn SSL_CTX_get0_certificate(c: *const SSL_CTX) -> *mut X509 {
        nonnull: [c], fail: std::ptr::null_mut();
        with_ctx(c.cast_mut(), "SSL_CTX_get0_certificate", |st| st.own.cert())
    }

    /// `SSL_CTX_get0_privatekey`: the current key (borrowed), or null.
    fn SSL_CTX_get0_privatekey(c: *const SSL_CTX) -> *mut EVP_PKEY {
        nonnull: [c], fail: std::ptr::null_mut();
        with_ctx(c.cast_mut(), "SSL_CTX_get0_privatekey", |st| st.own.key())
    }

    /// `SSL_CTX_set_default_passwd_cb`: the callback PEM keys are decrypted with.
    fn SSL_CTX_set_default_passwd_cb(c: *mut SSL_CTX, cb: Option<PemPasswordCb>) -> () {
        nonnull: [c], fail: ();
        with_ctx(c, "SSL_CTX_set_default_passwd_cb", |st| st.own.passwd_cb = cb)
    }

    /// `SSL_CTX_set_default_passwd_cb_userdata`: its argument.
    fn SSL_CTX_set_default_passwd_cb_userdata(c: *mut SSL_CTX, u: *mut c_void) -> () {
        nonnull: [c], fail: ();
        with_ctx(c, "SSL_CTX_set_default_passwd_cb_userdata", |st| st.own.passwd_userdata = u)
    }

    /// `SSL_CTX_get_default_passwd_cb`.
    fn SSL_CTX_get_default_passwd_cb(c: *mut SSL_CTX) -> Option<PemPasswordCb> {
        nonnull: [c], fail: None;
        with_ctx(c, "SSL_CTX_get_default_passwd_cb", |st| st.own.passwd_cb)
    }

    /// `SSL_CTX_get_default_passwd_cb_userdata`.
    fn SSL_CTX_get_default_passwd_cb_userdata(c: *mut SSL_CTX) -> *mut c_void {
        nonnull: [c], fail: std::ptr::null_mut();
        with_ctx(c, "SSL_CTX_get_default_passwd_cb_userdata", |st| st.own.passwd_userdata)
    }

    /// `SSL_use_certificate`: the connection's own certificate (copied from its context by
    /// `SSL_new`, then its own).
    fn SSL_use_certificate(s: *mut SSL, x: *mut X509) -> c_int {
        nonnull: [s, x], fail: 0;
        Target::Ssl(s).use_cert(SSL_CERT, x)
    }

    /// `SSL_use_certificate_file`.
    fn SSL_use_certificate_file(s: *mut SSL, file: *const c_char, kind: c_int) -> c_int {
        nonnull: [s, file], fail: 0;
        Target::Ssl(s).cert_file("SSL_use_certificate_file", file, kind)
    }

    /// `SSL_use_certificate_ASN1`.
    fn SSL_use_certificate_ASN1(s: *mut SSL, d: *const u8, len: c_int) -> c_int {
        nonnull: [s, d], fail: 0;
        Target::Ssl(s).cert_asn1("SSL_use_certificate_ASN1", d, c_long::from(len))
    }

    /// `SSL_use_certificate_chain_file`.
    fn SSL_use_certificate_chain_file(s: *mut SSL, file: *const c_char) -> c_int {
        nonnull: [s, file], fail: 0;
        Target::Ssl(s).chain_file("SSL_use_certificate_chain_file", file)
    }

    /// `SSL_use_PrivateKey`.
    fn SSL_use_PrivateKey(s: *mut SSL, key: *mut EVP_PKEY) -> c_int {
        nonnull: [s, key], fail: 0;
        Target::Ssl(s).use_key(SSL_KEY, key)
    }

    /// `SSL_use_PrivateKey_file`.
    fn SSL_use_PrivateKey_file(s: *mut SSL, file: *const c_char, kind: c_int) -> c_int {
        nonnull: [s, file], fail: 0;
        Target::Ssl(s).key_file("SSL_use_PrivateKey_file", file, kind)
    }

    /// `SSL_use_PrivateKey_ASN1`.
    fn SSL_use_PrivateKey_ASN1(pk: c_int, s: *mut SSL, d: *const u8, len: c_long) -> c_int {
        nonnull: [s, d], fail: 0;
        Target::Ssl(s).key_asn1("SSL_use_PrivateKey_ASN1", pk, d, len)
    }

    /// `SSL_use_RSAPrivateKey`.
    fn SSL_use_RSAPrivateKey(s: *mut SSL, rsa: *mut RSA) -> c_int {
        nonnull: [s, rsa], fail: 0;
        Target::Ssl(s).use_rsa("SSL_use_RSAPrivateKey", rsa)
    }

    /// `SSL_use_RSAPrivateKey_file`.
    fn SSL_use_RSAPrivateKey_file(s: *mut SSL, file: *const c_char, kind: c_int) -> c_int {
        nonnull: [s, file], fail: 0;
        Target::Ssl(s).rsa_file("SSL_use_RSAPrivateKey_file", file, kind)
    }

    /// `SSL_use_RSAPrivateKey_ASN1`.
    fn SSL_use_RSAPrivateKey_ASN1(s: *mut SSL, d: *const u8, len: c_long) -> c_int {
        nonnull: [s, d], fail: 0;
        Target::Ssl(s).rsa_asn1("SSL_use_RSAPrivateKey_ASN1", d, len)
    }

    /// `SSL_check_private_key`: as `SSL_CTX_check_private_key`, for the connection's own.
    fn SSL_check_private_key(s: *const SSL) -> c_int {
        nonnull: [s], fail: 0;
        let f = "SSL_check_private_key";
        with_ssl(s, f, 0, |_, st| c_int::from(st.own.check(f)))
    }

    /// `SSL_get_certificate`: the connection's current certificate (borrowed), or null.
    fn SSL_get_certificate(s: *const SSL) -> *mut X509 {
        nonnull: [s], fail: std::ptr::null_mut();
        with_ssl(s, "SSL_get_certificate", std::ptr::null_mut(), |_, st| st.own.cert())
    }

    /// `SSL_get_privatekey`: the connection's current key (borrowed), or null.
    fn SSL_get_privatekey(s: *const SSL) -> *mut EVP_PKEY {
        nonnull: [s], fail: std::ptr::null_mut();
        with_ssl(s, "SSL_get_privatekey", std::ptr::null_mut(), |_, st| st.own.key())
    }

    /// `SSL_set_default_passwd_cb` (`SSL_new` copies the context's).
    fn SSL_set_default_passwd_cb(s: *mut SSL, cb: Option<PemPasswordCb>) -> () {
        nonnull: [s], fail: ();
        with_ssl(s, "SSL_set_default_passwd_cb", (), |_, st| st.own.passwd_cb = cb)
    }

    /// `SSL_set_default_passwd_cb_userdata`.
    fn SSL_set_default_passwd_cb_userdata(s: *mut SSL, u: *mut c_void) -> () {
        nonnull: [s], fail: ();
        with_ssl(s, "SSL_set_default_passwd_cb_userdata", (), |_, st| st.own.passwd_userdata = u)
    }

    /// `SSL_get_default_passwd_cb`.
    fn SSL_get_default_passwd_cb(s: *mut SSL) -> Option<PemPasswordCb> {
        nonnull: [s], fail: None;
        with_ssl(s, "SSL_get_default_passwd_cb", None, |_, st| st.own.passwd_cb)
    }

    /// `SSL_get_default_passwd_cb_userdata`.
    fn SSL_get_default_passwd_cb_userdata(s: *mut SSL) -> *mut c_void {
        nonnull: [s], fail: std::ptr::null_mut();
        with_ssl(s, "SSL_get_default_passwd_cb_userdata", std::ptr::null_mut(), |_, st| {
            st.own.passwd_userdata
        })
    }

    /// `SSL_certs_clear`: drops the connection's certificates and keys. A pair already handed
    /// to the connection cannot be taken back from it (oxissl has no call for that): then the
    /// reason `ERR_R_UNSUPPORTED` is queued.
    fn SSL_certs_clear(s: *mut SSL) -> () {
        nonnull: [s], fail: ();
        with_ssl(s, "SSL_certs_clear", (), |_, st| {
            if !st.own.is_empty() {
                errors::raise_ssl(
                    "SSL_certs_clear",
                    ERR_R_UNSUPPORTED,
                    Some("a certificate given to a connection stays with it"),
                );
            }
            st.own.clear();
        })
    }
}
