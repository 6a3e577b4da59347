//! `SSL`: the connection object and its lifecycle, BIOs and settings (`SSL_new`, `SSL_free`,
//! `SSL_set_bio` with OpenSSL's reference rules, `SSL_set_fd`, `SSL_ctrl`, verify settings,
//! ex_data). The handshake and data calls are in `io.rs`, the read-only accessors in
//! `info.rs`.
//!
//! The object is a refcounted box: an `oxissl::Ssl` behind a mutex plus what only the C ABI
//! has (the BIO pointers with the references they own, certificate objects handed out,
//! the server name as a C string). Calls take the mutex with `try_lock`: a callback that
//! reaches back into the object it was called from gets a failure, never a deadlock or an
//! aliased `&mut`.

#![allow(non_camel_case_types)]

use std::ffi::{c_char, c_int, c_long, c_uint, c_void, CString};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, TryLockError};

use crate::cbio::CBio;
use crate::ctx::{
    ctx_ref, method_ref, msg_cb_from, usable_method, with_param, InfoCb, KeylogCb, MsgCb,
    SecurityCb, VerifyCb, CTRL_SET_MSG_CALLBACK, SSL_CTX, SSL_METHOD, SSL_SESS_CACHE_CLIENT,
};
use crate::entry::{bytes_arg, entry, str_arg};
use crate::errors;
use crate::exdata::ExData;
use crate::ffi::{self, BIO, OPENSSL_STACK, X509};
use crate::session::SSL_SESSION;
use crate::x509;
use oxissl_engine::wire::enums::ContentType;
use oxissl_engine::{key_log_line, KeyLog, MessageObserver, NamedGroup, ProtocolVersion};

/// `SSL_R_SSL3_EXT_INVALID_SERVERNAME`.
const SSL_R_SSL3_EXT_INVALID_SERVERNAME: u32 = 319;
/// `SSL_R_SSL3_EXT_INVALID_SERVERNAME_TYPE`.
const SSL_R_SSL3_EXT_INVALID_SERVERNAME_TYPE: u32 = 320;
/// `SSL_R_BAD_LENGTH`.
pub const SSL_R_BAD_LENGTH: u32 = 271;
/// `TLSEXT_NAMETYPE_host_name`.
pub const TLSEXT_NAMETYPE_HOST_NAME: c_int = 0;
/// `TLS1_3_VERSION`: what `SSL_version` says before a version-flexible method's handshake.
const TLS1_3_VERSION: c_int = 0x0304;

/// What the C ABI keeps beside the `oxissl::Ssl`.
pub struct SslState {
    pub ssl: oxissl::Ssl,
    /// The read and write BIOs; each slot owns one reference (OpenSSL's rule).
    pub rbio: *mut BIO,
    pub wbio: *mut BIO,
    /// `SSL_set_tlsext_host_name`'s name, for `SSL_get_servername`.
    pub sni: Option<CString>,
    /// The peer's certificates as libcrypto objects, built on first request and freed with
    /// the object: the leaf (one reference) and the chain (a stack owning its elements).
    pub peer_leaf: *mut X509,
    pub peer_chain: *mut OPENSSL_STACK,
    /// The CA names of the server's CertificateRequest as libcrypto objects, built on first
    /// request (a stack owning its elements; null until then).
    pub peer_ca_names: *mut OPENSSL_STACK,
    /// The stack `SSL_get_ciphers` lends.
    pub ciphers: crate::cipher::CipherStack,
    pub verify_mode: c_int,
    pub verify_depth: c_int,
    pub verify_cb: Option<VerifyCb>,
    /// What the info reports track of the current handshake (shared with its observer).
    pub info_track: Arc<InfoTrack>,
    /// Whether the chain goes to libcrypto and the program's callbacks (`install_verify`).
    pub verified_by_libcrypto: bool,
    /// `SSL_set_info_callback`'s callback (the context's is used without one).
    pub info_cb: Option<InfoCb>,
    /// Whether this connection's handshake queues info callback reports (a callback was set
    /// on it or its context when it started).
    info_wanted: bool,
    /// `SSL_set_msg_callback` and its argument (ctrl 16); the context's at `SSL_new`.
    pub msg_cb: Option<MsgCb>,
    pub msg_cb_arg: *mut c_void,
    pub min_version: c_long,
    pub max_version: c_long,
    pub quiet_shutdown: bool,
    /// Flags set with `SSL_set_shutdown` (ORed with what the connection did itself).
    pub shutdown_flags: c_int,
    /// The session handed out by `SSL_get_session` / set by `SSL_set_session` (one reference).
    pub session: *mut SSL_SESSION,
    pub read_ahead: c_long,
    /// The errno to leave for the caller after the current call (`SSL_ERROR_SYSCALL`).
    pending_errno: Option<i32>,
    /// Sessions the current call established, for the new-session callback.
    pub new_sessions: std::collections::VecDeque<oxissl_engine::StoredSession>,
    /// Whether the handshake under way offered a session (for `SSL_CTX_sess_misses`).
    pub offered_session: bool,
    /// `SSL_get0_param`'s verification parameters (owned; null until asked for or inherited
    /// from the context's). The host or IP address set on them is the name the handshake
    /// checks, as in OpenSSL, where `SSL_set1_host` writes them too.
    pub param: *mut ffi::X509_VERIFY_PARAM,
    /// The host name or IP address the certificate is checked against, as last set.
    pub host: Option<String>,
    /// `SSL_get0_peername`'s answer, made on first request after a verified handshake.
    pub peername: Option<CString>,
    /// The connection's own certificates and keys (a copy of the context's made by `SSL_new`).
    pub own: crate::cert::OwnCerts,
    /// `SSL_get_ssl_method`: the context's at `SSL_new`, or as `SSL_set_ssl_method` set it.
    pub method: *const SSL_METHOD,
    /// The CA name lists (unset: the context's).
    pub ca_lists: crate::ca_list::CaLists,
    /// `SSL_set_verify_result`'s value, until the next handshake starts or `SSL_clear`.
    pub verify_result: Option<c_long>,
    /// Settings stored and reported back (copied from the context by `SSL_new`).
    pub stored: Stored,
    /// `SSL_set_record_padding_callback_arg` (`records.rs`).
    pub padding_arg: *mut c_void,
    /// `SSL_set_cert_cb` (the context's at `SSL_new`).
    pub cert_cb: Option<(crate::cert::CertCb, *mut c_void)>,
}

/// Settings an `SSL` keeps and reports back without acting on them (a server's, or checks
/// oxissl makes itself); `SSL_new` copies the context's.
#[derive(Clone, Copy)]
pub struct Stored {
    pub security_level: c_int,
    pub security_cb: Option<SecurityCb>,
    pub security_ex: *mut c_void,
    pub num_tickets: usize,
    pub max_early_data: u32,
    pub recv_max_early_data: u32,
}

impl Stored {
    fn of(c: &crate::ctx::CtxState) -> Self {
        Self {
            security_level: c.security_level(),
            security_cb: c.security_cb,
            security_ex: c.security_ex,
            num_tickets: c.num_tickets,
            max_early_data: c.max_early_data,
            recv_max_early_data: c.recv_max_early_data,
        }
    }
}

/// `SSL_set_ssl_method` on the connection: a method pinned to one version pins it, as the
/// context's method does; leaving a pinned method lifts the pin.
pub fn apply_method(st: &mut SslState, method: *const SSL_METHOD) {
    // SAFETY: both are methods this library handed out.
    let (new, old) = unsafe { (method_ref(method), method_ref(st.method)) };
    let bound = match (new.pinned(), old.pinned()) {
        (Some(v), _) => Some(v),
        (None, Some(_)) => Some(0),
        (None, None) => None,
    };
    if let Some(v) = bound {
        if st.ssl.set_min_proto_version(v) && st.ssl.set_max_proto_version(v) {
            st.min_version = c_long::from(v);
            st.max_version = c_long::from(v);
        }
    }
    st.method = method;
}

/// A copy of the context's verification parameters for a new `SSL` (null when the context has
/// none, or when the copy cannot be made).
fn inherited_param(from: *mut ffi::X509_VERIFY_PARAM) -> *mut ffi::X509_VERIFY_PARAM {
    if from.is_null() {
        return std::ptr::null_mut();
    }
    // SAFETY: no preconditions; `from` is the context's live parameter object.
    unsafe {
        let p = ffi::X509_VERIFY_PARAM_new();
        if !p.is_null() {
            ffi::X509_VERIFY_PARAM_inherit(p, from);
        }
        p
    }
}

/// `SSL`.
pub struct SSL {
    refs: AtomicUsize,
    /// The context this object was made from; one reference.
    pub ctx: *mut SSL_CTX,
    state: Mutex<SslState>,
    ex_data: ExData,
    /// Info callback reports made during a call, delivered when it returns and the object is
    /// unlocked, so the callback may call back into it.
    info_events: Mutex<Vec<InfoEvent>>,
    /// While a report is delivered: the handshake state it was made in, which
    /// `SSL_state_string(_long)` and `SSL_get_state` then report (None: the current one).
    pub reported_state: Mutex<Option<&'static str>>,
}

/// One info callback report: where, the value, and the handshake state it was made in (None:
/// the state when it is delivered).
#[derive(Clone, Copy)]
struct InfoEvent {
    place: c_int,
    value: c_int,
    state: Option<&'static str>,
}

/// `SSL_CB_CONNECT_LOOP` and `SSL_CB_CONNECT_EXIT`: a state change of the client's handshake,
/// and a handshake call's end (its return value).
const CB_CONNECT_LOOP: c_int = 0x1001;
const CB_CONNECT_EXIT: c_int = 0x1002;

/// OpenSSL's state names (`SSL_state_string_long`) the info reports carry.
const ST_BEFORE: &str = "before SSL initialization";
const ST_OK: &str = "SSL negotiation finished successfully";

