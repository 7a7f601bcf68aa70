//! Network exposure of single objects: NetworkPolicy rules that allow
//! everything, Service types, external IPs and load balancer source ranges,
//! Ingress TLS and snippets, and the ports containers and Services open.

mod ingress;
mod ports;

pub use ingress::{IngressNginxSnippets, IngressTls};
pub use ports::{ContainerPortRange, SshPort};

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Check, is_templated};
use crate::engine::Cx;
use crate::k8s::{Direction, NetworkPolicy, Object, Selector};
use crate::yaml::NodeRef;

/// CIDRs that hold every address.
const ANY_ADDRESS: [&str; 2] = ["0.0.0.0/0", "::/0"];

/// A `v1` Service and its `spec`.
fn service<'a>(object: &Object<'a>) -> Option<NodeRef<'a>> {
    (object.kind == "Service" && object.api_version == "v1")
        .then(|| object.root.get("spec"))
        .flatten()
        .filter(|s| s.is_map())
}

/// A rendered scalar's text.
fn rendered(node: NodeRef<'_>) -> Option<&str> {
    node.as_text().filter(|_| !is_templated(node))
}

/// `network-policy-allow-all`: NetworkPolicy rules that let every source
/// (or destination) through.
pub struct NetworkPolicyAllowAll;

impl Check for NetworkPolicyAllowAll {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(policy) = NetworkPolicy::of(object) else {
            return;
        };
        let name = object.display_name();
        for direction in Direction::BOTH {
            let field = direction.field();
            let peers_field = direction.peers_field();
            for (r, rule) in policy.rules(direction).enumerate() {
                // A rule that names its ports opens only those ports; a rule of
                // the wrong shape is the API server's to refuse.
                let ports = rule.get("ports");
                let peers = rule.get(peers_field);
                if is_templated(rule)
                    || !(rule.is_map() || rule.is_null())
                    || ports.is_some_and(|p| !p.is_seq() || !p.is_empty())
                    || peers.is_some_and(|p| !p.is_seq())
                {
                    continue;
                }
                let path = format!("spec.{field}[{r}]");
                let peers = peers.filter(|p| !p.is_empty());
                let Some(peers) = peers else {
                    let span = rule.key_span(peers_field).unwrap_or_else(|| rule.span());
                    let ends = match direction {
                        Direction::Ingress => "sources",
                        Direction::Egress => "destinations",
                    };
                    cx.report(
                        span,
                        format!("{name} allows all {field}: a rule lists no {ends} and no ports"),
                    )
                    .at_path(path);
                    continue;
                };
                for (p, peer) in peers.items().enumerate() {
                    let path = format!("{path}.{peers_field}[{p}]");
                    if let Some((span, what)) = open_peer(peer, direction) {
                        cx.report(span, format!("{name} allows {field} {what}"))
                            .at_path(path);
                    }
                }
            }
        }
    }
}

/// Where a peer opens to everyone, and how it reads in a message.
fn open_peer(peer: NodeRef<'_>, direction: Direction) -> Option<(crate::source::Span, String)> {
    if is_templated(peer) || !peer.is_map() {
        return None;
    }
    let side = match direction {
        Direction::Ingress => "from",
        Direction::Egress => "to",
    };
    if peer.is_empty() {
        return Some((peer.span(), format!("{side} everywhere: the peer is empty")));
    }
    if let Some((key, selector)) = peer.entry("namespaceSelector")
        && peer.get("podSelector").is_none()
        && selector.is_map()
        && !is_templated(selector)
        && Selector::from_label_selector(selector).is_empty()
    {
        return Some((
            key.span(),
            format!(
                "{side} every pod of every namespace: an empty namespaceSelector without podSelector"
            ),
        ));
    }
    // Egress to the internet is a common, deliberate need; ingress from it is not.
    if direction == Direction::Ingress
        && let Some(cidr) = peer.path("ipBlock.cidr")
        && let Some(text) = rendered(cidr)
        && ANY_ADDRESS.contains(&text)
    {
        return Some((cidr.span(), format!("from any address (ipBlock {text})")));
    }
    None
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ServiceTypeParams {
    /// Service types to report.
    types: Vec<String>,
}

/// `service-type`: Services of a type outside what is allowed.
pub struct ServiceType {
    params: ServiceTypeParams,
}

impl ServiceType {
    pub fn new(params: ServiceTypeParams) -> Self {
        ServiceType { params }
    }
}

impl Check for ServiceType {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(node) = service(object).and_then(|s| s.get("type")) else {
            return;
        };
        let Some(kind) = rendered(node) else {
            return;
        };
        if self.params.types.iter().any(|t| t == kind) {
            cx.report(
                node.span(),
                format!("{} has type {kind}", object.display_name()),
            )
            .at_path("spec.type");
        }
    }
}

