//! An index of pod templates by label, built once per set rule, so that
//! "which pods does this selector select" looks at the pods that carry one
//! of the selector's required labels instead of at every pod of the input.

use std::collections::HashMap;

use super::{PodRecord, same_namespace};
use crate::k8s::{Operator, Selector};

pub struct PodIndex<'p> {
    pods: Vec<&'p PodRecord>,
    /// Positions in `pods` of the pods carrying `key: value`, ascending.
    by_label: HashMap<(&'p str, &'p str), Vec<usize>>,
}

impl<'p> PodIndex<'p> {
    pub fn new(pods: &[&'p PodRecord]) -> PodIndex<'p> {
        let mut by_label: HashMap<(&'p str, &'p str), Vec<usize>> = HashMap::new();
        for (position, pod) in pods.iter().enumerate() {
            for (key, value) in &pod.labels {
                let list = by_label.entry((key.as_str(), value.as_str())).or_default();
                if list.last() != Some(&position) {
                    list.push(position);
                }
            }
        }
        PodIndex {
            pods: pods.to_vec(),
            by_label,
        }
    }

    /// The pods in `namespace` that `selector` matches, in input order: the
    /// same pods, in the same order, as testing every pod.
    pub fn selected(&self, namespace: &Option<String>, selector: &Selector) -> Vec<&'p PodRecord> {
        self.positions(namespace, selector)
            .into_iter()
            .filter_map(|p| self.pods.get(p).copied())
            .collect()
    }

    /// The positions, in the slice the index was built from, of the pods
    /// `selected` returns.
    pub fn positions(&self, namespace: &Option<String>, selector: &Selector) -> Vec<usize> {
        let keep = |&position: &usize| {
            self.pods.get(position).is_some_and(|pod| {
                same_namespace(namespace, &pod.namespace) && selector.matches(&pod.labels)
            })
        };
        match self.candidates(selector) {
            Some(positions) => positions.into_iter().filter(keep).collect(),
            None => (0..self.pods.len()).filter(keep).collect(),
        }
    }

    /// Every pod a selector can match carries one of the values of each of
    /// its `In` requirements: the positions of the pods that carry a value
    /// of the narrowest one. `None` when no requirement narrows the search.
    fn candidates(&self, selector: &Selector) -> Option<Vec<usize>> {
        let narrowest = selector
            .requirements
            .iter()
            .filter(|r| r.operator == Operator::In)
            .map(|r| self.postings(&r.key, &r.values))
            .min_by_key(|lists| lists.iter().map(|l| l.len()).sum::<usize>())?;
        let mut positions: Vec<usize> = narrowest.into_iter().flatten().copied().collect();
        positions.sort_unstable();
        positions.dedup();
        Some(positions)
    }

    /// The lists of the pods carrying `key` with one of `values`.
    fn postings<'s>(&'s self, key: &'s str, values: &'s [String]) -> Vec<&'s [usize]> {
        let by_label: &HashMap<(&str, &str), Vec<usize>> = &self.by_label;
        values
            .iter()
            .filter_map(|v| by_label.get(&(key, v.as_str())))
            .map(Vec::as_slice)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::k8s::Requirement;

    fn pod(namespace: Option<&str>, labels: &[(&str, &str)]) -> PodRecord {
        PodRecord {
            namespace: namespace.map(str::to_string),
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ports: Vec::new(),
        }
    }

    fn requirement(key: &str, operator: Operator, values: &[&str]) -> Requirement {
        Requirement {
            key: key.to_string(),
            operator,
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    /// The index finds what a scan of every pod finds, in the same order.
    #[test]
    fn same_pods_as_a_scan() {
        let pods = [
            pod(Some("a"), &[("app", "web"), ("tier", "front")]),
            pod(None, &[("app", "web")]),
            pod(Some("b"), &[("app", "web")]),
            pod(Some("a"), &[("app", "db"), ("app", "web")]),
            pod(Some("a"), &[("tier", "front")]),
            pod(Some("a"), &[]),
        ];
        let refs: Vec<&PodRecord> = pods.iter().collect();
        let index = PodIndex::new(&refs);
        let selectors = [
            vec![requirement("app", Operator::In, &["web"])],
            vec![requirement("app", Operator::In, &["db", "web"])],
            vec![
                requirement("app", Operator::In, &["web"]),
                requirement("tier", Operator::In, &["front"]),
            ],
            vec![requirement("tier", Operator::NotIn, &["front"])],
            vec![requirement("app", Operator::Exists, &[])],
            vec![requirement("app", Operator::In, &["none"])],
            vec![],
        ];
        for requirements in selectors {
            let selector = Selector {
                requirements,
                unknown: false,
            };
            for namespace in [None, Some("a".to_string()), Some("c".to_string())] {
                let scanned: Vec<*const PodRecord> = refs
                    .iter()
                    .filter(|p| same_namespace(&namespace, &p.namespace))
                    .filter(|p| selector.matches(&p.labels))
                    .map(|p| *p as *const PodRecord)
                    .collect();
                let indexed: Vec<*const PodRecord> = index
                    .selected(&namespace, &selector)
                    .into_iter()
                    .map(|p| p as *const PodRecord)
                    .collect();
                assert_eq!(indexed, scanned, "{selector:?} in {namespace:?}");
            }
        }
    }
}
