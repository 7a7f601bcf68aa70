//! PEM private key blocks (`-----BEGIN RSA PRIVATE KEY-----` and kin), also
//! when they are base64-encoded once more, as in Secret `data`, kubeconfig
//! `client-key-data` or Helm values.

use super::base64;

/// A private key block found in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrivateKey {
    /// The byte range of the `-----BEGIN … PRIVATE KEY-----` line, or of the
    /// base64 text that decodes to one.
    pub start: usize,
    pub end: usize,
    /// `RSA`, `EC`, `OPENSSH`, `PGP` …; empty for a PKCS #8 key.
    pub algorithm: String,
    /// True when the key is protected by a passphrase.
    pub encrypted: bool,
    /// True when found only after decoding base64.
    pub encoded: bool,
}

/// `-----BEGIN` in base64, at each of the three alignments a base64 text
/// can start at the block with: only the first is used, since an encoded
/// value starts with its block.
const ENCODED_BEGIN: &str = "LS0tLS1CRUdJT";

/// Every private key block of `text`, plain or base64-encoded.
pub fn private_keys(text: &str) -> Vec<PrivateKey> {
    let mut out = plain(text, 0);
    let bytes = text.as_bytes();
    for (at, _) in text.match_indices(ENCODED_BEGIN) {
        let end = at
            + bytes[at..]
                .iter()
                .take_while(|&&b| b.is_ascii_alphanumeric() || b"+/=\r\n".contains(&b))
                .count();
        let Some(decoded) = base64::decode(&text[at..end]) else {
            continue;
        };
        let decoded = String::from_utf8_lossy(&decoded);
        if let Some(key) = plain(&decoded, 0).into_iter().next() {
            out.push(PrivateKey {
                start: at,
                end: at + text[at..end].trim_end().len(),
                encoded: true,
                ..key
            });
        }
    }
    out.sort_by_key(|k| k.start);
    out
}

fn plain(text: &str, offset: usize) -> Vec<PrivateKey> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices("-----BEGIN ") {
        let rest = &text[at + "-----BEGIN ".len()..];
        let Some(close) = rest.find("-----") else {
            continue;
        };
        let label = &rest[..close];
        let Some(algorithm) = label
            .strip_suffix("PRIVATE KEY")
            .or_else(|| label.strip_suffix("PRIVATE KEY BLOCK"))
        else {
            continue;
        };
        if !algorithm
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b' ')
        {
            continue;
        }
        let header_end = at + "-----BEGIN ".len() + close + "-----".len();
        let body_end = text[header_end..]
            .find("-----END")
            .map_or(text.len(), |i| header_end + i);
        let body = &text[header_end..body_end];
        if crate::checks::unrendered(body) || !has_key_material(body) {
            continue;
        }
        let algorithm = algorithm.trim();
        out.push(PrivateKey {
            start: offset + at,
            end: offset + header_end,
            encrypted: algorithm == "ENCRYPTED" || body.contains("Proc-Type: 4,ENCRYPTED"),
            algorithm: algorithm.trim_start_matches("ENCRYPTED").trim().to_string(),
            encoded: false,
        });
    }
    out
}

/// A block's body holds a key, not a placeholder: a run of base64 long
/// enough to be one (PEM bodies may be folded, escaped or indented).
fn has_key_material(body: &str) -> bool {
    let longest = body
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == '/' || c == '='))
        .map(str::len)
        .max()
        .unwrap_or(0);
    longest >= 32
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun";

    fn encode(text: &str) -> String {
        const TABLE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in text.as_bytes().chunks(3) {
            let n = chunk.iter().fold(0u32, |n, &b| (n << 8) | b as u32) << (8 * (3 - chunk.len()));
            for i in 0..=chunk.len() {
                out.push(TABLE[(n >> (18 - 6 * i) & 63) as usize] as char);
            }
            out.push_str(&"=".repeat(3 - chunk.len()));
        }
        out
    }

    #[test]
    fn finds_plain_blocks() {
        let text =
            format!("-----BEGIN RSA PRIVATE KEY-----\n{BODY}\n-----END RSA PRIVATE KEY-----\n");
        let keys = private_keys(&text);
        assert_eq!(keys.len(), 1);
        assert_eq!(
            &text[keys[0].start..keys[0].end],
            "-----BEGIN RSA PRIVATE KEY-----"
        );
        assert_eq!(keys[0].algorithm, "RSA");
        assert!(!keys[0].encrypted && !keys[0].encoded);
        let escaped = format!("-----BEGIN PRIVATE KEY-----\\n{BODY}\\n-----END PRIVATE KEY-----");
        assert_eq!(private_keys(&escaped)[0].algorithm, "");
        let encrypted = format!("-----BEGIN ENCRYPTED PRIVATE KEY-----\n{BODY}\n");
        assert!(private_keys(&encrypted)[0].encrypted);
    }

    #[test]
    fn finds_encoded_blocks() {
        let pem = format!(
            "-----BEGIN OPENSSH PRIVATE KEY-----\n{BODY}\n-----END OPENSSH PRIVATE KEY-----\n"
        );
        let text = format!("tls.key: {}", encode(&pem));
        let keys = private_keys(&text);
        assert_eq!(keys.len(), 1, "{text}");
        assert!(keys[0].encoded);
        assert_eq!(keys[0].algorithm, "OPENSSH");
        assert_eq!(keys[0].start, "tls.key: ".len());
        assert_eq!(keys[0].end, text.len());
    }

    #[test]
    fn certificates_placeholders_and_templates_are_not_keys() {
        for text in [
            format!("-----BEGIN CERTIFICATE-----\n{BODY}\n-----END CERTIFICATE-----"),
            format!("-----BEGIN PUBLIC KEY-----\n{BODY}\n-----END PUBLIC KEY-----"),
            "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----".to_string(),
            "-----BEGIN RSA PRIVATE KEY-----\n{{ .Values.tls.key }}\n-----END RSA PRIVATE KEY-----"
                .to_string(),
            encode(&format!("-----BEGIN CERTIFICATE-----\n{BODY}\n")),
        ] {
            assert!(private_keys(&text).is_empty(), "{text}");
        }
    }
}
