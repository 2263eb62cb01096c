//! Finding and reading the files to check: the only file IO of `check`.
//!
//! Files are found up front and read by the pipeline through [`FileLoader`],
//! file by file from its parallel stage, so a large tree is never held in
//! memory at once.

use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, Once};

use ignore::WalkBuilder;
use landfall_check::{CheckInput, Loaded, Loader};
use landfall_diagnostics::{FileId, SourceDb};
use landfall_yaml::Limits;

use crate::config::Exclude;
use crate::project_root::ProjectRoot;

pub struct Found {
    pub db: SourceDb,
    pub inputs: Vec<CheckInput>,
    pub loader: FileLoader,
}

/// Reads the files found, by [`FileId`]; standard input was read already.
pub struct FileLoader {
    /// By file id; `None` for standard input and files the db holds.
    paths: Vec<Option<PathBuf>>,
    stdin_file: Option<FileId>,
    stdin: Option<Vec<u8>>,
    /// Files that could not be read: the command cannot run (exit 2).
    failures: Mutex<Vec<String>>,
}

impl FileLoader {
    /// The path a file is read from (`None` for standard input and files
    /// whose text the db holds from the start).
    pub fn path(&self, file: FileId) -> Option<&Path> {
        self.paths.get(file.0 as usize)?.as_deref()
    }

    /// What could not be read, sorted.
    pub fn failures(&self) -> Vec<String> {
        let mut failures = self.failures.lock().map(|f| f.clone()).unwrap_or_default();
        failures.sort();
        failures.dedup();
        failures
    }
}

/// Texts `check --fix` and `--diff` have fixed in memory, by the path a
/// file is read from: the next round of checks reads them instead of the
/// file, so that `--diff` writes nothing and `--fix` writes once.
static FIXED: Mutex<Vec<(PathBuf, String)>> = Mutex::new(Vec::new());

/// Records `text` as the fixed text of `path`.
pub fn set_fixed(path: &Path, text: String) {
    if let Ok(mut fixed) = FIXED.lock() {
        match fixed.iter_mut().find(|(p, _)| p == path) {
            Some(slot) => slot.1 = text,
            None => fixed.push((path.to_path_buf(), text)),
        }
    }
}

/// The fixed text of `path`, if it has one.
pub fn fixed_text(path: &Path) -> Option<String> {
    let fixed = FIXED.lock().ok()?;
    fixed
        .iter()
        .find(|(p, _)| p == path)
        .map(|(_, t)| t.clone())
}

/// Every fixed text, by path, in path order.
pub fn fixed_texts() -> Vec<(PathBuf, String)> {
    let mut all = FIXED.lock().map(|f| f.clone()).unwrap_or_default();
    all.sort();
    all
}

impl Loader for FileLoader {
    fn load(&self, file: FileId) -> Loaded {
        match self.paths.get(file.0 as usize) {
            Some(Some(path)) => fixed_text(path).map(Loaded::Text).unwrap_or_else(|| {
                read_file(path).unwrap_or_else(|error| {
                    if let Ok(mut failures) = self.failures.lock() {
                        failures.push(format!("cannot read `{}`: {error}", path.display()));
                    }
                    Loaded::Text(String::new())
                })
            }),
            _ if self.stdin_file == Some(file) => decode(self.stdin.clone().unwrap_or_default()),
            _ => Loaded::Text(String::new()),
        }
    }

    fn load_named(&self, name: &str) -> Option<Loaded> {
        let path = Path::new(name);
        if !path.is_file() {
            return None;
        }
        Some(read_file(path).unwrap_or_else(|error| {
            if let Ok(mut failures) = self.failures.lock() {
                failures.push(format!("cannot read `{name}`: {error}"));
            }
            Loaded::Text(String::new())
        }))
    }
}

pub struct Candidate {
    pub path: PathBuf,
    pub explicit: bool,
}

/// What decides which files are checked: the project root and its
/// `exclude` globs.
pub struct Scope<'a> {
    pub cwd: &'a Path,
    pub root: &'a ProjectRoot,
    pub exclude: &'a Exclude,
}

impl Scope<'_> {
    /// Excluded by `landfall.toml`: never checked, even when named.
    pub fn is_excluded(&self, path: &Path) -> bool {
        self.root
            .relative(self.cwd, path)
            .is_some_and(|relative| !relative.is_empty() && self.exclude.is_excluded(&relative))
    }
}

