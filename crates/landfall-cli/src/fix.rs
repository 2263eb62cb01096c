//! `check --fix`, `--diff` and `--unsafe-fixes`: rounds of fixes applied in
//! memory (the next check reads the fixed texts), then written or shown.

use std::io::Write;
use std::path::Path;

use landfall_check::CheckOutcome;
use landfall_diagnostics::{FileId, applicable_fixes, apply_fixes, unified_diff};

use crate::input::{self, Found};

/// Rounds after which a fix that keeps making new findings is given up:
/// each round is a whole check.
pub const MAX_ROUNDS: usize = 10;

/// Findings whose file is not fixed: a file that does not parse (or is not
/// UTF-8, or is over a limit) is never changed, as its edits could land in
/// what was never read.
const UNFIXABLE_FILE_RULES: [&str; 2] = ["yaml-syntax", "input-limit"];

/// Applies one round of fixes to the files of `outcome` (in memory, see
/// [`input::set_fixed`]); returns how many fixes were applied.
pub fn apply_round(outcome: &CheckOutcome, found: &Found, unsafe_fixes: bool) -> usize {
    let diagnostics = &outcome.diagnostics;
    let mut files: Vec<FileId> = diagnostics
        .iter()
        .filter(|d| !d.fixes.is_empty())
        .map(|d| d.span.file)
        .collect();
    files.sort();
    files.dedup();
    let mut applied = 0;
    for file in files {
        let broken = diagnostics
            .iter()
            .any(|d| d.span.file == file && UNFIXABLE_FILE_RULES.contains(&d.rule.as_ref()));
        // Standard input has no file to write to.
        let (false, Some(path)) = (broken, found.loader.path(file)) else {
            continue;
        };
        let source = found.db.file(file);
        if !source.has_text() {
            continue;
        }
        let fixes = applicable_fixes(diagnostics, file, unsafe_fixes);
        if fixes.is_empty() {
            continue;
        }
        let (text, count) = apply_fixes(source.text(), &fixes);
        if count == 0 || text == source.text() {
            continue;
        }
        input::set_fixed(path, text);
        applied += count;
    }
    applied
}

/// The unified diff of every fixed file against the file on disk, in path
/// order; files are named as the findings name them.
pub fn diff(found: &Found) -> Result<String, String> {
    let mut out = String::new();
    for (path, text) in input::fixed_texts() {
        let old = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        let name = found
            .db
            .iter()
            .find(|(id, _)| found.loader.path(*id) == Some(path.as_path()))
            .map_or_else(|| path.display().to_string(), |(_, f)| f.name().to_string());
        out.push_str(&unified_diff(&name, &old, &text));
    }
    Ok(out)
}

/// Writes every fixed file: into a temporary file in its directory, then
/// renamed over it, so that a reader never sees half a file. The file's
/// permissions are kept.
pub fn write() -> Result<usize, String> {
    let fixed = input::fixed_texts();
    for (path, text) in &fixed {
        write_replacing(path, text.as_bytes())
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    }
    Ok(fixed.len())
}

fn write_replacing(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let permissions = std::fs::metadata(path)?.permissions();
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    temp.as_file().set_permissions(permissions)?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
