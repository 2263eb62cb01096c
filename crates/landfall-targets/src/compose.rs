//! The compose target: one `compose.yaml` for the scope, plus the files of
//! its configs beside it (`configs/<config>/<file>`).
//!
//! Written for what Docker Compose v2, docker-compose 1.29 and
//! podman-compose 1.0.3 all do (not only what the compose specification
//! allows), because those are the tools a compose scope runs on:
//! - one service per container: the first container of a workload is the
//!   service named after the workload (so workloads reach each other by
//!   workload name on the scope network), further containers are
//!   `<workload>-<container>` on the same network (compose has no pods);
//! - replicas as `deploy.replicas` (podman-compose reads no `scale`);
//! - configs as read-only bind mounts of the emitted files: both tools
//!   ignore service-level `configs` outside swarm mode;
//! - secrets never inline: an env secret is `${LANDFALL_SECRET_…:?…}`,
//!   interpolated from the environment of `up`; a `secret://` mount is a
//!   compose secret whose `file:` lies under `${LANDFALL_SECRETS_DIR:?…}`,
//!   mounted at `PATH/<last /-part of REF>` as on every target;
//! - every other `$` is written `$$`, so compose never interpolates the
//!   plan's own text;
//! - cron workloads are services in the `jobs` profile with `restart: "no"`,
//!   run by the host's scheduler with `run --rm` (compose has no scheduler;
//!   the schedule is in the labels).

use std::collections::BTreeMap;

use landfall_plan::{
    Container, HttpScheme, Job, Mount, MountSource, Plan, Probe, ProbeAction, Visibility, Workload,
    WorkloadType,
};

use crate::names::{self, LABEL_APPLICATION, LABEL_SCOPE, LABEL_SPEC_HASH, LABEL_WORKLOAD};
use crate::target::{Observation, Target};
use crate::yaml::{self, Yaml};
use crate::{Artifact, Problems};

/// The compose file's name in the output directory.
pub const COMPOSE_FILE: &str = "compose.yaml";

/// The profile cron services are in: `up` leaves them alone.
pub const JOBS_PROFILE: &str = "jobs";

/// Restart policies the compose target accepts from the scope's
/// `restartPolicy` parameter.
const RESTART_POLICIES: &[&str] = &["always", "unless-stopped", "on-failure", "no"];

/// The compose target in the registry ([`crate::targets`]).
pub struct Compose;

impl Target for Compose {
    fn name(&self) -> &'static str {
        "compose"
    }

    fn emit(&self, plan: &Plan) -> Option<Result<Vec<Artifact>, Problems>> {
        Some(emit(plan))
    }

    fn observation(&self) -> Observation {
        Observation::NotObserved {
            why: "landfall does not observe compose targets",
        }
    }
}

/// The artifacts: `compose.yaml`, then the config files, by path.
pub fn emit(plan: &Plan) -> Result<Vec<Artifact>, Problems> {
    let document = document(plan)?;
    let mut artifacts = vec![Artifact {
        path: COMPOSE_FILE.to_string(),
        contents: yaml::to_string(&document),
    }];
    for config in &plan.configs {
        for (file, contents) in &config.files {
            artifacts.push(Artifact {
                path: format!("{}/{file}", config_dir(&config.name)),
                contents: contents.clone(),
            });
        }
    }
    artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(artifacts)
}

