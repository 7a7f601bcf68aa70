//! Compute resources: `resources.requests` and `resources.limits` of a
//! container, or of the whole pod (`spec.resources`).

use super::{Container, PodSpec, Quantity};
use crate::yaml::{NodeRef, Scalar};

/// Which side of a resource block.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Bound {
    Requests,
    Limits,
}

impl Bound {
    pub fn field(self) -> &'static str {
        match self {
            Bound::Requests => "requests",
            Bound::Limits => "limits",
        }
    }
}

/// What a `requests` or `limits` entry holds.
#[derive(Clone, Copy, Debug)]
pub enum Amount<'a> {
    /// Absent, or an explicit null.
    Missing,
    /// An empty string.
    Empty(NodeRef<'a>),
    Quantity(NodeRef<'a>, Quantity),
    /// Something that cannot be read as a quantity: an unrendered template,
    /// or a value the API server would reject.
    Unreadable(NodeRef<'a>),
}

impl<'a> Amount<'a> {
    fn of(node: Option<NodeRef<'a>>) -> Amount<'a> {
        let Some(node) = node else {
            return Amount::Missing;
        };
        let quantity = match node.scalar() {
            Some(Scalar::Int(i)) => Quantity::from_number(i as f64),
            Some(Scalar::Float(f)) => Quantity::from_number(f),
            Some(Scalar::Str(s)) if s.trim().is_empty() => return Amount::Empty(node),
            Some(Scalar::Str(s)) => Quantity::parse(s),
            _ => None,
        };
        match quantity {
            Some(q) => Amount::Quantity(node, q),
            None => Amount::Unreadable(node),
        }
    }

    /// Missing, empty or zero: no reservation and no cap, to Kubernetes alike.
    /// Unreadable values are not counted as unset.
    pub fn is_unset(&self) -> bool {
        match self {
            Amount::Missing | Amount::Empty(_) => true,
            Amount::Quantity(_, q) => q.is_zero(),
            Amount::Unreadable(_) => false,
        }
    }
}

/// A `resources` block.
#[derive(Clone, Copy, Debug)]
pub struct Resources<'a> {
    pub node: Option<NodeRef<'a>>,
}

impl<'a> Resources<'a> {
    /// `requests.<name>` or `limits.<name>` as written.
    pub fn amount(&self, bound: Bound, name: &str) -> Amount<'a> {
        Amount::of(
            self.node
                .and_then(|r| r.get(bound.field()))
                .and_then(|b| b.get(name)),
        )
    }

    /// The request as Kubernetes sees it: when `requests.<name>` is absent,
    /// the API server copies `limits.<name>` into it.
    pub fn effective_request(&self, name: &str) -> Amount<'a> {
        match self.amount(Bound::Requests, name) {
            Amount::Missing => self.amount(Bound::Limits, name),
            written => written,
        }
    }

    /// The request (after defaulting from the limit) or the limit.
    pub fn effective(&self, bound: Bound, name: &str) -> Amount<'a> {
        match bound {
            Bound::Requests => self.effective_request(name),
            Bound::Limits => self.amount(Bound::Limits, name),
        }
    }
}

impl<'a> Container<'a> {
    pub fn resources(&self) -> Resources<'a> {
        Resources {
            node: self.node.get("resources"),
        }
    }
}

impl<'a> PodSpec<'a> {
    /// Pod-level `spec.resources` (beta and on by default since Kubernetes
    /// 1.34), which bounds every container of the pod together. Kubernetes
    /// accepts only CPU, memory and huge pages there.
    pub fn resources(&self) -> Resources<'a> {
        Resources {
            node: self.spec.get("resources"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::k8s::Object;
    use crate::yaml::{Limits, parse_stream};

    fn amounts(container_yaml: &str, bound: Bound, name: &str) -> Vec<String> {
        let containers: String = container_yaml
            .lines()
            .map(|line| format!("    {}\n", line.trim()))
            .collect();
        let text = format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers:\n{containers}"
        );
        let parsed = parse_stream(&Arc::from(text.as_str()), &Limits::default());
        assert!(parsed.error.is_none(), "{:?}", parsed.error);
        let docs = parsed.documents;
        let object = Object::all_in(&docs[0])[0];
        let pod = object.pod_spec().unwrap();
        pod.containers()
            .map(|c| match c.resources().effective(bound, name) {
                Amount::Missing => "missing".to_string(),
                Amount::Empty(_) => "empty".to_string(),
                Amount::Quantity(_, q) if q.is_zero() => "zero".to_string(),
                Amount::Quantity(_, q) => q.value.to_string(),
                Amount::Unreadable(n) => format!("unreadable {}", n.text().unwrap_or("")),
            })
            .collect()
    }

    #[test]
    fn reads_written_amounts() {
        let containers = "\
    - {name: a, resources: {requests: {cpu: 250m}}}
    - {name: b, resources: {requests: {cpu: 0}}}
    - {name: c, resources: {requests: {cpu: '0'}}}
    - {name: d, resources: {requests: {cpu: ''}}}
    - {name: e, resources: {requests: {cpu: ~}}}
    - {name: f, resources: {requests: {cpu: 0.5}}}
    - {name: g, resources: {requests: {cpu: yes}}}
    - {name: h, resources: {requests: {cpu: '{{ .Values.cpu }}'}}}
    - {name: i, resources: {requests: [cpu]}}
    - {name: j, resources: \"none\"}
    - {name: k}
";
        assert_eq!(
            amounts(containers, Bound::Requests, "cpu"),
            [
                "0.25",
                "zero",
                "zero",
                "empty",
                "missing",
                "0.5",
                "unreadable yes",
                "unreadable {{ .Values.cpu }}",
                "missing",
                "missing",
                "missing",
            ]
        );
    }

    #[test]
    fn a_missing_request_defaults_to_the_limit() {
        let containers = "\
    - {name: a, resources: {limits: {memory: 1Gi}}}
    - {name: b, resources: {requests: {memory: 0}, limits: {memory: 1Gi}}}
    - {name: c, resources: {requests: {}, limits: {memory: 0}}}
";
        assert_eq!(
            amounts(containers, Bound::Requests, "memory"),
            ["1073741824", "zero", "zero"]
        );
        assert_eq!(
            amounts(containers, Bound::Limits, "memory"),
            ["1073741824", "1073741824", "zero"]
        );
    }
}
