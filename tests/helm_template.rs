//! The template engine on the chart corpus: every template file parses.

mod common;

use std::path::{Path, PathBuf};

use harden::helm::template::TemplateSet;

fn template_files(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.to_string_lossy().contains("/templates/") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_corpus_template_parses() {
    let Some(root) = common::shared("corpus/helm", "every_corpus_template_parses") else {
        return;
    };
    let files = template_files(&root);
    assert!(files.len() > 100, "{} template files", files.len());
    let mut failures = Vec::new();
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        let mut set = TemplateSet::new();
        if let Err(e) = set.parse(&f.display().to_string(), &text) {
            failures.push(e.to_string());
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
