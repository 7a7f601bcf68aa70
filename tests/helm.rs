//! Conformance with real Helm: every chart of the corpus, with every values
//! set of the goldens, rendered by harden and compared template by template
//! with what Helm rendered (`../shared/helm-golden`).
//!
//! Text must be equal. Output of random functions (generated passwords,
//! certificates) differs on every render, so a line that differs only in
//! base64-alphabet runs of the same shape counts as equal by shape. A values
//! set where Helm failed must fail in harden too.
//!
//! `EXPECTED` lists the sets that are known to match; the test fails when one
//! of them regresses, and prints a table of the rest. `HELM_GOLDEN_DIFF=1`
//! prints the first differing line of each differing template.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use harden::helm::render::{RenderOptions, render_chart};

/// Values sets (`<chart-id>/<set>`) that render equal to Helm's.
const EXPECTED: &[&str] = &[
    "GoogleCloudPlatform__microservices-demo__helm-chart/default",
    "argoproj__argo-helm__argo-cd/default",
    "argoproj__argo-helm__argo-cd/default-values",
    "argoproj__argo-helm__argo-cd/dynamic-sharding-values",
    "argoproj__argo-helm__argo-cd/extension-values",
    "argoproj__argo-helm__argo-cd/external-redis-values",
    "argoproj__argo-helm__argo-cd/grpcroute-empty-matches",
    "argoproj__argo-helm__argo-cd/ha-autoscaling-values",
    "argoproj__argo-helm__argo-cd/ha-static-values",
    "argoproj__argo-helm__argo-cd/httproute-empty-matches",
    "argoproj__argo-helm__argo-cd/listenerset-values",
    "argoproj__argo-helm__argo-cd/vpa-values",
    "argoproj__argo-helm__argo-cd/with-commit-server-values",
    "bitnami__charts__common/default",
    "bitnami__charts__nginx/default",
    "bitnami__charts__postgresql/default",
    "bitnami__charts__redis/default",
    "cert-manager__cert-manager__cert-manager/default",
    "grafana-community__helm-charts__grafana/default",
    "grafana-community__helm-charts__grafana/default-values",
    "grafana-community__helm-charts__grafana/with-affinity-values",
    "grafana-community__helm-charts__grafana/with-dashboard-json-values",
    "grafana-community__helm-charts__grafana/with-dashboard-values",
    "grafana-community__helm-charts__grafana/with-extraconfigmapmounts-values",
    "grafana-community__helm-charts__grafana/with-gateway-values",
    "grafana-community__helm-charts__grafana/with-image-renderer-values",
    "grafana-community__helm-charts__grafana/with-nondefault-values",
    "grafana-community__helm-charts__grafana/with-persistence",
    "grafana-community__helm-charts__grafana/with-sidecars-envvaluefrom-values",
    "istio__istio__base/default",
    "istio__istio__gateway/default",
    "kubernetes-sigs__metrics-server__metrics-server/ci-values",
    "kubernetes-sigs__metrics-server__metrics-server/default",
    "kubernetes-sigs__metrics-server__metrics-server/tls-certManager-values",
    "kubernetes-sigs__metrics-server__metrics-server/tls-existingSecret-values",
    "kubernetes-sigs__metrics-server__metrics-server/tls-helm-values",
    "kubernetes__ingress-nginx__ingress-nginx/admission-webhooks-cert-manager-values",
    "kubernetes__ingress-nginx__ingress-nginx/controller-configmap-addheaders-values",
    "kubernetes__ingress-nginx__ingress-nginx/controller-configmap-proxyheaders-values",
    "kubernetes__ingress-nginx__ingress-nginx/controller-configmap-values",
    "kubernetes__ingress-nginx__ingress-nginx/controller-daemonset-metrics-values",
    "kubernetes__ingress-nginx__ingress-nginx/controller-daemonset-podannotations-values",
    "kubernetes__ingress-nginx__ingress-nginx/controller-daemonset-values",
    "kubernetes__ingress-nginx__ingress-nginx/controller-deployment-metrics-values",
    "kubernetes__ingress-nginx__ingress-nginx/controller-deployment-podannotations-values",
    "kubernetes__ingress-nginx__ingress-nginx/controller-deployment-values",
    "kubernetes__ingress-nginx__ingress-nginx/controller-hpa-values",
    "kubernetes__ingress-nginx__ingress-nginx/controller-ingressclass-values",
    "kubernetes__ingress-nginx__ingress-nginx/controller-service-internal-values",
    "kubernetes__ingress-nginx__ingress-nginx/controller-service-values",
    "kubernetes__ingress-nginx__ingress-nginx/default",
    "prometheus-community__helm-charts__kube-state-metrics/01-default-values",
    "prometheus-community__helm-charts__kube-state-metrics/02-custom-resource-state-only-values",
    "prometheus-community__helm-charts__kube-state-metrics/03-servicemonitor-values",
    "prometheus-community__helm-charts__kube-state-metrics/04-self-monitor-values",
    "prometheus-community__helm-charts__kube-state-metrics/default",
    "prometheus-community__helm-charts__prometheus-node-exporter/common-labels-values",
    "prometheus-community__helm-charts__prometheus-node-exporter/default",
    "prometheus-community__helm-charts__prometheus-node-exporter/default-values",
    "prometheus-community__helm-charts__prometheus-node-exporter/distroless-values",
    "prometheus-community__helm-charts__prometheus-node-exporter/kube-rbac-proxy-tlssecret-values",
    "prometheus-community__helm-charts__prometheus-node-exporter/networkpolicy-values",
    "prometheus-community__helm-charts__prometheus-node-exporter/pod-labels-values",
    "prometheus-community__helm-charts__prometheus-node-exporter/port-values",
    "prometheus-community__helm-charts__prometheus-node-exporter/service-labels-values",
    "prometheus-community__helm-charts__prometheus-node-exporter/serviceport-values",
];

