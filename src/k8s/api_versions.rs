//! What the API server serves: apiVersion and kind pairs that are deprecated
//! or removed, from which Kubernetes version, and kinds without a namespace.

/// An apiVersion of a kind that Kubernetes deprecated, and removed or will.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeprecatedApi {
    pub api_version: &'static str,
    pub kind: &'static str,
    /// The minor version of Kubernetes 1 that deprecated it.
    pub deprecated: u32,
    /// The minor version that stopped serving it.
    pub removed: u32,
    /// The apiVersion to use instead.
    pub replacement: &'static str,
}

const fn api(
    api_version: &'static str,
    kind: &'static str,
    deprecated: u32,
    removed: u32,
    replacement: &'static str,
) -> DeprecatedApi {
    DeprecatedApi {
        api_version,
        kind,
        deprecated,
        removed,
        replacement,
    }
}

/// Beta and pre-release apiVersions of built-in kinds that the API server no
/// longer serves, from the Kubernetes deprecated API migration guide.
pub const DEPRECATED_APIS: &[DeprecatedApi] = &[
    // Removed in 1.16.
    api("extensions/v1beta1", "Deployment", 9, 16, "apps/v1"),
    api("extensions/v1beta1", "DaemonSet", 9, 16, "apps/v1"),
    api("extensions/v1beta1", "ReplicaSet", 9, 16, "apps/v1"),
    api("apps/v1beta1", "Deployment", 9, 16, "apps/v1"),
    api("apps/v1beta1", "StatefulSet", 9, 16, "apps/v1"),
    api("apps/v1beta1", "ControllerRevision", 9, 16, "apps/v1"),
    api("apps/v1beta2", "Deployment", 9, 16, "apps/v1"),
    api("apps/v1beta2", "DaemonSet", 9, 16, "apps/v1"),
    api("apps/v1beta2", "ReplicaSet", 9, 16, "apps/v1"),
    api("apps/v1beta2", "StatefulSet", 9, 16, "apps/v1"),
    api("apps/v1beta2", "ControllerRevision", 9, 16, "apps/v1"),
    api(
        "extensions/v1beta1",
        "NetworkPolicy",
        9,
        16,
        "networking.k8s.io/v1",
    ),
    api(
        "extensions/v1beta1",
        "PodSecurityPolicy",
        11,
        16,
        "policy/v1beta1",
    ),
    // Removed in 1.22.
    api(
        "admissionregistration.k8s.io/v1beta1",
        "MutatingWebhookConfiguration",
        16,
        22,
        "admissionregistration.k8s.io/v1",
    ),
    api(
        "admissionregistration.k8s.io/v1beta1",
        "ValidatingWebhookConfiguration",
        16,
        22,
        "admissionregistration.k8s.io/v1",
    ),
    api(
        "apiextensions.k8s.io/v1beta1",
        "CustomResourceDefinition",
        16,
        22,
        "apiextensions.k8s.io/v1",
    ),
    api(
        "apiregistration.k8s.io/v1beta1",
        "APIService",
        19,
        22,
        "apiregistration.k8s.io/v1",
    ),
    api(
        "authentication.k8s.io/v1beta1",
        "TokenReview",
        19,
        22,
        "authentication.k8s.io/v1",
    ),
    api(
        "authorization.k8s.io/v1beta1",
        "SubjectAccessReview",
        19,
        22,
        "authorization.k8s.io/v1",
    ),
    api(
        "authorization.k8s.io/v1beta1",
        "LocalSubjectAccessReview",
        19,
        22,
        "authorization.k8s.io/v1",
    ),
    api(
        "authorization.k8s.io/v1beta1",
        "SelfSubjectAccessReview",
        19,
        22,
        "authorization.k8s.io/v1",
    ),
    api(
        "certificates.k8s.io/v1beta1",
        "CertificateSigningRequest",
        19,
        22,
        "certificates.k8s.io/v1",
    ),
    api(
        "coordination.k8s.io/v1beta1",
        "Lease",
        19,
        22,
        "coordination.k8s.io/v1",
    ),
    api(
        "extensions/v1beta1",
        "Ingress",
        14,
        22,
        "networking.k8s.io/v1",
    ),
    api(
        "networking.k8s.io/v1beta1",
        "Ingress",
        19,
        22,
        "networking.k8s.io/v1",
    ),
    api(
        "networking.k8s.io/v1beta1",
        "IngressClass",
        19,
        22,
        "networking.k8s.io/v1",
    ),
    api(
        "rbac.authorization.k8s.io/v1beta1",
        "ClusterRole",
        17,
        22,
        "rbac.authorization.k8s.io/v1",
    ),
    api(
        "rbac.authorization.k8s.io/v1beta1",
        "ClusterRoleBinding",
        17,
        22,
        "rbac.authorization.k8s.io/v1",
    ),
    api(
        "rbac.authorization.k8s.io/v1beta1",
        "Role",
        17,
        22,
        "rbac.authorization.k8s.io/v1",
    ),
    api(
        "rbac.authorization.k8s.io/v1beta1",
        "RoleBinding",
        17,
        22,
        "rbac.authorization.k8s.io/v1",
    ),
    api(
        "scheduling.k8s.io/v1beta1",
        "PriorityClass",
        14,
        22,
        "scheduling.k8s.io/v1",
    ),
    api(
        "storage.k8s.io/v1beta1",
        "CSIDriver",
        19,
        22,
        "storage.k8s.io/v1",
    ),
    api(
        "storage.k8s.io/v1beta1",
        "CSINode",
        17,
        22,
        "storage.k8s.io/v1",
    ),
    api(
        "storage.k8s.io/v1beta1",
        "StorageClass",
        19,
        22,
        "storage.k8s.io/v1",
    ),
    api(
        "storage.k8s.io/v1beta1",
        "VolumeAttachment",
        19,
        22,
        "storage.k8s.io/v1",
    ),
    // Removed in 1.25.
    api("batch/v1beta1", "CronJob", 21, 25, "batch/v1"),
    api(
        "discovery.k8s.io/v1beta1",
        "EndpointSlice",
        21,
        25,
        "discovery.k8s.io/v1",
    ),
    api("events.k8s.io/v1beta1", "Event", 19, 25, "events.k8s.io/v1"),
    api(
        "autoscaling/v2beta1",
        "HorizontalPodAutoscaler",
        22,
        25,
        "autoscaling/v2",
    ),
    api("policy/v1beta1", "PodDisruptionBudget", 21, 25, "policy/v1"),
    api(
        "policy/v1beta1",
        "PodSecurityPolicy",
        21,
        25,
        "Pod Security admission",
    ),
    api(
        "node.k8s.io/v1beta1",
        "RuntimeClass",
        20,
        25,
        "node.k8s.io/v1",
    ),
    // Removed in 1.26.
    api(
        "flowcontrol.apiserver.k8s.io/v1beta1",
        "FlowSchema",
        23,
        26,
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    api(
        "flowcontrol.apiserver.k8s.io/v1beta1",
        "PriorityLevelConfiguration",
        23,
        26,
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    api(
        "autoscaling/v2beta2",
        "HorizontalPodAutoscaler",
        23,
        26,
        "autoscaling/v2",
    ),
    // Removed in 1.27.
    api(
        "storage.k8s.io/v1beta1",
        "CSIStorageCapacity",
        24,
        27,
        "storage.k8s.io/v1",
    ),
    // Removed in 1.29.
    api(
        "flowcontrol.apiserver.k8s.io/v1beta2",
        "FlowSchema",
        26,
        29,
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    api(
        "flowcontrol.apiserver.k8s.io/v1beta2",
        "PriorityLevelConfiguration",
        26,
        29,
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    // Removed in 1.32.
    api(
        "flowcontrol.apiserver.k8s.io/v1beta3",
        "FlowSchema",
        29,
        32,
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    api(
        "flowcontrol.apiserver.k8s.io/v1beta3",
        "PriorityLevelConfiguration",
        29,
        32,
        "flowcontrol.apiserver.k8s.io/v1",
    ),
];

/// The deprecation of an apiVersion and kind, if Kubernetes deprecated it.
pub fn deprecated_api(api_version: &str, kind: &str) -> Option<&'static DeprecatedApi> {
    DEPRECATED_APIS
        .iter()
        .find(|a| a.api_version == api_version && a.kind == kind)
}

/// Built-in kinds that live outside any namespace, by API group.
const CLUSTER_SCOPED: &[(&str, &[&str])] = &[
    (
        "",
        &["Namespace", "Node", "PersistentVolume", "ComponentStatus"],
    ),
    (
        "rbac.authorization.k8s.io",
        &["ClusterRole", "ClusterRoleBinding"],
    ),
    ("apiextensions.k8s.io", &["CustomResourceDefinition"]),
    ("apiregistration.k8s.io", &["APIService"]),
    (
        "admissionregistration.k8s.io",
        &[
            "MutatingWebhookConfiguration",
            "ValidatingWebhookConfiguration",
            "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding",
            "MutatingAdmissionPolicy",
            "MutatingAdmissionPolicyBinding",
        ],
    ),
    (
        "storage.k8s.io",
        &[
            "StorageClass",
            "CSIDriver",
            "CSINode",
            "VolumeAttachment",
            "VolumeAttributesClass",
        ],
    ),
    ("scheduling.k8s.io", &["PriorityClass"]),
    ("node.k8s.io", &["RuntimeClass"]),
    ("policy", &["PodSecurityPolicy"]),
    ("extensions", &["PodSecurityPolicy"]),
    (
        "networking.k8s.io",
        &["IngressClass", "IPAddress", "ServiceCIDR"],
    ),
    (
        "certificates.k8s.io",
        &["CertificateSigningRequest", "ClusterTrustBundle"],
    ),
    (
        "flowcontrol.apiserver.k8s.io",
        &["FlowSchema", "PriorityLevelConfiguration"],
    ),
    ("resource.k8s.io", &["DeviceClass", "ResourceSlice"]),
    (
        "authentication.k8s.io",
        &["TokenReview", "SelfSubjectReview"],
    ),
    (
        "authorization.k8s.io",
        &[
            "SubjectAccessReview",
            "SelfSubjectAccessReview",
            "SelfSubjectRulesReview",
        ],
    ),
    ("gateway.networking.k8s.io", &["GatewayClass"]),
    ("config.openshift.io", &["*"]),
    ("security.openshift.io", &["SecurityContextConstraints"]),
    ("cert-manager.io", &["ClusterIssuer"]),
];

/// True for a kind that Kubernetes keeps outside namespaces (ClusterRole,
/// StorageClass …). Unknown custom kinds count as namespaced.
pub fn is_cluster_scoped(api_version: &str, kind: &str) -> bool {
    let group = api_version.rsplit_once('/').map_or("", |(group, _)| group);
    kind.starts_with("Cluster")
        || CLUSTER_SCOPED
            .iter()
            .any(|(g, kinds)| *g == group && kinds.iter().any(|k| *k == "*" || *k == kind))
}

#[cfg(test)]
mod tests {
    use super::{DEPRECATED_APIS, deprecated_api, is_cluster_scoped};

    #[test]
    fn table_is_consistent() {
        for api in DEPRECATED_APIS {
            assert!(api.deprecated < api.removed, "{api:?}");
            let same = DEPRECATED_APIS
                .iter()
                .filter(|a| a.api_version == api.api_version && a.kind == api.kind)
                .count();
            assert_eq!(same, 1, "{api:?} listed twice");
        }
        assert_eq!(
            deprecated_api("batch/v1beta1", "CronJob").unwrap().removed,
            25
        );
        assert!(deprecated_api("apps/v1", "Deployment").is_none());
    }

    #[test]
    fn scopes() {
        assert!(is_cluster_scoped(
            "rbac.authorization.k8s.io/v1",
            "ClusterRole"
        ));
        assert!(is_cluster_scoped("v1", "Namespace"));
        assert!(is_cluster_scoped("cert-manager.io/v1", "ClusterIssuer"));
        assert!(!is_cluster_scoped("v1", "ConfigMap"));
        assert!(!is_cluster_scoped("example.com/v1", "Widget"));
    }
}
