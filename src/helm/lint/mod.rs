//! Charts as a lint input: the chart's own files for the chart rules
//! (`Chart.yaml`, values files, template text), the seam to the renderer,
//! and the mapping of findings in rendered output back to template and
//! values lines.

mod helm;
mod remap;
mod render;
mod sources;

pub use helm::HelmRenderer;
pub use remap::RenderMap;
pub use render::{
    ChartRenderer, OutSpan, RenderError, RenderRequest, RenderedChart, RenderedTemplate,
    ValuesOrigin, path_in_chart,
};
pub use sources::{ChartFiles, YamlFile, is_values_name};

/// The renderer `harden lint` uses. `None` while the template engine is
/// still a placeholder (it would hand back template text unrendered), so
/// charts get the chart rules only; `Some(Arc::new(HelmRenderer))` once
/// templates execute.
pub fn default_renderer() -> Option<std::sync::Arc<dyn ChartRenderer>> {
    None
}
