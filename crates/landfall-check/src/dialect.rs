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

pub(crate) mod cpln;
pub(crate) mod landfall;
mod native;
mod nodes;
mod template;

#[cfg(test)]
mod tests;

use std::fmt;
use std::sync::Arc;

use landfall_diagnostics::{Diagnostic, DocumentOutline, FileId, RuleMeta};
use landfall_model::LoadedDocument;
use landfall_rules::EffectivePlatform;
use landfall_yaml::{Document, Node};

pub use native::native_path;
pub(crate) use template::finding as template_finding;
pub use template::{TEMPLATED_FILE, is_templated};

/// Rules whose messages name their place already, in any dialect: the
/// reading layer's and the schema's.
pub(crate) fn speaks_natively(rule: &str) -> bool {
    matches!(
        rule,
        "yaml-syntax"
            | "duplicate-key"
            | "ambiguous-scalar"
            | "input-limit"
            | "schema"
            | "templated-file"
            | "unknown-kind"
            | "unused-suppression"
    ) || rule.contains('/')
}

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

    /// Whether the text names this dialect's signature, read before the
    /// file is parsed: a template that says it is this dialect's (its
    /// `apiVersion`) is reported as a template, not skipped.
    fn mentions_signature(&self, _text: &str) -> bool {
        false
    }

    /// The platform whose numbers hold for this dialect's files when no
    /// landfall Platform document is in the tree: the vendor's own limits.
    /// `None`: landfall's defaults.
    fn profile(&self) -> Option<&'static EffectivePlatform<'static>> {
        None
    }

    /// The checks of this platform that landfall's catalogue lacks, with
    /// ids prefixed by the dialect's name (`cpln/…`): reported by `read`,
    /// documented and configurable like every rule.
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[]
    }

    /// The catalogue's rules that have a meaning on this dialect's files
    /// (what `landfall rules --dialect NAME` lists beside [`Dialect::rules`]);
    /// `None`: all of them.
    fn catalogue(&self) -> Option<&'static [&'static str]> {
        None
    }

    /// Where the platform's own documentation says what its files mean:
    /// what `landfall explain --dialect NAME` cites.
    fn documentation(&self) -> &'static str {
        ""
    }

    /// Puts a finding of the catalogue in the platform's words, once the
    /// rules have run: `path` is the native field path of the node the
    /// finding points at (`spec.containers[0].ports[0].number`), when it
    /// points at one.
    fn adapt(&self, diagnostic: &mut Diagnostic, path: Option<&str>) {
        if let Some(path) = path
            && !diagnostic.message.contains(path)
        {
            diagnostic.message = format!("`{path}`: {}", diagnostic.message);
        }
    }
}

impl fmt::Debug for dyn Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Every dialect landfall reads. The first is the fallback: it reads the
/// files no dialect detects, and so says what a named foreign file lacks.
pub fn registry() -> &'static [&'static dyn Dialect] {
    static REGISTRY: [&dyn Dialect; 2] = [&landfall::Landfall, &cpln::Cpln];
    &REGISTRY
}

/// The dialect of this name.
pub fn by_name(name: &str) -> Option<&'static dyn Dialect> {
    registry().iter().copied().find(|d| d.name() == name)
}

/// The names of every dialect, in registry order: what `--dialect` and
/// `[dialects]` accept.
pub fn names() -> Vec<&'static str> {
    registry().iter().map(|d| d.name()).collect()
}

/// Files the user named a dialect for (`--dialect NAME`, a glob of
/// `[dialects]` in `landfall.toml`), by the file's name as the
/// `SourceDb` holds it: they are read as that dialect whatever their
/// signature, and so also by their shape.
#[derive(Clone, Default)]
pub struct NamedDialects {
    pick: Option<Arc<NamedPick>>,
}

type NamedPick = dyn Fn(&str) -> Option<&'static dyn Dialect> + Send + Sync;

impl NamedDialects {
    /// Every file is read as `dialect`.
    pub fn all(dialect: &'static dyn Dialect) -> Self {
        NamedDialects::by(move |_| Some(dialect))
    }

    /// Each file as `pick` says from its name; `None`: by signature.
    pub fn by(pick: impl Fn(&str) -> Option<&'static dyn Dialect> + Send + Sync + 'static) -> Self {
        NamedDialects {
            pick: Some(Arc::new(pick)),
        }
    }

    /// Whether any file is named a dialect.
    pub fn is_set(&self) -> bool {
        self.pick.is_some()
    }

    pub(crate) fn of(&self, name: &str) -> Option<&'static dyn Dialect> {
        self.pick.as_ref().and_then(|pick| pick(name))
    }
}

impl fmt::Debug for NamedDialects {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.pick.is_some() {
            "NamedDialects(..)"
        } else {
            "NamedDialects(none)"
        })
    }
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
    /// The user named the dialect for this file (`--dialect`, a glob):
    /// it is read by shape too, and a document that is not of the
    /// dialect is reported as `unknown-kind`, with what was expected.
    pub named: bool,
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
