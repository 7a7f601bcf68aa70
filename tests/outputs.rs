//! Report formats (junit, checklist), several formats in one run, standard
//! input, and reporting only the files named inside a Helm chart.

mod common;

use std::process::Command;

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};

const RULES: &str = "no-privileged-container,no-host-network,invalid-input";
const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: buffer\nspec:\n  containers:\n    - name: app\n      image: app:1.0\n      securityContext:\n        privileged: true\n";

fn harden() -> Command {
    let mut command = Command::new(get_cargo_bin("harden"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS");
    command
}

#[test]
fn junit_format() {
    assert_cmd_snapshot!(harden().args([
        "lint",
        "testdata/cli/findings",
        "--select",
        RULES,
        "--format",
        "junit"
    ]));
}

#[test]
fn junit_of_a_clean_tree_passes_every_rule() {
    assert_cmd_snapshot!(harden().args([
        "lint",
        "testdata/cli/clean",
        "--select",
        RULES,
        "--format",
        "junit"
    ]));
}

#[test]
fn checklist_format() {
    assert_cmd_snapshot!(harden().args([
        "lint",
        "testdata/cli/findings",
        "--select",
        "no-privileged-container,no-host-network,no-host-pid,image-tag-not-latest,invalid-input",
        "--format",
        "checklist"
    ]));
}

#[test]
fn checklist_of_a_clean_tree() {
    assert_cmd_snapshot!(harden().args([
        "lint",
        "testdata/cli/clean",
        "--select",
        RULES,
        "--format",
        "checklist"
    ]));
}

#[test]
fn checklist_of_the_demo_repository() {
    assert_cmd_snapshot!(harden().args(["lint", "testdata/repos/demo", "--format", "checklist"]));
}

#[test]
fn checklist_is_identical_across_thread_counts() {
    let run = |threads: &str| {
        harden()
            .args(["lint", "testdata/repos/demo", "--format", "checklist"])
            .args(["--threads", threads])
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(run("1"), run("4"));
}

#[cfg(unix)]
#[test]
fn several_formats_in_one_run() {
    // The second format goes to the file that follows it (here the stderr
    // pipe, so the snapshot shows both).
    assert_cmd_snapshot!(harden().args([
        "lint",
        "testdata/cli/findings",
        "--select",
        RULES,
        "--format",
        "concise",
        "--format",
        "github",
        "--output",
        "/dev/stderr"
    ]));
}

#[test]
fn several_formats_write_their_files() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("harden.sarif");
    let junit = dir.path().join("junit.xml");
    let output = harden()
        .args(["lint", "testdata/cli/findings", "--select", RULES])
        .args(["--format", "sarif", "--output"])
        .arg(&sarif)
        .args(["--format", "human", "--format", "junit", "-o"])
        .arg(&junit)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("runs privileged"), "{stdout}");
    assert!(stdout.contains("2 findings"), "{stdout}");
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 2);
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(xml.contains("failures=\"2\""), "{xml}");
}

#[test]
fn output_order_does_not_matter_with_one_format() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let output = harden()
        .args(["lint", "testdata/cli/findings", "--select", RULES, "-o"])
        .arg(&out)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(report["version"], 1);
}

#[test]
fn output_without_a_format_is_a_usage_error() {
    assert_cmd_snapshot!(harden().args([
        "lint",
        "testdata/cli/findings",
        "--output",
        "report.txt"
    ]));
}

#[test]
fn output_before_every_format_is_a_usage_error() {
    assert_cmd_snapshot!(harden().args([
        "lint",
        "testdata/cli/findings",
        "--output",
        "report.txt",
        "--format",
        "json",
        "--format",
        "sarif"
    ]));
}

#[test]
fn two_formats_on_stdout_is_a_usage_error() {
    assert_cmd_snapshot!(harden().args([
        "lint",
        "testdata/cli/findings",
        "--format",
        "json",
        "--format",
        "sarif"
    ]));
}

#[test]
fn two_outputs_for_one_format_is_a_usage_error() {
    assert_cmd_snapshot!(harden().args([
        "lint",
        "testdata/cli/findings",
        "--format",
        "json",
        "--output",
        "a.json",
        "--output",
        "b.json",
        "--format",
        "human"
    ]));
}

