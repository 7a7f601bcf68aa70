//! Defaults, emptiness, type tests and conversions, `fail`, `required`,
//! `lookup`.

use super::args::{boolean, string, strval, to_f64, to_i64, want, want_at_least};
use crate::helm::value::{FuncCx, Value};

/// Sprig's `empty`: nil, false, zero numbers and empty strings, lists and maps.
pub fn is_empty(v: &Value) -> bool {
    !v.truthy()
}

/// `reflect.DeepEqual` over template values: types must match exactly.
pub fn deep_equal(a: &Value, b: &Value) -> bool {
    deep_equal_at(a, b, 0)
}

/// Values nested past this depth compare unequal: only a map or list that
/// contains itself gets there.
const MAX_DEPTH: usize = 500;

fn deep_equal_at(a: &Value, b: &Value, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    let deep_equal = |p: &Value, q: &Value| deep_equal_at(p, q, depth + 1);
    match (a, b) {
        (Value::Nil, Value::Nil) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) | (Value::Int64(x), Value::Int64(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::Str(x), Value::Str(y)) => x.as_str() == y.as_str(),
        (Value::List(x), Value::List(y)) => {
            if std::rc::Rc::ptr_eq(x, y) {
                return true;
            }
            let (x, y) = (x.borrow(), y.borrow());
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| deep_equal(p, q))
        }
        (Value::Map(x), Value::Map(y)) => {
            if std::rc::Rc::ptr_eq(x, y) {
                return true;
            }
            let (x, y) = (x.borrow(), y.borrow());
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((k1, v1), (k2, v2))| k1 == k2 && deep_equal(v1, v2))
        }
        (Value::Object(x), Value::Object(y)) => {
            std::rc::Rc::ptr_eq(x, y)
                || (x.type_name() == y.type_name() && x.display() == y.display())
        }
        _ => false,
    }
}

pub fn default(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want_at_least("default", a, 1)?;
    match a.get(1) {
        Some(given) if !is_empty(given) => Ok(given.clone()),
        _ => Ok(a[0].clone()),
    }
}

pub fn empty(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("empty", a, 1)?;
    Ok(Value::Bool(is_empty(&a[0])))
}

pub fn coalesce(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    Ok(a.iter().find(|v| !is_empty(v)).cloned().unwrap_or_default())
}

pub fn all(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(a.iter().all(|v| !is_empty(v))))
}

pub fn any(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(a.iter().any(|v| !is_empty(v))))
}

pub fn ternary(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("ternary", a, 3)?;
    Ok(if boolean(&a[2])? {
        a[0].clone()
    } else {
        a[1].clone()
    })
}

/// Helm's `fail`: the error is the message alone; the engine adds where.
pub fn fail(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("fail", a, 1)?;
    Err(string(&a[0])?.to_string())
}

/// Helm's `required`: fails on nil and on the empty string only.
pub fn required(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("required", a, 2)?;
    let msg = string(&a[0])?;
    match &a[1] {
        Value::Nil => Err(msg.to_string()),
        Value::Str(s) if s.as_str().is_empty() => Err(msg.to_string()),
        v => Ok(v.clone()),
    }
}

/// Helm's `lookup` without a cluster: always an empty map.
pub fn lookup(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("lookup", a, 4)?;
    for v in a {
        string(v)?;
    }
    Ok(Value::empty_map())
}

pub fn type_of(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("typeOf", a, 1)?;
    Ok(Value::str(a[0].type_name()))
}

pub fn type_is(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("typeIs", a, 2)?;
    Ok(Value::Bool(string(&a[0])? == a[1].type_name()))
}

pub fn type_is_like(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("typeIsLike", a, 2)?;
    let t = string(&a[0])?;
    let actual = a[1].type_name();
    Ok(Value::Bool(t == actual || format!("*{t}") == actual))
}

pub fn kind_of(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("kindOf", a, 1)?;
    Ok(Value::str(a[0].kind()))
}

pub fn kind_is(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("kindIs", a, 2)?;
    Ok(Value::Bool(string(&a[0])? == a[1].kind()))
}

