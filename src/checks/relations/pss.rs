//! `workload-meets-namespace-pss`: each pod template judged by the Pod
//! Security level its Namespace enforces.
//!
//! The controls are the rules tagged `pss-baseline` and `pss-restricted`, run
//! as they are: this rule only decides which of them apply where. Records
//! keep no tree, so the objects to judge are parsed again from their file
//! once the namespaces are known (the version a Namespace pins decides how
//! some controls read).

use std::sync::Arc;

use serde::Deserialize;

use super::{ObjectRecord, Place, kept, label_if_same_file};
use crate::checks::{Check, Record, is_templated};
use crate::engine::{Cx, Finding, KubeVersion, Rule, SetCx, Settings};
use crate::k8s::{Object, PssLevel, PssVersion, is_namespace, pss_labels};
use crate::source::SourceFile;
use crate::yaml::{Limits, parse_stream};

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct NamespacePssParams {
    /// The level for pods whose Namespace is not in the input or enforces
    /// none: what the cluster's admission configuration defaults to.
    default_level: String,
}

/// The level a Namespace enforces, as labelled.
struct NamespaceLevel {
    name: String,
    level: PssLevel,
    version: Option<PssVersion>,
    /// The `enforce` label's value.
    place: Place,
}

struct PodTemplate {
    object: ObjectRecord,
    /// Where the object's root starts in its file, to find it again.
    root_start: u32,
}

enum Kept {
    Namespace(NamespaceLevel),
    Pod(PodTemplate),
}

pub struct WorkloadMeetsNamespacePss {
    default_level: PssLevel,
}

impl WorkloadMeetsNamespacePss {
    pub fn new(params: NamespacePssParams) -> Result<Self, String> {
        let default_level = PssLevel::parse(&params.default_level).ok_or_else(|| {
            format!(
                "`default-level` must be privileged, baseline or restricted, not `{}`",
                params.default_level
            )
        })?;
        Ok(WorkloadMeetsNamespacePss { default_level })
    }
}

fn namespace_level(object: &Object<'_>, file: &Arc<SourceFile>) -> Option<NamespaceLevel> {
    let name = object.name?;
    let label = |mode: &str| {
        pss_labels(object)
            .find(|(_, suffix, _)| *suffix == mode)
            .map(|(_, _, value)| value)
            .filter(|v| !is_templated(*v))
    };
    let enforce = label("enforce")?;
    Some(NamespaceLevel {
        name: name.to_string(),
        level: PssLevel::parse(enforce.as_text()?)?,
        version: label("enforce-version")
            .and_then(|v| v.as_text())
            .and_then(PssVersion::parse),
        place: Place {
            file: Arc::clone(file),
            span: enforce.span(),
        },
    })
}

/// A rule that is a Pod Security control, and the lowest level that has it.
fn control_level(rule: &Rule) -> Option<PssLevel> {
    let tagged = |tag: &str| rule.spec.tags.iter().any(|t| t == tag);
    if tagged("pss-baseline") {
        Some(PssLevel::Baseline)
    } else if tagged("pss-restricted") {
        Some(PssLevel::Restricted)
    } else {
        None
    }
}

/// The control's name in the Pod Security Standards, else the rule's id.
fn control_name(rule: &Rule) -> &str {
    rule.spec
        .equivalents
        .get("pss")
        .and_then(|ids| ids.first())
        .unwrap_or(&rule.spec.id)
}

impl Check for WorkloadMeetsNamespacePss {
    fn needs_set(&self) -> bool {
        true
    }

    fn project(&self, object: &Object<'_>, file: &Arc<SourceFile>) -> Option<Record> {
        if is_namespace(object) {
            return namespace_level(object, file).map(|n| Box::new(Kept::Namespace(n)) as Record);
        }
        object.pod_spec()?;
        Some(Box::new(Kept::Pod(PodTemplate {
            object: ObjectRecord::of(object, file),
            root_start: object.root.span().start,
        })))
    }

