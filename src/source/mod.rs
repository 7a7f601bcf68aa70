//! Source files, byte spans and the line index that turns offsets into positions.

use std::sync::Arc;

/// A half-open byte range `[start, end)` in one source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub const fn new(start: u32, end: u32) -> Self {
        Span { start, end }
    }

    pub fn empty(at: u32) -> Self {
        Span { start: at, end: at }
    }

    pub fn len(self) -> u32 {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// A 1-based position in a file. Columns are given both in bytes (for terminal
/// output) and in UTF-16 code units (for SARIF and editors).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: u32,
    pub column: u32,
    pub column_utf16: u32,
}

/// Offsets of the first byte of every line.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 32 + 1);
        starts.push(0);
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| (i + 1) as u32),
        );
        LineIndex { starts }
    }

    /// 0-based line that holds `offset`.
    pub fn line_of(&self, offset: u32) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    pub fn line_start(&self, line: usize) -> u32 {
        self.starts[line]
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    pub fn position(&self, text: &str, offset: u32) -> Position {
        let offset = offset.min(text.len() as u32);
        let line = self.line_of(offset);
        let start = self.starts[line] as usize;
        let mut end = offset as usize;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let prefix = &text[start..end];
        Position {
            line: line as u32 + 1,
            column: (end - start) as u32 + 1,
            column_utf16: prefix.encode_utf16().count() as u32 + 1,
        }
    }
}

/// One file as harden read it: its path relative to the scan root (with `/`
/// separators, as every report prints it), its text and its line index.
#[derive(Debug)]
pub struct SourceFile {
    pub path: String,
    pub text: Arc<str>,
    pub lines: LineIndex,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        let text = text.into();
        let lines = LineIndex::new(&text);
        SourceFile {
            path: path.into(),
            text,
            lines,
        }
    }

    pub fn position(&self, offset: u32) -> Position {
        self.lines.position(&self.text, offset)
    }

    /// The text of a span, or "" when the span does not lie on char boundaries.
    pub fn slice(&self, span: Span) -> &str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_bytes_and_utf16_units() {
        let text = "a: é\r\nb: 😀x\n";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap() as u32;
        let p = index.position(text, x);
        assert_eq!((p.line, p.column, p.column_utf16), (2, 8, 6));
        let p = index.position(text, 0);
        assert_eq!((p.line, p.column, p.column_utf16), (1, 1, 1));
    }

    #[test]
    fn offset_past_the_end_is_clamped() {
        let text = "ab";
        let p = LineIndex::new(text).position(text, 10);
        assert_eq!((p.line, p.column), (1, 3));
    }
}
