//! One check of one flag: its parameters, its condition, and the judgement
//! of a setting as found on a command line or in a configuration file.

use serde::Deserialize;

use crate::engine::KubeVersion;
use crate::k8s::{parse_go_bool, parse_go_duration};
use crate::source::Span;

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
pub(super) enum Condition {
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
    pub(super) fn is_list(&self) -> bool {
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
pub(super) enum Threshold {
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
pub(super) struct FlagCheck {
    pub(super) flag: String,
    pub(super) key: Option<String>,
    pub(super) field: Option<String>,
    pub(super) condition: Condition,
    pub(super) default: Option<String>,
    pub(super) field_default: Option<String>,
    pub(super) except: Vec<String>,
    pub(super) when: Option<String>,
    pub(super) when_field: Option<String>,
    pub(super) unless: Option<String>,
    pub(super) unless_field: Option<String>,
    pub(super) since: Option<KubeVersion>,
    pub(super) before: Option<KubeVersion>,
    pub(super) message: String,
}

impl FlagCheck {
    pub(super) fn new(p: FlagCheckParams) -> Result<FlagCheck, String> {
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

    pub(super) fn applies_to(&self, version: KubeVersion) -> bool {
        self.since.is_none_or(|since| version >= since)
            && self.before.is_none_or(|before| version < before)
    }

    /// Judges one observed setting; `name` and `separator` say how the
    /// evidence names it (`--profiling=true`, `readOnlyPort: 10255`).
    pub(super) fn judge<'a>(
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
pub(super) enum Seen<'a> {
    Absent,
    Unknown,
    Scalar(&'a str, Span),
    List(Vec<(&'a str, Span)>, Span),
}

/// One violation: where (`None`: the setting is absent; point at its
/// parent), the offending element(s), and the evidence for the message.
pub(super) struct Hit {
    pub(super) span: Option<Span>,
    pub(super) item: String,
    pub(super) evidence: String,
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

pub(super) fn split_list(text: &str) -> Vec<(&str, Span)> {
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
