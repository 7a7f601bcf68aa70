use std::sync::Arc;

use super::*;

fn parse(text: &str) -> Parsed {
    parse_stream(&Arc::from(text), &Limits::default())
}

fn slice(text: &str, span: crate::source::Span) -> &str {
    &text[span.start as usize..span.end as usize]
}

#[test]
fn spans_are_byte_ranges_of_keys_and_values() {
    let text = "a: é\r\nb:\r\n  c: [1, \"two\"]\r\n";
    let parsed = parse(text);
    assert!(parsed.error.is_none());
    let root = parsed.documents[0].root().unwrap();
    let (key, value) = root.entry("b").unwrap();
    assert_eq!(slice(text, key.span()), "b");
    let c = value.get("c").unwrap();
    assert_eq!(slice(text, c.span()), "[1, \"two\"]");
    let two = c.items().nth(1).unwrap();
    assert_eq!(two.as_str(), Some("two"));
    assert_eq!(slice(text, two.span()), "\"two\"");
    assert_eq!(root.get("a").unwrap().as_str(), Some("é"));
    assert_eq!(slice(text, root.get("a").unwrap().span()), "é");
}

#[test]
fn multi_document_streams_and_bom() {
    let text = "\u{feff}a: 1\n---\nb: 2\n...\n---\n# only a comment\n";
    let parsed = parse(text);
    assert!(parsed.error.is_none(), "{:?}", parsed.error);
    let roots: Vec<_> = parsed
        .documents
        .iter()
        .map(|d| d.root().map(|r| r.is_map()))
        .collect();
    assert_eq!(roots[..2], [Some(true), Some(true)]);
    let b = parsed.documents[1].root().unwrap().get("b").unwrap();
    assert_eq!(slice(text, b.span()), "2");
}

#[test]
fn yaml_1_1_values_resolve_as_kubernetes_reads_them() {
    let parsed = parse("privileged: yes\nmode: 0644\nq: 'yes'\nn: ~\n");
    let root = parsed.documents[0].root().unwrap();
    assert_eq!(root.get("privileged").unwrap().as_bool(), Some(true));
    assert_eq!(root.get("mode").unwrap().as_i64(), Some(420));
    assert_eq!(root.get("q").unwrap().as_str(), Some("yes"));
    assert!(root.get("n").is_none());
    assert!(root.entry("n").is_some());
}

#[test]
fn anchors_aliases_and_merge_keys() {
    let text = "base: &b\n  x: 1\n  y: 2\nother: &o\n  z: 3\nm:\n  <<: [*b, *o]\n  y: 9\nref: *b\n";
    let parsed = parse(text);
    let root = parsed.documents[0].root().unwrap();
    let m = root.get("m").unwrap();
    assert_eq!(m.get("x").unwrap().as_i64(), Some(1));
    assert_eq!(m.get("y").unwrap().as_i64(), Some(9));
    assert_eq!(m.get("z").unwrap().as_i64(), Some(3));
    assert!(m.entry("<<").is_none());
    // The alias shares the anchored node, so spans point at the definition.
    let x = root.path("ref.x").unwrap();
    assert_eq!(x.span(), root.path("base.x").unwrap().span());
}

#[test]
fn merge_of_a_merge() {
    let text = "a: &a {x: 1}\nb: &b {<<: *a, y: 2}\nc: {<<: *b, z: 3}\n";
    let root_doc = parse(text);
    let c = root_doc.documents[0].root().unwrap().get("c").unwrap();
    assert_eq!(c.get("x").unwrap().as_i64(), Some(1));
    assert_eq!(c.get("y").unwrap().as_i64(), Some(2));
}

#[test]
fn merged_lists_keep_the_first_mapping_that_has_a_key() {
    let text = "a: &a {x: 1, y: 1}\nb: &b {x: 2, z: 2}\nc: {<<: [*a, *b], y: 3}\n";
    let parsed = parse(text);
    let c = parsed.documents[0].root().unwrap().get("c").unwrap();
    let entries: Vec<(&str, i64)> = c
        .entries()
        .map(|(k, v)| (k.text().unwrap(), v.as_i64().unwrap()))
        .collect();
    assert_eq!(entries, [("y", 3), ("x", 1), ("z", 2)]);
}

#[test]
fn an_alias_names_the_latest_anchor_of_its_name() {
    let text = "a: &n 1\nb: *n\nc: &n 2\nd: *n\n";
    let parsed = parse(text);
    let root = parsed.documents[0].root().unwrap();
    assert_eq!(root.get("b").unwrap().as_i64(), Some(1));
    assert_eq!(root.get("d").unwrap().as_i64(), Some(2));
}

