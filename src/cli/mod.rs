//! The command line: arguments, commands and the exit status.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::engine::{self, FileStatus, KubeVersion, Selection, Settings, Severity};
use crate::report::{Format, Report};
use crate::{LintOptions, lint_paths};

/// Finds security-hardening mistakes in Kubernetes manifests, Helm charts and
/// Dockerfiles, offline, and points at the line to change.
#[derive(Debug, Parser)]
#[command(name = "harden", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check files and directories (the current directory by default).
    Lint(LintArgs),
    /// List the rules.
    Rules(RulesArgs),
    /// Print a rule's documentation.
    Explain {
        /// The rule id, e.g. no-privileged-container.
        rule: String,
        #[command(flatten)]
        custom: CustomRulesArgs,
    },
}

#[derive(Debug, Args)]
pub struct CustomRulesArgs {
    /// Also load the custom rule files (`*.yaml`) of this folder (repeatable).
    #[arg(long = "rules-dir", value_name = "DIR")]
    pub rules_dirs: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files or directories to check.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format [default: github when GITHUB_ACTIONS=true, else human].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Findings at or above this severity make the exit status 1.
    #[arg(long, value_name = "SEVERITY", default_value = "low", value_parser = parse_severity)]
    pub fail_on: Severity,
    /// Exit 0 even when there are findings.
    #[arg(long)]
    pub exit_zero: bool,
    /// Run only these rules (ids, tags, or `all`); comma-separated or repeated.
    #[arg(long, value_delimiter = ',', value_name = "RULE|TAG")]
    pub select: Vec<String>,
    /// Also run these rules (ids or tags), on top of the default set.
    #[arg(long, value_delimiter = ',', value_name = "RULE|TAG")]
    pub extend_select: Vec<String>,
    /// Do not run these rules (ids or tags).
    #[arg(long, value_delimiter = ',', value_name = "RULE|TAG")]
    pub ignore: Vec<String>,
    /// Kubernetes version whose rules apply (e.g. 1.30).
    #[arg(long, value_name = "VERSION", value_parser = parse_kube_version, default_value = "1.37")]
    pub kube_version: KubeVersion,
    /// Also treat files matching this glob as Dockerfiles (repeatable), e.g. `*.docker`.
    #[arg(long, value_name = "GLOB")]
    pub dockerfile_glob: Vec<String>,
    #[command(flatten)]
    pub custom: CustomRulesArgs,
    /// Worker threads (all cores by default).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Say which files were skipped and why, and which custom expression
    /// rules could not be evaluated on an object.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Print findings only, no summary.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
    pub format: RulesFormat,
    #[command(flatten)]
    pub custom: CustomRulesArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Table,
    Json,
    Markdown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn parse_severity(text: &str) -> Result<Severity, String> {
    Severity::parse(text)
        .ok_or_else(|| "expected one of critical, high, medium, low, info".to_string())
}

fn parse_kube_version(text: &str) -> Result<KubeVersion, String> {
    KubeVersion::parse(text).ok_or_else(|| "expected a version such as 1.30".to_string())
}

/// Exit statuses: 0 clean, 1 findings at or above the threshold, 2 errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    Success,
    Failure,
    Error,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> ExitCode {
        match status {
            ExitStatus::Success => ExitCode::from(0),
            ExitStatus::Failure => ExitCode::from(1),
            ExitStatus::Error => ExitCode::from(2),
        }
    }
}

pub fn run(cli: Cli) -> ExitStatus {
    let result = match cli.command {
        Command::Lint(args) => lint(args),
        Command::Rules(args) => rules(args),
        Command::Explain { rule, custom } => explain(&rule, &custom),
    };
    match result {
        Ok(status) => status,
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => ExitStatus::Success,
        Err(error) => {
            eprintln!("harden: error: {error}");
            ExitStatus::Error
        }
    }
}

fn usage_error(message: impl std::fmt::Display) -> std::io::Result<ExitStatus> {
    eprintln!("harden: error: {message}");
    Ok(ExitStatus::Error)
}

