//! JSON as Go's `encoding/json` writes and reads it, and Helm's
//! `fromYaml`/`fromJson` family, which report errors inside the result.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;

use super::args::{string, want};
use crate::helm::value::{FuncCx, Value};
use crate::yaml::{self, NodeRef, Scalar};

const MAX_DEPTH: usize = 500;

/// `json.Marshal` (`html` escapes `<`, `>`, `&`), or `json.MarshalIndent`
/// with two spaces when `indent` is given.
pub fn encode(v: &Value, html: bool, indent: Option<&str>) -> Result<String, String> {
    let mut out = String::new();
    write_json(&mut out, v, html, indent, 0)?;
    Ok(out)
}

fn newline(out: &mut String, indent: Option<&str>, depth: usize) {
    if let Some(ind) = indent {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(ind);
        }
    }
}

fn write_json(
    out: &mut String,
    v: &Value,
    html: bool,
    indent: Option<&str>,
    depth: usize,
) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err(format!(
            "json: unsupported value: encountered a cycle via {}",
            v.type_name()
        ));
    }
    match v {
        Value::Nil => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(n) | Value::Int64(n) => {
            let _ = write!(out, "{n}");
        }
        Value::Float(f) => out.push_str(&json_float(*f)?),
        Value::Str(s) => write_string(out, s.as_str(), html),
        Value::Object(o) => write_string(out, &object_text(o.as_ref()), html),
        Value::List(l) => {
            let items = l.borrow();
            if items.is_empty() {
                out.push_str("[]");
                return Ok(());
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent, depth + 1);
                write_json(out, item, html, indent, depth + 1)?;
            }
            newline(out, indent, depth);
            out.push(']');
        }
        Value::Map(m) => {
            let entries = m.borrow();
            if entries.is_empty() {
                out.push_str("{}");
                return Ok(());
            }
            out.push('{');
            for (i, (k, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent, depth + 1);
                write_string(out, k, html);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write_json(out, item, html, indent, depth + 1)?;
            }
            newline(out, indent, depth);
            out.push('}');
        }
    }
    Ok(())
}

/// Go's JSON number for a float64: `%f`-like below 1e21, exponent form
/// (`1e+21`, `1e-7`) outside `[1e-6, 1e21)`.
pub fn json_float(f: f64) -> Result<String, String> {
    if f.is_nan() || f.is_infinite() {
        return Err(format!(
            "json: unsupported value: {}",
            crate::helm::value::format_float_g(f)
        ));
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let s = format!("{f:e}");
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        return Ok(format!(
            "{mantissa}e{}{}",
            if exp < 0 { '-' } else { '+' },
            exp.abs()
        ));
    }
    // Rust's `Display` is the shortest round-trip digits, never an exponent.
    Ok(format!("{f}"))
}

/// The JSON string of a Go object: a time in RFC 3339, a version as text.
pub fn object_text(o: &dyn crate::helm::value::GoObject) -> String {
    if o.type_name() == "time.Time"
        && let Some(Value::Int64(ns)) = o.field("UnixNano")
    {
        return super::dates::rfc3339(super::dates::Time {
            secs: ns.div_euclid(1_000_000_000),
            nanos: ns.rem_euclid(1_000_000_000) as u32,
        });
    }
    o.display()
}

fn write_string(out: &mut String, s: &str, html: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' if html => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

pub fn to_json(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("toJson", a, 1)?;
    Ok(Value::str(encode(&a[0], true, None).unwrap_or_default()))
}

pub fn must_to_json(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("mustToJson", a, 1)?;
    Ok(Value::str(encode(&a[0], true, None)?))
}

pub fn to_pretty_json(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("toPrettyJson", a, 1)?;
    Ok(Value::str(
        encode(&a[0], true, Some("  ")).unwrap_or_default(),
    ))
}

pub fn must_to_pretty_json(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("mustToPrettyJson", a, 1)?;
    Ok(Value::str(encode(&a[0], true, Some("  "))?))
}

pub fn to_raw_json(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("toRawJson", a, 1)?;
    Ok(Value::str(encode(&a[0], false, None)?))
}

pub fn must_to_raw_json(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("mustToRawJson", a, 1)?;
    Ok(Value::str(encode(&a[0], false, None)?))
}

/// A JSON document as `json.Unmarshal` into `interface{}` gives it: every
/// number a float64.
pub fn from_serde(v: serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(s) => Value::str(s),
        serde_json::Value::Array(items) => Value::list(items.into_iter().map(from_serde).collect()),
        serde_json::Value::Object(m) => {
            Value::map(m.into_iter().map(|(k, v)| (k, from_serde(v))).collect())
        }
    }
}

