//! The TLS 1.3 key schedule (RFC 8446 §7.1) as a chain of types: `EarlySecret` ->
//! `HandshakeSecret` -> `MasterSecret`. Each stage is consumed to make the next, so a secret
//! cannot be derived from the wrong stage. Also traffic keys (§7.3), Finished (§4.4.4) and
//! KeyUpdate (§7.2).

use std::sync::OnceLock;

use crate::error::Error;
use crate::keys::exporter::SecretBytes;
use crate::provider::{
    hkdf_expand, hkdf_extract, hmac, AeadKey, Digest, HashAlgorithm, HashContext, HmacKey, Secret,
    SharedSecret, Tls13Suite, AEAD_NONCE_LEN, MAX_HASH_LEN,
};

/// The longest HKDF label we build: 2 + 1 + "tls13 " + label (at most 12) + 1 + hash (48).
const MAX_LABEL_LEN: usize = 2 + 1 + 6 + 12 + 1 + 48;

/// HKDF-Expand-Label (RFC 8446 §7.1).
pub fn expand_label(
    hash: HashAlgorithm,
    secret: &[u8],
    label: &[u8],
    context: &[u8],
    out: &mut [u8],
) {
    let mut info = [0u8; MAX_LABEL_LEN];
    let n = 2 + 1 + 6 + label.len() + 1 + context.len();
    info[..2].copy_from_slice(&(out.len() as u16).to_be_bytes());
    info[2] = (6 + label.len()) as u8;
    info[3..9].copy_from_slice(b"tls13 ");
    info[9..9 + label.len()].copy_from_slice(label);
    info[9 + label.len()] = context.len() as u8;
    info[10 + label.len()..n].copy_from_slice(context);
    hkdf_expand(hash, secret, &[&info[..n]], out);
}

fn expand_secret(hash: HashAlgorithm, secret: &Secret, label: &[u8], context: &[u8]) -> Secret {
    let mut buf = [0u8; MAX_HASH_LEN];
    let buf = &mut buf[..hash.output_len()];
    expand_label(hash, secret.as_bytes(), label, context, buf);
    let out = Secret::from_slice(buf);
    buf.fill(0);
    out
}

/// Derive-Secret(secret, label, transcript_hash) (RFC 8446 §7.1).
fn derive_secret(hash: HashAlgorithm, secret: &Secret, label: &[u8], th: &Digest) -> Secret {
    expand_secret(hash, secret, label, th.as_bytes())
}

/// The parts of the schedule that depend on no secret: Transcript-Hash(""), and without a PSK
/// the Early Secret HKDF-Extract(0, 0) and Derive-Secret(., "derived", "") (RFC 8446 §7.1).
/// Public constants, computed once per hash.
struct Constants {
    empty_hash: Digest,
    early: Secret,
    /// Derive-Secret(early, "derived", "") as the HMAC key of the Handshake Secret's HKDF-Extract.
    derived_key: HmacKey,
    /// The zero salt as the HMAC key of the Early Secret's HKDF-Extract with a PSK.
    zero_key: HmacKey,
}

fn constants(hash: HashAlgorithm) -> &'static Constants {
    static SHA256: OnceLock<Constants> = OnceLock::new();
    static SHA384: OnceLock<Constants> = OnceLock::new();
    let cell = match hash {
        HashAlgorithm::Sha256 => &SHA256,
        HashAlgorithm::Sha384 => &SHA384,
    };
    cell.get_or_init(|| {
        let empty_hash = HashContext::new(hash).current();
        let zero = Secret::zeroes(hash.output_len());
        let early = hkdf_extract(hash, zero.as_bytes(), zero.as_bytes());
        let derived = derive_secret(hash, &early, b"derived", &empty_hash);
        Constants {
            empty_hash,
            early,
            derived_key: HmacKey::new(hash, derived.as_bytes()),
            zero_key: HmacKey::new(hash, zero.as_bytes()),
        }
    })
}

fn empty_hash(hash: HashAlgorithm) -> &'static Digest {
    &constants(hash).empty_hash
}

/// The Early Secret: HKDF-Extract(0, PSK or 0).
#[derive(Clone)]
pub struct EarlySecret {
    hash: HashAlgorithm,
    secret: Secret,
    /// Whether a PSK went in (else the next stage starts from constants).
    psk: bool,
}

