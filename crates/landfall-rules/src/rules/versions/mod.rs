//! Versions and upgrades: one file per rule.

use super::Rule;

mod invalid_version;
mod invalid_version_regexp;
mod unreachable_upgrade_rule;

/// The rules of this group, in the order of `docs/rules.md`.
pub static RULES: &[&dyn Rule] = &[
    &invalid_version::InvalidVersion,
    &invalid_version_regexp::InvalidVersionRegexp,
    &unreachable_upgrade_rule::UnreachableUpgradeRule,
];

/// A value for a message: in backticks, cut after 60 characters.
fn shown(text: &str) -> String {
    const MAX: usize = 60;
    match text.char_indices().nth(MAX) {
        Some((at, _)) => format!("`{}…`", &text[..at]),
        None => format!("`{text}`"),
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use landfall_diagnostics::Diagnostic;

    use crate::testing::check_files;

    /// Checks one file; `(rule, spanned text, message)` of each finding.
    pub fn findings(text: &str) -> Vec<(String, String, String)> {
        let (_, outcome) = check_files(&[("app.yaml", text)], true);
        outcome
            .diagnostics
            .iter()
            .map(|d: &Diagnostic| {
                (
                    d.rule.to_string(),
                    text[d.span.start as usize..d.span.end as usize].to_string(),
                    d.message.clone(),
                )
            })
            .collect()
    }

    /// All diagnostics of one file.
    pub fn diagnostics(text: &str) -> Vec<Diagnostic> {
        check_files(&[("app.yaml", text)], true).1.diagnostics
    }

    /// An Application alone (so other rules stay quiet) with this `spec`.
    pub fn application(spec: &str) -> String {
        format!(
            "apiVersion: landfall.dev/v1\nkind: Application\nmetadata: {{name: shop}}\nspec:\n{spec}"
        )
    }
}