/// The compose file as a value (the round-trip tests compare against it).
pub fn document(plan: &Plan) -> Result<Yaml, Problems> {
    let mut problems = Problems::default();
    check_names(plan, &mut problems);
    let settings = Settings::from_plan(plan, &mut problems);

    let mut services = Yaml::map();
    for workload in &plan.workloads {
        for (index, container) in workload.containers.iter().enumerate() {
            let name = service_name(workload, container, index);
            services.push(name, service(plan, &settings, workload, container));
        }
    }

    let mut document = Yaml::map().with(
        "x-landfall",
        Yaml::map()
            .with("application", lit(&plan.application.name))
            .with("scope", lit(&plan.scope.name))
            .with("version", lit(&plan.application.version))
            .with("projectName", settings.project_name.clone())
            .with(
                "run",
                format!("docker-compose -p {} up -d", settings.project_name),
            ),
    );
    document.push("services", services);
    if !plan.networks.is_empty() {
        let mut networks = Yaml::map();
        for network in &plan.networks {
            networks.push(
                lit(&network.name),
                Yaml::map().with("labels", scope_labels(plan)),
            );
        }
        document.push("networks", networks);
    }
    if !plan.volumes.is_empty() {
        let mut volumes = Yaml::map();
        for volume in &plan.volumes {
            let kind = match volume.kind {
                landfall_plan::VolumeKind::Scratch => "scratch",
                landfall_plan::VolumeKind::Persistent => "persistent",
            };
            volumes.push(
                lit(&volume.name),
                Yaml::map().with(
                    "labels",
                    scope_labels(plan).with("landfall.dev/volume-kind", kind),
                ),
            );
        }
        document.push("volumes", volumes);
    }
    let mounted_secrets = mounted_secrets(plan);
    if !mounted_secrets.is_empty() {
        let mut secrets = Yaml::map();
        for (key, reference) in &mounted_secrets {
            secrets.push(
                key.clone(),
                Yaml::map().with(
                    "file",
                    format!(
                        "${{{var}:?set {var} to the directory holding the scope's secret files}}/{}",
                        lit(reference),
                        var = names::SECRETS_DIR_VAR
                    ),
                ),
            );
        }
        document.push("secrets", secrets);
    }
    problems.into_result(document)
}

/// What the compose target reads from the scope's parameters, when its
/// ScopeType defines them: `projectName`, `restartPolicy`, `publishPorts`.
struct Settings {
    project_name: String,
    restart: String,
    publish_ports: bool,
}

impl Settings {
    fn from_plan(plan: &Plan, problems: &mut Problems) -> Settings {
        let project_name = match names::string_parameter(plan, "projectName") {
            Some(name) if is_project_name(name) => name.to_string(),
            Some(name) => {
                problems.push(format!(
                    "parameter projectName `{name}` is not a compose project name \
                     (lowercase letters, digits, `_` and `-`, starting with a letter or digit)"
                ));
                String::new()
            }
            None => names::scope_name(plan),
        };
        let restart = match names::string_parameter(plan, "restartPolicy") {
            Some(policy) if RESTART_POLICIES.contains(&policy) => policy.to_string(),
            Some(policy) => {
                problems.push(format!(
                    "parameter restartPolicy `{policy}` is not one of {}",
                    RESTART_POLICIES.join(", ")
                ));
                String::new()
            }
            None => "unless-stopped".to_string(),
        };
        let publish_ports = plan
            .scope
            .parameters
            .get("publishPorts")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(true);
        Settings {
            project_name,
            restart,
            publish_ports,
        }
    }
}

fn is_project_name(name: &str) -> bool {
    name.bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

fn service_name(workload: &Workload, container: &Container, index: usize) -> String {
    if index == 0 {
        workload.name.clone()
    } else {
        format!("{}-{}", workload.name, container.name)
    }
}

/// Service names must be unique, and names used as compose keys must be
/// what compose accepts.
fn check_names(plan: &Plan, problems: &mut Problems) {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for workload in &plan.workloads {
        for (index, container) in workload.containers.iter().enumerate() {
            let name = service_name(workload, container, index);
            let owner = format!("container {} of workload {}", container.name, workload.name);
            if let Some(first) = seen.insert(name.clone(), owner.clone()) {
                problems.push(format!(
                    "compose service `{name}` would be both {first} and {owner}: rename one"
                ));
            }
        }
    }
    for config in &plan.configs {
        for file in config.files.keys() {
            if !is_file_name(file) {
                problems.push(format!(
                    "config {}: `{file}` cannot be a file name (no `/`, not `.` or `..`)",
                    config.name
                ));
            }
        }
    }
}

fn is_file_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', '\0'])
}

fn config_dir(config: &str) -> String {
    format!("configs/{config}")
}