#[test]
fn stdin_with_a_filename() {
    assert_cmd_snapshot!(
        harden()
            .args([
                "lint",
                "--select",
                RULES,
                "--format",
                "concise",
                "--stdin-filename",
                "k8s/buffer.yaml",
                "-"
            ])
            .pass_stdin(POD)
    );
}

#[test]
fn stdin_without_a_filename_is_a_manifest_named_dash() {
    assert_cmd_snapshot!(
        harden()
            .args(["lint", "--select", RULES, "--format", "concise", "-"])
            .pass_stdin(POD)
    );
}

#[test]
fn stdin_filename_says_it_is_a_dockerfile() {
    assert_cmd_snapshot!(
        harden()
            .args([
                "lint",
                "--select",
                "dockerfile-no-sudo,dockerfile-user-defined",
                "--format",
                "concise",
                "--stdin-filename",
                "build/api.Dockerfile",
                "-"
            ])
            .pass_stdin("FROM alpine:3.20\nRUN sudo apk add curl\n")
    );
}

#[test]
fn stdin_with_other_paths() {
    assert_cmd_snapshot!(
        harden()
            .args([
                "lint",
                "testdata/cli/findings",
                "-",
                "--select",
                RULES,
                "--format",
                "concise",
                "--stdin-filename",
                "buffer.yaml"
            ])
            .pass_stdin("apiVersion: v1\nkind: Pod\nmetadata: {name: a\n")
    );
}

#[test]
fn stdin_filename_without_dash_is_a_usage_error() {
    assert_cmd_snapshot!(harden().args([
        "lint",
        "testdata/cli/findings",
        "--stdin-filename",
        "pod.yaml"
    ]));
}

#[test]
fn a_file_inside_a_chart_lints_the_chart_and_reports_only_named_files() {
    // The chart is read whole (and, in this version, skipped as a chart);
    // findings of the named manifest are kept, those of its neighbour are not
    // named and stay out.
    assert_cmd_snapshot!(harden().args([
        "lint",
        "testdata/cli/chart-focus/chart/templates/deployment.yaml",
        "testdata/cli/chart-focus/chart/charts/db/templates/statefulset.yaml",
        "testdata/cli/chart-focus/k8s/pod.yaml",
        "--select",
        RULES,
        "--format",
        "concise",
        "--verbose"
    ]));
}

fn findings_in(report_only: &[&str]) -> Vec<String> {
    let options = harden::LintOptions {
        paths: vec!["testdata/cli/chart-focus/k8s".into()],
        cwd: Some(common::repo()),
        selection: harden::engine::Selection {
            select: RULES.split(',').map(String::from).collect(),
            ..Default::default()
        },
        report_only: report_only.iter().map(Into::into).collect(),
        ..Default::default()
    };
    let result = harden::lint_paths(&options).unwrap();
    let mut paths: Vec<String> = result
        .findings
        .iter()
        .map(|f| f.file.path.clone())
        .collect();
    paths.dedup();
    paths
}

#[test]
fn report_only_keeps_the_findings_of_the_named_files() {
    let agent = "testdata/cli/chart-focus/k8s/agent.yaml";
    let pod = "testdata/cli/chart-focus/k8s/pod.yaml";
    assert_eq!(findings_in(&[]), [agent, pod]);
    assert_eq!(findings_in(&[pod]), [pod]);
    assert_eq!(
        findings_in(&["./testdata/cli/chart-focus/k8s/pod.yaml"]),
        [pod]
    );
    assert_eq!(findings_in(&["testdata/cli/chart-focus/k8s"]), [agent, pod]);
    assert_eq!(findings_in(&["."]), [agent, pod]);
    // A sibling whose name starts the same is not below the directory.
    assert!(findings_in(&["testdata/cli/chart-focus/k8"]).is_empty());
}

