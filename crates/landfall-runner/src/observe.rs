//! What runs: every object of one application scope, found by its labels.
//! The engine is the only record; a killed apply leaves nothing to repair.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::desired::Desired;
use crate::engine::{EngineCommand, EngineKind};
use crate::error::RunnerError;
use crate::exec::Executor;
use crate::names::*;
use crate::secrets::Secrets;

#[derive(Clone, Debug, Default)]
pub struct ObservedScope {
    /// By name.
    pub containers: Vec<ObservedContainer>,
    pub networks: Vec<String>,
    pub scratch_volumes: Vec<String>,
    pub persistent_volumes: Vec<String>,
    pub secrets: Vec<String>,
    /// What the state directory holds for the scope (not the engine):
    /// config directories by name, with their files.
    pub config_dirs: BTreeMap<String, BTreeMap<String, String>>,
    /// Secret files (engines without secret objects).
    pub secret_files: Vec<String>,
    /// The workload specs earlier applies recorded, by spec hash: what a
    /// running replica was started from, for the field-level diff.
    pub applied: BTreeMap<String, landfall_plan::Workload>,
}

#[derive(Clone, Debug)]
pub struct ObservedContainer {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    /// The engine's word: `running`, `exited`, `created`…
    pub state: String,
    /// The image the container was started from, as given to `run`.
    pub image: String,
    /// `(container port, "127.0.0.1:40123")`, by port.
    pub ports: Vec<(u16, String)>,
    /// Network ─► the container's aliases on it.
    pub networks: BTreeMap<String, Vec<String>>,
    /// The named volumes it mounts, sorted.
    pub volumes: Vec<String>,
}

impl ObservedContainer {
    /// What an apply knows of a container it started a moment ago: it
    /// runs (its `run` succeeded), with the host ports the apply picked.
    pub fn just_started(name: &str, ports: &[(u16, String)]) -> ObservedContainer {
        ObservedContainer {
            name: name.to_string(),
            labels: BTreeMap::new(),
            state: "running".to_string(),
            image: String::new(),
            ports: ports.to_vec(),
            networks: BTreeMap::new(),
            volumes: Vec::new(),
        }
    }

    pub fn label(&self, key: &str) -> &str {
        self.labels.get(key).map_or("", String::as_str)
    }

    pub fn workload(&self) -> &str {
        self.label(LABEL_WORKLOAD)
    }

    pub fn replica(&self) -> Option<u32> {
        self.label(LABEL_REPLICA).parse().ok()
    }

    pub fn run_hash(&self) -> &str {
        self.label(LABEL_RUN_HASH)
    }

    pub fn version(&self) -> &str {
        self.label(LABEL_VERSION)
    }

    pub fn is_job(&self) -> bool {
        self.label(LABEL_ROLE) == "job"
    }

    pub fn running(&self) -> bool {
        self.state == "running"
    }

    /// Whether the container answers to `alias` on `network`.
    pub fn has_alias(&self, network: &str, alias: &str) -> bool {
        self.networks
            .get(network)
            .is_some_and(|aliases| aliases.iter().any(|a| a == alias))
    }

    pub fn host_port(&self, port: u16) -> Option<&str> {
        self.ports
            .iter()
            .find(|(p, _)| *p == port)
            .map(|(_, host)| host.as_str())
    }
}

impl ObservedScope {
    /// Listed, or attached to a container of the scope (a network in use
    /// cannot be removed).
    pub fn network_exists(&self, name: &str) -> bool {
        self.networks.iter().any(|n| n == name)
            || self
                .containers
                .iter()
                .any(|c| c.networks.contains_key(name))
    }

    /// Listed, or mounted by a container of the scope.
    pub fn volume_exists(&self, name: &str) -> bool {
        self.scratch_volumes
            .iter()
            .chain(&self.persistent_volumes)
            .any(|v| v == name)
            || self
                .containers
                .iter()
                .any(|c| c.volumes.iter().any(|v| v == name))
    }

    pub fn workload_containers<'a>(
        &'a self,
        workload: &'a str,
    ) -> impl Iterator<Item = &'a ObservedContainer> + 'a {
        self.containers
            .iter()
            .filter(move |c| c.workload() == workload && !c.is_job())
    }
}

