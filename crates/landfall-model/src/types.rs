//! The typed documents: one struct per kind, field by field as in
//! `schemas/`, each value with the span it came from.
//!
//! Built leniently (see [`crate::build`]): a field of the wrong shape is
//! absent (`None`, or left out of its list), because the schema stage has
//! already reported it. Quantities and durations stay unparsed
//! ([`Scalar`]); the rules that check them parse them.

use crate::quantity::Quantity;
use landfall_diagnostics::{FileId, Span};
use landfall_schema::Kind;
use landfall_yaml::{Node, Value};

use crate::faults::SchemaFaults;

/// A value and the span of the YAML node it was read from.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

impl Spanned<String> {
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// A quantity or duration as written: `500m`, `0.5`, `512Mi`, `129e6`,
/// `10s`. Strings keep their text; numbers are formatted with `{}`
/// (`129e6` reads as the float 129000000 and becomes `129000000`), the
/// shortest decimal that reads back as the same float, so `0.1` is
/// exactly a tenth. A float written with more digits than a float keeps
/// (`0.10000000000000001`) keeps its text, and with it its exact value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scalar {
    pub text: String,
    /// Written as a YAML number rather than a string.
    pub is_number: bool,
}

impl Scalar {
    /// A string or number node as a scalar; anything else is `None`.
    /// `source` is the text the node was read from.
    pub fn from_node(node: &Node, source: &str) -> Option<Scalar> {
        let (text, is_number) = match &node.value {
            Value::String(s) => (s.clone(), false),
            Value::Int(i) => (i.to_string(), true),
            Value::Float(f) => (float_text(*f, node, source), true),
            _ => return None,
        };
        Some(Scalar { text, is_number })
    }
}

