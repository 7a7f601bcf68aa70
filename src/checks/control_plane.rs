//! `component-flags`: the flags of a control-plane component (kube-apiserver,
//! kube-controller-manager, kube-scheduler, etcd, kubelet) run by a container,
//! judged against a list of checks given as parameters. A check may also name
//! the setting's field in the component's configuration file
//! (`KubeletConfiguration`), which is then judged the same way.

use serde::Deserialize;

use super::{Check, fill, is_templated, nearest_span, unrendered};
use crate::engine::{Cx, KubeVersion};
use crate::k8s::{CommandLine, Component, Object, parse_go_bool, parse_go_duration};
use crate::source::Span;
use crate::yaml::{NodeRef, Scalar};

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

/// One check of one flag: the flag, exactly one condition, and the message.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct FlagCheckParams {
    /// The flag without dashes: `anonymous-auth`.
    pub flag: String,
    /// For `Key=value` map flags (`feature-gates`): the entry judged.
    #[serde(default)]
    pub key: Option<String>,
    /// The same setting in the configuration file (`authentication.anonymous.enabled`).
    #[serde(default)]
    pub field: Option<String>,
    /// Fires when the flag is absent (or empty).
    #[serde(default)]
    pub missing: bool,
    /// Fires when the flag is given at all.
    #[serde(default)]
    pub present: bool,
    #[serde(default)]
    pub equals: Option<Text>,
    #[serde(default)]
    pub not_equals: Option<Text>,
    #[serde(default)]
    pub not_in: Option<Vec<Text>>,
    /// A number, or a Go duration (`300s`) to compare durations.
    #[serde(default)]
    pub below: Option<Text>,
    #[serde(default)]
    pub above: Option<Text>,
    /// List flags: fires for each element that is one of these.
    #[serde(default)]
    pub contains: Option<Vec<Text>>,
    /// List flags: fires when any of these is not in the list.
    #[serde(default)]
    pub lacks: Option<Vec<Text>>,
    /// List flags: fires when none of these is in the list.
    #[serde(default)]
    pub lacks_all: Option<Vec<Text>>,
    /// List flags: fires for each element that is not one of these.
    #[serde(default)]
    pub only: Option<Vec<Text>>,
    /// The component's value when the flag is absent; without it an absent
    /// flag is only judged by `missing`.
    #[serde(default)]
    pub default: Option<Text>,
    /// The configuration file's value when the field is absent.
    #[serde(default)]
    pub field_default: Option<Text>,
    /// Values that never fire (`0`, meaning unlimited).
    #[serde(default)]
    pub except: Vec<Text>,
    /// The check applies only when this other flag is on.
    #[serde(default)]
    pub when: Option<String>,
    /// In the configuration file, the check applies only when this field is
    /// on; a check with `when` but without it is not run on the file.
    #[serde(default)]
    pub when_field: Option<String>,
    /// The check passes when this other flag is on.
    #[serde(default)]
    pub unless: Option<String>,
    /// The check passes when this field of the configuration file is on.
    #[serde(default)]
    pub unless_field: Option<String>,
    /// Kubernetes versions the check applies to: `since` ≤ version < `before`.
    #[serde(default)]
    pub since: Option<String>,
    #[serde(default)]
    pub before: Option<String>,
    /// What is wrong; `{container}`, `{component}` and `{item}` are filled in,
    /// and the evidence (`--anonymous-auth=true`) is appended.
    pub message: String,
}

/// A scalar parameter written as a string, number or boolean.
#[derive(Clone, Debug)]
pub struct Text(String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::String(s) => Ok(Text(s)),
            serde_json::Value::Number(n) => Ok(Text(n.to_string())),
            serde_json::Value::Bool(b) => Ok(Text(b.to_string())),
            other => Err(serde::de::Error::custom(format!(
                "expected a string, number or boolean, found {other}"
            ))),
        }
    }
}

fn texts(list: Vec<Text>) -> Vec<String> {
    list.into_iter().map(|t| t.0).collect()
}

#[derive(Debug)]
enum Condition {
    Missing,
    Present,
    Equals(String),
    NotEquals(String),
    NotIn(Vec<String>),
    Below(Threshold),
    Above(Threshold),
    Contains(Vec<String>),
    Lacks(Vec<String>),
    LacksAll(Vec<String>),
    Only(Vec<String>),
}

impl Condition {
    fn is_list(&self) -> bool {
        matches!(
            self,
            Condition::Contains(_)
                | Condition::Lacks(_)
                | Condition::LacksAll(_)
                | Condition::Only(_)
        )
    }
}

