//! The `landfall` binary: the edge where files are read and output written.
//! Everything it checks is decided by the library crates.

#![allow(
    clippy::disallowed_methods,
    reason = "the CLI does the program's IO: files, the terminal and the environment"
)]

mod allocator;
mod apply;
mod artifacts;
mod atomic_write;
mod baseline;
mod changed;
mod config;
mod down;
mod git;
mod input;
mod internal_error;
mod local;
mod lowering;
mod output;
mod plan_cmd;
mod project_root;
mod run;
mod setup;
mod status;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgAction, ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use landfall_check::{CheckOptions, CheckOutcome, policy_rules, registry, test_policies};
use landfall_diagnostics::{
    ColorMode, Diagnostic, FileId, RuleInfo, SarifTool, Severity, SourceDb, Summary, did_you_mean,
    render_github, render_human, render_json, render_junit, render_sarif,
};

use crate::output::{Destination, Format, Output};

/// A compiler toolchain for deployment specs: checks Applications,
/// Workloads, Scopes, ScopeTypes and Platforms, and points at the exact
/// character of every problem.
#[derive(Parser)]
#[command(name = "landfall", version, about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check every landfall document under the given files and directories.
    Check(CheckArgs),
    /// Plan one Scope (APP/SCOPE) and show what applying it would change.
    Plan(plan_cmd::PlanArgs),
    /// List every rule with its default severity and summary; with paths,
    /// also the policy rules of the Platform found there.
    Rules {
        /// Files and directories holding a Platform with `spec.policies`.
        paths: Vec<PathBuf>,
    },
    /// Print the documentation of a rule, with a failing and a passing example.
    Explain {
        /// A rule id, e.g. `blocked-port`, or `policy/<id>` with paths.
        rule: String,
        /// Files and directories holding a Platform with `spec.policies`.
        paths: Vec<PathBuf>,
    },
    /// Run the `test` declarations of policy files: each example must
    /// (`fires`) or must not (`passes`) get the rules it names.
    TestPolicies {
        /// Files and directories holding a Platform with `spec.policies`,
        /// or `.policy` files.
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
    },
    /// Run a scope's plan on the local podman or docker engine.
    Apply(apply::ApplyArgs),
    /// Show what runs in a local scope: workloads, replicas, health, ports.
    Status(status::StatusArgs),
    /// Remove everything landfall runs for a local scope.
    Down(down::DownArgs),
    /// Run one job of a cron workload now, once, and report its exit status.
    Run(run::RunArgs),
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files and directories to check; `-` reads standard input. Inside a
    /// project, names resolve across the whole project and only these
    /// paths' findings are reported, with those their change causes in
    /// other files. Default: `.`.
    paths: Vec<PathBuf>,
    /// Check the staged changes of the git repository (the next commit,
    /// deletions included), with what they cause in other files; PATHS
    /// given too are checked with them (as pre-commit passes them).
    #[arg(long, conflicts_with = "stdin_filename")]
    staged: bool,
    /// Output format (default human). Repeatable: each `--format` writes to
    /// the `--output-file` that follows it, or else to standard output.
    #[arg(long, value_enum, action = ArgAction::Append)]
    format: Vec<Format>,
    /// Write the `--format` given just before to FILE. When every format
    /// goes to a file, the human output still goes to standard output.
    #[arg(long, short = 'o', visible_alias = "output", value_name = "FILE", action = ArgAction::Append)]
    output_file: Vec<PathBuf>,
    /// When to colour human output: on a terminal without NO_COLOR (auto), always or never.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Make warnings fail the check (exit status 1).
    #[arg(long)]
    deny_warnings: bool,
    /// Report only findings not recorded in this baseline file; baseline
    /// findings no longer found are listed as fixed.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record every finding in this baseline file, report nothing, exit 0.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    write_baseline: Option<PathBuf>,
    /// Skip named files that hold no landfall document, as a directory walk
    /// does, instead of reporting them (for hooks that pass every changed
    /// YAML file).
    #[arg(long)]
    skip_foreign_yaml: bool,
    /// The name standard input is reported under; inside a project, the
    /// file it stands for (an editor's unsaved buffer).
    #[arg(long, value_name = "NAME", default_value = "<stdin>")]
    stdin_filename: String,
    /// Run only the front end (YAML, schemas, names, references), not the
    /// built-in rules: the baseline of the rules benchmark.
    #[arg(long, hide = true)]
    no_rules: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