pub fn deep_equal_fn(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("deepEqual", a, 2)?;
    Ok(Value::Bool(deep_equal(&a[0], &a[1])))
}

pub fn to_int(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("int", a, 1)?;
    Ok(Value::Int(to_i64(&a[0])))
}

pub fn to_int64(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("int64", a, 1)?;
    Ok(Value::Int64(to_i64(&a[0])))
}

pub fn to_float64(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("float64", a, 1)?;
    Ok(Value::Float(to_f64(&a[0])))
}

/// `strconv.Atoi` with the error dropped: decimal only, no spaces.
pub fn atoi(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("atoi", a, 1)?;
    let s = string(&a[0])?;
    let ok = !s.is_empty()
        && s.trim_start_matches(['+', '-']).len() + 1 >= s.len()
        && s.trim_start_matches(['+', '-'])
            .bytes()
            .all(|b| b.is_ascii_digit())
        && !s.trim_start_matches(['+', '-']).is_empty();
    Ok(Value::Int(if ok { s.parse().unwrap_or(0) } else { 0 }))
}

/// `strconv.ParseInt(fmt.Sprint(v), 8, 64)`, 0 on error.
pub fn to_decimal(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("toDecimal", a, 1)?;
    let s = strval(&a[0]);
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(&s)),
    };
    let n = i64::from_str_radix(digits, 8).unwrap_or(0);
    Ok(Value::Int64(if neg { -n } else { n }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(f: crate::helm::value::Func, args: &[Value]) -> String {
        let mut cx = FuncCx::default();
        match f(&mut cx, args) {
            Ok(v) => v.go_string(),
            Err(e) => format!("ERR {e}"),
        }
    }

    #[test]
    fn flow_matches_sprig() {
        let s = Value::str;
        assert_eq!(call(default, &[s("x"), Value::Int(0)]), "x");
        assert_eq!(call(default, &[s("x"), Value::list(vec![])]), "x");
        assert_eq!(call(default, &[s("x"), Value::Bool(false)]), "x");
        assert_eq!(call(default, &[s("x")]), "x");
        assert_eq!(call(default, &[s("x"), s("y")]), "y");
        assert_eq!(call(coalesce, &[Value::Nil, s(""), s("b")]), "b");
        assert_eq!(call(coalesce, &[Value::Nil]), "<nil>");
        assert_eq!(call(ternary, &[s("a"), s("b"), Value::Bool(false)]), "b");
        assert_eq!(
            call(ternary, &[s("a"), s("b"), s("x")]),
            "ERR wrong type for value; expected bool; got string"
        );
        assert_eq!(call(required, &[s("need x"), s("")]), "ERR need x");
        assert_eq!(call(required, &[s("need x"), Value::Int(0)]), "0");
        assert_eq!(call(fail, &[s("boom")]), "ERR boom");
        assert_eq!(call(to_int, &[s("12.0")]), "12");
        assert_eq!(call(to_int, &[s("0x10")]), "16");
        assert_eq!(call(to_int, &[s("012")]), "10");
        assert_eq!(call(to_int64, &[s("1e3")]), "0");
        assert_eq!(call(to_float64, &[s("1e3")]), "1000");
        assert_eq!(call(atoi, &[s(" 3")]), "0");
        assert_eq!(call(atoi, &[s("-3")]), "-3");
        assert_eq!(call(to_decimal, &[s("0777")]), "511");
        assert_eq!(call(kind_of, &[Value::Nil]), "invalid");
        assert_eq!(call(type_of, &[Value::Float(1.0)]), "float64");
        assert_eq!(call(kind_is, &[s("map"), Value::empty_map()]), "true");
        assert_eq!(call(type_is_like, &[s("int64"), Value::Int64(1)]), "true");
        assert_eq!(
            call(deep_equal_fn, &[Value::Int(1), Value::Int64(1)]),
            "false"
        );
        assert_eq!(
            call(lookup, &[s("v1"), s("Secret"), s("ns"), s("x")]),
            "map[]"
        );
        assert_eq!(call(all, &[s("a"), Value::Int(0)]), "false");
        assert_eq!(call(any, &[s(""), Value::Int(1)]), "true");
    }
}
