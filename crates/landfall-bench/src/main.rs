//! `landfall-gen-tree`: writes a deterministic tree of realistic landfall
//! specs for benchmarks. Prints one summary line to stderr and nothing else.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use clap::builder::TypedValueParser as _;
use landfall_bench::{
    DEFAULT_SCOPES_PER_APP, DEFAULT_WORKLOADS_PER_APP, Options, SCOPE_TYPE_NAMES, generate,
};

/// Generate a deterministic tree of landfall YAML specs for benchmarks.
#[derive(Parser, Debug)]
#[command(name = "landfall-gen-tree", version)]
struct Args {
    /// Directory to write into (must not exist, or be empty).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Total number of .yaml files to write.
    #[arg(long, value_name = "N")]
    files: usize,
    /// Workload files per application.
    #[arg(long, value_name = "W", default_value_t = DEFAULT_WORKLOADS_PER_APP,
          value_parser = clap::value_parser!(u16).range(1..).map(usize::from))]
    workloads_per_app: usize,
    /// Scope files per application.
    #[arg(long, value_name = "S", default_value_t = DEFAULT_SCOPES_PER_APP,
          value_parser = clap::value_parser!(u16).range(1..).map(usize::from))]
    scopes_per_app: usize,
    /// The ScopeType of every Scope (default: by the scope's position).
    #[arg(long, value_name = "TYPE", value_parser = clap::builder::PossibleValuesParser::new(SCOPE_TYPE_NAMES))]
    scope_type: Option<String>,
    /// Also write 20 policy rules (policies/acme.policy) and list them in the Platform.
    #[arg(long)]
    policies: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let opts = Options {
        files: args.files,
        workloads_per_app: args.workloads_per_app,
        scopes_per_app: args.scopes_per_app,
        scope_type: args
            .scope_type
            .as_deref()
            .and_then(|t| SCOPE_TYPE_NAMES.into_iter().find(|n| *n == t)),
        policies: args.policies,
    };
    match generate(&args.out, &opts) {
        Ok(s) => {
            let avg = |total: u64| total.checked_div(s.workloads as u64).unwrap_or(0);
            eprintln!(
                "landfall-gen-tree: wrote {} files ({} applications, {} workloads, {} scopes), \
                 {:.1} MB, workload files avg {} bytes / {} lines, into {}",
                s.files,
                s.applications,
                s.workloads,
                s.scopes,
                s.bytes as f64 / 1e6,
                avg(s.workload_bytes),
                avg(s.workload_lines),
                args.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("landfall-gen-tree: error: {e}");
            ExitCode::from(2)
        }
    }
}
