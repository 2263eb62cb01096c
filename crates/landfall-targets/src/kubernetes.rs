//! The Kubernetes target: one multi-document `kubernetes.yaml`, in the
//! order `kubectl apply -f` needs: the Namespace, its ResourceQuota and
//! LimitRange, ConfigMaps, PersistentVolumeClaims, then per workload (by
//! name) its Deployment or CronJob, Service, HorizontalPodAutoscaler,
//! NetworkPolicy, PodDisruptionBudget and Ingress.
//!
//! - The scope's parameters, when its ScopeType defines them:
//!   `visibility` (`public` publishes public workloads through an Ingress
//!   of class `ingressClass`), `podDisruptionBudget`, `ramMemory` (the
//!   namespace's memory quota and the largest container, in MiB).
//!
//! - The namespace is the scope's `namespace` parameter when its ScopeType
//!   defines one, else `<application>-<scope>`.
//! - Secrets are referenced, never written: a reference `NAME/KEY` is key
//!   `KEY` of the Secret `NAME` (which the cluster's owner creates in the
//!   namespace); `NAME` alone is its key `value`, read as env or mounted
//!   (a mount is one file, `PATH/<last part of the reference>`).
//! - Pods meet the restricted Pod Security Standard (the namespace enforces
//!   it when every workload runs as non-root).
//! - Only `cpu` scaling becomes a HorizontalPodAutoscaler: the other metrics
//!   need a metrics adapter the cluster may not have, so the Deployment runs
//!   the plan's replicas and carries the scaling as `landfall.dev/scaling-*`
//!   annotations for whatever autoscaler the platform runs.

use landfall_plan::{
    ConcurrencyPolicy, Container, EnvSource, HttpScheme, IntOrPercent, Job, Metric, MountSource,
    Plan, Probe, ProbeAction, Protocol, RestartPolicy, Visibility, Workload, WorkloadType,
};

use crate::names::{
    self, KubeSecret, LABEL_APPLICATION, LABEL_SCOPE, LABEL_SPEC_HASH, LABEL_WORKLOAD,
};
use crate::target::{Observation, Target};
use crate::yaml::{self, Yaml};
use crate::{Artifact, Problems};

/// The manifest file's name in the output directory.
pub const MANIFEST_FILE: &str = "kubernetes.yaml";

/// The size of the claim for a `volume://` volume: the plan has no size.
pub const DEFAULT_VOLUME_SIZE: &str = "1Gi";

/// The HorizontalPodAutoscaler's CPU utilisation target when the plan has none.
pub const DEFAULT_CPU_TARGET: f64 = 80.0;

/// The Kubernetes target in the registry ([`crate::targets`]).
pub struct Kubernetes;

impl Target for Kubernetes {
    fn name(&self) -> &'static str {
        "kubernetes"
    }

    fn emit(&self, plan: &Plan) -> Option<Result<Vec<Artifact>, Problems>> {
        Some(emit(plan))
    }

    fn observation(&self) -> Observation {
        Observation::NotObserved {
            why: "landfall does not observe kubernetes targets",
        }
    }
}

/// The artifacts: the one manifest file.
pub fn emit(plan: &Plan) -> Result<Vec<Artifact>, Problems> {
    let objects = objects(plan)?;
    Ok(vec![Artifact {
        path: MANIFEST_FILE.to_string(),
        contents: yaml::to_multi_document_string(&objects),
    }])
}

/// The objects, in apply order (the round-trip tests compare against them).
pub fn objects(plan: &Plan) -> Result<Vec<Yaml>, Problems> {
    let mut problems = Problems::default();
    let namespace = namespace(plan, &mut problems);
    let scope = Scope {
        plan,
        namespace,
        instance: names::scope_name(plan),
        version: names::label_value(&plan.application.version),
    };

    let settings = ScopeSettings::from_plan(plan, &mut problems);
    let mut objects = vec![scope.namespace_object()];
    if let Some(memory_mib) = settings.ram_memory_mib {
        objects.push(scope.resource_quota(memory_mib));
        objects.push(scope.limit_range(memory_mib));
    }
    for config in &plan.configs {
        objects.push(scope.config_map(config, &mut problems));
    }
    for volume in &plan.volumes {
        if volume.kind == landfall_plan::VolumeKind::Persistent {
            objects.push(scope.claim(&volume.name));
        }
    }
    for workload in &plan.workloads {
        let pod = scope.pod_template(workload, &mut problems);
        let autoscaler = scope.autoscaler(workload);
        match &workload.job {
            Some(job) if workload.workload_type == WorkloadType::Cron => {
                objects.push(scope.cron_job(workload, job, pod));
            }
            _ => objects.push(scope.deployment(workload, pod, autoscaler.is_some())),
        }
        if let Some(service) = scope.service(workload) {
            objects.push(service);
        }
        if let Some(autoscaler) = autoscaler {
            objects.push(autoscaler);
        }
        if let Some(policy) = scope.network_policy(workload) {
            objects.push(policy);
        }
        if settings.disruption_budget
            && let Some(budget) = scope.disruption_budget(workload)
        {
            objects.push(budget);
        }
        if settings.publishes(workload)
            && let Some(ingress) = scope.ingress(workload, settings.ingress_class.as_deref())
        {
            objects.push(ingress);
        }
    }
    problems.into_result(objects)
}

