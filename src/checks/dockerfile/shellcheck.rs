//! `shellcheck`: a few ShellCheck diagnostics that matter in `RUN`, chosen
//! because they are precise on Dockerfile scripts:
//!
//! - SC2164: `cd` (or `pushd`/`popd`) whose failure is not checked, followed
//!   by more commands, which then run in the wrong directory. Not reported
//!   under `set -e` (or a `SHELL` with `-e`), after `&&`/`||` guards, as an
//!   `if`/`while` condition, for `cd ..` and `cd /`, or into a directory the
//!   same script just made with `mkdir`;
//! - SC2115: `rm -r "$DIR/…"` where `DIR` may be empty or unset, which
//!   deletes from `/`. Variables with a non-empty `ARG`/`ENV` value, those
//!   set earlier in the script, `HOME` and `PWD` are taken as set;
//! - SC2216: a pipe into a command that does not read its input (`find … |
//!   rm`), which does nothing.

use serde::Deserialize;

use super::security::invocation;
use super::shell_config::{ShellUnit, pipelines, shell_units};
use crate::checks::Check;
use crate::dockerfile::Dockerfile;
use crate::dockerfile::shell::{Command, Joiner};
use crate::engine::{Cx, Severity};

/// The diagnostics this template knows.
const CODES: [&str; 3] = ["SC2115", "SC2164", "SC2216"];

/// Commands that ignore their standard input.
const NO_INPUT: [&str; 13] = [
    "cd", "chgrp", "chmod", "chown", "cp", "echo", "kill", "ln", "mkdir", "mv", "rm", "rmdir",
    "touch",
];

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ShellcheckParams {
    /// The ShellCheck codes to report.
    pub codes: Vec<String>,
}

pub struct Shellcheck {
    params: ShellcheckParams,
}

impl Shellcheck {
    pub fn new(params: ShellcheckParams) -> Result<Self, String> {
        if let Some(unknown) = params.codes.iter().find(|c| !CODES.contains(&c.as_str())) {
            return Err(format!(
                "unknown code `{unknown}` in `codes` (known: {})",
                CODES.join(", ")
            ));
        }
        Ok(Shellcheck { params })
    }

    fn enabled(&self, code: &str) -> bool {
        self.params.codes.iter().any(|c| c == code)
    }
}

impl Check for Shellcheck {
    fn check_dockerfile(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        for unit in shell_units(file) {
            if self.enabled("SC2164") {
                unchecked_cd(cx, &unit);
            }
            if self.enabled("SC2115") {
                rm_of_empty_variable(cx, file, &unit);
            }
            if self.enabled("SC2216") {
                pipe_into_no_input(cx, &unit);
            }
        }
    }
}

/// The next command at the same level (outside or inside `$(…)`).
fn next_command(commands: &[Command], i: usize) -> Option<&Command> {
    let level = commands[i].substituted;
    commands[i + 1..].iter().find(|c| c.substituted == level)
}

fn operands(command: &Command) -> Vec<&str> {
    command
        .args()
        .iter()
        .map(|w| w.text.as_str())
        .filter(|t| !t.starts_with('-') || *t == "-")
        .collect()
}

/// SC2164.
fn unchecked_cd(cx: &mut Cx<'_>, unit: &ShellUnit) {
    let commands = &unit.script.commands;
    let options = unit.options_at();
    for (i, command) in commands.iter().enumerate() {
        let Some(program @ ("cd" | "pushd" | "popd")) = command.program() else {
            continue;
        };
        if options[i].errexit || command.has_flag("-n") {
            continue;
        }
        let dirs = operands(command);
        if program == "cd" && matches!(dirs.as_slice(), [] | [".." | "/" | "~"]) {
            continue;
        }
        let guarded = next_command(commands, i)
            .is_none_or(|next| matches!(next.joiner, Joiner::And | Joiner::Or | Joiner::Pipe));
        if guarded
            || matches!(
                unit.word_before(command.span.start),
                "if" | "elif" | "while" | "until" | "!"
            )
        {
            continue;
        }
        let made = commands[..i]
            .iter()
            .any(|c| c.program() == Some("mkdir") && dirs.iter().all(|d| operands(c).contains(d)));
        if made && !dirs.is_empty() {
            continue;
        }
        let shown = match dirs.first() {
            Some(dir) => format!("{program} {dir}"),
            None => program.to_string(),
        };
        cx.report(
            command.span,
            format!("{shown} is unchecked: if it fails, later commands run elsewhere (SC2164)"),
        )
        .at_path(format!("instruction[{}].RUN", unit.index));
    }
}

