//! The check pipeline.
//!
//! 1. Platform discovery: files that mention `Platform` are read and built
//!    first, since every per-document rule needs the platform in force.
//! 2. Per file, in parallel: read, parse, the typed documents of the
//!    file's dialect ([`crate::dialect`]; for landfall's own format:
//!    classify, schema, build), suppression comments, per-document rules;
//!    then the document is compacted to what cross-document rules need and
//!    the text is dropped unless the file has findings. So memory holds a
//!    few texts at a time, not the whole tree.
//! 3. Across files: resolve, project rules, policy rules, inline
//!    suppressions, rule levels (Platform and `landfall.toml`).
//!
//! Policies (`Platform.spec.policies`) are read and type-checked right
//! after the platform is found. They may read any field, which compaction
//! drops: so while a file's node tree is at hand, each document that some
//! policy reads is copied into a view holding just the fields the policies
//! read (the type checker knows them). The views are evaluated after
//! resolution, when references between documents are bound.
//! 4. Texts of files that got findings late are read again for rendering;
//!    everything is sorted once.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use landfall_diagnostics::{
    Diagnostic, DocumentOutline, FileId, FileOutline, RuleInfo, SourceDb, sort_diagnostics,
};
use landfall_model::{LoadedDocument, Platform, Project, SchemaFaults};
use landfall_policy::{PolicySet, PolicySource, Tree};
use landfall_schema::{Kind, Schemas};
use landfall_yaml::{Limits, Node};
use rayon::prelude::*;

use landfall_rules::{Context, DocumentContext, EffectivePlatform, Rule};

use crate::dialect::{self, Dialect, NamedDialects, Output, Source};
use crate::later::LaterFindings;
use crate::platform_config::PlatformConfig;
use crate::severity::{RuleSetting, apply_levels};
use crate::suppression::{self, Comment};
use crate::unread::{self, UnreadFile};

/// One file to check.
#[derive(Debug, Clone, Copy)]
pub struct CheckInput {
    pub file: FileId,
    /// Named on the command line (or stdin), not found by a directory walk:
    /// a file that holds no landfall document is then reported, not skipped.
    pub explicit: bool,
}

/// A file's content as the caller read it.
#[allow(
    clippy::large_enum_variant,
    reason = "one per file read, matched at once; a problem is rare and boxing it buys nothing"
)]
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

    /// Reads a file that a document names (a Platform's policy files, a
    /// policy test's example): `name` is its path as the pipeline computed
    /// it from the naming file's name. `None`: there is no such file.
    fn load_named(&self, _name: &str) -> Option<Loaded> {
        None
    }
}

/// For callers that hold every text in the [`SourceDb`] already.
pub struct Preloaded;

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
    /// for reports organised by document. Empty unless
    /// [`CheckOptions::outline`] asks for it.
    pub outline: Vec<FileOutline>,
    pub project: Project,
    /// The policy rules in force (`policy/<id>`), for SARIF's rule list.
    pub policy_rules: Vec<RuleInfo>,
    /// The suppressions and levels that apply to the findings of later
    /// stages (lowering's `plan/*`): [`CheckOutcome::lower`].
    pub later: LaterFindings,
    /// The files of which a part could not be read (parsing stopped, or
    /// the file was too large or not UTF-8), in path order: names they
    /// mention are not reported as unresolved elsewhere.
    pub unread_files: Vec<FileId>,
    /// What policies read of each document: freed with the outcome, which
    /// the CLI leaves to the operating system at exit.
    _policy_views: Vec<Option<Tree>>,
}

/// Checks files whose texts are all in `db` (tests, the docs examples).
pub fn check(db: &mut SourceDb, inputs: &[CheckInput]) -> CheckOutcome {
    check_with(db, inputs, &Preloaded)
}

