use super::*;
use crate::checks::run_on_text;
use crate::engine::KubeVersion;

fn findings(params: serde_json::Value, yaml: &str) -> Vec<String> {
    findings_at(params, yaml, KubeVersion::LATEST)
}

fn findings_at(params: serde_json::Value, yaml: &str, version: KubeVersion) -> Vec<String> {
    let check = ComponentFlags::new(serde_json::from_value(params).unwrap()).unwrap();
    run_on_text(&check, yaml, version)
        .into_iter()
        .map(|f| {
            let text = &f.file.text[f.span.start as usize..f.span.end as usize];
            format!("{text} | {}", f.message)
        })
        .collect()
}

const APISERVER: &str = "
apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver, namespace: kube-system}
spec:
  containers:
    - name: kube-apiserver
      command:
        - kube-apiserver
        - --anonymous-auth=True
        - --authorization-mode=Node,AlwaysAllow
        - --enable-admission-plugins=NodeRestriction
        - --audit-log-maxage=7
        - --request-timeout=10m
        - --tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_RSA_WITH_RC4_128_SHA
";

#[test]
fn scalar_conditions_report_at_the_item_with_evidence() {
    let params = serde_json::json!({
        "component": "kube-apiserver",
        "checks": [
            {"flag": "anonymous-auth", "not-equals": false, "default": true,
             "message": "{container} allows anonymous requests"},
            {"flag": "audit-log-maxage", "below": 30, "message": "{container} keeps audit logs briefly"},
            {"flag": "request-timeout", "above": "300s", "message": "{container} waits long"},
            {"flag": "profiling", "not-equals": false, "default": true,
             "message": "{container} serves profiling data"},
            {"flag": "audit-log-path", "missing": true, "message": "{container} writes no audit log"},
        ]
    });
    assert_eq!(
        findings(params, APISERVER),
        [
            "--anonymous-auth=True | container \"kube-apiserver\" allows anonymous requests (--anonymous-auth=True)",
            "--audit-log-maxage=7 | container \"kube-apiserver\" keeps audit logs briefly (--audit-log-maxage=7)",
            "--request-timeout=10m | container \"kube-apiserver\" waits long (--request-timeout=10m)",
            "command | container \"kube-apiserver\" serves profiling data (--profiling is not set and defaults to true)",
            "command | container \"kube-apiserver\" writes no audit log (--audit-log-path is not set)",
        ]
    );
}

#[test]
fn list_conditions_report_at_elements() {
    let params = serde_json::json!({
        "component": "kube-apiserver",
        "checks": [
            {"flag": "authorization-mode", "contains": ["AlwaysAllow"], "default": "AlwaysAllow",
             "message": "{container} uses authorization mode {item}"},
            {"flag": "authorization-mode", "lacks": ["RBAC"], "message": "{container} lacks {item}"},
            {"flag": "enable-admission-plugins", "lacks": ["EventRateLimit", "AlwaysPullImages", "NodeRestriction"],
             "default": "", "message": "{container} does not enable {item}"},
            {"flag": "tls-cipher-suites", "only": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"],
             "message": "{container} allows {item}"},
        ]
    });
    assert_eq!(
        findings(params, APISERVER),
        [
            "AlwaysAllow | container \"kube-apiserver\" uses authorization mode AlwaysAllow (--authorization-mode includes AlwaysAllow)",
            "--authorization-mode=Node,AlwaysAllow | container \"kube-apiserver\" lacks RBAC (not in --authorization-mode)",
            "--enable-admission-plugins=NodeRestriction | container \"kube-apiserver\" does not enable EventRateLimit, AlwaysPullImages (not in --enable-admission-plugins)",
            "TLS_RSA_WITH_RC4_128_SHA | container \"kube-apiserver\" allows TLS_RSA_WITH_RC4_128_SHA (--tls-cipher-suites includes TLS_RSA_WITH_RC4_128_SHA)",
        ]
    );
}

#[test]
fn absent_lists_use_their_default() {
    let yaml = "
apiVersion: v1
kind: Pod
metadata: {name: a}
spec:
  containers:
    - name: a
      command: [kube-apiserver]
      args: [--secure-port=6443]
";
    let params = serde_json::json!({
        "component": "kube-apiserver",
        "checks": [
            {"flag": "authorization-mode", "contains": ["AlwaysAllow"], "default": "AlwaysAllow",
             "message": "{container} uses authorization mode {item}"},
            {"flag": "authorization-mode", "lacks": ["RBAC"], "message": "{container} lacks {item}"},
        ]
    });
    assert_eq!(
        findings(params, yaml),
        [
            "command | container \"a\" uses authorization mode AlwaysAllow (--authorization-mode is not set and defaults to AlwaysAllow)"
        ]
    );
}

