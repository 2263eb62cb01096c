//! From what the plan wants and what runs to the steps between them. Pure,
//! so the exact engine commands of an apply can be printed (`--dry-run`)
//! and pinned by snapshot tests before anything runs.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::PathBuf;

use landfall_plan::{Change, Probe, ProbeAction, VolumeKind};

use crate::desired::{Desired, DesiredReplica, DesiredWorkload, STOP_TIMEOUT_SECONDS, Upgrade};
use crate::engine::{EngineCommand, EngineKind};
use crate::observe::{ObservedContainer, ObservedScope};

#[derive(Clone, Debug)]
pub enum Step {
    /// An engine command that must succeed.
    Run(EngineCommand),
    /// An engine command whose failure is reported and passed over (a
    /// pre-stop hook of a container about to go).
    TryRun(EngineCommand),
    /// Write config files into a fresh directory (read-only mounts).
    WriteConfig {
        dir: PathBuf,
        files: BTreeMap<String, String>,
    },
    /// Write a secret's value to a file only the owner reads (docker).
    WriteSecretFile { path: PathBuf, reference: String },
    /// Wait until the replicas' startup then readiness probes pass; on
    /// failure show their last log lines, run `on_failure` (removing them),
    /// and stop the apply.
    AwaitReady {
        workload: String,
        containers: Vec<String>,
        startup: Option<Probe>,
        readiness: Option<Probe>,
        /// Skip the initial delay: the containers were started by an
        /// earlier apply.
        started_earlier: bool,
        on_failure: Vec<EngineCommand>,
    },
    /// Keep probing for `ms`: a rolling step goes on only after its new
    /// replicas stayed healthy this long.
    StayHealthy {
        workload: String,
        containers: Vec<String>,
        readiness: Option<Probe>,
        ms: u64,
        on_failure: Vec<EngineCommand>,
    },
    /// Remove directories of the state dir no longer used.
    RemoveDirs { dirs: Vec<PathBuf> },
    /// Sequences run side by side, each in its own order: the starts of a
    /// workload's replicas, which nothing orders. The engines hold few
    /// locks through a `run`, so three replicas start in about the time
    /// of two. It fails if any sequence fails, after all have ended.
    Together(Vec<Vec<Step>>),
}

/// A workload's steps and what they change.
#[derive(Clone, Debug, Default)]
pub struct WorkloadSteps {
    pub name: String,
    pub steps: Vec<Step>,
    pub created: usize,
    pub replaced: usize,
    pub removed: usize,
    /// `rolling (maxParallel 1, healthyTime 1s) from 2.4.1`, …
    pub how: Option<String>,
    /// What `plan` shows for the workload; `None` for a cron workload's
    /// entry of the list of workloads moved (it has none).
    pub decision: Option<Change>,
}

impl WorkloadSteps {
    /// Replicas started, replaced or removed (the progress line's words).
    pub fn replica_changes(&self) -> usize {
        self.created + self.replaced + self.removed
    }
}

/// Everything an apply does, in order: shared objects first, then each
/// workload, then the removal of what the plan no longer names.
#[derive(Clone, Debug, Default)]
pub struct ApplySteps {
    pub prepare: Vec<Step>,
    /// Shared objects created (network, volumes, secrets, configs).
    pub prepared: usize,
    pub workloads: Vec<WorkloadSteps>,
    pub cleanup: Vec<Step>,
    pub cleaned: usize,
    /// What happens to each shared object, by the plan's names.
    pub shared: Vec<Change>,
    /// Cron workloads: listed, never moved.
    pub jobs: Vec<Change>,
}

impl ApplySteps {
    /// How many objects the apply acts on: the plan's summary and the
    /// apply's report count exactly these.
    pub fn changes(&self) -> usize {
        self.decisions()
            .iter()
            .filter(|c| c.action.changes())
            .count()
    }

    /// What happens to every object, by kind and name: the lines of
    /// `landfall plan`.
    pub fn decisions(&self) -> Vec<Change> {
        let mut all: Vec<Change> = self
            .shared
            .iter()
            .chain(self.workloads.iter().filter_map(|w| w.decision.as_ref()))
            .chain(&self.jobs)
            .cloned()
            .collect();
        all.sort_by(|a, b| a.kind.cmp(&b.kind).then_with(|| a.name.cmp(&b.name)));
        all
    }

