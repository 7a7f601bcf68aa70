//! Reading one file and running the enabled rules on its objects.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use super::finding::{Cx, Finding, Settings};
use super::{Facts, Registry, Target};
use crate::checks::ExpressionScratch;
use crate::k8s::Object;
use crate::source::{SourceFile, Span};
use crate::yaml::{Limits, ParseErrorKind, parse_stream};

/// Files larger than this are reported, not read.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// What became of one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileStatus {
    /// Read and checked; the number of Kubernetes objects in it.
    Checked { objects: usize },
    /// Valid YAML or JSON, but no document is a Kubernetes object.
    NotKubernetes,
    /// Reported as `invalid-input`.
    Invalid,
    /// Not read, with the reason (shown in verbose mode).
    Skipped(String),
}

#[derive(Debug)]
pub struct FileOutcome {
    pub path: String,
    pub status: FileStatus,
    pub findings: Vec<Finding>,
    pub facts: Facts,
    /// What set rules kept of this file's objects, by rule index.
    pub records: Vec<(usize, crate::checks::Record)>,
    /// Things verbose output tells (expression rules that could not be evaluated).
    pub notes: Vec<String>,
    /// Inline comments and annotations, applied once every finding is known.
    pub suppressions: Vec<super::suppress::Suppression>,
    /// For a rendered chart: how to map findings of set rules in its
    /// rendered text back to template and values lines.
    pub renders: Vec<Arc<crate::helm::lint::RenderMap>>,
}

/// Why a file could not be turned into text.
pub struct Unreadable {
    pub file: Arc<SourceFile>,
    pub offset: u32,
    pub message: String,
}

/// Reads a file as text: UTF-8 (a BOM is dropped by the parser), or UTF-16
/// with a BOM. Oversized, binary and undecodable files are `Unreadable`.
pub fn read_source(path: &Path, display: &str) -> Result<Arc<SourceFile>, Unreadable> {
    let unreadable = |text: String, offset: u32, message: String| Unreadable {
        file: Arc::new(SourceFile::new(display, text)),
        offset,
        message,
    };
    let too_large = || {
        format!(
            "file is larger than {} MiB; not read (limit `max-file-size`)",
            MAX_FILE_BYTES / (1024 * 1024)
        )
    };
    let file = std::fs::File::open(path)
        .map_err(|e| unreadable(String::new(), 0, format!("cannot read file: {e}")))?;
    if file.metadata().is_ok_and(|m| m.len() > MAX_FILE_BYTES) {
        return Err(unreadable(String::new(), 0, too_large()));
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| unreadable(String::new(), 0, format!("cannot read file: {e}")))?;
    source_from_bytes(bytes, display)
}

/// Turns bytes read elsewhere (standard input) into a source file, with the
/// same size limit and decoding as files on disk.
pub fn source_from_bytes(bytes: Vec<u8>, display: &str) -> Result<Arc<SourceFile>, Unreadable> {
    let unreadable = |text: String, offset: u32, message: String| Unreadable {
        file: Arc::new(SourceFile::new(display, text)),
        offset,
        message,
    };
    if bytes.len() as u64 > MAX_FILE_BYTES {
        let message = format!(
            "file is larger than the {} MiB limit; not read",
            MAX_FILE_BYTES / (1024 * 1024)
        );
        return Err(unreadable(String::new(), 0, message));
    }
    decode(bytes, display).map_err(|(text, offset, message)| unreadable(text, offset, message))
}

/// Decodes file bytes; on failure returns the readable prefix, the offset of
/// the problem and a message.
fn decode(bytes: Vec<u8>, display: &str) -> Result<Arc<SourceFile>, (String, u32, String)> {
    let utf16 = match bytes.as_slice() {
        [0xFF, 0xFE, rest @ ..] => Some((rest, u16::from_le_bytes as fn([u8; 2]) -> u16)),
        [0xFE, 0xFF, rest @ ..] => Some((rest, u16::from_be_bytes as fn([u8; 2]) -> u16)),
        _ => None,
    };
    if let Some((rest, read)) = utf16 {
        return decode_utf16(rest, read).map(|text| Arc::new(SourceFile::new(display, text)));
    }
    if let Some(nul) = bytes.iter().take(8192).position(|&b| b == 0) {
        let prefix = String::from_utf8_lossy(&bytes[..nul]).into_owned();
        let offset = prefix.len() as u32;
        return Err((prefix, offset, "binary file (NUL byte)".to_string()));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Arc::new(SourceFile::new(display, text))),
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            let bytes = error.into_bytes();
            let text = String::from_utf8_lossy(&bytes).into_owned();
            Err((
                text,
                valid as u32,
                format!("not UTF-8 text (invalid byte at offset {valid})"),
            ))
        }
    }
}

