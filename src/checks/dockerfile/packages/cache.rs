//! `package-cache`: package managers leave indexes and downloads in the
//! layer unless the same RUN removes them, or a cache mount keeps them out.

use serde::Deserialize;

use super::{Family, Invocation, Manager, invocations, run_path};
use crate::checks::Check;
use crate::checks::dockerfile::{RunScript, run_scripts};
use crate::dockerfile::shell::Command;
use crate::dockerfile::{Dockerfile, Instruction};
use crate::engine::Cx;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct PackageCacheParams {
    pub managers: Vec<Manager>,
}

/// `package-cache`: reports package-manager runs whose cache stays in the
/// image: `apt-get update` lists never removed, `apk add` without
/// `--no-cache`, yum/dnf/zypper/yarn installs with no clean afterwards,
/// `pip install` without `--no-cache-dir`. Only stages that end up in the
/// image count: the final stage and the stages it is built `FROM`.
pub struct PackageCache {
    managers: Vec<Manager>,
}

impl PackageCache {
    pub fn new(params: PackageCacheParams) -> Result<Self, String> {
        use Manager::*;
        let known = [
            AptGet, Apt, Apk, Yum, Dnf, Microdnf, Tdnf, Zypper, Pip, Yarn,
        ];
        if params.managers.is_empty() {
            return Err("`managers` must not be empty".into());
        }
        if let Some(m) = params.managers.iter().find(|m| !known.contains(m)) {
            return Err(format!("manager `{}` is not supported here", m.name()));
        }
        Ok(PackageCache {
            managers: params.managers,
        })
    }
}

impl Check for PackageCache {
    fn check_dockerfile(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        let shipped = shipped_stages(file);
        for run in run_scripts(file) {
            let outer = &file.instructions[run.index];
            let in_image = outer.onbuild.is_some() || outer.stage.is_none_or(|s| shipped[s]);
            if !in_image {
                continue;
            }
            let mounts = cache_mounts(run.instruction);
            let mut cwd: Option<String> = None;
            let mut cleanups: Vec<(Family, u32)> = Vec::new();
            for command in &run.script.commands {
                if command.program() == Some("cd") && !command.substituted {
                    cwd = changed_directory(cwd.as_deref(), command);
                    continue;
                }
                let found = cleaned(command, cwd.as_deref());
                cleanups.extend(found.into_iter().map(|f| (f, command.span.start)));
            }
            let mut reported: Vec<Family> = Vec::new();
            for inv in invocations(run.script) {
                if !self.managers.contains(&inv.manager) {
                    continue;
                }
                let family = inv.manager.family();
                let Some(message) = leaves_cache(&inv, file, &run) else {
                    continue;
                };
                let at = inv.command.span.start;
                let cleaned_later = cleanups.iter().any(|&(f, c)| f == family && c > at);
                let mounted = mounts.iter().any(|m| covers_cache(m, family));
                // One clean at the end fixes every install of the RUN.
                let once = !matches!(family, Family::Apk | Family::Pip);
                if cleaned_later || mounted || (once && reported.contains(&family)) {
                    continue;
                }
                reported.push(family);
                cx.report(inv.action_word().span, message)
                    .at_path(run_path(&run));
            }
        }
    }
}

/// The finding's message if this run leaves a cache behind, unless cleaned.
fn leaves_cache(inv: &Invocation, file: &Dockerfile, run: &RunScript) -> Option<String> {
    let name = inv.name();
    let action = inv.action_label();
    let clean_later = |clean: &str| {
        format!("{name} {action} leaves its cache: no \"{clean}\" after it in the same RUN")
    };
    match inv.manager.family() {
        Family::Apt if inv.is(&["update"]) => Some(format!(
            "package lists of {name} update are not removed in the same RUN"
        )),
        // `--no-network` fetches nothing: no index or package to keep.
        Family::Apk if inv.is(&["add"]) && !inv.has(&["--no-cache", "--no-network"]) => Some(
            format!("{name} add without --no-cache keeps the package index in the layer"),
        ),
        Family::Rpm
            if inv.is(&[
                "install",
                "groupinstall",
                "localinstall",
                "reinstall",
                "update",
                "upgrade",
                "makecache",
            ]) || inv.inner_action() == Some("install") =>
        {
            Some(clean_later(&format!("{name} clean all")))
        }
        Family::Zypper
            if inv.is(&[
                "install",
                "update",
                "patch",
                "dist-upgrade",
                "source-install",
                "refresh",
            ]) =>
        {
            Some(clean_later("zypper clean"))
        }
        Family::Pip
            if inv.is(&["install"])
                && !inv.has(&["--no-cache-dir"])
                && !pip_cache_disabled(inv.command, file, run) =>
        {
            Some(format!(
                "{name} install without --no-cache-dir keeps its download cache in the layer"
            ))
        }
        Family::Yarn if inv.is(&["install", "add"]) => Some(clean_later("yarn cache clean")),
        _ => None,
    }
}

