//! Checking one Helm chart: the chart rules on its own files (and on every
//! dependency vendored under `charts/`), then, when a renderer is given, the
//! Kubernetes rules on its rendered output, once per values set, with each
//! finding moved back to the template line and the values line.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::finding::{Finding, SetCx, Settings};
use super::run::{FileOutcome, FileStatus, input_finding, lint_source};
use super::{Facts, Registry, Target};
use crate::helm::lint::{
    ChartFiles, ChartRenderer, RenderError, RenderMap, RenderRequest, RenderedChart, path_in_chart,
};
use crate::source::{SourceFile, Span};
use crate::yaml::{Limits, parse_stream};

/// How charts are linted.
#[derive(Clone, Copy, Debug, Default)]
pub struct ChartSettings<'a> {
    /// Renders charts; without one only the chart rules run.
    pub renderer: Option<&'a dyn ChartRenderer>,
    /// Extra values sets: each names one values file (looked up in the
    /// chart directory, then as a path) rendered over the chart defaults.
    pub values_sets: &'a [PathBuf],
    /// Leave out findings in dependencies vendored under `charts/`.
    pub exclude_subcharts: bool,
    /// The configuration's Helm settings: values sets, release and version per chart.
    pub helm: Option<&'a crate::config::Helm>,
}

/// Lints the chart in `dir`.
pub fn lint_chart(
    dir: &Path,
    display: &str,
    registry: &Registry,
    enabled: &[bool],
    settings: &Settings,
    charts: &ChartSettings<'_>,
) -> FileOutcome {
    let chart = ChartFiles::load(dir, display);
    let mut findings = Vec::new();
    let invalid_input = registry.index_of("invalid-input").filter(|&r| enabled[r]);
    if invalid_input.is_some() {
        input_findings(registry, &chart, &mut findings);
    }
    for (index, rule) in registry.rules.iter().enumerate() {
        if !enabled[index] || rule.spec.target != Target::Chart {
            continue;
        }
        let mut cx = SetCx {
            settings,
            rule: index,
            rule_id: &rule.id,
            severity: rule.spec.severity,
            findings: &mut findings,
        };
        for part in chart.all() {
            rule.check.check_chart(&mut cx, part);
        }
    }
    // `# harden:ignore` in templates and values files: rendered findings are
    // moved to template lines before suppressions apply, so a comment on or
    // above a template line covers what that line renders.
    let suppressions = chart
        .all()
        .into_iter()
        .flat_map(|part| {
            part.templates
                .iter()
                .chain(part.values.iter().map(|v| &v.file))
                .flat_map(super::suppress::inline_comments)
                .collect::<Vec<_>>()
        })
        .collect();
    let mut outcome = FileOutcome {
        path: display.to_string(),
        status: FileStatus::Checked { objects: 0 },
        findings: Vec::new(),
        facts: Facts::default(),
        records: Vec::new(),
        suppressions,
        renders: Vec::new(),
        notes: Vec::new(),
    };
    if let Some(renderer) = charts.renderer {
        render_and_lint(
            &chart,
            renderer,
            registry,
            enabled,
            settings,
            charts,
            &mut findings,
            &mut outcome,
        );
    } else if let Some(rule) = registry
        .index_of("helm-render-error")
        .filter(|&r| enabled[r])
    {
        // Without a renderer, still say when Helm could not even load the chart.
        for (file, span, message) in load_errors(&chart) {
            let mut finding = render_error_finding(
                &chart,
                &HashMap::new(),
                registry,
                rule,
                &RenderError {
                    message,
                    template: None,
                    line: 0,
                    col: 0,
                },
                None,
            );
            finding.file = file;
            finding.span = span;
            findings.push(finding);
        }
    }
    if charts.exclude_subcharts {
        findings.retain(|f| !in_subchart(&chart, &f.file.path));
    } else {
        attribute_subcharts(&chart, registry, enabled, settings, &mut findings);
    }
    outcome.findings = findings;
    outcome
}

