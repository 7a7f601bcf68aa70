//! `toToml`, URLs, and Sprig's odds and ends.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::args::{map, string, want};
use crate::helm::value::{FuncCx, Value};

/// `toToml`: BurntSushi/toml's encoder; the error text is the result.
pub fn to_toml(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("toToml", a, 1)?;
    let Value::Map(m) = &a[0] else {
        return Ok(Value::str(
            "toml: top-level values must be Go maps or structs",
        ));
    };
    let mut out = String::new();
    let result = toml_table(&mut out, &[], &m.borrow(), 0);
    Ok(Value::str(match result {
        Ok(()) => out,
        Err(e) => e,
    }))
}

fn is_table(v: &Value) -> bool {
    matches!(v, Value::Map(_))
}

fn is_table_array(v: &Value) -> bool {
    matches!(v, Value::List(l) if !l.borrow().is_empty() && l.borrow().iter().all(is_table))
}

fn toml_key(k: &str) -> String {
    if !k.is_empty()
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        k.to_string()
    } else {
        toml_string(k)
    }
}

fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn toml_value(v: &Value) -> Result<String, String> {
    Ok(match v {
        Value::Bool(b) => b.to_string(),
        Value::Int(n) | Value::Int64(n) => n.to_string(),
        Value::Float(f) => {
            if f.is_nan() {
                "nan".into()
            } else if f.is_infinite() {
                if *f > 0.0 { "inf" } else { "-inf" }.into()
            } else {
                let s = format!("{f}");
                if s.contains('.') { s } else { format!("{s}.0") }
            }
        }
        Value::Str(s) => toml_string(s.as_str()),
        Value::Object(o) => toml_string(&super::json::object_text(o.as_ref())),
        Value::List(l) => {
            let items: Vec<String> = l
                .borrow()
                .iter()
                .map(toml_value)
                .collect::<Result<_, _>>()?;
            format!("[{}]", items.join(", "))
        }
        Value::Map(m) => {
            let mut parts = Vec::new();
            for (k, v) in m.borrow().iter() {
                if !v.is_nil() {
                    parts.push(format!("{} = {}", toml_key(k), toml_value(v)?));
                }
            }
            format!("{{{}}}", parts.join(", "))
        }
        Value::Nil => return Err("toml: cannot encode a nil value".into()),
    })
}

