//! Sprig's string functions. Lengths and offsets are in bytes, as in Go.

use super::args::{int, str_value, string, strval, want};
use crate::helm::value::{FuncCx, Segment, Str, Value};

/// The longest string a function may build (`repeat`, `indent`).
pub const MAX_STRING: usize = 64 << 20;

fn text(s: String) -> Value {
    Value::str(s)
}

/// A string from Go bytes that may have been cut inside a character.
fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The substring `start..end` of `s`, with the segments that fall in it.
pub fn substr_value(s: &Str, start: usize, end: usize) -> Value {
    let bytes = s.as_str().as_bytes();
    let end = end.min(bytes.len());
    let start = start.min(end);
    let out = lossy(&bytes[start..end]);
    if s.segments.is_empty() || out.len() != end - start {
        return Value::str(out);
    }
    let segments = s
        .segments
        .iter()
        .filter_map(|seg| {
            let a = (seg.start as usize).max(start);
            let b = (seg.end as usize).min(end);
            (a < b).then(|| Segment {
                start: (a - start) as u32,
                end: (b - start) as u32,
                origin: seg.origin,
            })
        })
        .collect();
    Value::Str(Str::with_segments(out, segments))
}

fn check_len(n: usize) -> Result<(), String> {
    if n > MAX_STRING {
        Err(format!(
            "result of {n} bytes is larger than the {MAX_STRING}-byte limit"
        ))
    } else {
        Ok(())
    }
}

pub fn upper(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("upper", a, 1)?;
    Ok(text(string(&a[0])?.to_uppercase()))
}

pub fn lower(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("lower", a, 1)?;
    Ok(text(string(&a[0])?.to_lowercase()))
}

