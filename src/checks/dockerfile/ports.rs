//! `EXPOSE`: ports that must not be exposed (`expose-port`) and entries
//! that are not ports at all (`expose-valid`).

use serde::Deserialize;

use super::image::NoParams;
use crate::checks::{Check, fill};
use crate::dockerfile::{Dockerfile, Instruction, Word};
use crate::engine::Cx;

fn out_of_range(port: &str) -> String {
    format!("port {port} is outside 0-65535")
}

fn not_a_port(entry: &str) -> String {
    format!("\"{entry}\" is not a port or a port range")
}

fn bad_protocol(protocol: &str) -> String {
    format!("protocol \"{protocol}\" is not tcp, udp or sctp")
}

fn reversed_range(entry: &str) -> String {
    format!("port range {entry} ends before it starts")
}

fn mapping(entry: &str) -> String {
    format!("\"{entry}\" maps a host port; EXPOSE takes container ports only")
}

/// One `EXPOSE` entry: `80`, `80/udp`, `8000-8010/tcp`.
#[derive(Debug, PartialEq, Eq)]
struct Entry<'a> {
    first: u64,
    last: u64,
    /// Lower-cased; `tcp` when none is written.
    protocol: String,
    text: &'a str,
}

/// Why an entry is not valid.
#[derive(Debug, PartialEq, Eq)]
enum Invalid {
    OutOfRange(String),
    NotAPort,
    Protocol(String),
    Reversed,
    Mapping,
}

/// A decimal number; `None` for anything else (numbers too large for
/// `u64` count as `u64::MAX`, out of range either way).
fn number(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(text.parse().unwrap_or(u64::MAX))
}

fn parse_entry(text: &str) -> Result<Entry<'_>, Invalid> {
    let (ports, protocol) = match text.split_once('/') {
        Some((ports, protocol)) => (ports, protocol.to_ascii_lowercase()),
        None => (text, "tcp".to_string()),
    };
    if protocol.is_empty() {
        return Err(Invalid::NotAPort);
    }
    if ports.contains(':') {
        return Err(Invalid::Mapping);
    }
    let (first, last) = match ports.split_once('-') {
        Some((first, last)) => (first, last),
        None => (ports, ports),
    };
    let (Some(low), Some(high)) = (number(first), number(last)) else {
        return Err(Invalid::NotAPort);
    };
    for (value, written) in [(low, first), (high, last)] {
        if value > 65535 {
            return Err(Invalid::OutOfRange(written.to_string()));
        }
    }
    if low > high {
        return Err(Invalid::Reversed);
    }
    if !matches!(protocol.as_str(), "tcp" | "udp" | "sctp") {
        return Err(Invalid::Protocol(protocol));
    }
    Ok(Entry {
        first: low,
        last: high,
        protocol,
        text,
    })
}

/// Every `EXPOSE` (also inside `ONBUILD`) with its index.
fn exposes(file: &Dockerfile) -> impl Iterator<Item = (usize, &Instruction)> {
    file.instructions
        .iter()
        .enumerate()
        .map(|(index, outer)| (index, outer.onbuild.as_deref().unwrap_or(outer)))
        .filter(|(_, instruction)| instruction.keyword == "EXPOSE")
}

