//! Options and operands of a command line, read the way getopt and most
//! package managers read them: `-y`, clusters such as `-qy`, `-t value`,
//! `-tvalue`, `--name value`, `--name=value`, and `--` ending the options.

use crate::dockerfile::Word;
use crate::source::Span;

/// Which options of a program take a value.
pub struct OptionSpec {
    /// Short options that take a value (`-t bookworm`, `-tbookworm`).
    pub short_values: &'static str,
    /// Long options, without dashes, that take a value (`--target-release x`).
    pub long_values: &'static [&'static str],
    /// One dash introduces a long option and short options never cluster
    /// (Go's `-ldflags`).
    pub single_dash_long: bool,
}

/// One option as written.
#[derive(Clone, Debug)]
pub struct Opt<'a> {
    /// `-y`, `--yes`, or `-ldflags` for single-dash programs.
    pub name: String,
    pub value: Option<String>,
    /// The word the option is written in.
    pub word: &'a Word,
    /// The word after the option, when it holds the value.
    pub value_word: Option<&'a Word>,
}

impl Opt<'_> {
    /// Where the value is written: its own word, or the option's word.
    pub fn value_span(&self) -> Span {
        self.value_word.unwrap_or(self.word).span
    }
}

/// A command line split into options and operands, in order.
#[derive(Clone, Debug, Default)]
pub struct Args<'a> {
    pub options: Vec<Opt<'a>>,
    pub operands: Vec<&'a Word>,
}

impl<'a> Args<'a> {
    pub fn parse(words: &'a [Word], spec: &OptionSpec) -> Args<'a> {
        let mut args = Args::default();
        let mut only_operands = false;
        let mut i = 0;
        while i < words.len() {
            let word = &words[i];
            i += 1;
            let text = word.text.as_str();
            if only_operands || text == "-" || !text.starts_with('-') {
                args.operands.push(word);
                continue;
            }
            if text == "--" {
                only_operands = true;
                continue;
            }
            let long = match text.strip_prefix("--") {
                Some(rest) => Some(("--", rest)),
                None if spec.single_dash_long => Some(("-", &text[1..])),
                None => None,
            };
            if let Some((dashes, body)) = long {
                let (name, inline) = match body.split_once('=') {
                    Some((name, value)) => (name, Some(value.to_string())),
                    None => (body, None),
                };
                let mut opt = Opt {
                    name: format!("{dashes}{name}"),
                    value: inline,
                    word,
                    value_word: None,
                };
                if opt.value.is_none()
                    && spec.long_values.contains(&name)
                    && let Some(next) = words.get(i)
                {
                    i += 1;
                    opt.value = Some(next.text.clone());
                    opt.value_word = Some(next);
                }
                args.options.push(opt);
                continue;
            }
            let letters = &text[1..];
            for (at, letter) in letters.char_indices() {
                let rest = &letters[at + letter.len_utf8()..];
                let takes_value = spec.short_values.contains(letter) || rest.starts_with('=');
                let mut opt = Opt {
                    name: format!("-{letter}"),
                    value: None,
                    word,
                    value_word: None,
                };
                if !takes_value {
                    args.options.push(opt);
                    continue;
                }
                let rest = rest.strip_prefix('=').unwrap_or(rest);
                if !rest.is_empty() {
                    opt.value = Some(rest.to_string());
                } else if let Some(next) = words.get(i) {
                    i += 1;
                    opt.value = Some(next.text.clone());
                    opt.value_word = Some(next);
                }
                args.options.push(opt);
                break;
            }
        }
        args
    }

    /// True if any of these options is given (`-y`, `--yes`).
    pub fn has(&self, names: &[&str]) -> bool {
        self.options
            .iter()
            .any(|o| names.contains(&o.name.as_str()))
    }

    /// Every use of these options, in order.
    pub fn all<'s>(&'s self, names: &'s [&str]) -> impl Iterator<Item = &'s Opt<'a>> + 's {
        self.options
            .iter()
            .filter(move |o| names.contains(&o.name.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Word> {
        text.split_whitespace()
            .map(|w| Word {
                text: w.to_string(),
                span: Span::default(),
            })
            .collect()
    }

    const SPEC: OptionSpec = OptionSpec {
        short_values: "to",
        long_values: &["target-release"],
        single_dash_long: false,
    };

    #[test]
    fn clusters_values_and_end_of_options() {
        let w = words("-qy -t bookworm --target-release=x -oFoo=1 -q=2 curl -- -weird");
        let args = Args::parse(&w, &SPEC);
        let names: Vec<&str> = args.options.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names, ["-q", "-y", "-t", "--target-release", "-o", "-q"]);
        let values: Vec<Option<&str>> = args.options.iter().map(|o| o.value.as_deref()).collect();
        assert_eq!(
            values,
            [
                None,
                None,
                Some("bookworm"),
                Some("x"),
                Some("Foo=1"),
                Some("2")
            ]
        );
        let operands: Vec<&str> = args.operands.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(operands, ["curl", "-weird"]);
    }

    #[test]
    fn single_dash_long_options() {
        let spec = OptionSpec {
            short_values: "",
            long_values: &["ldflags"],
            single_dash_long: true,
        };
        let w = words("-ldflags -s -v ./cmd/app");
        let args = Args::parse(&w, &spec);
        assert!(args.has(&["-v"]));
        assert_eq!(args.options[0].value.as_deref(), Some("-s"));
        assert_eq!(args.operands.len(), 1);
    }

    #[test]
    fn a_value_missing_at_the_end_is_none() {
        let w = words("install -t");
        let args = Args::parse(&w, &SPEC);
        assert_eq!(args.options[0].value, None);
    }
}
