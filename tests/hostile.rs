//! Hostile input: files written to crash, hang or exhaust a linter. Each case
//! is linted together with a control file that has a finding of its own, and
//! the exact report is asserted, so a case that stopped the run, swallowed the
//! control file or lost its position would show. Small cases live in
//! `testdata/hostile/`; big ones are generated here at run time. None is
//! timed: each is large enough that a quadratic walk, an unbounded expansion
//! or a recursion would not finish (or would overflow the stack), and the test
//! finishing is the proof.

use std::path::{Path, PathBuf};

use harden::engine::{FileStatus, MAX_FILE_BYTES, Selection};
use harden::report::{Format, Report};
use harden::{LintOptions, LintResult, lint_paths};

const RULES: &str = "invalid-input,duplicate-key,no-privileged-container,dockerfile-exec-form,dockerfile-no-remote-script-pipe";

const CONTROL_YAML: &str = "testdata/hostile/yaml/control.yaml";
const CONTROL_DOCKERFILE: &str = "testdata/hostile/dockerfile/control.Dockerfile";

/// What the control files report, in every run that includes them.
const CONTROL_YAML_LINE: &str = "testdata/hostile/yaml/control.yaml:10:21: critical[no-privileged-container] container \"app\" runs privileged";
const CONTROL_DOCKERFILE_LINE: &str = "testdata/hostile/dockerfile/control.Dockerfile:2:5: low[dockerfile-exec-form] CMD in shell form runs under /bin/sh -c";

/// A privileged pod, as `control.yaml` is, for trees built in a temporary directory.
const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: control\nspec:\n  containers:\n    - name: app\n      image: app:1\n      securityContext:\n        privileged: true\n";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn lint(cwd: &Path, paths: &[&str]) -> LintResult {
    let options = LintOptions {
        paths: paths.iter().map(PathBuf::from).collect(),
        cwd: Some(cwd.to_path_buf()),
        selection: Selection {
            select: RULES.split(',').map(String::from).collect(),
            ..Selection::default()
        },
        threads: Some(2),
        ..LintOptions::default()
    };
    lint_paths(&options).expect("lint runs")
}

fn render(result: &LintResult, format: Format) -> String {
    Report {
        registry: harden::engine::registry(),
        enabled: &result.enabled,
        findings: &result.findings,
        files_checked: result.files_checked(),
        root: result.root.clone(),
        color: false,
        summary: true,
    }
    .render(format)
}

/// `path:line:col: severity[rule] message` lines and the summary.
fn concise(result: &LintResult) -> Vec<String> {
    render(result, Format::Concise)
        .lines()
        .map(String::from)
        .collect()
}

/// Lints a committed fixture with both control files.
fn fixture(path: &str) -> Vec<String> {
    concise(&lint(&repo(), &[path, CONTROL_YAML, CONTROL_DOCKERFILE]))
}

/// The expected lines of a fixture run: the case's own, then the controls'
/// (findings sort by path, and both controls sort after every other
/// Dockerfile or YAML fixture of their folder).
fn expect(own: &[&str], summary: &str) -> Vec<String> {
    let mut lines: Vec<String> = own.iter().map(|s| s.to_string()).collect();
    lines.push(CONTROL_DOCKERFILE_LINE.into());
    lines.push(CONTROL_YAML_LINE.into());
    lines.sort();
    lines.push(summary.into());
    lines
}

/// A temporary tree holding `control.yaml` and the given files.
fn tree(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("control.yaml"), POD).unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    dir
}

const TREE_CONTROL: &str =
    "control.yaml:10:21: critical[no-privileged-container] container \"app\" runs privileged";

/// Lints a generated tree and returns its report lines.
fn lint_tree(dir: &Path) -> Vec<String> {
    concise(&lint(dir, &["."]))
}

fn lines(expected: &[&str]) -> Vec<String> {
    expected.iter().map(|s| s.to_string()).collect()
}

// ---------------------------------------------------------------- YAML

#[test]
fn billion_laughs_stops_at_the_alias_expansion_limit() {
    assert_eq!(
        fixture("testdata/hostile/yaml/billion-laughs.yaml"),
        expect(
            &[
                "testdata/hostile/yaml/billion-laughs.yaml:11:10: high[invalid-input] aliases expand to more than 1000000 nodes (limit `max-alias-expansion`)"
            ],
            "3 findings (1 critical, 1 high, 1 low) in 3 files; 3 files checked."
        )
    );
}

