//! `scope-workload-type`: a workload in a Scope whose type does not accept
//! its workload type.

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity, Span};
use landfall_schema::Kind;

use super::support::list;
use crate::context::Context;
use crate::rules::{Reads, Rule};

pub static META: RuleMeta = RuleMeta {
    id: "scope-workload-type",
    severity: Severity::Error,
    summary: "a workload placed in a Scope whose type does not accept its workload type",
    docs: r#"## What it checks
A ScopeType's `workloadTypes` lists the workload types (`serverless`,
`standard`, `cron`) its Scopes can run; when it is omitted, all of them.
Every workload listed in a Scope's `workloads` must be of one of those
types. The finding is on the Scope's entry for the workload, with labels on
the ScopeType's `workloadTypes` and on the workload's `type`.

## Why
A landing zone is built for some kinds of workloads: nullplatform's
"Scheduled Task" scope type runs periodic jobs, its Kubernetes scope type
long-running services (its scope creation guide); an OAM scope groups the
components it was made for (the OAM specification's application scopes). A
cron job placed in a scope for HTTP services would have nothing to run it.

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
spec: {target: local, workloadTypes: [serverless, cron]}
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

pub struct ScopeWorkloadType;

impl Rule for ScopeWorkloadType {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> Reads {
        Reads::Fields(&[
            (Kind::Scope, "/spec/type"),
            (Kind::Scope, "/spec/workloads"),
            (Kind::ScopeType, "/spec/workloadTypes"),
            (Kind::Workload, "/spec/type"),
        ])
    }

    fn check_project(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        for doc in ctx.judged_documents(self.reads()) {
            let Some(scope) = doc.doc.as_scope() else {
                continue;
            };
            let Some(app) = scope.meta.application() else {
                continue;
            };
            // A ScopeType or a Workload whose types failed the schema is
            // not judged against: its types are not known.
            let Some(scope_type) = scope
                .scope_type
                .as_ref()
                .and_then(|t| ctx.judged_scope_type(self.reads(), &t.value))
            else {
                continue;
            };
            let (Some(first), Some(last)) = (
                scope_type.workload_types.first(),
                scope_type.workload_types.last(),
            ) else {
                // Omitted: every type is accepted.
                continue;
            };
            let accepted = Span::new(first.span.file, first.span.start, last.span.end);
            let type_name = scope_type.meta.name().unwrap_or("?");
            for entry in &scope.workloads {
                let Some(workload) = ctx.judged_workload(self.reads(), app, &entry.value) else {
                    continue;
                };
                let Some(workload_type) = &workload.workload_type else {
                    continue;
                };
                if scope_type.accepts(workload_type.value) {
                    continue;
                }
                let types = list(scope_type.workload_types.iter().map(|t| t.value.as_str()));
                out.push(
                    Diagnostic::new(
                        &META,
                        entry.span,
                        format!(
                            "workload `{}` is {}, but Scopes of type `{type_name}` accept only {types}",
                            entry.value,
                            with_article(workload_type.value.as_str())
                        ),
                    )
                    .with_span_label(format!("a {} workload", workload_type.value))
                    .with_label(accepted, format!("ScopeType `{type_name}` accepts these"))
                    .with_label(workload_type.span, "its type")
                    .with_help(format!(
                        "place `{}` in a Scope of a type that accepts {} workloads, or add `{}` to the `workloadTypes` of ScopeType `{type_name}`",
                        entry.value, workload_type.value, workload_type.value
                    )),
                );
            }
        }
    }
}

fn with_article(word: &str) -> String {
    format!("a {word} workload")
}

#[cfg(test)]
mod tests {
    use crate::rules::scopes::support::testing::{CLEAN, findings};

    #[test]
    fn a_type_outside_the_list_is_reported() {
        let tree = CLEAN.replace(
            "workloadTypes: [standard, serverless, cron]",
            "workloadTypes: [serverless, cron]",
        );
        let found = findings(&[&tree], "scope-workload-type");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].text, "api");
        assert_eq!(
            found[0].message,
            "workload `api` is a standard workload, but Scopes of type `web` accept only `serverless`, `cron`"
        );
        assert_eq!(found[0].labels[0].0, "serverless, cron");
        assert_eq!(found[0].labels[1].0, "standard");
    }

    #[test]
    fn omitted_workload_types_accept_everything() {
        let tree = CLEAN.replace(", workloadTypes: [standard, serverless, cron]", "");
        assert!(findings(&[&tree], "scope-workload-type").is_empty());
        assert!(findings(&[CLEAN], "scope-workload-type").is_empty());
    }
}
