//! JUnit XML for CI test reports (GitLab, Jenkins, Azure Pipelines).
//!
//! One `<testsuite>` per enabled rule, in rule order: each finding is a
//! failing `<testcase>` named `path:line:col` whose class is the rule id, and
//! a rule without findings is one passing test case named `no findings`.
//! Grouping by rule keeps class names free of dots (Jenkins reads a dotted
//! class name as a package path, which file names like `deploy.yaml` would
//! break) and shows passed checks as passed tests. `file` and `line`
//! attributes let GitLab link to the file. Times are zero and there is no
//! timestamp, so the output is the same bytes on every run.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Report, range};
use crate::engine::Finding;

/// Escapes text for an XML attribute or element. Characters XML 1.0 cannot
/// carry at all (most control characters) become U+FFFD.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut by_rule: BTreeMap<usize, Vec<&Finding>> = BTreeMap::new();
    for finding in report.findings {
        by_rule.entry(finding.rule).or_default().push(finding);
    }
    let rules: Vec<usize> = (0..report.registry.rules.len())
        .filter(|&i| report.enabled.get(i).copied().unwrap_or(false) || by_rule.contains_key(&i))
        .collect();
    let tests: usize = rules
        .iter()
        .map(|i| by_rule.get(i).map_or(1, Vec::len))
        .sum();
    let mut text = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        text,
        "<testsuites name=\"harden\" tests=\"{tests}\" failures=\"{}\" errors=\"0\" time=\"0\">",
        report.findings.len()
    );
    for index in rules {
        let spec = &report.registry.rules[index].spec;
        let id = escape(&spec.id);
        let findings = by_rule.get(&index).map_or(&[][..], Vec::as_slice);
        let _ = writeln!(
            text,
            "  <testsuite name=\"{id}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\" time=\"0\">",
            findings.len().max(1),
            findings.len()
        );
        if findings.is_empty() {
            let _ = writeln!(
                text,
                "    <testcase classname=\"{id}\" name=\"no findings\" time=\"0\"/>"
            );
        }
        let mut names: BTreeMap<String, usize> = BTreeMap::new();
        for finding in findings {
            let (start, _) = range(finding);
            let mut name = format!("{}:{}:{}", finding.file.path, start.line, start.column);
            let seen = names.entry(name.clone()).or_insert(0);
            *seen += 1;
            if *seen > 1 {
                let _ = write!(name, " ({seen})");
            }
            let mut body = format!(
                "{}: {}\nat {}:{}:{}",
                finding.severity, finding.message, finding.file.path, start.line, start.column
            );
            if let Some(object) = &finding.object {
                let _ = write!(body, " in {object}");
            }
            let _ = write!(body, "\n{}", spec.summary);
            let _ = writeln!(
                text,
                "    <testcase classname=\"{id}\" name=\"{}\" file=\"{}\" line=\"{}\" time=\"0\">",
                escape(&name),
                escape(&finding.file.path),
                start.line
            );
            let _ = writeln!(
                text,
                "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                escape(&finding.message),
                finding.severity,
                escape(&body)
            );
            text.push_str("    </testcase>\n");
        }
        text.push_str("  </testsuite>\n");
    }
    text.push_str("</testsuites>\n");
    out.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_drops_what_xml_cannot_hold() {
        assert_eq!(
            escape(r#"a<b>&"c"'d'"#),
            "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;"
        );
        assert_eq!(escape("x\ny\u{1}z"), "x&#10;y\u{fffd}z");
    }
}