/// The state OpenSSL's client is in once it has written (`sent`) or read a handshake message
/// of type `typ`, or a change_cipher_spec (`None`).
fn message_state(sent: bool, typ: Option<u8>) -> Option<&'static str> {
    Some(match (sent, typ) {
        (true, Some(1)) => "SSLv3/TLS write client hello",
        (true, Some(11)) => "SSLv3/TLS write client certificate",
        (true, Some(16)) => "SSLv3/TLS write client key exchange",
        (true, Some(15)) => "SSLv3/TLS write certificate verify",
        (true, Some(20)) => "SSLv3/TLS write finished",
        (true, None) => "SSLv3/TLS write change cipher spec",
        (false, Some(2)) => "SSLv3/TLS read server hello",
        (false, Some(8)) => "TLSv1.3 read encrypted extensions",
        (false, Some(13)) => "SSLv3/TLS read server certificate request",
        (false, Some(11)) => "SSLv3/TLS read server certificate",
        (false, Some(22)) => "SSLv3/TLS read certificate status",
        (false, Some(12)) => "SSLv3/TLS read server key exchange",
        (false, Some(14)) => "SSLv3/TLS read server done",
        (false, Some(15)) => "TLSv1.3 read server certificate verify",
        (false, Some(4)) => "SSLv3/TLS read server session ticket",
        (false, Some(20)) => "SSLv3/TLS read finished",
        (false, Some(24)) => "TLSv1.3 read server key update",
        (false, None) => "SSLv3/TLS read change cipher spec",
        _ => return None,
    })
}

/// What the info reports of one handshake track between the messages of a connection: the
/// state of the last message written while no message has been read since (OpenSSL reports it
/// again when it turns to reading), and whether the handshake is done (later messages are
/// post-handshake).
#[derive(Default)]
pub struct InfoTrack {
    last_write: Mutex<Option<&'static str>>,
    /// The state of a message read, reported once it has been processed (OpenSSL reports a
    /// read state only then): at the next message or alert, or when the call returns.
    read: Mutex<Option<&'static str>>,
    done: std::sync::atomic::AtomicBool,
}

impl InfoTrack {
    /// Reports the state of the message read last, if any (it was processed).
    fn commit_read(&self, obj: &SSL) {
        let read = self
            .read
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(state) = read {
            obj.info_event(CB_CONNECT_LOOP, 1, Some(state));
        }
    }

    /// Forgets the state of the message read last: processing it failed.
    fn drop_read(&self) {
        self.read
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
    }

    fn take_last_write(&self) -> Option<&'static str> {
        self.last_write
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    }

    fn set_last_write(&self, state: &'static str) {
        *self
            .last_write
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(state);
    }
}

/// `SSL_CB_HANDSHAKE_START`, `SSL_CB_HANDSHAKE_DONE`, `SSL_CB_READ_ALERT`, `SSL_CB_WRITE_ALERT`.
const CB_HANDSHAKE_START: c_int = 0x10;
const CB_HANDSHAKE_DONE: c_int = 0x20;
const CB_READ_ALERT: c_int = 0x4004;
const CB_WRITE_ALERT: c_int = 0x4008;

