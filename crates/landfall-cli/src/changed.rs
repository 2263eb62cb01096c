//! The changed-files mode: `landfall check FILE…` inside a project reports
//! only the named files' findings, but resolves names across the project.
//!
//! Checking the whole project for one file would cost the whole project
//! (about 420 ms for 10,000 files). Instead every file is read once, in
//! parallel, and only those that can change a named file's findings are
//! checked:
//!
//! - every file that mentions a name its documents define or refer to
//!   (`metadata.application`, a Scope's `spec.type`, and `metadata.name`
//!   unless the document is a Workload or Scope of an application, whose
//!   names are unique only within it): the Application, its Workloads and
//!   Scopes, the ScopeType, any namesake;
//! - every file that mentions `Platform` (the platform in force judges every
//!   document) or `ScopeType`;
//! - every file with a `\x`, `\u` or `\U` (a double-quoted escape could
//!   spell a name's letters).
//!
//! A named file that holds a Platform changes every document's findings:
//! then the whole project is checked. So it is when a named document's
//! Application is not found among the selected files: the did-you-mean of
//! that finding looks at every Application; and when a named file does not
//! parse: its finding notes the references elsewhere to the names it may
//! define (see [`needs_whole_project`]).

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use landfall_check::CheckOutcome;
use landfall_diagnostics::{FileId, SourceDb};
use landfall_yaml::Limits;
use memchr::memmem::Finder;
use rayon::prelude::*;

use crate::input::{self, Candidate, Found, Scope};
use crate::project_root::normalize;

/// The files to check and which of them are reported.
pub struct Selection {
    pub found: Found,
    pub named: Vec<FileId>,
}

/// What the changed-files mode checks: the named files, and what they
/// were before the change when git knows it.
#[derive(Default)]
pub struct Change {
    /// The named files.
    pub named: Vec<NamedFile>,
    /// Files the change deletes: never read, even when still on disk.
    pub deleted: Vec<PathBuf>,
    /// The named and deleted files that differ before the change (at
    /// `HEAD`), each with its text then, `None` when it did not exist; the
    /// other named files are the same before. `None` when there is nothing
    /// to compare with (no git repository).
    pub before: Option<Vec<(PathBuf, Option<String>)>>,
}

/// A file whose findings the changed-files mode reports.
pub struct NamedFile {
    /// Absolute, lexically normalised.
    pub path: PathBuf,
    /// The text to check instead of the file's: standard input's buffer,
    /// or the index's version with `--staged`.
    pub text: Option<String>,
    /// Named on the command line, rather than found in a directory named
    /// there: only then is a YAML file without landfall documents reported.
    pub explicit: bool,
}

impl Change {
    /// Whether the state before the change differs from the state after.
    pub fn changes_anything(&self) -> bool {
        self.before
            .as_ref()
            .is_some_and(|before| !before.is_empty())
    }
}

/// Which state of the change a selection checks.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The named files as they are now (or as staged).
    After,
    /// The named and deleted files as they were at `HEAD`.
    Before,
}