#[derive(Debug, PartialEq, Eq, Clone, Copy)]
enum Outcome {
    /// Every template equal, text for text.
    Equal,
    /// Equal once generated secrets are compared by shape.
    Shape,
    /// Some templates differ, or are missing or extra.
    Differ,
    /// harden failed where Helm rendered, or the reverse.
    Fail,
}

struct SetResult {
    id: String,
    /// Render time of harden and of Helm (render.json), in seconds.
    seconds: (f64, f64),
    outcome: Outcome,
    templates: usize,
    equal: usize,
    note: String,
}

/// Chart folders as render.py finds them: a folder with Chart.yaml that is
/// not inside another chart's `charts/`.
fn corpus_charts(root: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        if dir.join("Chart.yaml").is_file() && dir != root {
            let rel = dir
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('/', "__");
            out.push((rel, dir.clone()));
        }
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() && !(dir.join("Chart.yaml").is_file() && entry.file_name() == "charts")
            {
                stack.push(path);
            }
        }
    }
    out.sort();
    out
}

fn is_b64(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')
}

/// A line with its long base64-alphabet runs replaced by their shape.
fn shape(line: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= 8 {
            if run.len() >= 64 {
                out.push_str("<blob>");
            } else {
                out.push_str(&format!("<b64:{}>", run.len()));
            }
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in line.chars() {
        if is_b64(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

fn same_shape(a: &str, b: &str) -> bool {
    let (la, lb): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    la.len() == lb.len()
        && la
            .iter()
            .zip(&lb)
            .all(|(x, y)| x == y || shape(x) == shape(y))
}

fn first_difference(want: &str, got: &str) -> String {
    for (i, (w, g)) in want.lines().zip(got.lines()).enumerate() {
        if w != g {
            return format!("line {}:\n    helm:   {w:?}\n    harden: {g:?}", i + 1);
        }
    }
    format!(
        "lengths: helm {} lines, harden {} lines",
        want.lines().count(),
        got.lines().count()
    )
}

fn run_set(
    chart_dir: &Path,
    golden: &Path,
    values: Option<PathBuf>,
    id: &str,
    diff: bool,
) -> SetResult {
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(golden.join("render.json")).unwrap())
            .unwrap();
    let options = RenderOptions {
        values_files: values.into_iter().collect(),
        allow_missing_dependencies: true,
        ..RenderOptions::default()
    };
    let start = Instant::now();
    let rendered = render_chart(chart_dir, &options);
    let mut result = SetResult {
        seconds: (
            start.elapsed().as_secs_f64(),
            meta["seconds"].as_f64().unwrap_or(0.0),
        ),
        id: id.to_string(),
        outcome: Outcome::Equal,
        templates: 0,
        equal: 0,
        note: String::new(),
    };
    if let Some(error) = meta.get("error").and_then(|e| e.as_str()) {
        result.templates = 1;
        match rendered {
            // The same failure: Helm's text after the SDK's exception name,
            // at least its first line (the template, line and column).
            Err(failure) => {
                let want = error.strip_prefix("HelmRenderError: ").unwrap_or(error);
                if failure.message == want {
                    result.equal = 1;
                } else if failure.message.lines().next() == want.lines().next() {
                    result.equal = 1;
                    result.note = "same location, other text".to_string();
                } else {
                    result.outcome = Outcome::Differ;
                    result.note = format!(
                        "other failure: {}",
                        failure.message.lines().next().unwrap_or("")
                    );
                    if diff {
                        eprintln!("{id}:\n  helm:   {want}\n  harden: {}", failure.message);
                    }
                }
            }
            Ok(_) => {
                result.outcome = Outcome::Fail;
                result.note = format!(
                    "helm failed, harden rendered: {}",
                    error.lines().next().unwrap_or("")
                );
            }
        }
        return result;
    }
    let rendered = match rendered {
        Ok(r) => r,
        Err(failure) => {
            result.outcome = Outcome::Fail;
            result.templates = meta["templates"].as_array().map_or(0, Vec::len);
            result.note = failure.message.lines().next().unwrap_or("").to_string();
            return result;
        }
    };
    let want: BTreeSet<String> = meta["templates"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t.as_str().map(str::to_string))
        .collect();
    let got: BTreeSet<String> = rendered
        .templates
        .iter()
        .filter(|t| !t.text.trim().is_empty())
        .map(|t| t.name.clone())
        .collect();
    result.templates = want.union(&got).count();
    let mut notes = Vec::new();
    for name in want.union(&got) {
        let golden_text = want
            .contains(name)
            .then(|| std::fs::read_to_string(golden.join(name)).unwrap());
        let ours = rendered.templates.iter().find(|t| &t.name == name);
        match (golden_text, ours) {
            (Some(w), Some(g)) if w == g.text => result.equal += 1,
            (Some(w), Some(g)) if same_shape(&w, &g.text) => {
                result.equal += 1;
                if diff {
                    for (x, y) in w.lines().zip(g.text.lines()).filter(|(x, y)| x != y) {
                        eprintln!("{id}: {name}: by shape:\n    helm:   {x}\n    harden: {y}");
                    }
                }
                if result.outcome == Outcome::Equal {
                    result.outcome = Outcome::Shape;
                }
            }
            (Some(w), Some(g)) => {
                result.outcome = Outcome::Differ;
                notes.push(format!("{name} differs"));
                if diff {
                    eprintln!("{id}: {name}: {}", first_difference(&w, &g.text));
                }
            }
            (Some(_), None) => {
                result.outcome = Outcome::Differ;
                notes.push(format!("{name} missing"));
            }
            (None, _) => {
                result.outcome = Outcome::Differ;
                notes.push(format!("{name} extra"));
            }
        }
    }
    result.note = notes.first().cloned().unwrap_or_default();
    if notes.len() > 1 {
        result
            .note
            .push_str(&format!(" (+{} more)", notes.len() - 1));
    }
    result
}

/// `../shared/<sub>`, or `$HARDEN_SHARED_DIR/<sub>` when that variable names
/// the shared folder of a checkout that does not sit beside it.
fn shared(sub: &str) -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("HARDEN_SHARED_DIR") {
        let path = PathBuf::from(dir).join(sub);
        if path.is_dir() {
            return Some(path);
        }
    }
    common::shared(sub, "corpus_charts_render_as_helm_does")
}

/// Renders every chart under `corpus` with every values set of `goldens`.
fn render_all(corpus: &Path, goldens: &Path, diff: bool) -> Vec<SetResult> {
    let mut results = Vec::new();
    for (chart_id, chart_dir) in corpus_charts(corpus) {
        let golden_chart = goldens.join(&chart_id);
        let Ok(sets) = std::fs::read_dir(&golden_chart) else {
            continue;
        };
        let mut sets: Vec<String> = sets
            .flatten()
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        sets.sort();
        for set in sets {
            let values =
                (set != "default").then(|| chart_dir.join("ci").join(format!("{set}.yaml")));
            let id = format!("{chart_id}/{set}");
            results.push(run_set(
                &chart_dir,
                &golden_chart.join(&set),
                values,
                &id,
                diff,
            ));
        }
    }
    results
}

/// The test charts of this repository against what Helm v4.2.3 rendered for
/// them (`testdata/charts/render-golden`, made with the goldens' render.py).
#[test]
fn own_charts_render_as_helm_does() {
    let root = common::repo().join("testdata/charts");
    let results = render_all(&root.join("render"), &root.join("render-golden"), true);
    let ids: Vec<&str> = results.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "app/default",
            "app/prod-values",
            "missing-dep/default",
            "required/default"
        ]
    );
    for r in &results {
        assert_eq!(r.outcome, Outcome::Equal, "{}: {}", r.id, r.note);
    }
}

