//! `--set name=value` lines in Helm's syntax: `a.b=c`, `a[0]=x`,
//! `a={x,y}`, `\` escapes, several assignments separated by `,`.
//!
//! Values are typed as Helm types them: `true`/`false`/`null` (any case),
//! integers as int64 (not those with a leading zero), everything else a
//! string; `--set-string` keeps every value a string, `--set-file` reads the
//! value from a file, `--set-json` reads a JSON value. Assignments go into the
//! given map in place, so repeated `--set` flags build one tree.

use std::rc::Rc;

use super::value::{Map, Value};
use super::values::new_map;

/// Largest list index (Helm's `MaxIndex`).
const MAX_INDEX: i64 = 65_536;
/// Deepest `a.b.c…` nesting (Helm's `MaxNestedNameLevel`).
const MAX_NESTED_NAME_LEVEL: usize = 30;

/// How the right-hand side of an assignment becomes a value.
pub enum Reader<'a> {
    Typed,
    String,
    /// `--set-file`: the text is a path; the value is the file's text.
    File(&'a dyn Fn(&str) -> Result<String, String>),
    Json,
}

enum Stop {
    Eof,
    Error(String),
    NotList,
}

impl From<String> for Stop {
    fn from(message: String) -> Stop {
        Stop::Error(message)
    }
}

struct Parser<'a, 'r> {
    chars: Vec<char>,
    pos: usize,
    reader: &'a Reader<'r>,
}

/// Parses one `--set`-style line into `dest`.
pub fn parse_into(line: &str, dest: &Map, reader: &Reader<'_>) -> Result<(), String> {
    let mut parser = Parser {
        chars: line.chars().collect(),
        pos: 0,
        reader,
    };
    loop {
        match parser.key(dest, 0) {
            Ok(()) => continue,
            Err(Stop::Eof) => return Ok(()),
            Err(Stop::Error(message)) => return Err(message),
            Err(Stop::NotList) => return Err("not a list".into()),
        }
    }
}

fn go_quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("\"{text}\""))
}

fn go_type(value: &Value) -> String {
    match value {
        Value::Nil => "nil".into(),
        Value::Int64(_) => "int64".into(),
        other => other.type_name(),
    }
}

fn set(data: &Map, key: &str, value: Value) {
    if !key.is_empty() {
        data.borrow_mut().insert(key.to_string(), value);
    }
}

fn set_index(list: &mut Vec<Value>, index: i64, value: Value) -> Result<(), String> {
    if index < 0 {
        return Err(format!("negative {index} index not allowed"));
    }
    if index > MAX_INDEX {
        return Err(format!(
            "index of {index} is greater than maximum supported index of {MAX_INDEX}"
        ));
    }
    let index = index as usize;
    if list.len() <= index {
        list.resize(index + 1, Value::Nil);
    }
    list[index] = value;
    Ok(())
}

impl Parser<'_, '_> {
    fn read(&mut self) -> Option<char> {
        let c = self.chars.get(self.pos).copied();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    /// Reads up to one of `stop`, unescaping `\x`; `None` as the stop at end of input.
    fn until(&mut self, stop: &[char]) -> (String, Option<char>) {
        let mut out = String::new();
        loop {
            match self.read() {
                None => return (out, None),
                Some(c) if stop.contains(&c) => return (out, Some(c)),
                Some('\\') => match self.read() {
                    Some(next) => out.push(next),
                    None => return (out, None),
                },
                Some(c) => out.push(c),
            }
        }
    }

    fn convert(&self, text: &str) -> Result<Value, String> {
        match self.reader {
            Reader::Typed => Ok(typed_value(text)),
            Reader::String | Reader::Json => Ok(Value::str(text)),
            Reader::File(read) => read(text).map(Value::str),
        }
    }

    fn key(&mut self, data: &Map, level: usize) -> Result<(), Stop> {
        let (k, last) = self.until(&['=', '[', ',', '.']);
        match last {
            None => {
                if k.is_empty() {
                    Err(Stop::Eof)
                } else {
                    Err(format!("key {} has no value", go_quote(&k)).into())
                }
            }
            Some('[') => {
                let index = self
                    .key_index()
                    .map_err(|e| format!("error parsing index: {e}"))?;
                let existing = data.borrow().get(&k).cloned();
                let mut list = match existing {
                    None => Vec::new(),
                    Some(Value::List(l)) => l.borrow().clone(),
                    Some(other) => {
                        return Err(format!(
                            "unable to parse key: interface conversion: interface {{}} is {}, not []interface {{}}",
                            go_type(&other)
                        )
                        .into());
                    }
                };
                let result = self.list_item(&mut list, index, level);
                set(data, &k, Value::list(list));
                result
            }
            Some('=') => {
                if matches!(self.reader, Reader::Json) {
                    let value = self.json_value()?;
                    set(data, &k, value);
                    return Ok(());
                }
                match self.val_list() {
                    Ok(list) => {
                        set(data, &k, Value::list(list));
                        Ok(())
                    }
                    Err(Stop::Eof) => {
                        set(data, &k, Value::str(""));
                        Err(Stop::Eof)
                    }
                    Err(Stop::NotList) => {
                        let (text, _) = self.until(&[',']);
                        let value = self.convert(&text)?;
                        set(data, &k, value);
                        Ok(())
                    }
                    Err(e) => Err(e),
                }
            }
            Some(',') => {
                set(data, &k, Value::str(""));
                Err(format!("key {} has no value (cannot end with ,)", go_quote(&k)).into())
            }
            Some(_) => {
                let level = level + 1;
                if level > MAX_NESTED_NAME_LEVEL {
                    return Err(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
                    )
                    .into());
                }
                let existing = data.borrow().get(&k).cloned();
                let inner = match existing {
                    None => new_map(),
                    Some(Value::Map(m)) => m,
                    Some(other) => {
                        return Err(format!(
                            "unable to parse key: interface conversion: interface {{}} is {}, not map[string]interface {{}}",
                            go_type(&other)
                        )
                        .into());
                    }
                };
                let result = self.key(&inner, level);
                let empty = inner.borrow().is_empty();
                if result.is_ok() && empty {
                    return Err(format!("key map {} has no value", go_quote(&k)).into());
                }
                if !empty {
                    set(data, &k, Value::Map(inner));
                }
                result
            }
        }
    }

