//! `scc-privileged`: an OpenShift SecurityContextConstraints admits
//! privileged containers.

use crate::checks::{Check, is_templated};
use crate::engine::Cx;
use crate::k8s::Object;

const FIELD: &str = "allowPrivilegedContainer";

pub struct SccPrivileged;

impl Check for SccPrivileged {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        if object.kind != "SecurityContextConstraints"
            || !object.api_version.starts_with("security.openshift.io/")
        {
            return;
        }
        let Some(value) = object.root.get(FIELD) else {
            return;
        };
        if is_templated(value) || value.as_bool() != Some(true) {
            return;
        }
        cx.report(
            value.span(),
            format!("{} admits privileged containers", object.display_name()),
        )
        .at_path(FIELD);
    }
}
