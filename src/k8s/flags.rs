//! The command line of a control-plane component run by a container, as
//! kubeadm writes static-pod manifests: which component the container runs
//! (kube-apiserver, kube-controller-manager, kube-scheduler, etcd, kubelet)
//! and the flags it passes, each with where it sits in the source.
//!
//! The argument vector is `command` followed by `args`, as Kubernetes joins
//! them. Flags are read as the components' flag parser reads them:
//! `--name=value`, `--name value` (two items) for flags that take a value,
//! a bare `--name` for boolean flags, and `--` ending the flags. etcd also
//! reads `ETCD_*` environment variables, which its flags override.

use super::Container;
use crate::source::Span;
use crate::yaml::{NodeRef, Style};

/// A control-plane component, by the binary that runs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Component {
    ApiServer,
    ControllerManager,
    Scheduler,
    Etcd,
    Kubelet,
}

impl Component {
    pub const ALL: [Component; 5] = [
        Component::ApiServer,
        Component::ControllerManager,
        Component::Scheduler,
        Component::Etcd,
        Component::Kubelet,
    ];

    pub fn binary(self) -> &'static str {
        match self {
            Component::ApiServer => "kube-apiserver",
            Component::ControllerManager => "kube-controller-manager",
            Component::Scheduler => "kube-scheduler",
            Component::Etcd => "etcd",
            Component::Kubelet => "kubelet",
        }
    }

    /// The component a binary name runs (`kube-apiserver`, or the
    /// `apiserver` subcommand of the old all-in-one `hyperkube`).
    pub fn from_binary(name: &str) -> Option<Component> {
        Component::ALL.into_iter().find(|c| {
            let binary = c.binary();
            name == binary || binary.strip_prefix("kube-") == Some(name)
        })
    }
}

/// Flags that take no value: a bare `--profiling` means true, and the item
/// after it is not its value.
const BOOL_FLAGS: &[&str] = &[
    "allocate-node-cidrs",
    "allow-privileged",
    "anonymous-auth",
    "audit-log-compress",
    "auto-tls",
    "cgroups-per-qos",
    "client-cert-auth",
    "configure-cloud-routes",
    "contention-profiling",
    "debug",
    "enable-aggregator-routing",
    "enable-bootstrap-token-auth",
    "enable-controller-attach-detach",
    "enable-debugging-handlers",
    "enable-garbage-collector",
    "enable-pprof",
    "enable-priority-and-fairness",
    "enable-server",
    "enable-v2",
    "exit-on-lock-contention",
    "fail-swap-on",
    "force-new-cluster",
    "help",
    "kubelet-https",
    "leader-elect",
    "make-iptables-util-chains",
    "peer-auto-tls",
    "peer-client-cert-auth",
    "profiling",
    "protect-kernel-defaults",
    "register-node",
    "rotate-certificates",
    "rotate-server-certificates",
    "serialize-image-pulls",
    "service-account-lookup",
    "strict-reconfig-check",
    "use-service-account-credentials",
    "version",
];

/// One flag as given on the command line (or in an `ETCD_*` variable).
#[derive(Clone, Copy, Debug)]
pub struct Flag<'a> {
    /// The name without its dashes: `anonymous-auth`.
    pub name: &'a str,
    /// The value; `true` for a bare boolean flag. `None` when it cannot be
    /// read here: a value flag with nothing after it, or a variable set
    /// through `valueFrom`.
    pub value: Option<&'a str>,
    /// The item that names the flag.
    pub item: NodeRef<'a>,
    /// The item that holds the value: the same item for `--name=value`, the
    /// next one for `--name value`.
    pub value_node: NodeRef<'a>,
    /// Where the value starts in `value_node`'s text.
    value_at: usize,
    /// `command`, `args` or `env`: the container field it came from.
    pub field: &'static str,
}

impl<'a> Flag<'a> {
    /// Where to point at this flag: the whole `--name=value` item, or the
    /// value's item for `--name value`.
    pub fn span(&self) -> Span {
        self.value_node.span()
    }

