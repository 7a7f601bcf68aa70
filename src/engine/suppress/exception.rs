//! The exceptions of the configuration file, and the dates and paths they
//! are matched by.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::super::RuleSpec;
use super::super::finding::Finding;
use crate::source::{SourceFile, Span};

/// A calendar date, for the `until` of exceptions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// Reads `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let date = Date {
            year: y.parse().ok()?,
            month: m.parse().ok()?,
            day: d.parse().ok()?,
        };
        let leap = date.year % 4 == 0 && (date.year % 100 != 0 || date.year % 400 == 0);
        let days = match date.month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days).contains(&date.day).then_some(date)
    }

    /// Today, in UTC.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_days((secs / 86_400) as i64)
    }

    /// The date `days` after 1970-01-01 (the civil-from-days algorithm).
    fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// An exception of the configuration file: findings of some rules on some
/// objects, containers or paths are accepted, for a reason, maybe until a date.
#[derive(Clone, Debug)]
pub struct Exception {
    /// Rule ids or tags.
    pub rules: Vec<String>,
    pub kind: Option<globset::GlobMatcher>,
    pub namespace: Option<globset::GlobMatcher>,
    pub name: Option<globset::GlobMatcher>,
    pub container: Option<globset::GlobMatcher>,
    /// Matched against the path relative to `base`.
    pub path: Option<globset::GlobMatcher>,
    pub base: PathBuf,
    pub reason: String,
    pub until: Option<Date>,
    /// Where `until` is written, for reporting a lapsed exception.
    pub until_at: Option<Span>,
    /// The configuration file and the exception's place in it.
    pub file: Arc<SourceFile>,
    pub at: Span,
}

impl Exception {
    pub(super) fn names_rule(&self, spec: &RuleSpec) -> bool {
        self.rules
            .iter()
            .any(|r| r == "all" || *r == spec.id || spec.tags.iter().any(|t| t == r))
    }

    pub(super) fn covers(&self, finding: &Finding, spec: &RuleSpec, cwd: &Path) -> bool {
        if !self.names_rule(spec) {
            return false;
        }
        let (kind, namespace, name) = split_identity(finding.object.as_deref());
        let field = |matcher: &Option<globset::GlobMatcher>, value: Option<&str>| match matcher {
            None => true,
            Some(m) => value.is_some_and(|v| m.is_match(v)),
        };
        field(&self.kind, kind)
            && field(&self.namespace, namespace)
            && field(&self.name, name)
            && field(&self.container, container_of(&finding.path))
            && match &self.path {
                None => true,
                Some(m) => relative_to(&self.base, cwd, &finding.file.path)
                    .is_some_and(|p| matches_path(&p, |p| m.is_match(p))),
            }
    }
}

/// True when `is_match` holds for the `/`-separated path or one of its
/// parent directories (so that `vendor` excludes `vendor/a/b.yaml`).
pub fn matches_path(path: &str, is_match: impl Fn(&str) -> bool) -> bool {
    let mut current = path;
    loop {
        if is_match(current) {
            return true;
        }
        match current.rsplit_once('/') {
            Some((parent, _)) if !parent.is_empty() => current = parent,
            _ => return false,
        }
    }
}

/// A path as displayed (relative to `cwd`, or absolute) made relative to
/// `base`, with `/` separators; `None` when it lies outside `base`.
pub fn relative_to(base: &Path, cwd: &Path, display: &str) -> Option<String> {
    let absolute = normalize(&cwd.join(display));
    let relative = absolute.strip_prefix(normalize(base)).ok()?;
    Some(relative.to_string_lossy().replace('\\', "/"))
}

/// Removes `.` and resolves `..` lexically.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `Kind/namespace/name` or `Kind/name` into its parts.
fn split_identity(identity: Option<&str>) -> (Option<&str>, Option<&str>, Option<&str>) {
    let Some(identity) = identity else {
        return (None, None, None);
    };
    let parts: Vec<&str> = identity.splitn(3, '/').collect();
    match parts.as_slice() {
        [kind, namespace, name] => (Some(kind), Some(namespace), Some(name)),
        [kind, name] => (Some(kind), None, Some(name)),
        [kind] => (Some(kind), None, None),
        _ => (None, None, None),
    }
}

/// The container a field path is in: `app` of `spec.template.spec.containers[app].image`.
fn container_of(path: &str) -> Option<&str> {
    ["containers[", "initContainers[", "ephemeralContainers["]
        .iter()
        .find_map(|prefix| {
            let start = path.find(prefix)? + prefix.len();
            let end = path[start..].find(']')? + start;
            Some(&path[start..end])
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days(19_782).to_string(), "2024-02-29");
        assert!(Date::parse("2024-02-30").is_none());
        assert!(Date::parse("2024-2-3").is_none());
        assert!(Date::parse("2023-12-31") < Date::parse("2024-01-01"));
    }

    #[test]
    fn identities_and_containers() {
        assert_eq!(
            split_identity(Some("Deployment/prod/api")),
            (Some("Deployment"), Some("prod"), Some("api"))
        );
        assert_eq!(
            container_of("spec.template.spec.initContainers[setup].image"),
            Some("setup")
        );
        assert_eq!(container_of("spec.replicas"), None);
    }
}
