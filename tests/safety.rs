//! What `harden lint` never does, observed from outside: it opens no network
//! connection, starts no child process and reads no file outside the roots
//! it was given. The built binary runs under `strace -f` over the fixtures,
//! the shared corpus and a planted tree whose symbolic links, kustomization
//! and chart all point at a secret outside it; every system call of the
//! network and process classes and every successful `open` is checked.
//!
//! Without strace the tests say so and pass, unless `HARDEN_REQUIRE_SHARED=1`
//! (as in CI, which installs strace), where they fail.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// Files outside the roots that the process may open, and why. Anything
/// else opened outside the roots fails the test.
fn allowed_outside(path: &str) -> bool {
    // The dynamic loader: its cache and the shared libraries it maps.
    if path == "/etc/ld.so.cache" {
        return true;
    }
    let library_dir = ["/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/"]
        .iter()
        .any(|d| path.starts_with(d));
    if library_dir && path.contains(".so") {
        return true;
    }
    // The standard library: the main thread's stack bounds (maps) and the
    // CPU quota that sizes the worker pool (cgroup, mountinfo, cgroupfs).
    if let Some(rest) = path.strip_prefix("/proc/")
        && let Some((pid, file)) = rest.split_once('/')
        && (pid == "self" || pid.bytes().all(|b| b.is_ascii_digit()))
        && matches!(file, "maps" | "cgroup" | "mountinfo")
    {
        return true;
    }
    if path.starts_with("/sys/fs/cgroup/") {
        return true;
    }
    // The C library's allocator reads the kernel's overcommit policy.
    path == "/proc/sys/vm/overcommit_memory"
}

/// Ignore files and git metadata that the walk reads around a root: the
/// `.gitignore` (and `.ignore`, `.hardenignore`) of every directory above it,
/// and the repository's git directory for `info/exclude`, found through the
/// `.git` of a directory above a root (a worktree's `.git` file names its
/// git directory, whose `commondir` names the main one). Configuration files
/// looked up from the working directory upward are allowed there too.
fn allowed_around_roots(path: &Path, roots: &[PathBuf]) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let is_ignore_or_config = matches!(
        name,
        ".gitignore" | ".ignore" | ".hardenignore" | ".git" | ".harden.yaml" | ".harden.yml"
    );
    let beside_an_ancestor = path
        .parent()
        .is_some_and(|dir| roots.iter().any(|root| root.starts_with(dir)));
    let in_git_dir = git_dirs(roots).iter().any(|dir| path.starts_with(dir));
    in_git_dir || (is_ignore_or_config && beside_an_ancestor)
}

/// The git directories of the repositories around the roots.
fn git_dirs(roots: &[PathBuf]) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    for ancestor in roots.iter().flat_map(|r| r.ancestors()) {
        let dot_git = ancestor.join(".git");
        if dot_git.is_dir() {
            dirs.push(dot_git);
        } else if let Ok(text) = std::fs::read_to_string(&dot_git)
            && let Some(gitdir) = text.trim().strip_prefix("gitdir:")
        {
            let gitdir = ancestor.join(gitdir.trim());
            if let Ok(common) = std::fs::read_to_string(gitdir.join("commondir")) {
                dirs.push(gitdir.join(common.trim()));
            }
            dirs.push(gitdir);
        }
    }
    dirs.iter()
        .map(|d| std::fs::canonicalize(d).unwrap_or_else(|_| d.clone()))
        .collect()
}

fn strace_available() -> bool {
    let works = Command::new("strace")
        .args(["-f", "-qq", "-o", "/dev/null", "true"])
        .status()
        .is_ok_and(|s| s.success());
    if works {
        return true;
    }
    if std::env::var("HARDEN_REQUIRE_SHARED").is_ok_and(|v| v == "1") {
        panic!("strace is missing or cannot trace here, and HARDEN_REQUIRE_SHARED=1");
    }
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "skipped safety tests: strace is not installed or cannot trace here"
    );
    false
}

/// One system call of the trace: the syscall name, its arguments and what it returned.
struct Call {
    name: String,
    args: String,
    result: String,
}

fn parse_trace(dir: &Path) -> Vec<Call> {
    let mut calls = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for line in text.lines() {
            // `-ff` gives one file per thread, so no call is split in two.
            if line.starts_with("+++") || line.starts_with("---") {
                continue;
            }
            let Some((name, rest)) = line.split_once('(') else {
                continue;
            };
            let (args, result) = rest.rsplit_once(") = ").unwrap_or((rest, ""));
            calls.push(Call {
                name: name.trim().to_string(),
                args: args.to_string(),
                result: result.to_string(),
            });
        }
    }
    calls
}

