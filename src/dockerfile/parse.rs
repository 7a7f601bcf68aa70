//! The Dockerfile parser: lines to instructions, with spans.

use super::{
    Comment, Dockerfile, Flag, Form, Heredoc, Instruction, Joined, ParseError, Stage, Word, shell,
};
use crate::source::Span;

const KEYWORDS: [&str; 18] = [
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// One line of the file: its text without the line break, and its offset.
#[derive(Clone, Copy)]
struct Line<'a> {
    text: &'a str,
    start: u32,
    /// The line ends with a line break (the last line of a file may not).
    broken: bool,
}

fn lines(text: &str, base: usize) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut start = base;
    for piece in text.split_inclusive('\n') {
        let body = piece.strip_suffix('\n').unwrap_or(piece);
        let body = body.strip_suffix('\r').unwrap_or(body);
        out.push(Line {
            text: body,
            start: start as u32,
            broken: piece.ends_with('\n'),
        });
        start += piece.len();
    }
    out
}

fn is_comment(line: &str) -> bool {
    line.trim_start().starts_with('#')
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// Parses a Dockerfile. Never fails: what it cannot read becomes an error
/// with a span, and the rest of the file is still read.
pub fn parse(text: &str) -> Dockerfile {
    // A byte order mark is not part of the first instruction.
    let lines = match text.strip_prefix('\u{feff}') {
        Some(rest) => lines(rest, '\u{feff}'.len_utf8()),
        None => lines(text, 0),
    };
    let mut file = Dockerfile {
        escape: '\\',
        ..Dockerfile::default()
    };
    let mut index = read_directives(&lines, &mut file);
    while index < lines.len() {
        let line = lines[index];
        if is_blank(line.text) {
            index += 1;
            continue;
        }
        if is_comment(line.text) {
            file.comments.push(comment(line));
            index += 1;
            continue;
        }
        let (joined, next) = logical_line(&lines, index, file.escape, &mut file.comments);
        index = next;
        // A lone escape character on the last line continues into nothing.
        if joined.text.trim().is_empty() {
            continue;
        }
        let mut instruction = match instruction(&joined, &mut file.errors) {
            Some(instruction) => instruction,
            None => continue,
        };
        if matches!(instruction.keyword.as_str(), "RUN" | "COPY" | "ADD") {
            index = read_heredocs(&lines, index, &mut instruction, &mut file.errors);
        }
        if instruction.keyword == "FROM" {
            let words = instruction.words();
            let mut words = words.into_iter();
            let image = words.next();
            let name = match (words.next(), words.next()) {
                (Some(as_word), Some(name)) if as_word.text.eq_ignore_ascii_case("as") => {
                    Some(name)
                }
                _ => None,
            };
            if image.is_none() {
                file.errors.push(ParseError {
                    message: "FROM requires an image".into(),
                    span: instruction.keyword_span,
                });
            }
            file.stages.push(Stage {
                from: file.instructions.len(),
                image,
                name,
            });
        }
        instruction.stage = file.stages.len().checked_sub(1);
        file.instructions.push(instruction);
    }
    file
}

fn comment(line: Line) -> Comment {
    let trimmed = line.text.trim_start();
    let start = line.start + (line.text.len() - trimmed.len()) as u32;
    Comment {
        text: trimmed.trim_end().to_string(),
        span: Span::new(start, start + trimmed.trim_end().len() as u32),
    }
}

/// Parser directives (`# syntax=`, `# escape=`, `# check=`) at the top of the
/// file, before any blank line, comment or instruction.
fn read_directives(lines: &[Line], file: &mut Dockerfile) -> usize {
    let mut index = 0;
    let mut seen: Vec<String> = Vec::new();
    while let Some(line) = lines.get(index) {
        let Some(body) = line.text.trim_start().strip_prefix('#') else {
            break;
        };
        let Some((name, value)) = body.split_once('=') else {
            break;
        };
        let name = name.trim().to_ascii_lowercase();
        let value = value.trim();
        if matches!(name.as_str(), "escape" | "syntax" | "check") && seen.contains(&name) {
            // BuildKit refuses a repeated directive; the first one stands.
            file.errors.push(ParseError {
                message: format!("the `{name}` directive is given twice; the first one applies"),
                span: Span::new(line.start, line.start + line.text.len() as u32),
            });
            file.comments.push(comment(*line));
            index += 1;
            continue;
        }
        seen.push(name.clone());
        match name.as_str() {
            "escape" => match value {
                "`" => file.escape = '`',
                "\\" => file.escape = '\\',
                _ => file.errors.push(ParseError {
                    message: format!("invalid escape character {value:?}: use \\ or `"),
                    span: Span::new(line.start, line.start + line.text.len() as u32),
                }),
            },
            "syntax" => file.syntax = Some(value.to_string()),
            "check" => {}
            _ => break,
        }
        file.comments.push(comment(*line));
        index += 1;
    }
    index
}

/// Joins an instruction's continued lines. Comment and blank lines inside a
/// continuation are dropped, as BuildKit does.
fn logical_line(
    lines: &[Line],
    mut index: usize,
    escape: char,
    comments: &mut Vec<Comment>,
) -> (Joined, usize) {
    let mut joined = Joined::default();
    loop {
        let line = lines[index];
        index += 1;
        let trimmed = line.text.trim_end();
        match trimmed.strip_suffix(escape) {
            Some(body) => {
                joined.push(body, line.start);
                // Skip comment and blank lines that sit inside the continuation.
                while index < lines.len()
                    && (is_comment(lines[index].text) || is_blank(lines[index].text))
                {
                    if is_comment(lines[index].text) {
                        comments.push(comment(lines[index]));
                    }
                    index += 1;
                }
                if index >= lines.len() {
                    break;
                }
            }
            _ => {
                joined.push(line.text, line.start);
                break;
            }
        }
    }
    (joined, index)
}

/// Reads the keyword, flags and form of one logical line.
fn instruction(joined: &Joined, errors: &mut Vec<ParseError>) -> Option<Instruction> {
    let text = &joined.text;
    let start = text.len() - text.trim_start().len();
    let keyword_end = text[start..]
        .find(char::is_whitespace)
        .map_or(text.len(), |i| start + i);
    let keyword = text[start..keyword_end].to_ascii_uppercase();
    let keyword_span = joined.source_span(start as u32, keyword_end as u32);
    if !KEYWORDS.contains(&keyword.as_str()) {
        errors.push(ParseError {
            message: format!("unknown instruction: {}", &text[start..keyword_end]),
            span: keyword_span,
        });
        return None;
    }
    let mut cursor = keyword_end;
    let mut flags = Vec::new();
    if matches!(
        keyword.as_str(),
        "FROM" | "RUN" | "COPY" | "ADD" | "HEALTHCHECK"
    ) {
        loop {
            let rest = &text[cursor..];
            let skip = rest.len() - rest.trim_start().len();
            let word_start = cursor + skip;
            if !text[word_start..].starts_with("--") {
                break;
            }
            let word_end = shell::word_end(text, word_start);
            let raw = &text[word_start + 2..word_end];
            let (name, value) = match raw.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(shell::unquote(v))),
                None => (raw.to_string(), None),
            };
            flags.push(Flag {
                name,
                value,
                span: joined.source_span(word_start as u32, word_end as u32),
            });
            cursor = word_end;
        }
    }
    let rest = &text[cursor..];
    let args_start = cursor + (rest.len() - rest.trim_start().len());
    let args = slice(joined, args_start, text.trim_end().len().max(args_start));
    if args.text.is_empty() && !matches!(keyword.as_str(), "ONBUILD") {
        let allowed_empty = matches!(keyword.as_str(), "CMD" | "ENTRYPOINT" | "RUN");
        if !allowed_empty {
            errors.push(ParseError {
                message: format!("{keyword} requires at least one argument"),
                span: keyword_span,
            });
        }
    }
    if matches!(keyword.as_str(), "LABEL" | "ENV" | "ARG")
        && let Some(at) = shell::unterminated_quote(&args.text)
    {
        errors.push(ParseError {
            message: format!("{keyword}: a quote is never closed"),
            span: args.source_span(at as u32, at as u32 + 1),
        });
    }
    let form = exec_form(&args).map_or(Form::Shell, Form::Exec);
    let onbuild = if keyword == "ONBUILD" {
        if args.text.is_empty() {
            errors.push(ParseError {
                message: "ONBUILD requires an instruction".into(),
                span: keyword_span,
            });
            None
        } else {
            instruction(&args, errors).map(Box::new)
        }
    } else {
        None
    };
    let span = Span::new(keyword_span.start, joined.span().end.max(keyword_span.end));
    Some(Instruction {
        keyword,
        keyword_span,
        span,
        flags,
        args,
        form,
        heredocs: Vec::new(),
        onbuild,
        stage: None,
    })
}

