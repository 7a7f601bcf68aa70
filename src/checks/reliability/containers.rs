//! Container lists: `no-duplicate-env` and `container-ports-valid`.

use super::group;
use crate::checks::{Check, is_templated, unrendered};
use crate::engine::Cx;
use crate::k8s::{ContainerKind, Object};
use crate::yaml::NodeRef;

fn duplicate_env(container: &str, name: &str) -> String {
    format!("{container} sets the environment variable {name} more than once")
}

fn no_container_port(container: &str) -> String {
    format!("{container} has a port with no containerPort")
}

fn bad_number(owner: &str, field: &str, value: &str) -> String {
    format!("{owner} has a {field} of {value}, outside 1-65535")
}

fn bad_name(owner: &str, field: &str, name: &str, problem: &str) -> String {
    format!("{owner} has an invalid {field} \"{name}\": {problem}")
}

fn duplicate_port_name(container: &str, name: &str) -> String {
    format!("{container} declares the port name \"{name}\" more than once")
}

fn bad_protocol(container: &str, value: &str) -> String {
    format!("{container} has a port with an unknown protocol {value}")
}

/// `no-duplicate-env`: the same variable set twice in one container's `env`;
/// the last one wins, silently.
pub struct NoDuplicateEnv;

impl Check for NoDuplicateEnv {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        for container in pod.containers() {
            let mut seen: Vec<(&str, NodeRef<'_>)> = Vec::new();
            let names = container
                .node
                .get("env")
                .into_iter()
                .flat_map(|e| e.items())
                .filter_map(|item| item.get("name"));
            for node in names {
                let Some(name) = node.as_text().filter(|n| !unrendered(n)) else {
                    continue;
                };
                if let Some((_, first)) = seen.iter().find(|(n, _)| *n == name) {
                    let first = first.span();
                    cx.report(node.span(), duplicate_env(&container.describe(), name))
                        .in_container(&container, &format!("env[{name}]"))
                        .with_label(first, "first set here");
                } else {
                    seen.push((name, node));
                }
            }
        }
    }
}

/// Why a name is not a valid port name (an IANA service name), if it is not.
pub fn port_name_problem(name: &str) -> Option<&'static str> {
    if name.len() > 15 {
        return Some("port names are at most 15 characters");
    }
    if name.is_empty() {
        return Some("port names cannot be empty");
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Some("port names hold only lowercase letters, digits and '-'");
    }
    if !name.bytes().any(|b| b.is_ascii_lowercase()) {
        return Some("port names need at least one letter");
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Some("port names cannot start or end with '-'");
    }
    if name.contains("--") {
        return Some("port names cannot hold '--'");
    }
    None
}

/// A port number outside 1-65535, with its text; `None` when valid or unknown.
fn out_of_range(node: NodeRef<'_>) -> Option<String> {
    let number = node.as_i64()?;
    (!(1..=65535).contains(&number)).then(|| number.to_string())
}

/// `container-ports-valid`: container ports Kubernetes would reject or
/// cannot resolve by name, and Service target ports that name no valid port.
pub struct ContainerPortsValid;

impl ContainerPortsValid {
    fn check_service(cx: &mut Cx<'_>, object: &Object<'_>) {
        let name = object.display_name();
        let ports = object.root.path("spec.ports");
        for (index, port) in ports.into_iter().flat_map(|p| p.items()).enumerate() {
            for field in ["port", "targetPort"] {
                let Some(node) = port.get(field).filter(|n| !is_templated(*n)) else {
                    continue;
                };
                let path = format!("spec.ports[{index}].{field}");
                if let Some(number) = out_of_range(node) {
                    cx.report(node.span(), bad_number(&name, field, &number))
                        .at_path(path);
                    continue;
                }
                if field != "targetPort" || node.as_i64().is_some() {
                    continue;
                }
                let Some(text) = node.as_text() else {
                    continue;
                };
                if let Some(problem) = port_name_problem(text) {
                    cx.report(node.span(), bad_name(&name, "targetPort", text, problem))
                        .at_path(path);
                }
            }
        }
    }
}

impl Check for ContainerPortsValid {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        if (group(object), object.kind) == ("", "Service") {
            Self::check_service(cx, object);
            return;
        }
        let Some(pod) = object.pod_spec() else {
            return;
        };
        let containers = pod
            .containers()
            .filter(|c| c.kind != ContainerKind::Ephemeral);
        for container in containers {
            let describe = container.describe();
            let mut names: Vec<&str> = Vec::new();
            let ports = container.node.get("ports");
            for (index, port) in ports.into_iter().flat_map(|p| p.items()).enumerate() {
                if !port.is_map() || is_templated(port) {
                    continue;
                }
                let at = |field: &str| format!("ports[{index}].{field}");
                match port.get("containerPort") {
                    None => {
                        cx.report(port.head_span(), no_container_port(&describe))
                            .in_container(&container, &at("containerPort"));
                    }
                    Some(node) if !is_templated(node) => {
                        if let Some(number) = out_of_range(node) {
                            cx.report(node.span(), bad_number(&describe, "containerPort", &number))
                                .in_container(&container, &at("containerPort"));
                        }
                    }
                    Some(_) => {}
                }
                if let Some(node) = port.get("protocol").filter(|n| !is_templated(*n)) {
                    let value = node.as_text().unwrap_or("");
                    if !matches!(value, "TCP" | "UDP" | "SCTP") {
                        cx.report(node.span(), bad_protocol(&describe, value))
                            .in_container(&container, &at("protocol"));
                    }
                }
                let Some(node) = port.get("name") else {
                    continue;
                };
                let Some(name) = node.as_text().filter(|n| !unrendered(n)) else {
                    continue;
                };
                if let Some(problem) = port_name_problem(name) {
                    cx.report(node.span(), bad_name(&describe, "port name", name, problem))
                        .in_container(&container, &at("name"));
                } else if names.contains(&name) {
                    cx.report(node.span(), duplicate_port_name(&describe, name))
                        .in_container(&container, &at("name"));
                } else {
                    names.push(name);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::port_name_problem;

    #[test]
    fn port_names_follow_iana_service_names() {
        for good in ["http", "http-metrics", "grpc2", "a", "h2c", "x-1-y"] {
            assert_eq!(port_name_problem(good), None, "{good}");
        }
        for bad in [
            "",
            "http_metrics",
            "HTTP",
            "8080",
            "-http",
            "http-",
            "http--alt",
            "metrics-exporter-http",
        ] {
            assert!(port_name_problem(bad).is_some(), "{bad}");
        }
    }
}
