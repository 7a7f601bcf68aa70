//! `.helmignore` as Helm reads it, and Go's `filepath.Match`.
//!
//! Helm's rules are not gitignore's: there is no `**`, a pattern without a
//! slash matches the base name only, and a negated pattern (`!x`) ignores every
//! path that it does *not* match. Charts are packaged with these rules, so a
//! renderer that used gitignore's would see other files than Helm does.

/// One rule of a `.helmignore`.
#[derive(Clone, Debug)]
struct Pattern {
    glob: String,
    negate: bool,
    must_dir: bool,
    anchored: bool,
    structural: bool,
}

/// The rules of a chart's `.helmignore`, plus Helm's default
/// (`templates/.?*`: hidden files under `templates/`).
#[derive(Clone, Debug, Default)]
pub struct Rules {
    patterns: Vec<Pattern>,
}

impl Rules {
    /// Parses `.helmignore` text. An invalid line is an error naming it.
    pub fn parse(text: &str) -> Result<Rules, String> {
        let mut rules = Rules::default();
        for (index, line) in text.lines().enumerate() {
            rules
                .add(line)
                .map_err(|e| format!(".helmignore line {}: {e}", index + 1))?;
        }
        Ok(rules)
    }

    pub fn with_defaults(mut self) -> Rules {
        let _ = self.add("templates/.?*");
        self
    }

    fn add(&mut self, line: &str) -> Result<(), String> {
        let mut rule = line.trim();
        if rule.is_empty() || rule.starts_with('#') {
            return Ok(());
        }
        if rule.contains("**") {
            return Err("double-star (**) syntax is not supported".into());
        }
        go_match(rule, "abc").ok_or_else(|| format!("syntax error in pattern {rule:?}"))?;
        let negate = rule.starts_with('!');
        if negate {
            rule = &rule[1..];
        }
        let must_dir = rule.ends_with('/');
        if must_dir {
            rule = &rule[..rule.len() - 1];
        }
        let anchored = rule.starts_with('/');
        let glob = rule.trim_start_matches('/').to_string();
        self.patterns.push(Pattern {
            structural: !anchored && glob.contains('/'),
            glob,
            negate,
            must_dir,
            anchored,
        });
        Ok(())
    }

    /// Whether the chart-relative `path` (with `/`) is ignored.
    pub fn ignored(&self, path: &str, is_dir: bool) -> bool {
        if path.is_empty() || path == "." || path == "./" {
            return false;
        }
        for p in &self.patterns {
            let matched = if p.anchored || p.structural {
                go_match(&p.glob, path).unwrap_or(false)
            } else {
                let base = path.rsplit('/').next().unwrap_or(path);
                go_match(&p.glob, base).unwrap_or(false)
            };
            if p.negate {
                if p.must_dir && !is_dir {
                    return true;
                }
                if !matched {
                    return true;
                }
                continue;
            }
            if p.must_dir && !is_dir {
                continue;
            }
            if matched {
                return true;
            }
        }
        false
    }
}

/// Go's `path/filepath.Match` with `/` as the separator: `*` and `?` never
/// match `/`, `[...]` classes with ranges and `^` negation, `\` escapes.
/// `None` for a malformed pattern.
pub fn go_match(pattern: &str, name: &str) -> Option<bool> {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    match_from(&p, &n).ok()
}

fn match_from(p: &[char], n: &[char]) -> Result<bool, ()> {
    // Iterative with one backtrack point per `*`, as Go's matcher scans.
    let (mut pi, mut ni) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if pi < p.len() {
            match p[pi] {
                '*' => {
                    star = Some((pi, ni));
                    pi += 1;
                    continue;
                }
                _ => {
                    if ni < n.len() {
                        let (ok, width) = match_one(&p[pi..], n[ni])?;
                        if ok {
                            pi += width;
                            ni += 1;
                            continue;
                        }
                    } else {
                        // Validate the rest of the pattern even on a mismatch.
                        check_syntax(&p[pi..])?;
                    }
                }
            }
        } else if ni == n.len() {
            return Ok(true);
        }
        match star {
            Some((sp, sn)) if sn < n.len() && n[sn] != '/' => {
                star = Some((sp, sn + 1));
                pi = sp + 1;
                ni = sn + 1;
            }
            _ => {
                check_syntax(&p[pi.min(p.len())..])?;
                return Ok(false);
            }
        }
    }
}

