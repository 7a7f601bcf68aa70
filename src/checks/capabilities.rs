//! Linux capabilities of containers: what they drop, what they add, and which
//! added capabilities amount to control of the node.

use serde::Deserialize;

use super::security_context::{missing_span, unrendered};
use super::{Check, fill};
use crate::engine::Cx;
use crate::k8s::{Container, Object};
use crate::yaml::NodeRef;

/// The capabilities a container runtime grants by default; the Pod Security
/// Standards baseline allows adding these and nothing else.
const DEFAULT_SET: [&str; 13] = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// The only capability the restricted profile lets a container add.
const RESTRICTED_SET: [&str; 1] = ["NET_BIND_SERVICE"];

/// Further capabilities that reach beyond the container (kubescape's list).
const EXTENDED_DANGEROUS: [&str; 10] = [
    "SETPCAP",
    "NET_RAW",
    "SYS_MODULE",
    "SYS_RAWIO",
    "SYS_PTRACE",
    "SYS_BOOT",
    "MAC_OVERRIDE",
    "MAC_ADMIN",
    "PERFMON",
    "BPF",
];

/// A capability as runtimes read it: case-insensitive, `CAP_` prefix optional.
pub(super) fn capability_name(text: &str) -> String {
    let upper = text.trim().to_ascii_uppercase();
    match upper.strip_prefix("CAP_") {
        Some(rest) => rest.to_string(),
        None => upper,
    }
}

