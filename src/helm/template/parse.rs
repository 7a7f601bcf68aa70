//! The parser: Go's `text/template/parse` grammar and its error texts.

use std::rc::Rc;

use super::ast::{Arg, Branch, Builtin, Command, FuncRef, List, Node, Pipe};
use super::lex::{Tok, Token, lex};
use crate::helm::value::Value;

/// Deepest nesting of control structures and parentheses (Go's parser stops at 10000).
const MAX_DEPTH: usize = 1000;

pub struct ParseError {
    pub pos: u32,
    pub message: String,
}

/// One parsed file: its own tree and the templates it defines, in order.
pub struct Parsed {
    pub root: List,
    pub defines: Vec<(Rc<str>, List)>,
}

pub fn builtin(name: &str) -> Option<Builtin> {
    Some(match name {
        "and" => Builtin::And,
        "or" => Builtin::Or,
        "not" => Builtin::Not,
        "eq" => Builtin::Eq,
        "ne" => Builtin::Ne,
        "lt" => Builtin::Lt,
        "le" => Builtin::Le,
        "gt" => Builtin::Gt,
        "ge" => Builtin::Ge,
        "len" => Builtin::Len,
        "index" => Builtin::Index,
        "slice" => Builtin::Slice,
        "print" => Builtin::Print,
        "printf" => Builtin::Printf,
        "println" => Builtin::Println,
        "html" => Builtin::Html,
        "js" => Builtin::Js,
        "urlquery" => Builtin::Urlquery,
        "call" => Builtin::Call,
        "include" => Builtin::Include,
        "tpl" => Builtin::Tpl,
        _ => return None,
    })
}

/// Helm's function map wins over Go's builtins (Sprig's `slice` replaces
/// Go's), except for the engine's own `include` and `tpl` and the
/// short-circuit `and` and `or`.
fn resolve(name: &str) -> Option<FuncRef> {
    if let b @ Some(Builtin::Include | Builtin::Tpl | Builtin::And | Builtin::Or) = builtin(name) {
        return b.map(FuncRef::Builtin);
    }
    if let Some(f) = crate::helm::funcs::lookup(name) {
        return Some(FuncRef::Lib(f));
    }
    builtin(name).map(FuncRef::Builtin)
}

pub fn parse(src: &str) -> Result<Parsed, ParseError> {
    let mut p = Parser {
        toks: lex(src),
        idx: 0,
        vars: vec![Rc::from("$")],
        range_depth: 0,
        depth: 0,
        defines: Vec::new(),
    };
    let root = p.parse_top()?;
    Ok(Parsed {
        root,
        defines: p.defines,
    })
}

struct Parser {
    toks: Vec<Token>,
    idx: usize,
    vars: Vec<Rc<str>>,
    range_depth: usize,
    depth: usize,
    defines: Vec<(Rc<str>, List)>,
}

enum Item {
    Node(Node),
    End(u32),
    Else(u32),
}

type PResult<T> = Result<T, ParseError>;

impl Parser {
    fn err<T>(&self, msg: impl Into<String>) -> PResult<T> {
        let pos = self
            .toks
            .get(
                self.idx
                    .saturating_sub(1)
                    .min(self.toks.len().saturating_sub(1)),
            )
            .map_or(0, |t| t.pos);
        Err(ParseError {
            pos,
            message: msg.into(),
        })
    }

    fn next(&mut self) -> Token {
        let t = self.toks.get(self.idx).cloned().unwrap_or(Token {
            kind: Tok::Eof,
            pos: self.toks.last().map_or(0, |t| t.pos),
            val: String::new(),
        });
        if self.idx < self.toks.len() {
            self.idx += 1;
        }
        t
    }

    fn backup(&mut self) {
        self.idx = self.idx.saturating_sub(1);
    }

    fn peek(&self) -> Tok {
        self.toks.get(self.idx).map_or(Tok::Eof, |t| t.kind)
    }

    fn next_non_space(&mut self) -> Token {
        loop {
            let t = self.next();
            if t.kind != Tok::Space {
                return t;
            }
        }
    }

    fn peek_non_space(&mut self) -> &Token {
        while self.peek() == Tok::Space {
            self.idx += 1;
        }
        let i = self.idx.min(self.toks.len().saturating_sub(1));
        &self.toks[i]
    }

