//! Traffic routed to Services: `ingress-backend-exists`,
//! `gateway-backend-exists` and `servicemonitor-selects-service`.

use std::sync::Arc;

use super::{ObjectRecord, ServiceRecord, api_group, describe, in_namespace, kept, same_namespace};
use crate::checks::{Check, Record, is_templated};
use crate::engine::SetCx;
use crate::k8s::{Object, PortRef, Selector};
use crate::source::{SourceFile, Span};
use crate::yaml::NodeRef;

/// A reference to a Service by name and port.
#[derive(Clone, Debug)]
struct Backend {
    namespace: Option<String>,
    service: String,
    /// The service name's value.
    name_span: Span,
    port: Option<(PortRef, Span)>,
    /// The field paths of the service name and of the port.
    path: String,
    port_path: String,
}

/// An object that routes to Services, with its backends.
struct Router {
    object: ObjectRecord,
    backends: Vec<Backend>,
}

enum Kept {
    Service(ServiceRecord),
    Router(Router),
}

fn split(records: &[Record]) -> (Vec<&ServiceRecord>, Vec<&Router>) {
    let mut services = Vec::new();
    let mut routers = Vec::new();
    for k in kept::<Kept>(records) {
        match k {
            Kept::Service(service) => services.push(service),
            Kept::Router(router) => routers.push(router),
        }
    }
    (services, routers)
}

/// Reports backends whose Service, or the Service's port, is missing.
fn check_backends(cx: &mut SetCx<'_>, records: &[Record], verb: &str) {
    let (services, routers) = split(records);
    for router in routers {
        let object = &router.object;
        for backend in &router.backends {
            let namespace = &backend.namespace;
            // Only a namespace with Services in the input can prove one missing.
            if !services
                .iter()
                .any(|s| same_namespace(&s.object.namespace, namespace))
            {
                continue;
            }
            let found = services
                .iter()
                .find(|s| s.object.named(namespace, &backend.service));
            let (span, path, message) = match (found, &backend.port) {
                (None, _) => (
                    backend.name_span,
                    backend.path.clone(),
                    format!(
                        "{} {verb} Service/{}, which is not defined{}",
                        object.display(),
                        backend.service,
                        in_namespace(namespace)
                    ),
                ),
                (Some(service), Some((port, span)))
                    if !service.ports.is_empty() && !service.has_port(port) =>
                {
                    let ports: Vec<String> = service
                        .ports
                        .iter()
                        .filter_map(|p| match (&p.name, p.port) {
                            (Some(name), Some(n)) => Some(format!("{n} ({name})")),
                            (None, Some(n)) => Some(n.to_string()),
                            _ => None,
                        })
                        .collect();
                    (
                        *span,
                        backend.port_path.clone(),
                        format!(
                            "{} {verb} port {port} of Service/{}, which exposes only {}",
                            object.display(),
                            backend.service,
                            ports.join(", ")
                        ),
                    )
                }
                (Some(_), _) => continue,
            };
            cx.report(
                &object.place.file,
                span,
                Some(object.identity.clone()),
                message,
            )
            .at_path(path);
        }
    }
}

/// The text of a rendered scalar.
fn rendered(node: NodeRef<'_>) -> Option<&str> {
    node.as_text().filter(|_| !is_templated(node))
}

/// An Ingress backend, in the `networking.k8s.io/v1` shape (`service.name`,
/// `service.port.number` or `.name`) or the older one (`serviceName`, `servicePort`).
fn ingress_backend(node: NodeRef<'_>, namespace: &Option<String>, path: &str) -> Option<Backend> {
    let (name, port, field, port_field) = match node.get("service") {
        Some(service) => {
            let port = service.get("port");
            let port = port.and_then(|p| p.get("number").or_else(|| p.get("name")));
            (service.get("name")?, port, "service.name", "service.port")
        }
        None => (
            node.get("serviceName")?,
            node.get("servicePort"),
            "serviceName",
            "servicePort",
        ),
    };
    Some(Backend {
        namespace: namespace.clone(),
        service: rendered(name)?.to_string(),
        name_span: name.span(),
        port: port.and_then(|p| Some((PortRef::of(p)?, p.span()))),
        path: format!("{path}.{field}"),
        port_path: format!("{path}.{port_field}"),
    })
}

