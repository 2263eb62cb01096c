//! The dialect `landfall`: landfall's own kinds, `apiVersion:
//! landfall.dev/v1`. Per document: classify the envelope, validate against
//! the kind's schema, build the typed document.

use landfall_diagnostics::{Diagnostic, DocumentOutline, FileId, Span};
use landfall_model::{API_GROUP_PREFIX, Envelope, SchemaFaults};
use landfall_schema::Schemas;

use super::{Dialect, Output, Source};

pub struct Landfall;

impl Dialect for Landfall {
    fn name(&self) -> &'static str {
        "landfall"
    }

    /// Some document's `apiVersion` is `landfall.dev/…`: what `classify`
    /// reads first, so a file detected here holds a landfall document.
    fn detect(&self, source: &Source<'_>) -> bool {
        source.documents.iter().any(|document| {
            document
                .root
                .get("apiVersion")
                .and_then(|v| v.as_str())
                .is_some_and(|v| v.starts_with(API_GROUP_PREFIX))
        })
    }

    fn read<'a>(&self, source: &Source<'a>, out: &mut Output<'a>) {
        let file = source.file;
        let schemas = Schemas::get();
        for document in source.documents {
            let envelope = landfall_model::classify(file, &document.root);
            if matches!(envelope, Envelope::NotLandfall) {
                continue;
            }
            out.recognise(DocumentOutline {
                index: document.index,
                kind: match envelope {
                    Envelope::Landfall(kind) => Some(kind.as_str()),
                    _ => None,
                },
                name: document
                    .root
                    .get("metadata")
                    .and_then(|m| m.get("name"))
                    .and_then(|n| n.as_str())
                    .map(str::to_string),
                span: Span::new(file, document.root.start, document.root.end),
            });
            match envelope {
                Envelope::NotLandfall => {}
                Envelope::UnknownKind(d) => out.diagnostic(d),
                Envelope::Landfall(kind) => {
                    let validation = schemas.check(kind, file, source.text, &document.root);
                    let schema_valid = validation.is_valid();
                    out.diagnostics(validation.diagnostics);
                    let (mut loaded, build_diagnostics) = landfall_model::build(
                        file,
                        source.text,
                        document.index,
                        kind,
                        &document.root,
                        schema_valid,
                    );
                    if !schema_valid {
                        loaded.faults = SchemaFaults::At(validation.faults);
                    }
                    out.diagnostics(build_diagnostics);
                    out.document(loaded, Some(&document.root));
                }
            }
        }
    }

    fn claims_broken(&self, text: &str) -> bool {
        text.contains(API_GROUP_PREFIX)
    }

    fn foreign_file(&self, file: FileId) -> Diagnostic {
        Diagnostic::new(
            &landfall_model::rules::UNKNOWN_KIND,
            Span::new(file, 0, 0),
            "this file holds no landfall document",
        )
        .with_help(format!(
            "landfall documents start with `apiVersion: {}`; a directory walk skips other YAML files",
            landfall_schema::API_VERSION
        ))
    }
}
