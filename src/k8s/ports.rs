//! Ports: what containers declare, and the number-or-name references that
//! Services, Ingresses and probes make to them.

use super::Container;
use crate::yaml::NodeRef;

/// One entry of a container's `ports`.
#[derive(Clone, Copy, Debug)]
pub struct ContainerPort<'a> {
    pub node: NodeRef<'a>,
    pub name: Option<&'a str>,
    pub number: Option<i64>,
    /// `TCP` unless the entry says otherwise.
    pub protocol: &'a str,
}

impl<'a> Container<'a> {
    /// The container's `ports` entries.
    pub fn ports(&self) -> impl Iterator<Item = ContainerPort<'a>> + 'a {
        self.node
            .get("ports")
            .into_iter()
            .flat_map(|p| p.items())
            .filter(|p| p.is_map())
            .map(|node| ContainerPort {
                node,
                name: node.get("name").and_then(|n| n.as_text()),
                number: node.get("containerPort").and_then(|n| n.as_i64()),
                protocol: protocol(node),
            })
    }
}

/// The `protocol` of a port entry, `TCP` when unset.
pub fn protocol(port: NodeRef<'_>) -> &str {
    port.get("protocol")
        .and_then(|p| p.as_text())
        .unwrap_or("TCP")
}

/// A port given by number or by name (an `IntOrString` such as `targetPort`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortRef {
    Number(i64),
    Name(String),
}

impl PortRef {
    /// Reads a port reference; `None` for nulls, collections and values that
    /// are still unrendered templates.
    pub fn of(node: NodeRef<'_>) -> Option<PortRef> {
        if crate::checks::is_templated(node) {
            return None;
        }
        if let Some(number) = node.as_i64() {
            return Some(PortRef::Number(number));
        }
        node.as_text().map(|name| PortRef::Name(name.to_string()))
    }
}

impl std::fmt::Display for PortRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PortRef::Number(n) => write!(f, "{n}"),
            PortRef::Name(name) => write!(f, "\"{name}\""),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::PortRef;
    use crate::k8s::Object;
    use crate::yaml::{Limits, parse_stream};

    #[test]
    fn container_ports_and_port_references() {
        let text = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: a
      ports: [{name: http, containerPort: 0x1F90}, {containerPort: 53, protocol: UDP}, oops]
refs: [8080, http, \"{{ .Values.port }}\", ~]
";
        let parsed = parse_stream(&Arc::from(text), &Limits::default());
        let object = Object::all_in(&parsed.documents[0])[0];
        let pod = object.pod_spec().unwrap();
        let container = pod.containers().next().unwrap();
        let ports: Vec<_> = container
            .ports()
            .map(|p| (p.name, p.number, p.protocol))
            .collect();
        assert_eq!(
            ports,
            [(Some("http"), Some(8080), "TCP"), (None, Some(53), "UDP")]
        );
        let refs: Vec<_> = object
            .root
            .get("refs")
            .unwrap()
            .items()
            .map(PortRef::of)
            .collect();
        assert_eq!(
            refs,
            [
                Some(PortRef::Number(8080)),
                Some(PortRef::Name("http".into())),
                None,
                None
            ]
        );
    }
}
