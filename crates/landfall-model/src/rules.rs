//! The rules this crate reports, with their documentation.
//!
//! Every rule's docs end with a failing and a passing example in
//! ```` ```yaml fail ```` and ```` ```yaml pass ```` fences: each a whole
//! tree in one file, in which the failing one fires only its rule and the
//! passing one fires nothing.

use landfall_diagnostics::{RuleMeta, Severity};

pub static UNKNOWN_KIND: RuleMeta = RuleMeta {
    id: "unknown-kind",
    severity: Severity::Error,
    summary: "a landfall apiVersion with a kind that does not exist, or a named file with no landfall document",
    docs: r#"## What it checks
That every document with a landfall `apiVersion` (one starting with
`landfall.dev/`) has a `kind` that is one of `Application`, `Workload`,
`Scope`, `ScopeType` and `Platform`. A misspelled kind gets a did-you-mean
(`Workoad` → `Workload`); a missing `kind` points at the `apiVersion`.

The same rule reports a file named explicitly on the command line (or read
from stdin) that holds no landfall document at all. A directory walk skips
such files silently: a Kubernetes manifest or a CI workflow next to the
specs is not an error.

## Why
A document of an unknown kind cannot be checked against any schema, so
without this finding it would be ignored, and everything it defines would
silently be missing.

## Example
```yaml fail
apiVersion: landfall.dev/v1
kind: Workoad
metadata: {name: api, application: shop}
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:1.0.0
```

```yaml pass
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec:
  version: "1.0.0"
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: api, application: shop}
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:1.0.0
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: web}
spec:
  target: local
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: production, application: shop}
spec:
  type: web
  workloads: [api]
```
"#,
};

pub static INVALID_NAME: RuleMeta = RuleMeta {
    id: "invalid-name",
    severity: Severity::Error,
    summary: "a name that breaks its pattern (DNS label, label key, container name prefix)",
    docs: r#"## What it checks
That names have the shape the targets require:

- `metadata.name` of every document, `metadata.application` of Workloads and
  Scopes, and container names are DNS labels: lowercase letters, digits and
  `-`, starting and ending with a letter or digit, at most 63 characters
  (`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`);
- container names do not start with `landfall-`, which is reserved for the
  containers landfall adds;
- label keys are an optional prefix and `/`, then a name. The prefix is a DNS
  subdomain (dot-separated DNS labels, at most 253 characters); the name has
  at most 63 characters, letters, digits, `-`, `_` and `.`, and starts and
  ends with a letter or digit, as in Kubernetes. The prefix `landfall.dev`
  (and any subdomain of it) is reserved for labels landfall sets itself.

The message names the first offending character and its position
("uppercase `S` at position 1") and, where one is close, suggests a valid
name.

## Why
Names become DNS names, Kubernetes object names and container names on the
targets, which reject anything else, and only at deploy time. The Control
Plane workload reference reserves a prefix for its own containers; Avassa's
application specification reference defines names as
`^[a-z0-9]([a-z0-9\-]*[a-z0-9])?$` and label keys as an optional DNS prefix,
`/` and a name, with a prefix reserved for the system.

## Example
```yaml fail
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec:
  version: "1.0.0"
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: api, application: shop}
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:1.0.0
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: web}
spec:
  target: local
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: Production, application: shop}
spec:
  type: web
  workloads: [api]
```

```yaml pass
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec:
  version: "1.0.0"
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: api, application: shop}
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:1.0.0
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: web}
spec:
  target: local
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: production, application: shop}
spec:
  type: web
  workloads: [api]
```
"#,
};

pub static DUPLICATE_NAME: RuleMeta = RuleMeta {
    id: "duplicate-name",
    severity: Severity::Error,
    summary: "two documents of one kind with one name, or two containers, ports or volumes of a workload alike",
    docs: r#"## What it checks
That names are unique where they identify something:

- Workloads and Scopes: unique per kind within one application (their
  `metadata.application`);
- Applications, ScopeTypes and Platforms: unique per kind across the whole
  checked tree;
- within one Workload: container names; port numbers (the containers of a
  workload share one network, so a port can be exposed once); and, within
  one container, volume mount paths.

The later definition is the finding, in file path order and then position
in the file; the earlier one is shown as "first defined here", also when it
is in another file.

## Why
A reference by name (a Scope's workloads, a Workload's application) must
mean one thing. Most tools keep whichever definition they read last, so a
copied file silently replaces the one a reviewer reads. Scope names are
unique within an application in nullplatform (its scope creation guide).

## Example
```yaml fail
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec:
  version: "1.0.0"
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: api, application: shop}
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:1.0.0
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: web}
spec:
  target: local
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: production, application: shop}
spec:
  type: web
  workloads: [api]
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: production, application: shop}
spec:
  type: web
  workloads: [api]
```

```yaml pass
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec:
  version: "1.0.0"
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: api, application: shop}
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:1.0.0
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: web}
spec:
  target: local
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: production, application: shop}
spec:
  type: web
  workloads: [api]
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: staging, application: shop}
spec:
  type: web
  workloads: [api]
```
"#,
};

