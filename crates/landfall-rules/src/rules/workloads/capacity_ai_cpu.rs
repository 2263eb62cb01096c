//! `capacity-ai-cpu`: Capacity AI together with CPU-based scaling.

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity};
use landfall_model::{LoadedDocument, Metric, WorkloadType};
use landfall_schema::Kind;

use super::support;
use crate::context::DocumentContext;
use crate::rules::{Reads, Rule};

pub static META: RuleMeta = RuleMeta {
    id: "capacity-ai-cpu",
    severity: Severity::Error,
    summary: "capacityAI true with metric cpu",
    docs: r#"## What it checks
That a workload with `capacityAI: true` does not scale on `metric: cpu`.
Cron workloads are left to `scaling-metric`, which reports their whole
`scaling` block.

## Why
The Control Plane workload reference: "Capacity AI is not available
if CPU Utilization is selected because dynamic allocation of CPU resources
cannot be accomplished while scaling replicas based on the usage of its
CPU." Capacity AI lowers a container's CPU to what it uses; scaling on CPU
utilisation measures usage against that same allocation, so each would
chase the other.

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
  scaling: {metric: cpu, target: 70, minScale: 1, maxScale: 5}
  capacityAI: true
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
  capacityAI: true
```
"#,
};

pub struct CapacityAiCpu;

impl Rule for CapacityAiCpu {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> Reads {
        Reads::Fields(&[
            (Kind::Workload, "/spec/type"),
            (Kind::Workload, "/spec/capacityAI"),
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
        if ty.value == WorkloadType::Cron {
            return;
        }
        let Some(capacity_ai) = workload.capacity_ai.as_ref().filter(|c| c.value) else {
            return;
        };
        let Some(metric) = workload
            .scaling
            .as_ref()
            .and_then(|s| s.metric.as_ref())
            .filter(|m| m.value == Metric::Cpu)
        else {
            return;
        };
        out.push(
            Diagnostic::new(
                &META,
                capacity_ai.span,
                "Capacity AI cannot be used with CPU-based scaling: it changes the very CPU allocation the metric is measured against",
            )
            .with_span_label("Capacity AI on")
            .with_label(metric.span, "scales on CPU utilisation")
            .with_help("set `capacityAI: false`, or scale on `rps` (or `concurrency` on serverless, `latency` on standard)"),
        );
    }
}
