//! Handshake messages a TLS 1.3 client sends and receives (RFC 8446 §4): encoders for what the
//! client sends, decoders for what the server sends. Decoders borrow from the input and reject
//! trailing bytes.

use super::codec::{put_u16, put_u24, put_vec, put_vec16, put_vec8, Reader};
use super::enums::{
    CipherSuite, ExtensionType, HandshakeType, NamedGroup, ProtocolVersion, SignatureScheme,
};
use super::extensions::{parse_block, RawExtension};
use crate::error::{Error, InvalidMessage, PeerMisbehaved};

/// Length of the handshake message header (type + u24 length).
pub const HANDSHAKE_HEADER_LEN: usize = 4;

/// ServerHello.random of a HelloRetryRequest (RFC 8446 §4.1.3).
pub const HRR_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// Downgrade sentinel for a TLS 1.2 ServerHello from a TLS 1.3 server (RFC 8446 §4.1.3).
pub const DOWNGRADE_TLS12: [u8; 8] = *b"DOWNGRD\x01";
/// Downgrade sentinel for a TLS 1.1-or-below ServerHello (RFC 8446 §4.1.3).
pub const DOWNGRADE_TLS11: [u8; 8] = *b"DOWNGRD\x00";

/// Writes a handshake message: the header, then what `body` appends.
pub fn encode_message(out: &mut Vec<u8>, typ: HandshakeType, body: impl FnOnce(&mut Vec<u8>)) {
    out.push(typ.0);
    put_vec(out, 3, body);
}

/// A decoded handshake message header and its body.
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    /// The message type.
    pub typ: HandshakeType,
    /// The body (without the header).
    pub body: &'a [u8],
    /// The whole encoding, header included (what the transcript hashes).
    pub encoded: &'a [u8],
}

