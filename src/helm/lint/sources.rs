//! The files of a chart as the chart rules read them: `Chart.yaml`,
//! `Chart.lock` (or `requirements.yaml` and `requirements.lock` of a Helm 2
//! chart), every values file, the templates as text, and the vendored
//! dependencies under `charts/`. Nothing here renders.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::engine::{Unreadable, read_source};
use crate::source::SourceFile;
use crate::yaml::{Document, Limits, ParseError, parse_stream};

/// One YAML file of a chart, read and parsed.
pub struct YamlFile {
    pub file: Arc<SourceFile>,
    /// The first document; `None` when the file is empty or does not parse.
    pub document: Option<Document>,
    pub error: Option<ParseError>,
}

impl YamlFile {
    fn parse(file: Arc<SourceFile>) -> YamlFile {
        let mut parsed = parse_stream(&file.text, &Limits::default());
        let document = if parsed.documents.is_empty() {
            None
        } else {
            Some(parsed.documents.swap_remove(0))
        };
        YamlFile {
            file,
            document,
            error: parsed.error,
        }
    }

    /// The root mapping, when the file holds one.
    pub fn root(&self) -> Option<crate::yaml::NodeRef<'_>> {
        self.document.as_ref()?.root().filter(|r| r.is_map())
    }
}

/// The files of one chart (or of a dependency vendored in `charts/`).
pub struct ChartFiles {
    pub dir: PathBuf,
    /// The directory as reports print it.
    pub display: String,
    pub chart_yaml: Option<YamlFile>,
    pub chart_lock: Option<YamlFile>,
    /// `requirements.yaml` of a Helm 2 chart.
    pub requirements: Option<YamlFile>,
    pub requirements_lock: Option<YamlFile>,
    /// `values.yaml` first, then `values*.yaml` and `ci/*.yaml` by name.
    pub values: Vec<YamlFile>,
    pub has_schema: bool,
    /// Every file under `templates/`, as text, sorted by path.
    pub templates: Vec<Arc<SourceFile>>,
    /// Dependencies vendored as directories under `charts/`.
    pub subcharts: Vec<ChartFiles>,
    /// Dependencies vendored as archives under `charts/` (display paths).
    pub archives: Vec<String>,
    /// The dependency this chart is vendored as (its directory name under
    /// `charts/`), `None` for the chart that was linted.
    pub dependency: Option<String>,
    /// Files that could not be read.
    pub unreadable: Vec<Unreadable>,
}

/// Vendored dependencies nest; deeper than this is not read.
const MAX_DEPTH: usize = 8;

/// Templates larger than this many files are not all read.
const MAX_TEMPLATES: usize = 2000;

impl ChartFiles {
    /// Reads the chart in `dir`; `display` is how reports name the directory.
    pub fn load(dir: &Path, display: &str) -> ChartFiles {
        Self::load_at(dir, display, None, 0)
    }

    /// A values file kept without its chart, as a chart of that one file.
    pub fn loose_values(file: Arc<SourceFile>) -> ChartFiles {
        let display = file
            .path
            .rsplit_once('/')
            .map_or(String::new(), |(dir, _)| dir.to_string());
        ChartFiles {
            dir: PathBuf::from(&display),
            display,
            chart_yaml: None,
            chart_lock: None,
            requirements: None,
            requirements_lock: None,
            values: vec![YamlFile::parse(file)],
            has_schema: false,
            templates: Vec::new(),
            subcharts: Vec::new(),
            archives: Vec::new(),
            dependency: None,
            unreadable: Vec::new(),
        }
    }

    fn load_at(dir: &Path, display: &str, dependency: Option<String>, depth: usize) -> ChartFiles {
        let mut chart = ChartFiles {
            dir: dir.to_path_buf(),
            display: display.to_string(),
            chart_yaml: None,
            chart_lock: None,
            requirements: None,
            requirements_lock: None,
            values: Vec::new(),
            has_schema: regular_file(&dir.join("values.schema.json")),
            templates: Vec::new(),
            subcharts: Vec::new(),
            archives: Vec::new(),
            dependency,
            unreadable: Vec::new(),
        };
        chart.chart_yaml = chart.yaml("Chart.yaml");
        chart.chart_lock = chart.yaml("Chart.lock");
        chart.requirements = chart.yaml("requirements.yaml");
        chart.requirements_lock = chart.yaml("requirements.lock");
        for name in values_files(dir) {
            if let Some(file) = chart.yaml(&name) {
                chart.values.push(file);
            }
        }
        chart.templates = chart.read_templates();
        if depth < MAX_DEPTH {
            for (name, path, is_dir) in sorted_entries(&dir.join("charts")) {
                let shown = chart.display_of(&format!("charts/{name}"));
                if is_dir && regular_file(&path.join("Chart.yaml")) {
                    chart.subcharts.push(ChartFiles::load_at(
                        &path,
                        &shown,
                        Some(name.clone()),
                        depth + 1,
                    ));
                } else if !is_dir && name.ends_with(".tgz") {
                    chart.archives.push(shown);
                }
            }
        }
        chart
    }

