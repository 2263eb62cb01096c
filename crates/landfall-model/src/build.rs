//! Node tree to typed document, leniently: a value of the wrong shape is
//! left out (the schema stage reports it). Also the per-document name
//! checks (`invalid-name`) and duplicates inside one workload
//! (`duplicate-name`), so that they run in parallel per file.

use std::collections::HashMap;

use landfall_diagnostics::{Diagnostic, FileId, Span};
use landfall_schema::Kind;
use landfall_yaml::{Node, Value};

use crate::faults::SchemaFaults;
use crate::names::{
    RESERVED_CONTAINER_PREFIX, dns_label_problem, label_key_problem, reserved_label_prefix,
    suggest_dns_label,
};
use crate::rules::{DUPLICATE_NAME, INVALID_NAME};
use crate::types::*;

/// Builds the typed document of `kind` from a document's root, and reports
/// invalid names and duplicates inside the document. Never fails: any
/// shape gives a document, with what could not be read left out. A
/// document that did not pass its schema (`schema_valid`) is faulty
/// everywhere until the caller says where (`LoadedDocument::faults`).
pub fn build(
    file: FileId,
    text: &str,
    index: usize,
    kind: Kind,
    root: &Node,
    schema_valid: bool,
) -> (LoadedDocument, Vec<Diagnostic>) {
    let mut b = Builder {
        file,
        text,
        diagnostics: Vec::new(),
    };
    let meta = b.metadata(kind, root);
    let spec = root.get("spec");
    let spec_span = root
        .entry("spec")
        .map_or(meta.kind_span, |e| b.span(&e.key));
    let doc = match kind {
        Kind::Application => Document::Application(Box::new(b.application(meta, spec))),
        Kind::Workload => {
            let mut workload = b.workload(meta, spec, spec_span);
            workload.variable_uses = crate::vars::workload_uses(&workload, text);
            Document::Workload(Box::new(workload))
        }
        Kind::Scope => {
            let mut scope = b.scope(meta, spec, spec_span);
            if let Some(parameters) = &scope.parameters {
                scope.parameters_written = written_scalars(file, text, parameters);
            }
            Document::Scope(Box::new(scope))
        }
        Kind::ScopeType => Document::ScopeType(Box::new(b.scope_type(meta, spec, spec_span))),
        Kind::Platform => Document::Platform(Box::new(b.platform(meta, spec, spec_span))),
    };
    let loaded = LoadedDocument {
        file,
        index,
        // Where, the caller knows (`LoadedDocument::faults`).
        faults: if schema_valid {
            SchemaFaults::None
        } else {
            SchemaFaults::Everywhere
        },
        doc,
    };
    (loaded, b.diagnostics)
}

/// Every number, boolean and null under `node`, as written in `text`.
fn written_scalars(file: FileId, text: &str, node: &Node) -> Vec<Spanned<String>> {
    let mut found = Vec::new();
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        match &node.value {
            Value::Map(entries) => stack.extend(entries.iter().map(|e| &e.value)),
            Value::Seq(items) => stack.extend(items),
            _ => {
                if let Some(written) = landfall_schema::advice::written_non_string(text, node) {
                    found.push(Spanned::new(
                        written.to_string(),
                        Span::new(file, node.start, node.end),
                    ));
                }
            }
        }
    }
    found
}

struct Builder<'a> {
    file: FileId,
    /// The file's text, where a number is read as written.
    text: &'a str,
    diagnostics: Vec<Diagnostic>,
}

