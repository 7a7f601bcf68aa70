//! Sprig's date functions over a fixed clock (`FuncCx::clock`), in UTC:
//! `Local` and named zones are read as UTC, so renders do not depend on the
//! machine.

use std::rc::Rc;

use super::args::{string, to_i64, want};
use crate::helm::value::{FuncCx, GoObject, Value};

/// A Go `time.Time` in UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Time {
    pub secs: i64,
    pub nanos: u32,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// Days since 1970-01-01 → (year, month 1-12, day 1-31).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// (year, month, day) → days since 1970-01-01.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

struct Parts {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    weekday: usize,
    yday: u32,
}

impl Time {
    fn parts(self) -> Parts {
        let days = self.secs.div_euclid(86_400);
        let rem = self.secs.rem_euclid(86_400);
        let (year, month, day) = civil(days);
        Parts {
            year,
            month,
            day,
            hour: (rem / 3600) as u32,
            minute: (rem / 60 % 60) as u32,
            second: (rem % 60) as u32,
            weekday: (days + 4).rem_euclid(7) as usize,
            yday: (days - days_from_civil(year, 1, 1) + 1) as u32,
        }
    }

    /// `Time.Format(layout)` for a UTC time.
    pub fn format(self, layout: &str) -> String {
        let p = self.parts();
        let mut out = String::new();
        let mut rest = layout;
        while !rest.is_empty() {
            let (token, len) = next_token(rest);
            let Some(token) = token else {
                let c = rest.chars().next().unwrap_or(' ');
                out.push(c);
                rest = &rest[c.len_utf8()..];
                continue;
            };
            rest = &rest[len..];
            match token {
                Tok::LongYear => out.push_str(&format!("{:04}", p.year)),
                Tok::Year => out.push_str(&format!("{:02}", p.year.rem_euclid(100))),
                Tok::LongMonth => out.push_str(MONTHS[(p.month - 1) as usize]),
                Tok::Month => out.push_str(&MONTHS[(p.month - 1) as usize][..3]),
                Tok::ZeroMonth => out.push_str(&format!("{:02}", p.month)),
                Tok::NumMonth => out.push_str(&p.month.to_string()),
                Tok::LongWeekDay => out.push_str(DAYS[p.weekday]),
                Tok::WeekDay => out.push_str(&DAYS[p.weekday][..3]),
                Tok::Day => out.push_str(&p.day.to_string()),
                Tok::UnderDay => out.push_str(&format!("{:>2}", p.day)),
                Tok::ZeroDay => out.push_str(&format!("{:02}", p.day)),
                Tok::ZeroYearDay => out.push_str(&format!("{:03}", p.yday)),
                Tok::Hour => out.push_str(&format!("{:02}", p.hour)),
                Tok::Hour12 => out.push_str(
                    &(if p.hour.is_multiple_of(12) {
                        12
                    } else {
                        p.hour % 12
                    })
                    .to_string(),
                ),
                Tok::ZeroHour12 => out.push_str(&format!(
                    "{:02}",
                    if p.hour.is_multiple_of(12) {
                        12
                    } else {
                        p.hour % 12
                    }
                )),
                Tok::Minute => out.push_str(&p.minute.to_string()),
                Tok::ZeroMinute => out.push_str(&format!("{:02}", p.minute)),
                Tok::Second => out.push_str(&p.second.to_string()),
                Tok::ZeroSecond => out.push_str(&format!("{:02}", p.second)),
                Tok::PM => out.push_str(if p.hour >= 12 { "PM" } else { "AM" }),
                Tok::Pm => out.push_str(if p.hour >= 12 { "pm" } else { "am" }),
                Tok::Zone => out.push_str("UTC"),
                Tok::IsoZ => out.push('Z'),
                Tok::NumZone(s) => out.push_str(s),
                Tok::Frac { digits, trim, sep } => {
                    let f = format!("{:09}", self.nanos);
                    let mut f = f[..digits.min(9)].to_string();
                    if trim {
                        while f.ends_with('0') {
                            f.pop();
                        }
                        if !f.is_empty() {
                            out.push(sep);
                            out.push_str(&f);
                        }
                    } else {
                        out.push(sep);
                        out.push_str(&f);
                    }
                }
            }
        }
        out
    }
}

