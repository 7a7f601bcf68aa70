//! Disruption budgets: `pdb-has-policy`, `pdb-allows-disruption` (over the
//! whole set, to compare a budget with the replicas it covers) and
//! `pdb-unhealthy-eviction-policy`.

use std::sync::Arc;

use super::replicas::{Replicated, Scaler};
use super::{group, missing_span};
use crate::checks::relations::{
    ObjectRecord, PodIndex, PodRecord, Replicas, kept, label_if_same_file,
};
use crate::checks::{Check, Record, is_templated};
use crate::engine::{Cx, SetCx};
use crate::k8s::{Object, Selector};
use crate::source::{SourceFile, Span};
use crate::yaml::NodeRef;

fn no_policy(object: &str) -> String {
    format!("{object} sets neither minAvailable nor maxUnavailable")
}

fn both_policies(object: &str) -> String {
    format!("{object} sets both minAvailable and maxUnavailable; Kubernetes accepts only one")
}

fn none_unavailable(object: &str, value: &str) -> String {
    format!("{object} allows no voluntary disruption: maxUnavailable is {value}")
}

fn all_available(object: &str, value: &str) -> String {
    format!("{object} allows no voluntary disruption: minAvailable is {value}")
}

fn covers_all(object: &str, required: &str, total: i64, workloads: &str) -> String {
    format!(
        "{object} requires {required} available, but {workloads} {} {total}: no pod can be evicted",
        if workloads.contains(", ") {
            "run"
        } else {
            "runs"
        }
    )
}

fn no_eviction_policy(object: &str) -> String {
    format!("{object} sets no unhealthyPodEvictionPolicy")
}

fn unknown_eviction_policy(object: &str, value: &str) -> String {
    format!("{object} has an unknown unhealthyPodEvictionPolicy {value}")
}

fn is_pdb(object: &Object<'_>) -> bool {
    group(object) == "policy" && object.kind == "PodDisruptionBudget"
}

/// `minAvailable` or `maxUnavailable`: a count or a percentage of the pods.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Amount {
    Count(i64),
    Percent(i64),
}

impl Amount {
    /// Reads an int-or-percent; `None` for unrendered or malformed values.
    fn of(node: NodeRef<'_>) -> Option<Amount> {
        if is_templated(node) {
            return None;
        }
        match node.as_i64() {
            Some(n) => Some(Amount::Count(n)),
            None => Some(Amount::Percent(
                node.as_text()?.strip_suffix('%')?.trim().parse().ok()?,
            )),
        }
    }

    /// Pods out of `total`; percentages round up, as the disruption controller does.
    fn of_total(self, total: i64) -> i64 {
        match self {
            Amount::Count(n) => n,
            Amount::Percent(p) => p.saturating_mul(total).saturating_add(99) / 100,
        }
    }
}

/// `pdb-has-policy`: a budget states how many pods may be disrupted.
pub struct PdbHasPolicy;

impl Check for PdbHasPolicy {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        if !is_pdb(object) {
            return;
        }
        let spec = object.root.get("spec");
        let min = spec.and_then(|s| s.get("minAvailable"));
        let max = spec.and_then(|s| s.entry("maxUnavailable"));
        let name = object.display_name();
        match (min, max.filter(|(_, v)| !v.is_null())) {
            (None, None) => {
                cx.report(missing_span(object, "spec.minAvailable"), no_policy(&name))
                    .at_path("spec.minAvailable");
            }
            (Some(min), Some((key, _))) => {
                cx.report(key.span(), both_policies(&name))
                    .at_path("spec.maxUnavailable")
                    .with_label(min.span(), "minAvailable");
            }
            _ => {}
        }
    }
}

/// A budget as `pdb-allows-disruption` keeps it.
struct Budget {
    object: ObjectRecord,
    /// What it selects; `None` when that cannot be told or it selects nothing.
    selector: Option<Selector>,
    min_available: Option<(Amount, Span, String)>,
    max_unavailable: Option<(Amount, Span, String)>,
}

impl Budget {
    fn of(object: &Object<'_>, file: &Arc<SourceFile>) -> Budget {
        let spec = object.root.get("spec");
        let amount = |key: &str| {
            let node = spec?.get(key)?;
            Some((
                Amount::of(node)?,
                node.span(),
                node.text()?.trim().to_string(),
            ))
        };
        let selector = spec
            .and_then(|s| s.get("selector"))
            .map(Selector::from_label_selector)
            .filter(|s| !s.unknown && !s.is_templated())
            // An empty selector selects nothing in policy/v1beta1.
            .filter(|s| !(s.is_empty() && object.api_version == "policy/v1beta1"));
        Budget {
            object: ObjectRecord::of(object, file),
            selector,
            min_available: amount("minAvailable"),
            max_unavailable: amount("maxUnavailable"),
        }
    }
}

/// A pod template with the number of pods it runs, when that is known.
struct Pods {
    object: ObjectRecord,
    pod: PodRecord,
    /// `None` for counts the input cannot tell (DaemonSets, Jobs, unrendered
    /// replicas, custom kinds).
    count: Option<i64>,
    replicas_span: Option<Span>,
}

