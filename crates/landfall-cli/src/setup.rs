//! What `check` runs on: the project root, its `landfall.toml`, and the
//! files, either those found under the paths given or, in the changed-files
//! mode, the project's files a named file needs.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use landfall_check::dialect::NamedDialects;
use landfall_check::{CheckOptions, CheckOutcome, check_with_options};
use landfall_diagnostics::{ColorMode, Diagnostic, FileId, SourceDb, Summary, render_human};

use crate::changed::{self, Change, NamedFile, Side};
use crate::config::{self, Config};
use crate::git::{self, Revision, StagedChange};
use crate::input::{self, Found, Scope};
use crate::project_root::{CONFIG_FILE, ProjectRoot, RootKind, normalize};

pub struct Setup {
    pub cwd: PathBuf,
    pub root: ProjectRoot,
    pub config: Config,
    /// `landfall.toml`'s name and text: a second selection re-registers it
    /// first, so the spans of `config` stay valid.
    config_source: Option<(String, String)>,
}

/// A check's outcome, its files, and which of them were reported.
pub struct Checked {
    pub outcome: CheckOutcome,
    pub found: Found,
    pub reported: Vec<FileId>,
}

/// Why the command cannot run.
pub enum Failure {
    Message(String),
    /// `landfall.toml` has problems: shown, and nothing is checked.
    Config(SourceDb, Vec<Diagnostic>),
}

impl Failure {
    /// Everything to print on standard error.
    pub fn render(&self, color: ColorMode) -> String {
        match self {
            Failure::Message(message) => format!("error: {message}\n"),
            Failure::Config(db, diagnostics) => {
                let rendered = render_human(diagnostics, db, &Summary::default(), color);
                let mut text = String::from_utf8_lossy(&rendered).into_owned();
                // The renderer closes with a summary of checked files: none were.
                if let Some(last) = text.trim_end().rfind('\n') {
                    text.truncate(last + 1);
                }
                text.push_str("error: landfall.toml is not usable; nothing was checked\n");
                text
            }
        }
    }
}

/// What `check` is asked to check.
pub enum Request<'a> {
    /// Files and directories, `-` for standard input named `stdin_name`.
    Paths {
        paths: &'a [PathBuf],
        stdin_name: &'a str,
    },
    /// Files and directories, a directory checked as a tree of its own,
    /// even inside a project: what planning reads (a plan's checks gate
    /// on every file it reads, which the changed-files mode does not
    /// report).
    Trees(&'a [PathBuf]),
    /// The staged changes of the git repository (`--staged`).
    Staged(Change),
}

impl Setup {
    /// Finds the project root from `paths` and reads its `landfall.toml`.
    pub fn new(paths: &[PathBuf], stdin_name: &str) -> Result<Setup, Failure> {
        let cwd = working_directory()?;
        let root = ProjectRoot::of_paths(&cwd, paths, stdin_name).map_err(Failure::Message)?;
        Setup::with_root(cwd, root)
    }

