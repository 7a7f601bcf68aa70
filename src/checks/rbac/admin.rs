//! `admin-equivalent-binding`: a binding whose role, found among the
//! objects checked, grants every verb on every resource; or whose role is a
//! built-in ClusterRole known to be admin-equivalent (`admin`).

use std::sync::Arc;

use serde::Deserialize;

use crate::checks::relations::{Place, identity, same_namespace};
use crate::checks::{Check, Record};
use crate::engine::SetCx;
use crate::k8s::{Binding, Object, Role};
use crate::source::SourceFile;

/// Reported by `no-cluster-admin-binding`; never twice.
const CLUSTER_ADMIN: &str = "cluster-admin";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct AdminParams {
    /// Built-in ClusterRoles that are admin-equivalent wherever they are
    /// bound, though the input does not define them.
    builtin_cluster_roles: Vec<String>,
}

enum Kept {
    /// A Role or ClusterRole with a rule that grants everything.
    Role {
        cluster: bool,
        namespace: Option<String>,
        name: String,
        /// The `*` of `resources` in that rule.
        place: Place,
    },
    Binding {
        namespace: Option<String>,
        display: String,
        identity: String,
        role_cluster: bool,
        role_name: String,
        /// The `roleRef` name.
        place: Place,
    },
}

pub struct AdminEquivalentBinding {
    params: AdminParams,
}

impl AdminEquivalentBinding {
    pub fn new(params: AdminParams) -> Self {
        AdminEquivalentBinding { params }
    }
}

impl Check for AdminEquivalentBinding {
    fn needs_set(&self) -> bool {
        true
    }

    fn project(&self, object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Record> {
        if let Some(role) = Role::of(object) {
            let grant = role.rules().find_map(|r| r.admin_equivalent())?;
            return Some(Box::new(Kept::Role {
                cluster: role.cluster,
                namespace: object.namespace.map(str::to_string),
                name: object.name?.to_string(),
                place: Place {
                    file: Arc::clone(file),
                    span: grant.resource.span(),
                },
            }));
        }
        let binding = Binding::of(object)?;
        let role = binding.role_ref()?;
        if binding.is_system() || (role.is_cluster_role() && role.name == CLUSTER_ADMIN) {
            return None;
        }
        // A ClusterRoleBinding can only refer to a ClusterRole.
        let role_cluster = role.is_cluster_role() || binding.cluster;
        Some(Box::new(Kept::Binding {
            namespace: object.namespace.map(str::to_string),
            display: object.display_name(),
            identity: identity(object),
            role_cluster,
            role_name: role.name.to_string(),
            place: Place {
                file: Arc::clone(file),
                span: role.name_node.span(),
            },
        }))
    }

    fn check_set(&self, cx: &mut SetCx<'_>, records: &[Record]) {
        let kept: Vec<&Kept> = records.iter().filter_map(|r| r.downcast_ref()).collect();
        for k in &kept {
            let Kept::Binding {
                namespace,
                display,
                identity,
                role_cluster,
                role_name,
                place,
            } = k
            else {
                continue;
            };
            let kind = if *role_cluster { "ClusterRole" } else { "Role" };
            if *role_cluster && self.params.builtin_cluster_roles.contains(role_name) {
                cx.report(
                    &place.file,
                    place.span,
                    Some(identity.clone()),
                    format!(
                        "{display} binds the built-in ClusterRole \"{role_name}\", which grants full control"
                    ),
                )
                .at_path("roleRef.name");
                continue;
            }
            let role = kept.iter().find_map(|r| match r {
                Kept::Role {
                    cluster,
                    namespace: role_namespace,
                    name,
                    place,
                } if cluster == role_cluster
                    && name == role_name
                    && (*cluster || same_namespace(namespace, role_namespace)) =>
                {
                    Some(place)
                }
                _ => None,
            });
            let Some(role_place) = role else {
                continue;
            };
            let finding = cx
                .report(
                    &place.file,
                    place.span,
                    Some(identity.clone()),
                    format!(
                        "{display} binds {kind} \"{role_name}\", which grants every verb on every resource"
                    ),
                )
                .at_path("roleRef.name");
            if Arc::ptr_eq(&role_place.file, &place.file) {
                finding.with_label(role_place.span, format!("{kind}/{role_name} grants this"));
            }
        }
    }
}
