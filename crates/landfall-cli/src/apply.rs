//! `landfall apply (PLAN.json | [PATH…] --scope APP/SCOPE)`.

use std::path::PathBuf;
use std::process::ExitCode;

use landfall_runner::{ProcessExecutor, Runner};

use crate::local::{self, EngineArgs, Reporter};

#[derive(clap::Args)]
pub struct ApplyArgs {
    /// A plan file (`landfall plan -o plan.json`), or spec files and
    /// directories with --scope.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// The application scope to apply, as APP/SCOPE, when PATHs are specs.
    #[arg(long, value_name = "APP/SCOPE")]
    scope: Option<String>,
    /// `REFERENCE=VALUE` lines with the values of the plan's secrets
    /// (else `LANDFALL_SECRET_<REFERENCE>` environment variables).
    #[arg(long, value_name = "FILE")]
    secrets_file: Option<PathBuf>,
    /// Print the engine commands an apply would run now, and run nothing.
    #[arg(long)]
    dry_run: bool,
    /// Act without asking. Without it, on a terminal, apply shows the plan
    /// and asks first.
    #[arg(long, short = 'y', visible_alias = "auto-approve")]
    yes: bool,
    #[command(flatten)]
    engine: EngineArgs,
}

pub fn run(args: &ApplyArgs) -> ExitCode {
    match apply(args) {
        Ok(code) => code,
        Err((code, message)) => {
            eprintln!("error: {message}");
            ExitCode::from(code)
        }
    }
}

fn apply(args: &ApplyArgs) -> Result<ExitCode, (u8, String)> {
    let plan = local::load_plan(&args.paths, args.scope.as_deref())?;
    let engine = args.engine.engine_for(&plan).map_err(local::stopped)?;
    let state_dir = local::state_dir().map_err(local::stopped)?;
    let secrets =
        local::secrets(&state_dir, args.secrets_file.as_deref()).map_err(local::stopped)?;
    // A plan the runner refuses (another target, a secret without a
    // value, a bad name) is refused before the engine is asked anything.
    landfall_runner::Desired::new(&plan, engine, &state_dir, &secrets).map_err(local::stopped)?;
    let reporter = Reporter::new();
    let runner = Runner {
        engine,
        executor: &ProcessExecutor,
        secrets: &secrets,
        state_dir,
        progress: &reporter,
    };
    let scope = format!("{}/{}", plan.application.name, plan.scope.name);
    if let Some(saved) = &plan.observed {
        // A saved plan holds only while what it observed still runs.
        let now = runner.observed_record(&plan).map_err(local::stopped)?;
        if now.digest != saved.digest {
            let mut message = format!(
                "Saved plan is stale: what runs for {scope} changed since the plan was saved:"
            );
            for line in saved.changes_to(&now) {
                message.push_str(&format!("\n  {line}"));
            }
            message.push_str("\nnothing was changed; make a new plan (`landfall plan -o FILE.json`) and apply that");
            return Err((crate::EXIT_CANNOT_RUN, message));
        }
    }
    if args.dry_run {
        let (_, _, steps) = runner.plan_steps(&plan).map_err(local::stopped)?;
        let mut text = steps.render();
        text.push_str(&format!("# {scope}: {} changes\n", steps.changes()));
        crate::output::write_stdout(text.as_bytes());
        return Ok(ExitCode::SUCCESS);
    }
    if !args.yes && local::interactive() {
        let (_, _, steps) = runner.plan_steps(&plan).map_err(local::stopped)?;
        let changes = steps.decisions();
        let shown = landfall_plan::render_diff(
            &plan,
            &changes,
            &landfall_plan::RenderOptions {
                color: crate::plan_cmd::use_color(crate::Color::Auto),
                notice: None,
            },
        );
        eprint!("{shown}");
        if steps.changes() == 0 {
            crate::output::write_stdout(
                format!(
                    "{scope}: apply complete, 0 changes (version {})\n",
                    plan.application.version
                )
                .as_bytes(),
            );
            return Ok(ExitCode::SUCCESS);
        }
        if !local::confirm(&format!(
            "Apply these {} changes to {scope}?",
            steps.changes()
        )) {
            return Err((
                crate::EXIT_CANNOT_RUN,
                "apply cancelled: nothing was changed".into(),
            ));
        }
    }
    // The engine failing, the scope locked, a replica that did not become
    // ready: the apply could not run to its end (exit status 2).
    let report = runner.apply(&plan).map_err(local::stopped)?;
    let mut text = String::new();
    for (workload, port, host) in &report.endpoints {
        text.push_str(&format!("{workload}: port {port} on {host}\n"));
    }
    text.push_str(&format!(
        "{scope}: apply complete, {} {} (version {})\n",
        report.changes,
        if report.changes == 1 {
            "change"
        } else {
            "changes"
        },
        plan.application.version
    ));
    crate::output::write_stdout(text.as_bytes());
    Ok(ExitCode::SUCCESS)
}