/// Walks the paths (directories recursively, honouring `.gitignore`) and
/// lists every YAML file found or named. Errors that stop the command (a
/// named path that does not exist, a directory that cannot be walked) come
/// back as text. `db` may hold files already (`landfall.toml`).
pub fn find(
    paths: &[PathBuf],
    stdin_name: &str,
    scope: &Scope,
    db: SourceDb,
) -> Result<Found, String> {
    let mut found = Vec::new();
    let mut stdin = None;
    for path in paths {
        if path.as_os_str() == "-" {
            stdin = Some(read_stdin_bytes()?);
            continue;
        }
        let metadata = std::fs::metadata(path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        if metadata.is_dir() {
            walk(path, scope, &mut found)
                .map_err(|e| format!("cannot walk `{}`: {e}", path.display()))?;
        } else if !scope.is_excluded(path) {
            found.push(Candidate {
                path: path.clone(),
                explicit: true,
            });
        }
    }
    Ok(register(
        found,
        stdin.map(|bytes| (stdin_name, bytes)),
        scope.cwd,
        db,
    ))
}

/// Standard input, up to one byte past the file size limit (enough to know
/// it is too large).
fn read_stdin_bytes() -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    let limit = Limits::default().max_file_bytes as u64 + 1;
    std::io::stdin()
        .take(limit)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    Ok(bytes)
}

/// Standard input as text, for the changed-files mode, where it stands for
/// a file of the project.
pub fn read_stdin() -> Result<String, String> {
    let bytes = read_stdin_bytes()?;
    let limits = Limits::default();
    if bytes.len() > limits.max_file_bytes {
        return Err(format!(
            "standard input is larger than {} bytes",
            limits.max_file_bytes
        ));
    }
    String::from_utf8(bytes).map_err(|_| "standard input is not UTF-8 text".to_string())
}

/// Registers the candidates in `db`, sorted, and makes their loader.
pub fn register(
    mut found: Vec<Candidate>,
    stdin: Option<(&str, Vec<u8>)>,
    cwd: &Path,
    mut db: SourceDb,
) -> Found {
    // One order for every run, whatever the file system returns.
    found.sort_by(|a, b| a.path.cmp(&b.path).then(b.explicit.cmp(&a.explicit)));
    found.dedup_by(|a, b| a.path == b.path);

    let count = found.len() + usize::from(stdin.is_some());
    db.reserve(count);
    let mut inputs = Vec::with_capacity(count);
    let mut file_paths: Vec<Option<PathBuf>> = Vec::with_capacity(db.len() + count);
    file_paths.resize(db.len(), None);
    for candidate in found {
        let file = db.add_unread(display_name(&candidate.path, Some(cwd)));
        inputs.push(CheckInput {
            file,
            explicit: candidate.explicit,
        });
        file_paths.push(Some(candidate.path));
    }
    let mut stdin_file = None;
    let mut stdin_bytes = None;
    if let Some((name, bytes)) = stdin {
        let file = db.add_unread(name);
        inputs.push(CheckInput {
            file,
            explicit: true,
        });
        file_paths.push(None);
        stdin_file = Some(file);
        stdin_bytes = Some(bytes);
    }
    Found {
        db,
        inputs,
        loader: FileLoader {
            paths: file_paths,
            stdin_file,
            stdin: stdin_bytes,
            failures: Mutex::new(Vec::new()),
        },
    }
}

/// A placeholder file id: the pipeline moves a reading problem to the file.
const PLACEHOLDER: FileId = FileId(u32::MAX);

pub fn read_file(path: &Path) -> std::io::Result<Loaded> {
    let limits = Limits::default();
    // One open and one fstat per file: in a large tree the system calls
    // cost as much as the reading.
    let file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    // Never read a file past the limit: a 100 MB file costs nothing.
    if size > limits.max_file_bytes as u64 {
        return Ok(Loaded::Problem(
            landfall_yaml::oversized(PLACEHOLDER, size, &limits),
            String::new(),
        ));
    }
    // One read of one byte more than the size: a regular file's read
    // that returns less than asked is at its end, so `read_to_end`'s
    // second, empty read is needed only when the file grew meanwhile
    // (and then it stops one byte past the limit).
    let mut file = file;
    let mut bytes = vec![0; size as usize + 1];
    let read = read_once(&mut file, &mut bytes)?;
    bytes.truncate(read);
    if read > size as usize {
        file.take((limits.max_file_bytes + 1).saturating_sub(read) as u64)
            .read_to_end(&mut bytes)?;
    }
    Ok(decode(bytes))
}

