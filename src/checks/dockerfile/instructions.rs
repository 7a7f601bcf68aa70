//! Templates about single instructions: `instruction-used` (a keyword that
//! should not appear), `exec-form` (CMD and ENTRYPOINT), `workdir` (how the
//! working directory is set), and `suppression-pragmas` (inline ignores).

use serde::Deserialize;

use super::run_scripts;
use super::stages::lineage;
use crate::checks::{Check, fill};
use crate::dockerfile::shell::{Script, unquote};
use crate::dockerfile::{Dockerfile, Instruction};
use crate::engine::Cx;

/// The instruction an `ONBUILD` wraps, or the instruction itself.
pub(super) fn effective(instruction: &Instruction) -> &Instruction {
    instruction.onbuild.as_deref().unwrap_or(instruction)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct InstructionUsedParams {
    /// Instructions that must not be used (also as `ONBUILD` triggers).
    pub keywords: Vec<String>,
    /// `{keyword}` is filled in.
    pub message: String,
}

/// `instruction-used`: reports every use of a listed instruction, at its keyword.
pub struct InstructionUsed {
    params: InstructionUsedParams,
}

impl InstructionUsed {
    pub fn new(mut params: InstructionUsedParams) -> Result<Self, String> {
        if params.keywords.is_empty() {
            return Err("`keywords` must not be empty".into());
        }
        for keyword in &mut params.keywords {
            keyword.make_ascii_uppercase();
        }
        Ok(InstructionUsed { params })
    }
}

impl Check for InstructionUsed {
    fn check_dockerfile(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        for (index, instruction) in file.instructions.iter().enumerate() {
            let used = effective(instruction);
            if self.params.keywords.contains(&used.keyword) {
                let message = fill(&self.params.message, &[("keyword", &used.keyword)]);
                cx.report(used.keyword_span, message)
                    .at_path(format!("instruction[{index}].{}", used.keyword));
            }
        }
    }
}

/// `exec-form`: `CMD` and `ENTRYPOINT` written as shell text, which runs
/// under `/bin/sh -c`. A `CMD` whose last command is `exec …` is accepted:
/// the shell replaces itself with the program, which then gets the signals.
pub struct ExecForm;

impl Check for ExecForm {
    fn check_dockerfile(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        for (index, instruction) in file.instructions.iter().enumerate() {
            let used = effective(instruction);
            let keyword = used.keyword.as_str();
            if !matches!(keyword, "CMD" | "ENTRYPOINT")
                || used.exec().is_some()
                || used.args.text.trim().is_empty()
            {
                continue;
            }
            if keyword == "CMD" && ends_with_exec(&Script::parse(&used.args)) {
                continue;
            }
            let message = if used.args.text.trim_start().starts_with('[') {
                format!("{keyword} is not a valid JSON array, so it runs under /bin/sh -c")
            } else {
                format!("{keyword} in shell form runs under /bin/sh -c")
            };
            cx.report(used.args.span(), message)
                .at_path(format!("instruction[{index}].{keyword}"));
        }
    }
}

/// The script's last top-level command replaces the shell (`exec app`).
fn ends_with_exec(script: &Script) -> bool {
    script
        .commands
        .iter()
        .rfind(|c| !c.substituted)
        .is_some_and(|c| !c.piped && c.program() == Some("exec") && c.words.len() > 1)
}

/// An absolute path on Linux or Windows (`/app`, `\app`, `C:\app`, `C:/app`).
pub(super) fn is_absolute(path: &str) -> bool {
    let bytes = path.as_bytes();
    path.starts_with(['/', '\\'])
        || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':')
}

/// `workdir`: a relative `WORKDIR`, `cd` in a `RUN`, and `COPY`/`ADD` to a
/// relative destination in a stage (or its bases) that set no `WORKDIR`.
pub struct Workdir;

impl Check for Workdir {
    fn check_dockerfile(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        let mut workdir_set = vec![false; file.stages.len()];
        for (index, instruction) in file.instructions.iter().enumerate() {
            let used = effective(instruction);
            match used.keyword.as_str() {
                "WORKDIR" => {
                    relative_workdir(cx, file, index, used);
                    if let (None, Some(stage)) = (&instruction.onbuild, instruction.stage) {
                        workdir_set[stage] = true;
                    }
                }
                "COPY" | "ADD" if instruction.onbuild.is_none() => {
                    let Some(stage) = instruction.stage else {
                        continue;
                    };
                    let set = lineage(file, stage)
                        .into_iter()
                        .any(|s| workdir_set.get(s).copied().unwrap_or(false));
                    if !set {
                        relative_destination(cx, file, index, used);
                    }
                }
                _ => {}
            }
        }
        for run in run_scripts(file) {
            for command in &run.script.commands {
                if command.program() != Some("cd") {
                    continue;
                }
                let message = match command.args().first() {
                    Some(target) => format!("RUN changes directory with cd {}", target.text),
                    None => "RUN changes directory with cd".to_string(),
                };
                cx.report(command.words[0].span, message)
                    .at_path(format!("instruction[{}].RUN", run.index));
            }
        }
    }
}

