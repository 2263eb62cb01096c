//! `workload-ports`: the exposed ports do not fit the workload type.

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity};
use landfall_model::{Container, LoadedDocument, Port, Protocol, WorkloadType};
use landfall_schema::Kind;

use super::support;
use crate::context::DocumentContext;
use crate::rules::{Reads, Rule};

pub static META: RuleMeta = RuleMeta {
    id: "workload-ports",
    severity: Severity::Error,
    summary: "serverless without exactly one exposed HTTP port; cron with any exposed port; more than one container serving traffic",
    docs: r#"## What it checks
That the ports a workload exposes fit its type:

- a **serverless** workload exposes exactly one port, and that port serves
  HTTP: `http`, `http2` or `grpc` (gRPC runs over HTTP/2); `tcp` is not
  HTTP. A port without `protocol` is `http`;
- a **cron** workload exposes no port at all;
- in a workload of any type, at most one container serves traffic (exposes
  ports). A **standard** workload may expose several ports from that one
  container, or none.

## Why
The Control Plane workload reference: "Serverless workloads must
expose one HTTP port", cron workloads are "unable to expose any ports",
only standard workloads "allow multiple exposed ports", and "if a workload
has more than one container, only one can serve traffic". A serverless
workload is woken and scaled by the HTTP requests it receives, so it needs
exactly one port those requests go to; a cron job is never sent traffic.

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
  type: serverless
  containers:
    - name: api
      image: registry.example.com/shop/api:2.4.2
      ports:
        - {port: 8080, protocol: http}
        - {port: 8081, protocol: http}
      resources: {cpu: 500m, memory: 512Mi}
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
  type: serverless
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

pub struct WorkloadPorts;

/// Whether a port serves HTTP (gRPC runs over HTTP/2).
fn is_http(port: &Port) -> bool {
    matches!(
        port.protocol(),
        Protocol::Http | Protocol::Http2 | Protocol::Grpc
    )
}

fn name(container: &Container) -> String {
    container
        .name()
        .map_or_else(|| "a container".to_string(), |n| format!("`{n}`"))
}

fn list(ports: &[Port]) -> String {
    let numbers: Vec<String> = ports.iter().map(|p| p.port.value.to_string()).collect();
    numbers.join(", ")
}

impl Rule for WorkloadPorts {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> Reads {
        Reads::Fields(&[
            (Kind::Workload, "/spec/type"),
            (Kind::Workload, "/spec/containers/*/ports"),
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
        if ty.value == WorkloadType::Cron {
            for container in &workload.containers {
                for port in &container.ports {
                    out.push(
                        Diagnostic::new(
                            &META,
                            port.port.span,
                            format!(
                                "cron workloads cannot expose ports: {} exposes port {}",
                                name(container),
                                port.port.value
                            ),
                        )
                        .with_span_label("exposed port")
                        .with_label(ty.span, "a cron workload runs to completion and receives no traffic")
                        .with_help("remove the port; a workload that serves traffic is `standard` or `serverless`"),
                    );
                }
            }
            return;
        }
        let mut serving = workload.containers.iter().filter(|c| !c.ports.is_empty());
        let Some(first) = serving.next() else {
            if ty.value == WorkloadType::Serverless {
                out.push(
                    Diagnostic::new(
                        &META,
                        ty.span,
                        "a serverless workload must expose exactly one HTTP port, and none of its containers exposes a port",
                    )
                    .with_span_label("serverless")
                    .with_help("add the port the container serves HTTP on, such as `ports: [{port: 8080, protocol: http}]`, or make it a `standard` workload"),
                );
            }
            return;
        };
        for other in serving {
            let port = &other.ports[0];
            out.push(
                Diagnostic::new(
                    &META,
                    port.port.span,
                    format!(
                        "only one container of a workload can serve traffic: {} exposes port {}, but {} already exposes {}",
                        name(other),
                        port.port.value,
                        name(first),
                        list(&first.ports)
                    ),
                )
                .with_span_label("second container serving traffic")
                .with_label(first.ports[0].port.span, format!("{} serves traffic here", name(first)))
                .with_help("expose every port from one container, or move the other container into a workload of its own"),
            );
        }
        if ty.value != WorkloadType::Serverless {
            return;
        }
        for extra in &first.ports[1..] {
            out.push(
                Diagnostic::new(
                    &META,
                    extra.port.span,
                    format!(
                        "a serverless workload exposes exactly one port, but {} exposes {}",
                        name(first),
                        list(&first.ports)
                    ),
                )
                .with_span_label("second port")
                .with_label(first.ports[0].port.span, "the port serving HTTP")
                .with_label(ty.span, "serverless")
                .with_help("serve everything on one HTTP port, or make it a `standard` workload, which may expose several"),
            );
        }
        let port = &first.ports[0];
        if !is_http(port) {
            let span = port.protocol.as_ref().map_or(port.port.span, |p| p.span);
            out.push(
                Diagnostic::new(
                    &META,
                    span,
                    format!(
                        "a serverless workload must expose an HTTP port, but port {} is {}",
                        port.port.value,
                        port.protocol()
                    ),
                )
                .with_span_label("not HTTP")
                .with_label(ty.span, "serverless")
                .with_help("serverless workloads are woken and scaled by HTTP requests: use `http`, `http2` or `grpc`, or make it a `standard` workload"),
            );
        }
    }
}
