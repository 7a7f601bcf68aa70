//! Rules, the registry that holds them, findings, and running checks.

mod baseline;
mod chart;
mod dockerfile;
mod facts;
mod finding;
mod rule;
mod run;
mod selection;
pub mod suppress;

use std::sync::OnceLock;

pub use baseline::Baseline;
pub use chart::{ChartSettings, lint_chart, lint_values};
pub use dockerfile::lint_dockerfile;
pub use facts::{Facts, ServiceAccountRef, Unless};
pub use finding::{Cx, Finding, KubeVersion, Label, Related, SetCx, Settings};
pub use rule::{CheckSpec, Docs, RuleSpec, Severity, Target};
pub use run::{
    FileOutcome, FileStatus, MAX_FILE_BYTES, Unreadable, input_finding, lint_source, read_source,
    source_from_bytes,
};
pub use selection::Selection;

use crate::checks::{self, Check};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/rules.rs"));
}

/// What happens to findings once every file is checked: severity overrides,
/// configured exceptions and the baseline. Inline comments and annotations
/// come from the files themselves.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Severity by rule id, replacing the rule's own.
    pub severity: Vec<(String, Severity)>,
    pub exceptions: Vec<suppress::Exception>,
    /// Only findings this baseline does not hold are reported.
    pub baseline: Option<Baseline>,
}

impl Filter {
    /// Gives findings the severity the configuration sets for their rule.
    pub fn override_severity(&self, registry: &Registry, findings: &mut [Finding]) {
        for (id, severity) in &self.severity {
            if let Some(rule) = registry.index_of(id) {
                for finding in findings.iter_mut().filter(|f| f.rule == rule) {
                    finding.severity = *severity;
                }
            }
        }
    }
}

/// A rule: its metadata and its compiled check.
pub struct Rule {
    pub spec: RuleSpec,
    pub check: Box<dyn Check>,
    /// The rule file it came from, for error messages.
    pub file: String,
}

/// Every built-in rule, sorted by id.
pub struct Registry {
    pub rules: Vec<Rule>,
}

impl Registry {
    /// Loads rule files (name, text); errors name the file and the problem.
    pub fn load(files: &[(&str, &str)]) -> Result<Registry, String> {
        let mut rules = Vec::with_capacity(files.len());
        for (name, text) in files {
            let spec = parse_rule(text).map_err(|e| format!("rules/{name}: {e}"))?;
            if format!("{}.yaml", spec.id) != *name {
                return Err(format!(
                    "rules/{name}: id `{}` does not match the file name",
                    spec.id
                ));
            }
            let check = checks::build(&spec.check.template, &spec.check.params)
                .map_err(|e| format!("rules/{name}: {e}"))?;
            rules.push(Rule {
                spec,
                check,
                file: format!("rules/{name}"),
            });
        }
        rules.sort_by(|a, b| a.spec.id.cmp(&b.spec.id));
        Ok(Registry { rules })
    }

    /// The built-in rules with some rules' parameters replaced: each override
    /// is merged key by key over the rule file's `check.params`.
    pub fn with_params(overrides: &[(String, serde_json::Value)]) -> Result<Registry, String> {
        let mut registry = Registry::load(embedded::RULE_FILES)?;
        for (id, params) in overrides {
            let Some(index) = registry.index_of(id) else {
                return Err(format!("unknown rule `{id}`"));
            };
            let rule = &mut registry.rules[index];
            let mut merged = match &rule.spec.check.params {
                serde_json::Value::Object(map) => map.clone(),
                _ => serde_json::Map::new(),
            };
            let serde_json::Value::Object(extra) = params else {
                return Err(format!("parameters of `{id}` must be a mapping"));
            };
            merged.extend(extra.clone());
            let merged = serde_json::Value::Object(merged);
            rule.check = checks::build(&rule.spec.check.template, &merged)
                .map_err(|e| format!("rule `{id}`: {e}"))?;
            rule.spec.check.params = merged;
        }
        Ok(registry)
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.rules
            .binary_search_by(|r| r.spec.id.as_str().cmp(id))
            .ok()
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.index_of(id).map(|i| &self.rules[i])
    }
}

/// Reads one rule file through harden's own YAML layer.
pub fn parse_rule(text: &str) -> Result<RuleSpec, String> {
    let value = crate::yaml::to_json(text)?;
    serde_json::from_value(value).map_err(|e| e.to_string())
}

/// The built-in rules. They are embedded at build time and a test loads them,
/// so a failure here is a defect of the build, not of the input.
pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        Registry::load(embedded::RULE_FILES)
            .unwrap_or_else(|e| panic!("built-in rules failed to load: {e}"))
    })
}