/// Exit statuses of `docs/cli.md`.
const EXIT_FINDINGS: u8 = 1;
const EXIT_CANNOT_RUN: u8 = 2;

fn main() -> ExitCode {
    internal_error::install();
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|error| error.exit());
    match cli.command {
        Command::Check(args) => {
            let positions = matches.subcommand_matches("check");
            match output_plan(&args, positions) {
                Ok(outputs) => run_check(&args, &outputs),
                Err(message) => {
                    eprintln!("error: {message}");
                    ExitCode::from(EXIT_CANNOT_RUN)
                }
            }
        }
        Command::Apply(args) => apply::run(&args),
        Command::Status(args) => status::run(&args),
        Command::Down(args) => down::run(&args),
        Command::Run(args) => run::run(&args),
        Command::Plan(args) => plan_cmd::run(&args),
        Command::Rules { paths } => {
            let Some(rules) = all_rules(&paths) else {
                return ExitCode::from(EXIT_CANNOT_RUN);
            };
            let mut text = String::new();
            let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
            for r in rules {
                text.push_str(&format!(
                    "{:width$}  {:7}  {}\n",
                    r.id,
                    r.severity.as_str(),
                    r.summary
                ));
            }
            output::write_stdout(text.as_bytes());
            ExitCode::SUCCESS
        }
        Command::Explain { rule: id, paths } => {
            let Some(rules) = all_rules(&paths) else {
                return ExitCode::from(EXIT_CANNOT_RUN);
            };
            match rules.iter().find(|r| r.id == id) {
                Some(r) => {
                    let text = format!(
                        "# {} ({} by default)\n\n{}\n\n{}",
                        r.id,
                        r.severity.as_str(),
                        r.summary,
                        r.docs
                    );
                    output::write_stdout(text.as_bytes());
                    ExitCode::SUCCESS
                }
                None => {
                    let ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
                    let hint = did_you_mean(&id, ids.iter().copied())
                        .map(|c| format!(": did you mean `{c}`?"))
                        .unwrap_or_default();
                    let policy_hint = if id.starts_with("policy/") && paths.is_empty() {
                        " (policy rules are found with `landfall explain RULE PATH`, PATH holding the Platform)"
                    } else {
                        " (`landfall rules` lists them)"
                    };
                    eprintln!("error: no rule `{id}`{hint}{policy_hint}");
                    ExitCode::from(EXIT_CANNOT_RUN)
                }
            }
        }
        Command::TestPolicies { paths } => run_policy_tests(&paths),
    }
}

/// Every rule of the registry (check's and lowering's `plan/…`) and, with
/// paths, the policy rules of the Platform found there. `None`: the paths
/// cannot be read (reported).
fn all_rules(paths: &[PathBuf]) -> Option<Vec<RuleInfo>> {
    let mut rules: Vec<RuleInfo> = registry().into_iter().map(RuleInfo::from).collect();
    if paths.is_empty() {
        return Some(rules);
    }
    let mut found = match setup::Setup::new(paths, "<stdin>").and_then(|setup| setup.find(paths)) {
        Ok(found) => found,
        Err(failure) => {
            eprint!("{}", failure.render(ColorMode::Never));
            return None;
        }
    };
    let (policy_rules, diagnostics) = policy_rules(&mut found.db, &found.inputs, &found.loader);
    if report_failures(&found.loader) {
        return None;
    }
    if !diagnostics.is_empty() {
        // Rules that do not check are left out; say why on stderr.
        let mut summary = Summary::default();
        summary.count(&diagnostics);
        let rendered = render_human(&diagnostics, &found.db, &summary, ColorMode::Never);
        eprint!("{}", String::from_utf8_lossy(&rendered));
    }
    rules.extend(policy_rules);
    Some(rules)
}

