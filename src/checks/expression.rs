//! `expression`: a CEL condition over the object (and the pod spec and
//! container, for pod and container rules), for rules a team writes itself.
//!
//! CEL is the language Kubernetes uses for admission policies, so a policy
//! can move between the cluster and harden. The condition sees `object` (the
//! whole manifest, values resolved as Kubernetes resolves YAML), `pod` (the pod
//! spec, for pod and container rules) and `container` (for container rules); the
//! rule fires where it is true. An evaluation error (a missing key read
//! without `has()`, a type mismatch) never stops the run: the rule does not
//! fire on that object and the error is kept, to be shown under `--verbose`.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use cel::common::types::{
    CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull, CelString,
};
use cel::common::value::{CowVal, Val};
use cel::context::VariableResolver;
use cel::{Context, Env, Program, Value};
use serde::Deserialize;

use super::{BuildError, Check, fill, nearest_span, parse};
use crate::engine::{Cx, Target};
use crate::k8s::{Container, Object};
use crate::source::Span;
use crate::yaml::{NodeId, NodeRef, Scalar};

pub const TEMPLATE: &str = "expression";

/// Longest evaluation error message kept; CEL prints whole values in some.
const MAX_ERROR_CHARS: usize = 200;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ExpressionParams {
    /// A CEL expression; the rule fires where it evaluates to true.
    pub condition: String,
    /// Dotted path to report at, below the object (object rules), the pod
    /// spec (pod rules) or the container (container rules); when the path does
    /// not exist, the nearest node on it that does.
    #[serde(default)]
    pub path: Option<String>,
    /// `{object}`, `{container}`, `{value}` (the text at `path`) and `{field}`
    /// (the last key of `path`) are filled in.
    pub message: String,
}

pub struct Expression {
    target: Target,
    program: Program,
    path: Option<String>,
    message: String,
}

/// The shared CEL environment: the standard library and the string and list
/// extensions that Kubernetes also enables.
fn env() -> &'static Arc<Env> {
    static ENV: OnceLock<Arc<Env>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Env::stdlib();
        // The extensions are declared once on a fresh standard environment;
        // a clash would be a defect of the CEL crate, caught by every test.
        let _ = env.add_extension(cel::extensions::strings);
        let _ = env.add_extension(cel::extensions::lists);
        Arc::new(env)
    })
}