/// What the client offers in its ClientHello.
#[derive(Debug, Clone)]
pub struct ClientHello<'a> {
    /// ClientHello.random.
    pub random: [u8; 32],
    /// legacy_session_id: 32 bytes in middlebox compatibility mode, else empty.
    pub session_id: &'a [u8],
    /// Cipher suites in preference order.
    pub cipher_suites: &'a [CipherSuite],
    /// server_name, when sent (RFC 6066 §3).
    pub server_name: Option<&'a str>,
    /// Whether status_request asks for a stapled OCSP response (RFC 6066 §8).
    pub status_request: bool,
    /// max_fragment_length's code (RFC 6066 §4), when asked for.
    pub max_fragment_length: Option<u8>,
    /// supported_groups.
    pub groups: &'a [NamedGroup],
    /// signature_algorithms.
    pub signature_schemes: &'a [SignatureScheme],
    /// signature_algorithms_cert.
    pub cert_signature_schemes: &'a [SignatureScheme],
    /// key_share: the one share offered; `None` when TLS 1.3 is not offered.
    pub key_share: Option<(NamedGroup, &'a [u8])>,
    /// post_handshake_auth (RFC 8446 §4.2.6), sent with TLS 1.3 only.
    pub post_handshake_auth: bool,
    /// supported_versions, in preference order.
    pub versions: &'a [ProtocolVersion],
    /// ALPN protocols (RFC 7301); empty means the extension is not sent.
    pub alpn: &'a [Vec<u8>],
    /// cookie from a HelloRetryRequest.
    pub cookie: Option<&'a [u8]>,
    /// Whether TLS 1.2 is offered: adds ec_point_formats and extended_master_secret, and
    /// TLS_EMPTY_RENEGOTIATION_INFO_SCSV to the cipher suites.
    pub tls12: bool,
    /// session_ticket (RFC 5077 §3.2), sent only with TLS 1.2: empty to ask for a ticket, or
    /// the ticket of the session being resumed.
    pub session_ticket: Option<&'a [u8]>,
    /// pre_shared_key (RFC 8446 §4.2.11): one identity, its obfuscated age and the binder
    /// length. Encoded last, with the binder zeroed for the caller to fill in.
    pub psk: Option<(&'a [u8], u32, usize)>,
}

/// CertificateStatusType ocsp (RFC 6066 §8).
pub const STATUS_TYPE_OCSP: u8 = 1;

/// Decodes a CertificateStatus body (RFC 6066 §8; in TLS 1.3 the body of a CertificateEntry's
/// status_request extension, RFC 8446 §4.4.2.1): ocsp(1) and a non-empty
/// `OCSPResponse<1..2^24-1>`, nothing after it.
pub fn decode_certificate_status(body: &[u8]) -> Result<&[u8], Error> {
    let mut r = Reader::new(body);
    if r.u8()? != STATUS_TYPE_OCSP {
        return Err(PeerMisbehaved::IllegalParameter("certificate status type").into());
    }
    let response = r.vec24()?;
    if response.is_empty() {
        return Err(InvalidMessage::EmptyVector.into());
    }
    r.finish()?;
    Ok(response)
}

/// The bytes at the end of an encoded ClientHello that the PSK binder list occupies
/// (RFC 8446 §4.2.11.2: the binders are left out of the hash they are computed over).
pub const fn binders_wire_len(binder_len: usize) -> usize {
    2 + 1 + binder_len
}

impl ClientHello<'_> {
    /// The extension types this ClientHello sends (for the solicitation check).
    pub fn extension_types(&self) -> Vec<ExtensionType> {
        let mut v = Vec::with_capacity(13);
        if self.server_name.is_some() {
            v.push(ExtensionType::SERVER_NAME);
        }
        if self.status_request {
            v.push(ExtensionType::STATUS_REQUEST);
        }
        if self.max_fragment_length.is_some() {
            v.push(ExtensionType::MAX_FRAGMENT_LENGTH);
        }
        v.extend([
            ExtensionType::SUPPORTED_GROUPS,
            ExtensionType::SIGNATURE_ALGORITHMS,
            ExtensionType::SIGNATURE_ALGORITHMS_CERT,
        ]);
        if self.key_share.is_some() {
            v.extend([
                ExtensionType::KEY_SHARE,
                ExtensionType::SUPPORTED_VERSIONS,
                ExtensionType::PSK_KEY_EXCHANGE_MODES,
            ]);
            if self.post_handshake_auth {
                v.push(ExtensionType::POST_HANDSHAKE_AUTH);
            }
        }
        if self.tls12 {
            v.extend([
                ExtensionType::EC_POINT_FORMATS,
                ExtensionType::EXTENDED_MASTER_SECRET,
                // RFC 5746 §3.6: the SCSV solicits the server's renegotiation_info.
                ExtensionType::RENEGOTIATION_INFO,
            ]);
            if self.session_ticket.is_some() {
                v.push(ExtensionType::SESSION_TICKET);
            }
        }
        if !self.alpn.is_empty() {
            v.push(ExtensionType::ALPN);
        }
        if self.cookie.is_some() {
            v.push(ExtensionType::COOKIE);
        }
        if self.psk.is_some() {
            v.push(ExtensionType::PRE_SHARED_KEY);
        }
        v
    }

    /// Appends the encoded message, header included (RFC 8446 §4.1.2).
    pub fn encode(&self, out: &mut Vec<u8>) {
        encode_message(out, HandshakeType::CLIENT_HELLO, |o| {
            put_u16(o, ProtocolVersion::TLS12.0);
            o.extend_from_slice(&self.random);
            put_vec8(o, self.session_id);
            put_vec(o, 2, |o| {
                self.cipher_suites.iter().for_each(|s| put_u16(o, s.0));
                // RFC 5746 §3.4: the SCSV or an empty renegotiation_info on the initial
                // handshake; the SCSV, as OpenSSL's client sends it, costs two bytes.
                if self.tls12 {
                    put_u16(o, CipherSuite::TLS_EMPTY_RENEGOTIATION_INFO_SCSV.0);
                }
            });
            put_vec8(o, &[0]);
            put_vec(o, 2, |o| self.encode_extensions(o));
        });
    }

    fn encode_extensions(&self, o: &mut Vec<u8>) {
        let ext = |o: &mut Vec<u8>, typ: ExtensionType, body: &dyn Fn(&mut Vec<u8>)| {
            put_u16(o, typ.0);
            put_vec(o, 2, body);
        };
        if let Some(name) = self.server_name {
            // RFC 6066 §3: ServerNameList with one host_name entry.
            ext(o, ExtensionType::SERVER_NAME, &|o| {
                put_vec(o, 2, |o| {
                    o.push(0);
                    put_vec16(o, name.as_bytes());
                })
            });
        }
        if let Some(code) = self.max_fragment_length {
            // RFC 6066 §4: one byte, the length's code.
            ext(o, ExtensionType::MAX_FRAGMENT_LENGTH, &|o| o.push(code));
        }
        if self.status_request {
            // RFC 6066 §8: CertificateStatusRequest for ocsp(1), with no responder ids and no
            // request extensions.
            ext(o, ExtensionType::STATUS_REQUEST, &|o| {
                o.push(STATUS_TYPE_OCSP);
                put_vec16(o, &[]);
                put_vec16(o, &[]);
            });
        }
        ext(o, ExtensionType::SUPPORTED_GROUPS, &|o| {
            put_vec(o, 2, |o| self.groups.iter().for_each(|g| put_u16(o, g.0)))
        });
        ext(o, ExtensionType::SIGNATURE_ALGORITHMS, &|o| {
            put_vec(o, 2, |o| {
                self.signature_schemes.iter().for_each(|s| put_u16(o, s.0))
            })
        });
        ext(o, ExtensionType::SIGNATURE_ALGORITHMS_CERT, &|o| {
            put_vec(o, 2, |o| {
                self.cert_signature_schemes
                    .iter()
                    .for_each(|s| put_u16(o, s.0))
            })
        });
        if !self.alpn.is_empty() {
            ext(o, ExtensionType::ALPN, &|o| {
                put_vec(o, 2, |o| self.alpn.iter().for_each(|p| put_vec8(o, p)))
            });
        }
        if let Some((group, public)) = self.key_share {
            // RFC 8446 §4.2.8: KeyShareClientHello.
            ext(o, ExtensionType::KEY_SHARE, &|o| {
                put_vec(o, 2, |o| {
                    put_u16(o, group.0);
                    put_vec16(o, public);
                })
            });
            ext(o, ExtensionType::SUPPORTED_VERSIONS, &|o| {
                put_vec(o, 1, |o| self.versions.iter().for_each(|v| put_u16(o, v.0)))
            });
            // RFC 8446 §4.2.9: psk_dhe_ke only.
            ext(o, ExtensionType::PSK_KEY_EXCHANGE_MODES, &|o| {
                put_vec8(o, &[1])
            });
            // RFC 8446 §4.2.6: empty.
            if self.post_handshake_auth {
                ext(o, ExtensionType::POST_HANDSHAKE_AUTH, &|_| {});
            }
        }
        if self.tls12 {
            // RFC 8422 §5.1.2: uncompressed points only.
            ext(o, ExtensionType::EC_POINT_FORMATS, &|o| put_vec8(o, &[0]));
            // RFC 7627 §5.1: empty.
            ext(o, ExtensionType::EXTENDED_MASTER_SECRET, &|_| {});
            // RFC 5077 §3.2: the ticket itself is the extension body.
            if let Some(ticket) = self.session_ticket {
                ext(o, ExtensionType::SESSION_TICKET, &|o| {
                    o.extend_from_slice(ticket)
                });
            }
        }
        if let Some(cookie) = self.cookie {
            ext(o, ExtensionType::COOKIE, &|o| put_vec16(o, cookie));
        }
        // RFC 8446 §4.2.11: "MUST be the last extension in the ClientHello".
        if let Some((identity, age, binder_len)) = self.psk {
            ext(o, ExtensionType::PRE_SHARED_KEY, &|o| {
                put_vec(o, 2, |o| {
                    put_vec16(o, identity);
                    o.extend_from_slice(&age.to_be_bytes());
                });
                put_vec(o, 2, |o| {
                    o.push(binder_len as u8);
                    o.resize(o.len() + binder_len, 0);
                });
            });
        }
    }
}

