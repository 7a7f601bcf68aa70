//! Arbitrary byte mutations (bit flips, insertions, deletions, splices from
//! another file) of real files never panic `lint_paths`, and every finding
//! and label it reports lies inside its file, on character boundaries.
//!
//! The seeds are a sample of the shared corpus (when present) and of the
//! fixtures under `testdata/`, so the property also runs without `../shared`.
//! 64 cases by default, to keep `cargo test` fast; `PROPTEST_CASES=5000`
//! runs more.

mod common;

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use harden::engine::Selection;
use harden::{LintOptions, lint_paths};
use proptest::prelude::*;
use proptest::sample::Index;

/// A seed file: its name (which decides how it is read) and its bytes.
struct Seed {
    name: String,
    bytes: Vec<u8>,
}

/// At most this many seeds from each source, spread evenly over its files.
const SAMPLE: usize = 48;

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            files_under(&path, out);
        } else if kind.is_file() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let lower = name.to_ascii_lowercase();
            let wanted = lower.ends_with(".yaml")
                || lower.ends_with(".yml")
                || lower.ends_with(".json")
                || lower.contains("dockerfile")
                || name == "Containerfile";
            if wanted && entry.metadata().is_ok_and(|m| m.len() < 256 * 1024) {
                out.push(path);
            }
        }
    }
}

fn sample(dir: &Path) -> Vec<Seed> {
    let mut files = Vec::new();
    files_under(dir, &mut files);
    files.sort();
    let step = files.len().div_ceil(SAMPLE).max(1);
    files
        .iter()
        .step_by(step)
        .filter_map(|path| {
            let bytes = std::fs::read(path).ok()?;
            let name = path.file_name()?.to_string_lossy().into_owned();
            // A name that the walk classifies as the original was.
            let name =
                if name.to_ascii_lowercase().contains("dockerfile") || name == "Containerfile" {
                    "Dockerfile".to_string()
                } else if name.ends_with(".json") {
                    "seed.json".to_string()
                } else {
                    "seed.yaml".to_string()
                };
            Some(Seed { name, bytes })
        })
        .collect()
}

static SEEDS: LazyLock<Vec<Seed>> = LazyLock::new(|| {
    let mut seeds = sample(&common::repo().join("testdata"));
    if let Some(corpus) = common::shared("corpus", "mutations of corpus files") {
        seeds.extend(sample(&corpus));
    }
    seeds
});

#[derive(Clone, Debug)]
enum Mutation {
    /// Flip one bit.
    Flip(Index, u8),
    /// Insert bytes, biased toward those that matter to YAML and Dockerfiles.
    Insert(Index, Vec<u8>),
    /// Delete a run of up to 64 bytes.
    Delete(Index, usize),
    /// Replace a run with a run of another seed.
    Splice(Index, usize, Index, Index, usize),
}

fn interesting_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        3 => prop::sample::select(
            b"\n\r\t \\`-:[]{}&*!|>'\"#%@,?<$=\x00\xef\xbb\xbf\xff\xfe\xc3".to_vec()
        ),
        1 => any::<u8>(),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<(Index, u8)>().prop_map(|(at, bit)| Mutation::Flip(at, bit % 8)),
        (
            any::<Index>(),
            prop::collection::vec(interesting_byte(), 1..16)
        )
            .prop_map(|(at, bytes)| Mutation::Insert(at, bytes)),
        (any::<Index>(), 1usize..64).prop_map(|(at, len)| Mutation::Delete(at, len)),
        (
            any::<Index>(),
            0usize..64,
            any::<Index>(),
            any::<Index>(),
            1usize..256
        )
            .prop_map(|(at, len, seed, from, take)| Mutation::Splice(at, len, seed, from, take)),
    ]
}

fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    let at = |index: &Index, len: usize| if len == 0 { 0 } else { index.index(len + 1) };
    match mutation {
        Mutation::Flip(index, bit) => {
            if !bytes.is_empty() {
                let i = index.index(bytes.len());
                bytes[i] ^= 1 << bit;
            }
        }
        Mutation::Insert(index, insert) => {
            let i = at(index, bytes.len());
            bytes.splice(i..i, insert.iter().copied());
        }
        Mutation::Delete(index, len) => {
            let i = at(index, bytes.len());
            let end = (i + len).min(bytes.len());
            bytes.drain(i..end);
        }
        Mutation::Splice(index, len, seed, from, take) => {
            let other = &SEEDS[seed.index(SEEDS.len())].bytes;
            let start = at(from, other.len()).min(other.len());
            let piece = &other[start..(start + take).min(other.len())];
            let i = at(index, bytes.len());
            let end = (i + len).min(bytes.len());
            bytes.splice(i..end, piece.iter().copied());
        }
    }
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn mutated_files_never_panic_and_spans_stay_inside(
        seed in any::<Index>(),
        mutations in prop::collection::vec(mutation(), 1..8),
    ) {
        let seed = &SEEDS[seed.index(SEEDS.len())];
        let mut bytes = seed.bytes.clone();
        for mutation in &mutations {
            apply(&mut bytes, mutation);
        }
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(&seed.name), &bytes).unwrap();
        let options = LintOptions {
            paths: vec![PathBuf::from(".")],
            cwd: Some(dir.path().to_path_buf()),
            selection: Selection { select: vec!["all".into()], ..Selection::default() },
            threads: Some(1),
            ..LintOptions::default()
        };
        let result = lint_paths(&options).expect("lint runs");
        for finding in &result.findings {
            let text = &finding.file.text;
            for span in std::iter::once(finding.span).chain(finding.labels.iter().map(|l| l.span)) {
                prop_assert!(span.start <= span.end && span.end as usize <= text.len(),
                    "{}: {:?} outside a text of {} bytes: {}", finding.rule_id(), span, text.len(), finding.message);
                prop_assert!(text.is_char_boundary(span.start as usize) && text.is_char_boundary(span.end as usize),
                    "{}: {:?} splits a character: {}", finding.rule_id(), span, finding.message);
            }
        }
    }
}

#[test]
fn seeds_are_found_without_the_corpus() {
    assert!(
        sample(&common::repo().join("testdata")).len() >= 24,
        "too few seeds under testdata"
    );
}
