//! Where images come from and what they are: `image-registry` (allowed and
//! denied registries), `vulnerable-component` (images at versions with a
//! known advisory), and components that should not run at all:
//! `kubernetes-dashboard`, `tiller` and `git-sync-custom-git`.

use serde::Deserialize;

use super::{Check, fill, unrendered};
use crate::engine::Cx;
use crate::k8s::{Container, ImageRef, Object, PodSpec};
use crate::yaml::NodeRef;

fn not_allowed(container: &str, image: &str) -> String {
    format!("{container} pulls \"{image}\", which is not from an allowed registry")
}

const DENIED: &str = "{container} pulls from \"{registry}\", which is denied";

fn vulnerable(container: &str, component: &str, version: &str, issue: &str) -> String {
    format!("{container} runs {component} {version}, {issue}")
}

fn dashboard_image(container: &str, image: &str) -> String {
    format!("{container} runs the Kubernetes dashboard (\"{image}\")")
}

fn dashboard_label(object: &str, label: &str) -> String {
    format!("{object} is labelled as the Kubernetes dashboard ({label})")
}

fn tiller_image(container: &str, exposed: bool) -> String {
    if exposed {
        format!("{container} runs Helm v2 Tiller, listening beyond localhost")
    } else {
        format!("{container} runs Helm v2 Tiller")
    }
}

fn tiller_label(object: &str) -> String {
    format!("{object} is labelled as Helm v2 Tiller (app=helm, name=tiller)")
}

fn tiller_service(object: &str) -> String {
    format!("{object} exposes Helm v2 Tiller")
}

fn custom_git(container: &str, setting: &str, value: Option<&str>) -> String {
    match value {
        Some(value) => {
            format!("{container} points git-sync at a custom git binary ({setting} \"{value}\")")
        }
        None => format!(
            "{container} points git-sync at a custom git binary ({setting} set from a reference)"
        ),
    }
}

/// Containers whose image can be judged: present and not a template.
fn images<'a>(pod: &PodSpec<'a>) -> Vec<(Container<'a>, NodeRef<'a>, ImageRef<'a>)> {
    pod.containers()
        .filter_map(|container| {
            let (node, image) = container.image()?;
            (!image.full.is_empty() && !image.is_templated()).then_some((container, node, image))
        })
        .collect()
}

/// The registry host as the runtime resolves it: Docker Hub when none is named.
fn registry_of(image: &ImageRef<'_>) -> String {
    canonical_host(image.registry.unwrap_or("docker.io"))
}

/// Docker Hub answers to several names; they are one registry.
fn canonical_host(host: &str) -> String {
    let host = host.to_ascii_lowercase();
    match host.as_str() {
        "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com" => {
            "docker.io".into()
        }
        _ => host,
    }
}

/// The repository path within its registry (`library/nginx` for `nginx`).
fn repository_of(image: &ImageRef<'_>) -> String {
    let repository = image.repository.to_ascii_lowercase();
    if image.registry.is_none() && !repository.contains('/') {
        format!("library/{repository}")
    } else {
        repository
    }
}

