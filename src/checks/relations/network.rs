//! NetworkPolicies and the pods they name: `network-policy-selects-pods`
//! and `network-policy-peer-selects-pods`.

use std::sync::Arc;

use super::{ObjectRecord, PodRecord, describe, kept, same_namespace};
use crate::checks::{Check, Record};
use crate::engine::SetCx;
use crate::k8s::{Object, Operator, Selector};
use crate::source::{SourceFile, Span};
use crate::yaml::NodeRef;

/// The label that every namespace carries with its own name.
const NAMESPACE_NAME_LABEL: &str = "kubernetes.io/metadata.name";

/// Where a peer's pods may live.
#[derive(Clone, Debug)]
enum PeerNamespaces {
    /// No `namespaceSelector`: the policy's own namespace.
    Own,
    /// A `namespaceSelector` that names its namespaces.
    Named(Vec<String>),
    /// Any other `namespaceSelector`: namespaces the input cannot list.
    Unknown,
}

#[derive(Clone, Debug)]
struct Peer {
    /// `ingress` or `egress`.
    direction: &'static str,
    selector: Selector,
    namespaces: PeerNamespaces,
    /// The peer's `podSelector:` key.
    span: Span,
    path: String,
}

#[derive(Clone, Debug)]
struct Policy {
    object: ObjectRecord,
    /// `spec.podSelector`; a missing one is empty and selects every pod.
    selector: Selector,
    /// The `podSelector:` key.
    span: Option<Span>,
    peers: Vec<Peer>,
}

enum Kept {
    Policy(Policy),
    Pod(PodRecord),
}

fn project(object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Record> {
    if object.kind != "NetworkPolicy" || object.api_version != "networking.k8s.io/v1" {
        return PodRecord::of(object).map(|pod| Box::new(Kept::Pod(pod)) as Record);
    }
    let spec = object.root.get("spec")?;
    let entry = spec.entry("podSelector");
    let selector = entry
        .map(|(_, v)| Selector::from_label_selector(v))
        .unwrap_or_default();
    let mut peers = Vec::new();
    for (direction, field) in [("ingress", "from"), ("egress", "to")] {
        let rules = spec.get(direction).into_iter().flat_map(|r| r.items());
        for (r, rule) in rules.enumerate() {
            let items = rule.get(field).into_iter().flat_map(|p| p.items());
            for (p, peer) in items.enumerate() {
                let path = format!("spec.{direction}[{r}].{field}[{p}].podSelector");
                peers.extend(read_peer(direction, peer, path));
            }
        }
    }
    Some(Box::new(Kept::Policy(Policy {
        object: ObjectRecord::of(object, file),
        selector,
        span: entry.map(|(k, _)| k.span()),
        peers,
    })))
}

fn read_peer(direction: &'static str, peer: NodeRef<'_>, path: String) -> Option<Peer> {
    let (key, node) = peer.entry("podSelector")?;
    if !node.is_map() {
        return None;
    }
    let namespaces = match peer.get("namespaceSelector") {
        None => PeerNamespaces::Own,
        Some(ns) => named_namespaces(&Selector::from_label_selector(ns)),
    };
    Some(Peer {
        direction,
        selector: Selector::from_label_selector(node),
        namespaces,
        span: key.span(),
        path,
    })
}

/// The namespaces a `namespaceSelector` names through their name label.
fn named_namespaces(selector: &Selector) -> PeerNamespaces {
    if selector.unknown || selector.is_templated() {
        return PeerNamespaces::Unknown;
    }
    selector
        .requirements
        .iter()
        .find(|r| r.key == NAMESPACE_NAME_LABEL && r.operator == Operator::In)
        .map_or(PeerNamespaces::Unknown, |r| {
            PeerNamespaces::Named(r.values.clone())
        })
}

fn split(records: &[Record]) -> (Vec<&Policy>, Vec<&PodRecord>) {
    let mut policies = Vec::new();
    let mut pods = Vec::new();
    for k in kept::<Kept>(records) {
        match k {
            Kept::Policy(policy) => policies.push(policy),
            Kept::Pod(pod) => pods.push(pod),
        }
    }
    (policies, pods)
}

/// True when a selector can be judged: it names labels, all rendered and known.
fn judged(selector: &Selector) -> bool {
    !selector.is_empty() && !selector.unknown && !selector.is_templated()
}

pub struct NetworkPolicySelectsPods;

impl Check for NetworkPolicySelectsPods {
    fn needs_set(&self) -> bool {
        true
    }

    fn project(&self, object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Record> {
        project(object, file)
    }

    fn check_set(&self, cx: &mut SetCx<'_>, records: &[Record]) {
        let (policies, pods) = split(records);
        for policy in policies {
            let namespace = &policy.object.namespace;
            let Some(span) = policy.span.filter(|_| judged(&policy.selector)) else {
                continue;
            };
            let local: Vec<&&PodRecord> = pods
                .iter()
                .filter(|p| same_namespace(namespace, &p.namespace))
                .collect();
            // Only a namespace with workloads in the input can prove none is selected.
            if local.is_empty() || local.iter().any(|p| policy.selector.matches(&p.labels)) {
                continue;
            }
            let object = &policy.object;
            cx.report(
                &object.place.file,
                span,
                Some(object.identity.clone()),
                format!(
                    "{} selects no pod: no workload{} has the labels {}",
                    object.display(),
                    super::in_namespace(namespace),
                    describe(&policy.selector)
                ),
            )
            .at_path("spec.podSelector");
        }
    }
}

pub struct NetworkPolicyPeerSelectsPods;

impl Check for NetworkPolicyPeerSelectsPods {
    fn needs_set(&self) -> bool {
        true
    }

    fn project(&self, object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Record> {
        project(object, file)
    }

    fn check_set(&self, cx: &mut SetCx<'_>, records: &[Record]) {
        let (policies, pods) = split(records);
        for policy in policies {
            for peer in &policy.peers {
                if !judged(&peer.selector) {
                    continue;
                }
                let namespaces: Vec<Option<String>> = match &peer.namespaces {
                    PeerNamespaces::Own => vec![policy.object.namespace.clone()],
                    PeerNamespaces::Named(names) => names.iter().cloned().map(Some).collect(),
                    PeerNamespaces::Unknown => continue,
                };
                let in_scope =
                    |pod: &PodRecord, ns: &Option<String>| same_namespace(ns, &pod.namespace);
                // Every namespace the peer names must have workloads in the input.
                if namespaces.is_empty()
                    || !namespaces
                        .iter()
                        .all(|ns| pods.iter().any(|p| in_scope(p, ns)))
                {
                    continue;
                }
                let matched = pods.iter().any(|p| {
                    namespaces.iter().any(|ns| in_scope(p, ns)) && peer.selector.matches(&p.labels)
                });
                if matched {
                    continue;
                }
                let scope = match namespaces.as_slice() {
                    [None] => String::new(),
                    [Some(ns)] => format!(" in namespace {ns}"),
                    many => format!(
                        " in namespaces {}",
                        many.iter()
                            .flatten()
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                let object = &policy.object;
                cx.report(
                    &object.place.file,
                    peer.span,
                    Some(object.identity.clone()),
                    format!(
                        "{} peer of {} selects no pod: no workload{scope} has the labels {}",
                        peer.direction,
                        object.display(),
                        describe(&peer.selector)
                    ),
                )
                .at_path(peer.path.clone());
            }
        }
    }
}