    /// The span of `range` of the value (one element of a comma list), or
    /// of the whole item when the source does not hold the text verbatim.
    pub fn value_span(&self, range: std::ops::Range<usize>) -> Span {
        let start = self.value_at + range.start;
        verbatim_span(self.value_node, start..start + range.len())
    }

    /// The value's comma-separated elements with their spans, empty ones
    /// left out: `--enable-admission-plugins=NodeRestriction,EventRateLimit`.
    pub fn elements(&self) -> Vec<(&'a str, Span)> {
        let Some(value) = self.value else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut at = 0;
        for part in value.split(',') {
            let trimmed = part.trim();
            if !trimmed.is_empty() {
                let start = at + (part.len() - part.trim_start().len());
                out.push((trimmed, self.value_span(start..start + trimmed.len())));
            }
            at += part.len() + 1;
        }
        out
    }

    /// True when the flag turns something on: set to anything but `false`
    /// (or an empty value).
    pub fn is_on(&self) -> bool {
        match self.value {
            Some(value) => !value.is_empty() && parse_go_bool(value) != Some(false),
            None => true,
        }
    }
}

/// The span of `range` of a single-line scalar's text, when the source holds
/// that text verbatim (plain scalars, quoted ones without escapes); otherwise
/// the whole scalar.
fn verbatim_span(node: NodeRef<'_>, range: std::ops::Range<usize>) -> Span {
    let whole = node.span();
    let (Some(text), Some(raw)) = (
        node.text(),
        node.document()
            .source()
            .get(whole.start as usize..whole.end as usize),
    ) else {
        return whole;
    };
    let offset = match node.style() {
        Some(Style::Plain) if raw == text => 0,
        Some(Style::SingleQuoted | Style::DoubleQuoted)
            if raw.len() == text.len() + 2 && raw.get(1..raw.len() - 1) == Some(text) =>
        {
            1
        }
        _ => return whole,
    };
    if range.end > text.len() {
        return whole;
    }
    let start = whole.start + (offset + range.start) as u32;
    Span::new(start, start + range.len() as u32)
}

/// Go's `strconv.ParseBool`, which the components use for boolean flags.
pub fn parse_go_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Go's `time.ParseDuration` (`90s`, `1h30m`, `0`), in seconds.
pub fn parse_go_duration(text: &str) -> Option<f64> {
    let (sign, mut rest) = match text.strip_prefix('-') {
        Some(rest) => (-1.0, rest),
        None => (1.0, text.strip_prefix('+').unwrap_or(text)),
    };
    if rest == "0" {
        return Some(0.0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total = 0.0;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit] {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += number * scale;
        rest = &rest[unit..];
    }
    Some(sign * total)
}

/// The command line of a container that runs a control-plane component.
#[derive(Clone, Debug)]
pub struct CommandLine<'a> {
    pub component: Component,
    pub container: Container<'a>,
    /// The `command:` key, or `args:` when the component is named there:
    /// where to point when a flag is missing.
    pub key: Span,
    /// `command` or `args`, for field paths.
    pub key_field: &'static str,
    flags: Vec<Flag<'a>>,
}

