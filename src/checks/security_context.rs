//! Security-context templates: privilege escalation, the user and groups a
//! container runs as, a read-only root filesystem and the seccomp profile.
//! Container settings override pod settings where a field exists at both
//! levels.

use serde::Deserialize;

use super::capabilities::added;
use super::{Check, nearest_span};
use crate::engine::{Cx, Severity};
use crate::k8s::{Container, Effective, Level, Object, PodSpec, SeccompKind};
use crate::source::Span;
use crate::yaml::NodeRef;

pub(super) use super::is_templated as unrendered;

/// Where to point when a container field is missing: its nearest existing
/// ancestor key, else the container's `name:` entry.
pub(super) fn missing_span(container: &Container<'_>, path: &str) -> Span {
    nearest_span(container.node, path).unwrap_or_else(|| container.anchor_span())
}

/// Templates without parameters still reject unknown ones.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

/// `privilege-escalation`: `allowPrivilegeEscalation` must be false. An
/// explicit `true`, `privileged: true` or an added SYS_ADMIN is reported at the
/// rule's severity; a missing setting at medium.
pub struct PrivilegeEscalation;

impl PrivilegeEscalation {
    pub fn new(_: NoParams) -> Result<Self, String> {
        Ok(PrivilegeEscalation)
    }
}

const ESCALATION: &str = "securityContext.allowPrivilegeEscalation";

impl Check for PrivilegeEscalation {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        if pod.is_windows() {
            return;
        }
        for container in pod.containers() {
            let describe = container.describe();
            let setting = container.get(ESCALATION);
            if let Some(node) = setting {
                if unrendered(node) || node.as_bool() == Some(false) {
                    continue;
                }
                if node.as_bool() == Some(true) {
                    let message = format!("{describe} allows privilege escalation");
                    cx.report(node.span(), message)
                        .in_container(&container, ESCALATION);
                    continue;
                }
            }
            let privileged = container
                .get("securityContext.privileged")
                .filter(|p| p.as_bool() == Some(true));
            if let Some(node) = privileged {
                let message =
                    format!("{describe} runs privileged, which allows privilege escalation");
                cx.report(node.span(), message)
                    .in_container(&container, "securityContext.privileged");
                continue;
            }
            let sys_admin =
                added(&container).find(|(_, name)| name == "SYS_ADMIN" || name == "ALL");
            if let Some((item, name)) = sys_admin {
                let message =
                    format!("{describe} adds capability {name}, which allows privilege escalation");
                cx.report(item.span(), message)
                    .in_container(&container, "securityContext.capabilities.add");
                continue;
            }
            let span = setting.map_or_else(|| missing_span(&container, ESCALATION), |s| s.span());
            let message = format!("{describe} does not set allowPrivilegeEscalation to false");
            cx.report_with(Severity::Medium, span, message)
                .in_container(&container, ESCALATION);
        }
    }
}

/// The effective value of a security-context field for a container, unless
/// it is an unrendered template.
fn known<'a>(pod: &PodSpec<'a>, container: &Container<'a>, field: &str) -> Known<'a> {
    match pod.effective(container, field) {
        None => Known::Unset,
        Some(e) if unrendered(e.node) => Known::Unrendered,
        Some(e) => Known::Set(e),
    }
}

enum Known<'a> {
    Unset,
    Unrendered,
    Set(Effective<'a>),
}

impl<'a> Known<'a> {
    fn set(&self) -> Option<Effective<'a>> {
        match self {
            Known::Set(e) => Some(*e),
            _ => None,
        }
    }

    fn int(&self) -> Option<i64> {
        self.set().and_then(|e| e.node.as_i64())
    }

    fn bool(&self) -> Option<bool> {
        self.set().and_then(|e| e.node.as_bool())
    }
}

/// `run-as-non-root`: each container must have an effective
/// `runAsNonRoot: true` or an effective `runAsUser` above 0. Pods in their own
/// user namespace (`hostUsers: false`) are exempt.
pub struct RunAsNonRoot;

impl RunAsNonRoot {
    pub fn new(_: NoParams) -> Result<Self, String> {
        Ok(RunAsNonRoot)
    }
}

