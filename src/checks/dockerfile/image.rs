//! What the image is built on: the base image of every `FROM` (`from-tag`,
//! `from-digest`, `from-registry`, `from-platform`), and the stage chain
//! that `FROM <stage>` makes.

use serde::Deserialize;

use crate::checks::Check;
use crate::dockerfile::{Dockerfile, Flag, Word};
use crate::engine::Cx;
use crate::k8s::ImageRef;
use crate::source::Span;

fn no_tag(image: &str) -> String {
    format!("FROM \"{image}\" has no tag, so \"latest\" is pulled")
}

fn latest_tag(image: &str) -> String {
    format!("FROM \"{image}\" uses the tag \"latest\"")
}

fn no_digest(image: &str) -> String {
    format!("FROM \"{image}\" is not pinned by digest")
}

fn malformed_digest(image: &str) -> String {
    format!("FROM \"{image}\" has an incomplete or malformed digest")
}

fn registry_not_allowed(image: &str, registry: &str) -> String {
    format!("FROM \"{image}\" is not from an allowed registry ({registry})")
}

fn constant_platform(platform: &str) -> String {
    format!("FROM pins the platform to \"{platform}\"")
}

fn redundant_platform(platform: &str) -> String {
    format!("FROM --platform={platform} repeats the default")
}

/// What a stage is built on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Base {
    /// An earlier stage, by its name.
    Stage(usize),
    /// The empty image.
    Scratch,
    /// An image reference, with the variables it names expanded.
    Image(String),
    /// A reference that still holds a variable whose value is unknown (or
    /// expands to nothing).
    Unresolved(String),
}

/// The base of a stage and the image word of its `FROM`.
pub(super) fn stage_base(file: &Dockerfile, stage: usize) -> Option<(Base, &Word)> {
    let from = file.stages.get(stage)?;
    let word = from.image.as_ref()?;
    let text = file.expand(&word.text, from.from);
    let earlier = file.stages[..stage].iter().rposition(|s| {
        s.name
            .as_ref()
            .is_some_and(|n| n.text.eq_ignore_ascii_case(&text))
    });
    let base = if let Some(earlier) = earlier {
        Base::Stage(earlier)
    } else if text.contains('$') || text.trim().is_empty() {
        Base::Unresolved(text)
    } else if text.eq_ignore_ascii_case("scratch") {
        Base::Scratch
    } else {
        Base::Image(text)
    };
    Some((base, word))
}

/// The stages a stage is built on, itself first: `FROM builder` continues
/// the stage named `builder`, with its files, environment and user.
pub(crate) fn stage_chain(file: &Dockerfile, stage: usize) -> Vec<usize> {
    let mut chain = vec![stage];
    let mut current = stage;
    // An earlier stage has a smaller index, so the walk ends.
    while let Some((Base::Stage(parent), _)) = stage_base(file, current) {
        chain.push(parent);
        current = parent;
    }
    chain
}

/// Every `FROM` whose base is an image reference (not a stage, not
/// `scratch`, not an unresolved variable): (stage, reference, image word).
fn image_bases(file: &Dockerfile) -> Vec<(usize, String, &Word)> {
    (0..file.stages.len())
        .filter_map(|stage| match stage_base(file, stage)? {
            (Base::Image(reference), word) => Some((stage, reference, word)),
            _ => None,
        })
        .collect()
}

/// The span of the tag in the image word, when the word is written without
/// quotes or variables, else the whole word.
fn tag_span(word: &Word, reference: &str) -> Span {
    let written = (word.span.end - word.span.start) as usize == word.text.len();
    let image = ImageRef::parse(reference);
    match image.tag {
        Some(tag) if written && reference == word.text && image.digest.is_none() => {
            Span::new(word.span.end - tag.len() as u32, word.span.end)
        }
        _ => word.span,
    }
}

pub(super) fn from_path(file: &Dockerfile, stage: usize) -> String {
    format!("instruction[{}].FROM", file.stages[stage].from)
}

/// Templates without parameters still reject stray ones.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

/// `from-tag`: every base image names a tag other than `latest`; a digest
/// pins the image whatever its tag.
pub struct FromTag;

impl FromTag {
    pub fn new(_: NoParams) -> Self {
        FromTag
    }
}

