//! A span-preserving YAML tree.
//!
//! Documents are arenas of nodes built from `saphyr-parser` events without
//! recursion (see `build`). Every node keeps its byte span in the source file;
//! aliases share the anchored node instead of copying it, merge keys (`<<`)
//! are applied, and a duplicate key keeps the last value, as go-yaml does, while
//! the duplicate is remembered so that it can be reported.

mod build;
mod resolve;

use std::sync::Arc;

pub use build::{
    Limits, MAX_FLOW_DEPTH, MAX_REPAIRS, ParseError, ParseErrorKind, Parsed, parse_stream,
};
pub use resolve::Scalar;

use crate::source::Span;

pub type NodeId = u32;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Debug)]
enum Text {
    /// The value is exactly the source text of the node's span.
    Source,
    Owned(Box<str>),
}

#[derive(Debug)]
enum Kind {
    Scalar { text: Text, style: Style },
    Seq(Box<[NodeId]>),
    Map(Box<[Entry]>),
}

#[derive(Clone, Copy, Debug)]
pub struct Entry {
    pub key: NodeId,
    pub value: NodeId,
}

#[derive(Debug)]
struct Node {
    span: Span,
    kind: Kind,
    tag: Option<Box<str>>,
}

/// A key that appears twice in one mapping.
#[derive(Clone, Debug)]
pub struct DuplicateKey {
    pub key: String,
    /// The key that go-yaml ignores (the earlier one).
    pub first: Span,
    /// The key whose value wins.
    pub last: Span,
}

/// One YAML document of a stream.
#[derive(Debug)]
pub struct Document {
    src: Arc<str>,
    nodes: Vec<Node>,
    root: Option<NodeId>,
    pub span: Span,
    pub duplicates: Vec<DuplicateKey>,
}

impl Document {
    /// The root node; `None` for an empty document.
    pub fn root(&self) -> Option<NodeRef<'_>> {
        self.root.map(|id| self.node(id))
    }

    pub fn node(&self, id: NodeId) -> NodeRef<'_> {
        NodeRef { doc: self, id }
    }

    pub fn source(&self) -> &Arc<str> {
        &self.src
    }

    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }
}

/// A node together with its document: the handle rules read YAML through.
#[derive(Clone, Copy)]
pub struct NodeRef<'a> {
    doc: &'a Document,
    id: NodeId,
}

impl std::fmt::Debug for NodeRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NodeRef({}, {:?})", self.id, self.span())
    }
}

impl<'a> NodeRef<'a> {
    fn raw(self) -> &'a Node {
        &self.doc.nodes[self.id as usize]
    }

    pub fn id(self) -> NodeId {
        self.id
    }

    pub fn document(self) -> &'a Document {
        self.doc
    }

    pub fn span(self) -> Span {
        self.raw().span
    }

    /// The span to point at when reporting on this node as a whole: for a
    /// mapping, its first entry (`name: app` of a container), otherwise the node.
    pub fn head_span(self) -> Span {
        match &self.raw().kind {
            Kind::Map(entries) if !entries.is_empty() => {
                let first = entries
                    .iter()
                    .min_by_key(|e| self.doc.nodes[e.key as usize].span.start)
                    .copied()
                    .unwrap_or(entries[0]);
                let key = self.doc.nodes[first.key as usize].span;
                let value_node = &self.doc.nodes[first.value as usize];
                let value = value_node.span;
                let one_line = self
                    .doc
                    .src
                    .get(key.start as usize..value.end as usize)
                    .is_some_and(|text| !text.contains('\n') && text.len() < 200);
                if matches!(value_node.kind, Kind::Scalar { .. })
                    && value.start >= key.start
                    && one_line
                {
                    Span::new(key.start, value.end.max(key.end))
                } else {
                    key
                }
            }
            _ => self.span(),
        }
    }

    pub fn tag(self) -> Option<&'a str> {
        self.raw().tag.as_deref()
    }

    pub fn is_map(self) -> bool {
        matches!(self.raw().kind, Kind::Map(_))
    }

    pub fn is_seq(self) -> bool {
        matches!(self.raw().kind, Kind::Seq(_))
    }

    pub fn is_scalar(self) -> bool {
        matches!(self.raw().kind, Kind::Scalar { .. })
    }

    /// The text of a scalar, as written after unquoting; `None` for collections.
    pub fn text(self) -> Option<&'a str> {
        match &self.raw().kind {
            Kind::Scalar {
                text: Text::Source, ..
            } => {
                let span = self.raw().span;
                self.doc.src.get(span.start as usize..span.end as usize)
            }
            Kind::Scalar {
                text: Text::Owned(s),
                ..
            } => Some(s),
            _ => None,
        }
    }

    pub fn style(self) -> Option<Style> {
        match &self.raw().kind {
            Kind::Scalar { style, .. } => Some(*style),
            _ => None,
        }
    }

    /// The scalar resolved as Kubernetes resolves it (YAML 1.1).
    pub fn scalar(self) -> Option<Scalar<'a>> {
        let text = self.text()?;
        let tag = self.tag();
        Some(match (self.style(), tag) {
            (_, Some(tag)) if tag.starts_with("tag:yaml.org,2002:") => {
                Scalar::resolve_tagged(text, &tag["tag:yaml.org,2002:".len()..])
            }
            (Some(Style::Plain), None) => Scalar::resolve_plain(text),
            (Some(Style::Plain), Some(_)) => Scalar::resolve_plain(text),
            _ => Scalar::Str(text),
        })
    }

    /// A string value: quoted strings, and plain scalars that resolve to a string.
    pub fn as_str(self) -> Option<&'a str> {
        match self.scalar()? {
            Scalar::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The scalar's text whatever it resolves to (`80`, `true`, `app`), as
    /// Kubernetes would print a value it accepts in a string field.
    pub fn as_text(self) -> Option<&'a str> {
        match self.scalar()? {
            Scalar::Null => None,
            _ => self.text(),
        }
    }

    pub fn as_bool(self) -> Option<bool> {
        match self.scalar()? {
            Scalar::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_i64(self) -> Option<i64> {
        match self.scalar()? {
            Scalar::Int(i) => Some(i),
            Scalar::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(f as i64),
            _ => None,
        }
    }

    pub fn is_null(self) -> bool {
        matches!(self.scalar(), Some(Scalar::Null))
    }

    /// Mapping entries in source order (after merge keys are applied).
    pub fn entries(self) -> impl Iterator<Item = (NodeRef<'a>, NodeRef<'a>)> + 'a {
        let doc = self.doc;
        let entries: &'a [Entry] = match &self.raw().kind {
            Kind::Map(e) => e,
            _ => &[],
        };
        entries
            .iter()
            .map(move |e| (doc.node(e.key), doc.node(e.value)))
    }

    /// Sequence items; empty for anything else.
    pub fn items(self) -> impl Iterator<Item = NodeRef<'a>> + 'a {
        let doc = self.doc;
        let items: &'a [NodeId] = match &self.raw().kind {
            Kind::Seq(items) => items,
            _ => &[],
        };
        items.iter().map(move |&id| doc.node(id))
    }

    pub fn len(self) -> usize {
        match &self.raw().kind {
            Kind::Seq(items) => items.len(),
            Kind::Map(entries) => entries.len(),
            Kind::Scalar { .. } => 0,
        }
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// The entry whose key is `key`.
    pub fn entry(self, key: &str) -> Option<(NodeRef<'a>, NodeRef<'a>)> {
        let Kind::Map(entries) = &self.raw().kind else {
            return None;
        };
        entries.iter().find_map(|e| {
            let k = self.doc.node(e.key);
            (k.text() == Some(key)).then(|| (k, self.doc.node(e.value)))
        })
    }

    /// The value under `key`, treating an explicit `null` as absent.
    pub fn get(self, key: &str) -> Option<NodeRef<'a>> {
        self.entry(key).map(|(_, v)| v).filter(|v| !v.is_null())
    }

    /// Follows a dotted path of keys (`securityContext.privileged`).
    pub fn path(self, path: &str) -> Option<NodeRef<'a>> {
        path.split('.').try_fold(self, |node, key| node.get(key))
    }

    /// The span of the key under which `key` sits, for reporting on a field.
    pub fn key_span(self, key: &str) -> Option<Span> {
        self.entry(key).map(|(k, _)| k.span())
    }
}

