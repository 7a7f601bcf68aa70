//! The command line: arguments, commands and the exit status.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::engine::{self, FileStatus, KubeVersion, Selection, Settings, Severity};
use crate::report::{Format, Report};
use crate::{LintOptions, lint_paths};

mod outputs;
mod stdin;

pub use outputs::Destination;

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
    Lint(Box<LintArgs>),
    /// List the rules.
    Rules(RulesArgs),
    /// Print a rule's documentation.
    Explain {
        /// The rule id, e.g. no-privileged-container.
        rule: String,
    },
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files or directories to check; `-` reads one file from standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format, repeatable [default: github when GITHUB_ACTIONS=true, else human].
    #[arg(long, value_enum)]
    pub format: Vec<Format>,
    /// Write the report of the --format just before this option to FILE.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Vec<PathBuf>,
    /// The name of the file read from standard input with `-`: its kind
    /// (manifest or Dockerfile) and the path findings show.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
    /// Command-line positions of each --format and --output (filled by `parse`).
    #[arg(skip)]
    pub positions: Positions,
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
    /// Worker threads (all cores by default).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// When to colour human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Say which files were skipped and why.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Print findings only, no summary.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Read, parse and model every file but run no rule: the floor that
    /// benchmarks compare a full lint with.
    #[arg(long, hide = true)]
    pub parse_only: bool,
}

/// Where `--format` and `--output` stood on the command line, so that each
/// output is paired with the format before it.
#[derive(Clone, Debug, Default)]
pub struct Positions {
    pub formats: Vec<usize>,
    pub outputs: Vec<usize>,
}

/// Parses the command line, keeping the order of `--format` and `--output`.
pub fn parse() -> Result<Cli, clap::Error> {
    parse_from(std::env::args_os())
}

pub fn parse_from<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let matches = Cli::command().try_get_matches_from(args)?;
    let mut cli = Cli::from_arg_matches(&matches)?;
    if let (Command::Lint(args), Some(("lint", sub))) = (&mut cli.command, matches.subcommand()) {
        args.positions = Positions {
            formats: sub.indices_of("format").into_iter().flatten().collect(),
            outputs: sub.indices_of("output").into_iter().flatten().collect(),
        };
    }
    Ok(cli)
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
    pub format: RulesFormat,
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
        Command::Lint(args) => lint(*args),
        Command::Rules(args) => rules(args),
        Command::Explain { rule } => explain(&rule),
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
    let default = if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") {
        Format::Github
    } else {
        Format::Human
    };
    let destinations = match outputs::pair(
        &positioned(&args.positions.formats, &args.format, 0),
        &positioned(&args.positions.outputs, &args.output, 1),
        default,
    ) {
        Ok(destinations) => destinations,
        Err(message) => return usage_error(message),
    };
    let (paths, stdin) = match stdin::take(&args.paths, args.stdin_filename.as_deref()) {
        Ok(taken) => taken,
        Err(message) => return usage_error(message),
    };
    let mut options = LintOptions {
        paths,
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
        parse_only: args.parse_only,
        ..LintOptions::default()
    };
    options.stdin = stdin;
    let result = match lint_paths(&options) {
        Ok(result) => result,
        Err(message) => return usage_error(message),
    };
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    };
    let mut report = Report {
        registry: engine::registry(),
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
    }
    for destination in &destinations {
        match &destination.file {
            Some(path) => {
                let file = std::fs::File::create(path).map_err(|e| {
                    std::io::Error::new(e.kind(), format!("cannot write {}: {e}", path.display()))
                })?;
                let mut out = std::io::BufWriter::new(file);
                report.color = args.color == ColorChoice::Always;
                report.write(destination.format, &mut out)?;
                out.flush()?;
            }
            None => {
                let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                report.color = color;
                report.write(destination.format, &mut out)?;
                out.flush()?;
            }
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

/// Values of a repeated option with their command-line positions. Without
/// positions (a `Cli` built by hand) the n-th output follows the n-th format.
fn positioned<T: Clone>(positions: &[usize], values: &[T], offset: usize) -> Vec<(usize, T)> {
    values
        .iter()
        .enumerate()
        .map(|(i, value)| {
            let position = positions.get(i).copied().unwrap_or(2 * i + offset);
            (position, value.clone())
        })
        .collect()
}

fn rules(args: RulesArgs) -> std::io::Result<ExitStatus> {
    let registry = engine::registry();
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
                    if s.opt_in { " (opt-in)" } else { "" }
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
                if s.opt_in {
                    tags.push_str(" (opt-in)");
                }
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

fn explain(id: &str) -> std::io::Result<ExitStatus> {
    let registry = engine::registry();
    match registry.get(id) {
        Some(rule) => {
            std::io::stdout()
                .lock()
                .write_all(rule.spec.markdown().as_bytes())?;
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
