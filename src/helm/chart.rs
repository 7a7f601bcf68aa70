//! Loading a chart as Helm's loader does: from a directory or a `.tgz`
//! archive, into memory, with its subcharts.
//!
//! A directory is walked in lexical order with `.helmignore` applied;
//! `Chart.yaml`, `values.yaml` and `values.schema.json` are read apart,
//! `templates/` become templates, `charts/<name>/` and `charts/<name>.tgz`
//! become subcharts, and everything else is a file that `.Files` can read.
//! Archives are read entry by entry into memory under explicit limits, and
//! never written to disk. Symlinks are followed only while they stay inside
//! the chart.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::yaml::{self, NodeRef};

use super::ignore::Rules;

/// Bounds on what loading one chart may read.
#[derive(Clone, Copy, Debug)]
pub struct LoadLimits {
    /// Bytes of all files of the chart and its subcharts (uncompressed).
    pub max_total_bytes: u64,
    /// Files and archive entries.
    pub max_entries: usize,
    /// Nesting of subcharts.
    pub max_depth: usize,
}

impl Default for LoadLimits {
    fn default() -> Self {
        LoadLimits {
            max_total_bytes: 256 << 20,
            max_entries: 20_000,
            max_depth: 16,
        }
    }
}

/// A file of a chart: its path relative to the chart root, with `/`.
#[derive(Clone, Debug)]
pub struct ChartFile {
    pub name: String,
    pub data: Arc<[u8]>,
}

impl ChartFile {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Maintainer {
    pub name: String,
    pub email: String,
    pub url: String,
}

/// One `import-values` entry: the string form (`exports.<name>` of the child
/// into the parent's root) or the map form.
#[derive(Clone, Debug, PartialEq)]
pub enum ImportValue {
    Export(String),
    Map { child: String, parent: String },
}

/// A dependency as Chart.yaml (or a v1 chart's requirements.yaml) declares it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dependency {
    pub name: String,
    pub version: String,
    pub repository: String,
    pub condition: String,
    pub tags: Vec<String>,
    pub alias: String,
    pub import_values: Vec<ImportValue>,
}

/// Chart.yaml.
#[derive(Clone, Debug, Default)]
pub struct Metadata {
    pub api_version: String,
    pub name: String,
    pub version: String,
    pub app_version: String,
    pub description: String,
    pub kube_version: String,
    /// `application` or `library` (empty means application).
    pub chart_type: String,
    pub home: String,
    pub icon: String,
    pub condition: String,
    pub tags: String,
    pub deprecated: bool,
    pub sources: Vec<String>,
    pub keywords: Vec<String>,
    pub maintainers: Vec<Maintainer>,
    pub annotations: BTreeMap<String, String>,
    pub dependencies: Vec<Dependency>,
}

impl Metadata {
    pub fn is_library(&self) -> bool {
        self.chart_type == "library"
    }
}

/// A loaded chart.
#[derive(Clone, Debug)]
pub struct Chart {
    pub metadata: Metadata,
    /// Where it came from, for messages: a directory, or `<parent>/charts/x.tgz`.
    pub source: String,
    /// The path of `values.yaml` for messages and origins, and its text.
    pub values: Option<ChartFile>,
    pub schema: Option<ChartFile>,
    /// Files under `templates/`, sorted by name.
    pub templates: Vec<ChartFile>,
    /// Every other file `.Files` can read, sorted by name.
    pub files: Vec<ChartFile>,
    /// Subcharts found under `charts/`, sorted by directory or archive name.
    pub subcharts: Vec<Chart>,
}

impl Chart {
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    /// Declared dependencies that no subchart under `charts/` provides.
    pub fn missing_dependencies(&self) -> Vec<&str> {
        self.metadata
            .dependencies
            .iter()
            .filter(|d| !self.subcharts.iter().any(|c| c.name() == d.name))
            .map(|d| d.name.as_str())
            .collect()
    }
}

/// Loads the chart at `path`: a directory, or a `.tgz` archive.
pub fn load(path: &Path, limits: &LoadLimits) -> Result<Chart, String> {
    let mut budget = Budget::new(limits);
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("path {:?} not found", path.display().to_string()),
        _ => format!("{}: {e}", path.display()),
    })?;
    if meta.is_dir() {
        let files = read_dir(path, &mut budget)?;
        from_files(files, &path.display().to_string(), &mut budget, 0)
    } else {
        let data = read_bounded(path, &mut budget)?;
        load_archive(&data, &path.display().to_string(), &mut budget, 0)
    }
}

