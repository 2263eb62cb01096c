//! Carrying out the steps: `apply`, `down`, `status` and `run`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use landfall_plan::{Plan, Probe};

use crate::desired::Desired;
use crate::engine::{EngineCommand, EngineKind};
use crate::error::RunnerError;
use crate::exec::{Executor, Output};
use crate::names::{LABEL_READINESS, LABEL_ROLE, ScopeNames};
use crate::observe::{
    Kinds, ObservedContainer, ObservedScope, inspect, observe, observe_before_acting, observe_kinds,
};
use crate::ports::{Published, pick_host_ports, port_taken};
use crate::probe::probe_once;
use crate::reconcile::{
    ApplySteps, Shared, Step, WorkloadSteps, describe_probe, prepare_shared,
    reconcile_before_cleanup, render_step, teardown,
};
use crate::secrets::Secrets;
use crate::state::{self, ScopeLock};
use crate::status::{PortStatus, ReplicaStatus, Status, WorkloadStatus};

/// How many times a container is started again with other host ports
/// when one it was given was taken before it started.
const PORT_ATTEMPTS: usize = 3;

/// How many of a failed container's last log lines an error shows.
pub const LOG_LINES: usize = 20;

/// Where the runner reports what it does: a spinner per workload on a
/// terminal, plain lines otherwise (the CLI decides).
pub trait Progress: Sync {
    /// What a workload is doing now.
    fn update(&self, workload: &str, message: &str);
    /// A workload is done, well or not.
    fn finish(&self, workload: &str, ok: bool, message: &str);
    /// A line about the scope as a whole.
    fn line(&self, message: &str);
}

/// Reports nothing (for `status` and tests).
pub struct Silent;

impl Progress for Silent {
    fn update(&self, _: &str, _: &str) {}
    fn finish(&self, _: &str, _: bool, _: &str) {}
    fn line(&self, _: &str) {}
}

pub struct Runner<'a> {
    pub engine: EngineKind,
    pub executor: &'a dyn Executor,
    pub secrets: &'a Secrets,
    pub state_dir: PathBuf,
    pub progress: &'a dyn Progress,
}

/// What the steps of one apply share as they run.
#[derive(Default)]
struct Moving<'a> {
    /// The containers the apply found when it began.
    found: &'a [ObservedContainer],
    /// `(workload, port, host address)` of replicas found ready.
    endpoints: Mutex<Vec<(String, u16, String)>>,
    /// The containers the apply started, by name, with their ports.
    started: Mutex<BTreeMap<String, Published>>,
}

impl<'a> Moving<'a> {
    fn new(found: &'a [ObservedContainer]) -> Moving<'a> {
        Moving {
            found,
            ..Moving::default()
        }
    }
}

/// What an apply did.
#[derive(Debug, Default)]
pub struct ApplyReport {
    pub changes: usize,
    /// `(workload, port, "127.0.0.1:40123")` of the running replicas.
    pub endpoints: Vec<(String, u16, String)>,
}

/// What `down` removed.
#[derive(Debug, Default)]
pub struct DownReport {
    pub containers: usize,
    pub networks: usize,
    pub volumes: usize,
    pub secrets: usize,
    /// Persistent volumes left in place (no `--volumes`).
    pub kept_volumes: Vec<String>,
}

impl Runner<'_> {
    fn run(
        &self,
        command: &EngineCommand,
        timeout: Option<Duration>,
    ) -> Result<Output, RunnerError> {
        self.executor.execute(command, self.secrets, timeout)
    }

    fn must(&self, command: &EngineCommand) -> Result<Output, RunnerError> {
        let output = self.run(command, None)?;
        if output.success() {
            Ok(output)
        } else {
            Err(RunnerError::engine(command, &output))
        }
    }

    /// Runs a step's command; `Ok(false)` when what it creates was found
    /// in place. A network, volume or secret that exists is the one wanted
    /// (their names are their content): one left by a killed apply, or by
    /// a killed apply's command that ran late, or one the apply did not
    /// list first (see [`observe_before_acting`]). A container of the
    /// wanted name is replaced.
    fn converge(&self, command: &EngineCommand) -> Result<bool, RunnerError> {
        let output = self.run(command, None)?;
        if output.success() {
            return Ok(true);
        }
        let args: Vec<&str> = command.args.iter().map(String::as_str).collect();
        let stderr = output.stderr.to_lowercase();
        match args.as_slice() {
            ["network" | "volume" | "secret", "create", ..]
                if stderr.contains("already exists") || stderr.contains("name in use") =>
            {
                return Ok(false);
            }
            ["run", "--detach", "--name", name, ..]
                if stderr.contains("already in use") && !port_taken(&stderr) =>
            {
                let remove = EngineCommand::new(self.engine, ["rm", "--force", name]);
                self.must(&remove)?;
                return self.must(command).map(|_| true);
            }
            _ => {}
        }
        Err(RunnerError::engine(command, &output))
    }

