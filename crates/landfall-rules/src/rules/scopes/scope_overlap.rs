//! `scope-overlap`: a workload in two Scopes of a type that forbids it.

use std::collections::HashMap;

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity};
use landfall_model::{Scope, Spanned};
use landfall_schema::Kind;

use crate::context::Context;
use crate::rules::{Reads, Rule};

pub static META: RuleMeta = RuleMeta {
    id: "scope-overlap",
    severity: Severity::Error,
    summary: "a workload in two Scopes of a type with `allowOverlap: false`",
    docs: r#"## What it checks
A ScopeType with `allowOverlap: false` allows each workload in at most one
Scope of that type. When a workload of an application is listed in the
`workloads` of two Scopes of such a type, the second placement (in the
order the files are read: by path, then by position in the file) is
reported, with labels on the first placement and on the ScopeType's
`allowOverlap: false`. A third placement is reported against the first too.

Scopes of different types never overlap: a workload may be in one Scope of
each type.

## Why
The OAM specification's application scopes: `allowComponentOverlap: false`
means "the runtime implementation MUST produce an error and stop deployment
if an attempt is made to place a component into more than one instance of
this scope type simultaneously". landfall reports it before the deployment.

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
spec: {target: local, workloadTypes: [standard, serverless, cron], allowOverlap: false}
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: staging, application: shop}
spec: {type: web, workloads: [api]}
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: production, application: shop}
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
spec: {target: local, workloadTypes: [standard, serverless, cron], allowOverlap: true}
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: staging, application: shop}
spec: {type: web, workloads: [api]}
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: production, application: shop}
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

pub struct ScopeOverlap;

impl Rule for ScopeOverlap {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> Reads {
        Reads::Fields(&[
            (Kind::Scope, "/spec/type"),
            (Kind::Scope, "/spec/workloads"),
            (Kind::ScopeType, "/spec/allowOverlap"),
        ])
    }

    fn check_project(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        // (application, workload, scope type) → the first placement.
        let mut first: HashMap<(&str, &str, &str), (&Scope, &Spanned<String>)> = HashMap::new();
        for doc in ctx.judged_documents(self.reads()) {
            let Some(scope) = doc.doc.as_scope() else {
                continue;
            };
            let (Some(app), Some(type_name)) = (scope.meta.application(), &scope.scope_type) else {
                continue;
            };
            let Some(scope_type) = ctx.judged_scope_type(self.reads(), &type_name.value) else {
                continue;
            };
            if scope_type.allows_overlap() {
                continue;
            }
            for entry in &scope.workloads {
                // A name that points nowhere is `unresolved-reference`.
                if ctx.project.workload(app, &entry.value).is_none() {
                    continue;
                }
                let key = (app, entry.value.as_str(), type_name.value.as_str());
                let Some(&(earlier, earlier_entry)) = first.get(&key) else {
                    first.insert(key, (scope, entry));
                    continue;
                };
                let earlier_name = earlier.meta.name().unwrap_or("?");
                let mut d = Diagnostic::new(
                    &META,
                    entry.span,
                    format!(
                        "workload `{}` is already in Scope `{earlier_name}`, and ScopeType `{}` allows a workload in only one of its Scopes",
                        entry.value, type_name.value
                    ),
                )
                .with_span_label("placed a second time")
                .with_label(
                    earlier_entry.span,
                    format!("first placed in Scope `{earlier_name}`"),
                );
                if let Some(allow) = &scope_type.allow_overlap {
                    d = d.with_label(allow.span, "overlap forbidden here");
                }
                out.push(d.with_help(format!(
                    "remove `{}` from one of the two Scopes, or use Scopes of different types",
                    entry.value
                )));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::scopes::support::testing::{CLEAN, findings};

    #[test]
    fn the_second_placement_is_reported() {
        let tree = CLEAN.replace(
            "workloadTypes: [standard, serverless, cron]}",
            "workloadTypes: [standard, serverless, cron], allowOverlap: false}",
        );
        let more = "apiVersion: landfall.dev/v1\nkind: Scope\nmetadata: {name: production, application: shop}\nspec: {type: web, workloads: [api]}\n---\napiVersion: landfall.dev/v1\nkind: Scope\nmetadata: {name: canary, application: shop}\nspec: {type: web, workloads: [api]}\n";
        let found = findings(&[&tree, more], "scope-overlap");
        assert_eq!(found.len(), 2);
        for f in &found {
            assert_eq!(f.text, "api");
            assert_eq!(f.diagnostic.span.file.0, 1);
            assert_eq!(f.labels[0].1, "first placed in Scope `staging`");
            assert_eq!(f.labels[1].0, "false");
        }
        assert!(findings(&[CLEAN, more], "scope-overlap").is_empty());
    }

    #[test]
    fn scopes_of_other_types_or_applications_do_not_overlap() {
        let tree = CLEAN.replace(
            "workloadTypes: [standard, serverless, cron]}",
            "workloadTypes: [standard, serverless, cron], allowOverlap: false}",
        );
        let more = "apiVersion: landfall.dev/v1\nkind: ScopeType\nmetadata: {name: net}\nspec: {target: local, allowOverlap: false}\n---\napiVersion: landfall.dev/v1\nkind: Scope\nmetadata: {name: network, application: shop}\nspec: {type: net, workloads: [api]}\n";
        assert!(findings(&[&tree, more], "scope-overlap").is_empty());
    }
}
