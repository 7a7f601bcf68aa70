//! Charts written to attack a renderer: each render ends with Helm's error or
//! a limit's, or with output that holds nothing from outside the chart.

use std::path::Path;
use std::process::Command;

use insta_cmd::get_cargo_bin;

fn chart(root: &Path, name: &str, template: &str) -> std::path::PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("Chart.yaml"),
        format!("apiVersion: v2\nname: {name}\nversion: 1.0.0\n"),
    )
    .unwrap();
    std::fs::write(dir.join("templates/cm.yaml"), template).unwrap();
    dir
}

fn render(dir: &Path) -> (Option<i32>, String, String) {
    let output = Command::new(get_cargo_bin("harden"))
        .arg("render")
        .arg(dir)
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_template_that_includes_itself_stops_at_helms_guard() {
    let root = tempfile::tempdir().unwrap();
    let dir = chart(
        root.path(),
        "loop",
        "{{- define \"loop\" }}{{ include \"loop\" . }}{{ end }}\n{{ include \"loop\" . }}\n",
    );
    let (code, out, err) = render(&dir);
    assert_eq!(code, Some(2), "{out}");
    assert!(
        err.starts_with("Error: template: loop/templates/cm.yaml:2:3"),
        "{err}"
    );
    assert!(err.contains("error calling include"), "{err}");
}

#[test]
fn a_huge_range_stops_at_the_list_limit() {
    let root = tempfile::tempdir().unwrap();
    let dir = chart(
        root.path(),
        "until",
        "a: {{ range until 100000000 }}x{{ end }}\n",
    );
    let (code, _, err) = render(&dir);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("until: more than 1000000 items (the limit on generated lists)"),
        "{err}"
    );
}

#[test]
fn files_outside_the_chart_read_as_empty() {
    let root = tempfile::tempdir().unwrap();
    let secret = root.path().join("secret.txt");
    std::fs::write(&secret, "top-secret-value").unwrap();
    let dir = chart(
        root.path(),
        "files",
        "data: {{ .Files.Get \"../secret.txt\" | quote }}\nabs: {{ .Files.Get \"/etc/passwd\" | quote }}\n",
    );
    let (code, out, err) = render(&dir);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("data: \"\"\nabs: \"\"\n"), "{out}");
    assert!(
        !out.contains("top-secret-value") && !out.contains("root:"),
        "{out}"
    );
}

#[test]
fn tpl_of_tpl_nests_until_its_limit() {
    let root = tempfile::tempdir().unwrap();
    let dir = chart(
        root.path(),
        "tpl",
        "{{- define \"again\" }}{{ tpl \"{{ include \\\"again\\\" . }}\" . }}{{ end }}\na: {{ include \"again\" . }}\n",
    );
    let (code, out, err) = render(&dir);
    assert_eq!(code, Some(2), "{out}");
    assert!(
        err.trim_end()
            .ends_with("tpl calls nested more than 100 deep (the tpl limit)"),
        "{err}"
    );
}