impl Check for RunAsNonRoot {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        if pod.user_namespaced() {
            return;
        }
        for container in pod.containers() {
            let describe = container.describe();
            let non_root = known(&pod, &container, "runAsNonRoot");
            let user = known(&pod, &container, "runAsUser");
            if matches!(non_root, Known::Unrendered) || matches!(user, Known::Unrendered) {
                continue;
            }
            if non_root.bool() == Some(true) || user.int().is_some_and(|uid| uid > 0) {
                continue;
            }
            if let Some(e) = non_root.set().filter(|e| e.node.as_bool() == Some(false)) {
                let message = match e.level {
                    Level::Container => format!("{describe} sets runAsNonRoot to false"),
                    Level::Pod => format!("{describe} inherits runAsNonRoot: false from the pod"),
                };
                cx.report(e.node.span(), message)
                    .in_container(&container, "securityContext.runAsNonRoot");
            } else if let Some(e) = user.set().filter(|e| e.node.as_i64() == Some(0)) {
                let message = match e.level {
                    Level::Container => format!("{describe} runs as UID 0 without runAsNonRoot"),
                    Level::Pod => format!("{describe} inherits runAsUser 0 from the pod"),
                };
                cx.report(e.node.span(), message)
                    .in_container(&container, "securityContext.runAsUser");
            } else {
                let span = missing_span(&container, "securityContext.runAsNonRoot");
                let message =
                    format!("{describe} sets neither runAsNonRoot: true nor a runAsUser above 0");
                cx.report(span, message)
                    .in_container(&container, "securityContext.runAsNonRoot");
            }
        }
    }
}

/// `root-user`: an explicit `runAsUser: 0`, at pod or container level.
pub struct RootUser;

impl RootUser {
    pub fn new(_: NoParams) -> Result<Self, String> {
        Ok(RootUser)
    }
}

fn is_zero(node: &NodeRef<'_>) -> bool {
    node.as_i64() == Some(0)
}

impl Check for RootUser {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        let pod_context = pod.security_context();
        let pod_non_root = pod_context
            .and_then(|s| s.get("runAsNonRoot"))
            .filter(|n| n.as_bool() == Some(true));
        if let Some(uid) = pod_context.and_then(|s| s.get("runAsUser")).filter(is_zero) {
            let path = format!("{}.securityContext.runAsUser", pod.path);
            match pod_non_root {
                Some(non_root) => {
                    let message = format!(
                        "{} sets runAsUser to 0 for the pod despite runAsNonRoot: true",
                        object.display_name()
                    );
                    cx.report(uid.span(), message)
                        .with_label(non_root.span(), "runAsNonRoot is true here")
                        .at_path(path);
                }
                None => {
                    let message =
                        format!("{} sets runAsUser to 0 for the pod", object.display_name());
                    cx.report(uid.span(), message).at_path(path);
                }
            }
        }
        for container in pod.containers() {
            let Some(uid) = container.get("securityContext.runAsUser").filter(is_zero) else {
                continue;
            };
            let describe = container.describe();
            let non_root = pod
                .effective(&container, "runAsNonRoot")
                .filter(|e| e.node.as_bool() == Some(true));
            let finding = match non_root {
                Some(e) => cx
                    .report(
                        uid.span(),
                        format!("{describe} runs as UID 0 despite runAsNonRoot: true"),
                    )
                    .with_label(e.node.span(), "runAsNonRoot is true here"),
                None => cx.report(uid.span(), format!("{describe} runs as UID 0")),
            };
            finding.in_container(&container, "securityContext.runAsUser");
        }
    }
}

/// `root-group`: an effective `runAsGroup: 0`, `fsGroup: 0`, or group 0 in
/// `supplementalGroups`.
pub struct RootGroup;

impl RootGroup {
    pub fn new(_: NoParams) -> Result<Self, String> {
        Ok(RootGroup)
    }
}

impl Check for RootGroup {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        let name = object.display_name();
        let pod_context = pod.security_context();
        if let Some(group) = pod_context.and_then(|s| s.get("fsGroup")).filter(is_zero) {
            cx.report(group.span(), format!("{name} sets fsGroup to 0"))
                .at_path(format!("{}.securityContext.fsGroup", pod.path));
        }
        let supplemental = pod_context
            .and_then(|s| s.get("supplementalGroups"))
            .into_iter()
            .flat_map(|groups| groups.items());
        for group in supplemental.filter(is_zero) {
            cx.report(group.span(), format!("{name} adds supplemental group 0"))
                .at_path(format!("{}.securityContext.supplementalGroups", pod.path));
        }
        for container in pod.containers() {
            let Some(group) = pod
                .effective(&container, "runAsGroup")
                .filter(|e| is_zero(&e.node))
            else {
                continue;
            };
            let describe = container.describe();
            let message = match group.level {
                Level::Container => format!("{describe} runs with GID 0"),
                Level::Pod => format!("{describe} inherits runAsGroup 0 from the pod"),
            };
            cx.report(group.node.span(), message)
                .in_container(&container, "securityContext.runAsGroup");
        }
    }
}

