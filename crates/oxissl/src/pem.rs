//! PEM (RFC 7468): base64 between "-----BEGIN label-----" and "-----END label-----" lines.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/// RFC 7468 §2: encoders wrap the base64 text at 64 characters.
const LINE_LEN: usize = 64;

/// `der` as a PEM block labelled `label`.
pub fn encode(label: &str, der: &[u8]) -> String {
    let mut b64 = String::with_capacity(der.len() * 4 / 3 + 4);
    for chunk in der.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                b64.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                b64.push('=');
            }
        }
    }
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(LINE_LEN) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// The bytes of the first PEM block labelled `label` in `text` (None if there is none or its
/// base64 is malformed).
pub fn decode(label: &str, text: &str) -> Option<Vec<u8>> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text.find(&begin)? + begin.len();
    let stop = start + text[start..].find(&end)?;
    let mut out = Vec::with_capacity((stop - start) * 3 / 4);
    let (mut acc, mut bits, mut padding) = (0u32, 0u32, 0usize);
    for c in text[start..stop]
        .bytes()
        .filter(|c| !c.is_ascii_whitespace())
    {
        if c == b'=' {
            padding += 1;
            continue;
        }
        if padding > 0 {
            return None;
        }
        let v = ALPHABET.iter().position(|&a| a == c)? as u32;
        acc = acc << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    (padding <= 2).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_padding() {
        for len in 0..70 {
            let der: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let pem = encode("TEST", &der);
            assert!(pem.lines().all(|l| l.len() <= LINE_LEN), "{pem}");
            assert_eq!(decode("TEST", &pem), Some(der), "{pem}");
        }
        assert_eq!(
            encode("X", b"f"),
            "-----BEGIN X-----\nZg==\n-----END X-----\n"
        );
        assert_eq!(decode("OTHER", &encode("X", b"f")), None);
        assert_eq!(
            decode("X", "-----BEGIN X-----\nZ!==\n-----END X-----\n"),
            None
        );
    }
}
