//! Restart policies and batch work: `restart-policy-valid`,
//! `cronjob-starting-deadline` and `job-ttl-after-finished`.

use serde::Deserialize;

use super::{group, is_owned, missing_span, replicated};
use crate::checks::{Check, is_templated};
use crate::engine::Cx;
use crate::k8s::Object;

fn job_without_policy(object: &str) -> String {
    format!("{object} sets no restartPolicy; the pods of a Job need OnFailure or Never")
}

fn wrong_policy(object: &str, value: &str, allowed: &str) -> String {
    format!("{object} has restartPolicy {value}; its pods need {allowed}")
}

fn no_deadline(object: &str) -> String {
    format!("{object} sets no startingDeadlineSeconds")
}

fn short_deadline(object: &str, seconds: i64, minimum: i64) -> String {
    format!(
        "{object} has startingDeadlineSeconds {seconds}, less than {minimum}, so runs may never start"
    )
}

fn no_ttl(object: &str) -> String {
    format!("{object} sets no ttlSecondsAfterFinished, so it is kept after it finishes")
}

fn ttl_in_cronjob(object: &str) -> String {
    format!(
        "{object} sets ttlSecondsAfterFinished on its jobs, which deletes the ones its history limits keep"
    )
}

fn is_batch(object: &Object<'_>, kind: &str) -> bool {
    group(object) == "batch" && object.kind == kind
}

/// `restart-policy-valid`: a pod template's `restartPolicy` is one its
/// controller accepts.
pub struct RestartPolicyValid;

impl Check for RestartPolicyValid {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let Some(pod) = object.pod_spec() else {
            return;
        };
        let controller = replicated(group(object), object.kind) || object.kind == "DaemonSet";
        let allowed: &[&str] = if pod.is_job_template() {
            &["OnFailure", "Never"]
        } else if controller {
            &["Always"]
        } else {
            &["Always", "OnFailure", "Never"]
        };
        let name = object.display_name();
        let path = format!("{}.restartPolicy", pod.path);
        let Some(node) = pod.spec.get("restartPolicy") else {
            // Unset means Always, which Jobs reject.
            if pod.is_job_template() {
                cx.report(pod.anchor_span(), job_without_policy(&name))
                    .at_path(path);
            }
            return;
        };
        let value = node.as_text().unwrap_or("");
        if is_templated(node) || allowed.contains(&value) {
            return;
        }
        let allowed = match allowed {
            [one] => one.to_string(),
            [first @ .., last] => format!("{} or {last}", first.join(", ")),
            [] => String::new(),
        };
        cx.report(node.span(), wrong_policy(&name, value, &allowed))
            .at_path(path);
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct DeadlineParams {
    /// The shortest deadline that still lets the controller start a run.
    #[serde(default = "default_deadline")]
    pub minimum: i64,
}

fn default_deadline() -> i64 {
    10
}

/// `cronjob-starting-deadline`: a CronJob with no limit on how late a missed
/// run may still start, or one too short to be met.
pub struct CronJobStartingDeadline {
    minimum: i64,
}

impl CronJobStartingDeadline {
    pub fn new(params: DeadlineParams) -> Self {
        CronJobStartingDeadline {
            minimum: params.minimum,
        }
    }
}

impl Check for CronJobStartingDeadline {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        if !is_batch(object, "CronJob") {
            return;
        }
        let path = "spec.startingDeadlineSeconds";
        let name = object.display_name();
        let Some(node) = object.root.path(path) else {
            cx.report(missing_span(object, path), no_deadline(&name))
                .at_path(path);
            return;
        };
        if is_templated(node) {
            return;
        }
        if let Some(seconds) = node.as_i64().filter(|s| *s < self.minimum) {
            cx.report(node.span(), short_deadline(&name, seconds, self.minimum))
                .at_path(path);
        }
    }
}

/// Annotations of tools that delete the Jobs they run as hooks.
const HOOK_ANNOTATIONS: [&str; 2] = ["helm.sh/hook", "argocd.argoproj.io/hook"];

/// `job-ttl-after-finished`: a standalone Job that is never cleaned up, or a
/// CronJob whose jobs are deleted behind its history limits.
pub struct JobTtlAfterFinished;

impl Check for JobTtlAfterFinished {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        let name = object.display_name();
        if is_batch(object, "CronJob") {
            let path = "spec.jobTemplate.spec.ttlSecondsAfterFinished";
            if let Some(node) = object.root.path(path).filter(|n| !is_templated(*n)) {
                cx.report(node.span(), ttl_in_cronjob(&name)).at_path(path);
            }
            return;
        }
        let hook = HOOK_ANNOTATIONS
            .iter()
            .any(|a| object.annotation(a).is_some());
        if !is_batch(object, "Job") || is_owned(object) || hook {
            return;
        }
        let path = "spec.ttlSecondsAfterFinished";
        if object.root.path(path).is_none() {
            cx.report(missing_span(object, path), no_ttl(&name))
                .at_path(path);
        }
    }
}
