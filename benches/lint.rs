//! criterion benchmarks of the stages a lint spends its time in:
//!
//! - `parse/...`: the YAML layer alone on a large real manifest;
//! - `lint-one-file/...`: every rule on that manifest, next to `--parse-only`;
//! - `set-rules/...`: a generated input of 10,000 objects, linted with the
//!   rules that look across objects, next to parsing it alone: the
//!   difference is the set-rule phase.
//!
//! The real manifest is the largest `.yaml` file under
//! `$HARDEN_BENCH_CORPUS` (default `../shared/corpus/k8s` beside the
//! repository); when it is absent those benchmarks are skipped.
//!
//! Run with `cargo bench --bench lint`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use harden::engine::Selection;
use harden::yaml::{Limits, parse_stream};
use harden::{LintOptions, lint_paths};

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("HARDEN_BENCH_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/k8s"),
        PathBuf::from,
    );
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipped: no corpus at {} (set HARDEN_BENCH_CORPUS)",
            dir.display()
        );
        None
    }
}

/// The largest `.yaml` file below `dir`.
fn largest_manifest(dir: &Path) -> Option<PathBuf> {
    let mut best: Option<(u64, PathBuf)> = None;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).ok()?.flatten() {
            let path = entry.path();
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml")
                && best.as_ref().is_none_or(|(size, _)| meta.len() > *size)
            {
                best = Some((meta.len(), path));
            }
        }
    }
    best.map(|(_, path)| path)
}

fn options(paths: Vec<PathBuf>, select: &[&str], parse_only: bool) -> LintOptions {
    LintOptions {
        paths,
        cwd: Some(std::env::temp_dir()),
        selection: Selection {
            select: select.iter().map(|s| s.to_string()).collect(),
            ..Selection::default()
        },
        threads: Some(1),
        parse_only,
        ..LintOptions::default()
    }
}

fn real_manifest(c: &mut Criterion) {
    let Some(path) = corpus().and_then(|dir| largest_manifest(&dir)) else {
        return;
    };
    let Ok(text) = std::fs::read_to_string(&path) else {
        return;
    };
    let text: Arc<str> = Arc::from(text);
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function(&name, |b| {
        b.iter(|| parse_stream(&text, &Limits::default()).documents.len())
    });
    group.finish();

    let mut group = c.benchmark_group("lint-one-file");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(20);
    let all = options(vec![path.clone()], &["all"], false);
    group.bench_function(format!("{name}/all-rules"), |b| {
        b.iter(|| lint_paths(&all).map(|r| r.findings.len()))
    });
    let floor = options(vec![path.clone()], &["all"], true);
    group.bench_function(format!("{name}/parse-only"), |b| {
        b.iter(|| lint_paths(&floor).map(|r| r.findings.len()))
    });
    group.finish();
}

/// The ids of the rules that judge the whole set of objects.
fn set_rules() -> Vec<String> {
    harden::engine::registry()
        .rules
        .iter()
        .filter(|r| r.check.needs_set())
        .map(|r| r.spec.id.clone())
        .collect()
}

/// 10,000 objects in 100 files: for each of 2,000 apps a Deployment, a
/// Service, a PodDisruptionBudget, a RoleBinding and a NetworkPolicy, in
/// 20 namespaces, some of them selecting nothing.
fn generated_set(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut paths = Vec::new();
    for file in 0..100 {
        let mut text = String::new();
        for app in file * 20..(file + 1) * 20 {
            let ns = format!("team-{}", app % 20);
            // Every seventh Service and budget selects a label no pod has.
            let selected = if app % 7 == 0 {
                format!("gone-{app}")
            } else {
                format!("app-{app}")
            };
            text.push_str(&format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{app}\n  namespace: {ns}\n\
                 spec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: app-{app}\n  template:\n\
                 \x20   metadata:\n      labels:\n        app: app-{app}\n        tier: web\n    spec:\n\
                 \x20     serviceAccountName: sa-{app}\n      containers:\n      - name: app\n\
                 \x20       image: registry.example/app:{app}\n        ports:\n        - name: http\n\
                 \x20         containerPort: 8080\n---\n\
                 apiVersion: v1\nkind: Service\nmetadata:\n  name: app-{app}\n  namespace: {ns}\nspec:\n\
                 \x20 selector:\n    app: {selected}\n  ports:\n  - port: 80\n    targetPort: http\n---\n\
                 apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: app-{app}\n  namespace: {ns}\n\
                 spec:\n  minAvailable: 1\n  selector:\n    matchLabels:\n      app: {selected}\n---\n\
                 apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: app-{app}\n\
                 \x20 namespace: {ns}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n\
                 \x20 name: view\nsubjects:\n- kind: ServiceAccount\n  name: sa-{app}\n  namespace: {ns}\n---\n\
                 apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: app-{app}\n\
                 \x20 namespace: {ns}\nspec:\n  podSelector:\n    matchLabels:\n      app: app-{app}\n\
                 \x20 policyTypes: [Ingress]\n---\n"
            ));
        }
        let path = dir.join(format!("set-{file:03}.yaml"));
        std::fs::write(&path, text)?;
        paths.push(path);
    }
    Ok(paths)
}

fn set_phase(c: &mut Criterion) {
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let Ok(paths) = generated_set(dir.path()) else {
        return;
    };
    let rules = set_rules();
    let rules: Vec<&str> = rules.iter().map(String::as_str).collect();
    let mut group = c.benchmark_group("set-rules");
    group.throughput(Throughput::Elements(10_000));
    group.sample_size(10);
    let set = options(paths.clone(), &rules, false);
    group.bench_function("10k-objects/set-rules", |b| {
        b.iter(|| lint_paths(&set).map(|r| r.findings.len()))
    });
    let floor = options(paths, &rules, true);
    group.bench_function("10k-objects/parse-only", |b| {
        b.iter(|| lint_paths(&floor).map(|r| r.findings.len()))
    });
    group.finish();
}

criterion_group!(benches, real_manifest, set_phase);
criterion_main!(benches);