/// A registry entry: a host (`ghcr.io`), a host with a repository prefix
/// (`ghcr.io/acme`), or any subdomain of a host (`*.example.com`).
fn entry_matches(entry: &str, image: &ImageRef<'_>) -> bool {
    let entry = entry.trim().trim_end_matches('/').to_ascii_lowercase();
    let (host, prefix) = match entry.split_once('/') {
        Some((host, prefix)) => (host, Some(prefix)),
        None => (entry.as_str(), None),
    };
    let registry = registry_of(image);
    let host_ok = match host.strip_prefix("*.") {
        Some(domain) => registry.ends_with(&format!(".{domain}")),
        None => registry == canonical_host(host),
    };
    let repository = repository_of(image);
    host_ok && prefix.is_none_or(|p| repository == p || repository.starts_with(&format!("{p}/")))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RegistryParams {
    /// When not empty, images must come from one of these.
    #[serde(default)]
    pub allowed: Vec<String>,
    /// Images must not come from any of these (checked first).
    #[serde(default)]
    pub denied: Vec<String>,
    /// The message for a denied registry; `{container}`, `{registry}` (the
    /// entry that matched) and `{image}` are filled in.
    #[serde(default)]
    pub denied_message: Option<String>,
}

/// `image-registry`: images from a denied registry, or from one not on the
/// allowed list. With both lists empty it reports nothing.
pub struct ImageRegistry {
    params: RegistryParams,
}

impl ImageRegistry {
    pub fn new(params: RegistryParams) -> Result<Self, String> {
        let entries = params.allowed.iter().chain(&params.denied);
        if let Some(bad) = entries.into_iter().find(|e| e.trim().is_empty()) {
            return Err(format!("empty registry entry {bad:?}"));
        }
        Ok(ImageRegistry { params })
    }
}

impl Check for ImageRegistry {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        let p = &self.params;
        for (container, node, image) in images(&pod) {
            let describe = container.describe();
            let denied = p.denied.iter().find(|e| entry_matches(e, &image));
            let message = if let Some(entry) = denied {
                fill(
                    p.denied_message.as_deref().unwrap_or(DENIED),
                    &[
                        ("container", &describe),
                        ("registry", entry.trim()),
                        ("image", image.full),
                    ],
                )
            } else if !p.allowed.is_empty() && !p.allowed.iter().any(|e| entry_matches(e, &image)) {
                not_allowed(&describe, image.full)
            } else {
                continue;
            };
            cx.report(node.span(), message)
                .in_container(&container, "image");
        }
    }
}

/// One entry of the table of vulnerable versions.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Component {
    /// How messages name it (`Argo CD`).
    pub name: String,
    /// Repositories, matched at the end of the image's repository path
    /// (`argoproj/argocd` matches `quay.io/argoproj/argocd`).
    pub images: Vec<String>,
    /// Version ranges affected.
    pub affected: Vec<VersionRange>,
    /// What is wrong, as the message ends (`affected by CVE-… (fixed in …)`).
    pub issue: String,
}

/// `from` (inclusive) up to `before` (exclusive); either may be left out.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct VersionRange {
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub before: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ComponentParams {
    pub components: Vec<Component>,
}

/// A parsed `1.12.0` (a leading `v` and any suffix such as `-ubuntu` or
/// `-rc.1` dropped); at least major and minor.
fn version(text: &str) -> Option<Vec<u64>> {
    let text = text.trim().trim_start_matches(['v', 'V']);
    let numeric = text
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .next()?;
    let parts: Vec<u64> = numeric
        .split('.')
        .filter(|p| !p.is_empty())
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    (parts.len() >= 2).then_some(parts)
}

fn compare(a: &[u64], b: &[u64]) -> std::cmp::Ordering {
    let length = a.len().max(b.len());
    let at = |v: &[u64], i: usize| v.get(i).copied().unwrap_or(0);
    (0..length)
        .map(|i| at(a, i).cmp(&at(b, i)))
        .find(|o| o.is_ne())
        .unwrap_or(std::cmp::Ordering::Equal)
}

impl VersionRange {
    fn contains(&self, v: &[u64]) -> bool {
        let bound = |b: &Option<String>| b.as_deref().and_then(version);
        bound(&self.from).is_none_or(|from| compare(v, &from).is_ge())
            && bound(&self.before).is_none_or(|before| compare(v, &before).is_lt())
    }
}

/// `vulnerable-component`: an image of a table entry whose tag is a version
/// in an affected range. Tags that are not versions (`latest`, a branch)
/// and digest-only references are not judged; the first matching entry wins.
pub struct VulnerableComponent {
    params: ComponentParams,
}

impl VulnerableComponent {
    pub fn new(params: ComponentParams) -> Result<Self, String> {
        for component in &params.components {
            for range in &component.affected {
                for bound in [&range.from, &range.before].into_iter().flatten() {
                    if version(bound).is_none() {
                        return Err(format!("{}: `{bound}` is not a version", component.name));
                    }
                }
            }
        }
        Ok(VulnerableComponent { params })
    }
}

impl Check for VulnerableComponent {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        for (container, node, image) in images(&pod) {
            let (Some(tag), repository) = (image.tag, image.repository.to_ascii_lowercase()) else {
                continue;
            };
            let Some(found) = version(tag) else {
                continue;
            };
            let component = self.params.components.iter().find(|c| {
                c.images
                    .iter()
                    .any(|i| repository == *i || repository.ends_with(&format!("/{i}")))
                    && c.affected.iter().any(|r| r.contains(&found))
            });
            if let Some(c) = component {
                let message = vulnerable(&container.describe(), &c.name, tag, &c.issue);
                cx.report(node.span(), message)
                    .in_container(&container, "image");
            }
        }
    }
}

