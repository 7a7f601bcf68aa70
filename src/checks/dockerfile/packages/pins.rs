//! `package-pin`: every package a manager installs names its version.

use serde::Deserialize;

use super::{Family, Invocation, Manager, run_path};
use crate::checks::Check;
use crate::checks::dockerfile::run_scripts;
use crate::dockerfile::Dockerfile;
use crate::engine::Cx;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct PackagePinParams {
    /// The managers whose installs must be pinned.
    pub managers: Vec<Manager>,
}

/// `package-pin`: reports each package word of an install that names no
/// version. Words holding variables are judged on their value when `ARG` or
/// `ENV` gives it, and left alone when they cannot be known.
pub struct PackagePin {
    managers: Vec<Manager>,
}

impl PackagePin {
    pub fn new(params: PackagePinParams) -> Result<Self, String> {
        if params.managers.is_empty() {
            return Err("`managers` must not be empty".into());
        }
        Ok(PackagePin {
            managers: params.managers,
        })
    }
}

/// What a package word says about its version.
#[derive(Debug, PartialEq, Eq)]
enum Pin {
    /// A version, a local file, a URL or anything that cannot name a version.
    Fine,
    Missing,
    /// A range (`flask>=2`): many versions.
    Range,
    /// A tag that moves (`@latest`).
    Moving(String),
}

impl Check for PackagePin {
    fn check_dockerfile(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        for run in run_scripts(file) {
            for command in &run.script.commands {
                let Some(inv) = Invocation::of(command) else {
                    continue;
                };
                if !self.managers.contains(&inv.manager) {
                    continue;
                }
                for word in packages(&inv) {
                    let text = if word.text.contains('$') {
                        file.expand(&word.text, run.index)
                    } else {
                        word.text.clone()
                    };
                    if text.contains('$') || text.contains('`') {
                        continue;
                    }
                    // A variable may hold several packages; a quoted word is one.
                    let packages: Vec<&str> = if word.text.contains('$') {
                        text.split_whitespace().collect()
                    } else {
                        vec![text.as_str()]
                    };
                    for package in packages.into_iter().filter(|p| !p.is_empty()) {
                        let from = word.text.contains('$').then_some(word.text.as_str());
                        let pin = judge(&inv, package);
                        let Some(message) = message(&inv, package, from, pin) else {
                            continue;
                        };
                        cx.report(word.span, message).at_path(run_path(&run));
                    }
                }
            }
        }
    }
}

/// `from` is the word as written when its value came from a variable.
fn message(inv: &Invocation, package: &str, from: Option<&str>, pin: Pin) -> Option<String> {
    let mut what = format!("{} {} of \"{package}\"", inv.name(), inv.action_label());
    if let Some(word) = from {
        what.push_str(&format!(" (from {word})"));
    }
    match pin {
        Pin::Fine => None,
        Pin::Missing if inv.manager == Manager::Go => Some(format!("{what} has no @version")),
        Pin::Missing => Some(format!("{what} has no version pin")),
        Pin::Range => Some(format!("{what} allows a range of versions, not one")),
        Pin::Moving(tag) => Some(format!("{what} follows the moving version \"{tag}\"")),
    }
}

/// The operands of an install that name packages; none for other subcommands,
/// and none when a flag pins them all (`gem install -v`, `pip install -c`).
fn packages<'a>(inv: &Invocation<'a>) -> Vec<&'a crate::dockerfile::Word> {
    let installs = match inv.manager.family() {
        Family::Apt => inv.is(&["install"]),
        Family::Apk => inv.is(&["add"]),
        Family::Rpm => {
            inv.is(&["install"]) || (inv.is(&["module"]) && inv.inner_action() == Some("install"))
        }
        Family::Zypper => {
            inv.is(&["install"])
                && inv
                    .options
                    .iter()
                    .filter(|o| o.name == "-t" || o.name == "--type")
                    .all(|o| o.value.as_deref() == Some("package"))
        }
        Family::Pip => inv.is(&["install"]) && !inv.has(&["-c", "--constraint"]),
        Family::Npm => inv.is(&["install"]),
        Family::Gem => inv.is(&["install"]) && !inv.has(&["-v", "--version"]),
        // `go get` resolves and records a module like `go install` fetches one.
        Family::Go => inv.is(&["install", "get"]),
        Family::Yarn => false,
    };
    if !installs {
        return Vec::new();
    }
    let skip = usize::from(inv.is(&["module"]));
    inv.operands.iter().skip(skip).copied().collect()
}

