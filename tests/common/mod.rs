//! Locating `../shared`, which real-world tests read from.
#![allow(dead_code)]

use std::path::PathBuf;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/<sub>`, or `None` when it is absent, in which case the test is
/// skipped and says so. With `HARDEN_REQUIRE_SHARED=1` a missing folder fails.
pub fn shared(sub: &str, test: &str) -> Option<PathBuf> {
    let path = repo().join("..").join("shared").join(sub);
    if path.is_dir() {
        return Some(path);
    }
    if std::env::var("HARDEN_REQUIRE_SHARED").is_ok_and(|v| v == "1") {
        panic!(
            "{test}: {} is missing and HARDEN_REQUIRE_SHARED=1",
            path.display()
        );
    }
    // Straight to the process's stderr, past the test harness's capture, so
    // that a plain `cargo test` shows what it skipped.
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "skipped {test}: {} not found (corpus tests need ../shared)",
        path.display()
    );
    None
}
