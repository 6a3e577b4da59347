//! `SSL_SESSION`: a refcounted handle around what `oxissl::Ssl::get1_session` returns: a TLS
//! 1.3 ticket (RFC 8446 §4.6.1), or a TLS 1.2 session id (RFC 5246 §7.3) and, unless
//! `SSL_OP_NO_TICKET`, an RFC 5077 ticket, with its secret, the server's chain and the original
//! verification result. `SSL_set_session` offers it in the next handshake (SSL_set_session(3));
//! `SSL_session_reused` says whether the server accepted it. As in OpenSSL, a client never
//! resumes by itself, whatever `SSL_CTX_set_session_cache_mode` says: programs keep sessions
//! from `SSL_get1_session`, or from the new-session callback (`SSL_CTX_sess_set_new_cb`), which
//! is called with `SSL_SESS_CACHE_CLIENT` for each TLS 1.3 ticket and each full TLS 1.2
//! handshake.

#![allow(non_camel_case_types)]

use std::ffi::CString;
use std::ffi::{c_char, c_int, c_long, c_uint, c_ulong, c_void};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicPtr, AtomicUsize, Ordering};
use std::sync::Mutex;

use oxissl::TLS1_3_VERSION;
use oxissl_engine::StoredSession;

use crate::ctx::SSL_SESS_CACHE_CLIENT;
use crate::entry::{copy_out, entry};
use crate::exdata::ExData;
use crate::ffi::{self, X509};
use crate::ssl::{with_ssl, SslState, SSL};

/// `SSL_CTX_sess_set_new_cb`'s callback: 1 when it keeps the reference it was given.
pub type NewSessionCb = unsafe extern "C" fn(*mut SSL, *mut SSL_SESSION) -> c_int;

/// `SSL_SESSION`.
pub struct SSL_SESSION {
    refs: AtomicUsize,
    version: c_int,
    stored: Option<StoredSession>,
    /// OpenSSL's `not_resumable`: set when a client cache retires a used TLS 1.3 session.
    not_resumable: AtomicBool,
    /// What the `SSL_SESSION_set1_*` calls change (borrowed out by the `get0` getters, valid
    /// until the next change, as in OpenSSL).
    extras: Mutex<Extras>,
    /// `SSL_SESSION_set_ex_data` / `get_ex_data`.
    ex_data: ExData,
    /// `SSL_SESSION_get_time` / `set_time` (seconds since the epoch).
    time: AtomicI64,
    /// `SSL_SESSION_get_timeout` / `set_timeout` (seconds).
    timeout: AtomicI64,
    /// `SSL_SESSION_get0_peer`: the leaf as a libcrypto object, made on first request (one
    /// reference, freed with the session).
    peer: AtomicPtr<X509>,
}

/// A session's fields the program may set.
#[derive(Clone, Default)]
struct Extras {
    /// `SSL_SESSION_get_id`: the TLS 1.2 session id, or, for a session with a ticket, the
    /// SHA-256 of the ticket, which OpenSSL uses as the id (its `tls_process_new_session_ticket`).
    id: Vec<u8>,
    /// `SSL_SESSION_set1_id_context` (a server's scope; empty for a client's sessions).
    id_context: Vec<u8>,
    /// `SSL_SESSION_set1_hostname` (none for a client's own sessions, as in OpenSSL 3.0).
    hostname: Option<CString>,
    /// The protocol ALPN selected in the session's handshake, or as set.
    alpn: Vec<u8>,
    /// `SSL_SESSION_set1_ticket_appdata` (a server's data in its tickets).
    ticket_appdata: Vec<u8>,
    /// `SSL_SESSION_set_max_early_data` (0: the server allowed no early data).
    max_early_data: u32,
    /// The maximum fragment length mode the session's handshake agreed on (0: none).
    max_fragment_length: u8,
}

