//! What `check` asks git: the staged changes of a commit, and the text of
//! files at `HEAD` or in the index, to compare a change with what it
//! changes.
//!
//! git is run as a program (`git diff`, `git cat-file`), as pre-commit
//! and ruff's hooks do: its index format and object store are git's own,
//! and the user's git (with their configuration, worktrees, alternates and
//! hooks' environment) is the one that knows them.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A git repository's top directory (absolute), when `dir` is in one.
pub fn toplevel(dir: &Path) -> Option<PathBuf> {
    let output = Command::new("git")
        .args(["rev-parse", "--show-toplevel"])
        .current_dir(dir)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    Some(PathBuf::from(text.trim_end_matches(['\n', '\r'])))
}

/// One staged change: a file the commit adds or modifies, or deletes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StagedChange {
    Written(String),
    Deleted(String),
}

/// The staged changes of the repository at `toplevel`, paths relative to
/// it with `/`. Renames are a deletion and an addition (`--no-renames`):
/// the names the old file defined are gone from where it was.
pub fn staged_changes(toplevel: &Path) -> Result<Vec<StagedChange>, String> {
    let output = Command::new("git")
        .args([
            "-c",
            "core.quotePath=false",
            "diff",
            "--cached",
            "--name-status",
            "--no-renames",
            "-z",
        ])
        .current_dir(toplevel)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "`git diff --cached` failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(parse_name_status(&output.stdout))
}

/// `git diff --name-status -z`: a status field and a path, each ended by
/// NUL. Paths that are not UTF-8 are skipped: landfall names files by
/// their UTF-8 text.
fn parse_name_status(bytes: &[u8]) -> Vec<StagedChange> {
    let mut fields = bytes.split(|&b| b == 0);
    let mut changes = Vec::new();
    while let (Some(status), Some(path)) = (fields.next(), fields.next()) {
        let Ok(path) = std::str::from_utf8(path) else {
            continue;
        };
        match status.first() {
            Some(b'D') => changes.push(StagedChange::Deleted(path.to_string())),
            // Added, copied, modified, type changed; unmerged files are
            // checked as they are in the working tree.
            Some(b'A' | b'C' | b'M' | b'T' | b'U') => {
                changes.push(StagedChange::Written(path.to_string()))
            }
            _ => {}
        }
    }
    changes
}

/// The files among `paths` (files or folders) that differ from `HEAD` in the working tree or
/// the index (modified, added, deleted, untracked; not ignored), paths
/// relative to `toplevel` with `/`. git's own status, which its index's
/// file stamps make cheap: what a comparison with `HEAD` needs to read.
pub fn changed_since_head(toplevel: &Path, paths: &[PathBuf]) -> Result<Vec<Changed>, String> {
    let output = Command::new("git")
        .args([
            "-c",
            "core.quotePath=false",
            "status",
            "--porcelain=v1",
            "-z",
            "--no-renames",
            "--untracked-files=all",
            "--",
        ])
        .args(paths)
        .current_dir(toplevel)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "`git status` failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(parse_porcelain(&output.stdout))
}

/// A file that differs from `HEAD`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Changed {
    /// Relative to the repository's top, with `/`.
    pub path: String,
    /// Not in git at all: it has no text at `HEAD`, nothing to ask for.
    pub untracked: bool,
}

/// `git status --porcelain=v1 -z`: `XY PATH` entries ended by NUL.
fn parse_porcelain(bytes: &[u8]) -> Vec<Changed> {
    bytes
        .split(|&b| b == 0)
        .filter(|entry| entry.len() > 3)
        .filter_map(|entry| {
            Some(Changed {
                path: std::str::from_utf8(&entry[3..]).ok()?.to_string(),
                untracked: entry.starts_with(b"??"),
            })
        })
        .collect()
}

/// Where a file's text is read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Revision {
    /// The last commit.
    Head,
    /// The index: what the next commit will hold.
    Index,
}

/// The texts of `paths` (relative to `toplevel`, with `/`) at `revision`,
/// in order: `None` for a file that is not there (or is not UTF-8 text).
/// One `git cat-file --batch` for all of them.
pub fn texts_at(
    toplevel: &Path,
    revision: Revision,
    paths: &[String],
) -> Result<Vec<Option<String>>, String> {
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    let mut child = Command::new("git")
        .args(["cat-file", "--batch"])
        .current_dir(toplevel)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let prefix = match revision {
        Revision::Head => "HEAD:",
        Revision::Index => ":",
    };
    let mut request = String::new();
    for path in paths {
        request.push_str(prefix);
        request.push_str(path);
        request.push('\n');
    }
    let mut stdin = child.stdin.take().ok_or("cannot write to git")?;
    // Written from a thread: git answers while it reads, and a large
    // answer would fill the pipe while a large request still waits.
    let writer = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
    let mut stdout = BufReader::new(child.stdout.take().ok_or("cannot read from git")?);
    let mut texts = Vec::with_capacity(paths.len());
    for _ in paths {
        texts.push(read_object(&mut stdout).map_err(|e| format!("cannot read from git: {e}"))?);
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(texts)
}

/// One answer of `git cat-file --batch`: `<oid> blob <size>\n<bytes>\n`, or
/// `<name> missing\n` (also for an unborn `HEAD`).
fn read_object(reader: &mut impl BufRead) -> std::io::Result<Option<String>> {
    let mut header = String::new();
    if reader.read_line(&mut header)? == 0 {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    // The name asked for may hold spaces: read the fields from the end.
    let header = header.trim_end_matches('\n');
    if header.ends_with(" missing") || header.ends_with(" ambiguous") {
        return Ok(None);
    }
    let mut fields = header.rsplitn(3, ' ');
    let (Some(size), Some(kind)) = (fields.next(), fields.next()) else {
        return Ok(None);
    };
    let size: usize = size
        .parse()
        .map_err(|_| std::io::Error::other(format!("unexpected answer `{header}`")))?;
    let mut bytes = vec![0; size + 1];
    reader.read_exact(&mut bytes)?;
    bytes.truncate(size);
    if kind != "blob" {
        return Ok(None);
    }
    Ok(String::from_utf8(bytes).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_status_reads_statuses_and_paths_with_any_character() {
        let out = b"M\0specs/api.yaml\0D\0specs/old worker.yaml\0A\0new\nline.yaml\0R100\0x\0";
        assert_eq!(
            parse_name_status(out),
            vec![
                StagedChange::Written("specs/api.yaml".into()),
                StagedChange::Deleted("specs/old worker.yaml".into()),
                StagedChange::Written("new\nline.yaml".into()),
            ]
        );
    }

    #[test]
    fn porcelain_entries_are_paths_after_their_status() {
        let out = b" M specs/api.yaml\0?? new file.yaml\0D  gone.yaml\0";
        let changed: Vec<(String, bool)> = parse_porcelain(out)
            .into_iter()
            .map(|c| (c.path, c.untracked))
            .collect();
        assert_eq!(
            changed,
            vec![
                ("specs/api.yaml".to_string(), false),
                ("new file.yaml".to_string(), true),
                ("gone.yaml".to_string(), false)
            ]
        );
    }

    #[test]
    fn batch_answers_are_read_one_after_another() {
        let answers = b"abc blob 5\nhello\nHEAD:a b.yaml missing\ndef blob 0\n\n";
        let mut reader = &answers[..];
        assert_eq!(read_object(&mut reader).unwrap().as_deref(), Some("hello"));
        assert_eq!(read_object(&mut reader).unwrap(), None);
        assert_eq!(read_object(&mut reader).unwrap().as_deref(), Some(""));
        assert!(read_object(&mut reader).is_err());
    }
}
