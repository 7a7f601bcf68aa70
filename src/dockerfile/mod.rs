//! Dockerfiles: a BuildKit-complete parser that keeps the span of every
//! instruction and of each of its parts, and never gives up on a file.
//!
//! Lines continued with the escape character are joined (comment and blank
//! lines inside a continuation are dropped, as BuildKit does); the joined text
//! keeps a map back to source offsets, so a word found in it is reported at
//! its place in the file. Heredocs (`<<EOF`, `<<-EOF`, quoted delimiters,
//! several per instruction) are read as bodies of their instruction. A line
//! the parser cannot accept becomes an error with its span, and parsing goes
//! on with the next line.

mod parse;
pub mod shell;
#[cfg(test)]
mod tests;

pub use parse::parse;

use crate::source::Span;

/// Text joined from several source pieces, with the map back to the source.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Joined {
    pub text: String,
    /// (offset in `text`, offset in the source) at the start of each piece.
    pieces: Vec<(u32, u32)>,
}

impl Joined {
    pub fn push(&mut self, text: &str, source_offset: u32) {
        if text.is_empty() {
            return;
        }
        self.pieces.push((self.text.len() as u32, source_offset));
        self.text.push_str(text);
    }

    /// The source offset of an offset in the joined text.
    pub fn source_offset(&self, offset: u32) -> u32 {
        let index = self.pieces.partition_point(|&(at, _)| at <= offset);
        match index.checked_sub(1) {
            Some(i) => {
                let (at, source) = self.pieces[i];
                source + (offset - at)
            }
            None => self.pieces.first().map_or(0, |&(_, s)| s),
        }
    }

    /// The source span of a range of the joined text. A range that crosses a
    /// continuation ends where the source does.
    pub fn source_span(&self, start: u32, end: u32) -> Span {
        let from = self.source_offset(start);
        let to = if end > start {
            self.source_offset(end - 1) + 1
        } else {
            from
        };
        Span::new(from, to.max(from))
    }

    /// The source span of the whole text.
    pub fn span(&self) -> Span {
        self.source_span(0, self.text.len() as u32)
    }
}

/// A `--name=value` flag of an instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    pub name: String,
    pub value: Option<String>,
    pub span: Span,
}

/// A word of an instruction's arguments: an exec-form element, or a
/// whitespace-separated word of FROM, USER, EXPOSE and the like.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The word with quotes removed (exec form: the JSON string's value).
    pub text: String,
    pub span: Span,
}

/// A heredoc body that follows an instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heredoc {
    pub delimiter: String,
    /// `<<-`: leading tabs are stripped from the body.
    pub strip_tabs: bool,
    /// A quoted delimiter: no variable expansion in the body.
    pub quoted: bool,
    /// The body, with the map back to the source.
    pub body: Joined,
    /// The `<<EOF` marker in the instruction line.
    pub marker: Span,
}

/// How an instruction's arguments are written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Form {
    /// `["a", "b"]`, a valid JSON array of strings.
    Exec(Vec<Word>),
    /// Anything else: the text after the flags.
    Shell,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instruction {
    /// Upper-cased keyword: `RUN`, `FROM`, …
    pub keyword: String,
    pub keyword_span: Span,
    /// The whole instruction, continuations and heredoc bodies included.
    pub span: Span,
    pub flags: Vec<Flag>,
    /// The text after the keyword and the flags, continuations joined.
    pub args: Joined,
    pub form: Form,
    pub heredocs: Vec<Heredoc>,
    /// The instruction an `ONBUILD` wraps.
    pub onbuild: Option<Box<Instruction>>,
    /// Index of the build stage (the FROM it follows); `None` before the first FROM.
    pub stage: Option<usize>,
}

impl Instruction {
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name == name)
    }

    /// The arguments split on whitespace, with quotes removed, each with its
    /// source span (for FROM, USER, EXPOSE, WORKDIR, ARG, ENV, LABEL…).
    pub fn words(&self) -> Vec<Word> {
        shell::split_words(&self.args)
    }

    /// The exec-form elements, or `None` in shell form.
    pub fn exec(&self) -> Option<&[Word]> {
        match &self.form {
            Form::Exec(words) => Some(words),
            Form::Shell => None,
        }
    }
}