impl SSL_SESSION {
    fn extras(&self) -> std::sync::MutexGuard<'_, Extras> {
        self.extras
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// `SSL_SESSION_is_resumable`: it holds a ticket or session id and was not retired.
    fn is_resumable(&self) -> bool {
        self.stored.is_some() && !self.not_resumable.load(Ordering::Acquire)
    }
}

/// A new session (one reference) for a connection that negotiated `version`.
pub fn new_session(version: c_int, stored: Option<StoredSession>) -> *mut SSL_SESSION {
    let id = stored
        .as_ref()
        .map_or_else(Vec::new, oxissl::session_codec::session_id);
    let time = stored.as_ref().map_or(0, |s| {
        i64::try_from(s.received.as_secs()).unwrap_or(i64::MAX)
    });
    let timeout = stored.as_ref().map_or(0, |s| i64::from(s.lifetime));
    let extras = Extras {
        id,
        ..Extras::default()
    };
    boxed(SSL_SESSION {
        refs: AtomicUsize::new(1),
        version,
        stored,
        not_resumable: AtomicBool::new(false),
        extras: Mutex::new(extras),
        ex_data: ExData::new(ffi::CRYPTO_EX_INDEX_SSL_SESSION),
        time: AtomicI64::new(time),
        timeout: AtomicI64::new(timeout),
        peer: AtomicPtr::new(std::ptr::null_mut()),
    })
}

/// Boxes a session and sets up its ex_data at its final address.
fn boxed(sess: SSL_SESSION) -> *mut SSL_SESSION {
    let p = Box::into_raw(Box::new(sess));
    sess_ref(p).ex_data.init(p.cast());
    p
}

/// A new session (one reference) for the connection's current handshake: with the protocol
/// ALPN selected, which OpenSSL keeps in a client's sessions.
fn connection_session(st: &SslState, stored: Option<StoredSession>) -> *mut SSL_SESSION {
    let p = new_session(crate::ssl::version_number(st), stored);
    let mut extras = sess_ref(p).extras();
    if let Some(alpn) = st.ssl.get0_alpn_selected() {
        extras.alpn = alpn.to_vec();
    }
    extras.max_fragment_length = st.ssl.max_fragment_length();
    drop(extras);
    p
}

/// `SSL_SESSION_get_max_fragment_length`'s value.
pub fn max_fragment_length(p: *const SSL_SESSION) -> u8 {
    sess_ref(p).extras().max_fragment_length
}

/// `SSL_SESSION_dup`'s copy: the same session and settings, a fresh reference count and
/// not-yet-made peer certificate, and the ex_data duplicated through libcrypto.
fn duplicate(from: &SSL_SESSION) -> *mut SSL_SESSION {
    let p = boxed(SSL_SESSION {
        refs: AtomicUsize::new(1),
        version: from.version,
        stored: from.stored.clone(),
        not_resumable: AtomicBool::new(from.not_resumable.load(Ordering::Acquire)),
        extras: Mutex::new(from.extras().clone()),
        ex_data: ExData::new(ffi::CRYPTO_EX_INDEX_SSL_SESSION),
        time: AtomicI64::new(from.time.load(Ordering::Acquire)),
        timeout: AtomicI64::new(from.timeout.load(Ordering::Acquire)),
        peer: AtomicPtr::new(std::ptr::null_mut()),
    });
    if !sess_ref(p).ex_data.dup_from(&from.ex_data) {
        // SAFETY: the only reference, just made.
        unsafe { release(p) };
        return std::ptr::null_mut();
    }
    p
}

/// The session's id, for the context's session store (which only removes sessions with one).
pub fn has_id(p: *const SSL_SESSION) -> bool {
    !sess_ref(p).extras().id.is_empty()
}

/// Whether the session's time plus timeout is before `t` (OpenSSL's `sess_timedout`).
pub fn timed_out_at(p: *const SSL_SESSION, t: i64) -> bool {
    let s = sess_ref(p);
    let end = s
        .time
        .load(Ordering::Acquire)
        .saturating_add(s.timeout.load(Ordering::Acquire));
    t > end
}

