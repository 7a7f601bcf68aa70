//! Go's `fmt` for template values: `Sprint`, `Sprintln` and `Sprintf` with
//! the verbs, flags, widths and precisions charts use, and Go's texts for
//! mistakes (`%!d(string=x)`, `%!s(MISSING)`, `%!(EXTRA int=2)`).

use std::fmt::Write as _;

use super::lex::go_quote;
use crate::helm::value::{Value, format_float_g};

/// `fmt.Sprint`: a space between operands when neither is a string.
pub fn go_sprint(args: &[Value]) -> String {
    let mut out = String::new();
    let mut prev_string = false;
    for (i, a) in args.iter().enumerate() {
        let is_string = matches!(a, Value::Str(_));
        if i > 0 && !is_string && !prev_string {
            out.push(' ');
        }
        out.push_str(&a.go_string());
        prev_string = is_string;
    }
    out
}

/// `fmt.Sprintln`: spaces between all operands and a newline.
pub fn go_sprintln(args: &[Value]) -> String {
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&a.go_string());
    }
    out.push('\n');
    out
}

#[derive(Clone, Copy, Default)]
struct Spec {
    plus: bool,
    minus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    width: Option<usize>,
    prec: Option<usize>,
}

/// `fmt.Sprintf`.
pub fn go_sprintf(format: &str, args: &[Value]) -> String {
    let mut out = String::new();
    let mut argn = 0usize;
    let mut reordered = false;
    let mut chars = format.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = Spec::default();
        while let Some(&(_, f)) = chars.peek() {
            match f {
                '#' => spec.sharp = true,
                '0' => spec.zero = !spec.minus,
                '+' => spec.plus = true,
                '-' => {
                    spec.minus = true;
                    spec.zero = false;
                }
                ' ' => spec.space = true,
                _ => break,
            }
            chars.next();
        }
        // An explicit argument index: `%[2]s`.
        let mut bad_index = false;
        if chars.peek().map(|p| p.1) == Some('[') {
            chars.next();
            reordered = true;
            let n = read_num(&mut chars);
            match (n, chars.next()) {
                (Some(n), Some((_, ']'))) if n >= 1 && n <= args.len() => argn = n - 1,
                _ => bad_index = true,
            }
        }
        // Width.
        if chars.peek().map(|p| p.1) == Some('*') {
            chars.next();
            match args.get(argn) {
                Some(Value::Int(n) | Value::Int64(n)) => {
                    if *n < 0 {
                        spec.minus = true;
                        spec.zero = false;
                    }
                    spec.width = Some(n.unsigned_abs() as usize);
                }
                _ => out.push_str("%!(BADWIDTH)"),
            }
            argn += 1;
        } else {
            spec.width = read_num(&mut chars);
        }
        // Precision.
        if chars.peek().map(|p| p.1) == Some('.') {
            chars.next();
            if chars.peek().map(|p| p.1) == Some('*') {
                chars.next();
                match args.get(argn) {
                    Some(Value::Int(n) | Value::Int64(n)) if *n >= 0 => {
                        spec.prec = Some(*n as usize)
                    }
                    _ => out.push_str("%!(BADPREC)"),
                }
                argn += 1;
            } else {
                spec.prec = Some(read_num(&mut chars).unwrap_or(0));
            }
        }
        let Some((_, verb)) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        if bad_index {
            let _ = write!(out, "%!{verb}(BADINDEX)");
            continue;
        }
        let Some(arg) = args.get(argn) else {
            let _ = write!(out, "%!{verb}(MISSING)");
            continue;
        };
        argn += 1;
        format_arg(&mut out, arg, verb, &spec, 0);
    }
    if !reordered && argn < args.len() {
        out.push_str("%!(EXTRA ");
        for (i, a) in args[argn..].iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            if a.is_nil() {
                out.push_str("<nil>");
            } else {
                let _ = write!(out, "{}={}", a.type_name(), a.go_string());
            }
        }
        out.push(')');
    }
    out
}

fn read_num(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>) -> Option<usize> {
    let mut n: Option<usize> = None;
    while let Some(&(_, d)) = chars.peek() {
        let Some(v) = d.to_digit(10) else { break };
        n = Some(
            n.unwrap_or(0)
                .saturating_mul(10)
                .saturating_add(v as usize)
                .min(1_000_000),
        );
        chars.next();
    }
    n
}

fn bad_verb(out: &mut String, arg: &Value, verb: char) {
    if arg.is_nil() {
        let _ = write!(out, "%!{verb}(<nil>)");
    } else {
        let _ = write!(out, "%!{verb}({}={})", arg.type_name(), arg.go_string());
    }
}

