//! Every rule on arbitrary input, as a manifest and as a Dockerfile: no panic,
//! every finding inside its file.
#![no_main]

use std::sync::Arc;

use harden::engine::{self, Selection, Settings};
use harden::source::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let registry = engine::registry();
    let enabled = Selection {
        select: vec!["all".into()],
        ..Selection::default()
    }
    .enabled(registry);
    let settings = Settings::default();
    let text = String::from_utf8_lossy(data).into_owned();
    let file = Arc::new(SourceFile::new("fuzz.yaml", text));
    let len = file.text.len() as u32;
    for outcome in [
        engine::lint_source(&file, registry, &enabled, &settings),
        engine::lint_dockerfile(&file, registry, &enabled, &settings),
    ] {
        for finding in &outcome.findings {
            assert!(finding.span.end <= len, "{finding:?}");
            for label in &finding.labels {
                assert!(label.span.end <= len);
            }
            let _ = finding.file.position(finding.span.end);
        }
    }
});