/// A ConfigMap whose `data` is `body`, then a privileged pod: the pod's
/// finding shows the whole stream was read.
fn config_map_then_pod(name: &str, body: &str) -> String {
    format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}}}\ndata:\n{body}---\n{POD}")
}

/// The line of the pod's `privileged: true` in `config_map_then_pod`.
fn pod_line(text: &str) -> usize {
    text.lines().count()
}

#[test]
fn an_alias_of_one_anchor_among_many_stays_linear() {
    // 200,000 anchors, then 200,000 aliases of the first one: a lookup that
    // walked the anchors would take hours.
    let n = 200_000;
    let anchors: Vec<String> = (0..n).map(|i| format!("&a{i} x")).collect();
    let body = format!(
        "  a: [{}]\n  b: [{}]\n",
        anchors.join(", "),
        vec!["*a0"; n].join(", ")
    );
    let text = config_map_then_pod("anchors", &body);
    let dir = tree(&[("anchors.yaml", text.as_bytes())]);
    assert_eq!(
        lint_tree(dir.path()),
        [
            format!(
                "anchors.yaml:{}:21: critical[no-privileged-container] container \"app\" runs privileged",
                pod_line(&text)
            ),
            TREE_CONTROL.into(),
            "2 findings (2 critical) in 2 files; 2 files checked.".into(),
        ]
    );
}

#[test]
fn merging_many_keys_into_many_keys_stays_linear() {
    // 50,000 keys merged into a mapping of 50,000 keys, once directly and
    // once through a list of two anchors: a pairwise comparison of keys
    // would take minutes.
    let keys = |prefix: &str| -> String {
        (0..50_000)
            .map(|i| format!("    {prefix}{i}: 1\n"))
            .collect()
    };
    let direct = config_map_then_pod(
        "direct",
        &format!("  base: &b\n{}  top:\n    <<: *b\n{}", keys("k"), keys("o")),
    );
    let listed = config_map_then_pod(
        "listed",
        &format!(
            "  one: &one\n{}  two: &two\n{}  top:\n    <<: [*one, *two]\n",
            keys("k"),
            keys("j")
        ),
    );
    let dir = tree(&[
        ("merge-direct.yaml", direct.as_bytes()),
        ("merge-list.yaml", listed.as_bytes()),
    ]);
    assert_eq!(
        lint_tree(dir.path()),
        [
            TREE_CONTROL.into(),
            format!(
                "merge-direct.yaml:{}:21: critical[no-privileged-container] container \"app\" runs privileged",
                pod_line(&direct)
            ),
            format!(
                "merge-list.yaml:{}:21: critical[no-privileged-container] container \"app\" runs privileged",
                pod_line(&listed)
            ),
            "3 findings (3 critical) in 3 files; 3 files checked.".to_string(),
        ]
    );
}

#[test]
fn a_merge_of_a_merge_is_resolved() {
    // `app` merges `middle`, which merges `base` and overrides `privileged`.
    assert_eq!(
        fixture("testdata/hostile/yaml/merge-of-merge.yaml"),
        expect(
            &[
                "testdata/hostile/yaml/merge-of-merge.yaml:16:21: critical[no-privileged-container] container \"app\" runs privileged",
                "testdata/hostile/yaml/merge-of-merge.yaml:16:21: critical[no-privileged-container] container \"middle\" runs privileged",
            ],
            "4 findings (3 critical, 1 low) in 3 files; 3 files checked."
        )
    );
}

#[test]
fn deep_block_nesting_stops_at_the_depth_limit() {
    // 100,000 levels of `- - - …` on one line.
    let sequence = format!("{}x\n", "- ".repeat(100_000));
    // Block mappings need one more column per level, so the text grows with
    // the square of the depth: 3,000 levels (4.5 MB) is already far past
    // the limit.
    let mapping: String = (0..3_000)
        .map(|i| format!("{}k:\n", " ".repeat(i)))
        .collect();
    let dir = tree(&[
        ("block-sequence.yaml", sequence.as_bytes()),
        ("block-mapping.yaml", mapping.as_bytes()),
    ]);
    assert_eq!(
        lint_tree(dir.path()),
        lines(&[
            "block-mapping.yaml:257:257: high[invalid-input] nesting deeper than 256 levels (limit `max-depth`)",
            "block-sequence.yaml:1:513: high[invalid-input] nesting deeper than 256 levels (limit `max-depth`)",
            TREE_CONTROL,
            "3 findings (1 critical, 2 high) in 3 files; 3 files checked."
        ])
    );
}

