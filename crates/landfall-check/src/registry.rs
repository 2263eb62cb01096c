//! The one registry of every rule landfall can report: the front end's,
//! the catalogue's, the driver's own, lowering's `plan/*` and the policy
//! language's. Levels (Platform `spec.rules`, `landfall.toml`), inline
//! suppressions, baselines, SARIF rule lists, `landfall rules`, `landfall
//! explain` and the documentation-example test all read it, so what is
//! documented is what runs and what can be configured.

use landfall_diagnostics::RuleMeta;

/// The stage of the pipeline that reports a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Reading, classifying, validating and building documents, and
    /// resolving names across files.
    FrontEnd,
    /// The built-in rules of the catalogue.
    Rules,
    /// The driver's own: the Platform's configuration, suppressions.
    Driver,
    /// The policy language's own findings (`policy-syntax`, `policy-type`);
    /// the policy rules themselves are `policy/<id>`.
    Policy,
    /// Lowering a Scope into a plan (`landfall plan`, `apply`, `run`):
    /// `landfall check` never reports these.
    Lowering,
}

/// Every rule, in pipeline order, with the stage that reports it.
fn staged() -> impl Iterator<Item = (Stage, &'static RuleMeta)> {
    let model = landfall_model::rules::ALL.iter().copied();
    let front_end = landfall_yaml::rules::ALL
        .iter()
        .copied()
        .chain(model.clone().take(1))
        .chain(landfall_schema::rules::ALL.iter().copied())
        .chain(model.skip(1))
        .chain([&crate::dialect::TEMPLATED_FILE])
        .chain(
            crate::dialect::registry()
                .iter()
                .flat_map(|d| d.rules().iter().copied()),
        );
    front_end
        .map(|r| (Stage::FrontEnd, r))
        .chain(landfall_rules::all_rules().map(|r| (Stage::Rules, r.meta())))
        .chain(
            [
                &crate::platform_config::META,
                &crate::suppression::UNUSED_SUPPRESSION,
            ]
            .map(|r| (Stage::Driver, r)),
        )
        .chain(
            landfall_policy::rules::ALL
                .iter()
                .map(|r| (Stage::Policy, *r)),
        )
        .chain(
            landfall_lower::rules::ALL
                .iter()
                .map(|r| (Stage::Lowering, *r)),
        )
}

/// Every rule, in pipeline order: reading the files, names and references,
/// the built-in rules, the driver's, the policy language's, lowering's.
pub fn registry() -> Vec<&'static RuleMeta> {
    staged().map(|(_, rule)| rule).collect()
}

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static RuleMeta> {
    staged().map(|(_, r)| r).find(|r| r.id == id)
}

/// The rules a stage reports, in pipeline order.
pub(crate) fn rules_of(stage: Stage) -> impl Iterator<Item = &'static RuleMeta> {
    staged()
        .filter(move |(s, _)| *s == stage)
        .map(|(_, rule)| rule)
}

/// The stage that reports the rule with this id (`None` for an unknown id
/// and for `policy/<id>`, whose rules come from the Platform's files).
pub fn stage_of(id: &str) -> Option<Stage> {
    staged().find(|(_, r)| r.id == id).map(|(stage, _)| stage)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique() {
        let mut ids: Vec<&str> = registry().iter().map(|r| r.id).collect();
        let count = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), count);
    }

    #[test]
    fn lowering_rules_are_registered_after_check() {
        assert_eq!(stage_of("plan/host-port"), Some(Stage::Lowering));
        assert_eq!(stage_of("blocked-port"), Some(Stage::Rules));
        assert_eq!(stage_of("yaml-syntax"), Some(Stage::FrontEnd));
        assert_eq!(stage_of("platform-config"), Some(Stage::Driver));
        assert_eq!(stage_of("policy/no-such"), None);
        assert!(rule("plan/volume-kind").is_some());
    }
}
