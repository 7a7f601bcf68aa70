//! The evaluator: Go's `text/template/exec.go` semantics over [`Value`]s.
//!
//! Go tells a missing value (an invalid `reflect.Value`: a pipeline that
//! gave nil, `include`'s nil data) from a nil inside an `interface{}` (a
//! missing map key, a nil list element): a field of the first is silently
//! nothing, a field of the second is `nil pointer evaluating interface {}.x`.
//! Dot and variables carry that bit (`iface`).

use std::collections::HashMap;
use std::rc::Rc;

use super::ast::{Arg, Branch, Builtin, Command, FuncRef, List, Node, Pipe};
use super::error::{Frame, TemplateError};
use super::lex::go_quote;
use super::{Env, OutSpan, Output, PLAIN_ERROR, SET_NAME, Template, TemplateSet, builtins, parse};
use crate::helm::value::{Origin, Segment, Str, Value};

type R<T> = Result<T, Box<TemplateError>>;

/// State shared by every template of one execution.
struct Exec<'e> {
    env: &'e mut Env,
    steps: u64,
    bytes: usize,
    depth: u32,
    tpl_depth: u32,
    includes: HashMap<Rc<str>, u32>,
}

#[derive(Clone)]
struct Dot {
    v: Value,
    iface: bool,
}

struct Var {
    name: Rc<str>,
    v: Value,
    iface: bool,
}

