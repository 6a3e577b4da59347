//! `SSL_CTX`: library initialisation, the method objects, and every `SSL_CTX_*` export. The
//! object is a refcounted box around an `oxissl::SslCtx` plus what only the C ABI has: the
//! libcrypto `X509_STORE` programs fill with trusted certificates, the C verify callback,
//! session-cache knobs and ex_data. `SSL_new` copies the settings, as OpenSSL does.

#![allow(non_camel_case_types)]

use std::ffi::{c_char, c_int, c_long, c_uint, c_void, CString};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use oxissl::SslCtx;

use crate::entry::{entry, str_arg};
use crate::errors::{self, ERR_R_UNSUPPORTED};
use crate::exdata::ExData;
use crate::ffi::{self, X509_STORE};

/// `SSL_METHOD`: opaque to C. Only the client side exists; the other methods are there so
/// that programs importing them load, and `SSL_CTX_new` refuses them clearly.
pub struct SSL_METHOD {
    role: MethodRole,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum MethodRole {
    /// TLS 1.2 and 1.3 as a client.
    Client,
    /// One version only (`TLSv1_2_method`).
    Pinned(u16),
    /// A server method: contexts only (no server handshake).
    Server,
    /// TLS 1.0 / 1.1: refused.
    Legacy,
    /// DTLS: not supported.
    Dtls,
}

static TLS_CLIENT_METHOD: SSL_METHOD = SSL_METHOD {
    role: MethodRole::Client,
};
static TLS_SERVER_METHOD: SSL_METHOD = SSL_METHOD {
    role: MethodRole::Server,
};
static TLS12_METHOD: SSL_METHOD = SSL_METHOD {
    role: MethodRole::Pinned(0x0303),
};
static LEGACY_METHOD: SSL_METHOD = SSL_METHOD {
    role: MethodRole::Legacy,
};
static DTLS_METHOD: SSL_METHOD = SSL_METHOD {
    role: MethodRole::Dtls,
};

/// `SSL_R_SSL_LIBRARY_HAS_NO_CIPHERS`.
const SSL_R_SSL_LIBRARY_HAS_NO_CIPHERS: u32 = 230;
/// `OSSL_default_cipher_list()` and `OSSL_default_ciphersuites()`, OpenSSL 3.0's.
pub const DEFAULT_CIPHER_LIST: &std::ffi::CStr = c"ALL:!COMPLEMENTOFDEFAULT:!eNULL";
pub const DEFAULT_CIPHERSUITES: &std::ffi::CStr =
    c"TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256";

impl SSL_METHOD {
    /// The method's version (`TLS_ANY_VERSION` for the version-flexible ones), which
    /// `SSL_client_version` reports before a ClientHello is made.
    pub fn version(&self) -> c_int {
        match self.role {
            MethodRole::Pinned(v) => c_int::from(v),
            _ => 0x10000,
        }
    }

    /// Whether this is a server method: its contexts work (settings, cipher lists), its
    /// connections fail at the handshake (this library has no server side).
    pub fn is_server(&self) -> bool {
        matches!(self.role, MethodRole::Server)
    }

    /// The version a method pins a connection to, if any.
    pub fn pinned(&self) -> Option<u16> {
        match self.role {
            MethodRole::Pinned(v) => Some(v),
            _ => None,
        }
    }
}

/// Borrows a method from a C pointer handed out by this library.
///
/// # Safety
/// `m` is non-null and one of this library's static methods.
pub unsafe fn method_ref<'a>(m: *const SSL_METHOD) -> &'a SSL_METHOD {
    // SAFETY: per the contract.
    unsafe { &*m }
}

/// Whether this client can use `method`; if not, the reason is queued for `func`.
pub fn usable_method(func: &str, method: &SSL_METHOD) -> bool {
    let why = match method.role {
        // A server context is usable for what does not need a server's handshake (its
        // settings, cipher lists: `openssl ciphers` makes one); its connections fail when
        // they would start one.
        MethodRole::Client | MethodRole::Pinned(_) | MethodRole::Server => return true,
        MethodRole::Legacy => "TLS 1.0 and 1.1 are refused",
        MethodRole::Dtls => "DTLS is not supported",
    };
    errors::raise_ssl(func, ERR_R_UNSUPPORTED, Some(why));
    false
}

/// `SSL_CTX_new` for `method`: a context, or null with the reason queued.
fn ctx_for(func: &str, method: *const SSL_METHOD) -> *mut SSL_CTX {
    // SAFETY: a method pointer handed out by this library (checked non-null by the caller).
    let m = unsafe { method_ref(method) };
    if !usable_method(func, m) {
        return std::ptr::null_mut();
    }
    let c = new_ctx(method);
    if let (Some(v), false) = (m.pinned(), c.is_null()) {
        // SAFETY: just made, one reference held here.
        let mut st = unsafe { ctx_ref(c) }.lock();
        st.ctx.set_min_proto_version(v);
        st.ctx.set_max_proto_version(v);
    }
    c
}

/// The C verify callback (`SSL_verify_cb`).
pub type VerifyCb = unsafe extern "C" fn(c_int, *mut ffi::X509_STORE_CTX) -> c_int;
/// The message callback (`SSL_CTX_set_msg_callback`): write_p, version, content type, the
/// message, its length, the connection and the callback's argument.
pub type MsgCb = unsafe extern "C" fn(
    c_int,
    c_int,
    c_int,
    *const c_void,
    usize,
    *mut crate::ssl::SSL,
    *mut c_void,
);
/// `SSL_CTRL_SET_MSG_CALLBACK` (`SSL_CTX_callback_ctrl` / `SSL_callback_ctrl`).
pub const CTRL_SET_MSG_CALLBACK: c_int = 15;

/// The message callback passed as `callback_ctrl`'s untyped function pointer.
pub fn msg_cb_from(fp: *const c_void) -> Option<MsgCb> {
    // SAFETY: `callback_ctrl` with SSL_CTRL_SET_MSG_CALLBACK carries a message callback (or
    // null), as OpenSSL's SSL_CTX_set_msg_callback passes it; a null pointer is `None`.
    unsafe { std::mem::transmute::<*const c_void, Option<MsgCb>>(fp) }
}

/// The info callback (`SSL_CTX_set_info_callback`): the connection, where (`SSL_CB_*`) and a
/// value.
pub type InfoCb = unsafe extern "C" fn(*const crate::ssl::SSL, c_int, c_int);
/// `SSL_CTX_keylog_cb_func`: one NSS key log line (no newline) per secret.
/// `SSL_CTX_set_tlsext_status_cb`'s callback: 1 accepts the server's certificate status, 0
/// rejects it, a negative value fails the handshake.
pub type StatusCb = unsafe extern "C" fn(*mut crate::ssl::SSL, *mut c_void) -> c_int;

/// `TLSEXT_STATUSTYPE_ocsp`; `TLSEXT_STATUSTYPE_nothing` is -1.
pub const TLSEXT_STATUSTYPE_OCSP: c_long = 1;

/// `SSL_CTRL_SET_TLSEXT_STATUS_REQ_CB` (`SSL_CTX_set_tlsext_status_cb`).
const CTRL_SET_STATUS_CB: c_int = 63;

pub type KeylogCb = unsafe extern "C" fn(*const crate::ssl::SSL, *const c_char);

/// `SSL_SESS_CACHE_CLIENT`.
pub const SSL_SESS_CACHE_CLIENT: c_long = 1;
/// `SSL_SESSION_CACHE_MAX_SIZE_DEFAULT`.
const SESS_CACHE_SIZE_DEFAULT: c_long = 1024 * 20;

/// What the C ABI keeps beside the `oxissl::SslCtx`.
pub struct CtxState {
    pub ctx: SslCtx,
    /// The trusted-certificate store (`SSL_CTX_get_cert_store`); owned, one reference.
    pub store: *mut X509_STORE,
    pub verify_cb: Option<VerifyCb>,
    pub quiet_shutdown: bool,
    sess_cache_size: c_long,
    read_ahead: c_long,
    max_cert_list: c_long,
    /// `SSL_CTX_add_extra_chain_cert` certificates: a stack owning its elements, null until
    /// the first one (sent after the certificate when its slot has no chain of its own).
    pub extra_certs: *mut ffi::OPENSSL_STACK,
    /// The context's own certificates and keys (`SSL_CTX_use_certificate` ...).
    pub own: crate::cert::OwnCerts,
    /// `SSL_CTX_set_keylog_callback`'s callback, installed on each connection as its handshake
    /// starts.
    pub keylog_cb: Option<KeylogCb>,
    /// `SSL_CTX_set_info_callback`'s callback, used by connections without their own.
    pub info_cb: Option<InfoCb>,
    /// `SSL_CTX_set_msg_callback` and its argument (ctrl 16), copied by `SSL_new`.
    pub msg_cb: Option<MsgCb>,
    pub msg_cb_arg: *mut c_void,
    /// `SSL_CTX_sess_set_new_cb`'s callback.
    pub new_session_cb: Option<crate::session::NewSessionCb>,
    /// Trust locations loaded so far (file, directory; both `None` for the default paths),
    /// replayed into `verify_store`.
    trust_locations: Vec<(Option<CString>, Option<CString>)>,
    /// Certificate stores loaded by URI (`SSL_CTX_load_verify_store`), replayed likewise.
    trust_stores: Vec<CString>,
    /// libcrypto's copy of those trusted certificates, for a C verify callback (see
    /// `x509::verify_with_callback`); built on first use, one reference owned here.
    verify_store: *mut X509_STORE,
    /// Once the program has seen `store` (`SSL_CTX_get_cert_store`), what is loaded goes into
    /// it too, as in OpenSSL, where the loaded certificates are in the store it hands out:
    /// how many trust locations and store URIs are in it, and the addresses of the
    /// certificates they put there (left out of the anchors read back from the store, which
    /// oxissl has loaded itself).
    store_exposed: bool,
    locations_in_store: (usize, usize),
    pub from_locations: std::collections::HashSet<usize>,
    security_level: c_int,
    timeout: c_long,
    /// `SSL_CTX_get0_param`'s verification parameters, made on first request (owned); each
    /// `SSL` made after that inherits them.
    pub param: *mut ffi::X509_VERIFY_PARAM,
    /// `SSL_CTX_set_num_tickets` (a server setting, kept for `SSL_CTX_get_num_tickets`).
    pub num_tickets: usize,
    /// The method the context was made with (`SSL_CTX_get_ssl_method`), copied by `SSL_new`.
    pub method: *const SSL_METHOD,
    /// The CA name lists (`ca_list.rs`).
    pub ca_lists: crate::ca_list::CaLists,
    /// The stack `SSL_CTX_get_ciphers` lends.
    pub ciphers: crate::cipher::CipherStack,
    /// The client statistics `SSL_CTX_sess_connect` and its kin report.
    pub stats: SessionStats,
    /// The internal session store and the cache callbacks (`sess_cache.rs`).
    pub sessions: crate::sess_cache::SessionStore,
    /// `SSL_CTX_set_security_callback` and `SSL_CTX_set0_security_ex_data`: stored, copied by
    /// `SSL_new`, not called.
    pub security_cb: Option<SecurityCb>,
    pub security_ex: *mut c_void,
    /// `SSL_CTX_set_max_early_data` / `SSL_CTX_set_recv_max_early_data` (server settings).
    pub max_early_data: u32,
    pub recv_max_early_data: u32,
    /// `SSL_CTX_set_cert_cb` and its argument, copied by `SSL_new`.
    pub cert_cb: Option<(crate::cert::CertCb, *mut c_void)>,
    /// `SSL_CTX_set_cert_verify_callback` and its argument: called in place of
    /// `X509_verify_cert` to verify the server's chain.
    pub app_verify_cb: Option<crate::x509::AppVerifyCb>,
    pub app_verify_arg: *mut c_void,
    /// `SSL_CTX_set_client_cert_cb`: asked for a certificate when a server requests one and
    /// none is configured, with the object unlocked (see `io::io_entry`).
    pub client_cert_cb: Option<crate::cert::ClientCertCb>,
    /// `SSL_CTX_set_record_padding_callback_arg` (copied by `SSL_new`).
    pub padding_arg: *mut c_void,
    /// `SSL_CTX_set_tlsext_status_cb` and its argument (ctrl 64): called by the context's
    /// connections that asked for a certificate status, with the object unlocked.
    pub status_cb: Option<StatusCb>,
    pub status_cb_arg: *mut c_void,
}

/// `SSL_CTX_set_security_callback`'s callback.
pub type SecurityCb = unsafe extern "C" fn(
    *const crate::ssl::SSL,
    *const SSL_CTX,
    c_int,
    c_int,
    c_int,
    *mut c_void,
    *mut c_void,
) -> c_int;

/// `SSL_CTX`.
pub struct SSL_CTX {
    refs: AtomicUsize,
    state: Mutex<CtxState>,
    pub(crate) ex_data: ExData,
}

impl CtxState {
    /// `SSL_CTX_get_read_ahead`'s value (copied into each new `SSL`).
    pub fn read_ahead(&self) -> c_long {
        self.read_ahead
    }