#[derive(Clone, Copy, Debug)]
enum Threshold {
    Number(f64),
    Seconds(f64),
}

impl Threshold {
    fn parse(text: &str) -> Result<Threshold, String> {
        if let Ok(n) = text.parse() {
            return Ok(Threshold::Number(n));
        }
        parse_go_duration(text)
            .map(Threshold::Seconds)
            .ok_or_else(|| format!("`{text}` is neither a number nor a duration"))
    }

    /// The value measured as the threshold measures; `None` when it is not
    /// a number (or duration) at all.
    fn measure(self, value: &str) -> Option<(f64, f64)> {
        match self {
            Threshold::Number(limit) => Some((value.trim().parse().ok()?, limit)),
            Threshold::Seconds(limit) => Some((parse_go_duration(value.trim())?, limit)),
        }
    }
}

#[derive(Debug)]
struct FlagCheck {
    flag: String,
    key: Option<String>,
    field: Option<String>,
    condition: Condition,
    default: Option<String>,
    field_default: Option<String>,
    except: Vec<String>,
    when: Option<String>,
    when_field: Option<String>,
    unless: Option<String>,
    unless_field: Option<String>,
    since: Option<KubeVersion>,
    before: Option<KubeVersion>,
    message: String,
}

impl FlagCheck {
    fn new(p: FlagCheckParams) -> Result<FlagCheck, String> {
        let flag = p.flag.clone();
        let within = |e: String| format!("check of `{flag}`: {e}");
        let mut conditions = Vec::new();
        if p.missing {
            conditions.push(Condition::Missing);
        }
        if p.present {
            conditions.push(Condition::Present);
        }
        conditions.extend(p.equals.map(|t| Condition::Equals(t.0)));
        conditions.extend(p.not_equals.map(|t| Condition::NotEquals(t.0)));
        conditions.extend(p.not_in.map(|l| Condition::NotIn(texts(l))));
        if let Some(t) = p.below {
            conditions.push(Condition::Below(Threshold::parse(&t.0).map_err(within)?));
        }
        if let Some(t) = p.above {
            conditions.push(Condition::Above(Threshold::parse(&t.0).map_err(within)?));
        }
        conditions.extend(p.contains.map(|l| Condition::Contains(texts(l))));
        conditions.extend(p.lacks.map(|l| Condition::Lacks(texts(l))));
        conditions.extend(p.lacks_all.map(|l| Condition::LacksAll(texts(l))));
        conditions.extend(p.only.map(|l| Condition::Only(texts(l))));
        if conditions.len() != 1 {
            return Err(within(
                "give exactly one of `missing`, `present`, `equals`, `not-equals`, `not-in`, \
                 `below`, `above`, `contains`, `lacks`, `lacks-all`, `only`"
                    .into(),
            ));
        }
        let condition = conditions.remove(0);
        if condition.is_list() && p.key.is_some() {
            return Err(within("`key` takes a scalar condition".into()));
        }
        if matches!(condition, Condition::Missing | Condition::Present)
            && (p.default.is_some() || p.field_default.is_some())
        {
            return Err(within("`missing` and `present` take no default".into()));
        }
        let version = |v: Option<String>| {
            v.map(|v| {
                KubeVersion::parse(&v).ok_or_else(|| within(format!("invalid version `{v}`")))
            })
            .transpose()
        };
        Ok(FlagCheck {
            key: p.key,
            field: p.field,
            condition,
            default: p.default.map(|t| t.0),
            field_default: p.field_default.map(|t| t.0),
            except: texts(p.except),
            when: p.when,
            when_field: p.when_field,
            unless: p.unless,
            unless_field: p.unless_field,
            since: version(p.since)?,
            before: version(p.before)?,
            message: p.message,
            flag: p.flag,
        })
    }

    fn applies_to(&self, version: KubeVersion) -> bool {
        self.since.is_none_or(|since| version >= since)
            && self.before.is_none_or(|before| version < before)
    }

