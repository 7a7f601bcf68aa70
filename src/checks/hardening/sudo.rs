//! `sudo-in-command`: a container whose `command` or `args` runs a program
//! such as `sudo`. The program must be in command position: the program of
//! the argument vector, or a command of a `sh -c` script; `sudo` as an
//! argument (`usermod -aG sudo`) or inside another word (`pseudo`) is not run.

use std::ops::Range;

use serde::Deserialize;

use crate::checks::Check;
use crate::engine::Cx;
use crate::k8s::Object;
use crate::source::Span;
use crate::yaml::{NodeRef, Style};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct SudoParams {
    /// Programs that must not run, matched by file name (`/usr/bin/sudo` is `sudo`).
    programs: Vec<String>,
}

pub struct SudoInCommand {
    params: SudoParams,
}

impl SudoInCommand {
    pub fn new(params: SudoParams) -> Self {
        SudoInCommand { params }
    }
}

/// Commands that run the command that follows them.
const WRAPPERS: [&str; 14] = [
    "env",
    "timeout",
    "exec",
    "nohup",
    "nice",
    "ionice",
    "time",
    "setsid",
    "stdbuf",
    "command",
    "xargs",
    "tini",
    "dumb-init",
    "busybox",
];

/// Shell words that may precede a command.
const KEYWORDS: [&str; 12] = [
    "if", "then", "else", "elif", "do", "while", "until", "!", "{", "}", "fi", "done",
];

const SHELLS: [&str; 7] = ["sh", "bash", "ash", "dash", "zsh", "ksh", "mksh"];

/// Scripts nest (`sh -c "bash -c '…'"`) at most this deep.
const MAX_DEPTH: usize = 4;

fn basename(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

/// `NAME=value`, which sets a variable before the command.
fn is_assignment(word: &str) -> bool {
    let Some((name, _)) = word.split_once('=') else {
        return false;
    };
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// An option of a wrapper, or its numeric value (`nice -n 5`, `timeout 10s`).
fn is_wrapper_option(word: &str) -> bool {
    word.starts_with('-') || word.starts_with(|c: char| c.is_ascii_digit())
}

/// A shell option cluster that takes a script: `-c`, `-ec`, `-xc`.
fn is_script_flag(word: &str) -> bool {
    word.strip_prefix('-').is_some_and(|flags| {
        !flags.is_empty() && flags.chars().all(|c| c.is_ascii_alphabetic()) && flags.contains('c')
    })
}

/// One word of a command line.
#[derive(Clone)]
struct Word {
    text: String,
    /// The `command`/`args` item the word comes from.
    item: usize,
    /// Where the word sits in the item's text.
    range: Range<usize>,
    /// Where `text` starts within the item's text when it is copied verbatim
    /// from it (unquoted, or quoted without escapes).
    verbatim_at: Option<usize>,
}

/// A forbidden program run by a container: the item, the word's range in
/// the item's text, and the program's name.
struct Hit {
    item: usize,
    range: Range<usize>,
    program: String,
}

struct Finder<'p> {
    programs: &'p [String],
}

impl Finder<'_> {
    /// Each forbidden program of one simple command. The first words that are
    /// assignments, keywords and wrappers (with their options) lead to the
    /// program; a shell's `-c` script is searched in turn.
    fn command(&self, words: &[Word], depth: usize, hits: &mut Vec<Hit>) {
        let mut after_wrapper = false;
        let mut rest = words;
        while let Some((word, tail)) = rest.split_first() {
            if is_assignment(&word.text)
                || KEYWORDS.contains(&word.text.as_str())
                || (after_wrapper && is_wrapper_option(&word.text))
            {
                rest = tail;
            } else if WRAPPERS.contains(&basename(&word.text)) {
                after_wrapper = true;
                rest = tail;
            } else {
                break;
            }
        }
        let Some((program, args)) = rest.split_first() else {
            return;
        };
        let name = basename(&program.text);
        if self.programs.iter().any(|p| p == name) {
            hits.push(Hit {
                item: program.item,
                range: program.range.clone(),
                program: name.to_string(),
            });
        }
        if SHELLS.contains(&name) && depth < MAX_DEPTH {
            self.shell_script(args, depth, hits);
        }
    }

    /// The script a shell runs with `-c`, if its options give one.
    fn shell_script(&self, args: &[Word], depth: usize, hits: &mut Vec<Hit>) {
        let mut rest = args;
        while let Some((option, tail)) = rest.split_first() {
            if is_script_flag(&option.text) {
                if let Some(script) = tail.first() {
                    for command in split_commands(&script.text) {
                        let words: Vec<Word> =
                            command.into_iter().map(|w| within(script, w)).collect();
                        self.command(&words, depth + 1, hits);
                    }
                }
                return;
            }
            match option.text.as_str() {
                "-o" | "+o" => rest = tail.get(1..).unwrap_or_default(),
                text if text.starts_with(['-', '+']) && text != "--" => rest = tail,
                _ => return,
            }
        }
    }
}

/// A word of `script`'s text, placed in the item `script` comes from: at its
/// own place when the script is verbatim there, else over the whole script.
fn within(script: &Word, word: Word) -> Word {
    let (range, verbatim_at) = match script.verbatim_at {
        Some(at) => (
            at + word.range.start..at + word.range.end,
            word.verbatim_at.map(|v| at + v),
        ),
        None => (script.range.clone(), None),
    };
    Word {
        text: word.text,
        item: script.item,
        range,
        verbatim_at,
    }
}

