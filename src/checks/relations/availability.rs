//! Disruption budgets and autoscalers: `workload-has-pdb`, `pdb-selects-pods`,
//! `pdb-vs-hpa-min`, `hpa-target-exists` and `hpa-managed-no-static-replicas`.

use std::sync::Arc;

use super::{
    ObjectRecord, PodRecord, Replicas, WorkloadRecord, api_group, describe, in_namespace, kept,
    label_if_same_file, same_namespace,
};
use crate::checks::{Check, Record, is_templated};
use crate::engine::{Finding, SetCx};
use crate::k8s::{Object, Selector};
use crate::source::{SourceFile, Span};

/// `minAvailable`: a count or a percentage of the pods.
#[derive(Clone, Copy, Debug)]
enum Amount {
    Count(i64),
    Percent(i64),
}

impl Amount {
    /// The pods that must stay available out of `total`; percentages round up.
    fn of(self, total: i64) -> i64 {
        match self {
            Amount::Count(n) => n,
            Amount::Percent(p) => p.saturating_mul(total).saturating_add(99) / 100,
        }
    }
}

#[derive(Clone, Debug)]
struct Pdb {
    object: ObjectRecord,
    /// What the budget selects; `None` when it selects no pod (no selector in
    /// `policy/v1`, an empty one in `policy/v1beta1`).
    selector: Option<Selector>,
    /// The `selector:` key, else the `spec:` key, else the object's name.
    selector_span: Span,
    /// Why `selector` is `None`.
    no_selector: &'static str,
    min_available: Option<(Amount, Span)>,
}

impl Pdb {
    /// Whether the budget covers a pod template; `None` when it cannot be told.
    fn covers(&self, pod: &PodRecord) -> Option<bool> {
        if !same_namespace(&self.object.namespace, &pod.namespace) {
            return Some(false);
        }
        let selector = self.selector.as_ref()?;
        if selector.unknown || selector.is_templated() {
            return None;
        }
        Some(selector.matches(&pod.labels))
    }
}

#[derive(Clone, Debug)]
struct ScaleTarget {
    /// The API group, when `apiVersion` is given.
    group: Option<String>,
    kind: String,
    name: String,
    /// The `name` value of `scaleTargetRef`.
    span: Span,
}

#[derive(Clone, Debug)]
struct Hpa {
    object: ObjectRecord,
    target: Option<ScaleTarget>,
    /// `minReplicas` (1 when unset; `None` when unrendered), and its value's span.
    min_replicas: Option<i64>,
    min_span: Option<Span>,
}

impl Hpa {
    fn targets(&self, object: &ObjectRecord) -> bool {
        self.target.as_ref().is_some_and(|t| {
            t.kind == object.kind
                && t.group.as_ref().is_none_or(|g| *g == object.group)
                && object.named(&self.object.namespace, &t.name)
        })
    }
}

enum Kept {
    Pdb(Pdb),
    Hpa(Hpa),
    Workload(WorkloadRecord),
    /// Any other object an autoscaler might target.
    Other(ObjectRecord),
}

fn project(object: &Object<'_>, file: &Arc<SourceFile>, others: bool) -> Option<Record> {
    let group = api_group(object.api_version);
    let kept = match (group, object.kind) {
        ("policy", "PodDisruptionBudget") => Kept::Pdb(pdb(object, file)),
        ("autoscaling", "HorizontalPodAutoscaler") => Kept::Hpa(hpa(object, file)),
        _ => match WorkloadRecord::of(object, file) {
            Some(workload) => Kept::Workload(workload),
            None if others => Kept::Other(ObjectRecord::of(object, file)),
            None => return None,
        },
    };
    Some(Box::new(kept))
}

fn pdb(object: &Object<'_>, file: &Arc<SourceFile>) -> Pdb {
    let record = ObjectRecord::of(object, file);
    let spec = object.root.get("spec");
    let entry = spec.and_then(|s| s.entry("selector"));
    let v1beta1 = object.api_version == "policy/v1beta1";
    let (selector, no_selector) = match entry.filter(|(_, v)| !v.is_null()) {
        None => (None, "it has no selector"),
        Some((_, node)) => {
            let selector = Selector::from_label_selector(node);
            if v1beta1 && selector.is_empty() {
                (None, "an empty selector selects nothing in policy/v1beta1")
            } else {
                (Some(selector), "")
            }
        }
    };
    let selector_span = match entry {
        Some((key, _)) => key.span(),
        None => object.root.key_span("spec").unwrap_or(record.place.span),
    };
    let min_available = spec.and_then(|s| s.get("minAvailable")).and_then(|node| {
        if is_templated(node) {
            return None;
        }
        let amount = match node.as_i64() {
            Some(n) => Amount::Count(n),
            None => Amount::Percent(node.as_text()?.strip_suffix('%')?.trim().parse().ok()?),
        };
        Some((amount, node.span()))
    });
    Pdb {
        object: record,
        selector,
        selector_span,
        no_selector,
        min_available,
    }
}