impl SSL {
    fn info_queue(&self) -> std::sync::MutexGuard<'_, Vec<InfoEvent>> {
        self.info_events
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Queues an info callback report, made in `state` (None: reported with the state at
    /// delivery).
    fn info_event(&self, place: c_int, value: c_int, state: Option<&'static str>) {
        self.info_queue().push(InfoEvent {
            place,
            value,
            state,
        });
    }

    /// Queues reports before those queued since the queue was `at` long.
    fn info_events_at(&self, at: usize, events: &[(c_int, c_int, &'static str)]) {
        let mut q = self.info_queue();
        let at = at.min(q.len());
        for (i, &(place, value, state)) in events.iter().enumerate() {
            let state = Some(state);
            q.insert(
                at + i,
                InfoEvent {
                    place,
                    value,
                    state,
                },
            );
        }
    }

    /// The state reported while an info report is delivered, if one is.
    pub fn reported_state(&self) -> Option<&'static str> {
        *self
            .reported_state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn info_events_len(&self) -> usize {
        self.info_queue().len()
    }
}

/// After a call on `s` returned (the object unlocked): hands the info reports it made to the
/// connection's callback, or its context's, as OpenSSL calls them.
pub fn deliver_info_events(s: *mut SSL) {
    // SAFETY: the caller holds a reference to a live object.
    let obj = unsafe { ssl_ref(s) };
    let events = std::mem::take(&mut *obj.info_queue());
    if events.is_empty() {
        return;
    }
    let own = with_ssl(s, "SSL_get_info_callback", None, |_, st| st.info_cb);
    // SAFETY: the object holds a reference to its context.
    let Some(cb) = own.or_else(|| unsafe { ctx_ref(obj.ctx) }.lock().info_cb) else {
        return;
    };
    let report = |state: Option<&'static str>| {
        *obj.reported_state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = state;
    };
    for e in events {
        report(e.state);
        // SAFETY: the program's callback, called as OpenSSL calls it, with the live object.
        unsafe { cb(s, e.place, e.value) };
    }
    report(None);
}

/// Borrows an object from a C pointer.
///
/// # Safety
/// `p` is non-null and came from `SSL_new`, with a reference held by the caller.
pub unsafe fn ssl_ref<'a>(p: *const SSL) -> &'a SSL {
    // SAFETY: per the contract.
    unsafe { &*p }
}

/// Runs `f` with the object's state locked, then moves queued errors to libcrypto and leaves
/// `errno` as the call's I/O made it. A call made while the object is busy (from one of its
/// own callbacks) fails with `fail`.
pub fn with_ssl<R>(
    s: *const SSL,
    func: &str,
    fail: R,
    f: impl FnOnce(&SSL, &mut SslState) -> R,
) -> R {
    // SAFETY: callers pass pointers the entry macro checked for null.
    let obj = unsafe { ssl_ref(s) };
    let mut guard = match obj.state.try_lock() {
        Ok(g) => g,
        Err(TryLockError::Poisoned(p)) => p.into_inner(),
        Err(TryLockError::WouldBlock) => {
            errors::raise_internal(
                func,
                "the SSL object is busy (called from its own callback)",
            );
            return fail;
        }
    };
    let r = f(obj, &mut guard);
    let errno = guard.pending_errno.take();
    drop(guard);
    errors::flush(func);
    if let Some(e) = errno {
        ffi::set_errno(e);
    }
    r
}

/// A C keylog callback as the engine's key log, for one connection.
struct CKeyLog {
    cb: KeylogCb,
    /// The `SSL *` handed back to the callback (only passed to C, never dereferenced here).
    ssl: usize,
}

impl KeyLog for CKeyLog {
    fn log(&self, label: &str, client_random: &[u8; 32], secret: &[u8]) {
        let Ok(line) = CString::new(key_log_line(label, client_random, secret)) else {
            return;
        };
        // SAFETY: the program's callback, called as OpenSSL calls it: with the connection
        // (live: its handshake is running) and a NUL-terminated line valid for the call.
        unsafe { (self.cb)(self.ssl as *const SSL, line.as_ptr()) };
    }
}

/// A C message callback, and the alerts the info callback reports, as the engine's message
/// observer, for one connection.
struct CMsg {
    cb: Option<MsgCb>,
    /// The `SSL *` and the callback's argument, only passed back to C.
    ssl: usize,
    arg: usize,
    /// Whether alerts and state changes are queued for the info callback.
    alerts_to_info: bool,
    /// The handshake's progress, as the info reports need it.
    track: Arc<InfoTrack>,
}

impl CMsg {
    /// Queues the info reports OpenSSL's client makes for a message it wrote or read: the
    /// state it enters (after the state it last wrote again, when it turns to reading), and
    /// for a post-handshake message read, the state machine's run around it.
    fn state_reports(&self, sent: bool, version: ProtocolVersion, typ: ContentType, data: &[u8]) {
        let msg = match typ {
            ContentType::HANDSHAKE => Some(data.first().copied()),
            // A TLS 1.3 server's compatibility change_cipher_spec is no state of OpenSSL's.
            ContentType::CHANGE_CIPHER_SPEC if sent || version != ProtocolVersion::TLS13 => None,
            _ => return,
        };
        let Some(state) = message_state(sent, msg.flatten()) else {
            return;
        };
        // SAFETY: the object is live while its call runs (see CVerify).
        let obj = unsafe { ssl_ref(self.ssl as *const SSL) };
        if self.track.done.load(Ordering::Acquire) {
            if !sent {
                obj.info_event(CB_CONNECT_LOOP, 1, Some(ST_OK));
                obj.info_event(CB_CONNECT_LOOP, 1, Some(ST_OK));
                obj.info_event(CB_CONNECT_LOOP, 1, Some(state));
                obj.info_event(CB_CONNECT_EXIT, 1, Some(ST_OK));
            }
            return;
        }
        if sent {
            self.track.set_last_write(state);
            obj.info_event(CB_CONNECT_LOOP, 1, Some(state));
            return;
        }
        if let Some(written) = self.track.take_last_write() {
            obj.info_event(CB_CONNECT_LOOP, 1, Some(written));
        }
        *self
            .track
            .read
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(state);
    }
}

impl MessageObserver for CMsg {
    fn message(&self, _sent: bool, _typ: ContentType, _data: &[u8]) {}

    fn message_at(&self, sent: bool, version: ProtocolVersion, typ: ContentType, data: &[u8]) {
        if self.alerts_to_info {
            // SAFETY: the object is live while its call runs (see CVerify).
            let obj = unsafe { ssl_ref(self.ssl as *const SSL) };
            match (sent, typ) {
                // The alert answers the message read last: its processing failed.
                (true, ContentType::ALERT) => self.track.drop_read(),
                _ => self.track.commit_read(obj),
            }
        }
        if self.alerts_to_info && typ == ContentType::ALERT && data.len() == 2 {
            let place = if sent { CB_WRITE_ALERT } else { CB_READ_ALERT };
            let value = c_int::from(data[0]) << 8 | c_int::from(data[1]);
            // SAFETY: the object is live while its call runs (see CVerify).
            unsafe { ssl_ref(self.ssl as *const SSL) }.info_event(place, value, None);
        }
        if self.alerts_to_info {
            self.state_reports(sent, version, typ, data);
        }
        let Some(cb) = self.cb else {
            return;
        };
        // OpenSSL reports a change_cipher_spec it receives only as a record header, which is
        // not reported here.
        if !sent && typ == ContentType::CHANGE_CIPHER_SPEC {
            return;
        }
        // SAFETY: the program's callback, called as OpenSSL calls it, with the connection
        // (live: its handshake or data call is running), the message bytes for the call, and
        // the argument the program set.
        unsafe {
            (cb)(
                c_int::from(sent),
                c_int::from(version.0),
                c_int::from(typ.0),
                data.as_ptr().cast(),
                data.len(),
                self.ssl as *mut SSL,
                self.arg as *mut c_void,
            );
        }
    }
}

impl SslState {
    /// Runs one handshake or data call on the connection with OpenSSL's bookkeeping around it:
    /// a call that will drive the handshake first clears the error queue and `errno` (as
    /// OpenSSL's state machine does on entry); a failed call leaves the BIO's errno.
    /// Before the handshake starts: the host or IP address set on the verification parameters
    /// (`X509_VERIFY_PARAM_set1_host` / `_set1_ip` on `SSL_get0_param`, as Python's ssl module
    /// sets it) becomes the name the certificate is checked against. (Once the handshake has
    /// started, its name is fixed.)
    fn sync_param_host(&mut self) {
        if self.param.is_null() || !self.ssl.in_before() {
            return;
        }
        // SAFETY: `param` is owned by this object and live; the host string is borrowed from
        // it for the duration of the copy.
        let host = unsafe {
            let h = ffi::X509_VERIFY_PARAM_get0_host(self.param, 0);
            (!h.is_null()).then(|| std::ffi::CStr::from_ptr(h).to_string_lossy().into_owned())
        };
        // SAFETY: as above; the address string is ours to free (OPENSSL_free).
        let name = host.or_else(|| unsafe {
            let ip = ffi::X509_VERIFY_PARAM_get1_ip_asc(self.param);
            if ip.is_null() {
                return None;
            }
            let text = std::ffi::CStr::from_ptr(ip).to_string_lossy().into_owned();
            ffi::CRYPTO_free(ip.cast(), c"".as_ptr(), 0);
            Some(text)
        });
        if let Some(name) = name {
            if self.ssl.set1_host(&name) {
                self.host = Some(name);
            }
        }
    }

    /// Before the handshake starts: the context's keylog callback (if any) receives this
    /// connection's secrets, and the message callback (if any) its messages, with this object
    /// as their `SSL *`.
    fn sync_callbacks(&mut self, obj: &SSL) {
        if !self.ssl.in_before() {
            return;
        }
        // An application verify callback or verification flags set since SSL_new (or gone).
        if libcrypto_verifies(obj, self) != self.verified_by_libcrypto {
            install_verify(obj, self, self.verify_mode, self.verify_cb);
        }
        let (cb, ctx_info, status_cb, cert_cb) = {
            // SAFETY: the object holds a reference to its context.
            let c = unsafe { ctx_ref(obj.ctx) }.lock();
            (c.keylog_cb, c.info_cb, c.status_cb, c.client_cert_cb)
        };
        // The status and client certificate callbacks run with the object unlocked (see
        // `io::io_entry`).
        self.ssl.set_defer_status_check(status_cb.is_some());
        self.ssl
            .set_defer_client_cert(cert_cb.is_some() || self.cert_cb.is_some());
        self.info_wanted = self.info_cb.is_some() || ctx_info.is_some();
        let log = cb.map(|cb| {
            Arc::new(CKeyLog {
                cb,
                ssl: std::ptr::from_ref(obj) as usize,
            }) as Arc<dyn KeyLog>
        });
        self.ssl.set_key_log(log);
        let wanted = self.msg_cb.is_some() || self.info_wanted;
        self.info_track = Arc::default();
        let observer = wanted.then(|| {
            Arc::new(CMsg {
                cb: self.msg_cb,
                ssl: std::ptr::from_ref(obj) as usize,
                arg: self.msg_cb_arg as usize,
                alerts_to_info: self.info_wanted,
                track: self.info_track.clone(),
            }) as Arc<dyn MessageObserver>
        });
        self.ssl.set_message_observer(observer);
    }

    pub fn io_call(&mut self, obj: &SSL, f: impl FnOnce(&mut oxissl::Ssl) -> c_int) -> c_int {
        // SAFETY: the object's method is one this library handed out.
        if unsafe { crate::ctx::method_ref(self.method) }.is_server() {
            crate::stubs::unsupported("SSL_do_handshake", "the server side is not supported");
            return -1;
        }
        self.sync_param_host();
        self.sync_callbacks(obj);
        // Where a handshake this call starts is reported: before what the call reports itself.
        let start_at = (self.info_wanted && self.ssl.in_before()).then(|| obj.info_events_len());
        let was_before = self.ssl.in_before() && self.ssl.is_connect_state();
        if self.ssl.in_before() {
            // The handshake this call may start verifies anew (SSL_set_verify_result's value
            // was for the last one).
            self.verify_result = None;
        }
        let ssl = &self.ssl;
        let in_init = ssl.in_init();
        if ssl.is_connect_state() && in_init && !ssl.is_failed() {
            errors::clear_for_handshake();
        }
        self.ssl.clear_last_os_error();
        let r = f(&mut self.ssl);
        if r <= 0 {
            self.pending_errno = self.ssl.last_os_error();
        }
        if was_before && !self.ssl.in_before() {
            // A handshake started: SSL_CTX_sess_connect counts it.
            self.offered_session = !self.session.is_null();
            // SAFETY: the object holds a reference to its context.
            unsafe { ctx_ref(obj.ctx) }.lock().stats.connect += 1;
        }
        if let Some(at) = start_at.filter(|_| !self.ssl.in_before()) {
            let start = [
                (CB_HANDSHAKE_START, 1, ST_BEFORE),
                (CB_CONNECT_LOOP, 1, ST_BEFORE),
            ];
            obj.info_events_at(at, &start);
        }
        let finished = in_init && self.ssl.is_init_finished();
        if self.info_wanted {
            match (self.ssl.is_failed(), self.ssl.chain_verification_pending()) {
                (true, _) => self.info_track.drop_read(),
                // The Certificate read is reported once its chain is verified, as OpenSSL
                // reports it after processing it.
                (false, true) => {}
                (false, false) => self.info_track.commit_read(obj),
            }
        }
        // A stop for one of the program's callbacks is not the end of the call for it.
        let paused = self.ssl.chain_verification_pending()
            || self.ssl.status_check_pending()
            || self.ssl.client_cert_pending();
        if self.info_wanted && in_init && self.ssl.is_connect_state() && !paused {
            if finished {
                obj.info_event(CB_HANDSHAKE_DONE, 1, Some(ST_OK));
                self.info_track.done.store(true, Ordering::Release);
                self.info_track.take_last_write();
            }
            // The handshake call's end, with its result, in the state it ends in.
            let ret = match (finished, r) {
                (true, _) => 1,
                (false, r) if r <= 0 => r,
                _ => -1,
            };
            obj.info_event(CB_CONNECT_EXIT, ret, Some(self.ssl.state_string_long()));
        }
        if in_init && self.ssl.is_init_finished() {
            // SAFETY: the object holds a reference to its context.
            let mut c = unsafe { ctx_ref(obj.ctx) }.lock();
            let mode = c.ctx.session_cache_mode();
            c.stats.connect_good += 1;
            match (self.ssl.session_reused(), self.offered_session) {
                (true, _) => c.stats.hits += 1,
                (false, true) => c.stats.misses += 1,
                (false, false) => {}
            }
            drop(c);
            crate::session::handshake_finished(self, mode);
        }
        let fresh = self.ssl.take_new_sessions();
        if !fresh.is_empty() {
            // SAFETY: the object holds a reference to its context.
            let c = unsafe { ctx_ref(obj.ctx) }.lock();
            if c.new_session_cb.is_some() && c.ctx.session_cache_mode() & SSL_SESS_CACHE_CLIENT != 0
            {
                self.new_sessions.extend(fresh);
            }
        }
        r
    }

    /// Builds the libcrypto copies of the peer's certificates if not done yet.
    pub fn ensure_peer_certs(&mut self) {
        if !self.peer_chain.is_null() {
            return;
        }
        let ders = self.ssl.peer_cert_chain();
        if ders.is_empty() {
            return;
        }
        let (leaf, chain) = x509::chain_from_der(&ders);
        self.peer_leaf = leaf;
        self.peer_chain = chain;
    }

    /// What the C layer keeps of one connection, dropped when the object starts another
    /// (`SSL_clear`, `SSL_set_connect_state` on a used object) after `oxissl::Ssl` was reset:
    /// the object's session (`SSL_get_session`) becomes the one the next handshake offers, or
    /// none. `version` is the protocol version of the connection that ended.
    pub fn forget_connection(&mut self, version: c_int) {
        self.free_peer_certs();
        self.new_sessions.clear();
        self.shutdown_flags = 0;
        self.pending_errno = None;
        self.verify_result = None;
        crate::session::follow_offered(self, version);
    }

    fn free_peer_certs(&mut self) {
        // SAFETY: the leaf owns one reference and the stack owns its elements (both may be
        // null, which libcrypto accepts).
        unsafe {
            ffi::X509_free(self.peer_leaf);
            ffi::OPENSSL_sk_pop_free(self.peer_chain, Some(ffi::x509_free_void));
            ffi::OPENSSL_sk_pop_free(self.peer_ca_names, Some(ffi::x509_name_free_void));
        }
        self.peer_leaf = std::ptr::null_mut();
        self.peer_chain = std::ptr::null_mut();
        self.peer_ca_names = std::ptr::null_mut();
    }

    /// The CA names of the server's CertificateRequest as a stack of `X509_NAME` (borrowed by
    /// the caller; null if no certificate was asked for). Names libcrypto cannot read are left
    /// out.
    pub fn peer_ca_stack(&mut self) -> *mut OPENSSL_STACK {
        if self.peer_ca_names.is_null() {
            let Some(names) = self.ssl.peer_ca_names() else {
                return std::ptr::null_mut();
            };
            let sk = crate::ca_list::new_names();
            for der in names {
                let Ok(len) = c_long::try_from(der.len()) else {
                    continue;
                };
                let mut p = der.as_ptr();
                // SAFETY: `p` points to `len` readable bytes; d2i allocates the name, which
                // the stack takes (or which is freed when the push fails).
                unsafe {
                    let name = ffi::d2i_X509_NAME(std::ptr::null_mut(), &mut p, len);
                    if !name.is_null() && ffi::OPENSSL_sk_push(sk, name.cast()) == 0 {
                        ffi::X509_NAME_free(name.cast());
                    }
                }
            }
            self.peer_ca_names = sk;
        }
        self.peer_ca_names
    }

    /// `SSL_set0_rbio`: installs `b` (taking over one reference) and frees the old one.
    pub fn set0_rbio(&mut self, b: *mut BIO) {
        if b.is_null() {
            self.ssl.take_rbio();
        } else {
            self.ssl.set_rbio(Box::new(CBio::new(b)));
        }
        let old = std::mem::replace(&mut self.rbio, b);
        // SAFETY: the slot owned one reference to the old BIO (null is accepted).
        unsafe { ffi::BIO_free_all(old) };
    }

    /// `SSL_set0_wbio`.
    pub fn set0_wbio(&mut self, b: *mut BIO) {
        if b.is_null() {
            self.ssl.take_wbio();
        } else {
            self.ssl.set_wbio(Box::new(CBio::new(b)));
        }
        let old = std::mem::replace(&mut self.wbio, b);
        // SAFETY: the slot owned one reference to the old BIO (null is accepted).
        unsafe { ffi::BIO_free_all(old) };
    }

    /// `SSL_set_bio`, with OpenSSL 3.0's reference rules (SSL_set_bio(3)).
    pub fn set_bio(&mut self, rbio: *mut BIO, wbio: *mut BIO) {
        if rbio == self.rbio && wbio == self.wbio {
            return;
        }
        if !rbio.is_null() && rbio == wbio {
            // SAFETY: a live BIO from the caller; the second slot needs its own reference.
            unsafe { ffi::BIO_up_ref(rbio) };
        }
        if rbio == self.rbio {
            self.set0_wbio(wbio);
            return;
        }
        if wbio == self.wbio && self.rbio != self.wbio {
            self.set0_rbio(rbio);
            return;
        }
        self.set0_rbio(rbio);
        self.set0_wbio(wbio);
    }
}

/// The context's `X509_STORE` as a source of trust anchors, read when the server's
/// certificate is verified (as OpenSSL reads it then): programs may fill the store after the
/// handshake started — curl sends its ClientHello first and loads `--cacert` while it waits.
struct StoreAnchors {
    ctx: *mut SSL_CTX,
}

// SAFETY: the source is called only inside a handshake call on the object that owns it, on
// the calling thread; the object holds a reference to the context, so the pointer is live.
unsafe impl Send for StoreAnchors {}
// SAFETY: as above; the context's state is behind its own mutex.
unsafe impl Sync for StoreAnchors {}

impl StoreAnchors {
    fn certificates(&self) -> Vec<Vec<u8>> {
        // SAFETY: see the Send impl.
        let c = unsafe { ctx_ref(self.ctx) }.lock();
        x509::store_certificates_except(c.store, &c.from_locations)
    }
}

/// The program's chain verification: its verify callback, run by libcrypto's
/// `X509_verify_cert` over the peer's chain, or its context's application verify callback
/// (`SSL_CTX_set_cert_verify_callback`) in place of `X509_verify_cert`, as libssl runs them
/// (see `x509::verify_with_callback`).
struct CVerify {
    ssl: *const SSL,
    cb: Option<VerifyCb>,
    /// The connection's `X509_VERIFY_PARAM` (owned by it; null if never made).
    param: *const ffi::X509_VERIFY_PARAM,
    security_level: c_int,
}

// SAFETY: the callback runs only inside a handshake call on the object itself, on the thread
// making that call; the pointers stay valid because the object owns the verifier.
unsafe impl Send for CVerify {}
// SAFETY: as above; nothing is shared between threads.
unsafe impl Sync for CVerify {}

impl CVerify {
    fn verify(&self, chain: &[&[u8]], name: Option<&str>, depth: c_int) -> (bool, i64) {
        // The context lock is not held while libcrypto calls the program's callbacks.
        let (store, app) = {
            // SAFETY: `ssl` is live while its handshake runs; it holds a context reference.
            let mut c = unsafe { ctx_ref(ssl_ref(self.ssl).ctx) }.lock();
            let app = c.app_verify_cb.map(|cb| (cb, c.app_verify_arg));
            (c.verify_store(), app)
        };
        if store.is_null() {
            return (false, 1);
        }
        let cbs = x509::ChainCallbacks {
            verify: self.cb,
            app,
            param: self.param,
            security_level: self.security_level,
        };
        let r =
            x509::verify_with_callback(cbs, self.ssl.cast_mut().cast(), store, chain, name, depth);
        // SAFETY: the reference `verify_store` gave us.
        unsafe { ffi::X509_STORE_free(store) };
        r
    }
}

/// Whether the chain goes to libcrypto rather than webpki: when the program has a verify
/// callback, its context an application verify callback, or the verification flags ask for
/// what only libcrypto does (CRL checks and the like, see `x509::flags_need_libcrypto`).
fn libcrypto_verifies(s: *const SSL, st: &SslState) -> bool {
    // SAFETY: `s` is live and holds a reference to its context.
    let c = unsafe { ctx_ref(ssl_ref(s).ctx) }.lock();
    st.verify_cb.is_some()
        || c.app_verify_cb.is_some()
        || x509::flags_need_libcrypto(st.param, c.store)
        || st.stored.security_level >= x509::LIBCRYPTO_SECURITY_LEVEL
}

/// Installs the verify mode and (C) callback on the connection: libcrypto and the program's
/// callbacks verify the chain when `libcrypto_verifies`, else webpki does.
fn install_verify(s: *const SSL, st: &mut SslState, mode: c_int, cb: Option<VerifyCb>) {
    st.verify_mode = mode;
    st.verify_cb = cb;
    st.verified_by_libcrypto = libcrypto_verifies(s, st);
    if st.verified_by_libcrypto {
        let v = CVerify {
            ssl: s,
            cb,
            param: st.param,
            security_level: st.stored.security_level,
        };
        st.ssl.set_verify_external(
            mode,
            Arc::new(move |chain, name, depth| v.verify(chain, name, depth)),
        );
    } else {
        st.ssl.set_verify(mode, None);
    }
    // The callbacks run with the object unlocked (see `io::io_entry`), so they may call it.
    st.ssl
        .set_defer_chain_verification(st.verified_by_libcrypto);
}

/// Copies up to `count` bytes of `data` to `buf` (null: none); the length of `data` (0 for
/// none).
fn copy_out(data: Option<&[u8]>, buf: *mut c_void, count: usize) -> usize {
    let Some(data) = data else {
        return 0;
    };
    let n = data.len().min(count);
    if n > 0 && !buf.is_null() {
        // SAFETY: the caller passes `count` writable bytes at `buf`; `n` is at most that.
        unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), buf.cast::<u8>(), n) };
    }
    data.len()
}

