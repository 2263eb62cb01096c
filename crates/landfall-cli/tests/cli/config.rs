//! `landfall.toml` at the project root: rule levels, exclusions, the
//! default format, and diagnostics with spans for a config that cannot be
//! used (exit status 2).

use crate::support::{run, write};

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

/// Lowering's `plan/*` rules are in the one registry: `landfall.toml`
/// levels them like any rule (here `plan/host-port`, which the Platform
/// does not set, switched off).
#[test]
fn landfall_toml_levels_lowering_rules() {
    let tree = std::fs::read_to_string(
        crate::support::repo_root().join("corpus/plan/host-ports/tree.yaml"),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "tree.yaml", &tree);
    let plan = ["plan", ".", "--scope", "shop/dev", "--format", "json"];
    let before = run(dir.path(), &plan);
    assert!(before.starts_with("status: 0\n"), "{before}");
    assert!(before.contains("warning[plan/host-port]"), "{before}");

    write(
        dir.path(),
        "landfall.toml",
        "[rules]\n\"plan/host-port\" = \"off\"\n",
    );
    let after = run(dir.path(), &plan);
    assert!(after.starts_with("status: 0\n"), "{after}");
    assert!(!after.contains("plan/host-port"), "{after}");

    write(
        dir.path(),
        "landfall.toml",
        "[rules]\n\"plan/host-port\" = \"error\"\n",
    );
    let raised = run(dir.path(), &plan);
    assert!(raised.starts_with("status: 1\n"), "{raised}");
    // No plan: the finding, now an error, is what is shown.
    assert!(!raised.contains("planVersion"), "{raised}");
    assert!(raised.contains("plan/host-port"), "{raised}");
}