fn hpa(object: &Object<'_>, file: &Arc<SourceFile>) -> Hpa {
    let spec = object.root.get("spec");
    let target = spec.and_then(|s| s.get("scaleTargetRef")).and_then(|r| {
        let kind = r.get("kind")?;
        let name = r.get("name")?;
        if is_templated(kind) || is_templated(name) {
            return None;
        }
        Some(ScaleTarget {
            group: r
                .get("apiVersion")
                .and_then(|v| v.as_text())
                .map(|v| api_group(v).to_string()),
            kind: kind.as_text()?.to_string(),
            name: name.as_text()?.to_string(),
            span: name.span(),
        })
    });
    let min = spec.and_then(|s| s.get("minReplicas"));
    Hpa {
        object: ObjectRecord::of(object, file),
        target,
        min_replicas: match min {
            None => Some(1),
            Some(node) if is_templated(node) => None,
            Some(node) => node.as_i64(),
        },
        min_span: min.map(|m| m.span()),
    }
}

#[derive(Default)]
struct Set<'r> {
    pdbs: Vec<&'r Pdb>,
    hpas: Vec<&'r Hpa>,
    workloads: Vec<&'r WorkloadRecord>,
    others: Vec<&'r ObjectRecord>,
}

fn split(records: &[Record]) -> Set<'_> {
    let mut set = Set::default();
    for k in kept::<Kept>(records) {
        match k {
            Kept::Pdb(pdb) => set.pdbs.push(pdb),
            Kept::Hpa(hpa) => set.hpas.push(hpa),
            Kept::Workload(workload) => set.workloads.push(workload),
            Kept::Other(object) => set.others.push(object),
        }
    }
    set
}

/// Kinds whose replica count, unset, is one: the built-in replicated
/// workloads. A custom resource's default is unknown.
fn defaults_to_one(object: &ObjectRecord) -> bool {
    object.is("apps", "Deployment") || object.is("apps", "StatefulSet")
}

/// Deployments, StatefulSets, and custom resources with a pod template
/// (Argo Rollouts and the like); not Jobs, DaemonSets or bare pods.
fn replicated(object: &ObjectRecord) -> bool {
    defaults_to_one(object) || (object.group.contains('.') && !object.group.ends_with("k8s.io"))
}

/// Labels an autoscaler's `minReplicas`, or its name when the minimum is the default.
fn label_minimum(finding: &mut Finding, hpa: &Hpa) {
    match hpa.min_span {
        Some(span) => label_if_same_file(finding, &hpa.object.at(span), "the autoscaler's minimum"),
        None => label_if_same_file(finding, &hpa.object.place, "minReplicas defaults to 1"),
    }
}

pub struct WorkloadHasPdb;

impl Check for WorkloadHasPdb {
    fn needs_set(&self) -> bool {
        true
    }

    fn project(&self, object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Record> {
        project(object, file, false)
    }

    fn check_set(&self, cx: &mut SetCx<'_>, records: &[Record]) {
        let set = split(records);
        for workload in &set.workloads {
            let object = &workload.object;
            if !replicated(object) {
                continue;
            }
            // An autoscaler decides the count; at its minimum, pods still need a budget.
            let scaler = set.hpas.iter().find(|h| h.targets(object));
            let (count, span, path) = match (scaler, workload.replicas) {
                (Some(hpa), _) => match hpa.min_replicas {
                    Some(min) => (min, object.place.span, "metadata.name"),
                    None => continue,
                },
                (None, Replicas::Count(n, span)) => (n, span, "spec.replicas"),
                // Unset is one replica for the built-in kinds, unknown for the others.
                (None, _) => continue,
            };
            if count < 2 {
                continue;
            }
            if set
                .pdbs
                .iter()
                .any(|p| p.covers(&workload.pod) != Some(false))
            {
                continue;
            }
            let runs = match scaler {
                Some(hpa) => format!(
                    "runs at least {count} replicas under {}",
                    hpa.object.display()
                ),
                None => format!("runs {count} replicas"),
            };
            let finding = cx
                .report(
                    &object.place.file,
                    span,
                    Some(object.identity.clone()),
                    format!(
                        "{} {runs}, but no PodDisruptionBudget{} selects its pods",
                        object.display(),
                        in_namespace(&object.namespace)
                    ),
                )
                .at_path(path);
            if let Some(hpa) = scaler {
                label_minimum(finding, hpa);
            }
        }
    }
}

pub struct PdbSelectsPods;

impl Check for PdbSelectsPods {
    fn needs_set(&self) -> bool {
        true
    }

