//! RBAC and service account checks: what Roles and ClusterRoles grant, whom
//! bindings grant it to, and which service account a pod runs as.

mod accounts;
mod admin;
mod bindings;
mod blast;
mod grants;
mod scc;

pub use accounts::{DefaultAccountAutomount, DefaultServiceAccount, DeprecatedAccountField};
pub use admin::AdminEquivalentBinding;
pub use bindings::{BindingRoleRef, BindingSubject};
pub use blast::BlastRadius;
pub use grants::{RbacGrants, RbacWildcard};
pub use scc::SccPrivileged;

use crate::k8s::{Binding, Subject};

/// `ClusterRole "cluster-admin"`, as messages name a binding's role.
fn role_of(binding: &Binding<'_>) -> String {
    match binding.role_ref() {
        Some(role) => format!("{} \"{}\"", role.kind, role.name),
        None => "its role".to_string(),
    }
}

/// A subject with its namespace when the binding says which:
/// `ServiceAccount "default" in namespace "shop"`.
fn describe_subject(subject: &Subject<'_>, binding: &Binding<'_>) -> String {
    let namespace = subject.namespace().or(binding.object.namespace);
    match (subject.kind(), namespace) {
        (Some("ServiceAccount"), Some(ns)) => {
            format!("{} in namespace \"{ns}\"", subject.describe())
        }
        _ => subject.describe(),
    }
}

/// Matches `text` against a pattern where `*` stands for any run of characters.
fn glob(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    #[test]
    fn globs() {
        use super::glob;
        assert!(glob("default", "default"));
        assert!(!glob("default", "defaults"));
        assert!(glob(
            "system:serviceaccount:*:default",
            "system:serviceaccount:shop:default"
        ));
        assert!(!glob(
            "system:serviceaccount:*:default",
            "system:serviceaccount:shop:web"
        ));
        assert!(glob("a*b*c", "aXbYc"));
        assert!(!glob("a*a", "a"));
    }

    #[test]
    fn bad_parameters_are_errors() {
        use serde_json::json;
        let build = crate::checks::build;
        let case = |resource: &str| json!({"cases": [{"resources": [resource], "verbs": ["get"], "message": "m"}]});
        assert!(build("rbac-grants", &case("pods/exec")).is_ok());
        assert!(build("rbac-grants", &case("pods/")).is_err());
        assert!(build("rbac-grants", &json!({"cases": []})).is_err());
        let at = json!({"cases": [{"resources": ["pods"], "verbs": ["get"], "at": "group", "message": "m"}]});
        assert!(build("rbac-grants", &at).is_err());
        assert!(build("binding-subject", &json!({"cases": []})).is_err());
    }
}