/// Go's deprecated `strings.Title`: the first letter of every word upper case.
pub fn title(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("title", a, 1)?;
    let mut out = String::new();
    let mut prev_sep = true;
    for c in string(&a[0])?.chars() {
        if prev_sep {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        prev_sep = is_title_separator(c);
    }
    Ok(text(out))
}

fn is_title_separator(c: char) -> bool {
    if c.is_ascii() {
        return !(c.is_ascii_alphanumeric() || c == '_');
    }
    if c.is_alphanumeric() {
        return false;
    }
    c.is_whitespace()
}

/// goutils `Uncapitalize`: the first letter of every blank-separated word lower case.
pub fn untitle(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("untitle", a, 1)?;
    let mut out = String::new();
    let mut after_space = true;
    for c in string(&a[0])?.chars() {
        if after_space {
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
        after_space = c.is_whitespace();
    }
    Ok(text(out))
}

pub fn repeat(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("repeat", a, 2)?;
    let n = int(&a[0])?;
    let s = string(&a[1])?;
    if n < 0 {
        return Err("strings: negative Repeat count".into());
    }
    check_len(s.len().saturating_mul(n as usize))?;
    Ok(text(s.repeat(n as usize)))
}

pub fn substr(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("substr", a, 3)?;
    let (start, end) = (int(&a[0])?, int(&a[1])?);
    let s = str_value(&a[2])?;
    let len = s.as_str().len() as i64;
    let (from, to) = if start < 0 {
        (0, end)
    } else if end < 0 || end > len {
        (start, len)
    } else {
        (start, end)
    };
    if to < 0 || to > len || from > to {
        return Err(format!(
            "runtime error: slice bounds out of range [{}:{}]",
            if start < 0 {
                String::new()
            } else {
                from.to_string()
            },
            to
        ));
    }
    Ok(substr_value(s, from as usize, to as usize))
}

pub fn trunc(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("trunc", a, 2)?;
    let c = int(&a[0])?;
    let s = str_value(&a[1])?;
    let len = s.as_str().len() as i64;
    if c < 0 && len + c > 0 {
        return Ok(substr_value(s, (len + c) as usize, len as usize));
    }
    if c >= 0 && len > c {
        return Ok(substr_value(s, 0, c as usize));
    }
    Ok(a[1].clone())
}

fn trimmed(s: &Str, kept: &str) -> Value {
    // `kept` is a subslice of `s`.
    let start = kept.as_ptr() as usize - s.as_str().as_ptr() as usize;
    substr_value(s, start, start + kept.len())
}

pub fn trim(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("trim", a, 1)?;
    let s = str_value(&a[0])?;
    Ok(trimmed(s, s.as_str().trim()))
}

pub fn trim_all(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("trimAll", a, 2)?;
    let cutset: Vec<char> = string(&a[0])?.chars().collect();
    let s = str_value(&a[1])?;
    Ok(trimmed(s, s.as_str().trim_matches(cutset.as_slice())))
}

pub fn trim_prefix(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("trimPrefix", a, 2)?;
    let prefix = string(&a[0])?;
    let s = str_value(&a[1])?;
    Ok(trimmed(
        s,
        s.as_str().strip_prefix(prefix).unwrap_or(s.as_str()),
    ))
}

pub fn trim_suffix(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("trimSuffix", a, 2)?;
    let suffix = string(&a[0])?;
    let s = str_value(&a[1])?;
    Ok(trimmed(
        s,
        s.as_str().strip_suffix(suffix).unwrap_or(s.as_str()),
    ))
}

pub fn nospace(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("nospace", a, 1)?;
    Ok(text(
        string(&a[0])?
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect(),
    ))
}

pub fn contains(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("contains", a, 2)?;
    Ok(Value::Bool(string(&a[1])?.contains(string(&a[0])?)))
}

pub fn has_prefix(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("hasPrefix", a, 2)?;
    Ok(Value::Bool(string(&a[1])?.starts_with(string(&a[0])?)))
}

pub fn has_suffix(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("hasSuffix", a, 2)?;
    Ok(Value::Bool(string(&a[1])?.ends_with(string(&a[0])?)))
}

/// Go's `strconv.Quote` (`%q`).
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if is_go_printable(c) => out.push(c),
            c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `unicode.IsPrint`: graphic characters and the
/// ASCII space.
fn is_go_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    !matches!(c as u32,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x200B..=0x200F | 0x202A..=0x202E
        | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB | 0xE000..=0xF8FF
        | 0xFFFE | 0xFFFF | 0xF0000..=0x10FFFF)
}

pub fn quote(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    let parts: Vec<String> = a
        .iter()
        .filter(|v| !v.is_nil())
        .map(|v| go_quote(&strval(v)))
        .collect();
    Ok(text(parts.join(" ")))
}

pub fn squote(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    let parts: Vec<String> = a
        .iter()
        .filter(|v| !v.is_nil())
        .map(|v| format!("'{}'", strval(v)))
        .collect();
    Ok(text(parts.join(" ")))
}

pub fn cat(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    let parts: Vec<String> = a.iter().filter(|v| !v.is_nil()).map(strval).collect();
    Ok(text(parts.join(" ")))
}

/// `pad + strings.Replace(s, "\n", "\n"+pad, -1)`, segments shifted along.
fn indent_str(s: &Str, n: usize, lead_newline: bool) -> Result<Value, String> {
    let src = s.as_str();
    let lines = src.matches('\n').count() + 1;
    check_len(src.len().saturating_add(n.saturating_mul(lines)))?;
    let pad = " ".repeat(n);
    let mut out = String::with_capacity(src.len() + n * lines + 1);
    if lead_newline {
        out.push('\n');
    }
    out.push_str(&pad);
    // Output offset of each input byte: its offset, plus the lead, plus one
    // pad per newline before it.
    let base = usize::from(lead_newline) + n;
    let mut newline_offsets = Vec::new();
    for (i, piece) in src.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            out.push_str(&pad);
        }
        out.push_str(piece);
        newline_offsets.push(piece.len());
    }
    if s.segments.is_empty() {
        return Ok(Value::str(out));
    }
    let newlines: Vec<usize> = src.match_indices('\n').map(|(i, _)| i).collect();
    let map = |pos: usize| -> usize {
        let before = newlines.partition_point(|&nl| nl < pos);
        pos + base + before * n
    };
    let segments = s
        .segments
        .iter()
        .map(|seg| {
            let start = map(seg.start as usize);
            let end = map((seg.end as usize).saturating_sub(1)) + 1;
            Segment {
                start: start as u32,
                end: end.max(start) as u32,
                origin: seg.origin,
            }
        })
        .collect();
    Ok(Value::Str(Str::with_segments(out, segments)))
}

