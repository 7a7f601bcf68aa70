//! Facts about objects that other objects' findings depend on.
//!
//! Files are checked in parallel and dropped as soon as they are checked, so
//! a rule cannot look at another file's objects. Instead, each file records
//! the few facts that other objects' findings depend on, and a finding may
//! carry an `Unless`: a condition over those facts that, when it holds once
//! every file is read, withdraws the finding.

use crate::k8s::Object;

/// What one file says about its objects.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    /// ServiceAccounts that set `automountServiceAccountToken: false`.
    pub automount_off: Vec<ServiceAccountRef>,
}

/// A ServiceAccount by namespace (when the manifest names one) and name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceAccountRef {
    pub namespace: Option<String>,
    pub name: String,
}

impl ServiceAccountRef {
    /// The same account. A withdrawal needs proof, so namespaces must agree
    /// as written: a manifest without a namespace matches only an account
    /// without one (applied together, they land in the same namespace), never
    /// an account pinned to some namespace the pod may not be applied to.
    fn same(&self, other: &ServiceAccountRef) -> bool {
        self.name == other.name && self.namespace == other.namespace
    }
}

/// A condition under which a finding is withdrawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unless {
    /// The pod's ServiceAccount turns token automounting off.
    AutomountOffFor(ServiceAccountRef),
}

impl Facts {
    /// Records what an object contributes.
    pub fn observe(&mut self, object: &Object<'_>) {
        if object.kind == "ServiceAccount"
            && object.api_version == "v1"
            && object
                .root
                .get("automountServiceAccountToken")
                .and_then(|a| a.as_bool())
                == Some(false)
            && let Some(name) = object.name
        {
            self.automount_off.push(ServiceAccountRef {
                namespace: object.namespace.map(str::to_string),
                name: name.to_string(),
            });
        }
    }

    pub fn extend(&mut self, other: Facts) {
        self.automount_off.extend(other.automount_off);
    }

    pub fn holds(&self, condition: &Unless) -> bool {
        match condition {
            Unless::AutomountOffFor(account) => self.automount_off.iter().any(|a| a.same(account)),
        }
    }
}
