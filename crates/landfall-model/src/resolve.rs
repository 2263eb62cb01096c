//! Cross-file resolution: binds names to documents across the whole tree,
//! reports duplicates and references that point nowhere, and keeps the
//! indexes later rules look things up in.
//!
//! Linear in the number of documents and references: every lookup is a
//! hash map, and diagnostics are emitted per document in the order given,
//! never in hash map order.

use std::collections::{HashMap, HashSet};

use landfall_diagnostics::{Diagnostic, Edit, Fix, Span, did_you_mean, rename_scalar};
use landfall_schema::Kind;
use rayon::prelude::*;

use crate::faults::SchemaFaults;
use crate::names::{is_dns_label, is_variable_name};
use crate::rules::{DUPLICATE_NAME, UNRESOLVED_REFERENCE};
use crate::types::*;
use crate::unread::{Unread, Withheld};

/// A workload's placement in a Scope: the Scope and its `spec.workloads`
/// entry that names the workload.
#[derive(Clone, Copy, Debug)]
pub struct Placement<'a> {
    pub scope: &'a Scope,
    pub entry: &'a Spanned<String>,
}

/// Every document of the checked tree, with names bound across files.
///
/// When a name is defined twice (reported as `duplicate-name`), lookups
/// find the first definition in document order.
#[derive(Debug, Default)]
pub struct Project {
    /// In path-then-position order, as given to [`resolve`].
    pub documents: Vec<LoadedDocument>,
    applications: HashMap<String, usize>,
    scope_types: HashMap<String, usize>,
    /// Application name → workload name → first document.
    workloads: HashMap<String, HashMap<String, usize>>,
    /// Application name → scope name → first document.
    scopes: HashMap<String, HashMap<String, usize>>,
    /// Application name → every Workload document naming it, in order.
    workloads_by_app: HashMap<String, Vec<usize>>,
    /// Application name → every Scope document naming it, in order.
    scopes_by_app: HashMap<String, Vec<usize>>,
    /// Workload document → (Scope document, index in its `spec.workloads`).
    placements: HashMap<usize, Vec<(usize, usize)>>,
    platforms: Vec<usize>,
}

impl Project {
    fn of_kind<'a, T: 'a>(
        &'a self,
        pick: fn(&'a Document) -> Option<&'a T>,
    ) -> impl Iterator<Item = &'a T> {
        self.documents.iter().filter_map(move |d| pick(&d.doc))
    }

    fn indexed<'a, T: 'a>(
        &'a self,
        indexes: Option<&'a Vec<usize>>,
        pick: fn(&'a Document) -> Option<&'a T>,
    ) -> impl Iterator<Item = &'a T> {
        indexes
            .into_iter()
            .flatten()
            .filter_map(move |&i| pick(&self.documents[i].doc))
    }

    /// The Application named `name` (the first, if defined twice).
    pub fn application(&self, name: &str) -> Option<&Application> {
        let &i = self.applications.get(name)?;
        self.documents[i].doc.as_application()
    }

    /// The Application a Workload or Scope belongs to.
    pub fn application_of(&self, meta: &Metadata) -> Option<&Application> {
        self.application(meta.application()?)
    }

    /// Every Application document, in document order.
    pub fn applications(&self) -> impl Iterator<Item = &Application> {
        self.of_kind(Document::as_application)
    }

    /// The Workload `name` of application `app` (the first, if defined twice).
    pub fn workload(&self, app: &str, name: &str) -> Option<&Workload> {
        let &i = self.workloads.get(app)?.get(name)?;
        self.documents[i].doc.as_workload()
    }

    /// Every Workload document, in document order.
    pub fn workloads(&self) -> impl Iterator<Item = &Workload> {
        self.of_kind(Document::as_workload)
    }

    /// Every Workload document whose `metadata.application` is `app`, in
    /// document order (duplicates included).
    pub fn workloads_of(&self, app: &str) -> impl Iterator<Item = &Workload> {
        self.indexed(self.workloads_by_app.get(app), Document::as_workload)
    }

    /// The ScopeType named `name` (the first, if defined twice).
    pub fn scope_type(&self, name: &str) -> Option<&ScopeType> {
        let &i = self.scope_types.get(name)?;
        self.documents[i].doc.as_scope_type()
    }

    /// The ScopeType a Scope is an instance of.
    pub fn scope_type_of(&self, scope: &Scope) -> Option<&ScopeType> {
        self.scope_type(&scope.scope_type.as_ref()?.value)
    }

    /// Every ScopeType document, in document order.
    pub fn scope_types(&self) -> impl Iterator<Item = &ScopeType> {
        self.of_kind(Document::as_scope_type)
    }

    /// The Scope `name` of application `app` (the first, if defined twice).
    pub fn scope(&self, app: &str, name: &str) -> Option<&Scope> {
        let &i = self.scopes.get(app)?.get(name)?;
        self.documents[i].doc.as_scope()
    }

