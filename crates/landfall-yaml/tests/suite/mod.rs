//! Where the official YAML test suite is, and its cases.
//!
//! The suite is not part of the repository. Its folder comes from
//! `LANDFALL_YAML_TEST_SUITE`, else `../shared/real-world/yaml-test-suite`
//! beside the repository; without it a test passes with a note, except
//! under CI (`CI` set), where a missing suite is a failure.

use std::path::{Path, PathBuf};

/// The suite's folder, or `None` (with a note) when it is missing outside CI.
pub fn suite_dir(test: &str) -> Option<PathBuf> {
    let dir = match std::env::var_os("LANDFALL_YAML_TEST_SUITE") {
        Some(dir) => PathBuf::from(dir),
        None => {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/real-world/yaml-test-suite")
        }
    };
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "the YAML test suite is missing at {} (set LANDFALL_YAML_TEST_SUITE)",
        dir.display()
    );
    eprintln!(
        "note: YAML test suite not found at {}; {test} not run",
        dir.display()
    );
    None
}

/// One case of the suite: a folder with an `in.yaml`.
pub struct Case {
    /// The folder's path under the suite, with `/`: `2JQS`, `DK95/06`.
    pub id: String,
    pub dir: PathBuf,
    /// The input is valid YAML (the folder has no `error` file).
    // Read by the conformance test; the span test checks every case alike.
    #[allow(dead_code)]
    pub valid: bool,
}

/// Every case under `dir` (cases and their numbered sub-cases), in id order.
pub fn cases(dir: &Path) -> Vec<Case> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.file_name().is_some_and(|n| n == "in.yaml") {
                let id = folder
                    .strip_prefix(dir)
                    .unwrap_or(&folder)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                found.push(Case {
                    id,
                    valid: !folder.join("error").exists(),
                    dir: folder.clone(),
                });
            }
        }
    }
    found.sort_by(|a, b| a.id.cmp(&b.id));
    found
}
