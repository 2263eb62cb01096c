//! `timeout-range`: a workload's request timeout outside 1s-600s.

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity};
use landfall_model::LoadedDocument;
use landfall_model::quantity::Quantity;
use landfall_schema::Kind;

use super::support::parse_duration_value;
use crate::context::DocumentContext;
use crate::rules::{Reads, Rule};

pub static META: RuleMeta = RuleMeta {
    id: "timeout-range",
    severity: Severity::Error,
    summary: "timeout outside 1s-600s",
    docs: r#"## What it checks
That a workload's `timeout`, the longest a request may take, is between
`1s` and `600s` (`10m`), both included. Any spelling of the duration
counts: `1500ms` and `10m` are within the range, `500ms` and `1h` are
not. A `timeout` that is not a duration is `invalid-quantity`'s.

## Why
The Control Plane workload reference: "The maximum request
duration in seconds before Control Plane will timeout. [...] The minimum
value is 1 second and the maximum value is 600 seconds."

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
  timeout: 15m
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
  timeout: 10m
```
"#,
};

pub struct TimeoutRange;

const MIN_MS: Quantity = Quantity::from_int(1_000);
const MAX_MS: Quantity = Quantity::from_int(600_000);

impl Rule for TimeoutRange {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> Reads {
        Reads::Fields(&[(Kind::Workload, "/spec/timeout")])
    }

    fn check_document(
        &self,
        doc: &LoadedDocument,
        _ctx: &DocumentContext,
        out: &mut Vec<Diagnostic>,
    ) {
        let Some(workload) = doc.doc.as_workload() else {
            return;
        };
        let Some(timeout) = &workload.timeout else {
            return;
        };
        let Ok(ms) = parse_duration_value("timeout", &timeout.value) else {
            return;
        };
        let (relation, bound) = if ms < MIN_MS {
            ("below the minimum", "1s")
        } else if ms > MAX_MS {
            ("above the maximum", "600s")
        } else {
            return;
        };
        let text = &timeout.value.text;
        let seconds = ms.scaled(-3).unwrap_or(ms);
        let shown = if text.ends_with('s')
            && !text.ends_with("ms")
            && text[..text.len() - 1]
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'.')
        {
            text.clone()
        } else {
            format!("{text} ({seconds}s)")
        };
        out.push(
            Diagnostic::new(
                &META,
                timeout.span,
                format!("timeout {shown} is {relation} of {bound}"),
            )
            .with_span_label(format!("{relation} of {bound}"))
            .with_help("the request timeout is between 1s and 600s (10m)"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::{findings, workload};

    fn timeout(value: &str) -> Vec<(u32, String)> {
        let text = workload(&format!("  timeout: {value}\n"));
        findings(&text, "timeout-range")
    }

    #[test]
    fn bounds_are_included_in_any_spelling() {
        for ok in ["1s", "1000ms", "600s", "10m", "9m60s", "0.5m", "1m30s"] {
            assert!(timeout(ok).is_empty(), "{ok}");
        }
        for bad in ["999ms", "0s", "601s", "1h", "10m1s"] {
            assert_eq!(timeout(bad).len(), 1, "{bad}");
        }
        assert_eq!(
            timeout("601s"),
            [(9, "timeout 601s is above the maximum of 600s".to_string())]
        );
        // Not a duration: `invalid-quantity`'s, not this rule's.
        assert!(timeout("ten").is_empty());
    }
}
