//! `add-source`: `ADD` where `COPY` (or a verified download) is the right
//! tool, and the reverse, a `COPY` of a tar archive that a later `RUN`
//! unpacks, which one `ADD` does.

use serde::Deserialize;

use super::run_scripts;
use crate::checks::Check;
use crate::dockerfile::shell::Command;
use crate::dockerfile::{Dockerfile, Instruction, Word};
use crate::engine::{Cx, Severity};

fn plain_local(source: &str) -> String {
    format!("ADD of \"{source}\" is a plain copy; use COPY")
}

fn inline_file() -> String {
    "ADD of an inline file is a plain copy; use COPY".to_string()
}

fn unverified_download(source: &str) -> String {
    format!("ADD downloads \"{source}\" without --checksum")
}

fn unpinned_git(source: &str) -> String {
    format!("ADD fetches git \"{source}\" without --checksum or a commit hash")
}

fn copied_then_unpacked(source: &str) -> String {
    format!("\"{source}\" is copied, then unpacked by tar; ADD unpacks it in one step")
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct AddSourceParams {
    /// Also report a `COPY` of a tar archive that a later `RUN` of the same
    /// stage unpacks with `tar`, at info severity.
    #[serde(default = "yes")]
    pub suggest_add_for_archives: bool,
}

fn yes() -> bool {
    true
}

/// `add-source`: every source of an `ADD` is a local tar archive (which
/// `ADD` unpacks), or a remote file verified by `--checksum` (a git source
/// may instead name a full commit).
pub struct AddSource {
    params: AddSourceParams,
}

impl AddSource {
    pub fn new(params: AddSourceParams) -> Self {
        AddSource { params }
    }
}

/// Suffixes of files `ADD` unpacks: tar, alone or compressed with gzip,
/// bzip2 or xz (the engine detects them by content; the name is the hint a
/// linter has).
const TAR_SUFFIXES: [&str; 9] = [
    ".tar", ".tgz", ".tbz", ".tbz2", ".tb2", ".txz", ".gz", ".bz2", ".xz",
];

fn is_tar_archive(path: &str) -> bool {
    let path = path.to_ascii_lowercase();
    TAR_SUFFIXES.iter().any(|s| path.ends_with(s))
}

fn is_remote(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    ["http://", "https://", "git://", "git@", "ssh://"]
        .iter()
        .any(|p| lower.starts_with(p))
}

/// A git repository rather than a file: `git@host:repo`, `git://…`, or
/// a URL whose path ends in `.git`.
fn is_git(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    let location = lower.split('#').next().unwrap_or(&lower);
    lower.starts_with("git@") || lower.starts_with("git://") || location.ends_with(".git")
}

/// A git source pinned to a full commit: `https://host/repo.git#<40 hex>`.
fn names_commit(source: &str) -> bool {
    let Some((_, fragment)) = source.rsplit_once('#') else {
        return false;
    };
    let reference = fragment.split(':').next().unwrap_or(fragment);
    reference.len() == 40 && reference.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The source words of an `ADD` or `COPY` (every word but the destination),
/// and the destination; nothing for an instruction without both.
fn sources(instruction: &Instruction) -> (Vec<Word>, Option<Word>) {
    let mut words = match instruction.exec() {
        Some(words) => words.to_vec(),
        None => instruction.words(),
    };
    if words.len() < 2 {
        return (Vec::new(), None);
    }
    let destination = words.pop();
    (words, destination)
}

fn basename(path: &str) -> &str {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path)
}

impl AddSource {
    fn check_add(&self, cx: &mut Cx<'_>, file: &Dockerfile, index: usize, add: &Instruction) {
        let (sources, _) = sources(add);
        let has_checksum = add.flag("checksum").is_some_and(|f| f.value.is_some());
        for word in sources {
            if word.text.starts_with("<<") {
                cx.report(word.span, inline_file())
                    .at_path(format!("instruction[{index}].ADD"));
                continue;
            }
            let source = file.expand(&word.text, index);
            if source.contains('$') {
                continue;
            }
            let message = if is_remote(&source) {
                if has_checksum || names_commit(&source) {
                    continue;
                }
                if is_git(&source) {
                    unpinned_git(&source)
                } else {
                    unverified_download(&source)
                }
            } else if is_tar_archive(&source) {
                continue;
            } else {
                plain_local(&source)
            };
            cx.report(word.span, message)
                .at_path(format!("instruction[{index}].ADD"));
        }
    }

    /// `COPY app.tar.gz /tmp/` followed, in the same stage, by a `RUN` whose
    /// `tar` extracts a file of that name.
    fn check_unpacked_copies(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        let runs = run_scripts(file);
        for (index, copy) in file.instructions.iter().enumerate() {
            if copy.keyword != "COPY" || copy.flag("from").is_some() {
                continue;
            }
            let (sources, destination) = sources(copy);
            let renamed = destination
                .map(|d| file.expand(&d.text, index))
                .filter(|d| is_tar_archive(d) && !d.ends_with('/'));
            for word in sources {
                let source = file.expand(&word.text, index);
                if source.contains(['$', '*', '?']) || is_remote(&source) {
                    continue;
                }
                if !is_tar_archive(&source) {
                    continue;
                }
                let name = match &renamed {
                    Some(destination) => basename(destination),
                    None => basename(&source),
                };
                let unpacking = runs
                    .iter()
                    .filter(|run| {
                        run.index > index && file.instructions[run.index].stage == copy.stage
                    })
                    .flat_map(|run| &run.script.commands)
                    .find(|command| tar_unpacks(command, name));
                if let Some(command) = unpacking {
                    cx.report_with(Severity::Info, word.span, copied_then_unpacked(&source))
                        .with_label(command.words[0].span, "unpacked here")
                        .at_path(format!("instruction[{index}].COPY"));
                }
            }
        }
    }
}

/// `tar -xf …/name` (also `xzf` without a dash, `--extract`, `--get`), with
/// no option `ADD` cannot reproduce.
fn tar_unpacks(command: &Command, name: &str) -> bool {
    if command.program() != Some("tar") {
        return false;
    }
    let args = command.args();
    let extracts = command.has_flag("-x")
        || command.has_flag("--extract")
        || command.has_flag("--get")
        || args.first().is_some_and(|w| {
            !w.text.starts_with('-') && w.text.contains('x') && !w.text.contains('.')
        });
    let adjusts = args.iter().any(|w| {
        w.text.starts_with("--strip-components")
            || w.text.starts_with("--transform")
            || w.text.starts_with("--wildcards")
    });
    extracts && !adjusts && args.iter().any(|w| basename(&w.text) == name)
}

impl Check for AddSource {
    fn check_dockerfile(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        for (index, outer) in file.instructions.iter().enumerate() {
            let instruction = outer.onbuild.as_deref().unwrap_or(outer);
            if instruction.keyword == "ADD" {
                self.check_add(cx, file, index, instruction);
            }
        }
        if self.params.suggest_add_for_archives {
            self.check_unpacked_copies(cx, file);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_and_archives() {
        assert!(is_tar_archive("dist/app.TAR.GZ"));
        assert!(is_tar_archive("rootfs.tar"));
        assert!(!is_tar_archive("app.zip"));
        assert!(!is_tar_archive("src/"));
        assert!(is_remote("https://example.com/a.sh"));
        assert!(is_remote("git@github.com:acme/app.git"));
        assert!(!is_remote("./https"));
        let commit = "0123456789abcdef0123456789abcdef01234567";
        assert!(names_commit(&format!(
            "https://github.com/acme/app.git#{commit}"
        )));
        assert!(names_commit(&format!(
            "https://github.com/acme/app.git#{commit}:docs"
        )));
        assert!(!names_commit("https://github.com/acme/app.git#main"));
        assert!(is_git("https://github.com/acme/app.git#main"));
        assert!(is_git("git@github.com:acme/app.git"));
        assert!(!is_git("https://example.com/app.tar.gz"));
        assert_eq!(basename("/tmp/dist/app.tgz"), "app.tgz");
        assert_eq!(basename("dir/"), "dir");
        let file = crate::dockerfile::parse("ADD onlyone\nADD [\"a\"]\n");
        for instruction in &file.instructions {
            assert!(sources(instruction).0.is_empty());
        }
    }
}