    /// Every step, those run side by side in their listed order.
    pub fn steps(&self) -> impl Iterator<Item = &Step> {
        self.in_order().flat_map(Step::sequence)
    }

    /// The steps in the order an apply takes them: shared objects, each
    /// workload's, the cleanup.
    fn in_order(&self) -> impl Iterator<Item = &Step> {
        self.prepare
            .iter()
            .chain(self.workloads.iter().flat_map(|w| &w.steps))
            .chain(&self.cleanup)
    }

    /// The steps as a shell script: commands as lines, the rest as
    /// comments. Steps run side by side are listed one sequence after
    /// another, under a comment that says so: run as a script, they run
    /// one after another, which changes nothing but the time.
    pub fn render(&self) -> String {
        let mut text = String::new();
        for step in self.in_order() {
            render_step(&mut text, step);
        }
        text
    }
}

impl Step {
    /// The step itself, or the steps it runs side by side in their listed
    /// order.
    fn sequence(&self) -> Box<dyn Iterator<Item = &Step> + '_> {
        match self {
            Step::Together(sequences) => Box::new(sequences.iter().flatten()),
            step => Box::new(std::iter::once(step)),
        }
    }
}

pub fn render_step(text: &mut String, step: &Step) {
    match step {
        Step::Run(command) => {
            let _ = writeln!(text, "{command}");
        }
        Step::TryRun(command) => {
            let _ = writeln!(text, "{command} || true");
        }
        Step::WriteConfig { dir, files } => {
            let files: Vec<&str> = files.keys().map(String::as_str).collect();
            let _ = writeln!(
                text,
                "# write {} (read-only): {}",
                dir.display(),
                files.join(", ")
            );
        }
        Step::WriteSecretFile { path, reference } => {
            let _ = writeln!(
                text,
                "# write secret {reference} to {} (mode 0444 in a 0700 directory)",
                path.display()
            );
        }
        Step::AwaitReady {
            containers,
            startup,
            readiness,
            ..
        } => {
            let mut checks = Vec::new();
            if let Some(probe) = startup {
                checks.push(format!("startup {}", describe_probe(probe)));
            }
            if let Some(probe) = readiness {
                checks.push(format!("readiness {}", describe_probe(probe)));
            }
            if checks.is_empty() {
                checks.push("running".to_string());
            }
            let _ = writeln!(
                text,
                "# wait until ready ({}): {}",
                checks.join(", then "),
                containers.join(" ")
            );
        }
        Step::StayHealthy { containers, ms, .. } => {
            let _ = writeln!(
                text,
                "# wait {ms} ms, probing, for them to stay healthy: {}",
                containers.join(" ")
            );
        }
        Step::RemoveDirs { dirs } => {
            for dir in dirs {
                let _ = writeln!(text, "# remove {}", dir.display());
            }
        }
        Step::Together(sequences) => {
            let _ = writeln!(
                text,
                "# the next {} sequences run side by side:",
                sequences.len()
            );
            for (i, sequence) in sequences.iter().enumerate() {
                let _ = writeln!(text, "# sequence {}", i + 1);
                for step in sequence {
                    render_step(text, step);
                }
            }
        }
    }
}

pub fn describe_probe(probe: &Probe) -> String {
    let action = match &probe.action {
        ProbeAction::Http { path, port, scheme } => {
            let scheme = match scheme {
                landfall_plan::HttpScheme::Http => "http",
                landfall_plan::HttpScheme::Https => "https",
            };
            format!("{scheme} GET {path} on port {port}")
        }
        ProbeAction::Tcp { port } => format!("tcp port {port}"),
        ProbeAction::Exec { command } => format!("exec {}", command.join(" ")),
    };
    format!(
        "{action} every {} ms after {} ms, {} failures fail",
        probe.period_ms, probe.initial_delay_ms, probe.failure_threshold
    )
}