/// `PIP_NO_CACHE_DIR` set by ENV or ARG, on the command, or exported
/// earlier in the same RUN.
fn pip_cache_disabled(command: &Command, file: &Dockerfile, run: &RunScript) -> bool {
    const VAR: &str = "PIP_NO_CACHE_DIR=";
    if file.variable("PIP_NO_CACHE_DIR", run.index).is_some() {
        return true;
    }
    if command.assignments.iter().any(|w| w.text.starts_with(VAR)) {
        return true;
    }
    run.script.commands.iter().any(|c| {
        c.span.start < command.span.start
            && c.program() == Some("export")
            && c.args().iter().any(|w| w.text.starts_with(VAR))
    })
}

/// Where each family keeps what a build should not ship (`~` is any home).
fn cache_dirs(family: Family) -> &'static [&'static str] {
    match family {
        Family::Apt => &["/var/lib/apt/lists"],
        Family::Apk => &["/var/cache/apk", "/etc/apk/cache"],
        Family::Rpm => &[
            "/var/cache/yum",
            "/var/cache/dnf",
            "/var/cache/libdnf5",
            "/var/cache/tdnf",
        ],
        Family::Zypper => &["/var/cache/zypp"],
        Family::Pip => &["~/.cache/pip"],
        Family::Yarn => &["~/.cache/yarn", "/usr/local/share/.cache/yarn"],
        Family::Npm | Family::Gem | Family::Go => &[],
    }
}

const FAMILIES: [Family; 6] = [
    Family::Apt,
    Family::Apk,
    Family::Rpm,
    Family::Zypper,
    Family::Pip,
    Family::Yarn,
];

/// The directory a `cd` moves to, when it is known: an absolute path, or a
/// relative one from a known directory. `cd`, `cd -` and variables make
/// it unknown.
fn changed_directory(cwd: Option<&str>, command: &Command) -> Option<String> {
    let target = match command.args() {
        [dir] => dir.text.as_str(),
        [flag, dir] if matches!(flag.text.as_str(), "-P" | "-L") => dir.text.as_str(),
        _ => return None,
    };
    if target == "-" || target.contains(['$', '`', '~']) {
        return None;
    }
    resolve(target, cwd)
}

/// `path` made absolute against `cwd`; `None` when it is relative and the
/// directory is unknown. `.` and `..` are resolved.
fn resolve(path: &str, cwd: Option<&str>) -> Option<String> {
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{}/{path}", cwd?)
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    Some(format!("/{}", parts.join("/")))
}

/// The families whose cache a command removes: `rm` of a cache directory
/// (or a parent of one, also relative to a directory an earlier `cd` of
/// the script moved to), or the manager's own clean subcommand.
fn cleaned(command: &Command, cwd: Option<&str>) -> Vec<Family> {
    if command.program() == Some("rm") {
        let paths: Vec<String> = command
            .args()
            .iter()
            .map(|w| w.text.as_str())
            .filter(|t| !t.starts_with('-'))
            .map(|t| {
                let relative = !t.starts_with(['/', '~', '$']);
                match cwd {
                    Some(dir) if relative => resolve(t, Some(dir)).unwrap_or_default(),
                    _ => t.to_string(),
                }
            })
            .collect();
        return FAMILIES
            .into_iter()
            .filter(|&f| paths.iter().any(|p| covers_cache(p, f)))
            .collect();
    }
    let Some(inv) = Invocation::of(command) else {
        return Vec::new();
    };
    let first = inv.operands.first().map(|w| w.text.as_str());
    let cleans = match inv.manager.family() {
        Family::Apt => inv.is(&["distclean", "dist-clean"]),
        Family::Apk => inv.is(&["cache"]) && matches!(first, Some("clean" | "purge")),
        Family::Rpm => inv.is(&["clean"]) && inv.operands.iter().any(|w| w.text == "all"),
        Family::Zypper => inv.is(&["clean"]),
        Family::Pip => inv.is(&["cache"]) && matches!(first, Some("purge" | "remove")),
        Family::Yarn => inv.is(&["cache"]) && first == Some("clean"),
        _ => false,
    };
    if cleans {
        vec![inv.manager.family()]
    } else {
        Vec::new()
    }
}

