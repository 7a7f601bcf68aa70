//! The shell that runs each script of a `RUN`, and what it was told:
//! the stage's `SHELL` (inherited by a stage built `FROM` an earlier one),
//! the options of an explicit `bash -o pipefail -c '…'`, a heredoc's
//! shebang, and `set -euo pipefail` inside the script. Two templates use it:
//!
//! - `pipefail`: a pipeline whose first commands may fail unnoticed, because
//!   the shell reports only the status of the last command;
//! - `shell-replaced`: `RUN` that swaps `/bin/sh` for another shell instead
//!   of using `SHELL`.

use serde::Deserialize;

use super::security::invocation;
use super::{SHELLS, exec_script, run_scripts, word_text};
use crate::checks::Check;
use crate::dockerfile::shell::{Command, Joiner, Script};
use crate::dockerfile::{Dockerfile, Form, Joined};
use crate::engine::Cx;
use crate::source::Span;

/// Options a POSIX shell runs a script with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct ShellOptions {
    /// `-o pipefail`
    pub pipefail: bool,
    /// `-e` or `-o errexit`
    pub errexit: bool,
}

impl ShellOptions {
    /// Applies the options of a shell command line or of `set`: `-e`,
    /// `-o pipefail`, clusters such as `-euxo pipefail`, and `+o` to unset.
    /// Reading stops at the first operand or at `-c`.
    pub fn apply<'a>(&mut self, args: impl IntoIterator<Item = &'a str>) {
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let on = arg.starts_with('-');
            if !(on || arg.starts_with('+')) || arg.starts_with("--") || arg.len() < 2 {
                break;
            }
            let letters = &arg[1..];
            for letter in letters.chars() {
                match letter {
                    'e' => self.errexit = on,
                    'o' => match args.next() {
                        Some("pipefail") => self.pipefail = on,
                        Some("errexit") => self.errexit = on,
                        _ => {}
                    },
                    _ => {}
                }
            }
            if letters.contains('c') {
                break;
            }
        }
    }
}

/// The `SHELL` in effect at an instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct StageShell {
    /// A POSIX shell (not PowerShell or cmd).
    pub posix: bool,
    pub options: ShellOptions,
}

impl Default for StageShell {
    fn default() -> Self {
        StageShell {
            posix: true,
            options: ShellOptions::default(),
        }
    }
}

/// The shell in effect at each instruction (by index). A stage built
/// `FROM` an earlier stage starts with that stage's last `SHELL`.
pub(super) fn stage_shells(file: &Dockerfile) -> Vec<StageShell> {
    let mut at_end: Vec<StageShell> = vec![StageShell::default(); file.stages.len()];
    let mut current = StageShell::default();
    let mut out = Vec::with_capacity(file.instructions.len());
    for instruction in &file.instructions {
        let stage = instruction.stage;
        if instruction.keyword == "FROM" {
            current = StageShell::default();
            if let Some(s) = stage
                && let Some(image) = file.stages.get(s).and_then(|st| st.image.as_ref())
                && let Some(parent) = file.stage_named(&image.text)
                && parent < s
            {
                current = at_end[parent];
            }
        }
        if instruction.keyword == "SHELL"
            && let Form::Exec(words) = &instruction.form
            && let Some(program) = words.first()
        {
            let name = program.text.rsplit(['/', '\\']).next().unwrap_or("");
            let name = name.to_ascii_lowercase();
            let name = name.trim_end_matches(".exe");
            let mut options = ShellOptions::default();
            options.apply(words[1..].iter().map(|w| w.text.as_str()));
            current = StageShell {
                posix: !matches!(name, "pwsh" | "powershell" | "cmd"),
                options,
            };
        }
        out.push(current);
        if let Some(s) = stage
            && let Some(end) = at_end.get_mut(s)
        {
            *end = current;
        }
    }
    out
}

/// One shell script a `RUN` executes, with the options its shell starts with.
pub(super) struct ShellUnit {
    pub index: usize,
    /// The script's text, to find operators in.
    pub joined: Joined,
    pub script: Script,
    pub options: ShellOptions,
}

impl ShellUnit {
    /// The options in effect at each command: the shell's, changed by every
    /// `set` before it.
    pub fn options_at(&self) -> Vec<ShellOptions> {
        let mut options = self.options;
        let mut out = Vec::with_capacity(self.script.commands.len());
        for command in &self.script.commands {
            out.push(options);
            if command.program() == Some("set") {
                options.apply(command.args().iter().map(|w| w.text.as_str()));
            }
        }
        out
    }

