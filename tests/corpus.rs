//! harden on the real manifests of `../shared/corpus/k8s`: no panic, every
//! file accounted for, the same bytes on every run and thread count, and the
//! findings a person checked by hand.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use harden::engine::{self, FileStatus, Selection};
use harden::report::{Format, Report};
use harden::{LintOptions, LintResult, lint_paths};

fn lint(path: &Path, threads: usize, select: &[&str]) -> LintResult {
    let options = LintOptions {
        paths: vec![path.to_path_buf()],
        cwd: Some(common::repo()),
        selection: Selection {
            select: select.iter().map(|s| s.to_string()).collect(),
            ..Selection::default()
        },
        threads: Some(threads),
        ..LintOptions::default()
    };
    lint_paths(&options).expect("lint runs")
}

fn render(result: &LintResult, format: Format) -> String {
    Report {
        registry: engine::registry(),
        enabled: &result.enabled,
        findings: &result.findings,
        files_checked: result.files_checked(),
        root: common::repo(),
        color: false,
        summary: true,
    }
    .render(format)
}

fn manifest_files(dir: &Path) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            ) {
                out.insert(path);
            }
        }
    }
    out
}

#[test]
fn every_corpus_manifest_is_accounted_for_and_output_is_deterministic() {
    let Some(corpus) = common::shared("corpus/k8s", "corpus manifests") else {
        return;
    };
    let one = lint(&corpus, 1, &["all"]);
    let two = lint(&corpus, 2, &["all"]);
    let again = lint(&corpus, 2, &["all"]);
    for format in [Format::Concise, Format::Json, Format::Sarif, Format::Human] {
        let a = render(&one, format);
        assert_eq!(
            a,
            render(&two, format),
            "{format:?} differs between 1 and 2 threads"
        );
        assert_eq!(a, render(&again, format), "{format:?} differs between runs");
    }
    assert!(one.errors.is_empty(), "{:?}", one.errors);

    // Every manifest is checked, reported invalid, skipped with a reason, or
    // known not to be Kubernetes: nothing is dropped silently.
    let statuses: std::collections::BTreeMap<&str, &FileStatus> =
        one.files.iter().map(|(p, s)| (p.as_str(), s)).collect();
    // A chart is one input: its files are accounted for by the chart.
    let skipped_dirs: Vec<&str> = one
        .files
        .iter()
        .filter(|(p, _)| common::repo().join(p).join("Chart.yaml").is_file())
        .map(|(p, _)| p.as_str())
        .collect();
    let mut unaccounted = Vec::new();
    for file in manifest_files(&corpus) {
        let display = harden::discover::display_path(&file, &common::repo());
        let in_chart = skipped_dirs
            .iter()
            .any(|d| display.starts_with(&format!("{d}/")));
        if !statuses.contains_key(display.as_str()) && !in_chart {
            unaccounted.push(display);
        }
    }
    assert!(
        unaccounted.is_empty(),
        "not accounted for: {unaccounted:#?}"
    );

    let invalid: Vec<&str> = one
        .files
        .iter()
        .filter(|(_, s)| *s == FileStatus::Invalid)
        .map(|(p, _)| p.as_str())
        .collect();
    // Helm templates kept outside a chart, and one file that libyaml rejects too.
    assert_eq!(
        invalid,
        [
            "../shared/corpus/k8s/bridgecrewio__checkov/tests/kubernetes/parser/examples/yaml/helm.yaml",
            "../shared/corpus/k8s/bridgecrewio__checkov/tests/kubernetes/parser/examples/yaml/helm2.yaml",
            "../shared/corpus/k8s/prometheus-operator__kube-prometheus/examples/alertmanager-config-with-template.yaml",
        ]
    );
    let checked = one
        .files
        .iter()
        .filter(|(_, s)| matches!(s, FileStatus::Checked { .. }))
        .count();
    assert!(checked > 1500, "only {checked} files checked");
}

