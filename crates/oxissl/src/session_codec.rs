//! Sessions in OpenSSL 3.0's encoding (`i2d_SSL_SESSION`, and PEM "SSL SESSION
//! PARAMETERS"), so a session saved by a program on OpenSSL resumes here and the other way
//! round:
//!
//! ```text
//! SEQUENCE { version INTEGER (1), ssl_version INTEGER, cipher OCTET STRING (2 bytes),
//!   session_id OCTET STRING, master_key OCTET STRING, [1] time INTEGER, [2] timeout INTEGER,
//!   [3] peer Certificate, [4] session_id_context OCTET STRING, [5] verify_result INTEGER,
//!   [6] hostname OCTET STRING, [9] ticket_lifetime_hint INTEGER, [10] ticket OCTET STRING,
//!   [13] flags INTEGER (1: extended master secret), [14] ticket_age_add INTEGER, ... }
//! ```
//!
//! (the context tags are explicit; absent optional fields are omitted). For TLS 1.3 the
//! master key is the ticket's PSK; the session id of a session with a ticket is the SHA-256
//! of the ticket, as OpenSSL sets it. Fields this client does not use are skipped when read.

use oxissl_engine::provider::{tls12_suite, tls13_suite, HashAlgorithm, HashContext, Secret};
use oxissl_engine::{CertificateDer, CertificateError, CipherSuite, Resumption, StoredSession};

/// The PEM label of a session.
pub const PEM_LABEL: &str = "SSL SESSION PARAMETERS";
/// A session encoding larger than this is refused (a certificate and a ticket fit easily).
pub const MAX_SESSION_DER: usize = 64 * 1024;

/// The session id OpenSSL gives a session: the SHA-256 of its ticket, else the TLS 1.2 id.
pub fn session_id(s: &StoredSession) -> Vec<u8> {
    if s.ticket().is_empty() {
        return s.session_id().to_vec();
    }
    let mut h = HashContext::new(HashAlgorithm::Sha256);
    h.update(s.ticket());
    h.current().as_bytes().to_vec()
}

/// A session in PEM.
pub fn to_pem(s: &StoredSession) -> String {
    crate::pem::encode(PEM_LABEL, &encode(s))
}

/// The first session in PEM text.
pub fn from_pem(text: &str) -> Option<StoredSession> {
    decode(&crate::pem::decode(PEM_LABEL, text)?).map(|(_, s)| s)
}

/// OpenSSL's `SSL_SESSION_ASN1_VERSION`.
const ASN1_VERSION: u64 = 1;
/// `SSL_SESS_FLAG_EXTMS`.
const FLAG_EXTMS: u64 = 1;

const INTEGER: u8 = 0x02;
const OCTET_STRING: u8 = 0x04;
const SEQUENCE: u8 = 0x30;
/// An explicit context tag `[n]` (constructed).
const fn ctx(n: u8) -> u8 {
    0xa0 | n
}

fn put_len(out: &mut Vec<u8>, len: usize) {
    match len {
        0..=0x7f => out.push(len as u8),
        0x80..=0xff => out.extend([0x81, len as u8]),
        0x100..=0xffff => out.extend([0x82, (len >> 8) as u8, len as u8]),
        _ => out.extend([0x83, (len >> 16) as u8, (len >> 8) as u8, len as u8]),
    }
}

fn put(out: &mut Vec<u8>, tag: u8, body: &[u8]) {
    out.push(tag);
    put_len(out, body.len());
    out.extend_from_slice(body);
}

/// A non-negative DER INTEGER.
fn integer(v: u64) -> Vec<u8> {
    let bytes = v.to_be_bytes();
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(7);
    let mut body = Vec::with_capacity(9);
    if bytes[first] & 0x80 != 0 {
        body.push(0);
    }
    body.extend_from_slice(&bytes[first..]);
    let mut out = Vec::with_capacity(11);
    put(&mut out, INTEGER, &body);
    out
}

