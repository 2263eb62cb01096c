//! `landfall run APP/SCOPE/WORKLOAD (PLAN.json | [PATH…])`: one job of a
//! cron workload, now, once.

use std::path::PathBuf;
use std::process::ExitCode;

use landfall_runner::{ProcessExecutor, Runner};

use crate::local::{self, EngineArgs, Reporter};

#[derive(clap::Args)]
pub struct RunArgs {
    /// The cron workload, as APP/SCOPE/WORKLOAD.
    #[arg(value_name = "APP/SCOPE/WORKLOAD")]
    workload: String,
    /// A plan file of the scope, or its spec files and directories.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// `REFERENCE=VALUE` lines with the values of the plan's secrets.
    #[arg(long, value_name = "FILE")]
    secrets_file: Option<PathBuf>,
    #[command(flatten)]
    engine: EngineArgs,
}

pub fn run(args: &RunArgs) -> ExitCode {
    let result = (|| -> Result<(String, i32), (u8, String)> {
        let cannot_run = |message: String| (crate::EXIT_CANNOT_RUN, message);
        let Some((scope, workload)) = args.workload.rsplit_once('/') else {
            return Err(cannot_run(format!(
                "`{}` is not APP/SCOPE/WORKLOAD (e.g. shop/local/nightly-report)",
                args.workload
            )));
        };
        let (application, scope_name) = local::parse_scope(scope).map_err(cannot_run)?;
        let is_plan_file =
            matches!(args.paths.as_slice(), [p] if p.extension().is_some_and(|e| e == "json"));
        let plan = local::load_plan(&args.paths, (!is_plan_file).then_some(scope))?;
        if plan.application.name != application || plan.scope.name != scope_name {
            return Err(cannot_run(format!(
                "the plan is for `{}/{}`, not `{scope}`",
                plan.application.name, plan.scope.name
            )));
        }
        let engine = args.engine.engine_for(&plan).map_err(local::stopped)?;
        let state_dir = local::state_dir().map_err(local::stopped)?;
        let secrets =
            local::secrets(&state_dir, args.secrets_file.as_deref()).map_err(local::stopped)?;
        let reporter = Reporter::new();
        let runner = Runner {
            engine,
            executor: &ProcessExecutor,
            secrets: &secrets,
            state_dir,
            progress: &reporter,
        };
        let mut print = |text: &str| crate::output::write_stdout(text.as_bytes());
        // The job's own exit status is its verdict (1 below when it is
        // not 0); a runner error means it could not run (2).
        let status = runner
            .run_job(&plan, workload, &mut print)
            .map_err(local::stopped)?;
        Ok((workload.to_string(), status))
    })();
    match result {
        Ok((workload, 0)) => {
            eprintln!("{workload}: the job succeeded (exit status 0)");
            ExitCode::SUCCESS
        }
        Ok((workload, status)) => {
            eprintln!("{workload}: the job failed (exit status {status})");
            ExitCode::from(crate::EXIT_FINDINGS)
        }
        Err((code, message)) => {
            eprintln!("error: {message}");
            ExitCode::from(code)
        }
    }
}