impl Builder<'_> {
    fn span(&self, node: &Node) -> Span {
        Span::new(self.file, node.start, node.end.max(node.start))
    }

    fn spanned<T>(&self, value: T, node: &Node) -> Spanned<T> {
        Spanned::new(value, self.span(node))
    }

    // ------------------------------------------------------------ scalars

    fn string(&self, node: Option<&Node>) -> Option<Spanned<String>> {
        let node = node?;
        Some(self.spanned(node.as_str()?.to_string(), node))
    }

    fn int(&self, node: Option<&Node>) -> Option<Spanned<i64>> {
        let node = node?;
        Some(self.spanned(node.as_i64()?, node))
    }

    fn number(&self, node: Option<&Node>) -> Option<Spanned<f64>> {
        let node = node?;
        let value = match node.value {
            Value::Int(i) => i as f64,
            Value::Float(f) => f,
            _ => return None,
        };
        Some(self.spanned(value, node))
    }

    fn boolean(&self, node: Option<&Node>) -> Option<Spanned<bool>> {
        let node = node?;
        Some(self.spanned(node.as_bool()?, node))
    }

    fn scalar(&self, node: Option<&Node>) -> Option<Spanned<Scalar>> {
        let node = node?;
        Some(self.spanned(Scalar::from_node(node, self.text)?, node))
    }

    fn choice<T>(&self, node: Option<&Node>, parse: fn(&str) -> Option<T>) -> Option<Spanned<T>> {
        let node = node?;
        Some(self.spanned(parse(node.as_str()?)?, node))
    }

    fn int_or_percent(&self, node: Option<&Node>) -> Option<Spanned<IntOrPercent>> {
        let node = node?;
        let value = match &node.value {
            Value::Int(i) => IntOrPercent::Count(*i),
            Value::String(s) => IntOrPercent::Percent(s.strip_suffix('%')?.parse().ok()?),
            _ => return None,
        };
        Some(self.spanned(value, node))
    }

    /// The string items of a list; other items are left out.
    fn strings(&self, node: Option<&Node>) -> Vec<Spanned<String>> {
        self.string_list(node).unwrap_or_default()
    }

    /// The string items of a list, or `None` when it is not a list.
    fn string_list(&self, node: Option<&Node>) -> Option<Vec<Spanned<String>>> {
        let items = node?.as_seq()?;
        Some(items.iter().filter_map(|n| self.string(Some(n))).collect())
    }

    fn ints(&self, node: Option<&Node>) -> Option<Vec<Spanned<i64>>> {
        let items = node?.as_seq()?;
        Some(items.iter().filter_map(|n| self.int(Some(n))).collect())
    }

    /// A mapping key as JSON reads it; collection keys are `None`.
    fn key(&self, key: &Node) -> Option<Spanned<String>> {
        match key.value {
            Value::Seq(_) | Value::Map(_) => None,
            _ => Some(self.spanned(key.key_text().into_owned(), key)),
        }
    }

    /// The entries of a string-to-string mapping whose values are strings.
    fn string_pairs(&self, node: Option<&Node>) -> StringPairs {
        let Some(entries) = node.and_then(Node::as_map) else {
            return Vec::new();
        };
        entries
            .iter()
            .filter_map(|e| Some((self.key(&e.key)?, self.string(Some(&e.value))?)))
            .collect()
    }

    // ----------------------------------------------------------- metadata

    fn metadata(&mut self, kind: Kind, root: &Node) -> Metadata {
        let kind_span = root
            .entry("kind")
            .map_or(Span::new(self.file, root.start, root.start), |e| {
                Span::new(self.file, e.key.start, e.value.end.max(e.key.start))
            });
        let metadata = root.get("metadata");
        let get = |key| metadata.and_then(|m| m.get(key));
        let name = self.string(get("name"));
        if let Some(name) = &name {
            self.check_dns_label(name, "name", "names");
        }
        let application = if matches!(kind, Kind::Workload | Kind::Scope) {
            let application = self.string(get("application"));
            if let Some(application) = &application {
                self.check_dns_label(application, "application name", "application names");
            }
            application
        } else {
            None
        };
        if let Some(labels) = get("labels").and_then(Node::as_map) {
            for entry in labels {
                if let Some(key) = entry.key.as_str() {
                    self.check_label_key(key, self.span(&entry.key));
                }
            }
        }
        Metadata {
            name,
            application,
            labels: self.string_pairs(get("labels")),
            annotations: self.string_pairs(get("annotations")),
            kind_span,
        }
    }

    fn check_dns_label(&mut self, name: &Spanned<String>, what: &str, plural: &str) {
        let Some(problem) = dns_label_problem(&name.value) else {
            return;
        };
        let mut d = Diagnostic::new(
            &INVALID_NAME,
            name.span,
            format!(
                "`{}` is not a valid {what}: {problem}; {plural} are DNS labels: lowercase letters, digits and `-`, at most 63 characters",
                name.value
            ),
        )
        .with_span_label("invalid name");
        if let Some(suggestion) = suggest_dns_label(&name.value) {
            d = d.with_help(format!("try `{suggestion}`"));
        }
        self.diagnostics.push(d);
    }

    fn check_label_key(&mut self, key: &str, span: Span) {
        if let Some(problem) = label_key_problem(key) {
            self.diagnostics.push(
                Diagnostic::new(
                    &INVALID_NAME,
                    span,
                    format!(
                        "`{key}` is not a valid label key: {problem}; a label key is an optional DNS-subdomain prefix and `/`, then a name of at most 63 letters, digits, `-`, `_` and `.` that starts and ends with a letter or digit"
                    ),
                )
                .with_span_label("invalid label key"),
            );
        } else if let Some(prefix) = reserved_label_prefix(key) {
            self.diagnostics.push(
                Diagnostic::new(
                    &INVALID_NAME,
                    span,
                    format!("label key `{key}` uses the prefix `{prefix}`, which is reserved for landfall"),
                )
                .with_span_label("reserved prefix")
                .with_help("use a prefix of your own, such as `example.com/`, or none"),
            );
        }
    }

    // -------------------------------------------------------- Application

    fn application(&mut self, meta: Metadata, spec: Option<&Node>) -> Application {
        let get = |key| spec.and_then(|s| s.get(key));
        let variables = get("variables")
            .and_then(Node::as_map)
            .unwrap_or_default()
            .iter()
            .filter_map(|e| {
                let name = self.key(&e.key)?;
                let source = if let Some(value) = self.string(e.value.get("value")) {
                    Some(VariableSource::Value(value))
                } else {
                    self.string(e.value.get("secret"))
                        .map(VariableSource::Secret)
                };
                Some(Variable {
                    name,
                    source,
                    span: self.span(&e.value),
                })
            })
            .collect();
        let configs = get("configs")
            .and_then(Node::as_map)
            .unwrap_or_default()
            .iter()
            .filter_map(|e| {
                Some(Config {
                    name: self.key(&e.key)?,
                    files: self.string_pairs(e.value.get("files")),
                    span: self.span(&e.value),
                })
            })
            .collect();
        let upgrade_from = get("upgradeFrom")
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter(|n| n.as_map().is_some())
            .map(|n| UpgradeRule {
                version_regexp: self.string(n.get("versionRegexp")),
                strategy: self.choice(n.get("strategy"), Strategy::parse),
                max_parallel: self.int(n.get("maxParallel")),
                healthy_time: self.scalar(n.get("healthyTime")),
                span: self.span(n),
            })
            .collect();
        Application {
            meta,
            version: self.string(get("version")),
            description: self.string(get("description")),
            variables,
            configs,
            on_variable_change: self.choice(get("onVariableChange"), OnVariableChange::parse),
            upgrade_from,
        }
    }

    // ----------------------------------------------------------- Workload

    fn workload(&mut self, meta: Metadata, spec: Option<&Node>, spec_span: Span) -> Workload {
        let get = |key| spec.and_then(|s| s.get(key));
        let containers: Vec<Container> = get("containers")
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter(|n| n.as_map().is_some())
            .map(|n| self.container(n))
            .collect();
        self.workload_duplicates(&containers);
        Workload {
            variable_uses: Vec::new(),
            meta,
            workload_type: self.choice(get("type"), WorkloadType::parse),
            containers,
            scaling: get("scaling")
                .filter(|n| n.as_map().is_some())
                .map(|n| Scaling {
                    metric: self.choice(n.get("metric"), Metric::parse),
                    target: self.number(n.get("target")),
                    min_scale: self.int(n.get("minScale")),
                    max_scale: self.int(n.get("maxScale")),
                    percentile: self.choice(n.get("percentile"), Percentile::parse),
                    scale_to_zero_delay: self.scalar(n.get("scaleToZeroDelay")),
                    max_concurrency: self.int(n.get("maxConcurrency")),
                    span: self.span(n),
                })
                .map(Box::new),
            capacity_ai: self.boolean(get("capacityAI")),
            timeout: self.scalar(get("timeout")),
            expose: get("expose")
                .filter(|n| n.as_map().is_some())
                .map(|n| Expose {
                    visibility: self.choice(n.get("visibility"), Visibility::parse),
                    inbound: self.strings(n.get("inbound")),
                    outbound: self.strings(n.get("outbound")),
                    span: self.span(n),
                })
                .map(Box::new),
            rollout: get("rollout")
                .filter(|n| n.as_map().is_some())
                .map(|n| Rollout {
                    min_ready_seconds: self.int(n.get("minReadySeconds")),
                    max_unavailable: self.int_or_percent(n.get("maxUnavailable")),
                    max_surge: self.int_or_percent(n.get("maxSurge")),
                    span: self.span(n),
                })
                .map(Box::new),
            security: get("security")
                .filter(|n| n.as_map().is_some())
                .map(|n| Security {
                    run_as_non_root: self.boolean(n.get("runAsNonRoot")),
                    read_only_root_filesystem: self.boolean(n.get("readOnlyRootFilesystem")),
                    fs_group: self.int(n.get("fsGroup")),
                    span: self.span(n),
                })
                .map(Box::new),
            job: get("job")
                .filter(|n| n.as_map().is_some())
                .map(|n| Job {
                    schedule: self.string(n.get("schedule")),
                    concurrency_policy: self
                        .choice(n.get("concurrencyPolicy"), ConcurrencyPolicy::parse),
                    restart_policy: self.choice(n.get("restartPolicy"), RestartPolicy::parse),
                    history_limit: self.int(n.get("historyLimit")),
                    active_deadline_seconds: self.int(n.get("activeDeadlineSeconds")),
                    suspend: self.boolean(n.get("suspend")),
                    span: self.span(n),
                })
                .map(Box::new),
            spec_span,
        }
    }

    fn container(&mut self, n: &Node) -> Container {
        let name = self.string(n.get("name"));
        if let Some(name) = &name {
            self.check_container_name(name);
        }
        let resources = n.get("resources");
        let probes = n.get("probes");
        Container {
            name,
            image: self.string(n.get("image")),
            command: self.string_list(n.get("command")),
            args: self.string_list(n.get("args")),
            working_dir: self.string(n.get("workingDir")),
            user: self.string(n.get("user")),
            ports: n
                .get("ports")
                .and_then(Node::as_seq)
                .unwrap_or_default()
                .iter()
                .filter_map(|p| {
                    Some(Port {
                        port: self.int(p.get("port"))?,
                        protocol: self.choice(p.get("protocol"), Protocol::parse),
                        span: self.span(p),
                    })
                })
                .collect(),
            resources: Resources {
                cpu: self.scalar(resources.and_then(|r| r.get("cpu"))),
                memory: self.scalar(resources.and_then(|r| r.get("memory"))),
            },
            env: self.string_pairs(n.get("env")),
            probes: Probes {
                readiness: self
                    .probe(probes.and_then(|p| p.get("readiness")))
                    .map(Box::new),
                liveness: self
                    .probe(probes.and_then(|p| p.get("liveness")))
                    .map(Box::new),
                startup: self
                    .probe(probes.and_then(|p| p.get("startup")))
                    .map(Box::new),
            },
            volumes: n
                .get("volumes")
                .and_then(Node::as_seq)
                .unwrap_or_default()
                .iter()
                .filter(|v| v.as_map().is_some())
                .map(|v| Volume {
                    uri: self.string(v.get("uri")),
                    path: self.string(v.get("path")),
                    span: self.span(v),
                })
                .collect(),
            lifecycle: n
                .get("lifecycle")
                .filter(|l| l.as_map().is_some())
                .map(|l| Lifecycle {
                    post_start: self.hook(l.get("postStart")),
                    pre_stop: self.hook(l.get("preStop")),
                    span: self.span(l),
                })
                .map(Box::new),
            span: self.span(n),
        }
    }

    fn check_container_name(&mut self, name: &Spanned<String>) {
        if dns_label_problem(&name.value).is_some() {
            self.check_dns_label(name, "container name", "container names");
        } else if let Some(rest) = name.value.strip_prefix(RESERVED_CONTAINER_PREFIX) {
            let help = if dns_label_problem(rest).is_none() {
                format!("rename it, for example to `{rest}`")
            } else {
                "rename it".to_string()
            };
            self.diagnostics.push(
                Diagnostic::new(
                    &INVALID_NAME,
                    name.span,
                    format!(
                        "container name `{}` starts with `{RESERVED_CONTAINER_PREFIX}`, which is reserved for the containers landfall adds",
                        name.value
                    ),
                )
                .with_span_label("reserved prefix")
                .with_help(help),
            );
        }
    }

    fn hook(&self, node: Option<&Node>) -> Option<Hook> {
        let node = node.filter(|n| n.as_map().is_some())?;
        Some(Hook {
            exec: self.strings(node.get("exec")),
            span: self.span(node),
        })
    }

    fn probe(&self, node: Option<&Node>) -> Option<Probe> {
        let n = node.filter(|n| n.as_map().is_some())?;
        let is_map = |key| n.get(key).filter(|a| a.as_map().is_some());
        let action = if let Some(http) = is_map("http") {
            Some(ProbeAction::Http {
                path: self.string(http.get("path")),
                port: self.int(http.get("port")),
                scheme: self.choice(http.get("scheme"), HttpScheme::parse),
            })
        } else if let Some(tcp) = is_map("tcp") {
            Some(ProbeAction::Tcp {
                port: self.int(tcp.get("port")),
            })
        } else {
            is_map("exec").map(|exec| ProbeAction::Exec {
                command: self.strings(exec.get("command")),
            })
        };
        Some(Probe {
            action,
            initial_delay: self.scalar(n.get("initialDelay")),
            period: self.scalar(n.get("period")),
            timeout: self.scalar(n.get("timeout")),
            success_threshold: self.int(n.get("successThreshold")),
            failure_threshold: self.int(n.get("failureThreshold")),
            span: self.span(n),
        })
    }

    /// Two containers of one workload with one name; two ports with one
    /// number anywhere in the workload (its containers share a network
    /// namespace); two volumes of one container at one mount path.
    fn workload_duplicates(&mut self, containers: &[Container]) {
        let mut names: HashMap<&str, Span> = HashMap::new();
        let mut ports: HashMap<i64, (Span, Option<&str>)> = HashMap::new();
        for container in containers {
            if let Some(name) = &container.name {
                if let Some(first) = names.get(name.value.as_str()) {
                    self.duplicate(
                        name.span,
                        *first,
                        format!("duplicate container name `{}`", name.value),
                        "container names are unique within a workload",
                    );
                } else {
                    names.insert(&name.value, name.span);
                }
            }
            for port in &container.ports {
                if let Some((first, owner)) = ports.get(&port.port.value) {
                    let message = match (owner, container.name()) {
                        (Some(owner), Some(this)) if *owner != this => format!(
                            "port {} is already exposed by container `{owner}`",
                            port.port.value
                        ),
                        _ => format!("duplicate port {}", port.port.value),
                    };
                    self.duplicate(
                        port.port.span,
                        *first,
                        message,
                        "the containers of a workload share one network: each port can be exposed once",
                    );
                } else {
                    ports.insert(port.port.value, (port.port.span, container.name()));
                }
            }
            let mut paths: HashMap<&str, Span> = HashMap::new();
            for volume in &container.volumes {
                let Some(path) = &volume.path else { continue };
                if let Some(first) = paths.get(path.value.as_str()) {
                    self.duplicate(
                        path.span,
                        *first,
                        format!("duplicate mount path `{}`", path.value),
                        "each volume of a container needs its own mount path",
                    );
                } else {
                    paths.insert(&path.value, path.span);
                }
            }
        }
    }

    fn duplicate(&mut self, span: Span, first: Span, message: String, help: &str) {
        self.diagnostics.push(
            Diagnostic::new(&DUPLICATE_NAME, span, message)
                .with_span_label("defined again here")
                .with_label(first, "first defined here")
                .with_help(help),
        );
    }

    // -------------------------------------------------- ScopeType, Scope

    fn scope_type(&mut self, meta: Metadata, spec: Option<&Node>, spec_span: Span) -> ScopeType {
        let get = |key| spec.and_then(|s| s.get(key));
        ScopeType {
            meta,
            description: self.string(get("description")),
            target: self.choice(get("target"), Target::parse),
            workload_types: get("workloadTypes")
                .and_then(Node::as_seq)
                .unwrap_or_default()
                .iter()
                .filter_map(|n| self.choice(Some(n), WorkloadType::parse))
                .collect(),
            allow_overlap: self.boolean(get("allowOverlap")),
            capabilities: get("capabilities")
                .and_then(Node::as_map)
                .unwrap_or_default()
                .iter()
                .filter_map(|e| Some((self.key(&e.key)?, e.value.clone())))
                .collect(),
            parameters: get("parameters").cloned(),
            spec_span,
        }
    }

    fn scope(&mut self, meta: Metadata, spec: Option<&Node>, spec_span: Span) -> Scope {
        let get = |key| spec.and_then(|s| s.get(key));
        let key_span = |key| {
            spec.and_then(|s| s.entry(key))
                .map(|e| Span::new(self.file, e.key.start, e.key.end))
        };
        Scope {
            parameters_key: key_span("parameters"),
            dimensions_key: key_span("dimensions"),
            meta,
            scope_type: self.string(get("type")),
            dimensions: self.string_pairs(get("dimensions")),
            parameters: get("parameters").cloned(),
            parameters_written: Vec::new(),
            workloads: self.strings(get("workloads")),
            spec_span,
        }
    }

    // ----------------------------------------------------------- Platform

    fn platform(&mut self, meta: Metadata, spec: Option<&Node>, spec_span: Span) -> Platform {
        let get = |key| spec.and_then(|s| s.get(key));
        let resources = get("resources");
        let range = |kind: &str, bound: &str| {
            self.scalar(
                resources
                    .and_then(|r| r.get(kind))
                    .and_then(|r| r.get(bound)),
            )
        };
        let dimensions = get("dimensions")
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(|d| {
                Some(Dimension {
                    name: self.string(d.get("name"))?,
                    values: d
                        .get("values")
                        .and_then(Node::as_seq)
                        .unwrap_or_default()
                        .iter()
                        .filter_map(|v| {
                            Some(DimensionValue {
                                name: self.string(v.get("name"))?,
                                status: self.choice(v.get("status"), DimensionStatus::parse),
                                span: self.span(v),
                            })
                        })
                        .collect(),
                    span: self.span(d),
                })
            })
            .collect();
        Platform {
            meta,
            dimensions,
            blocked_ports: self.ints(get("blockedPorts")),
            resources: PlatformResources {
                cpu_min: range("cpu", "min"),
                cpu_max: range("cpu", "max"),
                memory_min: range("memory", "min"),
                memory_max: range("memory", "max"),
                max_memory_per_cpu: self.number(resources.and_then(|r| r.get("maxMemoryPerCpu"))),
            },
            reserved_env: self.string_list(get("reservedEnv")),
            max_env_value_length: self.int(get("maxEnvValueLength")),
            max_volumes: self.int(get("maxVolumes")),
            reserved_mount_paths: self.string_list(get("reservedMountPaths")),
            rules: self.string_pairs(get("rules")),
            policies: self.strings(get("policies")),
            spec_span,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{check, spanned, summary};

    fn build_text(kind: Kind, text: &str) -> (LoadedDocument, Vec<Diagnostic>) {
        let parsed = landfall_yaml::parse(FileId(0), text, &Default::default());
        build(FileId(0), text, 0, kind, &parsed.documents[0].root, true)
    }

    fn names_found(kind: Kind, text: &str) -> Vec<String> {
        let (_, found) = build_text(kind, text);
        summary(&[text], &found)
    }

    fn written(scalar: &Option<Spanned<Scalar>>) -> &str {
        scalar.as_ref().map_or("", |s| s.value.text.as_str())
    }

    #[test]
    fn numbers_keep_their_exact_value() {
        let text = "apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: api, application: shop}
spec:
  type: standard
  containers:
    - {name: a, image: a:1, resources: {cpu: 0.1, memory: 16.001e9}}
    - {name: b, image: b:1, resources: {cpu: 0.10000000000000001, memory: 1073741824.00000001}}
    - {name: c, image: c:1, resources: {cpu: !!float 1, memory: &m 1.5e3}}
";
        let (loaded, found) = build_text(Kind::Workload, text);
        assert!(found.is_empty());
        let Document::Workload(w) = &loaded.doc else {
            panic!()
        };
        let texts: Vec<(&str, &str)> = w
            .containers
            .iter()
            .map(|c| (written(&c.resources.cpu), written(&c.resources.memory)))
            .collect();
        assert_eq!(
            texts,
            [
                // The shortest decimal of the float is the value written.
                ("0.1", "16001000000"),
                // More digits than a float keeps: as written.
                ("0.10000000000000001", "1073741824.00000001"),
                // A tag or an anchor is not part of the number.
                ("1", "1500"),
            ]
        );
    }

    #[test]
    fn invalid_document_names() {
        let text = "apiVersion: landfall.dev/v1\nkind: Workload\nmetadata: {name: Shop, application: my_app}\n";
        let (_, found) = build_text(Kind::Workload, text);
        assert_eq!(
            summary(&[text], &found),
            ["invalid-name: Shop", "invalid-name: my_app"]
        );
        assert_eq!(
            found[0].message,
            "`Shop` is not a valid name: uppercase `S` at position 1; names are DNS labels: lowercase letters, digits and `-`, at most 63 characters"
        );
        assert_eq!(found[0].help.as_deref(), Some("try `shop`"));
        assert!(
            found[1]
                .message
                .starts_with("`my_app` is not a valid application name: `_` at position 3;")
        );
    }

    #[test]
    fn only_strings_are_checked_and_application_only_where_owned() {
        // Wrong types are the schema's; `application` on an Application is
        // an unknown field, also the schema's.
        assert!(names_found(Kind::Workload, "metadata: {name: 12, application: [x]}\n").is_empty());
        assert!(
            names_found(
                Kind::Application,
                "metadata: {name: ok, application: Bad}\n"
            )
            .is_empty()
        );
        let long = "a".repeat(64);
        assert_eq!(
            names_found(Kind::Platform, &format!("metadata: {{name: {long}}}\n")),
            [format!("invalid-name: {long}")]
        );
    }

    #[test]
    fn label_keys() {
        let text = r#"metadata:
  name: shop
  labels:
    team: a
    app.kubernetes.io/Name: b
    landfall.dev/managed: c
    ops.landfall.dev/x: d
    Bad_Prefix/x: e
    "-x": f
    example.com/a/b: g
    7: h
"#;
        let (loaded, found) = build_text(Kind::Application, text);
        assert_eq!(
            summary(&[text], &found),
            [
                "invalid-name: landfall.dev/managed",
                "invalid-name: ops.landfall.dev/x",
                "invalid-name: Bad_Prefix/x",
                "invalid-name: \"-x\"",
                "invalid-name: example.com/a/b",
            ]
        );
        assert!(
            found[0].message.contains("reserved"),
            "{}",
            found[0].message
        );
        assert!(
            found[2]
                .message
                .contains("in the prefix `Bad_Prefix`: uppercase `B` at position 1"),
            "{}",
            found[2].message
        );
        assert!(
            found[3].message.contains("it starts with `-`"),
            "{}",
            found[3].message
        );
        assert!(
            found[4].message.contains("a second `/` at position 14"),
            "{}",
            found[4].message
        );
        let labels: Vec<(&str, &str)> = loaded
            .meta()
            .labels
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(labels.len(), 8);
        assert_eq!(labels[0], ("team", "a"));
        assert_eq!(labels[7], ("7", "h"));
    }

    #[test]
    fn container_names() {
        let text = r#"spec:
  containers:
    - {name: api, image: a}
    - {name: landfall-proxy, image: b}
    - {name: Web, image: c}
    - {name: api, image: d}
"#;
        let (loaded, found) = build_text(Kind::Workload, text);
        assert_eq!(
            summary(&[text], &found),
            [
                "invalid-name: landfall-proxy",
                "invalid-name: Web",
                "duplicate-name: api"
            ]
        );
        assert!(found[0].message.contains("reserved"));
        assert_eq!(
            found[0].help.as_deref(),
            Some("rename it, for example to `proxy`")
        );
        assert!(found[1].message.contains("valid container name"));
        assert_eq!(spanned(&[text], &found[2]), "api");
        // The later container is the finding, the earlier the label.
        assert_eq!(found[2].span.start as usize, text.rfind("api").unwrap());
        assert_eq!(
            found[2].labels[0].span.start as usize,
            text.find("api").unwrap()
        );
        let Document::Workload(w) = loaded.doc else {
            panic!()
        };
        assert_eq!(w.containers.len(), 4);
    }

    #[test]
    fn duplicate_ports_and_mount_paths() {
        let text = r#"spec:
  containers:
    - name: api
      image: a
      ports: [{port: 8080}, {port: 9000}, {port: 8080, protocol: grpc}]
      volumes: [{uri: scratch://a, path: /cache}, {uri: scratch://b, path: /cache}]
    - name: side
      image: b
      ports: [{port: 9000}]
      volumes: [{uri: scratch://c, path: /cache}]
"#;
        let (_, found) = build_text(Kind::Workload, text);
        let messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "duplicate port 8080",
                "duplicate mount path `/cache`",
                "port 9000 is already exposed by container `api`",
            ]
        );
        assert!(found.iter().all(|d| d.rule == "duplicate-name"));
        assert!(found.iter().all(|d| d.labels[0].span.start < d.span.start));
    }

    #[test]
    fn builds_every_field_of_a_workload() {
        let text = r#"apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: api, application: shop}
spec:
  type: serverless
  containers:
    - name: api
      image: img
      command: [/bin/api]
      args: [--port, "8080"]
      workingDir: /app
      user: "1000:1000"
      ports: [{port: 8080, protocol: http2}, {port: 9000}]
      resources: {cpu: 0.5, memory: 129e6}
      env: {A: x}
      probes:
        readiness: {http: {path: /health, port: 8080}, period: 10s, failureThreshold: 3}
        liveness: {tcp: {port: 8080}}
        startup: {exec: {command: [/bin/check]}}
      volumes: [{uri: scratch://cache, path: /cache}]
      lifecycle: {preStop: {exec: [/bin/drain]}}
  scaling: {metric: latency, target: 2.5, minScale: 0, maxScale: 10, percentile: p99, scaleToZeroDelay: 5m, maxConcurrency: 100}
  capacityAI: true
  timeout: 60s
  expose: {visibility: internal, inbound: [10.0.0.0/8]}
  rollout: {minReadySeconds: 3, maxUnavailable: 1, maxSurge: 25%}
  security: {runAsNonRoot: true, fsGroup: 1000}
  job: {schedule: "5 4 * * 0", concurrencyPolicy: Replace, restartPolicy: OnFailure, historyLimit: 2, activeDeadlineSeconds: 60, suspend: false}
"#;
        let (loaded, found) = build_text(Kind::Workload, text);
        assert!(found.is_empty());
        let Document::Workload(w) = &loaded.doc else {
            panic!()
        };
        assert_eq!(
            spanned(
                &[text],
                &Diagnostic::new(&INVALID_NAME, w.meta.kind_span, "")
            ),
            "kind: Workload"
        );
        assert_eq!(
            &text[w.spec_span.start as usize..w.spec_span.end as usize],
            "spec"
        );
        assert_eq!(w.workload_type(), Some(WorkloadType::Serverless));
        let c = &w.containers[0];
        assert_eq!(c.name(), Some("api"));
        assert_eq!(c.command.as_ref().unwrap()[0].value, "/bin/api");
        assert_eq!(c.args.as_ref().unwrap()[1].value, "8080");
        assert_eq!(c.ports[0].protocol(), Protocol::Http2);
        assert_eq!(c.ports[1].protocol(), Protocol::Http);
        let cpu = &c.resources.cpu.as_ref().unwrap().value;
        assert_eq!((cpu.text.as_str(), cpu.is_number), ("0.5", true));
        assert_eq!(c.resources.memory.as_ref().unwrap().value.text, "129000000");
        assert!(matches!(
            c.probes.readiness.as_ref().unwrap().action,
            Some(ProbeAction::Http { .. })
        ));
        assert_eq!(
            c.probes
                .liveness
                .as_ref()
                .unwrap()
                .action
                .as_ref()
                .unwrap()
                .port()
                .unwrap()
                .value,
            8080
        );
        assert_eq!(
            c.probes.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            ["readiness", "liveness", "startup"]
        );
        assert_eq!(
            c.lifecycle
                .as_ref()
                .unwrap()
                .pre_stop
                .as_ref()
                .unwrap()
                .exec[0]
                .value,
            "/bin/drain"
        );
        assert!(c.lifecycle.as_ref().unwrap().post_start.is_none());
        let s = w.scaling.as_ref().unwrap();
        assert_eq!(s.metric.as_ref().unwrap().value, Metric::Latency);
        assert_eq!(s.target.as_ref().unwrap().value, 2.5);
        assert_eq!(s.percentile.as_ref().unwrap().value, Percentile::P99);
        let r = w.rollout.as_ref().unwrap();
        assert_eq!(
            r.max_surge.as_ref().unwrap().value,
            IntOrPercent::Percent(25)
        );
        assert_eq!(
            r.max_unavailable.as_ref().unwrap().value,
            IntOrPercent::Count(1)
        );
        let job = w.job.as_ref().unwrap();
        assert_eq!(
            job.concurrency_policy.as_ref().unwrap().value,
            ConcurrencyPolicy::Replace
        );
        assert_eq!(
            job.restart_policy.as_ref().unwrap().value,
            RestartPolicy::OnFailure
        );
        assert_eq!(w.expose.as_ref().unwrap().inbound[0].value, "10.0.0.0/8");
    }

    #[test]
    fn builds_the_other_kinds() {
        let files = [r#"apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec:
  version: "2.4.2"
  variables:
    LOG_LEVEL: {value: info}
    DB_PASSWORD: {secret: shop-db/password}
    BROKEN: info
  configs:
    app-config: {files: {app.conf: "x"}}
  onVariableChange: upgrade
  upgradeFrom:
    - {versionRegexp: '2\.4\..*', strategy: rolling, maxParallel: 1, healthyTime: 1m}
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: web}
spec:
  target: kubernetes
  workloadTypes: [standard, bogus]
  allowOverlap: false
  capabilities: {customDomains: true}
  parameters: {type: object}
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: production, application: shop}
spec:
  type: web
  dimensions: {environment: production}
  parameters: {visibility: public}
  workloads: [api]
---
apiVersion: landfall.dev/v1
kind: Platform
metadata: {name: acme}
spec:
  dimensions:
    - name: environment
      values: [{name: production}, {name: test, status: inactive}]
  blockedPorts: []
  resources: {cpu: {min: 0m, max: 8000m}, memory: {max: 8Gi}, maxMemoryPerCpu: 8}
  maxVolumes: 3
  rules: {plaintext-secret: error}
  policies: [team.policy]
"#];
        let (project, _) = check(&files);
        let app = project.application("shop").unwrap();
        assert_eq!(app.version.as_ref().unwrap().value, "2.4.2");
        assert_eq!(app.variables.len(), 3);
        assert!(matches!(
            app.variables[1].source,
            Some(VariableSource::Secret(_))
        ));
        assert!(app.variable("BROKEN").unwrap().source.is_none());
        assert_eq!(
            app.config("app-config").unwrap().files[0].0.value,
            "app.conf"
        );
        assert_eq!(
            app.on_variable_change.as_ref().unwrap().value,
            OnVariableChange::Upgrade
        );
        assert_eq!(
            app.upgrade_from[0].strategy.as_ref().unwrap().value,
            Strategy::Rolling
        );
        assert_eq!(
            app.upgrade_from[0]
                .healthy_time
                .as_ref()
                .unwrap()
                .value
                .text,
            "1m"
        );

        let st = project.scope_type("web").unwrap();
        assert_eq!(st.target.as_ref().unwrap().value, Target::Kubernetes);
        assert_eq!(st.workload_types.len(), 1);
        assert!(st.accepts(WorkloadType::Standard) && !st.accepts(WorkloadType::Cron));
        assert!(!st.allows_overlap());
        assert_eq!(st.capabilities[0].1.as_bool(), Some(true));
        assert!(st.parameters.as_ref().unwrap().get("type").is_some());

        let scope = project.scopes().next().unwrap();
        assert_eq!(scope.scope_type.as_ref().unwrap().value, "web");
        assert_eq!(scope.dimensions[0].1.value, "production");
        assert!(scope.parameters.is_some());

        let platform = project.platforms().next().unwrap();
        assert_eq!(platform.dimensions[0].values.len(), 2);
        assert!(!platform.dimensions[0].values[1].is_active());
        assert_eq!(platform.blocked_ports.as_deref(), Some(&[][..]));
        assert!(platform.reserved_env.is_none());
        assert_eq!(
            platform.resources.cpu_max.as_ref().unwrap().value.text,
            "8000m"
        );
        assert!(platform.resources.memory_min.is_none());
        assert_eq!(
            platform
                .resources
                .max_memory_per_cpu
                .as_ref()
                .unwrap()
                .value,
            8.0
        );
        assert_eq!(platform.max_volumes.as_ref().unwrap().value, 3);
        assert_eq!(platform.rules[0].0.value, "plaintext-secret");
        assert_eq!(platform.policies[0].value, "team.policy");
    }

    #[test]
    fn any_shape_builds_without_panicking() {
        let shapes = [
            "",
            "x",
            "[1, 2]",
            "metadata: 3\nspec: [a]",
            "metadata: {name: [x], labels: [a], annotations: 5}\nspec: {containers: {a: b}, scaling: 3, job: [], expose: {inbound: 5}}",
            "spec: {containers: [3, {name: 4, ports: [{port: x}, 5], probes: {readiness: {http: 3}}, env: [a], volumes: [5, {path: 3}], lifecycle: {postStart: 3}}]}",
            "spec: {variables: [a], configs: {a: 3}, upgradeFrom: [3, {}], dimensions: [3, {name: 3}, {name: a, values: [3, {name: b, status: x}]}], resources: 3, workloads: {a: 1}, parameters: 3, workloadTypes: 5, capabilities: [1]}",
            "{[a]: b, spec: {? [x] : y, env: {? {a: b} : c}}}",
        ];
        for text in shapes {
            let parsed = landfall_yaml::parse(FileId(0), text, &Default::default());
            for document in &parsed.documents {
                for kind in Kind::ALL {
                    let _ = build(FileId(0), text, 0, kind, &document.root, false);
                }
            }
        }
        // A root without a `kind` still has a location.
        let (loaded, _) = build_text(Kind::Scope, "metadata: {name: a}\n");
        assert_eq!(loaded.meta().kind_span, Span::new(FileId(0), 0, 0));
    }
}