/// What stops Helm from loading a chart, found without rendering: a
/// `Chart.yaml` or `values.yaml` that is not YAML, and the metadata Helm
/// requires (`apiVersion`, `name`, `version`).
fn load_errors(chart: &ChartFiles) -> Vec<(Arc<SourceFile>, Span, String)> {
    let mut out = Vec::new();
    let Some(chart_yaml) = &chart.chart_yaml else {
        return out;
    };
    let at = |offset: u32| Span::new(offset, offset);
    if let Some(error) = &chart_yaml.error {
        out.push((
            Arc::clone(&chart_yaml.file),
            at(error.offset),
            format!("cannot load Chart.yaml: {}", error.message),
        ));
        return out;
    }
    match chart_yaml.root() {
        None => out.push((
            Arc::clone(&chart_yaml.file),
            at(0),
            "cannot load Chart.yaml: it is not a mapping".to_string(),
        )),
        Some(root) => {
            for field in ["apiVersion", "name", "version"] {
                if root.get(field).and_then(|v| v.as_text()).is_none() {
                    out.push((
                        Arc::clone(&chart_yaml.file),
                        Span::new(root.span().start, root.span().start),
                        format!("validation: chart.metadata.{field} is required"),
                    ));
                }
            }
        }
    }
    if let Some(values) = chart.values.first()
        && chart.relative(&values.file) == "values.yaml"
        && let Some(error) = &values.error
    {
        out.push((
            Arc::clone(&values.file),
            at(error.offset),
            format!("cannot load values.yaml: {}", error.message),
        ));
    }
    out
}

/// Unreadable files and YAML errors of `Chart.yaml`, `Chart.lock` and the
/// values files, as `invalid-input`.
fn input_findings(registry: &Registry, chart: &ChartFiles, findings: &mut Vec<Finding>) {
    for part in chart.all() {
        for unreadable in &part.unreadable {
            findings.push(input_finding(
                registry,
                &unreadable.file,
                unreadable.offset,
                unreadable.message.clone(),
            ));
        }
        let files = [&part.chart_yaml, &part.chart_lock, &part.requirements]
            .into_iter()
            .flatten()
            .chain(&part.values);
        for file in files {
            if let Some(error) = &file.error {
                findings.push(input_finding(
                    registry,
                    &file.file,
                    error.offset,
                    format!("invalid YAML: {}", error.message),
                ));
            }
        }
    }
}

/// True when `path` lies in a dependency vendored in `chart`.
fn in_subchart(chart: &ChartFiles, path: &str) -> bool {
    let prefix = if chart.display.is_empty() || chart.display == "." {
        "charts/".to_string()
    } else {
        format!("{}/charts/", chart.display)
    };
    path.starts_with(&prefix)
}

/// One values set: its label and the user values files.
struct ValuesSet {
    label: String,
    files: Vec<PathBuf>,
}

/// The chart's settings in the configuration file.
fn configured(chart: &ChartFiles, charts: &ChartSettings<'_>) -> crate::config::HelmChart {
    let dir = std::path::absolute(&chart.dir).unwrap_or_else(|_| chart.dir.clone());
    charts.helm.map(|h| h.chart(&dir)).unwrap_or_default()
}

fn values_sets(chart: &ChartFiles, charts: &ChartSettings<'_>) -> Vec<ValuesSet> {
    let mut sets = vec![ValuesSet {
        label: "values.yaml".into(),
        files: Vec::new(),
    }];
    let from_config = configured(chart, charts).values;
    for named in charts.values_sets.iter().chain(&from_config) {
        let in_chart = chart.dir.join(named);
        let path = if in_chart.is_file() {
            in_chart
        } else if named.is_file() {
            named.clone()
        } else {
            continue;
        };
        if path.file_name().is_some_and(|n| n == "values.yaml") && path.starts_with(&chart.dir) {
            continue;
        }
        if sets.iter().any(|s| s.files.first() == Some(&path)) {
            continue;
        }
        let label = match path.strip_prefix(&chart.dir) {
            Ok(inside) if from_config.contains(named) => {
                inside.to_string_lossy().replace('\\', "/")
            }
            _ => named.to_string_lossy().replace('\\', "/"),
        };
        sets.push(ValuesSet {
            label,
            files: vec![path],
        });
    }
    sets
}

