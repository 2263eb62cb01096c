//! The YAML front end: text to documents of span-carrying nodes.
//!
//! Built on saphyr-parser's events with an explicit stack (no recursion on
//! input depth). Reports `yaml-syntax`, `duplicate-key`, `ambiguous-scalar`
//! and `input-limit`; never fails and never panics on any input.

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

mod node;
mod parse;
pub mod rules;
mod scalar;
mod spans;
mod syntax_error;
mod tags;
mod yaml11;

pub use node::{Document, Entry, Node, Style, Value};
pub use parse::{Limits, ParsedFile, decode, oversized, parse, quoted_len};
pub use spans::{ScalarSpans, value_range_span};
