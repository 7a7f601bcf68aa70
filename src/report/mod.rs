//! Output formats. Each format is one module that turns the sorted findings
//! into text; none of them sees a rule's internals.

mod areas;
mod checklist;
mod concise;
mod github;
mod human;
mod json;
mod junit;
pub mod reference;
mod sarif;
mod statistics;

pub use areas::{AREAS, Area, area_of};

pub use sarif::MAX_RESULTS as MAX_SARIF_RESULTS;
pub use statistics::statistics;

use std::path::PathBuf;

use crate::engine::{Finding, Registry, Severity};
use crate::source::Position;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Code frames for people (the default on a terminal).
    Human,
    /// `path:line:col: severity[rule] message`, one finding per line.
    Concise,
    /// A versioned JSON document.
    Json,
    /// SARIF 2.1.0, ready for GitHub code scanning.
    Sarif,
    /// GitHub Actions annotations (the default when `GITHUB_ACTIONS=true`).
    Github,
    /// JUnit XML: one test suite per enabled rule, one failing test case per finding.
    Junit,
    /// A Markdown hardening checklist by area, for a pull-request comment.
    Checklist,
}

impl Format {
    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Concise => "concise",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Junit => "junit",
            Format::Checklist => "checklist",
        }
    }
}

/// Everything a format may print.
pub struct Report<'a> {
    pub registry: &'a Registry,
    /// One flag per registry rule.
    pub enabled: &'a [bool],
    /// Sorted by path, line, column, rule.
    pub findings: &'a [Finding],
    pub files_checked: usize,
    /// The directory paths are relative to (`%SRCROOT%` in SARIF).
    pub root: PathBuf,
    pub color: bool,
    /// Print the summary line in human and concise output.
    pub summary: bool,
}

impl Report<'_> {
    /// Writes the report in `format`.
    pub fn write(&self, format: Format, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        match format {
            Format::Human => human::write(self, out),
            Format::Concise => concise::write(self, out),
            Format::Json => json::write(self, out),
            Format::Sarif => sarif::write(self, out),
            Format::Github => github::write(self, out),
            Format::Junit => junit::write(self, out),
            Format::Checklist => checklist::write(self, out),
        }
    }

    /// The report as a string.
    pub fn render(&self, format: Format) -> String {
        let mut out = Vec::new();
        // Writing into memory cannot fail.
        let _ = self.write(format, &mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    /// "3 findings (1 critical, 2 high) in 2 files; 10 files checked."
    pub fn summary(&self) -> String {
        if self.findings.is_empty() {
            return format!(
                "No findings; {} checked.",
                plural(self.files_checked, "file")
            );
        }
        let counts: Vec<String> = Severity::ALL
            .iter()
            .filter_map(|&severity| {
                let n = self
                    .findings
                    .iter()
                    .filter(|f| f.severity == severity)
                    .count();
                (n > 0).then(|| format!("{n} {severity}"))
            })
            .collect();
        let mut files: Vec<&str> = self.findings.iter().map(|f| f.file.path.as_str()).collect();
        files.dedup();
        format!(
            "{} ({}) in {}; {} checked.",
            plural(self.findings.len(), "finding"),
            counts.join(", "),
            plural(files.len(), "file"),
            plural(self.files_checked, "file"),
        )
    }
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Start and end positions of a finding's span.
pub fn range(finding: &Finding) -> (Position, Position) {
    let file = &finding.file;
    (
        file.position(finding.span.start),
        file.position(finding.span.end),
    )
}

/// A fingerprint that survives edits which move lines: FNV-1a over the rule,
/// the file, the object and the field path; for a finding with neither object
/// nor field path (a Dockerfile line, a broken file), the message and the
/// text of its line instead.
pub fn fingerprint(finding: &Finding) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let anonymous = finding.path.is_empty() && finding.object.is_none();
    let parts = [
        finding.rule_id(),
        finding.file.path.as_str(),
        finding.object.as_deref().unwrap_or(""),
        finding.path.as_str(),
        if anonymous {
            finding.message.as_str()
        } else {
            ""
        },
    ];
    // The line's text joins only anonymous findings, so that the others
    // keep the fingerprints they always had.
    let line = anonymous.then(|| line_text(finding));
    for part in parts.into_iter().chain(line) {
        for byte in part.bytes().chain(std::iter::once(0xff)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// The trimmed text of the line a finding starts on.
fn line_text(finding: &Finding) -> &str {
    let file = &finding.file;
    let text: &str = &file.text;
    let start = (finding.span.start as usize).min(text.len());
    let begin = text
        .get(..start)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let end = text
        .get(start..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| start + i);
    text.get(begin..end).unwrap_or("").trim()
}
