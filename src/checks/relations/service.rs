//! `service-selects-pods`: a Service whose selector matches no pod template.

use std::sync::Arc;

use super::{Place, PodRecord, identity, same_namespace};
use crate::checks::{Check, Record};
use crate::engine::SetCx;
use crate::k8s::{Object, Selector};
use crate::source::SourceFile;

enum Kept {
    Service {
        namespace: Option<String>,
        name: String,
        identity: String,
        selector: Selector,
        place: Place,
    },
    Pod(PodRecord),
}

pub struct ServiceSelectsPods;

impl Check for ServiceSelectsPods {
    fn needs_set(&self) -> bool {
        true
    }

    fn project(&self, object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Record> {
        if object.kind == "Service" && object.api_version == "v1" {
            let spec = object.root.get("spec")?;
            // ExternalName Services and Services without a selector select no pods by design.
            if spec.get("type").and_then(|t| t.as_text()) == Some("ExternalName") {
                return None;
            }
            let (key, node) = spec.entry("selector")?;
            let selector = Selector::map(Some(node));
            if selector.is_empty() || selector.is_templated() {
                return None;
            }
            return Some(Box::new(Kept::Service {
                namespace: object.namespace.map(str::to_string),
                name: object.name.unwrap_or("").to_string(),
                identity: identity(object),
                selector,
                place: Place {
                    file: Arc::clone(file),
                    span: key.span(),
                },
            }));
        }
        PodRecord::of(object).map(|pod| Box::new(Kept::Pod(pod)) as Record)
    }

    fn check_set(&self, cx: &mut SetCx<'_>, records: &[Record]) {
        let kept: Vec<&Kept> = records.iter().filter_map(|r| r.downcast_ref()).collect();
        let pods: Vec<&PodRecord> = kept
            .iter()
            .filter_map(|k| match k {
                Kept::Pod(pod) => Some(pod),
                Kept::Service { .. } => None,
            })
            .collect();
        // With no workload at all in the input, there is nothing to compare with.
        if pods.is_empty() {
            return;
        }
        for k in &kept {
            let Kept::Service {
                namespace,
                name,
                identity,
                selector,
                place,
            } = k
            else {
                continue;
            };
            let selected = pods
                .iter()
                .any(|p| same_namespace(namespace, &p.namespace) && selector.matches(&p.labels));
            if !selected {
                let wanted: Vec<String> = selector
                    .requirements
                    .iter()
                    .map(|r| format!("{}={}", r.key, r.values.join(",")))
                    .collect();
                let scope = match namespace {
                    Some(ns) => format!(" in namespace {ns}"),
                    None => String::new(),
                };
                cx.report(
                    &place.file,
                    place.span,
                    Some(identity.clone()),
                    format!(
                        "Service/{name} selects no pod: no workload{scope} has the labels {}",
                        wanted.join(", ")
                    ),
                )
                .at_path("spec.selector");
            }
        }
    }
}
