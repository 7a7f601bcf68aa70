//! The Dockerfile parser and shell reader: no panic, every span inside the input.
#![no_main]

use harden::dockerfile::{self, shell::Script};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let len = text.len() as u32;
    let inside = |span: harden::source::Span| span.start <= span.end && span.end <= len;
    let file = dockerfile::parse(&text);
    for error in &file.errors {
        assert!(inside(error.span), "{error:?}");
    }
    for (index, instruction) in file.instructions.iter().enumerate() {
        assert!(inside(instruction.span) && inside(instruction.keyword_span));
        for flag in &instruction.flags {
            assert!(inside(flag.span));
        }
        for word in instruction.words() {
            assert!(inside(word.span), "{word:?}");
        }
        let _ = file.expand(&instruction.args.text, index);
        for command in Script::parse(&instruction.args).commands {
            assert!(inside(command.span));
            for word in &command.words {
                assert!(inside(word.span), "{word:?}");
            }
        }
        for heredoc in &instruction.heredocs {
            assert!(inside(heredoc.marker) && inside(heredoc.body.span()));
            for command in Script::parse(&heredoc.body).commands {
                assert!(inside(command.span));
            }
        }
    }
});
