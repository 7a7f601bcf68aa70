//! Reading rule files, built-in or a user's: every error names the file, the
//! line and the column of the key or value it is about.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::Rule;
use super::rule::RuleSpec;
use crate::checks;
use crate::source::{SourceFile, Span};
use crate::yaml::{Limits, NodeRef, node_to_json, parse_stream};

/// Rule files larger than this are refused.
const MAX_RULE_FILE_BYTES: u64 = 1024 * 1024;

/// Reads and compiles one rule file; `path` is how errors name it.
pub fn compile(path: &str, text: &str) -> Result<Rule, String> {
    let file = SourceFile::new(path, text);
    let at = |span: Span, message: &str| {
        let position = file.position(span.start);
        format!("{path}:{}:{}: {message}", position.line, position.column)
    };
    let parsed = parse_stream(&file.text, &Limits::default());
    if let Some(error) = &parsed.error {
        return Err(at(
            Span::empty(error.offset),
            &format!("invalid YAML: {}", error.message),
        ));
    }
    if let Some(duplicate) = parsed.documents.iter().flat_map(|d| &d.duplicates).next() {
        return Err(at(
            duplicate.last,
            &format!("key `{}` appears twice", duplicate.key),
        ));
    }
    let root = match parsed.documents.as_slice() {
        [document] => document.root(),
        [] => None,
        [_, second, ..] => {
            return Err(at(
                second.span,
                "a rule file holds one rule; this is a second YAML document",
            ));
        }
    };
    let Some(root) = root.filter(|r| r.is_map()) else {
        return Err(at(
            Span::empty(0),
            "expected a mapping with `id`, `target`, `severity`, `tags`, `summary`, `docs` and `check`",
        ));
    };
    let spec: RuleSpec = serde_path_to_error::deserialize(node_to_json(root)).map_err(|e| {
        let segments = path_segments(e.path());
        let mut message = e.inner().to_string();
        if message.starts_with("missing field") && !segments.is_empty() {
            message.push_str(&format!(" in `{}`", segments.join(".")));
        }
        at(locate(root, &segments), &message)
    })?;
    if !valid_id(&spec.id) {
        let span = root.entry("id").map_or(root.span(), |(_, v)| v.span());
        return Err(at(
            span,
            &format!(
                "rule id `{}` must be kebab-case: lowercase letters, digits and `-`",
                spec.id
            ),
        ));
    }
    let check = checks::build_rule(&spec.check.template, spec.target, &spec.check.params).map_err(
        |error| {
            let mut segments = vec!["check".to_string()];
            if error.message.starts_with("unknown check template") {
                segments.push("template".into());
            } else {
                segments.push("params".into());
                segments.extend(error.param.iter().flat_map(|p| path_segments_of(p)));
            }
            let inside = error
                .position
                .and_then(|(line, column)| within_value(&file, root, &segments, line, column));
            at(
                inside.unwrap_or_else(|| locate(root, &segments)),
                &error.message,
            )
        },
    )?;
    let id_span = root.entry("id").map_or(root.span(), |(_, v)| v.span());
    Ok(Rule {
        id: Arc::from(spec.id.as_str()),
        spec,
        check,
        file: path.to_string(),
        line: file.position(id_span.start).line,
        builtin: false,
    })
}

/// Reads every `*.yaml` and `*.yml` file directly inside each folder, in name
/// order. Symbolic links and subfolders are not followed, so a folder can hold
/// example manifests beside its rules.
pub fn read_dirs(dirs: &[PathBuf]) -> Result<Vec<Rule>, String> {
    let mut rules = Vec::new();
    for dir in dirs {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| format!("cannot read rules folder {}: {e}", dir.display()))?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
            .collect();
        files.sort();
        for file in files {
            rules.push(read_one(&file)?);
        }
    }
    Ok(rules)
}

fn read_one(file: &Path) -> Result<Rule, String> {
    let display = file.display().to_string();
    let too_large = std::fs::metadata(file).is_ok_and(|m| m.len() > MAX_RULE_FILE_BYTES);
    if too_large {
        return Err(format!("{display}: rule file is larger than 1 MiB"));
    }
    let text = std::fs::read_to_string(file).map_err(|e| format!("{display}: cannot read: {e}"))?;
    compile(&display, &text)
}

/// Rule ids are kebab-case, as the built-in ones are.
fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The place in the file of `line` and `column` (1-based) of a text value on
/// `segments`, when that line of the text appears verbatim in the source (a
/// plain or quoted one-line value, or a literal block); `None` otherwise.
fn within_value(
    file: &SourceFile,
    root: NodeRef<'_>,
    segments: &[String],
    line: usize,
    column: usize,
) -> Option<Span> {
    let node = segments
        .iter()
        .try_fold(root, |node, key| node.get(key))
        .filter(|n| n.is_scalar())?;
    let text = node.text()?;
    let wanted = text.lines().nth(line.checked_sub(1)?)?;
    let source = file.slice(node.span());
    let start = source.find(wanted)?;
    let within: usize = wanted
        .chars()
        .take(column.checked_sub(1)?)
        .map(char::len_utf8)
        .sum();
    let offset = node.span().start + u32::try_from(start + within).ok()?;
    Some(Span::empty(offset))
}

/// The keys and indices of a deserializer error's path.
fn path_segments(path: &serde_path_to_error::Path) -> Vec<String> {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Map { key } => Some(key.clone()),
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Enum { variant } => Some(variant.clone()),
            Segment::Unknown => None,
        })
        .collect()
}

/// `a.b[2].c` as segments.
fn path_segments_of(path: &str) -> Vec<String> {
    path.split(['.', '[', ']'])
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The span of the deepest node on `segments` that exists: the key of a
/// mapping entry, the item of a sequence, or the root.
fn locate(root: NodeRef<'_>, segments: &[String]) -> Span {
    let mut node = root;
    let mut span = root.head_span();
    for segment in segments {
        if node.is_seq() {
            match segment
                .parse::<usize>()
                .ok()
                .and_then(|i| node.items().nth(i))
            {
                Some(item) => {
                    span = item.span();
                    node = item;
                }
                None => break,
            }
        } else {
            match node.entry(segment) {
                Some((key, value)) => {
                    span = key.span();
                    node = value;
                }
                None => break,
            }
        }
    }
    span
}