#[test]
fn duplicate_keys_keep_the_last_value_and_are_recorded() {
    let text = "a: 1\nb: 2\na: 3\n";
    let parsed = parse(text);
    let doc = &parsed.documents[0];
    assert_eq!(doc.root().unwrap().get("a").unwrap().as_i64(), Some(3));
    assert_eq!(doc.duplicates.len(), 1);
    assert_eq!(doc.duplicates[0].key, "a");
    assert_eq!(doc.duplicates[0].first.start, 0);
    assert_eq!(doc.duplicates[0].last.start, 10);
}

#[test]
fn duplicate_keys_in_large_mappings() {
    let mut text: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
    text.push_str("k3: last\n");
    let parsed = parse(&text);
    let doc = &parsed.documents[0];
    assert_eq!(
        doc.root().unwrap().get("k3").unwrap().as_str(),
        Some("last")
    );
    assert_eq!(doc.duplicates.len(), 1);
    assert_eq!(doc.root().unwrap().len(), 40);
}

#[test]
fn billion_laughs_hits_the_alias_limit() {
    let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
    let mut previous = "a";
    for name in names {
        text.push_str(&format!(
            "{name}: &{name} [*{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}]\n"
        ));
        previous = name;
    }
    let parsed = parse(&text);
    let error = parsed.error.expect("limit");
    assert_eq!(error.kind, ParseErrorKind::Limit("max-alias-expansion"));
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let block = "- ".repeat(100_000) + "x\n";
    let error = parse(&block).error.expect("depth limit");
    assert_eq!(error.kind, ParseErrorKind::Limit("max-depth"));
    let flow = "[".repeat(100_000);
    assert!(parse(&flow).error.is_some());
}

#[test]
fn syntax_errors_keep_earlier_documents() {
    let text = "a: 1\n---\nb: [1, 2\n";
    let parsed = parse(text);
    assert_eq!(parsed.documents.len(), 1);
    let error = parsed.error.unwrap();
    assert_eq!(error.kind, ParseErrorKind::Syntax);
    assert!(error.offset as usize <= text.len());
}

#[test]
fn quoted_scalar_continued_at_lesser_indent_is_accepted() {
    let text =
        "spec:\n  containers:\n    - command:\n        - \"exec a \\\n    --b c\"\n      name: x\n";
    let parsed = parse(text);
    assert!(parsed.error.is_none(), "{:?}", parsed.error);
    let root = parsed.documents[0].root().unwrap();
    let container = root
        .path("spec.containers")
        .unwrap()
        .items()
        .next()
        .unwrap();
    let command = container.get("command").unwrap().items().next().unwrap();
    assert_eq!(command.as_str(), Some("exec a --b c"));
    let name = container.get("name").unwrap();
    assert_eq!(slice(text, name.span()), "x");
}

#[test]
fn flow_sequence_closed_at_lesser_indent_is_accepted() {
    let text = "c:\n  args: [\n      \"-a\", \"b\",\n  ]\n  env: x\n";
    let parsed = parse(text);
    assert!(parsed.error.is_none(), "{:?}", parsed.error);
    let c = parsed.documents[0].root().unwrap().get("c").unwrap();
    assert_eq!(c.get("args").unwrap().len(), 2);
    assert_eq!(slice(text, c.get("env").unwrap().span()), "x");
}

#[test]
fn tabs_in_indentation_are_a_syntax_error() {
    let parsed = parse("a:\n\tb: 1\n");
    assert!(parsed.error.is_some());
}

#[test]
fn scalar_spans_skip_anchors_and_tags() {
    let text = "a: &x true\nb: !!str 12\nc: &y !!int '7'\n";
    let parsed = parse(text);
    let root = parsed.documents[0].root().unwrap();
    assert_eq!(slice(text, root.get("a").unwrap().span()), "true");
    assert_eq!(slice(text, root.get("b").unwrap().span()), "12");
    assert_eq!(slice(text, root.get("c").unwrap().span()), "'7'");
}

#[test]
fn error_offsets_stay_inside_the_text() {
    for text in [
        "%${op: remove, path: /metae* pa\u{fffd}h: /metad\n",
        "%\u{fffd}\u{fffd}",
        "a: \u{fffd}[\n",
    ] {
        let parsed = parse(text);
        if let Some(error) = parsed.error {
            assert!(error.offset as usize <= text.len(), "{text:?}: {error:?}");
        }
    }
}
