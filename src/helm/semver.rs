//! Semantic-version constraints with the grammar of Masterminds/semver, the
//! library Helm checks a chart's `kubeVersion` with: `||` alternatives,
//! comma- or space-separated conjunctions, `= != > >= < <= ~ ^`, `x`
//! wildcards and `a - b` ranges. A pre-release version satisfies only
//! constraints that carry a pre-release themselves (the `>=1.21-0` idiom).

use std::cmp::Ordering;

#[derive(Clone, Debug, PartialEq, Eq)]
struct Version {
    parts: [u64; 3],
    pre: String,
}

impl Version {
    fn cmp(&self, other: &Version) -> Ordering {
        self.parts
            .cmp(&other.parts)
            .then_with(|| cmp_pre(&self.pre, &other.pre))
    }
}

fn cmp_pre(a: &str, b: &str) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => {
            let (xs, ys): (Vec<&str>, Vec<&str>) = (a.split('.').collect(), b.split('.').collect());
            for (x, y) in xs.iter().zip(&ys) {
                let order = match (x.parse::<u64>(), y.parse::<u64>()) {
                    (Ok(i), Ok(j)) => i.cmp(&j),
                    (Ok(_), Err(_)) => Ordering::Less,
                    (Err(_), Ok(_)) => Ordering::Greater,
                    (Err(_), Err(_)) => x.cmp(y),
                };
                if order != Ordering::Equal {
                    return order;
                }
            }
            xs.len().cmp(&ys.len())
        }
    }
}

/// A version as written in a constraint: missing or wildcard parts are `None`.
struct Partial {
    parts: [Option<u64>; 3],
    pre: String,
}

fn parse_partial(text: &str) -> Result<Partial, String> {
    let text = text.trim().trim_start_matches(['v', 'V']);
    let text = text.split('+').next().unwrap_or(text);
    let (core, pre) = match text.split_once('-') {
        Some((core, pre)) => (core, pre.to_string()),
        None => (text, String::new()),
    };
    let mut parts = [None; 3];
    let pieces: Vec<&str> = core.split('.').collect();
    if pieces.is_empty() || pieces.len() > 3 || pieces[0].is_empty() {
        return Err(format!("improper constraint: {text}"));
    }
    for (i, piece) in pieces.iter().enumerate() {
        parts[i] = match *piece {
            "x" | "X" | "*" => None,
            n => Some(
                n.parse()
                    .map_err(|_| format!("improper constraint: {text}"))?,
            ),
        };
        if parts[i].is_none() {
            break;
        }
    }
    Ok(Partial { parts, pre })
}

fn parse_version(text: &str) -> Result<Version, String> {
    let p = parse_partial(text)?;
    Ok(Version {
        parts: [
            p.parts[0].unwrap_or(0),
            p.parts[1].unwrap_or(0),
            p.parts[2].unwrap_or(0),
        ],
        pre: p.pre,
    })
}

fn floor(p: &Partial) -> Version {
    Version {
        parts: [
            p.parts[0].unwrap_or(0),
            p.parts[1].unwrap_or(0),
            p.parts[2].unwrap_or(0),
        ],
        pre: p.pre.clone(),
    }
}

/// The first version above everything `p` names (`1.2` → `1.3.0`).
fn ceiling(p: &Partial) -> Version {
    let [a, b, c] = p.parts;
    let parts = match (a, b, c) {
        (Some(a), Some(b), Some(c)) => [a, b, c.saturating_add(1)],
        (Some(a), Some(b), None) => [a, b.saturating_add(1), 0],
        (Some(a), None, _) => [a.saturating_add(1), 0, 0],
        (None, _, _) => [u64::MAX, 0, 0],
    };
    Version {
        parts,
        pre: String::new(),
    }
}

