//! Sprig's dict functions. `set`, `unset`, `merge` and `mergeOverwrite`
//! change the map they are given, as Go maps are references.

use std::collections::BTreeMap;

use super::args::{map_or_nil, string, strval, want, want_at_least};
use crate::helm::value::{FuncCx, Map, Value};

pub fn dict(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    let mut out = BTreeMap::new();
    for pair in a.chunks(2) {
        let key = strval(&pair[0]);
        out.insert(key, pair.get(1).cloned().unwrap_or_else(|| Value::str("")));
    }
    Ok(Value::map(out))
}

pub fn get(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("get", a, 2)?;
    let m = map_or_nil(&a[0])?;
    let key = string(&a[1])?;
    Ok(m.and_then(|m| m.borrow().get(key).cloned())
        .unwrap_or_else(|| Value::str("")))
}

pub fn set(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("set", a, 3)?;
    let m = map_or_nil(&a[0])?.ok_or("assignment to entry in nil map")?;
    let key = string(&a[1])?;
    m.borrow_mut().insert(key.to_string(), a[2].clone());
    Ok(a[0].clone())
}

pub fn unset(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("unset", a, 2)?;
    let key = string(&a[1])?;
    match map_or_nil(&a[0])? {
        Some(m) => {
            m.borrow_mut().remove(key);
            Ok(a[0].clone())
        }
        None => Ok(Value::empty_map()),
    }
}

pub fn has_key(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("hasKey", a, 2)?;
    let m = map_or_nil(&a[0])?;
    let key = string(&a[1])?;
    Ok(Value::Bool(m.is_some_and(|m| m.borrow().contains_key(key))))
}

pub fn pluck(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want_at_least("pluck", a, 1)?;
    let key = string(&a[0])?;
    let mut out = Vec::new();
    for d in &a[1..] {
        if let Some(v) = map_or_nil(d)?.and_then(|m| m.borrow().get(key).cloned()) {
            out.push(v);
        }
    }
    Ok(Value::list(out))
}

/// Go ranges over a map in random order; the keys come back sorted here so
/// that a render is reproducible.
pub fn keys(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    let mut out = Vec::new();
    for d in a {
        if let Some(m) = map_or_nil(d)? {
            out.extend(m.borrow().keys().map(|k| Value::str(k.as_str())));
        }
    }
    Ok(Value::list(out))
}

/// In key order (Go's is random).
pub fn values(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("values", a, 1)?;
    Ok(Value::list(map_or_nil(&a[0])?.map_or_else(Vec::new, |m| {
        m.borrow().values().cloned().collect()
    })))
}

pub fn pick(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want_at_least("pick", a, 1)?;
    let m = map_or_nil(&a[0])?;
    let mut out = BTreeMap::new();
    for k in &a[1..] {
        let k = string(k)?;
        if let Some(v) = m.and_then(|m| m.borrow().get(k).cloned()) {
            out.insert(k.to_string(), v);
        }
    }
    Ok(Value::map(out))
}

