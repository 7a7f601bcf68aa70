//! Charts as a lint input, end to end: chart rules on a chart's own files,
//! and Kubernetes rules on its rendered output, each finding moved back to
//! the template line with the values line as a related location.

#[path = "helm_lint/fake.rs"]
mod fake;

use std::path::PathBuf;
use std::sync::Arc;

use harden::engine::Selection;
use harden::report::{Format, Report};
use harden::{LintOptions, LintResult, lint_paths};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn lint(path: &str, select: &[&str], configure: impl FnOnce(&mut LintOptions)) -> LintResult {
    let mut options = LintOptions {
        paths: vec![PathBuf::from(path)],
        cwd: Some(root()),
        selection: Selection {
            select: select.iter().map(|s| s.to_string()).collect(),
            ..Selection::default()
        },
        threads: Some(2),
        renderer: Some(Arc::new(fake::FakeRenderer)),
        ..LintOptions::default()
    };
    configure(&mut options);
    lint_paths(&options).expect("lint runs")
}

fn render(result: &LintResult, format: Format) -> String {
    Report {
        registry: harden::engine::registry(),
        enabled: &result.enabled,
        findings: &result.findings,
        files_checked: result.files_checked(),
        root: root(),
        color: false,
        summary: true,
    }
    .render(format)
}

fn position(file: &harden::source::SourceFile, offset: u32) -> (u32, u32) {
    let p = file.position(offset);
    (p.line, p.column)
}

