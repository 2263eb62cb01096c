//! A plan file (the input of `apply PLAN.json`) ─► validation ─► the
//! engine command lines of both engines and the steps of a first apply.
//! Never a panic; a refused plan's message quotes little of it.
#![no_main]

use std::path::Path;

use landfall_plan::Plan;
use landfall_runner::{Desired, EngineKind, ObservedScope, RunnerError, Secrets, reconcile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let Ok(plan) = Plan::from_json(text) else {
        return;
    };
    let secrets = Secrets::new(b"fuzz".to_vec(), []);
    for engine in [EngineKind::Podman, EngineKind::Docker] {
        match Desired::new(&plan, engine, Path::new("/state"), &secrets) {
            Ok(desired) => {
                let _ = reconcile(&desired, &ObservedScope::default()).render();
            }
            Err(RunnerError::InvalidPlan(message)) => {
                assert!(message.len() <= 4096, "{} bytes", message.len());
            }
            Err(_) => {}
        }
    }
});