    fn unexpected<T>(&self, tok: &Token, context: &str) -> PResult<T> {
        if tok.kind == Tok::Error {
            return Err(ParseError {
                pos: tok.pos,
                message: tok.val.clone(),
            });
        }
        Err(ParseError {
            pos: tok.pos,
            message: format!("unexpected {} in {context}", tok.describe()),
        })
    }

    fn expect(&mut self, kind: Tok, context: &str) -> PResult<Token> {
        let t = self.next_non_space();
        if t.kind != kind {
            return self.unexpected(&t, context);
        }
        Ok(t)
    }

    fn parse_top(&mut self) -> PResult<List> {
        let mut root = Vec::new();
        while self.peek() != Tok::Eof {
            if self.peek() == Tok::Error {
                let t = self.next();
                return self.unexpected(&t, "input");
            }
            if self.peek() == Tok::LeftDelim {
                let save = self.idx;
                self.next();
                if self.next_non_space().kind == Tok::Define {
                    self.definition()?;
                    continue;
                }
                self.idx = save;
            }
            match self.text_or_action()? {
                Item::Node(n) => root.push(n),
                Item::End(pos) => {
                    return Err(ParseError {
                        pos,
                        message: "unexpected {{end}}".to_string(),
                    });
                }
                Item::Else(pos) => {
                    return Err(ParseError {
                        pos,
                        message: "unexpected {{else}}".to_string(),
                    });
                }
            }
        }
        Ok(root)
    }

    fn definition(&mut self) -> PResult<()> {
        const CONTEXT: &str = "define clause";
        let tok = self.next_non_space();
        if !matches!(tok.kind, Tok::String | Tok::RawString) {
            return self.unexpected(&tok, CONTEXT);
        }
        let name = unquote(&tok.val).map_err(|m| ParseError {
            pos: tok.pos,
            message: m,
        })?;
        self.expect(Tok::RightDelim, CONTEXT)?;
        let saved = std::mem::replace(&mut self.vars, vec![Rc::from("$")]);
        let (list, end) = self.item_list()?;
        self.vars = saved;
        if let Item::Else(pos) = end {
            return Err(ParseError {
                pos,
                message: format!("unexpected {{{{else}}}} in {CONTEXT}"),
            });
        }
        self.add_define(Rc::from(name), list)
    }

    /// Go's `Tree.add`: a second non-empty definition in one parse is an error.
    fn add_define(&mut self, name: Rc<str>, list: List) -> PResult<()> {
        if let Some(i) = self.defines.iter().position(|(n, _)| *n == name) {
            if super::ast::is_empty_tree(&self.defines[i].1) {
                self.defines[i].1 = list;
                return Ok(());
            }
            if !super::ast::is_empty_tree(&list) {
                return self.err(format!(
                    "template: multiple definition of template {:?}",
                    &*name
                ));
            }
            return Ok(());
        }
        self.defines.push((name, list));
        Ok(())
    }

