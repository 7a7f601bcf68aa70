//! Pod-wide hardening: `procMount`, sysctls, user namespaces and sandboxed
//! runtime classes.

use serde::Deserialize;

use super::{matches_any, unrendered};
use crate::checks::Check;
use crate::engine::{Cx, KubeVersion};
use crate::k8s::Object;
use crate::yaml::NodeRef;

/// `proc-mount`: a container whose `procMount` is not `Default`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ProcMountParams {
    /// From Kubernetes 1.35, accept any `procMount` in a pod with its own user
    /// namespace (`hostUsers: false`), as the baseline level does.
    #[serde(default)]
    allow_in_user_namespace: bool,
}

pub struct ProcMount {
    params: ProcMountParams,
}

impl ProcMount {
    pub fn new(params: ProcMountParams) -> Self {
        ProcMount { params }
    }
}

impl Check for ProcMount {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        if self.params.allow_in_user_namespace
            && cx.settings.kube_version.at_least(1, 35)
            && pod.user_namespaced()
        {
            return;
        }
        for container in pod.containers() {
            let Some(node) = container.get("securityContext.procMount") else {
                continue;
            };
            let Some(value) = node.as_text() else {
                continue;
            };
            if value == "Default" || unrendered(value) {
                continue;
            }
            let message = format!("{} sets procMount {value}", container.describe());
            cx.report(node.span(), message)
                .in_container(&container, "securityContext.procMount");
        }
    }
}

/// The sysctls the Pod Security Standards call safe, with the minor version of
/// Kubernetes 1.x from which each is on the list.
const SAFE_SYSCTLS: [(u32, &[&str]); 5] = [
    (
        0,
        &[
            "kernel.shm_rmid_forced",
            "net.ipv4.ip_local_port_range",
            "net.ipv4.tcp_syncookies",
            "net.ipv4.ping_group_range",
            "net.ipv4.ip_unprivileged_port_start",
        ],
    ),
    (27, &["net.ipv4.ip_local_reserved_ports"]),
    (
        29,
        &[
            "net.ipv4.tcp_keepalive_time",
            "net.ipv4.tcp_fin_timeout",
            "net.ipv4.tcp_keepalive_intvl",
            "net.ipv4.tcp_keepalive_probes",
        ],
    ),
    (32, &["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"]),
    (
        37,
        &[
            "net.ipv4.tcp_slow_start_after_idle",
            "net.ipv4.tcp_notsent_lowat",
        ],
    ),
];

/// The minor version from which a sysctl is safe, if it ever is.
fn safe_since(name: &str) -> Option<u32> {
    SAFE_SYSCTLS
        .iter()
        .find(|(_, names)| names.contains(&name))
        .map(|&(minor, _)| minor)
}

/// A sysctl name written with `/` separators, in the dotted form (the kubelet
/// swaps `/` and `.`; admission compares names as written).
fn dotted(name: &str) -> Option<String> {
    name.contains('/').then(|| {
        name.chars()
            .map(|c| match c {
                '/' => '.',
                '.' => '/',
                c => c,
            })
            .collect()
    })
}

/// `safe-sysctls`: a pod sysctl outside the safe set of the target Kubernetes version.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct SysctlParams {
    /// Sysctls accepted besides the safe set (the node allows them with the
    /// kubelet's `--allowed-unsafe-sysctls`); a name ending in `*` matches by prefix.
    #[serde(default)]
    also_allow: Vec<String>,
}

pub struct SafeSysctls {
    params: SysctlParams,
}

impl SafeSysctls {
    pub fn new(params: SysctlParams) -> Self {
        SafeSysctls { params }
    }

    fn problem(&self, name: &str, version: KubeVersion) -> Option<String> {
        if unrendered(name) || matches_any(name, &self.params.also_allow) {
            return None;
        }
        match safe_since(name) {
            Some(minor) if version.at_least(1, minor) => None,
            Some(minor) => Some(format!(
                "sysctl \"{name}\" is safe only from Kubernetes 1.{minor}"
            )),
            None => match dotted(name).filter(|d| safe_since(d).is_some()) {
                Some(dotted) => Some(format!(
                    "sysctl \"{name}\" counts as safe only when written \"{dotted}\""
                )),
                None => Some(format!("sysctl \"{name}\" is not in the safe set")),
            },
        }
    }
}

