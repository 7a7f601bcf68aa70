//! Every rule is tested by its fixtures: `testdata/rules/<rule>/fire*.yaml`
//! must produce findings of that rule (at least one in every document that
//! holds an object), `dont-fire*.yaml` must produce none, and the human
//! output of the firing fixtures is a reviewed snapshot. Dockerfile rules
//! use `fire*.Dockerfile` and `dont-fire*.Dockerfile` the same way (every
//! firing file must fire).
//!
//! A fixture whose first line is `# kube-version: 1.30` is linted for that
//! Kubernetes version; one whose first line is `# params: {"key": …}` is
//! linted with those parameters merged over the rule file's. A document of a firing fixture that holds a line
//! starting with `# context:` only supports the cases around it (a
//! ServiceAccount that a pod refers to) and need not fire.

use std::path::{Path, PathBuf};

use harden::engine::{self, KubeVersion, Selection, Settings, Target};
use harden::report::{Format, Report};
use harden::{LintOptions, lint_paths};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures(rule: &str, prefix: &str) -> Vec<PathBuf> {
    let dir = root().join("testdata/rules").join(rule);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    let name = p.file_name().unwrap().to_string_lossy();
                    let rest = &name[prefix.len().min(name.len())..];
                    // `fire*` must not pick up `dont-fire*`.
                    name.starts_with(prefix)
                        && (rest.is_empty() || rest.starts_with(['.', '-']))
                        && [".yaml", ".yml", ".json", ".Dockerfile"]
                            .iter()
                            .any(|ext| name.ends_with(ext))
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn kube_version(path: &Path) -> KubeVersion {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .next()
        .and_then(|l| l.strip_prefix("# kube-version:"))
        .and_then(|v| KubeVersion::parse(v.trim()))
        .unwrap_or(KubeVersion::LATEST)
}

/// `# params: {…}` on the first line: parameters merged over the rule file's.
fn params(path: &Path) -> Option<serde_json::Value> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let json = text.lines().next()?.strip_prefix("# params:")?;
    Some(serde_json::from_str(json.trim()).expect("valid JSON after `# params:`"))
}

fn lint_alone(rule: &str, path: &Path) -> harden::LintResult {
    let options = LintOptions {
        paths: vec![path.to_path_buf()],
        cwd: Some(root()),
        selection: Selection {
            select: vec![rule.to_string()],
            ..Selection::default()
        },
        settings: Settings {
            kube_version: kube_version(path),
        },
        threads: Some(1),
        rule_params: params(path)
            .map(|p| vec![(rule.to_string(), p)])
            .unwrap_or_default(),
        ..LintOptions::default()
    };
    lint_paths(&options).expect("lint runs")
}

#[test]
fn every_rule_has_both_fixtures() {
    let mut missing = Vec::new();
    for rule in &engine::registry().rules {
        let id = &rule.spec.id;
        if fixtures(id, "fire").is_empty() {
            missing.push(format!("{id}: no fire*.yaml"));
        }
        if fixtures(id, "dont-fire").is_empty() {
            missing.push(format!("{id}: no dont-fire*.yaml"));
        }
    }
    assert!(
        missing.is_empty(),
        "missing fixtures:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_rule_has_complete_docs() {
    for rule in &engine::registry().rules {
        let s = &rule.spec;
        for (section, text) in [
            ("summary", &s.summary),
            ("what", &s.docs.what),
            ("why", &s.docs.why),
            ("example", &s.docs.example),
            ("fix", &s.docs.fix),
        ] {
            assert!(
                !text.trim().is_empty(),
                "{}: empty docs section `{section}`",
                s.id
            );
        }
        assert!(!s.docs.references.is_empty(), "{}: no references", s.id);
        assert!(!s.tags.is_empty(), "{}: no tags", s.id);
    }
}

#[test]
fn fixtures_fire_and_dont_fire() {
    let registry = engine::registry();
    let mut failures = Vec::new();
    for rule in &registry.rules {
        let id = rule.spec.id.as_str();
        let mut snapshot = String::new();
        for path in fixtures(id, "fire") {
            let result = lint_alone(id, &path);
            let ours: Vec<_> = result
                .findings
                .iter()
                .filter(|f| f.rule_id() == id)
                .collect();
            if ours.is_empty() {
                failures.push(format!("{id}: {} fires nothing", path.display()));
            }
            let is_yaml = !path.to_string_lossy().ends_with(".Dockerfile");
            if rule.spec.target != Target::File && is_yaml {
                // Every document that holds an object must be a case that fires.
                let text = std::fs::read_to_string(&path).unwrap();
                let src: std::sync::Arc<str> = text.as_str().into();
                let parsed = harden::yaml::parse_stream(&src, &Default::default());
                for document in &parsed.documents {
                    if harden::k8s::Object::all_in(document).is_empty() {
                        continue;
                    }
                    let body = &text[document.span.start as usize..document.span.end as usize];
                    if body
                        .lines()
                        .any(|l| l.trim_start().starts_with("# context:"))
                    {
                        continue;
                    }
                    let span = document.span;
                    let hit = ours
                        .iter()
                        .any(|f| f.span.start >= span.start && f.span.start <= span.end);
                    if !hit {
                        let line = text[..span.start as usize].matches('\n').count() + 1;
                        failures.push(format!(
                            "{id}: {} document at line {line} fires nothing",
                            path.display()
                        ));
                    }
                }
            }
            let report = Report {
                registry,
                enabled: &result.enabled,
                findings: &result.findings,
                files_checked: result.files_checked(),
                root: root(),
                color: false,
                summary: true,
            };
            snapshot.push_str(&report.render(Format::Human));
        }
        for path in fixtures(id, "dont-fire") {
            let result = lint_alone(id, &path);
            for finding in &result.findings {
                let position = finding.file.position(finding.span.start);
                failures.push(format!(
                    "{id}: {}:{}:{} must not fire: {}",
                    path.display(),
                    position.line,
                    position.column,
                    finding.message
                ));
            }
        }
        if !snapshot.is_empty() {
            insta::with_settings!({snapshot_path => "snapshots/rules", prepend_module_to_snapshot => false}, {
                insta::assert_snapshot!(id, snapshot);
            });
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
