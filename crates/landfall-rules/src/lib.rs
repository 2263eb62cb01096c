//! The rule registry, the built-in rules and the check pipeline that runs
//! every stage over a [`SourceDb`](landfall_diagnostics::SourceDb).
//!
//! Pure: the caller reads the files; this crate returns diagnostics.

mod context;
mod pipeline;
mod policy_tests;
/// Quantities and durations live with the model, which policies share.
pub use landfall_model::quantity;
mod registry;
mod rules;
mod severity;
mod suppression;
#[cfg(test)]
mod testing;

pub use context::{Context, DocumentContext, EffectivePlatform, Setting};
pub use pipeline::{
    CheckInput, CheckOptions, CheckOutcome, Loaded, Loader, Preloaded, check, check_with,
    check_with_options, compile_schemas, load_texts, policy_rules,
};
pub use policy_tests::{PolicyTestReport, PolicyTestResult, TestFinding, test_policies};
pub use registry::{registry, rule};
pub use rules::platform_config::META as PLATFORM_CONFIG;
pub use rules::{Rule, all as all_rules, effective_parameters};
pub use severity::{Level, RuleSetting};
