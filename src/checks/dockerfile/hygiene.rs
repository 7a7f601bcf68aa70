//! `image-size-hygiene`: habits that bloat an image or its build: a high
//! UID added without `-l`, `wget` printing progress bars, two download
//! tools in one stage, RUNs that could be one layer, and programs that have
//! no use while building.

use serde::Deserialize;

use super::args::{Args, OptionSpec};
use super::packages::{Family, Invocation, basename, unwrapped};
use super::{RunScript, run_scripts};
use crate::checks::Check;
use crate::dockerfile::{Dockerfile, Word};
use crate::engine::Cx;
use crate::source::Span;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ImageSizeHygieneParams {
    /// Programs that have no use in a `RUN` (`ssh`, `vim`, `shutdown`…).
    #[serde(default = "pointless_programs")]
    pub pointless_programs: Vec<String>,
}

fn pointless_programs() -> Vec<String> {
    [
        "free", "ifconfig", "kill", "mount", "ps", "service", "shutdown", "ssh", "top", "vim",
    ]
    .map(String::from)
    .to_vec()
}

pub struct ImageSizeHygiene {
    params: ImageSizeHygieneParams,
}

impl ImageSizeHygiene {
    pub fn new(params: ImageSizeHygieneParams) -> Self {
        ImageSizeHygiene { params }
    }
}

/// From this UID on, `useradd` without `-l` writes a lastlog file of
/// hundreds of megabytes (sparse on disk, not in a layer).
const HIGH_UID: u64 = 100_000;

const USERADD_OPTIONS: OptionSpec = OptionSpec {
    short_values: "bcdefgGkKpsuURPZ",
    long_values: &[
        "base-dir",
        "comment",
        "home-dir",
        "expiredate",
        "inactive",
        "gid",
        "groups",
        "skel",
        "key",
        "password",
        "shell",
        "uid",
        "root",
        "prefix",
        "selinux-user",
    ],
    single_dash_long: false,
};

const WGET_OPTIONS: OptionSpec = OptionSpec {
    short_values: "OoaetTwPUQiBlARDIX",
    long_values: &[
        "output-document",
        "output-file",
        "append-output",
        "execute",
        "tries",
        "timeout",
        "wait",
        "directory-prefix",
        "user-agent",
        "header",
        "user",
        "password",
        "post-data",
        "referer",
    ],
    single_dash_long: false,
};

impl Check for ImageSizeHygiene {
    fn check_dockerfile(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        let runs = run_scripts(file);
        for run in &runs {
            for command in &run.script.commands {
                let words = unwrapped(command);
                let Some(first) = words.first() else {
                    continue;
                };
                let program = basename(&first.text);
                let args = &words[1..];
                match program {
                    "useradd" => useradd(cx, file, run, args),
                    "wget" => wget(cx, run, first, args),
                    _ => {}
                }
                if self.params.pointless_programs.iter().any(|p| p == program) {
                    cx.report(
                        first.span,
                        format!("{program} has no use while building an image"),
                    )
                    .at_path(path(run));
                }
            }
        }
        both_download_tools(cx, file, &runs);
        consecutive_runs(cx, file, &runs);
    }
}

fn path(run: &RunScript) -> String {
    format!("instruction[{}].{}", run.index, run.instruction.keyword)
}

fn useradd(cx: &mut Cx<'_>, file: &Dockerfile, run: &RunScript, words: &[Word]) {
    let args = Args::parse(words, &USERADD_OPTIONS);
    if args.has(&["-l", "--no-log-init"]) {
        return;
    }
    for uid in args.all(&["-u", "--uid"]) {
        let Some(value) = &uid.value else { continue };
        let value = file.expand(value, run.index);
        if value.parse::<u64>().is_ok_and(|n| n >= HIGH_UID) {
            let message =
                format!("useradd with UID {value} and no -l writes a huge /var/log/lastlog");
            cx.report(uid.value_span(), message).at_path(path(run));
        }
    }
}

fn wget(cx: &mut Cx<'_>, run: &RunScript, program: &Word, words: &[Word]) {
    let args = Args::parse(words, &WGET_OPTIONS);
    let quiet = args.has(&[
        "-q",
        "--quiet",
        "--progress",
        "--no-verbose",
        "-o",
        "--output-file",
        "-a",
        "--append-output",
    ]) || words.iter().any(|w| w.text == "-nv");
    if !quiet {
        cx.report(
            program.span,
            "wget without -q or --progress=dot:giga fills the build log with progress bars",
        )
        .at_path(path(run));
    }
}