#[test]
fn a_production_values_finding_is_at_the_template_line_and_the_values_line() {
    let result = lint(
        "testdata/charts/storefront",
        &["read-only-root-filesystem"],
        |o| o.values = vec![PathBuf::from("values-production.yaml")],
    );
    let findings: Vec<_> = result
        .findings
        .iter()
        .filter(|f| f.file.path.ends_with("templates/deployment.yaml"))
        .collect();
    assert_eq!(findings.len(), 1, "{}", render(&result, Format::Concise));
    let finding = findings[0];
    // Primary: the template line that places the value.
    assert_eq!(
        finding.file.path,
        "testdata/charts/storefront/templates/deployment.yaml"
    );
    assert_eq!(position(&finding.file, finding.span.start), (20, 13));
    assert_eq!(
        finding.file.slice(finding.span),
        "{{- toYaml .Values.securityContext | nindent 12 }}"
    );
    // Related: the values line the value came from.
    assert_eq!(finding.related.len(), 1);
    let related = &finding.related[0];
    assert_eq!(
        related.file.path,
        "testdata/charts/storefront/values-production.yaml"
    );
    assert_eq!(position(&related.file, related.span.start), (4, 3));
    assert_eq!(
        related.file.slice(related.span),
        "readOnlyRootFilesystem: false"
    );
    // The message says which values set produced it.
    assert!(
        finding
            .message
            .ends_with("(values: values-production.yaml)"),
        "{}",
        finding.message
    );
    let only = LintResult {
        registry: result.registry.clone(),
        notes: Vec::new(),
        findings: vec![finding.clone()],
        files: Vec::new(),
        enabled: result.enabled.clone(),
        root: root(),
        errors: Vec::new(),
        suppressed: 0,
        baselined: 0,
    };
    insta::assert_snapshot!("production_values_human", render(&only, Format::Human));
    let json: serde_json::Value = serde_json::from_str(&render(&only, Format::Json)).unwrap();
    let related = &json["findings"][0]["related"][0];
    assert_eq!(
        related["path"],
        "testdata/charts/storefront/values-production.yaml"
    );
    assert_eq!(related["start"]["line"], 4);
    let sarif: serde_json::Value = serde_json::from_str(&render(&only, Format::Sarif)).unwrap();
    let result0 = &sarif["runs"][0]["results"][0];
    assert_eq!(
        result0["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "testdata/charts/storefront/templates/deployment.yaml"
    );
    let related = &result0["relatedLocations"];
    assert!(
        related.as_array().unwrap().iter().any(
            |r| r["physicalLocation"]["artifactLocation"]["uri"]
                == "testdata/charts/storefront/values-production.yaml"
                && r["physicalLocation"]["region"]["startLine"] == 4
        ),
        "{related}"
    );
}

#[test]
fn the_default_values_set_alone_is_clean_and_unlabelled() {
    let result = lint(
        "testdata/charts/storefront",
        &["read-only-root-filesystem"],
        |_| {},
    );
    let concise = render(&result, Format::Concise);
    assert!(!concise.contains("templates/deployment.yaml"), "{concise}");
    // The vendored cache sets none; one values set, so no label.
    assert!(
        concise.contains("charts/cache/templates/statefulset.yaml"),
        "{concise}"
    );
    assert!(!concise.contains("(values:"), "{concise}");
}

#[test]
fn a_finding_of_several_values_sets_is_reported_once_naming_them() {
    let result = lint(
        "testdata/charts/storefront",
        &["no-privileged-container"],
        |o| o.values = vec![PathBuf::from("values-production.yaml")],
    );
    let privileged: Vec<_> = result
        .findings
        .iter()
        .filter(|f| f.rule_id() == "no-privileged-container")
        .collect();
    assert_eq!(privileged.len(), 1, "{}", render(&result, Format::Concise));
    assert_eq!(
        privileged[0].file.path,
        "testdata/charts/storefront/charts/cache/templates/statefulset.yaml"
    );
    assert!(
        privileged[0]
            .message
            .ends_with("(values: values.yaml, values-production.yaml)"),
        "{}",
        privileged[0].message
    );
    assert_eq!(
        privileged[0].related[0].file.path,
        "testdata/charts/storefront/charts/cache/values.yaml"
    );
}

#[test]
fn exclude_subcharts_leaves_out_vendored_findings() {
    let with = lint(
        "testdata/charts/storefront",
        &["no-privileged-container", "helm-subchart-attribution"],
        |_| {},
    );
    let in_cache = |r: &LintResult| {
        r.findings
            .iter()
            .filter(|f| f.file.path.contains("/charts/cache/"))
            .count()
    };
    assert_eq!(in_cache(&with), 1, "{}", render(&with, Format::Concise));
    let attribution: Vec<_> = with
        .findings
        .iter()
        .filter(|f| f.rule_id() == "helm-subchart-attribution")
        .collect();
    assert_eq!(attribution.len(), 1);
    assert_eq!(
        attribution[0].message,
        "1 finding under charts/cache/ comes from the vendored dependency \"cache\""
    );
    assert_eq!(
        attribution[0].file.path,
        "testdata/charts/storefront/Chart.yaml"
    );
    let without = lint(
        "testdata/charts/storefront",
        &["no-privileged-container", "helm-subchart-attribution"],
        |o| o.exclude_subcharts = true,
    );
    assert!(
        without.findings.is_empty(),
        "{}",
        render(&without, Format::Concise)
    );
}

#[test]
fn test_hooks_are_left_to_their_own_rule() {
    let select = ["run-as-non-root", "helm-test-hook-scope"];
    let result = lint("testdata/charts/storefront", &select, |_| {});
    assert!(
        !result.findings.iter().any(|f| f
            .file
            .path
            .ends_with("templates/tests/test-connection.yaml")),
        "{}",
        render(&result, Format::Concise)
    );
    // With the rule off, test hooks are linted like any workload.
    let result = lint("testdata/charts/storefront", &["run-as-non-root"], |_| {});
    assert!(
        result.findings.iter().any(|f| f
            .file
            .path
            .ends_with("templates/tests/test-connection.yaml")),
        "{}",
        render(&result, Format::Concise)
    );
}

#[test]
fn a_render_error_is_at_the_template_line_with_helms_message() {
    let result = lint(
        "testdata/charts/broken",
        &["helm-render-error", "helm-values-literal-secret"],
        |_| {},
    );
    assert_eq!(
        result.findings.len(),
        1,
        "{}",
        render(&result, Format::Concise)
    );
    let finding = &result.findings[0];
    assert_eq!(finding.rule_id(), "helm-render-error");
    assert_eq!(
        finding.file.path,
        "testdata/charts/broken/templates/deployment.yaml"
    );
    assert_eq!(position(&finding.file, finding.span.start).0, 10);
    assert!(
        finding.message.contains(
            "execution error at (broken/templates/deployment.yaml:10:50): image.tag is required"
        ),
        "{}",
        finding.message
    );
}

#[test]
fn chart_files_are_not_read_as_manifests() {
    let result = lint("testdata/charts/storefront", &["all"], |o| {
        o.renderer = None
    });
    assert!(
        result
            .files
            .iter()
            .all(|(path, _)| !path.contains("/templates/") && !path.ends_with("values.yaml")),
        "{:?}",
        result.files
    );
    assert!(
        result
            .files
            .iter()
            .any(|(path, _)| path == "testdata/charts/storefront"),
        "{:?}",
        result.files
    );
}

#[test]
fn a_values_file_under_helm_without_its_chart_is_checked_by_the_values_rules() {
    let result = lint("testdata/repos/loose-values", &["all"], |o| {
        o.renderer = None
    });
    let rules: Vec<&str> = result.findings.iter().map(|f| f.rule_id()).collect();
    assert_eq!(
        rules,
        ["helm-values-literal-secret"],
        "{}",
        render(&result, Format::Concise)
    );
    assert_eq!(
        result.findings[0].file.path,
        "testdata/repos/loose-values/helm/values-staging.yaml"
    );
}

#[test]
fn output_is_the_same_whatever_the_thread_count() {
    let run = |threads| {
        let result = lint("testdata", &["all"], |o| {
            o.threads = Some(threads);
            o.values = vec![PathBuf::from("values-production.yaml")];
        });
        render(&result, Format::Json)
    };
    assert_eq!(run(1), run(4));
}

#[test]
fn the_built_in_renderer_maps_findings_to_template_lines() {
    let result = lint("testdata/charts/plain", &["no-privileged-container"], |o| {
        o.renderer = Some(Arc::new(harden::helm::lint::HelmRenderer));
    });
    assert_eq!(
        result.findings.len(),
        1,
        "{}",
        render(&result, Format::Concise)
    );
    let finding = &result.findings[0];
    assert_eq!(
        finding.file.path,
        "testdata/charts/plain/templates/pod.yaml"
    );
    assert_eq!(position(&finding.file, finding.span.start), (10, 21));
    assert_eq!(finding.file.slice(finding.span), "true");
}

#[test]
fn the_built_in_renderer_reports_a_production_value_at_the_template_and_values_lines() {
    let result = lint(
        "testdata/charts/storefront",
        &["read-only-root-filesystem"],
        |o| {
            o.renderer = Some(Arc::new(harden::helm::lint::HelmRenderer));
            o.values = vec![PathBuf::from("values-production.yaml")];
        },
    );
    let finding = result
        .findings
        .iter()
        .find(|f| {
            f.file
                .path
                .ends_with("storefront/templates/deployment.yaml")
        })
        .unwrap_or_else(|| panic!("{}", render(&result, Format::Concise)));
    assert_eq!(position(&finding.file, finding.span.start), (20, 13));
    assert!(
        finding
            .message
            .ends_with("(values: values-production.yaml)")
    );
    let related: Vec<_> = finding
        .related
        .iter()
        .map(|r| (r.file.path.as_str(), position(&r.file, r.span.start).0))
        .collect();
    assert_eq!(
        related,
        [("testdata/charts/storefront/values-production.yaml", 4)],
        "{}",
        render(&result, Format::Human)
    );
}

/// `.harden.yaml` names a chart's values files: each is a values set, and
/// the release name given there is what the templates see.
#[test]
fn the_configuration_names_values_sets_and_the_release() {
    let dir = tempfile::tempdir().unwrap();
    let chart = root().join("testdata/charts/storefront");
    let config = dir.path().join(".harden.yaml");
    std::fs::write(
        &config,
        format!(
            "helm:\n  charts:\n    {chart}:\n      values: [{chart}/values-production.yaml]\n      release-name: shop\n",
            chart = chart.display()
        ),
    )
    .unwrap();
    let loaded = harden::config::load(&config, dir.path(), harden::engine::registry()).unwrap();
    let result = lint(
        "testdata/charts/storefront",
        &["read-only-root-filesystem"],
        |o| {
            o.renderer = Some(Arc::new(harden::helm::lint::HelmRenderer));
            o.helm = loaded.helm;
        },
    );
    let finding = result
        .findings
        .iter()
        .find(|f| {
            f.file
                .path
                .ends_with("storefront/templates/deployment.yaml")
        })
        .unwrap_or_else(|| panic!("{}", render(&result, Format::Concise)));
    assert!(
        finding
            .message
            .ends_with("(values: values-production.yaml)"),
        "{}",
        finding.message
    );
    assert!(
        finding
            .object
            .as_deref()
            .is_some_and(|o| o.contains("shop")),
        "{:?}",
        finding.object
    );
}

/// `# harden:ignore` in a template covers what the next template line
/// renders, and one that covers nothing is reported.
#[test]
fn a_comment_in_a_template_suppresses_what_its_line_renders() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("shop");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: shop\nversion: 1.0.0\n",
    )
    .unwrap();
    std::fs::write(chart.join("values.yaml"), "privileged: true\n").unwrap();
    std::fs::write(
        chart.join("templates/pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27\n      # harden:ignore no-privileged-container -- the vendor's agent needs it\n      securityContext: {privileged: {{ .Values.privileged }}}\n    - name: side\n      image: nginx:1.27\n      # harden:ignore no-host-network -- nothing here uses the host network\n      securityContext: {privileged: false}\n",
    )
    .unwrap();
    let options = LintOptions {
        paths: vec![chart.clone()],
        cwd: Some(dir.path().to_path_buf()),
        selection: Selection {
            select: vec![
                "no-privileged-container".into(),
                "no-host-network".into(),
                "unused-suppression".into(),
            ],
            ..Selection::default()
        },
        renderer: Some(Arc::new(harden::helm::lint::HelmRenderer)),
        ..LintOptions::default()
    };
    let result = lint_paths(&options).expect("lint runs");
    let found: Vec<(&str, u32)> = result
        .findings
        .iter()
        .map(|f| (f.rule_id(), position(&f.file, f.span.start).0))
        .collect();
    assert_eq!(
        found,
        [("unused-suppression", 13)],
        "{}",
        render(&result, Format::Concise)
    );
    assert_eq!(result.suppressed, 1);
}
