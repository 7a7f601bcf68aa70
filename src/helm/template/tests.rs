//! Cases whose expected output or error text real Helm produced
//! (`scripts/template-expected.py` regenerates them):
//! `testdata/template/cases.txt` run on `testdata/template/values.json`,
//! expected in `testdata/template/expected.json`.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::*;
use crate::helm::value::{GoObject, Origins, Segment, Str};

const CASES: &str = include_str!("../../../testdata/template/cases.txt");
const VALUES: &str = include_str!("../../../testdata/template/values.json");
const EXPECTED: &str = include_str!("../../../testdata/template/expected.json");
const NAME: &str = "c/templates/t.yaml";

#[derive(Debug)]
struct ApiVersions;

impl GoObject for ApiVersions {
    fn type_name(&self) -> &str {
        "chartutil.VersionSet"
    }
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn call(&self, method: &str, args: &[Value]) -> Option<Result<Value, String>> {
        if method != "Has" {
            return None;
        }
        Some(Ok(Value::Bool(matches!(
            args.first().and_then(Value::as_str),
            Some("apps/v1" | "v1")
        ))))
    }
}

#[derive(Debug)]
struct Capabilities;

impl GoObject for Capabilities {
    fn type_name(&self) -> &str {
        "*chartutil.Capabilities"
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "APIVersions" => Some(Value::Object(Rc::new(ApiVersions))),
            "KubeVersion" => Some(map(&[("Version", Value::str("v1.36.0"))])),
            _ => None,
        }
    }
    fn call(&self, _method: &str, _args: &[Value]) -> Option<Result<Value, String>> {
        None
    }
}

fn from_json(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Nil,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(s) => Value::str(s.as_str()),
        serde_json::Value::Array(a) => Value::list(a.iter().map(from_json).collect()),
        serde_json::Value::Object(o) => {
            Value::map(o.iter().map(|(k, v)| (k.clone(), from_json(v))).collect())
        }
    }
}

fn map(entries: &[(&str, Value)]) -> Value {
    Value::map(
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect::<BTreeMap<_, _>>(),
    )
}

fn data() -> Value {
    let values: serde_json::Value = serde_json::from_str(VALUES).expect("values.json");
    map(&[
        ("Values", from_json(&values)),
        (
            "Release",
            map(&[
                ("Name", Value::str("release-name")),
                ("Namespace", Value::str("default")),
            ]),
        ),
        (
            "Template",
            map(&[
                ("Name", Value::str(NAME)),
                ("BasePath", Value::str("c/templates")),
            ]),
        ),
        ("Capabilities", Value::Object(Rc::new(Capabilities))),
    ])
}

fn render_with(src: &str, data: &Value, env: &mut Env) -> Result<Output, TemplateError> {
    let mut set = TemplateSet::new();
    set.parse(NAME, src)?;
    set.execute(NAME, data, env)
}

fn render(src: &str) -> Result<String, String> {
    render_with(src, &data(), &mut Env::helm())
        .map(|o| o.text)
        .map_err(|e| e.to_string())
}

fn cases() -> Vec<(String, String)> {
    let mut out: Vec<(String, Vec<&str>)> = Vec::new();
    for line in CASES.split('\n') {
        if let Some(name) = line.strip_prefix("=== ") {
            out.push((name.trim().to_string(), Vec::new()));
        } else if let Some(last) = out.last_mut() {
            last.1.push(line);
        }
    }
    out.into_iter()
        .map(|(n, lines)| (n, lines.join("\n").trim_end_matches('\n').to_string()))
        .collect()
}

