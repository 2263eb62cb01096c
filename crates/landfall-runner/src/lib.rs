//! The local runner: executes a [`landfall_plan::Plan`] on podman or docker
//! through their command lines. The only crate that starts processes.
//!
//! The flow of an apply: [`Desired`] makes the plan concrete (names,
//! labels, the exact command lines; pure), [`observe`] reads what runs
//! from the engine's labels, [`reconcile`] turns the two into [`Step`]s
//! (pure, so `--dry-run` and snapshot tests see exactly what would run),
//! and [`Runner`] carries them out through an [`Executor`], probing
//! readiness itself. What stops any of them is a [`RunnerError`], by kind,
//! so the command line can tell a failing engine from a plan it refuses.

#![allow(
    clippy::disallowed_methods,
    reason = "the runner is the one crate that starts processes (the engine's CLI) and keeps a state directory"
)]

pub mod decide;
pub mod desired;
pub mod engine;
pub mod error;
pub mod exec;
pub mod names;
pub mod observe;
pub mod ports;
pub mod probe;
pub mod reconcile;
pub mod runner;
pub mod running;
pub mod secrets;
pub mod state;
pub mod status;

pub use desired::Desired;
pub use engine::{EngineCommand, EngineKind};
pub use error::RunnerError;
pub use exec::{Executor, ProcessExecutor, RecordingExecutor};
pub use observe::{ObservedScope, observe};
pub use reconcile::{ApplySteps, Step, reconcile};
pub use runner::{ApplyReport, DownReport, Progress, Runner, Silent};
pub use running::observed_for_plan;
pub use secrets::{SecretValue, Secrets};
pub use status::Status;

/// The engine to use when none is named: podman if its command is found
/// on `PATH`, else docker.
pub fn detect_engine(path: Option<&std::ffi::OsStr>) -> Result<EngineKind, RunnerError> {
    let path = path.unwrap_or_default();
    for kind in [EngineKind::Podman, EngineKind::Docker] {
        if std::env::split_paths(path).any(|dir| dir.join(kind.program()).is_file()) {
            return Ok(kind);
        }
    }
    Err(RunnerError::EngineMissing { program: None })
}