/// The real path strace decoded for a returned descriptor: `3</etc/x>`.
fn opened_path(result: &str) -> Option<&str> {
    let (fd, rest) = result.split_once('<')?;
    fd.parse::<i64>().ok().filter(|&fd| fd >= 0)?;
    rest.rsplit_once('>').map(|(path, _)| path)
}

/// A tree that tries to lead the linter out of itself to `secret`.
fn planted_tree(secret_dir: &Path) -> tempfile::TempDir {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let secret = secret_dir.join("secret.yaml");
    symlink(&secret, root.join("secret-link.yaml")).unwrap();
    symlink(secret_dir, root.join("secret-dir")).unwrap();
    symlink("/", root.join("filesystem-root")).unwrap();
    std::fs::create_dir(root.join("overlay")).unwrap();
    std::fs::write(
        root.join("overlay/kustomization.yaml"),
        format!(
            "resources:\n  - {0}\npatches:\n  - path: {0}/secret.yaml\npatchesStrategicMerge:\n  - ../../../../{1}\n",
            secret_dir.display(),
            secret.display()
        ),
    )
    .unwrap();
    let chart = root.join("chart");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: lure\nversion: 0.1.0\n",
    )
    .unwrap();
    std::fs::write(
        chart.join("templates/secret.yaml"),
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: lure}}\ndata:\n  stolen: {{{{ .Files.Get \"../../../../..{}\" | quote }}}}\n",
            secret.display()
        ),
    )
    .unwrap();
    symlink(&secret, chart.join("files-secret.yaml")).unwrap();
    std::fs::write(
        root.join("pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: planted}\nspec:\n  containers: [{name: app, image: app:1}]\n",
    )
    .unwrap();
    dir
}

const CANARY: &str = "canary-that-must-never-be-read";

#[cfg(target_os = "linux")]
#[test]
fn lint_opens_no_socket_runs_no_program_and_reads_only_its_roots() {
    if !strace_available() {
        return;
    }
    let secret_dir = tempfile::tempdir().unwrap();
    std::fs::write(
        secret_dir.path().join("secret.yaml"),
        format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: {CANARY}}}\nspec:\n  containers: [{{name: {CANARY}, image: x, securityContext: {{privileged: true}}}}]\n"),
    )
    .unwrap();
    let planted = planted_tree(secret_dir.path());
    let repo = common::repo();
    let mut roots = vec![repo.join("testdata"), planted.path().to_path_buf()];
    if let Some(corpus) = common::shared("corpus", "safety over the corpus") {
        roots.push(corpus);
    }
    let roots: Vec<PathBuf> = roots
        .iter()
        .map(|r| std::fs::canonicalize(r).unwrap())
        .collect();

    let trace = tempfile::tempdir().unwrap();
    let output = Command::new("strace")
        .args(["-f", "-ff", "-y", "-qq", "--seccomp-bpf"])
        .args(["-e", "trace=network,process,open,openat"])
        .arg("-o")
        .arg(trace.path().join("trace"))
        .arg(env!("CARGO_BIN_EXE_harden"))
        .args(["lint", "--format", "json", "--select", "all"])
        .args(&roots)
        .current_dir(&repo)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "harden failed: {stderr}"
    );
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("a JSON report");
    assert!(report["summary"]["files_checked"].as_u64().unwrap() > 100);
    assert!(
        !stdout.contains(CANARY) && !stderr.contains(CANARY),
        "the secret outside the roots was read"
    );

    let calls = parse_trace(trace.path());
    let audit = audit(
        &calls,
        env!("CARGO_BIN_EXE_harden"),
        &roots,
        secret_dir.path(),
    );
    assert_eq!(audit.execs, 1, "the trace holds the binary's own start");
    assert!(
        audit.opened_inside as u64 >= report["summary"]["files_checked"].as_u64().unwrap(),
        "the trace does not show the files that were checked"
    );
    assert!(audit.problems.is_empty(), "\n{}", audit.problems.join("\n"));
}

struct Audit {
    problems: Vec<String>,
    /// Starts of the binary itself.
    execs: usize,
    opened_inside: usize,
}

