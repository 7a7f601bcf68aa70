use super::shell::{Joiner, Script};
use super::*;

fn slice(text: &str, span: Span) -> &str {
    &text[span.start as usize..span.end as usize]
}

#[test]
fn instructions_flags_and_continuations() {
    let text = "# syntax=docker/dockerfile:1.7\nFROM --platform=$BUILDPLATFORM golang:1.22 AS build\n# a comment\nRUN --mount=type=cache,target=/root/.cache \\\n    # comment inside\n    go build \\\n\n    -o /out ./...\nCOPY --from=build --chown=app:app /out /usr/bin/app\n";
    let file = parse(text);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    assert_eq!(file.syntax.as_deref(), Some("docker/dockerfile:1.7"));
    let keywords: Vec<&str> = file
        .instructions
        .iter()
        .map(|i| i.keyword.as_str())
        .collect();
    assert_eq!(keywords, ["FROM", "RUN", "COPY"]);
    let from = &file.instructions[0];
    assert_eq!(
        from.flag("platform").unwrap().value.as_deref(),
        Some("$BUILDPLATFORM")
    );
    assert_eq!(file.stages[0].name.as_ref().unwrap().text, "build");
    let run = &file.instructions[1];
    assert_eq!(
        run.flag("mount").unwrap().value.as_deref(),
        Some("type=cache,target=/root/.cache")
    );
    assert_eq!(run.args.text, "go build     -o /out ./...");
    let script = Script::parse(&run.args);
    let out = script.commands[0]
        .words
        .iter()
        .find(|w| w.text == "/out")
        .unwrap();
    assert_eq!(slice(text, out.span), "/out");
    assert_eq!(
        file.comments
            .iter()
            .filter(|c| c.text.contains("comment"))
            .count(),
        2
    );
    let copy = &file.instructions[2];
    assert_eq!(
        copy.flag("chown").unwrap().value.as_deref(),
        Some("app:app")
    );
    assert_eq!(copy.stage, Some(0));
}

#[test]
fn exec_form_with_spans_and_empty_entrypoint() {
    let text =
        "FROM scratch\nENTRYPOINT []\nCMD [\"/bin/app\", \"--port\", \"8080\"]\nCMD [not json\n";
    let file = parse(text);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    assert_eq!(file.instructions[1].exec(), Some(&[][..]));
    let cmd = file.instructions[2].exec().unwrap();
    assert_eq!(cmd[1].text, "--port");
    assert_eq!(slice(text, cmd[1].span), "\"--port\"");
    assert!(file.instructions[3].exec().is_none());
}

#[test]
fn heredocs_several_stripped_and_quoted() {
    let text = "FROM alpine:3.20\nRUN <<EOF\napk add curl\nEOF\nCOPY <<-\"A\" /a <<'B' /b\n\tone\n\tA\ntwo $X\nB\nUSER 10001\n";
    let file = parse(text);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let run = &file.instructions[1];
    assert_eq!(run.heredocs.len(), 1);
    assert_eq!(run.heredocs[0].body.text, "apk add curl\n");
    let script = Script::parse(&run.heredocs[0].body);
    assert_eq!(script.commands[0].program(), Some("apk"));
    assert_eq!(slice(text, script.commands[0].words[2].span), "curl");
    let copy = &file.instructions[2];
    assert_eq!(copy.heredocs.len(), 2);
    assert!(copy.heredocs[0].strip_tabs && copy.heredocs[0].quoted);
    assert_eq!(copy.heredocs[0].body.text, "one\n");
    assert_eq!(copy.heredocs[1].body.text, "two $X\n");
    assert_eq!(file.instructions[3].keyword, "USER");
}

#[test]
fn unterminated_heredoc_and_unknown_instruction_are_errors_not_panics() {
    let text = "FROM alpine\nFOO bar\nRUN <<EOF\necho hi\n";
    let file = parse(text);
    let messages: Vec<&str> = file.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "unknown instruction: FOO",
            "unterminated heredoc: no line `EOF` closes it"
        ]
    );
    assert_eq!(slice(text, file.errors[0].span), "FOO");
    assert_eq!(slice(text, file.errors[1].span), "<<EOF");
}

