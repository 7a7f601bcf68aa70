//! `rbac-grants`: a Role or ClusterRole grants a dangerous verb on a
//! dangerous resource; `rbac-wildcard`: a policy rule uses `*`.

use serde::Deserialize;

use crate::checks::{Check, fill};
use crate::engine::Cx;
use crate::k8s::{Grant, GroupResource, Object, PolicyRule, Role};
use crate::source::Span;
use crate::yaml::NodeRef;

/// Which list item a finding points at.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum At {
    /// The item of `resources` (`secrets`, `pods/exec`, `*`).
    #[default]
    Resource,
    /// The item of `verbs` (`impersonate`, `*`).
    Verb,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct CaseParams {
    /// Resources in kubectl notation: `pods`, `pods/exec`, `deployments.apps`.
    resources: Vec<String>,
    verbs: Vec<String>,
    #[serde(default)]
    at: At,
    /// `{object}`, `{verbs}` and `{resources}` are filled in.
    message: String,
    /// A rule limited by `resourceNames` counts only when it names one of
    /// these; without the list, such a rule is narrow enough to pass.
    #[serde(default)]
    names: Option<Vec<String>>,
    /// A namespaced Role counts only in these namespaces (ClusterRoles always count).
    #[serde(default)]
    namespaces: Option<Vec<String>>,
    /// A second right the same role must also grant, in any of its rules
    /// (named or not), for the first to be usable: approving a
    /// CertificateSigningRequest takes `update` on `/approval` and `approve`
    /// on its signer.
    #[serde(default)]
    also: Option<AlsoParams>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct AlsoParams {
    resources: Vec<String>,
    verbs: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct GrantsParams {
    cases: Vec<CaseParams>,
}

struct Case {
    resources: Vec<GroupResource>,
    verbs: Vec<String>,
    at: At,
    message: String,
    names: Option<Vec<String>>,
    namespaces: Option<Vec<String>>,
    also: Option<(Vec<GroupResource>, Vec<String>)>,
}

pub struct RbacGrants {
    cases: Vec<Case>,
}

impl RbacGrants {
    pub fn new(params: GrantsParams) -> Result<Self, String> {
        if params.cases.is_empty() {
            return Err("give at least one case".into());
        }
        let cases = params
            .cases
            .into_iter()
            .map(|case| {
                if case.verbs.is_empty() || case.resources.is_empty() {
                    return Err("every case needs `resources` and `verbs`".to_string());
                }
                let also = match case.also {
                    Some(also) if also.resources.is_empty() || also.verbs.is_empty() => {
                        return Err("`also` needs `resources` and `verbs`".to_string());
                    }
                    Some(also) => Some((
                        also.resources
                            .iter()
                            .map(|r| GroupResource::parse(r))
                            .collect::<Result<_, _>>()?,
                        also.verbs,
                    )),
                    None => None,
                };
                Ok(Case {
                    also,
                    resources: case
                        .resources
                        .iter()
                        .map(|r| GroupResource::parse(r))
                        .collect::<Result<_, _>>()?,
                    verbs: case.verbs,
                    at: case.at,
                    message: case.message,
                    names: case.names,
                    namespaces: case.namespaces,
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(RbacGrants { cases })
    }
}

impl Case {
    /// Whether the role grants what the case needs besides its own right.
    fn also_granted(&self, role: &Role<'_>) -> bool {
        let Some((resources, verbs)) = &self.also else {
            return true;
        };
        role.rules().any(|rule| {
            resources
                .iter()
                .any(|r| verbs.iter().any(|v| rule.grants(r, v).is_some()))
        })
    }

    /// Whether the case looks at this rule of this role at all.
    fn applies(&self, role: &Role<'_>, rule: &PolicyRule<'_>) -> bool {
        if let Some(namespaces) = &self.namespaces
            && !role.cluster
            && !role
                .object
                .namespace
                .is_some_and(|ns| namespaces.iter().any(|n| n == ns))
        {
            return false;
        }
        if !rule.is_named() {
            return true;
        }
        let Some(names) = &self.names else {
            return false;
        };
        rule.resource_names()
            .filter_map(|n| n.as_text())
            .any(|n| names.iter().any(|wanted| wanted == n))
    }

    /// Every (wanted resource, wanted verb) the rule grants, with the items.
    fn grants<'a>(&self, role: &Role<'_>, rule: &PolicyRule<'a>) -> Vec<Found<'a, '_>> {
        let mut found = Vec::new();
        for resource in &self.resources {
            if !role.cluster && resource.cluster_scoped() {
                continue;
            }
            for verb in &self.verbs {
                if let Some(grant) = rule.grants(resource, verb) {
                    found.push(Found {
                        grant,
                        resource,
                        verb,
                    });
                }
            }
        }
        found
    }
}

struct Found<'a, 'c> {
    grant: Grant<'a>,
    resource: &'c GroupResource,
    verb: &'c str,
}

impl Found<'_, '_> {
    fn item(&self, at: At) -> Span {
        match at {
            At::Resource => self.grant.resource.span(),
            At::Verb => self.grant.verb.span(),
        }
    }
}

/// The distinct values in first-seen order.
fn distinct<'s>(values: impl Iterator<Item = &'s str>) -> Vec<&'s str> {
    let mut out: Vec<&str> = Vec::new();
    for value in values {
        if !out.contains(&value) {
            out.push(value);
        }
    }
    out
}

/// What a label on a granting item says: `allows get`, `on every resource`.
fn label_text(node: NodeRef<'_>, at: At) -> String {
    let text = node.as_text().unwrap_or("");
    match (at, text) {
        (At::Resource, "*") => "allows every verb".into(),
        (At::Resource, verb) => format!("allows {verb}"),
        (At::Verb, "*") => "on every resource".into(),
        (At::Verb, resource) => format!("on {resource}"),
    }
}

impl Check for RbacGrants {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(role) = Role::of(object) else {
            return;
        };
        let name = object.display_name();
        let usable: Vec<bool> = self.cases.iter().map(|c| c.also_granted(&role)).collect();
        for rule in role.rules() {
            for (case, usable) in self.cases.iter().zip(&usable) {
                if !usable || !case.applies(&role, &rule) {
                    continue;
                }
                let found = case.grants(&role, &rule);
                let mut items: Vec<Span> = found.iter().map(|f| f.item(case.at)).collect();
                items.sort_by_key(|s| (s.start, s.end));
                items.dedup();
                for item in items {
                    let here: Vec<&Found> =
                        found.iter().filter(|f| f.item(case.at) == item).collect();
                    // Through one item, the case's other dimension comes from
                    // every item that grants it, so both lists use all grants here.
                    let verbs = distinct(here.iter().map(|f| f.verb)).join(", ");
                    let resources = distinct(here.iter().map(|f| f.resource.resource.as_str()));
                    let message = fill(
                        &case.message,
                        &[
                            ("object", &name),
                            ("verbs", &verbs),
                            ("resources", &resources.join(", ")),
                        ],
                    );
                    let (field, others): (&str, Vec<NodeRef>) = match case.at {
                        At::Resource => ("resources", here.iter().map(|f| f.grant.verb).collect()),
                        At::Verb => ("verbs", here.iter().map(|f| f.grant.resource).collect()),
                    };
                    let finding = cx
                        .report(item, message)
                        .at_path(format!("rules[{}].{field}", rule.index));
                    let mut labelled: Vec<Span> = Vec::new();
                    for other in others {
                        if !labelled.contains(&other.span()) {
                            labelled.push(other.span());
                            finding.with_label(other.span(), label_text(other, case.at));
                        }
                    }
                }
            }
        }
    }
}

/// `rbac-wildcard`: every `*` in the `apiGroups`, `resources` or `verbs` of
/// any policy rule.
pub struct RbacWildcard;

impl Check for RbacWildcard {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(role) = Role::of(object) else {
            return;
        };
        let name = object.display_name();
        for rule in role.rules() {
            let lists: [(&str, Vec<NodeRef>); 3] = [
                ("apiGroups", rule.api_groups().collect()),
                ("resources", rule.resources().collect()),
                ("verbs", rule.verbs().collect()),
            ];
            for (field, items) in lists {
                for item in items.iter().filter(|i| i.as_str() == Some("*")) {
                    let what = match field {
                        "apiGroups" => "every API group",
                        "resources" => "every resource",
                        _ => "every verb",
                    };
                    cx.report(item.span(), format!("{name} grants {what} with \"*\""))
                        .at_path(format!("rules[{}].{field}", rule.index));
                }
            }
        }
    }
}