/// `service-external-ips`: Services that claim external IPs.
pub struct ServiceExternalIps;

impl Check for ServiceExternalIps {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some((key, list)) = service(object).and_then(|s| s.entry("externalIPs")) else {
            return;
        };
        if is_templated(list) || list.is_empty() || !list.is_seq() {
            return;
        }
        let addresses: Vec<&str> = list.items().filter_map(|i| i.as_text()).collect();
        cx.report(
            key.span(),
            format!(
                "{} sets externalIPs ({})",
                object.display_name(),
                addresses.join(", ")
            ),
        )
        .at_path("spec.externalIPs");
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct SourceRangesParams {
    /// Annotations that make a cloud load balancer internal, with the values
    /// that do so (compared without case; an empty list accepts any value).
    internal_annotations: BTreeMap<String, Vec<String>>,
}

/// `loadbalancer-source-ranges`: public load balancers open to any address.
pub struct LoadBalancerSourceRanges {
    params: SourceRangesParams,
}

/// The annotation that older clouds read instead of `loadBalancerSourceRanges`.
const SOURCE_RANGES_ANNOTATION: &str = "service.beta.kubernetes.io/load-balancer-source-ranges";

impl LoadBalancerSourceRanges {
    pub fn new(params: SourceRangesParams) -> Self {
        LoadBalancerSourceRanges { params }
    }

    fn internal(&self, object: &Object<'_>) -> bool {
        self.params
            .internal_annotations
            .iter()
            .any(|(key, values)| {
                object
                    .annotation(key)
                    .and_then(|v| v.as_text())
                    .is_some_and(|v| {
                        values.is_empty() || values.iter().any(|x| x.eq_ignore_ascii_case(v))
                    })
            })
    }
}

impl Check for LoadBalancerSourceRanges {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(spec) = service(object) else {
            return;
        };
        let Some(kind) = spec.get("type") else {
            return;
        };
        if rendered(kind) != Some("LoadBalancer") || self.internal(object) {
            return;
        }
        let name = object.display_name();
        let ranges = spec
            .get("loadBalancerSourceRanges")
            .filter(|r| !r.is_empty());
        if let Some(ranges) = ranges {
            for (i, range) in ranges.items().enumerate() {
                if let Some(text) = rendered(range).filter(|t| ANY_ADDRESS.contains(&t.trim())) {
                    cx.report(
                        range.span(),
                        format!("{name} admits any address to its load balancer ({text})"),
                    )
                    .at_path(format!("spec.loadBalancerSourceRanges[{i}]"));
                }
            }
            return;
        }
        if let Some(annotation) = object.annotation(SOURCE_RANGES_ANNOTATION) {
            let open = rendered(annotation)
                .is_some_and(|t| t.split(',').any(|r| ANY_ADDRESS.contains(&r.trim())));
            if open {
                cx.report(
                    annotation.span(),
                    format!("{name} admits any address to its load balancer"),
                )
                .at_path(format!("metadata.annotations.{SOURCE_RANGES_ANNOTATION}"));
            }
            return;
        }
        cx.report(
            kind.span(),
            format!(
                "{name} is a public LoadBalancer open to any address: it sets no loadBalancerSourceRanges"
            ),
        )
        .at_path("spec.type");
    }
}
