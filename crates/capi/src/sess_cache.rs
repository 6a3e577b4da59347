//! The context's internal session store (`SSL_CTX_add_session`, `SSL_CTX_remove_session`,
//! `SSL_CTX_flush_sessions`, `SSL_CTX_sessions`) and the session cache callbacks' getters.
//!
//! An OpenSSL client never looks sessions up in its context's cache: the program offers one
//! with `SSL_set_session` (SSL_CTX_set_session_cache_mode(3)). The store is therefore the
//! program's own container: it holds one reference to each session added, the remove callback
//! (`SSL_CTX_sess_set_remove_cb`) is called for each session removed, flushed, evicted when
//! the cache size is reached, or left when the context is freed, and `SSL_CTX_sessions` is a
//! libcrypto `LHASH` of the same sessions. This library's handshakes do not add their own
//! sessions to it (the new-session callback hands them to the program instead).

use std::ffi::{c_int, c_long, c_ulong, c_void};

use crate::ctx::{with_ctx, SSL_CTX};
use crate::entry::entry;
use crate::ffi::{self, OPENSSL_LHASH};
use crate::session::{self, SSL_SESSION};
use crate::ssl::SSL;

/// `SSL_CTX_sess_set_remove_cb`'s callback.
pub type RemoveCb = unsafe extern "C" fn(*mut SSL_CTX, *mut SSL_SESSION);
/// `SSL_CTX_sess_set_get_cb`'s callback (a server's external cache lookup; never called here).
pub type GetCb = unsafe extern "C" fn(*mut SSL, *const u8, c_int, *mut c_int) -> *mut SSL_SESSION;

/// The sessions added, oldest first, each holding one reference, mirrored in an `LHASH`.
pub struct SessionStore {
    list: Vec<*mut SSL_SESSION>,
    lh: *mut OPENSSL_LHASH,
    pub remove_cb: Option<RemoveCb>,
    pub get_cb: Option<GetCb>,
}

/// The store's hash: the session's address (each session is in it at most once).
extern "C" fn hash_ptr(p: *const c_void) -> c_ulong {
    p as usize as c_ulong
}

/// The store's comparison: the same session object.
extern "C" fn cmp_ptr(a: *const c_void, b: *const c_void) -> c_int {
    c_int::from(a != b)
}

