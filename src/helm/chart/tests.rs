use std::io::Write;

use super::*;

fn write(root: &Path, name: &str, text: &str) {
    let path = root.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn tgz(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, data) in entries {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        // `set_path` refuses `..`; write the raw name as a hostile archive would.
        let raw = &mut header.as_old_mut().name;
        raw[..name.len()].copy_from_slice(name.as_bytes());
        header.set_cksum();
        builder.append(&header, *data).unwrap();
    }
    let tar = builder.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&tar).unwrap();
    gz.finish().unwrap()
}

const CHART: &str = "apiVersion: v2\nname: demo\nversion: 0.1.0\n";

#[test]
fn loads_a_directory_with_its_parts() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "Chart.yaml",
        "apiVersion: v2\nname: demo\nversion: 0.1.0\nappVersion: 1.10\ntype: application\nkubeVersion: '>=1.20'\nannotations:\n  a: b\ndependencies:\n  - name: sub\n    version: ~1.0\n    repository: https://example.com/charts\n    alias: other\n    condition: sub.enabled,global.sub\n    tags: [front]\n    import-values:\n      - data\n      - child: a.b\n        parent: c\n",
    );
    write(root, "values.yaml", "a: 1\n");
    write(root, "values.schema.json", "{}");
    write(root, "templates/deploy.yaml", "kind: Deployment\n");
    write(root, "templates/_helpers.tpl", "");
    write(root, "templates/.hidden", "");
    write(root, "templates/tests/t.yaml", "");
    write(root, "crds/crd.yaml", "kind: CustomResourceDefinition\n");
    write(root, "files/a.txt", "x");
    write(root, "notes.bak", "x");
    write(root, ".helmignore", "*.bak\n");
    write(
        root,
        "charts/sub/Chart.yaml",
        "apiVersion: v2\nname: sub\nversion: 1.0.0\n",
    );
    write(root, "charts/sub/templates/cm.yaml", "kind: ConfigMap\n");
    std::fs::write(
        root.join("charts/packed-1.0.0.tgz"),
        tgz(&[
            (
                "packed/Chart.yaml",
                b"apiVersion: v2\nname: packed\nversion: 1.0.0\n",
            ),
            ("packed/templates/s.yaml", b"kind: Secret\n"),
        ]),
    )
    .unwrap();
    write(root, "charts/_skipped/Chart.yaml", "");

    let chart = load(root, &LoadLimits::default()).unwrap();
    let m = &chart.metadata;
    assert_eq!((m.name.as_str(), m.version.as_str()), ("demo", "0.1.0"));
    assert_eq!(m.app_version, "1.10", "appVersion keeps its text");
    assert_eq!(m.kube_version, ">=1.20");
    assert_eq!(m.annotations.get("a").map(String::as_str), Some("b"));
    let dep = &m.dependencies[0];
    assert_eq!(dep.alias, "other");
    assert_eq!(dep.condition, "sub.enabled,global.sub");
    assert_eq!(dep.tags, ["front"]);
    assert_eq!(
        dep.import_values,
        [
            ImportValue::Export("data".into()),
            ImportValue::Map {
                child: "a.b".into(),
                parent: "c".into()
            }
        ]
    );
    let names = |files: &[ChartFile]| files.iter().map(|f| f.name.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&chart.templates),
        [
            "templates/_helpers.tpl",
            "templates/deploy.yaml",
            "templates/tests/t.yaml"
        ]
    );
    assert_eq!(
        names(&chart.files),
        [".helmignore", "crds/crd.yaml", "files/a.txt"]
    );
    assert!(chart.values.is_some() && chart.schema.is_some());
    let subs: Vec<&str> = chart.subcharts.iter().map(|c| c.name()).collect();
    assert_eq!(subs, ["packed", "sub"]);
    assert_eq!(chart.subcharts[0].templates[0].name, "templates/s.yaml");
    assert_eq!(chart.missing_dependencies(), Vec::<&str>::new());
}

#[test]
fn v1_charts_take_dependencies_from_requirements() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Chart.yaml",
        "apiVersion: v1\nname: old\nversion: 1.0.0\n",
    );
    write(
        dir.path(),
        "requirements.yaml",
        "dependencies:\n  - name: db\n    version: 1.x\n",
    );
    let chart = load(dir.path(), &LoadLimits::default()).unwrap();
    assert_eq!(chart.metadata.dependencies[0].name, "db");
    assert_eq!(chart.missing_dependencies(), ["db"]);
    assert!(chart.files.is_empty());
}

