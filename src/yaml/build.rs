//! Builds `Document` arenas from `saphyr-parser` events.
//!
//! The builder keeps an explicit stack of open collections, so nesting depth
//! costs heap, never native stack. Node ids are given when a node completes
//! (children before parents), so no placeholder is ever patched.
//!
//! go-yaml (a libyaml port, and what Kubernetes reads manifests with) accepts
//! two layouts that saphyr rejects: a quoted scalar continued on a line indented
//! less than its key, and a flow collection closed at a lesser indent. Both
//! are whitespace-only differences: the builder re-parses with spaces inserted
//! at the start of the offending line, which changes no value (leading blanks of
//! continuation lines are folded away), and maps every offset back.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Tag};

use super::{Document, DuplicateKey, Entry, Kind, Node, NodeId, Style, Text};
use crate::source::Span;

/// Explicit bounds on what one file may cost.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Deepest nesting of collections.
    pub max_depth: usize,
    /// Documents in one stream.
    pub max_documents: usize,
    /// Nodes that aliases may add to one document when expanded.
    pub max_alias_expansion: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 256,
            max_documents: 100_000,
            max_alias_expansion: 1_000_000,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseErrorKind {
    Syntax,
    /// A limit of `Limits` was hit; the payload names it.
    Limit(&'static str),
}

#[derive(Clone, Debug)]
pub struct ParseError {
    pub kind: ParseErrorKind,
    pub message: String,
    /// Byte offset of the error in the original text.
    pub offset: u32,
}

/// The documents read before any error, and the error that stopped the read.
#[derive(Debug, Default)]
pub struct Parsed {
    pub documents: Vec<Document>,
    pub error: Option<ParseError>,
}

/// Re-reads of one file with repaired indentation; each costs a full parse.
pub const MAX_REPAIRS: usize = 64;

/// Flow collections (`[`, `{`) nest at most this deep: the parser counts
/// their levels in a byte and refuses the 256th.
pub const MAX_FLOW_DEPTH: usize = 255;

/// Parses every document of a YAML stream.
pub fn parse_stream(src: &Arc<str>, limits: &Limits) -> Parsed {
    let mut insertions: Vec<(u32, u32)> = Vec::new();
    let mut repaired = String::new();
    for _ in 0..=MAX_REPAIRS {
        let text: &str = if insertions.is_empty() {
            src
        } else {
            &repaired
        };
        let offsets = OffsetMap {
            insertions: &insertions,
        };
        let outcome = Builder::new(src, text, &offsets, limits).run();
        let Err(Failure::Scan(error, parsed)) = outcome else {
            return match outcome {
                Ok(parsed) => parsed,
                Err(Failure::Other(parsed)) => parsed,
                Err(Failure::Scan(..)) => unreachable!(),
            };
        };
        let points = repair_points(text, &error, &offsets, &insertions);
        if points.is_empty() {
            return parsed;
        }
        insertions.extend(points);
        insertions.sort_unstable();
        repaired = apply_insertions(src, &insertions);
    }
    Parsed {
        documents: Vec::new(),
        error: Some(ParseError {
            kind: ParseErrorKind::Limit("max-layout-repairs"),
            message: format!(
                "indentation that go-yaml accepts needed more than {MAX_REPAIRS} re-reads"
            ),
            offset: 0,
        }),
    }
}

/// Inserted runs of spaces, as (offset in the original text, count), sorted.
struct OffsetMap<'a> {
    insertions: &'a [(u32, u32)],
}

impl OffsetMap<'_> {
    /// Maps an offset in the repaired text back to the original text.
    fn original(&self, mut offset: u32) -> u32 {
        let mut shift = 0;
        for &(at, count) in self.insertions {
            let repaired_at = at + shift;
            if offset < repaired_at {
                break;
            }
            if offset < repaired_at + count {
                return at;
            }
            shift += count;
        }
        offset -= shift;
        offset
    }
}

