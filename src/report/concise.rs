//! `path:line:col: severity[rule] message`: one line per finding, for editors
//! (the VS Code problem matcher reads it) and grep.

use super::{Report, range};

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for finding in report.findings {
        let (start, _) = range(finding);
        out.push_str(&format!(
            "{}:{}:{}: {}[{}] {}\n",
            finding.file.path,
            start.line,
            start.column,
            finding.severity,
            finding.rule_id(),
            finding.message
        ));
    }
    out
}
