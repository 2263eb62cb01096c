//! Source files, spans and the one [`Diagnostic`] type every stage reports,
//! with the rule metadata they carry and the renderers that print them.
//!
//! This is the only crate that knows `codespan-reporting`, SARIF and JUnit
//! XML; it does no IO: renderers write into buffers the CLI prints.

mod diagnostic;
mod outline;
mod render;
mod source;
mod suggest;
mod words;

pub use diagnostic::{
    Diagnostic, Label, RuleInfo, RuleMeta, Severity, Suppression, sort_diagnostics,
};
pub use outline::{DocumentOutline, FileOutline};
pub use render::{
    ColorMode, SarifTool, Summary, render_github, render_human, render_json, render_junit,
    render_sarif,
};
pub use source::{FileId, LineCol, SourceDb, SourceFile, Span};
pub use suggest::did_you_mean;
pub use words::{code_list, describe_pointer};
