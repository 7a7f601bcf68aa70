//! Rules over the whole set of objects: relations between a Service and
//! the pods it selects, a binding and its role, and so on. Each rule keeps
//! small records of the objects it cares about while files are read, then
//! judges the relations once every file is in.
//!
//! The records below are shared: a rule's own record type is usually an enum
//! over some of them.
//!
//! A rule judges only what the input can prove. Manifests are often split
//! across repositories (the Secrets in a vault, the ServiceAccounts in a
//! platform repository), so a reference to a missing object is judged only
//! when the input holds at least one object of that kind where the missing
//! one should be.

mod availability;
mod config;
mod index;
mod isolation;
mod network;
mod pss;
mod references;
mod routing;
mod service;

pub use availability::{
    HpaManagedNoStaticReplicas, HpaTargetExists, PdbSelectsPods, PdbVsHpaMin, WorkloadHasPdb,
};
pub use config::EnvReferenceExists;
pub use index::PodIndex;
pub use isolation::{
    NamespaceDefaultDeny, NetworkPolicyBothDirections, PodSelectedByNetworkPolicy,
};
pub use network::{NetworkPolicyPeerSelectsPods, NetworkPolicySelectsPods};
pub use pss::WorkloadMeetsNamespacePss;
pub use references::{NamespaceExists, RbacReferenceExists, ServiceAccountExists};
pub use routing::{GatewayBackendExists, IngressBackendExists, ServiceMonitorSelectsService};
pub use service::{ServiceSelectsPods, ServiceTargetPortExists, StatefulSetHeadlessService};

use std::sync::Arc;

use crate::checks::{Record, is_templated};
use crate::engine::Finding;
use crate::k8s::{Labels, Object, Operator, PortRef, Selector};
use crate::source::{SourceFile, Span};
use crate::yaml::NodeRef;

/// A place in a file, kept after the file's tree is dropped.
#[derive(Clone, Debug)]
pub struct Place {
    pub file: Arc<SourceFile>,
    pub span: Span,
}

/// An object as set rules name it, and where it names itself.
#[derive(Clone, Debug)]
pub struct ObjectRecord {
    /// The API group (`apps`; empty for the core group).
    pub group: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
    /// `Kind/namespace/name`, for findings.
    pub identity: String,
    /// The `metadata.name` value, else the `kind` value.
    pub place: Place,
}

impl ObjectRecord {
    pub fn of(object: &Object<'_>, file: &Arc<SourceFile>) -> ObjectRecord {
        let name_node = object.metadata().and_then(|m| m.get("name"));
        let span = name_node
            .or_else(|| object.root.get("kind"))
            .map_or_else(|| object.root.head_span(), |n| n.span());
        ObjectRecord {
            group: api_group(object.api_version).to_string(),
            kind: object.kind.to_string(),
            namespace: object.namespace.map(str::to_string),
            name: object.name.unwrap_or("").to_string(),
            identity: identity(object),
            place: Place {
                file: Arc::clone(file),
                span,
            },
        }
    }

    /// A place elsewhere in the same object.
    pub fn at(&self, span: Span) -> Place {
        Place {
            file: Arc::clone(&self.place.file),
            span,
        }
    }

    /// `Kind/name`, as messages name an object.
    pub fn display(&self) -> String {
        format!("{}/{}", self.kind, self.name)
    }

    /// True when this object is `kind` of `group`.
    pub fn is(&self, group: &str, kind: &str) -> bool {
        self.group == group && self.kind == kind
    }

    /// True for an object that may be `name` in `namespace`.
    pub fn named(&self, namespace: &Option<String>, name: &str) -> bool {
        self.name == name && same_namespace(&self.namespace, namespace)
    }
}

/// The API group of an `apiVersion` (`apps` of `apps/v1`, empty for `v1`).
pub fn api_group(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(group, _)| group)
}

/// A port a container declares.
#[derive(Clone, Debug)]
pub struct PortRecord {
    pub name: Option<String>,
    pub number: Option<i64>,
    pub protocol: String,
}

/// A pod template as set rules see it: its namespace, labels and the ports
/// its containers declare.
#[derive(Clone, Debug)]
pub struct PodRecord {
    pub namespace: Option<String>,
    pub labels: Labels,
    pub ports: Vec<PortRecord>,
}