/// `secret://` mounts as compose secrets: key (`[a-zA-Z0-9._-]`) to reference.
fn mounted_secrets(plan: &Plan) -> BTreeMap<String, String> {
    plan.workloads
        .iter()
        .flat_map(|w| &w.containers)
        .flat_map(|c| &c.mounts)
        .filter(|m| m.source == MountSource::Secret)
        .map(|m| (secret_key(&m.name), m.name.clone()))
        .collect()
}

fn secret_key(reference: &str) -> String {
    let key: String = reference
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if key == reference {
        key
    } else {
        // Keep distinct references distinct after the replacement.
        format!("{key}-{}", names::digest(reference))
    }
}

fn service(plan: &Plan, settings: &Settings, workload: &Workload, container: &Container) -> Yaml {
    let is_job = workload.workload_type == WorkloadType::Cron;
    let mut service = Yaml::map().with("image", lit(&container.image));
    if let Some(command) = &container.command {
        service.push("entrypoint", lits(command));
    }
    if let Some(args) = &container.args {
        service.push("command", lits(args));
    }
    if let Some(dir) = &container.working_dir {
        service.push("working_dir", lit(dir));
    }
    if let Some(user) = &container.user {
        service.push("user", lit(user));
    }
    if !container.env.is_empty() {
        let mut environment = Yaml::map();
        for var in &container.env {
            let value = match &var.source {
                landfall_plan::EnvSource::Value(value) => lit(value),
                landfall_plan::EnvSource::Secret(reference) => {
                    let env = names::secret_env_var(reference);
                    // The reference is in the message: escape its `}` and `$`.
                    let shown: String = reference
                        .chars()
                        .filter(|c| !matches!(c, '}' | '$'))
                        .collect();
                    format!("${{{env}:?set {env} to the secret {shown}}}")
                }
            };
            environment.push(var.name.clone(), value);
        }
        service.push("environment", environment);
    }
    if !container.ports.is_empty() {
        if settings.publish_ports {
            let ports: Vec<String> = container
                .ports
                .iter()
                .map(|port| published_port(workload, port))
                .collect();
            service.push("ports", ports);
        } else {
            let ports: Vec<String> = container.ports.iter().map(|p| p.port.to_string()).collect();
            service.push("expose", ports);
        }
    }
    if !plan.networks.is_empty() {
        let networks: Vec<String> = plan.networks.iter().map(|n| lit(&n.name)).collect();
        service.push("networks", networks);
    }
    let volumes: Vec<Yaml> = container.mounts.iter().filter_map(volume_mount).collect();
    if !volumes.is_empty() {
        service.push("volumes", Yaml::Seq(volumes));
    }
    let secrets: Vec<Yaml> = container
        .mounts
        .iter()
        .filter(|m| m.source == MountSource::Secret)
        .map(|m| {
            Yaml::map()
                .with("source", secret_key(&m.name))
                .with("target", lit(&names::secret_file_path(&m.path, &m.name)))
        })
        .collect();
    if !secrets.is_empty() {
        service.push("secrets", Yaml::Seq(secrets));
    }
    if let Some(readiness) = &container.probes.readiness {
        service.push("healthcheck", healthcheck(readiness));
    }
    resources(&mut service, container);
    service.push("deploy", Yaml::map().with("replicas", workload.replicas));
    service.push(
        "restart",
        if is_job {
            "no"
        } else {
            settings.restart.as_str()
        },
    );
    service.push("init", true);
    service.push("read_only", workload.security.read_only_root_filesystem);
    if workload.security.read_only_root_filesystem {
        // The platform reserves /tmp: it stays writable under a read-only root.
        service.push("tmpfs", vec!["/tmp"]);
    }
    service.push("cap_drop", vec!["ALL"]);
    service.push("security_opt", vec!["no-new-privileges:true"]);
    service.push("labels", service_labels(plan, workload, container));
    if is_job {
        service.push("profiles", vec![JOBS_PROFILE]);
    }
    service
}

