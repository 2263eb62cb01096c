//! Every file landfall writes (reports, baselines, plans, a target's
//! artifacts) goes through [`write`]: the bytes go to a temporary file in
//! the same directory, which is synced and then renamed over the name.
//! A reader, or a run killed halfway, sees the old file or the new one,
//! never an empty or half-written one.

use std::fs::{File, Permissions};
use std::io::Write as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

/// Writes `bytes` to `path` atomically. A file already there keeps its
/// permission bits; a new one gets `0o666` less the umask, as a plain
/// create would. A symbolic link at `path` is replaced, not followed.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let existing_mode = std::fs::symlink_metadata(path)
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.permissions().mode() & 0o7777);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut temporary = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        // Passed to open(2), so the umask applies as it does to any new file.
        .permissions(Permissions::from_mode(0o666))
        .tempfile_in(dir)?;
    temporary.write_all(bytes)?;
    if let Some(mode) = existing_mode {
        temporary
            .as_file()
            .set_permissions(Permissions::from_mode(mode))?;
    }
    temporary.as_file().sync_all()?;
    temporary.persist(path).map_err(|e| e.error)?;
    // The rename is durable once the directory is; a directory that
    // cannot be opened for syncing (some file systems) is not an error.
    if let Ok(directory) = File::open(dir) {
        let _ = directory.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt as _;

    #[test]
    fn replaces_the_name_and_never_writes_into_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.json");
        std::fs::write(&path, "old").unwrap();
        // A second name for the old file: writing in place would change it.
        let other_name = dir.path().join("kept.json");
        std::fs::hard_link(&path, &other_name).unwrap();
        let old_inode = std::fs::metadata(&path).unwrap().ino();

        write(&path, b"new").unwrap();

        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(std::fs::read_to_string(&other_name).unwrap(), "old");
        assert_ne!(std::fs::metadata(&path).unwrap().ino(), old_inode);
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["kept.json", "plan.json"], "no temporary file left");
    }

    #[test]
    fn keeps_the_permissions_of_the_file_it_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.sarif");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, Permissions::from_mode(0o640)).unwrap();
        write(&path, b"new").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        let fresh = dir.path().join("fresh.json");
        write(&fresh, b"{}").unwrap();
        let mode = std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777;
        // Not tempfile's private 0o600: what a plain create gives.
        assert_eq!(mode, 0o666 & !umask());
    }

    fn umask() -> u32 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        let line = status.lines().find(|l| l.starts_with("Umask:")).unwrap();
        u32::from_str_radix(line["Umask:".len()..].trim(), 8).unwrap()
    }

    #[test]
    fn a_directory_that_does_not_exist_is_an_error_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing/plan.json");
        assert!(write(&path, b"x").is_err());
        assert!(!dir.path().join("missing").exists());
    }
}
