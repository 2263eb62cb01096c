//! What `apply`, `status`, `down` and `run` share: the engine flag, the
//! scope argument, secrets, the state directory, plans and progress.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use clap::ValueEnum;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use landfall_diagnostics::render_human;
use landfall_plan::Plan;
use landfall_runner::{EngineKind, Progress, RunnerError, Secrets, detect_engine};

#[derive(Clone, Copy, ValueEnum)]
pub enum Engine {
    Podman,
    Docker,
}

/// Flags every running command takes.
#[derive(clap::Args)]
pub struct EngineArgs {
    /// The container engine; found on PATH when not given (podman first).
    #[arg(long, value_enum)]
    pub engine: Option<Engine>,
}

impl EngineArgs {
    pub fn engine(&self) -> Result<EngineKind, RunnerError> {
        match self.engine {
            Some(Engine::Podman) => Ok(EngineKind::Podman),
            Some(Engine::Docker) => Ok(EngineKind::Docker),
            None => detect_engine(std::env::var_os("PATH").as_deref()),
        }
    }

    /// The engine that runs `plan`: `--engine`, else the scope's `engine`
    /// parameter (the local ScopeType's choice), else the one on PATH.
    pub fn engine_for(&self, plan: &Plan) -> Result<EngineKind, RunnerError> {
        if self.engine.is_none() {
            match plan.scope.parameters.get("engine").and_then(|e| e.as_str()) {
                Some("podman") => return Ok(EngineKind::Podman),
                Some("docker") => return Ok(EngineKind::Docker),
                _ => {}
            }
        }
        self.engine()
    }
}

/// `APP/SCOPE` ─► `(APP, SCOPE)`.
pub fn parse_scope(text: &str) -> Result<(String, String), String> {
    match text.split_once('/') {
        Some((app, scope)) if !app.is_empty() && !scope.is_empty() && !scope.contains('/') => {
            Ok((app.to_string(), scope.to_string()))
        }
        _ => Err(format!("`{text}` is not APP/SCOPE (e.g. shop/local)")),
    }
}

/// What a runner error that stopped a command exits with: `2`, the
/// command could not run. Every kind counts (the engine missing or
/// failing, the scope locked, a plan file or secret the runner refuses,
/// the state directory, a workload that did not become ready); exit
/// status `1` is kept for findings in the specs and for a job that ran and
/// failed (`landfall run`).
pub fn stopped(error: RunnerError) -> (u8, String) {
    (crate::EXIT_CANNOT_RUN, error.to_string())
}

pub fn state_dir() -> Result<PathBuf, RunnerError> {
    landfall_runner::state::state_dir(
        std::env::var("XDG_STATE_HOME").ok().as_deref(),
        std::env::var("HOME").ok().as_deref(),
    )
}

/// Secrets from `--secrets-file` and `LANDFALL_SECRET_*`, keyed with the
/// state directory's digest key.
pub fn secrets(state_dir: &Path, file: Option<&Path>) -> Result<Secrets, RunnerError> {
    let key = landfall_runner::state::digest_key(state_dir)?;
    let mut secrets = Secrets::new(key, std::env::vars());
    if let Some(file) = file {
        let text = std::fs::read_to_string(file)
            .map_err(|e| RunnerError::io(format!("cannot read `{}`", file.display()), e))?;
        secrets.read_file(&file.display().to_string(), &text)?;
    }
    Ok(secrets)
}

