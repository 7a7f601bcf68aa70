use super::*;

fn write(root: &Path, name: &str, text: &str) {
    let path = root.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn chart_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "Chart.yaml",
        "apiVersion: v2\nname: top\nversion: 1.0.0\ndependencies:\n  - name: lib\n    version: 1.0.0\n  - name: app\n    version: 1.0.0\n    alias: web\n",
    );
    write(root, "templates/a.yaml", "kind: A\n");
    write(root, "templates/_h.tpl", "");
    write(root, "templates/NOTES.txt", "notes");
    write(root, "templates/tests/t.yaml", "kind: Pod\n");
    write(
        root,
        "charts/lib/Chart.yaml",
        "apiVersion: v2\nname: lib\nversion: 1.0.0\ntype: library\n",
    );
    write(root, "charts/lib/templates/_lib.tpl", "");
    write(root, "charts/lib/templates/ignored.yaml", "kind: B\n");
    write(
        root,
        "charts/app/Chart.yaml",
        "apiVersion: v2\nname: app\nversion: 1.0.0\n",
    );
    write(root, "charts/app/templates/b.yaml", "kind: B\n");
    dir
}

#[test]
fn templates_are_named_and_marked_as_helm_names_them() {
    let dir = chart_dir();
    let rendered = render_chart(dir.path(), &RenderOptions::default()).unwrap();
    let names: Vec<(&str, bool)> = rendered
        .templates
        .iter()
        .map(|t| (t.name.as_str(), t.is_test))
        .collect();
    assert_eq!(
        names,
        [
            ("top/charts/web/templates/b.yaml", false),
            ("top/templates/NOTES.txt", false),
            ("top/templates/a.yaml", false),
            ("top/templates/tests/t.yaml", true),
        ]
    );
    assert!(rendered.templates[1].is_notes());
    assert_eq!(rendered.chart, "top");
}

#[test]
fn missing_dependencies_fail_unless_allowed() {
    let dir = chart_dir();
    std::fs::remove_dir_all(dir.path().join("charts/app")).unwrap();
    let err = render_chart(dir.path(), &RenderOptions::default()).unwrap_err();
    assert!(
        err.message
            .ends_with("found in Chart.yaml, but missing in charts/ directory: app"),
        "{}",
        err.message
    );
    let options = RenderOptions {
        allow_missing_dependencies: true,
        ..RenderOptions::default()
    };
    let rendered = render_chart(dir.path(), &options).unwrap();
    assert_eq!(rendered.missing_dependencies, ["app"]);
}

#[test]
fn kube_version_constraint_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Chart.yaml",
        "apiVersion: v2\nname: k\nversion: 1.0.0\nkubeVersion: '<1.20.0-0'\n",
    );
    let err = render_chart(dir.path(), &RenderOptions::default()).unwrap_err();
    assert_eq!(
        err.message,
        "chart requires kubeVersion: <1.20.0-0 which is incompatible with Kubernetes v1.36.0"
    );
    let options = RenderOptions {
        kube_version: Some("1.19".into()),
        ..RenderOptions::default()
    };
    assert!(render_chart(dir.path(), &options).is_ok());
}

#[test]
fn user_values_apply_in_helms_order() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.yaml", "x: 1\nw: {a: 1}\n");
    write(dir.path(), "b.yaml", "w: {b: 2}\n");
    write(dir.path(), "file.txt", "from file");
    let options = RenderOptions {
        values_files: vec![dir.path().join("a.yaml"), dir.path().join("b.yaml")],
        set_json: vec!["j={\"k\":[1]}".into(), "x=5".into()],
        set: vec!["x=2".into()],
        set_string: vec!["s=true".into(), "x=3".into()],
        set_file: vec![format!("f={}", dir.path().join("file.txt").display())],
        ..RenderOptions::default()
    };
    let mut cx = ValuesCx::default();
    let values = user_values(&options, &mut cx).unwrap();
    assert_eq!(
        Value::Map(values).go_string(),
        "map[f:from file j:map[k:[1]] s:true w:map[a:1 b:2] x:3]"
    );
    let bad = RenderOptions {
        set: vec!["a".into()],
        ..RenderOptions::default()
    };
    assert_eq!(
        user_values(&bad, &mut cx).unwrap_err(),
        "failed parsing --set data: key \"a\" has no value"
    );
}

#[test]
fn files_as_config_is_helms_to_yaml() {
    let mut map = BTreeMap::new();
    map.insert("a.conf".to_string(), "x: 1\ny: 2\n".to_string());
    map.insert("b.txt".to_string(), "plain".to_string());
    assert_eq!(
        files_to_yaml(&map),
        "a.conf: |\n  x: 1\n  y: 2\nb.txt: plain"
    );
}
