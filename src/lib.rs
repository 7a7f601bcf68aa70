//! harden: finds security-hardening mistakes in Kubernetes manifests, Helm
//! charts and Dockerfiles, offline, with the exact line and column of each.
//!
//! The pipeline: `discover` walks the paths, `engine` reads each file once
//! (through `yaml` into the `k8s` object model) and runs the enabled `checks`
//! on every object, in parallel across files; the findings are sorted, and a
//! `report` format prints them.

pub mod checks;
pub mod cli;
pub mod config;
pub mod discover;
pub mod dockerfile;
pub mod engine;
pub mod helm;
pub mod k8s;
pub mod report;
pub mod source;
pub mod yaml;

use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use engine::{FileStatus, Finding, Selection, Settings};

/// What to lint and how.
#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    pub paths: Vec<PathBuf>,
    /// The directory reported paths are relative to; the current directory by default.
    pub cwd: Option<PathBuf>,
    pub selection: Selection,
    pub settings: Settings,
    /// Worker threads; all cores when `None`.
    pub threads: Option<usize>,
    /// Rule parameters that replace those of the rule files, by rule id.
    pub rule_params: Vec<(String, serde_json::Value)>,
    /// Glob patterns of extra Dockerfile names (`*.docker`, `docker/*.build`).
    pub dockerfile_globs: Vec<String>,
    /// Directories of custom rule files.
    pub rules_dirs: Vec<PathBuf>,
    /// How Helm charts are rendered.
    pub helm: config::Helm,
    /// Paths not to check.
    pub exclude: Option<config::Exclude>,
    /// Severity overrides, exceptions and the baseline.
    pub filter: engine::Filter,
    /// A file read from standard input, checked besides `paths`.
    pub stdin: Option<StdinFile>,
    /// When not empty, only findings in these files (or below these
    /// directories) are reported; everything is still read, so rules that
    /// look across files see the whole tree.
    pub report_only: Vec<PathBuf>,
    /// Renders Helm charts; without one, charts get only the chart rules.
    pub renderer: Option<std::sync::Arc<dyn helm::lint::ChartRenderer>>,
    /// Values files (names in each chart, or paths), each rendered as its
    /// own values set over the chart defaults.
    pub values: Vec<PathBuf>,
    /// Leave out findings in dependencies vendored under a chart's `charts/`.
    pub exclude_subcharts: bool,
    /// Read, parse and model every file but run no rule (a benchmark floor).
    pub parse_only: bool,
}

/// A file that does not come from disk: its name says its kind (manifest or
/// Dockerfile) and is the path findings show.
#[derive(Clone, Debug, Default)]
pub struct StdinFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The outcome of a lint run.
#[derive(Debug)]
pub struct LintResult {
    /// The rules of this run (built-in and custom); findings index into it.
    pub registry: Arc<engine::Registry>,
    /// Sorted by path, line, column and rule: the same bytes on every run.
    pub findings: Vec<Finding>,
    /// Every file considered, with what became of it, sorted by path.
    pub files: Vec<(String, FileStatus)>,
    /// One flag per registry rule.
    pub enabled: Vec<bool>,
    /// The directory paths are relative to.
    pub root: PathBuf,
    /// Paths that could not be walked.
    pub errors: Vec<String>,
    /// What verbose output adds, sorted: expression rules that could not be
    /// evaluated on an object (they did not fire there).
    pub notes: Vec<String>,
    /// Findings left out because a comment, annotation or exception covers them.
    pub suppressed: usize,
    /// Findings left out because the baseline holds them.
    pub baselined: usize,
}

impl LintResult {
    pub fn files_checked(&self) -> usize {
        self.files
            .iter()
            .filter(|(_, s)| matches!(s, FileStatus::Checked { .. } | FileStatus::Invalid))
            .count()
    }
}

