//! `.harden.yaml`: finding it, reading it through harden's own YAML layer
//! (so every error has a file, line and column), and turning it into the
//! options of a run.

pub mod schema;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::engine::suppress::{Date, Exception};
use crate::engine::{KubeVersion, Registry, Severity};
use crate::source::{SourceFile, Span};
use crate::yaml::{Limits, NodeRef, parse_stream};

/// The names a configuration file may have, in order of preference.
pub const FILE_NAMES: [&str; 2] = [".harden.yaml", ".harden.yml"];

/// The configuration file's directory and the settings it holds.
#[derive(Clone, Debug)]
pub struct Config {
    /// The file as read, with its path as reports print it.
    pub file: Arc<SourceFile>,
    /// The directory relative paths of the file are resolved against.
    pub dir: PathBuf,
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    pub severity: Vec<(String, Severity)>,
    pub rule_params: Vec<(String, serde_json::Value)>,
    pub exclude: Option<Exclude>,
    pub exceptions: Vec<Exception>,
    pub helm: Helm,
    pub rules_dirs: Vec<PathBuf>,
    pub fail_on: Option<Severity>,
    pub kube_version: Option<KubeVersion>,
}

/// Paths not to check: globs relative to `base`.
#[derive(Clone, Debug)]
pub struct Exclude {
    pub base: PathBuf,
    pub globs: globset::GlobSet,
}

impl Exclude {
    /// Moves the excluded files of a walk to its skipped ones.
    pub fn apply(&self, discovered: &mut crate::discover::Discovered, cwd: &Path) {
        let (excluded, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut discovered.files)
            .into_iter()
            .partition(|c| self.matches(&c.path, cwd));
        discovered.files = kept;
        discovered
            .skipped
            .extend(excluded.into_iter().map(|c| crate::discover::Skipped {
                display: c.display,
                reason: "excluded by the configuration".into(),
            }));
    }

    /// True when `path` (absolute, or relative to `cwd`) or one of its parent
    /// directories below `base` matches.
    pub fn matches(&self, path: &Path, cwd: &Path) -> bool {
        let Some(relative) =
            crate::engine::suppress::relative_to(&self.base, cwd, &path.to_string_lossy())
        else {
            return false;
        };
        crate::engine::suppress::matches_path(&relative, |p| self.globs.is_match(p))
    }
}

/// How Helm charts are rendered: settings for every chart, and per chart.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Helm {
    pub release_name: Option<String>,
    pub namespace: Option<String>,
    pub kube_version: Option<KubeVersion>,
    /// Sorted by path.
    pub charts: Vec<HelmChart>,
}

/// The settings of one chart; unset fields fall back to [`Helm`]'s.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HelmChart {
    /// The chart directory, resolved against the configuration file.
    pub path: PathBuf,
    /// Values files, resolved against the configuration file: one values set each.
    pub values: Vec<PathBuf>,
    pub release_name: Option<String>,
    pub namespace: Option<String>,
    pub kube_version: Option<KubeVersion>,
}

impl Helm {
    /// The settings for the chart in `dir`: its own, completed with the
    /// shared ones. `dir` is compared after lexical normalisation.
    pub fn chart(&self, dir: &Path) -> HelmChart {
        let dir = crate::engine::suppress::normalize(dir);
        let own = self
            .charts
            .iter()
            .find(|c| crate::engine::suppress::normalize(&c.path) == dir);
        HelmChart {
            path: dir,
            values: own.map(|c| c.values.clone()).unwrap_or_default(),
            release_name: own
                .and_then(|c| c.release_name.clone())
                .or_else(|| self.release_name.clone()),
            namespace: own
                .and_then(|c| c.namespace.clone())
                .or_else(|| self.namespace.clone()),
            kube_version: own.and_then(|c| c.kube_version).or(self.kube_version),
        }
    }
}

/// Errors of a configuration file, each as `path:line:column: message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub messages: Vec<String>,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.messages.join("\n"))
    }
}

