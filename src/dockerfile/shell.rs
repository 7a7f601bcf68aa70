//! Shell words and commands, enough for rules to reason about `RUN` as
//! commands (`apt-get install`, `curl … | sh`) rather than substrings: quotes,
//! escapes, `$(…)` and backticks, `&&`, `||`, `;`, `|`, `&`, subshells and
//! groups, `if`/`then`/`do` keywords, redirections, comments and heredocs.
//! The reader is total: any text gives a script, never an error.

use super::{Joined, Word};
use crate::source::Span;

/// What joins a command to the one before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Joiner {
    Start,
    /// `&&`
    And,
    /// `||`
    Or,
    /// `;`, `&` or a line break.
    Then,
    /// `|`
    Pipe,
}

/// One simple command: `apt-get install -y curl`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// `VAR=value` words before the command name.
    pub assignments: Vec<Word>,
    /// The command name and its arguments.
    pub words: Vec<Word>,
    pub span: Span,
    pub joiner: Joiner,
    /// Part of a pipeline of two commands or more.
    pub piped: bool,
    /// Written inside `$(…)` or backticks of another command.
    pub substituted: bool,
}

impl Command {
    /// The words from the real program on, past commands that run the
    /// command after them (`sudo`, `env`, `xargs`, `nice`, `timeout`,
    /// `gosu`, `busybox`, …) with their own options, and the `NAME=value`
    /// assignments seen on the way (before the command, and given to `env`
    /// or `sudo`). Empty when nothing follows the wrappers.
    pub fn through_wrappers(&self) -> (&[Word], Vec<&Word>) {
        let words = &self.words;
        let mut assignments: Vec<&Word> = self.assignments.iter().collect();
        let mut at = 0;
        loop {
            let Some(word) = words.get(at) else {
                return (&[], assignments);
            };
            let name = word.text.rsplit('/').next().unwrap_or(&word.text);
            // Options of the wrapper that take the next word as their value.
            let value_options: &str = match name {
                "sudo" | "doas" => "ugCDhprtTUc",
                "env" => "uCS",
                "xargs" => "IELPndsa",
                "nice" => "n",
                "timeout" => "ks",
                "nohup" | "time" | "exec" | "command" | "stdbuf" => "ioe",
                "gosu" | "su-exec" => {
                    // `gosu USER command…`
                    at += 2;
                    continue;
                }
                "busybox" if words.len() > at + 1 => {
                    at += 1;
                    continue;
                }
                _ => return (&words[at..], assignments),
            };
            at += 1;
            while let Some(next) = words.get(at) {
                let text = next.text.as_str();
                if text == "--" {
                    at += 1;
                    break;
                }
                if text.starts_with('-') && text.len() > 1 {
                    let last = text.chars().last().unwrap_or('-');
                    let separate_value = text.len() == 2 && value_options.contains(last);
                    at += if separate_value { 2 } else { 1 };
                } else if is_assignment(text) {
                    if matches!(name, "env" | "sudo" | "doas") {
                        assignments.push(next);
                    }
                    at += 1;
                } else {
                    break;
                }
            }
            if name == "timeout" {
                // The duration.
                at += 1;
            }
        }
    }

    /// The program name without its directory (`/usr/bin/apt-get` → `apt-get`).
    pub fn program(&self) -> Option<&str> {
        self.words
            .first()
            .map(|w| w.text.rsplit('/').next().unwrap_or(&w.text))
    }

    /// The arguments after the program name.
    pub fn args(&self) -> &[Word] {
        self.words.get(1..).unwrap_or(&[])
    }

    /// True if an argument is exactly `flag`, or a short-flag cluster holds
    /// its letter (`-qy` has `-y`).
    pub fn has_flag(&self, flag: &str) -> bool {
        self.args().iter().any(|w| {
            w.text == flag
                || w.text.starts_with(&format!("{flag}="))
                || (flag.len() == 2
                    && !flag.starts_with("--")
                    && w.text.starts_with('-')
                    && !w.text.starts_with("--")
                    && w.text[1..].contains(&flag[1..]))
        })
    }
}