#[test]
fn deep_flow_nesting_stops_at_the_flow_depth_limit() {
    let n = 100_000;
    let sequence = format!("{}{}\n", "[".repeat(n), "]".repeat(n));
    let mapping = format!("{}1{}\n", "{a: ".repeat(n), "}".repeat(n));
    // Flow inside block: the parser reads the flow collection ahead (it
    // could be a key), so its own bound is met before the depth limit.
    let mixed = format!("{}{}\n", "- ".repeat(200), "[".repeat(n));
    let dir = tree(&[
        ("flow-sequence.yaml", sequence.as_bytes()),
        ("flow-mapping.yaml", mapping.as_bytes()),
        ("flow-in-block.yaml", mixed.as_bytes()),
    ]);
    assert_eq!(
        lint_tree(dir.path()),
        lines(&[
            TREE_CONTROL,
            "flow-in-block.yaml:1:656: high[invalid-input] flow collections nested deeper than 255 levels (limit `max-flow-depth`)",
            "flow-mapping.yaml:1:1021: high[invalid-input] flow collections nested deeper than 255 levels (limit `max-flow-depth`)",
            "flow-sequence.yaml:1:256: high[invalid-input] flow collections nested deeper than 255 levels (limit `max-flow-depth`)",
            "4 findings (1 critical, 3 high) in 4 files; 4 files checked."
        ])
    );
}

#[test]
fn very_long_lines_and_scalars_keep_positions() {
    let long = "a".repeat(1 << 20);
    // A 1 MiB plain scalar, a 1 MiB double-quoted scalar full of escapes
    // and a 1 MiB comment before the field that fires, on a 1 MiB line.
    let text = format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: long\n  annotations:\n    plain: {long}\n    quoted: \"{escaped}\"\n# {long}\nspec:\n  containers:\n    - name: app\n      image: app:1\n      securityContext: {{privileged: true, note: {long}}}\n",
        escaped = "\\t\\u00e9".repeat(1 << 17),
    );
    // YAML allows implicit keys of at most 1024 characters.
    let key = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: key}}\ndata:\n  {long}: value\n"
    );
    let dir = tree(&[
        ("long-lines.yaml", text.as_bytes()),
        ("long-key.yaml", key.as_bytes()),
    ]);
    assert_eq!(
        lint_tree(dir.path()),
        lines(&[
            TREE_CONTROL,
            "long-key.yaml:5:1048579: high[invalid-input] invalid YAML: mapping values are not allowed in this context",
            "long-lines.yaml:13:37: critical[no-privileged-container] container \"app\" runs privileged",
            "3 findings (2 critical, 1 high) in 3 files; 3 files checked."
        ])
    );
}

#[test]
fn layouts_that_need_many_repairs_stop_at_the_repair_limit() {
    // A flow sequence closed left of its key is accepted by go-yaml and
    // repaired by a re-read; each repair costs a full parse, so their number
    // is bounded. 64 are accepted (the pod after them is checked), 65 are not.
    let repairs = |n: usize| -> String {
        (0..n)
            .map(|i| format!("k{i}:\n  x: [a,\n    b\n ]\n"))
            .collect()
    };
    let accepted = format!("{}---\n{POD}", repairs(64));
    let refused = format!("{}---\n{POD}", repairs(65));
    let dir = tree(&[
        ("accepted.yaml", accepted.as_bytes()),
        ("refused.yaml", refused.as_bytes()),
    ]);
    assert_eq!(
        lint_tree(dir.path()),
        lines(&[
            "accepted.yaml:267:21: critical[no-privileged-container] container \"app\" runs privileged",
            TREE_CONTROL,
            "refused.yaml:1:1: high[invalid-input] indentation that go-yaml accepts needed more than 64 re-reads (limit `max-layout-repairs`)",
            "3 findings (2 critical, 1 high) in 3 files; 3 files checked."
        ])
    );
}

