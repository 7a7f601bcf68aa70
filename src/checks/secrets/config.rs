//! `secret-in-configmap`: secrets kept in a ConfigMap; `plaintext-secret`:
//! a Secret object committed with its values.

use super::patterns::{NameRules, inert_value, mask, placeholder_for, private_keys, vendor_tokens};
use super::{NameParams, describe_key, span_within, with_article};
use crate::checks::{Check, unrendered};
use crate::engine::Cx;
use crate::k8s::Object;
use crate::yaml::NodeRef;

fn literal_secret(object: &str, key: &str, value: &str) -> String {
    format!(
        "{object} key \"{key}\" holds a literal secret (\"{}\")",
        mask(value)
    )
}

fn embedded_secret(object: &str, key: &str, setting: &str, value: &str) -> String {
    format!(
        "{object} key \"{key}\" sets \"{setting}\" to a literal secret (\"{}\")",
        mask(value)
    )
}

fn holds_token(object: &str, key: &str, family: &str, masked: &str) -> String {
    format!(
        "{object} key \"{key}\" holds {} (\"{}\")",
        with_article(family),
        masked
    )
}

fn holds_key(object: &str, key: &str, description: &str) -> String {
    format!("{object} key \"{key}\" holds {description}")
}

fn committed(object: &str, field: &str, keys: &[&str]) -> String {
    const SHOWN: usize = 3;
    let mut list: Vec<String> = keys
        .iter()
        .take(SHOWN)
        .map(|k| format!("\"{k}\""))
        .collect();
    if keys.len() > SHOWN {
        list.push(format!("{} more", keys.len() - SHOWN));
    }
    let values = if keys.len() == 1 { "value" } else { "values" };
    format!(
        "{object} commits {} {values} in {field}: {}",
        keys.len(),
        list.join(", ")
    )
}

/// `secret-in-configmap`: a ConfigMap `data` entry with a secret name and a
/// literal value; a private key or a service token in any entry (in
/// `binaryData` too, for keys); and in entries that hold a configuration
/// file, `name = value` lines whose name is a secret's.
pub struct SecretInConfigMap {
    names: NameRules,
}

impl SecretInConfigMap {
    pub fn new(params: NameParams) -> Result<Self, String> {
        Ok(SecretInConfigMap {
            names: params.secret_names.normalized()?,
        })
    }

    fn check_entry(&self, cx: &mut Cx<'_>, object: &str, key: &str, node: NodeRef<'_>) {
        let Some(text) = node.as_text() else {
            return;
        };
        let path = format!("data.{key}");
        let mut taken: Vec<(usize, usize)> = Vec::new();
        for found in private_keys(text) {
            taken.push((found.start, found.end));
            cx.report(
                span_within(node, found.start, found.end),
                holds_key(object, key, &describe_key(&found)),
            )
            .at_path(&path);
        }
        for token in vendor_tokens(Some(key), text) {
            if overlaps(&taken, token.start, token.end) {
                continue;
            }
            taken.push((token.start, token.end));
            let shown = token.masked(text);
            cx.report(
                span_within(node, token.start, token.end),
                holds_token(object, key, token.family, &shown),
            )
            .at_path(&path);
        }
        if !taken.is_empty() {
            return;
        }
        if !text.contains('\n') {
            if self.names.is_secret(key) && !inert_value(text) && !placeholder_for(key, text) {
                cx.report(node.span(), literal_secret(object, key, text))
                    .at_path(&path);
            }
            return;
        }
        for (setting, value, at) in super::patterns::assignments(text) {
            if self.names.is_secret(setting)
                && !inert_value(value)
                && !placeholder_for(setting, value)
            {
                cx.report(
                    span_within(node, at, at + value.len()),
                    embedded_secret(object, key, setting, value),
                )
                .at_path(format!("{path}.{setting}"));
            }
        }
    }
}

fn overlaps(taken: &[(usize, usize)], start: usize, end: usize) -> bool {
    taken.iter().any(|&(s, e)| start < e && s < end)
}

impl Check for SecretInConfigMap {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        if object.kind != "ConfigMap" {
            return;
        }
        let name = object.display_name();
        let data = object.root.get("data").into_iter();
        for (key, value) in data.flat_map(|d| d.entries()) {
            let key = key.as_text().unwrap_or("");
            self.check_entry(cx, &name, key, value);
        }
        let binary = object.root.get("binaryData").into_iter();
        for (key, value) in binary.flat_map(|d| d.entries()) {
            let (key, Some(text)) = (key.as_text().unwrap_or(""), value.as_text()) else {
                continue;
            };
            for found in private_keys(text) {
                cx.report(
                    span_within(value, found.start, found.end),
                    holds_key(&name, key, &describe_key(&found)),
                )
                .at_path(format!("binaryData.{key}"));
            }
        }
    }
}

/// `plaintext-secret`: a `kind: Secret` whose `data` or `stringData` holds
/// values. SOPS-encrypted files (a top-level `sops:` entry), empty values,
/// unrendered templates and SOPS ciphertext are not values to report;
/// SealedSecret and ExternalSecret are other kinds and never judged.
pub struct PlaintextSecret;

impl Check for PlaintextSecret {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        if object.kind != "Secret" || object.root.get("sops").is_some() {
            return;
        }
        let name = object.display_name();
        for field in ["data", "stringData"] {
            let Some((key, map)) = object.root.entry(field) else {
                continue;
            };
            let keys: Vec<&str> = map
                .entries()
                .filter(|(_, value)| value.as_text().is_some_and(is_plaintext))
                .map(|(k, _)| k.as_text().unwrap_or("?"))
                .collect();
            if keys.is_empty() {
                continue;
            }
            cx.report(key.span(), committed(&name, field, &keys))
                .at_path(field);
        }
    }
}

/// A value as committed: not empty, not a template, not SOPS ciphertext.
fn is_plaintext(value: &str) -> bool {
    let value = value.trim();
    !value.is_empty() && !unrendered(value) && !value.starts_with("ENC[")
}

#[cfg(test)]
mod tests {
    use super::committed;

    #[test]
    fn committed_lists_at_most_three_keys() {
        assert_eq!(
            committed("Secret/db", "data", &["password"]),
            "Secret/db commits 1 value in data: \"password\""
        );
        assert_eq!(
            committed("Secret/db", "stringData", &["a", "b", "c", "d", "e"]),
            "Secret/db commits 5 values in stringData: \"a\", \"b\", \"c\", 2 more"
        );
    }
}