/// The commands of a script, in order (those inside `$(…)` follow the
/// command that holds them).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Script {
    pub commands: Vec<Command>,
}

impl Script {
    pub fn parse(text: &Joined) -> Script {
        let mut reader = Reader {
            text: &text.text,
            joined: text,
            bytes: text.text.as_bytes(),
            at: 0,
            commands: Vec::new(),
            case_depth: 0,
            expect_pattern: false,
            in_backticks: false,
        };
        reader.script(false, Joiner::Start);
        Script {
            commands: reader.commands,
        }
    }

    /// The script of an `sh -c '…'` command (also bash, ash, dash, zsh).
    pub fn nested(command: &Command, joined_of: impl Fn(&Word) -> Joined) -> Option<Script> {
        let program = command.program()?;
        if !matches!(program, "sh" | "bash" | "ash" | "dash" | "zsh") {
            return None;
        }
        let args = command.args();
        let index = args.iter().position(|w| {
            w.text.starts_with('-') && !w.text.starts_with("--") && w.text.contains('c')
        })?;
        let script = args.get(index + 1)?;
        Some(Script::parse(&joined_of(script)))
    }
}

struct Reader<'a> {
    text: &'a str,
    joined: &'a Joined,
    bytes: &'a [u8],
    at: usize,
    commands: Vec<Command>,
    /// Open `case … in` statements.
    case_depth: usize,
    /// After `case … in` or `;;`: a pattern list such as `a | b)` comes
    /// next, whose `|` is no pipe.
    expect_pattern: bool,
    /// Inside a backtick substitution: the first unquoted backtick closes
    /// it, even glued to a word (`` `uname -m`/bin ``).
    in_backticks: bool,
}

