//! Values as Helm computes them: values files read as `sigs.k8s.io/yaml`
//! reads them (YAML 1.1 scalars, every number a float64), each entry's origin
//! recorded, and Helm's coalescing of user values over chart defaults.
//!
//! The coalescing functions follow Helm's `coalesce.go` rule by rule: a user
//! `null` deletes a chart default, maps merge and everything else replaces,
//! subchart values sit under the subchart's name, and `global` is copied
//! down with the parent winning. Maps are shared handles, as Go maps are, so
//! the functions change them in place where Helm does.

use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;

use crate::source::Span;
use crate::yaml::{self, NodeRef, Scalar};

use super::value::{Map, Origin, Origins, Segment, Str, Value};

/// Where one values node came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OriginEntry {
    /// The values file, as given (`values.yaml` of a chart is `<chart dir>/values.yaml`).
    pub file: Rc<str>,
    /// The entry (key through value) or list item.
    pub span: Span,
}

/// The values' origins: the table that `Origin` indexes, and which map entry
/// or list item holds which origin.
#[derive(Debug, Default)]
pub struct ValuesCx {
    pub table: Vec<OriginEntry>,
    pub origins: Origins,
    /// Every map and list with a recorded origin, kept alive for the render:
    /// origins are keyed by handle address, which must not be reused.
    keep: Vec<Value>,
}

impl ValuesCx {
    fn origin(&mut self, file: &Rc<str>, span: Span) -> Origin {
        self.table.push(OriginEntry {
            file: file.clone(),
            span,
        });
        Origin(self.table.len() as u32 - 1)
    }

    pub fn entry(&self, origin: Origin) -> Option<&OriginEntry> {
        self.table.get(origin.0 as usize)
    }

    /// Sets `map[key] = value`, keeping `origin` as where it came from.
    pub fn set(&mut self, map: &Map, key: &str, value: Value, origin: Option<Origin>) {
        map.borrow_mut().insert(key.to_string(), value);
        if let Some(origin) = origin {
            self.origins.record_field(map, key, origin);
            self.keep.push(Value::Map(map.clone()));
        }
    }

    pub fn field_origin(&self, map: &Map, key: &str) -> Option<Origin> {
        self.origins.field(map, key)
    }

    /// A deep copy (Go's `copystructure.Copy`) that keeps the origins.
    pub fn deep_copy(&mut self, value: &Value) -> Value {
        match value {
            Value::Map(m) => Value::Map(self.copy_map(m)),
            Value::List(l) => {
                let items: Vec<Value> = l.borrow().clone();
                let out: Vec<Value> = items.iter().map(|v| self.deep_copy(v)).collect();
                let new = match Value::list(out) {
                    Value::List(n) => n,
                    _ => unreachable!("Value::list builds a list"),
                };
                for index in 0..items.len() {
                    if let Some(o) = self.origins.item(l, index) {
                        self.origins.record_item(&new, index, o);
                    }
                }
                self.keep.push(Value::List(new.clone()));
                Value::List(new)
            }
            other => other.clone(),
        }
    }

    pub fn copy_map(&mut self, map: &Map) -> Map {
        let entries: Vec<(String, Value)> = map
            .borrow()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let new = new_map();
        for (k, v) in entries {
            let origin = self.origins.field(map, &k);
            let copy = self.deep_copy(&v);
            self.set(&new, &k, copy, origin);
        }
        new
    }
}

pub fn new_map() -> Map {
    Rc::new(std::cell::RefCell::new(BTreeMap::new()))
}