#[allow(clippy::too_many_arguments)]
fn render_and_lint(
    chart: &ChartFiles,
    renderer: &dyn ChartRenderer,
    registry: &Registry,
    enabled: &[bool],
    settings: &Settings,
    charts: &ChartSettings<'_>,
    findings: &mut Vec<Finding>,
    outcome: &mut FileOutcome,
) {
    let sets = values_sets(chart, charts);
    let several = sets.len() > 1;
    let own = configured(chart, charts);
    let templates: Arc<HashMap<String, Arc<SourceFile>>> = Arc::new(template_sources(chart));
    let render_error = registry
        .index_of("helm-render-error")
        .filter(|&r| enabled[r]);
    let test_scope = registry
        .index_of("helm-test-hook-scope")
        .is_some_and(|r| enabled[r]);
    let mut rendered_findings: Vec<Finding> = Vec::new();
    let mut objects = 0;
    for (set_index, set) in sets.iter().enumerate() {
        let label = several.then(|| set.label.clone());
        let request = RenderRequest {
            chart_dir: &chart.dir,
            values_files: &set.files,
            release_name: own.release_name.as_deref().unwrap_or("release-name"),
            namespace: own.namespace.as_deref().unwrap_or("default"),
            kube_version: own
                .kube_version
                .unwrap_or(settings.kube_version)
                .to_string(),
        };
        let rendered = match renderer.render(&request) {
            Ok(rendered) => rendered,
            Err(error) => {
                if let Some(rule) = render_error {
                    rendered_findings.push(render_error_finding(
                        chart,
                        &templates,
                        registry,
                        rule,
                        &error,
                        label.as_deref(),
                    ));
                }
                continue;
            }
        };
        let origins = Arc::new(resolve_origins(chart, &rendered));
        // Helm splits each template's output into documents before it parses
        // any (`---# comment` separates too); so does the lint, one rendered
        // file per document.
        let documents = rendered.templates.iter().flat_map(|template| {
            split_manifests(&template.text)
                .into_iter()
                .map(move |piece| (template, piece))
        });
        for (template, (from, to)) in documents {
            let text = &template.text[from as usize..to as usize];
            if text.trim().is_empty() {
                continue;
            }
            let shown = template_display(chart, &templates, &template.name);
            let file = Arc::new(SourceFile::new(shown, text));
            let spans = template
                .spans
                .iter()
                .filter(|s| s.end > from && s.start < to)
                .map(|s| {
                    let start = s.start.max(from);
                    let mut piece = s.clone();
                    piece.offset += start - s.start;
                    piece.start = start - from;
                    piece.end = s.end.min(to) - from;
                    piece
                })
                .collect();
            let map = Arc::new(RenderMap {
                rendered: Arc::clone(&file),
                spans,
                templates: Arc::clone(&templates),
                origins: Arc::clone(&origins),
                values_set: label.clone(),
                in_subchart: path_in_chart(&template.name).starts_with("charts/"),
            });
            let test_spans = if test_scope {
                test_documents(&file, template.is_test)
            } else {
                Vec::new()
            };
            let result = lint_source(&file, registry, enabled, settings);
            if let FileStatus::Checked { objects: n } = result.status
                && set_index == 0
            {
                objects += n;
            }
            for mut finding in result.findings {
                if test_spans
                    .iter()
                    .any(|s| s.start <= finding.span.start && finding.span.start <= s.end)
                {
                    continue;
                }
                if registry.rules[finding.rule].spec.id == "invalid-input" {
                    // Rendered text that is not YAML is the chart's error.
                    let Some(rule) = render_error else {
                        continue;
                    };
                    finding.rule = rule;
                    finding.severity = registry.rules[rule].spec.severity;
                    finding.message = format!(
                        "{} renders to invalid YAML: {}",
                        path_in_chart(&template.name),
                        finding.message
                    );
                }
                map.remap(&mut finding);
                rendered_findings.push(finding);
            }
            // The set rules see one render of each chart: the chart defaults.
            if set_index == 0 {
                outcome.facts.extend(result.facts);
                outcome.records.extend(result.records);
                outcome.renders.push(map);
            }
        }
    }
    merge_values_sets(&mut rendered_findings);
    findings.extend(rendered_findings);
    outcome.status = FileStatus::Checked { objects };
}

