//! Suppressions: inline `# harden:ignore` comments, object annotations
//! (harden's own and other linters', read through each rule's
//! `equivalents`), and the exceptions of the configuration file.
//!
//! Files only collect their suppressions; they are applied once every
//! finding is known (set rules report after all files are read), and what
//! matched nothing is reported as `unused-suppression`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::finding::Finding;
use super::{Registry, RuleSpec};
use crate::k8s::Object;
use crate::source::{SourceFile, Span};
use crate::yaml::NodeRef;

/// The annotation harden reads on an object or its pod template.
pub const IGNORE_ANNOTATION: &str = "harden.dev/ignore";

/// Whose spelling a suppression uses: harden's rule ids, or another tool's
/// check names, mapped to harden rules through their `equivalents`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    Harden,
    KubeLinter,
    KubeScore,
    Polaris,
    Checkov,
}

impl Tool {
    /// The key of the tool in a rule's `equivalents`.
    fn key(self) -> &'static str {
        match self {
            Tool::Harden => "harden",
            Tool::KubeLinter => "kube-linter",
            Tool::KubeScore => "kube-score",
            Tool::Polaris => "polaris",
            Tool::Checkov => "checkov",
        }
    }

    /// Does `name`, in this tool's spelling, name the rule?
    fn names(self, name: &str, spec: &RuleSpec) -> bool {
        match self {
            Tool::Harden => spec.id == name,
            _ => spec
                .equivalents
                .get(self.key())
                .is_some_and(|ids| ids.iter().any(|id| id == name)),
        }
    }
}

/// Which findings a suppression covers.
#[derive(Clone, Debug)]
pub enum Scope {
    /// Findings that start inside this byte range of the file.
    Range(Span),
    /// Findings about one object: located inside it, or naming it.
    Object { span: Span, identity: String },
    /// Nothing: a comment at the end of a file, with no line after it.
    Nothing,
}

/// One inline comment or annotation.
#[derive(Clone, Debug)]
pub struct Suppression {
    /// The file the suppression is written in.
    pub file: Arc<SourceFile>,
    /// The comment or annotation, where an unused one is reported.
    pub at: Span,
    pub tool: Tool,
    /// Rule names in the tool's spelling.
    pub names: Vec<String>,
    pub scope: Scope,
}

impl Suppression {
    fn covers(&self, finding: &Finding) -> bool {
        match &self.scope {
            Scope::Range(range) => {
                range.start <= finding.span.start && finding.span.start <= range.end
            }
            Scope::Object { span, identity } => {
                finding.object.as_deref() == Some(identity.as_str())
                    || (span.start <= finding.span.start && finding.span.start < span.end)
            }
            Scope::Nothing => false,
        }
    }
}

/// A parsed `harden:ignore` directive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    pub names: Vec<String>,
    pub reason: Option<String>,
}

/// Reads the text of a comment (with or without its `#`) as
/// `harden:ignore rule[,rule] [-- reason]`.
pub fn parse_directive(comment: &str) -> Option<Directive> {
    let body = comment.trim_start().trim_start_matches('#').trim();
    let rest = body.strip_prefix("harden:ignore")?;
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let (list, reason) = match rest.split_once("--") {
        Some((list, reason)) => (list, Some(reason.trim().to_string())),
        None => (rest, None),
    };
    Some(Directive {
        names: split_names(list),
        reason: reason.filter(|r| !r.is_empty()),
    })
}

fn split_names(list: &str) -> Vec<String> {
    list.split([',', ' ', '\t'])
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect()
}

/// The `# harden:ignore` comments of a YAML file (or a chart template). A
/// comment after content covers its own line; a comment alone on its line
/// covers the next line that holds more than a comment.
pub fn inline_comments(file: &Arc<SourceFile>) -> Vec<Suppression> {
    let text: &str = &file.text;
    let mut out = Vec::new();
    let mut pending: Vec<(Span, Vec<String>)> = Vec::new();
    let mut offset = 0usize;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let range = Span::new(start as u32, (start + content.len()) as u32);
        let comment = comment_start(content);
        let code = &content[..comment.unwrap_or(content.len())];
        let has_code = !code.trim().is_empty();
        if has_code {
            for (at, names) in pending.drain(..) {
                out.push(Suppression {
                    file: Arc::clone(file),
                    at,
                    tool: Tool::Harden,
                    names,
                    scope: Scope::Range(range),
                });
            }
        }
        let Some(hash) = comment else { continue };
        let Some(directive) = parse_directive(&content[hash..]) else {
            continue;
        };
        let at = Span::new((start + hash) as u32, range.end);
        if has_code {
            out.push(Suppression {
                file: Arc::clone(file),
                at,
                tool: Tool::Harden,
                names: directive.names,
                scope: Scope::Range(range),
            });
        } else {
            pending.push((at, directive.names));
        }
    }
    // A comment with nothing after it covers nothing, and is reported as such.
    for (at, names) in pending {
        out.push(Suppression {
            file: Arc::clone(file),
            at,
            tool: Tool::Harden,
            names,
            scope: Scope::Nothing,
        });
    }
    out
}

