//! Charts as a lint input: the chart's own files for the chart rules
//! (`Chart.yaml`, values files, template text), the seam to the renderer,
//! and the mapping of findings in rendered output back to template and
//! values lines.

mod helm;
mod remap;
mod render;
mod sources;

pub use helm::HelmRenderer;
pub use remap::{RenderMap, ValuesNode};
pub use render::{
    ChartRenderer, OutSpan, RenderError, RenderRequest, RenderedChart, RenderedTemplate,
    ValuesOrigin, path_in_chart,
};
pub use sources::{ChartFiles, YamlFile, is_values_name};

/// The renderer `harden lint` uses: harden's own Helm.
pub fn default_renderer() -> Option<std::sync::Arc<dyn ChartRenderer>> {
    Some(std::sync::Arc::new(HelmRenderer))
}
