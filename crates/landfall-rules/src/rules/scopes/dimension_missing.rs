//! `dimension-missing`: a Scope that does not set an active dimension.

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity};
use landfall_model::Dimension;
use landfall_schema::Kind;

use super::support::list;
use crate::context::Context;
use crate::rules::{Reads, Rule};

pub static META: RuleMeta = RuleMeta {
    id: "dimension-missing",
    severity: Severity::Error,
    summary: "a Scope that does not set every active platform dimension",
    docs: r#"## What it checks
When a Platform document defines `dimensions`, every Scope must set each
active dimension in its `spec.dimensions`. A dimension is active when at
least one of its values is active (`status: active`, the default): a
dimension whose values are all inactive cannot be set, so it is not
required. Without a Platform document there are no dimensions and nothing
to check.

The finding is on the Scope's `dimensions` key (or its `spec` key when it
has no `dimensions`), one per missing dimension, with a label on the
dimension in the Platform.

## Why
nullplatform's scope creation guide: "If a dimension exists for your
application, you must fill it for the scope, for example if country and
environment exists you need to fill both." A Scope without its
environment cannot be told apart from the others by the tools that select
Scopes by dimension.

## Example
```yaml fail
apiVersion: landfall.dev/v1
kind: Platform
metadata: {name: acme}
spec:
  dimensions:
    - name: environment
      values: [{name: production}, {name: stage}]
---
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

```yaml pass
apiVersion: landfall.dev/v1
kind: Platform
metadata: {name: acme}
spec:
  dimensions:
    - name: environment
      values: [{name: production}, {name: stage}]
---
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
spec: {type: web, workloads: [api], dimensions: {environment: stage}}
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

pub struct DimensionMissing;

impl Rule for DimensionMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> Reads {
        Reads::Fields(&[
            (Kind::Scope, "/spec/dimensions"),
            (Kind::Platform, "/spec/dimensions"),
        ])
    }

    fn check_project(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let required: Vec<&Dimension> = ctx
            .platform
            .dimensions
            .iter()
            .filter(|d| d.values.iter().any(|v| v.is_active()))
            .collect();
        if required.is_empty() {
            return;
        }
        for doc in ctx.judged_documents(self.reads()) {
            let Some(scope) = doc.doc.as_scope() else {
                continue;
            };
            let mut at = None;
            for dimension in &required {
                let name = dimension.name.value.as_str();
                if scope.dimensions.iter().any(|(key, _)| key.value == name) {
                    continue;
                }
                let span =
                    *at.get_or_insert_with(|| scope.dimensions_key.unwrap_or(scope.spec_span));
                let values: Vec<&str> = dimension
                    .values
                    .iter()
                    .filter(|v| v.is_active())
                    .map(|v| v.name.value.as_str())
                    .collect();
                let example = values.first().copied().unwrap_or("<value>");
                out.push(
                    Diagnostic::new(
                        &META,
                        span,
                        format!(
                            "Scope `{}` does not set the dimension `{name}`",
                            scope.meta.name().unwrap_or("?")
                        ),
                    )
                    .with_span_label(format!("`{name}` is missing"))
                    .with_label(dimension.name.span, "every Scope must set this dimension")
                    .with_help(format!(
                        "add `{name}: {example}` to `spec.dimensions`; its values are {}",
                        list(&values)
                    )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::scopes::support::testing::{CLEAN, findings};

    const PLATFORM: &str = "apiVersion: landfall.dev/v1\nkind: Platform\nmetadata: {name: acme}\nspec:\n  dimensions:\n    - name: environment\n      values: [{name: production}, {name: stage}]\n    - name: country\n      values: [{name: ar}]\n    - name: retired\n      values: [{name: old, status: inactive}]\n";

    #[test]
    fn each_missing_active_dimension_is_reported() {
        let found = findings(&[PLATFORM, CLEAN], "dimension-missing");
        let shown: Vec<(&str, &str, &str)> = found
            .iter()
            .map(|f| (f.text.as_str(), f.message.as_str(), f.labels[0].0.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                (
                    "spec",
                    "Scope `staging` does not set the dimension `country`",
                    "country"
                ),
                (
                    "spec",
                    "Scope `staging` does not set the dimension `environment`",
                    "environment"
                ),
            ]
        );
    }

    #[test]
    fn points_at_the_dimensions_key() {
        let tree = CLEAN.replace(
            "spec: {type: web, workloads: [api]}",
            "spec: {type: web, workloads: [api], dimensions: {environment: stage}}",
        );
        let found = findings(&[PLATFORM, &tree], "dimension-missing");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].text, "dimensions");
        assert!(found[0].message.ends_with("`country`"));
    }

    #[test]
    fn no_platform_no_dimensions() {
        assert!(findings(&[CLEAN], "dimension-missing").is_empty());
    }
}
