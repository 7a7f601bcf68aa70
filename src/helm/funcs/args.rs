//! How Go's `text/template` hands arguments to a function, and Sprig's
//! loose conversions (`cast.ToInt64`, `strval`).
//!
//! A parameter typed `string` or `int` in Go rejects other types with the
//! message `text/template` gives; a parameter typed `interface{}` takes
//! anything, and Sprig converts it.

use crate::helm::value::{Map, Str, Value};

/// `wrong number of args for NAME: want N got M`.
pub fn want(name: &str, args: &[Value], n: usize) -> Result<(), String> {
    if args.len() == n {
        Ok(())
    } else {
        Err(format!(
            "wrong number of args for {name}: want {n} got {}",
            args.len()
        ))
    }
}

/// For variadic functions: `want at least N`.
pub fn want_at_least(name: &str, args: &[Value], n: usize) -> Result<(), String> {
    if args.len() >= n {
        Ok(())
    } else {
        Err(format!(
            "wrong number of args for {name}: want at least {n} got {}",
            args.len()
        ))
    }
}

/// The Go type of a value as `text/template`'s errors print it; a nil
/// interface is `interface {}`.
pub fn go_type(v: &Value) -> String {
    match v {
        Value::Nil => "interface {}".to_string(),
        other => other.type_name(),
    }
}

pub fn wrong_type(expected: &str, v: &Value) -> String {
    format!(
        "wrong type for value; expected {expected}; got {}",
        go_type(v)
    )
}

/// A `string` parameter.
pub fn string(v: &Value) -> Result<&str, String> {
    match v {
        Value::Str(s) => Ok(s.as_str()),
        other => Err(wrong_type("string", other)),
    }
}

/// A `string` parameter, keeping its provenance.
pub fn str_value(v: &Value) -> Result<&Str, String> {
    match v {
        Value::Str(s) => Ok(s),
        other => Err(wrong_type("string", other)),
    }
}

/// An `int` parameter. Go would reject an `int64` too; accepting it costs a
/// valid chart nothing.
pub fn int(v: &Value) -> Result<i64, String> {
    match v {
        Value::Int(n) | Value::Int64(n) => Ok(*n),
        other => Err(wrong_type("int", other)),
    }
}

/// A `bool` parameter.
pub fn boolean(v: &Value) -> Result<bool, String> {
    match v {
        Value::Bool(b) => Ok(*b),
        other => Err(wrong_type("bool", other)),
    }
}

/// A `map[string]interface {}` parameter.
pub fn map(v: &Value) -> Result<&Map, String> {
    match v {
        Value::Map(m) => Ok(m),
        other => Err(wrong_type("map[string]interface {}", other)),
    }
}

/// A `map[string]interface {}` parameter that may be nil. Go hands a nil
/// map to the function when the argument is a parenthesised pipeline that
/// gave nothing (`($profile.global)`), and charts rely on that; a bare
/// missing field would be rejected, but the two look alike here.
pub fn map_or_nil(v: &Value) -> Result<Option<&Map>, String> {
    match v {
        Value::Map(m) => Ok(Some(m)),
        Value::Nil => Ok(None),
        other => Err(wrong_type("map[string]interface {}", other)),
    }
}

/// Sprig's `strval`: a string as it is, anything else as `fmt.Sprintf("%v")`.
pub fn strval(v: &Value) -> String {
    match v {
        Value::List(_) | Value::Map(_) if nests_deeper_than(v, 500) => {
            // Go would recurse until its stack runs out on a map that
            // contains itself.
            format!("<{} nested too deeply>", v.type_name())
        }
        _ => v.go_string(),
    }
}

/// Whether `v` has lists or maps nested more than `limit` deep, found
/// without recursion.
pub fn nests_deeper_than(v: &Value, limit: usize) -> bool {
    let mut stack = vec![(v.clone(), 0usize)];
    let mut visited = 0usize;
    while let Some((v, depth)) = stack.pop() {
        if depth > limit {
            return true;
        }
        visited += 1;
        if visited > 1_000_000 {
            return true;
        }
        match &v {
            Value::List(l) => stack.extend(l.borrow().iter().map(|i| (i.clone(), depth + 1))),
            Value::Map(m) => stack.extend(m.borrow().values().map(|i| (i.clone(), depth + 1))),
            _ => {}
        }
    }
    false
}

