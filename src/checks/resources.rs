//! `container-resource`: a container's CPU or memory request or limit must be
//! set to something other than zero.

use serde::Deserialize;

use super::{Check, nearest_span};
use crate::engine::Cx;
use crate::k8s::{Amount, Bound, ContainerKind, Object, PodSpec};
use crate::source::Span;

fn missing(container: &str, resource: &str, bound: Bound, field: &str) -> String {
    format!("{container} sets no {resource} {} ({field})", noun(bound))
}

fn empty(container: &str, resource: &str, bound: Bound) -> String {
    format!("{container} has an empty {resource} {}", noun(bound))
}

fn zero(container: &str, resource: &str, bound: Bound) -> String {
    let meaning = match bound {
        Bound::Requests => "reserves nothing",
        Bound::Limits => "means no limit",
    };
    format!(
        "{container} has a {resource} {} of 0, which {meaning}",
        noun(bound)
    )
}

const POD_LEVEL_TOO_EARLY: &str = "pod-level resources are off by default before Kubernetes 1.34";

fn noun(bound: Bound) -> &'static str {
    match bound {
        Bound::Requests => "request",
        Bound::Limits => "limit",
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    /// The resource name under `requests`/`limits` (`cpu`, `memory`).
    pub resource: String,
    pub bound: Bound,
}

pub struct ContainerResource {
    params: Params,
}

impl ContainerResource {
    pub fn new(params: Params) -> Result<Self, String> {
        if params.resource.trim().is_empty() {
            return Err("`resource` must name a resource".into());
        }
        Ok(ContainerResource { params })
    }

    /// How messages name the resource.
    fn display(&self) -> &str {
        match self.params.resource.as_str() {
            "cpu" => "CPU",
            other => other,
        }
    }

    /// The pod-level `resources:` key when it sets this value. Pod-level
    /// resources bound every container together, for CPU, memory and huge
    /// pages only.
    fn set_for_pod(&self, pod: &PodSpec<'_>) -> Option<Span> {
        let name = self.params.resource.as_str();
        let pod_level = matches!(name, "cpu" | "memory") || name.starts_with("hugepages-");
        if !pod_level
            || pod
                .resources()
                .effective(self.params.bound, name)
                .is_unset()
        {
            return None;
        }
        pod.spec.key_span("resources")
    }
}

impl Check for ContainerResource {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        let pod_level = self.set_for_pod(&pod);
        if pod_level.is_some() && cx.settings.kube_version.at_least(1, 34) {
            return;
        }
        let Params { resource, bound } = &self.params;
        let field = format!("resources.{}.{resource}", bound.field());
        // Kubernetes rejects resources on ephemeral containers.
        let containers = pod
            .containers()
            .filter(|c| c.kind != ContainerKind::Ephemeral);
        for container in containers {
            let resources = container.resources();
            if !resources.effective(*bound, resource).is_unset() {
                continue;
            }
            let describe = container.describe();
            let finding = match resources.amount(*bound, resource) {
                Amount::Quantity(node, _) => cx
                    .report(node.span(), zero(&describe, self.display(), *bound))
                    .in_container(&container, &field),
                Amount::Empty(node) => cx
                    .report(node.span(), empty(&describe, self.display(), *bound))
                    .in_container(&container, &field),
                Amount::Missing | Amount::Unreadable(_) => {
                    let span = nearest_span(container.node, &field)
                        .unwrap_or_else(|| container.anchor_span());
                    cx.report(span, missing(&describe, self.display(), *bound, &field))
                        .in_container(&container, &field)
                }
            };
            if let Some(span) = pod_level {
                finding.with_label(span, POD_LEVEL_TOO_EARLY);
            }
        }
    }
}
