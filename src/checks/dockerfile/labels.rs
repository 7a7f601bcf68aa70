//! `label-schema`: label keys that break Docker's key format, and, with a
//! configured schema, labels that are missing, empty, unknown (strict
//! mode) or whose value does not have the declared type.

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;

use super::semantics::pairs;
use super::stages::{lineage, stage_anchor, stage_label, used_stages};
use crate::checks::Check;
use crate::dockerfile::Dockerfile;
use crate::engine::Cx;

/// What a label's value must look like.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LabelType {
    /// Any non-empty text.
    Text,
    Url,
    /// An RFC 3339 date and time (`2024-05-01T12:00:00Z`).
    Rfc3339,
    /// An SPDX license expression (`Apache-2.0`, `MIT OR GPL-2.0-only`).
    Spdx,
    /// A git commit hash (7 to 40 hex digits, or 64 for SHA-256 repositories).
    Hash,
    /// A semantic version (`1.4.2`, `2.0.0-rc.1`).
    Semver,
    Email,
}

impl LabelType {
    fn accepts(self, value: &str) -> bool {
        match self {
            LabelType::Text => true,
            LabelType::Url => is_url(value),
            LabelType::Rfc3339 => is_rfc3339(value),
            LabelType::Spdx => is_spdx_expression(value),
            LabelType::Hash => is_git_hash(value),
            LabelType::Semver => is_semver(value),
            LabelType::Email => is_email(value),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            LabelType::Text => "text",
            LabelType::Url => "a URL",
            LabelType::Rfc3339 => "an RFC 3339 date-time",
            LabelType::Spdx => "an SPDX license expression",
            LabelType::Hash => "a git commit hash",
            LabelType::Semver => "a semantic version",
            LabelType::Email => "an email address",
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct LabelSchemaParams {
    /// Labels every shipped stage must have, with the type of their value.
    #[serde(default)]
    pub schema: BTreeMap<String, LabelType>,
    /// Also report labels the schema does not list.
    #[serde(default)]
    pub strict: bool,
}

/// `label-schema`: see the module documentation.
pub struct LabelSchema {
    params: LabelSchemaParams,
}

impl LabelSchema {
    pub fn new(params: LabelSchemaParams) -> Result<Self, String> {
        if params.strict && params.schema.is_empty() {
            return Err("`strict` needs a `schema`".into());
        }
        Ok(LabelSchema { params })
    }

    /// Stages nothing else builds on or copies from must carry every label
    /// of the schema, set in them or in the stages they are built on.
    fn missing_labels(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        let used = used_stages(file);
        let last = file.final_stage();
        for stage in (0..file.stages.len()).filter(|&s| !used[s]) {
            let chain = lineage(file, stage);
            let present: HashSet<String> = file
                .instructions
                .iter()
                .filter(|i| i.keyword == "LABEL" && i.stage.is_some_and(|s| chain.contains(&s)))
                .flat_map(|i| pairs(&i.args))
                .map(|pair| pair.key.text)
                .collect();
            let Some(anchor) = stage_anchor(file, stage) else {
                continue;
            };
            let who = if Some(stage) == last {
                "the final stage".to_string()
            } else {
                stage_label(file, stage)
            };
            for key in self.params.schema.keys() {
                if !present.contains(key) {
                    cx.report(anchor, format!("{who} has no label \"{key}\""))
                        .at_path(format!("stage[{stage}].LABEL"));
                }
            }
        }
    }
}

impl Check for LabelSchema {
    fn check_dockerfile(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        for (index, instruction) in file.instructions.iter().enumerate() {
            let label = instruction.onbuild.as_deref().unwrap_or(instruction);
            if label.keyword != "LABEL" {
                continue;
            }
            let path = format!("instruction[{index}].LABEL");
            for pair in pairs(&label.args) {
                let key = &pair.key.text;
                if key.contains('$') {
                    continue;
                }
                if let Some(problem) = key_problem(key) {
                    cx.report(pair.key.span, format!("label key \"{key}\" {problem}"))
                        .at_path(path.clone());
                }
                if self.params.schema.is_empty() || instruction.onbuild.is_some() {
                    continue;
                }
                let Some(&kind) = self.params.schema.get(key) else {
                    if self.params.strict {
                        cx.report(
                            pair.key.span,
                            format!("label \"{key}\" is not in the schema"),
                        )
                        .at_path(path.clone());
                    }
                    continue;
                };
                let value = file.expand(&pair.value.text, index);
                if value.contains('$') {
                    continue;
                }
                let span = if pair.raw.is_empty() {
                    pair.key.span
                } else {
                    pair.value.span
                };
                if value.trim().is_empty() {
                    cx.report(span, format!("label \"{key}\" is empty"))
                        .at_path(path.clone());
                } else if !kind.accepts(&value) {
                    cx.report(
                        span,
                        format!("label \"{key}\" is not {}: \"{value}\"", kind.describe()),
                    )
                    .at_path(path.clone());
                }
            }
        }
        if !self.params.schema.is_empty() {
            self.missing_labels(cx, file);
        }
    }
}

/// Docker's label key format: lower-case letters, digits, dots and dashes,
/// starting with a letter and ending with a letter or digit, no doubled
/// separators, and none of the namespaces Docker keeps for itself.
fn key_problem(key: &str) -> Option<String> {
    let first = key.chars().next()?;
    if let Some(bad) = key
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-')))
    {
        return Some(format!(
            "has '{bad}': use lower-case letters, digits, dots and dashes"
        ));
    }
    if !first.is_ascii_lowercase() {
        return Some("must start with a lower-case letter".into());
    }
    if key.ends_with(['.', '-']) {
        return Some("must end with a letter or digit".into());
    }
    if key.contains("..") || key.contains("--") {
        return Some("has consecutive separators".into());
    }
    ["com.docker.", "io.docker.", "org.dockerproject."]
        .iter()
        .find(|ns| key.starts_with(*ns))
        .map(|ns| format!("is in the reserved namespace {ns}"))
}

fn is_url(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once(':') else {
        return false;
    };
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok || rest.is_empty() || value.contains(char::is_whitespace) {
        return false;
    }
    if matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") {
        return rest
            .strip_prefix("//")
            .is_some_and(|r| !r.is_empty() && !r.starts_with('/'));
    }
    true
}

fn is_rfc3339(value: &str) -> bool {
    let b = value.as_bytes();
    let number = |from: usize, to: usize| -> Option<u32> {
        let part = value.get(from..to)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let shape = b.len() >= 20
        && b[4] == b'-'
        && b[7] == b'-'
        && matches!(b[10], b'T' | b't' | b' ')
        && b[13] == b':'
        && b[16] == b':';
    if !shape {
        return false;
    }
    let fields = (
        number(0, 4),
        number(5, 7),
        number(8, 10),
        number(11, 13),
        number(14, 16),
        number(17, 19),
    );
    let (Some(_), Some(month), Some(day), Some(hour), Some(minute), Some(second)) = fields else {
        return false;
    };
    if !((1..=12).contains(&month)
        && (1..=31).contains(&day)
        && hour <= 23
        && minute <= 59
        && second <= 60)
    {
        return false;
    }
    let mut rest = &value[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        rest = &fraction[digits..];
    }
    match rest.as_bytes() {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => {
            let digits = [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit());
            digits && (h1 - b'0') * 10 + (h2 - b'0') <= 23 && (m1 - b'0') * 10 + (m2 - b'0') <= 59
        }
        _ => false,
    }
}

fn is_git_hash(value: &str) -> bool {
    let hex = value
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    hex && ((7..=40).contains(&value.len()) || value.len() == 64)
}

fn is_semver(value: &str) -> bool {
    let numeric = |part: &str| {
        !part.is_empty()
            && part.bytes().all(|b| b.is_ascii_digit())
            && (part == "0" || !part.starts_with('0'))
    };
    let identifiers = |text: &str, strict_numbers: bool| {
        text.split('.').all(|id| {
            !id.is_empty()
                && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && (!strict_numbers || !id.bytes().all(|b| b.is_ascii_digit()) || numeric(id))
        })
    };
    let (rest, build) = match value.split_once('+') {
        Some((rest, build)) => (rest, Some(build)),
        None => (value, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (rest, None),
    };
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| numeric(p))
        && pre.is_none_or(|p| identifiers(p, true))
        && build.is_none_or(|b| identifiers(b, false))
}

fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.rsplit_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    local_ok && domain_ok
}

/// SPDX license expression syntax: identifiers (`MIT`, `GPL-2.0+`,
/// `LicenseRef-x`) joined by `AND`, `OR` and `WITH`, with parentheses.
/// Identifiers are not checked against the SPDX list.
fn is_spdx_expression(value: &str) -> bool {
    let spaced = value.replace('(', " ( ").replace(')', " ) ");
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    let mut at = 0;
    spdx_or(&tokens, &mut at) && at == tokens.len()
}

fn spdx_or(tokens: &[&str], at: &mut usize) -> bool {
    if !spdx_and(tokens, at) {
        return false;
    }
    while tokens.get(*at) == Some(&"OR") {
        *at += 1;
        if !spdx_and(tokens, at) {
            return false;
        }
    }
    true
}

fn spdx_and(tokens: &[&str], at: &mut usize) -> bool {
    if !spdx_with(tokens, at) {
        return false;
    }
    while tokens.get(*at) == Some(&"AND") {
        *at += 1;
        if !spdx_with(tokens, at) {
            return false;
        }
    }
    true
}

fn spdx_with(tokens: &[&str], at: &mut usize) -> bool {
    match tokens.get(*at) {
        Some(&"(") => {
            *at += 1;
            if !spdx_or(tokens, at) || tokens.get(*at) != Some(&")") {
                return false;
            }
            *at += 1;
            true
        }
        Some(id) if is_spdx_id(id) => {
            *at += 1;
            if tokens.get(*at) == Some(&"WITH") {
                *at += 1;
                let exception = tokens.get(*at).is_some_and(|e| is_spdx_id(e));
                *at += 1;
                return exception;
            }
            true
        }
        _ => false,
    }
}

fn is_spdx_id(token: &str) -> bool {
    let id = match token.split_once(':') {
        Some((document, license)) if document.starts_with("DocumentRef-") => {
            if !license.starts_with("LicenseRef-") {
                return false;
            }
            license
        }
        Some(_) => return false,
        None => token,
    };
    let id = id.strip_suffix('+').unwrap_or(id);
    !matches!(id, "" | "AND" | "OR" | "WITH")
        && id.starts_with(|c: char| c.is_ascii_alphanumeric())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert_eq!(key_problem("org.opencontainers.image.source"), None);
        assert!(key_problem("Maintainer").is_some());
        assert!(key_problem("1abc").is_some());
        assert!(key_problem("abc.").is_some());
        assert!(key_problem("a..b").is_some());
        assert!(key_problem("com.docker.compose.project").is_some());
        assert!(key_problem("my_label").is_some());
    }

    #[test]
    fn values() {
        assert!(is_url("https://github.com/org/repo"));
        assert!(is_url("mailto:a@b.c"));
        assert!(!is_url("github.com/org/repo"));
        assert!(!is_url("https:/x"));
        assert!(is_rfc3339("2024-05-01T12:00:00Z"));
        assert!(is_rfc3339("2024-05-01T12:00:00.123+02:00"));
        assert!(!is_rfc3339("2024-05-01"));
        assert!(!is_rfc3339("2024-13-01T12:00:00Z"));
        assert!(is_git_hash("0123abc"));
        assert!(!is_git_hash("0123ABC"));
        assert!(!is_git_hash("abc"));
        assert!(is_semver("1.2.3"));
        assert!(is_semver("1.0.0-rc.1+build.5"));
        assert!(!is_semver("v1.2.3"));
        assert!(!is_semver("1.2"));
        assert!(!is_semver("01.2.3"));
        assert!(is_email("team@example.com"));
        assert!(!is_email("team@localhost"));
        assert!(!is_email("team"));
        assert!(is_spdx_expression("Apache-2.0"));
        assert!(is_spdx_expression(
            "(MIT OR Apache-2.0) AND GPL-2.0-only WITH Classpath-exception-2.0"
        ));
        assert!(is_spdx_expression("LicenseRef-acme"));
        assert!(!is_spdx_expression("Apache 2.0"));
        assert!(!is_spdx_expression("MIT and Apache-2.0"));
        assert!(!is_spdx_expression("(MIT"));
    }
}
