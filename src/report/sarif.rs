//! SARIF 2.1.0 for GitHub code scanning: one run, every enabled rule with its
//! documentation, results with full regions in UTF-16 columns, URIs relative
//! to `%SRCROOT%`.

use serde_json::{Value, json};

use super::{Report, fingerprint};
use crate::engine::{Finding, RuleSpec, Severity};
use crate::source::Span;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

fn security_severity(severity: Severity) -> Option<&'static str> {
    match severity {
        Severity::Critical => Some("9.5"),
        Severity::High => Some("8.0"),
        Severity::Medium => Some("5.5"),
        Severity::Low => Some("2.0"),
        Severity::Info => None,
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max - 3;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end])
}

fn rule_descriptor(spec: &RuleSpec) -> Value {
    let mut properties = json!({
        "tags": spec.tags.iter().take(20).collect::<Vec<_>>(),
        "precision": "high",
    });
    if let Some(score) = security_severity(spec.severity) {
        properties["security-severity"] = json!(score);
    }
    let markdown = spec.markdown();
    json!({
        "id": spec.id,
        "name": spec.id,
        "shortDescription": {"text": truncate(&spec.summary, 1024)},
        "fullDescription": {"text": truncate(spec.docs.what.trim(), 1024)},
        "help": {"text": markdown, "markdown": markdown},
        "defaultConfiguration": {"level": level(spec.severity)},
        "properties": properties,
    })
}

/// Percent-encodes a relative path for a URI, keeping `/`.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn artifact(path: &str) -> Value {
    if path.starts_with('/') {
        json!({"uri": format!("file://{}", encode_path(path))})
    } else {
        json!({"uri": encode_path(path), "uriBaseId": "%SRCROOT%"})
    }
}

fn region(finding: &Finding, span: Span) -> Value {
    let file = &finding.file;
    let start = file.position(span.start);
    let end = file.position(span.end);
    json!({
        "startLine": start.line,
        "startColumn": start.column_utf16,
        "endLine": end.line,
        "endColumn": end.column_utf16,
        "byteOffset": span.start,
        "byteLength": span.len(),
    })
}

pub fn render(report: &Report) -> String {
    let enabled: Vec<usize> = (0..report.registry.rules.len())
        .filter(|&i| report.enabled[i])
        .collect();
    let rules: Vec<Value> = enabled
        .iter()
        .map(|&i| rule_descriptor(&report.registry.rules[i].spec))
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let rule_index = enabled.binary_search(&f.rule).ok();
            let related: Vec<Value> = f
                .labels
                .iter()
                .enumerate()
                .map(|(i, label)| {
                    json!({
                        "id": i + 1,
                        "message": {"text": label.message},
                        "physicalLocation": {
                            "artifactLocation": artifact(&f.file.path),
                            "region": region(f, label.span),
                        },
                    })
                })
                .collect();
            let mut result = json!({
                "ruleId": f.rule_id(),
                "level": level(f.severity),
                "message": {"text": f.message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": artifact(&f.file.path),
                        "region": region(f, f.span),
                    },
                }],
                "partialFingerprints": {"harden/v1": fingerprint(f)},
                "properties": {"severity": f.severity},
            });
            if let Some(index) = rule_index {
                result["ruleIndex"] = json!(index);
            }
            if !related.is_empty() {
                result["relatedLocations"] = json!(related);
            }
            result
        })
        .collect();
    let mut root_uri = format!("file://{}", encode_path(&report.root.to_string_lossy()));
    if !root_uri.ends_with('/') {
        root_uri.push('/');
    }
    let document = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "harden",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "invocations": [{"executionSuccessful": true}],
            "originalUriBaseIds": {"%SRCROOT%": {"uri": root_uri}},
            "columnKind": "utf16CodeUnits",
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&document).unwrap_or_default();
    out.push('\n');
    out
}