/// Where curl and wget first appear in one stage (ONBUILD triggers count
/// as a stage of their own).
struct StageTools {
    stage: Option<usize>,
    curl: Option<Span>,
    wget: Option<Span>,
    reported: bool,
}

/// Reports the first place the second download tool of a stage appears: run
/// as a command, or installed as a package.
fn both_download_tools(cx: &mut Cx<'_>, file: &Dockerfile, runs: &[RunScript]) {
    let mut stages: Vec<StageTools> = Vec::new();
    for run in runs {
        let outer = &file.instructions[run.index];
        let stage = if outer.onbuild.is_some() {
            None
        } else {
            outer.stage
        };
        let slot = match stages.iter().position(|s| s.stage == stage) {
            Some(i) => i,
            None => {
                stages.push(StageTools {
                    stage,
                    curl: None,
                    wget: None,
                    reported: false,
                });
                stages.len() - 1
            }
        };
        let seen = &mut stages[slot];
        for (tool, span) in download_tools(run) {
            let (mine, other, other_name) = if tool == "curl" {
                (&mut seen.curl, seen.wget, "wget")
            } else {
                (&mut seen.wget, seen.curl, "curl")
            };
            if mine.is_some() {
                continue;
            }
            *mine = Some(span);
            if let Some(first) = other
                && !seen.reported
            {
                seen.reported = true;
                cx.report(
                    span,
                    "curl and wget in one stage; one download tool is enough",
                )
                .with_label(first, format!("{other_name} is already here"))
                .at_path(path(run));
            }
        }
    }
}

fn download_tools(run: &RunScript) -> Vec<(&'static str, Span)> {
    let tool = |name: &str| match name {
        "curl" => Some("curl"),
        "wget" => Some("wget"),
        _ => None,
    };
    let mut found = Vec::new();
    for command in &run.script.commands {
        if let Some(first) = unwrapped(command).first()
            && let Some(t) = tool(basename(&first.text))
        {
            found.push((t, first.span));
        }
        let Some(inv) = Invocation::of(command) else {
            continue;
        };
        let installs = match inv.manager.family() {
            Family::Apt | Family::Rpm | Family::Zypper => inv.is(&["install"]),
            Family::Apk => inv.is(&["add"]),
            _ => false,
        };
        if !installs {
            continue;
        }
        for word in &inv.operands {
            if let Some(t) = tool(package_name(&word.text)) {
                found.push((t, word.span));
            }
        }
    }
    found.sort_by_key(|(_, span)| span.start);
    found
}

/// `curl=7.88.1-10`, `curl~8`, `curl-7.76.1` name `curl`.
fn package_name(package: &str) -> &str {
    let end = package.find(['=', '<', '>', '~']).unwrap_or(package.len());
    let name = &package[..end];
    match name.find('-') {
        Some(dash) if name[dash + 1..].starts_with(|c: char| c.is_ascii_digit()) => &name[..dash],
        _ => name,
    }
}

/// A RUN right after another RUN of the same stage, with the same flags,
/// when each holds a single command: a RUN that chains commands was
/// usually split from its neighbour on purpose.
fn consecutive_runs(cx: &mut Cx<'_>, file: &Dockerfile, runs: &[RunScript]) {
    let length = |index: usize| {
        runs.iter().find(|r| r.index == index).map_or(0, |r| {
            r.script.commands.iter().filter(|c| !c.substituted).count()
        })
    };
    for (index, pair) in file.instructions.windows(2).enumerate() {
        let (previous, current) = (&pair[0], &pair[1]);
        if previous.keyword != "RUN" || current.keyword != "RUN" || previous.stage != current.stage
        {
            continue;
        }
        let same_flags = previous.flags.len() == current.flags.len()
            && previous
                .flags
                .iter()
                .zip(&current.flags)
                .all(|(a, b)| a.name == b.name && a.value == b.value);
        if !same_flags || length(index) > 1 || length(index + 1) > 1 {
            continue;
        }
        cx.report(
            current.keyword_span,
            "RUN right after another RUN adds a layer; join them with &&",
        )
        .with_label(previous.keyword_span, "the previous RUN")
        .at_path(format!("instruction[{}].RUN", index + 1));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn package_names() {
        assert_eq!(super::package_name("curl=7.88.1-10"), "curl");
        assert_eq!(super::package_name("curl-7.76.1"), "curl");
        assert_eq!(super::package_name("libcurl-devel"), "libcurl-devel");
        assert_eq!(super::package_name("wget"), "wget");
    }
}
