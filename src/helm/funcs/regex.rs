//! Sprig's regex functions over Go RE2 syntax, run with the `regex` crate.
//!
//! The two dialects agree except in what the Perl classes mean: Go's `\d`,
//! `\w`, `\s` and `\b` are ASCII-only, the crate's Unicode-aware. Patterns
//! are rewritten to the ASCII classes before compiling. Go's `\C` and `\Q…\E`
//! are not supported (the crate rejects them with an error). Replacement
//! templates (`$1`, `${name}`, `$$`) follow the same rules in both.

use std::cell::RefCell;
use std::collections::HashMap;

use regex::Regex;

use super::args::{int, string, want};
use crate::helm::value::{FuncCx, Value};

/// Rewrites Go's ASCII Perl classes for the `regex` crate.
fn translate(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(n) = chars.next() else {
                    out.push('\\');
                    break;
                };
                let class = match (n, in_class) {
                    ('d', false) => Some("[0-9]"),
                    ('D', false) => Some("[^0-9]"),
                    ('w', false) => Some("[0-9A-Za-z_]"),
                    ('W', false) => Some("[^0-9A-Za-z_]"),
                    ('s', false) => Some("[\\t\\n\\f\\r ]"),
                    ('S', false) => Some("[^\\t\\n\\f\\r ]"),
                    ('b', false) => Some("(?-u:\\b)"),
                    ('B', false) => Some("(?-u:\\B)"),
                    ('d', true) => Some("0-9"),
                    ('D', true) => Some("[:^digit:]"),
                    ('w', true) => Some("0-9A-Za-z_"),
                    ('W', true) => Some("[:^word:]"),
                    ('s', true) => Some("\\t\\n\\f\\r "),
                    ('S', true) => Some("[:^space:]"),
                    _ => None,
                };
                match class {
                    Some(text) => out.push_str(text),
                    None => {
                        out.push('\\');
                        out.push(n);
                    }
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    out.push_str("\\]");
                    chars.next();
                }
            }
            '[' if in_class && chars.peek() == Some(&':') => {
                // A POSIX class such as [:alpha:] inside a bracket.
                out.push('[');
                for c in chars.by_ref() {
                    out.push(c);
                    if c == ']' {
                        break;
                    }
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '[' => out.push_str("\\["),
            other => out.push(other),
        }
    }
    out
}

thread_local! {
    static CACHE: RefCell<HashMap<String, Result<Regex, String>>> = RefCell::new(HashMap::new());
}

/// Compiles (once per thread) a Go pattern; the error reads as Go's.
pub fn compile(pattern: &str) -> Result<Regex, String> {
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(r) = cache.get(pattern) {
            return r.clone();
        }
        let r = regex::RegexBuilder::new(&translate(pattern))
            .size_limit(1 << 22)
            .build()
            .map_err(|e| {
                let msg = e.to_string();
                let last = msg.lines().last().unwrap_or(&msg).trim().to_string();
                format!("error parsing regexp: {last}: `{pattern}`")
            });
        if cache.len() > 512 {
            cache.clear();
        }
        cache.insert(pattern.to_string(), r.clone());
        r
    })
}

pub fn regex_match(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("regexMatch", a, 2)?;
    let s = string(&a[1])?;
    // Sprig drops the compile error here.
    Ok(Value::Bool(
        compile(string(&a[0])?).is_ok_and(|r| r.is_match(s)),
    ))
}

pub fn must_regex_match(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("mustRegexMatch", a, 2)?;
    let r = compile(string(&a[0])?)?;
    Ok(Value::Bool(r.is_match(string(&a[1])?)))
}

pub fn regex_find(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("regexFind", a, 2)?;
    let r = compile(string(&a[0])?)?;
    let s = string(&a[1])?;
    Ok(Value::str(r.find(s).map_or("", |m| m.as_str())))
}

pub fn regex_find_all(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("regexFindAll", a, 3)?;
    let r = compile(string(&a[0])?)?;
    let s = string(&a[1])?;
    let n = int(&a[2])?;
    let limit = if n < 0 { usize::MAX } else { n as usize };
    Ok(Value::list(
        r.find_iter(s)
            .take(limit)
            .map(|m| Value::str(m.as_str()))
            .collect(),
    ))
}

