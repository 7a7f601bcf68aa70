//! Names that must resolve to objects: `service-account-exists`,
//! `rbac-reference-exists` and `namespace-exists`.

use std::sync::Arc;

use serde::Deserialize;

use super::{ObjectRecord, api_group, glob, in_namespace, kept, listed, same_namespace};
use crate::checks::{Check, Record, is_templated};
use crate::engine::SetCx;
use crate::k8s::Object;
use crate::source::{SourceFile, Span};
use crate::yaml::NodeRef;

/// The account every namespace has.
const DEFAULT_ACCOUNT: &str = "default";

/// A ServiceAccount defined in the input.
struct Account {
    namespace: Option<String>,
    name: String,
}

fn account(object: &Object<'_>) -> Option<Account> {
    (object.kind == "ServiceAccount" && object.api_version == "v1").then(|| Account {
        namespace: object.namespace.map(str::to_string),
        name: object.name.unwrap_or("").to_string(),
    })
}

/// A rendered, non-empty name.
fn rendered(node: NodeRef<'_>) -> Option<&str> {
    node.as_text()
        .filter(|t| !t.is_empty() && !is_templated(node))
}

/// Whether an account may be `name` in `namespace`; `None` when the input
/// holds no account in that namespace and so cannot tell.
fn account_defined(accounts: &[&Account], namespace: &Option<String>, name: &str) -> Option<bool> {
    let local: Vec<&&Account> = accounts
        .iter()
        .filter(|a| same_namespace(&a.namespace, namespace))
        .collect();
    (!local.is_empty()).then(|| local.iter().any(|a| a.name == name))
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct AccountParams {
    /// Accounts managed outside the input (`name`, `namespace/name`, `*` wildcards).
    #[serde(default)]
    external_accounts: Vec<String>,
}

enum ForAccounts {
    Account(Account),
    Pod {
        object: ObjectRecord,
        account: String,
        span: Span,
        path: String,
    },
}

pub struct ServiceAccountExists {
    params: AccountParams,
}

impl ServiceAccountExists {
    pub fn new(params: AccountParams) -> Self {
        ServiceAccountExists { params }
    }
}

impl Check for ServiceAccountExists {
    fn needs_set(&self) -> bool {
        true
    }

    fn project(&self, object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Record> {
        if let Some(account) = account(object) {
            return Some(Box::new(ForAccounts::Account(account)));
        }
        let pod = object.pod_spec()?;
        // `serviceAccount` is the deprecated spelling, read when the other is unset.
        let (field, node) = ["serviceAccountName", "serviceAccount"]
            .into_iter()
            .find_map(|field| Some((field, pod.spec.get(field)?)))?;
        let name = rendered(node)?;
        Some(Box::new(ForAccounts::Pod {
            object: ObjectRecord::of(object, file),
            account: name.to_string(),
            span: node.span(),
            path: format!("{}.{field}", pod.path),
        }))
    }

    fn check_set(&self, cx: &mut SetCx<'_>, records: &[Record]) {
        let accounts: Vec<&Account> = kept::<ForAccounts>(records)
            .filter_map(|k| match k {
                ForAccounts::Account(a) => Some(a),
                ForAccounts::Pod { .. } => None,
            })
            .collect();
        for k in kept::<ForAccounts>(records) {
            let ForAccounts::Pod {
                object,
                account,
                span,
                path,
            } = k
            else {
                continue;
            };
            let namespace = &object.namespace;
            if account == DEFAULT_ACCOUNT
                || listed(&self.params.external_accounts, namespace, account)
                || account_defined(&accounts, namespace, account) != Some(false)
            {
                continue;
            }
            cx.report(
                &object.place.file,
                *span,
                Some(object.identity.clone()),
                format!(
                    "{} runs as ServiceAccount \"{account}\", which is not defined{}",
                    object.display(),
                    in_namespace(namespace)
                ),
            )
            .at_path(path.clone());
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RbacParams {
    /// Roles and ClusterRoles installed by something other than the input (`*` wildcards).
    #[serde(default)]
    external_roles: Vec<String>,
}

/// Roles and ClusterRoles that every cluster has.
const BUILTIN_ROLES: [&str; 6] = [
    "cluster-admin",
    "admin",
    "edit",
    "view",
    "system:*",
    "extension-apiserver-authentication-reader",
];

/// A Role or ClusterRole defined in the input.
struct Role {
    cluster: bool,
    namespace: Option<String>,
    name: String,
}

struct RoleRef {
    cluster: bool,
    name: String,
    span: Span,
}

struct Subject {
    namespace: Option<String>,
    name: String,
    span: Span,
    path: String,
}

enum ForRbac {
    Role(Role),
    Account(Account),
    Binding {
        object: ObjectRecord,
        role: Option<RoleRef>,
        subjects: Vec<Subject>,
    },
}

pub struct RbacReferenceExists {
    params: RbacParams,
}

impl RbacReferenceExists {
    pub fn new(params: RbacParams) -> Self {
        RbacReferenceExists { params }
    }
}

fn binding(object: &Object<'_>, file: &Arc<SourceFile>, cluster_binding: bool) -> ForRbac {
    let record = ObjectRecord::of(object, file);
    let root = object.root;
    let role = root.get("roleRef").and_then(|r| {
        let cluster = match r.get("kind")?.as_text()? {
            "ClusterRole" => true,
            // A ClusterRoleBinding cannot grant a Role; the API server rejects it.
            "Role" if !cluster_binding => false,
            _ => return None,
        };
        let name = r.get("name")?;
        Some(RoleRef {
            cluster,
            name: rendered(name)?.to_string(),
            span: name.span(),
        })
    });
    let items = root.get("subjects").into_iter().flat_map(|s| s.items());
    let subjects = items
        .enumerate()
        .filter(|(_, s)| s.get("kind").and_then(|k| k.as_text()) == Some("ServiceAccount"))
        .filter_map(|(index, s)| {
            let name = s.get("name")?;
            let namespace = match s.get("namespace") {
                Some(ns) => Some(rendered(ns)?.to_string()),
                // A RoleBinding's subjects default to its own namespace.
                None if !cluster_binding => record.namespace.clone(),
                None => return None,
            };
            Some(Subject {
                namespace,
                name: rendered(name)?.to_string(),
                span: name.span(),
                path: format!("subjects[{index}].name"),
            })
        })
        .collect();
    ForRbac::Binding {
        object: record,
        role,
        subjects,
    }
}

impl Check for RbacReferenceExists {
    fn needs_set(&self) -> bool {
        true
    }

    fn project(&self, object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Record> {
        if let Some(account) = account(object) {
            return Some(Box::new(ForRbac::Account(account)));
        }
        if api_group(object.api_version) != "rbac.authorization.k8s.io" {
            return None;
        }
        let kept = match object.kind {
            "Role" | "ClusterRole" => ForRbac::Role(Role {
                cluster: object.kind == "ClusterRole",
                namespace: object.namespace.map(str::to_string),
                name: object.name.unwrap_or("").to_string(),
            }),
            "RoleBinding" => binding(object, file, false),
            "ClusterRoleBinding" => binding(object, file, true),
            _ => return None,
        };
        Some(Box::new(kept))
    }

    fn check_set(&self, cx: &mut SetCx<'_>, records: &[Record]) {
        let mut roles = Vec::new();
        let mut accounts = Vec::new();
        for k in kept::<ForRbac>(records) {
            match k {
                ForRbac::Role(role) => roles.push(role),
                ForRbac::Account(account) => accounts.push(account),
                ForRbac::Binding { .. } => {}
            }
        }
        for k in kept::<ForRbac>(records) {
            let ForRbac::Binding {
                object,
                role,
                subjects,
            } = k
            else {
                continue;
            };
            let namespace = &object.namespace;
            let known = |name: &str| {
                BUILTIN_ROLES.iter().any(|b| glob(b, name))
                    || self.params.external_roles.iter().any(|r| glob(r, name))
            };
            if let Some(role) = role.as_ref().filter(|r| !known(&r.name)) {
                // Roles live in the binding's namespace; ClusterRoles anywhere.
                let candidates: Vec<&&Role> = roles
                    .iter()
                    .filter(|r| r.cluster == role.cluster)
                    .filter(|r| role.cluster || same_namespace(&r.namespace, namespace))
                    .collect();
                // Only an input that defines roles of that kind can prove one missing.
                if !candidates.is_empty() && !candidates.iter().any(|r| r.name == role.name) {
                    let (kind, scope) = match role.cluster {
                        true => ("ClusterRole", String::new()),
                        false => ("Role", in_namespace(namespace)),
                    };
                    cx.report(
                        &object.place.file,
                        role.span,
                        Some(object.identity.clone()),
                        format!(
                            "{} grants {kind} \"{}\", which is not defined{scope} nor built in",
                            object.display(),
                            role.name
                        ),
                    )
                    .at_path("roleRef.name");
                }
            }
            for subject in subjects {
                if subject.name == DEFAULT_ACCOUNT
                    || account_defined(&accounts, &subject.namespace, &subject.name) != Some(false)
                {
                    continue;
                }
                cx.report(
                    &object.place.file,
                    subject.span,
                    Some(object.identity.clone()),
                    format!(
                        "{} binds ServiceAccount \"{}\", which is not defined{}",
                        object.display(),
                        subject.name,
                        in_namespace(&subject.namespace)
                    ),
                )
                .at_path(subject.path.clone());
            }
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct NamespaceParams {
    /// Namespaces made by something other than the input (`*` wildcards).
    #[serde(default)]
    external_namespaces: Vec<String>,
}

/// Namespaces that every cluster has.
const BUILTIN_NAMESPACES: [&str; 4] = ["default", "kube-system", "kube-public", "kube-node-lease"];

enum ForNamespaces {
    Namespace(String),
    /// An object placed in a namespace, and its `namespace:` value.
    Use {
        object: ObjectRecord,
        namespace: String,
        span: Span,
    },
}

pub struct NamespaceExists {
    params: NamespaceParams,
}

impl NamespaceExists {
    pub fn new(params: NamespaceParams) -> Self {
        NamespaceExists { params }
    }
}

impl Check for NamespaceExists {
    fn needs_set(&self) -> bool {
        true
    }

    fn project(&self, object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Record> {
        if object.kind == "Namespace" && object.api_version == "v1" {
            return Some(Box::new(ForNamespaces::Namespace(object.name?.to_string())));
        }
        let node = object.metadata()?.get("namespace")?;
        Some(Box::new(ForNamespaces::Use {
            object: ObjectRecord::of(object, file),
            namespace: rendered(node)?.to_string(),
            span: node.span(),
        }))
    }

    fn check_set(&self, cx: &mut SetCx<'_>, records: &[Record]) {
        let declared: Vec<&str> = kept::<ForNamespaces>(records)
            .filter_map(|k| match k {
                ForNamespaces::Namespace(name) => Some(name.as_str()),
                ForNamespaces::Use { .. } => None,
            })
            .collect();
        // With no Namespace manifest at all, namespaces are made elsewhere.
        if declared.is_empty() {
            return;
        }
        let uses: Vec<(&ObjectRecord, &str, Span)> = kept::<ForNamespaces>(records)
            .filter_map(|k| match k {
                ForNamespaces::Use {
                    object,
                    namespace,
                    span,
                } => Some((object, namespace.as_str(), *span)),
                ForNamespaces::Namespace(_) => None,
            })
            .collect();
        let mut reported: Vec<&str> = Vec::new();
        for (object, namespace, span) in &uses {
            if declared.contains(namespace)
                || reported.contains(namespace)
                || BUILTIN_NAMESPACES.contains(namespace)
                || self
                    .params
                    .external_namespaces
                    .iter()
                    .any(|n| glob(n, namespace))
            {
                continue;
            }
            reported.push(namespace);
            let count = uses.iter().filter(|(_, n, _)| n == namespace).count();
            let others = match count {
                1 => String::new(),
                2 => " (used by 1 more object)".to_string(),
                n => format!(" (used by {} more objects)", n - 1),
            };
            cx.report(
                &object.place.file,
                *span,
                Some(object.identity.clone()),
                format!(
                    "{} is placed in namespace \"{namespace}\", which has no Namespace manifest{others}",
                    object.display()
                ),
            )
            .at_path("metadata.namespace");
        }
    }
}
