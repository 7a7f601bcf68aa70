//! The Markdown rule reference under `docs/rules/`: one page per rule, built
//! from the rule's documentation, and an index grouped by area. The pages are
//! committed; a test fails when they drift from the rule files, and SARIF's
//! `helpUri` points at them.

use std::fmt::Write as _;

use super::areas::{AREAS, area_of};
use crate::engine::{Registry, RuleSpec};

/// The repository the reference is published in (`[package] repository`).
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// Where the reference lives, relative to the repository root.
pub const DIR: &str = "docs/rules";

const GENERATED: &str = "<!-- Generated from the rule files by `HARDEN_UPDATE_DOCS=1 cargo test --test docs`; do not edit. -->";

/// The published page of a rule.
pub fn rule_url(id: &str) -> String {
    format!("{REPOSITORY}/blob/main/{DIR}/{id}.md")
}

/// A rule's page: its documentation, then where it sits.
pub fn rule_page(spec: &RuleSpec) -> String {
    let area = area_of(spec);
    let mut page = format!("{GENERATED}\n\n{}", spec.markdown());
    let _ = write!(
        page,
        "\n---\n\nArea: [{}](README.md#{}). Target: `{}`. Defined in [`rules/{id}.yaml`](../../rules/{id}.yaml).\n",
        area.title(),
        area.slug(),
        spec.target.as_str(),
        id = spec.id,
    );
    page
}

/// The index: every rule, grouped by area, with its severity and summary.
pub fn index(registry: &Registry) -> String {
    let mut page = format!(
        "{GENERATED}\n\n# Rules\n\nharden has {} built-in rules. `harden rules` lists them and \
         `harden explain RULE` prints a page. Rules marked *opt-in* run only when selected \
         (`--select RULE`, a tag, or `all`).\n",
        registry.rules.len()
    );
    for area in AREAS {
        let rules: Vec<&RuleSpec> = registry
            .rules
            .iter()
            .map(|r| &r.spec)
            .filter(|s| area_of(s) == area)
            .collect();
        if rules.is_empty() {
            continue;
        }
        let _ = write!(
            page,
            "\n## {}\n\n| Rule | Severity | Target | Summary |\n|---|---|---|---|\n",
            area.title()
        );
        for spec in rules {
            let _ = writeln!(
                page,
                "| [`{id}`]({id}.md) | {} | {} | {}{} |",
                spec.severity,
                spec.target.as_str(),
                spec.summary.replace('|', "\\|"),
                if spec.opt_in { " *(opt-in)*" } else { "" },
                id = spec.id,
            );
        }
    }
    page
}

/// Every file of the reference: (file name, content), the index last.
pub fn pages(registry: &Registry) -> Vec<(String, String)> {
    let mut pages: Vec<(String, String)> = registry
        .rules
        .iter()
        .map(|r| (format!("{}.md", r.spec.id), rule_page(&r.spec)))
        .collect();
    pages.push(("README.md".to_string(), index(registry)));
    pages
}
