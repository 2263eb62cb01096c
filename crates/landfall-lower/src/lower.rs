//! Lowering: a checked, resolved [`Project`] and one of its Scopes become a
//! [`Plan`].
//!
//! Lowering runs only on a tree whose check found no error in the files
//! the plan reads (see [`crate::plan_diagnostics`]), so every field it
//! needs is normally there and valid. When a Platform switched off the rule
//! that would have reported a missing or unreadable field, lowering reports
//! it itself (`plan/incomplete`) instead of guessing; it never panics.
//! The other findings are problems only lowering can see: secrets where a
//! plan would hold their value, host port clashes, a volume name used with
//! two schemes.

use std::collections::{BTreeMap, HashMap, HashSet};

use landfall_diagnostics::{Diagnostic, Span};
use landfall_model as model;
use landfall_model::effective_parameters;
use landfall_model::quantity::{Rounding, WholeError, parse_duration, parse_quantity};
use landfall_model::{Project, Scalar, Spanned};
use rayon::prelude::*;

use crate::rules::{HOST_PORT, INCOMPLETE, SECRET_IN_TEXT, UNUSED_PARAMETER, VOLUME_KIND};
use crate::substitute::{Variables, substitute, whole_secret};
use landfall_plan::*;

/// The ScopeType parameter that fixes host ports: host port = offset +
/// container port.
pub const HOST_PORT_OFFSET: &str = "hostPortOffset";

/// What lowering made: the plan, unless a finding is an error.
#[derive(Debug)]
pub struct Lowered {
    /// `None` exactly when `diagnostics` holds an error.
    pub plan: Option<Plan>,
    /// Lowering's findings (after check's, from [`lower_after_check`]),
    /// in the order met: the caller sorts.
    pub diagnostics: Vec<Diagnostic>,
}

/// `landfall plan`'s order: `check_findings` (check's findings about what
/// the plan reads, see [`crate::plan_diagnostics`]) first; lowering runs
/// only when none of them is an error, and its findings follow them.
pub fn lower_after_check(
    project: &Project,
    scope: &model::Scope,
    check_findings: Vec<Diagnostic>,
) -> Lowered {
    let mut diagnostics = check_findings;
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Lowered {
            plan: None,
            diagnostics,
        };
    }
    let lowered = lower(project, scope);
    diagnostics.extend(lowered.diagnostics);
    Lowered {
        plan: lowered.plan,
        diagnostics,
    }
}

/// Lowers `scope` (a Scope of `project`) into a plan.
pub fn lower(project: &Project, scope: &model::Scope) -> Lowered {
    let application = project.application_of(&scope.meta);
    let variables = Variables::new(application);
    let mut lowering = Lowering {
        project,
        scope,
        application,
        variables: &variables,
        diagnostics: Vec::new(),
        volumes: BTreeMap::new(),
        configs: BTreeMap::new(),
        config_mounts: Vec::new(),
        secrets: BTreeMap::new(),
    };
    let plan = lowering.plan();
    let failed = lowering.diagnostics.iter().any(Diagnostic::is_error);
    Lowered {
        plan: if failed { None } else { plan },
        diagnostics: lowering.diagnostics,
    }
}

struct Lowering<'p> {
    project: &'p Project,
    scope: &'p model::Scope,
    application: Option<&'p model::Application>,
    variables: &'p Variables<'p>,
    diagnostics: Vec<Diagnostic>,
    /// Volume name → kind and the first mount that declared it.
    volumes: BTreeMap<String, (VolumeKind, Span)>,
    /// Config name → its declaration (files substituted).
    configs: BTreeMap<String, ConfigDecl>,
    /// The configs a workload mounts, in order, with the mount's URI:
    /// declared in `configs` when the workload is taken in.
    config_mounts: Vec<(String, Span)>,
    /// Secret reference → nothing: a set, sorted.
    secrets: BTreeMap<String, ()>,
}

