//! `literal-secret-env`: environment variables whose literal value is a
//! secret, by the variable's name or by what the value looks like; and
//! `secret-from-env`: Secrets read into the environment at all.

use super::patterns::{NameRules, inert_value, mask, placeholder_for, private_keys, vendor_tokens};
use super::{NameParams, describe_key, span_within, with_article};
use crate::checks::Check;
use crate::engine::Cx;
use crate::k8s::Object;

fn literal_secret(container: &str, var: &str, value: &str) -> String {
    format!(
        "{container} has a literal secret in env var \"{var}\" (\"{}\")",
        mask(value)
    )
}

fn holds_token(container: &str, var: &str, family: &str, masked: &str) -> String {
    format!(
        "{container} env var \"{var}\" holds {} (\"{}\")",
        with_article(family),
        masked
    )
}

fn holds_key(container: &str, var: &str, key: &str) -> String {
    format!("{container} env var \"{var}\" holds {key}")
}

fn key_from_secret(container: &str, key: &str, secret: &str, var: &str) -> String {
    format!("{container} reads key \"{key}\" of Secret \"{secret}\" into env var \"{var}\"")
}

fn secret_from(container: &str, secret: &str) -> String {
    format!("{container} loads every key of Secret \"{secret}\" into its environment")
}

/// `literal-secret-env`: a `value` (never a `valueFrom`) that holds a
/// private key or a service token, or any literal under a secret name.
pub struct LiteralSecretEnv {
    names: NameRules,
}

impl LiteralSecretEnv {
    pub fn new(params: NameParams) -> Result<Self, String> {
        Ok(LiteralSecretEnv {
            names: params.secret_names.normalized()?,
        })
    }
}

impl Check for LiteralSecretEnv {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        for container in pod.containers() {
            let describe = container.describe();
            for var in container.env() {
                if var.value_from.is_some() {
                    continue;
                }
                let (Some(node), name) = (var.value, var.name_text()) else {
                    continue;
                };
                let Some(text) = node.as_text() else {
                    continue;
                };
                let path = format!("env[{name}].value");
                if let Some(key) = private_keys(text).first() {
                    cx.report(
                        span_within(node, key.start, key.end),
                        holds_key(&describe, name, &describe_key(key)),
                    )
                    .in_container(&container, &path);
                    continue;
                }
                if let Some(token) = vendor_tokens(Some(name), text).first() {
                    let shown = token.masked(text);
                    cx.report(
                        span_within(node, token.start, token.end),
                        holds_token(&describe, name, token.family, &shown),
                    )
                    .in_container(&container, &path);
                    continue;
                }
                if self.names.is_secret(name) && !inert_value(text) && !placeholder_for(name, text)
                {
                    cx.report(node.span(), literal_secret(&describe, name, text))
                        .in_container(&container, &path);
                }
            }
        }
    }
}

/// `secret-from-env`: `env[*].valueFrom.secretKeyRef` and
/// `envFrom[*].secretRef`, at the reference's key.
pub struct SecretFromEnv;

impl Check for SecretFromEnv {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        let text_of = |node: Option<crate::yaml::NodeRef<'_>>| {
            node.and_then(|n| n.as_text()).unwrap_or("?").to_string()
        };
        for container in pod.containers() {
            let describe = container.describe();
            for var in container.env() {
                let Some((_, from)) = var.value_from else {
                    continue;
                };
                let Some((key, reference)) = from.entry("secretKeyRef") else {
                    continue;
                };
                if !reference.is_map() {
                    continue;
                }
                let name = var.name_text();
                let message = key_from_secret(
                    &describe,
                    &text_of(reference.get("key")),
                    &text_of(reference.get("name")),
                    name,
                );
                cx.report(key.span(), message)
                    .in_container(&container, &format!("env[{name}].valueFrom.secretKeyRef"));
            }
            let sources = container.node.get("envFrom").into_iter();
            for (index, source) in sources.flat_map(|s| s.items()).enumerate() {
                let Some((key, reference)) = source.entry("secretRef") else {
                    continue;
                };
                if !reference.is_map() {
                    continue;
                }
                let message = secret_from(&describe, &text_of(reference.get("name")));
                cx.report(key.span(), message)
                    .in_container(&container, &format!("envFrom[{index}].secretRef"));
            }
        }
    }
}
