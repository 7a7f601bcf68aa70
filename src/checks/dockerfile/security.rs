//! `run-option`: options that switch off a safety check (TLS certificate
//! verification, package signatures), written as command flags
//! (`curl -k`), settings (`npm config set strict-ssl false`,
//! `git -c http.sslVerify=false`, `--setopt=sslverify=0`) or environment
//! variables (`ENV NODE_TLS_REJECT_UNAUTHORIZED=0`, `export
//! GIT_SSL_NO_VERIFY=1`). Also the command reader they share with the other
//! Dockerfile templates: wrappers such as `sudo` and `env` are looked through.

use serde::Deserialize;

use super::run_scripts;
use crate::checks::{Check, fill};
use crate::dockerfile::shell::Command;
use crate::dockerfile::{Dockerfile, Word};
use crate::engine::Cx;
use crate::source::Span;

/// A command with its wrappers removed: `sudo -E bash -` is `bash -`,
/// `env A=1 curl -k` is `curl -k` with the assignment `A=1`,
/// `python3 -m pip install` is `pip install`.
pub(super) struct Invocation<'a> {
    /// The word that names the program.
    pub word: &'a Word,
    /// The program's name without directory.
    pub program: &'a str,
    pub args: &'a [Word],
    /// `NAME=value` words before the program, also those given to `env`.
    pub assignments: Vec<&'a Word>,
}

impl Invocation<'_> {
    /// True if the program, or its name without a version suffix
    /// (`pip3.11` → `pip`, `python3` → `python`), is one of `names`.
    pub fn is(&self, names: &[impl AsRef<str>]) -> bool {
        let bare = unversioned(self.program);
        names
            .iter()
            .any(|n| n.as_ref() == self.program || n.as_ref() == bare)
    }
}

/// `pip3.11` → `pip`; a name that is only digits stays as it is.
pub(super) fn unversioned(program: &str) -> &str {
    let bare = program.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    if bare.is_empty() { program } else { bare }
}

fn basename(text: &str) -> &str {
    text.rsplit('/').next().unwrap_or(text)
}

/// The program a command runs, seen through `sudo`, `env`, `nice`, `nohup`,
/// `exec`, `command`, `time`, `timeout`, `gosu`/`su-exec` and `busybox`, and
/// through `python -m`.
pub(super) fn invocation(command: &Command) -> Option<Invocation<'_>> {
    let (words, assignments) = command.through_wrappers();
    let (word, args) = words.split_first()?;
    let program = basename(&word.text);
    if unversioned(program) == "python"
        && args.first().is_some_and(|w| w.text == "-m")
        && let Some(module) = args.get(1)
    {
        return Some(Invocation {
            word: module,
            program: &module.text,
            args: &args[2..],
            assignments,
        });
    }
    Some(Invocation {
        word,
        program,
        args,
        assignments,
    })
}

/// A flag that disables a check: `curl -k`, `apk add --allow-untrusted`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct FlagSpec {
    pub programs: Vec<String>,
    /// Exact flags; a two-character short flag is also found in a cluster
    /// (`-fsSLk` has `-k`), a long flag also as `--flag=value`.
    pub flags: Vec<String>,
    /// `{program}` and `{flag}` are filled in.
    pub message: String,
}

/// A setting written as `key value` or `key=value` in a command's
/// arguments: `npm config set strict-ssl false`, `git -c
/// http.sslVerify=false`, `dnf --setopt=sslverify=0`, `--strict-ssl=false`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct SettingSpec {
    pub programs: Vec<String>,
    /// Keys, compared without case and leading dashes; a key also matches
    /// as the last part of a dotted or `::` path (`http.<url>.sslVerify`,
    /// `Acquire::https::Verify-Peer`).
    pub keys: Vec<String>,
    /// Values that disable the check (compared without case); empty: any
    /// non-empty value.
    #[serde(default)]
    pub values: Vec<String>,
    /// `{program}`, `{key}` and `{value}` are filled in.
    pub message: String,
}

/// An environment variable that disables a check, set by `ENV`, `ARG`, an
/// assignment in `RUN`, `export` or `env`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct VariableSpec {
    pub names: Vec<String>,
    /// Values that disable the check (compared without case); empty: any
    /// non-empty value.
    #[serde(default)]
    pub values: Vec<String>,
    /// `{name}` and `{value}` are filled in.
    pub message: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RunOptionParams {
    #[serde(default)]
    pub flags: Vec<FlagSpec>,
    #[serde(default)]
    pub settings: Vec<SettingSpec>,
    #[serde(default)]
    pub variables: Vec<VariableSpec>,
}

/// `run-option`: reports each flag, setting or variable of the parameters
/// at the word that holds it.
pub struct RunOption {
    params: RunOptionParams,
}

impl RunOption {
    pub fn new(params: RunOptionParams) -> Result<Self, String> {
        if params.flags.is_empty() && params.settings.is_empty() && params.variables.is_empty() {
            return Err("one of `flags`, `settings` or `variables` must be given".into());
        }
        Ok(RunOption { params })
    }
}

fn value_matches(values: &[String], value: &str) -> bool {
    let value = value.trim();
    if values.is_empty() {
        !value.is_empty()
    } else {
        values.iter().any(|v| v.eq_ignore_ascii_case(value))
    }
}

