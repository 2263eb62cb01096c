//! Typed landfall documents and their resolution into a [`Project`].
//!
//! Per document (in parallel, per file): [`classify`] reads the envelope,
//! [`build`] turns a node tree into a typed document with spanned fields and
//! checks its names. Across the tree: [`resolve`] binds names across files,
//! reports duplicates and references that point nowhere, and returns the
//! [`Project`] later rules look things up in.
//!
//! Pure: no IO, no printing, and no panic on any input — documents that
//! failed their schema are built too, with what cannot be read left out.

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

mod build;
pub mod defaults;
mod envelope;
mod faults;
pub mod names;
mod parameters;
pub mod quantity;
mod resolve;
pub mod rules;
mod types;
mod unread;
mod vars;

pub use build::build;
pub use envelope::{API_GROUP_PREFIX, Envelope, classify};
pub use faults::SchemaFaults;
pub use parameters::effective_parameters;
pub use resolve::{Placement, Project, Resolved, resolve, resolve_with};
pub use types::*;
pub use unread::{Unread, Withheld};
pub use vars::{VarRef, located_references, variable_references};

#[cfg(test)]
mod testing;
