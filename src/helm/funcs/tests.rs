//! Table checks, and `toYaml` against text real Helm printed (the files
//! under `testdata/helm-funcs/` were rendered by Helm 4.2.3 from the
//! templates quoted beside each test).

use super::*;
use crate::helm::value::{FuncCx, Origin, Origins, Value};

#[test]
fn table_is_sorted_and_unique() {
    for pair in TABLE.windows(2) {
        assert!(pair[0].0 < pair[1].0, "{} before {}", pair[0].0, pair[1].0);
    }
}

/// Every Sprig or Helm function the corpus calls (research §1.3), minus the
/// engine's.
#[test]
fn corpus_functions_are_all_here() {
    let names = [
        "nindent",
        "toYaml",
        "dict",
        "default",
        "quote",
        "indent",
        "trimSuffix",
        "trunc",
        "hasKey",
        "dig",
        "semverCompare",
        "mergeOverwrite",
        "list",
        "contains",
        "fail",
        "empty",
        "b64enc",
        "ternary",
        "sha256sum",
        "toString",
        "kindIs",
        "trim",
        "int",
        "replace",
        "omit",
        "coalesce",
        "deepCopy",
        "concat",
        "append",
        "join",
        "has",
        "fromYaml",
        "set",
        "required",
        "typeIs",
        "merge",
        "pick",
        "until",
        "regexReplaceAll",
        "float64",
        "hasSuffix",
        "lookup",
        "mulf",
        "uniq",
        "get",
        "add",
        "lower",
        "typeOf",
        "upper",
        "mustUniq",
        "regexMatch",
        "splitList",
        "int64",
        "split",
        "sub",
        "first",
        "mustMerge",
        "trimAll",
        "add1",
        "b64dec",
        "genCA",
        "genSignedCert",
        "last",
        "prepend",
        "regexSplit",
        "squote",
        "trimPrefix",
        "fromYamlArray",
        "keys",
        "regexFind",
        "div",
        "hasPrefix",
        "now",
        "sha1sum",
        "sortAlpha",
        "toJson",
        "without",
        "date",
        "divf",
        "floor",
        "mod",
        "mul",
        "randAlpha",
        "randAlphaNum",
        "regexReplaceAllLiteral",
        "semver",
        "unset",
        "values",
        "base",
        "camelcase",
        "cat",
        "compact",
        "dateInZone",
        "fromJsonArray",
        "genSelfSignedCert",
        "htpasswd",
        "mustRegexFind",
        "mustRegexReplaceAllLiteral",
        "mustRegexSplit",
        "mustToJson",
        "randAscii",
        "randNumeric",
        "reverse",
        "shuffle",
        "substr",
        "toPrettyJson",
        "toRawJson",
        "tuple",
        "untitle",
    ];
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| lookup(n).is_none())
        .collect();
    assert!(missing.is_empty(), "missing: {missing:?}");
}

fn call(name: &str, args: &[Value]) -> Result<Value, String> {
    let f = lookup(name).unwrap_or_else(|| panic!("no function {name}"));
    f(&mut FuncCx::default(), args)
}

fn yaml_of(v: &Value) -> String {
    call("toYaml", std::slice::from_ref(v)).unwrap().go_string()
}

fn s(t: &str) -> Value {
    Value::str(t)
}

