//! `scaling-metric`: a scaling metric the workload type cannot use.

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity};
use landfall_model::{LoadedDocument, Metric, WorkloadType};
use landfall_schema::Kind;

use super::support;
use crate::context::DocumentContext;
use crate::rules::{Reads, Rule};

pub static META: RuleMeta = RuleMeta {
    id: "scaling-metric",
    severity: Severity::Error,
    summary: "a metric the workload type cannot use (concurrency: serverless only; latency: standard only; cron: no scaling), latency without percentile",
    docs: r#"## What it checks
That `spec.scaling` fits the workload type:

- `metric: concurrency` only on **serverless** workloads;
- `metric: latency` only on **standard** workloads, and always with a
  `percentile` (`p50`, `p75` or `p99`);
- no `scaling` at all on **cron** workloads (the other scaling rules then
  stay quiet about that workload, so the block is reported once).

`rps` and `cpu` suit serverless and standard workloads alike. When `metric`
is omitted nothing is checked here.

## Why
The Control Plane workload reference: "Autoscale by concurrent
requests" is available to serverless workloads only, "Autoscale by request
latency" to standard workloads only, and "when using the latency scaling
strategy, you must choose a metric percentile". A cron workload "runs on a
schedule and is expected to complete": each run is one job, there is
nothing to scale.

## Example
```yaml fail
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec: {version: "2.4.2"}
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: web}
spec: {target: local, workloadTypes: [standard, serverless, cron]}
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: staging, application: shop}
spec: {type: web, workloads: [api]}
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: api, application: shop}
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:2.4.2
      ports:
        - {port: 8080, protocol: http}
      resources: {cpu: 500m, memory: 512Mi}
      env:
        PORT: "8080"
  scaling: {metric: concurrency, target: 100, minScale: 1, maxScale: 5}
```

```yaml pass
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec: {version: "2.4.2"}
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: web}
spec: {target: local, workloadTypes: [standard, serverless, cron]}
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: staging, application: shop}
spec: {type: web, workloads: [api]}
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: api, application: shop}
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:2.4.2
      ports:
        - {port: 8080, protocol: http}
      resources: {cpu: 500m, memory: 512Mi}
      env:
        PORT: "8080"
  scaling: {metric: rps, target: 100, minScale: 1, maxScale: 5}
```
"#,
};

pub struct ScalingMetric;

impl Rule for ScalingMetric {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> Reads {
        Reads::Fields(&[
            (Kind::Workload, "/spec/type"),
            (Kind::Workload, "/spec/scaling/metric"),
            (Kind::Workload, "/spec/scaling/percentile"),
        ])
    }

    fn check_document(
        &self,
        doc: &LoadedDocument,
        ctx: &DocumentContext,
        out: &mut Vec<Diagnostic>,
    ) {
        let Some((workload, ty)) = support::workload(doc) else {
            return;
        };
        let Some(scaling) = &workload.scaling else {
            return;
        };
        if ty.value == WorkloadType::Cron {
            out.push(
                Diagnostic::new(
                    &META,
                    support::key_span(ctx, scaling.span, "scaling"),
                    "cron workloads do not scale: each scheduled run is one job that runs to completion",
                )
                .with_span_label("scaling on a cron workload")
                .with_label(ty.span, "cron")
                .with_help("remove `scaling`; to run jobs more often, change `job.schedule`"),
            );
            return;
        }
        let Some(metric) = &scaling.metric else {
            return;
        };
        let only = match metric.value {
            Metric::Concurrency => Some(WorkloadType::Serverless),
            Metric::Latency => Some(WorkloadType::Standard),
            Metric::Rps | Metric::Cpu => None,
        };
        if let Some(only) = only.filter(|only| *only != ty.value) {
            let alternatives = match ty.value {
                WorkloadType::Standard => "`rps`, `cpu` or `latency`",
                _ => "`concurrency`, `rps` or `cpu`",
            };
            out.push(
                Diagnostic::new(
                    &META,
                    metric.span,
                    format!(
                        "the {} metric is only for {only} workloads, and this one is {}",
                        metric.value, ty.value
                    ),
                )
                .with_span_label(format!("{only} only"))
                .with_label(ty.span, format!("{} workload", ty.value))
                .with_help(format!("a {} workload scales on {alternatives}", ty.value)),
            );
            return;
        }
        if metric.value == Metric::Latency && scaling.percentile.is_none() {
            out.push(
                Diagnostic::new(
                    &META,
                    metric.span,
                    "scaling on latency needs a `percentile`: latency is a distribution, and the target applies to one of its percentiles",
                )
                .with_span_label("no percentile")
                .with_help("add `percentile: p50`, `p75` or `p99` to `scaling`"),
            );
        }
    }
}
