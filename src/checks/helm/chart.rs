//! `Chart.yaml` rules: metadata, a values schema, and dependencies pinned
//! by exact versions and an up-to-date lock.

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::dependency_list;
use crate::checks::Check;
use crate::engine::SetCx;
use crate::helm::lint::{ChartFiles, YamlFile};
use crate::source::Span;
use crate::yaml::NodeRef;

fn helm2_api(name: &str) -> String {
    format!("chart \"{name}\" uses Chart.yaml apiVersion v1, the Helm 2 format")
}

fn missing_field(name: &str, field: &str) -> String {
    format!("chart \"{name}\" has no `{field}` in Chart.yaml")
}

fn not_semver(name: &str, version: &str) -> String {
    format!("chart \"{name}\" version \"{version}\" is not a SemVer 2 version")
}

fn requirements_file(name: &str, v2: bool) -> String {
    if v2 {
        format!(
            "chart \"{name}\" keeps dependencies in requirements.yaml, which Helm 3 ignores for apiVersion v2 charts"
        )
    } else {
        format!(
            "chart \"{name}\" keeps dependencies in requirements.yaml (Helm 2); move them to Chart.yaml"
        )
    }
}

fn no_schema(name: &str) -> String {
    format!("chart \"{name}\" has no values.schema.json")
}

fn version_range(dependency: &str, version: &str) -> String {
    format!("dependency \"{dependency}\" is a version range (\"{version}\"), not one version")
}

fn no_version(dependency: &str) -> String {
    format!("dependency \"{dependency}\" has no version")
}

fn plain_http(dependency: &str) -> String {
    format!("dependency \"{dependency}\" is fetched over plain HTTP")
}

fn not_allowed(dependency: &str, repository: &str) -> String {
    format!(
        "dependency \"{dependency}\" comes from a repository outside the allow-list ({repository})"
    )
}

fn no_lock(lock: &str) -> String {
    format!("the dependencies have no {lock}, so the versions installed are not recorded")
}

fn not_locked(dependency: &str, lock: &str) -> String {
    format!("dependency \"{dependency}\" is not in {lock}")
}

fn stale_lock(lock: &str, manifest: &str) -> String {
    format!(
        "{lock} is out of date with the dependencies of {manifest}; run `helm dependency update`"
    )
}

/// The chart's root mapping and its name, when it has a `Chart.yaml`.
fn chart_root(chart: &ChartFiles) -> Option<(&YamlFile, NodeRef<'_>, String)> {
    let file = chart.chart_yaml.as_ref()?;
    let root = file.root()?;
    Some((file, root, chart.name()))
}

/// Where to point at the chart as a whole: its `name:` entry.
fn name_span(root: NodeRef<'_>) -> Span {
    root.entry("name")
        .map(|(k, v)| Span::new(k.span().start, v.span().end.max(k.span().end)))
        .unwrap_or_else(|| Span::empty(root.span().start))
}

/// `helm-chart-metadata`.
#[derive(Default)]
pub struct ChartMetadata;

impl Check for ChartMetadata {
    fn check_chart(&self, cx: &mut SetCx<'_>, chart: &ChartFiles) {
        let Some((file, root, name)) = chart_root(chart) else {
            return;
        };
        let head = name_span(root);
        let api = root.get("apiVersion");
        match api.and_then(|a| a.as_text()) {
            Some("v1") => {
                cx.report(
                    &file.file,
                    api.map_or(head, |a| a.span()),
                    None,
                    helm2_api(&name),
                );
            }
            Some(_) => {}
            None => {
                cx.report(&file.file, head, None, missing_field(&name, "apiVersion"));
            }
        }
        if root.get("name").and_then(|n| n.as_text()).is_none() {
            cx.report(&file.file, head, None, missing_field(&name, "name"));
        }
        match root.get("version") {
            None => {
                cx.report(&file.file, head, None, missing_field(&name, "version"));
            }
            Some(version) => {
                let text = version.as_text().unwrap_or("");
                if !is_semver(text) {
                    cx.report(&file.file, version.span(), None, not_semver(&name, text));
                }
            }
        }
        let library = root.get("type").and_then(|t| t.as_text()) == Some("library");
        if !library && root.get("appVersion").is_none() {
            cx.report(&file.file, head, None, missing_field(&name, "appVersion"));
        }
        if let Some(requirements) = &chart.requirements {
            let v2 = api.and_then(|a| a.as_text()) == Some("v2");
            let span = requirements
                .root()
                .and_then(|r| r.key_span("dependencies"))
                .unwrap_or_else(|| Span::empty(0));
            cx.report(&requirements.file, span, None, requirements_file(&name, v2));
        }
    }
}

