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