/// `cast.ToInt64` with the error dropped: numbers truncate, strings parse
/// with Go's base prefixes (`0x`, `0`, `0b`) after `12.0` loses its zero
/// decimals, booleans are 0 or 1, anything else is 0.
pub fn to_i64(v: &Value) -> i64 {
    match v {
        Value::Int(n) | Value::Int64(n) => *n,
        Value::Float(f) => float_to_i64(*f),
        Value::Bool(b) => i64::from(*b),
        Value::Str(s) => parse_go_int(trim_zero_decimal(s.as_str())).unwrap_or(0),
        _ => 0,
    }
}

/// Go's `int64(f)`: truncation; out of range gives the minimum on amd64.
pub fn float_to_i64(f: f64) -> i64 {
    if f.is_nan() || !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

/// `cast.ToFloat64` with the error dropped.
pub fn to_f64(v: &Value) -> f64 {
    match v {
        Value::Int(n) | Value::Int64(n) => *n as f64,
        Value::Float(f) => *f,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Str(s) => parse_go_float(s.as_str()).unwrap_or(0.0),
        _ => 0.0,
    }
}

fn trim_zero_decimal(s: &str) -> &str {
    // cast's trimZeroDecimal: "12.000" -> "12"; anything else unchanged.
    let Some(dot) = s.find('.') else { return s };
    let (head, tail) = s.split_at(dot);
    if !head.is_empty() && tail[1..].bytes().all(|b| b == b'0') {
        head
    } else {
        s
    }
}

/// `strconv.ParseInt(s, 0, 64)`: optional sign, `0x`/`0o`/`0b`/leading-`0`
/// prefixes, `_` between digits only when there is a prefix.
pub fn parse_go_int(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits, prefixed) = if let Some(r) = lower.strip_prefix("0x") {
        (16, r.to_string(), true)
    } else if let Some(r) = lower.strip_prefix("0o") {
        (8, r.to_string(), true)
    } else if let Some(r) = lower.strip_prefix("0b") {
        (2, r.to_string(), true)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, lower[1..].to_string(), true)
    } else {
        (10, lower.clone(), false)
    };
    if digits.is_empty() {
        return None;
    }
    let digits = if digits.contains('_') {
        if !prefixed || !underscores_ok(&digits) {
            return None;
        }
        digits.replace('_', "")
    } else {
        digits
    };
    let magnitude = u64::from_str_radix(&digits, radix).ok()?;
    if neg {
        if magnitude <= i64::MAX as u64 + 1 {
            Some((magnitude as i64).wrapping_neg())
        } else {
            None
        }
    } else {
        i64::try_from(magnitude).ok()
    }
}

fn underscores_ok(digits: &str) -> bool {
    // After a base prefix, `_` may sit between digits and after the prefix.
    !digits.ends_with('_') && !digits.contains("__")
}

/// `strconv.ParseFloat(s, 64)` for the forms charts write: decimal with
/// optional exponent, `inf`/`infinity`/`nan` in any case, and hex integers.
pub fn parse_go_float(s: &str) -> Option<f64> {
    let body = s.trim_start_matches(['+', '-']);
    if s.len() - body.len() > 1 {
        return None;
    }
    let neg = s.starts_with('-');
    let lower = body.to_ascii_lowercase();
    if lower == "inf" || lower == "infinity" {
        return Some(if neg {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if lower == "nan" {
        return Some(f64::NAN);
    }
    if lower.starts_with("0x") {
        return parse_go_int(s).map(|i| i as f64);
    }
    if body.is_empty()
        || !body
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-' | b'_'))
        || !body.bytes().any(|b| b.is_ascii_digit())
    {
        return None;
    }
    if body.contains('_') {
        return None;
    }
    s.parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casts_follow_spf13_cast() {
        let s = |t: &str| Value::str(t);
        assert_eq!(to_i64(&s("12.0")), 12);
        assert_eq!(to_i64(&s("0x10")), 16);
        assert_eq!(to_i64(&s("012")), 10);
        assert_eq!(to_i64(&s("abc")), 0);
        assert_eq!(to_i64(&s("1e3")), 0);
        assert_eq!(to_i64(&Value::Float(3.9)), 3);
        assert_eq!(to_i64(&Value::Float(-3.9)), -3);
        assert_eq!(to_f64(&s("1e3")), 1000.0);
        assert_eq!(to_f64(&s("x")), 0.0);
        assert_eq!(parse_go_int("-0b101"), Some(-5));
        assert_eq!(parse_go_int("1_000"), None);
        assert_eq!(parse_go_int("0x_1F"), Some(31));
    }
}
