//! The rule catalogue: the built-in rules landfall checks a resolved tree
//! with, one file each with its documentation, grouped by what they check.
//!
//! The catalogue does not run itself: `landfall-check` drives the pipeline
//! (reading, schemas, these rules, the policies, suppressions and levels)
//! and holds the one registry of every rule id the product can report.
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

mod context;
mod cron;
mod reads;
mod regexp;
mod rules;
#[cfg(test)]
mod testing;

pub use context::{Context, DocumentContext, EffectivePlatform, Setting};
pub use reads::Reads;
pub use rules::{Rule, all as all_rules};
