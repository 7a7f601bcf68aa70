//! `.Capabilities` as `helm template` sees it without a cluster: Helm's
//! default Kubernetes version and API versions, changed by `--kube-version`
//! and `--api-versions`.

use std::rc::Rc;

use super::value::{GoObject, Value};

/// The Helm release whose behaviour the renderer follows.
pub const HELM_VERSION: &str = "v4.2.3";
const HELM_GO_VERSION: &str = "go1.25.5";

/// Kubernetes version of `helm template` without `--kube-version`: the
/// client-go minor version Helm was built with, as 1.<minor>.0.
pub const DEFAULT_KUBE_VERSION: &str = "v1.36.0";

/// Every API version of Helm's default set (client-go's scheme plus apiextensions).
pub const DEFAULT_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1",
    "resource.k8s.io/v1beta2",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha2",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

/// `.Capabilities.KubeVersion`.
#[derive(Clone, Debug, PartialEq)]
pub struct KubeVersion {
    /// As given, with a `v` prefix (`v1.33.4-gke.1245000`).
    pub version: String,
    /// `v<major>.<minor>.<patch>`, for constraint checks.
    pub normalized: String,
    pub major: String,
    pub minor: String,
}

impl KubeVersion {
    /// Parses a `--kube-version` value as Helm does (`1.30`, `v1.30.2`,
    /// `1.33.4-gke.1`): a major and minor are required.
    pub fn parse(text: &str) -> Result<KubeVersion, String> {
        let bare = text.strip_prefix('v').unwrap_or(text);
        let core_end = bare
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(bare.len());
        let core = &bare[..core_end];
        let parts: Vec<&str> = core.split('.').collect();
        let number = |s: &str| -> Option<u64> {
            (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse().ok())
                .flatten()
        };
        let invalid =
            || format!("invalid kube version {text:?}: could not parse {text:?} as version");
        if parts.len() < 2 || parts.len() > 3 {
            return Err(invalid());
        }
        let major = number(parts[0]).ok_or_else(invalid)?;
        let minor = number(parts[1]).ok_or_else(invalid)?;
        let patch = match parts.get(2) {
            Some(p) => number(p).ok_or_else(invalid)?,
            None => 0,
        };
        let rest = &bare[core_end..];
        if !rest.is_empty() && !rest.starts_with(['-', '+']) {
            return Err(invalid());
        }
        Ok(KubeVersion {
            version: format!("v{bare}"),
            normalized: format!("v{major}.{minor}.{patch}"),
            major: major.to_string(),
            minor: minor.to_string(),
        })
    }
}

impl Default for KubeVersion {
    fn default() -> Self {
        KubeVersion {
            version: DEFAULT_KUBE_VERSION.to_string(),
            normalized: DEFAULT_KUBE_VERSION.to_string(),
            major: "1".to_string(),
            minor: "36".to_string(),
        }
    }
}

impl GoObject for KubeVersion {
    fn type_name(&self) -> &str {
        "common.KubeVersion"
    }

    fn field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "Version" | "GitVersion" => Value::str(self.version.as_str()),
            "Major" => Value::str(self.major.as_str()),
            "Minor" => Value::str(self.minor.as_str()),
            "String" => Value::str(self.normalized.as_str()),
            _ => return None,
        })
    }

    fn call(&self, method: &str, args: &[Value]) -> Option<Result<Value, String>> {
        match method {
            "GitVersion" | "String" => Some(if args.is_empty() {
                Ok(self.field(method).unwrap_or_default())
            } else {
                Err(format!(
                    "wrong number of args for {method}: want 0 got {}",
                    args.len()
                ))
            }),
            _ => None,
        }
    }

    fn display(&self) -> String {
        self.normalized.clone()
    }
}

/// `.Capabilities.APIVersions`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VersionSet(pub Vec<String>);

impl GoObject for VersionSet {
    fn type_name(&self) -> &str {
        "common.VersionSet"
    }

    fn field(&self, _name: &str) -> Option<Value> {
        None
    }

