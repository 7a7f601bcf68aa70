//! Check templates: the logic behind rules. A rule file names a template and
//! gives its parameters; several rules may share one template.

mod field;
mod hardening;

use serde::de::DeserializeOwned;

use crate::engine::Cx;
use crate::k8s::Object;

/// The logic of a rule, run once per object.
pub trait Check: Send + Sync {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>);
}

/// Every template a rule file may name.
pub const TEMPLATES: &[&str] = &[
    "container-field",
    "input",
    "linux-hardening",
    "pod-field",
    "proc-mount",
    "safe-sysctls",
    "sandboxed-runtime-class",
    "security-context-field",
    "security-context-present",
    "selinux-options",
    "sudo-in-command",
    "unconfined-profile",
    "user-namespaces",
];

/// Builds a template's check from its parameters.
pub fn build(template: &str, params: &serde_json::Value) -> Result<Box<dyn Check>, String> {
    Ok(match template {
        "container-field" => Box::new(field::ContainerField::new(parse(params)?)?),
        "pod-field" => Box::new(field::PodField::new(parse(params)?)?),
        "input" => Box::new(Input),
        "linux-hardening" => {
            parse::<hardening::NoParams>(params)?;
            Box::new(hardening::LinuxHardening)
        }
        "proc-mount" => Box::new(hardening::ProcMount::new(parse(params)?)),
        "safe-sysctls" => Box::new(hardening::SafeSysctls::new(parse(params)?)),
        "sandboxed-runtime-class" => {
            Box::new(hardening::SandboxedRuntimeClass::new(parse(params)?))
        }
        "security-context-field" => Box::new(hardening::SecurityContextField::new(parse(params)?)),
        "security-context-present" => {
            parse::<hardening::NoParams>(params)?;
            Box::new(hardening::SecurityContextPresent)
        }
        "selinux-options" => {
            parse::<hardening::NoParams>(params)?;
            Box::new(hardening::SelinuxOptions)
        }
        "sudo-in-command" => Box::new(hardening::SudoInCommand::new(parse(params)?)),
        "unconfined-profile" => Box::new(hardening::UnconfinedProfile::new(parse(params)?)),
        "user-namespaces" => {
            parse::<hardening::NoParams>(params)?;
            Box::new(hardening::UserNamespaces)
        }
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
