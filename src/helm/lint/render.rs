//! The seam between linting and rendering: what the lint side needs from a
//! render, and the trait a renderer implements. Rendered text is linted as
//! Kubernetes YAML, then every finding is mapped back through the render's
//! origin record to the template line that wrote it and, when the text came
//! from the values, to the values-file line.

use std::path::{Path, PathBuf};

use crate::source::Span;

/// What to render: one chart with one values set.
#[derive(Clone, Debug)]
pub struct RenderRequest<'a> {
    pub chart_dir: &'a Path,
    /// User values files over the chart's `values.yaml`, in order.
    pub values_files: &'a [PathBuf],
    pub release_name: &'a str,
    pub namespace: &'a str,
    /// `major.minor` for `.Capabilities.KubeVersion`.
    pub kube_version: String,
}

/// Output bytes `start..end` of a rendered template were written by the
/// template text or action at byte `offset` of template `template`
/// (`mychart/templates/deployment.yaml`), and, when the printed text came
/// from the values, by the values node `value` (an index into
/// `RenderedChart::origins`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutSpan {
    pub start: u32,
    pub end: u32,
    pub template: String,
    pub offset: u32,
    pub value: Option<u32>,
}

/// One rendered template (`mychart/templates/deployment.yaml`).
#[derive(Clone, Debug)]
pub struct RenderedTemplate {
    pub name: String,
    pub text: String,
    /// Sorted by `start`, not overlapping.
    pub spans: Vec<OutSpan>,
    /// Under `templates/tests/` or annotated as a test hook.
    pub is_test: bool,
}

/// Where a values node was written: the values file and the node's span.
#[derive(Clone, Debug)]
pub struct ValuesOrigin {
    pub path: PathBuf,
    pub span: Span,
}

#[derive(Clone, Debug, Default)]
pub struct RenderedChart {
    pub templates: Vec<RenderedTemplate>,
    pub origins: Vec<ValuesOrigin>,
}

/// A render that failed, with Helm's message and, when known, the template
/// (`mychart/templates/x.yaml`) and 1-based line and column.
#[derive(Clone, Debug)]
pub struct RenderError {
    pub message: String,
    pub template: Option<String>,
    pub line: u32,
    pub col: u32,
}

/// Renders a chart in-process.
pub trait ChartRenderer: Send + Sync + std::fmt::Debug {
    fn render(&self, request: &RenderRequest<'_>) -> Result<RenderedChart, RenderError>;
}

/// `mychart/templates/x.yaml` → `templates/x.yaml`; for a dependency,
/// `mychart/charts/redis/templates/x.yaml` → `charts/redis/templates/x.yaml`.
pub fn path_in_chart(template: &str) -> &str {
    template.split_once('/').map_or(template, |(_, rest)| rest)
}
