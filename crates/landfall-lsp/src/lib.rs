//! `landfall lsp`: the checker as a language server over standard input and
//! output. Like the CLI, this crate is an edge: it reads the project's
//! files and talks to the editor; what it reports is decided by the check
//! driver (`landfall-check`), the same verdict as `landfall check`.
//!
//! It never writes a file: fixes and renames go to the editor as edits.

#![allow(
    clippy::disallowed_methods,
    reason = "the language server reads the project's files, as the CLI does"
)]
#![allow(
    clippy::mutable_key_type,
    reason = "lsp-types' `Uri` caches its parsed parts; its hash and equality never change"
)]

mod convert;
mod index;
mod server;
mod text;
mod transport;

pub use server::run_stdio;
