//! The walk: ignore files, symbolic links, special files, repeated paths.

use std::path::Path;

use harden::engine::{FileStatus, Selection};
use harden::{LintOptions, lint_paths};

const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: x:1, securityContext: {privileged: true}}]\n";

fn lint(cwd: &Path, paths: &[&str]) -> harden::LintResult {
    let options = LintOptions {
        paths: paths.iter().map(|p| p.into()).collect(),
        cwd: Some(cwd.to_path_buf()),
        selection: Selection {
            select: vec!["no-privileged-container".into(), "invalid-input".into()],
            ..Selection::default()
        },
        threads: Some(2),
        ..LintOptions::default()
    };
    lint_paths(&options).unwrap()
}

fn finding_paths(result: &harden::LintResult) -> Vec<&str> {
    result
        .findings
        .iter()
        .map(|f| f.file.path.as_str())
        .collect()
}

#[test]
fn gitignore_and_hardenignore_are_honoured() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for sub in ["k8s", "vendor", "generated"] {
        std::fs::create_dir(root.join(sub)).unwrap();
        std::fs::write(root.join(sub).join("pod.yaml"), POD).unwrap();
    }
    std::fs::write(root.join(".gitignore"), "vendor/\n").unwrap();
    std::fs::write(root.join(".hardenignore"), "generated/\n").unwrap();
    let result = lint(root, &["."]);
    assert_eq!(finding_paths(&result), ["k8s/pod.yaml"]);
}

#[test]
fn a_path_given_twice_is_checked_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pod.yaml"), POD).unwrap();
    let result = lint(dir.path(), &[".", "pod.yaml", "./pod.yaml"]);
    assert_eq!(result.findings.len(), 1);
}

#[cfg(unix)]
#[test]
fn symbolic_links_are_never_followed() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.yaml"), POD).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("pod.yaml"), POD).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.yaml"), root.join("link.yaml")).unwrap();
    std::os::unix::fs::symlink(outside.path(), root.join("linked-dir")).unwrap();
    std::os::unix::fs::symlink(root, root.join("loop")).unwrap();
    let result = lint(root, &["."]);
    assert_eq!(finding_paths(&result), ["pod.yaml"]);
    let skipped: Vec<&str> = result
        .files
        .iter()
        .filter(|(_, s)| matches!(s, FileStatus::Skipped(r) if r.contains("symbolic link")))
        .map(|(p, _)| p.as_str())
        .collect();
    assert_eq!(skipped, ["link.yaml", "linked-dir", "loop"]);
}

#[cfg(unix)]
#[test]
fn fifos_are_skipped_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.yaml");
    let status = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !status.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo unavailable");
        return;
    }
    let result = lint(dir.path(), &["."]);
    assert_eq!(
        result.files,
        [(
            "pipe.yaml".to_string(),
            FileStatus::Skipped("not a regular file".into())
        )]
    );
}

#[test]
fn broken_files_are_findings_and_the_rest_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("a-broken.yaml"), "kind: [\n").unwrap();
    std::fs::write(root.join("b-binary.yaml"), b"\x00\x01\x02kind: Pod").unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(POD.encode_utf16().flat_map(|u| u.to_le_bytes()));
    std::fs::write(root.join("c-utf16.yaml"), utf16).unwrap();
    std::fs::write(root.join("d-pod.yaml"), POD).unwrap();
    let result = lint(root, &["."]);
    let summary: Vec<(String, &str)> = result
        .findings
        .iter()
        .map(|f| (f.file.path.clone(), f.rule_id()))
        .collect();
    assert_eq!(
        summary,
        [
            ("a-broken.yaml".to_string(), "invalid-input"),
            ("b-binary.yaml".to_string(), "invalid-input"),
            ("c-utf16.yaml".to_string(), "no-privileged-container"),
            ("d-pod.yaml".to_string(), "no-privileged-container"),
        ]
    );
}

#[test]
fn oversized_files_are_reported_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let file = std::fs::File::create(dir.path().join("huge.yaml")).unwrap();
    file.set_len(harden::engine::MAX_FILE_BYTES + 1).unwrap();
    let result = lint(dir.path(), &["."]);
    assert_eq!(result.findings.len(), 1);
    assert_eq!(
        result.findings[0].message,
        "file is larger than 32 MiB; not read (limit `max-file-size`)"
    );
}

#[test]
fn a_service_account_in_another_file_withdraws_the_token_finding() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("sa.yaml"),
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app, namespace: shop}\nautomountServiceAccountToken: false\n",
    )
    .unwrap();
    let deployment = |name: &str, namespace: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, namespace: {namespace}}}\nspec:\n  template:\n    spec:\n      serviceAccountName: app\n      containers: [{{name: c, image: x:1}}]\n"
        )
    };
    std::fs::write(root.join("same-namespace.yaml"), deployment("a", "shop")).unwrap();
    std::fs::write(root.join("other-namespace.yaml"), deployment("b", "web")).unwrap();
    let options = LintOptions {
        paths: vec![".".into()],
        cwd: Some(root.to_path_buf()),
        selection: Selection {
            select: vec!["automount-sa-token-off".into()],
            ..Selection::default()
        },
        threads: Some(2),
        ..LintOptions::default()
    };
    let result = lint_paths(&options).unwrap();
    assert_eq!(finding_paths(&result), ["other-namespace.yaml"]);
}