impl PodRecord {
    /// The pod template of a workload (any kind with a pod spec).
    pub fn of(object: &Object<'_>) -> Option<PodRecord> {
        let pod = object.pod_spec()?;
        let ports = pod
            .containers()
            .flat_map(|c| c.ports().collect::<Vec<_>>())
            .map(|p| PortRecord {
                name: p.name.map(str::to_string),
                number: p.number,
                protocol: p.protocol.to_string(),
            })
            .collect();
        Some(PodRecord {
            namespace: object.namespace.map(str::to_string),
            labels: crate::k8s::labels(pod.metadata.and_then(|m| m.get("labels"))),
            ports,
        })
    }

    /// True when a container declares `port` (by number, or by name with the protocol).
    pub fn declares(&self, port: &PortRef, protocol: &str) -> bool {
        self.ports.iter().any(|p| match port {
            PortRef::Number(n) => p.number == Some(*n),
            PortRef::Name(name) => p.name.as_deref() == Some(name) && p.protocol == protocol,
        })
    }
}

/// A workload's `spec.replicas`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Replicas {
    Unset,
    /// The count, and the span of its value.
    Count(i64, Span),
    /// Set, but to an unrendered template or an odd value.
    Unknown(Span),
}

/// A workload: the object, its pod template and its replica count.
#[derive(Clone, Debug)]
pub struct WorkloadRecord {
    pub object: ObjectRecord,
    pub pod: PodRecord,
    pub replicas: Replicas,
}

impl WorkloadRecord {
    pub fn of(object: &Object<'_>, file: &Arc<SourceFile>) -> Option<WorkloadRecord> {
        let pod = PodRecord::of(object)?;
        let replicas = match object.root.path("spec.replicas") {
            None => Replicas::Unset,
            Some(node) => match node.as_i64() {
                Some(count) if !is_templated(node) => Replicas::Count(count, node.span()),
                _ => Replicas::Unknown(node.span()),
            },
        };
        Some(WorkloadRecord {
            object: ObjectRecord::of(object, file),
            pod,
            replicas,
        })
    }
}

/// One entry of a Service's `ports`.
#[derive(Clone, Debug)]
pub struct ServicePortRecord {
    pub name: Option<String>,
    pub port: Option<i64>,
    pub protocol: String,
    /// `targetPort`, or `port` when it is unset (`None` when unrendered).
    pub target: Option<PortRef>,
    /// The `targetPort` value, or the `port` value it defaults to.
    pub target_span: Span,
    pub target_defaulted: bool,
    /// `spec.ports[0].targetPort` (or `.port` when the target defaults to it).
    pub target_path: String,
}

/// A Service: its labels, selector, whether it is headless, and its ports.
#[derive(Clone, Debug)]
pub struct ServiceRecord {
    pub object: ObjectRecord,
    pub labels: Labels,
    /// `spec.selector`, when set; `None` also for `ExternalName` Services,
    /// which select no pods.
    pub selector: Option<Selector>,
    /// The `selector:` key.
    pub selector_span: Option<Span>,
    /// `clusterIP: None`.
    pub headless: bool,
    pub ports: Vec<ServicePortRecord>,
}

impl ServiceRecord {
    pub fn of(object: &Object<'_>, file: &Arc<SourceFile>) -> Option<ServiceRecord> {
        if object.kind != "Service" || object.api_version != "v1" {
            return None;
        }
        let spec = object.root.get("spec");
        let field = |key: &str| spec.and_then(|s| s.get(key));
        let external = field("type").and_then(|t| t.as_text()) == Some("ExternalName");
        let selector_entry = spec
            .and_then(|s| s.entry("selector"))
            .filter(|(_, v)| !v.is_null() && !external);
        let ports = field("ports")
            .into_iter()
            .flat_map(|p| p.items())
            .enumerate()
            .filter(|(_, p)| p.is_map())
            .filter_map(|(index, p)| service_port(index, p))
            .collect();
        Some(ServiceRecord {
            object: ObjectRecord::of(object, file),
            labels: crate::k8s::labels(object.metadata().and_then(|m| m.get("labels"))),
            selector: selector_entry.map(|(_, v)| Selector::map(Some(v))),
            selector_span: selector_entry.map(|(k, _)| k.span()),
            headless: field("clusterIP").and_then(|c| c.as_text()) == Some("None"),
            ports,
        })
    }

