//! Configuration files, suppressions and baselines, through the command line.

use std::path::{Path, PathBuf};
use std::process::Command;

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn harden_in(dir: impl AsRef<Path>) -> Command {
    let mut command = Command::new(get_cargo_bin("harden"));
    command
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS");
    command
}

fn fixture(name: &str) -> PathBuf {
    root().join("testdata/config").join(name)
}

fn run(command: &mut Command) -> (Option<i32>, String, String) {
    let output = command.output().unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

// --- Configuration ---------------------------------------------------------

#[test]
fn config_selects_ignores_overrides_excludes_and_excepts() {
    // `run-as-non-root` is ignored, `no-host-pid` is lowered to info,
    // `vendor/` is excluded, the DaemonSet's host network is excepted, the
    // lapsed exception no longer hides the privileged container and is
    // reported, and the exception that matched nothing is reported.
    assert_cmd_snapshot!(harden_in(fixture("basic")).args(["lint", "--format", "concise", "-v"]));
}

#[test]
fn config_is_found_walking_up() {
    assert_cmd_snapshot!(harden_in(fixture("basic/sub")).args([
        "lint",
        "..",
        "--format",
        "concise",
        "--statistics"
    ]));
}

#[test]
fn exceptions_are_not_reported_unused_when_only_part_of_the_tree_is_checked() {
    let (code, stdout, _) =
        run(harden_in(fixture("basic/sub")).args(["lint", "--format", "concise"]));
    assert_eq!(code, Some(0), "{stdout}");
    assert!(!stdout.contains("matched no finding"), "{stdout}");
    // A lapsed exception is reported whatever is checked.
    assert!(
        stdout.contains("exception lapsed on 2020-06-30"),
        "{stdout}"
    );
    assert!(stdout.starts_with("../.harden.yaml:19:5:"), "{stdout}");
}

#[test]
fn isolated_ignores_the_file() {
    assert_cmd_snapshot!(harden_in(fixture("basic")).args([
        "lint",
        "--isolated",
        "--select",
        "no-host-network,no-host-pid",
        "--format",
        "concise"
    ]));
}

#[test]
fn config_flag_names_the_file() {
    assert_cmd_snapshot!(harden_in(root()).args([
        "lint",
        "testdata/config/basic",
        "--config",
        "testdata/config/basic/.harden.yaml",
        "--format",
        "concise"
    ]));
}

#[test]
fn config_and_isolated_conflict() {
    let (code, _, stderr) =
        run(harden_in(root()).args(["lint", "--isolated", "--config", "x.yaml"]));
    assert_eq!(code, Some(2));
    assert!(stderr.contains("cannot be used with"), "{stderr}");
}

#[test]
fn flags_override_the_file() {
    // --select replaces the file's selection; a rule the file ignores runs
    // when the command line names it; --fail-on replaces the file's.
    assert_cmd_snapshot!(harden_in(fixture("basic")).args([
        "lint",
        "--select",
        "no-host-pid,run-as-non-root",
        "--fail-on",
        "critical",
        "--format",
        "concise"
    ]));
}

#[test]
fn severity_overrides_change_the_exit_status() {
    // The file lowers no-host-pid to info and fails on high: exit 0.
    let args = ["lint", "--select", "no-host-pid", "--format", "concise"];
    let (code, stdout, _) = run(harden_in(fixture("basic")).args(args));
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("info[no-host-pid]"), "{stdout}");
    let (code, _, _) = run(harden_in(fixture("basic"))
        .args(args)
        .args(["--fail-on", "info"]));
    assert_eq!(code, Some(1));
    // Without the file the rule's own severity (high) applies and fails.
    let (code, stdout, _) = run(harden_in(fixture("basic")).args(args).arg("--isolated"));
    assert_eq!(code, Some(1));
    assert!(stdout.contains("high[no-host-pid]"), "{stdout}");
}

