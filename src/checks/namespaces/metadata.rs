//! Object metadata: label syntax, labels and annotations an organisation
//! requires, and the order of keys.

use std::collections::HashSet;

use serde::Deserialize;

use super::labels_anchor;
use crate::checks::{Check, is_templated};
use crate::engine::Cx;
use crate::k8s::{Object, label_key_problem, label_value_problem};
use crate::yaml::{NodeRef, Scalar};

/// Every `labels` mapping of an object: its own, and those of the templates
/// it stamps out (pod template, CronJob's job template), with their paths.
fn label_maps<'a>(object: &Object<'a>) -> Vec<(String, NodeRef<'a>)> {
    let mut paths = vec!["metadata".to_string()];
    if let Some(pod) = object.pod_spec() {
        let parent = pod.path.strip_suffix(".spec").unwrap_or("");
        if !parent.is_empty() {
            paths.push(format!("{parent}.metadata"));
        }
    }
    if object.root.path("spec.jobTemplate.metadata").is_some() {
        paths.push("spec.jobTemplate.metadata".to_string());
    }
    let mut seen = HashSet::new();
    paths
        .into_iter()
        .filter_map(|path| {
            let labels = object.root.path(&format!("{path}.labels"))?;
            seen.insert(labels.id())
                .then(|| (format!("{path}.labels"), labels))
        })
        .collect()
}

/// `label-syntax`: label keys and values that Kubernetes rejects.
pub struct LabelSyntax;

impl Check for LabelSyntax {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        for (path, labels) in label_maps(object) {
            if is_templated(labels) {
                continue;
            }
            for (key, value) in labels.entries() {
                let Some(name) = key.text() else {
                    continue;
                };
                if is_templated(key) || is_templated(value) {
                    continue;
                }
                let at = format!("{path}.{name}");
                if let Some(problem) = label_key_problem(name) {
                    cx.report(
                        key.span(),
                        format!("label key \"{name}\" is invalid: {problem}"),
                    )
                    .at_path(at.clone());
                }
                let text = value.text().unwrap_or("");
                let problem = match value.scalar() {
                    None => Some(format!("value of label {name} is not a string")),
                    Some(Scalar::Null) => None,
                    Some(Scalar::Str(text)) => label_value_problem(text)
                        .map(|p| format!("value \"{text}\" of label {name} {p}")),
                    Some(Scalar::Bool(_)) => Some(format!(
                        "value {text} of label {name} is a boolean to YAML; quote it"
                    )),
                    Some(Scalar::Int(_) | Scalar::Float(_)) => Some(format!(
                        "value {text} of label {name} is a number to YAML; quote it"
                    )),
                };
                if let Some(problem) = problem {
                    cx.report(value.span(), problem).at_path(at);
                }
            }
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RequiredMetadataParams {
    /// Label keys every object must carry.
    labels: Vec<String>,
    /// Annotation keys every object must carry.
    annotations: Vec<String>,
    /// Kinds the requirements apply to; empty for every kind.
    kinds: Vec<String>,
    /// Require `app.kubernetes.io/instance`, when set, to equal `metadata.name`.
    instance_matches_name: bool,
}

/// `required-metadata`: labels and annotations an organisation requires.
pub struct RequiredMetadata {
    params: RequiredMetadataParams,
}

impl RequiredMetadata {
    pub fn new(params: RequiredMetadataParams) -> Self {
        RequiredMetadata { params }
    }
}

const INSTANCE_LABEL: &str = "app.kubernetes.io/instance";

impl Check for RequiredMetadata {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let p = &self.params;
        if !p.kinds.is_empty() && !p.kinds.iter().any(|k| k == object.kind) {
            return;
        }
        let display = object.display_name();
        let metadata = object.metadata();
        for (field, keys) in [("labels", &p.labels), ("annotations", &p.annotations)] {
            let map = metadata.and_then(|m| m.get(field));
            if map.is_some_and(is_templated) {
                continue;
            }
            let anchor = match field {
                "labels" => labels_anchor(object),
                _ => crate::checks::nearest_span(object.root, "metadata.annotations")
                    .unwrap_or_else(|| labels_anchor(object)),
            };
            for key in keys {
                if map.and_then(|m| m.get(key)).is_some() {
                    continue;
                }
                let noun = &field[..field.len() - 1];
                cx.report(anchor, format!("{display} lacks the required {noun} {key}"))
                    .at_path(format!("metadata.{field}.{key}"));
            }
        }
        if !p.instance_matches_name {
            return;
        }
        let instance = metadata
            .and_then(|m| m.path("labels"))
            .and_then(|l| l.get(INSTANCE_LABEL));
        let (Some(node), Some(name)) = (instance, object.name) else {
            return;
        };
        match node.as_text() {
            Some(value) if !is_templated(node) && value != name => {
                cx.report(
                    node.span(),
                    format!(
                        "label {INSTANCE_LABEL} is \"{value}\", not the object's name \"{name}\""
                    ),
                )
                .at_path(format!("metadata.labels.{INSTANCE_LABEL}"));
            }
            _ => {}
        }
    }
}

/// `sorted-keys`: mappings whose keys are not in alphabetical order.
pub struct SortedKeys;

/// Alphabetical order: letters compared without case, then with it.
fn in_order(a: &str, b: &str) -> bool {
    (a.to_ascii_lowercase(), a) <= (b.to_ascii_lowercase(), b)
}

impl Check for SortedKeys {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let mut seen = HashSet::new();
        let mut stack = vec![object.root];
        while let Some(node) = stack.pop() {
            if !seen.insert(node.id()) {
                continue;
            }
            let span = node.span();
            // Keys merged in from an anchor are written elsewhere, and judged there.
            let own: Vec<(NodeRef<'_>, NodeRef<'_>)> = node
                .entries()
                .filter(|(k, _)| k.span().start >= span.start && k.span().end <= span.end)
                .collect();
            let mut previous: Option<&str> = None;
            let mut reported = false;
            for &(key, _) in &own {
                let Some(text) = key.text() else {
                    continue;
                };
                if let Some(before) = previous
                    && !reported
                    && !in_order(before, text)
                {
                    cx.report(
                        key.span(),
                        format!(
                            "key \"{text}\" is out of alphabetical order: it follows \"{before}\""
                        ),
                    );
                    reported = true;
                }
                previous = Some(text);
            }
            let children = own.iter().map(|(_, v)| *v).chain(node.items());
            let children: Vec<NodeRef<'_>> = children.collect();
            stack.extend(children.into_iter().rev());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::in_order;

    #[test]
    fn alphabetical_order_ignores_case_first() {
        assert!(in_order("apiVersion", "kind"));
        assert!(in_order("Zeta", "zeta"));
        assert!(in_order("matchExpressions", "matchLabels"));
        assert!(!in_order("name", "image"));
        assert!(in_order("a", "a"));
    }
}