#[test]
fn a_file_over_the_size_limit_is_reported_not_read() {
    let dir = tree(&[]);
    // Sparse: the size is there, the bytes are not.
    let huge = std::fs::File::create(dir.path().join("huge.yaml")).unwrap();
    huge.set_len(MAX_FILE_BYTES + 1).unwrap();
    // Exactly at the limit the file is read: zeros make it a binary file.
    let at_limit = std::fs::File::create(dir.path().join("at-limit.yaml")).unwrap();
    at_limit.set_len(MAX_FILE_BYTES).unwrap();
    assert_eq!(
        lint_tree(dir.path()),
        lines(&[
            "at-limit.yaml:1:1: high[invalid-input] binary file (NUL byte)",
            TREE_CONTROL,
            "huge.yaml:1:1: high[invalid-input] file is larger than 32 MiB; not read (limit `max-file-size`)",
            "3 findings (1 critical, 2 high) in 3 files; 3 files checked."
        ])
    );
}

#[test]
fn invalid_utf8_is_reported_at_the_bad_byte() {
    assert_eq!(
        fixture("testdata/hostile/yaml/invalid-utf8.yaml"),
        expect(
            &[
                "testdata/hostile/yaml/invalid-utf8.yaml:7:16: high[invalid-input] not UTF-8 text (invalid byte at offset 84)"
            ],
            "3 findings (1 critical, 1 high, 1 low) in 3 files; 3 files checked."
        )
    );
}

#[test]
fn utf16_with_a_byte_order_mark_is_read() {
    for (path, line) in [
        (
            "testdata/hostile/yaml/utf16-bom.yaml",
            "testdata/hostile/yaml/utf16-bom.yaml:10:21: critical[no-privileged-container] container \"app\" runs privileged",
        ),
        (
            "testdata/hostile/yaml/utf16be-bom.yaml",
            "testdata/hostile/yaml/utf16be-bom.yaml:10:21: critical[no-privileged-container] container \"app\" runs privileged",
        ),
    ] {
        assert_eq!(
            fixture(path),
            expect(
                &[line],
                "3 findings (2 critical, 1 low) in 3 files; 3 files checked."
            )
        );
    }
}

#[test]
fn broken_utf16_is_reported_where_it_breaks() {
    assert_eq!(
        fixture("testdata/hostile/yaml/utf16-lone-surrogate.yaml"),
        expect(
            &[
                "testdata/hostile/yaml/utf16-lone-surrogate.yaml:2:1: high[invalid-input] invalid UTF-16 text (unpaired surrogate at byte offset 22)"
            ],
            "3 findings (1 critical, 1 high, 1 low) in 3 files; 3 files checked."
        )
    );
    assert_eq!(
        fixture("testdata/hostile/yaml/utf16-odd-length.yaml"),
        expect(
            &[
                "testdata/hostile/yaml/utf16-odd-length.yaml:2:1: high[invalid-input] invalid UTF-16 text (odd number of bytes)"
            ],
            "3 findings (1 critical, 1 high, 1 low) in 3 files; 3 files checked."
        )
    );
}

#[test]
fn nul_bytes_are_reported() {
    assert_eq!(
        fixture("testdata/hostile/yaml/nul-bytes.yaml"),
        expect(
            &[
                "testdata/hostile/yaml/nul-bytes.yaml:8:17: high[invalid-input] binary file (NUL byte)"
            ],
            "3 findings (1 critical, 1 high, 1 low) in 3 files; 3 files checked."
        )
    );
    // Past the first 8 KiB a NUL is no longer taken for a binary file: the
    // YAML parser refuses it, and the document before it is still checked.
    let late = format!("{POD}---\n# {}\nnote: \0\n", "x".repeat(9000));
    let dir = tree(&[("late-nul.yaml", late.as_bytes())]);
    assert_eq!(
        lint_tree(dir.path()),
        lines(&[
            TREE_CONTROL,
            "late-nul.yaml:10:21: critical[no-privileged-container] container \"app\" runs privileged",
            "late-nul.yaml:13:7: high[invalid-input] invalid YAML: found unprintable character",
            "3 findings (2 critical, 1 high) in 2 files; 2 files checked."
        ])
    );
}