/// ServerHello or HelloRetryRequest (RFC 8446 §4.1.3).
#[derive(Debug, Clone)]
pub struct ServerHello<'a> {
    /// legacy_version.
    pub legacy_version: ProtocolVersion,
    /// random (HRR_RANDOM for a HelloRetryRequest).
    pub random: [u8; 32],
    /// legacy_session_id_echo.
    pub session_id: &'a [u8],
    /// cipher_suite.
    pub cipher_suite: CipherSuite,
    /// legacy_compression_method.
    pub compression: u8,
    /// extensions (possibly absent in a TLS 1.2 or older ServerHello).
    pub extensions: Vec<RawExtension<'a>>,
}

impl<'a> ServerHello<'a> {
    /// Decodes the body.
    pub fn decode(body: &'a [u8]) -> Result<Self, Error> {
        let mut r = Reader::new(body);
        let legacy_version = ProtocolVersion(r.u16()?);
        let random = r.array::<32>()?;
        let session_id = r.vec8()?;
        if session_id.len() > 32 {
            return Err(InvalidMessage::BadLength.into());
        }
        let cipher_suite = CipherSuite(r.u16()?);
        let compression = r.u8()?;
        // RFC 5246 §7.4.1.3: the extensions may be absent in older versions.
        let extensions = if r.is_empty() {
            Vec::new()
        } else {
            let block = r.sub16()?;
            parse_block(block)?
        };
        r.finish()?;
        Ok(Self {
            legacy_version,
            random,
            session_id,
            cipher_suite,
            compression,
            extensions,
        })
    }

    /// Whether this is a HelloRetryRequest.
    pub fn is_retry_request(&self) -> bool {
        self.random == HRR_RANDOM
    }
}

/// Decodes supported_versions in a ServerHello: one version (RFC 8446 §4.2.1).
pub fn decode_selected_version(body: &[u8]) -> Result<ProtocolVersion, Error> {
    let mut r = Reader::new(body);
    let v = r.u16()?;
    r.finish()?;
    Ok(ProtocolVersion(v))
}