    /// True when a port of the Service is `port` (its `port` number, or its name).
    pub fn has_port(&self, port: &PortRef) -> bool {
        self.ports.iter().any(|p| match port {
            PortRef::Number(n) => p.port == Some(*n),
            PortRef::Name(name) => p.name.as_deref() == Some(name),
        })
    }

    /// The selector, when the Service selects pods and its selector is rendered.
    pub fn judged_selector(&self) -> Option<&Selector> {
        self.selector
            .as_ref()
            .filter(|s| !s.is_empty() && !s.is_templated())
    }
}

fn service_port(index: usize, node: NodeRef<'_>) -> Option<ServicePortRecord> {
    let port_node = node.get("port")?;
    let (target_node, defaulted, field) = match node.get("targetPort") {
        Some(target) => (target, false, "targetPort"),
        None => (port_node, true, "port"),
    };
    Some(ServicePortRecord {
        name: node
            .get("name")
            .and_then(|n| n.as_text())
            .map(str::to_string),
        port: port_node.as_i64(),
        protocol: crate::k8s::protocol(node).to_string(),
        target: PortRef::of(target_node),
        target_span: target_node.span(),
        target_defaulted: defaulted,
        target_path: format!("spec.ports[{index}].{field}"),
    })
}

/// The records of one rule's own type.
pub fn kept<T: 'static>(records: &[Record]) -> impl Iterator<Item = &T> {
    records.iter().filter_map(|r| r.downcast_ref::<T>())
}

/// Namespaces match when equal, or when either object leaves its namespace
/// to whoever applies it (then it may land in the other's).
pub fn same_namespace(a: &Option<String>, b: &Option<String>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

/// ` in namespace shop`, or nothing when the namespace is left open.
pub fn in_namespace(namespace: &Option<String>) -> String {
    match namespace {
        Some(ns) => format!(" in namespace {ns}"),
        None => String::new(),
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

/// A selector as messages show it: `app=web, tier in (a,b), !canary`.
pub fn describe(selector: &Selector) -> String {
    let parts: Vec<String> = selector
        .requirements
        .iter()
        .map(|r| match r.operator {
            Operator::In if r.values.len() == 1 => format!("{}={}", r.key, r.values[0]),
            Operator::In => format!("{} in ({})", r.key, r.values.join(",")),
            Operator::NotIn => format!("{} notin ({})", r.key, r.values.join(",")),
            Operator::Exists => r.key.clone(),
            Operator::DoesNotExist => format!("!{}", r.key),
        })
        .collect();
    parts.join(", ")
}

/// Adds a label at `other` when it lies in the finding's own file.
pub fn label_if_same_file(finding: &mut Finding, other: &Place, message: impl Into<String>) {
    if Arc::ptr_eq(&finding.file, &other.file) {
        finding.with_label(other.span, message);
    }
}

/// Matches a name against an allow-list entry: `*` stands for any run of
/// characters, everything else must be equal.
pub fn glob(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// True when `name`, or `namespace/name`, matches an entry of `list`.
pub fn listed(list: &[String], namespace: &Option<String>, name: &str) -> bool {
    list.iter()
        .any(|pattern| match (pattern.split_once('/'), namespace) {
            (Some((ns, n)), Some(namespace)) => glob(ns, namespace) && glob(n, name),
            // Without a namespace the object may land in the listed one.
            (Some((_, n)), None) => glob(n, name),
            (None, _) => glob(pattern, name),
        })
}

#[cfg(test)]
mod tests {
    use super::{glob, listed};

    #[test]
    fn globs() {
        assert!(glob("system:*", "system:node"));
        assert!(glob("*", ""));
        assert!(glob("a*b*c", "aXbYc"));
        assert!(!glob("a*b*c", "aXbY"));
        assert!(glob("vault", "vault"));
        assert!(!glob("vault", "vaults"));
        assert!(!glob("ab*ba", "aba"));
    }

    #[test]
    fn lists_take_names_or_namespaced_names() {
        let list = vec!["ci-*".to_string(), "infra/external-dns".to_string()];
        assert!(listed(&list, &None, "ci-runner"));
        assert!(listed(&list, &Some("infra".into()), "external-dns"));
        assert!(!listed(&list, &Some("shop".into()), "external-dns"));
        assert!(listed(&list, &None, "external-dns"));
        assert!(!listed(&list, &None, "dns"));
    }
}