/// Words that open or continue a compound command; the command proper starts after them.
const KEYWORDS: [&str; 12] = [
    "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "time", "}",
];

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// Reads commands until the end, or until `)` / a closing backtick when nested.
    fn script(&mut self, nested: bool, mut joiner: Joiner) {
        let mut pipeline_start = self.commands.len();
        let mut pending_heredocs: Vec<(String, bool)> = Vec::new();
        loop {
            let (command, substitutions, stop) =
                self.command(joiner, nested, &mut pending_heredocs);
            // Commands inside `$(…)` come after the command that holds them.
            let holder = command.map(|command| {
                self.commands.push(command);
                self.commands.len() - 1
            });
            self.commands.extend(substitutions);
            match stop {
                Stop::End | Stop::Close => break,
                Stop::Op(op) => {
                    if op == Joiner::Pipe {
                        // The whole pipeline is marked once it ends.
                        if let Some(holder) = holder {
                            self.commands[holder].piped = true;
                        }
                    } else {
                        self.mark_pipeline(pipeline_start);
                        pipeline_start = self.commands.len();
                    }
                    joiner = op;
                }
                Stop::Newline => {
                    self.mark_pipeline(pipeline_start);
                    pipeline_start = self.commands.len();
                    for (delimiter, strip_tabs) in pending_heredocs.drain(..) {
                        self.skip_heredoc_body(&delimiter, strip_tabs);
                    }
                    joiner = Joiner::Then;
                }
            }
        }
        self.mark_pipeline(pipeline_start);
    }

    /// A pipeline member after a `|` is piped too.
    fn mark_pipeline(&mut self, start: usize) {
        let members: Vec<usize> = (start..self.commands.len())
            .filter(|&i| !self.commands[i].substituted)
            .collect();
        if members.iter().any(|&i| self.commands[i].piped) {
            for i in members {
                self.commands[i].piped = true;
            }
        }
    }

    fn skip_heredoc_body(&mut self, delimiter: &str, strip_tabs: bool) {
        while self.at < self.bytes.len() {
            let end = self.text[self.at..]
                .find('\n')
                .map_or(self.bytes.len(), |i| self.at + i);
            let line = &self.text[self.at..end];
            let line = line.strip_suffix('\r').unwrap_or(line);
            let line = if strip_tabs {
                line.trim_start_matches('\t')
            } else {
                line
            };
            self.at = (end + 1).min(self.bytes.len());
            if line == delimiter {
                break;
            }
        }
    }

    fn command(
        &mut self,
        joiner: Joiner,
        nested: bool,
        heredocs: &mut Vec<(String, bool)>,
    ) -> (Option<Command>, Vec<Command>, Stop) {
        let mut words: Vec<Word> = Vec::new();
        let mut assignments = Vec::new();
        let mut substitutions = Vec::new();
        let stop = loop {
            self.skip_blanks();
            if self.expect_pattern && words.is_empty() && assignments.is_empty() {
                self.case_pattern();
                continue;
            }
            let Some(c) = self.peek() else {
                break Stop::End;
            };
            match c {
                b'\n' => {
                    self.at += 1;
                    break Stop::Newline;
                }
                b'#' => {
                    // A comment runs to the end of the line.
                    while self.peek().is_some_and(|c| c != b'\n') {
                        self.at += 1;
                    }
                }
                b';' => {
                    self.at += 1;
                    let mut item_end = false;
                    if self.peek() == Some(b';') {
                        self.at += 1;
                        item_end = true;
                    }
                    if self.peek() == Some(b'&') {
                        self.at += 1;
                        item_end = true;
                    }
                    // `;;`, `;&` and `;;&` end a case item.
                    self.expect_pattern = item_end && self.case_depth > 0;
                    break Stop::Op(Joiner::Then);
                }
                b'&' => {
                    self.at += 1;
                    if self.peek() == Some(b'&') {
                        self.at += 1;
                        break Stop::Op(Joiner::And);
                    }
                    if self.peek() == Some(b'>') {
                        self.at += 1;
                        self.redirect_target(heredocs);
                        continue;
                    }
                    break Stop::Op(Joiner::Then);
                }
                b'|' => {
                    self.at += 1;
                    if self.peek() == Some(b'|') {
                        self.at += 1;
                        break Stop::Op(Joiner::Or);
                    }
                    if self.peek() == Some(b'&') {
                        self.at += 1;
                    }
                    break Stop::Op(Joiner::Pipe);
                }
                b'(' | b'{' if words.is_empty() => {
                    self.at += 1;
                    if c == b'(' {
                        self.script(true, Joiner::Start);
                    }
                }
                b')' => {
                    self.at += 1;
                    if nested {
                        break Stop::Close;
                    }
                }
                b'`' if self.in_backticks => {
                    self.at += 1;
                    break Stop::Close;
                }
                b'<' | b'>' if self.bytes.get(self.at + 1) == Some(&b'(') => {
                    // `<(…)` and `>(…)`: process substitution, an argument
                    // whose commands run in their own shell.
                    let start = self.at;
                    self.at += 2;
                    substitutions.extend(self.nested_commands(false));
                    words.push(Word {
                        text: self.text[start..self.at].to_string(),
                        span: self.joined.source_span(start as u32, self.at as u32),
                    });
                }
                b'<' | b'>' => {
                    self.redirect(heredocs);
                }
                _ => {
                    let start = self.at;
                    let (text, inner) = self.word();
                    if self.at == start {
                        // A byte no rule above consumed: step over it.
                        self.at += 1;
                        continue;
                    }
                    substitutions.extend(inner);
                    // `2>file`: a descriptor number glued to a redirection.
                    if text.bytes().all(|b| b.is_ascii_digit())
                        && matches!(self.peek(), Some(b'<' | b'>'))
                    {
                        self.redirect(heredocs);
                        continue;
                    }
                    let word = Word {
                        text,
                        span: self.joined.source_span(start as u32, self.at as u32),
                    };
                    if words.is_empty() && KEYWORDS.contains(&word.text.as_str()) {
                        continue;
                    }
                    if words.is_empty() && word.text == "esac" && self.case_depth > 0 {
                        self.case_depth -= 1;
                        continue;
                    }
                    if words.len() == 2 && words[0].text == "case" && word.text == "in" {
                        self.case_depth += 1;
                        self.expect_pattern = true;
                        break Stop::Op(Joiner::Then);
                    }
                    if words.is_empty() && is_assignment(&word.text) {
                        assignments.push(word);
                    } else {
                        words.push(word);
                    }
                }
            }
        };
        let command = if words.is_empty() && assignments.is_empty() {
            None
        } else {
            let first = assignments.first().or(words.first()).map(|w| w.span);
            let last = words.last().or(assignments.last()).map(|w| w.span);
            let span = match (first, last) {
                (Some(a), Some(b)) => Span::new(a.start, b.end.max(a.start)),
                _ => Span::default(),
            };
            Some(Command {
                assignments,
                words,
                span,
                joiner,
                piped: false,
                substituted: false,
            })
        };
        (command, substitutions, stop)
    }

    /// Skips the pattern list of a case item (`a | b)`, `(x)`), or reads
    /// the `esac` that closes the statement.
    fn case_pattern(&mut self) {
        self.expect_pattern = false;
        while matches!(self.peek(), Some(b'\n' | b' ' | b'\t' | b'\r')) {
            self.at += 1;
            self.skip_blanks();
        }
        let rest = &self.text[self.at..];
        if rest.starts_with("esac")
            && !rest[4..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        {
            self.at += 4;
            self.case_depth = self.case_depth.saturating_sub(1);
            return;
        }
        if self.peek() == Some(b'(') {
            self.at += 1;
        }
        while let Some(c) = self.peek() {
            match c {
                b')' => {
                    self.at += 1;
                    return;
                }
                b'|' | b' ' | b'\t' | b'\r' | b'\n' => self.at += 1,
                _ => {
                    let start = self.at;
                    self.word();
                    if self.at == start {
                        self.at += 1;
                    }
                }
            }
        }
    }

    fn skip_blanks(&mut self) {
        while let Some(c) = self.peek() {
            match c {
                b' ' | b'\t' | b'\r' => self.at += 1,
                b'\\' if self.bytes.get(self.at + 1) == Some(&b'\n') => self.at += 2,
                _ => break,
            }
        }
    }

    /// `<`, `>`, `>>`, `<<EOF`, `<<<`, `>&2`: reads the operator and its target.
    fn redirect(&mut self, heredocs: &mut Vec<(String, bool)>) {
        let heredoc =
            self.text[self.at..].starts_with("<<") && !self.text[self.at..].starts_with("<<<");
        while matches!(self.peek(), Some(b'<' | b'>' | b'&')) {
            self.at += 1;
        }
        if heredoc {
            let strip_tabs = self.peek() == Some(b'-');
            if strip_tabs {
                self.at += 1;
            }
            self.skip_blanks();
            let (delimiter, _) = self.word();
            heredocs.push((delimiter, strip_tabs));
            return;
        }
        self.redirect_target(heredocs);
    }

    fn redirect_target(&mut self, _heredocs: &mut [(String, bool)]) {
        self.skip_blanks();
        if self.peek().is_some_and(|c| !b"\n;&|()".contains(&c)) {
            self.word();
        }
    }

    /// One word: its unquoted text, and the commands of any `$(…)` or
    /// backtick substitution inside it.
    fn word(&mut self) -> (String, Vec<Command>) {
        let mut text = String::new();
        let mut inner = Vec::new();
        while let Some(c) = self.peek() {
            match c {
                b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b'<' | b'>' | b')' => break,
                b'(' if text.is_empty() => break,
                b'`' if self.in_backticks => break,
                b'\\' => {
                    self.at += 1;
                    if let Some(next) = self.char_at() {
                        if next != '\n' {
                            text.push(next);
                        }
                        self.at += next.len_utf8();
                    }
                }
                b'\'' => {
                    self.at += 1;
                    let end = self.text[self.at..]
                        .find('\'')
                        .map_or(self.bytes.len(), |i| self.at + i);
                    text.push_str(&self.text[self.at..end]);
                    self.at = (end + 1).min(self.bytes.len());
                }
                b'"' => {
                    self.at += 1;
                    while let Some(c) = self.peek() {
                        match c {
                            b'"' => {
                                self.at += 1;
                                break;
                            }
                            b'\\' => {
                                self.at += 1;
                                if let Some(next) = self.char_at() {
                                    if !matches!(next, '"' | '\\' | '$' | '`' | '\n') {
                                        text.push('\\');
                                    }
                                    if next != '\n' {
                                        text.push(next);
                                    }
                                    self.at += next.len_utf8();
                                }
                            }
                            b'$' if self.bytes.get(self.at + 1) == Some(&b'(') => {
                                let start = self.at;
                                inner.extend(self.substitution());
                                text.push_str(&self.text[start..self.at]);
                            }
                            b'`' => {
                                let start = self.at;
                                inner.extend(self.backticks());
                                text.push_str(&self.text[start..self.at]);
                            }
                            _ => {
                                let ch = self.char_at().unwrap_or(' ');
                                text.push(ch);
                                self.at += ch.len_utf8();
                            }
                        }
                    }
                }
                b'$' if self.bytes.get(self.at + 1) == Some(&b'(') => {
                    let start = self.at;
                    inner.extend(self.substitution());
                    text.push_str(&self.text[start..self.at]);
                }
                b'`' => {
                    let start = self.at;
                    inner.extend(self.backticks());
                    text.push_str(&self.text[start..self.at]);
                }
                _ => {
                    let ch = self.char_at().unwrap_or(' ');
                    text.push(ch);
                    self.at += ch.len_utf8();
                }
            }
        }
        (text, inner)
    }

    fn char_at(&self) -> Option<char> {
        self.text.get(self.at..).and_then(|s| s.chars().next())
    }

    /// `$(…)` (or `$((…))` arithmetic, read the same way): the commands inside.
    fn substitution(&mut self) -> Vec<Command> {
        self.at += 2;
        self.nested_commands(false)
    }

    fn backticks(&mut self) -> Vec<Command> {
        self.at += 1;
        self.nested_commands(true)
    }

    fn nested_commands(&mut self, in_backticks: bool) -> Vec<Command> {
        let mut reader = Reader {
            text: self.text,
            joined: self.joined,
            bytes: self.bytes,
            at: self.at,
            commands: Vec::new(),
            case_depth: 0,
            expect_pattern: false,
            in_backticks,
        };
        reader.script(true, Joiner::Start);
        self.at = reader.at;
        for command in &mut reader.commands {
            command.substituted = true;
        }
        reader.commands
    }
}

