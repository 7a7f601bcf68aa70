//! `component-flags`: the flags of a control-plane component (kube-apiserver,
//! kube-controller-manager, kube-scheduler, etcd, kubelet) run by a container,
//! judged against a list of checks given as parameters. A check may also name
//! the setting's field in the component's configuration file
//! (`KubeletConfiguration`), which is then judged the same way.

mod condition;

use serde::Deserialize;

use super::{Check, fill, is_templated, nearest_span, unrendered};
use crate::engine::Cx;
use crate::k8s::{CommandLine, Component, Object};
use crate::yaml::{NodeRef, Scalar};
pub use condition::FlagCheckParams;
use condition::{Condition, FlagCheck, Hit, Seen, split_list};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ComponentFlagsParams {
    /// The binary: `kube-apiserver`, `kube-controller-manager`,
    /// `kube-scheduler`, `etcd` or `kubelet`.
    pub component: String,
    /// A flag naming a configuration file (`config`): when it is given, flags
    /// left out may be set in that file, so a check with a `field` does not
    /// judge their absence.
    #[serde(default)]
    pub config_flag: Option<String>,
    /// The component's configuration file as an object, whose fields the
    /// checks with a `field` judge.
    #[serde(default)]
    pub config_file: Option<ConfigFile>,
    pub checks: Vec<FlagCheckParams>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ConfigFile {
    pub api_group: String,
    pub kind: String,
}

/// Values Kubernetes would only know after a later substitution: templates,
/// `${VAR}` and the `$(VAR)` references of command and args.
fn deferred(text: &str) -> bool {
    unrendered(text) || text.contains("$(")
}

pub struct ComponentFlags {
    component: Component,
    config_flag: Option<String>,
    config_file: Option<ConfigFile>,
    checks: Vec<FlagCheck>,
}

impl ComponentFlags {
    pub fn new(params: ComponentFlagsParams) -> Result<Self, String> {
        let component = Component::from_binary(&params.component)
            .filter(|c| c.binary() == params.component)
            .ok_or_else(|| format!("unknown component `{}`", params.component))?;
        if params.checks.is_empty() {
            return Err("give at least one check".into());
        }
        let checks = params
            .checks
            .into_iter()
            .map(FlagCheck::new)
            .collect::<Result<Vec<_>, _>>()?;
        if params.config_file.is_none() && checks.iter().any(|c| c.field_default.is_some()) {
            return Err("`field-default` needs a `config-file`".into());
        }
        Ok(ComponentFlags {
            component,
            config_flag: params.config_flag,
            config_file: params.config_file,
            checks,
        })
    }

    fn check_command_line(&self, cx: &mut Cx<'_>, line: &CommandLine<'_>) {
        let container = &line.container;
        let describe = container.describe();
        let configured = self
            .config_flag
            .as_deref()
            .and_then(|f| line.last(f))
            .is_some_and(|f| f.is_on());
        for check in &self.checks {
            let on = |flag: &Option<String>| {
                flag.as_deref()
                    .and_then(|f| line.last(f))
                    .is_some_and(|f| f.is_on())
            };
            if !check.applies_to(cx.settings.kube_version)
                || check.when.is_some() && !on(&check.when)
                || on(&check.unless)
            {
                continue;
            }
            let seen = flag_seen(line, check);
            if matches!(seen, Seen::Absent) && configured && check.field.is_some() {
                continue;
            }
            let name = match &check.key {
                Some(key) => format!("--{}={key}", check.flag),
                None => format!("--{}", check.flag),
            };
            for hit in check.judge(seen, check.default.as_deref(), &name, "=") {
                let message = message(check, &describe, self.component, &hit);
                let (span, path) = match hit.span {
                    Some(span) => {
                        let field = line.last(&check.flag).map_or(line.key_field, |f| f.field);
                        (span, format!("{field}[--{}]", check.flag))
                    }
                    None => (line.key, line.key_field.to_string()),
                };
                cx.report(span, message).in_container(container, &path);
            }
        }
    }

    fn check_config_file(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let root = object.root;
        let fallback = root.key_span("kind").unwrap_or(root.head_span());
        for check in &self.checks {
            let Some(field) = &check.field else {
                continue;
            };
            let on = |field: &Option<String>| {
                field
                    .as_deref()
                    .and_then(|f| root.path(f))
                    .and_then(scalar_text)
                    .is_some_and(|t| !t.is_empty() && t != "false")
            };
            let applies = match (&check.when, &check.when_field) {
                (_, Some(_)) => on(&check.when_field),
                (Some(_), None) => false,
                (None, None) => true,
            };
            if !check.applies_to(cx.settings.kube_version) || !applies || on(&check.unless_field) {
                continue;
            }
            let seen = field_seen(root.path(field), check);
            for hit in check.judge(seen, check.field_default.as_deref(), field, ": ") {
                let message = message(check, &object.display_name(), self.component, &hit);
                let span = hit
                    .span
                    .unwrap_or_else(|| nearest_span(root, field).unwrap_or(fallback));
                cx.report(span, message).at_path(field.clone());
            }
        }
    }
}

fn message(check: &FlagCheck, subject: &str, component: Component, hit: &Hit) -> String {
    let text = fill(
        &check.message,
        &[
            ("container", subject),
            ("component", component.binary()),
            ("item", &hit.item),
        ],
    );
    format!("{text} ({})", hit.evidence)
}

/// The flag (or map entry, or list) a check judges, as the command line gives it.
fn flag_seen<'a>(line: &CommandLine<'a>, check: &FlagCheck) -> Seen<'a> {
    let occurrences: Vec<_> = line.all(&check.flag).collect();
    let Some(last) = occurrences.last() else {
        return Seen::Absent;
    };
    // Unreadable values are unknown, but a flag that must not be given at
    // all is judged even without one.
    let unreadable = |value: Option<&str>| match value {
        Some(value) => deferred(value),
        None => !matches!(check.condition, Condition::Present),
    };
    if occurrences.iter().any(|f| unreadable(f.value)) {
        return Seen::Unknown;
    }
    if let Some(key) = &check.key {
        return match line.map_entry(&check.flag, key) {
            Some((value, span)) => Seen::Scalar(value, span),
            None => Seen::Absent,
        };
    }
    if check.condition.is_list() {
        return Seen::List(line.list(&check.flag), last.span());
    }
    // A flag that must not be given at all is pointed at by its name.
    let span = match check.condition {
        Condition::Present => last.item.span(),
        _ => last.span(),
    };
    Seen::Scalar(last.value.unwrap_or_default(), span)
}

