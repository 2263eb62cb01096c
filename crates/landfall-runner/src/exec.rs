//! Running engine commands: the real one spawns the engine's CLI; the
//! recording one, for tests, answers from a script and keeps what it was
//! asked.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::engine::EngineCommand;
use crate::error::RunnerError;
use crate::secrets::Secrets;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Output {
    /// The exit status; `None` when killed (a timeout) or ended by a signal.
    pub status: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    pub fn success(&self) -> bool {
        self.status == Some(0)
    }
}

pub trait Executor: Sync {
    /// Runs the command to its end, or kills it after `timeout`. `Err`
    /// only when it could not run at all; a command that ran and failed
    /// is an `Output` with its status.
    fn execute(
        &self,
        command: &EngineCommand,
        secrets: &Secrets,
        timeout: Option<Duration>,
    ) -> Result<Output, RunnerError>;
}

/// Spawns the engine's command-line program.
#[derive(Debug, Default)]
pub struct ProcessExecutor;

impl Executor for ProcessExecutor {
    fn execute(
        &self,
        command: &EngineCommand,
        secrets: &Secrets,
        timeout: Option<Duration>,
    ) -> Result<Output, RunnerError> {
        let program = command.engine.program();
        let mut process = Command::new(program);
        process
            .args(&command.args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .stdin(if command.stdin_secret.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            });
        for (variable, reference) in &command.env_secrets {
            process.env(variable, secrets.get(reference)?.expose());
        }
        let mut child = process.spawn().map_err(|error| {
            if error.kind() == std::io::ErrorKind::NotFound {
                RunnerError::EngineMissing {
                    program: Some(program.to_string()),
                }
            } else {
                RunnerError::io(format!("cannot start `{program}`"), error)
            }
        })?;
        if let Some(reference) = &command.stdin_secret {
            let value = secrets.get(reference)?;
            let mut stdin = child.stdin.take().expect("stdin is piped");
            stdin
                .write_all(value.expose().as_bytes())
                .map_err(|error| {
                    RunnerError::io(format!("cannot hand a secret to `{program}`"), error)
                })?;
        }
        // Read both pipes on threads, so a full pipe never blocks the child.
        let mut stdout = child.stdout.take().expect("stdout is piped");
        let mut stderr = child.stderr.take().expect("stderr is piped");
        let out = std::thread::spawn(move || {
            let mut text = Vec::new();
            let _ = stdout.read_to_end(&mut text);
            text
        });
        let err = std::thread::spawn(move || {
            let mut text = Vec::new();
            let _ = stderr.read_to_end(&mut text);
            text
        });
        let status = match timeout {
            None => child.wait().map_err(|e| waiting(program, e))?.code(),
            Some(timeout) => {
                let deadline = Instant::now() + timeout;
                loop {
                    if let Some(status) = child.try_wait().map_err(|e| waiting(program, e))? {
                        break status.code();
                    }
                    if Instant::now() >= deadline {
                        let _ = child.kill();
                        let _ = child.wait();
                        break None;
                    }
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
        };
        let stdout = out.join().unwrap_or_default();
        let stderr = err.join().unwrap_or_default();
        Ok(Output {
            status,
            stdout: String::from_utf8_lossy(&stdout).into_owned(),
            stderr: secrets.redact(&String::from_utf8_lossy(&stderr)),
        })
    }
}

fn waiting(program: &str, error: std::io::Error) -> RunnerError {
    RunnerError::io(format!("cannot wait for `{program}`"), error)
}

/// Answers each command with the first scripted answer whose prefix its
/// line starts with (or success with no output) and records every line.
#[derive(Debug, Default)]
pub struct RecordingExecutor {
    answers: Vec<(String, Output)>,
    pub lines: Mutex<Vec<String>>,
}

impl RecordingExecutor {
    pub fn new() -> RecordingExecutor {
        RecordingExecutor::default()
    }

    pub fn answer(mut self, prefix: &str, stdout: &str) -> RecordingExecutor {
        self.answers.push((
            prefix.to_string(),
            Output {
                status: Some(0),
                stdout: stdout.to_string(),
                stderr: String::new(),
            },
        ));
        self
    }

    /// Answers commands starting with `prefix` with a failure.
    pub fn fail(mut self, prefix: &str, stderr: &str) -> RecordingExecutor {
        self.answers.push((
            prefix.to_string(),
            Output {
                status: Some(125),
                stdout: String::new(),
                stderr: stderr.to_string(),
            },
        ));
        self
    }

    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().expect("not poisoned").clone()
    }
}

impl Executor for RecordingExecutor {
    fn execute(
        &self,
        command: &EngineCommand,
        _secrets: &Secrets,
        _timeout: Option<Duration>,
    ) -> Result<Output, RunnerError> {
        let line = command.to_string();
        self.lines.lock().expect("not poisoned").push(line.clone());
        Ok(self
            .answers
            .iter()
            .find(|(prefix, _)| line.starts_with(prefix))
            .map(|(_, output)| output.clone())
            .unwrap_or(Output {
                status: Some(0),
                ..Output::default()
            }))
    }
}