#[test]
fn exit_zero_and_quiet_with_a_config() {
    let (code, stdout, stderr) = run(harden_in(fixture("basic")).args([
        "lint",
        "--exit-zero",
        "--quiet",
        "--format",
        "concise",
    ]));
    assert_eq!(code, Some(0));
    assert!(!stdout.contains("findings ("), "{stdout}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn the_walk_stops_at_the_repository_root() {
    let dir = tempfile::tempdir().unwrap();
    // A broken file above the repository: reading it would be an error.
    std::fs::write(dir.path().join(".harden.yaml"), "bogus: [").unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::create_dir_all(repo.join("sub")).unwrap();
    let (code, _, stderr) = run(harden_in(repo.join("sub")).args(["lint", "--format", "concise"]));
    assert_eq!(code, Some(0), "{stderr}");
    // Without the repository marker the walk goes on and finds it.
    std::fs::remove_dir(repo.join(".git")).unwrap();
    let (code, _, stderr) = run(harden_in(repo.join("sub")).args(["lint", "--format", "concise"]));
    assert_eq!(code, Some(2));
    assert!(
        stderr.starts_with("harden: error: ../../.harden.yaml:1:"),
        "{stderr}"
    );
}

#[test]
fn yml_extension_is_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".harden.yml"), "select: [no-such-rule]\n").unwrap();
    assert_cmd_snapshot!(harden_in(dir.path()).args(["lint"]));
}

#[test]
fn config_errors_name_file_line_and_column() {
    assert_cmd_snapshot!(harden_in(fixture("errors")).args([
        "lint",
        "--config",
        "unknown-keys.yaml"
    ]));
}

#[test]
fn invalid_yaml_in_config_is_an_error() {
    assert_cmd_snapshot!(harden_in(fixture("errors")).args(["lint", "--config", "broken.yaml"]));
}

#[test]
fn rule_options_reach_the_rule() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      image: app:1.0\n",
    )
    .unwrap();
    let select = [
        "lint",
        "--select",
        "image-registry-allowlist",
        "--format",
        "concise",
    ];
    std::fs::write(
        dir.path().join(".harden.yaml"),
        "rules:\n  image-registry-allowlist:\n    allowed: [docker.io]\n",
    )
    .unwrap();
    let (code, stdout, stderr) = run(harden_in(dir.path()).args(select));
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    std::fs::write(
        dir.path().join(".harden.yaml"),
        "rules:\n  image-registry-allowlist:\n    allowed: [registry.example.com]\n",
    )
    .unwrap();
    let (code, stdout, _) = run(harden_in(dir.path()).args(select));
    assert_eq!(code, Some(1), "{stdout}");
}

#[test]
fn helm_settings_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("charts/shop");
    std::fs::create_dir_all(&chart).unwrap();
    std::fs::write(chart.join("values-prod.yaml"), "replicas: 3\n").unwrap();
    let path = dir.path().join(".harden.yaml");
    std::fs::write(
        &path,
        "helm:\n  release-name: demo\n  kube-version: \"1.30\"\n  charts:\n    charts/shop:\n      values: [charts/shop/values-prod.yaml]\n      namespace: shop\n",
    )
    .unwrap();
    let config =
        harden::config::load(&path, dir.path(), harden::engine::registry()).expect("valid");
    let settings = config.helm.chart(&chart);
    assert_eq!(settings.release_name.as_deref(), Some("demo"));
    assert_eq!(settings.namespace.as_deref(), Some("shop"));
    assert_eq!(
        settings.kube_version.map(|v| v.to_string()).as_deref(),
        Some("1.30")
    );
    assert_eq!(settings.values, vec![chart.join("values-prod.yaml")]);
    // A chart without its own settings gets the shared ones.
    let other = config.helm.chart(&dir.path().join("charts/other"));
    assert_eq!(other.release_name.as_deref(), Some("demo"));
    assert!(other.values.is_empty());
}

