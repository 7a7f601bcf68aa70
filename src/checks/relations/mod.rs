//! Rules over the whole set of objects: relations between a Service and
//! the pods it selects, a binding and its role, and so on. Each rule keeps
//! small records of the objects it cares about while files are read, then
//! judges the relations once every file is in.

mod service;

pub use service::ServiceSelectsPods;

use std::sync::Arc;

use crate::k8s::{Labels, Object};
use crate::source::{SourceFile, Span};

/// A place in a file, kept after the file's tree is dropped.
#[derive(Clone, Debug)]
pub struct Place {
    pub file: Arc<SourceFile>,
    pub span: Span,
}

/// A pod template as set rules see it: its namespace and labels.
#[derive(Clone, Debug)]
pub struct PodRecord {
    pub namespace: Option<String>,
    pub labels: Labels,
}

impl PodRecord {
    /// The pod template of a workload (any kind with a pod spec).
    pub fn of(object: &Object<'_>) -> Option<PodRecord> {
        let pod = object.pod_spec()?;
        Some(PodRecord {
            namespace: object.namespace.map(str::to_string),
            labels: crate::k8s::labels(pod.metadata.and_then(|m| m.get("labels"))),
        })
    }
}

/// Namespaces match when equal, or when either object leaves its namespace
/// to whoever applies it (then it may land in the other's).
pub fn same_namespace(a: &Option<String>, b: &Option<String>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

/// `Kind/namespace/name` as findings name an object.
pub fn identity(object: &Object<'_>) -> String {
    match (object.namespace, object.name) {
        (Some(ns), Some(name)) => format!("{}/{}/{}", object.kind, ns, name),
        (None, Some(name)) => format!("{}/{}", object.kind, name),
        _ => object.kind.to_string(),
    }
}
