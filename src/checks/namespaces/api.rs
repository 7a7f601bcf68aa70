//! APIs that Kubernetes removed: deprecated apiVersions, and
//! PodSecurityPolicy objects with their legacy fields.

use serde::Deserialize;

use crate::checks::{Check, is_templated, nearest_span};
use crate::engine::{Cx, Severity};
use crate::k8s::{Object, deprecated_api};
use crate::source::Span;
use crate::yaml::NodeRef;

/// `deprecated-api-version`: apiVersions that the target Kubernetes version
/// deprecates or no longer serves.
pub struct DeprecatedApiVersion;

impl Check for DeprecatedApiVersion {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(api) = deprecated_api(object.api_version, object.kind) else {
            return;
        };
        let Some(node) = object.root.get("apiVersion") else {
            return;
        };
        let version = cx.settings.kube_version;
        let subject = format!("{} {}", api.api_version, api.kind);
        if version.at_least(1, api.removed) {
            cx.report(
                node.span(),
                format!(
                    "{subject} was removed in Kubernetes 1.{}; use {}",
                    api.removed, api.replacement
                ),
            )
            .at_path("apiVersion");
        } else if version.at_least(1, api.deprecated) {
            cx.report_with(
                Severity::Low,
                node.span(),
                format!(
                    "{subject} is deprecated since Kubernetes 1.{} and removed in 1.{}; use {}",
                    api.deprecated, api.removed, api.replacement
                ),
            )
            .at_path("apiVersion");
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct LegacyPspParams {
    /// Also judge what the policy admits, on Kubernetes versions that still
    /// enforce PodSecurityPolicies.
    check_fields: bool,
}

/// `legacy-psp`: PodSecurityPolicy objects, and what they admit.
pub struct LegacyPodSecurityPolicy {
    params: LegacyPspParams,
}

/// The Kubernetes minor version that removed PodSecurityPolicy.
const PSP_REMOVED: u32 = 25;

/// The annotation holding a PodSecurityPolicy's default seccomp profile.
const PSP_SECCOMP_DEFAULT: &str = "seccomp.security.alpha.kubernetes.io/defaultProfileName";

impl LegacyPodSecurityPolicy {
    pub fn new(params: LegacyPspParams) -> Self {
        LegacyPodSecurityPolicy { params }
    }
}

impl Check for LegacyPodSecurityPolicy {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let known = matches!(object.api_version, "policy/v1beta1" | "extensions/v1beta1");
        if object.kind != "PodSecurityPolicy" || !known {
            return;
        }
        let display = object.display_name();
        let kind_span = object
            .root
            .get("kind")
            .map_or_else(|| object.root.head_span(), |k| k.span());
        if cx.settings.kube_version.at_least(1, PSP_REMOVED) {
            cx.report(
                kind_span,
                format!("{display} is not enforced: Kubernetes 1.{PSP_REMOVED} removed PodSecurityPolicy; use Pod Security admission"),
            )
            .at_path("kind");
            return;
        }
        cx.report(
            kind_span,
            format!("{display} uses PodSecurityPolicy, which Kubernetes 1.{PSP_REMOVED} removes; move to Pod Security admission"),
        )
        .at_path("kind");
        if !self.params.check_fields {
            return;
        }
        let Some(spec) = object.root.get("spec").filter(|s| s.is_map()) else {
            return;
        };
        for (field, what) in [
            ("privileged", "privileged containers"),
            ("hostPID", "pods sharing the host's PID namespace"),
            ("hostIPC", "pods sharing the host's IPC namespace"),
            ("hostNetwork", "pods sharing the host's network namespace"),
        ] {
            if let Some(node) = spec.get(field).filter(|n| n.as_bool() == Some(true)) {
                cx.report(node.span(), format!("{display} admits {what}"))
                    .at_path(format!("spec.{field}"));
            }
        }
        let spec_span = nearest_span(object.root, "spec").unwrap_or(kind_span);
        match spec.get("allowPrivilegeEscalation") {
            Some(node) if is_templated(node) || node.as_bool() == Some(false) => {}
            Some(node) => {
                cx.report(
                    node.span(),
                    format!("{display} admits privilege escalation"),
                )
                .at_path("spec.allowPrivilegeEscalation");
            }
            None => {
                cx.report(
                    spec_span,
                    format!("{display} admits privilege escalation: allowPrivilegeEscalation is not set to false"),
                )
                .at_path("spec.allowPrivilegeEscalation");
            }
        }
        run_as_user(cx, &display, spec, spec_span);
        if let Some((key, list)) = spec.entry("allowedCapabilities")
            && !list.is_empty()
            && !is_templated(list)
        {
            let names: Vec<&str> = list.items().filter_map(|c| c.as_text()).collect();
            cx.report(
                key.span(),
                format!(
                    "{display} lets containers add capabilities ({})",
                    names.join(", ")
                ),
            )
            .at_path("spec.allowedCapabilities");
        }
        let dropped: Vec<&str> = spec
            .get("requiredDropCapabilities")
            .into_iter()
            .flat_map(|d| d.items())
            .filter_map(|c| c.as_text())
            .collect();
        if !dropped.iter().any(|c| c.eq_ignore_ascii_case("ALL")) {
            let span = spec
                .key_span("requiredDropCapabilities")
                .unwrap_or(spec_span);
            let net_raw = if dropped.iter().any(|c| c.eq_ignore_ascii_case("NET_RAW")) {
                ""
            } else {
                ", not even NET_RAW"
            };
            cx.report(
                span,
                format!("{display} does not require dropping ALL capabilities{net_raw}"),
            )
            .at_path("spec.requiredDropCapabilities");
        }
        seccomp(cx, &display, object, kind_span);
    }
}

/// `runAsUser` must keep containers off UID 0.
fn run_as_user(cx: &mut Cx<'_>, display: &str, spec: NodeRef<'_>, spec_span: Span) {
    let rule = spec.path("runAsUser.rule");
    if rule.is_some_and(is_templated) {
        return;
    }
    let text = rule.and_then(|r| r.as_text());
    let rule_span = rule
        .map(|r| r.span())
        .or_else(|| nearest_span(spec, "runAsUser.rule"))
        .unwrap_or(spec_span);
    let (span, message, path) = match text {
        Some("MustRunAsNonRoot") => return,
        Some("MustRunAs") => {
            let ranges: Vec<NodeRef<'_>> = spec
                .path("runAsUser.ranges")
                .into_iter()
                .flat_map(|r| r.items())
                .collect();
            let from_root = ranges.iter().enumerate().find_map(|(i, range)| {
                let min = range.get("min");
                let admits_root = min.is_none_or(|m| m.as_i64().is_some_and(|m| m <= 0));
                admits_root.then(|| (i, min.map_or_else(|| range.span(), |m| m.span())))
            });
            match (ranges.is_empty(), from_root) {
                (true, _) => (
                    rule_span,
                    format!(
                        "{display} admits containers running as root: rule MustRunAs lists no ranges"
                    ),
                    "spec.runAsUser.ranges".to_string(),
                ),
                (false, Some((i, span))) => (
                    span,
                    format!(
                        "{display} admits containers running as root: a runAsUser range starts at 0"
                    ),
                    format!("spec.runAsUser.ranges[{i}].min"),
                ),
                (false, None) => return,
            }
        }
        Some(rule) => (
            rule_span,
            format!("{display} admits containers running as root (runAsUser rule {rule})"),
            "spec.runAsUser.rule".to_string(),
        ),
        None => (
            rule_span,
            format!("{display} admits containers running as root: runAsUser sets no rule"),
            "spec.runAsUser.rule".to_string(),
        ),
    };
    cx.report(span, message).at_path(path);
}

/// The default seccomp profile must be the runtime's.
fn seccomp(cx: &mut Cx<'_>, display: &str, object: &Object<'_>, kind_span: Span) {
    let path = format!("metadata.annotations.{PSP_SECCOMP_DEFAULT}");
    match object.annotation(PSP_SECCOMP_DEFAULT) {
        Some(node) if is_templated(node) => {}
        Some(node) => {
            let value = node.as_text().unwrap_or("");
            if !matches!(value, "runtime/default" | "docker/default") {
                cx.report(
                    node.span(),
                    format!("{display} gives pods the seccomp profile {value}, not the runtime's default"),
                )
                .at_path(path);
            }
        }
        None => {
            let span = nearest_span(object.root, "metadata.annotations").unwrap_or(kind_span);
            cx.report(span, format!("{display} sets no default seccomp profile"))
                .at_path(path);
        }
    }
}
