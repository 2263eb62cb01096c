//! `volume-uri`: a volume URI landfall cannot mount.

use std::collections::HashMap;
use std::ops::Range;

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity, code_list, did_you_mean};
use landfall_model::{LoadedDocument, Spanned};

use landfall_schema::Kind;
use landfall_yaml::value_range_span;

use super::support::judged_workloads;
use crate::context::{Context, DocumentContext};
use crate::rules::{Reads, Rule};

pub static META: RuleMeta = RuleMeta {
    id: "volume-uri",
    severity: Severity::Error,
    summary: "a volume URI with an unknown scheme or no name, or a config:// naming no config of the Application",
    docs: r#"## What it checks
That every volume's `uri` is `SCHEME://NAME` with a scheme landfall mounts:

| scheme | mode | what |
|---|---|---|
| `scratch://NAME` | read-write, ephemeral | an empty directory for the life of the replica |
| `secret://NAME` | read-only | a secret, resolved by the target at deploy time |
| `config://NAME` | read-only | the files of `spec.configs.NAME` of the workload's Application |
| `volume://NAME` | read-write, persistent | storage that outlives replicas |

It reports, with the span on the part that is wrong:

- a URI without `://`, or with another scheme. Schemes are lowercase. The
  schemes of Control Plane get a pointer to their landfall
  equivalent: `cpln://secret/NAME` is `secret://NAME`, `azurefs://` (a
  read-write file share) is `volume://`, while the read-only object stores
  `s3://`, `gs://` and `azureblob://` cannot be mounted; Kubernetes words
  (`emptydir`, `configmap`, `pvc`) likewise;
- a URI with nothing after `://`, or a name starting with `/`;
- a `config://NAME` whose Application has no config `NAME`, with a
  did-you-mean.

The mode is fixed by the scheme: the spec has no per-volume read-only flag,
so there is no read-write request on a read-only scheme to contradict, and
that part of the rule applies only once such a flag exists.

## Why
The Control Plane workload reference defines a volume as a URI,
"the provider scheme followed by the bucket/storage name", and a mount
path. A scheme no target knows, or a config that does not exist, would
only fail at deploy time.

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
        - {uri: s3://shop-assets, path: /assets}
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
        - {uri: volume://shop-assets, path: /assets}
```
"#,
};

/// The schemes landfall mounts, sorted.
pub const SCHEMES: [&str; 4] = ["config", "scratch", "secret", "volume"];

/// What is wrong with a volume URI; ranges are byte ranges in it.
#[derive(Debug, PartialEq, Eq)]
pub enum UriError {
    /// No `://`, or nothing before it.
    NoScheme,
    /// A scheme that is not one of [`SCHEMES`].
    UnknownScheme(Range<usize>),
    /// Nothing after `://`.
    MissingName,
    /// A name starting with `/` (the range is that `/`).
    SlashName(Range<usize>),
}

/// A volume URI's scheme and the byte range of its name.
pub fn parse_uri(uri: &str) -> Result<(&str, Range<usize>), UriError> {
    let Some(at) = uri.find("://").filter(|&at| at > 0) else {
        return Err(UriError::NoScheme);
    };
    let scheme = &uri[..at];
    if !SCHEMES.contains(&scheme) {
        return Err(UriError::UnknownScheme(0..at));
    }
    let name = at + 3..uri.len();
    if name.is_empty() {
        return Err(UriError::MissingName);
    }
    if uri[name.clone()].starts_with('/') {
        return Err(UriError::SlashName(name.start..name.start + 1));
    }
    Ok((scheme, name))
}

/// How to write what an unknown scheme meant, when that is known.
fn scheme_help(scheme: &str, rest: &str) -> String {
    let name = rest.trim_start_matches('/');
    let lower = scheme.to_ascii_lowercase();
    let known = "landfall mounts `scratch://`, `secret://`, `config://` and `volume://`";
    match lower.as_str() {
        "cpln" => match name.strip_prefix("secret/") {
            Some(secret) => format!("a Control Plane secret is `secret://{secret}` in landfall"),
            None => format!("Control Plane references are not volumes; {known}"),
        },
        "s3" | "gs" | "azureblob" => format!(
            "object storage buckets cannot be mounted; read the bucket from the application, or use `volume://{name}` for persistent files ({known})"
        ),
        "azurefs" => format!("a read-write file share is `volume://{name}` in landfall"),
        "emptydir" | "tmpfs" | "tmp" | "ephemeral" => {
            format!("an ephemeral directory is `scratch://{name}` in landfall")
        }
        "configmap" => {
            format!("a config map is `config://{name}`, from the Application's `spec.configs`")
        }
        "pvc" | "persistentvolumeclaim" | "persistent" | "pv" => {
            format!("persistent storage is `volume://{name}` in landfall")
        }
        "hostpath" | "host" | "file" | "bind" => {
            format!("host paths cannot be mounted; {known}")
        }
        _ => match did_you_mean(scheme, SCHEMES) {
            Some(close) => format!("did you mean `{close}://{name}`?"),
            None => known.to_string(),
        },
    }
}

pub struct VolumeUri;

impl Rule for VolumeUri {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> Reads {
        Reads::Fields(&[
            (Kind::Workload, "/spec/containers/*/volumes/*/uri"),
            (Kind::Application, "/spec/configs"),
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
        for container in &workload.containers {
            for volume in &container.volumes {
                let Some(uri) = &volume.uri else { continue };
                let Err(error) = parse_uri(&uri.value) else {
                    continue;
                };
                out.push(uri_finding(uri, ctx.text(uri.span), error));
            }
        }
    }

    /// `config://NAME` against the configs of the workload's Application.
    fn check_project(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        // Application name → its config names, sorted for did-you-mean.
        let mut configs: HashMap<&str, Vec<&str>> = HashMap::new();
        for (workload, app) in judged_workloads(ctx, self.reads()) {
            let Some(app) = app else {
                continue;
            };
            let app_name = app.meta.name().unwrap_or_default();
            for container in &workload.containers {
                for volume in &container.volumes {
                    let Some(uri) = &volume.uri else { continue };
                    let Ok(("config", range)) = parse_uri(&uri.value) else {
                        continue;
                    };
                    let names = configs.entry(app_name).or_insert_with(|| {
                        let mut names: Vec<&str> =
                            app.configs.iter().map(|c| c.name.value.as_str()).collect();
                        names.sort_unstable();
                        names
                    });
                    let name = &uri.value[range.clone()];
                    if names.binary_search(&name).is_ok() {
                        continue;
                    }
                    let help = match did_you_mean(name, names.iter().copied()) {
                        Some(close) => format!("did you mean `config://{close}`?"),
                        None if names.is_empty() => format!(
                            "Application `{app_name}` has no configs: define `{name}` under its `spec.configs`"
                        ),
                        None => format!(
                            "define `{name}` under `spec.configs` of Application `{app_name}`; its configs are {}",
                            code_list(names.iter())
                        ),
                    };
                    out.push(
                        Diagnostic::new(
                            &META,
                            value_range_span(ctx.text(uri.span), uri.span, &uri.value, range),
                            format!("no config `{name}` in Application `{app_name}`"),
                        )
                        .with_span_label("unknown config")
                        .with_label(app.meta.name_span(), "the workload's Application")
                        .with_help(help),
                    );
                }
            }
        }
    }
}

fn uri_finding(uri: &Spanned<String>, text: &str, error: UriError) -> Diagnostic {
    let value = uri.value.as_str();
    match error {
        UriError::NoScheme => {
            let help = if value.starts_with('/') {
                "this is a path: the volume's `path` is where it is mounted, its `uri` what is mounted, such as `scratch://cache`".to_string()
            } else if let Some((scheme, rest)) = value.split_once(':')
                && SCHEMES.contains(&scheme)
            {
                format!("write `{scheme}://{}`", rest.trim_start_matches('/'))
            } else {
                "write `SCHEME://NAME` with a scheme of `scratch`, `secret`, `config` or `volume`"
                    .to_string()
            };
            let message = match value.split_once(':') {
                _ if value.is_empty() => "the volume URI is empty".to_string(),
                Some((scheme, _)) if SCHEMES.contains(&scheme) => {
                    format!("volume URI `{value}` lacks the `//` after `{scheme}:`")
                }
                _ => format!("volume URI `{value}` has no scheme"),
            };
            Diagnostic::new(&META, uri.span, message)
                .with_span_label("expected `SCHEME://NAME`")
                .with_help(help)
        }
        UriError::UnknownScheme(range) => {
            let scheme = &value[range.clone()];
            let rest = &value[range.end + 3..];
            Diagnostic::new(
                &META,
                value_range_span(text, uri.span, &uri.value, range),
                format!("unknown volume scheme `{scheme}://`"),
            )
            .with_span_label("not scratch, secret, config or volume")
            .with_help(scheme_help(scheme, rest))
        }
        UriError::MissingName => {
            let scheme = value.trim_end_matches("://");
            Diagnostic::new(
                &META,
                uri.span,
                format!("volume URI `{value}` has no name after the scheme"),
            )
            .with_span_label("no name")
            .with_help(format!(
                "write the volume's name after the scheme, such as `{scheme}://data`"
            ))
        }
        UriError::SlashName(range) => {
            let (scheme, _) = value.split_once("://").unwrap_or_default();
            let name = value[range.start..].trim_start_matches('/');
            Diagnostic::new(
                &META,
                value_range_span(text, uri.span, &uri.value, range),
                format!("the name in volume URI `{value}` starts with `/`"),
            )
            .with_span_label("a name, not a path")
            .with_help(format!(
                "write `{scheme}://{name}`; where the volume is mounted is its `path`"
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_uris() {
        assert_eq!(parse_uri("scratch://cache"), Ok(("scratch", 10..15)));
        assert_eq!(parse_uri("secret://shop-db/tls"), Ok(("secret", 9..20)));
        assert_eq!(parse_uri("/data"), Err(UriError::NoScheme));
        assert_eq!(parse_uri("scratch:cache"), Err(UriError::NoScheme));
        assert_eq!(parse_uri(""), Err(UriError::NoScheme));
        assert_eq!(parse_uri("s3://bucket"), Err(UriError::UnknownScheme(0..2)));
        assert_eq!(parse_uri("Scratch://x"), Err(UriError::UnknownScheme(0..7)));
        assert_eq!(parse_uri("://x"), Err(UriError::NoScheme));
        assert_eq!(parse_uri("volume://"), Err(UriError::MissingName));
        assert_eq!(parse_uri("volume:///data"), Err(UriError::SlashName(9..10)));
    }

    #[test]
    fn points_seed_schemes_at_their_equivalents() {
        assert!(scheme_help("cpln", "//secret/db").contains("`secret://db`"));
        assert!(scheme_help("azurefs", "//acct/files").contains("`volume://acct/files`"));
        assert!(scheme_help("s3", "//bucket").contains("cannot be mounted"));
        assert!(scheme_help("emptyDir", "//x").contains("`scratch://x`"));
        assert!(scheme_help("secrets", "//x").contains("did you mean `secret://x`?"));
        assert!(scheme_help("SCRATCH", "//x").contains("did you mean `scratch://x`?"));
    }
}
