//! The values that Helm templates compute with, typed as Go types are.
//!
//! Helm reads values files through `sigs.k8s.io/yaml`, so every number from a
//! values file is a `float64` (`Float`); `--set`, `int64` and `add` give
//! `int64` (`Int64`); `len`, `int` and `until` give Go `int` (`Int`). The
//! distinction shows: `1000000` from a values file prints as `1e+06`, and `eq`
//! of a float and an int is an error.
//!
//! Lists and maps are shared handles (`Rc<RefCell<…>>`), as Go slices and maps
//! are references: Sprig's `set`, `unset`, `merge` and `mergeOverwrite` change a
//! map in place, and later templates see the change.
//!
//! A string may carry provenance: which byte ranges of it came from which
//! values-file node (`Segment`). `toYaml` of a values subtree produces such a
//! string, `indent`/`nindent` keep it, and the renderer turns it into the origin
//! map that points findings at values-file lines.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::fmt::{self, Write as _};
use std::rc::Rc;

/// Index of a values-file node in the render's origin table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Origin(pub u32);

/// The byte range `start..end` of a string came from the values node `origin`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    pub start: u32,
    pub end: u32,
    pub origin: Origin,
}

/// A Go string: shared text, and where its parts came from when known.
#[derive(Clone, Debug, Default)]
pub struct Str {
    pub text: Rc<str>,
    /// Sorted, non-overlapping. Empty for computed text.
    pub segments: Rc<[Segment]>,
}

impl Str {
    pub fn new(text: impl Into<Rc<str>>) -> Str {
        Str {
            text: text.into(),
            segments: Rc::from([]),
        }
    }

    pub fn with_segments(text: impl Into<Rc<str>>, segments: Vec<Segment>) -> Str {
        Str {
            text: text.into(),
            segments: segments.into(),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl PartialEq for Str {
    fn eq(&self, other: &Str) -> bool {
        self.text == other.text
    }
}

pub type List = Rc<RefCell<Vec<Value>>>;
/// `map[string]interface{}`: keys iterate in sorted order, as Go's
/// `text/template` ranges over them and `fmt` prints them.
pub type Map = Rc<RefCell<BTreeMap<String, Value>>>;

/// A Go value with fields and methods that a template can reach
/// (`.Capabilities.APIVersions.Has "apps/v1"`, `.Files.Get "x"`, a semver).
pub trait GoObject: fmt::Debug {
    /// The Go type name, as `typeOf` prints it (`*chart.Files`).
    fn type_name(&self) -> &str;
    /// A field, or a method called without arguments. `None` when there is no such name.
    fn field(&self, name: &str) -> Option<Value>;
    /// A method called with arguments. `None` when there is no such method.
    fn call(&self, method: &str, args: &[Value]) -> Option<Result<Value, String>>;
    /// How `fmt` prints it (`%v`).
    fn display(&self) -> String {
        format!("{{{}}}", self.type_name())
    }
}

/// Any value a template handles.
#[derive(Clone, Debug, Default)]
pub enum Value {
    /// Go's nil interface, and a missing map key (`missingkey=zero`).
    #[default]
    Nil,
    Bool(bool),
    /// Go `int`.
    Int(i64),
    /// Go `int64`.
    Int64(i64),
    /// Go `float64`.
    Float(f64),
    Str(Str),
    /// `[]interface{}`.
    List(List),
    /// `map[string]interface{}`.
    Map(Map),
    Object(Rc<dyn GoObject>),
}

impl Value {
    pub fn str(text: impl Into<Rc<str>>) -> Value {
        Value::Str(Str::new(text))
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(RefCell::new(items)))
    }

    pub fn map(entries: BTreeMap<String, Value>) -> Value {
        Value::Map(Rc::new(RefCell::new(entries)))
    }

    pub fn empty_map() -> Value {
        Value::map(BTreeMap::new())
    }

    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s.as_str()),
            _ => None,
        }
    }

    /// Go's `reflect.Kind` name, as Sprig's `kindOf` prints it.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Nil => "invalid",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Int64(_) => "int64",
            Value::Float(_) => "float64",
            Value::Str(_) => "string",
            Value::List(_) => "slice",
            Value::Map(_) => "map",
            Value::Object(_) => "ptr",
        }
    }

    /// Go's type name, as Sprig's `typeOf` prints it.
    pub fn type_name(&self) -> String {
        match self {
            Value::Nil => "<nil>".to_string(),
            Value::List(_) => "[]interface {}".to_string(),
            Value::Map(_) => "map[string]interface {}".to_string(),
            Value::Object(o) => o.type_name().to_string(),
            other => other.kind().to_string(),
        }
    }

    /// `text/template`'s truth: false for nil, false, zero numbers, and empty
    /// strings, lists and maps; true otherwise.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(n) | Value::Int64(n) => *n != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.text.is_empty(),
            Value::List(l) => !l.borrow().is_empty(),
            Value::Map(m) => !m.borrow().is_empty(),
            Value::Object(_) => true,
        }
    }

    /// Deep copy: new handles for every list and map (Sprig's `deepCopy`).
    pub fn deep_copy(&self) -> Value {
        match self {
            Value::List(l) => Value::list(l.borrow().iter().map(Value::deep_copy).collect()),
            Value::Map(m) => Value::map(
                m.borrow()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.deep_copy()))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// The text Go's `fmt.Sprint` gives (`%v`): `1e+06`, `map[a:1 b:x]`, `[a b]`, `<nil>`.
    pub fn go_string(&self) -> String {
        let mut out = String::new();
        write_go(&mut out, self, true);
        out
    }
}