/// Matches one pattern element (a literal, `?`, a class, an escape) against
/// `c`; returns whether it matched and how many pattern chars it used.
fn match_one(p: &[char], c: char) -> Result<(bool, usize), ()> {
    match p[0] {
        '?' => Ok((c != '/', 1)),
        '\\' => match p.get(1) {
            Some(&e) => Ok((e == c, 2)),
            None => Err(()),
        },
        '[' => {
            let mut i = 1;
            let negated = p.get(1) == Some(&'^');
            if negated {
                i += 1;
            }
            let mut matched = false;
            let mut first = true;
            loop {
                let ch = *p.get(i).ok_or(())?;
                if ch == ']' && !first {
                    i += 1;
                    break;
                }
                first = false;
                let (lo, next) = class_char(p, i)?;
                i = next;
                let hi = if p.get(i) == Some(&'-') {
                    let (hi, next) = class_char(p, i + 1)?;
                    i = next;
                    hi
                } else {
                    lo
                };
                if lo <= c && c <= hi {
                    matched = true;
                }
            }
            Ok((matched != negated && c != '/', i))
        }
        lit => Ok((lit == c, 1)),
    }
}

fn class_char(p: &[char], i: usize) -> Result<(char, usize), ()> {
    match p.get(i) {
        Some('\\') => p.get(i + 1).map(|&c| (c, i + 2)).ok_or(()),
        Some('-') | Some(']') | None => Err(()),
        Some(&c) => Ok((c, i + 1)),
    }
}

fn check_syntax(p: &[char]) -> Result<(), ()> {
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            '*' => i += 1,
            _ => {
                let (_, width) = match_one(&p[i..], 'a')?;
                i += width;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_filepath_match() {
        assert_eq!(go_match("*.txt", "a.txt"), Some(true));
        assert_eq!(go_match("*.txt", "d/a.txt"), Some(false));
        assert_eq!(go_match("d/*.txt", "d/a.txt"), Some(true));
        assert_eq!(go_match("a?c", "abc"), Some(true));
        assert_eq!(go_match("[a-c]x", "bx"), Some(true));
        assert_eq!(go_match("[^a-c]x", "bx"), Some(false));
        assert_eq!(go_match("\\*", "*"), Some(true));
        assert_eq!(go_match("[", "a"), None);
        assert_eq!(go_match("*", ""), Some(true));
        assert_eq!(go_match("a*b*c", "axxbyyc"), Some(true));
        assert_eq!(go_match(".?*", ".git"), Some(true));
        assert_eq!(go_match(".?*", "."), Some(false));
    }

    #[test]
    fn helm_rules() {
        let rules = Rules::parse("# c\n*.bak\n/ci/\nsecret/*.pem\n.git/\n")
            .unwrap()
            .with_defaults();
        assert!(rules.ignored("x.bak", false));
        assert!(rules.ignored("templates/deep/x.bak", false));
        assert!(rules.ignored("ci", true));
        assert!(!rules.ignored("ci", false));
        assert!(rules.ignored("secret/a.pem", false));
        assert!(rules.ignored(".git", true));
        assert!(rules.ignored("templates/.hidden", false));
        assert!(!rules.ignored("templates/a.yaml", false));
        assert!(Rules::parse("a/**/b").is_err());
    }

    #[test]
    fn negation_ignores_what_it_does_not_match() {
        let rules = Rules::parse("!keep.txt").unwrap();
        assert!(rules.ignored("other.txt", false));
        assert!(!rules.ignored("keep.txt", false));
    }
}
