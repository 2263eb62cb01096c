//! Baselines: `--write-baseline FILE` records today's findings,
//! `--baseline FILE` reports only the findings not recorded.
//!
//! A finding is recorded by rule, file (relative to the project root) and a
//! fingerprint of where it is, not of its line: the document (kind and
//! name), the mapping keys from the document's root down to the finding's
//! node, and the text under its primary span. Edits elsewhere in the file
//! keep the fingerprint; several identical findings in one file share it
//! and are counted. The text is hashed, so a baseline never holds a value
//! (a plaintext secret is a finding's text). The format is versioned and
//! described by `schemas/baseline.schema.json`.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use landfall_diagnostics::{Diagnostic, FileId, SourceDb};
use landfall_yaml::{Limits, Node, Value};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::project_root::ProjectRoot;

/// The baseline file, version 1.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    findings: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    rule: String,
    file: String,
    fingerprint: String,
    count: usize,
}

/// (file, rule, fingerprint): sorts as the file is written.
type Key = (String, String, String);

/// Computes the keys of findings, parsing each file with findings once.
pub struct Fingerprints<'a> {
    db: &'a SourceDb,
    root: &'a ProjectRoot,
    cwd: &'a Path,
    parsed: HashMap<FileId, Vec<landfall_yaml::Document>>,
}

impl<'a> Fingerprints<'a> {
    pub fn new(db: &'a SourceDb, root: &'a ProjectRoot, cwd: &'a Path) -> Self {
        Fingerprints {
            db,
            root,
            cwd,
            parsed: HashMap::new(),
        }
    }

    /// A file's name in a baseline: relative to the project root when it
    /// lies inside it, else as reported.
    pub fn file_name(&self, file: FileId) -> String {
        let name = self.db.file(file).name();
        self.root
            .relative(self.cwd, Path::new(name))
            .unwrap_or_else(|| name.to_string())
    }

    /// The finding's fingerprint, as a baseline records it (SARIF's
    /// `partialFingerprints` carry it too).
    pub fn fingerprint(&mut self, d: &Diagnostic) -> String {
        self.key(d).2
    }

    fn key(&mut self, d: &Diagnostic) -> Key {
        let file = d.span.file;
        let text = self.db.file(file).text();
        let documents = self.parsed.entry(file).or_insert_with(|| {
            if text.is_empty() {
                Vec::new()
            } else {
                landfall_yaml::parse(file, text, &Limits::default()).documents
            }
        });
        let at = d.span.start;
        let mut hasher = Sha256::new();
        let mut part = |bytes: &[u8]| {
            hasher.update((bytes.len() as u64).to_le_bytes());
            hasher.update(bytes);
        };
        part(d.rule.as_bytes());
        // The document holding the finding: the last one starting before it.
        if let Some(document) = documents.iter().rev().find(|doc| doc.root.start <= at) {
            let field = |key: &str| document.root.get(key);
            part(
                field("kind")
                    .and_then(Node::as_str)
                    .unwrap_or("")
                    .as_bytes(),
            );
            let name = field("metadata")
                .and_then(|m| m.get("name"))
                .and_then(Node::as_str)
                .unwrap_or("");
            part(name.as_bytes());
            let mut path = String::new();
            key_path(&document.root, at, &mut path);
            part(path.as_bytes());
        }
        let span_text = text
            .get(d.span.start as usize..d.span.end as usize)
            .unwrap_or("");
        part(span_text.as_bytes());
        let digest = hasher.finalize();
        let fingerprint: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        (self.file_name(file), d.rule.to_string(), fingerprint)
    }
}

/// The mapping keys from `node` down to the deepest node holding `at`;
/// list items add `-`, not their index, so inserting an item above keeps it.
fn key_path(node: &Node, at: u32, path: &mut String) {
    match &node.value {
        Value::Map(entries) => {
            if let Some(entry) = entries
                .iter()
                .find(|e| e.key.start <= at && at < e.key.end.max(e.value.end))
            {
                path.push('/');
                path.push_str(&entry.key.key_text());
                key_path(&entry.value, at, path);
            }
        }
        Value::Seq(items) => {
            if let Some(item) = items.iter().find(|i| i.start <= at && at < i.end) {
                path.push_str("/-");
                key_path(item, at, path);
            }
        }
        _ => {}
    }
}

/// The baseline of `diagnostics` (suppressed findings are not recorded):
/// JSON, sorted, ending in a newline.
pub fn write(diagnostics: &[Diagnostic], fingerprints: &mut Fingerprints) -> (String, usize) {
    let mut counts: BTreeMap<Key, usize> = BTreeMap::new();
    let mut recorded = 0;
    for d in diagnostics.iter().filter(|d| !d.is_suppressed()) {
        *counts.entry(fingerprints.key(d)).or_default() += 1;
        recorded += 1;
    }
    let file = BaselineFile {
        version: 1,
        findings: counts
            .into_iter()
            .map(|((file, rule, fingerprint), count)| Entry {
                rule,
                file,
                fingerprint,
                count,
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
    text.push('\n');
    (text, recorded)
}

/// A baseline entry no finding matches any more.
pub struct Fixed {
    pub rule: String,
    pub file: String,
    pub count: usize,
}

/// Removes the findings the baseline records (each entry matches up to its
/// count) and returns the entries left unmatched in the checked files.
pub fn apply(
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
    fingerprints: &mut Fingerprints,
    checked: &[FileId],
) -> Result<Vec<Fixed>, String> {
    let file: BaselineFile =
        serde_json::from_str(text).map_err(|e| format!("not a landfall baseline: {e}"))?;
    if file.version != 1 {
        return Err(format!(
            "baseline version {} is not supported (this landfall reads version 1)",
            file.version
        ));
    }
    let mut left: BTreeMap<Key, usize> = BTreeMap::new();
    for entry in file.findings {
        *left
            .entry((entry.file, entry.rule, entry.fingerprint))
            .or_default() += entry.count;
    }
    diagnostics.retain(|d| {
        if d.is_suppressed() {
            return true;
        }
        let key = fingerprints.key(d);
        match left.get_mut(&key) {
            Some(count) if *count > 0 => {
                *count -= 1;
                false
            }
            _ => true,
        }
    });
    let checked: std::collections::HashSet<String> =
        checked.iter().map(|&f| fingerprints.file_name(f)).collect();
    Ok(left
        .into_iter()
        .filter(|((file, _, _), count)| *count > 0 && checked.contains(file))
        .map(|((file, rule, _), count)| Fixed { rule, file, count })
        .collect())
}
