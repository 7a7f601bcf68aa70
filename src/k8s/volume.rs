//! A pod's volumes, the mounts its containers make of them, and host paths
//! as the node sees them.

use super::{Container, PodSpec};
use crate::source::Span;
use crate::yaml::NodeRef;

/// One entry of a pod's `volumes`.
#[derive(Clone, Copy, Debug)]
pub struct Volume<'a> {
    pub node: NodeRef<'a>,
}

impl<'a> Volume<'a> {
    /// Every volume of the pod, in source order.
    pub fn all(pod: &PodSpec<'a>) -> impl Iterator<Item = Volume<'a>> + 'a {
        pod.volumes().map(|node| Volume { node })
    }

    /// The volume that a mount names (the first one, should the name repeat).
    pub fn named(pod: &PodSpec<'a>, name: &str) -> Option<Volume<'a>> {
        Volume::all(pod).find(|v| v.node.get("name").and_then(|n| n.as_text()) == Some(name))
    }

    pub fn name(&self) -> &'a str {
        self.node
            .get("name")
            .and_then(|n| n.as_text())
            .unwrap_or("<unnamed>")
    }

    /// `volume "data"`.
    pub fn describe(&self) -> String {
        format!("volume \"{}\"", self.name())
    }

    /// Where to point at the volume as a whole: its `name:` entry.
    pub fn anchor_span(&self) -> Span {
        match self.node.entry("name") {
            Some((key, value)) => Span::new(key.span().start, value.span().end),
            None => self.node.head_span(),
        }
    }

    /// The field path of this volume within the pod spec, for fingerprints.
    pub fn path(&self) -> String {
        format!("volumes[{}]", self.name())
    }

    /// The volume's sources (`hostPath:`, `emptyDir:`, `nfs:` ...) as key and
    /// value: every entry but `name`, skipping explicit nulls, which
    /// Kubernetes reads as absent.
    pub fn sources(&self) -> impl Iterator<Item = (NodeRef<'a>, NodeRef<'a>)> + 'a {
        self.node
            .entries()
            .filter(|(key, value)| key.text() != Some("name") && !value.is_null())
    }

    /// The `hostPath` source, if this is a hostPath volume.
    pub fn host_path(&self) -> Option<HostPathSource<'a>> {
        let (key, value) = self.node.entry("hostPath")?;
        if value.is_null() {
            return None;
        }
        Some(HostPathSource {
            key,
            path: value.get("path"),
        })
    }
}

/// A volume's `hostPath:` entry.
#[derive(Clone, Copy, Debug)]
pub struct HostPathSource<'a> {
    /// The `hostPath` key.
    pub key: NodeRef<'a>,
    /// The `path` value, when set.
    pub path: Option<NodeRef<'a>>,
}

/// One entry of a container's `volumeMounts`.
#[derive(Clone, Copy, Debug)]
pub struct VolumeMount<'a> {
    pub node: NodeRef<'a>,
}

impl<'a> VolumeMount<'a> {
    /// The name of the volume mounted.
    pub fn name(&self) -> Option<&'a str> {
        self.node.get("name")?.as_text()
    }

    /// Where to point at the mount as a whole: its first entry.
    pub fn anchor_span(&self) -> Span {
        self.node.head_span()
    }
}

impl<'a> Container<'a> {
    /// The container's `volumeMounts` entries.
    pub fn volume_mounts(&self) -> impl Iterator<Item = VolumeMount<'a>> + 'a {
        self.node
            .get("volumeMounts")
            .into_iter()
            .flat_map(|m| m.items())
            .filter(|m| m.is_map())
            .map(|node| VolumeMount { node })
    }
}

/// The components of an absolute host path as the node resolves it: empty
/// components and `.` dropped, `..` applied, and `/var/run` read as `/run`,
/// which it links to on current Linux distributions. `None` for anything
/// that is not an absolute Unix path (a Windows path, a relative path).
/// The root itself is the empty list.
pub fn host_path_components(path: &str) -> Option<Vec<&str>> {
    let path = path.trim();
    if !path.starts_with('/') {
        return None;
    }
    let mut components: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                components.pop();
            }
            _ => components.push(part),
        }
    }
    if components.starts_with(&["var", "run"]) {
        components.remove(0);
    }
    Some(components)
}

#[cfg(test)]
mod tests {
    use super::host_path_components;

    #[test]
    fn host_paths_are_normalised() {
        let cases: [(&str, Option<&[&str]>); 8] = [
            ("/", Some(&[])),
            ("//", Some(&[])),
            ("/etc/", Some(&["etc"])),
            ("//etc//./ssl/", Some(&["etc", "ssl"])),
            ("/usr/../etc", Some(&["etc"])),
            ("/var/run/docker.sock", Some(&["run", "docker.sock"])),
            ("var/log", None),
            (r"\\.\pipe\docker_engine", None),
        ];
        for (path, expected) in cases {
            assert_eq!(host_path_components(path).as_deref(), expected, "{path}");
        }
    }
}
