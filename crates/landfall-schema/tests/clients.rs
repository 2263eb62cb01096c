//! The schemas in `schemas/` as other clients load them, with the network
//! unreachable: check-jsonschema (PyPI) and yaml-language-server (npm) at
//! two versions, the oldest supported (1.20.0) and the current one, driven
//! over stdio as an editor drives it (`tests/tools/yaml_ls.py`).
//!
//! `bash .ci/install-tools` installs them into `.ci/tools` (or
//! `LANDFALL_PYTHONPATH` points at check-jsonschema). Without them these
//! tests fail: they never pass unchecked.
//!
//! No client may need the network: the tools run in a network namespace of
//! their own (`unshare -n`), or, where that is not permitted, with every
//! proxy variable pointing at a closed port, so a fetch fails the test.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The yaml-language-server versions the editors in use run.
const YAML_LANGUAGE_SERVERS: [&str; 2] = ["1.20.0", "2.0.0"];

const INSTALL: &str = "run `bash .ci/install-tools` (it needs npm and pip)";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn schema(name: &str) -> PathBuf {
    repo_root().join("schemas").join(name)
}

/// `program` with no way out to the network.
fn offline(program: &str) -> Command {
    let isolated = Command::new("unshare")
        .args(["-n", "true"])
        .output()
        .is_ok_and(|o| o.status.success());
    if isolated {
        let mut command = Command::new("unshare");
        command.args(["-n", program]);
        command
    } else {
        let mut command = Command::new(program);
        for proxy in [
            "http_proxy",
            "https_proxy",
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "ALL_PROXY",
        ] {
            command.env(proxy, "http://127.0.0.1:9");
        }
        command.env_remove("no_proxy").env_remove("NO_PROXY");
        command
    }
}

/// Every YAML file of `examples/shop`, relative to the repository root.
fn shop_files() -> Vec<String> {
    let mut files = Vec::new();
    let mut dirs = vec![repo_root().join("examples/shop")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                let relative = path.strip_prefix(repo_root()).unwrap();
                files.push(relative.to_string_lossy().into_owned());
            }
        }
    }
    files.sort();
    assert!(files.len() >= 8, "examples/shop has only {files:?}");
    files
}

/// One mistake per line a finding must land on: an unknown field (a
/// typo), a quantity that does not parse and a name that is no DNS label,
/// in a file that holds three kinds.
const MISTAKES: &str = "apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec: {version: \"1.0.0\"}
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: Api_Server, application: shop}
spec:
  type: standard
  replicaz: 2
  containers:
    - name: api
      image: registry.example.com/shop/api:1.0.0
      resources: {cpu: lots, memory: 512Mi}
      ports: [{port: 8080}]
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: staging, application: shop}
spec: {type: web, workloads: [api]}
";

/// The lines of MISTAKES with a mistake: the name, the typo, the quantity.
const MISTAKE_LINES: [u64; 3] = [8, 11, 15];

// --- check-jsonschema ---------------------------------------------------

