//! Keying material exporters: TLS 1.3 (RFC 8446 §7.5) and TLS 1.2 (RFC 5705 §4).

use crate::provider::{hkdf_expand, tls12_prf, HashAlgorithm, HashContext, Secret, MAX_HASH_LEN};

/// Secret bytes of any length in one allocation, wiped when dropped: what a connection keeps
/// for exporters, sized to the suite's hash rather than to the largest one.
pub struct SecretBytes(Box<[u8]>);

impl SecretBytes {
    /// A copy of `parts`, back to back.
    pub fn new(parts: &[&[u8]]) -> Self {
        Self(parts.concat().into_boxed_slice())
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl Drop for SecretBytes {
    fn drop(&mut self) {
        self.0.fill(0);
        core::hint::black_box(&self.0);
    }
}

/// The longest label: HkdfLabel's label is `opaque label<7..255>` and starts with "tls13 "
/// (RFC 8446 §7.1).
pub const MAX_LABEL_LEN: usize = 255 - 6;
/// The longest TLS 1.2 context: its length is sent in two bytes (RFC 5705 §4).
pub const MAX_TLS12_CONTEXT_LEN: usize = u16::MAX as usize;
/// The most keying material one TLS 1.2 export produces. RFC 5705 sets no bound; this one keeps
/// a request from a program bounded.
pub const MAX_TLS12_EXPORT_LEN: usize = 1 << 16;

/// Labels the TLS 1.2 PRF already uses; an exporter must not collide with them (RFC 5705 §4,
/// RFC 5246 §8.1, §6.3, §7.4.9, RFC 7627 §4).
const RESERVED_TLS12_LABELS: [&[u8]; 5] = [
    b"client finished",
    b"server finished",
    b"master secret",
    b"extended master secret",
    b"key expansion",
];

/// Why keying material could not be exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportError {
    /// The label is longer than `MAX_LABEL_LEN`.
    LabelTooLong,
    /// The label is one the TLS 1.2 PRF uses itself.
    ReservedLabel,
    /// The context is longer than `MAX_TLS12_CONTEXT_LEN`.
    ContextTooLong,
    /// More output than the exporter can produce (255 hash lengths in TLS 1.3, RFC 5869 §2.3;
    /// `MAX_TLS12_EXPORT_LEN` in TLS 1.2) or none at all.
    BadLength,
}

/// TLS-Exporter(label, context, out.len()) from exporter_master_secret (RFC 8446 §7.5):
/// HKDF-Expand-Label(Derive-Secret(secret, label, ""), "exporter", Hash(context), length).
/// No context and an empty one are the same in TLS 1.3.
pub fn export13(
    hash: HashAlgorithm,
    exporter_master: &Secret,
    label: &[u8],
    context: &[u8],
    out: &mut [u8],
) -> Result<(), ExportError> {
    if label.len() > MAX_LABEL_LEN {
        return Err(ExportError::LabelTooLong);
    }
    if out.is_empty() || out.len() > 255 * hash.output_len() {
        return Err(ExportError::BadLength);
    }
    let digest = |data: &[u8]| {
        let mut h = HashContext::new(hash);
        h.update(data);
        h.current()
    };
    let mut derived = [0u8; MAX_HASH_LEN];
    let derived = &mut derived[..hash.output_len()];
    expand_label(
        hash,
        exporter_master.as_bytes(),
        label,
        digest(b"").as_bytes(),
        derived,
    );
    expand_label(hash, derived, b"exporter", digest(context).as_bytes(), out);
    derived.fill(0);
    Ok(())
}

/// TLS-Exporter from the Master Secret and the transcript hash through server Finished, kept
/// back to back in `inputs` (hash-length each): exporter_master_secret is Derive-Secret(Master
/// Secret, "exp master", that hash) (RFC 8446 §7.1), then as `export13`.
pub fn export13_from_master(
    hash: HashAlgorithm,
    inputs: &SecretBytes,
    label: &[u8],
    context: &[u8],
    out: &mut [u8],
) -> Result<(), ExportError> {
    let n = hash.output_len();
    let (master, th) = inputs.as_bytes().split_at(n);
    let mut secret = [0u8; MAX_HASH_LEN];
    expand_label(hash, master, b"exp master", th, &mut secret[..n]);
    let exporter_master = Secret::from_slice(&secret[..n]);
    secret.fill(0);
    export13(hash, &exporter_master, label, context, out)
}

/// HKDF-Expand-Label (RFC 8446 §7.1) for a label of any allowed length.
fn expand_label(hash: HashAlgorithm, secret: &[u8], label: &[u8], context: &[u8], out: &mut [u8]) {
    let length = (out.len() as u16).to_be_bytes();
    let label_len = [(6 + label.len()) as u8];
    let context_len = [context.len() as u8];
    hkdf_expand(
        hash,
        secret,
        &[&length, &label_len, b"tls13 ", label, &context_len, context],
        out,
    );
}

/// The TLS 1.2 exporter (RFC 5705 §4): PRF(master_secret, label, client_random +
/// server_random [+ context_length + context]). Unlike TLS 1.3, no context and an empty one
/// differ.
pub fn export12(
    hash: HashAlgorithm,
    master: &Secret,
    client_random: &[u8; 32],
    server_random: &[u8; 32],
    label: &[u8],
    context: Option<&[u8]>,
    out: &mut [u8],
) -> Result<(), ExportError> {
    if RESERVED_TLS12_LABELS.contains(&label) {
        return Err(ExportError::ReservedLabel);
    }
    if out.is_empty() || out.len() > MAX_TLS12_EXPORT_LEN {
        return Err(ExportError::BadLength);
    }
    let mut seed = Vec::with_capacity(64 + 2 + context.map_or(0, <[u8]>::len));
    seed.extend_from_slice(client_random);
    seed.extend_from_slice(server_random);
    if let Some(context) = context {
        let len = u16::try_from(context.len()).map_err(|_| ExportError::ContextTooLong)?;
        seed.extend_from_slice(&len.to_be_bytes());
        seed.extend_from_slice(context);
    }
    tls12_prf(hash, master.as_bytes(), label, &seed, &[], out).map_err(|_| ExportError::BadLength)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls13_exporter_follows_the_two_step_derivation() {
        // The same value computed through the schedule's own Derive-Secret/Expand-Label path
        // for a short label: the long-label path here must agree with it.
        let hash = HashAlgorithm::Sha256;
        let ems = Secret::from_slice(&[7u8; 32]);
        let mut got = [0u8; 40];
        export13(hash, &ems, b"EXPERIMENTAL x", b"ctx", &mut got).unwrap();

        let digest = |data: &[u8]| {
            let mut h = HashContext::new(hash);
            h.update(data);
            h.current()
        };
        let mut derived = [0u8; 32];
        crate::keys::schedule13::expand_label(
            hash,
            ems.as_bytes(),
            b"EXPERIMENTAL x",
            digest(b"").as_bytes(),
            &mut derived,
        );
        let mut want = [0u8; 40];
        crate::keys::schedule13::expand_label(
            hash,
            &derived,
            b"exporter",
            digest(b"ctx").as_bytes(),
            &mut want,
        );
        assert_eq!(got, want);
    }

    #[test]
    fn tls13_exporter_depends_on_label_context_and_length() {
        let hash = HashAlgorithm::Sha384;
        let ems = Secret::from_slice(&[1u8; 48]);
        let run = |label: &[u8], ctx: &[u8], n: usize| {
            let mut out = vec![0u8; n];
            export13(hash, &ems, label, ctx, &mut out).unwrap();
            out
        };
        let base = run(b"a", b"", 32);
        assert_ne!(base, run(b"b", b"", 32));
        assert_ne!(base, run(b"a", b"x", 32));
        // The length is part of HkdfLabel, so a shorter output is not a prefix.
        assert_ne!(base[..16], run(b"a", b"", 16)[..]);
        // The longest label and output are accepted; one more byte of either is not.
        let long = vec![b'l'; MAX_LABEL_LEN];
        run(&long, b"", 255 * 48);
        let mut out = vec![0u8; 32];
        let longer = vec![b'l'; MAX_LABEL_LEN + 1];
        assert_eq!(
            export13(hash, &ems, &longer, b"", &mut out),
            Err(ExportError::LabelTooLong)
        );
        let mut out = vec![0u8; 255 * 48 + 1];
        assert_eq!(
            export13(hash, &ems, b"a", b"", &mut out),
            Err(ExportError::BadLength)
        );
        assert_eq!(
            export13(hash, &ems, b"a", b"", &mut []),
            Err(ExportError::BadLength)
        );
    }

    #[test]
    fn tls12_exporter_is_the_prf_over_the_randoms_and_context() {
        let hash = HashAlgorithm::Sha256;
        let master = Secret::from_slice(&[0xab; 48]);
        let (cr, sr) = ([1u8; 32], [2u8; 32]);
        let mut got = [0u8; 20];
        export12(
            hash,
            &master,
            &cr,
            &sr,
            b"EXPERIMENTAL y",
            Some(b"ctx"),
            &mut got,
        )
        .unwrap();
        let mut seed = [cr, sr].concat();
        seed.extend_from_slice(&[0, 3]);
        seed.extend_from_slice(b"ctx");
        let mut want = [0u8; 20];
        tls12_prf(
            hash,
            master.as_bytes(),
            b"EXPERIMENTAL y",
            &seed,
            &[],
            &mut want,
        )
        .unwrap();
        assert_eq!(got, want);

        // No context differs from an empty one (RFC 5705 §4).
        let mut none = [0u8; 20];
        let mut empty = [0u8; 20];
        export12(hash, &master, &cr, &sr, b"l", None, &mut none).unwrap();
        export12(hash, &master, &cr, &sr, b"l", Some(b""), &mut empty).unwrap();
        assert_ne!(none, empty);
    }

    #[test]
    fn tls12_exporter_refuses_prf_labels_and_oversized_inputs() {
        let hash = HashAlgorithm::Sha256;
        let master = Secret::from_slice(&[3u8; 48]);
        let (cr, sr) = ([1u8; 32], [2u8; 32]);
        let mut out = [0u8; 12];
        for label in RESERVED_TLS12_LABELS {
            assert_eq!(
                export12(hash, &master, &cr, &sr, label, None, &mut out),
                Err(ExportError::ReservedLabel)
            );
        }
        let big = vec![0u8; MAX_TLS12_CONTEXT_LEN + 1];
        assert_eq!(
            export12(hash, &master, &cr, &sr, b"l", Some(&big), &mut out),
            Err(ExportError::ContextTooLong)
        );
        let mut huge = vec![0u8; MAX_TLS12_EXPORT_LEN + 1];
        assert_eq!(
            export12(hash, &master, &cr, &sr, b"l", None, &mut huge),
            Err(ExportError::BadLength)
        );
    }
}
