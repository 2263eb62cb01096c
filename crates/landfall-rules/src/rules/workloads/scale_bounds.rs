//! `scale-bounds`: minScale above maxScale, or a negative bound.

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity};
use landfall_model::{LoadedDocument, WorkloadType};
use landfall_schema::Kind;

use super::support;
use crate::context::DocumentContext;
use crate::rules::{Reads, Rule};

pub static META: RuleMeta = RuleMeta {
    id: "scale-bounds",
    severity: Severity::Error,
    summary: "minScale above maxScale, negative scale",
    docs: r#"## What it checks
That the replica bounds in `spec.scaling` make sense:

- neither `minScale` nor `maxScale` is negative;
- `minScale` is not above `maxScale`. Both default to 1 when omitted, so
  `scaling: {minScale: 3}` alone is reported too (set `maxScale`).

Cron workloads are left to `scaling-metric`, which reports their whole
`scaling` block.

## Why
A replica count cannot be negative, and a workload cannot keep more
replicas running at least than it may run at most: a platform would either
reject the workload or silently pick one of the two bounds. The
Control Plane workload reference bounds `autoscaling.minScale` by the
maximum scale, inclusive.

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
  scaling: {metric: rps, target: 100, minScale: 5, maxScale: 2}
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
  scaling: {metric: rps, target: 100, minScale: 2, maxScale: 5}
```
"#,
};

pub struct ScaleBounds;

/// `minScale` and `maxScale` default to 1.
const DEFAULT_SCALE: i64 = 1;

impl Rule for ScaleBounds {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> Reads {
        Reads::Fields(&[
            (Kind::Workload, "/spec/type"),
            (Kind::Workload, "/spec/scaling/minScale"),
            (Kind::Workload, "/spec/scaling/maxScale"),
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
        if ty.value == WorkloadType::Cron {
            return;
        }
        let mut negative = false;
        for (key, bound) in [
            ("minScale", &scaling.min_scale),
            ("maxScale", &scaling.max_scale),
        ] {
            if let Some(bound) = bound.as_ref().filter(|b| b.value < 0) {
                negative = true;
                out.push(
                    Diagnostic::new(
                        &META,
                        bound.span,
                        format!(
                            "{key} {} is negative: a replica count is 0 or more",
                            bound.value
                        ),
                    )
                    .with_span_label("negative")
                    .with_help(format!("set {key} to 0 or more")),
                );
            }
        }
        if negative {
            return;
        }
        let min = scaling.min_scale.as_ref();
        let max = scaling.max_scale.as_ref();
        let min_value = min.map_or(DEFAULT_SCALE, |m| m.value);
        let max_value = max.map_or(DEFAULT_SCALE, |m| m.value);
        if min_value <= max_value {
            return;
        }
        let diagnostic = match (min, max) {
            (Some(min), Some(max)) => Diagnostic::new(
                &META,
                min.span,
                format!("minScale {} is above maxScale {}", min.value, max.value),
            )
            .with_span_label("above maxScale")
            .with_label(max.span, "maxScale")
            .with_help(format!(
                "lower minScale to at most {}, or raise maxScale to at least {}",
                max.value, min.value
            )),
            (Some(min), None) => Diagnostic::new(
                &META,
                min.span,
                format!(
                    "minScale {} is above maxScale, which defaults to {DEFAULT_SCALE}",
                    min.value
                ),
            )
            .with_span_label("above the default maxScale")
            .with_help(format!("set maxScale to at least {}", min.value)),
            (None, Some(max)) => Diagnostic::new(
                &META,
                max.span,
                format!(
                    "maxScale {} is below minScale, which defaults to {DEFAULT_SCALE}",
                    max.value
                ),
            )
            .with_span_label("below the default minScale")
            .with_help(format!(
                "set minScale to at most {} as well, or raise maxScale to at least {DEFAULT_SCALE}",
                max.value
            )),
            (None, None) => return,
        };
        out.push(diagnostic);
    }
}
