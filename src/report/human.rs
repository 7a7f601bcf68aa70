//! Code frames for people, drawn by miette. This is the only module that
//! touches miette.

use std::fmt;
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use super::Report;
use crate::engine::{Finding, Related, Severity};
use crate::source::SourceFile;

pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let theme = if report.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false)
        .with_context_lines(1);
    let mut text = String::new();
    for (i, finding) in report.findings.iter().enumerate() {
        text.clear();
        if i > 0 {
            text.push('\n');
        }
        let related: Vec<RelatedDiagnostic> = finding
            .related
            .iter()
            .map(|r| RelatedDiagnostic {
                related: r,
                source: Indexed(Arc::clone(&r.file)),
            })
            .collect();
        let diagnostic = FindingDiagnostic {
            finding,
            source: Indexed(Arc::clone(&finding.file)),
            related,
        };
        if handler.render_report(&mut text, &diagnostic).is_err() {
            text.push_str(&format!("{}: {}\n", finding.file.path, finding.message));
        }
        out.write_all(text.as_bytes())?;
    }
    if report.summary {
        if !report.findings.is_empty() {
            writeln!(out)?;
        }
        writeln!(out, "{}", report.summary())?;
    }
    Ok(())
}

/// A source file that answers miette through its line index, so a code frame
/// costs the same at the end of a large file as at its start.
struct Indexed(Arc<SourceFile>);

impl SourceCode for Indexed {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let file = &self.0;
        let text = file.text.as_bytes();
        let start = span.offset().min(text.len());
        let end = (span.offset() + span.len()).min(text.len());
        if start > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let lines = &file.lines;
        if context_lines_before == 0 && context_lines_after == 0 {
            // The exact span: miette takes the header's line and column from it.
            let line = lines.line_of(start as u32);
            let line_start = lines.line_start(line) as usize;
            let column = file
                .text
                .get(line_start..start)
                .map_or(0, |p| p.chars().count());
            return Ok(Box::new(MietteSpanContents::new_named(
                file.path.clone(),
                &text[start..end],
                (start, end - start).into(),
                line,
                column,
                1,
            )));
        }
        let first = lines
            .line_of(start as u32)
            .saturating_sub(context_lines_before);
        let last_of_span = lines.line_of(end.saturating_sub(1).max(start) as u32);
        let last = (last_of_span + context_lines_after).min(lines.line_count() - 1);
        let from = lines.line_start(first) as usize;
        let to = if last + 1 < lines.line_count() {
            lines.line_start(last + 1) as usize
        } else {
            text.len()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            file.path.clone(),
            &text[from..to],
            (from, to - from).into(),
            first,
            0,
            last - first + 1,
        )))
    }
}

struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    source: Indexed,
    related: Vec<RelatedDiagnostic<'a>>,
}

/// A location in another file, drawn as a second frame under the finding.
struct RelatedDiagnostic<'a> {
    related: &'a Related,
    source: Indexed,
}

impl fmt::Debug for RelatedDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.related.message)
    }
}

impl fmt::Display for RelatedDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.related.message)
    }
}

impl std::error::Error for RelatedDiagnostic<'_> {}

impl Diagnostic for RelatedDiagnostic<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.related.span;
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(
                Some(self.related.message.clone()),
                (span.start as usize, span.len() as usize),
            ),
        )))
    }
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!(
            "{}[{}]",
            self.finding.severity,
            self.finding.rule_id()
        )))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Critical | Severity::High => miette::Severity::Error,
            Severity::Medium => miette::Severity::Warning,
            Severity::Low | Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!(
            "run `harden explain {}` for why and how to fix",
            self.finding.rule_id()
        )))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.finding.span;
        let primary =
            LabeledSpan::new_primary_with_span(None, (span.start as usize, span.len() as usize));
        let secondary = self.finding.labels.iter().map(|label| {
            LabeledSpan::new_with_span(
                Some(label.message.clone()),
                (label.span.start as usize, label.span.len() as usize),
            )
        });
        Some(Box::new(std::iter::once(primary).chain(secondary)))
    }
}
