//! Pod templates, containers and the effective security context.

use super::{ImageRef, Object};
use crate::source::Span;
use crate::yaml::NodeRef;

/// The pod spec of a workload and where it sits in the object.
#[derive(Clone, Copy, Debug)]
pub struct PodSpec<'a> {
    pub object: Object<'a>,
    /// The `spec` mapping of the pod (or pod template).
    pub spec: NodeRef<'a>,
    /// The pod template's `metadata` (the object's own for a bare Pod).
    pub metadata: Option<NodeRef<'a>>,
    /// The field path from the object root to `spec`.
    pub path: &'static str,
    /// The span of the `spec:` key that holds the pod spec.
    pub key: Span,
}

const TEMPLATE_PATHS: [(&str, &str, &str); 2] = [
    (
        "spec.template",
        "spec.template.spec",
        "spec.template.metadata",
    ),
    (
        "spec.jobTemplate.spec.template",
        "spec.jobTemplate.spec.template.spec",
        "spec.jobTemplate.spec.template.metadata",
    ),
];

impl<'a> PodSpec<'a> {
    pub fn of(object: &Object<'a>) -> Option<PodSpec<'a>> {
        let root = object.root;
        let found = |path: &'static str, spec: NodeRef<'a>, metadata| {
            // The key of the last path segment: `spec` of `spec.template.spec`.
            let parent = match path.rsplit_once('.') {
                Some((parent, _)) => root.path(parent),
                None => Some(root),
            };
            let key = parent
                .and_then(|p| p.key_span("spec"))
                .unwrap_or_else(|| spec.head_span());
            PodSpec {
                object: *object,
                spec,
                metadata,
                path,
                key,
            }
        };
        match object.kind {
            "Pod" => {
                let spec = root.get("spec")?;
                return spec
                    .is_map()
                    .then(|| found("spec", spec, root.get("metadata")));
            }
            "PodTemplate" => {
                let spec = root.path("template.spec")?;
                let metadata = root.path("template.metadata");
                return spec
                    .is_map()
                    .then(|| found("template.spec", spec, metadata));
            }
            _ => {}
        }
        // Workloads and any custom resource that embeds a pod template.
        TEMPLATE_PATHS
            .iter()
            .find_map(|&(_, spec_path, meta_path)| {
                let spec = root.path(spec_path)?;
                let has_containers = spec.get("containers").is_some_and(|c| c.is_seq());
                (spec.is_map() && has_containers)
                    .then(|| found(spec_path, spec, root.path(meta_path)))
            })
    }

    /// True for pods that run to completion (Jobs, CronJobs, or a pod with
    /// `restartPolicy` other than Always).
    pub fn runs_to_completion(&self) -> bool {
        matches!(self.object.kind, "Job" | "CronJob")
            || self
                .spec
                .get("restartPolicy")
                .and_then(|p| p.as_text())
                .is_some_and(|p| p != "Always")
    }

    pub fn security_context(&self) -> Option<NodeRef<'a>> {
        self.spec.get("securityContext").filter(|s| s.is_map())
    }

