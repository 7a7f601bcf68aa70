//! Namespaces and object hygiene: Pod Security admission labels, objects
//! placed in `default`, deprecated apiVersions, label syntax, required
//! metadata and key order.

mod api;
mod metadata;

pub use api::{DeprecatedApiVersion, LegacyPodSecurityPolicy};
pub use metadata::{LabelSyntax, RequiredMetadata, SortedKeys};

use serde::Deserialize;

use super::relations::glob;
use super::{Check, is_templated, nearest_span};
use crate::engine::Cx;
use crate::k8s::{
    Object, PSS_LABEL_PREFIX, PSS_MODES, PssLevel, PssVersion, is_cluster_scoped, is_namespace,
    pss_labels,
};
use crate::source::Span;
use crate::yaml::NodeRef;

/// Where to point when a label is missing: the `labels:` key, else `metadata:`.
fn labels_anchor(object: &Object<'_>) -> Span {
    nearest_span(object.root, "metadata.labels")
        .or_else(|| object.root.key_span("kind"))
        .unwrap_or_else(|| object.root.head_span())
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct PssEnforceParams {
    /// Namespaces that may go without an enforced level (`*` wildcards).
    exempt_namespaces: Vec<String>,
}

/// `namespace-pss-enforce`: Namespaces that enforce no Pod Security level,
/// or only `privileged`.
pub struct NamespacePssEnforce {
    params: PssEnforceParams,
}

impl NamespacePssEnforce {
    pub fn new(params: PssEnforceParams) -> Self {
        NamespacePssEnforce { params }
    }
}

impl Check for NamespacePssEnforce {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        if !is_namespace(object) {
            return;
        }
        let Some(name) = object.name else {
            return;
        };
        if self.params.exempt_namespaces.iter().any(|n| glob(n, name)) {
            return;
        }
        let display = object.display_name();
        let enforce = pss_labels(object).find(|(_, suffix, _)| *suffix == "enforce");
        let Some((_, _, value)) = enforce else {
            cx.report(
                labels_anchor(object),
                format!("{display} sets no {PSS_LABEL_PREFIX}enforce label"),
            )
            .at_path(format!("metadata.labels.{PSS_LABEL_PREFIX}enforce"));
            return;
        };
        if !is_templated(value) && value.as_text() == Some("privileged") {
            cx.report(
                value.span(),
                format!(
                    "{display} enforces the privileged Pod Security level, which allows everything"
                ),
            )
            .at_path(format!("metadata.labels.{PSS_LABEL_PREFIX}enforce"));
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct PssHygieneParams {
    /// Require `enforce-version` pinned to a `v1.N` version.
    require_pinned_version: bool,
}

/// `pss-label-hygiene`: Pod Security labels with invalid values, unknown
/// keys, unpinned versions, or warn/audit levels below the enforced one.
pub struct PssLabelHygiene {
    params: PssHygieneParams,
}

impl PssLabelHygiene {
    pub fn new(params: PssHygieneParams) -> Self {
        PssLabelHygiene { params }
    }
}

impl Check for PssLabelHygiene {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        if !is_namespace(object) {
            return;
        }
        let display = object.display_name();
        let labels: Vec<(NodeRef<'_>, &str, NodeRef<'_>)> = pss_labels(object)
            .filter(|(_, _, v)| !is_templated(*v))
            .collect();
        let path = |suffix: &str| format!("metadata.labels.{PSS_LABEL_PREFIX}{suffix}");
        let level = |mode: &str| {
            labels
                .iter()
                .find(|(_, s, _)| *s == mode)
                .and_then(|(_, _, v)| Some((PssLevel::parse(v.as_text()?)?, *v)))
        };
        for &(key, suffix, value) in &labels {
            // Values that are not strings are `label-values-valid`'s finding.
            let Some(text) = value.as_text() else {
                continue;
            };
            let mode = suffix.strip_suffix("-version").unwrap_or(suffix);
            if !PSS_MODES.contains(&mode) {
                cx.report(
                    key.span(),
                    format!(
                        "{display} has an unknown Pod Security label {PSS_LABEL_PREFIX}{suffix}"
                    ),
                )
                .at_path(path(suffix));
            } else if mode == suffix && PssLevel::parse(text).is_none() {
                cx.report(
                    value.span(),
                    format!("\"{text}\" is not a Pod Security level (privileged, baseline or restricted)"),
                )
                .at_path(path(suffix));
            } else if mode != suffix && PssVersion::parse(text).is_none() {
                cx.report(
                    value.span(),
                    format!("\"{text}\" is not a Pod Security version (latest or v1.<minor>)"),
                )
                .at_path(path(suffix));
            }
        }
        let Some((enforced, enforce_node)) = level("enforce") else {
            return;
        };
        for mode in ["warn", "audit"] {
            if let Some((lower, node)) = level(mode).filter(|(l, _)| *l < enforced) {
                cx.report(
                    node.span(),
                    format!(
                        "{mode} level {} is below the enforced level {}, so it reports nothing",
                        lower.as_str(),
                        enforced.as_str()
                    ),
                )
                .with_label(enforce_node.span(), "the enforced level")
                .at_path(path(mode));
            }
        }
        if !self.params.require_pinned_version {
            return;
        }
        let version = labels.iter().find(|(_, s, _)| *s == "enforce-version");
        match version {
            None => {
                cx.report(
                    enforce_node.span(),
                    format!("{display} does not pin enforce-version, so the level changes with each Kubernetes upgrade"),
                )
                .at_path(path("enforce-version"));
            }
            Some((_, _, value)) if value.as_text() == Some("latest") => {
                cx.report(
                    value.span(),
                    format!("{display} pins enforce-version to latest, so the level changes with each Kubernetes upgrade"),
                )
                .at_path(path("enforce-version"));
            }
            Some(_) => {}
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct DefaultNamespaceParams {
    /// Also report namespaced objects that set no namespace.
    missing_is_default: bool,
}

/// Objects that Kubernetes itself keeps in every cluster's `default`
/// namespace: a manifest of them (an export of a cluster) is not a choice to
/// fix.
fn is_builtin_of_default(object: &Object<'_>) -> bool {
    matches!(
        (object.kind, object.name),
        ("ServiceAccount", Some("default"))
            | (
                "Service" | "Endpoints" | "EndpointSlice",
                Some("kubernetes")
            )
            | ("ConfigMap", Some("kube-root-ca.crt"))
    )
}

/// `default-namespace`: objects placed in the `default` namespace.
pub struct DefaultNamespace {
    params: DefaultNamespaceParams,
}

impl DefaultNamespace {
    pub fn new(params: DefaultNamespaceParams) -> Self {
        DefaultNamespace { params }
    }
}

impl Check for DefaultNamespace {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        if is_cluster_scoped(object.api_version, object.kind) || is_builtin_of_default(object) {
            return;
        }
        let display = object.display_name();
        match object.metadata().and_then(|m| m.get("namespace")) {
            Some(node) if node.as_text() == Some("default") => {
                cx.report(
                    node.span(),
                    format!("{display} is placed in the default namespace"),
                )
                .at_path("metadata.namespace");
            }
            None if self.params.missing_is_default => {
                let span = nearest_span(object.root, "metadata.namespace")
                    .or_else(|| object.root.key_span("kind"))
                    .unwrap_or_else(|| object.root.head_span());
                cx.report(
                    span,
                    format!("{display} sets no namespace, so it lands in the default namespace unless one is given when applied"),
                )
                .at_path("metadata.namespace");
            }
            _ => {}
        }
    }
}
