//! The local target: the runner starts the plan's containers itself through
//! podman or docker, so there is nothing to write, and what runs is read
//! back from the engine.

use landfall_plan::Plan;

use crate::target::{Observation, Target};
use crate::{Artifact, Problems};

pub struct Local;

impl Target for Local {
    fn name(&self) -> &'static str {
        "local"
    }

    fn emit(&self, _plan: &Plan) -> Option<Result<Vec<Artifact>, Problems>> {
        None
    }

    fn observation(&self) -> Observation {
        Observation::Engine
    }
}