    fn item_list(&mut self) -> PResult<(List, Item)> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err("max depth exceeded");
        }
        let mut list = Vec::new();
        while self.peek_non_space().kind != Tok::Eof {
            match stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.text_or_action())? {
                Item::Node(n) => list.push(n),
                end => {
                    self.depth -= 1;
                    return Ok((list, end));
                }
            }
        }
        self.err("unexpected EOF")
    }

    fn text_or_action(&mut self) -> PResult<Item> {
        let tok = self.next_non_space();
        match tok.kind {
            Tok::Text => Ok(Item::Node(Node::Text {
                pos: tok.pos,
                text: Rc::from(tok.val),
            })),
            Tok::LeftDelim => self.action(tok.pos),
            _ => self.unexpected(&tok, "input"),
        }
    }

    /// An action after its `{{` at `delim`.
    fn action(&mut self, delim: u32) -> PResult<Item> {
        let tok = self.next_non_space();
        match tok.kind {
            Tok::Block => return self.block_control().map(Item::Node),
            Tok::Break | Tok::Continue => {
                let close = self.next_non_space();
                let word = if tok.kind == Tok::Break {
                    "break"
                } else {
                    "continue"
                };
                if close.kind != Tok::RightDelim {
                    return self.unexpected(&close, &format!("{{{{{word}}}}}"));
                }
                if self.range_depth == 0 {
                    return self.err(format!("{{{{{word}}}}} outside {{{{range}}}}"));
                }
                return Ok(Item::Node(if tok.kind == Tok::Break {
                    Node::Break { pos: tok.pos }
                } else {
                    Node::Continue { pos: tok.pos }
                }));
            }
            Tok::Else => {
                let peek = self.peek_non_space();
                if matches!(peek.kind, Tok::If | Tok::With) {
                    return Ok(Item::Else(peek.pos));
                }
                let t = self.expect(Tok::RightDelim, "else")?;
                return Ok(Item::Else(t.pos));
            }
            Tok::End => {
                let t = self.expect(Tok::RightDelim, "end")?;
                return Ok(Item::End(t.pos));
            }
            Tok::If => return self.control("if").map(|b| Item::Node(Node::If(b))),
            Tok::Range => return self.control("range").map(|b| Item::Node(Node::Range(b))),
            Tok::With => return self.control("with").map(|b| Item::Node(Node::With(b))),
            Tok::Template => return self.template_control().map(Item::Node),
            _ => {}
        }
        self.backup();
        let pipe = self.pipeline("command", Tok::RightDelim)?;
        Ok(Item::Node(Node::Action { pos: delim, pipe }))
    }

    fn control(&mut self, context: &str) -> PResult<Box<Branch>> {
        let mark = self.vars.len();
        let pipe = self.pipeline(context, Tok::RightDelim)?;
        if context == "range" {
            self.range_depth += 1;
        }
        let (list, next) = self.item_list()?;
        if context == "range" {
            self.range_depth -= 1;
        }
        let mut else_list = None;
        if let Item::Else(else_pos) = next {
            let peek = self.peek();
            if context == "if" && peek == Tok::If {
                self.next();
                let inner = self.control("if")?;
                let _ = else_pos;
                else_list = Some(vec![Node::If(inner)]);
            } else if context == "with" && peek == Tok::With {
                self.next();
                let inner = self.control("with")?;
                else_list = Some(vec![Node::With(inner)]);
            } else {
                let (list, next) = self.item_list()?;
                if let Item::Else(_) = next {
                    return self.err("expected end; found {{else}}");
                }
                else_list = Some(list);
            }
        }
        self.vars.truncate(mark);
        Ok(Box::new(Branch {
            pos: pipe.pos,
            pipe,
            list,
            else_list,
        }))
    }

    fn template_name(&mut self, tok: &Token, context: &str) -> PResult<Rc<str>> {
        match tok.kind {
            Tok::String | Tok::RawString => {
                unquote(&tok.val).map(Rc::from).map_err(|m| ParseError {
                    pos: tok.pos,
                    message: m,
                })
            }
            _ => self.unexpected(tok, context),
        }
    }

    fn template_control(&mut self) -> PResult<Node> {
        const CONTEXT: &str = "template clause";
        let tok = self.next_non_space();
        let name = self.template_name(&tok, CONTEXT)?;
        let mut pipe = None;
        if self.next_non_space().kind != Tok::RightDelim {
            self.backup();
            pipe = Some(self.pipeline(CONTEXT, Tok::RightDelim)?);
        }
        Ok(Node::Template {
            pos: tok.pos,
            name,
            pipe,
        })
    }

    fn block_control(&mut self) -> PResult<Node> {
        const CONTEXT: &str = "block clause";
        let tok = self.next_non_space();
        let name = self.template_name(&tok, CONTEXT)?;
        let pipe = self.pipeline(CONTEXT, Tok::RightDelim)?;
        let saved = std::mem::replace(&mut self.vars, vec![Rc::from("$")]);
        let saved_range = std::mem::replace(&mut self.range_depth, 0);
        let (list, end) = self.item_list()?;
        self.vars = saved;
        self.range_depth = saved_range;
        if let Item::Else(pos) = end {
            return Err(ParseError {
                pos,
                message: format!("unexpected {{{{else}}}} in {CONTEXT}"),
            });
        }
        self.add_define(name.clone(), list)?;
        Ok(Node::Template {
            pos: tok.pos,
            name,
            pipe: Some(pipe),
        })
    }

    fn pipeline(&mut self, context: &str, end: Tok) -> PResult<Pipe> {
        let pos = self.peek_non_space().pos;
        let mut pipe = Pipe {
            pos,
            is_assign: false,
            decl: Vec::new(),
            cmds: Vec::new(),
        };
        loop {
            // Declarations: `$x :=`, `$x =`, `$i, $v :=`.
            if self.peek_non_space().kind != Tok::Variable {
                break;
            }
            let var_idx = self.idx;
            let v = self.next();
            let after = self.idx;
            let next = self.peek_non_space().clone();
            match next.kind {
                Tok::Assign | Tok::Declare => {
                    pipe.is_assign = next.kind == Tok::Assign;
                    self.next_non_space();
                    pipe.decl.push(Rc::from(v.val.as_str()));
                    self.vars.push(Rc::from(v.val.as_str()));
                    break;
                }
                Tok::Char if next.val == "," => {
                    self.next_non_space();
                    pipe.decl.push(Rc::from(v.val.as_str()));
                    self.vars.push(Rc::from(v.val.as_str()));
                    if context == "range" && pipe.decl.len() < 2 {
                        match self.peek_non_space().kind {
                            Tok::Variable | Tok::RightDelim | Tok::RightParen => continue,
                            _ => return self.err("range can only initialize variables"),
                        }
                    }
                    return self.err(format!("too many declarations in {context}"));
                }
                _ => {
                    let _ = after;
                    self.idx = var_idx;
                    break;
                }
            }
        }
        loop {
            let tok = self.next_non_space();
            if tok.kind == end {
                self.check_pipeline(&pipe, context)?;
                return Ok(pipe);
            }
            match tok.kind {
                Tok::Bool
                | Tok::CharConst
                | Tok::Dot
                | Tok::Field
                | Tok::Identifier
                | Tok::Number
                | Tok::Nil
                | Tok::RawString
                | Tok::String
                | Tok::Variable
                | Tok::LeftParen => {
                    self.backup();
                    let cmd = self.command()?;
                    pipe.cmds.push(cmd);
                }
                _ => return self.unexpected(&tok, context),
            }
        }
    }

    fn check_pipeline(&self, pipe: &Pipe, context: &str) -> PResult<()> {
        if pipe.cmds.is_empty() {
            return self.err(format!("missing value for {context}"));
        }
        for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
            if matches!(
                c.args.first(),
                Some(
                    Arg::Bool { .. }
                        | Arg::Dot { .. }
                        | Arg::Nil { .. }
                        | Arg::Number { .. }
                        | Arg::String { .. }
                )
            ) {
                return self.err(format!(
                    "non executable command in pipeline stage {}",
                    i + 1
                ));
            }
        }
        Ok(())
    }

    fn command(&mut self) -> PResult<Command> {
        let pos = self.peek_non_space().pos;
        let mut cmd = Command {
            pos,
            args: Vec::new(),
        };
        loop {
            self.peek_non_space();
            if let Some(op) = self.operand()? {
                cmd.args.push(op);
            }
            let tok = self.next();
            match tok.kind {
                Tok::Space => continue,
                Tok::RightDelim | Tok::RightParen => self.backup(),
                Tok::Pipe => {}
                _ => return self.unexpected(&tok, "operand"),
            }
            break;
        }
        if cmd.args.is_empty() {
            return self.err("empty command");
        }
        Ok(cmd)
    }

    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(term) = self.term()? else {
            return Ok(None);
        };
        if self.peek() != Tok::Field {
            return Ok(Some(term));
        }
        let chain_pos = self.toks[self.idx].pos;
        let mut fields = Vec::new();
        while self.peek() == Tok::Field {
            let t = self.next();
            fields.push(Rc::from(&t.val[1..]));
        }
        Ok(Some(match term {
            Arg::Field { mut names, .. } => {
                names.extend(fields);
                Arg::Field {
                    pos: chain_pos,
                    names,
                }
            }
            Arg::Variable {
                name,
                fields: mut f,
                ..
            } => {
                f.extend(fields);
                Arg::Variable {
                    pos: chain_pos,
                    name,
                    fields: f,
                }
            }
            Arg::Bool { .. }
            | Arg::String { .. }
            | Arg::Number { .. }
            | Arg::Nil { .. }
            | Arg::Dot { .. } => {
                return self.err(format!("unexpected . after term {:?}", term.to_string()));
            }
            other => Arg::Chain {
                pos: chain_pos,
                node: Box::new(other),
                fields,
            },
        }))
    }

    fn term(&mut self) -> PResult<Option<Arg>> {
        let tok = self.next_non_space();
        let pos = tok.pos;
        Ok(Some(match tok.kind {
            Tok::Identifier => {
                let Some(func) = resolve(&tok.val) else {
                    return self.err(format!("function {:?} not defined", tok.val));
                };
                Arg::Ident {
                    pos,
                    name: Rc::from(tok.val),
                    func,
                }
            }
            Tok::Dot => Arg::Dot { pos },
            Tok::Nil => Arg::Nil { pos },
            Tok::Variable => {
                let mut parts = tok.val.split('.');
                let name = parts.next().unwrap_or("$");
                if !self.vars.iter().any(|v| &**v == name) {
                    return self.err(format!("undefined variable {:?}", name));
                }
                Arg::Variable {
                    pos,
                    name: Rc::from(name),
                    fields: parts.map(Rc::from).collect(),
                }
            }
            Tok::Field => Arg::Field {
                pos,
                names: vec![Rc::from(&tok.val[1..])],
            },
            Tok::Bool => Arg::Bool {
                pos,
                value: tok.val == "true",
            },
            Tok::Number | Tok::CharConst => {
                let value = number(&tok.val, tok.kind == Tok::CharConst)
                    .map_err(|m| ParseError { pos, message: m })?;
                Arg::Number {
                    pos,
                    text: Rc::from(tok.val),
                    value,
                }
            }
            Tok::LeftParen => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return self.err("max depth exceeded");
                }
                let p = stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
                    self.pipeline("parenthesized pipeline", Tok::RightParen)
                })?;
                self.depth -= 1;
                Arg::Pipe(Box::new(p))
            }
            Tok::String | Tok::RawString => {
                let s = unquote(&tok.val).map_err(|m| ParseError { pos, message: m })?;
                Arg::String {
                    pos,
                    quoted: Rc::from(tok.val),
                    value: Value::str(s),
                }
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        }))
    }
}