#[test]
fn rules_dirs_resolve_against_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("policy/rules")).unwrap();
    std::fs::create_dir_all(dir.path().join("sub")).unwrap();
    let path = dir.path().join(".harden.yaml");
    std::fs::write(&path, "rules-dirs: [policy/rules]\n").unwrap();
    let config = harden::config::load(&path, &dir.path().join("sub"), harden::engine::registry())
        .expect("valid");
    assert_eq!(config.rules_dirs, vec![dir.path().join("policy/rules")]);
    std::fs::write(&path, "rules-dirs: [policy/missing]\n").unwrap();
    let error = harden::config::load(&path, dir.path(), harden::engine::registry()).unwrap_err();
    assert_eq!(
        error.to_string(),
        ".harden.yaml:1:14: no directory `policy/missing` next to the configuration file"
    );
}

#[test]
fn targets_select_rules() {
    let (code, stdout, _) = run(harden_in(root()).args([
        "lint",
        "testdata/config/suppress/Dockerfile",
        "--isolated",
        "--select",
        "dockerfile",
        "--ignore",
        "unused-suppression",
        "--format",
        "concise",
    ]));
    assert_eq!(code, Some(1));
    assert!(stdout.contains("[dockerfile-pin-os-packages]"), "{stdout}");
    let (code, stdout, _) = run(harden_in(root()).args([
        "lint",
        "testdata/config/suppress/pods.yaml",
        "--isolated",
        "--select",
        "pod",
        "--format",
        "concise",
    ]));
    assert_eq!(code, Some(1));
    assert!(stdout.contains("[no-host-network]"), "{stdout}");
    assert!(
        !stdout.contains("[no-privileged-container]"),
        "a container rule: {stdout}"
    );
}

// --- init and the schema -----------------------------------------------------

#[test]
fn init_writes_a_starter_that_loads() {
    let dir = tempfile::tempdir().unwrap();
    assert_cmd_snapshot!("init_writes", harden_in(dir.path()).arg("init"));
    let written = std::fs::read_to_string(dir.path().join(".harden.yaml")).unwrap();
    assert_eq!(written, harden::config::STARTER);
    // The starter is a valid configuration: linting with it works.
    let (code, _, stderr) = run(harden_in(dir.path()).args(["lint", "--format", "concise"]));
    assert_eq!(code, Some(0), "{stderr}");
    // A second init refuses to overwrite it.
    assert_cmd_snapshot!(
        "init_refuses_to_overwrite",
        harden_in(dir.path()).arg("init")
    );
}

#[test]
fn init_refuses_to_overwrite_a_yml_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".harden.yml"), "{}\n").unwrap();
    let (code, _, stderr) = run(harden_in(dir.path()).arg("init"));
    assert_eq!(code, Some(2));
    assert!(stderr.contains(".harden.yml already exists"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".harden.yml")).unwrap(),
        "{}\n"
    );
}

const SCHEMA_PATH: &str = "schemas/harden-config.schema.json";

fn schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&harden::config::schema::json_schema()).unwrap();
    text.push('\n');
    text
}

/// The committed schema is the one the code describes. To refresh it:
/// `HARDEN_UPDATE_SCHEMA=1 cargo test --test config schema`.
#[test]
fn committed_schema_matches_the_code() {
    let path = root().join(SCHEMA_PATH);
    let expected = schema_text();
    if std::env::var_os("HARDEN_UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &expected).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == expected,
        "{SCHEMA_PATH} is out of date; run `HARDEN_UPDATE_SCHEMA=1 cargo test --test config schema`"
    );
}

#[test]
fn config_schema_command_prints_the_schema() {
    let (code, stdout, _) = run(harden_in(root()).arg("config-schema"));
    assert_eq!(code, Some(0));
    assert_eq!(stdout, schema_text());
}

fn schema_accepts(yaml: &str) -> bool {
    let schema = harden::config::schema::json_schema();
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let instance = harden::yaml::to_json(yaml).expect("valid YAML");
    validator.is_valid(&instance)
}

fn harden_accepts(yaml: &str) -> bool {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".harden.yaml");
    std::fs::write(&path, yaml).unwrap();
    harden::config::load(&path, dir.path(), harden::engine::registry()).is_ok()
}

