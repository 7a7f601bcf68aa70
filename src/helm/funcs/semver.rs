//! Masterminds/semver v3 as Sprig uses it: `semver` parses a version,
//! `semverCompare` checks one against a constraint such as `>=1.21-0`,
//! `^1.2`, `~1.2.3`, `1.2 - 1.4`, `>=1.0, <2.0 || 3.x`.
//!
//! Pre-release rules: a version with a pre-release satisfies a constraint
//! only when that constraint itself names a pre-release (`>=1.21-0` admits
//! `1.22.0-gke.1`; `>=1.21` does not). Build metadata never counts.

use std::cmp::Ordering;
use std::rc::Rc;

use super::args::{string, want};
use crate::helm::value::{FuncCx, GoObject, Value};

pub const INVALID: &str = "invalid semantic version";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub pre: String,
    pub metadata: String,
    pub original: String,
}

fn ident_ok(s: &str) -> bool {
    !s.is_empty()
        && s.split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
}

fn number(s: &str) -> Result<u64, String> {
    s.parse::<u64>().map_err(|_| {
        format!(
            "Error parsing version segment: strconv.ParseUint: parsing {s:?}: value out of range"
        )
    })
}

impl Version {
    /// `semver.NewVersion`: an optional `v`, one to three numbers, then
    /// `-pre` and `+meta`.
    pub fn parse(v: &str) -> Result<Version, String> {
        let body = v.strip_prefix('v').unwrap_or(v);
        let (body, metadata) = match body.split_once('+') {
            Some((b, m)) => {
                if !ident_ok(m) {
                    return Err(INVALID.into());
                }
                (b, m.to_string())
            }
            None => (body, String::new()),
        };
        let (core, pre) = match body.split_once('-') {
            Some((c, p)) => {
                if !ident_ok(p) {
                    return Err(INVALID.into());
                }
                (c, p.to_string())
            }
            None => (body, String::new()),
        };
        let parts: Vec<&str> = core.split('.').collect();
        if parts.is_empty()
            || parts.len() > 3
            || parts
                .iter()
                .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(INVALID.into());
        }
        for p in pre.split('.') {
            if p.len() > 1 && p.starts_with('0') && p.bytes().all(|b| b.is_ascii_digit()) {
                return Err("version segment starts with 0".into());
            }
        }
        Ok(Version {
            major: number(parts[0])?,
            minor: parts.get(1).map_or(Ok(0), |p| number(p))?,
            patch: parts.get(2).map_or(Ok(0), |p| number(p))?,
            pre,
            metadata,
            original: v.to_string(),
        })
    }

    pub fn compare(&self, o: &Version) -> Ordering {
        self.major
            .cmp(&o.major)
            .then(self.minor.cmp(&o.minor))
            .then(self.patch.cmp(&o.patch))
            .then_with(|| compare_prerelease(&self.pre, &o.pre))
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.metadata.is_empty() {
            write!(f, "+{}", self.metadata)?;
        }
        Ok(())
    }
}

fn compare_prerelease(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    if a.is_empty() {
        return Ordering::Greater;
    }
    if b.is_empty() {
        return Ordering::Less;
    }
    let ap: Vec<&str> = a.split('.').collect();
    let bp: Vec<&str> = b.split('.').collect();
    for i in 0..ap.len().max(bp.len()) {
        let x = ap.get(i).copied().unwrap_or("");
        let y = bp.get(i).copied().unwrap_or("");
        let d = compare_pre_part(x, y);
        if d != Ordering::Equal {
            return d;
        }
    }
    Ordering::Equal
}

