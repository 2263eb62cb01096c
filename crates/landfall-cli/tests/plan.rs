//! `landfall plan`, the real binary: stdout, stderr and exit status.

#![allow(
    clippy::disallowed_methods,
    reason = "tests write fixture trees and run the landfall binary"
)]

use std::path::Path;
use std::process::Command;

fn landfall() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_landfall"));
    command.env_remove("NO_COLOR");
    // No container engine: a local scope's diff must not depend on what
    // runs on this machine (tests/e2e_local.rs observes real podman).
    command.env("PATH", "/nonexistent-landfall-test-path");
    command
}

fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs in `dir` and renders status, stdout and stderr for a snapshot.
fn run(dir: &Path, args: &[&str]) -> String {
    let output = landfall().args(args).current_dir(dir).output().unwrap();
    format!(
        "status: {}\n--- stdout\n{}--- stderr\n{}",
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn status(dir: &Path, args: &[&str]) -> Option<i32> {
    landfall()
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
        .status
        .code()
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn the_example_local_scope_as_a_diff() {
    insta::assert_snapshot!(run(
        repo_root(),
        &["plan", "examples/shop", "--scope", "shop/local"]
    ));
}

#[test]
fn the_example_production_scope_as_json() {
    insta::assert_snapshot!(run(
        repo_root(),
        &[
            "plan",
            "examples/shop",
            "--scope",
            "shop/production",
            "--format",
            "json"
        ]
    ));
}

#[test]
fn out_writes_the_json_and_stdout_keeps_the_diff() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plan.json");
    let output = landfall()
        .args(["plan", "examples/shop", "--scope", "shop/staging", "-o"])
        .arg(&file)
        .current_dir(repo_root())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("Plan: 13 to create, 0 to update, 0 to delete."),
        "{stdout}"
    );
    let json = landfall()
        .args([
            "plan",
            "examples/shop",
            "--scope",
            "shop/staging",
            "--format",
            "json",
        ])
        .current_dir(repo_root())
        .output()
        .unwrap()
        .stdout;
    assert_eq!(std::fs::read(&file).unwrap(), json);
    assert!(
        String::from_utf8(json)
            .unwrap()
            .starts_with("{\n  \"planVersion\": 1,")
    );
}

#[test]
fn detailed_exitcode_follows_terraform() {
    let root = repo_root();
    let plan = |extra: &[&str]| {
        let mut args = vec!["plan", "examples/shop"];
        args.extend_from_slice(extra);
        status(root, &args)
    };
    // Nothing can be observed yet, so everything is to create: changes.
    assert_eq!(
        plan(&["--scope", "shop/production", "--detailed-exitcode"]),
        Some(2)
    );
    assert_eq!(plan(&["--scope", "shop/production"]), Some(0));
    // Could not run: 2 by default, 1 under Terraform's convention.
    assert_eq!(plan(&["--scope", "shop/nope"]), Some(2));
    assert_eq!(
        plan(&["--scope", "shop/nope", "--detailed-exitcode"]),
        Some(1)
    );
    assert_eq!(plan(&["--scope", "shop"]), Some(2));
}

#[test]
fn unknown_scopes_get_a_did_you_mean() {
    let root = repo_root();
    insta::assert_snapshot!(
        "unknown_scope",
        run(
            root,
            &["plan", "examples/shop", "--scope", "shop/prodution"]
        )
    );
    insta::assert_snapshot!(
        "unknown_application",
        run(
            root,
            &["plan", "examples/shop", "--scope", "shpo/production"]
        )
    );
}

const TREE: &str = r#"apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec:
  version: "1.0.0"
  variables:
    DB_PASSWORD: {secret: shop-db/password}
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: api, application: shop}
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:1.0.0
      env:
        DB_PASSWORD: ${DB_PASSWORD}
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: laptop}
spec:
  target: local
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: dev, application: shop}
spec:
  type: laptop
  workloads: [api]
"#;

#[test]
fn errors_in_what_the_plan_reads_stop_it_as_check_shows_them() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "tree.yaml",
        &TREE.replace("image: registry", "imagee: registry"),
    );
    insta::assert_snapshot!(run(dir.path(), &["plan", "--scope", "shop/dev"]));
    assert_eq!(
        status(
            dir.path(),
            &["plan", "--scope", "shop/dev", "--format", "json"]
        ),
        Some(1)
    );
}

#[test]
fn a_secret_inside_a_value_stops_the_plan_with_lowering_s_finding() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "tree.yaml",
        &TREE.replace(
            "DB_PASSWORD: ${DB_PASSWORD}",
            "DATABASE_URL: \"postgres://shop:${DB_PASSWORD}@db/shop\"",
        ),
    );
    insta::assert_snapshot!(run(dir.path(), &["plan", "--scope", "shop/dev"]));
}

/// The value a local runner would read for `shop-db/password`: it must
/// appear in no output of `plan`, whatever the format.
#[test]
fn a_secret_value_in_the_environment_appears_in_no_plan() {
    const CANARY: &str = "canary-8c1f2e-do-not-print";
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "tree.yaml", TREE);
    write(
        dir.path(),
        "leaky/tree.yaml",
        &TREE.replace(
            "DB_PASSWORD: ${DB_PASSWORD}",
            "DATABASE_URL: \"postgres://shop:${DB_PASSWORD}@db/shop\"",
        ),
    );
    let plan_file = dir.path().join("plan.json");
    let runs: Vec<Vec<&str>> = vec![
        vec!["plan", "tree.yaml", "--scope", "shop/dev"],
        vec![
            "plan",
            "tree.yaml",
            "--scope",
            "shop/dev",
            "--format",
            "json",
        ],
        vec![
            "plan",
            "tree.yaml",
            "--scope",
            "shop/dev",
            "-o",
            "plan.json",
        ],
        vec!["plan", "leaky", "--scope", "shop/dev"],
        vec!["plan", "leaky", "--scope", "shop/dev", "--format", "json"],
    ];
    let mut seen = String::new();
    for args in runs {
        let output = landfall()
            .args(&args)
            .env("LANDFALL_SECRET_SHOP_DB_PASSWORD", CANARY)
            .current_dir(dir.path())
            .output()
            .unwrap();
        seen.push_str(&String::from_utf8_lossy(&output.stdout));
        seen.push_str(&String::from_utf8_lossy(&output.stderr));
    }
    let written = std::fs::read_to_string(&plan_file).unwrap();
    // The reference is there; the value is not.
    assert!(
        written.contains(r#""secret": "shop-db/password""#),
        "{written}"
    );
    assert!(seen.contains("shop-db/password"), "{seen}");
    assert!(!written.contains(CANARY));
    assert!(!seen.contains(CANARY), "{seen}");
}