pub fn build(target: Target, params: &serde_json::Value) -> Result<Box<dyn Check>, BuildError> {
    let params: ExpressionParams = parse(params)?;
    let param_error = |param: &str, message: String| BuildError {
        message,
        param: Some(param.to_string()),
        position: None,
    };
    let variables: &[&str] = match target {
        Target::Object => &["object"],
        Target::Pod => &["object", "pod"],
        Target::Container => &["object", "pod", "container"],
        other => {
            return Err(BuildError {
                message: format!(
                    "the `expression` template checks object, pod and container rules, not `{}` rules",
                    other.as_str()
                ),
                param: None,
                position: None,
            });
        }
    };
    let program = env().compile(&params.condition).map_err(|errors| {
        let first = errors.errors.first();
        let detail = first
            .map(|e| {
                format!(
                    "{} (line {}, column {} of the condition)",
                    e.msg, e.pos.0, e.pos.1
                )
            })
            .unwrap_or_else(|| errors.to_string());
        let mut error = param_error("condition", format!("invalid CEL condition: {detail}"));
        error.position = first.and_then(|e| {
            Some((
                usize::try_from(e.pos.0).ok()?,
                usize::try_from(e.pos.1).ok()?,
            ))
        });
        error
    })?;
    for name in ["object", "pod", "container"] {
        if !variables.contains(&name) && program.references().has_variable(name) {
            return Err(param_error(
                "condition",
                format!(
                    "`{name}` is not available to {} rules; they see {}",
                    target.as_str(),
                    variables
                        .iter()
                        .map(|v| format!("`{v}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    if let Some(path) = &params.path
        && (path.is_empty() || path.split('.').any(str::is_empty))
    {
        return Err(param_error(
            "path",
            format!(
                "`{path}` is not a dotted path of keys such as `spec.template.spec.hostNetwork`"
            ),
        ));
    }
    Ok(Box::new(Expression {
        target,
        program,
        path: params.path,
        message: params.message,
    }))
}

/// An error met while evaluating one rule's condition on one object.
#[derive(Clone, Debug)]
pub struct EvalError {
    pub rule: Arc<str>,
    /// Where the object (or container) starts.
    pub span: Span,
    pub message: String,
}

/// What expression rules share while they run on one object: its values,
/// each converted for CEL on first use (so never when no expression rule
/// needs it) and then shared by every expression rule, and the evaluation
/// errors met.
#[derive(Default)]
pub struct ExpressionScratch {
    object: OnceCell<Box<dyn Val>>,
    pod: OnceCell<Option<Box<dyn Val>>>,
    containers: OnceCell<HashMap<NodeId, Box<dyn Val>>>,
    errors: RefCell<Vec<EvalError>>,
}

impl ExpressionScratch {
    pub fn take_errors(&self) -> Vec<EvalError> {
        std::mem::take(&mut *self.errors.borrow_mut())
    }

    fn object(&self, object: &Object<'_>) -> &dyn Val {
        self.object.get_or_init(|| to_cel(object.root)).as_ref()
    }

    fn pod(&self, object: &Object<'_>) -> Option<&dyn Val> {
        self.pod
            .get_or_init(|| object.pod_spec().map(|p| to_cel(p.spec)))
            .as_deref()
    }

    fn container(&self, object: &Object<'_>, container: &Container<'_>) -> Option<&dyn Val> {
        let containers = self.containers.get_or_init(|| {
            object
                .pod_spec()
                .iter()
                .flat_map(|p| p.containers())
                .map(|c| (c.node.id(), to_cel(c.node)))
                .collect()
        });
        containers.get(&container.node.id()).map(AsRef::as_ref)
    }

    fn error(&self, error: EvalError) {
        self.errors.borrow_mut().push(error);
    }
}

/// A YAML node as a CEL value, scalars resolved as Kubernetes resolves them.
/// Recursion is bounded by the YAML layer's depth limit.
fn to_cel(node: NodeRef<'_>) -> Box<dyn Val> {
    if node.is_map() {
        let map: HashMap<CelMapKey<'static>, Box<dyn Val>> = node
            .entries()
            .map(|(key, value)| {
                let key = key.text().unwrap_or_default().to_string();
                (CelMapKey::String(CelString::from(key)), to_cel(value))
            })
            .collect();
        Box::new(CelMap::from(map))
    } else if node.is_seq() {
        Box::new(CelList::from(node.items().map(to_cel).collect::<Vec<_>>()))
    } else {
        match node.scalar() {
            Some(Scalar::Bool(b)) => Box::new(CelBool::from(b)),
            Some(Scalar::Int(i)) => Box::new(CelInt::from(i)),
            Some(Scalar::Float(f)) => Box::new(CelDouble::from(f)),
            Some(Scalar::Str(s)) => Box::new(CelString::from(s.to_string())),
            Some(Scalar::Null) | None => Box::new(CelNull),
        }
    }
}

/// The variables one evaluation sees, borrowed from the object's values.
struct Variables<'v> {
    object: &'v dyn Val,
    pod: Option<&'v dyn Val>,
    container: Option<&'v dyn Val>,
}

impl VariableResolver for Variables<'_> {
    fn resolve<'b>(&'b self, variable: &str) -> Option<CowVal<'b, 'b>> {
        let value = match variable {
            "object" => Some(self.object),
            "pod" => self.pod,
            "container" => self.container,
            _ => None,
        };
        value.map(CowVal::Borrowed)
    }
}

impl Expression {
    /// True when the condition holds; an error is recorded and counts as false.
    fn holds(&self, cx: &Cx<'_>, variables: &Variables<'_>, at: Span) -> bool {
        let mut context = Context::with_env(Arc::clone(env()));
        context.set_variable_resolver(variables);
        let error = match self.program.execute(&context) {
            Ok(Value::Bool(fires)) => return fires,
            Ok(other) => format!("the condition gave {:?}, not a bool", other.type_of()),
            Err(error) => error.to_string(),
        };
        if let Some(scratch) = cx.scratch {
            let mut message: String = error.chars().take(MAX_ERROR_CHARS).collect();
            if message.len() < error.len() {
                message.push('…');
            }
            scratch.error(EvalError {
                rule: Arc::clone(cx.rule_id),
                span: at,
                message,
            });
        }
        false
    }

    /// The span to report at below `base`, and the text there for `{value}`:
    /// a scalar's value, else the key of the deepest existing field on the path.
    fn place(&self, base: NodeRef<'_>, fallback: Span) -> (Span, String) {
        let Some(path) = &self.path else {
            return (fallback, String::new());
        };
        match base.path(path).filter(|node| node.is_scalar()) {
            Some(node) => (node.span(), node.as_text().unwrap_or_default().to_string()),
            None => (nearest_span(base, path).unwrap_or(fallback), String::new()),
        }
    }

    fn field(&self) -> &str {
        self.path
            .as_deref()
            .and_then(|p| p.rsplit('.').next())
            .unwrap_or_default()
    }
}

impl Check for Expression {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let pod = object.pod_spec();
        if self.target != Target::Object && pod.is_none() {
            return;
        }
        let local;
        let values = match cx.scratch {
            Some(scratch) => scratch,
            None => {
                local = ExpressionScratch::default();
                &local
            }
        };
        let object_name = object.display_name();
        let object_anchor = object.root.head_span();
        match (self.target, pod) {
            (Target::Container, Some(pod)) => {
                for container in pod.containers() {
                    let Some(value) = values.container(object, &container) else {
                        continue;
                    };
                    let variables = Variables {
                        object: values.object(object),
                        pod: values.pod(object),
                        container: Some(value),
                    };
                    if !self.holds(cx, &variables, container.anchor_span()) {
                        continue;
                    }
                    let (span, value) = self.place(container.node, container.anchor_span());
                    let describe = container.describe();
                    let message = fill(
                        &self.message,
                        &[
                            ("container", &describe),
                            ("object", &object_name),
                            ("value", &value),
                            ("field", self.field()),
                        ],
                    );
                    let path = self.path.as_deref().unwrap_or_default();
                    cx.report(span, message).in_container(&container, path);
                }
            }
            _ => {
                let variables = Variables {
                    object: values.object(object),
                    pod: values.pod(object),
                    container: None,
                };
                if !self.holds(cx, &variables, object_anchor) {
                    return;
                }
                // Pod rules read their path below the pod spec, wherever the
                // object keeps it (`spec`, `spec.template.spec`, ...).
                let (base, anchor, prefix) = match pod.filter(|_| self.target == Target::Pod) {
                    Some(pod) => (pod.spec, pod.anchor_span(), Some(pod.path)),
                    None => (object.root, object_anchor, None),
                };
                let (span, value) = self.place(base, anchor);
                let message = fill(
                    &self.message,
                    &[
                        ("object", &object_name),
                        ("value", &value),
                        ("field", self.field()),
                    ],
                );
                let finding = cx.report(span, message);
                match (&self.path, prefix) {
                    (Some(path), Some(prefix)) => finding.at_path(format!("{prefix}.{path}")),
                    (Some(path), None) => finding.at_path(path.clone()),
                    (None, Some(prefix)) => finding.at_path(prefix),
                    (None, None) => finding,
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::KubeVersion;

    fn run(target: Target, params: serde_json::Value, yaml: &str) -> Vec<String> {
        let check = build(target, &params).unwrap_or_else(|e| panic!("{e}"));
        super::super::run_on_text(check.as_ref(), yaml, KubeVersion::LATEST)
            .iter()
            .map(|f| {
                let text = &f.file.text[f.span.start as usize..f.span.end as usize];
                format!("{}: {}", text, f.message)
            })
            .collect()
    }

    const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 3
  template:
    spec:
      hostNetwork: yes
      containers:
        - name: app
          image: registry.example.com/app:1
        - name: sidecar
          image: docker.io/proxy:latest
          securityContext: {privileged: true}
";

    #[test]
    fn object_condition_reports_at_the_path_or_its_nearest_ancestor() {
        let found = run(
            Target::Object,
            serde_json::json!({
                "condition": "!has(object.metadata.labels.team)",
                "path": "metadata.labels.team",
                "message": "{object} has no `{field}` label",
            }),
            DEPLOYMENT,
        );
        assert_eq!(found, ["labels: Deployment/web has no `team` label"]);
    }

    #[test]
    fn yaml_1_1_values_and_macros() {
        let found = run(
            Target::Pod,
            serde_json::json!({
                "condition": "pod.hostNetwork && object.spec.replicas + 1 == 4 && \
                              type(object.spec.replicas) == int && \
                              pod.containers.exists(c, c.name == 'app') && \
                              pod.containers.filter(c, has(c.securityContext)) \
                                 .map(c, c.name) == ['sidecar']",
                "path": "hostNetwork",
                "message": "{field} is {value}",
            }),
            DEPLOYMENT,
        );
        assert_eq!(found, ["yes: hostNetwork is yes"]);
    }

    #[test]
    fn container_condition_runs_per_container() {
        let found = run(
            Target::Container,
            serde_json::json!({
                "condition": "!container.image.startsWith('registry.example.com/')",
                "path": "image",
                "message": "{container} pulls {value}",
            }),
            DEPLOYMENT,
        );
        assert_eq!(
            found,
            ["docker.io/proxy:latest: container \"sidecar\" pulls docker.io/proxy:latest"]
        );
    }

    #[test]
    fn values_are_converted_once_per_object_and_only_when_asked() {
        let file = crate::source::SourceFile::new("t.yaml", DEPLOYMENT);
        let parsed = crate::yaml::parse_stream(&file.text, &Default::default());
        let object = Object::all_in(&parsed.documents[0])[0];
        let scratch = ExpressionScratch::default();
        assert!(scratch.object.get().is_none() && scratch.pod.get().is_none());
        let first: *const dyn Val = scratch.object(&object);
        let second: *const dyn Val = scratch.object(&object);
        assert!(std::ptr::addr_eq(first, second));
        assert!(
            scratch.containers.get().is_none(),
            "containers not asked for"
        );
        assert!(scratch.pod(&object).is_some());
    }

    #[test]
    fn runtime_errors_do_not_fire() {
        let found = run(
            Target::Object,
            serde_json::json!({"condition": "object.metadata.labels.team == 'x'", "message": "m"}),
            DEPLOYMENT,
        );
        assert!(found.is_empty());
    }

    #[test]
    fn build_errors_name_the_parameter() {
        let error = |target, params| build(target, &params).err().unwrap();
        let bad = error(
            Target::Object,
            serde_json::json!({"condition": "object.kind ==", "message": "m"}),
        );
        assert_eq!(bad.param.as_deref(), Some("condition"));
        assert!(bad.message.contains("column"), "{}", bad.message);
        let unavailable = error(
            Target::Object,
            serde_json::json!({"condition": "container.name == 'a'", "message": "m"}),
        );
        assert!(unavailable.message.contains("`container` is not available"));
        let unknown = error(
            Target::Object,
            serde_json::json!({"condition": "true", "message": "m", "where": "x"}),
        );
        assert_eq!(unknown.param.as_deref(), Some("where"));
        let target = error(
            Target::Dockerfile,
            serde_json::json!({"condition": "true", "message": "m"}),
        );
        assert!(target.message.contains("dockerfile"));
    }
}
