//! The command line: arguments, commands and the exit status.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::config;
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
        #[command(flatten)]
        custom: CustomRulesArgs,
    },
    /// Write a commented starter .harden.yaml.
    Init {
        /// The directory to write it in.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Print the JSON Schema of .harden.yaml.
    #[command(hide = true)]
    ConfigSchema,
    /// Render a Helm chart and print the manifests as `helm template` does.
    Render(RenderArgs),
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// The chart: a directory holding Chart.yaml, or a .tgz archive.
    #[arg(value_name = "CHART")]
    pub chart: PathBuf,
    /// A values file (repeatable; later files win).
    #[arg(long = "values", short = 'f', value_name = "FILE")]
    pub values: Vec<PathBuf>,
    /// Set values: `a.b=c,d[0]=e` (repeatable).
    #[arg(long, value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Set values, always as strings (repeatable).
    #[arg(long, value_name = "KEY=VALUE")]
    pub set_string: Vec<String>,
    /// Set values from files: `key=path` (repeatable).
    #[arg(long, value_name = "KEY=PATH")]
    pub set_file: Vec<String>,
    /// Set values as JSON: `key={"a":1}` (repeatable).
    #[arg(long, value_name = "KEY=JSON")]
    pub set_json: Vec<String>,
    /// The release name.
    #[arg(long, value_name = "NAME", default_value = "release-name")]
    pub release_name: String,
    /// The release namespace.
    #[arg(long, short = 'n', value_name = "NS", default_value = "default")]
    pub namespace: String,
    /// Kubernetes version for `.Capabilities` (Helm's default otherwise).
    #[arg(long, value_name = "VERSION")]
    pub kube_version: Option<String>,
    /// An extra API version for `.Capabilities.APIVersions` (repeatable).
    #[arg(long, short = 'a', value_name = "VERSION")]
    pub api_versions: Vec<String>,
}

