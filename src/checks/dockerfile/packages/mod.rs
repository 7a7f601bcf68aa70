//! Package-manager invocations, modelled once for every rule that asks about
//! them: which manager a command runs (through `sudo`, `env`, `xargs` and
//! `python -m pip`), its subcommand, its options with their values, and the
//! operands after the subcommand.

mod cache;
mod commands;
mod pins;

pub use cache::PackageCache;
pub use commands::{LonePackageUpdate, PackageCommand, PackageNoRecommends, PackageNoninteractive};
pub use pins::PackagePin;

use serde::Deserialize;

use super::RunScript;
use super::args::{Args, Opt, OptionSpec};
use crate::dockerfile::Word;
use crate::dockerfile::shell::{Command, Script};

/// A package manager, named in rule parameters as its program is
/// (`apt-get`, `microdnf`, `pip`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Manager {
    AptGet,
    Apt,
    Apk,
    Yum,
    Dnf,
    Microdnf,
    Tdnf,
    Zypper,
    Pip,
    Npm,
    Gem,
    Go,
    Yarn,
}

/// Managers that share an index and a cache: `apt` and `apt-get`; the
/// rpm tools (yum is dnf on current distributions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    Apt,
    Apk,
    Rpm,
    Zypper,
    Pip,
    Npm,
    Gem,
    Go,
    Yarn,
}

impl Manager {
    pub fn name(self) -> &'static str {
        match self {
            Manager::AptGet => "apt-get",
            Manager::Apt => "apt",
            Manager::Apk => "apk",
            Manager::Yum => "yum",
            Manager::Dnf => "dnf",
            Manager::Microdnf => "microdnf",
            Manager::Tdnf => "tdnf",
            Manager::Zypper => "zypper",
            Manager::Pip => "pip",
            Manager::Npm => "npm",
            Manager::Gem => "gem",
            Manager::Go => "go",
            Manager::Yarn => "yarn",
        }
    }

    pub fn family(self) -> Family {
        match self {
            Manager::AptGet | Manager::Apt => Family::Apt,
            Manager::Apk => Family::Apk,
            Manager::Yum | Manager::Dnf | Manager::Microdnf | Manager::Tdnf => Family::Rpm,
            Manager::Zypper => Family::Zypper,
            Manager::Pip => Family::Pip,
            Manager::Npm => Family::Npm,
            Manager::Gem => Family::Gem,
            Manager::Go => Family::Go,
            Manager::Yarn => Family::Yarn,
        }
    }

    fn of_program(program: &str) -> Option<Manager> {
        Some(match program {
            "apt-get" => Manager::AptGet,
            "apt" => Manager::Apt,
            "apk" => Manager::Apk,
            "yum" => Manager::Yum,
            "dnf" | "dnf5" | "dnf-3" => Manager::Dnf,
            "microdnf" => Manager::Microdnf,
            "tdnf" => Manager::Tdnf,
            "zypper" => Manager::Zypper,
            "npm" => Manager::Npm,
            "gem" => Manager::Gem,
            "go" => Manager::Go,
            "yarn" | "yarnpkg" => Manager::Yarn,
            p if is_versioned(p, "pip") => Manager::Pip,
            _ => return None,
        })
    }

    fn options(self) -> &'static OptionSpec {
        match self.family() {
            Family::Apt => &APT_OPTIONS,
            Family::Apk => &APK_OPTIONS,
            Family::Rpm => &RPM_OPTIONS,
            Family::Zypper => &ZYPPER_OPTIONS,
            Family::Pip => &PIP_OPTIONS,
            Family::Npm => &NPM_OPTIONS,
            Family::Gem => &GEM_OPTIONS,
            Family::Go => &GO_OPTIONS,
            Family::Yarn => &YARN_OPTIONS,
        }
    }

    /// The subcommand's canonical name, for its aliases (`zypper in`, `npm i`).
    fn canonical(self, subcommand: &str) -> &str {
        match (self.family(), subcommand) {
            (Family::Zypper, "in") => "install",
            (Family::Zypper, "rm") => "remove",
            (Family::Zypper, "up") => "update",
            (Family::Zypper, "dup") => "dist-upgrade",
            (Family::Zypper, "ref") => "refresh",
            (Family::Zypper, "si") => "source-install",
            (Family::Zypper, "inr") => "install-new-recommends",
            (Family::Zypper, "cc") => "clean",
            (Family::Npm, "i" | "add" | "in" | "isntall") => "install",
            (Family::Gem, "i") => "install",
            (Family::Rpm, "erase") => "remove",
            (Family::Rpm, "groups") => "group",
            _ => subcommand,
        }
    }
}