/// The part of a joined text from `start` to `end`, keeping the source map.
fn slice(joined: &Joined, start: usize, end: usize) -> Joined {
    let mut out = Joined::default();
    let mut at = start;
    // The first piece that starts after `at`; found once, so a line continued
    // a hundred thousand times costs linear time.
    let mut next = joined.pieces.partition_point(|&(p, _)| p as usize <= at);
    while at < end {
        // Copy up to the next piece boundary so each piece keeps its offset.
        let boundary = joined
            .pieces
            .get(next)
            .map_or(end, |&(p, _)| (p as usize).min(end));
        out.push(&joined.text[at..boundary], joined.source_offset(at as u32));
        at = boundary;
        next += 1;
    }
    out
}

/// A JSON array of strings, with the span of each element.
fn exec_form(args: &Joined) -> Option<Vec<Word>> {
    let text = args.text.trim_end();
    if !text.starts_with('[') || !text.ends_with(']') {
        return None;
    }
    let values: Vec<String> = serde_json::from_str(text).ok()?;
    let mut words = Vec::with_capacity(values.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    for value in values {
        while i < bytes.len() && bytes[i] != b'"' {
            i += 1;
        }
        let open = i;
        i += 1;
        while i < bytes.len() && bytes[i] != b'"' {
            i += if bytes[i] == b'\\' { 2 } else { 1 };
        }
        let close = (i + 1).min(bytes.len());
        i = close;
        words.push(Word {
            text: value,
            span: args.source_span(open as u32, close as u32),
        });
    }
    Some(words)
}

/// Finds `<<EOF`-style markers in a RUN/COPY/ADD line and reads their bodies
/// from the lines that follow.
fn read_heredocs(
    lines: &[Line],
    mut index: usize,
    instruction: &mut Instruction,
    errors: &mut Vec<ParseError>,
) -> usize {
    if instruction.exec().is_some() {
        return index;
    }
    for (marker, delimiter, strip_tabs, quoted) in shell::heredoc_markers(&instruction.args) {
        let mut body = Joined::default();
        let mut closed = false;
        while index < lines.len() {
            let line = lines[index];
            index += 1;
            let candidate = if strip_tabs {
                line.text.trim_start_matches('\t')
            } else {
                line.text
            };
            if candidate == delimiter {
                closed = true;
                instruction.span.end = line.start + line.text.len() as u32;
                break;
            }
            let stripped = line.text.len() - candidate.len();
            body.push(candidate, line.start + stripped as u32);
            if line.broken {
                body.push("\n", line.start + line.text.len() as u32);
            }
            instruction.span.end = line.start + line.text.len() as u32;
        }
        if !closed {
            errors.push(ParseError {
                message: format!("unterminated heredoc: no line `{delimiter}` closes it"),
                span: marker,
            });
        }
        instruction.heredocs.push(Heredoc {
            delimiter,
            strip_tabs,
            quoted,
            body,
            marker,
        });
    }
    index
}
