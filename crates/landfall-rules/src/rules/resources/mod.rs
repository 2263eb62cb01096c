//! Resources and ports: one file per rule.

use super::Rule;

mod blocked_port;
mod cpu_memory_ratio;
mod invalid_quantity;
mod port_env_mismatch;
mod port_range;
mod resource_limit;
mod support;
mod timeout_range;

/// The rules of this group, in the order of `docs/rules.md`. `timeout-range`
/// is listed with the workload rules there but lives here, beside the
/// duration parsing it shares with `invalid-quantity`.
pub static RULES: &[&dyn Rule] = &[
    &invalid_quantity::InvalidQuantity,
    &resource_limit::ResourceLimit,
    &cpu_memory_ratio::CpuMemoryRatio,
    &blocked_port::BlockedPort,
    &port_range::PortRange,
    &port_env_mismatch::PortEnvMismatch,
    &timeout_range::TimeoutRange,
];