#[test]
fn schema_and_validator_agree() {
    for accepted in [
        harden::config::STARTER.to_string(),
        std::fs::read_to_string(fixture("basic/.harden.yaml")).unwrap(),
    ] {
        assert!(schema_accepts(&accepted), "{accepted}");
    }
    let rejected = std::fs::read_to_string(fixture("errors/unknown-keys.yaml")).unwrap();
    assert!(!schema_accepts(&rejected));
    for (yaml, ok) in [
        ("", true),
        ("select: all\n", true),
        ("select: [1, 2]\n", false),
        ("ignore: {a: b}\n", false),
        ("exclude:\n", true),
        ("exclude: vendor\n", false),
        ("severity: {no-host-pid: low}\n", true),
        ("severity: {no-host-pid: [low]}\n", false),
        ("exceptions: [{rules: no-host-pid}]\n", false),
        (
            "exceptions: [{rules: no-host-pid, reason: because, until: 2030-01-01}]\n",
            true,
        ),
        (
            "exceptions: [{rules: no-host-pid, reason: because, until: soon}]\n",
            false,
        ),
        ("exceptions:\n  -\n", false),
        ("kube-version: 1.30\n", true),
        ("kube-version: [1]\n", false),
        ("fail-on: severe\n", false),
        ("helm: {release-name: demo, namespace: shop}\n", true),
        ("helm: {charts: {a: {values: [x], bogus: 1}}}\n", false),
        ("rules: {no-host-pid: }\n", true),
        ("- a list\n", false),
        ("unknown: 1\n", false),
    ] {
        assert_eq!(schema_accepts(yaml), ok, "schema: {yaml}");
        assert_eq!(harden_accepts(yaml), ok, "harden: {yaml}");
    }
}

// --- Suppressions --------------------------------------------------------------

const SUPPRESS_RULES: &str = "no-host-network,no-host-pid,no-host-ipc,no-privileged-container,\
    unused-suppression,dockerfile-no-sudo,dockerfile-pin-os-packages";

#[test]
fn comments_and_annotations_suppress() {
    assert_cmd_snapshot!(harden_in(fixture("suppress")).args([
        "lint",
        "--isolated",
        "--select",
        SUPPRESS_RULES,
        "--format",
        "concise"
    ]));
}

#[test]
fn annotations_suppress_findings_of_rules_over_the_whole_set() {
    // The Service's selector is judged against every workload after all
    // files are read; its annotation still suppresses the finding.
    assert_cmd_snapshot!(harden_in(fixture("suppress-set")).args([
        "lint",
        "--isolated",
        "--select",
        "service-selects-pods,unused-suppression",
        "--format",
        "concise"
    ]));
}

#[test]
fn suppressions_of_cross_object_rules_are_not_judged_on_a_file_alone() {
    // Checked alone, the Service file holds no workload, so the rule cannot
    // fire and its suppression cannot be called unused.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("suppress-set/services.yaml")).unwrap();
    let service = text.split("---").next().unwrap();
    std::fs::write(dir.path().join("service.yaml"), service).unwrap();
    let args = [
        "--isolated",
        "--select",
        "service-selects-pods,unused-suppression",
        "--format",
        "concise",
    ];
    let (code, stdout, _) = run(harden_in(dir.path())
        .args(["lint", "service.yaml"])
        .args(args));
    assert_eq!(code, Some(0), "{stdout}");
    // Checked as part of its directory, it is judged.
    let (code, stdout, _) = run(harden_in(dir.path()).args(["lint", "."]).args(args));
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("suppression of `service-selects-pods` matched no finding"),
        "{stdout}"
    );
}

#[test]
fn suppressions_of_rules_that_did_not_run_are_not_reported() {
    let (code, stdout, _) = run(harden_in(fixture("suppress")).args([
        "lint",
        "--isolated",
        "--select",
        "unused-suppression",
        "--format",
        "concise",
    ]));
    assert_eq!(code, Some(1));
    // Only the suppression that names no rule at all is reported.
    assert_eq!(
        stdout
            .lines()
            .filter(|l| l.contains("[unused-suppression]"))
            .count(),
        1,
        "{stdout}"
    );
    assert!(
        stdout.contains("`no-host-netwrok`, which is not a rule"),
        "{stdout}"
    );
}

