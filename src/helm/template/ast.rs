//! The parse tree, and how Go's `parse.Node.String()` prints each node (the
//! `<…>` context of execution errors).

use std::fmt::{self, Write as _};
use std::rc::Rc;

use crate::helm::value::{Func, Value};

pub type List = Vec<Node>;

#[derive(Debug)]
pub enum Node {
    Text {
        pos: u32,
        text: Rc<str>,
    },
    Action {
        /// Offset of the action's `{{`.
        pos: u32,
        pipe: Pipe,
    },
    If(Box<Branch>),
    With(Box<Branch>),
    Range(Box<Branch>),
    Template {
        pos: u32,
        name: Rc<str>,
        pipe: Option<Pipe>,
    },
    Break {
        pos: u32,
    },
    Continue {
        pos: u32,
    },
}

/// `if`, `with` and `range`: the pipeline, the body and the `else` part.
#[derive(Debug)]
pub struct Branch {
    pub pos: u32,
    pub pipe: Pipe,
    pub list: List,
    pub else_list: Option<List>,
}

#[derive(Debug)]
pub struct Pipe {
    pub pos: u32,
    pub is_assign: bool,
    /// Declared or assigned variable names (with the `$`).
    pub decl: Vec<Rc<str>>,
    pub cmds: Vec<Command>,
}

#[derive(Debug)]
pub struct Command {
    pub pos: u32,
    pub args: Vec<Arg>,
}

/// What a function name resolves to, fixed at parse time.
#[derive(Clone, Copy, Debug)]
pub enum FuncRef {
    Builtin(Builtin),
    Lib(Func),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    And,
    Or,
    Not,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Len,
    Index,
    Slice,
    Print,
    Printf,
    Println,
    Html,
    Js,
    Urlquery,
    Call,
    Include,
    Tpl,
}

#[derive(Debug)]
pub enum Arg {
    /// `.a.b`: field names without dots.
    Field {
        pos: u32,
        names: Vec<Rc<str>>,
    },
    /// `$x.a.b`: the variable name with `$`, then fields.
    Variable {
        pos: u32,
        name: Rc<str>,
        fields: Vec<Rc<str>>,
    },
    /// `(pipe).a.b`, or a field chain on another term.
    Chain {
        pos: u32,
        node: Box<Arg>,
        fields: Vec<Rc<str>>,
    },
    Ident {
        pos: u32,
        name: Rc<str>,
        func: FuncRef,
    },
    Dot {
        pos: u32,
    },
    Nil {
        pos: u32,
    },
    Bool {
        pos: u32,
        value: bool,
    },
    Number {
        pos: u32,
        text: Rc<str>,
        value: Value,
    },
    String {
        pos: u32,
        quoted: Rc<str>,
        value: Value,
    },
    Pipe(Box<Pipe>),
}

impl Arg {
    pub fn pos(&self) -> u32 {
        match self {
            Arg::Field { pos, .. }
            | Arg::Variable { pos, .. }
            | Arg::Chain { pos, .. }
            | Arg::Ident { pos, .. }
            | Arg::Dot { pos }
            | Arg::Nil { pos }
            | Arg::Bool { pos, .. }
            | Arg::Number { pos, .. }
            | Arg::String { pos, .. } => *pos,
            Arg::Pipe(p) => p.pos,
        }
    }
}

impl Node {
    pub fn pos(&self) -> u32 {
        match self {
            Node::Text { pos, .. }
            | Node::Action { pos, .. }
            | Node::Template { pos, .. }
            | Node::Break { pos }
            | Node::Continue { pos } => *pos,
            Node::If(b) | Node::With(b) | Node::Range(b) => b.pos,
        }
    }
}

/// Go's `parse.IsEmptyTree`: only whitespace text (and comments).
pub fn is_empty_tree(list: &List) -> bool {
    list.iter().all(|n| match n {
        Node::Text { text, .. } => text.trim().is_empty(),
        _ => false,
    })
}

fn write_fields(f: &mut fmt::Formatter<'_>, fields: &[Rc<str>]) -> fmt::Result {
    for name in fields {
        f.write_char('.')?;
        f.write_str(name)?;
    }
    Ok(())
}

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Field { names, .. } => write_fields(f, names),
            Arg::Variable { name, fields, .. } => {
                f.write_str(name)?;
                write_fields(f, fields)
            }
            Arg::Chain { node, fields, .. } => {
                if let Arg::Pipe(p) = node.as_ref() {
                    write!(f, "({p})")?;
                } else {
                    write!(f, "{node}")?;
                }
                write_fields(f, fields)
            }
            Arg::Ident { name, .. } => f.write_str(name),
            Arg::Dot { .. } => f.write_char('.'),
            Arg::Nil { .. } => f.write_str("nil"),
            Arg::Bool { value, .. } => write!(f, "{value}"),
            Arg::Number { text, .. } => f.write_str(text),
            Arg::String { quoted, .. } => f.write_str(quoted),
            Arg::Pipe(p) => write!(f, "{p}"),
        }
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, arg) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_char(' ')?;
            }
            if let Arg::Pipe(p) = arg {
                write!(f, "({p})")?;
            } else {
                write!(f, "{arg}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Pipe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.decl.is_empty() {
            for (i, v) in self.decl.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                f.write_str(v)?;
            }
            f.write_str(if self.is_assign { " = " } else { " := " })?;
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

fn write_list(f: &mut fmt::Formatter<'_>, list: &List) -> fmt::Result {
    for n in list {
        write!(f, "{n}")?;
    }
    Ok(())
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let branch = |f: &mut fmt::Formatter<'_>, kw: &str, b: &Branch| -> fmt::Result {
            write!(f, "{{{{{kw} {}}}}}", b.pipe)?;
            write_list(f, &b.list)?;
            if let Some(e) = &b.else_list {
                f.write_str("{{else}}")?;
                write_list(f, e)?;
            }
            f.write_str("{{end}}")
        };
        match self {
            Node::Text { text, .. } => f.write_str(text),
            Node::Action { pipe, .. } => write!(f, "{{{{{pipe}}}}}"),
            Node::If(b) => branch(f, "if", b),
            Node::With(b) => branch(f, "with", b),
            Node::Range(b) => branch(f, "range", b),
            Node::Template { name, pipe, .. } => match pipe {
                Some(p) => write!(f, "{{{{template {} {p}}}}}", super::lex::go_quote(name)),
                None => write!(f, "{{{{template {}}}}}", super::lex::go_quote(name)),
            },
            Node::Break { .. } => f.write_str("{{break}}"),
            Node::Continue { .. } => f.write_str("{{continue}}"),
        }
    }
}