/// The scope's parameters the Kubernetes target reads, when its ScopeType
/// defines them (listed in [`landfall_plan::Target::parameters`]).
struct ScopeSettings {
    /// `visibility`: `public` lets public workloads out through an
    /// Ingress; `internal` keeps every workload inside the cluster.
    public: bool,
    /// `ingressClass`: the Ingress's `ingressClassName`.
    ingress_class: Option<String>,
    /// `podDisruptionBudget`: a PodDisruptionBudget per Deployment.
    disruption_budget: bool,
    /// `ramMemory`: the namespace's memory quota, in MiB.
    ram_memory_mib: Option<u64>,
}

impl ScopeSettings {
    fn from_plan(plan: &Plan, problems: &mut Problems) -> ScopeSettings {
        let parameters = &plan.scope.parameters;
        let public = match names::string_parameter(plan, "visibility") {
            None | Some("public") => true,
            Some("internal" | "private") => false,
            Some(other) => {
                problems.push(format!(
                    "parameter visibility `{other}` is not one of public, internal, private"
                ));
                false
            }
        };
        let ingress_class = match names::string_parameter(plan, "ingressClass") {
            Some(class) if names::is_dns_subdomain(class) => Some(class.to_string()),
            Some(class) => {
                problems.push(format!(
                    "parameter ingressClass `{class}` is not an IngressClass name (a DNS subdomain)"
                ));
                None
            }
            None => None,
        };
        let disruption_budget = parameters
            .get("podDisruptionBudget")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false);
        let ram_memory_mib = match parameters.get("ramMemory") {
            None => None,
            Some(value) => match value.as_u64() {
                Some(mib) if mib > 0 => Some(mib),
                _ => {
                    problems.push(format!(
                        "parameter ramMemory `{value}` is not a positive number of MiB"
                    ));
                    None
                }
            },
        };
        ScopeSettings {
            public,
            ingress_class,
            disruption_budget,
            ram_memory_mib,
        }
    }

    /// Whether the workload is reachable from outside the cluster.
    fn publishes(&self, workload: &Workload) -> bool {
        self.public && workload.expose.visibility == Visibility::Public
    }
}

fn namespace(plan: &Plan, problems: &mut Problems) -> String {
    match names::string_parameter(plan, "namespace") {
        Some(name) if names::is_dns_label(name) => name.to_string(),
        Some(name) => {
            problems.push(format!(
                "parameter namespace `{name}` is not a Kubernetes namespace name (a DNS label)"
            ));
            String::new()
        }
        None => names::scope_name(plan),
    }
}

struct Scope<'a> {
    plan: &'a Plan,
    namespace: String,
    /// `app.kubernetes.io/instance`: `<application>-<scope>`.
    instance: String,
    /// `app.kubernetes.io/version`.
    version: String,
}