    /// Every Scope document, in document order.
    pub fn scopes(&self) -> impl Iterator<Item = &Scope> {
        self.of_kind(Document::as_scope)
    }

    /// Every Scope document whose `metadata.application` is `app`, in
    /// document order.
    pub fn scopes_of(&self, app: &str) -> impl Iterator<Item = &Scope> {
        self.indexed(self.scopes_by_app.get(app), Document::as_scope)
    }

    /// The Scopes that place the workload `name` of application `app`, in
    /// document order, each with the entry that names it. A Scope naming
    /// it twice gives two placements.
    pub fn placements(&self, app: &str, name: &str) -> impl Iterator<Item = Placement<'_>> {
        let workload = self.workloads.get(app).and_then(|w| w.get(name));
        workload
            .and_then(|w| self.placements.get(w))
            .into_iter()
            .flatten()
            .filter_map(|&(scope, entry)| {
                let scope = self.documents[scope].doc.as_scope()?;
                Some(Placement {
                    scope,
                    entry: scope.workloads.get(entry)?,
                })
            })
    }

    /// Every Platform document, in document order: there may be none, one
    /// or several (a rule reports more than one).
    pub fn platforms(&self) -> impl Iterator<Item = &Platform> {
        self.platforms
            .iter()
            .filter_map(|&i| self.documents[i].doc.as_platform())
    }

    /// Position in [`Project::documents`] of the Application `name`.
    pub fn application_index(&self, name: &str) -> Option<usize> {
        self.applications.get(name).copied()
    }

    /// Position of the Workload `name` of application `app`.
    pub fn workload_index(&self, app: &str, name: &str) -> Option<usize> {
        self.workloads.get(app)?.get(name).copied()
    }

    /// Position of the ScopeType `name`.
    pub fn scope_type_index(&self, name: &str) -> Option<usize> {
        self.scope_types.get(name).copied()
    }

    /// Every document of one kind, in document order.
    pub fn documents_of(
        &self,
        kind: landfall_schema::Kind,
    ) -> impl Iterator<Item = &LoadedDocument> {
        self.documents.iter().filter(move |d| d.kind() == kind)
    }
}

/// Binds the documents, given in path-then-position order, into a
/// [`Project`]; reports `duplicate-name` (the later definition is the
/// finding, the earlier a label) and `unresolved-reference`.
pub fn resolve(documents: Vec<LoadedDocument>) -> (Project, Vec<Diagnostic>) {
    let resolved = resolve_with(documents, &Unread::default());
    (resolved.project, resolved.diagnostics)
}

/// What [`resolve_with`] found.
#[derive(Debug)]
pub struct Resolved {
    pub project: Project,
    pub diagnostics: Vec<Diagnostic>,
    /// References to names that point nowhere but that a part of a file
    /// that could not be read mentions: not reported, since that part may
    /// define them.
    pub withheld: Vec<Withheld>,
}

/// [`resolve`], knowing which parts of the files could not be read: a
/// reference whose name such a part mentions is withheld, not reported.
pub fn resolve_with(documents: Vec<LoadedDocument>, unread: &Unread) -> Resolved {
    let mut project = Project {
        documents,
        ..Project::default()
    };
    let mut found: Vec<Vec<Diagnostic>> = vec![Vec::new(); project.documents.len()];
    index(&mut project, &mut found);
    place(&mut project);
    let candidates = Candidates::new(&project);
    let unnamed = Unnamed::new(&project);
    // Each document's references are checked on their own: in parallel.
    let project_ref = &project;
    let candidates = &candidates;
    let unnamed = &unnamed;
    let mut withheld: Vec<Vec<Withheld>> = vec![Vec::new(); project.documents.len()];
    found
        .par_iter_mut()
        .zip(withheld.par_iter_mut())
        .zip(project.documents.par_iter())
        .for_each(|((found, withheld), loaded)| {
            let mut out = Found {
                unread,
                unnamed,
                diagnostics: found,
                withheld,
            };
            references(project_ref, candidates, loaded, &mut out);
        });
    Resolved {
        project,
        diagnostics: found.into_iter().flatten().collect(),
        withheld: withheld.into_iter().flatten().collect(),
    }
}

/// Where one document's unresolved references go.
struct Found<'a> {
    unread: &'a Unread,
    unnamed: &'a Unnamed<'a>,
    diagnostics: &'a mut Vec<Diagnostic>,
    withheld: &'a mut Vec<Withheld>,
}

impl Found<'_> {
    /// Reports a reference to `name`, a `kind` of application `app`, that
    /// points nowhere, unless a document of that kind whose name failed
    /// its schema may be the one meant (the `schema` finding is the one
    /// finding then), or an unread part of a file may define it (withheld).
    /// `diagnostic` is only built when it is reported.
    fn unresolved(
        &mut self,
        (kind, app): (Kind, Option<&str>),
        name: &str,
        span: Span,
        diagnostic: impl FnOnce() -> Diagnostic,
    ) {
        if self.unnamed.may_be(kind, app) {
            return;
        }
        match self.unread.may_define(name) {
            Some(file) => self.withheld.push(Withheld {
                name: name.to_string(),
                span,
                unread: file,
            }),
            None => self.diagnostics.push(diagnostic()),
        }
    }
}

