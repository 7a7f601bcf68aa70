//! RBAC objects: Roles and ClusterRoles with their policy rules, bindings
//! with their `roleRef` and subjects, and the question every RBAC rule asks:
//! does this policy rule grant verb V on resource R of API group G?
//!
//! Matching follows the API server's authorizer: `*` matches any group,
//! resource or verb, `*/sub` matches that sub-resource of any resource, the
//! core group is `""`, and everything else must be equal (case included).
//! `pods/*` is not a pattern to Kubernetes, so it grants nothing but a
//! sub-resource literally named `*`.

use std::fmt;

use super::Object;
use crate::source::Span;
use crate::yaml::{NodeRef, Scalar};

/// The API group of RBAC objects.
pub const RBAC_GROUP: &str = "rbac.authorization.k8s.io";

fn in_rbac_group(object: &Object<'_>) -> bool {
    object
        .api_version
        .strip_prefix(RBAC_GROUP)
        .is_some_and(|rest| rest.starts_with('/'))
}

/// A string list item as the API server decodes it (`~` is `""`), or
/// `None` for a value harden cannot know (a template, a collection).
fn item_text(node: NodeRef<'_>) -> Option<&str> {
    if crate::checks::is_templated(node) {
        return None;
    }
    match node.scalar()? {
        Scalar::Null => Some(""),
        _ => node.text(),
    }
}

/// A Role or a ClusterRole.
#[derive(Clone, Copy, Debug)]
pub struct Role<'a> {
    pub object: Object<'a>,
    /// True for a ClusterRole.
    pub cluster: bool,
}

impl<'a> Role<'a> {
    pub fn of(object: &Object<'a>) -> Option<Role<'a>> {
        let cluster = match object.kind {
            "Role" => false,
            "ClusterRole" => true,
            _ => return None,
        };
        in_rbac_group(object).then_some(Role {
            object: *object,
            cluster,
        })
    }

    /// A ClusterRole with an `aggregationRule`: the cluster fills in its
    /// rules from other ClusterRoles and overwrites whatever the manifest says.
    pub fn aggregated(&self) -> bool {
        self.cluster && self.object.root.get("aggregationRule").is_some()
    }

    /// The policy rules the manifest decides: none for an aggregated ClusterRole.
    pub fn rules(&self) -> impl Iterator<Item = PolicyRule<'a>> + 'a {
        let rules = if self.aggregated() {
            None
        } else {
            self.object.root.get("rules")
        };
        rules
            .into_iter()
            .flat_map(|r| r.items())
            .filter(|r| r.is_map())
            .enumerate()
            .map(|(index, node)| PolicyRule { node, index })
    }
}

/// One entry of a role's `rules`.
#[derive(Clone, Copy, Debug)]
pub struct PolicyRule<'a> {
    pub node: NodeRef<'a>,
    pub index: usize,
}

impl<'a> PolicyRule<'a> {
    fn list(&self, key: &str) -> impl Iterator<Item = NodeRef<'a>> + 'a {
        self.node.get(key).into_iter().flat_map(|l| l.items())
    }

    pub fn api_groups(&self) -> impl Iterator<Item = NodeRef<'a>> + 'a {
        self.list("apiGroups")
    }

    pub fn resources(&self) -> impl Iterator<Item = NodeRef<'a>> + 'a {
        self.list("resources")
    }

    pub fn verbs(&self) -> impl Iterator<Item = NodeRef<'a>> + 'a {
        self.list("verbs")
    }

    /// `resourceNames`: when present, the rule grants access to those
    /// objects only.
    pub fn resource_names(&self) -> impl Iterator<Item = NodeRef<'a>> + 'a {
        self.list("resourceNames")
    }

    pub fn is_named(&self) -> bool {
        self.resource_names().next().is_some()
    }