impl Scope<'_> {
    fn metadata(&self, name: &str, labels: Yaml) -> Yaml {
        Yaml::map()
            .with("name", name)
            .with("namespace", self.namespace.clone())
            .with("labels", labels)
    }

    /// Labels of everything the scope owns.
    fn scope_labels(&self) -> Yaml {
        Yaml::map()
            .with(
                "app.kubernetes.io/part-of",
                self.plan.application.name.clone(),
            )
            .with("app.kubernetes.io/managed-by", "landfall")
            .with(LABEL_APPLICATION, self.plan.application.name.clone())
            .with(LABEL_SCOPE, self.plan.scope.name.clone())
    }

    /// The labels that pick a workload's pods: stable across versions.
    fn selector(&self, workload: &Workload) -> Yaml {
        Yaml::map()
            .with("app.kubernetes.io/name", workload.name.clone())
            .with("app.kubernetes.io/instance", self.instance.clone())
    }

    /// The recommended `app.kubernetes.io/*` set, then landfall's own.
    fn workload_labels(&self, workload: &Workload) -> Yaml {
        let component = match workload.workload_type {
            WorkloadType::Standard => "standard",
            WorkloadType::Serverless => "serverless",
            WorkloadType::Cron => "cron",
        };
        Yaml::map()
            .with("app.kubernetes.io/name", workload.name.clone())
            .with("app.kubernetes.io/instance", self.instance.clone())
            .with("app.kubernetes.io/version", self.version.clone())
            .with("app.kubernetes.io/component", component)
            .with(
                "app.kubernetes.io/part-of",
                self.plan.application.name.clone(),
            )
            .with("app.kubernetes.io/managed-by", "landfall")
            .with(LABEL_APPLICATION, self.plan.application.name.clone())
            .with(LABEL_SCOPE, self.plan.scope.name.clone())
            .with(LABEL_WORKLOAD, workload.name.clone())
    }

    fn namespace_object(&self) -> Yaml {
        let all_non_root = self
            .plan
            .workloads
            .iter()
            .all(|w| w.security.run_as_non_root);
        let level = if all_non_root {
            "restricted"
        } else {
            "baseline"
        };
        Yaml::map()
            .with("apiVersion", "v1")
            .with("kind", "Namespace")
            .with(
                "metadata",
                Yaml::map().with("name", self.namespace.clone()).with(
                    "labels",
                    self.scope_labels()
                        .with("pod-security.kubernetes.io/enforce", level)
                        .with("pod-security.kubernetes.io/warn", "restricted"),
                ),
            )
    }

    fn config_map(&self, config: &landfall_plan::ConfigDecl, problems: &mut Problems) -> Yaml {
        if !names::is_dns_subdomain(&config.name) {
            problems.push(format!(
                "config `{}` is not a ConfigMap name (a DNS subdomain)",
                config.name
            ));
        }
        let mut data = Yaml::map();
        for (file, contents) in &config.files {
            if !names::is_data_key(file) {
                problems.push(format!(
                    "config {}: `{file}` is not a ConfigMap key (letters, digits, `-`, `_` and `.`)",
                    config.name
                ));
            }
            data.push(file.clone(), contents.clone());
        }
        Yaml::map()
            .with("apiVersion", "v1")
            .with("kind", "ConfigMap")
            .with("metadata", self.metadata(&config.name, self.scope_labels()))
            .with("data", data)
    }

    fn claim(&self, name: &str) -> Yaml {
        Yaml::map()
            .with("apiVersion", "v1")
            .with("kind", "PersistentVolumeClaim")
            .with("metadata", self.metadata(name, self.scope_labels()))
            .with(
                "spec",
                Yaml::map().with("accessModes", vec!["ReadWriteOnce"]).with(
                    "resources",
                    Yaml::map().with("requests", Yaml::map().with("storage", DEFAULT_VOLUME_SIZE)),
                ),
            )
    }

    fn workload_annotations(&self, workload: &Workload) -> Yaml {
        Yaml::map().with(LABEL_SPEC_HASH, workload.spec_hash.clone())
    }

    fn pod_template(&self, workload: &Workload, problems: &mut Problems) -> Yaml {
        let security = &workload.security;
        let mut pod_security = Yaml::map().with("runAsNonRoot", security.run_as_non_root);
        if let Some(group) = security.fs_group {
            pod_security.push("fsGroup", group);
        }
        pod_security.push("seccompProfile", Yaml::map().with("type", "RuntimeDefault"));

        let mut spec = Yaml::map()
            .with("automountServiceAccountToken", false)
            .with("enableServiceLinks", false)
            .with("securityContext", pod_security);
        if let Some(job) = &workload.job {
            let policy = match job.restart_policy {
                RestartPolicy::Never => "Never",
                RestartPolicy::OnFailure => "OnFailure",
            };
            spec.push("restartPolicy", policy);
        }
        let containers: Vec<Yaml> = workload
            .containers
            .iter()
            .map(|c| self.container(workload, c, problems))
            .collect();
        spec.push("containers", Yaml::Seq(containers));
        let volumes = pod_volumes(workload, problems);
        if !volumes.is_empty() {
            spec.push("volumes", Yaml::Seq(volumes));
        }

        Yaml::map()
            .with(
                "metadata",
                Yaml::map()
                    .with("labels", self.workload_labels(workload))
                    .with("annotations", self.workload_annotations(workload)),
            )
            .with("spec", spec)
    }

    fn container(
        &self,
        workload: &Workload,
        container: &Container,
        problems: &mut Problems,
    ) -> Yaml {
        let mut out = Yaml::map()
            .with("name", container.name.clone())
            .with("image", container.image.clone())
            .with("imagePullPolicy", "IfNotPresent");
        if let Some(command) = &container.command {
            out.push("command", command.clone());
        }
        if let Some(args) = &container.args {
            out.push("args", args.clone());
        }
        if let Some(dir) = &container.working_dir {
            out.push("workingDir", dir.clone());
        }
        // Only ports with a host port fixed by the scope are listed: the
        // Service's numeric targetPort and the probes need no
        // `containerPort`, and `podman kube play` (4.3) publishes every
        // listed port on the host, where two workloads (or two replicas)
        // on one port collide. A host port is published on the loopback,
        // or on every interface for a public workload.
        let host_ports: Vec<Yaml> = container
            .ports
            .iter()
            .filter_map(|p| {
                let host = p.host_port?;
                let port = Yaml::map()
                    .with("name", port_name(p.protocol, p.port))
                    .with("containerPort", p.port)
                    .with("protocol", "TCP");
                Some(match workload.expose.visibility {
                    Visibility::Public => port.with("hostPort", host),
                    Visibility::Internal | Visibility::Private => {
                        port.with("hostIP", "127.0.0.1").with("hostPort", host)
                    }
                })
            })
            .collect();
        if !host_ports.is_empty() {
            out.push("ports", Yaml::Seq(host_ports));
        }
        if !container.env.is_empty() {
            let env: Vec<Yaml> = container
                .env
                .iter()
                .map(|var| {
                    let entry = Yaml::map().with("name", var.name.clone());
                    match &var.source {
                        EnvSource::Value(value) => entry.with("value", value.clone()),
                        EnvSource::Secret(reference) => {
                            let secret = secret_or_problem(reference, problems);
                            let key = secret
                                .key
                                .unwrap_or_else(|| names::DEFAULT_SECRET_KEY.to_string());
                            entry.with(
                                "valueFrom",
                                Yaml::map().with(
                                    "secretKeyRef",
                                    Yaml::map().with("name", secret.name).with("key", key),
                                ),
                            )
                        }
                    }
                })
                .collect();
            out.push("env", Yaml::Seq(env));
        }
        let amounts = Yaml::map()
            .with("cpu", format!("{}m", container.resources.cpu_millis))
            .with("memory", memory(container.resources.memory_bytes));
        out.push(
            "resources",
            Yaml::map()
                .with("requests", amounts.clone())
                .with("limits", amounts),
        );
        let probes = &container.probes;
        for (key, probe) in [
            ("readinessProbe", &probes.readiness),
            ("livenessProbe", &probes.liveness),
            ("startupProbe", &probes.startup),
        ] {
            if let Some(probe) = probe {
                out.push(key, probe_object(probe));
            }
        }
        if let Some(lifecycle) = &container.lifecycle {
            let mut hooks = Yaml::map();
            for (key, command) in [
                ("postStart", &lifecycle.post_start),
                ("preStop", &lifecycle.pre_stop),
            ] {
                if let Some(command) = command {
                    hooks.push(
                        key,
                        Yaml::map().with("exec", Yaml::map().with("command", command.clone())),
                    );
                }
            }
            out.push("lifecycle", hooks);
        }
        let mounts = volume_mounts(workload, container);
        if !mounts.is_empty() {
            out.push("volumeMounts", Yaml::Seq(mounts));
        }
        let mut security = Yaml::map()
            .with("allowPrivilegeEscalation", false)
            .with("capabilities", Yaml::map().with("drop", vec!["ALL"]))
            .with("privileged", false)
            .with(
                "readOnlyRootFilesystem",
                workload.security.read_only_root_filesystem,
            )
            .with("runAsNonRoot", workload.security.run_as_non_root);
        // Kubernetes takes numeric ids only: a user name stays the image's
        // business (and runAsNonRoot still holds it to a non-root uid).
        if let Some((uid, gid)) = container.user.as_deref().and_then(numeric_user) {
            security.push("runAsUser", uid);
            if let Some(gid) = gid {
                security.push("runAsGroup", gid);
            }
        }
        out.push("securityContext", security);
        out
    }

    fn deployment(&self, workload: &Workload, pod: Yaml, autoscaled: bool) -> Yaml {
        let mut annotations = self.workload_annotations(workload);
        if let Some(scaling) = &workload.scaling
            && !autoscaled
        {
            scaling_annotations(&mut annotations, scaling);
        }
        if let Some(timeout) = workload.timeout_ms {
            annotations.push(
                "landfall.dev/timeout-seconds",
                timeout.div_ceil(1000).to_string(),
            );
        }
        annotations.push(
            "landfall.dev/visibility",
            visibility(workload.expose.visibility),
        );

        let mut spec = Yaml::map();
        if !autoscaled {
            spec.push("replicas", workload.replicas);
        }
        spec.push(
            "selector",
            Yaml::map().with("matchLabels", self.selector(workload)),
        );
        spec.push("minReadySeconds", workload.rollout.min_ready_seconds);
        spec.push(
            "strategy",
            Yaml::map().with("type", "RollingUpdate").with(
                "rollingUpdate",
                Yaml::map()
                    .with(
                        "maxUnavailable",
                        int_or_percent(&workload.rollout.max_unavailable),
                    )
                    .with("maxSurge", int_or_percent(&workload.rollout.max_surge)),
            ),
        );
        spec.push("template", pod);
        Yaml::map()
            .with("apiVersion", "apps/v1")
            .with("kind", "Deployment")
            .with(
                "metadata",
                self.metadata(&workload.name, self.workload_labels(workload))
                    .with("annotations", annotations),
            )
            .with("spec", spec)
    }

    fn cron_job(&self, workload: &Workload, job: &Job, pod: Yaml) -> Yaml {
        let mut job_spec = Yaml::map();
        if let Some(deadline) = job.active_deadline_seconds {
            job_spec.push("activeDeadlineSeconds", deadline);
        }
        job_spec.push("template", pod);
        let concurrency = match job.concurrency_policy {
            ConcurrencyPolicy::Forbid => "Forbid",
            ConcurrencyPolicy::Replace => "Replace",
        };
        Yaml::map()
            .with("apiVersion", "batch/v1")
            .with("kind", "CronJob")
            .with(
                "metadata",
                self.metadata(&workload.name, self.workload_labels(workload))
                    .with("annotations", self.workload_annotations(workload)),
            )
            .with(
                "spec",
                Yaml::map()
                    .with("schedule", job.schedule.clone())
                    // The spec language's schedules are UTC.
                    .with("timeZone", "Etc/UTC")
                    .with("concurrencyPolicy", concurrency)
                    .with("suspend", job.suspend)
                    .with("successfulJobsHistoryLimit", job.history_limit)
                    .with("failedJobsHistoryLimit", job.history_limit)
                    .with(
                        "jobTemplate",
                        Yaml::map()
                            .with(
                                "metadata",
                                Yaml::map().with("labels", self.workload_labels(workload)),
                            )
                            .with("spec", job_spec),
                    ),
            )
    }

    /// A ClusterIP Service on every port of the workload's containers, named
    /// after the workload: workloads reach each other by workload name.
    fn service(&self, workload: &Workload) -> Option<Yaml> {
        if workload.workload_type == WorkloadType::Cron {
            return None;
        }
        let ports: Vec<Yaml> = workload
            .containers
            .iter()
            .flat_map(|c| &c.ports)
            .map(|p| {
                let mut port = Yaml::map()
                    .with("name", port_name(p.protocol, p.port))
                    .with("port", p.port)
                    .with("targetPort", p.port)
                    .with("protocol", "TCP");
                if let Some(app_protocol) = app_protocol(p.protocol) {
                    port.push("appProtocol", app_protocol);
                }
                port
            })
            .collect();
        if ports.is_empty() {
            return None;
        }
        Some(
            Yaml::map()
                .with("apiVersion", "v1")
                .with("kind", "Service")
                .with(
                    "metadata",
                    self.metadata(&workload.name, self.workload_labels(workload))
                        .with(
                            "annotations",
                            Yaml::map().with(
                                "landfall.dev/visibility",
                                visibility(workload.expose.visibility),
                            ),
                        ),
                )
                .with(
                    "spec",
                    Yaml::map()
                        .with("type", "ClusterIP")
                        .with("selector", self.selector(workload))
                        .with("ports", Yaml::Seq(ports)),
                ),
        )
    }

    /// The namespace's memory quota from `ramMemory` (MiB): requests and
    /// limits of every pod together.
    fn resource_quota(&self, memory_mib: u64) -> Yaml {
        let amount = format!("{memory_mib}Mi");
        Yaml::map()
            .with("apiVersion", "v1")
            .with("kind", "ResourceQuota")
            .with(
                "metadata",
                self.metadata(&self.instance, self.scope_labels()),
            )
            .with(
                "spec",
                Yaml::map().with(
                    "hard",
                    Yaml::map()
                        .with("requests.memory", amount.clone())
                        .with("limits.memory", amount),
                ),
            )
    }

    /// No container above the namespace's memory quota (`ramMemory`).
    fn limit_range(&self, memory_mib: u64) -> Yaml {
        Yaml::map()
            .with("apiVersion", "v1")
            .with("kind", "LimitRange")
            .with(
                "metadata",
                self.metadata(&self.instance, self.scope_labels()),
            )
            .with(
                "spec",
                Yaml::map().with(
                    "limits",
                    Yaml::Seq(vec![Yaml::map().with("type", "Container").with(
                        "max",
                        Yaml::map().with("memory", format!("{memory_mib}Mi")),
                    )]),
                ),
            )
    }

    /// At most one pod of a Deployment evicted at a time (a node drain
    /// waits for the next to be ready); cron jobs' pods are not kept up.
    fn disruption_budget(&self, workload: &Workload) -> Option<Yaml> {
        if workload.workload_type == WorkloadType::Cron {
            return None;
        }
        Some(
            Yaml::map()
                .with("apiVersion", "policy/v1")
                .with("kind", "PodDisruptionBudget")
                .with(
                    "metadata",
                    self.metadata(&workload.name, self.workload_labels(workload)),
                )
                .with(
                    "spec",
                    Yaml::map().with("maxUnavailable", 1u32).with(
                        "selector",
                        Yaml::map().with("matchLabels", self.selector(workload)),
                    ),
                ),
        )
    }

    /// A public workload's way in: its first HTTP port under
    /// `/<workload>` (the plan has no host name; paths keep several public
    /// workloads of a scope apart on one ingress controller).
    fn ingress(&self, workload: &Workload, class: Option<&str>) -> Option<Yaml> {
        let port = workload
            .containers
            .iter()
            .flat_map(|c| &c.ports)
            .find(|p| p.protocol != Protocol::Tcp)?;
        let mut spec = Yaml::map();
        if let Some(class) = class {
            spec.push("ingressClassName", class);
        }
        let backend = Yaml::map().with(
            "service",
            Yaml::map()
                .with("name", workload.name.clone())
                .with("port", Yaml::map().with("number", port.port)),
        );
        spec.push(
            "rules",
            Yaml::Seq(vec![Yaml::map().with(
                "http",
                Yaml::map().with(
                    "paths",
                    Yaml::Seq(vec![
                        Yaml::map()
                            .with("path", format!("/{}", workload.name))
                            .with("pathType", "Prefix")
                            .with("backend", backend),
                    ]),
                ),
            )]),
        );
        Some(
            Yaml::map()
                .with("apiVersion", "networking.k8s.io/v1")
                .with("kind", "Ingress")
                .with(
                    "metadata",
                    self.metadata(&workload.name, self.workload_labels(workload)),
                )
                .with("spec", spec),
        )
    }

    fn autoscaler(&self, workload: &Workload) -> Option<Yaml> {
        let scaling = workload.scaling.as_ref()?;
        if scaling.metric != Metric::Cpu
            || workload.workload_type == WorkloadType::Cron
            || scaling.max_scale <= workload.replicas
        {
            return None;
        }
        let target = scaling
            .target
            .unwrap_or(DEFAULT_CPU_TARGET)
            .round()
            .clamp(1.0, 1000.0) as i64;
        Some(
            Yaml::map()
                .with("apiVersion", "autoscaling/v2")
                .with("kind", "HorizontalPodAutoscaler")
                .with(
                    "metadata",
                    self.metadata(&workload.name, self.workload_labels(workload)),
                )
                .with(
                    "spec",
                    Yaml::map()
                        .with(
                            "scaleTargetRef",
                            Yaml::map()
                                .with("apiVersion", "apps/v1")
                                .with("kind", "Deployment")
                                .with("name", workload.name.clone()),
                        )
                        .with("minReplicas", workload.replicas)
                        .with("maxReplicas", scaling.max_scale)
                        .with(
                            "metrics",
                            Yaml::Seq(vec![
                                Yaml::map().with("type", "Resource").with(
                                    "resource",
                                    Yaml::map().with("name", "cpu").with(
                                        "target",
                                        Yaml::map()
                                            .with("type", "Utilization")
                                            .with("averageUtilization", target),
                                    ),
                                ),
                            ]),
                        ),
                ),
        )
    }

    /// Ingress: from the written CIDRs, and from the scope's namespace
    /// (private) or the whole cluster (internal, public); nothing is
    /// restricted for a public workload without `inbound`. Egress, when
    /// `outbound` is written: to those CIDRs, to the scope's namespace, and
    /// to DNS.
    fn network_policy(&self, workload: &Workload) -> Option<Yaml> {
        let expose = &workload.expose;
        let restrict_ingress =
            !(expose.visibility == Visibility::Public && expose.inbound.is_empty());
        let restrict_egress = !expose.outbound.is_empty();
        if !restrict_ingress && !restrict_egress {
            return None;
        }
        let ip_blocks = |cidrs: &[String]| -> Vec<Yaml> {
            cidrs
                .iter()
                .map(|cidr| Yaml::map().with("ipBlock", Yaml::map().with("cidr", cidr.clone())))
                .collect()
        };
        let same_namespace = || Yaml::map().with("podSelector", Yaml::map());
        let mut policy_types = Vec::new();
        let mut spec = Yaml::map().with(
            "podSelector",
            Yaml::map().with("matchLabels", self.selector(workload)),
        );
        let mut rules = Vec::new();
        if restrict_ingress {
            policy_types.push("Ingress");
            let mut from = ip_blocks(&expose.inbound);
            from.push(match expose.visibility {
                Visibility::Private => same_namespace(),
                Visibility::Internal | Visibility::Public => {
                    Yaml::map().with("namespaceSelector", Yaml::map())
                }
            });
            let mut rule = Yaml::map().with("from", Yaml::Seq(from));
            let ports: Vec<Yaml> = workload
                .containers
                .iter()
                .flat_map(|c| &c.ports)
                .map(|p| Yaml::map().with("protocol", "TCP").with("port", p.port))
                .collect();
            if !ports.is_empty() {
                rule.push("ports", Yaml::Seq(ports));
            }
            rules.push(("ingress", Yaml::Seq(vec![rule])));
        }
        if restrict_egress {
            policy_types.push("Egress");
            let dns = |protocol: &str| Yaml::map().with("protocol", protocol).with("port", 53u16);
            rules.push((
                "egress",
                Yaml::Seq(vec![
                    Yaml::map().with("to", Yaml::Seq(ip_blocks(&expose.outbound))),
                    Yaml::map().with("to", Yaml::Seq(vec![same_namespace()])),
                    Yaml::map().with("ports", Yaml::Seq(vec![dns("UDP"), dns("TCP")])),
                ]),
            ));
        }
        spec.push("policyTypes", policy_types);
        for (key, value) in rules {
            spec.push(key, value);
        }
        Some(
            Yaml::map()
                .with("apiVersion", "networking.k8s.io/v1")
                .with("kind", "NetworkPolicy")
                .with(
                    "metadata",
                    self.metadata(&workload.name, self.workload_labels(workload)),
                )
                .with("spec", spec),
        )
    }
}