/// Marks a session not resumable, as OpenSSL does when its cache removes it.
pub fn retire(p: *const SSL_SESSION) {
    sess_ref(p).not_resumable.store(true, Ordering::Release);
}

/// Copies `len` bytes at `p` (null: none) as the new value of a byte field.
fn bytes_in(p: *const u8, len: usize) -> Vec<u8> {
    // SAFETY: the caller passes `len` readable bytes at `p` (null only with nothing to copy).
    unsafe { crate::entry::bytes_arg(p, len) }.to_vec()
}

/// A C `long` as `i64` (the same type on LP64 targets, wider elsewhere).
#[allow(clippy::useless_conversion)]
fn long(v: c_long) -> i64 {
    i64::from(v)
}

/// What `i2d_SSL_SESSION` encodes: the session with the time and timeout the program may have
/// set; None when the object holds no session.
pub fn session_to_encode(p: *const SSL_SESSION) -> Option<StoredSession> {
    offered(sess_ref(p))
}

/// Borrows a session from a C pointer the entry macro checked.
fn sess_ref<'a>(p: *const SSL_SESSION) -> &'a SSL_SESSION {
    // SAFETY: callers pass a non-null pointer to a live session.
    unsafe { &*p }
}

/// The session as it is offered again: with the time and timeout the program may have set.
pub fn offered(sess: &SSL_SESSION) -> Option<StoredSession> {
    let mut s = sess.stored.clone()?;
    let time = u64::try_from(sess.time.load(Ordering::Acquire)).unwrap_or(0);
    s.received = oxissl_engine::UnixTime::since_unix_epoch(std::time::Duration::from_secs(time));
    s.lifetime = u32::try_from(sess.timeout.load(Ordering::Acquire)).unwrap_or(0);
    Some(s)
}

/// Drops one reference (null is a no-op).
///
/// # Safety
/// `p` is null or came from [`new_session`], and the caller owns the reference it drops.
pub unsafe fn release(p: *mut SSL_SESSION) {
    if p.is_null() {
        return;
    }
    // SAFETY: live until the last reference is dropped.
    if unsafe { &*p }.refs.fetch_sub(1, Ordering::AcqRel) == 1 {
        sess_ref(p).ex_data.free(p.cast());
        // SAFETY: that was the last reference; the box came from Box::into_raw.
        let b = unsafe { Box::from_raw(p) };
        // SAFETY: the peer slot owns one reference (null accepted).
        unsafe { ffi::X509_free(b.peer.load(Ordering::Acquire)) };
    }
}

/// Takes one more reference to a live session.
pub fn up_ref(p: *mut SSL_SESSION) {
    // SAFETY: callers pass a live session.
    unsafe { &*p }.refs.fetch_add(1, Ordering::AcqRel);
}

/// The object's current session (owned by the object): made after the handshake from the
/// newest ticket or TLS 1.2 session, and made again when a newer one has arrived since. A
/// resumed TLS 1.2 connection that got no new ticket keeps the offered object, as in OpenSSL.
fn session_of(s: *const SSL) -> *mut SSL_SESSION {
    with_ssl(s, "SSL_get_session", std::ptr::null_mut(), |_, st| {
        // While sessions wait for the new-session callback, the one being announced stays
        // current, as in OpenSSL.
        if !st.ssl.is_init_finished() || !st.new_sessions.is_empty() {
            return st.session;
        }
        let stored = st.ssl.get1_session();
        // SAFETY: the object's session slot holds a live reference when non-null.
        let current = (!st.session.is_null()).then(|| unsafe { &*st.session });
        let same = match (current.and_then(|c| c.stored.as_ref()), stored.as_ref()) {
            (Some(a), Some(b)) => a.same_resumption(b),
            (None, None) => current.is_some(),
            _ => false,
        };
        if !same {
            let fresh = connection_session(st, stored);
            // SAFETY: the slot owned one reference to the session it replaces.
            unsafe { release(std::mem::replace(&mut st.session, fresh)) };
        }
        st.session
    })
}

