//! The JSON format, version 1.
//!
//! ```text
//! { "version": 1,
//!   "tool": {"name": "harden", "version": "…"},
//!   "summary": {"files_checked": N, "findings": N, "by_severity": {"critical": N, …}},
//!   "findings": [ { "rule", "severity", "message", "path",
//!                   "start": {"line", "column", "offset"}, "end": {…},
//!                   "object", "field_path", "fingerprint",
//!                   "labels": [{"message", "start", "end"}] } ] }
//! ```
//! Lines and columns are 1-based; columns count bytes; `offset` is the byte
//! offset in the file. Fields are only ever added within a version.

use serde_json::{Value, json};

use super::{Report, fingerprint};
use crate::engine::Severity;
use crate::source::{Position, SourceFile};

pub const VERSION: u32 = 1;

fn position(file: &SourceFile, offset: u32) -> Value {
    let Position { line, column, .. } = file.position(offset);
    json!({"line": line, "column": column, "offset": offset})
}

pub fn render(report: &Report) -> String {
    let findings: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            json!({
                "rule": f.rule_id(),
                "severity": f.severity,
                "message": f.message,
                "path": f.file.path,
                "start": position(&f.file, f.span.start),
                "end": position(&f.file, f.span.end),
                "object": f.object,
                "field_path": f.path,
                "fingerprint": fingerprint(f),
                "labels": f.labels.iter().map(|l| json!({
                    "message": l.message,
                    "start": position(&f.file, l.span.start),
                    "end": position(&f.file, l.span.end),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let by_severity: serde_json::Map<String, Value> = Severity::ALL
        .iter()
        .map(|&s| {
            let n = report.findings.iter().filter(|f| f.severity == s).count();
            (s.as_str().to_string(), json!(n))
        })
        .collect();
    let document = json!({
        "version": VERSION,
        "tool": {"name": "harden", "version": env!("CARGO_PKG_VERSION")},
        "summary": {
            "files_checked": report.files_checked,
            "findings": report.findings.len(),
            "by_severity": by_severity,
        },
        "findings": findings,
    });
    let mut out = serde_json::to_string_pretty(&document).unwrap_or_default();
    out.push('\n');
    out
}