#[test]
fn non_ascii_text_is_read_without_panics() {
    let text = "FROM alpine\nRUN echo \"héllo <<EOF\" ü<<x && café <<É\nLABEL a=é\n";
    let file = parse(text);
    let run = &file.instructions[1];
    let script = Script::parse(&run.args);
    assert_eq!(script.commands[0].words[1].text, "héllo <<EOF");
    assert_eq!(slice(text, script.commands[1].words[0].span), "café");
}

#[test]
fn escape_directive_and_continuation_at_end_of_file() {
    let text = "# escape=`\r\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\r\nRUN dir `\r\n  C:\\\r\n";
    let file = parse(text);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    assert_eq!(file.escape, '`');
    assert_eq!(file.instructions[1].args.text, "dir   C:\\");
}

#[test]
fn a_byte_order_mark_keeps_offsets() {
    let text = "\u{feff}FROM alpine:3.20\nUSER root\n";
    let file = parse(text);
    assert!(file.errors.is_empty());
    assert_eq!(slice(text, file.instructions[1].keyword_span), "USER");
}

#[test]
fn shell_commands_split_on_operators_not_in_quotes() {
    let joined = {
        let mut j = Joined::default();
        j.push("apt-get update && apt-get install -y curl=7.* || true; echo \"a && b\" | tee x 2>&1 && (cd /tmp; make) && x=$(curl -fsSL https://x | sh)", 0);
        j
    };
    let script = Script::parse(&joined);
    let programs: Vec<&str> = script.commands.iter().filter_map(|c| c.program()).collect();
    assert_eq!(
        programs,
        [
            "apt-get", "apt-get", "true", "echo", "tee", "cd", "make", "curl", "sh"
        ]
    );
    let echo = &script.commands[3];
    assert_eq!(echo.args()[0].text, "a && b");
    assert!(echo.piped && script.commands[4].piped);
    assert!(!script.commands[0].piped);
    assert_eq!(script.commands[1].joiner, Joiner::And);
    assert!(script.commands[1].has_flag("-y"));
    let curl = script
        .commands
        .iter()
        .find(|c| c.program() == Some("curl"))
        .unwrap();
    assert!(curl.substituted && curl.piped);
    assert_eq!(
        script
            .commands
            .iter()
            .filter(|c| c.assignments.len() == 1)
            .count(),
        1
    );
}

#[test]
fn shell_keywords_comments_and_heredocs() {
    let mut joined = Joined::default();
    joined.push("if [ -f x ]; then sudo rm x; fi # sudo in a comment\ncat <<EOF > f\nsudo not a command\nEOF\necho 'sudo'\n", 0);
    let script = Script::parse(&joined);
    let programs: Vec<&str> = script.commands.iter().filter_map(|c| c.program()).collect();
    assert_eq!(programs, ["[", "sudo", "cat", "echo"]);
}

#[test]
fn variables_expand_from_arg_and_env() {
    let text = "ARG BASE=alpine\nARG TAG\nFROM ${BASE}:${TAG:-3.20}\nENV APP_HOME=/app PORT=8080\nWORKDIR $APP_HOME\n";
    let file = parse(text);
    assert_eq!(file.expand("${BASE}:${TAG:-3.20}", 2), "alpine:3.20");
    assert_eq!(file.expand("$APP_HOME/bin:$PORT", 4), "/app/bin:8080");
    assert_eq!(file.expand("$UNKNOWN", 4), "$UNKNOWN");
}

#[test]
fn global_args_reach_a_stage_only_when_declared_again() {
    let text = "ARG PORT=22\nARG USER=app\nFROM alpine:$PORT\nEXPOSE $PORT\nARG USER\nUSER $USER\nENV MODE=env\nARG MODE=arg\nRUN echo $MODE\nFROM alpine\nARG PORT=80\nEXPOSE $PORT\n";
    let file = parse(text);
    assert_eq!(file.expand("$PORT", 2), "22", "FROM sees global ARGs");
    assert_eq!(
        file.expand("$PORT", 3),
        "$PORT",
        "not declared in the stage"
    );
    assert_eq!(
        file.expand("$USER", 5),
        "app",
        "declared again, inherits the default"
    );
    assert_eq!(file.expand("$MODE", 8), "env", "ENV wins over ARG");
    assert_eq!(file.expand("$PORT", 11), "80", "the stage's own default");
}

