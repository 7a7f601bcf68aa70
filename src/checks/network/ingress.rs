//! Ingress objects: TLS coverage of their hosts, and the configuration
//! snippets that ingress-nginx pastes into its own configuration.

use super::rendered;
use crate::checks::{Check, is_templated, nearest_span};
use crate::engine::Cx;
use crate::k8s::Object;

fn is_ingress(object: &Object<'_>) -> bool {
    object.kind == "Ingress"
        && matches!(
            object.api_version,
            "networking.k8s.io/v1" | "networking.k8s.io/v1beta1" | "extensions/v1beta1"
        )
}

/// True when a TLS host (`*.example.com` covers one label) covers `host`.
fn covers(tls_host: &str, host: &str) -> bool {
    if tls_host.eq_ignore_ascii_case(host) {
        return true;
    }
    match (tls_host.strip_prefix("*."), host.split_once('.')) {
        (Some(domain), Some((label, rest))) => {
            !label.is_empty() && rest.eq_ignore_ascii_case(domain)
        }
        _ => false,
    }
}

/// `ingress-tls`: Ingresses without TLS, and hosts no TLS entry covers.
pub struct IngressTls;

impl Check for IngressTls {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        if !is_ingress(object) {
            return;
        }
        let name = object.display_name();
        let spec = object.root.get("spec");
        let tls = spec.and_then(|s| s.get("tls")).filter(|t| !t.is_empty());
        let Some(tls) = tls else {
            let span = spec
                .and_then(|s| s.key_span("tls"))
                .or_else(|| nearest_span(object.root, "spec"))
                .unwrap_or_else(|| object.root.head_span());
            cx.report(
                span,
                format!("{name} has no tls section: its hosts are served over plain HTTP"),
            )
            .at_path("spec.tls");
            return;
        };
        if is_templated(tls) {
            return;
        }
        let mut tls_hosts = Vec::new();
        for entry in tls.items() {
            let hosts = entry.get("hosts").filter(|h| !h.is_empty());
            // An entry without hosts serves its certificate for any host.
            let Some(hosts) = hosts else {
                return;
            };
            for host in hosts.items() {
                match rendered(host) {
                    Some(text) => tls_hosts.push(text),
                    None => return,
                }
            }
        }
        let rules = spec
            .and_then(|s| s.get("rules"))
            .into_iter()
            .flat_map(|r| r.items());
        for (i, rule) in rules.enumerate() {
            let Some(host) = rule.get("host") else {
                continue;
            };
            let Some(text) = rendered(host) else {
                continue;
            };
            if !tls_hosts.iter().any(|t| covers(t, text)) {
                cx.report(
                    host.span(),
                    format!("host {text} of {name} is not covered by its tls section"),
                )
                .at_path(format!("spec.rules[{i}].host"));
            }
        }
    }
}

/// `ingress-nginx-snippets`: annotations that paste raw configuration into
/// the ingress controller, worst case first.
pub struct IngressNginxSnippets;

impl Check for IngressNginxSnippets {
    fn check(&self, cx: &mut Cx<'_>, object: &Object<'_>) {
        if !is_ingress(object) {
            return;
        }
        let annotations = object
            .metadata()
            .and_then(|m| m.get("annotations"))
            .into_iter()
            .flat_map(|a| a.entries());
        for (key, value) in annotations {
            let Some(annotation) = key.text().filter(|k| k.contains("snippet")) else {
                continue;
            };
            let text = value.as_text().unwrap_or("");
            let message = if runs_lua(text) {
                format!(
                    "snippet annotation {annotation} runs Lua in the ingress controller (CVE-2021-25742)"
                )
            } else if has_word(text, "kubernetes.io") {
                format!(
                    "snippet annotation {annotation} reaches kubernetes.io paths such as the service account token (CVE-2021-25742)"
                )
            } else if has_word(text, "alias") {
                format!(
                    "snippet annotation {annotation} uses alias, which can serve the controller's own files (CVE-2021-25742)"
                )
            } else {
                format!(
                    "annotation {annotation} injects raw configuration into the ingress controller"
                )
            };
            cx.report(key.span(), message)
                .at_path(format!("metadata.annotations.{annotation}"));
        }
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Each start offset of `needle` in `text` with whether a word boundary
/// precedes and follows it.
fn occurrences<'t>(text: &'t str, needle: &'t str) -> impl Iterator<Item = (bool, bool)> + 't {
    let bytes = text.as_bytes();
    text.match_indices(needle).map(move |(at, _)| {
        let end = at + needle.len();
        let before = at == 0 || !is_word_byte(bytes[at - 1]);
        let after = end == bytes.len() || !is_word_byte(bytes[end]);
        (before, after)
    })
}

fn has_word(text: &str, word: &str) -> bool {
    occurrences(text, word).any(|(before, after)| before && after)
}

/// Lua directives (`content_by_lua_block`, `lua_package_path`).
fn runs_lua(text: &str) -> bool {
    occurrences(text, "lua_").any(|(before, _)| before)
        || occurrences(text, "_lua").any(|(_, after)| after)
        || text.contains("_lua_")
}

#[cfg(test)]
mod tests {
    use super::{covers, has_word, runs_lua};

    #[test]
    fn tls_hosts_cover_rule_hosts() {
        assert!(covers("shop.example.com", "SHOP.example.com"));
        assert!(covers("*.example.com", "shop.example.com"));
        assert!(!covers("*.example.com", "a.shop.example.com"));
        assert!(!covers("*.example.com", "example.com"));
    }

    #[test]
    fn snippet_contents() {
        assert!(runs_lua("content_by_lua_block { }"));
        assert!(runs_lua("lua_shared_dict x 1m;"));
        assert!(runs_lua("access_by_lua 'x';"));
        assert!(!runs_lua("more_set_headers \"X-Lua: no\";"));
        assert!(has_word(
            "cat /var/run/secrets/kubernetes.io/x",
            "kubernetes.io"
        ));
        assert!(!has_word(
            "proxy_set_header Host mykubernetes.io2;",
            "kubernetes.io"
        ));
        assert!(has_word("alias /var/run;", "alias"));
        assert!(!has_word("set $aliases 1;", "alias"));
    }
}
