//! `check --diff`, `--fix` and `--unsafe-fixes` on the cases of
//! `tests/fixes/`: one folder per fix, its input files beside each other.
//! Each case's diff and fixed files are snapshots; fixing again changes
//! nothing (the fixed point); a file that does not parse is never changed.
//! Cases named `unsafe-*` are fixed with `--unsafe-fixes`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::support::{copy_yaml_tree, files_below, landfall, render};

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/landfall-cli/tests/fixes");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

fn check(dir: &Path, flags: &[&str]) -> std::process::Output {
    landfall()
        .arg("check")
        .args(flags)
        .arg(".")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// The files of a tree as one text, each under its name.
fn shown(files: &BTreeMap<String, Vec<u8>>) -> String {
    files
        .iter()
        .map(|(name, text)| format!("==> {name} <==\n{}", String::from_utf8_lossy(text)))
        .collect()
}

#[test]
fn every_fix_case_diffs_fixes_and_stays_fixed() {
    let cases = cases();
    assert!(cases.len() >= 5, "the fix cases are missing");
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let flags: &[&str] = if name.starts_with("unsafe-") {
            &["--unsafe-fixes"]
        } else {
            &[]
        };
        let dir = tempfile::tempdir().unwrap();
        copy_yaml_tree(&case, dir.path());
        let before = files_below(dir.path());

        let diff = check(dir.path(), &[&["--diff"], flags].concat());
        assert_eq!(
            diff.status.code(),
            Some(1),
            "{name}: --diff finds nothing to fix"
        );
        insta::assert_snapshot!(format!("{name}-diff"), render(&diff));
        assert_eq!(
            files_below(dir.path()),
            before,
            "{name}: --diff wrote a file"
        );

        let fixed = check(dir.path(), &[&["--fix"], flags].concat());
        let after = files_below(dir.path());
        assert_ne!(after, before, "{name}: --fix changed nothing");
        insta::assert_snapshot!(format!("{name}-fixed"), shown(&after));
        insta::assert_snapshot!(format!("{name}-after-fix"), render(&fixed));

        // The fixed point: nothing left to fix, and fixing again changes nothing.
        let again = check(dir.path(), &[&["--diff"], flags].concat());
        assert_eq!(again.status.code(), Some(0), "{name}: {}", render(&again));
        assert!(again.stdout.is_empty(), "{name}: {}", render(&again));
        check(dir.path(), &[&["--fix"], flags].concat());
        assert_eq!(
            files_below(dir.path()),
            after,
            "{name}: a second --fix changed files"
        );
    }
}

#[test]
fn a_file_that_does_not_parse_is_never_changed() {
    let case =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/landfall-cli/tests/fixes/syntax-error");
    let dir = tempfile::tempdir().unwrap();
    copy_yaml_tree(&case, dir.path());
    let broken = std::fs::read(dir.path().join("broken.yaml")).unwrap();
    // It has a misspelled key and an ambiguous scalar that would be fixed
    // if it parsed, and the unsafe fixes are allowed too.
    let text = String::from_utf8_lossy(&broken);
    assert!(text.contains("imagee:") && text.contains("country: NO"));
    check(dir.path(), &["--fix", "--unsafe-fixes"]);
    assert_eq!(
        std::fs::read(dir.path().join("broken.yaml")).unwrap(),
        broken
    );
    let fixed = std::fs::read_to_string(dir.path().join("workload.yaml")).unwrap();
    assert!(
        fixed.contains("      image: localhost/api:1.0\n"),
        "{fixed}"
    );
}

#[test]
fn unsafe_fixes_wait_for_the_flag() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("crates/landfall-cli/tests/fixes/unsafe-ambiguous-number");
    let dir = tempfile::tempdir().unwrap();
    copy_yaml_tree(&case, dir.path());
    let before = files_below(dir.path());
    let diff = check(dir.path(), &["--diff"]);
    assert_eq!(diff.status.code(), Some(0), "{}", render(&diff));
    assert!(diff.stdout.is_empty());
    check(dir.path(), &["--fix"]);
    assert_eq!(files_below(dir.path()), before);
}

#[test]
fn sarif_results_carry_their_fixes() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("crates/landfall-cli/tests/fixes/misspelled-key");
    let dir = tempfile::tempdir().unwrap();
    copy_yaml_tree(&case, dir.path());
    let out = check(dir.path(), &["--format", "sarif"]);
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let imagee = results
        .iter()
        .find(|r| r["message"]["text"].as_str().unwrap().contains("`imagee`"))
        .unwrap();
    let change = &imagee["fixes"][0]["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "workload.yaml");
    let replacement = &change["replacements"][0];
    assert_eq!(replacement["insertedContent"]["text"], "image");
    assert_eq!(replacement["deletedRegion"]["startLine"], 12);
    assert_eq!(replacement["deletedRegion"]["startColumn"], 7);
    assert_eq!(replacement["deletedRegion"]["endColumn"], 13);
    assert_eq!(
        imagee["fixes"][0]["description"]["text"],
        "rename to `image` (safe fix)."
    );
}