/// `pip`, `pip3`, `pip3.12`: the name, optionally followed by a version.
fn is_versioned(program: &str, name: &str) -> bool {
    program
        .strip_prefix(name)
        .is_some_and(|rest| rest.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

/// One run of a package manager.
#[derive(Clone, Debug)]
pub struct Invocation<'a> {
    pub manager: Manager,
    pub command: &'a Command,
    /// The word naming the manager (`apt-get`, `pip3`, the `pip` of `python -m pip`).
    pub program: &'a Word,
    /// The first operand (`install`, `add`, `update`), if any.
    pub subcommand: Option<&'a Word>,
    /// Options anywhere on the line, with their values.
    pub options: Vec<Opt<'a>>,
    /// Operands after the subcommand.
    pub operands: Vec<&'a Word>,
}

impl<'a> Invocation<'a> {
    /// The package-manager run of a command, if it is one.
    pub fn of(command: &'a Command) -> Option<Invocation<'a>> {
        let words = &command.words;
        let start = words.len() - unwrapped(command).len();
        let first = words.get(start)?;
        let program_name = basename(&first.text);
        let (manager, at) = match Manager::of_program(program_name) {
            Some(manager) => (manager, start),
            None if is_versioned(program_name, "python") => {
                (Manager::Pip, python_m_pip(words, start)?)
            }
            None => return None,
        };
        let args = Args::parse(&words[at + 1..], manager.options());
        let mut operands = args.operands.into_iter();
        let subcommand = operands.next();
        Some(Invocation {
            manager,
            command,
            program: &words[at],
            subcommand,
            options: args.options,
            operands: operands.collect(),
        })
    }

    /// The program as written, without its directory (`pip3`, `apt-get`).
    pub fn name(&self) -> &str {
        basename(&self.program.text)
    }

    /// The canonical subcommand (`zypper in` is `install`); `yarn` alone installs.
    pub fn action(&self) -> &str {
        match self.subcommand {
            Some(word) => self.manager.canonical(&word.text),
            None if self.manager == Manager::Yarn => "install",
            None => "",
        }
    }

    /// The word to report about the action at: the subcommand, or the program.
    pub fn action_word(&self) -> &'a Word {
        self.subcommand.unwrap_or(self.program)
    }

    pub fn is(&self, actions: &[&str]) -> bool {
        actions.contains(&self.action())
    }

    /// For `dnf module install` and `dnf group install`: the inner action.
    pub fn inner_action(&self) -> Option<&str> {
        if self.manager.family() == Family::Rpm && self.is(&["module", "group"]) {
            return self.operands.first().map(|w| w.text.as_str());
        }
        None
    }

    /// The action for messages: `install`, or `module install`.
    pub fn action_label(&self) -> String {
        match self.inner_action() {
            Some(inner) => format!("{} {inner}", self.action()),
            None => self.action().to_string(),
        }
    }

    pub fn has(&self, names: &[&str]) -> bool {
        self.options
            .iter()
            .any(|o| names.contains(&o.name.as_str()))
    }

    /// Values of these options (`-o`, `--setopt`).
    pub fn values<'s>(&'s self, names: &'s [&str]) -> impl Iterator<Item = &'s str> + 's {
        self.options
            .iter()
            .filter(move |o| names.contains(&o.name.as_str()))
            .filter_map(|o| o.value.as_deref())
    }

    /// True if the option is written before the subcommand (zypper's global `-n`).
    pub fn has_before_subcommand(&self, names: &[&str]) -> bool {
        let end = self.subcommand.map_or(u32::MAX, |w| w.span.start);
        self.options
            .iter()
            .any(|o| names.contains(&o.name.as_str()) && o.word.span.start < end)
    }
}

/// Every package-manager run of a script, in order.
pub fn invocations(script: &Script) -> Vec<Invocation<'_>> {
    script.commands.iter().filter_map(Invocation::of).collect()
}

/// Where a finding inside a RUN is, for the finding's path.
pub fn run_path(run: &RunScript) -> String {
    format!("instruction[{}].{}", run.index, run.instruction.keyword)
}

/// The program name without its directory.
pub fn basename(text: &str) -> &str {
    text.rsplit('/').next().unwrap_or(text)
}

/// The words from the real program on, past `sudo`, `env`, `xargs` and the
/// like with their own options (empty if nothing follows them).
pub fn unwrapped(command: &Command) -> &[Word] {
    command.through_wrappers().0
}

