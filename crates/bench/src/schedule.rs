//! The rest of a handshake's cryptography, beside the primitives `floor` times: transcript
//! hashing, the key schedule (TLS 1.3 HKDF, RFC 8446 §7.1; TLS 1.2 PRF with the extended
//! master secret, RFC 5246 §8.1 and RFC 7627 §4), the Finished MACs, AEAD key setup, and
//! opening and sealing the protected handshake records. Run straight through aws-lc-rs on the
//! byte counts of a real handshake (`Shape`), it is what no client built on aws-lc-rs can skip
//! once the primitives are paid; with them it makes the complete cryptographic floor.

use std::time::{Duration, Instant};

use aws_lc_rs::{aead, constant_time, digest, hkdf, hmac, tls_prf};

use crate::params::Version;

/// AES-GCM record overhead: TLS 1.3 inner content type and tag (RFC 8446 §5.2).
const TLS13_OVERHEAD: usize = 1 + 16;
/// AES-GCM record overhead: TLS 1.2 explicit nonce and tag (RFC 5288 §3).
const TLS12_OVERHEAD: usize = 8 + 16;
/// Record header length (RFC 8446 §5.1).
const HEADER: usize = 5;

/// The byte counts of one handshake as it crossed the wire: how much went into the transcript
/// and which protected handshake records each side sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shape {
    /// The handshake messages' bytes (the transcript's length).
    pub transcript: usize,
    /// Ciphertext lengths (tag included) of the protected handshake records the server sent.
    pub server_sealed: Vec<usize>,
    /// The same for the client.
    pub client_sealed: Vec<usize>,
    /// Whether each side (client, server) has sent change_cipher_spec (TLS 1.2 protects what
    /// follows it).
    ccs: [bool; 2],
}

impl Shape {
    /// Takes in whole records one side sent during the handshake.
    pub fn observe(&mut self, version: Version, from_client: bool, mut wire: &[u8]) {
        let side = usize::from(!from_client);
        while wire.len() >= HEADER {
            let typ = wire[0];
            let len = usize::from(u16::from_be_bytes([wire[3], wire[4]]));
            let Some(body) = wire.get(HEADER..HEADER + len) else {
                return;
            };
            wire = &wire[HEADER + len..];
            let sealed = match (version, typ) {
                (_, 20) => {
                    self.ccs[side] = true;
                    continue;
                }
                (Version::Tls13, 23) => Some(TLS13_OVERHEAD),
                (Version::Tls12, 22) if self.ccs[side] => Some(TLS12_OVERHEAD),
                (_, 22) => None,
                _ => continue,
            };
            match sealed {
                Some(overhead) => {
                    self.transcript += body.len().saturating_sub(overhead);
                    let v = if from_client {
                        &mut self.client_sealed
                    } else {
                        &mut self.server_sealed
                    };
                    // The nonce is not encrypted; the ciphertext runs from after it.
                    let explicit = if version == Version::Tls12 { 8 } else { 0 };
                    v.push(body.len().saturating_sub(explicit));
                }
                None => self.transcript += body.len(),
            }
        }
    }
}

/// Prepared inputs for the schedule floor: the constant salts as HMAC keys and buffers.
pub struct Schedule {
    /// Derive-Secret(HKDF-Extract(0, 0), "derived", "") as the Handshake Secret's salt.
    derived: hmac::Key,
    empty_hash: digest::Digest,
    transcript: Vec<u8>,
    shared: [u8; 32],
    record: Vec<u8>,
    /// The protected records to open, sealed by the first run.
    sealed: Vec<Vec<u8>>,
    /// Records opened in the current run.
    opened: usize,
}

fn expand_label(prk: &[u8], label: &[u8], context: &[u8], out: &mut [u8]) {
    // RFC 8446 §7.1: HkdfLabel = length, "tls13 " + label, context.
    let mut info = Vec::with_capacity(10 + label.len() + context.len());
    info.extend_from_slice(&(out.len() as u16).to_be_bytes());
    info.push((6 + label.len()) as u8);
    info.extend_from_slice(b"tls13 ");
    info.extend_from_slice(label);
    info.push(context.len() as u8);
    info.extend_from_slice(context);
    struct Len(usize);
    impl hkdf::KeyType for Len {
        fn len(&self) -> usize {
            self.0
        }
    }
    hkdf::Prk::new_less_safe(hkdf::HKDF_SHA256, prk)
        .expand(&[&info], Len(out.len()))
        .and_then(|okm| okm.fill(out))
        .expect("HKDF-Expand-Label within bounds");
}