fn apply_insertions(src: &str, insertions: &[(u32, u32)]) -> String {
    let extra: u32 = insertions.iter().map(|&(_, n)| n).sum();
    let mut out = String::with_capacity(src.len() + extra as usize);
    let mut last = 0usize;
    for &(at, count) in insertions {
        out.push_str(&src[last..at as usize]);
        out.extend(std::iter::repeat_n(' ', count as usize));
        last = at as usize;
    }
    out.push_str(&src[last..]);
    out
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Where to insert spaces so that saphyr accepts what libyaml accepts, if the
/// error is one of the two whitespace-only differences.
fn repair_points(
    text: &str,
    error: &ScanError,
    offsets: &OffsetMap,
    done: &[(u32, u32)],
) -> Vec<(u32, u32)> {
    let Some(at) = char_to_byte(text, error.marker().index()) else {
        return Vec::new();
    };
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let line = &text[line_start..line_end];
    let mut points = Vec::new();
    match error.info() {
        "invalid indentation in quoted scalar" => {
            // The marker is at the opening quote: indent every continuation
            // line of the scalar past the line it starts on.
            let target = indent_of(line) + 2;
            let Some(quote) = text[at..].find(['"', '\'']).map(|i| at + i) else {
                return points;
            };
            let close = closing_quote(text, quote);
            let mut cursor = line_end;
            while cursor < close {
                let start = cursor + 1;
                let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
                let current = indent_of(&text[start..end]);
                if current < target && !text[start..end].trim().is_empty() {
                    points.push((offsets.original(start as u32), (target - current) as u32));
                }
                cursor = end;
            }
        }
        "invalid indentation in flow construct" | "invalid indentation" => {
            let content = line.trim_start_matches(' ');
            if error.info() == "invalid indentation" && !content.starts_with([']', '}']) {
                return points;
            }
            let Some(previous) = text[..line_start.saturating_sub(1)]
                .rsplit('\n')
                .find(|l| !l.trim().is_empty())
            else {
                return points;
            };
            let target = indent_of(previous) + 2;
            let current = indent_of(line);
            if target > current {
                points.push((
                    offsets.original(line_start as u32),
                    (target - current) as u32,
                ));
            }
        }
        _ => {}
    }
    points.retain(|&(o, _)| !done.iter().any(|&(d, _)| d == o));
    points
}

/// The offset just past the quote that closes the scalar opened at `open`.
fn closing_quote(text: &str, open: usize) -> usize {
    let bytes = text.as_bytes();
    let quote = bytes[open];
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// saphyr reports character indices; this finds the byte offset.
fn char_to_byte(text: &str, index: usize) -> Option<usize> {
    if text.is_ascii() {
        return Some(index.min(text.len()));
    }
    Some(
        text.char_indices()
            .nth(index)
            .map_or(text.len(), |(b, _)| b),
    )
}

/// Character index → byte offset, in O(log n) per lookup. Empty for ASCII.
struct CharMap {
    /// (char index of a multi-byte char, extra bytes of all multi-byte chars up to and including it)
    points: Vec<(u32, u32)>,
}

impl CharMap {
    fn new(text: &str) -> Self {
        let mut points = Vec::new();
        if !text.is_ascii() {
            let mut extra = 0u32;
            for (index, c) in text.chars().enumerate() {
                let len = c.len_utf8() as u32;
                if len > 1 {
                    extra += len - 1;
                    points.push((index as u32, extra));
                }
            }
        }
        CharMap { points }
    }

    fn byte(&self, char_index: usize) -> u32 {
        let c = char_index as u32;
        let before = self.points.partition_point(|&(i, _)| i < c);
        let extra = if before == 0 {
            0
        } else {
            self.points[before - 1].1
        };
        c + extra
    }
}

enum Failure {
    Scan(ScanError, Parsed),
    Other(Parsed),
}

struct Frame {
    start: u32,
    anchor: usize,
    tag: Option<Box<str>>,
    is_map: bool,
    flow: bool,
    children: Vec<NodeId>,
}

struct Builder<'s> {
    src: &'s Arc<str>,
    text: &'s str,
    offsets: &'s OffsetMap<'s>,
    limits: &'s Limits,
    chars: CharMap,
    documents: Vec<Document>,
    // The document being built.
    nodes: Vec<Node>,
    weights: Vec<u64>,
    alias_weight: u64,
    duplicates: Vec<DuplicateKey>,
    /// Anchor ids (unique within the stream) to their nodes, so that an
    /// alias costs the same however many anchors came before it.
    anchors: HashMap<usize, NodeId>,
    stack: Vec<Frame>,
    spare: Vec<Vec<NodeId>>,
    root: Option<NodeId>,
    doc_start: u32,
    last_end: u32,
}

impl<'s> Builder<'s> {
    fn new(src: &'s Arc<str>, text: &'s str, offsets: &'s OffsetMap, limits: &'s Limits) -> Self {
        Builder {
            src,
            text,
            offsets,
            limits,
            chars: CharMap::new(text),
            documents: Vec::new(),
            nodes: Vec::new(),
            weights: Vec::new(),
            alias_weight: 0,
            duplicates: Vec::new(),
            anchors: HashMap::new(),
            stack: Vec::new(),
            spare: Vec::new(),
            root: None,
            doc_start: 0,
            last_end: 0,
        }
    }

    /// The byte offset in the original text of a character index that saphyr
    /// reported. Markers can point one past the last character (and past it at
    /// the end of a directive line), so the result is clamped to the text.
    fn offset(&self, char_index: usize) -> u32 {
        let byte = self.chars.byte(char_index).min(self.text.len() as u32);
        self.offsets.original(byte).min(self.src.len() as u32)
    }

    fn fail(mut self, kind: ParseErrorKind, message: String, offset: u32) -> Failure {
        self.stack.clear();
        Failure::Other(Parsed {
            documents: std::mem::take(&mut self.documents),
            error: Some(ParseError {
                kind,
                message,
                offset,
            }),
        })
    }

    fn run(mut self) -> Result<Parsed, Failure> {
        let mut parser = Parser::new_from_str(self.text);
        loop {
            let (event, span) = match parser.next_event() {
                None => break,
                Some(Ok(pair)) => pair,
                Some(Err(error)) if error.info() == "recursion limit exceeded" => {
                    let offset = self.offset(error.marker().index());
                    let message =
                        format!("flow collections nested deeper than {MAX_FLOW_DEPTH} levels");
                    return Err(self.fail(
                        ParseErrorKind::Limit("max-flow-depth"),
                        message,
                        offset,
                    ));
                }
                Some(Err(error)) => {
                    let offset = self.offset(error.marker().index());
                    let parsed = Parsed {
                        documents: std::mem::take(&mut self.documents),
                        error: Some(ParseError {
                            kind: ParseErrorKind::Syntax,
                            message: error.info().to_string(),
                            offset,
                        }),
                    };
                    return Err(Failure::Scan(error, parsed));
                }
            };
            let start = self.offset(span.start.index());
            let end = self.offset(span.end.index());
            match event {
                Event::StreamEnd => break,
                Event::Nothing | Event::StreamStart => {}
                Event::DocumentStart(_) => {
                    if self.documents.len() >= self.limits.max_documents {
                        let message = format!(
                            "more than {} documents in one file",
                            self.limits.max_documents
                        );
                        return Err(self.fail(
                            ParseErrorKind::Limit("max-documents"),
                            message,
                            start,
                        ));
                    }
                    self.doc_start = start;
                    self.last_end = start;
                }
                Event::DocumentEnd => self.finish_document(end),
                Event::Alias(anchor) => {
                    let Some(&target) = self.anchors.get(&anchor) else {
                        return Err(self.fail(
                            ParseErrorKind::Syntax,
                            "alias to an unknown or unfinished anchor".into(),
                            start,
                        ));
                    };
                    self.alias_weight = self
                        .alias_weight
                        .saturating_add(self.weights[target as usize]);
                    if self.alias_weight > self.limits.max_alias_expansion {
                        let message = format!(
                            "aliases expand to more than {} nodes",
                            self.limits.max_alias_expansion
                        );
                        return Err(self.fail(
                            ParseErrorKind::Limit("max-alias-expansion"),
                            message,
                            start,
                        ));
                    }
                    self.attach(target);
                }
                Event::Scalar(value, style, anchor, tag) => {
                    self.scalar(value, style, anchor, tag, start, end);
                }
                Event::SequenceStart(anchor, tag) => {
                    self.open(false, anchor, tag, start)?;
                }
                Event::MappingStart(anchor, tag) => {
                    self.open(true, anchor, tag, start)?;
                }
                Event::SequenceEnd | Event::MappingEnd => self.close(end),
            }
        }
        if !self.nodes.is_empty() || self.root.is_some() {
            let end = self.last_end;
            self.finish_document(end);
        }
        Ok(Parsed {
            documents: self.documents,
            error: None,
        })
    }

    fn open(
        &mut self,
        is_map: bool,
        anchor: usize,
        tag: Option<Cow<'_, Tag>>,
        start: u32,
    ) -> Result<(), Failure> {
        if self.stack.len() >= self.limits.max_depth {
            let message = format!("nesting deeper than {} levels", self.limits.max_depth);
            let parsed = Parsed {
                documents: std::mem::take(&mut self.documents),
                error: Some(ParseError {
                    kind: ParseErrorKind::Limit("max-depth"),
                    message,
                    offset: start,
                }),
            };
            return Err(Failure::Other(parsed));
        }
        let flow = matches!(self.src.as_bytes().get(start as usize), Some(b'[' | b'{'));
        let children = self.spare.pop().unwrap_or_default();
        self.stack.push(Frame {
            start,
            anchor,
            tag: tag.map(tag_text),
            is_map,
            flow,
            children,
        });
        Ok(())
    }

    fn scalar(
        &mut self,
        value: Cow<'_, str>,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<Cow<'_, Tag>>,
        start: u32,
        end: u32,
    ) {
        let style = match style {
            ScalarStyle::Plain => Style::Plain,
            ScalarStyle::SingleQuoted => Style::SingleQuoted,
            ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
            ScalarStyle::Literal => Style::Literal,
            ScalarStyle::Folded => Style::Folded,
        };
        let (span, text) = match &value {
            Cow::Borrowed(s) if style == Style::Plain => {
                let at = s.as_ptr() as usize - self.text.as_ptr() as usize;
                let from = self.offsets.original(at as u32);
                let to = self.offsets.original((at + s.len()) as u32);
                if (to - from) as usize == s.len() {
                    (Span::new(from, to), Text::Source)
                } else {
                    (Span::new(from, to), Text::Owned((*s).into()))
                }
            }
            _ => (
                Span::new(skip_properties(self.src, start, end), end.max(start)),
                Text::Owned(value.as_ref().into()),
            ),
        };
        let id = self.push(Node {
            span,
            kind: Kind::Scalar { text, style },
            tag: tag.map(tag_text),
        });
        self.weights.push(1);
        self.register(anchor, id);
        self.attach(id);
    }

    fn push(&mut self, node: Node) -> NodeId {
        self.last_end = self.last_end.max(node.span.end);
        self.nodes.push(node);
        (self.nodes.len() - 1) as NodeId
    }

    fn register(&mut self, anchor: usize, id: NodeId) {
        if anchor != 0 {
            self.anchors.insert(anchor, id);
        }
    }

    fn attach(&mut self, id: NodeId) {
        match self.stack.last_mut() {
            Some(frame) => frame.children.push(id),
            None => self.root = Some(id),
        }
    }

    fn close(&mut self, end: u32) {
        let Some(mut frame) = self.stack.pop() else {
            return;
        };
        let end = if frame.flow {
            end
        } else {
            frame
                .children
                .iter()
                .map(|&c| self.nodes[c as usize].span.end)
                .max()
                .unwrap_or(frame.start)
        };
        let weight = 1 + frame
            .children
            .iter()
            .map(|&c| self.weights[c as usize])
            .fold(0u64, u64::saturating_add);
        let kind = if frame.is_map {
            Kind::Map(self.entries(&frame.children))
        } else {
            Kind::Seq(frame.children.as_slice().into())
        };
        frame.children.clear();
        self.spare.push(frame.children);
        let id = self.push(Node {
            span: Span::new(frame.start, end.max(frame.start)),
            kind,
            tag: frame.tag,
        });
        self.weights.push(weight);
        self.register(frame.anchor, id);
        self.attach(id);
    }

    /// Pairs keys and values, applies `<<` merges and keeps the last of duplicate keys.
    fn entries(&mut self, children: &[NodeId]) -> Box<[Entry]> {
        let mut own: Vec<Entry> = Vec::with_capacity(children.len() / 2);
        let mut merged: Vec<Entry> = Vec::new();
        for pair in children.chunks(2) {
            let key = pair[0];
            let value = pair.get(1).copied().unwrap_or(key);
            if self.is_merge_key(key) && self.merge_from(value, &mut merged) {
                continue;
            }
            own.push(Entry { key, value });
        }
        self.dedupe(&mut own);
        if merged.is_empty() {
            return own.into_boxed_slice();
        }
        // Keys already present win over merged ones; a set keeps a merge of
        // many keys into many keys linear.
        let mut present: HashSet<&str> = own.iter().filter_map(|e| self.key_text(e.key)).collect();
        for entry in merged {
            match self.key_text(entry.key) {
                Some(key) if !present.insert(key) => {}
                _ => own.push(entry),
            }
        }
        own.into_boxed_slice()
    }

    fn key_text(&self, id: NodeId) -> Option<&str> {
        let node = &self.nodes[id as usize];
        match &node.kind {
            Kind::Scalar {
                text: Text::Source, ..
            } => self
                .src
                .get(node.span.start as usize..node.span.end as usize),
            Kind::Scalar {
                text: Text::Owned(s),
                ..
            } => Some(s),
            _ => None,
        }
    }

    fn is_merge_key(&self, id: NodeId) -> bool {
        let node = &self.nodes[id as usize];
        matches!(
            node.kind,
            Kind::Scalar {
                style: Style::Plain,
                ..
            }
        ) && self.key_text(id) == Some("<<")
    }

    /// Collects the entries a merge value brings in; false if it is not a
    /// mapping or a sequence of mappings.
    fn merge_from(&self, value: NodeId, out: &mut Vec<Entry>) -> bool {
        match &self.nodes[value as usize].kind {
            Kind::Map(entries) => {
                out.extend(entries.iter().copied());
                true
            }
            Kind::Seq(items)
                if items
                    .iter()
                    .all(|&i| matches!(self.nodes[i as usize].kind, Kind::Map(_))) =>
            {
                // The first mapping that has a key wins.
                let mut seen: HashSet<Option<&str>> =
                    out.iter().map(|e| self.key_text(e.key)).collect();
                for &item in items.iter() {
                    if let Kind::Map(entries) = &self.nodes[item as usize].kind {
                        for entry in entries.iter() {
                            if seen.insert(self.key_text(entry.key)) {
                                out.push(*entry);
                            }
                        }
                    }
                }
                true
            }
            _ => false,
        }
    }

    fn dedupe(&mut self, entries: &mut Vec<Entry>) {
        if entries.len() < 2 {
            return;
        }
        let mut keep = vec![true; entries.len()];
        let mut found = Vec::new();
        if entries.len() <= 32 {
            for i in 0..entries.len() {
                let Some(key) = self.key_text(entries[i].key) else {
                    continue;
                };
                if let Some(j) =
                    (i + 1..entries.len()).find(|&j| self.key_text(entries[j].key) == Some(key))
                {
                    keep[i] = false;
                    found.push((i, j));
                }
            }
        } else {
            let mut last: std::collections::HashMap<&str, usize> =
                std::collections::HashMap::with_capacity(entries.len());
            for (j, entry) in entries.iter().enumerate().rev() {
                if let Some(key) = self.key_text(entry.key) {
                    match last.get(key) {
                        Some(&later) => {
                            keep[j] = false;
                            found.push((j, later));
                        }
                        None => {
                            last.insert(key, j);
                        }
                    }
                }
            }
            // Report against the next occurrence, as the small path does.
            found.sort_unstable();
        }
        for (i, j) in found {
            let key = self
                .key_text(entries[i].key)
                .unwrap_or_default()
                .to_string();
            self.duplicates.push(DuplicateKey {
                key,
                first: self.nodes[entries[i].key as usize].span,
                last: self.nodes[entries[j].key as usize].span,
            });
        }
        let mut index = 0;
        entries.retain(|_| {
            index += 1;
            keep[index - 1]
        });
    }

    fn finish_document(&mut self, end: u32) {
        if self.root.is_none() && self.nodes.is_empty() {
            return;
        }
        let nodes = std::mem::take(&mut self.nodes);
        let document = Document {
            src: Arc::clone(self.src),
            nodes,
            root: self.root.take(),
            span: Span::new(self.doc_start, end.max(self.last_end)),
            duplicates: std::mem::take(&mut self.duplicates),
        };
        self.documents.push(document);
        self.weights.clear();
        self.anchors.clear();
        self.alias_weight = 0;
    }
}

/// Moves a scalar's start past its anchor (`&name`) and tag (`!!str`), so a
/// finding underlines the value alone.
fn skip_properties(src: &str, mut start: u32, end: u32) -> u32 {
    let bytes = src.as_bytes();
    while start < end && matches!(bytes.get(start as usize), Some(b'&' | b'!')) {
        while start < end
            && !matches!(
                bytes.get(start as usize),
                Some(b' ' | b'\t' | b'\n' | b'\r') | None
            )
        {
            start += 1;
        }
        while start < end
            && matches!(
                bytes.get(start as usize),
                Some(b' ' | b'\t' | b'\n' | b'\r')
            )
        {
            start += 1;
        }
    }
    start
}

fn tag_text(tag: Cow<'_, Tag>) -> Box<str> {
    if tag.handle == "!" {
        format!("!{}", tag.suffix).into()
    } else {
        format!("{}{}", tag.handle, tag.suffix).into()
    }
}