/// `python3 -m pip …`: the index of the `pip` word.
fn python_m_pip(words: &[Word], python: usize) -> Option<usize> {
    let mut at = python + 1;
    while let Some(word) = words.get(at) {
        match word.text.as_str() {
            "-m" => {
                let module = words.get(at + 1)?;
                return is_versioned(&module.text, "pip").then_some(at + 1);
            }
            text if text.starts_with('-') => at += 1,
            _ => return None,
        }
    }
    None
}

const APT_OPTIONS: OptionSpec = OptionSpec {
    short_values: "toca",
    long_values: &[
        "target-release",
        "default-release",
        "option",
        "config-file",
        "host-architecture",
    ],
    single_dash_long: false,
};

const APK_OPTIONS: OptionSpec = OptionSpec {
    short_values: "tXp",
    long_values: &[
        "virtual",
        "repository",
        "root",
        "repositories-file",
        "keys-dir",
        "arch",
        "cache-dir",
        "cache-max-age",
        "progress-fd",
        "timeout",
        "wait",
    ],
    single_dash_long: false,
};

const RPM_OPTIONS: OptionSpec = OptionSpec {
    short_values: "cdexR",
    long_values: &[
        "config",
        "installroot",
        "releasever",
        "enablerepo",
        "disablerepo",
        "repo",
        "repoid",
        "repofrompath",
        "exclude",
        "excludepkgs",
        "setopt",
        "downloaddir",
        "destdir",
        "forcearch",
        "color",
        "debuglevel",
        "errorlevel",
        "rpmverbosity",
        "disableplugin",
        "enableplugin",
    ],
    single_dash_long: false,
};

const ZYPPER_OPTIONS: OptionSpec = OptionSpec {
    short_values: "RcDCrt",
    long_values: &[
        "root",
        "config",
        "reposd-dir",
        "cache-dir",
        "raw-cache-dir",
        "solv-cache-dir",
        "pkg-cache-dir",
        "repo",
        "type",
        "from",
    ],
    single_dash_long: false,
};

const PIP_OPTIONS: OptionSpec = OptionSpec {
    short_values: "rcefitC",
    long_values: &[
        "requirement",
        "constraint",
        "editable",
        "find-links",
        "index-url",
        "extra-index-url",
        "target",
        "prefix",
        "root",
        "src",
        "platform",
        "python-version",
        "implementation",
        "abi",
        "no-binary",
        "only-binary",
        "progress-bar",
        "proxy",
        "trusted-host",
        "upgrade-strategy",
        "cert",
        "client-cert",
        "cache-dir",
        "log",
        "retries",
        "timeout",
        "exists-action",
        "global-option",
        "config-settings",
        "python",
        "report",
        "keyring-provider",
        "use-feature",
        "use-deprecated",
        "root-user-action",
        "group",
    ],
    single_dash_long: false,
};

const NPM_OPTIONS: OptionSpec = OptionSpec {
    short_values: "w",
    long_values: &[
        "prefix",
        "registry",
        "cache",
        "userconfig",
        "globalconfig",
        "tag",
        "workspace",
        "omit",
        "include",
        "loglevel",
        "install-strategy",
        "before",
        "location",
        "save-prefix",
        "otp",
        "proxy",
        "https-proxy",
        "ca",
        "cafile",
        "scope",
        "cpu",
        "os",
        "libc",
    ],
    single_dash_long: false,
};

const GEM_OPTIONS: OptionSpec = OptionSpec {
    short_values: "vinsPg",
    long_values: &[
        "version",
        "install-dir",
        "bindir",
        "source",
        "trust-policy",
        "file",
        "platform",
        "build-root",
        "config-file",
    ],
    single_dash_long: false,
};

const GO_OPTIONS: OptionSpec = OptionSpec {
    short_values: "",
    long_values: &[
        "C",
        "p",
        "o",
        "asmflags",
        "buildmode",
        "compiler",
        "gccgoflags",
        "gcflags",
        "installsuffix",
        "ldflags",
        "mod",
        "modfile",
        "overlay",
        "pgo",
        "pkgdir",
        "tags",
        "toolexec",
        "exec",
    ],
    single_dash_long: true,
};

const YARN_OPTIONS: OptionSpec = OptionSpec {
    short_values: "",
    long_values: &[
        "cache-folder",
        "modules-folder",
        "network-timeout",
        "registry",
        "mutex",
        "cwd",
        "global-folder",
        "link-folder",
        "preferred-cache-folder",
        "use-yarnrc",
    ],
    single_dash_long: false,
};

#[cfg(test)]
mod tests;
