//! The ConfigMaps and Secrets a pod reads: environment variables, `envFrom`,
//! and `secret`, `configMap` and `projected` volumes.

use super::{Container, PodSpec, Volume};
use crate::yaml::NodeRef;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConfigKind {
    ConfigMap,
    Secret,
}

impl ConfigKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ConfigKind::ConfigMap => "ConfigMap",
            ConfigKind::Secret => "Secret",
        }
    }
}

/// Who makes a reference: a container (through `env` or `envFrom`) or a volume.
#[derive(Clone, Copy, Debug)]
pub enum ConfigUser<'a> {
    Container(Container<'a>),
    Volume(Volume<'a>),
}

/// One reference from a pod to a ConfigMap or Secret.
#[derive(Clone, Debug)]
pub struct ConfigRef<'a> {
    pub kind: ConfigKind,
    /// The node naming the object (`name:` or `secretName:` value).
    pub name: NodeRef<'a>,
    /// The keys it reads: one for a key reference, the `items` of a volume,
    /// none for `envFrom` or a whole-object volume.
    pub keys: Vec<NodeRef<'a>>,
    /// `optional: true`: the pod starts whether or not the object exists.
    pub optional: bool,
    pub user: ConfigUser<'a>,
    /// The field path of the reference within its container or pod spec.
    pub path: String,
}

impl<'a> PodSpec<'a> {
    /// Every reference the pod makes to a ConfigMap or Secret, in source order
    /// of containers, then volumes.
    pub fn config_refs(&self) -> Vec<ConfigRef<'a>> {
        let mut out = Vec::new();
        for container in self.containers() {
            container_refs(container, &mut out);
        }
        for volume in Volume::all(self) {
            volume_refs(volume, &mut out);
        }
        out
    }
}

fn optional(node: NodeRef<'_>) -> bool {
    node.get("optional").and_then(|o| o.as_bool()) == Some(true)
}

fn container_refs<'a>(container: Container<'a>, out: &mut Vec<ConfigRef<'a>>) {
    let user = ConfigUser::Container(container);
    for var in container
        .node
        .get("env")
        .into_iter()
        .flat_map(|e| e.items())
    {
        let var_name = var.get("name").and_then(|n| n.as_text()).unwrap_or("");
        for (field, kind) in [
            ("secretKeyRef", ConfigKind::Secret),
            ("configMapKeyRef", ConfigKind::ConfigMap),
        ] {
            let Some(source) = var.path(&format!("valueFrom.{field}")) else {
                continue;
            };
            let Some(name) = source.get("name") else {
                continue;
            };
            out.push(ConfigRef {
                kind,
                name,
                keys: source.get("key").into_iter().collect(),
                optional: optional(source),
                user,
                path: format!("env[{var_name}].valueFrom.{field}"),
            });
        }
    }
    let env_from = container.node.get("envFrom").into_iter();
    for (index, source) in env_from.flat_map(|e| e.items()).enumerate() {
        for (field, kind) in [
            ("secretRef", ConfigKind::Secret),
            ("configMapRef", ConfigKind::ConfigMap),
        ] {
            let Some(reference) = source.get(field) else {
                continue;
            };
            let Some(name) = reference.get("name") else {
                continue;
            };
            out.push(ConfigRef {
                kind,
                name,
                keys: Vec::new(),
                optional: optional(reference),
                user,
                path: format!("envFrom[{index}].{field}"),
            });
        }
    }
}

fn item_keys(source: NodeRef<'_>) -> Vec<NodeRef<'_>> {
    source
        .get("items")
        .into_iter()
        .flat_map(|i| i.items())
        .filter_map(|item| item.get("key"))
        .collect()
}

fn volume_refs<'a>(volume: Volume<'a>, out: &mut Vec<ConfigRef<'a>>) {
    let user = ConfigUser::Volume(volume);
    let base = volume.path();
    if let Some(source) = volume.node.get("secret")
        && let Some(name) = source.get("secretName")
    {
        out.push(ConfigRef {
            kind: ConfigKind::Secret,
            name,
            keys: item_keys(source),
            optional: optional(source),
            user,
            path: format!("{base}.secret"),
        });
    }
    if let Some(source) = volume.node.get("configMap")
        && let Some(name) = source.get("name")
    {
        out.push(ConfigRef {
            kind: ConfigKind::ConfigMap,
            name,
            keys: item_keys(source),
            optional: optional(source),
            user,
            path: format!("{base}.configMap"),
        });
    }
    let sources = volume.node.path("projected.sources").into_iter();
    for (index, projection) in sources.flat_map(|s| s.items()).enumerate() {
        for (field, kind) in [
            ("secret", ConfigKind::Secret),
            ("configMap", ConfigKind::ConfigMap),
        ] {
            let Some(source) = projection.get(field) else {
                continue;
            };
            let Some(name) = source.get("name") else {
                continue;
            };
            out.push(ConfigRef {
                kind,
                name,
                keys: item_keys(source),
                optional: optional(source),
                user,
                path: format!("{base}.projected.sources[{index}].{field}"),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::ConfigKind;
    use crate::k8s::Object;
    use crate::yaml::{Limits, parse_stream};

    #[test]
    fn every_kind_of_reference_is_found() {
        let text = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
        - name: web
          env:
            - {name: A, valueFrom: {secretKeyRef: {name: s1, key: k1}}}
            - {name: B, valueFrom: {configMapKeyRef: {name: c1, key: k2, optional: yes}}}
            - {name: C, value: plain}
          envFrom: [{secretRef: {name: s2}}, {configMapRef: {name: c2}, prefix: X_}]
      volumes:
        - {name: v1, secret: {secretName: s3, items: [{key: k3, path: p}]}}
        - {name: v2, configMap: {name: c3}}
        - {name: v3, projected: {sources: [{secret: {name: s4}}, {configMap: {name: c4}}, {downwardAPI: {}}]}}
        - {name: v4, emptyDir: {}}
";
        let parsed = parse_stream(&Arc::from(text), &Limits::default());
        let object = Object::all_in(&parsed.documents[0])[0];
        let refs = object.pod_spec().unwrap().config_refs();
        let summary: Vec<_> = refs
            .iter()
            .map(|r| {
                (
                    r.kind,
                    r.name.as_text().unwrap(),
                    r.keys
                        .iter()
                        .map(|k| k.as_text().unwrap())
                        .collect::<Vec<_>>(),
                    r.optional,
                    r.path.as_str(),
                )
            })
            .collect();
        use ConfigKind::{ConfigMap, Secret};
        assert_eq!(
            summary,
            [
                (
                    Secret,
                    "s1",
                    vec!["k1"],
                    false,
                    "env[A].valueFrom.secretKeyRef"
                ),
                (
                    ConfigMap,
                    "c1",
                    vec!["k2"],
                    true,
                    "env[B].valueFrom.configMapKeyRef"
                ),
                (Secret, "s2", vec![], false, "envFrom[0].secretRef"),
                (ConfigMap, "c2", vec![], false, "envFrom[1].configMapRef"),
                (Secret, "s3", vec!["k3"], false, "volumes[v1].secret"),
                (ConfigMap, "c3", vec![], false, "volumes[v2].configMap"),
                (
                    Secret,
                    "s4",
                    vec![],
                    false,
                    "volumes[v3].projected.sources[0].secret"
                ),
                (
                    ConfigMap,
                    "c4",
                    vec![],
                    false,
                    "volumes[v3].projected.sources[1].configMap"
                ),
            ]
        );
    }
}