/// The container's resources as service keys, not `deploy.resources`:
/// Compose v2 refuses `pids_limit` beside a `deploy.resources.limits`
/// (whose unset `pids` it reads as a distinct value), and Compose v1
/// refuses `pids` inside it; `cpus`, `mem_limit`, `mem_reservation` and
/// `pids_limit` mean the same to Compose v1, v2 and podman-compose (which
/// ignores `pids_limit`).
fn resources(service: &mut Yaml, container: &Container) {
    let memory = memory(container.resources.memory_bytes);
    service.push("cpus", cpus(container.resources.cpu_millis));
    service.push("mem_limit", memory.clone());
    service.push("mem_reservation", memory);
    service.push("pids_limit", PIDS_LIMIT);
}

/// The process limit of every service (the local runner's is 512 per
/// container; a compose service is one container too, with more room for
/// the init process and probes).
const PIDS_LIMIT: u32 = 1024;

/// A published port: on every interface for a `public` workload (that is
/// what public means on a single host), on the loopback otherwise. Replicas
/// cannot share one host port: the engine picks one each.
fn published_port(workload: &Workload, port: &landfall_plan::Port) -> String {
    let address = match workload.expose.visibility {
        Visibility::Public => "",
        Visibility::Internal | Visibility::Private => "127.0.0.1:",
    };
    match port.host_port {
        Some(host) if workload.replicas == 1 => format!("{address}{host}:{}", port.port),
        _ if address.is_empty() => port.port.to_string(),
        _ => format!("{address}:{}", port.port),
    }
}

fn volume_mount(mount: &Mount) -> Option<Yaml> {
    let (kind, source) = match mount.source {
        MountSource::Scratch | MountSource::Volume => ("volume", lit(&mount.name)),
        MountSource::Config => ("bind", format!("./{}", config_dir(&lit(&mount.name)))),
        MountSource::Secret => return None,
    };
    let mut volume = Yaml::map()
        .with("type", kind)
        .with("source", source)
        .with("target", lit(&mount.path));
    if mount.read_only {
        volume.push("read_only", true);
    }
    Some(volume)
}

/// The readiness probe as a healthcheck, run inside the container: http
/// with `wget`, tcp with `nc` (connect, then close on the empty input),
/// exec as written. The test is one shell line (compose's CMD-SHELL form):
/// podman-compose 1.0.3 consumes a list-form test on the first replica and
/// fails on the second, and runs every test through `/bin/sh` anyway.
fn healthcheck(probe: &Probe) -> Yaml {
    let words: Vec<String> = match &probe.action {
        ProbeAction::Http { path, port, scheme } => {
            let mut words = vec!["wget".to_string(), "-q".into()];
            let scheme = match scheme {
                HttpScheme::Http => "http",
                HttpScheme::Https => {
                    // As Kubernetes: an https probe does not verify the certificate.
                    words.push("--no-check-certificate".into());
                    "https"
                }
            };
            // No `-T`: the healthcheck's timeout bounds it (and busybox
            // 1.35's static wget crashes on `-T`).
            words.extend([
                "-O".into(),
                "/dev/null".into(),
                format!("{scheme}://127.0.0.1:{port}{path}"),
            ]);
            words
        }
        ProbeAction::Tcp { port } => {
            let timeout_s = probe.timeout_ms.div_ceil(1000).max(1).to_string();
            let words = ["nc", "-w", &timeout_s, "127.0.0.1", &port.to_string()];
            let line: Vec<String> = words.iter().map(|w| shell_quote(w)).collect();
            return healthcheck_with(probe, format!("{} </dev/null", line.join(" ")));
        }
        ProbeAction::Exec { command } => command.clone(),
    };
    let line: Vec<String> = words.iter().map(|w| shell_quote(w)).collect();
    healthcheck_with(probe, line.join(" "))
}

fn healthcheck_with(probe: &Probe, shell_line: String) -> Yaml {
    let test = lit(&shell_line);
    Yaml::map()
        .with("test", test)
        .with("interval", duration(probe.period_ms))
        .with("timeout", duration(probe.timeout_ms))
        .with("retries", probe.failure_threshold)
        .with("start_period", duration(probe.initial_delay_ms))
}

