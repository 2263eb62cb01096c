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
mod code_scanning;
mod color;
mod completions;
mod config;
mod down;
mod fix;
mod git;
mod init;
mod input;
mod internal_error;
mod local;
mod lowering;
mod output;
mod plan_cmd;
mod project_root;
mod rule_filter;
mod rules_cmd;
mod run;
mod setup;
mod status;
mod usage;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgAction, ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use landfall_check::{CheckOptions, CheckOutcome, dialect, policy_rules, registry, test_policies};
use landfall_diagnostics::{
    ColorMode, Diagnostic, FileId, RuleInfo, SarifTool, Severity, SourceDb, Summary, did_you_mean,
    render_concise, render_github, render_human, render_json, render_junit, render_sarif,
    render_statistics,
};

use crate::output::{Destination, Format, Output};

/// landfall: a compiler toolchain for deployment specs.
///
/// Checks Applications, Workloads, Scopes, ScopeTypes and Platforms written
/// in YAML, pointing at the exact character of every problem, and compiles
/// a Scope into a plan that runs on the local container engine or is
/// written as a Docker Compose file or Kubernetes manifests.
///
/// Exit status: 0 success, 1 findings in the specs, 2 the command could not
/// run (under `plan --detailed-exitcode`: 0 no changes, 2 changes, 1 errors).
#[derive(Parser)]
#[command(
    name = "landfall",
    version,
    max_term_width = 100,
    after_help = "Start with `landfall init` for a starter tree, then `landfall check`.\nThe full reference is docs/cli.md."
)]
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
    /// List every rule with its default severity and summary (with paths,
    /// the Platform's policy rules too).
    Rules {
        /// Files and directories holding a Platform with `spec.policies`.
        paths: Vec<PathBuf>,
        /// `human`: a table; `json`: one object per rule (see docs/cli.md).
        #[arg(long, value_enum, default_value_t = rules_cmd::RulesFormat::Human)]
        format: rules_cmd::RulesFormat,
        /// List only the rules that apply to this input format's files.
        #[arg(long, value_name = "NAME", value_parser = dialect_names())]
        dialect: Option<String>,
    },
    /// Print the documentation of a rule, with a failing and a passing example.
    Explain {
        /// A rule id, e.g. `blocked-port`, or `policy/<id>` with paths.
        rule: String,
        /// Files and directories holding a Platform with `spec.policies`.
        paths: Vec<PathBuf>,
        /// Also say how the rule reads this input format's files, and
        /// which of the platform's documentation it follows.
        #[arg(long, value_name = "NAME", value_parser = dialect_names())]
        dialect: Option<String>,
    },
    /// Run the `test` declarations of policy files (each example fires or
    /// passes the rules it names).
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
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(completions::CompletionsArgs),
    /// Write a starter project (an Application, a Workload, a ScopeType and
    /// a local Scope) into DIR.
    Init(init::InitArgs),
    /// Serve editors: a language server on standard input and output
    /// (diagnostics as you type, fixes, go to definition, rename).
    Lsp,
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
    /// When to colour human output: auto (on a terminal, or with FORCE_COLOR;
    /// never with NO_COLOR), always or never.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Make warnings fail the check (exit status 1).
    #[arg(long)]
    deny_warnings: bool,
    /// Report only these rules: ids, or prefixes ending in `/` (`plan/`);
    /// comma-separated or repeated.
    #[arg(long, value_name = "RULE")]
    select: Vec<String>,
    /// Do not report these rules: ids, or prefixes ending in `/`; the most
    /// specific of `--select` and `--ignore` decides.
    #[arg(long, value_name = "RULE")]
    ignore: Vec<String>,
    /// On standard output, the number of findings per rule (most first)
    /// instead of the findings; report files are written as usual.
    #[arg(long)]
    statistics: bool,
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
    /// Read every file as this input format (`cpln`, `oam`, `avassa`, …),
    /// whatever its signature; without it, `[dialects]` in landfall.toml
    /// and each file's signature decide.
    #[arg(long, value_name = "NAME", value_parser = dialect_names())]
    dialect: Option<String>,
    /// Apply the safe fixes of the findings (those `--unsafe-fixes` allows
    /// too), again until none is left, and report what remains.
    #[arg(long, conflicts_with = "diff")]
    fix: bool,
    /// Print the fixes `--fix` would apply as a unified diff and write
    /// nothing; exit status 1 when there is something to fix.
    #[arg(long)]
    diff: bool,
    /// With `--fix` or `--diff`, apply the unsafe fixes too (they change
    /// what a file means: a default inserted, a value's type changed).
    #[arg(long)]
    unsafe_fixes: bool,
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
    let matches = Cli::command()
        .try_get_matches()
        .unwrap_or_else(|error| usage::exit(&error));
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|error| usage::exit(&error));
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
        Command::Rules {
            paths,
            format,
            dialect,
        } => {
            let Some(mut rules) = all_rules(&paths) else {
                return ExitCode::from(EXIT_CANNOT_RUN);
            };
            if let Some(dialect) = dialect.as_deref().and_then(dialect::by_name) {
                rules.retain(|r| applies_to(dialect, &r.id));
            }
            output::write_stdout(rules_cmd::render(&rules, format).as_bytes());
            ExitCode::SUCCESS
        }
        Command::Explain {
            rule: id,
            paths,
            dialect,
        } => {
            let Some(rules) = all_rules(&paths) else {
                return ExitCode::from(EXIT_CANNOT_RUN);
            };
            match rules.iter().find(|r| r.id == id) {
                Some(r) => {
                    let mut text = format!(
                        "# {} ({} by default)\n\n{}\n\n{}",
                        r.id,
                        r.severity.as_str(),
                        r.summary,
                        r.docs
                    );
                    let dialect = dialect.as_deref().and_then(dialect::by_name).or_else(|| {
                        dialect::registry()
                            .iter()
                            .copied()
                            .find(|d| d.rules().iter().any(|m| m.id == id))
                    });
                    if let Some(dialect) = dialect.filter(|d| d.name() != "landfall") {
                        text.push_str(&dialect_note(dialect, &r.id));
                    }
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
        Command::Completions(args) => completions::run(&args, Cli::command()),
        Command::Init(args) => init::run(&args),
        Command::Lsp => match landfall_lsp::run_stdio() {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::from(EXIT_CANNOT_RUN)
            }
        },
    }
}