fn spaces(v: &Value) -> Result<usize, String> {
    let n = int(v)?;
    if n < 0 {
        return Err("strings: negative Repeat count".into());
    }
    Ok(n as usize)
}

pub fn indent(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("indent", a, 2)?;
    let n = spaces(&a[0])?;
    indent_str(str_value(&a[1])?, n, false)
}

pub fn nindent(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("nindent", a, 2)?;
    let n = spaces(&a[0])?;
    indent_str(str_value(&a[1])?, n, true)
}

pub fn replace(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("replace", a, 3)?;
    let (old, new, src) = (string(&a[0])?, string(&a[1])?, string(&a[2])?);
    if old.is_empty() {
        check_len(
            src.len()
                .saturating_add(new.len().saturating_mul(src.chars().count() + 1)),
        )?;
    } else if new.len() > old.len() {
        check_len(
            src.len()
                .saturating_add((new.len() - old.len()).saturating_mul(src.matches(old).count())),
        )?;
    }
    Ok(text(src.replace(old, new)))
}

pub fn plural(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("plural", a, 3)?;
    let (one, many, n) = (string(&a[0])?, string(&a[1])?, int(&a[2])?);
    Ok(text(if n == 1 { one } else { many }.to_string()))
}

/// goutils `AbbreviateFull`.
fn abbreviate(s: &str, offset: i64, max_width: i64) -> Option<String> {
    let len = s.len() as i64;
    let abbrev = "...";
    if max_width < 4 {
        return None;
    }
    if len <= max_width {
        return Some(s.to_string());
    }
    let mut offset = offset.min(len);
    if len - offset < max_width - 3 {
        offset = len - (max_width - 3);
    }
    if offset <= 4 {
        return Some(format!(
            "{}{abbrev}",
            lossy(&s.as_bytes()[..(max_width - 3) as usize])
        ));
    }
    if max_width < 7 {
        return None;
    }
    if offset + max_width - 3 < len {
        let rest = abbreviate(&lossy(&s.as_bytes()[offset as usize..]), 0, max_width - 3)?;
        return Some(format!("{abbrev}{rest}"));
    }
    Some(format!(
        "{abbrev}{}",
        lossy(&s.as_bytes()[(len - (max_width - 3)) as usize..])
    ))
}

pub fn abbrev(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("abbrev", a, 2)?;
    let w = int(&a[0])?;
    Ok(text(abbreviate(string(&a[1])?, 0, w).unwrap_or_default()))
}

pub fn abbrevboth(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("abbrevboth", a, 3)?;
    let (l, r) = (int(&a[0])?, int(&a[1])?);
    Ok(text(abbreviate(string(&a[2])?, l, r).unwrap_or_default()))
}

pub fn initials(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("initials", a, 1)?;
    let mut out = String::new();
    let mut after_space = true;
    for c in string(&a[0])?.chars() {
        if c.is_whitespace() {
            after_space = true;
        } else if after_space {
            out.push(c);
            after_space = false;
        }
    }
    Ok(text(out))
}

/// goutils `WrapCustom`.
fn wrap_custom(s: &str, width: i64, newline: &str, wrap_long: bool) -> String {
    if s.is_empty() {
        return String::new();
    }
    let newline = if newline.is_empty() { "\n" } else { newline };
    let width = width.max(1) as usize;
    let b = s.as_bytes();
    let len = b.len();
    let mut offset = 0;
    let mut out: Vec<u8> = Vec::with_capacity(len + 16);
    while len - offset > width {
        if b[offset] == b' ' {
            offset += 1;
            continue;
        }
        let end = (width + offset + 1).min(len);
        let space = b[offset..end].iter().rposition(|&c| c == b' ');
        if let Some(sp) = space {
            let at = sp + offset;
            out.extend_from_slice(&b[offset..at]);
            out.extend_from_slice(newline.as_bytes());
            offset = at + 1;
        } else if wrap_long {
            let end = width + offset;
            out.extend_from_slice(&b[offset..end]);
            out.extend_from_slice(newline.as_bytes());
            offset += width;
        } else {
            let end = width + offset;
            match b[end..].iter().position(|&c| c == b' ') {
                None => {
                    out.extend_from_slice(&b[offset..]);
                    offset = len;
                }
                Some(i) => {
                    let at = i + end;
                    out.extend_from_slice(&b[offset..at]);
                    out.extend_from_slice(newline.as_bytes());
                    offset = at + 1;
                }
            }
        }
    }
    out.extend_from_slice(&b[offset.min(len)..]);
    lossy(&out)
}

