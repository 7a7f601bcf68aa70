//! A Markdown hardening checklist for a pull-request comment: one section per
//! area (pod security, host access, images …), each enabled rule an item that
//! passed or failed, failed items first with links to their findings
//! (`path#Lline`, relative to the repository root), passed items folded away.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::areas::{AREAS, Area, area_of};
use super::reference::rule_url;
use super::{Report, plural, range};
use crate::engine::Finding;

/// How many findings are listed under one item (the rest are counted): the
/// first of these that keeps the checklist within `MAX_BYTES`.
const LISTED: [usize; 5] = [10, 5, 2, 1, 0];

/// GitHub refuses comments longer than 65,536 characters; stay below.
const MAX_BYTES: usize = 60_000;

const FAILED: &str = "❌";
const PASSED: &str = "✅";

/// Escapes text so that Markdown shows it as written.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '<' | '>' | '(' | ')' | '#' | '|'
            | '!' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A relative link target: percent-encodes what would end or break the link.
fn link(path: &str) -> String {
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

struct Item<'a> {
    rule: usize,
    findings: Vec<&'a Finding>,
}

pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut text = String::new();
    for listed in LISTED {
        text = render(report, listed);
        if text.len() <= MAX_BYTES {
            break;
        }
    }
    out.write_all(text.as_bytes())
}

fn render(report: &Report, listed: usize) -> String {
    let mut by_rule: BTreeMap<usize, Vec<&Finding>> = BTreeMap::new();
    for finding in report.findings {
        by_rule.entry(finding.rule).or_default().push(finding);
    }
    let mut areas: BTreeMap<Area, Vec<Item>> = BTreeMap::new();
    for (index, rule) in report.registry.rules.iter().enumerate() {
        let findings = by_rule.remove(&index).unwrap_or_default();
        if !report.enabled.get(index).copied().unwrap_or(false) && findings.is_empty() {
            continue;
        }
        areas.entry(area_of(&rule.spec)).or_default().push(Item {
            rule: index,
            findings,
        });
    }
    let checks: usize = areas.values().map(Vec::len).sum();
    let failed_checks: usize = areas
        .values()
        .flatten()
        .filter(|i| !i.findings.is_empty())
        .count();
    let failed_areas = areas
        .values()
        .filter(|items| items.iter().any(|i| !i.findings.is_empty()))
        .count();

    let mut text = String::from("## harden hardening checklist\n\n");
    if failed_checks == 0 {
        let _ = writeln!(
            text,
            "{PASSED} **All {} passed.** {}\n",
            plural(checks, "check"),
            report.summary()
        );
    } else {
        let _ = writeln!(
            text,
            "{FAILED} **{failed_checks} of {} failed** in {failed_areas} of {}. {}\n",
            plural(checks, "check"),
            plural(areas.len(), "area"),
            report.summary()
        );
    }
    if failed_checks > 0 && listed == 0 {
        text.push_str("*Too many findings to list in one comment; the counts are below.*\n\n");
    } else if failed_checks > 0 && listed < LISTED[0] {
        let _ = writeln!(
            text,
            "*The first {} of each check are listed, to fit in one comment.*\n",
            plural(listed, "finding")
        );
    }
    text.push_str("| | Area | Checks passed | Findings |\n|---|---|---|---|\n");
    for area in AREAS {
        let Some(items) = areas.get(&area) else {
            continue;
        };
        let failed = items.iter().filter(|i| !i.findings.is_empty()).count();
        let findings: usize = items.iter().map(|i| i.findings.len()).sum();
        let _ = writeln!(
            text,
            "| {} | {} | {} / {} | {findings} |",
            if failed > 0 { FAILED } else { PASSED },
            area.title(),
            items.len() - failed,
            items.len()
        );
    }
    for area in AREAS {
        let Some(items) = areas.get(&area) else {
            continue;
        };
        write_area(report, &mut text, area, items, listed);
    }
    text
}

fn write_area(report: &Report, text: &mut String, area: Area, items: &[Item], listed: usize) {
    let failed: Vec<&Item> = items.iter().filter(|i| !i.findings.is_empty()).collect();
    let passed: Vec<&Item> = items.iter().filter(|i| i.findings.is_empty()).collect();
    if failed.is_empty() {
        let _ = writeln!(
            text,
            "\n### {PASSED} {}: {} passed\n",
            area.title(),
            passed.len()
        );
    } else {
        let _ = writeln!(
            text,
            "\n### {FAILED} {}: {} failed, {} passed\n",
            area.title(),
            failed.len(),
            passed.len()
        );
    }
    for item in &failed {
        let spec = &report.registry.rules[item.rule].spec;
        let worst = item
            .findings
            .iter()
            .map(|f| f.severity)
            .max()
            .unwrap_or(spec.severity);
        let _ = writeln!(
            text,
            "- {FAILED} **[`{}`]({})** {}: {} ({worst})",
            spec.id,
            rule_url(&spec.id),
            escape(&spec.summary),
            plural(item.findings.len(), "finding")
        );
        for finding in item.findings.iter().take(listed) {
            let (start, _) = range(finding);
            let _ = writeln!(
                text,
                "  - [`{path}:{line}`]({target}#L{line}) {}",
                escape(&finding.message),
                path = finding.file.path.replace('`', "'"),
                target = link(&finding.file.path),
                line = start.line,
            );
        }
        if listed > 0 && item.findings.len() > listed {
            let _ = writeln!(text, "  - … and {} more", item.findings.len() - listed);
        }
    }
    if passed.is_empty() {
        return;
    }
    if !failed.is_empty() {
        text.push('\n');
    }
    let _ = writeln!(
        text,
        "<details><summary>{} passed</summary>\n",
        plural(passed.len(), "check")
    );
    for item in &passed {
        let spec = &report.registry.rules[item.rule].spec;
        // The id alone: summaries name the problem, which reads wrongly
        // next to a passed mark; no link, to leave room for the failures.
        let _ = writeln!(text, "- {PASSED} `{}`", spec.id);
    }
    text.push_str("\n</details>\n");
}

#[cfg(test)]
mod tests {
    use super::{escape, link};

    #[test]
    fn markdown_is_escaped() {
        assert_eq!(escape("a_b *c* [d](e) |f|"), r"a\_b \*c\* \[d\]\(e\) \|f\|");
        assert_eq!(link("k8s/my app(1).yaml"), "k8s/my%20app%281%29.yaml");
    }
}
