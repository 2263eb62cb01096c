//! Check, then lower: the path from spec files to a [`Plan`] that
//! `landfall plan`, `apply` and `run` share. Lowering runs only when
//! check finds no error in what the plan reads.

use std::path::PathBuf;

use landfall_check::{CheckOutcome, load_texts, plan_check_options};
use landfall_diagnostics::{ColorMode, Diagnostic, SourceDb, Summary, sort_diagnostics};
use landfall_lower::{Lowered, ScopeSelector, select};
use landfall_plan::Plan;

use crate::input::Found;
use crate::setup::{Request, Setup};

/// What checking and lowering one Scope gave.
pub struct Lowering {
    /// The plan, when no finding is an error.
    pub plan: Option<Plan>,
    /// Check's findings about what the plan reads, then lowering's:
    /// unsuppressed, sorted, their files' texts loaded for rendering.
    pub findings: Vec<Diagnostic>,
    pub found: Found,
    pub outcome: CheckOutcome,
    /// Where the tree was read from: its root and `landfall.toml`.
    pub setup: Setup,
}

impl Lowering {
    pub fn summary(&self) -> Summary {
        let mut summary = Summary {
            files: self.outcome.files,
            documents: self.outcome.documents,
            ..Summary::default()
        };
        summary.count(&self.findings);
        summary
    }

    pub fn db(&self) -> &SourceDb {
        &self.found.db
    }
}

/// Reads `paths` as `check` does (project root, `landfall.toml`, file
/// selection), checks them and lowers `scope` (`APP/SCOPE`). `Err` is why
/// the command cannot run at all (exit status 2): a bad selector, an
/// unreadable path or configuration, an unknown scope; rendered, ready to
/// print.
pub fn check_and_lower(
    paths: &[PathBuf],
    scope: &str,
    color: ColorMode,
    dialect: Option<&str>,
) -> Result<Lowering, String> {
    let selector = ScopeSelector::parse(scope).map_err(|m| format!("error: {m}\n"))?;
    let setup = Setup::new(paths, "<stdin>").map_err(|failure| failure.render(color))?;
    let checked = setup
        .check(
            Request::Trees(paths),
            landfall_check::CheckOptions {
                named_dialects: crate::named_dialects(dialect),
                ..plan_check_options(&selector.application)
            },
            false,
        )
        .map_err(|failure| failure.render(color))?;
    let (outcome, mut found) = (checked.outcome, checked.found);
    let failures = found.loader.failures();
    if !failures.is_empty() {
        return Err(failures.iter().map(|f| format!("error: {f}\n")).collect());
    }
    let project = &outcome.project;
    let scope = match select(project, &selector) {
        Ok(scope) => scope,
        Err(message) => {
            let mut text = format!("error: {message}\n");
            let errors = outcome
                .diagnostics
                .iter()
                .filter(|d| d.is_error() && !d.is_suppressed())
                .count();
            if errors > 0 {
                text.push_str(&format!(
                    "note: `landfall check` finds {errors} error(s) in these files; a Scope in a file that cannot be read is not known\n"
                ));
            }
            return Err(text);
        }
    };

    // Check's findings about what the plan reads gate lowering (it would
    // repeat them); lowering's are settled as check's are.
    let Lowered {
        plan,
        diagnostics: mut findings,
    } = outcome.lower(scope);
    // Lowering's findings may point into files check had no finding in.
    load_texts(&mut found.db, &found.loader, &findings);
    sort_diagnostics(&mut findings, &found.db);
    Ok(Lowering {
        plan,
        findings,
        found,
        outcome,
        setup,
    })
}