/// Lints files and directories: the library entry that the CLI and tests call.
pub fn lint_paths(options: &LintOptions) -> Result<LintResult, String> {
    let shared = engine::Registry::for_run(&options.rules_dirs, &options.rule_params)?;
    let registry = shared.as_ref();
    let unknown = options.selection.unknown(registry);
    if !unknown.is_empty() {
        return Err(format!("unknown rule or tag: {}", unknown.join(", ")));
    }
    let enabled = if options.parse_only {
        vec![false; registry.rules.len()]
    } else {
        options.selection.enabled(registry)
    };
    let cwd = match &options.cwd {
        Some(cwd) => cwd.clone(),
        None => std::env::current_dir().map_err(|e| format!("current directory: {e}"))?,
    };
    let paths = if options.paths.is_empty() && options.stdin.is_none() {
        vec![PathBuf::from(".")]
    } else {
        options.paths.clone()
    };
    let mut globs = globset::GlobSetBuilder::new();
    for pattern in &options.dockerfile_globs {
        let glob = globset::Glob::new(pattern)
            .map_err(|e| format!("invalid Dockerfile glob `{pattern}`: {e}"))?;
        globs.add(glob);
    }
    let globs = globs
        .build()
        .map_err(|e| format!("invalid Dockerfile globs: {e}"))?;
    let mut discovered = discover::discover(&paths, &cwd, &globs);
    if let Some(exclude) = &options.exclude {
        exclude.apply(&mut discovered, &cwd);
    }
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(threads) = options.threads {
        builder = builder.num_threads(threads.max(1));
    }
    let pool = builder
        .build()
        .map_err(|e| format!("cannot start worker threads: {e}"))?;
    let mut outcomes: Vec<engine::FileOutcome> = pool.install(|| {
        discovered
            .files
            .par_iter()
            .map(|candidate| {
                if candidate.kind == discover::FileKind::Chart {
                    let charts = engine::ChartSettings {
                        renderer: options.renderer.as_deref(),
                        values_sets: &options.values,
                        exclude_subcharts: options.exclude_subcharts,
                        helm: Some(&options.helm),
                    };
                    return engine::lint_chart(
                        &candidate.path,
                        &candidate.display,
                        registry,
                        &enabled,
                        &options.settings,
                        &charts,
                    );
                }
                let source = engine::read_source(&candidate.path, &candidate.display);
                lint_read(
                    source,
                    candidate.kind,
                    registry,
                    &enabled,
                    &options.settings,
                )
            })
            .collect()
    });
    if let Some(stdin) = &options.stdin {
        outcomes.push(lint_stdin(
            stdin,
            &globs,
            &cwd,
            registry,
            &enabled,
            &options.settings,
        ));
    }
    let mut findings = Vec::new();
    let mut facts = engine::Facts::default();
    let mut records: Vec<Vec<checks::Record>> = registry.rules.iter().map(|_| Vec::new()).collect();
    let mut files = Vec::with_capacity(outcomes.len() + discovered.skipped.len());
    let mut notes = Vec::new();
    let mut suppressions = Vec::new();
    let mut renders = Vec::new();
    for outcome in outcomes {
        renders.extend(outcome.renders);
        notes.extend(outcome.notes);
        findings.extend(outcome.findings);
        suppressions.extend(outcome.suppressions);
        facts.extend(outcome.facts);
        for (rule, record) in outcome.records {
            records[rule].push(record);
        }
        files.push((outcome.path, outcome.status));
    }
    for (index, rule) in registry.rules.iter().enumerate() {
        if enabled[index] && rule.check.needs_set() {
            let mut cx = engine::SetCx {
                settings: &options.settings,
                rule: index,
                rule_id: &rule.id,
                severity: rule.spec.severity,
                findings: &mut findings,
            };
            rule.check.check_set(&mut cx, &records[index]);
        }
    }
    remap_rendered(&mut findings, &renders, options.exclude_subcharts);
    findings.retain(|f| !f.unless.as_ref().is_some_and(|c| facts.holds(c)));
    let roots: Vec<PathBuf> = paths
        .iter()
        .map(|p| engine::suppress::normalize(&cwd.join(p)))
        .collect();
    let run = engine::suppress::Run {
        registry,
        enabled: &enabled,
        cwd: &cwd,
        roots: &roots,
        today: engine::suppress::Date::today(),
    };
    let before = findings.len();
    let unused = engine::suppress::apply(
        &mut findings,
        &suppressions,
        &options.filter.exceptions,
        &run,
    );
    let suppressed = before - findings.len();
    findings.extend(unused);
    options.filter.override_severity(registry, &mut findings);
    files.extend(
        discovered
            .skipped
            .into_iter()
            .map(|s| (s.display, FileStatus::Skipped(s.reason))),
    );
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut focus: Vec<String> = options
        .report_only
        .iter()
        .map(|p| discover::focus_path(p, &cwd))
        .collect();
    if !discovered.focus.is_empty() {
        focus.extend(discovered.focus);
        // Standard input is named on the command line too.
        if let Some(stdin) = &options.stdin {
            focus.push(
                stdin
                    .name
                    .strip_prefix("./")
                    .unwrap_or(&stdin.name)
                    .to_string(),
            );
        }
    }
    if !focus.is_empty() {
        findings.retain(|f| in_focus(&f.file.path, &focus));
    }
    sort_findings(&mut findings);
    notes.sort();
    let baselined = match &options.filter.baseline {
        Some(baseline) => baseline.filter(&mut findings),
        None => 0,
    };
    Ok(LintResult {
        registry: Arc::clone(&shared),
        findings,
        files,
        enabled,
        root: cwd,
        errors: discovered.errors,
        notes,
        suppressed,
        baselined,
    })
}

