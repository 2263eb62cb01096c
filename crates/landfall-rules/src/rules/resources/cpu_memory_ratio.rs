//! `cpu-memory-ratio`: a container's CPU below memory / maxMemoryPerCpu.

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity};
use landfall_model::LoadedDocument;
use landfall_schema::Kind;

use super::support::{
    QuantityKind, container_anchor, container_cpu, container_label, container_memory, less,
    show_bytes, show_millicores, show_millicores_up,
};
use crate::context::DocumentContext;
use crate::rules::{Reads, Rule};
use landfall_model::quantity::Quantity;

pub static META: RuleMeta = RuleMeta {
    id: "cpu-memory-ratio",
    severity: Severity::Error,
    summary: "CPU below memory / maxMemoryPerCpu: \"the ratio between CPU and memory can be at most 1/8; with 512Mi, CPU must be at least 64 millicores\" (the Control Plane workload reference)",
    docs: r#"## What it checks
That every container has enough CPU for its memory: CPU in millicores must
be at least memory in MiB divided by the platform's
`resources.maxMemoryPerCpu` (MiB per millicore, 8 by default). With the
default, `512Mi` needs at least `64m` and `1Gi` at least `128m`.

A container that leaves `cpu` or `memory` out gets the defaults `50m` and
`128Mi`. The CPU needed is shown rounded up to a whole millicore, the
finest CPU Kubernetes accepts. The finding points at the CPU; when the CPU
is not set, at the memory, and the message says that the default `50m` was
used. When the Platform document sets `maxMemoryPerCpu`, a second label
points at it.

## Why
The Control Plane workload reference: "The ratio between CPU to
Memory can be at most 1/8. For example: If memory is set to 512Mi, CPU must
be at least 64 Millicores." A workload that breaks the ratio is rejected
when it is deployed.

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
      resources: {cpu: 50m, memory: 512Mi}
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
      resources: {cpu: 64m, memory: 512Mi}
      env:
        PORT: "8080"
```
"#,
};

pub struct CpuMemoryRatio;

const MIB: f64 = 1024.0 * 1024.0;

impl Rule for CpuMemoryRatio {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> Reads {
        Reads::Fields(&[
            (Kind::Workload, "/spec/containers/*/resources/cpu"),
            (Kind::Workload, "/spec/containers/*/resources/memory"),
            (Kind::Platform, "/spec/resources/maxMemoryPerCpu"),
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
        let ratio = &ctx.platform.max_memory_per_cpu;
        if !(ratio.value.is_finite() && ratio.value > 0.0) {
            return;
        }
        for container in &workload.containers {
            let (Some(cpu), Some(memory)) = (container_cpu(container), container_memory(container))
            else {
                continue;
            };
            // A negative value is a `resource-limit` finding, not a ratio one.
            if cpu.value.0 < 0.0 || memory.value.0 < 0.0 {
                continue;
            }
            let needed = memory.value.mebibytes() / ratio.value;
            let got = cpu.value.millicores();
            if !less(got, needed) {
                continue;
            }
            let needed_shown = show_millicores_up(needed);
            let got_shown = show_millicores(got);
            let memory_shown = memory.shown(QuantityKind::Memory);
            let memory_phrase = if memory.written.is_some() {
                memory_shown.clone()
            } else {
                format!("{memory_shown} (the default memory)")
            };
            let cpu_phrase = match cpu.written {
                Some(w) if w.value.text != got_shown => format!("{} ({got_shown})", w.value.text),
                Some(_) => got_shown.clone(),
                None => format!("the default {got_shown} (resources.cpu is not set)"),
            };
            let message =
                format!("{memory_phrase} needs at least {needed_shown} CPU, got {cpu_phrase}");
            let mut d = match (cpu.written, memory.written) {
                (Some(c), _) => Diagnostic::new(&META, c.span, message)
                    .with_span_label(format!("needs at least {needed_shown}")),
                (None, Some(m)) => Diagnostic::new(&META, m.span, message).with_span_label(
                    format!("needs at least {needed_shown} CPU, the default is {got_shown}"),
                ),
                (None, None) => Diagnostic::new(&META, container_anchor(container), message)
                    .with_span_label(format!(
                        "{} gets the default {got_shown} CPU and {memory_shown} of memory",
                        container_label(container)
                    )),
            };
            if let (Some(_), Some(m)) = (cpu.written, memory.written) {
                d = d.with_label(m.span, format!("{memory_shown} of memory"));
            }
            if let Some(span) = ratio.span {
                d = d.with_label(span, format!("at most {} MiB per millicore", ratio.value));
            }
            let lower = if got > 0.0 {
                let most = Quantity(got * ratio.value * MIB);
                format!(
                    ", or lower resources.memory to at most {}",
                    show_bytes(most)
                )
            } else {
                String::new()
            };
            d = d
                .with_note(format!(
                    "the platform allows at most {} MiB of memory per millicore of CPU: the ratio between CPU and memory can be at most 1/{}",
                    ratio.value, ratio.value
                ))
                .with_help(format!(
                    "set resources.cpu to at least {needed_shown}{lower}"
                ));
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::{findings, workload};

    fn ratio(resources: &str) -> Vec<(u32, String)> {
        let text = workload(&format!("      resources: {resources}\n"));
        findings(&text, "cpu-memory-ratio")
    }

    #[test]
    fn the_seed_example() {
        assert!(ratio("{cpu: 64m, memory: 512Mi}").is_empty());
        assert_eq!(
            ratio("{cpu: 63m, memory: 512Mi}"),
            [(9, "512Mi needs at least 64m CPU, got 63m".to_string())]
        );
    }

    #[test]
    fn defaults_fill_what_is_left_out() {
        assert!(ratio("{memory: 400Mi}").is_empty());
        assert_eq!(
            ratio("{memory: 401Mi}"),
            [(
                9,
                "401Mi needs at least 51m CPU, got the default 50m (resources.cpu is not set)"
                    .to_string()
            )]
        );
        assert!(ratio("{cpu: 16m}").is_empty());
        assert_eq!(ratio("{cpu: 15m}").len(), 1);
    }

    #[test]
    fn memory_as_a_number_is_bytes() {
        assert!(ratio("{cpu: 64m, memory: 536870912}").is_empty());
        assert_eq!(
            ratio("{cpu: 50m, memory: 536870912}"),
            [(9, "512Mi needs at least 64m CPU, got 50m".to_string())]
        );
    }

    #[test]
    fn values_that_do_not_parse_are_left_to_invalid_quantity() {
        assert!(ratio("{cpu: 1m, memory: 512MB}").is_empty());
        assert!(ratio("{cpu: lots, memory: 8Gi}").is_empty());
    }
}