/// `kubernetes-dashboard`: a container running the dashboard, or else a
/// pod template labelled as the dashboard.
pub struct KubernetesDashboard;

const DASHBOARD_LABELS: [&str; 3] = ["app", "k8s-app", "app.kubernetes.io/name"];

impl Check for KubernetesDashboard {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        let mut found = false;
        for (container, node, image) in images(&pod) {
            let dashboard = image
                .repository
                .split('/')
                .any(|part| part == "kubernetesui" || part.contains("kubernetes-dashboard"));
            if dashboard {
                found = true;
                cx.report(
                    node.span(),
                    dashboard_image(&container.describe(), image.full),
                )
                .in_container(&container, "image");
            }
        }
        if found {
            return;
        }
        let labels = pod.metadata.and_then(|m| m.get("labels"));
        for key in DASHBOARD_LABELS {
            let Some(value) = labels.and_then(|l| l.get(key)) else {
                continue;
            };
            if value.as_text() == Some("kubernetes-dashboard") {
                let label = format!("{key}=kubernetes-dashboard");
                cx.report(
                    value.span(),
                    dashboard_label(&object.display_name(), &label),
                )
                .at_path(format!("{}.labels.{key}", metadata_path(&pod)));
                return;
            }
        }
    }
}

fn metadata_path(pod: &PodSpec<'_>) -> String {
    match pod.path.strip_suffix("spec") {
        Some(parent) => format!("{parent}metadata"),
        None => "metadata".into(),
    }
}

/// `tiller`: Helm v2's server: a Tiller container (noting when it listens
/// beyond localhost), a pod template labelled as Tiller, or a Service named
/// for or selecting Tiller.
pub struct Tiller;

fn tiller_labels(labels: Option<NodeRef<'_>>) -> bool {
    let label = |key| labels.and_then(|l| l.get(key)).and_then(|v| v.as_text());
    label("app") == Some("helm") && label("name") == Some("tiller")
}

/// `--listen=localhost:44134`, `--listen 127.0.0.1:44134`.
fn listens_locally(container: &Container<'_>) -> bool {
    let words: Vec<&str> = ["command", "args"]
        .iter()
        .flat_map(|f| container.node.get(f).into_iter().flat_map(|l| l.items()))
        .filter_map(|n| n.as_text())
        .collect();
    words.iter().enumerate().any(|(i, word)| {
        let address = match word.strip_prefix("--listen") {
            Some(rest) if rest.starts_with('=') => &rest[1..],
            Some("") => words.get(i + 1).copied().unwrap_or(""),
            _ => return false,
        };
        address.starts_with("localhost:") || address.starts_with("127.0.0.1:")
    })
}