#[test]
fn corpus_charts_render_as_helm_does() {
    let Some(goldens) = shared("helm-golden") else {
        return;
    };
    let Some(corpus) = shared("corpus/helm") else {
        return;
    };
    let diff = std::env::var("HELM_GOLDEN_DIFF").is_ok_and(|v| v == "1");
    let start = Instant::now();
    let results = render_all(&corpus, &goldens, diff);
    let elapsed = start.elapsed();

    let count = |o: Outcome| results.iter().filter(|r| r.outcome == o).count();
    let charts: BTreeSet<&str> = results
        .iter()
        .map(|r| r.id.split('/').next().unwrap())
        .collect();
    let charts_equal = charts
        .iter()
        .filter(|c| {
            results
                .iter()
                .filter(|r| r.id.split('/').next() == Some(c))
                .all(|r| matches!(r.outcome, Outcome::Equal | Outcome::Shape))
        })
        .count();
    let templates: usize = results.iter().map(|r| r.templates).sum();
    let templates_equal: usize = results.iter().map(|r| r.equal).sum();
    eprintln!(
        "{:<72} {:<7} {:>9} {:>8} {:>8}  note",
        "values set", "outcome", "templates", "harden", "helm"
    );
    for r in &results {
        eprintln!(
            "{:<72} {:<7} {:>4}/{:<4} {:>6.1}ms {:>6.1}ms  {}",
            r.id,
            format!("{:?}", r.outcome),
            r.equal,
            r.templates,
            r.seconds.0 * 1000.0,
            r.seconds.1 * 1000.0,
            r.note
        );
    }
    let total = |pick: fn(&SetResult) -> f64| results.iter().map(pick).sum::<f64>();
    eprintln!(
        "render time, all sets: harden {:.3} s (this build), helm {:.3} s (render.json)",
        total(|r| r.seconds.0),
        total(|r| r.seconds.1)
    );
    eprintln!(
        "charts equal {charts_equal}/{}; values sets: {} equal, {} equal by shape, {} differ, {} fail (of {}); templates equal {templates_equal}/{templates}; {:.2} s",
        charts.len(),
        count(Outcome::Equal),
        count(Outcome::Shape),
        count(Outcome::Differ),
        count(Outcome::Fail),
        results.len(),
        elapsed.as_secs_f64()
    );

    let regressed: Vec<&str> = EXPECTED
        .iter()
        .copied()
        .filter(|id| {
            !results
                .iter()
                .any(|r| r.id == *id && matches!(r.outcome, Outcome::Equal | Outcome::Shape))
        })
        .collect();
    assert!(
        regressed.is_empty(),
        "values sets that no longer match Helm: {regressed:?}"
    );
    let newly: Vec<&str> = results
        .iter()
        .filter(|r| {
            matches!(r.outcome, Outcome::Equal | Outcome::Shape)
                && !EXPECTED.contains(&r.id.as_str())
        })
        .map(|r| r.id.as_str())
        .collect();
    if !newly.is_empty() {
        eprintln!("now matching, add to EXPECTED: {newly:?}");
    }
}

#[test]
fn shape_ignores_generated_secrets_only() {
    assert!(same_shape(
        "password: \"aGVsbG8xMjM0NTY=\"",
        "password: \"Zm9vYmFyYmF6cXV4\""
    ));
    assert!(!same_shape(
        "password: \"aGVsbG8xMjM0NTY=\"",
        "password: \"Zm9v\""
    ));
    assert!(!same_shape("name: a", "name: b"));
    assert!(!same_shape("a\nb", "a"));
}
