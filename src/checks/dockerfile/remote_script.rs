//! `remote-script-pipe`: a script downloaded and run in one go, with no
//! chance to check what was downloaded: `curl … | sh`, `wget -O- … | bash`,
//! `sh -c "$(curl …)"`, `bash <(curl …)`, `eval "$(curl …)"`.

use serde::Deserialize;

use super::run_scripts;
use super::security::{Invocation, invocation, unversioned};
use crate::checks::Check;
use crate::dockerfile::shell::{Command, Joiner};
use crate::dockerfile::{Dockerfile, Word};
use crate::engine::Cx;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RemoteScriptPipeParams {
    /// Programs that run code read from their input or given with `-c`/`-e`
    /// (names without version suffix: `python` covers `python3`).
    pub interpreters: Vec<String>,
}

/// `remote-script-pipe`: reports the interpreter that runs what `curl` or
/// `wget` downloaded, with a label at the download.
pub struct RemoteScriptPipe {
    params: RemoteScriptPipeParams,
}

impl RemoteScriptPipe {
    pub fn new(params: RemoteScriptPipeParams) -> Result<Self, String> {
        if params.interpreters.is_empty() {
            return Err("`interpreters` must not be empty".into());
        }
        Ok(RemoteScriptPipe { params })
    }
}

/// The values of an output option in `args`: `-o file`, `-ofile`, `-sSLo
/// file`, `--output file`, `--output=file`; "" for an option with nothing
/// after it.
fn output_option<'a>(args: &'a [Word], short: char, long: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    for (i, word) in args.iter().enumerate() {
        let text = word.text.as_str();
        let next = || args.get(i + 1).map_or("", |w| w.text.as_str());
        if text == long {
            out.push(next());
        } else if let Some(value) = text.strip_prefix(long).and_then(|r| r.strip_prefix('=')) {
            out.push(value);
        } else if let Some(cluster) = text.strip_prefix('-')
            && !cluster.starts_with('-')
            && let Some(at) = cluster.find(short)
        {
            let rest = &cluster[at + short.len_utf8()..];
            out.push(if rest.is_empty() { next() } else { rest });
        }
    }
    out
}

fn is_stdout(path: &str) -> bool {
    matches!(path, "-" | "/dev/stdout")
}

/// A download whose content goes to standard output: `curl URL` (unless it
/// writes to a file), `wget -O- URL`.
fn downloads_to_stdout(call: &Invocation<'_>) -> bool {
    match call.program {
        "curl" => {
            let saves = call.args.iter().any(|w| {
                matches!(
                    w.text.as_str(),
                    "-O" | "--remote-name" | "--remote-name-all"
                ) || (w.text.starts_with('-') && !w.text.starts_with("--") && w.text.contains('O'))
            });
            !saves
                && output_option(call.args, 'o', "--output")
                    .iter()
                    .all(|p| is_stdout(p))
        }
        "wget" => {
            let outputs = output_option(call.args, 'O', "--output-document");
            !outputs.is_empty() && outputs.iter().all(|p| is_stdout(p))
        }
        _ => false,
    }
}

/// Options of interpreters that take the next word as their value.
fn takes_value(program: &str, flag: &str) -> bool {
    match unversioned(program) {
        "python" => matches!(flag, "-W" | "-X"),
        "node" => matches!(flag, "-r" | "--require"),
        _ => matches!(flag, "-o" | "+o" | "-O" | "+O"),
    }
}

/// How an interpreter gets its code: from standard input, from the word
/// after `-c`/`-e` (its index), or from a file.
enum Code {
    Stdin,
    Argument(usize),
    File(usize),
}

fn code_source(call: &Invocation<'_>) -> Code {
    let mut i = 0;
    while let Some(word) = call.args.get(i) {
        let text = word.text.as_str();
        if text == "-" || text == "--" {
            return Code::Stdin;
        }
        if text.starts_with('-') || text.starts_with('+') {
            let inline = ["-c", "-e", "-E", "--eval", "-r", "-m", "--command"];
            if inline.contains(&text)
                || (!text.starts_with("--")
                    && text.len() > 2
                    && text[1..].bytes().all(|b| b.is_ascii_alphabetic())
                    && text.ends_with('c'))
            {
                return Code::Argument(i + 1);
            }
            if text == "-s" {
                return Code::Stdin;
            }
            i += if takes_value(call.program, text) {
                2
            } else {
                1
            };
            continue;
        }
        return Code::File(i);
    }
    Code::Stdin
}

impl Check for RemoteScriptPipe {
    fn check_dockerfile(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        for run in run_scripts(file) {
            let commands = &run.script.commands;
            for (i, command) in commands.iter().enumerate() {
                let Some(call) = invocation(command) else {
                    continue;
                };
                if downloads_to_stdout(&call) {
                    self.check_pipeline(cx, commands, i, &call);
                }
                if call.is(&self.params.interpreters)
                    || matches!(call.program, "eval" | "source" | ".")
                {
                    self.check_substituted_code(cx, commands, &call);
                }
            }
        }
    }
}

impl RemoteScriptPipe {
    /// `curl … | [tee …|] sh`: the later members of the download's pipeline.
    fn check_pipeline(
        &self,
        cx: &mut Cx<'_>,
        commands: &[Command],
        download: usize,
        fetch: &Invocation<'_>,
    ) {
        let level = commands[download].substituted;
        for command in commands[download + 1..]
            .iter()
            .filter(|c| c.substituted == level)
        {
            if command.joiner != Joiner::Pipe {
                return;
            }
            let Some(call) = invocation(command) else {
                continue;
            };
            if call.is(&self.params.interpreters) && matches!(code_source(&call), Code::Stdin) {
                cx.report(
                    call.word.span,
                    format!(
                        "{} runs a script piped from {}",
                        call.program, fetch.program
                    ),
                )
                .with_label(fetch.word.span, "downloaded here");
                return;
            }
        }
    }

    /// `sh -c "$(curl …)"`, `bash <(curl …)`, `eval "$(wget -O- …)"`: code
    /// that is the output of a download.
    fn check_substituted_code(&self, cx: &mut Cx<'_>, commands: &[Command], call: &Invocation<'_>) {
        let code = if matches!(call.program, "eval" | "source" | ".") {
            call.args.first()
        } else {
            match code_source(call) {
                Code::Argument(i) | Code::File(i) => call.args.get(i),
                Code::Stdin => None,
            }
        };
        let Some(code) = code else {
            return;
        };
        if !["$(", "`", "<("].iter().any(|p| code.text.starts_with(p)) {
            return;
        }
        let fetch = commands
            .iter()
            .filter(|c| {
                c.substituted && c.span.start >= code.span.start && c.span.end <= code.span.end
            })
            .find_map(|c| invocation(c).filter(downloads_to_stdout));
        if let Some(fetch) = fetch {
            cx.report(
                call.word.span,
                format!(
                    "{} runs a script downloaded by {}",
                    call.program, fetch.program
                ),
            )
            .with_label(fetch.word.span, "downloaded here");
        }
    }
}