/// Walks the project root and selects what the named files need, before or
/// after the change (the same files either way, so that the findings of
/// the two can be compared); with `whole`, every file of the project.
pub fn select(
    change: &Change,
    side: Side,
    scope: &Scope,
    db: SourceDb,
    whole: bool,
) -> Result<Selection, String> {
    // The files reported, each with its text when not read from disk and
    // whether it was named itself. Before the change, only what existed.
    let mut chosen: Vec<(PathBuf, Option<String>, bool)> = match (side, &change.before) {
        (Side::After, _) => change
            .named
            .iter()
            .map(|n| (n.path.clone(), n.text.clone(), n.explicit))
            .collect(),
        (Side::Before, before) => {
            let before = before.as_deref().unwrap_or_default();
            let differs: HashSet<&PathBuf> = before.iter().map(|(path, _)| path).collect();
            let same = change
                .named
                .iter()
                .filter(|n| !differs.contains(&n.path))
                .map(|n| (n.path.clone(), n.text.clone(), n.explicit));
            let then = before
                .iter()
                .filter(|(_, text)| text.is_some())
                .map(|(path, text)| (path.clone(), text.clone(), false));
            same.chain(then).collect()
        }
    };
    chosen.retain(|(path, _, _)| !scope.is_excluded(path));
    let changed: Vec<PathBuf> = change
        .named
        .iter()
        .map(|n| n.path.clone())
        .chain(change.deleted.iter().cloned())
        .collect();
    let changed: HashSet<PathBuf> = changed.into_iter().collect();
    let mut walked = walk(scope)?;
    walked.retain(|p| !changed.contains(&normalize(&scope.cwd.join(p))));

    let mut texts: HashMap<PathBuf, String> = HashMap::new();
    if !whole {
        match needles(change) {
            None => {}
            Some(needles) => {
                // A SIMD substring search per needle: a handful of needles,
                // so this beats one automaton over every byte tenfold.
                let finders: Vec<Finder> = needles.iter().map(Finder::new).collect();
                let mentions = |text: &[u8]| finders.iter().any(|f| f.find(text).is_some());
                let limit = Limits::default().max_file_bytes;
                let kept: Vec<(PathBuf, String)> = walked
                    .par_iter()
                    .map_init(ReadBuffer::new, |buffer, path| {
                        let content = buffer.read(path, limit + 1).ok()?;
                        // Too large or not UTF-8: no documents to contribute.
                        if content.len() > limit || !mentions(content) {
                            return None;
                        }
                        let text = String::from_utf8(content.to_vec()).ok()?;
                        Some((path.clone(), text))
                    })
                    .flatten()
                    .collect();
                walked = kept.iter().map(|(p, _)| p.clone()).collect();
                texts = kept.into_iter().collect();
            }
        }
    }
    let mut walked_in_named = HashSet::new();
    for (path, text, explicit) in &chosen {
        if let Some(text) = text {
            texts.insert(path.clone(), text.clone());
        }
        if !explicit {
            walked_in_named.insert(path.clone());
        }
    }

    let mut candidates: Vec<Candidate> = chosen
        .into_iter()
        .map(|(path, _, _)| Candidate {
            path,
            explicit: true,
        })
        .collect();
    candidates.extend(walked.into_iter().map(|path| Candidate {
        path,
        explicit: false,
    }));
    let mut found = input::register(candidates, None, scope.cwd, db);
    let mut named_ids = Vec::new();
    for input in &mut found.inputs {
        if input.explicit {
            named_ids.push(input.file);
            // Found in a named directory: skipped without documents, as a
            // walk skips it.
            if found
                .loader
                .path(input.file)
                .is_some_and(|path| walked_in_named.contains(path))
            {
                input.explicit = false;
            }
        }
    }
    if !texts.is_empty() {
        let files: Vec<(FileId, PathBuf)> = found
            .inputs
            .iter()
            .filter_map(|i| Some((i.file, found.loader.path(i.file)?.to_path_buf())))
            .collect();
        for (file, path) in files {
            if let Some(text) = texts.remove(&path) {
                found.db.set_text(file, text);
            }
        }
    }
    Ok(Selection {
        found,
        named: named_ids,
    })
}

/// A buffer for reading many small files, one per task: most files are
/// read only to be searched, and fresh memory for each would cost a page
/// fault per 4 KiB.
struct ReadBuffer {
    /// Always `SMALL` long: read into, never resized.
    small: Vec<u8>,
    /// A larger file, whole.
    large: Vec<u8>,
}

impl ReadBuffer {
    /// Files up to this size are read with one `read`.
    const SMALL: usize = 64 * 1024;

    fn new() -> Self {
        ReadBuffer {
            small: vec![0; Self::SMALL],
            large: Vec::new(),
        }
    }

    /// The first `cap` bytes of the file at `path`. A read of a regular
    /// file that returns less than asked is at its end, so a small file
    /// costs one `read`, not the two of `read_to_end` (whose second, empty
    /// read finds the end): 10,000 system calls in a 10,000-file project.
    fn read(&mut self, path: &Path, cap: usize) -> std::io::Result<&[u8]> {
        let mut file = std::fs::File::open(path)?;
        let first = input::read_once(&mut file, &mut self.small)?;
        if first < Self::SMALL {
            return Ok(&self.small[..first.min(cap)]);
        }
        self.large.clear();
        self.large.extend_from_slice(&self.small);
        file.take(cap.saturating_sub(first) as u64)
            .read_to_end(&mut self.large)?;
        let len = self.large.len().min(cap);
        Ok(&self.large[..len])
    }
}

