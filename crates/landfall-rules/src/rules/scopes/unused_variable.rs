//! `unused-variable`: an Application variable that nothing references.

use std::collections::HashSet;

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity};
use landfall_model::{Application, Workload, variable_references};
use landfall_schema::Kind;

use crate::context::Context;
use crate::rules::{Reads, Rule};

pub static META: RuleMeta = RuleMeta {
    id: "unused-variable",
    severity: Severity::Warning,
    summary: "a variable no workload uses",
    docs: r#"## What it checks
That every variable in an Application's `spec.variables` is referenced as
`${NAME}` somewhere: in the env values, `command` or `args` of a container
of one of the application's workloads, or in the content of one of the
Application's own `configs` files (config files are templated with
`${NAME}` too). `$${` is an escape for a literal `${` and is not a use.

The finding is on the variable's name. While a file cannot be read
(`yaml-syntax`, `input-limit`), a variable whose name the unread part of
that file mentions is not reported: a workload there may use it.

## Why
Avassa's application specification reference: application variables are
referenced as `${NAME}` in a container's env, command and entrypoint and in
config-map files. A variable that nothing references is usually a
misspelling on one side (the reference then points nowhere, which
`unresolved-reference` reports) or a leftover after a refactoring.

## Example
```yaml fail
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec:
  version: "2.4.2"
  variables:
    LOG_LEVEL: {value: info}
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
kind: Application
metadata: {name: shop}
spec:
  version: "2.4.2"
  variables:
    LOG_LEVEL: {value: info}
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
        LOG_LEVEL: ${LOG_LEVEL}
```
"#,
};

pub struct UnusedVariable;

impl Rule for UnusedVariable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> Reads {
        Reads::Fields(&[
            (Kind::Application, "/spec/variables"),
            (Kind::Application, "/spec/configs"),
            (Kind::Workload, "/spec/containers/*/env"),
            (Kind::Workload, "/spec/containers/*/command"),
            (Kind::Workload, "/spec/containers/*/args"),
            (Kind::Workload, "/metadata/application"),
        ])
    }

    fn check_project(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        for doc in ctx.judged_documents(self.reads()) {
            let Some(app) = doc.doc.as_application() else {
                continue;
            };
            if app.variables.is_empty() {
                continue;
            }
            let Some(name) = app.meta.name() else {
                continue;
            };
            // A use may be in what failed the schema: a `command` written
            // as a string, say, is not in the model, nor a workload whose
            // `application` failed.
            if ctx.project.documents_of(Kind::Workload).any(|w| {
                !self.reads().judges(w, ctx.platform)
                    && w.meta().application().is_none_or(|a| a == name)
            }) {
                continue;
            }
            // Every workload naming this application counts, also those
            // that failed their schema elsewhere: a use there is still a use.
            let used = used_names(app, ctx.project.workloads_of(name));
            for variable in &app.variables {
                if used.contains(variable.name.value.as_str()) {
                    continue;
                }
                // A workload in the unread part of a file may use it.
                if ctx.unread.may_define(&variable.name.value).is_some() {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        &META,
                        variable.name.span,
                        format!(
                            "variable `{}` of Application `{name}` is not used",
                            variable.name.value
                        ),
                    )
                    .with_span_label("never referenced")
                    .with_note(
                        "a variable is used by `${NAME}` in a workload's env values, command or args, or in a config file of the Application",
                    )
                    .with_help(format!(
                        "reference it as `${{{}}}`, or remove it",
                        variable.name.value
                    )),
                );
            }
        }
    }
}

/// The variable names referenced by the workloads and the config files.
fn used_names<'a>(
    app: &'a Application,
    workloads: impl Iterator<Item = &'a Workload>,
) -> HashSet<&'a str> {
    let mut used = HashSet::new();
    for workload in workloads {
        used.extend(workload.variable_uses.iter().map(|u| u.name.as_str()));
    }
    for config in &app.configs {
        for (_, content) in &config.files {
            used.extend(variable_references(&content.value).iter().map(|r| r.name));
        }
    }
    used
}

#[cfg(test)]
mod tests {
    use crate::rules::scopes::support::testing::findings;

    const APP: &str = r#"apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec:
  version: "2.4.2"
  variables:
    IN_ENV: {value: a}
    IN_ARGS: {value: b}
    IN_COMMAND: {value: c}
    IN_CONFIG: {value: d}
    ESCAPED: {value: e}
    UNUSED: {secret: shop/unused}
  configs:
    app:
      files:
        app.conf: |
          x = ${IN_CONFIG}
"#;

    const REST: &str = r#"apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: web}
spec: {target: local}
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
      command: ["/bin/api-${IN_COMMAND}"]
      args: [--x, "${IN_ARGS}", "$${ESCAPED}"]
      env:
        A: "pre ${IN_ENV} post"
"#;

    #[test]
    fn uses_in_env_args_command_and_configs_count() {
        let found = findings(&[APP, REST], "unused-variable");
        let texts: Vec<&str> = found.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(texts, ["ESCAPED", "UNUSED"]);
        assert_eq!(
            found[1].message,
            "variable `UNUSED` of Application `shop` is not used"
        );
    }

    #[test]
    fn uses_by_another_application_do_not_count() {
        let other = REST.replace("application: shop", "application: blog");
        let found = findings(&[APP, &other], "unused-variable");
        assert_eq!(found.len(), 5);
    }
}