impl<'a> CommandLine<'a> {
    /// The component a container runs and its flags, if its command (or,
    /// without a command, its args) starts with one of the components'
    /// binaries, with or without a directory (`/usr/local/bin/etcd`), and
    /// does not merely ask for its version or help.
    pub fn of(container: &Container<'a>) -> Option<CommandLine<'a>> {
        let mut argv: Vec<(NodeRef<'a>, &'static str)> = Vec::new();
        for field in ["command", "args"] {
            let list = container.node.get(field).filter(|l| l.is_seq());
            argv.extend(list.into_iter().flat_map(|l| l.items()).map(|n| (n, field)));
        }
        let (first, key_field) = *argv.first()?;
        let first_text = first.as_text()?;
        // Without a command, args that begin with a flag go to the image's
        // entrypoint: the component is the one the image is named after.
        let (component, skip) = if key_field == "args" && first_text.starts_with('-') {
            (image_component(container)?, 0)
        } else {
            let mut program = basename(first_text);
            let mut skip = 1;
            if program == "hyperkube" {
                program = argv.get(1).and_then(|(n, _)| n.as_text())?;
                skip = 2;
            }
            (Component::from_binary(program)?, skip)
        };
        let key = container.node.key_span(key_field)?;
        let mut flags = Vec::new();
        if component == Component::Etcd {
            flags.extend(etcd_environment(container));
        }
        flags.extend(parse_flags(&argv[skip.min(argv.len())..]));
        // `kube-apiserver --version` prints and exits: it serves nothing.
        if flags
            .iter()
            .any(|f| matches!(f.name, "version" | "help" | "h"))
        {
            return None;
        }
        Some(CommandLine {
            component,
            container: *container,
            key,
            key_field,
            flags,
        })
    }

    /// Every flag, in order.
    pub fn flags(&self) -> &[Flag<'a>] {
        &self.flags
    }

    /// Every occurrence of a flag, in order.
    pub fn all(&self, name: &str) -> impl Iterator<Item = &Flag<'a>> {
        self.flags.iter().filter(move |f| f.name == name)
    }

    /// The occurrence that counts for a single-valued flag: the last.
    pub fn last(&self, name: &str) -> Option<&Flag<'a>> {
        self.all(name).last()
    }

    /// The elements of a list flag, gathered over every occurrence (a
    /// repeated list flag adds to the list, as the components' flag parser
    /// does).
    pub fn list(&self, name: &str) -> Vec<(&'a str, Span)> {
        self.all(name).flat_map(|f| f.elements()).collect()
    }

    /// One entry of a `Key=value` map flag (`--feature-gates`), the last one
    /// given over every occurrence, with the span of the `Key=value` pair.
    pub fn map_entry(&self, name: &str, key: &str) -> Option<(&'a str, Span)> {
        self.list(name).into_iter().rev().find_map(|(pair, span)| {
            let (k, v) = pair.split_once('=')?;
            (k.trim() == key).then_some((v.trim(), span))
        })
    }
}

/// The component an image is named after: `registry.k8s.io/etcd:3.5`,
/// `gcr.io/google_containers/kube-apiserver-amd64:v1.6.0`.
fn image_component(container: &Container<'_>) -> Option<Component> {
    let (_, image) = container.image()?;
    let mut name = basename(image.repository);
    for arch in ["-amd64", "-arm64", "-arm", "-ppc64le", "-s390x"] {
        if let Some(stripped) = name.strip_suffix(arch) {
            name = stripped;
        }
    }
    Component::ALL.into_iter().find(|c| c.binary() == name)
}

fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn parse_flags<'a>(argv: &[(NodeRef<'a>, &'static str)]) -> Vec<Flag<'a>> {
    let mut flags = Vec::new();
    let mut index = 0;
    while index < argv.len() {
        let (item, field) = argv[index];
        index += 1;
        let Some(text) = item.as_text() else {
            continue;
        };
        if text == "--" {
            break;
        }
        let dashes = if text.starts_with("--") { 2 } else { 1 };
        if !text.starts_with('-') || text.len() <= dashes {
            continue;
        }
        let body = &text[dashes..];
        let flag = match body.split_once('=') {
            Some((name, value)) => Flag {
                name,
                value: Some(value),
                item,
                value_node: item,
                value_at: dashes + name.len() + 1,
                field,
            },
            None if BOOL_FLAGS.contains(&body) => Flag {
                name: body,
                value: Some("true"),
                item,
                value_node: item,
                value_at: 0,
                field,
            },
            None => {
                let next = argv
                    .get(index)
                    .and_then(|&(n, _)| Some((n, n.as_text()?)))
                    .filter(|(_, t)| !t.starts_with('-'));
                if next.is_some() {
                    index += 1;
                }
                Flag {
                    name: body,
                    value: next.map(|(_, t)| t),
                    item,
                    value_node: next.map_or(item, |(n, _)| n),
                    value_at: 0,
                    field,
                }
            }
        };
        flags.push(flag);
    }
    flags
}