/// A build stage: its FROM and name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stage {
    /// Index of the FROM instruction.
    pub from: usize,
    /// The image reference as written (`golang:1.22`, `$BASE`, `builder`).
    pub image: Option<Word>,
    /// `AS name` as written; BuildKit compares stage names without case.
    pub name: Option<Word>,
}

/// A comment line, kept for pragmas (`# harden:ignore`, `# hadolint ignore=`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub text: String,
    pub span: Span,
}

/// A line the parser could not accept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dockerfile {
    /// `# escape=` (default `\`).
    pub escape: char,
    /// `# syntax=` directive, if any.
    pub syntax: Option<String>,
    pub instructions: Vec<Instruction>,
    pub stages: Vec<Stage>,
    pub comments: Vec<Comment>,
    pub errors: Vec<ParseError>,
    /// The shell commands of every RUN, read once and shared by all rules:
    /// (instruction index, script).
    pub(crate) run_scripts: std::sync::OnceLock<Vec<(usize, shell::Script)>>,
}

impl Dockerfile {
    /// Instructions of one stage.
    pub fn stage_instructions(&self, stage: usize) -> impl Iterator<Item = &Instruction> {
        self.instructions
            .iter()
            .filter(move |i| i.stage == Some(stage))
    }

    /// The last stage: what the image is built from, unless `--target` says otherwise.
    pub fn final_stage(&self) -> Option<usize> {
        self.stages.len().checked_sub(1)
    }

    /// The stage with this name (case-insensitive).
    pub fn stage_named(&self, name: &str) -> Option<usize> {
        self.stages.iter().position(|s| {
            s.name
                .as_ref()
                .is_some_and(|n| n.text.eq_ignore_ascii_case(name))
        })
    }

    /// The value of a variable as known at `before` (an instruction index),
    /// with BuildKit's scoping: a `FROM` sees the `ARG` defaults declared
    /// before the first `FROM`; inside a stage, the last `ENV` or `ARG`
    /// default of that stage counts, and a global `ARG` only once the stage
    /// declares it again (`ARG NAME`, inheriting the global default). An
    /// `ENV` wins over an `ARG` of the same name.
    pub fn variable(&self, name: &str, before: usize) -> Option<String> {
        let before = before.min(self.instructions.len());
        let stage = self.instructions.get(before).and_then(|i| i.stage);
        let is_from = self
            .instructions
            .get(before)
            .is_some_and(|i| i.keyword == "FROM");
        let declared = |instruction: &Instruction| {
            shell::assignments(&instruction.args.text)
                .into_iter()
                .filter(|(key, _)| key == name)
                .map(|(_, value)| value)
                .collect::<Vec<_>>()
        };
        let mut global = None;
        for instruction in &self.instructions[..before] {
            if instruction.stage.is_none() && instruction.keyword == "ARG" {
                for value in declared(instruction).into_iter().flatten() {
                    global = Some(value);
                }
            }
        }
        if stage.is_none() || is_from {
            return global;
        }
        let mut value = None;
        let mut from_env = false;
        for instruction in &self.instructions[..before] {
            if instruction.stage != stage {
                continue;
            }
            let is_env = match instruction.keyword.as_str() {
                "ENV" => true,
                "ARG" => false,
                _ => continue,
            };
            for declared_value in declared(instruction) {
                match (is_env, declared_value) {
                    (true, Some(v)) => {
                        value = Some(v);
                        from_env = true;
                    }
                    (false, _) if from_env => {}
                    (false, Some(v)) => value = Some(v),
                    (false, None) => value = global.clone(),
                    (true, None) => {}
                }
            }
        }
        value
    }

    /// Expands `$VAR`, `${VAR}` and `${VAR:-default}` with what `variable`
    /// knows; unknown variables are left as written.
    pub fn expand(&self, text: &str, before: usize) -> String {
        shell::expand(text, |name| self.variable(name, before))
    }
}