/// The kinds, per application, of which a document's name is not known
/// because it failed the schema (missing, or not a string), or its
/// application is not (then of any application).
#[derive(Default)]
struct Unnamed<'a> {
    of: HashSet<(Kind, Option<&'a str>)>,
}

impl<'a> Unnamed<'a> {
    fn new(project: &'a Project) -> Self {
        let mut unnamed = Unnamed::default();
        for loaded in project.documents.iter().filter(|d| !d.schema_valid()) {
            let kind = loaded.kind();
            let app = loaded.meta().application();
            if loaded.faults.touch("/metadata/name") {
                unnamed.of.insert((kind, app));
            }
            if matches!(kind, Kind::Workload | Kind::Scope)
                && loaded.faults.touch("/metadata/application")
            {
                unnamed.of.insert((kind, None));
            }
        }
        unnamed
    }

    /// Whether an unnamed document may be the `kind` of application `app`
    /// (`None`: of no application) a reference means.
    fn may_be(&self, kind: Kind, app: Option<&str>) -> bool {
        self.of.contains(&(kind, None)) || app.is_some_and(|a| self.of.contains(&(kind, Some(a))))
    }
}

/// First pass: the name indexes, and duplicates as they are met.
fn index(project: &mut Project, found: &mut [Vec<Diagnostic>]) {
    let p = project;
    // Platforms are not looked up by name; this only finds duplicates.
    let mut platform_names: HashMap<String, usize> = HashMap::new();
    for (i, loaded) in p.documents.iter().enumerate() {
        let meta = loaded.meta();
        let app = meta.application();
        match &loaded.doc {
            Document::Workload(_) => {
                if let Some(app) = app {
                    p.workloads_by_app
                        .entry(app.to_string())
                        .or_default()
                        .push(i);
                }
            }
            Document::Scope(_) => {
                if let Some(app) = app {
                    p.scopes_by_app.entry(app.to_string()).or_default().push(i);
                }
            }
            Document::Platform(_) => p.platforms.push(i),
            _ => {}
        }
        let Some(name) = &meta.name else { continue };
        let name_text = name.value.as_str();
        let first = match (&loaded.doc, app) {
            (Document::Application(_), _) => insert(&mut p.applications, name_text, i),
            (Document::ScopeType(_), _) => insert(&mut p.scope_types, name_text, i),
            (Document::Platform(_), _) => insert(&mut platform_names, name_text, i),
            (Document::Workload(_), Some(app)) => insert(
                p.workloads.entry(app.to_string()).or_default(),
                name_text,
                i,
            ),
            (Document::Scope(_), Some(app)) => {
                insert(p.scopes.entry(app.to_string()).or_default(), name_text, i)
            }
            // Without an application there is nothing to be unique in.
            (Document::Workload(_) | Document::Scope(_), None) => None,
        };
        let Some(first) = first else { continue };
        let kind = loaded.kind().as_str();
        let (place, unique) = match app {
            Some(app) if matches!(loaded.doc, Document::Workload(_) | Document::Scope(_)) => {
                (format!(" in application `{app}`"), "within an application")
            }
            _ => (String::new(), "across the checked files"),
        };
        found[i].push(
            Diagnostic::new(
                &DUPLICATE_NAME,
                name.span,
                format!("duplicate {kind} `{name_text}`{place}"),
            )
            .with_span_label("defined again here")
            .with_label(p.documents[first].meta().name_span(), "first defined here")
            .with_help(format!(
                "rename one of them: {kind} names are unique {unique}"
            )),
        );
    }
}

/// Records `name → i` unless present; returns the earlier index if present.
fn insert(map: &mut HashMap<String, usize>, name: &str, i: usize) -> Option<usize> {
    if let Some(&first) = map.get(name) {
        return Some(first);
    }
    map.insert(name.to_string(), i);
    None
}

/// Second pass: which Scopes place which workloads. A placement is kept
/// whenever the workload exists, even if the Application does not, so that
/// one wrong name does not make every workload look unscoped.
fn place(project: &mut Project) {
    let mut placements: HashMap<usize, Vec<(usize, usize)>> = HashMap::new();
    for (i, loaded) in project.documents.iter().enumerate() {
        let Document::Scope(scope) = &loaded.doc else {
            continue;
        };
        let Some(workloads) = scope
            .meta
            .application()
            .and_then(|a| project.workloads.get(a))
        else {
            continue;
        };
        for (entry, name) in scope.workloads.iter().enumerate() {
            if let Some(&w) = workloads.get(name.value.as_str()) {
                placements.entry(w).or_default().push((i, entry));
            }
        }
    }
    project.placements = placements;
}

