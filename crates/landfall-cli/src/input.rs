//! Finding and reading the files to check: the only file IO of `check`.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use ignore::WalkBuilder;
use landfall_diagnostics::{FileId, SourceDb};
use landfall_rules::CheckInput;
use landfall_yaml::Limits;
use rayon::prelude::*;

pub struct Loaded {
    pub db: SourceDb,
    pub inputs: Vec<CheckInput>,
}

struct Found {
    path: PathBuf,
    explicit: bool,
}

enum FileContent {
    Text(String),
    Problem(String, landfall_diagnostics::Diagnostic),
}

/// Walks the paths (directories recursively, honouring `.gitignore`) and
/// reads every YAML file found or named. Errors that stop the command
/// (a named path that does not exist, an unreadable file) come back as text.
pub fn load(paths: &[PathBuf], stdin_name: &str) -> Result<Loaded, String> {
    let mut found = Vec::new();
    let mut stdin = None;
    for path in paths {
        if path.as_os_str() == "-" {
            let mut bytes = Vec::new();
            // One byte past the limit is enough to know it is too large.
            let limit = Limits::default().max_file_bytes as u64 + 1;
            std::io::stdin()
                .take(limit)
                .read_to_end(&mut bytes)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
            stdin = Some(bytes);
            continue;
        }
        let metadata = std::fs::metadata(path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        if metadata.is_dir() {
            walk(path, &mut found)?;
        } else {
            found.push(Found {
                path: path.clone(),
                explicit: true,
            });
        }
    }
    // One order for every run, whatever the file system returns.
    found.sort_by(|a, b| a.path.cmp(&b.path).then(b.explicit.cmp(&a.explicit)));
    found.dedup_by(|a, b| a.path == b.path);

    let cwd = std::env::current_dir().ok();
    let read: Vec<Result<FileContent, String>> =
        found.par_iter().map(|f| read_file(&f.path)).collect();

    let mut db = SourceDb::new();
    let mut inputs = Vec::new();
    for (file, result) in found.iter().zip(read) {
        let name = display_name(&file.path, cwd.as_deref());
        let input = add(&mut db, name, result?, file.explicit);
        inputs.push(input);
    }
    if let Some(bytes) = stdin {
        inputs.push(add(&mut db, stdin_name.to_string(), decode(bytes), true));
    }
    Ok(Loaded { db, inputs })
}

fn add(db: &mut SourceDb, name: String, read: FileContent, explicit: bool) -> CheckInput {
    // The FileId is known only once the file is in the db; diagnostics made
    // while reading used a placeholder id and are moved to the real one.
    let next = FileId(db.len() as u32);
    match read {
        FileContent::Text(text) => {
            let file = db.add(name, text);
            debug_assert_eq!(file, next);
            CheckInput {
                file,
                explicit,
                problem: None,
            }
        }
        FileContent::Problem(text, mut problem) => {
            let file = db.add(name, text);
            problem.span.file = file;
            CheckInput {
                file,
                explicit,
                problem: Some(problem),
            }
        }
    }
}

const PLACEHOLDER: FileId = FileId(u32::MAX);

fn read_file(path: &Path) -> Result<FileContent, String> {
    let limits = Limits::default();
    let metadata =
        std::fs::metadata(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    // Never read a file past the limit: a 100 MB file costs nothing.
    if metadata.len() > limits.max_file_bytes as u64 {
        let problem = landfall_yaml::oversized(PLACEHOLDER, metadata.len(), &limits);
        return Ok(FileContent::Problem(String::new(), problem));
    }
    let bytes =
        std::fs::read(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    Ok(decode(bytes))
}

fn decode(bytes: Vec<u8>) -> FileContent {
    let limits = Limits::default();
    if bytes.len() > limits.max_file_bytes {
        let problem = landfall_yaml::oversized(PLACEHOLDER, bytes.len() as u64, &limits);
        return FileContent::Problem(String::new(), problem);
    }
    match landfall_yaml::decode(PLACEHOLDER, bytes) {
        (text, None) => FileContent::Text(text),
        (text, Some(problem)) => FileContent::Problem(text, problem),
    }
}

fn walk(root: &Path, found: &mut Vec<Found>) -> Result<(), String> {
    let walker = WalkBuilder::new(root)
        // .gitignore applies even outside a git repository, as in ruff.
        .require_git(false)
        .build();
    for entry in walker {
        let entry = entry.map_err(|e| format!("cannot walk `{}`: {e}", root.display()))?;
        let is_file = entry.file_type().is_some_and(|t| t.is_file());
        let is_yaml = entry
            .path()
            .extension()
            .is_some_and(|ext| ext == "yaml" || ext == "yml");
        if is_file && is_yaml {
            found.push(Found {
                path: entry.into_path(),
                explicit: false,
            });
        }
    }
    Ok(())
}

/// The path as given or found, relative to the working directory when it
/// lies below it, with `/` separators.
fn display_name(path: &Path, cwd: Option<&Path>) -> String {
    let relative = match cwd {
        Some(cwd) if path.is_absolute() => path.strip_prefix(cwd).unwrap_or(path),
        _ => path,
    };
    let parts: Vec<String> = relative
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if relative.is_absolute() {
        format!("/{}", parts[1..].join("/"))
    } else {
        parts.join("/")
    }
}
