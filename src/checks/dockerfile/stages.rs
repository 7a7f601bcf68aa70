//! Templates about build stages: instructions that may appear once per
//! stage (`repeated-instruction`, `healthcheck`), and what `COPY --from` and
//! `RUN --mount=from=` refer to (`stage-references`).

use serde::Deserialize;

use crate::checks::{Check, fill};
use crate::dockerfile::{Dockerfile, Flag, Instruction};
use crate::engine::Cx;
use crate::source::Span;

/// The earlier stage a stage is built on (`FROM builder AS test`), if any.
pub(super) fn base_stage(file: &Dockerfile, stage: usize) -> Option<usize> {
    let from = file.stages.get(stage)?;
    let image = from.image.as_ref()?;
    let name = file.expand(&image.text, from.from);
    file.stage_named(&name).filter(|&base| base < stage)
}

/// A stage and the stages it is built on, nearest first.
pub(super) fn lineage(file: &Dockerfile, stage: usize) -> Vec<usize> {
    let mut chain = vec![stage];
    // Each base comes strictly earlier, so the walk ends.
    while let Some(base) = chain.last().and_then(|&s| base_stage(file, s)) {
        chain.push(base);
    }
    chain
}

/// Where to point at a stage as a whole: its name, else its image, else its FROM.
pub(super) fn stage_anchor(file: &Dockerfile, stage: usize) -> Option<Span> {
    let from = file.stages.get(stage)?;
    from.name
        .as_ref()
        .or(from.image.as_ref())
        .map(|w| w.span)
        .or_else(|| file.instructions.get(from.from).map(|i| i.keyword_span))
}

/// `stage "build"`, or `stage 2` for an unnamed one.
pub(super) fn stage_label(file: &Dockerfile, stage: usize) -> String {
    match file.stages.get(stage).and_then(|s| s.name.as_ref()) {
        Some(name) => format!("stage \"{}\"", name.text),
        None => format!("stage {stage}"),
    }
}

