//! Pointing findings in rendered text back at the files people edit: the
//! template line that wrote the offending text (the primary location) and
//! the values-file line the value came from (a related location).

use std::collections::HashMap;
use std::sync::Arc;

use super::render::OutSpan;
use crate::engine::Finding;
use crate::source::{SourceFile, Span};

/// A values node: its file and span; `None` when the file cannot be read.
pub type ValuesNode = Option<(Arc<SourceFile>, Span)>;

/// How to map one rendered template back to its sources.
#[derive(Debug)]
pub struct RenderMap {
    /// The rendered text, as linted.
    pub rendered: Arc<SourceFile>,
    pub spans: Vec<OutSpan>,
    /// Template sources by template name (`mychart/templates/x.yaml`).
    pub templates: Arc<HashMap<String, Arc<SourceFile>>>,
    /// Values nodes by origin index: the values file and the node's span.
    pub origins: Arc<Vec<ValuesNode>>,
    /// Which values set produced this render, when the chart was rendered
    /// with more than one.
    pub values_set: Option<String>,
    /// The template belongs to a dependency vendored under `charts/`.
    pub in_subchart: bool,
}

impl RenderMap {
    /// The out-span that wrote byte `at`, or the last one before it.
    fn locate(&self, at: u32) -> Option<&OutSpan> {
        let index = self.spans.partition_point(|s| s.start <= at);
        let span = self.spans.get(index.checked_sub(1)?)?;
        Some(span)
    }

    /// The template span that wrote rendered bytes `span`.
    pub fn source_of(&self, span: Span) -> Option<(Arc<SourceFile>, Span)> {
        let first = self.locate(span.start)?;
        let file = self.templates.get(&first.template)?;
        let start = self.template_point(first, file, span.start);
        let last_byte = span.end.saturating_sub(1).max(span.start);
        let last = self.locate(last_byte)?;
        let end = if last.template == first.template {
            self.template_end(last, file, last_byte)
        } else {
            line_end(file, start)
        };
        let end = if end > start {
            end
        } else {
            line_end(file, start)
        };
        Some((Arc::clone(file), Span::new(start, end.max(start))))
    }

    /// True when the out-span's output is the template text itself.
    fn is_literal(&self, out: &OutSpan, file: &SourceFile) -> bool {
        let length = out.end.saturating_sub(out.start);
        let written = self.rendered.text.get(out.start as usize..out.end as usize);
        let source = file
            .text
            .get(out.offset as usize..(out.offset + length) as usize);
        written.is_some() && written == source
    }

    fn template_point(&self, out: &OutSpan, file: &SourceFile, at: u32) -> u32 {
        if self.is_literal(out, file) && at < out.end {
            out.offset + (at - out.start)
        } else {
            out.offset.min(file.text.len() as u32)
        }
    }

    fn template_end(&self, out: &OutSpan, file: &SourceFile, last_byte: u32) -> u32 {
        if self.is_literal(out, file) && last_byte < out.end {
            out.offset + (last_byte - out.start) + 1
        } else {
            action_end(file, out.offset)
        }
    }

    /// The values nodes that wrote part of rendered bytes `span` (at most
    /// a few, in output order), or, when none did, those that wrote part of
    /// the same rendered line.
    pub fn values_of(&self, span: Span) -> Vec<(Arc<SourceFile>, Span)> {
        const MAX: usize = 3;
        let overlapping = |from: u32, to: u32| {
            let mut found: Vec<u32> = Vec::new();
            for s in &self.spans {
                if s.start < to.max(from + 1)
                    && from < s.end
                    && let Some(origin) = s.value
                    && !found.contains(&origin)
                {
                    found.push(origin);
                }
            }
            found
        };
        let mut origins = overlapping(span.start, span.end);
        if origins.is_empty() {
            let lines = &self.rendered.lines;
            let line = lines.line_of(span.start);
            let from = lines.line_start(line);
            let to = if line + 1 < lines.line_count() {
                lines.line_start(line + 1)
            } else {
                self.rendered.text.len() as u32
            };
            origins = overlapping(from, to);
        }
        let mut out: Vec<(Arc<SourceFile>, Span)> = Vec::new();
        for origin in origins {
            if let Some(Some((file, span))) = self.origins.get(origin as usize)
                && !out.iter().any(|(f, s)| f.path == file.path && s == span)
            {
                out.push((Arc::clone(file), *span));
            }
            if out.len() == MAX {
                break;
            }
        }
        out
    }