/// Verifies the server's chain the handshake stopped for with libcrypto and the program's
/// callbacks, on the unlocked object, and hands the verdict to the handshake; whether the call
/// should be made again.
pub fn run_chain_verification(s: *mut SSL, func: &str) -> bool {
    let Some((chain, name, depth, cb)) = with_ssl(s, func, None, |_, st| {
        let (chain, name, depth) = st.ssl.pending_chain()?;
        Some((chain, name, depth, st.verify_cb))
    }) else {
        return false;
    };
    let ders: Vec<&[u8]> = chain.iter().map(Vec::as_slice).collect();
    let (param, security_level) = with_ssl(s, func, (std::ptr::null(), 0), |_, st| {
        (st.param.cast_const(), st.stored.security_level)
    });
    let v = CVerify {
        ssl: s,
        cb,
        param,
        security_level,
    };
    let (ok, code) = v.verify(&ders, name.as_deref(), depth);
    with_ssl(s, func, false, |_, st| {
        st.ssl.chain_verification_pending() && {
            st.ssl.finish_chain_verification(ok, code);
            true
        }
    })
}

/// `SSL_ctrl` on the object.
fn ssl_ctrl(st: &mut SslState, cmd: c_int, larg: c_long, parg: *mut c_void) -> c_long {
    match cmd {
        // SSL_CTRL_SET_TLSEXT_HOSTNAME
        55 => {
            if larg != c_long::from(TLSEXT_NAMETYPE_HOST_NAME) {
                errors::raise_ssl("SSL_ctrl", SSL_R_SSL3_EXT_INVALID_SERVERNAME_TYPE, None);
                return 0;
            }
            if parg.is_null() {
                st.sni = None;
                st.ssl.clear_tlsext_host_name();
                return 1;
            }
            // SAFETY: a C string from the caller.
            let name = unsafe { str_arg(parg.cast()) };
            match name {
                Some(n) if st.ssl.set_tlsext_host_name(n) => {
                    st.sni = CString::new(n).ok();
                    1
                }
                _ => {
                    errors::raise_ssl("SSL_ctrl", SSL_R_SSL3_EXT_INVALID_SERVERNAME, None);
                    0
                }
            }
        }
        33 => c_long::from(st.ssl.set_mode(larg as u32)),
        78 => c_long::from(st.ssl.clear_mode(larg as u32)),
        123 => match u16::try_from(larg) {
            Ok(v) if st.ssl.set_min_proto_version(v) => {
                st.min_version = larg;
                1
            }
            _ => 0,
        },
        124 => match u16::try_from(larg) {
            Ok(v) if st.ssl.set_max_proto_version(v) => {
                st.max_version = larg;
                1
            }
            _ => 0,
        },
        130 => st.min_version,
        131 => st.max_version,
        // SSL_CTRL_GET_READ_AHEAD / SET_READ_AHEAD
        40 => st.read_ahead,
        41 => {
            st.ssl.set_read_ahead(larg != 0);
            std::mem::replace(&mut st.read_ahead, larg)
        }
        // SSL_CTRL_SET_GROUPS (SSL_set1_groups), as for the context.
        91 => match crate::ctx::groups_from_nids(larg, parg) {
            Some(list) => c_long::from(st.ssl.set_groups_list(&list).is_ok()),
            None => 0,
        },
        // SSL_CTRL_SET_GROUPS_LIST
        92 => {
            // SAFETY: a C string from the caller.
            match unsafe { str_arg(parg.cast()) } {
                Some(list) => c_long::from(st.ssl.set_groups_list(list).is_ok()),
                None => 0,
            }
        }
        // SSL_CTRL_GET_TLSEXT_STATUS_REQ_OCSP_RESP: the stapled response (valid while the
        // connection lives) and its length; null and -1 without one. Before a handshake,
        // OpenSSL 3.0 leaves the pointer as it is.
        70 => {
            let resp = st.ssl.ocsp_response();
            if !parg.is_null() && !st.ssl.in_before() {
                // SAFETY: the caller passes an unsigned char ** to fill.
                unsafe {
                    *parg.cast::<*const u8>() = resp.map_or(std::ptr::null(), <[u8]>::as_ptr)
                };
            }
            resp.and_then(|r| c_long::try_from(r.len()).ok())
                .unwrap_or(-1)
        }
        // SSL_CTRL_SET_TLSEXT_STATUS_REQ_TYPE: OCSP stapling for this connection.
        65 => {
            st.ssl
                .set_tlsext_status_type(larg == crate::ctx::TLSEXT_STATUSTYPE_OCSP);
            1
        }
        // SSL_CTRL_GET_CHAIN_CERTS: the current certificate's chain (borrowed).
        crate::cert::CTRL_GET_CHAIN_CERTS => st.own.chain_ctrl(cmd, larg, parg).unwrap_or(0),
        // SSL_CTRL_CHAIN / SSL_CTRL_CHAIN_CERT on one connection: oxissl has no call to change
        // a connection's chain but the chain file (the context's forms work).
        crate::cert::CTRL_CHAIN | crate::cert::CTRL_CHAIN_CERT => {
            errors::raise_ssl(
                "SSL_ctrl",
                0x8010C,
                Some("a connection's chain is set with SSL_use_certificate_chain_file or on its context"),
            );
            0
        }
        // SSL_CTRL_GET_NEGOTIATED_GROUP: the group's NID.
        134 => match st.ssl.negotiated_group() {
            Some(0x001d) => 1034,
            Some(0x001e) => 1035,
            Some(0x0017) => 415,
            Some(0x0018) => 715,
            Some(0x0019) => 716,
            _ => 0,
        },
        // Renegotiation counters: none happen in TLS 1.3.
        10..=12 => 0,
        // SSL_CTRL_GET_RI_SUPPORT: a TLS 1.2 connection is only made with a server that
        // indicates secure renegotiation (RFC 5746); TLS 1.3 has none.
        76 => c_long::from(st.ssl.is_init_finished() && st.ssl.version_number() == 0x0303),
        // SSL_CTRL_GET_PEER_TMP_KEY (SSL_get_peer_tmp_key): the server's key share as a new
        // EVP_PKEY reference.
        109 => match st.ssl.peer_tmp_key().and_then(|(g, p)| tmp_key(g, p)) {
            Some(key) if !parg.is_null() => {
                // SAFETY: the caller passes an EVP_PKEY ** to fill; it owns the reference.
                unsafe { *parg.cast::<*mut ffi::EVP_PKEY>() = key };
                1
            }
            Some(key) => {
                // SAFETY: nobody takes the key: free the reference made for it.
                unsafe { ffi::EVP_PKEY_free(key) };
                0
            }
            None => 0,
        },
        // SSL_CTRL_GET_PEER_SIGNATURE_NID: the digest of the server's signature.
        108 => match crate::info::peer_signature_nids(st) {
            Some((_, digest)) if !parg.is_null() => {
                // SAFETY: the caller passes an int * to fill.
                unsafe { *parg.cast::<c_int>() = digest };
                1
            }
            _ => 0,
        },
        // SSL_CTRL_GET_CLIENT_CERT_TYPES (SSL_get0_certificate_types): the certificate_types
        // of the server's TLS 1.2 CertificateRequest (none in TLS 1.3), as received.
        103 => match st.ssl.peer_certificate_request() {
            Some(request) => {
                let types = &request.certificate_types;
                if !parg.is_null() {
                    let p = if types.is_empty() {
                        std::ptr::null()
                    } else {
                        types.as_ptr()
                    };
                    // SAFETY: the caller passes a const unsigned char ** to fill; the types
                    // live as long as the connection's handshake state.
                    unsafe { *parg.cast::<*const u8>() = p };
                }
                c_long::try_from(types.len()).unwrap_or(0)
            }
            None => 0,
        },
        // SSL_CTRL_SET_SIGALGS_LIST (SSL_set1_sigalgs_list), as for the context.
        98 => {
            // SAFETY: the caller passes a C string.
            match unsafe { str_arg(parg.cast()) } {
                Some(list) => c_long::from(st.ssl.set1_sigalgs_list(list).is_ok()),
                None => 0,
            }
        }
        // SSL_CTRL_GET_TLSEXT_STATUS_REQ_TYPE.
        127 => match st.ssl.tlsext_status_type() {
            true => crate::ctx::TLSEXT_STATUSTYPE_OCSP,
            false => -1,
        },
        // SSL_CTRL_SET_MSG_CALLBACK_ARG (SSL_set_msg_callback_arg).
        16 => {
            st.msg_cb_arg = parg;
            1
        }
        // Accepted and not acted on (see SSL_CTX_ctrl).
        // SSL_CTRL_SET_MAX_SEND_FRAGMENT, as for the context.
        52 => {
            c_long::from(usize::try_from(larg).is_ok_and(|m| st.ssl.set_max_send_fragment(m) == 1))
        }
        54 | 97 | 101 | 102 | 118 | 125 | 126 => 1,
        _ => 0,
    }
}