/// The documents of a rendered template as Helm's `SplitManifests` finds
/// them (a `---` at the start of a line, with the whitespace around it, ends
/// one document), as byte ranges.
fn split_manifests(text: &str) -> Vec<(u32, u32)> {
    let bytes = text.as_bytes();
    let mut pieces = Vec::new();
    let mut start = 0usize;
    let mut line = 0usize;
    while line < bytes.len() {
        let next = text[line..]
            .find('\n')
            .map_or(bytes.len(), |i| line + i + 1);
        if text[line..].starts_with("---") {
            // The separator takes the whitespace before it, back to a newline.
            let mut end = line;
            while end > start && bytes[end - 1].is_ascii_whitespace() {
                end -= 1;
            }
            pieces.push((start as u32, end as u32));
            let mut after = line + 3;
            while after < bytes.len() && bytes[after].is_ascii_whitespace() {
                after += 1;
            }
            start = after;
            // A separator may be followed by text on its own line (`---# x`).
            line = if after == 0 || bytes[after - 1] == b'\n' {
                after
            } else {
                text[after..]
                    .find('\n')
                    .map_or(bytes.len(), |i| after + i + 1)
            };
            continue;
        }
        line = next;
    }
    pieces.push((start as u32, bytes.len() as u32));
    pieces.retain(|(a, b)| b > a);
    pieces
}

/// Template sources of the chart and its vendored dependencies, by the
/// names the renderer gives them: the chart's name, then `charts/<name>` for
/// each dependency (by chart name, as Helm names them), then the path in the
/// chart (`mychart/charts/redis/templates/x.yaml`).
fn template_sources(chart: &ChartFiles) -> HashMap<String, Arc<SourceFile>> {
    let mut out = HashMap::new();
    let mut pending = vec![(chart, chart.name())];
    while let Some((part, full)) = pending.pop() {
        for template in &part.templates {
            out.insert(
                format!("{full}/{}", part.relative(template)),
                Arc::clone(template),
            );
        }
        for sub in &part.subcharts {
            pending.push((sub, format!("{full}/charts/{}", sub.name())));
        }
    }
    out
}

/// The path reports give a rendered template: the template file's path.
fn template_display(
    chart: &ChartFiles,
    templates: &HashMap<String, Arc<SourceFile>>,
    name: &str,
) -> String {
    if let Some(file) = templates.get(name) {
        return file.path.clone();
    }
    let relative = path_in_chart(name);
    if chart.display.is_empty() || chart.display == "." {
        relative.to_string()
    } else {
        format!("{}/{relative}", chart.display)
    }
}