impl EarlySecret {
    /// The early secret for a handshake without a PSK.
    pub fn without_psk(hash: HashAlgorithm) -> Self {
        let c = constants(hash);
        Self {
            hash,
            secret: c.early.clone(),
            psk: false,
        }
    }

    /// The early secret for a resumption PSK: HKDF-Extract(0, PSK) (RFC 8446 §7.1).
    pub fn with_psk(hash: HashAlgorithm, psk: &Secret) -> Self {
        Self {
            hash,
            secret: constants(hash).zero_key.sign(&[psk.as_bytes()]),
            psk: true,
        }
    }

    /// The PSK binder over `truncated_hello_hash` (RFC 8446 §4.2.11.2): the Finished
    /// computation keyed by binder_key = Derive-Secret(early, "res binder", "").
    pub fn resumption_binder(&self, truncated_hello_hash: &Digest) -> Secret {
        let binder_key = derive_secret(
            self.hash,
            &self.secret,
            b"res binder",
            empty_hash(self.hash),
        );
        finished_verify_data(self.hash, &binder_key, truncated_hello_hash)
    }

    /// Mixes in the (EC)DHE shared secret: the Handshake Secret.
    pub fn into_handshake(self, shared: &SharedSecret) -> HandshakeSecret {
        let secret = if self.psk {
            let derived = derive_secret(self.hash, &self.secret, b"derived", empty_hash(self.hash));
            hkdf_extract(self.hash, derived.as_bytes(), shared.as_bytes())
        } else {
            // HKDF-Extract(salt, IKM) is HMAC(salt, IKM) (RFC 5869 §2.2).
            constants(self.hash).derived_key.sign(&[shared.as_bytes()])
        };
        HandshakeSecret {
            hash: self.hash,
            secret,
        }
    }
}

/// The Handshake Secret.
pub struct HandshakeSecret {
    hash: HashAlgorithm,
    secret: Secret,
}

/// Client and server traffic secrets for one stage.
pub struct TrafficSecrets {
    /// client_*_traffic_secret.
    pub client: Secret,
    /// server_*_traffic_secret.
    pub server: Secret,
}

impl HandshakeSecret {
    /// client/server_handshake_traffic_secret over the transcript through ServerHello.
    pub fn traffic_secrets(&self, th: &Digest) -> TrafficSecrets {
        TrafficSecrets {
            client: derive_secret(self.hash, &self.secret, b"c hs traffic", th),
            server: derive_secret(self.hash, &self.secret, b"s hs traffic", th),
        }
    }

    /// The Master Secret.
    pub fn into_master(self) -> MasterSecret {
        let derived = derive_secret(self.hash, &self.secret, b"derived", empty_hash(self.hash));
        let zero = Secret::zeroes(self.hash.output_len());
        MasterSecret {
            hash: self.hash,
            secret: hkdf_extract(self.hash, derived.as_bytes(), zero.as_bytes()),
        }
    }
}

/// The Master Secret.
pub struct MasterSecret {
    hash: HashAlgorithm,
    secret: Secret,
}

impl MasterSecret {
    /// client/server_application_traffic_secret_0 over the transcript through server Finished.
    pub fn traffic_secrets(&self, th: &Digest) -> TrafficSecrets {
        TrafficSecrets {
            client: derive_secret(self.hash, &self.secret, b"c ap traffic", th),
            server: derive_secret(self.hash, &self.secret, b"s ap traffic", th),
        }
    }

    /// exporter_master_secret over the transcript through server Finished.
    pub fn exporter_secret(&self, th: &Digest) -> Secret {
        derive_secret(self.hash, &self.secret, b"exp master", th)
    }

    /// resumption_master_secret over the transcript through client Finished.
    pub fn resumption_secret(&self, th: &Digest) -> Secret {
        derive_secret(self.hash, &self.secret, b"res master", th)
    }

    /// What exporters need later (`exporter::export13_from_master`): this secret and the
    /// transcript hash through server Finished, back to back.
    pub fn into_exporter_inputs(self, server_finished: &Digest) -> SecretBytes {
        SecretBytes::new(&[self.secret.as_bytes(), server_finished.as_bytes()])
    }
}

