//! Scopes: one file per rule.

use landfall_model::Dimension;
use landfall_schema::Kind;

use super::Rule;
use crate::context::Context;

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

/// The dimensions of the Platform in force, when there is a Platform
/// document and it passed its schema (a broken one is reported by `schema`
/// and not judged against, so one fault is not reported twice).
fn platform_dimensions<'a>(ctx: &Context<'a>) -> Option<&'a [Dimension]> {
    let platform = ctx.project.documents_of(Kind::Platform).next()?;
    platform.schema_valid.then_some(ctx.platform.dimensions)
}