fn check(op: &str, p: &Partial, v: &Version) -> bool {
    let lo = floor(p);
    let wildcard = p.parts.iter().any(Option::is_none);
    let ge = |x: &Version| v.cmp(x) != Ordering::Less;
    let lt = |x: &Version| v.cmp(x) == Ordering::Less;
    match op {
        "" | "=" => {
            if wildcard {
                ge(&lo) && lt(&ceiling(p))
            } else {
                v.cmp(&lo) == Ordering::Equal
            }
        }
        "!=" => {
            if wildcard {
                !(ge(&lo) && lt(&ceiling(p)))
            } else {
                v.cmp(&lo) != Ordering::Equal
            }
        }
        ">" => {
            if wildcard {
                ge(&ceiling(p))
            } else {
                v.cmp(&lo) == Ordering::Greater
            }
        }
        ">=" | "=>" => ge(&lo),
        "<" => lt(&lo),
        "<=" | "=<" => {
            if wildcard {
                lt(&ceiling(p))
            } else {
                v.cmp(&lo) != Ordering::Greater
            }
        }
        "~" | "~>" => {
            let upper = match p.parts {
                [Some(a), Some(b), _] => Version {
                    parts: [a, b.saturating_add(1), 0],
                    pre: String::new(),
                },
                [Some(a), None, _] => Version {
                    parts: [a.saturating_add(1), 0, 0],
                    pre: String::new(),
                },
                _ => return true,
            };
            ge(&lo) && lt(&upper)
        }
        "^" => {
            let upper = match p.parts {
                [Some(0), Some(0), Some(c)] => Version {
                    parts: [0, 0, c.saturating_add(1)],
                    pre: String::new(),
                },
                [Some(0), Some(b), _] if b > 0 || p.parts[2].is_none() => Version {
                    parts: [0, b.saturating_add(1), 0],
                    pre: String::new(),
                },
                [Some(a), _, _] => Version {
                    parts: [a.saturating_add(1), 0, 0],
                    pre: String::new(),
                },
                _ => return true,
            };
            ge(&lo) && lt(&upper)
        }
        _ => false,
    }
}

const OPS: [&str; 11] = ["!=", ">=", "=>", "<=", "=<", "~>", ">", "<", "=", "~", "^"];

fn split_op(term: &str) -> (&str, &str) {
    for op in OPS {
        if let Some(rest) = term.strip_prefix(op) {
            return (op, rest.trim());
        }
    }
    ("", term)
}

/// Whether `version` satisfies `constraint`.
pub fn constraint_allows(constraint: &str, version: &str) -> Result<bool, String> {
    let v = parse_version(version)?;
    let mut any = false;
    for alternative in constraint.split("||") {
        // Join an operator to its version (`>= 1.2`), and expand `a - b`.
        let mut tokens: Vec<String> = Vec::new();
        let raw: Vec<&str> = alternative
            .split([',', ' '])
            .filter(|t| !t.is_empty())
            .collect();
        let mut i = 0;
        while i < raw.len() {
            let t = raw[i];
            if OPS.contains(&t) && i + 1 < raw.len() {
                tokens.push(format!("{t}{}", raw[i + 1]));
                i += 2;
            } else if i + 2 < raw.len() && raw[i + 1] == "-" {
                tokens.push(format!(">={t}"));
                tokens.push(format!("<={}", raw[i + 2]));
                i += 3;
            } else {
                tokens.push(t.to_string());
                i += 1;
            }
        }
        if tokens.is_empty() {
            return Err(format!("improper constraint: {constraint}"));
        }
        let mut all = true;
        for token in &tokens {
            let (op, rest) = split_op(token);
            let p = parse_partial(rest)?;
            if !v.pre.is_empty() && p.pre.is_empty() {
                all = false;
                continue;
            }
            if !check(op, &p, &v) {
                all = false;
            }
        }
        any |= all;
    }
    Ok(any)
}

#[cfg(test)]
mod tests {
    use super::constraint_allows as allows;

    #[test]
    fn constraints() {
        assert_eq!(allows(">=1.21-0", "v1.36.0"), Ok(true));
        assert_eq!(allows(">= 1.19.0-0, < 2.0.0", "1.36.0"), Ok(true));
        assert_eq!(allows("<1.25-0", "1.36.0"), Ok(false));
        assert_eq!(allows("~1.36", "1.36.4"), Ok(true));
        assert_eq!(allows("~1.36", "1.37.0"), Ok(false));
        assert_eq!(allows("^1.2", "1.36.0"), Ok(true));
        assert_eq!(allows("1.30.x", "1.30.9"), Ok(true));
        assert_eq!(allows("1.20 - 1.30", "1.36.0"), Ok(false));
        assert_eq!(allows("<1.20 || >=1.30", "1.36.0"), Ok(true));
        assert_eq!(allows(">=1.20", "1.36.0-rc.1"), Ok(false));
        assert_eq!(allows(">=1.20-0", "1.36.0-rc.1"), Ok(true));
        assert!(allows(">=abc", "1.0.0").is_err());
        assert_eq!(
            allows("~18446744073709551615.18446744073709551615", "1.0.0"),
            Ok(false)
        );
        assert_eq!(allows("18446744073709551615.x", "1.0.0"), Ok(false));
    }
}
