//! `landfall status --scope APP/SCOPE [--format human|json]`.

use std::process::ExitCode;

use landfall_runner::{ProcessExecutor, Runner, Secrets, Silent};

use crate::local::{self, EngineArgs};

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum StatusFormat {
    Human,
    Json,
}

#[derive(clap::Args)]
pub struct StatusArgs {
    /// The application scope, as APP/SCOPE.
    #[arg(long, value_name = "APP/SCOPE")]
    scope: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = StatusFormat::Human)]
    format: StatusFormat,
    #[command(flatten)]
    engine: EngineArgs,
}

pub fn run(args: &StatusArgs) -> ExitCode {
    let result = (|| -> Result<String, String> {
        let (application, scope) = local::parse_scope(&args.scope)?;
        let engine = args.engine.engine().map_err(|e| e.to_string())?;
        // Status reads labels and probes; it needs no secret values.
        let secrets = Secrets::new(Vec::new(), []);
        let runner = Runner {
            engine,
            executor: &ProcessExecutor,
            secrets: &secrets,
            state_dir: local::state_dir().map_err(|e| e.to_string())?,
            progress: &Silent,
        };
        let status = runner
            .status(&application, &scope)
            .map_err(|e| e.to_string())?;
        Ok(match args.format {
            StatusFormat::Json => status.to_json(),
            StatusFormat::Human => status.render(&args.scope),
        })
    })();
    match result {
        Ok(text) => {
            crate::output::write_stdout(text.as_bytes());
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(crate::EXIT_CANNOT_RUN)
        }
    }
}