    /// The item of `apiGroups` that admits `group`.
    pub fn group_item(&self, group: &str) -> Option<NodeRef<'a>> {
        self.api_groups()
            .find(|g| item_text(*g).is_some_and(|g| g == "*" || g == group))
    }

    /// The item of `resources` that admits `resource` (`pods`, `pods/exec`).
    pub fn resource_item(&self, resource: &str) -> Option<NodeRef<'a>> {
        let sub = resource.split_once('/').map(|(_, sub)| sub);
        self.resources().find(|r| {
            item_text(*r).is_some_and(|r| {
                r == "*"
                    || r == resource
                    || sub.is_some_and(|sub| r.strip_prefix("*/") == Some(sub))
            })
        })
    }

    /// The item of `verbs` that admits `verb`.
    pub fn verb_item(&self, verb: &str) -> Option<NodeRef<'a>> {
        self.verbs()
            .find(|v| item_text(*v).is_some_and(|v| v == "*" || v == verb))
    }

    /// Whether this rule grants `verb` on `resource`, and through which items.
    pub fn grants(&self, resource: &GroupResource, verb: &str) -> Option<Grant<'a>> {
        Some(Grant {
            group: self.group_item(&resource.group)?,
            resource: self.resource_item(&resource.resource)?,
            verb: self.verb_item(verb)?,
        })
    }

    /// The items that make the rule grant everything: `*` API groups, `*`
    /// resources, and `*` verbs or every read and write verb.
    pub fn admin_equivalent(&self) -> Option<AdminGrant<'a>> {
        fn star<'a>(mut items: impl Iterator<Item = NodeRef<'a>>) -> Option<NodeRef<'a>> {
            items.find(|i| item_text(*i) == Some("*"))
        }
        let group = star(self.api_groups())?;
        let resource = star(self.resources())?;
        let verbs = match star(self.verbs()) {
            Some(star) => vec![star],
            None => ALL_VERBS
                .iter()
                .map(|verb| self.verb_item(verb))
                .collect::<Option<Vec<_>>>()?,
        };
        Some(AdminGrant {
            group,
            resource,
            verbs,
        })
    }
}

/// The verbs that, all together, amount to full control of a resource.
pub const ALL_VERBS: [&str; 7] = [
    "get", "list", "watch", "create", "update", "patch", "delete",
];

/// The list items through which a policy rule grants a verb on a resource.
#[derive(Clone, Copy, Debug)]
pub struct Grant<'a> {
    pub group: NodeRef<'a>,
    pub resource: NodeRef<'a>,
    pub verb: NodeRef<'a>,
}

/// The list items that make a policy rule grant everything.
#[derive(Clone, Debug)]
pub struct AdminGrant<'a> {
    pub group: NodeRef<'a>,
    pub resource: NodeRef<'a>,
    pub verbs: Vec<NodeRef<'a>>,
}

/// A resource of an API group, written as kubectl writes it:
/// `pods`, `pods/exec`, `deployments.apps`,
/// `certificatesigningrequests.certificates.k8s.io/approval`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupResource {
    /// `""` for the core group.
    pub group: String,
    /// The resource, with its sub-resource after a `/`.
    pub resource: String,
}

impl GroupResource {
    pub fn parse(text: &str) -> Result<GroupResource, String> {
        let (main, sub) = match text.split_once('/') {
            Some((main, sub)) => (main, Some(sub)),
            None => (text, None),
        };
        let (resource, group) = main.split_once('.').unwrap_or((main, ""));
        if resource.is_empty() || sub.is_some_and(|s| s.is_empty() || s.contains('/')) {
            return Err(format!(
                "`{text}` is not a resource (write `pods`, `pods/exec` or `deployments.apps`)"
            ));
        }
        Ok(GroupResource {
            group: group.to_string(),
            resource: match sub {
                Some(sub) => format!("{resource}/{sub}"),
                None => resource.to_string(),
            },
        })
    }

    /// True for resources outside any namespace, which a namespaced Role
    /// cannot grant (its rules only ever match requests in its namespace).
    /// Impersonating users and groups is authorized cluster-wide too.
    pub fn cluster_scoped(&self) -> bool {
        let base = self.resource.split('/').next().unwrap_or("");
        CLUSTER_SCOPED
            .iter()
            .any(|&(group, resource)| group == self.group && resource == base)
    }
}

