//! A Control Plane workload as a landfall Workload, every value spanned on
//! the native node it came from.
//!
//! What has no landfall counterpart is mapped as the platform means it:
//! `stateful` is a `standard` workload (replicas that serve and keep
//! volumes); a missing `type` is `serverless`, the platform's default; the
//! container's `command` string is the one-word command; env values that
//! are references (`cpln://secret/…`) are not literals; probes' integer
//! seconds are durations; a gRPC probe checks its port as a TCP probe
//! does, and its port is not mapped: a probe may check any port of its
//! container (Control Plane's own examples probe ports they do not
//! expose). A serverless workload may serve TCP (Control Plane's
//! rate-limiting example does), so its ports' protocols are not judged
//! by landfall's HTTP-only reading of serverless. Without `maxScale` a
//! workload runs `minScale` replicas at most, never fewer than its
//! minimum. Autoscaling of a cron workload is not mapped: the platform
//! ignores it (`cpln/ignored-autoscaling`). `timeoutSeconds` is mapped
//! for serverless workloads, whose bounds landfall's `timeout-range`
//! holds; the other types' longer bound is `cpln/timeout-range`'s.

use landfall_diagnostics::{Diagnostic, Span};
use landfall_model::{
    ConcurrencyPolicy, Container, Expose, Hook, HttpScheme, IntOrPercent, Job, Lifecycle, Metadata,
    Metric, Percentile, Port, Probe, ProbeAction, Probes, Protocol, Resources, RestartPolicy,
    Rollout, Scaling, Security, Spanned, Visibility, Volume, Workload, WorkloadType,
};
use landfall_yaml::Node;

use crate::dialect::nodes::{Reader, at};

pub(crate) fn workload(r: &Reader<'_>, root: &Node, _out: &mut Vec<Diagnostic>) -> Workload {
    let whole = r.span(root);
    let kind_span = r.entry_span(root, "kind").unwrap_or(whole);
    let metadata = root.get("metadata");
    let name = r
        .string(root.get("name"))
        .or_else(|| r.string(metadata.and_then(|m| m.get("name"))));
    let spec = root.get("spec");
    let spec_span = root.entry("spec").map_or(kind_span, |e| r.span(&e.key));
    let workload_type = workload_type(r, spec, spec_span);
    let is_cron = workload_type.as_ref().map(|t| t.value) == Some(WorkloadType::Cron);
    let is_serverless = workload_type.as_ref().map(|t| t.value) == Some(WorkloadType::Serverless);
    let options = spec.and_then(|s| s.get("defaultOptions"));
    let containers = r
        .items(spec.and_then(|s| s.get("containers")))
        .iter()
        .map(|c| container(r, c, is_serverless))
        .collect();
    Workload {
        meta: Metadata {
            name,
            application: None,
            labels: Vec::new(),
            annotations: Vec::new(),
            kind_span,
        },
        workload_type,
        containers,
        scaling: options
            .and_then(|o| o.get("autoscaling"))
            .filter(|_| !is_cron)
            .and_then(|a| scaling(r, a))
            .map(Box::new),
        capacity_ai: r.bool(options.and_then(|o| o.get("capacityAI"))),
        timeout: options
            .and_then(|o| o.get("timeoutSeconds"))
            .filter(|_| is_serverless)
            .and_then(|t| r.seconds(Some(t))),
        expose: spec
            .and_then(|s| at(s, "firewallConfig/external"))
            .map(|e| Box::new(expose(r, e))),
        rollout: spec
            .and_then(|s| s.get("rolloutOptions"))
            .map(|o| Box::new(rollout(r, o))),
        security: spec.and_then(|s| s.get("securityOptions")).map(|o| {
            Box::new(Security {
                run_as_non_root: None,
                read_only_root_filesystem: None,
                fs_group: r.int(o.get("filesystemGroupId")),
                span: r.span(o),
            })
        }),
        job: spec.and_then(|s| s.get("job")).map(|j| Box::new(job(r, j))),
        spec_span,
        // `${VAR}` in a Control Plane file is a placeholder some other tool
        // fills (envsubst), not a variable of the platform's.
        variable_uses: Vec::new(),
    }
}

