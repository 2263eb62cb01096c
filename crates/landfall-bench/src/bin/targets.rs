//! Emits both targets (compose and Kubernetes) for a plan of N workloads:
//! the shop's production plan with its four workloads repeated under new
//! names until there are N. Prints the artifacts' size and, with
//! `--repeat`, the fastest and median in-process time of one emission.
//!
//!   landfall-bench-targets [--workloads 1000] [--repeat 1]
//!
//! `bench/targets.sh` runs it under hyperfine.

use std::time::{Duration, Instant};

use clap::Parser;
use landfall_plan::Plan;

// The allocator the `landfall` binary uses, so the figure is the CLI's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SHOP_PRODUCTION: &str =
    include_str!("../../../../corpus/targets/lowered-shop-shop-production/plan.json");

#[derive(Parser)]
struct Args {
    /// Workloads in the plan.
    #[arg(long, default_value_t = 1000)]
    workloads: usize,
    /// Emissions to time in-process (the plan is built once).
    #[arg(long, default_value_t = 1)]
    repeat: usize,
}

fn plan_with(workloads: usize) -> Plan {
    let mut plan = Plan::from_json(SHOP_PRODUCTION).expect("the corpus plan reads");
    let shapes = std::mem::take(&mut plan.workloads);
    plan.workloads = (0..workloads)
        .map(|index| {
            let mut workload = shapes[index % shapes.len()].clone();
            workload.name = format!("{}-{index:04}", workload.name);
            workload
        })
        .collect();
    plan.workloads.sort_by(|a, b| a.name.cmp(&b.name));
    plan
}

fn emit_both(plan: &Plan) -> usize {
    let compose = landfall_targets::compose::emit(plan).expect("compose");
    let kubernetes = landfall_targets::kubernetes::emit(plan).expect("kubernetes");
    compose
        .iter()
        .chain(&kubernetes)
        .map(|a| a.contents.len())
        .sum()
}

fn main() {
    let args = Args::parse();
    let plan = plan_with(args.workloads);
    let mut times: Vec<Duration> = Vec::with_capacity(args.repeat.max(1));
    let mut bytes = 0;
    for _ in 0..args.repeat.max(1) {
        let start = Instant::now();
        bytes = emit_both(&plan);
        times.push(start.elapsed());
    }
    times.sort();
    println!(
        "{} workloads: {bytes} bytes of artifacts; one emission of both targets: fastest {:.2} ms, median {:.2} ms ({} runs)",
        args.workloads,
        times[0].as_secs_f64() * 1e3,
        times[times.len() / 2].as_secs_f64() * 1e3,
        times.len()
    );
}