fn secret_or_problem(reference: &str, problems: &mut Problems) -> KubeSecret {
    names::kube_secret(reference).unwrap_or_else(|problem| {
        problems.push(problem);
        KubeSecret {
            name: String::new(),
            key: None,
        }
    })
}

/// The pod volume a mount uses: `<kind>-<name>`, one per distinct source.
fn volume_name(source: MountSource, name: &str) -> String {
    let kind = match source {
        MountSource::Scratch => "scratch",
        MountSource::Volume => "volume",
        MountSource::Config => "config",
        MountSource::Secret => "secret",
    };
    names::dns_label(&format!("{kind}-{name}"))
}

/// The writable `/tmp` under a read-only root (the platform reserves /tmp).
const TMP_VOLUME: &str = "landfall-tmp";

fn pod_volumes(workload: &Workload, problems: &mut Problems) -> Vec<Yaml> {
    let mut seen = std::collections::BTreeSet::new();
    let mut volumes = Vec::new();
    for mount in workload.containers.iter().flat_map(|c| &c.mounts) {
        let name = volume_name(mount.source, &mount.name);
        if !seen.insert(name.clone()) {
            continue;
        }
        let volume = Yaml::map().with("name", name);
        volumes.push(match mount.source {
            MountSource::Scratch => volume.with("emptyDir", Yaml::map()),
            MountSource::Volume => volume.with(
                "persistentVolumeClaim",
                Yaml::map().with("claimName", mount.name.clone()),
            ),
            MountSource::Config => {
                volume.with("configMap", Yaml::map().with("name", mount.name.clone()))
            }
            MountSource::Secret => {
                let secret = secret_or_problem(&mount.name, problems);
                // `optional` written out: podman 4.3's kube play dereferences it.
                // One file, `PATH/<last part of the reference>`, as on
                // every target: the key's, or the whole Secret's `value`
                // (the key an env secret without `/KEY` reads too).
                let key = secret
                    .key
                    .unwrap_or_else(|| names::DEFAULT_SECRET_KEY.to_string());
                let file = landfall_plan::secret_file_name(&mount.name).to_string();
                volume.with(
                    "secret",
                    Yaml::map()
                        .with("secretName", secret.name)
                        .with("optional", false)
                        .with(
                            "items",
                            Yaml::Seq(vec![Yaml::map().with("key", key).with("path", file)]),
                        ),
                )
            }
        });
    }
    if workload.security.read_only_root_filesystem {
        volumes.push(
            Yaml::map()
                .with("name", TMP_VOLUME)
                .with("emptyDir", Yaml::map()),
        );
    }
    volumes
}