/// Where a YAML comment starts on a line: a `#` at the start or after a
/// blank, outside quotes.
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '#' && previous.is_whitespace() => return Some(i),
            None if (c == '"' || c == '\'')
                && (previous.is_whitespace() || ":[{,-".contains(previous)) =>
            {
                quote = Some(c)
            }
            None => {}
        }
        previous = c;
    }
    None
}

/// The suppressions an object's annotations (and its pod template's) declare.
pub fn annotations(
    file: &Arc<SourceFile>,
    object: &Object<'_>,
    identity: &str,
) -> Vec<Suppression> {
    let mut out = Vec::new();
    let mut maps = vec![object.metadata()];
    if let Some(pod) = object.pod_spec()
        && pod.path != "spec"
    {
        maps.push(pod.metadata);
    }
    let scope = Scope::Object {
        span: object.root.span(),
        identity: identity.to_string(),
    };
    for annotations in maps
        .into_iter()
        .flatten()
        .filter_map(|m| m.get("annotations"))
    {
        for (key, value) in annotations.entries() {
            let Some((tool, names)) = key.text().and_then(|k| read_annotation(k, value)) else {
                continue;
            };
            out.push(Suppression {
                file: Arc::clone(file),
                at: Span::new(key.span().start, value.span().end.max(key.span().end)),
                tool,
                names,
                scope: scope.clone(),
            });
        }
    }
    out
}

/// One annotation as a suppression, in the spellings of harden, kube-linter
/// (`ignore-check.kube-linter.io/<check>: reason`), kube-score
/// (`kube-score/ignore: a,b`), Polaris (`polaris.fairwinds.com/<check>-exempt:
/// "true"`) and checkov (`checkov.io/skip<N>: CKV_K8S_20=reason`).
fn read_annotation(key: &str, value: NodeRef<'_>) -> Option<(Tool, Vec<String>)> {
    let text = value.as_text().unwrap_or("");
    if key == IGNORE_ANNOTATION {
        return Some((Tool::Harden, split_names(text)));
    }
    if let Some(check) = key.strip_prefix("ignore-check.kube-linter.io/") {
        return Some((Tool::KubeLinter, vec![check.to_string()]));
    }
    if key == "kube-score/ignore" {
        return Some((Tool::KubeScore, split_names(text)));
    }
    if let Some(check) = key
        .strip_prefix("polaris.fairwinds.com/")
        .and_then(|k| k.strip_suffix("-exempt"))
    {
        return text
            .eq_ignore_ascii_case("true")
            .then(|| (Tool::Polaris, vec![check.to_string()]));
    }
    if let Some(n) = key.strip_prefix("checkov.io/skip")
        && !n.is_empty()
        && n.bytes().all(|b| b.is_ascii_digit())
    {
        let id = text.split('=').next().unwrap_or("").trim();
        return (!id.is_empty()).then(|| (Tool::Checkov, vec![id.to_string()]));
    }
    None
}

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
    /// The configuration file and the exception's place in it.
    pub file: Arc<SourceFile>,
    pub at: Span,
}

impl Exception {
    fn names_rule(&self, spec: &RuleSpec) -> bool {
        self.rules
            .iter()
            .any(|r| r == "all" || *r == spec.id || spec.tags.iter().any(|t| t == r))
    }

    fn covers(&self, finding: &Finding, spec: &RuleSpec, cwd: &Path) -> bool {
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
                    .is_some_and(|p| matches_path(m, &p)),
            }
    }
}

