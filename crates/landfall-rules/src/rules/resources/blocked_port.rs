//! `blocked-port`: a container or probe port in the platform's blocked list.

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity};
use landfall_model::LoadedDocument;
use landfall_schema::Kind;

use super::support::{in_port_range, port_uses};
use crate::context::DocumentContext;
use crate::rules::{Reads, Rule};

pub static META: RuleMeta = RuleMeta {
    id: "blocked-port",
    severity: Severity::Error,
    summary: "a container port, probe port or additional port in the platform's blocked list",
    docs: r#"## What it checks
That no container exposes, and no HTTP or TCP probe checks, a port in the
platform's `blockedPorts`: by default 8012, 8022, 9090, 9091, 15000, 15001,
15006, 15020, 15021, 15090 and 41000. When the Platform document sets
`blockedPorts`, a second label points at the entry that blocks the port.

Each port number is reported once per workload: a probe on a blocked port
that its container also exposes is covered by the finding on the exposed
port, and a port exposed twice is `duplicate-name`'s.

## Why
The Control Plane workload reference: "The ports listed below
are blocked and are not allowed to be used. Containers which attempt to use
these ports will not be able to bind." The platform's own proxies and
agents listen there.

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
        - {port: 9090, protocol: http}
      resources: {cpu: 500m, memory: 512Mi}
      env:
        PORT: "9090"
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
        - {port: 9090, protocol: http}
      resources: {cpu: 500m, memory: 512Mi}
      env:
        PORT: "9090"
---
apiVersion: landfall.dev/v1
kind: Platform
metadata: {name: acme}
spec:
  blockedPorts: [8012, 8022, 15000, 15001, 15006, 15020, 15021, 15090, 41000]
```
"#,
};

pub struct BlockedPort;

impl Rule for BlockedPort {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> Reads {
        Reads::Fields(&[
            (Kind::Workload, "/spec/containers/*/ports/*/port"),
            (Kind::Workload, "/spec/containers/*/probes/*/http/port"),
            (Kind::Workload, "/spec/containers/*/probes/*/tcp/port"),
            (Kind::Platform, "/spec/blockedPorts"),
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
        let blocked = &ctx.platform.blocked_ports;
        for used in port_uses(workload) {
            let number = used.port.value;
            // A port outside 1-65535 is `port-range`'s.
            if !in_port_range(number) {
                continue;
            }
            let Some(entry) = blocked.iter().find(|b| b.value == number) else {
                continue;
            };
            let list = blocked
                .iter()
                .map(|b| b.value.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let mut d = Diagnostic::new(
                &META,
                used.port.span,
                format!("{} is blocked by the platform", used.describe()),
            )
            .with_span_label("blocked port")
            .with_note("containers cannot bind a blocked port: the platform uses it itself")
            .with_help(format!("use a port that is not blocked (blocked: {list})"));
            if let Some(span) = entry.span {
                d = d.with_label(span, "blocked here");
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::{findings, workload};

    #[test]
    fn a_probe_port_is_reported_once_and_only_when_not_exposed() {
        let text = workload(
            "      ports:
        - {port: 8080}
        - {port: 9091}
      probes:
        readiness: {http: {path: /health, port: 9090}}
        liveness: {tcp: {port: 9090}}
        startup: {tcp: {port: 9091}}
",
        );
        assert_eq!(
            findings(&text, "blocked-port"),
            [
                (11, "port 9091 is blocked by the platform".to_string()),
                (
                    13,
                    "readiness probe port 9090 is blocked by the platform".to_string()
                ),
            ]
        );
    }

    #[test]
    fn a_port_exposed_by_two_containers_is_reported_once() {
        let text = workload(
            "      ports: [{port: 9090}]
    - name: sidecar
      image: registry.example.com/shop/sidecar:2.4.2
      ports: [{port: 9090}]
",
        );
        assert_eq!(findings(&text, "blocked-port").len(), 1);
    }
}
