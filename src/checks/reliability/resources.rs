//! `request-limit` (a resource's request and limit both set, or equal) and
//! `resource-bounds` (requests and limits within configured ranges).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::resource_display;
use crate::checks::{Check, nearest_span};
use crate::engine::{Cx, Finding};
use crate::k8s::{Amount, Bound, Container, ContainerKind, Object, PodSpec, Quantity, Resources};
use crate::source::Span;

fn unset_both(owner: &str, resource: &str) -> String {
    format!("{owner} sets no {resource} request or limit")
}

fn unset_limit(owner: &str, resource: &str, field: &str) -> String {
    format!("{owner} sets no {resource} limit ({field})")
}

fn zero_request(owner: &str, resource: &str) -> String {
    format!(
        "{owner} has {} {resource} request of 0, which reserves nothing",
        article(resource)
    )
}

fn unequal(owner: &str, resource: &str, request: &str, limit: &str) -> String {
    format!(
        "{owner} has {} {resource} request of {request} and a limit of {limit}",
        article(resource)
    )
}

fn request_without_limit(owner: &str, resource: &str, request: &str) -> String {
    format!(
        "{owner} has {} {resource} request of {request} but no {resource} limit",
        article(resource)
    )
}

fn out_of_bounds(owner: &str, resource: &str, bound: Bound, value: &str, side: Side) -> String {
    let noun = match bound {
        Bound::Requests => "request",
        Bound::Limits => "limit",
    };
    let (relation, which, limit) = match side {
        Side::Below(limit) => ("below", "minimum", limit),
        Side::Above(limit) => ("above", "maximum", limit),
    };
    format!(
        "{owner} has {} {resource} {noun} of {value}, {relation} the {which} of {limit}",
        article(resource)
    )
}

/// `a` or `an` before a resource name.
fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

