//! `mount-path`: a volume mounted at a path that is not absolute, climbs
//! with `..`, or is reserved by the platform.

use std::collections::HashSet;
use std::ops::Range;

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity};
use landfall_model::LoadedDocument;

use landfall_schema::Kind;
use landfall_yaml::value_range_span;

use super::support::setting_label;
use crate::context::DocumentContext;
use crate::rules::{Reads, Rule};

pub static META: RuleMeta = RuleMeta {
    id: "mount-path",
    severity: Severity::Error,
    summary: "a mount path that is not absolute, contains `..`, or is reserved by the platform",
    docs: r#"## What it checks
That every volume's `path`:

- is absolute (starts with `/`);
- has no `..` segment (the span is on the `..`);
- is not `/` itself, which would replace the container's root filesystem;
- is not one of the platform's `reservedMountPaths` (`/dev`, `/dev/log`,
  `/tmp`, `/var` and `/var/log` when the platform does not set them).

Paths are compared after dropping empty and `.` segments, so `/tmp/` and
`/./tmp` are `/tmp`. Only the reserved paths themselves are refused, as
Control Plane refuses them: a path below one, such as `/var/lib/shop` or
`/tmp/cache`, is allowed.

The same path used twice in one container is `duplicate-name`, reported
once there and not again here.

## Why
Control Plane reserves `/dev`, `/dev/log`, `/tmp`, `/var` and `/var/log`
and requires a "unique absolute path" for every volume (the Control
Plane workload reference): the runtime mounts its own filesystems there. A
relative path or a `..` has no agreed meaning across targets.

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
      volumes:
        - {uri: scratch://cache, path: /tmp}
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
      volumes:
        - {uri: scratch://cache, path: /tmp/cache}
```
"#,
};

/// `path` without empty and `.` segments: `/tmp/` and `/./tmp` are `/tmp`,
/// and `/` stays `/`. `..` segments are kept.
pub fn normalize(path: &str) -> String {
    let segments: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    format!("/{}", segments.join("/"))
}

/// `path` with `..` resolved (never above `/`), for the help.
fn resolve_dots(path: &str) -> String {
    let mut stack: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                stack.pop();
            }
            s => stack.push(s),
        }
    }
    format!("/{}", stack.join("/"))
}

/// The byte range of the first `..` segment of `path`.
pub fn dot_dot(path: &str) -> Option<Range<usize>> {
    let mut at = 0;
    for segment in path.split('/') {
        if segment == ".." {
            return Some(at..at + 2);
        }
        at += segment.len() + 1;
    }
    None
}

pub struct MountPath;

impl Rule for MountPath {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> Reads {
        Reads::Fields(&[
            (Kind::Workload, "/spec/containers/*/volumes/*/path"),
            (Kind::Platform, "/spec/reservedMountPaths"),
        ])
    }

    fn check_document(
        &self,
        doc: &LoadedDocument,
        ctx: &DocumentContext,
        out: &mut Vec<Diagnostic>,
    ) {
        let Some(workload) = doc.doc.as_workload() else {
            return;
        };
        if workload.containers.iter().all(|c| c.volumes.is_empty()) {
            return;
        }
        let reserved: Vec<String> = ctx
            .platform
            .reserved_mount_paths
            .iter()
            .map(|r| normalize(&r.value))
            .collect();
        let written = ctx
            .platform
            .document
            .is_some_and(|p| p.reserved_mount_paths.is_some());
        for container in &workload.containers {
            let mut seen: HashSet<&str> = HashSet::new();
            for volume in &container.volumes {
                let Some(path) = &volume.path else { continue };
                let p = path.value.as_str();
                let text = ctx.text(path.span);
                let whole = path.span;
                if !seen.insert(p) {
                    // `duplicate-name` reports the second one.
                    continue;
                }
                if p.is_empty() {
                    out.push(
                        Diagnostic::new(&META, whole, "the mount path is empty")
                            .with_span_label("empty")
                            .with_help("write the absolute path where the volume is mounted, such as `/data`"),
                    );
                    continue;
                }
                if !p.starts_with('/') {
                    let fixed = resolve_dots(p.trim_start_matches("./"));
                    out.push(
                        Diagnostic::new(&META, whole, format!("mount path `{p}` is not absolute"))
                            .with_span_label("relative path")
                            .with_help(format!("write an absolute path, such as `{fixed}`")),
                    );
                    continue;
                }
                if let Some(range) = dot_dot(p) {
                    out.push(
                        Diagnostic::new(
                            &META,
                            value_range_span(text, path.span, p, range),
                            format!("mount path `{p}` has a `..` segment"),
                        )
                        .with_span_label("`..`")
                        .with_help(format!(
                            "write the path it stands for: `{}`",
                            resolve_dots(p)
                        )),
                    );
                    continue;
                }
                let normal = normalize(p);
                if normal == "/" {
                    out.push(
                        Diagnostic::new(
                            &META,
                            whole,
                            format!("mount path `{p}` is the root of the filesystem"),
                        )
                        .with_span_label("the root")
                        .with_help("mount the volume at a directory of its own, such as `/data`"),
                    );
                    continue;
                }
                let Some(i) = reserved.iter().position(|r| *r == normal) else {
                    continue;
                };
                let default = if written {
                    ""
                } else {
                    " (a default `reservedMountPaths` entry)"
                };
                let mut d = Diagnostic::new(
                    &META,
                    whole,
                    format!("mount path `{p}` is reserved by the platform{default}"),
                )
                .with_span_label("reserved path");
                d = setting_label(
                    d,
                    ctx.platform
                        .reserved_mount_paths
                        .get(i)
                        .and_then(|r| r.span),
                    "reserved here",
                );
                out.push(
                    d.with_help(format!(
                        "mount the volume elsewhere; only `{normal}` itself is reserved, so a path below it, such as `{normal}/{}`, is allowed",
                        suggested_name(volume.uri.as_ref().map(|u| u.value.as_str()))
                    )),
                );
            }
        }
    }
}

/// A directory name for the help: the last segment of the volume's URI
/// name when it is a plain word, else `data`.
fn suggested_name(uri: Option<&str>) -> &str {
    uri.and_then(|u| u.split_once("://"))
        .and_then(|(_, name)| name.rsplit('/').next())
        .filter(|n| {
            !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                && !n.starts_with('.')
        })
        .unwrap_or("data")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_paths() {
        assert_eq!(normalize("/tmp"), "/tmp");
        assert_eq!(normalize("/tmp/"), "/tmp");
        assert_eq!(normalize("//tmp/./"), "/tmp");
        assert_eq!(normalize("/"), "/");
        assert_eq!(normalize("/var/log"), "/var/log");
        assert_eq!(normalize("/var/../log"), "/var/../log");
    }

    #[test]
    fn finds_dot_dot_segments() {
        assert_eq!(dot_dot("/app/../etc"), Some(5..7));
        assert_eq!(dot_dot("/.."), Some(1..3));
        assert_eq!(dot_dot("/app/..data/x"), None);
        assert_eq!(dot_dot("/app/data.."), None);
        assert_eq!(resolve_dots("/app/../etc"), "/etc");
        assert_eq!(resolve_dots("/../../x"), "/x");
    }

    #[test]
    fn suggests_names() {
        assert_eq!(suggested_name(Some("scratch://cache")), "cache");
        assert_eq!(suggested_name(Some("secret://shop-db/tls")), "tls");
        assert_eq!(suggested_name(Some("s3://")), "data");
        assert_eq!(suggested_name(None), "data");
    }
}
