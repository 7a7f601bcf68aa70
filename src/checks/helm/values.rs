//! Values-file rules: literal secrets, `latest` images and defaults that
//! switch hardening off, each at the exact node of the values file.

use serde::Deserialize;

use super::{disabled_nodes, walk};
use crate::checks::Check;
use crate::checks::secrets::patterns::{
    NameRules, inert_value, mask, name_words, placeholder_for, private_keys, vendor_tokens,
};
use crate::checks::secrets::{describe_key, span_within, with_article};
use crate::engine::SetCx;
use crate::helm::lint::{ChartFiles, YamlFile};
use crate::k8s::ImageRef;

fn literal_secret(path: &str, value: &str) -> String {
    format!(
        "values key \"{path}\" holds a literal secret (\"{}\")",
        mask(value)
    )
}

fn holds_token(path: &str, family: &str, masked: &str) -> String {
    format!(
        "values key \"{path}\" holds {} (\"{masked}\")",
        with_article(family)
    )
}

fn holds_key(path: &str, description: &str) -> String {
    format!("values key \"{path}\" holds {description}")
}

fn latest_tag(path: &str) -> String {
    format!("image \"{path}\" uses the tag \"latest\"")
}

fn untagged_image(path: &str) -> String {
    format!("image \"{path}\" has no tag or digest, so \"latest\" is pulled")
}

fn empty_tag(path: &str) -> String {
    format!("\"{path}\" is empty and Chart.yaml has no appVersion to fall back on")
}

fn empty_context(path: &str) -> String {
    format!("\"{path}\" is empty by default: no hardening unless every install sets it")
}

fn weak_default(path: &str, value: &str) -> String {
    format!("values default \"{path}: {value}\" switches hardening off")
}

/// Values that only hold the place of a secret a user must supply.
const PLACEHOLDERS: &[&str] = &[
    "changeme",
    "change-me",
    "change_me",
    "changeit",
    "replaceme",
    "replace-me",
    "replace_me",
    "placeholder",
    "todo",
    "tbd",
    "fixme",
    "example",
    "dummy",
    "secret",
    "password",
    "token",
];

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct LiteralSecretParams {
    #[serde(default)]
    pub secret_names: NameRules,
    /// Values that stand in for a secret (compared without case); the
    /// built-in list when not given.
    #[serde(default)]
    pub placeholders: Option<Vec<String>>,
}

/// Words before a final `key` that make it a secret key (`apiKey`,
/// `accessKey`); after any other word (`passwordKey`, `userKey`,
/// `labelKey`, `topologyKey`) the value is the name of a key, in a Secret or
/// among labels, as charts use them.
const SECRET_KEY_QUALIFIERS: &[&str] = &[
    "access",
    "account",
    "api",
    "auth",
    "client",
    "encryption",
    "hmac",
    "license",
    "master",
    "private",
    "secret",
    "service",
    "session",
    "shared",
    "signing",
    "webhook",
];

/// True for a key whose value names a Secret or a key rather than holding
/// a secret: `existingSecret`, `existingSecretPasswordKey`, `passwordKey`.
fn names_a_key(key: &str) -> bool {
    let words = name_words(key);
    if words.first().is_some_and(|w| w == "existing") {
        return true;
    }
    match words.as_slice() {
        [.., before, last] if last == "key" || last == "keys" => {
            !SECRET_KEY_QUALIFIERS.contains(&before.as_str())
        }
        _ => false,
    }
}

/// `helm-values-literal-secret`: a values key whose name says it holds a
/// secret, with a literal value; or a private key or service token under
/// any key.
pub struct ValuesLiteralSecret {
    names: NameRules,
    placeholders: Vec<String>,
}

impl ValuesLiteralSecret {
    pub fn new(params: LiteralSecretParams) -> Result<Self, String> {
        Ok(ValuesLiteralSecret {
            names: params.secret_names.normalized()?,
            placeholders: params
                .placeholders
                .unwrap_or_else(|| PLACEHOLDERS.iter().map(|p| p.to_string()).collect()),
        })
    }

