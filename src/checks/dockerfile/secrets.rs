//! `secret-variable`: `ARG` and `ENV` that carry secrets, found by the
//! variable's name or by what its value looks like.
//!
//! Names are split into words (`GITHUB_TOKEN`, `dbPassword`,
//! `aws-secret-access-key`) and judged by those words, never by substrings:
//! `TOKENIZERS_PARALLELISM` holds no `token`. A name whose last word says the
//! value only points at a secret (`TOKEN_URL`, `PASSWORD_FILE`,
//! `SECRET_NAME`) is not reported. An `ARG` with a secret name is reported
//! even without a default: its value comes from `--build-arg` and is kept in
//! the image's history. An `ENV` is reported when it has a value: `ENV
//! TOKEN=` clears the variable.

use serde::Deserialize;

use crate::checks::Check;
use crate::checks::secrets::patterns::name_words;
use crate::dockerfile::{Dockerfile, Instruction};
use crate::engine::Cx;
use crate::source::Span;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct SecretVariableParams {
    /// Names that are secrets whatever their words (compared without case).
    pub names: Vec<String>,
    /// A name holding one of these words is a secret.
    pub name_words: Vec<String>,
    /// Two adjacent words (`api key`, `private key`) that make a secret name.
    pub name_pairs: Vec<String>,
    /// A name whose last word is one of these refers to a secret (`_FILE`,
    /// `_URL`) and is not one itself, unless it is listed in `names`.
    pub reference_words: Vec<String>,
    /// Names never reported.
    #[serde(default)]
    pub allow: Vec<String>,
}

/// `secret-variable`: reports `ARG`/`ENV` names that are secrets, at the
/// name, and values shaped like tokens or keys, at the value.
pub struct SecretVariable {
    params: SecretVariableParams,
}

impl SecretVariable {
    pub fn new(mut params: SecretVariableParams) -> Result<Self, String> {
        if params.names.is_empty() && params.name_words.is_empty() {
            return Err("`names` or `name-words` must not be empty".into());
        }
        for list in [
            &mut params.name_words,
            &mut params.name_pairs,
            &mut params.reference_words,
        ] {
            for word in list.iter_mut() {
                *word = word.to_ascii_lowercase();
            }
        }
        Ok(SecretVariable { params })
    }

    fn is_secret_name(&self, name: &str) -> bool {
        let p = &self.params;
        if p.allow.iter().any(|a| a.eq_ignore_ascii_case(name)) {
            return false;
        }
        if p.names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            return true;
        }
        let words = name_words(name);
        let Some(last) = words.last() else {
            return false;
        };
        if p.reference_words.contains(last) {
            return false;
        }
        words.iter().any(|w| p.name_words.contains(w))
            || words
                .windows(2)
                .any(|pair| p.name_pairs.contains(&format!("{} {}", pair[0], pair[1])))
    }
}

/// One `NAME=value` of an `ARG` or `ENV` (also the legacy `ENV NAME value`).
pub(super) struct Pair {
    pub name: String,
    /// Unquoted; `None` for an `ARG` without a default.
    pub value: Option<String>,
    /// The whole `NAME=value`.
    pub span: Span,
    pub name_span: Span,
    pub value_span: Option<Span>,
}

/// The pairs of an `ARG` or `ENV`, with their spans.
pub(super) fn pairs(instruction: &Instruction) -> Vec<Pair> {
    let words = instruction.words();
    let Some(first) = words.first() else {
        return Vec::new();
    };
    if instruction.keyword == "ENV" && !first.text.contains('=') && words.len() > 1 {
        let last = &words[words.len() - 1];
        let value_span = Span::new(words[1].span.start, last.span.end);
        let value: Vec<&str> = words[1..].iter().map(|w| w.text.as_str()).collect();
        return vec![Pair {
            name: first.text.clone(),
            value: Some(value.join(" ")),
            span: Span::new(first.span.start, last.span.end),
            name_span: first.span,
            value_span: Some(value_span),
        }];
    }
    words
        .into_iter()
        .map(|word| match word.text.split_once('=') {
            Some((name, value)) => {
                let name_end = (word.span.start + name.len() as u32).min(word.span.end);
                Pair {
                    name: name.to_string(),
                    value: Some(value.to_string()),
                    span: word.span,
                    name_span: Span::new(word.span.start, name_end),
                    value_span: Some(Span::new((name_end + 1).min(word.span.end), word.span.end)),
                }
            }
            None => Pair {
                name: word.text.clone(),
                value: None,
                span: word.span,
                name_span: word.span,
                value_span: None,
            },
        })
        .collect()
}