/// Decodes key_share in a ServerHello: KeyShareEntry (RFC 8446 §4.2.8).
pub fn decode_server_share(body: &[u8]) -> Result<(NamedGroup, &[u8]), Error> {
    let mut r = Reader::new(body);
    let group = NamedGroup(r.u16()?);
    let key = r.vec16()?;
    r.finish()?;
    if key.is_empty() {
        return Err(InvalidMessage::EmptyVector.into());
    }
    Ok((group, key))
}

/// Decodes key_share in a HelloRetryRequest: the selected group (RFC 8446 §4.2.8).
pub fn decode_selected_group(body: &[u8]) -> Result<NamedGroup, Error> {
    let mut r = Reader::new(body);
    let g = r.u16()?;
    r.finish()?;
    Ok(NamedGroup(g))
}

/// Decodes pre_shared_key in a ServerHello: the selected identity (RFC 8446 §4.2.11).
pub fn decode_selected_identity(body: &[u8]) -> Result<u16, Error> {
    let mut r = Reader::new(body);
    let v = r.u16()?;
    r.finish()?;
    Ok(v)
}

/// Decodes cookie (RFC 8446 §4.2.2): `opaque cookie<1..2^16-1>`.
pub fn decode_cookie(body: &[u8]) -> Result<&[u8], Error> {
    let mut r = Reader::new(body);
    let c = r.vec16()?;
    r.finish()?;
    if c.is_empty() {
        return Err(InvalidMessage::EmptyVector.into());
    }
    Ok(c)
}

/// Decodes ALPN in a server message: exactly one protocol name (RFC 7301 §3.1).
pub fn decode_alpn_selected(body: &[u8]) -> Result<&[u8], Error> {
    let mut r = Reader::new(body);
    let mut list = r.sub16()?;
    r.finish()?;
    let name = list.vec8()?;
    list.finish()?;
    if name.is_empty() {
        return Err(InvalidMessage::EmptyVector.into());
    }
    Ok(name)
}

/// Decodes an extension block that forms a whole message body (EncryptedExtensions).
pub fn decode_extensions_body(body: &[u8]) -> Result<Vec<RawExtension<'_>>, Error> {
    let mut r = Reader::new(body);
    let block = r.sub16()?;
    r.finish()?;
    parse_block(block)
}

/// One CertificateEntry (RFC 8446 §4.4.2).
#[derive(Debug, Clone)]
pub struct CertificateEntry<'a> {
    /// The DER certificate.
    pub cert: &'a [u8],
    /// Per-certificate extensions.
    pub extensions: Vec<RawExtension<'a>>,
}

/// Certificate (RFC 8446 §4.4.2).
#[derive(Debug, Clone)]
pub struct Certificate<'a> {
    /// certificate_request_context.
    pub context: &'a [u8],
    /// The entries, end-entity first.
    pub entries: Vec<CertificateEntry<'a>>,
}

impl<'a> Certificate<'a> {
    /// Decodes the body, accepting at most `max_entries` certificates.
    pub fn decode(body: &'a [u8], max_entries: usize) -> Result<Self, Error> {
        let mut r = Reader::new(body);
        let context = r.vec8()?;
        let mut list = r.sub24()?;
        r.finish()?;
        let mut entries = Vec::new();
        while !list.is_empty() {
            if entries.len() == max_entries {
                return Err(InvalidMessage::TooManyCertificates.into());
            }
            let cert = list.vec24()?;
            if cert.is_empty() {
                return Err(InvalidMessage::EmptyVector.into());
            }
            let extensions = parse_block(list.sub16()?)?;
            entries.push(CertificateEntry { cert, extensions });
        }
        Ok(Self { context, entries })
    }
}

/// Appends an empty client Certificate (RFC 8446 §4.4.2.3: no certificate available).
pub fn encode_empty_certificate(out: &mut Vec<u8>, context: &[u8]) {
    encode_message(out, HandshakeType::CERTIFICATE, |o| {
        put_vec8(o, context);
        put_u24(o, 0);
    });
}

/// CertificateRequest (RFC 8446 §4.3.2): only the context is kept.
pub fn decode_certificate_request(body: &[u8]) -> Result<&[u8], Error> {
    CertificateRequest::decode(body).map(|r| r.context)
}

