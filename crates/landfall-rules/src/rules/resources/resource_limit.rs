//! `resource-limit`: a container's CPU or memory outside the platform's
//! min/max.

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity};
use landfall_model::{Container, LoadedDocument};
use landfall_schema::Kind;

use super::support::{
    QuantityKind, Resource, container_anchor, container_cpu, container_label, container_memory,
    show_bytes, show_millicores,
};
use crate::context::{DocumentContext, Setting};
use crate::rules::{Reads, Rule};
use landfall_model::quantity::Quantity;

pub static META: RuleMeta = RuleMeta {
    id: "resource-limit",
    severity: Severity::Error,
    summary: "CPU or memory outside the platform's min/max (by default Control Plane's: CPU 0-8000 millicores, memory 1-8192 MiB)",
    docs: r#"## What it checks
That every container's CPU and memory lie within the platform's range,
bounds included: `Platform.spec.resources.cpu` and `.memory` `min`/`max`,
by default CPU from `0m` to `8000m` and memory from `1Mi` to `8Gi`. A
container that leaves `cpu` or `memory` out gets the defaults `50m` and
`128Mi`, and those are checked too (a Platform with a CPU minimum of
`100m` rejects a container that sets no CPU). When the Platform document
sets the bound, a second label points at it.

A memory written as a plain number is bytes: `memory: 512` is 512 bytes,
below the minimum, and the help suggests `512Mi`.

## Why
The Control Plane workload reference allows CPU from 0 to 8000
millicores and memory from 1 to 8192 MiB per container; a workload outside
that range is rejected when it is deployed.

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
      resources: {cpu: 4000m, memory: 16Gi}
      env:
        PORT: "8080"
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
      resources: {cpu: 2000m, memory: 8Gi}
      env:
        PORT: "8080"
```
"#,
};

pub struct ResourceLimit;

impl Rule for ResourceLimit {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> Reads {
        Reads::Fields(&[
            (Kind::Workload, "/spec/containers/*/resources/cpu"),
            (Kind::Workload, "/spec/containers/*/resources/memory"),
            (Kind::Platform, "/spec/resources/cpuMin"),
            (Kind::Platform, "/spec/resources/cpuMax"),
            (Kind::Platform, "/spec/resources/memoryMin"),
            (Kind::Platform, "/spec/resources/memoryMax"),
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
        let platform = ctx.platform;
        for container in &workload.containers {
            if let Some(cpu) = container_cpu(container) {
                check(
                    out,
                    container,
                    cpu,
                    QuantityKind::Cpu,
                    &platform.cpu_min,
                    &platform.cpu_max,
                );
            }
            if let Some(memory) = container_memory(container) {
                check(
                    out,
                    container,
                    memory,
                    QuantityKind::Memory,
                    &platform.memory_min,
                    &platform.memory_max,
                );
            }
        }
    }
}

fn check(
    out: &mut Vec<Diagnostic>,
    container: &Container,
    value: Resource,
    kind: QuantityKind,
    min: &Setting<Quantity>,
    max: &Setting<Quantity>,
) {
    let (bound, word) = if value.value < min.value {
        (min, "minimum")
    } else if value.value > max.value {
        (max, "maximum")
    } else {
        return;
    };
    let show = |q: Quantity| match kind {
        QuantityKind::Cpu => show_millicores(q),
        QuantityKind::Memory => show_bytes(q),
    };
    let (what, field) = match kind {
        QuantityKind::Cpu => ("CPU", "cpu"),
        QuantityKind::Memory => ("memory", "memory"),
    };
    let relation = if word == "minimum" { "below" } else { "above" };
    let limit = show(bound.value);
    let range = format!("from {} to {}", show(min.value), show(max.value));
    let mut d = match value.written {
        Some(written) => {
            let mut shown = value.shown(kind);
            let canonical = show(value.value);
            if shown != canonical {
                shown = format!("{shown} ({canonical})");
            }
            let d = Diagnostic::new(
                &META,
                written.span,
                format!("{what} {shown} is {relation} the platform's {word} of {limit}"),
            )
            .with_span_label(format!("{relation} {limit}"));
            let bare_bytes = kind == QuantityKind::Memory
                && written
                    .value
                    .text
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b'.')
                && word == "minimum";
            if bare_bytes {
                d.with_help(format!(
                    "a memory without a unit is bytes: did you mean `{}Mi`? The platform allows memory {range}",
                    written.value.text
                ))
            } else {
                d.with_help(format!("the platform allows {what} {range}"))
            }
        }
        None => {
            let shown = value.shown(kind);
            Diagnostic::new(
                &META,
                container_anchor(container),
                format!(
                    "{what} defaults to {shown} (resources.{field} is not set), {relation} the platform's {word} of {limit}"
                ),
            )
            .with_span_label(format!("{} gets {shown} of {what}", container_label(container)))
            .with_help(format!(
                "set resources.{field}: the platform allows {what} {range}"
            ))
        }
    };
    if let Some(span) = bound.span {
        d = d.with_label(span, format!("the platform's {word}"));
    }
    out.push(d);
}

#[cfg(test)]
mod tests {
    use super::super::support::{findings, workload};

    fn limit(resources: &str) -> Vec<(u32, String)> {
        let text = workload(&format!("      resources: {resources}\n"));
        findings(&text, "resource-limit")
    }

    #[test]
    fn bounds_are_included() {
        assert!(limit("{cpu: 8000m, memory: 8Gi}").is_empty());
        assert!(limit("{cpu: 0m, memory: 1Mi}").is_empty());
        assert!(limit("{cpu: 8, memory: 8192Mi}").is_empty());
        assert_eq!(
            limit("{cpu: 8001m, memory: 8Gi}"),
            [(
                9,
                "CPU 8001m is above the platform's maximum of 8000m".to_string()
            )]
        );
        assert_eq!(
            limit("{cpu: 1, memory: 1023Ki}"),
            [(
                9,
                "memory 1023Ki is below the platform's minimum of 1Mi".to_string()
            )]
        );
    }

    #[test]
    fn values_that_do_not_parse_are_left_to_invalid_quantity() {
        assert!(limit("{cpu: 9Gi, memory: 1e999}").is_empty());
    }
}
