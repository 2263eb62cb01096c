//! Every rule's documentation holds a failing and a passing example; the
//! failing one must fire exactly that rule and the passing one nothing, so
//! `landfall explain` never shows an example that is wrong.

use landfall_diagnostics::SourceDb;
use landfall_rules::{CheckInput, check, registry};

/// The body of the first fenced block whose info string is `info`.
fn fenced<'a>(docs: &'a str, info: &str) -> Option<&'a str> {
    let open = format!("```{info}\n");
    let start = docs.find(&open)? + open.len();
    let end = start + docs[start..].find("\n```")?;
    Some(&docs[start..=end])
}

/// Checks an example tree: one YAML file and, for the policy rules'
/// examples, the `example.policy` its Platform lists.
fn rules_fired(text: &str, policy: Option<&str>) -> Vec<String> {
    let mut db = SourceDb::new();
    if let Some(policy) = policy {
        db.add("example.policy", policy);
    }
    let file = db.add("example.yaml", text);
    let outcome = check(
        &mut db,
        &[CheckInput {
            file,
            explicit: true,
        }],
    );
    outcome
        .diagnostics
        .iter()
        .filter(|d| !d.is_suppressed())
        .map(|d| format!("{} ({})", d.rule, d.message))
        .collect()
}

#[test]
fn every_rule_documents_a_failing_and_a_passing_example_that_hold() {
    let mut problems = Vec::new();
    for rule in registry() {
        let (Some(fail), Some(pass)) = (
            fenced(rule.docs, "yaml fail"),
            fenced(rule.docs, "yaml pass"),
        ) else {
            problems.push(format!(
                "{}: docs lack a ```yaml fail or ```yaml pass block",
                rule.id
            ));
            continue;
        };
        let fired = rules_fired(fail, fenced(rule.docs, "policy fail"));
        let prefix = format!("{} (", rule.id);
        if fired.is_empty() || fired.iter().any(|f| !f.starts_with(&prefix)) {
            problems.push(format!("{}: the failing example fired {fired:?}", rule.id));
        }
        let fired = rules_fired(pass, fenced(rule.docs, "policy pass"));
        if !fired.is_empty() {
            problems.push(format!("{}: the passing example fired {fired:?}", rule.id));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_rule_has_its_sections() {
    for rule in registry() {
        for section in ["## What it checks", "## Why", "## Example"] {
            assert!(rule.docs.contains(section), "{} lacks {section}", rule.id);
        }
    }
}
