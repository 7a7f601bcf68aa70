//! Scheduling: `pod-anti-affinity`, `topology-spread-valid`,
//! `node-affinity-set`, `priority-class-set` and `dns-config-option`.

use serde::Deserialize;

use super::{group, is_owned, own_labels, replicated};
use crate::checks::{Check, is_templated, nearest_span};
use crate::engine::Cx;
use crate::k8s::{Labels, Object, Selector};
use crate::source::Span;
use crate::yaml::NodeRef;

fn not_spread(object: &str, count: i64, keys: &[String]) -> String {
    format!(
        "{object} runs {count} replicas with no pod anti-affinity or topology spread by {}",
        keys.join(" or ")
    )
}

fn constraint(object: &str, problem: &str) -> String {
    format!("{object} has a topology spread constraint {problem}")
}

fn no_node_affinity(object: &str) -> String {
    format!("{object} sets no node affinity or nodeSelector")
}

fn no_priority_class(object: &str) -> String {
    format!("{object} sets no priorityClassName")
}

fn priority_class_not_allowed(object: &str, class: &str) -> String {
    format!("{object} uses priority class {class}, which is not an allowed one")
}

fn no_dns_option(object: &str, name: &str) -> String {
    format!("{object} sets no {name} DNS option (dnsConfig.options)")
}

fn dns_option_differs(object: &str, name: &str, value: &str, expected: &str) -> String {
    format!("{object} sets the {name} DNS option to {value}, not {expected}")
}

/// True when a selector counts the pod's own replicas, or when that cannot be told.
fn selects_own(selector: NodeRef<'_>, own: &Option<Labels>) -> bool {
    if is_templated(selector) {
        return true;
    }
    let selector = Selector::from_label_selector(selector);
    if selector.unknown || selector.is_templated() {
        return true;
    }
    own.as_ref().is_none_or(|labels| selector.matches(labels))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct AntiAffinityParams {
    /// The replica count from which pods should be spread.
    #[serde(default = "default_min_replicas")]
    pub min_replicas: i64,
    /// Topology keys that spread pods over nodes.
    pub topology_keys: Vec<String>,
}

fn default_min_replicas() -> i64 {
    2
}

/// `pod-anti-affinity`: replicas that may all land on one node.
pub struct PodAntiAffinity {
    params: AntiAffinityParams,
}

impl PodAntiAffinity {
    pub fn new(params: AntiAffinityParams) -> Result<Self, String> {
        if params.topology_keys.is_empty() {
            return Err("`topology-keys` must name at least one key".into());
        }
        Ok(PodAntiAffinity { params })
    }

    /// An anti-affinity term that keeps the pod's own replicas apart.
    fn spreads(&self, term: NodeRef<'_>, own: &Option<Labels>) -> bool {
        if is_templated(term) {
            return true;
        }
        let key_ok = term
            .get("topologyKey")
            .and_then(|k| k.as_text())
            .is_some_and(|k| unrendered_or(k, &self.params.topology_keys));
        key_ok
            && term
                .get("labelSelector")
                .is_some_and(|s| selects_own(s, own))
    }
}

/// A key listed, or one that is still a template.
fn unrendered_or(key: &str, keys: &[String]) -> bool {
    crate::checks::unrendered(key) || keys.iter().any(|k| k == key)
}

impl Check for PodAntiAffinity {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        if !replicated(group(object), object.kind) || is_owned(object) {
            return;
        }
        let Some(replicas) = object.root.path("spec.replicas") else {
            return;
        };
        let Some(count) = replicas.as_i64().filter(|_| !is_templated(replicas)) else {
            return;
        };
        let Some(pod) = object.pod_spec() else {
            return;
        };
        if count < self.params.min_replicas {
            return;
        }
        let affinity = pod.spec.get("affinity");
        if affinity.is_some_and(is_templated) {
            return;
        }
        let own = own_labels(pod.metadata);
        let anti = affinity.and_then(|a| a.get("podAntiAffinity"));
        let required = anti
            .and_then(|a| a.get("requiredDuringSchedulingIgnoredDuringExecution"))
            .into_iter()
            .flat_map(|r| r.items());
        let preferred = anti
            .and_then(|a| a.get("preferredDuringSchedulingIgnoredDuringExecution"))
            .into_iter()
            .flat_map(|p| p.items())
            .filter_map(|p| p.get("podAffinityTerm"));
        if required.chain(preferred).any(|t| self.spreads(t, &own)) {
            return;
        }
        let constraints = pod.spec.get("topologySpreadConstraints");
        if constraints.is_some_and(is_templated) {
            return;
        }
        let spread = constraints.into_iter().flat_map(|c| c.items()).any(|c| {
            c.get("topologyKey")
                .and_then(|k| k.as_text())
                .is_some_and(|k| unrendered_or(k, &self.params.topology_keys))
        });
        if spread {
            return;
        }
        let message = not_spread(&object.display_name(), count, &self.params.topology_keys);
        let finding = cx
            .report(replicas.span(), message)
            .at_path(format!("{}.affinity.podAntiAffinity", pod.path));
        if let Some(span) = affinity.and_then(|a| a.key_span("podAntiAffinity")) {
            finding.with_label(span, "does not spread its own replicas by those keys");
        }
    }
}

