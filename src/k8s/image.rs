//! Container image references, parsed as the container runtimes parse them.

/// `[registry/]repository[:tag][@digest]`
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageRef<'a> {
    pub full: &'a str,
    /// The registry host, when the reference names one (`ghcr.io`, `localhost:5000`).
    pub registry: Option<&'a str>,
    pub repository: &'a str,
    pub tag: Option<&'a str>,
    /// Everything after `@`, e.g. `sha256:…`.
    pub digest: Option<&'a str>,
}

impl<'a> ImageRef<'a> {
    pub fn parse(full: &'a str) -> ImageRef<'a> {
        let full = full.trim();
        let (name, digest) = match full.split_once('@') {
            Some((name, digest)) => (name, Some(digest)),
            None => (full, None),
        };
        let (registry, rest) = match name.split_once('/') {
            Some((first, rest))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (Some(first), rest)
            }
            _ => (None, name),
        };
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (repository, tag) = match rest[last_slash..].rfind(':') {
            Some(colon) => {
                let colon = last_slash + colon;
                (&rest[..colon], Some(&rest[colon + 1..]))
            }
            None => (rest, None),
        };
        ImageRef {
            full,
            registry,
            repository,
            tag,
            digest,
        }
    }

    /// A digest of the form `sha256:` followed by 64 lowercase hex digits (or
    /// `sha384:` and 96, `sha512:` and 128), the only forms the OCI
    /// specification lets a runtime verify.
    pub fn has_valid_digest(&self) -> bool {
        let Some(digest) = self.digest else {
            return false;
        };
        let Some((algorithm, hex)) = digest.split_once(':') else {
            return false;
        };
        let expected = match algorithm {
            "sha256" => 64,
            "sha384" => 96,
            "sha512" => 128,
            _ => return false,
        };
        hex.len() == expected && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    }

    /// The tag the runtime pulls: the one written, or `latest` when the
    /// reference has neither tag nor digest. `None` for a digest-only reference.
    pub fn effective_tag(&self) -> Option<&'a str> {
        match (self.tag, self.digest) {
            (Some(tag), _) if !tag.is_empty() => Some(tag),
            (_, Some(_)) => None,
            _ => Some("latest"),
        }
    }

    /// The `imagePullPolicy` Kubernetes fills in when none is written:
    /// `Always` when the tag pulled is `latest`, `IfNotPresent` otherwise
    /// (a digest-only reference included).
    pub fn default_pull_policy(&self) -> &'static str {
        if self.effective_tag() == Some("latest") {
            "Always"
        } else {
            "IfNotPresent"
        }
    }

    /// True when the reference still holds an unrendered template (`{{ … }}`, `${VAR}`).
    pub fn is_templated(&self) -> bool {
        self.full.contains("{{") || self.full.contains("${") || self.full.contains("$(")
    }
}

#[cfg(test)]
mod tests {
    use super::ImageRef;

    #[test]
    fn parses_registry_repository_tag_and_digest() {
        let i = ImageRef::parse("ghcr.io/org/app:1.2@sha256:abc");
        assert_eq!(i.registry, Some("ghcr.io"));
        assert_eq!(i.repository, "org/app");
        assert_eq!(i.tag, Some("1.2"));
        assert_eq!(i.digest, Some("sha256:abc"));
        let i = ImageRef::parse("localhost:5000/app");
        assert_eq!(
            (i.registry, i.repository, i.tag),
            (Some("localhost:5000"), "app", None)
        );
        let i = ImageRef::parse("nginx");
        assert_eq!((i.registry, i.repository, i.tag), (None, "nginx", None));
        let i = ImageRef::parse("library/nginx:latest");
        assert_eq!(
            (i.registry, i.repository, i.tag),
            (None, "library/nginx", Some("latest"))
        );
    }

    #[test]
    fn effective_tag_and_default_pull_policy() {
        let digest = format!("sha256:{}", "a".repeat(64));
        let cases = [
            ("nginx".to_string(), Some("latest"), "Always"),
            ("nginx:latest".to_string(), Some("latest"), "Always"),
            ("localhost:5000/app".to_string(), Some("latest"), "Always"),
            ("nginx:1.27".to_string(), Some("1.27"), "IfNotPresent"),
            ("nginx:Latest".to_string(), Some("Latest"), "IfNotPresent"),
            (format!("nginx@{digest}"), None, "IfNotPresent"),
            (format!("nginx:latest@{digest}"), Some("latest"), "Always"),
        ];
        for (text, tag, policy) in &cases {
            let image = ImageRef::parse(text);
            assert_eq!(image.effective_tag(), *tag, "{text}");
            assert_eq!(image.default_pull_policy(), *policy, "{text}");
        }
    }

    #[test]
    fn templated_references() {
        assert!(ImageRef::parse("{{ .Values.image }}").is_templated());
        assert!(ImageRef::parse("app:${TAG}").is_templated());
        assert!(!ImageRef::parse("app:1.0").is_templated());
    }

    #[test]
    fn digest_must_be_complete() {
        let full = format!("nginx@sha256:{}", "a".repeat(64));
        assert!(ImageRef::parse(&full).has_valid_digest());
        assert!(!ImageRef::parse("nginx@sha256:abc").has_valid_digest());
        assert!(!ImageRef::parse("nginx:1.0").has_valid_digest());
        let upper = format!("nginx@sha256:{}", "A".repeat(64));
        assert!(!ImageRef::parse(&upper).has_valid_digest());
        let long = format!("nginx@sha256:{}", "a".repeat(65));
        assert!(!ImageRef::parse(&long).has_valid_digest());
        let unknown = format!("nginx@md5:{}", "a".repeat(32));
        assert!(!ImageRef::parse(&unknown).has_valid_digest());
    }
}
