//! The check pipeline.
//!
//! 1. Platform discovery: files that mention `Platform` are read and built
//!    first, since every per-document rule needs the platform in force.
//! 2. Per file, in parallel: read, parse, classify, schema, typed model,
//!    per-document rules; then the document is compacted to what
//!    cross-document rules need and the text is dropped unless the file has
//!    findings. So memory holds a few texts at a time, not the whole tree.
//! 3. Across files: resolve, project rules, inline suppressions, rule
//!    levels (Platform and `landfall.toml`).
//! 4. Texts of files that got findings late are read again for rendering;
//!    everything is sorted once.

use std::collections::HashMap;

use landfall_diagnostics::{
    Diagnostic, DocumentOutline, FileId, FileOutline, SourceDb, Span, sort_diagnostics,
};
use landfall_model::{Envelope, LoadedDocument, Platform, Project};
use landfall_schema::{Kind, Schemas};
use landfall_yaml::Limits;
use rayon::prelude::*;

use crate::context::{Context, DocumentContext, EffectivePlatform};
use crate::rules;
use crate::severity::{RuleSetting, apply_levels};
use crate::suppression::{self, Comment};

/// One file to check.
#[derive(Debug, Clone, Copy)]
pub struct CheckInput {
    pub file: FileId,
    /// Named on the command line (or stdin), not found by a directory walk:
    /// a file that holds no landfall document is then reported, not skipped.
    pub explicit: bool,
}

/// A file's content as the caller read it.
pub enum Loaded {
    Text(String),
    /// Too large or not UTF-8: reported, and the file is not parsed. The
    /// text (lossy, or empty) is for showing the finding.
    Problem(Diagnostic, String),
}

/// Reads files for the pipeline. The caller's IO: the pipeline calls it from
/// its parallel stage so that only a few texts are held at once.
pub trait Loader: Sync {
    fn load(&self, file: FileId) -> Loaded;
}

/// For callers that hold every text in the [`SourceDb`] already.
struct Preloaded;

impl Loader for Preloaded {
    fn load(&self, _file: FileId) -> Loaded {
        Loaded::Text(String::new())
    }
}

/// What a check found.
#[derive(Debug)]
pub struct CheckOutcome {
    /// Sorted by file, line, column, rule.
    pub diagnostics: Vec<Diagnostic>,
    /// Files that hold landfall documents (or were named and reported).
    pub files: usize,
    pub documents: usize,
    /// The landfall documents of every counted file, files in path order:
    /// for reports organised by document.
    pub outline: Vec<FileOutline>,
    pub project: Project,
}

/// Checks files whose texts are all in `db` (tests, the docs examples).
pub fn check(db: &mut SourceDb, inputs: &[CheckInput]) -> CheckOutcome {
    check_with(db, inputs, &Preloaded)
}

/// Which stages run, what configuration adds, and what the returned
/// [`Project`] keeps.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// Run the built-in rules; off, only the front end runs (reading,
    /// schemas, names and references): the baseline the rules' cost is
    /// measured against.
    pub rules: bool,
    /// Keep the documents of this application whole: its Application and
    /// the Workloads and Scopes that name it skip
    /// [`LoadedDocument::compact`], so that planning can read every field.
    /// `None` (the default, and `landfall check`): every document is
    /// compacted, and memory holds only what cross-document rules read.
    pub keep_whole_application: Option<String>,
    /// The repository's rule levels (`landfall.toml` `[rules]`).
    pub repository_rules: Vec<RuleSetting>,
    /// Report only findings whose primary span lies in these files (or in
    /// a file outside `inputs`, such as `landfall.toml`), and count only
    /// them in the outcome; the other inputs are read for name resolution
    /// and the platform. `None`: every input is reported.
    pub report_only: Option<Vec<FileId>>,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            rules: true,
            repository_rules: Vec::new(),
            report_only: None,
            keep_whole_application: None,
        }
    }
}

impl CheckOptions {
    /// Whether `doc` is kept whole rather than compacted.
    fn keeps_whole(&self, doc: &LoadedDocument) -> bool {
        let Some(app) = self.keep_whole_application.as_deref() else {
            return false;
        };
        match doc.kind() {
            Kind::Application => doc.name() == Some(app),
            Kind::Workload | Kind::Scope => doc.meta().application() == Some(app),
            // Compacting them drops only labels and annotations.
            Kind::ScopeType | Kind::Platform => false,
        }
    }
}

/// Checks files, reading through `loader` those whose text `db` does not
/// hold. On return `db` holds the text of every file with a finding.
pub fn check_with(db: &mut SourceDb, inputs: &[CheckInput], loader: &dyn Loader) -> CheckOutcome {
    check_with_options(db, inputs, loader, CheckOptions::default())
}