/// A TLS 1.3 CertificateRequest (RFC 8446 §4.3.2): what the client's answer depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateRequest<'a> {
    /// certificate_request_context, echoed in the client's Certificate.
    pub context: &'a [u8],
    /// signature_algorithms: the schemes the server accepts in CertificateVerify.
    pub schemes: Vec<SignatureScheme>,
    /// signature_algorithms_cert, if sent: the schemes it accepts inside the chain.
    pub cert_schemes: Option<Vec<SignatureScheme>>,
    /// certificate_authorities, if sent: the DER names of the CAs it accepts (RFC 8446 §4.2.4).
    pub authorities: Vec<&'a [u8]>,
}

/// Decodes a list of DER distinguished names, each `opaque DistinguishedName<1..2^16-1>`, as
/// certificate_authorities carries them (RFC 8446 §4.2.4, RFC 5246 §7.4.4).
pub fn decode_distinguished_names(list: &[u8]) -> Result<Vec<&[u8]>, Error> {
    let mut r = Reader::new(list);
    let mut names = Vec::new();
    while !r.is_empty() {
        let name = r.vec16()?;
        if name.is_empty() {
            return Err(InvalidMessage::EmptyVector.into());
        }
        names.push(name);
    }
    Ok(names)
}

impl<'a> CertificateRequest<'a> {
    /// Decodes the body. RFC 8446 §4.3.2: unknown extensions are ignored; signature_algorithms
    /// "MUST be specified".
    pub fn decode(body: &'a [u8]) -> Result<Self, Error> {
        let mut r = Reader::new(body);
        let context = r.vec8()?;
        let block = parse_block(r.sub16()?)?;
        r.finish()?;
        let schemes = super::extensions::find(&block, ExtensionType::SIGNATURE_ALGORITHMS).ok_or(
            crate::error::PeerMisbehaved::MissingExtension("signature_algorithms"),
        )?;
        let cert_schemes =
            super::extensions::find(&block, ExtensionType::SIGNATURE_ALGORITHMS_CERT)
                .map(decode_signature_schemes)
                .transpose()?;
        // RFC 8446 §4.2.4: DistinguishedName authorities<3..2^16-1>.
        let authorities =
            match super::extensions::find(&block, ExtensionType::CERTIFICATE_AUTHORITIES) {
                Some(body) => {
                    let mut r = Reader::new(body);
                    let names = decode_distinguished_names(r.vec16()?)?;
                    r.finish()?;
                    if names.is_empty() {
                        return Err(InvalidMessage::EmptyVector.into());
                    }
                    names
                }
                None => Vec::new(),
            };
        Ok(Self {
            context,
            schemes: decode_signature_schemes(schemes)?,
            cert_schemes,
            authorities,
        })
    }
}

/// Decodes a SignatureSchemeList (RFC 8446 §4.2.3): `supported_signature_algorithms<2..2^16-2>`.
pub fn decode_signature_schemes(body: &[u8]) -> Result<Vec<SignatureScheme>, Error> {
    let mut r = Reader::new(body);
    let list = r.vec16()?;
    r.finish()?;
    if list.is_empty() {
        return Err(InvalidMessage::EmptyVector.into());
    }
    decode_scheme_pairs(list)
}

/// Splits a list body into 2-byte signature schemes; an odd length is a decode error.
fn decode_scheme_pairs(list: &[u8]) -> Result<Vec<SignatureScheme>, Error> {
    if list.len() % 2 != 0 {
        return Err(InvalidMessage::BadLength.into());
    }
    Ok(list
        .chunks_exact(2)
        .map(|p| SignatureScheme(u16::from_be_bytes([p[0], p[1]])))
        .collect())
}

/// Appends a TLS 1.3 client Certificate (RFC 8446 §4.4.2): the request's context and one
/// CertificateEntry per certificate, leaf first, without extensions.
pub fn encode_certificate<C: AsRef<[u8]>>(out: &mut Vec<u8>, context: &[u8], chain: &[C]) {
    encode_message(out, HandshakeType::CERTIFICATE, |o| {
        put_vec8(o, context);
        put_vec(o, 3, |o| {
            for cert in chain {
                put_vec(o, 3, |o| o.extend_from_slice(cert.as_ref()));
                put_u16(o, 0);
            }
        });
    });
}

/// Appends CertificateVerify (RFC 8446 §4.4.3; RFC 5246 §7.4.8 with the §4.7 digitally-signed
/// encoding): the scheme, then the signature.
pub fn encode_certificate_verify(out: &mut Vec<u8>, scheme: SignatureScheme, signature: &[u8]) {
    encode_message(out, HandshakeType::CERTIFICATE_VERIFY, |o| {
        put_u16(o, scheme.0);
        put_vec16(o, signature);
    });
}

/// CertificateVerify (RFC 8446 §4.4.3).
pub fn decode_certificate_verify(body: &[u8]) -> Result<(SignatureScheme, &[u8]), Error> {
    let mut r = Reader::new(body);
    let scheme = SignatureScheme(r.u16()?);
    let sig = r.vec16()?;
    r.finish()?;
    if sig.is_empty() {
        return Err(InvalidMessage::EmptyVector.into());
    }
    Ok((scheme, sig))
}

