//! Findings, and the context through which checks report them.

use std::sync::Arc;

use super::rule::Severity;
use crate::k8s::{Container, Object};
use crate::source::{SourceFile, Span};

/// A secondary location in the same file, with what it shows.
#[derive(Clone, Debug)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// A location in another file that explains a finding: for a finding in a
/// rendered chart, the values-file line the offending value came from.
#[derive(Clone, Debug)]
pub struct Related {
    pub file: Arc<SourceFile>,
    pub span: Span,
    pub message: String,
}

/// One problem found, at its exact place.
#[derive(Clone, Debug)]
pub struct Finding {
    /// Index of the rule in the run's registry (`LintResult::registry`).
    pub rule: usize,
    /// The rule's id, so that findings read alone (sorting, reports) need no registry.
    pub rule_id: Arc<str>,
    pub severity: Severity,
    pub file: Arc<SourceFile>,
    pub span: Span,
    pub message: String,
    pub labels: Vec<Label>,
    /// Locations in other files (values lines of a rendered chart).
    pub related: Vec<Related>,
    /// `Kind/namespace/name` of the object, when the finding is about one.
    pub object: Option<String>,
    /// Field path within the object (`spec.template.spec.containers[app].image`),
    /// stable across edits that move lines.
    pub path: String,
    /// Withdrawn when this condition holds once every file is read.
    pub unless: Option<super::Unless>,
}

impl Finding {
    pub fn rule_id(&self) -> &str {
        &self.rule_id
    }
}

/// Settings that change what rules consider a violation.
#[derive(Clone, Debug)]
pub struct Settings {
    pub kube_version: KubeVersion,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            kube_version: KubeVersion::LATEST,
        }
    }
}

/// A Kubernetes minor version, e.g. 1.37.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct KubeVersion {
    pub major: u32,
    pub minor: u32,
}

impl KubeVersion {
    pub const LATEST: KubeVersion = KubeVersion {
        major: 1,
        minor: 37,
    };

    /// Accepts `1.30`, `v1.30` and `1.30.2`.
    pub fn parse(text: &str) -> Option<KubeVersion> {
        let text = text.trim().trim_start_matches('v');
        let mut parts = text.split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        if let Some(patch) = parts.next() {
            patch.parse::<u32>().ok()?;
        }
        if parts.next().is_some() {
            return None;
        }
        Some(KubeVersion { major, minor })
    }

    pub fn at_least(self, major: u32, minor: u32) -> bool {
        (self.major, self.minor) >= (major, minor)
    }
}

impl std::fmt::Display for KubeVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// What a check sees while it runs on one object, and where its findings go.
pub struct Cx<'r> {
    pub settings: &'r Settings,
    pub(crate) file: &'r Arc<SourceFile>,
    pub(crate) rule: usize,
    pub(crate) rule_id: &'r Arc<str>,
    pub(crate) severity: Severity,
    pub(crate) object: Option<String>,
    pub(crate) findings: &'r mut Vec<Finding>,
    /// The object as expression rules see it, converted once and shared by
    /// every expression rule run on the object; `None` where there is none.
    pub(crate) scratch: Option<&'r crate::checks::ExpressionScratch>,
}

impl<'r> Cx<'r> {
    /// Reports a finding at `span`; returns it so that labels and a path can be added.
    pub fn report(&mut self, span: Span, message: impl Into<String>) -> &mut Finding {
        self.findings.push(Finding {
            rule: self.rule,
            rule_id: Arc::clone(self.rule_id),
            severity: self.severity,
            file: Arc::clone(self.file),
            span,
            message: message.into(),
            labels: Vec::new(),
            related: Vec::new(),
            object: self.object.clone(),
            path: String::new(),
            unless: None,
        });
        self.findings.last_mut().expect("just pushed")
    }

    /// Reports a finding with the severity given instead of the rule's default,
    /// for rules whose severity depends on what they found.
    pub fn report_with(
        &mut self,
        severity: Severity,
        span: Span,
        message: impl Into<String>,
    ) -> &mut Finding {
        let finding = self.report(span, message);
        finding.severity = severity;
        finding
    }

    /// The object being checked as `Kind/name`, for messages.
    pub fn object_name(object: &Object) -> String {
        object.display_name()
    }
}

/// Where set rules report: like `Cx`, but each finding names its file.
pub struct SetCx<'r> {
    pub settings: &'r Settings,
    pub(crate) rule: usize,
    pub(crate) rule_id: &'r Arc<str>,
    pub(crate) severity: Severity,
    pub(crate) findings: &'r mut Vec<Finding>,
}

impl SetCx<'_> {
    pub fn report(
        &mut self,
        file: &Arc<SourceFile>,
        span: Span,
        object: Option<String>,
        message: impl Into<String>,
    ) -> &mut Finding {
        self.findings.push(Finding {
            rule: self.rule,
            rule_id: Arc::clone(self.rule_id),
            severity: self.severity,
            file: Arc::clone(file),
            span,
            message: message.into(),
            labels: Vec::new(),
            related: Vec::new(),
            object,
            path: String::new(),
            unless: None,
        });
        self.findings.last_mut().expect("just pushed")
    }
}

impl Finding {
    pub fn with_label(&mut self, span: Span, message: impl Into<String>) -> &mut Self {
        if span != self.span {
            self.labels.push(Label {
                span,
                message: message.into(),
            });
        }
        self
    }

    /// Adds a location in another file (or in this one, when the span differs).
    pub fn with_related(
        &mut self,
        file: &Arc<SourceFile>,
        span: Span,
        message: impl Into<String>,
    ) -> &mut Self {
        if Arc::ptr_eq(file, &self.file) {
            return self.with_label(span, message);
        }
        self.related.push(Related {
            file: Arc::clone(file),
            span,
            message: message.into(),
        });
        self
    }

    /// Withdraws the finding if `condition` holds over the whole input.
    pub fn unless(&mut self, condition: super::Unless) -> &mut Self {
        self.unless = Some(condition);
        self
    }

    pub fn at_path(&mut self, path: impl Into<String>) -> &mut Self {
        self.path = path.into();
        self
    }

    /// Labels the container's `name:` entry, and sets the container's field path.
    pub fn in_container(&mut self, container: &Container, field: &str) -> &mut Self {
        let name_span = container.anchor_span();
        self.with_label(name_span, container.describe());
        self.path = if field.is_empty() {
            container.path()
        } else {
            format!("{}.{}", container.path(), field)
        };
        self
    }
}

#[cfg(test)]
mod tests {
    use super::KubeVersion;

    #[test]
    fn kube_versions() {
        assert_eq!(
            KubeVersion::parse("v1.30.2"),
            Some(KubeVersion {
                major: 1,
                minor: 30
            })
        );
        assert_eq!(KubeVersion::parse("1"), None);
        assert_eq!(KubeVersion::parse("1.x"), None);
        assert!(KubeVersion::LATEST.at_least(1, 35));
    }
}
