//! Lowering: a checked [`landfall_model::Project`] and one of its Scopes
//! into a [`landfall_plan::Plan`].
//!
//! - [`select`]: which Scope (`APP/SCOPE`) and which check findings stop
//!   its plan.
//! - [`lower`]: defaults filled, quantities normalised, `${NAME}`
//!   substituted, secrets as references, host ports, spec hashes.
//! - [`rules`]: the `plan/*` findings only lowering can make; they are in
//!   the one rule registry (`landfall-check`), so they are suppressed and
//!   levelled like every other rule.
//!
//! Pure: no IO, no printing.

pub mod lower;
pub mod rules;
pub mod select;
mod substitute;

pub use lower::{HOST_PORT_OFFSET, Lowered, lower, lower_after_check};
pub use select::{ScopeSelector, plan_diagnostics, plan_files, select};

#[cfg(test)]
mod diff_tests;
#[cfg(test)]
mod testing;
