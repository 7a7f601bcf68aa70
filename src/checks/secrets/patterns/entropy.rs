//! How random a string looks: Shannon entropy in bits per character, and
//! the runs of a text that look like random keys.
//!
//! What is never reported, because it is random but not secret or because
//! it is too short to judge: hex runs (digests, checksums, commit ids and
//! UUIDs are hex) unless the caller knows the value sits under a secret
//! name; anything after a digest prefix (`sha256:`, `sha512-`); the bodies
//! of armored blocks (certificates, public keys, PGP messages; private keys
//! have their own rule); and base64 that decodes to short text, which is
//! judged by what it decodes to.

use super::base64;

/// Bits per character of `text`, over its own characters.
pub fn shannon_entropy(text: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    let mut total = 0usize;
    for c in text.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
        total += 1;
    }
    if total == 0 {
        return 0.0;
    }
    counts
        .values()
        .map(|&n| {
            let p = n as f64 / total as f64;
            -p * p.log2()
        })
        .sum()
}

/// A run of a text that looks like a random key.
#[derive(Clone, Debug, PartialEq)]
pub struct HighEntropy {
    pub start: usize,
    pub end: usize,
    pub entropy: f64,
    /// `base64` or `hex`.
    pub alphabet: &'static str,
}

/// Where to draw the line.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Shorter runs are never judged.
    pub min_length: usize,
    /// Base64 runs at or above this many bits per character are reported.
    pub base64_bits: f64,
    /// Hex runs at or above this are reported, when `hex` is set.
    pub hex_bits: f64,
    /// Judge hex runs at all (only for values under a secret name).
    pub hex: bool,
}

const DIGEST_PREFIXES: [&str; 6] = ["sha1", "sha224", "sha256", "sha384", "sha512", "md5"];

fn base64_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'_' | b'-')
}

/// The runs of `text` that look random.
pub fn high_entropy_strings(text: &str, limits: &Limits) -> Vec<HighEntropy> {
    let mut out = Vec::new();
    let armored = armored_blocks(text);
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !base64_char(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && base64_char(bytes[i]) {
            i += 1;
            // `=` ends a run unless it is padding: `key=value` is two runs.
            if bytes[i - 1] == b'=' && bytes.get(i).is_some_and(|&b| base64_char(b) && b != b'=') {
                break;
            }
        }
        if armored.iter().any(|&(s, e)| start >= s && start < e) {
            continue;
        }
        let (start, candidate) = strip_separators(start, &text[start..i]);
        if let Some(found) = judge(text, start, candidate, limits) {
            out.push(found);
        }
    }
    out
}

/// Drops the separators a run may start or end with (`-`, `_`, `/`).
fn strip_separators(start: usize, run: &str) -> (usize, &str) {
    let trimmed = run.trim_start_matches(['-', '_', '/']);
    let start = start + (run.len() - trimmed.len());
    (start, trimmed.trim_end_matches(['-', '_', '/']))
}

fn judge(text: &str, start: usize, run: &str, limits: &Limits) -> Option<HighEntropy> {
    if run.len() < limits.min_length {
        return None;
    }
    let before = &text[..start];
    let after_digest_prefix = DIGEST_PREFIXES
        .iter()
        .any(|p| before.ends_with(&format!("{p}:")) || run.starts_with(&format!("{p}-")));
    if after_digest_prefix {
        return None;
    }
    let hexish = run.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-');
    if hexish {
        let entropy = shannon_entropy(run);
        return (limits.hex && entropy >= limits.hex_bits).then_some(HighEntropy {
            start,
            end: start + run.len(),
            entropy,
            alphabet: "hex",
        });
    }
    if ssh_public_key(run) {
        return None;
    }
    if let Some(text) = decoded_text(run) {
        // Encoded text is as secret as the text itself.
        if text.contains("-----BEGIN") {
            return None;
        }
        let inner = high_entropy_strings(&text, limits);
        return inner.first().map(|found| HighEntropy {
            start,
            end: start + run.len(),
            entropy: found.entropy,
            alphabet: "base64",
        });
    }
    let mixed = run.bytes().any(|b| b.is_ascii_digit())
        && run.bytes().any(|b| b.is_ascii_uppercase())
        && run.bytes().any(|b| b.is_ascii_lowercase());
    let entropy = shannon_entropy(run);
    (mixed && entropy >= limits.base64_bits).then_some(HighEntropy {
        start,
        end: start + run.len(),
        entropy,
        alphabet: "base64",
    })
}