/// The names a reference may be told about: sorted, and only the valid
/// ones. A name that fails its pattern (`invalid-name`) still resolves the
/// references that spell it, but it is never offered as a did-you-mean or
/// listed: the fix is to rename it, not to copy it.
#[derive(Default)]
struct Offered<'a> {
    valid: Vec<&'a str>,
    /// How many names were left out for failing their pattern.
    invalid: usize,
}

impl<'a> Offered<'a> {
    fn new(names: impl Iterator<Item = &'a str>, is_valid: fn(&str) -> bool) -> Self {
        let mut offered = Offered::default();
        for name in names {
            if is_valid(name) {
                offered.valid.push(name);
            } else {
                offered.invalid += 1;
            }
        }
        offered.valid.sort_unstable();
        offered
    }
}

/// What references are told about, per kind of name.
struct Candidates<'a> {
    applications: Offered<'a>,
    scope_types: Offered<'a>,
    /// Application name → its variable names, all of them, sorted: what a
    /// `${NAME}` resolves against.
    variables: HashMap<&'a str, Vec<&'a str>>,
    /// Application name → its variable names that are offered.
    offered_variables: HashMap<&'a str, Offered<'a>>,
    /// Application name → its workload names that are offered.
    workloads: HashMap<&'a str, Offered<'a>>,
}

impl<'a> Candidates<'a> {
    fn new(project: &'a Project) -> Self {
        let names = |map: &'a HashMap<String, usize>| map.keys().map(String::as_str);
        let mut variables = HashMap::new();
        let mut offered_variables = HashMap::new();
        // Each entry is built on its own: the order of the map does not matter.
        #[allow(clippy::iter_over_hash_type)]
        for (name, &i) in &project.applications {
            let Some(app) = project.documents[i].doc.as_application() else {
                continue;
            };
            let mut all: Vec<&str> = app
                .variables
                .iter()
                .map(|v| v.name.value.as_str())
                .collect();
            all.sort_unstable();
            offered_variables.insert(
                name.as_str(),
                Offered::new(all.iter().copied(), is_variable_name),
            );
            variables.insert(name.as_str(), all);
        }
        let workloads = project
            .workloads
            .iter()
            .map(|(app, map)| (app.as_str(), Offered::new(names(map), is_dns_label)))
            .collect();
        Candidates {
            applications: Offered::new(names(&project.applications), is_dns_label),
            scope_types: Offered::new(names(&project.scope_types), is_dns_label),
            variables,
            offered_variables,
            workloads,
        }
    }
}

/// The help for a name that points nowhere: the closest valid name, or the
/// valid names there are when there are few, or how to fix it when there
/// are none. With files that could not be read (`partial`), a list or
/// "none" is only of what could be read.
fn suggestion(word: &str, offered: &Offered<'_>, what: &str, none: &str, partial: bool) -> String {
    let candidates = &offered.valid;
    if let Some(close) = did_you_mean(word, candidates.iter().copied()) {
        return format!("did you mean `{close}`?");
    }
    match candidates.len() {
        0 if offered.invalid > 0 => {
            format!("the {what} there are have invalid names: rename them first (`invalid-name`)")
        }
        0 if partial => format!("no {what} could be read"),
        0 => none.to_string(),
        1..=8 => {
            let names: Vec<String> = candidates.iter().map(|c| format!("`{c}`")).collect();
            let read = if partial { " that could be read" } else { "" };
            format!("the {what}{read} are {}", names.join(", "))
        }
        _ => format!("check the spelling; there are {} {what}", candidates.len()),
    }
}

fn unresolved(span: Span, message: String, label: &str, help: String) -> Diagnostic {
    Diagnostic::new(&UNRESOLVED_REFERENCE, span, message)
        .with_span_label(label)
        .with_help(help)
}

/// The safe fix of a name with one did-you-mean candidate: renamed to it,
/// quotes kept.
fn rename_to(diagnostic: Diagnostic, word: &str, offered: &Offered<'_>) -> Diagnostic {
    let Some(close) = did_you_mean(word, offered.valid.iter().copied()) else {
        return diagnostic;
    };
    match rename_scalar(diagnostic.span, word, close) {
        Some(edit) => diagnostic.with_fix(Fix::safe(format!("rename to `{close}`"), vec![edit])),
        None => diagnostic,
    }
}