/// Prints what could not be read; true when something could not.
fn report_failures(loader: &input::FileLoader) -> bool {
    let failures = loader.failures();
    for failure in &failures {
        eprintln!("error: {failure}");
    }
    !failures.is_empty()
}

fn run_policy_tests(paths: &[PathBuf]) -> ExitCode {
    let (policy_paths, tree_paths): (Vec<PathBuf>, Vec<PathBuf>) = paths
        .iter()
        .cloned()
        .partition(|p| p.extension().is_some_and(|e| e == "policy"));
    for path in &policy_paths {
        if !path.is_file() {
            eprintln!("error: cannot read `{}`: no such file", path.display());
            return ExitCode::from(EXIT_CANNOT_RUN);
        }
    }
    let mut found =
        match setup::Setup::new(&tree_paths, "<stdin>").and_then(|setup| setup.find(&tree_paths)) {
            Ok(found) => found,
            Err(failure) => {
                eprint!("{}", failure.render(ColorMode::Never));
                return ExitCode::from(EXIT_CANNOT_RUN);
            }
        };
    let policy_names: Vec<String> = policy_paths.iter().map(|p| input::name_of(p)).collect();
    let report = test_policies(&mut found.db, &found.inputs, &found.loader, &policy_names);
    if report_failures(&found.loader) {
        return ExitCode::from(EXIT_CANNOT_RUN);
    }
    let mut text = String::new();
    if !report.diagnostics.is_empty() {
        let mut summary = Summary::default();
        summary.count(&report.diagnostics);
        let rendered = render_human(&report.diagnostics, &found.db, &summary, ColorMode::Never);
        text.push_str(&String::from_utf8_lossy(&rendered));
    }
    if report.policy_files.is_empty() {
        text.push_str("no policy files: name a tree whose Platform lists `spec.policies`, or `.policy` files\n");
        output::write_stdout(text.as_bytes());
        return ExitCode::from(EXIT_FINDINGS);
    }
    let mut failed = 0;
    let mut current = "";
    for result in &report.results {
        if result.policy_file != current {
            current = &result.policy_file;
            text.push_str(&format!("{current}\n"));
        }
        let verb = if result.fires { "fires" } else { "passes" };
        match &result.failure {
            None => text.push_str(&format!(
                "  ok    {}:{}  {} {verb} {}\n",
                result.policy_file, result.line, result.example, result.rule
            )),
            Some(why) => {
                failed += 1;
                text.push_str(&format!(
                    "  FAIL  {}:{}  {} {verb} {}: {why}\n",
                    result.policy_file, result.line, result.example, result.rule
                ));
                for finding in &result.findings {
                    text.push_str(&format!(
                        "          {}: {}: {}\n",
                        finding.location, finding.rule, finding.message
                    ));
                }
            }
        }
    }
    let total = report.results.len();
    text.push_str(&format!(
        "{total} test{}, {} passed, {failed} failed\n",
        if total == 1 { "" } else { "s" },
        total - failed
    ));
    output::write_stdout(text.as_bytes());
    let broken = report.diagnostics.iter().any(|d| d.is_error());
    if failed > 0 || broken {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

/// Pairs `--format` and `--output-file` by their places on the command line.
fn output_plan(args: &CheckArgs, matches: Option<&ArgMatches>) -> Result<Vec<Output>, String> {
    let positions = |id: &str| -> Vec<usize> {
        matches
            .and_then(|m| m.indices_of(id))
            .map(|i| i.collect())
            .unwrap_or_default()
    };
    let formats: Vec<_> = positions("format")
        .into_iter()
        .zip(args.format.iter().copied())
        .collect();
    let files: Vec<_> = positions("output_file")
        .into_iter()
        .zip(args.output_file.iter().cloned())
        .collect();
    output::plan(&formats, &files)
}

fn run_check(args: &CheckArgs, outputs: &[Output]) -> ExitCode {
    let here = [PathBuf::from(".")];
    let paths = if args.paths.is_empty() {
        &here[..]
    } else {
        &args.paths[..]
    };
    let prepared = if args.staged {
        setup::Setup::staged(&args.paths)
    } else {
        setup::Setup::new(paths, &args.stdin_filename).map(|setup| {
            let request = setup::Request::Paths {
                paths,
                stdin_name: &args.stdin_filename,
            };
            (setup, request)
        })
    };
    let checked = prepared.and_then(|(setup, request)| {
        // Only JUnit reports by document: the outline is read for nothing else.
        let junit = outputs.iter().any(|o| matches!(o.format, Format::Junit))
            || (args.format.is_empty() && setup.config.output.format.as_deref() == Some("junit"));
        let options = CheckOptions {
            rules: !args.no_rules,
            outline: junit,
            ..CheckOptions::default()
        };
        let checked = setup.check(request, options, args.skip_foreign_yaml)?;
        Ok((setup, checked))
    });
    let (
        setup,
        setup::Checked {
            mut outcome,
            found,
            reported,
        },
    ) = match checked {
        Ok(checked) => checked,
        Err(failure) => {
            let color = color_mode(args.color, std::io::stderr().is_terminal());
            eprint!("{}", failure.render(color));
            return ExitCode::from(EXIT_CANNOT_RUN);
        }
    };
    // `[output] format` of landfall.toml stands for a `--format` not given.
    let configured;
    let outputs = match (&args.format[..], setup.config.output.format.as_deref()) {
        ([], Some(name)) => match Format::from_str(name, false) {
            Ok(format) => {
                configured = [Output {
                    format,
                    destination: Destination::Stdout,
                }];
                &configured[..]
            }
            Err(_) => {
                eprintln!("error: landfall.toml asks for the unknown format `{name}`");
                return ExitCode::from(EXIT_CANNOT_RUN);
            }
        },
        _ => outputs,
    };
    let failures = found.loader.failures();
    if !failures.is_empty() {
        for failure in failures {
            eprintln!("error: {failure}");
        }
        return ExitCode::from(EXIT_CANNOT_RUN);
    }
    if let Err(message) = run_baseline(args, &setup, &found.db, &mut outcome.diagnostics, &reported)
    {
        eprintln!("error: {message}");
        return ExitCode::from(EXIT_CANNOT_RUN);
    }
    if let Some(path) = &args.write_baseline {
        eprintln!("landfall: recorded the findings in `{}`", path.display());
        return ExitCode::SUCCESS;
    }
    // Like ruff's "No files found": a check of nothing says so, on
    // standard error so that every format's output stays as it is.
    if outcome.files == 0 && outcome.diagnostics.is_empty() {
        eprintln!("{}", nothing_found(args, paths));
    }
    let mut summary = Summary {
        files: outcome.files,
        documents: outcome.documents,
        ..Summary::default()
    };
    summary.count(&outcome.diagnostics);
    // Files first: a report that cannot be written ends the command
    // before anything is printed.
    let mut stdout = None;
    for out in outputs {
        let rendered = render(out, &outcome, &found.db, &summary, args.color);
        match &out.destination {
            Destination::File(path) => {
                if let Err(message) = output::write_file(path, &rendered) {
                    eprintln!("error: {message}");
                    return ExitCode::from(EXIT_CANNOT_RUN);
                }
            }
            Destination::Stdout => stdout = Some(rendered),
        }
    }
    if let Some(rendered) = stdout {
        output::write_stdout(&rendered);
    }
    // Suppressed findings never fail a check.
    let failed = outcome.diagnostics.iter().any(|d| {
        !d.is_suppressed()
            && (d.severity == Severity::Error
                || (args.deny_warnings && d.severity == Severity::Warning))
    });
    let status = if failed { EXIT_FINDINGS } else { 0 };
    // The project and the sources are dropped by the operating system at
    // exit; freeing 20,000 files' worth of nodes one by one first is waste.
    std::mem::forget(outcome);
    std::mem::forget(found);
    ExitCode::from(status)
}

/// Why a check found nothing to check, in the words of what was asked.
fn nothing_found(args: &CheckArgs, paths: &[PathBuf]) -> String {
    if args.staged {
        return "landfall: no landfall documents among the staged changes".to_string();
    }
    let paths: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
    format!(
        "landfall: no landfall documents found in {} (files ending in .yaml or .yml that hold an Application, Workload, Scope, ScopeType or Platform)",
        paths.join(", ")
    )
}

/// `--write-baseline` writes the findings; `--baseline` drops those it
/// records and lists on standard error the recorded ones that are gone.
fn run_baseline(
    args: &CheckArgs,
    setup: &setup::Setup,
    db: &SourceDb,
    diagnostics: &mut Vec<Diagnostic>,
    reported: &[FileId],
) -> Result<(), String> {
    let mut fingerprints = baseline::Fingerprints::new(db, &setup.root, &setup.cwd);
    if let Some(path) = &args.write_baseline {
        let (text, _) = baseline::write(diagnostics, &mut fingerprints);
        return atomic_write::write(path, text.as_bytes())
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()));
    }
    let Some(path) = &args.baseline else {
        return Ok(());
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let fixed = baseline::apply(&text, diagnostics, &mut fingerprints, reported)
        .map_err(|e| format!("`{}`: {e}", path.display()))?;
    if !fixed.is_empty() {
        let count: usize = fixed.iter().map(|f| f.count).sum();
        let mut message = format!(
            "landfall: {count} baseline finding{} fixed (record the rest again with --write-baseline {}):\n",
            if count == 1 { "" } else { "s" },
            path.display()
        );
        for f in fixed {
            let times = if f.count > 1 {
                format!(" ({}×)", f.count)
            } else {
                String::new()
            };
            message.push_str(&format!("  fixed: {} in {}{times}\n", f.rule, f.file));
        }
        eprint!("{message}");
    }
    Ok(())
}

/// NO_COLOR (no-color.org) wins over everything, as docs/cli.md says.
fn color_mode(color: Color, terminal: bool) -> ColorMode {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    match color {
        _ if no_color => ColorMode::Never,
        Color::Always => ColorMode::Always,
        Color::Never => ColorMode::Never,
        Color::Auto if terminal => ColorMode::Always,
        Color::Auto => ColorMode::Never,
    }
}

fn render(
    out: &Output,
    outcome: &CheckOutcome,
    db: &landfall_diagnostics::SourceDb,
    summary: &Summary,
    color: Color,
) -> Vec<u8> {
    let diagnostics = &outcome.diagnostics;
    match out.format {
        Format::Json => render_json(diagnostics, db, summary).into_bytes(),
        Format::Sarif => {
            let rules: Vec<RuleInfo> = registry()
                .into_iter()
                .map(RuleInfo::from)
                .chain(outcome.policy_rules.iter().cloned())
                .collect();
            let tool = SarifTool {
                version: env!("CARGO_PKG_VERSION"),
                rules: &rules,
            };
            render_sarif(diagnostics, db, &tool).into_bytes()
        }
        Format::Github => render_github(diagnostics, db).into_bytes(),
        Format::Junit => render_junit(diagnostics, db, &outcome.outline).into_bytes(),
        Format::Human => {
            // NO_COLOR (no-color.org) wins over everything, as docs/cli.md says;
            // a file never gets colour.
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            let to_terminal =
                out.destination == Destination::Stdout && std::io::stdout().is_terminal();
            let color = match color {
                _ if no_color => ColorMode::Never,
                _ if out.destination != Destination::Stdout => ColorMode::Never,
                Color::Always => ColorMode::Always,
                Color::Never => ColorMode::Never,
                Color::Auto if to_terminal => ColorMode::Always,
                Color::Auto => ColorMode::Never,
            };
            render_human(diagnostics, db, summary, color)
        }
    }
}