/// Converts a node to JSON with values resolved as Kubernetes resolves them.
/// Iterative, so a deep tree cannot exhaust the stack.
pub fn node_to_json(node: NodeRef<'_>) -> serde_json::Value {
    use serde_json::Value;
    enum Work<'a> {
        Visit(NodeRef<'a>),
        Seq(usize),
        Map(Vec<String>),
    }
    let mut work = vec![Work::Visit(node)];
    let mut values: Vec<Value> = Vec::new();
    while let Some(item) = work.pop() {
        match item {
            Work::Visit(node) => {
                if node.is_seq() {
                    work.push(Work::Seq(node.len()));
                    work.extend(
                        node.items()
                            .collect::<Vec<_>>()
                            .into_iter()
                            .rev()
                            .map(Work::Visit),
                    );
                } else if node.is_map() {
                    let keys = node
                        .entries()
                        .map(|(k, _)| k.text().unwrap_or("").to_string())
                        .collect();
                    work.push(Work::Map(keys));
                    work.extend(
                        node.entries()
                            .map(|(_, v)| v)
                            .collect::<Vec<_>>()
                            .into_iter()
                            .rev()
                            .map(Work::Visit),
                    );
                } else {
                    values.push(match node.scalar() {
                        Some(Scalar::Bool(b)) => Value::Bool(b),
                        Some(Scalar::Int(i)) => Value::from(i),
                        Some(Scalar::Float(f)) => {
                            serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
                        }
                        Some(Scalar::Str(s)) => Value::String(s.to_string()),
                        Some(Scalar::Null) | None => Value::Null,
                    });
                }
            }
            Work::Seq(n) => {
                let items = values.split_off(values.len() - n);
                values.push(Value::Array(items));
            }
            Work::Map(keys) => {
                let items = values.split_off(values.len() - keys.len());
                values.push(Value::Object(keys.into_iter().zip(items).collect()));
            }
        }
    }
    values.pop().unwrap_or(Value::Null)
}

/// Parses a single-document YAML text into JSON; errors give the line.
pub fn to_json(text: &str) -> Result<serde_json::Value, String> {
    let src: Arc<str> = Arc::from(text);
    let parsed = parse_stream(&src, &Limits::default());
    if let Some(error) = parsed.error {
        let line = text[..(error.offset as usize).min(text.len())]
            .matches('\n')
            .count()
            + 1;
        return Err(format!("line {line}: {}", error.message));
    }
    if let Some(duplicate) = parsed.documents.iter().flat_map(|d| &d.duplicates).next() {
        let line = text[..duplicate.last.start as usize].matches('\n').count() + 1;
        return Err(format!("line {line}: duplicate key `{}`", duplicate.key));
    }
    match parsed.documents.as_slice() {
        [document] => Ok(document
            .root()
            .map_or(serde_json::Value::Null, node_to_json)),
        [] => Ok(serde_json::Value::Null),
        _ => Err("expected one YAML document".into()),
    }
}

#[cfg(test)]
mod tests;
