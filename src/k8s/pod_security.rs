//! Pod Security admission as a Namespace declares it: the
//! `pod-security.kubernetes.io/<mode>` labels and their levels.

use super::Object;
use crate::yaml::NodeRef;

/// The prefix of every Pod Security admission label.
pub const PSS_LABEL_PREFIX: &str = "pod-security.kubernetes.io/";

/// The modes a namespace can set a level for.
pub const PSS_MODES: [&str; 3] = ["enforce", "audit", "warn"];

/// A Pod Security Standards level, from the most permissive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PssLevel {
    Privileged,
    Baseline,
    Restricted,
}

impl PssLevel {
    pub const ALL: [PssLevel; 3] = [
        PssLevel::Privileged,
        PssLevel::Baseline,
        PssLevel::Restricted,
    ];

    pub fn parse(text: &str) -> Option<PssLevel> {
        PssLevel::ALL.into_iter().find(|l| l.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PssLevel::Privileged => "privileged",
            PssLevel::Baseline => "baseline",
            PssLevel::Restricted => "restricted",
        }
    }

    /// The rule tag of the controls this level enforces.
    pub fn tag(self) -> Option<&'static str> {
        match self {
            PssLevel::Privileged => None,
            PssLevel::Baseline => Some("pss-baseline"),
            PssLevel::Restricted => Some("pss-restricted"),
        }
    }
}

/// The version of the standards a mode is pinned to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PssVersion {
    Latest,
    /// `v1.<minor>`.
    Minor(u32),
}

impl PssVersion {
    /// Accepts `latest` and `v1.<minor>`, as the admission controller does.
    pub fn parse(text: &str) -> Option<PssVersion> {
        if text == "latest" {
            return Some(PssVersion::Latest);
        }
        let minor = text.strip_prefix("v1.")?;
        let canonical = !minor.is_empty()
            && minor.bytes().all(|b| b.is_ascii_digit())
            && (minor == "0" || !minor.starts_with('0'));
        canonical
            .then(|| minor.parse().ok().map(PssVersion::Minor))
            .flatten()
    }
}

/// A `v1` Namespace object.
pub fn is_namespace(object: &Object<'_>) -> bool {
    object.kind == "Namespace" && object.api_version == "v1"
}

/// The Pod Security labels of a namespace: (key, suffix after the prefix, value).
pub fn pss_labels<'a>(
    object: &Object<'a>,
) -> impl Iterator<Item = (NodeRef<'a>, &'a str, NodeRef<'a>)> + 'a {
    object
        .metadata()
        .and_then(|m| m.get("labels"))
        .into_iter()
        .flat_map(|l| l.entries())
        .filter_map(|(k, v)| {
            let suffix = k.text()?.strip_prefix(PSS_LABEL_PREFIX)?;
            Some((k, suffix, v))
        })
}

#[cfg(test)]
mod tests {
    use super::{PssLevel, PssVersion};

    #[test]
    fn levels_and_versions() {
        assert_eq!(PssLevel::parse("baseline"), Some(PssLevel::Baseline));
        assert_eq!(PssLevel::parse("Baseline"), None);
        assert!(PssLevel::Restricted > PssLevel::Baseline);
        assert_eq!(PssVersion::parse("latest"), Some(PssVersion::Latest));
        assert_eq!(PssVersion::parse("v1.30"), Some(PssVersion::Minor(30)));
        for bad in ["1.30", "v1.30.1", "v1.", "v1.030", "v2.1", "v1.x"] {
            assert_eq!(PssVersion::parse(bad), None, "{bad}");
        }
    }
}