    fn call(&self, method: &str, args: &[Value]) -> Option<Result<Value, String>> {
        if method != "Has" {
            return None;
        }
        Some(match args {
            [Value::Str(s)] => Ok(Value::Bool(self.0.iter().any(|v| v == s.as_str()))),
            [other] => Err(format!(
                "wrong type for value; expected string; got {}",
                other.type_name()
            )),
            _ => Err(format!(
                "wrong number of args for Has: want 1 got {}",
                args.len()
            )),
        })
    }

    fn display(&self) -> String {
        format!("[{}]", self.0.join(" "))
    }
}

/// `.Capabilities.HelmVersion`.
#[derive(Clone, Debug, PartialEq)]
struct BuildInfo;

impl GoObject for BuildInfo {
    fn type_name(&self) -> &str {
        "version.BuildInfo"
    }

    fn field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "Version" => Value::str(HELM_VERSION),
            "GitCommit" => Value::str(""),
            "GitTreeState" => Value::str("clean"),
            "GoVersion" => Value::str(HELM_GO_VERSION),
            _ => return None,
        })
    }

    fn call(&self, _method: &str, _args: &[Value]) -> Option<Result<Value, String>> {
        None
    }

    fn display(&self) -> String {
        format!("{{{HELM_VERSION}  clean {HELM_GO_VERSION}}}")
    }
}

/// `.Capabilities`.
#[derive(Clone, Debug)]
pub struct Capabilities {
    pub kube_version: Rc<KubeVersion>,
    pub api_versions: Rc<VersionSet>,
}

impl Capabilities {
    /// Helm's defaults, with `--kube-version` and extra `--api-versions`.
    pub fn new(
        kube_version: Option<&str>,
        extra_api_versions: &[String],
    ) -> Result<Capabilities, String> {
        let kube_version = match kube_version {
            Some(text) => KubeVersion::parse(text)?,
            None => KubeVersion::default(),
        };
        let mut versions: Vec<String> =
            DEFAULT_API_VERSIONS.iter().map(|s| s.to_string()).collect();
        versions.extend(extra_api_versions.iter().cloned());
        Ok(Capabilities {
            kube_version: Rc::new(kube_version),
            api_versions: Rc::new(VersionSet(versions)),
        })
    }
}

impl GoObject for Capabilities {
    fn type_name(&self) -> &str {
        "*common.Capabilities"
    }

    fn field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "KubeVersion" => Value::Object(self.kube_version.clone()),
            "APIVersions" => Value::Object(self.api_versions.clone()),
            "HelmVersion" => Value::Object(Rc::new(BuildInfo)),
            _ => return None,
        })
    }

    fn call(&self, _method: &str, _args: &[Value]) -> Option<Result<Value, String>> {
        None
    }

    fn display(&self) -> String {
        let k = &self.kube_version;
        format!(
            "&{{{{{} {} {} {}}} {} {}}}",
            k.version,
            k.normalized,
            k.major,
            k.minor,
            self.api_versions.display(),
            BuildInfo.display()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kube_versions_parse_as_helm_does() {
        let v = KubeVersion::parse("1.30").unwrap();
        assert_eq!(
            (v.version.as_str(), v.normalized.as_str()),
            ("v1.30", "v1.30.0")
        );
        assert_eq!((v.major.as_str(), v.minor.as_str()), ("1", "30"));
        let v = KubeVersion::parse("v1.33.4-gke.1245000").unwrap();
        assert_eq!(v.version, "v1.33.4-gke.1245000");
        assert_eq!(v.normalized, "v1.33.4");
        assert!(KubeVersion::parse("1").is_err());
        assert!(KubeVersion::parse("one.two").is_err());
        assert_eq!(KubeVersion::default().version, DEFAULT_KUBE_VERSION);
    }

    #[test]
    fn api_versions_has() {
        let caps = Capabilities::new(None, &["example.com/v1".to_string()]).unwrap();
        let Some(Value::Object(set)) = caps.field("APIVersions") else {
            panic!("APIVersions")
        };
        let has = |v: &str| set.call("Has", &[Value::str(v)]).unwrap().unwrap().truthy();
        assert!(has("apps/v1"));
        assert!(has("policy/v1"));
        assert!(has("example.com/v1"));
        assert!(!has("monitoring.coreos.com/v1"));
        assert!(caps.display().ends_with("}}"));
    }
}