/// SemVer 2: `MAJOR.MINOR.PATCH[-PRE][+BUILD]`. Helm also accepts a
/// leading `v`.
fn is_semver(text: &str) -> bool {
    let text = text.strip_prefix('v').unwrap_or(text);
    let core = text.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// `helm-values-schema-present` (opt-in).
#[derive(Default)]
pub struct SchemaPresent;

impl Check for SchemaPresent {
    fn check_chart(&self, cx: &mut SetCx<'_>, chart: &ChartFiles) {
        if chart.dependency.is_some() || chart.has_schema {
            return;
        }
        let Some((file, root, name)) = chart_root(chart) else {
            return;
        };
        if root.get("type").and_then(|t| t.as_text()) == Some("library") {
            return;
        }
        cx.report(&file.file, name_span(root), None, no_schema(&name));
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct DependencyParams {
    /// Repository URL prefixes dependencies may come from; any when empty.
    #[serde(default)]
    pub allowed_repositories: Vec<String>,
}

/// `helm-dependency-pinned`.
pub struct DependencyPinned {
    allowed: Vec<String>,
}

impl DependencyPinned {
    pub fn new(params: DependencyParams) -> Self {
        DependencyPinned {
            allowed: params.allowed_repositories,
        }
    }
}

/// True when `version` names one version rather than a range.
fn exact_version(version: &str) -> bool {
    let version = version.trim();
    let version = version.strip_prefix('=').unwrap_or(version).trim();
    is_semver(version)
}

impl Check for DependencyPinned {
    fn check_chart(&self, cx: &mut SetCx<'_>, chart: &ChartFiles) {
        let Some((file, list)) = dependency_list(chart) else {
            return;
        };
        if list.is_empty() {
            return;
        }
        let v1 = chart.chart_yaml.is_none()
            || chart
                .chart_yaml
                .as_ref()
                .and_then(|c| c.root())
                .and_then(|r| r.get("apiVersion"))
                .and_then(|a| a.as_text())
                != Some("v2");
        let from_requirements = chart
            .requirements
            .as_ref()
            .is_some_and(|r| std::ptr::eq(&r.file, file));
        let (lock, lock_name) = if from_requirements || (v1 && chart.chart_lock.is_none()) {
            (chart.requirements_lock.as_ref(), "requirements.lock")
        } else {
            (chart.chart_lock.as_ref(), "Chart.lock")
        };
        let manifest = if from_requirements {
            "requirements.yaml"
        } else {
            "Chart.yaml"
        };
        let mut problems = false;
        for item in list.items() {
            let Some(name) = item.get("name").and_then(|n| n.as_text()) else {
                continue;
            };
            match item.get("version") {
                Some(version) => {
                    let text = version.as_text().unwrap_or("");
                    if !exact_version(text) {
                        cx.report(file, version.span(), None, version_range(name, text))
                            .at_path(format!("dependencies.{name}.version"));
                    }
                }
                None => {
                    let span = item.key_span("name").unwrap_or(item.span());
                    cx.report(file, span, None, no_version(name))
                        .at_path(format!("dependencies.{name}.version"));
                }
            }
            if let Some(repository) = item.get("repository")
                && let Some(url) = repository.as_text()
            {
                let url = url.trim();
                if url.to_ascii_lowercase().starts_with("http://") {
                    cx.report(file, repository.span(), None, plain_http(name))
                        .at_path(format!("dependencies.{name}.repository"));
                } else if !self.allowed.is_empty()
                    && !url.is_empty()
                    && !url.starts_with("file://")
                    && !self.allowed.iter().any(|a| url.starts_with(a.as_str()))
                {
                    cx.report(file, repository.span(), None, not_allowed(name, url))
                        .at_path(format!("dependencies.{name}.repository"));
                }
            }
        }
        let Some(lock) = lock else {
            let span = file
                .as_ref()
                .text
                .find("dependencies:")
                .map(|at| Span::new(at as u32, at as u32 + "dependencies".len() as u32))
                .unwrap_or(list.span());
            cx.report(file, span, None, no_lock(lock_name));
            return;
        };
        let Some(lock_root) = lock.root() else {
            return;
        };
        let locked: Vec<NodeRef<'_>> = lock_root
            .get("dependencies")
            .map(|d| d.items().collect())
            .unwrap_or_default();
        for item in list.items() {
            let Some(name_node) = item.get("name") else {
                continue;
            };
            let name = name_node.as_text().unwrap_or("");
            let found = locked
                .iter()
                .any(|l| l.get("name").and_then(|n| n.as_text()) == Some(name));
            if !found {
                problems = true;
                cx.report(file, name_node.span(), None, not_locked(name, lock_name))
                    .at_path(format!("dependencies.{name}"));
            }
        }
        if problems {
            return;
        }
        let Some(digest) = lock_root.get("digest") else {
            return;
        };
        let expected = format!("sha256:{}", hash_dependencies(list, &locked));
        if digest.as_text() != Some(expected.as_str()) {
            cx.report(
                &lock.file,
                digest.span(),
                None,
                stale_lock(lock_name, manifest),
            );
        }
    }
}

/// The digest Helm keeps in the lock: SHA-256 of the JSON of the two
/// dependency lists (as Chart.yaml and the lock give them), encoded as Go's
/// `encoding/json` encodes Helm's dependency type.
fn hash_dependencies(required: NodeRef<'_>, locked: &[NodeRef<'_>]) -> String {
    let mut json = String::from("[");
    let list = |json: &mut String, items: &mut dyn Iterator<Item = NodeRef<'_>>| {
        json.push('[');
        for (i, item) in items.enumerate() {
            if i > 0 {
                json.push(',');
            }
            dependency_json(json, item);
        }
        json.push(']');
    };
    list(&mut json, &mut required.items());
    json.push(',');
    list(&mut json, &mut locked.iter().copied());
    json.push(']');
    let digest = Sha256::digest(json.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// One dependency as Go encodes Helm's `chart.Dependency`: fields in
/// declaration order, empty optional ones left out.
fn dependency_json(out: &mut String, item: NodeRef<'_>) {
    let text = |key: &str| {
        item.get(key)
            .map(|v| crate::yaml::node_to_json(v))
            .map(|v| match v {
                serde_json::Value::String(s) => s,
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            })
            .unwrap_or_default()
    };
    out.push('{');
    out.push_str("\"name\":");
    go_string(out, &text("name"));
    let version = text("version");
    if !version.is_empty() {
        out.push_str(",\"version\":");
        go_string(out, &version);
    }
    out.push_str(",\"repository\":");
    go_string(out, &text("repository"));
    let condition = text("condition");
    if !condition.is_empty() {
        out.push_str(",\"condition\":");
        go_string(out, &condition);
    }
    if let Some(tags) = item.get("tags").filter(|t| !t.is_empty()) {
        out.push_str(",\"tags\":");
        go_json(out, &crate::yaml::node_to_json(tags));
    }
    if item.get("enabled").and_then(|e| e.as_bool()) == Some(true) {
        out.push_str(",\"enabled\":true");
    }
    if let Some(imports) = item.get("import-values").filter(|t| !t.is_empty()) {
        out.push_str(",\"import-values\":");
        go_json(out, &crate::yaml::node_to_json(imports));
    }
    let alias = text("alias");
    if !alias.is_empty() {
        out.push_str(",\"alias\":");
        go_string(out, &alias);
    }
    out.push('}');
}

/// JSON as Go's `encoding/json` writes it: map keys sorted, HTML-safe
/// escapes.
fn go_json(out: &mut String, value: &serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_string(out, key);
                out.push(':');
                go_json(out, &map[key]);
            }
            out.push('}');
        }
        serde_json::Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_json(out, item);
            }
            out.push(']');
        }
        serde_json::Value::String(s) => go_string(out, s),
        other => out.push_str(&other.to_string()),
    }
}

