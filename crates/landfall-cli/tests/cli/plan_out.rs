//! `landfall plan -o PATH`, the real binary: a `.json` path is the plan
//! file; any other path a directory with the target's artifacts and
//! `plan.json`, rewritten in place on the next run.

use std::path::Path;
use std::process::Output;

use sha2::{Digest, Sha256};

use crate::support::{files_below, landfall, render, repo_root};

fn plan_to(dir: &Path, tree: &Path, scope: &str, out: &Path) -> Output {
    // Any path but a `.json` file names a directory: with a trailing `/`.
    let mut out = out.as_os_str().to_owned();
    if !out.to_string_lossy().ends_with(".json") {
        out.push("/");
    }
    landfall()
        .args(["plan", "--scope", scope, "-o"])
        .arg(out)
        .arg(tree)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// The files written, each with its size and SHA-256 (the contents are
/// snapshotted by the targets' corpus, `corpus/targets/lowered-*`).
fn listing(dir: &Path) -> String {
    files_below(dir)
        .iter()
        .map(|(name, bytes)| {
            let hash: String = Sha256::digest(bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            format!("{name}  {} bytes  sha256:{hash}\n", bytes.len())
        })
        .collect()
}

fn written_for(scope: &str) -> String {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("out");
    let output = plan_to(repo_root(), Path::new("examples/shop"), scope, &dir);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The artifacts are exactly what the targets make of the plan written beside them.
    let plan_json = std::fs::read_to_string(dir.join("plan.json")).unwrap();
    let plan = landfall_plan::Plan::from_json(&plan_json).unwrap();
    let artifacts = landfall_targets::emit(&plan).unwrap().unwrap();
    let files = files_below(&dir);
    for artifact in &artifacts {
        assert_eq!(
            files.get(&artifact.path).map(Vec::as_slice),
            Some(artifact.contents.as_bytes()),
            "{}",
            artifact.path
        );
    }
    listing(&dir)
}

#[test]
fn out_dir_of_the_compose_scope() {
    insta::assert_snapshot!(written_for("shop/staging"));
}

#[test]
fn out_dir_of_the_kubernetes_scope() {
    insta::assert_snapshot!(written_for("shop/production"));
}

#[test]
fn out_dir_of_a_local_scope_holds_only_the_plan() {
    let out = tempfile::tempdir().unwrap();
    let output = plan_to(
        repo_root(),
        Path::new("examples/shop"),
        "shop/local",
        out.path(),
    );
    assert_eq!(output.status.code(), Some(0));
    let files = files_below(out.path());
    assert_eq!(
        files.keys().map(String::as_str).collect::<Vec<_>>(),
        [".landfall-files", "plan.json"]
    );
    assert_eq!(files[".landfall-files"], b"plan.json\n");
}

#[test]
fn out_dir_twice_is_byte_identical_and_keeps_other_files() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path();
    std::fs::write(dir.join("README"), "mine\n").unwrap();
    std::fs::create_dir_all(dir.join("configs")).unwrap();
    std::fs::write(dir.join("configs/notes.txt"), "mine too\n").unwrap();
    let first = plan_to(repo_root(), Path::new("examples/shop"), "shop/staging", dir);
    assert_eq!(first.status.code(), Some(0));
    let before = files_below(dir);
    let second = plan_to(repo_root(), Path::new("examples/shop"), "shop/staging", dir);
    assert_eq!(second.status.code(), Some(0));
    assert_eq!(files_below(dir), before);
    assert_eq!(before["README"], b"mine\n");
    assert_eq!(before["configs/notes.txt"], b"mine too\n");
    assert!(before.contains_key("compose.yaml"));
}

#[test]
fn out_dir_removes_what_an_earlier_run_wrote_and_this_one_does_not() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path();
    // The compose scope writes compose.yaml and config files; the local
    // scope of the same tree then writes only plan.json.
    assert_eq!(
        plan_to(repo_root(), Path::new("examples/shop"), "shop/staging", dir)
            .status
            .code(),
        Some(0)
    );
    std::fs::write(dir.join("configs/notes.txt"), "mine\n").unwrap();
    assert!(dir.join("compose.yaml").is_file());
    assert_eq!(
        plan_to(repo_root(), Path::new("examples/shop"), "shop/local", dir)
            .status
            .code(),
        Some(0)
    );
    let files = files_below(dir);
    assert_eq!(
        files.keys().map(String::as_str).collect::<Vec<_>>(),
        [".landfall-files", "configs/notes.txt", "plan.json"]
    );
}

