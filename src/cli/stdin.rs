//! `harden lint -`: one file read from standard input, for editors that lint
//! unsaved buffers.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::StdinFile;
use crate::engine::MAX_FILE_BYTES;

/// Splits `-` off the paths and reads standard input when it is there.
pub fn take(
    paths: &[PathBuf],
    filename: Option<&str>,
) -> Result<(Vec<PathBuf>, Option<StdinFile>), String> {
    let dash = Path::new("-");
    let dashes = paths.iter().filter(|p| p.as_path() == dash).count();
    if dashes > 1 {
        return Err("`-` (standard input) may be given only once".into());
    }
    if dashes == 0 {
        if let Some(name) = filename {
            return Err(format!(
                "--stdin-filename {name} needs `-` among the paths to read standard input"
            ));
        }
        return Ok((paths.to_vec(), None));
    }
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    let rest = paths
        .iter()
        .filter(|p| p.as_path() != dash)
        .cloned()
        .collect();
    let name = filename.unwrap_or("-").to_string();
    Ok((rest, Some(StdinFile { name, bytes })))
}
