//! A stand-in renderer for the lint tests: just enough of Helm for the
//! test charts (`.Release.Name`, `.Release.Namespace`, `.Values.a.b`,
//! `toYaml .Values.x | nindent N`, `required "msg" .Values.x`, trim
//! markers), recording an origin for every output byte as the real
//! renderer does. It lets the tests pin down how findings in rendered text
//! are mapped back, independently of the renderer's own conformance.

use std::path::Path;

use harden::helm::lint::{
    ChartFiles, ChartRenderer, OutSpan, RenderError, RenderRequest, RenderedChart,
    RenderedTemplate, ValuesOrigin,
};
use harden::source::Span;

#[derive(Debug, Default)]
pub struct FakeRenderer;

/// A values tree whose leaves remember where they were written.
#[derive(Clone, Debug)]
enum Tree {
    Map(Vec<(String, Tree)>),
    Leaf(String, u32),
}

fn load(path: &Path, origins: &mut Vec<ValuesOrigin>) -> Option<Tree> {
    let text = std::fs::read_to_string(path).ok()?;
    let src: std::sync::Arc<str> = text.as_str().into();
    let parsed = harden::yaml::parse_stream(&src, &Default::default());
    let root = parsed.documents.first()?.root()?;
    fn walk(node: harden::yaml::NodeRef<'_>, path: &Path, origins: &mut Vec<ValuesOrigin>) -> Tree {
        let mut entries = Vec::new();
        for (k, v) in node.entries() {
            let key = k.text().unwrap_or("").to_string();
            if v.is_map() {
                entries.push((key, walk(v, path, origins)));
            } else {
                origins.push(ValuesOrigin {
                    path: path.to_path_buf(),
                    span: Span::new(k.span().start, v.span().end),
                });
                let index = origins.len() as u32 - 1;
                entries.push((key, Tree::Leaf(v.text().unwrap_or("").to_string(), index)));
            }
        }
        Tree::Map(entries)
    }
    Some(walk(root, path, origins))
}

fn merge(base: &mut Tree, over: Tree) {
    match (base, over) {
        (Tree::Map(base), Tree::Map(over)) => {
            for (key, value) in over {
                match base.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, existing)) => merge(existing, value),
                    None => base.push((key, value)),
                }
            }
        }
        (base, over) => *base = over,
    }
}

fn lookup<'a>(tree: &'a Tree, path: &str) -> Option<&'a Tree> {
    path.split('.').try_fold(tree, |node, key| match node {
        Tree::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
        Tree::Leaf(..) => None,
    })
}

/// `toYaml` of a tree: one line per leaf, each with its origin.
fn to_yaml(tree: &Tree, indent: usize, lines: &mut Vec<(String, Option<u32>)>) {
    if let Tree::Map(entries) = tree {
        for (key, value) in entries {
            match value {
                Tree::Leaf(text, origin) => lines.push((
                    format!("{}{key}: {text}", " ".repeat(indent)),
                    Some(*origin),
                )),
                Tree::Map(_) => {
                    lines.push((format!("{}{key}:", " ".repeat(indent)), None));
                    to_yaml(value, indent + 2, lines);
                }
            }
        }
    }
}

struct Out {
    text: String,
    spans: Vec<OutSpan>,
    template: String,
}

impl Out {
    fn push(&mut self, text: &str, offset: u32, value: Option<u32>) {
        if text.is_empty() {
            return;
        }
        let start = self.text.len() as u32;
        self.text.push_str(text);
        self.spans.push(OutSpan {
            start,
            end: self.text.len() as u32,
            template: self.template.clone(),
            offset,
            value,
        });
    }

    /// `{{-`: drops the whitespace written just before.
    fn trim_end(&mut self) {
        let kept = self.text.trim_end().len() as u32;
        self.text.truncate(kept as usize);
        self.spans.retain(|s| s.start < kept);
        if let Some(last) = self.spans.last_mut() {
            last.end = last.end.min(kept);
        }
    }
}

