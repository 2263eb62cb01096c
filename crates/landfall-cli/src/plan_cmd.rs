//! `landfall plan`: check, lower one Scope to a Plan, and show what
//! applying it would change (or print the plan's JSON).
//!
//! Exit statuses: `0` a plan was made, `1` check or lowering found errors
//! in what the plan reads, `2` the command could not run (a bad flag or
//! path, an unknown APP/SCOPE, an unwritable `-o` file). With
//! `--detailed-exitcode` (Terraform's convention): `0` no changes, `2`
//! changes, `1` anything that went wrong.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use landfall_diagnostics::{ColorMode, render_human, render_json};
use landfall_plan::{Change, Observed, Plan, RenderOptions, diff, render_diff};
use landfall_runner::Secrets;
use landfall_targets::Observation;

use crate::rule_filter::{self, RuleFilter};
use crate::{Color, artifacts, local, lowering, output};

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
    /// Also write the plan: to FILE when it ends in `.json`; into DIR (ending
    /// in `/`, or an existing directory) with the target's files
    /// (compose.yaml, kubernetes.yaml) and plan.json. The diff still goes to
    /// stdout.
    #[arg(
        short = 'o',
        long = "output-file",
        alias = "out",
        value_name = "FILE.json|DIR/"
    )]
    out: Option<PathBuf>,
    /// Show only these rules' warnings: ids, or prefixes ending in `/`
    /// (errors that stop the plan are always shown).
    #[arg(long, value_name = "RULE")]
    select: Vec<String>,
    /// Do not show these rules' warnings: ids, or prefixes ending in `/`.
    #[arg(long, value_name = "RULE")]
    ignore: Vec<String>,
    /// Exit 0 when nothing would change, 2 when something would, 1 on errors.
    #[arg(long)]
    detailed_exitcode: bool,
    /// When to colour human output: auto (on a terminal, or with FORCE_COLOR;
    /// never with NO_COLOR), always or never.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Read every file as this input format (`cpln`, `oam`, `avassa`, …),
    /// as `check --dialect` does.
    #[arg(long, value_name = "NAME", value_parser = clap::builder::PossibleValuesParser::new(landfall_check::dialect::names()))]
    dialect: Option<String>,
    /// `REFERENCE=VALUE` lines with the values of the plan's secrets, as
    /// `apply` takes them (else `LANDFALL_SECRET_<REFERENCE>` variables):
    /// with them the plan names exactly what apply would run.
    #[arg(long, value_name = "FILE")]
    secrets_file: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum PlanFormat {
    /// The Terraform-style diff against what runs.
    Human,
    /// The plan's JSON (`schemas/plan.schema.json`).
    Json,
}

/// What applying the plan would change, as the target can tell it.
pub enum RunningState {
    /// The local runner's own decision: the steps an apply would take
    /// now, object by object (the same function decides both).
    Decided(Vec<Change>),
    /// What runs, compared by spec hash: secret values were not given, so
    /// the runner cannot name what it would run.
    Observed(Observed, String),
    /// Nothing can be asked: every object of the plan counts as to create.
    Unknown { reason: String },
}

/// Asks the plan's target what applying would change, as its registry
/// entry says it can be asked.
///
/// An engine-observed target (`local`) is asked through the container
/// engine's labels (the local runner's own view); no engine, or one that
/// does not answer, is said and everything counts as to create. Compose and
/// Kubernetes targets are never asked: landfall writes their files and does
/// not see what runs from them.
fn observe_running_state(plan: &Plan, secrets_file: Option<&Path>) -> RunningState {
    match landfall_targets::target_of(plan).observation() {
        Observation::Engine => observe_local(plan, secrets_file),
        Observation::NotObserved { why } => RunningState::Unknown {
            reason: why.to_string(),
        },
    }
}

fn observe_local(plan: &Plan, secrets_file: Option<&Path>) -> RunningState {
    let unknown = |reason: String| RunningState::Unknown { reason };
    let engine = match landfall_runner::detect_engine(std::env::var_os("PATH").as_deref()) {
        Ok(engine) => engine,
        Err(_) => return unknown("no container engine (podman or docker) is on PATH".into()),
    };
    let state_dir = match local::state_dir() {
        Ok(dir) => dir,
        Err(error) => return unknown(error.to_string()),
    };
    let secrets = match local::secrets(&state_dir, secrets_file) {
        Ok(secrets) => secrets,
        Err(error) => return unknown(error.to_string()),
    };
    let runner = landfall_runner::Runner {
        engine,
        executor: &landfall_runner::ProcessExecutor,
        secrets: &secrets,
        state_dir,
        progress: &landfall_runner::Silent,
    };
    match runner.plan_steps(plan) {
        Ok((_, _, steps)) => RunningState::Decided(steps.decisions()),
        Err(landfall_runner::RunnerError::Secret(why)) => {
            // Without the values the runner cannot name the objects it
            // would make: compare what runs by spec.
            let no_values = Secrets::new(Vec::new(), std::iter::empty());
            let runner = landfall_runner::Runner {
                secrets: &no_values,
                ..runner
            };
            match runner.observe_plan(plan) {
                Ok(observed) => RunningState::Observed(
                    observed,
                    format!(
                        "{why}: secrets and the workloads reading them are compared by name and spec only, as apply with the values may differ."
                    ),
                ),
                Err(error) => unknown(format!("{} did not answer: {error}", engine.program())),
            }
        }
        Err(error) => unknown(format!("{} did not answer: {error}", engine.program())),
    }
}

