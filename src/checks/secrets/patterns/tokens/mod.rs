//! Token formats of well-known services. Each family is a precise shape (a
//! fixed prefix and a body of known alphabet and length, a checked JWT
//! header, a password inside a URL), so a digest, a checksum or a random
//! identifier never matches. A few services issue keys with no prefix at
//! all (IBM Cloud, SoftLayer, Cloudant); those are recognised only under a
//! key whose name says which service they belong to.

use super::base64;
use super::names::name_words;

/// A token found in a text: what it is and its byte range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub family: &'static str,
    pub start: usize,
    pub end: usize,
    /// How many leading bytes are a fixed, public prefix (`ghp_`, a webhook
    /// host), which messages may show in full.
    pub public: usize,
}

impl Token {
    /// The token as messages show it: its public prefix, then a masked rest.
    pub fn masked(&self, text: &str) -> String {
        let token = &text[self.start..self.end];
        let (prefix, rest) = token.split_at(self.public.min(token.len()));
        format!("{prefix}{}", super::mask(rest))
    }
}

type Class = fn(u8) -> bool;

fn alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

fn upper_digit(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}

fn url_safe(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn hex(b: u8) -> bool {
    b.is_ascii_hexdigit()
}

fn lower_hex(b: u8) -> bool {
    b.is_ascii_digit() || (b'a'..=b'f').contains(&b)
}

/// A fixed prefix, then `min..=max` bytes of one class.
struct Prefixed {
    family: &'static str,
    prefixes: &'static [&'static str],
    body: Class,
    min: usize,
    max: usize,
}

const PREFIXED: &[Prefixed] = &[
    Prefixed {
        family: "AWS access key ID",
        prefixes: &["AKIA", "ASIA", "ABIA", "ACCA"],
        body: upper_digit,
        min: 16,
        max: 16,
    },
    Prefixed {
        family: "GitHub token",
        prefixes: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        body: alnum,
        min: 36,
        max: 251,
    },
    Prefixed {
        family: "GitHub token",
        prefixes: &["github_pat_"],
        body: word,
        min: 70,
        max: 244,
    },
    Prefixed {
        family: "GitLab token",
        prefixes: &["glpat-"],
        body: url_safe,
        min: 20,
        max: 64,
    },
    Prefixed {
        family: "Google API key",
        prefixes: &["AIza"],
        body: url_safe,
        min: 35,
        max: 35,
    },
    Prefixed {
        family: "Slack token",
        prefixes: &["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxe-"],
        body: |b| b.is_ascii_alphanumeric() || b == b'-',
        min: 20,
        max: 255,
    },
    Prefixed {
        family: "Stripe secret key",
        prefixes: &["sk_live_", "rk_live_"],
        body: alnum,
        min: 24,
        max: 247,
    },
    Prefixed {
        family: "npm token",
        prefixes: &["npm_"],
        body: alnum,
        min: 36,
        max: 36,
    },
    Prefixed {
        family: "Square access token",
        prefixes: &["sq0atp-"],
        body: url_safe,
        min: 22,
        max: 22,
    },
    Prefixed {
        family: "Square OAuth secret",
        prefixes: &["sq0csp-"],
        body: url_safe,
        min: 43,
        max: 43,
    },
    Prefixed {
        family: "Twilio API key",
        prefixes: &["SK"],
        body: hex,
        min: 32,
        max: 32,
    },
    Prefixed {
        family: "Artifactory API key",
        prefixes: &["AKCp"],
        body: alnum,
        min: 60,
        max: 80,
    },
    Prefixed {
        // Base64 of `reftkn:01:`.
        family: "Artifactory reference token",
        prefixes: &["cmVmdGtuOjAxOj"],
        body: alnum,
        min: 40,
        max: 60,
    },
];

/// A key for a service whose keys have no prefix: the key's name must hold
/// one of `vendor` and one of `secret`, and the value must have the shape.
struct Keyed {
    family: &'static str,
    vendor: &'static [&'static str],
    secret: &'static [&'static str],
    shapes: &'static [(Class, usize)],
}

