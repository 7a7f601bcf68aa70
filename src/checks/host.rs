//! What a pod takes from its node: host ports, probes and hooks aimed at
//! other hosts, `/etc/hosts` entries, and volumes (hostPath and the other
//! volume types).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::Check;
use super::unrendered;
use crate::engine::{Cx, KubeVersion};
use crate::k8s::{Object, Volume, host_path_components};

/// `host-path-volume`: every volume with a `hostPath` source.
pub struct HostPathVolume;

impl Check for HostPathVolume {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        for volume in Volume::all(&pod) {
            let Some(host_path) = volume.host_path() else {
                continue;
            };
            let path = host_path.path.and_then(|p| p.as_text());
            let message = match path {
                Some(path) if !unrendered(path) => {
                    format!("{} mounts host path {path}", volume.describe())
                }
                _ => format!("{} is a hostPath volume", volume.describe()),
            };
            cx.report(host_path.key.span(), message)
                .with_label(volume.anchor_span(), volume.describe())
                .at_path(format!("{}.{}.hostPath", pod.path, volume.path()));
        }
    }
}

/// `volume-types`: volume sources outside an allowed list.
pub struct VolumeTypes {
    allowed: Vec<String>,
    since: BTreeMap<String, KubeVersion>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct VolumeTypesParams {
    /// Volume source fields that may be used (`configMap`, `emptyDir` ...).
    allowed: Vec<String>,
    /// Allowed types that are allowed only from a Kubernetes version on
    /// (`image: "1.33"`).
    #[serde(default)]
    since: BTreeMap<String, String>,
}

impl VolumeTypes {
    pub fn new(params: VolumeTypesParams) -> Result<Self, String> {
        if params.allowed.is_empty() {
            return Err("`allowed` lists no volume type".into());
        }
        let mut since = BTreeMap::new();
        for (source, version) in &params.since {
            if !params.allowed.contains(source) {
                return Err(format!(
                    "`since` names `{source}`, which is not in `allowed`"
                ));
            }
            let version = KubeVersion::parse(version)
                .ok_or_else(|| format!("`{version}` is not a Kubernetes version"))?;
            since.insert(source.clone(), version);
        }
        Ok(VolumeTypes {
            allowed: params.allowed,
            since,
        })
    }

    /// Why a source is not allowed for a Kubernetes version, if it is not.
    fn refusal(&self, source: &str, version: KubeVersion) -> Option<String> {
        if !self.allowed.iter().any(|a| a == source) {
            return Some("which is not an allowed volume type".into());
        }
        let from = self.since.get(source).filter(|&&from| version < from)?;
        Some(format!("which is allowed only from Kubernetes {from}"))
    }
}

impl Check for VolumeTypes {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        for volume in Volume::all(&pod) {
            for (key, _) in volume.sources() {
                let Some(source) = key.text() else {
                    continue;
                };
                let Some(refusal) = self.refusal(source, cx.settings.kube_version) else {
                    continue;
                };
                let message = format!("{} uses {source}, {refusal}", volume.describe());
                cx.report(key.span(), message)
                    .with_label(volume.anchor_span(), volume.describe())
                    .at_path(format!("{}.{}.{source}", pod.path, volume.path()));
            }
        }
    }
}

/// `host-path`: hostPath volumes whose path is, lies under, or holds one of
/// a list of host locations, or whose file name ends in one of a list.
pub struct HostPath {
    params: HostPathParams,
    locations: Vec<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct HostPathParams {
    /// What the listed locations are, for messages ("sensitive host path").
    what: String,
    /// Absolute host locations. `*` stands for any one path component; `/`
    /// stands for the root alone.
    #[serde(default)]
    paths: Vec<String>,
    /// Which mounts of a listed location count.
    #[serde(default)]
    direction: Direction,
    /// Endings of the path's last component (`docker.sock`); Windows paths
    /// such as named pipes are matched too.
    #[serde(default)]
    file_names: Vec<String>,
}

#[derive(Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// The location itself or anything under it.
    #[default]
    Below,
    /// The location itself or a directory that holds it.
    Holding,
    /// Either of the above.
    Either,
}

/// How a mounted host path relates to a listed location.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Relation {
    Same,
    Under,
    Holds,
}

