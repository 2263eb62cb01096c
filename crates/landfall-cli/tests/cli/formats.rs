//! The CI formats read by their real consumers: the SARIF of every corpus
//! case and example by Microsoft's SARIF Multitool and the SARIF 2.1.0 JSON
//! Schema it ships, the JUnit XML by junitparser.
//!
//! Both tools are installed by `bash .ci/install-tools` into `.ci/tools`
//! (or found where `LANDFALL_SARIF_MULTITOOL` and `LANDFALL_PYTHONPATH`
//! point). Without them these tests fail: they never pass unchecked.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::support::{is_yaml, landfall, write};

/// The repository root with symlinks resolved: the Multitool and python3
/// are given paths below it.
fn repo_root() -> PathBuf {
    crate::support::repo_root().canonicalize().unwrap()
}

const INSTALL: &str = "run `bash .ci/install-tools` (it needs npm and pip) or point \
                       LANDFALL_SARIF_MULTITOOL / LANDFALL_PYTHONPATH at an installation";

/// The `Sarif.Multitool` executable of `@microsoft/sarif-multitool`.
fn multitool() -> PathBuf {
    let path = std::env::var_os("LANDFALL_SARIF_MULTITOOL")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            repo_root().join(
                ".ci/tools/node/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool",
            )
        });
    assert!(
        path.is_file(),
        "the SARIF Multitool is not at {}: {INSTALL}",
        path.display()
    );
    path
}

/// The SARIF 2.1.0 JSON Schema the Multitool package ships.
fn sarif_schema() -> jsonschema::Validator {
    let path = multitool().with_file_name("sarif-2.1.0.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("no SARIF schema at {}: {e}: {INSTALL}", path.display()));
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

/// Every folder of `corpus/` and `examples/` that holds YAML files.
fn cases() -> Vec<PathBuf> {
    fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut has_yaml = false;
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                collect(&path, out);
            } else if is_yaml(&path) {
                has_yaml = true;
            }
        }
        if has_yaml {
            out.push(dir.to_path_buf());
        }
    }
    let mut out = Vec::new();
    collect(&repo_root().join("corpus"), &mut out);
    collect(&repo_root().join("examples"), &mut out);
    out.sort();
    out
}

