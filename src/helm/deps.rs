//! Dependencies as Helm processes them before rendering: aliases, the
//! `condition`/`tags` switches, `import-values`, and the coalescing of the
//! values over the whole chart tree (`coalesce.go`, `dependencies.go`).

use super::chart::{Chart, ImportValue};
use super::value::{Map, Value};
use super::values::{
    ValuesCx, clean_nil_values, coalesce_tables, is_table, new_map, parse_values, path_to_map,
    path_value, table,
};

/// A declared dependency after aliases are applied.
#[derive(Clone, Debug)]
pub struct DeclaredDep {
    /// The alias when there is one, else the chart name.
    pub name: String,
    pub condition: String,
    pub tags: Vec<String>,
    pub import_values: Vec<ImportValue>,
    pub enabled: bool,
}

/// A chart in the dependency tree: a chart, under the name its parent gives
/// it, with its enabled subcharts.
#[derive(Debug)]
pub struct Node<'c> {
    pub chart: &'c Chart,
    pub name: String,
    /// The chart's default values (after `import-values`).
    pub values: Map,
    pub deps: Vec<Node<'c>>,
    pub declared: Vec<DeclaredDep>,
    /// Declared dependencies that `charts/` does not hold.
    pub missing: Vec<String>,
}

/// Builds the tree of `chart` and its subcharts, reading each chart's values.
/// Subcharts that no dependency names come first, then one copy per declared
/// dependency (under its alias), as Helm orders them.
pub fn build<'c>(chart: &'c Chart, name: &str, cx: &mut ValuesCx) -> Result<Node<'c>, String> {
    let values = match &chart.values {
        Some(file) => {
            let label = format!("{}/{}", chart.source, file.name);
            parse_values(&file.text(), &label, cx)?
        }
        None => new_map(),
    };
    let declared_meta = &chart.metadata.dependencies;
    // Helm's `IsCompatibleRange`: a subchart provides a dependency when the
    // names agree and its version satisfies the declared range.
    let provides = |dep: &super::chart::Dependency, sub: &Chart| {
        dep.name == sub.name()
            && super::semver::constraint_allows(&dep.version, &sub.metadata.version)
                .unwrap_or(false)
    };
    let mut deps = Vec::new();
    for sub in &chart.subcharts {
        if !declared_meta.iter().any(|d| provides(d, sub)) {
            deps.push(build(sub, sub.name(), cx)?);
        }
    }
    let mut declared = Vec::new();
    let mut missing = Vec::new();
    for dep in declared_meta {
        match chart.subcharts.iter().find(|c| provides(dep, c)) {
            Some(sub) => {
                let name = if dep.alias.is_empty() {
                    &dep.name
                } else {
                    &dep.alias
                };
                deps.push(build(sub, name, cx)?);
            }
            None => missing.push(dep.name.clone()),
        }
        declared.push(DeclaredDep {
            name: if dep.alias.is_empty() {
                dep.name.clone()
            } else {
                dep.alias.clone()
            },
            condition: dep.condition.clone(),
            tags: dep.tags.clone(),
            import_values: dep.import_values.clone(),
            enabled: true,
        });
    }
    Ok(Node {
        chart,
        name: name.to_string(),
        values,
        deps,
        declared,
        missing,
    })
}

/// Helm's `CoalesceValues(chart, values)`: a copy of `values` with the chart
/// tree's defaults coalesced in.
pub fn coalesce_values(cx: &mut ValuesCx, node: &Node<'_>, values: &Map) -> Result<Map, String> {
    let copy = cx.copy_map(values);
    coalesce(cx, node, &copy, true, false)?;
    Ok(copy)
}

/// `MergeValues(chart, nil)`: like coalescing, but `null`s stay.
fn merge_values(cx: &mut ValuesCx, node: &Node<'_>) -> Result<Map, String> {
    let dest = new_map();
    coalesce(cx, node, &dest, true, true)?;
    Ok(dest)
}

fn coalesce(
    cx: &mut ValuesCx,
    node: &Node<'_>,
    dest: &Map,
    top: bool,
    merge: bool,
) -> Result<(), String> {
    coalesce_chart_values(cx, node, dest, top, merge);
    for sub in &node.deps {
        let existing = dest.borrow().get(&sub.name).cloned();
        let sub_map = match existing {
            None => {
                let m = new_map();
                dest.borrow_mut()
                    .insert(sub.name.clone(), Value::Map(m.clone()));
                m
            }
            Some(Value::Map(m)) => m,
            Some(other) => {
                return Err(format!(
                    "type mismatch on {}: %!t({}={})",
                    sub.name,
                    other.type_name(),
                    other.go_string()
                ));
            }
        };
        coalesce_globals(cx, &sub_map, dest);
        coalesce(cx, sub, &sub_map, false, merge)?;
    }
    Ok(())
}