impl Check for SecretVariable {
    fn check_dockerfile(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        for (index, outer) in file.instructions.iter().enumerate() {
            let instruction = outer.onbuild.as_deref().unwrap_or(outer);
            let keyword = instruction.keyword.as_str();
            if !matches!(keyword, "ARG" | "ENV") {
                continue;
            }
            for pair in pairs(instruction) {
                let value = pair.value.as_deref().unwrap_or("");
                let path = format!("instruction[{index}].{keyword}.{}", pair.name);
                if self.is_secret_name(&pair.name) {
                    if keyword == "ARG" {
                        cx.report(
                            pair.name_span,
                            format!("build argument \"{}\" passes a secret", pair.name),
                        )
                        .at_path(path);
                    } else if !value.trim().is_empty() && !value.starts_with("/run/secrets/") {
                        cx.report(
                            pair.name_span,
                            format!("ENV \"{}\" stores a secret in the image", pair.name),
                        )
                        .at_path(path);
                    }
                    continue;
                }
                if let (Some(kind), Some(span)) = (secret_value(value), pair.value_span) {
                    cx.report(span, format!("{keyword} \"{}\" holds {kind}", pair.name))
                        .at_path(path);
                }
            }
        }
    }
}

/// Token prefixes of well-known services: (prefix, the shortest length of
/// what follows, what it is).
const TOKEN_PREFIXES: &[(&str, usize, &str)] = &[
    ("ghp_", 30, "a GitHub token"),
    ("gho_", 30, "a GitHub token"),
    ("ghu_", 30, "a GitHub token"),
    ("ghs_", 30, "a GitHub token"),
    ("ghr_", 30, "a GitHub token"),
    ("github_pat_", 30, "a GitHub token"),
    ("glpat-", 20, "a GitLab token"),
    ("xoxb-", 20, "a Slack token"),
    ("xoxp-", 20, "a Slack token"),
    ("xoxa-", 20, "a Slack token"),
    ("npm_", 36, "an npm token"),
    ("pypi-AgE", 50, "a PyPI token"),
    ("sk_live_", 20, "a Stripe key"),
    ("rk_live_", 20, "a Stripe key"),
    ("AIza", 35, "a Google API key"),
    ("sk-proj-", 20, "an OpenAI key"),
    ("sk-ant-", 20, "an Anthropic key"),
    ("hf_", 30, "a Hugging Face token"),
    ("AKIA", 16, "an AWS access key ID"),
    ("ASIA", 16, "an AWS access key ID"),
];

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// What a value looks like, if it looks like a secret.
fn secret_value(value: &str) -> Option<&'static str> {
    if value.contains("-----BEGIN") && value.contains("PRIVATE KEY") {
        return Some("a private key");
    }
    for (prefix, min, kind) in TOKEN_PREFIXES {
        for (at, _) in value.match_indices(prefix) {
            let boundary = value[..at]
                .chars()
                .next_back()
                .is_none_or(|c| !is_token_char(c));
            let rest = &value[at + prefix.len()..];
            let body = rest.chars().take_while(|&c| is_token_char(c)).count();
            let aws = prefix.starts_with("AKIA") || prefix.starts_with("ASIA");
            let body_ok = if aws {
                // Exactly 16 upper-case letters or digits.
                rest.len() >= 16
                    && rest[..16]
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                    && rest[16..].chars().next().is_none_or(|c| !is_token_char(c))
            } else {
                body >= *min
            };
            if boundary && body_ok {
                return Some(kind);
            }
        }
    }
    if url_with_password(value) {
        return Some("a URL with a password");
    }
    None
}

/// `scheme://user:password@host` with a literal password.
fn url_with_password(value: &str) -> bool {
    value.match_indices("://").any(|(at, _)| {
        let rest = &value[at + 3..];
        let authority = rest.split(['/', '?', '#', ' ']).next().unwrap_or("");
        let Some((userinfo, _host)) = authority.rsplit_once('@') else {
            return false;
        };
        match userinfo.split_once(':') {
            Some((_, password)) => !password.is_empty() && !password.starts_with('$'),
            None => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_into_words() {
        assert_eq!(name_words("GITHUB_TOKEN"), ["github", "token"]);
        assert_eq!(name_words("dbPassword"), ["db", "password"]);
        assert_eq!(name_words("aws-secret.key"), ["aws", "secret", "key"]);
        assert_eq!(name_words("OAuth2Token"), ["oauth2", "token"]);
    }

    #[test]
    fn values_that_look_like_secrets() {
        assert_eq!(
            secret_value("ghp_0123456789abcdefghijABCDEFGHIJ012345"),
            Some("a GitHub token")
        );
        assert_eq!(
            secret_value("AKIAIOSFODNN7EXAMPLE"),
            Some("an AWS access key ID")
        );
        assert_eq!(secret_value("AKIAIOSFODNN7EXAMPLEX"), None);
        assert_eq!(
            secret_value("https://ci:hunter2@pypi.example.com/simple"),
            Some("a URL with a password")
        );
        assert_eq!(
            secret_value("https://ci:${PASS}@pypi.example.com/simple"),
            None
        );
        assert_eq!(secret_value("https://user@example.com"), None);
        assert_eq!(
            secret_value("myghp_0123456789abcdefghijABCDEFGHIJ012345"),
            None
        );
        assert_eq!(secret_value("ghp_short"), None);
    }
}