pub fn wrap(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("wrap", a, 2)?;
    Ok(text(wrap_custom(string(&a[1])?, int(&a[0])?, "", false)))
}

pub fn wrap_with(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("wrapWith", a, 3)?;
    Ok(text(wrap_custom(
        string(&a[2])?,
        int(&a[0])?,
        string(&a[1])?,
        true,
    )))
}

pub fn swapcase(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("swapcase", a, 1)?;
    let mut out = String::new();
    for c in string(&a[0])?.chars() {
        if c.is_uppercase() {
            out.extend(c.to_lowercase());
        } else if c.is_lowercase() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
    }
    Ok(text(out))
}

/// Splits an identifier into words much as xstrings does: at non-alphanumeric
/// characters, before an upper-case letter that follows a lower-case one or a
/// digit, before digits that follow a capital, and before the last capital of
/// an acronym followed by lower case. (xstrings keeps punctuation and runs of
/// `_`; this drops them.)
fn words(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut words = Vec::new();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if let Some(&prev) = i.checked_sub(1).and_then(|p| chars.get(p))
            && !cur.is_empty()
            && c.is_uppercase()
        {
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_numeric() || (prev.is_uppercase() && next_lower) {
                words.push(std::mem::take(&mut cur));
            }
        }
        if c.is_numeric() && !cur.is_empty() && cur.chars().last().is_some_and(char::is_uppercase) {
            words.push(std::mem::take(&mut cur));
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

fn join_lower(s: &str, sep: &str) -> String {
    words(s)
        .iter()
        .map(|w| w.to_lowercase())
        .collect::<Vec<_>>()
        .join(sep)
}

pub fn snakecase(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("snakecase", a, 1)?;
    Ok(text(join_lower(string(&a[0])?, "_")))
}

pub fn kebabcase(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("kebabcase", a, 1)?;
    Ok(text(join_lower(string(&a[0])?, "-")))
}

/// xstrings `ToCamelCase`: a `_`, `-` or space before a letter or digit is
/// dropped and that character capitalised; a leading one, or one followed by
/// another separator, is kept.
pub fn camelcase(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("camelcase", a, 1)?;
    let chars: Vec<char> = string(&a[0])?.chars().collect();
    let mut out = String::new();
    let mut upper_next = true;
    for (i, &c) in chars.iter().enumerate() {
        if matches!(c, '_' | '-' | ' ') {
            let next_alnum = chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
            if i == 0 || !next_alnum {
                out.push(if c == ' ' { ' ' } else { '_' });
            }
            upper_next = true;
            continue;
        }
        if upper_next {
            out.extend(c.to_uppercase());
            upper_next = false;
        } else {
            out.push(c);
        }
    }
    Ok(text(out))
}

pub fn shuffle(cx: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("shuffle", a, 1)?;
    let mut chars: Vec<char> = string(&a[0])?.chars().collect();
    for i in (1..chars.len()).rev() {
        let j = (cx.next_u64() % (i as u64 + 1)) as usize;
        chars.swap(i, j);
    }
    Ok(text(chars.into_iter().collect()))
}

/// Go's `strings.Split`: an empty separator splits into characters.
pub fn go_split(s: &str, sep: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    let limit = if n < 0 { usize::MAX } else { n as usize };
    if sep.is_empty() {
        let chars: Vec<char> = s.chars().collect();
        let mut out: Vec<String> = Vec::new();
        for (i, c) in chars.iter().enumerate() {
            if out.len() + 1 == limit {
                out.push(chars[i..].iter().collect());
                return out;
            }
            out.push(c.to_string());
        }
        return out;
    }
    s.splitn(limit, sep).map(str::to_string).collect()
}

fn split_map(parts: Vec<String>) -> Value {
    Value::map(
        parts
            .into_iter()
            .enumerate()
            .map(|(i, p)| (format!("_{i}"), Value::str(p)))
            .collect(),
    )
}

pub fn split(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("split", a, 2)?;
    Ok(split_map(go_split(string(&a[1])?, string(&a[0])?, -1)))
}

pub fn splitn(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("splitn", a, 3)?;
    let n = int(&a[1])?;
    Ok(split_map(go_split(string(&a[2])?, string(&a[0])?, n)))
}

pub fn split_list(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("splitList", a, 2)?;
    let parts = go_split(string(&a[1])?, string(&a[0])?, -1);
    Ok(Value::list(parts.into_iter().map(Value::str).collect()))
}

/// Sprig's `strslice`: the items of a list as strings, nils dropped; any
/// other value as a one-item list.
pub fn strslice(v: &Value) -> Vec<String> {
    match v {
        Value::List(l) => l
            .borrow()
            .iter()
            .filter(|i| !i.is_nil())
            .map(strval)
            .collect(),
        Value::Nil => Vec::new(),
        other => vec![strval(other)],
    }
}

pub fn join(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("join", a, 2)?;
    let sep = string(&a[0])?;
    Ok(text(strslice(&a[1]).join(sep)))
}

pub fn to_strings(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("toStrings", a, 1)?;
    Ok(Value::list(
        strslice(&a[0]).into_iter().map(Value::str).collect(),
    ))
}

pub fn sort_alpha(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("sortAlpha", a, 1)?;
    let mut items = match &a[0] {
        Value::List(_) => strslice(&a[0]),
        other => vec![strval(other)],
    };
    items.sort();
    Ok(Value::list(items.into_iter().map(Value::str).collect()))
}

pub fn to_string(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("toString", a, 1)?;
    match &a[0] {
        Value::Str(_) => Ok(a[0].clone()),
        other => Ok(text(strval(other))),
    }
}

pub fn base(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("base", a, 1)?;
    let p = string(&a[0])?;
    if p.is_empty() {
        return Ok(Value::str("."));
    }
    let trimmed = p.trim_end_matches('/');
    if trimmed.is_empty() {
        return Ok(Value::str("/"));
    }
    Ok(Value::str(trimmed.rsplit('/').next().unwrap_or(trimmed)))
}

/// Go's `path.Clean`.
pub fn clean_path(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

pub fn clean(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("clean", a, 1)?;
    Ok(text(clean_path(string(&a[0])?)))
}

pub fn dir(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("dir", a, 1)?;
    let p = string(&a[0])?;
    let head = match p.rfind('/') {
        Some(i) => &p[..=i],
        None => "",
    };
    Ok(text(clean_path(head)))
}

pub fn ext(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("ext", a, 1)?;
    let p = string(&a[0])?;
    let last = p.rsplit('/').next().unwrap_or(p);
    Ok(Value::str(last.rfind('.').map_or("", |i| &last[i..])))
}

pub fn is_abs(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("isAbs", a, 1)?;
    Ok(Value::Bool(string(&a[0])?.starts_with('/')))
}

/// `seq`: like Unix seq, numbers joined by spaces.
pub fn seq(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    let p: Vec<i64> = a.iter().map(int).collect::<Result<_, _>>()?;
    let list = match p.as_slice() {
        [end] => {
            let inc = if *end < 1 { -1 } else { 1 };
            super::lists::until_step(1, end.saturating_add(inc), inc)?
        }
        [start, end] => {
            let step = if end < start { -1 } else { 1 };
            super::lists::until_step(*start, end.saturating_add(step), step)?
        }
        [start, step, end] => {
            let inc = if end < start {
                if *step > 0 {
                    return Ok(Value::str(""));
                }
                -1
            } else {
                1
            };
            super::lists::until_step(*start, end.saturating_add(inc), *step)?
        }
        _ => return Ok(Value::str("")),
    };
    Ok(text(
        list.iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(" "),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::helm::value::Origin;

    fn call(f: crate::helm::value::Func, args: &[Value]) -> String {
        let mut cx = FuncCx::default();
        match f(&mut cx, args) {
            Ok(v) => v.go_string(),
            Err(e) => format!("ERR {e}"),
        }
    }

    fn s(t: &str) -> Value {
        Value::str(t)
    }

    #[test]
    fn strings_match_sprig() {
        assert_eq!(call(trunc, &[Value::Int(-3), s("abcdef")]), "def");
        assert_eq!(call(trunc, &[Value::Int(3), s("abcdef")]), "abc");
        assert_eq!(call(trunc, &[Value::Int(-9), s("abc")]), "abc");
        assert_eq!(
            call(
                quote,
                &[Value::Int(1), Value::Nil, s("a\"b"), Value::Float(1.5)]
            ),
            r#""1" "a\"b" "1.5""#
        );
        assert_eq!(
            call(squote, &[s("a"), Value::Nil, Value::Bool(true)]),
            "'a' 'true'"
        );
        assert_eq!(call(cat, &[s("a"), Value::Nil, Value::Int(2)]), "a 2");
        assert_eq!(
            call(nindent, &[Value::Int(2), s("a\n\nb")]),
            "\n  a\n  \n  b"
        );
        assert_eq!(call(indent, &[Value::Int(1), s("")]), " ");
        assert_eq!(call(title, &[s("hello wORLD-x_y")]), "Hello WORLD-X_y");
        assert_eq!(call(untitle, &[s("Hello World")]), "hello world");
        assert_eq!(
            call(substr, &[Value::Int(1), Value::Int(3), s("abcd")]),
            "bc"
        );
        assert_eq!(
            call(substr, &[Value::Int(-1), Value::Int(2), s("abcd")]),
            "ab"
        );
        assert_eq!(
            call(substr, &[Value::Int(1), Value::Int(-1), s("abcd")]),
            "bcd"
        );
        assert!(call(substr, &[Value::Int(5), Value::Int(9), s("abcd")]).starts_with("ERR"));
        assert_eq!(call(abbrev, &[Value::Int(5), s("hello world")]), "he...");
        assert_eq!(
            call(
                abbrevboth,
                &[Value::Int(5), Value::Int(10), s("1234 5678 9123")]
            ),
            "...5678..."
        );
        assert_eq!(call(initials, &[s("First Try")]), "FT");
        assert_eq!(
            call(wrap, &[Value::Int(5), s("Hello World")]),
            "Hello\nWorld"
        );
        assert_eq!(
            call(wrap_with, &[Value::Int(5), s("\t"), s("Hello World")]),
            "Hello\tWorld"
        );
        assert_eq!(call(snakecase, &[s("FirstName")]), "first_name");
        assert_eq!(call(snakecase, &[s("HTTPServer")]), "http_server");
        assert_eq!(call(kebabcase, &[s("FirstName")]), "first-name");
        assert_eq!(call(camelcase, &[s("http_server")]), "HttpServer");
        assert_eq!(call(camelcase, &[s("_complex__case_")]), "_Complex_Case_");
        assert_eq!(call(camelcase, &[s("some-words here")]), "SomeWordsHere");
        assert_eq!(call(snakecase, &[s("firstName2Last")]), "first_name2_last");
        assert_eq!(call(snakecase, &[s("aB_c")]), "a_b_c");
        assert_eq!(call(snakecase, &[s("ABC123def")]), "abc_123def");
        assert_eq!(call(snakecase, &[s("a1B")]), "a1_b");
        assert_eq!(call(kebabcase, &[s("HTTPServer2Go")]), "http-server2-go");
        assert_eq!(call(kebabcase, &[s("my_var Name")]), "my-var-name");
        assert_eq!(call(untitle, &[s("Hello World ÄB")]), "hello world äB");
        assert_eq!(call(title, &[s("1st ñu")]), "1st Ñu");
        assert_eq!(
            call(wrap, &[Value::Int(10), s("a verylongwordhere b")]),
            "a\nverylongwordhere\nb"
        );
        assert_eq!(
            call(wrap_with, &[Value::Int(4), s("-"), s("abcdefghij")]),
            "abcd-efgh-ij"
        );
        assert_eq!(call(quote, &[s("é\t\u{1}")]), "\"é\\t\\x01\"");
        assert_eq!(call(quote, &[s("😀")]), "\"😀\"");
        assert_eq!(call(quote, &[]), "");
        assert_eq!(call(swapcase, &[s("This Is")]), "tHIS iS");
        assert_eq!(call(split, &[s("$"), s("a$b")]), "map[_0:a _1:b]");
        assert_eq!(
            call(splitn, &[s("$"), Value::Int(2), s("a$b$c")]),
            "map[_0:a _1:b$c]"
        );
        assert_eq!(call(split_list, &[s(""), s("ab")]), "[a b]");
        assert_eq!(call(trim_all, &[s("$"), s("$5.00$")]), "5.00");
        assert_eq!(call(trim_suffix, &[s("-"), s("a-")]), "a");
        assert_eq!(call(replace, &[s(""), s("x"), s("ab")]), "xaxbx");
        assert_eq!(call(plural, &[s("one"), s("many"), Value::Int(2)]), "many");
        assert_eq!(call(seq, &[Value::Int(3)]), "1 2 3");
        assert_eq!(call(seq, &[Value::Int(0)]), "1 0");
        assert_eq!(call(seq, &[Value::Int(2), Value::Int(-2)]), "2 1 0 -1 -2");
        assert_eq!(
            call(seq, &[Value::Int(0), Value::Int(2), Value::Int(10)]),
            "0 2 4 6 8 10"
        );
        assert_eq!(
            call(seq, &[Value::Int(0), Value::Int(-2), Value::Int(-5)]),
            "0 -2 -4"
        );
        assert_eq!(call(nospace, &[s(" a b\tc ")]), "abc");
        assert_eq!(call(base, &[s("a/b.txt")]), "b.txt");
        assert_eq!(call(dir, &[s("a/b/c")]), "a/b");
        assert_eq!(call(ext, &[s("a/b.tar.gz")]), ".gz");
        assert_eq!(call(clean, &[s("a//b/../c/")]), "a/c");
        assert_eq!(
            call(
                sort_alpha,
                &[Value::list(vec![s("b"), Value::Int(1), s("a")])]
            ),
            "[1 a b]"
        );
        assert_eq!(
            call(
                join,
                &[s(","), Value::list(vec![s("a"), Value::Nil, Value::Int(1)])]
            ),
            "a,1"
        );
        assert!(call(repeat, &[Value::Int(-1), s("a")]).contains("negative"));
        assert!(call(repeat, &[Value::Int(1 << 40), s("a")]).contains("limit"));
    }

    #[test]
    fn indent_shifts_segments() {
        let src = Str::with_segments(
            "a: 1\nb: 2",
            vec![
                Segment {
                    start: 0,
                    end: 4,
                    origin: Origin(1),
                },
                Segment {
                    start: 5,
                    end: 9,
                    origin: Origin(2),
                },
            ],
        );
        let mut cx = FuncCx::default();
        let out = nindent(&mut cx, &[Value::Int(2), Value::Str(src)]).unwrap();
        let Value::Str(out) = out else { panic!() };
        assert_eq!(out.as_str(), "\n  a: 1\n  b: 2");
        let spans: Vec<&str> = out
            .segments
            .iter()
            .map(|s| &out.as_str()[s.start as usize..s.end as usize])
            .collect();
        assert_eq!(spans, ["a: 1", "b: 2"]);
        let trimmed = trim(&mut cx, &[Value::Str(out)]).unwrap();
        let Value::Str(t) = trimmed else { panic!() };
        assert_eq!(
            &t.as_str()[t.segments[1].start as usize..t.segments[1].end as usize],
            "b: 2"
        );
    }
}