fn default_minimum() -> i64 {
    10000
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct HighIdParams {
    /// The lowest UID and GID a container may run as.
    #[serde(default = "default_minimum")]
    pub minimum: i64,
}

/// `high-uid-gid`: the effective `runAsUser` and `runAsGroup` must be set and
/// at least `minimum`. Windows pods and pods in their own user namespace are
/// exempt.
pub struct HighUidGid {
    minimum: i64,
}

impl HighUidGid {
    pub fn new(params: HighIdParams) -> Result<Self, String> {
        Ok(HighUidGid {
            minimum: params.minimum,
        })
    }
}

impl Check for HighUidGid {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        if pod.user_namespaced() || pod.is_windows() {
            return;
        }
        let minimum = self.minimum;
        for container in pod.containers() {
            let describe = container.describe();
            for (field, id) in [("runAsUser", "UID"), ("runAsGroup", "GID")] {
                let path = format!("securityContext.{field}");
                match known(&pod, &container, field) {
                    Known::Unrendered => {}
                    Known::Set(e) => {
                        let Some(value) = e.node.as_i64().filter(|&v| v < minimum) else {
                            continue;
                        };
                        let message = format!("{describe} runs as {id} {value}, below {minimum}");
                        cx.report(e.node.span(), message)
                            .in_container(&container, &path);
                    }
                    Known::Unset => {
                        let message =
                            format!("{describe} does not set {field} to {minimum} or above");
                        cx.report(missing_span(&container, &path), message)
                            .in_container(&container, &path);
                    }
                }
            }
        }
    }
}

const READ_ONLY: &str = "securityContext.readOnlyRootFilesystem";

/// `read-only-root-filesystem`: `readOnlyRootFilesystem` must be true.
/// Windows pods are exempt.
pub struct ReadOnlyRootFilesystem;

impl ReadOnlyRootFilesystem {
    pub fn new(_: NoParams) -> Result<Self, String> {
        Ok(ReadOnlyRootFilesystem)
    }
}

impl Check for ReadOnlyRootFilesystem {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        if pod.is_windows() {
            return;
        }
        for container in pod.containers() {
            let describe = container.describe();
            let setting = container.get(READ_ONLY);
            if setting.is_some_and(|s| unrendered(s) || s.as_bool() == Some(true)) {
                continue;
            }
            let (span, message) = match setting {
                Some(node) => (
                    node.span(),
                    format!("{describe} has a writable root filesystem"),
                ),
                None => (
                    missing_span(&container, READ_ONLY),
                    format!("{describe} does not set readOnlyRootFilesystem to true"),
                ),
            };
            cx.report(span, message).in_container(&container, READ_ONLY);
        }
    }
}

const SECCOMP_TYPE: &str = "securityContext.seccompProfile.type";

/// `seccomp-profile`: every container must run with a RuntimeDefault or
/// Localhost profile, from its own settings or the pod's (legacy annotations
/// count). When nothing sets a profile anywhere, one finding for the pod.
/// Windows pods are exempt.
pub struct SeccompProfileRequired;

impl SeccompProfileRequired {
    pub fn new(_: NoParams) -> Result<Self, String> {
        Ok(SeccompProfileRequired)
    }
}