    fn check_set(&self, cx: &mut SetCx<'_>, records: &[Record]) {
        let namespaces: Vec<&NamespaceLevel> = kept::<Kept>(records)
            .filter_map(|k| match k {
                Kept::Namespace(n) => Some(n),
                Kept::Pod(_) => None,
            })
            .collect();
        let registry = crate::engine::registry();
        let controls: Vec<(usize, &Rule, PssLevel)> = registry
            .rules
            .iter()
            .enumerate()
            .filter(|(_, rule)| !rule.check.needs_set())
            .filter_map(|(index, rule)| Some((index, rule, control_level(rule)?)))
            .collect();
        let mut parsed: Option<(Arc<SourceFile>, crate::yaml::Parsed)> = None;
        for k in kept::<Kept>(records) {
            let Kept::Pod(pod) = k else {
                continue;
            };
            let object = &pod.object;
            let namespace = object
                .namespace
                .as_ref()
                .and_then(|ns| namespaces.iter().find(|n| &n.name == ns));
            let level = namespace.map_or(self.default_level, |n| n.level);
            if level == PssLevel::Privileged {
                continue;
            }
            let settings = Settings {
                kube_version: pinned(cx.settings.kube_version, namespace.and_then(|n| n.version)),
            };
            let file = &object.place.file;
            if !parsed.as_ref().is_some_and(|(f, _)| Arc::ptr_eq(f, file)) {
                parsed = Some((
                    Arc::clone(file),
                    parse_stream(&file.text, &Limits::default()),
                ));
            }
            let Some((_, stream)) = &parsed else {
                continue;
            };
            let Some(found) = stream
                .documents
                .iter()
                .flat_map(Object::all_in)
                .find(|o| o.root.span().start == pod.root_start)
            else {
                continue;
            };
            let mut violations: Vec<(Finding, &str)> = Vec::new();
            for &(index, rule, control) in &controls {
                if control > level {
                    continue;
                }
                let mut findings = Vec::new();
                let mut inner = Cx {
                    settings: &settings,
                    file,
                    rule: index,
                    rule_id: &rule.id,
                    severity: rule.spec.severity,
                    object: Some(object.identity.clone()),
                    findings: &mut findings,
                    scratch: None,
                };
                rule.check.check(&mut inner, &found);
                let name = control_name(rule);
                for finding in findings {
                    let duplicate = violations
                        .iter()
                        .any(|(f, n)| f.span == finding.span && *n == name);
                    if !duplicate {
                        violations.push((finding, name));
                    }
                }
            }
            let source = match namespace {
                Some(n) => format!("namespace {} enforces", n.name),
                None => "the cluster's default is".to_string(),
            };
            for (violation, name) in violations {
                let report = cx
                    .report(
                        file,
                        violation.span,
                        Some(object.identity.clone()),
                        format!(
                            "{}, but {source} the {} Pod Security level (control {name})",
                            violation.message,
                            level.as_str()
                        ),
                    )
                    .at_path(violation.path.clone());
                for label in &violation.labels {
                    report.with_label(label.span, label.message.clone());
                }
                if let Some(n) = namespace {
                    label_if_same_file(report, &n.place, "the enforced level");
                }
            }
        }
    }
}

/// The version the controls are read at: the one the Namespace pins, when it
/// is older than the cluster's.
fn pinned(cluster: KubeVersion, pin: Option<PssVersion>) -> KubeVersion {
    match pin {
        Some(PssVersion::Minor(minor)) if cluster.major == 1 && minor < cluster.minor => {
            KubeVersion { major: 1, minor }
        }
        _ => cluster,
    }
}

#[cfg(test)]
mod tests {
    use super::pinned;
    use crate::engine::KubeVersion;
    use crate::k8s::PssVersion;

    #[test]
    fn a_pinned_version_applies_when_older_than_the_cluster() {
        let cluster = KubeVersion {
            major: 1,
            minor: 33,
        };
        assert_eq!(pinned(cluster, Some(PssVersion::Minor(30))).minor, 30);
        assert_eq!(pinned(cluster, Some(PssVersion::Minor(36))).minor, 33);
        assert_eq!(pinned(cluster, Some(PssVersion::Latest)).minor, 33);
        assert_eq!(pinned(cluster, None).minor, 33);
    }
}