/// The configuration file that applies in `cwd`: the first `.harden.yaml`
/// (or `.harden.yml`) found walking up, stopping at the repository root (a
/// directory holding `.git`).
pub fn discover(cwd: &Path) -> Option<PathBuf> {
    for dir in cwd.ancestors() {
        for name in FILE_NAMES {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        if dir.join(".git").exists() {
            break;
        }
    }
    None
}

/// Reads and checks a configuration file. Rule names, severities and
/// parameters are checked against `registry`.
/// Reads a configuration file whose rule names may also be those of custom
/// rules: the rules of `cli_dirs` (`--rules-dir`) and of the folders the
/// file's own `rules-dirs` names are loaded before its names are checked.
pub fn load_with_rules(
    path: &Path,
    cwd: &Path,
    cli_dirs: &[PathBuf],
) -> Result<(Config, Arc<Registry>), ConfigError> {
    let absolute = crate::engine::suppress::normalize(&cwd.join(path));
    let dir = absolute
        .parent()
        .map_or_else(|| cwd.to_path_buf(), Path::to_path_buf);
    let mut dirs = cli_dirs.to_vec();
    if let Ok(text) = std::fs::read_to_string(&absolute) {
        let text: Arc<str> = text.into();
        let parsed = parse_stream(&text, &Limits::default());
        if let Some(root) = parsed.documents.first().and_then(|d| d.root()) {
            dirs.extend(
                root.get("rules-dirs")
                    .into_iter()
                    .flat_map(|n| n.items())
                    .filter_map(|n| n.as_text())
                    .map(|t| dir.join(t))
                    .filter(|d| d.is_dir()),
            );
        }
    }
    // A folder that cannot be read is reported where the file names it.
    let registry = Registry::for_run(&dirs, &[])
        .or_else(|_| Registry::for_run(cli_dirs, &[]))
        .map_err(|e| ConfigError { messages: vec![e] })?;
    let config = load(path, cwd, &registry)?;
    Ok((config, registry))
}

pub fn load(path: &Path, cwd: &Path, registry: &Registry) -> Result<Config, ConfigError> {
    let absolute = crate::engine::suppress::normalize(&cwd.join(path));
    let display = relative_display(&absolute, cwd);
    let text = std::fs::read_to_string(&absolute).map_err(|e| ConfigError {
        messages: vec![format!("{display}: cannot read configuration: {e}")],
    })?;
    let file = Arc::new(SourceFile::new(display, text));
    let dir = absolute
        .parent()
        .map_or_else(|| cwd.to_path_buf(), Path::to_path_buf);
    let mut reader = Reader {
        file: &file,
        problems: Vec::new(),
    };
    let parsed = parse_stream(&file.text, &Limits::default());
    if let Some(error) = &parsed.error {
        reader.at(
            Span::empty(error.offset),
            format!("invalid YAML: {}", error.message),
        );
        return Err(reader.finish());
    }
    for duplicate in parsed.documents.iter().flat_map(|d| &d.duplicates) {
        reader.at(duplicate.last, format!("duplicate key `{}`", duplicate.key));
    }
    if parsed.documents.len() > 1 {
        let second = parsed.documents[1].span;
        reader.at(second, "expected one YAML document".to_string());
    }
    let root = parsed.documents.first().and_then(|d| d.root());
    if let Some(root) = root {
        for problem in schema::validate(root) {
            reader.at(problem.span, problem.message);
        }
    }
    // Reading tolerates what the schema rejected, so that one run reports
    // every problem of the file.
    let config = reader.read(root, dir.clone(), registry);
    if !reader.problems.is_empty() {
        return Err(reader.finish());
    }
    Ok(config)
}

struct Reader<'f> {
    file: &'f Arc<SourceFile>,
    problems: Vec<(Span, String)>,
}