/// The commands that stop and remove one replica (its hook first).
pub fn remove_replica(
    engine: EngineKind,
    workload: Option<&DesiredWorkload>,
    containers: &[String],
) -> Vec<Step> {
    let mut steps = Vec::new();
    if let Some(workload) = workload {
        for (container, command) in &workload.pre_stop {
            // The hook runs in the replica's container of that name.
            if let Some(name) = containers
                .iter()
                .find(|n| n.ends_with(&format!("-{container}")) || containers.len() == 1)
            {
                let mut args = vec!["exec".to_string(), name.clone()];
                args.extend(command.iter().cloned());
                steps.push(Step::TryRun(EngineCommand::new(engine, args)));
            }
        }
    }
    // Further containers share the first one's network: stop them first.
    let mut order: Vec<&String> = containers.iter().collect();
    order.reverse();
    let mut stop = vec![
        "stop".to_string(),
        "--time".to_string(),
        STOP_TIMEOUT_SECONDS.to_string(),
    ];
    stop.extend(order.iter().map(|s| s.to_string()));
    steps.push(Step::Run(EngineCommand::new(engine, stop)));
    steps.extend(
        remove_first_last(engine, containers)
            .into_iter()
            .map(Step::Run),
    );
    steps
}

/// `rm --force` of a replica's containers: the further ones in one
/// command, then the first (the engine refuses to remove a container whose
/// network others still use, even within one command).
fn remove_first_last(engine: EngineKind, containers: &[String]) -> Vec<EngineCommand> {
    let mut commands = Vec::new();
    for group in [&containers[1..], &containers[..1]] {
        if !group.is_empty() {
            let mut args = vec!["rm".to_string(), "--force".to_string()];
            args.extend(group.iter().cloned());
            commands.push(EngineCommand::new(engine, args));
        }
    }
    commands
}

/// `rm --force` of containers that failed: no hook, no graceful stop.
fn discard(engine: EngineKind, containers: &[String]) -> Vec<EngineCommand> {
    remove_first_last(engine, containers)
}

/// `listed`: with the workload's network alias from the start (nothing
/// else serves, so there is no traffic to keep from it).
fn start_replica(desired: &DesiredWorkload, replica: &DesiredReplica, listed: bool) -> Vec<Step> {
    let run = if listed {
        &replica.run
    } else {
        &replica.run_unlisted
    };
    let mut steps: Vec<Step> = run.iter().cloned().map(Step::Run).collect();
    let engine = replica.run[0].engine;
    for (container, command) in &desired.post_start {
        let name = replica
            .containers
            .iter()
            .zip(replica.run.iter())
            .find(|(_, run)| {
                run.args
                    .iter()
                    .any(|a| a == &format!("{}={container}", crate::names::LABEL_CONTAINER))
            })
            .map(|(name, _)| name.clone())
            .unwrap_or_else(|| replica.main.clone());
        let mut args = vec!["exec".to_string(), name];
        args.extend(command.iter().cloned());
        steps.push(Step::Run(EngineCommand::new(engine, args)));
    }
    steps
}

/// Starts `replicas` side by side (one alone as it is).
fn start_replicas(
    desired: &DesiredWorkload,
    replicas: &[&DesiredReplica],
    listed: bool,
) -> Vec<Step> {
    let mut sequences: Vec<Vec<Step>> = replicas
        .iter()
        .map(|replica| start_replica(desired, replica, listed))
        .collect();
    match sequences.len() {
        0 => Vec::new(),
        1 => sequences.pop().unwrap_or_default(),
        _ => vec![Step::Together(sequences)],
    }
}

fn await_ready(
    desired: &DesiredWorkload,
    replicas: &[&DesiredReplica],
    started_earlier: bool,
) -> Step {
    let engine = replicas[0].run[0].engine;
    let all: Vec<String> = replicas
        .iter()
        .flat_map(|r| r.containers.iter().cloned())
        .collect();
    Step::AwaitReady {
        workload: desired.name.clone(),
        containers: replicas.iter().map(|r| r.main.clone()).collect(),
        startup: desired.startup.clone(),
        readiness: desired.readiness.clone(),
        started_earlier,
        on_failure: if started_earlier {
            Vec::new()
        } else {
            discard(engine, &all)
        },
    }
}

/// A replica found running: its containers, grouped by run hash.
#[derive(Debug)]
struct Running<'a> {
    index: u32,
    run_hash: &'a str,
    version: &'a str,
    containers: Vec<&'a ObservedContainer>,
}