fn filtered(engine: EngineKind, base: &[&str], names: &ScopeNames) -> EngineCommand {
    let mut args: Vec<String> = base.iter().map(|s| s.to_string()).collect();
    args.push("--filter".to_string());
    args.push(names.label_filter());
    EngineCommand::new(engine, args)
}

pub fn list_containers(engine: EngineKind, names: &ScopeNames) -> EngineCommand {
    filtered(engine, &["ps", "--all", "--quiet", "--no-trunc"], names)
}

pub fn inspect_containers(engine: EngineKind, ids: &[String]) -> EngineCommand {
    let mut args = vec![
        "container".to_string(),
        "inspect".to_string(),
        "--format".to_string(),
        "json".to_string(),
    ];
    if engine == EngineKind::Docker {
        args[3] = "{{json .}}".to_string();
    }
    args.extend(ids.iter().cloned());
    EngineCommand::new(engine, args)
}

pub fn list_networks(engine: EngineKind, names: &ScopeNames) -> EngineCommand {
    filtered(engine, &["network", "ls", "--format", "{{.Name}}"], names)
}

/// podman's volume list carries the labels (the kind) in its JSON; docker's
/// labels are one comma-joined string, so docker's volumes are inspected.
pub fn list_volumes(engine: EngineKind, names: &ScopeNames) -> EngineCommand {
    let format = match engine {
        EngineKind::Podman => "json",
        EngineKind::Docker => "{{.Name}}",
    };
    filtered(engine, &["volume", "ls", "--format", format], names)
}

pub fn list_secrets(engine: EngineKind) -> EngineCommand {
    EngineCommand::new(engine, ["secret", "ls", "--format", "{{.Name}}"])
}

/// Which of a scope's kinds of object an observation lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kinds {
    pub containers: bool,
    pub networks: bool,
    pub volumes: bool,
    /// Engine secrets (podman); docker has none to list.
    pub secrets: bool,
}

impl Kinds {
    pub const ALL: Kinds = Kinds {
        containers: true,
        networks: true,
        volumes: true,
        secrets: true,
    };

    pub const CONTAINERS: Kinds = Kinds {
        containers: true,
        networks: false,
        volumes: false,
        secrets: false,
    };

    pub const NONE: Kinds = Kinds {
        containers: false,
        networks: false,
        volumes: false,
        secrets: false,
    };

    pub fn or(self, other: Kinds) -> Kinds {
        Kinds {
            containers: self.containers || other.containers,
            networks: self.networks || other.networks,
            volumes: self.volumes || other.volumes,
            secrets: self.secrets || other.secrets,
        }
    }

    /// Each kind of `self` on its own.
    pub fn each(self) -> impl Iterator<Item = Kinds> {
        let one = |containers, networks, volumes, secrets| Kinds {
            containers,
            networks,
            volumes,
            secrets,
        };
        [
            (self.containers, one(true, false, false, false)),
            (self.networks, one(false, true, false, false)),
            (self.volumes, one(false, false, true, false)),
            (self.secrets, one(false, false, false, true)),
        ]
        .into_iter()
        .filter_map(|(wanted, kind)| wanted.then_some(kind))
    }

    /// The kinds `self` leaves out.
    pub fn rest(self) -> Kinds {
        Kinds {
            containers: !self.containers,
            networks: !self.networks,
            volumes: !self.volumes,
            secrets: !self.secrets,
        }
    }
}

impl ObservedScope {
    /// Adds what an observation of other kinds found.
    pub fn absorb(&mut self, other: ObservedScope) {
        self.containers.extend(other.containers);
        self.containers.sort_by(|a, b| a.name.cmp(&b.name));
        for (mine, theirs) in [
            (&mut self.networks, other.networks),
            (&mut self.scratch_volumes, other.scratch_volumes),
            (&mut self.persistent_volumes, other.persistent_volumes),
            (&mut self.secrets, other.secrets),
        ] {
            mine.extend(theirs);
            mine.sort();
        }
        self.config_dirs.extend(other.config_dirs);
        self.secret_files.extend(other.secret_files);
        self.secret_files.sort();
        self.applied.extend(other.applied);
    }
}

