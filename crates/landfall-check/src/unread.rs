//! Files that could not be read whole, and what is not reported because of
//! them.
//!
//! A file whose parsing stopped (`yaml-syntax`, `input-limit`) keeps the
//! documents completed before the fault; the rest of it is unread, and a
//! file too large or not UTF-8 is not parsed at all. The names the unread
//! text mentions may be defined there, so references to them are withheld
//! rather than reported one by one ([`landfall_model::resolve_with`]), and
//! rules that would judge a name by its absence skip it. What was withheld
//! is said once, in a note on the finding that stopped the file.

use std::borrow::Cow;
use std::collections::BTreeMap;

use landfall_diagnostics::{Diagnostic, FileId, SourceDb, Span};
use landfall_model::{Unread, Withheld};
use landfall_yaml::ParsedFile;
use landfall_yaml::rules::{INPUT_LIMIT, YAML_SYNTAX};

/// One file's unread part and the finding that says why it is unread.
#[derive(Debug)]
pub(crate) struct UnreadFile {
    pub(crate) file: FileId,
    /// The unread text; `None` when none of the file is known.
    text: Option<String>,
    /// The finding the note goes on: its rule and span.
    stop: (Cow<'static, str>, Span),
}

impl UnreadFile {
    /// A file that was not parsed at all (too large, not UTF-8): `text` is
    /// what the caller could make of it, empty when it was not read.
    pub(crate) fn whole(file: FileId, problem: &Diagnostic, text: &str) -> Self {
        UnreadFile {
            file,
            text: (!text.is_empty()).then(|| text.to_string()),
            stop: (problem.rule.clone(), problem.span),
        }
    }

    /// Whether the unread part may hold `word`: it mentions it, or nothing
    /// of it is known.
    pub(crate) fn may_hold(&self, word: &str) -> bool {
        self.text.as_deref().is_none_or(|t| t.contains(word))
    }

    /// The unread rest of a parsed file, if parsing stopped before its end:
    /// the parser keeps the documents completed before a fatal fault and
    /// reports it past them, where no finding of a kept document can be.
    pub(crate) fn rest(file: FileId, text: &str, parsed: &ParsedFile) -> Option<Self> {
        let read_to = parsed.documents.last().map_or(0, |d| d.root.end);
        let stop = parsed.diagnostics.iter().find(|d| {
            d.is_error()
                && (d.rule == YAML_SYNTAX.id || d.rule == INPUT_LIMIT.id)
                && d.span.start >= read_to
        })?;
        Some(UnreadFile {
            file,
            text: Some(text.get(read_to as usize..).unwrap_or_default().to_string()),
            stop: (stop.rule.clone(), stop.span),
        })
    }
}

/// The unread parts, in path order: a name two of them mention is
/// attributed to the first.
pub(crate) fn collect(db: &SourceDb, mut files: Vec<UnreadFile>) -> (Unread, Vec<UnreadFile>) {
    files.sort_by(|a, b| {
        db.file(a.file)
            .name()
            .cmp(db.file(b.file).name())
            .then(a.file.cmp(&b.file))
    });
    let mut unread = Unread::default();
    for part in &mut files {
        unread.add(part.file, part.text.take());
    }
    (unread, files)
}

/// How many referring files a note names before it counts the rest.
const MAX_REFERRERS: usize = 5;

/// Says on each unread file's stopping finding which references were
/// withheld because of it: one note per file, however many references.
pub(crate) fn note_withheld(
    diagnostics: &mut [Diagnostic],
    files: &[UnreadFile],
    withheld: &[Withheld],
    db: &SourceDb,
) {
    // Unread file → (names, files that refer to them, references).
    let mut by_file: BTreeMap<FileId, (Vec<&str>, Vec<&str>, usize)> = BTreeMap::new();
    for reference in withheld {
        let entry = by_file.entry(reference.unread).or_default();
        entry.0.push(&reference.name);
        entry.1.push(db.file(reference.span.file).name());
        entry.2 += 1;
    }
    for (file, (mut names, referrers, count)) in by_file {
        let Some(stop) = stop_of(diagnostics, files, file) else {
            continue;
        };
        names.sort_unstable();
        names.dedup();
        // A reference in the file's own documents, before the fault.
        let own = db.file(file).name();
        let mut referrers: Vec<&str> = referrers
            .into_iter()
            .map(|r| if r == own { "this file" } else { r })
            .collect();
        referrers.sort_unstable();
        referrers.dedup();
        let mut shown: Vec<String> = referrers.iter().map(|r| r.to_string()).collect();
        if shown.len() > MAX_REFERRERS {
            let more = shown.len() - (MAX_REFERRERS - 1);
            shown.truncate(MAX_REFERRERS - 1);
            shown.push(format!("{more} more files"));
        }
        let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        let (references, pronoun, verb) = match (count, names.len()) {
            (1, _) => ("1 reference".to_string(), "it", "is"),
            (n, 1) => (format!("{n} references"), "it", "are"),
            (n, _) => (format!("{n} references"), "them", "are"),
        };
        stop.notes.push(format!(
            "this file may define {}: {references} to {pronoun} ({}) {verb} checked once it can be read",
            conjoin(&names),
            conjoin(&shown)
        ));
    }
}

/// Says on the stopping finding of the file that may hold the Platform in
/// force that the rules that read the platform wait for it.
pub(crate) fn note_platform(diagnostics: &mut [Diagnostic], files: &[UnreadFile], file: FileId) {
    if let Some(stop) = stop_of(diagnostics, files, file) {
        stop.notes.push(
            "this file may hold the Platform in force: the rules that read the platform's settings run once it can be read".to_string(),
        );
    }
}

/// The finding that stopped the reading of `file`; `None` when it is not
/// reported (changed-files mode).
fn stop_of<'a>(
    diagnostics: &'a mut [Diagnostic],
    files: &[UnreadFile],
    file: FileId,
) -> Option<&'a mut Diagnostic> {
    let part = files.iter().find(|f| f.file == file)?;
    diagnostics
        .iter_mut()
        .find(|d| d.span == part.stop.1 && d.rule == part.stop.0)
}

