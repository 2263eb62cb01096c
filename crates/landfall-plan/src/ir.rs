//! The Plan IR, version [`PLAN_VERSION`].
//!
//! Conventions, so that every target reads it the same way:
//! - Names are the spec's names (DNS labels); engine- or target-specific
//!   names (container names, Kubernetes object names) are made by the target.
//! - Quantities are normalised: CPU in millicores, memory in bytes,
//!   durations in milliseconds. Defaults of the spec language are filled in,
//!   so a target never has to know them.
//! - Secrets appear only as references (`shop-db/password`), never values.
//! - Lists are in a defined order (workloads, volumes, configs and secrets
//!   by name; containers, ports and mounts as written; env by name), so the
//!   JSON is byte-identical for identical inputs.
//!
//! These types are the external format: changing a field's name or meaning
//! is a new [`PLAN_VERSION`] and a new `schemas/plan.schema.json`.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The version written in [`Plan::plan_version`].
pub const PLAN_VERSION: u32 = 1;

/// A deployment plan for one Scope of one Application.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Plan {
    /// Always [`PLAN_VERSION`].
    pub plan_version: u32,
    pub application: ApplicationInfo,
    pub scope: ScopeInfo,
    /// The networks the scope's workloads join: one per application scope,
    /// on which workloads reach each other by workload name.
    pub networks: Vec<NetworkDecl>,
    /// `scratch://` and `volume://` volumes mounted by the workloads, by name.
    pub volumes: Vec<VolumeDecl>,
    /// `config://` sources mounted by the workloads, with their files.
    pub configs: Vec<ConfigDecl>,
    /// Secrets the workloads read (as env or `secret://` mounts), by reference.
    pub secrets: Vec<SecretDecl>,
    /// By name.
    pub workloads: Vec<Workload>,
    /// `Application.spec.upgradeFrom`, in order: the first entry whose
    /// regexp matches the whole running version decides how to upgrade.
    pub upgrade_from: Vec<UpgradeRule>,
    /// The order in which a target brings the scope up.
    pub actions: Vec<Action>,
    /// What ran when the plan was saved (`landfall plan -o FILE.json` of an
    /// observed target): `apply FILE.json` refuses the plan once it no
    /// longer holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed: Option<ObservedRecord>,
}

/// What a saved plan observed: the objects of its scope, one line each
/// (`container NAME running`, `network NAME`, …), and their digest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ObservedRecord {
    /// SHA-256 (hex) of the lines, each ended by a newline.
    pub digest: String,
    pub objects: Vec<String>,
}

impl ObservedRecord {
    pub fn new(mut objects: Vec<String>) -> ObservedRecord {
        use sha2::{Digest, Sha256};
        objects.sort();
        let mut hasher = Sha256::new();
        for object in &objects {
            hasher.update(object.as_bytes());
            hasher.update(b"\n");
        }
        let digest = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        ObservedRecord { digest, objects }
    }

    /// What differs from `now`: `+ LINE` for what appeared, `- LINE` for
    /// what is gone.
    pub fn changes_to(&self, now: &ObservedRecord) -> Vec<String> {
        let mut out: Vec<String> = self
            .objects
            .iter()
            .filter(|o| !now.objects.contains(o))
            .map(|o| format!("- {o}"))
            .collect();
        out.extend(
            now.objects
                .iter()
                .filter(|o| !self.objects.contains(o))
                .map(|o| format!("+ {o}")),
        );
        out
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApplicationInfo {
    pub name: String,
    /// `Application.spec.version`.
    pub version: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScopeInfo {
    pub name: String,
    /// The ScopeType's name.
    #[serde(rename = "type")]
    pub scope_type: String,
    pub target: Target,
    pub dimensions: BTreeMap<String, String>,
    /// The Scope's parameters with the ScopeType schema's defaults filled in.
    pub parameters: serde_json::Value,
}

/// Where the scope deploys. Each variant is a target registered in
/// `landfall-targets` under [`Target::as_str`]; a test there holds the
/// registry, this enum, the model's `Target` and both schemas to one list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    Local,
    Compose,
    Kubernetes,
}

impl Target {
    pub const ALL: &'static [Target] = &[Target::Local, Target::Compose, Target::Kubernetes];

    /// The target's one name: the ScopeType's `spec.target` value, the
    /// plan JSON's `scope.target` (a test holds serde to it) and what the
    /// diff, `-o` and the runner print.
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Local => "local",
            Target::Compose => "compose",
            Target::Kubernetes => "kubernetes",
        }
    }