#[derive(Clone, Copy, Debug)]
enum Tok {
    LongYear,
    Year,
    LongMonth,
    Month,
    ZeroMonth,
    NumMonth,
    LongWeekDay,
    WeekDay,
    Day,
    UnderDay,
    ZeroDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    PM,
    Pm,
    Zone,
    IsoZ,
    NumZone(&'static str),
    Frac {
        digits: usize,
        trim: bool,
        sep: char,
    },
}

/// The layout element at the start of `s`, as Go's `nextStdChunk` sees it.
fn next_token(s: &str) -> (Option<Tok>, usize) {
    const TABLE: &[(&str, Tok)] = &[
        ("January", Tok::LongMonth),
        ("Jan", Tok::Month),
        ("Monday", Tok::LongWeekDay),
        ("Mon", Tok::WeekDay),
        ("MST", Tok::Zone),
        ("2006", Tok::LongYear),
        ("002", Tok::ZeroYearDay),
        ("01", Tok::ZeroMonth),
        ("02", Tok::ZeroDay),
        ("03", Tok::ZeroHour12),
        ("04", Tok::ZeroMinute),
        ("05", Tok::ZeroSecond),
        ("06", Tok::Year),
        ("15", Tok::Hour),
        ("_2", Tok::UnderDay),
        ("Z07:00:00", Tok::IsoZ),
        ("Z07:00", Tok::IsoZ),
        ("Z0700", Tok::IsoZ),
        ("Z07", Tok::IsoZ),
        ("-07:00:00", Tok::NumZone("+00:00:00")),
        ("-07:00", Tok::NumZone("+00:00")),
        ("-0700", Tok::NumZone("+0000")),
        ("-07", Tok::NumZone("+00")),
        ("PM", Tok::PM),
        ("pm", Tok::Pm),
        ("1", Tok::NumMonth),
        ("2", Tok::Day),
        ("3", Tok::Hour12),
        ("4", Tok::Minute),
        ("5", Tok::Second),
    ];
    let b = s.as_bytes();
    if matches!(b.first(), Some(b'.' | b',')) && b.len() > 1 && matches!(b[1], b'0' | b'9') {
        let digit = b[1];
        let mut n = 1;
        while n < b.len() && b[n] == digit {
            n += 1;
        }
        // Only a fraction when not followed by another digit.
        if !(n < b.len() && b[n].is_ascii_digit()) {
            return (
                Some(Tok::Frac {
                    digits: n - 1,
                    trim: digit == b'9',
                    sep: b[0] as char,
                }),
                n,
            );
        }
    }
    for (text, tok) in TABLE {
        if let Some(after) = s.strip_prefix(text) {
            // "Mon" not followed by a lower-case letter (Monday handled first);
            // "Jan" likewise.
            if matches!(tok, Tok::Month | Tok::WeekDay)
                && after.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
            {
                continue;
            }
            return (Some(*tok), text.len());
        }
    }
    (None, 0)
}

/// How `encoding/json` writes a time (RFC 3339 with nanoseconds).
pub fn rfc3339(t: Time) -> String {
    t.format("2006-01-02T15:04:05.999999999Z07:00")
}

/// `time.Time.String()` in UTC.
fn go_time_string(t: Time) -> String {
    t.format("2006-01-02 15:04:05.999999999 -0700 MST")
}

#[derive(Debug)]
pub struct TimeObject(pub Time);

impl GoObject for TimeObject {
    fn type_name(&self) -> &str {
        "time.Time"
    }

    fn field(&self, name: &str) -> Option<Value> {
        let t = self.0;
        let p = t.parts();
        Some(match name {
            "Unix" => Value::Int64(t.secs),
            "UnixNano" => Value::Int64(t.secs.saturating_mul(1_000_000_000) + i64::from(t.nanos)),
            "Year" => Value::Int(p.year),
            "Month" => Value::str(MONTHS[(p.month - 1) as usize]),
            "Day" => Value::Int(i64::from(p.day)),
            "Hour" => Value::Int(i64::from(p.hour)),
            "Minute" => Value::Int(i64::from(p.minute)),
            "Second" => Value::Int(i64::from(p.second)),
            "Nanosecond" => Value::Int(i64::from(t.nanos)),
            "YearDay" => Value::Int(i64::from(p.yday)),
            "Weekday" => Value::str(DAYS[p.weekday]),
            "UTC" | "Local" => Value::Object(Rc::new(TimeObject(t))),
            "String" => Value::str(go_time_string(t)),
            _ => return None,
        })
    }

