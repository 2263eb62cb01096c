//! `volume-limit`: a workload mounts more volumes than the platform allows.

use std::collections::HashSet;

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity};
use landfall_model::LoadedDocument;
use landfall_schema::Kind;

use super::support::setting_label;
use crate::context::DocumentContext;
use crate::rules::{Reads, Rule};

pub static META: RuleMeta = RuleMeta {
    id: "volume-limit",
    severity: Severity::Error,
    summary: "more volumes in a workload than the platform allows (default 15)",
    docs: r#"## What it checks
That a workload mounts at most the platform's `maxVolumes` volumes (15 when
the platform does not set it).

A volume is a distinct URI: the same `scratch://cache` mounted in two
containers of the workload is one volume shared by both, as Control Plane
shares it, and counts once. The finding points at the first volume past
the limit, in container order, and there is one finding per workload.

## Why
Control Plane accepts at most 15 volumes per workload (the Control
Plane workload reference); the deployment is refused past that.

## Example
```yaml fail
apiVersion: landfall.dev/v1
kind: Platform
metadata: {name: acme}
spec: {maxVolumes: 2}
---
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
      volumes:
        - {uri: scratch://cache, path: /cache}
        - {uri: scratch://uploads, path: /uploads}
        - {uri: volume://data, path: /data}
```

```yaml pass
apiVersion: landfall.dev/v1
kind: Platform
metadata: {name: acme}
spec: {maxVolumes: 2}
---
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
      volumes:
        - {uri: scratch://cache, path: /cache}
        - {uri: volume://data, path: /data}
```
"#,
};

pub struct VolumeLimit;

impl Rule for VolumeLimit {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> Reads {
        Reads::Fields(&[
            (Kind::Workload, "/spec/containers/*/volumes/*/uri"),
            (Kind::Platform, "/spec/maxVolumes"),
        ])
    }

    fn check_document(
        &self,
        doc: &LoadedDocument,
        ctx: &DocumentContext,
        out: &mut Vec<Diagnostic>,
    ) {
        let Some(workload) = doc.doc.as_workload() else {
            return;
        };
        let max = &ctx.platform.max_volumes;
        let mut distinct: HashSet<&str> = HashSet::new();
        // The first volume past the limit, and its number.
        let mut first_past = None;
        for container in &workload.containers {
            for volume in &container.volumes {
                let Some(uri) = &volume.uri else { continue };
                if distinct.insert(uri.value.as_str())
                    && first_past.is_none()
                    && i64::try_from(distinct.len()).unwrap_or(i64::MAX) > max.value
                {
                    first_past = Some((uri.span, distinct.len()));
                }
            }
        }
        let Some((span, number)) = first_past else {
            return;
        };
        let count = distinct.len();
        let name = workload.meta.name().unwrap_or("…");
        let default = if max.span.is_none() {
            " (the default `maxVolumes`)"
        } else {
            ""
        };
        let mut d = Diagnostic::new(
            &META,
            span,
            format!(
                "workload `{name}` mounts {count} volumes; the platform allows at most {}{default}",
                max.value
            ),
        )
        .with_span_label(format!("volume {number}, past the limit"));
        d = setting_label(d, max.span, "the platform's limit");
        out.push(d.with_help(
            "mount fewer volumes; a URI mounted by several containers counts once, so containers can share one",
        ));
    }
}