#[test]
fn files_that_libyaml_accepts_are_read() {
    let Some(corpus) = common::shared("corpus/k8s", "libyaml layouts") else {
        return;
    };
    // Quoted scalars continued at a lesser indent, and a flow sequence closed
    // at a lesser indent: go-yaml reads them, so harden must.
    for file in [
        "istio__istio/samples/security/spire/spire-quickstart.yaml",
        "bridgecrewio__checkov/tests/kubernetes/checks/example_ImageDigest/kafka-withrepo-PASSED.yaml",
        "bridgecrewio__checkov/tests/kubernetes/checks/example_ImageTagFixed/kafka-ImageWithRepo-PASSED.yaml",
        "bridgecrewio__checkov/tests/kubernetes/checks/example_ImagePullPolicy/kafka-PullPolicyAlways-PASSED.yaml",
    ] {
        let result = lint(&corpus.join(file), 1, &["invalid-input"]);
        assert!(result.findings.is_empty(), "{file}: {:?}", result.findings);
        assert!(
            matches!(result.files[0].1, FileStatus::Checked { .. }),
            "{file}: {:?}",
            result.files[0].1
        );
    }
}

#[test]
fn findings_land_on_the_lines_checked_by_hand() {
    let Some(corpus) = common::shared("corpus/k8s", "hand-checked findings") else {
        return;
    };
    let result = lint(&corpus, 2, &[]);
    let concise = render(&result, Format::Concise);
    for expected in [
        // An init container that sets sysctls, privileged, on the host network.
        "istio__istio/samples/proxy-coredump/daemonset.yaml:30:25: critical[no-privileged-container] init container \"setsysctls\" runs privileged",
        "istio__istio/samples/proxy-coredump/daemonset.yaml:17:20: high[no-host-network] DaemonSet/enable-istio-coredumps uses the host network namespace",
        // Below a repaired flow sequence: offsets are mapped back exactly.
        "istio__istio/samples/security/spire/spire-quickstart.yaml:933:25: critical[no-privileged-container] container \"spiffe-csi-driver\" runs privileged",
        "prometheus-operator__kube-prometheus/manifests/nodeExporter-daemonset.yaml:100:20: high[no-host-network] DaemonSet/node-exporter uses the host network namespace",
    ] {
        assert!(
            concise.lines().any(|l| l.ends_with(expected)),
            "missing: {expected}"
        );
    }
}

#[test]
fn every_corpus_dockerfile_is_read() {
    let Some(corpus) = common::shared("corpus/docker", "corpus Dockerfiles") else {
        return;
    };
    let one = lint(&corpus, 1, &["all"]);
    let two = lint(&corpus, 2, &["all"]);
    assert_eq!(render(&one, Format::Json), render(&two, Format::Json));
    let mut broken: Vec<&str> = one
        .findings
        .iter()
        .filter(|f| f.rule_id() == "invalid-input" && !f.file.path.ends_with(".yaml"))
        .map(|f| f.file.path.as_str())
        .collect();
    broken.dedup();
    // The same five files hadolint cannot parse (DL1000): four with an
    // unclosed quote in LABEL, one with a stray `~` line.
    let dir = "../shared/corpus/docker/bridgecrewio__checkov/tests/dockerfile/checks";
    assert_eq!(
        broken,
        [
            format!("{dir}/example_HealthcheckExists/failure/Dockerfile"),
            format!("{dir}/example_HealthcheckExists/success/Dockerfile"),
            format!("{dir}/example_UpdateNotAlone/failure/Dockerfile"),
            format!("{dir}/example_UserExists/failure/Dockerfile"),
            format!("{dir}/example_UserExists/success/Dockerfile"),
        ]
    );
    let dockerfiles = one
        .files
        .iter()
        .filter(|(p, s)| !p.ends_with(".yaml") && matches!(s, FileStatus::Checked { .. }))
        .count();
    assert!(dockerfiles >= 280, "only {dockerfiles} Dockerfiles checked");
}
