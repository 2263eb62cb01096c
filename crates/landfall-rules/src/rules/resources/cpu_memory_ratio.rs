//! `cpu-memory-ratio`: a container's CPU below memory / maxMemoryPerCpu.

use std::cmp::Ordering;

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity};
use landfall_model::LoadedDocument;
use landfall_schema::Kind;

use super::support::{
    QuantityKind, container_anchor, container_cpu, container_label, container_memory, show_bytes,
    show_millicores,
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

/// Bytes in a MiB.
const MIB: Quantity = Quantity::from_int(1 << 20);
/// Millicores in a core.
const MILLICORES: Quantity = Quantity::from_int(1000);

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
        // The number as written, exactly (its shortest decimal).
        let Some(per_millicore) = Quantity::from_f64(ratio.value)
            .filter(|r| *r > Quantity::ZERO)
            .and_then(|r| r.checked_mul(MIB).ok())
        else {
            return;
        };
        for container in &workload.containers {
            let (Some(cpu), Some(memory)) = (container_cpu(container), container_memory(container))
            else {
                continue;
            };
            // A negative value is a `resource-limit` finding, not a ratio one.
            if cpu.value.is_negative() || memory.value.is_negative() {
                continue;
            }
            // Exactly: CPU in millicores × bytes per millicore ≥ memory.
            let enough =
                Quantity::cmp_products(&[cpu.value, MILLICORES, per_millicore], &[memory.value]);
            if enough != Ordering::Less {
                continue;
            }
            let Some(needed) = needed_millicores(memory.value, per_millicore) else {
                continue;
            };
            let needed_shown = format!("{needed}m");
            let got_shown = show_millicores(cpu.value);
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
            // The most memory this CPU allows, in whole bytes.
            let most = cpu
                .value
                .checked_mul(MILLICORES)
                .and_then(|millicores| millicores.checked_mul(per_millicore))
                .map(Quantity::floor);
            let lower = match most {
                Ok(most) if most > Quantity::ZERO => format!(
                    ", or lower resources.memory to at most {}",
                    show_bytes(most)
                ),
                _ => String::new(),
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

/// The least whole number of millicores that `memory` needs at
/// `per_millicore` bytes per millicore: the quotient to 38 digits, rounded
/// up, then moved by the exact products until it is the least that is
/// enough (the rounded quotient is off by at most one).
fn needed_millicores(memory: Quantity, per_millicore: Quantity) -> Option<Quantity> {
    let enough =
        |n: Quantity| Quantity::cmp_products(&[n, per_millicore], &[memory]) != Ordering::Less;
    let one = Quantity::from_int(1);
    let mut needed = memory.div_rounded(per_millicore)?.ok()?.ceil();
    while !enough(needed) {
        needed = needed.checked_add(one).ok()?;
    }
    while needed > Quantity::ZERO {
        let fewer = needed.checked_sub(one).ok()?;
        if !enough(fewer) {
            break;
        }
        needed = fewer;
    }
    Some(needed)
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
    fn the_ratio_is_compared_exactly() {
        // 0.1 cores is exactly 100 millicores, enough for 800Mi.
        assert!(ratio("{cpu: 0.1, memory: 800Mi}").is_empty());
        assert_eq!(
            ratio("{cpu: 0.1, memory: 800.000001Mi}"),
            [(
                9,
                "800.000001Mi needs at least 101m CPU, got 0.1 (100m)".to_string()
            )]
        );
        // 16.001G needs 1907.5 millicores, shown rounded up.
        assert!(ratio("{cpu: 1.9075, memory: 16.001G}").is_empty());
        assert_eq!(
            ratio("{cpu: 1.9074, memory: 16.001G}"),
            [(
                9,
                "16.001G needs at least 1908m CPU, got 1.9074 (1907.4m)".to_string()
            )]
        );
    }

    #[test]
    fn a_fractional_platform_ratio_is_exact() {
        let platform = "apiVersion: landfall.dev/v1
kind: Platform
metadata: {name: tight}
spec:
  resources: {maxMemoryPerCpu: 0.3}
---
";
        let with = |resources: &str| {
            let text = format!(
                "{platform}{}",
                workload(&format!("      resources: {resources}\n"))
            );
            findings(&text, "cpu-memory-ratio")
        };
        // 3Mi at 0.3 MiB per millicore is exactly 10 millicores.
        assert!(with("{cpu: 10m, memory: 3Mi}").is_empty());
        assert_eq!(
            with("{cpu: 10m, memory: 3145729}"),
            [(
                15,
                "3145729 bytes needs at least 11m CPU, got 10m".to_string()
            )]
        );
    }

    #[test]
    fn values_that_do_not_parse_are_left_to_invalid_quantity() {
        assert!(ratio("{cpu: 1m, memory: 512MB}").is_empty());
        assert!(ratio("{cpu: lots, memory: 8Gi}").is_empty());
    }
}
