//! The built-in rules over the resolved project, one file each: its
//! `RuleMeta` (id, severity, summary, docs with a failing and a passing
//! example) and its logic.

use landfall_diagnostics::{Diagnostic, RuleMeta};
use landfall_model::LoadedDocument;

use crate::context::{Context, DocumentContext};
pub(crate) use crate::reads::Reads;

mod environment;
mod resources;
mod scopes;
mod versions;
mod workloads;

/// A built-in rule. Per-document checks run in parallel over the documents
/// whose schema faults touch nothing the rule reads; project checks run
/// once over the whole tree.
pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;

    /// The fields the rule's findings depend on ([`Reads`]): a document
    /// that failed its schema elsewhere is still judged.
    fn reads(&self) -> Reads {
        Reads::Everything
    }

    /// Called for each document whose faults touch nothing the rule reads
    /// (see [`Rule::reads`]), with a platform whose faults do not either.
    fn check_document(
        &self,
        _doc: &LoadedDocument,
        _ctx: &DocumentContext,
        _out: &mut Vec<Diagnostic>,
    ) {
    }

    /// Called once; cross-document rules live here and must stay linear.
    /// They judge [`Context::judged_documents`] and trust a document they
    /// look up only if [`Context::judges`] says so.
    fn check_project(&self, _ctx: &Context, _out: &mut Vec<Diagnostic>) {}
}

/// Every built-in rule of the catalogue, by group.
pub fn all() -> impl Iterator<Item = &'static dyn Rule> {
    [
        resources::RULES,
        workloads::RULES,
        environment::RULES,
        versions::RULES,
        scopes::RULES,
    ]
    .into_iter()
    .flatten()
    .copied()
}