    /// The Scope parameters something reads when a scope of this target is
    /// planned or run: its emitter (`landfall-targets`), the local runner's
    /// command line (`engine`), and, for every target, lowering
    /// (`hostPortOffset`). A ScopeType parameter outside this list changes
    /// nothing, which `plan/unused-parameter` reports.
    pub fn parameters(self) -> &'static [&'static str] {
        match self {
            Target::Local => &["engine", "hostPortOffset"],
            Target::Compose => &[
                "hostPortOffset",
                "projectName",
                "publishPorts",
                "restartPolicy",
            ],
            Target::Kubernetes => &[
                "hostPortOffset",
                "ingressClass",
                "namespace",
                "podDisruptionBudget",
                "ramMemory",
                "visibility",
            ],
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Target {
    type Err = UnknownTarget;

    fn from_str(name: &str) -> Result<Target, UnknownTarget> {
        Target::ALL
            .iter()
            .copied()
            .find(|t| t.as_str() == name)
            .ok_or_else(|| UnknownTarget(name.to_string()))
    }
}

/// A name that is no [`Target`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownTarget(pub String);

impl fmt::Display for UnknownTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown target `{}`", self.0)
    }
}

impl std::error::Error for UnknownTarget {}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NetworkDecl {
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VolumeDecl {
    /// The name after the scheme: `cache` of `scratch://cache`.
    pub name: String,
    pub kind: VolumeKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VolumeKind {
    /// `scratch://`: read-write, lives as long as the scope; `down` removes it.
    Scratch,
    /// `volume://`: read-write, persistent; `down` keeps it unless asked.
    Persistent,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConfigDecl {
    /// The key in `Application.spec.configs`.
    pub name: String,
    /// File name to content, with the non-secret `${NAME}` variables
    /// substituted.
    pub files: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecretDecl {
    /// The reference, such as `shop-db/password` (from a secret variable)
    /// or `tls` (from `secret://tls`). The value is looked up by the target
    /// at deploy time and never written into a plan.
    pub reference: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Workload {
    pub name: String,
    #[serde(rename = "type")]
    pub workload_type: WorkloadType,
    /// Replicas to run when no autoscaler acts: `scaling.minScale`, raised
    /// to 1 (no target here scales to zero without traffic), 1 for cron.
    pub replicas: u32,
    /// `spec.scaling`, defaults filled in; `None` when not written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scaling: Option<Scaling>,
    /// `spec.timeout` in milliseconds, when written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    pub containers: Vec<Container>,
    pub expose: Expose,
    pub rollout: Rollout,
    pub security: Security,
    /// Cron workloads only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<Job>,
    /// A hex digest over everything above plus the application version and
    /// the contents of the configs it mounts: equal hashes mean nothing to
    /// change. Targets label what they create with it.
    pub spec_hash: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WorkloadType {
    Serverless,
    Standard,
    Cron,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Scaling {
    pub metric: Metric,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
    pub min_scale: u32,
    pub max_scale: u32,
    /// `latency` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percentile: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_to_zero_delay_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_concurrency: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Metric {
    Concurrency,
    Rps,
    Cpu,
    Latency,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Container {
    pub name: String,
    pub image: String,
    /// `None`: the image's entrypoint. Variables substituted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<Vec<String>>,
    /// `None`: the image's arguments. Variables substituted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_dir: Option<String>,
    /// `uid[:gid]` as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    pub ports: Vec<Port>,
    pub resources: Resources,
    /// By name.
    pub env: Vec<EnvVar>,
    pub probes: Probes,
    pub mounts: Vec<Mount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<Lifecycle>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Port {
    pub port: u16,
    pub protocol: Protocol,
    /// The host port to publish on (127.0.0.1 locally), when the scope's
    /// parameters fix one; `None`: the target allocates one and shows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_port: Option<u16>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Protocol {
    Http,
    Http2,
    Grpc,
    Tcp,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Resources {
    /// Defaults to 50 (50m).
    pub cpu_millis: u64,
    /// Defaults to 128Mi.
    pub memory_bytes: u64,
}

/// An environment variable: a literal value (non-secret variables already
/// substituted) or a secret, by reference.
// No `deny_unknown_fields`: serde does not support it beside `flatten`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvVar {
    pub name: String,
    #[serde(flatten)]
    pub source: EnvSource,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum EnvSource {
    /// `{"value": "info"}`
    Value(String),
    /// `{"secret": "shop-db/password"}`: the whole value is one secret variable.
    Secret(String),
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Probes {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readiness: Option<Probe>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liveness: Option<Probe>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub startup: Option<Probe>,
}

/// A probe with the spec's defaults filled in (initial delay 0, period
/// 10 s, timeout 1 s, success threshold 1, failure threshold 3).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Probe {
    pub action: ProbeAction,
    pub initial_delay_ms: u64,
    pub period_ms: u64,
    pub timeout_ms: u64,
    pub success_threshold: u32,
    pub failure_threshold: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ProbeAction {
    /// `{"http": {"path": "/health", "port": 8080, "scheme": "http"}}`
    Http {
        path: String,
        port: u16,
        scheme: HttpScheme,
    },
    /// `{"tcp": {"port": 8080}}`
    Tcp { port: u16 },
    /// `{"exec": {"command": ["/bin/check"]}}`
    Exec { command: Vec<String> },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HttpScheme {
    Http,
    Https,
}

/// A volume mounted into a container.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Mount {
    pub source: MountSource,
    /// The name after the scheme; for secrets, the secret reference.
    pub name: String,
    pub path: String,
    /// `config://` and `secret://` are read-only.
    pub read_only: bool,
}

/// The one meaning of a `secret://REF` mount at PATH on every target: PATH
/// is a directory holding one file, named after the last `/`-part of REF
/// (`secret://orders-db-tls` at `/etc/tls` is `/etc/tls/orders-db-tls`,
/// `secret://shop-db/password` at `/run/db` is `/run/db/password`), whose
/// content is the secret's value.
pub fn secret_file_name(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MountSource {
    Scratch,
    Volume,
    Config,
    Secret,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Lifecycle {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_start: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pre_stop: Option<Vec<String>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Expose {
    /// `internal` when not written.
    pub visibility: Visibility,
    /// CIDRs allowed in; empty: no restriction written.
    pub inbound: Vec<String>,
    /// CIDRs allowed out; empty: no restriction written.
    pub outbound: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Visibility {
    Public,
    Internal,
    Private,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Rollout {
    /// Defaults to 0.
    pub min_ready_seconds: u32,
    /// A count (`1`) or a percentage (`"25%"`); defaults to 1.
    pub max_unavailable: IntOrPercent,
    /// Defaults to `"100%"`.
    pub max_surge: IntOrPercent,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum IntOrPercent {
    Count(u32),
    /// Always ends in `%`.
    Percent(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Security {
    /// Defaults to true: landfall plans non-root containers unless told otherwise.
    pub run_as_non_root: bool,
    /// Defaults to false.
    pub read_only_root_filesystem: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fs_group: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Job {
    /// Five-field cron, UTC.
    pub schedule: String,
    pub concurrency_policy: ConcurrencyPolicy,
    pub restart_policy: RestartPolicy,
    /// Defaults to 5, the workload schema's default.
    pub history_limit: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_deadline_seconds: Option<u64>,
    pub suspend: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConcurrencyPolicy {
    Forbid,
    Replace,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RestartPolicy {
    Never,
    OnFailure,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpgradeRule {
    /// Matched against the whole running version.
    pub version_regexp: String,
    pub strategy: Strategy,
    /// Replicas replaced at a time (rolling); defaults to 1.
    pub max_parallel: u32,
    /// How long a new replica must stay healthy before the next step
    /// (rolling); defaults to 0.
    pub healthy_time_ms: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    Rolling,
    Recreate,
}

/// One step of bringing the scope up, in order: the network, then volumes,
/// configs and secrets, then each workload (cron workloads are scheduled,
/// not started).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Action {
    pub op: ActionOp,
    /// The network, volume, config, secret reference or workload it acts on.
    pub name: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionOp {
    CreateNetwork,
    CreateVolume,
    CreateConfig,
    CreateSecret,
    StartWorkload,
    ScheduleJob,
}

/// The environment variable a secret reference is read from where a target
/// takes secrets from the environment (the local runner, compose):
/// `LANDFALL_SECRET_` and the reference upper-cased, every character other
/// than a letter or digit as `_` (`shop-db/password` ─►
/// `LANDFALL_SECRET_SHOP_DB_PASSWORD`). One convention for every target.
pub fn secret_env_var(reference: &str) -> String {
    let mut name = String::from("LANDFALL_SECRET_");
    name.extend(reference.chars().map(|c| {
        if c.is_ascii_alphanumeric() {
            c.to_ascii_uppercase()
        } else {
            '_'
        }
    }));
    name
}

impl Plan {
    /// The plan as its canonical JSON: pretty, stable, newline-terminated.
    pub fn to_json(&self) -> String {
        let mut text = Vec::new();
        self.write_json(&mut text)
            .expect("writing to memory cannot fail");
        String::from_utf8(text).expect("serde_json writes UTF-8")
    }

    /// [`Plan::to_json`]'s text, written to `out` piece by piece: a large
    /// plan is never copied into one buffer first.
    pub fn write_json<W: std::io::Write>(&self, out: &mut W) -> std::io::Result<()> {
        crate::json::write_plan_json(self, out)
    }

    /// Reads a plan written by [`Plan::to_json`]; refuses other versions.
    pub fn from_json(text: &str) -> Result<Plan, String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not a plan: {e}"))?;
        match value.get("planVersion").and_then(serde_json::Value::as_u64) {
            Some(v) if v == u64::from(PLAN_VERSION) => {}
            Some(v) => {
                return Err(format!(
                    "plan version {v} is not supported (expected {PLAN_VERSION})"
                ));
            }
            None => return Err("not a plan: no planVersion".to_string()),
        }
        serde_json::from_value(value).map_err(|e| format!("not a valid plan: {e}"))
    }

    pub fn workload(&self, name: &str) -> Option<&Workload> {
        self.workloads.iter().find(|w| w.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_vars_read_back_as_written() {
        let vars = vec![
            EnvVar {
                name: "DB_PASSWORD".into(),
                source: EnvSource::Secret("shop-db/password".into()),
            },
            EnvVar {
                name: "LOG_LEVEL".into(),
                source: EnvSource::Value("info".into()),
            },
        ];
        let json = serde_json::to_string(&vars).unwrap();
        assert_eq!(
            json,
            r#"[{"name":"DB_PASSWORD","secret":"shop-db/password"},{"name":"LOG_LEVEL","value":"info"}]"#
        );
        let back: Vec<EnvVar> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, vars);
    }

    #[test]
    fn probe_actions_and_counts_read_back_as_written() {
        let probe = Probe {
            action: ProbeAction::Http {
                path: "/health".into(),
                port: 8080,
                scheme: HttpScheme::Http,
            },
            initial_delay_ms: 0,
            period_ms: 10_000,
            timeout_ms: 1_000,
            success_threshold: 1,
            failure_threshold: 3,
        };
        let json = serde_json::to_string(&probe).unwrap();
        assert!(
            json.contains(r#""action":{"http":{"path":"/health","port":8080,"scheme":"http"}}"#)
        );
        assert_eq!(serde_json::from_str::<Probe>(&json).unwrap(), probe);
        let surge: IntOrPercent = serde_json::from_str(r#""25%""#).unwrap();
        assert_eq!(surge, IntOrPercent::Percent("25%".into()));
        assert_eq!(
            serde_json::from_str::<IntOrPercent>("1").unwrap(),
            IntOrPercent::Count(1)
        );
    }

    #[test]
    fn a_target_is_serialised_parsed_and_printed_by_its_one_name() {
        for &target in Target::ALL {
            let name = target.as_str();
            assert_eq!(
                serde_json::to_string(&target).unwrap(),
                format!("\"{name}\"")
            );
            assert_eq!(
                serde_json::from_str::<Target>(&format!("\"{name}\"")).unwrap(),
                target
            );
            assert_eq!(name.parse::<Target>(), Ok(target));
            assert_eq!(target.to_string(), name);
        }
        assert_eq!(
            "podman".parse::<Target>(),
            Err(UnknownTarget("podman".to_string()))
        );
    }

    #[test]
    fn other_plan_versions_are_refused() {
        let err = Plan::from_json(r#"{"planVersion": 2}"#).unwrap_err();
        assert!(err.contains("plan version 2 is not supported"), "{err}");
    }
}
