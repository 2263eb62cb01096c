//! `invalid-quantity`: a CPU, memory or duration that does not parse.

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity};
use landfall_model::{Document, LoadedDocument, Scalar, Spanned};

use landfall_schema::Kind;
use landfall_yaml::value_range_span;

use super::support::{Problem, QuantityKind, parse_duration_value, parse_resource};
use crate::context::DocumentContext;
use crate::rules::{Reads, Rule};

pub static META: RuleMeta = RuleMeta {
    id: "invalid-quantity",
    severity: Severity::Error,
    summary: "a CPU, memory or duration that does not parse",
    docs: r#"## What it checks
Every quantity and duration a document writes:

- a container's `resources.cpu` and `resources.memory`, and the Platform's
  `resources.cpu` and `resources.memory` `min`/`max`. Quantities follow
  Kubernetes: CPU as millicores (`500m`) or cores (`0.5`, `2`; a YAML
  number is cores), memory as bytes with an optional unit `k M G T P E`
  (powers of 1000) or `Ki Mi Gi Ti Pi Ei` (powers of 1024), or an exponent
  (`129e6`; a YAML number is bytes). Two spellings that Kubernetes accepts
  but nobody means are reported too: CPU with a memory unit (`1Gi`) and
  memory in millibytes (`500m`, which is half a byte: did you mean
  `500Mi`?);
- the durations: the workload's `timeout`, a probe's `initialDelay`,
  `period` and `timeout`, `scaling.scaleToZeroDelay`, and an Application's
  `upgradeFrom[].healthyTime`. A duration is a number and a unit (`ns`,
  `us`, `ms`, `s`, `m`, `h`), or several of them as in `1h30m`.

The finding points at the character where the value stops making sense,
and says what was expected; a mistyped memory unit (`512MB`, `1gb`,
`512MiB`) gets a did-you-mean.

## Why
A quantity the target cannot read fails the deployment, and one it reads
differently from what was meant (`500m` of memory) fails it at run time.
The syntax is the Kubernetes quantity syntax that the Control Plane
workload reference uses for CPU and memory.

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
      resources: {cpu: 500m, memory: 512MB}
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
      resources: {cpu: 500m, memory: 512Mi}
      env:
        PORT: "8080"
```
"#,
};

pub struct InvalidQuantity;

impl Rule for InvalidQuantity {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> Reads {
        Reads::Fields(&[
            (Kind::Workload, "/spec/containers/*/resources/cpu"),
            (Kind::Workload, "/spec/containers/*/resources/memory"),
            (Kind::Workload, "/spec/containers/*/probes/*/initialDelay"),
            (Kind::Workload, "/spec/containers/*/probes/*/period"),
            (Kind::Workload, "/spec/containers/*/probes/*/timeout"),
            (Kind::Workload, "/spec/scaling/scaleToZeroDelay"),
            (Kind::Workload, "/spec/timeout"),
            (Kind::Application, "/spec/upgradeFrom/*/healthyTime"),
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
        match &doc.doc {
            Document::Workload(workload) => {
                for container in &workload.containers {
                    resource(
                        ctx,
                        out,
                        container.resources.cpu.as_ref(),
                        QuantityKind::Cpu,
                    );
                    resource(
                        ctx,
                        out,
                        container.resources.memory.as_ref(),
                        QuantityKind::Memory,
                    );
                    for (name, probe) in container.probes.iter() {
                        for (field, value) in [
                            ("initialDelay", &probe.initial_delay),
                            ("period", &probe.period),
                            ("timeout", &probe.timeout),
                        ] {
                            // The label is only worded for a finding.
                            if value.is_some() {
                                duration(
                                    ctx,
                                    out,
                                    &format!("{name} probe {field}"),
                                    value.as_ref(),
                                );
                            }
                        }
                    }
                }
                if let Some(scaling) = &workload.scaling {
                    duration(
                        ctx,
                        out,
                        "scaleToZeroDelay",
                        scaling.scale_to_zero_delay.as_ref(),
                    );
                }
                duration(ctx, out, "timeout", workload.timeout.as_ref());
            }
            Document::Application(application) => {
                for rule in &application.upgrade_from {
                    duration(ctx, out, "healthyTime", rule.healthy_time.as_ref());
                }
            }
            Document::Platform(platform) => {
                let r = &platform.resources;
                resource(ctx, out, r.cpu_min.as_ref(), QuantityKind::Cpu);
                resource(ctx, out, r.cpu_max.as_ref(), QuantityKind::Cpu);
                resource(ctx, out, r.memory_min.as_ref(), QuantityKind::Memory);
                resource(ctx, out, r.memory_max.as_ref(), QuantityKind::Memory);
            }
            Document::Scope(_) | Document::ScopeType(_) => {}
        }
    }
}

fn resource(
    ctx: &DocumentContext,
    out: &mut Vec<Diagnostic>,
    value: Option<&Spanned<Scalar>>,
    kind: QuantityKind,
) {
    if let Some(value) = value
        && let Err(problem) = parse_resource(kind, &value.value)
    {
        out.push(report(ctx, value, problem));
    }
}

fn duration(
    ctx: &DocumentContext,
    out: &mut Vec<Diagnostic>,
    what: &str,
    value: Option<&Spanned<Scalar>>,
) {
    if let Some(value) = value
        && let Err(problem) = parse_duration_value(what, &value.value)
    {
        out.push(report(ctx, value, problem));
    }
}

fn report(ctx: &DocumentContext, value: &Spanned<Scalar>, problem: Problem) -> Diagnostic {
    // The character at the problem's offset; the whole value when there is
    // none (a problem with the value as a whole, or at its end).
    let text = value.value.text.as_str();
    let at = problem
        .offset
        .and_then(|o| Some(o..o + text.get(o..)?.chars().next()?.len_utf8()));
    let span = match at {
        Some(range) => value_range_span(ctx.text(value.span), value.span, text, range),
        None => value.span,
    };
    Diagnostic::new(&META, span, problem.message)
        .with_span_label(problem.label)
        .with_help(problem.help)
}

#[cfg(test)]
mod tests {
    use super::super::support::{findings, workload};

    #[test]
    fn the_span_starts_at_the_breaking_character() {
        let text = workload("      resources: {cpu: \"500m\", memory: '512MiB'}\n");
        let (_, outcome) = crate::testing::check_files(&[("shop.yaml", text.as_str())], true);
        let d: Vec<_> = outcome
            .diagnostics
            .iter()
            .filter(|d| d.rule == "invalid-quantity")
            .collect();
        assert_eq!(d.len(), 1);
        let start = d[0].span.start as usize;
        assert_eq!(&text[start..d[0].span.end as usize], "B");
        assert!(findings(&text, "cpu-memory-ratio").is_empty());
    }

    #[test]
    fn every_duration_field_is_checked() {
        let text = workload(
            "      probes:
        readiness: {exec: {command: [/bin/check]}, initialDelay: 1x, period: 1x, timeout: 1x}
  scaling: {scaleToZeroDelay: 1x}
  timeout: 1x
",
        );
        let lines: Vec<u32> = findings(&text, "invalid-quantity")
            .into_iter()
            .map(|(line, _)| line)
            .collect();
        assert_eq!(lines, [10, 10, 10, 11, 12]);
    }

    #[test]
    fn odd_values_never_panic() {
        let odd = [
            "\"\"",
            "''",
            "+",
            "-",
            ".",
            "e",
            "1e",
            "1e+",
            "1e-x",
            "1.2.3",
            "µ",
            "5µs",
            "1µ",
            "\"\\u00b5s\"",
            "1..5s",
            "..s",
            "99999999999999999999999999h",
            "1e99999999999",
            "0e999",
            "\"1Ei\"",
            "-0",
            "|\n        12Mi",
            "\"mi\"",
            "0x10",
            ".inf",
            "-.inf",
            ".nan",
            "9223372036854775807",
            "-9223372036854775808",
        ];
        for value in odd {
            let text = workload(&format!(
                "      ports: [{{port: {value}}}]
      resources:
        cpu: {value}
        memory: {value}
      env:
        PORT: {value}
      probes:
        readiness:
          exec: {{command: [/bin/check]}}
          period: {value}
  timeout: {value}
"
            ));
            for rule in [
                "invalid-quantity",
                "resource-limit",
                "cpu-memory-ratio",
                "port-range",
                "port-env-mismatch",
                "timeout-range",
            ] {
                let _ = findings(&text, rule);
            }
        }
    }
}
