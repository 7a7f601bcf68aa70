//! `--statistics`: how many findings each rule reported, most first.

use std::collections::BTreeMap;

use crate::engine::{Finding, Registry};

/// One line per rule: count, rule id, severity and summary; empty without findings.
pub fn statistics(registry: &Registry, findings: &[Finding]) -> String {
    let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
    for finding in findings {
        *counts.entry(finding.rule).or_insert(0) += 1;
    }
    let mut rows: Vec<(usize, &str, usize)> = counts
        .into_iter()
        .filter_map(|(rule, n)| {
            registry
                .rules
                .get(rule)
                .map(|r| (n, r.spec.id.as_str(), rule))
        })
        .collect();
    rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    let count_width = rows.first().map_or(1, |r| r.0.to_string().len());
    let id_width = rows.iter().map(|r| r.1.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (n, id, rule) in rows {
        let spec = &registry.rules[rule].spec;
        let severities: Vec<_> = findings
            .iter()
            .filter(|f| f.rule == rule)
            .map(|f| f.severity)
            .collect();
        // Some rules grade their findings: show the worst.
        let severity = severities.iter().max().copied().unwrap_or(spec.severity);
        out.push_str(&format!(
            "{n:>count_width$}  {id:<id_width$}  {:<8}  {}\n",
            severity.as_str(),
            spec.summary
        ));
    }
    out
}
