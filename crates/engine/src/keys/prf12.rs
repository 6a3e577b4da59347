//! TLS 1.2 key derivation (RFC 5246 §8.1, §6.3, §7.4.9; RFC 7627 §4): master secret (extended
//! or not), the key block, and Finished verify_data, all through the PRF.

use crate::error::Error;
use crate::provider::{
    tls12_prf, AeadKey, Digest, Secret, SharedSecret, Tls12Suite, AEAD_NONCE_LEN,
};

/// RFC 5246 §8.1: the master secret is 48 bytes.
pub const MASTER_SECRET_LEN: usize = 48;
/// RFC 5246 §7.4.9: verify_data is 12 bytes for every suite here.
pub const VERIFY_DATA_LEN: usize = 12;

/// The master secret: RFC 7627 §4 with `session_hash`, else RFC 5246 §8.1 over the randoms.
pub fn master_secret(
    suite: &Tls12Suite,
    pre_master: &SharedSecret,
    session_hash: Option<&Digest>,
    client_random: &[u8; 32],
    server_random: &[u8; 32],
) -> Result<Secret, Error> {
    let mut out = [0u8; MASTER_SECRET_LEN];
    match session_hash {
        Some(h) => tls12_prf(
            suite.hash,
            pre_master.as_bytes(),
            b"extended master secret",
            h.as_bytes(),
            &[],
            &mut out,
        )?,
        None => tls12_prf(
            suite.hash,
            pre_master.as_bytes(),
            b"master secret",
            client_random,
            server_random,
            &mut out,
        )?,
    }
    let s = Secret::from_slice(&out);
    out.fill(0);
    Ok(s)
}

/// One direction's AEAD key and IV (the 4-byte salt for GCM, 12 bytes for ChaCha20).
pub struct DirectionKeys {
    /// The AEAD key.
    pub key: AeadKey,
    /// The fixed IV, left-aligned.
    pub iv: [u8; AEAD_NONCE_LEN],
}

/// RFC 5246 §6.3: the key block, split into (client write, server write).
pub fn key_block(
    suite: &Tls12Suite,
    master: &Secret,
    client_random: &[u8; 32],
    server_random: &[u8; 32],
) -> Result<(DirectionKeys, DirectionKeys), Error> {
    let (klen, ivlen) = (suite.aead.key_len(), suite.fixed_iv_len());
    let mut block = [0u8; 2 * (32 + 12)];
    let block = &mut block[..2 * (klen + ivlen)];
    // AEAD suites have no MAC keys (RFC 5288 §3).
    tls12_prf(
        suite.hash,
        master.as_bytes(),
        b"key expansion",
        server_random,
        client_random,
        block,
    )?;
    let (ck, rest) = block.split_at(klen);
    let (sk, rest) = rest.split_at(klen);
    let (civ, siv) = rest.split_at(ivlen);
    let mut out_iv = [[0u8; AEAD_NONCE_LEN]; 2];
    out_iv[0][..ivlen].copy_from_slice(civ);
    out_iv[1][..ivlen].copy_from_slice(siv);
    let client = DirectionKeys {
        key: AeadKey::new(suite.aead, ck)?,
        iv: out_iv[0],
    };
    let server = DirectionKeys {
        key: AeadKey::new(suite.aead, sk)?,
        iv: out_iv[1],
    };
    block.fill(0);
    Ok((client, server))
}

/// RFC 5246 §7.4.9: verify_data = PRF(master_secret, label, Hash(handshake_messages))[0..12].
pub fn verify_data(
    suite: &Tls12Suite,
    master: &Secret,
    label: &[u8],
    handshake_hash: &Digest,
) -> Result<[u8; VERIFY_DATA_LEN], Error> {
    let mut out = [0u8; VERIFY_DATA_LEN];
    tls12_prf(
        suite.hash,
        master.as_bytes(),
        label,
        handshake_hash.as_bytes(),
        &[],
        &mut out,
    )?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::{HashAlgorithm, TLS12_ECDHE_RSA_AES_128_GCM};
    use crate::test_util::hex;

    // A published TLS 1.2 PRF (SHA-256) test vector (the IETF TLS list's), 100 bytes.
    #[test]
    fn prf_sha256_vector() {
        let secret = hex("9bbe436ba940f017b17652849a71db35");
        let seed = hex("a0ba9f936cda311827a6f796ffd5198c");
        let mut out = [0u8; 100];
        tls12_prf(
            HashAlgorithm::Sha256,
            &secret,
            b"test label",
            &seed,
            &[],
            &mut out,
        )
        .unwrap();
        assert_eq!(
            out.to_vec(),
            hex("e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66")
        );
    }

    #[test]
    fn key_block_split_lengths() {
        let master = Secret::from_slice(&[7u8; 48]);
        let (c, s) = key_block(&TLS12_ECDHE_RSA_AES_128_GCM, &master, &[1; 32], &[2; 32]).unwrap();
        assert_ne!(c.iv, s.iv);
        assert_eq!(&c.iv[4..], &[0; 8]);
    }
}
