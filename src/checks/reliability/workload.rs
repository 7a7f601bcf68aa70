//! Workload manifests: `selector-matches-template`, `no-naked-pods`,
//! `rolling-update-strategy` and `statefulset-volume-claim-hygiene`.

use super::{group, is_owned, missing_span, own_labels};
use crate::checks::relations::describe;
use crate::checks::{Check, is_templated, nearest_span};
use crate::engine::Cx;
use crate::k8s::{Object, Selector};
use crate::yaml::NodeRef;

fn no_selector(object: &str) -> String {
    format!("{object} sets no selector")
}

fn empty_selector(object: &str) -> String {
    format!("{object} has an empty selector")
}

fn selector_mismatch(object: &str, selector: &str, labels: &str) -> String {
    format!("{object} selects {selector}, but its pod template has {labels}")
}

fn naked_pod(object: &str) -> String {
    format!("{object} is a bare pod with no controller")
}

fn no_rollout(object: &str, field: &str, value: &str) -> String {
    let effect = match value {
        "Recreate" => "stops every pod before starting new ones",
        "OnDelete" => "updates a pod only when someone deletes it",
        _ => "does not roll out gradually",
    };
    format!("{object} {effect} ({field} {value})")
}

fn claim(object: &str, claim: &str, problem: &str) -> String {
    format!("{object} has a volume claim template \"{claim}\" {problem}")
}

/// How `selector_mismatch` shows a template's labels.
fn shown_labels(labels: &[(String, String)]) -> String {
    if labels.is_empty() {
        return "no labels".to_string();
    }
    let pairs: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("the labels {}", pairs.join(", "))
}

/// How a kind's selector is written and whether it must be given.
enum SelectorStyle {
    /// A `LabelSelector`, required and non-empty.
    Required,
    /// A plain map that defaults to the template's labels.
    MapOrDefault,
    /// A `LabelSelector` that is judged when given.
    Optional,
}

fn selector_style(object: &Object<'_>) -> Option<SelectorStyle> {
    match (group(object), object.kind) {
        // Before apps/v1beta2 the selector defaulted to the template's labels.
        ("apps", _) if object.api_version == "apps/v1beta1" => Some(SelectorStyle::Optional),
        ("extensions", "Deployment" | "DaemonSet" | "ReplicaSet") => Some(SelectorStyle::Optional),
        ("apps", "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet")
        | ("argoproj.io", "Rollout") => Some(SelectorStyle::Required),
        ("", "ReplicationController") | ("apps.openshift.io", "DeploymentConfig") => {
            Some(SelectorStyle::MapOrDefault)
        }
        // Jobs generate their selector unless told not to.
        ("batch", "Job") => (object
            .root
            .path("spec.manualSelector")
            .and_then(|m| m.as_bool())
            == Some(true))
        .then_some(SelectorStyle::Optional),
        ("batch", _) => None,
        (g, _) if g.contains('.') && !g.ends_with("k8s.io") => Some(SelectorStyle::Optional),
        _ => None,
    }
}

/// `selector-matches-template`: a workload whose selector does not select
/// the pods its own template makes.
pub struct SelectorMatchesTemplate;

impl Check for SelectorMatchesTemplate {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        let Some(style) = selector_style(object) else {
            return;
        };
        if pod.path != "spec.template.spec" {
            return;
        }
        let name = object.display_name();
        let entry = object
            .root
            .get("spec")
            .and_then(|s| s.entry("selector"))
            .filter(|(_, v)| !v.is_null());
        let Some((key, node)) = entry else {
            if matches!(style, SelectorStyle::Required) {
                cx.report(missing_span(object, "spec.selector"), no_selector(&name))
                    .at_path("spec.selector");
            }
            return;
        };
        if is_templated(node) || !node.is_map() {
            return;
        }
        let selector = match style {
            SelectorStyle::MapOrDefault => Selector::map(Some(node)),
            _ => Selector::from_label_selector(node),
        };
        if selector.unknown || selector.is_templated() {
            return;
        }
        if selector.is_empty() {
            if matches!(style, SelectorStyle::Required) {
                cx.report(key.span(), empty_selector(&name))
                    .at_path("spec.selector");
            }
            return;
        }
        let Some(labels) = own_labels(pod.metadata) else {
            return;
        };
        if selector.matches(&labels) {
            return;
        }
        let message = selector_mismatch(&name, &describe(&selector), &shown_labels(&labels));
        let label = match pod.metadata.and_then(|m| m.key_span("labels")) {
            Some(span) => Some((span, "the pod template's labels")),
            None => nearest_span(object.root, "spec.template.metadata.labels")
                .map(|span| (span, "no labels here")),
        };
        let finding = cx.report(key.span(), message).at_path("spec.selector");
        if let Some((span, text)) = label {
            finding.with_label(span, text);
        }
    }
}