    /// The steps an apply of `plan` would take now (`plan`, `apply
    /// --dry-run`): the same decisions as [`Runner::apply`], made from a
    /// listing of every kind at once. An apply lists some kinds late and
    /// goes on when a create finds its object in place; it counts those
    /// as unchanged, so its count is this one.
    pub fn plan_steps(
        &self,
        plan: &Plan,
    ) -> Result<(Desired, ObservedScope, ApplySteps), RunnerError> {
        let desired = Desired::new(plan, self.engine, &self.state_dir, self.secrets)?;
        self.steps_of(desired)
    }

    /// [`Runner::plan_steps`] of a plan made concrete already.
    fn steps_of(
        &self,
        desired: Desired,
    ) -> Result<(Desired, ObservedScope, ApplySteps), RunnerError> {
        let mut observed = self.observe_kinds(&desired, Kinds::ALL)?;
        observed.absorb(self.observe_state(&desired));
        observed.applied = self.observe_specs(&desired, &observed);
        let mut steps = reconcile_before_cleanup(&desired, &observed);
        steps.plan_cleanup(&desired, &observed);
        Ok((desired, observed, steps))
    }

    /// What an apply reads and decides before it acts, the kinds it has
    /// not listed yet, and its steps but the cleanup: one path for
    /// [`Runner::apply`] and its dry run.
    fn before_acting(
        &self,
        desired: &Desired,
        fresh: bool,
        state: ObservedScope,
    ) -> Result<(ObservedScope, Kinds, ApplySteps), RunnerError> {
        let (mut observed, rest) =
            observe_before_acting(self.executor, self.secrets, self.engine, desired, fresh)?;
        observed.absorb(state);
        observed.applied = self.observe_specs(desired, &observed);
        let steps = reconcile_before_cleanup(desired, &observed);
        Ok((observed, rest, steps))
    }

    /// What the state directory holds for the scope: its config
    /// directories and secret files. Read before an apply writes them.
    fn observe_state(&self, desired: &Desired) -> ObservedScope {
        ObservedScope {
            config_dirs: state::config_dirs(&desired.scope_dir),
            secret_files: state::secret_files(&desired.scope_dir),
            ..ObservedScope::default()
        }
    }

    /// The recorded specs of replicas that run with another spec than
    /// the plan's (what `plan` compares them with, field by field).
    fn observe_specs(
        &self,
        desired: &Desired,
        observed: &ObservedScope,
    ) -> BTreeMap<String, landfall_plan::Workload> {
        let planned: Vec<&str> = desired
            .workloads
            .iter()
            .map(|w| w.spec.spec_hash.as_str())
            .collect();
        let mut hashes: Vec<&str> = observed
            .containers
            .iter()
            .map(|c| c.label(crate::names::LABEL_SPEC_HASH))
            .filter(|hash| !planned.contains(hash))
            .collect();
        hashes.sort_unstable();
        hashes.dedup();
        state::recorded_specs(&desired.scope_dir, hashes)
    }

    /// [`Runner::before_acting`], then the shared objects made: what an
    /// apply does before its workloads move. Returns how many of those
    /// objects were found in place.
    ///
    /// A scope without a directory in the state dir was never applied
    /// from it, or `down` emptied it (`fresh`). Its shared objects are
    /// made at once, and the engine, not the directory, says whether
    /// anything of the scope runs: every container of a scope is attached
    /// to its one network, and an engine refuses to remove a network in
    /// use, so a network just created proves that no container of the
    /// scope exists, and nothing needs listing. A network found in place
    /// (an apply under another `HOME`, a state dir removed by hand) means
    /// the scope is listed and reconciled as always; the creates that
    /// found their objects in place went on. Persistent volumes still
    /// wait for a listing (see [`Shared`]).
    fn prepare_scope(
        &self,
        desired: &Desired,
        fresh: bool,
    ) -> Result<(ObservedScope, Kinds, ApplySteps, Vec<String>), RunnerError> {
        if !fresh {
            let state = self.observe_state(desired);
            let (observed, rest, steps) = self.before_acting(desired, false, state)?;
            let found_in_place = self.prepare(&steps.prepare)?;
            return Ok((observed, rest, steps, found_in_place));
        }
        // What the state dir holds is read before the configs are written.
        let state = self.observe_state(desired);
        let (early, made_early) = prepare_shared(
            desired,
            &ObservedScope::default(),
            Shared::AllButPersistentVolumes,
        );
        for step in &early {
            self.show("", step);
        }
        let network = match desired.networks.as_slice() {
            [network] => Some(&network.create),
            _ => None,
        };
        let anchor = early
            .iter()
            .position(|step| matches!(step, Step::Run(command) if Some(command) == network));
        let persistent = Kinds {
            volumes: desired.has_persistent_volumes(),
            ..Kinds::NONE
        };
        let (created, listed) = std::thread::scope(|scope| {
            let listed = scope.spawn(|| self.observe_kinds(desired, persistent));
            (self.make(&early), listed.join().expect("observer thread"))
        });
        let created = created?;
        let mut found_in_place: Vec<String> = early
            .iter()
            .zip(&created)
            .filter(|(_, created)| !**created)
            .filter_map(|(step, _)| created_object(step))
            .collect();
        let (observed, rest, mut steps) = if anchor.is_some_and(|i| created[i]) {
            // Nothing of the scope exists but the persistent volumes it
            // keeps, listed meanwhile; nothing is stale.
            let mut observed = listed?;
            observed.absorb(state);
            let steps = reconcile_before_cleanup(desired, &observed);
            (observed, Kinds::NONE, steps)
        } else {
            self.before_acting(desired, true, state)?
        };
        let (late, made_late) = prepare_shared(desired, &observed, Shared::PersistentVolumes);
        found_in_place.extend(self.prepare(&late)?);
        steps.prepare = early.into_iter().chain(late).collect();
        steps.prepared = made_early + made_late;
        Ok((observed, rest, steps, found_in_place))
    }

