//! The deployment plan: what one Scope of one Application becomes once
//! checked, independent of the target that runs it.
//!
//! [`ir`] is the Plan itself, serialised as versioned JSON described by
//! `schemas/plan.schema.json`. Targets (`landfall-targets`) and the local
//! runner (`landfall-runner`) read only this, never YAML or the model.

pub mod ir;

pub use ir::*;
