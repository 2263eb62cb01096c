//! `port-env-mismatch`: `PORT` in a container's env set to another port
//! than the one the container exposes.

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity};
use landfall_model::{LoadedDocument, variable_references};
use landfall_schema::Kind;

use super::support::in_port_range;
use crate::context::DocumentContext;
use crate::rules::{Reads, Rule};

pub static META: RuleMeta = RuleMeta {
    id: "port-env-mismatch",
    severity: Severity::Error,
    summary: "`PORT` set in env to a value other than the exposed port",
    docs: r#"## What it checks
That a container which exposes ports and sets `PORT` in its `env` sets it
to the port it exposes. The platform injects `PORT` itself, as the
container's first exposed port, so with several ports `PORT` is compared
with the first one in `ports`.

A container that exposes no port may set `PORT` to anything. A value that
references a variable (`PORT: ${PORT}`) is not known when the tree is
checked and is not compared. The value is read as a number, so `"08080"`
is port 8080.

## Why
The Control Plane workload reference: "The PORT environment
variable is provided at runtime and available to a container. It can be
assigned as a custom environment variable in all cases except when the
container is exposed and the value doesn't match that of the exposed port."
An application that listens on `PORT` would otherwise listen where no
traffic is sent.

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
        PORT: "3000"
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

pub struct PortEnvMismatch;

impl Rule for PortEnvMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> Reads {
        Reads::Fields(&[
            (Kind::Workload, "/spec/containers/*/ports/*/port"),
            (Kind::Workload, "/spec/containers/*/env/PORT"),
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
            let Some(first) = container.ports.first() else {
                continue;
            };
            let exposed = first.port.value;
            // An impossible port is `port-range`'s; comparing with it says nothing.
            if !in_port_range(exposed) {
                continue;
            }
            let Some((_, value)) = container.env.iter().find(|(name, _)| name.value == "PORT")
            else {
                continue;
            };
            if !variable_references(&value.value).is_empty() {
                continue;
            }
            if value.value.trim().parse::<i64>().ok() == Some(exposed) {
                continue;
            }
            let several = container.ports.len() > 1;
            let exposes = if several {
                format!("the container's first exposed port is {exposed}")
            } else {
                format!("the container exposes port {exposed}")
            };
            let mut d = Diagnostic::new(
                &META,
                value.span,
                format!("PORT is set to \"{}\" but {exposes}", value.value),
            )
            .with_span_label(format!("not {exposed}"))
            .with_label(first.port.span, "the platform sets PORT to this port")
            .with_help(format!(
                "set PORT to \"{exposed}\", or leave it out: the platform sets it"
            ));
            if several {
                d = d.with_note(
                    "with several ports, the platform sets PORT to the first one listed",
                );
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::{findings, workload};

    fn port_env(ports: &str, value: &str) -> Vec<(u32, String)> {
        let text = workload(&format!(
            "      ports: {ports}\n      env:\n        PORT: {value}\n"
        ));
        findings(&text, "port-env-mismatch")
    }

    #[test]
    fn the_value_is_read_as_a_number() {
        assert!(port_env("[{port: 8080}]", "\"8080\"").is_empty());
        assert!(port_env("[{port: 8080}]", "\"08080\"").is_empty());
        assert!(port_env("[{port: 8080}]", "' 8080 '").is_empty());
        assert_eq!(port_env("[{port: 8080}]", "http").len(), 1);
        assert_eq!(port_env("[{port: 8080}]", "\"\"").len(), 1);
    }

    #[test]
    fn variables_and_containers_without_ports_are_not_compared() {
        assert!(port_env("[{port: 8080}]", "${API_PORT}").is_empty());
        assert!(port_env("[{port: 8080}]", "\"80${SUFFIX}\"").is_empty());
        assert!(port_env("[]", "\"3000\"").is_empty());
    }

    #[test]
    fn several_ports_compare_with_the_first() {
        assert!(port_env("[{port: 8080}, {port: 9000}]", "\"8080\"").is_empty());
        assert_eq!(
            port_env("[{port: 8080}, {port: 9000}]", "\"9000\""),
            [(
                11,
                "PORT is set to \"9000\" but the container's first exposed port is 8080"
                    .to_string()
            )]
        );
    }

    #[test]
    fn an_impossible_first_port_is_left_to_port_range() {
        assert!(port_env("[{port: 0}]", "\"3000\"").is_empty());
    }
}