    fn call(&self, method: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let t = self.0;
        Some(match method {
            "Format" => args
                .first()
                .ok_or_else(|| "wrong number of args for Format: want 1 got 0".to_string())
                .and_then(string)
                .map(|l| Value::str(t.format(l))),
            "Add" => args
                .first()
                .map(to_i64)
                .ok_or_else(|| "wrong number of args for Add: want 1 got 0".to_string())
                .map(|ns| time_value(add_nanos(t, i128::from(ns)))),
            _ => return None,
        })
    }

    fn display(&self) -> String {
        go_time_string(self.0)
    }
}

fn time_value(t: Time) -> Value {
    Value::Object(Rc::new(TimeObject(t)))
}

fn add_nanos(t: Time, ns: i128) -> Time {
    let total = i128::from(t.secs) * 1_000_000_000 + i128::from(t.nanos) + ns;
    Time {
        secs: total
            .div_euclid(1_000_000_000)
            .clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64,
        nanos: total.rem_euclid(1_000_000_000) as u32,
    }
}

/// The time a date argument stands for: a time, Unix seconds as an int, or
/// (as Sprig does for anything else) now.
fn time_arg(cx: &FuncCx, v: &Value) -> Time {
    match v {
        Value::Object(o) if o.type_name() == "time.Time" => o
            .field("UnixNano")
            .map(|n| {
                let n = to_i64(&n);
                Time {
                    secs: n.div_euclid(1_000_000_000),
                    nanos: n.rem_euclid(1_000_000_000) as u32,
                }
            })
            .unwrap_or(Time {
                secs: cx.clock,
                nanos: 0,
            }),
        Value::Int(n) | Value::Int64(n) => Time { secs: *n, nanos: 0 },
        _ => Time {
            secs: cx.clock,
            nanos: 0,
        },
    }
}

pub fn now(cx: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("now", a, 0)?;
    Ok(time_value(Time {
        secs: cx.clock,
        nanos: 0,
    }))
}

pub fn date(cx: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("date", a, 2)?;
    let layout = string(&a[0])?;
    Ok(Value::str(time_arg(cx, &a[1]).format(layout)))
}

pub fn date_in_zone(cx: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("dateInZone", a, 3)?;
    let layout = string(&a[0])?;
    string(&a[2])?;
    Ok(Value::str(time_arg(cx, &a[1]).format(layout)))
}

pub fn html_date(cx: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("htmlDate", a, 1)?;
    Ok(Value::str(time_arg(cx, &a[0]).format("2006-01-02")))
}

pub fn html_date_in_zone(cx: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("htmlDateInZone", a, 2)?;
    Ok(Value::str(time_arg(cx, &a[0]).format("2006-01-02")))
}

pub fn unix_epoch(cx: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("unixEpoch", a, 1)?;
    Ok(Value::str(time_arg(cx, &a[0]).secs.to_string()))
}

/// `time.ParseDuration`, in nanoseconds.
pub fn parse_duration(s: &str) -> Result<i128, String> {
    let err = || format!("time: invalid duration {}", super::strings::go_quote(s));
    let (neg, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(err());
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num = &rest[..num_end];
        if num.is_empty() || num == "." {
            return Err(err());
        }
        let value: f64 = num.parse().map_err(|_| err())?;
        rest = &rest[num_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = match &rest[..unit_end] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            "" => {
                return Err(format!(
                    "time: missing unit in duration {}",
                    super::strings::go_quote(s)
                ));
            }
            other => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    super::strings::go_quote(other),
                    super::strings::go_quote(s)
                ));
            }
        };
        total += value * unit;
        rest = &rest[unit_end..];
    }
    let ns = total.round() as i128;
    Ok(if neg { -ns } else { ns })
}

