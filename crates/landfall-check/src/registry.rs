//! The one registry of every rule landfall can report: the front end's,
//! the catalogue's, the driver's own, lowering's `plan/*` and the policy
//! language's. Levels (Platform `spec.rules`, `landfall.toml`), inline
//! suppressions, baselines, SARIF rule lists, `landfall rules`, `landfall
//! explain` and the documentation-example test all read it, so what is
//! documented is what runs and what can be configured.

use landfall_diagnostics::{Applicability, RuleMeta};

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

/// A fix a rule's findings offer, and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleFix {
    pub applicability: Applicability,
    /// When the finding has it and what it does.
    pub what: &'static str,
}

/// The fixes of the rules that have any (`check --fix`, `--diff`,
/// `--unsafe-fixes`, the language server's code actions); every other rule
/// has none. Kept beside the registry so that the rule reference and the
/// rule listings say which rules fix, and a test holds it to the registry.
const FIXES: &[(&str, RuleFix)] = &[
    (
        "ambiguous-scalar",
        RuleFix {
            applicability: Applicability::Safe,
            what: "the scalar quoted exactly as written, where YAML 1.2 reads it as a string already",
        },
    ),
    (
        "ambiguous-scalar",
        RuleFix {
            applicability: Applicability::Unsafe,
            what: "the scalar quoted exactly as written, where YAML 1.2 reads a number (quoting changes its type)",
        },
    ),
    (
        "schema",
        RuleFix {
            applicability: Applicability::Safe,
            what: "an unknown field with one did-you-mean renamed to it, unless the mapping has that field already",
        },
    ),
    (
        "unresolved-reference",
        RuleFix {
            applicability: Applicability::Safe,
            what: "an application, scope type, workload or `${NAME}` with one did-you-mean renamed to it",
        },
    ),
];

/// The fixes the rule with this id offers (none for most rules).
pub fn fixes_of(id: &str) -> Vec<RuleFix> {
    FIXES
        .iter()
        .filter(|(rule, _)| *rule == id)
        .map(|(_, fix)| *fix)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixes_are_of_registered_rules() {
        for (id, _) in FIXES {
            assert!(rule(id).is_some(), "`{id}` has fixes but is not registered");
        }
    }

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