    /// Judges one observed setting; `name` and `separator` say how the
    /// evidence names it (`--profiling=true`, `readOnlyPort: 10255`).
    fn judge<'a>(
        &self,
        seen: Seen<'a>,
        default: Option<&'a str>,
        name: &str,
        separator: &str,
    ) -> Vec<Hit> {
        match seen {
            Seen::Unknown => Vec::new(),
            Seen::Absent => {
                if matches!(self.condition, Condition::Missing) {
                    return vec![Hit::at(None, "", format!("{name} is not set"))];
                }
                let Some(default) = default else {
                    return Vec::new();
                };
                let as_default = if self.condition.is_list() {
                    Seen::List(split_list(default), Span::default())
                } else {
                    Seen::Scalar(default, Span::default())
                };
                let evidence = if default.is_empty() {
                    format!("{name} is not set")
                } else {
                    format!("{name} is not set and defaults to {default}")
                };
                self.judge(as_default, None, name, separator)
                    .into_iter()
                    .map(|hit| Hit::at(None, &hit.item, evidence.clone()))
                    .collect()
            }
            Seen::Scalar(value, span) => self.judge_scalar(value, span, name, separator),
            Seen::List(elements, span) => self.judge_list(&elements, span, name),
        }
    }

    fn judge_scalar(&self, value: &str, span: Span, name: &str, separator: &str) -> Vec<Hit> {
        let evidence = || format!("{name}{separator}{value}");
        if self.except.iter().any(|e| same(value, e)) {
            return Vec::new();
        }
        let fires = match &self.condition {
            Condition::Missing => {
                return if value.trim().is_empty() {
                    vec![Hit::at(Some(span), "", format!("{name} is empty"))]
                } else {
                    Vec::new()
                };
            }
            Condition::Present => {
                return vec![Hit::at(Some(span), value, format!("{name} is set"))];
            }
            Condition::Equals(e) => same(value, e),
            Condition::NotEquals(e) => !same(value, e),
            Condition::NotIn(allowed) => !allowed.iter().any(|a| same(value, a)),
            Condition::Below(t) => t.measure(value).is_some_and(|(v, limit)| v < limit),
            Condition::Above(t) => t.measure(value).is_some_and(|(v, limit)| v > limit),
            // List conditions always see a list.
            _ => false,
        };
        if fires {
            vec![Hit::at(Some(span), value, evidence())]
        } else {
            Vec::new()
        }
    }

    fn judge_list(&self, elements: &[(&str, Span)], span: Span, name: &str) -> Vec<Hit> {
        let has = |wanted: &String| elements.iter().any(|(e, _)| e == wanted);
        let each = |bad: &dyn Fn(&str) -> bool| -> Vec<Hit> {
            elements
                .iter()
                .filter(|(e, _)| bad(e))
                .map(|(e, at)| Hit::at(Some(*at), e, format!("{name} includes {e}")))
                .collect()
        };
        match &self.condition {
            Condition::Contains(listed) => each(&|e| listed.iter().any(|l| l == e)),
            Condition::Only(allowed) => each(&|e| !allowed.iter().any(|a| a == e)),
            Condition::Lacks(wanted) => {
                let absent: Vec<&str> = wanted
                    .iter()
                    .filter(|w| !has(w))
                    .map(String::as_str)
                    .collect();
                if absent.is_empty() {
                    return Vec::new();
                }
                vec![Hit::at(
                    Some(span),
                    &absent.join(", "),
                    format!("not in {name}"),
                )]
            }
            Condition::LacksAll(wanted) => {
                if wanted.iter().any(has) {
                    return Vec::new();
                }
                vec![Hit::at(
                    Some(span),
                    &wanted.join(", "),
                    format!("not in {name}"),
                )]
            }
            _ => Vec::new(),
        }
    }
}

/// A setting as found: absent, present but unreadable here (a template, a
/// variable, `valueFrom`), a value, or a list's elements; with where it is.
enum Seen<'a> {
    Absent,
    Unknown,
    Scalar(&'a str, Span),
    List(Vec<(&'a str, Span)>, Span),
}

/// One violation: where (`None`: the setting is absent; point at its
/// parent), the offending element(s), and the evidence for the message.
struct Hit {
    span: Option<Span>,
    item: String,
    evidence: String,
}

impl Hit {
    fn at(span: Option<Span>, item: &str, evidence: String) -> Hit {
        Hit {
            span,
            item: item.to_string(),
            evidence,
        }
    }
}

fn split_list(text: &str) -> Vec<(&str, Span)> {
    text.split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|e| (e, Span::default()))
        .collect()
}

/// Two values are the same setting: as booleans when the expected value is
/// one, else as numbers, else as durations (`0` and `0s`), else as text.
fn same(actual: &str, expected: &str) -> bool {
    let actual = actual.trim();
    if let Ok(expected) = expected.parse::<bool>() {
        return parse_go_bool(actual) == Some(expected);
    }
    if let (Ok(a), Ok(e)) = (actual.parse::<f64>(), expected.parse::<f64>()) {
        return a == e;
    }
    if let (Some(a), Some(e)) = (parse_go_duration(actual), parse_go_duration(expected)) {
        return a == e;
    }
    actual == expected
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
#[path = "control_plane_tests.rs"]
mod tests;
