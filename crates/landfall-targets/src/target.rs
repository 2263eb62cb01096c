//! The seam every target implements: what selects it, what it writes, and
//! whether landfall can see what runs from it.
//!
//! A target is one module with one [`Target`] implementation, listed once in
//! [`crate::targets`]. The CLI asks the registry (never a match on
//! [`landfall_plan::Target`]) what to write for `plan -o` and whether to
//! observe before diffing.

use landfall_plan::Plan;

use crate::{Artifact, Problems};

/// A place a scope deploys to.
pub trait Target: Sync {
    /// The ScopeType's `spec.target` value that selects this target, which
    /// is also [`landfall_plan::Target::as_str`] of the plan it lowers to.
    fn name(&self) -> &'static str;

    /// The files another tool runs, by path; `None` for a target that is
    /// run (by the local runner) rather than written. `Err` says everything
    /// in the plan the target cannot express, and then nothing is written.
    fn emit(&self, plan: &Plan) -> Option<Result<Vec<Artifact>, Problems>>;

    /// Whether `landfall plan` can ask what runs now, to diff against it.
    fn observation(&self) -> Observation;
}

/// How (or whether) what runs from a target is observed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Observation {
    /// The local runner reads what runs through the container engine's
    /// labels.
    Engine,
    /// landfall writes the files and never sees what runs from them; `why`
    /// is the sentence `plan` prints above its diff, where everything then
    /// counts as to create.
    NotObserved { why: &'static str },
}