/// `time.Duration.String()`.
pub fn duration_string(ns: i128) -> String {
    if ns == 0 {
        return "0s".into();
    }
    let neg = ns < 0;
    let u = ns.unsigned_abs();
    let mut out = String::new();
    if u < 1_000_000_000 {
        let (unit, div) = if u < 1_000 {
            ("ns", 1)
        } else if u < 1_000_000 {
            ("µs", 1_000)
        } else {
            ("ms", 1_000_000)
        };
        out.push_str(&frac(u, div));
        out.push_str(unit);
    } else {
        let secs_ns = u % 60_000_000_000;
        let mins = u / 60_000_000_000;
        let (h, m) = (mins / 60, mins % 60);
        if h > 0 {
            out.push_str(&format!("{h}h"));
        }
        if h > 0 || m > 0 {
            out.push_str(&format!("{m}m"));
        }
        out.push_str(&frac(secs_ns, 1_000_000_000));
        out.push('s');
    }
    if neg { format!("-{out}") } else { out }
}

fn frac(v: u128, div: u128) -> String {
    let whole = v / div;
    let mut f = v % div;
    if f == 0 {
        return whole.to_string();
    }
    let mut digits = div.to_string().len() - 1;
    while f.is_multiple_of(10) {
        f /= 10;
        digits -= 1;
    }
    format!("{whole}.{f:0digits$}")
}

pub fn duration(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("duration", a, 1)?;
    // Sprig takes a string or an int64; a Go int (a literal) counts as 0.
    let secs = match &a[0] {
        Value::Str(s) => s.as_str().parse::<i64>().unwrap_or(0),
        Value::Int64(n) => *n,
        _ => 0,
    };
    Ok(Value::str(duration_string(
        i128::from(secs) * 1_000_000_000,
    )))
}

pub fn ago(cx: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("ago", a, 1)?;
    let t = time_arg(cx, &a[0]);
    let ns = (i128::from(cx.clock) - i128::from(t.secs)) * 1_000_000_000 - i128::from(t.nanos);
    let rounded = (ns + 500_000_000).div_euclid(1_000_000_000) * 1_000_000_000;
    Ok(Value::str(duration_string(rounded)))
}

pub fn duration_round(cx: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("durationRound", a, 1)?;
    let ns: i128 = match &a[0] {
        Value::Str(s) => parse_duration(s.as_str()).unwrap_or(0),
        Value::Object(_) => {
            let t = time_arg(cx, &a[0]);
            (i128::from(cx.clock) - i128::from(t.secs)) * 1_000_000_000
        }
        other => i128::from(to_i64(other)),
    };
    let u = ns.unsigned_abs();
    let second = 1_000_000_000u128;
    let (minute, hour) = (60 * second, 3600 * second);
    let (day, month, year) = (24 * hour, 30 * 24 * hour, 365 * 24 * hour);
    let out = if u > year {
        format!("{}y", u / year)
    } else if u > month {
        format!("{}mo", u / month)
    } else if u > day {
        format!("{}d", u / day)
    } else if u > hour {
        format!("{}h", u / hour)
    } else if u > minute {
        format!("{}m", u / minute)
    } else if u > second {
        format!("{}s", u / second)
    } else {
        "0s".into()
    };
    Ok(Value::str(out))
}

pub fn date_modify(cx: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("dateModify", a, 2)?;
    let d = parse_duration(string(&a[0])?);
    let t = time_arg(cx, &a[1]);
    Ok(time_value(match d {
        Ok(ns) => add_nanos(t, ns),
        Err(_) => t,
    }))
}

pub fn must_date_modify(cx: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("mustDateModify", a, 2)?;
    let ns = parse_duration(string(&a[0])?)?;
    Ok(time_value(add_nanos(time_arg(cx, &a[1]), ns)))
}