/// Go's `strconv.Unquote` for the three quote kinds; errors read "invalid syntax".
pub fn unquote(s: &str) -> Result<String, String> {
    const BAD: &str = "invalid syntax";
    let b = s.as_bytes();
    if b.len() < 2 {
        return Err(BAD.to_string());
    }
    let quote = b[0];
    if b[b.len() - 1] != quote {
        return Err(BAD.to_string());
    }
    let body = &s[1..s.len() - 1];
    match quote {
        b'`' => {
            if body.contains('`') {
                return Err(BAD.to_string());
            }
            Ok(body.replace('\r', ""))
        }
        b'"' | b'\'' => {
            let mut out = String::new();
            let mut rest = body;
            while !rest.is_empty() {
                let (c, tail) = unquote_char(rest, quote as char).ok_or(BAD)?;
                out.push_str(&c);
                rest = tail;
            }
            if quote == b'\'' && out.chars().count() != 1 {
                return Err(BAD.to_string());
            }
            Ok(out)
        }
        _ => Err(BAD.to_string()),
    }
}

/// One character of a quoted literal: the text it stands for (a raw byte of
/// `\xff` becomes U+FFFD) and the rest.
fn unquote_char(s: &str, quote: char) -> Option<(String, &str)> {
    let mut chars = s.chars();
    let c = chars.next()?;
    if c == quote && quote != '`' {
        return None;
    }
    if c == '\n' && quote == '"' {
        return None;
    }
    if c != '\\' {
        return Some((c.to_string(), chars.as_str()));
    }
    let e = chars.next()?;
    let simple = match e {
        'a' => Some('\u{7}'),
        'b' => Some('\u{8}'),
        'f' => Some('\u{c}'),
        'n' => Some('\n'),
        'r' => Some('\r'),
        't' => Some('\t'),
        'v' => Some('\u{b}'),
        '\\' => Some('\\'),
        '\'' | '"' if e == quote => Some(e),
        _ => None,
    };
    if let Some(c) = simple {
        return Some((c.to_string(), chars.as_str()));
    }
    let rest = chars.as_str();
    let hex = |n: usize| -> Option<(u32, &str)> {
        if rest.len() < n || !rest.is_char_boundary(n) {
            return None;
        }
        let v = u32::from_str_radix(&rest[..n], 16).ok()?;
        Some((v, &rest[n..]))
    };
    match e {
        'x' => {
            let (v, tail) = hex(2)?;
            let c = char::from_u32(v).filter(|_| v < 0x80).unwrap_or('\u{fffd}');
            Some((c.to_string(), tail))
        }
        'u' => {
            let (v, tail) = hex(4)?;
            Some((char::from_u32(v)?.to_string(), tail))
        }
        'U' => {
            let (v, tail) = hex(8)?;
            Some((char::from_u32(v)?.to_string(), tail))
        }
        '0'..='7' => {
            if rest.len() < 2 || !rest.is_char_boundary(2) {
                return None;
            }
            let v = u32::from_str_radix(&format!("{e}{}", &rest[..2]), 8).ok()?;
            if v > 255 {
                return None;
            }
            let c = char::from_u32(v).filter(|_| v < 0x80).unwrap_or('\u{fffd}');
            Some((c.to_string(), &rest[2..]))
        }
        _ => None,
    }
}