enum Kept {
    Budget(Budget),
    Scaler(Scaler),
    Pods(Pods),
}

/// `pdb-allows-disruption`: a budget that lets no pod be evicted, so that
/// node drains and cluster upgrades stall on it.
pub struct PdbAllowsDisruption;

impl PdbAllowsDisruption {
    fn project_pods(object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Pods> {
        let pod = PodRecord::of(object)?;
        let (count, replicas_span) = match Replicated::of(object, file) {
            Some(workload) => {
                let span = match workload.replicas {
                    Replicas::Count(_, span) => Some(span),
                    _ => None,
                };
                (workload.count(), span)
            }
            None if object.kind == "Pod" && object.api_version == "v1" => (Some(1), None),
            None => (None, None),
        };
        Some(Pods {
            object: ObjectRecord::of(object, file),
            pod,
            count,
            replicas_span,
        })
    }
}

impl Check for PdbAllowsDisruption {
    fn needs_set(&self) -> bool {
        true
    }

    fn project(&self, object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Record> {
        if is_pdb(object) {
            return Some(Box::new(Kept::Budget(Budget::of(object, file))));
        }
        if let Some(scaler) = Scaler::of(object) {
            return Some(Box::new(Kept::Scaler(scaler)));
        }
        Self::project_pods(object, file).map(|p| Box::new(Kept::Pods(p)) as Record)
    }

    fn check_set(&self, cx: &mut SetCx<'_>, records: &[Record]) {
        let (mut budgets, mut scalers, mut pods) = (Vec::new(), Vec::new(), Vec::new());
        for k in kept::<Kept>(records) {
            match k {
                Kept::Budget(b) => budgets.push(b),
                Kept::Scaler(s) => scalers.push(s),
                Kept::Pods(p) => pods.push(p),
            }
        }
        let pod_records: Vec<&PodRecord> = pods.iter().map(|p| &p.pod).collect();
        let index = PodIndex::new(&pod_records);
        for budget in budgets {
            let object = &budget.object;
            let name = object.display();
            let report = |cx: &mut SetCx<'_>, span, message, path: &str| {
                cx.report(
                    &object.place.file,
                    span,
                    Some(object.identity.clone()),
                    message,
                )
                .at_path(path.to_string());
            };
            if let Some((amount, span, text)) = &budget.max_unavailable {
                if matches!(amount, Amount::Count(0) | Amount::Percent(0)) {
                    report(
                        cx,
                        *span,
                        none_unavailable(&name, text),
                        "spec.maxUnavailable",
                    );
                }
                continue;
            }
            let Some((amount, span, text)) = &budget.min_available else {
                continue;
            };
            if matches!(amount, Amount::Percent(p) if *p >= 100) {
                report(cx, *span, all_available(&name, text), "spec.minAvailable");
                continue;
            }
            // The replica comparison needs every selected pod's count.
            let Some(selector) = &budget.selector else {
                continue;
            };
            let selected: Vec<&&Pods> = index
                .positions(&object.namespace, selector)
                .into_iter()
                .filter_map(|position| pods.get(position))
                .collect();
            let scaled = |p: &&&Pods| scalers.iter().any(|s| s.targets(&p.object));
            if selected.is_empty() || selected.iter().any(|p| p.count.is_none() || scaled(p)) {
                continue;
            }
            let total: i64 = selected.iter().filter_map(|p| p.count).sum();
            let required = amount.of_total(total);
            if total <= 0 || required < total {
                continue;
            }
            let required = match amount {
                Amount::Count(n) => format!("{n} pods"),
                Amount::Percent(p) => format!("{p}% of its pods ({required})"),
            };
            let workloads: Vec<String> = selected.iter().map(|p| p.object.display()).collect();
            let message = covers_all(&name, &required, total, &workloads.join(", "));
            let finding = cx
                .report(
                    &object.place.file,
                    *span,
                    Some(object.identity.clone()),
                    message,
                )
                .at_path("spec.minAvailable");
            for workload in &selected {
                if let Some(replicas) = workload.replicas_span {
                    let place = workload.object.at(replicas);
                    label_if_same_file(
                        finding,
                        &place,
                        format!("the replicas of {}", workload.object.display()),
                    );
                }
            }
        }
    }
}

/// `pdb-unhealthy-eviction-policy`: a budget that lets pods that never became
/// ready block evictions.
pub struct PdbUnhealthyEvictionPolicy;

impl Check for PdbUnhealthyEvictionPolicy {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        // The field is on by default from Kubernetes 1.27.
        if !is_pdb(object) || !cx.settings.kube_version.at_least(1, 27) {
            return;
        }
        let name = object.display_name();
        let path = "spec.unhealthyPodEvictionPolicy";
        match object.root.path(path) {
            None => {
                cx.report(missing_span(object, path), no_eviction_policy(&name))
                    .at_path(path);
            }
            Some(node) if !is_templated(node) => {
                let value = node.as_text().unwrap_or("");
                if !matches!(value, "AlwaysAllow" | "IfHealthyBudget") {
                    cx.report(node.span(), unknown_eviction_policy(&name, value))
                        .at_path(path);
                }
            }
            Some(_) => {}
        }
    }
}