#[test]
fn the_sarif_of_every_corpus_case_and_example_is_valid() {
    let tool = multitool();
    let schema = sarif_schema();
    let out = tempfile::tempdir().unwrap();
    let cases = cases();
    assert!(cases.len() > 100, "only {} cases found", cases.len());
    let mut results = 0;
    let mut schema_errors = Vec::new();
    for (i, dir) in cases.iter().enumerate() {
        let output = landfall()
            .args(["check", "--format", "sarif"])
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(
            output.status.code().is_some_and(|c| c < 2),
            "{}: {}",
            dir.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        let log: Value = serde_json::from_slice(&output.stdout).unwrap();
        results += log["runs"][0]["results"].as_array().unwrap().len();
        let name = dir.strip_prefix(repo_root()).unwrap().display().to_string();
        for error in schema.iter_errors(&log) {
            schema_errors.push(format!("{name}: {} at {}", error, error.instance_path()));
        }
        let file = out
            .path()
            .join(format!("{i:03}-{}.sarif", name.replace('/', "_")));
        std::fs::write(file, &output.stdout).unwrap();
    }
    assert!(schema_errors.is_empty(), "{}", schema_errors.join("\n"));
    assert!(results > 100, "the corpus gave only {results} results");

    // One Multitool run over all logs: the .NET start costs a second each.
    let validation = out.path().join("validation.sarif.json");
    let run = Command::new(&tool)
        .arg("validate")
        .arg("--config")
        .arg(repo_root().join("crates/landfall-cli/tests/tools/sarif-multitool.xml"))
        .arg("--output")
        .arg(&validation)
        .args(["--log", "ForceOverwrite", "--level", "Error;Warning;Note"])
        .arg(out.path().join("*.sarif"))
        .output()
        .unwrap();
    let console =
        String::from_utf8_lossy(&run.stdout).into_owned() + &String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "the Multitool failed:\n{console}");
    assert!(
        console.contains(&format!("Done. {} files scanned.", cases.len())),
        "the Multitool did not read every log:\n{console}"
    );

    // Its findings are a SARIF log of their own: notes (suggestions such as
    // "consider message ids") are fine, errors and warnings are not. A
    // result without a level is a warning.
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&validation).unwrap()).unwrap();
    let run = &report["runs"][0];
    let mut problems = Vec::new();
    for result in run["results"].as_array().unwrap() {
        let level = result["level"].as_str().unwrap_or("warning");
        if level == "error" || level == "warning" {
            problems.push(format!(
                "{level} {}: {} ({})",
                result["ruleId"],
                result["message"]["text"],
                result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            ));
        }
    }
    for invocation in run["invocations"].as_array().unwrap() {
        assert_eq!(invocation["executionSuccessful"], true, "{invocation}");
        for notification in invocation["toolExecutionNotifications"]
            .as_array()
            .into_iter()
            .flatten()
        {
            problems.push(format!("tool: {}", notification["message"]["text"]));
        }
        for notification in invocation["toolConfigurationNotifications"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let id = notification["descriptor"]["id"]
                .as_str()
                .unwrap_or_default();
            let text = notification["message"]["text"].as_str().unwrap_or_default();
            // The one rule the settings turn off (it would fetch URIs).
            let ours = id == "WRN999.RuleExplicitlyDisabled" && text.contains("'SARIF2006'");
            if !ours {
                problems.push(format!("configuration: {id}: {text}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Reads a JUnit report with junitparser.
fn junitparser(report: &Path) -> Value {
    let python_path = std::env::var_os("LANDFALL_PYTHONPATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join(".ci/tools/python"));
    let script = repo_root().join("crates/landfall-cli/tests/tools/junit_report.py");
    let output = Command::new("python3")
        .arg(script)
        .arg(report)
        .env("PYTHONPATH", &python_path)
        .output()
        .unwrap_or_else(|e| panic!("cannot run python3: {e}: {INSTALL}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("No module named 'junitparser'"),
        "junitparser is not in {}: {INSTALL}",
        python_path.display()
    );
    assert!(output.status.success(), "junitparser failed: {stderr}");
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn junit_reads_as_suites_per_file_and_cases_per_document() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "apps/shop.yaml",
        "apiVersion: landfall.dev/v1\nkind: Application\nmetadata: {name: shop}\nspec: {version: \"1.0.0\"}\n---\n\
         apiVersion: landfall.dev/v1\nkind: Workload\nmetadata: {name: Api, application: shop}\n\
         spec: {type: standard, containers: [{name: api, image: \"a/b:1\", ports: [{number: 8080}]}]}\n",
    );
    write(
        dir.path(),
        "broken.yaml",
        "apiVersion: landfall.dev/v1\nkind: Application\nmetadata: {name: a\n",
    );
    write(
        dir.path(),
        "unknown.yaml",
        "apiVersion: landfall.dev/v1\nkind: Workoad\nmetadata: {name: x}\n",
    );
    let output = landfall()
        .args(["check", "--format", "junit", "-o", "report.xml"])
        .args(["--format", "json", "--output-file", "report.json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    // Every format went to a file: the human output still goes to stdout.
    let human = String::from_utf8(output.stdout).unwrap();
    assert!(
        human.ends_with("failed: 5 errors, 1 warning in 3 files (3 documents)\n"),
        "{human}"
    );
    let junit = junitparser(&dir.path().join("report.xml"));
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();

    let suites = junit["suites"].as_array().unwrap();
    let names: Vec<&str> = suites.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["apps/shop.yaml", "broken.yaml", "unknown.yaml"]);
    let cases = |suite: &Value| -> Vec<String> {
        suite["cases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(cases(&suites[0]), ["Application/shop", "Workload/Api"]);
    assert_eq!(cases(&suites[2]), ["document 1"]);
    for suite in suites {
        assert_eq!(suite["written"], suite["recounted"], "{suite}");
    }

    // Every finding of the JSON report is a failure of its file's suite,
    // with the rule as its type and the message.
    let mut expected: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for d in json["diagnostics"].as_array().unwrap() {
        expected
            .entry(d["file"].as_str().unwrap().to_string())
            .or_default()
            .push((
                d["rule"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            ));
    }
    let mut found: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for suite in suites {
        for case in suite["cases"].as_array().unwrap() {
            for failure in case["failures"].as_array().unwrap() {
                found
                    .entry(suite["name"].as_str().unwrap().to_string())
                    .or_default()
                    .push((
                        failure["type"].as_str().unwrap().to_string(),
                        failure["message"].as_str().unwrap().to_string(),
                    ));
                let text = failure["text"].as_str().unwrap();
                assert!(text.starts_with(suite["name"].as_str().unwrap()), "{text}");
            }
        }
    }
    for list in found.values_mut().chain(expected.values_mut()) {
        list.sort();
    }
    assert_eq!(found, expected);
    let api = &suites[0]["cases"][1]["failures"][0];
    assert_eq!(api["type"], "invalid-name");
    assert!(
        api["text"]
            .as_str()
            .unwrap()
            .starts_with("apps/shop.yaml:8:18: error[invalid-name]"),
        "{api}"
    );
    assert_eq!(
        junit["totals"]["failures"].as_u64(),
        Some(json["diagnostics"].as_array().unwrap().len() as u64)
    );
}

#[test]
fn junit_of_the_whole_corpus_counts_every_document_and_finding() {
    let root = repo_root().join("corpus");
    let out = tempfile::tempdir().unwrap();
    let report = out.path().join("report.xml");
    let json = landfall()
        .args(["check", "--format", "json", "--format", "junit", "-o"])
        .arg(&report)
        .current_dir(&root)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&json.stdout).unwrap();
    let junit = junitparser(&report);
    let suites = junit["suites"].as_array().unwrap();
    assert_eq!(
        suites.len() as u64,
        json["summary"]["files"].as_u64().unwrap()
    );
    let document_cases = suites
        .iter()
        .flat_map(|s| s["cases"].as_array().unwrap())
        .filter(|c| c["name"] != "file")
        .count();
    assert_eq!(
        document_cases as u64,
        json["summary"]["documents"].as_u64().unwrap()
    );
    // JUnit leaves suppressed findings out; JSON keeps them, marked.
    let reported = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["suppressed"] != true)
        .count();
    assert_eq!(
        junit["totals"]["failures"].as_u64().unwrap(),
        reported as u64
    );
    for suite in suites {
        assert_eq!(suite["written"], suite["recounted"], "{}", suite["name"]);
    }
}
