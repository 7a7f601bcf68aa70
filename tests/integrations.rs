//! The files that fit harden into other tools: the pre-commit hooks, the
//! GitHub Action's run script, the VS Code problem matchers, and the rule
//! listings.

mod common;

use std::path::Path;
use std::process::Command;

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};
use regex::Regex;
use serde_json::Value;

const RULES: &str = "no-privileged-container,no-host-network,invalid-input";

fn harden() -> Command {
    let mut command = Command::new(get_cargo_bin("harden"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS");
    command
}

fn yaml_file(path: &str) -> Value {
    let text = std::fs::read_to_string(common::repo().join(path)).unwrap();
    harden::yaml::to_json(&text).unwrap()
}

fn json_file(path: &str) -> Value {
    let text = std::fs::read_to_string(common::repo().join(path)).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn hooks() -> Vec<Value> {
    yaml_file(".pre-commit-hooks.yaml")
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn pre_commit_hooks_are_declared() {
    let hooks = hooks();
    let languages: Vec<&str> = hooks
        .iter()
        .map(|h| h["language"].as_str().unwrap())
        .collect();
    assert_eq!(languages, ["rust", "system"]);
    for hook in &hooks {
        assert!(hook["id"].as_str().unwrap().starts_with("harden"));
        assert_eq!(hook["entry"], "harden lint");
        assert_eq!(hook["require_serial"], true);
        assert_eq!(hook["pass_filenames"], true);
        assert_eq!(hook["files"], hooks[0]["files"]);
    }
}

#[test]
fn pre_commit_files_pattern_covers_manifests_charts_and_dockerfiles() {
    // pre-commit searches the pattern anywhere in the path (Python's
    // re.search); this pattern reads the same in Rust's regex syntax.
    let files = Regex::new(hooks()[0]["files"].as_str().unwrap()).unwrap();
    for path in [
        "deploy.yaml",
        "k8s/base/service.yml",
        "k8s/list.json",
        "chart/Chart.yaml",
        "chart/values-prod.yaml",
        "chart/templates/deployment.yaml",
        "chart/templates/_helpers.tpl",
        "chart/templates/NOTES.txt",
        "Dockerfile",
        "build/Dockerfile.prod",
        "build/api.Dockerfile",
        "web.dockerfile",
        "Containerfile",
    ] {
        assert!(files.is_match(path), "{path} should be passed to harden");
    }
    for path in [
        "README.md",
        "src/main.rs",
        "notes.txt",
        "Dockerfile-notes.md",
        "docs/Dockerfile/README.md",
    ] {
        assert!(!files.is_match(path), "{path} should not be passed");
    }
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

/// A repository with a manifest, a chart and a Dockerfile, committed.
fn committed_repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let files = [
        (
            "k8s/pod.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: debug}\nspec:\n  hostNetwork: true\n  containers:\n    - name: shell\n      image: busybox:1.36\n",
        ),
        (
            "k8s/clean.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n",
        ),
        (
            "chart/Chart.yaml",
            "apiVersion: v2\nname: web\nversion: 0.1.0\n",
        ),
        ("chart/values.yaml", "privileged: true\n"),
        (
            "chart/templates/pod.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27\n      securityContext: {privileged: {{ .Values.privileged }}}\n",
        ),
        ("Dockerfile", "FROM alpine:3.20\nRUN sudo apk add curl\n"),
        ("README.md", "# demo\n"),
    ];
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(
        root,
        &[
            "-c",
            "user.name=harden",
            "-c",
            "user.email=harden@example.com",
            "commit",
            "-q",
            "-m",
            "initial",
        ],
    );
    dir
}

/// The command pre-commit runs: the hook's entry, the user's `args`, then the
/// files of the commit that match `files`.
fn hook_command(repo: &Path, args: &[&str]) -> Command {
    let hook = &hooks()[1];
    let files = Regex::new(hook["files"].as_str().unwrap()).unwrap();
    let listed = Command::new("git")
        .args(["ls-files"])
        .current_dir(repo)
        .output()
        .unwrap();
    let tracked = String::from_utf8(listed.stdout).unwrap();
    let mut entry = hook["entry"].as_str().unwrap().split_whitespace();
    assert_eq!(entry.next(), Some("harden"));
    let mut command = Command::new(get_cargo_bin("harden"));
    command
        .current_dir(repo)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .args(entry)
        .args(args)
        .args(tracked.lines().filter(|path| files.is_match(path)));
    command
}

#[test]
fn pre_commit_hook_runs_on_the_files_of_a_commit() {
    let repo = committed_repository();
    let args = [
        "--select",
        "no-privileged-container,no-host-network,dockerfile-no-sudo,invalid-input",
        "--format",
        "concise",
        "--verbose",
    ];
    // README.md is not passed; the chart's files are linted as the chart
    // (skipped in this version), never as plain YAML.
    assert_cmd_snapshot!(hook_command(repo.path(), &args));
}

#[test]
fn pre_commit_hook_passes_on_clean_files() {
    let repo = committed_repository();
    std::fs::write(
        repo.path().join("k8s/pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: debug}\nspec:\n  containers:\n    - name: shell\n      image: busybox:1.36\n",
    )
    .unwrap();
    std::fs::write(
        repo.path().join("Dockerfile"),
        "FROM alpine:3.20\nRUN apk add curl\n",
    )
    .unwrap();
    let output = hook_command(
        repo.path(),
        &[
            "--select",
            "no-privileged-container,no-host-network,dockerfile-no-sudo",
        ],
    )
    .output()
    .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn action_declares_its_inputs_and_uploads_sarif() {
    let action = yaml_file("action.yml");
    let inputs = action["inputs"].as_object().unwrap();
    let names: Vec<&str> = inputs.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "path",
            "config",
            "fail-on",
            "format",
            "sarif-file",
            "upload-sarif",
            "category",
            "version",
            "args"
        ]
    );
    assert_eq!(inputs["upload-sarif"]["default"], "true");
    assert_eq!(action["runs"]["using"], "composite");
    let steps = action["runs"]["steps"].as_array().unwrap();
    let run = &steps[0];
    assert!(
        run["run"]
            .as_str()
            .unwrap()
            .contains("scripts/action-run.sh")
    );
    // Every input but the upload's own reaches the script.
    for name in names {
        if matches!(name, "upload-sarif" | "category") {
            continue;
        }
        let variable = format!("INPUT_{}", name.to_uppercase().replace('-', "_"));
        assert_eq!(
            run["env"][&variable],
            format!("${{{{ inputs.{name} }}}}"),
            "{variable}"
        );
    }
    assert!(
        steps[1]["uses"]
            .as_str()
            .unwrap()
            .starts_with("github/codeql-action/upload-sarif@")
    );
    assert!(steps[2]["run"].as_str().unwrap().contains("exit"));
}

fn run_action(dir: &Path, path: &str, extra: &[(&str, &str)]) -> (i32, String, String) {
    let output_file = dir.join("github-output");
    let mut command = Command::new("bash");
    command
        .arg("scripts/action-run.sh")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("GITHUB_ACTIONS")
        .env("HARDEN_BIN", get_cargo_bin("harden"))
        .env("INPUT_PATH", path)
        .env("INPUT_ARGS", format!("--select {RULES}"))
        .env("INPUT_SARIF_FILE", dir.join("harden.sarif"))
        .env("GITHUB_OUTPUT", &output_file);
    for (key, value) in extra {
        command.env(key, value);
    }
    let output = command.output().unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        std::fs::read_to_string(&output_file).unwrap_or_default(),
    )
}

#[test]
fn action_script_writes_annotations_and_sarif_and_returns_hardens_status() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, outputs) = run_action(dir.path(), "testdata/cli/findings", &[]);
    assert_eq!(code, 1);
    assert!(
        stdout.starts_with("::error file=testdata/cli/findings/pod.yaml,line=6,col=16,"),
        "{stdout}"
    );
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("harden.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 2);
    assert!(outputs.contains("exit-code=1\n"), "{outputs}");
    assert!(outputs.contains("sarif-written=true\n"), "{outputs}");

    let (code, _, outputs) = run_action(
        dir.path(),
        "testdata/cli/findings",
        &[
            ("INPUT_FAIL_ON", "critical"),
            ("INPUT_ARGS", "--select no-host-network"),
        ],
    );
    assert_eq!(code, 0);
    assert!(outputs.contains("exit-code=0\n"), "{outputs}");

    let (code, stdout, _) = run_action(
        dir.path(),
        "testdata/cli/clean",
        &[("INPUT_FORMAT", "concise")],
    );
    assert_eq!(code, 0);
    assert_eq!(stdout, "No findings; 1 file checked.\n");

    let (code, _, outputs) = run_action(dir.path(), "testdata/cli/does-not-exist", &[]);
    assert_eq!(code, 2);
    assert!(outputs.contains("exit-code=2\n"), "{outputs}");
}

/// Every problem matcher shipped for VS Code, with the severity it gives.
fn matchers() -> Vec<(Regex, String, Value)> {
    let package = json_file("editors/vscode/package.json");
    let tasks = json_file("editors/vscode/tasks.json");
    let mut all: Vec<Value> = package["contributes"]["problemMatchers"]
        .as_array()
        .unwrap()
        .clone();
    for task in tasks["tasks"].as_array().unwrap() {
        for matcher in task["problemMatcher"].as_array().unwrap() {
            match matcher {
                Value::String(name) => {
                    let name = name.strip_prefix('$').unwrap();
                    assert!(
                        all.iter().any(|m| m["name"] == name),
                        "tasks.json names an unknown matcher ${name}"
                    );
                }
                other => all.push(other.clone()),
            }
        }
    }
    all.into_iter()
        .map(|m| {
            let regex = Regex::new(m["pattern"]["regexp"].as_str().unwrap()).unwrap();
            let severity = m["severity"].as_str().unwrap().to_string();
            (regex, severity, m["pattern"].clone())
        })
        .collect()
}

#[test]
fn vscode_problem_matchers_read_concise_output() {
    let matchers = matchers();
    assert_eq!(matchers.len(), 6);
    let output = harden()
        .args(["lint", "testdata/repos/demo", "testdata/cli/findings"])
        .args(["--format", "concise", "--select", "all"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let mut lines: Vec<&str> = stdout.lines().collect();
    let summary = lines.pop().unwrap();
    assert!(matchers.iter().all(|(re, _, _)| !re.is_match(summary)));
    let mut severities = std::collections::BTreeSet::new();
    for line in lines {
        // path:line:col: severity[rule] message, split by hand.
        let (location, rest) = line.split_once(": ").unwrap();
        let mut parts = location.rsplitn(3, ':');
        let column = parts.next().unwrap();
        let row = parts.next().unwrap();
        let path = parts.next().unwrap();
        let (severity, rest) = rest.split_once('[').unwrap();
        let (rule, message) = rest.split_once("] ").unwrap();
        severities.insert(severity.to_string());
        let expected = match severity {
            "critical" | "high" => "error",
            "medium" => "warning",
            _ => "info",
        };
        let hits: Vec<_> = matchers
            .iter()
            .filter_map(|(re, sev, pattern)| re.captures(line).map(|c| (c, sev, pattern)))
            .collect();
        // Each line is read by one contributed matcher and one inline copy.
        assert_eq!(hits.len(), 2, "{line}");
        for (captures, matched, pattern) in hits {
            assert_eq!(matched, expected, "{line}");
            let group = |key: &str| &captures[pattern[key].as_u64().unwrap() as usize];
            assert_eq!(group("file"), path);
            assert_eq!(group("line"), row);
            assert_eq!(group("column"), column);
            assert_eq!(group("code"), rule);
            assert_eq!(group("message"), message);
        }
    }
    // The demo covers every severity, so every matcher was exercised.
    assert_eq!(severities.len(), 5, "{severities:?}");
}

#[test]
fn rules_listing_formats() {
    let registry = harden::engine::registry();
    let count = registry.rules.len();
    let table = harden().args(["rules"]).output().unwrap();
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(table.starts_with("RULE "));
    assert_eq!(table.lines().count(), count + 1);
    let markdown = harden()
        .args(["rules", "--format", "markdown"])
        .output()
        .unwrap();
    assert_eq!(markdown.status.code(), Some(0));
    let markdown = String::from_utf8(markdown.stdout).unwrap();
    assert!(markdown.starts_with("| Rule | Severity | Target | Tags | Summary |\n|---|"));
    assert_eq!(markdown.lines().count(), count + 2);
    assert!(markdown.contains("| `no-privileged-container` | critical | container |"));
    let json = harden()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), count);
    assert_eq!(json[0]["id"], registry.rules[0].spec.id.as_str());
}

#[test]
fn rules_format_must_be_known() {
    assert_cmd_snapshot!(harden().args(["rules", "--format", "yaml"]));
}