fn volume_mounts(workload: &Workload, container: &Container) -> Vec<Yaml> {
    let mut mounts: Vec<Yaml> = container
        .mounts
        .iter()
        .map(|m| {
            let mount = Yaml::map()
                .with("name", volume_name(m.source, &m.name))
                .with("mountPath", m.path.clone());
            if m.read_only {
                mount.with("readOnly", true)
            } else {
                mount
            }
        })
        .collect();
    if workload.security.read_only_root_filesystem {
        mounts.push(
            Yaml::map()
                .with("name", TMP_VOLUME)
                .with("mountPath", "/tmp"),
        );
    }
    mounts
}

fn probe_object(probe: &Probe) -> Yaml {
    let probe_out = match &probe.action {
        ProbeAction::Http { path, port, scheme } => Yaml::map().with(
            "httpGet",
            Yaml::map()
                .with("path", path.clone())
                .with("port", *port)
                .with(
                    "scheme",
                    match scheme {
                        HttpScheme::Http => "HTTP",
                        HttpScheme::Https => "HTTPS",
                    },
                ),
        ),
        ProbeAction::Tcp { port } => Yaml::map().with("tcpSocket", Yaml::map().with("port", *port)),
        ProbeAction::Exec { command } => {
            Yaml::map().with("exec", Yaml::map().with("command", command.clone()))
        }
    };
    probe_out
        .with("initialDelaySeconds", probe.initial_delay_ms.div_ceil(1000))
        .with("periodSeconds", probe.period_ms.div_ceil(1000).max(1))
        .with("timeoutSeconds", probe.timeout_ms.div_ceil(1000).max(1))
        .with("successThreshold", probe.success_threshold)
        .with("failureThreshold", probe.failure_threshold)
}

