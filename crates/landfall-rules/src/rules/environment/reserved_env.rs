//! `reserved-env`: a container sets an environment variable the platform
//! (or landfall itself) reserves.

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity};
use landfall_model::LoadedDocument;
use landfall_schema::Kind;

use super::support::setting_label;
use crate::context::DocumentContext;
use crate::rules::{Reads, Rule};

/// Names starting with this are set by landfall's runner.
pub const LANDFALL_PREFIX: &str = "LANDFALL_";

pub static META: RuleMeta = RuleMeta {
    id: "reserved-env",
    severity: Severity::Error,
    summary: "an env name the platform reserves (K_SERVICE, K_CONFIGURATION, K_REVISION, LANDFALL_*)",
    docs: r#"## What it checks
That no container sets an environment variable whose name is reserved:

- a name in the platform's `reservedEnv` list; without a Platform document
  (or when it leaves `reservedEnv` out) that is `K_SERVICE`,
  `K_CONFIGURATION` and `K_REVISION`. A Platform's list replaces the
  default one;
- any name starting with `LANDFALL_`, whatever the platform says: landfall
  sets those variables in every container it runs.

Names are compared exactly, case included, as the kernel and every
container runtime compare them (`k_service` is not reserved). When the
name comes from the Platform document, the finding points at its entry
there too.

## Why
Control Plane refuses `K_SERVICE`, `K_CONFIGURATION` and `K_REVISION` as
custom environment variables: its Knative-based runtime sets them itself
(the Control Plane workload reference). A value written in the spec
would be silently overwritten at run time, or the deployment refused. The
`LANDFALL_` prefix is kept free the same way for the variables landfall's
runner sets.

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
        K_SERVICE: api
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
        SERVICE_NAME: api
```
"#,
};

pub struct ReservedEnv;

impl Rule for ReservedEnv {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> Reads {
        Reads::Fields(&[
            (Kind::Workload, "/spec/containers/*/env"),
            (Kind::Platform, "/spec/reservedEnv"),
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
        let reserved = &ctx.platform.reserved_env;
        let written = ctx
            .platform
            .document
            .is_some_and(|p| p.reserved_env.is_some());
        for container in &workload.containers {
            for (name, _) in &container.env {
                let n = name.value.as_str();
                if let Some(setting) = reserved.iter().find(|r| r.value == n) {
                    let mut d = Diagnostic::new(
                        &META,
                        name.span,
                        format!(
                            "`{n}` is a reserved environment variable: the platform sets it itself"
                        ),
                    )
                    .with_span_label("reserved name")
                    .with_help(format!(
                        "rename the variable; `{n}` cannot be set in a container's env"
                    ));
                    d = setting_label(d, setting.span, "reserved by the platform here");
                    if !written {
                        d = d.with_note(
                            "`K_SERVICE`, `K_CONFIGURATION` and `K_REVISION` are reserved by the default platform; a Platform document's `reservedEnv` replaces the list",
                        );
                    }
                    out.push(d);
                } else if n.starts_with(LANDFALL_PREFIX) {
                    out.push(
                        Diagnostic::new(
                            &META,
                            name.span,
                            format!("`{n}` starts with `{LANDFALL_PREFIX}`, which landfall reserves for the variables it sets"),
                        )
                        .with_span_label("reserved prefix")
                        .with_help(format!(
                            "rename the variable so that it does not start with `{LANDFALL_PREFIX}`"
                        )),
                    );
                }
            }
        }
    }
}
