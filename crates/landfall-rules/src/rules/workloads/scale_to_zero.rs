//! `scale-to-zero`: minScale 0 where a workload cannot scale to zero.

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity};
use landfall_model::{LoadedDocument, Metric, WorkloadType};
use landfall_schema::Kind;

use super::support;
use crate::context::DocumentContext;
use crate::rules::{Reads, Rule};

pub static META: RuleMeta = RuleMeta {
    id: "scale-to-zero",
    severity: Severity::Error,
    summary: "minScale 0 on a non-serverless workload, or with a metric other than rps or concurrency",
    docs: r#"## What it checks
That `minScale: 0` (scale to zero) is only written where it can work:

- on a **serverless** workload (a standard workload keeps at least one
  replica; cron workloads are left to `scaling-metric`, which reports their
  whole `scaling` block);
- with `metric: rps` or `metric: concurrency`. An omitted metric counts as
  `concurrency` on a serverless workload, the serverless default.

## Why
The Control Plane workload reference: "the scale to zero
functionality is only available for Serverless workloads, and only when
using the rps or concurrency scaling strategies". A workload at zero
replicas is woken by an incoming request: only a request-driven metric can
say how many replicas that request needs; with `cpu` or `latency` there is
no replica to measure.

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
  scaling: {metric: rps, target: 100, minScale: 0, maxScale: 5}
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
  type: serverless
  containers:
    - name: api
      image: registry.example.com/shop/api:2.4.2
      ports:
        - {port: 8080, protocol: http}
      resources: {cpu: 500m, memory: 512Mi}
      env:
        PORT: "8080"
  scaling: {metric: rps, target: 100, minScale: 0, maxScale: 5}
```
"#,
};

pub struct ScaleToZero;

impl Rule for ScaleToZero {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> Reads {
        Reads::Fields(&[
            (Kind::Workload, "/spec/type"),
            (Kind::Workload, "/spec/scaling/minScale"),
            (Kind::Workload, "/spec/scaling/metric"),
        ])
    }

    fn check_document(
        &self,
        doc: &LoadedDocument,
        _ctx: &DocumentContext,
        out: &mut Vec<Diagnostic>,
    ) {
        let Some((workload, ty)) = support::workload(doc) else {
            return;
        };
        let Some(scaling) = &workload.scaling else {
            return;
        };
        let Some(min) = scaling.min_scale.as_ref().filter(|m| m.value == 0) else {
            return;
        };
        match ty.value {
            WorkloadType::Cron => {}
            WorkloadType::Standard => out.push(
                Diagnostic::new(
                    &META,
                    min.span,
                    "only serverless workloads can scale to zero, and this one is standard",
                )
                .with_span_label("scale to zero")
                .with_label(ty.span, "standard workload")
                .with_help("set minScale to 1 or more, or make it a `serverless` workload (one HTTP port, woken by requests)"),
            ),
            WorkloadType::Serverless => {
                let Some(metric) = scaling
                    .metric
                    .as_ref()
                    .filter(|m| !matches!(m.value, Metric::Rps | Metric::Concurrency))
                else {
                    return;
                };
                out.push(
                    Diagnostic::new(
                        &META,
                        min.span,
                        format!(
                            "a workload scaling on {} cannot scale to zero: only rps and concurrency can",
                            metric.value
                        ),
                    )
                    .with_span_label("scale to zero")
                    .with_label(metric.span, format!("scales on {}", metric.value))
                    .with_help("scale on `rps` or `concurrency`, or set minScale to 1 or more"),
                );
            }
        }
    }
}
