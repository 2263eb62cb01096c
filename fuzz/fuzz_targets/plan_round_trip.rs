//! A spec tree (the example's Application, Platform and ScopeTypes, and a
//! fuzzed file) ─► check ─► plan of every Scope ─► JSON ─► plan (equal)
//! ─► both targets' emitters ─► their YAML read back by landfall's reader.
#![no_main]

use landfall_check::{CheckInput, Preloaded, check_with_options, plan_check_options};
use landfall_diagnostics::{FileId, SourceDb};
use landfall_plan::Plan;
use libfuzzer_sys::fuzz_target;

const TREE: [(&str, &str); 3] = [
    (
        "application.yaml",
        include_str!("../../examples/shop/application.yaml"),
    ),
    (
        "platform.yaml",
        include_str!("../../examples/shop/platform.yaml"),
    ),
    (
        "scopetypes.yaml",
        include_str!("../../examples/shop/scopetypes.yaml"),
    ),
];

fuzz_target!(|text: &str| {
    let mut db = SourceDb::new();
    let mut inputs: Vec<CheckInput> = TREE
        .iter()
        .map(|(name, text)| CheckInput {
            file: db.add(name.to_string(), text.to_string()),
            explicit: false,
        })
        .collect();
    inputs.push(CheckInput {
        file: db.add("fuzzed.yaml".to_string(), text.to_string()),
        explicit: false,
    });
    let outcome = check_with_options(&mut db, &inputs, &Preloaded, plan_check_options("shop"));
    for scope in outcome.project.scopes() {
        let Some(plan) = outcome.lower(scope).plan else {
            continue;
        };
        let json = plan.to_json();
        let back = Plan::from_json(&json).expect("a plan's JSON reads back");
        assert_eq!(back, plan, "the plan survives its JSON");
        for target in [
            landfall_targets::compose::emit,
            landfall_targets::kubernetes::emit,
        ] {
            let Ok(artifacts) = target(&plan) else {
                continue;
            };
            for artifact in artifacts {
                if artifact.path.ends_with(".yaml") {
                    let parsed = landfall_yaml::parse(
                        FileId(0),
                        &artifact.contents,
                        &landfall_yaml::Limits::default(),
                    );
                    assert!(
                        parsed.diagnostics.is_empty(),
                        "{}: {:?}",
                        artifact.path,
                        parsed.diagnostics
                    );
                }
            }
        }
    }
});