/// What reading may still cost.
struct Budget {
    bytes: u64,
    entries: usize,
    max_depth: usize,
}

impl Budget {
    fn new(limits: &LoadLimits) -> Budget {
        Budget {
            bytes: limits.max_total_bytes,
            entries: limits.max_entries,
            max_depth: limits.max_depth,
        }
    }

    fn take(&mut self, bytes: u64, what: &str) -> Result<(), String> {
        if self.entries == 0 {
            return Err(format!("{what}: the chart has too many files"));
        }
        self.entries -= 1;
        if bytes > self.bytes {
            return Err(format!("{what}: the chart is larger than the size limit"));
        }
        self.bytes -= bytes;
        Ok(())
    }
}

fn read_bounded(path: &Path, budget: &mut Budget) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut data = Vec::new();
    file.take(budget.bytes + 1)
        .read_to_end(&mut data)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    budget.take(data.len() as u64, &path.display().to_string())?;
    Ok(data)
}

/// Walks a chart directory in lexical order, as Helm's `LoadDir` does, with
/// `.helmignore` applied; symlinks are followed only inside the root.
fn read_dir(root: &Path, budget: &mut Budget) -> Result<Vec<ChartFile>, String> {
    let canonical_root = root
        .canonicalize()
        .map_err(|e| format!("{}: {e}", root.display()))?;
    let rules = match std::fs::read_to_string(root.join(".helmignore")) {
        Ok(text) => Rules::parse(&text).map_err(|e| format!("{}: {e}", root.display()))?,
        Err(_) => Rules::default(),
    }
    .with_defaults();
    let mut files = Vec::new();
    // (directory on disk, its chart-relative path), visited depth first.
    let mut stack: Vec<(PathBuf, String)> = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, rel)) = stack.pop() {
        let mut entries: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .filter_map(Result::ok)
            .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
            .collect();
        entries.sort();
        let mut subdirs = Vec::new();
        for (name, path) in entries {
            let rel_path = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            let link =
                std::fs::symlink_metadata(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            if link.file_type().is_symlink() {
                let target = path
                    .canonicalize()
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                if !target.starts_with(&canonical_root) {
                    return Err(format!(
                        "{}: symbolic link points outside the chart",
                        path.display()
                    ));
                }
            }
            let meta = std::fs::metadata(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            if meta.is_dir() {
                if !rules.ignored(&rel_path, true) {
                    if rel_path.matches('/').count() > 64 {
                        return Err(format!("{}: directories nest too deep", path.display()));
                    }
                    subdirs.push((path, rel_path));
                }
                continue;
            }
            if rules.ignored(&rel_path, false) {
                continue;
            }
            if !meta.is_file() {
                return Err(format!(
                    "cannot load irregular file {} as it has file mode type bits set",
                    path.display()
                ));
            }
            let data = read_bounded(&path, budget)?;
            files.push(ChartFile {
                name: rel_path,
                data: data.into(),
            });
        }
        // Depth first in lexical order: push in reverse.
        stack.extend(subdirs.into_iter().rev());
    }
    Ok(files)
}

/// Reads a chart archive into memory. Entries are named `<chart>/<path>`;
/// absolute paths, `..` and links are refused, and the limits bound what
/// decompression may produce.
pub fn archive_files(
    data: &[u8],
    source: &str,
    budget_limits: &LoadLimits,
) -> Result<Vec<ChartFile>, String> {
    let mut budget = Budget::new(budget_limits);
    read_archive(data, source, &mut budget)
}

fn read_archive(data: &[u8], source: &str, budget: &mut Budget) -> Result<Vec<ChartFile>, String> {
    let decoder = flate2::read::GzDecoder::new(data);
    let mut archive = tar::Archive::new(decoder);
    let entries = archive
        .entries()
        .map_err(|e| format!("{source}: not a chart archive: {e}"))?;
    let mut files: Vec<ChartFile> = Vec::new();
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("{source}: not a chart archive: {e}"))?;
        let raw = String::from_utf8_lossy(&entry.path_bytes()).replace('\\', "/");
        let kind = entry.header().entry_type();
        if kind.is_pax_global_extensions()
            || kind.is_pax_local_extensions()
            || kind.is_gnu_longname()
            || kind.is_gnu_longlink()
            || raw.ends_with("pax_global_header")
        {
            continue;
        }
        if raw.starts_with('/')
            || Path::new(&raw).components().any(|c| {
                matches!(
                    c,
                    Component::ParentDir | Component::RootDir | Component::Prefix(_)
                )
            })
        {
            return Err(format!(
                "{source}: archive entry {raw:?} points outside the chart"
            ));
        }
        if kind.is_symlink() || kind.is_hard_link() {
            return Err(format!(
                "{source}: archive entry {raw:?} is a link, which charts may not hold"
            ));
        }
        if kind.is_dir() {
            budget.take(0, source)?;
            continue;
        }
        if !kind.is_file() {
            return Err(format!(
                "{source}: archive entry {raw:?} is not a regular file"
            ));
        }
        let parts: Vec<&str> = raw.split('/').collect();
        if parts.len() == 1 && parts[0] == "Chart.yaml" {
            return Err("chart yaml not in base directory".into());
        }
        let name = parts[1..].join("/");
        if name.is_empty() {
            continue;
        }
        let mut data = Vec::new();
        (&mut entry)
            .take(budget.bytes + 1)
            .read_to_end(&mut data)
            .map_err(|e| format!("{source}: {raw}: {e}"))?;
        budget.take(data.len() as u64, source)?;
        // A later entry of the same name replaces the earlier one.
        files.retain(|f| f.name != name);
        files.push(ChartFile {
            name,
            data: data.into(),
        });
    }
    Ok(files)
}

