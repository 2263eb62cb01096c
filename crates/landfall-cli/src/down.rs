//! `landfall down --scope APP/SCOPE [--volumes]`.

use std::process::ExitCode;

use landfall_runner::{ProcessExecutor, Runner, Secrets};

use crate::local::{self, EngineArgs, Reporter};

#[derive(clap::Args)]
pub struct DownArgs {
    /// The application scope, as APP/SCOPE.
    #[arg(long, value_name = "APP/SCOPE")]
    scope: String,
    /// Remove persistent (`volume://`) volumes too; scratch volumes always go.
    #[arg(long)]
    volumes: bool,
    /// Act without asking. Without it, on a terminal, down asks first.
    #[arg(long, short = 'y', visible_alias = "auto-approve")]
    yes: bool,
    #[command(flatten)]
    engine: EngineArgs,
}

pub fn run(args: &DownArgs) -> ExitCode {
    // Whatever stops it (a bad --scope, the engine, the lock), `down`
    // could not run: exit status 2.
    let result = (|| -> Result<String, String> {
        let (application, scope) = local::parse_scope(&args.scope)?;
        let engine = args.engine.engine().map_err(|e| e.to_string())?;
        if !args.yes
            && local::interactive()
            && !local::confirm(&format!(
                "Remove every container, network, secret and scratch volume of {}{}?",
                args.scope,
                if args.volumes {
                    ", and its persistent volumes"
                } else {
                    ""
                }
            ))
        {
            return Err("down cancelled: nothing was removed".to_string());
        }
        let secrets = Secrets::new(Vec::new(), []);
        let reporter = Reporter::new();
        let runner = Runner {
            engine,
            executor: &ProcessExecutor,
            secrets: &secrets,
            state_dir: local::state_dir().map_err(|e| e.to_string())?,
            progress: &reporter,
        };
        let report = runner
            .down(&application, &scope, args.volumes)
            .map_err(|e| e.to_string())?;
        let count = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let mut text = format!(
            "{}: removed {}, {}, {}, {}\n",
            args.scope,
            count(report.containers, "container"),
            count(report.networks, "network"),
            count(report.volumes, "volume"),
            count(report.secrets, "secret"),
        );
        if !report.kept_volumes.is_empty() {
            text.push_str(&format!(
                "kept persistent volumes (remove them with --volumes): {}\n",
                report.kept_volumes.join(", ")
            ));
        }
        Ok(text)
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