/// Every YAML file under the project root, in parallel; relative to the
/// working directory when the root holds it (shorter paths are cheaper for
/// the kernel to resolve, 10,000 times over).
fn walk(scope: &Scope) -> Result<Vec<PathBuf>, String> {
    let root = match scope.cwd.strip_prefix(&scope.root.dir) {
        Ok(below) => below
            .components()
            .map(|_| Path::new(".."))
            .fold(PathBuf::from("."), |path, up| path.join(up)),
        Err(_) => scope.root.dir.clone(),
    };
    let mut found = Vec::new();
    input::walk(&root, scope, &mut found)
        .map_err(|e| format!("cannot walk `{}`: {e}", scope.root.dir.display()))?;
    Ok(found.into_iter().map(|c| c.path).collect())
}

/// What a file must mention to be read with the named files, before or
/// after the change: `None` when the whole project is needed (a named file
/// holds a Platform).
fn needles(change: &Change) -> Option<Vec<String>> {
    let mut needles = vec![
        "Platform".to_string(),
        "ScopeType".to_string(),
        "\\x".to_string(),
        "\\u".to_string(),
        "\\U".to_string(),
    ];
    let texts = change
        .named
        .iter()
        .map(|named| match &named.text {
            Some(text) => Some(text.clone()),
            // An unreadable named file is reported by the check itself.
            None => std::fs::read_to_string(&named.path).ok(),
        })
        .chain(change.before.iter().flatten().map(|(_, text)| text.clone()));
    for text in texts.flatten() {
        let parsed = landfall_yaml::parse(FileId(0), &text, &Limits::default());
        for document in &parsed.documents {
            let root = &document.root;
            let text_at = |pointer: &str| {
                root.pointer(pointer)
                    .and_then(|(n, _)| n.as_str())
                    .filter(|s| !s.is_empty())
            };
            let kind = text_at("/kind");
            if kind == Some("Platform") {
                return None;
            }
            // A Workload's or Scope's name is unique within its application,
            // and everything it relates to mentions the application: its
            // own name would only select other applications' namesakes.
            let application = text_at("/metadata/application");
            let scoped = application.is_some() && matches!(kind, Some("Workload" | "Scope"));
            let name = text_at("/metadata/name").filter(|_| !scoped);
            let scope_type = text_at("/spec/type").filter(|_| kind == Some("Scope"));
            for found in [name, application, scope_type].into_iter().flatten() {
                needles.push(found.to_string());
            }
        }
    }
    needles.sort();
    needles.dedup();
    Some(needles)
}

/// Whether the selection may differ from the whole project for the named
/// files: a named Workload or Scope whose Application was not found (its
/// finding lists the Applications there are), or a named file that could
/// not be read whole (its finding notes the references to it elsewhere,
/// and what it would define or refer to is unknown).
pub fn needs_whole_project(outcome: &CheckOutcome, named: &[FileId]) -> bool {
    if outcome.unread_files.iter().any(|f| named.contains(f)) {
        return true;
    }
    let project = &outcome.project;
    project
        .documents
        .iter()
        .filter(|d| named.contains(&d.file))
        .any(|d| {
            d.meta()
                .application()
                .is_some_and(|app| project.application(app).is_none())
        })
}

#[cfg(test)]
mod tests {
    use super::ReadBuffer;

    #[test]
    fn read_buffer_gives_whole_files_of_every_size_up_to_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let mut buffer = ReadBuffer::new();
        let small = ReadBuffer::SMALL;
        for size in [0, 1, 4096, small - 1, small, small + 1, 3 * small + 17] {
            let content: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
            let path = dir.path().join(format!("f{size}"));
            std::fs::write(&path, &content).unwrap();
            assert_eq!(buffer.read(&path, usize::MAX).unwrap(), content, "{size}");
            // A cap cuts the file short, as `take` would.
            let cap = size / 2;
            assert_eq!(buffer.read(&path, cap).unwrap(), &content[..cap], "{size}");
        }
        // A small file after a large one is not mixed with it.
        let path = dir.path().join("tiny");
        std::fs::write(&path, b"kind: Scope\n").unwrap();
        assert_eq!(buffer.read(&path, usize::MAX).unwrap(), b"kind: Scope\n");
    }
}
