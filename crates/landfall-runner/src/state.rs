//! The runner's directory on the developer's machine
//! (`$XDG_STATE_HOME/landfall`, else `~/.local/state/landfall`): scope
//! locks, config files mounted into containers, and the key of the secret
//! digests. What runs is never recorded here; the engine's labels are.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use rustix::fs::{FlockOperation, flock};

use crate::error::RunnerError;

/// The state directory from the environment's values.
pub fn state_dir(xdg_state_home: Option<&str>, home: Option<&str>) -> Result<PathBuf, RunnerError> {
    match (xdg_state_home, home) {
        (Some(dir), _) if !dir.is_empty() => Ok(Path::new(dir).join("landfall")),
        (_, Some(home)) if !home.is_empty() => Ok(Path::new(home).join(".local/state/landfall")),
        _ => Err(RunnerError::State(
            "neither XDG_STATE_HOME nor HOME is set: landfall needs a state directory".into(),
        )),
    }
}

fn create_private_dir(dir: &Path) -> Result<(), RunnerError> {
    fs::create_dir_all(dir)
        .map_err(|e| RunnerError::io(format!("cannot create {}", dir.display()), e))?;
    Ok(())
}

/// The key of [`crate::Secrets::digest`]: 32 random bytes, made once,
/// readable by the owner only.
pub fn digest_key(state_dir: &Path) -> Result<Vec<u8>, RunnerError> {
    create_private_dir(state_dir)?;
    let path = state_dir.join("secret-digest.key");
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
    {
        Ok(mut file) => {
            let mut key = vec![0u8; 32];
            File::open("/dev/urandom")
                .and_then(|mut random| random.read_exact(&mut key))
                .map_err(|e| RunnerError::io("cannot read /dev/urandom", e))?;
            file.write_all(&key)
                .map_err(|e| RunnerError::io(format!("cannot write {}", path.display()), e))?;
            Ok(key)
        }
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            // A concurrent first run may still be writing it.
            for _ in 0..50 {
                let key = fs::read(&path)
                    .map_err(|e| RunnerError::io(format!("cannot read {}", path.display()), e))?;
                if key.len() == 32 {
                    return Ok(key);
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Err(RunnerError::State(format!(
                "{} is not a 32-byte key: remove it",
                path.display()
            )))
        }
        Err(error) => Err(RunnerError::io(
            format!("cannot create {}", path.display()),
            error,
        )),
    }
}

/// An exclusive lock on one application scope, held until dropped (the
/// operating system releases it if the process dies, so a killed apply
/// never leaves the scope locked).
#[derive(Debug)]
pub struct ScopeLock {
    _file: File,
}

impl ScopeLock {
    /// Takes the lock at once or fails naming its holder.
    pub fn acquire(
        state_dir: &Path,
        application: &str,
        scope: &str,
        command: &str,
    ) -> Result<ScopeLock, RunnerError> {
        let dir = state_dir.join("locks");
        create_private_dir(&dir)?;
        let path = dir.join(format!("{application}.{scope}.lock"));
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| RunnerError::io(format!("cannot open {}", path.display()), e))?;
        if flock(&file, FlockOperation::NonBlockingLockExclusive).is_err() {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = holder.trim();
            let holder = if holder.is_empty() {
                "another landfall process".to_string()
            } else {
                holder.to_string()
            };
            return Err(RunnerError::Locked {
                scope: format!("{application}/{scope}"),
                holder,
                lock: path,
            });
        }
        let host = rustix::system::uname()
            .nodename()
            .to_string_lossy()
            .into_owned();
        let started = humantime::format_rfc3339_seconds(std::time::SystemTime::now());
        let record = format!(
            "`landfall {command}` (pid {}, host {host}, since {started})\n",
            std::process::id()
        );
        let written = file
            .set_len(0)
            .and_then(|()| file.seek(SeekFrom::Start(0)))
            .and_then(|_| file.write_all(record.as_bytes()));
        written.map_err(|e| RunnerError::io(format!("cannot write {}", path.display()), e))?;
        Ok(ScopeLock { _file: file })
    }
}