/// `$NAME/…` or `${NAME}/…`: the name, when the word starts with a plain
/// expansion followed by `/`.
fn leading_variable(word: &str) -> Option<&str> {
    let rest = word.strip_prefix('$')?;
    let (name, after) = match rest.strip_prefix('{') {
        Some(inner) => {
            let close = inner.find('}')?;
            (&inner[..close], &inner[close + 1..])
        }
        None => {
            let len = rest
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                .count();
            (&rest[..len], &rest[len..])
        }
    };
    let plain = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    (plain && after.starts_with('/')).then_some(name)
}

/// True if an earlier command of the script gives `name` a value:
/// `NAME=…`, `export NAME=…`, `for NAME in`, `read NAME`.
fn assigned_before(commands: &[Command], name: &str) -> bool {
    let sets = |text: &str| {
        text.split_once('=')
            .is_some_and(|(n, v)| n == name && !v.is_empty())
    };
    commands.iter().any(|c| {
        c.assignments.iter().any(|w| sets(&w.text))
            || match c.program() {
                Some("export" | "local" | "declare" | "readonly") => {
                    c.args().iter().any(|w| sets(&w.text))
                }
                Some("for" | "read") => c.args().iter().any(|w| w.text == name),
                _ => false,
            }
    })
}

/// SC2115.
fn rm_of_empty_variable(cx: &mut Cx<'_>, file: &Dockerfile, unit: &ShellUnit) {
    let commands = &unit.script.commands;
    for (i, command) in commands.iter().enumerate() {
        let Some(call) = invocation(command) else {
            continue;
        };
        if call.program != "rm" {
            continue;
        }
        let recursive = call.args.iter().any(|w| {
            w.text == "--recursive"
                || (w.text.starts_with('-')
                    && !w.text.starts_with("--")
                    && (w.text.contains('r') || w.text.contains('R')))
        });
        if !recursive {
            continue;
        }
        for word in call.args {
            let Some(name) = leading_variable(&word.text) else {
                continue;
            };
            let known = file
                .variable(name, unit.index)
                .is_some_and(|v| !v.is_empty());
            if known || matches!(name, "HOME" | "PWD") || assigned_before(&commands[..i], name) {
                continue;
            }
            cx.report_with(
                Severity::Medium,
                word.span,
                format!(
                    "rm -r of \"{}\" deletes from / if {name} is empty; write \"${{{name}:?}}\" (SC2115)",
                    word.text
                ),
            )
            .at_path(format!("instruction[{}].RUN", unit.index));
        }
    }
}

/// SC2216.
fn pipe_into_no_input(cx: &mut Cx<'_>, unit: &ShellUnit) {
    let commands = &unit.script.commands;
    for pipeline in pipelines(&unit.script) {
        for &i in &pipeline[1..] {
            // `… | xargs echo`: xargs reads the pipe and passes it on as arguments.
            if commands[i].program() == Some("xargs") {
                continue;
            }
            let Some(call) = invocation(&commands[i]) else {
                continue;
            };
            if NO_INPUT.contains(&call.program) {
                cx.report(
                    call.word.span,
                    format!(
                        "{} does not read its input: the pipe into it does nothing (SC2216)",
                        call.program
                    ),
                )
                .at_path(format!("instruction[{}].RUN", unit.index));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::leading_variable;

    #[test]
    fn leading_variables() {
        assert_eq!(leading_variable("$DIR/"), Some("DIR"));
        assert_eq!(leading_variable("${DIR}/*"), Some("DIR"));
        assert_eq!(leading_variable("${DIR:?}/*"), None);
        assert_eq!(leading_variable("${DIR:-/tmp}/x"), None);
        assert_eq!(leading_variable("$DIR"), None);
        assert_eq!(leading_variable("/tmp/$DIR/"), None);
    }
}
