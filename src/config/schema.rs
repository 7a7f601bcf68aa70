//! The keys of `.harden.yaml`: one table that both checks a file and writes
//! its JSON Schema, so the two cannot disagree.

use serde_json::{Map, Value, json};

use crate::source::Span;
use crate::yaml::NodeRef;

/// What a value must look like.
#[derive(Debug)]
pub enum Shape {
    Str,
    /// A glob pattern (globset syntax).
    Glob,
    /// One of these words.
    Enum(&'static [&'static str]),
    /// `YYYY-MM-DD`.
    Date,
    /// A Kubernetes version such as `1.30`.
    Version,
    List(&'static Shape),
    /// One value or a list of them.
    OneOrList(&'static Shape),
    /// A mapping with free keys (rule ids, chart paths) and values of one shape.
    Map(&'static Shape),
    Object(&'static [Field]),
    /// Any mapping (rule parameters, checked by the rule's template).
    Params,
}

#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub shape: Shape,
    pub required: bool,
    pub doc: &'static str,
}

const fn field(name: &'static str, shape: Shape, doc: &'static str) -> Field {
    Field {
        name,
        shape,
        required: false,
        doc,
    }
}

const fn required(name: &'static str, shape: Shape, doc: &'static str) -> Field {
    Field {
        name,
        shape,
        required: true,
        doc,
    }
}

pub const SEVERITIES: &[&str] = &["critical", "high", "medium", "low", "info"];

const RULE_NAMES: Shape = Shape::OneOrList(&Shape::Str);

const CHART: &[Field] = &[
    field(
        "values",
        Shape::List(&Shape::Str),
        "Values files, relative to the configuration file: the chart is linted once with its values.yaml alone and once per file, each over values.yaml.",
    ),
    field(
        "release-name",
        Shape::Str,
        "The release name (`.Release.Name`).",
    ),
    field(
        "namespace",
        Shape::Str,
        "The release namespace (`.Release.Namespace`).",
    ),
    field(
        "kube-version",
        Shape::Version,
        "The Kubernetes version charts are rendered for (`.Capabilities.KubeVersion`).",
    ),
];

const HELM: &[Field] = &[
    field(
        "release-name",
        Shape::Str,
        "The release name for every chart (`.Release.Name`).",
    ),
    field(
        "namespace",
        Shape::Str,
        "The release namespace for every chart (`.Release.Namespace`).",
    ),
    field(
        "kube-version",
        Shape::Version,
        "The Kubernetes version charts are rendered for (`.Capabilities.KubeVersion`).",
    ),
    field(
        "charts",
        Shape::Map(&Shape::Object(CHART)),
        "Settings per chart, by the chart's directory relative to the configuration file.",
    ),
];

const EXCEPTION: &[Field] = &[
    required(
        "rules",
        RULE_NAMES,
        "The rules excepted: ids, tags or `all`.",
    ),
    field("kind", Shape::Str, "Only objects of this kind (a glob)."),
    field(
        "namespace",
        Shape::Str,
        "Only objects in this namespace (a glob).",
    ),
    field("name", Shape::Str, "Only objects of this name (a glob)."),
    field(
        "container",
        Shape::Str,
        "Only findings about this container (a glob).",
    ),
    field(
        "path",
        Shape::Glob,
        "Only files matching this glob, relative to the configuration file.",
    ),
    required("reason", Shape::Str, "Why the finding is accepted."),
    field(
        "until",
        Shape::Date,
        "The last day (YYYY-MM-DD) the exception holds; after it, it lapses and is reported.",
    ),
];

/// The top-level keys.
pub const KEYS: &[Field] = &[
    field(
        "select",
        RULE_NAMES,
        "Run only these rules: ids, tags, targets (`dockerfile`, `container`, …) or `all`. By default every rule that is not opt-in runs.",
    ),
    field(
        "extend-select",
        RULE_NAMES,
        "Also run these rules (ids, tags or targets), on top of the default set or `select`.",
    ),
    field(
        "ignore",
        RULE_NAMES,
        "Do not run these rules (ids, tags or targets).",
    ),
    field(
        "severity",
        Shape::Map(&Shape::Enum(SEVERITIES)),
        "Severity by rule id, replacing the rule's own in reports and for `fail-on`.",
    ),
    field(
        "rules",
        Shape::Map(&Shape::Params),
        "Parameters by rule id, merged over the rule's own (see `harden explain RULE`).",
    ),
    field(
        "exclude",
        Shape::List(&Shape::Glob),
        "Files and directories not to check: globs relative to the configuration file.",
    ),
    field(
        "exceptions",
        Shape::List(&Shape::Object(EXCEPTION)),
        "Findings accepted on purpose, each with a reason.",
    ),
    field("helm", Shape::Object(HELM), "How Helm charts are rendered."),
    field(
        "rules-dirs",
        Shape::List(&Shape::Str),
        "Directories of custom rule files, relative to the configuration file.",
    ),
    field(
        "fail-on",
        Shape::Enum(SEVERITIES),
        "Findings at or above this severity make the exit status 1 (default `low`).",
    ),
    field(
        "kube-version",
        Shape::Version,
        "The Kubernetes version whose rules apply (default: the latest harden knows).",
    ),
];

/// A problem at a place in the configuration file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub span: Span,
    pub message: String,
}

fn problem(node: NodeRef<'_>, message: impl Into<String>) -> Problem {
    Problem {
        span: node.span(),
        message: message.into(),
    }
}

/// Checks a document root against the table; every problem is returned.
pub fn validate(root: NodeRef<'_>) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut work = vec![(root, &Shape::Object(KEYS), String::new())];
    while let Some((node, shape, path)) = work.pop() {
        check(node, shape, &path, &mut work, &mut problems);
    }
    problems.sort_by_key(|p| (p.span.start, p.message.clone()));
    problems
}

type Work<'a> = Vec<(NodeRef<'a>, &'static Shape, String)>;

fn check<'a>(
    node: NodeRef<'a>,
    shape: &'static Shape,
    path: &str,
    work: &mut Work<'a>,
    problems: &mut Vec<Problem>,
) {
    let at = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    let name = if path.is_empty() { "the file" } else { path };
    match shape {
        Shape::Str | Shape::Glob | Shape::Enum(_) | Shape::Date | Shape::Version => {
            let Some(text) = node.as_text().filter(|_| node.is_scalar()) else {
                problems.push(problem(
                    node,
                    format!("`{name}` must be {}", describe(shape)),
                ));
                return;
            };
            let bad = match shape {
                Shape::Enum(words) => !words.contains(&text),
                Shape::Date => crate::engine::suppress::Date::parse(text).is_none(),
                Shape::Version => crate::engine::KubeVersion::parse(text).is_none(),
                Shape::Glob => globset::Glob::new(text).is_err(),
                _ => false,
            };
            if bad {
                problems.push(problem(
                    node,
                    format!("`{name}` must be {}, not `{text}`", describe(shape)),
                ));
            }
        }
        Shape::List(item) | Shape::OneOrList(item) => {
            if node.is_null() {
                return;
            }
            if node.is_seq() {
                for (i, value) in node.items().enumerate() {
                    work.push((value, item, format!("{path}[{i}]")));
                }
            } else if matches!(shape, Shape::OneOrList(_)) {
                work.push((node, item, path.to_string()));
            } else {
                problems.push(problem(
                    node,
                    format!("`{name}` must be {}", describe(shape)),
                ));
            }
        }
        Shape::Map(_) | Shape::Params if node.is_map() || node.is_null() => {
            if let Shape::Map(value) = shape {
                for (k, v) in node.entries() {
                    work.push((v, value, at(k.text().unwrap_or(""))));
                }
            }
        }
        Shape::Object(fields) if node.is_map() || (node.is_null() && !path.is_empty()) => {
            for (key, value) in node.entries() {
                let text = key.text().unwrap_or("");
                match fields.iter().find(|f| f.name == text) {
                    Some(f) => work.push((value, &f.shape, at(text))),
                    None => {
                        let known: Vec<&str> = fields.iter().map(|f| f.name).collect();
                        problems.push(problem(
                            key,
                            format!(
                                "unknown key `{}`; expected one of: {}",
                                at(text),
                                known.join(", ")
                            ),
                        ));
                    }
                }
            }
            for f in fields.iter().filter(|f| f.required) {
                if node.get(f.name).is_none() {
                    problems.push(Problem {
                        span: node.head_span(),
                        message: format!("missing required key `{}`", at(f.name)),
                    });
                }
            }
        }
        Shape::Map(_) | Shape::Params | Shape::Object(_) => {
            if !(path.is_empty() && node.is_null()) {
                problems.push(problem(
                    node,
                    format!("`{name}` must be {}", describe(shape)),
                ));
            }
        }
    }
}