fn scope_labels(plan: &Plan) -> Yaml {
    Yaml::map()
        .with(LABEL_APPLICATION, lit(&plan.application.name))
        .with(LABEL_SCOPE, lit(&plan.scope.name))
}

fn service_labels(plan: &Plan, workload: &Workload, container: &Container) -> Yaml {
    let mut labels = scope_labels(plan)
        .with(LABEL_WORKLOAD, lit(&workload.name))
        .with(names::LABEL_CONTAINER, lit(&container.name))
        .with(names::LABEL_VERSION, lit(&plan.application.version))
        .with(LABEL_SPEC_HASH, lit(&workload.spec_hash));
    if let Some(job) = &workload.job {
        job_labels(&mut labels, job);
    }
    labels
}

/// What a host scheduler needs to run a cron service as the plan means it.
fn job_labels(labels: &mut Yaml, job: &Job) {
    labels.push("landfall.dev/schedule", lit(&job.schedule));
    labels.push(
        "landfall.dev/concurrency-policy",
        format!("{:?}", job.concurrency_policy),
    );
    labels.push(
        "landfall.dev/restart-policy",
        format!("{:?}", job.restart_policy),
    );
    if let Some(deadline) = job.active_deadline_seconds {
        labels.push("landfall.dev/active-deadline-seconds", deadline.to_string());
    }
    labels.push("landfall.dev/suspend", job.suspend.to_string());
}

/// One shell word: as it is when the shell reads it so, else single-quoted.
fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_./:=@%+,-".contains(&b));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// A plan string as compose text: `$` doubled so compose reads it literally.
fn lit(text: &str) -> String {
    text.replace('$', "$$")
}

fn lits(texts: &[String]) -> Vec<String> {
    texts.iter().map(|t| lit(t)).collect()
}

/// Millicores as a decimal number of CPUs: `250` is `"0.25"`.
fn cpus(millis: u64) -> String {
    let whole = millis / 1000;
    let fraction = millis % 1000;
    if fraction == 0 {
        whole.to_string()
    } else {
        let digits = format!("{fraction:03}");
        format!("{whole}.{}", digits.trim_end_matches('0'))
    }
}

/// Bytes in the largest docker unit that holds them exactly (`256m` is 256 MiB).
fn memory(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "g"), (1 << 20, "m"), (1 << 10, "k")];
    for (size, unit) in UNITS {
        if bytes >= size && bytes % size == 0 {
            return format!("{}{unit}", bytes / size);
        }
    }
    format!("{bytes}b")
}

/// Milliseconds as a compose duration: whole seconds as `10s`, else `1500ms`.
fn duration(ms: u64) -> String {
    if ms % 1000 == 0 {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_in_compose_units() {
        assert_eq!(cpus(250), "0.25");
        assert_eq!(cpus(1000), "1");
        assert_eq!(cpus(1505), "1.505");
        assert_eq!(cpus(50), "0.05");
        assert_eq!(memory(256 << 20), "256m");
        assert_eq!(memory(2 << 30), "2g");
        assert_eq!(memory(1_000_000), "1000000b");
        assert_eq!(memory(1536 << 10), "1536k");
        assert_eq!(duration(10_000), "10s");
        assert_eq!(duration(1_500), "1500ms");
        assert_eq!(duration(0), "0s");
    }

    #[test]
    fn healthcheck_words_are_shell_quoted() {
        assert_eq!(shell_quote("/health"), "/health");
        assert_eq!(shell_quote("test -d /x"), "'test -d /x'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("/ready?full=1&x"), "'/ready?full=1&x'");
        assert_eq!(shell_quote(""), "''");
    }

    #[test]
    fn plan_text_is_never_interpolated() {
        assert_eq!(lit("echo $HOME ${X}"), "echo $$HOME $${X}");
    }

    #[test]
    fn odd_secret_references_get_distinct_keys() {
        assert_eq!(secret_key("orders-db-tls"), "orders-db-tls");
        let a = secret_key("a/b");
        let b = secret_key("a_b");
        assert_ne!(a, b);
        assert!(a.starts_with("a_b-"), "{a}");
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"._-".contains(&c))
        );
    }
}