/// The plan to run: a plan file written by `landfall plan -o`, or the
/// specs under `paths` checked and lowered for `scope` as `landfall plan`
/// does. `Err` carries the exit status: 2 the command cannot run, 1
/// check or lowering found errors (shown on stderr, as warnings are).
pub fn load_plan(paths: &[PathBuf], scope: Option<&str>) -> Result<Plan, (u8, String)> {
    let cannot_run = |message: String| (crate::EXIT_CANNOT_RUN, message);
    match (paths, scope) {
        ([file], None) => {
            let text = std::fs::read_to_string(file)
                .map_err(|e| cannot_run(format!("cannot read `{}`: {e}", file.display())))?;
            Plan::from_json(&text).map_err(|e| cannot_run(format!("`{}`: {e}", file.display())))
        }
        (_, None) => Err(cannot_run(
            "give one plan file, or spec paths with --scope APP/SCOPE".to_string(),
        )),
        (_, Some(scope)) => {
            parse_scope(scope).map_err(cannot_run)?;
            let color = crate::plan_cmd::color_mode(crate::color::enabled(
                crate::Color::Auto,
                std::io::stderr().is_terminal(),
            ));
            let mut lowering = crate::lowering::check_and_lower(paths, scope, color, None)
                .map_err(|text| {
                    cannot_run(text.trim_end().trim_start_matches("error: ").to_string())
                })?;
            if !lowering.findings.is_empty() {
                let rendered = render_human(
                    &lowering.findings,
                    lowering.db(),
                    &lowering.summary(),
                    color,
                );
                eprint!("{}", String::from_utf8_lossy(&rendered));
            }
            let plan = lowering.plan.take().ok_or_else(|| {
                (
                    crate::EXIT_FINDINGS,
                    format!("`{scope}` cannot be planned: its specs have errors (shown above)"),
                )
            })?;
            std::mem::forget(lowering);
            Ok(plan)
        }
    }
}

/// A spinner per workload on a terminal, plain lines on standard error
/// otherwise.
pub enum Reporter {
    Terminal {
        bars: MultiProgress,
        spinners: Mutex<Vec<(String, ProgressBar)>>,
    },
    Plain,
}

impl Reporter {
    pub fn new() -> Reporter {
        if std::io::stderr().is_terminal() {
            Reporter::Terminal {
                bars: MultiProgress::new(),
                spinners: Mutex::new(Vec::new()),
            }
        } else {
            Reporter::Plain
        }
    }

    fn spinner(&self, workload: &str) -> Option<ProgressBar> {
        let Reporter::Terminal { bars, spinners } = self else {
            return None;
        };
        let mut spinners = spinners.lock().ok()?;
        if let Some((_, bar)) = spinners.iter().find(|(name, _)| name == workload) {
            return Some(bar.clone());
        }
        let bar = bars.add(ProgressBar::new_spinner());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {prefix:.bold} {wide_msg}")
                .expect("a valid template"),
        );
        bar.set_prefix(workload.to_string());
        bar.enable_steady_tick(Duration::from_millis(100));
        spinners.push((workload.to_string(), bar.clone()));
        Some(bar)
    }
}

impl Progress for Reporter {
    fn update(&self, workload: &str, message: &str) {
        match self.spinner(workload) {
            Some(bar) => bar.set_message(message.to_string()),
            None => eprintln!("{workload}: {message}"),
        }
    }

    fn finish(&self, workload: &str, ok: bool, message: &str) {
        let mark = if ok { "✓" } else { "✗" };
        match self.spinner(workload) {
            Some(bar) => {
                bar.set_style(
                    ProgressStyle::with_template("{prefix:.bold} {wide_msg}")
                        .expect("a valid template"),
                );
                bar.finish_with_message(format!("{mark} {message}"));
            }
            None => eprintln!("{workload}: {mark} {message}"),
        }
    }

    fn line(&self, message: &str) {
        match self {
            Reporter::Terminal { bars, .. } => {
                let _ = bars.println(message);
            }
            Reporter::Plain => eprintln!("{message}"),
        }
    }
}

/// Whether a person can be asked: standard input and error are a terminal.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Asks `question` on standard error; only `y` or `yes` approve.
pub fn confirm(question: &str) -> bool {
    eprint!("{question} Only 'yes' approves: ");
    let mut answer = String::new();
    if std::io::stdin().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim().to_lowercase().as_str(), "y" | "yes")
}
