//! Pairing `--format` with `--output`: one run may print for people and write
//! files for machines.
//!
//! The rule: each `--output FILE` belongs to the `--format` written just
//! before it; a `--format` with no `--output` after it prints to standard
//! output. With exactly one of each, the order does not matter. Everything
//! else is a usage error: an `--output` with no `--format` before it, two
//! `--output`s for one `--format`, two formats printing to standard output,
//! or one file written twice.

use std::path::PathBuf;

use crate::report::Format;

/// Where one report goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Destination {
    pub format: Format,
    /// `None`: standard output.
    pub file: Option<PathBuf>,
}

/// Pairs formats and outputs given with their positions on the command line.
/// `default` is the format used when no `--format` is given.
pub fn pair(
    formats: &[(usize, Format)],
    outputs: &[(usize, PathBuf)],
    default: Format,
) -> Result<Vec<Destination>, String> {
    if formats.is_empty() {
        return match outputs.first() {
            None => Ok(vec![Destination {
                format: default,
                file: None,
            }]),
            Some((_, file)) => Err(format!(
                "--output {} needs a --format before it (e.g. `--format sarif --output {0}`)",
                file.display()
            )),
        };
    }
    if let ([(_, format)], [(_, file)]) = (formats, outputs) {
        return Ok(vec![Destination {
            format: *format,
            file: Some(file.clone()),
        }]);
    }
    let mut destinations: Vec<Destination> = formats
        .iter()
        .map(|&(_, format)| Destination { format, file: None })
        .collect();
    for (position, file) in outputs {
        // The last format written before this output.
        let owner = formats.iter().rposition(|(p, _)| p < position);
        let Some(owner) = owner else {
            return Err(format!(
                "--output {} needs a --format before it (e.g. `--format sarif --output {0}`)",
                file.display()
            ));
        };
        let destination = &mut destinations[owner];
        if let Some(previous) = &destination.file {
            return Err(format!(
                "--format {} has two outputs ({} and {}); give each --output its own --format",
                destination.format.name(),
                previous.display(),
                file.display()
            ));
        }
        destination.file = Some(file.clone());
    }
    let to_stdout: Vec<&str> = destinations
        .iter()
        .filter(|d| d.file.is_none())
        .map(|d| d.format.name())
        .collect();
    if to_stdout.len() > 1 {
        return Err(format!(
            "formats {} would all print to standard output; follow all but one of them with --output FILE",
            to_stdout.join(", ")
        ));
    }
    for (i, destination) in destinations.iter().enumerate() {
        if let Some(file) = &destination.file
            && destinations[..i]
                .iter()
                .any(|d| d.file.as_ref() == Some(file))
        {
            return Err(format!(
                "{} is named by two --output options",
                file.display()
            ));
        }
    }
    Ok(destinations)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str) -> Option<PathBuf> {
        Some(PathBuf::from(name))
    }

    #[test]
    fn no_format_uses_the_default_on_stdout() {
        let got = pair(&[], &[], Format::Github).unwrap();
        assert_eq!(
            got,
            [Destination {
                format: Format::Github,
                file: None
            }]
        );
    }

    #[test]
    fn an_output_follows_its_format() {
        let got = pair(
            &[(1, Format::Human), (3, Format::Sarif)],
            &[(4, "h.sarif".into())],
            Format::Human,
        )
        .unwrap();
        assert_eq!(got[0].file, None);
        assert_eq!(got[1].file, file("h.sarif"));
        // The same flags, the output after the first format instead.
        let got = pair(
            &[(1, Format::Human), (4, Format::Sarif)],
            &[(2, "h.txt".into())],
            Format::Human,
        )
        .unwrap();
        assert_eq!(got[0].file, file("h.txt"));
        assert_eq!(got[1].file, None);
    }

    #[test]
    fn one_of_each_pairs_in_any_order() {
        let got = pair(&[(3, Format::Sarif)], &[(1, "x".into())], Format::Human).unwrap();
        assert_eq!(got[0].format, Format::Sarif);
        assert_eq!(got[0].file, file("x"));
    }

    #[test]
    fn usage_errors() {
        let err = pair(&[], &[(1, "x".into())], Format::Human).unwrap_err();
        assert!(err.contains("needs a --format"), "{err}");
        let err = pair(
            &[(2, Format::Json), (4, Format::Sarif)],
            &[(1, "x".into()), (5, "y".into())],
            Format::Human,
        )
        .unwrap_err();
        assert!(err.contains("needs a --format before it"), "{err}");
        let err = pair(
            &[(1, Format::Json), (5, Format::Human)],
            &[(2, "x".into()), (3, "y".into())],
            Format::Human,
        )
        .unwrap_err();
        assert!(err.contains("two outputs"), "{err}");
        let err = pair(&[(1, Format::Json), (2, Format::Human)], &[], Format::Human).unwrap_err();
        assert!(err.contains("json, human"), "{err}");
        let err = pair(
            &[(1, Format::Json), (3, Format::Sarif)],
            &[(2, "x".into()), (4, "x".into())],
            Format::Human,
        )
        .unwrap_err();
        assert!(err.contains("two --output"), "{err}");
    }
}
