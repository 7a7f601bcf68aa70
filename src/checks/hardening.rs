//! Linux hardening of pods and containers: seccomp, AppArmor and SELinux
//! profiles, `procMount`, sysctls, Windows host processes, user namespaces,
//! sandboxed runtimes and the programs a container's command runs.

mod pod;
mod sudo;
#[cfg(test)]
mod tests;

pub use pod::{ProcMount, SafeSysctls, SandboxedRuntimeClass, UserNamespaces};
pub use sudo::SudoInCommand;

use serde::Deserialize;

use super::{Check, fill, nearest_span, unrendered};
use crate::engine::Cx;
use crate::k8s::{Container, Object, PodSpec};
use crate::source::Span;
use crate::yaml::{NodeRef, node_to_json};

/// `value` is one of `patterns`, where a pattern ending in `*` matches by prefix.
fn matches_any(value: &str, patterns: &[String]) -> bool {
    patterns.iter().any(|p| match p.strip_suffix('*') {
        Some(prefix) => value.starts_with(prefix),
        None => value == p,
    })
}

/// Who set a security-context field: the pod, or one of its containers.
#[derive(Clone, Copy)]
enum Setter<'a> {
    Pod,
    Container(Container<'a>),
}

impl Setter<'_> {
    /// `container "app"`, or the object's name for the pod level.
    fn subject(&self, object: &Object) -> String {
        match self {
            Setter::Pod => object.display_name(),
            Setter::Container(container) => container.describe(),
        }
    }
}

/// A `securityContext` field wherever the pod and each container set it. Every
/// level counts on its own: admission judges each one, and a pod-level value
/// reaches any container added later even when today's containers override it.
fn set_at_each_level<'a>(pod: &PodSpec<'a>, field: &str) -> Vec<(Setter<'a>, NodeRef<'a>)> {
    let pod_level = pod
        .security_context()
        .and_then(|s| s.path(field))
        .map(|node| (Setter::Pod, node));
    let container_level = pod.containers().filter_map(|container| {
        let node = container.security_context()?.path(field)?;
        Some((Setter::Container(container), node))
    });
    pod_level.into_iter().chain(container_level).collect()
}

/// Reports a finding on a security-context field set by `setter`.
fn report_setting(
    cx: &mut Cx<'_>,
    pod: &PodSpec,
    setter: Setter,
    span: Span,
    field: &str,
    message: String,
) {
    let finding = cx.report(span, message);
    match setter {
        Setter::Pod => {
            finding.at_path(format!("{}.securityContext.{field}", pod.path));
        }
        Setter::Container(container) => {
            finding.in_container(&container, &format!("securityContext.{field}"));
        }
    }
}

/// The field path of a pod-template annotation, for fingerprints.
fn annotation_path(pod: &PodSpec, key: &str) -> String {
    let metadata = pod.path.strip_suffix("spec").unwrap_or("");
    format!("{metadata}metadata.annotations[{key}]")
}

/// `security-context-field`: a `securityContext` field equal to a value, at
/// the pod level or in any container.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct FieldParams {
    /// Dotted path below `securityContext`.
    path: String,
    /// Fires when the field equals this value (resolved as YAML 1.1).
    equals: serde_json::Value,
    /// `{subject}` (`container "app"`, or the object for the pod level) and `{value}` are filled in.
    message: String,
}

pub struct SecurityContextField {
    params: FieldParams,
}

impl SecurityContextField {
    pub fn new(params: FieldParams) -> Self {
        SecurityContextField { params }
    }
}

impl Check for SecurityContextField {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        let p = &self.params;
        for (setter, node) in set_at_each_level(&pod, &p.path) {
            if node_to_json(node) != p.equals {
                continue;
            }
            let value = node.as_text().unwrap_or("");
            let subject = setter.subject(object);
            let message = fill(&p.message, &[("subject", &subject), ("value", value)]);
            report_setting(cx, &pod, setter, node.span(), &p.path, message);
        }
    }
}

