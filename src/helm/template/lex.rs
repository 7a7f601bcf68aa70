//! The lexer: Go's `text/template/parse` token rules, including the trim
//! markers (`{{- ` and ` -}}` need the space), comments (`{{/* */}}` right
//! against the delimiters, a left trim on a comment trims only the text
//! before it), raw strings, multi-line actions and Go number syntax.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok {
    Text,
    LeftDelim,
    RightDelim,
    Space,
    /// `=`
    Assign,
    /// `:=`
    Declare,
    Pipe,
    /// A printable ASCII character with no other meaning (`,`).
    Char,
    String,
    RawString,
    CharConst,
    Number,
    Bool,
    Dot,
    Field,
    Variable,
    Identifier,
    LeftParen,
    RightParen,
    Block,
    Break,
    Continue,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
    Eof,
    Error,
}

#[derive(Clone, Debug)]
pub struct Token {
    pub kind: Tok,
    /// Byte offset of the token in the template source.
    pub pos: u32,
    /// The token's text (for `Text`, after trimming; for `Error`, the message).
    pub val: String,
}

impl Token {
    /// How Go's parser names a token in "unexpected …" messages.
    pub fn describe(&self) -> String {
        match self.kind {
            Tok::Eof => "EOF".to_string(),
            Tok::Error => self.val.clone(),
            k if is_keyword(k) => format!("<{}>", self.val),
            _ => {
                if self.val.chars().count() > 10 {
                    let head: String = self.val.chars().take(10).collect();
                    format!("{}...", go_quote(&head))
                } else {
                    go_quote(&self.val)
                }
            }
        }
    }
}

fn is_keyword(k: Tok) -> bool {
    matches!(
        k,
        Tok::Block
            | Tok::Break
            | Tok::Continue
            | Tok::Define
            | Tok::Else
            | Tok::End
            | Tok::If
            | Tok::Nil
            | Tok::Range
            | Tok::Template
            | Tok::With
            | Tok::Dot
    )
}

/// `strconv.Quote`: Go's double-quoted string with escapes.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if is_go_printable(c) => out.push(c),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `strconv.IsPrint`: controls, unassigned and
/// format characters print escaped.
pub fn is_go_printable(c: char) -> bool {
    let n = c as u32;
    if n < 0x20 || (0x7f..0xa0).contains(&n) {
        return false;
    }
    !matches!(n, 0xad | 0x200b..=0x200f | 0x2028..=0x202e | 0x2060..=0x206f | 0xfeff | 0xfff9..=0xfffb | 0xd800..=0xdfff)
        && !(0xe000..=0xf8ff).contains(&n)
        && n != 0xfffe
        && n != 0xffff
}

const LEFT: &str = "{{";
const RIGHT: &str = "}}";

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphabetic() || c.is_numeric()
}

fn has_left_trim(s: &[u8]) -> bool {
    s.len() >= 2 && s[0] == b'-' && is_space(s[1])
}

fn has_right_trim(s: &[u8]) -> bool {
    s.len() >= 2 && is_space(s[0]) && s[1] == b'-'
}

/// Splits `src` into tokens. The list ends with `Eof` or `Error`.
pub fn lex(src: &str) -> Vec<Token> {
    let mut l = Lexer {
        src,
        b: src.as_bytes(),
        pos: 0,
        start: 0,
        out: Vec::new(),
        paren: 0,
    };
    l.run();
    l.out
}

struct Lexer<'a> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
    start: usize,
    out: Vec<Token>,
    paren: i32,
}

