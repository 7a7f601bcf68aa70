//! The YAML layer: no panic, every span inside the input, every node reachable.
#![no_main]

use std::sync::Arc;

use harden::yaml::{Limits, NodeRef, parse_stream};
use libfuzzer_sys::fuzz_target;

fn walk(node: NodeRef<'_>, len: u32, budget: &mut usize) {
    if *budget == 0 {
        return;
    }
    *budget -= 1;
    let span = node.span();
    assert!(span.start <= span.end && span.end <= len, "span {span:?} outside {len}");
    let _ = (node.scalar(), node.as_bool(), node.as_i64(), node.head_span());
    for (key, value) in node.entries() {
        walk(key, len, budget);
        walk(value, len, budget);
    }
    for item in node.items() {
        walk(item, len, budget);
    }
}

fuzz_target!(|data: &[u8]| {
    let text: Arc<str> = Arc::from(String::from_utf8_lossy(data).as_ref());
    let parsed = parse_stream(&text, &Limits::default());
    let len = text.len() as u32;
    if let Some(error) = &parsed.error {
        assert!(error.offset <= len);
    }
    for document in &parsed.documents {
        for duplicate in &document.duplicates {
            assert!(duplicate.first.end <= len && duplicate.last.end <= len);
        }
        if let Some(root) = document.root() {
            let mut budget = 100_000;
            walk(root, len, &mut budget);
            let _ = harden::yaml::node_to_json(root);
        }
    }
});