/// `--dialect NAME`: every file read as that dialect.
pub(crate) fn named_dialects(name: Option<&str>) -> dialect::NamedDialects {
    name.and_then(dialect::by_name)
        .map(dialect::NamedDialects::all)
        .unwrap_or_default()
}

/// The input formats `--dialect` accepts.
fn dialect_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(dialect::names())
}

/// Whether a rule has a meaning on the files of `dialect`.
fn applies_to(dialect: &dyn dialect::Dialect, id: &str) -> bool {
    dialect.rules().iter().any(|r| r.id == id)
        || dialect.catalogue().is_none_or(|ids| ids.contains(&id))
}

/// What `explain --dialect` adds: whether the rule applies to the
/// platform's files, and whose documentation they follow.
fn dialect_note(dialect: &dyn dialect::Dialect, id: &str) -> String {
    let name = dialect.name();
    let applies = if applies_to(dialect, id) {
        format!("applies to `{name}` files: findings name the native field paths")
    } else {
        format!("does not apply to `{name}` files")
    };
    format!(
        "\n## In `{name}` files\nThis rule {applies}. The platform's numbers and \
         meanings follow {}.\n",
        dialect.documentation()
    )
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
    // A mistyped rule id is found before any file is read.
    let filter = match rule_filter::RuleFilter::new(&args.select, &args.ignore) {
        Ok(filter) => filter,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(EXIT_CANNOT_RUN);
        }
    };
    let here = [PathBuf::from(".")];
    let paths = if args.paths.is_empty() {
        &here[..]
    } else {
        &args.paths[..]
    };
    let mut checked = check_once(args, paths, outputs);
    let mut fixed = 0;
    if args.fix || args.diff {
        // Fixed texts are checked again: a fix may reveal or settle others.
        for _ in 0..fix::MAX_ROUNDS {
            let Ok((_, round)) = &checked else { break };
            let applied = fix::apply_round(&round.outcome, &round.found, args.unsafe_fixes);
            if applied == 0 {
                break;
            }
            fixed += applied;
            checked = check_once(args, paths, outputs);
        }
    }
    let (
        setup,
        setup::Checked {
            outcome,
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
    if args.diff {
        return match fix::diff(&found) {
            Ok(diff) => {
                output::write_stdout(diff.as_bytes());
                eprintln!(
                    "landfall: {fixed} fix{} to apply",
                    if fixed == 1 { "" } else { "es" }
                );
                ExitCode::from(if diff.is_empty() { 0 } else { EXIT_FINDINGS })
            }
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::from(EXIT_CANNOT_RUN)
            }
        };
    }
    if args.fix {
        match fix::write() {
            Ok(files) => eprintln!(
                "landfall: applied {fixed} fix{} in {files} file{}",
                if fixed == 1 { "" } else { "es" },
                if files == 1 { "" } else { "s" }
            ),
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::from(EXIT_CANNOT_RUN);
            }
        }
    }
    finish_check(
        args, outputs, paths, &filter, setup, outcome, found, reported,
    )
}

