//! Checking and lowering small trees written inline, for unit tests.

use landfall_check::{CheckInput, Preloaded, check_with_options, plan_check_options};
use landfall_diagnostics::{ColorMode, Diagnostic, SourceDb, Summary, render_human};
use landfall_plan::Plan;

use crate::{ScopeSelector, lower_after_check, plan_diagnostics, select};

pub struct Planned {
    pub plan: Option<Plan>,
    /// Check findings about the plan's files, then lowering's.
    pub diagnostics: Vec<Diagnostic>,
    pub db: SourceDb,
}

impl Planned {
    pub fn plan(&self) -> &Plan {
        match &self.plan {
            Some(plan) => plan,
            None => panic!("no plan:\n{}", self.rendered()),
        }
    }

    pub fn rendered(&self) -> String {
        let mut summary = Summary::default();
        summary.count(&self.diagnostics);
        String::from_utf8(render_human(
            &self.diagnostics,
            &self.db,
            &summary,
            ColorMode::Never,
        ))
        .unwrap()
    }

    pub fn rules(&self) -> Vec<&str> {
        self.diagnostics.iter().map(|d| d.rule.as_ref()).collect()
    }

    /// The rules of lowering's own findings.
    pub fn lowering_rules(&self) -> Vec<&str> {
        self.rules()
            .into_iter()
            .filter(|r| r.starts_with("plan/"))
            .collect()
    }
}

/// Checks `files` as a tree and lowers `selector`'s Scope, as `landfall
/// plan` does (errors in the plan's files stop it).
pub fn plan_tree(files: &[(&str, &str)], selector: &str) -> Planned {
    let selector = ScopeSelector::parse(selector).unwrap();
    let mut db = SourceDb::new();
    let inputs: Vec<CheckInput> = files
        .iter()
        .map(|(name, text)| CheckInput {
            file: db.add(*name, *text),
            explicit: false,
        })
        .collect();
    let outcome = check_with_options(
        &mut db,
        &inputs,
        &Preloaded,
        plan_check_options(&selector.application),
    );
    let scope = select(&outcome.project, &selector).unwrap();
    // Not `CheckOutcome::lower`: inside this crate's own unit tests the
    // checker (a dev-dependency) links another copy of landfall-lower, whose
    // types are not this crate's. These tests need no suppressions or
    // levels, only lowering itself.
    let findings = plan_diagnostics(&outcome.project, scope, &outcome.diagnostics)
        .into_iter()
        .cloned()
        .collect();
    let lowered = lower_after_check(&outcome.project, scope, findings);
    Planned {
        plan: lowered.plan,
        diagnostics: lowered.diagnostics,
        db,
    }
}