/// `time.ParseInLocation` for layouts made of numeric elements, month names
/// and UTC zones.
pub fn parse_time(layout: &str, value: &str) -> Result<Time, String> {
    let err = || {
        format!(
            "parsing time {} as {}: cannot parse {} as {}",
            super::strings::go_quote(value),
            super::strings::go_quote(layout),
            super::strings::go_quote(value),
            super::strings::go_quote(layout)
        )
    };
    let (mut year, mut month, mut day, mut hour, mut minute, mut second) =
        (1i64, 1u32, 1u32, 0u32, 0u32, 0u32);
    let mut nanos = 0u32;
    let mut offset: i64 = 0;
    let mut pm: Option<bool> = None;
    let mut rest_l = layout;
    let mut v = value;
    let num = |v: &mut &str, min: usize, max: usize| -> Option<u32> {
        let n = v.bytes().take(max).take_while(u8::is_ascii_digit).count();
        if n < min {
            return None;
        }
        let out = v[..n].parse().ok()?;
        *v = &v[n..];
        Some(out)
    };
    while !rest_l.is_empty() {
        let (tok, len) = next_token(rest_l);
        let Some(tok) = tok else {
            let c = rest_l.chars().next().unwrap_or(' ');
            v = v.strip_prefix(c).ok_or_else(err)?;
            rest_l = &rest_l[c.len_utf8()..];
            continue;
        };
        rest_l = &rest_l[len..];
        match tok {
            Tok::LongYear => year = i64::from(num(&mut v, 4, 4).ok_or_else(err)?),
            Tok::Year => year = 2000 + i64::from(num(&mut v, 2, 2).ok_or_else(err)?),
            Tok::ZeroMonth => month = num(&mut v, 2, 2).ok_or_else(err)?,
            Tok::NumMonth => month = num(&mut v, 1, 2).ok_or_else(err)?,
            Tok::ZeroDay => day = num(&mut v, 2, 2).ok_or_else(err)?,
            Tok::Day | Tok::UnderDay => {
                v = v.trim_start_matches(' ');
                day = num(&mut v, 1, 2).ok_or_else(err)?;
            }
            Tok::Hour => hour = num(&mut v, 2, 2).ok_or_else(err)?,
            Tok::Hour12 | Tok::ZeroHour12 => hour = num(&mut v, 1, 2).ok_or_else(err)?,
            Tok::Minute | Tok::ZeroMinute => minute = num(&mut v, 1, 2).ok_or_else(err)?,
            Tok::Second | Tok::ZeroSecond => {
                second = num(&mut v, 1, 2).ok_or_else(err)?;
                // Go accepts a fraction after seconds even when the layout has none.
                if v.starts_with('.')
                    && v[1..].starts_with(|c: char| c.is_ascii_digit())
                    && !rest_l.starts_with('.')
                {
                    let n = v[1..].bytes().take_while(u8::is_ascii_digit).count();
                    nanos = format!("{:0<9}", &v[1..1 + n.min(9)]).parse().unwrap_or(0);
                    v = &v[1 + n..];
                }
            }
            Tok::Frac { .. } => {
                if let Some(r) = v.strip_prefix(['.', ',']) {
                    let n = r.bytes().take_while(u8::is_ascii_digit).count();
                    nanos = format!("{:0<9}", &r[..n.min(9)]).parse().unwrap_or(0);
                    v = &r[n..];
                }
            }
            Tok::LongMonth | Tok::Month => {
                let found = MONTHS.iter().position(|m| {
                    let name = if matches!(tok, Tok::Month) {
                        &m[..3]
                    } else {
                        m
                    };
                    v.starts_with(name)
                });
                let i = found.ok_or_else(err)?;
                let name_len = if matches!(tok, Tok::Month) {
                    3
                } else {
                    MONTHS[i].len()
                };
                month = i as u32 + 1;
                v = &v[name_len..];
            }
            Tok::LongWeekDay | Tok::WeekDay => {
                let i = DAYS
                    .iter()
                    .position(|d| {
                        v.starts_with(if matches!(tok, Tok::WeekDay) {
                            &d[..3]
                        } else {
                            d
                        })
                    })
                    .ok_or_else(err)?;
                v = &v[if matches!(tok, Tok::WeekDay) {
                    3
                } else {
                    DAYS[i].len()
                }..];
            }
            Tok::PM | Tok::Pm => {
                let word = v.get(..2).ok_or_else(err)?.to_ascii_uppercase();
                pm = Some(word == "PM");
                v = &v[2..];
            }
            Tok::ZeroYearDay => {
                num(&mut v, 3, 3).ok_or_else(err)?;
            }
            Tok::Zone => {
                let n = v.bytes().take_while(u8::is_ascii_uppercase).count();
                v = &v[n..];
            }
            Tok::IsoZ | Tok::NumZone(_) => {
                if let Some(r) = v.strip_prefix('Z') {
                    v = r;
                } else {
                    let sign = match v.as_bytes().first() {
                        Some(b'+') => 1,
                        Some(b'-') => -1,
                        _ => return Err(err()),
                    };
                    v = &v[1..];
                    let h = i64::from(num(&mut v, 2, 2).ok_or_else(err)?);
                    v = v.strip_prefix(':').unwrap_or(v);
                    let m = i64::from(num(&mut v, 0, 2).unwrap_or(0));
                    offset = sign * (h * 3600 + m * 60);
                }
            }
        }
    }
    if !v.is_empty() {
        return Err(format!(
            "parsing time {}: extra text: {}",
            super::strings::go_quote(value),
            super::strings::go_quote(v)
        ));
    }
    if let Some(pm) = pm {
        if pm && hour < 12 {
            hour += 12;
        } else if !pm && hour == 12 {
            hour = 0;
        }
    }
    if !(1..=12).contains(&month)
        || day < 1
        || day > super::yaml_out::days_in_month(year.max(0) as u32, month)
    {
        return Err(format!(
            "parsing time {}: day out of range",
            super::strings::go_quote(value)
        ));
    }
    if hour > 23 || minute > 59 || second > 59 {
        return Err(format!(
            "parsing time {}: hour out of range",
            super::strings::go_quote(value)
        ));
    }
    let secs = days_from_civil(year, month, day) * 86_400
        + i64::from(hour) * 3600
        + i64::from(minute) * 60
        + i64::from(second)
        - offset;
    Ok(Time { secs, nanos })
}