/// After the object was reset for another connection: its session (`SSL_get_session`) becomes
/// the one the next handshake offers, or none.
pub fn follow_offered(st: &mut SslState, version: c_int) {
    let offered = st.ssl.get1_session();
    // SAFETY: the object's session slot holds a live reference when non-null.
    let current = (!st.session.is_null()).then(|| unsafe { &*st.session });
    let same = match (current.and_then(|c| c.stored.as_ref()), offered.as_ref()) {
        (Some(a), Some(b)) => a.same_resumption(b),
        _ => false,
    };
    if !same {
        let fresh = match offered {
            Some(stored) => new_session(version, Some(stored)),
            None => std::ptr::null_mut(),
        };
        // SAFETY: the slot owned one reference to the session it replaces.
        unsafe { release(std::mem::replace(&mut st.session, fresh)) };
    }
}

/// After a handshake or data call: hands each session it established to the context's
/// new-session callback (SSL_CTX_sess_set_new_cb(3)), oldest first. Each becomes the object's
/// current session (`SSL_get_session`), as in OpenSSL, and the callback gets one reference of
/// its own, which it keeps by returning 1. The object is not locked while the callback runs, so
/// the callback may call back into it.
pub fn announce_new_sessions(s: *mut SSL) {
    loop {
        let next = with_ssl(s, "SSL_CTX_sess_set_new_cb", None, |obj, st| {
            let stored = st.new_sessions.pop_front()?;
            // SAFETY: the object holds a reference to its context.
            let cb = unsafe { crate::ctx::ctx_ref(obj.ctx) }
                .lock()
                .new_session_cb?;
            let fresh = connection_session(st, Some(stored));
            // SAFETY: the slot owned one reference to the session it replaces.
            unsafe { release(std::mem::replace(&mut st.session, fresh)) };
            up_ref(fresh);
            Some((cb, fresh))
        });
        let Some((cb, sess)) = next else {
            return;
        };
        // SAFETY: the program's callback, given a live object and a session reference it owns.
        if unsafe { cb(s, sess) } == 0 {
            // SAFETY: the callback declined the reference it was given.
            unsafe { release(sess) };
        }
    }
}

/// At the end of a client handshake: with `SSL_SESS_CACHE_CLIENT`, OpenSSL removes a resumed
/// TLS 1.3 session from the cache, which makes it not resumable (RFC 8446 §C.4: a ticket is
/// used once); a later `SSL_set_session` with it gives a full handshake.
pub fn handshake_finished(st: &SslState, cache_mode: i64) {
    if cache_mode & SSL_SESS_CACHE_CLIENT == 0
        || st.session.is_null()
        || !st.ssl.session_reused()
        || st.ssl.version_number() != TLS1_3_VERSION
    {
        return;
    }
    // SAFETY: the object's session slot holds a live reference when non-null.
    unsafe { &*st.session }
        .not_resumable
        .store(true, Ordering::Release);
}