    fn key_index(&mut self) -> Result<i64, String> {
        let (text, last) = self.until(&[']']);
        if last.is_none() {
            return Err("EOF".into());
        }
        text.parse::<i64>()
            .map_err(|_| format!("strconv.Atoi: parsing {}: invalid syntax", go_quote(&text)))
    }

    fn list_item(&mut self, list: &mut Vec<Value>, index: i64, level: usize) -> Result<(), Stop> {
        if index < 0 {
            return Err(format!("negative {index} index not allowed").into());
        }
        let (k, last) = self.until(&['[', '.', '=']);
        if !k.is_empty() {
            return Err(format!("unexpected data at end of array index: {}", go_quote(&k)).into());
        }
        match last {
            None => Err(Stop::Eof),
            Some('=') => {
                if matches!(self.reader, Reader::Json) {
                    let value = self.json_value()?;
                    return Ok(set_index(list, index, value)?);
                }
                match self.val_list() {
                    Ok(items) => Ok(set_index(list, index, Value::list(items))?),
                    Err(Stop::Eof) => Ok(set_index(list, index, Value::str(""))?),
                    Err(Stop::NotList) => {
                        let (text, _) = self.until(&[',']);
                        let value = self.convert(&text)?;
                        Ok(set_index(list, index, value)?)
                    }
                    Err(e) => Err(e),
                }
            }
            Some('[') => {
                let next = self
                    .key_index()
                    .map_err(|e| format!("error parsing index: {e}"))?;
                let mut inner = match list.get(index as usize) {
                    Some(Value::List(l)) => l.borrow().clone(),
                    Some(Value::Nil) | None => Vec::new(),
                    Some(other) => {
                        return Err(format!(
                            "unable to parse key: interface conversion: interface {{}} is {}, not []interface {{}}",
                            go_type(other)
                        )
                        .into());
                    }
                };
                self.list_item(&mut inner, next, level)?;
                Ok(set_index(list, index, Value::list(inner))?)
            }
            Some(_) => {
                let inner = match list.get(index as usize) {
                    Some(Value::Map(m)) => m.clone(),
                    _ => new_map(),
                };
                self.key(&inner, level)?;
                Ok(set_index(list, index, Value::Map(inner))?)
            }
        }
    }

    fn val_list(&mut self) -> Result<Vec<Value>, Stop> {
        match self.read() {
            None => return Err(Stop::Eof),
            Some('{') => {}
            Some(_) => {
                self.pos -= 1;
                return Err(Stop::NotList);
            }
        }
        let mut list = Vec::new();
        loop {
            let (text, last) = self.until(&[',', '}']);
            match last {
                None => return Err("list must terminate with '}'".to_string().into()),
                Some('}') => {
                    if let Some(c) = self.read()
                        && c != ','
                    {
                        self.pos -= 1;
                    }
                    list.push(self.convert(&text)?);
                    return Ok(list);
                }
                Some(_) => list.push(self.convert(&text)?),
            }
        }
    }

    /// Skips blanks; true when the value is empty (a `,` or the end).
    fn empty_value(&mut self) -> bool {
        loop {
            match self.read() {
                None | Some(',') => return true,
                Some(c) if c.is_whitespace() => {}
                Some(_) => {
                    self.pos -= 1;
                    return false;
                }
            }
        }
    }

    fn json_value(&mut self) -> Result<Value, String> {
        if self.empty_value() {
            return Ok(Value::Nil);
        }
        let rest: String = self.chars[self.pos..].iter().collect();
        let mut stream = serde_json::Deserializer::from_str(&rest).into_iter::<serde_json::Value>();
        let value = match stream.next() {
            Some(Ok(value)) => value,
            Some(Err(e)) => return Err(e.to_string()),
            None => return Err("unexpected end of JSON input".into()),
        };
        let used = rest[..stream.byte_offset()].chars().count();
        self.pos += used;
        self.empty_value();
        Ok(from_json(&value))
    }
}

