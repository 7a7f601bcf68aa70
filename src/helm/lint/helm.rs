//! The chart renderer behind `harden lint`: harden's own Helm
//! (`helm::render::render_chart`) seen through the lint side's seam.

use std::path::PathBuf;

use super::render::{
    ChartRenderer, OutSpan, RenderError, RenderRequest, RenderedChart, RenderedTemplate,
    ValuesOrigin,
};
use crate::helm::render::{RenderOptions, render_chart};

/// Renders with harden's in-process Helm, as `helm template` would with the
/// request's values files, release name and namespace. A dependency declared
/// in `Chart.yaml` but absent from `charts/` fails the render, as it fails
/// `helm template`, and is reported as `helm-render-error`; nothing is ever
/// downloaded.
#[derive(Debug, Default)]
pub struct HelmRenderer;

impl ChartRenderer for HelmRenderer {
    fn render(&self, request: &RenderRequest<'_>) -> Result<RenderedChart, RenderError> {
        let options = RenderOptions {
            values_files: request.values_files.to_vec(),
            release_name: request.release_name.to_string(),
            namespace: request.namespace.to_string(),
            kube_version: Some(request.kube_version.clone()),
            ..RenderOptions::default()
        };
        let rendered =
            render_chart(request.chart_dir, &options).map_err(|failure| RenderError {
                message: failure.message,
                template: failure.template,
                line: failure.line,
                col: failure.col,
            })?;
        let templates = rendered
            .templates
            .into_iter()
            .filter(|t| !t.is_notes())
            .map(|t| RenderedTemplate {
                spans: t
                    .spans
                    .iter()
                    .map(|s| OutSpan {
                        start: s.start,
                        end: s.end,
                        template: s.template.to_string(),
                        offset: s.offset,
                        value: s.value.map(|o| o.0),
                    })
                    .collect(),
                name: t.name,
                text: t.text,
                is_test: t.is_test,
            })
            .collect();
        let origins = rendered
            .origins
            .iter()
            .map(|o| ValuesOrigin {
                path: PathBuf::from(&*o.file),
                span: o.span,
            })
            .collect();
        Ok(RenderedChart { templates, origins })
    }
}
