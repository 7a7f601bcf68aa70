//! Rules that read template text line by line, before any rendering: a
//! literal `metadata.namespace`, and test hooks that ask for host access.

use crate::checks::Check;
use crate::engine::SetCx;
use crate::helm::lint::ChartFiles;
use crate::source::{SourceFile, Span};

fn literal_namespace(namespace: &str) -> String {
    format!("metadata.namespace is the literal \"{namespace}\" instead of the release namespace")
}

fn risky_test(template: &str, what: &str) -> String {
    format!("test hook {template} {what}")
}

/// One line of a template: its span (without the newline), indentation and
/// the text after it.
struct Line<'a> {
    start: u32,
    indent: usize,
    body: &'a str,
}

fn lines(file: &SourceFile) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut start = 0usize;
    for raw in file.text.split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        let body = line.trim_start();
        out.push(Line {
            start: start as u32,
            indent: line.len() - body.len(),
            body,
        });
        start += raw.len();
    }
    out
}

/// A line that holds only template actions or comments, which say nothing
/// about the YAML structure around them.
fn structural(body: &str) -> bool {
    !(body.is_empty() || body.starts_with('#') || (body.starts_with("{{") && body.ends_with("}}")))
}

/// The value after `key:` on a line, with its offset in the line's body:
/// the text up to a ` #` comment, unquoted.
fn value_after<'a>(body: &'a str, key: &str) -> Option<(usize, &'a str)> {
    let rest = body.strip_prefix(key)?.strip_prefix(':')?;
    let trimmed = rest.trim_start();
    let at = body.len() - trimmed.len();
    let value = match trimmed.find(" #") {
        Some(end) => &trimmed[..end],
        None => trimmed,
    }
    .trim_end();
    Some((at, value))
}

fn unquote(value: &str) -> &str {
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
        .unwrap_or(value)
}

/// `helm-hardcoded-namespace`: a template whose `metadata:` holds
/// `namespace:` with a literal value.
#[derive(Default)]
pub struct HardcodedNamespace;

impl Check for HardcodedNamespace {
    fn check_chart(&self, cx: &mut SetCx<'_>, chart: &ChartFiles) {
        for template in &chart.templates {
            let relative = chart.relative(template);
            if !(relative.ends_with(".yaml")
                || relative.ends_with(".yml")
                || relative.ends_with(".tpl"))
            {
                continue;
            }
            let lines = lines(template);
            for (index, line) in lines.iter().enumerate() {
                let Some((at, value)) = value_after(line.body, "namespace") else {
                    continue;
                };
                if value.is_empty()
                    || value.contains("{{")
                    || value.starts_with(['|', '>', '&', '*'])
                {
                    continue;
                }
                let parent = lines[..index]
                    .iter()
                    .rev()
                    .find(|l| structural(l.body) && l.indent < line.indent);
                let under_metadata = parent
                    .is_some_and(|p| p.body == "metadata:" || p.body.starts_with("metadata: #"));
                if !under_metadata {
                    continue;
                }
                let start = line.start + (line.indent + at) as u32;
                cx.report(
                    template,
                    Span::new(start, start + value.len() as u32),
                    None,
                    literal_namespace(unquote(value)),
                )
                .at_path("metadata.namespace");
            }
        }
    }
}

/// What a test hook may not ask for: the key and the values that grant it.
const HOST_ACCESS: &[(&str, &str)] = &[
    ("privileged", "runs privileged"),
    ("hostNetwork", "shares the host's network"),
    ("hostPID", "shares the host's process namespace"),
    ("hostIPC", "shares the host's IPC namespace"),
];

fn truthy(value: &str) -> bool {
    matches!(
        unquote(value),
        "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "y" | "Y"
    )
}

/// `helm-test-hook-scope`: test hooks (templates under `templates/tests/`,
/// or annotated `helm.sh/hook: test`) that run privileged, share a host
/// namespace or mount a host path. The Kubernetes rules leave test hooks
/// alone while this rule is on: they run only on `helm test`, briefly.
#[derive(Default)]
pub struct TestHookScope;

impl Check for TestHookScope {
    fn check_chart(&self, cx: &mut SetCx<'_>, chart: &ChartFiles) {
        for template in &chart.templates {
            let relative = chart.relative(template);
            let is_test = relative.starts_with("templates/tests/")
                || template.text.lines().any(|l| {
                    let l = l.trim();
                    l.starts_with("\"helm.sh/hook\"")
                        || l.starts_with("helm.sh/hook:") && l.contains("test")
                });
            if !is_test || relative.ends_with(".txt") {
                continue;
            }
            for line in lines(template) {
                let body = line.body.strip_prefix("- ").unwrap_or(line.body);
                let offset = line.body.len() - body.len();
                let found = HOST_ACCESS.iter().find_map(|(key, what)| {
                    let (_, value) = value_after(body, key)?;
                    truthy(value).then_some(*what)
                });
                let found =
                    found.or_else(|| value_after(body, "hostPath").map(|_| "mounts a host path"));
                let Some(what) = found else {
                    continue;
                };
                let start = line.start + (line.indent + offset) as u32;
                cx.report(
                    template,
                    Span::new(start, start + body.len() as u32),
                    None,
                    risky_test(relative, what),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_after_keys() {
        assert_eq!(
            value_after("namespace: kube-system # x", "namespace"),
            Some((11, "kube-system"))
        );
        assert_eq!(value_after("namespaces: a", "namespace"), None);
        assert!(truthy("\"true\""));
        assert!(!truthy("{{ .Values.x }}"));
    }
}
