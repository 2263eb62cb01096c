//! Findings of the stages after check: lowering's `plan/*` findings are
//! suppressed by `# landfall-ignore` comments and levelled by the Platform's
//! `spec.rules` and `landfall.toml` exactly as check's own findings are.
//! Check scans the comments and reads the configuration once; what concerns
//! later stages is kept in its outcome, and [`LaterFindings::settle`]
//! applies it.

use std::collections::HashMap;

use landfall_diagnostics::{Diagnostic, FileId};
use landfall_rules::EffectivePlatform;

use crate::pipeline::CheckOptions;
use crate::registry::{Stage, registry, stage_of};
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
        let levels = registry()
            .into_iter()
            .filter(|rule| stage_of(rule.id) == Some(Stage::Lowering))
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
            let Some(&(_, level)) = self.levels.iter().find(|(id, _)| *id == d.rule) else {
                return true;
            };
            match level.severity() {
                Some(severity) => {
                    d.severity = severity;
                    true
                }
                None => false,
            }
        });
        *findings = kept;
        findings.extend(settled);
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
