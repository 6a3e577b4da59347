//! `SSL_SESSION`: a refcounted handle around what `oxissl::Ssl::get1_session` returns (a TLS
//! 1.3 ticket, or a TLS 1.2 session id and ticket, with its secret). `SSL_set_session` offers it in the next handshake;
//! `SSL_session_reused` says whether the server accepted it. The new-session callback is not
//! called: programs get sessions with `SSL_get1_session`.

#![allow(non_camel_case_types)]

use std::ffi::{c_int, c_void};
use std::sync::atomic::{AtomicUsize, Ordering};

use oxissl_engine::StoredSession;

use crate::entry::entry;
use crate::ssl::{with_ssl, SSL};

/// `SSL_SESSION`.
pub struct SSL_SESSION {
    refs: AtomicUsize,
    version: c_int,
    stored: Option<StoredSession>,
}

/// A new session (one reference) for a connection that negotiated `version`.
pub fn new_session(version: c_int, stored: Option<StoredSession>) -> *mut SSL_SESSION {
    Box::into_raw(Box::new(SSL_SESSION {
        refs: AtomicUsize::new(1),
        version,
        stored,
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
/// newest ticket, and made again when a newer ticket has arrived since.
fn session_of(s: *const SSL) -> *mut SSL_SESSION {
    with_ssl(s, "SSL_get_session", std::ptr::null_mut(), |_, st| {
        if !st.ssl.is_init_finished() {
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

    /// `SSL_set_session`: the session to offer for resumption (a new reference is kept).
    fn SSL_set_session(s: *mut SSL, sess: *mut SSL_SESSION) -> c_int {
        nonnull: [s], fail: 0;
        let stored = if sess.is_null() {
            None
        } else {
            up_ref(sess);
            // SAFETY: a live session from the caller.
            unsafe { &*sess }.stored.clone()
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

    /// `SSL_SESSION_is_resumable`: 1 when the session holds a ticket or a TLS 1.2 session id.
    fn SSL_SESSION_is_resumable(sess: *const SSL_SESSION) -> c_int {
        nonnull: [sess], fail: 0;
        // SAFETY: checked non-null; a live session.
        c_int::from(unsafe { &*sess }.stored.is_some())
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
