//! `schema-valid`: an object of a built-in kind has a field its kind does not
//! have, or a value of the wrong type. `kubectl apply` rejects both (strict
//! validation is its default); some tools drop unknown fields silently, and
//! then a misspelt `securityContext` protects nothing.

use crate::checks::{Check, is_templated};
use crate::engine::Cx;
use crate::k8s::{FieldType, Object, Schema};
use crate::yaml::{NodeRef, Scalar};

pub struct SchemaValid;

/// What a value is, in the words of the message.
fn found(node: NodeRef<'_>) -> &'static str {
    if node.is_map() {
        return "an object";
    }
    if node.is_seq() {
        return "a list";
    }
    match node.scalar() {
        Some(Scalar::Bool(_)) => "a boolean",
        Some(Scalar::Int(_)) => "an integer",
        Some(Scalar::Float(_)) => "a number",
        Some(Scalar::Str(_)) => "a string",
        Some(Scalar::Null) | None => "null",
    }
}

/// `None` when the value fits the type (or cannot be judged); otherwise what
/// was expected.
fn mismatch(node: NodeRef<'_>, ty: &FieldType) -> Option<&'static str> {
    if node.is_null() || is_templated(node) {
        return None;
    }
    let scalar = node.scalar();
    let fits = match ty {
        FieldType::Any => true,
        FieldType::Model(_) | FieldType::Map(_) => node.is_map(),
        FieldType::List(_) => node.is_seq(),
        FieldType::String => matches!(scalar, Some(Scalar::Str(_))),
        FieldType::Integer => matches!(scalar, Some(Scalar::Int(_))),
        FieldType::Number => matches!(scalar, Some(Scalar::Int(_) | Scalar::Float(_))),
        FieldType::Boolean => matches!(scalar, Some(Scalar::Bool(_))),
        FieldType::Quantity => {
            matches!(
                scalar,
                Some(Scalar::Str(_) | Scalar::Int(_) | Scalar::Float(_))
            )
        }
    };
    if fits {
        return None;
    }
    Some(match ty {
        FieldType::Model(_) | FieldType::Map(_) => "an object",
        FieldType::List(_) => "a list",
        FieldType::String => "a string",
        FieldType::Integer => "an integer",
        FieldType::Number => "a number",
        FieldType::Boolean => "a boolean",
        FieldType::Quantity => "a quantity",
        FieldType::Any => "anything",
    })
}

/// Damerau-free edit distance, small inputs only.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (row[j + 1] + 1).min(row[j] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// The known field a misspelt one most likely meant.
fn suggestion<'s>(key: &str, fields: impl Iterator<Item = &'s String>) -> Option<&'s str> {
    let lower = key.to_ascii_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for field in fields {
        let d = if field.to_ascii_lowercase() == lower {
            0
        } else {
            distance(key, field)
        };
        let allowed = match key.len() {
            0..=3 => 0,
            4..=5 => 1,
            _ => 2,
        };
        if d <= allowed && best.is_none_or(|(b, f)| (d, field.as_str()) < (b, f)) {
            best = Some((d, field));
        }
    }
    best.map(|(_, f)| f)
}

impl Check for SchemaValid {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let schema = Schema::get();
        let Some(root) = schema.root(object.api_version, object.kind) else {
            return;
        };
        let display = object.display_name();
        // Depth-first with an explicit stack: documents may nest deeply.
        let mut stack: Vec<(NodeRef<'_>, FieldType, String)> =
            vec![(object.root, FieldType::Model(root), String::new())];
        while let Some((node, ty, path)) = stack.pop() {
            match &ty {
                FieldType::Model(id) if node.is_map() => {
                    let model = schema.model(*id);
                    // Pushed in reverse so that findings come in source order.
                    let entries: Vec<_> = node.entries().collect();
                    for (key, value) in entries.into_iter().rev() {
                        let Some(name) = key.text() else { continue };
                        if name == "<<" || is_templated(key) {
                            continue;
                        }
                        let here = if path.is_empty() {
                            name.to_string()
                        } else {
                            format!("{path}.{name}")
                        };
                        match model.fields.get(name) {
                            Some(field) => stack.push((value, field.clone(), here)),
                            None => {
                                let hint = suggestion(name, model.fields.keys())
                                    .map(|s| format!(" (did you mean `{s}`?)"))
                                    .unwrap_or_default();
                                cx.report(
                                    key.span(),
                                    format!("{display} has unknown field `{here}`{hint}"),
                                )
                                .at_path(here);
                            }
                        }
                    }
                }
                FieldType::List(inner) if node.is_seq() => {
                    let items: Vec<_> = node.items().collect();
                    for (i, item) in items.into_iter().enumerate().rev() {
                        stack.push((item, (**inner).clone(), format!("{path}[{i}]")));
                    }
                }
                FieldType::Map(inner) if node.is_map() => {
                    let entries: Vec<_> = node.entries().collect();
                    for (key, value) in entries.into_iter().rev() {
                        let name = key.text().unwrap_or("");
                        stack.push((value, (**inner).clone(), format!("{path}.{name}")));
                    }
                }
                _ => {
                    if let Some(expected) = mismatch(node, &ty) {
                        let what = found(node);
                        cx.report(
                            node.span(),
                            format!("{display} gives {what} where `{path}` takes {expected}"),
                        )
                        .at_path(path);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_catch_case_and_small_typos() {
        let fields = ["imagePullPolicy", "image", "securityContext", "name"].map(String::from);
        assert_eq!(
            suggestion("imagePullpolicy", fields.iter()),
            Some("imagePullPolicy")
        );
        assert_eq!(
            suggestion("securityContex", fields.iter()),
            Some("securityContext")
        );
        assert_eq!(suggestion("nmae", fields.iter()), None);
        assert_eq!(suggestion("replicas", fields.iter()), None);
    }
}