fn scaling_annotations(annotations: &mut Yaml, scaling: &landfall_plan::Scaling) {
    let metric = match scaling.metric {
        Metric::Concurrency => "concurrency",
        Metric::Rps => "rps",
        Metric::Cpu => "cpu",
        Metric::Latency => "latency",
    };
    annotations.push("landfall.dev/scaling-metric", metric);
    if let Some(target) = scaling.target {
        annotations.push("landfall.dev/scaling-target", format!("{target}"));
    }
    annotations.push(
        "landfall.dev/scaling-min-scale",
        scaling.min_scale.to_string(),
    );
    annotations.push(
        "landfall.dev/scaling-max-scale",
        scaling.max_scale.to_string(),
    );
    if let Some(percentile) = &scaling.percentile {
        annotations.push("landfall.dev/scaling-percentile", percentile.clone());
    }
    if let Some(delay) = scaling.scale_to_zero_delay_ms {
        annotations.push(
            "landfall.dev/scale-to-zero-delay-seconds",
            delay.div_ceil(1000).to_string(),
        );
    }
    if let Some(max) = scaling.max_concurrency {
        annotations.push("landfall.dev/max-concurrency", max.to_string());
    }
}

fn visibility(visibility: Visibility) -> &'static str {
    match visibility {
        Visibility::Public => "public",
        Visibility::Internal => "internal",
        Visibility::Private => "private",
    }
}