fn pad(out: &mut String, s: &str, spec: &Spec, zero_ok: bool) {
    let len = s.chars().count();
    let width = spec.width.unwrap_or(0);
    if len >= width {
        out.push_str(s);
        return;
    }
    let fill = width - len;
    if spec.minus {
        out.push_str(s);
        out.extend(std::iter::repeat_n(' ', fill));
    } else if spec.zero && zero_ok {
        // Zeros go after a sign.
        let (sign, rest) = match s.as_bytes().first() {
            Some(b'-' | b'+' | b' ') => s.split_at(1),
            _ => ("", s),
        };
        out.push_str(sign);
        out.extend(std::iter::repeat_n('0', fill));
        out.push_str(rest);
    } else {
        out.extend(std::iter::repeat_n(' ', fill));
        out.push_str(s);
    }
}

fn format_arg(out: &mut String, arg: &Value, verb: char, spec: &Spec, depth: usize) {
    if verb == 'T' {
        pad(out, &arg.type_name(), spec, false);
        return;
    }
    match arg {
        Value::Nil => {
            if verb == 'v' || depth > 0 {
                pad(out, "<nil>", spec, false);
            } else {
                bad_verb(out, arg, verb);
            }
        }
        Value::Bool(b) => match verb {
            'v' | 't' => pad(out, if *b { "true" } else { "false" }, spec, false),
            _ => bad_verb(out, arg, verb),
        },
        Value::Int(n) | Value::Int64(n) => format_int(out, arg, *n, verb, spec),
        Value::Float(f) => format_float(out, arg, *f, verb, spec),
        Value::Str(s) => format_string(out, arg, s.as_str(), verb, spec),
        Value::Object(o) => {
            let text = o.display();
            format_string(out, arg, &text, verb, spec)
        }
        Value::List(l) => {
            if spec.sharp && verb == 'v' {
                out.push_str("[]interface {}{");
            } else {
                out.push('[');
            }
            for (i, item) in l.borrow().iter().enumerate() {
                if i > 0 {
                    out.push_str(if spec.sharp && verb == 'v' { ", " } else { " " });
                }
                format_arg(out, item, verb, spec, depth + 1);
            }
            out.push(if spec.sharp && verb == 'v' { '}' } else { ']' });
        }
        Value::Map(m) => {
            out.push_str("map[");
            for (i, (k, v)) in m.borrow().iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                format_string(out, &Value::str(k.as_str()), k, verb, spec);
                out.push(':');
                format_arg(out, v, verb, spec, depth + 1);
            }
            out.push(']');
        }
    }
}

fn format_string(out: &mut String, arg: &Value, s: &str, verb: char, spec: &Spec) {
    let truncated: String;
    let s = match spec.prec {
        Some(p) if matches!(verb, 'v' | 's' | 'q' | 'x' | 'X') => {
            truncated = s.chars().take(p).collect();
            &truncated
        }
        _ => s,
    };
    match verb {
        'v' if spec.sharp => pad(out, &go_quote(s), spec, false),
        'v' | 's' => pad(out, s, spec, false),
        'q' => {
            if spec.sharp && !s.contains('`') {
                pad(out, &format!("`{s}`"), spec, false)
            } else {
                pad(out, &go_quote(s), spec, false)
            }
        }
        'x' | 'X' => {
            let mut hex = String::new();
            for (i, b) in s.bytes().enumerate() {
                if spec.space && i > 0 {
                    hex.push(' ');
                }
                if spec.sharp && (spec.space || i == 0) {
                    hex.push_str(if verb == 'x' { "0x" } else { "0X" });
                }
                if verb == 'x' {
                    let _ = write!(hex, "{b:02x}");
                } else {
                    let _ = write!(hex, "{b:02X}");
                }
            }
            pad(out, &hex, spec, false)
        }
        _ => bad_verb(out, arg, verb),
    }
}

fn format_int(out: &mut String, arg: &Value, n: i64, verb: char, spec: &Spec) {
    let neg = n < 0;
    let u = n.unsigned_abs();
    let mut digits = match verb {
        'v' | 'd' => u.to_string(),
        'b' => format!("{u:b}"),
        'o' | 'O' => format!("{u:o}"),
        'x' => format!("{u:x}"),
        'X' => format!("{u:X}"),
        'c' => {
            let c = char::from_u32(n as u32).unwrap_or('\u{fffd}');
            return pad(out, &c.to_string(), spec, false);
        }
        'q' => {
            let c = char::from_u32(n as u32).unwrap_or('\u{fffd}');
            let q = go_quote(&c.to_string());
            let inner = &q[1..q.len() - 1];
            let inner = if inner == "\\\"" {
                "\""
            } else if c == '\'' {
                "\\'"
            } else {
                inner
            };
            return pad(out, &format!("'{inner}'"), spec, false);
        }
        'U' => {
            let mut s = format!("U+{u:04X}");
            if spec.sharp
                && let Some(c) = char::from_u32(n as u32)
                && super::lex::is_go_printable(c)
            {
                let _ = write!(s, " '{c}'");
            }
            return pad(out, &s, spec, false);
        }
        _ => return bad_verb(out, arg, verb),
    };
    if let Some(p) = spec.prec {
        if p == 0 && u == 0 {
            digits.clear();
        }
        while digits.len() < p {
            digits.insert(0, '0');
        }
    }
    let prefix = match verb {
        'O' => "0o",
        'o' if spec.sharp && !digits.starts_with('0') => "0",
        'x' if spec.sharp => "0x",
        'X' if spec.sharp => "0X",
        'b' if spec.sharp => "0b",
        _ => "",
    };
    let sign = if neg {
        "-"
    } else if spec.plus {
        "+"
    } else if spec.space {
        " "
    } else {
        ""
    };
    let body = format!("{prefix}{digits}");
    let zero_ok = spec.prec.is_none();
    if spec.zero && zero_ok && !spec.minus {
        let width = spec.width.unwrap_or(0);
        let len = sign.len() + body.len();
        out.push_str(sign);
        if width > len {
            out.extend(std::iter::repeat_n('0', width - len));
        }
        out.push_str(&body);
        return;
    }
    pad(out, &format!("{sign}{body}"), spec, false);
}

