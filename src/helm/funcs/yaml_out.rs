//! `toYaml`: the text of `sigs.k8s.io/yaml.Marshal`, which is Go's
//! `encoding/json` marshal read back and written out by go-yaml v2.
//!
//! The round trip through JSON decides the types: every number that JSON
//! prints without a fraction or exponent comes back as an integer
//! (`1000000.0` → `1000000`), others as floats printed with `%g`
//! (`1e+21`, `1e-05`). go-yaml v2 then writes block style with two-space
//! indents, sequences under a mapping key not indented, keys in its
//! "natural" order (digit runs compared as numbers), strings that would read
//! back as another type double-quoted (`"yes"`, `"0644"`, `"1.0"`), strings
//! that cannot be plain single-quoted (`': x'`), multi-line strings in literal
//! style, and long plain or quoted strings folded at spaces once past column
//! 80 (Helm never turns folding off).
//!
//! When the value's maps and lists were read from a values file, each map
//! entry and list item whose origin is known gets a `Segment` over its text.

use crate::helm::value::{FuncCx, Origin, Segment, Str, Value};

/// The deepest nesting marshalled; Go's encoder reports a cycle past 1000
/// pointer levels, and a map that contains itself is the only way to get here.
const MAX_DEPTH: usize = 500;

/// The value as go-yaml v2 sees it after the JSON round trip.
#[derive(Debug)]
pub enum Node {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
    Seq(Vec<(Node, Option<Origin>)>),
    Map(Vec<(String, Node, Option<Origin>)>),
}

/// Converts a template value the way `json.Marshal` + go-yaml's decoder do.
/// `json` is the JSON round trip of `toYaml`; `toYamlPretty` encodes the
/// values directly, so a float64 stays a float (`1e+06`).
fn convert(cx: &FuncCx, value: &Value, depth: usize, json: bool) -> Result<Node, String> {
    if depth > MAX_DEPTH {
        return Err(format!(
            "json: unsupported value: encountered a cycle via {}",
            value.type_name()
        ));
    }
    Ok(match value {
        Value::Nil => Node::Null,
        Value::Bool(b) => Node::Bool(*b),
        Value::Int(n) | Value::Int64(n) => Node::Int(*n),
        Value::Float(f) if json => float_node(*f)?,
        Value::Float(f) => Node::Float(*f),
        // go-yaml reads a raw NEL inside the JSON string as a line break and
        // folds it to a space.
        Value::Str(s) => Node::Str(yaml_readable(s.as_str())?),
        Value::Object(o) => Node::Str(super::json::object_text(o.as_ref())),
        Value::List(l) => {
            let items = l.borrow();
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let origin = if cx.origins.is_empty() {
                    None
                } else {
                    cx.origins.item(l, i)
                };
                out.push((convert(cx, item, depth + 1, json)?, origin));
            }
            Node::Seq(out)
        }
        Value::Map(m) => {
            let entries = m.borrow();
            let mut out = Vec::with_capacity(entries.len());
            for (k, v) in entries.iter() {
                let origin = cx.origins.field(m, k);
                let key = yaml_readable(k)?;
                out.push((key, convert(cx, v, depth + 1, json)?, origin));
            }
            let mut out = merge_sort(out, |a, b| natural_less(&a.0, &b.0));
            out.shrink_to_fit();
            Node::Map(out)
        }
    })
}

/// A string as go-yaml reads it back from the JSON text: a raw NEL folds to
/// a space, and the control characters JSON leaves unescaped (DEL, the C1
/// block, U+FFFE/U+FFFF) make the read fail, so `toYaml` gives nothing.
fn yaml_readable(s: &str) -> Result<String, String> {
    if s.chars()
        .any(|c| matches!(c as u32, 0x7F..=0x84 | 0x86..=0x9F | 0xFFFE | 0xFFFF))
    {
        return Err("yaml: control characters are not allowed".into());
    }
    Ok(s.replace('\u{85}', " "))
}

