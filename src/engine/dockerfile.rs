//! Checking one Dockerfile: parse errors become findings, Dockerfile rules
//! run on the parsed file, and inline pragmas suppress what they name.

use std::sync::Arc;

use super::finding::{Cx, Finding, Settings};
use super::run::{FileOutcome, FileStatus, input_finding};
use super::suppress::{self, Suppression};
use super::{Facts, Registry, Target};
use crate::dockerfile::{self, Dockerfile};
use crate::source::SourceFile;

/// Parses a Dockerfile and runs the enabled Dockerfile rules on it.
pub fn lint_dockerfile(
    file: &Arc<SourceFile>,
    registry: &Registry,
    enabled: &[bool],
    settings: &Settings,
) -> FileOutcome {
    let parsed = dockerfile::parse(&file.text);
    let mut findings = Vec::new();
    if registry
        .index_of("invalid-input")
        .is_some_and(|r| enabled[r])
    {
        for error in &parsed.errors {
            let mut finding = input_finding(
                registry,
                file,
                error.span.start,
                format!("invalid Dockerfile: {}", error.message),
            );
            finding.span = error.span;
            findings.push(finding);
        }
    }
    for (index, rule) in registry.rules.iter().enumerate() {
        if !enabled[index] || rule.spec.target != Target::Dockerfile {
            continue;
        }
        let mut cx = Cx {
            settings,
            file,
            rule: index,
            rule_id: &rule.id,
            severity: rule.spec.severity,
            object: None,
            findings: &mut findings,
            scratch: None,
        };
        rule.check.check_dockerfile(&mut cx, &parsed);
    }
    let pragmas = Pragmas::read(&parsed);
    findings.retain(|f| !pragmas.suppresses(&parsed, registry, f));
    let suppressions = harden_pragmas(file, &parsed);
    let status = if parsed.instructions.is_empty() && !parsed.errors.is_empty() {
        FileStatus::Invalid
    } else {
        FileStatus::Checked {
            objects: parsed.stages.len(),
        }
    };
    FileOutcome {
        path: file.path.clone(),
        status,
        findings,
        facts: Facts::default(),
        records: Vec::new(),
        notes: Vec::new(),
        suppressions,
        renders: Vec::new(),
    }
}

/// `# harden:ignore rule[,rule] [-- reason]` covers the next instruction.
/// These go through the shared suppression mechanism, so that one that
/// matches nothing is reported.
fn harden_pragmas(file: &Arc<SourceFile>, parsed: &Dockerfile) -> Vec<Suppression> {
    parsed
        .comments
        .iter()
        .filter_map(|comment| {
            let directive = suppress::parse_directive(&comment.text)?;
            let scope = parsed
                .instructions
                .iter()
                .find(|i| i.span.start > comment.span.end)
                .map_or(suppress::Scope::Nothing, |i| suppress::Scope::Range(i.span));
            Some(Suppression {
                file: Arc::clone(file),
                at: comment.span,
                tool: suppress::Tool::Harden,
                names: directive.names,
                scope,
            })
        })
        .collect()
}

/// hadolint's inline suppressions: `# hadolint ignore=DL3008,DL3009` applies
/// to the next instruction, `# hadolint global ignore=…` to the whole file.
/// hadolint codes reach harden rules through their `equivalents`.
struct Pragmas {
    /// (instruction index, names) for next-instruction pragmas.
    next: Vec<(usize, Vec<String>)>,
    global: Vec<String>,
}

impl Pragmas {
    fn read(file: &Dockerfile) -> Pragmas {
        let mut next = Vec::new();
        let mut global = Vec::new();
        for comment in &file.comments {
            let body = comment.text.trim_start_matches('#').trim();
            let (names, is_global) = if let Some(rest) = body.strip_prefix("hadolint") {
                let rest = rest.trim();
                let (rest, is_global) = match rest.strip_prefix("global") {
                    Some(r) => (r.trim(), true),
                    None => (rest, false),
                };
                match rest.strip_prefix("ignore=") {
                    Some(list) => (
                        names(list.split_whitespace().next().unwrap_or("")),
                        is_global,
                    ),
                    None => continue,
                }
            } else {
                continue;
            };
            if is_global {
                global.extend(names);
            } else if let Some(index) = file
                .instructions
                .iter()
                .position(|i| i.span.start > comment.span.end)
            {
                next.push((index, names));
            }
        }
        Pragmas { next, global }
    }

    fn suppresses(&self, file: &Dockerfile, registry: &Registry, finding: &Finding) -> bool {
        let spec = &registry.rules[finding.rule].spec;
        if spec.target == Target::File {
            return false;
        }
        let hadolint = spec.equivalents.get("hadolint");
        let names_rule = |names: &[String]| {
            names.iter().any(|n| {
                *n == spec.id || hadolint.is_some_and(|codes| codes.iter().any(|c| c == n))
            })
        };
        if names_rule(&self.global) {
            return true;
        }
        let Some(index) = file
            .instructions
            .iter()
            .position(|i| i.span.start <= finding.span.start && finding.span.start <= i.span.end)
        else {
            return false;
        };
        self.next
            .iter()
            .any(|(i, names)| *i == index && names_rule(names))
    }
}

fn names(list: &str) -> Vec<String> {
    list.split([',', ' '])
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect()
}