/// The next traffic secret after a KeyUpdate (RFC 8446 §7.2).
pub fn next_traffic_secret(hash: HashAlgorithm, secret: &Secret) -> Secret {
    expand_secret(hash, secret, b"traffic upd", b"")
}

/// The PSK for a ticket: HKDF-Expand-Label(resumption_master_secret, "resumption", nonce).
pub fn ticket_psk(hash: HashAlgorithm, resumption: &Secret, nonce: &[u8]) -> Secret {
    expand_secret(hash, resumption, b"resumption", nonce)
}

/// Finished verify_data (RFC 8446 §4.4.4) over `th` with the base key `secret`.
pub fn finished_verify_data(hash: HashAlgorithm, secret: &Secret, th: &Digest) -> Secret {
    let finished_key = expand_secret(hash, secret, b"finished", b"");
    hmac(hash, finished_key.as_bytes(), &[th.as_bytes()])
}

/// The write/read key and IV derived from a traffic secret (RFC 8446 §7.3).
pub fn traffic_key(
    suite: &Tls13Suite,
    secret: &Secret,
) -> Result<(AeadKey, [u8; AEAD_NONCE_LEN]), Error> {
    let mut key = [0u8; 32];
    let key = &mut key[..suite.aead.key_len()];
    expand_label(suite.hash, secret.as_bytes(), b"key", b"", key);
    let mut iv = [0u8; AEAD_NONCE_LEN];
    expand_label(suite.hash, secret.as_bytes(), b"iv", b"", &mut iv);
    let k = AeadKey::new(suite.aead, key);
    key.fill(0);
    Ok((k?, iv))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::TLS13_AES_128_GCM_SHA256;
    use crate::test_util::hex;

    #[test]
    fn constants_match_a_fresh_computation() {
        for hash in [HashAlgorithm::Sha256, HashAlgorithm::Sha384] {
            let zero = Secret::zeroes(hash.output_len());
            let early = hkdf_extract(hash, zero.as_bytes(), zero.as_bytes());
            let empty = HashContext::new(hash).current();
            let derived = derive_secret(hash, &early, b"derived", &empty);
            let c = constants(hash);
            assert_eq!(c.empty_hash.as_bytes(), empty.as_bytes());
            assert_eq!(c.early.as_bytes(), early.as_bytes());
            let x = [9u8; 32];
            assert_eq!(
                c.derived_key.sign(&[&x]).as_bytes(),
                hkdf_extract(hash, derived.as_bytes(), &x).as_bytes()
            );
            assert_eq!(
                c.zero_key.sign(&[&x]).as_bytes(),
                hkdf_extract(hash, zero.as_bytes(), &x).as_bytes()
            );
            // Without a PSK, with_psk over a zero PSK is the same schedule.
            let shared = SharedSecret::from_slice(&[5; 32]);
            let a = EarlySecret::without_psk(hash).into_handshake(&shared);
            let b = EarlySecret::with_psk(hash, &zero).into_handshake(&shared);
            assert_eq!(a.secret.as_bytes(), b.secret.as_bytes());
        }
    }

    // RFC 8448 §3 (Simple 1-RTT Handshake), client side values.
    #[test]
    fn rfc8448_schedule() {
        let hash = HashAlgorithm::Sha256;
        let early = EarlySecret::without_psk(hash);
        assert_eq!(
            early.secret.as_bytes(),
            hex("33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a")
        );
        let shared = SharedSecret::from_slice(&hex(
            "8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d",
        ));
        let hs = early.into_handshake(&shared);
        assert_eq!(
            hs.secret.as_bytes(),
            hex("1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac")
        );
        let th = Secret::from_slice(&hex(
            "860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8",
        ));
        let ts = hs.traffic_secrets(&th);
        assert_eq!(
            ts.client.as_bytes(),
            hex("b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21")
        );
        assert_eq!(
            ts.server.as_bytes(),
            hex("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38")
        );
        let master = hs.into_master();
        assert_eq!(
            master.secret.as_bytes(),
            hex("18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919")
        );
        let (_, iv) = traffic_key(&TLS13_AES_128_GCM_SHA256, &ts.server).unwrap();
        assert_eq!(iv.to_vec(), hex("5d313eb2671276ee13000b30"));
    }
}