    fn observe_kinds(&self, desired: &Desired, kinds: Kinds) -> Result<ObservedScope, RunnerError> {
        observe_kinds(
            self.executor,
            self.secrets,
            self.engine,
            &desired.names,
            kinds,
        )
    }

    /// What runs for the plan's scope, in the terms of `landfall plan`'s
    /// diff. Reads the engine and the state directory; changes nothing.
    pub fn observe_plan(&self, plan: &Plan) -> Result<landfall_plan::Observed, RunnerError> {
        let names = ScopeNames::new(&plan.application.name, &plan.scope.name);
        let observed = observe(self.executor, self.secrets, self.engine, &names)?;
        let scope_dir = self
            .state_dir
            .join(&plan.application.name)
            .join(&plan.scope.name);
        let entries = |dir: &str| -> Vec<String> {
            let mut names: Vec<String> = std::fs::read_dir(scope_dir.join(dir))
                .into_iter()
                .flatten()
                .flatten()
                .filter_map(|entry| entry.file_name().into_string().ok())
                .collect();
            names.sort();
            names
        };
        Ok(crate::running::observed_for_plan(
            plan,
            &observed,
            &entries("configs"),
            &entries("secrets"),
        ))
    }

    /// What runs for the plan's scope, one line per object, for a saved
    /// plan to record and its apply to check: the engine's containers
    /// (with their state), networks, volumes and secrets, and the config
    /// directories of the state dir. Jobs started by `landfall run` come
    /// and go and do not count.
    pub fn observed_record(
        &self,
        plan: &Plan,
    ) -> Result<landfall_plan::ObservedRecord, RunnerError> {
        let names = ScopeNames::new(&plan.application.name, &plan.scope.name);
        let observed = observe(self.executor, self.secrets, self.engine, &names)?;
        let mut lines = Vec::new();
        for container in observed.containers.iter().filter(|c| !c.is_job()) {
            lines.push(format!("container {} {}", container.name, container.state));
        }
        for (kind, objects) in [
            ("network", &observed.networks),
            ("volume", &observed.scratch_volumes),
            ("volume", &observed.persistent_volumes),
            ("secret", &observed.secrets),
        ] {
            lines.extend(objects.iter().map(|name| format!("{kind} {name}")));
        }
        let scope_dir = self
            .state_dir
            .join(&plan.application.name)
            .join(&plan.scope.name);
        lines.extend(
            state::config_dirs(&scope_dir)
                .into_keys()
                .map(|dir| format!("config {dir}")),
        );
        Ok(landfall_plan::ObservedRecord::new(lines))
    }

