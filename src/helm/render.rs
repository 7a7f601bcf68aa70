//! The render driver: a chart directory or archive in, each template's
//! rendered text out, in Helm's order and with Helm's scoping.
//!
//! As Helm's engine does, every template of the chart and its subcharts is
//! parsed into one set (deepest paths first, then names in reverse, so a
//! parent's `define` wins), each template runs with its own chart's top-level
//! object (`.Values` of a subchart is its slice of the coalesced values,
//! `.Chart` and `.Files` its own), and `<no value>` is removed from output.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::capabilities::Capabilities;
use super::chart::{self, Chart, LoadLimits, Metadata};
use super::deps::{self, Node};
use super::files::{Files, FilesObject, ToYamlFn};
use super::strvals::{self, Reader};
use super::template::{Env, OutSpan, TemplateSet};
use super::value::{FuncCx, Map, Value};
use super::values::{OriginEntry, ValuesCx, merge_maps, new_map, parse_values, table};

/// How to render: what `helm template` takes on its command line.
#[derive(Clone, Debug)]
pub struct RenderOptions {
    /// `-f` files, in order.
    pub values_files: Vec<PathBuf>,
    pub set: Vec<String>,
    pub set_string: Vec<String>,
    pub set_file: Vec<String>,
    pub set_json: Vec<String>,
    pub release_name: String,
    pub namespace: String,
    /// `--kube-version`; Helm's default when `None`.
    pub kube_version: Option<String>,
    /// `--api-versions`, added to Helm's default set.
    pub api_versions: Vec<String>,
    /// Render even when a declared dependency is missing from `charts/`
    /// (as Helm's library does; `helm template` refuses).
    pub allow_missing_dependencies: bool,
    pub load_limits: LoadLimits,
    /// Bytes of output of one template.
    pub max_output_bytes: usize,
    /// Evaluation steps of one template.
    pub max_steps: u64,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            values_files: Vec::new(),
            set: Vec::new(),
            set_string: Vec::new(),
            set_file: Vec::new(),
            set_json: Vec::new(),
            release_name: "release-name".to_string(),
            namespace: "default".to_string(),
            kube_version: None,
            api_versions: Vec::new(),
            allow_missing_dependencies: false,
            load_limits: LoadLimits::default(),
            max_output_bytes: 64 << 20,
            max_steps: 50_000_000,
        }
    }
}

/// One rendered template.
#[derive(Clone, Debug)]
pub struct RenderedTemplate {
    /// `nginx/templates/x.yaml`, `nginx/charts/common/templates/y.yaml`.
    pub name: String,
    pub text: String,
    /// Which template bytes and values produced which output bytes.
    pub spans: Vec<OutSpan>,
    /// Under a `templates/tests/` folder: a test hook.
    pub is_test: bool,
}

impl RenderedTemplate {
    pub fn is_notes(&self) -> bool {
        self.name.ends_with("/NOTES.txt")
    }
}

/// A rendered chart.
#[derive(Debug)]
pub struct Rendered {
    /// Every template that is not a partial (`_*`), NOTES.txt included,
    /// sorted by name.
    pub templates: Vec<RenderedTemplate>,
    /// Values origins: `Origin(n)` of a span is `origins[n]`.
    pub origins: Vec<OriginEntry>,
    /// The chart's name.
    pub chart: String,
    /// Dependencies of Chart.yaml that `charts/` lacks (rendered without them
    /// only with `allow_missing_dependencies`).
    pub missing_dependencies: Vec<String>,
}

/// Why a chart did not render: Helm's message, and where when known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderFailure {
    pub message: String,
    /// The template that failed (`nginx/templates/x.yaml`), when one did.
    pub template: Option<String>,
    pub line: u32,
    pub col: u32,
}

impl RenderFailure {
    fn plain(message: impl Into<String>) -> RenderFailure {
        RenderFailure {
            message: message.into(),
            template: None,
            line: 0,
            col: 0,
        }
    }
}

