//! TLS 1.3 session resumption state (RFC 8446 §4.6.1, §2.2): tickets the server issued, with
//! the PSK each unlocks and what the original handshake established, kept per server in a
//! bounded store shared by every connection made from one configuration.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use rustls_pki_types::{CertificateDer, UnixTime};

use crate::error::CertificateError;
use crate::provider::{Secret, Tls13Suite};

/// Tickets kept per server; RFC 8446 §C.4 asks clients not to reuse one, so several are kept.
pub const MAX_TICKETS_PER_SERVER: usize = 4;
/// Servers remembered by one store before the oldest is forgotten.
pub const DEFAULT_MAX_SERVERS: usize = 256;

/// A resumable session: one ticket and what it resumes.
#[derive(Clone)]
pub struct StoredSession {
    /// The opaque ticket (the PSK identity).
    pub ticket: Vec<u8>,
    /// The resumption PSK (RFC 8446 §4.6.1).
    pub psk: Secret,
    /// The suite of the connection that issued it; a resumption must use the same hash.
    pub suite: Tls13Suite,
    /// ticket_age_add.
    pub age_add: u32,
    /// ticket_lifetime in seconds.
    pub lifetime: u32,
    /// When the ticket arrived.
    pub received: UnixTime,
    /// The server's chain as verified in the original handshake.
    pub peer_certificates: Vec<CertificateDer<'static>>,
    /// The verification outcome of the original handshake.
    pub verify_result: Option<Result<(), CertificateError>>,
}

impl StoredSession {
    /// Whether the ticket's lifetime has not run out at `now` (RFC 8446 §4.6.1).
    pub fn is_valid_at(&self, now: UnixTime) -> bool {
        now.as_secs() >= self.received.as_secs()
            && now.as_secs() - self.received.as_secs() < u64::from(self.lifetime)
    }

    /// obfuscated_ticket_age for `now` (RFC 8446 §4.2.11.1): age in milliseconds plus
    /// ticket_age_add, modulo 2^32.
    pub fn obfuscated_age(&self, now: UnixTime) -> u32 {
        let age_ms = now
            .as_secs()
            .saturating_sub(self.received.as_secs())
            .saturating_mul(1000);
        (age_ms as u32).wrapping_add(self.age_add)
    }
}

impl core::fmt::Debug for StoredSession {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("StoredSession")
            .field("suite", &self.suite.suite)
            .field("lifetime", &self.lifetime)
            .finish_non_exhaustive()
    }
}

/// Tickets per server name, bounded in servers and in tickets per server.
#[derive(Debug)]
pub struct SessionStore {
    inner: Mutex<Inner>,
    max_servers: usize,
}

#[derive(Debug, Default)]
struct Inner {
    by_server: HashMap<String, VecDeque<StoredSession>>,
    /// Server names, oldest first, for eviction.
    order: VecDeque<String>,
}

impl SessionStore {
    /// A store remembering at most `max_servers` servers.
    pub fn new(max_servers: usize) -> Self {
        Self {
            inner: Mutex::new(Inner::default()),
            max_servers,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Keeps a session for `server`.
    pub fn insert(&self, server: &str, session: StoredSession) {
        if self.max_servers == 0 {
            return;
        }
        let mut inner = self.lock();
        if !inner.by_server.contains_key(server) {
            if inner.order.len() == self.max_servers {
                if let Some(old) = inner.order.pop_front() {
                    inner.by_server.remove(&old);
                }
            }
            inner.order.push_back(server.to_owned());
        }
        let list = inner.by_server.entry(server.to_owned()).or_default();
        if list.len() == MAX_TICKETS_PER_SERVER {
            list.pop_front();
        }
        list.push_back(session);
    }

    /// Takes the newest still-valid session for `server` (each ticket is used once).
    pub fn take(&self, server: &str, now: UnixTime) -> Option<StoredSession> {
        let mut inner = self.lock();
        let list = inner.by_server.get_mut(server)?;
        while let Some(s) = list.pop_back() {
            if s.is_valid_at(now) {
                return Some(s);
            }
        }
        None
    }

    /// The number of sessions held for `server`.
    pub fn count(&self, server: &str) -> usize {
        self.lock().by_server.get(server).map_or(0, VecDeque::len)
    }
}

impl Default for SessionStore {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_SERVERS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::TLS13_AES_128_GCM_SHA256;
    use std::time::Duration;

    fn session(at: u64, lifetime: u32) -> StoredSession {
        StoredSession {
            ticket: vec![at as u8],
            psk: Secret::from_slice(&[1; 32]),
            suite: TLS13_AES_128_GCM_SHA256,
            age_add: u32::MAX,
            lifetime,
            received: UnixTime::since_unix_epoch(Duration::from_secs(at)),
            peer_certificates: Vec::new(),
            verify_result: None,
        }
    }

    #[test]
    fn newest_valid_first_and_bounded() {
        let store = SessionStore::new(2);
        for i in 0..6 {
            store.insert("a", session(100 + i, 10));
        }
        assert_eq!(store.count("a"), MAX_TICKETS_PER_SERVER);
        let now = UnixTime::since_unix_epoch(Duration::from_secs(112));
        // 105 is newest and valid at 112; 102 is expired.
        assert_eq!(store.take("a", now).unwrap().ticket, vec![105]);
        store.insert("b", session(1, 10));
        store.insert("c", session(1, 10));
        assert_eq!(store.count("a"), 0, "the oldest server was evicted");
        assert!(store.take("zzz", now).is_none());
    }

    #[test]
    fn obfuscated_age_wraps() {
        let s = session(100, 10);
        let now = UnixTime::since_unix_epoch(Duration::from_secs(102));
        assert_eq!(s.obfuscated_age(now), 1999);
    }
}