/// `unconfined-profile`: a seccomp or AppArmor profile switched off, by the
/// `securityContext` field at any level or by a legacy annotation.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct UnconfinedParams {
    /// The profile field below `securityContext` (`seccompProfile`).
    field: String,
    /// How messages name the mechanism (`seccomp`).
    name: String,
    /// The legacy annotation that sets the profile of the whole pod.
    #[serde(default)]
    pod_annotation: Option<String>,
    /// The legacy per-container annotation, followed by the container's name.
    container_annotation_prefix: String,
    /// Legacy annotation values that keep the container confined; a value
    /// ending in `*` matches by prefix.
    annotation_allows: Vec<String>,
}

pub struct UnconfinedProfile {
    params: UnconfinedParams,
}

impl UnconfinedProfile {
    pub fn new(params: UnconfinedParams) -> Self {
        UnconfinedProfile { params }
    }

    /// The value of a legacy annotation when it does not confine.
    fn unconfined<'a>(&self, node: NodeRef<'a>) -> Option<&'a str> {
        let value = node.as_text()?;
        let allowed = matches_any(value, &self.params.annotation_allows) || unrendered(value);
        (!allowed).then_some(value)
    }
}

impl Check for UnconfinedProfile {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        let p = &self.params;
        let type_field = format!("{}.type", p.field);
        for (setter, node) in set_at_each_level(&pod, &type_field) {
            if node.as_text() != Some("Unconfined") {
                continue;
            }
            let message = match setter {
                Setter::Pod => format!(
                    "{} sets the pod's {} profile to Unconfined",
                    object.display_name(),
                    p.name
                ),
                Setter::Container(c) => {
                    format!("{} sets its {} profile to Unconfined", c.describe(), p.name)
                }
            };
            report_setting(cx, &pod, setter, node.span(), &type_field, message);
        }
        if let Some(key) = &p.pod_annotation
            && let Some(node) = pod.annotation(key)
            && let Some(value) = self.unconfined(node)
        {
            let message = format!(
                "legacy annotation gives the pod of {} the {} profile \"{value}\"",
                object.display_name(),
                p.name
            );
            cx.report(node.span(), message)
                .at_path(annotation_path(&pod, key));
        }
        for container in pod.containers() {
            let key = format!("{}{}", p.container_annotation_prefix, container.name());
            let Some(node) = pod.annotation(&key) else {
                continue;
            };
            let Some(value) = self.unconfined(node) else {
                continue;
            };
            let message = format!(
                "legacy annotation gives {} the {} profile \"{value}\"",
                container.describe(),
                p.name
            );
            cx.report(node.span(), message)
                .in_container(&container, "")
                .at_path(annotation_path(&pod, &key));
        }
    }
}

/// SELinux types the Pod Security Standards allow, and the minor version of
/// Kubernetes 1.x from which each is allowed.
const SELINUX_TYPES: [(&str, u32); 5] = [
    ("", 0),
    ("container_t", 0),
    ("container_init_t", 0),
    ("container_kvm_t", 0),
    ("container_engine_t", 31),
];

/// `selinux-options`: an SELinux type outside the allowed set, or a user or
/// role set, at the pod level or in any container.
pub struct SelinuxOptions;

impl Check for SelinuxOptions {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        let version = cx.settings.kube_version;
        for (setter, options) in set_at_each_level(&pod, "seLinuxOptions") {
            let subject = setter.subject(object);
            if let Some(node) = options.get("type")
                && let Some(value) = node.as_text()
                && !unrendered(value)
            {
                let since = SELINUX_TYPES
                    .iter()
                    .find(|(name, _)| *name == value)
                    .map(|&(_, minor)| minor);
                let message = match since {
                    Some(minor) if version.at_least(1, minor) => None,
                    Some(minor) => Some(format!(
                        "{subject} uses SELinux type \"{value}\", allowed from Kubernetes 1.{minor}"
                    )),
                    None => Some(format!("{subject} uses SELinux type \"{value}\"")),
                };
                if let Some(message) = message {
                    report_setting(
                        cx,
                        &pod,
                        setter,
                        node.span(),
                        "seLinuxOptions.type",
                        message,
                    );
                }
            }
            for field in ["user", "role"] {
                let Some(node) = options.get(field) else {
                    continue;
                };
                let Some(value) = node.as_text() else {
                    continue;
                };
                if value.is_empty() || unrendered(value) {
                    continue;
                }
                let message = format!("{subject} sets SELinux {field} \"{value}\"");
                let path = format!("seLinuxOptions.{field}");
                report_setting(cx, &pod, setter, node.span(), &path, message);
            }
        }
    }
}