fn judge(inv: &Invocation, package: &str) -> Pin {
    let is_path = package.starts_with(['.', '/', '~']) || package.contains("://");
    let globbed = package.contains(['*', '?', '[', '(']);
    match inv.manager.family() {
        Family::Apt => {
            // `name/release`, `./file.deb`, URLs, regex and removal markers.
            let not_a_name = package.contains('/')
                || package.ends_with(".deb")
                || package.ends_with('-')
                || globbed;
            required(not_a_name || package.contains('='))
        }
        Family::Apk => {
            let not_a_name = is_path || package.ends_with(".apk") || package.starts_with('!');
            required(not_a_name || package.contains(['=', '~', '<', '>']))
        }
        Family::Rpm if inv.is(&["module"]) => required(package.contains(':')),
        Family::Rpm => {
            if is_path || package.ends_with(".rpm") || package.starts_with('@') || globbed {
                Pin::Fine
            } else {
                required(rpm_versioned(package))
            }
        }
        Family::Zypper => {
            let not_a_name =
                is_path || package.ends_with(".rpm") || package.contains(':') || globbed;
            required(not_a_name || package.contains(['=', '<', '>']))
        }
        Family::Pip => pip(package),
        Family::Npm => npm(package),
        Family::Gem => {
            let local = is_path || package.ends_with(".gem");
            required(local || package.contains(':'))
        }
        Family::Go => go(package),
        Family::Yarn => Pin::Fine,
    }
}

fn required(pinned: bool) -> Pin {
    if pinned { Pin::Fine } else { Pin::Missing }
}

/// `name-version[-release]`: some dash-separated part after the name starts
/// with a digit, and all of them are made of version characters
/// (`python3-devel` is a name, `python3-devel-3.9.1` is pinned).
fn rpm_versioned(package: &str) -> bool {
    let mut parts = package.split('-').skip(1).peekable();
    if parts.peek().is_none() {
        return false;
    }
    let parts: Vec<&str> = parts.collect();
    let version_chars = |p: &str| {
        p.chars()
            .all(|c| c.is_ascii_alphanumeric() || ".~^_:+".contains(c))
    };
    parts.iter().all(|p| !p.is_empty() && version_chars(p))
        && parts
            .iter()
            .any(|p| p.starts_with(|c: char| c.is_ascii_digit()))
}

/// pip requirement specifiers: `==` pins, other comparisons are ranges;
/// VCS URLs need `@ref`; local paths, archives and plain URLs name one file.
fn pip(package: &str) -> Pin {
    const VCS: [&str; 5] = ["git+", "hg+", "svn+", "bzr+", "git://"];
    if VCS.iter().any(|p| package.starts_with(p)) {
        let path = package.split_once("://").map_or("", |(_, rest)| rest);
        let after_host = path.split_once('/').map_or("", |(_, rest)| rest);
        return required(after_host.contains('@'));
    }
    let archive = [".whl", ".tar.gz", ".tgz", ".zip", ".tar.bz2"]
        .iter()
        .any(|s| package.ends_with(s));
    if package.starts_with(['.', '/', '~']) || package.contains('/') || archive {
        return Pin::Fine;
    }
    if package.contains("==") || package.contains('@') {
        return Pin::Fine;
    }
    if package.contains(['>', '<', '~', '!']) {
        return Pin::Range;
    }
    Pin::Missing
}