/// Reads a values file into a map, recording origins. An empty file is an
/// empty map; a file whose top is not a mapping is Helm's error.
pub fn parse_values(text: &str, file: &str, cx: &mut ValuesCx) -> Result<Map, String> {
    let src: Arc<str> = Arc::from(text);
    let parsed = yaml::parse_stream(&src, &yaml::Limits::default());
    if let Some(error) = parsed.error {
        let line = text.as_bytes()[..(error.offset as usize).min(text.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        return Err(format!(
            "failed to parse {file}: error converting YAML to JSON: yaml: line {line}: {}",
            error.message
        ));
    }
    let file: Rc<str> = Rc::from(file);
    let Some(root) = parsed.documents.first().and_then(|d| d.root()) else {
        return Ok(new_map());
    };
    if root.is_null() {
        return Ok(new_map());
    }
    if !root.is_map() {
        let what = if root.is_seq() { "array" } else { "string" };
        return Err(format!(
            "failed to parse {file}: error unmarshaling JSON: json: cannot unmarshal {what} into Go value of type map[string]interface {{}}"
        ));
    }
    match node_value(root, &file, cx) {
        Value::Map(m) => Ok(m),
        _ => Ok(new_map()),
    }
}

fn node_value(node: NodeRef<'_>, file: &Rc<str>, cx: &mut ValuesCx) -> Value {
    if node.is_map() {
        let map = new_map();
        for (k, v) in node.entries() {
            let key = key_text(k);
            let span = Span::new(k.span().start, v.span().end.max(k.span().end));
            let origin = cx.origin(file, span);
            let value = node_value(v, file, cx);
            cx.set(&map, &key, value, Some(origin));
        }
        return Value::Map(map);
    }
    if node.is_seq() {
        let items: Vec<NodeRef<'_>> = node.items().collect();
        let mut values = Vec::with_capacity(items.len());
        let mut origins = Vec::with_capacity(items.len());
        for item in items {
            origins.push(cx.origin(file, item.span()));
            values.push(node_value(item, file, cx));
        }
        let Value::List(list) = Value::list(values) else {
            unreachable!("Value::list builds a list")
        };
        for (i, o) in origins.into_iter().enumerate() {
            cx.origins.record_item(&list, i, o);
        }
        cx.keep.push(Value::List(list.clone()));
        return Value::List(list);
    }
    match node.scalar() {
        Some(Scalar::Null) | None => Value::Nil,
        Some(Scalar::Bool(b)) => Value::Bool(b),
        Some(Scalar::Int(i)) => Value::Float(i as f64),
        Some(Scalar::Float(f)) => Value::Float(f),
        Some(Scalar::Str(s)) => {
            let origin = cx.origin(file, node.span());
            Value::Str(Str::with_segments(
                s,
                vec![Segment {
                    start: 0,
                    end: s.len() as u32,
                    origin,
                }],
            ))
        }
    }
}

/// A mapping key as JSON sees it after sigs.k8s.io/yaml's conversion.
fn key_text(key: NodeRef<'_>) -> String {
    match key.scalar() {
        Some(Scalar::Null) => "null".to_string(),
        Some(Scalar::Bool(b)) => b.to_string(),
        Some(Scalar::Int(i)) => i.to_string(),
        Some(Scalar::Float(f)) => super::value::format_float(f, 21),
        Some(Scalar::Str(s)) => s.to_string(),
        None => key.text().unwrap_or("").to_string(),
    }
}

pub fn is_table(value: &Value) -> bool {
    matches!(value, Value::Map(_))
}

/// Helm's `coalesceTablesFullKey`: merges `src` into `dst`, `dst` winning.
/// With `merge` false, a `null` in `dst` over a non-null default deletes the key.
pub fn coalesce_tables(cx: &mut ValuesCx, dst: &Map, src: &Map, merge: bool) {
    if Rc::ptr_eq(dst, src) {
        return;
    }
    let src_non_nil: Vec<String> = src
        .borrow()
        .iter()
        .filter(|(_, v)| !v.is_nil())
        .map(|(k, _)| k.clone())
        .collect();
    let dst_nils: Vec<String> = dst
        .borrow()
        .iter()
        .filter(|(_, v)| v.is_nil())
        .map(|(k, _)| k.clone())
        .collect();
    for key in dst_nils {
        src.borrow_mut().insert(key, Value::Nil);
    }
    let src_entries: Vec<(String, Value)> = src
        .borrow()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (key, val) in src_entries {
        let dv = dst.borrow().get(&key).cloned();
        match dv {
            Some(Value::Nil) if !merge && src_non_nil.contains(&key) => {
                dst.borrow_mut().remove(&key);
            }
            None => {
                let origin = cx.field_origin(src, &key);
                cx.set(dst, &key, val, origin);
            }
            Some(Value::Map(dm)) => {
                if let Value::Map(sm) = &val {
                    coalesce_tables(cx, &dm, sm, merge);
                }
            }
            Some(_) => {}
        }
    }
}

/// Helm's `Values.Table`: follows a dotted path of maps.
pub fn table(values: &Map, path: &str) -> Option<Map> {
    let mut current = values.clone();
    for part in path.split('.') {
        let next = match current.borrow().get(part) {
            Some(Value::Map(m)) => m.clone(),
            _ => return None,
        };
        current = next;
    }
    Some(current)
}

/// Helm's `Values.PathValue`: the non-table value at a dotted path.
pub fn path_value(values: &Map, path: &str) -> Option<Value> {
    let (parent, key) = match path.rsplit_once('.') {
        Some((parent, key)) => (table(values, parent)?, key),
        None => (values.clone(), path),
    };
    let value = parent.borrow().get(key).cloned()?;
    (!is_table(&value)).then_some(value)
}

/// Removes `null` entries of a map and its nested maps (`cleanNilValues`).
pub fn clean_nil_values(map: &Map) {
    let nested: Vec<Map> = {
        let mut m = map.borrow_mut();
        m.retain(|_, v| !v.is_nil());
        m.values()
            .filter_map(|v| match v {
                Value::Map(sub) => Some(sub.clone()),
                _ => None,
            })
            .collect()
    };
    for sub in nested {
        clean_nil_values(&sub);
    }
}

/// A deep copy without `null` entries (`trimNilValues`).
pub fn trim_nil_values(cx: &mut ValuesCx, map: &Map) -> Map {
    let copy = cx.copy_map(map);
    clean_nil_values(&copy);
    copy
}

/// `pathToMap`: nests `data` under a dotted path (`.` is the root).
pub fn path_to_map(path: &str, data: Map) -> Map {
    if path == "." {
        return data;
    }
    let mut current = data;
    for part in path.split('.').collect::<Vec<_>>().into_iter().rev() {
        let outer = new_map();
        outer
            .borrow_mut()
            .insert(part.to_string(), Value::Map(current));
        current = outer;
    }
    current
}

/// Helm's `MergeMaps` for `-f` files: maps merge recursively, the later file wins.
pub fn merge_maps(cx: &mut ValuesCx, base: &Map, over: &Map) -> Map {
    let out = cx.copy_map(base);
    let entries: Vec<(String, Value)> = over
        .borrow()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (key, value) in entries {
        let origin = cx.field_origin(over, &key);
        if let Value::Map(vm) = &value {
            let existing = out.borrow().get(&key).cloned();
            if let Some(Value::Map(em)) = existing {
                let merged = merge_maps(cx, &em, vm);
                cx.set(&out, &key, Value::Map(merged), origin);
                continue;
            }
        }
        cx.set(&out, &key, value, origin);
    }
    out
}

#[cfg(test)]
mod tests;
