//! The Kubernetes object model: objects found in documents, and the shared
//! accessors that know where Kubernetes keeps things (pod templates,
//! containers, effective security settings, images). Rules ask these
//! accessors; they never walk `spec.template.spec` themselves.

mod api_versions;
mod config_refs;
mod env;
mod flags;
mod image;
mod names;
mod network_policy;
mod os;
mod pod;
mod pod_security;
mod ports;
mod probes;
mod quantity;
mod rbac;
mod resources;
mod schema;
mod seccomp;
mod selector;
mod volume;

pub use api_versions::{DEPRECATED_APIS, DeprecatedApi, deprecated_api, is_cluster_scoped};
pub use config_refs::{ConfigKind, ConfigRef, ConfigUser};
pub use env::EnvVar;
pub use flags::{CommandLine, Component, Flag, parse_go_bool, parse_go_duration};
pub use image::ImageRef;
pub use names::{label_key_problem, label_value_problem};
pub use network_policy::{Direction, NetworkPolicy, PolicyTypes};
pub use pod::{Container, ContainerKind, Effective, Level, PodSpec};
pub use pod_security::{
    PSS_LABEL_PREFIX, PSS_MODES, PssLevel, PssVersion, is_namespace, pss_labels,
};
pub use ports::{ContainerPort, PortRef, protocol};
pub use probes::{HANDLERS, Handler, Probe, ProbeKind};
pub use quantity::Quantity;
pub use rbac::{
    ALL_VERBS, AdminGrant, Binding, Grant, GroupResource, PolicyRule, RBAC_GROUP, Role, RoleRef,
    Subject,
};
pub use resources::{Amount, Bound, Resources};
pub use schema::{FieldType, Model, Schema};
pub use selector::{Labels, Operator, Requirement, Selector, labels};
pub use volume::{HostPathSource, Volume, VolumeMount, host_path_components};

pub use seccomp::{
    SECCOMP_CONTAINER_ANNOTATION, SECCOMP_POD_ANNOTATION, SeccompKind, SeccompProfile,
    SeccompSource,
};

use crate::yaml::{Document, NodeRef};

/// One Kubernetes object: a document root, or an item of a `kind: List`.
#[derive(Clone, Copy, Debug)]
pub struct Object<'a> {
    pub root: NodeRef<'a>,
    pub api_version: &'a str,
    pub kind: &'a str,
    pub name: Option<&'a str>,
    pub namespace: Option<&'a str>,
}

impl<'a> Object<'a> {
    /// Reads an object from a mapping with `apiVersion` and `kind`.
    pub fn from_node(root: NodeRef<'a>) -> Option<Object<'a>> {
        if !root.is_map() {
            return None;
        }
        let api_version = root.get("apiVersion")?.as_text()?;
        let kind = root.get("kind")?.as_text()?;
        let metadata = root.get("metadata");
        Some(Object {
            root,
            api_version,
            kind,
            name: metadata
                .and_then(|m| m.get("name").or_else(|| m.get("generateName")))
                .and_then(|n| n.as_text()),
            namespace: metadata
                .and_then(|m| m.get("namespace"))
                .and_then(|n| n.as_text()),
        })
    }

    /// Every object of a document, with `kind: *List` expanded into its items.
    pub fn all_in(document: &'a Document) -> Vec<Object<'a>> {
        let mut out = Vec::new();
        let Some(root) = document.root() else {
            return out;
        };
        let Some(object) = Object::from_node(root) else {
            return out;
        };
        if object.kind.ends_with("List") && root.get("items").is_some_and(|i| i.is_seq()) {
            let items = root.get("items").into_iter().flat_map(|i| i.items());
            out.extend(items.filter_map(Object::from_node));
        } else {
            out.push(object);
        }
        out
    }

    pub fn metadata(&self) -> Option<NodeRef<'a>> {
        self.root.get("metadata")
    }

    pub fn annotation(&self, key: &str) -> Option<NodeRef<'a>> {
        self.metadata()?.get("annotations")?.get(key)
    }

    pub fn label(&self, key: &str) -> Option<&'a str> {
        self.metadata()?.get("labels")?.get(key)?.as_text()
    }

    /// The pod template of a workload, if this object has one.
    pub fn pod_spec(&self) -> Option<PodSpec<'a>> {
        PodSpec::of(self)
    }

    /// `Kind/name` as reports name an object.
    pub fn display_name(&self) -> String {
        match self.name {
            Some(name) => format!("{}/{}", self.kind, name),
            None => self.kind.to_string(),
        }
    }
}

#[cfg(test)]
mod tests;