fn secret(prk: &[u8], label: &[u8], context: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    expand_label(prk, label, context, &mut out);
    out
}

/// HKDF-Expand-Label for the record key and IV, and the AES-128-GCM key made from them.
fn traffic_key(traffic_secret: &[u8]) -> (aead::LessSafeKey, [u8; 12]) {
    let mut key = [0u8; 16];
    let mut iv = [0u8; 12];
    expand_label(traffic_secret, b"key", &[], &mut key);
    expand_label(traffic_secret, b"iv", &[], &mut iv);
    let key = aead::UnboundKey::new(&aead::AES_128_GCM, &key).expect("AES-128-GCM key");
    (aead::LessSafeKey::new(key), iv)
}

/// HMAC(Derive-Secret(traffic_secret, "finished", ""), hash) (RFC 8446 §4.4.4).
fn finished13(traffic_secret: &[u8], hash: &digest::Digest) -> hmac::Tag {
    let key = secret(traffic_secret, b"finished", &[]);
    hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, &key), hash.as_ref())
}

fn snapshot(ctx: &digest::Context) -> digest::Digest {
    ctx.clone().finish()
}

impl Default for Schedule {
    fn default() -> Self {
        Self::new()
    }
}

impl Schedule {
    /// Computes the constants (as a client does once per process).
    pub fn new() -> Self {
        let empty_hash = digest::digest(&digest::SHA256, &[]);
        let early = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, &[0; 32]), &[0; 32]);
        let derived = secret(early.as_ref(), b"derived", empty_hash.as_ref());
        Self {
            derived: hmac::Key::new(hmac::HMAC_SHA256, &derived),
            empty_hash,
            transcript: (0..16 * 1024).map(|i| (i * 13) as u8).collect(),
            shared: [0x2a; 32],
            record: vec![0; 16 * 1024 + 256],
            sealed: Vec::new(),
            opened: 0,
        }
    }

    /// Opens the next protected record of `len` ciphertext bytes (tag included), out of
    /// place. The first run seals the records instead (the keys come out the same every run),
    /// so that later runs open records that pass.
    fn open(&mut self, key: &aead::LessSafeKey, iv: [u8; 12], len: usize) {
        let i = self.opened;
        self.opened += 1;
        let nonce = aead::Nonce::assume_unique_for_key(iv);
        let aad = aead::Aad::from([23, 3, 3, 0, 0]);
        let body = len.saturating_sub(16);
        match self.sealed.get(i) {
            Some(ct) if ct.len() == len => {
                let (ct, tag) = ct.split_at(body);
                let r = key.open_separate_gather(nonce, aad, ct, tag, &mut self.record[..body]);
                assert!(r.is_ok(), "a record sealed by the first run opens");
            }
            _ => {
                let mut ct = vec![0x17; body];
                let tag = key
                    .seal_in_place_separate_tag(nonce, aad, &mut ct)
                    .expect("seal");
                ct.extend_from_slice(tag.as_ref());
                self.sealed.truncate(i);
                self.sealed.push(ct);
            }
        }
    }

    fn seal(&mut self, key: &aead::LessSafeKey, iv: [u8; 12], len: usize) {
        let buf = &mut self.record[..len.saturating_sub(16)];
        let tag = key.seal_in_place_separate_tag(
            aead::Nonce::assume_unique_for_key(iv),
            aead::Aad::from([23, 3, 3, 0, 0]),
            buf,
        );
        std::hint::black_box(tag.is_ok());
    }

    /// The transcript bytes fed in `parts` pieces; hashes taken by the caller in between.
    fn chunk(&self, shape: &Shape, part: usize, parts: usize) -> &[u8] {
        let len = shape.transcript.min(self.transcript.len());
        &self.transcript[len * part / parts..len * (part + 1) / parts]
    }

    /// One TLS 1.3 full handshake's schedule (RFC 8446 §7.1, no PSK, SHA-256, AES-128-GCM):
    /// 16 HKDF-Expand-Label, 2 HKDF-Extract, 2 Finished MACs, 4 AEAD keys, five transcript
    /// hashes, the server's protected records opened and the client's sealed.
    pub fn tls13(&mut self, shape: &Shape) {
        const PARTS: usize = 5;
        let mut th = digest::Context::new(&digest::SHA256);
        th.update(self.chunk(shape, 0, PARTS)); // ClientHello, ServerHello
        let h_hello = snapshot(&th);
        let hs = hmac::sign(&self.derived, &self.shared);
        let c_hs = secret(hs.as_ref(), b"c hs traffic", h_hello.as_ref());
        let s_hs = secret(hs.as_ref(), b"s hs traffic", h_hello.as_ref());
        let (s_key, s_iv) = traffic_key(&s_hs);
        let (c_key, c_iv) = traffic_key(&c_hs);
        for &len in &shape.server_sealed {
            self.open(&s_key, s_iv, len);
        }
        th.update(self.chunk(shape, 1, PARTS)); // EncryptedExtensions, Certificate
        std::hint::black_box(snapshot(&th)); // signed by CertificateVerify
        th.update(self.chunk(shape, 2, PARTS)); // CertificateVerify
        let s_fin = finished13(&s_hs, &snapshot(&th));
        std::hint::black_box(constant_time::verify_slices_are_equal(
            s_fin.as_ref(),
            &self.transcript[..32],
        ))
        .ok();
        th.update(self.chunk(shape, 3, PARTS)); // server Finished
        let h_server_fin = snapshot(&th);
        let derived = secret(hs.as_ref(), b"derived", self.empty_hash.as_ref());
        let master = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, &derived), &[0; 32]);
        let c_ap = secret(master.as_ref(), b"c ap traffic", h_server_fin.as_ref());
        let s_ap = secret(master.as_ref(), b"s ap traffic", h_server_fin.as_ref());
        std::hint::black_box(traffic_key(&s_ap));
        let c_fin = finished13(&c_hs, &h_server_fin);
        std::hint::black_box(c_fin.as_ref());
        for &len in &shape.client_sealed {
            self.seal(&c_key, c_iv, len);
        }
        std::hint::black_box(traffic_key(&c_ap));
        th.update(self.chunk(shape, 4, PARTS)); // client Finished
        std::hint::black_box(secret(
            master.as_ref(),
            b"res master",
            snapshot(&th).as_ref(),
        ));
    }

    /// One TLS 1.2 full ECDHE handshake's schedule (SHA-256 PRF, extended master secret,
    /// AES-128-GCM): the master secret, the key block, both verify_data, 2 AEAD keys, three
    /// transcript hashes, the client's Finished sealed and the server's opened.
    pub fn tls12(&mut self, shape: &Shape) {
        const PARTS: usize = 3;
        let mut th = digest::Context::new(&digest::SHA256);
        th.update(self.chunk(shape, 0, PARTS)); // through ClientKeyExchange
        let session_hash = snapshot(&th);
        let prf = |secret: &[u8], label: &[u8], seed1: &[u8], seed2: &[u8], len: usize| {
            tls_prf::Secret::new(&tls_prf::P_SHA256, secret)
                .and_then(|s| s.derive_with_seed_concatination(label, seed1, seed2, len))
                .expect("TLS 1.2 PRF")
        };
        let master = prf(
            &self.shared,
            b"extended master secret",
            session_hash.as_ref(),
            &[],
            48,
        );
        let randoms = &self.transcript[..32];
        let block = prf(master.as_ref(), b"key expansion", randoms, randoms, 40);
        let block = block.as_ref();
        let key = |k: &[u8]| {
            aead::LessSafeKey::new(
                aead::UnboundKey::new(&aead::AES_128_GCM, k).expect("AES-128-GCM key"),
            )
        };
        let (c_key, s_key) = (key(&block[..16]), key(&block[16..32]));
        let iv = |salt: &[u8]| {
            let mut iv = [0u8; 12];
            iv[..4].copy_from_slice(salt);
            iv
        };
        let (c_iv, s_iv) = (iv(&block[32..36]), iv(&block[36..40]));
        th.update(self.chunk(shape, 1, PARTS)); // before client Finished
        let c_fin = prf(
            master.as_ref(),
            b"client finished",
            snapshot(&th).as_ref(),
            &[],
            12,
        );
        std::hint::black_box(c_fin.as_ref());
        for &len in &shape.client_sealed {
            self.seal(&c_key, c_iv, len);
        }
        th.update(self.chunk(shape, 2, PARTS)); // client Finished
        let s_fin = prf(
            master.as_ref(),
            b"server finished",
            snapshot(&th).as_ref(),
            &[],
            12,
        );
        for &len in &shape.server_sealed {
            self.open(&s_key, s_iv, len);
        }
        std::hint::black_box(constant_time::verify_slices_are_equal(
            s_fin.as_ref(),
            &self.transcript[..12],
        ))
        .ok();
    }

    /// The schedule of `version` for `shape`, once.
    pub fn run(&mut self, version: Version, shape: &Shape) {
        self.opened = 0;
        match version {
            Version::Tls13 => self.tls13(shape),
            Version::Tls12 => self.tls12(shape),
        }
    }

    /// The time of `iters` runs.
    pub fn time(&mut self, version: Version, shape: &Shape, iters: usize) -> Duration {
        self.sealed.clear();
        self.run(version, shape);
        let t = Instant::now();
        for _ in 0..iters {
            self.run(version, shape);
        }
        t.elapsed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(typ: u8, len: usize) -> Vec<u8> {
        let mut r = vec![typ, 3, 3];
        r.extend_from_slice(&(len as u16).to_be_bytes());
        r.resize(HEADER + len, 0);
        r
    }

    #[test]
    fn tls13_shape_counts_plain_and_protected_handshake_bytes() {
        let mut s = Shape::default();
        s.observe(Version::Tls13, true, &record(22, 300)); // ClientHello
        let mut flight = record(22, 90); // ServerHello
        flight.extend(record(20, 1));
        flight.extend(record(23, 1000));
        flight.extend(record(23, 100));
        s.observe(Version::Tls13, false, &flight);
        let mut second = record(20, 1);
        second.extend(record(23, 53)); // Finished: 36 + 17
        s.observe(Version::Tls13, true, &second);
        assert_eq!(s.transcript, 300 + 90 + (1000 - 17) + (100 - 17) + 36);
        assert_eq!(s.server_sealed, vec![1000, 100]);
        assert_eq!(s.client_sealed, vec![53]);
    }

    #[test]
    fn tls12_shape_protects_only_after_change_cipher_spec() {
        let mut s = Shape::default();
        s.observe(Version::Tls12, true, &record(22, 200));
        s.observe(Version::Tls12, false, &record(22, 1500));
        let mut second = record(22, 37); // ClientKeyExchange
        second.extend(record(20, 1));
        second.extend(record(22, 40)); // Finished: 8 + 16 + 16
        s.observe(Version::Tls12, true, &second);
        let mut last = record(20, 1);
        last.extend(record(22, 40));
        s.observe(Version::Tls12, false, &last);
        assert_eq!(s.transcript, 200 + 1500 + 37 + 16 + 16);
        assert_eq!(s.client_sealed, vec![32]);
        assert_eq!(s.server_sealed, vec![32]);
    }

    #[test]
    fn both_schedules_run() {
        let shape = Shape {
            transcript: 3000,
            server_sealed: vec![2000, 60],
            client_sealed: vec![53],
            ccs: [true, true],
        };
        let mut s = Schedule::new();
        for version in [Version::Tls13, Version::Tls12] {
            // The second run opens what the first sealed (and asserts it does).
            assert!(s.time(version, &shape, 2) > Duration::ZERO);
            assert_eq!(s.sealed.len(), 2);
        }
    }
}