const SECCOMP_POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
const SECCOMP_CONTAINER_ANNOTATION: &str = "container.seccomp.security.alpha.kubernetes.io/";
const APPARMOR_CONTAINER_ANNOTATION: &str = "container.apparmor.security.beta.kubernetes.io/";

/// `linux-hardening`: a container with no seccomp, AppArmor or SELinux
/// profile and no dropped capability.
pub struct LinuxHardening;

/// A profile `type` that confines (or cannot be judged yet).
fn confining_type(node: NodeRef) -> bool {
    node.as_text()
        .is_some_and(|t| matches!(t, "RuntimeDefault" | "Localhost") || unrendered(t))
}

/// A legacy annotation value that confines.
fn confining_annotation(node: Option<NodeRef>) -> bool {
    node.and_then(|n| n.as_text()).is_some_and(|v| {
        matches!(v, "runtime/default" | "docker/default")
            || v.starts_with("localhost/")
            || unrendered(v)
    })
}

impl LinuxHardening {
    fn hardened(pod: &PodSpec, container: &Container) -> bool {
        let name = container.name();
        let seccomp = match pod.effective(container, "seccompProfile.type") {
            Some(found) => confining_type(found.node),
            None => confining_annotation(
                pod.annotation(&format!("{SECCOMP_CONTAINER_ANNOTATION}{name}"))
                    .or_else(|| pod.annotation(SECCOMP_POD_ANNOTATION)),
            ),
        };
        let apparmor = match pod.effective(container, "appArmorProfile.type") {
            Some(found) => confining_type(found.node),
            None => confining_annotation(
                pod.annotation(&format!("{APPARMOR_CONTAINER_ANNOTATION}{name}")),
            ),
        };
        let selinux = pod
            .effective(container, "seLinuxOptions")
            .is_some_and(|found| {
                found.node.is_scalar()
                    || found
                        .node
                        .entries()
                        .any(|(_, v)| v.as_text().is_some_and(|t| !t.is_empty()))
            });
        let drops = container
            .get("securityContext.capabilities.drop")
            .is_some_and(|d| !d.is_empty() || d.as_text().is_some_and(unrendered));
        seccomp || apparmor || selinux || drops
    }
}

impl Check for LinuxHardening {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        if pod.spec.path("os.name").and_then(|n| n.as_text()) == Some("windows") {
            return;
        }
        for container in pod.containers() {
            if Self::hardened(&pod, &container) {
                continue;
            }
            let span = nearest_span(container.node, "securityContext")
                .unwrap_or_else(|| container.anchor_span());
            let message = format!(
                "{} has no seccomp, AppArmor or SELinux profile and drops no capability",
                container.describe()
            );
            cx.report(span, message)
                .in_container(&container, "securityContext");
        }
    }
}

/// `security-context-present`: a pod or container without a `securityContext`
/// (or with an empty one).
pub struct SecurityContextPresent;

/// What is wrong with the `securityContext` of `node` and where: absent (at
/// `fallback`) or empty (at its key); `None` when it sets something.
fn unset_security_context(node: NodeRef, fallback: Span) -> Option<(Span, &'static str)> {
    match node.entry("securityContext") {
        None => Some((fallback, "sets no")),
        Some((key, value)) => {
            let sets_something =
                value.is_map() && !value.is_empty() || value.as_text().is_some_and(unrendered);
            (!sets_something).then(|| (key.span(), "has an empty"))
        }
    }
}

impl Check for SecurityContextPresent {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        if let Some((span, what)) = unset_security_context(pod.spec, pod.anchor_span()) {
            let message = format!("{} {what} pod securityContext", object.display_name());
            cx.report(span, message)
                .at_path(format!("{}.securityContext", pod.path));
        }
        for container in pod.containers() {
            let fallback = container.anchor_span();
            if let Some((span, what)) = unset_security_context(container.node, fallback) {
                let message = format!("{} {what} securityContext", container.describe());
                cx.report(span, message)
                    .in_container(&container, "securityContext");
            }
        }
    }
}
