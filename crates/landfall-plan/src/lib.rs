//! The deployment plan: what one Scope of one Application becomes once
//! checked, independent of the target that runs it.
//!
//! - [`ir`]: the Plan itself, serialised as versioned JSON described by
//!   `schemas/plan.schema.json`. Targets (`landfall-targets`) and the local
//!   runner (`landfall-runner`) read only this, never YAML or the model.
//! - [`diff`]: a Plan against what a target reports running, and the
//!   Terraform-style rendering of the changes.
//!
//! This crate knows nothing of the checker: lowering a checked project into
//! a Plan is `landfall-lower`'s, so a target or the runner builds without
//! the YAML reader, the schemas or the rules.
//!
//! Pure: no IO, no printing.

// ARCHITECTURE.md, Invariants: "Library crates do no IO and never print"
// (IO through clippy.toml's disallowed-methods) and "no HashMap iteration
// reaches any output". A loop over a hash map that provably never reaches
// output allows the lint locally, saying why.
#![deny(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::iter_over_hash_type,
    clippy::disallowed_methods
)]

pub mod diff;
pub mod fields;
mod hash;
pub mod ir;
mod json;

pub use diff::{
    Change, ChangeAction, Detail, DiffSummary, ObjectKind, Observed, ObservedConfig,
    ObservedWorkload, RenderOptions, diff, render_diff,
};
pub use fields::{config_files_diff, workload_fields};
pub use hash::{config_hash, spec_hash};
pub use ir::*;