impl Check for SeccompProfileRequired {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        if pod.is_windows() {
            return;
        }
        let profiles: Vec<_> = pod
            .containers()
            .map(|c| (c, pod.seccomp_profile(&c)))
            .collect();
        let uncovered: Vec<_> = profiles
            .iter()
            .filter(|(_, p)| !p.is_some_and(|p| p.confines() || unrendered(p.node)))
            .collect();
        if uncovered.is_empty() {
            return;
        }
        if profiles.iter().all(|(_, p)| p.is_none()) {
            let span = nearest_span(pod.spec, SECCOMP_TYPE).unwrap_or_else(|| pod.anchor_span());
            let message = format!("{} sets no seccomp profile", object.display_name());
            cx.report(span, message)
                .at_path(format!("{}.{SECCOMP_TYPE}", pod.path));
            return;
        }
        for (container, profile) in uncovered {
            let describe = container.describe();
            let (span, message) = match profile {
                Some(p) => (
                    p.node.span(),
                    match (p.kind, p.node.as_text()) {
                        (SeccompKind::Unconfined, _) => {
                            format!("{describe} runs with seccomp Unconfined")
                        }
                        (_, Some(value)) => {
                            format!("{describe} has an unknown seccomp profile \"{value}\"")
                        }
                        (_, None) => format!("{describe} has an unknown seccomp profile"),
                    },
                ),
                None => (
                    missing_span(container, SECCOMP_TYPE),
                    format!("{describe} has no seccomp profile"),
                ),
            };
            cx.report(span, message)
                .in_container(container, SECCOMP_TYPE);
        }
    }
}

/// Runs a check over every object of a YAML text; the findings' messages
/// and severities, in the order reported.
#[cfg(test)]
pub(super) fn run_check(check: &dyn Check, yaml: &str) -> Vec<(String, Severity)> {
    super::run_on_text(check, yaml, crate::engine::KubeVersion::LATEST)
        .into_iter()
        .map(|f| (f.message, f.severity))
        .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::checks::capabilities;
    use crate::yaml::{Limits, parse_stream};

    #[test]
    fn minimum_id_is_a_parameter() {
        let check = HighUidGid::new(HighIdParams { minimum: 1000 }).unwrap();
        let pod = "apiVersion: v1\nkind: Pod\nspec:\n  securityContext: {runAsUser: 1000, runAsGroup: 999}\n  containers: [{name: app}]\n";
        let found = run_check(&check, pod);
        assert_eq!(
            found,
            [(
                "container \"app\" runs as GID 999, below 1000".to_string(),
                Severity::High
            )]
        );
    }

    #[test]
    fn unset_escalation_is_medium_and_explicit_true_high() {
        let check = PrivilegeEscalation;
        let pod = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - {name: a}\n    - {name: b, securityContext: {allowPrivilegeEscalation: true}}\n";
        let severities: Vec<_> = run_check(&check, pod).into_iter().map(|(_, s)| s).collect();
        assert_eq!(severities, [Severity::Medium, Severity::High]);
    }

    #[test]
    fn odd_values_do_not_panic() {
        let pod = "apiVersion: v1\nkind: Pod\nspec:\n  securityContext: [1]\n  containers:\n    - name: a\n      securityContext: {runAsUser: [0], runAsGroup: {x: 1}, capabilities: {add: x, drop: {a: b}}, seccompProfile: [], readOnlyRootFilesystem: 1, allowPrivilegeEscalation: ~}\n    - 7\n    - {name: [x], securityContext: yes}\n";
        let checks: Vec<Box<dyn Check>> = vec![
            Box::new(PrivilegeEscalation),
            Box::new(RunAsNonRoot),
            Box::new(RootUser),
            Box::new(RootGroup),
            Box::new(HighUidGid { minimum: 10000 }),
            Box::new(ReadOnlyRootFilesystem),
            Box::new(SeccompProfileRequired),
            Box::new(
                capabilities::CapabilityDropped::new(capabilities::DroppedParams {
                    capability: "ALL".into(),
                    message: "{container}".into(),
                })
                .unwrap(),
            ),
            Box::new(
                capabilities::CapabilitiesAdded::new(capabilities::AddedParams {
                    restricted: true,
                })
                .unwrap(),
            ),
        ];
        for check in &checks {
            run_check(check.as_ref(), pod);
        }
    }

    #[test]
    fn unrendered_templates_are_recognised() {
        let text =
            "a: \"{{ .Values.uid }}\"\nb: {{ .Values.uid }}\nc: ${UID}\nd: 1000\ne: {x: 1}\n";
        let parsed = parse_stream(&Arc::from(text), &Limits::default());
        let root = parsed.documents[0].root().unwrap();
        for key in ["a", "b", "c"] {
            assert!(unrendered(root.get(key).unwrap()), "{key}");
        }
        for key in ["d", "e"] {
            assert!(!unrendered(root.get(key).unwrap()), "{key}");
        }
    }
}
