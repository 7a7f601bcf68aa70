//! Custom rules from `--rules-dir` folders: running them, selecting them,
//! explaining them, and the errors a broken rule file gives.

use std::path::PathBuf;
use std::process::Command;

use harden::engine::Selection;
use harden::{LintOptions, lint_paths};
use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};

const RULES: &str = "testdata/custom-rules";
const MANIFESTS: &str = "testdata/custom-rules/manifests";
const CUSTOM_IDS: [&str; 3] = [
    "images-from-company-registry",
    "no-host-path-outside-kube-system",
    "team-label-required",
];

fn harden() -> Command {
    let mut command = Command::new(get_cargo_bin("harden"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS");
    command
}

fn stdout(command: &mut Command) -> (Option<i32>, String, String) {
    let output = command.output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn custom_rules_fire_with_code_frames() {
    assert_cmd_snapshot!(harden().args([
        "lint",
        MANIFESTS,
        "--rules-dir",
        RULES,
        "--select",
        "custom"
    ]));
}

#[test]
fn custom_rules_are_on_by_default_and_never_fire_on_dont_fire() {
    let (code, out, _) = stdout(harden().args([
        "lint",
        MANIFESTS,
        "--rules-dir",
        RULES,
        "--format",
        "concise",
    ]));
    assert_eq!(code, Some(1));
    for id in CUSTOM_IDS {
        assert!(out.contains(&format!("[{id}]")), "{id} missing:\n{out}");
    }
    let dont_fire: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("dont-fire.yaml") && CUSTOM_IDS.iter().any(|id| l.contains(id)))
        .collect();
    assert!(dont_fire.is_empty(), "{dont_fire:#?}");
}

#[test]
fn ignore_and_select_apply_to_custom_rules() {
    let (_, out, _) = stdout(harden().args([
        "lint",
        MANIFESTS,
        "--rules-dir",
        RULES,
        "--select",
        "custom",
        "--ignore",
        "team-label-required",
        "--format",
        "concise",
    ]));
    assert!(!out.contains("team-label-required"), "{out}");
    assert!(out.contains("images-from-company-registry"), "{out}");
    let (code, _, err) =
        stdout(harden().args(["lint", MANIFESTS, "--select", "team-label-required"]));
    assert_eq!(code, Some(2), "without --rules-dir the id is unknown");
    assert!(
        err.contains("unknown rule or tag: team-label-required"),
        "{err}"
    );
}

#[test]
fn opt_in_custom_rule_runs_only_when_selected() {
    let run = |select: &[&str]| {
        let mut command = harden();
        command.args([
            "lint",
            MANIFESTS,
            "--rules-dir",
            "testdata/custom-rules-eval",
            "--format",
            "concise",
        ]);
        command.args(select);
        stdout(&mut command).1
    };
    assert!(!run(&[]).contains("company-registry-only"));
    let selected = run(&["--select", "company-registry-only"]);
    assert!(
        selected.contains("[company-registry-only] container \"app\" pulls"),
        "{selected}"
    );
}

#[test]
fn evaluation_errors_are_notes_under_verbose() {
    assert_cmd_snapshot!(harden().args([
        "lint",
        MANIFESTS,
        "--rules-dir",
        "testdata/custom-rules-eval",
        "--select",
        "team-label-strict",
        "--format",
        "concise",
        "--verbose"
    ]));
}

#[test]
fn explain_a_custom_rule() {
    assert_cmd_snapshot!(harden().args([
        "explain",
        "no-host-path-outside-kube-system",
        "--rules-dir",
        RULES
    ]));
}

#[test]
fn rules_table_lists_custom_rules() {
    let (code, out, _) = stdout(harden().args(["rules", "--rules-dir", RULES]));
    assert_eq!(code, Some(0));
    for id in CUSTOM_IDS {
        let line = out.lines().find(|l| l.starts_with(id)).unwrap_or_default();
        assert!(line.ends_with("(custom)"), "{id}: {line:?}");
    }
    let (_, builtin_only, _) = stdout(harden().args(["rules"]));
    assert!(!builtin_only.contains("team-label-required"));
}

#[test]
fn broken_rule_files_are_errors_with_file_and_line() {
    for case in [
        "bad-cel",
        "bad-cel-literal",
        "bad-param-type",
        "bad-yaml",
        "builtin-id",
        "duplicate-id",
        "missing-docs",
        "unknown-key",
        "unknown-param",
        "unknown-template",
    ] {
        let dir = format!("testdata/custom-rules-errors/{case}");
        insta::with_settings!({ snapshot_suffix => case }, {
            assert_cmd_snapshot!(harden().args(["lint", MANIFESTS, "--rules-dir", &dir]));
        });
    }
}

#[test]
fn missing_rules_folder_is_an_error() {
    let (code, _, err) =
        stdout(harden().args(["lint", MANIFESTS, "--rules-dir", "testdata/no-such-folder"]));
    assert_eq!(code, Some(2));
    assert!(
        err.contains("cannot read rules folder testdata/no-such-folder"),
        "{err}"
    );
}

#[test]
fn library_runs_carry_their_registry() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let options = LintOptions {
        paths: vec![root.join(MANIFESTS)],
        cwd: Some(root.clone()),
        selection: Selection {
            select: vec!["custom".into()],
            ..Selection::default()
        },
        rules_dirs: vec![root.join(RULES)],
        threads: Some(2),
        ..LintOptions::default()
    };
    let result = lint_paths(&options).unwrap();
    assert_eq!(result.findings.len(), 5);
    for finding in &result.findings {
        let rule = &result.registry.rules[finding.rule];
        assert_eq!(rule.spec.id, finding.rule_id());
        assert!(!rule.builtin);
    }
    assert!(
        result
            .findings
            .windows(2)
            .all(|w| (w[0].file.path.as_str(), w[0].span.start)
                <= (w[1].file.path.as_str(), w[1].span.start))
    );
}

#[test]
fn the_configuration_selects_custom_rules_of_its_rules_dirs() {
    let (code, out, err) = stdout(
        harden()
            .current_dir(
                PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/custom-rules-config"),
            )
            .args(["lint", "../custom-rules/manifests", "--format", "concise"]),
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(err.is_empty(), "{err}");
    let rules: Vec<&str> = out
        .lines()
        .filter_map(|l| l.split_once('[').and_then(|(_, r)| r.split_once(']')))
        .map(|(rule, _)| rule)
        .collect();
    assert!(!rules.is_empty(), "{out}");
    assert!(rules.iter().all(|r| *r == "team-label-required"), "{out}");
}
