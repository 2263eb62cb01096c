//! `platform-config`: the Platform document itself is wrong. A driver
//! check, not a catalogue rule: it reads the registry of rule ids.

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity, did_you_mean};

use landfall_rules::{Context, Rule};

pub static META: RuleMeta = RuleMeta {
    id: "platform-config",
    severity: Severity::Error,
    summary: "more than one Platform document, an unknown rule id in `spec.rules`, a policy file that cannot be read",
    docs: r#"## What it checks
That the platform is configured once and meaningfully:

- at most one Platform document per checked tree (the first one, in
  path-then-position order, is the one in force; every later one is reported
  with a label on the first);
- every key of `spec.rules` is the id of a rule that exists (a built-in rule,
  or `policy/<id>` of a policy rule in force), with a did-you-mean, and every
  value is `error`, `warning`, `info` or `off`;
- every file `spec.policies` lists exists (paths are relative to the
  Platform document's file).

## Why
Two Platforms would make the rules depend on file order, and a misspelled
rule id in `spec.rules` would silently configure nothing.

## Example
```yaml fail
apiVersion: landfall.dev/v1
kind: Platform
metadata: {name: acme}
spec:
  rules: {plaintext-secrets: error}
```

```yaml pass
apiVersion: landfall.dev/v1
kind: Platform
metadata: {name: acme}
spec:
  rules: {plaintext-secret: error}
```
"#,
};

pub struct PlatformConfig;

impl Rule for PlatformConfig {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_project(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        let mut platforms = ctx.project.platforms();
        let Some(first) = platforms.next() else {
            return;
        };
        for later in platforms {
            out.push(
                Diagnostic::new(
                    &META,
                    later.meta.name_span(),
                    "more than one Platform document: only the first one is in force",
                )
                .with_span_label("second Platform")
                .with_label(first.meta.name_span(), "the Platform in force")
                .with_help("merge the two into one Platform document"),
            );
        }
        let mut ids: Vec<&str> = crate::registry::registry().iter().map(|r| r.id).collect();
        ids.extend(ctx.policy_ids.iter().map(String::as_str));
        for (id, _) in &first.rules {
            if ids.contains(&id.value.as_str()) {
                continue;
            }
            let mut d = Diagnostic::new(&META, id.span, format!("`{}` is not a rule id", id.value))
                .with_span_label("unknown rule");
            d = match did_you_mean(&id.value, ids.iter().copied()) {
                Some(close) => d.with_help(format!("did you mean `{close}`?")),
                None => d.with_help("`landfall rules` lists every rule id"),
            };
            out.push(d);
        }
    }
}