#[test]
fn unused_suppressions_can_be_ignored() {
    let (_, stdout, _) = run(harden_in(fixture("suppress")).args([
        "lint",
        "--isolated",
        "--select",
        SUPPRESS_RULES,
        "--ignore",
        "unused-suppression",
        "--format",
        "concise",
    ]));
    assert!(!stdout.contains("unused-suppression"), "{stdout}");
}

// --- Baselines -----------------------------------------------------------------

const POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  hostNetwork: true
  containers:
    - name: app
      image: registry.example.com/app:1.0
";

const BASELINE_RULES: &str = "no-host-network,no-host-pid,dockerfile-no-sudo";

#[test]
fn baseline_survives_moved_lines_and_shows_new_findings() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path();
    std::fs::write(path.join("pod.yaml"), POD).unwrap();
    std::fs::write(
        path.join("Dockerfile"),
        "FROM base:1\nRUN sudo make\nRUN sudo make\n",
    )
    .unwrap();
    let lint = |extra: &[&str]| {
        run(harden_in(path)
            .args([
                "lint",
                ".",
                "--isolated",
                "--select",
                BASELINE_RULES,
                "--format",
                "concise",
            ])
            .args(extra))
    };
    assert_cmd_snapshot!(
        "baseline_write",
        harden_in(path).args([
            "lint",
            "--isolated",
            "--select",
            BASELINE_RULES,
            "--write-baseline",
            "baseline.json"
        ])
    );
    let (code, stdout, stderr) = lint(&["--baseline", "baseline.json", "-v"]);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stderr.contains("3 findings left out"), "{stderr}");
    // Lines inserted above the findings move them; they stay baselined.
    std::fs::write(path.join("pod.yaml"), format!("# a comment\n\n{POD}")).unwrap();
    std::fs::write(
        path.join("Dockerfile"),
        "# syntax=docker/dockerfile:1\nFROM base:1\n\nRUN sudo make\nRUN sudo make\n",
    )
    .unwrap();
    let (code, stdout, _) = lint(&["--baseline", "baseline.json"]);
    assert_eq!(code, Some(0), "{stdout}");
    // A new finding still shows: a new field of the pod, and a third copy of
    // a line the baseline holds twice.
    std::fs::write(
        path.join("pod.yaml"),
        format!(
            "# a comment\n\n{}",
            POD.replace("spec:\n", "spec:\n  hostPID: true\n")
        ),
    )
    .unwrap();
    std::fs::write(
        path.join("Dockerfile"),
        "FROM base:1\nRUN sudo make\nRUN sudo make\nRUN sudo make\n",
    )
    .unwrap();
    assert_cmd_snapshot!(
        "baseline_new_findings",
        harden_in(path).args([
            "lint",
            "--isolated",
            "--select",
            BASELINE_RULES,
            "--baseline",
            "baseline.json",
            "--format",
            "concise"
        ])
    );
}

#[test]
fn baseline_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.json"),
        "{\"version\": 9, \"findings\": []}",
    )
    .unwrap();
    let (code, _, stderr) = run(harden_in(dir.path()).args(["lint", "--baseline", "bad.json"]));
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("baseline version 9 is not supported"),
        "{stderr}"
    );
    let (code, _, stderr) = run(harden_in(dir.path()).args(["lint", "--baseline", "missing.json"]));
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("cannot read baseline missing.json"),
        "{stderr}"
    );
    let (code, _, _) = run(harden_in(dir.path()).args([
        "lint",
        "--baseline",
        "a.json",
        "--write-baseline",
        "b.json",
    ]));
    assert_eq!(code, Some(2));
}

#[test]
fn statistics_of_a_machine_format_go_to_stderr() {
    let (_, stdout, stderr) = run(harden_in(fixture("suppress")).args([
        "lint",
        "--isolated",
        "--select",
        SUPPRESS_RULES,
        "--format",
        "json",
        "--statistics",
    ]));
    serde_json::from_str::<serde_json::Value>(&stdout).expect("stdout stays one JSON document");
    assert!(stderr.contains("unused-suppression"), "{stderr}");
}
