//! `port-range`: a container or probe port outside 1-65535.

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity};
use landfall_model::LoadedDocument;
use landfall_schema::Kind;

use super::support::{in_port_range, port_uses};
use crate::context::DocumentContext;
use crate::rules::{Reads, Rule};

pub static META: RuleMeta = RuleMeta {
    id: "port-range",
    severity: Severity::Error,
    summary: "a port outside 1-65535",
    docs: r#"## What it checks
That every port a container exposes and every port an HTTP or TCP probe
checks is a TCP port number: from 1 to 65535. Each port number is reported
once per workload: a probe on a port that its container also exposes is
covered by the finding on the exposed port.

## Why
TCP and UDP ports are 16-bit numbers and port 0 means "any port": a
container cannot listen on anything else, and the target rejects the
workload when it is deployed.

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
        - {port: 80800, protocol: http}
      resources: {cpu: 500m, memory: 512Mi}
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

pub struct PortRange;

impl Rule for PortRange {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> Reads {
        Reads::Fields(&[
            (Kind::Workload, "/spec/containers/*/ports/*/port"),
            (Kind::Workload, "/spec/containers/*/probes/*/http/port"),
            (Kind::Workload, "/spec/containers/*/probes/*/tcp/port"),
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
        for used in port_uses(workload) {
            let number = used.port.value;
            if in_port_range(number) {
                continue;
            }
            let label = if number == 0 {
                "0 means any free port"
            } else if number < 0 {
                "ports are not negative"
            } else {
                "above 65535"
            };
            out.push(
                Diagnostic::new(
                    &META,
                    used.port.span,
                    format!("{} is outside 1-65535", used.describe()),
                )
                .with_span_label(label)
                .with_help("a port is a number from 1 to 65535"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::{findings, workload};

    #[test]
    fn probe_ports_are_checked_too() {
        let text = workload(
            "      ports: [{port: 8080}, {port: 0}]
      probes:
        readiness: {http: {path: /health, port: 70000}}
        liveness: {tcp: {port: 0}}
",
        );
        assert_eq!(
            findings(&text, "port-range"),
            [
                (9, "port 0 is outside 1-65535".to_string()),
                (
                    11,
                    "readiness probe port 70000 is outside 1-65535".to_string()
                ),
            ]
        );
        assert!(findings(&text, "blocked-port").is_empty());
    }
}