    fn placeholder(&self, value: &str) -> bool {
        let lower = value.trim().to_ascii_lowercase();
        self.placeholders
            .iter()
            .any(|p| p.eq_ignore_ascii_case(&lower))
            || lower.starts_with("your-")
            || lower.starts_with("your_")
            || lower.starts_with("my-")
    }

    fn check_file(&self, cx: &mut SetCx<'_>, values: &YamlFile) {
        let Some(root) = values.root() else {
            return;
        };
        for (path, key, node) in walk(root) {
            let Some(key) = key.and_then(|k| k.text()) else {
                continue;
            };
            if !node.is_scalar() || !matches!(node.scalar(), Some(crate::yaml::Scalar::Str(_))) {
                continue;
            }
            let Some(text) = node.text() else {
                continue;
            };
            let mut found = false;
            for key_block in private_keys(text) {
                found = true;
                cx.report(
                    &values.file,
                    span_within(node, key_block.start, key_block.end),
                    None,
                    holds_key(&path, &describe_key(&key_block)),
                )
                .at_path(&path);
            }
            if !found {
                for token in vendor_tokens(Some(key), text) {
                    found = true;
                    cx.report(
                        &values.file,
                        span_within(node, token.start, token.end),
                        None,
                        holds_token(&path, token.family, &token.masked(text)),
                    )
                    .at_path(&path);
                }
            }
            if found || text.contains('\n') {
                continue;
            }
            if names_a_key(key) {
                continue;
            }
            if self.names.is_secret(key)
                && !inert_value(text)
                && !placeholder_for(key, text)
                && !self.placeholder(text)
            {
                cx.report(&values.file, node.span(), None, literal_secret(&path, text))
                    .at_path(&path);
            }
        }
    }
}

impl Check for ValuesLiteralSecret {
    fn check_chart(&self, cx: &mut SetCx<'_>, chart: &ChartFiles) {
        for values in &chart.values {
            self.check_file(cx, values);
        }
    }
}

/// Keys that pin an image mapping by digest (`sha` in Grafana's charts).
const DIGEST_KEYS: &[&str] = &["digest", "sha"];

/// True for keys that hold an image: `image`, `initImage`, `sidecar_image`.
fn is_image_key(key: &str) -> bool {
    key.to_ascii_lowercase().ends_with("image")
}

/// `helm-values-image-latest`: an image in the values whose tag is
/// `latest`, or missing (with no digest) where nothing fills it in.
#[derive(Default)]
pub struct ValuesImageTag;