impl Running<'_> {
    fn names(&self) -> Vec<String> {
        // The first container (no `-<container>` suffix) first.
        let mut names: Vec<String> = self.containers.iter().map(|c| c.name.clone()).collect();
        names.sort_by_key(|n| n.len());
        names
    }

    fn healthy(&self) -> bool {
        self.containers.iter().all(|c| c.running())
    }
}

fn running_replicas<'a>(observed: &'a ObservedScope, workload: &'a str) -> Vec<Running<'a>> {
    let mut by_key: BTreeMap<(u32, &str), Running<'a>> = BTreeMap::new();
    for container in observed.workload_containers(workload) {
        let index = container.replica().unwrap_or(u32::MAX);
        by_key
            .entry((index, container.run_hash()))
            .or_insert_with(|| Running {
                index,
                run_hash: container.run_hash(),
                version: container.version(),
                containers: Vec::new(),
            })
            .containers
            .push(container);
    }
    by_key.into_values().collect()
}

/// The steps for one workload.
pub fn reconcile_workload(
    desired: &Desired,
    workload: &DesiredWorkload,
    observed: &ObservedScope,
) -> WorkloadSteps {
    let mut out = workload_steps(desired, workload, observed);
    let running = running_replicas(observed, &workload.name);
    let seen: Vec<crate::decide::Seen> = running
        .iter()
        .filter_map(|replica| {
            let first = replica.containers.iter().min_by_key(|c| c.name.len())?;
            Some(crate::decide::Seen {
                index: replica.index,
                wanted: workload
                    .replicas
                    .iter()
                    .any(|r| r.index == replica.index && r.run_hash == replica.run_hash),
                first,
                healthy: replica.healthy(),
            })
        })
        .collect();
    let mut repairs = Vec::new();
    for replica in seen.iter().filter(|r| r.wanted && r.healthy) {
        if desired
            .networks
            .iter()
            .any(|n| !replica.first.has_alias(&n.name, &workload.name))
        {
            repairs.push(format!(
                "replica {} is not reached by the workload's name",
                replica.index
            ));
        }
    }
    out.decision = Some(crate::decide::workload(
        desired, workload, observed, &seen, &repairs,
    ));
    out
}