pub fn regex_replace_all(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("regexReplaceAll", a, 3)?;
    let r = compile(string(&a[0])?)?;
    Ok(Value::str(
        r.replace_all(string(&a[1])?, string(&a[2])?).into_owned(),
    ))
}

pub fn regex_replace_all_literal(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("regexReplaceAllLiteral", a, 3)?;
    let r = compile(string(&a[0])?)?;
    Ok(Value::str(
        r.replace_all(string(&a[1])?, regex::NoExpand(string(&a[2])?))
            .into_owned(),
    ))
}

/// Go's `Regexp.Split`.
pub fn regex_split(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("regexSplit", a, 3)?;
    let pattern = string(&a[0])?;
    let r = compile(pattern)?;
    let s = string(&a[1])?;
    let n = int(&a[2])?;
    if n == 0 {
        return Ok(Value::Nil);
    }
    if !pattern.is_empty() && s.is_empty() {
        return Ok(Value::list(vec![Value::str("")]));
    }
    let limit = if n < 0 { usize::MAX } else { n as usize };
    let mut out = Vec::new();
    let (mut beg, mut end) = (0, 0);
    for m in r.find_iter(s).take(limit) {
        if n > 0 && out.len() == limit - 1 {
            break;
        }
        end = m.start();
        if m.end() != 0 {
            out.push(Value::str(&s[beg..end]));
        }
        beg = m.end();
    }
    if end != s.len() {
        out.push(Value::str(&s[beg..]));
    }
    Ok(Value::list(out))
}

pub fn regex_quote_meta(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("regexQuoteMeta", a, 1)?;
    let mut out = String::new();
    for c in string(&a[0])?.chars() {
        if r"\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    Ok(Value::str(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(f: crate::helm::value::Func, args: &[&str], n: Option<i64>) -> String {
        let mut cx = FuncCx::default();
        let mut v: Vec<Value> = args.iter().map(|s| Value::str(*s)).collect();
        if let Some(n) = n {
            v.push(Value::Int(n));
        }
        match f(&mut cx, &v) {
            Ok(v) => v.go_string(),
            Err(e) => format!("ERR {e}"),
        }
    }

    #[test]
    fn regex_functions() {
        assert_eq!(call(regex_match, &["^[a-z]+\\d$", "abc1"], None), "true");
        assert_eq!(call(regex_match, &["\\d", "٣"], None), "false");
        assert_eq!(call(regex_match, &["(", "x"], None), "false");
        assert!(call(must_regex_match, &["(", "x"], None).starts_with("ERR error parsing regexp"));
        assert_eq!(call(regex_find, &["[a-z]+", "12abc34"], None), "abc");
        assert_eq!(
            call(regex_find_all, &["[2,4,6,8]", "123456789"], Some(-1)),
            "[2 4 6 8]"
        );
        assert_eq!(
            call(regex_find_all, &["[2,4,6,8]", "123456789"], Some(2)),
            "[2 4]"
        );
        assert_eq!(
            call(regex_replace_all, &["a(x*)b", "-ab-axxb-", "${1}W"], None),
            "-W-xxW-"
        );
        assert_eq!(
            call(regex_replace_all, &["a(x*)b", "-ab-axxb-", "$1W"], None),
            "---"
        );
        assert_eq!(
            call(
                regex_replace_all_literal,
                &["a(x*)b", "-ab-axxb-", "${1}"],
                None
            ),
            "-${1}-${1}-"
        );
        assert_eq!(call(regex_split, &["z+", "pizza",], Some(-1)), "[pi a]");
        assert_eq!(call(regex_split, &["z+", "pizza"], Some(1)), "[pizza]");
        assert_eq!(call(regex_split, &["", "abc"], Some(-1)), "[a b c]");
        assert_eq!(call(regex_split, &["[\\d]", "a1b"], Some(-1)), "[a b]");
        assert_eq!(call(regex_quote_meta, &["1.2.3"], None), "1\\.2\\.3");
    }
}
