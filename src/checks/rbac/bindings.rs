//! `binding-role-ref`: a binding grants one of a list of ClusterRoles;
//! `binding-subject`: a binding grants its role to a listed subject.

use serde::Deserialize;

use super::{describe_subject, glob, role_of};
use crate::checks::{Check, fill};
use crate::engine::Cx;
use crate::k8s::{Binding, Object};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RoleRefParams {
    /// Names of ClusterRoles that must not be bound.
    cluster_roles: Vec<String>,
    /// `{object}` and `{role}` are filled in.
    message: String,
}

pub struct BindingRoleRef {
    params: RoleRefParams,
}

impl BindingRoleRef {
    pub fn new(params: RoleRefParams) -> Self {
        BindingRoleRef { params }
    }
}

/// `system:masters` holds every permission whatever RBAC says, so binding a
/// role to it changes nothing (the cluster's own `cluster-admin` binding).
fn only_system_masters(binding: &Binding<'_>) -> bool {
    let mut subjects = binding.subjects().peekable();
    subjects.peek().is_some()
        && subjects.all(|s| s.kind() == Some("Group") && s.name() == Some("system:masters"))
}

impl Check for BindingRoleRef {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(binding) = Binding::of(object) else {
            return;
        };
        let Some(role) = binding.role_ref() else {
            return;
        };
        if binding.is_system() || only_system_masters(&binding) {
            return;
        }
        if !role.is_cluster_role() || !self.params.cluster_roles.iter().any(|r| r == role.name) {
            return;
        }
        let message = fill(
            &self.params.message,
            &[("object", &object.display_name()), ("role", role.name)],
        );
        let finding = cx
            .report(role.name_node.span(), message)
            .at_path("roleRef.name");
        for subject in binding.subjects() {
            if let Some(name) = subject.name_node() {
                finding.with_label(
                    name.span(),
                    format!("granted to {}", describe_subject(&subject, &binding)),
                );
            }
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct SubjectCase {
    /// Subject kinds (`User`, `Group`, `ServiceAccount`).
    kinds: Vec<String>,
    /// Subject names; `*` stands for any run of characters.
    names: Vec<String>,
    /// When given, only bindings of these ClusterRoles count.
    #[serde(default)]
    cluster_roles: Option<Vec<String>>,
    /// `{object}`, `{role}` and `{subject}` are filled in.
    message: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct SubjectParams {
    cases: Vec<SubjectCase>,
}

pub struct BindingSubject {
    params: SubjectParams,
}

impl BindingSubject {
    pub fn new(params: SubjectParams) -> Result<Self, String> {
        if params.cases.is_empty() {
            return Err("give at least one case".into());
        }
        Ok(BindingSubject { params })
    }
}

impl SubjectCase {
    fn binds_role(&self, binding: &Binding<'_>) -> bool {
        let Some(wanted) = &self.cluster_roles else {
            return true;
        };
        binding
            .role_ref()
            .is_some_and(|r| r.is_cluster_role() && wanted.iter().any(|w| w == r.name))
    }
}

impl Check for BindingSubject {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(binding) = Binding::of(object) else {
            return;
        };
        // The cluster's own bindings of its own roles (`system:public-info-viewer`
        // grants health and version endpoints to everyone, by design).
        let role = binding.role_ref();
        if binding.is_system() && role.is_some_and(|r| r.name.starts_with("system:")) {
            return;
        }
        let role_name = role_of(&binding);
        for subject in binding.subjects() {
            let (Some(kind), Some(name), Some(node)) =
                (subject.kind(), subject.name(), subject.name_node())
            else {
                continue;
            };
            let case = self.params.cases.iter().find(|case| {
                case.kinds.iter().any(|k| k == kind)
                    && case.names.iter().any(|n| glob(n, name))
                    && case.binds_role(&binding)
            });
            let Some(case) = case else {
                continue;
            };
            let message = fill(
                &case.message,
                &[
                    ("object", &object.display_name()),
                    ("role", &role_name),
                    ("subject", &describe_subject(&subject, &binding)),
                ],
            );
            let finding = cx.report(node.span(), message).at_path("subjects");
            if let Some(role) = role {
                finding.with_label(role.name_node.span(), "the role granted");
            }
        }
    }
}
