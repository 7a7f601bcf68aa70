//! Inputs that once crashed harden or put a span outside its file (found by
//! fuzzing, kept under `testdata/fuzz-regressions/`): every rule runs on each
//! as a manifest and as a Dockerfile, and every finding stays inside it.

use std::sync::Arc;

use harden::engine::{self, Selection, Settings};
use harden::source::SourceFile;

#[test]
fn fuzz_regressions_stay_fixed() {
    let registry = engine::registry();
    let enabled = Selection {
        select: vec!["all".into()],
        ..Selection::default()
    }
    .enabled(registry);
    let settings = Settings::default();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/fuzz-regressions");
    let mut checked = 0;
    for dir in ["yaml", "dockerfile"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let file = Arc::new(SourceFile::new(path.display().to_string(), text));
            let len = file.text.len() as u32;
            for outcome in [
                engine::lint_source(&file, registry, &enabled, &settings),
                engine::lint_dockerfile(&file, registry, &enabled, &settings),
            ] {
                for finding in &outcome.findings {
                    assert!(finding.span.end <= len, "{}: {finding:?}", path.display());
                    assert!(finding.labels.iter().all(|l| l.span.end <= len));
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 2);
}