/// Marks the scope as in use: its directory, made by the first apply
/// before it acts and removed by `down` once everything else is gone.
/// `true` when the directory was missing: the scope was never applied,
/// or `down` emptied it since (or the state dir was removed by hand,
/// which costs an apply time, not correctness: see `Runner::apply`).
pub fn open_scope(scope_dir: &Path) -> Result<bool, RunnerError> {
    if let Some(parent) = scope_dir.parent() {
        create_private_dir(parent)?;
    }
    match fs::create_dir(scope_dir) {
        Ok(()) => Ok(true),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(error) => Err(RunnerError::io(
            format!("cannot create {}", scope_dir.display()),
            error,
        )),
    }
}

/// Writes a config directory once: files are written to a temporary
/// directory renamed into place, so a killed apply never leaves half a
/// config behind a name that claims its content.
pub fn write_config(
    dir: &Path,
    files: &std::collections::BTreeMap<String, String>,
) -> Result<(), RunnerError> {
    if dir.is_dir() {
        return Ok(());
    }
    let parent = dir.parent().expect("config dirs have a parent");
    create_private_dir(parent)?;
    let temporary = parent.join(format!(
        ".{}.{}",
        dir.file_name().and_then(|n| n.to_str()).unwrap_or("config"),
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&temporary);
    let result = (|| -> std::io::Result<()> {
        fs::create_dir(&temporary)?;
        fs::set_permissions(&temporary, fs::Permissions::from_mode(0o755))?;
        for (name, content) in files {
            let path = temporary.join(name);
            fs::write(&path, content)?;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o644))?;
        }
        fs::rename(&temporary, dir)
    })();
    result.map_err(|e| {
        let _ = fs::remove_dir_all(&temporary);
        RunnerError::io(format!("cannot write config files to {}", dir.display()), e)
    })
}

/// Writes a secret's value for docker, which has no local secrets: a file
/// readable by the container's user inside a directory only the owner
/// enters.
pub fn write_secret_file(path: &Path, value: &str) -> Result<(), RunnerError> {
    let parent = path.parent().expect("secret files have a parent");
    create_private_dir(parent)?;
    fs::set_permissions(parent, fs::Permissions::from_mode(0o700))
        .map_err(|e| RunnerError::io(format!("cannot restrict {}", parent.display()), e))?;
    if path.exists() {
        return Ok(());
    }
    let temporary = path.with_extension("tmp");
    let result = (|| -> std::io::Result<()> {
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o444)
            .open(&temporary)?;
        file.write_all(value.as_bytes())?;
        fs::rename(&temporary, path)
    })();
    result.map_err(|e| {
        RunnerError::io(
            format!("cannot write a secret file in {}", parent.display()),
            e,
        )
    })
}

/// Entries of `dir` that are not in `keep` (sorted), for removal.
pub fn stale_entries(dir: &Path, keep: &[PathBuf]) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut stale: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| !keep.contains(p))
        .collect();
    stale.sort();
    stale
}

/// The config directories of a scope (`configs/NAME-DIGEST/FILE`), with
/// their files' contents: what `plan` compares a changed config with.
pub fn config_dirs(scope_dir: &Path) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut dirs = BTreeMap::new();
    for (name, path) in entries(&scope_dir.join("configs")) {
        if !path.is_dir() {
            continue;
        }
        let files = entries(&path)
            .into_iter()
            .filter_map(|(file, path)| Some((file, fs::read_to_string(path).ok()?)))
            .collect();
        dirs.insert(name, files);
    }
    dirs
}

/// The secret files of a scope (engines without secret objects).
pub fn secret_files(scope_dir: &Path) -> Vec<String> {
    entries(&scope_dir.join("secrets"))
        .into_iter()
        .map(|(name, _)| name)
        .collect()
}

/// Names (not starting with `.`, which are writes under way) and paths of
/// a directory's entries, sorted; none when it does not exist.
fn entries(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut found: Vec<(String, PathBuf)> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| Some((entry.file_name().into_string().ok()?, entry.path())))
        .filter(|(name, _)| !name.starts_with('.'))
        .collect();
    found.sort();
    found
}