fn workload_steps(
    desired: &Desired,
    workload: &DesiredWorkload,
    observed: &ObservedScope,
) -> WorkloadSteps {
    let engine = desired.engine;
    let mut out = WorkloadSteps {
        name: workload.name.clone(),
        ..WorkloadSteps::default()
    };
    let running = running_replicas(observed, &workload.name);
    let wanted: BTreeSet<(u32, &str)> = workload
        .replicas
        .iter()
        .map(|r| (r.index, r.run_hash.as_str()))
        .collect();

    // Current replicas that stopped or crashed, and replicas past the
    // wanted count: removed first, they serve nothing.
    let mut current: BTreeSet<u32> = BTreeSet::new();
    let mut old: Vec<&Running> = Vec::new();
    for replica in &running {
        let is_wanted = wanted.contains(&(replica.index, replica.run_hash));
        if is_wanted && replica.healthy() {
            current.insert(replica.index);
        } else if is_wanted || replica.index as usize >= workload.replicas.len() {
            // A wanted replica that is down is started again below (and
            // counted there).
            out.steps
                .extend(remove_replica(engine, Some(workload), &replica.names()));
            out.removed += usize::from(!is_wanted);
        } else if replica.healthy() {
            old.push(replica);
        } else {
            // An old replica that is down serves nothing: remove it now.
            out.steps
                .extend(remove_replica(engine, Some(workload), &replica.names()));
        }
    }

    // An old replica beside a current one of its slot: a rolling step
    // interrupted after its new replica was ready. Finish the step.
    old.retain(|replica| {
        if current.contains(&replica.index) {
            out.steps
                .extend(remove_replica(engine, Some(workload), &replica.names()));
            out.removed += 1;
            false
        } else {
            true
        }
    });

    // A current replica started beside old ones by an apply killed before
    // it was attached gets the workload's name now.
    for replica in &running {
        if !current.contains(&replica.index) || !wanted.contains(&(replica.index, replica.run_hash))
        {
            continue;
        }
        let Some(first) = replica.containers.iter().min_by_key(|c| c.name.len()) else {
            continue;
        };
        let unlisted = desired
            .networks
            .iter()
            .any(|n| !first.has_alias(&n.name, &workload.name));
        if let (true, Some(wanted)) = (
            unlisted,
            workload.replicas.iter().find(|r| r.index == replica.index),
        ) {
            out.steps
                .extend(wanted.attach.iter().cloned().map(Step::Run));
            out.replaced += 1;
        }
    }

    // Replicas already right are checked again: an apply killed between
    // start and readiness must not leave an unverified replica behind.
    let verified: Vec<&DesiredReplica> = workload
        .replicas
        .iter()
        .filter(|r| current.contains(&r.index))
        .collect();
    if !verified.is_empty() {
        out.steps.push(await_ready(workload, &verified, true));
    }

    let missing: Vec<&DesiredReplica> = workload
        .replicas
        .iter()
        .filter(|r| !current.contains(&r.index))
        .collect();
    if missing.is_empty() {
        return out;
    }
    let old_slots: BTreeSet<u32> = old.iter().map(|r| r.index).collect();
    let (fresh, replacing): (Vec<&DesiredReplica>, Vec<&DesiredReplica>) = missing
        .into_iter()
        .partition(|r| !old_slots.contains(&r.index));
    out.created += fresh.len();

    // Slots nobody serves: start them first, they cost no availability.
    out.steps.extend(start_replicas(workload, &fresh, true));
    if !fresh.is_empty() {
        out.steps.push(await_ready(workload, &fresh, false));
    }
    if replacing.is_empty() {
        return out;
    }
    out.replaced += replacing.len();

    let from = old[0].version;
    let mut upgrade = desired.upgrade_from(from);
    let mut how = match upgrade {
        Upgrade::Rolling {
            max_parallel,
            healthy_time_ms,
        } => format!("rolling (maxParallel {max_parallel}, healthyTime {healthy_time_ms} ms)"),
        Upgrade::Recreate => "recreate".to_string(),
    };
    if workload.fixed_host_port && matches!(upgrade, Upgrade::Rolling { .. }) {
        upgrade = Upgrade::Recreate;
        how = "recreate (a fixed host port cannot be held by two replicas)".to_string();
    }
    out.how = Some(if from == desired.version {
        format!("{how}: changed spec of version {from}")
    } else {
        format!("{how} from version {from}")
    });

    match upgrade {
        Upgrade::Recreate => {
            for replica in &old {
                out.steps
                    .extend(remove_replica(engine, Some(workload), &replica.names()));
            }
            out.steps.extend(start_replicas(workload, &replacing, true));
            out.steps.push(await_ready(workload, &replacing, false));
        }
        Upgrade::Rolling {
            max_parallel,
            healthy_time_ms,
        } => {
            // Start the new, wait until ready and healthy, then stop the old
            // of the same slots: the service answers throughout.
            for batch in replacing.chunks(max_parallel as usize) {
                out.steps.extend(start_replicas(workload, batch, false));
                out.steps.push(await_ready(workload, batch, false));
                // Ready: now the workload's name reaches it too.
                for replica in batch {
                    out.steps
                        .extend(replica.attach.iter().cloned().map(Step::Run));
                }
                if healthy_time_ms > 0 {
                    let all: Vec<String> = batch
                        .iter()
                        .flat_map(|r| r.containers.iter().cloned())
                        .collect();
                    out.steps.push(Step::StayHealthy {
                        workload: workload.name.clone(),
                        containers: batch.iter().map(|r| r.main.clone()).collect(),
                        readiness: workload.readiness.clone(),
                        ms: healthy_time_ms,
                        on_failure: discard(engine, &all),
                    });
                }
                for replica in batch {
                    for running in old.iter().filter(|o| o.index == replica.index) {
                        let names = running.names();
                        // Out of the name's answers first, then stopped.
                        for network in &desired.networks {
                            out.steps.push(Step::TryRun(EngineCommand::new(
                                engine,
                                ["network", "disconnect", &network.name, &names[0]],
                            )));
                        }
                        out.steps
                            .extend(remove_replica(engine, Some(workload), &names));
                    }
                }
            }
        }
    }
    out
}

