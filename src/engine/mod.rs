//! Rules, the registry that holds them, findings, and running checks.

mod baseline;
mod chart;
mod dockerfile;
mod facts;
mod finding;
mod rule;
mod rule_file;
mod run;
mod selection;
pub mod suppress;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

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
    /// The rule's id, shared by its findings.
    pub id: Arc<str>,
    /// The rule file it came from, and the line of its `id`, for error messages.
    pub file: String,
    pub line: u32,
    /// Embedded at build time, as opposed to read from a rules folder.
    pub builtin: bool,
}

/// The rules of a run: the built-in ones, and the custom ones read from
/// rule folders, sorted by id.
pub struct Registry {
    pub rules: Vec<Rule>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.rules.iter().map(|r| &r.spec.id))
            .finish()
    }
}

impl Registry {
    /// Loads built-in rule files (name under `rules/`, text); errors name the
    /// file, the line and the problem.
    pub fn load(files: &[(&str, &str)]) -> Result<Registry, String> {
        let mut rules = Vec::with_capacity(files.len());
        for (name, text) in files {
            let mut rule = rule_file::compile(&format!("rules/{name}"), text)?;
            rule.builtin = true;
            if format!("{}.yaml", rule.spec.id) != *name {
                return Err(format!(
                    "rules/{name}:{}: id `{}` does not match the file name",
                    rule.line, rule.spec.id
                ));
            }
            rules.push(rule);
        }
        rules.sort_by(|a, b| a.spec.id.cmp(&b.spec.id));
        Ok(Registry { rules })
    }

    /// The registry of one run: the built-in rules, the rules of every folder
    /// in `rules_dirs` (an id already taken is an error), then parameter
    /// overrides merged over the rule files' `check.params`.
    pub fn for_run(
        rules_dirs: &[PathBuf],
        overrides: &[(String, serde_json::Value)],
    ) -> Result<Arc<Registry>, String> {
        if rules_dirs.is_empty() && overrides.is_empty() {
            return Ok(Arc::clone(builtin()));
        }
        let mut registry = Registry::load(embedded::RULE_FILES)?;
        registry.add(rule_file::read_dirs(rules_dirs)?)?;
        registry.override_params(overrides)?;
        Ok(Arc::new(registry))
    }

    /// The built-in rules with some rules' parameters replaced: each override
    /// is merged key by key over the rule file's `check.params`.
    pub fn with_params(overrides: &[(String, serde_json::Value)]) -> Result<Registry, String> {
        let mut registry = Registry::load(embedded::RULE_FILES)?;
        registry.override_params(overrides)?;
        Ok(registry)
    }

    /// Adds custom rules; an id that is built in or defined twice is an error.
    fn add(&mut self, custom: Vec<Rule>) -> Result<(), String> {
        for rule in custom {
            if let Some(existing) = self.get(&rule.spec.id) {
                let what = if existing.builtin {
                    "a built-in rule".to_string()
                } else {
                    format!("already defined at {}:{}", existing.file, existing.line)
                };
                return Err(format!(
                    "{}:{}: rule id `{}` is {what}; custom rules need their own ids",
                    rule.file, rule.line, rule.spec.id
                ));
            }
            let at = self
                .rules
                .partition_point(|r| r.spec.id.as_str() < rule.spec.id.as_str());
            self.rules.insert(at, rule);
        }
        Ok(())
    }

    fn override_params(&mut self, overrides: &[(String, serde_json::Value)]) -> Result<(), String> {
        for (id, params) in overrides {
            let Some(index) = self.index_of(id) else {
                return Err(format!("unknown rule `{id}`"));
            };
            let rule = &mut self.rules[index];
            let mut merged = match &rule.spec.check.params {
                serde_json::Value::Object(map) => map.clone(),
                _ => serde_json::Map::new(),
            };
            let serde_json::Value::Object(extra) = params else {
                return Err(format!("parameters of `{id}` must be a mapping"));
            };
            merged.extend(extra.clone());
            let merged = serde_json::Value::Object(merged);
            rule.check = checks::build_rule(&rule.spec.check.template, rule.spec.target, &merged)
                .map_err(|e| format!("rule `{id}`: {e}"))?;
            rule.spec.check.params = merged;
        }
        Ok(())
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
    builtin()
}

/// The built-in rules, shared: what a run without custom rules or parameter
/// overrides uses.
pub fn builtin() -> &'static Arc<Registry> {
    static REGISTRY: OnceLock<Arc<Registry>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        Arc::new(
            Registry::load(embedded::RULE_FILES)
                .unwrap_or_else(|e| panic!("built-in rules failed to load: {e}")),
        )
    })
}