    /// Moves a finding from the rendered text to the template, with the
    /// values line as a related location and labels mapped the same way.
    pub fn remap(&self, finding: &mut Finding) {
        let rendered_span = finding.span;
        let values = self.values_of(rendered_span);
        if let Some((file, span)) = self.source_of(rendered_span) {
            finding.file = file;
            finding.span = span;
        }
        let labels = std::mem::take(&mut finding.labels);
        for label in labels {
            if let Some((file, span)) = self.source_of(label.span) {
                if Arc::ptr_eq(&file, &finding.file) {
                    finding.with_label(span, label.message);
                } else {
                    finding.with_related(&file, span, label.message);
                }
            }
        }
        for (file, span) in values {
            finding.with_related(&file, span, "the value comes from here");
        }
        if let Some(set) = &self.values_set {
            finding.message = format!("{} (values: {set})", finding.message);
        }
    }
}

/// The end of the action that starts at `offset` (after its `}}`), or the
/// end of the line when there is none.
fn action_end(file: &SourceFile, offset: u32) -> u32 {
    let text = &file.text;
    let from = (offset as usize).min(text.len());
    let line_end = line_end(file, offset) as usize;
    match text[from..line_end.max(from)].find("}}") {
        Some(at) => (from + at + 2) as u32,
        None => line_end as u32,
    }
}

/// The end of the line holding `offset`, without its newline.
fn line_end(file: &SourceFile, offset: u32) -> u32 {
    let text = &file.text;
    let from = (offset as usize).min(text.len());
    match text[from..].find('\n') {
        Some(at) => (from + at) as u32,
        None => text.len() as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(template: &str, rendered: &str, spans: Vec<OutSpan>) -> RenderMap {
        let file = Arc::new(SourceFile::new("c/templates/t.yaml", template));
        let values = Arc::new(SourceFile::new("c/values.yaml", "ro: false\n"));
        RenderMap {
            rendered: Arc::new(SourceFile::new("c/templates/t.yaml", rendered)),
            spans,
            templates: Arc::new(HashMap::from([("c/templates/t.yaml".to_string(), file)])),
            origins: Arc::new(vec![Some((values, Span::new(4, 9)))]),
            values_set: None,
            in_subchart: false,
        }
    }

    fn out(start: u32, end: u32, offset: u32, value: Option<u32>) -> OutSpan {
        OutSpan {
            start,
            end,
            template: "c/templates/t.yaml".into(),
            offset,
            value,
        }
    }

    #[test]
    fn literal_text_maps_byte_for_byte_and_actions_to_the_action() {
        let template = "kind: Pod\nro: {{ .Values.ro }}\n";
        let rendered = "kind: Pod\nro: false\n";
        let m = map(
            template,
            rendered,
            vec![
                out(0, 14, 0, None),
                out(14, 19, 14, Some(0)),
                out(19, 20, 30, None),
            ],
        );
        let (_, span) = m.source_of(Span::new(0, 4)).unwrap();
        assert_eq!(&template[span.start as usize..span.end as usize], "kind");
        let (_, span) = m.source_of(Span::new(14, 19)).unwrap();
        assert_eq!(
            &template[span.start as usize..span.end as usize],
            "{{ .Values.ro }}"
        );
        let values = m.values_of(Span::new(14, 19));
        assert_eq!(values.len(), 1);
        assert_eq!(values[0].0.path, "c/values.yaml");
        assert_eq!(values[0].1, Span::new(4, 9));
        // A finding on the key finds the value written on its line.
        assert_eq!(m.values_of(Span::new(10, 12)).len(), 1);
        assert!(m.values_of(Span::new(0, 4)).is_empty());
    }
}