/// Every step of an apply.
pub fn reconcile(desired: &Desired, observed: &ObservedScope) -> ApplySteps {
    let mut steps = reconcile_before_cleanup(desired, observed);
    steps.plan_cleanup(desired, observed);
    steps
}

/// Which of the plan's shared objects a prepare makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shared {
    All,
    /// All but the persistent volumes: what an apply may make before it
    /// read the engine, since a create that finds its object in place
    /// goes on. A persistent volume holds data, so its create is never
    /// shown before a listing found it missing.
    AllButPersistentVolumes,
    PersistentVolumes,
}

/// The steps that make the shared objects of `which` that `observed`
/// lacks, and how many objects they create (config directories and
/// secret files are written on every apply and not counted).
pub fn prepare_shared(
    desired: &Desired,
    observed: &ObservedScope,
    which: Shared,
) -> (Vec<Step>, usize) {
    let mut steps = Vec::new();
    let mut created = 0;
    if which != Shared::PersistentVolumes {
        for network in &desired.networks {
            if !observed.network_exists(&network.name) {
                steps.push(Step::Run(network.create.clone()));
                created += 1;
            }
        }
    }
    for volume in &desired.volumes {
        let persistent = volume.kind == VolumeKind::Persistent;
        let wanted = match which {
            Shared::All => true,
            Shared::AllButPersistentVolumes => !persistent,
            Shared::PersistentVolumes => persistent,
        };
        if wanted && !observed.volume_exists(&volume.name) {
            steps.push(Step::Run(volume.create.clone()));
            created += 1;
        }
    }
    if which == Shared::PersistentVolumes {
        return (steps, created);
    }
    for config in &desired.configs {
        // Written on every apply: the directory is named after its
        // content, so writing it again changes nothing, and a directory
        // lost with the state dir is restored.
        steps.push(Step::WriteConfig {
            dir: config.dir.clone(),
            files: config.files.clone(),
        });
    }
    for secret in &desired.secrets {
        if let Some(create) = &secret.create {
            if !observed.secrets.contains(&secret.name) {
                steps.push(Step::Run(create.clone()));
                created += 1;
            }
        }
        if let Some(path) = &secret.file {
            steps.push(Step::WriteSecretFile {
                path: path.clone(),
                reference: secret.reference.clone(),
            });
        }
    }
    (steps, created)
}

/// The steps before the cleanup: they read what
/// [`crate::observe::observe_before_acting`] reads, so an apply can list
/// the rest while the workloads move.
pub fn reconcile_before_cleanup(desired: &Desired, observed: &ObservedScope) -> ApplySteps {
    let engine = desired.engine;
    let (prepare, prepared) = prepare_shared(desired, observed, Shared::All);
    let mut out = ApplySteps {
        prepare,
        prepared,
        shared: crate::decide::shared(desired, observed),
        jobs: desired.jobs.iter().map(crate::decide::job).collect(),
        ..ApplySteps::default()
    };

    for workload in &desired.workloads {
        out.workloads
            .push(reconcile_workload(desired, workload, observed));
    }

    // Workloads the plan no longer names (cron jobs started by `run` are
    // left to finish).
    let named: BTreeSet<&str> = desired.workloads.iter().map(|w| w.name.as_str()).collect();
    let mut orphans: BTreeMap<&str, Vec<Running>> = BTreeMap::new();
    for container in &observed.containers {
        if !container.is_job() && !named.contains(container.workload()) {
            orphans.entry(container.workload()).or_default();
        }
    }
    for (name, replicas) in orphans.iter_mut() {
        *replicas = running_replicas(observed, name);
        let mut steps = WorkloadSteps {
            name: name.to_string(),
            ..WorkloadSteps::default()
        };
        for replica in replicas.iter() {
            steps.steps.extend(remove_replica(
                engine,
                desired.workload(name),
                &replica.names(),
            ));
            steps.removed += 1;
        }
        steps.decision = Some(crate::decide::removed(name, replicas.len()));
        out.workloads.push(steps);
    }
    out
}

impl ApplySteps {
    /// The removal of shared objects the plan no longer names, once every
    /// workload moved. Persistent volumes hold data: only `down --volumes`
    /// removes them.
    pub fn plan_cleanup(&mut self, desired: &Desired, observed: &ObservedScope) {
        let (cleanup, cleaned) = cleanup(desired, observed);
        self.cleanup = cleanup;
        self.cleaned = cleaned;
        crate::decide::cleanup(desired, observed, &mut self.shared);
    }
}