    /// `SSL_CTX_sess_get_cache_size`.
    pub fn sess_cache_size(&self) -> c_long {
        self.sess_cache_size
    }

    /// `SSL_CTX_get_security_level` (copied into each new `SSL`).
    pub fn security_level(&self) -> c_int {
        self.security_level
    }

    /// `SSL_CTX_set_ssl_version`: the new method, with OpenSSL's default cipher lists (as its
    /// `SSL_CTX_set_ssl_version` resets them); a pinned method pins the versions.
    fn set_method(&mut self, func: &str, method: *const SSL_METHOD) -> bool {
        // SAFETY: the caller checked the pointer is one of this library's methods.
        let (new, old) = unsafe { (method_ref(method), method_ref(self.method)) };
        match (new.pinned(), old.pinned()) {
            (Some(v), _) => {
                self.ctx.set_min_proto_version(v);
                self.ctx.set_max_proto_version(v);
            }
            (None, Some(_)) => {
                self.ctx.set_min_proto_version(0);
                self.ctx.set_max_proto_version(0);
            }
            (None, None) => {}
        }
        self.method = method;
        let suites = DEFAULT_CIPHERSUITES.to_str().unwrap_or_default();
        let list = DEFAULT_CIPHER_LIST.to_str().unwrap_or_default();
        if self.ctx.set_ciphersuites(suites).is_err() || self.ctx.set_cipher_list(list).is_err() {
            errors::raise_ssl(func, SSL_R_SSL_LIBRARY_HAS_NO_CIPHERS, None);
            return false;
        }
        true
    }

    /// Records a trust location (`None, None`: the default paths) for `verify_store`.
    fn add_trust_location(&mut self, file: Option<&Path>, dir: Option<&Path>) {
        let c = |p: Option<&Path>| p.and_then(|p| CString::new(p.as_os_str().as_bytes()).ok());
        self.trust_locations.push((c(file), c(dir)));
        self.forget_verify_store();
        self.sync_store();
    }

    /// Records a store URI for `verify_store`.
    fn add_trust_store(&mut self, uri: &str) {
        if let Ok(u) = CString::new(uri) {
            self.trust_stores.push(u);
        }
        self.forget_verify_store();
        self.sync_store();
    }

    /// `SSL_CTX_get_cert_store`: the store, with what was loaded into this context in it.
    pub fn exposed_store(&mut self) -> *mut X509_STORE {
        self.store_exposed = true;
        self.sync_store();
        self.store
    }

    /// `SSL_CTX_set_cert_store`: a new store holds only what the program put in it.
    fn replace_store(&mut self, store: *mut X509_STORE) -> *mut X509_STORE {
        self.from_locations.clear();
        self.locations_in_store = (self.trust_locations.len(), self.trust_stores.len());
        std::mem::replace(&mut self.store, store)
    }

    /// Loads the trust locations not yet in the exposed store into it.
    fn sync_store(&mut self) {
        let (done_locations, done_stores) = self.locations_in_store;
        let pending =
            done_locations < self.trust_locations.len() || done_stores < self.trust_stores.len();
        if !self.store_exposed || self.store.is_null() || !pending {
            return;
        }
        let before = crate::x509::store_cert_addresses(self.store);
        load_into(
            self.store,
            &self.trust_locations[done_locations..],
            &self.trust_stores[done_stores..],
        );
        self.locations_in_store = (self.trust_locations.len(), self.trust_stores.len());
        let after = crate::x509::store_cert_addresses(self.store);
        self.from_locations.extend(after.difference(&before));
    }

    /// Drops libcrypto's copy of the trust locations, to be rebuilt on next use.
    fn forget_verify_store(&mut self) {
        // SAFETY: the context owns one reference to the store it replaces (null accepted).
        unsafe {
            ffi::X509_STORE_free(std::mem::replace(
                &mut self.verify_store,
                std::ptr::null_mut(),
            ))
        };
    }

