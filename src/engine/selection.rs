//! Which rules run: selection by id, tag, target or `all`.

use super::Registry;

#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// Rule ids, tags or `all`; empty means every rule that is on by default.
    pub select: Vec<String>,
    /// Added to the default set (or to `select`).
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
}

impl Selection {
    /// Names in the selection that match no rule id, tag or target.
    pub fn unknown<'a>(&'a self, registry: &Registry) -> Vec<&'a str> {
        self.select
            .iter()
            .chain(&self.extend_select)
            .chain(&self.ignore)
            .map(String::as_str)
            .filter(|name| {
                *name != "all"
                    && !registry.rules.iter().any(|r| {
                        r.spec.id == *name
                            || r.spec.tags.iter().any(|t| t == name)
                            || r.spec.target.as_str() == *name
                    })
            })
            .collect()
    }

    /// One flag per registry rule: does it run?
    pub fn enabled(&self, registry: &Registry) -> Vec<bool> {
        registry
            .rules
            .iter()
            .map(|rule| {
                let matches = |names: &[String]| {
                    names.iter().any(|n| {
                        n == "all"
                            || *n == rule.spec.id
                            || rule.spec.tags.iter().any(|t| t == n)
                            || rule.spec.target.as_str() == n
                    })
                };
                let base = if self.select.is_empty() {
                    !rule.spec.opt_in
                } else {
                    matches(&self.select)
                };
                (base || matches(&self.extend_select)) && !matches(&self.ignore)
            })
            .collect()
    }
}