pub static UNRESOLVED_REFERENCE: RuleMeta = RuleMeta {
    id: "unresolved-reference",
    severity: Severity::Error,
    summary: "a name that points nowhere: an application, a scope type, a scope's workload, a ${VAR}",
    docs: r#"## What it checks
That every name used to point at something else exists in the checked tree:

- a Workload's or Scope's `metadata.application` names an Application;
- a Scope's `spec.type` names a ScopeType;
- each of a Scope's `spec.workloads` names a Workload of the same
  application;
- each `${NAME}` in a container's `env` values, `command` and `args` names a
  variable in `spec.variables` of the workload's Application. Write `$${` for
  a literal `${`. The finding points at the `${NAME}` itself, inside the
  string.

A close name is suggested (`shpo` → `shop`), or the names there are when
they are few. Only valid names are suggested or listed: a document whose
name fails its pattern (`invalid-name`) still resolves the references that
spell that name, but it is never offered to the others, since the fix is to
rename it rather than to copy it. When an application name points nowhere,
the names that depend on it (the scope's workloads, the workload's
`${NAME}`s) are not reported as well: fixing the one name is enough.

While a file cannot be read whole (`yaml-syntax` or `input-limit` stopped
it, or it is too large or not UTF-8), the names of the documents it holds
are unknown. A reference to an application, a scope type or a workload is
then not reported when the unread part of such a file mentions the name as
a whole word, since it may define it there: instead, one note on that
file's finding says which names and how many references wait for it. A
name the unread text does not spell is still reported, and a list of names
in the help says it lists only what could be read. `${NAME}`s are checked
as usual: the variables are all in the Application's document.

## Why
Each file can be valid on its own while the tree is not: a typo in a
reference is found only when every file is read together, and otherwise
only at deploy time, or never (an empty variable).

## Example
```yaml fail
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec:
  version: "1.0.0"
  variables:
    LOG_LEVEL: {value: info}
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: api, application: shop}
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:1.0.0
      args: ["--log-level=${LOG_LEVL}"]
      env:
        LOG_LEVEL: ${LOG_LEVEL}
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: web}
spec:
  target: local
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: production, application: shop}
spec:
  type: web
  workloads: [api]
```

```yaml pass
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec:
  version: "1.0.0"
  variables:
    LOG_LEVEL: {value: info}
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: api, application: shop}
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:1.0.0
      args: ["--log-level=${LOG_LEVEL}"]
      env:
        LOG_LEVEL: ${LOG_LEVEL}
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: web}
spec:
  target: local
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: production, application: shop}
spec:
  type: web
  workloads: [api]
```
"#,
};

/// Every rule of this crate, for the registry; `unknown-kind` first (the
/// registry lists it with the rules that read the files).
pub static ALL: [&RuleMeta; 4] = [
    &UNKNOWN_KIND,
    &INVALID_NAME,
    &DUPLICATE_NAME,
    &UNRESOLVED_REFERENCE,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{check, summary};

    fn example<'a>(docs: &'a str, fence: &str) -> &'a str {
        let start = docs.find(fence).expect("example fence") + fence.len();
        let rest = docs[start..].trim_start_matches('\n');
        &rest[..rest.find("```").expect("closing fence")]
    }

    /// Under every stage up to resolution, the failing example fires its
    /// rule and nothing else, and the passing one fires nothing. (Whole-
    /// checker runs of these examples live with the rule registry.)
    #[test]
    fn examples_fire_exactly_their_rule() {
        for rule in ALL {
            let fail = example(rule.docs, "```yaml fail\n");
            let pass = example(rule.docs, "```yaml pass\n");
            let (_, found) = check(&[fail]);
            assert!(!found.is_empty(), "{}: fail example fires nothing", rule.id);
            assert!(
                found.iter().all(|d| d.rule == rule.id),
                "{}: fail example fires {:?}",
                rule.id,
                summary(&[fail], &found)
            );
            let (_, found) = check(&[pass]);
            assert!(
                found.is_empty(),
                "{}: pass example fires {:?}",
                rule.id,
                summary(&[pass], &found)
            );
        }
    }

    #[test]
    fn docs_have_the_sections() {
        for rule in ALL {
            for section in ["## What it checks", "## Why", "## Example"] {
                assert!(rule.docs.contains(section), "{}: no {section}", rule.id);
            }
            assert_eq!(rule.severity, Severity::Error);
        }
        let ids: Vec<&str> = ALL.iter().map(|r| r.id).collect();
        assert_eq!(
            ids,
            [
                "unknown-kind",
                "invalid-name",
                "duplicate-name",
                "unresolved-reference"
            ]
        );
    }
}
