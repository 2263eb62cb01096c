//! `landfall plan`: check, lower one Scope to a Plan, and show what
//! applying it would change (or print the plan's JSON).
//!
//! Exit statuses: `0` a plan was made, `1` check or lowering found errors
//! in what the plan reads, `2` the command could not run (a bad flag or
//! path, an unknown APP/SCOPE, an unwritable `-o` file). With
//! `--detailed-exitcode` (Terraform's convention): `0` no changes, `2`
//! changes, `1` anything that went wrong.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use landfall_diagnostics::{
    ColorMode, Diagnostic, SourceDb, Summary, render_human, render_json, sort_diagnostics,
};
use landfall_plan::{
    Change, Observed, Plan, RenderOptions, ScopeSelector, Target, diff, lower, plan_diagnostics,
    render_diff, select,
};
use landfall_rules::{CheckOptions, Loaded, Loader};

use crate::{Color, artifacts, output, setup};

#[derive(clap::Args)]
pub struct PlanArgs {
    /// Files and directories to read; `-` reads standard input.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// The Scope to plan, as APPLICATION/SCOPE (e.g. `shop/production`).
    #[arg(long, value_name = "APP/SCOPE")]
    scope: String,
    /// Output format: the diff against what runs (human) or the plan itself (json).
    #[arg(long, value_enum, default_value_t = PlanFormat::Human)]
    format: PlanFormat,
    /// Also write the plan: to FILE when it ends in `.json`, else into the
    /// directory with the target's files (compose.yaml, kubernetes.yaml) and
    /// plan.json. The human diff still goes to stdout.
    #[arg(short = 'o', long = "out", value_name = "FILE.json|DIR")]
    out: Option<PathBuf>,
    /// Exit 0 when nothing would change, 2 when something would, 1 on errors.
    #[arg(long)]
    detailed_exitcode: bool,
    /// When to colour human output: on a terminal without NO_COLOR (auto), always or never.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum PlanFormat {
    /// The Terraform-style diff against what runs.
    Human,
    /// The plan's JSON (`schemas/plan.schema.json`).
    Json,
}

/// What runs now for the plan's scope, or why that cannot be known.
pub enum RunningState {
    // Made by the local runner's query, which replaces the local arm of
    // `observe_running_state`.
    #[allow(dead_code)]
    Observed(Observed),
    /// Nothing can be asked: every object of the plan counts as to create.
    Unknown { reason: String },
}

/// Asks the plan's target what runs for its scope.
///
/// Only a `local` target can be asked (through the container engine's
/// labels); `landfall-runner` provides that query and replaces the local
/// arm below. Compose and Kubernetes targets are never asked: landfall
/// writes their files and does not see what runs from them.
fn observe_running_state(plan: &Plan) -> RunningState {
    match plan.scope.target {
        Target::Local => RunningState::Unknown {
            reason: "the local container engine is not queried yet".to_string(),
        },
        Target::Compose => RunningState::Unknown {
            reason: "landfall does not observe compose targets".to_string(),
        },
        Target::Kubernetes => RunningState::Unknown {
            reason: "landfall does not observe kubernetes targets".to_string(),
        },
    }
}

/// The statuses of this command.
struct Exit {
    detailed: bool,
}

impl Exit {
    fn errors(&self) -> ExitCode {
        ExitCode::from(1)
    }

    fn cannot_run(&self) -> ExitCode {
        // Under Terraform's convention 2 means "changes": failures are 1.
        ExitCode::from(if self.detailed { 1 } else { 2 })
    }

    fn planned(&self, has_changes: bool) -> ExitCode {
        ExitCode::from(if self.detailed && has_changes { 2 } else { 0 })
    }
}