/// Annotations of pods that a tool runs once and deletes (Helm tests and hooks).
const ONE_OFF_ANNOTATIONS: [&str; 2] = ["helm.sh/hook", "argocd.argoproj.io/hook"];

/// `no-naked-pods`: a Pod that no controller owns.
pub struct NoNakedPods;

impl Check for NoNakedPods {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        if object.kind != "Pod" || object.api_version != "v1" || is_owned(object) {
            return;
        }
        if ONE_OFF_ANNOTATIONS
            .iter()
            .any(|a| object.annotation(a).is_some())
        {
            return;
        }
        let Some(kind) = object.root.get("kind") else {
            return;
        };
        cx.report(kind.span(), naked_pod(&object.display_name()))
            .at_path("kind");
    }
}

/// `rolling-update-strategy`: a workload that does not replace its pods
/// gradually. A Deployment that mounts a claim may need `Recreate` (a
/// ReadWriteOnce volume attaches to one node at a time) and is left alone.
pub struct RollingUpdateStrategy;

impl Check for RollingUpdateStrategy {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let (path, rolling) = match (group(object), object.kind) {
            ("apps", "Deployment") => ("spec.strategy.type", "RollingUpdate"),
            ("apps", "DaemonSet" | "StatefulSet") => ("spec.updateStrategy.type", "RollingUpdate"),
            ("apps.openshift.io", "DeploymentConfig") => ("spec.strategy.type", "Rolling"),
            _ => return,
        };
        let Some(node) = object.root.path(path) else {
            return;
        };
        let value = node.as_text().unwrap_or("");
        if is_templated(node) || value == rolling {
            return;
        }
        let claims = object.pod_spec().is_some_and(|pod| {
            pod.volumes()
                .any(|v| v.get("persistentVolumeClaim").is_some())
        });
        if value == "Recreate" && claims {
            return;
        }
        let field = path.trim_start_matches("spec.");
        cx.report(
            node.span(),
            no_rollout(&object.display_name(), field, value),
        )
        .at_path(path);
    }
}

/// Access modes that keep a replica's volume to itself.
const SINGLE_WRITER: [&str; 2] = ["ReadWriteOnce", "ReadWriteOncePod"];

/// `statefulset-volume-claim-hygiene`: claim templates that share a volume
/// between replicas, or request no storage.
pub struct StatefulSetVolumeClaims;

impl StatefulSetVolumeClaims {
    fn access_problem(template: NodeRef<'_>) -> Option<(crate::source::Span, String)> {
        let entry = template
            .get("spec")
            .and_then(|s| s.entry("accessModes"))
            .filter(|(_, v)| !v.is_null());
        let Some((key, modes)) = entry else {
            let span = nearest_span(template, "spec.accessModes").unwrap_or(template.head_span());
            return Some((span, "with no accessModes".into()));
        };
        if is_templated(modes) || modes.items().any(is_templated) {
            return None;
        }
        let written: Vec<&str> = modes.items().filter_map(|m| m.as_text()).collect();
        if written.is_empty() {
            return Some((key.span(), "with no accessModes".into()));
        }
        if written.iter().any(|m| SINGLE_WRITER.contains(m)) {
            return None;
        }
        Some((
            modes.span(),
            format!("shared between replicas ({})", written.join(", ")),
        ))
    }

    fn storage_problem(template: NodeRef<'_>) -> Option<(crate::source::Span, String)> {
        let path = "spec.resources.requests.storage";
        match template.path(path) {
            Some(node) if is_templated(node) => None,
            Some(node) if node.as_text().is_some_and(|t| !t.trim().is_empty()) => None,
            Some(node) => Some((node.span(), "with an empty storage request".into())),
            None => Some((
                nearest_span(template, path).unwrap_or(template.head_span()),
                format!("with no storage request ({path})"),
            )),
        }
    }
}

impl Check for StatefulSetVolumeClaims {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        if (group(object), object.kind) != ("apps", "StatefulSet") {
            return;
        }
        let Some(templates) = object.root.path("spec.volumeClaimTemplates") else {
            return;
        };
        let name = object.display_name();
        for (index, template) in templates.items().enumerate() {
            if !template.is_map() || is_templated(template) {
                continue;
            }
            let claim_name = template
                .path("metadata.name")
                .and_then(|n| n.as_text())
                .unwrap_or("<unnamed>");
            let problems = [
                Self::access_problem(template).map(|p| (p, "spec.accessModes")),
                Self::storage_problem(template).map(|p| (p, "spec.resources.requests.storage")),
            ];
            for ((span, problem), field) in problems.into_iter().flatten() {
                cx.report(span, claim(&name, claim_name, &problem))
                    .at_path(format!("spec.volumeClaimTemplates[{index}].{field}"));
            }
        }
    }
}