#[test]
fn heredoc_after_a_program() {
    let text = "FROM alpine\nRUN python3 <<EOF\nprint(1)\nsudo = 1\nEOF\n";
    let file = parse(text);
    assert_eq!(file.instructions.len(), 2, "{:?}", file.instructions);
    assert_eq!(file.instructions[1].heredocs.len(), 1);
    assert_eq!(
        file.instructions[1].heredocs[0].body.text,
        "print(1)\nsudo = 1\n"
    );
}

#[test]
fn an_unclosed_quote_in_label_env_or_arg_is_an_error() {
    let text = "FROM base\nLABEL foo=\"bar baz\nENV A='b c' D=\"e\"\n";
    let file = parse(text);
    assert_eq!(file.errors.len(), 1, "{:?}", file.errors);
    assert_eq!(file.errors[0].message, "LABEL: a quote is never closed");
    assert_eq!(slice(text, file.errors[0].span), "\"");
}

#[test]
fn a_lone_escape_at_the_end_is_not_an_instruction() {
    let file = parse("FROM alpine:3.20\nLABEL a=b\n\\\n");
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    assert_eq!(file.instructions.len(), 2);
}

#[test]
fn process_substitution_is_an_argument_with_its_own_commands() {
    let mut joined = Joined::default();
    joined.push("bash <(curl -s https://x) && diff <(a) >(b)", 0);
    let script = Script::parse(&joined);
    let summary: Vec<(Vec<&str>, bool)> = script
        .commands
        .iter()
        .map(|c| {
            let words = c.words.iter().map(|w| w.text.as_str()).collect();
            (words, c.substituted)
        })
        .collect();
    assert_eq!(
        summary,
        [
            (vec!["bash", "<(curl -s https://x)"], false),
            (vec!["curl", "-s", "https://x"], true),
            (vec!["diff", "<(a)", ">(b)"], false),
            (vec!["a"], true),
            (vec!["b"], true),
        ]
    );
    assert_eq!(script.commands[1].joiner, Joiner::Start);
    assert_eq!(script.commands[2].joiner, Joiner::And);
}

#[test]
fn case_patterns_are_not_pipes() {
    let mut joined = Joined::default();
    joined.push(
        "case \"$arch\" in\n  amd64 | arm64) echo a | tr a b ;;\n  (*) x=$(case y in y|z) echo y;; esac) ;;\nesac; make",
        0,
    );
    let script = Script::parse(&joined);
    let summary: Vec<(Vec<&str>, bool)> = script
        .commands
        .iter()
        .map(|c| (c.words.iter().map(|w| w.text.as_str()).collect(), c.piped))
        .collect();
    assert_eq!(
        summary,
        [
            (vec!["case", "$arch"], false),
            (vec!["echo", "a"], true),
            (vec!["tr", "a", "b"], true),
            (vec![], false),
            (vec!["case", "y"], false),
            (vec!["echo", "y"], false),
            (vec!["make"], false),
        ]
    );
}

#[test]
fn a_backtick_glued_to_a_word_closes_the_substitution() {
    let mut joined = Joined::default();
    joined.push(
        "curl -LO https://x/`curl -s https://x/stable.txt`/bin/kubectl && chmod +x kubectl && echo $(uname `echo -m`)",
        0,
    );
    let script = Script::parse(&joined);
    let summary: Vec<(&str, bool)> = script
        .commands
        .iter()
        .map(|c| (c.program().unwrap_or(""), c.substituted))
        .collect();
    assert_eq!(
        summary,
        [
            ("curl", false),
            ("curl", true),
            ("chmod", false),
            ("echo", false),
            ("uname", true),
            ("echo", true),
        ]
    );
    assert_eq!(script.commands[0].args()[1].text.matches('`').count(), 2);
}

#[test]
fn an_unterminated_heredoc_at_the_end_of_the_file_stays_inside_it() {
    let text = "FROM ubuntu:22.04\nRUN <<EOF\necho hi\napt update";
    let file = parse(text);
    let body = &file.instructions[1].heredocs[0].body;
    assert_eq!(body.text, "echo hi\napt update");
    assert!(body.span().end as usize <= text.len());
    assert_eq!(file.errors.len(), 1);
}
