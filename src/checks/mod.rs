//! Check templates: the logic behind rules. A rule file names a template and
//! gives its parameters; several rules may share one template.

mod field;
mod host;
mod image;
mod resources;

use serde::de::DeserializeOwned;

use crate::engine::Cx;
use crate::k8s::Object;

/// The logic of a rule, run once per object.
pub trait Check: Send + Sync {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>);
}

/// Every template a rule file may name.
pub const TEMPLATES: &[&str] = &[
    "container-resource",
    "host-aliases",
    "host-path",
    "host-path-volume",
    "host-port",
    "image-digest",
    "image-pull-policy",
    "image-tag",
    "input",
    "pod-field",
    "probe-host",
    "volume-types",
    "writable-host-path",
    "container-field",
];

/// Builds a template's check from its parameters.
pub fn build(template: &str, params: &serde_json::Value) -> Result<Box<dyn Check>, String> {
    Ok(match template {
        "container-field" => Box::new(field::ContainerField::new(parse(params)?)?),
        "container-resource" => Box::new(resources::ContainerResource::new(parse(params)?)?),
        "image-digest" => Box::new(image::ImageDigest::new(parse(params)?)),
        "image-pull-policy" => Box::new(image::ImagePullPolicy::new(parse(params)?)),
        "image-tag" => Box::new(image::ImageTag::new(parse(params)?)),
        "host-aliases" => no_params(params, host::HostAliases)?,
        "host-path" => Box::new(host::HostPath::new(parse(params)?)?),
        "host-path-volume" => no_params(params, host::HostPathVolume)?,
        "host-port" => no_params(params, host::HostPort)?,
        "pod-field" => Box::new(field::PodField::new(parse(params)?)?),
        "input" => Box::new(Input),
        "probe-host" => no_params(params, host::ProbeHost)?,
        "volume-types" => Box::new(host::VolumeTypes::new(parse(params)?)?),
        "writable-host-path" => no_params(params, host::WritableHostPath)?,
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

/// A check that takes no parameters; any given are an error.
fn no_params(
    params: &serde_json::Value,
    check: impl Check + 'static,
) -> Result<Box<dyn Check>, String> {
    parse::<NoParams>(params)?;
    Ok(Box::new(check))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NoParams {}

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

/// True for a string value that still holds an unrendered template
/// (`{{ .Values.x }}`, `${VAR}`): such values are not judged.
pub fn is_templated(node: crate::yaml::NodeRef<'_>) -> bool {
    node.as_str()
        .is_some_and(|text| text.contains("{{") || text.contains("${"))
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