/// True when the glob matches the path or one of its parent directories.
pub fn matches_path(glob: &globset::GlobMatcher, path: &str) -> bool {
    let mut current = path;
    loop {
        if glob.is_match(current) {
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

/// What [`apply`] needs to know about the run.
pub struct Run<'a> {
    pub registry: &'a Registry,
    pub enabled: &'a [bool],
    pub cwd: &'a Path,
    /// The checked paths, absolute: an exception is only reported unused
    /// when the run covered its whole directory.
    pub roots: &'a [PathBuf],
    pub today: Date,
}

/// Removes the findings that suppressions and exceptions cover, and returns
/// the findings of `unused-suppression` for those that covered nothing.
pub fn apply(
    findings: &mut Vec<Finding>,
    suppressions: &[Suppression],
    exceptions: &[Exception],
    run: &Run<'_>,
) -> Vec<Finding> {
    let (registry, enabled, cwd, today) = (run.registry, run.enabled, run.cwd, run.today);
    let mut by_file: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, s) in suppressions.iter().enumerate() {
        by_file.entry(s.file.path.as_str()).or_default().push(i);
    }
    // Which names of each suppression, and which exceptions, matched.
    let mut used: Vec<Vec<bool>> = suppressions
        .iter()
        .map(|s| vec![false; s.names.len()])
        .collect();
    let mut exception_used = vec![false; exceptions.len()];
    let active: Vec<bool> = exceptions
        .iter()
        .map(|e| e.until.is_none_or(|until| today <= until))
        .collect();
    findings.retain(|finding| {
        let spec = &registry.rules[finding.rule].spec;
        let mut suppressed = false;
        for &i in by_file
            .get(finding.file.path.as_str())
            .into_iter()
            .flatten()
        {
            let s = &suppressions[i];
            if !s.covers(finding) {
                continue;
            }
            for (n, name) in s.names.iter().enumerate() {
                if s.tool.names(name, spec) {
                    used[i][n] = true;
                    suppressed = true;
                }
            }
        }
        for (i, exception) in exceptions.iter().enumerate() {
            if active[i] && exception.covers(finding, spec, cwd) {
                exception_used[i] = true;
                suppressed = true;
            }
        }
        !suppressed
    });
    let Some(rule) = registry
        .index_of("unused-suppression")
        .filter(|&r| enabled[r])
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut report = |file: &Arc<SourceFile>, at: Span, object: Option<String>, message: String| {
        out.push(Finding {
            rule,
            severity: registry.rules[rule].spec.severity,
            file: Arc::clone(file),
            span: at,
            message,
            labels: Vec::new(),
            object,
            path: String::new(),
            unless: None,
        });
    };
    for (i, s) in suppressions.iter().enumerate() {
        // Other tools' annotations belong to those tools; only harden's own are judged.
        if s.tool != Tool::Harden {
            continue;
        }
        let object = match &s.scope {
            Scope::Object { identity, .. } => Some(identity.clone()),
            Scope::Range(_) | Scope::Nothing => None,
        };
        for (n, name) in s.names.iter().enumerate() {
            if used[i][n] {
                continue;
            }
            match registry.index_of(name) {
                None => report(
                    &s.file,
                    s.at,
                    object.clone(),
                    format!("suppression names `{name}`, which is not a rule"),
                ),
                // A rule that did not run might have matched: say nothing.
                Some(r) if !enabled[r] => {}
                Some(_) => report(
                    &s.file,
                    s.at,
                    object.clone(),
                    format!("suppression of `{name}` matched no finding"),
                ),
            }
        }
    }
    for (i, exception) in exceptions.iter().enumerate() {
        if !active[i] {
            let until = exception.until.map(|d| d.to_string()).unwrap_or_default();
            report(
                &exception.file,
                exception.at,
                None,
                format!("exception lapsed on {until}; it no longer suppresses anything"),
            );
            continue;
        }
        let all_enabled = registry
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| exception.names_rule(&r.spec))
            .all(|(index, _)| enabled[index]);
        let whole_tree = run
            .roots
            .iter()
            .any(|root| normalize(&exception.base).starts_with(root));
        if !exception_used[i] && all_enabled && whole_tree {
            report(
                &exception.file,
                exception.at,
                None,
                "exception matched no finding".to_string(),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives() {
        assert_eq!(
            parse_directive("# harden:ignore a,b -- why not"),
            Some(Directive {
                names: vec!["a".into(), "b".into()],
                reason: Some("why not".into())
            })
        );
        assert_eq!(parse_directive("# harden:ignorex a"), None);
        assert_eq!(parse_directive("# something else"), None);
        assert_eq!(
            parse_directive("harden:ignore a b").map(|d| d.names.len()),
            Some(2)
        );
    }

    #[test]
    fn comments_cover_their_line_or_the_next() {
        let text = "a: 1 # harden:ignore x\n# harden:ignore y -- r\n\n# other\nb: \"#\" # not harden\nc: 2\n";
        let file = Arc::new(SourceFile::new("f.yaml", text));
        let found = inline_comments(&file);
        assert_eq!(found.len(), 2);
        let line = |s: &Suppression| match s.scope {
            Scope::Range(r) => file.position(r.start).line,
            Scope::Object { .. } | Scope::Nothing => 0,
        };
        assert_eq!((found[0].names[0].as_str(), line(&found[0])), ("x", 1));
        assert_eq!((found[1].names[0].as_str(), line(&found[1])), ("y", 5));
        assert_eq!(comment_start("key: 'a # b' # c"), Some(13));
        assert_eq!(comment_start("url: http://x#y"), None);
    }

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