/// etcd's `ETCD_CLIENT_CERT_AUTH=true` variables, as flags.
fn etcd_environment<'a>(container: &Container<'a>) -> Vec<Flag<'a>> {
    let mut flags = Vec::new();
    let env = container
        .node
        .get("env")
        .into_iter()
        .flat_map(|e| e.items());
    for entry in env {
        let Some((key, name)) = entry.entry("name") else {
            continue;
        };
        let Some(variable) = name.as_text().and_then(|n| n.strip_prefix("ETCD_")) else {
            continue;
        };
        let Some(flag_name) = etcd_flag(variable) else {
            continue;
        };
        let value = entry.get("value");
        flags.push(Flag {
            name: flag_name,
            value: value.and_then(|v| v.as_text()),
            item: key,
            value_node: value.unwrap_or(name),
            value_at: 0,
            field: "env",
        });
    }
    flags
}

/// The flag an `ETCD_*` variable sets (`CLIENT_CERT_AUTH` → `client-cert-auth`),
/// among the flags that matter for etcd's security settings.
fn etcd_flag(variable: &str) -> Option<&'static str> {
    ETCD_FLAGS.iter().copied().find(|flag| {
        flag.len() == variable.len()
            && flag
                .bytes()
                .zip(variable.bytes())
                .all(|(f, v)| f.to_ascii_uppercase() == if v == b'_' { b'-' } else { v })
    })
}

