//! Finding the files to check: a walk that honours `.gitignore` and
//! `.hardenignore`, never follows symbolic links, and sorts what it finds
//! into manifests, Helm charts and Dockerfiles.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::yaml;

/// A file to check.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub path: PathBuf,
    /// The path as reports print it: relative to the working directory when
    /// under it, with `/` separators.
    pub display: String,
    pub kind: FileKind,
}

/// A file or directory deliberately not checked, with the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub display: String,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<Candidate>,
    pub skipped: Vec<Skipped>,
    /// Paths that could not be walked (a missing path, an unreadable directory).
    pub errors: Vec<String>,
    /// When a path named on the command line lies inside a Helm chart, the
    /// whole chart is walked instead, and only findings in the named paths
    /// (display form, files or directories) are to be reported. Empty otherwise.
    pub focus: Vec<String>,
}

/// What a file name says about its content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// `.yaml`, `.yml` or `.json`: a Kubernetes manifest if its documents say so.
    Manifest,
    Dockerfile,
    Other,
}

pub fn classify(name: &str) -> FileKind {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".yaml") || lower.ends_with(".yml") || lower.ends_with(".json") {
        FileKind::Manifest
    } else if name == "Dockerfile"
        || name == "Containerfile"
        || name.starts_with("Dockerfile.")
        || lower.ends_with(".dockerfile")
    {
        FileKind::Dockerfile
    } else {
        FileKind::Other
    }
}

/// The path as printed: relative to `cwd` when below it, `/`-separated.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let shown = path
        .strip_prefix(cwd)
        .ok()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(path);
    let text = shown.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").unwrap_or(&text).to_string()
}

/// Walks `paths` and returns the files to check, sorted by display path.
///
/// `dockerfiles` holds extra glob patterns (matched against the file name and
/// against the displayed path) for Dockerfiles with unusual names.
pub fn discover(paths: &[PathBuf], cwd: &Path, dockerfiles: &globset::GlobSet) -> Discovered {
    let mut out = Discovered::default();
    let classify = |name: &str, display: &str| {
        if dockerfiles.is_match(name) || dockerfiles.is_match(display) {
            FileKind::Dockerfile
        } else {
            classify(name)
        }
    };
    // Keyed by the printed path and the real one: two names that are not
    // UTF-8 may print the same, and both are checked.
    let mut found: BTreeMap<(String, PathBuf), FileKind> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    let mut charts = BTreeSet::new();
    let mut kustomizations = Vec::new();
    let mut roots: Vec<PathBuf> = Vec::with_capacity(paths.len());
    let mut named = Vec::with_capacity(paths.len());
    let mut widened = false;
    for root in paths {
        let absolute = if root.is_absolute() {
            root.clone()
        } else {
            cwd.join(root)
        };
        named.push(focus_path(&absolute, cwd));
        let root = match chart_root(&absolute, cwd) {
            Some(chart) if normalize(&chart) != normalize(&absolute) => {
                widened = true;
                chart
            }
            _ => absolute,
        };
        if !roots.contains(&root) {
            roots.push(root);
        }
    }
    if widened {
        out.focus = named;
    }
    for absolute in roots {
        let metadata = match std::fs::metadata(&absolute) {
            Ok(m) => m,
            Err(e) => {
                out.errors
                    .push(format!("{}: {e}", display_path(&absolute, cwd)));
                continue;
            }
        };
        if metadata.is_file() {
            // A file named on the command line is checked whatever its name.
            let key = canonical(&absolute);
            let name = absolute
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let kind = match classify(&name, &display_path(&absolute, cwd)) {
                FileKind::Dockerfile => FileKind::Dockerfile,
                _ => FileKind::Manifest,
            };
            if seen.insert(key) {
                found.insert((display_path(&absolute, cwd), absolute), kind);
            }
            continue;
        }
        if !metadata.is_dir() {
            out.skipped.push(Skipped {
                display: display_path(&absolute, cwd),
                reason: "not a regular file".into(),
            });
            continue;
        }
        let walker = ignore::WalkBuilder::new(&absolute)
            .hidden(false)
            .git_global(false)
            .require_git(false)
            .follow_links(false)
            .add_custom_ignore_filename(".hardenignore")
            .filter_entry(|entry| entry.file_name() != ".git")
            .build();
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    out.errors.push(e.to_string());
                    continue;
                }
            };
            let Some(file_type) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            let display = display_path(path, cwd);
            if file_type.is_symlink() {
                out.skipped.push(Skipped {
                    display,
                    reason: "symbolic link (never followed)".into(),
                });
                continue;
            }
            if file_type.is_dir() {
                continue;
            }
            if !file_type.is_file() {
                out.skipped.push(Skipped {
                    display,
                    reason: "not a regular file".into(),
                });
                continue;
            }
            let name = entry.file_name().to_string_lossy();
            if name == "Chart.yaml"
                && let Some(dir) = path.parent()
            {
                charts.insert(dir.to_path_buf());
            }
            if matches!(
                name.as_ref(),
                "kustomization.yaml" | "kustomization.yml" | "Kustomization"
            ) {
                kustomizations.push(path.to_path_buf());
            }
            match classify(&name, &display) {
                kind @ (FileKind::Manifest | FileKind::Dockerfile) => {
                    if seen.insert(canonical(path)) {
                        found.insert((display, path.to_path_buf()), kind);
                    }
                }
                FileKind::Other => {}
            }
        }
    }
    for chart in &charts {
        out.skipped.push(Skipped {
            display: display_path(chart, cwd),
            reason: "Helm chart (chart rendering is not part of this version)".into(),
        });
    }
    let patches: BTreeMap<PathBuf, PathBuf> = kustomizations
        .iter()
        .flat_map(|k| {
            kustomize_patches(k)
                .into_iter()
                .map(move |p| (p, k.clone()))
        })
        .collect();
    for ((display, path), kind) in found {
        if charts.iter().any(|chart| path.starts_with(chart)) {
            continue;
        }
        if let Some(kustomization) = patches.get(&normalize(&path)) {
            out.skipped.push(Skipped {
                display,
                reason: format!(
                    "kustomize patch named by {}",
                    display_path(kustomization, cwd)
                ),
            });
            continue;
        }
        out.files.push(Candidate {
            path,
            display,
            kind,
        });
    }
    out.skipped.sort_by(|a, b| a.display.cmp(&b.display));
    // A special file named on the command line and met by the walk too.
    out.skipped.dedup();
    out
}