fn workload_type(
    r: &Reader<'_>,
    spec: Option<&Node>,
    spec_span: Span,
) -> Option<Spanned<WorkloadType>> {
    let Some(node) = spec.and_then(|s| s.get("type")) else {
        return Some(Spanned::new(WorkloadType::Serverless, spec_span));
    };
    let value = match node.as_str()? {
        "serverless" => WorkloadType::Serverless,
        "standard" | "stateful" => WorkloadType::Standard,
        "cron" => WorkloadType::Cron,
        _ => return None,
    };
    Some(Spanned::new(value, r.span(node)))
}

fn container(r: &Reader<'_>, c: &Node, serverless: bool) -> Container {
    let mut ports: Vec<Port> = r
        .items(c.get("ports"))
        .iter()
        .filter_map(|p| {
            Some(Port {
                port: r.int(p.get("number"))?,
                protocol: p
                    .get("protocol")
                    .filter(|_| !serverless)
                    .and_then(|n| Some(Spanned::new(Protocol::parse(n.as_str()?)?, r.span(n)))),
                span: r.span(p),
            })
        })
        .collect();
    if let Some(port) = r.int(c.get("port")) {
        ports.push(Port {
            span: port.span,
            port,
            protocol: None,
        });
    }
    let env = r
        .items(c.get("env"))
        .iter()
        .filter_map(|e| {
            let name = r.string(e.get("name"))?;
            let value = match e.get("value") {
                // A reference to a secret or to the platform is no literal.
                Some(v) if v.as_str().is_some_and(|s| s.starts_with("cpln://")) => {
                    Spanned::new(String::new(), r.span(v))
                }
                Some(v) => Spanned::new(
                    landfall_model::Scalar::from_node(v, r.text)?.text,
                    r.span(v),
                ),
                None => Spanned::new(String::new(), name.span),
            };
            Some((name, value))
        })
        .collect();
    Container {
        name: r.string(c.get("name")),
        image: r.string(c.get("image")),
        command: r.string(c.get("command")).map(|c| vec![c]),
        args: c.get("args").map(|a| r.strings(Some(a))),
        working_dir: r.string(c.get("workingDir")),
        user: None,
        ports,
        resources: Resources {
            cpu: r.scalar(c.get("cpu")),
            memory: r.scalar(c.get("memory")),
        },
        env,
        probes: Probes {
            readiness: c.get("readinessProbe").map(|p| Box::new(probe(r, p))),
            liveness: c.get("livenessProbe").map(|p| Box::new(probe(r, p))),
            startup: None,
        },
        volumes: r
            .items(c.get("volumes"))
            .iter()
            .map(|v| Volume {
                // Only the scratch scheme means what landfall's does; the
                // others (cpln://volumeset, cpln://secret, s3://, …) are
                // the platform's, which its schema checks.
                uri: r
                    .string(v.get("uri"))
                    .filter(|u| u.value.starts_with("scratch://")),
                path: r.string(v.get("path")),
                span: r.span(v),
            })
            .collect(),
        lifecycle: c.get("lifecycle").map(|l| {
            let hook = |key: &str| {
                l.get(key).map(|h| Hook {
                    exec: r.strings(at(h, "exec/command")),
                    span: r.span(h),
                })
            };
            Box::new(Lifecycle {
                post_start: hook("postStart"),
                pre_stop: hook("preStop"),
                span: r.span(l),
            })
        }),
        span: r.span(c),
    }
}