#[test]
fn tabs_in_indentation_are_reported() {
    assert_eq!(
        fixture("testdata/hostile/yaml/tabs-in-indentation.yaml"),
        expect(
            &[
                "testdata/hostile/yaml/tabs-in-indentation.yaml:4:2: high[invalid-input] invalid YAML: tabs disallowed within this context (block indentation)"
            ],
            "3 findings (1 critical, 1 high, 1 low) in 3 files; 3 files checked."
        )
    );
}

#[test]
fn duplicate_keys_are_reported_and_the_last_wins() {
    // The later `privileged: false` wins, so the pod is not privileged.
    assert_eq!(
        fixture("testdata/hostile/yaml/duplicate-keys.yaml"),
        expect(
            &[
                "testdata/hostile/yaml/duplicate-keys.yaml:10:9: medium[duplicate-key] key `privileged` appears twice; Kubernetes keeps only the last value"
            ],
            "3 findings (1 critical, 1 medium, 1 low) in 3 files; 3 files checked."
        )
    );
}

#[test]
fn unknown_tags_are_ignored_and_never_constructed() {
    assert_eq!(
        fixture("testdata/hostile/yaml/unknown-tags.yaml"),
        expect(
            &[
                "testdata/hostile/yaml/unknown-tags.yaml:11:28: critical[no-privileged-container] container \"app\" runs privileged"
            ],
            "3 findings (2 critical, 1 low) in 3 files; 3 files checked."
        )
    );
}

#[test]
fn a_million_documents_stop_at_the_document_limit() {
    let many = "---\na: 1\n".repeat(1_000_000);
    // 99,999 small documents and a pod: exactly at the limit, all are read.
    let at_limit = format!("{}---\n{POD}", "---\na: 1\n".repeat(99_999));
    // Empty documents count too.
    let empty = format!("{}{POD}", "---\n".repeat(1_000_000));
    let dir = tree(&[
        ("million.yaml", many.as_bytes()),
        ("at-limit.yaml", at_limit.as_bytes()),
        ("empty.yaml", empty.as_bytes()),
    ]);
    assert_eq!(
        lint_tree(dir.path()),
        lines(&[
            "at-limit.yaml:200009:21: critical[no-privileged-container] container \"app\" runs privileged",
            TREE_CONTROL,
            "empty.yaml:100001:1: high[invalid-input] more than 100000 documents in one file (limit `max-documents`)",
            "million.yaml:200001:1: high[invalid-input] more than 100000 documents in one file (limit `max-documents`)",
            "4 findings (2 critical, 2 high) in 4 files; 4 files checked."
        ])
    );
}

// ---------------------------------------------------------------- Dockerfiles

#[test]
fn unterminated_heredocs_are_reported_at_their_marker() {
    assert_eq!(
        fixture("testdata/hostile/dockerfile/unterminated-heredoc.Dockerfile"),
        expect(
            &[
                "testdata/hostile/dockerfile/unterminated-heredoc.Dockerfile:2:5: high[invalid-input] invalid Dockerfile: unterminated heredoc: no line `EOF` closes it"
            ],
            "3 findings (1 critical, 1 high, 1 low) in 3 files; 3 files checked."
        )
    );
    assert_eq!(
        fixture("testdata/hostile/dockerfile/unterminated-second-heredoc.Dockerfile"),
        expect(
            &[
                "testdata/hostile/dockerfile/unterminated-second-heredoc.Dockerfile:2:12: high[invalid-input] invalid Dockerfile: unterminated heredoc: no line `two` closes it"
            ],
            "3 findings (1 critical, 1 high, 1 low) in 3 files; 3 files checked."
        )
    );
}

#[test]
fn a_continuation_at_the_end_of_the_file_ends_the_instruction() {
    for path in [
        "testdata/hostile/dockerfile/continuation-at-eof.Dockerfile",
        "testdata/hostile/dockerfile/continuation-into-comment-at-eof.Dockerfile",
    ] {
        assert_eq!(
            fixture(path),
            expect(
                &[&format!(
                    "{path}:2:53: medium[dockerfile-no-remote-script-pipe] sh runs a script piped from curl"
                )],
                "3 findings (1 critical, 1 medium, 1 low) in 3 files; 3 files checked."
            )
        );
    }
}

