//! `# harden:ignore` comments: reading a directive, and finding the
//! comments of a YAML text (or a chart template) with the line each covers.

use std::sync::Arc;

use super::{Scope, Suppression, Tool};
use crate::source::{SourceFile, Span};

/// A parsed `harden:ignore` directive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    pub names: Vec<String>,
    pub reason: Option<String>,
}

/// Reads the text of a comment (with or without its `#`) as
/// `harden:ignore rule[,rule] [-- reason]`.
pub fn parse_directive(comment: &str) -> Option<Directive> {
    let body = comment.trim_start().trim_start_matches('#').trim();
    let rest = body.strip_prefix("harden:ignore")?;
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let (list, reason) = match rest.split_once("--") {
        Some((list, reason)) => (list, Some(reason.trim().to_string())),
        None => (rest, None),
    };
    Some(Directive {
        names: split_names(list),
        reason: reason.filter(|r| !r.is_empty()),
    })
}

pub(super) fn split_names(list: &str) -> Vec<String> {
    list.split([',', ' ', '\t'])
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect()
}

/// The `# harden:ignore` comments of a YAML file (or a chart template). A
/// comment after content covers its own line; a comment alone on its line
/// covers the next line that holds more than a comment.
pub fn inline_comments(file: &Arc<SourceFile>) -> Vec<Suppression> {
    let text: &str = &file.text;
    let mut out = Vec::new();
    let mut pending: Vec<(Span, Vec<String>)> = Vec::new();
    let mut offset = 0usize;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let range = Span::new(start as u32, (start + content.len()) as u32);
        let comment = comment_start(content);
        let code = &content[..comment.unwrap_or(content.len())];
        let has_code = !code.trim().is_empty();
        if has_code {
            for (at, names) in pending.drain(..) {
                out.push(Suppression {
                    file: Arc::clone(file),
                    at,
                    tool: Tool::Harden,
                    names,
                    scope: Scope::Range(range),
                });
            }
        }
        let Some(hash) = comment else { continue };
        let Some(directive) = parse_directive(&content[hash..]) else {
            continue;
        };
        let at = Span::new((start + hash) as u32, range.end);
        if has_code {
            out.push(Suppression {
                file: Arc::clone(file),
                at,
                tool: Tool::Harden,
                names: directive.names,
                scope: Scope::Range(range),
            });
        } else {
            pending.push((at, directive.names));
        }
    }
    // A comment with nothing after it covers nothing, and is reported as such.
    for (at, names) in pending {
        out.push(Suppression {
            file: Arc::clone(file),
            at,
            tool: Tool::Harden,
            names,
            scope: Scope::Nothing,
        });
    }
    out
}

/// Where a YAML comment starts on a line: a `#` at the start or after a
/// blank, outside quotes.
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '#' && previous.is_whitespace() => return Some(i),
            None if (c == '"' || c == '\'')
                && (previous.is_whitespace() || ":[{,-".contains(previous)) =>
            {
                quote = Some(c)
            }
            None => {}
        }
        previous = c;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives() {
        assert_eq!(
            parse_directive("# harden:ignore a,b -- why not"),
            Some(Directive {
                names: vec!["a".into(), "b".into()],
                reason: Some("why not".into())
            })
        );
        assert_eq!(parse_directive("# harden:ignorex a"), None);
        assert_eq!(parse_directive("# something else"), None);
        assert_eq!(
            parse_directive("harden:ignore a b").map(|d| d.names.len()),
            Some(2)
        );
    }

    #[test]
    fn comments_cover_their_line_or_the_next() {
        let text = "a: 1 # harden:ignore x\n# harden:ignore y -- r\n\n# other\nb: \"#\" # not harden\nc: 2\n";
        let file = Arc::new(SourceFile::new("f.yaml", text));
        let found = inline_comments(&file);
        assert_eq!(found.len(), 2);
        let line = |s: &Suppression| match s.scope {
            Scope::Range(r) => file.position(r.start).line,
            Scope::Object { .. } | Scope::Nothing => 0,
        };
        assert_eq!((found[0].names[0].as_str(), line(&found[0])), ("x", 1));
        assert_eq!((found[1].names[0].as_str(), line(&found[1])), ("y", 5));
        assert_eq!(comment_start("key: 'a # b' # c"), Some(13));
        assert_eq!(comment_start("url: http://x#y"), None);
    }
}
