//! `invalid-version-regexp`: an `upgradeFrom` versionRegexp that does not
//! compile.

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity, Span};
use landfall_model::LoadedDocument;

use landfall_schema::Kind;
use std::collections::HashMap;
use std::ops::Range;

use crate::context::DocumentContext;
use crate::regexp::{MAX_PATTERN_CHARS, NEST_LIMIT, RegexpError, compile_error_cached};
use crate::rules::{Reads, Rule};
use landfall_yaml::{ScalarSpans, Style};

pub static META: RuleMeta = RuleMeta {
    id: "invalid-version-regexp",
    severity: Severity::Error,
    summary: "an `upgradeFrom` versionRegexp that does not compile",
    docs: r#"## What it checks
That every `upgradeFrom[].versionRegexp` of an Application compiles as a
regular expression in the syntax of the Rust `regex` crate
(<https://docs.rs/regex/latest/regex/#syntax>), within limits that keep a
hostile pattern cheap:

- at most 1000 characters;
- parentheses, brackets and repetitions nested at most 64 deep;
- at most 1 MiB compiled (and 2 MiB of lazy-DFA cache).

Each distinct pattern of an Application is compiled once; past 10,000
distinct patterns in one Application the rest are not checked.

The finding points at the character the error is about, inside the YAML
string: through single quotes (`''` is one quote), double-quoted escapes
(`"2\\.4\\.("`: the caret is on the `(`) and folded lines. In a block
scalar (`|`, `>`) the line is searched in the source; where it cannot be
found, the whole value is marked.

The regexp is matched against the whole running version, as if written
`^(?:…)$`: `2\.4\..*` matches `2.4.0` but not `12.4.0`.

## Why
Avassa's application specification reference, on `upgrade-from`: when the
version changes, the entries are checked in order and the first whose
`version-regexp` matches the running version is used. A regexp that does not
compile makes the upgrade fail when it is needed, long after the spec was
written; the reference's own examples (`"2\\.4\\..*"`) show how easy it is
to get the escaping wrong.

## Example
```yaml fail
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec:
  version: "2.4.2"
  upgradeFrom:
    - {versionRegexp: '2\.4\.(', strategy: rolling}
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
  upgradeFrom:
    - {versionRegexp: '2\.4\..*', strategy: rolling}
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

/// Distinct patterns compiled per Application; the rest are not checked.
const MAX_DISTINCT: usize = 10_000;

pub struct InvalidVersionRegexp;

impl Rule for InvalidVersionRegexp {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> Reads {
        Reads::Fields(&[(Kind::Application, "/spec/upgradeFrom/*/versionRegexp")])
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
        // Each distinct pattern is compiled once (an alias repeats one),
        // and at most `MAX_DISTINCT` of them.
        let mut compiled: HashMap<&str, Option<RegexpError>> = HashMap::new();
        for (i, entry) in app.upgrade_from.iter().enumerate() {
            let Some(regexp) = &entry.version_regexp else {
                continue;
            };
            let pattern = regexp.value.as_str();
            if !compiled.contains_key(pattern) {
                if compiled.len() >= MAX_DISTINCT {
                    return;
                }
                compiled.insert(pattern, compile_error_cached(pattern));
            }
            let Some(Some(error)) = compiled.get(pattern) else {
                continue;
            };
            let spans = ScalarSpans::new(ctx.text(regexp.span), pattern);
            let at =
                |range: &Range<usize>| pattern_span(spans.as_ref(), regexp.span, pattern, range);
            let message = format!(
                "upgradeFrom[{i}].versionRegexp does not compile: {}",
                error.message
            );
            let mut d = match &error.at {
                Some(range) => {
                    Diagnostic::new(&META, at(range), message).with_span_label(if error.limit {
                        "nested too deep".to_string()
                    } else {
                        error.message.clone()
                    })
                }
                None => Diagnostic::new(&META, scalar(spans.as_ref(), regexp.span), message)
                    .with_span_label("this regexp"),
            };
            if let Some(also) = &error.also {
                d = d.with_label(at(also), "first written here");
            }
            d = if error.limit {
                d.with_help(format!(
                    "keep a versionRegexp to at most {MAX_PATTERN_CHARS} characters and {NEST_LIMIT} levels of nesting, \
                     or split it over several upgradeFrom entries"
                ))
            } else {
                d.with_help(
                    "versionRegexp uses the Rust regex syntax (https://docs.rs/regex/latest/regex/#syntax); \
                     write a literal `.`, `(`, `[`, `*` or `+` with a backslash: '2\\.4\\..*'",
                )
            };
            let double_quoted = spans
                .as_ref()
                .is_some_and(|s| s.style() == Style::DoubleQuoted);
            if double_quoted && error.message.contains("escape") {
                d = d.with_note(
                    "in a double-quoted YAML string a regexp backslash is written `\\\\`; \
                     in single quotes it is written as is: '2\\.4\\..*'",
                );
            }
            out.push(d);
        }
    }
}

/// The scalar a regexp is written in, without its `&anchor` or `!tag`.
fn scalar(spans: Option<&ScalarSpans>, node: Span) -> Span {
    spans.map_or(node, |s| s.scalar_span(node))
}

/// Where `range` of the pattern was written. A parse error gives an empty
/// range where something is missing: it points at the character it stands
/// before, or at the last one at the end of the pattern.
fn pattern_span(
    spans: Option<&ScalarSpans>,
    node: Span,
    pattern: &str,
    range: &Range<usize>,
) -> Span {
    let range = if range.is_empty() {
        let next = pattern
            .get(range.start..)
            .and_then(|rest| rest.chars().next());
        match next {
            Some(c) => range.start..range.start + c.len_utf8(),
            None => match pattern.char_indices().next_back() {
                Some((at, c)) => at..at + c.len_utf8(),
                None => return scalar(spans, node),
            },
        }
    } else {
        range.clone()
    };
    spans
        .and_then(|s| s.span(node, range))
        .unwrap_or_else(|| scalar(spans, node))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{application, diagnostics};

    /// `(spanned text, message)` of this rule's findings, and the spanned
    /// text of their secondary labels.
    fn ours(spec: &str) -> Vec<(String, String, Vec<String>)> {
        let text = application(spec);
        diagnostics(&text)
            .into_iter()
            .filter(|d| d.rule == "invalid-version-regexp")
            .map(|d| {
                let at = |s: landfall_diagnostics::Span| {
                    text[s.start as usize..s.end as usize].to_string()
                };
                (
                    at(d.span),
                    d.message.clone(),
                    d.labels.iter().map(|l| at(l.span)).collect(),
                )
            })
            .collect()
    }

    fn entry(regexp: &str) -> String {
        format!(
            "  version: \"2.4.2\"\n  upgradeFrom:\n    - versionRegexp: {regexp}\n      strategy: rolling\n"
        )
    }

    #[test]
    fn valid_regexps_pass() {
        for r in [
            r"'2\.4\..*'",
            r#""2\\.4\\..*""#,
            r"2\.4\..*",
            r"'^2\.(3|4)\..*$'",
        ] {
            assert_eq!(ours(&entry(r)), vec![], "{r}");
        }
    }

    #[test]
    fn the_caret_is_on_the_open_paren_in_every_quoting() {
        for r in [r"2\.4\.(", r"'2\.4\.('", r#""2\\.4\\.(""#, r"!!str 2\.4\.("] {
            let got = ours(&entry(r));
            assert_eq!(got.len(), 1, "{r}");
            assert_eq!(got[0].0, "(", "{r}");
            assert_eq!(
                got[0].1,
                "upgradeFrom[0].versionRegexp does not compile: unclosed group"
            );
        }
        // A block scalar: the line is found in the source.
        let got = ours(&entry("|-\n        2\\.4\\.(\n"));
        assert_eq!(got[0].0, "(");
    }

    #[test]
    fn other_errors() {
        assert_eq!(ours(&entry(r"'2\.[0-9'"))[0].0, "[");
        assert_eq!(ours(&entry(r"'*2'"))[0].0, "*");
        assert_eq!(ours(&entry(r"'2\.4\q'"))[0].0, r"\q");
        assert_eq!(ours(&entry(r#""2\\.4\\q""#))[0].0, r"\\q");
        // Single quotes doubled in the source.
        assert_eq!(ours(&entry(r"'it''s\q'"))[0].0, r"\q");
        // Duplicate names: the second is the primary, the first a label.
        let got = ours(&entry(r"'(?P<a>2)\.(?P<a>4)'"));
        assert_eq!(got[0].0, "a");
        assert_eq!(got[0].2, vec!["a".to_string()]);
    }

    #[test]
    fn limits_mark_the_whole_value() {
        let long = format!("'{}'", "a".repeat(1001));
        let got = ours(&entry(&long));
        assert_eq!(got[0].0, long);
        assert!(got[0].1.contains("the limit is 1000"), "{}", got[0].1);
        let got = ours(&entry(r"'\w{1000}\w{1000}'"));
        assert!(got[0].1.contains("limit"), "{}", got[0].1);
    }

    #[test]
    fn every_entry_is_checked() {
        let spec = "  version: \"2.4.2\"\n  upgradeFrom:\n    - {versionRegexp: '2\\.4\\..*', strategy: rolling}\n    - {versionRegexp: '(', strategy: rolling}\n    - {versionRegexp: ')', strategy: rolling}\n";
        let got = ours(spec);
        assert_eq!(got.len(), 2);
        assert!(got[0].1.starts_with("upgradeFrom[1]"));
        assert!(got[1].1.starts_with("upgradeFrom[2]"));
    }
}