/// What an apply reads before it acts, and what it leaves for later.
///
/// Every engine call costs tens of milliseconds, and podman serialises
/// much of their work on its own locks, so listings side by side cost
/// nearly their sum: an apply reads only what its first steps depend on.
/// 1. The containers, with the secrets (podman) when the plan creates
///    any (a secret's name carries its value's digest) and the volumes
///    when the plan has persistent ones (a create must never be shown for
///    a volume that holds data).
/// 2. A network or volume a container of the scope uses exists. When the
///    scope has containers and one of the plan's networks or scratch
///    volumes is not among them, that kind is listed.
///
/// In a scope without containers (new, or emptied by `down`) the plan's
/// networks and scratch volumes are created without a listing; a create
/// that finds one in place (left by a killed apply) goes on, as it always
/// did when a killed apply's command ran late. The kinds returned are
/// those not listed yet: only the removal of stale objects at the end
/// reads them, so an apply lists them while its workloads move.
///
/// `secrets_made`: the plan's secrets are being made already (a scope
/// applied for the first time), so they are not listed first.
pub fn observe_before_acting(
    executor: &dyn Executor,
    secrets: &Secrets,
    engine: EngineKind,
    desired: &Desired,
    secrets_made: bool,
) -> Result<(ObservedScope, Kinds), RunnerError> {
    let first = Kinds {
        containers: true,
        networks: false,
        volumes: desired.has_persistent_volumes(),
        secrets: !secrets_made
            && engine.has_secrets()
            && desired.secrets.iter().any(|s| s.create.is_some()),
    };
    let mut observed = observe_kinds(executor, secrets, engine, &desired.names, first)?;
    let second = if observed.containers.is_empty() {
        Kinds::NONE
    } else {
        Kinds {
            containers: false,
            networks: desired
                .networks
                .iter()
                .any(|n| !observed.network_exists(&n.name)),
            volumes: !first.volumes
                && desired
                    .volumes
                    .iter()
                    .any(|v| !observed.volume_exists(&v.name)),
            secrets: false,
        }
    };
    if second != Kinds::NONE {
        observed.absorb(observe_kinds(
            executor,
            secrets,
            engine,
            &desired.names,
            second,
        )?);
    }
    let listed = first.or(second);
    Ok((observed, listed.rest()))
}

/// Reads all of the scope's objects.
pub fn observe(
    executor: &dyn Executor,
    secrets: &Secrets,
    engine: EngineKind,
    names: &ScopeNames,
) -> Result<ObservedScope, RunnerError> {
    observe_kinds(executor, secrets, engine, names, Kinds::ALL)
}

/// Reads the scope's objects of the given kinds, one list command per
/// kind, side by side (podman serialises much of their work on its own
/// locks, so each kind left out is worth more than the parallelism).
pub fn observe_kinds(
    executor: &dyn Executor,
    secrets: &Secrets,
    engine: EngineKind,
    names: &ScopeNames,
    kinds: Kinds,
) -> Result<ObservedScope, RunnerError> {
    let run = |command: &EngineCommand| -> Result<String, RunnerError> {
        let output = executor.execute(command, secrets, None)?;
        if output.success() {
            Ok(output.stdout)
        } else {
            Err(RunnerError::engine(command, &output))
        }
    };
    let lines = |text: String| -> Vec<String> {
        let mut lines: Vec<String> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
        lines.sort();
        lines
    };
    let (containers, networks, volumes, secrets_found) = std::thread::scope(|s| {
        let containers = s.spawn(|| -> Result<Vec<ObservedContainer>, RunnerError> {
            if !kinds.containers {
                return Ok(Vec::new());
            }
            let ids = lines(run(&list_containers(engine, names))?);
            inspect(executor, secrets, engine, &ids)
        });
        let networks = s.spawn(|| {
            if !kinds.networks {
                return Ok(Vec::new());
            }
            run(&list_networks(engine, names)).map(lines)
        });
        let volumes = s.spawn(|| -> Result<(Vec<String>, Vec<String>), RunnerError> {
            if !kinds.volumes {
                return Ok((Vec::new(), Vec::new()));
            }
            let list = list_volumes(engine, names);
            let listed = run(&list)?;
            if engine == EngineKind::Podman {
                return parse_volume_inspect(&listed)
                    .map_err(|reason| RunnerError::unreadable(&list, reason));
            }
            let listed = lines(listed);
            if listed.is_empty() {
                return Ok((Vec::new(), Vec::new()));
            }
            let mut args = vec!["volume".to_string(), "inspect".to_string()];
            args.extend(listed);
            let inspect = EngineCommand::new(engine, args);
            parse_volume_inspect(&run(&inspect)?)
                .map_err(|reason| RunnerError::unreadable(&inspect, reason))
        });
        let secrets_found = s.spawn(|| -> Result<Vec<String>, RunnerError> {
            if !kinds.secrets || !engine.has_secrets() {
                return Ok(Vec::new());
            }
            // podman 4 cannot filter secrets by label; the scope's secret
            // names share a prefix no other landfall scope's names can have.
            let prefix = names.secret_prefix();
            let candidates: Vec<String> = lines(run(&list_secrets(engine))?)
                .into_iter()
                .filter(|name| name.starts_with(&prefix))
                .collect();
            if candidates.is_empty() {
                return Ok(candidates);
            }
            // The labels decide: a prefix alone could belong to
            // `shop-local/secret-x`.
            let mut args = vec!["secret".to_string(), "inspect".to_string()];
            args.extend(candidates);
            let inspect = EngineCommand::new(engine, args);
            parse_secret_inspect(&run(&inspect)?, names)
                .map_err(|reason| RunnerError::unreadable(&inspect, reason))
        });
        (
            containers.join().expect("observer thread"),
            networks.join().expect("observer thread"),
            volumes.join().expect("observer thread"),
            secrets_found.join().expect("observer thread"),
        )
    });
    let (scratch_volumes, persistent_volumes) = volumes?;
    Ok(ObservedScope {
        containers: containers?,
        networks: networks?,
        scratch_volumes,
        persistent_volumes,
        secrets: secrets_found?,
        ..ObservedScope::default()
    })
}

