//! What runs: every object of one application scope, found by its labels.
//! The engine is the only record; a killed apply leaves nothing to repair.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::engine::{EngineCommand, EngineKind};
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
}

impl ObservedContainer {
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

pub fn list_volumes(engine: EngineKind, names: &ScopeNames) -> EngineCommand {
    filtered(engine, &["volume", "ls", "--format", "{{.Name}}"], names)
}

pub fn list_secrets(engine: EngineKind) -> EngineCommand {
    EngineCommand::new(engine, ["secret", "ls", "--format", "{{.Name}}"])
}

/// Reads the scope's objects: the list commands run in parallel.
pub fn observe(
    executor: &dyn Executor,
    secrets: &Secrets,
    engine: EngineKind,
    names: &ScopeNames,
) -> Result<ObservedScope, String> {
    let run = |command: EngineCommand| -> Result<String, String> {
        let output = executor.execute(&command, secrets, None)?;
        if output.success() {
            Ok(output.stdout)
        } else {
            Err(format!("`{command}` failed: {}", output.stderr.trim()))
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
    let (containers, networks, volumes, all_secrets) = std::thread::scope(|s| {
        let containers = s.spawn(|| -> Result<Vec<ObservedContainer>, String> {
            let ids = lines(run(list_containers(engine, names))?);
            inspect(executor, secrets, engine, &ids)
        });
        let networks = s.spawn(|| run(list_networks(engine, names)).map(lines));
        let volumes = s.spawn(|| -> Result<(Vec<String>, Vec<String>), String> {
            let listed = lines(run(list_volumes(engine, names))?);
            if listed.is_empty() {
                return Ok((Vec::new(), Vec::new()));
            }
            let mut args = vec!["volume".to_string(), "inspect".to_string()];
            args.extend(listed);
            parse_volume_inspect(&run(EngineCommand::new(engine, args))?)
        });
        let all_secrets = s.spawn(|| {
            if engine.has_secrets() {
                run(list_secrets(engine)).map(lines)
            } else {
                Ok(Vec::new())
            }
        });
        (
            containers.join().expect("observer thread"),
            networks.join().expect("observer thread"),
            volumes.join().expect("observer thread"),
            all_secrets.join().expect("observer thread"),
        )
    });
    // podman 4 cannot filter secrets by label; the scope's secret names
    // share a prefix no other landfall scope's names can have.
    let prefix = format!("{}-{}-secret-", names.application, names.scope);
    let candidates: Vec<String> = all_secrets?
        .into_iter()
        .filter(|name| name.starts_with(&prefix))
        .collect();
    // The labels decide: a prefix alone could belong to `shop-local/secret-x`.
    let secrets_found = if candidates.is_empty() {
        candidates
    } else {
        let mut args = vec!["secret".to_string(), "inspect".to_string()];
        args.extend(candidates.iter().cloned());
        let text = run(EngineCommand::new(engine, args))?;
        parse_secret_inspect(&text, names)?
    };
    let (scratch_volumes, persistent_volumes) = volumes?;
    Ok(ObservedScope {
        containers: containers?,
        networks: networks?,
        scratch_volumes,
        persistent_volumes,
        secrets: secrets_found,
    })
}

/// Inspects containers by id or name; the result is sorted by name.
pub fn inspect(
    executor: &dyn Executor,
    secrets: &Secrets,
    engine: EngineKind,
    ids: &[String],
) -> Result<Vec<ObservedContainer>, String> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let command = inspect_containers(engine, ids);
    let output = executor.execute(&command, secrets, None)?;
    if !output.success() {
        return Err(format!("`{}` failed: {}", command, output.stderr.trim()));
    }
    parse_inspect(&output.stdout)
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
/// volume without one counts as persistent (its data is kept).
fn parse_volume_inspect(text: &str) -> Result<(Vec<String>, Vec<String>), String> {
    let items: Vec<InspectedVolume> = serde_json::from_str(text.trim())
        .map_err(|e| format!("cannot read `volume inspect` output: {e}"))?;
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
/// object per line.
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
            ObservedContainer {
                name: item.name.trim_start_matches('/').to_string(),
                image: item.config.image.unwrap_or_default(),
                labels: item.config.labels.unwrap_or_default(),
                state: item.state.status,
                ports,
                networks,
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
            "NetworkSettings": {"Ports": {"8080/tcp": [{"HostIp": "127.0.0.1", "HostPort": "40123"}], "9090/tcp": null}}}]"#;
        let containers = parse_inspect(podman).unwrap();
        assert_eq!(containers.len(), 1);
        assert_eq!(containers[0].workload(), "api");
        assert_eq!(containers[0].replica(), Some(0));
        assert_eq!(containers[0].host_port(8080), Some("127.0.0.1:40123"));
        assert!(containers[0].running());
        let docker = "{\"Name\": \"/b\", \"State\": {\"Status\": \"exited\"}, \"Config\": {\"Labels\": null}, \"NetworkSettings\": {\"Ports\": {}}}\n{\"Name\": \"/a\", \"State\": {\"Status\": \"running\"}, \"Config\": {}}\n";
        let containers = parse_inspect(docker).unwrap();
        assert_eq!(containers[0].name, "a");
        assert_eq!(containers[1].state, "exited");
    }
}
