//! The one registry of rules: `landfall rules`, `landfall explain` and the
//! documentation tests all read it, so what is documented is what runs.

use landfall_diagnostics::RuleMeta;

/// Every rule, in pipeline order: reading the files, names and references,
/// then the built-in rules.
pub fn registry() -> Vec<&'static RuleMeta> {
    let mut all: Vec<&'static RuleMeta> = Vec::new();
    all.extend(landfall_yaml::rules::ALL);
    all.extend(landfall_model::rules::ALL.iter().copied().take(1));
    all.extend(landfall_schema::rules::ALL);
    all.extend(landfall_model::rules::ALL.iter().copied().skip(1));
    all.extend(crate::rules::all().map(|r| r.meta()));
    all.push(&crate::suppression::UNUSED_SUPPRESSION);
    all.extend(landfall_policy::rules::ALL);
    all
}

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static RuleMeta> {
    registry().into_iter().find(|r| r.id == id)
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
}