    /// The staged changes of the git repository around the working
    /// directory, with the files `also` names (as pre-commit passes them,
    /// every file with `--all-files`), and their project: the one
    /// `landfall.toml` above them (files outside it are not its specs),
    /// else the repository. Texts come from the index, which is what the
    /// commit holds; a file the index lacks is read from disk.
    pub fn staged(also: &[PathBuf]) -> Result<(Setup, Request<'static>), Failure> {
        let cwd = working_directory()?;
        let toplevel = git::toplevel(&cwd).ok_or_else(|| {
            Failure::Message(
                "`--staged` checks a git repository's staged changes, and this is not in one"
                    .into(),
            )
        })?;
        let toplevel = normalize(&toplevel);
        let mut changes = git::staged_changes(&toplevel).map_err(Failure::Message)?;
        for path in also {
            let absolute = normalize(&cwd.join(path));
            if !absolute.starts_with(&toplevel) {
                continue;
            }
            let change = StagedChange::Written(relative_to(&toplevel, &absolute));
            if absolute.is_file() && !changes.contains(&change) {
                changes.push(change);
            }
        }
        let changes: Vec<StagedChange> = changes
            .into_iter()
            .filter(|change| {
                let (StagedChange::Written(path) | StagedChange::Deleted(path)) = change;
                Path::new(path)
                    .extension()
                    .is_some_and(|ext| ext == "yaml" || ext == "yml")
            })
            .collect();
        let absolute = |path: &str| normalize(&toplevel.join(path));
        let mut configs: Vec<ProjectRoot> = changes
            .iter()
            .map(|change| {
                let (StagedChange::Written(path) | StagedChange::Deleted(path)) = change;
                let file = absolute(path);
                ProjectRoot::find(file.parent().unwrap_or(&toplevel))
            })
            .filter(|root| root.kind == RootKind::Config)
            .collect();
        configs.sort_by(|a, b| a.dir.cmp(&b.dir));
        configs.dedup_by(|a, b| a.dir == b.dir);
        let root = match &configs[..] {
            [] => ProjectRoot {
                dir: toplevel.clone(),
                kind: RootKind::Git,
            },
            [one] => one.clone(),
            several => {
                let names: Vec<String> = several
                    .iter()
                    .map(|r| r.dir.join(CONFIG_FILE).display().to_string())
                    .collect();
                return Err(Failure::Message(format!(
                    "the staged changes belong to several landfall projects ({}); commit them one project at a time",
                    names.join(", ")
                )));
            }
        };
        let mut written = Vec::new();
        let mut deleted = Vec::new();
        for change in changes {
            match change {
                StagedChange::Written(path) if absolute(&path).starts_with(&root.dir) => {
                    written.push(path)
                }
                StagedChange::Deleted(path) if absolute(&path).starts_with(&root.dir) => {
                    deleted.push(path)
                }
                _ => {}
            }
        }
        let staged =
            git::texts_at(&toplevel, Revision::Index, &written).map_err(Failure::Message)?;
        let both: Vec<String> = written.iter().chain(&deleted).cloned().collect();
        let head = git::texts_at(&toplevel, Revision::Head, &both).map_err(Failure::Message)?;
        let change = Change {
            named: written
                .iter()
                .zip(staged)
                .map(|(path, text)| NamedFile {
                    path: absolute(path),
                    // Not in the index (or not text there): read from disk.
                    text,
                    // Staged YAML that holds no landfall document (a CI
                    // workflow) is skipped, as a walk skips it.
                    explicit: false,
                })
                .collect(),
            deleted: deleted.iter().map(|path| absolute(path)).collect(),
            before: Some(both.iter().map(|path| absolute(path)).zip(head).collect()),
        };
        let setup = Setup::with_root(cwd, root)?;
        Ok((setup, Request::Staged(change)))
    }