    /// The word just before a source offset in the script's text
    /// (`if` in `if cd /x; then`), or "".
    pub fn word_before(&self, at: u32) -> &str {
        let text = &self.joined.text;
        let Some(p) = (0..text.len())
            .find(|&p| text.is_char_boundary(p) && self.joined.source_offset(p as u32) == at)
        else {
            return "";
        };
        let before = text[..p].trim_end_matches([' ', '\t']);
        let start = before
            .rfind(|c: char| c.is_whitespace() || matches!(c, ';' | '&' | '|' | '(' | '{'))
            .map_or(0, |i| i + 1);
        &before[start..]
    }

    /// The source span of the first `|` between two offsets.
    pub fn pipe_between(&self, from: u32, to: u32) -> Option<Span> {
        let bytes = self.joined.text.as_bytes();
        (0..bytes.len()).find_map(|p| {
            let single = bytes[p] == b'|'
                && bytes.get(p + 1) != Some(&b'|')
                && (p == 0 || bytes[p - 1] != b'|');
            let at = self.joined.source_offset(p as u32);
            (single && at >= from && at < to).then(|| Span::new(at, at + 1))
        })
    }
}

/// The options of a shebang line (`#!/bin/bash -eo pipefail`,
/// `#!/usr/bin/env -S bash -e`), if it names a POSIX shell.
fn shebang_options(body: &str) -> Option<Option<ShellOptions>> {
    let line = body.strip_prefix("#!")?.lines().next().unwrap_or("");
    let words: Vec<&str> = line.split_whitespace().collect();
    let shell = words
        .iter()
        .position(|w| SHELLS.contains(&w.rsplit('/').next().unwrap_or("")));
    Some(shell.map(|i| {
        let mut options = ShellOptions::default();
        options.apply(words[i + 1..].iter().copied());
        options
    }))
}

/// The options of a shell command (`bash -eo pipefail -c …`), and the index
/// of its `-c` script word, if it is a shell.
fn shell_command(command: &Command) -> Option<(ShellOptions, Option<usize>)> {
    let call = invocation(command)?;
    if !SHELLS.contains(&call.program) {
        return None;
    }
    let mut options = ShellOptions::default();
    options.apply(call.args.iter().map(|w| w.text.as_str()));
    let script = call
        .args
        .iter()
        .position(|w| w.text.starts_with('-') && !w.text.starts_with("--") && w.text.contains('c'));
    let offset = command.words.len() - call.args.len();
    Some((options, script.map(|i| offset + i + 1)))
}

/// Every shell script of every `RUN` (not those under a `SHELL` that is
/// not a POSIX shell): the `RUN` line, heredoc bodies run as scripts, and
/// `sh -c '…'` scripts, each on its own.
pub(super) fn shell_units(file: &Dockerfile) -> Vec<ShellUnit> {
    let shells = stage_shells(file);
    let mut out: Vec<ShellUnit> = Vec::new();
    for (index, outer) in file.instructions.iter().enumerate() {
        let instruction = outer.onbuild.as_deref().unwrap_or(outer);
        let shell = shells.get(index).copied().unwrap_or_default();
        if instruction.keyword != "RUN" || !shell.posix {
            continue;
        }
        let first = out.len();
        let (joined, script, options) = match &instruction.form {
            Form::Exec(words) => (
                Joined::default(),
                exec_script(words),
                ShellOptions::default(),
            ),
            Form::Shell => (
                instruction.args.clone(),
                Script::parse(&instruction.args),
                shell.options,
            ),
        };
        let runner = script.commands.first().map(shell_command);
        for heredoc in &instruction.heredocs {
            let options = match (&runner, shebang_options(&heredoc.body.text)) {
                // `RUN <<EOF`: the stage's shell, unless a shebang names another.
                (None, None) => shell.options,
                (None, Some(Some(options))) => options,
                // `RUN bash -e <<EOF`: that shell reads the body.
                (Some(Some((options, None))), _) => *options,
                _ => continue,
            };
            out.push(ShellUnit {
                index,
                script: Script::parse(&heredoc.body),
                joined: heredoc.body.clone(),
                options,
            });
        }
        out.insert(
            first,
            ShellUnit {
                index,
                joined,
                script,
                options,
            },
        );
        let mut nested = Vec::new();
        for unit in &out[first..] {
            for command in &unit.script.commands {
                if let Some((options, Some(at))) = shell_command(command)
                    && let Some(word) = command.words.get(at)
                {
                    let joined = word_text(word);
                    nested.push(ShellUnit {
                        index,
                        script: Script::parse(&joined),
                        joined,
                        options,
                    });
                }
            }
        }
        out.extend(nested);
    }
    out
}