impl<'p> Lowering<'p> {
    /// A lowering of the same scope with nothing declared yet: one per
    /// workload, so that workloads lower in parallel.
    fn fork(&self) -> Lowering<'p> {
        Lowering {
            diagnostics: Vec::new(),
            volumes: BTreeMap::new(),
            configs: BTreeMap::new(),
            config_mounts: Vec::new(),
            secrets: BTreeMap::new(),
            ..*self
        }
    }

    /// Takes in what one workload's lowering declared and found, as if it
    /// had been lowered here after the workloads taken in before it: a
    /// volume first declared with another kind by an earlier workload is
    /// a clash, and a config is declared (and judged) the first time it is
    /// mounted. `false`: the workload is not planned.
    fn absorb(&mut self, part: Lowering<'p>) -> bool {
        self.diagnostics.extend(part.diagnostics);
        let mut planned = true;
        for (name, (kind, span)) in part.volumes {
            match self.volumes.get(&name) {
                Some(&(declared, first)) if declared != kind => {
                    self.diagnostics
                        .push(volume_kind_clash(&name, kind, span, declared, first));
                    planned = false;
                }
                Some(_) => {}
                None => {
                    self.volumes.insert(name, (kind, span));
                }
            }
        }
        for (name, span) in part.config_mounts {
            if self.configs.contains_key(&name) {
                continue;
            }
            match self.config(&name, span) {
                Some(config) => {
                    self.configs.insert(name, config);
                }
                None => planned = false,
            }
        }
        self.secrets.extend(part.secrets);
        planned
    }

    fn incomplete(&mut self, span: Span, message: impl Into<String>) {
        self.diagnostics.push(
            Diagnostic::new(&INCOMPLETE, span, message)
                .with_help("`landfall check` reports this unless a Platform switched its rule off; the plan cannot be made without it"),
        );
    }

    fn plan(&mut self) -> Option<Plan> {
        let scope = self.scope;
        let application = self.application;
        let app_name = scope.meta.application().unwrap_or_default().to_string();
        let version = match application.and_then(|a| a.version.as_ref()) {
            Some(v) => v.value.clone(),
            None => {
                let span = application.map_or(scope.meta.kind_span, |a| a.meta.kind_span);
                self.incomplete(
                    span,
                    format!("application `{app_name}` has no readable version"),
                );
                String::new()
            }
        };
        let scope_type = self.project.scope_type_of(scope);
        let (type_name, target, parameters) = match scope_type {
            Some(t) => {
                let target = match &t.target {
                    Some(target) => Some(lower_target(target.value)),
                    None => {
                        self.incomplete(t.spec_span, "the ScopeType has no readable `target`");
                        None
                    }
                };
                (
                    t.meta.name().unwrap_or_default().to_string(),
                    target,
                    effective_parameters(scope, t),
                )
            }
            None => {
                let span = scope
                    .scope_type
                    .as_ref()
                    .map_or(scope.spec_span, |t| t.span);
                self.incomplete(span, "the Scope's type names no ScopeType");
                (
                    String::new(),
                    None,
                    serde_json::Value::Object(Default::default()),
                )
            }
        };
        if let (Some(t), Some(target)) = (scope_type, target) {
            self.unused_parameters(t, target);
        }
        let dimensions = first_of_each(&scope.dimensions);

        // The workloads the Scope places, each once, in the Scope's order.
        let mut placed: Vec<&'p model::Workload> = Vec::new();
        let mut seen = HashSet::new();
        for entry in &scope.workloads {
            if !seen.insert(entry.value.as_str()) {
                continue;
            }
            match self.project.workload(&app_name, &entry.value) {
                Some(w) => placed.push(w),
                None => self.incomplete(
                    entry.span,
                    format!("no Workload `{}` in application `{app_name}`", entry.value),
                ),
            }
        }

        let host_ports = HostPorts::new(&parameters);
        // Each workload is lowered on its own, then taken in in the
        // Scope's order, which decides which mount declares a volume.
        let parts: Vec<(Option<Workload>, Lowering<'p>)> = placed
            .par_iter()
            .map(|w| {
                let mut part = self.fork();
                (part.workload(w), part)
            })
            .collect();
        let mut workloads = Vec::with_capacity(parts.len());
        for (workload, part) in parts {
            if self.absorb(part)
                && let Some(workload) = workload
            {
                workloads.push(workload);
            }
        }
        workloads.sort_by(|a, b| a.name.cmp(&b.name));
        self.assign_host_ports(&mut workloads, &placed, &host_ports);
        let configs = &self.configs;
        workloads
            .par_iter_mut()
            .for_each(|w| w.spec_hash = spec_hash(w, &version, configs));

        let upgrade_from = self.upgrade_rules();
        let network = NetworkDecl {
            name: scope.meta.name().unwrap_or_default().to_string(),
        };
        let volumes: Vec<VolumeDecl> = self
            .volumes
            .iter()
            .map(|(name, (kind, _))| VolumeDecl {
                name: name.clone(),
                kind: *kind,
            })
            .collect();
        let configs: Vec<ConfigDecl> = self.configs.values().cloned().collect();
        let secrets: Vec<SecretDecl> = self
            .secrets
            .keys()
            .map(|reference| SecretDecl {
                reference: reference.clone(),
            })
            .collect();

        let mut actions = vec![Action {
            op: ActionOp::CreateNetwork,
            name: network.name.clone(),
        }];
        let declared = volumes
            .iter()
            .map(|v| (ActionOp::CreateVolume, &v.name))
            .chain(configs.iter().map(|c| (ActionOp::CreateConfig, &c.name)))
            .chain(
                secrets
                    .iter()
                    .map(|s| (ActionOp::CreateSecret, &s.reference)),
            );
        actions.extend(declared.map(|(op, name)| Action {
            op,
            name: name.clone(),
        }));
        // Workloads start in the order the Scope lists them: the author's
        // order is the only order the spec gives.
        for w in &placed {
            // `workloads` is sorted by name.
            let Some(lowered) = w.meta.name().and_then(|name| {
                workloads
                    .binary_search_by(|l| l.name.as_str().cmp(name))
                    .ok()
                    .map(|i| &workloads[i])
            }) else {
                continue;
            };
            actions.push(Action {
                op: match lowered.workload_type {
                    WorkloadType::Cron => ActionOp::ScheduleJob,
                    _ => ActionOp::StartWorkload,
                },
                name: lowered.name.clone(),
            });
        }

        Some(Plan {
            plan_version: PLAN_VERSION,
            application: ApplicationInfo {
                name: app_name,
                version,
            },
            scope: ScopeInfo {
                name: scope.meta.name().unwrap_or_default().to_string(),
                scope_type: type_name,
                target: target?,
                dimensions,
                parameters,
            },
            networks: vec![network],
            volumes,
            configs,
            secrets,
            workloads,
            upgrade_from,
            actions,
            observed: None,
        })
    }

    /// `plan/unused-parameter`: each parameter the ScopeType defines that
    /// nothing reads for its target, at the parameter's name.
    fn unused_parameters(&mut self, scope_type: &model::ScopeType, target: Target) {
        let Some(properties) = scope_type
            .parameters
            .as_ref()
            .and_then(|p| p.get("properties"))
            .and_then(|p| p.as_map())
        else {
            return;
        };
        for entry in properties {
            let name = entry.key.key_text();
            if target.parameters().contains(&name.as_ref()) {
                continue;
            }
            self.diagnostics.push(
                Diagnostic::new(
                    &UNUSED_PARAMETER,
                    Span::new(
                        scope_type.spec_span.file,
                        entry.key.start,
                        entry.key.end.max(entry.key.start),
                    ),
                    format!(
                        "parameter `{name}` is read by nothing that plans or runs a `{target}` scope: setting it changes nothing"
                    ),
                )
                .with_span_label("not read")
                .with_help(format!(
                    "a `{target}` scope reads {}",
                    target
                        .parameters()
                        .iter()
                        .map(|p| format!("`{p}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
        }
    }

    fn upgrade_rules(&mut self) -> Vec<UpgradeRule> {
        let Some(application) = self.application else {
            return Vec::new();
        };
        let mut rules = Vec::new();
        for rule in &application.upgrade_from {
            let (Some(regexp), Some(strategy)) = (&rule.version_regexp, &rule.strategy) else {
                self.incomplete(
                    rule.span,
                    "an `upgradeFrom` entry needs a readable `versionRegexp` and `strategy`",
                );
                continue;
            };
            let max_parallel = match &rule.max_parallel {
                Some(n) => self.count(n, "maxParallel").unwrap_or(1),
                None => 1,
            };
            let healthy_time_ms = rule
                .healthy_time
                .as_ref()
                .and_then(|d| self.duration(d))
                .unwrap_or(0);
            rules.push(UpgradeRule {
                version_regexp: regexp.value.clone(),
                strategy: match strategy.value {
                    model::Strategy::Rolling => Strategy::Rolling,
                    model::Strategy::Recreate => Strategy::Recreate,
                },
                max_parallel,
                healthy_time_ms,
            });
        }
        rules
    }

    fn workload(&mut self, w: &'p model::Workload) -> Option<Workload> {
        let name = w.meta.name()?.to_string();
        let Some(workload_type) = w.workload_type() else {
            self.incomplete(
                w.spec_span,
                format!("workload `{name}` has no readable `type`"),
            );
            return None;
        };
        let workload_type = match workload_type {
            model::WorkloadType::Serverless => WorkloadType::Serverless,
            model::WorkloadType::Standard => WorkloadType::Standard,
            model::WorkloadType::Cron => WorkloadType::Cron,
        };
        if w.containers.is_empty() {
            self.incomplete(w.spec_span, format!("workload `{name}` has no container"));
            return None;
        }
        let containers: Vec<Container> = w
            .containers
            .iter()
            .filter_map(|c| self.container(w, c))
            .collect();
        if containers.len() != w.containers.len() {
            return None;
        }
        let scaling = match &w.scaling {
            Some(s) => Some(self.scaling(s, workload_type)?),
            None => None,
        };
        let replicas = match (workload_type, &scaling) {
            (WorkloadType::Cron, _) | (_, None) => 1,
            // No target here scales to zero without traffic.
            (_, Some(s)) => s.min_scale.max(1),
        };
        let timeout_ms = match &w.timeout {
            Some(t) => Some(self.duration(t)?),
            None => None,
        };
        let expose = match &w.expose {
            Some(e) => Expose {
                visibility: e
                    .visibility
                    .as_ref()
                    .map_or(Visibility::Internal, |v| match v.value {
                        model::Visibility::Public => Visibility::Public,
                        model::Visibility::Internal => Visibility::Internal,
                        model::Visibility::Private => Visibility::Private,
                    }),
                inbound: e.inbound.iter().map(|c| c.value.clone()).collect(),
                outbound: e.outbound.iter().map(|c| c.value.clone()).collect(),
            },
            None => Expose {
                visibility: Visibility::Internal,
                inbound: Vec::new(),
                outbound: Vec::new(),
            },
        };
        let rollout = match &w.rollout {
            Some(r) => Rollout {
                min_ready_seconds: match &r.min_ready_seconds {
                    Some(n) => self.count(n, "minReadySeconds")?,
                    None => 0,
                },
                max_unavailable: match &r.max_unavailable {
                    Some(v) => self.int_or_percent(v)?,
                    None => IntOrPercent::Count(1),
                },
                max_surge: match &r.max_surge {
                    Some(v) => self.int_or_percent(v)?,
                    None => IntOrPercent::Percent("100%".to_string()),
                },
            },
            None => Rollout {
                min_ready_seconds: 0,
                max_unavailable: IntOrPercent::Count(1),
                max_surge: IntOrPercent::Percent("100%".to_string()),
            },
        };
        let security = match &w.security {
            Some(s) => Security {
                run_as_non_root: s.run_as_non_root.as_ref().is_none_or(|v| v.value),
                read_only_root_filesystem: s
                    .read_only_root_filesystem
                    .as_ref()
                    .is_some_and(|v| v.value),
                fs_group: s.fs_group.as_ref().map(|g| g.value),
            },
            None => Security {
                run_as_non_root: true,
                read_only_root_filesystem: false,
                fs_group: None,
            },
        };
        let job = match (workload_type, &w.job) {
            (WorkloadType::Cron, Some(job)) => Some(self.job(job)?),
            (WorkloadType::Cron, None) => {
                self.incomplete(w.spec_span, format!("cron workload `{name}` has no `job`"));
                return None;
            }
            // `job-spec` reports a job on another type; it is not planned.
            (_, _) => None,
        };
        Some(Workload {
            name,
            workload_type,
            replicas,
            scaling,
            timeout_ms,
            containers,
            expose,
            rollout,
            security,
            job,
            // Filled in once host ports are known.
            spec_hash: String::new(),
        })
    }

    fn scaling(&mut self, s: &model::Scaling, workload_type: WorkloadType) -> Option<Scaling> {
        let metric = match s.metric.as_ref().map(|m| m.value) {
            Some(model::Metric::Concurrency) => Metric::Concurrency,
            Some(model::Metric::Rps) => Metric::Rps,
            Some(model::Metric::Cpu) => Metric::Cpu,
            Some(model::Metric::Latency) => Metric::Latency,
            // Serverless scales on requests in flight (Knative's default);
            // anything else on CPU (the Kubernetes autoscaler's).
            None if workload_type == WorkloadType::Serverless => Metric::Concurrency,
            None => Metric::Cpu,
        };
        Some(Scaling {
            metric,
            target: s.target.as_ref().map(|t| t.value),
            min_scale: match &s.min_scale {
                Some(n) => self.count(n, "minScale")?,
                None => 1,
            },
            max_scale: match &s.max_scale {
                Some(n) => self.count(n, "maxScale")?,
                None => 1,
            },
            percentile: s.percentile.as_ref().map(|p| p.value.as_str().to_string()),
            scale_to_zero_delay_ms: match &s.scale_to_zero_delay {
                Some(d) => Some(self.duration(d)?),
                None => None,
            },
            max_concurrency: match &s.max_concurrency {
                Some(n) => Some(self.count(n, "maxConcurrency")?),
                None => None,
            },
        })
    }

    fn job(&mut self, job: &model::Job) -> Option<Job> {
        let Some(schedule) = &job.schedule else {
            self.incomplete(job.span, "the job has no readable `schedule`");
            return None;
        };
        Some(Job {
            schedule: schedule.value.clone(),
            concurrency_policy: match job.concurrency_policy.as_ref().map(|p| p.value) {
                Some(model::ConcurrencyPolicy::Replace) => ConcurrencyPolicy::Replace,
                Some(model::ConcurrencyPolicy::Forbid) | None => ConcurrencyPolicy::Forbid,
            },
            restart_policy: match job.restart_policy.as_ref().map(|p| p.value) {
                Some(model::RestartPolicy::OnFailure) => RestartPolicy::OnFailure,
                Some(model::RestartPolicy::Never) | None => RestartPolicy::Never,
            },
            history_limit: match &job.history_limit {
                Some(n) => self.count(n, "historyLimit")?,
                None => 5,
            },
            active_deadline_seconds: match &job.active_deadline_seconds {
                Some(n) => Some(self.count::<u64>(n, "activeDeadlineSeconds")?),
                None => None,
            },
            suspend: job.suspend.as_ref().is_some_and(|s| s.value),
        })
    }

    fn container(&mut self, w: &model::Workload, c: &model::Container) -> Option<Container> {
        let Some(name) = c.name() else {
            self.incomplete(c.span, "a container needs a readable `name`");
            return None;
        };
        let Some(image) = &c.image else {
            self.incomplete(
                c.span,
                format!("container `{name}` has no readable `image`"),
            );
            return None;
        };
        let command = c.command.as_ref().map(|argv| self.argv(w, argv));
        let args = c.args.as_ref().map(|argv| self.argv(w, argv));
        let mut ports = Vec::new();
        for p in &c.ports {
            ports.push(Port {
                port: self.port(&p.port)?,
                protocol: match p.protocol() {
                    model::Protocol::Http => Protocol::Http,
                    model::Protocol::Http2 => Protocol::Http2,
                    model::Protocol::Grpc => Protocol::Grpc,
                    model::Protocol::Tcp => Protocol::Tcp,
                },
                host_port: None,
            });
        }
        let resources = Resources {
            cpu_millis: match &c.resources.cpu {
                Some(cpu) => self.quantity(cpu, 3, "millicores")?,
                None => 50,
            },
            memory_bytes: match &c.resources.memory {
                Some(memory) => self.quantity(memory, 0, "bytes")?,
                None => 128 * 1024 * 1024,
            },
        };
        // `duplicate-key` reports a second entry; the first holds (a
        // stable sort keeps it first among its equals).
        let mut entries: Vec<_> = c.env.iter().collect();
        entries.sort_by(|(a, _), (b, _)| a.value.cmp(&b.value));
        entries.dedup_by(|(a, _), (b, _)| a.value == b.value);
        let env: Vec<EnvVar> = entries
            .into_iter()
            .map(|(key, value)| EnvVar {
                source: self.env_value(w, key, value),
                name: key.value.clone(),
            })
            .collect();
        let probes = Probes {
            readiness: self.probe(c.probes.readiness.as_deref())?,
            liveness: self.probe(c.probes.liveness.as_deref())?,
            startup: self.probe(c.probes.startup.as_deref())?,
        };
        let mut mounts = Vec::new();
        for v in &c.volumes {
            mounts.push(self.mount(v)?);
        }
        let lifecycle = c.lifecycle.as_ref().map(|l| Lifecycle {
            post_start: l.post_start.as_ref().map(|h| strings(&h.exec)),
            pre_stop: l.pre_stop.as_ref().map(|h| strings(&h.exec)),
        });
        Some(Container {
            name: name.to_string(),
            image: image.value.clone(),
            command,
            args,
            working_dir: c.working_dir.as_ref().map(|d| d.value.clone()),
            user: c.user.as_ref().map(|u| u.value.clone()),
            ports,
            resources,
            env,
            probes,
            mounts,
            lifecycle,
        })
    }

    /// An env value: a secret reference when it is exactly one secret
    /// variable, else the text with plain variables substituted.
    fn env_value(
        &mut self,
        w: &model::Workload,
        key: &Spanned<String>,
        value: &Spanned<String>,
    ) -> EnvSource {
        if let Some(reference) = whole_secret(&value.value, self.variables) {
            self.secrets.insert(reference.to_string(), ());
            return EnvSource::Secret(reference.to_string());
        }
        let substituted = substitute(&value.value, self.variables);
        for name in substituted.secrets {
            let span = use_span(w, name, value.span);
            let message = format!(
                "secret variable `{name}` inside the value of `{}`: a plan holds a secret only as a whole env value",
                key.value
            );
            self.secret_finding(span, name, message, "give the secret an env variable of its own (`NAME: ${…}`) and build the longer value in the program");
        }
        EnvSource::Value(substituted.text)
    }

    /// `command` or `args` with plain variables substituted.
    fn argv(&mut self, w: &model::Workload, argv: &[Spanned<String>]) -> Vec<String> {
        argv.iter()
            .map(|arg| {
                let substituted = substitute(&arg.value, self.variables);
                for name in substituted.secrets {
                    let span = use_span(w, name, arg.span);
                    self.secret_finding(
                        span,
                        name,
                        format!("secret variable `{name}` in a command line: a plan never holds a secret's value"),
                        "pass the secret in env (`NAME: ${…}`) and read it there; a shell can expand it: [sh, -c, 'exec app --password \"$NAME\"']",
                    );
                }
                substituted.text
            })
            .collect()
    }

    fn secret_finding(&mut self, span: Span, name: &str, message: String, help: &str) {
        let mut diagnostic = Diagnostic::new(&SECRET_IN_TEXT, span, message)
            .with_span_label("a secret's value would be written into the plan")
            .with_help(help);
        if let Some(variable) = self.variables.get(name) {
            diagnostic = diagnostic.with_label(variable.span, "bound to a secret here");
        }
        self.diagnostics.push(diagnostic);
    }

    fn probe(&mut self, probe: Option<&model::Probe>) -> Option<Option<Probe>> {
        let Some(probe) = probe else {
            return Some(None);
        };
        let action = match &probe.action {
            Some(model::ProbeAction::Http { path, port, scheme }) => {
                let (Some(path), Some(port)) = (path, port) else {
                    self.incomplete(
                        probe.span,
                        "an http probe needs a readable `path` and `port`",
                    );
                    return None;
                };
                ProbeAction::Http {
                    path: path.value.clone(),
                    port: self.port(port)?,
                    scheme: match scheme.as_ref().map(|s| s.value) {
                        Some(model::HttpScheme::Https) => HttpScheme::Https,
                        Some(model::HttpScheme::Http) | None => HttpScheme::Http,
                    },
                }
            }
            Some(model::ProbeAction::Tcp { port: Some(port) }) => ProbeAction::Tcp {
                port: self.port(port)?,
            },
            Some(model::ProbeAction::Exec { command }) if !command.is_empty() => {
                ProbeAction::Exec {
                    command: strings(command),
                }
            }
            _ => {
                self.incomplete(
                    probe.span,
                    "a probe needs one readable `http`, `tcp` or `exec`",
                );
                return None;
            }
        };
        let duration = |this: &mut Self, d: &Option<Spanned<Scalar>>, default: u64| match d {
            Some(d) => this.duration(d),
            None => Some(default),
        };
        let threshold = |this: &mut Self, n: &Option<Spanned<i64>>, field, default: u32| match n {
            Some(n) => this.count(n, field),
            None => Some(default),
        };
        Some(Some(Probe {
            action,
            initial_delay_ms: duration(self, &probe.initial_delay, 0)?,
            period_ms: duration(self, &probe.period, 10_000)?,
            timeout_ms: duration(self, &probe.timeout, 1_000)?,
            success_threshold: threshold(self, &probe.success_threshold, "successThreshold", 1)?,
            failure_threshold: threshold(self, &probe.failure_threshold, "failureThreshold", 3)?,
        }))
    }

    /// A mount, declaring its volume, config or secret for the scope.
    fn mount(&mut self, v: &model::Volume) -> Option<Mount> {
        let (Some(uri), Some(path)) = (&v.uri, &v.path) else {
            self.incomplete(v.span, "a volume needs a readable `uri` and `path`");
            return None;
        };
        let parsed = uri
            .value
            .split_once("://")
            .filter(|(_, name)| !name.is_empty());
        let source = match parsed.map(|(scheme, _)| scheme) {
            Some("scratch") => MountSource::Scratch,
            Some("volume") => MountSource::Volume,
            Some("config") => MountSource::Config,
            Some("secret") => MountSource::Secret,
            _ => {
                self.incomplete(
                    uri.span,
                    format!(
                        "`{}` is not a scratch://, volume://, config:// or secret:// URI",
                        uri.value
                    ),
                );
                return None;
            }
        };
        let name = parsed.map(|(_, name)| name).unwrap_or_default().to_string();
        match source {
            MountSource::Scratch | MountSource::Volume => {
                let kind = if source == MountSource::Scratch {
                    VolumeKind::Scratch
                } else {
                    VolumeKind::Persistent
                };
                match self.volumes.get(&name) {
                    Some(&(declared, first)) if declared != kind => {
                        self.diagnostics
                            .push(volume_kind_clash(&name, kind, uri.span, declared, first));
                        return None;
                    }
                    Some(_) => {}
                    None => {
                        self.volumes.insert(name.clone(), (kind, uri.span));
                    }
                }
            }
            // Declared when the workload is taken in (`absorb`): once per
            // scope, so that its findings are not repeated per workload.
            MountSource::Config => self.config_mounts.push((name.clone(), uri.span)),
            MountSource::Secret => {
                self.secrets.insert(name.clone(), ());
            }
        }
        Some(Mount {
            source,
            name,
            path: path.value.clone(),
            read_only: matches!(source, MountSource::Config | MountSource::Secret),
        })
    }

    /// `Application.spec.configs[name]`, its files with plain variables
    /// substituted.
    fn config(&mut self, name: &str, uri: Span) -> Option<ConfigDecl> {
        let Some(config) = self.application.and_then(|a| a.config(name)) else {
            self.incomplete(
                uri,
                format!("no config `{name}` in the Application's `configs`"),
            );
            return None;
        };
        let mut files = BTreeMap::new();
        for (file, content) in &config.files {
            if files.contains_key(&file.value) {
                continue;
            }
            let substituted = substitute(&content.value, self.variables);
            for secret in substituted.secrets {
                self.secret_finding(
                    content.span,
                    secret,
                    format!("secret variable `{secret}` in config file `{}`: config files are written into the plan", file.value),
                    "mount the secret as a file instead (`secret://REFERENCE`) and point the config at its path",
                );
            }
            files.insert(file.value.clone(), substituted.text);
        }
        Some(ConfigDecl {
            name: name.to_string(),
            files,
        })
    }

    /// Publishes each container port on offset + port when the scope's
    /// parameters hold an offset, workloads by name, containers and ports
    /// in order; a port past 65535 or taken already is left to the target.
    fn assign_host_ports(
        &mut self,
        workloads: &mut [Workload],
        placed: &[&model::Workload],
        host_ports: &HostPorts,
    ) {
        let Some(offset) = host_ports.offset else {
            return;
        };
        let by_name: HashMap<&str, &model::Workload> = placed
            .iter()
            .filter_map(|w| Some((w.meta.name()?, *w)))
            .collect();
        // Host port → the workload and port span that has it.
        let mut taken: HashMap<u32, (String, Span)> = HashMap::new();
        for w in workloads.iter_mut() {
            let model = by_name.get(w.name.as_str()).copied();
            for (ci, container) in w.containers.iter_mut().enumerate() {
                for (pi, port) in container.ports.iter_mut().enumerate() {
                    let span = model
                        .and_then(|m| m.containers.get(ci))
                        .and_then(|c| c.ports.get(pi))
                        .map_or(self.scope.spec_span, |p| p.port.span);
                    let wanted = offset + u32::from(port.port);
                    let problem = if wanted > u32::from(u16::MAX) {
                        Some(Diagnostic::new(
                            &HOST_PORT,
                            span,
                            format!(
                                "{HOST_PORT_OFFSET} {offset} + port {} is {wanted}, past 65535: the target allocates a host port instead",
                                port.port
                            ),
                        ))
                    } else if let Some((other, other_span)) = taken.get(&wanted) {
                        Some(
                            Diagnostic::new(
                                &HOST_PORT,
                                span,
                                format!("host port {wanted} ({HOST_PORT_OFFSET} {offset} + {}) is taken by workload `{other}`: the target allocates one for `{}` instead", port.port, w.name),
                            )
                            .with_label(*other_span, format!("published on {wanted}")),
                        )
                    } else {
                        None
                    };
                    match problem {
                        Some(diagnostic) => self.diagnostics.push(
                            diagnostic
                                .with_span_label("no fixed host port")
                                .with_help(host_ports.origin.clone()),
                        ),
                        None => {
                            taken.insert(wanted, (w.name.clone(), span));
                            port.host_port = u16::try_from(wanted).ok();
                        }
                    }
                }
            }
        }
    }

    /// A non-negative integer that fits `T`.
    fn count<T: TryFrom<i64>>(&mut self, n: &Spanned<i64>, field: &str) -> Option<T> {
        match T::try_from(n.value) {
            Ok(v) => Some(v),
            Err(_) => {
                self.incomplete(n.span, format!("`{field}` {} is out of range", n.value));
                None
            }
        }
    }

    fn port(&mut self, n: &Spanned<i64>) -> Option<u16> {
        match u16::try_from(n.value) {
            Ok(p) if p > 0 => Some(p),
            _ => {
                self.incomplete(
                    n.span,
                    format!("port {} is not between 1 and 65535", n.value),
                );
                None
            }
        }
    }

    fn int_or_percent(&mut self, v: &Spanned<model::IntOrPercent>) -> Option<IntOrPercent> {
        match v.value {
            model::IntOrPercent::Count(n) => Some(IntOrPercent::Count(
                self.count(&Spanned::new(n, v.span), "count")?,
            )),
            model::IntOrPercent::Percent(p) => Some(IntOrPercent::Percent(format!("{p}%"))),
        }
    }

    /// A duration in whole milliseconds, rounded to the nearest (a half
    /// up): exact up to that one rounding.
    fn duration(&mut self, d: &Spanned<Scalar>) -> Option<u64> {
        let ms = parse_duration(&d.value.text)
            .ok()
            .map(|ms| ms.to_u64(Rounding::Nearest));
        match ms {
            Some(Ok(ms)) => Some(ms),
            Some(Err(WholeError::TooLarge)) => {
                self.incomplete(
                    d.span,
                    format!(
                        "`{}` is too long for a plan: more than {} milliseconds",
                        d.value.text,
                        u64::MAX
                    ),
                );
                None
            }
            _ => {
                self.incomplete(d.span, format!("`{}` is not a duration", d.value.text));
                None
            }
        }
    }

    /// A quantity in whole units of `10^power` of its base unit (3:
    /// millicores of cores; 0: bytes), rounded up: a container gets at
    /// least what it asked. Exact up to that one rounding.
    fn quantity(&mut self, q: &Spanned<Scalar>, power: i32, unit: &str) -> Option<u64> {
        let whole = parse_quantity(&q.value.text)
            .ok()
            .and_then(|quantity| quantity.scaled(power).ok())
            .map(|units| units.to_u64(Rounding::Up));
        match whole {
            Some(Ok(whole)) => Some(whole),
            Some(Err(WholeError::TooLarge)) => {
                self.incomplete(
                    q.span,
                    format!(
                        "`{}` is too large for a plan: more than {} {unit}",
                        q.value.text,
                        u64::MAX
                    ),
                );
                None
            }
            _ => {
                self.incomplete(
                    q.span,
                    format!("`{}` is not a non-negative quantity", q.value.text),
                );
                None
            }
        }
    }
}

/// Where host ports come from: the scope's `hostPortOffset`, when its
/// parameters (defaults filled in) hold a non-negative integer.
struct HostPorts {
    offset: Option<u32>,
    /// For messages: where the offset was set.
    origin: String,
}

impl HostPorts {
    fn new(parameters: &serde_json::Value) -> Self {
        let offset = parameters
            .get(HOST_PORT_OFFSET)
            .and_then(serde_json::Value::as_u64)
            .and_then(|o| u32::try_from(o).ok());
        HostPorts {
            offset,
            origin: format!(
                "host port = {HOST_PORT_OFFSET} ({}) + container port, from the Scope's parameters and its ScopeType's defaults",
                offset.map_or_else(|| "unset".to_string(), |o| o.to_string())
            ),
        }
    }
}

/// The span of the `${name}` inside a value, from the uses the model
/// located while the source was at hand; the value's span otherwise.
fn use_span(w: &model::Workload, name: &str, value: Span) -> Span {
    w.variable_uses
        .iter()
        .find(|u| {
            u.name == name
                && u.span.file == value.file
                && u.span.start >= value.start
                && u.span.end <= value.end
        })
        .map_or(value, |u| u.span)
}

/// The one place the model's target becomes the IR's. A match rather than a
/// lookup by name: a target added to the model and not to the IR fails to
/// compile here. That both spell each target alike (and agree with the
/// registry in landfall-targets and both schemas) is a test there.
fn lower_target(target: model::Target) -> Target {
    match target {
        model::Target::Local => Target::Local,
        model::Target::Compose => Target::Compose,
        model::Target::Kubernetes => Target::Kubernetes,
    }
}

/// `volume-kind`: the volume `name`, mounted as `kind` at `span`, was
/// declared as `declared` at `first`.
fn volume_kind_clash(
    name: &str,
    kind: VolumeKind,
    span: Span,
    declared: VolumeKind,
    first: Span,
) -> Diagnostic {
    Diagnostic::new(
        &VOLUME_KIND,
        span,
        format!(
            "volume `{name}` is mounted as {} here and as {} elsewhere in the scope",
            scheme_of(kind),
            scheme_of(declared)
        ),
    )
    .with_span_label(format!("{} here", scheme_of(kind)))
    .with_label(first, format!("{} here", scheme_of(declared)))
    .with_help("the workloads of a scope share volumes by name: rename one of them")
}

fn scheme_of(kind: VolumeKind) -> &'static str {
    match kind {
        VolumeKind::Scratch => "scratch://",
        VolumeKind::Persistent => "volume://",
    }
}

fn strings(items: &[Spanned<String>]) -> Vec<String> {
    items.iter().map(|s| s.value.clone()).collect()
}

/// A string mapping as a sorted map, the first of a duplicated key holding.
fn first_of_each(pairs: &model::StringPairs) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for (key, value) in pairs {
        map.entry(key.value.clone())
            .or_insert_with(|| value.value.clone());
    }
    map
}

#[cfg(test)]
mod tests;
