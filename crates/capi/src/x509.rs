//! Certificates between oxissl (DER bytes) and libcrypto (`X509` objects): the peer's chain
//! handed to C (`SSL_get_peer_cert_chain`), the trusted certificates read out of an
//! `X509_STORE`, and libcrypto's verification of the peer's chain when a C verify callback is
//! set.

use std::collections::HashSet;
use std::ffi::{c_int, c_long, c_void, CString};
use std::sync::OnceLock;

use crate::ctx::VerifyCb;
use crate::entry::entry;
use crate::ffi::{self, OPENSSL_STACK, X509, X509_OBJECT, X509_STORE};

/// Parses one DER certificate into a libcrypto object (one reference), or null.
pub fn x509_from_der(der: &[u8]) -> *mut X509 {
    let Ok(len) = c_long::try_from(der.len()) else {
        return std::ptr::null_mut();
    };
    let mut p = der.as_ptr();
    // SAFETY: `p` points to `len` readable bytes; d2i_X509 advances it and allocates the
    // result.
    unsafe { ffi::d2i_X509(std::ptr::null_mut(), &mut p, len) }
}

/// Encodes a libcrypto certificate as DER.
pub fn x509_to_der(x: *const X509) -> Option<Vec<u8>> {
    if x.is_null() {
        return None;
    }
    // SAFETY: `x` is a live certificate; a null output pointer asks for the length only.
    let len = unsafe { ffi::i2d_X509(x, std::ptr::null_mut()) };
    let n = usize::try_from(len).ok().filter(|n| *n > 0)?;
    let mut buf = vec![0u8; n];
    let mut p = buf.as_mut_ptr();
    // SAFETY: `buf` has exactly the `len` bytes i2d_X509 said it writes.
    let written = unsafe { ffi::i2d_X509(x, &mut p) };
    (written == len).then_some(buf)
}

/// The peer's chain as libcrypto objects: the leaf (its own reference, or null if it does not
/// parse) and a stack owning one reference to each certificate, leaf first.
pub fn chain_from_der(ders: &[&[u8]]) -> (*mut X509, *mut OPENSSL_STACK) {
    // SAFETY: OPENSSL_sk_new_null has no preconditions.
    let sk = unsafe { ffi::OPENSSL_sk_new_null() };
    if sk.is_null() {
        return (std::ptr::null_mut(), sk);
    }
    let mut leaf = std::ptr::null_mut();
    for (i, der) in ders.iter().enumerate() {
        let x = x509_from_der(der);
        if x.is_null() {
            continue;
        }
        // SAFETY: `sk` is live and `x` owns one reference, which the stack takes on success.
        if unsafe { ffi::OPENSSL_sk_push(sk, x.cast()) } == 0 {
            // SAFETY: the push failed, so the reference is still ours.
            unsafe { ffi::X509_free(x) };
            continue;
        }
        if i == 0 {
            // SAFETY: `x` is live (held by the stack); the leaf slot takes its own reference.
            unsafe { ffi::X509_up_ref(x) };
            leaf = x;
        }
    }
    (leaf, sk)
}

/// Calls `f` with each certificate of a store (the context's live store, or null).
fn for_each_store_cert(store: *mut X509_STORE, mut f: impl FnMut(*const X509)) {
    if store.is_null() {
        return;
    }
    // SAFETY: `store` is the context's live store. The lock keeps its object list stable
    // while we walk it; every element of the list is an X509_OBJECT.
    unsafe {
        ffi::X509_STORE_lock(store);
        let objs = ffi::X509_STORE_get0_objects(store);
        let n = if objs.is_null() {
            0
        } else {
            ffi::OPENSSL_sk_num(objs)
        };
        for i in 0..n {
            let o = ffi::OPENSSL_sk_value(objs, i)
                .cast::<X509_OBJECT>()
                .cast_const();
            if o.is_null() || ffi::X509_OBJECT_get_type(o) != ffi::X509_LU_X509 {
                continue;
            }
            f(ffi::X509_OBJECT_get0_X509(o));
        }
        ffi::X509_STORE_unlock(store);
    }
}