/// Which stages run, what configuration adds, and what the returned
/// [`Project`] keeps.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// Run the built-in rules and the policies; off, only the front end
    /// runs (reading, schemas, names and references): the baseline the
    /// rules' cost is measured against.
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
    /// With `report_only`, also keep the cross-file findings (names,
    /// references, project rules, policies) of the inputs not reported,
    /// with their suppressions applied: what a change to the reported
    /// files can cause elsewhere, for the caller to compare with the
    /// state before the change.
    pub keep_cross_file_findings: bool,
    /// Collect [`CheckOutcome::outline`]: a name and span per document,
    /// which only reports organised by document (JUnit) read; some 5 MB
    /// on a 20,000-file check, so only when asked.
    pub outline: bool,
    /// Run these policy files (held in the `SourceDb`) instead of those the
    /// Platform lists: how `landfall test-policies` runs a policy file's
    /// examples.
    pub policy_files: Option<Vec<FileId>>,
    /// The input formats files are read in ([`crate::dialect::registry`]
    /// by default); the first reads the files no dialect detects.
    pub dialects: &'static [&'static dyn Dialect],
    /// Files the user named a dialect for (`--dialect`, `[dialects]` in
    /// `landfall.toml`): read as that dialect whatever their signature.
    pub named_dialects: NamedDialects,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            rules: true,
            repository_rules: Vec::new(),
            report_only: None,
            keep_cross_file_findings: false,
            outline: true,
            policy_files: None,
            keep_whole_application: None,
            dialects: dialect::registry(),
            named_dialects: NamedDialects::default(),
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

