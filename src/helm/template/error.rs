//! Template errors, printed as Helm prints them.
//!
//! Go builds an execution error as a chain: `template: <file>:<line>:<col>:
//! executing "<name>" at <<node>>: <message>`, where the message of an
//! `include` call holds the included template's error. Helm then rewrites it:
//! a `required`/`fail` message anywhere in the chain becomes `execution error
//! at (<outermost location>): <message>`; a chain of template frames becomes
//! one indented block per frame; anything else (a function's own error) stays
//! Go's one-line text. Parse errors read `parse error at (<file>:<line>):
//! <message>`.

use std::fmt;

use super::lex::go_quote;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    Parse,
    Exec,
}

#[derive(Clone, Debug)]
pub struct TemplateError {
    /// The file of the outermost location (for an error inside an `include`d
    /// template, the file of the `include` call).
    pub template: String,
    /// 1-based line.
    pub line: u32,
    /// Column as Go prints it: bytes from the start of the line, 0-based.
    /// 0 for parse errors, which Go locates by line only.
    pub col: u32,
    /// Byte offset of the location in the template's source.
    pub offset: u32,
    /// The innermost message (`nil pointer evaluating interface {}.b`,
    /// `required`'s text).
    pub message: String,
    pub kind: ErrorKind,
    text: Box<Texts>,
}

/// The error's texts: Go's, Helm's block form, and a `required`/`fail` message.
#[derive(Clone, Debug)]
struct Texts {
    go: String,
    multiline: Option<String>,
    helm_message: Option<String>,
}

/// 1-based line and 0-based byte column of `pos` in `src`.
pub fn line_col(src: &str, pos: u32) -> (u32, u32) {
    let pos = (pos as usize).min(src.len());
    let before = &src.as_bytes()[..pos];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count() as u32;
    let col = match before.iter().rposition(|&b| b == b'\n') {
        Some(nl) => pos - nl - 1,
        None => pos,
    };
    (line, col as u32)
}

/// Where an execution error happened and what the engine was evaluating.
pub struct Frame<'a> {
    pub parse_name: &'a str,
    pub source: &'a str,
    pub pos: u32,
    pub template: &'a str,
    pub context: String,
}

impl TemplateError {
    pub(crate) fn parse(name: &str, src: &str, pos: u32, message: &str) -> TemplateError {
        let (line, _) = line_col(src, pos);
        TemplateError {
            template: name.to_string(),
            line,
            col: 0,
            offset: pos,
            message: message.to_string(),
            kind: ErrorKind::Parse,
            text: Box::new(Texts {
                go: format!("template: {name}:{line}: {message}"),
                multiline: None,
                helm_message: None,
            }),
        }
    }

    /// An error outside any template frame (`no template "x" associated …`).
    pub(crate) fn plain(name: &str, message: String) -> TemplateError {
        TemplateError {
            template: name.to_string(),
            line: 0,
            col: 0,
            offset: 0,
            message: message.clone(),
            kind: ErrorKind::Exec,
            text: Box::new(Texts {
                go: message.clone(),
                multiline: Some(message),
                helm_message: None,
            }),
        }
    }

    fn location(frame: &Frame<'_>) -> (u32, u32, String) {
        let (line, col) = line_col(frame.source, frame.pos);
        (line, col, format!("{}:{line}:{col}", frame.parse_name))
    }

    fn framed(
        frame: &Frame<'_>,
        message: String,
        go_msg: String,
        multiline: Option<String>,
    ) -> TemplateError {
        let (line, col, loc) = Self::location(frame);
        let head = format!(
            "template: {loc}: executing {} at <{}>: ",
            go_quote(frame.template),
            frame.context
        );
        TemplateError {
            template: frame.parse_name.to_string(),
            line,
            col,
            offset: frame.pos,
            message,
            kind: ErrorKind::Exec,
            text: Box::new(Texts {
                go: head + &go_msg,
                multiline,
                helm_message: None,
            }),
        }
    }

    fn block(frame: &Frame<'_>, msg: &str) -> String {
        let (_, _, loc) = Self::location(frame);
        format!(
            "{loc}\n  executing {} at <{}>:\n    {msg}",
            go_quote(frame.template),
            frame.context
        )
    }

    /// An error the engine raises itself (`nil pointer evaluating …`).
    pub(crate) fn exec(frame: &Frame<'_>, message: String) -> TemplateError {
        let block = Self::block(frame, &message);
        Self::framed(frame, message.clone(), message, Some(block))
    }

    /// A function returned an error: `error calling <name>: <message>`.
    /// `required` and `fail` messages are Helm's own and print alone.
    pub(crate) fn call(frame: &Frame<'_>, func: &str, message: String) -> TemplateError {
        let mut e = Self::framed(
            frame,
            message.clone(),
            format!("error calling {func}: {message}"),
            None,
        );
        if func == "required" || func == "fail" {
            e.text.helm_message = Some(message);
        }
        e
    }

    /// `include` failed inside the included template.
    pub(crate) fn include(frame: &Frame<'_>, inner: TemplateError) -> TemplateError {
        let multiline = inner
            .text
            .multiline
            .as_ref()
            .map(|m| format!("{}\n{m}", Self::block(frame, "error calling include:")));
        let mut e = Self::framed(
            frame,
            inner.message.clone(),
            format!("error calling include: {}", inner.text.go),
            multiline,
        );
        e.text.helm_message = inner.text.helm_message;
        e
    }

    /// `tpl` failed to parse or execute its text.
    pub(crate) fn tpl(frame: &Frame<'_>, what: &str, inner: TemplateError) -> TemplateError {
        let mut e = Self::framed(
            frame,
            inner.message.clone(),
            format!("error calling tpl: {what}: {}", inner.text.go),
            None,
        );
        e.text.helm_message = inner.text.helm_message;
        e
    }

    /// Go's own error text, before Helm rewrites it.
    pub fn go_text(&self) -> &str {
        &self.text.go
    }
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ErrorKind::Parse => {
                let last = self.text.go.rsplit(": ").next().unwrap_or(&self.text.go);
                write!(
                    f,
                    "parse error at ({}:{}): {last}",
                    self.template, self.line
                )
            }
            ErrorKind::Exec => {
                if let Some(m) = &self.text.helm_message {
                    write!(
                        f,
                        "execution error at ({}:{}:{}): {m}",
                        self.template, self.line, self.col
                    )
                } else if let Some(m) = &self.text.multiline {
                    f.write_str(m.trim())
                } else {
                    f.write_str(&self.text.go)
                }
            }
        }
    }
}

impl std::error::Error for TemplateError {}
