//! Services and the pods behind them: `service-selects-pods`,
//! `service-target-port-exists` and `statefulset-headless-service`.

use std::sync::Arc;

use super::{
    PodIndex, PodRecord, ServiceRecord, WorkloadRecord, describe, in_namespace, kept,
    label_if_same_file, same_namespace,
};
use crate::checks::{Check, Record, is_templated};
use crate::engine::SetCx;
use crate::k8s::{Object, PortRef};
use crate::source::{SourceFile, Span};

/// Services and pod templates.
enum Kept {
    Service(ServiceRecord),
    Pod(PodRecord),
}

fn services_and_pods(object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Record> {
    if let Some(service) = ServiceRecord::of(object, file) {
        return Some(Box::new(Kept::Service(service)));
    }
    PodRecord::of(object).map(|pod| Box::new(Kept::Pod(pod)) as Record)
}

fn split(records: &[Record]) -> (Vec<&ServiceRecord>, Vec<&PodRecord>) {
    let mut services = Vec::new();
    let mut pods = Vec::new();
    for k in kept::<Kept>(records) {
        match k {
            Kept::Service(service) => services.push(service),
            Kept::Pod(pod) => pods.push(pod),
        }
    }
    (services, pods)
}

/// The pod templates a Service selects.
fn selected<'p>(service: &ServiceRecord, pods: &PodIndex<'p>) -> Vec<&'p PodRecord> {
    let Some(selector) = service.judged_selector() else {
        return Vec::new();
    };
    pods.selected(&service.object.namespace, selector)
}

pub struct ServiceSelectsPods;

impl Check for ServiceSelectsPods {
    fn needs_set(&self) -> bool {
        true
    }

    fn project(&self, object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Record> {
        services_and_pods(object, file)
    }

    fn check_set(&self, cx: &mut SetCx<'_>, records: &[Record]) {
        let (services, pods) = split(records);
        // With no workload at all in the input, there is nothing to compare with.
        if pods.is_empty() {
            return;
        }
        let pods = PodIndex::new(&pods);
        for service in services {
            // Services without a selector and ExternalName Services select no pods by design.
            let (Some(selector), Some(span)) = (service.judged_selector(), service.selector_span)
            else {
                continue;
            };
            if !selected(service, &pods).is_empty() {
                continue;
            }
            let object = &service.object;
            cx.report(
                &object.place.file,
                span,
                Some(object.identity.clone()),
                format!(
                    "{} selects no pod: no workload{} has the labels {}",
                    object.display(),
                    in_namespace(&object.namespace),
                    describe(selector)
                ),
            )
            .at_path("spec.selector");
        }
    }
}

pub struct ServiceTargetPortExists;

impl Check for ServiceTargetPortExists {
    fn needs_set(&self) -> bool {
        true
    }

    fn project(&self, object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Record> {
        services_and_pods(object, file)
    }

    fn check_set(&self, cx: &mut SetCx<'_>, records: &[Record]) {
        let (services, pods) = split(records);
        let pods = PodIndex::new(&pods);
        for service in services {
            let backends = selected(service, &pods);
            // A Service that selects nothing is `service-selects-pods`'s finding.
            if backends.is_empty() {
                continue;
            }
            for port in &service.ports {
                let Some(target) = &port.target else {
                    continue;
                };
                if backends.iter().any(|p| p.declares(target, &port.protocol)) {
                    continue;
                }
                // Declaring container ports is optional, so a number can only be
                // judged against pods that declare their ports.
                let declared = declared_ports(&backends, &port.protocol);
                if matches!(target, PortRef::Number(_)) && declared.is_empty() {
                    continue;
                }
                let protocol = match port.protocol.as_str() {
                    "TCP" => String::new(),
                    other => format!(" {other}"),
                };
                let defaulted = if port.target_defaulted {
                    " (targetPort defaults to port)"
                } else {
                    ""
                };
                let found = if declared.is_empty() {
                    "no container of the selected pods declares a port".to_string()
                } else {
                    format!("the selected pods declare {}", declared.join(", "))
                };
                let object = &service.object;
                cx.report(
                    &object.place.file,
                    port.target_span,
                    Some(object.identity.clone()),
                    format!(
                        "{} targets{protocol} port {target}{defaulted}, but {found}",
                        object.display()
                    ),
                )
                .at_path(port.target_path.clone());
            }
        }
    }
}

/// The ports the pods declare, as `8080 (http)`; with protocols when either
/// side uses something other than TCP.
fn declared_ports(pods: &[&PodRecord], protocol: &str) -> Vec<String> {
    pods.iter()
        .flat_map(|p| &p.ports)
        .filter_map(|p| {
            let number = p.number?;
            let proto = if protocol == "TCP" && p.protocol == "TCP" {
                String::new()
            } else {
                format!("/{}", p.protocol)
            };
            Some(match &p.name {
                Some(name) => format!("{number}{proto} ({name})"),
                None => format!("{number}{proto}"),
            })
        })
        .collect()
}

/// Services and StatefulSets.
enum ForStatefulSet {
    Service(ServiceRecord),
    StatefulSet {
        workload: WorkloadRecord,
        /// The `serviceName` value and its span.
        service_name: String,
        span: Span,
    },
}

pub struct StatefulSetHeadlessService;

impl Check for StatefulSetHeadlessService {
    fn needs_set(&self) -> bool {
        true
    }

