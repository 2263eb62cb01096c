//! `mutable-image`: a container image named by a tag that moves (`:latest`,
//! or no tag at all, which means `:latest`).

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity};
use landfall_model::LoadedDocument;
use landfall_schema::Kind;

use crate::context::DocumentContext;
use crate::rules::{Reads, Rule};

pub static META: RuleMeta = RuleMeta {
    id: "mutable-image",
    severity: Severity::Warning,
    summary: "a container image with the tag `latest` or no tag, which can change under the same name",
    docs: r#"## What it checks
That every container's `image` names one build: a tag other than `latest`
(`registry.example.com/shop/api:2.4.2`) or, best, a digest
(`registry.example.com/shop/api@sha256:…`, which no push can move). An image
with no tag (`nginx`, `registry.example.com/shop/api`) is `:latest` to every
engine and registry, so it is reported too.

- Images from `localhost/` (`localhost/web:1`, `localhost:5000/web`) are
  locally built: there is no registry whose tag could move under them, and
  a developer rebuilding `localhost/web:latest` means it. They are never
  reported.
- An image written with a `${VARIABLE}` is judged only where the variable
  cannot change the tag: `registry.example.com/api:${TAG}` is not reported.
- A Platform turns the rule off or changes its severity in `spec.rules`
  (`mutable-image: off`, or `error` to refuse such images).

## Why
kube-linter's `latest-tag` check and checkov's CKV_K8S_43 ("image should use
digest"): a mutable tag deploys whatever was pushed last, so two replicas of
one plan may run different code, a rollback redeploys the new build, and
landfall's change detection (the spec hash) cannot see that anything
changed.

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
      image: registry.example.com/shop/api:latest
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

/// What moves about an image reference, or `None` when nothing does.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Mutable {
    Latest,
    Untagged,
}

/// Reads `image` as `[registry/]path[:tag][@digest]`.
pub(crate) fn mutable(image: &str) -> Option<Mutable> {
    if image.contains('@') || image.contains("${") || image.is_empty() {
        return None;
    }
    let (first, _) = image.split_once('/').unwrap_or(("", image));
    if first == "localhost" || first.starts_with("localhost:") {
        return None;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, "latest")) => Some(Mutable::Latest),
        Some(_) => None,
        None => Some(Mutable::Untagged),
    }
}

pub struct MutableImage;

impl Rule for MutableImage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> Reads {
        Reads::Fields(&[(Kind::Workload, "/spec/containers/*/image")])
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
            let Some(image) = &container.image else {
                continue;
            };
            let Some(what) = mutable(&image.value) else {
                continue;
            };
            let name = &image.value;
            let (message, label) = match what {
                Mutable::Latest => (
                    format!("image `{name}` uses the tag `latest`, which moves with every push"),
                    "mutable tag",
                ),
                Mutable::Untagged => (
                    format!(
                        "image `{name}` has no tag, so it means `{name}:latest`, which moves with every push"
                    ),
                    "no tag",
                ),
            };
            out.push(
                Diagnostic::new(&META, image.span, message)
                    .with_span_label(label)
                    .with_help("pin a version tag (`:2.4.2`), or best a digest (`@sha256:…`)"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_that_move_and_references_that_do_not() {
        assert_eq!(mutable("nginx"), Some(Mutable::Untagged));
        assert_eq!(mutable("nginx:latest"), Some(Mutable::Latest));
        assert_eq!(
            mutable("registry.example.com:5000/shop/api"),
            Some(Mutable::Untagged)
        );
        assert_eq!(
            mutable("registry.example.com:5000/shop/api:latest"),
            Some(Mutable::Latest)
        );
        assert_eq!(mutable("nginx:1.27"), None);
        assert_eq!(mutable("nginx@sha256:0123abcd"), None);
        assert_eq!(mutable("nginx:latest@sha256:0123abcd"), None);
        assert_eq!(mutable("localhost/web:latest"), None);
        assert_eq!(mutable("localhost:5000/web"), None);
        assert_eq!(mutable("registry.example.com/api:${TAG}"), None);
    }
}