enum Stop {
    End,
    Newline,
    Close,
    Op(Joiner),
}

fn is_assignment(word: &str) -> bool {
    match word.split_once('=') {
        Some((name, _)) => {
            !name.is_empty()
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && !name.as_bytes()[0].is_ascii_digit()
        }
        None => false,
    }
}

/// Splits instruction arguments on whitespace, removing quotes.
pub fn split_words(joined: &Joined) -> Vec<Word> {
    let text = &joined.text;
    let mut words = Vec::new();
    let mut at = 0;
    while at < text.len() {
        let rest = &text[at..];
        let skip = rest.len() - rest.trim_start().len();
        at += skip;
        if at >= text.len() {
            break;
        }
        let end = word_end(text, at);
        words.push(Word {
            text: unquote(&text[at..end]),
            span: joined.source_span(at as u32, end as u32),
        });
        at = end.max(at + 1);
    }
    words
}

/// The end of the whitespace-delimited word that starts at `start`, with
/// quoted runs kept whole.
pub fn word_end(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = start;
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(b'"') if b == b'\\' => i += 1,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'\\' => i += 1,
            None if b.is_ascii_whitespace() => break,
            None => {}
        }
        i += 1;
    }
    i.min(bytes.len())
}

/// The offset of a quote that is never closed, if any.
pub fn unterminated_quote(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut open: Option<(u8, usize)> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match open {
            Some((q, _)) if b == q => open = None,
            Some((b'"', _)) if b == b'\\' => i += 1,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => open = Some((b, i)),
            None if b == b'\\' => i += 1,
            None => {}
        }
        i += 1;
    }
    open.map(|(_, at)| at)
}

