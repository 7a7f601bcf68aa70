//! The seccomp profile a container runs with: the `seccompProfile` fields and
//! the legacy annotations they replaced.

use super::{Container, PodSpec};
use crate::yaml::NodeRef;

/// The legacy pod-wide annotation, honoured when no field is set.
pub const SECCOMP_POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
/// The legacy per-container annotation prefix; the container's name follows.
pub const SECCOMP_CONTAINER_ANNOTATION: &str = "container.seccomp.security.alpha.kubernetes.io/";

/// Where a container's seccomp profile was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeccompSource {
    ContainerField,
    ContainerAnnotation,
    PodField,
    PodAnnotation,
}

/// What the profile amounts to, whichever way it was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeccompKind {
    RuntimeDefault,
    Localhost,
    Unconfined,
    /// Anything else: a misspelling, or a value still to be rendered.
    Other,
}

/// A seccomp setting: the `type` value or the annotation value.
#[derive(Clone, Copy, Debug)]
pub struct SeccompProfile<'a> {
    pub node: NodeRef<'a>,
    pub source: SeccompSource,
    pub kind: SeccompKind,
}

impl SeccompProfile<'_> {
    /// RuntimeDefault or Localhost: a profile that filters system calls.
    pub fn confines(&self) -> bool {
        matches!(
            self.kind,
            SeccompKind::RuntimeDefault | SeccompKind::Localhost
        )
    }
}

impl<'a> SeccompProfile<'a> {
    fn from_field(node: NodeRef<'a>, source: SeccompSource) -> Self {
        let kind = match node.as_text() {
            Some("RuntimeDefault") => SeccompKind::RuntimeDefault,
            Some("Localhost") => SeccompKind::Localhost,
            Some("Unconfined") => SeccompKind::Unconfined,
            _ => SeccompKind::Other,
        };
        SeccompProfile { node, source, kind }
    }

    fn from_annotation(node: NodeRef<'a>, source: SeccompSource) -> Self {
        let kind = match node.as_text() {
            Some("runtime/default" | "docker/default") => SeccompKind::RuntimeDefault,
            Some("unconfined") => SeccompKind::Unconfined,
            Some(text) if text.starts_with("localhost/") => SeccompKind::Localhost,
            _ => SeccompKind::Other,
        };
        SeccompProfile { node, source, kind }
    }
}

impl<'a> PodSpec<'a> {
    /// The profile that applies to a container, by precedence: its own
    /// `seccompProfile.type`, its legacy annotation, the pod's
    /// `seccompProfile.type`, the pod's legacy annotation. `None` when nothing
    /// sets one (the runtime then runs it Unconfined unless the kubelet
    /// defaults it).
    pub fn seccomp_profile(&self, container: &Container<'a>) -> Option<SeccompProfile<'a>> {
        if let Some(node) = container
            .security_context()
            .and_then(|s| s.path("seccompProfile.type"))
        {
            return Some(SeccompProfile::from_field(
                node,
                SeccompSource::ContainerField,
            ));
        }
        let key = format!("{SECCOMP_CONTAINER_ANNOTATION}{}", container.name());
        if let Some(node) = self.annotation(&key) {
            return Some(SeccompProfile::from_annotation(
                node,
                SeccompSource::ContainerAnnotation,
            ));
        }
        self.pod_seccomp_profile()
    }

    /// The pod-wide profile: `spec.securityContext.seccompProfile.type`, else
    /// the legacy pod annotation.
    pub fn pod_seccomp_profile(&self) -> Option<SeccompProfile<'a>> {
        if let Some(node) = self
            .security_context()
            .and_then(|s| s.path("seccompProfile.type"))
        {
            return Some(SeccompProfile::from_field(node, SeccompSource::PodField));
        }
        let node = self.annotation(SECCOMP_POD_ANNOTATION)?;
        Some(SeccompProfile::from_annotation(
            node,
            SeccompSource::PodAnnotation,
        ))
    }
}
