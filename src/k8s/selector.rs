//! Label selectors and the matcher every cross-object rule uses to ask
//! "which pods does this select?".

use crate::yaml::NodeRef;

/// Labels as ordered (key, value) pairs.
pub type Labels = Vec<(String, String)>;

/// Reads a `labels:` mapping (values as Kubernetes prints them).
pub fn labels(node: Option<NodeRef<'_>>) -> Labels {
    node.into_iter()
        .flat_map(|n| n.entries())
        .filter_map(|(k, v)| Some((k.text()?.to_string(), v.as_text().unwrap_or("").to_string())))
        .collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operator {
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub key: String,
    pub operator: Operator,
    pub values: Vec<String>,
}

/// A label selector: `matchLabels` and `matchExpressions` (a `metav1.LabelSelector`),
/// or the plain map of a Service or ReplicationController selector.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selector {
    pub requirements: Vec<Requirement>,
    /// An expression whose operator harden does not know: the selector
    /// matches nothing harden can prove, so rules should not judge it.
    pub unknown: bool,
}

impl Selector {
    /// A `metav1.LabelSelector` (`matchLabels`, `matchExpressions`).
    pub fn from_label_selector(node: NodeRef<'_>) -> Selector {
        let mut selector = Selector::map(node.get("matchLabels"));
        for expression in node
            .get("matchExpressions")
            .into_iter()
            .flat_map(|e| e.items())
        {
            let key = expression.get("key").and_then(|k| k.as_text());
            let operator = match expression.get("operator").and_then(|o| o.as_text()) {
                Some("In") => Some(Operator::In),
                Some("NotIn") => Some(Operator::NotIn),
                Some("Exists") => Some(Operator::Exists),
                Some("DoesNotExist") => Some(Operator::DoesNotExist),
                _ => None,
            };
            let (Some(key), Some(operator)) = (key, operator) else {
                selector.unknown = true;
                continue;
            };
            let values = expression
                .get("values")
                .into_iter()
                .flat_map(|v| v.items())
                .filter_map(|v| v.as_text().map(str::to_string))
                .collect();
            selector.requirements.push(Requirement {
                key: key.to_string(),
                operator,
                values,
            });
        }
        selector
    }

    /// A plain `key: value` map (Service `spec.selector`).
    pub fn map(node: Option<NodeRef<'_>>) -> Selector {
        Selector {
            requirements: labels(node)
                .into_iter()
                .map(|(key, value)| Requirement {
                    key,
                    operator: Operator::In,
                    values: vec![value],
                })
                .collect(),
            unknown: false,
        }
    }

    /// An empty selector selects everything (NetworkPolicy `podSelector: {}`).
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty() && !self.unknown
    }

    pub fn matches(&self, labels: &[(String, String)]) -> bool {
        let value = |key: &str| labels.iter().find(|(k, _)| k == key).map(|(_, v)| v);
        self.requirements.iter().all(|r| match r.operator {
            Operator::In => value(&r.key).is_some_and(|v| r.values.contains(v)),
            Operator::NotIn => value(&r.key).is_none_or(|v| !r.values.contains(v)),
            Operator::Exists => value(&r.key).is_some(),
            Operator::DoesNotExist => value(&r.key).is_none(),
        })
    }

    /// True when any value still holds an unrendered template.
    pub fn is_templated(&self) -> bool {
        self.requirements.iter().any(|r| {
            crate::checks::unrendered(&r.key)
                || r.values.iter().any(|v| crate::checks::unrendered(v))
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::yaml::{Limits, parse_stream};

    fn selector(text: &str) -> Selector {
        let parsed = parse_stream(&Arc::from(text), &Limits::default());
        Selector::from_label_selector(parsed.documents[0].root().unwrap())
    }

    fn labels_of(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn match_labels_and_expressions() {
        let s = selector(
            "matchLabels: {app: web}\nmatchExpressions:\n- {key: tier, operator: In, values: [front, edge]}\n- {key: canary, operator: DoesNotExist}\n",
        );
        assert!(s.matches(&labels_of(&[("app", "web"), ("tier", "edge")])));
        assert!(!s.matches(&labels_of(&[("app", "web"), ("tier", "back")])));
        assert!(!s.matches(&labels_of(&[
            ("app", "web"),
            ("tier", "edge"),
            ("canary", "1")
        ])));
    }

    #[test]
    fn empty_selects_all_and_unknown_operators_are_flagged() {
        assert!(selector("{}").is_empty());
        assert!(selector("{}").matches(&[]));
        let s = selector("matchExpressions: [{key: a, operator: Sometimes}]\n");
        assert!(s.unknown && !s.is_empty());
    }

    #[test]
    fn values_resolve_like_kubernetes_strings() {
        // `version: 1` and `enabled: true` are the strings "1" and "true" to a selector.
        let s = selector("matchLabels: {version: 1, enabled: true}\n");
        assert!(s.matches(&labels_of(&[("version", "1"), ("enabled", "true")])));
    }
}
