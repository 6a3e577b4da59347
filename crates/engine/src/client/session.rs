//! Session resumption state: TLS 1.3 tickets (RFC 8446 §4.6.1, §2.2) with the PSK each
//! unlocks, and TLS 1.2 sessions (RFC 5246 §7.3 session ids, RFC 5077 tickets) with their master
//! secret, each with what the original handshake established, kept per server in a bounded
//! store shared by every connection made from one configuration.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use rustls_pki_types::{CertificateDer, UnixTime};

use crate::error::CertificateError;
use crate::provider::{Secret, Tls12Suite, Tls13Suite};
use crate::wire::enums::{CipherSuite, ProtocolVersion};

/// Sessions kept per server; RFC 8446 §C.4 asks clients not to reuse a TLS 1.3 ticket, so
/// several are kept.
pub const MAX_TICKETS_PER_SERVER: usize = 4;
/// Servers remembered by one store before the oldest is forgotten.
pub const DEFAULT_MAX_SERVERS: usize = 256;
/// How long a TLS 1.2 session is offered when the server gives no ticket lifetime hint: two
/// hours, OpenSSL's default session timeout.
pub const TLS12_SESSION_LIFETIME: u32 = 7200;
/// The longest a TLS 1.2 ticket is kept whatever its hint says (RFC 8446 §4.6.1's bound for
/// tickets, applied to RFC 5077 hints too).
pub const MAX_TLS12_SESSION_LIFETIME: u32 = 604_800;

/// What resumes a session, by protocol version.
#[derive(Clone)]
pub enum Resumption {
    /// A TLS 1.3 ticket (RFC 8446 §4.6.1), offered as a PSK identity.
    Tls13 {
        /// The opaque ticket (the PSK identity).
        ticket: Vec<u8>,
        /// The resumption PSK.
        psk: Secret,
        /// The suite of the connection that issued it; a resumption must use the same hash.
        suite: Tls13Suite,
        /// ticket_age_add.
        age_add: u32,
    },
    /// A TLS 1.2 session (RFC 5246 §7.3), offered by its session id and, when the server
    /// issued one, its ticket (RFC 5077 §3.1).
    Tls12 {
        /// The server-assigned session id (may be empty when a ticket carries the session).
        session_id: Vec<u8>,
        /// The RFC 5077 ticket (empty when none was issued).
        ticket: Vec<u8>,
        /// The 48-byte master secret.
        master_secret: Secret,
        /// The session's cipher suite; the server must resume with the same one.
        suite: Tls12Suite,
        /// Whether the session used the extended master secret (RFC 7627); only such
        /// sessions are offered (§5.3).
        extended_master_secret: bool,
    },
}

/// A resumable session and what it resumes.
#[derive(Clone)]
pub struct StoredSession {
    /// The ticket or session and its secret.
    pub resumption: Resumption,
    /// Lifetime in seconds from `received`.
    pub lifetime: u32,
    /// When the ticket arrived or the session was established.
    pub received: UnixTime,
    /// The server's chain as verified in the original handshake.
    pub peer_certificates: Vec<CertificateDer<'static>>,
    /// The verification outcome of the original handshake.
    pub verify_result: Option<Result<(), CertificateError>>,
    /// The name the original handshake was made for (its SNI, else the name verified). RFC 8446
    /// §4.6.1: a client "SHOULD only resume if the SNI value matches the one used in the
    /// original session" (and MUST only where the original certificate is valid for it); the
    /// session is offered only to a connection for this same name (`None`: to any).
    pub server_name: Option<String>,
}

impl StoredSession {
    /// Whether the lifetime has not run out at `now` (RFC 8446 §4.6.1).
    pub fn is_valid_at(&self, now: UnixTime) -> bool {
        now.as_secs() >= self.received.as_secs()
            && now.as_secs() - self.received.as_secs() < u64::from(self.lifetime)
    }

    /// obfuscated_ticket_age for `now` (RFC 8446 §4.2.11.1): age in milliseconds plus
    /// ticket_age_add, modulo 2^32 (0 for a TLS 1.2 session).
    pub fn obfuscated_age(&self, now: UnixTime) -> u32 {
        let age_ms = now
            .as_secs()
            .saturating_sub(self.received.as_secs())
            .saturating_mul(1000);
        match &self.resumption {
            Resumption::Tls13 { age_add, .. } => (age_ms as u32).wrapping_add(*age_add),
            Resumption::Tls12 { .. } => 0,
        }
    }

    /// The protocol version the session was established with.
    pub fn version(&self) -> ProtocolVersion {
        match self.resumption {
            Resumption::Tls13 { .. } => ProtocolVersion::TLS13,
            Resumption::Tls12 { .. } => ProtocolVersion::TLS12,
        }
    }

    /// The session's cipher suite.
    pub fn cipher_suite(&self) -> CipherSuite {
        match &self.resumption {
            Resumption::Tls13 { suite, .. } => suite.suite,
            Resumption::Tls12 { suite, .. } => suite.suite,
        }
    }

    /// The ticket (TLS 1.3, or a TLS 1.2 RFC 5077 ticket); empty when there is none.
    pub fn ticket(&self) -> &[u8] {
        match &self.resumption {
            Resumption::Tls13 { ticket, .. } | Resumption::Tls12 { ticket, .. } => ticket,
        }
    }

    /// The secret that resumes the session: the TLS 1.2 master secret or the TLS 1.3 PSK.
    pub fn master_key(&self) -> &[u8] {
        match &self.resumption {
            Resumption::Tls13 { psk, .. } => psk.as_bytes(),
            Resumption::Tls12 { master_secret, .. } => master_secret.as_bytes(),
        }
    }

