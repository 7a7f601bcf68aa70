//! `automount-token`: the pod, or else its ServiceAccount, must turn off
//! automounting of the service account token.

use super::{Check, is_templated};
use crate::engine::{Cx, ServiceAccountRef, Unless};
use crate::k8s::Object;

const FIELD: &str = "automountServiceAccountToken";

pub struct AutomountToken;

impl Check for AutomountToken {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        let path = format!("{}.{FIELD}", pod.path);
        let name = object.display_name();
        let entry = pod.spec.entry(FIELD);
        if let Some((_, value)) = entry.filter(|(_, v)| !v.is_null()) {
            // A pod-level value wins over the ServiceAccount's.
            if is_templated(value) || value.as_bool() == Some(false) {
                return;
            }
            let shown = value.as_text().unwrap_or("a non-boolean value");
            cx.report(value.span(), format!("{name} sets {FIELD} to {shown}"))
                .at_path(path);
            return;
        }
        let account = ["serviceAccountName", "serviceAccount"]
            .iter()
            .find_map(|key| pod.spec.get(key).and_then(|a| a.as_text()))
            .unwrap_or("default");
        if super::unrendered(account) {
            return;
        }
        let span = entry.map_or(pod.anchor_span(), |(key, _)| key.span());
        cx.report(
            span,
            format!("{name} mounts the API token of ServiceAccount \"{account}\""),
        )
        .at_path(path)
        .unless(Unless::AutomountOffFor(ServiceAccountRef {
            namespace: object.namespace.map(str::to_string),
            name: account.to_string(),
        }));
    }
}
