//! `probe-spec`: a probe that checks an unexposed port, or whose thresholds
//! or timing cannot work.

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity};
use landfall_model::{Container, LoadedDocument, Probe, Scalar, Spanned};
use landfall_schema::Kind;

use crate::context::DocumentContext;
use crate::rules::{Reads, Rule};
use landfall_model::quantity::{Quantity, parse_duration};

pub static META: RuleMeta = RuleMeta {
    id: "probe-spec",
    severity: Severity::Error,
    summary: "a probe whose port is not exposed by its container, thresholds out of range (failureThreshold 1-20), timeout not below period",
    docs: r#"## What it checks
Each readiness, liveness and startup probe of each container:

- an `http` or `tcp` probe checks a port its own container exposes in
  `ports`;
- `failureThreshold` is between 1 and 20 (default 3);
- `successThreshold` is at least 1 (default 1), and exactly 1 on liveness
  and startup probes, as Kubernetes requires;
- `timeout` (default 1s) is below `period` (default 10s). A duration that
  does not parse is left to `invalid-quantity`.

## Why
The Control Plane workload reference: the failure threshold "must be
between 1 and 20 inclusive, default is 3", and probes follow the
Kubernetes probe semantics it refers to. A probe on a port the container
does not expose checks nothing the platform routes to (and on most targets
is refused outright), so the replica never becomes ready or is restarted
in a loop. A check that may take as long as the interval between checks
overlaps the next one, so a slow replica is never seen failing in time.

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
      probes:
        readiness: {http: {path: /health, port: 8081}}
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
      probes:
        readiness: {http: {path: /health, port: 8080}}
```
"#,
};

pub struct ProbeSpec;

const FAILURE_THRESHOLD: (i64, i64) = (1, 20);
/// The defaults as written and in milliseconds.
const DEFAULT_PERIOD: (&str, Quantity) = ("10s", Quantity::from_int(10_000));
const DEFAULT_TIMEOUT: (&str, Quantity) = ("1s", Quantity::from_int(1_000));

impl Rule for ProbeSpec {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> Reads {
        Reads::Fields(&[
            (Kind::Workload, "/spec/containers/*/probes"),
            (Kind::Workload, "/spec/containers/*/ports/*/port"),
        ])
    }

    fn check_document(
        &self,
        doc: &LoadedDocument,
        _ctx: &DocumentContext,
        out: &mut Vec<Diagnostic>,
    ) {
        let Some(workload) = doc.doc.as_workload() else {
            return;
        };
        for container in &workload.containers {
            for (kind, probe) in container.probes.iter() {
                check_port(container, kind, probe, out);
                check_thresholds(kind, probe, out);
                check_timing(kind, probe, out);
            }
        }
    }
}

fn check_port(container: &Container, kind: &str, probe: &Probe, out: &mut Vec<Diagnostic>) {
    let Some(port) = probe.action.as_ref().and_then(|a| a.port()) else {
        return;
    };
    if container.ports.iter().any(|p| p.port.value == port.value) {
        return;
    }
    let name = container.name().map_or_else(
        || "its container".to_string(),
        |n| format!("container `{n}`"),
    );
    let mut diagnostic = Diagnostic::new(
        &META,
        port.span,
        format!(
            "the {kind} probe checks port {}, which {name} does not expose",
            port.value
        ),
    )
    .with_span_label("port not exposed");
    diagnostic = match container.ports.first() {
        Some(first) => {
            let exposed: Vec<String> = container
                .ports
                .iter()
                .map(|p| p.port.value.to_string())
                .collect();
            let noun = if exposed.len() == 1 { "port" } else { "ports" };
            diagnostic
                .with_label(
                    first.port.span,
                    format!("{name} exposes {noun} {}", exposed.join(", ")),
                )
                .with_help(format!(
                    "probe one of the exposed ports, or add port {} to `ports`",
                    port.value
                ))
        }
        None => {
            let diagnostic = match &container.name {
                Some(n) => diagnostic.with_label(n.span, "this container exposes no ports"),
                None => diagnostic,
            };
            diagnostic.with_help("use an `exec` probe, or expose the port in `ports`")
        }
    };
    out.push(diagnostic);
}

fn check_thresholds(kind: &str, probe: &Probe, out: &mut Vec<Diagnostic>) {
    if let Some(failure) = &probe.failure_threshold {
        let (min, max) = FAILURE_THRESHOLD;
        if failure.value < min || failure.value > max {
            out.push(
                Diagnostic::new(
                    &META,
                    failure.span,
                    format!(
                        "the {kind} probe's failureThreshold {} is out of range {min}-{max}",
                        failure.value
                    ),
                )
                .with_span_label("out of range")
                .with_help(format!(
                    "set failureThreshold between {min} and {max} (default 3); to tolerate a slow start, add a startup probe instead"
                )),
            );
        }
    }
    if let Some(success) = &probe.success_threshold {
        if success.value < 1 {
            out.push(
                Diagnostic::new(
                    &META,
                    success.span,
                    format!(
                        "the {kind} probe's successThreshold {} is below 1",
                        success.value
                    ),
                )
                .with_span_label("below 1")
                .with_help("set successThreshold to 1 or more (default 1)"),
            );
        } else if success.value != 1 && kind != "readiness" {
            out.push(
                Diagnostic::new(
                    &META,
                    success.span,
                    format!(
                        "a {kind} probe's successThreshold must be 1, not {}",
                        success.value
                    ),
                )
                .with_span_label("must be 1")
                .with_help("one success is enough to end a failure on liveness and startup probes: remove successThreshold or set it to 1"),
            );
        }
    }
}

/// A written duration in milliseconds, `None` when it does not parse
/// (`invalid-quantity` reports it).
fn duration(written: &Spanned<Scalar>) -> Option<Quantity> {
    if written.value.is_number {
        return None;
    }
    parse_duration(&written.value.text).ok()
}

fn check_timing(kind: &str, probe: &Probe, out: &mut Vec<Diagnostic>) {
    let period = match &probe.period {
        Some(p) => match duration(p) {
            Some(ms) => (ms, Some(p)),
            None => return,
        },
        None => (DEFAULT_PERIOD.1, None),
    };
    let timeout = match &probe.timeout {
        Some(t) => match duration(t) {
            Some(ms) => (ms, Some(t)),
            None => return,
        },
        None => (DEFAULT_TIMEOUT.1, None),
    };
    if timeout.0 < period.0 {
        return;
    }
    let diagnostic = match (timeout.1, period.1) {
        (Some(t), Some(p)) => Diagnostic::new(
            &META,
            t.span,
            format!(
                "the {kind} probe's timeout {} is not below its period {}",
                t.value.text, p.value.text
            ),
        )
        .with_span_label("timeout")
        .with_label(p.span, "period"),
        (Some(t), None) => Diagnostic::new(
            &META,
            t.span,
            format!(
                "the {kind} probe's timeout {} is not below its period, which defaults to {}",
                t.value.text, DEFAULT_PERIOD.0
            ),
        )
        .with_span_label("timeout"),
        (None, Some(p)) => Diagnostic::new(
            &META,
            p.span,
            format!(
                "the {kind} probe's period {} is not above its timeout, which defaults to {}",
                p.value.text, DEFAULT_TIMEOUT.0
            ),
        )
        .with_span_label("period"),
        (None, None) => return,
    };
    out.push(diagnostic.with_help(
        "a check must end before the next one starts: make the timeout shorter than the period",
    ));
}
