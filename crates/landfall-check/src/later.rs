//! Findings of the stages after check: lowering's `plan/*` findings are
//! suppressed by `# landfall-ignore` comments and levelled by the Platform's
//! `spec.rules` and `landfall.toml` exactly as check's own findings are.
//! Check scans the comments and reads the configuration once; what concerns
//! later stages is kept in its outcome, and [`LaterFindings::settle`]
//! applies it.

use std::collections::HashMap;

use landfall_diagnostics::{Diagnostic, FileId};
use landfall_rules::EffectivePlatform;

use landfall_lower::{Lowered, lower_after_check, plan_diagnostics};
use landfall_model::Scope;

use crate::pipeline::{CheckOptions, CheckOutcome};
use crate::registry::{Stage, rules_of};
use crate::severity::{Level, RuleSetting, configured_level};
use crate::suppression::{self, Comment};

/// What check keeps for the findings of later stages.
#[derive(Debug, Default)]
pub struct LaterFindings {
    /// The suppression comments that name a later stage's rule, by file.
    suppressions: HashMap<FileId, Vec<Comment>>,
    /// The configured level of every later stage's rule that has one.
    levels: Vec<(&'static str, Level)>,
}

impl LaterFindings {
    pub(crate) fn new(
        mut suppressions: HashMap<FileId, Vec<Comment>>,
        platform: &EffectivePlatform,
        repository: &[RuleSetting],
    ) -> LaterFindings {
        suppressions.retain(|_, comments| {
            comments.retain(Comment::names_later_rule);
            !comments.is_empty()
        });
        let levels = rules_of(Stage::Lowering)
            .filter_map(|rule| Some((rule.id, configured_level(rule.id, platform, repository)?)))
            .collect();
        LaterFindings {
            suppressions,
            levels,
        }
    }

    /// Marks the findings a suppression comment covers as suppressed, sets
    /// each finding's configured level and drops those switched `off`.
    ///
    /// When the stage could not produce its result (`failed`: lowering made
    /// no plan), its errors are left as they are: configuration cannot make
    /// a plan that could not be made, and hiding why would leave the user
    /// with neither a plan nor a reason.
    pub fn settle(&self, findings: &mut Vec<Diagnostic>, failed: bool) {
        let (mut settled, kept): (Vec<Diagnostic>, Vec<Diagnostic>) = std::mem::take(findings)
            .into_iter()
            .partition(|d| !(failed && d.is_error()));
        suppression::mark(&mut settled, &self.suppressions);
        settled.retain_mut(|d| {
            self.levels
                .iter()
                .find(|(id, _)| *id == d.rule)
                .is_none_or(|&(_, level)| level.apply(d))
        });
        *findings = kept;
        findings.extend(settled);
    }
}

impl CheckOutcome {
    /// Lowers `scope` (a Scope of this outcome's project) after the check:
    /// check's unsuppressed findings about what the plan reads gate it,
    /// lowering's findings are settled (suppressions, levels), and a plan
    /// is returned only when no unsuppressed error remains. The one path
    /// from a checked tree to a plan, for `plan`, `apply`, `run` and tests.
    pub fn lower(&self, scope: &Scope) -> Lowered {
        let check = plan_diagnostics(&self.project, scope, &self.diagnostics)
            .into_iter()
            .filter(|d| !d.is_suppressed())
            .cloned()
            .collect();
        let Lowered {
            plan,
            mut diagnostics,
        } = lower_after_check(&self.project, scope, check);
        self.later.settle(&mut diagnostics, plan.is_none());
        // A finding configuration raised to an error stops the plan too.
        let plan = plan.filter(|_| {
            !diagnostics
                .iter()
                .any(|d| d.is_error() && !d.is_suppressed())
        });
        Lowered { plan, diagnostics }
    }
}

/// How `landfall plan` checks before it lowers a Scope of `application`:
/// that application's documents are kept whole, so that lowering can read
/// every field.
pub fn plan_check_options(application: &str) -> CheckOptions {
    CheckOptions {
        keep_whole_application: Some(application.to_string()),
        ..CheckOptions::default()
    }
}
