//! Names that say their value is a secret (`DB_PASSWORD`, `apiKey`,
//! `client-secret`), and values that cannot be one whatever the name says.
//!
//! Names are split into words (`GITHUB_TOKEN` → github, token; `dbPassword`
//! → db, password) and judged by whole words, never by substrings:
//! `TOKENIZERS_PARALLELISM` and `MAX_TOKENS` hold no `token`. Three things
//! keep the usual neighbours of secrets quiet:
//!
//! - a name whose last word says it only points at a secret or describes
//!   one is a reference: `TOKEN_URL`, `PASSWORD_FILE`, `SECRET_NAME`,
//!   `KEY_ID`, `PASSWORD_MIN_LENGTH`, `TOKEN_TTL`;
//! - `key` (and `pass`) make a secret only as the last word, so `KEY_ID`,
//!   `KEY_PREFIX` and `PASS_THROUGH` pass while `API_KEY`, `LICENSE_KEY`
//!   and `DB_PASS` do not;
//! - a last-word `key` after a word that makes it a lookup key or a public
//!   one is harmless: `CACHE_KEY`, `PARTITION_KEY`, `PUBLIC_KEY`.

use serde::Deserialize;

/// Which names are secrets; every list is compared without case.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields, default)]
pub struct NameRules {
    /// Whole names that are secrets whatever their words; `*` matches any
    /// run of characters (`AZURE_*KEY`).
    pub names: Vec<String>,
    /// A name holding one of these words anywhere is a secret.
    pub words: Vec<String>,
    /// Words that make a secret only as the last word of a name.
    pub last_words: Vec<String>,
    /// A last word of `last-words` right after one of these is harmless.
    pub harmless_qualifiers: Vec<String>,
    /// A name ending with one of these refers to a secret or describes it,
    /// and holds none (unless it is listed in `names`).
    pub reference_words: Vec<String>,
    /// Names never reported.
    pub allow: Vec<String>,
}

impl NameRules {
    /// Lower-cases the word lists once, so matching compares as given.
    pub fn normalized(mut self) -> Result<Self, String> {
        if self.names.is_empty() && self.words.is_empty() && self.last_words.is_empty() {
            return Err("give at least one of `names`, `words`, `last-words`".into());
        }
        for list in [
            &mut self.words,
            &mut self.last_words,
            &mut self.harmless_qualifiers,
            &mut self.reference_words,
        ] {
            for word in list.iter_mut() {
                *word = word.to_ascii_lowercase();
            }
        }
        Ok(self)
    }

