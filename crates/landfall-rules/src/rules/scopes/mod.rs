//! Scopes: one file per rule.

use super::Rule;

mod dimension_missing;
mod dimension_value;
mod scope_overlap;
mod scope_parameters;
mod scope_workload_type;
mod support;
mod unscoped_workload;
mod unused_variable;

/// The rules of this group, in the order of `docs/rules.md`.
pub static RULES: &[&dyn Rule] = &[
    &unused_variable::UnusedVariable,
    &scope_parameters::ScopeParameters,
    &scope_overlap::ScopeOverlap,
    &scope_workload_type::ScopeWorkloadType,
    &dimension_missing::DimensionMissing,
    &dimension_value::DimensionValue,
    &unscoped_workload::UnscopedWorkload,
];
