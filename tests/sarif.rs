//! SARIF output: valid against the SARIF 2.1.0 schema, and shaped the way
//! GitHub code scanning reads it.

mod common;

use std::path::Path;

use harden::engine::{self, Selection};
use harden::report::{Format, Report};
use harden::{LintOptions, lint_paths};
use serde_json::Value;

fn sarif_for(path: &Path) -> Value {
    let options = LintOptions {
        paths: vec![path.to_path_buf()],
        cwd: Some(common::repo()),
        selection: Selection {
            select: vec!["all".into()],
            ..Selection::default()
        },
        threads: Some(2),
        ..LintOptions::default()
    };
    let result = lint_paths(&options).expect("lint runs");
    let text = Report {
        registry: engine::registry(),
        enabled: &result.enabled,
        findings: &result.findings,
        files_checked: result.files_checked(),
        root: common::repo(),
        color: false,
        summary: true,
    }
    .render(Format::Sarif);
    serde_json::from_str(&text).expect("SARIF is JSON")
}

fn validate(schema_dir: &Path, sarif: &Value) {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(schema_dir.join("sarif-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&schema)
        .expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(20)
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema errors:\n{}",
        errors.join("\n")
    );
}

#[test]
fn corpus_sarif_is_valid_against_the_schema() {
    let Some(schemas) = common::shared("schemas", "SARIF schema validation") else {
        return;
    };
    let Some(corpus) = common::shared("corpus/k8s", "SARIF schema validation") else {
        return;
    };
    let sarif = sarif_for(&corpus);
    validate(&schemas, &sarif);
    // The validator does reject what GitHub would reject.
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        serde_json::json!(0);
    let caught = std::panic::catch_unwind(|| validate(&schemas, &broken));
    assert!(caught.is_err(), "a startLine of 0 must fail validation");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
}

#[test]
fn fixture_sarif_is_valid_and_github_ready() {
    let sarif = sarif_for(&common::repo().join("testdata/rules"));
    if let Some(schemas) = common::shared("schemas", "SARIF schema validation") {
        validate(&schemas, &sarif);
    }
    assert_eq!(sarif["version"], "2.1.0");
    let runs = sarif["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["tool"]["driver"]["name"], "harden");
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    let root = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(root.starts_with("file:///") && root.ends_with('/'));
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), engine::registry().rules.len());
    for rule in rules {
        for field in ["shortDescription", "fullDescription", "help"] {
            assert!(rule[field]["text"].as_str().is_some_and(|t| !t.is_empty()));
        }
        assert!(rule["help"]["markdown"].is_string());
        assert_eq!(
            rule["helpUri"],
            format!(
                "https://github.com/harden-dev/harden/blob/main/docs/rules/{}.md",
                rule["id"].as_str().unwrap()
            )
        );
        assert!(rule["properties"]["tags"].is_array());
        if let Some(score) = rule["properties"]["security-severity"].as_str() {
            let score: f64 = score.parse().unwrap();
            assert!((0.1..=10.0).contains(&score));
        }
    }
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(uri.starts_with("testdata/rules/"), "{uri}");
        for key in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(
                location["region"][key].as_u64().is_some_and(|n| n >= 1),
                "{key}"
            );
        }
    }
}

#[test]
fn clean_run_has_an_empty_results_array() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
    )
    .unwrap();
    let sarif = sarif_for(dir.path());
    assert_eq!(sarif["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn columns_count_utf16_code_units() {
    let dir = tempfile::tempdir().unwrap();
    // "é" is 2 bytes and 1 UTF-16 unit; "😀" is 4 bytes and 2 units.
    std::fs::write(
        dir.path().join("pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: \"é😀\"}\nspec:\n  containers: [{name: \"é😀\", securityContext: {privileged: true}}]\n",
    )
    .unwrap();
    let sarif = sarif_for(dir.path());
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "no-privileged-container")
        .unwrap()
        .clone();
    let region = &result["locations"][0]["physicalLocation"]["region"];
    let line = "  containers: [{name: \"é😀\", securityContext: {privileged: true}}]";
    let byte = line.find("true").unwrap();
    let utf16 = line[..byte].encode_utf16().count();
    assert_eq!(region["startLine"], 5);
    assert_eq!(region["startColumn"].as_u64().unwrap() as usize, utf16 + 1);
    assert_eq!(region["endColumn"].as_u64().unwrap() as usize, utf16 + 5);
}

#[test]
fn results_are_capped_at_what_github_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: true\n  containers: [{name: c, image: x, securityContext: {privileged: true}}]\n";
    let text = vec![pod; 1400].join("---\n");
    std::fs::write(dir.path().join("pods.yaml"), text).unwrap();
    let sarif = sarif_for(dir.path());
    let run = &sarif["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), harden::report::MAX_SARIF_RESULTS);
    let note = run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
        .as_str()
        .unwrap();
    assert!(note.contains("results left out"), "{note}");
    // The most severe are kept: every privileged container is there.
    let critical = results
        .iter()
        .filter(|r| r["ruleId"] == "no-privileged-container")
        .count();
    assert_eq!(critical, 1400);
}