/// Set rules report on the rendered text of charts: move those findings to
/// the template and values lines as the per-object findings were.
fn remap_rendered(
    findings: &mut Vec<Finding>,
    renders: &[std::sync::Arc<helm::lint::RenderMap>],
    exclude_subcharts: bool,
) {
    if renders.is_empty() {
        return;
    }
    let by_file: std::collections::HashMap<*const source::SourceFile, &helm::lint::RenderMap> =
        renders
            .iter()
            .map(|m| (std::sync::Arc::as_ptr(&m.rendered), m.as_ref()))
            .collect();
    findings.retain_mut(|finding| {
        let Some(map) = by_file.get(&std::sync::Arc::as_ptr(&finding.file)) else {
            return true;
        };
        map.remap(finding);
        !(exclude_subcharts && map.in_subchart)
    });
}

/// Lints the file read from standard input, as the kind its name says. A
/// name inside a Helm chart is a chart file, which only the chart's
/// rendering can check: it is skipped.
fn lint_stdin(
    stdin: &StdinFile,
    globs: &globset::GlobSet,
    cwd: &std::path::Path,
    registry: &engine::Registry,
    enabled: &[bool],
    settings: &Settings,
) -> engine::FileOutcome {
    let display = stdin.name.strip_prefix("./").unwrap_or(&stdin.name);
    if display != "-" && discover::chart_root(&cwd.join(display), cwd).is_some() {
        return engine::FileOutcome {
            path: display.to_string(),
            status: FileStatus::Skipped(
                "file of a Helm chart: a chart is checked from its directory, not from standard input".into(),
            ),
            findings: Vec::new(),
            facts: engine::Facts::default(),
            records: Vec::new(),
            suppressions: Vec::new(),
            renders: Vec::new(),
            notes: Vec::new(),
        };
    }
    let name = display.rsplit(['/', '\\']).next().unwrap_or(display);
    let kind = if globs.is_match(name) || globs.is_match(display) {
        discover::FileKind::Dockerfile
    } else {
        discover::classify(name)
    };
    let source = engine::source_from_bytes(stdin.bytes.clone(), display);
    lint_read(source, kind, registry, enabled, settings)
}

/// Whether a finding's path is one of the focus paths or lies below one.
fn in_focus(path: &str, focus: &[String]) -> bool {
    focus.iter().any(|f| {
        f == "."
            || path == f
            || path
                .strip_prefix(f.as_str())
                .is_some_and(|r| r.starts_with('/'))
    })
}

fn lint_read(
    source: Result<std::sync::Arc<source::SourceFile>, engine::Unreadable>,
    kind: discover::FileKind,
    registry: &engine::Registry,
    enabled: &[bool],
    settings: &Settings,
) -> engine::FileOutcome {
    match source {
        Ok(file) => match kind {
            discover::FileKind::Dockerfile => {
                engine::lint_dockerfile(&file, registry, enabled, settings)
            }
            discover::FileKind::Values => engine::lint_values(&file, registry, enabled, settings),
            _ => engine::lint_source(&file, registry, enabled, settings),
        },
        Err(unreadable) => {
            let mut findings = Vec::new();
            if registry
                .index_of("invalid-input")
                .is_some_and(|r| enabled[r])
            {
                findings.push(engine::input_finding(
                    registry,
                    &unreadable.file,
                    unreadable.offset,
                    unreadable.message,
                ));
            }
            engine::FileOutcome {
                path: unreadable.file.path.clone(),
                status: FileStatus::Invalid,
                findings,
                facts: engine::Facts::default(),
                records: Vec::new(),
                notes: Vec::new(),
                suppressions: Vec::new(),
                renders: Vec::new(),
            }
        }
    }
}

/// The one order every report uses.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (
            a.file.path.as_str(),
            a.span.start,
            a.span.end,
            a.rule_id(),
            &a.message,
        )
            .cmp(&(
                b.file.path.as_str(),
                b.span.start,
                b.span.end,
                b.rule_id(),
                &b.message,
            ))
    });
}
