//! Rules that read every value of every object: `private-key-material`,
//! `vendor-tokens` and `high-entropy-strings`.
//!
//! Not read: a SOPS file's `sops:` metadata and its `ENC[…]` ciphertext,
//! `metadata.managedFields`, and the `last-applied-configuration`
//! annotation, which repeats the object and would report everything twice.

use std::collections::HashSet;

use serde::Deserialize;

use super::patterns::{
    EntropyLimits, NameRules, high_entropy_strings, mask, private_keys, vendor_tokens,
};
use super::{describe_key, span_within, with_article};
use crate::checks::Check;
use crate::engine::Cx;
use crate::k8s::Object;
use crate::yaml::NodeRef;

fn holds_key(object: &str, key: &str, description: &str) -> String {
    format!("{object} holds {description} in \"{key}\"")
}

fn holds_token(object: &str, key: &str, family: &str, masked: &str) -> String {
    format!(
        "{object} holds {} (\"{}\") in \"{key}\"",
        with_article(family),
        masked
    )
}

fn random_string(object: &str, key: &str, text: &str, entropy: f64) -> String {
    format!(
        "{object} holds a random-looking string (\"{}\", {entropy:.1} bits per character) in \"{key}\"",
        mask(text)
    )
}

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// A scalar value of an object, with the name it sits under and its path.
struct Value<'a> {
    node: NodeRef<'a>,
    text: &'a str,
    /// The mapping key above the value, or for `{name: X, value: …}` items
    /// (environment variables, parameters) the name `X`.
    key: &'a str,
    path: String,
}

/// Every string value of an object, each once (aliases repeat nodes).
fn values<'a>(object: &Object<'a>) -> Vec<Value<'a>> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut stack = vec![(object.root, String::new(), "")];
    while let Some((node, path, key)) = stack.pop() {
        if !seen.insert((node.span().start, node.span().end, node.is_scalar())) {
            continue;
        }
        if let Some(text) = node.as_text() {
            if !(text.starts_with("ENC[") && text.ends_with(']')) {
                out.push(Value {
                    node,
                    text,
                    key,
                    path,
                });
            }
            continue;
        }
        let named = node.get("name").and_then(|n| n.as_text());
        let mut children = Vec::new();
        for (k, v) in node.entries() {
            let Some(name) = k.as_text() else {
                continue;
            };
            let child = join(&path, name);
            let skipped = matches!(child.as_str(), "sops" | "metadata.managedFields")
                || (path == "metadata.annotations" && name == LAST_APPLIED);
            if skipped {
                continue;
            }
            let key = match (name, named) {
                ("value", Some(named)) => named,
                _ => name,
            };
            children.push((v, child, key));
        }
        for (index, item) in node.items().enumerate() {
            children.push((item, format!("{path}[{index}]"), key));
        }
        stack.extend(children.into_iter().rev());
    }
    out
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

/// `private-key-material`: a PEM private key block in any value, also
/// base64-encoded (Secret `data`, kubeconfig `client-key-data`).
pub struct PrivateKeyMaterial;

impl Check for PrivateKeyMaterial {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let name = object.display_name();
        for value in values(object) {
            for found in private_keys(value.text) {
                cx.report(
                    span_within(value.node, found.start, found.end),
                    holds_key(&name, value.key, &describe_key(&found)),
                )
                .at_path(&value.path);
            }
        }
    }
}

/// `vendor-tokens`: a token of a well-known service in any value.
pub struct VendorTokens;

impl Check for VendorTokens {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let name = object.display_name();
        for value in values(object) {
            for token in vendor_tokens(Some(value.key), value.text) {
                let shown = token.masked(value.text);
                cx.report(
                    span_within(value.node, token.start, token.end),
                    holds_token(&name, value.key, token.family, &shown),
                )
                .at_path(&value.path);
            }
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct EntropyParams {
    /// Shorter runs are never judged.
    pub min_length: usize,
    /// Base64 runs at or above this many bits per character are reported.
    pub base64_bits: f64,
    /// Hex runs at or above this are reported, under a secret name only.
    pub hex_bits: f64,
    /// Kinds never read: their values are meant to be random (ciphertext)
    /// or are reported by a rule of their own.
    pub skip_kinds: Vec<String>,
    /// Which names say their value is a secret (for hex runs).
    #[serde(default)]
    pub secret_names: NameRules,
}

/// `high-entropy-strings`: runs of a value that look like random keys.
/// What is already reported as a private key or a service token is left
/// to those rules.
pub struct HighEntropyStrings {
    limits: EntropyLimits,
    skip_kinds: Vec<String>,
    names: NameRules,
}

impl HighEntropyStrings {
    pub fn new(params: EntropyParams) -> Result<Self, String> {
        if params.min_length < 8 {
            return Err("`min-length` must be at least 8".into());
        }
        Ok(HighEntropyStrings {
            limits: EntropyLimits {
                min_length: params.min_length,
                base64_bits: params.base64_bits,
                hex_bits: params.hex_bits,
                hex: false,
            },
            skip_kinds: params.skip_kinds,
            names: params.secret_names.normalized()?,
        })
    }
}

impl Check for HighEntropyStrings {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        if self.skip_kinds.iter().any(|k| k == object.kind) {
            return;
        }
        let name = object.display_name();
        for value in values(object) {
            let limits = EntropyLimits {
                hex: self.names.is_secret(value.key),
                ..self.limits
            };
            let found = high_entropy_strings(value.text, &limits);
            if found.is_empty() {
                continue;
            }
            let mut taken: Vec<(usize, usize)> = private_keys(value.text)
                .into_iter()
                .map(|k| (k.start, k.end))
                .collect();
            let tokens = vendor_tokens(Some(value.key), value.text);
            taken.extend(tokens.into_iter().map(|t| (t.start, t.end)));
            for run in found {
                if taken.iter().any(|&(s, e)| run.start < e && s < run.end) {
                    continue;
                }
                let text = &value.text[run.start..run.end];
                cx.report(
                    span_within(value.node, run.start, run.end),
                    random_string(&name, value.key, text, run.entropy),
                )
                .at_path(&value.path);
            }
        }
    }
}
