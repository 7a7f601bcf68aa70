//! `workload-rbac-blast-radius`: a workload whose ServiceAccount is bound,
//! through the bindings in the input, to a role that grants cluster
//! takeover, everything, or reading Secrets.

use std::collections::HashMap;
use std::sync::Arc;

use crate::checks::relations::{Place, identity, same_namespace};
use crate::checks::{Check, Record};
use crate::engine::SetCx;
use crate::k8s::{Binding, GroupResource, Object, Role};
use crate::source::SourceFile;

/// What a role lets its subjects do, worst first.
fn power(role: &Role<'_>) -> Option<&'static str> {
    let grants = |resource: &str, verbs: &[&str]| {
        let resource = GroupResource::parse(resource).ok();
        role.rules().any(|rule| {
            resource
                .as_ref()
                .is_some_and(|r| verbs.iter().any(|v| rule.grants(r, v).is_some()))
                && !rule.is_named()
        })
    };
    if role.rules().any(|rule| rule.admin_equivalent().is_some()) {
        return Some("every verb on every resource");
    }
    if grants(
        "clusterroles.rbac.authorization.k8s.io",
        &["bind", "escalate"],
    ) || grants("roles.rbac.authorization.k8s.io", &["bind", "escalate"])
        || grants("users", &["impersonate"])
        || grants("serviceaccounts", &["impersonate"])
    {
        return Some("privilege escalation (bind, escalate or impersonate)");
    }
    if grants("secrets", &["get", "list", "watch"]) {
        return Some("reading Secrets");
    }
    None
}

enum Kept {
    Role {
        cluster: bool,
        namespace: Option<String>,
        name: String,
        power: &'static str,
    },
    Binding {
        namespace: Option<String>,
        display: String,
        role_cluster: bool,
        role_name: String,
        /// ServiceAccount subjects: (namespace, name).
        accounts: Vec<(Option<String>, String)>,
    },
    Workload {
        namespace: Option<String>,
        display: String,
        identity: String,
        account: String,
        place: Place,
    },
}

pub struct BlastRadius;

impl Check for BlastRadius {
    fn needs_set(&self) -> bool {
        true
    }

    fn project(&self, object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Record> {
        let namespace = object.namespace.map(str::to_string);
        if let Some(role) = Role::of(object) {
            return Some(Box::new(Kept::Role {
                cluster: object.kind == "ClusterRole",
                namespace,
                name: object.name?.to_string(),
                power: power(&role)?,
            }));
        }
        if let Some(binding) = Binding::of(object) {
            let role = binding.role_ref()?;
            let accounts = binding
                .subjects()
                .filter(|s| s.kind() == Some("ServiceAccount"))
                .filter_map(|s| {
                    let ns = s.namespace().map(str::to_string).or(namespace.clone());
                    Some((ns, s.name()?.to_string()))
                })
                .collect();
            return Some(Box::new(Kept::Binding {
                namespace,
                display: object.display_name(),
                role_cluster: role.is_cluster_role(),
                role_name: role.name.to_string(),
                accounts,
            }));
        }
        let pod = object.pod_spec()?;
        let (key, account) = ["serviceAccountName", "serviceAccount"]
            .iter()
            .find_map(|k| pod.spec.entry(k).filter(|(_, v)| v.as_text().is_some()))
            .map(|(k, v)| (k.span(), v.as_text().unwrap_or("default").to_string()))
            .unwrap_or((pod.anchor_span(), "default".to_string()));
        if crate::checks::unrendered(&account) {
            return None;
        }
        Some(Box::new(Kept::Workload {
            namespace,
            display: object.display_name(),
            identity: identity(object),
            account,
            place: Place {
                file: Arc::clone(file),
                span: key,
            },
        }))
    }

    fn check_set(&self, cx: &mut SetCx<'_>, records: &[Record]) {
        let kept: Vec<&Kept> = records.iter().filter_map(|r| r.downcast_ref()).collect();
        // Bindings by the ServiceAccount names they bind and roles by
        // (cluster-wide, name), each list in record order, so a workload
        // looks only at the bindings of its account and finds the same
        // first grant a scan of every record would.
        let mut bindings: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut roles: HashMap<(bool, &str), Vec<usize>> = HashMap::new();
        for (position, record) in kept.iter().enumerate() {
            match record {
                Kept::Binding { accounts, .. } => {
                    for (_, name) in accounts {
                        let list = bindings.entry(name.as_str()).or_default();
                        if list.last() != Some(&position) {
                            list.push(position);
                        }
                    }
                }
                Kept::Role { cluster, name, .. } => {
                    roles
                        .entry((*cluster, name.as_str()))
                        .or_default()
                        .push(position);
                }
                Kept::Workload { .. } => {}
            }
        }
        for workload in &kept {
            let Kept::Workload {
                namespace,
                display,
                identity,
                account,
                place,
            } = workload
            else {
                continue;
            };
            let candidates = bindings
                .get(account.as_str())
                .map_or(&[][..], Vec::as_slice);
            let grant = candidates.iter().find_map(|&position| {
                let Kept::Binding {
                    namespace: binding_ns,
                    display: binding_display,
                    role_cluster,
                    role_name,
                    accounts,
                } = kept[position]
                else {
                    return None;
                };
                let bound = accounts
                    .iter()
                    .any(|(ns, name)| name == account && same_namespace(ns, namespace));
                if !bound {
                    return None;
                }
                if *role_cluster && role_name == "cluster-admin" {
                    return Some((
                        binding_display,
                        "cluster-admin".to_string(),
                        "every verb on every resource",
                    ));
                }
                let named = roles
                    .get(&(*role_cluster, role_name.as_str()))
                    .map_or(&[][..], Vec::as_slice);
                named.iter().find_map(|&role| match kept[role] {
                    Kept::Role {
                        cluster,
                        namespace: role_ns,
                        name,
                        power,
                    } if *cluster || same_namespace(role_ns, binding_ns) => {
                        let kind = if *cluster { "ClusterRole" } else { "Role" };
                        Some((binding_display, format!("{kind}/{name}"), *power))
                    }
                    _ => None,
                })
            });
            if let Some((binding, role, power)) = grant {
                cx.report(
                    &place.file,
                    place.span,
                    Some(identity.clone()),
                    format!(
                        "{display} runs as ServiceAccount \"{account}\", which {binding} binds to {role}: {power}"
                    ),
                )
                .at_path("spec.serviceAccountName");
            }
        }
    }
}
