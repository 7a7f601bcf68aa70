//! Sprig's list functions. Lists are shared handles; functions that "change"
//! a list return a new one, as Sprig's do.

use super::args::{int, to_i64, want, want_at_least};
use super::flow::deep_equal;
use crate::helm::value::{FuncCx, Value};

/// The most items `until`, `untilStep` and `seq` produce.
pub const MAX_ITEMS: usize = 1_000_000;

/// What Go reports when Sprig asks `reflect.TypeOf(nil).Kind()`.
const NIL_DEREF: &str = "runtime error: invalid memory address or nil pointer dereference";

fn items_of(name: &str, v: &Value) -> Result<Vec<Value>, String> {
    match v {
        Value::List(l) => Ok(l.borrow().clone()),
        Value::Nil => Err(NIL_DEREF.into()),
        other => Err(format!("Cannot {name} on type {}", other.kind())),
    }
}

pub fn list(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    Ok(Value::list(a.to_vec()))
}

pub fn push(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("append", a, 2)?;
    let mut items = match &a[0] {
        Value::List(l) => l.borrow().clone(),
        Value::Nil => return Err(NIL_DEREF.into()),
        other => return Err(format!("Cannot push on type {}", other.kind())),
    };
    items.push(a[1].clone());
    Ok(Value::list(items))
}

pub fn prepend(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("prepend", a, 2)?;
    let mut items = match &a[0] {
        Value::List(l) => l.borrow().clone(),
        Value::Nil => return Err(NIL_DEREF.into()),
        other => return Err(format!("Cannot prepend on type {}", other.kind())),
    };
    items.insert(0, a[1].clone());
    Ok(Value::list(items))
}

pub fn concat(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    let mut out = Vec::new();
    for v in a {
        match v {
            Value::List(l) => out.extend(l.borrow().iter().cloned()),
            Value::Nil => return Err(NIL_DEREF.into()),
            other => return Err(format!("Cannot concat type {} as list", other.kind())),
        }
    }
    Ok(Value::list(out))
}

pub fn first(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("first", a, 1)?;
    Ok(items_of("find first", &a[0])?
        .into_iter()
        .next()
        .unwrap_or_default())
}

pub fn last(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("last", a, 1)?;
    Ok(items_of("find last", &a[0])?.pop().unwrap_or_default())
}

pub fn rest(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("rest", a, 1)?;
    let items = items_of("find rest", &a[0])?;
    if items.is_empty() {
        return Ok(Value::Nil);
    }
    Ok(Value::list(items[1..].to_vec()))
}

pub fn initial(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("initial", a, 1)?;
    let mut items = items_of("find initial", &a[0])?;
    if items.is_empty() {
        return Ok(Value::Nil);
    }
    items.pop();
    Ok(Value::list(items))
}

pub fn reverse(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("reverse", a, 1)?;
    let mut items = items_of("find reverse", &a[0])?;
    items.reverse();
    Ok(Value::list(items))
}

pub fn compact(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("compact", a, 1)?;
    let items = items_of("compact", &a[0])?;
    Ok(Value::list(
        items.into_iter().filter(Value::truthy).collect(),
    ))
}

pub fn uniq(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("uniq", a, 1)?;
    let items = items_of("find uniq", &a[0])?;
    let mut out: Vec<Value> = Vec::new();
    for item in items {
        if !out.iter().any(|o| deep_equal(o, &item)) {
            out.push(item);
        }
    }
    Ok(Value::list(out))
}

pub fn without(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want_at_least("without", a, 1)?;
    let items = items_of("find without", &a[0])?;
    let omit = &a[1..];
    Ok(Value::list(
        items
            .into_iter()
            .filter(|i| !omit.iter().any(|o| deep_equal(o, i)))
            .collect(),
    ))
}

pub fn has(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("has", a, 2)?;
    match &a[1] {
        Value::Nil => Ok(Value::Bool(false)),
        Value::List(l) => Ok(Value::Bool(l.borrow().iter().any(|i| deep_equal(i, &a[0])))),
        other => Err(format!("Cannot find has on type {}", other.kind())),
    }
}

pub fn slice(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want_at_least("slice", a, 1)?;
    let items = match &a[0] {
        Value::List(l) => l.borrow().clone(),
        other => {
            return Err(format!(
                "list should be type of slice or array but {}",
                other.kind()
            ));
        }
    };
    let len = items.len() as i64;
    let (start, end) = match &a[1..] {
        [] => (0, len),
        [s] => (to_i64(s), len),
        [s, e, ..] => (to_i64(s), to_i64(e)),
    };
    if start < 0 || end < start || end > len {
        return Err(format!(
            "runtime error: slice bounds out of range [{start}:{end}] with capacity {len}"
        ));
    }
    Ok(Value::list(items[start as usize..end as usize].to_vec()))
}

