//! The rule reference under docs/rules/ is generated from the rule files and
//! committed; this test fails when it drifts. `HARDEN_UPDATE_DOCS=1` rewrites it.

mod common;

use harden::engine;
use harden::report::reference;

#[test]
fn rule_reference_is_up_to_date() {
    let dir = common::repo().join(reference::DIR);
    let pages = reference::pages(engine::registry());
    let existing: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| name.ends_with(".md"))
                .collect()
        })
        .unwrap_or_default();
    if std::env::var("HARDEN_UPDATE_DOCS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(&dir).unwrap();
        for name in &existing {
            if !pages.iter().any(|(page, _)| page == name) {
                std::fs::remove_file(dir.join(name)).unwrap();
            }
        }
        for (name, text) in &pages {
            std::fs::write(dir.join(name), text).unwrap();
        }
        return;
    }
    let mut drift = Vec::new();
    for (name, text) in &pages {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(committed) if committed == *text => {}
            Ok(_) => drift.push(format!("{name} differs")),
            Err(_) => drift.push(format!("{name} is missing")),
        }
    }
    for name in &existing {
        if !pages.iter().any(|(page, _)| page == name) {
            drift.push(format!("{name} belongs to no rule"));
        }
    }
    assert!(
        drift.is_empty(),
        "{} is out of date ({}).\nRegenerate it with `HARDEN_UPDATE_DOCS=1 cargo test --test docs` and commit the result.",
        reference::DIR,
        drift.join(", ")
    );
}

#[test]
fn every_rule_page_is_linked_from_the_index_and_sarif() {
    let registry = engine::registry();
    let index = reference::index(registry);
    for rule in &registry.rules {
        let id = &rule.spec.id;
        assert!(index.contains(&format!("[`{id}`]({id}.md)")), "{id}");
        assert_eq!(
            reference::rule_url(id),
            format!("https://github.com/harden-dev/harden/blob/main/docs/rules/{id}.md")
        );
    }
}
