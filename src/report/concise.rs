//! `path:line:col: severity[rule] message`: one line per finding, for editors
//! (the VS Code problem matcher reads it) and grep.

use super::{Report, range};

pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    for finding in report.findings {
        let (start, _) = range(finding);
        writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            finding.file.path,
            start.line,
            start.column,
            finding.severity,
            finding.rule_id(),
            finding.message
        )?;
    }
    if report.summary {
        writeln!(out, "{}", report.summary())?;
    }
    Ok(())
}
