//! Input dialects: the file formats landfall reads into its typed model.
//!
//! The pipeline reads each file and parses it once (`landfall-yaml`: input
//! limits, `yaml-syntax`, `duplicate-key`), picks one dialect for the file
//! ([`choose`]) and asks it for the file's documents: landfall's own kinds
//! (`apiVersion: landfall.dev/v1`) are the dialect
//! [`landfall`](landfall::Landfall). A dialect builds the same
//! `LoadedDocument`s whatever the format, with every span on the node the
//! value came from; so what follows it in the pipeline (suppressions,
//! per-document rules, compaction, policy views, resolution, project rules,
//! rule levels) runs unchanged on every format, and a dialect is one module
//! plus its entry in [`registry`].

pub(crate) mod landfall;

#[cfg(test)]
mod tests;

use std::fmt;

use landfall_diagnostics::{Diagnostic, DocumentOutline, FileId};
use landfall_model::LoadedDocument;
use landfall_yaml::{Document, Node};

/// One input format. Called per file from the pipeline's parallel stage:
/// no IO, no state between files.
pub trait Dialect: Sync {
    /// The name `--dialect NAME` and `[dialects]` in `landfall.toml` use.
    fn name(&self) -> &'static str;

    /// Whether the file is in this dialect by its signature alone (an
    /// `apiVersion`, a file name), with nothing naming the dialect. Cheap:
    /// it reads envelopes, not bodies, and runs for every file. Formats
    /// recognisable only by their shape answer `false`, so that on a
    /// directory walk an unrelated file never becomes an error.
    fn detect(&self, source: &Source<'_>) -> bool;

    /// Reads the file's documents into `out`: for each document of this
    /// dialect its outline entry, what is wrong with it (schema, names,
    /// unknown kinds), and the typed documents it builds. Documents of
    /// other formats in the file are left out without a finding.
    fn read<'a>(&self, source: &Source<'a>, out: &mut Output<'a>);

    /// Whether a file that failed to parse still says it is in this
    /// dialect: it is then reported, since a broken spec must not pass as
    /// a foreign file a directory walk skips.
    fn claims_broken(&self, text: &str) -> bool;

    /// The finding for a file named on the command line that holds no
    /// document of this dialect.
    fn foreign_file(&self, file: FileId) -> Diagnostic;
}

impl fmt::Debug for dyn Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Every dialect landfall reads. The first is the fallback: it reads the
/// files no dialect detects, and so says what a named foreign file lacks.
pub fn registry() -> &'static [&'static dyn Dialect] {
    static REGISTRY: [&dyn Dialect; 1] = [&landfall::Landfall];
    &REGISTRY
}

/// One parsed file, as a dialect sees it.
pub struct Source<'a> {
    pub file: FileId,
    /// The file's name as the pipeline knows it (a path, or the name given
    /// to standard input): some formats are known by their file name.
    pub name: &'a str,
    pub text: &'a str,
    /// The file's YAML documents, with spans.
    pub documents: &'a [Document],
}

/// What a dialect reads from one file. The pipeline takes it over as is:
/// the documents are not copied again.
pub struct Output<'a> {
    pub(crate) documents: Vec<LoadedDocument>,
    /// Aligned with `documents`.
    pub(crate) trees: Vec<Option<&'a Node>>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) outline: Vec<DocumentOutline>,
}

impl<'a> Output<'a> {
    /// Starts with the parser's findings.
    pub(crate) fn new(diagnostics: Vec<Diagnostic>) -> Self {
        Output {
            documents: Vec::new(),
            trees: Vec::new(),
            diagnostics,
            outline: Vec::new(),
        }
    }

    /// A source document of this dialect, built or not (an unknown kind is
    /// reported, not built): it makes the file one of landfall's, counted
    /// and listed in reports organised by document.
    pub fn recognise(&mut self, outline: DocumentOutline) {
        self.outline.push(outline);
    }

    /// A typed document. `policy_tree` is the node tree policies read
    /// fields of by landfall's own paths: the document's root for
    /// landfall's format; `None` where the native tree has another shape,
    /// and the document then has no policy view.
    pub fn document(&mut self, document: LoadedDocument, policy_tree: Option<&'a Node>) {
        self.documents.push(document);
        self.trees.push(policy_tree);
    }

    pub fn diagnostic(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    pub fn diagnostics(&mut self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        self.diagnostics.extend(diagnostics);
    }
}

/// The dialect that reads `source`: the first in `dialects` that detects
/// it, else the first of all (landfall's, in the registry). An empty list
/// means the registry.
pub(crate) fn choose(
    dialects: &[&'static dyn Dialect],
    source: &Source<'_>,
) -> &'static dyn Dialect {
    let dialects = if dialects.is_empty() {
        registry()
    } else {
        dialects
    };
    let detected = dialects.iter().find(|d| d.detect(source));
    *detected.unwrap_or(&dialects[0])
}