/// Compiles the kinds' schemas ahead of a check, which otherwise compiles
/// each the first time it meets the kind (see `Schemas::compile_all`).
pub fn compile_schemas() {
    Schemas::get().compile_all();
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
    let limits = Limits::default();
    let dialects = options.dialects;
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

    // 1. The Platform: checked before anything its rules judge. The other
    // texts this reads are kept for stage 2, within a budget.
    let kept_bytes = AtomicUsize::new(0);
    // Each read: what is kept of it, whether it may hold a Platform, and
    // whether it could not be read and may hold one (too large, or not
    // UTF-8 and mentioning it).
    let first_reads: Vec<(Option<Loaded>, bool, bool)> = inputs
        .par_iter()
        .map(|input| match read_input(db, loader, input) {
            Loaded::Text(text) if text.contains("Platform") => {
                (Some(Loaded::Text(text)), true, false)
            }
            loaded => {
                let (size, unread_platform) = match &loaded {
                    Loaded::Text(text) => (text.len(), false),
                    Loaded::Problem(_, text) => {
                        (text.len(), text.is_empty() || text.contains("Platform"))
                    }
                };
                let total = kept_bytes.fetch_add(size, Ordering::Relaxed) + size;
                (
                    (total <= KEPT_TEXT_BUDGET).then_some(loaded),
                    false,
                    unread_platform,
                )
            }
        })
        .collect();
    let mut kept: Vec<Option<Loaded>> = Vec::with_capacity(inputs.len());
    let mut candidates: Vec<(usize, Loaded)> = Vec::new();
    let mut unread_platforms: Vec<FileId> = Vec::new();
    for (i, (loaded, platform, unread_platform)) in first_reads.into_iter().enumerate() {
        if unread_platform {
            unread_platforms.push(inputs[i].file);
        }
        match (loaded, platform) {
            (Some(loaded), true) => {
                candidates.push((i, loaded));
                kept.push(None);
            }
            (loaded, _) => kept.push(loaded),
        }
    }
    // Boxed: a few files are done early, and a slot per file costs a
    // pointer, not a whole (mostly empty) result.
    let mut results: Vec<Option<Box<FileResult>>> = (0..inputs.len()).map(|_| None).collect();
    let early: Vec<(usize, FileResult)> = candidates
        .into_par_iter()
        .map(|(i, loaded)| {
            let name = db.file(inputs[i].file).name();
            let result = front_end(
                inputs[i],
                name,
                loaded,
                (dialects, &options.named_dialects),
                &limits,
                Views::KeepTrees,
            );
            (i, result)
        })
        .collect();
    let platform_loaded = first_platform(db, early.iter().flat_map(|(_, r)| &r.documents));
    let platform_doc = platform_loaded.and_then(|d| Some((d.file, d.doc.as_platform()?.clone())));
    unread_platforms.extend(
        early
            .iter()
            .filter_map(|(_, r)| r.unread.as_ref())
            .filter(|u| u.may_hold("Platform"))
            .map(|u| u.file),
    );
    // The Platform in force may be in what could not be read: the first
    // Platform in path order is in force, and one there would come first.
    let hidden_platform = unread_platforms
        .into_iter()
        .filter(|&f| platform_loaded.is_none_or(|d| path_order(db, f, d.file).is_lt()))
        .min_by(|&a, &b| path_order(db, a, b));
    let platform_faults = match (hidden_platform, platform_loaded) {
        (Some(_), _) => SchemaFaults::Everywhere,
        (None, Some(d)) => d.faults.clone(),
        (None, None) => SchemaFaults::None,
    };
    let mut diagnostics = Vec::new();
    let policies = if !options.rules {
        PolicySet::default()
    } else if let Some(files) = &options.policy_files {
        let (policies, found) = compile_policies(db, files);
        diagnostics.extend(found);
        policies
    } else if let Some((file, platform)) = &platform_doc {
        let (files, found) = read_policy_files(db, loader, *file, platform);
        diagnostics.extend(found);
        let (policies, found) = compile_policies(db, &files);
        diagnostics.extend(found);
        policies
    } else {
        PolicySet::default()
    };
    let mut platform = EffectivePlatform::new(platform_doc.as_ref().map(|(_, p)| p));
    platform.faults = platform_faults;
    for (i, mut result) in early {
        // Read before the policies were known: their views are made now.
        let trees = std::mem::take(&mut result.trees);
        result.views = result
            .documents
            .iter()
            .zip(&trees)
            .map(|(doc, root)| root.as_ref().and_then(|root| view_of(&policies, doc, root)))
            .collect();
        results[i] = Some(Box::new(result));
    }

    // 2. Every file: front end (unless done above), per-document rules, compaction.
    let db_ref: &SourceDb = db;
    let results: Vec<FileResult> = results
        .into_par_iter()
        .zip(kept)
        .enumerate()
        .map(|(i, (early, kept))| {
            let mut result = early.map(|result| *result).unwrap_or_else(|| {
                front_end(
                    inputs[i],
                    db_ref.file(inputs[i].file).name(),
                    kept.unwrap_or_else(|| read_input(db_ref, loader, &inputs[i])),
                    (dialects, &options.named_dialects),
                    &limits,
                    Views::Make(&policies),
                )
            });
            let reported = is_reported(result.file);
            // Per-document findings stay in their document's file: a file
            // that is not reported needs only its front end.
            document_rules(&mut result, &platform, db_ref, &options, reported);
            // Held for every file until the end: none unless asked for,
            // and then without spare capacity.
            if options.outline {
                result.outline.shrink_to_fit();
            } else {
                result.outline = Vec::new();
            }
            if !reported {
                result.diagnostics.clear();
                if !options.keep_cross_file_findings {
                    result.suppressions.clear();
                }
                result.text = None;
            }
            result
        })
        .collect();

    // Sized up front: one exact allocation held until resolution, not a
    // doubling one with up to half of it unused.
    let total: usize = results.iter().map(|r| r.documents.len()).sum();
    let mut documents: Vec<LoadedDocument> = Vec::with_capacity(total);
    let mut views: Vec<Option<Tree>> = Vec::with_capacity(total);
    let mut files = 0;
    let mut document_count = 0;
    let mut texts = Vec::new();
    let mut outline = Vec::new();
    let mut suppressions: HashMap<FileId, Vec<Comment>> = HashMap::new();
    let mut unread_files = Vec::new();
    let mut native: HashMap<FileId, &'static dyn Dialect> = HashMap::new();
    for result in results {
        if let Some(dialect) = result.dialect.filter(|_| !result.diagnostics.is_empty()) {
            native.insert(result.file, dialect);
        }
        unread_files.extend(result.unread);
        if options.outline && result.counted && is_reported(result.file) {
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
        views.extend(result.views);
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
    // Sorted in place, views with their documents: no second copy of
    // either list at the run's fullest.
    let mut order: Vec<usize> = (0..documents.len()).collect();
    order.sort_by(|&i, &j| {
        let (a, b) = (&documents[i], &documents[j]);
        db.file(a.file)
            .name()
            .cmp(db.file(b.file).name())
            .then(a.file.cmp(&b.file))
            .then(a.index.cmp(&b.index))
    });
    apply_order(&mut documents, &mut views, order);
    let (unread, unread_files) = unread::collect(db, unread_files);
    let resolved = landfall_model::resolve_with(documents, &unread);
    let project = resolved.project;
    diagnostics.extend(resolved.diagnostics);
    unread::note_withheld(&mut diagnostics, &unread_files, &resolved.withheld, db);
    if let Some(file) = hidden_platform {
        unread::note_platform(&mut diagnostics, &unread_files, file);
    }
    let policy_ids = policies.ids();
    let ctx = Context {
        project: &project,
        platform: &platform,
        sources: db,
        policy_ids: &policy_ids,
        unread: &unread,
    };
    if options.rules {
        diagnostics.extend(project_rules(&ctx));
        diagnostics.extend(policies.evaluate(&project, &views));
    }
    let policy_rules = policies.rule_infos(db);
    if !options.keep_cross_file_findings {
        diagnostics.retain(|d| is_reported(d.span.file));
    }
    // Suppressions first, so that a suppression of a rule set to `off`
    // counts as used; then the levels, which apply to `unused-suppression`
    // as to any rule.
    // Comments that suppress lowering's findings are kept for it.
    let incomplete = incomplete_rules(&project, &platform, &unread);
    suppression::apply(&mut diagnostics, &suppressions, &|rule| {
        incomplete.contains(&rule)
            || (rule.starts_with("policy/") && incomplete.contains(&"policy"))
    });
    let later = LaterFindings::new(suppressions, &platform, &options.repository_rules);
    let conflicts = apply_levels(&mut diagnostics, &platform, &options.repository_rules);
    diagnostics.extend(conflicts);

    // 4. Texts for rendering, then one order for every output.
    load_texts(db, loader, &diagnostics);
    in_native_words(db, &native, &limits, &mut diagnostics);
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
        policy_rules,
        later,
        unread_files: unread.files().collect(),
        _policy_views: views,
    }
}

/// Moves `a[order[k]]` and `b[order[k]]` to position `k`, in place: each
/// element is swapped straight to where it belongs.
fn apply_order<A, B>(a: &mut [A], b: &mut [B], order: Vec<usize>) {
    // Where each element goes.
    let mut destination = vec![0; order.len()];
    for (position, &from) in order.iter().enumerate() {
        destination[from] = position;
    }
    for i in 0..destination.len() {
        while destination[i] != i {
            let to = destination[i];
            a.swap(i, to);
            b.swap(i, to);
            destination.swap(i, to);
        }
    }
}

/// Findings in a platform's own files in its words: each dialect names the
/// native field path a finding points at (files read again, only those
/// with findings).
fn in_native_words(
    db: &SourceDb,
    native: &HashMap<FileId, &'static dyn Dialect>,
    limits: &Limits,
    diagnostics: &mut [Diagnostic],
) {
    if native.is_empty() {
        return;
    }
    let mut parsed: HashMap<FileId, Vec<landfall_yaml::Document>> = HashMap::new();
    for d in diagnostics.iter_mut() {
        let Some(dialect) = native.get(&d.span.file) else {
            continue;
        };
        if !db.file(d.span.file).has_text() {
            continue;
        }
        let documents = parsed.entry(d.span.file).or_insert_with(|| {
            landfall_yaml::parse(d.span.file, db.file(d.span.file).text(), limits).documents
        });
        // Findings of the reading layer and of the native schema name
        // their place already.
        let path = if dialect::speaks_natively(&d.rule) {
            None
        } else {
            documents
                .iter()
                .find_map(|doc| dialect::native_path(&doc.root, d.span.start, d.span.end))
        };
        dialect.adapt(d, path.as_deref());
    }
}

/// Reads, through `loader`, the text of every file a finding points into
/// (primary span or label) that `db` does not hold yet: what rendering
/// needs, read only for files with findings.
pub fn load_texts(db: &mut SourceDb, loader: &dyn Loader, findings: &[Diagnostic]) {
    let mut missing: Vec<FileId> = findings
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
}

/// How many bytes of text the Platform pre-pass keeps for the main pass:
/// most trees are read once, and a huge one is still never held in memory
/// whole (past the budget, files are read again when their turn comes).
const KEPT_TEXT_BUDGET: usize = 16 << 20;

/// A file's text: from `db` when it holds it, else through the loader.
fn read_input(db: &SourceDb, loader: &dyn Loader, input: &CheckInput) -> Loaded {
    let file = db.file(input.file);
    if file.has_text() {
        Loaded::Text(file.text().to_string())
    } else {
        loader.load(input.file)
    }
}

struct FileResult {
    file: FileId,
    diagnostics: Vec<Diagnostic>,
    /// The file's `# landfall-ignore` comments, applied at the end.
    suppressions: Vec<Comment>,
    documents: Vec<LoadedDocument>,
    /// What policies read of each document (aligned with `documents`).
    views: Vec<Option<Tree>>,
    /// The documents' policy trees (aligned with `documents`), kept only
    /// when the views cannot be made yet (files read before the policies
    /// were known).
    trees: Vec<Option<Node>>,
    /// Kept until the per-document rules ran; then only if the file has findings.
    text: Option<String>,
    /// The part of the file that could not be read.
    unread: Option<UnreadFile>,
    /// The dialect that read the file, when it is a platform's own format
    /// rather than landfall's.
    dialect: Option<&'static dyn Dialect>,
    counted: bool,
    landfall_documents: usize,
    outline: Vec<DocumentOutline>,
}

/// What the front end does about policy views.
#[derive(Clone, Copy)]
enum Views<'a> {
    /// Make them now.
    Make(&'a PolicySet),
    /// Keep the node trees: the views are made once the policies are known.
    KeepTrees,
}

/// The view of a document some policy reads; documents that failed their
/// schema are not judged.
fn view_of(policies: &PolicySet, doc: &LoadedDocument, root: &Node) -> Option<Tree> {
    if !doc.schema_valid() {
        return None;
    }
    policies.view(doc.kind(), root)
}

/// The first Platform document in path-then-position order.
fn first_platform<'a>(
    db: &SourceDb,
    documents: impl Iterator<Item = &'a LoadedDocument>,
) -> Option<&'a LoadedDocument> {
    documents
        .filter(|d| d.doc.as_platform().is_some())
        .min_by(|a, b| path_order(db, a.file, b.file).then(a.index.cmp(&b.index)))
}

