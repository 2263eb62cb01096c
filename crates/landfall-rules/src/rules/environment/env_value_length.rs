//! `env-value-length`: an env value longer than the platform allows.

use std::collections::HashSet;

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity, Span};
use landfall_model::{LoadedDocument, Spanned, variable_references};
use landfall_schema::Kind;

use super::support::{Binding, Variables, judged_workloads, literal_length, setting_label};
use crate::context::{Context, DocumentContext, EffectivePlatform};
use crate::rules::{Reads, Rule};

pub static META: RuleMeta = RuleMeta {
    id: "env-value-length",
    severity: Severity::Error,
    summary: "an env value longer than the platform's limit (default 4096 characters)",
    docs: r#"## What it checks
That no environment variable's value is longer than the platform's
`maxEnvValueLength` (4096 characters when the platform does not set it).

The length is counted in characters (Unicode scalar values) of the value
the container will see: `$${` counts as the `${` it stands for, and each
`${NAME}` bound to a variable with a literal `value` counts as that value,
so a short `${CERT}` that expands to 6000 characters is reported, with a
label on the variable. A `${NAME}` bound to a secret counts as empty: its
value is only known at deploy time, so only what is certainly too long is
reported.

## Why
Control Plane refuses environment variable values longer than 4096
characters (the Control Plane workload reference); other runtimes
and shells have their own limits. Long values (certificates, JSON
documents) belong in a file.

## Example
```yaml fail
apiVersion: landfall.dev/v1
kind: Platform
metadata: {name: acme}
spec: {maxEnvValueLength: 16}
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
        GREETING: "Hello and welcome to the shop"
```

```yaml pass
apiVersion: landfall.dev/v1
kind: Platform
metadata: {name: acme}
spec: {maxEnvValueLength: 16}
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
        GREETING: "Welcome"
```
"#,
};

pub struct EnvValueLength;

/// The finding for a value of `length` characters; `expanded` names the
/// `${NAME}`s whose values made it that long, with where they are defined.
fn finding(
    platform: &EffectivePlatform,
    name: &Spanned<String>,
    value: &Spanned<String>,
    length: usize,
    expanded: &[(&str, Span, usize)],
) -> Diagnostic {
    let max = &platform.max_env_value_length;
    let default = if max.span.is_none() {
        " (the default `maxEnvValueLength`)"
    } else {
        ""
    };
    let once = match expanded {
        [] => String::new(),
        [(one, ..)] => format!(" once `${{{one}}}` is substituted"),
        _ => " once its variables are substituted".to_string(),
    };
    let mut d = Diagnostic::new(
        &META,
        value.span,
        format!(
            "the value of `{}` is {length} characters long{once}; the platform allows at most {}{default}",
            name.value, max.value
        ),
    )
    .with_span_label(format!("{length} characters"));
    for (var, span, len) in expanded {
        d = d.with_label(*span, format!("`{var}` is {len} characters long"));
    }
    d = setting_label(d, max.span, "the platform's limit");
    d.with_help(
        "put long values (certificates, JSON documents) in a file: an Application config mounted with a `config://` volume",
    )
}

impl Rule for EnvValueLength {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> Reads {
        Reads::Fields(&[
            (Kind::Workload, "/spec/containers/*/env"),
            (Kind::Application, "/spec/variables"),
            (Kind::Platform, "/spec/maxEnvValueLength"),
        ])
    }

    /// Values without `${NAME}`: their length is what is written.
    fn check_document(
        &self,
        doc: &LoadedDocument,
        ctx: &DocumentContext,
        out: &mut Vec<Diagnostic>,
    ) {
        let Some(workload) = doc.doc.as_workload() else {
            return;
        };
        let max = ctx.platform.max_env_value_length.value;
        for container in &workload.containers {
            for (name, value) in &container.env {
                // Cheap bound first: a value is never longer in characters
                // than in bytes.
                if i64::try_from(value.value.len()).unwrap_or(i64::MAX) <= max
                    || !variable_references(&value.value).is_empty()
                {
                    continue;
                }
                let length = literal_length(&value.value);
                if i64::try_from(length).unwrap_or(i64::MAX) > max {
                    out.push(finding(ctx.platform, name, value, length, &[]));
                }
            }
        }
    }

    /// Values with `${NAME}`: their length once substituted, which needs
    /// the Application's variables.
    fn check_project(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let max = ctx.platform.max_env_value_length.value;
        let mut variables = Variables::default();
        for (workload, app) in judged_workloads(ctx, self.reads()) {
            for container in &workload.containers {
                for (name, value) in &container.env {
                    let refs = variable_references(&value.value);
                    if refs.is_empty() {
                        continue;
                    }
                    let text = value.value.as_str();
                    let mut length = 0;
                    let mut expanded: Vec<(&str, Span, usize)> = Vec::new();
                    let mut labelled: HashSet<&str> = HashSet::new();
                    let mut at = 0;
                    for r in &refs {
                        let between = text.get(at..r.start).unwrap_or_default();
                        length += literal_length(between);
                        at = r.end;
                        if let Binding::Value(var, v) = variables.binding(app, r.name) {
                            let len = v.value.chars().count();
                            length += len;
                            if len > 0 && labelled.insert(r.name) {
                                let span = v.span;
                                expanded.push((var.name.value.as_str(), span, len));
                            }
                        }
                    }
                    length += literal_length(text.get(at..).unwrap_or_default());
                    if i64::try_from(length).unwrap_or(i64::MAX) > max {
                        out.push(finding(ctx.platform, name, value, length, &expanded));
                    }
                }
            }
        }
    }
}