/// The pipelines of a script: indices of their commands, in order, for
/// pipelines of two commands or more (those inside `$(…)` apart from those
/// outside).
pub(super) fn pipelines(script: &Script) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut open: [Vec<usize>; 2] = [Vec::new(), Vec::new()];
    for (i, command) in script.commands.iter().enumerate() {
        let level = usize::from(command.substituted);
        if command.joiner != Joiner::Pipe || open[level].is_empty() {
            let done = std::mem::take(&mut open[level]);
            if done.len() > 1 {
                out.push(done);
            }
        }
        open[level].push(i);
    }
    for done in open {
        if done.len() > 1 {
            out.push(done);
        }
    }
    out.sort();
    out
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct PipefailParams {
    /// Commands that cannot fail in a way that matters at the head of a
    /// pipeline (`echo`, `printf`); a pipeline made only of them before its
    /// last command is not reported. `yes` belongs here: under pipefail,
    /// `yes | cmd` fails when `yes` is cut off.
    pub quiet_producers: Vec<String>,
}

/// `pipefail`: reports the first `|` of each pipeline that runs without
/// `pipefail`.
pub struct Pipefail {
    params: PipefailParams,
}

impl Pipefail {
    pub fn new(params: PipefailParams) -> Self {
        Pipefail { params }
    }
}

impl Check for Pipefail {
    fn check_dockerfile(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        for unit in shell_units(file) {
            let options = unit.options_at();
            let commands = &unit.script.commands;
            for pipeline in pipelines(&unit.script) {
                let (head, second) = (&commands[pipeline[0]], &commands[pipeline[1]]);
                if options[pipeline[0]].pipefail {
                    continue;
                }
                let quiet = pipeline[..pipeline.len() - 1].iter().all(|&i| {
                    commands[i]
                        .program()
                        .is_some_and(|p| self.params.quiet_producers.iter().any(|q| q == p))
                });
                if quiet {
                    continue;
                }
                let span = unit
                    .pipe_between(head.span.end, second.span.start)
                    .or(second.words.first().map(|w| w.span))
                    .unwrap_or(second.span);
                let program = head.program().unwrap_or("the first command");
                cx.report(
                    span,
                    format!("pipe without pipefail: a failure of {program} goes unnoticed"),
                )
                .at_path(format!("instruction[{}].RUN", unit.index));
            }
        }
    }
}

/// Paths of the shell `RUN` uses.
const SYSTEM_SHELLS: [&str; 2] = ["/bin/sh", "/usr/bin/sh"];

/// `shell-replaced`: `RUN` that makes `/bin/sh` another shell (`ln -sf
/// /bin/bash /bin/sh`, `cp`, `mv`, `update-alternatives --install /bin/sh
/// …`, `dpkg-reconfigure dash`), reported at the path or package word.
pub struct ShellReplaced;

impl Check for ShellReplaced {
    fn check_dockerfile(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        for run in run_scripts(file) {
            for command in &run.script.commands {
                let Some(call) = invocation(command) else {
                    continue;
                };
                let operands: Vec<_> = call
                    .args
                    .iter()
                    .filter(|w| !w.text.starts_with('-'))
                    .collect();
                let target = match call.program {
                    "ln" | "cp" | "mv" | "install" if operands.len() >= 2 => operands
                        .last()
                        .copied()
                        .filter(|w| SYSTEM_SHELLS.contains(&w.text.as_str())),
                    "update-alternatives" => call
                        .args
                        .iter()
                        .position(|w| w.text == "--install")
                        .and_then(|i| call.args.get(i + 1))
                        .filter(|w| SYSTEM_SHELLS.contains(&w.text.as_str())),
                    "dpkg-reconfigure" => operands.into_iter().find(|w| w.text == "dash"),
                    _ => None,
                };
                if let Some(word) = target {
                    cx.report(
                        word.span,
                        format!("{} replaces /bin/sh; use SHELL instead", call.program),
                    )
                    .at_path(format!("instruction[{}].RUN", run.index));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(args: &str) -> ShellOptions {
        let mut options = ShellOptions::default();
        options.apply(args.split_whitespace());
        options
    }

    #[test]
    fn options_from_shell_flags_and_set() {
        assert!(options("-o pipefail -c").pipefail);
        assert!(options("-euxo pipefail -c").pipefail);
        assert!(options("-euxo pipefail").errexit);
        assert!(!options("-c -o pipefail").pipefail);
        assert!(!options("script.sh -o pipefail").pipefail);
        assert!(options("-o errexit").errexit);
        let mut both = options("-eo pipefail");
        both.apply(["+o", "pipefail"]);
        assert!(!both.pipefail && both.errexit);
    }

    #[test]
    fn shebangs() {
        assert_eq!(
            shebang_options("#!/bin/bash -eo pipefail\nx"),
            Some(Some(ShellOptions {
                pipefail: true,
                errexit: true
            }))
        );
        assert_eq!(
            shebang_options("#!/usr/bin/env -S bash -o pipefail\n"),
            Some(Some(ShellOptions {
                pipefail: true,
                errexit: false
            }))
        );
        assert_eq!(shebang_options("#!/usr/bin/env python3\n"), Some(None));
        assert_eq!(shebang_options("set -e\n"), None);
    }
}
