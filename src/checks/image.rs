//! Image references: `image-tag` (no `latest`, no missing tag),
//! `image-digest` (pinned by a well-formed digest) and `image-pull-policy`
//! (mutable tags pulled with `Always`).

use serde::Deserialize;

use super::{Check, is_templated};
use crate::engine::Cx;
use crate::k8s::{Container, ImageRef, Object};
use crate::yaml::NodeRef;

fn latest_tag(container: &str) -> String {
    format!("{container} uses the image tag \"latest\"")
}

fn no_tag(container: &str, image: &str) -> String {
    format!("{container} image \"{image}\" has no tag, so \"latest\" is pulled")
}

fn no_digest(container: &str) -> String {
    format!("{container} image is not pinned by digest")
}

fn malformed_digest(container: &str) -> String {
    format!("{container} image digest is incomplete or malformed")
}

fn pull_policy(container: &str, policy: &str) -> String {
    format!("{container} pulls a mutable tag with imagePullPolicy {policy}")
}

fn pull_policy_defaulted(container: &str, tag: &str) -> String {
    format!("{container} has no imagePullPolicy, so tag \"{tag}\" is pulled IfNotPresent")
}

/// Templates without parameters still reject stray ones.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

/// Containers of every kind whose image can be judged: present, not empty,
/// and not an unrendered template.
fn images<'a>(object: &Object<'a>) -> Vec<(Container<'a>, NodeRef<'a>, ImageRef<'a>)> {
    let Some(pod) = object.pod_spec() else {
        return Vec::new();
    };
    pod.containers()
        .filter_map(|container| {
            let (node, image) = container.image()?;
            (!image.full.is_empty() && !image.is_templated()).then_some((container, node, image))
        })
        .collect()
}

/// `image-tag`: the tag pulled must be explicit and not `latest`. A reference
/// with a digest is pinned whatever its tag says.
pub struct ImageTag;

impl ImageTag {
    pub fn new(_: NoParams) -> Self {
        ImageTag
    }
}

impl Check for ImageTag {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        for (container, node, image) in images(object) {
            if image.digest.is_some() {
                continue;
            }
            let describe = container.describe();
            let message = match image.tag {
                Some("latest") => latest_tag(&describe),
                Some(tag) if !tag.is_empty() => continue,
                _ => no_tag(&describe, image.full),
            };
            cx.report(node.span(), message)
                .in_container(&container, "image");
        }
    }
}

/// `image-digest`: the reference must carry a digest the runtime can verify.
pub struct ImageDigest;

impl ImageDigest {
    pub fn new(_: NoParams) -> Self {
        ImageDigest
    }
}

impl Check for ImageDigest {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        for (container, node, image) in images(object) {
            if image.has_valid_digest() {
                continue;
            }
            let describe = container.describe();
            let message = match image.digest {
                Some(_) => malformed_digest(&describe),
                None => no_digest(&describe),
            };
            cx.report(node.span(), message)
                .in_container(&container, "image");
        }
    }
}

/// `image-pull-policy`: an image referenced by tag alone must be pulled with
/// `Always`, written or defaulted (Kubernetes defaults to `Always` only for
/// `latest` and untagged images).
pub struct ImagePullPolicy;

impl ImagePullPolicy {
    pub fn new(_: NoParams) -> Self {
        ImagePullPolicy
    }
}

impl Check for ImagePullPolicy {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        for (container, image_node, image) in images(object) {
            if image.digest.is_some() {
                continue;
            }
            let describe = container.describe();
            match container.node.get("imagePullPolicy") {
                Some(policy) => {
                    let Some(text) = policy.as_text() else {
                        continue;
                    };
                    if text == "Always" || is_templated(policy) {
                        continue;
                    }
                    cx.report(policy.span(), pull_policy(&describe, text))
                        .in_container(&container, "imagePullPolicy")
                        .with_label(image_node.span(), "a tag can be moved to another image");
                }
                None => {
                    if image.default_pull_policy() == "Always" {
                        continue;
                    }
                    let tag = image.effective_tag().unwrap_or_default();
                    cx.report(
                        container.anchor_span(),
                        pull_policy_defaulted(&describe, tag),
                    )
                    .in_container(&container, "imagePullPolicy")
                    .with_label(image_node.span(), "pulled only if not already on the node");
                }
            }
        }
    }
}