    fn display_of(&self, relative: &str) -> String {
        if self.display.is_empty() || self.display == "." {
            relative.to_string()
        } else {
            format!("{}/{relative}", self.display)
        }
    }

    fn read(&mut self, relative: &str) -> Option<Arc<SourceFile>> {
        let path = self.dir.join(relative);
        if !regular_file(&path) {
            return None;
        }
        match read_source(&path, &self.display_of(relative)) {
            Ok(file) => Some(file),
            Err(unreadable) => {
                self.unreadable.push(unreadable);
                None
            }
        }
    }

    fn yaml(&mut self, relative: &str) -> Option<YamlFile> {
        self.read(relative).map(YamlFile::parse)
    }

    fn read_templates(&mut self) -> Vec<Arc<SourceFile>> {
        let mut names = Vec::new();
        let mut pending = vec![String::from("templates")];
        while let Some(relative) = pending.pop() {
            for (name, _, is_dir) in sorted_entries(&self.dir.join(&relative)) {
                let child = format!("{relative}/{name}");
                if is_dir {
                    pending.push(child);
                } else {
                    names.push(child);
                }
            }
        }
        names.sort();
        names.truncate(MAX_TEMPLATES);
        names.iter().filter_map(|n| self.read(n)).collect()
    }

    /// The chart's name from `Chart.yaml`, else its directory name.
    pub fn name(&self) -> String {
        self.chart_yaml
            .as_ref()
            .and_then(|c| c.root())
            .and_then(|r| r.get("name"))
            .and_then(|n| n.as_text())
            .map(str::to_string)
            .unwrap_or_else(|| {
                self.dir
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            })
    }

    /// The template file whose path inside the chart is `relative`
    /// (`templates/deployment.yaml`).
    pub fn template(&self, relative: &str) -> Option<&Arc<SourceFile>> {
        let wanted = self.display_of(relative);
        self.templates.iter().find(|t| t.path == wanted)
    }

    /// The path of a template inside its chart (`templates/x.yaml`).
    pub fn relative<'a>(&self, file: &'a SourceFile) -> &'a str {
        let prefix = self.display_of("");
        file.path.strip_prefix(&prefix).unwrap_or(&file.path)
    }

    /// This chart and every vendored dependency below it, depth first.
    pub fn all(&self) -> Vec<&ChartFiles> {
        let mut out = vec![self];
        let mut index = 0;
        while index < out.len() {
            let chart = out[index];
            out.extend(chart.subcharts.iter());
            index += 1;
        }
        out
    }

    /// The values file named `name` (`values-production.yaml`), if the chart has it.
    pub fn values_file(&self, name: &str) -> Option<&YamlFile> {
        let wanted = self.display_of(name);
        self.values.iter().find(|v| v.file.path == wanted)
    }
}

/// True for a values file of a chart: `values.yaml`, `values-prod.yaml`,
/// `values.prod.yaml`, `values_dev.yml`.
pub fn is_values_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    (lower.ends_with(".yaml") || lower.ends_with(".yml")) && lower.starts_with("values")
}

/// `values.yaml` first, then the other values files and `ci/*.yaml`, by name.
fn values_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = sorted_entries(dir)
        .into_iter()
        .filter(|(name, _, is_dir)| !is_dir && is_values_name(name))
        .map(|(name, _, _)| name)
        .collect();
    names.sort_by_key(|n| (n != "values.yaml", n.clone()));
    names.extend(
        sorted_entries(&dir.join("ci"))
            .into_iter()
            .filter(|(name, _, is_dir)| {
                !is_dir && (name.ends_with(".yaml") || name.ends_with(".yml"))
            })
            .map(|(name, _, _)| format!("ci/{name}")),
    );
    names
}

fn regular_file(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
}

/// Directory entries (name, path, is a directory), sorted by name; symbolic
/// links are never followed.
fn sorted_entries(dir: &Path) -> Vec<(String, PathBuf, bool)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, PathBuf, bool)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let file_type = entry.file_type().ok()?;
            if file_type.is_symlink() {
                return None;
            }
            Some((
                entry.file_name().to_string_lossy().into_owned(),
                entry.path(),
                file_type.is_dir(),
            ))
        })
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::is_values_name;

    #[test]
    fn values_names() {
        assert!(is_values_name("values.yaml"));
        assert!(is_values_name("values-production.yaml"));
        assert!(is_values_name("values.dev.yml"));
        assert!(!is_values_name("Chart.yaml"));
        assert!(!is_values_name("values.json"));
    }
}
