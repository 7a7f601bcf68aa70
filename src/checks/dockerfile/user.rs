//! `final-user`: the user the image runs as.

use crate::checks::Check;
use crate::dockerfile::Dockerfile;
use crate::engine::Cx;

/// `final-user`: the last `USER` of the final stage must not be root.
pub struct FinalUser;

/// `root`, `0`, `root:group` and `0:group` all run as root.
fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user);
    name == "root" || name == "0"
}

impl Check for FinalUser {
    fn check_dockerfile(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        let Some(stage) = file.final_stage() else {
            return;
        };
        // `FROM builder` continues the stage named builder, with its USER.
        let chain = super::stage_chain(file, stage);
        let last_user = chain.iter().find_map(|&s| {
            file.instructions
                .iter()
                .enumerate()
                .rfind(|(_, i)| i.stage == Some(s) && i.keyword == "USER")
        });
        let Some((index, user)) = last_user else {
            return;
        };
        let Some(word) = user.words().into_iter().next() else {
            return;
        };
        let name = file.expand(&word.text, index);
        if is_root(&name) {
            cx.report(word.span, format!("the final stage runs as {name}"))
                .at_path(format!("stage[{stage}].USER"));
        }
    }
}
