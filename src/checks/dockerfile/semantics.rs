//! `syntax-semantics`: instructions that parse but do not do what they
//! seem to, or that builders reject: ONBUILD triggering ONBUILD, FROM or
//! MAINTAINER; an ENV reading a variable it sets itself; several sources
//! copied to a destination that is not a directory; instructions before the
//! first FROM. Also the `key=value` reader that ENV and LABEL checks share.

use std::collections::HashSet;

use crate::checks::Check;
use crate::dockerfile::shell::{self, unquote, word_end};
use crate::dockerfile::{Dockerfile, Instruction, Joined, Word};
use crate::engine::Cx;

/// One `key=value` of an ENV or LABEL (or the legacy `KEY value`).
pub(super) struct Pair {
    /// The key, unquoted.
    pub key: Word,
    /// The value, unquoted; empty, at the end of the key, when absent.
    pub value: Word,
    /// The value as written, and its offset in the instruction's arguments.
    pub raw: String,
    pub raw_start: usize,
}

/// The pairs of an ENV or LABEL, with spans.
pub(super) fn pairs(args: &Joined) -> Vec<Pair> {
    let text = args.text.as_str();
    let end = text.trim_end().len();
    let mut at = text.len() - text.trim_start().len();
    let first_end = word_end(text, at).min(end);
    if at < end && first_end < end && equals_sign(&text[at..first_end]).is_none() {
        // Legacy `KEY value with spaces`: the rest of the line is the value.
        let rest = &text[first_end..end];
        let value_start = first_end + (rest.len() - rest.trim_start().len());
        return vec![pair(args, (at, first_end), (value_start, end))];
    }
    let mut out = Vec::new();
    while at < end {
        let word_stop = word_end(text, at).min(end).max(at + 1);
        let word = &text[at..word_stop];
        out.push(match equals_sign(word) {
            Some(eq) => pair(args, (at, at + eq), (at + eq + 1, word_stop)),
            None => pair(args, (at, word_stop), (word_stop, word_stop)),
        });
        let rest = &text[word_stop..];
        at = word_stop + (rest.len() - rest.trim_start().len());
    }
    out
}

fn pair(args: &Joined, key: (usize, usize), value: (usize, usize)) -> Pair {
    let text = &args.text;
    let span = |(start, end): (usize, usize)| args.source_span(start as u32, end as u32);
    Pair {
        key: Word {
            text: unquote(&text[key.0..key.1]),
            span: span(key),
        },
        value: Word {
            text: unquote(&text[value.0..value.1]),
            span: span(value),
        },
        raw: text[value.0..value.1].to_string(),
        raw_start: value.0,
    }
}

/// The first `=` outside quotes.
fn equals_sign(word: &str) -> Option<usize> {
    let mut quote = None;
    let mut escaped = false;
    for (i, c) in word.char_indices() {
        match (quote, c) {
            _ if escaped => escaped = false,
            (_, '\\') => escaped = true,
            (Some(q), c) if c == q => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, '=') => return Some(i),
            _ => {}
        }
    }
    None
}

