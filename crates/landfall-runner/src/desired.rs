//! What a plan asks the engine for: every object's name and the exact
//! command that creates it. Pure: no process is started, no file written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use landfall_plan::{
    Container, EnvSource, MountSource, Plan, Probe, ProbeAction, Strategy, Target, VolumeKind,
    Workload, WorkloadType,
};
use sha2::{Digest, Sha256};

use crate::engine::{EngineCommand, EngineKind, cpus};
use crate::error::RunnerError;
use crate::names::*;
use crate::secrets::{Secrets, hex};

/// Every container gets a pids limit (a fork bomb stays inside it); the
/// spec has no field for it, so one generous value for all.
pub const PIDS_LIMIT: u32 = 512;
/// Seconds a container has to stop after SIGTERM before it is killed.
pub const STOP_TIMEOUT_SECONDS: u32 = 10;

/// A plan made concrete for one engine.
#[derive(Debug)]
pub struct Desired {
    pub engine: EngineKind,
    pub names: ScopeNames,
    pub version: String,
    pub networks: Vec<DesiredObject>,
    pub volumes: Vec<DesiredVolume>,
    pub configs: Vec<DesiredConfig>,
    pub secrets: Vec<DesiredSecret>,
    pub workloads: Vec<DesiredWorkload>,
    /// Cron workloads: started only by `landfall run`.
    pub jobs: Vec<DesiredWorkload>,
    pub upgrade_from: Vec<landfall_plan::UpgradeRule>,
    /// `$STATE/<app>/<scope>`: config files (and docker's secret files).
    pub scope_dir: PathBuf,
}

#[derive(Debug)]
pub struct DesiredObject {
    pub name: String,
    pub create: EngineCommand,
}

#[derive(Debug)]
pub struct DesiredVolume {
    pub name: String,
    pub kind: VolumeKind,
    pub create: EngineCommand,
}

/// Config files are written to a directory named after their content and
/// mounted read-only, so a changed file is a new directory and the
/// workloads mounting it are replaced.
#[derive(Debug)]
pub struct DesiredConfig {
    pub name: String,
    pub dir: PathBuf,
    pub files: BTreeMap<String, String>,
}

#[derive(Debug)]
pub struct DesiredSecret {
    pub reference: String,
    /// The engine object (podman) or the file in the state directory (docker).
    pub name: String,
    pub create: Option<EngineCommand>,
    pub file: Option<PathBuf>,
}

#[derive(Debug)]
pub struct DesiredWorkload {
    pub name: String,
    pub replicas: Vec<DesiredReplica>,
    pub readiness: Option<Probe>,
    pub startup: Option<Probe>,
    /// A port with a fixed host port cannot be held by an old and a new
    /// replica at once: such workloads are recreated, never rolled.
    pub fixed_host_port: bool,
    /// `(container, command)` run with `exec` after start / before stop.
    pub post_start: Vec<(String, Vec<String>)>,
    pub pre_stop: Vec<(String, Vec<String>)>,
    pub active_deadline_seconds: Option<u64>,
    /// The plan's workload, for what `plan` shows of a change.
    pub spec: landfall_plan::Workload,
}

#[derive(Debug, Clone)]
pub struct DesiredReplica {
    pub index: u32,
    pub run_hash: String,
    /// The first container's name; further containers share its network.
    pub main: String,
    /// Every container of the replica, first one first.
    pub containers: Vec<String>,
    pub run: Vec<EngineCommand>,
    /// `run` without the workload's network alias: a replica started beside
    /// serving ones gets no traffic until it is ready and [`Self::attach`]ed.
    pub run_unlisted: Vec<EngineCommand>,
    /// Reconnects the first container with the workload's alias.
    pub attach: Vec<EngineCommand>,
}

/// How a workload whose running version differs is upgraded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Upgrade {
    Rolling {
        max_parallel: u32,
        healthy_time_ms: u64,
    },
    Recreate,
}