#[derive(Debug, Args)]
pub struct CustomRulesArgs {
    /// Also load the custom rule files (`*.yaml`) of this folder (repeatable).
    #[arg(long = "rules-dir", value_name = "DIR")]
    pub rules_dirs: Vec<PathBuf>,
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
    /// Findings at or above this severity make the exit status 1 [default: low].
    #[arg(long, value_name = "SEVERITY", value_parser = parse_severity)]
    pub fail_on: Option<Severity>,
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
    /// Kubernetes version whose rules apply (e.g. 1.30) [default: 1.37].
    #[arg(long, value_name = "VERSION", value_parser = parse_kube_version)]
    pub kube_version: Option<KubeVersion>,
    /// Also treat files matching this glob as Dockerfiles (repeatable), e.g. `*.docker`.
    #[arg(long, value_name = "GLOB")]
    pub dockerfile_glob: Vec<String>,
    /// Also render each Helm chart with this values file over its defaults
    /// (a file in the chart, e.g. `values-production.yaml`, or a path);
    /// repeatable, one values set each.
    #[arg(long = "values", short = 'f', value_name = "FILE")]
    pub values: Vec<PathBuf>,
    /// Leave out findings in dependencies vendored under a chart's `charts/`.
    #[arg(long)]
    pub exclude_subcharts: bool,
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
    /// Read this configuration file instead of looking for .harden.yaml.
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,
    /// Ignore every configuration file.
    #[arg(long)]
    pub isolated: bool,
    /// After the findings, print how many each rule reported.
    #[arg(long)]
    pub statistics: bool,
    /// Report only findings that this baseline file does not hold.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,
    /// Write the current findings to a baseline file, and exit 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
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
        Command::Lint(args) => lint(*args),
        Command::Rules(args) => rules(args),
        Command::Explain { rule, custom } => explain(&rule, &custom),
        Command::Init { dir } => init(&dir),
        Command::ConfigSchema => {
            let mut text =
                serde_json::to_string_pretty(&config::schema::json_schema()).unwrap_or_default();
            text.push('\n');
            std::io::stdout()
                .lock()
                .write_all(text.as_bytes())
                .map(|()| ExitStatus::Success)
        }
        Command::Render(args) => render(args),
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
    let cwd = std::env::current_dir()?;
    let (mut options, fail_on) = match options(&args, paths, &cwd) {
        Ok(found) => found,
        Err(messages) => {
            for message in messages {
                eprintln!("harden: error: {message}");
            }
            return Ok(ExitStatus::Error);
        }
    };
    options.stdin = stdin;
    let result = match lint_paths(&options) {
        Ok(result) => result,
        Err(message) => return usage_error(message),
    };
    if let Some(path) = &args.write_baseline {
        if !result.errors.is_empty() {
            for error in &result.errors {
                eprintln!("harden: error: {error}");
            }
            return Ok(ExitStatus::Error);
        }
        std::fs::write(path, engine::Baseline::render(&result.findings)).map_err(|e| {
            std::io::Error::new(e.kind(), format!("cannot write {}: {e}", path.display()))
        })?;
        if !args.quiet {
            eprintln!(
                "harden: wrote {} findings to the baseline {}",
                result.findings.len(),
                path.display()
            );
        }
        return Ok(ExitStatus::Success);
    }
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    };
    let mut report = Report {
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
        let count = |n: usize| match n {
            1 => "1 finding".to_string(),
            n => format!("{n} findings"),
        };
        if result.suppressed > 0 {
            writeln!(
                stderr,
                "harden: {} left out: comments, annotations or exceptions cover them",
                count(result.suppressed)
            )?;
        }
        if result.baselined > 0 {
            writeln!(
                stderr,
                "harden: {} left out: the baseline holds them",
                count(result.baselined)
            )?;
        }
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
    if args.statistics {
        let table = crate::report::statistics(&result.registry, &result.findings);
        // A machine-readable report on standard output stays one document.
        let machine = destinations.iter().any(|d| {
            d.file.is_none() && matches!(d.format, Format::Json | Format::Sarif | Format::Junit)
        });
        if machine {
            std::io::stderr().lock().write_all(table.as_bytes())?;
        } else {
            std::io::stdout().lock().write_all(table.as_bytes())?;
        }
    }
    for error in &result.errors {
        eprintln!("harden: error: {error}");
    }
    if !result.errors.is_empty() {
        return Ok(ExitStatus::Error);
    }
    let failing = result.findings.iter().any(|f| f.severity >= fail_on);
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

/// The options of a run: the configuration file's, overridden by the flags.
/// Errors are complete messages (with file, line and column for the file).
fn options(
    args: &LintArgs,
    paths: Vec<PathBuf>,
    cwd: &Path,
) -> Result<(LintOptions, Severity), Vec<String>> {
    let path = match (&args.config, args.isolated) {
        (Some(path), _) => Some(path.clone()),
        (None, false) => config::discover(cwd),
        (None, true) => None,
    };
    let config = match &path {
        Some(path) => Some(
            config::load_with_rules(path, cwd, &args.custom.rules_dirs)
                .map_err(|e| e.messages)?
                .0,
        ),
        None => None,
    };
    if let Some(config) = &config
        && args.verbose
    {
        eprintln!("harden: configuration {}", config.file.path);
    }
    let mut options = LintOptions {
        paths,
        dockerfile_globs: args.dockerfile_glob.clone(),
        threads: args.threads,
        renderer: crate::helm::lint::default_renderer(),
        values: args.values.clone(),
        exclude_subcharts: args.exclude_subcharts,
        parse_only: args.parse_only,
        ..LintOptions::default()
    };
    let mut kube_version = None;
    let mut fail_on = None;
    if let Some(config) = config {
        // A rule named on the command line runs even if the file ignores it.
        let named = |n: &String| args.select.contains(n) || args.extend_select.contains(n);
        options.selection = Selection {
            select: config.select.unwrap_or_default(),
            extend_select: config.extend_select,
            ignore: config.ignore.into_iter().filter(|n| !named(n)).collect(),
        };
        options.rule_params = config.rule_params;
        options.rules_dirs = config.rules_dirs;
        options.helm = config.helm;
        options.exclude = config.exclude;
        options.filter.severity = config.severity;
        options.filter.exceptions = config.exceptions;
        kube_version = config.kube_version;
        fail_on = config.fail_on;
    }
    options
        .rules_dirs
        .extend(args.custom.rules_dirs.iter().cloned());
    if !args.select.is_empty() {
        options.selection.select = args.select.clone();
    }
    options
        .selection
        .extend_select
        .extend(args.extend_select.iter().cloned());
    options.selection.ignore.extend(args.ignore.iter().cloned());
    options.settings = Settings {
        kube_version: args
            .kube_version
            .or(kube_version)
            .unwrap_or(KubeVersion::LATEST),
    };
    if let Some(path) = &args.baseline {
        options.filter.baseline = Some(engine::Baseline::read(path).map_err(|e| vec![e])?);
    }
    Ok((options, args.fail_on.or(fail_on).unwrap_or(Severity::Low)))
}

fn init(dir: &Path) -> std::io::Result<ExitStatus> {
    if let Some(existing) = config::FILE_NAMES
        .iter()
        .map(|name| dir.join(name))
        .find(|p| p.exists())
    {
        return usage_error(format!(
            "{} already exists; not overwriting it",
            crate::discover::display_path(&existing, Path::new("."))
        ));
    }
    let path = dir.join(config::FILE_NAMES[0]);
    std::fs::write(&path, config::STARTER).map_err(|e| {
        std::io::Error::new(e.kind(), format!("cannot write {}: {e}", path.display()))
    })?;
    println!(
        "harden: wrote {}",
        crate::discover::display_path(&path, Path::new("."))
    );
    Ok(ExitStatus::Success)
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

fn render(args: RenderArgs) -> std::io::Result<ExitStatus> {
    let options = crate::helm::render::RenderOptions {
        values_files: args.values,
        set: args.set,
        set_string: args.set_string,
        set_file: args.set_file,
        set_json: args.set_json,
        release_name: args.release_name,
        namespace: args.namespace,
        kube_version: args.kube_version,
        api_versions: args.api_versions,
        ..Default::default()
    };
    let output = crate::helm::render::render_chart(&args.chart, &options)
        .map_err(|failure| failure.message)
        .and_then(|rendered| crate::helm::manifest::template_output(&rendered.templates));
    match output {
        Ok(text) => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
            Ok(ExitStatus::Success)
        }
        Err(message) => {
            eprintln!("Error: {message}");
            Ok(ExitStatus::Error)
        }
    }
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