fn ingress(object: &Object<'_>, file: &Arc<SourceFile>) -> Router {
    let record = ObjectRecord::of(object, file);
    let namespace = &record.namespace;
    let mut backends = Vec::new();
    if let Some(spec) = object.root.get("spec") {
        for field in ["defaultBackend", "backend"] {
            if let Some(node) = spec.get(field) {
                backends.extend(ingress_backend(node, namespace, &format!("spec.{field}")));
            }
        }
        let rules = spec.get("rules").into_iter().flat_map(|r| r.items());
        for (r, rule) in rules.enumerate() {
            let paths = rule.path("http.paths").into_iter().flat_map(|p| p.items());
            for (p, entry) in paths.enumerate() {
                if let Some(node) = entry.get("backend") {
                    let path = format!("spec.rules[{r}].http.paths[{p}].backend");
                    backends.extend(ingress_backend(node, namespace, &path));
                }
            }
        }
    }
    Router {
        object: record,
        backends,
    }
}

pub struct IngressBackendExists;

impl Check for IngressBackendExists {
    fn needs_set(&self) -> bool {
        true
    }

    fn project(&self, object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Record> {
        if let Some(service) = ServiceRecord::of(object, file) {
            return Some(Box::new(Kept::Service(service)));
        }
        let group = api_group(object.api_version);
        if object.kind != "Ingress" || !matches!(group, "networking.k8s.io" | "extensions") {
            return None;
        }
        Some(Box::new(Kept::Router(ingress(object, file))))
    }

    fn check_set(&self, cx: &mut SetCx<'_>, records: &[Record]) {
        check_backends(cx, records, "routes to");
    }
}

/// Gateway API route kinds whose rules carry `backendRefs`.
const ROUTES: [&str; 5] = ["HTTPRoute", "GRPCRoute", "TCPRoute", "TLSRoute", "UDPRoute"];

fn route(object: &Object<'_>, file: &Arc<SourceFile>) -> Router {
    let record = ObjectRecord::of(object, file);
    let mut backends = Vec::new();
    let rules = object.root.path("spec.rules").into_iter();
    for (r, rule) in rules.flat_map(|r| r.items()).enumerate() {
        let refs = rule.get("backendRefs").into_iter().flat_map(|b| b.items());
        for (b, reference) in refs.enumerate() {
            let text = |key: &str| reference.get(key).and_then(|v| v.as_text());
            // Only references to core Services; other kinds are not judged.
            if text("group").is_some_and(|g| !g.is_empty())
                || text("kind").unwrap_or("Service") != "Service"
            {
                continue;
            }
            let Some(name) = reference.get("name") else {
                continue;
            };
            let Some(service) = rendered(name) else {
                continue;
            };
            let namespace = match reference.get("namespace") {
                Some(ns) => match rendered(ns) {
                    Some(ns) => Some(ns.to_string()),
                    None => continue,
                },
                None => record.namespace.clone(),
            };
            let port = reference.get("port");
            backends.push(Backend {
                namespace,
                service: service.to_string(),
                name_span: name.span(),
                port: port.and_then(|p| Some((PortRef::of(p)?, p.span()))),
                path: format!("spec.rules[{r}].backendRefs[{b}].name"),
                port_path: format!("spec.rules[{r}].backendRefs[{b}].port"),
            });
        }
    }
    Router {
        object: record,
        backends,
    }
}

pub struct GatewayBackendExists;

impl Check for GatewayBackendExists {
    fn needs_set(&self) -> bool {
        true
    }

