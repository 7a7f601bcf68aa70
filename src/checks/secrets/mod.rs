//! Secrets in manifests: literal secrets in environment variables and
//! ConfigMaps, committed Secret objects, private keys, service tokens and
//! random-looking strings anywhere in an object, how pods read Secrets, and
//! an inventory of what each workload reads.

mod config;
mod env;
mod inventory;
pub mod patterns;
mod scan;

pub use config::{PlaintextSecret, SecretInConfigMap};
pub use env::{LiteralSecretEnv, SecretFromEnv};
pub use inventory::SecretAccessInventory;
pub use scan::{HighEntropyStrings, PrivateKeyMaterial, VendorTokens};

use serde::Deserialize;

use crate::source::Span;
use crate::yaml::NodeRef;
use patterns::{NameRules, PrivateKey};

/// Parameters of the templates that judge names.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct NameParams {
    /// Which names say their value is a secret; the built-in lists by default.
    #[serde(default)]
    pub secret_names: NameRules,
}

/// The span of bytes `start..end` of a scalar's text: exact when the text is
/// written as is, else where that piece appears in the scalar's source (a
/// block scalar's line, a quoted string without escapes), else the whole
/// scalar.
pub(super) fn span_within(node: NodeRef<'_>, start: usize, end: usize) -> Span {
    let whole = node.span();
    let (Some(text), Some(source)) = (
        node.text(),
        node.document()
            .source()
            .get(whole.start as usize..whole.end as usize),
    ) else {
        return whole;
    };
    let Some(piece) = text.get(start..end) else {
        return whole;
    };
    let at = if source == text {
        Some(start)
    } else {
        // The same occurrence in the source: a repeated piece (one key on
        // two lines of a block scalar) must point at its own line.
        let before = text
            .match_indices(piece)
            .take_while(|(i, _)| *i < start)
            .count();
        source
            .match_indices(piece)
            .nth(before)
            .or_else(|| source.match_indices(piece).next())
            .map(|(i, _)| i)
    };
    match at {
        Some(at) if !piece.is_empty() => {
            let from = whole.start + at as u32;
            Span::new(from, from + piece.len() as u32)
        }
        _ => whole,
    }
}

/// `a GitHub token`, `an AWS access key ID`.
pub(super) fn with_article(noun: &str) -> String {
    let vowel = noun.starts_with(['A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u'])
        || noun.starts_with("npm");
    format!("{} {noun}", if vowel { "an" } else { "a" })
}

/// `an RSA private key`, `a base64-encoded encrypted private key`.
pub(super) fn describe_key(key: &PrivateKey) -> String {
    let mut words = Vec::new();
    if key.encoded {
        words.push("base64-encoded");
    }
    if key.encrypted {
        words.push("encrypted");
    }
    if !key.algorithm.is_empty() {
        words.push(key.algorithm.as_str());
    }
    words.push("private key");
    let article = match words[0] {
        "encrypted" | "RSA" | "EC" | "OPENSSH" => "an",
        _ => "a",
    };
    format!("{article} {}", words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_and_key_descriptions() {
        assert_eq!(with_article("AWS access key ID"), "an AWS access key ID");
        assert_eq!(with_article("npm token"), "an npm token");
        assert_eq!(with_article("GitHub token"), "a GitHub token");
        let key = |algorithm: &str, encrypted, encoded| PrivateKey {
            start: 0,
            end: 0,
            algorithm: algorithm.into(),
            encrypted,
            encoded,
        };
        assert_eq!(
            describe_key(&key("RSA", false, false)),
            "an RSA private key"
        );
        assert_eq!(
            describe_key(&key("", false, true)),
            "a base64-encoded private key"
        );
        assert_eq!(
            describe_key(&key("RSA", false, true)),
            "a base64-encoded RSA private key"
        );
        assert_eq!(
            describe_key(&key("DSA", true, false)),
            "an encrypted DSA private key"
        );
        assert_eq!(describe_key(&key("PGP", false, false)), "a PGP private key");
    }
}
