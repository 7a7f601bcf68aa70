//! Service accounts: the `default` ServiceAccount's token, pods that run as
//! `default`, and the deprecated `serviceAccount` field.

use crate::checks::{Check, is_templated};
use crate::engine::Cx;
use crate::k8s::{Object, PodSpec};
use crate::yaml::Scalar;

const AUTOMOUNT: &str = "automountServiceAccountToken";

/// `default-sa-automount`: the ServiceAccount named `default` must set
/// `automountServiceAccountToken: false`.
pub struct DefaultAccountAutomount;

impl Check for DefaultAccountAutomount {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        if object.kind != "ServiceAccount" || object.api_version != "v1" {
            return;
        }
        let Some(name) = object.metadata().and_then(|m| m.get("name")) else {
            return;
        };
        if name.as_text() != Some("default") {
            return;
        }
        let account = match object.namespace {
            Some(ns) => format!("ServiceAccount \"default\" in namespace \"{ns}\""),
            None => "ServiceAccount \"default\"".to_string(),
        };
        match object.root.get(AUTOMOUNT) {
            Some(value) if is_templated(value) || value.as_bool() == Some(false) => {}
            Some(value) => {
                let shown = match value.scalar() {
                    Some(Scalar::Bool(_)) => value.text().unwrap_or("").to_string(),
                    Some(Scalar::Str(text)) => format!("the string \"{text}\""),
                    _ => "a non-boolean value".to_string(),
                };
                cx.report(
                    value.span(),
                    format!("{account} sets {AUTOMOUNT} to {shown}"),
                )
                .at_path(AUTOMOUNT);
            }
            None => {
                let message = format!("{account} does not set {AUTOMOUNT}: false");
                cx.report(name.span(), message).at_path(AUTOMOUNT);
            }
        }
    }
}

/// The service account a pod runs as, and where the pod says so.
fn account_field<'a>(pod: &PodSpec<'a>) -> Option<(&'static str, crate::yaml::NodeRef<'a>)> {
    ["serviceAccountName", "serviceAccount"]
        .into_iter()
        .find_map(|key| pod.spec.get(key).map(|node| (key, node)))
}

/// True when the pod holds no token of its account: automounting is off and
/// no projected volume asks for one.
fn holds_no_token(pod: &PodSpec<'_>) -> bool {
    let automount_off = pod.spec.get(AUTOMOUNT).and_then(|a| a.as_bool()) == Some(false);
    let projects_token = pod.volumes().any(|volume| {
        volume
            .path("projected.sources")
            .into_iter()
            .flat_map(|s| s.items())
            .any(|source| source.get("serviceAccountToken").is_some())
    });
    automount_off && !projects_token
}

/// `default-service-account`: the pod runs as the namespace's `default`
/// ServiceAccount, by naming it or by naming none.
pub struct DefaultServiceAccount;

impl Check for DefaultServiceAccount {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        if holds_no_token(&pod) {
            return;
        }
        let name = object.display_name();
        match account_field(&pod) {
            Some((_, node)) if is_templated(node) => {}
            Some((key, node)) => {
                if node.as_text() == Some("default") {
                    cx.report(
                        node.span(),
                        format!("{name} runs as the ServiceAccount \"default\""),
                    )
                    .at_path(format!("{}.{key}", pod.path));
                }
            }
            None => {
                cx.report(
                    pod.anchor_span(),
                    format!(
                        "{name} sets no serviceAccountName, so it runs as the ServiceAccount \"default\""
                    ),
                )
                .at_path(format!("{}.serviceAccountName", pod.path));
            }
        }
    }
}

/// `deprecated-service-account-field`: `spec.serviceAccount` is set, or
/// disagrees with `serviceAccountName`.
pub struct DeprecatedAccountField;

impl Check for DeprecatedAccountField {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        let Some((key, old)) = pod
            .spec
            .entry("serviceAccount")
            .filter(|(_, v)| !v.is_null())
        else {
            return;
        };
        if is_templated(old) {
            return;
        }
        let name = object.display_name();
        let path = format!("{}.serviceAccount", pod.path);
        let current = pod.spec.get("serviceAccountName");
        match current {
            Some(current) if !is_templated(current) && current.as_text() != old.as_text() => {
                let message = format!(
                    "{name} sets serviceAccount \"{}\", which differs from serviceAccountName \"{}\"",
                    old.as_text().unwrap_or(""),
                    current.as_text().unwrap_or("")
                );
                cx.report(old.span(), message)
                    .at_path(path)
                    .with_label(current.span(), "the account the pod runs as");
            }
            _ => {
                cx.report(
                    key.span(),
                    format!("{name} sets the deprecated field serviceAccount"),
                )
                .at_path(path);
            }
        }
    }
}