/// The items of the container's `securityContext.capabilities.add`, with
/// their normalised names; unrendered items are left out.
pub(super) fn added<'a>(container: &Container<'a>) -> impl Iterator<Item = (NodeRef<'a>, String)> {
    container
        .get("securityContext.capabilities.add")
        .into_iter()
        .flat_map(|list| list.items())
        .filter(|item| !unrendered(*item))
        .filter_map(|item| Some((item, capability_name(item.as_text()?))))
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct DroppedParams {
    /// The capability that must be dropped; dropping `ALL` also satisfies it.
    pub capability: String,
    /// `{container}` is filled in.
    pub message: String,
}

/// `capability-dropped`: the container's `capabilities.drop` must name the
/// capability, or `ALL`.
pub struct CapabilityDropped {
    wanted: String,
    message: String,
}

impl CapabilityDropped {
    pub fn new(params: DroppedParams) -> Result<Self, String> {
        let wanted = capability_name(&params.capability);
        if wanted.is_empty() {
            return Err("`capability` must not be empty".into());
        }
        Ok(CapabilityDropped {
            wanted,
            message: params.message,
        })
    }
}

impl Check for CapabilityDropped {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        if pod.is_windows() {
            return;
        }
        for container in pod.containers() {
            let drop = container.get("securityContext.capabilities.drop");
            if drop.is_some_and(|d| unrendered(d) || d.items().any(unrendered)) {
                continue;
            }
            let dropped = drop.into_iter().flat_map(|d| d.items()).any(|item| {
                item.as_text()
                    .map(capability_name)
                    .is_some_and(|name| name == "ALL" || name == self.wanted)
            });
            if dropped {
                continue;
            }
            let span = missing_span(&container, "securityContext.capabilities.drop");
            let message = fill(&self.message, &[("container", &container.describe())]);
            cx.report(span, message)
                .in_container(&container, "securityContext.capabilities.drop");
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct AddedParams {
    /// Allow only `NET_BIND_SERVICE`, as the restricted profile does,
    /// instead of the runtime's default set.
    #[serde(default)]
    pub restricted: bool,
}

/// `capabilities-added`: every item of `capabilities.add` must be in the
/// allowed set.
pub struct CapabilitiesAdded {
    allowed: &'static [&'static str],
    /// What the allowed set is, for messages.
    outside: &'static str,
}

impl CapabilitiesAdded {
    pub fn new(params: AddedParams) -> Result<Self, String> {
        Ok(if params.restricted {
            CapabilitiesAdded {
                allowed: &RESTRICTED_SET,
                outside: "other than NET_BIND_SERVICE",
            }
        } else {
            CapabilitiesAdded {
                allowed: &DEFAULT_SET,
                outside: "outside the default set",
            }
        })
    }
}

impl Check for CapabilitiesAdded {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        for container in pod.containers() {
            for (item, name) in added(&container) {
                if self.allowed.contains(&name.as_str()) {
                    continue;
                }
                let message = format!(
                    "{} adds capability {name}, {}",
                    container.describe(),
                    self.outside
                );
                cx.report(item.span(), message)
                    .in_container(&container, "securityContext.capabilities.add");
            }
        }
    }
}

fn default_dangerous() -> Vec<String> {
    ["ALL", "SYS_ADMIN", "NET_ADMIN"].map(String::from).to_vec()
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct DangerousParams {
    #[serde(default = "default_dangerous")]
    pub dangerous: Vec<String>,
    /// Also flag the extended list (SETPCAP, NET_RAW, SYS_MODULE, SYS_RAWIO,
    /// SYS_PTRACE, SYS_BOOT, MAC_OVERRIDE, MAC_ADMIN, PERFMON, BPF).
    #[serde(default)]
    pub extended: bool,
}

/// `dangerous-capabilities`: no item of `capabilities.add` may be in the
/// dangerous list.
pub struct DangerousCapabilities {
    dangerous: Vec<String>,
}

impl DangerousCapabilities {
    pub fn new(params: DangerousParams) -> Result<Self, String> {
        let mut dangerous: Vec<String> = params
            .dangerous
            .iter()
            .map(|c| capability_name(c))
            .collect();
        if params.extended {
            dangerous.extend(EXTENDED_DANGEROUS.map(String::from));
        }
        Ok(DangerousCapabilities { dangerous })
    }
}

impl Check for DangerousCapabilities {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        for container in pod.containers() {
            for (item, name) in added(&container) {
                if !self.dangerous.contains(&name) {
                    continue;
                }
                let message = format!("{} adds capability {name}", container.describe());
                cx.report(item.span(), message)
                    .in_container(&container, "securityContext.capabilities.add");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::security_context::run_check;

    const POD: &str = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: app\n      securityContext:\n        capabilities:\n          add: [NET_BIND_SERVICE, CHOWN, SYS_PTRACE]\n";

    fn messages(check: &dyn Check) -> Vec<String> {
        run_check(check, POD).into_iter().map(|(m, _)| m).collect()
    }

    #[test]
    fn restricted_mode_allows_only_net_bind_service() {
        let baseline = CapabilitiesAdded::new(AddedParams { restricted: false }).unwrap();
        assert_eq!(
            messages(&baseline),
            ["container \"app\" adds capability SYS_PTRACE, outside the default set"]
        );
        let restricted = CapabilitiesAdded::new(AddedParams { restricted: true }).unwrap();
        assert_eq!(
            messages(&restricted),
            [
                "container \"app\" adds capability CHOWN, other than NET_BIND_SERVICE",
                "container \"app\" adds capability SYS_PTRACE, other than NET_BIND_SERVICE",
            ]
        );
    }

    #[test]
    fn extended_list_adds_dangerous_capabilities() {
        let params = |extended| DangerousParams {
            dangerous: default_dangerous(),
            extended,
        };
        let default = DangerousCapabilities::new(params(false)).unwrap();
        assert!(messages(&default).is_empty());
        let extended = DangerousCapabilities::new(params(true)).unwrap();
        assert_eq!(
            messages(&extended),
            ["container \"app\" adds capability SYS_PTRACE"]
        );
    }

    #[test]
    fn capability_names_are_normalised() {
        assert_eq!(capability_name("net_raw"), "NET_RAW");
        assert_eq!(capability_name("CAP_SYS_ADMIN"), "SYS_ADMIN");
        assert_eq!(capability_name(" All "), "ALL");
    }
}