/// True if removing or mounting `path` takes care of a cache directory of
/// the family: the directory itself or one of its parents.
fn covers_cache(path: &str, family: Family) -> bool {
    let path = normalize(path);
    if path.is_empty() {
        return false;
    }
    cache_dirs(family)
        .iter()
        .any(|dir| *dir == path || dir.starts_with(&format!("{path}/")))
}

/// Trailing `/` and `/*` removed; a home directory written as `~`.
fn normalize(path: &str) -> String {
    let mut path = path;
    while let Some(shorter) = path.strip_suffix("/*").or_else(|| path.strip_suffix('/')) {
        path = shorter;
    }
    for home in ["~", "$HOME", "${HOME}", "/root"] {
        if path == home {
            return "~".into();
        }
        if let Some(rest) = path.strip_prefix(home).filter(|r| r.starts_with('/')) {
            return format!("~{rest}");
        }
    }
    if let Some(rest) = path.strip_prefix("/home/")
        && let Some((_, inner)) = rest.split_once('/')
    {
        return format!("~/{inner}");
    }
    path.to_string()
}

/// Targets of `--mount=type=cache` and `--mount=type=tmpfs`: what is written
/// there never reaches the layer.
fn cache_mounts(instruction: &Instruction) -> Vec<String> {
    let mut targets = Vec::new();
    for flag in instruction.flags.iter().filter(|f| f.name == "mount") {
        let Some(value) = &flag.value else { continue };
        let fields: Vec<(&str, &str)> = value
            .split(',')
            .filter_map(|field| field.split_once('='))
            .map(|(k, v)| (k.trim(), v.trim().trim_matches('"')))
            .collect();
        let kind = fields.iter().find(|(k, _)| *k == "type").map(|(_, v)| *v);
        if !matches!(kind, Some("cache" | "tmpfs")) {
            continue;
        }
        if let Some((_, target)) = fields
            .iter()
            .find(|(k, _)| matches!(*k, "target" | "dst" | "destination"))
        {
            targets.push(target.to_string());
        }
    }
    targets
}

/// For each stage, whether it ends up in the image: the final stage and,
/// through `FROM <stage>`, the stages it is built on.
fn shipped_stages(file: &Dockerfile) -> Vec<bool> {
    let mut shipped = vec![false; file.stages.len()];
    let mut current = file.final_stage();
    while let Some(stage) = current {
        if shipped[stage] {
            break;
        }
        shipped[stage] = true;
        current = file.stages[stage]
            .image
            .as_ref()
            .and_then(|image| file.stage_named(&image.text))
            .filter(|&parent| parent < stage);
    }
    shipped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_paths() {
        assert!(covers_cache("/var/lib/apt/lists/*", Family::Apt));
        assert!(covers_cache("/var/lib/apt", Family::Apt));
        assert!(!covers_cache("/var/cache/apt", Family::Apt));
        assert!(covers_cache("/root/.cache/pip", Family::Pip));
        assert!(covers_cache("$HOME/.cache", Family::Pip));
        assert!(covers_cache("/home/app/.cache/pip/", Family::Pip));
        assert!(covers_cache("/var/cache/dnf", Family::Rpm));
        assert!(!covers_cache("/tmp/*", Family::Rpm));
    }

    #[test]
    fn relative_paths() {
        assert_eq!(
            resolve("apt", Some("/var/lib")).as_deref(),
            Some("/var/lib/apt")
        );
        assert_eq!(
            resolve("../lib/./apt/", Some("/var/cache")).as_deref(),
            Some("/var/lib/apt")
        );
        assert_eq!(resolve("/tmp", None).as_deref(), Some("/tmp"));
        assert_eq!(resolve("apt", None), None);
    }
}