fn octets(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 4);
    put(&mut out, OCTET_STRING, body);
    out
}

/// The DER encoding of a session.
pub fn encode(s: &StoredSession) -> Vec<u8> {
    let version = s.version().0;
    let id = session_id(s);
    let time = s.received.as_secs();
    let master = s.master_key();
    let flags = u64::from(s.extended_master_secret()) * FLAG_EXTMS;
    let age_add = match &s.resumption {
        Resumption::Tls13 { age_add, .. } => Some(*age_add),
        Resumption::Tls12 { .. } => None,
    };
    let mut body = Vec::with_capacity(1024);
    body.extend(integer(ASN1_VERSION));
    body.extend(integer(u64::from(version)));
    body.extend(octets(&s.cipher_suite().0.to_be_bytes()));
    body.extend(octets(&id));
    body.extend(octets(master));
    put(&mut body, ctx(1), &integer(time));
    put(&mut body, ctx(2), &integer(u64::from(s.lifetime)));
    if let Some(leaf) = s.peer_certificates.first() {
        put(&mut body, ctx(3), leaf.as_ref());
    }
    put(&mut body, ctx(4), &octets(&[]));
    if let Some(Err(e)) = &s.verify_result {
        put(
            &mut body,
            ctx(5),
            &integer(u64::try_from(e.x509_v_err()).unwrap_or(1)),
        );
    }
    if let Some(name) = &s.server_name {
        put(&mut body, ctx(6), &octets(name.as_bytes()));
    }
    if !s.ticket().is_empty() {
        put(&mut body, ctx(9), &integer(u64::from(s.lifetime)));
        put(&mut body, ctx(10), &octets(s.ticket()));
    }
    if flags != 0 {
        put(&mut body, ctx(13), &integer(flags));
    }
    if let Some(a) = age_add {
        put(&mut body, ctx(14), &integer(u64::from(a)));
    }
    let mut out = Vec::with_capacity(body.len() + 4);
    put(&mut out, SEQUENCE, &body);
    out
}

/// A DER reader over one level.
struct Der<'a>(&'a [u8]);

impl<'a> Der<'a> {
    /// The next element: its tag and body.
    fn next(&mut self) -> Option<(u8, &'a [u8])> {
        let (&tag, rest) = self.0.split_first()?;
        let (&first, rest) = rest.split_first()?;
        let (len, rest) = match first {
            0..=0x7f => (usize::from(first), rest),
            0x81..=0x83 => {
                let n = usize::from(first & 0x7f);
                if rest.len() < n {
                    return None;
                }
                let len = rest[..n]
                    .iter()
                    .fold(0usize, |a, &b| a << 8 | usize::from(b));
                (len, &rest[n..])
            }
            _ => return None,
        };
        if rest.len() < len {
            return None;
        }
        let (body, rest) = rest.split_at(len);
        self.0 = rest;
        Some((tag, body))
    }

    fn expect(&mut self, tag: u8) -> Option<&'a [u8]> {
        match self.next()? {
            (t, body) if t == tag => Some(body),
            _ => None,
        }
    }
}

/// A non-negative INTEGER's value (at most 64 bits).
fn uint(body: &[u8]) -> Option<u64> {
    // A leading zero octet keeps a value with its top bit set non-negative.
    let (negative, body) = match body {
        [0, rest @ ..] if !rest.is_empty() => (false, rest),
        b => (b.first().is_some_and(|&f| f & 0x80 != 0), b),
    };
    if body.is_empty() || body.len() > 8 || negative {
        return None;
    }
    Some(body.iter().fold(0u64, |a, &b| a << 8 | u64::from(b)))
}

/// The INTEGER inside an explicit context tag's body.
fn tagged_uint(body: &[u8]) -> Option<u64> {
    uint(Der(body).expect(INTEGER)?)
}

