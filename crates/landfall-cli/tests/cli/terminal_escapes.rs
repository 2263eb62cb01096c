//! Specs from an untrusted pull request: terminal escapes in them (an ANSI
//! colour, an OSC 8 hyperlink, a bell, a BiDi override, in a value, a key
//! and a file name) reach no output raw, and the human output's carets stay
//! under the escaped text.

use std::path::Path;

use crate::support::{output, project, run};

/// A protocol holding a colour, a hyperlink, bells and a right-to-left
/// override (not one of the protocols: a `schema` finding quoting it), and
/// an unknown field whose key holds the override.
const WORKLOAD: &str = "apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: api, application: shop}
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:2.4.2
      ports:
        - port: 8080
          protocol: \u{1b}[31mhttp\u{1b}]8;;https://evil.test/\u{7}docs\u{1b}]8;;\u{7}\u{202e}2
      imag\u{202e}e: x
";

const APP: &str = "apiVersion: landfall.dev/v1\nkind: Application\nmetadata: {name: shop}\nspec: {version: 1.0}\n";

fn hostile_project() -> tempfile::TempDir {
    project(&[
        ("apps/api.yaml", WORKLOAD),
        // The file name holds an OSC window title.
        ("apps/\u{1b}]0;pwned\u{7}.yaml", APP),
    ])
}

/// A character that a terminal, a CI log or a BiDi-aware viewer would act
/// on: a C0 control but tab and line feed, DEL, a C1 control, a BiDi
/// control.
fn raw_control(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        (c < ' ' && c != '\t' && c != '\n')
            || ('\u{7f}'..='\u{9f}').contains(&c)
            || matches!(
                c,
                '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
            )
    })
}

fn check(dir: &Path, format: &str) -> String {
    let out = output(dir, &["check", "--format", format]);
    assert_eq!(out.status.code(), Some(1), "{format}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    for (stream, text) in [("stdout", &stdout), ("stderr", &stderr)] {
        assert_eq!(
            raw_control(text),
            None,
            "raw control in the {format} output's {stream}:\n{text}"
        );
    }
    stdout
}

#[test]
fn human_output_shows_escapes_with_aligned_carets() {
    let dir = hostile_project();
    check(dir.path(), "human");
    insta::assert_snapshot!(run(dir.path(), &["check"]));
}

#[test]
fn no_format_writes_a_raw_control() {
    let dir = hostile_project();
    let github = check(dir.path(), "github");
    assert!(
        github.contains(
            "title=schema::`\\u{1b}[31mhttp\\u{1b}]8;;https://evil.test/\\u{7}docs\\u{1b}]8;;\\u{7}\\u{202e}2` is not a valid value"
        ),
        "{github}"
    );
    assert!(
        github.contains("file=apps/\\u{1b}]0;pwned\\u{7}.yaml"),
        "{github}"
    );
    check(dir.path(), "junit");

    // JSON and SARIF keep the values, written with JSON's escapes.
    let json = check(dir.path(), "json");
    assert!(
        json.contains(r"\u001b[31mhttp\u001b]8;;https://evil.test/\u0007docs"),
        "{json}"
    );
    assert!(json.contains(r"\u202e"), "{json}");
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let files: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert!(
        files.contains(&"apps/\u{1b}]0;pwned\u{7}.yaml"),
        "{files:?}"
    );
    let messages: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("imag\u{202e}e")),
        "{messages:?}"
    );

    let sarif = check(dir.path(), "sarif");
    let log: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let texts: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["message"]["text"].as_str().unwrap())
        .collect();
    assert!(
        texts.iter().any(|t| t.contains("\u{1b}[31mhttp")),
        "{texts:?}"
    );
}