/// Where an apply records the spec each workload was started from, by
/// spec hash: a later `plan` shows what changed field by field.
fn specs_dir(scope_dir: &Path) -> PathBuf {
    scope_dir.join("specs")
}

/// Records the specs of `workloads` not recorded yet. Failing to record
/// costs the field-level diff only: the plan then shows the hashes.
pub fn record_specs(scope_dir: &Path, workloads: &[&landfall_plan::Workload]) {
    let dir = specs_dir(scope_dir);
    if create_private_dir(&dir).is_err() {
        return;
    }
    for workload in workloads {
        let path = dir.join(format!("{}.json", workload.spec_hash));
        if path.exists() {
            continue;
        }
        if let Ok(text) = serde_json::to_string(workload) {
            let temporary = dir.join(format!(".{}.{}", workload.spec_hash, std::process::id()));
            if fs::write(&temporary, text).is_ok() {
                let _ = fs::rename(&temporary, &path);
            }
        }
    }
}

/// The recorded specs of the given hashes that are there.
pub fn recorded_specs<'a>(
    scope_dir: &Path,
    hashes: impl IntoIterator<Item = &'a str>,
) -> BTreeMap<String, landfall_plan::Workload> {
    let dir = specs_dir(scope_dir);
    hashes
        .into_iter()
        .filter(|hash| hash.chars().all(|c| c.is_ascii_hexdigit()) && !hash.is_empty())
        .filter_map(|hash| {
            let text = fs::read_to_string(dir.join(format!("{hash}.json"))).ok()?;
            Some((hash.to_string(), serde_json::from_str(&text).ok()?))
        })
        .collect()
}

/// Removes the recorded specs no workload of the plan runs with.
pub fn forget_specs(scope_dir: &Path, keep: &[&str]) {
    for (name, path) in entries(&specs_dir(scope_dir)) {
        let hash = name.trim_end_matches(".json");
        if !keep.contains(&hash) {
            let _ = fs::remove_file(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_dir_follows_xdg() {
        assert_eq!(
            state_dir(Some("/s"), Some("/h")).unwrap(),
            PathBuf::from("/s/landfall")
        );
        assert_eq!(
            state_dir(Some(""), Some("/h")).unwrap(),
            PathBuf::from("/h/.local/state/landfall")
        );
        assert!(state_dir(None, None).is_err());
    }

    #[test]
    fn a_second_lock_fails_naming_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let held = ScopeLock::acquire(dir.path(), "shop", "local", "apply").unwrap();
        let error = ScopeLock::acquire(dir.path(), "shop", "local", "down").unwrap_err();
        let RunnerError::Locked { scope, lock, .. } = &error else {
            panic!("not a lock error: {error:?}");
        };
        assert_eq!(scope, "shop/local");
        assert_eq!(lock, &dir.path().join("locks/shop.local.lock"));
        let error = error.to_string();
        assert!(
            error.starts_with("scope `shop/local` is locked by `landfall apply` (pid "),
            "{error}"
        );
        assert!(
            error.contains(&format!("pid {}", std::process::id())),
            "{error}"
        );
        // Another scope is free; the first one is free once released.
        ScopeLock::acquire(dir.path(), "shop", "staging", "apply").unwrap();
        drop(held);
        ScopeLock::acquire(dir.path(), "shop", "local", "down").unwrap();
    }

    #[test]
    fn config_dirs_are_written_whole_and_keys_once() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("configs/site-0123");
        let files = [("a.conf".to_string(), "x = 1\n".to_string())].into();
        write_config(&target, &files).unwrap();
        assert_eq!(
            fs::read_to_string(target.join("a.conf")).unwrap(),
            "x = 1\n"
        );
        assert_eq!(
            stale_entries(&dir.path().join("configs"), std::slice::from_ref(&target)),
            Vec::<PathBuf>::new()
        );
        let key = digest_key(dir.path()).unwrap();
        assert_eq!(key.len(), 32);
        assert_eq!(digest_key(dir.path()).unwrap(), key);
        let mode = fs::metadata(dir.path().join("secret-digest.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