impl Desired {
    /// Builds the engine commands of a plan. Every secret the plan names
    /// must have a value: the values' digests name the secret objects.
    pub fn new(
        plan: &Plan,
        engine: EngineKind,
        state_dir: &Path,
        secrets: &Secrets,
    ) -> Result<Desired, RunnerError> {
        // A plan file is input: its messages quote at most a few hundred
        // bytes of any value (a megabyte of regexp or image is elided).
        validate(plan)
            .map_err(|message| RunnerError::InvalidPlan(landfall_diagnostics::bounded(message)))?;
        let names = ScopeNames::new(&plan.application.name, &plan.scope.name);
        let scope_dir = state_dir
            .join(&plan.application.name)
            .join(&plan.scope.name);
        let labels = names.base_labels();

        let networks = plan
            .networks
            .iter()
            .map(|n| {
                let name = names.network(&n.name);
                let mut args = vec!["network".to_string(), "create".to_string()];
                push_labels(&mut args, &labels);
                args.push(name.clone());
                DesiredObject {
                    create: EngineCommand::new(engine, args),
                    name,
                }
            })
            .collect();

        let volumes = plan
            .volumes
            .iter()
            .map(|v| {
                let name = names.volume(&v.name);
                let kind = match v.kind {
                    VolumeKind::Scratch => "scratch",
                    VolumeKind::Persistent => "persistent",
                };
                let mut args = vec!["volume".to_string(), "create".to_string()];
                let mut volume_labels = labels.clone();
                volume_labels.push((LABEL_VOLUME_KIND.to_string(), kind.to_string()));
                push_labels(&mut args, &volume_labels);
                args.push(name.clone());
                DesiredVolume {
                    create: EngineCommand::new(engine, args),
                    name,
                    kind: v.kind,
                }
            })
            .collect();

        let configs: Vec<DesiredConfig> = plan
            .configs
            .iter()
            .map(|c| DesiredConfig {
                name: c.name.clone(),
                dir: scope_dir.join("configs").join(config_dir_name(c)),
                files: c.files.clone(),
            })
            .collect();

        // Every missing value is named at once, not one per attempt.
        let missing: Vec<&str> = plan
            .secrets
            .iter()
            .filter(|s| secrets.get(&s.reference).is_err())
            .map(|s| s.reference.as_str())
            .collect();
        if missing.len() > 1 {
            let variables: Vec<String> = missing
                .iter()
                .map(|r| crate::secrets::environment_variable(r))
                .collect();
            return Err(RunnerError::Secret(format!(
                "{} secrets have no value: {}; set them with --secrets-file or in the environment variables {}",
                missing.len(),
                missing
                    .iter()
                    .map(|r| format!("`{r}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                variables.join(", ")
            )));
        }
        let mut desired_secrets = Vec::new();
        for s in &plan.secrets {
            let value = secrets.get(&s.reference)?;
            let digest = secrets.digest(value);
            let name = names.secret(&s.reference, &digest);
            if engine.has_secrets() && name.len() > SECRET_NAME_MAX {
                return Err(RunnerError::InvalidPlan(format!(
                    "secret `{}`: the application and scope names (`{}`) leave no room in a {engine} secret name of at most {SECRET_NAME_MAX} characters; shorten them",
                    s.reference,
                    names.owner()
                )));
            }
            let (create, file) = if engine.has_secrets() {
                let mut args = vec!["secret".to_string(), "create".to_string()];
                push_labels(&mut args, &labels);
                args.push(name.clone());
                args.push("-".to_string());
                let mut command = EngineCommand::new(engine, args);
                command.stdin_secret = Some(s.reference.clone());
                (Some(command), None)
            } else {
                (None, Some(scope_dir.join("secrets").join(&name)))
            };
            desired_secrets.push(DesiredSecret {
                reference: s.reference.clone(),
                name,
                create,
                file,
            });
        }

        let mut desired = Desired {
            engine,
            version: plan.application.version.clone(),
            networks,
            volumes,
            configs,
            secrets: desired_secrets,
            workloads: Vec::new(),
            jobs: Vec::new(),
            upgrade_from: plan.upgrade_from.clone(),
            scope_dir,
            names,
        };
        for workload in &plan.workloads {
            let built = desired.build_workload(plan, workload)?;
            if workload.workload_type == WorkloadType::Cron {
                desired.jobs.push(built);
            } else {
                desired.workloads.push(built);
            }
        }
        Ok(desired)
    }

    /// The strategy for moving a workload from `running_version`: the
    /// first `upgrade_from` entry matching it whole, else recreate. The
    /// same version (a changed spec or config) rolls one replica at a time.
    pub fn upgrade_from(&self, running_version: &str) -> Upgrade {
        if running_version == self.version {
            return Upgrade::Rolling {
                max_parallel: 1,
                healthy_time_ms: 0,
            };
        }
        for rule in &self.upgrade_from {
            // Validated in `validate`, so the pattern compiles.
            let Ok(regex) = version_regexp(&format!("^(?:{})$", rule.version_regexp)) else {
                continue;
            };
            if regex.is_match(running_version) {
                return match rule.strategy {
                    Strategy::Rolling => Upgrade::Rolling {
                        max_parallel: rule.max_parallel.max(1),
                        healthy_time_ms: rule.healthy_time_ms,
                    },
                    Strategy::Recreate => Upgrade::Recreate,
                };
            }
        }
        Upgrade::Recreate
    }

    /// Whether the plan keeps data in volumes, whose creates wait for a
    /// listing of the volumes.
    pub fn has_persistent_volumes(&self) -> bool {
        self.volumes
            .iter()
            .any(|v| v.kind == VolumeKind::Persistent)
    }

    pub fn workload(&self, name: &str) -> Option<&DesiredWorkload> {
        self.workloads
            .iter()
            .chain(&self.jobs)
            .find(|w| w.name == name)
    }

    fn secret(&self, reference: &str) -> &DesiredSecret {
        self.secrets
            .iter()
            .find(|s| s.reference == reference)
            .expect("validate checks that every secret used is declared")
    }

    fn config(&self, name: &str) -> &DesiredConfig {
        self.configs
            .iter()
            .find(|c| c.name == name)
            .expect("validate checks that every config mounted is declared")
    }

    fn build_workload(
        &self,
        plan: &Plan,
        workload: &Workload,
    ) -> Result<DesiredWorkload, RunnerError> {
        let first = &workload.containers[0];
        let fixed_host_port = workload
            .containers
            .iter()
            .flat_map(|c| &c.ports)
            .any(|p| p.host_port.is_some());
        let mut replicas = Vec::new();
        for index in 0..workload.replicas {
            replicas.push(self.replica(plan, workload, index));
        }
        let mut post_start = Vec::new();
        let mut pre_stop = Vec::new();
        for container in &workload.containers {
            if let Some(lifecycle) = &container.lifecycle {
                if let Some(command) = &lifecycle.post_start {
                    post_start.push((container.name.clone(), command.clone()));
                }
                if let Some(command) = &lifecycle.pre_stop {
                    pre_stop.push((container.name.clone(), command.clone()));
                }
            }
        }
        Ok(DesiredWorkload {
            name: workload.name.clone(),
            replicas,
            readiness: first.probes.readiness.clone(),
            startup: first.probes.startup.clone(),
            fixed_host_port,
            post_start,
            pre_stop,
            active_deadline_seconds: workload
                .job
                .as_ref()
                .and_then(|j| j.active_deadline_seconds),
            spec: workload.clone(),
        })
    }

    /// The `run` commands of one replica. The run hash covers all of them
    /// with the replica's own name left out (it contains the hash).
    fn replica(&self, plan: &Plan, workload: &Workload, index: u32) -> DesiredReplica {
        const PLACEHOLDER: &str = "{replica}";
        let mut bodies: Vec<Vec<String>> = Vec::new();
        let mut env_secrets = Vec::new();
        for (position, container) in workload.containers.iter().enumerate() {
            let (body, secrets) =
                self.container_body(plan, workload, container, position, index, PLACEHOLDER);
            bodies.push(body);
            env_secrets.push(secrets);
        }
        let mut digest = Sha256::new();
        for body in &bodies {
            for arg in body {
                digest.update(arg.as_bytes());
                digest.update([0]);
            }
            digest.update([1]);
        }
        // Docker's secrets are not in the command line: their object names
        // (which carry the value's digest) stand in for them.
        for secrets in &env_secrets {
            for (_, reference) in secrets {
                digest.update(self.secret(reference).name.as_bytes());
                digest.update([0]);
            }
        }
        let run_hash = hex(&digest.finalize());
        let main = self.names.replica(&workload.name, index, &run_hash);
        let mut containers = Vec::new();
        let mut run = Vec::new();
        for ((container, body), secrets) in workload.containers.iter().zip(bodies).zip(env_secrets)
        {
            let name = if containers.is_empty() {
                main.clone()
            } else {
                self.names.sidecar(&main, &container.name)
            };
            let mut args = vec![
                "run".to_string(),
                "--detach".to_string(),
                "--name".to_string(),
                name.clone(),
                "--label".to_string(),
                format!("{LABEL_RUN_HASH}={run_hash}"),
            ];
            args.extend(body.into_iter().map(|a| a.replace(PLACEHOLDER, &main)));
            let mut command = EngineCommand::new(self.engine, args);
            command.env_secrets = secrets;
            containers.push(name);
            run.push(command);
        }
        let mut run_unlisted = run.clone();
        let first = &mut run_unlisted[0].args;
        while let Some(at) = first.iter().position(|a| a == "--network-alias") {
            first.drain(at..at + 2);
        }
        let mut attach = Vec::new();
        for network in &self.networks {
            attach.push(EngineCommand::new(
                self.engine,
                ["network", "disconnect", &network.name, &main],
            ));
            attach.push(EngineCommand::new(
                self.engine,
                [
                    "network",
                    "connect",
                    "--alias",
                    &workload.name,
                    &network.name,
                    &main,
                ],
            ));
        }
        DesiredReplica {
            index,
            run_hash,
            main,
            containers,
            run,
            run_unlisted,
            attach,
        }
    }

    /// Everything after `run --detach --name NAME`, in a fixed order.
    fn container_body(
        &self,
        plan: &Plan,
        workload: &Workload,
        container: &Container,
        position: usize,
        index: u32,
        replica_name: &str,
    ) -> (Vec<String>, Vec<(String, String)>) {
        let engine = self.engine;
        let mut args = Vec::new();
        let mut labels = self.names.base_labels();
        labels.extend([
            (LABEL_WORKLOAD.to_string(), workload.name.clone()),
            (LABEL_CONTAINER.to_string(), container.name.clone()),
            (LABEL_REPLICA.to_string(), index.to_string()),
            (LABEL_VERSION.to_string(), plan.application.version.clone()),
            (LABEL_SPEC_HASH.to_string(), workload.spec_hash.clone()),
        ]);
        let role = if position == 0 { "replica" } else { "sidecar" };
        labels.push((LABEL_ROLE.to_string(), role.to_string()));
        if position == 0 {
            if let Some(probe) = &container.probes.readiness {
                labels.push((
                    LABEL_READINESS.to_string(),
                    serde_json::to_string(probe).expect("a probe serialises"),
                ));
            }
        }
        push_labels(&mut args, &labels);

        if position == 0 {
            for network in &self.networks {
                args.extend(["--network".to_string(), network.name.clone()]);
                args.extend(["--network-alias".to_string(), workload.name.clone()]);
            }
            // Every port of every container, and probe ports, published on
            // the loopback interface only: the first container owns the
            // network namespace the others join.
            let mut published: Vec<u16> = Vec::new();
            for port in workload.containers.iter().flat_map(|c| &c.ports) {
                if published.contains(&port.port) {
                    continue;
                }
                published.push(port.port);
                let host = match port.host_port {
                    // Only one replica can hold a fixed host port.
                    Some(host) if index == 0 => host.to_string(),
                    _ => String::new(),
                };
                args.extend([
                    "--publish".to_string(),
                    format!("127.0.0.1:{host}:{}", port.port),
                ]);
            }
            for probe in workload
                .containers
                .iter()
                .flat_map(|c| [&c.probes.readiness, &c.probes.startup])
                .flatten()
            {
                if let ProbeAction::Http { port, .. } | ProbeAction::Tcp { port } = probe.action {
                    if !published.contains(&port) {
                        published.push(port);
                        args.extend(["--publish".to_string(), format!("127.0.0.1::{port}")]);
                    }
                }
            }
        } else {
            args.extend(["--network".to_string(), format!("container:{replica_name}")]);
        }

        // Secure by default: no capabilities, no privilege gain, an init
        // that forwards signals (so a stop is quick), bounded processes.
        args.extend(
            [
                "--init",
                "--cap-drop",
                "ALL",
                "--security-opt",
                "no-new-privileges",
                "--pids-limit",
            ]
            .map(String::from),
        );
        args.push(PIDS_LIMIT.to_string());
        if let Some(user) = &container.user {
            args.extend(["--user".to_string(), user.clone()]);
        }
        if let Some(group) = workload.security.fs_group {
            args.extend(["--group-add".to_string(), group.to_string()]);
        }
        if workload.security.read_only_root_filesystem {
            args.push("--read-only".to_string());
        }
        args.extend([
            "--cpus".to_string(),
            cpus(container.resources.cpu_millis),
            "--memory".to_string(),
            container.resources.memory_bytes.to_string(),
        ]);
        if let Some(dir) = &container.working_dir {
            args.extend(["--workdir".to_string(), dir.clone()]);
        }

        let mut env_secrets = Vec::new();
        for var in &container.env {
            match &var.source {
                EnvSource::Value(value) => {
                    args.extend(["--env".to_string(), format!("{}={value}", var.name)]);
                }
                EnvSource::Secret(reference) => {
                    let secret = self.secret(reference);
                    if engine.has_secrets() {
                        args.extend([
                            "--secret".to_string(),
                            format!("{},type=env,target={}", secret.name, var.name),
                        ]);
                    } else {
                        args.extend(["--env".to_string(), var.name.clone()]);
                        env_secrets.push((var.name.clone(), reference.clone()));
                    }
                }
            }
        }

        for mount in &container.mounts {
            match mount.source {
                MountSource::Scratch | MountSource::Volume => {
                    let volume = self.names.volume(&mount.name);
                    // podman's `U` hands a fresh volume to the container's
                    // user, so a non-root process can write to it.
                    let options = match (engine, &container.user) {
                        (EngineKind::Podman, Some(_)) => ":U",
                        _ => "",
                    };
                    args.extend([
                        "--volume".to_string(),
                        format!("{volume}:{}{options}", mount.path),
                    ]);
                }
                MountSource::Config => {
                    let config = self.config(&mount.name);
                    args.extend([
                        "--volume".to_string(),
                        format!("{}:{}:ro", config.dir.display(), mount.path),
                    ]);
                }
                MountSource::Secret => {
                    let secret = self.secret(&mount.name);
                    let target = format!(
                        "{}/{}",
                        mount.path.trim_end_matches('/'),
                        secret_file_name(&mount.name)
                    );
                    match &secret.file {
                        Some(file) => args.extend([
                            "--volume".to_string(),
                            format!("{}:{target}:ro", file.display()),
                        ]),
                        None => args.extend([
                            "--secret".to_string(),
                            format!("{},type=mount,target={target}", secret.name),
                        ]),
                    }
                }
            }
        }

        let command = container.command.as_deref().unwrap_or_default();
        if let Some((entrypoint, _)) = command.split_first() {
            args.extend(["--entrypoint".to_string(), entrypoint.clone()]);
        }
        args.push(container.image.clone());
        if let Some((_, rest)) = command.split_first() {
            args.extend(rest.iter().cloned());
        }
        if let Some(extra) = &container.args {
            args.extend(extra.iter().cloned());
        }
        (args, env_secrets)
    }
}

/// `<config>-<12 hex>`: the directory a config's files are written to,
/// named after their content so a changed config is a new directory.
pub fn config_dir_name(config: &landfall_plan::ConfigDecl) -> String {
    let mut digest = Sha256::new();
    for (file, content) in &config.files {
        digest.update(file.as_bytes());
        digest.update([0]);
        digest.update(content.as_bytes());
        digest.update([0]);
    }
    format!("{}-{}", config.name, &hex(&digest.finalize())[..12])
}

/// A `secret://REF` mounted at PATH is the file `PATH/<last part of REF>`,
/// as on every target ([`landfall_plan::secret_file_name`]).
pub fn secret_file_name(reference: &str) -> &str {
    landfall_plan::secret_file_name(reference)
}

fn push_labels(args: &mut Vec<String>, labels: &[(String, String)]) {
    for (key, value) in labels {
        args.push("--label".to_string());
        args.push(format!("{key}={value}"));
    }
}

/// A plan file is input: check what the command lines rely on, so that a
/// hand-edited plan cannot smuggle an option in as an image or a name.
/// `Err` says what is wrong ([`RunnerError::InvalidPlan`]).
fn validate(plan: &Plan) -> Result<(), String> {
    if plan.scope.target != Target::Local {
        let target = plan.scope.target;
        return Err(format!(
            "scope `{}/{}` has target `{target}` (ScopeType `{}`): the local runner only runs scopes whose ScopeType has `target: local`",
            plan.application.name, plan.scope.name, plan.scope.scope_type
        ));
    }
    let named = [
        ("application", &plan.application.name),
        ("scope", &plan.scope.name),
    ];
    for (what, name) in named.into_iter().chain(
        plan.networks
            .iter()
            .map(|n| ("network", &n.name))
            .chain(plan.volumes.iter().map(|v| ("volume", &v.name)))
            .chain(plan.configs.iter().map(|c| ("config", &c.name)))
            .chain(plan.workloads.iter().map(|w| ("workload", &w.name))),
    ) {
        if !is_dns_label(name) {
            return Err(format!(
                "{what} name `{name}` is not a DNS label (lowercase letters, digits and `-`)"
            ));
        }
    }
    for rule in &plan.upgrade_from {
        if let Err(error) = version_regexp(&rule.version_regexp) {
            return Err(format!(
                "upgradeFrom versionRegexp `{}` does not compile: {error}",
                rule.version_regexp
            ));
        }
    }
    for config in &plan.configs {
        for file in config.files.keys() {
            if file.is_empty() || file.contains('/') || file == "." || file == ".." {
                return Err(format!(
                    "config `{}` has a file named `{file}`: file names may not contain `/`",
                    config.name
                ));
            }
        }
    }
    for workload in &plan.workloads {
        let w = &workload.name;
        if workload.containers.is_empty() {
            return Err(format!("workload `{w}` has no containers"));
        }
        for container in &workload.containers {
            let c = &container.name;
            if !is_dns_label(c) {
                return Err(format!(
                    "container name `{c}` of workload `{w}` is not a DNS label"
                ));
            }
            if container.image.is_empty() || container.image.starts_with('-') {
                return Err(format!(
                    "container `{c}` of workload `{w}` has no valid image: `{}`",
                    container.image
                ));
            }
            if container.resources.cpu_millis == 0 {
                return Err(format!("container `{c}` of workload `{w}` has no CPU"));
            }
            if let Some(user) = &container.user {
                if user.is_empty() || user.starts_with('-') {
                    return Err(format!(
                        "container `{c}` of workload `{w}` has an invalid user `{user}`"
                    ));
                }
            }
            for var in &container.env {
                let name = &var.name;
                let valid = name
                    .chars()
                    .next()
                    .is_some_and(|ch| ch.is_ascii_alphabetic() || ch == '_')
                    && name
                        .chars()
                        .all(|ch| ch.is_ascii_alphanumeric() || ch == '_');
                if !valid {
                    return Err(format!(
                        "container `{c}` of workload `{w}` has an invalid env name `{name}`"
                    ));
                }
                if let EnvSource::Secret(reference) = &var.source {
                    if !plan.secrets.iter().any(|s| &s.reference == reference) {
                        return Err(format!(
                            "env `{name}` of workload `{w}` reads secret `{reference}`, which the plan's `secrets` does not declare"
                        ));
                    }
                }
            }
            for mount in &container.mounts {
                if !mount.path.starts_with('/') || mount.path.contains(',') {
                    return Err(format!(
                        "mount path `{}` of workload `{w}` must be absolute and without `,`",
                        mount.path
                    ));
                }
                let declared = match mount.source {
                    MountSource::Scratch | MountSource::Volume => {
                        plan.volumes.iter().any(|v| v.name == mount.name)
                    }
                    MountSource::Config => plan.configs.iter().any(|c| c.name == mount.name),
                    MountSource::Secret => plan.secrets.iter().any(|s| s.reference == mount.name),
                };
                if !declared {
                    return Err(format!(
                        "workload `{w}` mounts `{}`, which the plan does not declare",
                        mount.name
                    ));
                }
            }
        }
    }
    Ok(())
}

/// A plan's `versionRegexp`, compiled with the limits every regexp landfall
/// compiles shares (a plan file is input, like a spec); why not, in words.
fn version_regexp(pattern: &str) -> Result<regex::Regex, String> {
    landfall_diagnostics::regex_limits::compile(pattern)
}