/// Removes one level of shell quoting from a word.
pub fn unquote(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut chars = word.chars();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') => {
                if let Some(next) = chars.next() {
                    if !matches!(next, '"' | '\\' | '$' | '`') {
                        out.push('\\');
                    }
                    out.push(next);
                }
            }
            (Some(_), c) => out.push(c),
            (None, '"' | '\'') => quote = Some(c),
            (None, '\\') => {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            (None, c) => out.push(c),
        }
    }
    out
}

/// `KEY=value` pairs of ARG and ENV (also the legacy `ENV KEY value`), with
/// values unquoted; an ARG without a default has `None`.
pub fn assignments(args: &str) -> Vec<(String, Option<String>)> {
    let args = args.trim();
    let first_end = word_end(args, 0);
    if !args[..first_end].contains('=') && first_end < args.len() {
        // Legacy `ENV KEY value with spaces`.
        let value = args[first_end..].trim();
        return vec![(args[..first_end].to_string(), Some(unquote(value)))];
    }
    let mut out = Vec::new();
    let mut at = 0;
    while at < args.len() {
        let rest = &args[at..];
        at += rest.len() - rest.trim_start().len();
        if at >= args.len() {
            break;
        }
        let end = word_end(args, at);
        let word = &args[at..end];
        match word.split_once('=') {
            Some((key, value)) => out.push((key.to_string(), Some(unquote(value)))),
            None => out.push((word.to_string(), None)),
        }
        at = end.max(at + 1);
    }
    out
}

