//! `env-reference-exists`: ConfigMaps and Secrets that pods read but the
//! input does not define.

use std::sync::Arc;

use serde::Deserialize;

use super::{ObjectRecord, api_group, in_namespace, kept, listed, same_namespace};
use crate::checks::{Check, Record, is_templated};
use crate::engine::SetCx;
use crate::k8s::{ConfigKind, ConfigUser, Object};
use crate::source::{SourceFile, Span};
use crate::yaml::NodeRef;

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Params {
    /// Secrets that exist without a manifest in the input (`name`, `namespace/name`, `*` wildcards).
    #[serde(default)]
    ignore_secrets: Vec<String>,
    /// ConfigMaps likewise.
    #[serde(default)]
    ignore_config_maps: Vec<String>,
}

/// An object that is, or makes, a ConfigMap or Secret.
struct Provider {
    kind: ConfigKind,
    namespace: Option<String>,
    name: String,
    /// Its keys, when the input shows them all.
    keys: Option<Vec<String>>,
}

/// One reference a pod makes.
struct Reference {
    kind: ConfigKind,
    name: String,
    name_span: Span,
    keys: Vec<(String, Span)>,
    /// `container "app"` or `volume "config"`, and its `name:` entry.
    user: String,
    user_span: Span,
    /// True for a volume, false for a container's environment.
    volume: bool,
    path: String,
}

enum Kept {
    Provider(Provider),
    Pod {
        object: ObjectRecord,
        references: Vec<Reference>,
    },
}

pub struct EnvReferenceExists {
    params: Params,
}

impl EnvReferenceExists {
    pub fn new(params: Params) -> Self {
        EnvReferenceExists { params }
    }
}

/// The keys of the mappings under `fields`; `None` when one is unrendered.
fn keys_of(root: NodeRef<'_>, fields: &[&str]) -> Option<Vec<String>> {
    let mut keys = Vec::new();
    for field in fields {
        let Some(map) = root.get(field) else {
            continue;
        };
        if !map.is_map() || is_templated(map) {
            return None;
        }
        for (key, _) in map.entries() {
            keys.push(key.text()?.to_string());
        }
    }
    Some(keys)
}

fn provider(object: &Object<'_>) -> Option<Provider> {
    let root = object.root;
    let text = |path: &str| root.path(path).and_then(|n| n.as_text());
    let (kind, name, keys) = match (api_group(object.api_version), object.kind) {
        ("", "Secret") => (
            ConfigKind::Secret,
            object.name?,
            keys_of(root, &["data", "stringData"]),
        ),
        ("", "ConfigMap") => (
            ConfigKind::ConfigMap,
            object.name?,
            keys_of(root, &["data", "binaryData"]),
        ),
        // Objects that make Secrets of their own.
        ("bitnami.com", "SealedSecret") => (
            ConfigKind::Secret,
            text("spec.template.metadata.name").or(object.name)?,
            None,
        ),
        ("external-secrets.io", "ExternalSecret") => (
            ConfigKind::Secret,
            text("spec.target.name").or(object.name)?,
            None,
        ),
        ("cert-manager.io", "Certificate") => (ConfigKind::Secret, text("spec.secretName")?, None),
        _ => return None,
    };
    Some(Provider {
        kind,
        namespace: object.namespace.map(str::to_string),
        name: name.to_string(),
        keys,
    })
}

fn references(object: &Object<'_>) -> Option<Vec<Reference>> {
    let pod = object.pod_spec()?;
    let mut out = Vec::new();
    for reference in pod.config_refs() {
        if reference.optional || is_templated(reference.name) {
            continue;
        }
        let Some(name) = reference.name.as_text() else {
            continue;
        };
        let keys = reference
            .keys
            .iter()
            .filter(|k| !is_templated(**k))
            .filter_map(|k| Some((k.as_text()?.to_string(), k.span())))
            .collect();
        let (user, user_span, volume, path) = match reference.user {
            ConfigUser::Container(c) => (
                c.describe(),
                c.anchor_span(),
                false,
                format!("{}.{}", c.path(), reference.path),
            ),
            ConfigUser::Volume(v) => (
                v.describe(),
                v.anchor_span(),
                true,
                format!("{}.{}", pod.path, reference.path),
            ),
        };
        out.push(Reference {
            kind: reference.kind,
            name: name.to_string(),
            name_span: reference.name.span(),
            keys,
            user,
            user_span,
            volume,
            path,
        });
    }
    Some(out)
}

impl Check for EnvReferenceExists {
    fn needs_set(&self) -> bool {
        true
    }

    fn project(&self, object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Record> {
        if let Some(provider) = provider(object) {
            return Some(Box::new(Kept::Provider(provider)));
        }
        let references = references(object).filter(|r| !r.is_empty())?;
        Some(Box::new(Kept::Pod {
            object: ObjectRecord::of(object, file),
            references,
        }))
    }

    fn check_set(&self, cx: &mut SetCx<'_>, records: &[Record]) {
        let providers: Vec<&Provider> = kept::<Kept>(records)
            .filter_map(|k| match k {
                Kept::Provider(p) => Some(p),
                Kept::Pod { .. } => None,
            })
            .collect();
        for k in kept::<Kept>(records) {
            let Kept::Pod { object, references } = k else {
                continue;
            };
            let namespace = &object.namespace;
            for reference in references {
                let ignored = match reference.kind {
                    ConfigKind::Secret => &self.params.ignore_secrets,
                    ConfigKind::ConfigMap => &self.params.ignore_config_maps,
                };
                if listed(ignored, namespace, &reference.name) {
                    continue;
                }
                let local: Vec<&&Provider> = providers
                    .iter()
                    .filter(|p| p.kind == reference.kind && same_namespace(&p.namespace, namespace))
                    .collect();
                // Only a namespace with objects of that kind in the input can prove one missing.
                if local.is_empty() {
                    continue;
                }
                let kind = reference.kind.as_str();
                let verb = if reference.volume { "mounts" } else { "reads" };
                let Some(found) = local.iter().find(|p| p.name == reference.name) else {
                    cx.report(
                        &object.place.file,
                        reference.name_span,
                        Some(object.identity.clone()),
                        format!(
                            "{} {verb} {kind} \"{}\", which is not defined{}",
                            reference.user,
                            reference.name,
                            in_namespace(namespace)
                        ),
                    )
                    .with_label(reference.user_span, reference.user.clone())
                    .at_path(reference.path.clone());
                    continue;
                };
                let Some(keys) = &found.keys else {
                    continue;
                };
                for (key, span) in &reference.keys {
                    if keys.contains(key) {
                        continue;
                    }
                    cx.report(
                        &object.place.file,
                        *span,
                        Some(object.identity.clone()),
                        format!(
                            "{} {verb} key \"{key}\" of {kind} \"{}\", which has no such key",
                            reference.user, reference.name
                        ),
                    )
                    .with_label(reference.user_span, reference.user.clone())
                    .at_path(reference.path.clone());
                }
            }
        }
    }
}
