//! Targets: pure functions from a [`Plan`] to the files another tool runs.
//!
//! Each target is one module implementing [`Target`], listed once in
//! [`targets`]:
//! - [`local`]: nothing to write, the runner executes the plan;
//! - [`compose`]: `compose.yaml` (and the config files it bind-mounts) for
//!   docker-compose and podman-compose;
//! - [`kubernetes`]: one multi-document `kubernetes.yaml` for `kubectl
//!   apply -f` (and `podman kube play`).
//!
//! They read only the Plan (never YAML or the model), do no IO, and give
//! byte-identical output for identical plans. [`yaml`] is the emitter both
//! use: strings a YAML 1.1 reader would take for something else are quoted.

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

use std::fmt;

use landfall_plan::Plan;

pub mod compose;
pub mod kubernetes;
pub mod local;
pub mod names;
mod target;
pub mod yaml;

pub use target::{Observation, Target};

/// Every target, once: the one list a new target is added to. A test holds
/// the names to the plan IR's `Target`, the model's and both schemas.
pub fn targets() -> &'static [&'static dyn Target] {
    &[&local::Local, &compose::Compose, &kubernetes::Kubernetes]
}

/// The target a ScopeType's `spec.target` value (or a plan's
/// `scope.target`) names.
pub fn target(name: &str) -> Option<&'static dyn Target> {
    targets().iter().copied().find(|t| t.name() == name)
}

/// The target of the plan's scope.
pub fn target_of(plan: &Plan) -> &'static dyn Target {
    let name = plan.scope.target.as_str();
    // Every IR target is registered (the registry test holds the two lists
    // equal), so this lookup cannot miss.
    target(name).unwrap_or_else(|| panic!("target `{name}` is not registered"))
}

/// One file to write: a relative path (`/`-separated) and its contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Artifact {
    pub path: String,
    pub contents: String,
}

/// What in a plan a target cannot express (a secret reference that is no
/// Kubernetes name, two containers that would be one compose service): the
/// target writes nothing then, and says every reason.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Problems(pub Vec<String>);

impl Problems {
    pub fn push(&mut self, problem: String) {
        self.0.push(problem);
    }

    fn into_result<T>(mut self, value: T) -> Result<T, Problems> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            self.0.sort();
            self.0.dedup();
            Err(self)
        }
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, problem) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str("\n")?;
            }
            f.write_str(problem)?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

/// The artifacts of the plan's target, by path; `None` for the local target,
/// which the runner executes instead of writing files.
pub fn emit(plan: &Plan) -> Option<Result<Vec<Artifact>, Problems>> {
    target_of(plan).emit(plan)
}