/// Each instruction with `keyword` that follows another one in the same
/// stage, paired with the one before it. `ONBUILD` triggers do not count.
fn repeats<'a>(file: &'a Dockerfile, keyword: &str) -> Vec<(&'a Instruction, &'a Instruction)> {
    let mut out = Vec::new();
    for stage in 0..file.stages.len() {
        let mut previous: Option<&Instruction> = None;
        for instruction in file.stage_instructions(stage) {
            if instruction.keyword != keyword {
                continue;
            }
            if let Some(before) = previous {
                out.push((instruction, before));
            }
            previous = Some(instruction);
        }
    }
    out
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RepeatedInstructionParams {
    /// Instructions of which only the last one in a stage takes effect.
    pub keywords: Vec<String>,
    /// `{keyword}` is filled in.
    pub message: String,
}

/// `repeated-instruction`: an instruction that a later one of the same kind
/// in the same stage overrides. Reported at the later one (where hadolint
/// pragmas sit), with the overridden one labelled.
pub struct RepeatedInstruction {
    params: RepeatedInstructionParams,
}

impl RepeatedInstruction {
    pub fn new(mut params: RepeatedInstructionParams) -> Result<Self, String> {
        if params.keywords.is_empty() {
            return Err("`keywords` must not be empty".into());
        }
        for keyword in &mut params.keywords {
            keyword.make_ascii_uppercase();
        }
        Ok(RepeatedInstruction { params })
    }
}

impl Check for RepeatedInstruction {
    fn check_dockerfile(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        for keyword in &self.params.keywords {
            for (later, earlier) in repeats(file, keyword) {
                let message = fill(&self.params.message, &[("keyword", keyword)]);
                cx.report(later.keyword_span, message)
                    .with_label(earlier.keyword_span, "overridden, no longer takes effect")
                    .at_path(format!("stage[{}].{keyword}", later.stage.unwrap_or(0)));
            }
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct HealthcheckParams {
    /// Report a final stage (and the stages it is built on) without any
    /// `HEALTHCHECK`. `HEALTHCHECK NONE` counts as a deliberate choice.
    #[serde(default)]
    pub required: bool,
}

/// `healthcheck`: more than one `HEALTHCHECK` in a stage, and, when asked
/// for, none at all in the final stage.
pub struct Healthcheck {
    params: HealthcheckParams,
}

impl Healthcheck {
    pub fn new(params: HealthcheckParams) -> Self {
        Healthcheck { params }
    }
}

impl Check for Healthcheck {
    fn check_dockerfile(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        for (later, earlier) in repeats(file, "HEALTHCHECK") {
            cx.report(
                later.keyword_span,
                "another HEALTHCHECK in this stage overrides the one before",
            )
            .with_label(earlier.keyword_span, "overridden, no longer takes effect")
            .at_path(format!("stage[{}].HEALTHCHECK", later.stage.unwrap_or(0)));
        }
        if !self.params.required {
            return;
        }
        let Some(last) = file.final_stage() else {
            return;
        };
        let has_healthcheck = lineage(file, last).into_iter().any(|stage| {
            file.stage_instructions(stage)
                .any(|i| i.keyword == "HEALTHCHECK")
        });
        if let (false, Some(span)) = (has_healthcheck, stage_anchor(file, last)) {
            cx.report(span, "the final stage has no HEALTHCHECK")
                .at_path(format!("stage[{last}]"));
        }
    }
}

/// Stage names BuildKit keeps for itself.
const RESERVED_STAGE_NAMES: [&str; 2] = ["scratch", "context"];

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct StageReferencesParams {
    /// Bare names that `--from` may use although no stage has them: named
    /// build contexts (`--build-context name=…`) and untagged images.
    #[serde(default)]
    pub contexts: Vec<String>,
}

/// `stage-references`: stage names and what `COPY --from` and
/// `RUN --mount=from=` point at.
pub struct StageReferences {
    params: StageReferencesParams,
}

impl StageReferences {
    pub fn new(params: StageReferencesParams) -> Self {
        StageReferences { params }
    }

    fn check_names(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        for (index, stage) in file.stages.iter().enumerate() {
            let Some(name) = &stage.name else {
                continue;
            };
            if RESERVED_STAGE_NAMES
                .iter()
                .any(|r| name.text.eq_ignore_ascii_case(r))
            {
                cx.report(
                    name.span,
                    format!("stage name \"{}\" is reserved", name.text),
                )
                .at_path(format!("stage[{index}].name"));
            }
            let first = file.stages[..index].iter().find_map(|s| {
                s.name
                    .as_ref()
                    .filter(|n| n.text.eq_ignore_ascii_case(&name.text))
            });
            if let Some(first) = first {
                cx.report(
                    name.span,
                    format!("stage name \"{}\" is already used", name.text),
                )
                .with_label(first.span, "first used here")
                .at_path(format!("stage[{index}].name"));
            }
        }
    }

    /// One `--from` reference of an instruction in `stage`.
    fn check_reference(
        &self,
        cx: &mut Cx<'_>,
        file: &Dockerfile,
        index: usize,
        stage: usize,
        reference: &Reference,
    ) {
        let value = file.expand(&reference.text, index);
        if value.contains('$') {
            return;
        }
        let path = format!("instruction[{index}].from");
        if value.is_empty() {
            cx.report(reference.span, format!("{} names nothing", reference.flag))
                .at_path(path);
            return;
        }
        let target = if value.bytes().all(|b| b.is_ascii_digit()) {
            match value
                .parse::<usize>()
                .ok()
                .filter(|&n| n < file.stages.len())
            {
                Some(n) => n,
                None => {
                    let count = file.stages.len();
                    cx.report(
                        reference.span,
                        format!("{}={value} is out of range: the file has {count} stage(s), numbered from 0", reference.flag),
                    )
                    .at_path(path);
                    return;
                }
            }
        } else {
            match file.stage_named(&value) {
                Some(n) => n,
                None => {
                    self.check_unknown_name(cx, file, reference, &value, path);
                    return;
                }
            }
        };
        if target == stage {
            cx.report(
                reference.span,
                format!("{}={value} refers to the stage it is in", reference.flag),
            )
            .at_path(path);
        } else if target > stage {
            let finding = cx
                .report(
                    reference.span,
                    format!("{}={value} refers to a stage defined later", reference.flag),
                )
                .at_path(path);
            if let Some(span) = stage_anchor(file, target) {
                finding.with_label(span, "defined here");
            }
        }
    }

    /// A `--from` value that names no stage: fine for an image reference
    /// (a tag, digest or registry path makes it one) or a listed context.
    fn check_unknown_name(
        &self,
        cx: &mut Cx<'_>,
        file: &Dockerfile,
        reference: &Reference,
        value: &str,
        path: String,
    ) {
        let is_image = value.contains([':', '@', '/']);
        if is_image || self.params.contexts.iter().any(|c| c == value) {
            return;
        }
        let close = file
            .stages
            .iter()
            .filter_map(|s| s.name.as_ref())
            .find(|n| {
                // A third of the shorter name: "buidler" is close to
                // "builder", "go" is close to nothing.
                let limit = n.text.chars().count().min(value.chars().count()) / 3;
                limit > 0
                    && edit_distance(&n.text.to_ascii_lowercase(), &value.to_ascii_lowercase())
                        <= limit
            });
        match close {
            Some(name) => {
                cx.report(
                    reference.span,
                    format!(
                        "{}={value} names no stage; did you mean \"{}\"?",
                        reference.flag, name.text
                    ),
                )
                .with_label(name.span, "this stage")
                .at_path(path);
            }
            None => {
                cx.report(
                    reference.span,
                    format!(
                        "{}={value} names no stage, and an image needs a tag or digest",
                        reference.flag
                    ),
                )
                .at_path(path);
            }
        }
    }
}

impl Check for StageReferences {
    fn check_dockerfile(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        self.check_names(cx, file);
        // ONBUILD triggers run in another build, where other stages exist.
        for (index, instruction) in file.instructions.iter().enumerate() {
            let Some(stage) = instruction.stage else {
                continue;
            };
            for reference in from_references(instruction) {
                self.check_reference(cx, file, index, stage, &reference);
            }
            if instruction.keyword == "COPY"
                && let Some(from) = instruction.flag("from")
            {
                copies_root(cx, file, index, instruction, from);
            }
        }
    }
}

/// A stage, image or context named by `--from` or a mount's `from=`.
pub(super) struct Reference {
    /// The value as written, unquoted.
    pub text: String,
    /// The value alone.
    pub span: Span,
    /// `--from` or `from` (in `--mount`), for messages.
    pub flag: &'static str,
}

/// The `--from` of a COPY and the `from=` of each `RUN --mount`.
pub(super) fn from_references(instruction: &Instruction) -> Vec<Reference> {
    let mut out = Vec::new();
    for flag in &instruction.flags {
        let Some(value) = &flag.value else {
            continue;
        };
        match (instruction.keyword.as_str(), flag.name.as_str()) {
            ("COPY", "from") => out.push(Reference {
                text: value.clone(),
                span: flag_value_span(flag, 0, value.len()),
                flag: "--from",
            }),
            ("RUN", "mount") => {
                let mut at = 0;
                for part in value.split(',') {
                    if let Some(name) = part.trim().strip_prefix("from=") {
                        let start = at + part.len() - name.len();
                        out.push(Reference {
                            text: name.trim_matches(['"', '\'']).to_string(),
                            span: flag_value_span(flag, start, start + name.len()),
                            flag: "from",
                        });
                    }
                    at += part.len() + 1;
                }
            }
            _ => {}
        }
    }
    out
}

/// The span of `value[start..end]` in a `--name=value` flag; the whole
/// flag when its value was quoted or escaped and offsets cannot be trusted.
fn flag_value_span(flag: &Flag, start: usize, end: usize) -> Span {
    let value_len = flag.value.as_ref().map_or(0, String::len) as u32;
    let prefix = 2 + flag.name.len() as u32 + 1;
    if flag.span.len() != prefix + value_len {
        return flag.span;
    }
    let base = flag.span.start + prefix;
    Span::new(base + start as u32, base + end as u32)
}

/// `COPY --from=… / …`: the whole filesystem of another stage or image.
fn copies_root(cx: &mut Cx<'_>, file: &Dockerfile, index: usize, copy: &Instruction, from: &Flag) {
    let words = match copy.exec() {
        Some(words) => words.to_vec(),
        None => copy.words(),
    };
    let Some((_, sources)) = words.split_last() else {
        return;
    };
    let source_name = from.value.as_deref().unwrap_or("");
    for source in sources {
        let path = file.expand(&source.text, index);
        let trimmed = path.trim_end_matches(['/', '.']);
        if path.starts_with('/') && trimmed.is_empty() {
            cx.report(
                source.span,
                format!("COPY takes the whole filesystem of \"{source_name}\""),
            )
            .at_path(format!("instruction[{index}].COPY"));
        }
    }
}

/// Stages that another stage builds on or copies from: intermediate
/// stages rather than images someone ships.
pub(super) fn used_stages(file: &Dockerfile) -> Vec<bool> {
    let mut used = vec![false; file.stages.len()];
    for stage in 0..file.stages.len() {
        if let Some(base) = base_stage(file, stage) {
            used[base] = true;
        }
    }
    for (index, instruction) in file.instructions.iter().enumerate() {
        for reference in from_references(instruction) {
            let value = file.expand(&reference.text, index);
            let target = match value.parse::<usize>() {
                Ok(n) => Some(n),
                Err(_) => file.stage_named(&value),
            };
            if let Some(flag) = target.and_then(|n| used.get_mut(n)) {
                *flag = true;
            }
        }
    }
    used
}

/// Levenshtein distance, for "did you mean".
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("builder", "buidler"), 2);
        assert_eq!(edit_distance("build", "build"), 0);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn lineage_follows_stage_bases() {
        let file = crate::dockerfile::parse(
            "FROM alpine:3.20 AS base\nFROM base AS build\nFROM golang:1.22\nFROM build\n",
        );
        assert_eq!(lineage(&file, 3), [3, 1, 0]);
        assert_eq!(lineage(&file, 2), [2]);
    }

    #[test]
    fn mount_from_spans() {
        let text = "FROM alpine\nRUN --mount=type=bind,from=build,target=/b true\n";
        let file = crate::dockerfile::parse(text);
        let refs = from_references(&file.instructions[1]);
        assert_eq!(refs.len(), 1);
        let span = refs[0].span;
        assert_eq!(&text[span.start as usize..span.end as usize], "build");
    }
}