/// A session decoded from its DER encoding, with the length the encoding took. Encodings of
/// other versions, suites this client does not have, or sessions without a secret are refused.
pub fn decode(der: &[u8]) -> Option<(usize, StoredSession)> {
    if der.len() > MAX_SESSION_DER {
        return None;
    }
    let mut outer = Der(der);
    let body = outer.expect(SEQUENCE)?;
    let used = der.len() - outer.0.len();
    let mut r = Der(body);
    if uint(r.expect(INTEGER)?)? != ASN1_VERSION {
        return None;
    }
    let version = u16::try_from(uint(r.expect(INTEGER)?)?).ok()?;
    let cipher = r.expect(OCTET_STRING)?;
    let suite = CipherSuite(u16::from_be_bytes(cipher.try_into().ok()?));
    let id = r.expect(OCTET_STRING)?.to_vec();
    let master = r.expect(OCTET_STRING)?;
    let (mut time, mut timeout) = (0i64, 0i64);
    let (mut peer, mut verify, mut hostname) = (None, 0u64, None);
    let (mut hint, mut ticket, mut flags, mut age_add) = (0u64, Vec::new(), 0u64, 0u64);
    while let Some((tag, field)) = r.next() {
        match tag {
            t if t == ctx(1) => time = i64::try_from(tagged_uint(field)?).ok()?,
            t if t == ctx(2) => timeout = i64::try_from(tagged_uint(field)?).ok()?,
            t if t == ctx(3) => peer = Some(field.to_vec()),
            t if t == ctx(5) => verify = tagged_uint(field)?,
            t if t == ctx(6) => {
                hostname = Some(String::from_utf8(Der(field).expect(OCTET_STRING)?.to_vec()).ok()?)
            }
            t if t == ctx(9) => hint = tagged_uint(field)?,
            t if t == ctx(10) => ticket = Der(field).expect(OCTET_STRING)?.to_vec(),
            t if t == ctx(13) => flags = tagged_uint(field)?,
            t if t == ctx(14) => age_add = tagged_uint(field)?,
            // Session id context, PSK identities, ALPN, early data, group ...: not used.
            _ => {}
        }
    }
    let resumption = match version {
        0x0304 => Resumption::Tls13 {
            ticket: ticket.clone(),
            psk: Secret::from_slice(master),
            suite: tls13_suite(suite)?,
            age_add: u32::try_from(age_add).ok()?,
        },
        0x0303 => Resumption::Tls12 {
            session_id: id.clone(),
            ticket: ticket.clone(),
            master_secret: Secret::from_slice(master),
            suite: tls12_suite(suite)?,
            extended_master_secret: flags & FLAG_EXTMS != 0,
        },
        _ => return None,
    };
    if master.is_empty() || master.len() > 48 || (ticket.is_empty() && id.is_empty()) {
        return None;
    }
    let lifetime = match (hint, timeout) {
        (0, t) => u32::try_from(t).unwrap_or(u32::MAX),
        (h, _) => u32::try_from(h).unwrap_or(u32::MAX),
    };
    let session = StoredSession {
        resumption,
        lifetime,
        received: oxissl_engine::UnixTime::since_unix_epoch(std::time::Duration::from_secs(
            u64::try_from(time).unwrap_or(0),
        )),
        peer_certificates: peer.map(CertificateDer::from).into_iter().collect(),
        verify_result: Some(match verify {
            0 => Ok(()),
            code => Err(CertificateError::from_x509_v_err(
                i64::try_from(code).unwrap_or(1),
            )),
        }),
        server_name: hostname,
    };
    Some((used, session))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_round_trip() {
        for v in [
            0u64,
            1,
            0x7f,
            0x80,
            0x1c20,
            0x951831d4,
            u64::from(u32::MAX),
            u64::MAX,
        ] {
            let enc = integer(v);
            let mut r = Der(&enc);
            assert_eq!(uint(r.expect(INTEGER).unwrap()), Some(v));
        }
        assert_eq!(integer(0x80), [2, 2, 0, 0x80]);
        // A negative INTEGER is refused.
        assert_eq!(uint(&[0x80]), None);
    }
}