/// One `read` into `buffer`, again if a signal interrupted it. For a
/// regular file, fewer bytes than asked means its end was reached.
pub fn read_once(file: &mut std::fs::File, buffer: &mut [u8]) -> std::io::Result<usize> {
    loop {
        match file.read(buffer) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            result => return result,
        }
    }
}

fn decode(bytes: Vec<u8>) -> Loaded {
    let limits = Limits::default();
    if bytes.len() > limits.max_file_bytes {
        return Loaded::Problem(
            landfall_yaml::oversized(PLACEHOLDER, bytes.len() as u64, &limits),
            String::new(),
        );
    }
    match landfall_yaml::decode(PLACEHOLDER, bytes) {
        (text, None) => Loaded::Text(text),
        (text, Some(problem)) => Loaded::Problem(problem, text),
    }
}

/// Walks `root` and adds every YAML file found; the caller sorts. The
/// first error stops the walk and comes back as the walker's text.
///
/// One thread walks: reading directories is a few percent of a check, and
/// on this project's two-CPU machines the ignore crate's parallel walker
/// cost more than it saved (its threads, and the memory each one first
/// touches): the walk of a 1,000-workload plan took 2.9 ms, now 1.1 ms,
/// and `check` of 20,000 files is no slower.
pub fn walk(root: &Path, scope: &Scope, found: &mut Vec<Candidate>) -> Result<(), String> {
    // A walk finds many files as a rule: meanwhile the schemas compile on
    // the thread pool the front end then parses on, not on first use
    // inside it, where the other threads would wait for them. A check of
    // a few named files compiles only the kinds it meets.
    static COMPILE_SCHEMAS: Once = Once::new();
    COMPILE_SCHEMAS.call_once(|| rayon::spawn(landfall_check::compile_schemas));
    for entry in walker(root, scope).build() {
        let entry = entry.map_err(|e| e.to_string())?;
        if is_yaml_file(&entry) {
            found.push(Candidate {
                path: entry.into_path(),
                explicit: false,
            });
        }
    }
    Ok(())
}

/// The walker of every directory walk: `.gitignore` honoured (even outside
/// a git repository, as in ruff), hidden files skipped, `exclude` pruned.
pub fn walker(root: &Path, scope: &Scope) -> WalkBuilder {
    let mut builder = WalkBuilder::new(root);
    builder.require_git(false);
    let cwd = scope.cwd.to_path_buf();
    let project = scope.root.clone();
    let exclude = scope.exclude.clone();
    if !exclude.is_empty() {
        builder.filter_entry(move |entry| {
            !project
                .relative(&cwd, entry.path())
                .is_some_and(|relative| !relative.is_empty() && exclude.is_excluded(&relative))
        });
    }
    builder
}

/// Whether a walked entry is a YAML file.
pub fn is_yaml_file(entry: &ignore::DirEntry) -> bool {
    entry.file_type().is_some_and(|t| t.is_file())
        && entry
            .path()
            .extension()
            .is_some_and(|ext| ext == "yaml" || ext == "yml")
}

/// A path as diagnostics name it (see [`display_name`]).
pub fn name_of(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    display_name(path, cwd.as_deref())
}

/// The path as given or found, relative to the working directory when it
/// lies below it, with `/` separators.
pub fn display_name(path: &Path, cwd: Option<&Path>) -> String {
    let relative = match cwd {
        Some(cwd) if path.is_absolute() => path.strip_prefix(cwd).unwrap_or(path),
        _ => path,
    };
    // Most names are already in that form (every walked one below a
    // plain root): one copy instead of a string per component.
    if let Some(text) = relative.to_str()
        && text.split('/').all(|part| !part.is_empty() && part != ".")
    {
        return text.to_string();
    }
    let parts: Vec<String> = relative
        .components()
        .filter(|c| !matches!(c, Component::CurDir | Component::RootDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if relative.is_absolute() {
        format!("/{}", parts.join("/"))
    } else {
        parts.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_are_relative_with_slashes_whatever_the_path_looks_like() {
        let cwd = Path::new("/work/project");
        for (path, name) in [
            ("apps/shop/api.yaml", "apps/shop/api.yaml"),
            ("./apps//shop/./api.yaml", "apps/shop/api.yaml"),
            ("../other/api.yaml", "../other/api.yaml"),
            ("/work/project/apps/api.yaml", "apps/api.yaml"),
            ("/elsewhere/api.yaml", "/elsewhere/api.yaml"),
            ("apps/", "apps"),
        ] {
            assert_eq!(display_name(Path::new(path), Some(cwd)), name, "{path}");
        }
    }
}
