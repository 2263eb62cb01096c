//! Which landfall documents each checked file holds: what reports that are
//! organised by document (JUnit's one test case per document) need beside
//! the diagnostics.

use crate::source::{FileId, Span};

/// One checked file and its landfall documents, in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileOutline {
    pub file: FileId,
    pub documents: Vec<DocumentOutline>,
}

/// One landfall document of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentOutline {
    /// 0-based position of the document in its file (among all its YAML
    /// documents, as `LoadedDocument::index`).
    pub index: usize,
    /// `Workload`, `Scope`…; `None` when the kind is missing or unknown.
    pub kind: Option<&'static str>,
    /// `metadata.name` when it is a string.
    pub name: Option<String>,
    /// The document's root node.
    pub span: Span,
}

impl DocumentOutline {
    /// `Kind/name`, or what is known of it: `Workload (document 2)`,
    /// `document 2`.
    pub fn title(&self) -> String {
        match (&self.kind, &self.name) {
            (Some(kind), Some(name)) => format!("{kind}/{name}"),
            (Some(kind), None) => format!("{kind} (document {})", self.index + 1),
            (None, _) => format!("document {}", self.index + 1),
        }
    }
}