/// Expands `$NAME`, `${NAME}`, `${NAME:-default}` and `${NAME-default}`;
/// unknown names stay as written.
pub fn expand(text: &str, lookup: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(dollar) = rest.find('$') {
        out.push_str(&rest[..dollar]);
        let after = &rest[dollar + 1..];
        if let Some(body) = after.strip_prefix('{')
            && let Some(close) = body.find('}')
        {
            let inner = &body[..close];
            let (name, default) = match inner.find([':', '-']) {
                Some(i) => {
                    let default = inner[i..].trim_start_matches(':');
                    (&inner[..i], default.strip_prefix('-'))
                }
                None => (inner, None),
            };
            match lookup(name).or(default.map(str::to_string)) {
                Some(value) => out.push_str(&value),
                None => out.push_str(&rest[dollar..dollar + 2 + close + 1]),
            }
            rest = &body[close + 1..];
            continue;
        }
        let len = after
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        if len == 0 {
            out.push('$');
            rest = after;
            continue;
        }
        match lookup(&after[..len]) {
            Some(value) => out.push_str(&value),
            None => out.push_str(&rest[dollar..dollar + 1 + len]),
        }
        rest = &after[len..];
    }
    out.push_str(rest);
    out
}

/// `<<EOF`, `<<-EOF`, `<<"EOF"` and `<<'EOF'` markers outside quotes:
/// (span, delimiter, strip tabs, quoted).
pub fn heredoc_markers(args: &Joined) -> Vec<(Span, String, bool, bool)> {
    let text = &args.text;
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if bytes[i..].starts_with(b"<<") && !bytes[i..].starts_with(b"<<<") => {
                let start = i;
                let mut j = i + 2;
                let strip_tabs = bytes.get(j) == Some(&b'-');
                if strip_tabs {
                    j += 1;
                }
                let quoted = matches!(bytes.get(j), Some(b'"' | b'\''));
                let open = if quoted { Some(bytes[j]) } else { None };
                if quoted {
                    j += 1;
                }
                let name_start = j;
                while j < bytes.len()
                    && (bytes[j].is_ascii_alphanumeric() || matches!(bytes[j], b'_' | b'-' | b'.'))
                {
                    j += 1;
                }
                if j > name_start {
                    let delimiter = text[name_start..j].to_string();
                    if open.is_some_and(|q| bytes.get(j) == Some(&q)) {
                        j += 1;
                    }
                    out.push((
                        args.source_span(start as u32, j as u32),
                        delimiter,
                        strip_tabs,
                        quoted,
                    ));
                    i = j;
                    continue;
                }
            }
            None => {}
        }
        i += 1;
    }
    out
}
