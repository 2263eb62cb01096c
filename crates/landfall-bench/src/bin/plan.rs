//! The planning step alone: checks a tree once (as `landfall plan` does,
//! the application's documents kept whole), then lowers one Scope and
//! writes its plan JSON `--repeat` times, in-process, and prints the
//! fastest and median time. The whole command, process start and check
//! included, is what `bench/plan.sh` times with hyperfine.
//!
//!   landfall-bench-plan TREE --scope APP/SCOPE [--repeat 50]

#![allow(
    clippy::disallowed_methods,
    reason = "a benchmark tool: it reads the spec tree it times"
)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Parser;
use landfall_check::{CheckInput, Preloaded, check_with_options, plan_check_options};
use landfall_diagnostics::SourceDb;
use landfall_lower::{ScopeSelector, lower, select};

// The allocator the `landfall` binary uses, so the figure is the CLI's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
struct Args {
    /// The tree to read (every `.yaml` file below it).
    tree: PathBuf,
    /// The Scope to plan, as APPLICATION/SCOPE.
    #[arg(long)]
    scope: String,
    /// Plans to time in-process (the tree is checked once).
    #[arg(long, default_value_t = 50)]
    repeat: usize,
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("the tree is readable")
        .map(|e| e.expect("the tree is readable").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
}

fn main() {
    let args = Args::parse();
    let selector = ScopeSelector::parse(&args.scope).expect("APP/SCOPE");
    let mut files = Vec::new();
    yaml_files(&args.tree, &mut files);
    let mut db = SourceDb::new();
    let inputs: Vec<CheckInput> = files
        .iter()
        .map(|path| CheckInput {
            file: db.add(
                path.display().to_string(),
                std::fs::read_to_string(path).expect("the tree is UTF-8"),
            ),
            explicit: false,
        })
        .collect();
    let outcome = check_with_options(
        &mut db,
        &inputs,
        &Preloaded,
        plan_check_options(&selector.application),
    );
    let scope = select(&outcome.project, &selector).expect("the scope exists");

    let mut times: Vec<Duration> = Vec::with_capacity(args.repeat.max(1));
    let mut bytes = 0;
    let mut workloads = 0;
    for _ in 0..args.repeat.max(1) {
        let start = Instant::now();
        let plan = lower(&outcome.project, scope)
            .plan
            .expect("the scope lowers without errors");
        let mut json = Vec::new();
        plan.write_json(&mut json).expect("writing to memory");
        times.push(start.elapsed());
        bytes = json.len();
        workloads = plan.workloads.len();
    }
    times.sort();
    println!(
        "{workloads} workloads: {bytes} bytes of plan JSON; lowering and writing it: fastest {:.2} ms, median {:.2} ms ({} runs)",
        times[0].as_secs_f64() * 1e3,
        times[times.len() / 2].as_secs_f64() * 1e3,
        times.len()
    );
}