/// Decimal digits of `f` (no sign) and the decimal point position: the
/// value is 0.d1d2… × 10^dp. With `sig`, rounded to that many significant digits.
fn decimal(f: f64, sig: Option<usize>) -> (String, i32) {
    let s = match sig {
        Some(p) => format!("{:.*e}", p.max(1) - 1, f.abs()),
        None => format!("{:e}", f.abs()),
    };
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    while digits.len() > 1 && digits.ends_with('0') {
        digits.pop();
    }
    if digits == "0" {
        return (digits, 1);
    }
    (digits, exp + 1)
}

fn fmt_e(digits: &str, dp: i32, prec: usize, upper: bool) -> String {
    let mut s = String::new();
    let mut ds: Vec<char> = digits.chars().collect();
    while ds.len() < prec + 1 {
        ds.push('0');
    }
    s.push(ds[0]);
    if prec > 0 {
        s.push('.');
        s.extend(&ds[1..=prec]);
    }
    let exp = if digits == "0" { 0 } else { dp - 1 };
    let _ = write!(
        s,
        "{}{}{:02}",
        if upper { 'E' } else { 'e' },
        if exp < 0 { '-' } else { '+' },
        exp.abs()
    );
    s
}

fn fmt_f(digits: &str, dp: i32, prec: usize) -> String {
    let mut s = String::new();
    let ds: Vec<char> = digits.chars().collect();
    if dp > 0 {
        for i in 0..dp as usize {
            s.push(*ds.get(i).unwrap_or(&'0'));
        }
    } else {
        s.push('0');
    }
    if prec > 0 {
        s.push('.');
        for i in 0..prec as i32 {
            let j = dp + i;
            s.push(if j < 0 {
                '0'
            } else {
                *ds.get(j as usize).unwrap_or(&'0')
            });
        }
    }
    s
}

/// `strconv.FormatFloat(f, verb, prec, 64)` for finite `f`, without sign.
fn float_body(f: f64, verb: char, prec: Option<usize>) -> String {
    match verb {
        'e' | 'E' => {
            let p = prec.unwrap_or(6);
            let (d, dp) = decimal(f, Some(p + 1));
            fmt_e(&d, dp, p, verb == 'E')
        }
        'f' | 'F' => format!("{:.*}", prec.unwrap_or(6), f.abs()),
        _ => {
            let upper = verb == 'G';
            let shortest = prec.is_none();
            let (d, dp) = decimal(f, prec.map(|p| p.max(1)));
            let nd = d.len() as i32;
            let mut p = prec.map_or(nd, |p| p.max(1) as i32);
            let mut eprec = p;
            if eprec > nd && nd >= dp {
                eprec = nd;
            }
            if shortest {
                eprec = 6;
            }
            let exp = dp - 1;
            if d != "0" && (exp < -4 || exp >= eprec) {
                if p > nd {
                    p = nd;
                }
                return fmt_e(&d, dp, (p - 1).max(0) as usize, upper);
            }
            if p > dp {
                p = nd;
            }
            fmt_f(&d, dp, (p - dp).max(0) as usize)
        }
    }
}

fn format_float(out: &mut String, arg: &Value, f: f64, verb: char, spec: &Spec) {
    if !matches!(verb, 'v' | 'e' | 'E' | 'f' | 'F' | 'g' | 'G') {
        return bad_verb(out, arg, verb);
    }
    let body = if f.is_nan() {
        "NaN".to_string()
    } else if f.is_infinite() {
        "Inf".to_string()
    } else if verb == 'v' && spec.prec.is_none() {
        format_float_g(f.abs())
    } else {
        float_body(f, if verb == 'v' { 'g' } else { verb }, spec.prec)
    };
    let sign = if f.is_sign_negative() && !f.is_nan() {
        "-"
    } else if spec.plus || f.is_infinite() {
        "+"
    } else if spec.space {
        " "
    } else {
        ""
    };
    let s = format!("{sign}{body}");
    pad(out, &s, spec, f.is_finite());
}