pub fn run(args: &PlanArgs) -> ExitCode {
    let exit = Exit {
        detailed: args.detailed_exitcode,
    };
    let selector = match ScopeSelector::parse(&args.scope) {
        Ok(selector) => selector,
        Err(message) => {
            eprintln!("error: {message}");
            return exit.cannot_run();
        }
    };
    let options = CheckOptions {
        keep_whole_application: Some(selector.application.clone()),
        ..CheckOptions::default()
    };
    // The same project root, `landfall.toml` and file selection as `check`.
    let checked = setup::Setup::new(&args.paths)
        .and_then(|setup| setup.check(&args.paths, "<stdin>", options, false));
    let (outcome, mut found) = match checked {
        Ok(checked) => (checked.outcome, checked.found),
        Err(failure) => {
            eprint!("{}", failure.render(color_mode(use_color(args.color))));
            return exit.cannot_run();
        }
    };
    let failures = found.loader.failures();
    if !failures.is_empty() {
        for failure in failures {
            eprintln!("error: {failure}");
        }
        return exit.cannot_run();
    }
    let project = &outcome.project;
    let scope = match select(project, &selector) {
        Ok(scope) => scope,
        Err(message) => {
            eprintln!("error: {message}");
            let errors = outcome.diagnostics.iter().filter(|d| counts(d)).count();
            if errors > 0 {
                eprintln!(
                    "note: `landfall check` finds {errors} error(s) in these files; a Scope in a file that cannot be read is not known"
                );
            }
            return exit.cannot_run();
        }
    };

    // Check's findings about what the plan reads; lowering runs only
    // when none of them is an error (it would repeat them).
    let mut findings: Vec<Diagnostic> = plan_diagnostics(project, scope, &outcome.diagnostics)
        .into_iter()
        .filter(|d| !d.is_suppressed())
        .cloned()
        .collect();
    let mut plan = None;
    if !findings.iter().any(Diagnostic::is_error) {
        let lowered = lower(project, scope);
        findings.extend(lowered.diagnostics);
        plan = lowered.plan;
    }
    load_texts(&mut found.db, &found.loader, &findings);
    sort_diagnostics(&mut findings, &found.db);
    let color = use_color(args.color);
    let plan = match plan {
        Some(plan) if !findings.iter().any(Diagnostic::is_error) => plan,
        _ => {
            // Shown as `check` shows findings.
            let summary = summary(outcome.files, outcome.documents, &findings);
            let rendered = match args.format {
                PlanFormat::Json => render_json(&findings, &found.db, &summary).into_bytes(),
                PlanFormat::Human => {
                    render_human(&findings, &found.db, &summary, color_mode(color))
                }
            };
            output::write_stdout(&rendered);
            return exit.errors();
        }
    };
    if !findings.is_empty() {
        // Warnings: on stderr, so that stdout stays the diff or the plan.
        let summary = summary(outcome.files, outcome.documents, &findings);
        let rendered = render_human(&findings, &found.db, &summary, color_mode(color));
        eprint!("{}", String::from_utf8_lossy(&rendered));
    }

    if let Some(path) = &args.out
        && let Err(error) = artifacts::write(&plan, path)
    {
        eprintln!("{error}");
        return match error {
            artifacts::WriteError::Target { .. } => exit.errors(),
            artifacts::WriteError::Io(_) => exit.cannot_run(),
        };
    }
    let status = match args.format {
        PlanFormat::Json => {
            output::write_stdout(plan.to_json().as_bytes());
            // What runs matters to the JSON form only for the exit status.
            let changed = args.detailed_exitcode && {
                let (changes, _) = changes_against_running(&plan);
                landfall_plan::DiffSummary::of(&changes).has_changes()
            };
            exit.planned(changed)
        }
        PlanFormat::Human => {
            let (changes, notice) = changes_against_running(&plan);
            let rendered = render_diff(&plan, &changes, &RenderOptions { color, notice });
            output::write_stdout(rendered.as_bytes());
            exit.planned(landfall_plan::DiffSummary::of(&changes).has_changes())
        }
    };
    // The project, the sources and the plan are dropped by the operating
    // system at exit; freeing them one allocation at a time is waste.
    std::mem::forget(plan);
    std::mem::forget(outcome);
    std::mem::forget(found);
    status
}

/// The changes applying `plan` would make, and a notice when nothing
/// could be observed.
fn changes_against_running(plan: &Plan) -> (Vec<Change>, Option<String>) {
    match observe_running_state(plan) {
        RunningState::Observed(observed) => (diff(plan, &observed), None),
        RunningState::Unknown { reason } => (
            diff(plan, &Observed::default()),
            Some(format!(
                "Nothing observed ({reason}): every object is shown as to create."
            )),
        ),
    }
}

/// Errors that count: not suppressed by an inline comment.
fn counts(d: &Diagnostic) -> bool {
    d.is_error() && !d.is_suppressed()
}

fn summary(files: usize, documents: usize, findings: &[Diagnostic]) -> Summary {
    let mut summary = Summary {
        files,
        documents,
        ..Summary::default()
    };
    summary.count(findings);
    summary
}

/// Reads the texts of files that got findings only now (lowering's), for
/// rendering: check read again only the files of its own findings.
fn load_texts(db: &mut SourceDb, loader: &dyn Loader, findings: &[Diagnostic]) {
    let mut missing: Vec<_> = findings
        .iter()
        .flat_map(|d| std::iter::once(d.span.file).chain(d.labels.iter().map(|l| l.span.file)))
        .filter(|&f| !db.file(f).has_text())
        .collect();
    missing.sort();
    missing.dedup();
    for file in missing {
        if let Loaded::Text(text) = loader.load(file) {
            db.set_text(file, text);
        }
    }
}

/// Colour on a terminal by default; `NO_COLOR` (non-empty) wins over everything.
fn use_color(choice: Color) -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    match choice {
        _ if no_color => false,
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal(),
    }
}

fn color_mode(color: bool) -> ColorMode {
    if color {
        ColorMode::Always
    } else {
        ColorMode::Never
    }
}
