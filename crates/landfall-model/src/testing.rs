//! The front of the pipeline, for tests: parse, classify, schema, build,
//! then resolve, over files given as text (file `n` is `FileId(n)`).

use landfall_diagnostics::{Diagnostic, FileId};
use landfall_schema::Schemas;

use crate::{Envelope, LoadedDocument, Project, build, classify, resolve};

/// Every stage this crate and those below it have; documents in file then
/// position order (the files are named in that order).
pub fn check(files: &[&str]) -> (Project, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut documents: Vec<LoadedDocument> = Vec::new();
    for (n, text) in files.iter().enumerate() {
        let file = FileId(n as u32);
        let parsed = landfall_yaml::parse(file, text, &Default::default());
        diagnostics.extend(parsed.diagnostics);
        for document in &parsed.documents {
            match classify(file, &document.root) {
                Envelope::NotLandfall => {}
                Envelope::UnknownKind(d) => diagnostics.push(d),
                Envelope::Landfall(kind) => {
                    let validation = Schemas::get().check(kind, file, text, &document.root);
                    let valid = validation.is_valid();
                    diagnostics.extend(validation.diagnostics);
                    let (mut loaded, found) =
                        build(file, text, document.index, kind, &document.root, valid);
                    if !valid {
                        loaded.faults = crate::SchemaFaults::At(validation.faults);
                    }
                    diagnostics.extend(found);
                    documents.push(loaded);
                }
            }
        }
    }
    let (project, found) = resolve(documents);
    diagnostics.extend(found);
    (project, diagnostics)
}

/// The text a diagnostic's primary span covers.
pub fn spanned<'a>(files: &[&'a str], d: &Diagnostic) -> &'a str {
    &files[d.span.file.0 as usize][d.span.start as usize..d.span.end as usize]
}

/// `rule: spanned text` of every diagnostic.
pub fn summary(files: &[&str], diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| format!("{}: {}", d.rule, spanned(files, d)))
        .collect()
}