/// `a`, `a and b`, `a, b and c`.
fn conjoin(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CheckInput, Loaded, Loader, check, check_with};

    const APP: &str = "apiVersion: landfall.dev/v1\nkind: Application\nmetadata: {name: shop}\nspec: {version: \"1.0.0\"}\n---\napiVersion: landfall.dev/v1\nkind: ScopeType\nmetadata: {name: web}\nspec: {target: local}\n";

    fn scope(name: &str, workloads: &str) -> String {
        format!(
            "apiVersion: landfall.dev/v1\nkind: Scope\nmetadata: {{name: {name}, application: shop}}\nspec: {{type: web, workloads: {workloads}}}\n"
        )
    }

    fn checked(files: &[(&str, &str)]) -> Vec<Diagnostic> {
        let mut db = SourceDb::new();
        let inputs: Vec<CheckInput> = files
            .iter()
            .map(|(name, text)| CheckInput {
                file: db.add(*name, *text),
                explicit: false,
            })
            .collect();
        check(&mut db, &inputs).diagnostics
    }

    #[test]
    fn one_note_on_the_fault_instead_of_a_finding_per_reference() {
        let staging = scope("staging", "[api, worker]");
        let production = scope("production", "[api, worker, ghost]");
        let broken = "apiVersion: landfall.dev/v1\nkind: Workload\nmetadata: {name: api, application: shop\nspec: {}\n";
        let worker = "apiVersion: landfall.dev/v1\nkind: Workload\nmetadata: {name: worker, application: shop}\nspec: {type: standard, containers: [{name: w, image: w:1}]}\n";
        let found = checked(&[
            ("app.yaml", APP),
            ("scopes/staging.yaml", &staging),
            ("scopes/production.yaml", &production),
            ("workloads/api.yaml", broken),
            ("workloads/worker.yaml", worker),
        ]);
        let shown: Vec<(&str, &str, &[String])> = found
            .iter()
            .map(|d| (d.rule.as_ref(), d.message.as_str(), d.notes.as_slice()))
            .collect();
        assert_eq!(
            shown,
            [
                (
                    "unresolved-reference",
                    "no Workload named `ghost` in application `shop`",
                    &[][..]
                ),
                (
                    "yaml-syntax",
                    found[1].message.as_str(),
                    &["this file may define `api`: 2 references to it (scopes/production.yaml and scopes/staging.yaml) are checked once it can be read".to_string()][..]
                ),
            ]
        );
        assert_eq!(
            found[0].help.as_deref(),
            Some("the workloads of this application that could be read are `worker`")
        );
    }

    /// Reads every file as too large: nothing of it is known.
    struct TooLarge;

    impl Loader for TooLarge {
        fn load(&self, file: FileId) -> Loaded {
            let limits = landfall_yaml::Limits::default();
            let problem = landfall_yaml::oversized(file, 5 << 20, &limits);
            Loaded::Problem(problem, String::new())
        }
    }

    #[test]
    fn a_file_nothing_is_known_of_may_define_any_name() {
        let mut db = SourceDb::new();
        let staging = scope("staging", "[api]");
        let production = scope("production", "[worker]");
        let mut inputs: Vec<CheckInput> = [
            ("app.yaml", APP),
            ("s.yaml", &staging),
            ("p.yaml", &production),
        ]
        .iter()
        .map(|(name, text)| CheckInput {
            file: db.add(*name, *text),
            explicit: false,
        })
        .collect();
        // No text in the database: the loader is asked, and fails.
        inputs.push(CheckInput {
            file: db.add_unread("huge.yaml"),
            explicit: false,
        });
        let outcome = check_with(&mut db, &inputs, &TooLarge);
        let rules: Vec<&str> = outcome
            .diagnostics
            .iter()
            .map(|d| d.rule.as_ref())
            .collect();
        assert_eq!(rules, ["input-limit"]);
        assert_eq!(
            outcome.diagnostics[0].notes,
            [
                "this file may define `api` and `worker`: 2 references to them (p.yaml and s.yaml) are checked once it can be read",
                // It may hold the Platform too.
                "this file may hold the Platform in force: the rules that read the platform's settings run once it can be read",
            ]
        );
        assert_eq!(outcome.unread_files, [inputs[3].file]);
    }

    #[test]
    fn lists_read_as_sentences() {
        let items = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(conjoin(&items(&[])), "");
        assert_eq!(conjoin(&items(&["`a`"])), "`a`");
        assert_eq!(conjoin(&items(&["`a`", "`b`"])), "`a` and `b`");
        assert_eq!(conjoin(&items(&["`a`", "`b`", "`c`"])), "`a`, `b` and `c`");
    }

    #[test]
    fn only_a_fault_past_the_kept_documents_leaves_text_unread() {
        let limits = landfall_yaml::Limits::default();
        let first = "apiVersion: landfall.dev/v1\nkind: Workload\nmetadata: {name: api}\n";
        let broken = "---\nkind: Workload\nmetadata: {name: worker\nspec: {}\n";
        let text = format!("{first}{broken}");
        let parsed = landfall_yaml::parse(FileId(0), &text, &limits);
        assert_eq!(parsed.documents.len(), 1);
        let part = UnreadFile::rest(FileId(0), &text, &parsed).expect("stopped");
        let unread = part.text.as_deref().unwrap();
        assert!(
            unread.contains("worker") && !unread.contains("api"),
            "{unread:?}"
        );
        assert_eq!(part.stop.0, "yaml-syntax");
        // A fault that does not stop parsing leaves nothing unread.
        let tagged = "apiVersion: landfall.dev/v1\nkind: Workload\nmetadata: {name: !custom api}\n";
        let whole = format!("{tagged}---\n{tagged}");
        let parsed = landfall_yaml::parse(FileId(0), &whole, &limits);
        assert!(!parsed.diagnostics.is_empty());
        assert!(UnreadFile::rest(FileId(0), &whole, &parsed).is_none());
    }
}
