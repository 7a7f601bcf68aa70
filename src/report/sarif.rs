//! SARIF 2.1.0 for GitHub code scanning: one run, every enabled rule with its
//! documentation, results with full regions in UTF-16 columns, URIs relative
//! to `%SRCROOT%`. Serialised straight from borrowed structs.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Report, fingerprint};
use crate::engine::{Finding, RuleSpec, Severity};
use crate::source::{SourceFile, Span};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// GitHub code scanning rejects a run with more results than this; harden
/// keeps the most severe and says how many it left out.
pub const MAX_RESULTS: usize = 25_000;

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

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    invocations: [Invocation; 1],
    original_uri_base_ids: BTreeMap<&'static str, ArtifactLocation>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<Descriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Properties {
    tags: Vec<String>,
    precision: &'static str,
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help_uri: String,
    help: Help,
    default_configuration: Configuration,
    properties: Properties,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
    byte_offset: u32,
    byte_length: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<BorrowedText<'a>>,
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
struct BorrowedText<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct ResultProperties {
    severity: Severity,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: BorrowedText<'a>,
    locations: [Location<'a>; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location<'a>>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    properties: ResultProperties,
}

fn descriptor(spec: &RuleSpec) -> Descriptor {
    let markdown = spec.markdown();
    Descriptor {
        id: spec.id.clone(),
        name: spec.id.clone(),
        short_description: Text {
            text: truncate(&spec.summary, 1024),
        },
        full_description: Text {
            text: truncate(spec.docs.what.trim(), 1024),
        },
        help_uri: super::reference::rule_url(&spec.id),
        help: Help {
            text: markdown.clone(),
            markdown,
        },
        default_configuration: Configuration {
            level: level(spec.severity),
        },
        properties: Properties {
            tags: spec.tags.iter().take(20).cloned().collect(),
            precision: "high",
            security_severity: security_severity(spec.severity),
        },
    }
}

/// Percent-encodes a path for a URI, keeping `/`.
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

fn artifact(path: &str) -> ArtifactLocation {
    if path.starts_with('/') {
        ArtifactLocation {
            uri: format!("file://{}", encode_path(path)),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: encode_path(path),
            uri_base_id: Some("%SRCROOT%"),
        }
    }
}

fn physical(file: &SourceFile, span: Span) -> PhysicalLocation {
    let start = file.position(span.start);
    let end = file.position(span.end);
    PhysicalLocation {
        artifact_location: artifact(&file.path),
        region: Region {
            start_line: start.line,
            start_column: start.column_utf16,
            end_line: end.line,
            end_column: end.column_utf16,
            byte_offset: span.start,
            byte_length: span.len(),
        },
    }
}

fn result<'a>(finding: &'a Finding, enabled: &[usize]) -> SarifResult<'a> {
    SarifResult {
        rule_id: finding.rule_id(),
        rule_index: enabled.binary_search(&finding.rule).ok(),
        level: level(finding.severity),
        message: BorrowedText {
            text: &finding.message,
        },
        locations: [Location {
            id: None,
            message: None,
            physical_location: physical(&finding.file, finding.span),
        }],
        related_locations: finding
            .labels
            .iter()
            .enumerate()
            .map(|(i, label)| Location {
                id: Some(i + 1),
                message: Some(BorrowedText {
                    text: &label.message,
                }),
                physical_location: physical(&finding.file, label.span),
            })
            .chain(
                finding
                    .related
                    .iter()
                    .map(|related| {
                        (
                            related.file.as_ref(),
                            related.span,
                            related.message.as_str(),
                        )
                    })
                    .enumerate()
                    .map(|(i, (file, span, message))| Location {
                        id: Some(finding.labels.len() + i + 1),
                        message: Some(BorrowedText { text: message }),
                        physical_location: physical(file, span),
                    }),
            )
            .collect(),
        partial_fingerprints: BTreeMap::from([("harden/v1", fingerprint(finding))]),
        properties: ResultProperties {
            severity: finding.severity,
        },
    }
}

pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let enabled: Vec<usize> = (0..report.registry.rules.len())
        .filter(|&i| report.enabled[i])
        .collect();
    let mut kept: Vec<usize> = (0..report.findings.len()).collect();
    let mut notifications = Vec::new();
    if kept.len() > MAX_RESULTS {
        kept.sort_by_key(|&i| (std::cmp::Reverse(report.findings[i].severity), i));
        kept.truncate(MAX_RESULTS);
        kept.sort_unstable();
        notifications.push(Notification {
            level: "warning",
            message: Text {
                text: format!(
                    "{} of {} results left out: GitHub code scanning accepts at most {MAX_RESULTS} results per run, so the most severe are kept",
                    report.findings.len() - MAX_RESULTS,
                    report.findings.len()
                ),
            },
        });
    }
    let mut root_uri = format!("file://{}", encode_path(&report.root.to_string_lossy()));
    if !root_uri.ends_with('/') {
        root_uri.push('/');
    }
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "harden",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules: enabled
                        .iter()
                        .map(|&i| descriptor(&report.registry.rules[i].spec))
                        .collect(),
                },
            },
            invocations: [Invocation {
                execution_successful: true,
                tool_execution_notifications: notifications,
            }],
            original_uri_base_ids: BTreeMap::from([(
                "%SRCROOT%",
                ArtifactLocation {
                    uri: root_uri,
                    uri_base_id: None,
                },
            )]),
            column_kind: "utf16CodeUnits",
            results: kept
                .iter()
                .map(|&i| result(&report.findings[i], &enabled))
                .collect(),
        }],
    };
    // Compact: GitHub limits uploads to 10 MB compressed.
    serde_json::to_writer(&mut *out, &log)?;
    out.write_all(b"\n")
}