/// A configuration file's field, as the check judges it.
fn field_seen<'a>(node: Option<NodeRef<'a>>, check: &FlagCheck) -> Seen<'a> {
    let Some(node) = node else {
        return Seen::Absent;
    };
    if is_templated(node) {
        return Seen::Unknown;
    }
    if node.is_seq() {
        let elements: Option<Vec<_>> = node
            .items()
            .map(|item| scalar_text(item).map(|t| (t, item.span())))
            .collect();
        return match elements {
            Some(elements) if check.condition.is_list() => Seen::List(elements, node.span()),
            _ => Seen::Unknown,
        };
    }
    match scalar_text(node) {
        Some(text) if check.condition.is_list() => Seen::List(
            split_list(text)
                .into_iter()
                .map(|(e, _)| (e, node.span()))
                .collect(),
            node.span(),
        ),
        Some(text) => Seen::Scalar(text, node.span()),
        None => Seen::Unknown,
    }
}

/// A scalar as Kubernetes reads it: YAML 1.1 booleans as `true`/`false`.
fn scalar_text(node: NodeRef<'_>) -> Option<&str> {
    match node.scalar()? {
        Scalar::Bool(true) => Some("true"),
        Scalar::Bool(false) => Some("false"),
        Scalar::Null => None,
        _ => node.as_text(),
    }
}

impl Check for ComponentFlags {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        if let Some(file) = &self.config_file
            && object.kind == file.kind
            && object
                .api_version
                .strip_prefix(file.api_group.as_str())
                .is_some_and(|rest| rest.starts_with('/'))
        {
            self.check_config_file(cx, object);
            return;
        }
        let Some(pod) = object.pod_spec() else {
            return;
        };
        for container in pod.containers() {
            if let Some(line) = CommandLine::of(&container)
                && line.component == self.component
            {
                self.check_command_line(cx, &line);
            }
        }
    }
}

#[cfg(test)]
mod tests;