fn go_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest(chart: &str, lock: &str) -> String {
        let chart: std::sync::Arc<str> = chart.into();
        let lock: std::sync::Arc<str> = lock.into();
        let c = crate::yaml::parse_stream(&chart, &Default::default());
        let l = crate::yaml::parse_stream(&lock, &Default::default());
        let required = c.documents[0].root().unwrap().get("dependencies").unwrap();
        let locked: Vec<_> = l.documents[0]
            .root()
            .unwrap()
            .get("dependencies")
            .unwrap()
            .items()
            .collect();
        hash_dependencies(required, &locked)
    }

    #[test]
    fn lock_digest_is_helms() {
        // Chart.yaml and Chart.lock of a published chart, and the digest
        // Helm wrote into that lock.
        let chart = "dependencies:\n- name: common\n  repository: oci://registry.example/charts\n  tags:\n  - example-common\n  version: 2.x.x\n";
        let lock = "dependencies:\n- name: common\n  repository: oci://registry.example/charts\n  version: 2.31.4\n";
        let expected = {
            let json = r#"[[{"name":"common","version":"2.x.x","repository":"oci://registry.example/charts","tags":["example-common"]}],[{"name":"common","version":"2.31.4","repository":"oci://registry.example/charts"}]]"#;
            Sha256::digest(json.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        };
        assert_eq!(digest(chart, lock), expected);
    }

    #[test]
    fn versions() {
        assert!(exact_version("1.2.3"));
        assert!(exact_version("v1.2.3-rc.1+b5"));
        assert!(exact_version("=1.2.3"));
        assert!(!exact_version("^1.2.3"));
        assert!(!exact_version("~1.2"));
        assert!(!exact_version("2.x.x"));
        assert!(!exact_version(">=1.0.0 <2.0.0"));
        assert!(!exact_version("*"));
        assert!(!exact_version("1.2.3 - 1.4.0"));
    }
}
