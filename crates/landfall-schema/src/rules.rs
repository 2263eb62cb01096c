//! The rule this crate reports, with its documentation.

use landfall_diagnostics::{RuleMeta, Severity};

pub static SCHEMA: RuleMeta = RuleMeta {
    id: "schema",
    severity: Severity::Error,
    summary: "the document breaks its kind's JSON Schema",
    docs: r#"## What it checks
That every landfall document matches the JSON Schema of its kind (the files
in `schemas/`, draft 2020-12, also usable by editors). The schemas are
strict: a field the spec language does not define is an error, so a typo
never passes silently.

- an unknown field points at its key, with a did-you-mean (`imagee` → `image`);
- a value of the wrong type or outside its enum or range points at the value,
  and says what was expected;
- a missing required field points at the key of the mapping that lacks it.

Checks that have a rule of their own (names, ports, quantities, versions,
cron schedules, CIDRs, volume URIs) are left to that rule, which says more.

One mistake is one finding. A document that fails its schema is still
judged by every rule that reads none of the fields that failed: a wrong
`maxScale` does not hide a relative mount path in the same document. A rule
that reads a field that failed does not judge that document (nor, for a
Platform setting that failed, any document), so nothing reports the same
fault again or judges the field as if it were not written (a cron workload
"without a `job`" when `job` is a string). An unknown field counts as the
field it most likely misspells, and a missing required field as that
field. Names stay resolvable: references to a document of a kind whose
name failed are not reported as unresolved, nor `${NAME}`s whose variable
failed.

## Why
Platforms reject unknown or mistyped fields at deploy time, or worse, ignore
them: `imagee:` deploys nothing, `PORT: 8080` is not a string to Kubernetes.
A strict schema catches both at the commit that introduces them.

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
spec: {target: local, workloadTypes: [standard]}
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
        - {port: 8080, protocoll: http}
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
spec: {target: local, workloadTypes: [standard]}
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
```
"#,
};

pub static ALL: [&RuleMeta; 1] = [&SCHEMA];
