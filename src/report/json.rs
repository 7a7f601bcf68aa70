//! The JSON format, version 1.
//!
//! ```text
//! { "version": 1,
//!   "tool": {"name": "harden", "version": "…"},
//!   "summary": {"files_checked": N, "findings": N, "by_severity": {"critical": N, …}},
//!   "findings": [ { "rule", "severity", "message", "path",
//!                   "start": {"line", "column", "offset"}, "end": {…},
//!                   "object", "field_path", "fingerprint",
//!                   "labels": [{"message", "start", "end"}],
//!                   "related": [{"path", "message", "start", "end"}] } ] }
//! ```
//! Lines and columns are 1-based; columns count bytes; `offset` is the byte
//! offset in the file. Fields are only ever added within a version.
//!
//! The document is serialised straight from borrowed structs, so a large
//! report costs no tree of values.

use serde::Serialize;

use super::{Report, fingerprint};
use crate::engine::{Finding, Severity};
use crate::source::SourceFile;

pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    summary: Summary,
    findings: Vec<JsonFinding<'a>>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary {
    files_checked: usize,
    findings: usize,
    by_severity: BySeverity,
}

#[derive(Serialize)]
struct BySeverity {
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
}

#[derive(Serialize)]
struct Point {
    line: u32,
    column: u32,
    offset: u32,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    message: &'a str,
    start: Point,
    end: Point,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    path: &'a str,
    message: &'a str,
    start: Point,
    end: Point,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    path: &'a str,
    start: Point,
    end: Point,
    object: Option<&'a str>,
    field_path: &'a str,
    fingerprint: String,
    labels: Vec<JsonLabel<'a>>,
    /// Locations in other files; left out when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<JsonRelated<'a>>,
}

fn point(file: &SourceFile, offset: u32) -> Point {
    let position = file.position(offset);
    Point {
        line: position.line,
        column: position.column,
        offset,
    }
}

fn finding(f: &Finding) -> JsonFinding<'_> {
    JsonFinding {
        rule: f.rule_id(),
        severity: f.severity,
        message: &f.message,
        path: &f.file.path,
        start: point(&f.file, f.span.start),
        end: point(&f.file, f.span.end),
        object: f.object.as_deref(),
        field_path: &f.path,
        fingerprint: fingerprint(f),
        labels: f
            .labels
            .iter()
            .map(|l| JsonLabel {
                message: &l.message,
                start: point(&f.file, l.span.start),
                end: point(&f.file, l.span.end),
            })
            .collect(),
        related: f
            .related
            .iter()
            .map(|r| JsonRelated {
                path: &r.file.path,
                message: &r.message,
                start: point(&r.file, r.span.start),
                end: point(&r.file, r.span.end),
            })
            .collect(),
    }
}

pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    let document = Document {
        version: VERSION,
        tool: Tool {
            name: "harden",
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: Summary {
            files_checked: report.files_checked,
            findings: report.findings.len(),
            by_severity: BySeverity {
                critical: count(Severity::Critical),
                high: count(Severity::High),
                medium: count(Severity::Medium),
                low: count(Severity::Low),
                info: count(Severity::Info),
            },
        },
        findings: report.findings.iter().map(finding).collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    out.write_all(b"\n")
}
