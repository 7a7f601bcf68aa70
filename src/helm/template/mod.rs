//! Go's `text/template`, as Helm runs it: `missingkey=zero`, Sprig's and
//! Helm's functions, `include` and `tpl` bound to the set being executed.
//!
//! A [`TemplateSet`] holds every parsed template by name (files under their
//! path, `define`s under their own name, one namespace as in Go). Each file
//! is parsed once; execution walks the tree over shared-handle [`Value`]s
//! and never copies a map or list.
//!
//! **Origin map.** [`Output::spans`] cover the output: each run of text
//! names the template file and byte offset of the text node or action (its
//! `{{`) that wrote it; adjacent runs from one node merge. A printed value
//! read from a values map (or list) whose origin is recorded in
//! `env.cx.origins` carries that [`Origin`]: strings read from the values
//! get a [`Segment`](crate::helm::value::Segment) covering them, so the
//! origin survives functions that keep segments (`quote`, `default`,
//! `nindent`, …); a string with segments prints as one span per segment.
//! Output of `template` is spanned at the nodes of the called template.
//! `include` returns a string whose segments are the values-derived runs
//! of the included output, so they map to values lines; the rest of an
//! `include`d text maps to the outermost action that printed it.
//!
//! **Errors** ([`TemplateError`]) print as Helm prints them; see `error.rs`.
//! Columns are Go's: bytes from the line start, 0-based. `tpl` parses its
//! text under Helm's set name `gotpl`, as Helm does, so errors inside it
//! read `template: gotpl:1:10: …`.
//!
//! **Functions.** `include`, `tpl`, `and`, `or` and Go's builtins live
//! here; every other name comes from [`crate::helm::funcs::lookup`], which
//! wins over Go's builtins as Helm's function map does (Sprig's `slice`). A
//! function error starting with `wrong number of args for` or `wrong type
//! for value` (or made with [`arg_error`]/[`call_error`]) is an argument
//! error that Go raises before the call: it prints without `error calling
//! <name>:` and points at the argument. Errors of `required` and `fail` become
//! `execution error at (<file>:<line>:<col>): <message>`.
//!
//! **Limits** ([`Limits`]): nested `include`s per name (Helm's 1000, with
//! Helm's error), nesting of `include`/`template`/`tpl` (Go allows 100000;
//! the default here is 10000), output bytes, evaluation steps and `tpl`
//! nesting. Deep nesting runs on stack segments that grow on the heap, so
//! no template overflows a thread's stack.

mod ast;
mod builtins;
mod error;
mod exec;
mod fmt;
mod lex;
mod parse;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::rc::Rc;

pub use error::TemplateError;
pub use fmt::{go_sprint, go_sprintf};

use crate::helm::value::{FuncCx, Origin, Value};

/// The name Helm gives its template set; `tpl` parses its text under it.
pub const SET_NAME: &str = "gotpl";

/// Prefix of a function error that Go raises before calling (a wrong
/// argument type or count): the engine reports it without "error calling
/// <name>:", as Go does. See [`arg_error`] and [`call_error`].
const PLAIN_ERROR: char = '\u{0}';

/// A function's error about its `index`-th argument (0-based) that Go raises
/// while converting arguments, e.g. `wrong type for value; expected string;
/// got interface {}`: the error points at that argument.
pub fn arg_error(index: usize, message: &str) -> String {
    format!("{PLAIN_ERROR}{index}:{message}")
}

/// A function's error that Go raises before the call (`wrong number of args
/// for indent: want 2 got 1`): reported without "error calling".
pub fn call_error(message: &str) -> String {
    format!("{PLAIN_ERROR}:{message}")
}

/// Bounds on one execution, so that no input hangs or exhausts the machine.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Nested `include` calls of one template name (Helm: 1000).
    pub include_per_name: u32,
    /// Nested `include`, `template` and `tpl` calls of any names.
    pub max_depth: u32,
    /// Bytes written by one execution, `include`d text counted too.
    pub max_output: usize,
    /// Actions, text nodes and range iterations evaluated in one execution.
    pub max_steps: u64,
    /// Nested `tpl` calls.
    pub max_tpl_depth: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            include_per_name: 1000,
            max_depth: 10_000,
            max_output: 64 << 20,
            max_steps: 50_000_000,
            max_tpl_depth: 100,
        }
    }
}