/// Runs check-jsonschema on `files` against `schema`; its JSON report.
fn check_jsonschema(schema: &Path, files: &[PathBuf]) -> Value {
    let python_path = std::env::var_os("LANDFALL_PYTHONPATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join(".ci/tools/python"));
    let output = offline("python3")
        .args([
            "-m",
            "check_jsonschema",
            "--output-format",
            "json",
            "--schemafile",
        ])
        .arg(schema)
        .args(files)
        .env("PYTHONPATH", &python_path)
        .output()
        .unwrap_or_else(|e| panic!("cannot run python3: {e}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("No module named check_jsonschema"),
        "check-jsonschema is not in {}: {INSTALL}",
        python_path.display()
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "check-jsonschema printed no report ({e}): {}{stderr}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

/// check-jsonschema reads one YAML document per file: each document of
/// `text` in a file of its own, in `dir`.
fn split_documents(dir: &Path, name: &str, text: &str) -> Vec<PathBuf> {
    text.split("\n---\n")
        .enumerate()
        .map(|(i, document)| {
            let path = dir.join(format!("{}-{i}.yaml", name.replace('/', "_")));
            std::fs::write(&path, document).unwrap();
            path
        })
        .collect()
}

#[test]
fn check_jsonschema_accepts_the_example_offline_with_every_schema_that_applies() {
    let dir = tempfile::tempdir().unwrap();
    let mut by_kind: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    let mut all = Vec::new();
    for file in shop_files() {
        let text = std::fs::read_to_string(repo_root().join(&file)).unwrap();
        for document in split_documents(dir.path(), &file, &text) {
            let kind = std::fs::read_to_string(&document)
                .unwrap()
                .lines()
                .find_map(|l| l.strip_prefix("kind: ").map(str::to_lowercase))
                .unwrap();
            by_kind.entry(kind).or_default().push(document.clone());
            all.push(document);
        }
    }
    assert_eq!(
        by_kind.keys().collect::<Vec<_>>(),
        ["application", "platform", "scope", "scopetype", "workload"]
    );
    let report = check_jsonschema(&schema("landfall.schema.json"), &all);
    assert_eq!(report["status"], "ok", "{report:#}");
    for (kind, documents) in &by_kind {
        let report = check_jsonschema(&schema(&format!("{kind}.schema.json")), documents);
        assert_eq!(report["status"], "ok", "{kind}: {report:#}");
    }
}

#[test]
fn check_jsonschema_finds_a_typo_a_bad_quantity_and_a_bad_name_offline() {
    let dir = tempfile::tempdir().unwrap();
    let documents = split_documents(dir.path(), "mistakes", MISTAKES);
    for schema in [
        schema("landfall.schema.json"),
        schema("workload.schema.json"),
    ] {
        let report = check_jsonschema(&schema, &documents[1..2]);
        let mut paths: Vec<&str> = report["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("{report:#}"))
            .iter()
            .map(|e| e["path"].as_str().unwrap())
            .collect();
        paths.sort();
        paths.dedup();
        assert_eq!(
            paths,
            [
                "$.metadata.name",
                "$.spec",
                "$.spec.containers[0].resources.cpu"
            ],
            "{}: {report:#}",
            schema.display()
        );
        // Nothing was fetched: a schema that needed the network would
        // have failed to load instead.
        assert!(
            report["parse_errors"].as_array().is_none_or(Vec::is_empty),
            "{report:#}"
        );
    }
    let report = check_jsonschema(
        &schema("landfall.schema.json"),
        &[documents[0].clone(), documents[2].clone()],
    );
    assert_eq!(report["status"], "ok", "{report:#}");
}

// --- yaml-language-server ----------------------------------------------

/// The diagnostics yaml-language-server `version` publishes for `files`
/// (absolute, or relative to the repository root) with the settings
/// `schemas` (the `yaml.schemas` setting): (line, message) per file.
fn yaml_language_server(
    version: &str,
    schemas: Value,
    files: &[String],
) -> BTreeMap<String, Vec<(u64, String)>> {
    let server = repo_root().join(format!(
        ".ci/tools/yaml-language-server-{version}/node_modules/yaml-language-server/bin/yaml-language-server"
    ));
    assert!(
        server.is_file(),
        "yaml-language-server {version} is not at {}: {INSTALL}",
        server.display()
    );
    let settings = serde_json::json!({"yaml": {"validate": true, "schemas": schemas}});
    let output = offline("python3")
        .arg(repo_root().join("crates/landfall-schema/tests/tools/yaml_ls.py"))
        .arg(&server)
        .arg(settings.to_string())
        .args(files)
        .current_dir(repo_root())
        .output()
        .unwrap_or_else(|e| panic!("cannot run python3: {e}"));
    assert!(
        output.status.success(),
        "yaml-language-server {version}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: BTreeMap<String, Vec<Value>> = serde_json::from_slice(&output.stdout).unwrap();
    report
        .into_iter()
        .map(|(file, diagnostics)| {
            let mut found: Vec<(u64, String)> = diagnostics
                .iter()
                .map(|d| {
                    (
                        d["line"].as_u64().unwrap(),
                        d["message"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            found.sort();
            (file, found)
        })
        .collect()
}

#[test]
fn yaml_language_server_shows_nothing_on_the_example_at_every_version() {
    let landfall = schema("landfall.schema.json");
    let workload = schema("workload.schema.json");
    for version in YAML_LANGUAGE_SERVERS {
        // The one mapping for every file, and the per-kind one for the
        // workloads: both load offline and find nothing.
        let schemas = serde_json::json!({
            landfall.to_string_lossy(): ["examples/shop/*.yaml", "examples/shop/scopes/*.yaml"],
            workload.to_string_lossy(): ["examples/shop/workloads/*.yaml"],
        });
        let found = yaml_language_server(version, schemas, &shop_files());
        assert_eq!(found.len(), shop_files().len());
        for (file, diagnostics) in &found {
            assert!(diagnostics.is_empty(), "{version}: {file}: {diagnostics:?}");
        }
    }
}

#[test]
fn yaml_language_server_puts_each_mistake_on_its_line_at_every_version() {
    // Not a hidden folder (`.tmpXXXX`): 2.0's globs skip those, as editors
    // do.
    let dir = tempfile::Builder::new()
        .prefix("yaml-ls-")
        .tempdir()
        .unwrap();
    let file = dir.path().join("mistakes.yaml");
    std::fs::write(&file, MISTAKES).unwrap();
    let file = file.to_string_lossy().into_owned();
    let landfall = schema("landfall.schema.json");
    for version in YAML_LANGUAGE_SERVERS {
        let schemas = serde_json::json!({landfall.to_string_lossy(): ["mistakes.yaml"]});
        let found = yaml_language_server(version, schemas, std::slice::from_ref(&file));
        let diagnostics = &found[&file];
        let lines: Vec<u64> = diagnostics.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, MISTAKE_LINES, "{version}: {diagnostics:?}");
        let messages: Vec<&str> = diagnostics.iter().map(|(_, m)| m.as_str()).collect();
        assert!(
            messages[0].starts_with("Not a DNS label"),
            "{version}: {messages:?}"
        );
        assert!(messages[1].contains("replicaz"), "{version}: {messages:?}");
        assert!(
            messages[2].starts_with("Not a quantity"),
            "{version}: {messages:?}"
        );
    }
}