/// Appends Finished (RFC 8446 §4.4.4).
pub fn encode_finished(out: &mut Vec<u8>, verify_data: &[u8]) {
    encode_message(out, HandshakeType::FINISHED, |o| {
        o.extend_from_slice(verify_data)
    });
}

/// NewSessionTicket (RFC 8446 §4.6.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSessionTicket {
    /// ticket_lifetime in seconds (at most 7 days).
    pub lifetime: u32,
    /// ticket_age_add.
    pub age_add: u32,
    /// ticket_nonce.
    pub nonce: Vec<u8>,
    /// The opaque ticket.
    pub ticket: Vec<u8>,
    /// max_early_data_size from the early_data extension, if present.
    pub max_early_data: Option<u32>,
}

/// RFC 8446 §4.6.1: "Servers MUST NOT use any value greater than 604800 seconds (7 days)".
pub const MAX_TICKET_LIFETIME: u32 = 604_800;

impl NewSessionTicket {
    /// Decodes the body.
    pub fn decode(body: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(body);
        let lifetime = r.u32()?;
        let age_add = r.u32()?;
        let nonce = r.vec8()?.to_vec();
        let ticket = r.vec16()?;
        if ticket.is_empty() {
            return Err(InvalidMessage::EmptyVector.into());
        }
        let block = parse_block(r.sub16()?)?;
        r.finish()?;
        if lifetime > MAX_TICKET_LIFETIME {
            return Err(crate::error::PeerMisbehaved::IllegalParameter("ticket_lifetime").into());
        }
        let max_early_data = match super::extensions::find(&block, ExtensionType::EARLY_DATA) {
            Some(b) => {
                let mut r = Reader::new(b);
                let v = r.u32()?;
                r.finish()?;
                Some(v)
            }
            None => None,
        };
        Ok(Self {
            lifetime,
            age_add,
            nonce,
            ticket: ticket.to_vec(),
            max_early_data,
        })
    }
}

/// TLS 1.2 NewSessionTicket (RFC 5077 §3.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSessionTicket12 {
    /// ticket_lifetime_hint in seconds; 0 means unspecified.
    pub lifetime_hint: u32,
    /// The opaque ticket; empty when the server decided not to issue one.
    pub ticket: Vec<u8>,
}

impl NewSessionTicket12 {
    /// Decodes the body.
    pub fn decode(body: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(body);
        let lifetime_hint = r.u32()?;
        let ticket = r.vec16()?.to_vec();
        r.finish()?;
        Ok(Self {
            lifetime_hint,
            ticket,
        })
    }
}

/// KeyUpdateRequest (RFC 8446 §4.6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyUpdateRequest {
    /// update_not_requested (0).
    NotRequested,
    /// update_requested (1).
    Requested,
}

/// Decodes KeyUpdate.
pub fn decode_key_update(body: &[u8]) -> Result<KeyUpdateRequest, Error> {
    let mut r = Reader::new(body);
    let v = r.u8()?;
    r.finish()?;
    match v {
        0 => Ok(KeyUpdateRequest::NotRequested),
        1 => Ok(KeyUpdateRequest::Requested),
        // RFC 8446 §4.6.3: any other value -> illegal_parameter.
        _ => Err(crate::error::PeerMisbehaved::BadKeyUpdate.into()),
    }
}