/// Helm's `typedVal`.
pub fn typed_value(text: &str) -> Value {
    if text.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if text.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    if text.eq_ignore_ascii_case("null") {
        return Value::Nil;
    }
    if text == "0" {
        return Value::Int64(0);
    }
    if !text.is_empty()
        && !text.starts_with('0')
        && let Some(n) = parse_go_int(text)
    {
        return Value::Int64(n);
    }
    Value::str(text)
}

/// `strconv.ParseInt(s, 10, 64)`: optional sign, decimal digits.
fn parse_go_int(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.strip_prefix('+').unwrap_or(text).parse().ok()
}

/// A JSON value as Go's `encoding/json` decodes it into `interface{}`:
/// every number a float64.
pub fn from_json(value: &serde_json::Value) -> Value {
    match value {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(s) => Value::Str(super::value::Str::new(Rc::from(s.as_str()))),
        serde_json::Value::Array(items) => Value::list(items.iter().map(from_json).collect()),
        serde_json::Value::Object(entries) => Value::map(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), from_json(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<String, String> {
        let map = new_map();
        parse_into(line, &map, &Reader::Typed)?;
        Ok(Value::Map(map).go_string())
    }

    fn kinds(line: &str, reader: &Reader<'_>) -> String {
        let map = new_map();
        parse_into(line, &map, reader).unwrap();
        let m = map.borrow();
        m.iter()
            .map(|(k, v)| format!("{k}:{}", v.kind()))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn assignments() {
        assert_eq!(parse("a=b").unwrap(), "map[a:b]");
        assert_eq!(parse("a.b=c,d=e").unwrap(), "map[a:map[b:c] d:e]");
        assert_eq!(parse("a[0]=x,a[2]=z").unwrap(), "map[a:[x <nil> z]]");
        assert_eq!(parse("a={x,y}").unwrap(), "map[a:[x y]]");
        assert_eq!(parse("a={x,y},b=c").unwrap(), "map[a:[x y] b:c]");
        assert_eq!(parse("a\\.b=c\\,d").unwrap(), "map[a.b:c,d]");
        assert_eq!(parse("a[0].b=1,a[0].c=2").unwrap(), "map[a:[map[b:1 c:2]]]");
        assert_eq!(parse("a[0][1]=x").unwrap(), "map[a:[[<nil> x]]]");
        assert_eq!(parse("a=").unwrap(), "map[a:]");
        assert_eq!(parse("a=null").unwrap(), "map[a:<nil>]");
    }

    #[test]
    fn types() {
        assert_eq!(
            kinds("a=1,b=true,c=007,d=0,e=-3,f=1.5,g=FALSE", &Reader::Typed),
            "a:int64 b:bool c:string d:int64 e:int64 f:string g:bool"
        );
        assert_eq!(kinds("a=1,b=true", &Reader::String), "a:string b:string");
        assert_eq!(
            kinds("a={\"x\":1},b=[1,2],c=", &Reader::Json),
            "a:map b:slice c:invalid"
        );
    }

    #[test]
    fn errors_are_helms() {
        assert_eq!(parse("a").unwrap_err(), "key \"a\" has no value");
        assert_eq!(
            parse("a,b=c").unwrap_err(),
            "key \"a\" has no value (cannot end with ,)"
        );
        assert_eq!(parse("a={x,y").unwrap_err(), "list must terminate with '}'");
        assert_eq!(
            parse("a[-1]=x").unwrap_err(),
            "negative -1 index not allowed"
        );
        assert!(
            parse("a[x]=y")
                .unwrap_err()
                .starts_with("error parsing index")
        );
        assert_eq!(
            parse("a[70000]=y").unwrap_err(),
            "index of 70000 is greater than maximum supported index of 65536"
        );
        assert!(
            parse("a=1,a.b=2")
                .unwrap_err()
                .contains("interface conversion")
        );
        let deep = (0..40)
            .map(|i| format!("k{i}"))
            .collect::<Vec<_>>()
            .join(".")
            + "=1";
        assert!(parse(&deep).unwrap_err().contains("nested level"));
    }

    #[test]
    fn repeated_lines_build_one_tree() {
        let map = new_map();
        parse_into("a.b=1", &map, &Reader::Typed).unwrap();
        parse_into("a.c=2", &map, &Reader::String).unwrap();
        assert_eq!(Value::Map(map).go_string(), "map[a:map[b:1 c:2]]");
    }

    #[test]
    fn files() {
        let read = |path: &str| Ok::<String, String>(format!("<{path}>"));
        let map = new_map();
        parse_into("a=x.txt", &map, &Reader::File(&read)).unwrap();
        assert_eq!(Value::Map(map).go_string(), "map[a:<x.txt>]");
    }
}