/// Inspects containers by id or name; the result is sorted by name.
pub fn inspect(
    executor: &dyn Executor,
    secrets: &Secrets,
    engine: EngineKind,
    ids: &[String],
) -> Result<Vec<ObservedContainer>, RunnerError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let command = inspect_containers(engine, ids);
    let output = executor.execute(&command, secrets, None)?;
    if !output.success() {
        return Err(RunnerError::engine(&command, &output));
    }
    parse_inspect(&output.stdout).map_err(|reason| RunnerError::unreadable(&command, reason))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct InspectedSecret {
    spec: InspectedSecretSpec,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct InspectedSecretSpec {
    name: String,
    #[serde(default)]
    labels: Option<BTreeMap<String, String>>,
}

/// The names of the secrets labelled as this scope's, sorted.
fn parse_secret_inspect(text: &str, names: &ScopeNames) -> Result<Vec<String>, String> {
    let items: Vec<InspectedSecret> = serde_json::from_str(text.trim())
        .map_err(|e| format!("cannot read `secret inspect` output: {e}"))?;
    let mut found: Vec<String> = items
        .into_iter()
        .filter(|item| {
            let labels = item.spec.labels.clone().unwrap_or_default();
            labels.get(LABEL_OWNER) == Some(&names.owner())
        })
        .map(|item| item.spec.name)
        .collect();
    found.sort();
    Ok(found)
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct InspectedVolume {
    name: String,
    #[serde(default)]
    labels: Option<BTreeMap<String, String>>,
}

/// `(scratch, persistent)` volume names, sorted, by their kind label; a
/// volume without one counts as persistent (its data is kept). Reads
/// `volume inspect` output and podman's `volume ls --format json`.
fn parse_volume_inspect(text: &str) -> Result<(Vec<String>, Vec<String>), String> {
    let text = text.trim();
    let items: Vec<InspectedVolume> = if text.is_empty() {
        Vec::new()
    } else {
        serde_json::from_str(text).map_err(|e| format!("cannot read the volumes' JSON: {e}"))?
    };
    let (mut scratch, mut persistent) = (Vec::new(), Vec::new());
    for item in items {
        let labels = item.labels.unwrap_or_default();
        match labels.get(LABEL_VOLUME_KIND).map(String::as_str) {
            Some("scratch") => scratch.push(item.name),
            _ => persistent.push(item.name),
        }
    }
    scratch.sort();
    persistent.sort();
    Ok((scratch, persistent))
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Inspected {
    name: String,
    state: InspectedState,
    config: InspectedConfig,
    network_settings: Option<InspectedNetwork>,
    #[serde(default)]
    mounts: Option<Vec<InspectedMount>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct InspectedMount {
    #[serde(default)]
    r#type: String,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct InspectedState {
    status: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct InspectedConfig {
    #[serde(default)]
    labels: Option<BTreeMap<String, String>>,
    #[serde(default)]
    image: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct InspectedNetwork {
    #[serde(default)]
    ports: Option<BTreeMap<String, Option<Vec<InspectedBinding>>>>,
    #[serde(default)]
    networks: Option<BTreeMap<String, InspectedAttachment>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct InspectedAttachment {
    #[serde(default)]
    aliases: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct InspectedBinding {
    host_ip: String,
    host_port: String,
}

/// Parses `inspect` output: podman's JSON array, or docker's one JSON
/// object per line. `Err` says why the text cannot be read; the caller,
/// which knows the command, makes it a [`RunnerError::EngineOutput`].
pub fn parse_inspect(text: &str) -> Result<Vec<ObservedContainer>, String> {
    let trimmed = text.trim_start();
    let items: Vec<Inspected> = if trimmed.starts_with('[') {
        serde_json::from_str(trimmed).map_err(|e| format!("cannot read `inspect` output: {e}"))?
    } else {
        trimmed
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(serde_json::from_str)
            .collect::<Result<_, _>>()
            .map_err(|e| format!("cannot read `inspect` output: {e}"))?
    };
    let mut containers: Vec<ObservedContainer> = items
        .into_iter()
        .map(|item| {
            let mut ports = Vec::new();
            let (bound, attached) = item
                .network_settings
                .map(|n| (n.ports.unwrap_or_default(), n.networks.unwrap_or_default()))
                .unwrap_or_default();
            let networks = attached
                .into_iter()
                .map(|(name, a)| (name, a.aliases.unwrap_or_default()))
                .collect();
            for (key, bindings) in bound {
                let Some(port) = key.split('/').next().and_then(|p| p.parse::<u16>().ok()) else {
                    continue;
                };
                if let Some(binding) = bindings.unwrap_or_default().into_iter().next() {
                    let ip = if binding.host_ip.is_empty() {
                        "0.0.0.0"
                    } else {
                        &binding.host_ip
                    };
                    ports.push((port, format!("{ip}:{}", binding.host_port)));
                }
            }
            ports.sort();
            let mut volumes: Vec<String> = item
                .mounts
                .unwrap_or_default()
                .into_iter()
                .filter(|m| m.r#type == "volume")
                .filter_map(|m| m.name)
                .collect();
            volumes.sort();
            ObservedContainer {
                name: item.name.trim_start_matches('/').to_string(),
                image: item.config.image.unwrap_or_default(),
                labels: item.config.labels.unwrap_or_default(),
                state: item.state.status,
                ports,
                networks,
                volumes,
            }
        })
        .collect();
    containers.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(containers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_podman_and_docker_inspect_output() {
        let podman = r#"[{"Name": "shop-local-api-0-01234567", "State": {"Status": "running"},
            "Config": {"Labels": {"dev.landfall.workload": "api", "dev.landfall.replica": "0"}},
            "NetworkSettings": {"Ports": {"8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": "40123"}], "9090/tcp": null}},
            "Mounts": [{"Type": "volume", "Name": "shop-local-cache", "Destination": "/cache"},
                       {"Type": "bind", "Source": "/state/configs/x", "Destination": "/etc/x"}]}]"#;
        let containers = parse_inspect(podman).unwrap();
        assert_eq!(containers.len(), 1);
        assert_eq!(containers[0].workload(), "api");
        assert_eq!(containers[0].replica(), Some(0));
        assert_eq!(containers[0].host_port(8080), Some("127.0.0.1:40123"));
        assert!(containers[0].running());
        assert_eq!(containers[0].volumes, ["shop-local-cache"]);
        let docker = "{\"Name\": \"/b\", \"State\": {\"Status\": \"exited\"}, \"Config\": {\"Labels\": null}, \"NetworkSettings\": {\"Ports\": {}}}\n{\"Name\": \"/a\", \"State\": {\"Status\": \"running\"}, \"Config\": {}}\n";
        let containers = parse_inspect(docker).unwrap();
        assert_eq!(containers[0].name, "a");
        assert_eq!(containers[1].state, "exited");
    }
}
