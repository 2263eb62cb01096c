//! `run-as-root`: a container that runs as user 0 (root).

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity};
use landfall_model::LoadedDocument;
use landfall_schema::Kind;

use crate::context::DocumentContext;
use crate::rules::{Reads, Rule};

pub static META: RuleMeta = RuleMeta {
    id: "run-as-root",
    severity: Severity::Error,
    summary: "a container that runs as root (user 0)",
    docs: r#"## What it checks
That no container sets `user` to root: `"0"`, `"root"`, or either with a
group (`"0:0"`, `"root:1000"`): the explicit choice of root. A container
without `user` runs as its image's user, which the Kubernetes target holds
to non-root with `runAsNonRoot` unless `security.runAsNonRoot` is `false`.

A Platform that must run such containers sets the rule's severity in
`spec.rules` (`run-as-root: warning`, or `off`).

## Why
The Kubernetes Pod Security Standards' `restricted` profile ("Running as
Non-root user": `runAsUser` must not be 0), which landfall's Kubernetes
target declares on every namespace, refuses such a pod at deploy time; on
every engine a process running as root inside its container is one kernel
bug away from root on the host.

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
      user: "0:0"
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
      user: "1000:1000"
```
"#,
};

/// Whether `user` (`uid[:gid]`, by number or name) is root.
pub(crate) fn is_root(user: &str) -> bool {
    let uid = user.split_once(':').map_or(user, |(uid, _)| uid).trim();
    uid == "root" || (!uid.is_empty() && uid.bytes().all(|b| b == b'0'))
}

pub struct RunAsRoot;

impl Rule for RunAsRoot {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> Reads {
        Reads::Fields(&[(Kind::Workload, "/spec/containers/*/user")])
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
        for container in &workload.containers {
            let Some(user) = &container.user else {
                continue;
            };
            if !is_root(&user.value) {
                continue;
            }
            let name = container.name().unwrap_or("?");
            out.push(
                Diagnostic::new(
                    &META,
                    user.span,
                    format!("container `{name}` runs as root (`user: {}`)", user.value),
                )
                .with_span_label("user 0")
                .with_help("run as a non-root user, such as \"1000:1000\""),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_by_number_or_name() {
        for root in ["0", "0:0", "root", "root:root", "0:1000", "00"] {
            assert!(is_root(root), "{root}");
        }
        for other in ["1000", "1000:0", "65534:65534", "rooted", "", "10"] {
            assert!(!is_root(other), "{other}");
        }
    }
}
