//! `container-field` and `pod-field`: a field of each container or of the pod
//! spec compared with a condition.

use serde::Deserialize;

use super::{Check, fill, is_templated, nearest_span};
use crate::engine::Cx;
use crate::k8s::{Level, Object};
use crate::yaml::{NodeRef, node_to_json};

/// When a field is a violation.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Condition {
    /// Fires when the field equals this value.
    #[serde(default)]
    pub equals: Option<serde_json::Value>,
    /// Fires when the field is absent or differs from this value.
    #[serde(default)]
    pub not_equals: Option<serde_json::Value>,
    /// Fires when the field is present and not one of these values.
    #[serde(default)]
    pub not_in: Option<Vec<serde_json::Value>>,
}

/// What a condition says about one field.
enum Verdict<'a> {
    Pass,
    /// Present and wrong.
    Bad(NodeRef<'a>),
    /// Absent where it must be set.
    Missing,
}

impl Condition {
    fn judge<'a>(&self, node: Option<NodeRef<'a>>) -> Verdict<'a> {
        if node.is_some_and(is_templated) {
            return Verdict::Pass;
        }
        let value = node.map(node_to_json);
        if let (Some(expected), Some(node), Some(value)) = (&self.equals, node, &value)
            && value == expected
        {
            return Verdict::Bad(node);
        }
        if let Some(expected) = &self.not_equals {
            match (node, &value) {
                (Some(node), Some(value)) if value != expected => return Verdict::Bad(node),
                (None, _) => return Verdict::Missing,
                _ => {}
            }
        }
        if let (Some(allowed), Some(node), Some(value)) = (&self.not_in, node, &value)
            && !allowed.contains(value)
        {
            return Verdict::Bad(node);
        }
        Verdict::Pass
    }

    fn validate(&self) -> Result<(), String> {
        let count = [
            self.equals.is_some(),
            self.not_equals.is_some(),
            self.not_in.is_some(),
        ]
        .into_iter()
        .filter(|&b| b)
        .count();
        if count == 1 {
            Ok(())
        } else {
            Err("give exactly one of `equals`, `not-equals`, `not-in`".into())
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct FieldParams {
    /// Dotted path below the container (or the pod spec).
    pub path: String,
    /// For container fields: fall back to the pod's `securityContext` for
    /// fields that exist at both levels.
    #[serde(default)]
    pub effective: bool,
    #[serde(flatten)]
    pub condition: Condition,
    /// Message for a wrong value; `{container}`, `{object}`, `{value}` and `{field}` are filled in.
    pub message: String,
    /// Message for a missing field; without it a missing field passes.
    #[serde(default)]
    pub missing_message: Option<String>,
}

pub struct ContainerField {
    params: FieldParams,
}

impl ContainerField {
    pub fn new(params: FieldParams) -> Result<Self, String> {
        params.condition.validate()?;
        Ok(ContainerField { params })
    }
}

fn last_key(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

impl Check for ContainerField {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        let p = &self.params;
        for container in pod.containers() {
            let found = if p.effective {
                pod.effective(&container, p.path.trim_start_matches("securityContext."))
                    .map(|e| (e.node, e.level))
            } else {
                container.get(&p.path).map(|n| (n, Level::Container))
            };
            let describe = container.describe();
            let object_name = object.display_name();
            match p.condition.judge(found.map(|(n, _)| n)) {
                Verdict::Pass => {}
                Verdict::Bad(node) => {
                    let value = node.as_text().unwrap_or("").to_string();
                    let level = found.map_or(Level::Container, |(_, l)| l);
                    let message = fill(
                        &p.message,
                        &[
                            ("container", &describe),
                            ("object", &object_name),
                            ("value", &value),
                            ("field", last_key(&p.path)),
                        ],
                    );
                    let path = if level == Level::Pod {
                        format!(
                            "securityContext.{}",
                            p.path.trim_start_matches("securityContext.")
                        )
                    } else {
                        p.path.clone()
                    };
                    cx.report(node.span(), message)
                        .in_container(&container, &path);
                }
                Verdict::Missing => {
                    let Some(template) = &p.missing_message else {
                        continue;
                    };
                    let message = fill(
                        template,
                        &[
                            ("container", &describe),
                            ("object", &object_name),
                            ("field", last_key(&p.path)),
                        ],
                    );
                    let span = nearest_span(container.node, &p.path)
                        .unwrap_or_else(|| container.anchor_span());
                    cx.report(span, message).in_container(&container, &p.path);
                }
            }
        }
    }
}

pub struct PodField {
    params: FieldParams,
}

impl PodField {
    pub fn new(params: FieldParams) -> Result<Self, String> {
        params.condition.validate()?;
        if params.effective {
            return Err("`effective` applies to container fields only".into());
        }
        Ok(PodField { params })
    }
}

impl Check for PodField {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        let p = &self.params;
        let object_name = object.display_name();
        match p.condition.judge(pod.spec.path(&p.path)) {
            Verdict::Pass => {}
            Verdict::Bad(node) => {
                let value = node.as_text().unwrap_or("").to_string();
                let message = fill(
                    &p.message,
                    &[
                        ("object", &object_name),
                        ("value", &value),
                        ("field", last_key(&p.path)),
                    ],
                );
                cx.report(node.span(), message)
                    .at_path(format!("{}.{}", pod.path, p.path));
            }
            Verdict::Missing => {
                if let Some(template) = &p.missing_message {
                    let message = fill(
                        template,
                        &[("object", &object_name), ("field", last_key(&p.path))],
                    );
                    let span = nearest_span(pod.spec, &p.path).unwrap_or(pod.anchor_span());
                    cx.report(span, message)
                        .at_path(format!("{}.{}", pod.path, p.path));
                }
            }
        }
    }
}