#[test]
fn unknown_values_versions_and_other_flags_gate_checks() {
    let yaml = "
apiVersion: v1
kind: Pod
metadata: {name: a}
spec:
  containers:
    - name: a
      command:
        - kube-apiserver
        - --profiling={{ .Values.profiling }}
        - --anonymous-auth=$(ANONYMOUS)
        - --authorization-config=/etc/kubernetes/authz.yaml
";
    let params = serde_json::json!({
        "component": "kube-apiserver",
        "checks": [
            {"flag": "profiling", "not-equals": false, "default": true, "message": "p"},
            {"flag": "anonymous-auth", "not-equals": false, "default": true, "message": "a"},
            {"flag": "authorization-mode", "contains": ["AlwaysAllow"], "default": "AlwaysAllow",
             "unless": "authorization-config", "message": "m"},
            {"flag": "audit-log-maxage", "below": 30, "default": 0, "when": "audit-log-path", "message": "w"},
            {"flag": "enable-admission-plugins", "lacks-all": ["PodSecurityPolicy", "SecurityContextDeny"],
             "default": "", "before": "1.25", "message": "{container} enables none of {item}"},
        ]
    });
    assert!(findings(params.clone(), yaml).is_empty());
    let old = KubeVersion {
        major: 1,
        minor: 24,
    };
    assert_eq!(
        findings_at(params, yaml, old),
        [
            "command | container \"a\" enables none of PodSecurityPolicy, SecurityContextDeny (--enable-admission-plugins is not set)"
        ]
    );
}

#[test]
fn kubelet_config_flag_and_file() {
    let params = serde_json::json!({
        "component": "kubelet",
        "config-flag": "config",
        "config-file": {"api-group": "kubelet.config.k8s.io", "kind": "KubeletConfiguration"},
        "checks": [
            {"flag": "anonymous-auth", "field": "authentication.anonymous.enabled", "not-equals": false,
             "default": true, "field-default": false, "message": "{container} allows anonymous requests"},
            {"flag": "read-only-port", "field": "readOnlyPort", "not-equals": 0,
             "default": 10255, "field-default": 0, "message": "{container} serves a read-only port"},
            {"flag": "streaming-connection-idle-timeout", "field": "streamingConnectionIdleTimeout",
             "equals": 0, "message": "{container} keeps idle streams"},
            {"flag": "feature-gates", "key": "RotateKubeletServerCertificate",
             "field": "featureGates.RotateKubeletServerCertificate", "equals": false, "message": "{container} rotates nothing"},
            {"flag": "tls-cert-file", "field": "tlsCertFile", "missing": true,
             "unless": "rotate-server-certificates", "unless-field": "serverTLSBootstrap",
             "message": "{container} has no serving certificate"},
            {"flag": "hostname-override", "present": true, "message": "{container} overrides its name"},
        ]
    });
    let yaml = "
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous: {enabled: yes}
streamingConnectionIdleTimeout: 0s
featureGates: {RotateKubeletServerCertificate: false}
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
readOnlyPort: 0
serverTLSBootstrap: true
---
apiVersion: v1
kind: Pod
metadata: {name: k}
spec:
  containers:
    - name: kubelet
      command: [kubelet, --config=/var/lib/kubelet/config.yaml, --hostname-override=node-1]
";
    assert_eq!(
        findings(params, yaml),
        [
            "yes | KubeletConfiguration allows anonymous requests (authentication.anonymous.enabled: true)",
            "0s | KubeletConfiguration keeps idle streams (streamingConnectionIdleTimeout: 0s)",
            "false | KubeletConfiguration rotates nothing (featureGates.RotateKubeletServerCertificate: false)",
            "kind | KubeletConfiguration has no serving certificate (tlsCertFile is not set)",
            "--hostname-override=node-1 | container \"kubelet\" overrides its name (--hostname-override is set)",
        ]
    );
}

#[test]
fn invalid_parameters_are_errors() {
    let build = |checks: serde_json::Value| {
        ComponentFlags::new(
            serde_json::from_value(
                serde_json::json!({"component": "kube-apiserver", "checks": checks}),
            )
            .unwrap(),
        )
        .err()
    };
    assert!(build(serde_json::json!([{"flag": "a", "message": "m"}])).is_some());
    assert!(
        build(serde_json::json!([{"flag": "a", "missing": true, "present": true, "message": "m"}]))
            .is_some()
    );
    assert!(build(serde_json::json!([{"flag": "a", "below": "soon", "message": "m"}])).is_some());
    assert!(
        build(serde_json::json!([{"flag": "a", "missing": true, "default": 1, "message": "m"}]))
            .is_some()
    );
    assert!(
        build(serde_json::json!([{"flag": "a", "equals": 1, "since": "one", "message": "m"}]))
            .is_some()
    );
    assert!(build(serde_json::json!([{"flag": "a", "equals": 1, "message": "m"}])).is_none());
    let unknown = serde_json::json!({"component": "apiserver", "checks": [{"flag": "a", "equals": 1, "message": "m"}]});
    assert!(ComponentFlags::new(serde_json::from_value(unknown).unwrap()).is_err());
}