    /// libcrypto's store of the trusted certificates loaded into this context, with a new
    /// reference for the caller (null if it cannot be made), as OpenSSL's `SSL_CTX` keeps
    /// them: every location loaded, the default paths, and what the program added to
    /// `SSL_CTX_get_cert_store` itself.
    pub fn verify_store(&mut self) -> *mut X509_STORE {
        if self.store_exposed || (self.trust_locations.is_empty() && self.trust_stores.is_empty()) {
            // Handed out, the store holds every location loaded too (`sync_store`), and what
            // the program put there besides: CRLs, flags, lookups.
            // Nothing loaded through this context: its store is the whole truth, lookup
            // directories included (`SSL_CTX_set_cert_store`).
            // SAFETY: the context's live store; the caller gets its own reference.
            unsafe { ffi::X509_STORE_up_ref(self.store) };
            return self.store;
        }
        if self.verify_store.is_null() {
            // SAFETY: X509_STORE_new has no preconditions; null means out of memory.
            let store = unsafe { ffi::X509_STORE_new() };
            if store.is_null() {
                return store;
            }
            load_into(store, &self.trust_locations, &self.trust_stores);
            self.verify_store = store;
        }
        for der in crate::x509::store_certificates_except(self.store, &self.from_locations) {
            crate::x509::add_der_to_store(self.verify_store, &der);
        }
        // SAFETY: a live store owned by this context; the caller gets its own reference.
        unsafe { ffi::X509_STORE_up_ref(self.verify_store) };
        self.verify_store
    }
}

/// Replays trust locations (file, directory; both `None` for the default paths) and store URIs
/// into `store`. Loading failures were reported when they were first loaded: not again.
fn load_into(
    store: *mut X509_STORE,
    locations: &[(Option<CString>, Option<CString>)],
    uris: &[CString],
) {
    // SAFETY: a mark on this thread's error queue, popped below.
    unsafe { ffi::ERR_set_mark() };
    for (file, dir) in locations {
        let ptr = |p: &Option<CString>| p.as_ref().map_or(std::ptr::null(), |c| c.as_ptr());
        // SAFETY: a live store; the paths are C strings owned by the context (or null).
        unsafe {
            if file.is_none() && dir.is_none() {
                ffi::X509_STORE_set_default_paths(store);
            } else {
                ffi::X509_STORE_load_locations(store, ptr(file), ptr(dir));
            }
        }
    }
    for uri in uris {
        // SAFETY: a live store; the URI is a C string owned by the context.
        unsafe { ffi::X509_STORE_load_store(store, uri.as_ptr()) };
    }
    // SAFETY: drops what the replay queued, back to the mark set above.
    unsafe { ffi::ERR_pop_to_mark() };
}

impl SSL_CTX {
    /// Locks the settings. Never held across a call into C code that could come back here.
    pub fn lock(&self) -> MutexGuard<'_, CtxState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Takes one more reference (`SSL_CTX_up_ref`, `SSL_new`).
    pub fn up_ref(&self) {
        self.refs.fetch_add(1, Ordering::AcqRel);
    }