/// etcd flags that matter for its security settings.
const ETCD_FLAGS: &[&str] = &[
    "auto-tls",
    "cert-file",
    "cipher-suites",
    "client-cert-auth",
    "key-file",
    "peer-auto-tls",
    "peer-cert-file",
    "peer-client-cert-auth",
    "peer-key-file",
    "peer-trusted-ca-file",
    "trusted-ca-file",
];

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::k8s::Object;
    use crate::yaml::{Limits, parse_stream};

    fn with_command_line(text: &str, check: impl Fn(Option<CommandLine<'_>>, &str)) {
        let documents = parse_stream(&Arc::from(text), &Limits::default()).documents;
        let object = Object::all_in(&documents[0])[0];
        let pod = object.pod_spec().unwrap();
        let container = pod.containers().next().unwrap();
        check(CommandLine::of(&container), text);
    }

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start as usize..span.end as usize]
    }

    #[test]
    fn kubeadm_command_with_paths_pairs_and_repeats() {
        let text = r#"
apiVersion: v1
kind: Pod
metadata: {name: kube-apiserver}
spec:
  containers:
    - name: kube-apiserver
      command:
        - /usr/local/bin/kube-apiserver
        - --profiling
        - --audit-log-maxage
        - "7"
        - --enable-admission-plugins=NodeRestriction, EventRateLimit
        - '--authorization-mode=Node'
        - --authorization-mode=RBAC
        - --anonymous-auth=true
        - --anonymous-auth=false
        - --feature-gates=A=true,RotateKubeletServerCertificate=false
        - --
        - --token-auth-file=/ignored
"#;
        with_command_line(text, |line, text| {
            let line = line.unwrap();
            assert_eq!(line.component, Component::ApiServer);
            assert_eq!(slice(text, line.key), "command");
            assert_eq!(line.last("profiling").unwrap().value, Some("true"));
            let maxage = line.last("audit-log-maxage").unwrap();
            assert_eq!(maxage.value, Some("7"));
            assert_eq!(slice(text, maxage.span()), "\"7\"");
            let plugins: Vec<_> = line
                .list("enable-admission-plugins")
                .into_iter()
                .map(|(p, s)| (p, slice(text, s)))
                .collect();
            assert_eq!(
                plugins,
                [
                    ("NodeRestriction", "NodeRestriction"),
                    ("EventRateLimit", "EventRateLimit")
                ]
            );
            let modes: Vec<_> = line
                .list("authorization-mode")
                .into_iter()
                .map(|(m, s)| slice(text, s).to_string() + m)
                .collect();
            assert_eq!(modes, ["NodeNode", "RBACRBAC"]);
            assert_eq!(line.last("anonymous-auth").unwrap().value, Some("false"));
            let (gate, span) = line
                .map_entry("feature-gates", "RotateKubeletServerCertificate")
                .unwrap();
            assert_eq!(gate, "false");
            assert_eq!(slice(text, span), "RotateKubeletServerCertificate=false");
            assert!(line.last("token-auth-file").is_none());
        });
    }

    #[test]
    fn args_after_a_bare_command_and_hyperkube() {
        let text = "
apiVersion: v1
kind: Pod
metadata: {name: s}
spec:
  containers:
    - name: s
      command: [hyperkube, scheduler]
      args: [--bind-address, 0.0.0.0, --profiling=false]
";
        with_command_line(text, |line, text| {
            let line = line.unwrap();
            assert_eq!(line.component, Component::Scheduler);
            let bind = line.last("bind-address").unwrap();
            assert_eq!(bind.field, "args");
            assert_eq!(slice(text, bind.span()), "0.0.0.0");
            assert!(!line.last("profiling").unwrap().is_on());
        });
    }

    #[test]
    fn etcd_environment_is_overridden_by_flags() {
        let text = "
apiVersion: v1
kind: Pod
metadata: {name: etcd}
spec:
  containers:
    - name: etcd
      command: [etcd, --client-cert-auth=false]
      env:
        - {name: ETCD_CLIENT_CERT_AUTH, value: 'true'}
        - {name: ETCD_AUTO_TLS, value: 'true'}
";
        with_command_line(text, |line, _| {
            let line = line.unwrap();
            assert_eq!(line.component, Component::Etcd);
            assert_eq!(line.last("client-cert-auth").unwrap().value, Some("false"));
            assert_eq!(line.last("auto-tls").unwrap().field, "env");
        });
    }

    #[test]
    fn args_without_command_go_to_the_image_entrypoint() {
        let text = "
apiVersion: v1
kind: Pod
spec:
  containers:
    - name: kuku
      image: b.gcr.io/kuar/etcd:2.2.0
      args: [--name=etcd0, --peer-client-cert-auth=false]
";
        with_command_line(text, |line, _| {
            let line = line.unwrap();
            assert_eq!(line.component, Component::Etcd);
            assert_eq!(line.key_field, "args");
            assert_eq!(
                line.last("peer-client-cert-auth").unwrap().value,
                Some("false")
            );
        });
        let text = "
apiVersion: v1
kind: Pod
spec:
  containers:
    - name: app
      image: ghcr.io/acme/app:1.0
      args: [--port=8080]
";
        with_command_line(text, |line, _| assert!(line.is_none()));
    }

    #[test]
    fn go_durations() {
        assert_eq!(parse_go_duration("0"), Some(0.0));
        assert_eq!(parse_go_duration("1h30m"), Some(5400.0));
        assert_eq!(parse_go_duration("300s"), Some(300.0));
        assert_eq!(parse_go_duration("1.5m"), Some(90.0));
        assert_eq!(parse_go_duration("-2s"), Some(-2.0));
        assert_eq!(parse_go_duration("60"), None);
        assert_eq!(parse_go_duration("s"), None);
        assert_eq!(parse_go_duration(""), None);
    }

    #[test]
    fn other_programs_are_not_components() {
        let text = "
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: p
      command: [sh, -c, kube-apiserver --anonymous-auth=true]
";
        with_command_line(text, |line, _| assert!(line.is_none()));
        let version = text.replace(
            "[sh, -c, kube-apiserver --anonymous-auth=true]",
            "[etcd, --version]",
        );
        with_command_line(&version, |line, _| assert!(line.is_none()));
    }
}