    /// Whether a TLS 1.2 session used the extended master secret (RFC 7627); false for TLS 1.3.
    pub fn extended_master_secret(&self) -> bool {
        matches!(
            self.resumption,
            Resumption::Tls12 {
                extended_master_secret: true,
                ..
            }
        )
    }

    /// The TLS 1.2 RFC 5077 ticket; empty for TLS 1.3 and when none was issued.
    pub fn ticket12(&self) -> &[u8] {
        match &self.resumption {
            Resumption::Tls13 { .. } => &[],
            Resumption::Tls12 { ticket, .. } => ticket,
        }
    }

    /// The TLS 1.2 session id (empty for TLS 1.3 and for ticket-only sessions).
    pub fn session_id(&self) -> &[u8] {
        match &self.resumption {
            Resumption::Tls13 { .. } => &[],
            Resumption::Tls12 { session_id, .. } => session_id,
        }
    }

    /// Whether both offer the same ticket and session id.
    pub fn same_resumption(&self, other: &StoredSession) -> bool {
        self.ticket() == other.ticket() && self.session_id() == other.session_id()
    }

    /// Whether the same server may be offered this session more than once: TLS 1.2 sessions
    /// may (RFC 5246 §7.3, RFC 5077 §3.4); TLS 1.3 tickets are used once (RFC 8446 §C.4).
    pub fn reusable(&self) -> bool {
        matches!(self.resumption, Resumption::Tls12 { .. })
    }
}

impl core::fmt::Debug for StoredSession {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("StoredSession")
            .field("version", &self.version())
            .field("suite", &self.cipher_suite())
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
        self.replace(server, None, session);
    }

    /// Keeps `session` for `server` in place of `old` (a resumed TLS 1.2 session whose ticket
    /// the server renewed, RFC 5077 §3.3): the replaced ticket is never offered again.
    pub fn replace(&self, server: &str, old: Option<&StoredSession>, session: StoredSession) {
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
        // A TLS 1.2 session resumed again replaces its older copy.
        list.retain(|kept| {
            !(kept.reusable()
                && (kept.same_resumption(&session) || old.is_some_and(|o| kept.same_resumption(o))))
        });
        if list.len() == MAX_TICKETS_PER_SERVER {
            list.pop_front();
        }
        list.push_back(session);
    }

    /// Takes the newest still-valid session for `server`. A TLS 1.3 ticket is removed (each is
    /// used once); a TLS 1.2 session stays for later connections.
    pub fn take(&self, server: &str, now: UnixTime) -> Option<StoredSession> {
        let mut inner = self.lock();
        let list = inner.by_server.get_mut(server)?;
        while let Some(s) = list.pop_back() {
            if s.is_valid_at(now) {
                if s.reusable() {
                    list.push_back(s.clone());
                }
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
            resumption: Resumption::Tls13 {
                ticket: vec![at as u8],
                psk: Secret::from_slice(&[1; 32]),
                suite: TLS13_AES_128_GCM_SHA256,
                age_add: u32::MAX,
            },
            lifetime,
            received: UnixTime::since_unix_epoch(Duration::from_secs(at)),
            peer_certificates: Vec::new(),
            verify_result: None,
            server_name: Some("a".into()),
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
        assert_eq!(store.take("a", now).unwrap().ticket(), [105]);
        store.insert("b", session(1, 10));
        store.insert("c", session(1, 10));
        assert_eq!(store.count("a"), 0, "the oldest server was evicted");
        assert!(store.take("zzz", now).is_none());
    }

    fn session12(id: u8) -> StoredSession {
        StoredSession {
            resumption: Resumption::Tls12 {
                session_id: vec![id; 32],
                ticket: Vec::new(),
                master_secret: Secret::from_slice(&[2; 48]),
                suite: crate::provider::TLS12_ECDHE_ECDSA_AES_128_GCM,
                extended_master_secret: true,
            },
            lifetime: TLS12_SESSION_LIFETIME,
            received: UnixTime::since_unix_epoch(Duration::from_secs(100)),
            peer_certificates: Vec::new(),
            verify_result: None,
            server_name: Some("a".into()),
        }
    }

    #[test]
    fn tls12_sessions_stay_and_are_not_duplicated() {
        let store = SessionStore::default();
        let now = UnixTime::since_unix_epoch(Duration::from_secs(200));
        store.insert("a", session12(1));
        assert_eq!(store.take("a", now).unwrap().session_id(), [1; 32]);
        assert_eq!(store.take("a", now).unwrap().session_id(), [1; 32]);
        assert_eq!(store.count("a"), 1);
        store.insert("a", session12(1));
        assert_eq!(store.count("a"), 1, "a resumed session replaces its copy");
        store.insert("a", session12(2));
        assert_eq!(store.take("a", now).unwrap().session_id(), [2; 32]);
        // A renewed session takes the place of the one it came from.
        store.replace("a", Some(&session12(1)), session12(3));
        assert_eq!(store.count("a"), 2);
        assert_eq!(store.take("a", now).unwrap().session_id(), [3; 32]);
        assert_eq!(session12(1).obfuscated_age(now), 0);
    }

    #[test]
    fn obfuscated_age_wraps() {
        let s = session(100, 10);
        let now = UnixTime::since_unix_epoch(Duration::from_secs(102));
        assert_eq!(s.obfuscated_age(now), 1999);
    }
}