/// Each origin's values file (read once) and span.
fn resolve_origins(
    chart: &ChartFiles,
    rendered: &RenderedChart,
) -> Vec<crate::helm::lint::ValuesNode> {
    let mut files: BTreeMap<PathBuf, Option<Arc<SourceFile>>> = BTreeMap::new();
    for part in chart.all() {
        for values in &part.values {
            let relative = part.relative(&values.file).to_string();
            files.insert(
                normalize(&part.dir.join(relative)),
                Some(Arc::clone(&values.file)),
            );
        }
    }
    rendered
        .origins
        .iter()
        .map(|origin| {
            let key = normalize(&origin.path);
            let file = files
                .entry(key.clone())
                .or_insert_with(|| {
                    let display = key.to_string_lossy().replace('\\', "/");
                    super::read_source(&key, &display).ok()
                })
                .clone()?;
            Some((file, origin.span))
        })
        .collect()
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The spans of documents in a rendered template that are Helm test hooks:
/// every document of a template under `templates/tests/`, and documents
/// annotated `helm.sh/hook: test` (or the Helm 2 `test-success` and
/// `test-failure`).
fn test_documents(file: &Arc<SourceFile>, is_test: bool) -> Vec<Span> {
    let parsed = parse_stream(&file.text, &Limits::default());
    parsed
        .documents
        .iter()
        .filter(|document| {
            is_test
                || crate::k8s::Object::all_in(document)
                    .iter()
                    .any(|o| crate::checks::is_test_hook(o))
        })
        .map(|d| d.span)
        .collect()
}

/// A finding of every values set that produced it once, naming all of them.
fn merge_values_sets(findings: &mut Vec<Finding>) {
    let mut merged: Vec<Finding> = Vec::with_capacity(findings.len());
    let mut seen: HashMap<(usize, String, Span, String), usize> = HashMap::new();
    for finding in findings.drain(..) {
        let (base, set) = match finding.message.rsplit_once(" (values: ") {
            Some((base, set)) => (base.to_string(), set.trim_end_matches(')').to_string()),
            None => (finding.message.clone(), String::new()),
        };
        let key = (
            finding.rule,
            finding.file.path.clone(),
            finding.span,
            base.clone(),
        );
        match seen.get(&key) {
            Some(&index) if !set.is_empty() => {
                let earlier = &mut merged[index];
                earlier.message = format!("{}, {set})", earlier.message.trim_end_matches(')'));
            }
            Some(_) => {}
            None => {
                seen.insert(key, merged.len());
                merged.push(finding);
            }
        }
    }
    *findings = merged;
}

/// `helm-render-error` at the template line Helm's message names, else at
/// `Chart.yaml`.
fn render_error_finding(
    chart: &ChartFiles,
    templates: &HashMap<String, Arc<SourceFile>>,
    registry: &Registry,
    rule: usize,
    error: &RenderError,
    values_set: Option<&str>,
) -> Finding {
    let located = error.template.as_ref().and_then(|name| {
        let file = templates.get(name)?;
        let line = (error.line as usize).saturating_sub(1);
        if line >= file.lines.line_count() {
            return Some((Arc::clone(file), Span::empty(0)));
        }
        let start = file.lines.line_start(line);
        let line_text = &file.text[start as usize..];
        let line_len = line_text.find('\n').unwrap_or(line_text.len()) as u32;
        let column = error.col.saturating_sub(1).min(line_len);
        Some((
            Arc::clone(file),
            Span::new(start + column, start + line_len.max(column)),
        ))
    });
    let (file, span) = located.unwrap_or_else(|| {
        let file = chart
            .chart_yaml
            .as_ref()
            .map(|c| Arc::clone(&c.file))
            .unwrap_or_else(|| {
                Arc::new(SourceFile::new(format!("{}/Chart.yaml", chart.display), ""))
            });
        (file, Span::empty(0))
    });
    let mut message = format!(
        "chart \"{}\" does not render: {}",
        chart.name(),
        error.message
    );
    if let Some(set) = values_set {
        message = format!("{message} (values: {set})");
    }
    Finding {
        rule,
        rule_id: Arc::clone(&registry.rules[rule].id),
        severity: registry.rules[rule].spec.severity,
        file,
        span,
        message,
        labels: Vec::new(),
        related: Vec::new(),
        object: None,
        path: String::new(),
        unless: None,
    }
}

/// `helm-subchart-attribution`: one finding per vendored dependency that
/// has findings, at its entry in the parent's dependency list (or its own
/// `Chart.yaml`), saying how many come from it.
fn attribute_subcharts(
    chart: &ChartFiles,
    registry: &Registry,
    enabled: &[bool],
    settings: &Settings,
    findings: &mut Vec<Finding>,
) {
    let Some(rule) = registry
        .index_of("helm-subchart-attribution")
        .filter(|&r| enabled[r])
    else {
        return;
    };
    let mut notes = Vec::new();
    for sub in chart.all().into_iter().skip(1) {
        let prefix = format!("{}/", sub.display);
        let count = findings
            .iter()
            .filter(|f| f.file.path.starts_with(&prefix))
            .count();
        let Some(directory) = &sub.dependency else {
            continue;
        };
        let (file, span) =
            crate::checks::dependency_entry(chart, &sub.name()).unwrap_or_else(|| {
                match &sub.chart_yaml {
                    Some(yaml) => (Arc::clone(&yaml.file), Span::empty(0)),
                    None => (
                        Arc::new(SourceFile::new(format!("{}/Chart.yaml", sub.display), "")),
                        Span::empty(0),
                    ),
                }
            });
        notes.push((file, span, sub.name(), format!("charts/{directory}"), count));
    }
    let mut cx = SetCx {
        settings,
        rule,
        rule_id: &registry.rules[rule].id,
        severity: registry.rules[rule].spec.severity,
        findings,
    };
    for (file, span, name, display, count) in notes {
        let message = match count {
            0 => format!(
                "{display}/ is the vendored dependency \"{name}\"; its findings are attributed to it"
            ),
            1 => {
                format!("1 finding under {display}/ comes from the vendored dependency \"{name}\"")
            }
            n => format!(
                "{n} findings under {display}/ come from the vendored dependency \"{name}\""
            ),
        };
        cx.report(&file, span, None, message);
    }
}

/// Checks a values file that sits under `helm/` without its chart with the
/// chart rules that read values files.
pub fn lint_values(
    file: &Arc<SourceFile>,
    registry: &Registry,
    enabled: &[bool],
    settings: &Settings,
) -> FileOutcome {
    let chart = ChartFiles::loose_values(Arc::clone(file));
    let mut findings = Vec::new();
    if registry
        .index_of("invalid-input")
        .is_some_and(|r| enabled[r])
    {
        input_findings(registry, &chart, &mut findings);
    }
    for (index, rule) in registry.rules.iter().enumerate() {
        if !enabled[index] || rule.spec.target != Target::Chart {
            continue;
        }
        let mut cx = SetCx {
            settings,
            rule: index,
            rule_id: &rule.id,
            severity: rule.spec.severity,
            findings: &mut findings,
        };
        rule.check.check_chart(&mut cx, &chart);
    }
    let status = if chart
        .values
        .iter()
        .any(|v| v.document.is_none() && v.error.is_some())
    {
        FileStatus::Invalid
    } else {
        FileStatus::Checked { objects: 0 }
    };
    FileOutcome {
        path: file.path.clone(),
        status,
        findings,
        facts: Facts::default(),
        records: Vec::new(),
        suppressions: Vec::new(),
        renders: Vec::new(),
        notes: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::split_manifests;

    fn pieces(text: &str) -> Vec<&str> {
        split_manifests(text)
            .into_iter()
            .map(|(a, b)| &text[a as usize..b as usize])
            .collect()
    }

    #[test]
    fn documents_split_as_helm_splits_them() {
        assert_eq!(pieces("a: 1\n---\nb: 2\n"), ["a: 1", "b: 2\n"]);
        assert_eq!(
            pieces("---\na: 1\n---# note\nb: 2"),
            ["a: 1", "# note\nb: 2"]
        );
        assert_eq!(
            pieces("a: 1\n  \n---\n\n---\nb: |\n  ---\n"),
            ["a: 1", "b: |\n  ---\n"]
        );
        assert!(pieces("").is_empty());
    }
}
