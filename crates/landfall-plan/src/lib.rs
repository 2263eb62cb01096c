//! The deployment plan: what one Scope of one Application becomes once
//! checked, independent of the target that runs it.
//!
//! - [`ir`]: the Plan itself, serialised as versioned JSON described by
//!   `schemas/plan.schema.json`. Targets (`landfall-targets`) and the local
//!   runner (`landfall-runner`) read only this, never YAML or the model.
//! - [`select`]: which Scope (`APP/SCOPE`) and which check findings stop
//!   its plan.
//! - [`lower`]: a checked [`landfall_model::Project`] and a Scope to a Plan.
//! - [`diff`]: a Plan against what a target reports running, and the
//!   Terraform-style rendering of the changes.
//!
//! Pure: no IO, no printing.

pub mod diff;
mod hash;
pub mod ir;
mod json;
pub mod lower;
pub mod rules;
pub mod select;
mod substitute;

pub use diff::{
    Change, ChangeAction, Detail, DiffSummary, ObjectKind, Observed, ObservedConfig,
    ObservedWorkload, RenderOptions, diff, render_diff,
};
pub use hash::{config_hash, spec_hash};
pub use ir::*;
pub use lower::{HOST_PORT_OFFSET, Lowered, lower, lower_after_check};
pub use select::{ScopeSelector, plan_check_options, plan_diagnostics, plan_files, select};

#[cfg(test)]
mod testing;
