//! The command line as a black box: exit status, stdout and stderr.

use std::process::Command;

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};

const RULES: &str = "no-privileged-container,no-host-network,invalid-input";

fn harden() -> Command {
    let mut command = Command::new(get_cargo_bin("harden"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS");
    command
}

#[test]
fn clean_tree_exits_zero() {
    assert_cmd_snapshot!(harden().args(["lint", "testdata/cli/clean", "--select", RULES]));
}

#[test]
fn findings_exit_one_with_code_frames() {
    assert_cmd_snapshot!(harden().args(["lint", "testdata/cli/findings", "--select", RULES]));
}

#[test]
fn concise_format() {
    assert_cmd_snapshot!(harden().args([
        "lint",
        "testdata/cli/findings",
        "--select",
        RULES,
        "--format",
        "concise"
    ]));
}

#[test]
fn json_format() {
    assert_cmd_snapshot!(harden().args([
        "lint",
        "testdata/cli/findings",
        "--select",
        RULES,
        "--format",
        "json"
    ]));
}

#[test]
fn fail_on_raises_the_threshold() {
    // The findings are critical and high: only critical fails.
    let status = harden()
        .args([
            "lint",
            "testdata/cli/findings",
            "--select",
            "no-host-network",
        ])
        .args(["--fail-on", "critical", "--format", "concise"])
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    let status = harden()
        .args([
            "lint",
            "testdata/cli/findings",
            "--select",
            "no-host-network",
        ])
        .args(["--fail-on", "high", "--format", "concise"])
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1));
}

#[test]
fn exit_zero_overrides_findings() {
    let status = harden()
        .args(["lint", "testdata/cli/findings", "--exit-zero", "--quiet"])
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn unknown_rule_is_a_usage_error() {
    assert_cmd_snapshot!(harden().args(["lint", "testdata/cli/clean", "--select", "no-such-rule"]));
}

#[test]
fn bad_flag_value_is_a_usage_error() {
    let output = harden()
        .args(["lint", "--fail-on", "severe"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("critical, high, medium, low, info"));
}

#[test]
fn missing_path_is_an_error() {
    assert_cmd_snapshot!(harden().args(["lint", "testdata/cli/does-not-exist", "--select", RULES]));
}

#[test]
fn output_file_receives_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.sarif");
    let output = harden()
        .args(["lint", "testdata/cli/findings", "--format", "sarif", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
}

#[test]
fn explain_prints_the_rule_documentation() {
    assert_cmd_snapshot!(harden().args(["explain", "no-privileged-container"]));
}

#[test]
fn explain_unknown_rule_suggests() {
    assert_cmd_snapshot!(harden().args(["explain", "privileged"]));
}

#[test]
fn rules_lists_every_rule() {
    let output = harden().args(["rules"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    for rule in &harden::engine::registry().rules {
        assert!(text.contains(&rule.spec.id), "{}", rule.spec.id);
    }
    let output = harden()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let rules: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        rules.as_array().unwrap().len(),
        harden::engine::registry().rules.len()
    );
}

#[test]
fn verbose_says_what_was_skipped() {
    let output = harden()
        .args([
            "lint",
            "testdata/repos/demo",
            "-v",
            "--select",
            RULES,
            "--format",
            "concise",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    // A chart is checked as a chart: neither skipped nor read as manifests.
    assert!(
        !stderr.contains("testdata/repos/demo/helm/shop"),
        "{stderr}"
    );
    assert!(
        stderr
            .contains("skipped testdata/repos/demo/k8s/patches/api-replicas.yaml: kustomize patch"),
        "{stderr}"
    );
}

#[test]
fn demo_repository() {
    assert_cmd_snapshot!(harden().args(["lint", "testdata/repos/demo", "--format", "concise"]));
}

#[test]
fn dockerfile_glob_names_more_dockerfiles() {
    let args = [
        "lint",
        "testdata/cli/dockerfile-glob",
        "--select",
        "dockerfile-no-sudo",
        "--format",
        "concise",
    ];
    let output = harden().args(args).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "not a Dockerfile by name");
    let output = harden()
        .args(args)
        .args(["--dockerfile-glob", "*.docker"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout
            .starts_with("testdata/cli/dockerfile-glob/api.docker:2:5: medium[dockerfile-no-sudo]"),
        "{stdout}"
    );
    let output = harden()
        .args(["lint", "--dockerfile-glob", "[unclosed"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn github_annotations() {
    assert_cmd_snapshot!(harden().args([
        "lint",
        "testdata/cli/findings",
        "--select",
        RULES,
        "--format",
        "github"
    ]));
}

#[test]
fn github_is_the_default_format_in_github_actions() {
    let output = harden()
        .env("GITHUB_ACTIONS", "true")
        .args(["lint", "testdata/cli/findings", "--select", RULES])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.starts_with("::error file=testdata/cli/findings/pod.yaml,line=6,col=16,"),
        "{stdout}"
    );
}

#[test]
fn chart_findings_and_exclude_subcharts() {
    let select = "helm-values-security-context-defaults,helm-subchart-attribution";
    assert_cmd_snapshot!(harden().args([
        "lint",
        "testdata/charts/storefront",
        "--select",
        select,
        "--format",
        "concise"
    ]));
    let output = harden()
        .args([
            "lint",
            "testdata/charts/storefront",
            "--select",
            select,
            "--exclude-subcharts",
            "--format",
            "concise",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(!stdout.contains("charts/cache"), "{stdout}");
    assert!(stdout.contains("values-production.yaml:4:27"), "{stdout}");
}

#[test]
fn values_flag_takes_files() {
    let output = harden()
        .args([
            "lint",
            "testdata/charts/storefront",
            "--select",
            "helm-chart-metadata",
            "-f",
            "values-production.yaml",
            "--values",
            "values-staging.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
}