impl Check for FromTag {
    fn check_dockerfile(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        for (stage, reference, word) in image_bases(file) {
            let image = ImageRef::parse(&reference);
            if image.digest.is_some() {
                continue;
            }
            let (span, message) = match image.tag {
                Some("latest") => (tag_span(word, &reference), latest_tag(&reference)),
                Some(tag) if !tag.is_empty() => continue,
                _ => (word.span, no_tag(&reference)),
            };
            cx.report(span, message).at_path(from_path(file, stage));
        }
    }
}

/// `from-digest`: every base image carries a complete digest.
pub struct FromDigest;

impl FromDigest {
    pub fn new(_: NoParams) -> Self {
        FromDigest
    }
}

impl Check for FromDigest {
    fn check_dockerfile(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        for (stage, reference, word) in image_bases(file) {
            let image = ImageRef::parse(&reference);
            if image.has_valid_digest() {
                continue;
            }
            let message = match image.digest {
                Some(_) => malformed_digest(&reference),
                None => no_digest(&reference),
            };
            cx.report(word.span, message)
                .at_path(from_path(file, stage));
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct FromRegistryParams {
    /// Registry hosts (`ghcr.io`), host suffixes (`*.example.com`) or
    /// repository prefixes (`ghcr.io/acme`). Empty: every registry is allowed.
    #[serde(default)]
    pub allowed_registries: Vec<String>,
}

/// `from-registry`: base images come from an allowed registry. Images named
/// without a registry come from Docker Hub, `docker.io`.
pub struct FromRegistry {
    allowed: Vec<String>,
}

impl FromRegistry {
    pub fn new(params: FromRegistryParams) -> Self {
        let allowed = params
            .allowed_registries
            .iter()
            .map(|r| r.trim().trim_end_matches('/').to_ascii_lowercase())
            .filter(|r| !r.is_empty())
            .collect();
        FromRegistry { allowed }
    }

    fn allows(&self, registry: &str, name: &str) -> bool {
        let hub = is_docker_hub(registry);
        self.allowed.iter().any(|entry| {
            if let Some(suffix) = entry.strip_prefix('*') {
                registry.ends_with(suffix)
            } else if entry.contains('/') {
                name == entry || name.starts_with(&format!("{entry}/"))
            } else {
                registry == entry || (hub && is_docker_hub(entry))
            }
        })
    }
}

/// The names Docker Hub goes by.
fn is_docker_hub(host: &str) -> bool {
    matches!(
        host,
        "docker.io" | "index.docker.io" | "registry-1.docker.io" | "hub.docker.com"
    )
}

/// The registry and the full name of an image, as the engine resolves them:
/// `nginx` is `docker.io/library/nginx`.
pub(super) fn qualified(image: &ImageRef<'_>) -> (String, String) {
    let registry = image.registry.unwrap_or("docker.io").to_ascii_lowercase();
    let repository = if image.registry.is_none() && !image.repository.contains('/') {
        format!("library/{}", image.repository)
    } else {
        image.repository.to_string()
    };
    let name = format!("{registry}/{repository}");
    (registry, name)
}

impl Check for FromRegistry {
    fn check_dockerfile(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        if self.allowed.is_empty() {
            return;
        }
        for (stage, reference, word) in image_bases(file) {
            let image = ImageRef::parse(&reference);
            let (registry, name) = qualified(&image);
            if !self.allows(&registry, &name) {
                cx.report(word.span, registry_not_allowed(&reference, &registry))
                    .at_path(from_path(file, stage));
            }
        }
    }
}

/// `from-platform`: `FROM --platform` set to a constant, which makes the
/// Dockerfile build for one platform only, or to `$TARGETPLATFORM`, which is
/// what BuildKit does anyway. Variables such as `$BUILDPLATFORM` are the
/// cross-compilation idiom and pass, and so does a constant when the stage
/// name says which platform it is for (`AS build-arm64`).
pub struct FromPlatform;

impl FromPlatform {
    pub fn new(_: NoParams) -> Self {
        FromPlatform
    }
}

impl Check for FromPlatform {
    fn check_dockerfile(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        for (stage, from) in file.stages.iter().enumerate() {
            let Some(instruction) = file.instructions.get(from.from) else {
                continue;
            };
            let Some(flag) = instruction.flag("platform") else {
                continue;
            };
            let Some(value) = flag.value.as_deref().filter(|v| !v.is_empty()) else {
                continue;
            };
            let for_this_platform = from
                .name
                .as_ref()
                .is_some_and(|name| names_platform(&name.text, value));
            let message = if names_only(value, "TARGETPLATFORM") {
                redundant_platform(value)
            } else if !value.contains('$') && !for_this_platform {
                constant_platform(value)
            } else {
                continue;
            };
            cx.report(flag_value_span(flag), message)
                .at_path(from_path(file, stage));
        }
    }
}

/// True when `value` is nothing but a reference to the variable `name`:
/// `$NAME`, `${NAME}` or `${NAME:-default}`.
fn names_only(value: &str, name: &str) -> bool {
    if value.strip_prefix('$') == Some(name) {
        return true;
    }
    let Some(inner) = value
        .strip_prefix("${")
        .and_then(|rest| rest.strip_suffix('}'))
    else {
        return false;
    };
    match inner.strip_prefix(name) {
        Some(rest) => rest.is_empty() || rest.starts_with(":-") || rest.starts_with('-'),
        None => false,
    }
}

/// A stage name that mentions the OS or the architecture of a platform
/// (`build-arm64` for `linux/arm64`) marks a stage meant for that platform.
fn names_platform(stage: &str, platform: &str) -> bool {
    let stage = stage.to_ascii_lowercase();
    platform
        .to_ascii_lowercase()
        .split('/')
        .any(|part| !part.is_empty() && stage.contains(part))
}

/// The span of a flag's value (`linux/amd64` of `--platform=linux/amd64`).
fn flag_value_span(flag: &Flag) -> Span {
    let start = flag.span.start + 2 + flag.name.len() as u32 + 1;
    if start < flag.span.end {
        Span::new(start, flag.span.end)
    } else {
        flag.span
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::parse;

    #[test]
    fn bases_of_stages() {
        let file = parse(
            "ARG BASE=alpine:3.20\nARG UNSET\nFROM $BASE AS build\nFROM Build\nFROM scratch\nFROM ${UNSET}\n",
        );
        let bases: Vec<Base> = (0..4).map(|s| stage_base(&file, s).unwrap().0).collect();
        assert_eq!(
            bases,
            [
                Base::Image("alpine:3.20".into()),
                Base::Stage(0),
                Base::Scratch,
                Base::Unresolved("${UNSET}".into()),
            ]
        );
        assert_eq!(stage_chain(&file, 1), [1, 0]);
    }

    #[test]
    fn a_later_stage_is_not_a_base() {
        let file = parse("FROM app\nFROM alpine:3.20 AS app\n");
        assert_eq!(stage_base(&file, 0).unwrap().0, Base::Image("app".into()));
    }

    #[test]
    fn an_empty_reference_is_not_judged() {
        let file = parse("FROM \"\"\nFROM ${EMPTY:-}\n");
        for stage in 0..2 {
            assert_eq!(
                stage_base(&file, stage).unwrap().0,
                Base::Unresolved(String::new())
            );
        }
    }

    #[test]
    fn platform_variables() {
        assert!(names_only("$TARGETPLATFORM", "TARGETPLATFORM"));
        assert!(names_only("${TARGETPLATFORM}", "TARGETPLATFORM"));
        assert!(names_only(
            "${TARGETPLATFORM:-linux/amd64}",
            "TARGETPLATFORM"
        ));
        assert!(!names_only("$TARGETPLATFORMX", "TARGETPLATFORM"));
        assert!(!names_only("${BUILDPLATFORM}", "TARGETPLATFORM"));
        assert!(names_platform("build-ARM64", "linux/arm64"));
        assert!(!names_platform("build", "linux/arm64"));
    }

    #[test]
    fn registries() {
        let check = FromRegistry::new(FromRegistryParams {
            allowed_registries: vec![
                "docker.io".into(),
                "*.example.com".into(),
                "ghcr.io/acme/".into(),
            ],
        });
        let allows = |reference: &str| {
            let image = ImageRef::parse(reference);
            let (registry, name) = qualified(&image);
            check.allows(&registry, &name)
        };
        assert!(allows("nginx:1.27"));
        assert!(allows("index.docker.io/library/nginx:1.27"));
        assert!(allows("registry.example.com/app:1"));
        assert!(allows("ghcr.io/acme/app:1"));
        assert!(!allows("ghcr.io/acmecorp/app:1"));
        assert!(!allows("quay.io/app:1"));
        assert!(!allows("example.com/app:1"));
    }
}