fn cleanup(desired: &Desired, observed: &ObservedScope) -> (Vec<Step>, usize) {
    let engine = desired.engine;
    let mut steps = Vec::new();
    let mut cleaned = 0;
    let wanted_secrets: BTreeSet<&str> = desired.secrets.iter().map(|s| s.name.as_str()).collect();
    let stale_secrets: Vec<String> = observed
        .secrets
        .iter()
        .filter(|s| !wanted_secrets.contains(s.as_str()))
        .cloned()
        .collect();
    if !stale_secrets.is_empty() {
        cleaned += stale_secrets.len();
        let mut args = vec!["secret".to_string(), "rm".to_string()];
        args.extend(stale_secrets);
        steps.push(Step::Run(EngineCommand::new(engine, args)));
    }
    let wanted_volumes: BTreeSet<&str> = desired
        .volumes
        .iter()
        .filter(|v| v.kind == VolumeKind::Scratch)
        .map(|v| v.name.as_str())
        .collect();
    let stale_volumes: Vec<String> = observed
        .scratch_volumes
        .iter()
        .filter(|v| !wanted_volumes.contains(v.as_str()))
        .cloned()
        .collect();
    if !stale_volumes.is_empty() {
        cleaned += stale_volumes.len();
        let mut args = vec!["volume".to_string(), "rm".to_string()];
        args.extend(stale_volumes);
        steps.push(Step::Run(EngineCommand::new(engine, args)));
    }
    let wanted_networks: BTreeSet<&str> =
        desired.networks.iter().map(|n| n.name.as_str()).collect();
    let stale_networks: Vec<String> = observed
        .networks
        .iter()
        .filter(|n| !wanted_networks.contains(n.as_str()))
        .cloned()
        .collect();
    if !stale_networks.is_empty() {
        cleaned += stale_networks.len();
        let mut args = vec!["network".to_string(), "rm".to_string()];
        args.extend(stale_networks);
        steps.push(Step::Run(EngineCommand::new(engine, args)));
    }
    (steps, cleaned)
}

/// The steps of `down`: every container (jobs too), network, secret and
/// scratch volume of the scope; persistent volumes only when asked.
pub fn teardown(engine: EngineKind, observed: &ObservedScope, with_volumes: bool) -> Vec<Step> {
    let mut steps = Vec::new();
    if !observed.containers.is_empty() {
        // Sidecars use their replica's network: they go first.
        let mut containers: Vec<&ObservedContainer> = observed.containers.iter().collect();
        containers.sort_by_key(|c| c.label(crate::names::LABEL_ROLE) != "sidecar");
        let names: Vec<String> = containers.iter().map(|c| c.name.clone()).collect();
        let mut stop = vec![
            "stop".to_string(),
            "--time".to_string(),
            STOP_TIMEOUT_SECONDS.to_string(),
        ];
        stop.extend(names.iter().cloned());
        steps.push(Step::TryRun(EngineCommand::new(engine, stop)));
        let (sidecars, others): (Vec<&ObservedContainer>, Vec<&ObservedContainer>) = containers
            .iter()
            .partition(|c| c.label(crate::names::LABEL_ROLE) == "sidecar");
        for group in [sidecars, others] {
            if !group.is_empty() {
                let mut remove = vec!["rm".to_string(), "--force".to_string()];
                remove.extend(group.iter().map(|c| c.name.clone()));
                steps.push(Step::Run(EngineCommand::new(engine, remove)));
            }
        }
    }
    let mut volumes = observed.scratch_volumes.clone();
    if with_volumes {
        volumes.extend(observed.persistent_volumes.iter().cloned());
    }
    for (what, objects) in [
        ("secret", observed.secrets.clone()),
        ("volume", volumes),
        ("network", observed.networks.clone()),
    ] {
        if !objects.is_empty() {
            let mut args = vec![what.to_string(), "rm".to_string()];
            args.extend(objects);
            steps.push(Step::Run(EngineCommand::new(engine, args)));
        }
    }
    steps
}