pub fn to_date(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("toDate", a, 2)?;
    let t = parse_time(string(&a[0])?, string(&a[1])?).unwrap_or(Time {
        secs: days_from_civil(1, 1, 1) * 86_400,
        nanos: 0,
    });
    Ok(time_value(t))
}

pub fn must_to_date(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("mustToDate", a, 2)?;
    Ok(time_value(parse_time(string(&a[0])?, string(&a[1])?)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_go() {
        // 2025-01-01T00:00:00Z, a Wednesday.
        let t = Time {
            secs: 1_735_689_600,
            nanos: 0,
        };
        assert_eq!(
            t.format("2006-01-02T15:04:05Z07:00"),
            "2025-01-01T00:00:00Z"
        );
        assert_eq!(
            t.format("Mon Jan _2 15:04:05 MST 2006"),
            "Wed Jan  1 00:00:00 UTC 2025"
        );
        assert_eq!(t.format("20060102150405"), "20250101000000");
        assert_eq!(t.format("3:04PM"), "12:00AM");
        assert_eq!(go_time_string(t), "2025-01-01 00:00:00 +0000 UTC");
        let t2 = parse_time("2006-01-02 15:04:05", "2024-02-29 13:14:15").unwrap();
        assert_eq!(
            t2.format("January 2, 2006 03:04:05 pm"),
            "February 29, 2024 01:14:15 pm"
        );
        assert!(parse_time("2006-01-02", "2023-02-30").is_err());
        let t3 = parse_time("2006-01-02T15:04:05Z07:00", "2024-01-01T10:00:00+02:00").unwrap();
        assert_eq!(t3.format("15:04"), "08:00");
    }

    #[test]
    fn durations() {
        assert_eq!(duration_string(0), "0s");
        assert_eq!(duration_string(95 * 1_000_000_000), "1m35s");
        assert_eq!(duration_string(3600 * 1_000_000_000), "1h0m0s");
        assert_eq!(duration_string(1_500_000_000), "1.5s");
        assert_eq!(duration_string(1_500_000), "1.5ms");
        assert_eq!(parse_duration("1h30m").unwrap(), 5_400_000_000_000);
        assert_eq!(parse_duration("-1.5h").unwrap(), -5_400_000_000_000);
        assert!(parse_duration("5").is_err());
        assert!(parse_duration("5x").is_err());
        let mut cx = FuncCx::default();
        let d = |cx: &mut FuncCx, v: Value| duration(cx, &[v]).unwrap().go_string();
        assert_eq!(d(&mut cx, Value::Int(95)), "0s");
        assert_eq!(d(&mut cx, Value::Int64(95)), "1m35s");
        assert_eq!(d(&mut cx, Value::str("3600")), "1h0m0s");
        let r = duration_round(&mut cx, &[Value::str("2h5m")])
            .unwrap()
            .go_string();
        assert_eq!(r, "2h");
    }
}
