//! A container's environment variables (`env`).

use super::Container;
use crate::yaml::NodeRef;

/// One entry of a container's `env`.
#[derive(Clone, Copy, Debug)]
pub struct EnvVar<'a> {
    pub node: NodeRef<'a>,
    /// The `name` value.
    pub name: Option<NodeRef<'a>>,
    /// The literal `value`, when set.
    pub value: Option<NodeRef<'a>>,
    /// The `valueFrom` key and its value, when set.
    pub value_from: Option<(NodeRef<'a>, NodeRef<'a>)>,
}

impl<'a> EnvVar<'a> {
    /// The variable's name, or `""` when missing or not a string.
    pub fn name_text(&self) -> &'a str {
        self.name.and_then(|n| n.as_text()).unwrap_or("")
    }
}

impl<'a> Container<'a> {
    /// The container's `env` entries that are mappings, in source order.
    pub fn env(&self) -> impl Iterator<Item = EnvVar<'a>> + 'a {
        self.node
            .get("env")
            .into_iter()
            .flat_map(|e| e.items())
            .filter(|v| v.is_map())
            .map(|node| EnvVar {
                node,
                name: node.get("name"),
                value: node.get("value"),
                value_from: node.entry("valueFrom").filter(|(_, v)| !v.is_null()),
            })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::k8s::Object;
    use crate::yaml::{Limits, parse_stream};

    #[test]
    fn env_entries() {
        let text = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: app
      env:
        - {name: A, value: one}
        - {name: B, valueFrom: {secretKeyRef: {name: s, key: k}}}
        - {name: C, value: null}
        - not a mapping
";
        let parsed = parse_stream(&Arc::from(text), &Limits::default());
        let object = Object::all_in(&parsed.documents[0])[0];
        let pod = object.pod_spec().unwrap();
        let container = pod.containers().next().unwrap();
        let vars: Vec<_> = container
            .env()
            .map(|v| {
                (
                    v.name_text(),
                    v.value.and_then(|n| n.as_text()),
                    v.value_from.is_some(),
                )
            })
            .collect();
        assert_eq!(
            vars,
            [
                ("A", Some("one"), false),
                ("B", None, true),
                ("C", None, false)
            ]
        );
    }
}
