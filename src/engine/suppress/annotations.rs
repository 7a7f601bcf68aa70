//! Suppressions declared by annotations: harden's own, and those of
//! kube-linter, kube-score, Polaris and checkov.

use std::sync::Arc;

use super::comments::split_names;
use super::{EVERY_CHECK, Scope, Suppression, Tool};
use crate::k8s::Object;
use crate::source::{SourceFile, Span};
use crate::yaml::NodeRef;

/// The annotation harden reads on an object or its pod template.
pub const IGNORE_ANNOTATION: &str = "harden.dev/ignore";

/// The suppressions an object's annotations (and its pod template's) declare.
pub fn annotations(
    file: &Arc<SourceFile>,
    object: &Object<'_>,
    identity: &str,
) -> Vec<Suppression> {
    let mut out = Vec::new();
    let mut maps = vec![object.metadata()];
    if let Some(pod) = object.pod_spec()
        && pod.path != "spec"
    {
        maps.push(pod.metadata);
    }
    let scope = Scope::Object {
        span: object.root.span(),
        identity: identity.to_string(),
    };
    for annotations in maps
        .into_iter()
        .flatten()
        .filter_map(|m| m.get("annotations"))
    {
        for (key, value) in annotations.entries() {
            let Some((tool, names)) = key.text().and_then(|k| read_annotation(k, value)) else {
                continue;
            };
            out.push(Suppression {
                file: Arc::clone(file),
                at: Span::new(key.span().start, value.span().end.max(key.span().end)),
                tool,
                names,
                scope: scope.clone(),
            });
        }
    }
    out
}

/// One annotation as a suppression, in the spellings of harden, kube-linter
/// (`ignore-check.kube-linter.io/<check>: reason`, `kube-linter.io/ignore-all`),
/// kube-score (`kube-score/ignore: a,b`), Polaris
/// (`polaris.fairwinds.com/<check>-exempt: "true"`, `polaris.fairwinds.com/exempt`)
/// and checkov (`checkov.io/skip<N>: CKV_K8S_20=reason`).
fn read_annotation(key: &str, value: NodeRef<'_>) -> Option<(Tool, Vec<String>)> {
    let text = value.as_text().unwrap_or("");
    if key == IGNORE_ANNOTATION {
        return Some((Tool::Harden, split_names(text)));
    }
    if key == "kube-linter.io/ignore-all" {
        return Some((Tool::KubeLinter, vec![EVERY_CHECK.to_string()]));
    }
    if key == "polaris.fairwinds.com/exempt" {
        return text
            .eq_ignore_ascii_case("true")
            .then(|| (Tool::Polaris, vec![EVERY_CHECK.to_string()]));
    }
    if let Some(check) = key.strip_prefix("ignore-check.kube-linter.io/") {
        return Some((Tool::KubeLinter, vec![check.to_string()]));
    }
    if key == "kube-score/ignore" {
        return Some((Tool::KubeScore, split_names(text)));
    }
    if let Some(check) = key
        .strip_prefix("polaris.fairwinds.com/")
        .and_then(|k| k.strip_suffix("-exempt"))
    {
        return text
            .eq_ignore_ascii_case("true")
            .then(|| (Tool::Polaris, vec![check.to_string()]));
    }
    if let Some(n) = key.strip_prefix("checkov.io/skip")
        && !n.is_empty()
        && n.bytes().all(|b| b.is_ascii_digit())
    {
        let id = text.split('=').next().unwrap_or("").trim();
        return (!id.is_empty()).then(|| (Tool::Checkov, vec![id.to_string()]));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_tools_annotations() {
        let text = "metadata:
  annotations:
    ignore-check.kube-linter.io/host-network: agent
    kube-linter.io/ignore-all: legacy
    kube-score/ignore: a, b
    polaris.fairwinds.com/hostPIDSet-exempt: \"true\"
    polaris.fairwinds.com/runAsRootAllowed-exempt: \"false\"
    polaris.fairwinds.com/exempt: \"true\"
    checkov.io/skip1: CKV_K8S_16=modules
    checkov.io/skip2: CKV_K8S_14
    checkov.io/skipper: x
    example.com/other: y
";
        let src: Arc<str> = text.into();
        let parsed = crate::yaml::parse_stream(&src, &Default::default());
        let root = parsed.documents[0].root().unwrap();
        let found: Vec<(Tool, Vec<String>)> = root
            .path("metadata.annotations")
            .unwrap()
            .entries()
            .filter_map(|(k, v)| read_annotation(k.text().unwrap(), v))
            .collect();
        let names = |tool: Tool| -> Vec<String> {
            found
                .iter()
                .filter(|(t, _)| *t == tool)
                .flat_map(|(_, n)| n.clone())
                .collect()
        };
        assert_eq!(names(Tool::KubeLinter), ["host-network", "*"]);
        assert_eq!(names(Tool::KubeScore), ["a", "b"]);
        assert_eq!(names(Tool::Polaris), ["hostPIDSet", "*"]);
        assert_eq!(names(Tool::Checkov), ["CKV_K8S_16", "CKV_K8S_14"]);
        let spec = &crate::engine::registry()
            .get("no-host-network")
            .unwrap()
            .spec;
        assert!(Tool::Checkov.names("CKV_K8S_19", spec));
        assert!(!Tool::Checkov.names("CKV_K8S_16", spec));
        assert!(Tool::KubeLinter.names("*", spec));
        assert!(
            !Tool::KubeScore.names("*", spec),
            "no kube-score equivalent"
        );
        assert!(!Tool::Harden.names("*", spec));
    }
}
