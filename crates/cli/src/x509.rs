//! Just enough DER reading to print certificate names the way `openssl s_client` does
//! (`CN = localhost, O = Example`) and the PEM form for `-showcerts`.

/// One DER TLV: (tag, contents, rest).
fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *input.first()?;
    let first = *input.get(1)?;
    let (len, hdr) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 3 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = len << 8 | usize::from(*input.get(2 + i)?);
        }
        (len, 2 + n)
    };
    let end = hdr.checked_add(len)?;
    (input.len() >= end).then(|| (tag, &input[hdr..end], &input[end..]))
}

/// The responseStatus of a DER OCSPResponse (RFC 6960 §4.2.1: a SEQUENCE starting with an
/// ENUMERATED).
pub fn ocsp_response_status(der: &[u8]) -> Option<u8> {
    let (0x30, body, _) = tlv(der)? else {
        return None;
    };
    match tlv(body)? {
        (0x0a, [status], _) => Some(*status),
        _ => None,
    }
}

/// The subject and issuer Names (DER) of a certificate (RFC 5280 §4.1).
pub fn subject_and_issuer(cert: &[u8]) -> Option<(&[u8], &[u8])> {
    let (_, cert, _) = tlv(cert)?;
    let (_, tbs, _) = tlv(cert)?;
    let mut rest = tbs;
    if rest.first() == Some(&0xa0) {
        rest = tlv(rest)?.2;
    }
    rest = tlv(rest)?.2; // serialNumber
    rest = tlv(rest)?.2; // signature
    let (_, issuer, r) = tlv(rest)?;
    rest = tlv(r)?.2; // validity
    let (_, subject, _) = tlv(rest)?;
    Some((subject, issuer))
}

fn attribute_name(oid: &[u8]) -> String {
    match oid {
        [0x55, 0x04, 0x03] => "CN".into(),
        [0x55, 0x04, 0x06] => "C".into(),
        [0x55, 0x04, 0x07] => "L".into(),
        [0x55, 0x04, 0x08] => "ST".into(),
        [0x55, 0x04, 0x0a] => "O".into(),
        [0x55, 0x04, 0x0b] => "OU".into(),
        [0x55, 0x04, 0x05] => "serialNumber".into(),
        [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01] => "emailAddress".into(),
        _ => oid.iter().map(|b| format!("{b:02x}")).collect::<String>(),
    }
}

/// Formats a DER Name as OpenSSL's `-nameopt oneline` default for s_client: `CN = x, O = y`.
/// `format_name` for a whole DER Name (its SEQUENCE included), as a server's
/// CertificateRequest lists them; `None` if it is not one.
pub fn format_der_name(der: &[u8]) -> Option<String> {
    match tlv(der)? {
        (0x30, content, []) => Some(format_name(content)),
        _ => None,
    }
}

pub fn format_name(name: &[u8]) -> String {
    let mut parts = Vec::new();
    let mut rdns = name;
    while let Some((_, set, rest)) = tlv(rdns) {
        let mut atvs = set;
        while let Some((_, atv, more)) = tlv(atvs) {
            if let Some((_, oid, value)) = tlv(atv) {
                if let Some((_, v, _)) = tlv(value) {
                    parts.push(format!(
                        "{} = {}",
                        attribute_name(oid),
                        String::from_utf8_lossy(v)
                    ));
                }
            }
            atvs = more;
        }
        rdns = rest;
    }
    parts.join(", ")
}

/// PEM encoding of a DER certificate (RFC 7468).
pub fn to_pem(der: &[u8]) -> String {
    oxissl::pem::encode("CERTIFICATE", der)
}

/// Every certificate in PEM text, in order (DER).
pub fn pem_certificates(text: &str) -> Vec<Vec<u8>> {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = text[at..].find(BEGIN) {
        let start = at + i;
        match oxissl::pem::decode("CERTIFICATE", &text[start..]) {
            Some(der) => out.push(der),
            None => break,
        }
        at = start + BEGIN.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_certificates_in_order() {
        let text = format!("junk\n{}text\n{}", to_pem(b"one"), to_pem(b"two"));
        assert_eq!(pem_certificates(&text), [b"one".to_vec(), b"two".to_vec()]);
        assert!(pem_certificates("no certificates").is_empty());
    }

    #[test]
    fn base64_padding() {
        assert!(to_pem(b"M").contains("\nTQ==\n"));
        assert!(to_pem(b"Ma").contains("\nTWE=\n"));
        assert!(to_pem(b"Man").contains("\nTWFu\n"));
    }

    #[test]
    fn names_of_the_rfc8448_certificate() {
        let pem = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/testdata/rfc8448/server_certificate.pem"
        ))
        .unwrap();
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let der = oxissl::pem::decode("CERTIFICATE", &pem).unwrap();
        let (subject, issuer) = subject_and_issuer(&der).unwrap();
        assert_eq!(format_name(subject), "CN = rsa");
        assert_eq!(format_name(issuer), "CN = rsa");
        assert_eq!(to_pem(&der).lines().nth(1).unwrap(), &body[..64]);
    }
}
