//! `secret-access-inventory`: every Secret, ConfigMap and
//! PersistentVolumeClaim a workload reads or mounts, one finding each.

use crate::checks::{Check, unrendered};
use crate::engine::Cx;
use crate::k8s::{ConfigUser, Object, Volume};

fn reads(object: &str, kind: &str, name: &str) -> String {
    format!("{object} reads {kind} \"{name}\"")
}

fn mounts_claim(object: &str, claim: &str) -> String {
    format!("{object} mounts PersistentVolumeClaim \"{claim}\"")
}

fn claims_per_replica(object: &str, template: &str) -> String {
    format!("{object} claims a PersistentVolumeClaim per replica from template \"{template}\"")
}

pub struct SecretAccessInventory;

impl Check for SecretAccessInventory {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        let name = object.display_name();
        let mut seen: Vec<(&str, &str)> = Vec::new();
        for reference in pod.config_refs() {
            let Some(target) = reference.name.as_text() else {
                continue;
            };
            let kind = reference.kind.as_str();
            if unrendered(target) || seen.contains(&(kind, target)) {
                continue;
            }
            seen.push((kind, target));
            let path = match reference.user {
                ConfigUser::Container(container) => {
                    format!("{}.{}", container.path(), reference.path)
                }
                ConfigUser::Volume(_) => format!("{}.{}", pod.path, reference.path),
            };
            cx.report(reference.name.span(), reads(&name, kind, target))
                .at_path(path);
        }
        for volume in Volume::all(&pod) {
            let Some(claim) = volume.node.path("persistentVolumeClaim.claimName") else {
                continue;
            };
            let Some(text) = claim.as_text().filter(|t| !unrendered(t)) else {
                continue;
            };
            if seen.contains(&("PersistentVolumeClaim", text)) {
                continue;
            }
            seen.push(("PersistentVolumeClaim", text));
            cx.report(claim.span(), mounts_claim(&name, text))
                .at_path(format!("{}.{}", pod.path, volume.path()));
        }
        let templates = object.root.path("spec.volumeClaimTemplates").into_iter();
        for (index, template) in templates.flat_map(|t| t.items()).enumerate() {
            let Some(claim) = template.path("metadata.name") else {
                continue;
            };
            let Some(text) = claim.as_text().filter(|t| !unrendered(t)) else {
                continue;
            };
            cx.report(claim.span(), claims_per_replica(&name, text))
                .at_path(format!("spec.volumeClaimTemplates[{index}]"));
        }
    }
}
