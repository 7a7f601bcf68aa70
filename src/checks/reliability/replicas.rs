//! Replica counts: `min-replicas` (over the whole set, since an autoscaler
//! elsewhere in the input decides the count of what it scales),
//! `hpa-min-replicas` and `hpa-max-greater-than-min`.

use std::sync::Arc;

use serde::Deserialize;

use super::{group, is_owned, missing_span, replicated};
use crate::checks::relations::{ObjectRecord, Replicas, api_group, kept};
use crate::checks::{Check, Record, is_templated};
use crate::engine::{Cx, SetCx};
use crate::k8s::Object;
use crate::source::{SourceFile, Span};

fn too_few(object: &str, count: i64, minimum: i64) -> String {
    let noun = if count == 1 { "replica" } else { "replicas" };
    format!("{object} runs {count} {noun}, fewer than {minimum}")
}

fn unset_replicas(object: &str, minimum: i64) -> String {
    format!("{object} sets no replicas, so it runs 1, fewer than {minimum}")
}

fn low_minimum(object: &str, count: i64, minimum: i64) -> String {
    let noun = if count == 1 { "replica" } else { "replicas" };
    format!("{object} scales down to {count} {noun}, fewer than {minimum}")
}

fn unset_minimum(object: &str, minimum: i64) -> String {
    format!("{object} sets no minReplicas, so it scales down to 1, fewer than {minimum}")
}

fn no_maximum(object: &str) -> String {
    format!("{object} sets no maxReplicas")
}

fn never_scales(object: &str, count: i64) -> String {
    format!("{object} can never scale: maxReplicas equals minReplicas ({count})")
}

fn maximum_below(object: &str, max: i64, min: i64) -> String {
    format!("{object} has maxReplicas {max} below minReplicas {min}")
}

fn is_hpa(object: &Object<'_>) -> bool {
    group(object) == "autoscaling" && object.kind == "HorizontalPodAutoscaler"
}

/// What an autoscaler (a HorizontalPodAutoscaler, or a KEDA ScaledObject,
/// which drives one) scales.
#[derive(Clone, Debug)]
pub(super) struct Scaler {
    namespace: Option<String>,
    /// The target's API group, when `apiVersion` is given.
    group: Option<String>,
    kind: String,
    name: String,
}

impl Scaler {
    pub(super) fn of(object: &Object<'_>) -> Option<Scaler> {
        let keda = group(object) == "keda.sh" && object.kind == "ScaledObject";
        if !is_hpa(object) && !keda {
            return None;
        }
        let target = object.root.path("spec.scaleTargetRef")?;
        let name = target.get("name")?;
        let kind = target.get("kind");
        if kind.is_some_and(is_templated) || is_templated(name) {
            return None;
        }
        let kind = match kind {
            Some(kind) => kind.as_text()?.to_string(),
            // A ScaledObject scales a Deployment unless told otherwise.
            None if keda => "Deployment".to_string(),
            None => return None,
        };
        Some(Scaler {
            namespace: object.namespace.map(str::to_string),
            group: target
                .get("apiVersion")
                .and_then(|v| v.as_text())
                .map(|v| api_group(v).to_string()),
            kind,
            name: name.as_text()?.to_string(),
        })
    }

    pub(super) fn targets(&self, object: &ObjectRecord) -> bool {
        self.kind == object.kind
            && self.group.as_ref().is_none_or(|g| *g == object.group)
            && object.named(&self.namespace, &self.name)
    }
}

/// A workload that keeps a number of pods: its count and where to point
/// when the count is unset.
#[derive(Clone, Debug)]
pub(super) struct Replicated {
    pub object: ObjectRecord,
    pub replicas: Replicas,
    pub missing: Span,
}

impl Replicated {
    pub(super) fn of(object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Replicated> {
        if !replicated(group(object), object.kind) || is_owned(object) {
            return None;
        }
        let replicas = match object.root.path("spec.replicas") {
            None => Replicas::Unset,
            Some(node) => match node.as_i64() {
                Some(count) if !is_templated(node) => Replicas::Count(count, node.span()),
                _ => Replicas::Unknown(node.span()),
            },
        };
        Some(Replicated {
            object: ObjectRecord::of(object, file),
            replicas,
            missing: missing_span(object, "spec.replicas"),
        })
    }

    /// The count: `spec.replicas`, or one when unset; `None` when unrendered.
    pub(super) fn count(&self) -> Option<i64> {
        match self.replicas {
            Replicas::Unset => Some(1),
            Replicas::Count(count, _) => Some(count),
            Replicas::Unknown(_) => None,
        }
    }
}

enum Kept {
    Scaler(Scaler),
    Workload(Replicated),
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct MinimumParams {
    #[serde(default = "default_minimum")]
    pub minimum: i64,
}

fn default_minimum() -> i64 {
    2
}

fn checked_minimum(params: MinimumParams) -> Result<i64, String> {
    if params.minimum < 1 {
        return Err("`minimum` must be at least 1".into());
    }
    Ok(params.minimum)
}

/// `min-replicas`: a replicated workload that no autoscaler manages runs
/// fewer replicas than the minimum.
pub struct MinReplicas {
    minimum: i64,
}

impl MinReplicas {
    pub fn new(params: MinimumParams) -> Result<Self, String> {
        Ok(MinReplicas {
            minimum: checked_minimum(params)?,
        })
    }
}

impl Check for MinReplicas {
    fn needs_set(&self) -> bool {
        true
    }

