//! `landfall completions SHELL`: the shell's completion script, made by
//! clap_complete from the same definitions that parse the command line,
//! so the two cannot drift.

use std::process::ExitCode;

use clap_complete::Shell;

#[derive(clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete in. Load it with e.g.
    /// `source <(landfall completions bash)`.
    #[arg(value_enum)]
    shell: Shell,
}

pub fn run(args: &CompletionsArgs, mut command: clap::Command) -> ExitCode {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "landfall", &mut script);
    crate::output::write_stdout(&script);
    ExitCode::SUCCESS
}