/// The references of one document.
fn references(
    project: &Project,
    candidates: &Candidates<'_>,
    loaded: &LoadedDocument,
    out: &mut Found<'_>,
) {
    let partial = !out.unread.is_empty();
    let meta = loaded.meta();
    let application = match &loaded.doc {
        Document::Workload(_) | Document::Scope(_) => match &meta.application {
            Some(app) => {
                let found = project.application(&app.value);
                if found.is_none() {
                    out.unresolved((Kind::Application, None), &app.value, app.span, || rename_to(unresolved(
                        app.span,
                        format!("no Application named `{}`", app.value),
                        "unknown application",
                        suggestion(
                            &app.value,
                            &candidates.applications,
                            "Applications",
                            "no Application document is among the checked files; add one or check which files are given",
                            partial,
                        ),
                    ), &app.value, &candidates.applications));
                }
                found
            }
            None => None,
        },
        _ => None,
    };
    match &loaded.doc {
        Document::Scope(scope) => {
            if let Some(scope_type) = &scope.scope_type
                && project.scope_type(&scope_type.value).is_none()
            {
                out.unresolved((Kind::ScopeType, None), &scope_type.value, scope_type.span, || rename_to(unresolved(
                    scope_type.span,
                    format!("no ScopeType named `{}`", scope_type.value),
                    "unknown scope type",
                    suggestion(
                        &scope_type.value,
                        &candidates.scope_types,
                        "ScopeTypes",
                        "no ScopeType document is among the checked files; add one or check which files are given",
                        partial,
                    ),
                ), &scope_type.value, &candidates.scope_types));
            }
            // Without its Application, the scope's workload names are not
            // checked: the one wrong name is reported above.
            if let Some(app) = application {
                let app_name = app.meta.name().unwrap_or_default();
                let offered = candidates.workloads.get(app_name);
                for entry in &scope.workloads {
                    if project.workload(app_name, &entry.value).is_some() {
                        continue;
                    }
                    let none = Offered::default();
                    let offered = offered.unwrap_or(&none);
                    out.unresolved((Kind::Workload, Some(app_name)), &entry.value, entry.span, || rename_to(unresolved(
                        entry.span,
                        format!(
                            "no Workload named `{}` in application `{app_name}`",
                            entry.value
                        ),
                        "unknown workload",
                        suggestion(
                            &entry.value,
                            offered,
                            "workloads of this application",
                            "this application has no Workload documents among the checked files",
                            partial,
                        ),
                    ), &entry.value, offered));
                }
            }
        }
        Document::Workload(workload) => {
            // Without its Application, `${NAME}`s are not checked either.
            // With it, they are checked whatever could not be read: the
            // variables are all in the Application's document.
            if let Some(app) = application {
                let app_name = app.meta.name().unwrap_or_default();
                let names = candidates
                    .variables
                    .get(app_name)
                    .map_or(&[][..], Vec::as_slice);
                let offered = candidates
                    .offered_variables
                    .get(app_name)
                    .map_or(&[][..], |o| o.valid.as_slice());
                let faults = project
                    .application_index(app_name)
                    .map_or(&SchemaFaults::None, |i| &project.documents[i].faults);
                variables(workload, app_name, names, offered, faults, out.diagnostics);
            }
        }
        _ => {}
    }
}