impl std::fmt::Display for RenderFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Loads and renders the chart at `chart_dir` (a directory or `.tgz`).
pub fn render_chart(chart_dir: &Path, opts: &RenderOptions) -> Result<Rendered, RenderFailure> {
    let chart = chart::load(chart_dir, &opts.load_limits).map_err(RenderFailure::plain)?;
    render_loaded(&chart, opts)
}

/// The user's values: `-f` files merged in order, then `--set-json`, `--set`,
/// `--set-string` and `--set-file`, as Helm's `MergeValues` applies them.
pub fn user_values(opts: &RenderOptions, cx: &mut ValuesCx) -> Result<Map, String> {
    let mut base = new_map();
    for path in &opts.values_files {
        let text =
            std::fs::read_to_string(path).map_err(|e| format!("open {}: {e}", path.display()))?;
        let current = parse_values(&text, &path.display().to_string(), cx)?;
        base = merge_maps(cx, &base, &current);
    }
    for line in &opts.set_json {
        strvals::parse_into(line, &base, &Reader::Json)
            .map_err(|e| format!("failed parsing --set-json data {line}: {e}"))?;
    }
    for line in &opts.set {
        strvals::parse_into(line, &base, &Reader::Typed)
            .map_err(|e| format!("failed parsing --set data: {e}"))?;
    }
    for line in &opts.set_string {
        strvals::parse_into(line, &base, &Reader::String)
            .map_err(|e| format!("failed parsing --set-string data: {e}"))?;
    }
    let read = |path: &str| -> Result<String, String> {
        std::fs::read_to_string(path).map_err(|e| format!("open {path}: {e}"))
    };
    for line in &opts.set_file {
        strvals::parse_into(line, &base, &Reader::File(&read))
            .map_err(|e| format!("failed parsing --set-file data: {e}"))?;
    }
    Ok(base)
}

/// Renders a chart already loaded.
pub fn render_loaded(chart: &Chart, opts: &RenderOptions) -> Result<Rendered, RenderFailure> {
    let mut cx = ValuesCx::default();
    let user = user_values(opts, &mut cx).map_err(RenderFailure::plain)?;
    let mut tree = deps::build(chart, chart.name(), &mut cx).map_err(RenderFailure::plain)?;
    let missing = chart.missing_dependencies();
    if !missing.is_empty() && !opts.allow_missing_dependencies {
        return Err(RenderFailure::plain(format!(
            "An error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: {}",
            missing.join(", ")
        )));
    }
    deps::process(&mut cx, &mut tree, &user).map_err(RenderFailure::plain)?;
    let values = deps::coalesce_values(&mut cx, &tree, &user).map_err(RenderFailure::plain)?;
    let caps = Capabilities::new(opts.kube_version.as_deref(), &opts.api_versions)
        .map_err(RenderFailure::plain)?;
    check_kube_version(&chart.metadata, &caps)?;
    let caps = Value::Object(Rc::new(caps));
    let release = release_value(opts);

    let mut templates = Vec::new();
    let root_values = Value::Map(values);
    scope(&tree, None, &root_values, &release, &caps, &mut templates);

    // Helm's order: deeper paths first; equal depth in reverse name order.
    templates.sort_by(|a, b| {
        let (da, db) = (a.name.matches('/').count(), b.name.matches('/').count());
        db.cmp(&da).then_with(|| b.name.cmp(&a.name))
    });
    let mut set = TemplateSet::new();
    for t in &templates {
        set.parse(&t.name, &t.text).map_err(|e| RenderFailure {
            message: e.to_string(),
            template: Some(e.template.clone()),
            line: e.line,
            col: e.col,
        })?;
    }
    let origins = Rc::new(std::mem::take(&mut cx.origins));
    let func_cx = FuncCx {
        origins: origins.clone(),
        ..FuncCx::default()
    };
    let mut env = Env::helm();
    env.cx = func_cx;
    env.limits.max_output = opts.max_output_bytes;
    env.limits.max_steps = opts.max_steps;
    let mut rendered = Vec::new();
    for t in &templates {
        let base = t.name.rsplit('/').next().unwrap_or(&t.name);
        if base.starts_with('_') {
            continue;
        }
        let mut template_info = BTreeMap::new();
        template_info.insert("Name".to_string(), Value::str(t.name.as_str()));
        template_info.insert("BasePath".to_string(), Value::str(t.base_path.as_str()));
        t.scope
            .borrow_mut()
            .insert("Template".to_string(), Value::map(template_info));
        let output = set
            .execute(&t.name, &Value::Map(t.scope.clone()), &mut env)
            .map_err(|e| RenderFailure {
                message: e.to_string(),
                template: Some(e.template.clone()),
                line: e.line,
                col: e.col,
            })?;
        // The engine (as Helm) has already removed `<no value>` from the text.
        rendered.push(RenderedTemplate {
            is_test: t.is_test,
            name: t.name.clone(),
            text: output.text,
            spans: output.spans,
        });
    }
    rendered.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Rendered {
        templates: rendered,
        origins: cx.table,
        chart: chart.name().to_string(),
        missing_dependencies: missing.iter().map(|m| m.to_string()).collect(),
    })
}

