//! A cache of chain verdicts for repeat contact with the same server: a chain that verified
//! once is not path-built again while it stays valid. Keyed by the exact chain bytes, the name
//! checked and the depth limit (kept whole and compared byte for byte, so no hash has to cover
//! every byte); tied to one trust-anchor set (a changed set starts a new cache). An entry is
//! never used before the chain's latest notBefore or at or after its earliest notAfter, nor
//! once older than `MAX_ENTRY_AGE`. Only successes are kept. The server's CertificateVerify /
//! ServerKeyExchange signature is checked on every handshake regardless, so the peer still
//! proves it holds the key.

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, Hasher};
use std::sync::Mutex;

use rustls_pki_types::{CertificateDer, ServerName, UnixTime};

use super::der::{secs, validity};

/// Verdicts remembered at once.
pub const MAX_ENTRIES: usize = 256;
/// Bytes of chains (and names) remembered at once; the oldest verdicts go first.
pub const MAX_BYTES: usize = 1 << 20;
/// How long a verdict is trusted at most, whatever the certificates say (seconds).
pub const MAX_ENTRY_AGE: u64 = 3600;
/// Bytes from the end of each certificate (inside its signature) that go into the fingerprint.
const FINGERPRINT_TAIL: usize = 32;

/// What a verdict is about: the chain as sent, the name checked and the depth limit, as one
/// byte string (each part length-prefixed), with a cheap fingerprint that picks its slot.
pub(crate) struct Key {
    bytes: Vec<u8>,
    fingerprint: u64,
}

struct Entry {
    key: Box<[u8]>,
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
    /// Keys the fingerprints, so a server cannot aim collisions at another server's slot.
    seed: RandomState,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<u64, Entry>,
    order: VecDeque<u64>,
    bytes: usize,
    hits: u64,
}

impl core::fmt::Debug for VerificationCache {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("VerificationCache")
            .field("hits", &self.hits())
            .finish_non_exhaustive()
    }
}

impl VerificationCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The key for a chain, the name checked and the depth limit.
    pub(crate) fn key(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        name: Option<&ServerName<'_>>,
        max_depth: Option<usize>,
    ) -> Key {
        let certs = || std::iter::once(end_entity).chain(intermediates);
        let name = name.map(|n| n.to_str());
        let len = certs().map(|c| 8 + c.len()).sum::<usize>()
            + name.as_ref().map_or(1, |n| 9 + n.len())
            + 8;
        let mut bytes = Vec::with_capacity(len);
        let mut h = self.seed.build_hasher();
        for c in certs() {
            bytes.extend_from_slice(&(c.len() as u64).to_be_bytes());
            bytes.extend_from_slice(c);
            h.write_usize(c.len());
            h.write(&c[c.len().saturating_sub(FINGERPRINT_TAIL)..]);
        }
        let tail = bytes.len();
        match &name {
            Some(n) => {
                bytes.push(1);
                bytes.extend_from_slice(&(n.len() as u64).to_be_bytes());
                bytes.extend_from_slice(n.as_bytes());
            }
            None => bytes.push(0),
        }
        bytes.extend_from_slice(&max_depth.map_or(u64::MAX, |d| d as u64).to_be_bytes());
        h.write(&bytes[tail..]);
        Key {
            bytes,
            fingerprint: h.finish(),
        }
    }

    /// Whether `key` holds a verdict usable at `now`.
    pub(crate) fn hit(&self, key: &Key, now: UnixTime) -> bool {
        let now = secs(now);
        let mut inner = self.lock();
        let ok = inner.entries.get(&key.fingerprint).is_some_and(|e| {
            *e.key == *key.bytes
                && now >= e.valid_from
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
        if key.bytes.len() > MAX_BYTES {
            return;
        }
        let entry = Entry {
            key: key.bytes.into_boxed_slice(),
            valid_from: window.0,
            valid_until: window.1,
            inserted: secs(now),
        };
        let mut inner = self.lock();
        // A slot holds one chain: a new one (or a fingerprint collision) replaces it.
        if let Some(old) = inner.entries.remove(&key.fingerprint) {
            inner.bytes -= old.key.len();
            inner.order.retain(|f| *f != key.fingerprint);
        }
        while inner.order.len() >= MAX_ENTRIES || inner.bytes + entry.key.len() > MAX_BYTES {
            let Some(oldest) = inner.order.pop_front() else {
                break;
            };
            if let Some(old) = inner.entries.remove(&oldest) {
                inner.bytes -= old.key.len();
            }
        }
        inner.bytes += entry.key.len();
        inner.order.push_back(key.fingerprint);
        inner.entries.insert(key.fingerprint, entry);
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
    fn a_chain_that_differs_anywhere_is_not_a_hit() {
        let v = WebPkiVerifier::new(roots());
        let chain = certs("ecdsa.chain.pem");
        let name = ServerName::try_from("localhost").unwrap();
        v.verify_server_cert(&chain[0], &chain[1..], Some(&name), at(T))
            .unwrap();
        // One byte changed in the middle of the leaf, away from what the fingerprint reads:
        // the same slot, other bytes, so it is verified (and refused), not taken as a hit.
        let mut forged = chain[0].to_vec();
        let mid = forged.len() / 2;
        forged[mid] ^= 1;
        let forged = CertificateDer::from(forged);
        assert!(v
            .verify_server_cert(&forged, &chain[1..], Some(&name), at(T))
            .is_err());
        assert_eq!(v.roots().verification_cache().hits(), 0);
        v.verify_server_cert(&chain[0], &chain[1..], Some(&name), at(T))
            .unwrap();
        assert_eq!(v.roots().verification_cache().hits(), 1);
    }

    #[test]
    fn entries_and_bytes_are_bounded() {
        use super::{VerificationCache, MAX_BYTES, MAX_ENTRIES};
        let chain = certs("ecdsa.chain.pem");
        let cache = VerificationCache::default();
        let insert = |intermediates: &[CertificateDer<'_>], name: &str| {
            let name = ServerName::try_from(name.to_owned()).unwrap();
            let key = cache.key(&chain[0], intermediates, Some(&name), None);
            cache.insert(key, &chain[0], intermediates, at(T));
        };
        for i in 0..MAX_ENTRIES + 10 {
            insert(&chain[1..], &format!("h{i}.example"));
        }
        assert_eq!(cache.len(), MAX_ENTRIES);
        // The oldest went first.
        let key = |intermediates: &[CertificateDer<'_>], name: &str| {
            let name = ServerName::try_from(name.to_owned()).unwrap();
            cache.key(&chain[0], intermediates, Some(&name), None)
        };
        assert!(!cache.hit(&key(&chain[1..], "h0.example"), at(T)));
        assert!(cache.hit(&key(&chain[1..], "h265.example"), at(T)));
        // A chain over the byte budget is not kept; one over half of it pushes the others out.
        let huge = vec![chain[1].clone(); MAX_BYTES / chain[1].len() + 1];
        insert(&huge, "huge.example");
        assert!(!cache.hit(&key(&huge, "huge.example"), at(T)));
        let big = vec![chain[1].clone(); MAX_BYTES / chain[1].len() * 2 / 3];
        insert(&big, "big1.example");
        insert(&big, "big2.example");
        assert!(cache.hit(&key(&big, "big2.example"), at(T)));
        assert!(!cache.hit(&key(&big, "big1.example"), at(T)));
        assert_eq!(cache.len(), 1);
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
