//! `run-program`: a program run by any `RUN`.

use serde::Deserialize;

use super::run_scripts;
use crate::checks::{Check, fill};
use crate::dockerfile::Dockerfile;
use crate::engine::Cx;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RunProgramParams {
    /// Program names (without directory) that must not be run.
    pub programs: Vec<String>,
    /// `{program}` is filled in.
    pub message: String,
}

/// `run-program`: reports every command of a `RUN` whose program is listed,
/// at the program word.
pub struct RunProgram {
    params: RunProgramParams,
}

impl RunProgram {
    pub fn new(params: RunProgramParams) -> Result<Self, String> {
        if params.programs.is_empty() {
            return Err("`programs` must not be empty".into());
        }
        Ok(RunProgram { params })
    }
}

impl Check for RunProgram {
    fn check_dockerfile(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        for run in run_scripts(file) {
            for command in &run.script.commands {
                let Some(program) = command.program() else {
                    continue;
                };
                if self.params.programs.iter().any(|p| p == program) {
                    let message = fill(&self.params.message, &[("program", program)]);
                    cx.report(command.words[0].span, message).at_path(format!(
                        "instruction[{}].{}",
                        run.index, run.instruction.keyword
                    ));
                }
            }
        }
    }
}