/// The SubjectPublicKeyInfo DER before the public share of each group this client offers:
/// X25519 (RFC 8410 §4) and the uncompressed P-256 / P-384 / P-521 points (RFC 5480 §2).
fn spki_prefix(group: NamedGroup) -> Option<&'static [u8]> {
    Some(match group {
        NamedGroup::X25519 => &[
            0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00,
        ],
        NamedGroup::SECP256R1 => &[
            0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06,
            0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
        ],
        NamedGroup::SECP384R1 => &[
            0x30, 0x76, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06,
            0x05, 0x2b, 0x81, 0x04, 0x00, 0x22, 0x03, 0x62, 0x00,
        ],
        NamedGroup::SECP521R1 => &[
            0x30, 0x81, 0x9b, 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
            0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23, 0x03, 0x81, 0x86, 0x00,
        ],
        _ => return None,
    })
}

/// The server's key share as a libcrypto public key (a new reference), or None.
fn tmp_key(group: NamedGroup, share: &[u8]) -> Option<*mut ffi::EVP_PKEY> {
    let der = [spki_prefix(group)?, share].concat();
    let mut p = der.as_ptr();
    let len = c_long::try_from(der.len()).ok()?;
    // SAFETY: `p` points at `len` bytes of DER, read (and advanced) by libcrypto only.
    let key = unsafe { ffi::d2i_PUBKEY(std::ptr::null_mut(), &mut p, len) };
    (!key.is_null()).then_some(key)
}

/// A BIO over `fd` that does not close it (`BIO_new_socket(fd, BIO_NOCLOSE)`).
fn socket_bio(fd: c_int) -> *mut BIO {
    // SAFETY: BIO_new_socket only records the descriptor.
    unsafe { ffi::BIO_new_socket(fd, ffi::BIO_NOCLOSE) }
}

/// The descriptor of the first descriptor BIO in `b`'s chain, or -1.
fn bio_fd(b: *mut BIO) -> c_int {
    if b.is_null() {
        return -1;
    }
    // SAFETY: `b` is a live BIO owned by the object; BIO_find_type walks its chain.
    let d = unsafe { ffi::BIO_find_type(b, ffi::BIO_TYPE_DESCRIPTOR) };
    if d.is_null() {
        return -1;
    }
    let mut fd: c_int = -1;
    // SAFETY: BIO_get_fd(d, &fd) writes one int through the pointer.
    unsafe { ffi::BIO_ctrl(d, ffi::BIO_C_GET_FD, 0, (&mut fd as *mut c_int).cast()) };
    fd
}

/// Whether `b` is a socket BIO over `fd` (so `SSL_set_rfd`/`SSL_set_wfd` can share it).
fn is_socket_for(b: *mut BIO, fd: c_int) -> bool {
    if b.is_null() {
        return false;
    }
    // SAFETY: `b` is a live BIO owned by the object.
    let t = unsafe { ffi::BIO_method_type(b) };
    // SAFETY: as above; BIO_get_fd(b, NULL) returns the descriptor.
    let f = unsafe { ffi::BIO_ctrl(b, ffi::BIO_C_GET_FD, 0, std::ptr::null_mut()) };
    t == ffi::BIO_TYPE_SOCKET && f == c_long::from(fd)
}

