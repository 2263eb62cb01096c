//! `dimension-value`: a Scope dimension or value the platform does not
//! define, or an inactive value.

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity, did_you_mean};
use landfall_schema::Kind;

use super::support::list;
use crate::context::Context;
use crate::rules::{Reads, Rule};

pub static META: RuleMeta = RuleMeta {
    id: "dimension-value",
    severity: Severity::Error,
    summary: "a dimension or value that the platform does not define, or an inactive value",
    docs: r#"## What it checks
Every entry of a Scope's `spec.dimensions`:

- names a dimension that the Platform document defines (without a Platform
  document there are no dimensions, so a Scope should set none);
- gives it one of that dimension's values;
- and that value is not `status: inactive`.

Names and values are compared exactly. Misspellings get a did-you-mean, and
the labels point at the Platform's dimension or at the value's
`status: inactive`.

## Why
nullplatform's scope creation guide: dimensions and their values are
defined by the platform, "the slug field is what you'll use when creating
the scope", and "only dimensions with `status: active` can be used". A
misspelled environment would make a Scope that no dimension filter selects.

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
spec: {type: web, workloads: [api], dimensions: {environment: stagging}}
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

pub struct DimensionValue;

impl Rule for DimensionValue {
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
        // The default platform defines none. A Platform whose dimensions
        // failed its schema, or could not be read, judges no Scope: this
        // rule reads them (`reads`), and no document is judged then.
        let has_platform = ctx.project.platforms().next().is_some();
        let dimensions = ctx.platform.dimensions;
        let mut names: Vec<&str> = dimensions.iter().map(|d| d.name.value.as_str()).collect();
        names.sort_unstable();
        for doc in ctx.judged_documents(self.reads()) {
            let Some(scope) = doc.doc.as_scope() else {
                continue;
            };
            for (key, value) in &scope.dimensions {
                let Some(dimension) = dimensions.iter().find(|d| d.name.value == key.value) else {
                    let mut d = Diagnostic::new(
                        &META,
                        key.span,
                        format!("the platform defines no dimension `{}`", key.value),
                    )
                    .with_span_label("unknown dimension");
                    d = if !has_platform {
                        d.with_help(
                            "without a Platform document there are no dimensions: remove it, or define it in a Platform's `spec.dimensions`",
                        )
                    } else if let Some(close) = did_you_mean(&key.value, names.iter().copied()) {
                        d.with_help(format!("did you mean `{close}`?"))
                    } else if names.is_empty() {
                        d.with_help("the Platform defines no dimensions: remove it, or define it in the Platform's `spec.dimensions`")
                    } else {
                        d.with_help(format!("the dimensions are {}", list(&names)))
                    };
                    out.push(d);
                    continue;
                };
                let active: Vec<&str> = dimension
                    .values
                    .iter()
                    .filter(|v| v.is_active())
                    .map(|v| v.name.value.as_str())
                    .collect();
                match dimension
                    .values
                    .iter()
                    .find(|v| v.name.value == value.value)
                {
                    None => {
                        let mut sorted = active.clone();
                        sorted.sort_unstable();
                        let help = match did_you_mean(&value.value, sorted.iter().copied()) {
                            Some(close) => format!("did you mean `{close}`?"),
                            None if active.is_empty() => {
                                format!("dimension `{}` has no active value", key.value)
                            }
                            None => format!("the active values are {}", list(&active)),
                        };
                        out.push(
                            Diagnostic::new(
                                &META,
                                value.span,
                                format!(
                                    "`{}` is not a value of dimension `{}`",
                                    value.value, key.value
                                ),
                            )
                            .with_span_label("unknown value")
                            .with_label(dimension.name.span, "the dimension, defined here")
                            .with_help(help),
                        );
                    }
                    Some(defined) if !defined.is_active() => {
                        let mut d = Diagnostic::new(
                            &META,
                            value.span,
                            format!(
                                "value `{}` of dimension `{}` is inactive",
                                value.value, key.value
                            ),
                        )
                        .with_span_label("inactive value");
                        if let Some(status) = &defined.status {
                            d = d.with_label(status.span, "marked inactive here");
                        }
                        out.push(d.with_help(if active.is_empty() {
                            format!(
                                "dimension `{}` has no active value left; remove it from the Scope",
                                key.value
                            )
                        } else {
                            format!("use an active value: {}", list(&active))
                        }));
                    }
                    Some(_) => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::scopes::support::testing::{CLEAN, findings};

    const PLATFORM: &str = "apiVersion: landfall.dev/v1\nkind: Platform\nmetadata: {name: acme}\nspec:\n  dimensions:\n    - name: environment\n      values: [{name: production}, {name: stage}, {name: test, status: inactive}]\n";

    fn with_dimensions(dimensions: &str) -> String {
        CLEAN.replace(
            "spec: {type: web, workloads: [api]}",
            &format!("spec: {{type: web, workloads: [api], dimensions: {dimensions}}}"),
        )
    }

    #[test]
    fn unknown_values_and_dimensions() {
        let tree = with_dimensions("{environment: stagging, enviroment: x, region: eu}");
        let found = findings(&[PLATFORM, &tree], "dimension-value");
        let shown: Vec<(&str, &str, Option<&str>)> = found
            .iter()
            .map(|f| (f.text.as_str(), f.message.as_str(), f.help.as_deref()))
            .collect();
        assert_eq!(
            shown,
            [
                (
                    "stagging",
                    "`stagging` is not a value of dimension `environment`",
                    Some("did you mean `stage`?")
                ),
                (
                    "enviroment",
                    "the platform defines no dimension `enviroment`",
                    Some("did you mean `environment`?")
                ),
                (
                    "region",
                    "the platform defines no dimension `region`",
                    Some("the dimensions are `environment`")
                ),
            ]
        );
    }

    #[test]
    fn inactive_values_point_at_their_status() {
        let tree = with_dimensions("{environment: test}");
        let found = findings(&[PLATFORM, &tree], "dimension-value");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].text, "test");
        assert_eq!(found[0].labels[0].0, "inactive");
        assert!(
            findings(
                &[PLATFORM, &with_dimensions("{environment: stage}")],
                "dimension-value"
            )
            .is_empty()
        );
    }

    #[test]
    fn without_a_platform_every_dimension_is_unknown() {
        let found = findings(
            &[&with_dimensions("{environment: stage}")],
            "dimension-value",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].text, "environment");
    }
}