fn describe(shape: &Shape) -> String {
    match shape {
        Shape::Str => "a string".into(),
        Shape::Glob => "a valid glob pattern".into(),
        Shape::Enum(words) => format!("one of {}", words.join(", ")),
        Shape::Date => "a date YYYY-MM-DD".into(),
        Shape::Version => "a Kubernetes version such as 1.30".into(),
        Shape::List(item) => format!("a list of {}", plural(item)),
        Shape::OneOrList(item) => format!("{} or a list of them", describe(item)),
        Shape::Map(_) | Shape::Params | Shape::Object(_) => "a mapping".into(),
    }
}

fn plural(shape: &Shape) -> String {
    match shape {
        Shape::Str => "strings".into(),
        Shape::Glob => "glob patterns".into(),
        Shape::Object(_) => "mappings".into(),
        other => describe(other),
    }
}

/// The JSON Schema (draft 2020-12) of the configuration file.
pub fn json_schema() -> Value {
    let mut schema = Map::new();
    schema.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    schema.insert("title".into(), json!("harden configuration (.harden.yaml)"));
    if let Value::Object(body) = shape_schema(&Shape::Object(KEYS)) {
        schema.extend(body);
    }
    Value::Object(schema)
}

/// Collections may be left empty (`exclude:` with its items commented out),
/// which YAML reads as null; the validator accepts that too.
fn shape_schema(shape: &Shape) -> Value {
    match shape {
        Shape::Str | Shape::Glob => json!({"type": "string"}),
        Shape::Enum(words) => json!({"enum": words}),
        Shape::Date => json!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}),
        Shape::Version => json!({
            "type": ["string", "number"],
            "pattern": "^v?[0-9]+\\.[0-9]+(\\.[0-9]+)?$"
        }),
        Shape::List(item) => json!({"type": ["array", "null"], "items": shape_schema(item)}),
        Shape::OneOrList(item) => json!({
            "anyOf": [
                shape_schema(item),
                {"type": "array", "items": shape_schema(item)},
                {"type": "null"}
            ]
        }),
        Shape::Map(value) => json!({
            "type": ["object", "null"],
            "additionalProperties": shape_schema(value)
        }),
        Shape::Params => json!({"type": ["object", "null"]}),
        Shape::Object(fields) => {
            let mut properties = Map::new();
            for f in *fields {
                let mut property = shape_schema(&f.shape);
                if let Value::Object(map) = &mut property {
                    map.insert("description".into(), json!(f.doc));
                }
                properties.insert(f.name.into(), property);
            }
            let required: Vec<&str> = fields
                .iter()
                .filter(|f| f.required)
                .map(|f| f.name)
                .collect();
            let mut object = Map::new();
            // An empty mapping is null, which lacks what is required.
            if required.is_empty() {
                object.insert("type".into(), json!(["object", "null"]));
            } else {
                object.insert("type".into(), json!("object"));
            }
            object.insert("additionalProperties".into(), json!(false));
            object.insert("properties".into(), Value::Object(properties));
            if !required.is_empty() {
                object.insert("required".into(), json!(required));
            }
            Value::Object(object)
        }
    }
}