pub fn chunk(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("chunk", a, 2)?;
    let size = int(&a[0])?;
    let items = items_of("chunk", &a[1])?;
    if size < 1 {
        return Err("runtime error: integer divide by zero".into());
    }
    Ok(Value::list(
        items
            .chunks(size as usize)
            .map(|c| Value::list(c.to_vec()))
            .collect(),
    ))
}

/// Sprig's `untilStep` as numbers, capped at `MAX_ITEMS`.
pub fn until_step(start: i64, stop: i64, step: i64) -> Result<Vec<i64>, String> {
    let mut out = Vec::new();
    let too_many = || format!("until: more than {MAX_ITEMS} items (the limit on generated lists)");
    if stop < start {
        if step >= 0 {
            return Ok(out);
        }
        let mut i = start;
        while i > stop {
            if out.len() >= MAX_ITEMS {
                return Err(too_many());
            }
            out.push(i);
            i = match i.checked_add(step) {
                Some(n) => n,
                None => break,
            };
        }
        return Ok(out);
    }
    if step <= 0 {
        return Ok(out);
    }
    let mut i = start;
    while i < stop {
        if out.len() >= MAX_ITEMS {
            return Err(too_many());
        }
        out.push(i);
        i = match i.checked_add(step) {
            Some(n) => n,
            None => break,
        };
    }
    Ok(out)
}

fn ints(v: Vec<i64>) -> Value {
    Value::list(v.into_iter().map(Value::Int).collect())
}

pub fn until(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("until", a, 1)?;
    let n = int(&a[0])?;
    Ok(ints(until_step(0, n, if n < 0 { -1 } else { 1 })?))
}

pub fn until_step_fn(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("untilStep", a, 3)?;
    Ok(ints(until_step(int(&a[0])?, int(&a[1])?, int(&a[2])?)?))
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

    fn l(items: &[i64]) -> Value {
        Value::list(items.iter().map(|n| Value::Int(*n)).collect())
    }

    #[test]
    fn lists_match_sprig() {
        assert_eq!(call(first, &[l(&[])]), "<nil>");
        assert_eq!(call(first, &[l(&[1, 2])]), "1");
        assert_eq!(call(last, &[l(&[1, 2])]), "2");
        assert_eq!(call(rest, &[l(&[1, 2, 3])]), "[2 3]");
        assert_eq!(call(initial, &[l(&[1, 2, 3])]), "[1 2]");
        assert_eq!(call(reverse, &[l(&[1, 2, 3])]), "[3 2 1]");
        assert_eq!(call(uniq, &[l(&[1, 2, 1, 3, 2])]), "[1 2 3]");
        assert_eq!(call(without, &[l(&[1, 2, 3]), Value::Int(2)]), "[1 3]");
        assert_eq!(call(has, &[Value::Int(2), l(&[1, 2])]), "true");
        assert_eq!(call(has, &[Value::Int64(2), l(&[1, 2])]), "false");
        assert_eq!(call(has, &[Value::Int(2), Value::Nil]), "false");
        assert_eq!(call(concat, &[l(&[1]), l(&[2, 3])]), "[1 2 3]");
        assert_eq!(
            call(concat, &[l(&[1]), Value::Int(2)]),
            "ERR Cannot concat type int as list"
        );
        assert_eq!(call(push, &[l(&[1]), Value::Int(2)]), "[1 2]");
        assert_eq!(call(prepend, &[l(&[1]), Value::Int(0)]), "[0 1]");
        assert_eq!(
            call(first, &[Value::str("x")]),
            "ERR Cannot find first on type string"
        );
        assert_eq!(
            call(
                compact,
                &[Value::list(vec![
                    Value::Int(0),
                    Value::str(""),
                    Value::str("a"),
                    Value::Nil
                ])]
            ),
            "[a]"
        );
        assert_eq!(call(slice, &[l(&[1, 2, 3]), Value::Int(1)]), "[2 3]");
        assert_eq!(
            call(slice, &[l(&[1, 2, 3]), Value::Int(1), Value::Int(2)]),
            "[2]"
        );
        assert_eq!(call(chunk, &[Value::Int(2), l(&[1, 2, 3])]), "[[1 2] [3]]");
        assert_eq!(call(until, &[Value::Int(3)]), "[0 1 2]");
        assert_eq!(call(until, &[Value::Int(-2)]), "[0 -1]");
        assert_eq!(
            call(
                until_step_fn,
                &[Value::Int(0), Value::Int(10), Value::Int(4)]
            ),
            "[0 4 8]"
        );
        assert!(call(until, &[Value::Int(1 << 40)]).contains("limit"));
    }
}
