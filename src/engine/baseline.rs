//! Baselines: the findings a team has accepted for now, recorded by
//! fingerprint so that later runs report only new ones.
//!
//! A fingerprint does not depend on line numbers (see
//! [`crate::report::fingerprint`]), so inserting lines above a finding keeps
//! it baselined. The baseline counts each fingerprint: two identical findings
//! in the baseline absorb two findings of a later run, and a third one is new.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::finding::Finding;
use crate::report::fingerprint;

const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

/// One accepted finding; only `fingerprint` is read back, the rest is there
/// for people reviewing the file.
#[derive(Serialize, Deserialize)]
struct Entry {
    fingerprint: String,
    rule: String,
    path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    object: Option<String>,
    message: String,
}

/// The accepted findings, as counts by fingerprint.
#[derive(Clone, Debug, Default)]
pub struct Baseline {
    counts: HashMap<String, usize>,
}

impl Baseline {
    /// Reads a baseline written by [`Baseline::write`].
    pub fn read(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
        let file: File = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a harden baseline: {e}", path.display()))?;
        if file.version != VERSION {
            return Err(format!(
                "{}: baseline version {} is not supported (expected {VERSION})",
                path.display(),
                file.version
            ));
        }
        let mut counts = HashMap::new();
        for entry in file.findings {
            *counts.entry(entry.fingerprint).or_insert(0) += 1;
        }
        Ok(Baseline { counts })
    }

    /// The baseline file for `findings` (sorted, so the file is stable).
    pub fn render(findings: &[Finding]) -> String {
        let file = File {
            version: VERSION,
            findings: findings
                .iter()
                .map(|f| Entry {
                    fingerprint: fingerprint(f),
                    rule: f.rule_id().to_string(),
                    path: f.file.path.clone(),
                    object: f.object.clone(),
                    message: f.message.clone(),
                })
                .collect(),
        };
        let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Removes the findings the baseline accepts; returns how many.
    pub fn filter(&self, findings: &mut Vec<Finding>) -> usize {
        let mut left = self.counts.clone();
        let before = findings.len();
        findings.retain(|f| match left.get_mut(&fingerprint(f)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        });
        before - findings.len()
    }
}