/// A float's text: the shortest decimal that reads back as it, unless the
/// source wrote a different exact value that rounds to the same float.
fn float_text(value: f64, node: &Node, source: &str) -> String {
    let written = source.get(node.start as usize..node.end as usize);
    if let Some(written) = written
        // The node's own text (no tag, no anchor) as a plain number.
        && written.parse::<f64>() == Ok(value)
        && let Ok(exact) = crate::quantity::parse_quantity(written)
        && Quantity::from_f64(value) != Some(exact)
    {
        return written.to_string();
    }
    format!("{value}")
}

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The spelling used in documents.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// Parses the exact spelling used in documents.
            pub fn parse(text: &str) -> Option<$name> {
                match text {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum!(
    /// `Workload.spec.type`.
    WorkloadType { Serverless = "serverless", Standard = "standard", Cron = "cron" }
);
string_enum!(
    /// A container port's protocol; `http` when omitted.
    Protocol { Http = "http", Http2 = "http2", Grpc = "grpc", Tcp = "tcp" }
);
string_enum!(
    /// The metric a workload scales on.
    Metric { Concurrency = "concurrency", Rps = "rps", Cpu = "cpu", Latency = "latency" }
);
string_enum!(
    /// The latency percentile of the `latency` metric.
    Percentile { P50 = "p50", P75 = "p75", P99 = "p99" }
);
string_enum!(
    /// `Workload.spec.expose.visibility`.
    Visibility { Public = "public", Internal = "internal", Private = "private" }
);
string_enum!(
    /// `Workload.spec.job.concurrencyPolicy`; `Forbid` when omitted.
    ConcurrencyPolicy { Forbid = "Forbid", Replace = "Replace" }
);
string_enum!(
    /// `Workload.spec.job.restartPolicy`; `Never` when omitted.
    RestartPolicy { Never = "Never", OnFailure = "OnFailure" }
);
string_enum!(
    /// The scheme of an HTTP probe; `http` when omitted.
    HttpScheme { Http = "http", Https = "https" }
);
string_enum!(
    /// An `upgradeFrom` rule's strategy.
    Strategy { Rolling = "rolling", Recreate = "recreate" }
);
string_enum!(
    /// `Application.spec.onVariableChange`; `restart` when omitted.
    OnVariableChange { Restart = "restart", Upgrade = "upgrade", Ignore = "ignore" }
);
string_enum!(
    /// Where Scopes of a ScopeType deploy.
    Target { Local = "local", Compose = "compose", Kubernetes = "kubernetes" }
);
string_enum!(
    /// Whether Scopes may use a Platform dimension value; `active` when omitted.
    DimensionStatus { Active = "active", Inactive = "inactive" }
);

/// A list of `(key, value)` pairs of a string-to-string mapping, in source
/// order. Keys are read as JSON reads them (a key `8080` is `"8080"`).
pub type StringPairs = Vec<(Spanned<String>, Spanned<String>)>;

/// `metadata`, common to every kind.
#[derive(Clone, Debug, PartialEq)]
pub struct Metadata {
    pub name: Option<Spanned<String>>,
    /// Workload and Scope only; always `None` on the other kinds.
    pub application: Option<Spanned<String>>,
    pub labels: StringPairs,
    pub annotations: StringPairs,
    /// The `kind: X` entry (key to value): where a finding about the whole
    /// document points. At the document's start when `kind` is missing.
    pub kind_span: Span,
}

impl Metadata {
    pub fn name(&self) -> Option<&str> {
        self.name.as_ref().map(|n| n.value.as_str())
    }

    pub fn application(&self) -> Option<&str> {
        self.application.as_ref().map(|n| n.value.as_str())
    }

    /// The name's span, or the `kind` entry when there is no name.
    pub fn name_span(&self) -> Span {
        self.name.as_ref().map_or(self.kind_span, |n| n.span)
    }
}

// ---------------------------------------------------------------- Application

#[derive(Clone, Debug, PartialEq)]
pub struct Application {
    pub meta: Metadata,
    pub version: Option<Spanned<String>>,
    pub description: Option<Spanned<String>>,
    pub variables: Vec<Variable>,
    pub configs: Vec<Config>,
    pub on_variable_change: Option<Spanned<OnVariableChange>>,
    pub upgrade_from: Vec<UpgradeRule>,
}

impl Application {
    pub fn variable(&self, name: &str) -> Option<&Variable> {
        self.variables.iter().find(|v| v.name.value == name)
    }

    pub fn config(&self, name: &str) -> Option<&Config> {
        self.configs.iter().find(|c| c.name.value == name)
    }
}

/// An entry of `spec.variables`.
#[derive(Clone, Debug, PartialEq)]
pub struct Variable {
    /// The key; its span is the key's.
    pub name: Spanned<String>,
    /// `None` when the entry has neither a string `value` nor a string
    /// `secret` (the schema reports it); the name is still defined.
    pub source: Option<VariableSource>,
    /// The whole entry's value node.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum VariableSource {
    /// A literal value.
    Value(Spanned<String>),
    /// A reference to a secret, such as `shop-db/password`.
    Secret(Spanned<String>),
}

/// An entry of `spec.configs`.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub name: Spanned<String>,
    /// File name to content.
    pub files: StringPairs,
    pub span: Span,
}

/// An entry of `spec.upgradeFrom`.
#[derive(Clone, Debug, PartialEq)]
pub struct UpgradeRule {
    pub version_regexp: Option<Spanned<String>>,
    pub strategy: Option<Spanned<Strategy>>,
    pub max_parallel: Option<Spanned<i64>>,
    pub healthy_time: Option<Spanned<Scalar>>,
    pub span: Span,
}

// ------------------------------------------------------------------- Workload

#[derive(Clone, Debug, PartialEq)]
pub struct Workload {
    pub meta: Metadata,
    pub workload_type: Option<Spanned<WorkloadType>>,
    pub containers: Vec<Container>,
    pub scaling: Option<Box<Scaling>>,
    pub capacity_ai: Option<Spanned<bool>>,
    pub timeout: Option<Spanned<Scalar>>,
    pub expose: Option<Box<Expose>>,
    pub rollout: Option<Box<Rollout>>,
    pub security: Option<Box<Security>>,
    pub job: Option<Box<Job>>,
    /// The `spec` key (where "missing field in spec" findings point), or
    /// the `kind` entry when there is no `spec`.
    pub spec_span: Span,
    /// Every `${NAME}` in env values, command and args, in source order,
    /// located while the source text is at hand.
    pub variable_uses: Vec<VariableUse>,
}

/// One `${NAME}` in a workload: the variable, the span of the whole
/// `${NAME}`, and the span of the env var name whose value holds it
/// (`None` in command/args).
#[derive(Clone, Debug, PartialEq)]
pub struct VariableUse {
    pub name: String,
    pub span: Span,
    pub env: Option<Span>,
}

impl Workload {
    pub fn workload_type(&self) -> Option<WorkloadType> {
        self.workload_type.as_ref().map(|t| t.value)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Container {
    pub name: Option<Spanned<String>>,
    pub image: Option<Spanned<String>>,
    /// `None` when not set (the image's entrypoint runs).
    pub command: Option<Vec<Spanned<String>>>,
    /// `None` when not set (the image's arguments apply).
    pub args: Option<Vec<Spanned<String>>>,
    pub working_dir: Option<Spanned<String>>,
    pub user: Option<Spanned<String>>,
    pub ports: Vec<Port>,
    pub resources: Resources,
    /// Name to value, in source order.
    pub env: StringPairs,
    pub probes: Probes,
    pub volumes: Vec<Volume>,
    pub lifecycle: Option<Box<Lifecycle>>,
    /// The whole container mapping.
    pub span: Span,
}

impl Container {
    pub fn name(&self) -> Option<&str> {
        self.name.as_ref().map(|n| n.value.as_str())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Port {
    pub port: Spanned<i64>,
    pub protocol: Option<Spanned<Protocol>>,
    pub span: Span,
}

impl Port {
    /// The protocol, `http` when omitted.
    pub fn protocol(&self) -> Protocol {
        self.protocol.as_ref().map_or(Protocol::Http, |p| p.value)
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Resources {
    pub cpu: Option<Spanned<Scalar>>,
    pub memory: Option<Spanned<Scalar>>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Probes {
    // Boxed: most containers set one probe or none, and a workload's
    // containers stay in memory for the whole run.
    pub readiness: Option<Box<Probe>>,
    pub liveness: Option<Box<Probe>>,
    pub startup: Option<Box<Probe>>,
}

impl Probes {
    /// The probes that are set, with their names, in a fixed order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &Probe)> {
        [
            ("readiness", &self.readiness),
            ("liveness", &self.liveness),
            ("startup", &self.startup),
        ]
        .into_iter()
        .filter_map(|(name, p)| p.as_deref().map(|p| (name, p)))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Probe {
    /// The first of `http`, `tcp`, `exec` that is a mapping; `None` when
    /// there is none (the schema reports it).
    pub action: Option<ProbeAction>,
    pub initial_delay: Option<Spanned<Scalar>>,
    pub period: Option<Spanned<Scalar>>,
    pub timeout: Option<Spanned<Scalar>>,
    pub success_threshold: Option<Spanned<i64>>,
    pub failure_threshold: Option<Spanned<i64>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ProbeAction {
    Http {
        path: Option<Spanned<String>>,
        port: Option<Spanned<i64>>,
        scheme: Option<Spanned<HttpScheme>>,
    },
    Tcp {
        port: Option<Spanned<i64>>,
    },
    Exec {
        command: Vec<Spanned<String>>,
    },
}

impl ProbeAction {
    /// The port an HTTP or TCP probe checks.
    pub fn port(&self) -> Option<&Spanned<i64>> {
        match self {
            ProbeAction::Http { port, .. } | ProbeAction::Tcp { port } => port.as_ref(),
            ProbeAction::Exec { .. } => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Volume {
    pub uri: Option<Spanned<String>>,
    pub path: Option<Spanned<String>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Lifecycle {
    pub post_start: Option<Hook>,
    pub pre_stop: Option<Hook>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Hook {
    pub exec: Vec<Spanned<String>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scaling {
    pub metric: Option<Spanned<Metric>>,
    pub target: Option<Spanned<f64>>,
    pub min_scale: Option<Spanned<i64>>,
    pub max_scale: Option<Spanned<i64>>,
    pub percentile: Option<Spanned<Percentile>>,
    pub scale_to_zero_delay: Option<Spanned<Scalar>>,
    pub max_concurrency: Option<Spanned<i64>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expose {
    pub visibility: Option<Spanned<Visibility>>,
    pub inbound: Vec<Spanned<String>>,
    pub outbound: Vec<Spanned<String>>,
    pub span: Span,
}

/// A replica count or a percentage of replicas (`1`, `25%`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntOrPercent {
    Count(i64),
    Percent(u32),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Rollout {
    pub min_ready_seconds: Option<Spanned<i64>>,
    pub max_unavailable: Option<Spanned<IntOrPercent>>,
    pub max_surge: Option<Spanned<IntOrPercent>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Security {
    pub run_as_non_root: Option<Spanned<bool>>,
    pub read_only_root_filesystem: Option<Spanned<bool>>,
    pub fs_group: Option<Spanned<i64>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub schedule: Option<Spanned<String>>,
    pub concurrency_policy: Option<Spanned<ConcurrencyPolicy>>,
    pub restart_policy: Option<Spanned<RestartPolicy>>,
    pub history_limit: Option<Spanned<i64>>,
    pub active_deadline_seconds: Option<Spanned<i64>>,
    pub suspend: Option<Spanned<bool>>,
    pub span: Span,
}

// ------------------------------------------------------------------ ScopeType

#[derive(Clone, Debug, PartialEq)]
pub struct ScopeType {
    pub meta: Metadata,
    pub description: Option<Spanned<String>>,
    pub target: Option<Spanned<Target>>,
    /// Empty when not set, which means every type (see [`ScopeType::accepts`]).
    pub workload_types: Vec<Spanned<WorkloadType>>,
    pub allow_overlap: Option<Spanned<bool>>,
    /// Capability name to its value node (a boolean, string or number).
    pub capabilities: Vec<(Spanned<String>, Node)>,
    /// The parameter JSON Schema as written, for a later stage to compile.
    pub parameters: Option<Node>,
    pub spec_span: Span,
}

impl ScopeType {
    /// Whether Scopes of this type accept workloads of `workload_type`.
    pub fn accepts(&self, workload_type: WorkloadType) -> bool {
        self.workload_types.is_empty()
            || self.workload_types.iter().any(|t| t.value == workload_type)
    }

    /// `allowOverlap`, `true` when omitted.
    pub fn allows_overlap(&self) -> bool {
        self.allow_overlap.as_ref().is_none_or(|a| a.value)
    }
}

// ---------------------------------------------------------------------- Scope

#[derive(Clone, Debug, PartialEq)]
pub struct Scope {
    pub meta: Metadata,
    /// `spec.type`: the name of a ScopeType.
    pub scope_type: Option<Spanned<String>>,
    /// Dimension name to value.
    pub dimensions: StringPairs,
    /// The parameters as written, checked later against the ScopeType's schema.
    pub parameters: Option<Node>,
    /// The source text of each number, boolean and null in `parameters`,
    /// by span: a help that says to quote one quotes it as written (`1.0`,
    /// not `1`), and the file's text is gone when project rules run.
    pub parameters_written: Vec<Spanned<String>>,
    /// The `parameters` and `dimensions` keys, where findings about what
    /// is missing inside them point.
    pub parameters_key: Option<Span>,
    pub dimensions_key: Option<Span>,
    /// `spec.workloads`: names of Workloads of the same Application.
    pub workloads: Vec<Spanned<String>>,
    pub spec_span: Span,
}

// ------------------------------------------------------------------- Platform

#[derive(Clone, Debug, PartialEq)]
pub struct Platform {
    pub meta: Metadata,
    pub dimensions: Vec<Dimension>,
    /// `None` when not set: the defaults ([`crate::defaults::BLOCKED_PORTS`]) apply.
    pub blocked_ports: Option<Vec<Spanned<i64>>>,
    pub resources: PlatformResources,
    /// `None` when not set: the defaults ([`crate::defaults::RESERVED_ENV`]) apply.
    pub reserved_env: Option<Vec<Spanned<String>>>,
    pub max_env_value_length: Option<Spanned<i64>>,
    pub max_volumes: Option<Spanned<i64>>,
    /// `None` when not set: the defaults ([`crate::defaults::RESERVED_MOUNT_PATHS`]) apply.
    pub reserved_mount_paths: Option<Vec<Spanned<String>>>,
    /// Rule id to severity (`error`, `warning`, `info`, `off`), as written.
    pub rules: StringPairs,
    /// Paths of `.policy` files, relative to this document's file.
    pub policies: Vec<Spanned<String>>,
    pub spec_span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Dimension {
    pub name: Spanned<String>,
    pub values: Vec<DimensionValue>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DimensionValue {
    pub name: Spanned<String>,
    pub status: Option<Spanned<DimensionStatus>>,
    pub span: Span,
}

impl DimensionValue {
    /// Whether Scopes may use this value (`active` when omitted).
    pub fn is_active(&self) -> bool {
        self.status
            .as_ref()
            .is_none_or(|s| s.value == DimensionStatus::Active)
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlatformResources {
    pub cpu_min: Option<Spanned<Scalar>>,
    pub cpu_max: Option<Spanned<Scalar>>,
    pub memory_min: Option<Spanned<Scalar>>,
    pub memory_max: Option<Spanned<Scalar>>,
    /// MiB of memory per millicore of CPU.
    pub max_memory_per_cpu: Option<Spanned<f64>>,
}

// ------------------------------------------------------------------ Documents

/// A typed document of any kind.
// One per document, in one Vec: boxing the larger variants would save
// little and make every match on a document clumsier.
#[derive(Clone, Debug, PartialEq)]
pub enum Document {
    Application(Box<Application>),
    Workload(Box<Workload>),
    Scope(Box<Scope>),
    ScopeType(Box<ScopeType>),
    Platform(Box<Platform>),
}

impl Document {
    pub fn kind(&self) -> Kind {
        match self {
            Document::Application(_) => Kind::Application,
            Document::Workload(_) => Kind::Workload,
            Document::Scope(_) => Kind::Scope,
            Document::ScopeType(_) => Kind::ScopeType,
            Document::Platform(_) => Kind::Platform,
        }
    }

    pub fn meta(&self) -> &Metadata {
        match self {
            Document::Application(d) => &d.meta,
            Document::Workload(d) => &d.meta,
            Document::Scope(d) => &d.meta,
            Document::ScopeType(d) => &d.meta,
            Document::Platform(d) => &d.meta,
        }
    }

    pub fn as_application(&self) -> Option<&Application> {
        match self {
            Document::Application(d) => Some(d.as_ref()),
            _ => None,
        }
    }

    pub fn as_workload(&self) -> Option<&Workload> {
        match self {
            Document::Workload(d) => Some(d.as_ref()),
            _ => None,
        }
    }

    pub fn as_scope(&self) -> Option<&Scope> {
        match self {
            Document::Scope(d) => Some(d.as_ref()),
            _ => None,
        }
    }

    pub fn as_scope_type(&self) -> Option<&ScopeType> {
        match self {
            Document::ScopeType(d) => Some(d.as_ref()),
            _ => None,
        }
    }

    pub fn as_platform(&self) -> Option<&Platform> {
        match self {
            Document::Platform(d) => Some(d.as_ref()),
            _ => None,
        }
    }
}

/// A typed document and where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadedDocument {
    pub file: FileId,
    /// 0-based position of the document in its file.
    pub index: usize,
    /// Where the document failed its kind's schema: rules that read a
    /// faulty field do not judge it, the others do.
    pub faults: SchemaFaults,
    pub doc: Document,
}

impl LoadedDocument {
    /// Drops what only per-document rules read, once they have run: a
    /// large tree then keeps in memory just what cross-document rules need.
    /// Every kind but Platform loses its labels, annotations and
    /// description; an Application its upgrade rules.
    /// A Workload keeps its metadata, type, `variable_uses`, and of its
    /// containers the names, the env entries whose values hold a `${NAME}`
    /// and the `config://` volumes: what cross-document rules read.
    pub fn compact(&mut self) {
        // No cross-document rule reads labels or annotations.
        match &mut self.doc {
            Document::Application(d) => {
                d.meta.labels = Vec::new();
                d.meta.annotations = Vec::new();
                d.description = None;
                // Only per-document rules read the upgrade rules.
                d.upgrade_from = Vec::new();
            }
            Document::Scope(d) => {
                d.meta.labels = Vec::new();
                d.meta.annotations = Vec::new();
            }
            Document::ScopeType(d) => {
                d.meta.labels = Vec::new();
                d.meta.annotations = Vec::new();
            }
            Document::Workload(_) | Document::Platform(_) => {}
        }
        if let Document::Workload(w) = &mut self.doc {
            w.meta.labels = Vec::new();
            w.meta.annotations = Vec::new();
            for c in &mut w.containers {
                c.env.retain(|(_, value)| value.value.contains("${"));
                c.env.shrink_to_fit();
                c.volumes.retain(|v| {
                    v.uri
                        .as_ref()
                        .is_some_and(|u| u.value.starts_with("config://"))
                });
                c.volumes.shrink_to_fit();
                c.image = None;
                c.command = None;
                c.args = None;
                c.working_dir = None;
                c.user = None;
                c.ports = Vec::new();
                c.resources = Resources::default();
                c.probes = Probes::default();
                c.lifecycle = None;
            }
            // A container with nothing left to read is not kept at all.
            w.containers
                .retain(|c| !c.env.is_empty() || !c.volumes.is_empty());
            w.containers.shrink_to_fit();
            w.scaling = None;
            w.expose = None;
            w.rollout = None;
            w.security = None;
            w.job = None;
        }
    }

    pub fn kind(&self) -> Kind {
        self.doc.kind()
    }

    /// Whether the document passed its kind's schema.
    pub fn schema_valid(&self) -> bool {
        self.faults.passed()
    }

    pub fn meta(&self) -> &Metadata {
        self.doc.meta()
    }

    pub fn name(&self) -> Option<&str> {
        self.doc.meta().name()
    }
}