fn float_node(f: f64) -> Result<Node, String> {
    if f.is_nan() || f.is_infinite() {
        return Err(format!(
            "json: unsupported value: {}",
            crate::helm::value::format_float_g(f)
        ));
    }
    // JSON prints integral values below 1e21 as plain digits, which go-yaml
    // reads back as an integer when it fits 64 bits.
    if f.fract() == 0.0 && f.abs() < 1e21 {
        if (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
            return Ok(Node::Int(f as i64));
        }
        if (0.0..1.844_674_407_370_955_2e19).contains(&f) {
            return Ok(Node::Uint(f as u64));
        }
    }
    Ok(Node::Float(f))
}

/// go-yaml v2's key order (`sorter.go`): letters after non-letters, letters
/// by code point, runs of digits by their numeric value.
pub fn natural_less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let is_digit = |c: char| c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric());
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        if ar[i] == br[i] {
            i += 1;
            continue;
        }
        let al = ar[i].is_alphabetic();
        let bl = br[i].is_alphabetic();
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return bl;
        }
        let (mut an, mut bn) = (0i64, 0i64);
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && is_digit(ar[j - 1]) {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let digit = |c: char| i64::from(u32::from(c).wrapping_sub(u32::from('0')) as i32);
        let mut ai = i;
        while ai < ar.len() && is_digit(ar[ai]) {
            an = an.wrapping_mul(10).wrapping_add(digit(ar[ai]));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && is_digit(br[bi]) {
            bn = bn.wrapping_mul(10).wrapping_add(digit(br[bi]));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

/// A stable merge sort that only asks `less`, so an inconsistent order (the
/// natural order is not always transitive) cannot make it fail.
pub fn merge_sort<T>(items: Vec<T>, less: impl Fn(&T, &T) -> bool + Copy) -> Vec<T> {
    if items.len() <= 1 {
        return items;
    }
    let mut left = items;
    let right = left.split_off(left.len() / 2);
    let left = merge_sort(left, less);
    let right = merge_sort(right, less);
    let mut out = Vec::with_capacity(left.len() + right.len());
    let mut l = left.into_iter().peekable();
    let mut r = right.into_iter().peekable();
    loop {
        match (l.peek(), r.peek()) {
            (Some(a), Some(b)) => {
                if less(b, a) {
                    out.extend(r.next());
                } else {
                    out.extend(l.next());
                }
            }
            (Some(_), None) => out.extend(l.next()),
            (None, Some(_)) => out.extend(r.next()),
            (None, None) => break,
        }
    }
    out
}

/// `toYaml`: the YAML text without its final newline, with segments for
/// the parts that came from values files.
pub fn to_yaml(cx: &FuncCx, value: &Value) -> Result<Str, String> {
    emit_document(cx, value, false)
}

/// `toYamlPretty`: go-yaml v3 with a two-space indent: sequences indented
/// under their key, no folding, floats as Go prints them.
pub fn to_yaml_pretty(cx: &FuncCx, value: &Value) -> Result<Str, String> {
    emit_document(cx, value, true)
}

fn emit_document(cx: &FuncCx, value: &Value, pretty: bool) -> Result<Str, String> {
    let node = convert(cx, value, 0, !pretty)?;
    let mut e = Emitter::new();
    e.pretty = pretty;
    e.node(&node, Ctx::ROOT);
    // Document end: a final line break.
    e.write_indent_at(-1);
    let mut text = e.out;
    if text.ends_with('\n') {
        text.pop();
    }
    let len = text.len() as u32;
    let segments = e
        .segments
        .into_iter()
        .filter_map(|mut s| {
            s.end = s.end.min(len);
            (s.start < s.end).then_some(s)
        })
        .collect();
    Ok(Str::with_segments(text, segments))
}

#[derive(Clone, Copy)]
struct Ctx {
    mapping: bool,
    simple_key: bool,
}

impl Ctx {
    const ROOT: Ctx = Ctx {
        mapping: false,
        simple_key: false,
    };
    const SEQ: Ctx = Ctx {
        mapping: false,
        simple_key: false,
    };
    const VALUE: Ctx = Ctx {
        mapping: true,
        simple_key: false,
    };
    const KEY: Ctx = Ctx {
        mapping: true,
        simple_key: true,
    };
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

const BEST_INDENT: i32 = 2;
const BEST_WIDTH: usize = 80;

/// The state libyaml's emitter keeps while writing block collections.
struct Emitter {
    out: String,
    column: usize,
    indent: i32,
    indents: Vec<i32>,
    whitespace: bool,
    indention: bool,
    segments: Vec<Segment>,
    /// go-yaml v3 layout (`toYamlPretty`).
    pretty: bool,
}

impl Emitter {
    fn new() -> Emitter {
        Emitter {
            out: String::new(),
            column: 0,
            indent: -1,
            indents: Vec::new(),
            whitespace: true,
            indention: true,
            segments: Vec::new(),
            pretty: false,
        }
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    /// The column past which text folds at a space (none for v3's encoder).
    fn width(&self) -> usize {
        if self.pretty { usize::MAX } else { BEST_WIDTH }
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
        self.indention = true;
    }

    fn write_indent(&mut self) {
        self.write_indent_at(self.indent);
    }

    fn write_indent_at(&mut self, indent: i32) {
        let indent = indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(&mut self, ind: &str, need_ws: bool, is_ws: bool, is_indention: bool) {
        if need_ws && !self.whitespace {
            self.put(' ');
        }
        for c in ind.chars() {
            self.put(c);
        }
        self.whitespace = is_ws;
        self.indention = self.indention && is_indention;
    }

    fn node(&mut self, node: &Node, ctx: Ctx) {
        match node {
            Node::Null => self.scalar("null", Style::Plain, ctx),
            Node::Bool(b) => self.scalar(if *b { "true" } else { "false" }, Style::Plain, ctx),
            Node::Int(n) => self.scalar(&n.to_string(), Style::Plain, ctx),
            Node::Uint(n) => self.scalar(&n.to_string(), Style::Plain, ctx),
            Node::Float(f) => self.scalar(&yaml_float(*f), Style::Plain, ctx),
            Node::Str(s) => self.scalar(s, string_style(s), ctx),
            Node::Seq(items) => self.sequence(items, ctx),
            Node::Map(entries) => self.mapping(entries, ctx),
        }
    }

    fn sequence(&mut self, items: &[(Node, Option<Origin>)], ctx: Ctx) {
        if items.is_empty() {
            self.write_indicator("[", true, true, false);
            self.write_indicator("]", false, false, false);
            return;
        }
        self.increase_indent(false, !self.pretty && ctx.mapping && !self.indention);
        for (item, origin) in items {
            self.write_indent();
            let start = self.out.len();
            self.write_indicator("-", true, false, true);
            // Segments stay in output order: a collection's own line first.
            if let Some(origin) = origin
                && is_collection(item)
            {
                self.segment(start, start + 1, *origin);
            }
            self.node(item, Ctx::SEQ);
            if let Some(origin) = origin
                && !is_collection(item)
            {
                self.segment(start, self.out.len(), *origin);
            }
        }
        self.pop_indent();
    }

    fn mapping(&mut self, entries: &[(String, Node, Option<Origin>)], _ctx: Ctx) {
        if entries.is_empty() {
            self.write_indicator("{", true, true, false);
            self.write_indicator("}", false, false, false);
            return;
        }
        self.increase_indent(false, false);
        for (key, value, origin) in entries {
            self.write_indent();
            let start = self.out.len();
            let key_facts = analyze(key);
            if !key_facts.multiline && key.len() <= 128 {
                self.scalar(key, string_style(key), Ctx::KEY);
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, true);
                self.scalar(key, string_style(key), Ctx::VALUE);
                self.write_indent();
                self.write_indicator(":", true, false, true);
            }
            if let Some(origin) = origin
                && is_collection(value)
            {
                self.segment(start, self.out.len(), *origin);
            }
            self.node(value, Ctx::VALUE);
            if let Some(origin) = origin
                && !is_collection(value)
            {
                self.segment(start, self.out.len(), *origin);
            }
        }
        self.pop_indent();
    }

    fn segment(&mut self, start: usize, end: usize, origin: Origin) {
        if start < end {
            self.segments.push(Segment {
                start: start as u32,
                end: end as u32,
                origin,
            });
        }
    }

    fn scalar(&mut self, value: &str, requested: Style, ctx: Ctx) {
        let facts = analyze(value);
        let mut style = requested;
        if ctx.simple_key && facts.multiline {
            style = Style::Double;
        }
        if style == Style::Plain {
            if !facts.block_plain_allowed {
                style = Style::Single;
            }
            if value.is_empty() && ctx.simple_key {
                style = Style::Single;
            }
        }
        if style == Style::Single && !facts.single_quoted_allowed {
            style = Style::Double;
        }
        if style == Style::Literal && (!facts.block_allowed || ctx.simple_key) {
            style = Style::Double;
        }
        self.increase_indent(true, false);
        let allow_breaks = !ctx.simple_key;
        match style {
            Style::Plain => self.write_plain(value, allow_breaks),
            Style::Single => self.write_single(value, allow_breaks),
            Style::Double => self.write_double(value, allow_breaks),
            Style::Literal => self.write_literal(value),
        }
        self.pop_indent();
    }

    fn write_plain(&mut self, value: &str, allow_breaks: bool) {
        if !value.is_empty() && !self.whitespace {
            self.put(' ');
        }
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > self.width()
                    && chars.get(i + 1) != Some(&' ')
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                self.indention = false;
                spaces = false;
            }
        }
        if !value.is_empty() {
            self.whitespace = false;
        }
        self.indention = false;
    }

    fn write_single(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        let mut breaks = false;
        let n = chars.len();
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > self.width()
                    && i > 0
                    && i + 1 < n
                    && chars[i + 1] != ' '
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let n = chars.len();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if !is_printable(c) || c == '\u{FEFF}' || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                match c {
                    '\0' => self.put('0'),
                    '\u{7}' => self.put('a'),
                    '\u{8}' => self.put('b'),
                    '\t' => self.put('t'),
                    '\n' => self.put('n'),
                    '\u{b}' => self.put('v'),
                    '\u{c}' => self.put('f'),
                    '\r' => self.put('r'),
                    '\u{1b}' => self.put('e'),
                    '"' => self.put('"'),
                    '\\' => self.put('\\'),
                    '\u{85}' => self.put('N'),
                    '\u{a0}' => self.put('_'),
                    '\u{2028}' => self.put('L'),
                    '\u{2029}' => self.put('P'),
                    _ => {
                        let v = u32::from(c);
                        let (letter, width) = if v <= 0xFF {
                            ('x', 2)
                        } else if v <= 0xFFFF {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(letter);
                        for k in (0..width).rev() {
                            let digit = (v >> (k * 4)) & 0xF;
                            self.put(
                                char::from_digit(digit, 16)
                                    .unwrap_or('0')
                                    .to_ascii_uppercase(),
                            );
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > self.width() && i > 0 && i + 1 < n {
                    self.write_indent();
                    if chars[i + 1] == ' ' {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
            self.indention = true;
        }
    }

    fn write_literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        if let Some(&first) = chars.first()
            && (first == ' ' || is_break(first))
        {
            self.write_indicator("2", false, false, false);
        }
        let chomp = match chars.as_slice() {
            [] => Some("-"),
            [.., last] if !is_break(*last) => Some("-"),
            [_] => Some("+"),
            [.., prev, _] if is_break(*prev) => Some("+"),
            _ => None,
        };
        if let Some(chomp) = chomp {
            self.write_indicator(chomp, false, false, false);
        }
        self.put_break();
        self.whitespace = true;
        let mut breaks = true;
        for &c in &chars {
            if is_break(c) {
                self.write_break(c);
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

fn is_collection(node: &Node) -> bool {
    matches!(node, Node::Seq(v) if !v.is_empty()) || matches!(node, Node::Map(v) if !v.is_empty())
}

/// `strconv.FormatFloat(f, 'g', -1, 64)`, as go-yaml writes a float.
fn yaml_float(f: f64) -> String {
    if f.is_nan() {
        ".nan".into()
    } else if f.is_infinite() {
        if f > 0.0 { ".inf" } else { "-.inf" }.into()
    } else {
        crate::helm::value::format_float_g(f)
    }
}

/// The style go-yaml's encoder asks for: literal for multi-line text,
/// double quotes when plain text would read back as another type.
fn string_style(s: &str) -> Style {
    if s.contains('\n') {
        Style::Literal
    } else if resolves_to_string(s) && !is_base60_float(s) {
        Style::Plain
    } else {
        Style::Double
    }
}

/// Whether go-yaml v2 would read the plain scalar `s` back as a string.
pub fn resolves_to_string(s: &str) -> bool {
    let Some(&first) = s.as_bytes().first() else {
        return false; // null
    };
    match first {
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => {
            !in_resolve_map(s)
        }
        b'.' => !in_resolve_map(s) && crate::helm::funcs::args::parse_go_float(s).is_none(),
        b'+' | b'-' | b'0'..=b'9' => {
            if in_resolve_map(s) || is_timestamp(s) {
                return false;
            }
            let plain = s.replace('_', "");
            if crate::helm::funcs::args::parse_go_int(&plain).is_some()
                || parse_go_uint(&plain)
                || (yaml_style_float(&plain) && plain.parse::<f64>().is_ok())
            {
                return false;
            }
            if let Some(bits) = plain
                .strip_prefix("0b")
                .or_else(|| plain.strip_prefix("-0b"))
                && !bits.is_empty()
                && bits.bytes().all(|b| b == b'0' || b == b'1')
            {
                return false;
            }
            // A number too big for 64 bits still reads as an integer.
            let digits = plain.trim_start_matches(['+', '-']);
            digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit())
        }
        _ => true,
    }
}

fn in_resolve_map(s: &str) -> bool {
    matches!(
        s,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "true"
            | "True"
            | "TRUE"
            | "on"
            | "On"
            | "ON"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "false"
            | "False"
            | "FALSE"
            | "off"
            | "Off"
            | "OFF"
            | "~"
            | "null"
            | "Null"
            | "NULL"
            | ".nan"
            | ".NaN"
            | ".NAN"
            | ".inf"
            | ".Inf"
            | ".INF"
            | "+.inf"
            | "+.Inf"
            | "+.INF"
            | "-.inf"
            | "-.Inf"
            | "-.INF"
    )
}

fn parse_go_uint(s: &str) -> bool {
    let s = s.strip_prefix('+').unwrap_or(s);
    if s.starts_with('-') {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    let (radix, digits) = if let Some(r) = lower.strip_prefix("0x") {
        (16, r)
    } else if let Some(r) = lower.strip_prefix("0o") {
        (8, r)
    } else if let Some(r) = lower.strip_prefix("0b") {
        (2, r)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    !digits.is_empty() && u64::from_str_radix(digits, radix).is_ok()
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() || !(b[0] == b'+' || b[0] == b'-' || b[0].is_ascii_digit()) || !s.contains(':')
    {
        return false;
    }
    let mut i = usize::from(b[0] == b'+' || b[0] == b'-');
    if i >= b.len() || !b[i].is_ascii_digit() {
        return false;
    }
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while i < b.len() && b[i] == b':' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() && i - start < 2 {
            i += 1;
        }
        let group = &b[start..i];
        let ok = match group {
            [d] => d.is_ascii_digit(),
            [a, d] => (b'0'..=b'5').contains(a) && d.is_ascii_digit(),
            _ => false,
        };
        if !ok {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// go-yaml's timestamp forms: `2006-1-2`, with `T`/`t` and a zone, or a
/// space and no zone.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let mut p = Parser { b, i: 5 };
    let Some(month) = p.num(1, 2) else {
        return false;
    };
    if !p.eat(b'-') {
        return false;
    }
    let Some(day) = p.num(1, 2) else {
        return false;
    };
    let year: u32 = s[..4].parse().unwrap_or(0);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return false;
    }
    if p.i == b.len() {
        return true;
    }
    let sep = b[p.i];
    if !matches!(sep, b'T' | b't' | b' ') {
        return false;
    }
    p.i += 1;
    let (Some(h), true, Some(m), true, Some(sec)) = (
        p.num(1, 2),
        p.eat(b':'),
        p.num(1, 2),
        p.eat(b':'),
        p.num(1, 2),
    ) else {
        return false;
    };
    if h > 23 || m > 59 || sec > 59 {
        return false;
    }
    if p.eat(b'.') {
        let start = p.i;
        while p.i < b.len() && b[p.i].is_ascii_digit() {
            p.i += 1;
        }
        if p.i == start {
            return false;
        }
    }
    if sep == b' ' {
        return p.i == b.len();
    }
    if p.eat(b'Z') {
        return p.i == b.len();
    }
    if p.i < b.len() && (b[p.i] == b'+' || b[p.i] == b'-') {
        p.i += 1;
        let ok = p.num(2, 2).is_some() && p.eat(b':') && p.num(2, 2).is_some();
        return ok && p.i == b.len();
    }
    false
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn num(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.i;
        while self.i < self.b.len() && self.b[self.i].is_ascii_digit() && self.i - start < max {
            self.i += 1;
        }
        if self.i - start < min {
            return None;
        }
        std::str::from_utf8(&self.b[start..self.i])
            .ok()?
            .parse()
            .ok()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.i < self.b.len() && self.b[self.i] == c {
            self.i += 1;
            true
        } else {
            false
        }
    }
}

pub fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) {
                29
            } else {
                28
            }
        }
    }
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// libyaml's `IS_PRINTABLE`: code points outside the BMP are not.
fn is_printable(c: char) -> bool {
    let v = u32::from(c);
    v == 0x0A
        || (0x20..=0x7E).contains(&v)
        || (0xA0..=0xD7FF).contains(&v)
        || ((0xE000..=0xFFFD).contains(&v) && v != 0xFEFF)
}

struct Facts {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

/// libyaml's `yaml_emitter_analyze_scalar`, block context only.
fn analyze(value: &str) -> Facts {
    if value.is_empty() {
        return Facts {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let chars: Vec<char> = value.chars().collect();
    let mut block_indicators = value.starts_with("---") || value.starts_with("...");
    let mut line_breaks = false;
    let mut special = false;
    let (mut leading_space, mut leading_break) = (false, false);
    let (mut trailing_space, mut trailing_break) = (false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut preceded_by_ws = true;
    let n = chars.len();
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_ws = i + 1 >= n || matches!(chars[i + 1], ' ' | '\t');
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' | '-' if followed_by_ws => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_ws => block_indicators = true,
                '#' if preceded_by_ws => block_indicators = true,
                _ => {}
            }
        }
        if !is_printable(c) {
            special = true;
        }
        if c == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if i + 1 == n {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            if i == 0 {
                leading_break = true;
            }
            if i + 1 == n {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_ws = matches!(c, ' ' | '\t') || is_break(c);
    }
    let mut facts = Facts {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        facts.block_plain_allowed = false;
    }
    if trailing_space {
        facts.block_allowed = false;
    }
    if break_space {
        facts.block_plain_allowed = false;
        facts.single_quoted_allowed = false;
    }
    if space_break || special {
        facts.block_plain_allowed = false;
        facts.single_quoted_allowed = false;
        facts.block_allowed = false;
    }
    if line_breaks || block_indicators {
        facts.block_plain_allowed = false;
    }
    facts
}