enum Side<'a> {
    Below(&'a str),
    Above(&'a str),
}

/// Whose resources are judged: a container's, or the whole pod's
/// (`spec.resources`, on by default from Kubernetes 1.34).
#[derive(Clone, Copy)]
enum Owner<'a> {
    Container(Container<'a>),
    Pod(PodSpec<'a>),
}

impl<'a> Owner<'a> {
    fn resources(&self) -> Resources<'a> {
        match self {
            Owner::Container(c) => c.resources(),
            Owner::Pod(p) => p.resources(),
        }
    }

    fn describe(&self) -> String {
        match self {
            Owner::Container(c) => c.describe(),
            Owner::Pod(p) => format!("{} (pod-level resources)", p.object.display_name()),
        }
    }

    /// Where a missing field points: its nearest ancestor, or the owner itself.
    fn missing_span(&self, field: &str) -> Span {
        match self {
            Owner::Container(c) => nearest_span(c.node, field).unwrap_or_else(|| c.anchor_span()),
            Owner::Pod(p) => nearest_span(p.spec, field).unwrap_or_else(|| p.anchor_span()),
        }
    }

    fn attach(&self, finding: &mut Finding, field: &str) {
        match self {
            Owner::Container(c) => {
                finding.in_container(c, field);
            }
            Owner::Pod(p) => {
                finding.at_path(format!("{}.{field}", p.path));
            }
        }
    }
}

/// The owners whose `name` resource is judged: each container but ephemeral
/// ones (Kubernetes rejects resources on them), or the pod alone when it sets
/// pod-level resources for `name` on a version where they apply.
fn owners<'a>(cx: &Cx<'_>, pod: &PodSpec<'a>, name: &str) -> Vec<Owner<'a>> {
    let pod_level_name = matches!(name, "cpu" | "memory") || name.starts_with("hugepages-");
    let pod_resources = pod.resources();
    let pod_sets = [Bound::Requests, Bound::Limits]
        .into_iter()
        .any(|b| !matches!(pod_resources.amount(b, name), Amount::Missing));
    if pod_level_name && pod_sets && cx.settings.kube_version.at_least(1, 34) {
        return vec![Owner::Pod(*pod)];
    }
    pod.containers()
        .filter(|c| c.kind != ContainerKind::Ephemeral)
        .map(Owner::Container)
        .collect()
}

fn text(node: crate::yaml::NodeRef<'_>) -> String {
    node.text().unwrap_or("").trim().to_string()
}

fn same(a: &Quantity, b: &Quantity) -> bool {
    (a.value - b.value).abs() <= 1e-9 * a.value.abs().max(b.value.abs())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RequestLimitParams {
    /// Resource names under `requests`/`limits` (`cpu`, `memory`, `ephemeral-storage`).
    pub resources: Vec<String>,
    /// Report a resource whose request or limit is unset.
    #[serde(default)]
    pub require_set: bool,
    /// Report a request that differs from its limit.
    #[serde(default)]
    pub require_equal: bool,
}

pub struct RequestLimit {
    params: RequestLimitParams,
}

impl RequestLimit {
    pub fn new(params: RequestLimitParams) -> Result<Self, String> {
        if params.resources.is_empty() || params.resources.iter().any(|r| r.trim().is_empty()) {
            return Err("`resources` must name at least one resource".into());
        }
        if !params.require_set && !params.require_equal {
            return Err("set `require-set`, `require-equal` or both".into());
        }
        Ok(RequestLimit { params })
    }

    fn judge(&self, cx: &mut Cx<'_>, owner: Owner<'_>, name: &str) {
        let resources = owner.resources();
        let display = resource_display(name);
        let describe = owner.describe();
        let request_field = format!("resources.requests.{name}");
        let limit_field = format!("resources.limits.{name}");
        let request = resources.effective_request(name);
        let limit = resources.amount(Bound::Limits, name);
        if self.params.require_set {
            match (request.is_unset(), limit.is_unset()) {
                (true, true) => {
                    let span = owner.missing_span(&request_field);
                    let finding = cx.report(span, unset_both(&describe, display));
                    owner.attach(finding, &request_field);
                    return;
                }
                (true, false) => {
                    // Set to zero or empty next to a limit.
                    let span = match request {
                        Amount::Quantity(node, _) | Amount::Empty(node) => node.span(),
                        _ => owner.missing_span(&request_field),
                    };
                    let finding = cx.report(span, zero_request(&describe, display));
                    owner.attach(finding, &request_field);
                    return;
                }
                (false, true) => {
                    let span = match limit {
                        Amount::Quantity(node, _) | Amount::Empty(node) => node.span(),
                        _ => owner.missing_span(&limit_field),
                    };
                    let finding = cx.report(span, unset_limit(&describe, display, &limit_field));
                    owner.attach(finding, &limit_field);
                    return;
                }
                (false, false) => {}
            }
        }
        if !self.params.require_equal {
            return;
        }
        // A request left out is copied from the limit, so only a written one can differ.
        let Amount::Quantity(request_node, request) = resources.amount(Bound::Requests, name)
        else {
            return;
        };
        if request.is_zero() {
            return;
        }
        match limit {
            Amount::Quantity(limit_node, limit) if !limit.is_zero() => {
                if same(&request, &limit) {
                    return;
                }
                let message = unequal(&describe, display, &text(request_node), &text(limit_node));
                let finding = cx.report(request_node.span(), message);
                owner.attach(finding, &request_field);
                finding.with_label(limit_node.span(), "the limit");
            }
            Amount::Unreadable(_) => {}
            _ => {
                let message = request_without_limit(&describe, display, &text(request_node));
                let finding = cx.report(request_node.span(), message);
                owner.attach(finding, &request_field);
            }
        }
    }
}

impl Check for RequestLimit {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        for name in &self.params.resources {
            for owner in owners(cx, &pod, name) {
                self.judge(cx, owner, name);
            }
        }
    }
}

/// A bound of a configured range, as written and as a number.
#[derive(Debug)]
struct Limit {
    text: String,
    value: f64,
}

impl Limit {
    fn parse(value: &serde_json::Value, what: &str) -> Result<Limit, String> {
        let quantity = match value {
            serde_json::Value::String(s) => Quantity::parse(s),
            serde_json::Value::Number(n) => n.as_f64().and_then(Quantity::from_number),
            _ => None,
        };
        match quantity {
            Some(q) if !q.is_negative() => Ok(Limit {
                text: match value {
                    serde_json::Value::String(s) => s.trim().to_string(),
                    other => other.to_string(),
                },
                value: q.value,
            }),
            _ => Err(format!("{what}: `{value}` is not a resource quantity")),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RangeParams {
    #[serde(default)]
    pub min: Option<serde_json::Value>,
    #[serde(default)]
    pub max: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct BoundsParams {
    /// Ranges for requests, by resource name (`cpu: {min: 100m, max: "4"}`).
    #[serde(default)]
    pub requests: BTreeMap<String, RangeParams>,
    /// Ranges for limits, by resource name.
    #[serde(default)]
    pub limits: BTreeMap<String, RangeParams>,
}

struct Range {
    bound: Bound,
    resource: String,
    min: Option<Limit>,
    max: Option<Limit>,
}

pub struct ResourceBounds {
    ranges: Vec<Range>,
}

impl ResourceBounds {
    pub fn new(params: BoundsParams) -> Result<Self, String> {
        let mut ranges = Vec::new();
        for (bound, map) in [
            (Bound::Requests, params.requests),
            (Bound::Limits, params.limits),
        ] {
            for (resource, range) in map {
                let what = |side: &str| format!("{}.{resource}.{side}", bound.field());
                let min = range
                    .min
                    .map(|v| Limit::parse(&v, &what("min")))
                    .transpose()?;
                let max = range
                    .max
                    .map(|v| Limit::parse(&v, &what("max")))
                    .transpose()?;
                if let (Some(min), Some(max)) = (&min, &max)
                    && min.value > max.value
                {
                    return Err(format!("{}: min is above max", what("min")));
                }
                ranges.push(Range {
                    bound,
                    resource,
                    min,
                    max,
                });
            }
        }
        Ok(ResourceBounds { ranges })
    }
}

impl Check for ResourceBounds {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        if self.ranges.is_empty() {
            return;
        }
        let Some(pod) = object.pod_spec() else {
            return;
        };
        let containers = pod
            .containers()
            .filter(|c| c.kind != ContainerKind::Ephemeral);
        for container in containers {
            for range in &self.ranges {
                // Missing, zero and unrendered values are other rules' concern.
                let Amount::Quantity(node, quantity) =
                    container.resources().amount(range.bound, &range.resource)
                else {
                    continue;
                };
                if quantity.is_zero() {
                    continue;
                }
                let side = match (&range.min, &range.max) {
                    (Some(min), _) if quantity.value < min.value * (1.0 - 1e-9) => {
                        Side::Below(&min.text)
                    }
                    (_, Some(max)) if quantity.value > max.value * (1.0 + 1e-9) => {
                        Side::Above(&max.text)
                    }
                    _ => continue,
                };
                let message = out_of_bounds(
                    &container.describe(),
                    resource_display(&range.resource),
                    range.bound,
                    &text(node),
                    side,
                );
                let field = format!("resources.{}.{}", range.bound.field(), range.resource);
                cx.report(node.span(), message)
                    .in_container(&container, &field);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{BoundsParams, ResourceBounds};

    fn bounds(json: serde_json::Value) -> Result<ResourceBounds, String> {
        ResourceBounds::new(crate::checks::parse::<BoundsParams>(&json)?)
    }

    #[test]
    fn ranges_must_be_quantities_in_order() {
        assert!(bounds(serde_json::json!({})).is_ok());
        assert!(
            bounds(serde_json::json!({"requests": {"cpu": {"min": "100m", "max": 4}}})).is_ok()
        );
        assert!(bounds(serde_json::json!({"requests": {"cpu": {"min": "lots"}}})).is_err());
        assert!(
            bounds(serde_json::json!({"limits": {"memory": {"min": "2Gi", "max": "1Gi"}}}))
                .is_err()
        );
        assert!(bounds(serde_json::json!({"limits": {"memory": {"mx": "1Gi"}}})).is_err());
        assert!(bounds(serde_json::json!({"requests": {"cpu": {"min": "-1"}}})).is_err());
    }
}