/// The text a well-formed base64 run decodes to, when it is printable text.
fn decoded_text(run: &str) -> Option<String> {
    let unpadded = run.trim_end_matches('=');
    if !run.len().is_multiple_of(4) && run.len() != unpadded.len() {
        return None;
    }
    if unpadded.len() % 4 == 1 {
        return None;
    }
    let bytes = base64::decode(run)?;
    let text = String::from_utf8(bytes).ok()?;
    let printable = text
        .chars()
        .all(|c| !c.is_control() || c == '\n' || c == '\r' || c == '\t');
    printable.then_some(text)
}

/// The base64 blob of an SSH public key (`ssh-rsa AAAAB3Nza…`, as in
/// `known_hosts` and `authorized_keys`): a length-prefixed key type.
fn ssh_public_key(run: &str) -> bool {
    let head = run.get(..24).unwrap_or(run);
    base64::decode(head).is_some_and(|bytes| {
        let kind = bytes.get(4..).unwrap_or_default();
        [b"ssh-".as_slice(), b"ecdsa-", b"sk-"]
            .iter()
            .any(|p| kind.starts_with(p))
    })
}

/// Byte ranges of `-----BEGIN X-----` … `-----END X-----` blocks.
fn armored_blocks(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices("-----BEGIN ") {
        let end = text[at..]
            .find("-----END ")
            .map(|i| at + i)
            .and_then(|end| text[end + 9..].find("-----").map(|j| end + 9 + j + 5))
            .unwrap_or(text.len());
        out.push((at, end));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        min_length: 20,
        base64_bits: 4.5,
        hex_bits: 3.0,
        hex: false,
    };

    fn found(text: &str, limits: &Limits) -> Vec<String> {
        high_entropy_strings(text, limits)
            .into_iter()
            .map(|h| text[h.start..h.end].to_string())
            .collect()
    }

    #[test]
    fn entropy_of_simple_strings() {
        assert_eq!(shannon_entropy(""), 0.0);
        assert_eq!(shannon_entropy("aaaa"), 0.0);
        assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-9);
    }

    #[test]
    fn random_keys_are_found() {
        for key in [
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MEFCQ0RFRkdISUpL",
            "q8Fz3LkP0vX2mR7tY9wB4nC6hJ1sD5gA",
            "7Hj2kL9mN4pQ8rS3tV6wX1yZ5aB0cD2eF4gH6iJ8",
        ] {
            assert_eq!(found(&format!("secret: {key}"), &LIMITS), [key], "{key}");
        }
    }

    #[test]
    fn random_but_not_secret() {
        let hex64 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        for text in [
            format!("image: nginx@sha256:{hex64}"),
            format!("checksum/config: {hex64}"),
            "uid: 123e4567-e89b-12d3-a456-426614174000".to_string(),
            "commit: 9fceb02d0ae598e95dc970b74767f19372d61af8".to_string(),
            "integrity: sha512-Q2hhbmdlIHRoaXMgdG8gYSByZWFsIGRpZ2VzdCBpZiB5b3UgbGlrZQ9Zx8Wv7uT".to_string(),
            // base64 of "password12345678" and of a sentence.
            "cGFzc3dvcmQxMjM0NTY3OA==".to_string(),
            "VGhpcyBpcyBqdXN0IGEgbG9uZyBzZW50ZW5jZSBvZiB0ZXh0Lg==".to_string(),
            "name: KubernetesServiceAccountTokenController".to_string(),
            "path: /apis/apps/v1/namespaces/default/deployments".to_string(),
            "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ\n-----END CERTIFICATE-----".to_string(),
            "short: q8Fz3LkP0vX2".to_string(),
            "github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl".to_string(),
            "url: /k8s?k8s-version=VGhpcyBpcyBqdXN0IGEgbG9uZyBzZW50ZW5jZSBvZiB0ZXh0Lg==&x=1".to_string(),
            "--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384".to_string(),
        ] {
            assert!(found(&text, &LIMITS).is_empty(), "{text}");
        }
    }

    #[test]
    fn hex_only_under_a_secret_name() {
        let hex = "9fceb02d0ae598e95dc970b74767f19372d61af8";
        let limits = Limits {
            hex: true,
            ..LIMITS
        };
        assert_eq!(found(hex, &limits), [hex]);
        assert!(found(hex, &LIMITS).is_empty());
    }
}