/// Checks a trace of `binary`, which may start once and nothing else.
fn audit(calls: &[Call], binary: &str, roots: &[PathBuf], secret_dir: &Path) -> Audit {
    let mut audit = Audit {
        problems: Vec::new(),
        execs: 0,
        opened_inside: 0,
    };
    let problems = &mut audit.problems;
    for call in calls {
        match call.name.as_str() {
            "openat" | "open" => {
                let Some(path) = opened_path(&call.result) else {
                    continue; // failed: nothing was opened
                };
                let real = Path::new(path);
                if real.starts_with(secret_dir) {
                    problems.push(format!("opened the planted secret: {path}"));
                } else if roots.iter().any(|root| real.starts_with(root)) {
                    audit.opened_inside += 1;
                } else if !allowed_outside(path) && !allowed_around_roots(real, roots) {
                    problems.push(format!("opened outside the roots: {path}"));
                }
            }
            "execve" | "execveat" => {
                let own_start = call.args.starts_with(&format!("{binary:?}"));
                audit.execs += usize::from(own_start);
                if !own_start || audit.execs > 1 {
                    problems.push(format!("ran a program: {}({})", call.name, call.args));
                }
            }
            // Worker threads share the process; anything else is a child.
            "clone" | "clone3" if call.args.contains("CLONE_THREAD") => {}
            "exit" | "exit_group" => {}
            name @ ("clone" | "clone3" | "fork" | "vfork") => {
                problems.push(format!("started a process: {name}({})", call.args));
            }
            // Every other call of the traced classes is a problem: waiting
            // for a child, and any socket call (harden has no use for one,
            // not even a local one).
            name => problems.push(format!("{name}({}) = {}", call.args, call.result)),
        }
    }
    audit
}

#[test]
fn the_audit_catches_what_it_must() {
    let trace = tempfile::tempdir().unwrap();
    std::fs::write(
        trace.path().join("trace.1"),
        [
            r#"execve("/bin/harden", ["harden", "lint"], 0x7ffd /* 3 vars */) = 0"#,
            r#"openat(AT_FDCWD</repo>, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3</etc/ld.so.cache>"#,
            r#"openat(AT_FDCWD</repo>, "k8s/a.yaml", O_RDONLY|O_CLOEXEC) = 3</repo/k8s/a.yaml>"#,
            r#"openat(AT_FDCWD</repo>, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3</etc/passwd>"#,
            r#"openat(AT_FDCWD</repo>, "/etc/shadow", O_RDONLY|O_CLOEXEC) = -1 EACCES (Permission denied)"#,
            r#"openat(AT_FDCWD</repo>, "k8s/link.yaml", O_RDONLY|O_CLOEXEC) = 3</secret/s.yaml>"#,
            r#"clone3({flags=CLONE_VM|CLONE_THREAD|CLONE_SETTLS, child_tid=0x7f}, 88) = 12"#,
            r#"clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|SIGCHLD, child_tidptr=0x7f) = 13"#,
            r#"socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 4<socket:[1]>"#,
            r#"connect(4<socket:[1]>, {sa_family=AF_INET, sin_port=htons(443)}, 16) = 0"#,
            "+++ exited with 0 +++",
        ]
        .join("\n"),
    )
    .unwrap();
    std::fs::write(
        trace.path().join("trace.2"),
        r#"execve("/bin/sh", ["sh", "-c", "id"], 0x7ffd /* 3 vars */) = 0"#,
    )
    .unwrap();
    let calls = parse_trace(trace.path());
    let audit = audit(
        &calls,
        "/bin/harden",
        &[PathBuf::from("/repo/k8s")],
        Path::new("/secret"),
    );
    assert_eq!(audit.execs, 1);
    assert_eq!(audit.opened_inside, 1);
    let mut problems = audit.problems;
    problems.sort();
    assert_eq!(
        problems,
        [
            "connect(4<socket:[1]>, {sa_family=AF_INET, sin_port=htons(443)}, 16) = 0",
            "opened outside the roots: /etc/passwd",
            "opened the planted secret: /secret/s.yaml",
            r#"ran a program: execve("/bin/sh", ["sh", "-c", "id"], 0x7ffd /* 3 vars */)"#,
            "socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 4<socket:[1]>",
            "started a process: clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|SIGCHLD, child_tidptr=0x7f)",
        ]
    );
}

#[test]
fn the_allow_list_is_narrow() {
    assert!(allowed_outside("/etc/ld.so.cache"));
    assert!(allowed_outside("/usr/lib/x86_64-linux-gnu/libc.so.6"));
    assert!(allowed_outside("/proc/123/maps"));
    assert!(!allowed_outside("/etc/passwd"));
    assert!(!allowed_outside("/usr/lib/os-release"));
    assert!(!allowed_outside("/proc/123/environ"));
    assert!(!allowed_outside("/proc/sys/kernel/hostname"));
    let roots = [PathBuf::from("/repo/k8s")];
    assert!(allowed_around_roots(Path::new("/repo/.gitignore"), &roots));
    assert!(allowed_around_roots(Path::new("/.gitignore"), &roots));
    assert!(!allowed_around_roots(
        Path::new("/elsewhere/.git/config"),
        &roots
    ));
    assert!(!allowed_around_roots(
        Path::new("/repo/secret.yaml"),
        &roots
    ));
    assert!(!allowed_around_roots(
        Path::new("/elsewhere/.gitignore"),
        &roots
    ));
}
