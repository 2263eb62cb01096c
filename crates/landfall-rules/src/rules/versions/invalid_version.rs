//! `invalid-version`: an Application version outside `^[a-zA-Z0-9\-.+]+$`.

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity};
use landfall_model::LoadedDocument;
use landfall_schema::Kind;

use super::shown;
use crate::context::DocumentContext;
use crate::rules::{Reads, Rule};
use landfall_yaml::{ScalarSpans, value_range_span};

pub static META: RuleMeta = RuleMeta {
    id: "invalid-version",
    severity: Severity::Error,
    summary: "an application version that breaks `^[a-zA-Z0-9\\-.+]+$`",
    docs: r#"## What it checks
That an Application's `spec.version` is one or more letters, digits, `-`,
`.` and `+`: the pattern `^[a-zA-Z0-9\-.+]+$`. The finding points at the
first character that is not allowed, inside the string (through its quotes
and escapes); an empty version is reported as a whole.

A version must also be a string: `version: 2.4` is a YAML number, which
`schema` reports; quote it (`version: "2.4"`).

## Why
Avassa's application specification reference defines the version as
`string <version> ^[a-zA-Z0-9\-.+]+$`: a target refuses any other. The
version is also what `upgradeFrom` regexps are matched against the next
time the application is upgraded, so it should be a plain token such as
`2.4.2`, `2.4.2-rc.1` or `2.4.2+build.5`.

## Example
```yaml fail
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec: {version: "2.4.2 beta"}
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
spec: {version: "2.4.2-beta"}
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

pub struct InvalidVersion;

/// Whether `c` may appear in a version.
fn allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '+')
}

/// A character as a message names it.
fn describe(c: char) -> String {
    match c {
        ' ' => "a space".to_string(),
        '\t' => "a tab".to_string(),
        '\n' | '\r' => "a line break".to_string(),
        '`' => "a backtick".to_string(),
        c if c.is_control() || c.is_whitespace() => format!("`{}`", c.escape_unicode()),
        c => format!("`{c}`"),
    }
}

impl Rule for InvalidVersion {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> Reads {
        Reads::Fields(&[(Kind::Application, "/spec/version")])
    }

    fn check_document(
        &self,
        doc: &LoadedDocument,
        ctx: &DocumentContext,
        out: &mut Vec<Diagnostic>,
    ) {
        let Some(app) = doc.doc.as_application() else {
            return;
        };
        let Some(version) = &app.version else {
            return;
        };
        let text = version.value.as_str();
        let help = "a version is letters, digits, `-`, `.` and `+`, such as 2.4.2, 2.4.2-rc.1 or 2.4.2+build.5";
        if text.is_empty() {
            out.push(
                Diagnostic::new(
                    &META,
                    ScalarSpans::new(ctx.text(version.span), text)
                        .map_or(version.span, |s| s.scalar_span(version.span)),
                    "the version is empty",
                )
                .with_span_label("empty version")
                .with_help(help),
            );
            return;
        }
        let Some((at, c)) = text.char_indices().find(|&(_, c)| !allowed(c)) else {
            return;
        };
        let span = value_range_span(
            ctx.text(version.span),
            version.span,
            text,
            at..at + c.len_utf8(),
        );
        out.push(
            Diagnostic::new(
                &META,
                span,
                format!(
                    "{} is not a valid version: {} is not allowed",
                    shown(text),
                    describe(c)
                ),
            )
            .with_span_label("not allowed in a version")
            .with_help(help)
            .with_note("versions match ^[a-zA-Z0-9\\-.+]+$ (Avassa's application specification)"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{application, findings};

    fn ours(spec: &str) -> Vec<(String, String)> {
        findings(&application(spec))
            .into_iter()
            .filter(|(rule, _, _)| rule == "invalid-version")
            .map(|(_, text, message)| (text, message))
            .collect()
    }

    #[test]
    fn valid_versions_pass() {
        for v in [
            "2.4.2",
            "\"2.4.2-rc.1+build.5\"",
            "'v2'",
            "2.4.2+x",
            "a-b.c",
        ] {
            assert_eq!(ours(&format!("  version: {v}\n")), vec![], "{v}");
        }
    }

    #[test]
    fn the_span_is_the_first_offending_character() {
        let got = ours("  version: \"2.4.2 beta\"\n");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, " ");
        assert_eq!(
            got[0].1,
            "`2.4.2 beta` is not a valid version: a space is not allowed"
        );
        assert_eq!(ours("  version: 2.4.2/beta_1\n")[0].0, "/");
        assert_eq!(ours("  version: '2.4.2_1'\n")[0].0, "_");
        // Through an escape: the value's `\t` is written `\t`.
        assert_eq!(ours("  version: \"2.4\\t2\"\n")[0].0, "\\t");
        assert_eq!(ours("  version: \"2.4\\u00e92\"\n")[0].0, "\\u00e9");
        assert_eq!(ours("  version: 2.4.\u{e9}\n")[0].0, "\u{e9}");
    }

    #[test]
    fn an_empty_version_is_reported_whole() {
        let got = ours("  version: \"\"\n");
        assert_eq!(got, vec![("\"\"".into(), "the version is empty".into())]);
    }
}