/// What an execution needs besides the templates and the data.
#[derive(Default)]
pub struct Env {
    pub cx: FuncCx,
    pub limits: Limits,
    /// Replace `<no value>` by nothing in the result, as Helm does after
    /// every render and `tpl` call (spans are adjusted).
    pub replace_no_value: bool,
}

impl Env {
    /// An environment that behaves as Helm's engine.
    pub fn helm() -> Env {
        Env {
            replace_no_value: true,
            ..Env::default()
        }
    }
}

/// Output bytes `start..end` were written by the node at `template`:`offset`
/// (byte offset in that template's source) and, when the printed value came
/// from the values, by values node `value`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutSpan {
    pub start: u32,
    pub end: u32,
    pub template: Rc<str>,
    pub offset: u32,
    pub value: Option<Origin>,
}

#[derive(Clone, Debug, Default)]
pub struct Output {
    pub text: String,
    pub spans: Vec<OutSpan>,
}

/// One template: the tree of a file or of a `define`, and the file it is in.
#[derive(Debug)]
pub(crate) struct Template {
    /// The file the tree was parsed from (Go's `ParseName`), for positions.
    pub parse_name: Rc<str>,
    pub source: Rc<str>,
    pub root: ast::List,
}

/// A set of named templates sharing one namespace of `define`s.
#[derive(Clone, Debug, Default)]
pub struct TemplateSet {
    templates: HashMap<Rc<str>, Rc<Template>>,
}

impl TemplateSet {
    pub fn new() -> Self {
        TemplateSet::default()
    }

    /// Parses `text` as template `name`; its `define`s join the set (a later
    /// define of the same name replaces the earlier, as Go's AddParseTree
    /// does, unless the later one is empty).
    pub fn parse(&mut self, name: &str, text: &str) -> Result<(), TemplateError> {
        let parsed =
            parse::parse(text).map_err(|e| TemplateError::parse(name, text, e.pos, &e.message))?;
        let parse_name: Rc<str> = Rc::from(name);
        let source: Rc<str> = Rc::from(text);
        for (def, list) in parsed.defines {
            self.associate(
                def,
                Template {
                    parse_name: parse_name.clone(),
                    source: source.clone(),
                    root: list,
                },
            );
        }
        self.associate(
            parse_name.clone(),
            Template {
                parse_name,
                source,
                root: parsed.root,
            },
        );
        Ok(())
    }

    fn associate(&mut self, name: Rc<str>, t: Template) {
        if ast::is_empty_tree(&t.root) && self.templates.contains_key(&name) {
            return;
        }
        self.templates.insert(name, Rc::new(t));
    }

    pub fn has(&self, name: &str) -> bool {
        self.templates.contains_key(name)
    }

    pub(crate) fn get(&self, name: &str) -> Option<&Rc<Template>> {
        self.templates.get(name)
    }

    /// Executes template `name` with `data` as dot (and `$`).
    pub fn execute(
        &self,
        name: &str,
        data: &Value,
        env: &mut Env,
    ) -> Result<Output, TemplateError> {
        let Some(t) = self.templates.get(name).cloned() else {
            return Err(TemplateError::plain(
                name,
                format!(
                    "template: no template {:?} associated with template {:?}",
                    name, SET_NAME
                ),
            ));
        };
        let mut out = exec::run(self, &t, name, data, env)?;
        if env.replace_no_value {
            remove_no_value(&mut out);
        }
        Ok(out)
    }
}

/// Helm's `strings.ReplaceAll(out, "<no value>", "")`, keeping spans aligned.
pub(crate) fn remove_no_value(out: &mut Output) {
    const NV: &str = "<no value>";
    if !out.text.contains(NV) {
        return;
    }
    let mut cuts = Vec::new();
    let mut from = 0;
    while let Some(i) = out.text[from..].find(NV) {
        cuts.push(from + i);
        from += i + NV.len();
    }
    let map = |p: u32| -> u32 {
        let p = p as usize;
        let whole = cuts.partition_point(|&c| c + NV.len() <= p);
        let mut removed = whole * NV.len();
        if let Some(&c) = cuts.get(whole)
            && c < p
        {
            removed += p - c;
        }
        (p - removed) as u32
    };
    for s in &mut out.spans {
        s.start = map(s.start);
        s.end = map(s.end);
    }
    out.spans.retain(|s| s.end > s.start);
    out.text = out.text.replace(NV, "");
}
