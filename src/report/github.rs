//! GitHub Actions workflow commands: one `::error`, `::warning` or
//! `::notice` annotation per finding, which the Actions runner shows on the
//! changed lines of a pull request.

use super::{Report, range};
use crate::engine::Severity;

/// Escapes the message part of a workflow command.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (`file=`, `title=`) of a workflow command.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    for finding in report.findings {
        let level = match finding.severity {
            Severity::Critical | Severity::High => "error",
            Severity::Medium => "warning",
            Severity::Low | Severity::Info => "notice",
        };
        let (start, end) = range(finding);
        writeln!(
            out,
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&finding.file.path),
            start.line,
            start.column,
            end.line,
            end.column,
            escape_property(&format!("{}[{}]", finding.severity, finding.rule_id())),
            escape_data(&finding.message),
        )?;
    }
    if report.summary {
        writeln!(out, "{}", report.summary())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{escape_data, escape_property};

    #[test]
    fn workflow_command_escaping() {
        assert_eq!(escape_data("50% of a\nb"), "50%25 of a%0Ab");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