/// npm: `name@version` or `@scope/name@version`; git and shorthand
/// GitHub specs need `#ref`; folders and tarballs name one thing.
fn npm(package: &str) -> Pin {
    let tarball = [".tgz", ".tar.gz", ".tar"]
        .iter()
        .any(|s| package.ends_with(s));
    if package.starts_with(['.', '/', '~']) || package.starts_with("file:") || tarball {
        return Pin::Fine;
    }
    let (scoped, rest) = match package.strip_prefix('@') {
        Some(rest) => (true, rest.split_once('/').map_or("", |(_, name)| name)),
        None => (false, package),
    };
    if rest.contains("://") || (!scoped && rest.contains('/')) {
        return required(rest.contains('#'));
    }
    match rest.split_once('@') {
        Some((_, "")) | None => Pin::Missing,
        Some((_, "latest")) => Pin::Moving("latest".into()),
        Some(_) => Pin::Fine,
    }
}

/// `go install path@version` and `go get path@version`; local packages
/// (`./cmd/app`, paths without a domain) build from the module and need no
/// version, and `@none` removes a dependency.
fn go(package: &str) -> Pin {
    let (path, version) = match package.split_once('@') {
        Some((path, version)) => (path, Some(version)),
        None => (package, None),
    };
    let remote = path
        .split('/')
        .next()
        .is_some_and(|first| first.contains('.'));
    if path.starts_with(['.', '/']) || !remote {
        return Pin::Fine;
    }
    match version {
        None | Some("") => Pin::Missing,
        Some(v @ ("latest" | "upgrade" | "patch" | "master" | "main" | "HEAD")) => {
            Pin::Moving(v.into())
        }
        Some(_) => Pin::Fine,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rpm_versions() {
        assert!(rpm_versioned("git-core-2.51.0-2.fc42"));
        assert!(rpm_versioned("httpd-2.4.57"));
        assert!(!rpm_versioned("python3-devel"));
        assert!(!rpm_versioned("curl"));
    }

    #[test]
    fn pip_specifiers() {
        assert_eq!(pip("flask==2.3.2"), Pin::Fine);
        assert_eq!(pip("flask[async]==2.3.2"), Pin::Fine);
        assert_eq!(pip("flask>=2"), Pin::Range);
        assert_eq!(pip("flask"), Pin::Missing);
        assert_eq!(pip("git+https://github.com/a/b@v1.0"), Pin::Fine);
        assert_eq!(pip("git+ssh://git@github.com/a/b"), Pin::Missing);
        assert_eq!(pip("./dist/app-1.0-py3-none-any.whl"), Pin::Fine);
        assert_eq!(pip("https://example.com/tarball/0.9.x"), Pin::Fine);
    }

    #[test]
    fn npm_specs() {
        assert_eq!(npm("express@4.18.2"), Pin::Fine);
        assert_eq!(npm("@angular/cli@17.0.0"), Pin::Fine);
        assert_eq!(npm("@angular/cli"), Pin::Missing);
        assert_eq!(npm("express"), Pin::Missing);
        assert_eq!(npm("express@latest"), Pin::Moving("latest".into()));
        assert_eq!(npm("user/repo#v1.0.0"), Pin::Fine);
        assert_eq!(npm("git+https://github.com/u/r.git"), Pin::Missing);
        assert_eq!(npm("./local-pkg"), Pin::Fine);
    }

    #[test]
    fn go_paths() {
        assert_eq!(go("golang.org/x/tools/gopls@v0.15.0"), Pin::Fine);
        assert_eq!(go("golang.org/x/tools/gopls"), Pin::Missing);
        assert_eq!(
            go("golang.org/x/tools/gopls@latest"),
            Pin::Moving("latest".into())
        );
        assert_eq!(
            go("golang.org/x/net@upgrade"),
            Pin::Moving("upgrade".into())
        );
        assert_eq!(go("golang.org/x/net@none"), Pin::Fine);
        assert_eq!(go("./cmd/app"), Pin::Fine);
        assert_eq!(go("cmd/app"), Pin::Fine);
    }
}
