//! Just enough DER (X.690) to read what webpki does not expose: a certificate's issuer and
//! subject Names, its validity period and its subjectPublicKeyInfo (RFC 5280 §4.1).

use rustls_pki_types::UnixTime;

/// Whether a certificate's issuer equals its subject (RFC 5280 §4.1.2.4, §4.1.2.6).
pub(crate) fn is_self_issued(cert: &[u8]) -> bool {
    issuer_and_subject(cert).is_some_and(|(i, s)| i == s)
}

/// The fields of a certificate's TBSCertificate that oxissl reads (RFC 5280 §4.1).
struct TbsFields<'a> {
    /// The issuer Name, whole encoding.
    issuer: &'a [u8],
    /// The Validity SEQUENCE's contents.
    validity: &'a [u8],
    /// The subject Name, whole encoding.
    subject: &'a [u8],
    /// The SubjectPublicKeyInfo, whole encoding.
    spki: &'a [u8],
}

/// Walks a DER certificate to its issuer, validity and subject, or `None` if malformed.
fn tbs_fields(cert: &[u8]) -> Option<TbsFields<'_>> {
    let (_, cert, _) = der_tlv(cert, 0x30)?;
    let (_, tbs, _) = der_tlv(cert, 0x30)?;
    let mut rest = tbs;
    if rest.first() == Some(&0xa0) {
        rest = der_tlv(rest, 0xa0)?.2;
    }
    rest = der_tlv(rest, 0x02)?.2; // serialNumber
    rest = der_tlv(rest, 0x30)?.2; // signature
    let (issuer, _, rest) = der_tlv(rest, 0x30)?;
    let (_, validity, rest) = der_tlv(rest, 0x30)?;
    let (subject, _, rest) = der_tlv(rest, 0x30)?;
    let (spki, _, _) = der_tlv(rest, 0x30)?;
    Some(TbsFields {
        issuer,
        validity,
        subject,
        spki,
    })
}

/// The issuer and subject Names of a DER certificate (RFC 5280 §4.1), or `None` if malformed.
pub(crate) fn issuer_and_subject(cert: &[u8]) -> Option<(&[u8], &[u8])> {
    tbs_fields(cert).map(|f| (f.issuer, f.subject))
}

/// A DER certificate's SubjectPublicKeyInfo, whole encoding (RFC 5280 §4.1.2.7), or `None`
/// if malformed.
pub fn subject_public_key_info(cert: &[u8]) -> Option<&[u8]> {
    tbs_fields(cert).map(|f| f.spki)
}

/// One DER TLV with the expected tag: (whole encoding, contents, rest).
pub(crate) fn der_tlv(input: &[u8], tag: u8) -> Option<(&[u8], &[u8], &[u8])> {
    if *input.first()? != tag {
        return None;
    }
    let first = *input.get(1)?;
    let (len, hdr): (usize, usize) = match first {
        n if n < 0x80 => (usize::from(n), 2),
        0x81 => (usize::from(*input.get(2)?), 3),
        0x82 => (
            usize::from(*input.get(2)?) << 8 | usize::from(*input.get(3)?),
            4,
        ),
        0x83 => (
            usize::from(*input.get(2)?) << 16
                | usize::from(*input.get(3)?) << 8
                | usize::from(*input.get(4)?),
            5,
        ),
        _ => return None,
    };
    let end = hdr.checked_add(len)?;
    if input.len() < end {
        return None;
    }
    Some((&input[..end], &input[hdr..end], &input[end..]))
}

/// A certificate's validity (notBefore, notAfter) as Unix seconds (RFC 5280 §4.1.2.5).
pub(crate) fn validity(cert: &[u8]) -> Option<(u64, u64)> {
    let validity = tbs_fields(cert)?.validity;
    let (not_before, rest) = time(validity)?;
    let (not_after, _) = time(rest)?;
    Some((not_before, not_after))
}

/// One Time: UTCTime `YYMMDDHHMMSSZ` or GeneralizedTime `YYYYMMDDHHMMSSZ` (RFC 5280 §4.1.2.5).
fn time(input: &[u8]) -> Option<(u64, &[u8])> {
    let (tag, digits) = match *input.first()? {
        0x17 => (0x17, 12),
        0x18 => (0x18, 14),
        _ => return None,
    };
    let (_, v, rest) = der_tlv(input, tag)?;
    if v.len() != digits + 1 || v[digits] != b'Z' || !v[..digits].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let num = |s: &[u8]| s.iter().fold(0u64, |a, d| a * 10 + u64::from(d - b'0'));
    let (year, rest_digits) = if tag == 0x17 {
        // RFC 5280 §4.1.2.5.1: YY >= 50 is 19YY, else 20YY.
        let yy = num(&v[..2]);
        (if yy >= 50 { 1900 + yy } else { 2000 + yy }, &v[2..])
    } else {
        (num(&v[..4]), &v[4..])
    };
    let (month, day) = (num(&rest_digits[..2]), num(&rest_digits[2..4]));
    let (h, m, s) = (
        num(&rest_digits[4..6]),
        num(&rest_digits[6..8]),
        num(&rest_digits[8..10]),
    );
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day)?;
    Some((days * 86_400 + h * 3600 + m * 60 + s, rest))
}

/// Days since 1970-01-01 for a proleptic Gregorian date (the usual era-based computation).
fn days_from_civil(year: u64, month: u64, day: u64) -> Option<u64> {
    let y = if month <= 2 {
        year.checked_sub(1)?
    } else {
        year
    };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe).checked_sub(719_468)
}

/// `UnixTime` as seconds.
pub(crate) fn secs(t: UnixTime) -> u64 {
    t.as_secs()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days() {
        assert_eq!(days_from_civil(1970, 1, 1), Some(0));
        assert_eq!(days_from_civil(2000, 3, 1), Some(11_017));
        assert_eq!(days_from_civil(2024, 2, 29), Some(19_782));
    }

    #[test]
    fn times() {
        // UTCTime 2016-07-30 01:23:59Z and GeneralizedTime 2124-01-01 00:00:00Z.
        let utc = [
            0x17, 13, b'1', b'6', b'0', b'7', b'3', b'0', b'0', b'1', b'2', b'3', b'5', b'9', b'Z',
        ];
        assert_eq!(time(&utc).unwrap().0, 1_469_841_839);
        let mut gen = vec![0x18, 15];
        gen.extend_from_slice(b"21240101000000Z");
        assert_eq!(time(&gen).unwrap().0, 4_859_740_800);
        assert!(time(&[0x17, 3, b'1', b'2', b'Z']).is_none());
    }

    #[test]
    fn rfc8448_certificate_validity() {
        let pem = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/testdata/rfc8448/server_certificate.pem"
        ))
        .unwrap();
        use rustls_pki_types::pem::PemObject;
        let der = rustls_pki_types::CertificateDer::from_pem_slice(&pem).unwrap();
        // notBefore 2016-07-30 01:23:59Z, notAfter 2026-07-30 01:23:59Z.
        assert_eq!(validity(&der), Some((1_469_841_839, 1_785_374_639)));
    }
}