/// [`check_with`], choosing the stages.
pub fn check_with_options(
    db: &mut SourceDb,
    inputs: &[CheckInput],
    loader: &dyn Loader,
    options: CheckOptions,
) -> CheckOutcome {
    let schemas = Schemas::get();
    let limits = Limits::default();
    // Which inputs are reported, by file id (ids are dense).
    let reported: Option<Vec<bool>> = options.report_only.as_ref().map(|files| {
        let mut reported = vec![false; db.len()];
        for file in files {
            if let Some(slot) = reported.get_mut(file.0 as usize) {
                *slot = true;
            }
        }
        reported
    });
    let is_reported = |file: FileId| {
        reported
            .as_ref()
            .is_none_or(|r| r.get(file.0 as usize).copied().unwrap_or(true))
    };
    let read = |input: &CheckInput| -> Loaded {
        let file = db.file(input.file);
        if file.has_text() {
            Loaded::Text(file.text().to_string())
        } else {
            loader.load(input.file)
        }
    };

    // 1. The Platform: checked before anything its rules judge.
    let candidates: Vec<(usize, Loaded)> = inputs
        .par_iter()
        .enumerate()
        .filter_map(|(i, input)| match read(input) {
            Loaded::Text(text) if text.contains("Platform") => Some((i, Loaded::Text(text))),
            _ => None,
        })
        .collect();
    let mut results: Vec<Option<FileResult>> = (0..inputs.len()).map(|_| None).collect();
    let early: Vec<(usize, FileResult)> = candidates
        .into_par_iter()
        .map(|(i, loaded)| (i, front_end(inputs[i], loaded, schemas, &limits)))
        .collect();
    let platform_doc = first_platform(db, early.iter().flat_map(|(_, r)| &r.documents));
    let platform = EffectivePlatform::new(platform_doc.as_ref());
    for (i, result) in early {
        results[i] = Some(result);
    }

    // 2. Every file: front end (unless done above), per-document rules, compaction.
    let db_ref: &SourceDb = db;
    let results: Vec<FileResult> = results
        .into_par_iter()
        .enumerate()
        .map(|(i, early)| {
            let mut result =
                early.unwrap_or_else(|| front_end(inputs[i], read(&inputs[i]), schemas, &limits));
            let reported = is_reported(result.file);
            // Per-document findings stay in their document's file: a file
            // that is not reported needs only its front end.
            document_rules(&mut result, &platform, db_ref, &options, reported);
            if !reported {
                result.diagnostics.clear();
                result.suppressions.clear();
                result.text = None;
            }
            result
        })
        .collect();

    let mut diagnostics = Vec::new();
    let mut documents = Vec::new();
    let mut files = 0;
    let mut document_count = 0;
    let mut texts = Vec::new();
    let mut outline = Vec::new();
    let mut suppressions: HashMap<FileId, Vec<Comment>> = HashMap::new();
    for result in results {
        if result.counted && is_reported(result.file) {
            outline.push(FileOutline {
                file: result.file,
                documents: result.outline,
            });
        }
        if !result.diagnostics.is_empty()
            && let Some(text) = result.text
        {
            texts.push((result.file, text));
        }
        if !result.suppressions.is_empty() {
            suppressions.insert(result.file, result.suppressions);
        }
        diagnostics.extend(result.diagnostics);
        documents.extend(result.documents);
        if is_reported(result.file) {
            files += usize::from(result.counted);
            document_count += result.landfall_documents;
        }
    }
    for (file, text) in texts {
        if !db.file(file).has_text() {
            db.set_text(file, text);
        }
    }

    // 3. Across files, documents in path-then-position order: "the later
    // definition" of a duplicate means later in this order.
    documents.sort_by(|a, b| {
        db.file(a.file)
            .name()
            .cmp(db.file(b.file).name())
            .then(a.file.cmp(&b.file))
            .then(a.index.cmp(&b.index))
    });
    let (project, resolve_diagnostics) = landfall_model::resolve(documents);
    diagnostics.extend(resolve_diagnostics);
    let ctx = Context {
        project: &project,
        platform: &platform,
        sources: db,
    };
    if options.rules {
        diagnostics.extend(project_rules(&ctx));
    }
    diagnostics.retain(|d| is_reported(d.span.file));
    // Suppressions first, so that a suppression of a rule set to `off`
    // counts as used; then the levels, which apply to `unused-suppression`
    // as to any rule.
    suppression::apply(&mut diagnostics, &suppressions);
    let conflicts = apply_levels(&mut diagnostics, &platform, &options.repository_rules);
    diagnostics.extend(conflicts);

    // 4. Texts for rendering, then one order for every output.
    let mut missing: Vec<FileId> = diagnostics
        .iter()
        .flat_map(|d| std::iter::once(d.span.file).chain(d.labels.iter().map(|l| l.span.file)))
        .filter(|&f| !db.file(f).has_text())
        .collect();
    missing.sort();
    missing.dedup();
    for file in missing {
        if let Loaded::Text(text) = loader.load(file) {
            db.set_text(file, text);
        }
    }
    sort_diagnostics(&mut diagnostics, db);
    outline.sort_by(|a, b| {
        db.file(a.file)
            .name()
            .cmp(db.file(b.file).name())
            .then(a.file.cmp(&b.file))
    });
    CheckOutcome {
        diagnostics,
        files,
        documents: document_count,
        outline,
        project,
    }
}

