//! Check templates: the logic behind rules. A rule file names a template and
//! gives its parameters; several rules may share one template.

mod capabilities;
mod field;
mod security_context;

use serde::de::DeserializeOwned;

use crate::engine::Cx;
use crate::k8s::Object;

/// The logic of a rule, run once per object.
pub trait Check: Send + Sync {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>);
}

/// Every template a rule file may name.
pub const TEMPLATES: &[&str] = &[
    "capabilities-added",
    "capability-dropped",
    "container-field",
    "dangerous-capabilities",
    "high-uid-gid",
    "input",
    "pod-field",
    "privilege-escalation",
    "read-only-root-filesystem",
    "root-group",
    "root-user",
    "run-as-non-root",
    "seccomp-profile",
];

/// Builds a template's check from its parameters.
pub fn build(template: &str, params: &serde_json::Value) -> Result<Box<dyn Check>, String> {
    Ok(match template {
        "container-field" => Box::new(field::ContainerField::new(parse(params)?)?),
        "pod-field" => Box::new(field::PodField::new(parse(params)?)?),
        "input" => Box::new(Input),
        "capabilities-added" => Box::new(capabilities::CapabilitiesAdded::new(parse(params)?)?),
        "capability-dropped" => Box::new(capabilities::CapabilityDropped::new(parse(params)?)?),
        "dangerous-capabilities" => {
            Box::new(capabilities::DangerousCapabilities::new(parse(params)?)?)
        }
        "high-uid-gid" => Box::new(security_context::HighUidGid::new(parse(params)?)?),
        "privilege-escalation" => {
            Box::new(security_context::PrivilegeEscalation::new(parse(params)?)?)
        }
        "read-only-root-filesystem" => Box::new(security_context::ReadOnlyRootFilesystem::new(
            parse(params)?,
        )?),
        "root-group" => Box::new(security_context::RootGroup::new(parse(params)?)?),
        "root-user" => Box::new(security_context::RootUser::new(parse(params)?)?),
        "run-as-non-root" => Box::new(security_context::RunAsNonRoot::new(parse(params)?)?),
        "seccomp-profile" => Box::new(security_context::SeccompProfileRequired::new(parse(
            params,
        )?)?),
        other => return Err(format!("unknown check template `{other}`")),
    })
}

/// Reads template parameters; unknown or missing ones are errors.
pub fn parse<T: DeserializeOwned>(params: &serde_json::Value) -> Result<T, String> {
    let params = if params.is_null() {
        serde_json::Value::Object(Default::default())
    } else {
        params.clone()
    };
    serde_json::from_value(params).map_err(|e| format!("check parameters: {e}"))
}

/// Findings about the input itself (unreadable files, syntax errors,
/// duplicate keys) are made by the loader; the rule exists for its metadata.
struct Input;

impl Check for Input {
    fn check(&self, _: &mut Cx<'_>, _: &Object<'_>) {}
}

/// Fills `{name}` placeholders of a message template.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// For a missing field at `path` below `base`: the key span of its nearest
/// existing ancestor (`securityContext:` when `securityContext.privileged` is
/// absent), or `None` when not even the first key exists.
pub fn nearest_span(base: crate::yaml::NodeRef<'_>, path: &str) -> Option<crate::source::Span> {
    let mut node = base;
    let mut span = None;
    for key in path.split('.') {
        let Some((k, v)) = node.entry(key) else {
            return span;
        };
        span = Some(k.span());
        if !v.is_map() {
            break;
        }
        node = v;
    }
    span
}