/// What runs for an engine-observed plan's scope (`None` for targets
/// landfall does not observe, or when no engine is on PATH: nothing was
/// observed, so nothing can go stale).
fn record_observed(
    plan: &Plan,
    secrets_file: Option<&Path>,
) -> Result<Option<landfall_plan::ObservedRecord>, String> {
    if !matches!(
        landfall_targets::target_of(plan).observation(),
        Observation::Engine
    ) {
        return Ok(None);
    }
    let Ok(engine) = landfall_runner::detect_engine(std::env::var_os("PATH").as_deref()) else {
        return Ok(None);
    };
    let state_dir = local::state_dir().map_err(|e| e.to_string())?;
    let secrets = match secrets_file {
        Some(file) => local::secrets(&state_dir, Some(file)).map_err(|e| e.to_string())?,
        None => Secrets::new(Vec::new(), std::iter::empty()),
    };
    let runner = landfall_runner::Runner {
        engine,
        executor: &landfall_runner::ProcessExecutor,
        secrets: &secrets,
        state_dir,
        progress: &landfall_runner::Silent,
    };
    runner
        .observed_record(plan)
        .map(Some)
        .map_err(|e| e.to_string())
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
    let color = use_color(args.color);
    if let Some(path) = &args.out
        && let Err(message) = artifacts::check_destination(path)
    {
        eprintln!("error: {message}");
        return exit.cannot_run();
    }
    let filter = match RuleFilter::new(&args.select, &args.ignore) {
        Ok(filter) => filter,
        Err(message) => {
            eprintln!("error: {message}");
            return exit.cannot_run();
        }
    };
    let mut lowering = match lowering::check_and_lower(
        &args.paths,
        &args.scope,
        color_mode(color),
        args.dialect.as_deref(),
    ) {
        Ok(lowering) => lowering,
        Err(text) => {
            eprint!("{text}");
            return exit.cannot_run();
        }
    };
    filter_findings(&mut lowering, &filter);
    let summary = lowering.summary();
    let Some(plan) = lowering.plan.take() else {
        // Shown as `check` shows findings, on stderr: standard output
        // carries a plan or nothing, so `plan --format json > plan.json`
        // never writes findings where a plan is expected.
        let rendered = match args.format {
            PlanFormat::Json => {
                render_json(&lowering.findings, lowering.db(), &summary).into_bytes()
            }
            PlanFormat::Human => render_human(
                &lowering.findings,
                lowering.db(),
                &summary,
                color_mode(color),
            ),
        };
        eprint!("{}", String::from_utf8_lossy(&rendered));
        return exit.errors();
    };
    if !lowering.findings.is_empty() {
        // Warnings: on stderr, so that stdout stays the diff or the plan.
        let rendered = render_human(
            &lowering.findings,
            lowering.db(),
            &summary,
            color_mode(color),
        );
        eprint!("{}", String::from_utf8_lossy(&rendered));
    }

    let mut plan = plan;
    if let Some(path) = &args.out
        && artifacts::is_plan_file(path)
    {
        // A saved plan records what it was made against, so that its
        // apply can refuse it once that no longer holds.
        match record_observed(&plan, args.secrets_file.as_deref()) {
            Ok(record) => plan.observed = record,
            Err(message) => {
                eprintln!("error: {message}");
                return exit.cannot_run();
            }
        }
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
            output::stream_stdout(|out| plan.write_json(out));
            // What runs matters to the JSON form only for the exit status.
            let changed = args.detailed_exitcode && {
                let (changes, _) = changes_against_running(&plan, args.secrets_file.as_deref());
                landfall_plan::DiffSummary::of(&changes).has_changes()
            };
            exit.planned(changed)
        }
        PlanFormat::Human => {
            let (changes, notice) = changes_against_running(&plan, args.secrets_file.as_deref());
            let rendered = render_diff(&plan, &changes, &RenderOptions { color, notice });
            output::write_stdout(rendered.as_bytes());
            exit.planned(landfall_plan::DiffSummary::of(&changes).has_changes())
        }
    };
    // The project, the sources and the plan are dropped by the operating
    // system at exit; freeing them one allocation at a time is waste.
    std::mem::forget(plan);
    std::mem::forget(lowering);
    status
}

/// Leaves out the warnings `--select`/`--ignore` and `[per-file-ignores]`
/// do not report; errors stay, since they decide whether a plan is made.
fn filter_findings(lowering: &mut lowering::Lowering, filter: &RuleFilter) {
    let setup = &lowering.setup;
    let db = &lowering.found.db;
    let relative = |d: &landfall_diagnostics::Diagnostic| {
        let name = db.file(d.span.file).name();
        setup
            .root
            .relative(&setup.cwd, std::path::Path::new(name))
            .unwrap_or_else(|| name.to_string())
    };
    let per_file = &setup.config.per_file_ignores;
    rule_filter::retain(&mut lowering.findings, filter, per_file, relative, true);
}

/// The changes applying `plan` would make, and a notice when nothing
/// could be observed.
fn changes_against_running(
    plan: &Plan,
    secrets_file: Option<&Path>,
) -> (Vec<Change>, Option<String>) {
    match observe_running_state(plan, secrets_file) {
        RunningState::Decided(changes) => (changes, None),
        RunningState::Observed(observed, notice) => (diff(plan, &observed), Some(notice)),
        RunningState::Unknown { reason } => (
            diff(plan, &Observed::default()),
            Some(format!(
                "Nothing observed ({reason}): every object is shown as to create."
            )),
        ),
    }
}

/// Colour for standard output, as [`crate::color::enabled`] decides.
pub fn use_color(choice: Color) -> bool {
    crate::color::enabled(choice, std::io::stdout().is_terminal())
}

pub fn color_mode(color: bool) -> ColorMode {
    if color {
        ColorMode::Always
    } else {
        ColorMode::Never
    }
}