#[test]
fn chart_root_is_the_chart_that_renders_a_file() {
    use harden::discover::chart_root;
    let repo = common::repo();
    let base = repo.join("testdata/cli/chart-focus");
    let chart = base.join("chart");
    for inside in [
        "chart/templates/deployment.yaml",
        "chart/templates/_helpers.tpl",
        "chart/values.yaml",
        "chart/Chart.yaml",
        "chart/templates",
        "chart",
        "chart/charts/db/templates/statefulset.yaml",
        "chart/charts/db",
    ] {
        assert_eq!(
            chart_root(&base.join(inside), &repo).as_deref(),
            Some(chart.as_path()),
            "{inside}"
        );
    }
    assert_eq!(chart_root(&base.join("k8s/pod.yaml"), &repo), None);
    assert_eq!(chart_root(&base.join("k8s"), &repo), None);
    // The search stops at the working directory.
    assert_eq!(
        chart_root(
            &chart.join("templates/deployment.yaml"),
            &chart.join("templates")
        ),
        None
    );
}

#[test]
fn stdin_is_reported_beside_a_file_inside_a_chart() {
    let output = harden()
        .args([
            "lint",
            "testdata/cli/chart-focus/chart/values.yaml",
            "-",
            "--stdin-filename",
            "./k8s/buffer.yaml",
            "--select",
            RULES,
            "--format",
            "concise",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(POD.as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.starts_with("k8s/buffer.yaml:10:21: critical[no-privileged-container]"),
        "{stdout}"
    );
}

#[test]
fn checklist_stays_within_a_pull_request_comment() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..300 {
        let pod = format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: pod-{i}}}\nspec:\n  hostNetwork: true\n  hostPID: true\n  containers:\n    - name: app\n      image: app:latest\n      securityContext: {{privileged: true}}\n"
        );
        std::fs::write(
            dir.path().join(format!(
                "{}-pod-{i:03}.yaml",
                "a-rather-long-file-name".repeat(4)
            )),
            pod,
        )
        .unwrap();
    }
    let options = harden::LintOptions {
        paths: vec![dir.path().to_path_buf()],
        cwd: Some(dir.path().to_path_buf()),
        threads: Some(2),
        ..Default::default()
    };
    let result = harden::lint_paths(&options).unwrap();
    assert!(result.findings.len() > 3000);
    let text = harden::report::Report {
        registry: harden::engine::registry(),
        enabled: &result.enabled,
        findings: &result.findings,
        files_checked: result.files_checked(),
        root: dir.path().to_path_buf(),
        color: false,
        summary: true,
    }
    .render(harden::report::Format::Checklist);
    assert!(text.len() <= 60_000, "{} bytes", text.len());
    // Ten findings per check would not fit: fewer are listed, and it says so.
    assert!(text.contains("*The first "), "{text}");
    assert!(text.contains(" more\n"), "{text}");
    assert!(text.contains("| ❌ | Host access |"));
}

#[test]
fn stdin_named_inside_a_chart_is_left_to_the_chart() {
    // A template is no YAML until rendered: no invalid-input for it.
    assert_cmd_snapshot!(
        harden()
            .args([
                "lint",
                "--select",
                RULES,
                "--format",
                "concise",
                "--verbose",
                "--stdin-filename",
                "testdata/cli/chart-focus/chart/templates/deployment.yaml",
                "-"
            ])
            .pass_stdin("metadata:\n  name: {{ .Release.Name }}\n  {{- include \"x\" . }}\n")
    );
}

#[test]
fn discover_widens_a_chart_file_to_its_chart_and_keeps_the_named_paths() {
    let repo = common::repo();
    let named = [
        "testdata/cli/chart-focus/chart/templates/_helpers.tpl",
        "./testdata/cli/chart-focus/k8s/pod.yaml",
    ];
    let paths: Vec<std::path::PathBuf> = named.iter().map(Into::into).collect();
    let globs = globset::GlobSet::empty();
    let found = harden::discover::discover(&paths, &repo, &globs);
    assert_eq!(
        found.focus,
        [
            "testdata/cli/chart-focus/chart/templates/_helpers.tpl",
            "testdata/cli/chart-focus/k8s/pod.yaml"
        ]
    );
    let files: Vec<&str> = found.files.iter().map(|f| f.display.as_str()).collect();
    assert_eq!(files, ["testdata/cli/chart-focus/k8s/pod.yaml"]);
    assert!(
        found
            .skipped
            .iter()
            .any(|s| s.display == "testdata/cli/chart-focus/chart")
    );
    // Without a chart file among the paths, nothing is narrowed.
    let found = harden::discover::discover(&paths[1..], &repo, &globs);
    assert!(found.focus.is_empty());
}
