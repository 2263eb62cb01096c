//! `landfall plan -o PATH`: where the plan and its target's files go.
//!
//! A `PATH` ending in `.json` is the plan's JSON file. A `PATH` ending in
//! `/`, or naming an existing directory, is a directory that receives the
//! target's artifacts (`compose.yaml` and its config files;
//! `kubernetes.yaml`) plus `plan.json`; for a `local` scope, whose plan the
//! runner executes, just `plan.json`. Anything else is refused before any
//! work ([`check_destination`]): a file name never silently becomes a
//! directory.
//!
//! The directory may hold files of its own: only what landfall writes is
//! replaced. The names written are kept in [`MANIFEST`], so that a file an
//! earlier run wrote and this one does not (a config since removed) is
//! deleted, and nothing else ever is.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use landfall_plan::Plan;
use landfall_targets::Artifact;

/// The plan's file name inside an output directory.
pub const PLAN_FILE: &str = "plan.json";

/// The list of files the last `plan -o DIR` wrote, one relative path a line.
pub const MANIFEST: &str = ".landfall-files";

/// Why `-o` wrote nothing (or not everything).
pub enum WriteError {
    /// The target cannot express the plan: exit status 1, like a finding.
    Target {
        target: String,
        problems: Vec<String>,
    },
    /// The file system refused: exit status 2, like any unwritable `-o`.
    Io(String),
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Target { target, problems } => {
                for problem in problems {
                    writeln!(f, "error[target/{target}]: {problem}")?;
                }
                write!(
                    f,
                    "error: the {target} target cannot express this plan ({} problem(s)); nothing was written",
                    problems.len()
                )
            }
            WriteError::Io(message) => write!(f, "error: {message}"),
        }
    }
}

/// Writes the plan (and its target's artifacts) to `path`, as described above.
pub fn write(plan: &Plan, path: &Path) -> Result<(), WriteError> {
    let json = plan.to_json();
    if is_plan_file(path) {
        return crate::atomic_write::write(path, json.as_bytes())
            .map_err(|e| cannot_write(path, &e));
    }
    // Everything is made before anything is written: a target that fails
    // leaves the directory as it was.
    let target = landfall_targets::target_of(plan);
    let mut files = match target.emit(plan) {
        None => Vec::new(),
        Some(Ok(artifacts)) => artifacts,
        Some(Err(problems)) => {
            return Err(WriteError::Target {
                target: target.name().to_string(),
                problems: problems.0,
            });
        }
    };
    files.push(Artifact {
        path: PLAN_FILE.to_string(),
        contents: json,
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    write_directory(path, &files)
}

pub fn is_plan_file(path: &Path) -> bool {
    !names_directory(path) && path.extension().is_some_and(|e| e == "json")
}

/// A trailing `/` says "directory", whatever the name ends in.
fn names_directory(path: &Path) -> bool {
    let text = path.as_os_str().to_string_lossy();
    text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR)
}

/// Refuses an `-o PATH` that is neither a plan file nor plainly a
/// directory (`out`, `plan.yaml`): the message says how to write either.
pub fn check_destination(path: &Path) -> Result<(), String> {
    if is_plan_file(path) || names_directory(path) || path.is_dir() {
        return Ok(());
    }
    let shown = path.display();
    Err(format!(
        "`-o {shown}` is neither a plan file nor a directory: write `{shown}.json` for the plan file, \
         or `{shown}/` for a directory of the target's files and plan.json"
    ))
}

fn cannot_write(path: &Path, error: &std::io::Error) -> WriteError {
    WriteError::Io(format!("cannot write `{}`: {error}", path.display()))
}

fn write_directory(dir: &Path, files: &[Artifact]) -> Result<(), WriteError> {
    std::fs::create_dir_all(dir).map_err(|e| cannot_write(dir, &e))?;
    let written: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for stale in previously_written(dir) {
        if !written.contains(stale.as_str()) {
            remove_stale(dir, &stale).map_err(|e| cannot_write(&dir.join(&stale), &e))?;
        }
    }
    for file in files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| cannot_write(parent, &e))?;
        }
        write_if_changed(&path, file.contents.as_bytes())?;
    }
    let mut manifest: String = written.iter().map(|p| format!("{p}\n")).collect();
    if manifest.is_empty() {
        manifest.push('\n');
    }
    write_if_changed(&dir.join(MANIFEST), manifest.as_bytes())
}

/// Leaves a file alone when it already holds `contents`, so tools that
/// watch modification times see no change for an unchanged plan.
fn write_if_changed(path: &Path, contents: &[u8]) -> Result<(), WriteError> {
    if std::fs::read(path).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    crate::atomic_write::write(path, contents).map_err(|e| cannot_write(path, &e))
}

/// The relative paths the manifest of an earlier run lists; only plain
/// relative paths count (a hand-edited manifest cannot reach outside `dir`).
fn previously_written(dir: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(dir.join(MANIFEST)) else {
        return Vec::new();
    };
    text.lines()
        .filter(|line| !line.is_empty())
        .filter(|line| {
            Path::new(line)
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)))
        })
        .map(str::to_string)
        .collect()
}

/// Removes a file an earlier run wrote, then the directories it leaves empty
/// (up to, not including, `dir`).
fn remove_stale(dir: &Path, relative: &str) -> std::io::Result<()> {
    let path = dir.join(relative);
    match std::fs::remove_file(&path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    }
    let mut parent: Option<PathBuf> = path.parent().map(Path::to_path_buf);
    while let Some(current) = parent {
        if current == dir || std::fs::remove_dir(&current).is_err() {
            break;
        }
        parent = current.parent().map(Path::to_path_buf);
    }
    Ok(())
}
