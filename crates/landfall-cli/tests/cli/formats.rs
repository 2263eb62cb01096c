//! The CI formats read by their real consumers: the SARIF of every corpus
//! case and example by Microsoft's SARIF Multitool and the SARIF 2.1.0 JSON
//! Schema it ships, the JUnit XML by junitparser, junit2html and
//! junit-to-ctrf.
//!
//! The tools are installed by `bash .ci/install-tools` into `.ci/tools`
//! (or found where `LANDFALL_SARIF_MULTITOOL` and `LANDFALL_PYTHONPATH`
//! point). Without them these tests fail: they never pass unchecked.

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

/// The SARIF of one run of `landfall check --format sarif` in `dir`.
fn sarif_in(dir: &Path, args: &[&str]) -> Value {
    let output = landfall()
        .args(["check", "--format", "sarif"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    serde_json::from_slice(&output.stdout).unwrap()
}

/// (uri, fingerprint, start line) of each result.
fn placed(log: &Value) -> Vec<(String, String, u64)> {
    log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                r["partialFingerprints"]["landfall/v1"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap(),
            )
        })
        .collect()
}

#[test]
fn sarif_is_what_code_scanning_needs_from_any_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    write(&root, "landfall.toml", "");
    let workload = "apiVersion: landfall.dev/v1\nkind: Workload\nmetadata: {name: api, application: shop}\n\
         spec:\n  type: standard\n  containers:\n    - name: api\n      image: a/b:1\n      \
         env: {DB_PASSWORD: hunter2, API_TOKEN: hunter2}\n      ports: [{port: 8080}]\n";
    write(&root, "specs/api.yaml", workload);
    write(
        &root,
        "specs/shop.yaml",
        "apiVersion: landfall.dev/v1\nkind: Application\nmetadata: {name: shop}\nspec: {version: \"1.0.0\"}\n",
    );
    let from_root = sarif_in(&root, &[]);
    let from_specs = sarif_in(&root.join("specs"), &["."]);
    let run = &from_root["runs"][0];
    let root_uri = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert_eq!(root_uri, format!("file://{}/", root.display()));
    // The same paths, from the root, whatever directory landfall ran in.
    assert_eq!(placed(&from_root), placed(&from_specs));
    let results = placed(&from_root);
    assert!(
        results.iter().all(|(uri, _, _)| uri.starts_with("specs/")),
        "{results:?}"
    );
    for result in run["results"].as_array().unwrap() {
        let location = &result["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(location["uriBaseId"], "%SRCROOT%");
    }

    // Lines added above leave every fingerprint as it was.
    write(
        &root,
        "specs/api.yaml",
        &format!("# the API\n# owned by the shop team\n{workload}"),
    );
    let moved = placed(&sarif_in(&root, &[]));
    assert_eq!(moved.len(), results.len());
    for ((uri, fingerprint, line), (uri2, fingerprint2, line2)) in results.iter().zip(&moved) {
        assert_eq!((uri, fingerprint), (uri2, fingerprint2));
        if uri.ends_with("api.yaml") {
            assert_eq!(line + 2, *line2);
        }
    }
    // Two findings of one rule in one file differ.
    let mut fingerprints: Vec<&String> = results.iter().map(|(_, f, _)| f).collect();
    fingerprints.sort();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), results.len(), "{results:?}");

    // The rules: their page, tags, and a security severity for secrets.
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let rule = |id: &str| rules.iter().find(|r| r["id"] == id).unwrap();
    let secret = rule("plaintext-secret");
    assert_eq!(
        secret["helpUri"],
        "https://landfall.dev/docs/rules.md#plaintext-secret"
    );
    assert_eq!(secret["properties"]["security-severity"], "7.5");
    let tags = secret["properties"]["tags"].as_array().unwrap();
    assert!(tags.contains(&"security".into()), "{tags:?}");
    let port = rule("blocked-port");
    assert!(port["properties"]["security-severity"].is_null());
    assert_eq!(
        port["properties"]["tags"],
        serde_json::json!(["landfall", "spec"])
    );
    // Every rule of docs/rules.md has its section there.
    let docs = std::fs::read_to_string(repo_root().join("docs/rules.md")).unwrap();
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        if id.starts_with("policy/") {
            continue;
        }
        assert!(docs.contains(&format!("\n## `{id}`\n")), "{id}");
        let anchor = rule["helpUri"]
            .as_str()
            .unwrap()
            .rsplit('#')
            .next()
            .unwrap();
        assert_eq!(anchor, id.replace('/', ""), "{id}");
    }
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

