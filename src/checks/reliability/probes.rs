//! Probes: `probe-set` (a long-running container has a given probe),
//! `probes-not-identical` and `probe-port-declared`.

use serde::Deserialize;
use serde_json::Value;

use crate::checks::{Check, is_templated, unrendered};
use crate::engine::{Cx, Severity};
use crate::k8s::{Container, Handler, Object, PortRef, ProbeKind};
use crate::yaml::node_to_json;

fn no_probe(container: &str, kind: ProbeKind) -> String {
    format!("{container} has no {} ({})", kind.noun(), kind.field())
}

fn no_handler(container: &str, kind: ProbeKind) -> String {
    format!(
        "{container} has a {} that sets no httpGet, tcpSocket, grpc or exec check",
        kind.noun()
    )
}

fn identical(container: &str, check: &str) -> String {
    format!("{container} uses the same check for liveness and readiness ({check})")
}

fn undeclared(container: &str, kind: ProbeKind, port: &PortRef) -> String {
    format!(
        "{container} has a {} on port {port}, which it does not declare",
        kind.noun()
    )
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ProbeSetParams {
    /// `liveness`, `readiness` or `startup`.
    pub probe: ProbeKind,
}

/// `probe-set`: every container that runs for the life of the pod sets the probe.
pub struct ProbeSet {
    kind: ProbeKind,
}

impl ProbeSet {
    pub fn new(params: ProbeSetParams) -> Self {
        ProbeSet { kind: params.probe }
    }
}

impl Check for ProbeSet {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        let kind = self.kind;
        for container in pod.long_running_containers() {
            let describe = container.describe();
            match container.probe(kind) {
                None => {
                    cx.report(container.anchor_span(), no_probe(&describe, kind))
                        .in_container(&container, kind.field());
                }
                Some(probe) if probe.handler().is_none() && !is_templated(probe.node) => {
                    cx.report(probe.key, no_handler(&describe, kind))
                        .in_container(&container, kind.field());
                }
                Some(_) => {}
            }
        }
    }
}

/// What a probe handler checks, with Kubernetes' defaults filled in and a
/// named port resolved to its number, so that equal checks compare equal.
fn normalized(container: &Container<'_>, handler: &Handler<'_>) -> Value {
    let mut value = node_to_json(handler.node);
    let Value::Object(map) = &mut value else {
        return value;
    };
    if handler.name == "httpGet" {
        map.entry("path").or_insert_with(|| "/".into());
        map.entry("scheme").or_insert_with(|| "HTTP".into());
    }
    if let Some(Value::String(name)) = map.get("port") {
        let number = container
            .ports()
            .find(|p| p.name == Some(name.as_str()))
            .and_then(|p| p.number);
        if let Some(number) = number {
            map.insert("port".into(), number.into());
        }
    }
    value
}

/// True when any string in `value` is still an unrendered template.
fn holds_unrendered(value: &Value) -> bool {
    match value {
        Value::String(s) => unrendered(s),
        Value::Array(items) => items.iter().any(holds_unrendered),
        Value::Object(map) => map.values().any(holds_unrendered),
        _ => false,
    }
}

/// How a message shows a probe check: `GET /healthz on port 8080`.
fn summary(check: &Value, handler: &str) -> String {
    let field = |key: &str| match check.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    match handler {
        "httpGet" => format!("GET {} on port {}", field("path"), field("port")),
        "tcpSocket" => format!("TCP connection to port {}", field("port")),
        "grpc" => format!("gRPC health check on port {}", field("port")),
        _ => {
            let words: Vec<String> = match check.get("command") {
                Some(Value::Array(words)) => words
                    .iter()
                    .map(|w| match w {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect(),
                _ => Vec::new(),
            };
            let command = words.join(" ");
            match command.char_indices().nth(40) {
                Some((end, _)) => format!("command {}...", &command[..end]),
                None => format!("command {command}"),
            }
        }
    }
}

/// `probes-not-identical`: a liveness probe that checks exactly what the
/// readiness probe checks.
pub struct ProbesNotIdentical;

impl Check for ProbesNotIdentical {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        for container in pod.containers() {
            let (Some(liveness), Some(readiness)) = (
                container.probe(ProbeKind::Liveness),
                container.probe(ProbeKind::Readiness),
            ) else {
                continue;
            };
            let (Some(live), Some(ready)) = (liveness.handler(), readiness.handler()) else {
                continue;
            };
            if live.name != ready.name || is_templated(live.node) || is_templated(ready.node) {
                continue;
            }
            let check = normalized(&container, &live);
            if check != normalized(&container, &ready) || holds_unrendered(&check) {
                continue;
            }
            let message = identical(&container.describe(), &summary(&check, live.name));
            cx.report(liveness.key, message)
                .in_container(&container, ProbeKind::Liveness.field())
                .with_label(readiness.key, "the same check");
        }
    }
}

/// `probe-port-declared`: a probe's port is one the container declares. A
/// named port must be declared to resolve at all; a number is judged only
/// for containers that declare their ports, since declaring is optional, and
/// at low severity, since the probe still reaches it.
pub struct ProbePortDeclared;

impl Check for ProbePortDeclared {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        for container in pod.containers() {
            let declares_any = container.ports().next().is_some();
            let ports_key = container.node.key_span("ports");
            for kind in ProbeKind::ALL {
                let Some(probe) = container.probe(kind) else {
                    continue;
                };
                let Some((node, port)) = probe.port() else {
                    continue;
                };
                if container.declares_port(&port)
                    || (matches!(port, PortRef::Number(_)) && !declares_any)
                {
                    continue;
                }
                let handler = probe.handler().map_or("", |h| h.name);
                let field = format!("{}.{handler}.port", kind.field());
                let message = undeclared(&container.describe(), kind, &port);
                // An undeclared number still reaches the port; a name cannot resolve.
                let finding = match port {
                    PortRef::Number(_) => cx.report_with(Severity::Low, node.span(), message),
                    PortRef::Name(_) => cx.report(node.span(), message),
                }
                .in_container(&container, &field);
                if let Some(span) = ports_key {
                    finding.with_label(span, "the ports it declares");
                }
            }
        }
    }
}
