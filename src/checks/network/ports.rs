//! Ports that containers and Services open: SSH, and the privileged range.

use serde::Deserialize;

use super::service;
use crate::checks::{Check, is_templated};
use crate::engine::Cx;
use crate::k8s::{Object, protocol};

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct SshPortParams {
    /// TCP ports that SSH servers listen on.
    ports: Vec<i64>,
}

/// `ssh-port`: containers and Services that open an SSH port.
pub struct SshPort {
    params: SshPortParams,
}

impl SshPort {
    pub fn new(params: SshPortParams) -> Self {
        SshPort { params }
    }

    fn is_ssh(&self, number: Option<i64>) -> bool {
        number.is_some_and(|n| self.params.ports.contains(&n))
    }
}

impl Check for SshPort {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        if let Some(pod) = object.pod_spec() {
            for container in pod.containers() {
                for (i, port) in container.ports().enumerate() {
                    let Some(node) = port.node.get("containerPort") else {
                        continue;
                    };
                    if port.protocol != "TCP" || !self.is_ssh(port.number) || is_templated(node) {
                        continue;
                    }
                    cx.report(
                        node.span(),
                        format!(
                            "{} exposes SSH port {}",
                            container.describe(),
                            port.number.unwrap_or_default()
                        ),
                    )
                    .in_container(&container, &format!("ports[{i}].containerPort"));
                }
            }
        }
        let Some(spec) = service(object) else {
            return;
        };
        let ports = spec.get("ports").into_iter().flat_map(|p| p.items());
        for (i, entry) in ports.enumerate() {
            if protocol(entry) != "TCP" {
                continue;
            }
            let hit = ["port", "targetPort"].into_iter().find_map(|field| {
                let node = entry.get(field)?;
                let number = node.as_i64().filter(|_| !is_templated(node));
                self.is_ssh(number).then_some((field, node, number?))
            });
            let Some((field, node, number)) = hit else {
                continue;
            };
            let verb = if field == "port" {
                "exposes"
            } else {
                "forwards to"
            };
            cx.report(
                node.span(),
                format!("{} {verb} SSH port {number}", object.display_name()),
            )
            .at_path(format!("spec.ports[{i}].{field}"));
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct PortRangeParams {
    /// The lowest container port reported.
    min: i64,
    /// The highest container port reported.
    max: i64,
    /// Message; `{container}` and `{port}` are filled in.
    message: String,
}

/// `container-port-range`: container ports within a range.
pub struct ContainerPortRange {
    params: PortRangeParams,
}

impl ContainerPortRange {
    pub fn new(params: PortRangeParams) -> Result<Self, String> {
        if params.min > params.max {
            return Err("`min` is above `max`".into());
        }
        Ok(ContainerPortRange { params })
    }
}

impl Check for ContainerPortRange {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        let p = &self.params;
        for container in pod.containers() {
            for (i, port) in container.ports().enumerate() {
                let Some(node) = port.node.get("containerPort") else {
                    continue;
                };
                let Some(number) = port.number.filter(|n| (p.min..=p.max).contains(n)) else {
                    continue;
                };
                if is_templated(node) {
                    continue;
                }
                let message = crate::checks::fill(
                    &p.message,
                    &[
                        ("container", &container.describe()),
                        ("port", &number.to_string()),
                    ],
                );
                cx.report(node.span(), message)
                    .in_container(&container, &format!("ports[{i}].containerPort"));
            }
        }
    }
}