/// A template to parse and, unless a partial, to render.
struct Pending {
    name: String,
    text: String,
    base_path: String,
    scope: Map,
    is_test: bool,
}

/// Builds the top-level object of `node`'s templates (Helm's `recAllTpls`)
/// and collects its templates; returns the object.
fn scope(
    node: &Node<'_>,
    parent: Option<(&Map, &str)>,
    root_values: &Value,
    release: &Value,
    caps: &Value,
    out: &mut Vec<Pending>,
) -> Map {
    let chart = node.chart;
    let path = match parent {
        None => node.name.clone(),
        Some((_, parent_path)) => format!("{parent_path}/charts/{}", node.name),
    };
    let values = match parent {
        None => root_values.clone(),
        Some((parent_scope, _)) => {
            let parent_values = parent_scope.borrow().get("Values").cloned();
            match parent_values {
                Some(Value::Map(pv)) => table(&pv, &node.name)
                    .map(Value::Map)
                    .unwrap_or_else(Value::empty_map),
                _ => Value::empty_map(),
            }
        }
    };
    let subcharts = new_map();
    let me = new_map();
    {
        let mut m = me.borrow_mut();
        m.insert(
            "Chart".to_string(),
            chart_value(&chart.metadata, &node.name, parent.is_none()),
        );
        m.insert(
            "Files".to_string(),
            Value::Object(Rc::new(FilesObject {
                files: Files::new(&chart.files),
                to_yaml: Some(ToYamlFn(files_to_yaml)),
            })),
        );
        m.insert("Release".to_string(), release.clone());
        m.insert("Capabilities".to_string(), caps.clone());
        m.insert("Values".to_string(), values);
        m.insert("Subcharts".to_string(), Value::Map(subcharts.clone()));
    }
    for dep in &node.deps {
        let sub = scope(dep, Some((&me, &path)), root_values, release, caps, out);
        subcharts
            .borrow_mut()
            .insert(dep.name.clone(), Value::Map(sub));
    }
    let library = chart.metadata.is_library();
    for t in &chart.templates {
        let base = t.name.rsplit('/').next().unwrap_or(&t.name);
        if library && !base.starts_with('_') {
            continue;
        }
        out.push(Pending {
            name: format!("{path}/{}", t.name),
            text: t.text(),
            base_path: format!("{path}/templates"),
            scope: me.clone(),
            is_test: t.name.starts_with("templates/tests/"),
        });
    }
    me
}