#[test]
fn a_json_path_is_the_plan_file() {
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("staging.json");
    let output = plan_to(
        repo_root(),
        Path::new("examples/shop"),
        "shop/staging",
        &file,
    );
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        files_below(out.path()).keys().collect::<Vec<_>>(),
        ["staging.json"]
    );
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .starts_with("{\n  \"planVersion\": 1,")
    );
}

#[test]
fn a_plan_the_target_cannot_express_writes_nothing_and_exits_1() {
    let tree = tempfile::tempdir().unwrap();
    // A namespace parameter that is no Kubernetes name (the ScopeType
    // declares no schema that would have refused it).
    std::fs::write(
        tree.path().join("tree.yaml"),
        r#"apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec:
  version: "1.0.0"
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: api, application: shop}
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:1.0.0
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: cluster}
spec:
  target: kubernetes
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: prod, application: shop}
spec:
  type: cluster
  parameters: {namespace: Shop_Prod}
  workloads: [api]
"#,
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("out");
    let output = plan_to(tree.path(), Path::new("."), "shop/prod", &dir);
    insta::assert_snapshot!(render(&output));
    assert!(!dir.exists());
}

#[test]
fn an_out_dir_that_is_a_file_cannot_be_written() {
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("taken");
    std::fs::write(&file, "x").unwrap();
    let output = plan_to(
        repo_root(),
        Path::new("examples/shop"),
        "shop/staging",
        &file,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot write"));
}

/// `16.001G` is 16001000000 bytes, in the plan and in what the targets
/// write: not one byte more, as floating point once made it.
#[test]
fn quantities_reach_the_artifacts_exactly() {
    let tree = tempfile::tempdir().unwrap();
    std::fs::write(
        tree.path().join("tree.yaml"),
        r#"apiVersion: landfall.dev/v1
kind: Platform
metadata: {name: roomy}
spec:
  resources:
    memory: {min: 1Mi, max: 64Gi}
---
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec:
  version: "1.0.0"
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: api, application: shop}
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:1.0.0
      resources: {cpu: 1.9075, memory: 16.001G}
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: cluster}
spec:
  target: kubernetes
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: compose}
spec:
  target: compose
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: prod, application: shop}
spec:
  type: cluster
  workloads: [api]
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: staging, application: shop}
spec:
  type: compose
  workloads: [api]
"#,
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let written = |scope: &str, artifact: &str| {
        let dir = out.path().join(scope.replace('/', "-"));
        let output = plan_to(tree.path(), Path::new("."), scope, &dir);
        assert_eq!(output.status.code(), Some(0), "{}", render(&output));
        let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
        (read("plan.json"), read(artifact))
    };
    let (plan, manifest) = written("shop/prod", "kubernetes.yaml");
    assert!(plan.contains("\"cpuMillis\": 1908,\n"), "{plan}");
    assert!(plan.contains("\"memoryBytes\": 16001000000\n"), "{plan}");
    assert!(manifest.contains("cpu: \"1908m\"\n"), "{manifest}");
    assert!(manifest.contains("memory: \"16001000000\"\n"), "{manifest}");
    assert!(!manifest.contains("16001000001"), "{manifest}");
    let (plan, compose) = written("shop/staging", "compose.yaml");
    assert!(plan.contains("\"memoryBytes\": 16001000000\n"), "{plan}");
    assert!(compose.contains("16001000000b"), "{compose}");
    assert!(compose.contains("cpus: \"1.908\""), "{compose}");
}