    /// Drops one reference; frees the object at zero.
    ///
    /// # Safety
    /// `p` came from `SSL_CTX_new` and the caller owns the reference it drops.
    pub unsafe fn release(p: *mut SSL_CTX) {
        // SAFETY: per the contract, `p` is live until the last reference is dropped.
        let c = unsafe { &*p };
        if c.refs.fetch_sub(1, Ordering::AcqRel) != 1 {
            return;
        }
        // As OpenSSL's SSL_CTX_free: the session store is flushed (remove callback) first.
        crate::sess_cache::flush(p, 0);
        c.ex_data.free(p.cast());
        // SAFETY: this was the last reference; the box came from Box::into_raw in SSL_CTX_new.
        let c = unsafe { Box::from_raw(p) };
        let st = c.state.into_inner().unwrap_or_else(|e| e.into_inner());
        // SAFETY: the store holds one reference owned here, the stack one to each extra
        // certificate (null accepted).
        unsafe {
            ffi::X509_STORE_free(st.store);
            ffi::X509_STORE_free(st.verify_store);
            ffi::X509_VERIFY_PARAM_free(st.param);
            ffi::OPENSSL_sk_pop_free(st.extra_certs, Some(ffi::x509_free_void));
        }
    }
}

/// Borrows a context from a C pointer.
///
/// # Safety
/// `p` is non-null and came from `SSL_CTX_new`, with a reference held by the caller.
pub unsafe fn ctx_ref<'a>(p: *mut SSL_CTX) -> &'a SSL_CTX {
    // SAFETY: per the contract.
    unsafe { &*p }
}

/// The client statistics of a context (`SSL_CTX_sess_connect(3)`): handshakes started and
/// completed, sessions resumed, and sessions offered that the server did not resume.
#[derive(Default)]
pub struct SessionStats {
    pub connect: c_long,
    pub connect_good: c_long,
    pub hits: c_long,
    pub misses: c_long,
}

/// The group names (`SSL_group_to_name`'s) for `SSL_CTRL_SET_GROUPS`' `count` NIDs at `nids`
/// (an `int` array), for `set_groups_list`; `None` for a NID that names no group (OpenSSL
/// fails then too).
pub fn groups_from_nids(count: c_long, nids: *mut c_void) -> Option<String> {
    let count = usize::try_from(count)
        .ok()
        .filter(|&n| n > 0 && !nids.is_null())?;
    // SAFETY: the caller passes `count` ints (SSL_CTX_set1_groups' contract).
    let nids = unsafe { std::slice::from_raw_parts(nids.cast::<c_int>(), count) };
    let names: Option<Vec<&str>> = nids
        .iter()
        .map(|&nid| crate::info::group_name(nid))
        .collect();
    Some(names?.join(":"))
}

/// Library initialisation shared by `OPENSSL_init_ssl` and `SSL_CTX_new`.
fn init(opts: u64, settings: *const ffi::OPENSSL_INIT_SETTINGS) -> bool {
    let mut o = opts | ffi::OPENSSL_INIT_ADD_ALL_CIPHERS | ffi::OPENSSL_INIT_ADD_ALL_DIGESTS;
    if o & ffi::OPENSSL_INIT_NO_LOAD_CONFIG == 0 {
        o |= ffi::OPENSSL_INIT_LOAD_CONFIG;
    }
    o |= ffi::OPENSSL_INIT_LOAD_CRYPTO_STRINGS;
    // SAFETY: `settings` is null or an OPENSSL_INIT_SETTINGS from the caller, passed through.
    let ok = unsafe { ffi::OPENSSL_init_crypto(o, settings) } == 1;
    errors::load_ssl_strings();
    ok
}

fn path_arg<'a>(p: *const c_char) -> Option<&'a Path> {
    // SAFETY: callers pass C strings from the application (null allowed).
    unsafe { str_arg(p) }.map(Path::new)
}

/// Runs `f` on the oxissl context, then moves any queued errors to libcrypto.
pub(crate) fn with_ctx<R>(c: *mut SSL_CTX, func: &str, f: impl FnOnce(&mut CtxState) -> R) -> R {
    // SAFETY: every caller passes a pointer the entry macro checked for null.
    let c = unsafe { ctx_ref(c) };
    let r = f(&mut c.lock());
    errors::flush(func);
    r
}

/// The value of an `SSL_CTX_ctrl` command on the context state. Shared with `SSL_ctrl` for the
/// commands that exist on both.
fn ctx_ctrl(st: &mut CtxState, cmd: c_int, larg: c_long, parg: *mut c_void) -> c_long {
    match cmd {
        // SSL_CTRL_MODE / SSL_CTRL_CLEAR_MODE
        33 => c_long::from(st.ctx.set_mode(larg as u32)),
        78 => c_long::from(st.ctx.clear_mode(larg as u32)),
        // SSL_CTRL_SET_MIN/MAX_PROTO_VERSION, GET_MIN/MAX_PROTO_VERSION
        123 => c_long::from(u16::try_from(larg).is_ok_and(|v| st.ctx.set_min_proto_version(v))),
        124 => c_long::from(u16::try_from(larg).is_ok_and(|v| st.ctx.set_max_proto_version(v))),
        130 => c_long::from(st.ctx.min_proto_version()),
        131 => c_long::from(st.ctx.max_proto_version()),
        // SSL_CTRL_SET_SESS_CACHE_SIZE / GET
        42 => std::mem::replace(&mut st.sess_cache_size, larg),
        43 => st.sess_cache_size,
        // SSL_CTRL_SET_SESS_CACHE_MODE / GET: the mode is stored; as in OpenSSL no mode makes
        // a client resume by itself (SSL_CTX_set_session_cache_mode(3)).
        44 => st.ctx.set_session_cache_mode(larg),
        45 => st.ctx.session_cache_mode(),
        // SSL_CTRL_GET_READ_AHEAD / SET_READ_AHEAD
        40 => st.read_ahead,
        41 => {
            st.ctx.set_read_ahead(larg != 0);
            std::mem::replace(&mut st.read_ahead, larg)
        }
        // SSL_CTRL_GET_MAX_CERT_LIST / SET
        50 => st.max_cert_list,
        51 => std::mem::replace(&mut st.max_cert_list, larg),
        // SSL_CTRL_EXTRA_CHAIN_CERT: takes ownership of the certificate.
        crate::cert::CTRL_EXTRA_CHAIN_CERT => {
            if parg.is_null() {
                return 0;
            }
            if st.extra_certs.is_null() {
                // SAFETY: no preconditions; null means out of memory.
                st.extra_certs = unsafe { ffi::OPENSSL_sk_new_null() };
            }
            // SAFETY: a live stack; it takes the caller's reference on success.
            c_long::from(
                !st.extra_certs.is_null()
                    && unsafe { ffi::OPENSSL_sk_push(st.extra_certs, parg) } > 0,
            )
        }
        // SSL_CTRL_GET_EXTRA_CHAIN_CERTS: the extra certificates (borrowed); with larg 0 and
        // none, the current certificate's chain, as in OpenSSL.
        crate::cert::CTRL_GET_EXTRA_CHAIN_CERTS => {
            if !parg.is_null() {
                let sk = if st.extra_certs.is_null() && larg == 0 {
                    st.own.chain()
                } else {
                    st.extra_certs
                };
                // SAFETY: the caller passes a STACK_OF(X509) ** to fill.
                unsafe { *parg.cast::<*mut ffi::OPENSSL_STACK>() = sk };
            }
            1
        }
        crate::cert::CTRL_CLEAR_EXTRA_CHAIN_CERTS => {
            let sk = std::mem::replace(&mut st.extra_certs, std::ptr::null_mut());
            // SAFETY: the stack owned one reference to each certificate (null accepted).
            unsafe { ffi::OPENSSL_sk_pop_free(sk, Some(ffi::x509_free_void)) };
            1
        }
        // The current certificate's chain: set0/set1, add0/add1, get0.
        crate::cert::CTRL_CHAIN
        | crate::cert::CTRL_CHAIN_CERT
        | crate::cert::CTRL_GET_CHAIN_CERTS => st.own.chain_ctrl(cmd, larg, parg).unwrap_or(0),
        // SSL_CTRL_SET_GROUPS (SSL_CTX_set1_groups): a list of NIDs, as the names below.
        91 => match groups_from_nids(larg, parg) {
            Some(list) => c_long::from(st.ctx.set_groups_list(&list).is_ok()),
            None => 0,
        },
        // SSL_CTRL_SET_GROUPS_LIST (SSL_CTX_set1_groups_list)
        92 => {
            // SAFETY: the caller passes a C string.
            match unsafe { str_arg(parg.cast()) } {
                Some(list) => c_long::from(st.ctx.set_groups_list(list).is_ok()),
                None => 0,
            }
        }
        // SSL_CTRL_SET_SIGALGS_LIST (SSL_CTX_set1_sigalgs_list): what is offered and accepted
        // in the server's signatures; a refused list changes nothing and queues nothing.
        98 => {
            // SAFETY: the caller passes a C string.
            match unsafe { str_arg(parg.cast()) } {
                Some(list) => c_long::from(st.ctx.set1_sigalgs_list(list).is_ok()),
                None => 0,
            }
        }
        // SSL_CTRL_SET_MSG_CALLBACK_ARG (SSL_CTX_set_msg_callback_arg).
        16 => {
            st.msg_cb_arg = parg;
            1
        }
        // SSL_CTRL_SESS_NUMBER: the sessions in the store (SSL_CTX_add_session).
        20 => c_long::try_from(st.sessions.len()).unwrap_or(c_long::MAX),
        // SSL_CTRL_SESS_CONNECT, _CONNECT_GOOD, _HIT, _MISSES: the client's statistics, as
        // OpenSSL counts them; the server's and the cache's (accept, callback hits, timeouts,
        // cache full) stay zero for a client, as there.
        21 => st.stats.connect,
        22 => st.stats.connect_good,
        27 => st.stats.hits,
        29 => st.stats.misses,
        23..=31 => 0,
        // SSL_CTRL_SET_TLSEXT_STATUS_REQ_TYPE: OCSP stapling asked for, or not.
        65 => {
            st.ctx
                .set_tlsext_status_type(larg == TLSEXT_STATUSTYPE_OCSP);
            1
        }
        // SSL_CTRL_GET_TLSEXT_STATUS_REQ_TYPE.
        127 => match st.ctx.tlsext_status_type() {
            true => TLSEXT_STATUSTYPE_OCSP,
            false => -1,
        },
        // SSL_CTRL_SET_TLSEXT_STATUS_REQ_CB_ARG.
        64 => {
            st.status_cb_arg = parg;
            1
        }
        // SSL_CTRL_GET_TLSEXT_STATUS_REQ_CB / _CB_ARG: into the caller's pointer.
        128 | 129 if !parg.is_null() => {
            // SAFETY: the caller passes a pointer to a callback or `void *` slot to fill.
            unsafe {
                match cmd {
                    128 => *parg.cast::<Option<StatusCb>>() = st.status_cb,
                    _ => *parg.cast::<*mut c_void>() = st.status_cb_arg,
                }
            }
            1
        }
        // SSL_CTRL_SET_MAX_SEND_FRAGMENT: 512 to 16384, else 0.
        52 => {
            c_long::from(usize::try_from(larg).is_ok_and(|m| st.ctx.set_max_send_fragment(m) == 1))
        }
        // Accepted and not acted on: servername callback argument, signature algorithms for
        // client certificates, DH auto, split fragment, pipelines.
        54 | 97 | 101 | 102 | 118 | 125 | 126 => 1,
        _ => 0,
    }
}

entry! {
    /// `OPENSSL_init_ssl`: initialises libcrypto and registers the SSL error strings.
    fn OPENSSL_init_ssl(opts: u64, settings: *const ffi::OPENSSL_INIT_SETTINGS) -> c_int {
        nonnull: [], fail: 0;
        c_int::from(init(opts, settings))
    }

    /// `TLS_client_method`.
    fn TLS_client_method() -> *const SSL_METHOD {
        nonnull: [], fail: std::ptr::null();
        &TLS_CLIENT_METHOD
    }

    /// `TLS_method`: a client-only library offers the client method.
    fn TLS_method() -> *const SSL_METHOD {
        nonnull: [], fail: std::ptr::null();
        &TLS_CLIENT_METHOD
    }

    /// `TLS_server_method`: there, so programs importing it load; `SSL_CTX_new` refuses it.
    fn TLS_server_method() -> *const SSL_METHOD {
        nonnull: [], fail: std::ptr::null();
        &TLS_SERVER_METHOD
    }

    /// `TLSv1_2_method`: a context pinned to TLS 1.2.
    fn TLSv1_2_method() -> *const SSL_METHOD {
        nonnull: [], fail: std::ptr::null();
        &TLS12_METHOD
    }

    /// `TLSv1_1_method`: `SSL_CTX_new` refuses it (legacy protocol).
    fn TLSv1_1_method() -> *const SSL_METHOD {
        nonnull: [], fail: std::ptr::null();
        &LEGACY_METHOD
    }

    /// `TLSv1_2_client_method`: as `TLSv1_2_method`.
    fn TLSv1_2_client_method() -> *const SSL_METHOD {
        nonnull: [], fail: std::ptr::null();
        &TLS12_METHOD
    }

    /// `TLSv1_2_server_method`: as `TLS_server_method`.
    fn TLSv1_2_server_method() -> *const SSL_METHOD {
        nonnull: [], fail: std::ptr::null();
        &TLS_SERVER_METHOD
    }

    /// `TLSv1_1_client_method`: refused by `SSL_CTX_new` (legacy protocol).
    fn TLSv1_1_client_method() -> *const SSL_METHOD {
        nonnull: [], fail: std::ptr::null();
        &LEGACY_METHOD
    }

    /// `TLSv1_1_server_method`: refused by `SSL_CTX_new` (legacy protocol).
    fn TLSv1_1_server_method() -> *const SSL_METHOD {
        nonnull: [], fail: std::ptr::null();
        &LEGACY_METHOD
    }

    /// `TLSv1_client_method`: refused by `SSL_CTX_new` (legacy protocol).
    fn TLSv1_client_method() -> *const SSL_METHOD {
        nonnull: [], fail: std::ptr::null();
        &LEGACY_METHOD
    }

    /// `TLSv1_server_method`: refused by `SSL_CTX_new` (legacy protocol).
    fn TLSv1_server_method() -> *const SSL_METHOD {
        nonnull: [], fail: std::ptr::null();
        &LEGACY_METHOD
    }

    /// `DTLS_method`: refused by `SSL_CTX_new` (DTLS is not supported).
    fn DTLS_method() -> *const SSL_METHOD {
        nonnull: [], fail: std::ptr::null();
        &DTLS_METHOD
    }

    /// `DTLS_client_method`: refused by `SSL_CTX_new`.
    fn DTLS_client_method() -> *const SSL_METHOD {
        nonnull: [], fail: std::ptr::null();
        &DTLS_METHOD
    }

    /// `DTLS_server_method`: refused by `SSL_CTX_new`.
    fn DTLS_server_method() -> *const SSL_METHOD {
        nonnull: [], fail: std::ptr::null();
        &DTLS_METHOD
    }

    /// `DTLSv1_method`: refused by `SSL_CTX_new`.
    fn DTLSv1_method() -> *const SSL_METHOD {
        nonnull: [], fail: std::ptr::null();
        &DTLS_METHOD
    }

    /// `DTLSv1_client_method`: refused by `SSL_CTX_new`.
    fn DTLSv1_client_method() -> *const SSL_METHOD {
        nonnull: [], fail: std::ptr::null();
        &DTLS_METHOD
    }

    /// `DTLSv1_server_method`: refused by `SSL_CTX_new`.
    fn DTLSv1_server_method() -> *const SSL_METHOD {
        nonnull: [], fail: std::ptr::null();
        &DTLS_METHOD
    }

    /// `DTLSv1_2_method`: refused by `SSL_CTX_new`.
    fn DTLSv1_2_method() -> *const SSL_METHOD {
        nonnull: [], fail: std::ptr::null();
        &DTLS_METHOD
    }

    /// `DTLSv1_2_client_method`: refused by `SSL_CTX_new`.
    fn DTLSv1_2_client_method() -> *const SSL_METHOD {
        nonnull: [], fail: std::ptr::null();
        &DTLS_METHOD
    }

    /// `DTLSv1_2_server_method`: refused by `SSL_CTX_new`.
    fn DTLSv1_2_server_method() -> *const SSL_METHOD {
        nonnull: [], fail: std::ptr::null();
        &DTLS_METHOD
    }

    /// `SSL_CTX_get_ssl_method`: the method the context was made with (or set).
    fn SSL_CTX_get_ssl_method(c: *const SSL_CTX) -> *const SSL_METHOD {
        nonnull: [c], fail: std::ptr::null();
        with_ctx(c.cast_mut(), "SSL_CTX_get_ssl_method", |st| st.method)
    }

    /// `SSL_CTX_set_ssl_version`: another method for the `SSL` objects made afterwards, with
    /// OpenSSL's default cipher lists again, as its call resets them; a method `SSL_CTX_new`
    /// refuses (server, TLS 1.0/1.1, DTLS) is refused here too (0).
    fn SSL_CTX_set_ssl_version(c: *mut SSL_CTX, method: *const SSL_METHOD) -> c_int {
        nonnull: [c, method], fail: 0;
        // SAFETY: checked non-null; one of this library's methods.
        if !usable_method("SSL_CTX_set_ssl_version", unsafe { method_ref(method) }) {
            return 0;
        }
        with_ctx(c, "SSL_CTX_set_ssl_version", |st| {
            c_int::from(st.set_method("SSL_CTX_set_ssl_version", method))
        })
    }

    /// `SSL_CTX_get_ciphers`: the context's cipher list as a `STACK_OF(SSL_CIPHER)` (the
    /// TLS 1.3 suites, then the TLS 1.2 ones), lent until the list is set again.
    fn SSL_CTX_get_ciphers(c: *const SSL_CTX) -> *mut c_void {
        nonnull: [c], fail: std::ptr::null_mut();
        with_ctx(c.cast_mut(), "SSL_CTX_get_ciphers", |st| {
            let suites = st.ctx.ciphers();
            st.ciphers.get(suites).cast()
        })
    }

    /// `SSL_CTX_set_post_handshake_auth`: whether connections offer TLS 1.3 post-handshake
    /// authentication (copied by `SSL_new`); a request after the handshake is answered with
    /// the certificate the handshake sent or the one set, else an empty Certificate.
    fn SSL_CTX_set_post_handshake_auth(c: *mut SSL_CTX, val: c_int) -> () {
        nonnull: [c], fail: ();
        with_ctx(c, "SSL_CTX_set_post_handshake_auth", |st| {
            st.ctx.set_post_handshake_auth(val != 0)
        })
    }

    /// `SSL_CTX_set_purpose`: set on the context's verification parameters (libcrypto checks
    /// the value); the server's certificate is always checked for TLS server use.
    fn SSL_CTX_set_purpose(c: *mut SSL_CTX, purpose: c_int) -> c_int {
        nonnull: [c], fail: 0;
        with_ctx(c, "SSL_CTX_set_purpose", |st| {
            // SAFETY: the context's parameters, made if needed (null: out of memory).
            with_param(&mut st.param, |p| unsafe { ffi::X509_VERIFY_PARAM_set_purpose(p, purpose) })
        })
    }

    /// `SSL_CTX_set_trust`: set on the context's verification parameters.
    fn SSL_CTX_set_trust(c: *mut SSL_CTX, trust: c_int) -> c_int {
        nonnull: [c], fail: 0;
        with_ctx(c, "SSL_CTX_set_trust", |st| {
            // SAFETY: as for SSL_CTX_set_purpose.
            with_param(&mut st.param, |p| unsafe { ffi::X509_VERIFY_PARAM_set_trust(p, trust) })
        })
    }

    /// `SSL_CTX_set_security_callback`: stored and reported back; not called (the security
    /// level's checks are oxissl's own).
    fn SSL_CTX_set_security_callback(c: *mut SSL_CTX, cb: Option<SecurityCb>) -> () {
        nonnull: [c], fail: ();
        with_ctx(c, "SSL_CTX_set_security_callback", |st| st.security_cb = cb)
    }

    /// `SSL_CTX_get_security_callback`: what was set (null by default).
    fn SSL_CTX_get_security_callback(c: *const SSL_CTX) -> Option<SecurityCb> {
        nonnull: [c], fail: None;
        with_ctx(c.cast_mut(), "SSL_CTX_get_security_callback", |st| st.security_cb)
    }

    /// `SSL_CTX_set0_security_ex_data`: stored (for the security callback).
    fn SSL_CTX_set0_security_ex_data(c: *mut SSL_CTX, ex: *mut c_void) -> () {
        nonnull: [c], fail: ();
        with_ctx(c, "SSL_CTX_set0_security_ex_data", |st| st.security_ex = ex)
    }

    /// `SSL_CTX_get0_security_ex_data`.
    fn SSL_CTX_get0_security_ex_data(c: *const SSL_CTX) -> *mut c_void {
        nonnull: [c], fail: std::ptr::null_mut();
        with_ctx(c.cast_mut(), "SSL_CTX_get0_security_ex_data", |st| st.security_ex)
    }

    /// `SSL_CTX_set_max_early_data`: a server setting; stored.
    fn SSL_CTX_set_max_early_data(c: *mut SSL_CTX, max: u32) -> c_int {
        nonnull: [c], fail: 0;
        with_ctx(c, "SSL_CTX_set_max_early_data", |st| st.max_early_data = max);
        1
    }

    /// `SSL_CTX_get_max_early_data` (0 by default).
    fn SSL_CTX_get_max_early_data(c: *const SSL_CTX) -> u32 {
        nonnull: [c], fail: 0;
        with_ctx(c.cast_mut(), "SSL_CTX_get_max_early_data", |st| st.max_early_data)
    }

    /// `SSL_CTX_set_recv_max_early_data`: a server setting; stored.
    fn SSL_CTX_set_recv_max_early_data(c: *mut SSL_CTX, max: u32) -> c_int {
        nonnull: [c], fail: 0;
        with_ctx(c, "SSL_CTX_set_recv_max_early_data", |st| st.recv_max_early_data = max);
        1
    }

    /// `SSL_CTX_get_recv_max_early_data` (16384 by default, as in OpenSSL).
    fn SSL_CTX_get_recv_max_early_data(c: *const SSL_CTX) -> u32 {
        nonnull: [c], fail: 0;
        with_ctx(c.cast_mut(), "SSL_CTX_get_recv_max_early_data", |st| st.recv_max_early_data)
    }

    /// `TLSv1_method`: `SSL_CTX_new` refuses it (legacy protocol).
    fn TLSv1_method() -> *const SSL_METHOD {
        nonnull: [], fail: std::ptr::null();
        &LEGACY_METHOD
    }

    /// `SSL_CTX_new`: null with a clear reason for a server or TLS 1.0/1.1 method.
    fn SSL_CTX_new(method: *const SSL_METHOD) -> *mut SSL_CTX {
        nonnull: [method], fail: std::ptr::null_mut();
        ctx_for("SSL_CTX_new", method)
    }

    /// `SSL_CTX_new_ex`: the library context and property query are not used.
    fn SSL_CTX_new_ex(
        libctx: *mut c_void,
        propq: *const c_char,
        method: *const SSL_METHOD,
    ) -> *mut SSL_CTX {
        nonnull: [method], fail: std::ptr::null_mut();
        let _ = (libctx, propq);
        ctx_for("SSL_CTX_new_ex", method)
    }

    /// `SSL_CTX_up_ref`.
    fn SSL_CTX_up_ref(c: *mut SSL_CTX) -> c_int {
        nonnull: [c], fail: 0;
        // SAFETY: checked non-null; the caller holds a reference.
        unsafe { ctx_ref(c) }.up_ref();
        1
    }

    /// `SSL_CTX_free`: drops one reference (null is a no-op).
    fn SSL_CTX_free(c: *mut SSL_CTX) -> () {
        nonnull: [], fail: ();
        if !c.is_null() {
            // SAFETY: the caller gives up the reference it holds.
            unsafe { SSL_CTX::release(c) }
        }
    }

    /// `SSL_CTX_ctrl`: modes, protocol bounds, session-cache knobs, groups; 0 for a command
    /// this library does not know.
    fn SSL_CTX_ctrl(c: *mut SSL_CTX, cmd: c_int, larg: c_long, parg: *mut c_void) -> c_long {
        nonnull: [c], fail: 0;
        with_ctx(c, "SSL_CTX_ctrl", |st| ctx_ctrl(st, cmd, larg, parg))
    }

    /// `SSL_CTX_callback_ctrl`: callbacks (servername, status, ticket key ...) are accepted and
    /// not called; 0 for an unknown command.
    fn SSL_CTX_callback_ctrl(c: *mut SSL_CTX, cmd: c_int, fp: *const c_void) -> c_long {
        nonnull: [c], fail: 0;
        if cmd == CTRL_SET_MSG_CALLBACK {
            let cb = msg_cb_from(fp);
            with_ctx(c, "SSL_CTX_callback_ctrl", |st| st.msg_cb = cb);
            return 1;
        }
        if cmd == CTRL_SET_STATUS_CB {
            // SAFETY: `callback_ctrl` with SSL_CTRL_SET_TLSEXT_STATUS_REQ_CB carries a status
            // callback (or null), as SSL_CTX_set_tlsext_status_cb casts it.
            let cb = unsafe { std::mem::transmute::<*const c_void, Option<StatusCb>>(fp) };
            with_ctx(c, "SSL_CTX_callback_ctrl", |st| st.status_cb = cb);
            return 1;
        }
        c_long::from(matches!(cmd, 6 | 53 | 56 | 72 | 75 | 76 | 77 | 79))
    }

    /// `SSL_CTX_set_options`: returns the new mask.
    fn SSL_CTX_set_options(c: *mut SSL_CTX, op: u64) -> u64 {
        nonnull: [c], fail: 0;
        with_ctx(c, "SSL_CTX_set_options", |st| st.ctx.set_options(op))
    }

    /// `SSL_CTX_clear_options`: returns the new mask.
    fn SSL_CTX_clear_options(c: *mut SSL_CTX, op: u64) -> u64 {
        nonnull: [c], fail: 0;
        with_ctx(c, "SSL_CTX_clear_options", |st| st.ctx.clear_options(op))
    }

    /// `SSL_CTX_get_options`.
    fn SSL_CTX_get_options(c: *const SSL_CTX) -> u64 {
        nonnull: [c], fail: 0;
        with_ctx(c.cast_mut(), "SSL_CTX_get_options", |st| st.ctx.options())
    }

    /// `SSL_CTX_set_verify`: the mode for new objects and an optional callback, called once for
    /// the chain with an `X509_STORE_CTX` that holds the result and the certificates.
    fn SSL_CTX_set_verify(c: *mut SSL_CTX, mode: c_int, cb: Option<VerifyCb>) -> () {
        nonnull: [c], fail: ();
        with_ctx(c, "SSL_CTX_set_verify", |st| {
            st.ctx.set_verify(mode, None);
            st.verify_cb = cb;
        })
    }

    /// `SSL_CTX_set_cert_verify_callback`: the server's chain is verified by `cb` (with `arg`)
    /// in place of `X509_verify_cert`, on an `X509_STORE_CTX` set up as for it (store, chain,
    /// purpose, host, depth, the `SSL` in its ex_data, the verify callback): a result above 0
    /// accepts the chain, and the store context's error is the verify result.
    fn SSL_CTX_set_cert_verify_callback(
        c: *mut SSL_CTX,
        cb: Option<crate::x509::AppVerifyCb>,
        arg: *mut c_void,
    ) -> () {
        nonnull: [c], fail: ();
        with_ctx(c, "SSL_CTX_set_cert_verify_callback", |st| {
            st.app_verify_cb = cb;
            st.app_verify_arg = arg;
        })
    }

    /// `SSL_CTX_set_verify_depth`.
    fn SSL_CTX_set_verify_depth(c: *mut SSL_CTX, depth: c_int) -> () {
        nonnull: [c], fail: ();
        with_ctx(c, "SSL_CTX_set_verify_depth", |st| st.ctx.set_verify_depth(depth))
    }

    /// `SSL_CTX_get_verify_mode`.
    fn SSL_CTX_get_verify_mode(c: *const SSL_CTX) -> c_int {
        nonnull: [c], fail: 0;
        with_ctx(c.cast_mut(), "SSL_CTX_get_verify_mode", |st| st.ctx.verify_mode())
    }

    /// `SSL_CTX_get_verify_depth`.
    fn SSL_CTX_get_verify_depth(c: *const SSL_CTX) -> c_int {
        nonnull: [c], fail: -1;
        with_ctx(c.cast_mut(), "SSL_CTX_get_verify_depth", |st| st.ctx.verify_depth())
    }

    /// `SSL_CTX_get_verify_callback`.
    fn SSL_CTX_get_verify_callback(c: *const SSL_CTX) -> Option<VerifyCb> {
        nonnull: [c], fail: None;
        with_ctx(c.cast_mut(), "SSL_CTX_get_verify_callback", |st| st.verify_cb)
    }

    /// `SSL_CTX_set_default_verify_paths`: `SSL_CERT_FILE`/`SSL_CERT_DIR` or the system CAs.
    fn SSL_CTX_set_default_verify_paths(c: *mut SSL_CTX) -> c_int {
        nonnull: [c], fail: 0;
        with_ctx(c, "SSL_CTX_set_default_verify_paths", |st| {
            st.ctx.set_default_verify_paths();
            st.add_trust_location(None, None);
            1
        })
    }

    /// `SSL_CTX_set_default_verify_file`.
    fn SSL_CTX_set_default_verify_file(c: *mut SSL_CTX) -> c_int {
        nonnull: [c], fail: 0;
        with_ctx(c, "SSL_CTX_set_default_verify_file", |st| {
            st.ctx.set_default_verify_paths();
            st.add_trust_location(None, None);
            1
        })
    }

    /// `SSL_CTX_set_default_verify_dir`.
    fn SSL_CTX_set_default_verify_dir(c: *mut SSL_CTX) -> c_int {
        nonnull: [c], fail: 0;
        with_ctx(c, "SSL_CTX_set_default_verify_dir", |st| {
            st.ctx.set_default_verify_paths();
            st.add_trust_location(None, None);
            1
        })
    }

    /// `SSL_CTX_set_default_verify_store`: the default trusted certificates, as
    /// `SSL_CTX_set_default_verify_paths` loads them.
    fn SSL_CTX_set_default_verify_store(c: *mut SSL_CTX) -> c_int {
        nonnull: [c], fail: 0;
        with_ctx(c, "SSL_CTX_set_default_verify_store", |st| {
            st.ctx.set_default_verify_paths();
            st.add_trust_location(None, None);
            1
        })
    }

    /// `SSL_CTX_load_verify_store`: a `file:` URI or a plain path, naming a PEM file or a
    /// directory of them (every certificate in it, as OpenSSL's file store reads it). Other
    /// URI schemes are not supported (0).
    fn SSL_CTX_load_verify_store(c: *mut SSL_CTX, uri: *const c_char) -> c_int {
        nonnull: [c, uri], fail: 0;
        // SAFETY: checked non-null; a C string from the caller.
        let Some(text) = (unsafe { str_arg(uri) }) else {
            errors::raise_ssl("SSL_CTX_load_verify_store", ERR_R_UNSUPPORTED, Some("the URI is not UTF-8"));
            return 0;
        };
        let Some(path) = store_path(text) else {
            let why = format!("only file: certificate stores are supported, not {text}");
            errors::raise_ssl("SSL_CTX_load_verify_store", ERR_R_UNSUPPORTED, Some(&why));
            return 0;
        };
        with_ctx(c, "SSL_CTX_load_verify_store", |st| {
            let ok = if path.is_dir() {
                st.ctx.load_verify_locations(None, Some(path)).is_ok()
            } else {
                st.ctx.load_verify_locations(Some(path), None).is_ok()
            };
            if ok {
                st.add_trust_store(text);
            }
            c_int::from(ok)
        })
    }

    /// `SSL_CTX_set1_param`: copies the verification parameters that are set in `vpm`
    /// (host, IP address, depth, flags ...) into the context's; later `SSL` objects inherit
    /// them, and their handshake checks the host or IP address.
    fn SSL_CTX_set1_param(c: *mut SSL_CTX, vpm: *mut ffi::X509_VERIFY_PARAM) -> c_int {
        nonnull: [c, vpm], fail: 0;
        with_ctx(c, "SSL_CTX_set1_param", |st| {
            if st.param.is_null() {
                // SAFETY: no preconditions; null means out of memory.
                st.param = unsafe { ffi::X509_VERIFY_PARAM_new() };
            }
            if st.param.is_null() {
                return 0;
            }
            // SAFETY: two live parameter objects (the caller's is only read).
            unsafe { ffi::X509_VERIFY_PARAM_set1(st.param, vpm) }
        })
    }

    /// `SSL_CTX_load_verify_locations`: 1, or 0 with the reason queued.
    fn SSL_CTX_load_verify_locations(
        c: *mut SSL_CTX,
        file: *const c_char,
        dir: *const c_char,
    ) -> c_int {
        nonnull: [c], fail: 0;
        with_ctx(c, "SSL_CTX_load_verify_locations", |st| {
            let ok = st.ctx.load_verify_locations(path_arg(file), path_arg(dir)).is_ok();
            if ok {
                st.add_trust_location(path_arg(file), path_arg(dir));
            }
            c_int::from(ok)
        })
    }

    /// `SSL_CTX_load_verify_file`.
    fn SSL_CTX_load_verify_file(c: *mut SSL_CTX, file: *const c_char) -> c_int {
        nonnull: [c, file], fail: 0;
        with_ctx(c, "SSL_CTX_load_verify_file", |st| {
            let ok = st.ctx.load_verify_locations(path_arg(file), None).is_ok();
            if ok {
                st.add_trust_location(path_arg(file), None);
            }
            c_int::from(ok)
        })
    }

    /// `SSL_CTX_load_verify_dir`.
    fn SSL_CTX_load_verify_dir(c: *mut SSL_CTX, dir: *const c_char) -> c_int {
        nonnull: [c, dir], fail: 0;
        with_ctx(c, "SSL_CTX_load_verify_dir", |st| {
            let ok = st.ctx.load_verify_locations(None, path_arg(dir)).is_ok();
            if ok {
                st.add_trust_location(None, path_arg(dir));
            }
            c_int::from(ok)
        })
    }

    /// `SSL_CTX_set_cipher_list`: the TLS 1.2 list; 0 with "no cipher match" if it selects
    /// nothing this library offers.
    fn SSL_CTX_set_cipher_list(c: *mut SSL_CTX, list: *const c_char) -> c_int {
        nonnull: [c, list], fail: 0;
        // SAFETY: checked non-null; a C string from the caller.
        let list = unsafe { str_arg(list) }.unwrap_or("");
        with_ctx(c, "SSL_CTX_set_cipher_list", |st| {
            // @SECLEVEL=n sets the level as OpenSSL reads it, whatever else the list holds.
            if let Some(level) = oxissl::ctx::cipher_string_security_level(list) {
                st.security_level = level;
            }
            c_int::from(st.ctx.set_cipher_list(list).is_ok())
        })
    }

    /// `SSL_CTX_set_ciphersuites`: the TLS 1.3 suites.
    fn SSL_CTX_set_ciphersuites(c: *mut SSL_CTX, list: *const c_char) -> c_int {
        nonnull: [c, list], fail: 0;
        // SAFETY: checked non-null; a C string from the caller.
        let list = unsafe { str_arg(list) }.unwrap_or("");
        with_ctx(c, "SSL_CTX_set_ciphersuites", |st| {
            c_int::from(st.ctx.set_ciphersuites(list).is_ok())
        })
    }

    /// `SSL_CTX_set_alpn_protos`: **0** on success, 1 on a malformed list.
    fn SSL_CTX_set_alpn_protos(c: *mut SSL_CTX, protos: *const u8, len: c_uint) -> c_int {
        nonnull: [c], fail: 1;
        // SAFETY: `protos` has `len` bytes per the API (null/0 clears the list).
        let wire = unsafe { crate::entry::bytes_arg(protos, len as usize) };
        with_ctx(c, "SSL_CTX_set_alpn_protos", |st| st.ctx.set_alpn_protos(wire))
    }

    /// `SSL_CTX_set_keylog_callback`: each connection whose handshake starts afterwards hands
    /// its secrets to `cb` as NSS key log lines (`SSLKEYLOGFILE`'s format), as OpenSSL does.
    fn SSL_CTX_set_keylog_callback(c: *mut SSL_CTX, cb: Option<KeylogCb>) -> () {
        nonnull: [c], fail: ();
        with_ctx(c, "SSL_CTX_set_keylog_callback", |st| st.keylog_cb = cb)
    }

    /// `SSL_CTX_get_keylog_callback`.
    fn SSL_CTX_get_keylog_callback(c: *const SSL_CTX) -> Option<KeylogCb> {
        nonnull: [c], fail: None;
        with_ctx(c.cast_mut(), "SSL_CTX_get_keylog_callback", |st| st.keylog_cb)
    }

    /// `SSL_CTX_sess_set_new_cb`: called with each new session when `SSL_SESS_CACHE_CLIENT`
    /// is on (see `session::announce_new_sessions`).
    fn SSL_CTX_sess_set_new_cb(c: *mut SSL_CTX, cb: Option<crate::session::NewSessionCb>) -> () {
        nonnull: [c], fail: ();
        with_ctx(c, "SSL_CTX_sess_set_new_cb", |st| st.new_session_cb = cb)
    }

    /// `SSL_CTX_sess_get_new_cb`: the callback set with `SSL_CTX_sess_set_new_cb` (or null).
    fn SSL_CTX_sess_get_new_cb(c: *mut SSL_CTX) -> Option<crate::session::NewSessionCb> {
        nonnull: [c], fail: None;
        with_ctx(c, "SSL_CTX_sess_get_new_cb", |st| st.new_session_cb)
    }

    /// `SSL_CTX_set_msg_callback`: connections made afterwards (`SSL_new`) report each
    /// handshake message, change_cipher_spec sent and alert to `cb`, as OpenSSL does (its record
    /// header and inner content type reports are not made).
    fn SSL_CTX_set_msg_callback(c: *mut SSL_CTX, cb: Option<MsgCb>) -> () {
        nonnull: [c], fail: ();
        with_ctx(c, "SSL_CTX_set_msg_callback", |st| st.msg_cb = cb)
    }

    /// `SSL_CTX_get_info_callback`.
    fn SSL_CTX_get_info_callback(c: *mut SSL_CTX) -> Option<InfoCb> {
        nonnull: [c], fail: None;
        with_ctx(c, "SSL_CTX_get_info_callback", |st| st.info_cb)
    }

    /// `SSL_CTX_set_info_callback`: called for connections without a callback of their own
    /// when a handshake starts (`SSL_CB_HANDSHAKE_START`), at each of its states
    /// (`SSL_CB_CONNECT_LOOP`), when it is done (`SSL_CB_HANDSHAKE_DONE`), at the end of each
    /// handshake call (`SSL_CB_CONNECT_EXIT`) and for each alert read or written
    /// (`SSL_CB_READ_ALERT` / `SSL_CB_WRITE_ALERT`, value level << 8 | description), as OpenSSL
    /// calls it.
    fn SSL_CTX_set_info_callback(c: *mut SSL_CTX, cb: Option<InfoCb>) -> () {
        nonnull: [c], fail: ();
        with_ctx(c, "SSL_CTX_set_info_callback", |st| st.info_cb = cb)
    }

    /// `SSL_CTX_get0_param`: the context's verification parameters (borrowed); a host set on
    /// them is inherited by the `SSL` objects made afterwards and checked by their handshake.
    fn SSL_CTX_get0_param(c: *mut SSL_CTX) -> *mut ffi::X509_VERIFY_PARAM {
        nonnull: [c], fail: std::ptr::null_mut();
        with_ctx(c, "SSL_CTX_get0_param", |st| {
            if st.param.is_null() {
                // SAFETY: no preconditions; null means out of memory.
                st.param = unsafe { ffi::X509_VERIFY_PARAM_new() };
            }
            st.param
        })
    }

    /// `SSL_CTX_set_num_tickets`: a server setting; kept and accepted.
    fn SSL_CTX_set_num_tickets(c: *mut SSL_CTX, n: usize) -> c_int {
        nonnull: [c], fail: 0;
        with_ctx(c, "SSL_CTX_set_num_tickets", |st| {
            st.num_tickets = n;
            1
        })
    }

    /// `SSL_CTX_get_num_tickets`: what was set (2 by default, as in OpenSSL).
    fn SSL_CTX_get_num_tickets(c: *const SSL_CTX) -> usize {
        nonnull: [c], fail: 0;
        with_ctx(c.cast_mut(), "SSL_CTX_get_num_tickets", |st| st.num_tickets)
    }

    /// `SSL_CTX_get_cert_store`: the context's store (owned by the context).
    fn SSL_CTX_get_cert_store(c: *const SSL_CTX) -> *mut X509_STORE {
        nonnull: [c], fail: std::ptr::null_mut();
        with_ctx(c.cast_mut(), "SSL_CTX_get_cert_store", |st| st.exposed_store())
    }

    /// `SSL_CTX_set_cert_store`: takes ownership of `store`, freeing the previous one.
    fn SSL_CTX_set_cert_store(c: *mut SSL_CTX, store: *mut X509_STORE) -> () {
        nonnull: [c], fail: ();
        let old = with_ctx(c, "SSL_CTX_set_cert_store", |st| st.replace_store(store));
        if old != store {
            // SAFETY: the context owned one reference to the old store (null is accepted).
            unsafe { ffi::X509_STORE_free(old) };
        }
    }

    /// `SSL_CTX_set1_cert_store`: like `set_cert_store` but takes a new reference.
    fn SSL_CTX_set1_cert_store(c: *mut SSL_CTX, store: *mut X509_STORE) -> () {
        nonnull: [c], fail: ();
        if !store.is_null() {
            // SAFETY: a live store from the caller.
            unsafe { ffi::X509_STORE_up_ref(store) };
        }
        // SAFETY: `c` is non-null; the new reference is handed over.
        unsafe { SSL_CTX_set_cert_store(c, store) }
    }

    /// `SSL_CTX_set_quiet_shutdown`.
    fn SSL_CTX_set_quiet_shutdown(c: *mut SSL_CTX, mode: c_int) -> () {
        nonnull: [c], fail: ();
        with_ctx(c, "SSL_CTX_set_quiet_shutdown", |st| st.quiet_shutdown = mode != 0)
    }

    /// `SSL_CTX_get_quiet_shutdown`.
    fn SSL_CTX_get_quiet_shutdown(c: *const SSL_CTX) -> c_int {
        nonnull: [c], fail: 0;
        with_ctx(c.cast_mut(), "SSL_CTX_get_quiet_shutdown", |st| c_int::from(st.quiet_shutdown))
    }

    /// `SSL_CTX_set_ex_data`.
    fn SSL_CTX_set_ex_data(c: *mut SSL_CTX, idx: c_int, arg: *mut c_void) -> c_int {
        nonnull: [c], fail: 0;
        // SAFETY: checked non-null.
        unsafe { ctx_ref(c) }.ex_data.set(idx, arg)
    }

    /// `SSL_CTX_get_ex_data`.
    fn SSL_CTX_get_ex_data(c: *const SSL_CTX, idx: c_int) -> *mut c_void {
        nonnull: [c], fail: std::ptr::null_mut();
        // SAFETY: checked non-null.
        unsafe { ctx_ref(c.cast_mut()) }.ex_data.get(idx)
    }

    /// `SSL_CTX_set_security_level`.
    fn SSL_CTX_set_security_level(c: *mut SSL_CTX, level: c_int) -> () {
        nonnull: [c], fail: ();
        with_ctx(c, "SSL_CTX_set_security_level", |st| st.security_level = level)
    }

    /// `SSL_CTX_get_security_level` (2 by default, as Debian builds OpenSSL 3.0; upstream's
    /// default is 1, and this library's checks are level 2's either way).
    fn SSL_CTX_get_security_level(c: *const SSL_CTX) -> c_int {
        nonnull: [c], fail: 0;
        with_ctx(c.cast_mut(), "SSL_CTX_get_security_level", |st| st.security_level)
    }

    /// `SSL_CTX_set_timeout`: returns the previous session timeout.
    fn SSL_CTX_set_timeout(c: *mut SSL_CTX, t: c_long) -> c_long {
        nonnull: [c], fail: 0;
        with_ctx(c, "SSL_CTX_set_timeout", |st| std::mem::replace(&mut st.timeout, t))
    }

    /// `SSL_CTX_get_timeout`.
    fn SSL_CTX_get_timeout(c: *const SSL_CTX) -> c_long {
        nonnull: [c], fail: 0;
        with_ctx(c.cast_mut(), "SSL_CTX_get_timeout", |st| st.timeout)
    }

    /// `SSL_CTX_set_session_id_context`: accepted (a server-side setting).
    fn SSL_CTX_set_session_id_context(c: *mut SSL_CTX, ctx: *const u8, len: c_uint) -> c_int {
        nonnull: [c], fail: 0;
        let _ = (ctx, len);
        1
    }
}

/// Runs `f` on the verification parameters in `slot`, made first if needed; 0 when they
/// cannot be made.
pub fn with_param(
    slot: &mut *mut ffi::X509_VERIFY_PARAM,
    f: impl FnOnce(*mut ffi::X509_VERIFY_PARAM) -> c_int,
) -> c_int {
    if slot.is_null() {
        // SAFETY: no preconditions; null means out of memory.
        *slot = unsafe { ffi::X509_VERIFY_PARAM_new() };
    }
    if slot.is_null() {
        return 0;
    }
    f(*slot)
}

/// The path a `file:` store URI (or a plain path) names; `None` for other schemes.
fn store_path(uri: &str) -> Option<&Path> {
    let path = match uri.strip_prefix("file:") {
        Some(rest) => match rest.strip_prefix("//") {
            // file://localhost/path or file:///path
            Some(r) => r.strip_prefix("localhost").unwrap_or(r),
            None => rest,
        },
        None => uri,
    };
    // A scheme other than file: ("org.openssl.winstore:", "http:" ...) is not a path.
    let scheme = path.split_once(':').map(|(s, _)| s);
    if path.is_empty() || (!path.starts_with('/') && scheme.is_some_and(|s| !s.contains('/'))) {
        return None;
    }
    Some(Path::new(path))
}

fn new_ctx(method: *const SSL_METHOD) -> *mut SSL_CTX {
    init(0, std::ptr::null());
    // SAFETY: X509_STORE_new has no preconditions; null means out of memory.
    let store = unsafe { ffi::X509_STORE_new() };
    if store.is_null() {
        errors::raise_internal("SSL_CTX_new", "X509_STORE_new failed");
        return std::ptr::null_mut();
    }
    // OpenSSL keeps the server's key share for SSL_get_peer_tmp_key; so do connections here.
    let mut ctx = SslCtx::new();
    ctx.set_keep_peer_tmp_key(true);
    let c = Box::into_raw(Box::new(SSL_CTX {
        refs: AtomicUsize::new(1),
        state: Mutex::new(CtxState {
            ctx,
            store,
            verify_cb: None,
            quiet_shutdown: false,
            sess_cache_size: SESS_CACHE_SIZE_DEFAULT,
            read_ahead: 0,
            max_cert_list: 1024 * 100,
            extra_certs: std::ptr::null_mut(),
            own: crate::cert::OwnCerts::default(),
            keylog_cb: None,
            info_cb: None,
            msg_cb: None,
            msg_cb_arg: std::ptr::null_mut(),
            new_session_cb: None,
            trust_locations: Vec::new(),
            trust_stores: Vec::new(),
            verify_store: std::ptr::null_mut(),
            store_exposed: false,
            locations_in_store: (0, 0),
            from_locations: std::collections::HashSet::new(),
            // The system libssl's compiled-in default (Debian: OPENSSL_TLS_SECURITY_LEVEL=2).
            security_level: 2,
            timeout: 7200,
            param: std::ptr::null_mut(),
            num_tickets: 2,
            status_cb: None,
            status_cb_arg: std::ptr::null_mut(),
            method,
            ca_lists: crate::ca_list::CaLists::empty(),
            ciphers: crate::cipher::CipherStack::new(),
            stats: SessionStats::default(),
            sessions: crate::sess_cache::SessionStore::new(),
            security_cb: None,
            security_ex: std::ptr::null_mut(),
            max_early_data: 0,
            // SSL3_RT_MAX_PLAIN_LENGTH, OpenSSL's default.
            recv_max_early_data: 16384,
            client_cert_cb: None,
            padding_arg: std::ptr::null_mut(),
            cert_cb: None,
            app_verify_cb: None,
            app_verify_arg: std::ptr::null_mut(),
        }),
        ex_data: ExData::new(ffi::CRYPTO_EX_INDEX_SSL_CTX),
    }));
    // SAFETY: `c` was just allocated and is live.
    unsafe { &*c }.ex_data.init(c.cast());
    // As OpenSSL's SSL_CTX_new: the configuration file's system_default section, if any.
    crate::conf::apply_system_default(c);
    c
}