/// `$NAME` and `${NAME…}` references outside single quotes:
/// (name, start, end) in `raw`.
pub(super) fn references(raw: &str) -> Vec<(String, usize, usize)> {
    let bytes = raw.as_bytes();
    let is_name = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut out = Vec::new();
    let mut i = 0;
    let mut single = false;
    let mut double = false;
    while i < bytes.len() {
        let b = bytes[i];
        if single {
            single = b != b'\'';
            i += 1;
            continue;
        }
        match b {
            b'\\' => {
                i += 2;
                continue;
            }
            b'\'' if !double => single = true,
            b'"' => double = !double,
            b'$' => {
                let braced = bytes.get(i + 1) == Some(&b'{');
                let start = i + 1 + usize::from(braced);
                let mut j = start;
                while j < bytes.len() && is_name(bytes[j]) {
                    j += 1;
                }
                if j > start {
                    let end = if braced {
                        raw[j..].find('}').map_or(j, |close| j + close + 1)
                    } else {
                        j
                    };
                    out.push((raw[start..j].to_string(), i, end));
                    i = end;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Names set by ARG or ENV before `index`, in its stage or before any FROM.
fn declared_before(file: &Dockerfile, index: usize) -> HashSet<String> {
    let stage = file.instructions.get(index).and_then(|i| i.stage);
    file.instructions[..index.min(file.instructions.len())]
        .iter()
        .filter(|i| i.stage.is_none() || i.stage == stage)
        .filter(|i| matches!(i.keyword.as_str(), "ARG" | "ENV"))
        .flat_map(|i| shell::assignments(&i.args.text))
        .map(|(name, _)| name)
        .collect()
}

/// `syntax-semantics`: each sub-check has its own message.
pub struct SyntaxSemantics;

impl Check for SyntaxSemantics {
    fn check_dockerfile(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        for (index, instruction) in file.instructions.iter().enumerate() {
            if instruction.stage.is_none() && instruction.keyword != "ARG" {
                cx.report(
                    instruction.keyword_span,
                    format!("{} comes before the first FROM", instruction.keyword),
                )
                .at_path(format!("instruction[{index}].{}", instruction.keyword));
            }
            if let Some(trigger) = &instruction.onbuild
                && matches!(trigger.keyword.as_str(), "ONBUILD" | "FROM" | "MAINTAINER")
            {
                cx.report(
                    trigger.keyword_span,
                    format!("ONBUILD cannot trigger {}", trigger.keyword),
                )
                .at_path(format!("instruction[{index}].ONBUILD"));
            }
            let used = instruction.onbuild.as_deref().unwrap_or(instruction);
            match used.keyword.as_str() {
                "ENV" => same_statement_references(cx, file, index, used),
                "COPY" | "ADD" => multi_source_destination(cx, file, index, used),
                _ => {}
            }
        }
    }
}

/// `ENV A=1 B=$A`: every substitution in one ENV uses the values from before
/// it, so `B` does not get the `A` set beside it.
fn same_statement_references(cx: &mut Cx<'_>, file: &Dockerfile, index: usize, env: &Instruction) {
    let pairs = pairs(&env.args);
    if pairs.len() < 2 {
        return;
    }
    let known = declared_before(file, index);
    for (i, pair) in pairs.iter().enumerate() {
        for (name, start, end) in references(&pair.raw) {
            if known.contains(&name) {
                continue;
            }
            let Some(set_here) = pairs
                .iter()
                .enumerate()
                .find(|(j, p)| *j != i && p.key.text == name)
                .map(|(_, p)| p.key.span)
            else {
                continue;
            };
            let span = env.args.source_span(
                (pair.raw_start + start) as u32,
                (pair.raw_start + end) as u32,
            );
            cx.report(
                span,
                format!(
                    "${name} is set in this same ENV, so it expands to the value from before it"
                ),
            )
            .with_label(set_here, "set here")
            .at_path(format!("instruction[{index}].ENV"));
        }
    }
}

/// `COPY a b /dest`: with several sources the destination must end in `/`.
fn multi_source_destination(cx: &mut Cx<'_>, file: &Dockerfile, index: usize, copy: &Instruction) {
    let words = match copy.exec() {
        Some(words) => words.to_vec(),
        None => copy.words(),
    };
    let Some((destination, sources)) = words.split_last() else {
        return;
    };
    if sources.len() < 2 {
        return;
    }
    let path = file.expand(&destination.text, index);
    if path.contains('$') || path.ends_with(['/', '\\']) {
        return;
    }
    cx.report(
        destination.span,
        format!(
            "{} of {} sources needs a destination ending in /",
            copy.keyword,
            sources.len()
        ),
    )
    .at_path(format!("instruction[{index}].{}", copy.keyword));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(text: &str) -> Joined {
        let mut joined = Joined::default();
        joined.push(text, 0);
        joined
    }

    #[test]
    fn pairs_modern_legacy_and_quoted() {
        let args = joined("A=1 \"b c\"=\"x y\" D");
        let found = pairs(&args);
        let keys: Vec<&str> = found.iter().map(|p| p.key.text.as_str()).collect();
        assert_eq!(keys, ["A", "b c", "D"]);
        assert_eq!(found[1].value.text, "x y");
        assert_eq!(found[2].value.text, "");
        let legacy = pairs(&joined("MAINTAINER_NAME John Doe"));
        assert_eq!(legacy.len(), 1);
        assert_eq!(legacy[0].value.text, "John Doe");
        assert_eq!(legacy[0].raw_start, 16);
        assert!(pairs(&joined("")).is_empty());
    }

    #[test]
    fn references_skip_single_quotes_and_escapes() {
        let found: Vec<String> = references("$A:${B:-x}:'$C':\\$D:\"$E\"")
            .into_iter()
            .map(|(name, _, _)| name)
            .collect();
        assert_eq!(found, ["A", "B", "E"]);
        assert_eq!(references("${B:-x}/y")[0].2, 7);
    }
}
