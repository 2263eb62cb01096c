//! `landfall.toml` at the project root: rule levels, exclusions, the
//! default format, and diagnostics with spans for a config that cannot be
//! used (exit status 2).

#![allow(
    clippy::disallowed_methods,
    reason = "tests write fixture trees and run the landfall binary"
)]

use std::path::Path;
use std::process::Command;

fn run(dir: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_landfall"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    format!(
        "status: {}\n--- stdout\n{}--- stderr\n{}",
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const APP: &str = "apiVersion: landfall.dev/v1\nkind: Application\nmetadata:\n  name: shop\n  labels: {country: NO}\nspec: {version: \"1.0.0\"}\n";

#[test]
fn levels_exclusions_and_the_default_format_apply_from_a_subdirectory() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "specs/app.yaml", APP);
    write(
        dir.path(),
        "specs/vendor/broken.yaml",
        "apiVersion: landfall.dev/v1\nkind: Application\nmetadata: {name: [\n",
    );
    write(
        dir.path(),
        "landfall.toml",
        "exclude = [\"vendor\"]\n\n[rules]\nambiguous-scalar = \"error\"\n\n[output]\nformat = \"json\"\n",
    );
    // Found by walking up from the working directory.
    let output = run(&dir.path().join("specs"), &["check"]);
    assert!(output.starts_with("status: 1\n"), "{output}");
    let json: serde_json::Value = serde_json::from_str(
        output
            .split("--- stdout\n")
            .nth(1)
            .unwrap()
            .split("--- stderr")
            .next()
            .unwrap(),
    )
    .unwrap();
    let found: Vec<(&str, &str, &str)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap(),
                d["severity"].as_str().unwrap(),
                d["file"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(found, [("ambiguous-scalar", "error", "app.yaml")]);
    // --format wins over the file.
    let human = run(&dir.path().join("specs"), &["check", "--format", "human"]);
    assert!(human.contains("error[ambiguous-scalar]"), "{human}");
}

#[test]
fn a_platform_level_is_a_floor() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app.yaml", APP);
    write(
        dir.path(),
        "platform.yaml",
        "apiVersion: landfall.dev/v1\nkind: Platform\nmetadata: {name: acme}\nspec:\n  rules: {ambiguous-scalar: error}\n",
    );
    write(
        dir.path(),
        "landfall.toml",
        "[rules]\nambiguous-scalar = \"off\"\n",
    );
    insta::assert_snapshot!(run(dir.path(), &["check"]));
}

#[test]
fn an_unusable_config_is_shown_with_spans_and_nothing_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app.yaml", APP);
    write(
        dir.path(),
        "landfall.toml",
        "[rules]\nblockd-port = \"warning\"\nport-range = \"warn\"\n",
    );
    insta::assert_snapshot!("unknown_rule_and_level", run(dir.path(), &["check"]));
    write(dir.path(), "landfall.toml", "exclud = [\"vendor\"]\n");
    insta::assert_snapshot!("unknown_key", run(dir.path(), &["check"]));
    write(dir.path(), "landfall.toml", "[rules\n");
    insta::assert_snapshot!("syntax", run(dir.path(), &["check"]));
}