/// `{{ list "yes" "1.0" … | toYaml }}`; the strings are those of the file's
/// lines in order.
#[test]
fn to_yaml_quotes_strings_as_go_yaml_v2() {
    let strings = [
        "yes",
        "1.0",
        "0644",
        "~",
        "null",
        ":",
        " a",
        "#x",
        "a#x",
        "a #x",
        "a\nb",
        "a\nb\n",
        "a\n",
        "a\n\n",
        "\n",
        " a\nb",
        "a \nb",
        "a\tb",
        "a\tb\nc",
        "é",
        "😀",
        "x😀\ny",
        "",
        "a: b",
        "- x",
        "-x",
        "x #y",
        "@a",
        "`a",
        "%a",
        "!a",
        "&a",
        "*a",
        "a,b",
        "[a]",
        "{a}",
        "a]",
        "?",
        "?a",
        "? a",
        "-",
        "--- a",
        "...",
        "2023-01-02",
        "2023-13-02",
        "2023-01-02T10:00:00Z",
        "2023-1-2 1:2:3",
        "1:20",
        "1_000",
        "0x1F",
        "0o17",
        "0b101",
        "+1",
        "-1",
        ".5",
        "1e3",
        "1e",
        "09",
        "+.5",
        ".inf",
        "-.Inf",
        ".nan",
        "<<",
        "=",
        "y",
        "Y",
        "n",
        "NO",
        "On",
        "0.0.1",
        "1.2.3",
        "12345678901234567890",
        "123456789012345678901234",
        "9223372036854775808",
        "-9223372036854775809",
        "'quoted'",
        "\"dq\"",
        "a'b",
        "back\\slash",
        "\u{a0}x",
        "x\u{85}y",
        "x\u{2028}y",
        "\u{7}",
        "a  b",
        "trailing ",
    ];
    let want = include_str!("../../../testdata/helm-funcs/to_yaml_strings.out");
    let got = yaml_of(&Value::list(strings.iter().map(|t| s(t)).collect()));
    assert_eq!(got, want.trim_end_matches('\n'));
}

/// Values as Helm hands them to templates: floats for numbers, null entries
/// of the chart's values dropped.
fn values_from_yaml(text: &str) -> Value {
    let v = call("fromYaml", &[s(text)]).unwrap();
    fn drop_nulls(v: &Value) {
        if let Value::Map(m) = v {
            m.borrow_mut().retain(|_, v| !v.is_nil());
            for v in m.borrow().values() {
                drop_nulls(v);
            }
        }
        if let Value::List(l) = v {
            for v in l.borrow().iter() {
                drop_nulls(v);
            }
        }
    }
    drop_nulls(&v);
    v
}

/// `{{ toYaml .Values }}`, `.Values.c`, `.Values.multi`, `"plain"`, `3`,
/// `nil`, `.Values.nums`, `"a\n\n"`, separated by `---` lines.
#[test]
fn to_yaml_writes_values_as_helm_does() {
    let values = values_from_yaml(include_str!(
        "../../../testdata/helm-funcs/to_yaml_values.yaml"
    ));
    let want = include_str!("../../../testdata/helm-funcs/to_yaml_values.out");
    let parts: Vec<&str> = want.split("\n---\n").collect();
    let Value::Map(m) = &values else { panic!() };
    let field = |k: &str| m.borrow().get(k).cloned().unwrap();
    assert_eq!(yaml_of(&values), parts[0]);
    assert_eq!(yaml_of(&field("c")), parts[1]);
    assert_eq!(yaml_of(&field("multi")), parts[2]);
    assert_eq!(yaml_of(&s("plain")), parts[3]);
    assert_eq!(yaml_of(&Value::Int(3)), parts[4]);
    assert_eq!(yaml_of(&Value::Nil), parts[5]);
    assert_eq!(format!("{}|", yaml_of(&field("nums"))), parts[6]);
    assert_eq!(format!("{}|\n", yaml_of(&s("a\n\n"))), parts[7]);
}

#[test]
fn to_yaml_natural_key_order() {
    let keys = [
        "a10", "a9", "a", "B", "_x", "10", "2", "01", "1", "x001", "x01y", "x1y", "ü",
    ];
    let m = Value::map(
        keys.iter()
            .map(|k| (k.to_string(), Value::Int(1)))
            .collect(),
    );
    let got = yaml_of(&m);
    let order: Vec<&str> = got.lines().map(|l| l.split(':').next().unwrap()).collect();
    assert_eq!(
        order,
        [
            "_x", "\"1\"", "\"01\"", "\"2\"", "\"10\"", "B", "a", "a9", "a10", "x1y", "x01y",
            "x001", "ü"
        ]
    );
}

