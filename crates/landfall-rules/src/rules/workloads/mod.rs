//! Workload types and scaling: one file per rule.

use super::Rule;

mod capacity_ai_cpu;
mod cron_schedule;
mod job_spec;
mod mutable_image;
mod probe_spec;
mod run_as_root;
mod scale_bounds;
mod scale_to_zero;
mod scaling_metric;
mod support;
mod workload_ports;

/// The rules of this group, in the order of `docs/rules.md`.
pub static RULES: &[&dyn Rule] = &[
    &workload_ports::WorkloadPorts,
    &scaling_metric::ScalingMetric,
    &scale_bounds::ScaleBounds,
    &scale_to_zero::ScaleToZero,
    &capacity_ai_cpu::CapacityAiCpu,
    &job_spec::JobSpec,
    &cron_schedule::CronSchedule,
    &probe_spec::ProbeSpec,
    &mutable_image::MutableImage,
    &run_as_root::RunAsRoot,
];
