//! Placeholder for the Go `text/template` engine with its final interface:
//! templates are kept as text and executed verbatim (no actions), which is
//! enough to exercise chart loading and output assembly.

use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

use super::value::{FuncCx, Origin, Value};

#[derive(Clone, Debug)]
pub struct Limits {
    pub include_per_name: u32,
    pub max_depth: u32,
    pub max_output: usize,
    pub max_steps: u64,
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

#[derive(Default)]
pub struct Env {
    pub cx: FuncCx,
    pub limits: Limits,
    pub replace_no_value: bool,
}

impl Env {
    pub fn helm() -> Env {
        Env {
            replace_no_value: true,
            ..Env::default()
        }
    }
}

#[derive(Clone, Debug)]
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

#[derive(Clone, Debug)]
pub struct TemplateError {
    pub template: String,
    pub line: u32,
    pub col: u32,
    pub message: String,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "template: {}:{}:{}: {}",
            self.template, self.line, self.col, self.message
        )
    }
}

#[derive(Default)]
pub struct TemplateSet {
    texts: BTreeMap<String, Rc<str>>,
}

impl TemplateSet {
    pub fn new() -> Self {
        TemplateSet::default()
    }

    pub fn parse(&mut self, name: &str, text: &str) -> Result<(), TemplateError> {
        self.texts.insert(name.to_string(), Rc::from(text));
        Ok(())
    }

    pub fn has(&self, name: &str) -> bool {
        self.texts.contains_key(name)
    }

    pub fn execute(
        &self,
        name: &str,
        _data: &Value,
        _env: &mut Env,
    ) -> Result<Output, TemplateError> {
        let text = self.texts.get(name).ok_or_else(|| TemplateError {
            template: name.to_string(),
            line: 0,
            col: 0,
            message: format!("no template {name:?}"),
        })?;
        Ok(Output {
            text: text.to_string(),
            spans: vec![OutSpan {
                start: 0,
                end: text.len() as u32,
                template: Rc::from(name),
                offset: 0,
                value: None,
            }],
        })
    }
}