/// The entries of an `EXPOSE` with variables expanded; entries that still
/// hold a variable whose value is unknown are left out.
fn entries(file: &Dockerfile, index: usize, instruction: &Instruction) -> Vec<(Word, String)> {
    instruction
        .words()
        .into_iter()
        .map(|word| {
            let value = file.expand(&word.text, index);
            (word, value)
        })
        .filter(|(_, value)| !value.contains('$') && !value.is_empty())
        .collect()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ExposePortParams {
    /// Ports that must not be exposed.
    pub ports: Vec<u64>,
    /// Protocols the ports are checked for.
    #[serde(default = "tcp")]
    pub protocols: Vec<String>,
    /// `{port}` and `{entry}` are filled in.
    pub message: String,
}

fn tcp() -> Vec<String> {
    vec!["tcp".into()]
}

/// `expose-port`: no `EXPOSE` entry covers a listed port (`22`, `22/tcp`,
/// or a range that includes it).
pub struct ExposePort {
    params: ExposePortParams,
}

impl ExposePort {
    pub fn new(params: ExposePortParams) -> Result<Self, String> {
        if params.ports.is_empty() {
            return Err("`ports` must not be empty".into());
        }
        Ok(ExposePort { params })
    }
}

impl Check for ExposePort {
    fn check_dockerfile(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        for (index, instruction) in exposes(file) {
            for (word, value) in entries(file, index, instruction) {
                let Ok(entry) = parse_entry(&value) else {
                    continue;
                };
                if !self
                    .params
                    .protocols
                    .iter()
                    .any(|p| p.eq_ignore_ascii_case(&entry.protocol))
                {
                    continue;
                }
                let Some(port) = self
                    .params
                    .ports
                    .iter()
                    .find(|&&p| entry.first <= p && p <= entry.last)
                else {
                    continue;
                };
                let port = port.to_string();
                let message = fill(
                    &self.params.message,
                    &[("port", &port), ("entry", entry.text)],
                );
                cx.report(word.span, message)
                    .at_path(format!("instruction[{index}].EXPOSE"));
            }
        }
    }
}

/// `expose-valid`: every `EXPOSE` entry is a port (0-65535) or a range of
/// them, with an optional `tcp`, `udp` or `sctp` protocol.
pub struct ExposeValid;

impl ExposeValid {
    pub fn new(_: NoParams) -> Self {
        ExposeValid
    }
}

impl Check for ExposeValid {
    fn check_dockerfile(&self, cx: &mut Cx<'_>, file: &Dockerfile) {
        for (index, instruction) in exposes(file) {
            for (word, value) in entries(file, index, instruction) {
                let message = match parse_entry(&value) {
                    Ok(_) => continue,
                    Err(Invalid::OutOfRange(port)) => out_of_range(&port),
                    Err(Invalid::NotAPort) => not_a_port(&value),
                    Err(Invalid::Protocol(protocol)) => bad_protocol(&protocol),
                    Err(Invalid::Reversed) => reversed_range(&value),
                    Err(Invalid::Mapping) => mapping(&value),
                };
                cx.report(word.span, message)
                    .at_path(format!("instruction[{index}].EXPOSE"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries() {
        let entry = parse_entry("8000-8010/UDP").unwrap();
        assert_eq!(
            (entry.first, entry.last, entry.protocol.as_str()),
            (8000, 8010, "udp")
        );
        assert_eq!(parse_entry("80").unwrap().protocol, "tcp");
        assert!(parse_entry("0").is_ok());
        assert!(parse_entry("65535/sctp").is_ok());
        assert_eq!(
            parse_entry("65536"),
            Err(Invalid::OutOfRange("65536".into()))
        );
        assert_eq!(
            parse_entry("80-99999999999999999999999"),
            Err(Invalid::OutOfRange("99999999999999999999999".into()))
        );
        assert_eq!(parse_entry("http"), Err(Invalid::NotAPort));
        assert_eq!(parse_entry("80-"), Err(Invalid::NotAPort));
        assert_eq!(parse_entry("-80"), Err(Invalid::NotAPort));
        assert_eq!(parse_entry("/tcp"), Err(Invalid::NotAPort));
        assert_eq!(parse_entry("80/"), Err(Invalid::NotAPort));
        assert_eq!(
            parse_entry("80/http"),
            Err(Invalid::Protocol("http".into()))
        );
        assert_eq!(parse_entry("90-80"), Err(Invalid::Reversed));
        assert_eq!(parse_entry("8080:80"), Err(Invalid::Mapping));
    }
}
