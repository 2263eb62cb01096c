//! `job-spec`: `job` missing on a cron workload, or present on another type.

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity};
use landfall_model::{LoadedDocument, WorkloadType};
use landfall_schema::Kind;

use super::support;
use crate::context::DocumentContext;
use crate::rules::{Reads, Rule};

pub static META: RuleMeta = RuleMeta {
    id: "job-spec",
    severity: Severity::Error,
    summary: "a cron workload without `job`, or `job` on another type",
    docs: r#"## What it checks
That `spec.job` is there exactly when the workload is a cron workload:

- a `type: cron` workload has a `job` (with its `schedule`; a `job`
  without `schedule` is a `schema` finding);
- a serverless or standard workload has no `job`.

## Why
The Control Plane workload reference: cron workloads "must" be
configured with `job.schedule`, and the `job` settings (schedule,
concurrency policy, restart policy, history limit, deadline, suspend) only
describe a workload that "runs on a schedule and is expected to complete".
On another type they would be silently ignored, and a cron workload
without them would never run.

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
  job: {schedule: "0 3 * * *"}
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
  type: cron
  containers:
    - name: api
      image: registry.example.com/shop/api:2.4.2
      resources: {cpu: 500m, memory: 512Mi}
  job: {schedule: "0 3 * * *"}
```
"#,
};

pub struct JobSpec;

impl Rule for JobSpec {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> Reads {
        Reads::Fields(&[
            (Kind::Workload, "/spec/type"),
            (Kind::Workload, "/spec/job"),
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
        match (&workload.job, ty.value) {
            (None, WorkloadType::Cron) => out.push(
                Diagnostic::new(
                    &META,
                    ty.span,
                    "a cron workload needs a `job` with its `schedule`: without one it never runs",
                )
                .with_span_label("cron without `job`")
                .with_help("add `job: {schedule: \"0 3 * * *\"}` (five-field cron, UTC) to `spec`"),
            ),
            (Some(job), WorkloadType::Serverless | WorkloadType::Standard) => out.push(
                Diagnostic::new(
                    &META,
                    support::key_span(ctx, job.span, "job"),
                    format!(
                        "`job` is only for cron workloads, and this one is {}: its settings would be ignored",
                        ty.value
                    ),
                )
                .with_span_label("`job` on a non-cron workload")
                .with_label(ty.span, format!("{} workload", ty.value))
                .with_help("remove `job`, or set `type: cron` for a workload that runs on a schedule and completes"),
            ),
            _ => {}
        }
    }
}
