//! The check pipeline, and the one registry of every rule landfall can
//! report.
//!
//! It drives the stages the crates below it own: `landfall-yaml` (reading),
//! `landfall-model` (classify, build, resolve), `landfall-schema`
//! (validation), `landfall-rules` (the rule catalogue), `landfall-policy`
//! (the Platform's policies); then it applies inline suppressions and rule
//! levels (Platform `spec.rules`, `landfall.toml`) to every finding,
//! lowering's `plan/*` findings included.
//!
//! Pure: the caller reads the files (through a [`Loader`]); this crate
//! returns diagnostics.

// ARCHITECTURE.md, Invariants: "Library crates do no IO and never print"
// (IO through clippy.toml's disallowed-methods) and "no HashMap iteration
// reaches any output". A loop over a hash map that provably never reaches
// output allows the lint locally, saying why.
#![deny(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::iter_over_hash_type,
    clippy::disallowed_methods
)]

pub mod dialect;
mod later;
mod pipeline;
mod platform_config;
mod policy_tests;
mod reference;
mod registry;
mod severity;
mod suppression;
mod unread;

pub use later::{LaterFindings, plan_check_options};
pub use pipeline::{
    CheckInput, CheckOptions, CheckOutcome, Loaded, Loader, Preloaded, check, check_with,
    check_with_options, compile_schemas, load_texts, policy_rules,
};
pub use platform_config::META as PLATFORM_CONFIG;
pub use policy_tests::{PolicyTestReport, PolicyTestResult, TestFinding, test_policies};
pub use reference::{rule_docs_path, rules_reference};
pub use registry::{RuleFix, Stage, fixes_of, registry, rule, stage_of};
pub use severity::{Level, RuleSetting};
