//! Suppressions: inline `# harden:ignore` comments, object annotations
//! (harden's own and other linters', read through each rule's
//! `equivalents`), and the exceptions of the configuration file.
//!
//! Files only collect their suppressions; they are applied once every
//! finding is known (set rules report after all files are read), and what
//! matched nothing is reported as `unused-suppression`.

mod annotations;
mod comments;
mod exception;

pub use annotations::{IGNORE_ANNOTATION, annotations};
pub use comments::{Directive, inline_comments, parse_directive};
pub use exception::{Date, Exception, matches_path, normalize, relative_to};

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::finding::Finding;
use super::{Registry, RuleSpec};
use crate::source::{SourceFile, Span};

/// How other tools' "ignore every check" annotations are recorded.
const EVERY_CHECK: &str = "*";

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

    /// Does `name`, in this tool's spelling, name the rule? `*` (another
    /// tool's "ignore everything") names every rule that tool has a check for.
    fn names(self, name: &str, spec: &RuleSpec) -> bool {
        match self {
            Tool::Harden => spec.id == name,
            _ => spec
                .equivalents
                .get(self.key())
                .is_some_and(|ids| name == EVERY_CHECK || ids.iter().any(|id| id == name)),
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
            rule_id: Arc::clone(&registry.rules[rule].id),
            severity: registry.rules[rule].spec.severity,
            file: Arc::clone(file),
            span: at,
            message,
            labels: Vec::new(),
            related: Vec::new(),
            object,
            path: String::new(),
            unless: None,
        });
    };
    let in_checked_dir = |file: &SourceFile| {
        let path = normalize(&cwd.join(&file.path));
        run.roots
            .iter()
            .any(|root| path != *root && path.starts_with(root))
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
        if s.names.is_empty() {
            report(
                &s.file,
                s.at,
                object.clone(),
                "suppression names no rule".to_string(),
            );
        }
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
                // Nor can a rule over the whole set of objects be judged
                // from a file checked alone (a pre-commit hook's run).
                Some(r) if registry.rules[r].check.needs_set() && !in_checked_dir(&s.file) => {}
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
                exception.until_at.unwrap_or(exception.at),
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