/// `coalesceGlobals`: copies `src.global` into `dest.global`, `src` winning.
fn coalesce_globals(cx: &mut ValuesCx, dest: &Map, src: &Map) {
    let dg = match dest.borrow().get("global") {
        None => new_map(),
        Some(Value::Map(m)) => m.clone(),
        Some(_) => return,
    };
    let sg = match src.borrow().get("global") {
        None => new_map(),
        Some(Value::Map(m)) => m.clone(),
        Some(_) => return,
    };
    let entries: Vec<(String, Value)> = sg
        .borrow()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (key, val) in entries {
        let origin = cx.field_origin(&sg, &key);
        if let Value::Map(vm) = &val {
            // A shallow copy, as Helm's copyMap.
            let vv = new_map();
            let inner: Vec<(String, Value)> = vm
                .borrow()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            for (k, v) in inner {
                let o = cx.field_origin(vm, &k);
                cx.set(&vv, &k, v, o);
            }
            let existing = dg.borrow().get(&key).cloned();
            match existing {
                None => cx.set(&dg, &key, Value::Map(vv), origin),
                Some(Value::Map(dm)) => {
                    coalesce_tables(cx, &vv, &dm, true);
                    cx.set(&dg, &key, Value::Map(vv), origin);
                }
                Some(_) => {}
            }
        } else if dg.borrow().get(&key).is_some_and(is_table) {
        } else {
            cx.set(&dg, &key, val, origin);
        }
    }
    dest.borrow_mut()
        .insert("global".to_string(), Value::Map(dg));
}

/// `coalesceValues`: the chart's defaults under the values in `v`.
fn coalesce_chart_values(cx: &mut ValuesCx, node: &Node<'_>, v: &Map, top: bool, merge: bool) {
    let defaults = cx.copy_map(&node.values);
    let entries: Vec<(String, Value)> = defaults
        .borrow()
        .iter()
        .map(|(k, val)| (k.clone(), val.clone()))
        .collect();
    for (key, val) in entries {
        let current = v.borrow().get(&key).cloned();
        match current {
            Some(Value::Nil) if !merge => {
                v.borrow_mut().remove(&key);
            }
            Some(Value::Map(dest)) => {
                if let Value::Map(src) = &val {
                    let merge = merge || node.deps.iter().any(|d| d.name == key);
                    if !merge && !top {
                        clean_nil_values(src);
                    }
                    coalesce_tables(cx, &dest, src, merge);
                }
            }
            Some(_) => {}
            None => {
                if !merge && !top {
                    if val.is_nil() {
                        continue;
                    }
                    if let Value::Map(sub) = &val {
                        clean_nil_values(sub);
                    }
                }
                let origin = cx.field_origin(&defaults, &key);
                cx.set(v, &key, val, origin);
            }
        }
    }
}

/// Helm's `ProcessDependencies`: switches dependencies on and off by
/// `condition` and `tags`, then imports values from children.
pub fn process(cx: &mut ValuesCx, node: &mut Node<'_>, user: &Map) -> Result<(), String> {
    process_enabled(cx, node, user, "")?;
    process_imports(cx, node)
}

fn process_enabled(
    cx: &mut ValuesCx,
    node: &mut Node<'_>,
    values: &Map,
    path: &str,
) -> Result<(), String> {
    if node.declared.is_empty() {
        return Ok(());
    }
    for dep in &mut node.declared {
        dep.enabled = true;
    }
    let cvals = coalesce_values(cx, node, values)?;
    if let Some(tags) = table(&cvals, "tags") {
        let tags = tags.borrow();
        for dep in &mut node.declared {
            let (mut has_true, mut has_false) = (false, false);
            for tag in &dep.tags {
                match tags.get(tag) {
                    Some(Value::Bool(true)) => has_true = true,
                    Some(Value::Bool(false)) => has_false = true,
                    _ => {}
                }
            }
            if !has_true && has_false {
                dep.enabled = false;
            } else if has_true || !has_false {
                dep.enabled = true;
            }
        }
    }
    for dep in &mut node.declared {
        for condition in dep.condition.trim().split(',') {
            if condition.is_empty() {
                continue;
            }
            if let Some(Value::Bool(b)) = path_value(&cvals, &format!("{path}{condition}")) {
                dep.enabled = b;
                break;
            }
        }
    }
    let disabled: Vec<String> = node
        .declared
        .iter()
        .filter(|d| !d.enabled)
        .map(|d| d.name.clone())
        .collect();
    node.deps.retain(|d| !disabled.contains(&d.name));
    node.declared.retain(|d| !disabled.contains(&d.name));
    for dep in &mut node.deps {
        let sub_path = format!("{path}{}.", dep.name);
        process_enabled(cx, dep, &cvals, &sub_path)?;
    }
    Ok(())
}

fn process_imports(cx: &mut ValuesCx, node: &mut Node<'_>) -> Result<(), String> {
    for dep in &mut node.deps {
        process_imports(cx, dep)?;
    }
    if node.declared.is_empty() {
        return Ok(());
    }
    let cvals = merge_values(cx, node)?;
    let imported = new_map();
    for dep in &node.declared {
        for import in &dep.import_values {
            let (source, parent) = match import {
                ImportValue::Map { child, parent } => {
                    (format!("{}.{child}", dep.name), parent.as_str())
                }
                ImportValue::Export(name) => (format!("{}.exports.{name}", dep.name), "."),
            };
            let Some(found) = table(&cvals, &source) else {
                continue;
            };
            let nested = path_to_map(parent, found);
            coalesce_tables(cx, &imported, &nested, true);
        }
    }
    let values = cx.copy_map(&cvals);
    coalesce_tables(cx, &values, &imported, true);
    node.values = values;
    Ok(())
}