const CLUSTER_SCOPED: [(&str, &str); 14] = [
    ("", "nodes"),
    ("", "persistentvolumes"),
    ("", "namespaces"),
    ("", "users"),
    ("", "groups"),
    ("authentication.k8s.io", "uids"),
    ("authentication.k8s.io", "userextras"),
    ("certificates.k8s.io", "certificatesigningrequests"),
    ("certificates.k8s.io", "signers"),
    (
        "admissionregistration.k8s.io",
        "mutatingwebhookconfigurations",
    ),
    (
        "admissionregistration.k8s.io",
        "validatingwebhookconfigurations",
    ),
    (
        "admissionregistration.k8s.io",
        "validatingadmissionpolicies",
    ),
    ("apiextensions.k8s.io", "customresourcedefinitions"),
    (RBAC_GROUP, "clusterrolebindings"),
];

impl fmt::Display for GroupResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.resource)
    }
}

/// A RoleBinding or a ClusterRoleBinding.
#[derive(Clone, Copy, Debug)]
pub struct Binding<'a> {
    pub object: Object<'a>,
    /// True for a ClusterRoleBinding.
    pub cluster: bool,
}

impl<'a> Binding<'a> {
    pub fn of(object: &Object<'a>) -> Option<Binding<'a>> {
        let cluster = match object.kind {
            "RoleBinding" => false,
            "ClusterRoleBinding" => true,
            _ => return None,
        };
        in_rbac_group(object).then_some(Binding {
            object: *object,
            cluster,
        })
    }

    /// A default binding of the cluster (`system:…`), managed by Kubernetes.
    pub fn is_system(&self) -> bool {
        self.object.name.is_some_and(|n| n.starts_with("system:"))
    }

    pub fn role_ref(&self) -> Option<RoleRef<'a>> {
        let node = self.object.root.get("roleRef")?;
        let (key, name) = node.entry("name")?;
        let name_text = item_text(name).filter(|n| !n.is_empty())?;
        Some(RoleRef {
            kind: node.get("kind").and_then(item_text).unwrap_or(""),
            name: name_text,
            name_node: name,
            key: key.span(),
        })
    }

    pub fn subjects(&self) -> impl Iterator<Item = Subject<'a>> + 'a {
        self.object
            .root
            .get("subjects")
            .into_iter()
            .flat_map(|s| s.items())
            .filter(|s| s.is_map())
            .map(|node| Subject { node })
    }
}

/// A binding's `roleRef`, when its name is known.
#[derive(Clone, Copy, Debug)]
pub struct RoleRef<'a> {
    /// `Role` or `ClusterRole` (as written).
    pub kind: &'a str,
    pub name: &'a str,
    /// The `name` value.
    pub name_node: NodeRef<'a>,
    /// The `name:` key.
    pub key: Span,
}

impl RoleRef<'_> {
    pub fn is_cluster_role(&self) -> bool {
        self.kind == "ClusterRole"
    }
}

/// One entry of a binding's `subjects`.
#[derive(Clone, Copy, Debug)]
pub struct Subject<'a> {
    pub node: NodeRef<'a>,
}