#[test]
fn every_case_matches_helm() {
    let expected: serde_json::Value = serde_json::from_str(EXPECTED).expect("expected.json");
    let mut failures = Vec::new();
    let all = cases();
    assert!(all.len() > 100, "{} cases", all.len());
    for (name, src) in &all {
        let want = &expected[name.as_str()];
        let got = render(src);
        let ok = match (&got, want.get("out"), want.get("err")) {
            (Ok(text), Some(w), _) => w.as_str() == Some(text.as_str()),
            (Err(e), _, Some(w)) => w.as_str() == Some(e.as_str()),
            _ => false,
        };
        if !ok {
            failures.push(format!("{name}:\n  want {want}\n  got  {got:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

#[test]
fn spans_point_at_nodes_and_values() {
    let values = from_json(&serde_json::json!({"image": {"tag": "1.2"}, "port": 80}));
    let mut origins = Origins::default();
    let Value::Map(vm) = &values else {
        unreachable!()
    };
    let Some(Value::Map(image)) = vm.borrow().get("image").cloned() else {
        unreachable!()
    };
    origins.record_field(&image, "tag", Origin(7));
    origins.record_field(vm, "port", Origin(9));
    let mut env = Env::helm();
    env.cx.origins = Rc::new(origins);
    let d = map(&[("Values", values)]);
    let src = "tag: {{ .Values.image.tag }}\nport: {{ .Values.port }}\n{{ define \"h\" }}<{{ .Values.image.tag }}>{{ end }}x: {{ include \"h\" . }}";
    let out = render_with(src, &d, &mut env).expect("renders");
    assert_eq!(out.text, "tag: 1.2\nport: 80\nx: <1.2>");
    let spans: Vec<(&str, u32, Option<Origin>)> = out
        .spans
        .iter()
        .map(|s| {
            (
                &out.text[s.start as usize..s.end as usize],
                s.offset,
                s.value,
            )
        })
        .collect();
    let inc = src.find("{{ include").expect("include") as u32;
    assert_eq!(
        spans,
        vec![
            ("tag: ", 0, None),
            ("1.2", 5, Some(Origin(7))),
            ("\nport: ", 28, None),
            ("80", 35, Some(Origin(9))),
            ("\n", 53, None),
            ("x: ", inc - 3, None),
            ("<", inc, None),
            ("1.2", inc, Some(Origin(7))),
            (">", inc, None),
        ]
    );
}

#[test]
fn index_and_range_keep_values_origins() {
    let values = from_json(
        &serde_json::json!({"hosts": ["a.example", "b.example"], "labels": {"app": "web"}}),
    );
    let mut origins = Origins::default();
    let Value::Map(vm) = &values else {
        unreachable!()
    };
    let Some(Value::List(hosts)) = vm.borrow().get("hosts").cloned() else {
        unreachable!()
    };
    let Some(Value::Map(labels)) = vm.borrow().get("labels").cloned() else {
        unreachable!()
    };
    origins.record_item(&hosts, 1, Origin(3));
    origins.record_field(&labels, "app", Origin(4));
    let mut env = Env::helm();
    env.cx.origins = Rc::new(origins);
    let d = map(&[("Values", values)]);
    let out = render_with(
        "{{ range .Values.hosts }}{{ . }};{{ end }}{{ index .Values \"labels\" \"app\" }}",
        &d,
        &mut env,
    )
    .expect("renders");
    let tagged: Vec<(&str, Origin)> = out
        .spans
        .iter()
        .filter_map(|s| {
            s.value
                .map(|o| (&out.text[s.start as usize..s.end as usize], o))
        })
        .collect();
    assert_eq!(tagged, vec![("b.example", Origin(3)), ("web", Origin(4))]);
}

#[test]
fn strings_with_segments_split_spans() {
    let s = Str::with_segments(
        "ab-cd",
        vec![Segment {
            start: 3,
            end: 5,
            origin: Origin(1),
        }],
    );
    let d = map(&[("s", Value::Str(s))]);
    let out = render_with("{{ .s }}", &d, &mut Env::helm()).expect("renders");
    let parts: Vec<(u32, u32, Option<Origin>)> = out
        .spans
        .iter()
        .map(|s| (s.start, s.end, s.value))
        .collect();
    assert_eq!(parts, vec![(0, 3, None), (3, 5, Some(Origin(1)))]);
}

#[test]
fn no_value_removal_keeps_spans_aligned() {
    let out = render_with("a{{ .x }}b{{ .x }}c", &map(&[]), &mut Env::helm()).expect("renders");
    assert_eq!(out.text, "abc");
    let ends: Vec<(u32, u32)> = out.spans.iter().map(|s| (s.start, s.end)).collect();
    assert_eq!(ends, vec![(0, 1), (1, 2), (2, 3)]);
    let raw = render_with("a{{ .x }}b", &map(&[]), &mut Env::default()).expect("renders");
    assert_eq!(raw.text, "a<no value>b");
}

#[test]
fn maps_are_shared_handles() {
    // A range body sees the map it iterates change without a borrow panic.
    let m = map(&[("a", Value::Int(1)), ("b", Value::Int(2))]);
    let out = render_with(
        "{{ range $k, $v := .m }}{{ $k }}{{ end }}{{ len .m }}",
        &map(&[("m", m)]),
        &mut Env::helm(),
    )
    .expect("renders");
    assert_eq!(out.text, "ab2");
}

#[test]
fn later_define_replaces_earlier_across_files() {
    let mut set = TemplateSet::new();
    set.parse("a.tpl", "{{ define \"x\" }}A{{ end }}")
        .expect("parses");
    set.parse("b.tpl", "{{ define \"x\" }}B{{ end }}")
        .expect("parses");
    set.parse("t", "{{ template \"x\" }}").expect("parses");
    assert!(set.has("x") && set.has("a.tpl"));
    let out = set
        .execute("t", &Value::Nil, &mut Env::helm())
        .expect("runs");
    assert_eq!(out.text, "B");
    let missing = set
        .execute("nope", &Value::Nil, &mut Env::helm())
        .expect_err("no such template");
    assert_eq!(
        missing.to_string(),
        "template: no template \"nope\" associated with template \"gotpl\""
    );
}

#[test]
fn error_fields_locate_the_node() {
    let e = render_with(
        "a\n  {{ .Values.a.b }}",
        &map(&[("Values", map(&[]))]),
        &mut Env::helm(),
    )
    .expect_err("fails");
    assert_eq!((e.template.as_str(), e.line, e.col), (NAME, 2, 12));
    assert_eq!(e.message, "nil pointer evaluating interface {}.b");
    let p = render_with("\n{{ foo }}", &Value::Nil, &mut Env::helm()).expect_err("fails");
    assert_eq!(
        (p.line, p.message.as_str()),
        (2, "function \"foo\" not defined")
    );
}

#[test]
fn limits_stop_runaway_templates() {
    let mut env = Env::helm();
    env.limits.max_output = 1000;
    let e = render_with(
        "{{ range 100000 }}xxxxxxxxxx{{ end }}",
        &Value::Nil,
        &mut env,
    )
    .expect_err("too big");
    assert!(e.to_string().contains("output limit"), "{e}");

    let mut env = Env::helm();
    env.limits.max_steps = 10_000;
    let e =
        render_with("{{ range 100000 }}{{ end }}", &Value::Nil, &mut env).expect_err("too long");
    assert!(e.to_string().contains("step limit"), "{e}");

    let mut env = Env::helm();
    env.limits.max_depth = 50;
    let e = render_with(
        "{{ define \"r\" }}{{ template \"r\" }}{{ end }}{{ template \"r\" }}",
        &Value::Nil,
        &mut env,
    )
    .expect_err("too deep");
    assert!(
        e.to_string()
            .contains("exceeded maximum template depth (50)"),
        "{e}"
    );

    let e = render_with(
        "{{ define \"r\" }}{{ tpl \"{{ include \\\"r\\\" . }}\" . }}{{ end }}{{ include \"r\" . }}",
        &Value::Nil,
        &mut Env::helm(),
    )
    .expect_err("nested tpl");
    assert!(e.to_string().contains("tpl limit"), "{e}");
}

#[test]
fn deep_include_recursion_fails_as_helm_does() {
    // 1001 nested includes of one name, on a small thread stack.
    let handle = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| {
            let e = render_with(
                "{{ define \"r\" }}{{ include \"r\" . }}{{ end }}{{ include \"r\" . }}",
                &Value::Nil,
                &mut Env::helm(),
            )
            .expect_err("recursion");
            e.to_string()
        })
        .expect("thread");
    let text = handle.join().expect("no stack overflow");
    assert!(
        text.ends_with("error calling include: rendering template has a nested reference name: r: unable to execute template"),
        "{}",
        &text[text.len().saturating_sub(300)..]
    );
}

#[test]
fn deep_parentheses_do_not_overflow() {
    let src = format!("{{{{ {}1{} }}}}", "(".repeat(5000), ")".repeat(5000));
    let e = render_with(&src, &Value::Nil, &mut Env::helm()).expect_err("too deep");
    assert!(e.to_string().contains("max depth exceeded"), "{e}");
    let ok = format!("{{{{ {}1{} }}}}", "(".repeat(100), ")".repeat(100));
    assert_eq!(
        render_with(&ok, &Value::Nil, &mut Env::helm())
            .expect("ok")
            .text,
        "1"
    );
}

#[test]
fn mangled_templates_never_panic() {
    // Every case cut at every few bytes, and with bytes swapped for
    // delimiters, quotes and multi-byte characters: errors, never panics.
    let d = data();
    let inserts = [
        "{{", "}}", "{{-", " -}}", "\"", "`", "'", "(", ")", "$", ".", "|", "é", "\u{fe0f}", "/*",
        "*/", ":=", "-", "0x",
    ];
    let mut n = 0u32;
    for (_, src) in cases() {
        let positions: Vec<usize> = src.char_indices().map(|(i, _)| i).step_by(3).collect();
        for (k, &i) in positions.iter().enumerate() {
            let ins = inserts[k % inserts.len()];
            let variants = [
                src[..i].to_string(),
                format!("{}{ins}{}", &src[..i], &src[i..]),
            ];
            for v in variants {
                n += 1;
                let mut env = Env::helm();
                env.limits.max_steps = 100_000;
                let _ = render_with(&v, &d, &mut env);
            }
        }
    }
    assert!(n > 1000);
}
