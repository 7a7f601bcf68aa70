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