impl<'a> Subject<'a> {
    /// `User`, `Group` or `ServiceAccount`; `None` when unknown.
    pub fn kind(&self) -> Option<&'a str> {
        self.node.get("kind").and_then(item_text)
    }

    pub fn name(&self) -> Option<&'a str> {
        self.node.get("name").and_then(item_text)
    }

    /// The `name` value, to report at.
    pub fn name_node(&self) -> Option<NodeRef<'a>> {
        self.node.get("name")
    }

    pub fn namespace(&self) -> Option<&'a str> {
        self.node.get("namespace").and_then(item_text)
    }

    /// `ServiceAccount "default"`, `Group "system:anonymous"`.
    pub fn describe(&self) -> String {
        format!(
            "{} \"{}\"",
            self.kind().unwrap_or("subject"),
            self.name().unwrap_or("")
        )
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::yaml::{Limits, parse_stream};

    fn with_rule(rule: &str, test: impl FnOnce(PolicyRule<'_>)) {
        let text = format!(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {{name: r}}\nrules:\n- {rule}\n"
        );
        let parsed = parse_stream(&Arc::from(text.as_str()), &Limits::default());
        let object = Object::from_node(parsed.documents[0].root().unwrap()).unwrap();
        let role = Role::of(&object).unwrap();
        test(role.rules().next().unwrap());
    }

    fn gr(text: &str) -> GroupResource {
        GroupResource::parse(text).unwrap()
    }

    #[test]
    fn resources_in_kubectl_notation() {
        assert_eq!(
            gr("deployments.apps"),
            GroupResource {
                group: "apps".into(),
                resource: "deployments".into()
            }
        );
        assert_eq!(gr("pods/exec").group, "");
        assert_eq!(gr("pods/exec").resource, "pods/exec");
        let csr = gr("certificatesigningrequests.certificates.k8s.io/approval");
        assert_eq!(csr.group, "certificates.k8s.io");
        assert_eq!(csr.resource, "certificatesigningrequests/approval");
        assert!(GroupResource::parse("").is_err());
        assert!(GroupResource::parse("pods/").is_err());
    }

    #[test]
    fn grants_follow_the_authorizer() {
        with_rule(
            r#"{apiGroups: [""], resources: [secrets], verbs: [get, list]}"#,
            |r| {
                assert!(r.grants(&gr("secrets"), "get").is_some());
                assert!(r.grants(&gr("secrets"), "watch").is_none());
                assert!(r.grants(&gr("secrets.apps"), "get").is_none());
            },
        );
        with_rule(
            r#"{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}"#,
            |r| {
                assert!(r.grants(&gr("pods/exec"), "create").is_some());
                assert!(r.admin_equivalent().is_some());
            },
        );
        with_rule(
            r#"{apiGroups: [""], resources: ["*/exec"], verbs: [create]}"#,
            |r| {
                assert!(r.grants(&gr("pods/exec"), "create").is_some());
                assert!(r.grants(&gr("pods"), "create").is_none());
            },
        );
        // `pods/*` is no pattern, and `pods` does not cover its sub-resources.
        with_rule(
            r#"{apiGroups: [""], resources: [pods, "pods/*"], verbs: [create]}"#,
            |r| {
                assert!(r.grants(&gr("pods/exec"), "create").is_none());
            },
        );
        // A null group decodes as the core group; a rule without groups grants nothing.
        with_rule(
            r#"{apiGroups: [~], resources: [pods], verbs: [get]}"#,
            |r| {
                assert!(r.grants(&gr("pods"), "get").is_some());
            },
        );
        with_rule(r#"{resources: [pods], verbs: [get]}"#, |r| {
            assert!(r.grants(&gr("pods"), "get").is_none());
        });
        with_rule(
            r#"{apiGroups: [""], resources: ["{{ .Values.r }}"], verbs: ["*"]}"#,
            |r| {
                assert!(r.grants(&gr("pods"), "get").is_none());
            },
        );
    }

    #[test]
    fn admin_equivalence_needs_every_verb() {
        let all = "[get, list, watch, create, update, patch, delete]";
        with_rule(
            &format!(r#"{{apiGroups: ["*"], resources: ["*"], verbs: {all}}}"#),
            |r| assert_eq!(r.admin_equivalent().unwrap().verbs.len(), 7),
        );
        with_rule(
            r#"{apiGroups: ["*"], resources: ["*"], verbs: [get, list, watch]}"#,
            |r| assert!(r.admin_equivalent().is_none()),
        );
        with_rule(
            r#"{apiGroups: [""], resources: ["*"], verbs: ["*"]}"#,
            |r| assert!(r.admin_equivalent().is_none()),
        );
    }
}