/// Appends KeyUpdate.
pub fn encode_key_update(out: &mut Vec<u8>, req: KeyUpdateRequest) {
    encode_message(out, HandshakeType::KEY_UPDATE, |o| {
        o.push(match req {
            KeyUpdateRequest::NotRequested => 0,
            KeyUpdateRequest::Requested => 1,
        })
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_limits() {
        // context 0, list of two 1-byte certs with no extensions.
        let body = [0, 0, 0, 12, 0, 0, 1, 0xaa, 0, 0, 0, 0, 1, 0xbb, 0, 0];
        let c = Certificate::decode(&body, 2).unwrap();
        assert_eq!(c.entries.len(), 2);
        assert_eq!(
            Certificate::decode(&body, 1).unwrap_err(),
            InvalidMessage::TooManyCertificates.into()
        );
        assert_eq!(
            Certificate::decode(&body[..10], 2).unwrap_err(),
            InvalidMessage::Truncated.into()
        );
    }

    #[test]
    fn key_update_values() {
        assert_eq!(
            decode_key_update(&[1]).unwrap(),
            KeyUpdateRequest::Requested
        );
        assert!(decode_key_update(&[2]).is_err());
        assert!(decode_key_update(&[0, 0]).is_err());
    }

    #[test]
    fn client_certificate_encodings() {
        let chain = [vec![0xaa, 0xbb], vec![0xcc]];
        // RFC 8446 §4.4.2: context, list<u24> of (cert<u24>, extensions<u16>).
        let mut out = Vec::new();
        encode_certificate(&mut out, &[7], &chain);
        assert_eq!(
            out,
            [11, 0, 0, 18, 1, 7, 0, 0, 13, 0, 0, 2, 0xaa, 0xbb, 0, 0, 0, 0, 1, 0xcc, 0, 0]
        );
        let back = Certificate::decode(&out[4..], 2).unwrap();
        assert_eq!(back.context, [7]);
        assert_eq!(back.entries[1].cert, [0xcc]);
        // RFC 5246 §7.4.2: list<u24> of cert<u24>.
        let mut out = Vec::new();
        encode_certificate12(&mut out, &chain);
        assert_eq!(
            out,
            [11, 0, 0, 12, 0, 0, 9, 0, 0, 2, 0xaa, 0xbb, 0, 0, 1, 0xcc]
        );
        assert_eq!(
            decode_certificate12(&out[4..], 2).unwrap(),
            [&[0xaa, 0xbb][..], &[0xcc]]
        );
        // Empty answers are the same shapes with no entries.
        let mut out = Vec::new();
        encode_empty_certificate(&mut out, &[]);
        encode_empty_certificate12(&mut out);
        assert_eq!(out, [11, 0, 0, 4, 0, 0, 0, 0, 11, 0, 0, 3, 0, 0, 0]);
        // CertificateVerify: scheme, signature<u16>.
        let mut out = Vec::new();
        encode_certificate_verify(&mut out, SignatureScheme::ED25519, &[1, 2, 3]);
        assert_eq!(out, [15, 0, 0, 7, 8, 7, 0, 3, 1, 2, 3]);
        assert_eq!(
            decode_certificate_verify(&out[4..]).unwrap(),
            (SignatureScheme::ED25519, &[1, 2, 3][..])
        );
    }

    #[test]
    fn tls12_certificate_request() {
        // ecdsa_sign and rsa_sign; two schemes; one DN (an empty Name: SEQUENCE {}).
        let body = [2, 64, 1, 0, 4, 4, 3, 8, 4, 0, 4, 0, 2, 0x30, 0];
        let req = CertificateRequest12::decode(&body).unwrap();
        assert_eq!(req.certificate_types, [64, 1]);
        assert_eq!(req.authorities, [&[0x30, 0][..]]);
        // RFC 5246 §7.4.4: DistinguishedName<1..2^16-1>: a zero-length one is malformed.
        assert!(CertificateRequest12::decode(&[2, 64, 1, 0, 4, 4, 3, 8, 4, 0, 2, 0, 0]).is_err());
        assert_eq!(
            req.schemes,
            [
                SignatureScheme::ECDSA_SECP256R1_SHA256,
                SignatureScheme::RSA_PSS_RSAE_SHA256
            ]
        );
        let decode_error = |body: &[u8]| {
            CertificateRequest12::decode(body)
                .unwrap_err()
                .alert()
                .unwrap()
        };
        use crate::wire::enums::AlertDescription as A;
        // No certificate types, an odd scheme list, truncation, trailing bytes.
        assert_eq!(decode_error(&[0, 0, 2, 4, 3, 0, 0]), A::DECODE_ERROR);
        assert_eq!(decode_error(&[1, 64, 0, 3, 4, 3, 8, 0, 0]), A::DECODE_ERROR);
        assert_eq!(decode_error(&body[..body.len() - 1]), A::DECODE_ERROR);
        assert_eq!(
            decode_error(&[body.as_slice(), &[0]].concat()),
            A::DECODE_ERROR
        );
        // An empty scheme list parses (nothing will fit it).
        assert!(CertificateRequest12::decode(&[1, 64, 0, 0, 0, 0])
            .unwrap()
            .schemes
            .is_empty());
    }

    #[test]
    fn ticket_lifetime_bound() {
        let mut body = Vec::new();
        body.extend_from_slice(&(MAX_TICKET_LIFETIME + 1).to_be_bytes());
        body.extend_from_slice(&[0, 0, 0, 0, 0, 0, 1, 9, 0, 0]);
        assert!(NewSessionTicket::decode(&body).is_err());
        body[..4].copy_from_slice(&60u32.to_be_bytes());
        assert_eq!(NewSessionTicket::decode(&body).unwrap().ticket, vec![9]);
    }
}

/// TLS 1.2 Certificate (RFC 5246 §7.4.2): the DER certificates, end-entity first.
pub fn decode_certificate12(body: &[u8], max_entries: usize) -> Result<Vec<&[u8]>, Error> {
    let mut r = Reader::new(body);
    let mut list = r.sub24()?;
    r.finish()?;
    let mut out = Vec::new();
    while !list.is_empty() {
        if out.len() == max_entries {
            return Err(InvalidMessage::TooManyCertificates.into());
        }
        let cert = list.vec24()?;
        if cert.is_empty() {
            return Err(InvalidMessage::EmptyVector.into());
        }
        out.push(cert);
    }
    Ok(out)
}

/// RFC 8422 §5.4: ECCurveType named_curve.
pub const CURVE_TYPE_NAMED: u8 = 3;

/// An ECDHE ServerKeyExchange (RFC 8422 §5.4, RFC 5246 §7.4.3).
#[derive(Debug, Clone)]
pub struct ServerKeyExchange<'a> {
    /// The group.
    pub group: NamedGroup,
    /// The server's public point.
    pub public: &'a [u8],
    /// ServerECDHParams as encoded: what the signature covers after the randoms.
    pub params: &'a [u8],
    /// The signature scheme.
    pub scheme: SignatureScheme,
    /// The signature.
    pub signature: &'a [u8],
}

impl<'a> ServerKeyExchange<'a> {
    /// Decodes the body.
    pub fn decode(body: &'a [u8]) -> Result<Self, Error> {
        let mut r = Reader::new(body);
        if r.u8()? != CURVE_TYPE_NAMED {
            // RFC 8422 §5.4: explicit curves are deprecated; only named curves are offered.
            return Err(crate::error::PeerMisbehaved::IllegalParameter("ECCurveType").into());
        }
        let group = NamedGroup(r.u16()?);
        let public = r.vec8()?;
        if public.is_empty() {
            return Err(InvalidMessage::EmptyVector.into());
        }
        let params = &body[..body.len() - r.rest().len()];
        let scheme = SignatureScheme(r.u16()?);
        let signature = r.vec16()?;
        r.finish()?;
        if signature.is_empty() {
            return Err(InvalidMessage::EmptyVector.into());
        }
        Ok(Self {
            group,
            public,
            params,
            scheme,
            signature,
        })
    }
}

/// TLS 1.2 CertificateRequest (RFC 5246 §7.4.4): checked for shape only.
pub fn check_certificate_request12(body: &[u8]) -> Result<(), Error> {
    CertificateRequest12::decode(body).map(|_| ())
}

/// A TLS 1.2 CertificateRequest (RFC 5246 §7.4.4); certificate_authorities is not kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateRequest12<'a> {
    /// certificate_types: the ClientCertificateType values the server accepts.
    pub certificate_types: &'a [u8],
    /// supported_signature_algorithms: the schemes it accepts in CertificateVerify.
    pub schemes: Vec<SignatureScheme>,
    /// certificate_authorities: the DER names of the CAs it accepts (possibly none).
    pub authorities: Vec<&'a [u8]>,
}