fn load_archive(
    data: &[u8],
    source: &str,
    budget: &mut Budget,
    depth: usize,
) -> Result<Chart, String> {
    let files = read_archive(data, source, budget)?;
    if files.is_empty() {
        return Err(format!("{source}: no files in chart archive"));
    }
    from_files(files, source, budget, depth)
}

/// Builds a chart from its files (names relative to the chart root), as
/// Helm's `LoadFiles` does.
fn from_files(
    mut files: Vec<ChartFile>,
    source: &str,
    budget: &mut Budget,
    depth: usize,
) -> Result<Chart, String> {
    if depth > budget.max_depth {
        return Err(format!("{source}: subcharts nest too deep"));
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    let chart_yaml = files
        .iter()
        .find(|f| f.name == "Chart.yaml")
        .ok_or_else(|| format!("{source}: Chart.yaml file is missing"))?;
    let mut metadata =
        parse_metadata(&chart_yaml.text()).map_err(|e| format!("{source}/Chart.yaml: {e}"))?;
    let mut chart = Chart {
        metadata: Metadata::default(),
        source: source.to_string(),
        values: None,
        schema: None,
        templates: Vec::new(),
        files: Vec::new(),
        subcharts: Vec::new(),
    };
    let v1 = metadata.api_version == "v1";
    let mut subchart_files: BTreeMap<String, Vec<ChartFile>> = BTreeMap::new();
    for file in files {
        match file.name.as_str() {
            "Chart.yaml" | "Chart.lock" | "requirements.lock" => {}
            "values.yaml" => chart.values = Some(file),
            "values.schema.json" => chart.schema = Some(file),
            "requirements.yaml" if v1 => {
                let deps = parse_requirements(&file.text())
                    .map_err(|e| format!("{source}/requirements.yaml: {e}"))?;
                metadata.dependencies = deps;
            }
            name if name.starts_with("templates/") => chart.templates.push(file),
            name if name.starts_with("charts/") && !name.ends_with(".prov") => {
                let rest = &name["charts/".len()..];
                let (sub, inner) = rest.split_once('/').unwrap_or((rest, ""));
                subchart_files
                    .entry(sub.to_string())
                    .or_default()
                    .push(ChartFile {
                        name: inner.to_string(),
                        data: file.data,
                    });
            }
            _ => chart.files.push(file),
        }
    }
    if metadata.api_version.is_empty() {
        return Err(format!(
            "{source}/Chart.yaml: validation: chart.metadata.apiVersion is required"
        ));
    }
    if metadata.name.is_empty() {
        return Err(format!(
            "{source}/Chart.yaml: validation: chart.metadata.name is required"
        ));
    }
    if metadata.version.is_empty() {
        return Err(format!(
            "{source}/Chart.yaml: validation: chart.metadata.version is required"
        ));
    }
    if !matches!(metadata.chart_type.as_str(), "" | "application" | "library") {
        return Err(format!(
            "{source}/Chart.yaml: validation: chart.metadata.type must be application or library"
        ));
    }
    chart.metadata = metadata;
    for (name, files) in subchart_files {
        if name.starts_with('_') || name.starts_with('.') {
            continue;
        }
        let sub_source = format!("{source}/charts/{name}");
        let sub = if name.ends_with(".tgz") {
            match files.iter().find(|f| f.name.is_empty()) {
                Some(file) => load_archive(&file.data, &sub_source, budget, depth + 1),
                None => continue,
            }
        } else {
            let files: Vec<ChartFile> = files.into_iter().filter(|f| !f.name.is_empty()).collect();
            from_files(files, &sub_source, budget, depth + 1)
        };
        let sub = sub.map_err(|e| {
            format!(
                "error unpacking subchart {name} in {}: {e}",
                chart.metadata.name
            )
        })?;
        chart.subcharts.push(sub);
    }
    Ok(chart)
}

fn parse_yaml_root(text: &str) -> Result<(Arc<str>, Vec<yaml::Document>), String> {
    let src: Arc<str> = Arc::from(text);
    let parsed = yaml::parse_stream(&src, &yaml::Limits::default());
    if let Some(error) = parsed.error {
        let line = text.as_bytes()[..(error.offset as usize).min(text.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        return Err(format!("line {line}: {}", error.message));
    }
    Ok((src, parsed.documents))
}

fn text_of(node: Option<NodeRef<'_>>) -> String {
    node.and_then(|n| if n.is_null() { None } else { n.text() })
        .unwrap_or("")
        .to_string()
}

fn strings_of(node: Option<NodeRef<'_>>) -> Vec<String> {
    node.map(|n| {
        n.items()
            .filter_map(|i| i.text())
            .map(str::to_string)
            .collect()
    })
    .unwrap_or_default()
}

/// Parses Chart.yaml.
pub fn parse_metadata(text: &str) -> Result<Metadata, String> {
    let (_src, docs) = parse_yaml_root(text)?;
    let Some(root) = docs.first().and_then(|d| d.root()) else {
        return Ok(Metadata::default());
    };
    if !root.is_map() {
        return Err("Chart.yaml is not a mapping".into());
    }
    let get = |key: &str| root.get(key);
    let mut annotations = BTreeMap::new();
    if let Some(map) = get("annotations") {
        for (k, v) in map.entries() {
            annotations.insert(text_of(Some(k)), text_of(Some(v)));
        }
    }
    let maintainers = get("maintainers")
        .map(|list| {
            list.items()
                .map(|m| Maintainer {
                    name: text_of(m.get("name")),
                    email: text_of(m.get("email")),
                    url: text_of(m.get("url")),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Metadata {
        api_version: text_of(get("apiVersion")),
        name: text_of(get("name")),
        version: text_of(get("version")),
        app_version: text_of(get("appVersion")),
        description: text_of(get("description")),
        kube_version: text_of(get("kubeVersion")),
        chart_type: text_of(get("type")),
        home: text_of(get("home")),
        icon: text_of(get("icon")),
        condition: text_of(get("condition")),
        tags: text_of(get("tags")),
        deprecated: get("deprecated").and_then(|n| n.as_bool()).unwrap_or(false),
        sources: strings_of(get("sources")),
        keywords: strings_of(get("keywords")),
        maintainers,
        annotations,
        dependencies: get("dependencies")
            .map(parse_dependencies)
            .unwrap_or_default(),
    })
}

fn parse_requirements(text: &str) -> Result<Vec<Dependency>, String> {
    let (_src, docs) = parse_yaml_root(text)?;
    Ok(docs
        .first()
        .and_then(|d| d.root())
        .and_then(|r| r.get("dependencies"))
        .map(parse_dependencies)
        .unwrap_or_default())
}

fn parse_dependencies(list: NodeRef<'_>) -> Vec<Dependency> {
    list.items()
        .filter(|d| d.is_map())
        .map(|d| Dependency {
            name: text_of(d.get("name")),
            version: text_of(d.get("version")),
            repository: text_of(d.get("repository")),
            condition: text_of(d.get("condition")),
            tags: strings_of(d.get("tags")),
            alias: text_of(d.get("alias")),
            import_values: d
                .get("import-values")
                .map(|l| {
                    l.items()
                        .filter_map(|iv| {
                            if iv.is_map() {
                                Some(ImportValue::Map {
                                    child: text_of(iv.get("child")),
                                    parent: text_of(iv.get("parent")),
                                })
                            } else {
                                iv.text().map(|t| ImportValue::Export(t.to_string()))
                            }
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect()
}

#[cfg(test)]
mod tests;