    fn project(&self, object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Record> {
        if let Some(service) = ServiceRecord::of(object, file) {
            return Some(Box::new(ForStatefulSet::Service(service)));
        }
        if object.kind != "StatefulSet" || object.api_version != "apps/v1" {
            return None;
        }
        // Without `serviceName` the pods get no stable DNS names; a StatefulSet
        // may want just that (a singleton controller), so it is not judged.
        let node = object.root.path("spec.serviceName")?;
        let service_name = node.as_text().filter(|_| !is_templated(node))?;
        Some(Box::new(ForStatefulSet::StatefulSet {
            workload: WorkloadRecord::of(object, file)?,
            service_name: service_name.to_string(),
            span: node.span(),
        }))
    }

    fn check_set(&self, cx: &mut SetCx<'_>, records: &[Record]) {
        let services: Vec<&ServiceRecord> = kept::<ForStatefulSet>(records)
            .filter_map(|k| match k {
                ForStatefulSet::Service(s) => Some(s),
                ForStatefulSet::StatefulSet { .. } => None,
            })
            .collect();
        for k in kept::<ForStatefulSet>(records) {
            let ForStatefulSet::StatefulSet {
                workload,
                service_name,
                span,
            } = k
            else {
                continue;
            };
            let object = &workload.object;
            let namespace = &object.namespace;
            // Only a namespace with Services in the input can prove one missing.
            if !services
                .iter()
                .any(|s| same_namespace(&s.object.namespace, namespace))
            {
                continue;
            }
            let service = services
                .iter()
                .find(|s| s.object.named(namespace, service_name));
            let (message, label) = match service {
                None => (
                    format!(
                        "{} is governed by Service/{service_name}, which is not defined{}",
                        object.display(),
                        in_namespace(namespace)
                    ),
                    None,
                ),
                Some(service) if !service.headless => (
                    format!(
                        "{} is governed by Service/{service_name}, which is not headless (it lacks clusterIP: None)",
                        object.display()
                    ),
                    Some((service.object.place.clone(), "the Service")),
                ),
                Some(service) if !selects(service, &workload.pod) => (
                    format!(
                        "{} is governed by Service/{service_name}, whose selector does not select its pods",
                        object.display()
                    ),
                    Some(
                        service
                            .object
                            .at(service.selector_span.unwrap_or(service.object.place.span)),
                    )
                    .map(|at| (at, "the Service's selector")),
                ),
                Some(_) => continue,
            };
            let finding = cx
                .report(
                    &object.place.file,
                    *span,
                    Some(object.identity.clone()),
                    message,
                )
                .at_path("spec.serviceName");
            if let Some((at, text)) = label {
                label_if_same_file(finding, &at, text);
            }
        }
    }
}

/// True when the Service selects the pod, or its selector cannot be judged.
fn selects(service: &ServiceRecord, pod: &PodRecord) -> bool {
    match &service.selector {
        None => false,
        Some(selector) => selector.is_templated() || selector.matches(&pod.labels),
    }
}
