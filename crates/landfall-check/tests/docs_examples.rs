//! Every rule's documentation holds a failing and a passing example; the
//! failing one must fire exactly that rule and the passing one nothing, so
//! `landfall explain` never shows an example that is wrong.

use landfall_check::dialect::{NamedDialects, by_name};
use landfall_check::{
    CheckInput, CheckOptions, Preloaded, Stage, check, check_with_options, registry, stage_of,
};
use landfall_diagnostics::{Diagnostic, SourceDb};

/// The body of the first fenced block whose info string is `info`.
fn fenced<'a>(docs: &'a str, info: &str) -> Option<&'a str> {
    let open = format!("```{info}\n");
    let start = docs.find(&open)? + open.len();
    let end = start + docs[start..].find("\n```")?;
    Some(&docs[start..=end])
}

/// Checks an example tree: one YAML file and, for the policy rules'
/// examples, the `example.policy` its Platform lists. With `lower`, as for
/// lowering's `plan/*` rules, every Scope is then planned as `landfall plan`
/// does, and lowering's findings are added.
fn rules_fired(
    text: &str,
    policy: Option<&str>,
    lower: bool,
    dialect: Option<&str>,
) -> Vec<String> {
    let mut db = SourceDb::new();
    if let Some(policy) = policy {
        db.add("example.policy", policy);
    }
    let file = db.add("example.yaml", text);
    let inputs = [CheckInput {
        file,
        explicit: true,
    }];
    let mut findings: Vec<Diagnostic> = Vec::new();
    if lower {
        let outcome = check_with_options(
            &mut db,
            &inputs,
            &Preloaded,
            CheckOptions {
                keep_whole_application: Some("shop".to_string()),
                ..CheckOptions::default()
            },
        );
        for scope in outcome.project.scopes() {
            findings.extend(outcome.lower(scope).diagnostics);
        }
    } else if let Some(dialect) = dialect {
        // A platform's own rule: its examples are in the platform's format.
        let options = CheckOptions {
            named_dialects: NamedDialects::all(by_name(dialect).unwrap()),
            ..CheckOptions::default()
        };
        findings = check_with_options(&mut db, &inputs, &Preloaded, options).diagnostics;
    } else {
        findings = check(&mut db, &inputs).diagnostics;
    }
    findings
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
        let lower = stage_of(rule.id) == Some(Stage::Lowering);
        // `cpln/…` rules, and `templated-file`, whose examples are Control
        // Plane's, are read as their dialect.
        let dialect = match rule.id.split_once('/') {
            Some((prefix, _)) if by_name(prefix).is_some() => Some(prefix),
            _ if rule.id == "templated-file" => Some("cpln"),
            _ => None,
        };
        let fired = rules_fired(fail, fenced(rule.docs, "policy fail"), lower, dialect);
        let prefix = format!("{} (", rule.id);
        if fired.is_empty() || fired.iter().any(|f| !f.starts_with(&prefix)) {
            problems.push(format!("{}: the failing example fired {fired:?}", rule.id));
        }
        let fired = rules_fired(pass, fenced(rule.docs, "policy pass"), lower, dialect);
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