/// Files in path order (then by id, for two names that are the same).
fn path_order(db: &SourceDb, a: FileId, b: FileId) -> std::cmp::Ordering {
    db.file(a).name().cmp(db.file(b).name()).then(a.cmp(&b))
}

/// One file: parse, the dialect's documents (for landfall's format:
/// classify, schema, typed model), and the policy views of its documents.
fn front_end(
    input: CheckInput,
    name: &str,
    loaded: Loaded,
    (dialects, named): (&[&'static dyn Dialect], &NamedDialects),
    limits: &Limits,
    views: Views,
) -> FileResult {
    let file = input.file;
    let named_dialect = named.of(name);
    let text = match loaded {
        Loaded::Text(text) => text,
        Loaded::Problem(mut problem, text) => {
            problem.span.file = file;
            return FileResult {
                file,
                unread: Some(UnreadFile::whole(file, &problem, &text)),
                diagnostics: vec![problem],
                suppressions: Vec::new(),
                documents: Vec::new(),
                views: Vec::new(),
                trees: Vec::new(),
                text: Some(text),
                dialect: None,
                counted: true,
                landfall_documents: 0,
                outline: Vec::new(),
            };
        }
    };
    // A template is not YAML until rendered: one finding, nothing else.
    if let Some(at) = dialect::is_templated(&text) {
        let platform = named_dialect.or_else(|| {
            dialects
                .iter()
                .copied()
                .find(|d| d.mentions_signature(&text))
        });
        if let Some(platform) = platform.filter(|d| d.name() != "landfall") {
            return FileResult {
                file,
                unread: None,
                diagnostics: vec![dialect::template_finding(file, platform.name(), at)],
                suppressions: Vec::new(),
                documents: Vec::new(),
                views: Vec::new(),
                trees: Vec::new(),
                text: Some(text),
                dialect: None,
                counted: true,
                landfall_documents: 0,
                outline: Vec::new(),
            };
        }
    }
    let parsed = landfall_yaml::parse(file, &text, limits);
    let unread = UnreadFile::rest(file, &text, &parsed);
    let source = Source {
        file,
        name,
        text: &text,
        documents: &parsed.documents,
        named: named_dialect.is_some(),
    };
    // Once per file: the dialect's own work is per document.
    let dialect = named_dialect.unwrap_or_else(|| dialect::choose(dialects, &source));
    let mut output = Output::new(parsed.diagnostics);
    dialect.read(&source, &mut output);
    let Output {
        documents,
        trees: policy_trees,
        mut diagnostics,
        outline,
    } = output;
    let landfall_documents = outline.len();
    let (document_views, trees) = match views {
        Views::Make(policies) => (
            documents
                .iter()
                .zip(&policy_trees)
                .map(|(doc, root)| root.and_then(|root| view_of(policies, doc, root)))
                .collect(),
            Vec::new(),
        ),
        // Rare (`test-policies`): the copies keep `parsed` whole for the
        // suppression scan below.
        Views::KeepTrees => (
            vec![None; documents.len()],
            policy_trees.into_iter().map(|t| t.cloned()).collect(),
        ),
    };
    // A file is ours when it holds a document of its dialect, or when it
    // failed to parse but says it is one: a broken spec must not pass as
    // "not ours".
    let broken = diagnostics.iter().any(|d| d.is_error());
    // A file the user named a dialect for is that dialect's: what in it
    // is not (`unknown-kind`) is reported.
    let ours = landfall_documents > 0
        || (broken && dialect.claims_broken(&text))
        || (named_dialect.is_some() && !diagnostics.is_empty());
    if !ours {
        if !input.explicit {
            return FileResult {
                file,
                unread: None,
                diagnostics: Vec::new(),
                suppressions: Vec::new(),
                documents: Vec::new(),
                views: Vec::new(),
                trees: Vec::new(),
                text: None,
                dialect: None,
                counted: false,
                landfall_documents: 0,
                outline: Vec::new(),
            };
        }
        if !broken {
            // Warnings about YAML that is not ours would only be noise.
            diagnostics.clear();
            diagnostics.push(dialect.foreign_file(file));
        }
    }
    // Only files that mention the marker are scanned: most have none.
    let suppressions = if text.contains(suppression::MARKER) {
        let registry = crate::registry::registry();
        let ids: Vec<&'static str> = registry.iter().map(|r| r.id).collect();
        // Policy rules are known only once the policies are compiled;
        // any `policy/<id>` is accepted here.
        let known = |id: &str| ids.contains(&id) || id.starts_with("policy/");
        let (comments, problems) = suppression::scan(file, &text, &parsed.documents, &known, &ids);
        diagnostics.extend(problems);
        comments
    } else {
        Vec::new()
    };
    FileResult {
        file,
        // A file that is not landfall's defines nothing of ours.
        unread: unread.filter(|_| ours),
        diagnostics,
        suppressions,
        documents,
        views: document_views,
        trees,
        text: Some(text),
        dialect: Some(dialect).filter(|d| d.name() != "landfall"),
        counted: true,
        landfall_documents,
        outline,
    }
}

/// Per-document rules over the documents of one file, each rule over those
/// whose schema faults touch nothing it reads; then compaction: what stays
/// is what cross-document rules read.
fn document_rules(
    result: &mut FileResult,
    platform: &EffectivePlatform,
    db: &SourceDb,
    options: &CheckOptions,
    reported: bool,
) {
    let text = result.text.as_deref().unwrap_or_default();
    // A platform's files are judged by its own numbers, unless the tree
    // has a landfall Platform, which holds for every dialect.
    let platform = match result.dialect.and_then(|d| d.profile()) {
        Some(profile) if platform.document.is_none() && platform.faults.passed() => profile,
        _ => platform,
    };
    let ctx = DocumentContext {
        platform,
        file_text: text,
        sources: db,
    };
    for doc in result
        .documents
        .iter()
        .filter(|_| options.rules && reported)
    {
        // A rule that reads a field that failed the schema would report
        // the same fault again, or judge the field by its absence.
        for rule in landfall_rules::all_rules().filter(|r| r.reads().judges(doc, platform)) {
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

/// The rules that left some document unjudged: a catalogue rule that reads
/// a field that failed its schema somewhere (or a setting of a platform
/// that did), name resolution and the policies when a document failed its
/// schema, and the rules that skip names an unread part of a file mentions.
/// `"policy"` stands for every policy rule.
fn incomplete_rules(
    project: &Project,
    platform: &EffectivePlatform,
    unread: &landfall_model::Unread,
) -> Vec<&'static str> {
    let failed = project.documents.iter().any(|d| !d.schema_valid());
    let mut incomplete = Vec::new();
    if failed || !platform.faults.passed() {
        incomplete.extend(
            landfall_rules::all_rules()
                .filter(|r| {
                    !project
                        .documents
                        .iter()
                        .all(|d| r.reads().judges(d, platform))
                })
                .map(|r| r.meta().id),
        );
    }
    if failed {
        incomplete.extend(["unresolved-reference", "policy"]);
    }
    if !unread.is_empty() {
        incomplete.extend([
            "unresolved-reference",
            "unused-variable",
            "unscoped-workload",
        ]);
    }
    incomplete
}

fn project_rules(ctx: &Context) -> Vec<Diagnostic> {
    let all: Vec<&dyn Rule> = landfall_rules::all_rules()
        .chain([&PlatformConfig as &dyn Rule])
        .collect();
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

/// The policy files a Platform lists, read through the loader (or found in
/// `db`) and added to `db`; a listed file that does not exist is
/// `platform-config` on its entry.
pub(crate) fn read_policy_files(
    db: &mut SourceDb,
    loader: &dyn Loader,
    platform_file: FileId,
    platform: &Platform,
) -> (Vec<FileId>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    let base = db.file(platform_file).name().to_string();
    for entry in &platform.policies {
        let name = relative_path(&base, &entry.value);
        match read_named(db, loader, &name) {
            Some((file, problem)) => {
                diagnostics.extend(problem);
                if !files.contains(&file) {
                    files.push(file);
                }
            }
            None => diagnostics.push(
                Diagnostic::new(
                    &crate::platform_config::META,
                    entry.span,
                    format!("policy file `{name}` does not exist"),
                )
                .with_span_label("no such file")
                .with_help("policy paths are relative to the Platform document's file"),
            ),
        }
    }
    (files, diagnostics)
}

/// A file named by another: its text from `db` when held there (tests),
/// else through the loader, added to `db`. `None`: no such file.
pub(crate) fn read_named(
    db: &mut SourceDb,
    loader: &dyn Loader,
    name: &str,
) -> Option<(FileId, Option<Diagnostic>)> {
    if let Some((file, _)) = db.iter().find(|(_, f)| f.name() == name && f.has_text()) {
        return Some((file, None));
    }
    match loader.load_named(name)? {
        Loaded::Text(text) => Some((db.add(name, text), None)),
        Loaded::Problem(mut problem, text) => {
            let file = db.add(name, text);
            problem.span.file = file;
            Some((file, Some(problem)))
        }
    }
}

/// Parses and type-checks policy files held in `db`.
pub(crate) fn compile_policies(db: &SourceDb, files: &[FileId]) -> (PolicySet, Vec<Diagnostic>) {
    let sources: Vec<PolicySource> = files
        .iter()
        .map(|&file| PolicySource {
            file,
            text: db.file(file).text(),
        })
        .collect();
    let builtin: Vec<&str> = crate::registry::registry().iter().map(|r| r.id).collect();
    PolicySet::compile(&sources, &builtin)
}

/// `path` relative to the folder of the file named `base`, with `.` and
/// `..` resolved lexically and `/` separators: `platform/acme.yaml` and
/// `../policies/a.policy` give `policies/a.policy`.
pub(crate) fn relative_path(base: &str, path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        match base.rfind('/') {
            Some(slash) => format!("{}/{path}", &base[..slash]),
            None => path.to_string(),
        }
    };
    let rooted = joined.starts_with('/');
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            ".." if rooted => {}
            other => parts.push(other),
        }
    }
    if rooted {
        format!("/{}", parts.join("/"))
    } else {
        parts.join("/")
    }
}

/// The policy rules in force for the files given: the Platform's policy
/// files read and type-checked, without checking anything else. For
/// `landfall rules PATH` and `landfall explain RULE PATH`.
pub fn policy_rules(
    db: &mut SourceDb,
    inputs: &[CheckInput],
    loader: &dyn Loader,
) -> (Vec<RuleInfo>, Vec<Diagnostic>) {
    let limits = Limits::default();
    let Some((file, platform)) = find_platform(db, inputs, loader, dialect::registry(), &limits)
    else {
        return (Vec::new(), Vec::new());
    };
    let (files, mut diagnostics) = read_policy_files(db, loader, file, &platform);
    let (policies, found) = compile_policies(db, &files);
    diagnostics.extend(found);
    sort_diagnostics(&mut diagnostics, db);
    (policies.rule_infos(db), diagnostics)
}

/// The Platform in force among `inputs`, found as `check` finds it.
pub(crate) fn find_platform(
    db: &mut SourceDb,
    inputs: &[CheckInput],
    loader: &dyn Loader,
    dialects: &[&'static dyn Dialect],
    limits: &Limits,
) -> Option<(FileId, Platform)> {
    let db_ref: &SourceDb = db;
    let early: Vec<(CheckInput, String, FileResult)> = inputs
        .par_iter()
        .filter_map(|input| {
            let file = db_ref.file(input.file);
            let loaded = if file.has_text() {
                Loaded::Text(file.text().to_string())
            } else {
                loader.load(input.file)
            };
            match loaded {
                Loaded::Text(text) if text.contains("Platform") => {
                    let result = front_end(
                        *input,
                        file.name(),
                        Loaded::Text(text.clone()),
                        (dialects, &NamedDialects::default()),
                        limits,
                        Views::Make(&EMPTY_POLICIES),
                    );
                    Some((*input, text, result))
                }
                _ => None,
            }
        })
        .collect();
    let platform = first_platform(db, early.iter().flat_map(|(_, _, r)| &r.documents))
        .and_then(|d| Some((d.file, d.doc.as_platform()?.clone())));
    // The Platform's file is named in policy diagnostics' context: hold its text.
    if let Some((file, _)) = &platform
        && let Some((_, text, _)) = early.iter().find(|(i, _, _)| i.file == *file)
        && !db.file(*file).has_text()
    {
        db.set_text(*file, text.clone());
    }
    platform
}

static EMPTY_POLICIES: std::sync::LazyLock<PolicySet> =
    std::sync::LazyLock::new(PolicySet::default);

#[cfg(test)]
mod order_tests {
    use super::apply_order;

    #[test]
    fn apply_order_moves_both_lists_into_the_order_given() {
        let mut letters = vec!['d', 'a', 'c', 'b', 'e'];
        let mut numbers = vec![4, 1, 3, 2, 5];
        apply_order(&mut letters, &mut numbers, vec![1, 3, 2, 0, 4]);
        assert_eq!(letters, ['a', 'b', 'c', 'd', 'e']);
        assert_eq!(numbers, [1, 2, 3, 4, 5]);
    }
}

#[cfg(test)]
mod tests {
    use super::relative_path;

    #[test]
    fn policy_paths_are_relative_to_the_platform_file() {
        assert_eq!(
            relative_path("platform.yaml", "policies/a.policy"),
            "policies/a.policy"
        );
        assert_eq!(
            relative_path("infra/platform.yaml", "./a.policy"),
            "infra/a.policy"
        );
        assert_eq!(
            relative_path("infra/platform.yaml", "../policies/a.policy"),
            "policies/a.policy"
        );
        assert_eq!(
            relative_path("/srv/t/platform.yaml", "a.policy"),
            "/srv/t/a.policy"
        );
        assert_eq!(
            relative_path("platform.yaml", "/etc/a.policy"),
            "/etc/a.policy"
        );
        assert_eq!(relative_path("platform.yaml", "../a.policy"), "../a.policy");
    }
}