impl Reader<'_> {
    fn at(&mut self, span: Span, message: String) {
        self.problems.push((span, message));
    }

    fn finish(&mut self) -> ConfigError {
        self.problems.sort_by_key(|(span, _)| span.start);
        ConfigError {
            messages: self
                .problems
                .drain(..)
                .map(|(span, message)| {
                    let p = self.file.position(span.start);
                    format!("{}:{}:{}: {message}", self.file.path, p.line, p.column)
                })
                .collect(),
        }
    }

    /// Builds the settings of a file the schema accepted; what the schema
    /// cannot know (rule names, paths on disk) is checked here.
    fn read(&mut self, root: Option<NodeRef<'_>>, dir: PathBuf, registry: &Registry) -> Config {
        let get = |key: &str| root.and_then(|r| r.get(key));
        let select = get("select").map(|n| self.rule_names(n, registry));
        let extend_select = get("extend-select")
            .map(|n| self.rule_names(n, registry))
            .unwrap_or_default();
        let ignore = get("ignore")
            .map(|n| self.rule_names(n, registry))
            .unwrap_or_default();
        let mut severity = Vec::new();
        for (key, value) in get("severity").into_iter().flat_map(|n| n.entries()) {
            let id = key.text().unwrap_or("");
            if registry.index_of(id).is_none() {
                self.at(key.span(), format!("`severity`: unknown rule `{id}`"));
            }
            if let Some(level) = value.as_text().and_then(Severity::parse) {
                severity.push((id.to_string(), level));
            }
        }
        let mut rule_params = Vec::new();
        for (key, value) in get("rules").into_iter().flat_map(|n| n.entries()) {
            let id = key.text().unwrap_or("");
            let params = if value.is_null() {
                serde_json::Value::Object(Default::default())
            } else {
                crate::yaml::node_to_json(value)
            };
            match registry.get(id) {
                None => self.at(key.span(), format!("`rules`: unknown rule `{id}`")),
                Some(rule) => {
                    let mut merged = match &rule.spec.check.params {
                        serde_json::Value::Object(map) => map.clone(),
                        _ => serde_json::Map::new(),
                    };
                    if let serde_json::Value::Object(extra) = &params {
                        merged.extend(extra.clone());
                    }
                    let merged = serde_json::Value::Object(merged);
                    if let Err(e) = crate::checks::build(&rule.spec.check.template, &merged) {
                        self.at(value.span(), format!("`rules.{id}`: {e}"));
                    }
                }
            }
            rule_params.push((id.to_string(), params));
        }
        let exclude = get("exclude").map(|n| {
            let mut globs = globset::GlobSetBuilder::new();
            for item in n.items() {
                if let Some(glob) = item.as_text().and_then(|t| globset::Glob::new(t).ok()) {
                    globs.add(glob);
                }
            }
            Exclude {
                base: dir.clone(),
                globs: globs.build().unwrap_or_else(|_| globset::GlobSet::empty()),
            }
        });
        let exceptions = get("exceptions")
            .into_iter()
            .flat_map(|n| n.items())
            .map(|n| self.exception(n, &dir, registry))
            .collect();
        let helm = get("helm").map(|n| self.helm(n, &dir)).unwrap_or_default();
        let rules_dirs = get("rules-dirs")
            .into_iter()
            .flat_map(|n| n.items())
            .filter_map(|n| self.existing(n, &dir, true))
            .collect();
        Config {
            file: Arc::clone(self.file),
            dir: dir.clone(),
            select,
            extend_select,
            ignore,
            severity,
            rule_params,
            exclude,
            exceptions,
            helm,
            rules_dirs,
            fail_on: get("fail-on")
                .and_then(|n| n.as_text())
                .and_then(Severity::parse),
            kube_version: get("kube-version")
                .and_then(|n| n.as_text())
                .and_then(KubeVersion::parse),
        }
    }

    /// A rule id, tag, target or `all`, or a list of them.
    fn rule_names(&mut self, node: NodeRef<'_>, registry: &Registry) -> Vec<String> {
        let nodes: Vec<NodeRef<'_>> = if node.is_seq() {
            node.items().collect()
        } else {
            vec![node]
        };
        let mut names = Vec::new();
        for item in nodes {
            let name = item.as_text().unwrap_or("");
            if !is_rule_name(name, registry) {
                self.at(item.span(), format!("unknown rule or tag `{name}`"));
            }
            names.push(name.to_string());
        }
        names
    }

    fn exception(&mut self, node: NodeRef<'_>, dir: &Path, registry: &Registry) -> Exception {
        let text = |key: &str| node.get(key).and_then(|n| n.as_text());
        let mut glob = |key: &str| {
            let value = node.get(key)?;
            match globset::Glob::new(value.as_text()?) {
                Ok(glob) => Some(glob.compile_matcher()),
                Err(e) => {
                    self.at(value.span(), format!("`{key}`: {e}"));
                    None
                }
            }
        };
        let (kind, namespace, name, container, path) = (
            glob("kind"),
            glob("namespace"),
            glob("name"),
            glob("container"),
            glob("path"),
        );
        let rules = node
            .get("rules")
            .map(|n| self.rule_names(n, registry))
            .unwrap_or_default();
        let reason = text("reason").unwrap_or("").trim().to_string();
        if reason.is_empty()
            && let Some(n) = node.get("reason")
        {
            self.at(n.span(), "`reason` must not be empty".to_string());
        }
        Exception {
            rules,
            kind,
            namespace,
            name,
            container,
            path,
            base: dir.to_path_buf(),
            reason,
            until: text("until").and_then(Date::parse),
            until_at: node
                .entry("until")
                .map(|(k, v)| Span::new(k.span().start, v.span().end)),
            file: Arc::clone(self.file),
            at: first_line(self.file, node),
        }
    }

    fn helm(&mut self, node: NodeRef<'_>, dir: &Path) -> Helm {
        let string =
            |n: NodeRef<'_>, key: &str| n.get(key).and_then(|v| v.as_text()).map(str::to_string);
        let version = |n: NodeRef<'_>| {
            n.get("kube-version")
                .and_then(|v| v.as_text())
                .and_then(KubeVersion::parse)
        };
        let mut charts = Vec::new();
        for (key, chart) in node.get("charts").into_iter().flat_map(|n| n.entries()) {
            let Some(path) = self.existing(key, dir, true) else {
                continue;
            };
            let values = chart
                .get("values")
                .into_iter()
                .flat_map(|n| n.items())
                .filter_map(|n| self.existing(n, dir, false))
                .collect();
            charts.push(HelmChart {
                path,
                values,
                release_name: string(chart, "release-name"),
                namespace: string(chart, "namespace"),
                kube_version: version(chart),
            });
        }
        charts.sort_by(|a, b| a.path.cmp(&b.path));
        Helm {
            release_name: string(node, "release-name"),
            namespace: string(node, "namespace"),
            kube_version: version(node),
            charts,
        }
    }

    /// A path relative to the configuration file that must exist (as a
    /// directory when `directory`).
    fn existing(&mut self, node: NodeRef<'_>, dir: &Path, directory: bool) -> Option<PathBuf> {
        let text = node.as_text()?;
        let path = crate::engine::suppress::normalize(&dir.join(text));
        let ok = if directory {
            path.is_dir()
        } else {
            path.is_file()
        };
        if !ok {
            let what = if directory { "directory" } else { "file" };
            self.at(
                node.span(),
                format!("no {what} `{text}` next to the configuration file"),
            );
            return None;
        }
        Some(path)
    }
}