/// The node Go's `state.at` last recorded: errors point at it.
#[derive(Clone, Copy)]
enum At<'a> {
    None,
    Arg(&'a Arg),
    Cmd(&'a Command),
    Pipe(&'a Pipe),
    Node(&'a Node),
}

enum Flow {
    Normal,
    Break,
    Continue,
}

struct State<'s, 'e> {
    set: &'s TemplateSet,
    tmpl: &'s Template,
    /// The name the template was called by (a `define` name or a file).
    name: &'s str,
    vars: Vec<Var>,
    at: At<'s>,
    out: &'s mut Output,
    ex: &'s mut Exec<'e>,
    /// Values node of the last map field read in the current command.
    last_origin: Option<Origin>,
}

pub(crate) fn run(
    set: &TemplateSet,
    t: &Template,
    name: &str,
    data: &Value,
    env: &mut Env,
) -> Result<Output, TemplateError> {
    let mut ex = Exec {
        env,
        steps: 0,
        bytes: 0,
        depth: 0,
        tpl_depth: 0,
        includes: HashMap::new(),
    };
    let mut out = Output::default();
    let mut st = State::new(set, t, name, data.clone(), &mut out, &mut ex);
    let dot = Dot {
        v: data.clone(),
        iface: false,
    };
    grow(|| st.walk_list(&dot, &t.root)).map_err(|e| *e)?;
    Ok(out)
}

impl<'s, 'e> State<'s, 'e> {
    fn new(
        set: &'s TemplateSet,
        tmpl: &'s Template,
        name: &'s str,
        dollar: Value,
        out: &'s mut Output,
        ex: &'s mut Exec<'e>,
    ) -> Self {
        State {
            set,
            tmpl,
            name,
            vars: vec![Var {
                name: Rc::from("$"),
                v: dollar,
                iface: false,
            }],
            at: At::None,
            out,
            ex,
            last_origin: None,
        }
    }

    fn frame(&self) -> Frame<'_> {
        let (pos, context) = match self.at {
            At::None => (0, String::new()),
            At::Arg(a) => (a.pos(), a.to_string()),
            At::Cmd(c) => (c.pos, c.to_string()),
            At::Pipe(p) => (p.pos, p.to_string()),
            At::Node(n) => (n.pos(), n.to_string()),
        };
        Frame {
            parse_name: &self.tmpl.parse_name,
            source: &self.tmpl.source,
            pos,
            template: self.name,
            context,
        }
    }

    fn fail<T>(&self, message: String) -> R<T> {
        Err(Box::new(TemplateError::exec(&self.frame(), message)))
    }

    fn step(&mut self) -> R<()> {
        self.ex.steps += 1;
        if self.ex.steps > self.ex.env.limits.max_steps {
            let max = self.ex.env.limits.max_steps;
            return self.fail(format!("evaluation exceeded {max} steps (the step limit)"));
        }
        Ok(())
    }

    fn write(&mut self, text: &str, offset: u32, value: Option<Origin>) -> R<()> {
        if text.is_empty() {
            return Ok(());
        }
        self.ex.bytes += text.len();
        if self.ex.bytes > self.ex.env.limits.max_output {
            let max = self.ex.env.limits.max_output;
            return self.fail(format!("output exceeded {max} bytes (the output limit)"));
        }
        let start = self.out.text.len() as u32;
        self.out.text.push_str(text);
        let end = self.out.text.len() as u32;
        if let Some(last) = self.out.spans.last_mut()
            && last.end == start
            && last.offset == offset
            && last.value == value
            && Rc::ptr_eq(&last.template, &self.tmpl.parse_name)
        {
            last.end = end;
            return Ok(());
        }
        self.out.spans.push(OutSpan {
            start,
            end,
            template: self.tmpl.parse_name.clone(),
            offset,
            value,
        });
        Ok(())
    }

    fn write_value(&mut self, v: &Value, offset: u32) -> R<()> {
        match v {
            Value::Nil => self.write("<no value>", offset, None),
            Value::Str(s) => self.write_str(s, offset),
            Value::Object(o) => {
                let text = o.display();
                self.write(&text, offset, None)
            }
            other => {
                let origin = self.last_origin;
                self.write(&other.go_string(), offset, origin)
            }
        }
    }

    fn write_str(&mut self, s: &Str, offset: u32) -> R<()> {
        let text = s.as_str();
        let mut at = 0usize;
        for seg in s.segments.iter() {
            let (a, b) = (seg.start as usize, seg.end as usize);
            if a < at
                || b > text.len()
                || a > b
                || !text.is_char_boundary(a)
                || !text.is_char_boundary(b)
            {
                continue;
            }
            self.write(&text[at..a], offset, None)?;
            self.write(&text[a..b], offset, Some(seg.origin))?;
            at = b;
        }
        self.write(&text[at..], offset, None)
    }

    fn walk_list(&mut self, dot: &Dot, list: &'s List) -> R<Flow> {
        for node in list {
            match self.walk(dot, node)? {
                Flow::Normal => {}
                flow => return Ok(flow),
            }
        }
        Ok(Flow::Normal)
    }

    fn walk(&mut self, dot: &Dot, node: &'s Node) -> R<Flow> {
        self.step()?;
        match node {
            Node::Text { pos, text } => {
                self.write(text, *pos, None)?;
            }
            Node::Action { pos, pipe } => {
                self.last_origin = None;
                let v = self.eval_pipeline(dot, pipe)?;
                if pipe.decl.is_empty() {
                    self.at = At::Node(node);
                    self.write_value(&v, *pos)?;
                }
            }
            Node::If(b) => return grow(|| self.walk_if_with(dot, b, false)),
            Node::With(b) => return grow(|| self.walk_if_with(dot, b, true)),
            Node::Range(b) => return grow(|| self.walk_range(dot, node, b)),
            Node::Template { name, pipe, .. } => {
                self.at = At::Node(node);
                self.walk_template(dot, node, name, pipe.as_ref())?;
            }
            Node::Break { .. } => return Ok(Flow::Break),
            Node::Continue { .. } => return Ok(Flow::Continue),
        }
        Ok(Flow::Normal)
    }

    fn walk_if_with(&mut self, dot: &Dot, b: &'s Branch, with: bool) -> R<Flow> {
        let mark = self.vars.len();
        let v = self.eval_pipeline(dot, &b.pipe)?;
        let flow = if v.truthy() {
            if with {
                let inner = Dot { v, iface: false };
                self.walk_list(&inner, &b.list)?
            } else {
                self.walk_list(dot, &b.list)?
            }
        } else if let Some(e) = &b.else_list {
            self.walk_list(dot, e)?
        } else {
            Flow::Normal
        };
        self.vars.truncate(mark);
        Ok(flow)
    }

    fn set_var(&mut self, name: &str, v: Value, iface: bool) -> R<()> {
        match self.vars.iter_mut().rev().find(|var| &*var.name == name) {
            Some(var) => {
                var.v = v;
                var.iface = iface;
                Ok(())
            }
            None => self.fail(format!("undefined variable: {name}")),
        }
    }

    fn set_top_var(&mut self, n: usize, v: Value, iface: bool) {
        let len = self.vars.len();
        if let Some(var) = len.checked_sub(n).and_then(|i| self.vars.get_mut(i)) {
            var.v = v;
            var.iface = iface;
        }
    }

    /// One range iteration; `None` ends the range (break).
    fn iteration(&mut self, b: &'s Branch, index: Value, elem: Value, elem_iface: bool) -> R<bool> {
        self.step()?;
        let decl = &b.pipe.decl;
        if !decl.is_empty() {
            if b.pipe.is_assign {
                if decl.len() > 1 {
                    self.set_var(&decl[0], index.clone(), false)?;
                } else {
                    self.set_var(&decl[0], elem.clone(), elem_iface)?;
                }
            } else {
                self.set_top_var(1, elem.clone(), elem_iface);
            }
        }
        if decl.len() > 1 {
            if b.pipe.is_assign {
                self.set_var(&decl[1], elem.clone(), elem_iface)?;
            } else {
                self.set_top_var(2, index, false);
            }
        }
        let mark = self.vars.len();
        let dot = Dot {
            v: elem,
            iface: elem_iface,
        };
        let flow = self.walk_list(&dot, &b.list)?;
        self.vars.truncate(mark);
        Ok(!matches!(flow, Flow::Break))
    }

    fn walk_range(&mut self, dot: &Dot, node: &'s Node, b: &'s Branch) -> R<Flow> {
        self.at = At::Node(node);
        let mark = self.vars.len();
        let val = self.eval_pipeline(dot, &b.pipe)?;
        let mut ran = false;
        match &val {
            Value::List(l) => {
                let len = l.borrow().len();
                for i in 0..len {
                    let Some(elem) = l.borrow().get(i).cloned() else {
                        break;
                    };
                    let elem = with_origin(elem, self.ex.env.cx.origins.item(l, i));
                    ran = true;
                    if !self.iteration(b, Value::Int(i as i64), elem, true)? {
                        break;
                    }
                }
            }
            Value::Map(m) => {
                let entries: Vec<(String, Value)> = m
                    .borrow()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                for (k, v) in entries {
                    ran = true;
                    if !self.iteration(b, Value::str(k), v, true)? {
                        break;
                    }
                }
            }
            Value::Int(n) | Value::Int64(n) => {
                if b.pipe.decl.len() > 1 {
                    return self.fail(format!(
                        "can't use {} to iterate over more than one variable",
                        val.go_string()
                    ));
                }
                let int64 = matches!(val, Value::Int64(_));
                for i in 0..*n {
                    ran = true;
                    let v = if int64 {
                        Value::Int64(i)
                    } else {
                        Value::Int(i)
                    };
                    if !self.iteration(b, Value::Nil, v, false)? {
                        break;
                    }
                }
            }
            Value::Nil => {}
            other => {
                return self.fail(format!("range can't iterate over {}", other.go_string()));
            }
        }
        let flow = if !ran && let Some(e) = &b.else_list {
            self.walk_list(dot, e)?
        } else {
            Flow::Normal
        };
        self.vars.truncate(mark);
        // break and continue end at their range.
        let _ = flow;
        Ok(Flow::Normal)
    }

    fn enter(&mut self) -> R<()> {
        if self.ex.depth >= self.ex.env.limits.max_depth {
            let max = self.ex.env.limits.max_depth;
            return self.fail(format!("exceeded maximum template depth ({max})"));
        }
        self.ex.depth += 1;
        Ok(())
    }

    fn walk_template(
        &mut self,
        dot: &Dot,
        node: &'s Node,
        name: &str,
        pipe: Option<&'s Pipe>,
    ) -> R<()> {
        let Some(t) = self.set.get(name) else {
            return self.fail(format!("template {} not defined", go_quote(name)));
        };
        self.enter()?;
        let data = match pipe {
            Some(p) => self.eval_pipeline(dot, p)?,
            None => Value::Nil,
        };
        self.at = At::Node(node);
        let t: &'s Template = t;
        let set = self.set;
        let result = {
            let mut inner = State::new(set, t, name_of(set, name), data.clone(), self.out, self.ex);
            let dot = Dot {
                v: data,
                iface: false,
            };
            grow(|| inner.walk_list(&dot, &t.root))
        };
        self.ex.depth -= 1;
        result.map(|_| ())
    }

    fn eval_pipeline(&mut self, dot: &Dot, pipe: &'s Pipe) -> R<Value> {
        self.at = At::Pipe(pipe);
        let mut value: Option<Value> = None;
        for cmd in &pipe.cmds {
            value = Some(self.eval_command(dot, cmd, value)?);
        }
        let value = value.unwrap_or_default();
        for name in &pipe.decl {
            if pipe.is_assign {
                self.set_var(name, value.clone(), false)?;
            } else {
                self.vars.push(Var {
                    name: name.clone(),
                    v: value.clone(),
                    iface: false,
                });
            }
        }
        Ok(value)
    }

    fn not_a_function(&self, args: &[Arg], fin: &Option<Value>) -> R<()> {
        if args.len() > 1 || fin.is_some() {
            return self.fail(format!("can't give argument to non-function {}", args[0]));
        }
        Ok(())
    }

    fn var(&self, name: &str) -> R<(Value, bool)> {
        match self.vars.iter().rev().find(|v| &*v.name == name) {
            Some(v) => Ok((v.v.clone(), v.iface)),
            None => self.fail(format!("undefined variable: {name}")),
        }
    }

    fn eval_command(&mut self, dot: &Dot, cmd: &'s Command, fin: Option<Value>) -> R<Value> {
        let Some(first) = cmd.args.first() else {
            return self.fail("empty command".to_string());
        };
        match first {
            Arg::Field { names, .. } => {
                self.at = At::Arg(first);
                self.field_chain(dot, dot.v.clone(), dot.iface, names, &cmd.args, fin)
            }
            Arg::Chain { node, fields, .. } => {
                self.at = At::Arg(first);
                if matches!(node.as_ref(), Arg::Nil { .. }) {
                    return self.fail(format!("indirection through explicit nil in {first}"));
                }
                let recv = self.eval_arg(dot, node)?;
                self.at = At::Arg(first);
                self.field_chain(dot, recv, false, fields, &cmd.args, fin)
            }
            Arg::Variable { name, fields, .. } => {
                self.at = At::Arg(first);
                let (v, iface) = self.var(name)?;
                if fields.is_empty() {
                    self.not_a_function(&cmd.args, &fin)?;
                    return Ok(v);
                }
                self.field_chain(dot, v, iface, fields, &cmd.args, fin)
            }
            Arg::Ident { name, func, .. } => {
                self.eval_function(dot, first, name, *func, Some(cmd), &cmd.args, fin)
            }
            Arg::Pipe(p) => {
                self.not_a_function(&cmd.args, &fin)?;
                self.eval_pipeline(dot, p)
            }
            Arg::Bool { value, .. } => {
                self.at = At::Arg(first);
                self.not_a_function(&cmd.args, &fin)?;
                Ok(Value::Bool(*value))
            }
            Arg::Dot { .. } => {
                self.at = At::Arg(first);
                self.not_a_function(&cmd.args, &fin)?;
                Ok(dot.v.clone())
            }
            Arg::Nil { .. } => {
                self.at = At::Arg(first);
                self.not_a_function(&cmd.args, &fin)?;
                self.fail("nil is not a command".to_string())
            }
            Arg::Number { value, .. } | Arg::String { value, .. } => {
                self.at = At::Arg(first);
                self.not_a_function(&cmd.args, &fin)?;
                self.constant(first, value)
            }
        }
    }

    /// An argument's value (Go's `evalArg` for an `interface{}` parameter).
    fn eval_arg(&mut self, dot: &Dot, arg: &'s Arg) -> R<Value> {
        self.at = At::Arg(arg);
        match arg {
            Arg::Dot { .. } => Ok(dot.v.clone()),
            Arg::Nil { .. } => Ok(Value::Nil),
            Arg::Field { names, .. } => {
                self.field_chain(dot, dot.v.clone(), dot.iface, names, &[], None)
            }
            Arg::Variable { name, fields, .. } => {
                let (v, iface) = self.var(name)?;
                if fields.is_empty() {
                    return Ok(v);
                }
                self.field_chain(dot, v, iface, fields, &[], None)
            }
            Arg::Pipe(p) => self.eval_pipeline(dot, p),
            Arg::Ident { name, func, .. } => {
                self.eval_function(dot, arg, name, *func, None, &[], None)
            }
            Arg::Chain { node, fields, .. } => {
                if matches!(node.as_ref(), Arg::Nil { .. }) {
                    return self.fail(format!("indirection through explicit nil in {arg}"));
                }
                let recv = self.eval_arg(dot, node)?;
                self.at = At::Arg(arg);
                self.field_chain(dot, recv, false, fields, &[], None)
            }
            Arg::Bool { value, .. } => Ok(Value::Bool(*value)),
            Arg::Number { value, .. } | Arg::String { value, .. } => self.constant(arg, value),
        }
    }

    /// A literal's value; a number too big for Go's `int` fails when used.
    fn constant(&self, arg: &Arg, value: &Value) -> R<Value> {
        if let (Arg::Number { text, .. }, Value::Nil) = (arg, value) {
            return self.fail(format!("{text} overflows int"));
        }
        Ok(value.clone())
    }

    fn field_chain(
        &mut self,
        dot: &Dot,
        recv: Value,
        iface: bool,
        names: &[Rc<str>],
        args: &'s [Arg],
        fin: Option<Value>,
    ) -> R<Value> {
        let Some((last, init)) = names.split_last() else {
            return Ok(recv);
        };
        let (mut recv, mut iface) = (recv, iface);
        for name in init {
            (recv, iface) = self.field(dot, name, recv, iface, &[], None)?;
        }
        Ok(self.field(dot, last, recv, iface, args, fin)?.0)
    }

    fn field(
        &mut self,
        dot: &Dot,
        name: &str,
        recv: Value,
        iface: bool,
        args: &'s [Arg],
        fin: Option<Value>,
    ) -> R<(Value, bool)> {
        let has_args = args.len() > 1 || fin.is_some();
        match recv {
            Value::Nil if !iface => Ok((Value::Nil, false)),
            Value::Nil => self.fail(format!("nil pointer evaluating interface {{}}.{name}")),
            Value::Map(m) => {
                if has_args {
                    return self.fail(format!("{name} is not a method but has arguments"));
                }
                let v = m.borrow().get(name).cloned().unwrap_or_default();
                let origin = self.ex.env.cx.origins.field(&m, name);
                self.last_origin = origin;
                let v = with_origin(v, origin);
                Ok((v, true))
            }
            Value::Object(o) => {
                if has_args {
                    let mut argv = Vec::with_capacity(args.len());
                    for a in args.iter().skip(1) {
                        argv.push(self.eval_arg(dot, a)?);
                    }
                    if let Some(f) = fin {
                        argv.push(f);
                    }
                    return match o.call(name, &argv) {
                        Some(Ok(v)) => Ok((v, false)),
                        Some(Err(e)) => Err(Box::new(TemplateError::call(&self.frame(), name, e))),
                        None if o.field(name).is_some() => {
                            self.fail(format!("{name} is not a method but has arguments"))
                        }
                        None => self.fail(format!(
                            "can't evaluate field {name} in type {}",
                            object_type(&o, iface)
                        )),
                    };
                }
                if let Some(v) = o.field(name) {
                    return Ok((v, false));
                }
                match o.call(name, &[]) {
                    Some(Ok(v)) => Ok((v, false)),
                    Some(Err(e)) => Err(Box::new(TemplateError::call(&self.frame(), name, e))),
                    None => self.fail(format!(
                        "can't evaluate field {name} in type {}",
                        object_type(&o, iface)
                    )),
                }
            }
            other => {
                let typ = if iface {
                    "interface {}".to_string()
                } else {
                    other.type_name()
                };
                self.fail(format!("can't evaluate field {name} in type {typ}"))
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_function(
        &mut self,
        dot: &Dot,
        ident: &'s Arg,
        name: &str,
        func: FuncRef,
        cmd: Option<&'s Command>,
        args: &'s [Arg],
        fin: Option<Value>,
    ) -> R<Value> {
        self.at = At::Arg(ident);
        let explicit = args.get(1..).unwrap_or(&[]);
        if let FuncRef::Builtin(b @ (Builtin::And | Builtin::Or)) = func {
            if explicit.is_empty() && fin.is_none() {
                return self.fail(format!(
                    "wrong number of args for {name}: want at least 1 got 0"
                ));
            }
            let want = b == Builtin::Or;
            let mut v = Value::Nil;
            for a in explicit {
                v = self.eval_arg(dot, a)?;
                if v.truthy() == want {
                    return Ok(v);
                }
            }
            if let Some(f) = fin {
                v = f;
            }
            return Ok(v);
        }
        let mut argv = Vec::with_capacity(explicit.len() + 1);
        // Where each argument's evaluation ended, and whether a nil is Go's
        // invalid value rather than a nil interface: for argument errors.
        let mut ats: Vec<(At<'s>, bool)> = Vec::with_capacity(explicit.len() + 1);
        for a in explicit {
            let v = self.eval_arg(dot, a)?;
            let invalid = v.is_nil() && !self.yields_interface(a);
            ats.push((self.at, invalid));
            argv.push(v);
        }
        if let Some(f) = fin {
            ats.push((self.at, f.is_nil()));
            argv.push(f);
        }
        let result = match func {
            FuncRef::Builtin(b @ (Builtin::Include | Builtin::Tpl)) => {
                let first =
                    self.string_arg(ident, name, &argv, explicit.first(), ats.first().copied())?;
                return if b == Builtin::Include {
                    self.include(ident, cmd, &first, &argv)
                } else {
                    self.tpl(ident, cmd, &first, &argv)
                };
            }
            FuncRef::Builtin(Builtin::Index) => builtins::call(Builtin::Index, name, &argv)
                .map(|v| with_origin(v, self.index_origin(&argv))),
            FuncRef::Builtin(b) => builtins::call(b, name, &argv),
            FuncRef::Lib(f) => f(&mut self.ex.env.cx, &argv),
        };
        result.map_err(|e| self.func_error(ident, cmd, explicit, name, e, (&argv, &ats)))
    }

    /// The values node `index item k1 … kn` read, when recorded.
    fn index_origin(&self, argv: &[Value]) -> Option<Origin> {
        let origins = &self.ex.env.cx.origins;
        if origins.is_empty() {
            return None;
        }
        let (item, keys) = argv.split_first()?;
        let (last, path) = keys.split_last()?;
        let mut cur = item.clone();
        for k in path {
            cur = match (&cur, k) {
                (Value::Map(m), Value::Str(s)) => m.borrow().get(s.as_str()).cloned()?,
                (Value::List(l), Value::Int(n) | Value::Int64(n)) => {
                    l.borrow().get(usize::try_from(*n).ok()?).cloned()?
                }
                _ => return None,
            };
        }
        match (&cur, last) {
            (Value::Map(m), Value::Str(s)) => origins.field(m, s.as_str()),
            (Value::List(l), Value::Int(n) | Value::Int64(n)) => {
                origins.item(l, usize::try_from(*n).ok()?)
            }
            _ => None,
        }
    }

    /// Whether an argument's nil is a nil interface (a map entry, a range
    /// element) rather than Go's invalid value (a pipeline's nil).
    fn yields_interface(&self, arg: &Arg) -> bool {
        match arg {
            Arg::Field { .. } | Arg::Chain { .. } => true,
            Arg::Variable { name, fields, .. } => {
                !fields.is_empty()
                    || self
                        .vars
                        .iter()
                        .rev()
                        .find(|v| *v.name == **name)
                        .is_some_and(|v| v.iface)
            }
            _ => false,
        }
    }

    fn func_error(
        &mut self,
        ident: &'s Arg,
        cmd: Option<&'s Command>,
        explicit: &'s [Arg],
        name: &str,
        e: String,
        (argv, ats): (&[Value], &[(At<'s>, bool)]),
    ) -> Box<TemplateError> {
        // Errors Go's `text/template` raises while converting arguments.
        if e.starts_with("wrong number of args for") {
            self.at = At::Arg(ident);
            return Box::new(TemplateError::exec(&self.frame(), e));
        }
        if let Some(rest) = e.strip_prefix("wrong type for value; expected ")
            && let Some((expected, got)) = rest.split_once("; got ")
        {
            // Which argument Go rejected: the funcs say only its type. Sprig
            // puts counts first and the string or map it works on last.
            let fits = |v: &Value| {
                if got == "interface {}" {
                    v.is_nil()
                } else {
                    !v.is_nil() && v.type_name() == got
                }
            };
            let numeric = ["int", "uint", "float"]
                .iter()
                .any(|p| expected.starts_with(p));
            let culprit = if numeric {
                argv.iter().position(fits)
            } else {
                argv.iter().rposition(fits)
            };
            let mut msg = e.clone();
            if let Some(i) = culprit
                && let Some(&(at, invalid)) = ats.get(i)
            {
                self.at = at;
                if invalid && got == "interface {}" {
                    msg = format!("invalid value; expected {expected}");
                }
                if let Some(text) = explicit.get(i).and_then(|a| literal_mismatch(a, expected)) {
                    msg = text;
                }
            }
            return Box::new(TemplateError::exec(&self.frame(), msg));
        }
        if let Some(rest) = e.strip_prefix(PLAIN_ERROR) {
            let (index, msg) = rest.split_once(':').unwrap_or(("", rest));
            match index.parse::<usize>().ok().and_then(|i| explicit.get(i)) {
                Some(arg) => self.at = At::Arg(arg),
                None if index.is_empty() => self.at = At::Arg(ident),
                None => {}
            }
            return Box::new(TemplateError::exec(&self.frame(), msg.to_string()));
        }
        self.at = cmd.map_or(At::Arg(ident), At::Cmd);
        Box::new(TemplateError::call(&self.frame(), name, e))
    }

    /// The first argument of `include` and `tpl`, a Go `string` parameter,
    /// of exactly two; `first` is where its evaluation ended and whether a
    /// nil there is Go's invalid value.
    fn string_arg(
        &mut self,
        ident: &'s Arg,
        name: &str,
        argv: &[Value],
        first_arg: Option<&'s Arg>,
        first: Option<(At<'s>, bool)>,
    ) -> R<String> {
        if argv.len() != 2 {
            self.at = At::Arg(ident);
            return self.fail(format!(
                "wrong number of args for {name}: want 2 got {}",
                argv.len()
            ));
        }
        if let Some((at, _)) = first {
            self.at = at;
        }
        if let Some(text) = first_arg.and_then(|a| literal_mismatch(a, "string"))
            && argv[0].as_str().is_none()
        {
            return self.fail(text);
        }
        match &argv[0] {
            Value::Str(s) => Ok(s.as_str().to_string()),
            Value::Nil if first.is_none_or(|(_, invalid)| invalid) => {
                self.fail("invalid value; expected string".to_string())
            }
            other => self.fail(format!(
                "wrong type for value; expected string; got {}",
                if other.is_nil() {
                    "interface {}".to_string()
                } else {
                    other.type_name()
                }
            )),
        }
    }

    fn include(
        &mut self,
        ident: &'s Arg,
        cmd: Option<&'s Command>,
        target: &str,
        argv: &[Value],
    ) -> R<Value> {
        let data = argv[1].clone();
        self.at = cmd.map_or(At::Arg(ident), At::Cmd);
        let count = self.ex.includes.get(target).copied().unwrap_or(0);
        if count > self.ex.env.limits.include_per_name {
            return Err(Box::new(TemplateError::call(
                &self.frame(),
                "include",
                format!(
                    "rendering template has a nested reference name: {target}: unable to execute template"
                ),
            )));
        }
        let Some(t) = self.set.get(target) else {
            let inner = TemplateError::plain(
                target,
                format!(
                    "template: no template {} associated with template {}",
                    go_quote(target),
                    go_quote(SET_NAME)
                ),
            );
            return Err(Box::new(TemplateError::include(&self.frame(), inner)));
        };
        self.enter()?;
        let key: Rc<str> = Rc::from(target);
        *self.ex.includes.entry(key.clone()).or_insert(0) += 1;
        let mut out = Output::default();
        let set = self.set;
        let t: &Template = t;
        let result = {
            let mut inner = State::new(
                set,
                t,
                name_of(set, target),
                data.clone(),
                &mut out,
                self.ex,
            );
            let dot = Dot {
                v: data,
                iface: false,
            };
            grow(|| inner.walk_list(&dot, &t.root))
        };
        if let Some(c) = self.ex.includes.get_mut(&key) {
            *c -= 1;
        }
        self.ex.depth -= 1;
        match result {
            Ok(_) => Ok(Value::Str(output_to_str(out))),
            Err(e) => Err(Box::new(TemplateError::include(&self.frame(), *e))),
        }
    }

    fn tpl(
        &mut self,
        ident: &'s Arg,
        cmd: Option<&'s Command>,
        text: &str,
        argv: &[Value],
    ) -> R<Value> {
        let data = argv[1].clone();
        self.at = cmd.map_or(At::Arg(ident), At::Cmd);
        if self.ex.tpl_depth >= self.ex.env.limits.max_tpl_depth {
            let max = self.ex.env.limits.max_tpl_depth;
            return Err(Box::new(TemplateError::call(
                &self.frame(),
                "tpl",
                format!("tpl calls nested more than {max} deep (the tpl limit)"),
            )));
        }
        let parsed = match parse::parse(text) {
            Ok(p) => p,
            Err(e) => {
                let inner = TemplateError::parse(SET_NAME, text, e.pos, &e.message);
                let what = format!("cannot parse template {}", go_quote(text));
                return Err(Box::new(TemplateError::tpl(&self.frame(), &what, inner)));
            }
        };
        let mut set = self.set.clone();
        let parse_name: Rc<str> = Rc::from(SET_NAME);
        let source: Rc<str> = Rc::from(text);
        let root = Rc::new(Template {
            parse_name: parse_name.clone(),
            source: source.clone(),
            root: parsed.root,
        });
        for (def, list) in parsed.defines {
            set.associate(
                def,
                Template {
                    parse_name: parse_name.clone(),
                    source: source.clone(),
                    root: list,
                },
            );
        }
        if !super::ast::is_empty_tree(&root.root) || !set.has(SET_NAME) {
            set.templates.insert(parse_name.clone(), root.clone());
        }
        self.enter()?;
        self.ex.tpl_depth += 1;
        let mut out = Output::default();
        let result = {
            let mut inner = State::new(&set, &root, SET_NAME, data.clone(), &mut out, self.ex);
            let dot = Dot {
                v: data,
                iface: false,
            };
            grow(|| inner.walk_list(&dot, &root.root))
        };
        self.ex.tpl_depth -= 1;
        self.ex.depth -= 1;
        match result {
            Ok(_) => {
                if self.ex.env.replace_no_value {
                    super::remove_no_value(&mut out);
                }
                Ok(Value::Str(output_to_str(out)))
            }
            Err(e) => {
                let what = format!("error during tpl function execution for {}", go_quote(text));
                Err(Box::new(TemplateError::tpl(&self.frame(), &what, *e)))
            }
        }
    }
}

/// Go's text when a literal argument does not fit a typed parameter
/// (`expected integer; found "x"`), which it reports before any call.
fn literal_mismatch(arg: &Arg, expected: &str) -> Option<String> {
    if !matches!(
        arg,
        Arg::Number { .. } | Arg::String { .. } | Arg::Bool { .. } | Arg::Nil { .. }
    ) {
        return None;
    }
    if let Arg::Nil { .. } = arg {
        return Some(format!("cannot assign nil to {expected}"));
    }
    let kind = match expected {
        "string" => "string",
        "bool" => "bool",
        "float64" | "float32" => "float",
        e if e.starts_with("int") || e.starts_with("uint") => "integer",
        _ => return Some(format!("can't handle {arg} for arg of type {expected}")),
    };
    Some(format!("expected {kind}; found {arg}"))
}

fn object_type(o: &Rc<dyn crate::helm::value::GoObject>, iface: bool) -> String {
    if iface {
        "interface {}".to_string()
    } else {
        o.type_name().to_string()
    }
}

/// A values string marked as coming from values node `origin` as a whole.
fn with_origin(v: Value, origin: Option<Origin>) -> Value {
    match (origin, v) {
        (Some(o), Value::Str(s)) if s.segments.is_empty() && !s.text.is_empty() => {
            let len = s.text.len() as u32;
            Value::Str(Str::with_segments(
                s.text,
                vec![Segment {
                    start: 0,
                    end: len,
                    origin: o,
                }],
            ))
        }
        (_, v) => v,
    }
}

/// Runs `f` on a fresh stack segment when less than 64 KiB are left, so
/// deep nesting never overflows the thread's stack.
fn grow<T>(f: impl FnOnce() -> T) -> T {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, f)
}

/// The set's own copy of a template name, so a nested state can borrow it.
fn name_of<'a>(set: &'a TemplateSet, name: &str) -> &'a str {
    set.templates
        .get_key_value(name)
        .map_or(SET_NAME, |(k, _)| k)
}

/// An executed template as a string whose values-derived runs keep their origin.
fn output_to_str(out: Output) -> Str {
    let segments: Vec<Segment> = out
        .spans
        .iter()
        .filter_map(|s| {
            s.value.map(|origin| Segment {
                start: s.start,
                end: s.end,
                origin,
            })
        })
        .collect();
    if segments.is_empty() {
        Str::new(out.text)
    } else {
        Str::with_segments(out.text, segments)
    }
}