fn render_template(
    name: &str,
    source: &str,
    values: &Tree,
) -> Result<(String, Vec<OutSpan>), RenderError> {
    let mut out = Out {
        text: String::new(),
        spans: Vec::new(),
        template: name.to_string(),
    };
    let mut at = 0;
    while let Some(open) = source[at..].find("{{").map(|i| at + i) {
        out.push(&source[at..open], at as u32, None);
        let close = source[open..]
            .find("}}")
            .map(|i| open + i)
            .expect("closed action");
        let mut inner = &source[open + 2..close];
        if let Some(rest) = inner.strip_prefix('-') {
            out.trim_end();
            inner = rest;
        }
        let inner = inner.trim();
        let offset = open as u32;
        let error = |message: String| {
            let line = source[..open].matches('\n').count() as u32 + 1;
            let col = (open - source[..open].rfind('\n').map_or(0, |i| i + 1)) as u32 + 1;
            RenderError {
                message: format!("execution error at ({name}:{line}:{col}): {message}"),
                template: Some(name.to_string()),
                line,
                col,
            }
        };
        match inner.split_whitespace().collect::<Vec<_>>().as_slice() {
            [".Release.Name"] => out.push("release-name", offset, None),
            [".Release.Namespace"] => out.push("default", offset, None),
            [path] if path.starts_with(".Values.") => {
                if let Some(Tree::Leaf(text, origin)) = lookup(values, &path[8..]) {
                    out.push(text, offset, Some(*origin));
                }
            }
            ["toYaml", path, "|", "nindent", n] => {
                let indent: usize = n.parse().unwrap();
                let mut lines = Vec::new();
                if let Some(tree) = lookup(values, &path[8..]) {
                    to_yaml(tree, indent, &mut lines);
                }
                for (line, origin) in lines {
                    out.push("\n", offset, None);
                    out.push(&line, offset, origin);
                }
            }
            ["required", ..] => {
                let message = inner.split('"').nth(1).unwrap_or("").to_string();
                let path = inner.rsplit(' ').next().unwrap_or("");
                match lookup(values, &path[8..]) {
                    Some(Tree::Leaf(text, origin)) => out.push(text, offset, Some(*origin)),
                    _ => return Err(error(message)),
                }
            }
            other => return Err(error(format!("unsupported action {other:?}"))),
        }
        at = close + 2;
    }
    out.push(&source[at..], at as u32, None);
    Ok((out.text, out.spans))
}

impl ChartRenderer for FakeRenderer {
    fn render(&self, request: &RenderRequest<'_>) -> Result<RenderedChart, RenderError> {
        let chart = ChartFiles::load(request.chart_dir, "");
        let mut origins = Vec::new();
        let mut templates = Vec::new();
        let mut pending = vec![(&chart, chart.name(), true)];
        while let Some((part, full, top)) = pending.pop() {
            let mut values =
                load(&part.dir.join("values.yaml"), &mut origins).unwrap_or(Tree::Map(Vec::new()));
            if top {
                for file in request.values_files {
                    if let Some(over) = load(file, &mut origins) {
                        merge(&mut values, over);
                    }
                }
            }
            for template in &part.templates {
                let relative = part.relative(template);
                let base = relative.rsplit('/').next().unwrap_or("");
                if base.starts_with('_') || base == "NOTES.txt" {
                    continue;
                }
                let name = format!("{full}/{relative}");
                let (text, spans) = render_template(&name, &template.text, &values)?;
                templates.push(RenderedTemplate {
                    is_test: relative.starts_with("templates/tests/"),
                    name,
                    text,
                    spans,
                });
            }
            for sub in &part.subcharts {
                pending.push((sub, format!("{full}/charts/{}", sub.name()), false));
            }
        }
        templates.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(RenderedChart { templates, origins })
    }
}