fn lint(args: LintArgs) -> std::io::Result<ExitStatus> {
    let format = args.format.unwrap_or_else(|| {
        if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") {
            Format::Github
        } else {
            Format::Human
        }
    });
    let options = LintOptions {
        paths: args.paths.clone(),
        cwd: None,
        selection: Selection {
            select: args.select.clone(),
            extend_select: args.extend_select.clone(),
            ignore: args.ignore.clone(),
        },
        settings: Settings {
            kube_version: args.kube_version,
        },
        threads: args.threads,
        rule_params: Vec::new(),
        dockerfile_globs: args.dockerfile_glob.clone(),
        rules_dirs: args.custom.rules_dirs.clone(),
    };
    let result = match lint_paths(&options) {
        Ok(result) => result,
        Err(message) => return usage_error(message),
    };
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            args.output.is_none()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    };
    let report = Report {
        registry: &result.registry,
        enabled: &result.enabled,
        findings: &result.findings,
        files_checked: result.files_checked(),
        root: result.root.clone(),
        color,
        summary: !args.quiet,
    };
    if args.verbose {
        let mut stderr = std::io::stderr().lock();
        for (path, status) in &result.files {
            if let FileStatus::Skipped(reason) = status {
                writeln!(stderr, "harden: skipped {path}: {reason}")?;
            } else if *status == FileStatus::NotKubernetes {
                writeln!(stderr, "harden: skipped {path}: no Kubernetes object in it")?;
            }
        }
        for note in &result.notes {
            writeln!(stderr, "harden: note: {note}")?;
        }
    }
    match &args.output {
        Some(path) => {
            let file = std::fs::File::create(path).map_err(|e| {
                std::io::Error::new(e.kind(), format!("cannot write {}: {e}", path.display()))
            })?;
            let mut out = std::io::BufWriter::new(file);
            report.write(format, &mut out)?;
            out.flush()?;
        }
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            report.write(format, &mut out)?;
            out.flush()?;
        }
    }
    for error in &result.errors {
        eprintln!("harden: error: {error}");
    }
    if !result.errors.is_empty() {
        return Ok(ExitStatus::Error);
    }
    let failing = result.findings.iter().any(|f| f.severity >= args.fail_on);
    Ok(if failing && !args.exit_zero {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// The built-in rules and those of `--rules-dir`.
fn load_registry(custom: &CustomRulesArgs) -> Result<Arc<engine::Registry>, String> {
    engine::Registry::for_run(&custom.rules_dirs, &[])
}

fn rules(args: RulesArgs) -> std::io::Result<ExitStatus> {
    let registry = match load_registry(&args.custom) {
        Ok(registry) => registry,
        Err(message) => return usage_error(message),
    };
    let text = match args.format {
        RulesFormat::Json => {
            let specs: Vec<&engine::RuleSpec> = registry.rules.iter().map(|r| &r.spec).collect();
            let mut text = serde_json::to_string_pretty(&specs).unwrap_or_default();
            text.push('\n');
            text
        }
        RulesFormat::Markdown => {
            let mut text = String::from(
                "| Rule | Severity | Target | Tags | Summary |\n|---|---|---|---|---|\n",
            );
            for rule in &registry.rules {
                let s = &rule.spec;
                text.push_str(&format!(
                    "| `{}` | {} | {} | {} | {}{} |\n",
                    s.id,
                    s.severity,
                    s.target.as_str(),
                    s.tags.join(", "),
                    s.summary,
                    markers(rule)
                ));
            }
            text
        }
        RulesFormat::Table => {
            let width = registry
                .rules
                .iter()
                .map(|r| r.spec.id.len())
                .max()
                .unwrap_or(4);
            let mut text = format!(
                "{:<width$}  {:<8}  {:<9}  TAGS\n",
                "RULE", "SEVERITY", "TARGET"
            );
            for rule in &registry.rules {
                let s = &rule.spec;
                let mut tags = s.tags.join(",");
                tags.push_str(&markers(rule));
                text.push_str(&format!(
                    "{:<width$}  {:<8}  {:<9}  {}\n",
                    s.id,
                    s.severity.as_str(),
                    s.target.as_str(),
                    tags
                ));
            }
            text
        }
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(ExitStatus::Success)
}

/// ` (opt-in)`, ` (custom)`: what the rules table says after a rule's tags.
fn markers(rule: &engine::Rule) -> String {
    let mut text = String::new();
    if rule.spec.opt_in {
        text.push_str(" (opt-in)");
    }
    if !rule.builtin {
        text.push_str(" (custom)");
    }
    text
}

fn explain(id: &str, custom: &CustomRulesArgs) -> std::io::Result<ExitStatus> {
    let registry = match load_registry(custom) {
        Ok(registry) => registry,
        Err(message) => return usage_error(message),
    };
    match registry.get(id) {
        Some(rule) => {
            let mut text = rule.spec.markdown();
            if !rule.builtin {
                text.push_str(&format!("\nCustom rule, from `{}`.\n", rule.file));
            }
            std::io::stdout().lock().write_all(text.as_bytes())?;
            Ok(ExitStatus::Success)
        }
        None => {
            let close: Vec<&str> = registry
                .rules
                .iter()
                .map(|r| r.spec.id.as_str())
                .filter(|r| r.contains(id) || id.contains(*r))
                .collect();
            if close.is_empty() {
                usage_error(format!("no rule `{id}`; `harden rules` lists them"))
            } else {
                usage_error(format!(
                    "no rule `{id}`; did you mean {}?",
                    close.join(", ")
                ))
            }
        }
    }
}