#[test]
fn escape_directive_games() {
    let case = |name: &str| format!("testdata/hostile/dockerfile/{name}.Dockerfile");
    // A second `# escape=` is refused; the first (a backtick) still joins the RUN lines.
    assert_eq!(
        fixture(&case("escape-twice")),
        expect(
            &[
                "testdata/hostile/dockerfile/escape-twice.Dockerfile:2:1: high[invalid-input] invalid Dockerfile: the `escape` directive is given twice; the first one applies"
            ],
            "3 findings (1 critical, 1 high, 1 low) in 3 files; 3 files checked."
        )
    );
    // An invalid escape character is reported, and `\` stays the escape.
    assert_eq!(
        fixture(&case("escape-invalid")),
        expect(
            &[
                "testdata/hostile/dockerfile/escape-invalid.Dockerfile:1:1: high[invalid-input] invalid Dockerfile: invalid escape character \"|\": use \\ or `",
                "testdata/hostile/dockerfile/escape-invalid.Dockerfile:4:3: high[invalid-input] invalid Dockerfile: unknown instruction: b",
            ],
            "4 findings (1 critical, 2 high, 1 low) in 3 files; 3 files checked."
        )
    );
    // After a blank line `# escape=` is a comment; spaces and upper case
    // around a directive at the top are accepted.
    for name in ["escape-too-late", "escape-spaced-backtick"] {
        assert_eq!(
            fixture(&case(name)),
            expect(
                &[],
                "2 findings (1 critical, 1 low) in 2 files; 3 files checked."
            )
        );
    }
}

#[test]
fn invalid_json_in_exec_form_is_shell_form() {
    assert_eq!(
        fixture("testdata/hostile/dockerfile/exec-form-invalid-json.Dockerfile"),
        expect(
            &[
                "testdata/hostile/dockerfile/exec-form-invalid-json.Dockerfile:3:5: low[dockerfile-exec-form] CMD is not a valid JSON array, so it runs under /bin/sh -c",
                "testdata/hostile/dockerfile/exec-form-invalid-json.Dockerfile:4:12: low[dockerfile-exec-form] ENTRYPOINT is not a valid JSON array, so it runs under /bin/sh -c",
            ],
            "4 findings (1 critical, 3 low) in 3 files; 3 files checked."
        )
    );
}

#[test]
fn gigantic_run_instructions_stay_linear() {
    // One 1.4 MB line of 100,000 commands, and one RUN continued over
    // 100,000 lines (a piece-by-piece walk of the joined line took minutes).
    let one_line = format!(
        "FROM alpine:3.19\nRUN {} && curl -fsSL https://x.example/i | sh\n",
        vec!["echo hello"; 100_000].join(" && ")
    );
    let continued = format!(
        "FROM alpine:3.19\nRUN {}curl -fsSL https://x.example/i | sh\n",
        "echo hello && \\\n".repeat(100_000)
    );
    let dir = tree(&[
        ("one-line.Dockerfile", one_line.as_bytes()),
        ("continued.Dockerfile", continued.as_bytes()),
    ]);
    assert_eq!(
        lint_tree(dir.path()),
        lines(&[
            "continued.Dockerfile:100002:34: medium[dockerfile-no-remote-script-pipe] sh runs a script piped from curl",
            TREE_CONTROL,
            "one-line.Dockerfile:2:1400038: medium[dockerfile-no-remote-script-pipe] sh runs a script piped from curl",
            "3 findings (1 critical, 2 medium) in 3 files; 3 files checked."
        ])
    );
}

// ---------------------------------------------------------------- the tree

fn skipped(result: &LintResult) -> Vec<(String, String)> {
    result
        .files
        .iter()
        .filter_map(|(path, status)| match status {
            FileStatus::Skipped(reason) => Some((path.clone(), reason.clone())),
            _ => None,
        })
        .collect()
}