/// Decodes UTF-16 after its byte order mark. On failure the decoded prefix
/// is kept, so the finding points at the line and column of the problem.
fn decode_utf16(bytes: &[u8], read: fn([u8; 2]) -> u16) -> Result<String, (String, u32, String)> {
    let units = bytes.chunks_exact(2).map(|c| read([c[0], c[1]]));
    let mut text = String::with_capacity(bytes.len() / 2);
    for (index, unit) in char::decode_utf16(units).enumerate() {
        match unit {
            Ok(c) => text.push(c),
            Err(_) => {
                let offset = text.len() as u32;
                // Units before it plus the byte order mark.
                let at = 2 + 2 * (index + text.chars().filter(|c| c.len_utf16() == 2).count());
                return Err((
                    text,
                    offset,
                    format!("invalid UTF-16 text (unpaired surrogate at byte offset {at})"),
                ));
            }
        }
    }
    if bytes.len() % 2 == 1 {
        let offset = text.len() as u32;
        return Err((
            text,
            offset,
            "invalid UTF-16 text (odd number of bytes)".to_string(),
        ));
    }
    Ok(text)
}

/// A finding about the input itself.
pub fn input_finding(
    registry: &Registry,
    file: &Arc<SourceFile>,
    offset: u32,
    message: String,
) -> Finding {
    let rule = registry
        .index_of("invalid-input")
        .expect("invalid-input is built in");
    let end = file.text[offset as usize..]
        .char_indices()
        .nth(1)
        .map_or(offset, |(i, _)| offset + i as u32);
    Finding {
        rule,
        rule_id: Arc::clone(&registry.rules[rule].id),
        severity: registry.rules[rule].spec.severity,
        file: Arc::clone(file),
        span: Span::new(offset, end),
        message,
        labels: Vec::new(),
        related: Vec::new(),
        object: None,
        path: String::new(),
        unless: None,
    }
}

/// Parses a source file and runs the enabled rules on every object in it.
pub fn lint_source(
    file: &Arc<SourceFile>,
    registry: &Registry,
    enabled: &[bool],
    settings: &Settings,
) -> FileOutcome {
    let mut findings = Vec::new();
    let parsed = parse_stream(&file.text, &Limits::default());
    let mut objects_seen = 0;
    let mut facts = Facts::default();
    let mut records = Vec::new();
    let mut notes = Vec::new();
    let duplicate_rule = registry.index_of("duplicate-key");
    let mut suppressions = if file.text.contains("harden:ignore") {
        super::suppress::inline_comments(file)
    } else {
        Vec::new()
    };
    for document in &parsed.documents {
        let objects = Object::all_in(document);
        if objects.is_empty() {
            continue;
        }
        objects_seen += objects.len();
        if let Some(rule) = duplicate_rule.filter(|&r| enabled[r]) {
            let mut cx = Cx {
                settings,
                file,
                rule,
                rule_id: &registry.rules[rule].id,
                severity: registry.rules[rule].spec.severity,
                object: None,
                findings: &mut findings,
                scratch: None,
            };
            for duplicate in &document.duplicates {
                cx.report(
                    duplicate.first,
                    format!(
                        "key `{}` appears twice; Kubernetes keeps only the last value",
                        duplicate.key
                    ),
                )
                .with_label(duplicate.last, "this value wins");
            }
        }
        for object in &objects {
            facts.observe(object);
            let scratch = ExpressionScratch::default();
            suppressions.extend(super::suppress::annotations(
                file,
                object,
                &object_identity(object),
            ));
            for (index, rule) in registry.rules.iter().enumerate() {
                if !enabled[index]
                    || matches!(
                        rule.spec.target,
                        Target::File | Target::Dockerfile | Target::Chart
                    )
                {
                    continue;
                }
                let mut cx = Cx {
                    settings,
                    file,
                    rule: index,
                    rule_id: &rule.id,
                    severity: rule.spec.severity,
                    object: Some(object_identity(object)),
                    findings: &mut findings,
                    scratch: Some(&scratch),
                };
                rule.check.check(&mut cx, object);
                if rule.check.needs_set()
                    && let Some(record) = rule.check.project(object, file)
                {
                    records.push((index, record));
                }
            }
            notes.extend(scratch.take_errors().into_iter().map(|error| {
                let at = file.position(error.span.start);
                format!(
                    "{}:{}:{}: rule `{}` could not be evaluated on {}, so it did not fire: {}",
                    file.path,
                    at.line,
                    at.column,
                    error.rule,
                    object.display_name(),
                    error.message
                )
            }));
        }
    }
    let mut status = if objects_seen > 0 {
        FileStatus::Checked {
            objects: objects_seen,
        }
    } else {
        FileStatus::NotKubernetes
    };
    if let Some(error) = parsed.error {
        let message = match error.kind {
            ParseErrorKind::Syntax => format!("invalid YAML: {}", error.message),
            ParseErrorKind::Limit(limit) => format!("{} (limit `{limit}`)", error.message),
        };
        if registry
            .index_of("invalid-input")
            .is_some_and(|r| enabled[r])
        {
            findings.push(input_finding(registry, file, error.offset, message));
        }
        if objects_seen == 0 {
            status = FileStatus::Invalid;
        }
    }
    FileOutcome {
        path: file.path.clone(),
        status,
        findings,
        facts,
        records,
        notes,
        suppressions,
        renders: Vec::new(),
    }
}

/// `Kind/namespace/name` (namespace left out when unset).
fn object_identity(object: &Object) -> String {
    match (object.namespace, object.name) {
        (Some(ns), Some(name)) => format!("{}/{}/{}", object.kind, ns, name),
        (None, Some(name)) => format!("{}/{}", object.kind, name),
        _ => object.kind.to_string(),
    }
}