/// `http-8080`: at most 15 characters, as port names must be.
fn port_name(protocol: Protocol, port: u16) -> String {
    let prefix = match protocol {
        Protocol::Http => "http",
        Protocol::Http2 => "http2",
        Protocol::Grpc => "grpc",
        Protocol::Tcp => "tcp",
    };
    format!("{prefix}-{port}")
}

fn app_protocol(protocol: Protocol) -> Option<&'static str> {
    match protocol {
        Protocol::Http => Some("http"),
        Protocol::Http2 | Protocol::Grpc => Some("kubernetes.io/h2c"),
        Protocol::Tcp => None,
    }
}

fn int_or_percent(value: &IntOrPercent) -> Yaml {
    match value {
        IntOrPercent::Count(count) => Yaml::from(*count),
        IntOrPercent::Percent(percent) => Yaml::str(percent.clone()),
    }
}

/// `uid[:gid]` when both are numbers.
fn numeric_user(user: &str) -> Option<(i64, Option<i64>)> {
    let (uid, gid) = match user.split_once(':') {
        Some((uid, gid)) => (uid, Some(gid)),
        None => (user, None),
    };
    let uid = uid.parse().ok()?;
    let gid = match gid {
        Some(gid) => Some(gid.parse().ok()?),
        None => None,
    };
    Some((uid, gid))
}

/// Bytes as a Kubernetes quantity: the largest binary unit that holds them
/// exactly (`256Mi`), else plain bytes.
fn memory(bytes: u64) -> String {
    const UNITS: [(u64, &str); 4] = [
        (1 << 40, "Ti"),
        (1 << 30, "Gi"),
        (1 << 20, "Mi"),
        (1 << 10, "Ki"),
    ];
    for (size, unit) in UNITS {
        if bytes >= size && bytes % size == 0 {
            return format!("{}{unit}", bytes / size);
        }
    }
    bytes.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_in_the_largest_exact_unit() {
        assert_eq!(memory(256 << 20), "256Mi");
        assert_eq!(memory(2 << 30), "2Gi");
        assert_eq!(memory(129_000_000), "129000000");
    }

    #[test]
    fn only_numeric_users_become_ids() {
        assert_eq!(numeric_user("1000:2000"), Some((1000, Some(2000))));
        assert_eq!(numeric_user("1000"), Some((1000, None)));
        assert_eq!(numeric_user("app"), None);
        assert_eq!(numeric_user("1000:staff"), None);
    }
}