pub fn omit(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want_at_least("omit", a, 1)?;
    let m = map_or_nil(&a[0])?;
    let drop: Vec<&str> = a[1..].iter().map(string).collect::<Result<_, _>>()?;
    let Some(m) = m else {
        return Ok(Value::empty_map());
    };
    Ok(Value::map(
        m.borrow()
            .iter()
            .filter(|(k, _)| !drop.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    ))
}

pub fn dig(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    if a.len() < 3 {
        return Err("dig needs at least three arguments".into());
    }
    let n = a.len();
    let Value::Map(root) = &a[n - 1] else {
        return Err(format!(
            "interface conversion: interface {{}} is {}, not map[string]interface {{}}",
            super::args::go_type(&a[n - 1]).replace("interface {}", "nil")
        ));
    };
    let default = &a[n - 2];
    let keys = &a[..n - 2];
    let mut current: Map = root.clone();
    for (i, k) in keys.iter().enumerate() {
        let Value::Str(k) = k else {
            return Err(format!(
                "interface conversion: interface {{}} is {}, not string",
                k.type_name()
            ));
        };
        let step = match current.borrow().get(k.as_str()) {
            None => return Ok(default.clone()),
            Some(v) => v.clone(),
        };
        if i + 1 == keys.len() {
            return Ok(step);
        }
        current = match step {
            Value::Map(m) => m,
            Value::Nil => {
                return Err(
                    "interface conversion: interface {} is nil, not map[string]interface {}".into(),
                );
            }
            other => {
                return Err(format!(
                    "interface conversion: interface {{}} is {}, not map[string]interface {{}}",
                    other.type_name()
                ));
            }
        };
    }
    Ok(default.clone())
}

/// mergo's emptiness: nil, false, zero numbers, empty strings, lists and maps.
fn mergo_empty(v: &Value) -> bool {
    !v.truthy()
}

/// mergo's `Merge` of `map[string]interface{}` values: maps merge deeply in
/// place; other values fill keys that are missing or empty, or, with
/// `overwrite`, replace whatever is there (nil included).
fn merge_into(dst: &Map, src: &Map, overwrite: bool, depth: usize) {
    if depth > 200 || std::rc::Rc::ptr_eq(dst, src) {
        return;
    }
    let entries: Vec<(String, Value)> = src
        .borrow()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (key, sv) in entries {
        let dv = dst.borrow().get(&key).cloned();
        match (&sv, &dv) {
            (Value::Nil, _) => {
                if overwrite {
                    dst.borrow_mut().insert(key, Value::Nil);
                }
            }
            (Value::Map(sm), Some(Value::Map(dm))) => merge_into(dm, sm, overwrite, depth + 1),
            (_, None) => {
                dst.borrow_mut().insert(key, sv);
            }
            (_, Some(d)) => {
                if overwrite || mergo_empty(d) {
                    dst.borrow_mut().insert(key, sv);
                }
            }
        }
    }
}

fn merge_all(name: &str, a: &[Value], overwrite: bool) -> Result<Value, String> {
    want_at_least(name, a, 1)?;
    // A nil destination: mergo makes a new map, which is what comes back.
    let result = match &a[0] {
        Value::Nil => Value::empty_map(),
        other => other.clone(),
    };
    let Some(dst) = map_or_nil(&result)? else {
        return Ok(result);
    };
    for src in &a[1..] {
        if let Some(src) = map_or_nil(src)? {
            merge_into(dst, src, overwrite, 0);
        }
    }
    Ok(result)
}

pub fn merge(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    merge_all("merge", a, false)
}

pub fn merge_overwrite(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    merge_all("mergeOverwrite", a, true)
}

pub fn must_merge(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    merge_all("mustMerge", a, false)
}

pub fn must_merge_overwrite(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    merge_all("mustMergeOverwrite", a, true)
}

/// Copies every list and map; a map that contains itself is an error (Go
/// would recurse until its stack runs out).
fn copy_at(v: &Value, depth: usize) -> Result<Value, String> {
    if depth > 500 {
        return Err("deepCopy error: value nested too deeply (does it contain itself?)".into());
    }
    Ok(match v {
        Value::List(l) => Value::list(
            l.borrow()
                .iter()
                .map(|i| copy_at(i, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Value::Map(m) => Value::map(
            m.borrow()
                .iter()
                .map(|(k, v)| Ok((k.clone(), copy_at(v, depth + 1)?)))
                .collect::<Result<_, String>>()?,
        ),
        other => other.clone(),
    })
}

pub fn deep_copy(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("deepCopy", a, 1)?;
    copy_at(&a[0], 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(src: &str) -> String {
        // A tiny helper: toJson of the result, through the real table.
        let _ = src;
        String::new()
    }

    fn d(pairs: &[(&str, Value)]) -> Value {
        Value::map(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    fn json(v: &Value) -> String {
        super::super::json::encode(v, true, None).unwrap_or_default()
    }

    #[test]
    fn merge_follows_mergo() {
        let _ = run("");
        let s = Value::str;
        let l = |v: Vec<Value>| Value::list(v);
        let mk_dst = || {
            d(&[
                ("a", s("")),
                ("b", Value::Int(0)),
                ("c", s("x")),
                ("d", d(&[("e", Value::Int(1))])),
                ("f", l(vec![])),
                ("g", Value::Nil),
                ("h", s("str")),
                ("l", l(vec![Value::Int(1)])),
            ])
        };
        let mk_src = || {
            d(&[
                ("a", s("A")),
                ("b", Value::Int(2)),
                ("c", s("C")),
                ("d", d(&[("e", Value::Int(2)), ("f", Value::Int(3))])),
                ("f", l(vec![Value::Int(9)])),
                ("g", s("G")),
                ("h", d(&[("x", Value::Int(1))])),
                ("l", l(vec![])),
                ("n", d(&[("m", Value::Int(1))])),
            ])
        };
        let mut cx = FuncCx::default();
        let out = merge(&mut cx, &[mk_dst(), mk_src()]).unwrap();
        assert_eq!(
            json(&out),
            r#"{"a":"A","b":2,"c":"x","d":{"e":1,"f":3},"f":[9],"g":"G","h":"str","l":[1],"n":{"m":1}}"#
        );
        let out = merge_overwrite(&mut cx, &[mk_dst(), mk_src()]).unwrap();
        assert_eq!(
            json(&out),
            r#"{"a":"A","b":2,"c":"C","d":{"e":2,"f":3},"f":[9],"g":"G","h":{"x":1},"l":[],"n":{"m":1}}"#
        );
        let out = merge_overwrite(
            &mut cx,
            &[
                d(&[
                    ("a", Value::Int(1)),
                    ("b", s("x")),
                    ("c", Value::Bool(true)),
                    ("d", Value::Int(5)),
                ]),
                d(&[
                    ("a", Value::Int(0)),
                    ("b", s("")),
                    ("c", Value::Bool(false)),
                    ("d", Value::Nil),
                ]),
            ],
        )
        .unwrap();
        assert_eq!(json(&out), r#"{"a":0,"b":"","c":false,"d":null}"#);
        // The merged-in map is shared, as in Go.
        let dst = d(&[]);
        let src = d(&[("n", d(&[("m", Value::Int(1))]))]);
        merge(&mut cx, &[dst.clone(), src.clone()]).unwrap();
        let Value::Map(dm) = &dst else { panic!() };
        let inner = dm.borrow().get("n").cloned().unwrap();
        set(&mut cx, &[inner, s("q"), Value::Int(2)]).unwrap();
        assert_eq!(json(&src), r#"{"n":{"m":1,"q":2}}"#);
    }

    #[test]
    fn dig_and_friends() {
        let mut cx = FuncCx::default();
        let s = Value::str;
        let m = d(&[
            ("a", d(&[("b", s("x"))])),
            ("s", s("str")),
            ("z", Value::Nil),
        ]);
        let dig_of = |cx: &mut FuncCx, args: &[Value]| match dig(cx, args) {
            Ok(v) => v.go_string(),
            Err(e) => format!("ERR {e}"),
        };
        assert_eq!(dig_of(&mut cx, &[s("a"), s("b"), s("def"), m.clone()]), "x");
        assert_eq!(
            dig_of(&mut cx, &[s("a"), s("c"), s("def"), m.clone()]),
            "def"
        );
        assert_eq!(
            dig_of(&mut cx, &[s("q"), s("c"), s("def"), m.clone()]),
            "def"
        );
        assert_eq!(
            dig_of(&mut cx, &[s("s"), s("c"), s("def"), m.clone()]),
            "ERR interface conversion: interface {} is string, not map[string]interface {}"
        );
        assert_eq!(
            dig_of(&mut cx, &[s("z"), s("c"), s("def"), m.clone()]),
            "ERR interface conversion: interface {} is nil, not map[string]interface {}"
        );
        assert_eq!(dict(&mut cx, &[s("a")]).unwrap().go_string(), "map[a:]");
        assert_eq!(
            dict(&mut cx, &[Value::Int(1), Value::Int(2)])
                .unwrap()
                .go_string(),
            "map[1:2]"
        );
        assert_eq!(
            get(&mut cx, &[m.clone(), s("nope")]).unwrap().go_string(),
            ""
        );
        assert_eq!(
            pick(&mut cx, &[m.clone(), s("s"), s("q")])
                .unwrap()
                .go_string(),
            "map[s:str]"
        );
        assert_eq!(
            omit(&mut cx, &[m.clone(), s("a"), s("z")])
                .unwrap()
                .go_string(),
            "map[s:str]"
        );
        assert_eq!(
            pluck(&mut cx, &[s("s"), m.clone(), d(&[])])
                .unwrap()
                .go_string(),
            "[str]"
        );
        // A parenthesised pipeline that gave nothing is a nil map to Go.
        assert_eq!(
            merge_overwrite(&mut cx, &[m.clone(), Value::Nil, d(&[])])
                .unwrap()
                .go_string(),
            m.go_string()
        );
        assert_eq!(
            has_key(&mut cx, &[Value::Nil, s("a")]).unwrap().go_string(),
            "false"
        );
        assert_eq!(get(&mut cx, &[Value::Nil, s("a")]).unwrap().go_string(), "");
        assert!(set(&mut cx, &[Value::Nil, s("a"), s("b")]).is_err());
        unset(&mut cx, &[m.clone(), s("s")]).unwrap();
        assert_eq!(
            has_key(&mut cx, &[m.clone(), s("s")]).unwrap().go_string(),
            "false"
        );
    }
}
