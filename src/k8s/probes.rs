//! Probes (liveness, readiness, startup), their handlers and ports, and which
//! containers run for the life of the pod and so can be probed.

use super::{Container, ContainerKind, PodSpec, PortRef};
use crate::source::Span;
use crate::yaml::NodeRef;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProbeKind {
    Liveness,
    Readiness,
    Startup,
}

impl ProbeKind {
    pub const ALL: [ProbeKind; 3] = [
        ProbeKind::Liveness,
        ProbeKind::Readiness,
        ProbeKind::Startup,
    ];

    /// The container field: `livenessProbe`.
    pub fn field(self) -> &'static str {
        match self {
            ProbeKind::Liveness => "livenessProbe",
            ProbeKind::Readiness => "readinessProbe",
            ProbeKind::Startup => "startupProbe",
        }
    }

    /// How messages name the probe: `liveness probe`.
    pub fn noun(self) -> &'static str {
        match self {
            ProbeKind::Liveness => "liveness probe",
            ProbeKind::Readiness => "readiness probe",
            ProbeKind::Startup => "startup probe",
        }
    }
}

/// The ways a probe (or a lifecycle hook) can check a container.
pub const HANDLERS: [&str; 4] = ["httpGet", "tcpSocket", "grpc", "exec"];

/// One probe of a container, as written.
#[derive(Clone, Copy, Debug)]
pub struct Probe<'a> {
    pub kind: ProbeKind,
    /// The `livenessProbe:` key.
    pub key: Span,
    pub node: NodeRef<'a>,
}

/// The action a probe runs: `httpGet`, `tcpSocket`, `grpc` or `exec`.
#[derive(Clone, Copy, Debug)]
pub struct Handler<'a> {
    pub name: &'static str,
    pub key: Span,
    pub node: NodeRef<'a>,
}

impl<'a> Probe<'a> {
    /// The first handler the probe sets (Kubernetes accepts exactly one).
    pub fn handler(&self) -> Option<Handler<'a>> {
        HANDLERS.into_iter().find_map(|name| {
            let (key, node) = self.node.entry(name)?;
            (!node.is_null()).then(|| Handler {
                name,
                key: key.span(),
                node,
            })
        })
    }

    /// The port the probe connects to (`httpGet`, `tcpSocket` and `grpc`),
    /// with its value node; `None` for `exec` probes and unrendered ports.
    pub fn port(&self) -> Option<(NodeRef<'a>, PortRef)> {
        let handler = self.handler()?;
        let node = handler.node.get("port")?;
        Some((node, PortRef::of(node)?))
    }
}

impl<'a> Container<'a> {
    /// A probe the container sets (an explicit null counts as unset).
    pub fn probe(&self, kind: ProbeKind) -> Option<Probe<'a>> {
        let (key, node) = self.node.entry(kind.field())?;
        (!node.is_null()).then(|| Probe {
            kind,
            key: key.span(),
            node,
        })
    }

    /// An init container with `restartPolicy: Always`: a sidecar that starts
    /// before the app containers and runs for the life of the pod.
    pub fn is_restartable_sidecar(&self) -> bool {
        self.kind == ContainerKind::Init
            && self.node.get("restartPolicy").and_then(|p| p.as_text()) == Some("Always")
    }

    /// A port the container declares with this number, or this name.
    pub fn declares_port(&self, port: &PortRef) -> bool {
        self.ports().any(|p| match port {
            PortRef::Number(n) => p.number == Some(*n),
            PortRef::Name(name) => p.name == Some(name.as_str()),
        })
    }
}

impl<'a> PodSpec<'a> {
    /// True when the pod spec sits in a job template (Jobs, CronJobs, and any
    /// custom resource that embeds `spec.jobTemplate`).
    pub fn is_job_template(&self) -> bool {
        matches!(self.object.kind, "Job" | "CronJob") || self.path.starts_with("spec.jobTemplate.")
    }

    /// The containers that run for the life of the pod, which is when probes
    /// make sense: app containers and restartable sidecars, in pods that do
    /// not run to completion. Other init containers run once before the app
    /// starts; ephemeral containers are debugging sessions, and Kubernetes
    /// rejects probes on both.
    pub fn long_running_containers(&self) -> impl Iterator<Item = Container<'a>> + 'a {
        let completes = self.runs_to_completion() || self.is_job_template();
        self.containers().filter(move |c| {
            !completes && (c.kind == ContainerKind::Container || c.is_restartable_sidecar())
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::ProbeKind;
    use crate::k8s::{Object, PortRef};
    use crate::yaml::{Limits, parse_stream};

    fn long_running(text: &str) -> Vec<String> {
        let parsed = parse_stream(&Arc::from(text), &Limits::default());
        let object = Object::all_in(&parsed.documents[0])[0];
        let pod = object.pod_spec().unwrap();
        pod.long_running_containers()
            .map(|c| c.name().to_string())
            .collect()
    }

    #[test]
    fn app_containers_and_sidecars_run_for_the_life_of_the_pod() {
        let pod = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers:
    - {name: setup}
    - {name: proxy, restartPolicy: Always}
  containers: [{name: app}]
  ephemeralContainers: [{name: debug}]
";
        assert_eq!(long_running(pod), ["app", "proxy"]);
        let once = pod.replace("spec:\n", "spec:\n  restartPolicy: Never\n");
        assert!(long_running(&once).is_empty());
        let job = "\
apiVersion: example.com/v1
kind: ScheduledTask
metadata: {name: t}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: task}]
";
        assert!(long_running(job).is_empty());
    }

    #[test]
    fn probe_handlers_and_ports() {
        let text = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: app
      ports: [{name: http, containerPort: 8080}]
      livenessProbe: {httpGet: {path: /healthz, port: http}}
      readinessProbe: {tcpSocket: {port: 8080}}
      startupProbe: {exec: {command: [true]}}
";
        let parsed = parse_stream(&Arc::from(text), &Limits::default());
        let object = Object::all_in(&parsed.documents[0])[0];
        let pod = object.pod_spec().unwrap();
        let app = pod.containers().next().unwrap();
        let ports: Vec<_> = ProbeKind::ALL
            .into_iter()
            .map(|k| app.probe(k).and_then(|p| p.port()).map(|(_, p)| p))
            .collect();
        assert_eq!(
            ports,
            [
                Some(PortRef::Name("http".into())),
                Some(PortRef::Number(8080)),
                None
            ]
        );
        let handlers: Vec<_> = ProbeKind::ALL
            .into_iter()
            .map(|k| app.probe(k).and_then(|p| p.handler()).map(|h| h.name))
            .collect();
        assert_eq!(handlers, [Some("httpGet"), Some("tcpSocket"), Some("exec")]);
        assert!(app.declares_port(&PortRef::Name("http".into())));
        assert!(app.declares_port(&PortRef::Number(8080)));
        assert!(!app.declares_port(&PortRef::Number(80)));
    }
}
