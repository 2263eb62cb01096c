//! `unscoped-workload`: a workload that no Scope places.

use std::collections::HashSet;

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity};
use landfall_schema::Kind;

use super::support::list;
use crate::context::Context;
use crate::rules::{Reads, Rule};

pub static META: RuleMeta = RuleMeta {
    id: "unscoped-workload",
    severity: Severity::Warning,
    summary: "a workload that is in no Scope, so nothing will deploy it",
    docs: r#"## What it checks
That every Workload is listed in the `workloads` of at least one Scope of
its application. A Scope counts even if it has other faults of its own.
Workloads whose Application does not exist are left to
`unresolved-reference`. While a file cannot be read (`yaml-syntax`,
`input-limit`), a workload whose name the unread part of that file mentions
is not reported: a Scope there may place it.

The finding is on the workload's name.

## Why
Scopes are where workloads are deployed (nullplatform's scope creation
guide: a scope is a landing zone "where and how your application runs").
Unlike OAM runtimes, which put a component without a scope into a default
"root" scope (the OAM specification's application scopes), landfall has no
implicit Scope: a workload that is in none is deployed nowhere, which is
rarely what its author meant.

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
spec: {type: web, workloads: []}
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

pub struct UnscopedWorkload;

impl Rule for UnscopedWorkload {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> Reads {
        Reads::Fields(&[
            (Kind::Workload, "/metadata/name"),
            (Kind::Workload, "/metadata/application"),
            (Kind::Application, "/metadata/name"),
            (Kind::Scope, "/metadata/application"),
            (Kind::Scope, "/spec/workloads"),
        ])
    }

    fn check_project(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        // A Scope whose `workloads` failed the schema may place any
        // workload of its application (of any, when its application is not
        // known either): they are not judged.
        let mut unsure: HashSet<Option<&str>> = HashSet::new();
        for scope in ctx.project.documents_of(Kind::Scope) {
            if !self.reads().judges(scope, ctx.platform) {
                unsure.insert(scope.meta().application());
            }
        }
        if unsure.contains(&None) {
            return;
        }
        for doc in ctx.judged_documents(self.reads()) {
            let Some(workload) = doc.doc.as_workload() else {
                continue;
            };
            let (Some(app), Some(name)) = (workload.meta.application(), &workload.meta.name) else {
                continue;
            };
            if ctx.project.application(app).is_none() || unsure.contains(&Some(app)) {
                continue;
            }
            if ctx.project.placements(app, &name.value).next().is_some() {
                continue;
            }
            // A Scope in the unread part of a file may place it.
            if ctx.unread.may_define(&name.value).is_some() {
                continue;
            }
            let scopes: Vec<&str> = ctx
                .project
                .scopes_of(app)
                .filter_map(|s| s.meta.name())
                .collect();
            let help = match scopes.len() {
                // Its Scopes may be in what could not be read.
                0 if !ctx.unread.is_empty() => format!(
                    "no Scope of application `{app}` could be read: fix the files that do not parse, or add a Scope that lists `{}` in its `workloads`",
                    name.value
                ),
                0 => format!(
                    "application `{app}` has no Scope: add one that lists `{}` in its `workloads`",
                    name.value
                ),
                1..=8 => format!(
                    "add `{}` to the `workloads` of one of the Scopes of `{app}`: {}",
                    name.value,
                    list(&scopes)
                ),
                _ => format!(
                    "add `{}` to the `workloads` of one of the {} Scopes of `{app}`",
                    name.value,
                    scopes.len()
                ),
            };
            out.push(
                Diagnostic::new(
                    &META,
                    name.span,
                    format!(
                        "workload `{}` is in no Scope, so nothing will deploy it",
                        name.value
                    ),
                )
                .with_span_label("not placed in any Scope")
                .with_help(help),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::scopes::support::testing::{CLEAN, findings};

    #[test]
    fn a_workload_in_no_scope_is_reported() {
        let tree = CLEAN.replace("workloads: [api]", "workloads: []");
        let found = findings(&[&tree], "unscoped-workload");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].text, "api");
        assert_eq!(
            found[0].help.as_deref(),
            Some("add `api` to the `workloads` of one of the Scopes of `shop`: `staging`")
        );
        assert!(findings(&[CLEAN], "unscoped-workload").is_empty());
    }

    #[test]
    fn a_scope_of_another_application_does_not_count() {
        let tree = CLEAN.replace(
            "metadata: {name: staging, application: shop}",
            "metadata: {name: staging, application: blog}",
        );
        let blog = "apiVersion: landfall.dev/v1\nkind: Application\nmetadata: {name: blog}\nspec: {version: \"1.0.0\"}\n";
        let found = findings(&[&tree, blog], "unscoped-workload");
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .help
                .as_deref()
                .unwrap()
                .starts_with("application `shop` has no Scope")
        );
    }
}