    /// Brings the scope to the plan: idempotent, resumable after a kill.
    pub fn apply(&self, plan: &Plan) -> Result<ApplyReport, RunnerError> {
        let _lock = ScopeLock::acquire(
            &self.state_dir,
            &plan.application.name,
            &plan.scope.name,
            "apply",
        )?;
        let desired = Desired::new(plan, self.engine, &self.state_dir, self.secrets)?;
        let fresh = state::open_scope(&desired.scope_dir)?;
        let specs: Vec<&landfall_plan::Workload> =
            desired.workloads.iter().map(|w| &w.spec).collect();
        state::record_specs(&desired.scope_dir, &specs);
        let (mut observed, rest, mut steps, found_in_place) =
            self.prepare_scope(&desired, fresh)?;
        std::thread::scope(|scope| {
            // What only the cleanup at the end reads is listed while the
            // workloads move (their `run`s leave the engine idle now and
            // then; the short prepare commands do not).
            let later = scope.spawn(|| -> Result<ObservedScope, RunnerError> {
                // One kind after another: side by side they would all
                // compete with the first `run` for the engine's locks.
                let mut found = ObservedScope::default();
                for kind in rest.each() {
                    found.absorb(self.observe_kinds(&desired, kind)?);
                }
                Ok(found)
            });
            let moving = Moving::new(&observed.containers);
            // Workloads are independent in a plan: each moves on its own
            // thread (a spinner each), and the apply fails if any fails.
            let failures: Vec<RunnerError> = std::thread::scope(|scope| {
                let handles: Vec<_> = steps
                    .workloads
                    .iter()
                    .map(|workload| {
                        let (moving, desired) = (&moving, &desired);
                        scope.spawn(move || self.apply_workload(desired, workload, moving))
                    })
                    .collect();
                handles
                    .into_iter()
                    .filter_map(|h| h.join().expect("workload thread").err())
                    .collect()
            });
            if !failures.is_empty() {
                return Err(RunnerError::all(failures));
            }
            let mut endpoints = moving.endpoints.into_inner().expect("not poisoned");
            endpoints.sort();
            observed.absorb(later.join().expect("observer thread")?);
            steps.plan_cleanup(&desired, &observed);
            for step in &steps.cleanup {
                self.step(step)?;
            }
            // Config directories no container of the plan mounts any more.
            let keep: Vec<PathBuf> = desired.configs.iter().map(|c| c.dir.clone()).collect();
            for dir in state::stale_entries(&desired.scope_dir.join("configs"), &keep) {
                let _ = std::fs::remove_dir_all(dir);
            }
            let keep: Vec<PathBuf> = desired
                .secrets
                .iter()
                .filter_map(|s| s.file.clone())
                .collect();
            for file in state::stale_entries(&desired.scope_dir.join("secrets"), &keep) {
                let _ = std::fs::remove_file(file);
            }
            let hashes: Vec<&str> = specs.iter().map(|w| w.spec_hash.as_str()).collect();
            state::forget_specs(&desired.scope_dir, &hashes);
            // A create that found its object in place changed nothing.
            crate::decide::found_in_place(&desired, &mut steps.shared, &found_in_place);
            Ok(ApplyReport {
                changes: steps.changes(),
                endpoints,
            })
        })
    }

    fn apply_workload(
        &self,
        desired: &Desired,
        workload: &WorkloadSteps,
        moving: &Moving,
    ) -> Result<(), RunnerError> {
        let started = Instant::now();
        if let Some(how) = &workload.how {
            self.progress.update(&workload.name, how);
        }
        for step in &workload.steps {
            if let Err(error) = self.step_of(&workload.name, step, moving) {
                self.progress.finish(&workload.name, false, "failed");
                return Err(match error {
                    // It names its workload already.
                    RunnerError::NotReady { .. } => error,
                    error => RunnerError::Workload {
                        workload: workload.name.clone(),
                        error: Box::new(error),
                    },
                });
            }
        }
        let mut summary = match workload.replica_changes() {
            0 => "unchanged".to_string(),
            _ => {
                let mut parts = Vec::new();
                for (count, word) in [
                    (workload.created, "created"),
                    (workload.replaced, "replaced"),
                    (workload.removed, "removed"),
                ] {
                    if count > 0 {
                        parts.push(format!("{count} {word}"));
                    }
                }
                format!(
                    "{} in {:.1} s",
                    parts.join(", "),
                    started.elapsed().as_secs_f64()
                )
            }
        };
        if let Some(wanted) = desired.workloads.iter().find(|w| w.name == workload.name) {
            // Without probes nothing tells whether a started replica
            // serves: the line says what is known.
            let how = match (&wanted.startup, &wanted.readiness) {
                (None, None) => "running (no readiness probe)",
                _ => "ready",
            };
            summary.push_str(&format!("; {} {how}", wanted.replicas.len()));
        }
        self.progress.finish(&workload.name, true, &summary);
        Ok(())
    }

    /// Runs a step outside any workload; `Ok(false)` when what it creates
    /// was found in place.
    fn step(&self, step: &Step) -> Result<bool, RunnerError> {
        self.step_of("", step, &Moving::default())
    }

    /// Creates the shared objects (networks, volumes, secrets, config
    /// files): none depends on another, so they are made side by side, as
    /// many at a time as the machine has cores (past that, podman's own
    /// locks make more of them wait, not go faster). Their lines are shown
    /// first, in the plan's order, whatever order they finish in. Returns
    /// how many were found in place.
    fn prepare(&self, steps: &[Step]) -> Result<Vec<String>, RunnerError> {
        for step in steps {
            self.show("", step);
        }
        let created = self.make(steps)?;
        Ok(steps
            .iter()
            .zip(&created)
            .filter(|(_, created)| !**created)
            .filter_map(|(step, _)| created_object(step))
            .collect())
    }

    /// [`Runner::prepare`] without showing the steps: whether each step
    /// created its object (`false`: found in place).
    fn make(&self, steps: &[Step]) -> Result<Vec<bool>, RunnerError> {
        let at_once = std::thread::available_parallelism().map_or(2, |n| n.get());
        a_few_at_a_time(steps, at_once, |step| {
            self.act("", step, &Moving::default())
        })
    }

    /// Runs one step; replicas found ready add their ports to the
    /// endpoints. `Ok(false)` when what it creates was found in place.
    fn step_of(&self, workload: &str, step: &Step, moving: &Moving) -> Result<bool, RunnerError> {
        if let Step::Run(command) = step {
            let args: Vec<&str> = command.args.iter().take(4).map(String::as_str).collect();
            if let ["run", "--detach", "--name", name] = args.as_slice() {
                return self.start_container(workload, name, command, moving);
            }
        }
        self.show(workload, step);
        self.act(workload, step, moving)
    }