    /// A pod-template annotation (legacy seccomp and AppArmor settings live there).
    pub fn annotation(&self, key: &str) -> Option<NodeRef<'a>> {
        self.metadata?.get("annotations")?.get(key)
    }

    pub fn annotations(&self) -> impl Iterator<Item = (NodeRef<'a>, NodeRef<'a>)> + 'a {
        self.metadata
            .and_then(|m| m.get("annotations"))
            .into_iter()
            .flat_map(|a| a.entries())
    }

    /// `containers`, `initContainers` and `ephemeralContainers`, in that order.
    pub fn containers(&self) -> impl Iterator<Item = Container<'a>> + 'a {
        let spec = self.spec;
        let path = self.path;
        ContainerKind::ALL.into_iter().flat_map(move |kind| {
            spec.get(kind.field())
                .into_iter()
                .flat_map(|list| list.items())
                .filter(|c| c.is_map())
                .map(move |node| Container {
                    node,
                    kind,
                    pod_path: path,
                })
        })
    }

    /// The pod's `volumes` entries.
    pub fn volumes(&self) -> impl Iterator<Item = NodeRef<'a>> + 'a {
        self.spec
            .get("volumes")
            .into_iter()
            .flat_map(|v| v.items())
            .filter(|v| v.is_map())
    }

    /// A security setting as it applies to a container: the container's own
    /// `securityContext` field, or else the pod's, for the fields that exist
    /// at both levels.
    pub fn effective(&self, container: &Container<'a>, field: &str) -> Option<Effective<'a>> {
        if let Some(node) = container.security_context().and_then(|s| s.path(field)) {
            return Some(Effective {
                node,
                level: Level::Container,
            });
        }
        let pod_level = field
            .split('.')
            .next()
            .is_some_and(|top| POD_LEVEL_FIELDS.contains(&top));
        if !pod_level {
            return None;
        }
        self.security_context()
            .and_then(|s| s.path(field))
            .map(|node| Effective {
                node,
                level: Level::Pod,
            })
    }

    /// `spec.hostUsers: false`: the pod runs in its own user namespace.
    pub fn user_namespaced(&self) -> bool {
        self.spec.get("hostUsers").and_then(|h| h.as_bool()) == Some(false)
    }

    /// Where to point when a pod-level field is missing: the `spec:` key.
    pub fn anchor_span(&self) -> Span {
        self.key
    }
}

/// Security-context fields that a pod-level `securityContext` also sets.
const POD_LEVEL_FIELDS: [&str; 7] = [
    "runAsUser",
    "runAsGroup",
    "runAsNonRoot",
    "seLinuxOptions",
    "seccompProfile",
    "windowsOptions",
    "appArmorProfile",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Container,
    Pod,
}

/// A setting found for a container, and whether it came from the container or the pod.
#[derive(Clone, Copy, Debug)]
pub struct Effective<'a> {
    pub node: NodeRef<'a>,
    pub level: Level,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ContainerKind {
    Container,
    Init,
    Ephemeral,
}

impl ContainerKind {
    pub const ALL: [ContainerKind; 3] = [
        ContainerKind::Container,
        ContainerKind::Init,
        ContainerKind::Ephemeral,
    ];

    pub fn field(self) -> &'static str {
        match self {
            ContainerKind::Container => "containers",
            ContainerKind::Init => "initContainers",
            ContainerKind::Ephemeral => "ephemeralContainers",
        }
    }

    /// How messages name a container of this kind.
    pub fn noun(self) -> &'static str {
        match self {
            ContainerKind::Container => "container",
            ContainerKind::Init => "init container",
            ContainerKind::Ephemeral => "ephemeral container",
        }
    }
}

/// One entry of a container list.
#[derive(Clone, Copy, Debug)]
pub struct Container<'a> {
    pub node: NodeRef<'a>,
    pub kind: ContainerKind,
    /// The field path of the pod spec that holds it (`spec.template.spec`).
    pub pod_path: &'static str,
}

impl<'a> Container<'a> {
    pub fn name(&self) -> &'a str {
        self.node
            .get("name")
            .and_then(|n| n.as_text())
            .unwrap_or("<unnamed>")
    }

    pub fn security_context(&self) -> Option<NodeRef<'a>> {
        self.node.get("securityContext").filter(|s| s.is_map())
    }

    pub fn get(&self, path: &str) -> Option<NodeRef<'a>> {
        self.node.path(path)
    }

    /// The image node and its parsed reference.
    pub fn image(&self) -> Option<(NodeRef<'a>, ImageRef<'a>)> {
        let node = self.node.get("image")?;
        Some((node, ImageRef::parse(node.as_text()?)))
    }

    /// Where to point when a container field is missing: its `name:` entry.
    pub fn anchor_span(&self) -> Span {
        match self.node.entry("name") {
            Some((key, value)) => Span::new(key.span().start, value.span().end),
            None => self.node.head_span(),
        }
    }

    /// `container "app"`, `init container "setup"`.
    pub fn describe(&self) -> String {
        format!("{} \"{}\"", self.kind.noun(), self.name())
    }

    /// The field path of this container in its object, for fingerprints:
    /// `spec.template.spec.containers[app]`.
    pub fn path(&self) -> String {
        format!("{}.{}[{}]", self.pod_path, self.kind.field(), self.name())
    }
}