entry! {
    /// `SSL_get_session` (`SSL_get0_session`): borrowed; null before the handshake.
    fn SSL_get_session(s: *const SSL) -> *mut SSL_SESSION {
        nonnull: [s], fail: std::ptr::null_mut();
        session_of(s)
    }

    /// `SSL_get1_session`: a new reference; null before the handshake.
    fn SSL_get1_session(s: *mut SSL) -> *mut SSL_SESSION {
        nonnull: [s], fail: std::ptr::null_mut();
        let p = session_of(s);
        if !p.is_null() {
            up_ref(p);
        }
        p
    }

    /// `SSL_set_session`: the session to offer for resumption (a new reference is kept). A
    /// session that is not resumable is kept but not offered: the handshake is a full one.
    fn SSL_set_session(s: *mut SSL, sess: *mut SSL_SESSION) -> c_int {
        nonnull: [s], fail: 0;
        let stored = if sess.is_null() {
            None
        } else {
            up_ref(sess);
            // SAFETY: a live session from the caller.
            let sess = unsafe { &*sess };
            sess.is_resumable().then(|| offered(sess)).flatten()
        };
        let old = with_ssl(s, "SSL_set_session", sess, |_, st| {
            st.ssl.set_session(stored);
            std::mem::replace(&mut st.session, sess)
        });
        // SAFETY: the slot owned one reference to the previous session.
        unsafe { release(old) };
        1
    }

    /// `SSL_session_reused`: 1 when the server accepted the offered session.
    fn SSL_session_reused(s: *const SSL) -> c_int {
        nonnull: [s], fail: 0;
        with_ssl(s, "SSL_session_reused", 0, |_, st| c_int::from(st.ssl.session_reused()))
    }

    /// `SSL_SESSION_free`.
    fn SSL_SESSION_free(sess: *mut SSL_SESSION) -> () {
        nonnull: [], fail: ();
        // SAFETY: the caller gives up its reference (null accepted).
        unsafe { release(sess) }
    }

    /// `SSL_SESSION_up_ref`.
    fn SSL_SESSION_up_ref(sess: *mut SSL_SESSION) -> c_int {
        nonnull: [sess], fail: 0;
        up_ref(sess);
        1
    }

    /// `SSL_SESSION_is_resumable`: 1 when the session holds a ticket or a TLS 1.2 session id
    /// and no client cache has retired it (see [`handshake_finished`]).
    fn SSL_SESSION_is_resumable(sess: *const SSL_SESSION) -> c_int {
        nonnull: [sess], fail: 0;
        // SAFETY: checked non-null; a live session.
        c_int::from(unsafe { &*sess }.is_resumable())
    }

    /// `SSL_SESSION_has_ticket`: 1 when the server issued a ticket (TLS 1.3, or an RFC 5077
    /// TLS 1.2 ticket); 0 for a session-id-only TLS 1.2 session.
    fn SSL_SESSION_has_ticket(sess: *const SSL_SESSION) -> c_int {
        nonnull: [sess], fail: 0;
        // SAFETY: checked non-null; a live session.
        c_int::from(unsafe { &*sess }.stored.as_ref().is_some_and(|s| !s.ticket().is_empty()))
    }

    /// `SSL_SESSION_get_id`: the session id (see [`SSL_SESSION`]'s `id`); its length in `*len`.
    fn SSL_SESSION_get_id(sess: *const SSL_SESSION, len: *mut c_uint) -> *const u8 {
        nonnull: [sess], fail: std::ptr::null();
        let x = sess_ref(sess).extras();
        if !len.is_null() {
            // SAFETY: the caller passes a writable unsigned int or null.
            unsafe { *len = c_uint::try_from(x.id.len()).unwrap_or(0) };
        }
        x.id.as_ptr()
    }

    /// `SSL_SESSION_get_time`: when the session was established (or its ticket arrived).
    fn SSL_SESSION_get_time(sess: *const SSL_SESSION) -> c_long {
        nonnull: [sess], fail: 0;
        c_long::try_from(sess_ref(sess).time.load(Ordering::Acquire)).unwrap_or(c_long::MAX)
    }

    /// `SSL_SESSION_set_time`: returns `t`.
    fn SSL_SESSION_set_time(sess: *mut SSL_SESSION, t: c_long) -> c_long {
        nonnull: [sess], fail: 0;
        sess_ref(sess).time.store(long(t), Ordering::Release);
        t
    }

    /// `SSL_SESSION_get_timeout`: the lifetime in seconds (the ticket's, else 7200).
    fn SSL_SESSION_get_timeout(sess: *const SSL_SESSION) -> c_long {
        nonnull: [sess], fail: 0;
        c_long::try_from(sess_ref(sess).timeout.load(Ordering::Acquire)).unwrap_or(c_long::MAX)
    }

    /// `SSL_SESSION_set_timeout`: 1; a session past its timeout is not offered.
    fn SSL_SESSION_set_timeout(sess: *mut SSL_SESSION, t: c_long) -> c_long {
        nonnull: [sess], fail: 0;
        sess_ref(sess).timeout.store(long(t.max(0)), Ordering::Release);
        1
    }

    /// `SSL_SESSION_get_ticket_lifetime_hint`: the server's hint (0 without a ticket).
    fn SSL_SESSION_get_ticket_lifetime_hint(sess: *const SSL_SESSION) -> c_ulong {
        nonnull: [sess], fail: 0;
        match &sess_ref(sess).stored {
            Some(s) if !s.ticket().is_empty() => c_ulong::from(s.lifetime),
            _ => 0,
        }
    }

    /// `SSL_SESSION_get0_cipher`.
    fn SSL_SESSION_get0_cipher(sess: *const SSL_SESSION) -> *const crate::cipher::SSL_CIPHER {
        nonnull: [sess], fail: std::ptr::null();
        sess_ref(sess)
            .stored
            .as_ref()
            .and_then(|s| crate::cipher::cipher_by_id(s.cipher_suite().0))
            .map_or(std::ptr::null(), |c| c as *const _)
    }

    /// `SSL_SESSION_get0_hostname`: the name set with `SSL_SESSION_set1_hostname`, else null,
    /// as OpenSSL 3.0 gives for a client's sessions (the name is kept server-side); the engine
    /// still offers a session only for its own name.
    fn SSL_SESSION_get0_hostname(sess: *const SSL_SESSION) -> *const c_char {
        nonnull: [sess], fail: std::ptr::null();
        sess_ref(sess).extras().hostname.as_ref().map_or(std::ptr::null(), |h| h.as_ptr())
    }

    /// `SSL_SESSION_get_master_key`: the TLS 1.2 master secret or the TLS 1.3 resumption PSK;
    /// with `outlen` 0, its length.
    fn SSL_SESSION_get_master_key(sess: *const SSL_SESSION, out: *mut u8, outlen: usize) -> usize {
        nonnull: [sess], fail: 0;
        let Some(stored) = &sess_ref(sess).stored else {
            return 0;
        };
        copy_out(stored.master_key(), out, outlen)
    }

    /// `SSL_SESSION_get0_peer`: the server's certificate (borrowed; null if none).
    fn SSL_SESSION_get0_peer(sess: *mut SSL_SESSION) -> *mut X509 {
        nonnull: [sess], fail: std::ptr::null_mut();
        let s = sess_ref(sess);
        let cached = s.peer.load(Ordering::Acquire);
        if !cached.is_null() {
            return cached;
        }
        let Some(leaf) = s.stored.as_ref().and_then(|st| st.peer_certificates.first()) else {
            return std::ptr::null_mut();
        };
        let x = crate::x509::x509_from_der(leaf);
        match s.peer.compare_exchange(std::ptr::null_mut(), x, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => x,
            Err(other) => {
                // SAFETY: another caller stored its copy first; ours is unused.
                unsafe { ffi::X509_free(x) };
                other
            }
        }
    }

    /// `SSL_SESSION_get_max_early_data`: 0 (this client sends no early data), or what
    /// `SSL_SESSION_set_max_early_data` set.
    fn SSL_SESSION_get_max_early_data(sess: *const SSL_SESSION) -> u32 {
        nonnull: [sess], fail: 0;
        sess_ref(sess).extras().max_early_data
    }

    /// `SSL_SESSION_get_protocol_version`.
    fn SSL_SESSION_get_protocol_version(sess: *const SSL_SESSION) -> c_int {
        nonnull: [sess], fail: 0;
        // SAFETY: checked non-null; a live session.
        unsafe { &*sess }.version
    }

    /// `SSL_SESSION_get_ex_data`.
    fn SSL_SESSION_get_ex_data(sess: *const SSL_SESSION, idx: c_int) -> *mut c_void {
        nonnull: [sess], fail: std::ptr::null_mut();
        sess_ref(sess).ex_data.get(idx)
    }

    /// `SSL_SESSION_set_ex_data`: kept in libcrypto's ex_data, freed (and duplicated by
    /// `SSL_SESSION_dup`) through the index's callbacks.
    fn SSL_SESSION_set_ex_data(sess: *mut SSL_SESSION, idx: c_int, arg: *mut c_void) -> c_int {
        nonnull: [sess], fail: 0;
        sess_ref(sess).ex_data.set(idx, arg)
    }

    /// `SSL_SESSION_dup`: a copy (fresh reference count, ex_data duplicated), or null.
    fn SSL_SESSION_dup(src: *const SSL_SESSION) -> *mut SSL_SESSION {
        nonnull: [src], fail: std::ptr::null_mut();
        duplicate(sess_ref(src))
    }

    /// `SSL_SESSION_set1_id`: the id reported by `SSL_SESSION_get_id`; more than 32 bytes is
    /// `SSL_R_SSL_SESSION_ID_TOO_LONG` (the encoded session keeps the id it was made with).
    fn SSL_SESSION_set1_id(sess: *mut SSL_SESSION, sid: *const u8, len: c_uint) -> c_int {
        nonnull: [sess], fail: 0;
        if len > 32 {
            crate::errors::raise_ssl("SSL_SESSION_set1_id", 408, None);
            return 0;
        }
        sess_ref(sess).extras().id = bytes_in(sid, len as usize);
        1
    }

    /// `SSL_SESSION_set1_id_context`: stored (a server's scope); more than 32 bytes is
    /// `SSL_R_SSL_SESSION_ID_CONTEXT_TOO_LONG`.
    fn SSL_SESSION_set1_id_context(sess: *mut SSL_SESSION, ctx: *const u8, len: c_uint) -> c_int {
        nonnull: [sess], fail: 0;
        if len > 32 {
            crate::errors::raise_ssl("SSL_SESSION_set1_id_context", 273, None);
            return 0;
        }
        sess_ref(sess).extras().id_context = bytes_in(ctx, len as usize);
        1
    }

    /// `SSL_SESSION_get0_id_context`: borrowed; its length in `*len`.
    fn SSL_SESSION_get0_id_context(sess: *const SSL_SESSION, len: *mut c_uint) -> *const u8 {
        nonnull: [sess], fail: std::ptr::null();
        let x = sess_ref(sess).extras();
        if !len.is_null() {
            // SAFETY: the caller passes a writable unsigned int or null.
            unsafe { *len = c_uint::try_from(x.id_context.len()).unwrap_or(0) };
        }
        x.id_context.as_ptr()
    }

    /// `SSL_SESSION_set1_hostname`: stored (null clears it).
    fn SSL_SESSION_set1_hostname(sess: *mut SSL_SESSION, name: *const c_char) -> c_int {
        nonnull: [sess], fail: 0;
        // SAFETY: null or the caller's NUL-terminated string.
        let name = (!name.is_null()).then(|| unsafe { std::ffi::CStr::from_ptr(name) }.to_owned());
        sess_ref(sess).extras().hostname = name;
        1
    }

    /// `SSL_SESSION_get0_alpn_selected`: the protocol selected in the session's handshake (or
    /// as set); null and 0 without one.
    fn SSL_SESSION_get0_alpn_selected(sess: *const SSL_SESSION, alpn: *mut *const u8, len: *mut usize) -> () {
        nonnull: [sess, alpn, len], fail: ();
        let x = sess_ref(sess).extras();
        let p = if x.alpn.is_empty() { std::ptr::null() } else { x.alpn.as_ptr() };
        // SAFETY: checked non-null; the caller's out-pointers.
        unsafe {
            *alpn = p;
            *len = x.alpn.len();
        }
    }

    /// `SSL_SESSION_set1_alpn_selected`: stored (null or empty clears it).
    fn SSL_SESSION_set1_alpn_selected(sess: *mut SSL_SESSION, alpn: *const u8, len: usize) -> c_int {
        nonnull: [sess], fail: 0;
        sess_ref(sess).extras().alpn = bytes_in(alpn, len);
        1
    }

    /// `SSL_SESSION_get0_ticket`: the ticket (borrowed; null and 0 without one).
    fn SSL_SESSION_get0_ticket(sess: *const SSL_SESSION, tick: *mut *const u8, len: *mut usize) -> () {
        nonnull: [sess, len], fail: ();
        let ticket = sess_ref(sess).stored.as_ref().map_or(&[][..], |s| s.ticket());
        // SAFETY: checked non-null (`tick` may be null, as in OpenSSL); the caller's pointers.
        unsafe {
            *len = ticket.len();
            if !tick.is_null() {
                *tick = if ticket.is_empty() { std::ptr::null() } else { ticket.as_ptr() };
            }
        }
    }

    /// `SSL_SESSION_set1_ticket_appdata`: stored (a server's data inside its tickets).
    fn SSL_SESSION_set1_ticket_appdata(sess: *mut SSL_SESSION, data: *const c_void, len: usize) -> c_int {
        nonnull: [sess], fail: 0;
        sess_ref(sess).extras().ticket_appdata = bytes_in(data.cast(), len);
        1
    }

    /// `SSL_SESSION_get0_ticket_appdata`: borrowed; always 1.
    fn SSL_SESSION_get0_ticket_appdata(sess: *mut SSL_SESSION, data: *mut *mut c_void, len: *mut usize) -> c_int {
        nonnull: [sess, data, len], fail: 0;
        let x = sess_ref(sess).extras();
        let p = if x.ticket_appdata.is_empty() { std::ptr::null_mut() } else { x.ticket_appdata.as_ptr().cast_mut() };
        // SAFETY: checked non-null; the caller's out-pointers.
        unsafe {
            *data = p.cast();
            *len = x.ticket_appdata.len();
        }
        1
    }

    /// `SSL_SESSION_set_max_early_data`: stored (this client sends no early data).
    fn SSL_SESSION_set_max_early_data(sess: *mut SSL_SESSION, max: u32) -> c_int {
        nonnull: [sess], fail: 0;
        sess_ref(sess).extras().max_early_data = max;
        1
    }

    /// `SSL_SESSION_get_compress_id`: 0 (no compression).
    fn SSL_SESSION_get_compress_id(sess: *const SSL_SESSION) -> c_uint {
        nonnull: [sess], fail: 0;
        0
    }

    /// `SSL_copy_session_id`: `to` takes `from`'s session, method and own certificates and
    /// keys, as OpenSSL copies them; 1, or 0 when `to` is busy.
    fn SSL_copy_session_id(to: *mut SSL, from: *const SSL) -> c_int {
        nonnull: [to, from], fail: 0;
        copy_session_id(to, from)
    }
}

/// `SSL_copy_session_id`'s work (also `BIO_ssl_copy_session_id`'s).
pub fn copy_session_id(to: *mut SSL, from: *const SSL) -> c_int {
    let sess = session_of(from);
    let Some((method, own)) = with_ssl(from, "SSL_copy_session_id", None, |_, st| {
        Some((st.method, st.own.dup()))
    }) else {
        return 0;
    };
    // SAFETY: `to` is checked non-null by the caller; `sess` is `from`'s (or null).
    if unsafe { SSL_set_session(to, sess) } == 0 {
        return 0;
    }
    with_ssl(to, "SSL_copy_session_id", 0, |_, st| {
        crate::ssl::apply_method(st, method);
        st.own = own;
        crate::cert::sync_own(st);
        1
    })
}
