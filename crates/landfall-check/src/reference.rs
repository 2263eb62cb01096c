//! The rule reference, `docs/rules.md`, written from the registry: every
//! rule the product reports, with its stage, default level, summary and
//! documentation (the same text `landfall explain` prints). A test keeps the
//! file in the repository equal to this rendering.

use std::fmt::Write as _;

use crate::registry::{Stage, fixes_of, registry, stage_of};

/// The Markdown of `docs/rules.md`.
pub fn rules_reference() -> String {
    let mut out = String::from(
        "# Rules\n\n\
         <!-- Generated from landfall's rule registry; do not edit. -->\n\
         <!-- `LANDFALL_UPDATE_DOCS=1 cargo test -p landfall-check --test rules_reference` rewrites it. -->\n\n\
         Every rule landfall can report, in the order the pipeline runs them.\n\
         `landfall rules` lists them and `landfall explain RULE` prints one page.\n\
         Each rule's level can be set in a Platform's `spec.rules` and in\n\
         `landfall.toml` (`error`, `warning`, `info` or `off`; the stricter of\n\
         the two holds), and a single finding is suppressed with\n\
         `# landfall-ignore: RULE -- reason`. Policy rules (`policy/<id>`)\n\
         come from a Platform's policy files and are not listed here.\n\n\
         | rule | reported by | default | summary |\n|---|---|---|---|\n",
    );
    let rules = registry();
    for rule in &rules {
        let _ = writeln!(
            out,
            "| [`{id}`](#{anchor}) | {stage} | {severity} | {summary} |",
            id = rule.id,
            anchor = anchor(rule.id),
            stage = stage_name(stage_of(rule.id)),
            severity = rule.severity.as_str(),
            summary = rule.summary.replace('|', "\\|"),
        );
    }
    for rule in &rules {
        let _ = write!(
            out,
            "\n## `{id}`\n\nReported by {stage}; default level `{severity}`. {summary}.\n\n{docs}",
            id = rule.id,
            stage = stage_name(stage_of(rule.id)),
            severity = rule.severity.as_str(),
            summary = capitalised(rule.summary),
            docs = demoted(rule.docs),
        );
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&fixes_section(rule.id));
    }
    out
}

/// Whether the rule's findings offer fixes, and which (`check --fix`).
fn fixes_section(id: &str) -> String {
    let fixes = fixes_of(id);
    if fixes.is_empty() {
        return "\n### Fix\n\nNone: the finding is fixed by hand.\n".to_string();
    }
    let mut out = String::from("\n### Fix\n\n");
    for fix in fixes {
        let _ = writeln!(
            out,
            "- {} (`check --fix`{}): {}.",
            fix.applicability.as_str(),
            match fix.applicability {
                landfall_diagnostics::Applicability::Safe => "",
                landfall_diagnostics::Applicability::Unsafe => " with `--unsafe-fixes`",
            },
            fix.what
        );
    }
    out
}

fn stage_name(stage: Option<Stage>) -> &'static str {
    match stage {
        Some(Stage::FrontEnd) => "reading and resolving",
        Some(Stage::Rules) => "the built-in rules",
        Some(Stage::Driver) => "configuration and suppressions",
        Some(Stage::Policy) => "the policy language",
        Some(Stage::Lowering) => "planning (`landfall plan`, `apply`, `run`)",
        None => "policies",
    }
}

/// Where a built-in rule's page is: its section of `docs/rules.md`,
/// relative to the repository root.
pub fn rule_docs_path(id: &str) -> String {
    format!("docs/rules.md#{}", anchor(id))
}

/// GitHub's heading anchor for `` ## `id` ``, the one SARIF's `helpUri`
/// links to.
fn anchor(id: &str) -> String {
    landfall_diagnostics::rule_anchor(id)
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The rule's docs one heading level down (`##` → `###`), fences untouched.
fn demoted(docs: &str) -> String {
    let mut out = String::with_capacity(docs.len() + 32);
    let mut in_fence = false;
    for line in docs.split_inclusive('\n') {
        if line.starts_with("```") {
            in_fence = !in_fence;
        }
        if !in_fence && line.starts_with('#') {
            out.push('#');
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_are_demoted_outside_fences_only() {
        assert_eq!(
            demoted("## Why\ntext\n```yaml\n# a comment\n```\n"),
            "### Why\ntext\n```yaml\n# a comment\n```\n"
        );
        assert_eq!(anchor("plan/host-port"), "planhost-port");
    }

    #[test]
    fn every_rule_has_a_section() {
        let text = rules_reference();
        for rule in registry() {
            assert!(
                text.contains(&format!("\n## `{}`\n", rule.id)),
                "{}",
                rule.id
            );
        }
    }
}