impl Lexer<'_> {
    fn emit(&mut self, kind: Tok) {
        let val = self.src[self.start..self.pos].to_string();
        self.out.push(Token {
            kind,
            pos: self.start as u32,
            val,
        });
        self.start = self.pos;
    }

    fn error(&mut self, msg: String) {
        self.out.push(Token {
            kind: Tok::Error,
            pos: self.start as u32,
            val: msg,
        });
    }

    fn peek_char(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn run(&mut self) {
        loop {
            // Text up to the next left delimiter.
            match self.src[self.pos..].find(LEFT) {
                Some(x) => {
                    let delim = self.pos + x;
                    let mut text_end = delim;
                    if has_left_trim(&self.b[delim + LEFT.len()..]) {
                        while text_end > self.start && is_space(self.b[text_end - 1]) {
                            text_end -= 1;
                        }
                    }
                    if text_end > self.start {
                        self.out.push(Token {
                            kind: Tok::Text,
                            pos: self.start as u32,
                            val: self.src[self.start..text_end].to_string(),
                        });
                    }
                    self.pos = delim;
                    self.start = delim;
                    if !self.left_delim() {
                        return;
                    }
                }
                None => {
                    if self.src.len() > self.start {
                        self.pos = self.src.len();
                        self.emit(Tok::Text);
                    }
                    self.out.push(Token {
                        kind: Tok::Eof,
                        pos: self.src.len() as u32,
                        val: String::new(),
                    });
                    return;
                }
            }
        }
    }

    /// At `{{`. Returns false after an error.
    fn left_delim(&mut self) -> bool {
        self.pos += LEFT.len();
        let trim = has_left_trim(&self.b[self.pos..]);
        let after = if trim { 2 } else { 0 };
        if self.b[self.pos + after..].starts_with(b"/*") {
            self.pos += after;
            self.start = self.pos;
            return self.comment();
        }
        self.emit(Tok::LeftDelim);
        self.pos += after;
        self.start = self.pos;
        self.paren = 0;
        self.inside_action()
    }

    fn comment(&mut self) -> bool {
        self.pos += 2;
        let Some(x) = self.src[self.pos..].find("*/") else {
            self.error("unclosed comment".to_string());
            return false;
        };
        self.pos += x + 2;
        let (delim, trim) = self.at_right_delim();
        if !delim {
            self.error("comment ends before closing delimiter".to_string());
            return false;
        }
        if trim {
            self.pos += 2;
        }
        self.pos += RIGHT.len();
        if trim {
            while self.pos < self.b.len() && is_space(self.b[self.pos]) {
                self.pos += 1;
            }
        }
        self.start = self.pos;
        true
    }

    fn at_right_delim(&self) -> (bool, bool) {
        let rest = &self.b[self.pos..];
        if has_right_trim(rest) && rest[2..].starts_with(RIGHT.as_bytes()) {
            return (true, true);
        }
        (rest.starts_with(RIGHT.as_bytes()), false)
    }

    fn at_terminator(&self) -> bool {
        match self.b.get(self.pos) {
            None => true,
            Some(&c) if is_space(c) => true,
            Some(b'.' | b',' | b'|' | b':' | b')' | b'(') => true,
            _ => self.b[self.pos..].starts_with(RIGHT.as_bytes()),
        }
    }

    /// Lexes one action after its left delimiter; false after an error.
    fn inside_action(&mut self) -> bool {
        loop {
            let (delim, trim) = self.at_right_delim();
            if delim {
                if self.paren != 0 {
                    self.error("unclosed left paren".to_string());
                    return false;
                }
                if trim {
                    self.pos += 2;
                    self.start = self.pos;
                }
                self.pos += RIGHT.len();
                self.emit(Tok::RightDelim);
                if trim {
                    while self.pos < self.b.len() && is_space(self.b[self.pos]) {
                        self.pos += 1;
                    }
                    self.start = self.pos;
                }
                return true;
            }
            let Some(c) = self.peek_char() else {
                self.error("unclosed action".to_string());
                return false;
            };
            let ok = match c {
                c if c.is_ascii() && is_space(c as u8) => {
                    self.space();
                    true
                }
                '=' => {
                    self.pos += 1;
                    self.emit(Tok::Assign);
                    true
                }
                ':' => {
                    self.pos += 1;
                    if self.b.get(self.pos) != Some(&b'=') {
                        self.error("expected :=".to_string());
                        return false;
                    }
                    self.pos += 1;
                    self.emit(Tok::Declare);
                    true
                }
                '|' => {
                    self.pos += 1;
                    self.emit(Tok::Pipe);
                    true
                }
                '"' => self.quote(),
                '`' => self.raw_quote(),
                '$' => {
                    self.pos += 1;
                    self.field_or_variable(Tok::Variable)
                }
                '\'' => self.char_const(),
                '.' => {
                    let next = self.b.get(self.pos + 1).copied();
                    if next.is_some_and(|n| n.is_ascii_digit()) {
                        self.number()
                    } else {
                        self.pos += 1;
                        self.field_or_variable(Tok::Field)
                    }
                }
                '+' | '-' | '0'..='9' => self.number(),
                c if is_alnum(c) => self.identifier(),
                '(' => {
                    self.pos += 1;
                    self.paren += 1;
                    self.emit(Tok::LeftParen);
                    true
                }
                ')' => {
                    self.pos += 1;
                    self.paren -= 1;
                    if self.paren < 0 {
                        self.error("unexpected right paren".to_string());
                        return false;
                    }
                    self.emit(Tok::RightParen);
                    true
                }
                c if c.is_ascii() && (c as u8).is_ascii_graphic() => {
                    self.pos += 1;
                    self.emit(Tok::Char);
                    true
                }
                c => {
                    self.error(format!(
                        "unrecognized character in action: {}",
                        unicode_name(c)
                    ));
                    false
                }
            };
            if !ok {
                return false;
            }
        }
    }

    fn space(&mut self) {
        let mut n = 0;
        while self.pos < self.b.len() && is_space(self.b[self.pos]) {
            self.pos += 1;
            n += 1;
        }
        // A trim-marked right delimiter has a space before its '-'.
        let before = self.pos - 1;
        if has_right_trim(&self.b[before..]) && self.b[before + 2..].starts_with(RIGHT.as_bytes()) {
            self.pos = before;
            if n == 1 {
                self.start = self.pos;
                return;
            }
        }
        self.emit(Tok::Space);
    }

    fn field_or_variable(&mut self, kind: Tok) -> bool {
        if self.at_terminator() {
            self.emit(if kind == Tok::Variable {
                Tok::Variable
            } else {
                Tok::Dot
            });
            return true;
        }
        while let Some(c) = self.peek_char() {
            if !is_alnum(c) {
                break;
            }
            self.pos += c.len_utf8();
        }
        if !self.at_terminator() {
            let c = self.peek_char().unwrap_or('\0');
            self.error(format!("bad character {}", unicode_name(c)));
            return false;
        }
        self.emit(kind);
        true
    }

    fn identifier(&mut self) -> bool {
        while let Some(c) = self.peek_char() {
            if !is_alnum(c) {
                break;
            }
            self.pos += c.len_utf8();
        }
        if !self.at_terminator() {
            let c = self.peek_char().unwrap_or('\0');
            self.error(format!("bad character {}", unicode_name(c)));
            return false;
        }
        let kind = match &self.src[self.start..self.pos] {
            "block" => Tok::Block,
            "break" => Tok::Break,
            "continue" => Tok::Continue,
            "define" => Tok::Define,
            "else" => Tok::Else,
            "end" => Tok::End,
            "if" => Tok::If,
            "range" => Tok::Range,
            "nil" => Tok::Nil,
            "template" => Tok::Template,
            "with" => Tok::With,
            "true" | "false" => Tok::Bool,
            _ => Tok::Identifier,
        };
        self.emit(kind);
        true
    }

    fn quote(&mut self) -> bool {
        self.pos += 1;
        loop {
            match self.b.get(self.pos) {
                Some(b'\\') => {
                    self.pos += 1;
                    match self.peek_char() {
                        Some(c) if c != '\n' => self.pos += c.len_utf8(),
                        _ => {
                            self.error("unterminated quoted string".to_string());
                            return false;
                        }
                    }
                }
                None | Some(b'\n') => {
                    self.error("unterminated quoted string".to_string());
                    return false;
                }
                Some(b'"') => {
                    self.pos += 1;
                    break;
                }
                Some(_) => self.pos += 1,
            }
        }
        self.emit(Tok::String);
        true
    }

    fn raw_quote(&mut self) -> bool {
        self.pos += 1;
        match self.src[self.pos..].find('`') {
            Some(x) => {
                self.pos += x + 1;
                self.emit(Tok::RawString);
                true
            }
            None => {
                self.error("unterminated raw quoted string".to_string());
                false
            }
        }
    }

    fn char_const(&mut self) -> bool {
        self.pos += 1;
        loop {
            match self.b.get(self.pos) {
                Some(b'\\') => {
                    self.pos += 1;
                    match self.peek_char() {
                        Some(c) if c != '\n' => self.pos += c.len_utf8(),
                        _ => {
                            self.error("unterminated character constant".to_string());
                            return false;
                        }
                    }
                }
                None | Some(b'\n') => {
                    self.error("unterminated character constant".to_string());
                    return false;
                }
                Some(b'\'') => {
                    self.pos += 1;
                    break;
                }
                Some(_) => self.pos += 1,
            }
        }
        self.emit(Tok::CharConst);
        true
    }

    fn accept(&mut self, set: &str) -> bool {
        match self.b.get(self.pos) {
            Some(&c) if set.as_bytes().contains(&c) => {
                self.pos += 1;
                true
            }
            _ => false,
        }
    }

    fn accept_run(&mut self, set: &str) {
        while self.accept(set) {}
    }

    fn number(&mut self) -> bool {
        self.accept("+-");
        let mut digits = "0123456789_";
        if self.accept("0") {
            if self.accept("xX") {
                digits = "0123456789abcdefABCDEF_";
            } else if self.accept("oO") {
                digits = "01234567_";
            } else if self.accept("bB") {
                digits = "01_";
            }
        }
        self.accept_run(digits);
        if self.accept(".") {
            self.accept_run(digits);
        }
        if digits.len() == 11 && self.accept("eE") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        if digits.len() == 23 && self.accept("pP") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        self.accept("i");
        if let Some(c) = self.peek_char()
            && is_alnum(c)
        {
            self.pos += c.len_utf8();
            let text = self.src[self.start..self.pos].to_string();
            self.error(format!("bad number syntax: {}", go_quote(&text)));
            return false;
        }
        self.emit(Tok::Number);
        true
    }
}

/// Go's `%#U`: `U+0041 'A'`.
fn unicode_name(c: char) -> String {
    if is_go_printable(c) {
        format!("U+{:04X} '{}'", c as u32, c)
    } else {
        format!("U+{:04X}", c as u32)
    }
}