/// Splits a shell script into simple commands made of words (placed in item
/// 0 of the script's own text), honouring
/// quotes, escapes and comments. Command substitutions and pipelines start
/// new commands; redirections and the like stay ordinary words, which is
/// enough to tell which word is a command.
fn split_commands(script: &str) -> Vec<Vec<Word>> {
    let mut commands = vec![Vec::new()];
    let mut word = String::new();
    let mut start: Option<usize> = None;
    let mut verbatim = true;
    let mut chars = script.char_indices().peekable();
    let flush = |commands: &mut Vec<Vec<Word>>,
                 word: &mut String,
                 start: &mut Option<usize>,
                 verbatim: &mut bool,
                 end: usize| {
        if let Some(from) = start.take() {
            let raw = &script[from..end];
            let verbatim_at = if *verbatim && raw == word.as_str() {
                Some(from)
            } else {
                let quoted = raw.len() == word.len() + 2 && raw.get(1..raw.len() - 1) == Some(word);
                (*verbatim && quoted).then_some(from + 1)
            };
            commands.last_mut().expect("never empty").push(Word {
                text: std::mem::take(word),
                item: 0,
                range: from..end,
                verbatim_at,
            });
        }
        *verbatim = true;
    };
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' => {
                start.get_or_insert(i);
                for (_, c) in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    word.push(c);
                }
            }
            '"' => {
                start.get_or_insert(i);
                while let Some((_, c)) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' if chars.peek().is_some_and(|&(_, n)| "\"\\$`".contains(n)) => {
                            verbatim = false;
                            word.extend(chars.next().map(|(_, n)| n));
                        }
                        c => word.push(c),
                    }
                }
            }
            '\\' => match chars.next() {
                Some((_, '\n')) => {}
                Some((_, n)) => {
                    start.get_or_insert(i);
                    verbatim = false;
                    word.push(n);
                }
                None => {
                    start.get_or_insert(i);
                    word.push('\\');
                }
            },
            '#' if start.is_none() => while chars.next_if(|&(_, n)| n != '\n').is_some() {},
            '\n' | ';' | '&' | '|' | '(' | ')' | '`' => {
                flush(&mut commands, &mut word, &mut start, &mut verbatim, i);
                if commands.last().is_some_and(|c| !c.is_empty()) {
                    commands.push(Vec::new());
                }
            }
            c if c.is_whitespace() => {
                flush(&mut commands, &mut word, &mut start, &mut verbatim, i);
            }
            c => {
                start.get_or_insert(i);
                word.push(c);
            }
        }
    }
    flush(
        &mut commands,
        &mut word,
        &mut start,
        &mut verbatim,
        script.len(),
    );
    commands
}

/// The span of `range` of a scalar's text in the source, when the text can be
/// found there verbatim (plain and simply quoted scalars, literal blocks);
/// otherwise the whole scalar.
fn word_span(node: NodeRef, range: Range<usize>) -> Span {
    let whole = node.span();
    let source = node.document().source();
    let (Some(text), Some(raw)) = (
        node.text(),
        source.get(whole.start as usize..whole.end as usize),
    ) else {
        return whole;
    };
    if text.get(range.clone()).is_none() {
        return whole;
    }
    let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[range.start..]
        .find('\n')
        .map_or(text.len(), |i| range.start + i);
    let line = &text[line_start..line_end];
    let source_line = match node.style() {
        // A literal block's lines are indented copies of the text's lines,
        // after the `|` header line when the span includes it.
        Some(Style::Literal) => {
            let header = usize::from(raw.starts_with('|'));
            let index = text[..line_start].matches('\n').count() + header;
            raw.split_inclusive('\n')
                .scan(0, |offset, l| {
                    let at = *offset;
                    *offset += l.len();
                    Some((at, l))
                })
                .nth(index)
        }
        Some(Style::Plain | Style::SingleQuoted | Style::DoubleQuoted) if line_start == 0 => {
            (line_end == text.len()).then_some((0, raw))
        }
        _ => None,
    };
    let found = source_line.and_then(|(at, l)| l.find(line).map(|i| at + i));
    match found {
        Some(at) => {
            let from = whole.start + (at + range.start - line_start) as u32;
            Span::new(from, from + range.len() as u32)
        }
        None => whole,
    }
}

impl Check for SudoInCommand {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        let finder = Finder {
            programs: &self.params.programs,
        };
        for container in pod.containers() {
            // One argument vector: `command` (or else the image's entrypoint,
            // whose wrappers usually run their arguments) followed by `args`.
            let items: Vec<(NodeRef, String)> = ["command", "args"]
                .into_iter()
                .flat_map(|field| {
                    let list = container.get(field).into_iter().flat_map(|l| l.items());
                    list.enumerate()
                        .map(move |(index, node)| (node, format!("{field}[{index}]")))
                })
                .collect();
            let words: Vec<Word> = items
                .iter()
                .enumerate()
                .map(|(item, (node, _))| {
                    let text = node.as_text().unwrap_or_default().to_string();
                    Word {
                        item,
                        range: 0..text.len(),
                        verbatim_at: Some(0),
                        text,
                    }
                })
                .collect();
            let mut hits = Vec::new();
            finder.command(&words, 0, &mut hits);
            for hit in hits {
                let (node, path) = &items[hit.item];
                let message = format!("{} runs {}", container.describe(), hit.program);
                cx.report(word_span(*node, hit.range), message)
                    .in_container(&container, path);
            }
        }
    }
}