fn compare_pre_part(s: &str, o: &str) -> Ordering {
    if s == o {
        return Ordering::Equal;
    }
    if s.is_empty() {
        return Ordering::Less;
    }
    if o.is_empty() {
        return Ordering::Greater;
    }
    match (s.parse::<u64>(), o.parse::<u64>()) {
        (Err(_), Err(_)) => {
            if s > o {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        (Err(_), Ok(_)) => Ordering::Greater,
        (Ok(_), Err(_)) => Ordering::Less,
        (Ok(x), Ok(y)) => {
            if x > y {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
    Tilde,
    Caret,
}

#[derive(Clone, Debug)]
struct Constraint {
    op: Op,
    con: Version,
    dirty: bool,
    minor_dirty: bool,
    patch_dirty: bool,
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

/// One `op version` term, wildcards (`x`, `X`, `*`, missing parts) marking it dirty.
fn parse_term(op: &str, ver: &str) -> Result<Constraint, String> {
    let op = match op {
        "" | "=" => Op::Eq,
        "!=" => Op::Ne,
        ">" => Op::Gt,
        "<" => Op::Lt,
        ">=" | "=>" => Op::Ge,
        "<=" | "=<" => Op::Le,
        "~" | "~>" => Op::Tilde,
        "^" => Op::Caret,
        _ => return Err(format!("improper constraint: {op}{ver}")),
    };
    let v = ver.strip_prefix('v').unwrap_or(ver);
    let split_at = v.find(['-', '+']).unwrap_or(v.len());
    let (core, extra) = v.split_at(split_at);
    let parts: Vec<&str> = core.split('.').collect();
    let (mut dirty, mut minor_dirty, mut patch_dirty) = (false, false, false);
    let text = if parts.is_empty() || parts[0].is_empty() || is_x(parts[0]) {
        dirty = true;
        format!("0.0.0{extra}")
    } else if parts.len() < 2 || is_x(parts[1]) {
        dirty = true;
        minor_dirty = true;
        format!("{}.0.0{extra}", parts[0])
    } else if parts.len() < 3 || is_x(parts[2]) {
        dirty = true;
        patch_dirty = true;
        format!("{}.{}.0{extra}", parts[0], parts[1])
    } else {
        v.to_string()
    };
    let con = Version::parse(&text).map_err(|_| format!("improper constraint: {ver}"))?;
    Ok(Constraint {
        op,
        con,
        dirty,
        minor_dirty,
        patch_dirty,
    })
}

impl Constraint {
    fn check(&self, v: &Version) -> bool {
        let c = &self.con;
        let pre_blocked = !v.pre.is_empty() && c.pre.is_empty();
        match self.op {
            Op::Eq => {
                if self.dirty {
                    self.tilde(v)
                } else {
                    v.compare(c) == Ordering::Equal
                }
            }
            Op::Ne => {
                if self.dirty {
                    if pre_blocked {
                        return false;
                    }
                    if c.major != v.major {
                        return true;
                    }
                    if c.minor != v.minor && !self.minor_dirty {
                        return true;
                    } else if self.minor_dirty {
                        return false;
                    } else if c.patch != v.patch && !self.patch_dirty {
                        return true;
                    } else if self.patch_dirty {
                        if !v.pre.is_empty() || !c.pre.is_empty() {
                            return compare_prerelease(&v.pre, &c.pre) != Ordering::Equal;
                        }
                        return false;
                    }
                }
                v.compare(c) != Ordering::Equal
            }
            Op::Gt => {
                if pre_blocked {
                    return false;
                }
                if !self.dirty {
                    return v.compare(c) == Ordering::Greater;
                }
                if v.major != c.major {
                    return v.major > c.major;
                }
                if self.minor_dirty {
                    return false;
                }
                if self.patch_dirty {
                    return v.minor > c.minor;
                }
                v.compare(c) == Ordering::Greater
            }
            Op::Lt => !pre_blocked && v.compare(c) == Ordering::Less,
            Op::Ge => !pre_blocked && v.compare(c) != Ordering::Less,
            Op::Le => {
                if pre_blocked {
                    return false;
                }
                if !self.dirty {
                    return v.compare(c) != Ordering::Greater;
                }
                if v.major > c.major {
                    return false;
                }
                !(v.major == c.major && v.minor > c.minor && !self.minor_dirty)
            }
            Op::Tilde => self.tilde(v),
            Op::Caret => {
                if pre_blocked || v.compare(c) == Ordering::Less {
                    return false;
                }
                if c.major > 0 || self.minor_dirty {
                    return v.major == c.major;
                }
                if v.major > 0 {
                    return false;
                }
                if c.minor > 0 || self.patch_dirty {
                    return v.minor == c.minor;
                }
                if v.minor > 0 {
                    return false;
                }
                c.patch == v.patch
            }
        }
    }

    fn tilde(&self, v: &Version) -> bool {
        let c = &self.con;
        if !v.pre.is_empty() && c.pre.is_empty() {
            return false;
        }
        if v.compare(c) == Ordering::Less {
            return false;
        }
        if c.major == 0 && c.minor == 0 && c.patch == 0 && !self.minor_dirty && !self.patch_dirty {
            return true;
        }
        if v.major != c.major {
            return false;
        }
        v.minor == c.minor || self.minor_dirty
    }
}

/// Constraint groups: any group passes when all its terms pass.
pub struct Constraints(Vec<Vec<Constraint>>);

const OPS: [&str; 12] = [
    "!=", ">=", "=>", "<=", "=<", "~>", "=", ">", "<", "~", "^", "",
];

fn is_version_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '*')
}

/// Rewrites `a - b` ranges into `>= a, <= b`.
fn rewrite_ranges(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        // A hyphen with whitespace on both sides joins two versions.
        if chars[i] == '-'
            && i > 0
            && chars[i - 1].is_whitespace()
            && chars.get(i + 1).is_some_and(|c| c.is_whitespace())
        {
            // Move the left version behind ">= ".
            let trimmed = out.trim_end().len();
            out.truncate(trimmed);
            let start = out
                .char_indices()
                .rev()
                .find(|(_, c)| !is_version_char(*c))
                .map_or(0, |(p, c)| p + c.len_utf8());
            let left = out.split_off(start);
            out.push_str(">= ");
            out.push_str(&left);
            out.push_str(", <= ");
            i += 1;
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

impl Constraints {
    /// `semver.NewConstraint`.
    pub fn parse(original: &str) -> Result<Constraints, String> {
        let improper = || {
            format!(
                "improper constraint: {}",
                super::strings::go_quote(original)
            )
        };
        if original.trim().is_empty() {
            return Err(improper());
        }
        let c = rewrite_ranges(original);
        let mut groups = Vec::new();
        for or in c.split("||") {
            let mut terms = Vec::new();
            let mut rest = or.trim_start();
            if rest.trim().is_empty() {
                return Err(improper());
            }
            while !rest.is_empty() {
                let op = OPS
                    .iter()
                    .find(|op| rest.starts_with(**op))
                    .copied()
                    .unwrap_or("");
                let after = rest[op.len()..].trim_start();
                let end = after
                    .find(|c: char| !is_version_char(c))
                    .unwrap_or(after.len());
                let ver = &after[..end];
                if ver.is_empty() {
                    return Err(improper());
                }
                terms.push(parse_term(op, ver).map_err(|_| improper())?);
                rest = after[end..].trim_start();
                if let Some(r) = rest.strip_prefix(',') {
                    rest = r.trim_start();
                }
            }
            groups.push(terms);
        }
        Ok(Constraints(groups))
    }

    pub fn check(&self, v: &Version) -> bool {
        self.0.iter().any(|g| g.iter().all(|t| t.check(v)))
    }
}

/// A parsed version as templates see it: `*semver.Version` with its methods.
#[derive(Debug)]
pub struct VersionObject(pub Version);

impl GoObject for VersionObject {
    fn type_name(&self) -> &str {
        "*semver.Version"
    }

    fn field(&self, name: &str) -> Option<Value> {
        let v = &self.0;
        Some(match name {
            "Major" => Value::Int64(v.major as i64),
            "Minor" => Value::Int64(v.minor as i64),
            "Patch" => Value::Int64(v.patch as i64),
            "Prerelease" => Value::str(v.pre.as_str()),
            "Metadata" => Value::str(v.metadata.as_str()),
            "Original" => Value::str(v.original.as_str()),
            "String" => Value::str(v.to_string()),
            _ => return None,
        })
    }

    fn call(&self, method: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let other = || -> Result<Version, String> {
            match args.first() {
                Some(Value::Object(o)) if o.type_name() == "*semver.Version" => {
                    Version::parse(&o.display())
                }
                Some(Value::Str(s)) => Version::parse(s.as_str()),
                _ => Err("wrong type for value; expected *semver.Version".into()),
            }
        };
        let ord = |o: Result<Version, String>| o.map(|o| self.0.compare(&o));
        Some(match method {
            "LessThan" => ord(other()).map(|o| Value::Bool(o == Ordering::Less)),
            "GreaterThan" => ord(other()).map(|o| Value::Bool(o == Ordering::Greater)),
            "Equal" => ord(other()).map(|o| Value::Bool(o == Ordering::Equal)),
            "Compare" => ord(other()).map(|o| Value::Int(o as i64)),
            _ => return None,
        })
    }

    fn display(&self) -> String {
        self.0.to_string()
    }
}

pub fn semver(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("semver", a, 1)?;
    Ok(Value::Object(Rc::new(VersionObject(Version::parse(
        string(&a[0])?,
    )?))))
}

pub fn semver_compare(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("semverCompare", a, 2)?;
    let c = Constraints::parse(string(&a[0])?)?;
    let v = Version::parse(string(&a[1])?)?;
    Ok(Value::Bool(c.check(&v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(c: &str, v: &str) -> bool {
        Constraints::parse(c)
            .unwrap_or_else(|e| panic!("{c}: {e}"))
            .check(&Version::parse(v).unwrap_or_else(|e| panic!("{v}: {e}")))
    }

    /// Cases from Masterminds/semver's documentation and Helm charts.
    #[test]
    fn constraints() {
        let cases = [
            (">=1.21-0", "v1.36.0", true),
            (">=1.21-0", "1.21.0-gke.100", true),
            (">=1.21-0", "1.20.9", false),
            (">=1.21", "1.22.0-rc.1", false),
            ("<1.19-0", "v1.18.5-eks-1", true),
            (">=1.8-0", "v1.36.0", true),
            ("^1.2.3", "1.9.0-beta", false),
            ("^1.2.3", "1.9.0", true),
            ("^1.2.3", "2.0.0", false),
            ("^0.2.3", "0.2.9", true),
            ("^0.2.3", "0.3.0", false),
            ("^0.0.3", "0.0.4", false),
            ("^1.x", "1.9.0", true),
            ("~1.2.3", "1.2.9", true),
            ("~1.2.3", "1.3.0", false),
            ("~1", "1.9.0", true),
            ("~1", "2.0.0", false),
            ("1.2.x", "1.2.5", true),
            ("1.2.x", "1.3.0", false),
            ("*", "5.0.0", true),
            ("!=1.2.3", "1.2.3", false),
            ("!=1.2.x", "1.3.0", true),
            (">1.2", "1.2.9", false),
            (">1.2", "1.3.0", true),
            ("<=1.2", "1.2.9", true),
            ("<=1.2", "1.3.0", false),
            ("1.2 - 1.4.5", "1.4.5", true),
            ("1.2 - 1.4.5", "1.4.6", false),
            (">= 1.2, < 3.0.0 || >= 4.2.3", "4.5.0", true),
            (">= 1.2, < 3.0.0 || >= 4.2.3", "3.5.0", false),
            (">=1.2 <3", "2.0.0", true),
            ("=1.2.3", "v1.2.3+build", true),
            (">= 1.19.0-0 < 1.30.0-0", "1.25.3", true),
            ("<1.20", "1.20.0-rc", false),
            (">1.2.3-alpha", "1.2.3-beta", true),
            ("1.x || >=2.5.0", "2.1.0", false),
            (" >= 1.0 ", "1.0.0", true),
            (">1.x", "2.0.0", true),
            (">1.x", "1.5.0", false),
        ];
        for (c, v, want) in cases {
            assert_eq!(check(c, v), want, "{c} vs {v}");
        }
    }

    #[test]
    fn errors() {
        assert_eq!(Version::parse("abc").unwrap_err(), INVALID);
        assert_eq!(Version::parse("1.2.3.4").unwrap_err(), INVALID);
        assert_eq!(
            Constraints::parse(">=").err().unwrap(),
            "improper constraint: \">=\""
        );
        assert!(Constraints::parse("foo").is_err());
        assert!(Constraints::parse("").is_err());
        let v = Version::parse("v1.2.3-rc.1+meta").unwrap();
        assert_eq!(v.to_string(), "1.2.3-rc.1+meta");
        assert!(Version::parse("1.2.3-01").is_err());
    }
}
