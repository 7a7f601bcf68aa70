//! Chart rules: what a chart's own files say before anything is rendered.
//! Values files (literal secrets, `latest` images, defaults that switch
//! hardening off), `Chart.yaml` and its lock (metadata, pinned
//! dependencies), and template text read line by line (literal namespaces,
//! test hooks).

mod chart;
mod templates;
mod values;

pub use chart::{ChartMetadata, DependencyPinned, SchemaPresent};
pub use templates::{HardcodedNamespace, TestHookScope};
pub use values::{ValuesImageTag, ValuesLiteralSecret, ValuesSecurityContext};

use std::sync::Arc;

use crate::helm::lint::ChartFiles;
use crate::k8s::Object;
use crate::source::{SourceFile, Span};
use crate::yaml::NodeRef;

/// True for an object Helm runs only on `helm test`: annotated
/// `helm.sh/hook: test` (or Helm 2's `test-success` and `test-failure`).
pub fn is_test_hook(object: &Object<'_>) -> bool {
    object
        .annotation("helm.sh/hook")
        .and_then(|n| n.as_text())
        .is_some_and(|hooks| {
            hooks
                .split(',')
                .any(|h| matches!(h.trim(), "test" | "test-success" | "test-failure"))
        })
}

/// The dependency list of a chart: `dependencies` of `Chart.yaml`, or of
/// `requirements.yaml` for a Helm 2 chart.
fn dependency_list(chart: &ChartFiles) -> Option<(&Arc<SourceFile>, NodeRef<'_>)> {
    fn from(file: &Option<crate::helm::lint::YamlFile>) -> Option<(&Arc<SourceFile>, NodeRef<'_>)> {
        let file = file.as_ref()?;
        let list = file.root()?.get("dependencies").filter(|d| d.is_seq())?;
        Some((&file.file, list))
    }
    from(&chart.chart_yaml).or_else(|| from(&chart.requirements))
}

/// The entry of `dependency` (by name or alias) in `parent`'s dependency
/// list: the file and the span of its name.
pub fn dependency_entry(parent: &ChartFiles, dependency: &str) -> Option<(Arc<SourceFile>, Span)> {
    let (file, list) = dependency_list(parent)?;
    list.items().find_map(|item| {
        let name = item.get("name")?;
        let alias = item.get("alias").and_then(|a| a.as_text());
        (name.as_text() == Some(dependency) || alias == Some(dependency))
            .then(|| (Arc::clone(file), name.span()))
    })
}

/// Every mapping entry below `root`, depth first in source order: the dotted
/// path (`image.tag`, `extraEnv[0].value`), the key (for a sequence item,
/// the key of its sequence) and the value. Iterative, so depth cannot
/// exhaust the stack, and bounded, so aliases that share one node many
/// times cannot make it run long.
fn walk(root: NodeRef<'_>) -> Vec<(String, Option<NodeRef<'_>>, NodeRef<'_>)> {
    let mut out = Vec::new();
    let mut pending: Vec<(String, Option<NodeRef<'_>>, NodeRef<'_>)> = Vec::new();
    push_children(&mut pending, "", None, root);
    while let Some((path, key, node)) = pending.pop() {
        if out.len() >= MAX_ENTRIES {
            break;
        }
        out.push((path.clone(), key, node));
        push_children(&mut pending, &path, key, node);
    }
    out
}

/// Nodes inside a values section switched off by default (a mapping with
/// `enabled: false`): settings of a feature that does not run unless an
/// install turns it on.
fn disabled_nodes(root: NodeRef<'_>) -> std::collections::HashSet<u32> {
    let mut out = std::collections::HashSet::new();
    for (_, _, node) in walk(root) {
        if node.is_map()
            && node.get("enabled").and_then(|e| e.as_bool()) == Some(false)
            && !out.contains(&node.id())
        {
            out.insert(node.id());
            out.extend(walk(node).into_iter().map(|(_, _, n)| n.id()));
        }
    }
    out
}

/// More entries than any real values file holds.
const MAX_ENTRIES: usize = 200_000;

fn push_children<'a>(
    pending: &mut Vec<(String, Option<NodeRef<'a>>, NodeRef<'a>)>,
    path: &str,
    key: Option<NodeRef<'a>>,
    node: NodeRef<'a>,
) {
    let start = pending.len();
    if node.is_map() {
        for (k, v) in node.entries() {
            let name = k.text().unwrap_or("");
            let child = if path.is_empty() {
                name.to_string()
            } else {
                format!("{path}.{name}")
            };
            pending.push((child, Some(k), v));
        }
    } else if node.is_seq() {
        for (i, item) in node.items().enumerate() {
            pending.push((format!("{path}[{i}]"), key, item));
        }
    }
    pending[start..].reverse();
}
