//! Whether NetworkPolicies isolate the pods of the input:
//! `pod-selected-by-network-policy`, `network-policy-both-directions` and
//! `namespace-default-deny`.
//!
//! A policy without a namespace is applied wherever its manifest is, so it
//! may cover pods of any namespace; a workload without a namespace may land
//! in any namespace that has policies. Both are read in the workload's favour.

use std::sync::Arc;

use serde::Deserialize;

use super::{
    ObjectRecord, PodRecord, glob, in_namespace, kept, label_if_same_file, same_namespace,
};
use crate::checks::{Check, Record};
use crate::engine::SetCx;
use crate::k8s::{Direction, NetworkPolicy, Object, PolicyTypes, Selector, is_namespace};
use crate::source::SourceFile;

#[derive(Clone, Debug)]
struct PolicyRecord {
    object: ObjectRecord,
    selector: Selector,
    /// The selector cannot be judged (an unknown operator, a template):
    /// worked out once, as every workload asks.
    opaque: bool,
    /// `None` while `policyTypes` is unrendered.
    types: Option<PolicyTypes>,
    /// Isolated with nothing allowed, per direction (ingress, egress).
    denies_all: (bool, bool),
}

impl PolicyRecord {
    fn of(object: &Object<'_>, file: &Arc<SourceFile>) -> Option<PolicyRecord> {
        let policy = NetworkPolicy::of(object)?;
        let selector = policy.pod_selector();
        Some(PolicyRecord {
            object: ObjectRecord::of(object, file),
            opaque: selector.unknown || selector.is_templated(),
            selector,
            types: policy.policy_types(),
            denies_all: (
                policy.denies_all(Direction::Ingress),
                policy.denies_all(Direction::Egress),
            ),
        })
    }

    /// True when the policy selects the pod, or its selector cannot be judged.
    fn selects(&self, pod: &PodRecord) -> bool {
        same_namespace(&self.object.namespace, &pod.namespace)
            && (self.opaque || self.selector.matches(&pod.labels))
    }

    /// True when the policy isolates the direction, or may (unrendered types).
    fn isolates(&self, direction: Direction) -> bool {
        self.types.is_none_or(|t| t.has(direction))
    }
}

/// A workload whose pods NetworkPolicies may isolate.
#[derive(Clone, Debug)]
struct Workload {
    object: ObjectRecord,
    pod: PodRecord,
}