#[test]
fn to_yaml_of_nan_is_empty_and_must_fails() {
    assert_eq!(yaml_of(&Value::Float(f64::NAN)), "");
    // go-yaml refuses to read DEL back from the JSON text.
    assert_eq!(yaml_of(&Value::list(vec![s("foo\u{7f}bar")])), "");
    assert!(call("mustToYaml", &[Value::Float(f64::INFINITY)]).is_err());
    // A map that contains itself.
    let m = Value::empty_map();
    call("set", &[m.clone(), s("self"), m.clone()]).unwrap();
    assert_eq!(yaml_of(&m), "");
    assert_eq!(
        call("toJson", std::slice::from_ref(&m))
            .unwrap()
            .go_string(),
        ""
    );
    if let Value::Map(inner) = &m {
        inner.borrow_mut().clear();
    }
}

#[test]
fn to_yaml_segments_cover_values_entries() {
    let inner = Value::list(vec![s("x"), s("z")]);
    let Value::List(list) = &inner else { panic!() };
    let root = Value::map(
        [
            ("a".to_string(), Value::Float(1.0)),
            ("b".to_string(), inner.clone()),
            ("c".to_string(), s("computed")),
        ]
        .into_iter()
        .collect(),
    );
    let Value::Map(map) = &root else { panic!() };
    let mut origins = Origins::default();
    origins.record_field(map, "a", Origin(1));
    origins.record_field(map, "b", Origin(2));
    origins.record_item(list, 1, Origin(3));
    let mut cx = FuncCx {
        origins: std::rc::Rc::new(origins),
        ..FuncCx::default()
    };
    let out = lookup("toYaml").unwrap()(&mut cx, &[root]).unwrap();
    let Value::Str(out) = out else { panic!() };
    assert_eq!(out.as_str(), "a: 1\nb:\n- x\n- z\nc: computed");
    let covered: Vec<(&str, u32)> = out
        .segments
        .iter()
        .map(|seg| {
            (
                &out.as_str()[seg.start as usize..seg.end as usize],
                seg.origin.0,
            )
        })
        .collect();
    assert_eq!(covered, [("a: 1", 1), ("b:", 2), ("- z", 3)]);
    // nindent keeps them on the same text.
    let ind = lookup("nindent").unwrap()(&mut cx, &[Value::Int(4), Value::Str(out)]).unwrap();
    let Value::Str(ind) = ind else { panic!() };
    let covered: Vec<&str> = ind
        .segments
        .iter()
        .map(|seg| &ind.as_str()[seg.start as usize..seg.end as usize])
        .collect();
    assert_eq!(covered, ["a: 1", "b:", "- z"]);
}

