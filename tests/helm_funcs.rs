//! `toYaml` against real Helm: subtrees of corpus charts' values, written by
//! harden's `toYaml` and indented as templates indent them, must appear
//! verbatim in what Helm rendered for those charts.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use harden::helm::funcs::lookup;
use harden::helm::value::{FuncCx, Value};

fn call(name: &str, args: &[Value]) -> Value {
    let f = lookup(name).unwrap_or_else(|| panic!("no function {name}"));
    f(&mut FuncCx::default(), args).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A chart's default values as templates see them: numbers as float64,
/// null entries dropped (Helm's coalescing deletes them).
fn values(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap();
    let v = call("fromYaml", &[Value::str(text)]);
    fn drop_nulls(v: &Value) {
        match v {
            Value::Map(m) => {
                m.borrow_mut().retain(|_, v| !v.is_nil());
                m.borrow().values().for_each(drop_nulls);
            }
            Value::List(l) => l.borrow().iter().for_each(drop_nulls),
            _ => {}
        }
    }
    drop_nulls(&v);
    v
}

fn golden_texts(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().is_some_and(|n| n != "render.json") {
                out.push(fs::read_to_string(&p).unwrap_or_default());
            }
        }
    }
    out
}

/// Whether `toYaml v | nindent k` appears in a golden for some k.
fn appears(block: &str, goldens: &[String]) -> bool {
    (0..=16).step_by(2).any(|k| {
        let text = call("nindent", &[Value::Int(k), Value::str(block)]).go_string();
        goldens.iter().any(|g| g.contains(&format!("{text}\n")))
    })
}

/// Every multi-line map or list under the values' top two levels.
fn subtrees(v: &Value, depth: usize, out: &mut Vec<(String, Value)>, path: &str) {
    if depth > 2 {
        return;
    }
    if let Value::Map(m) = v {
        for (k, child) in m.borrow().iter() {
            let p = format!("{path}.{k}");
            let big = match child {
                Value::Map(c) => c.borrow().len() > 1,
                Value::List(c) => c.borrow().len() > 1,
                _ => false,
            };
            if big {
                out.push((p.clone(), child.clone()));
            }
            subtrees(child, depth + 1, out, &p);
        }
    }
}

struct Case {
    chart: &'static str,
    golden: &'static str,
    /// Values paths whose `toYaml` Helm printed in the default render.
    must_appear: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        chart: "prometheus-community__helm-charts/kube-state-metrics",
        golden: "prometheus-community__helm-charts__kube-state-metrics",
        must_appear: &[".containerSecurityContext"],
    },
    Case {
        chart: "prometheus-community__helm-charts/prometheus-node-exporter",
        golden: "prometheus-community__helm-charts__prometheus-node-exporter",
        must_appear: &[".securityContext"],
    },
    Case {
        chart: "kubernetes__ingress-nginx/ingress-nginx",
        golden: "kubernetes__ingress-nginx__ingress-nginx",
        must_appear: &[".controller.livenessProbe", ".controller.readinessProbe"],
    },
    Case {
        chart: "bitnami__charts/nginx",
        golden: "bitnami__charts__nginx",
        must_appear: &[".updateStrategy"],
    },
    Case {
        chart: "grafana-community__helm-charts/grafana",
        golden: "grafana-community__helm-charts__grafana",
        must_appear: &[".containerSecurityContext", ".securityContext"],
    },
];

#[test]
fn to_yaml_of_values_appears_in_helm_renders() {
    let Some(corpus) = common::shared("corpus/helm", "to_yaml_of_values_appears_in_helm_renders")
    else {
        return;
    };
    let Some(goldens) = common::shared("helm-golden", "to_yaml_of_values_appears_in_helm_renders")
    else {
        return;
    };
    let mut found_total = 0;
    for case in CASES {
        let values_path: PathBuf = corpus.join(case.chart).join("values.yaml");
        if !values_path.is_file() {
            continue;
        }
        let v = values(&values_path);
        let texts = golden_texts(&goldens.join(case.golden).join("default"));
        let mut trees = Vec::new();
        subtrees(&v, 0, &mut trees, "");
        let found: Vec<&str> = trees
            .iter()
            .filter(|(_, t)| {
                let block = call("toYaml", std::slice::from_ref(t)).go_string();
                appears(&block, &texts)
            })
            .map(|(p, _)| p.as_str())
            .collect();
        for want in case.must_appear {
            assert!(
                found.contains(want),
                "{}: {want} not found in Helm's render",
                case.chart
            );
        }
        found_total += found.len();
    }
    eprintln!("{found_total} values subtrees found verbatim in Helm's renders");
    // Measured: 15 subtrees of these five charts match.
    assert!(found_total >= 14, "only {found_total} subtrees matched");
}