const KEYED: &[Keyed] = &[
    Keyed {
        family: "IBM Cloud IAM API key",
        vendor: &["ibm", "iam"],
        secret: &["key", "apikey", "password", "pwd", "pass", "token"],
        shapes: &[(url_safe, 44)],
    },
    Keyed {
        family: "IBM Cloud Object Storage HMAC secret",
        vendor: &["cos", "hmac", "ibm"],
        secret: &["secret"],
        shapes: &[(lower_hex, 48)],
    },
    Keyed {
        family: "SoftLayer API key",
        vendor: &["softlayer", "sl"],
        secret: &["key", "apikey", "password", "pwd", "pass", "token"],
        shapes: &[(lower_hex, 64)],
    },
    Keyed {
        family: "Cloudant password",
        vendor: &["cloudant"],
        secret: &[
            "key", "apikey", "password", "pwd", "pw", "pass", "token", "secret",
        ],
        shapes: &[(lower_hex, 64), (|b| b.is_ascii_lowercase(), 24)],
    },
];

/// Every token in `text`, in order, without overlaps. `key` is the name
/// the text sits under (a YAML key, an environment variable), when known.
pub fn vendor_tokens(key: Option<&str>, text: &str) -> Vec<Token> {
    let mut found = Vec::new();
    prefixed(text, &mut found);
    mailchimp(text, &mut found);
    azure_storage_key(text, &mut found);
    slack_webhook(text, &mut found);
    jwt(text, &mut found);
    npm_auth_token(text, &mut found);
    url_passwords(text, &mut found);
    if let Some(key) = key {
        keyed(key, text, 0, &mut found);
    }
    for (name, value, at) in assignments(text) {
        // A file's own name may say which service it configures
        // (`softlayer.ini` holding `api_key = …`).
        let name = match key {
            Some(key) => format!("{key} {name}"),
            None => name.to_string(),
        };
        keyed(&name, value, at, &mut found);
    }
    found.sort_by_key(|t| (t.start, std::cmp::Reverse(t.end)));
    let mut out: Vec<Token> = Vec::new();
    for token in found {
        if out.last().is_none_or(|last| token.start >= last.end) {
            out.push(token);
        }
    }
    out
}

fn boundary_before(bytes: &[u8], at: usize) -> bool {
    at == 0 || !bytes[at - 1].is_ascii_alphanumeric()
}

/// The end of a run of `class` starting at `from`.
fn run(bytes: &[u8], from: usize, class: Class) -> usize {
    from + bytes[from..].iter().take_while(|&&b| class(b)).count()
}

fn prefixed(text: &str, out: &mut Vec<Token>) {
    let bytes = text.as_bytes();
    // A token starts a word, and every prefix starts with a letter or digit
    // and cannot overlap itself across a word start: the word starts whose
    // byte begins some prefix are every place a token may start. Finding
    // them once spares a substring search per prefix on every value.
    let starts: Vec<usize> = (0..bytes.len())
        .filter(|&at| boundary_before(bytes, at) && starts_a_prefix(bytes[at]))
        .collect();
    if starts.is_empty() {
        return;
    }
    for pattern in PREFIXED {
        for prefix in pattern.prefixes {
            for &at in &starts {
                if bytes[at..].starts_with(prefix.as_bytes())
                    && let Some(token) = prefixed_at(pattern, prefix, bytes, at)
                {
                    out.push(token);
                }
            }
        }
    }
}

/// The token of `pattern` whose `prefix` sits at `at`, if its body is right.
fn prefixed_at(pattern: &Prefixed, prefix: &str, bytes: &[u8], at: usize) -> Option<Token> {
    let body = at + prefix.len();
    let end = run(bytes, body, pattern.body);
    let after_ok = bytes.get(end).is_none_or(|b| !b.is_ascii_alphanumeric());
    let length = end - body;
    let slack_digits =
        !prefix.starts_with("xox") || bytes[body..end].iter().any(u8::is_ascii_digit);
    (after_ok && (pattern.min..=pattern.max).contains(&length) && slack_digits).then_some(Token {
        family: pattern.family,
        start: at,
        end,
        public: prefix.len(),
    })
}