/// Helm's `toYaml` of a map of strings, for `.Files.AsConfig`/`AsSecrets`.
fn files_to_yaml(map: &BTreeMap<String, String>) -> String {
    let value = Value::map(
        map.iter()
            .map(|(k, v)| (k.clone(), Value::str(v.as_str())))
            .collect(),
    );
    super::funcs::lookup("toYaml")
        .and_then(|to_yaml| to_yaml(&mut FuncCx::default(), &[value]).ok())
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn release_value(opts: &RenderOptions) -> Value {
    let mut m = BTreeMap::new();
    m.insert("Name".to_string(), Value::str(opts.release_name.as_str()));
    m.insert("Namespace".to_string(), Value::str(opts.namespace.as_str()));
    m.insert("Revision".to_string(), Value::Int(1));
    m.insert("Service".to_string(), Value::str("Helm"));
    m.insert("IsUpgrade".to_string(), Value::Bool(false));
    m.insert("IsInstall".to_string(), Value::Bool(true));
    Value::map(m)
}

fn strings(items: &[String]) -> Value {
    Value::list(items.iter().map(|s| Value::str(s.as_str())).collect())
}

/// `.Chart`: the metadata under Go's field names.
fn chart_value(meta: &Metadata, name: &str, is_root: bool) -> Value {
    let s = |text: &str| Value::str(text);
    let mut m = BTreeMap::new();
    m.insert("Name".into(), s(name));
    m.insert("Home".into(), s(&meta.home));
    m.insert("Sources".into(), strings(&meta.sources));
    m.insert("Version".into(), s(&meta.version));
    m.insert("Description".into(), s(&meta.description));
    m.insert("Keywords".into(), strings(&meta.keywords));
    m.insert(
        "Maintainers".into(),
        Value::list(
            meta.maintainers
                .iter()
                .map(|mt| {
                    let mut e = BTreeMap::new();
                    e.insert("Name".to_string(), s(&mt.name));
                    e.insert("Email".to_string(), s(&mt.email));
                    e.insert("URL".to_string(), s(&mt.url));
                    Value::map(e)
                })
                .collect(),
        ),
    );
    m.insert("Icon".into(), s(&meta.icon));
    m.insert("APIVersion".into(), s(&meta.api_version));
    m.insert("Condition".into(), s(&meta.condition));
    m.insert("Tags".into(), s(&meta.tags));
    m.insert("AppVersion".into(), s(&meta.app_version));
    m.insert("Deprecated".into(), Value::Bool(meta.deprecated));
    m.insert(
        "Annotations".into(),
        Value::map(
            meta.annotations
                .iter()
                .map(|(k, v)| (k.clone(), s(v)))
                .collect(),
        ),
    );
    m.insert("KubeVersion".into(), s(&meta.kube_version));
    m.insert(
        "Dependencies".into(),
        Value::list(
            meta.dependencies
                .iter()
                .map(|d| {
                    let mut e = BTreeMap::new();
                    e.insert("Name".to_string(), s(&d.name));
                    e.insert("Version".to_string(), s(&d.version));
                    e.insert("Repository".to_string(), s(&d.repository));
                    e.insert("Condition".to_string(), s(&d.condition));
                    e.insert("Tags".to_string(), strings(&d.tags));
                    e.insert("Enabled".to_string(), Value::Bool(true));
                    e.insert("Alias".to_string(), s(&d.alias));
                    Value::map(e)
                })
                .collect(),
        ),
    );
    m.insert("Type".into(), s(&meta.chart_type));
    m.insert("IsRoot".into(), Value::Bool(is_root));
    Value::map(m)
}

/// The chart's `kubeVersion` constraint against the target version.
fn check_kube_version(meta: &Metadata, caps: &Capabilities) -> Result<(), RenderFailure> {
    if meta.kube_version.is_empty() {
        return Ok(());
    }
    match super::semver::constraint_allows(&meta.kube_version, &caps.kube_version.normalized) {
        Ok(true) => Ok(()),
        Ok(false) | Err(_) => Err(RenderFailure::plain(format!(
            "chart requires kubeVersion: {} which is incompatible with Kubernetes {}",
            meta.kube_version, caps.kube_version.normalized
        ))),
    }
}

#[cfg(test)]
mod tests;