#[test]
fn invalid_charts_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let err = load(dir.path(), &LoadLimits::default()).unwrap_err();
    assert!(err.contains("Chart.yaml file is missing"), "{err}");
    write(dir.path(), "Chart.yaml", "apiVersion: v2\nversion: 1.0.0\n");
    let err = load(dir.path(), &LoadLimits::default()).unwrap_err();
    assert!(err.contains("chart.metadata.name is required"), "{err}");
    write(
        dir.path(),
        "Chart.yaml",
        "apiVersion: v2\nname: x\nversion: 1.0.0\ntype: plugin\n",
    );
    let err = load(dir.path(), &LoadLimits::default()).unwrap_err();
    assert!(err.contains("type must be application or library"), "{err}");
}

#[test]
fn archives_may_not_escape_or_link() {
    let limits = LoadLimits::default();
    let err =
        archive_files(&tgz(&[("demo/../../etc/passwd", b"x")]), "bad.tgz", &limits).unwrap_err();
    assert!(err.contains("points outside the chart"), "{err}");
    let err = archive_files(&tgz(&[("/etc/passwd", b"x")]), "bad.tgz", &limits).unwrap_err();
    assert!(err.contains("points outside the chart"), "{err}");

    let mut builder = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(tar::EntryType::Symlink);
    header.set_size(0);
    builder
        .append_link(&mut header, "demo/link", "/etc/passwd")
        .unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&builder.into_inner().unwrap()).unwrap();
    let err = archive_files(&gz.finish().unwrap(), "bad.tgz", &limits).unwrap_err();
    assert!(err.contains("is a link"), "{err}");

    let err = archive_files(b"not gzip at all", "bad.tgz", &limits).unwrap_err();
    assert!(err.contains("bad.tgz"), "{err}");
}

#[test]
fn archive_limits_bound_decompression() {
    let big = vec![b'a'; 1 << 20];
    let data = tgz(&[
        ("demo/Chart.yaml", CHART.as_bytes()),
        ("demo/big.txt", &big),
    ]);
    assert!(data.len() < 10_000, "compresses well");
    let limits = LoadLimits {
        max_total_bytes: 64 << 10,
        ..LoadLimits::default()
    };
    let err = archive_files(&data, "bomb.tgz", &limits).unwrap_err();
    assert!(err.contains("size limit"), "{err}");
    let limits = LoadLimits {
        max_entries: 1,
        ..LoadLimits::default()
    };
    let err = archive_files(&data, "many.tgz", &limits).unwrap_err();
    assert!(err.contains("too many files"), "{err}");
}

#[cfg(unix)]
#[test]
fn symlinks_stay_inside_the_chart() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "secret.txt", "s3cret");
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Chart.yaml", CHART);
    write(dir.path(), "files/real.txt", "ok");
    std::os::unix::fs::symlink(
        dir.path().join("files/real.txt"),
        dir.path().join("inside.txt"),
    )
    .unwrap();
    let chart = load(dir.path(), &LoadLimits::default()).unwrap();
    assert!(
        chart
            .files
            .iter()
            .any(|f| f.name == "inside.txt" && &f.data[..] == b"ok")
    );
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        dir.path().join("leak.txt"),
    )
    .unwrap();
    let err = load(dir.path(), &LoadLimits::default()).unwrap_err();
    assert!(err.contains("outside the chart"), "{err}");
}

#[test]
fn a_packaged_chart_loads_from_its_archive() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo-0.1.0.tgz");
    std::fs::write(
        &path,
        tgz(&[
            ("demo/Chart.yaml", CHART.as_bytes()),
            ("demo/values.yaml", b"a: 1\n"),
            ("demo/templates/x.yaml", b"kind: Pod\n"),
        ]),
    )
    .unwrap();
    let chart = load(&path, &LoadLimits::default()).unwrap();
    assert_eq!(chart.name(), "demo");
    assert_eq!(chart.templates.len(), 1);
    assert_eq!(chart.values.as_ref().unwrap().text(), "a: 1\n");
}