/// A path named on the command line as a focus entry: its display form, or
/// `.` for the working directory itself.
pub fn focus_path(path: &Path, cwd: &Path) -> String {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    if normalize(&absolute) == normalize(cwd) {
        ".".to_string()
    } else {
        display_path(&normalize(&absolute), &normalize(cwd))
    }
}

/// The chart a path belongs to: the nearest directory at or above it that
/// holds a `Chart.yaml`, or, for a subchart under `charts/`, the chart that
/// renders it. The search stops at `cwd` when the path lies below it.
pub fn chart_root(path: &Path, cwd: &Path) -> Option<PathBuf> {
    let start = if path.is_dir() { path } else { path.parent()? };
    let inside = start.starts_with(cwd);
    let mut chart = start
        .ancestors()
        .take_while(|dir| !inside || dir.starts_with(cwd))
        .find(|dir| dir.join("Chart.yaml").is_file())?;
    while let Some(charts) = chart
        .parent()
        .filter(|p| p.file_name() == Some("charts".as_ref()))
        && let Some(parent) = charts.parent().filter(|p| p.join("Chart.yaml").is_file())
    {
        chart = parent;
    }
    Some(chart.to_path_buf())
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Removes `.` and `..` components without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The files a kustomization names as patches: fragments, not objects.
fn kustomize_patches(kustomization: &Path) -> Vec<PathBuf> {
    let Ok(text) = std::fs::read_to_string(kustomization) else {
        return Vec::new();
    };
    let Ok(value) = yaml::to_json(&text) else {
        return Vec::new();
    };
    let dir = kustomization.parent().unwrap_or(Path::new("."));
    let mut names = Vec::new();
    for key in ["patches", "patchesJson6902"] {
        for item in value
            .get(key)
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
        {
            if let Some(path) = item.get("path").and_then(|p| p.as_str()) {
                names.push(path.to_string());
            }
        }
    }
    for item in value
        .get("patchesStrategicMerge")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
    {
        // Entries are file names, or inline patches (which hold a newline).
        if let Some(path) = item.as_str().filter(|p| !p.contains('\n')) {
            names.push(path.to_string());
        }
    }
    names
        .into_iter()
        .map(|name| normalize(&dir.join(name)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_name() {
        assert_eq!(classify("deploy.yaml"), FileKind::Manifest);
        assert_eq!(classify("x.JSON"), FileKind::Manifest);
        assert_eq!(classify("Dockerfile"), FileKind::Dockerfile);
        assert_eq!(classify("Dockerfile.prod"), FileKind::Dockerfile);
        assert_eq!(classify("api.Dockerfile"), FileKind::Dockerfile);
        assert_eq!(classify("Containerfile"), FileKind::Dockerfile);
        assert_eq!(classify("README.md"), FileKind::Other);
    }

    #[test]
    fn display_paths_are_relative_and_slashed() {
        let cwd = Path::new("/repo");
        assert_eq!(
            display_path(Path::new("/repo/k8s/a.yaml"), cwd),
            "k8s/a.yaml"
        );
        assert_eq!(
            display_path(Path::new("/elsewhere/a.yaml"), cwd),
            "/elsewhere/a.yaml"
        );
    }
}