/// One check of what `args` ask for.
fn check_once(
    args: &CheckArgs,
    paths: &[PathBuf],
    outputs: &[Output],
) -> Result<(setup::Setup, setup::Checked), setup::Failure> {
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
    prepared.and_then(|(setup, request)| {
        // Only JUnit reports by document: the outline is read for nothing else.
        let junit = outputs.iter().any(|o| matches!(o.format, Format::Junit))
            || (args.format.is_empty() && setup.config.output.format.as_deref() == Some("junit"));
        let options = CheckOptions {
            rules: !args.no_rules,
            outline: junit,
            named_dialects: named_dialects(args.dialect.as_deref()),
            ..CheckOptions::default()
        };
        let checked = setup.check(request, options, args.skip_foreign_yaml)?;
        Ok((setup, checked))
    })
}

/// Reports a check's findings in the formats asked for; its exit status.
#[allow(clippy::too_many_arguments)]
fn finish_check(
    args: &CheckArgs,
    outputs: &[Output],
    paths: &[PathBuf],
    filter: &rule_filter::RuleFilter,
    setup: setup::Setup,
    mut outcome: CheckOutcome,
    found: input::Found,
    reported: Vec<FileId>,
) -> ExitCode {
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
    let relative = |d: &Diagnostic| {
        let name = found.db.file(d.span.file).name();
        setup
            .root
            .relative(&setup.cwd, std::path::Path::new(name))
            .unwrap_or_else(|| name.to_string())
    };
    let per_file = &setup.config.per_file_ignores;
    rule_filter::retain(&mut outcome.diagnostics, filter, per_file, relative, false);
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
        let rendered = render(out, &outcome, &found.db, &setup, &summary, args.color);
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
    if args.statistics {
        let rules: Vec<RuleInfo> = registry()
            .into_iter()
            .map(RuleInfo::from)
            .chain(outcome.policy_rules.iter().cloned())
            .collect();
        output::write_stdout(render_statistics(&outcome.diagnostics, &rules).as_bytes());
    } else if let Some(rendered) = stdout {
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

/// As [`color::enabled`] decides.
fn color_mode(color: Color, terminal: bool) -> ColorMode {
    plan_cmd::color_mode(color::enabled(color, terminal))
}

fn render(
    out: &Output,
    outcome: &CheckOutcome,
    db: &landfall_diagnostics::SourceDb,
    setup: &setup::Setup,
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
            let project = code_scanning::project(diagnostics, db, setup);
            let fingerprints = code_scanning::fingerprints(diagnostics, db, setup);
            let tool = SarifTool {
                project: Some(&project),
                fingerprints: &fingerprints,
                ..SarifTool::new(env!("CARGO_PKG_VERSION"), &rules)
            };
            render_sarif(diagnostics, db, &tool).into_bytes()
        }
        Format::Github => render_github(diagnostics, db).into_bytes(),
        Format::Concise => render_concise(diagnostics, db).into_bytes(),
        Format::Junit => render_junit(diagnostics, db, &outcome.outline).into_bytes(),
        Format::Human => {
            // A file never gets colour, whatever the flag or environment say.
            let color = match out.destination {
                Destination::Stdout => color_mode(color, std::io::stdout().is_terminal()),
                Destination::File(_) => ColorMode::Never,
            };
            render_human(diagnostics, db, summary, color)
        }
    }
}