/// `${NAME}` in env values, command and args that name no variable of the
/// workload's Application; `names` are its variables, sorted, and
/// `offered` those of them a did-you-mean may name. A name whose place in
/// the Application's `spec.variables` failed the schema (`faults`) is not
/// reported: the `schema` finding is.
fn variables(
    workload: &Workload,
    app_name: &str,
    names: &[&str],
    offered: &[&str],
    faults: &SchemaFaults,
    out: &mut Vec<Diagnostic>,
) {
    for reference in &workload.variable_uses {
        let name = reference.name.as_str();
        if names.binary_search(&name).is_ok() || faults.touch(&format!("/spec/variables/{name}")) {
            continue;
        }
        let close = did_you_mean(name, offered.iter().copied());
        let help = match close {
            Some(close) => format!("did you mean `${{{close}}}`?"),
            None => format!(
                "define `{name}` in `spec.variables` of Application `{app_name}`, or write `$${{` for a literal `${{`"
            ),
        };
        let mut diagnostic = unresolved(
            reference.span,
            format!("no variable `{name}` in Application `{app_name}`"),
            "unknown variable",
            help,
        );
        // The span is the `${NAME}` as written unless escapes hid it (then
        // it is the whole value, and the user renames it).
        let span = reference.span;
        if let Some(close) = close
            && (span.end - span.start) as usize == name.len() + 3
        {
            diagnostic = diagnostic.with_fix(Fix::safe(
                format!("rename to `${{{close}}}`"),
                vec![Edit {
                    span,
                    replacement: format!("${{{close}}}"),
                }],
            ));
        }
        out.push(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{check, spanned, summary};
    use landfall_diagnostics::FileId;

    const APP: &str = r#"apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec:
  version: "1.0.0"
  variables:
    LOG_LEVEL: {value: info}
    DB_PASSWORD: {secret: db/password}
"#;

    const TYPES: &str = r#"apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: web}
spec: {target: local}
"#;

    fn workload(name: &str, app: &str, container: &str) -> String {
        format!(
            "apiVersion: landfall.dev/v1\nkind: Workload\nmetadata: {{name: {name}, application: {app}}}\nspec:\n  type: standard\n  containers:\n    - name: c\n      image: img\n{container}"
        )
    }

    fn scope(name: &str, app: &str, scope_type: &str, workloads: &str) -> String {
        format!(
            "apiVersion: landfall.dev/v1\nkind: Scope\nmetadata: {{name: {name}, application: {app}}}\nspec:\n  type: {scope_type}\n  workloads: {workloads}\n"
        )
    }

    #[test]
    fn a_clean_tree_resolves() {
        let w = workload(
            "api",
            "shop",
            "      env: {A: \"${LOG_LEVEL}\", B: \"$${NOT_A_VAR}\"}\n",
        );
        let s = scope("production", "shop", "web", "[api]");
        let files = [APP, w.as_str(), TYPES, s.as_str()];
        let (project, found) = check(&files);
        assert!(found.is_empty(), "{:?}", summary(&files, &found));
        assert!(project.application("shop").is_some());
        assert_eq!(project.workloads_of("shop").count(), 1);
        assert_eq!(project.workloads_of("other").count(), 0);
        assert!(project.workload("shop", "api").is_some());
        assert!(project.workload("other", "api").is_none());
        assert!(project.scope_type("web").is_some());
        assert!(project.scope("shop", "production").is_some());
        assert_eq!(project.scopes_of("shop").count(), 1);
        let placements: Vec<Placement<'_>> = project.placements("shop", "api").collect();
        assert_eq!(placements.len(), 1);
        assert_eq!(placements[0].scope.meta.name(), Some("production"));
        assert_eq!(placements[0].entry.value, "api");
        assert_eq!(project.platforms().count(), 0);
        let w = project.workload("shop", "api").unwrap();
        assert_eq!(
            project.application_of(&w.meta).unwrap().meta.name(),
            Some("shop")
        );
        let sc = project.scopes().next().unwrap();
        assert_eq!(project.scope_type_of(sc).unwrap().meta.name(), Some("web"));
    }

    #[test]
    fn duplicates_across_files_point_at_the_later_one() {
        let a = workload("api", "shop", "");
        let b = workload("api", "shop", "");
        let other_app = workload("api", "blog", "");
        let files = [
            APP,
            a.as_str(),
            b.as_str(),
            other_app.as_str(),
            APP,
            TYPES,
            TYPES,
        ];
        let (project, found) = check(&files);
        let duplicates: Vec<&Diagnostic> = found
            .iter()
            .filter(|d| d.rule == "duplicate-name")
            .collect();
        let shown: Vec<(&str, u32, u32)> = duplicates
            .iter()
            .map(|d| (d.message.as_str(), d.span.file.0, d.labels[0].span.file.0))
            .collect();
        assert_eq!(
            shown,
            [
                ("duplicate Workload `api` in application `shop`", 2, 1),
                ("duplicate Application `shop`", 4, 0),
                ("duplicate ScopeType `web`", 6, 5),
            ]
        );
        assert_eq!(spanned(&files, duplicates[0]), "api");
        assert_eq!(duplicates[0].labels[0].message, "first defined here");
        // Lookups find the first definition.
        let first = project.workload("shop", "api").unwrap();
        assert_eq!(
            first.meta.name.as_ref().unwrap().span.file,
            landfall_diagnostics::FileId(1)
        );
        assert_eq!(project.workloads_of("shop").count(), 2);
    }

    #[test]
    fn duplicate_scopes_and_platforms() {
        let platform =
            "apiVersion: landfall.dev/v1\nkind: Platform\nmetadata: {name: acme}\nspec: {}\n";
        let s1 = scope("production", "shop", "web", "[]");
        let s2 = scope("production", "shop", "web", "[]");
        let s3 = scope("production", "blog", "web", "[]");
        let files = [
            APP,
            TYPES,
            s1.as_str(),
            s2.as_str(),
            s3.as_str(),
            platform,
            platform,
        ];
        let (project, found) = check(&files);
        let shown: Vec<(&str, u32)> = found
            .iter()
            .filter(|d| d.rule == "duplicate-name")
            .map(|d| (d.message.as_str(), d.span.file.0))
            .collect();
        assert_eq!(
            shown,
            [
                ("duplicate Scope `production` in application `shop`", 3),
                ("duplicate Platform `acme`", 6),
            ]
        );
        assert_eq!(project.platforms().count(), 2);
    }

    #[test]
    fn unresolved_references_with_did_you_mean() {
        let w = workload("api", "shpo", "");
        let w2 = workload("worker", "shop", "");
        let s = scope("production", "shop", "webb", "[api, wroker, worker]");
        let files = [APP, w.as_str(), w2.as_str(), TYPES, s.as_str()];
        let (project, found) = check(&files);
        assert_eq!(
            summary(&files, &found),
            [
                "unresolved-reference: shpo",
                "unresolved-reference: webb",
                "unresolved-reference: api",
                "unresolved-reference: wroker",
            ]
        );
        let messages: Vec<(&str, Option<&str>)> = found
            .iter()
            .map(|d| (d.message.as_str(), d.help.as_deref()))
            .collect();
        assert_eq!(
            messages,
            [
                ("no Application named `shpo`", Some("did you mean `shop`?")),
                ("no ScopeType named `webb`", Some("did you mean `web`?")),
                (
                    "no Workload named `api` in application `shop`",
                    Some("the workloads of this application are `worker`")
                ),
                (
                    "no Workload named `wroker` in application `shop`",
                    Some("did you mean `worker`?")
                ),
            ]
        );
        assert_eq!(project.placements("shop", "worker").count(), 1);
    }

    #[test]
    fn invalid_names_resolve_but_are_never_offered() {
        let invalid = workload("Storefront_Web", "shop", "");
        let valid = workload("worker", "shop", "");
        // The scope spells the invalid name once (it resolves) and misses
        // another workload, whose closest name is the invalid one.
        let s = scope("production", "shop", "web", "[Storefront_Web, storefront]");
        let app = APP.replace(
            "    DB_PASSWORD: {secret: db/password}\n",
            "    DB-PASSWORD: {secret: db/password}\n",
        );
        let uses = workload("api", "shop", "      env: {A: \"${DB_PASSWORD}\"}\n");
        let files = [
            app.as_str(),
            invalid.as_str(),
            valid.as_str(),
            uses.as_str(),
            TYPES,
            s.as_str(),
        ];
        let (project, found) = check(&files);
        let unresolved: Vec<(&str, Option<&str>)> = found
            .iter()
            .filter(|d| d.rule == "unresolved-reference")
            .map(|d| (spanned(&files, d), d.help.as_deref()))
            .collect();
        assert_eq!(
            unresolved,
            [
                (
                    "${DB_PASSWORD}",
                    Some(
                        "define `DB_PASSWORD` in `spec.variables` of Application `shop`, or write `$${` for a literal `${`"
                    )
                ),
                (
                    "storefront",
                    Some("the workloads of this application are `api`, `worker`")
                ),
            ]
        );
        assert_eq!(project.placements("shop", "Storefront_Web").count(), 1);
    }

    #[test]
    fn only_invalid_names_are_said_to_be_invalid() {
        let w = workload("api", "Shop_App", "");
        let app = APP.replace("{name: shop}", "{name: Shop_App}");
        let other = workload("worker", "shop-app", "");
        let files = [app.as_str(), w.as_str(), other.as_str()];
        let (_, found) = check(&files);
        let helps: Vec<(&str, Option<&str>)> = found
            .iter()
            .filter(|d| d.rule == "unresolved-reference")
            .map(|d| (spanned(&files, d), d.help.as_deref()))
            .collect();
        assert_eq!(
            helps,
            [(
                "shop-app",
                Some(
                    "the Applications there are have invalid names: rename them first (`invalid-name`)"
                )
            )]
        );
    }

    #[test]
    fn references_an_unread_part_mentions_are_withheld() {
        let w = workload("worker", "shop", "      env: {A: \"${LOG_LEVL}\"}\n");
        let s = scope("production", "shop", "webb", "[api, worker, ghost]");
        let other = workload("cron", "blog", "");
        let files = [APP, TYPES, w.as_str(), s.as_str(), other.as_str()];
        let (mut project, found) = check(&files);
        assert_eq!(found.len(), 5, "{:?}", summary(&files, &found));
        let documents = std::mem::take(&mut project.documents);
        let mut unread = Unread::default();
        // Where `workloads/api.yaml` stopped parsing: it names `api` and `blog`.
        unread.add(
            FileId(9),
            Some("kind: Workload\nmetadata: {name: api, application: blog\n".into()),
        );
        let resolved = resolve_with(documents, &unread);
        // `${LOG_LEVL}` is checked against the Application, which was read;
        // `webb` and `ghost` are nowhere in the unread part.
        assert_eq!(
            summary(&files, &resolved.diagnostics),
            [
                "unresolved-reference: ${LOG_LEVL}",
                "unresolved-reference: webb",
                "unresolved-reference: ghost",
            ]
        );
        let withheld: Vec<(&str, &str, FileId)> = resolved
            .withheld
            .iter()
            .map(|w| {
                let text =
                    &files[w.span.file.0 as usize][w.span.start as usize..w.span.end as usize];
                (w.name.as_str(), text, w.unread)
            })
            .collect();
        assert_eq!(
            withheld,
            [("api", "api", FileId(9)), ("blog", "blog", FileId(9))]
        );
    }

    #[test]
    fn names_and_variables_that_failed_the_schema_are_not_reported_missing() {
        // A workload whose name failed the schema (here: left out), and an
        // Application whose variable did.
        let nameless = "apiVersion: landfall.dev/v1\nkind: Workload\nmetadata: {application: shop}\nspec: {type: standard, containers: [{name: c, image: i}]}\n";
        let w = workload(
            "api",
            "shop",
            "      env: {A: \"${LOG_LEVEL}\", B: \"${OTHER}\"}\n",
        );
        let s = scope("production", "shop", "web", "[api, worker]");
        let app = APP.replace("    LOG_LEVEL: {value: info}\n", "");
        let files = [app.as_str(), TYPES, nameless, w.as_str(), s.as_str()];
        let (mut project, _) = check(&files);
        let mut documents = std::mem::take(&mut project.documents);
        // Were they valid, all three would be reported.
        let mut valid = documents.clone();
        valid[2].faults = SchemaFaults::None;
        let resolved = resolve_with(valid, &Unread::default());
        assert_eq!(
            summary(&files, &resolved.diagnostics),
            [
                "unresolved-reference: ${LOG_LEVEL}",
                "unresolved-reference: ${OTHER}",
                "unresolved-reference: worker",
            ]
        );
        documents[0].faults = SchemaFaults::At(vec!["/spec/variables/LOG_LEVEL".into()]);
        documents[2].faults = SchemaFaults::At(vec!["/metadata/name".into()]);
        let resolved = resolve_with(documents, &Unread::default());
        // `worker` may be the workload without a name; `LOG_LEVEL` is the
        // variable that failed; `OTHER` is nowhere.
        assert_eq!(
            summary(&files, &resolved.diagnostics),
            ["unresolved-reference: ${OTHER}"]
        );
    }

    #[test]
    fn no_cascade_from_a_missing_application() {
        // The workload's `${X}` and the scope's workloads are not reported
        // when the application itself points nowhere.
        let w = workload("api", "nope", "      env: {A: \"${MISSING}\"}\n");
        let s = scope("production", "nope", "web", "[api, ghost]");
        let files = [w.as_str(), TYPES, s.as_str()];
        let (project, found) = check(&files);
        assert_eq!(
            summary(&files, &found),
            ["unresolved-reference: nope", "unresolved-reference: nope"]
        );
        assert!(
            found[0]
                .help
                .as_deref()
                .unwrap()
                .starts_with("no Application document")
        );
        // The placement is still known, so the workload is not unscoped.
        assert_eq!(project.placements("nope", "api").count(), 1);
    }

    #[test]
    fn variable_spans_are_exact_in_every_scalar_style() {
        let container = r#"      command: [/bin/run, '${LOG_LEVL}', 'it''s ${LOG_LEVL}']
      args:
        - plain ${ARG_ONE} and ${ARG_ONE}
        - "dq \t ${DQ_VAR} ${LOG_LEVEL}"
        - $${ESCAPED} ${LOG_LEVEL}
      env:
        BLOCK: |
          line one ${LOG_LEVEL}
          line two ${BLOCK_VAR}
        FOLDED: >-
          folded
          ${FOLDED_VAR}
        MULTI: plain
          continued ${PLAIN_MULTI}
        ESCAPED: "\u0024{VIA_ESCAPE}"
"#;
        let w = workload("api", "shop", container);
        let files = [APP, w.as_str()];
        let (_, found) = check(&files);
        assert!(found.iter().all(|d| d.rule == "unresolved-reference"));
        assert_eq!(
            found.iter().map(|d| spanned(&files, d)).collect::<Vec<_>>(),
            [
                "${BLOCK_VAR}",
                "${FOLDED_VAR}",
                "${PLAIN_MULTI}",
                // Written with an escape: the whole value.
                r#""\u0024{VIA_ESCAPE}""#,
                "${LOG_LEVL}",
                "${LOG_LEVL}",
                "${ARG_ONE}",
                "${ARG_ONE}",
                "${DQ_VAR}",
            ]
        );
        // Two references to one name land on their own occurrences.
        assert!(found[6].span.start < found[7].span.start);
        // The second `${LOG_LEVL}` is the one after `it''s`.
        assert_eq!(
            found[5].span.start as usize,
            w.rfind("${LOG_LEVL}").unwrap()
        );
        assert_eq!(
            found[4].help.as_deref(),
            Some("did you mean `${LOG_LEVEL}`?")
        );
        assert!(
            found[6]
                .help
                .as_deref()
                .unwrap()
                .starts_with("define `ARG_ONE` in `spec.variables`")
        );
        assert_eq!(
            found[6].message,
            "no variable `ARG_ONE` in Application `shop`"
        );
    }

    #[test]
    fn references_found_in_the_source_keep_their_spans_after_it_is_gone() {
        let w = workload("api", "shop", "      env: {A: \"${NOPE}\"}\n");
        let files = [APP, w.as_str()];
        let (mut project, _) = check(&files);
        let documents = std::mem::take(&mut project.documents);
        // Resolution needs no source text: uses were located while building.
        let (_, found) = resolve(documents);
        assert_eq!(found.len(), 1);
        assert_eq!(spanned(&files, &found[0]), "${NOPE}");
    }
}