entry! {
    /// `SSL_new`: a connection with a copy of the context's settings and a reference to it.
    fn SSL_new(c: *mut SSL_CTX) -> *mut SSL {
        nonnull: [c], fail: std::ptr::null_mut();
        // SAFETY: checked non-null; the caller holds a reference.
        let cref = unsafe { ctx_ref(c) };
        let (mut ssl, mode, depth, cb, quiet, minv, maxv, read_ahead, param, own, msg, more) = {
            let cs = cref.lock();
            (
                oxissl::Ssl::new(&crate::cert::connection_ctx(&cs.ctx, &cs.own, cs.extra_certs)),
                cs.ctx.verify_mode(),
                cs.ctx.verify_depth(),
                cs.verify_cb,
                cs.quiet_shutdown,
                c_long::from(cs.ctx.min_proto_version()),
                c_long::from(cs.ctx.max_proto_version()),
                cs.read_ahead(),
                inherited_param(cs.param),
                cs.own.dup(),
                (cs.msg_cb, cs.msg_cb_arg),
                (cs.method, Stored::of(&cs), cs.padding_arg, cs.cert_cb),
            )
        };
        let anchors = StoreAnchors { ctx: c };
        ssl.set_trust_anchor_source(Arc::new(move || anchors.certificates()));
        cref.up_ref();
        let s = Box::into_raw(Box::new(SSL {
            refs: AtomicUsize::new(1),
            ctx: c,
            state: Mutex::new(SslState {
                ssl,
                rbio: std::ptr::null_mut(),
                wbio: std::ptr::null_mut(),
                sni: None,
                peer_leaf: std::ptr::null_mut(),
                peer_chain: std::ptr::null_mut(),
                peer_ca_names: std::ptr::null_mut(),
                ciphers: crate::cipher::CipherStack::new(),
                verify_mode: mode,
                verify_depth: depth,
                verify_cb: None,
                info_track: Arc::default(),
                verified_by_libcrypto: false,
                info_cb: None,
                info_wanted: false,
                msg_cb: msg.0,
                msg_cb_arg: msg.1,
                min_version: minv,
                max_version: maxv,
                quiet_shutdown: quiet,
                shutdown_flags: 0,
                session: std::ptr::null_mut(),
                read_ahead,
                pending_errno: None,
                new_sessions: std::collections::VecDeque::new(),
                offered_session: false,
                param,
                host: None,
                peername: None,
                own,
                method: more.0,
                ca_lists: crate::ca_list::CaLists::unset(),
                verify_result: None,
                stored: more.1,
                padding_arg: more.2,
                cert_cb: more.3,
            }),
            ex_data: ExData::new(ffi::CRYPTO_EX_INDEX_SSL),
            info_events: Mutex::new(Vec::new()),
            reported_state: Mutex::new(None),
        }));
        // SAFETY: `s` was just allocated.
        let obj = unsafe { &*s };
        obj.ex_data.init(s.cast());
        if cb.is_some() {
            with_ssl(s, "SSL_new", (), |_, st| install_verify(s, st, mode, cb));
        }
        s
    }

    /// `SSL_get_finished`: the verify_data of the Finished this client sent (0 before),
    /// copied up to `count` bytes; its whole length is returned, as in OpenSSL.
    fn SSL_get_finished(s: *const SSL, buf: *mut c_void, count: usize) -> usize {
        nonnull: [s], fail: 0;
        with_ssl(s, "SSL_get_finished", 0, |_, st| copy_out(st.ssl.finished(), buf, count))
    }

    /// `SSL_get_peer_finished`: the same for the server's Finished.
    fn SSL_get_peer_finished(s: *const SSL, buf: *mut c_void, count: usize) -> usize {
        nonnull: [s], fail: 0;
        with_ssl(s, "SSL_get_peer_finished", 0, |_, st| copy_out(st.ssl.peer_finished(), buf, count))
    }

    /// `SSL_up_ref`.
    fn SSL_up_ref(s: *mut SSL) -> c_int {
        nonnull: [s], fail: 0;
        // SAFETY: checked non-null; the caller holds a reference.
        unsafe { ssl_ref(s) }.refs.fetch_add(1, Ordering::AcqRel);
        1
    }

    /// `SSL_free`: drops one reference; at zero frees the BIOs (write, then read), the
    /// certificates handed out and the context reference. Null is a no-op.
    fn SSL_free(s: *mut SSL) -> () {
        nonnull: [], fail: ();
        if s.is_null() {
            return;
        }
        // SAFETY: the caller gives up the reference it holds.
        let obj = unsafe { ssl_ref(s) };
        if obj.refs.fetch_sub(1, Ordering::AcqRel) != 1 {
            return;
        }
        obj.ex_data.free(s.cast());
        // SAFETY: that was the last reference; the box came from Box::into_raw in SSL_new.
        let obj = unsafe { Box::from_raw(s) };
        let ctx = obj.ctx;
        let mut st = obj.state.into_inner().unwrap_or_else(|e| e.into_inner());
        st.free_peer_certs();
        st.set0_wbio(std::ptr::null_mut());
        st.set0_rbio(std::ptr::null_mut());
        // SAFETY: the session slot owns one reference (null accepted); the parameters are
        // owned here (null accepted).
        unsafe {
            crate::session::release(st.session);
            ffi::X509_VERIFY_PARAM_free(st.param);
        }
        drop(st);
        // SAFETY: the object owned one context reference.
        unsafe { SSL_CTX::release(ctx) };
    }

    /// `SSL_get_SSL_CTX`.
    fn SSL_get_SSL_CTX(s: *const SSL) -> *mut SSL_CTX {
        nonnull: [s], fail: std::ptr::null_mut();
        // SAFETY: checked non-null.
        unsafe { ssl_ref(s) }.ctx
    }

    /// `SSL_ctrl`: server name, modes, protocol bounds, groups; 0 for an unknown command.
    fn SSL_ctrl(s: *mut SSL, cmd: c_int, larg: c_long, parg: *mut c_void) -> c_long {
        nonnull: [s], fail: 0;
        with_ssl(s, "SSL_ctrl", 0, |_, st| ssl_ctrl(st, cmd, larg, parg))
    }

    /// `SSL_callback_ctrl`: accepted; callbacks are not called.
    fn SSL_callback_ctrl(s: *mut SSL, cmd: c_int, fp: *const c_void) -> c_long {
        nonnull: [s], fail: 0;
        if cmd == CTRL_SET_MSG_CALLBACK {
            let cb = msg_cb_from(fp);
            with_ssl(s, "SSL_callback_ctrl", (), |_, st| st.msg_cb = cb);
            return 1;
        }
        c_long::from(matches!(cmd, 53 | 56 | 63))
    }

    /// `SSL_set_connect_state`.
    fn SSL_set_connect_state(s: *mut SSL) -> () {
        nonnull: [s], fail: ();
        with_ssl(s, "SSL_set_connect_state", (), |_, st| {
            let used = !st.ssl.in_before();
            let version = version_number(st);
            st.ssl.set_connect_state();
            if used {
                st.forget_connection(version);
            }
        })
    }

    /// `SSL_is_server`: 1 for a server method's connection (which cannot handshake), else 0.
    fn SSL_is_server(s: *const SSL) -> c_int {
        nonnull: [s], fail: 0;
        with_ssl(s, "SSL_is_server", 0, |_, st| {
            // SAFETY: the object's method is one this library handed out.
            c_int::from(unsafe { crate::ctx::method_ref(st.method) }.is_server())
        })
    }

    /// `SSL_set_fd`: one socket BIO (not closing `fd`) for both directions.
    fn SSL_set_fd(s: *mut SSL, fd: c_int) -> c_int {
        nonnull: [s], fail: 0;
        let b = socket_bio(fd);
        if b.is_null() {
            errors::raise_internal("SSL_set_fd", "BIO_new_socket failed");
            return 0;
        }
        // The new BIO's reference plus the one set_bio takes for the second slot: one each.
        with_ssl(s, "SSL_set_fd", 0, |_, st| {
            st.set_bio(b, b);
            1
        })
    }

    /// `SSL_set_rfd`: reuses the write BIO when it is a socket on the same descriptor.
    fn SSL_set_rfd(s: *mut SSL, fd: c_int) -> c_int {
        nonnull: [s], fail: 0;
        with_ssl(s, "SSL_set_rfd", 0, |_, st| {
            if is_socket_for(st.wbio, fd) {
                // SAFETY: the write BIO is live; the read slot takes its own reference.
                unsafe { ffi::BIO_up_ref(st.wbio) };
                let w = st.wbio;
                st.set0_rbio(w);
            } else {
                let b = socket_bio(fd);
                if b.is_null() {
                    return 0;
                }
                st.set0_rbio(b);
            }
            1
        })
    }

    /// `SSL_set_wfd`: reuses the read BIO when it is a socket on the same descriptor.
    fn SSL_set_wfd(s: *mut SSL, fd: c_int) -> c_int {
        nonnull: [s], fail: 0;
        with_ssl(s, "SSL_set_wfd", 0, |_, st| {
            if is_socket_for(st.rbio, fd) {
                // SAFETY: the read BIO is live; the write slot takes its own reference.
                unsafe { ffi::BIO_up_ref(st.rbio) };
                let r = st.rbio;
                st.set0_wbio(r);
            } else {
                let b = socket_bio(fd);
                if b.is_null() {
                    return 0;
                }
                st.set0_wbio(b);
            }
            1
        })
    }

    /// `SSL_get_fd` (= `SSL_get_rfd`): -1 when the read BIO has no descriptor.
    fn SSL_get_fd(s: *const SSL) -> c_int {
        nonnull: [s], fail: -1;
        with_ssl(s, "SSL_get_fd", -1, |_, st| bio_fd(st.rbio))
    }

    /// `SSL_get_rfd`.
    fn SSL_get_rfd(s: *const SSL) -> c_int {
        nonnull: [s], fail: -1;
        with_ssl(s, "SSL_get_rfd", -1, |_, st| bio_fd(st.rbio))
    }

    /// `SSL_get_wfd`.
    fn SSL_get_wfd(s: *const SSL) -> c_int {
        nonnull: [s], fail: -1;
        with_ssl(s, "SSL_get_wfd", -1, |_, st| bio_fd(st.wbio))
    }

    /// `SSL_set_bio`: takes over the references per SSL_set_bio(3).
    fn SSL_set_bio(s: *mut SSL, rbio: *mut BIO, wbio: *mut BIO) -> () {
        nonnull: [s], fail: ();
        with_ssl(s, "SSL_set_bio", (), |_, st| st.set_bio(rbio, wbio))
    }

    /// `SSL_set0_rbio`: takes over one reference.
    fn SSL_set0_rbio(s: *mut SSL, rbio: *mut BIO) -> () {
        nonnull: [s], fail: ();
        with_ssl(s, "SSL_set0_rbio", (), |_, st| st.set0_rbio(rbio))
    }

    /// `SSL_set0_wbio`: takes over one reference.
    fn SSL_set0_wbio(s: *mut SSL, wbio: *mut BIO) -> () {
        nonnull: [s], fail: ();
        with_ssl(s, "SSL_set0_wbio", (), |_, st| st.set0_wbio(wbio))
    }

    /// `SSL_get_rbio`: borrowed.
    fn SSL_get_rbio(s: *const SSL) -> *mut BIO {
        nonnull: [s], fail: std::ptr::null_mut();
        with_ssl(s, "SSL_get_rbio", std::ptr::null_mut(), |_, st| st.rbio)
    }

    /// `SSL_get_wbio`: borrowed.
    fn SSL_get_wbio(s: *const SSL) -> *mut BIO {
        nonnull: [s], fail: std::ptr::null_mut();
        with_ssl(s, "SSL_get_wbio", std::ptr::null_mut(), |_, st| st.wbio)
    }

    /// `SSL_set1_host`: the name (DNS or IP) the certificate must match; null clears nothing
    /// and succeeds.
    fn SSL_set1_host(s: *mut SSL, host: *const c_char) -> c_int {
        nonnull: [s], fail: 0;
        if host.is_null() {
            return 1;
        }
        let h_ptr = host;
        // SAFETY: a C string from the caller.
        let host = unsafe { str_arg(host) };
        with_ssl(s, "SSL_set1_host", 0, |_, st| {
            let ok = host.is_some_and(|h| st.ssl.set1_host(h));
            if ok {
                st.host = host.map(str::to_owned);
            }
            if ok && !st.param.is_null() {
                // OpenSSL keeps the name in the parameters: the last writer wins.
                // SAFETY: a live parameter object owned by `st`; `h` is the caller's C string.
                unsafe { ffi::X509_VERIFY_PARAM_set1_host(st.param, h_ptr, 0) };
            }
            c_int::from(ok)
        })
    }

    /// `SSL_get0_param`: the object's verification parameters (borrowed), inherited from the
    /// context's when it has them. A host or IP address set on them is checked by the
    /// handshake.
    fn SSL_get0_param(s: *mut SSL) -> *mut ffi::X509_VERIFY_PARAM {
        nonnull: [s], fail: std::ptr::null_mut();
        // SAFETY: checked non-null; the caller holds a reference.
        let ctx = unsafe { ssl_ref(s) }.ctx;
        // SAFETY: the object holds a reference to its context. (The context's lock is let go
        // before the object's is taken.)
        let ctx_param = unsafe { ctx_ref(ctx) }.lock().param;
        with_ssl(s, "SSL_get0_param", std::ptr::null_mut(), |_, st| {
            if st.param.is_null() {
                st.param = inherited_param(ctx_param);
                if st.param.is_null() {
                    // SAFETY: no preconditions; null means out of memory.
                    st.param = unsafe { ffi::X509_VERIFY_PARAM_new() };
                }
            }
            st.param
        })
    }

    /// `SSL_add1_host`: one expected name is supported; it replaces the previous one.
    fn SSL_add1_host(s: *mut SSL, host: *const c_char) -> c_int {
        nonnull: [s], fail: 0;
        // SAFETY: forwarding the caller's arguments.
        unsafe { SSL_set1_host(s, host) }
    }

    /// `SSL_set_hostflags`: accepted (wildcard handling is webpki's).
    fn SSL_set_hostflags(s: *mut SSL, flags: c_uint) -> () {
        nonnull: [s], fail: ();
        let _ = flags;
    }

    /// `SSL_set_verify`.
    fn SSL_set_verify(s: *mut SSL, mode: c_int, cb: Option<VerifyCb>) -> () {
        nonnull: [s], fail: ();
        with_ssl(s, "SSL_set_verify", (), |_, st| install_verify(s, st, mode, cb))
    }

    /// `SSL_set_verify_depth`.
    fn SSL_set_verify_depth(s: *mut SSL, depth: c_int) -> () {
        nonnull: [s], fail: ();
        with_ssl(s, "SSL_set_verify_depth", (), |_, st| {
            st.verify_depth = depth;
            st.ssl.set_verify_depth(depth);
        })
    }

    /// `SSL_get_verify_mode`.
    fn SSL_get_verify_mode(s: *const SSL) -> c_int {
        nonnull: [s], fail: 0;
        with_ssl(s, "SSL_get_verify_mode", 0, |_, st| st.verify_mode)
    }

    /// `SSL_get_verify_depth`.
    fn SSL_get_verify_depth(s: *const SSL) -> c_int {
        nonnull: [s], fail: -1;
        with_ssl(s, "SSL_get_verify_depth", -1, |_, st| st.verify_depth)
    }

    /// `SSL_get_verify_callback`.
    fn SSL_get_verify_callback(s: *const SSL) -> Option<VerifyCb> {
        nonnull: [s], fail: None;
        with_ssl(s, "SSL_get_verify_callback", None, |_, st| st.verify_cb)
    }

    /// `SSL_set_options`: returns the new mask.
    fn SSL_set_options(s: *mut SSL, op: u64) -> u64 {
        nonnull: [s], fail: 0;
        with_ssl(s, "SSL_set_options", 0, |_, st| st.ssl.set_options(op))
    }

    /// `SSL_clear_options`: returns the new mask.
    fn SSL_clear_options(s: *mut SSL, op: u64) -> u64 {
        nonnull: [s], fail: 0;
        with_ssl(s, "SSL_clear_options", 0, |_, st| st.ssl.clear_options(op))
    }

    /// `SSL_get_options`.
    fn SSL_get_options(s: *const SSL) -> u64 {
        nonnull: [s], fail: 0;
        with_ssl(s, "SSL_get_options", 0, |_, st| st.ssl.options())
    }

    /// `SSL_set_alpn_protos`: **0** on success, 1 on a malformed list.
    fn SSL_set_alpn_protos(s: *mut SSL, protos: *const u8, len: c_uint) -> c_int {
        nonnull: [s], fail: 1;
        // SAFETY: `protos` has `len` bytes per the API.
        let wire = unsafe { bytes_arg(protos, len as usize) };
        with_ssl(s, "SSL_set_alpn_protos", 1, |_, st| st.ssl.set_alpn_protos(wire))
    }

    /// `SSL_set_cipher_list`.
    fn SSL_set_cipher_list(s: *mut SSL, list: *const c_char) -> c_int {
        nonnull: [s, list], fail: 0;
        // SAFETY: checked non-null; a C string from the caller.
        let list = unsafe { str_arg(list) }.unwrap_or("");
        with_ssl(s, "SSL_set_cipher_list", 0, |_, st| {
            // @SECLEVEL=n sets the level as OpenSSL reads it, whatever else the list holds.
            if let Some(level) = oxissl::ctx::cipher_string_security_level(list) {
                st.stored.security_level = level;
            }
            c_int::from(st.ssl.set_cipher_list(list).is_ok())
        })
    }

    /// `SSL_set_ciphersuites`.
    fn SSL_set_ciphersuites(s: *mut SSL, list: *const c_char) -> c_int {
        nonnull: [s, list], fail: 0;
        // SAFETY: checked non-null; a C string from the caller.
        let list = unsafe { str_arg(list) }.unwrap_or("");
        with_ssl(s, "SSL_set_ciphersuites", 0, |_, st| {
            c_int::from(st.ssl.set_ciphersuites(list).is_ok())
        })
    }

    /// `SSL_set_ex_data`.
    fn SSL_set_ex_data(s: *mut SSL, idx: c_int, arg: *mut c_void) -> c_int {
        nonnull: [s], fail: 0;
        // SAFETY: checked non-null.
        unsafe { ssl_ref(s) }.ex_data.set(idx, arg)
    }

    /// `SSL_get_ex_data`.
    fn SSL_get_ex_data(s: *const SSL, idx: c_int) -> *mut c_void {
        nonnull: [s], fail: std::ptr::null_mut();
        // SAFETY: checked non-null.
        unsafe { ssl_ref(s) }.ex_data.get(idx)
    }

    /// `SSL_set_quiet_shutdown`.
    fn SSL_set_quiet_shutdown(s: *mut SSL, mode: c_int) -> () {
        nonnull: [s], fail: ();
        with_ssl(s, "SSL_set_quiet_shutdown", (), |_, st| st.quiet_shutdown = mode != 0)
    }

    /// `SSL_get_quiet_shutdown`.
    fn SSL_get_quiet_shutdown(s: *const SSL) -> c_int {
        nonnull: [s], fail: 0;
        with_ssl(s, "SSL_get_quiet_shutdown", 0, |_, st| c_int::from(st.quiet_shutdown))
    }

    /// `SSL_set_shutdown`: records `SSL_SENT_SHUTDOWN`/`SSL_RECEIVED_SHUTDOWN` as if done.
    fn SSL_set_shutdown(s: *mut SSL, mode: c_int) -> () {
        nonnull: [s], fail: ();
        with_ssl(s, "SSL_set_shutdown", (), |_, st| st.shutdown_flags = mode & 3)
    }

    /// `SSL_get_shutdown`.
    fn SSL_get_shutdown(s: *const SSL) -> c_int {
        nonnull: [s], fail: 0;
        with_ssl(s, "SSL_get_shutdown", 0, |_, st| st.shutdown_flags | st.ssl.get_shutdown())
    }

    /// `SSL_set_read_ahead`: read as much as the BIO has instead of one record at a time.
    fn SSL_set_read_ahead(s: *mut SSL, yes: c_int) -> () {
        nonnull: [s], fail: ();
        with_ssl(s, "SSL_set_read_ahead", (), |_, st| {
            st.ssl.set_read_ahead(yes != 0);
            st.read_ahead = c_long::from(yes);
        })
    }

    /// `SSL_get_read_ahead`.
    fn SSL_get_read_ahead(s: *const SSL) -> c_int {
        nonnull: [s], fail: 0;
        with_ssl(s, "SSL_get_read_ahead", 0, |_, st| c_int::from(st.read_ahead != 0))
    }

    /// `SSL_set_msg_callback`: accepted; not called.
    fn SSL_set_msg_callback(s: *mut SSL, cb: Option<MsgCb>) -> () {
        nonnull: [s], fail: ();
        with_ssl(s, "SSL_set_msg_callback", (), |_, st| st.msg_cb = cb)
    }

    /// `SSL_set_info_callback`: this connection's info callback, in place of its context's
    /// (see `SSL_CTX_set_info_callback` for what is reported).
    fn SSL_set_info_callback(s: *mut SSL, cb: Option<InfoCb>) -> () {
        nonnull: [s], fail: ();
        with_ssl(s, "SSL_set_info_callback", (), |_, st| st.info_cb = cb)
    }

    /// `SSL_get_info_callback`.
    fn SSL_get_info_callback(s: *const SSL) -> Option<InfoCb> {
        nonnull: [s], fail: None;
        with_ssl(s, "SSL_get_info_callback", None, |_, st| st.info_cb)
    }

    /// `SSL_get_ssl_method`: the context's method at `SSL_new`, or as set.
    fn SSL_get_ssl_method(s: *const SSL) -> *const SSL_METHOD {
        nonnull: [s], fail: std::ptr::null();
        with_ssl(s, "SSL_get_ssl_method", std::ptr::null(), |_, st| st.method)
    }

    /// `SSL_set_ssl_method`: 1; a method `SSL_CTX_new` refuses (server, TLS 1.0/1.1, DTLS) is
    /// refused (0, the reason queued) and the connection keeps its method.
    fn SSL_set_ssl_method(s: *mut SSL, method: *const SSL_METHOD) -> c_int {
        nonnull: [s, method], fail: 0;
        // SAFETY: checked non-null; one of this library's methods.
        if !usable_method("SSL_set_ssl_method", unsafe { method_ref(method) }) {
            return 0;
        }
        with_ssl(s, "SSL_set_ssl_method", 0, |_, st| {
            apply_method(st, method);
            1
        })
    }

    /// `SSL_client_version`: the method's version before the ClientHello is made
    /// (`TLS_ANY_VERSION` for `TLS_client_method`), then its legacy_version, TLS 1.2 (RFC 8446
    /// §4.1.2; this client offers no lower version).
    fn SSL_client_version(s: *const SSL) -> c_int {
        nonnull: [s], fail: 0;
        with_ssl(s, "SSL_client_version", 0, |_, st| {
            if st.ssl.in_before() {
                // SAFETY: one of this library's methods.
                unsafe { method_ref(st.method) }.version()
            } else {
                0x0303
            }
        })
    }

    /// `SSL_get_default_timeout`: 7200 seconds, OpenSSL's for TLS.
    fn SSL_get_default_timeout(s: *const SSL) -> c_long {
        nonnull: [s], fail: 0;
        7200
    }

    /// `SSL_set_verify_result`: what `SSL_get_verify_result` reports until the next handshake
    /// starts (which verifies anew) or `SSL_clear`.
    fn SSL_set_verify_result(s: *mut SSL, v: c_long) -> () {
        nonnull: [s], fail: ();
        with_ssl(s, "SSL_set_verify_result", (), |_, st| st.verify_result = Some(v))
    }

    /// `SSL_set1_param`: copies the parameters set in `vpm` into the object's own (those
    /// `SSL_get0_param` exposes); a host or IP address among them is checked by the handshake.
    fn SSL_set1_param(s: *mut SSL, vpm: *mut ffi::X509_VERIFY_PARAM) -> c_int {
        nonnull: [s, vpm], fail: 0;
        // SAFETY: checked non-null; makes the object's parameters as SSL_get0_param does.
        let own = unsafe { SSL_get0_param(s) };
        if own.is_null() {
            return 0;
        }
        // SAFETY: two live parameter objects (the caller's is only read).
        unsafe { ffi::X509_VERIFY_PARAM_set1(own, vpm) }
    }

    /// `SSL_set_purpose`: set on the object's verification parameters (libcrypto checks the
    /// value); the server's certificate is always checked for TLS server use.
    fn SSL_set_purpose(s: *mut SSL, purpose: c_int) -> c_int {
        nonnull: [s], fail: 0;
        with_ssl(s, "SSL_set_purpose", 0, |_, st| {
            // SAFETY: the object's parameters, made if needed.
            with_param(&mut st.param, |p| unsafe { ffi::X509_VERIFY_PARAM_set_purpose(p, purpose) })
        })
    }

    /// `SSL_set_trust`: set on the object's verification parameters.
    fn SSL_set_trust(s: *mut SSL, trust: c_int) -> c_int {
        nonnull: [s], fail: 0;
        with_ssl(s, "SSL_set_trust", 0, |_, st| {
            // SAFETY: as for SSL_set_purpose.
            with_param(&mut st.param, |p| unsafe { ffi::X509_VERIFY_PARAM_set_trust(p, trust) })
        })
    }

    /// `SSL_set_post_handshake_auth`: as `SSL_CTX_set_post_handshake_auth`, for the
    /// connection's next handshake.
    fn SSL_set_post_handshake_auth(s: *mut SSL, val: c_int) -> () {
        nonnull: [s], fail: ();
        with_ssl(s, "SSL_set_post_handshake_auth", (), |_, st| {
            st.ssl.set_post_handshake_auth(val != 0)
        })
    }

    /// `SSL_set_security_level`: stored and reported back (the context's at `SSL_new`).
    fn SSL_set_security_level(s: *mut SSL, level: c_int) -> () {
        nonnull: [s], fail: ();
        with_ssl(s, "SSL_set_security_level", (), |_, st| st.stored.security_level = level)
    }

    /// `SSL_get_security_level`.
    fn SSL_get_security_level(s: *const SSL) -> c_int {
        nonnull: [s], fail: 0;
        with_ssl(s, "SSL_get_security_level", 0, |_, st| st.stored.security_level)
    }

    /// `SSL_set_security_callback`: stored and reported back; not called.
    fn SSL_set_security_callback(s: *mut SSL, cb: Option<SecurityCb>) -> () {
        nonnull: [s], fail: ();
        with_ssl(s, "SSL_set_security_callback", (), |_, st| st.stored.security_cb = cb)
    }

    /// `SSL_get_security_callback`.
    fn SSL_get_security_callback(s: *const SSL) -> Option<SecurityCb> {
        nonnull: [s], fail: None;
        with_ssl(s, "SSL_get_security_callback", None, |_, st| st.stored.security_cb)
    }

    /// `SSL_set0_security_ex_data`: stored.
    fn SSL_set0_security_ex_data(s: *mut SSL, ex: *mut c_void) -> () {
        nonnull: [s], fail: ();
        with_ssl(s, "SSL_set0_security_ex_data", (), |_, st| st.stored.security_ex = ex)
    }

    /// `SSL_get0_security_ex_data`.
    fn SSL_get0_security_ex_data(s: *const SSL) -> *mut c_void {
        nonnull: [s], fail: std::ptr::null_mut();
        with_ssl(s, "SSL_get0_security_ex_data", std::ptr::null_mut(), |_, st| st.stored.security_ex)
    }

    /// `SSL_set_num_tickets`: a server setting (a client sends no tickets); stored.
    fn SSL_set_num_tickets(s: *mut SSL, n: usize) -> c_int {
        nonnull: [s], fail: 0;
        with_ssl(s, "SSL_set_num_tickets", 0, |_, st| {
            st.stored.num_tickets = n;
            1
        })
    }

    /// `SSL_get_num_tickets` (the context's at `SSL_new`, 2 by default).
    fn SSL_get_num_tickets(s: *const SSL) -> usize {
        nonnull: [s], fail: 0;
        with_ssl(s, "SSL_get_num_tickets", 0, |_, st| st.stored.num_tickets)
    }

    /// `SSL_set_max_early_data`: a server setting; stored.
    fn SSL_set_max_early_data(s: *mut SSL, max: u32) -> c_int {
        nonnull: [s], fail: 0;
        with_ssl(s, "SSL_set_max_early_data", 0, |_, st| {
            st.stored.max_early_data = max;
            1
        })
    }

    /// `SSL_get_max_early_data` (0 by default).
    fn SSL_get_max_early_data(s: *const SSL) -> u32 {
        nonnull: [s], fail: 0;
        with_ssl(s, "SSL_get_max_early_data", 0, |_, st| st.stored.max_early_data)
    }

    /// `SSL_set_recv_max_early_data`: a server setting; stored.
    fn SSL_set_recv_max_early_data(s: *mut SSL, max: u32) -> c_int {
        nonnull: [s], fail: 0;
        with_ssl(s, "SSL_set_recv_max_early_data", 0, |_, st| {
            st.stored.recv_max_early_data = max;
            1
        })
    }

    /// `SSL_get_recv_max_early_data` (16384 by default).
    fn SSL_get_recv_max_early_data(s: *const SSL) -> u32 {
        nonnull: [s], fail: 0;
        with_ssl(s, "SSL_get_recv_max_early_data", 0, |_, st| st.stored.recv_max_early_data)
    }

    /// `SSL_alloc_buffers`: 1 (oxissl allocates its buffers as it needs them).
    fn SSL_alloc_buffers(s: *mut SSL) -> c_int {
        nonnull: [s], fail: 0;
        1
    }

    /// `SSL_free_buffers`: 1 (oxissl releases idle buffers itself).
    fn SSL_free_buffers(s: *mut SSL) -> c_int {
        nonnull: [s], fail: 0;
        1
    }

    /// `SSL_set_default_read_buffer_len`: accepted (buffers are sized by this library).
    fn SSL_set_default_read_buffer_len(s: *mut SSL, len: usize) -> () {
        nonnull: [s], fail: ();
        let _ = len;
    }
}

/// `SSL_version`'s value, as OpenSSL 3.0 keeps it: the negotiated version; before it, once
/// a ClientHello is out, the highest version offered; before that, the method's (TLS 1.3 for
/// the version-flexible methods, the version of a version-specific one).
pub fn version_number(st: &SslState) -> c_int {
    match (st.ssl.version_number(), st.ssl.offered_version_max()) {
        (0, 0) => {
            // SAFETY: the object's method is one this library handed out.
            let method = unsafe { crate::ctx::method_ref(st.method) };
            method.pinned().map_or(TLS1_3_VERSION, c_int::from)
        }
        (0, v) | (v, _) => c_int::from(v),
    }
}