fn parse_json(text: &str) -> Result<serde_json::Value, String> {
    serde_json::from_str(text).map_err(|e| {
        if e.is_eof() {
            return "unexpected end of JSON input".to_string();
        }
        let msg = e.to_string();
        // serde's "at line L column C" suffix has no Go counterpart.
        msg.split(" at line ").next().unwrap_or(&msg).to_string()
    })
}

pub fn from_json(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("fromJson", a, 1)?;
    let text = string(&a[0])?;
    let mut m = BTreeMap::new();
    match parse_json(text) {
        Ok(serde_json::Value::Object(obj)) => {
            for (k, v) in obj {
                m.insert(k, from_serde(v));
            }
        }
        Ok(serde_json::Value::Null) => {}
        Ok(other) => {
            m.insert(
                "Error".to_string(),
                Value::str(format!(
                    "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                    json_kind(&other)
                )),
            );
        }
        Err(e) => {
            m.insert("Error".to_string(), Value::str(e));
        }
    }
    Ok(Value::map(m))
}

/// Sprig's `mustFromJson`: any JSON value; a parse error fails the call.
pub fn must_from_json(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("mustFromJson", a, 1)?;
    Ok(from_serde(parse_json(string(&a[0])?)?))
}

pub fn from_json_array(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("fromJsonArray", a, 1)?;
    let text = string(&a[0])?;
    Ok(match parse_json(text) {
        Ok(serde_json::Value::Array(items)) => {
            Value::list(items.into_iter().map(from_serde).collect())
        }
        Ok(serde_json::Value::Null) => Value::list(Vec::new()),
        Ok(other) => Value::list(vec![Value::str(format!(
            "json: cannot unmarshal {} into Go value of type []interface {{}}",
            json_kind(&other)
        ))]),
        Err(e) => Value::list(vec![Value::str(e)]),
    })
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "bool",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

/// A YAML node as `sigs.k8s.io/yaml.Unmarshal` into `interface{}` gives it:
/// YAML 1.1 scalars, numbers as float64 (they pass through JSON).
fn node_value(node: NodeRef<'_>, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Nil;
    }
    if node.is_seq() {
        return Value::list(node.items().map(|n| node_value(n, depth + 1)).collect());
    }
    if node.is_map() {
        return Value::map(
            node.entries()
                .map(|(k, v)| (key_text(k), node_value(v, depth + 1)))
                .collect(),
        );
    }
    match node.scalar() {
        Some(Scalar::Bool(b)) => Value::Bool(b),
        Some(Scalar::Int(i)) => Value::Float(i as f64),
        Some(Scalar::Float(f)) => Value::Float(f),
        Some(Scalar::Str(s)) => Value::str(s),
        Some(Scalar::Null) | None => Value::Nil,
    }
}

fn key_text(k: NodeRef<'_>) -> String {
    match k.scalar() {
        Some(Scalar::Int(i)) => i.to_string(),
        Some(Scalar::Float(f)) => crate::helm::value::format_float_g(f),
        Some(Scalar::Bool(b)) => b.to_string(),
        Some(Scalar::Null) => "null".to_string(),
        _ => k.text().unwrap_or("").to_string(),
    }
}

/// The first document of `text`, or the error message.
fn parse_yaml(text: &str) -> Result<Option<Value>, String> {
    let src: Arc<str> = Arc::from(text);
    let parsed = yaml::parse_stream(&src, &yaml::Limits::default());
    if let Some(doc) = parsed.documents.first() {
        return Ok(doc.root().map(|r| node_value(r, 0)));
    }
    if let Some(error) = parsed.error {
        let line = text[..(error.offset as usize).min(text.len())]
            .matches('\n')
            .count()
            + 1;
        return Err(format!(
            "error converting YAML to JSON: yaml: line {line}: {}",
            error.message
        ));
    }
    Ok(None)
}