/// `topology-spread-valid`: each `topologySpreadConstraints` entry is one
/// the scheduler can apply, and counts the pod's own replicas.
pub struct TopologySpreadValid;

impl Check for TopologySpreadValid {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        let Some(list) = pod.spec.get("topologySpreadConstraints") else {
            return;
        };
        let own = own_labels(pod.metadata);
        let name = object.display_name();
        for (index, item) in list.items().enumerate() {
            if !item.is_map() || is_templated(item) {
                continue;
            }
            for (span, field, problem) in problems(item, &own) {
                let path = format!("{}.topologySpreadConstraints[{index}].{field}", pod.path);
                cx.report(span, constraint(&name, &problem)).at_path(path);
            }
        }
    }
}

/// What is wrong with one constraint: where, which field, and what. Fields
/// left out are reported together, at the constraint's first entry.
fn problems(item: NodeRef<'_>, own: &Option<Labels>) -> Vec<(Span, &'static str, String)> {
    let mut out = Vec::new();
    let mut missing = Vec::new();
    let field = |key: &str| item.get(key).filter(|v| !is_templated(*v));
    let present = |key: &str| item.get(key).is_some();
    match field("maxSkew").map(|n| (n, n.as_i64())) {
        Some((node, Some(skew))) if skew < 1 => out.push((
            node.span(),
            "maxSkew",
            format!("with maxSkew {skew}; it must be at least 1"),
        )),
        _ if !present("maxSkew") => missing.push("maxSkew"),
        _ => {}
    }
    match item.get("topologyKey") {
        None => missing.push("topologyKey"),
        Some(key) if key.as_text().is_none_or(|t| t.trim().is_empty()) => {
            out.push((
                key.span(),
                "topologyKey",
                "with an empty topologyKey".into(),
            ));
        }
        Some(_) => {}
    }
    let when = field("whenUnsatisfiable").and_then(|w| Some((w, w.as_text()?)));
    match when {
        Some((_, "DoNotSchedule" | "ScheduleAnyway")) => {}
        Some((node, other)) => out.push((
            node.span(),
            "whenUnsatisfiable",
            format!("with an unknown whenUnsatisfiable {other}"),
        )),
        None if !present("whenUnsatisfiable") => missing.push("whenUnsatisfiable"),
        None => {}
    }
    if let Some(node) = field("minDomains") {
        match node.as_i64() {
            Some(n) if n < 1 => out.push((
                node.span(),
                "minDomains",
                format!("with minDomains {n}; it must be at least 1"),
            )),
            _ if when.is_some_and(|(_, w)| w != "DoNotSchedule") => out.push((
                node.span(),
                "minDomains",
                "with minDomains, which needs whenUnsatisfiable: DoNotSchedule".into(),
            )),
            _ => {}
        }
    }
    match item.get("labelSelector") {
        None => missing.push("labelSelector"),
        Some(selector) if !selects_own(selector, own) => out.push((
            item.key_span("labelSelector").unwrap_or(item.head_span()),
            "labelSelector",
            "whose labelSelector does not select the pod's own labels".into(),
        )),
        Some(_) => {}
    }
    if let Some(&first) = missing.first() {
        let listed = match missing.split_last() {
            Some((last, [])) => last.to_string(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        };
        let counts = if missing.contains(&"labelSelector") {
            ", so it counts no pods"
        } else {
            ""
        };
        out.push((item.head_span(), first, format!("with no {listed}{counts}")));
    }
    out
}

/// `node-affinity-set`: a pod that may be scheduled on any node. DaemonSets
/// are meant to run everywhere and are skipped.
pub struct NodeAffinitySet;

impl Check for NodeAffinitySet {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        if object.kind == "DaemonSet" {
            return;
        }
        let Some(pod) = object.pod_spec() else {
            return;
        };
        let spec = pod.spec;
        let affinity = spec.get("affinity");
        let selector = spec.get("nodeSelector");
        let placed = affinity.is_some_and(|a| is_templated(a) || a.get("nodeAffinity").is_some())
            || selector.is_some_and(|s| is_templated(s) || !s.is_empty())
            || spec.get("nodeName").is_some();
        if placed {
            return;
        }
        let span = nearest_span(spec, "affinity.nodeAffinity").unwrap_or(pod.anchor_span());
        cx.report(span, no_node_affinity(&object.display_name()))
            .at_path(format!("{}.affinity.nodeAffinity", pod.path));
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct PriorityClassParams {
    /// Priority classes that may be used; empty allows any.
    #[serde(default)]
    pub allowed: Vec<String>,
}

/// `priority-class-set`: a pod with no priority class, or one not allowed.
pub struct PriorityClassSet {
    params: PriorityClassParams,
}

impl PriorityClassSet {
    pub fn new(params: PriorityClassParams) -> Self {
        PriorityClassSet { params }
    }
}

impl Check for PriorityClassSet {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        let path = format!("{}.priorityClassName", pod.path);
        let name = object.display_name();
        let class = pod.spec.get("priorityClassName");
        let Some(node) = class.filter(|c| c.as_text().is_some_and(|t| !t.is_empty())) else {
            let span = class.map_or(pod.anchor_span(), |c| c.span());
            cx.report(span, no_priority_class(&name)).at_path(path);
            return;
        };
        let value = node.as_text().unwrap_or("");
        if is_templated(node)
            || self.params.allowed.is_empty()
            || self.params.allowed.iter().any(|a| a == value)
        {
            return;
        }
        cx.report(node.span(), priority_class_not_allowed(&name, value))
            .at_path(path);
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct DnsOptionParams {
    /// The option that must be set (`ndots`).
    pub name: String,
    /// The value it must have; `null` for any value.
    #[serde(default)]
    pub value: Option<String>,
}

/// `dns-config-option`: a pod's resolver lacks a required option.
pub struct DnsConfigOption {
    params: DnsOptionParams,
}

impl DnsConfigOption {
    pub fn new(params: DnsOptionParams) -> Result<Self, String> {
        if params.name.trim().is_empty() {
            return Err("`name` must name a DNS option".into());
        }
        Ok(DnsConfigOption { params })
    }
}

impl Check for DnsConfigOption {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        let options = pod.spec.path("dnsConfig.options");
        if options.is_some_and(is_templated) || pod.spec.get("dnsConfig").is_some_and(is_templated)
        {
            return;
        }
        let p = &self.params;
        let path = format!("{}.dnsConfig.options", pod.path);
        let found = options
            .into_iter()
            .flat_map(|o| o.items())
            .find(|o| o.get("name").and_then(|n| n.as_text()) == Some(p.name.as_str()));
        let name = object.display_name();
        let Some(option) = found else {
            let span = nearest_span(pod.spec, "dnsConfig.options").unwrap_or(pod.anchor_span());
            cx.report(span, no_dns_option(&name, &p.name)).at_path(path);
            return;
        };
        let Some(expected) = &p.value else {
            return;
        };
        let value = option.get("value");
        if value.is_some_and(is_templated) {
            return;
        }
        let written = value.and_then(|v| v.as_text()).unwrap_or("");
        if written.trim() == expected {
            return;
        }
        let span = value.map_or(option.head_span(), |v| v.span());
        let shown = if written.is_empty() {
            "nothing"
        } else {
            written
        };
        cx.report(span, dns_option_differs(&name, &p.name, shown, expected))
            .at_path(path);
    }
}
