//! `schemas/plan.schema.json`: the shape of the Plan JSON that `landfall
//! plan` writes and the runner and targets read.

use std::sync::OnceLock;

use jsonschema::{PatternOptions, Validator};
use serde_json::Value;

/// The Plan JSON's schema, as shipped in `schemas/`.
pub const PLAN_SCHEMA: &str = include_str!("../../../schemas/plan.schema.json");

fn validator() -> &'static Validator {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema: Value = serde_json::from_str(PLAN_SCHEMA).expect("the plan schema is JSON");
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .with_pattern_options(PatternOptions::regex())
            .build(&schema)
            .expect("the plan schema compiles; a test checks it")
    })
}

/// Every way `plan` breaks the plan schema, as `at /pointer: message`
/// lines; empty for a valid plan.
pub fn plan_schema_errors(plan: &Value) -> Vec<String> {
    let validator = validator();
    if validator.is_valid(plan) {
        return Vec::new();
    }
    validator
        .iter_errors(plan)
        .map(|e| format!("at {}: {e}", e.instance_path().as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_schema_compiles_and_refuses_what_is_no_plan() {
        let errors = plan_schema_errors(&serde_json::json!({"planVersion": 1, "extra": true}));
        assert!(errors.iter().any(|e| e.contains("extra")), "{errors:?}");
        assert!(
            errors.iter().any(|e| e.contains("application")),
            "{errors:?}"
        );
    }
}