/// `{{ toYamlPretty (dict "long" "Lorem…" "f" (float64 1000000) "g" 1.5 "m"
/// "a\nb\n" "e" (list) "n" nil "t" "a\tb" "nested" (list (list 1 2) (dict "x"
/// (list 3))) "k" (dict)) }}` in Helm 4.2.3.
#[test]
fn to_yaml_pretty_is_go_yaml_v3() {
    let long = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.";
    let l = |v: Vec<Value>| Value::list(v);
    let d = |pairs: Vec<(&str, Value)>| {
        Value::map(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    };
    let v = d(vec![
        ("long", s(long)),
        ("f", Value::Float(1e6)),
        ("g", Value::Float(1.5)),
        ("m", s("a\nb\n")),
        ("e", l(vec![])),
        ("n", Value::Nil),
        ("t", s("a\tb")),
        (
            "nested",
            l(vec![
                l(vec![Value::Int(1), Value::Int(2)]),
                d(vec![("x", l(vec![Value::Int(3)]))]),
            ]),
        ),
        ("k", d(vec![])),
    ]);
    let got = call("toYamlPretty", &[v]).unwrap().go_string();
    let want = format!(
        "e: []\nf: 1e+06\ng: 1.5\nk: {{}}\nlong: {long}\nm: |\n  a\n  b\n\"n\": null\nnested:\n  - - 1\n    - 2\n  - x:\n      - 3\nt: \"a\\tb\""
    );
    assert_eq!(got, want);
}

/// `{{ $k := repeat 130 "k" }}{{ dict $k 1 "a\nb" 2 "c" (list "x y z Lorem…"
/// (list "Lorem…")) "d" (dict "e" "…'tempor' incididunt: ut labore") "f"
/// "trailing spaces then newline  \nx" "g" "  \n" "h" "…tempor\tincididunt…"
/// | toYaml }}` in Helm 4.2.3: complex keys, folding inside sequences and
/// quotes.
#[test]
fn to_yaml_complex_keys_and_folding() {
    let lorem = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod";
    let l = |v: Vec<Value>| Value::list(v);
    let m = Value::map(
        [
            ("k".repeat(130), Value::Int(1)),
            ("a\nb".to_string(), Value::Int(2)),
            (
                "c".to_string(),
                l(vec![
                    s(&format!("x y z {lorem} tempor incididunt ut")),
                    l(vec![s(&format!("{lorem} tempor incididunt ut labore"))]),
                ]),
            ),
            (
                "d".to_string(),
                Value::map(
                    [(
                        "e".to_string(),
                        s(&format!("{lorem} 'tempor' incididunt: ut labore")),
                    )]
                    .into_iter()
                    .collect(),
                ),
            ),
            ("f".to_string(), s("trailing spaces then newline  \nx")),
            ("g".to_string(), s("  \n")),
            (
                "h".to_string(),
                s(&format!("{lorem} tempor\tincididunt ut labore et dolore")),
            ),
        ]
        .into_iter()
        .collect(),
    );
    let want = include_str!("../../../testdata/helm-funcs/to_yaml_keys_folding.out");
    assert_eq!(yaml_of(&m), want.trim_end_matches('\n'));
}

#[test]
fn values_that_contain_themselves_fail_cleanly() {
    let m = Value::empty_map();
    call("set", &[m.clone(), s("self"), m.clone()]).unwrap();
    assert!(call("deepCopy", std::slice::from_ref(&m)).is_err());
    assert!(
        call("quote", std::slice::from_ref(&m))
            .unwrap()
            .go_string()
            .contains("nested too deeply")
    );
    let other = Value::empty_map();
    call("set", &[other.clone(), s("self"), other.clone()]).unwrap();
    assert_eq!(
        call("deepEqual", &[m.clone(), other.clone()])
            .unwrap()
            .go_string(),
        "false"
    );
    let l = Value::list(vec![m.clone(), other.clone()]);
    assert!(call("uniq", &[l]).is_ok());
    assert!(call("mergeOverwrite", &[m.clone(), other.clone()]).is_ok());
    for v in [&m, &other] {
        if let Value::Map(inner) = v {
            inner.borrow_mut().clear();
        }
    }
}

#[test]
fn huge_counts_are_refused_not_attempted() {
    for (name, args) in [
        ("repeat", vec![Value::Int(i64::MAX), s("ab")]),
        ("indent", vec![Value::Int(i64::MAX), s("a\nb")]),
        ("nindent", vec![Value::Int(1 << 40), s("a")]),
        ("until", vec![Value::Int(i64::MAX)]),
        (
            "untilStep",
            vec![Value::Int(0), Value::Int(i64::MAX), Value::Int(1)],
        ),
        ("randAlphaNum", vec![Value::Int(i64::MAX)]),
        ("randBytes", vec![Value::Int(i64::MAX)]),
    ] {
        assert!(call(name, &args).is_err(), "{name}");
    }
    assert!(call("seq", &[Value::Int(i64::MAX)]).is_err());
    assert_eq!(
        call("seq", &[Value::Int(i64::MIN), Value::Int(i64::MIN)])
            .unwrap()
            .go_string(),
        i64::MIN.to_string()
    );
}