/// The certificates of a store as DER, leaving out those at the addresses in `skip`.
pub fn store_certificates_except(store: *mut X509_STORE, skip: &HashSet<usize>) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for_each_store_cert(store, |x| {
        if !skip.contains(&(x as usize)) {
            out.extend(x509_to_der(x));
        }
    });
    out
}

/// The addresses of a store's certificates (to tell apart those loaded later).
pub fn store_cert_addresses(store: *mut X509_STORE) -> HashSet<usize> {
    let mut out = HashSet::new();
    for_each_store_cert(store, |x| {
        out.insert(x as usize);
    });
    out
}

/// The ex_data index under which an `X509_STORE_CTX` given to a verify callback holds its
/// `SSL` (`SSL_get_ex_data_X509_STORE_CTX_idx`).
pub fn store_ctx_ssl_index() -> c_int {
    static IDX: OnceLock<c_int> = OnceLock::new();
    *IDX.get_or_init(|| {
        // SAFETY: registers a new index with no callbacks; the argp string is static.
        unsafe {
            ffi::CRYPTO_get_ex_new_index(
                ffi::CRYPTO_EX_INDEX_X509_STORE_CTX,
                0,
                c"SSL for verify callback".as_ptr().cast_mut().cast(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
            )
        }
    })
}

/// Adds a DER certificate to `store` (a duplicate or an unparsable one is skipped).
pub fn add_der_to_store(store: *mut X509_STORE, der: &[u8]) {
    let x = x509_from_der(der);
    if !x.is_null() {
        // SAFETY: a live store and certificate; the store takes its own reference.
        unsafe {
            ffi::X509_STORE_add_cert(store, x);
            ffi::X509_free(x);
        }
    }
}

/// `SSL_CTX_set_cert_verify_callback`'s callback, called in place of `X509_verify_cert`.
pub type AppVerifyCb = unsafe extern "C" fn(*mut ffi::X509_STORE_CTX, *mut c_void) -> c_int;

/// The program's callbacks for one chain verification: `SSL_CTX_set_verify`'s (called by
/// libcrypto for each certificate and error) and `SSL_CTX_set_cert_verify_callback`'s with its
/// argument (called instead of `X509_verify_cert`).
#[derive(Clone, Copy)]
pub struct ChainCallbacks {
    pub verify: Option<VerifyCb>,
    pub app: Option<(AppVerifyCb, *mut c_void)>,
    /// The connection's `X509_VERIFY_PARAM` (`SSL_get0_param`), applied over the store's as
    /// libssl applies it (null: none made).
    pub param: *const ffi::X509_VERIFY_PARAM,
    /// The connection's security level, libcrypto's authentication level for the chain, as
    /// libssl sets it; never below 2, where webpki's own key checks stand (RSA of 2048 bits).
    pub security_level: c_int,
}

/// The security level at and above which libcrypto checks the chain (webpki's checks meet
/// level 2's: RSA keys of 2048 bits or more, no SHA-1 signatures).
pub const LIBCRYPTO_SECURITY_LEVEL: c_int = 3;

/// Flags webpki's verification already honours: `X509_V_FLAG_TRUSTED_FIRST` (set in every
/// default parameter set) and `X509_V_FLAG_PARTIAL_CHAIN` (webpki takes any trusted
/// certificate as an anchor).
const FLAGS_WEBPKI_HONOURS: std::ffi::c_ulong = 0x8000 | 0x80000;

/// Whether verification flags ask for what only libcrypto does (CRL checks, strict or policy
/// checks, a fixed verification time ...): any flag beyond `FLAGS_WEBPKI_HONOURS`, on the
/// connection's parameters or the trusted store's.
pub fn flags_need_libcrypto(
    param: *const ffi::X509_VERIFY_PARAM,
    store: *const X509_STORE,
) -> bool {
    // SAFETY: both are live libcrypto objects owned by the connection and its context (or
    // null, which is checked first).
    unsafe {
        let flags = |p: *const ffi::X509_VERIFY_PARAM| {
            if p.is_null() {
                0
            } else {
                ffi::X509_VERIFY_PARAM_get_flags(p)
            }
        };
        let store_param = if store.is_null() {
            std::ptr::null()
        } else {
            ffi::X509_STORE_get0_param(store).cast_const()
        };
        (flags(param) | flags(store_param)) & !FLAGS_WEBPKI_HONOURS != 0
    }
}

/// Verifies the peer's chain with libcrypto as libssl does (`ssl_verify_cert_chain`): an
/// `X509_STORE_CTX` over the trusted store with purpose "ssl_server", the host or IP address
/// set with `SSL_set1_host`, the depth limit, the `SSL` in its ex_data and the verify callback;
/// then the application's verify callback if there is one, else `X509_verify_cert`. Returns
/// whether the chain was accepted and the `X509_V_ERR_*` result left in the store context.
pub fn verify_with_callback(
    cbs: ChainCallbacks,
    ssl: *mut c_void,
    store: *mut X509_STORE,
    chain: &[&[u8]],
    name: Option<&str>,
    depth: c_int,
) -> (bool, i64) {
    let (leaf, sk) = chain_from_der(chain);
    // SAFETY: X509_STORE_CTX_new has no preconditions.
    let sctx = unsafe { ffi::X509_STORE_CTX_new() };
    let name = name.and_then(|n| CString::new(n).ok());
    if sctx.is_null() || leaf.is_null() {
        // SAFETY: we own the leaf reference and the stack (null accepted).
        unsafe {
            ffi::X509_STORE_CTX_free(sctx);
            ffi::X509_free(leaf);
            ffi::OPENSSL_sk_pop_free(sk, Some(ffi::x509_free_void));
        }
        return (false, X509_V_ERR_UNSPECIFIED);
    }
    // SAFETY: `sctx` is fresh; the store, leaf and stack stay live for the whole call and are
    // only borrowed by it; `ssl` is the live object whose handshake is running. The callback
    // is the program's, called by libcrypto as OpenSSL calls it.
    unsafe {
        ffi::X509_STORE_CTX_init(sctx, store, leaf, sk);
        ffi::X509_STORE_CTX_set_default(sctx, c"ssl_server".as_ptr());
        let param = ffi::X509_STORE_CTX_get0_param(sctx);
        if !cbs.param.is_null() {
            // As libssl's ssl_verify_cert_chain: the connection's parameters over the store's,
            // then the security level as the authentication level.
            ffi::X509_VERIFY_PARAM_set1(param, cbs.param);
        }
        ffi::X509_VERIFY_PARAM_set_auth_level(param, cbs.security_level.max(2));
        if let Some(n) = &name {
            // SSL_set1_host: an IP address literal is checked as an address.
            if ffi::X509_VERIFY_PARAM_set1_ip_asc(param, n.as_ptr()) != 1 {
                ffi::X509_VERIFY_PARAM_set1_host(param, n.as_ptr(), 0);
            }
        }
        if depth >= 0 {
            ffi::X509_VERIFY_PARAM_set_depth(param, depth);
        }
        ffi::X509_STORE_CTX_set_ex_data(sctx, store_ctx_ssl_index(), ssl);
        if let Some(cb) = cbs.verify {
            ffi::X509_STORE_CTX_set_verify_cb(sctx, Some(cb));
        }
        let ok = match cbs.app {
            Some((app, arg)) => app(sctx, arg) > 0,
            None => ffi::X509_verify_cert(sctx) > 0,
        };
        let code = i64::from(ffi::X509_STORE_CTX_get_error(sctx));
        ffi::X509_STORE_CTX_free(sctx);
        ffi::X509_free(leaf);
        ffi::OPENSSL_sk_pop_free(sk, Some(ffi::x509_free_void));
        (ok, code)
    }
}

/// `X509_V_ERR_UNSPECIFIED`.
const X509_V_ERR_UNSPECIFIED: i64 = 1;

entry! {
    /// `SSL_get_ex_data_X509_STORE_CTX_idx`.
    fn SSL_get_ex_data_X509_STORE_CTX_idx() -> c_int {
        nonnull: [], fail: -1;
        store_ctx_ssl_index()
    }
}
