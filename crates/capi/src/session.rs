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

use std::ffi::{c_int, c_void};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use oxissl::TLS1_3_VERSION;
use oxissl_engine::StoredSession;

use crate::ctx::SSL_SESS_CACHE_CLIENT;
use crate::entry::entry;
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
}

impl SSL_SESSION {
    /// `SSL_SESSION_is_resumable`: it holds a ticket or session id and was not retired.
    fn is_resumable(&self) -> bool {
        self.stored.is_some() && !self.not_resumable.load(Ordering::Acquire)
    }
}

/// A new session (one reference) for a connection that negotiated `version`.
pub fn new_session(version: c_int, stored: Option<StoredSession>) -> *mut SSL_SESSION {
    Box::into_raw(Box::new(SSL_SESSION {
        refs: AtomicUsize::new(1),
        version,
        stored,
        not_resumable: AtomicBool::new(false),
    }))
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
        // SAFETY: that was the last reference; the box came from Box::into_raw.
        drop(unsafe { Box::from_raw(p) });
    }
}

fn up_ref(p: *mut SSL_SESSION) {
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
            let fresh = new_session(crate::ssl::version_number(st), stored);
            // SAFETY: the slot owned one reference to the session it replaces.
            unsafe { release(std::mem::replace(&mut st.session, fresh)) };
        }
        st.session
    })
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
            let fresh = new_session(crate::ssl::version_number(st), Some(stored));
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
            sess.is_resumable().then(|| sess.stored.clone()).flatten()
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

    /// `SSL_SESSION_get_protocol_version`.
    fn SSL_SESSION_get_protocol_version(sess: *const SSL_SESSION) -> c_int {
        nonnull: [sess], fail: 0;
        // SAFETY: checked non-null; a live session.
        unsafe { &*sess }.version
    }

    /// `SSL_SESSION_get_ex_data`: sessions carry no application data here.
    fn SSL_SESSION_get_ex_data(sess: *const SSL_SESSION, idx: c_int) -> *mut c_void {
        nonnull: [sess], fail: std::ptr::null_mut();
        let _ = idx;
        std::ptr::null_mut()
    }
}