impl Check for Tiller {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let name = object.display_name();
        if object.kind == "Service" {
            let spec = object.root.get("spec");
            let selector = spec.and_then(|s| s.get("selector"));
            let named = object.name.is_some_and(|n| n.contains("tiller"));
            let span = if named {
                object
                    .metadata()
                    .and_then(|m| m.get("name"))
                    .map(|n| n.span())
            } else if tiller_labels(selector) {
                spec.and_then(|s| s.key_span("selector"))
            } else {
                None
            };
            if let Some(span) = span {
                cx.report(span, tiller_service(&name));
            }
            return;
        }
        let Some(pod) = object.pod_spec() else {
            return;
        };
        let mut found = false;
        for (container, node, image) in images(&pod) {
            if image.repository.rsplit('/').next() != Some("tiller") {
                continue;
            }
            found = true;
            let exposed = !listens_locally(&container);
            cx.report(node.span(), tiller_image(&container.describe(), exposed))
                .in_container(&container, "image");
        }
        let labels = pod.metadata.and_then(|m| m.get("labels"));
        if !found && tiller_labels(labels) {
            let span = pod
                .metadata
                .and_then(|m| m.key_span("labels"))
                .unwrap_or(pod.anchor_span());
            cx.report(span, tiller_label(&name))
                .at_path(format!("{}.labels", metadata_path(&pod)));
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct GitSyncParams {
    /// Environment variables that name git-sync's git binary.
    pub variables: Vec<String>,
}

/// `git-sync-custom-git`: git-sync told to run another git binary, by an
/// environment variable (in any container: git-sync images are often
/// mirrored under other names) or by `--git` in a git-sync container's
/// arguments.
pub struct GitSyncCustomGit {
    params: GitSyncParams,
}

impl GitSyncCustomGit {
    pub fn new(params: GitSyncParams) -> Self {
        GitSyncCustomGit { params }
    }
}

impl Check for GitSyncCustomGit {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        for container in pod.containers() {
            let describe = container.describe();
            for var in container.env() {
                let name = var.name_text();
                if !self.params.variables.iter().any(|v| v == name) {
                    continue;
                }
                let value = var.value.and_then(|v| v.as_text()).unwrap_or("");
                if var.value_from.is_none() && (value.trim().is_empty() || unrendered(value)) {
                    continue;
                }
                let shown = var.value_from.is_none().then_some(value);
                let span = var.name.map_or(var.node.head_span(), |n| n.span());
                cx.report(span, custom_git(&describe, name, shown))
                    .in_container(&container, &format!("env[{name}]"));
            }
            let git_sync = container
                .image()
                .is_some_and(|(_, image)| image.repository.contains("git-sync"));
            if !git_sync {
                continue;
            }
            let args = ["command", "args"].into_iter().flat_map(|field| {
                container
                    .node
                    .get(field)
                    .into_iter()
                    .flat_map(|l| l.items())
                    .map(move |n| (field, n))
            });
            let args: Vec<_> = args.collect();
            for (i, (field, node)) in args.iter().enumerate() {
                let Some(text) = node.as_text() else {
                    continue;
                };
                let value = match text.strip_prefix("--git") {
                    Some(rest) if rest.starts_with('=') => rest[1..].to_string(),
                    Some("") => args
                        .get(i + 1)
                        .and_then(|(_, n)| n.as_text())
                        .unwrap_or("")
                        .to_string(),
                    _ => continue,
                };
                if value.is_empty() || unrendered(&value) {
                    continue;
                }
                cx.report(node.span(), custom_git(&describe, "--git", Some(&value)))
                    .in_container(&container, field);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_entries() {
        let image = |text| ImageRef::parse(text);
        assert!(entry_matches("docker.io", &image("nginx:1.27")));
        assert!(entry_matches("docker.io/library", &image("nginx")));
        assert!(entry_matches("index.docker.io", &image("bitnami/redis")));
        assert!(entry_matches(
            "docker.io",
            &image("index.docker.io/bitnami/redis")
        ));
        assert!(entry_matches("ghcr.io/acme", &image("ghcr.io/acme/app:1")));
        assert!(!entry_matches(
            "ghcr.io/acme",
            &image("ghcr.io/acmecorp/app:1")
        ));
        assert!(entry_matches(
            "*.dkr.ecr.eu-west-1.amazonaws.com",
            &image("123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1")
        ));
        assert!(!entry_matches("*.example.com", &image("example.com/app")));
        assert!(entry_matches("K8S.GCR.IO/", &image("k8s.gcr.io/pause:3.2")));
    }

    #[test]
    fn versions_and_ranges() {
        assert_eq!(version("v1.12.0"), Some(vec![1, 12, 0]));
        assert_eq!(version("9.2.3-ubuntu"), Some(vec![9, 2, 3]));
        assert_eq!(version("2.3.0-rc1"), Some(vec![2, 3, 0]));
        assert_eq!(version("latest"), None);
        assert_eq!(version("1"), None);
        let range = VersionRange {
            from: Some("2.2.0".into()),
            before: Some("2.2.4".into()),
        };
        assert!(range.contains(&[2, 2, 0]));
        assert!(range.contains(&[2, 2, 3]));
        assert!(!range.contains(&[2, 2, 4]));
        assert!(!range.contains(&[2, 1, 9]));
        let open = VersionRange {
            from: None,
            before: Some("2.1.9".into()),
        };
        assert!(open.contains(&[1, 8]));
        assert!(!open.contains(&[2, 1, 9]));
    }
}