impl Check for ValuesImageTag {
    fn check_chart(&self, cx: &mut SetCx<'_>, chart: &ChartFiles) {
        let app_version = chart
            .chart_yaml
            .as_ref()
            .and_then(|c| c.root())
            .and_then(|r| r.get("appVersion"))
            .and_then(|v| v.as_text())
            .is_some_and(|v| !v.trim().is_empty());
        for values in &chart.values {
            let Some(root) = values.root() else {
                continue;
            };
            let entries = walk(root);
            // `image: org/app` beside `tag:` is a repository name; the
            // mapping that holds both is judged as a whole.
            let with_tag: std::collections::HashSet<u32> = entries
                .iter()
                .filter(|(_, _, n)| {
                    n.is_map()
                        && DIGEST_KEYS
                            .iter()
                            .chain(["tag"].iter())
                            .any(|k| n.entry(k).is_some())
                })
                .flat_map(|(_, _, n)| n.entries().map(|(_, v)| v.id()))
                .collect();
            let disabled = disabled_nodes(root);
            for (path, key, node) in entries {
                let Some(key) = key.and_then(|k| k.text()) else {
                    continue;
                };
                if !is_image_key(key) || disabled.contains(&node.id()) {
                    continue;
                }
                if let Some(text) = node.as_str() {
                    if with_tag.contains(&node.id()) {
                        continue;
                    }
                    let image = ImageRef::parse(text);
                    if text.trim().is_empty() || image.is_templated() || image.digest.is_some() {
                        continue;
                    }
                    match image.tag {
                        Some(tag) if tag.eq_ignore_ascii_case("latest") => {
                            cx.report(&values.file, node.span(), None, latest_tag(&path))
                                .at_path(&path);
                        }
                        None if !text.contains(char::is_whitespace) => {
                            cx.report(&values.file, node.span(), None, untagged_image(&path))
                                .at_path(&path);
                        }
                        _ => {}
                    }
                    continue;
                }
                // An image mapping; an environment file may set only its tag.
                if !node.is_map()
                    || (node.get("repository").is_none() && node.entry("tag").is_none())
                {
                    continue;
                }
                let digest = DIGEST_KEYS.iter().any(|k| {
                    node.get(k)
                        .and_then(|d| d.as_text())
                        .is_some_and(|d| !d.trim().is_empty())
                });
                if digest {
                    continue;
                }
                match node.entry("tag") {
                    Some((_, tag))
                        if tag
                            .as_text()
                            .is_some_and(|t| t.eq_ignore_ascii_case("latest")) =>
                    {
                        cx.report(&values.file, tag.span(), None, latest_tag(&path))
                            .at_path(format!("{path}.tag"));
                    }
                    Some((tag_key, tag))
                        if !app_version
                            && chart.chart_yaml.is_some()
                            && tag.as_text().is_none_or(|t| t.trim().is_empty()) =>
                    {
                        cx.report(
                            &values.file,
                            tag_key.span(),
                            None,
                            empty_tag(&format!("{path}.tag")),
                        )
                        .at_path(format!("{path}.tag"));
                    }
                    _ => {}
                }
            }
        }
    }
}

/// `helm-values-security-context-defaults`: values that leave a security
/// context empty or set a field to its unsafe value.
#[derive(Default)]
pub struct ValuesSecurityContext;

/// Fields with the value that switches hardening off.
const WEAK: &[(&str, Weak)] = &[
    ("allowPrivilegeEscalation", Weak::Bool(true)),
    ("hostIPC", Weak::Bool(true)),
    ("hostNetwork", Weak::Bool(true)),
    ("hostPID", Weak::Bool(true)),
    ("privileged", Weak::Bool(true)),
    ("readOnlyRootFilesystem", Weak::Bool(false)),
    ("runAsNonRoot", Weak::Bool(false)),
    ("runAsUser", Weak::Zero),
];

enum Weak {
    Bool(bool),
    Zero,
}

impl Check for ValuesSecurityContext {
    fn check_chart(&self, cx: &mut SetCx<'_>, chart: &ChartFiles) {
        for values in &chart.values {
            let Some(root) = values.root() else {
                continue;
            };
            let disabled = disabled_nodes(root);
            for (path, key, node) in walk(root) {
                let Some(key) = key.and_then(|k| k.text()) else {
                    continue;
                };
                if disabled.contains(&node.id()) {
                    continue;
                }
                if key.to_ascii_lowercase().ends_with("securitycontext") {
                    if node.is_map() && node.is_empty() {
                        cx.report(&values.file, node.span(), None, empty_context(&path))
                            .at_path(&path);
                    }
                    continue;
                }
                let Some((_, weak)) = WEAK.iter().find(|(name, _)| *name == key) else {
                    continue;
                };
                let unsafe_value = match weak {
                    Weak::Bool(b) => node.as_bool() == Some(*b),
                    Weak::Zero => node.as_i64() == Some(0),
                };
                if unsafe_value {
                    let shown = node.text().unwrap_or("");
                    cx.report(&values.file, node.span(), None, weak_default(&path, shown))
                        .at_path(&path);
                }
            }
        }
    }
}
