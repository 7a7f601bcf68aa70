//! NetworkPolicies as Kubernetes reads them: the pods a policy selects, the
//! directions it isolates (with the defaulting of `policyTypes`) and its
//! allow rules.

use super::{Object, Selector};
use crate::source::Span;
use crate::yaml::NodeRef;

/// A direction of traffic, as seen from the selected pods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    pub const BOTH: [Direction; 2] = [Direction::Ingress, Direction::Egress];

    /// The `spec` field holding the rules of this direction.
    pub fn field(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }

    /// The field of a rule that lists its peers.
    pub fn peers_field(self) -> &'static str {
        match self {
            Direction::Ingress => "from",
            Direction::Egress => "to",
        }
    }

    /// The `policyTypes` value.
    pub fn policy_type(self) -> &'static str {
        match self {
            Direction::Ingress => "Ingress",
            Direction::Egress => "Egress",
        }
    }
}

/// Which directions a policy isolates the pods it selects in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PolicyTypes {
    pub ingress: bool,
    pub egress: bool,
}

impl PolicyTypes {
    pub fn has(self, direction: Direction) -> bool {
        match direction {
            Direction::Ingress => self.ingress,
            Direction::Egress => self.egress,
        }
    }
}

/// A `networking.k8s.io/v1` NetworkPolicy.
#[derive(Clone, Copy, Debug)]
pub struct NetworkPolicy<'a> {
    pub object: Object<'a>,
    /// The `spec` mapping, when there is one.
    pub spec: Option<NodeRef<'a>>,
}

impl<'a> NetworkPolicy<'a> {
    pub fn of(object: &Object<'a>) -> Option<NetworkPolicy<'a>> {
        let known = matches!(
            (object.api_version, object.kind),
            (
                "networking.k8s.io/v1" | "extensions/v1beta1",
                "NetworkPolicy"
            )
        );
        known.then(|| NetworkPolicy {
            object: *object,
            spec: object.root.get("spec").filter(|s| s.is_map()),
        })
    }

    /// `spec.podSelector`; a missing one selects every pod of the namespace.
    pub fn pod_selector(&self) -> Selector {
        self.spec
            .and_then(|s| s.get("podSelector"))
            .map(Selector::from_label_selector)
            .unwrap_or_default()
    }

    /// The `podSelector:` key.
    pub fn pod_selector_span(&self) -> Option<Span> {
        self.spec.and_then(|s| s.key_span("podSelector"))
    }

    /// The directions the policy isolates. Without `policyTypes`, Kubernetes
    /// sets Ingress always, and Egress only when the policy has egress rules.
    /// `None` when `policyTypes` is still an unrendered template.
    pub fn policy_types(&self) -> Option<PolicyTypes> {
        let declared = self.spec.and_then(|s| s.get("policyTypes"));
        let Some(declared) = declared else {
            return Some(PolicyTypes {
                ingress: true,
                egress: self.rules(Direction::Egress).next().is_some(),
            });
        };
        if crate::checks::is_templated(declared) || !declared.is_seq() {
            return None;
        }
        let values: Vec<&str> = declared.items().filter_map(|t| t.as_text()).collect();
        if values.iter().any(|v| crate::checks::unrendered(v)) {
            return None;
        }
        Some(PolicyTypes {
            ingress: values.contains(&"Ingress"),
            egress: values.contains(&"Egress"),
        })
    }

    /// The allow rules of one direction (`spec.ingress` items).
    pub fn rules(&self, direction: Direction) -> impl Iterator<Item = NodeRef<'a>> + 'a {
        self.spec
            .and_then(|s| s.get(direction.field()))
            .into_iter()
            .flat_map(|r| r.items())
    }

    /// True when the direction is isolated and nothing is allowed in it: the
    /// policy denies all traffic of that direction to the pods it selects.
    pub fn denies_all(&self, direction: Direction) -> bool {
        self.policy_types().is_some_and(|t| t.has(direction))
            && self.rules(direction).next().is_none()
    }
}
