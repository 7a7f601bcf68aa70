//! The operating system a pod is declared for.

use super::PodSpec;

impl PodSpec<'_> {
    /// `spec.os.name: windows`. The API server rejects Linux-only settings
    /// (capabilities, seccomp, `allowPrivilegeEscalation`, `runAsUser`,
    /// `readOnlyRootFilesystem` ...) on such pods, and the Pod Security
    /// Standards exempt them from the Linux-only controls.
    pub fn is_windows(&self) -> bool {
        self.spec.path("os.name").and_then(|n| n.as_text()) == Some("windows")
    }
}