fn write_go(out: &mut String, value: &Value, top: bool) {
    match value {
        Value::Nil => out.push_str("<nil>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(n) | Value::Int64(n) => {
            let _ = write!(out, "{n}");
        }
        Value::Float(f) => out.push_str(&format_float_g(*f)),
        Value::Str(s) => out.push_str(&s.text),
        Value::List(l) => {
            out.push('[');
            for (i, item) in l.borrow().iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_go(out, item, false);
            }
            out.push(']');
        }
        Value::Map(m) => {
            out.push_str("map[");
            for (i, (k, v)) in m.borrow().iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                write_go(out, v, false);
            }
            out.push(']');
        }
        Value::Object(o) => {
            let _ = top;
            out.push_str(&o.display());
        }
    }
}

/// How `%v` prints a float64: `strconv.FormatFloat(f, 'g', -1, 64)`, the
/// shortest digits that read back the same, in exponent form when the decimal
/// exponent is below -4 or at least 6 (`1e+06`, `100000`, `1e-05`).
pub fn format_float_g(f: f64) -> String {
    format_float(f, 6)
}

/// `strconv.FormatFloat(f, 'g', -1, 64)`: exponent form when the decimal
/// exponent is below -4 or at least `eprec`.
pub fn format_float(f: f64, eprec: i32) -> String {
    if f.is_nan() {
        return "NaN".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.to_string();
    }
    // Rust's `{:e}` gives the shortest round-trip digits: `1.2345e6`.
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if exp < -4 || exp >= eprec {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let _ = write!(out, "e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs());
    } else if exp < 0 {
        out.push_str("0.");
        for _ in 0..(-exp - 1) {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let point = exp as usize + 1;
        if digits.len() <= point {
            out.push_str(&digits);
            for _ in digits.len()..point {
                out.push('0');
            }
        } else {
            out.push_str(&digits[..point]);
            out.push('.');
            out.push_str(&digits[point..]);
        }
    }
    out
}

/// Which values-file node each map entry and list item of the values came
/// from, keyed by the identity of the map or list handle (values maps stay
/// alive for the whole render, so their addresses are stable).
#[derive(Debug, Default)]
pub struct Origins {
    fields: HashMap<(usize, String), Origin>,
    items: HashMap<(usize, usize), Origin>,
}

impl Origins {
    pub fn record_field(&mut self, map: &Map, key: &str, origin: Origin) {
        self.fields.insert(
            (Rc::as_ptr(map) as *const () as usize, key.to_string()),
            origin,
        );
    }

    pub fn record_item(&mut self, list: &List, index: usize, origin: Origin) {
        self.items
            .insert((Rc::as_ptr(list) as *const () as usize, index), origin);
    }

    /// Where `map[key]` came from.
    pub fn field(&self, map: &Map, key: &str) -> Option<Origin> {
        if self.fields.is_empty() {
            return None;
        }
        self.fields
            .get(&(Rc::as_ptr(map) as *const () as usize, key.to_string()))
            .copied()
    }

    /// Where `list[index]` came from.
    pub fn item(&self, list: &List, index: usize) -> Option<Origin> {
        self.items
            .get(&(Rc::as_ptr(list) as *const () as usize, index))
            .copied()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.items.is_empty()
    }
}

/// What functions may use besides their arguments: the deterministic random
/// source and clock, and the origins of the values.
pub struct FuncCx {
    /// State of the seeded generator behind `randAlphaNum`, `genCA` and the like.
    pub rng: u64,
    /// Seconds since the Unix epoch that `now` returns.
    pub clock: i64,
    pub origins: Rc<Origins>,
}

impl Default for FuncCx {
    fn default() -> Self {
        FuncCx {
            rng: 0x9E37_79B9_7F4A_7C15,
            // 2025-01-01T00:00:00Z: a fixed clock keeps findings stable.
            clock: 1_735_689_600,
            origins: Rc::default(),
        }
    }
}

impl FuncCx {
    /// The next number of the seeded generator (splitmix64).
    pub fn next_u64(&mut self) -> u64 {
        self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// A template function: Sprig's and Helm's pure functions. `include`, `tpl`,
/// `template`, `and`, `or` and the like need the engine and live there.
pub type Func = fn(&mut FuncCx, &[Value]) -> Result<Value, String>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_as_go_prints_them() {
        let cases = [
            (1000000.0, "1e+06"),
            (100000.0, "100000"),
            (3.0, "3"),
            (2.75, "2.75"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (123456789.0, "1.23456789e+08"),
            (-2.5, "-2.5"),
            (1e21, "1e+21"),
        ];
        for (f, want) in cases {
            assert_eq!(format_float(f, 6).as_str(), want, "{f}");
        }
    }

    #[test]
    fn maps_and_lists_print_as_fmt_does() {
        let mut m = BTreeMap::new();
        m.insert("b".to_string(), Value::str("x"));
        m.insert("a".to_string(), Value::Float(1.0));
        m.insert(
            "c".to_string(),
            Value::list(vec![Value::Int(1), Value::Nil]),
        );
        assert_eq!(Value::map(m).go_string(), "map[a:1 b:x c:[1 <nil>]]");
    }
}
