//! The hardening areas rules are grouped by, in the checklist and the rule
//! reference. One table says which rule belongs where, from its tags and id.

use crate::engine::RuleSpec;

/// An area of the checklist, in the order it is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Area {
    PodSecurity,
    HostAccess,
    Images,
    Secrets,
    Rbac,
    Network,
    Reliability,
    Dockerfiles,
    Helm,
    ControlPlane,
    General,
}

/// Every area, in display order.
pub const AREAS: [Area; 11] = [
    Area::PodSecurity,
    Area::HostAccess,
    Area::Images,
    Area::Secrets,
    Area::Rbac,
    Area::Network,
    Area::Reliability,
    Area::Dockerfiles,
    Area::Helm,
    Area::ControlPlane,
    Area::General,
];

impl Area {
    pub fn title(self) -> &'static str {
        match self {
            Area::PodSecurity => "Pod security",
            Area::HostAccess => "Host access",
            Area::Images => "Images",
            Area::Secrets => "Secrets",
            Area::Rbac => "RBAC and service accounts",
            Area::Network => "Network",
            Area::Reliability => "Reliability",
            Area::Dockerfiles => "Dockerfiles",
            Area::Helm => "Helm",
            Area::ControlPlane => "Control plane",
            Area::General => "General",
        }
    }

    /// A Markdown anchor-friendly slug.
    pub fn slug(self) -> &'static str {
        match self {
            Area::PodSecurity => "pod-security",
            Area::HostAccess => "host-access",
            Area::Images => "images",
            Area::Secrets => "secrets",
            Area::Rbac => "rbac",
            Area::Network => "network",
            Area::Reliability => "reliability",
            Area::Dockerfiles => "dockerfiles",
            Area::Helm => "helm",
            Area::ControlPlane => "control-plane",
            Area::General => "general",
        }
    }
}

/// How a row of the table recognises a rule.
enum Match {
    Tag(&'static str),
    IdPrefix(&'static str),
    IdContains(&'static str),
    Id(&'static str),
}

/// The first matching row wins; a rule that matches none is `General`.
/// Order matters: a Dockerfile rule about secrets is a Dockerfile item, an
/// RBAC rule about Secret reads is an RBAC item.
const TABLE: &[(Match, Area)] = &[
    (Match::Tag("dockerfile"), Area::Dockerfiles),
    (Match::Tag("helm"), Area::Helm),
    (Match::IdPrefix("helm-"), Area::Helm),
    (Match::Tag("control-plane"), Area::ControlPlane),
    (Match::Tag("rbac"), Area::Rbac),
    (Match::IdPrefix("restrict-"), Area::Rbac),
    (Match::IdContains("binding"), Area::Rbac),
    (Match::IdContains("wildcard-rbac"), Area::Rbac),
    (Match::IdContains("service-account"), Area::Rbac),
    (Match::IdContains("serviceaccount"), Area::Rbac),
    (Match::IdContains("sa-"), Area::Rbac),
    (Match::Id("workload-secret-access-inventory"), Area::Rbac),
    (Match::Tag("secrets"), Area::Secrets),
    (Match::IdContains("secret"), Area::Secrets),
    (Match::IdContains("entropy"), Area::Secrets),
    (Match::IdContains("private-key"), Area::Secrets),
    (Match::IdContains("token"), Area::Secrets),
    (Match::Tag("images"), Area::Images),
    (Match::IdPrefix("image-"), Area::Images),
    (Match::IdContains("host"), Area::HostAccess),
    (Match::IdContains("runtime-socket"), Area::HostAccess),
    (Match::Tag("network"), Area::Network),
    (Match::Tag("pss-baseline"), Area::PodSecurity),
    (Match::Tag("pss-restricted"), Area::PodSecurity),
    (Match::IdContains("capabilit"), Area::PodSecurity),
    (Match::IdContains("privilege"), Area::PodSecurity),
    (Match::IdContains("root"), Area::PodSecurity),
    (Match::IdContains("uid"), Area::PodSecurity),
    (Match::IdContains("pss"), Area::PodSecurity),
    (Match::IdContains("podsecurity"), Area::PodSecurity),
    (Match::IdContains("security-context"), Area::PodSecurity),
    (Match::IdContains("hardening"), Area::PodSecurity),
    (Match::IdContains("runtime-class"), Area::PodSecurity),
    (Match::IdContains("user-namespaces"), Area::PodSecurity),
    (Match::IdContains("scc"), Area::PodSecurity),
    (Match::IdContains("sudo"), Area::PodSecurity),
    (Match::IdPrefix("drop-"), Area::PodSecurity),
    (Match::Tag("reliability"), Area::Reliability),
];

/// The area a rule belongs to.
pub fn area_of(spec: &RuleSpec) -> Area {
    TABLE
        .iter()
        .find(|(matcher, _)| match matcher {
            Match::Tag(tag) => spec.tags.iter().any(|t| t == tag),
            Match::IdPrefix(prefix) => spec.id.starts_with(prefix),
            Match::IdContains(part) => spec.id.contains(part),
            Match::Id(id) => spec.id == *id,
        })
        .map_or(Area::General, |(_, area)| *area)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine;

    fn area(id: &str) -> Area {
        area_of(&engine::registry().get(id).expect(id).spec)
    }

    #[test]
    fn rules_land_in_their_area() {
        assert_eq!(area("no-privileged-container"), Area::PodSecurity);
        assert_eq!(area("run-as-non-root"), Area::PodSecurity);
        assert_eq!(area("no-host-network"), Area::HostAccess);
        assert_eq!(area("no-writable-host-path"), Area::HostAccess);
        assert_eq!(area("no-container-runtime-socket"), Area::HostAccess);
        assert_eq!(area("image-tag-not-latest"), Area::Images);
        assert_eq!(area("no-literal-secret-in-env"), Area::Secrets);
        assert_eq!(area("no-vendor-tokens"), Area::Secrets);
        assert_eq!(area("restrict-secret-read"), Area::Rbac);
        assert_eq!(area("no-cluster-admin-binding"), Area::Rbac);
        assert_eq!(area("automount-sa-token-off"), Area::Rbac);
        assert_eq!(area("ingress-tls"), Area::Network);
        assert_eq!(area("liveness-probe-set"), Area::Reliability);
        assert_eq!(area("dockerfile-no-secrets-in-arg-env"), Area::Dockerfiles);
        assert_eq!(area("apiserver-tls-flags"), Area::ControlPlane);
        assert_eq!(area("invalid-input"), Area::General);
    }

    #[test]
    fn no_family_tag_lands_in_general() {
        // General is for hygiene rules (input, metadata, API versions); a
        // rule tagged with a family belongs to that family's area.
        let families = [
            "pss-baseline",
            "pss-restricted",
            "rbac",
            "network",
            "secrets",
            "images",
            "reliability",
            "dockerfile",
            "helm",
            "control-plane",
        ];
        for rule in &engine::registry().rules {
            if area_of(&rule.spec) == Area::General {
                let tags = &rule.spec.tags;
                assert!(
                    !tags.iter().any(|t| families.contains(&t.as_str())),
                    "{} is tagged {tags:?} but lands in General",
                    rule.spec.id
                );
            }
        }
    }
}