/// The first line of a node: where an exception is reported.
fn first_line(file: &SourceFile, node: NodeRef<'_>) -> Span {
    let start = node.head_span().start;
    let end = file
        .text
        .get(start as usize..)
        .and_then(|rest| rest.find('\n'))
        .map_or(node.span().end, |i| start + i as u32)
        .min(node.span().end.max(start));
    Span::new(start, end)
}

/// The path as reports print it: relative to `cwd`, with `..` when it lies
/// above it.
fn relative_display(path: &Path, cwd: &Path) -> String {
    for (up, ancestor) in cwd.ancestors().enumerate() {
        if ancestor.parent().is_none() {
            break;
        }
        if let Ok(rest) = path.strip_prefix(ancestor) {
            if up == 0 {
                return crate::discover::display_path(path, cwd);
            }
            let mut shown = "../".repeat(up);
            shown.push_str(&rest.to_string_lossy().replace('\\', "/"));
            return shown;
        }
    }
    crate::discover::display_path(path, cwd)
}

/// A rule id, a tag, a target or `all`.
pub fn is_rule_name(name: &str, registry: &Registry) -> bool {
    let selection = crate::engine::Selection {
        select: vec![name.to_string()],
        ..Default::default()
    };
    selection.unknown(registry).is_empty()
}

/// The commented configuration `harden init` writes.
pub const STARTER: &str = include_str!("starter.yaml");

#[cfg(test)]
mod tests {
    use super::*;

    fn exclude(patterns: &[&str]) -> Exclude {
        let mut globs = globset::GlobSetBuilder::new();
        for p in patterns {
            globs.add(globset::Glob::new(p).unwrap());
        }
        Exclude {
            base: PathBuf::from("/repo"),
            globs: globs.build().unwrap(),
        }
    }

    #[test]
    fn excludes_match_files_and_their_directories() {
        let e = exclude(&["vendor", "**/*.generated.yaml", "charts/*/tests/**"]);
        let cwd = Path::new("/repo/sub");
        assert!(e.matches(Path::new("/repo/vendor/a/b.yaml"), cwd));
        assert!(e.matches(Path::new("../vendor/x.yaml"), cwd));
        assert!(e.matches(Path::new("deep/x.generated.yaml"), cwd));
        assert!(e.matches(Path::new("/repo/charts/shop/tests/t.yaml"), cwd));
        assert!(!e.matches(Path::new("/repo/k8s/app.yaml"), cwd));
        assert!(!e.matches(Path::new("/elsewhere/vendor/x.yaml"), cwd));
    }

    #[test]
    fn paths_above_the_working_directory_are_shown_relative() {
        let cwd = Path::new("/repo/a/b");
        assert_eq!(
            relative_display(Path::new("/repo/.harden.yaml"), cwd),
            "../../.harden.yaml"
        );
        assert_eq!(
            relative_display(Path::new("/repo/a/b/.harden.yaml"), cwd),
            ".harden.yaml"
        );
        assert_eq!(
            relative_display(Path::new("/etc/h.yaml"), cwd),
            "/etc/h.yaml"
        );
    }

    #[test]
    fn the_starter_loads() {
        let dir = std::env::temp_dir().join(format!("harden-starter-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(FILE_NAMES[0]);
        std::fs::write(&path, STARTER).unwrap();
        let config = load(&path, &dir, crate::engine::registry());
        std::fs::remove_dir_all(&dir).unwrap();
        let config = config.unwrap();
        assert_eq!(config.fail_on, Some(Severity::Low));
        assert!(config.select.is_none());
    }
}