#[cfg(unix)]
#[test]
fn symbolic_links_are_skipped_never_followed() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.yaml"), POD).unwrap();
    let dir = tree(&[]);
    let root = dir.path();
    symlink("/", root.join("to-root")).unwrap();
    symlink(
        outside.path().join("secret.yaml"),
        root.join("outside.yaml"),
    )
    .unwrap();
    symlink(outside.path(), root.join("outside-dir")).unwrap();
    symlink("loop-b.yaml", root.join("loop-a.yaml")).unwrap();
    symlink("loop-a.yaml", root.join("loop-b.yaml")).unwrap();
    symlink(".", root.join("self")).unwrap();
    symlink("control.yaml", root.join("inside.yaml")).unwrap();
    let result = lint(root, &["."]);
    assert_eq!(
        concise(&result),
        lines(&[
            TREE_CONTROL,
            "1 finding (1 critical) in 1 file; 1 file checked."
        ])
    );
    let link = "symbolic link (never followed)".to_string();
    assert_eq!(
        skipped(&result),
        [
            "inside.yaml",
            "loop-a.yaml",
            "loop-b.yaml",
            "outside-dir",
            "outside.yaml",
            "self",
            "to-root"
        ]
        .map(|p| (p.to_string(), link.clone()))
    );
}

/// Whether this process can read a file whatever its mode (root can).
#[cfg(unix)]
fn reads_ignore_permissions(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let probe = dir.join("probe");
    std::fs::write(&probe, "x").unwrap();
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o000)).unwrap();
    let readable = std::fs::read(&probe).is_ok();
    std::fs::remove_file(&probe).unwrap();
    readable
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_findings() {
    use std::io::Write;
    use std::os::unix::fs::PermissionsExt;
    let dir = tree(&[("locked.yaml", POD.as_bytes())]);
    if reads_ignore_permissions(dir.path()) {
        let _ = writeln!(
            std::io::stderr(),
            "skipped unreadable_files_are_findings: running with permission to read any file (root), so chmod 000 does not deny reads"
        );
        return;
    }
    let locked = dir.path().join("locked.yaml");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let closed = dir.path().join("closed");
    std::fs::create_dir(&closed).unwrap();
    std::fs::write(closed.join("pod.yaml"), POD).unwrap();
    std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o000)).unwrap();
    let result = lint(dir.path(), &["."]);
    std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(
        concise(&result),
        lines(&[
            TREE_CONTROL,
            "locked.yaml:1:1: high[invalid-input] cannot read file: Permission denied (os error 13)",
            "2 findings (1 critical, 1 high) in 2 files; 2 files checked."
        ])
    );
    // A directory that cannot be listed is an error of the run (exit status 2).
    assert_eq!(result.errors.len(), 1, "{:?}", result.errors);
    assert!(
        result.errors[0].contains("closed") && result.errors[0].contains("Permission denied"),
        "{:?}",
        result.errors
    );
}

#[test]
fn a_deep_directory_tree_is_walked() {
    // 1,000 nested directories: a 2,000-byte path, still under PATH_MAX.
    let dir = tree(&[]);
    let deep: PathBuf = std::iter::repeat_n("d", 1_000).collect();
    std::fs::create_dir_all(dir.path().join(&deep)).unwrap();
    std::fs::write(dir.path().join(&deep).join("pod.yaml"), POD).unwrap();
    let shown = format!("{}pod.yaml", "d/".repeat(1_000));
    assert_eq!(
        lint_tree(dir.path()),
        lines(&[
            TREE_CONTROL,
            &format!(
                "{shown}:10:21: critical[no-privileged-container] container \"app\" runs privileged"
            ),
            "2 findings (2 critical) in 2 files; 2 files checked."
        ])
    );
}

