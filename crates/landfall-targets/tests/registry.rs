//! The target registry is the one list of targets: every other spelling of
//! the targets (the plan IR's enum, the model's, both schemas) is held to
//! it here, and emitting through it is emitting through the target's module.

mod support;

use landfall_plan::{Plan, Target as IrTarget};
use landfall_targets::{Artifact, Observation, Problems, compose, kubernetes, targets};
use serde_json::Value;
use support::*;

fn registry_names() -> Vec<&'static str> {
    targets().iter().map(|t| t.name()).collect()
}

/// The `enum` of the `target` property under `path` in a schema file.
fn schema_enum(file: &str, path: &[&str]) -> Vec<String> {
    let file = repo_root().join("schemas").join(file);
    let text = std::fs::read_to_string(&file).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    let mut node = &schema;
    for key in path {
        node = node
            .get(key)
            .unwrap_or_else(|| panic!("{}: no `{key}` in {path:?}", file.display()));
    }
    node["enum"]
        .as_array()
        .unwrap_or_else(|| panic!("{}: {path:?} has no enum", file.display()))
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_registry_ir_model_and_schemas_name_the_same_targets() {
    let names = registry_names();
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(
        unique.len(),
        names.len(),
        "a target is registered twice: {names:?}"
    );

    let ir: Vec<&str> = IrTarget::ALL.iter().map(|t| t.as_str()).collect();
    assert_eq!(ir, names, "the plan IR's Target against the registry");
    for &target in IrTarget::ALL {
        assert_eq!(target.as_str().parse::<IrTarget>(), Ok(target));
        assert_eq!(
            landfall_targets::target(target.as_str()).unwrap().name(),
            target.as_str()
        );
    }

    let model: Vec<&str> = landfall_model::Target::ALL
        .iter()
        .map(|t| t.as_str())
        .collect();
    assert_eq!(model, names, "the model's Target against the registry");
    for name in &names {
        let parsed = landfall_model::Target::parse(name)
            .unwrap_or_else(|| panic!("the model does not parse target `{name}`"));
        assert_eq!(parsed.as_str(), *name);
    }

    let scopetype = schema_enum(
        "scopetype.schema.json",
        &["$defs", "spec", "properties", "target"],
    );
    assert_eq!(
        scopetype, names,
        "schemas/scopetype.schema.json against the registry"
    );
    let plan = schema_enum(
        "plan.schema.json",
        &["$defs", "scope", "properties", "target"],
    );
    assert_eq!(plan, names, "schemas/plan.schema.json against the registry");
}

#[test]
fn an_unknown_name_is_no_target() {
    assert!(landfall_targets::target("podman").is_none());
    assert!(landfall_model::Target::parse("podman").is_none());
    assert!("podman".parse::<IrTarget>().is_err());
}

#[test]
fn only_the_local_target_is_observed() {
    let observed: Vec<(&str, Observation)> = targets()
        .iter()
        .map(|t| (t.name(), t.observation()))
        .collect();
    assert_eq!(
        observed,
        [
            ("local", Observation::Engine),
            (
                "compose",
                Observation::NotObserved {
                    why: "landfall does not observe compose targets"
                }
            ),
            (
                "kubernetes",
                Observation::NotObserved {
                    why: "landfall does not observe kubernetes targets"
                }
            ),
        ]
    );
}

/// What the target's own module gives for the plan; `None` for local.
fn direct(target: IrTarget, plan: &Plan) -> Option<Result<Vec<Artifact>, Problems>> {
    match target {
        IrTarget::Local => None,
        IrTarget::Compose => Some(compose::emit(plan)),
        IrTarget::Kubernetes => Some(kubernetes::emit(plan)),
    }
}

#[test]
fn emitting_through_the_registry_is_emitting_through_the_module() {
    for case in cases() {
        for &target in IrTarget::ALL {
            let mut plan = case.plan.clone();
            plan.scope.target = target;
            let expected = direct(target, &plan);
            let registered = landfall_targets::target(target.as_str()).unwrap();
            assert_eq!(
                registered.emit(&plan),
                expected,
                "{} as {target}",
                case.name
            );
            assert_eq!(
                landfall_targets::emit(&plan),
                expected,
                "{} as {target}",
                case.name
            );
            assert_eq!(landfall_targets::target_of(&plan).name(), target.as_str());
        }
    }
}
