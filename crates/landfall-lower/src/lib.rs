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