fn toml_table(
    out: &mut String,
    path: &[String],
    m: &BTreeMap<String, Value>,
    depth: usize,
) -> Result<(), String> {
    if depth > 100 {
        return Err("toml: nesting too deep".into());
    }
    let indent = "  ".repeat(path.len().saturating_sub(1) + usize::from(!path.is_empty()));
    for (k, v) in m {
        if v.is_nil() || is_table(v) || is_table_array(v) {
            continue;
        }
        let _ = writeln!(out, "{indent}{} = {}", toml_key(k), toml_value(v)?);
    }
    for (k, v) in m {
        let mut sub = path.to_vec();
        sub.push(k.clone());
        let header_indent = "  ".repeat(sub.len() - 1);
        let dotted: Vec<String> = sub.iter().map(|k| toml_key(k)).collect();
        match v {
            Value::Map(inner) => {
                if !out.is_empty() && sub.len() == 1 {
                    out.push('\n');
                }
                let _ = writeln!(out, "{header_indent}[{}]", dotted.join("."));
                toml_table(out, &sub, &inner.borrow(), depth + 1)?;
            }
            Value::List(l) if is_table_array(v) => {
                for item in l.borrow().iter() {
                    if let Value::Map(inner) = item {
                        if !out.is_empty() && sub.len() == 1 {
                            out.push('\n');
                        }
                        let _ = writeln!(out, "{header_indent}[[{}]]", dotted.join("."));
                        toml_table(out, &sub, &inner.borrow(), depth + 1)?;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Go's `url.Parse`, as Sprig's `urlParse` reports it.
pub fn url_parse(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("urlParse", a, 1)?;
    let raw = string(&a[0])?;
    let (rest, fragment) = raw.split_once('#').unwrap_or((raw, ""));
    let (scheme, rest) = match rest.split_once(':') {
        Some((s, r))
            if !s.is_empty()
                && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b)) =>
        {
            (s.to_ascii_lowercase(), r)
        }
        _ => (String::new(), rest),
    };
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (mut userinfo, mut host, mut path, mut opaque) =
        (String::new(), String::new(), String::new(), String::new());
    if let Some(after) = rest.strip_prefix("//") {
        let (authority, p) = match after.find('/') {
            Some(i) => (&after[..i], &after[i..]),
            None => (after, ""),
        };
        path = p.to_string();
        match authority.rsplit_once('@') {
            Some((u, h)) => {
                userinfo = u.to_string();
                host = h.to_string();
            }
            None => host = authority.to_string(),
        }
    } else if !scheme.is_empty() && !rest.starts_with('/') {
        opaque = rest.to_string();
    } else {
        path = rest.to_string();
    }
    let hostname = if host.starts_with('[') {
        host.split(']')
            .next()
            .unwrap_or("")
            .trim_start_matches('[')
            .to_string()
    } else {
        host.split(':').next().unwrap_or("").to_string()
    };
    let mut m = BTreeMap::new();
    for (k, v) in [
        ("fragment", fragment.to_string()),
        ("host", host),
        ("hostname", hostname),
        ("opaque", opaque),
        ("path", path),
        ("query", query.to_string()),
        ("scheme", scheme),
        ("userinfo", userinfo),
    ] {
        m.insert(k.to_string(), Value::str(v));
    }
    Ok(Value::map(m))
}

/// `urlJoin`: a URL from the parts `urlParse` gives.
pub fn url_join(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("urlJoin", a, 1)?;
    let m = map(&a[0])?.borrow();
    let get = |k: &str| m.get(k).map(Value::go_string).unwrap_or_default();
    let mut out = String::new();
    let scheme = get("scheme");
    if !scheme.is_empty() {
        out.push_str(&scheme);
        out.push(':');
    }
    let opaque = get("opaque");
    if !opaque.is_empty() {
        out.push_str(&opaque);
    } else {
        let (host, userinfo) = (get("host"), get("userinfo"));
        if !scheme.is_empty() || !host.is_empty() || !userinfo.is_empty() {
            out.push_str("//");
            if !userinfo.is_empty() {
                out.push_str(&userinfo);
                out.push('@');
            }
            out.push_str(&host);
        }
        let path = get("path");
        if !path.is_empty() && !path.starts_with('/') && !host.is_empty() {
            out.push('/');
        }
        out.push_str(&path);
    }
    let query = get("query");
    if !query.is_empty() {
        out.push('?');
        out.push_str(&query);
    }
    let fragment = get("fragment");
    if !fragment.is_empty() {
        out.push('#');
        out.push_str(&fragment);
    }
    Ok(Value::str(out))
}

/// harden never resolves names: the answer is always empty.
pub fn get_host_by_name(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("getHostByName", a, 1)?;
    string(&a[0])?;
    Ok(Value::str(""))
}

pub fn hello(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("hello", a, 0)?;
    Ok(Value::str("Hello!"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_and_urls_match_helm() {
        let mut cx = FuncCx::default();
        let inner = Value::map(
            [(
                "d".to_string(),
                Value::list(vec![Value::Int(1), Value::Int(2)]),
            )]
            .into_iter()
            .collect(),
        );
        let m = Value::map(
            [
                ("a".to_string(), Value::Int(1)),
                ("b".to_string(), Value::str("x")),
                ("c".to_string(), inner),
                ("e".to_string(), Value::Float(1.5)),
                ("f".to_string(), Value::Bool(true)),
            ]
            .into_iter()
            .collect(),
        );
        assert_eq!(
            to_toml(&mut cx, &[m]).unwrap().go_string(),
            "a = 1\nb = \"x\"\ne = 1.5\nf = true\n\n[c]\n  d = [1, 2]\n"
        );
        let u = url_parse(
            &mut cx,
            &[Value::str("https://user:pw@host:80/p/a?q=1#frag")],
        )
        .unwrap();
        assert_eq!(
            super::super::json::encode(&u, true, None).unwrap(),
            r#"{"fragment":"frag","host":"host:80","hostname":"host","opaque":"","path":"/p/a","query":"q=1","scheme":"https","userinfo":"user:pw"}"#
        );
        let parts = Value::map(
            [
                ("scheme", "http"),
                ("host", "h"),
                ("path", "/x"),
                ("query", "a=b"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), Value::str(v)))
            .collect(),
        );
        assert_eq!(
            url_join(&mut cx, &[parts]).unwrap().go_string(),
            "http://h/x?a=b"
        );
    }
}