    fn with_root(cwd: PathBuf, root: ProjectRoot) -> Result<Setup, Failure> {
        let mut config = Config::default();
        let mut config_source = None;
        if let Some(path) = root.config_file() {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| Failure::Message(format!("cannot read `{}`: {e}", path.display())))?;
            let name = input::display_name(&path, Some(&cwd));
            let mut db = SourceDb::new();
            let file = db.add(name.clone(), text.clone());
            config =
                config::parse(file, &text).map_err(|problems| Failure::Config(db, problems))?;
            config_source = Some((name, text));
        }
        Ok(Setup {
            cwd,
            root,
            config,
            config_source,
        })
    }

    fn db(&self) -> SourceDb {
        let mut db = SourceDb::new();
        if let Some((name, text)) = &self.config_source {
            db.add(name.clone(), text.clone());
        }
        db
    }

    /// The files under `paths` with the project's exclusions, for commands
    /// that read a tree without checking it (`rules PATH`, `test-policies`).
    pub fn find(&self, paths: &[PathBuf]) -> Result<Found, Failure> {
        input::find(paths, "<stdin>", &self.scope(), self.db()).map_err(Failure::Message)
    }

    fn scope(&self) -> Scope<'_> {
        Scope {
            cwd: &self.cwd,
            root: &self.root,
            exclude: &self.config.exclude,
        }
    }

    /// Checks what `request` asks for. Paths that make up a whole project
    /// (or lie in none) are checked as they are; files and directories
    /// inside a project, standard input named as one of its files, and the
    /// staged changes are checked in the changed-files mode: their names
    /// resolve across the project, and only their findings, and those
    /// their change causes in other files, are reported.
    pub fn check(
        &self,
        request: Request,
        mut options: CheckOptions,
        skip_foreign_yaml: bool,
    ) -> Result<Checked, Failure> {
        options.repository_rules = self.config.rules.clone();
        if !options.named_dialects.is_set() {
            options.named_dialects = self.dialect_globs();
        }
        // A file without landfall documents is reported only when named,
        // and then only unless asked to skip it as a walk does.
        let treat_as_walked = |found: &mut Found| {
            if skip_foreign_yaml {
                for input in &mut found.inputs {
                    input.explicit = false;
                }
            }
        };
        let (paths, stdin_name, change) = match request {
            Request::Staged(change) => (&[][..], "<stdin>", Some(change)),
            Request::Paths { paths, stdin_name } => (
                paths,
                stdin_name,
                self.changed_files(paths, stdin_name, true)?,
            ),
            Request::Trees(paths) => (
                paths,
                "<stdin>",
                self.changed_files(paths, "<stdin>", false)?,
            ),
        };
        let change = match change {
            Some(change) => change,
            None => {
                let mut found = input::find(paths, stdin_name, &self.scope(), self.db())
                    .map_err(Failure::Message)?;
                treat_as_walked(&mut found);
                let outcome =
                    check_with_options(&mut found.db, &found.inputs, &found.loader, options);
                let reported = found.inputs.iter().map(|i| i.file).collect();
                return Ok(Checked {
                    outcome,
                    found,
                    reported,
                });
            }
        };
        // Compared with the state before only when that state differs.
        let compare = change.changes_anything();
        options.keep_cross_file_findings = compare;
        let mut whole = false;
        loop {
            let selection = changed::select(&change, Side::After, &self.scope(), self.db(), whole)
                .map_err(Failure::Message)?;
            let mut found = selection.found;
            treat_as_walked(&mut found);
            options.report_only = Some(selection.named.clone());
            let mut outcome =
                check_with_options(&mut found.db, &found.inputs, &found.loader, options.clone());
            if !whole && changed::needs_whole_project(&outcome, &selection.named) {
                whole = true;
                continue;
            }
            if compare {
                let before =
                    changed::select(&change, Side::Before, &self.scope(), self.db(), whole)
                        .map_err(Failure::Message)?;
                let mut before_found = before.found;
                options.report_only = Some(before.named.clone());
                let before_outcome = check_with_options(
                    &mut before_found.db,
                    &before_found.inputs,
                    &before_found.loader,
                    options.clone(),
                );
                keep_named_and_caused(
                    &mut outcome.diagnostics,
                    &found,
                    &selection.named,
                    &before_outcome.diagnostics,
                    &before_found.db,
                );
            }
            return Ok(Checked {
                outcome,
                found,
                reported: selection.named,
            });
        }
    }

    /// `[dialects]` of `landfall.toml`: a file's dialect by its path
    /// relative to the project root, the first matching glob winning.
    pub fn dialect_globs(&self) -> NamedDialects {
        if self.config.dialects.is_empty() {
            return NamedDialects::default();
        }
        let globs = self.config.dialects.clone();
        let root = self.root.clone();
        let cwd = self.cwd.clone();
        NamedDialects::by(move |name| {
            let relative = root.relative(&cwd, Path::new(name))?;
            globs
                .iter()
                .find(|(glob, _)| glob.is_match(&relative))
                .map(|(_, dialect)| *dialect)
        })
    }

    /// The changed-files mode's change for `paths`, when they are files or
    /// (with `directories`) directories inside a project other than its
    /// root, or standard input named as a file inside it. Compared with
    /// `HEAD` in a git repository.
    fn changed_files(
        &self,
        paths: &[PathBuf],
        stdin_name: &str,
        directories: bool,
    ) -> Result<Option<Change>, Failure> {
        if self.root.kind == RootKind::WorkingDirectory || paths.is_empty() {
            return Ok(None);
        }
        let mut named = Vec::new();
        for path in paths {
            if path.as_os_str() == "-" {
                let absolute = normalize(&self.cwd.join(stdin_name));
                if stdin_name == "<stdin>" || !absolute.starts_with(&self.root.dir) {
                    return Ok(None);
                }
                named.push(NamedFile {
                    path: absolute,
                    text: Some(input::read_stdin().map_err(Failure::Message)?),
                    explicit: true,
                });
                continue;
            }
            let absolute = normalize(&self.cwd.join(path));
            if absolute == self.root.dir || !absolute.starts_with(&self.root.dir) {
                return Ok(None);
            }
            if absolute.is_dir() && !directories {
                return Ok(None);
            }
            if absolute.is_dir() {
                let mut found = Vec::new();
                input::walk(path, &self.scope(), &mut found).map_err(|e| {
                    Failure::Message(format!("cannot walk `{}`: {e}", path.display()))
                })?;
                named.extend(found.into_iter().map(|c| NamedFile {
                    path: normalize(&self.cwd.join(c.path)),
                    text: None,
                    explicit: false,
                }));
            } else if absolute.is_file() {
                named.push(NamedFile {
                    path: absolute,
                    text: None,
                    explicit: true,
                });
            } else {
                // A named path that does not exist: reported as on a walk.
                return Ok(None);
            }
        }
        named.sort_by(|a, b| a.path.cmp(&b.path));
        named.dedup_by(|a, b| a.path == b.path);
        let given: Vec<PathBuf> = paths
            .iter()
            .filter(|p| p.as_os_str() != "-")
            .map(|p| normalize(&self.cwd.join(p)))
            .collect();
        let before = self.head_texts(&named, &given);
        Ok(Some(Change {
            named,
            deleted: Vec::new(),
            before,
        }))
    }

    /// The named files that differ from `HEAD`, with their text there
    /// (`None`: not there), when the project is in a git repository.
    /// `given` are the files and folders named, which git's status reads.
    fn head_texts(
        &self,
        named: &[NamedFile],
        given: &[PathBuf],
    ) -> Option<Vec<(PathBuf, Option<String>)>> {
        // The nearest `.git` above the root is the work tree's top: found
        // without asking git (a process, some 2 ms of a one-file check),
        // and with none there is no git to ask.
        let toplevel = self
            .root
            .dir
            .ancestors()
            .find(|dir| dir.join(".git").exists())?
            .to_path_buf();
        let changed: HashMap<PathBuf, bool> = git::changed_since_head(&toplevel, given)
            .ok()?
            .into_iter()
            .map(|c| (normalize(&toplevel.join(&c.path)), c.untracked))
            .collect();
        // Standard input stands for an edited file, whatever git says.
        let differing: Vec<&NamedFile> = named
            .iter()
            .filter(|n| n.text.is_some() || changed.contains_key(&n.path))
            .collect();
        // Untracked files were not there; only the others are asked for.
        let tracked: Vec<&NamedFile> = differing
            .iter()
            .copied()
            .filter(|n| changed.get(&n.path) != Some(&true))
            .collect();
        let relative: Vec<String> = tracked
            .iter()
            .map(|n| relative_to(&toplevel, &n.path))
            .collect();
        let mut at_head: HashMap<&PathBuf, Option<String>> = tracked
            .iter()
            .map(|n| &n.path)
            .zip(git::texts_at(&toplevel, Revision::Head, &relative).ok()?)
            .collect();
        let (paths, texts): (Vec<PathBuf>, Vec<Option<String>>) = differing
            .iter()
            .map(|n| (n.path.clone(), at_head.remove(&n.path).flatten()))
            .unzip();
        let buffers: HashMap<&PathBuf, &String> = named
            .iter()
            .filter_map(|n| Some((&n.path, n.text.as_ref()?)))
            .collect();
        Some(
            paths
                .into_iter()
                .zip(texts)
                // A buffer identical to HEAD changes nothing.
                .filter(|(path, old)| {
                    buffers
                        .get(path)
                        .is_none_or(|text| Some(*text) != old.as_ref())
                })
                .collect(),
        )
    }
}