struct FileResult {
    file: FileId,
    diagnostics: Vec<Diagnostic>,
    /// The file's `# landfall-ignore` comments, applied at the end.
    suppressions: Vec<Comment>,
    documents: Vec<LoadedDocument>,
    /// Kept until the per-document rules ran; then only if the file has findings.
    text: Option<String>,
    counted: bool,
    landfall_documents: usize,
    outline: Vec<DocumentOutline>,
}

/// The first Platform document in path-then-position order, owned, so the
/// effective platform can outlive the documents' move into the project.
fn first_platform<'a>(
    db: &SourceDb,
    documents: impl Iterator<Item = &'a LoadedDocument>,
) -> Option<Platform> {
    documents
        .filter_map(|d| d.doc.as_platform().map(|p| (d, p)))
        .min_by(|(a, _), (b, _)| {
            db.file(a.file)
                .name()
                .cmp(db.file(b.file).name())
                .then(a.file.cmp(&b.file))
                .then(a.index.cmp(&b.index))
        })
        .map(|(_, p)| p.clone())
}

/// Parse, classify, schema and typed model of one file.
fn front_end(input: CheckInput, loaded: Loaded, schemas: &Schemas, limits: &Limits) -> FileResult {
    let file = input.file;
    let text = match loaded {
        Loaded::Text(text) => text,
        Loaded::Problem(mut problem, text) => {
            problem.span.file = file;
            return FileResult {
                file,
                diagnostics: vec![problem],
                suppressions: Vec::new(),
                documents: Vec::new(),
                text: Some(text),
                counted: true,
                landfall_documents: 0,
                outline: Vec::new(),
            };
        }
    };
    let parsed = landfall_yaml::parse(file, &text, limits);
    let mut diagnostics = parsed.diagnostics;
    let mut documents = Vec::new();
    let mut landfall_documents = 0;
    let mut outline = Vec::new();
    for document in &parsed.documents {
        let envelope = landfall_model::classify(file, &document.root);
        if !matches!(envelope, Envelope::NotLandfall) {
            outline.push(DocumentOutline {
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
        }
        match envelope {
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
                let (loaded, build_diagnostics) = landfall_model::build(
                    file,
                    &text,
                    document.index,
                    kind,
                    &document.root,
                    schema_valid,
                );
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
                file,
                diagnostics: Vec::new(),
                suppressions: Vec::new(),
                documents: Vec::new(),
                text: None,
                counted: false,
                landfall_documents: 0,
                outline: Vec::new(),
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
    // Only files that mention the marker are scanned: most have none.
    let suppressions = if text.contains(suppression::MARKER) {
        let registry = crate::registry();
        let ids: Vec<&'static str> = registry.iter().map(|r| r.id).collect();
        let known = |id: &str| ids.contains(&id);
        let (comments, problems) = suppression::scan(file, &text, &parsed.documents, &known, &ids);
        diagnostics.extend(problems);
        comments
    } else {
        Vec::new()
    };
    FileResult {
        file,
        diagnostics,
        suppressions,
        documents,
        text: Some(text),
        counted: true,
        landfall_documents,
        outline,
    }
}

/// Per-document rules over the documents of one file that passed their
/// schema, then compaction: what stays is what cross-document rules read.
fn document_rules(
    result: &mut FileResult,
    platform: &EffectivePlatform,
    db: &SourceDb,
    options: &CheckOptions,
    reported: bool,
) {
    let text = result.text.as_deref().unwrap_or_default();
    let ctx = DocumentContext {
        platform,
        file_text: text,
        sources: db,
    };
    for doc in result
        .documents
        .iter()
        .filter(|d| options.rules && reported && d.schema_valid)
    {
        for rule in rules::all() {
            rule.check_document(doc, &ctx, &mut result.diagnostics);
        }
    }
    for doc in &mut result.documents {
        if options.keeps_whole(doc) {
            continue;
        }
        doc.compact();
        // A fresh copy packs what is kept for the whole run into the space
        // the file's transient allocations left, instead of pinning pages
        // half-used around them.
        *doc = doc.clone();
    }
    // Held for every file until resolution: no spare capacity.
    result.documents.shrink_to_fit();
    if result.diagnostics.is_empty() {
        result.text = None;
    }
}

fn project_rules(ctx: &Context) -> Vec<Diagnostic> {
    let all: Vec<&dyn rules::Rule> = rules::all().collect();
    // One task per rule: a few rules do most of the work, and they must
    // not queue behind each other on one thread.
    all.par_iter()
        .with_max_len(1)
        .flat_map_iter(|rule| {
            let mut out = Vec::new();
            rule.check_project(ctx, &mut out);
            out
        })
        .collect()
}