    /// Starts the container `name`, its host ports picked now (see
    /// [`crate::ports`]): shown with them, and tried again with others
    /// should a port be taken between the pick and the start.
    fn start_container(
        &self,
        workload: &str,
        name: &str,
        command: &EngineCommand,
        moving: &Moving,
    ) -> Result<bool, RunnerError> {
        let mut attempts = 0;
        loop {
            let (command, published) = pick_host_ports(command)?;
            self.show(workload, &Step::Run(command.clone()));
            match self.converge(&command) {
                Ok(created) => {
                    let mut started = moving.started.lock().expect("not poisoned");
                    started.insert(name.to_string(), published);
                    return Ok(created);
                }
                Err(RunnerError::Engine { stderr, .. })
                    if port_taken(&stderr) && attempts < PORT_ATTEMPTS =>
                {
                    attempts += 1;
                    // The engine made the container but could not start it.
                    self.must(&EngineCommand::new(self.engine, ["rm", "--force", name]))?;
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// Shows a step about to run: a command outside any workload as a
    /// line, any step of a workload as what it is doing now.
    fn show(&self, workload: &str, step: &Step) {
        let mut line = String::new();
        render_step(&mut line, step);
        let line = line.trim_end();
        if workload.is_empty() {
            if matches!(step, Step::Run(_)) {
                self.progress.line(line);
            }
        } else if !matches!(step, Step::Together(_)) {
            // Steps side by side show themselves as they start.
            self.progress.update(workload, line);
        }
    }

    /// Carries out one step without showing it (see [`Runner::step_of`]).
    fn act(&self, workload: &str, step: &Step, moving: &Moving) -> Result<bool, RunnerError> {
        let done = match step {
            Step::Run(command) => return self.converge(command),
            Step::TryRun(command) => {
                let output = self.run(command, Some(Duration::from_secs(30)))?;
                if !output.success() {
                    self.progress.line(&format!(
                        "warning: `{command}` failed: {}",
                        output.stderr.trim()
                    ));
                }
                Ok(())
            }
            Step::WriteConfig { dir, files } => state::write_config(dir, files),
            Step::WriteSecretFile { path, reference } => {
                state::write_secret_file(path, self.secrets.get(reference)?.expose())
            }
            Step::AwaitReady {
                workload,
                containers,
                startup,
                readiness,
                started_earlier,
                on_failure,
            } => match self.await_ready(
                workload,
                containers,
                startup.as_ref(),
                readiness.as_ref(),
                *started_earlier,
                moving,
            ) {
                Ok(ready) => {
                    let mut endpoints = moving.endpoints.lock().expect("not poisoned");
                    for container in ready {
                        for (port, host) in &container.ports {
                            endpoints.push((workload.clone(), *port, host.clone()));
                        }
                    }
                    Ok(())
                }
                Err(error) => self.fail(workload, containers, on_failure, error),
            },
            Step::StayHealthy {
                workload,
                containers,
                readiness,
                ms,
                on_failure,
            } => self
                .stay_healthy(
                    workload,
                    containers,
                    readiness.as_ref(),
                    Duration::from_millis(*ms),
                )
                .or_else(|error| self.fail(workload, containers, on_failure, error)),
            Step::RemoveDirs { dirs } => {
                for dir in dirs {
                    let _ = std::fs::remove_dir_all(dir);
                }
                Ok(())
            }
            Step::Together(sequences) => {
                // Every sequence runs to its end or its first failure.
                side_by_side(sequences, |sequence| {
                    for step in sequence {
                        self.step_of(workload, step, moving)?;
                    }
                    Ok(())
                })
                .map(|_| ())
            }
        };
        done.map(|()| true)
    }

    /// A replica failed: show its last log lines, then remove it if asked
    /// (the old replicas, if any, keep serving).
    fn fail(
        &self,
        workload: &str,
        containers: &[String],
        on_failure: &[EngineCommand],
        error: RunnerError,
    ) -> Result<(), RunnerError> {
        // Only a replica that is not ready has log lines to tell why; an
        // engine that failed (an `inspect`) says so itself. The logs are
        // read before the replicas are removed.
        let error = match error {
            RunnerError::NotReady {
                workload,
                replica,
                mut reason,
            } => {
                for container in containers {
                    let logs = self.logs(container);
                    reason.push_str(&format!("\n  last log lines of {container}:"));
                    if logs.trim().is_empty() {
                        reason.push_str(" (none)");
                    }
                    for line in logs.lines() {
                        reason.push_str(&format!("\n    {line}"));
                    }
                }
                if !on_failure.is_empty() {
                    reason.push_str("\n  the failed replicas were removed; replicas of the running version, if any, still serve");
                }
                RunnerError::NotReady {
                    workload,
                    replica,
                    reason,
                }
            }
            other => other,
        };
        for command in on_failure {
            self.progress.update(
                workload,
                &format!("removing the failed replicas: {command}"),
            );
            let _ = self.run(command, Some(Duration::from_secs(60)));
        }
        Err(error)
    }

    /// The container's last log lines, secret values redacted.
    pub fn logs(&self, container: &str) -> String {
        let command = EngineCommand::new(
            self.engine,
            ["logs", "--tail", &LOG_LINES.to_string(), container],
        );
        match self.run(&command, Some(Duration::from_secs(10))) {
            Ok(output) => {
                let mut text = output.stdout;
                text.push_str(&output.stderr);
                self.secrets.redact(&text)
            }
            Err(error) => format!("(cannot read logs: {error})"),
        }
    }

    fn inspect(&self, containers: &[String]) -> Result<Vec<ObservedContainer>, RunnerError> {
        inspect(self.executor, self.secrets, self.engine, containers)
    }

    /// The engine is asked only about containers the apply knows nothing
    /// of: replicas started by an earlier apply were observed a moment
    /// ago, and those this apply started run (their `run` succeeded) with
    /// the host ports it picked. Whether they keep running is for their
    /// probes to tell; a workload without probes is ready once started,
    /// as in Kubernetes.
    fn await_ready(
        &self,
        workload: &str,
        containers: &[String],
        startup: Option<&Probe>,
        readiness: Option<&Probe>,
        started_earlier: bool,
        moving: &Moving,
    ) -> Result<Vec<ObservedContainer>, RunnerError> {
        let known: Option<Vec<ObservedContainer>> = {
            let started = moving.started.lock().expect("not poisoned");
            containers
                .iter()
                .map(|name| match started_earlier {
                    true => moving.found.iter().find(|c| &c.name == name).cloned(),
                    false => started
                        .get(name)
                        .map(|ports| ObservedContainer::just_started(name, ports)),
                })
                .collect()
        };
        let observed = match known {
            Some(known) => known,
            None => self.inspect(containers)?,
        };
        if let Some(down) = observed.iter().find(|c| !c.running()) {
            return Err(not_ready(
                workload,
                &down.name,
                format!("{} is {}, not running", down.name, down.state),
            ));
        }
        // Each replica is probed on its own thread: their timings overlap.
        side_by_side(&observed, |container| {
            for (kind, probe) in [("startup", startup), ("readiness", readiness)] {
                if let Some(probe) = probe {
                    self.probe_until(workload, container, kind, probe, started_earlier)?;
                }
            }
            Ok(())
        })?;
        Ok(observed)
    }

    /// Probes every period until `success_threshold` passes in a row, or
    /// fails after `failure_threshold` failures in a row.
    fn probe_until(
        &self,
        workload: &str,
        container: &ObservedContainer,
        kind: &str,
        probe: &Probe,
        started_earlier: bool,
    ) -> Result<(), RunnerError> {
        if !started_earlier {
            std::thread::sleep(Duration::from_millis(probe.initial_delay_ms));
        }
        let period = Duration::from_millis(probe.period_ms.max(1));
        let (mut passed, mut failed) = (0u32, 0u32);
        loop {
            let attempt = Instant::now();
            match probe_once(probe, container, self.executor, self.secrets, self.engine) {
                Ok(()) => {
                    passed += 1;
                    failed = 0;
                    if passed >= probe.success_threshold.max(1) {
                        return Ok(());
                    }
                }
                Err(error) => {
                    passed = 0;
                    failed += 1;
                    if failed >= probe.failure_threshold.max(1) {
                        return Err(not_ready(
                            workload,
                            &container.name,
                            format!(
                                "{} is not ready: {kind} probe ({}) failed {failed} times; last: {error}",
                                container.name,
                                describe_probe(probe)
                            ),
                        ));
                    }
                    // A container that exited will not become ready.
                    if let Some(now) = self.inspect(std::slice::from_ref(&container.name))?.first()
                    {
                        if !now.running() {
                            return Err(not_ready(
                                workload,
                                &now.name,
                                format!("{} is {}, not running", now.name, now.state),
                            ));
                        }
                    }
                }
            }
            std::thread::sleep(period.saturating_sub(attempt.elapsed()));
        }
    }

    /// Keeps probing for `duration`: one failed stretch of
    /// `failure_threshold` probes, or an exit, fails.
    fn stay_healthy(
        &self,
        workload: &str,
        containers: &[String],
        readiness: Option<&Probe>,
        duration: Duration,
    ) -> Result<(), RunnerError> {
        let deadline = Instant::now() + duration;
        let period = readiness.map_or(Duration::from_millis(500), |p| {
            Duration::from_millis(p.period_ms.max(1))
        });
        let mut failures: BTreeMap<String, u32> = BTreeMap::new();
        loop {
            let observed = self.inspect(containers)?;
            for container in &observed {
                if !container.running() {
                    return Err(not_ready(
                        workload,
                        &container.name,
                        format!(
                            "{} stopped ({}) within its healthy time",
                            container.name, container.state
                        ),
                    ));
                }
                if let Some(probe) = readiness {
                    let count = failures.entry(container.name.clone()).or_default();
                    match probe_once(probe, container, self.executor, self.secrets, self.engine) {
                        Ok(()) => *count = 0,
                        Err(error) => {
                            *count += 1;
                            if *count >= probe.failure_threshold.max(1) {
                                return Err(not_ready(
                                    workload,
                                    &container.name,
                                    format!(
                                        "{} became unhealthy within its healthy time: readiness probe failed {count} times; last: {error}",
                                        container.name
                                    ),
                                ));
                            }
                        }
                    }
                }
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(());
            }
            std::thread::sleep(period.min(deadline - now));
        }
    }

    /// Removes every object of the scope; persistent volumes only with
    /// `with_volumes`.
    pub fn down(
        &self,
        application: &str,
        scope: &str,
        with_volumes: bool,
    ) -> Result<DownReport, RunnerError> {
        let _lock = ScopeLock::acquire(&self.state_dir, application, scope, "down")?;
        let names = ScopeNames::new(application, scope);
        let observed = observe(self.executor, self.secrets, self.engine, &names)?;
        for step in teardown(self.engine, &observed, with_volumes) {
            self.step(&step)?;
        }
        let scope_dir = self.state_dir.join(application).join(scope);
        if scope_dir.exists() {
            std::fs::remove_dir_all(&scope_dir).map_err(|e| {
                RunnerError::io(format!("cannot remove {}", scope_dir.display()), e)
            })?;
        }
        Ok(DownReport {
            containers: observed.containers.len(),
            networks: observed.networks.len(),
            volumes: observed.scratch_volumes.len()
                + if with_volumes {
                    observed.persistent_volumes.len()
                } else {
                    0
                },
            secrets: observed.secrets.len(),
            kept_volumes: if with_volumes {
                Vec::new()
            } else {
                observed.persistent_volumes.clone()
            },
        })
    }

    /// What runs in the scope now, each running replica probed once.
    pub fn status(&self, application: &str, scope: &str) -> Result<Status, RunnerError> {
        let names = ScopeNames::new(application, scope);
        let observed = observe_kinds(
            self.executor,
            self.secrets,
            self.engine,
            &names,
            Kinds::CONTAINERS,
        )?;
        // Per workload: the versions seen, and (replica number, status).
        type Seen = (Vec<String>, Vec<(u32, ReplicaStatus)>);
        let mut workloads: BTreeMap<String, Seen> = BTreeMap::new();
        let replicas: Vec<&ObservedContainer> = observed
            .containers
            .iter()
            .filter(|c| c.label(LABEL_ROLE) != "sidecar")
            .collect();
        let statuses: Vec<ReplicaStatus> = std::thread::scope(|s| {
            let handles: Vec<_> = replicas
                .iter()
                .map(|container| s.spawn(move || self.replica_status(container)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("status thread"))
                .collect()
        });
        for (container, status) in replicas.iter().zip(statuses) {
            let entry = workloads
                .entry(container.workload().to_string())
                .or_default();
            if !entry.0.iter().any(|v| v == container.version()) {
                entry.0.push(container.version().to_string());
            }
            entry
                .1
                .push((container.replica().unwrap_or(u32::MAX), status));
        }
        Ok(Status {
            workloads: workloads
                .into_iter()
                .map(|(name, (mut versions, mut replicas))| {
                    versions.sort_by(|a, b| b.cmp(a));
                    replicas.sort_by(|a, b| (a.0, &a.1.container).cmp(&(b.0, &b.1.container)));
                    WorkloadStatus {
                        name,
                        version: versions.join(", "),
                        replicas: replicas.into_iter().map(|(_, r)| r).collect(),
                    }
                })
                .collect(),
        })
    }

    fn replica_status(&self, container: &ObservedContainer) -> ReplicaStatus {
        let healthy = container.running()
            && match serde_json::from_str::<Probe>(container.label(LABEL_READINESS)) {
                Ok(probe) => {
                    probe_once(&probe, container, self.executor, self.secrets, self.engine).is_ok()
                }
                Err(_) => true,
            };
        ReplicaStatus {
            container: container.name.clone(),
            state: container.state.clone(),
            healthy,
            ports: container
                .ports
                .iter()
                .map(|(port, host)| PortStatus {
                    port: *port,
                    host: host.clone(),
                })
                .collect(),
        }
    }

    /// Runs a cron workload's job once, now, and returns its exit status.
    /// Its output is passed to `output` with secret values redacted.
    pub fn run_job(
        &self,
        plan: &Plan,
        workload: &str,
        output: &mut dyn FnMut(&str),
    ) -> Result<i32, RunnerError> {
        // Which job is asked for is known from the plan alone: a name
        // that is not one fails before the engine is asked anything.
        let desired = Desired::new(plan, self.engine, &self.state_dir, self.secrets)?;
        if !desired.jobs.iter().any(|j| j.name == workload) {
            return Err(if desired.workloads.iter().any(|w| w.name == workload) {
                RunnerError::NotAJob {
                    name: workload.to_string(),
                }
            } else {
                let mut known: Vec<String> = desired.jobs.iter().map(|j| j.name.clone()).collect();
                known.sort();
                RunnerError::NoSuchJob {
                    name: workload.to_string(),
                    known,
                }
            });
        }
        let desired = {
            let _lock = ScopeLock::acquire(
                &self.state_dir,
                &plan.application.name,
                &plan.scope.name,
                "run",
            )?;
            let (desired, _, steps) = self.steps_of(desired)?;
            // The shared objects the job needs; the scope's workloads are
            // left as they are.
            for step in &steps.prepare {
                self.step(step)?;
            }
            desired
        };
        let job = desired
            .jobs
            .iter()
            .find(|j| j.name == workload)
            .expect("the job was found above");
        let started = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let name = desired.names.job(workload, started);
        let replica = &job.replicas[0];
        let mut names = Vec::new();
        for (command, container) in replica.run.iter().zip(&replica.containers) {
            // The replica's names (which hold its hash) become the job's.
            let mut command = command.clone();
            for arg in command.args.iter_mut() {
                if arg.starts_with(&format!("{LABEL_ROLE}=")) {
                    *arg = format!("{LABEL_ROLE}=job");
                } else if arg.contains(&replica.main) {
                    *arg = arg.replace(&replica.main, &name);
                }
            }
            self.progress.line(&command.to_string());
            names.push(container.replace(&replica.main, &name));
            self.must(&command)?;
        }
        let wait = EngineCommand::new(self.engine, ["wait", name.as_str()]);
        let deadline = job.active_deadline_seconds.map(Duration::from_secs);
        let waited = self.run(&wait, deadline)?;
        let status = match waited.status {
            Some(0) => waited
                .stdout
                .trim()
                .lines()
                .last()
                .and_then(|l| l.trim().parse::<i32>().ok())
                .ok_or_else(|| RunnerError::unreadable(&wait, "no exit status".into()))?,
            Some(_) => return Err(RunnerError::engine(&wait, &waited)),
            None => {
                output(&format!(
                    "the job ran past its activeDeadlineSeconds ({} s): stopping it\n",
                    job.active_deadline_seconds.unwrap_or_default()
                ));
                let stop = EngineCommand::new(self.engine, ["stop", "--time", "10", name.as_str()]);
                let _ = self.run(&stop, None);
                let waited = self.run(&wait, Some(Duration::from_secs(30)))?;
                waited.stdout.trim().parse::<i32>().unwrap_or(137)
            }
        };
        let logs = EngineCommand::new(self.engine, ["logs", name.as_str()]);
        let logged = self.run(&logs, Some(Duration::from_secs(60)))?;
        output(&self.secrets.redact(&logged.stdout));
        output(&self.secrets.redact(&logged.stderr));
        let mut remove = vec!["rm".to_string(), "--force".to_string()];
        remove.extend(names.into_iter().rev());
        self.must(&EngineCommand::new(self.engine, remove))?;
        Ok(status)
    }
}

/// The engine name of the network, volume or secret a step creates.
fn created_object(step: &Step) -> Option<String> {
    let Step::Run(command) = step else {
        return None;
    };
    match command
        .args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["secret", "create", .., name, "-"] => Some(name.to_string()),
        ["network" | "volume", "create", .., name] => Some(name.to_string()),
        _ => None,
    }
}

fn not_ready(workload: &str, replica: &str, reason: String) -> RunnerError {
    RunnerError::NotReady {
        workload: workload.to_string(),
        replica: Some(replica.to_string()),
        reason,
    }
}

/// Runs `work` on every item, at most `at_once` at a time, and returns
/// the results in the items' order; the first error (in that order) if
/// any failed, after all have ended. The first `at_once` items each start
/// on a thread of their own; the rest go to whichever thread is free.
fn a_few_at_a_time<T: Sync, R: Send>(
    items: &[T],
    at_once: usize,
    work: impl Fn(&T) -> Result<R, RunnerError> + Sync,
) -> Result<Vec<R>, RunnerError> {
    let threads = at_once.clamp(1, items.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(threads);
    let results: Vec<Mutex<Option<Result<R, RunnerError>>>> =
        items.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for first in 0..threads {
            let (next, results, work) = (&next, &results, &work);
            scope.spawn(move || {
                let mut i = first;
                while let Some(item) = items.get(i) {
                    *results[i].lock().expect("not poisoned") = Some(work(item));
                    i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            });
        }
    });
    results
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .expect("not poisoned")
                .expect("every item was worked on")
        })
        .collect()
}

/// Runs `work` on every item, each on a thread of its own, and waits for
/// all of them: their results, or the first error in the items' order.
fn side_by_side<T: Sync, R: Send>(
    items: &[T],
    work: impl Fn(&T) -> Result<R, RunnerError> + Sync,
) -> Result<Vec<R>, RunnerError> {
    a_few_at_a_time(items, items.len(), work)
}