    fn project(&self, object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Record> {
        if let Some(scaler) = Scaler::of(object) {
            return Some(Box::new(Kept::Scaler(scaler)));
        }
        Replicated::of(object, file).map(|w| Box::new(Kept::Workload(w)) as Record)
    }

    fn check_set(&self, cx: &mut SetCx<'_>, records: &[Record]) {
        let mut scalers = Vec::new();
        let mut workloads = Vec::new();
        for k in kept::<Kept>(records) {
            match k {
                Kept::Scaler(scaler) => scalers.push(scaler),
                Kept::Workload(workload) => workloads.push(workload),
            }
        }
        for workload in workloads {
            let object = &workload.object;
            if scalers.iter().any(|s| s.targets(object)) {
                continue;
            }
            let (span, message) = match workload.replicas {
                // Zero is a workload switched off on purpose.
                Replicas::Count(count, span) if count > 0 && count < self.minimum => {
                    (span, too_few(&object.display(), count, self.minimum))
                }
                Replicas::Unset if self.minimum > 1 => (
                    workload.missing,
                    unset_replicas(&object.display(), self.minimum),
                ),
                _ => continue,
            };
            cx.report(
                &object.place.file,
                span,
                Some(object.identity.clone()),
                message,
            )
            .at_path("spec.replicas");
        }
    }
}

/// `hpa-min-replicas`: an autoscaler may scale its target below the minimum.
pub struct HpaMinReplicas {
    minimum: i64,
}

impl HpaMinReplicas {
    pub fn new(params: MinimumParams) -> Result<Self, String> {
        Ok(HpaMinReplicas {
            minimum: checked_minimum(params)?,
        })
    }
}

impl Check for HpaMinReplicas {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        if !is_hpa(object) {
            return;
        }
        let name = object.display_name();
        let (span, message) = match object.root.path("spec.minReplicas") {
            None if self.minimum > 1 => (
                missing_span(object, "spec.minReplicas"),
                unset_minimum(&name, self.minimum),
            ),
            Some(node) if !is_templated(node) => match node.as_i64() {
                // Zero is scale-to-zero, chosen on purpose.
                Some(count) if count > 0 && count < self.minimum => {
                    (node.span(), low_minimum(&name, count, self.minimum))
                }
                _ => return,
            },
            _ => return,
        };
        cx.report(span, message).at_path("spec.minReplicas");
    }
}

/// `hpa-max-greater-than-min`: an autoscaler with no room to scale.
pub struct HpaMaxGreaterThanMin;

impl Check for HpaMaxGreaterThanMin {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        if !is_hpa(object) {
            return;
        }
        let name = object.display_name();
        let Some(max_node) = object.root.path("spec.maxReplicas") else {
            cx.report(missing_span(object, "spec.maxReplicas"), no_maximum(&name))
                .at_path("spec.maxReplicas");
            return;
        };
        let min_node = object.root.path("spec.minReplicas");
        if is_templated(max_node) || min_node.is_some_and(is_templated) {
            return;
        }
        let Some(max) = max_node.as_i64() else {
            return;
        };
        let min = match min_node {
            None => 1,
            Some(node) => match node.as_i64() {
                Some(min) => min,
                None => return,
            },
        };
        let message = match max.cmp(&min) {
            std::cmp::Ordering::Greater => return,
            std::cmp::Ordering::Equal => never_scales(&name, max),
            std::cmp::Ordering::Less => maximum_below(&name, max, min),
        };
        let finding = cx
            .report(max_node.span(), message)
            .at_path("spec.maxReplicas");
        match min_node {
            Some(node) => finding.with_label(node.span(), "minReplicas"),
            None => finding.with_label(
                missing_span(object, "spec.minReplicas"),
                "minReplicas defaults to 1",
            ),
        };
    }
}