impl SessionStore {
    pub fn new() -> Self {
        Self {
            list: Vec::new(),
            // SAFETY: two functions of the signatures libcrypto calls; null when out of memory.
            lh: unsafe { ffi::OPENSSL_LH_new(hash_ptr, cmp_ptr) },
            remove_cb: None,
            get_cb: None,
        }
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Adds `p` (taking a reference); false if it is already in.
    fn add(&mut self, p: *mut SSL_SESSION) -> bool {
        if self.lh.is_null() || self.list.contains(&p) {
            return false;
        }
        // The store keeps the reference taken here.
        session::up_ref(p);
        self.list.push(p);
        // SAFETY: a live hash table; the entry is the session pointer.
        unsafe { ffi::OPENSSL_LH_insert(self.lh, p.cast()) };
        true
    }

    /// Takes `p` out; the caller owns the store's reference.
    fn take(&mut self, p: *mut SSL_SESSION) -> Option<*mut SSL_SESSION> {
        let i = self.list.iter().position(|&q| q == p)?;
        self.list.remove(i);
        // SAFETY: a live hash table holding `p`.
        unsafe { ffi::OPENSSL_LH_delete(self.lh, p.cast_const().cast()) };
        Some(p)
    }

    /// Takes out every session for which `pred` holds.
    fn take_where(&mut self, pred: impl Fn(*mut SSL_SESSION) -> bool) -> Vec<*mut SSL_SESSION> {
        let gone: Vec<_> = self.list.iter().copied().filter(|&p| pred(p)).collect();
        for &p in &gone {
            self.take(p);
        }
        gone
    }
}

impl Drop for SessionStore {
    fn drop(&mut self) {
        for p in std::mem::take(&mut self.list) {
            // SAFETY: the store's reference.
            unsafe { session::release(p) };
        }
        // SAFETY: the store's table (null accepted).
        unsafe { ffi::OPENSSL_LH_free(self.lh) };
    }
}

/// After sessions were taken out of `c`'s store (unlocked): marks them not resumable, calls
/// the remove callback for each, and drops the store's references.
fn removed(c: *mut SSL_CTX, gone: Vec<*mut SSL_SESSION>) {
    let cb = with_ctx(c, "SSL_CTX_remove_session", |st| st.sessions.remove_cb);
    for p in gone {
        session::retire(p);
        if let Some(cb) = cb {
            // SAFETY: the program's callback with the live context and session, as OpenSSL
            // calls it.
            unsafe { cb(c, p) };
        }
        // SAFETY: the store's reference, taken out above.
        unsafe { session::release(p) };
    }
}

/// `SSL_CTX_flush_sessions(c, t)`: removes the sessions timed out at `t` (all for 0). Also
/// what freeing a context does first, as in OpenSSL.
pub fn flush(c: *mut SSL_CTX, t: i64) {
    let gone = with_ctx(c, "SSL_CTX_flush_sessions", |st| {
        st.sessions
            .take_where(|p| t == 0 || session::timed_out_at(p, t))
    });
    removed(c, gone);
}

entry! {
    /// `SSL_CTX_add_session`: 1 when added, 0 when it was already in. With a cache size
    /// (`SSL_CTX_sess_set_cache_size`, 20480 by default) reached, the oldest are removed first.
    fn SSL_CTX_add_session(c: *mut SSL_CTX, sess: *mut SSL_SESSION) -> c_int {
        nonnull: [c, sess], fail: 0;
        let (added, evicted) = with_ctx(c, "SSL_CTX_add_session", |st| {
            if st.sessions.list.contains(&sess) {
                return (false, Vec::new());
            }
            let limit = usize::try_from(st.sess_cache_size()).unwrap_or(0);
            let mut evicted = Vec::new();
            while limit > 0 && st.sessions.len() >= limit {
                let oldest = st.sessions.list[0];
                evicted.extend(st.sessions.take(oldest));
            }
            (st.sessions.add(sess), evicted)
        });
        removed(c, evicted);
        c_int::from(added)
    }

    /// `SSL_CTX_remove_session`: 1 when it was in the store; a session with an id is marked
    /// not resumable and passed to the remove callback either way, as in OpenSSL.
    fn SSL_CTX_remove_session(c: *mut SSL_CTX, sess: *mut SSL_SESSION) -> c_int {
        nonnull: [c, sess], fail: 0;
        if !session::has_id(sess) {
            return 0;
        }
        let taken = with_ctx(c, "SSL_CTX_remove_session", |st| st.sessions.take(sess));
        session::retire(sess);
        let cb = with_ctx(c, "SSL_CTX_remove_session", |st| st.sessions.remove_cb);
        if let Some(cb) = cb {
            // SAFETY: the program's callback with the live context and session.
            unsafe { cb(c, sess) };
        }
        match taken {
            Some(p) => {
                // SAFETY: the store's reference.
                unsafe { session::release(p) };
                1
            }
            None => 0,
        }
    }

    /// `SSL_CTX_flush_sessions`: removes the sessions that timed out at `t` (every one for 0).
    fn SSL_CTX_flush_sessions(c: *mut SSL_CTX, t: c_long) -> () {
        nonnull: [c], fail: ();
        #[allow(clippy::useless_conversion)]
        flush(c, i64::from(t));
    }

    /// `SSL_CTX_sessions`: the store as a libcrypto `LHASH_OF(SSL_SESSION)` (borrowed).
    fn SSL_CTX_sessions(c: *mut SSL_CTX) -> *mut OPENSSL_LHASH {
        nonnull: [c], fail: std::ptr::null_mut();
        with_ctx(c, "SSL_CTX_sessions", |st| st.sessions.lh)
    }

    /// `SSL_CTX_sess_set_remove_cb`: called for each session leaving the store.
    fn SSL_CTX_sess_set_remove_cb(c: *mut SSL_CTX, cb: Option<RemoveCb>) -> () {
        nonnull: [c], fail: ();
        with_ctx(c, "SSL_CTX_sess_set_remove_cb", |st| st.sessions.remove_cb = cb)
    }

    /// `SSL_CTX_sess_get_remove_cb`.
    fn SSL_CTX_sess_get_remove_cb(c: *mut SSL_CTX) -> Option<RemoveCb> {
        nonnull: [c], fail: None;
        with_ctx(c, "SSL_CTX_sess_get_remove_cb", |st| st.sessions.remove_cb)
    }

    /// `SSL_CTX_sess_set_get_cb`: stored; a server's lookup, never called by a client.
    fn SSL_CTX_sess_set_get_cb(c: *mut SSL_CTX, cb: Option<GetCb>) -> () {
        nonnull: [c], fail: ();
        with_ctx(c, "SSL_CTX_sess_set_get_cb", |st| st.sessions.get_cb = cb)
    }

    /// `SSL_CTX_sess_get_get_cb`.
    fn SSL_CTX_sess_get_get_cb(c: *mut SSL_CTX) -> Option<GetCb> {
        nonnull: [c], fail: None;
        with_ctx(c, "SSL_CTX_sess_get_get_cb", |st| st.sessions.get_cb)
    }
}
