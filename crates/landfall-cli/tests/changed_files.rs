//! The changed-files mode (`landfall check FILE…` inside a project) reports
//! exactly what a check of the whole project reports for those files,
//! although it checks only the files they need.

#![allow(
    clippy::disallowed_methods,
    reason = "tests write fixture trees and run the landfall binary"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn landfall(dir: &Path, args: &[&str]) -> (Option<i32>, Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_landfall"))
        .args(args)
        .args(["--format", "json"])
        .current_dir(dir)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?} in {}: {e}\n{}",
            dir.display(),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code(), json)
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if entry.file_name() == ".git" {
            continue;
        }
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

/// For every landfall file of the project at `dir` (which holds `.git`),
/// `check FILE` reports what `check` reports for that file.
fn assert_same_as_whole_project(dir: &Path) -> usize {
    let (_, whole) = landfall(dir, &["check"]);
    let mut files = Vec::new();
    yaml_files(dir, &mut files);
    files.sort();
    let mut compared = 0;
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        // A named file without landfall documents is reported (unknown-kind)
        // where a directory walk skips it: not the same question.
        if !text.contains("landfall.dev/") {
            continue;
        }
        let name = path
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let expected: Vec<&Value> = whole["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["file"] == name.as_str())
            .collect();
        let (status, one) = landfall(dir, &["check", &name]);
        let actual: Vec<&Value> = one["diagnostics"].as_array().unwrap().iter().collect();
        assert_eq!(
            actual,
            expected,
            "`check {name}` in {} differs from the whole project's findings for it",
            dir.display()
        );
        let errors = one["summary"]["errors"].as_u64().unwrap();
        assert_eq!(
            status,
            Some(i32::from(errors > 0)),
            "exit status of `check {name}`"
        );
        assert_eq!(one["summary"]["files"], 1, "`check {name}` counts one file");
        compared += 1;
    }
    compared
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn a_generated_tree_with_faults() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let options = landfall_bench::Options {
        files: 240,
        ..landfall_bench::Options::default()
    };
    landfall_bench::generate(&root.join("tree"), &options).unwrap();
    std::fs::create_dir(root.join(".git")).unwrap();
    let apps = root.join("tree/apps");
    // Findings of every kind of reach: a duplicate Application in another
    // directory, a misspelt application (its did-you-mean looks at every
    // Application), a blocked port, a workload no Scope places, a Scope
    // placing a workload that does not exist, a suppression.
    std::fs::copy(
        apps.join("app-0001/application.yaml"),
        apps.join("app-0002/copy-of-0001.yaml"),
    )
    .unwrap();
    let workload = |app: &str| -> PathBuf {
        let mut files = Vec::new();
        yaml_files(&apps.join(app), &mut files);
        files.sort();
        files
            .into_iter()
            .find(|f| {
                let text = std::fs::read_to_string(f).unwrap();
                text.contains("kind: Workload") && text.contains("- port: 8080")
            })
            .unwrap()
    };
    edit(
        &workload("app-0003"),
        "application: app-0003",
        "application: app-003",
    );
    edit(&workload("app-0004"), "- port: 8080", "- port: 9090");
    edit(
        &workload("app-0006"),
        "- port: 8080",
        "# landfall-ignore: blocked-port -- checked by the bench\n        - port: 9091",
    );
    let scope = apps.join("app-0005/scope-production.yaml");
    let text = std::fs::read_to_string(&scope).unwrap();
    let first_workload = text
        .split("workloads:\n    - ")
        .nth(1)
        .unwrap()
        .lines()
        .next()
        .unwrap();
    edit(
        &scope,
        &format!("    - {first_workload}\n"),
        "    - no-such-workload\n",
    );

    let (_, whole) = landfall(root, &["check"]);
    let rules: Vec<&str> = whole["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    for rule in [
        "duplicate-name",
        "unresolved-reference",
        "blocked-port",
        "unscoped-workload",
    ] {
        assert!(rules.contains(&rule), "the faults give {rule}: {rules:?}");
    }
    assert!(assert_same_as_whole_project(root) >= 200);
}

#[test]
fn the_corpus_seeds_and_rule_cases() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut cases = Vec::new();
    for group in ["seeds", "rules"] {
        for entry in std::fs::read_dir(corpus.join(group)).unwrap().flatten() {
            if group == "seeds" {
                cases.push(entry.path());
            } else {
                for case in std::fs::read_dir(entry.path()).unwrap().flatten() {
                    cases.push(case.path());
                }
            }
        }
    }
    cases.sort();
    let mut compared = 0;
    for case in cases.iter().filter(|c| c.is_dir()) {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(case, dir.path());
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        compared += assert_same_as_whole_project(dir.path());
    }
    assert!(compared > 100, "compared {compared} files");
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&path, &target);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}
