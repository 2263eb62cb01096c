//! What stops the runner, by kind: the command line maps each kind to an
//! exit status and a message, so "podman is not running" never reads like
//! "your spec is wrong". Messages name secrets by reference only; engine
//! output in them was redacted by the executor that read it.

use std::fmt;
use std::path::PathBuf;

use crate::engine::EngineCommand;
use crate::exec::Output;

#[derive(Debug)]
pub enum RunnerError {
    /// Another landfall process holds the scope's lock.
    Locked {
        /// `APP/SCOPE`.
        scope: String,
        /// Who holds it, as its lock file says.
        holder: String,
        lock: PathBuf,
    },
    /// An engine command ran and failed.
    Engine {
        /// The whole command as a shell line, secrets by reference.
        command: String,
        /// The engine's program and subcommand (`podman network create`):
        /// what the message names, the whole line being long.
        summary: String,
        /// `None`: stopped by a signal or at its timeout.
        status: Option<i32>,
        /// What the engine printed on standard error, redacted.
        stderr: String,
    },
    /// An engine command succeeded but printed what the runner cannot read.
    EngineOutput {
        command: String,
        summary: String,
        reason: String,
    },
    /// The engine's program cannot be found; `None` when none was named
    /// and neither podman nor docker is on `PATH`.
    EngineMissing { program: Option<String> },
    /// A replica did not become ready, exited, or failed its healthy time.
    NotReady {
        workload: String,
        /// The container, when one replica is to blame.
        replica: Option<String>,
        /// What failed, with the replicas' last log lines.
        reason: String,
    },
    /// `run` of a workload the plan does not have as a cron workload.
    NoSuchJob {
        name: String,
        /// The plan's cron workloads, sorted.
        known: Vec<String>,
    },
    /// `run` of a workload that is a service, not a cron workload.
    NotAJob { name: String },
    /// A plan the local runner refuses: another target, a name or value
    /// that would not survive the command line.
    InvalidPlan(String),
    /// A secret without a value, or a secrets file that cannot be read.
    Secret(String),
    /// A file or directory of the state directory (or another local
    /// resource) could not be read or written.
    Io {
        /// What was attempted: `cannot create /path`.
        context: String,
        error: std::io::Error,
    },
    /// The state directory is missing or holds something unusable.
    State(String),
    /// A failure inside one workload's steps (other than [`Self::NotReady`],
    /// which names its workload itself).
    Workload {
        workload: String,
        error: Box<RunnerError>,
    },
    /// Several workloads failed side by side, in the plan's order.
    Several(Vec<RunnerError>),
}

impl RunnerError {
    /// The engine failed running `command`.
    pub fn engine(command: &EngineCommand, output: &Output) -> RunnerError {
        RunnerError::Engine {
            command: command.to_string(),
            summary: summary(command),
            status: output.status,
            stderr: output.stderr.trim().to_string(),
        }
    }

    /// `command` succeeded, but what it printed says nothing the runner
    /// can read, for `reason`.
    pub fn unreadable(command: &EngineCommand, reason: String) -> RunnerError {
        RunnerError::EngineOutput {
            command: command.to_string(),
            summary: summary(command),
            reason,
        }
    }

    pub fn io(context: impl Into<String>, error: std::io::Error) -> RunnerError {
        RunnerError::Io {
            context: context.into(),
            error,
        }
    }

    /// The whole engine command behind this error (the first one when
    /// several failed), as a shell line with secrets by reference: for
    /// the command line to show when asked to be verbose.
    pub fn command(&self) -> Option<&str> {
        match self {
            RunnerError::Engine { command, .. } | RunnerError::EngineOutput { command, .. } => {
                Some(command)
            }
            RunnerError::Workload { error, .. } => error.command(),
            RunnerError::Several(errors) => errors.iter().find_map(RunnerError::command),
            _ => None,
        }
    }

    /// Every failure, [`Self::Several`] and [`Self::Workload`] unwrapped.
    pub fn causes(&self) -> Vec<&RunnerError> {
        match self {
            RunnerError::Several(errors) => errors.iter().flat_map(RunnerError::causes).collect(),
            RunnerError::Workload { error, .. } => error.causes(),
            other => vec![other],
        }
    }

    /// One error for the failures of workloads that ran side by side.
    pub fn all(mut errors: Vec<RunnerError>) -> RunnerError {
        if errors.len() == 1 {
            errors.remove(0)
        } else {
            RunnerError::Several(errors)
        }
    }
}

/// The engine's program and its subcommand (`podman network create`):
/// what a message names, the whole line (labels, every option) being long.
fn summary(command: &EngineCommand) -> String {
    let mut summary = command.engine.program().to_string();
    for arg in command
        .args
        .iter()
        .take_while(|a| !a.starts_with('-'))
        .take(2)
    {
        summary.push(' ');
        summary.push_str(arg);
    }
    summary
}