fn relate(path: &[&str], location: &[String]) -> Option<Relation> {
    if location.is_empty() {
        return path.is_empty().then_some(Relation::Same);
    }
    let common = path
        .iter()
        .zip(location)
        .take_while(|(p, l)| l.as_str() == "*" || *p == l)
        .count();
    match (common == path.len(), common == location.len()) {
        (true, true) => Some(Relation::Same),
        (false, true) => Some(Relation::Under),
        (true, false) => Some(Relation::Holds),
        (false, false) => None,
    }
}

impl HostPath {
    pub fn new(params: HostPathParams) -> Result<Self, String> {
        if params.paths.is_empty() && params.file_names.is_empty() {
            return Err("give `paths`, `file-names` or both".into());
        }
        let mut locations = Vec::new();
        for path in &params.paths {
            let components = host_path_components(path)
                .ok_or_else(|| format!("`{path}` is not an absolute path"))?;
            locations.push(components.into_iter().map(String::from).collect());
        }
        Ok(HostPath { params, locations })
    }

    /// The closest listed location for a path, and how the path relates to it.
    fn closest(&self, text: &str) -> Option<(Relation, &str)> {
        let components = host_path_components(text);
        let last = text
            .trim()
            .rsplit(['/', '\\'])
            .find(|c| !c.is_empty())
            .unwrap_or("");
        if let Some(name) = self
            .params
            .file_names
            .iter()
            .find(|n| last.ends_with(n.as_str()))
        {
            return Some((Relation::Same, name.as_str()));
        }
        let components = components?;
        let direction = self.params.direction;
        self.locations
            .iter()
            .zip(&self.params.paths)
            .filter_map(|(location, listed)| {
                let relation = relate(&components, location)?;
                let wanted = match relation {
                    Relation::Same => true,
                    Relation::Under => direction != Direction::Holding,
                    Relation::Holds => direction != Direction::Below,
                };
                wanted.then_some((relation, listed.as_str()))
            })
            .min_by_key(|&(relation, _)| relation)
    }
}

impl Check for HostPath {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        let what = &self.params.what;
        for volume in Volume::all(&pod) {
            let Some(node) = volume.host_path().and_then(|h| h.path) else {
                continue;
            };
            let Some(text) = node.as_text().filter(|t| !unrendered(t)) else {
                continue;
            };
            let Some((relation, location)) = self.closest(text) else {
                continue;
            };
            let volume_name = volume.describe();
            let path = text.trim();
            let message = match relation {
                Relation::Same => format!("{volume_name} mounts {what} {path}"),
                Relation::Under => format!("{volume_name} mounts {path}, under {what} {location}"),
                Relation::Holds => {
                    format!("{volume_name} mounts {path}, which holds {what} {location}")
                }
            };
            cx.report(node.span(), message)
                .with_label(volume.anchor_span(), volume_name)
                .at_path(format!("{}.{}.hostPath.path", pod.path, volume.path()));
        }
    }
}

/// `writable-host-path`: container mounts of hostPath volumes without
/// `readOnly: true`.
pub struct WritableHostPath;

impl Check for WritableHostPath {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        for container in pod.containers() {
            for mount in container.volume_mounts() {
                let Some(volume) = mount.name().and_then(|n| Volume::named(&pod, n)) else {
                    continue;
                };
                if volume.host_path().is_none() {
                    continue;
                }
                let read_only = mount.node.get("readOnly");
                let (span, detail) = match read_only.map(|r| (r, r.as_bool())) {
                    None => (mount.anchor_span(), " (readOnly is not set)"),
                    Some((node, Some(false))) => (node.span(), ""),
                    // true, or a value Kubernetes would reject or a template fills in.
                    Some(_) => continue,
                };
                let message = format!(
                    "{} mounts hostPath {} writable{detail}",
                    container.describe(),
                    volume.describe()
                );
                let field = format!("volumeMounts[{}].readOnly", volume.name());
                cx.report(span, message)
                    .in_container(&container, &field)
                    .with_label(
                        volume.anchor_span(),
                        format!("hostPath {}", volume.describe()),
                    );
            }
        }
    }
}

/// `host-port`: container ports bound on the node.
pub struct HostPort;

impl Check for HostPort {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        for container in pod.containers() {
            let ports = container.get("ports").into_iter().flat_map(|p| p.items());
            for (index, port) in ports.enumerate() {
                let Some(node) = port.get("hostPort") else {
                    continue;
                };
                let Some(number) = node.as_i64().filter(|&n| n != 0) else {
                    continue;
                };
                let message = format!("{} binds host port {number}", container.describe());
                cx.report(node.span(), message)
                    .in_container(&container, &format!("ports[{index}].hostPort"));
            }
        }
    }
}

