//! Source files, spans and the one [`Diagnostic`] type every stage reports,
//! with the rule metadata they carry and the renderers that print them.
//!
//! This is the only crate that knows `codespan-reporting`, SARIF and JUnit
//! XML; it does no IO: renderers write into buffers the CLI prints.

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

mod diagnostic;
mod escape;
mod fix;
mod outline;
pub mod regex_limits;
mod render;
mod source;
mod suggest;
mod words;

pub use diagnostic::{
    Diagnostic, Label, RuleInfo, RuleMeta, Severity, Suppression, sort_diagnostics,
};
pub use escape::{is_unsafe, terminal_safe};
pub use fix::{
    Applicability, Edit, Fix, applicable_fixes, apply_fixes, rename_scalar, unified_diff,
};
pub use outline::{DocumentOutline, FileOutline};
pub use render::{
    ColorMode, SarifProject, SarifTool, Summary, render_concise, render_github, render_human,
    render_json, render_junit, render_sarif, render_statistics, rule_anchor,
};
pub use source::{FileId, LineCol, SourceDb, SourceFile, Span};
pub use suggest::did_you_mean;
pub use words::{MAX_MESSAGE, MAX_QUOTED, bounded, code_list, describe_pointer, elide};