/// True if `word` is `flag`, `flag=…` for a long flag, or a cluster of
/// short flags that holds it.
fn is_flag(word: &str, flag: &str) -> bool {
    if word == flag {
        return true;
    }
    if flag.starts_with("--") {
        return word.strip_prefix(flag).is_some_and(|r| r.starts_with('='));
    }
    match (flag.strip_prefix('-'), word.strip_prefix('-')) {
        (Some(letter), Some(cluster)) if letter.len() == 1 && !cluster.starts_with('-') => {
            cluster.bytes().all(|b| b.is_ascii_alphabetic()) && cluster.contains(letter)
        }
        _ => false,
    }
}

/// True if `key` (as written, dashes removed) names `wanted`.
fn key_matches(key: &str, wanted: &str) -> bool {
    let key = key.trim_start_matches('-').to_ascii_lowercase();
    let wanted = wanted.to_ascii_lowercase();
    key == wanted || key.ends_with(&format!(".{wanted}")) || key.ends_with(&format!("::{wanted}"))
}

/// A setting found in arguments: the words it spans, its key and value.
struct Setting {
    span: Span,
    key: String,
    value: String,
}

/// Options whose value is a `key=value` setting.
const SETTING_OPTIONS: [&str; 4] = ["-c", "-o", "--setopt", "--set"];

/// Reads settings from arguments: options (`--strict-ssl=false`,
/// `--strict-ssl false`, `--setopt=key=value`), the value of an option that
/// takes settings (`-c key=value`, `-o key=value`), and, after a `config` or
/// `set` word, bare `key value` or `key=value` (`npm config set strict-ssl
/// false`; in `npm install strict-ssl false` they are package names).
fn settings(args: &[Word]) -> Vec<Setting> {
    let mut out = Vec::new();
    let mut configuring = false;
    for (i, word) in args.iter().enumerate() {
        let after_option = i > 0 && SETTING_OPTIONS.contains(&args[i - 1].text.as_str());
        if !word.text.starts_with('-') && !after_option && !configuring {
            configuring = matches!(word.text.as_str(), "config" | "set");
            continue;
        }
        let text = word.text.strip_prefix("--setopt=").unwrap_or(&word.text);
        let (key, value, end) = match text.split_once('=') {
            Some((key, value)) => (key, value.to_string(), word.span.end),
            None => match args.get(i + 1) {
                Some(next) if !next.text.starts_with('-') => {
                    (text, next.text.clone(), next.span.end)
                }
                _ => continue,
            },
        };
        out.push(Setting {
            span: Span::new(word.span.start, end),
            key: key.to_string(),
            value,
        });
    }
    out
}

impl Check for RunOption {
    fn check_dockerfile(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        for run in run_scripts(file) {
            for command in &run.script.commands {
                let mut assigned: Vec<&Word> = command.assignments.iter().collect();
                if let Some(call) = invocation(command) {
                    self.check_flags(cx, &call);
                    self.check_settings(cx, &call);
                    assigned = call.assignments.clone();
                    if matches!(call.program, "export" | "declare" | "typeset") {
                        assigned.extend(call.args.iter().filter(|w| !w.text.starts_with('-')));
                    }
                }
                for word in assigned {
                    if let Some((name, value)) = word.text.split_once('=') {
                        let value = file.expand(value, run.index);
                        self.check_variable(cx, word.span, name, &value);
                    }
                }
            }
        }
        self.check_arg_env(cx, file);
    }
}

impl RunOption {
    fn check_flags(&self, cx: &mut Cx<'_>, call: &Invocation<'_>) {
        for spec in &self.params.flags {
            if !call.is(&spec.programs) {
                continue;
            }
            for word in call.args {
                if word.text == "--" {
                    break;
                }
                if let Some(flag) = spec.flags.iter().find(|f| is_flag(&word.text, f)) {
                    let message = fill(&spec.message, &[("program", call.program), ("flag", flag)]);
                    cx.report(word.span, message);
                }
            }
        }
    }

    fn check_settings(&self, cx: &mut Cx<'_>, call: &Invocation<'_>) {
        let specs: Vec<&SettingSpec> = self
            .params
            .settings
            .iter()
            .filter(|s| call.is(&s.programs))
            .collect();
        if specs.is_empty() {
            return;
        }
        for setting in settings(call.args) {
            let found = specs.iter().find(|s| {
                s.keys.iter().any(|k| key_matches(&setting.key, k))
                    && value_matches(&s.values, &setting.value)
            });
            if let Some(spec) = found {
                let message = fill(
                    &spec.message,
                    &[
                        ("program", call.program),
                        ("key", setting.key.trim_start_matches('-')),
                        ("value", &setting.value),
                    ],
                );
                cx.report(setting.span, message);
            }
        }
    }

    fn check_variable(&self, cx: &mut Cx<'_>, span: Span, name: &str, value: &str) {
        let found = self
            .params
            .variables
            .iter()
            .find(|v| v.names.iter().any(|n| n == name) && value_matches(&v.values, value));
        if let Some(spec) = found {
            let message = fill(&spec.message, &[("name", name), ("value", value.trim())]);
            cx.report(span, message);
        }
    }

    fn check_arg_env(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        if self.params.variables.is_empty() {
            return;
        }
        for (index, outer) in file.instructions.iter().enumerate() {
            let instruction = outer.onbuild.as_deref().unwrap_or(outer);
            if !matches!(instruction.keyword.as_str(), "ARG" | "ENV") {
                continue;
            }
            for pair in super::secrets::pairs(instruction) {
                if let Some(value) = &pair.value {
                    let value = file.expand(value, index);
                    self.check_variable(cx, pair.span, &pair.name, &value);
                }
            }
        }
    }
}