/// Probe and lifecycle handlers that may carry a `host`, and how messages name them.
const HANDLERS: [(&str, &str); 5] = [
    ("livenessProbe", "liveness probe"),
    ("readinessProbe", "readiness probe"),
    ("startupProbe", "startup probe"),
    ("lifecycle.postStart", "postStart hook"),
    ("lifecycle.preStop", "preStop hook"),
];

/// `probe-host`: probes and lifecycle hooks sent to a host other than the
/// pod. The Pod Security Standards forbid it from Kubernetes 1.34.
pub struct ProbeHost;

impl Check for ProbeHost {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        if !cx.settings.kube_version.at_least(1, 34) {
            return;
        }
        let Some(pod) = object.pod_spec() else {
            return;
        };
        for container in pod.containers() {
            for (handler, noun) in HANDLERS {
                for action in ["httpGet", "tcpSocket"] {
                    let field = format!("{handler}.{action}.host");
                    let Some(node) = container.get(&field) else {
                        continue;
                    };
                    let Some(host) = node.as_text().filter(|h| !h.is_empty() && !unrendered(h))
                    else {
                        continue;
                    };
                    let message =
                        format!("{} sends its {noun} to host {host}", container.describe());
                    cx.report(node.span(), message)
                        .in_container(&container, &field);
                }
            }
        }
    }
}

/// `host-aliases`: entries the pod adds to its `/etc/hosts`.
pub struct HostAliases;

impl Check for HostAliases {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        let Some((key, aliases)) = pod.spec.entry("hostAliases") else {
            return;
        };
        let count = aliases.items().filter(|a| a.is_map()).count();
        if count == 0 {
            return;
        }
        let noun = if count == 1 {
            "host alias"
        } else {
            "host aliases"
        };
        let message = format!(
            "{} adds {count} {noun} to /etc/hosts",
            object.display_name()
        );
        cx.report(key.span(), message)
            .at_path(format!("{}.hostAliases", pod.path));
    }
}

#[cfg(test)]
mod tests {
    use super::{HostPath, Relation, VolumeTypes, relate};
    use crate::checks::parse;

    fn components(path: &str) -> Vec<String> {
        crate::k8s::host_path_components(path)
            .unwrap()
            .into_iter()
            .map(String::from)
            .collect()
    }

    #[test]
    fn relations_follow_path_components() {
        let home_aws = components("/home/*/.aws");
        let cases = [
            ("/home/alice/.aws", Some(Relation::Same)),
            ("/home/alice/.aws/credentials", Some(Relation::Under)),
            ("/home/alice", Some(Relation::Holds)),
            ("/home", Some(Relation::Holds)),
            ("/", Some(Relation::Holds)),
            ("/home2/alice/.aws", None),
            ("/home/alice/.awsx", None),
        ];
        for (path, expected) in cases {
            let path = crate::k8s::host_path_components(path).unwrap();
            assert!(relate(&path, &home_aws) == expected, "{path:?}");
        }
        // The root as a listed location stands for itself alone.
        assert!(relate(&[], &[]) == Some(Relation::Same));
        assert!(relate(&["etc"], &[]).is_none());
    }

    #[test]
    fn parameters_are_checked() {
        let host_path = |params| HostPath::new(parse(&params)?);
        assert!(host_path(serde_json::json!({"what": "x"})).is_err());
        assert!(host_path(serde_json::json!({"what": "x", "paths": ["etc"]})).is_err());
        assert!(host_path(serde_json::json!({"what": "x", "paths": ["/etc"]})).is_ok());
        assert!(
            host_path(serde_json::json!({"what": "x", "paths": ["/etc"], "direction": "up"}))
                .is_err()
        );
        let volume_types = |params| VolumeTypes::new(parse(&params)?);
        assert!(volume_types(serde_json::json!({"allowed": []})).is_err());
        assert!(
            volume_types(serde_json::json!({"allowed": ["secret"], "since": {"image": "1.33"}}))
                .is_err()
        );
        assert!(
            volume_types(serde_json::json!({"allowed": ["image"], "since": {"image": "soon"}}))
                .is_err()
        );
        assert!(
            volume_types(serde_json::json!({"allowed": ["image"], "since": {"image": "1.33"}}))
                .is_ok()
        );
        assert!(crate::checks::build("host-port", &serde_json::json!({"x": 1})).is_err());
        assert!(crate::checks::build("host-port", &serde_json::Value::Null).is_ok());
    }
}
