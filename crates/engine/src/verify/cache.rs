//! A cache of chain verdicts for repeat contact with the same server: a chain that verified
//! once is not path-built again while it stays valid. Keyed by the exact chain bytes, the name
//! checked and the depth limit; tied to one trust-anchor set (a changed set starts a new cache).
//! An entry is never used before the chain's latest notBefore or at or after its earliest
//! notAfter, nor once older than `MAX_ENTRY_AGE`. Only successes are kept. The server's
//! CertificateVerify / ServerKeyExchange signature is checked on every handshake regardless, so
//! the peer still proves it holds the key.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use rustls_pki_types::{CertificateDer, ServerName, UnixTime};

use super::der::{secs, validity};
use crate::provider::{HashAlgorithm, HashContext};

/// Verdicts remembered at once.
pub const MAX_ENTRIES: usize = 256;
/// How long a verdict is trusted at most, whatever the certificates say (seconds).
pub const MAX_ENTRY_AGE: u64 = 3600;

type Key = [u8; 32];

#[derive(Clone, Copy)]
struct Entry {
    /// The latest notBefore in the chain.
    valid_from: u64,
    /// The earliest notAfter in the chain.
    valid_until: u64,
    inserted: u64,
}

/// Verified-chain verdicts (see the module documentation).
#[derive(Default)]
pub struct VerificationCache {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<Key, Entry>,
    order: VecDeque<Key>,
    hits: u64,
}

impl core::fmt::Debug for VerificationCache {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("VerificationCache")
            .field("hits", &self.hits())
            .finish_non_exhaustive()
    }
}

/// The cache key: SHA-256 over the length-prefixed chain, the name and the depth limit.
pub(crate) fn key(
    end_entity: &CertificateDer<'_>,
    intermediates: &[CertificateDer<'_>],
    name: Option<&ServerName<'_>>,
    max_depth: Option<usize>,
) -> Key {
    let mut h = HashContext::new(HashAlgorithm::Sha256);
    for c in std::iter::once(end_entity).chain(intermediates) {
        h.update(&(c.len() as u64).to_be_bytes());
        h.update(c);
    }
    match name {
        Some(n) => {
            let s = n.to_str();
            h.update(&[1]);
            h.update(&(s.len() as u64).to_be_bytes());
            h.update(s.as_bytes());
        }
        None => h.update(&[0]),
    }
    h.update(&max_depth.map_or(u64::MAX, |d| d as u64).to_be_bytes());
    let mut out = [0u8; 32];
    out.copy_from_slice(h.current().as_bytes());
    out
}

impl VerificationCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether `key` holds a verdict usable at `now`.
    pub(crate) fn hit(&self, key: &Key, now: UnixTime) -> bool {
        let now = secs(now);
        let mut inner = self.lock();
        let ok = inner.entries.get(key).is_some_and(|e| {
            now >= e.valid_from
                && now < e.valid_until
                && now.saturating_sub(e.inserted) < MAX_ENTRY_AGE
        });
        if ok {
            inner.hits += 1;
        }
        ok
    }

    /// Records that the chain under `key` verified at `now`.
    pub(crate) fn insert(
        &self,
        key: Key,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) {
        // Without readable validity for every certificate there is nothing safe to cache.
        let mut window = (0u64, u64::MAX);
        for c in std::iter::once(end_entity).chain(intermediates) {
            let Some((from, until)) = validity(c) else {
                return;
            };
            window = (window.0.max(from), window.1.min(until));
        }
        let mut inner = self.lock();
        if !inner.entries.contains_key(&key) {
            if inner.order.len() == MAX_ENTRIES {
                if let Some(old) = inner.order.pop_front() {
                    inner.entries.remove(&old);
                }
            }
            inner.order.push_back(key);
        }
        inner.entries.insert(
            key,
            Entry {
                valid_from: window.0,
                valid_until: window.1,
                inserted: secs(now),
            },
        );
    }

    /// How many verifications were answered from the cache.
    pub fn hits(&self) -> u64 {
        self.lock().hits
    }

    /// The number of verdicts held.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether no verdict is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, ServerName, UnixTime};

    use crate::error::CertificateError;
    use crate::verify::{RootStore, ServerCertVerifier, WebPkiVerifier};

    fn certs(file: &str) -> Vec<CertificateDer<'static>> {
        let path = format!("{}/../../testdata/certs/{file}", env!("CARGO_MANIFEST_DIR"));
        CertificateDer::pem_file_iter(path)
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    fn roots() -> RootStore {
        let mut r = RootStore::new();
        r.add_der(&certs("root.pem")[0]).unwrap();
        r
    }

    fn at(secs: u64) -> UnixTime {
        UnixTime::since_unix_epoch(Duration::from_secs(secs))
    }

    /// 2030-01-01, inside the test chain's validity.
    const T: u64 = 1_893_456_000;

    #[test]
    fn repeat_contact_is_answered_from_the_cache_within_its_bounds() {
        let v = WebPkiVerifier::new(roots());
        let chain = certs("ecdsa.chain.pem");
        let name = ServerName::try_from("localhost").unwrap();
        let check = |t: u64, n: &ServerName<'_>| {
            v.verify_server_cert(&chain[0], &chain[1..], Some(n), at(t))
        };
        check(T, &name).unwrap();
        assert_eq!(v.roots().verification_cache().hits(), 0);
        check(T + 10, &name).unwrap();
        assert_eq!(v.roots().verification_cache().hits(), 1);
        // Another name is another key: verified (and refused) from scratch.
        let other = ServerName::try_from("example.org").unwrap();
        assert_eq!(check(T, &other), Err(CertificateError::NotValidForName));
        // Past the entry's age, the chain is verified again (and cached anew).
        check(T + super::MAX_ENTRY_AGE + 1, &name).unwrap();
        assert_eq!(v.roots().verification_cache().hits(), 1);
        // Never past the earliest notAfter: in 2200 the chain is expired, cache or not.
        assert_eq!(check(7_258_118_400, &name), Err(CertificateError::Expired));
    }

    #[test]
    fn failures_are_not_cached_and_the_cache_can_be_off() {
        let v = WebPkiVerifier::new(roots());
        let chain = certs("untrusted.chain.pem");
        let name = ServerName::try_from("localhost").unwrap();
        for _ in 0..2 {
            assert!(v
                .verify_server_cert(&chain[0], &chain[1..], Some(&name), at(T))
                .is_err());
        }
        assert!(v.roots().verification_cache().is_empty());
        let v = WebPkiVerifier::new(roots()).without_cache();
        let chain = certs("ecdsa.chain.pem");
        for _ in 0..2 {
            v.verify_server_cert(&chain[0], &chain[1..], Some(&name), at(T))
                .unwrap();
        }
        assert_eq!(v.roots().verification_cache().hits(), 0);
    }

    #[test]
    fn a_changed_anchor_set_starts_a_new_cache() {
        let mut r = roots();
        let v = WebPkiVerifier::new(r.clone());
        let chain = certs("ecdsa.chain.pem");
        let name = ServerName::try_from("localhost").unwrap();
        v.verify_server_cert(&chain[0], &chain[1..], Some(&name), at(T))
            .unwrap();
        assert_eq!(r.verification_cache().len(), 1, "clones share the cache");
        r.add_der(&certs("untrusted-root.pem")[0]).unwrap();
        assert!(r.verification_cache().is_empty());
    }
}