/// True when some prefix of `PREFIXED` begins with `byte`.
fn starts_a_prefix(byte: u8) -> bool {
    PREFIX_FIRST_BYTES[usize::from(byte)]
}

/// The first bytes of the prefixes of `PREFIXED`, as a table.
const PREFIX_FIRST_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < PREFIXED.len() {
        let prefixes = PREFIXED[i].prefixes;
        let mut j = 0;
        while j < prefixes.len() {
            if let Some(&first) = prefixes[j].as_bytes().first() {
                table[first as usize] = true;
            }
            j += 1;
        }
        i += 1;
    }
    table
};

/// 32 lower-case hex digits, `-us`, and a data-centre number.
fn mailchimp(text: &str, out: &mut Vec<Token>) {
    let bytes = text.as_bytes();
    for (at, _) in text.match_indices("-us") {
        let Some(start) = at.checked_sub(32) else {
            continue;
        };
        let digits_end = run(bytes, at + 3, |b| b.is_ascii_digit());
        let ok = boundary_before(bytes, start)
            && bytes[start..at].iter().all(|&b| lower_hex(b))
            && (1..=2).contains(&(digits_end - at - 3))
            && bytes
                .get(digits_end)
                .is_none_or(|b| !b.is_ascii_alphanumeric());
        if ok {
            out.push(Token {
                family: "Mailchimp API key",
                start,
                end: digits_end,
                public: 0,
            });
        }
    }
}

/// `AccountKey=` and 64 random bytes in base64 (86 characters and `==`).
fn azure_storage_key(text: &str, out: &mut Vec<Token>) {
    let bytes = text.as_bytes();
    for (at, prefix) in text.match_indices("AccountKey=") {
        let start = at + prefix.len();
        let end = run(bytes, start, |b| {
            b.is_ascii_alphanumeric() || b == b'+' || b == b'/'
        });
        if end - start == 86 && text[end..].starts_with("==") {
            out.push(Token {
                family: "Azure storage account key",
                start,
                end: end + 2,
                public: 0,
            });
        }
    }
}

fn slack_webhook(text: &str, out: &mut Vec<Token>) {
    const PREFIX: &str = "https://hooks.slack.com/services/";
    let bytes = text.as_bytes();
    for (at, _) in text.match_indices(PREFIX) {
        let start = at + PREFIX.len();
        let end = run(bytes, start, |b| b.is_ascii_alphanumeric() || b == b'/');
        let parts: Vec<&str> = text[start..end].split('/').collect();
        let ok = parts.len() == 3
            && parts[0].starts_with('T')
            && parts[1].starts_with('B')
            && parts[2].len() >= 16;
        if ok {
            out.push(Token {
                family: "Slack webhook URL",
                start: at,
                end,
                public: PREFIX.len(),
            });
        }
    }
}

/// `header.payload.signature`, each base64url, where the header decodes to
/// a JSON object naming an algorithm and the payload to a JSON object.
fn jwt(text: &str, out: &mut Vec<Token>) {
    let bytes = text.as_bytes();
    for (at, _) in text.match_indices("eyJ") {
        if !boundary_before(bytes, at) {
            continue;
        }
        let header_end = run(bytes, at, url_safe);
        if bytes.get(header_end) != Some(&b'.') {
            continue;
        }
        let payload_end = run(bytes, header_end + 1, url_safe);
        if bytes.get(payload_end) != Some(&b'.') {
            continue;
        }
        let end = run(bytes, payload_end + 1, url_safe);
        let decodes_to_object = |segment: &str, needle: &str| {
            base64::decode(segment).is_some_and(|raw| {
                let text = String::from_utf8_lossy(&raw);
                text.trim_start().starts_with('{') && text.contains(needle)
            })
        };
        if decodes_to_object(&text[at..header_end], "\"alg\"")
            && decodes_to_object(&text[header_end + 1..payload_end], "\"")
        {
            out.push(Token {
                family: "JSON Web Token",
                start: at,
                end,
                public: 0,
            });
        }
    }
}

