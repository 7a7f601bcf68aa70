use std::sync::Arc;

use super::*;
use crate::yaml::{Limits, parse_stream};

fn documents(text: &str) -> Vec<crate::yaml::Document> {
    parse_stream(&Arc::from(text), &Limits::default()).documents
}

#[test]
fn pod_templates_of_workloads_cronjobs_and_custom_resources() {
    let text = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers: [{name: a, image: x}]
      initContainers: [{name: b, image: y}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: c, image: z}]
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: r}
spec:
  template:
    spec:
      containers: [{name: d, image: w}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
";
    let docs = documents(text);
    let names: Vec<Vec<&str>> = docs
        .iter()
        .flat_map(Object::all_in)
        .map(|o| {
            o.pod_spec()
                .map(|p| p.containers().map(|c| c.name()).collect())
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(names, vec![vec!["a", "b"], vec!["c"], vec!["d"], vec![]]);
}

#[test]
fn lists_expand_into_objects() {
    let text = "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: []}}\n- {apiVersion: v1, kind: Service, metadata: {name: s}}\n";
    let docs = documents(text);
    let kinds: Vec<&str> = Object::all_in(&docs[0]).iter().map(|o| o.kind).collect();
    assert_eq!(kinds, ["Pod", "Service"]);
}

#[test]
fn container_settings_override_pod_settings() {
    let text = "\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsNonRoot: true, runAsUser: 1000}
  containers:
  - name: a
    securityContext: {runAsUser: 0}
  - name: b
";
    let docs = documents(text);
    let object = Object::all_in(&docs[0])[0];
    let pod = object.pod_spec().unwrap();
    let containers: Vec<_> = pod.containers().collect();
    let a = pod.effective(&containers[0], "runAsUser").unwrap();
    assert_eq!((a.node.as_i64(), a.level), (Some(0), Level::Container));
    let b = pod.effective(&containers[1], "runAsUser").unwrap();
    assert_eq!((b.node.as_i64(), b.level), (Some(1000), Level::Pod));
    assert!(pod.effective(&containers[1], "privileged").is_none());
}