impl Check for SafeSysctls {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        let Some(sysctls) = pod.security_context().and_then(|s| s.get("sysctls")) else {
            return;
        };
        for item in sysctls.items() {
            let Some(node) = item.get("name") else {
                continue;
            };
            let Some(name) = node.as_text() else {
                continue;
            };
            if let Some(message) = self.problem(name, cx.settings.kube_version) {
                cx.report(node.span(), message)
                    .at_path(format!("{}.securityContext.sysctls[{name}]", pod.path));
            }
        }
    }
}

/// `user-namespaces`: a pod that could run in its own user namespace but
/// shares the host's.
pub struct UserNamespaces;

impl Check for UserNamespaces {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        // Host namespaces rule out a user namespace, and Windows has none.
        let shares_host = ["hostNetwork", "hostPID", "hostIPC"]
            .iter()
            .any(|field| pod.spec.get(field).and_then(|v| v.as_bool()) == Some(true));
        let windows = pod.spec.path("os.name").and_then(|n| n.as_text()) == Some("windows");
        if shares_host || windows || pod.user_namespaced() {
            return;
        }
        let path = format!("{}.hostUsers", pod.path);
        match pod.spec.get("hostUsers") {
            Some(node) => {
                if node.as_text().is_some_and(unrendered) {
                    return;
                }
                let message = format!(
                    "{} shares the host's user namespace (hostUsers: {})",
                    object.display_name(),
                    node.as_text().unwrap_or("?")
                );
                cx.report(node.span(), message).at_path(path);
            }
            None => {
                let message = format!("{} does not set hostUsers: false", object.display_name());
                cx.report(pod.anchor_span(), message).at_path(path);
            }
        }
    }
}

/// `sandboxed-runtime-class`: a workload marked untrusted whose
/// `runtimeClassName` is not a sandboxing runtime.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct SandboxParams {
    /// Runtime classes that sandbox; a name ending in `*` matches by prefix.
    runtime_classes: Vec<String>,
    /// The label that marks a workload as needing a sandbox, on the object or
    /// its pod template; empty: every workload needs one.
    label: String,
    /// Values of that label that mark it; empty: any value.
    #[serde(default)]
    label_values: Vec<String>,
}

pub struct SandboxedRuntimeClass {
    params: SandboxParams,
}

impl SandboxedRuntimeClass {
    pub fn new(params: SandboxParams) -> Self {
        SandboxedRuntimeClass { params }
    }

    /// The label value that marks a metadata mapping untrusted.
    fn marker<'a>(&self, metadata: Option<NodeRef<'a>>) -> Option<NodeRef<'a>> {
        let value = metadata?.get("labels")?.get(&self.params.label)?;
        let text = value.as_text()?;
        let values = &self.params.label_values;
        (values.is_empty() || values.iter().any(|v| v == text)).then_some(value)
    }
}

impl Check for SandboxedRuntimeClass {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        let p = &self.params;
        let marker = self
            .marker(pod.metadata)
            .or_else(|| self.marker(object.metadata()));
        if !p.label.is_empty() && marker.is_none() {
            return;
        }
        let path = format!("{}.runtimeClassName", pod.path);
        let finding = match pod.spec.get("runtimeClassName") {
            Some(node) => {
                let Some(class) = node.as_text() else {
                    return;
                };
                if unrendered(class) || matches_any(class, &p.runtime_classes) {
                    return;
                }
                let message = format!(
                    "{} uses runtime class \"{class}\", which is not sandboxed",
                    object.display_name()
                );
                cx.report(node.span(), message)
            }
            None => {
                let message = format!(
                    "{} runs without a sandboxed runtime class",
                    object.display_name()
                );
                cx.report(pod.anchor_span(), message)
            }
        };
        finding.at_path(path);
        if let Some(marker) = marker {
            finding.with_label(marker.span(), "marked for a sandbox here");
        }
    }
}