pub fn from_yaml(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("fromYaml", a, 1)?;
    let text = string(&a[0])?;
    Ok(match parse_yaml(text) {
        Ok(Some(v @ Value::Map(_))) => v,
        Ok(None | Some(Value::Nil)) => Value::empty_map(),
        Ok(Some(other)) => {
            let kind = match other {
                Value::List(_) => "array",
                Value::Str(_) => "string",
                Value::Bool(_) => "bool",
                _ => "number",
            };
            error_map(format!(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {kind} into Go value of type map[string]interface {{}}"
            ))
        }
        Err(e) => error_map(e),
    })
}

fn error_map(msg: String) -> Value {
    let mut m = BTreeMap::new();
    m.insert("Error".to_string(), Value::str(msg));
    Value::map(m)
}

pub fn from_yaml_array(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("fromYamlArray", a, 1)?;
    let text = string(&a[0])?;
    Ok(match parse_yaml(text) {
        Ok(Some(v @ Value::List(_))) => v,
        Ok(None | Some(Value::Nil)) => Value::list(Vec::new()),
        Ok(Some(other)) => {
            let kind = match other {
                Value::Map(_) => "object",
                Value::Str(_) => "string",
                Value::Bool(_) => "bool",
                _ => "number",
            };
            Value::list(vec![Value::str(format!(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {kind} into Go value of type []interface {{}}"
            ))])
        }
        Err(e) => Value::list(vec![Value::str(e)]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_matches_go() {
        let m = Value::map(
            [
                ("b".to_string(), Value::Float(1e21)),
                ("a".to_string(), Value::str("<&>\u{2028}\n")),
                (
                    "c".to_string(),
                    Value::list(vec![
                        Value::Float(0.0000001),
                        Value::Float(2.5),
                        Value::Float(1e6),
                    ]),
                ),
                ("d".to_string(), Value::empty_map()),
            ]
            .into_iter()
            .collect(),
        );
        assert_eq!(
            encode(&m, true, None).unwrap(),
            r#"{"a":"\u003c\u0026\u003e\u2028\n","b":1e+21,"c":[1e-7,2.5,1000000],"d":{}}"#
        );
        assert_eq!(
            encode(&m, false, None).unwrap(),
            r#"{"a":"<&>\u2028\n","b":1e+21,"c":[1e-7,2.5,1000000],"d":{}}"#
        );
        assert_eq!(
            encode(
                &Value::list(vec![Value::Int(1), Value::empty_map()]),
                true,
                Some("  ")
            )
            .unwrap(),
            "[\n  1,\n  {}\n]"
        );
        assert!(encode(&Value::Float(f64::NAN), true, None).is_err());
    }

    #[test]
    fn from_yaml_reports_errors_in_the_map() {
        let mut cx = FuncCx::default();
        let v = from_yaml(&mut cx, &[Value::str("a: 1\nb: [x, yes]\n")]).unwrap();
        assert_eq!(v.go_string(), "map[a:1 b:[x true]]");
        let Value::Map(m) = &v else { panic!() };
        assert!(matches!(m.borrow().get("a"), Some(Value::Float(_))));
        let v = from_yaml(&mut cx, &[Value::str("- a\n")]).unwrap();
        assert!(v.go_string().contains("cannot unmarshal array"));
        let v = from_yaml(&mut cx, &[Value::str("")]).unwrap();
        assert_eq!(v.go_string(), "map[]");
        let v = from_yaml(&mut cx, &[Value::str("a: [")]).unwrap();
        assert!(
            v.go_string()
                .starts_with("map[Error:error converting YAML to JSON")
        );
        let v = from_yaml_array(&mut cx, &[Value::str("- 1\n- b\n")]).unwrap();
        assert_eq!(v.go_string(), "[1 b]");
        let v = from_json(&mut cx, &[Value::str(r#"{"a":[1,{"b":null}]}"#)]).unwrap();
        assert_eq!(v.go_string(), "map[a:[1 map[b:<nil>]]]");
        let v = from_json(&mut cx, &[Value::str("[1]")]).unwrap();
        assert!(v.go_string().contains("cannot unmarshal array"));
    }
}