fn probe(r: &Reader<'_>, p: &Node) -> Probe {
    let action = if let Some(h) = p.get("httpGet") {
        Some(ProbeAction::Http {
            path: r.string(h.get("path")),
            port: None,
            scheme: h.get("scheme").and_then(|s| {
                let scheme = HttpScheme::parse(&s.as_str()?.to_ascii_lowercase())?;
                Some(Spanned::new(scheme, r.span(s)))
            }),
        })
    } else if p.get("tcpSocket").or_else(|| p.get("grpc")).is_some() {
        Some(ProbeAction::Tcp { port: None })
    } else {
        p.get("exec").map(|e| ProbeAction::Exec {
            command: r.strings(e.get("command")),
        })
    };
    Probe {
        action,
        initial_delay: r.seconds(p.get("initialDelaySeconds")),
        period: r.seconds(p.get("periodSeconds")),
        timeout: r.seconds(p.get("timeoutSeconds")),
        success_threshold: r.int(p.get("successThreshold")),
        failure_threshold: r.int(p.get("failureThreshold")),
        span: r.span(p),
    }
}

fn scaling(r: &Reader<'_>, a: &Node) -> Option<Scaling> {
    let metric = a.get("metric");
    // `disabled`, `memory`, `keda` and multi-metric scaling have no
    // landfall metric: the rest of the settings still are judged.
    let min_scale = r.int(a.get("minScale"));
    let max_scale = r.int(a.get("maxScale")).or_else(|| min_scale.clone());
    Some(Scaling {
        metric: metric.and_then(|m| Some(Spanned::new(Metric::parse(m.as_str()?)?, r.span(m)))),
        target: r.float(a.get("target")),
        min_scale,
        max_scale,
        percentile: a
            .get("metricPercentile")
            .and_then(|p| Some(Spanned::new(Percentile::parse(p.as_str()?)?, r.span(p)))),
        scale_to_zero_delay: r.seconds(a.get("scaleToZeroDelay")),
        max_concurrency: r.int(a.get("maxConcurrency")),
        span: r.span(a),
    })
}

fn expose(r: &Reader<'_>, e: &Node) -> Expose {
    let inbound = r.strings(e.get("inboundAllowCIDR"));
    // Open to the internet exactly when every address may come in.
    let visibility = inbound
        .iter()
        .find(|c| c.value == "0.0.0.0/0")
        .map(|c| Spanned::new(Visibility::Public, c.span));
    Expose {
        visibility,
        inbound,
        outbound: r.strings(e.get("outboundAllowCIDR")),
        span: r.span(e),
    }
}

fn int_or_percent(r: &Reader<'_>, node: Option<&Node>) -> Option<Spanned<IntOrPercent>> {
    let node = node?;
    let value = match (&node.value, node.as_str()) {
        (landfall_yaml::Value::Int(i), _) => IntOrPercent::Count(*i),
        (_, Some(text)) => IntOrPercent::Percent(text.strip_suffix('%')?.parse().ok()?),
        _ => return None,
    };
    Some(Spanned::new(value, r.span(node)))
}

fn rollout(r: &Reader<'_>, o: &Node) -> Rollout {
    Rollout {
        min_ready_seconds: r.int(o.get("minReadySeconds")),
        max_unavailable: int_or_percent(r, o.get("maxUnavailableReplicas")),
        max_surge: int_or_percent(r, o.get("maxSurgeReplicas")),
        span: r.span(o),
    }
}

fn job(r: &Reader<'_>, j: &Node) -> Job {
    Job {
        schedule: r.string(j.get("schedule")),
        // `Allow` has no landfall counterpart; the schema accepts it.
        concurrency_policy: j.get("concurrencyPolicy").and_then(|p| {
            Some(Spanned::new(
                ConcurrencyPolicy::parse(p.as_str()?)?,
                r.span(p),
            ))
        }),
        restart_policy: j
            .get("restartPolicy")
            .and_then(|p| Some(Spanned::new(RestartPolicy::parse(p.as_str()?)?, r.span(p)))),
        history_limit: r.int(j.get("historyLimit")),
        active_deadline_seconds: r.int(j.get("activeDeadlineSeconds")),
        suspend: None,
        span: r.span(j),
    }
}