fn relative_workdir(cx: &mut Cx<'_>, file: &Dockerfile, index: usize, workdir: &Instruction) {
    let written = unquote(workdir.args.text.trim());
    let path = file.expand(&written, index);
    if path.is_empty() || path.starts_with('$') || is_absolute(&path) {
        return;
    }
    cx.report(
        workdir.args.span(),
        format!("WORKDIR \"{path}\" is a relative path"),
    )
    .at_path(format!("instruction[{index}].WORKDIR"));
}

fn relative_destination(cx: &mut Cx<'_>, file: &Dockerfile, index: usize, copy: &Instruction) {
    let words = match copy.exec() {
        Some(words) => words.to_vec(),
        None => copy.words(),
    };
    if words.len() < 2 {
        return;
    }
    let Some(destination) = words.last() else {
        return;
    };
    let path = file.expand(&destination.text, index);
    if path.starts_with('$') || is_absolute(&path) {
        return;
    }
    cx.report(
        destination.span,
        format!(
            "{} to relative path \"{path}\" with no WORKDIR set in this stage",
            copy.keyword
        ),
    )
    .at_path(format!("instruction[{index}].{}", copy.keyword));
}

/// One inline suppression comment, read the way the engine reads them.
struct Pragma {
    names: Vec<String>,
    file_wide: bool,
    /// `# harden:ignore rule -- reason`.
    reason: bool,
    hadolint: bool,
}

fn pragma(comment: &str) -> Option<Pragma> {
    let body = comment.trim_start_matches('#').trim();
    if let Some(rest) = body.strip_prefix("harden:ignore") {
        let (names, reason) = match rest.split_once(" -- ") {
            Some((names, reason)) => (names, !reason.trim().is_empty()),
            None => (rest, false),
        };
        return Some(Pragma {
            names: list(names),
            file_wide: false,
            reason,
            hadolint: false,
        });
    }
    let rest = body.strip_prefix("hadolint")?.trim();
    let (rest, file_wide) = match rest.strip_prefix("global") {
        Some(rest) => (rest.trim(), true),
        None => (rest, false),
    };
    let names = rest.strip_prefix("ignore=")?;
    Some(Pragma {
        names: list(names.split_whitespace().next().unwrap_or("")),
        file_wide,
        reason: false,
        hadolint: true,
    })
}

fn list(names: &str) -> Vec<String> {
    names
        .split([',', ' '])
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect()
}

/// `suppression-pragmas`: every inline ignore comment, for an audit of what
/// the file keeps quiet.
pub struct SuppressionPragmas;

impl Check for SuppressionPragmas {
    fn check_dockerfile(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        for (index, comment) in file.comments.iter().enumerate() {
            let Some(pragma) = pragma(&comment.text) else {
                continue;
            };
            let names = if pragma.names.is_empty() {
                "nothing".to_string()
            } else {
                pragma.names.join(", ")
            };
            let scope = if pragma.file_wide {
                "the whole file"
            } else {
                "the next instruction"
            };
            let source = if pragma.hadolint {
                "hadolint pragma"
            } else {
                "harden:ignore"
            };
            let mut message = format!("{source} silences {names} for {scope}");
            if !pragma.hadolint && !pragma.reason {
                message.push_str(", with no reason given");
            }
            cx.report(comment.span, message)
                .at_path(format!("comment[{index}]"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_paths() {
        assert!(is_absolute("/app"));
        assert!(is_absolute("C:\\app"));
        assert!(is_absolute("c:/app"));
        assert!(!is_absolute("app"));
        assert!(!is_absolute("./app"));
        assert!(!is_absolute(""));
    }

    #[test]
    fn pragmas() {
        let p = pragma("# hadolint global ignore=DL3008,DL3009").unwrap();
        assert_eq!(p.names, ["DL3008", "DL3009"]);
        assert!(p.file_wide && p.hadolint);
        let p = pragma("# harden:ignore dockerfile-no-sudo -- vendor script").unwrap();
        assert_eq!(p.names, ["dockerfile-no-sudo"]);
        assert!(p.reason && !p.file_wide);
        assert!(pragma("# hadolint shell=bash").is_none());
        assert!(pragma("# just a comment").is_none());
    }
}