    fn project(&self, object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Record> {
        if let Some(service) = ServiceRecord::of(object, file) {
            return Some(Box::new(Kept::Service(service)));
        }
        let group = api_group(object.api_version);
        if group != "gateway.networking.k8s.io" || !ROUTES.contains(&object.kind) {
            return None;
        }
        Some(Box::new(Kept::Router(route(object, file))))
    }

    fn check_set(&self, cx: &mut SetCx<'_>, records: &[Record]) {
        check_backends(cx, records, "sends traffic to");
    }
}

/// Where a ServiceMonitor looks for Services.
enum MonitorNamespaces {
    Own,
    Named(Vec<String>),
    Any,
}

struct Monitor {
    object: ObjectRecord,
    selector: Selector,
    /// The `selector:` key.
    span: Span,
    namespaces: MonitorNamespaces,
}

enum ForMonitor {
    Service(ServiceRecord),
    Monitor(Monitor),
}

fn monitor(object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Monitor> {
    let spec = object.root.get("spec")?;
    let (key, node) = spec.entry("selector").filter(|(_, v)| v.is_map())?;
    let namespaces = match spec.get("namespaceSelector") {
        None => MonitorNamespaces::Own,
        Some(ns) if ns.get("any").and_then(|a| a.as_bool()) == Some(true) => MonitorNamespaces::Any,
        Some(ns) => match ns.get("matchNames") {
            None => MonitorNamespaces::Own,
            Some(names) => {
                let names: Option<Vec<String>> = names
                    .items()
                    .map(|n| rendered(n).map(str::to_string))
                    .collect();
                names.map_or(MonitorNamespaces::Any, MonitorNamespaces::Named)
            }
        },
    };
    Some(Monitor {
        object: ObjectRecord::of(object, file),
        selector: Selector::from_label_selector(node),
        span: key.span(),
        namespaces,
    })
}

pub struct ServiceMonitorSelectsService;

impl Check for ServiceMonitorSelectsService {
    fn needs_set(&self) -> bool {
        true
    }

    fn project(&self, object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Record> {
        if let Some(service) = ServiceRecord::of(object, file) {
            return Some(Box::new(ForMonitor::Service(service)));
        }
        if object.kind != "ServiceMonitor"
            || api_group(object.api_version) != "monitoring.coreos.com"
        {
            return None;
        }
        Some(Box::new(ForMonitor::Monitor(monitor(object, file)?)))
    }

    fn check_set(&self, cx: &mut SetCx<'_>, records: &[Record]) {
        let services: Vec<&ServiceRecord> = kept::<ForMonitor>(records)
            .filter_map(|k| match k {
                ForMonitor::Service(s) => Some(s),
                ForMonitor::Monitor(_) => None,
            })
            .collect();
        for k in kept::<ForMonitor>(records) {
            let ForMonitor::Monitor(monitor) = k else {
                continue;
            };
            let selector = &monitor.selector;
            if selector.unknown || selector.is_templated() {
                continue;
            }
            let object = &monitor.object;
            let namespaces: Vec<Option<String>> = match &monitor.namespaces {
                MonitorNamespaces::Own => vec![object.namespace.clone()],
                MonitorNamespaces::Named(names) => names.iter().cloned().map(Some).collect(),
                MonitorNamespaces::Any => continue,
            };
            let in_scope = |s: &ServiceRecord| {
                namespaces
                    .iter()
                    .any(|ns| same_namespace(ns, &s.object.namespace))
            };
            // Every namespace it watches must have Services in the input.
            let all_known = !namespaces.is_empty()
                && namespaces.iter().all(|ns| {
                    services
                        .iter()
                        .any(|s| same_namespace(ns, &s.object.namespace))
                });
            if !all_known
                || services
                    .iter()
                    .any(|s| in_scope(s) && selector.matches(&s.labels))
            {
                continue;
            }
            let scope = match namespaces.as_slice() {
                [ns] => in_namespace(ns),
                many => format!(
                    " in namespaces {}",
                    many.iter()
                        .flatten()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            cx.report(
                &object.place.file,
                monitor.span,
                Some(object.identity.clone()),
                format!(
                    "{} selects no Service: no Service{scope} has the labels {}",
                    object.display(),
                    describe(selector)
                ),
            )
            .at_path("spec.selector");
        }
    }
}
