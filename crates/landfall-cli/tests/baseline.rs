//! `--write-baseline` records today's findings by fingerprint, not line;
//! `--baseline` reports only new ones and lists the fixed ones.

#![allow(
    clippy::disallowed_methods,
    reason = "tests write fixture trees and run the landfall binary"
)]

use std::path::Path;
use std::process::Command;

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_landfall"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

const WORKLOAD: &str = "apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec: {version: \"1.0.0\"}
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: web}
spec: {target: local, workloadTypes: [standard]}
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: staging, application: shop}
spec: {type: web, workloads: [api]}
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: api, application: shop}
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:1.0.0
      ports:
        - {port: 9090, protocol: http}
        - {port: 9090, protocol: http}
      resources: {cpu: 500m, memory: 512Mi}
";

fn schema_errors(text: &str) -> Vec<String> {
    let schema: serde_json::Value = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schemas/baseline.schema.json"
    )))
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let instance: serde_json::Value = serde_json::from_str(text).unwrap();
    validator
        .iter_errors(&instance)
        .map(|e| e.to_string())
        .collect()
}

#[test]
fn a_baseline_survives_unrelated_edits_and_reports_new_and_fixed_findings() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    std::fs::create_dir(root.join("specs")).unwrap();
    let spec = root.join("specs/shop.yaml");
    std::fs::write(&spec, WORKLOAD).unwrap();

    let (status, _, _) = run(root, &["check"]);
    assert_eq!(status, Some(1), "the tree has findings");
    let (status, stdout, stderr) = run(
        root,
        &["check", "--write-baseline", "landfall-baseline.json"],
    );
    assert_eq!((status, stdout.as_str()), (Some(0), ""), "{stderr}");
    let written = std::fs::read_to_string(root.join("landfall-baseline.json")).unwrap();
    assert_eq!(schema_errors(&written), Vec::<String>::new());
    insta::assert_snapshot!("baseline", written);
    // Deterministic: the same findings write the same bytes.
    run(root, &["check", "--write-baseline", "again.json"]);
    assert_eq!(
        std::fs::read_to_string(root.join("again.json")).unwrap(),
        written
    );

    let (status, stdout, stderr) = run(root, &["check", "--baseline", "landfall-baseline.json"]);
    assert_eq!(status, Some(0), "{stdout}{stderr}");
    assert!(stdout.starts_with("checked: 0 errors"), "{stdout}");
    assert_eq!(stderr, "");

    // Lines added above move every finding: the baseline still holds. One
    // new blocked port is reported; one of the two recorded is fixed.
    let edited = WORKLOAD
        .replace("apiVersion: landfall.dev/v1\nkind: Workload", "# The API.\n\napiVersion: landfall.dev/v1\nkind: Workload")
        .replacen("- {port: 9090, protocol: http}\n", "- {port: 8080, protocol: http}\n", 1)
        .replace("resources:", "env: {PORT: \"8080\"}\n      resources:")
        .replace("containers:\n", "containers:\n    - name: sidecar\n      image: registry.example.com/shop/sidecar:1.0.0\n      ports: [{port: 15000, protocol: tcp}]\n");
    std::fs::write(&spec, edited).unwrap();
    let (status, stdout, stderr) = run(root, &["check", "--baseline", "landfall-baseline.json"]);
    assert_eq!(status, Some(1), "{stdout}{stderr}");
    assert!(stdout.contains("port 15000 is blocked"), "{stdout}");
    assert!(!stdout.contains("port 9090"), "{stdout}");
    insta::assert_snapshot!("fixed", stderr);
}

#[test]
fn a_baseline_that_is_not_one_cannot_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.yaml"), WORKLOAD).unwrap();
    std::fs::write(
        dir.path().join("b.json"),
        "{\"version\": 2, \"findings\": []}",
    )
    .unwrap();
    let (status, _, stderr) = run(dir.path(), &["check", "--baseline", "b.json"]);
    assert_eq!(status, Some(2));
    assert!(
        stderr.contains("baseline version 2 is not supported"),
        "{stderr}"
    );
}