impl<'a> CertificateRequest12<'a> {
    /// Decodes the body.
    pub fn decode(body: &'a [u8]) -> Result<Self, Error> {
        let mut r = Reader::new(body);
        // RFC 5246 §7.4.4: certificate_types<1..2^8-1>.
        let certificate_types = r.vec8()?;
        if certificate_types.is_empty() {
            return Err(InvalidMessage::EmptyVector.into());
        }
        let schemes = decode_scheme_pairs(r.vec16()?)?;
        let authorities = decode_distinguished_names(r.vec16()?)?;
        r.finish()?;
        Ok(Self {
            certificate_types,
            schemes,
            authorities,
        })
    }
}

/// Appends a TLS 1.2 client Certificate (RFC 5246 §7.4.2, §7.4.6): the chain, leaf first.
pub fn encode_certificate12<C: AsRef<[u8]>>(out: &mut Vec<u8>, chain: &[C]) {
    encode_message(out, HandshakeType::CERTIFICATE, |o| {
        put_vec(o, 3, |o| {
            for cert in chain {
                put_vec(o, 3, |o| o.extend_from_slice(cert.as_ref()));
            }
        });
    });
}

/// Appends an empty TLS 1.2 client Certificate (RFC 5246 §7.4.6).
pub fn encode_empty_certificate12(out: &mut Vec<u8>) {
    encode_message(out, HandshakeType::CERTIFICATE, |o| put_u24(o, 0));
}

/// Appends an ECDHE ClientKeyExchange (RFC 8422 §5.7).
pub fn encode_client_key_exchange(out: &mut Vec<u8>, public: &[u8]) {
    encode_message(out, HandshakeType::CLIENT_KEY_EXCHANGE, |o| {
        put_vec8(o, public)
    });
}