#[cfg(unix)]
#[test]
fn fifos_sockets_and_devices_are_skipped_not_opened() {
    // Opening a fifo with no writer blocks forever: finishing is the proof
    // that it was not opened.
    let dir = tree(&[]);
    let root = dir.path();
    let fifo = root.join("pipe.yaml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    let _socket = std::os::unix::net::UnixListener::bind(root.join("socket.yaml")).unwrap();
    // A device node needs privileges; `/dev/null` and `/dev/zero` named on
    // the command line stand in for one otherwise.
    let device = std::process::Command::new("mknod")
        .args([
            root.join("null.yaml").as_os_str(),
            "c".as_ref(),
            "1".as_ref(),
            "3".as_ref(),
        ])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let result = lint(root, &[".", "/dev/null", "/dev/zero", "pipe.yaml"]);
    assert_eq!(
        concise(&result),
        lines(&[
            TREE_CONTROL,
            "1 finding (1 critical) in 1 file; 1 file checked."
        ])
    );
    let special = "not a regular file".to_string();
    let mut expected = vec!["/dev/null", "/dev/zero"];
    if device {
        expected.push("null.yaml");
    }
    // Named on the command line and met by the walk, listed once.
    expected.extend(["pipe.yaml", "socket.yaml"]);
    let expected: Vec<(String, String)> = expected
        .into_iter()
        .map(|p| (p.to_string(), special.clone()))
        .collect();
    assert_eq!(skipped(&result), expected);
}

#[test]
fn a_path_given_twice_is_checked_once() {
    let dir = tree(&[("other.yaml", POD.as_bytes())]);
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/pod.yaml"), POD).unwrap();
    let result = lint(
        dir.path(),
        &[
            ".",
            "./",
            "sub",
            "sub/../sub/pod.yaml",
            "other.yaml",
            "./other.yaml",
        ],
    );
    assert_eq!(
        concise(&result),
        lines(&[
            TREE_CONTROL,
            "other.yaml:10:21: critical[no-privileged-container] container \"app\" runs privileged",
            "sub/pod.yaml:10:21: critical[no-privileged-container] container \"app\" runs privileged",
            "3 findings (3 critical) in 3 files; 3 files checked."
        ])
    );
}

#[cfg(target_os = "linux")]
#[test]
fn file_names_that_are_not_utf8_are_checked() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = tree(&[]);
    // Two names that differ only in bytes that are not UTF-8: both are
    // checked, though both print the same.
    for name in [&b"bad-\xff.yaml"[..], &b"bad-\xfe.yaml"[..]] {
        std::fs::write(dir.path().join(OsStr::from_bytes(name)), POD).unwrap();
    }
    std::fs::create_dir(dir.path().join(OsStr::from_bytes(b"dir-\xc3\x28"))).unwrap();
    std::fs::write(
        dir.path()
            .join(OsStr::from_bytes(b"dir-\xc3\x28/Dockerfile")),
        "FROM alpine:3.19\nCMD sleep 1\n",
    )
    .unwrap();
    assert_eq!(
        lint_tree(dir.path()),
        lines(&[
            "bad-\u{fffd}.yaml:10:21: critical[no-privileged-container] container \"app\" runs privileged",
            "bad-\u{fffd}.yaml:10:21: critical[no-privileged-container] container \"app\" runs privileged",
            TREE_CONTROL,
            "dir-\u{fffd}(/Dockerfile:2:5: low[dockerfile-exec-form] CMD in shell form runs under /bin/sh -c",
            "4 findings (3 critical, 1 low) in 3 files; 4 files checked."
        ])
    );
}

// ---------------------------------------------------------------- all at once

#[test]
fn the_committed_fixtures_in_one_run() {
    // Every fixture of testdata/hostile in one run, as code frames: a wrong
    // span shows in review.
    let result = lint(&repo(), &["testdata/hostile"]);
    insta::assert_snapshot!(render(&result, Format::Human));
}

#[test]
fn the_readme_states_the_limits_in_force() {
    use harden::yaml::{Limits, MAX_FLOW_DEPTH, MAX_REPAIRS};
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let limits = Limits::default();
    let thousands = |n: usize| {
        let digits = n.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    };
    for (name, value) in [
        ("max-file-size", format!("{} MiB", MAX_FILE_BYTES >> 20)),
        ("max-depth", format!("{} levels", limits.max_depth)),
        ("max-flow-depth", format!("{MAX_FLOW_DEPTH} levels")),
        (
            "max-alias-expansion",
            format!("{} nodes", thousands(limits.max_alias_expansion as usize)),
        ),
        (
            "max-documents",
            format!("{} documents", thousands(limits.max_documents)),
        ),
        ("max-layout-repairs", format!("{MAX_REPAIRS} re-reads")),
    ] {
        let row = format!("| `{name}` | {value}");
        assert!(readme.contains(&row), "README lacks the row `{row}`");
    }
}
