//! Who the image runs as: `user-defined` (the final stage sets a `USER`, or
//! its base image is known to run as non-root) and `numeric-user` (that
//! user is a numeric UID).

use serde::Deserialize;

use super::image::{Base, NoParams, from_path, qualified, stage_base, stage_chain};
use crate::checks::Check;
use crate::dockerfile::{Dockerfile, Word};
use crate::engine::Cx;
use crate::k8s::ImageRef;
use crate::source::Span;

/// `user-defined`: the final stage sets `USER`, itself or through the stage
/// it is built on, unless its base image is known to run as a non-root user.
pub struct UserDefined {
    non_root_images: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct UserDefinedParams {
    /// Base images that run as a non-root user without a `USER`: patterns
    /// where `*` matches any text, matched against the image name with and
    /// without its tag (`gcr.io/distroless/*:nonroot`); a pattern starting
    /// with `!` excludes what it matches.
    #[serde(default)]
    pub non_root_images: Vec<String>,
}

impl UserDefined {
    pub fn new(params: UserDefinedParams) -> Self {
        UserDefined {
            non_root_images: params.non_root_images,
        }
    }

    fn is_non_root(&self, reference: &str) -> bool {
        let image = ImageRef::parse(reference);
        let (_, qualified_name) = qualified(&image);
        // `docker.io/library/nginx`, `library/nginx` and `nginx` name one image.
        let mut names = vec![qualified_name.clone()];
        let mut short = qualified_name.as_str();
        for prefix in ["docker.io/", "library/"] {
            if let Some(rest) = short.strip_prefix(prefix) {
                short = rest;
                names.push(short.to_string());
            }
        }
        if let Some(tag) = image.tag {
            let tagged: Vec<String> = names.iter().map(|n| format!("{n}:{tag}")).collect();
            names.extend(tagged);
        }
        let matches = |pattern: &str| names.iter().any(|n| glob(pattern, n));
        let (excluded, included): (Vec<&String>, Vec<&String>) = self
            .non_root_images
            .iter()
            .partition(|p| p.starts_with('!'));
        included.iter().any(|p| matches(p)) && !excluded.iter().any(|p| matches(&p[1..]))
    }
}

/// The last `USER` the final stage runs with, and the stage of its chain
/// that has no `FROM` of another stage (the one whose base image decides
/// the user when no `USER` is written).
fn final_user(file: &Dockerfile) -> Option<(Option<(usize, Word)>, usize)> {
    let chain = stage_chain(file, file.final_stage()?);
    let root = *chain.last()?;
    for stage in chain {
        let last = file
            .instructions
            .iter()
            .enumerate()
            .rfind(|(_, i)| i.stage == Some(stage) && i.keyword == "USER");
        if let Some((index, instruction)) = last {
            let word = instruction.words().into_iter().next();
            return Some((word.map(|w| (index, w)), root));
        }
    }
    Some((None, root))
}

impl Check for UserDefined {
    fn check_dockerfile(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        let Some((None, root)) = final_user(file) else {
            return;
        };
        let Some((base, root_word)) = stage_base(file, root) else {
            return;
        };
        let message = match &base {
            Base::Image(reference) if self.is_non_root(reference) => return,
            Base::Image(reference) | Base::Unresolved(reference) => no_user(reference),
            Base::Scratch => no_user_scratch(),
            Base::Stage(_) => return,
        };
        let Some(stage) = file.final_stage() else {
            return;
        };
        let Some(word) = file.stages[stage].image.as_ref() else {
            return;
        };
        cx.report(word.span, message)
            .with_label(root_word.span, "the user of this image applies")
            .at_path(from_path(file, stage));
    }
}

fn no_user(image: &str) -> String {
    format!("the final stage sets no USER, so it runs as the user of \"{image}\"")
}

fn no_user_scratch() -> String {
    "the final stage sets no USER and is FROM scratch, so it runs as root".to_string()
}

fn named_user(user: &str) -> String {
    format!("USER \"{user}\" is a name, not a numeric UID")
}

/// `*` matches any text, everything else itself.
fn glob(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// `numeric-user`: the user the image runs as is a numeric UID, which
/// `runAsNonRoot` can verify. Only the user part counts (`1000:app` passes);
/// a variable with no known value is not judged.
pub struct NumericUser;

impl NumericUser {
    pub fn new(_: NoParams) -> Self {
        NumericUser
    }
}

impl Check for NumericUser {
    fn check_dockerfile(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        let Some((Some((index, word)), _)) = final_user(file) else {
            return;
        };
        let value = file.expand(&word.text, index);
        let user = value.split(':').next().unwrap_or(&value);
        if user.is_empty() || user.contains('$') || user.bytes().all(|b| b.is_ascii_digit()) {
            return;
        }
        let literal =
            value == word.text && (word.span.end - word.span.start) as usize == word.text.len();
        let span = if literal {
            Span::new(word.span.start, word.span.start + user.len() as u32)
        } else {
            word.span
        };
        cx.report(span, named_user(user))
            .at_path(format!("instruction[{index}].USER"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob(
            "gcr.io/distroless/*:*nonroot*",
            "gcr.io/distroless/static-debian12:nonroot"
        ));
        assert!(glob(
            "gcr.io/distroless/*:*nonroot*",
            "gcr.io/distroless/base:debug-nonroot-arm64"
        ));
        assert!(!glob(
            "gcr.io/distroless/*:*nonroot*",
            "gcr.io/distroless/static:latest"
        ));
        assert!(glob("a*", "a"));
        assert!(!glob("a*b*b", "ab"));
        assert!(glob("exact", "exact"));
        assert!(!glob("exact", "exactly"));
    }

    #[test]
    fn non_root_images() {
        let check = UserDefined::new(UserDefinedParams {
            non_root_images: vec![
                "cgr.dev/chainguard/*".into(),
                "!cgr.dev/chainguard/wolfi-base".into(),
                "nginxinc/nginx-unprivileged".into(),
            ],
        });
        assert!(check.is_non_root("cgr.dev/chainguard/static:latest"));
        assert!(!check.is_non_root("cgr.dev/chainguard/wolfi-base:latest"));
        assert!(check.is_non_root("nginxinc/nginx-unprivileged:1.27"));
        assert!(check.is_non_root("docker.io/nginxinc/nginx-unprivileged"));
        assert!(!check.is_non_root("nginx:1.27"));
    }
}
