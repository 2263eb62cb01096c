//! The check pipeline: per file in parallel (parse, classify, schema, typed
//! model), then across files (resolve, rules), then one sort.

use landfall_diagnostics::{Diagnostic, FileId, Severity, SourceDb, Span, sort_diagnostics};
use landfall_model::{Envelope, LoadedDocument, Project};
use landfall_schema::Schemas;
use landfall_yaml::Limits;
use rayon::prelude::*;

use crate::context::{Context, DocumentContext, EffectivePlatform};
use crate::rules;

/// One file to check.
#[derive(Debug)]
pub struct CheckInput {
    pub file: FileId,
    /// Named on the command line (or stdin), not found by a directory walk:
    /// a file that holds no landfall document is then reported, not skipped.
    pub explicit: bool,
    /// A problem found while reading it (too large, not UTF-8): reported,
    /// and the file is not parsed.
    pub problem: Option<Diagnostic>,
}

/// What a check found.
#[derive(Debug)]
pub struct CheckOutcome {
    /// Sorted by file, line, column, rule.
    pub diagnostics: Vec<Diagnostic>,
    /// Files that hold landfall documents (or were named and reported).
    pub files: usize,
    pub documents: usize,
    pub project: Project,
}

struct FileResult {
    diagnostics: Vec<Diagnostic>,
    documents: Vec<LoadedDocument>,
    counted: bool,
    landfall_documents: usize,
}

/// Runs every stage over the given files of `db`.
pub fn check(db: &SourceDb, inputs: &[CheckInput]) -> CheckOutcome {
    let schemas = Schemas::get();
    let limits = Limits::default();
    let results: Vec<FileResult> = inputs
        .par_iter()
        .map(|input| check_file(db, input, schemas, &limits))
        .collect();

    let mut diagnostics = Vec::new();
    let mut documents = Vec::new();
    let mut files = 0;
    let mut document_count = 0;
    for result in results {
        diagnostics.extend(result.diagnostics);
        documents.extend(result.documents);
        files += usize::from(result.counted);
        document_count += result.landfall_documents;
    }
    // Resolution reads documents in path-then-position order: "the later
    // definition" of a duplicate means later in this order.
    documents.sort_by(|a, b| {
        db.file(a.file)
            .name()
            .cmp(db.file(b.file).name())
            .then(a.file.cmp(&b.file))
            .then(a.index.cmp(&b.index))
    });
    let (project, resolve_diagnostics) = landfall_model::resolve(documents, db);
    diagnostics.extend(resolve_diagnostics);

    let platform = EffectivePlatform::new(project.platforms().next());
    let ctx = Context {
        project: &project,
        platform: &platform,
        sources: db,
    };
    diagnostics.extend(run_rules(&ctx));
    apply_severity_overrides(&mut diagnostics, &platform);

    sort_diagnostics(&mut diagnostics, db);
    CheckOutcome {
        diagnostics,
        files,
        documents: document_count,
        project,
    }
}

fn check_file(db: &SourceDb, input: &CheckInput, schemas: &Schemas, limits: &Limits) -> FileResult {
    let file = input.file;
    if let Some(problem) = &input.problem {
        return FileResult {
            diagnostics: vec![problem.clone()],
            documents: Vec::new(),
            counted: true,
            landfall_documents: 0,
        };
    }
    let text = db.file(file).text();
    let parsed = landfall_yaml::parse(file, text, limits);
    let mut diagnostics = parsed.diagnostics;
    let mut documents = Vec::new();
    let mut landfall_documents = 0;
    for document in &parsed.documents {
        match landfall_model::classify(file, &document.root) {
            Envelope::NotLandfall => {}
            Envelope::UnknownKind(d) => {
                landfall_documents += 1;
                diagnostics.push(d);
            }
            Envelope::Landfall(kind) => {
                landfall_documents += 1;
                let schema_diagnostics = schemas.validate(kind, file, &document.root);
                let schema_valid = schema_diagnostics.is_empty();
                diagnostics.extend(schema_diagnostics);
                let (loaded, build_diagnostics) =
                    landfall_model::build(file, document.index, kind, &document.root, schema_valid);
                diagnostics.extend(build_diagnostics);
                documents.push(loaded);
            }
        }
    }
    // A file is ours when it holds a landfall document, or when it failed
    // to parse but says it is one: a broken spec must not pass as "not ours".
    let broken = diagnostics.iter().any(|d| d.is_error());
    let ours = landfall_documents > 0 || (broken && text.contains("landfall.dev/"));
    if !ours {
        if !input.explicit {
            return FileResult {
                diagnostics: Vec::new(),
                documents: Vec::new(),
                counted: false,
                landfall_documents: 0,
            };
        }
        if !broken {
            // Warnings about YAML that is not ours would only be noise.
            diagnostics.clear();
            diagnostics.push(
                Diagnostic::new(
                    &landfall_model::rules::UNKNOWN_KIND,
                    Span::new(file, 0, 0),
                    "this file holds no landfall document",
                )
                .with_help(format!(
                    "landfall documents start with `apiVersion: {}`; a directory walk skips other YAML files",
                    landfall_schema::API_VERSION
                )),
            );
        }
    }
    FileResult {
        diagnostics,
        documents,
        counted: true,
        landfall_documents,
    }
}

fn run_rules(ctx: &Context) -> Vec<Diagnostic> {
    let all: Vec<&dyn rules::Rule> = rules::all().collect();
    let document_ctx = DocumentContext {
        platform: ctx.platform,
        sources: ctx.sources,
    };
    let (mut per_document, per_project) = rayon::join(
        || {
            ctx.project
                .documents
                .par_iter()
                .filter(|doc| doc.schema_valid)
                .flat_map_iter(|doc| {
                    let mut out = Vec::new();
                    for rule in &all {
                        rule.check_document(doc, &document_ctx, &mut out);
                    }
                    out
                })
                .collect::<Vec<_>>()
        },
        || {
            all.par_iter()
                .flat_map_iter(|rule| {
                    let mut out = Vec::new();
                    rule.check_project(ctx, &mut out);
                    out
                })
                .collect::<Vec<_>>()
        },
    );
    per_document.extend(per_project);
    per_document
}

/// `Platform.spec.rules`: a severity per rule id, or `off` to drop it.
fn apply_severity_overrides(diagnostics: &mut Vec<Diagnostic>, platform: &EffectivePlatform) {
    let Some(document) = platform.document else {
        return;
    };
    if document.rules.is_empty() {
        return;
    }
    diagnostics.retain_mut(|d| {
        let Some((_, setting)) = document.rules.iter().find(|(id, _)| id.value == d.rule) else {
            return true;
        };
        match Severity::parse(&setting.value) {
            Some(severity) => {
                d.severity = severity;
                true
            }
            // `off`; any other value is a schema error and changes nothing.
            None => setting.value != "off",
        }
    });
}
