//! Templates about how a package manager is run: which subcommands, with
//! which options, and in what company.

use serde::Deserialize;

use super::{Family, Invocation, Manager, invocations, run_path};
use crate::checks::dockerfile::run_scripts;
use crate::checks::{Check, fill};
use crate::dockerfile::Dockerfile;
use crate::dockerfile::shell::Command;
use crate::engine::Cx;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct PackageCommandParams {
    pub managers: Vec<Manager>,
    /// Subcommands to report (aliases such as `zypper dup` count); empty
    /// reports every use of the managers.
    #[serde(default)]
    pub subcommands: Vec<String>,
    /// `{program}` and `{subcommand}` are filled in.
    pub message: String,
}

/// `package-command`: reports a package manager run with one of the listed
/// subcommands, at the subcommand (at the program when any use counts).
pub struct PackageCommand {
    params: PackageCommandParams,
}

impl PackageCommand {
    pub fn new(params: PackageCommandParams) -> Result<Self, String> {
        if params.managers.is_empty() {
            return Err("`managers` must not be empty".into());
        }
        Ok(PackageCommand { params })
    }
}

impl Check for PackageCommand {
    fn check_dockerfile(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        let any = self.params.subcommands.is_empty();
        for run in run_scripts(file) {
            for inv in invocations(run.script) {
                if !self.params.managers.contains(&inv.manager) {
                    continue;
                }
                if !any && !self.params.subcommands.iter().any(|s| s == inv.action()) {
                    continue;
                }
                let word = if any { inv.program } else { inv.action_word() };
                let message = fill(
                    &self.params.message,
                    &[("program", inv.name()), ("subcommand", inv.action())],
                );
                cx.report(word.span, message).at_path(run_path(&run));
            }
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ManagersParams {
    pub managers: Vec<Manager>,
}

/// Checks that only know some managers say which when built.
fn supported(managers: Vec<Manager>, known: &[Manager]) -> Result<Vec<Manager>, String> {
    if managers.is_empty() {
        return Err("`managers` must not be empty".into());
    }
    match managers.iter().find(|m| !known.contains(m)) {
        Some(m) => Err(format!("manager `{}` is not supported here", m.name())),
        None => Ok(managers),
    }
}

/// `package-noninteractive`: a subcommand that asks for confirmation is
/// run without the option that answers it.
pub struct PackageNoninteractive {
    managers: Vec<Manager>,
}

impl PackageNoninteractive {
    pub fn new(params: ManagersParams) -> Result<Self, String> {
        use Manager::*;
        let managers = supported(params.managers, &[AptGet, Apt, Yum, Dnf, Tdnf, Zypper])?;
        Ok(PackageNoninteractive { managers })
    }
}

impl Check for PackageNoninteractive {
    fn check_dockerfile(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        for run in run_scripts(file) {
            let commands = &run.script.commands;
            for (index, command) in commands.iter().enumerate() {
                let Some(inv) = Invocation::of(command) else {
                    continue;
                };
                if !self.managers.contains(&inv.manager) || !prompts(&inv) {
                    continue;
                }
                if assumes_yes(&inv) || fed_by_yes(commands, index) {
                    continue;
                }
                let flag = match inv.manager.family() {
                    Family::Zypper => "--non-interactive",
                    _ => "-y",
                };
                let message = format!(
                    "{} {} without {flag} aborts at its confirmation prompt",
                    inv.name(),
                    inv.action_label()
                );
                cx.report(inv.action_word().span, message)
                    .at_path(run_path(&run));
            }
        }
    }
}

fn prompts(inv: &Invocation) -> bool {
    match inv.manager.family() {
        Family::Apt => inv.is(&[
            "install",
            "reinstall",
            "remove",
            "purge",
            "upgrade",
            "dist-upgrade",
            "full-upgrade",
            "autoremove",
            "autopurge",
            "build-dep",
            "satisfy",
        ]),
        Family::Rpm => {
            inv.is(&[
                "install",
                "groupinstall",
                "localinstall",
                "reinstall",
                "remove",
                "update",
                "upgrade",
                "distro-sync",
                "downgrade",
                "autoremove",
                "swap",
                "update-minimal",
                "upgrade-minimal",
            ]) || inv.inner_action().is_some_and(|a| {
                [
                    "install",
                    "remove",
                    "update",
                    "upgrade",
                    "enable",
                    "disable",
                    "reset",
                    "switch-to",
                ]
                .contains(&a)
            })
        }
        Family::Zypper => inv.is(&[
            "install",
            "remove",
            "update",
            "patch",
            "dist-upgrade",
            "source-install",
            "install-new-recommends",
        ]),
        _ => false,
    }
}

fn assumes_yes(inv: &Invocation) -> bool {
    let truthy = |v: &str| matches!(v.to_ascii_lowercase().as_str(), "1" | "true" | "yes");
    match inv.manager.family() {
        Family::Apt => {
            // `-qq` and `-q=2` imply `-y`.
            let quiet = inv.options.iter().filter(|o| o.name == "-q").count() >= 2
                || inv
                    .values(&["-q", "--quiet"])
                    .any(|v| v.parse::<u8>().is_ok_and(|n| n >= 2));
            let configured = inv.values(&["-o", "--option"]).any(|v| {
                v.split_once('=').is_some_and(|(key, value)| {
                    key.eq_ignore_ascii_case("APT::Get::Assume-Yes") && truthy(value)
                })
            });
            inv.has(&["-y", "--yes", "--assume-yes"]) || quiet || configured
        }
        Family::Rpm => {
            inv.has(&["-y", "--assumeyes"])
                || inv.values(&["--setopt"]).any(|v| {
                    v.split_once('=')
                        .is_some_and(|(k, v)| k == "assumeyes" && truthy(v))
                })
        }
        Family::Zypper => {
            inv.has(&["--non-interactive", "--no-confirm", "-y"])
                || inv.has_before_subcommand(&["-n"])
        }
        _ => true,
    }
}

/// `yes | apt-get install …` answers the prompts.
fn fed_by_yes(commands: &[Command], index: usize) -> bool {
    if commands[index].joiner != crate::dockerfile::shell::Joiner::Pipe {
        return false;
    }
    commands[..index]
        .iter()
        .rev()
        .find(|c| !c.substituted)
        .and_then(Command::program)
        == Some("yes")
}

/// `package-no-recommends`: apt installs without `--no-install-recommends`
/// (or the equivalent `-o APT::Install-Recommends=false`, or an apt
/// configuration written earlier that says so).
pub struct PackageNoRecommends {
    managers: Vec<Manager>,
}

impl PackageNoRecommends {
    pub fn new(params: ManagersParams) -> Result<Self, String> {
        let managers = supported(params.managers, &[Manager::AptGet, Manager::Apt])?;
        Ok(PackageNoRecommends { managers })
    }
}

/// `APT::Install-Recommends=false`, or `APT::Install-Recommends "0";` as
/// written to an apt configuration file.
fn disables_recommends(setting: &str) -> bool {
    let Some((_, rest)) = setting.split_once("Install-Recommends") else {
        return false;
    };
    let value: String = rest
        .trim_start_matches(|c: char| c == '=' || c == '"' || c == '\'' || c.is_whitespace())
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    matches!(value.to_ascii_lowercase().as_str(), "0" | "false" | "no")
}

impl Check for PackageNoRecommends {
    fn check_dockerfile(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        let runs = run_scripts(file);
        // `echo 'APT::Install-Recommends "false";' > /etc/apt/apt.conf.d/…`
        let configured_at: Option<u32> = runs
            .iter()
            .flat_map(|run| &run.script.commands)
            .filter(|c| c.args().iter().any(|w| disables_recommends(&w.text)))
            .map(|c| c.span.start)
            .min();
        for run in &runs {
            for inv in invocations(run.script) {
                if !self.managers.contains(&inv.manager) || !inv.is(&["install"]) {
                    continue;
                }
                let by_option = inv.has(&["--no-install-recommends"])
                    || inv.values(&["-o", "--option"]).any(disables_recommends)
                    || inv
                        .values(&["--install-recommends"])
                        .any(|v| matches!(v, "0" | "false" | "no"));
                let configured = configured_at.is_some_and(|at| at < inv.command.span.start);
                if by_option || configured {
                    continue;
                }
                let message = format!(
                    "{} install without --no-install-recommends pulls in recommended packages",
                    inv.name()
                );
                cx.report(inv.action_word().span, message)
                    .at_path(run_path(run));
            }
        }
    }
}

/// `lone-package-update`: a package index refreshed in a RUN that installs
/// nothing with it; later RUNs reuse the cached layer and its stale index.
pub struct LonePackageUpdate {
    managers: Vec<Manager>,
}

impl LonePackageUpdate {
    pub fn new(params: ManagersParams) -> Result<Self, String> {
        use Manager::*;
        let os = [AptGet, Apt, Apk, Yum, Dnf, Microdnf, Tdnf, Zypper];
        let managers = supported(params.managers, &os)?;
        Ok(LonePackageUpdate { managers })
    }
}

fn refreshes(inv: &Invocation) -> bool {
    match inv.manager.family() {
        Family::Apt | Family::Apk => inv.is(&["update"]),
        Family::Rpm => inv.is(&["makecache"]),
        Family::Zypper => inv.is(&["refresh"]),
        _ => false,
    }
}

fn installs(inv: &Invocation) -> bool {
    match inv.manager.family() {
        Family::Apt => inv.is(&[
            "install",
            "reinstall",
            "upgrade",
            "dist-upgrade",
            "full-upgrade",
            "build-dep",
            "source",
            "satisfy",
        ]),
        Family::Apk => inv.is(&["add", "upgrade", "fix"]),
        Family::Rpm => inv.is(&[
            "install",
            "groupinstall",
            "localinstall",
            "reinstall",
            "update",
            "upgrade",
            "distro-sync",
            "downgrade",
            "group",
            "module",
            "swap",
            "builddep",
        ]),
        Family::Zypper => inv.is(&[
            "install",
            "update",
            "patch",
            "dist-upgrade",
            "source-install",
            "install-new-recommends",
        ]),
        _ => false,
    }
}

impl Check for LonePackageUpdate {
    fn check_dockerfile(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        for run in run_scripts(file) {
            let all = invocations(run.script);
            for inv in &all {
                if !self.managers.contains(&inv.manager) || !refreshes(inv) {
                    continue;
                }
                let family = inv.manager.family();
                if all
                    .iter()
                    .any(|i| i.manager.family() == family && installs(i))
                {
                    continue;
                }
                let message = format!(
                    "{} {} runs without an install in the same RUN",
                    inv.name(),
                    inv.action()
                );
                cx.report(inv.action_word().span, message)
                    .at_path(run_path(&run));
            }
        }
    }
}
