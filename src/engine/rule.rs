//! Rule metadata, read from the rule files under `rules/`.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// How bad a finding is. Ordered from least to most severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(text))
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a rule looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    File,
    Object,
    Pod,
    Container,
    Volume,
    Dockerfile,
    /// A Helm chart's own files: `Chart.yaml`, values files, template text.
    Chart,
}

impl Target {
    pub fn as_str(self) -> &'static str {
        match self {
            Target::File => "file",
            Target::Object => "object",
            Target::Pod => "pod",
            Target::Container => "container",
            Target::Volume => "volume",
            Target::Dockerfile => "dockerfile",
            Target::Chart => "chart",
        }
    }
}

/// The fixed sections of a rule's documentation.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Docs {
    pub what: String,
    pub why: String,
    pub example: String,
    pub fix: String,
    pub references: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckSpec {
    pub template: String,
    #[serde(default)]
    pub params: serde_json::Value,
}

/// A rule file as written.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub id: String,
    pub target: Target,
    pub severity: Severity,
    pub tags: Vec<String>,
    pub summary: String,
    /// Off unless selected.
    #[serde(default, alias = "opt-in")]
    pub opt_in: bool,
    pub docs: Docs,
    /// Ids of the same check in other tools, by tool.
    #[serde(default)]
    pub equivalents: BTreeMap<String, Vec<String>>,
    pub check: CheckSpec,
}

impl RuleSpec {
    /// The documentation as Markdown: what `harden explain` prints and SARIF's help carries.
    pub fn markdown(&self) -> String {
        let mut out = format!("# {}\n\n{}\n\n", self.id, self.summary);
        out.push_str(&format!(
            "Severity: {}. Tags: {}.{}\n\n",
            self.severity,
            self.tags.join(", "),
            if self.opt_in {
                " Off unless selected."
            } else {
                ""
            }
        ));
        out.push_str(&format!("## What it does\n\n{}\n\n", self.docs.what.trim()));
        out.push_str(&format!(
            "## Why it matters\n\n{}\n\n",
            self.docs.why.trim()
        ));
        let language = match self.target {
            Target::Dockerfile => "dockerfile",
            _ => "yaml",
        };
        out.push_str(&format!(
            "## Example\n\n```{language}\n{}\n```\n\n",
            self.docs.example.trim_end()
        ));
        out.push_str(&format!("## How to fix it\n\n{}\n\n", self.docs.fix.trim()));
        out.push_str("## References\n\n");
        for reference in &self.docs.references {
            out.push_str(&format!("- {reference}\n"));
        }
        if !self.equivalents.is_empty() {
            out.push_str("\n## Equivalent checks\n\n");
            for (tool, ids) in &self.equivalents {
                out.push_str(&format!("- {tool}: {}\n", ids.join(", ")));
            }
        }
        out
    }
}