/// junit2html's HTML page of a JUnit report, as the text a reader sees.
fn junit2html(report: &Path) -> String {
    let python_path = std::env::var_os("LANDFALL_PYTHONPATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join(".ci/tools/python"));
    let script = repo_root().join("crates/landfall-cli/tests/tools/junit2html_text.py");
    let output = Command::new("python3")
        .arg(script)
        .arg(report)
        .env("PYTHONPATH", &python_path)
        .output()
        .unwrap_or_else(|e| panic!("cannot run python3: {e}: {INSTALL}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("No module named 'junit2htmlreport'"),
        "junit2html is not in {}: {INSTALL}",
        python_path.display()
    );
    assert!(output.status.success(), "junit2html failed: {stderr}");
    String::from_utf8(output.stdout).unwrap()
}

/// junit-to-ctrf's CTRF report of a JUnit report: its `results.tests`.
fn junit_to_ctrf(report: &Path) -> Vec<Value> {
    let cli = repo_root().join(".ci/tools/node/node_modules/junit-to-ctrf/dist/cli.js");
    assert!(
        cli.is_file(),
        "junit-to-ctrf is not at {}: {INSTALL}",
        cli.display()
    );
    let out = report.with_extension("ctrf.json");
    let output = Command::new("node")
        .arg(&cli)
        .arg(report)
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap_or_else(|e| panic!("cannot run node: {e}: {INSTALL}"));
    assert!(
        output.status.success(),
        "junit-to-ctrf failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let ctrf: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    ctrf["results"]["tests"].as_array().unwrap().clone()
}

/// A finding of the JSON report as the JUnit text starts it:
/// `file:line:col: severity[rule]: `, and whether it fails its test case.
fn finding_head(d: &Value) -> (String, bool) {
    (
        format!(
            "{}:{}:{}: {}[{}]: ",
            d["file"].as_str().unwrap(),
            d["line"],
            d["column"],
            d["severity"].as_str().unwrap(),
            d["rule"].as_str().unwrap()
        ),
        d["severity"] == "error",
    )
}

/// Every finding the JSON report has (suppressed ones aside) is in the
/// JUnit report as all three readers see it: an error in the one failure
/// of its document's test case, which fails; a warning or note in its
/// system-out, which alone fails nothing. Each test case has one status.
fn every_reader_sees_every_finding(json: &Value, report: &Path) {
    let junit = junitparser(report);
    let html = junit2html(report);
    let ctrf = junit_to_ctrf(report);
    let cases: Vec<(&Value, &Value)> = junit["suites"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["cases"].as_array().unwrap().iter().map(move |c| (s, c)))
        .collect();
    assert_eq!(
        ctrf.len(),
        cases.len(),
        "junit-to-ctrf sees every test case"
    );
    let mut failed_cases = 0;
    for ((suite, case), test) in cases.iter().zip(&ctrf) {
        let failures = case["failures"].as_array().unwrap();
        assert!(failures.len() <= 1, "one status per test case: {case}");
        failed_cases += failures.len();
        // junit-to-ctrf names a test `suite: case`.
        let name = format!(
            "{}: {}",
            suite["name"].as_str().unwrap(),
            case["name"].as_str().unwrap()
        );
        assert!(
            test["name"] == case["name"] || test["name"] == name,
            "{test}"
        );
        let status = if failures.is_empty() {
            "passed"
        } else {
            "failed"
        };
        assert_eq!(test["status"], status, "{} {}", suite["name"], case["name"]);
    }
    assert_eq!(
        junit["totals"]["failures"].as_u64().unwrap(),
        failed_cases as u64
    );
    let findings = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["suppressed"] != true);
    let mut seen = 0;
    for d in findings {
        seen += 1;
        let (head, fails) = finding_head(d);
        let file = d["file"].as_str().unwrap();
        let holding: Vec<usize> = cases
            .iter()
            .enumerate()
            .filter(|(_, (suite, case))| {
                suite["name"] == file
                    && (case["system_out"].as_str().unwrap().contains(&head)
                        || case["failures"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .any(|f| f["text"].as_str().unwrap().contains(&head)))
            })
            .map(|(i, _)| i)
            .collect();
        assert_eq!(holding.len(), 1, "junitparser: {head}");
        let (_, case) = cases[holding[0]];
        let failure = &case["failures"][0];
        if fails {
            let text = failure["text"].as_str().unwrap();
            assert!(text.contains(&head), "an error is in the failure: {head}");
            let rule = d["rule"].as_str().unwrap();
            assert!(
                failure["type"]
                    .as_str()
                    .unwrap()
                    .split(' ')
                    .any(|r| r == rule),
                "{head}: {failure}"
            );
            assert!(
                failure["message"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("{rule}: "))
            );
            let trace = ctrf[holding[0]]["trace"].as_str().unwrap_or_default();
            assert!(
                trace.contains(&head),
                "junit-to-ctrf: {head} not in {trace}"
            );
        } else {
            let out = case["system_out"].as_str().unwrap();
            assert!(out.contains(&head), "a warning is in system-out: {head}");
            let stdout: Vec<&str> = ctrf[holding[0]]["stdout"]
                .as_array()
                .map(|lines| lines.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            assert!(
                stdout.join("\n").contains(&head),
                "junit-to-ctrf: {head} not in {stdout:?}"
            );
        }
        assert!(html.contains(&head), "junit2html: {head}");
    }
    assert!(seen > 0, "the report has no finding to look for");
}

#[test]
fn junit_reads_as_suites_per_file_and_cases_per_document() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "apps/shop.yaml",
        "apiVersion: landfall.dev/v1\nkind: Application\nmetadata: {name: shop}\nspec: {version: \"1.0.0\"}\n---\n\
         apiVersion: landfall.dev/v1\nkind: Workload\nmetadata: {name: Api, application: shop}\n\
         spec: {type: standard, containers: [{name: api, image: \"a/b:1\", ports: [{number: 8080}]}]}\n---\n\
         apiVersion: landfall.dev/v1\nkind: Workload\nmetadata: {name: web, application: shop}\n\
         spec: {type: standard, containers: [{name: web, image: \"a/b:1\", ports: [{port: 8080}]}]}\n",
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
        human.ends_with("failed: 5 errors, 2 warnings in 3 files (4 documents)\n"),
        "{human}"
    );
    let report = dir.path().join("report.xml");
    let junit = junitparser(&report);
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
    assert_eq!(
        cases(&suites[0]),
        ["Application/shop", "Workload/Api", "Workload/web"]
    );
    assert_eq!(cases(&suites[2]), ["document 1"]);
    for suite in suites {
        assert_eq!(suite["written"], suite["recounted"], "{suite}");
    }
    // Api has errors and a warning: one failure holding its errors; web
    // has only a warning (it is in no Scope) and passes.
    let api = &suites[0]["cases"][1];
    assert_eq!(api["failures"].as_array().unwrap().len(), 1, "{api}");
    assert!(
        api["failures"][0]["text"]
            .as_str()
            .unwrap()
            .starts_with("apps/shop.yaml:8:18: error[invalid-name]"),
        "{api}"
    );
    let web = &suites[0]["cases"][2];
    assert_eq!(web["failures"], serde_json::json!([]), "{web}");
    assert!(
        web["system_out"]
            .as_str()
            .unwrap()
            .contains("warning[unscoped-workload]"),
        "{web}"
    );
    assert_eq!(junit["totals"]["tests"].as_u64(), Some(5));
    every_reader_sees_every_finding(&json, &report);
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
    for suite in suites {
        assert_eq!(suite["written"], suite["recounted"], "{}", suite["name"]);
    }
    every_reader_sees_every_finding(&json, &report);
}