/// A number literal as Go's `idealConstant` types it: `int` unless it has a
/// fraction, an exponent or a hex-float exponent (then `float64`); a
/// character constant is its code point.
fn number(text: &str, is_char: bool) -> Result<Value, String> {
    if is_char {
        let s = unquote(text).map_err(|_| format!("malformed character constant: {text}"))?;
        let c = s.chars().next().unwrap_or('\0');
        return Ok(Value::Int(c as i64));
    }
    if text.ends_with('i') {
        return Err(format!("illegal number syntax: {text:?}"));
    }
    let clean: String = text.chars().filter(|&c| c != '_').collect();
    let (neg, digits) = match clean.as_bytes().first() {
        Some(b'-') => (true, &clean[1..]),
        Some(b'+') => (false, &clean[1..]),
        _ => (false, &clean[..]),
    };
    let lower = digits.to_ascii_lowercase();
    let is_hex = lower.starts_with("0x");
    let floaty = if is_hex {
        lower.contains('p') || lower.contains('.')
    } else {
        lower.contains('.') || lower.contains('e')
    };
    if !floaty {
        let (radix, body) = if is_hex {
            (16, &lower[2..])
        } else if let Some(b) = lower.strip_prefix("0o") {
            (8, b)
        } else if let Some(b) = lower.strip_prefix("0b") {
            (2, b)
        } else if lower.len() > 1 && lower.starts_with('0') {
            (8, &lower[1..])
        } else {
            (10, &lower[..])
        };
        return match i128::from_str_radix(body, radix) {
            Ok(v) => {
                let v = if neg { -v } else { v };
                if v > u64::MAX as i128 || v < i64::MIN as i128 {
                    Err(format!("integer overflow: {text:?}"))
                } else if v > i64::MAX as i128 {
                    // Go parses it as a uint64 and fails when it is used.
                    Ok(Value::Nil)
                } else {
                    Ok(Value::Int(v as i64))
                }
            }
            Err(_)
                if (radix == 8 && !lower.starts_with("0o") || radix == 10)
                    && lower.parse::<f64>().is_ok() =>
            {
                Err(format!("integer overflow: {text:?}"))
            }
            Err(_) => Err(format!("illegal number syntax: {text:?}")),
        };
    }
    let f = if is_hex {
        parse_hex_float(&lower[2..]).ok_or_else(|| format!("illegal number syntax: {text:?}"))?
    } else {
        lower
            .parse::<f64>()
            .map_err(|_| format!("illegal number syntax: {text:?}"))?
    };
    Ok(Value::Float(if neg { -f } else { f }))
}

fn parse_hex_float(s: &str) -> Option<f64> {
    let (mant, exp) = match s.split_once('p') {
        Some((m, e)) => (m, e.parse::<i32>().ok()?),
        None => return None,
    };
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    let mut v = 0f64;
    for c in int.chars() {
        v = v * 16.0 + c.to_digit(16)? as f64;
    }
    let mut scale = 1.0 / 16.0;
    for c in frac.chars() {
        v += c.to_digit(16)? as f64 * scale;
        scale /= 16.0;
    }
    Some(v * 2f64.powi(exp))
}
