//! The project root: where `landfall.toml` is read from, where `exclude`
//! globs are relative to, and where name resolution starts in the
//! changed-files mode.
//!
//! It is found from the paths checked, not from the working directory
//! (as ruff finds its configuration from each file): `landfall check FILE`
//! gives the same findings for FILE wherever it is run from.

use std::path::{Component, Path, PathBuf};

/// The name of the configuration file.
pub const CONFIG_FILE: &str = "landfall.toml";

/// How the root was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RootKind {
    /// The nearest directory above the paths checked with a `landfall.toml`.
    Config,
    /// Without one, the root of the git repository (a directory holding `.git`).
    Git,
    /// Neither: no project; the working directory stands for its root.
    WorkingDirectory,
}

#[derive(Clone, Debug)]
pub struct ProjectRoot {
    /// Absolute.
    pub dir: PathBuf,
    pub kind: RootKind,
}

impl ProjectRoot {
    /// Walks up from `cwd` (absolute): first a `landfall.toml`, else a `.git`.
    pub fn find(cwd: &Path) -> ProjectRoot {
        if let Some(dir) = cwd.ancestors().find(|d| d.join(CONFIG_FILE).is_file()) {
            return ProjectRoot {
                dir: dir.to_path_buf(),
                kind: RootKind::Config,
            };
        }
        // `.git` is a directory in a clone and a file in a worktree.
        if let Some(dir) = cwd.ancestors().find(|d| d.join(".git").exists()) {
            return ProjectRoot {
                dir: dir.to_path_buf(),
                kind: RootKind::Git,
            };
        }
        ProjectRoot {
            dir: cwd.to_path_buf(),
            kind: RootKind::WorkingDirectory,
        }
    }

    /// The root of the paths checked: found by walking up from each (from
    /// a directory itself, from a file its directory; standard input from
    /// `stdin_name` when it names a path), all of which must share it.
    /// Without paths, from the working directory. `cwd` is absolute.
    pub fn of_paths(
        cwd: &Path,
        paths: &[PathBuf],
        stdin_name: &str,
    ) -> Result<ProjectRoot, String> {
        let mut found: Option<(ProjectRoot, &Path)> = None;
        for path in paths {
            let path: &Path = if path.as_os_str() == "-" {
                Path::new(stdin_name)
            } else {
                path
            };
            let absolute = normalize(&cwd.join(path));
            let start = if absolute.is_dir() {
                absolute.as_path()
            } else {
                absolute.parent().unwrap_or(cwd)
            };
            let root = ProjectRoot::find(start);
            match &found {
                None => found = Some((root, path)),
                Some((first, first_path)) => {
                    if first.kind == RootKind::WorkingDirectory
                        && root.kind == RootKind::WorkingDirectory
                    {
                        continue;
                    }
                    if (first.kind, &first.dir) != (root.kind, &root.dir) {
                        return Err(format!(
                            "`{}` and `{}` belong to different projects ({} and {}); check them one at a time",
                            first_path.display(),
                            path.display(),
                            first.describe(),
                            root.describe(),
                        ));
                    }
                }
            }
        }
        Ok(match found {
            Some((root, _)) if root.kind != RootKind::WorkingDirectory => root,
            Some(_) => ProjectRoot {
                dir: cwd.to_path_buf(),
                kind: RootKind::WorkingDirectory,
            },
            None => ProjectRoot::find(cwd),
        })
    }

    /// How a message names the project.
    fn describe(&self) -> String {
        match self.kind {
            RootKind::Config => format!("{}", self.dir.join(CONFIG_FILE).display()),
            RootKind::Git => format!("the git repository at {}", self.dir.display()),
            RootKind::WorkingDirectory => "no project".to_string(),
        }
    }

    pub fn config_file(&self) -> Option<PathBuf> {
        (self.kind == RootKind::Config).then(|| self.dir.join(CONFIG_FILE))
    }

    /// `path` (absolute, or relative to `cwd`) relative to the root, with
    /// `/` separators; `None` when it lies outside. Lexical: `..` is
    /// resolved without touching the file system.
    pub fn relative(&self, cwd: &Path, path: &Path) -> Option<String> {
        let absolute = normalize(&cwd.join(path));
        let relative = absolute.strip_prefix(&self.dir).ok()?;
        let parts: Vec<String> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        Some(parts.join("/"))
    }
}

/// Resolves `.` and `..` lexically.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_wins_over_git_and_git_over_the_working_directory() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path();
        let nested = top.join("repo/specs/apps");
        std::fs::create_dir_all(&nested).unwrap();
        assert_eq!(ProjectRoot::find(&nested).kind, RootKind::WorkingDirectory);
        std::fs::create_dir(top.join("repo/.git")).unwrap();
        let root = ProjectRoot::find(&nested);
        assert_eq!(
            (root.kind, root.dir.clone()),
            (RootKind::Git, top.join("repo"))
        );
        std::fs::write(top.join("repo/specs/landfall.toml"), "").unwrap();
        let root = ProjectRoot::find(&nested);
        assert_eq!(root.kind, RootKind::Config);
        assert_eq!(root.dir, top.join("repo/specs"));
        assert_eq!(
            root.relative(&nested, Path::new("../x/../apps/a.yaml"))
                .as_deref(),
            Some("apps/a.yaml")
        );
        assert_eq!(root.relative(&nested, Path::new("../../../b.yaml")), None);
    }
}
