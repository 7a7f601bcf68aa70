//! Rendered templates laid out as `helm template` prints them: NOTES.txt
//! dropped, each file split into documents, documents sorted by kind in
//! Helm's install order (keeping file and document order otherwise), hooks
//! after the rest, each under `---` and a `# Source:` line.

use std::sync::Arc;

use super::render::RenderedTemplate;
use crate::yaml;

/// Kinds in the order Helm installs them; other kinds come after, by name.
pub const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// One document of the output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    /// The template it came from (`nginx/templates/x.yaml`).
    pub source: String,
    pub content: String,
    pub kind: String,
    /// Carries a `helm.sh/hook` annotation.
    pub hook: bool,
}

/// Helm's `SplitManifests`: the documents of a file, trimmed, split at
/// `---` lines (the regex `(?:^|\s*\n)---\s*`).
pub fn split_documents(text: &str) -> Vec<String> {
    let text = text.trim();
    let bytes = text.as_bytes();
    let mut docs = Vec::new();
    let mut pos = 0;
    let mut doc_start = 0;
    while pos <= bytes.len() {
        let Some(found) = text[pos..].find("---").map(|i| i + pos) else {
            break;
        };
        let at_separator = found == 0 || (found > pos && bytes[found - 1] == b'\n');
        if !at_separator {
            pos = found + 1;
            continue;
        }
        let mut end = found + 3;
        while end < bytes.len() && matches!(bytes[end], b' ' | b'\t' | b'\n' | b'\r' | 0x0c) {
            end += 1;
        }
        docs.push(&text[doc_start..found]);
        doc_start = end;
        pos = end;
    }
    docs.push(&text[doc_start..]);
    docs.into_iter()
        .filter(|d| !d.is_empty())
        .map(|d| d.trim().to_string())
        .collect()
}

fn kind_rank(kind: &str) -> Option<usize> {
    INSTALL_ORDER.iter().position(|k| *k == kind)
}

/// Helm's `lessByKind`.
fn less_by_kind(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (kind_rank(a), kind_rank(b)) {
        (None, None) => a.cmp(b),
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) => x.cmp(&y),
    }
}

/// The documents of the rendered templates in Helm's order: manifests, then
/// hooks. An invalid document is Helm's YAML parse error.
pub fn sort_manifests(
    templates: &[RenderedTemplate],
) -> Result<(Vec<Manifest>, Vec<Manifest>), String> {
    let mut files: Vec<&RenderedTemplate> = templates
        .iter()
        .filter(|t| !t.name.ends_with("NOTES.txt"))
        .filter(|t| !t.name.rsplit('/').next().unwrap_or("").starts_with('_'))
        .filter(|t| !t.text.trim().is_empty())
        .collect();
    files.sort_by(|a, b| a.name.cmp(&b.name));
    let mut manifests = Vec::new();
    let mut hooks = Vec::new();
    for file in files {
        for doc in split_documents(&file.text) {
            let (kind, hook) =
                head(&doc).map_err(|e| format!("YAML parse error on {}: {e}", file.name))?;
            let m = Manifest {
                source: file.name.clone(),
                content: doc,
                kind,
                hook,
            };
            if hook {
                hooks.push(m);
            } else {
                manifests.push(m);
            }
        }
    }
    manifests.sort_by(|a, b| less_by_kind(&a.kind, &b.kind));
    hooks.sort_by(|a, b| less_by_kind(&a.kind, &b.kind));
    Ok((manifests, hooks))
}

/// A document's kind and whether it is a hook.
fn head(doc: &str) -> Result<(String, bool), String> {
    let src: Arc<str> = Arc::from(doc);
    let parsed = yaml::parse_stream(&src, &yaml::Limits::default());
    if let Some(error) = parsed.error {
        let line = doc.as_bytes()[..(error.offset as usize).min(doc.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        return Err(format!(
            "error converting YAML to JSON: yaml: line {line}: {}",
            error.message
        ));
    }
    let Some(root) = parsed.documents.first().and_then(|d| d.root()) else {
        return Ok((String::new(), false));
    };
    let kind = root
        .get("kind")
        .and_then(|k| k.as_text())
        .unwrap_or("")
        .to_string();
    let hook = root
        .path("metadata.annotations")
        .is_some_and(|a| a.entry("helm.sh/hook").is_some());
    Ok((kind, hook))
}

/// The text `helm template` prints.
pub fn template_output(templates: &[RenderedTemplate]) -> Result<String, String> {
    let (manifests, hooks) = sort_manifests(templates)?;
    let mut body = String::new();
    for m in &manifests {
        body.push_str(&format!("---\n# Source: {}\n{}\n", m.source, m.content));
    }
    let mut out = body.trim().to_string();
    out.push('\n');
    for m in &hooks {
        out.push_str(&format!("---\n# Source: {}\n{}\n", m.source, m.content));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(name: &str, text: &str) -> RenderedTemplate {
        RenderedTemplate {
            name: name.to_string(),
            text: text.to_string(),
            spans: Vec::new(),
            is_test: false,
        }
    }

    #[test]
    fn splits_as_helm() {
        assert_eq!(split_documents("a: 1\n---\nb: 2\n"), ["a: 1", "b: 2"]);
        assert_eq!(
            split_documents("---\na: 1\n---  \n\n---\n"),
            ["a: 1", "---"]
        );
        assert_eq!(split_documents("a: x---y"), ["a: x---y"]);
        assert_eq!(split_documents("  \n"), Vec::<String>::new());
        assert_eq!(
            split_documents("a: 1\n--- # c\nb: 2"),
            ["a: 1", "# c\nb: 2"]
        );
    }

    #[test]
    fn sorts_by_kind_then_keeps_order() {
        let out = template_output(&[
            template(
                "c/templates/a.yaml",
                "kind: Deployment\nmetadata: {name: d}\n---\nkind: Service\n",
            ),
            template(
                "c/templates/b.yaml",
                "kind: Zeta\n---\nkind: Alpha\n---\nkind: ServiceAccount\n",
            ),
            template(
                "c/templates/h.yaml",
                "kind: Pod\nmetadata:\n  annotations:\n    helm.sh/hook: test\n",
            ),
            template("c/templates/NOTES.txt", "hello"),
            template("c/templates/empty.yaml", "\n \n"),
        ])
        .unwrap();
        let kinds: Vec<&str> = out.lines().filter(|l| l.starts_with("kind:")).collect();
        assert_eq!(
            kinds,
            [
                "kind: ServiceAccount",
                "kind: Service",
                "kind: Deployment",
                "kind: Alpha",
                "kind: Zeta",
                "kind: Pod"
            ]
        );
        assert!(out.starts_with("---\n# Source: c/templates/b.yaml\nkind: ServiceAccount\n"));
        assert!(!out.contains("hello"));
    }

    #[test]
    fn bad_yaml_is_helms_error() {
        let err = template_output(&[template("c/templates/x.yaml", "a: [\n")]).unwrap_err();
        assert!(
            err.starts_with(
                "YAML parse error on c/templates/x.yaml: error converting YAML to JSON: yaml: line"
            ),
            "{err}"
        );
    }
}