    fn project(&self, object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Record> {
        project(object, file, false)
    }

    fn check_set(&self, cx: &mut SetCx<'_>, records: &[Record]) {
        let set = split(records);
        for pdb in &set.pdbs {
            let object = &pdb.object;
            let namespace = &object.namespace;
            let message = match &pdb.selector {
                None => format!("{} selects no pod: {}", object.display(), pdb.no_selector),
                Some(selector) => {
                    if selector.is_empty() || selector.unknown || selector.is_templated() {
                        continue;
                    }
                    let local: Vec<&PodRecord> = set
                        .workloads
                        .iter()
                        .map(|w| &w.pod)
                        .filter(|p| same_namespace(namespace, &p.namespace))
                        .collect();
                    // Only a namespace with workloads in the input can prove none is selected.
                    if local.is_empty() || local.iter().any(|p| selector.matches(&p.labels)) {
                        continue;
                    }
                    format!(
                        "{} selects no pod: no workload{} has the labels {}",
                        object.display(),
                        in_namespace(namespace),
                        describe(selector)
                    )
                }
            };
            cx.report(
                &object.place.file,
                pdb.selector_span,
                Some(object.identity.clone()),
                message,
            )
            .at_path("spec.selector");
        }
    }
}

pub struct PdbVsHpaMin;

impl Check for PdbVsHpaMin {
    fn needs_set(&self) -> bool {
        true
    }

    fn project(&self, object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Record> {
        project(object, file, false)
    }

    fn check_set(&self, cx: &mut SetCx<'_>, records: &[Record]) {
        let set = split(records);
        // The workloads each autoscaler targets, found once: the pairs of
        // budgets and autoscalers then look only at those.
        let targeted: Vec<Vec<&WorkloadRecord>> = set
            .hpas
            .iter()
            .map(|hpa| {
                if hpa.min_replicas.is_none() {
                    return Vec::new();
                }
                set.workloads
                    .iter()
                    .copied()
                    .filter(|w| hpa.targets(&w.object))
                    .collect()
            })
            .collect();
        for pdb in &set.pdbs {
            let Some((amount, span)) = pdb.min_available else {
                continue;
            };
            for (hpa, workloads) in set.hpas.iter().zip(&targeted) {
                let Some(min) = hpa.min_replicas else {
                    continue;
                };
                let covered = workloads.iter().find(|w| pdb.covers(&w.pod) == Some(true));
                let Some(workload) = covered else {
                    continue;
                };
                let required = amount.of(min);
                if required < min {
                    continue;
                }
                let shown = match amount {
                    Amount::Count(n) => format!("{n} available pods"),
                    Amount::Percent(p) => format!("{p}% available pods ({required} of {min})"),
                };
                let finding = cx
                    .report(
                        &pdb.object.place.file,
                        span,
                        Some(pdb.object.identity.clone()),
                        format!(
                            "{} requires {shown}, but {} scales {} down to {min}: no pod can be evicted then",
                            pdb.object.display(),
                            hpa.object.display(),
                            workload.object.display()
                        ),
                    )
                    .at_path("spec.minAvailable");
                label_minimum(finding, hpa);
            }
        }
    }
}

pub struct HpaTargetExists;

impl Check for HpaTargetExists {
    fn needs_set(&self) -> bool {
        true
    }

    fn project(&self, object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Record> {
        project(object, file, true)
    }

    fn check_set(&self, cx: &mut SetCx<'_>, records: &[Record]) {
        let set = split(records);
        let objects: Vec<&ObjectRecord> = set
            .workloads
            .iter()
            .map(|w| &w.object)
            .chain(set.others.iter().copied())
            .collect();
        for hpa in &set.hpas {
            let Some(target) = &hpa.target else {
                continue;
            };
            let namespace = &hpa.object.namespace;
            let same_kind = |o: &&&ObjectRecord| {
                o.kind == target.kind
                    && target.group.as_ref().is_none_or(|g| *g == o.group)
                    && same_namespace(&o.namespace, namespace)
            };
            // Only a namespace holding objects of the target's kind can prove it missing.
            if !objects.iter().any(|o| same_kind(&o)) || objects.iter().any(|o| hpa.targets(o)) {
                continue;
            }
            cx.report(
                &hpa.object.place.file,
                target.span,
                Some(hpa.object.identity.clone()),
                format!(
                    "{} scales {}/{}, which is not defined{}",
                    hpa.object.display(),
                    target.kind,
                    target.name,
                    in_namespace(namespace)
                ),
            )
            .at_path("spec.scaleTargetRef.name");
        }
    }
}

pub struct HpaManagedNoStaticReplicas;

impl Check for HpaManagedNoStaticReplicas {
    fn needs_set(&self) -> bool {
        true
    }

    fn project(&self, object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Record> {
        project(object, file, false)
    }

    fn check_set(&self, cx: &mut SetCx<'_>, records: &[Record]) {
        let set = split(records);
        for workload in &set.workloads {
            let Replicas::Count(count, span) = workload.replicas else {
                continue;
            };
            let object = &workload.object;
            let Some(hpa) = set.hpas.iter().find(|h| h.targets(object)) else {
                continue;
            };
            let finding = cx
                .report(
                    &object.place.file,
                    span,
                    Some(object.identity.clone()),
                    format!(
                        "{} sets replicas to {count}, but {} scales it",
                        object.display(),
                        hpa.object.display()
                    ),
                )
                .at_path("spec.replicas");
            if let Some(target) = &hpa.target {
                label_if_same_file(finding, &hpa.object.at(target.span), "the autoscaler");
            }
        }
    }
}
