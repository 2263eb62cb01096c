//! Platforms' own files: `--dialect`, `[dialects]` in landfall.toml, a
//! rendered stream on standard input, and the rules and docs that go with
//! them.

use std::io::Write;
use std::process::Stdio;

use crate::support::{landfall, output, repo_root, write};

const RENDERED: &str = "---
# Source: shop/templates/workload.yaml
kind: workload
name: api
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:2.4.2
      cpu: 500m
      memory: 512Mi
      ports:
        - {number: 9090, protocol: http}
";

#[test]
fn a_rendered_stream_on_standard_input_is_checked_with_spans_into_it() {
    let mut child = landfall()
        .args(["check", "--dialect", "cpln", "-", "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(RENDERED.as_bytes())
        .unwrap();
    let result = child.wait_with_output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&result.stdout).unwrap();
    let found = &json["diagnostics"][0];
    assert_eq!(found["rule"], "blocked-port", "{json:#}");
    assert_eq!(found["file"], "<stdin>");
    assert_eq!(found["line"], 13, "{json:#}");
    assert_eq!(result.status.code(), Some(1));
}

#[test]
fn globs_in_landfall_toml_name_the_dialect_and_a_walk_skips_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "landfall.toml",
        "[dialects]\n\"deploy/cpln/**\" = \"cpln\"\n",
    );
    write(dir.path(), "deploy/cpln/api.yaml", RENDERED);
    // The same file elsewhere is foreign YAML to a walk.
    write(dir.path(), "other/api.yaml", RENDERED);
    let result = output(dir.path(), &["check", "--color", "never", "."]);
    let stdout = String::from_utf8_lossy(&result.stdout);
    assert!(stdout.contains("error[blocked-port]"), "{stdout}");
    assert!(stdout.contains("deploy/cpln/api.yaml"), "{stdout}");
    assert!(!stdout.contains("other/api.yaml"), "{stdout}");
    assert!(stdout.contains("in 1 file (1 document)"), "{stdout}");
    let bad = output(
        dir.path(),
        &["check", "--color", "never", "--dialect", "cplm", "."],
    );
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn rules_and_explain_know_the_dialects() {
    let rules = output(repo_root(), &["rules", "--dialect", "cpln"]);
    let listed = String::from_utf8_lossy(&rules.stdout);
    assert!(listed.contains("cpln/port-range"), "{listed}");
    assert!(listed.contains("cpu-memory-ratio"), "{listed}");
    // Scopes and versions have nothing to read in Control Plane files.
    assert!(!listed.contains("unscoped-workload"), "{listed}");
    let explained = output(repo_root(), &["explain", "cpln/port-range"]);
    let text = String::from_utf8_lossy(&explained.stdout);
    assert!(
        text.contains("# cpln/port-range (error by default)"),
        "{text}"
    );
    assert!(
        text.contains("Control Plane's workload reference"),
        "{text}"
    );
}