/// `//registry.npmjs.org/:_authToken=…` lines of an `.npmrc`.
fn npm_auth_token(text: &str, out: &mut Vec<Token>) {
    let bytes = text.as_bytes();
    for (at, prefix) in text.match_indices(":_authToken=") {
        let start = at + prefix.len();
        let end = run(bytes, start, |b| !b.is_ascii_whitespace() && b != b'"');
        let value = &text[start..end];
        if value.len() >= 8 && !crate::checks::unrendered(value) {
            out.push(Token {
                family: "npm auth token",
                start,
                end,
                public: 0,
            });
        }
    }
}

/// The password of `scheme://user:password@host` when it is written out
/// (not a `$VAR`, a template or a mask).
fn url_passwords(text: &str, out: &mut Vec<Token>) {
    let bytes = text.as_bytes();
    for (at, _) in text.match_indices("://") {
        let scheme_start = at
            - bytes[..at]
                .iter()
                .rev()
                .take_while(|&&b| b.is_ascii_alphanumeric() || b"+.-".contains(&b))
                .count();
        if at - scheme_start < 2 {
            continue;
        }
        let start = at + 3;
        let end = run(bytes, start, |b| {
            !b.is_ascii_whitespace() && !b"/?#\"'<>`".contains(&b)
        });
        let authority = &text[start..end];
        let Some(user_end) = authority.rfind('@') else {
            continue;
        };
        let userinfo = &authority[..user_end];
        let Some(colon) = userinfo.find(':') else {
            continue;
        };
        let password = &userinfo[colon + 1..];
        let host = &authority[user_end + 1..];
        let placeholder = password.starts_with('$')
            || password.starts_with('<')
            || crate::checks::unrendered(password)
            || password.chars().all(|c| matches!(c, '*' | 'x' | 'X'));
        if password.is_empty() || placeholder || host.is_empty() {
            continue;
        }
        let family = if host
            .split(':')
            .next()
            .unwrap_or("")
            .ends_with("cloudant.com")
        {
            "Cloudant credentials"
        } else {
            "password in a URL"
        };
        let password_start = start + colon + 1;
        out.push(Token {
            family,
            start: password_start,
            end: password_start + password.len(),
            public: 0,
        });
    }
}

fn keyed(key: &str, value: &str, offset: usize, out: &mut Vec<Token>) {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return;
    }
    let start = offset + (value.len() - value.trim_start().len());
    let words = name_words(key);
    let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    for family in KEYED {
        let shaped = family
            .shapes
            .iter()
            .any(|&(class, length)| trimmed.len() == length && trimmed.bytes().all(class));
        if shaped && has(family.vendor) && has(family.secret) {
            out.push(Token {
                family: family.family,
                start,
                end: start + trimmed.len(),
                public: 0,
            });
        }
    }
}

/// `name = value`, `name: value` and `"name": "value"` lines of a text
/// that holds a configuration file: (name, value, offset of the value).
pub fn assignments(text: &str) -> Vec<(&str, &str, usize)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let Some(at) = body.find(['=', ':']) else {
            continue;
        };
        let name = body[..at].trim().trim_matches(['"', '\'']).trim();
        let name = name.strip_prefix("export ").unwrap_or(name).trim();
        let valid_name = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
        if !valid_name {
            continue;
        }
        let raw = &body[at + 1..];
        let raw = raw.trim_end().trim_end_matches(',');
        let leading = raw.len() - raw.trim_start().len();
        let value = raw.trim();
        let (value, quote) = match value.as_bytes().first() {
            Some(&q @ (b'"' | b'\'')) if value.len() >= 2 && value.ends_with(q as char) => {
                (&value[1..value.len() - 1], 1)
            }
            _ => (value, 0),
        };
        out.push((name, value, line_start + at + 1 + leading + quote));
    }
    out
}

#[cfg(test)]
mod tests;