impl fmt::Display for RunnerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunnerError::Locked {
                scope,
                holder,
                lock,
            } => write!(
                f,
                "scope `{scope}` is locked by {holder}; wait for it to end (lock file {})",
                lock.display()
            ),
            RunnerError::Engine {
                summary,
                status,
                stderr,
                ..
            } => {
                let ended = match status {
                    Some(code) => format!("`{summary}` exited with status {code}"),
                    None => format!("`{summary}` was stopped before it ended"),
                };
                if stderr.is_empty() {
                    write!(f, "{ended} and printed no error")
                } else {
                    write!(f, "{stderr} ({ended})")
                }
            }
            RunnerError::EngineOutput {
                summary, reason, ..
            } => write!(f, "cannot read what `{summary}` printed: {reason}"),
            RunnerError::EngineMissing { program: None } => f.write_str(
                "neither podman nor docker is on PATH: install one, or name it with --engine",
            ),
            RunnerError::EngineMissing {
                program: Some(program),
            } => write!(
                f,
                "cannot start `{program}`: it is not on PATH (is {program} installed?)"
            ),
            RunnerError::NotReady {
                workload, reason, ..
            } => write!(f, "workload `{workload}`: {reason}"),
            RunnerError::NoSuchJob { name, known } => {
                let hint =
                    landfall_diagnostics::did_you_mean(name, known.iter().map(String::as_str))
                        .map(|c| format!("; did you mean `{c}`?"))
                        .unwrap_or_default();
                let known = if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                };
                write!(
                    f,
                    "the plan has no cron workload `{name}`{hint} (it has {known})"
                )
            }
            RunnerError::NotAJob { name } => write!(
                f,
                "workload `{name}` is not a cron workload: `landfall apply` runs it"
            ),
            RunnerError::InvalidPlan(message)
            | RunnerError::Secret(message)
            | RunnerError::State(message) => f.write_str(message),
            RunnerError::Io { context, error } => write!(f, "{context}: {error}"),
            RunnerError::Workload { workload, error } => {
                write!(f, "workload `{workload}`: {error}")
            }
            RunnerError::Several(errors) => {
                for (i, error) in errors.iter().enumerate() {
                    if i > 0 {
                        f.write_str("\n")?;
                    }
                    write!(f, "{error}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for RunnerError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RunnerError::Io { error, .. } => Some(error),
            RunnerError::Workload { error, .. } => Some(error.as_ref()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::EngineKind;

    #[test]
    fn an_engine_failure_leads_with_the_engine_s_message() {
        let command = EngineCommand::new(
            EngineKind::Podman,
            ["network", "create", "--label", "a=b", "shop-local-default"],
        );
        let output = Output {
            status: Some(125),
            stdout: String::new(),
            stderr: "Error: cannot connect to Podman\n".into(),
        };
        let error = RunnerError::engine(&command, &output);
        assert_eq!(
            error.to_string(),
            "Error: cannot connect to Podman (`podman network create` exited with status 125)"
        );
        assert_eq!(
            error.command(),
            Some("podman network create --label 'a=b' shop-local-default")
        );
        let silent = Output {
            status: None,
            ..Output::default()
        };
        assert_eq!(
            RunnerError::engine(&command, &silent).to_string(),
            "`podman network create` was stopped before it ended and printed no error"
        );
    }

    #[test]
    fn a_missing_job_suggests_a_close_name() {
        let error = RunnerError::NoSuchJob {
            name: "nightly-reprot".into(),
            known: vec!["nightly-report".into(), "weekly-digest".into()],
        };
        assert_eq!(
            error.to_string(),
            "the plan has no cron workload `nightly-reprot`; did you mean `nightly-report`? (it has nightly-report, weekly-digest)"
        );
        let none = RunnerError::NoSuchJob {
            name: "x".into(),
            known: Vec::new(),
        };
        assert_eq!(
            none.to_string(),
            "the plan has no cron workload `x` (it has none)"
        );
    }

    #[test]
    fn failures_side_by_side_are_listed_in_order_with_their_workloads() {
        let error = RunnerError::all(vec![
            RunnerError::NotReady {
                workload: "api".into(),
                replica: Some("shop-local-api-0".into()),
                reason: "shop-local-api-0 is exited, not running".into(),
            },
            RunnerError::Workload {
                workload: "web".into(),
                error: Box::new(RunnerError::State("gone".into())),
            },
        ]);
        assert_eq!(
            error.to_string(),
            "workload `api`: shop-local-api-0 is exited, not running\nworkload `web`: gone"
        );
        assert_eq!(error.causes().len(), 2);
        assert!(matches!(error.causes()[1], RunnerError::State(_)));
    }
}
