//! Check templates for Dockerfiles, and what they share: the shell commands
//! of every `RUN` (shell form, exec form, heredoc bodies, `ONBUILD RUN`, and
//! the scripts of `sh -c '…'`), with the stage each runs in.

mod add;
mod args;
mod commands;
mod hygiene;
mod image;
mod image_user;
mod instructions;
mod labels;
mod packages;
mod ports;
mod remote_script;
mod secrets;
mod security;
mod semantics;
mod shell_config;
mod shellcheck;
mod stages;
mod user;

pub use add::AddSource;
pub use commands::RunProgram;
pub use hygiene::ImageSizeHygiene;
pub use image::{FromDigest, FromPlatform, FromRegistry, FromTag};
pub use image_user::{NumericUser, UserDefined};
pub use instructions::{ExecForm, InstructionUsed, SuppressionPragmas, Workdir};
pub use labels::LabelSchema;
pub use packages::{
    LonePackageUpdate, PackageCache, PackageCommand, PackageNoRecommends, PackageNoninteractive,
    PackagePin,
};
pub use ports::{ExposePort, ExposeValid};
pub use remote_script::RemoteScriptPipe;
pub use secrets::SecretVariable;
pub use security::RunOption;
pub use semantics::SyntaxSemantics;
pub use shell_config::{Pipefail, ShellReplaced};
pub use shellcheck::Shellcheck;
pub use stages::{Healthcheck, RepeatedInstruction, StageReferences};
pub use user::FinalUser;

use crate::dockerfile::shell::{Command, Joiner, Script};
use crate::dockerfile::{Dockerfile, Form, Instruction, Joined, Word};
use image::stage_chain;

/// The commands one `RUN` executes.
pub struct RunScript<'a> {
    /// Index of the instruction in `Dockerfile::instructions`.
    pub index: usize,
    /// The `RUN` itself (inside its `ONBUILD`, for `ONBUILD RUN`).
    pub instruction: &'a Instruction,
    pub script: &'a Script,
}

/// Every `RUN` of the file with its commands, in order.
/// The shell is read once per file; every rule shares the result.
pub fn run_scripts(file: &Dockerfile) -> Vec<RunScript<'_>> {
    let scripts = file.run_scripts.get_or_init(|| read_run_scripts(file));
    scripts
        .iter()
        .map(|(index, script)| RunScript {
            index: *index,
            instruction: run_instruction(&file.instructions[*index]),
            script,
        })
        .collect()
}

/// The RUN an instruction is, or wraps (`ONBUILD RUN`).
fn run_instruction(outer: &Instruction) -> &Instruction {
    match &outer.onbuild {
        Some(inner) => inner.as_ref(),
        None => outer,
    }
}

fn read_run_scripts(file: &Dockerfile) -> Vec<(usize, Script)> {
    let mut out = Vec::new();
    for (index, outer) in file.instructions.iter().enumerate() {
        let instruction = run_instruction(outer);
        if instruction.keyword != "RUN" {
            continue;
        }
        let mut script = match &instruction.form {
            Form::Exec(words) => exec_script(words),
            Form::Shell => Script::parse(&instruction.args),
        };
        // `RUN <<EOF` runs the body as a script; `RUN python3 <<EOF` feeds
        // it to another program.
        let feeds_program = script
            .commands
            .first()
            .and_then(|c| c.program())
            .is_some_and(|p| !SHELLS.contains(&p));
        for heredoc in &instruction.heredocs {
            if !feeds_program && is_shell_body(&heredoc.body.text) {
                script
                    .commands
                    .extend(Script::parse(&heredoc.body).commands);
            }
        }
        let nested: Vec<Command> = script
            .commands
            .iter()
            .filter_map(|c| Script::nested(c, word_text))
            .flat_map(|s| s.commands)
            .collect();
        script.commands.extend(nested);
        out.push((index, script));
    }
    out
}

/// An exec-form RUN is one command: its elements are the words.
pub(super) fn exec_script(words: &[Word]) -> Script {
    let Some(first) = words.first() else {
        return Script::default();
    };
    let last = words.last().unwrap_or(first);
    Script {
        commands: vec![Command {
            assignments: Vec::new(),
            words: words.to_vec(),
            span: crate::source::Span::new(first.span.start, last.span.end),
            joiner: Joiner::Start,
            piped: false,
            substituted: false,
        }],
    }
}

/// The text of a word as a script of its own (for `sh -c '…'`), placed at
/// the word's position: the quotes are skipped, so offsets line up for the
/// common case of a quoted script without escapes.
pub(super) fn word_text(word: &Word) -> Joined {
    let mut joined = Joined::default();
    joined.push(&word.text, word.span.start + 1);
    joined
}

pub(super) const SHELLS: [&str; 5] = ["sh", "bash", "ash", "dash", "zsh"];

/// A heredoc body runs in the shell unless its shebang names another interpreter.
fn is_shell_body(body: &str) -> bool {
    match body.strip_prefix("#!") {
        Some(shebang) => {
            let line = shebang.lines().next().unwrap_or("");
            SHELLS
                .iter()
                .any(|shell| line.split(['/', ' ']).any(|part| part == *shell))
        }
        None => true,
    }
}