/// `path` relative to `dir`, with `/`.
fn relative_to(dir: &Path, path: &Path) -> String {
    let parts: Vec<String> = path
        .strip_prefix(dir)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

fn working_directory() -> Result<PathBuf, Failure> {
    std::env::current_dir()
        .map_err(|e| Failure::Message(format!("cannot read the working directory: {e}")))
}

/// Keeps the findings of the named files, and those in other files that
/// the change causes: found after it, not before. (`unused-suppression`
/// in a file not reported only says that file's own findings were not
/// computed.)
fn keep_named_and_caused(
    diagnostics: &mut Vec<Diagnostic>,
    found: &Found,
    named: &[FileId],
    before: &[Diagnostic],
    before_db: &SourceDb,
) {
    let named: HashSet<FileId> = named.iter().copied().collect();
    let others: HashSet<FileId> = found
        .inputs
        .iter()
        .map(|i| i.file)
        .filter(|f| !named.contains(f))
        .collect();
    let key = |d: &Diagnostic, db: &SourceDb| {
        (
            db.file(d.span.file).name().to_string(),
            d.span.start,
            d.span.end,
            d.rule.to_string(),
            d.message.clone(),
        )
    };
    let before: HashSet<_> = before.iter().map(|d| key(d, before_db)).collect();
    diagnostics.retain(|d| {
        !others.contains(&d.span.file)
            || (d.rule != "unused-suppression" && !before.contains(&key(d, &found.db)))
    });
}
