//! Reliability: resource requests and limits, probes, replica counts and
//! autoscalers, scheduling spread, Jobs, disruption budgets and the
//! consistency of workload manifests.

mod containers;
mod jobs;
mod pdb;
mod probes;
mod replicas;
mod resources;
mod scheduling;
mod workload;

pub use containers::{ContainerPortsValid, NoDuplicateEnv};
pub use jobs::{CronJobStartingDeadline, JobTtlAfterFinished, RestartPolicyValid};
pub use pdb::{PdbAllowsDisruption, PdbHasPolicy, PdbUnhealthyEvictionPolicy};
pub use probes::{ProbePortDeclared, ProbeSet, ProbesNotIdentical};
pub use replicas::{HpaMaxGreaterThanMin, HpaMinReplicas, MinReplicas};
pub use resources::{RequestLimit, ResourceBounds};
pub use scheduling::{
    DnsConfigOption, NodeAffinitySet, PodAntiAffinity, PriorityClassSet, TopologySpreadValid,
};
pub use workload::{
    NoNakedPods, RollingUpdateStrategy, SelectorMatchesTemplate, StatefulSetVolumeClaims,
};

use super::{is_templated, nearest_span, unrendered};
use crate::k8s::{Labels, Object, labels};
use crate::source::Span;
use crate::yaml::NodeRef;

/// Where to point at an object as a whole: its `metadata.name` value, else
/// its `kind` value.
fn object_anchor(object: &Object<'_>) -> Span {
    object
        .metadata()
        .and_then(|m| m.get("name"))
        .or_else(|| object.root.get("kind"))
        .map_or_else(|| object.root.head_span(), |n| n.span())
}

/// Where to point when the object field at `path` is missing: its nearest
/// existing ancestor key, else the object's name.
fn missing_span(object: &Object<'_>, path: &str) -> Span {
    nearest_span(object.root, path).unwrap_or_else(|| object_anchor(object))
}

/// The API group of an object (`apps` of `apps/v1`, empty for the core group).
fn group<'a>(object: &Object<'a>) -> &'a str {
    object
        .api_version
        .rsplit_once('/')
        .map_or("", |(group, _)| group)
}

/// Workloads that keep a number of identical pods running, and whether an
/// unset `spec.replicas` means one (it does for every kind listed).
fn replicated(group: &str, kind: &str) -> bool {
    matches!(
        (group, kind),
        ("apps", "Deployment" | "StatefulSet" | "ReplicaSet")
            | ("", "ReplicationController")
            | ("apps.openshift.io", "DeploymentConfig")
            | ("argoproj.io", "Rollout")
    )
}

/// True when another object owns this one (a ReplicaSet of a Deployment, a
/// Job of a CronJob): the owner is what the manifest author manages.
fn is_owned(object: &Object<'_>) -> bool {
    object
        .metadata()
        .and_then(|m| m.get("ownerReferences"))
        .is_some_and(|o| o.items().next().is_some())
}

/// `CPU` for `cpu`; other resource names as written.
fn resource_display(name: &str) -> &str {
    match name {
        "cpu" => "CPU",
        other => other,
    }
}

/// A pod template's own labels (from its `metadata`), unless they are still
/// templates.
fn own_labels(metadata: Option<NodeRef<'_>>) -> Option<Labels> {
    let node = metadata.and_then(|m| m.get("labels"));
    if node.is_some_and(is_templated) {
        return None;
    }
    let labels = labels(node);
    let templated = labels.iter().any(|(k, v)| unrendered(k) || unrendered(v));
    (!templated).then_some(labels)
}
