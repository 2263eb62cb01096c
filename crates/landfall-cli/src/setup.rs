//! What `check` runs on: the project root, its `landfall.toml`, and the
//! files, either those found under the paths given or, in the changed-files
//! mode, the project's files a named file needs.

use std::path::{Path, PathBuf};

use landfall_check::{CheckOptions, CheckOutcome, check_with_options};
use landfall_diagnostics::{ColorMode, Diagnostic, FileId, SourceDb, Summary, render_human};

use crate::changed;
use crate::config::{self, Config};
use crate::input::{self, Found, Scope};
use crate::project_root::{ProjectRoot, RootKind};

pub struct Setup {
    pub cwd: PathBuf,
    pub root: ProjectRoot,
    pub config: Config,
    /// `landfall.toml`'s name and text: a second selection re-registers it
    /// first, so the spans of `config` stay valid.
    config_source: Option<(String, String)>,
    /// In the changed-files mode, the named files (as given).
    named_paths: Option<Vec<PathBuf>>,
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

impl Setup {
    /// Finds the project root and reads its `landfall.toml`.
    pub fn new(paths: &[PathBuf]) -> Result<Setup, Failure> {
        let cwd = std::env::current_dir()
            .map_err(|e| Failure::Message(format!("cannot read the working directory: {e}")))?;
        let root = ProjectRoot::find(&cwd);
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
        let named_paths = changed_files(paths, &cwd, &root).then(|| paths.to_vec());
        Ok(Setup {
            cwd,
            root,
            config,
            config_source,
            named_paths,
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

    /// Selects the files and checks them; in the changed-files mode, only
    /// the named files are reported, and the whole project is checked when
    /// the selection could differ from it.
    pub fn check(
        &self,
        paths: &[PathBuf],
        stdin_name: &str,
        mut options: CheckOptions,
        skip_foreign_yaml: bool,
    ) -> Result<Checked, Failure> {
        options.repository_rules = self.config.rules.clone();
        // A file without landfall documents is reported only when named,
        // and then only unless asked to skip it as a walk does.
        let treat_as_walked = |found: &mut Found| {
            if skip_foreign_yaml {
                for input in &mut found.inputs {
                    input.explicit = false;
                }
            }
        };
        let Some(named) = &self.named_paths else {
            let mut found = input::find(paths, stdin_name, &self.scope(), self.db())
                .map_err(Failure::Message)?;
            treat_as_walked(&mut found);
            let outcome = check_with_options(&mut found.db, &found.inputs, &found.loader, options);
            let reported = found.inputs.iter().map(|i| i.file).collect();
            return Ok(Checked {
                outcome,
                found,
                reported,
            });
        };
        let mut whole = false;
        loop {
            let selection = changed::select(named, &self.scope(), self.db(), whole)
                .map_err(Failure::Message)?;
            let mut found = selection.found;
            treat_as_walked(&mut found);
            options.report_only = Some(selection.named.clone());
            let outcome =
                check_with_options(&mut found.db, &found.inputs, &found.loader, options.clone());
            if whole || !changed::needs_whole_project(&outcome, &selection.named) {
                return Ok(Checked {
                    outcome,
                    found,
                    reported: selection.named,
                });
            }
            whole = true;
        }
    }
}

/// The changed-files mode: every path is an existing file inside a project
/// root found by `landfall.toml` or `.git`.
fn changed_files(paths: &[PathBuf], cwd: &Path, root: &ProjectRoot) -> bool {
    root.kind != RootKind::WorkingDirectory
        && !paths.is_empty()
        && paths
            .iter()
            .all(|p| p.as_os_str() != "-" && p.is_file() && root.relative(cwd, p).is_some())
}