impl Workload {
    /// Pods on the host network are outside NetworkPolicy's reach.
    fn of(object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Workload> {
        let pod = object.pod_spec()?;
        if pod.spec.get("hostNetwork").and_then(|h| h.as_bool()) == Some(true) {
            return None;
        }
        Some(Workload {
            object: ObjectRecord::of(object, file),
            pod: PodRecord::of(object)?,
        })
    }

    /// The pod template's labels as a message shows them.
    fn labels(&self) -> String {
        if self.pod.labels.is_empty() {
            return "no labels".to_string();
        }
        let pairs: Vec<String> = self
            .pod
            .labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        format!("labels {}", pairs.join(", "))
    }
}

enum Kept {
    Policy(PolicyRecord),
    Workload(Workload),
}

fn policies_and_workloads(object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Record> {
    if let Some(policy) = PolicyRecord::of(object, file) {
        return Some(Box::new(Kept::Policy(policy)));
    }
    Workload::of(object, file).map(|w| Box::new(Kept::Workload(w)) as Record)
}

fn split(records: &[Record]) -> (Vec<&PolicyRecord>, Vec<&Workload>) {
    let mut policies = Vec::new();
    let mut workloads = Vec::new();
    for k in kept::<Kept>(records) {
        match k {
            Kept::Policy(policy) => policies.push(policy),
            Kept::Workload(workload) => workloads.push(workload),
        }
    }
    (policies, workloads)
}

pub struct PodSelectedByNetworkPolicy;

impl Check for PodSelectedByNetworkPolicy {
    fn needs_set(&self) -> bool {
        true
    }

    fn project(&self, object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Record> {
        policies_and_workloads(object, file)
    }

    fn check_set(&self, cx: &mut SetCx<'_>, records: &[Record]) {
        let (policies, workloads) = split(records);
        // Without any NetworkPolicy in the input, policies are managed elsewhere.
        if policies.is_empty() {
            return;
        }
        for workload in workloads {
            if policies.iter().any(|p| p.selects(&workload.pod)) {
                continue;
            }
            let object = &workload.object;
            cx.report(
                &object.place.file,
                object.place.span,
                Some(object.identity.clone()),
                format!(
                    "no NetworkPolicy{} selects the pods of {} ({})",
                    in_namespace(&object.namespace),
                    object.display(),
                    workload.labels()
                ),
            )
            .at_path("metadata.name");
        }
    }
}

pub struct NetworkPolicyBothDirections;

impl Check for NetworkPolicyBothDirections {
    fn needs_set(&self) -> bool {
        true
    }

    fn project(&self, object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Record> {
        policies_and_workloads(object, file)
    }

    fn check_set(&self, cx: &mut SetCx<'_>, records: &[Record]) {
        let (policies, workloads) = split(records);
        for workload in workloads {
            let selecting: Vec<&&PolicyRecord> = policies
                .iter()
                .filter(|p| p.selects(&workload.pod))
                .collect();
            // A workload that no policy selects is `pod-selected-by-network-policy`'s finding.
            let Some(first) = selecting.first() else {
                continue;
            };
            let covered = |d: Direction| selecting.iter().any(|p| p.isolates(d));
            let (isolated, open) = match (covered(Direction::Ingress), covered(Direction::Egress)) {
                (true, false) => ("ingress", "egress"),
                (false, true) => ("egress", "ingress"),
                _ => continue,
            };
            let object = &workload.object;
            let finding = cx
                .report(
                    &object.place.file,
                    object.place.span,
                    Some(object.identity.clone()),
                    format!(
                        "the pods of {} are isolated for {isolated} only: no NetworkPolicy selecting them restricts {open}",
                        object.display()
                    ),
                )
                .at_path("metadata.name");
            let policy = &first.object;
            label_if_same_file(
                finding,
                &policy.place,
                format!(
                    "{} selects them and isolates {isolated} only",
                    policy.display()
                ),
            );
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct DefaultDenyParams {
    /// Namespaces that need no default-deny policy (`*` wildcards).
    exempt_namespaces: Vec<String>,
}

enum ForDefaultDeny {
    Namespace(ObjectRecord),
    Policy(PolicyRecord),
}

/// `namespace-default-deny`: Namespaces of the input without a policy that
/// isolates all their pods in both directions and allows nothing.
pub struct NamespaceDefaultDeny {
    params: DefaultDenyParams,
}

impl NamespaceDefaultDeny {
    pub fn new(params: DefaultDenyParams) -> Self {
        NamespaceDefaultDeny { params }
    }
}

impl Check for NamespaceDefaultDeny {
    fn needs_set(&self) -> bool {
        true
    }

    fn project(&self, object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Record> {
        if is_namespace(object) {
            return Some(Box::new(ForDefaultDeny::Namespace(ObjectRecord::of(
                object, file,
            ))));
        }
        PolicyRecord::of(object, file).map(|p| Box::new(ForDefaultDeny::Policy(p)) as Record)
    }

    fn check_set(&self, cx: &mut SetCx<'_>, records: &[Record]) {
        let policies: Vec<&PolicyRecord> = kept::<ForDefaultDeny>(records)
            .filter_map(|k| match k {
                ForDefaultDeny::Policy(p) => Some(p),
                ForDefaultDeny::Namespace(_) => None,
            })
            .collect();
        for k in kept::<ForDefaultDeny>(records) {
            let ForDefaultDeny::Namespace(namespace) = k else {
                continue;
            };
            let name = &namespace.name;
            if name.is_empty() || self.params.exempt_namespaces.iter().any(|n| glob(n, name)) {
                continue;
            }
            let scope = Some(name.clone());
            let denies = |direction: Direction| {
                policies.iter().any(|p| {
                    same_namespace(&p.object.namespace, &scope)
                        && p.selector.is_empty()
                        && match direction {
                            Direction::Ingress => p.denies_all.0,
                            Direction::Egress => p.denies_all.1,
                        }
                })
            };
            let missing = match (denies(Direction::Ingress), denies(Direction::Egress)) {
                (true, true) => continue,
                (false, false) => "",
                (true, false) => " for egress",
                (false, true) => " for ingress",
            };
            cx.report(
                &namespace.place.file,
                namespace.place.span,
                Some(namespace.identity.clone()),
                format!(
                    "{} has no default-deny NetworkPolicy{missing}",
                    namespace.display()
                ),
            )
            .at_path("metadata.name");
        }
    }
}
