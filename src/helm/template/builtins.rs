//! Go's template builtins (`eq`, `lt`, `index`, `len`, `printf`, `html` …)
//! with their comparison rules and error texts.

use std::cmp::Ordering;

use super::ast::Builtin;
use super::fmt::{go_sprint, go_sprintf, go_sprintln};
use super::{arg_error, call_error};
use crate::helm::value::Value;

pub fn call(b: Builtin, name: &str, args: &[Value]) -> Result<Value, String> {
    let want = |n: usize| -> Result<(), String> {
        if args.len() != n {
            return Err(call_error(&format!(
                "wrong number of args for {name}: want {n} got {}",
                args.len()
            )));
        }
        Ok(())
    };
    let at_least = |n: usize| -> Result<(), String> {
        if args.len() < n {
            return Err(call_error(&format!(
                "wrong number of args for {name}: want at least {n} got {}",
                args.len()
            )));
        }
        Ok(())
    };
    match b {
        Builtin::Not => {
            want(1)?;
            Ok(Value::Bool(!args[0].truthy()))
        }
        Builtin::Eq => {
            at_least(1)?;
            eq(&args[0], &args[1..]).map(Value::Bool)
        }
        Builtin::Ne => {
            want(2)?;
            eq(&args[0], &args[1..2]).map(|t| Value::Bool(!t))
        }
        Builtin::Lt => {
            want(2)?;
            lt(&args[0], &args[1]).map(Value::Bool)
        }
        Builtin::Le => {
            want(2)?;
            le(&args[0], &args[1]).map(Value::Bool)
        }
        Builtin::Gt => {
            want(2)?;
            le(&args[0], &args[1]).map(|t| Value::Bool(!t))
        }
        Builtin::Ge => {
            want(2)?;
            lt(&args[0], &args[1]).map(|t| Value::Bool(!t))
        }
        Builtin::Len => {
            want(1)?;
            length(&args[0])
        }
        Builtin::Index => {
            at_least(1)?;
            index(&args[0], &args[1..])
        }
        Builtin::Slice => {
            at_least(1)?;
            slice(&args[0], &args[1..])
        }
        Builtin::Print => Ok(Value::str(go_sprint(args))),
        Builtin::Println => Ok(Value::str(go_sprintln(args))),
        Builtin::Printf => {
            at_least(1)?;
            match &args[0] {
                Value::Str(f) => Ok(Value::str(go_sprintf(f.as_str(), &args[1..]))),
                Value::Nil => Err(arg_error(0, "invalid value; expected string")),
                other => Err(arg_error(
                    0,
                    &format!(
                        "wrong type for value; expected string; got {}",
                        other.type_name()
                    ),
                )),
            }
        }
        Builtin::Html => Ok(Value::str(html_escape(&escaper_text(args)))),
        Builtin::Js => Ok(Value::str(js_escape(&escaper_text(args)))),
        Builtin::Urlquery => Ok(Value::str(query_escape(&escaper_text(args)))),
        Builtin::Call => {
            at_least(1)?;
            match &args[0] {
                Value::Nil => Err("call of nil".to_string()),
                other => Err(format!("non-function of type {}", other.type_name())),
            }
        }
        Builtin::And | Builtin::Or | Builtin::Include | Builtin::Tpl => {
            Err(format!("{name} is evaluated by the engine"))
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Invalid,
    Bool,
    Int,
    Float,
    String,
}

fn basic_kind(v: &Value) -> Kind {
    match v {
        Value::Bool(_) => Kind::Bool,
        Value::Int(_) | Value::Int64(_) => Kind::Int,
        Value::Float(_) => Kind::Float,
        Value::Str(_) => Kind::String,
        _ => Kind::Invalid,
    }
}

fn int_of(v: &Value) -> i64 {
    match v {
        Value::Int(n) | Value::Int64(n) => *n,
        _ => 0,
    }
}

fn float_of(v: &Value) -> f64 {
    match v {
        Value::Float(f) => *f,
        _ => 0.0,
    }
}

fn incompatible(a: &Value, b: &Value) -> String {
    format!(
        "incompatible types for comparison: {} and {}",
        a.type_name(),
        b.type_name()
    )
}

/// Go's `eq`: true when `a` equals any of `rest`.
pub fn eq(a: &Value, rest: &[Value]) -> Result<bool, String> {
    if rest.is_empty() {
        return Err("missing argument for comparison".to_string());
    }
    let k1 = basic_kind(a);
    for b in rest {
        let k2 = basic_kind(b);
        let truth = if k1 != k2 {
            if !a.is_nil() && !b.is_nil() {
                return Err(incompatible(a, b));
            }
            false
        } else {
            match k1 {
                Kind::Bool => matches!((a, b), (Value::Bool(x), Value::Bool(y)) if x == y),
                Kind::Int => int_of(a) == int_of(b),
                Kind::Float => float_of(a) == float_of(b),
                Kind::String => a.as_str() == b.as_str(),
                Kind::Invalid => {
                    if a.is_nil() || b.is_nil() {
                        a.is_nil() == b.is_nil()
                    } else if std::mem::discriminant(a) != std::mem::discriminant(b) {
                        return Err(format!(
                            "non-comparable types {}: {}, {}: {}",
                            go_sprintf("%s", std::slice::from_ref(a)),
                            a.type_name(),
                            b.type_name(),
                            go_sprintf("%s", std::slice::from_ref(b))
                        ));
                    } else if let (Value::Object(x), Value::Object(y)) = (a, b) {
                        std::rc::Rc::ptr_eq(x, y)
                    } else {
                        return Err(format!(
                            "non-comparable type {}: {}",
                            go_sprintf("%s", std::slice::from_ref(b)),
                            b.type_name()
                        ));
                    }
                }
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

fn compare(a: &Value, b: &Value) -> Result<Ordering, String> {
    let (k1, k2) = (basic_kind(a), basic_kind(b));
    if matches!(k1, Kind::Invalid) || matches!(k2, Kind::Invalid) {
        return Err("invalid type for comparison".to_string());
    }
    if k1 != k2 {
        return Err(incompatible(a, b));
    }
    match k1 {
        Kind::Int => Ok(int_of(a).cmp(&int_of(b))),
        Kind::Float => Ok(float_of(a)
            .partial_cmp(&float_of(b))
            .unwrap_or(Ordering::Greater)),
        Kind::String => Ok(a.as_str().cmp(&b.as_str())),
        _ => Err("invalid type for comparison".to_string()),
    }
}

pub fn lt(a: &Value, b: &Value) -> Result<bool, String> {
    compare(a, b).map(|o| o == Ordering::Less)
}

fn le(a: &Value, b: &Value) -> Result<bool, String> {
    if lt(a, b)? {
        return Ok(true);
    }
    eq(a, std::slice::from_ref(b))
}

fn length(v: &Value) -> Result<Value, String> {
    let n = match v {
        Value::Nil => return Err("len of nil pointer".to_string()),
        Value::Str(s) => s.text.len(),
        Value::List(l) => l.borrow().len(),
        Value::Map(m) => m.borrow().len(),
        other => return Err(format!("len of type {}", other.type_name())),
    };
    Ok(Value::Int(n as i64))
}

fn index_arg(index: &Value, cap: usize) -> Result<usize, String> {
    let x = match index {
        Value::Int(n) | Value::Int64(n) => *n,
        Value::Nil => return Err("cannot index slice/array with nil".to_string()),
        other => {
            return Err(format!(
                "cannot index slice/array with type {}",
                other.type_name()
            ));
        }
    };
    if x < 0 || x as u64 > cap as u64 {
        return Err(format!("index out of range: {x}"));
    }
    Ok(x as usize)
}

fn index(item: &Value, indexes: &[Value]) -> Result<Value, String> {
    if item.is_nil() {
        return Err("index of untyped nil".to_string());
    }
    let mut item = item.clone();
    for idx in indexes {
        item = match &item {
            Value::Nil => return Err("index of nil pointer".to_string()),
            Value::List(l) => {
                let l = l.borrow();
                let x = index_arg(idx, l.len())?;
                match l.get(x) {
                    Some(v) => v.clone(),
                    None => return Err("reflect: slice index out of range".to_string()),
                }
            }
            Value::Str(s) => {
                let x = index_arg(idx, s.text.len())?;
                match s.text.as_bytes().get(x) {
                    Some(b) => Value::Int(*b as i64),
                    None => return Err("reflect: string index out of range".to_string()),
                }
            }
            Value::Map(m) => match idx {
                Value::Str(k) => m.borrow().get(k.as_str()).cloned().unwrap_or_default(),
                Value::Nil => return Err("value is nil; should be of type string".to_string()),
                other => {
                    return Err(format!(
                        "value has type {}; should be string",
                        other.type_name()
                    ));
                }
            },
            other => return Err(format!("can't index item of type {}", other.type_name())),
        };
    }
    Ok(item)
}

fn slice(item: &Value, indexes: &[Value]) -> Result<Value, String> {
    if item.is_nil() {
        return Err("slice of untyped nil".to_string());
    }
    if indexes.len() > 3 {
        return Err(format!("too many slice indexes: {}", indexes.len()));
    }
    let len = match item {
        Value::Str(s) => {
            if indexes.len() == 3 {
                return Err("cannot 3-index slice a string".to_string());
            }
            s.text.len()
        }
        Value::List(l) => l.borrow().len(),
        other => return Err(format!("can't slice item of type {}", other.type_name())),
    };
    let mut idx = [0, len, len];
    for (i, x) in indexes.iter().enumerate() {
        idx[i] = index_arg(x, len)?;
    }
    if idx[0] > idx[1] {
        return Err(format!("invalid slice index: {} > {}", idx[0], idx[1]));
    }
    if indexes.len() == 3 && idx[1] > idx[2] {
        return Err(format!("invalid slice index: {} > {}", idx[1], idx[2]));
    }
    match item {
        Value::Str(s) => match s.text.get(idx[0]..idx[1]) {
            Some(t) => Ok(Value::str(t)),
            None => Ok(Value::str(
                String::from_utf8_lossy(&s.text.as_bytes()[idx[0]..idx[1]]).into_owned(),
            )),
        },
        Value::List(l) => Ok(Value::list(l.borrow()[idx[0]..idx[1]].to_vec())),
        _ => Err("can't slice".to_string()),
    }
}

/// The text `html`, `js` and `urlquery` escape: a lone string as is,
/// otherwise `fmt.Sprint` of the arguments (nil as `<no value>`).
fn escaper_text(args: &[Value]) -> String {
    if let [Value::Str(s)] = args {
        return s.as_str().to_string();
    }
    let printable: Vec<Value> = args
        .iter()
        .map(|a| {
            if a.is_nil() {
                Value::str("<no value>")
            } else {
                a.clone()
            }
        })
        .collect();
    go_sprint(&printable)
}

fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\0' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

fn js_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c if !c.is_ascii() && !super::lex::is_go_printable(c) => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// `url.QueryEscape`.
fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
