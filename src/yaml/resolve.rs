//! Scalar resolution as Kubernetes sees it.
//!
//! `sigs.k8s.io/yaml` decodes through go-yaml v2, a YAML 1.1 resolver: `yes`,
//! `on` and `y` are booleans, `0644` is octal, `~` is null. A YAML 1.2 reading
//! would see the string "yes" in `privileged: yes` and miss a privileged
//! container, so every rule reads scalars through this table.

/// The resolved value of a scalar.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a str),
}

impl<'a> Scalar<'a> {
    /// Resolves the text of a plain (unquoted, untagged) scalar.
    pub fn resolve_plain(text: &'a str) -> Scalar<'a> {
        match text {
            "" | "~" | "null" | "Null" | "NULL" => return Scalar::Null,
            "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
                return Scalar::Bool(true);
            }
            "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off"
            | "OFF" => return Scalar::Bool(false),
            ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
                return Scalar::Float(f64::INFINITY);
            }
            "-.inf" | "-.Inf" | "-.INF" => return Scalar::Float(f64::NEG_INFINITY),
            ".nan" | ".NaN" | ".NAN" => return Scalar::Float(f64::NAN),
            _ => {}
        }
        let first = text.as_bytes()[0];
        if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
            return Scalar::Str(text);
        }
        if let Some(int) = parse_int(text) {
            return Scalar::Int(int);
        }
        if let Some(float) = parse_float(text) {
            return Scalar::Float(float);
        }
        Scalar::Str(text)
    }

    /// Resolves a scalar carrying an explicit tag such as `!!str` or `!!int`.
    pub fn resolve_tagged(text: &'a str, tag: &str) -> Scalar<'a> {
        match tag {
            "str" | "binary" => Scalar::Str(text),
            "int" => parse_int(text).map_or(Scalar::Str(text), Scalar::Int),
            "float" => parse_float(text)
                .or_else(|| parse_int(text).map(|i| i as f64))
                .map_or(Scalar::Str(text), Scalar::Float),
            "bool" | "null" => Scalar::resolve_plain(text),
            _ => Scalar::resolve_plain(text),
        }
    }
}

/// Go's `strconv.ParseInt(s, 0, 64)` after go-yaml strips `_`: decimal, `0x`,
/// `0o`, `0b` and a leading `0` for octal, with an optional sign.
fn parse_int(text: &str) -> Option<i64> {
    let cleaned: String;
    let text = if text.contains('_') {
        cleaned = text.replace('_', "");
        cleaned.as_str()
    } else {
        text
    };
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() {
        return None;
    }
    let (radix, body) = if let Some(rest) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        (16, rest)
    } else if let Some(rest) = digits
        .strip_prefix("0o")
        .or_else(|| digits.strip_prefix("0O"))
    {
        (8, rest)
    } else if let Some(rest) = digits
        .strip_prefix("0b")
        .or_else(|| digits.strip_prefix("0B"))
    {
        (2, rest)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let magnitude = u64::from_str_radix(body, radix).ok()?;
    if negative {
        if magnitude <= i64::MAX as u64 + 1 {
            Some((magnitude as i64).wrapping_neg())
        } else {
            None
        }
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// YAML 1.1 floats: `[-+]?([0-9][0-9_]*)?\.[0-9.]*([eE][-+][0-9]+)?` and the
/// plain decimal forms that Go's ParseFloat accepts.
fn parse_float(text: &str) -> Option<f64> {
    let body = text.trim_start_matches(['-', '+']);
    if body.is_empty()
        || !body
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+' | b'_'))
        || !body.bytes().any(|b| b.is_ascii_digit())
    {
        return None;
    }
    text.replace('_', "").parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::Scalar::{self, *};

    #[test]
    fn yaml_1_1_booleans() {
        for t in ["yes", "Yes", "on", "ON", "y", "true"] {
            assert_eq!(Scalar::resolve_plain(t), Bool(true), "{t}");
        }
        for t in ["no", "off", "n", "False"] {
            assert_eq!(Scalar::resolve_plain(t), Bool(false), "{t}");
        }
        assert_eq!(Scalar::resolve_plain("yess"), Str("yess"));
    }

    #[test]
    fn numbers_resolve_like_go_yaml_v2() {
        assert_eq!(Scalar::resolve_plain("0777"), Int(511));
        assert_eq!(Scalar::resolve_plain("0644"), Int(420));
        assert_eq!(Scalar::resolve_plain("0x1F"), Int(31));
        assert_eq!(Scalar::resolve_plain("-12"), Int(-12));
        assert_eq!(Scalar::resolve_plain("1_000"), Int(1000));
        assert_eq!(Scalar::resolve_plain("0"), Int(0));
        assert_eq!(Scalar::resolve_plain("1.5"), Float(1.5));
        assert_eq!(Scalar::resolve_plain("1e3"), Float(1000.0));
        assert_eq!(Scalar::resolve_plain("089"), Float(89.0));
        assert_eq!(Scalar::resolve_plain("1.2.3"), Str("1.2.3"));
        assert_eq!(Scalar::resolve_plain("500m"), Str("500m"));
        assert_eq!(Scalar::resolve_plain("-"), Str("-"));
    }

    #[test]
    fn nulls_and_tags() {
        assert_eq!(Scalar::resolve_plain("~"), Null);
        assert_eq!(Scalar::resolve_plain(""), Null);
        assert_eq!(Scalar::resolve_tagged("yes", "str"), Str("yes"));
        assert_eq!(Scalar::resolve_tagged("12", "int"), Int(12));
    }
}
