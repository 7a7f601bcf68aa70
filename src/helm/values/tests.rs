use super::*;
use crate::helm::chart::{self, LoadLimits};
use crate::helm::deps;

fn values(text: &str) -> (Map, ValuesCx) {
    let mut cx = ValuesCx::default();
    let map = parse_values(text, "values.yaml", &mut cx).unwrap();
    (map, cx)
}

fn show(map: &Map) -> String {
    Value::Map(map.clone()).go_string()
}

#[test]
fn values_files_read_as_helm_reads_them() {
    // YAML 1.1: `y`, `on` and `off` are booleans, keys too.
    let (map, _) = values("y: 1\noff: 2\n");
    assert_eq!(show(&map), "map[false:2 true:1]");
    let (map, _) = values("a: 1000000\nb: yes\nc: 0644\nd: \"x\"\ne: ~\nf: [1, on]\n1: one\n");
    assert_eq!(
        show(&map),
        "map[1:one a:1e+06 b:true c:420 d:x e:<nil> f:[1 true]]"
    );
    let m = map.borrow();
    assert!(
        matches!(m.get("a"), Some(Value::Float(_))),
        "numbers are float64"
    );
}

#[test]
fn origins_point_at_the_values_file() {
    let text = "image:\n  tag: latest\nports:\n  - 80\n";
    let (map, cx) = values(text);
    let image = match map.borrow().get("image") {
        Some(Value::Map(m)) => m.clone(),
        _ => panic!(),
    };
    let origin = cx.field_origin(&image, "tag").unwrap();
    let entry = cx.entry(origin).unwrap();
    assert_eq!(&*entry.file, "values.yaml");
    assert_eq!(
        &text[entry.span.start as usize..entry.span.end as usize],
        "tag: latest"
    );
    let ports = match map.borrow().get("ports") {
        Some(Value::List(l)) => l.clone(),
        _ => panic!(),
    };
    let item = cx.origins.item(&ports, 0).unwrap();
    let span = cx.entry(item).unwrap().span;
    assert_eq!(&text[span.start as usize..span.end as usize], "80");
    // A string value carries its origin as a segment.
    let Some(Value::Str(tag)) = image.borrow().get("tag").cloned() else {
        panic!()
    };
    assert_eq!(tag.segments.len(), 1);
}

#[test]
fn non_mapping_values_are_errors() {
    let mut cx = ValuesCx::default();
    let err = parse_values("- a\n", "v.yaml", &mut cx).unwrap_err();
    assert!(err.contains("cannot unmarshal array"), "{err}");
    let err = parse_values("a: [\n", "v.yaml", &mut cx).unwrap_err();
    assert!(err.starts_with("failed to parse v.yaml"), "{err}");
    assert!(
        parse_values("", "v.yaml", &mut cx)
            .unwrap()
            .borrow()
            .is_empty()
    );
}

#[test]
fn merge_maps_is_a_deep_merge_later_winning() {
    let mut cx = ValuesCx::default();
    let a = parse_values("a: {b: 1, c: 2}\nl: [1]\n", "a.yaml", &mut cx).unwrap();
    let b = parse_values("a: {c: 3}\nl: [2]\n", "b.yaml", &mut cx).unwrap();
    assert_eq!(
        show(&merge_maps(&mut cx, &a, &b)),
        "map[a:map[b:1 c:3] l:[2]]"
    );
}

#[test]
fn coalesce_tables_follows_helm() {
    let mut cx = ValuesCx::default();
    let dst = parse_values("a: null\nb: {x: 1}\nd: null\n", "user.yaml", &mut cx).unwrap();
    let src = parse_values("a: 1\nb: {x: 2, z: 3}\nc: 4\n", "chart.yaml", &mut cx).unwrap();
    coalesce_tables(&mut cx, &dst, &src, false);
    // `a` deleted (user null over a default), `d` kept (no default).
    assert_eq!(show(&dst), "map[b:map[x:1 z:3] c:4 d:<nil>]");
}

fn write(root: &std::path::Path, name: &str, text: &str) {
    let path = root.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A parent with two subcharts, one aliased, and import-values.
fn tree_chart() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "Chart.yaml",
        "apiVersion: v2\nname: parent\nversion: 1.0.0\ndependencies:\n  - name: db\n    version: 1.0.0\n    condition: db.enabled\n    import-values:\n      - conn\n      - child: settings\n        parent: imported\n  - name: cache\n    version: 1.0.0\n    alias: memo\n    tags: [speed]\n",
    );
    write(
        root,
        "values.yaml",
        "global:\n  region: eu\n  shared: {a: 1}\ndb:\n  port: 5433\n  drop: null\nmemo:\n  size: 2\nimported:\n  mine: yes\n",
    );
    write(
        root,
        "charts/db/Chart.yaml",
        "apiVersion: v2\nname: db\nversion: 1.0.0\n",
    );
    write(
        root,
        "charts/db/values.yaml",
        "enabled: true\nport: 5432\ndrop: gone\nglobal:\n  region: us\n  shared: {b: 2}\nexports:\n  conn:\n    dbhost: db.local\nsettings:\n  mine: no\n  theirs: 1\n",
    );
    write(
        root,
        "charts/cache/Chart.yaml",
        "apiVersion: v2\nname: cache\nversion: 1.0.0\n",
    );
    write(root, "charts/cache/values.yaml", "size: 1\nttl: 60\n");
    dir
}

fn render_values(dir: &std::path::Path, user: &str) -> String {
    let chart = chart::load(dir, &LoadLimits::default()).unwrap();
    let mut cx = ValuesCx::default();
    let user = parse_values(user, "user.yaml", &mut cx).unwrap();
    let mut tree = deps::build(&chart, chart.name(), &mut cx).unwrap();
    deps::process(&mut cx, &mut tree, &user).unwrap();
    let values = deps::coalesce_values(&mut cx, &tree, &user).unwrap();
    show(&values)
}

#[test]
fn subcharts_globals_aliases_and_imports() {
    let dir = tree_chart();
    let out = render_values(dir.path(), "");
    assert_eq!(
        out,
        "map[db:map[enabled:true exports:map[conn:map[dbhost:db.local]] global:map[region:eu shared:map[a:1 b:2]] port:5433 settings:map[mine:false theirs:1]] dbhost:db.local global:map[region:eu shared:map[a:1]] imported:map[mine:true theirs:1] memo:map[global:map[region:eu shared:map[a:1]] size:2 ttl:60]]"
    );
}

#[test]
fn conditions_and_tags_switch_subcharts_off() {
    let dir = tree_chart();
    let out = render_values(dir.path(), "db:\n  enabled: false\ntags:\n  speed: false\n");
    assert!(!out.contains("dbhost"), "{out}");
    assert!(!out.contains("ttl"), "{out}");
}

#[test]
fn a_user_null_deletes_a_default() {
    let dir = tree_chart();
    let out = render_values(dir.path(), "memo:\n  ttl: null\n");
    assert!(
        out.contains("memo:map[global:map[region:eu shared:map[a:1]] size:2]"),
        "{out}"
    );
}