    /// True when `name` says its value is a secret.
    pub fn is_secret(&self, name: &str) -> bool {
        if self.allow.iter().any(|a| a.eq_ignore_ascii_case(name)) {
            return false;
        }
        if self.names.iter().any(|pattern| glob(pattern, name)) {
            return true;
        }
        let words = name_words(name);
        let Some(last) = words.last() else {
            return false;
        };
        if self.reference_words.contains(last) {
            return false;
        }
        if words.iter().any(|w| self.words.contains(w)) {
            return true;
        }
        if !self.last_words.contains(last) {
            return false;
        }
        // A lone `key` or `pass` says nothing (`key: app.kubernetes.io/name`).
        let Some(before) = words.len().checked_sub(2).map(|i| &words[i]) else {
            return false;
        };
        !self.harmless_qualifiers.contains(before)
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

impl Default for NameRules {
    /// The built-in lists: what rules use unless their parameters say otherwise.
    fn default() -> Self {
        NameRules {
            names: strings(&[
                "AWS_SECRET_ACCESS_KEY",
                "GOOGLE_APPLICATION_CREDENTIALS",
                // A secret word glued to a prefix: PGPASSWORD, DBPASSWORD, GHTOKEN.
                "*PASSWORD",
                "*PASSWD",
                "*SECRET",
                "AZURE_*KEY",
                "OCI_CLI_KEY_CONTENT",
            ]),
            words: strings(&[
                "secret",
                "secrets",
                "password",
                "passwords",
                "passwd",
                "pwd",
                "passphrase",
                "token",
                "bearer",
                "credential",
                "credentials",
                "creds",
                "apikey",
                "secretkey",
                "privatekey",
                "accesskey",
            ]),
            last_words: strings(&["key", "pass", "pw"]),
            harmless_qualifiers: strings(&[
                "public",
                "cache",
                "partition",
                "sort",
                "primary",
                "foreign",
                "routing",
                "idempotency",
                "shard",
                "hash",
                "lookup",
                "object",
                "map",
                "index",
                "dedup",
                "row",
                "composite",
                "unique",
                "group",
                "feature",
                "flag",
                "config",
                "gpg",
                "pgp",
            ]),
            reference_words: strings(&[
                "file",
                "files",
                "path",
                "paths",
                "dir",
                "directory",
                "url",
                "uri",
                "urls",
                "endpoint",
                "host",
                "hostname",
                "server",
                "port",
                "id",
                "ids",
                "arn",
                "name",
                "names",
                "ref",
                "reference",
                "namespace",
                "type",
                "kind",
                "mode",
                "format",
                "length",
                "len",
                "size",
                "min",
                "max",
                "count",
                "ttl",
                "expiry",
                "expiration",
                "expires",
                "lifetime",
                "duration",
                "timeout",
                "interval",
                "seconds",
                "secs",
                "minutes",
                "hours",
                "days",
                "header",
                "field",
                "param",
                "prefix",
                "suffix",
                "version",
                "enabled",
                "enable",
                "disabled",
                "required",
                "policy",
                "algorithm",
                "alg",
                "method",
                "provider",
                "issuer",
                "audience",
                "scope",
                "scopes",
                "location",
                "mount",
                "source",
                "hint",
                "regex",
                "pattern",
                "rotation",
                "store",
                "backend",
                "manager",
                "vault",
                "class",
                "scheme",
                "cipher",
                "encoding",
                "template",
                "label",
                "selector",
                "hash",
            ]),
            allow: Vec::new(),
        }
    }
}

/// Case-insensitive match with `*` standing for any run of characters.
fn glob(pattern: &str, name: &str) -> bool {
    let pattern = pattern.to_ascii_lowercase();
    let name = name.to_ascii_lowercase();
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// `GITHUB_TOKEN` → [github, token]; `dbPassword` → [db, password];
/// `aws-secret.key` → [aws, secret, key]; `OAuth2Token` → [oauth2, token].
pub fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// True for a value that only stands in for the variable's real value,
/// left for a substitution step: the name itself in another spelling
/// (`apiKey: api-key`), or an upper-case identifier holding the name
/// (`GOOGLE_API_KEY: GOOGLE_API_KEY_VAL`).
pub fn placeholder_for(name: &str, value: &str) -> bool {
    let squash = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let (name, squashed) = (squash(name), squash(value));
    if name.len() < 4 {
        return false;
    }
    let identifier = value
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    squashed == name || (identifier && squashed.contains(&name))
}

/// True for a value that holds no secret whatever its name says: empty,
/// an unrendered template or a `$(VAR)` reference to another variable, a
/// boolean or a number (settings such as `TOKEN_REFRESH: 300`), an absolute
/// file path or a URL without a password (where the secret is, not what it
/// is), ciphertext (SOPS `ENC[…]`, Jasypt `ENC(…)`), a `<placeholder>`, or
/// a masked `****`.
pub fn inert_value(value: &str) -> bool {
    let value = value.trim();
    if value.is_empty() || crate::checks::unrendered(value) || env_reference(value) {
        return true;
    }
    let lower = value.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "none" | "~" | "[]" | "{}"
    ) {
        return true;
    }
    if value.parse::<f64>().is_ok() {
        return true;
    }
    if value.starts_with('/') && !value.contains(char::is_whitespace) && !value.contains("/*") {
        return true;
    }
    if let Some((scheme, rest)) = value.split_once("://")
        && !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        if !authority.contains('@') && !value.contains(char::is_whitespace) {
            return true;
        }
    }
    let encrypted = (value.starts_with("ENC[") && value.ends_with(']'))
        || (value.starts_with("ENC(") && value.ends_with(')'));
    if encrypted {
        return true;
    }
    if value.starts_with('<') && value.ends_with('>') {
        return true;
    }
    value
        .chars()
        .all(|c| matches!(c, '*' | 'x' | 'X' | '.' | '-' | '#'))
}

/// Kubernetes expands `$(NAME)` in `env[*].value` from the container's other
/// variables: such a value is a reference.
fn env_reference(value: &str) -> bool {
    value.match_indices("$(").any(|(at, _)| {
        let rest = &value[at + 2..];
        rest.find(')').is_some_and(|end| {
            end > 0
                && rest[..end]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> NameRules {
        NameRules {
            allow: vec!["SECRET_SAUCE".into()],
            ..NameRules::default()
        }
        .normalized()
        .unwrap()
    }

    #[test]
    fn names_split_into_words() {
        assert_eq!(name_words("GITHUB_TOKEN"), ["github", "token"]);
        assert_eq!(name_words("dbPassword"), ["db", "password"]);
        assert_eq!(name_words("aws-secret.key"), ["aws", "secret", "key"]);
        assert_eq!(name_words("OAuth2Token"), ["oauth2", "token"]);
        assert!(name_words("__").is_empty());
    }

    #[test]
    fn secret_names() {
        let rules = rules();
        for name in [
            "DB_PASSWORD",
            "GITHUB_TOKEN",
            "clientSecret",
            "API_KEY",
            "LICENSE_KEY",
            "DB_PASS",
            "AWS_SECRET_ACCESS_KEY",
            "AZURE_STORAGE_ACCOUNT_KEY",
            "OCI_CLI_KEY_CONTENT",
            "GOOGLE_CREDENTIALS_JSON",
            "GOOGLE_APPLICATION_CREDENTIALS",
            "TLS_KEY",
            "SECRET_KEY_BASE",
            "JWT_SECRET",
            "VAULT_TOKEN",
            "DB_PW",
            "refreshToken",
            "PGPASSWORD",
            "MYSQLPASSWD",
        ] {
            assert!(rules.is_secret(name), "{name}");
        }
    }

    #[test]
    fn names_near_secrets() {
        let rules = rules();
        for name in [
            "TOKEN_URL",
            "PASSWORD_FILE",
            "KEY_ID",
            "AWS_ACCESS_KEY_ID",
            "SECRET_NAME",
            "PASSWORD_MIN_LENGTH",
            "TOKEN_TTL",
            "KEY_PREFIX",
            "PASS_THROUGH",
            "CACHE_KEY",
            "SSH_PUBLIC_KEY",
            "TOKENIZERS_PARALLELISM",
            "MAX_TOKENS",
            "SECRET_SAUCE",
            "KEYCLOAK_URL",
            "key",
            "KEY",
            "AUTH_TOKEN_HEADER",
            "KMS_KEY_ARN",
            "PARTITION_KEY",
            "SECRET_MANAGER",
            "TOKEN_EXPIRY_SECONDS",
        ] {
            assert!(!rules.is_secret(name), "{name}");
        }
    }

    #[test]
    fn globs() {
        assert!(glob("AZURE_*KEY", "azure_client_key"));
        assert!(glob("AZURE_*KEY", "AZURE_KEY"));
        assert!(!glob("AZURE_*KEY", "AZURE_KEY_VAULT"));
        assert!(glob("*", "anything"));
        assert!(glob("A*B*C", "AxxBxxC"));
        assert!(!glob("AB*BA", "ABA"));
    }

    #[test]
    fn placeholders_hold_the_name() {
        assert!(placeholder_for("GOOGLE_API_KEY", "GOOGLE_API_KEY_VAL"));
        assert!(placeholder_for("apiKey", "api-key"));
        assert!(!placeholder_for("DB_PASSWORD", "hunter2"));
        assert!(!placeholder_for("DB_PASSWORD", "dbpassword123"));
        assert!(!placeholder_for("pw", "pwpwpw"));
    }

    #[test]
    fn inert_values() {
        for value in [
            "",
            "  ",
            "{{ .Values.password }}",
            "${DB_PASSWORD}",
            "$(DB_PASSWORD)",
            "postgres://app:$(DB_PASSWORD)@db:5432/app",
            "true",
            "Off",
            "3600",
            "0.5",
            "/var/run/secrets/db/password",
            "https://vault.example.com/v1/secret/data/app",
            "ENC[AES256_GCM,data:abc=,iv:def=,tag:ghi=,type:str]",
            "ENC(nrmZtkF7T0kjG/VodDvBw93Ct8EgjCA+)",
            "<your-token-here>",
            "********",
            "[]",
            "~",
        ] {
            assert!(inert_value(value), "{value:?}");
        }
        for value in [
            "hunter2",
            "changeme",
            "s3cr3t value",
            "https://app:hunter2@db.example.com",
            "$(echo hi) and more",
        ] {
            assert!(!inert_value(value), "{value:?}");
        }
    }
}
