//! Control Plane's own checks, which landfall's catalogue lacks: each from
//! the platform's documentation or the errors its API returns.

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity};
use landfall_model::{Workload, WorkloadType};
use landfall_yaml::Node;

use crate::dialect::nodes::Reader;

/// The catalogue's rules that have a meaning on Control Plane files.
pub(crate) const CATALOGUE: [&str; 30] = [
    "yaml-syntax",
    "duplicate-key",
    "ambiguous-scalar",
    "input-limit",
    "unknown-kind",
    "schema",
    "duplicate-name",
    "templated-file",
    "resource-limit",
    "cpu-memory-ratio",
    "invalid-quantity",
    "blocked-port",
    "port-range",
    "port-env-mismatch",
    "timeout-range",
    "workload-ports",
    "scaling-metric",
    "scale-bounds",
    "scale-to-zero",
    "capacity-ai-cpu",
    "job-spec",
    "cron-schedule",
    "probe-spec",
    "reserved-env",
    "env-value-length",
    "plaintext-secret",
    "volume-limit",
    "mount-path",
    "invalid-cidr",
    "unused-suppression",
];

pub(crate) static ALL: [&RuleMeta; 5] = [
    &PORT_RANGE,
    &TIMEOUT_RANGE,
    &CONTAINER_NAME,
    &PORT_AND_PORTS,
    &IGNORED_AUTOSCALING,
];

pub static PORT_RANGE: RuleMeta = RuleMeta {
    id: "cpln/port-range",
    severity: Severity::Error,
    summary: "a container port below 80, which Control Plane does not accept",
    docs: r#"## What it checks
Each `spec.containers[].ports[].number` (and the legacy `port`) of a
Control Plane workload is at least 80. Ports above 65535 are
`port-range`'s, ports Control Plane blocks `blocked-port`'s.

## Why
Control Plane's workload reference and its Terraform provider accept
container ports from 80 to 65535 only; `cpln apply` fails on a lower one,
long after the file was written.

## Example
```yaml fail
kind: workload
name: api
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:2.4.2
      cpu: 500m
      memory: 512Mi
      ports:
        - {number: 22, protocol: tcp}
```

```yaml pass
kind: workload
name: api
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:2.4.2
      cpu: 500m
      memory: 512Mi
      ports:
        - {number: 2222, protocol: tcp}
```
"#,
};

pub static TIMEOUT_RANGE: RuleMeta = RuleMeta {
    id: "cpln/timeout-range",
    severity: Severity::Error,
    summary: "`defaultOptions.timeoutSeconds` outside 1-3600 on a standard, stateful or cron workload",
    docs: r#"## What it checks
`spec.defaultOptions.timeoutSeconds` (and each `localOptions[]`'s) of a
standard, stateful or cron workload is between 1 and 3600. A serverless
workload's timeout is `timeout-range`'s (1-600).

## Why
Control Plane's workload reference: the request timeout is at most 600
seconds for serverless workloads and 3600 seconds for the other types.

## Example
```yaml fail
kind: workload
name: reports
spec:
  type: standard
  containers:
    - name: reports
      image: registry.example.com/shop/reports:1.0.0
      cpu: 500m
      memory: 512Mi
      ports:
        - {number: 8080, protocol: http}
  defaultOptions:
    timeoutSeconds: 7200
```

```yaml pass
kind: workload
name: reports
spec:
  type: standard
  containers:
    - name: reports
      image: registry.example.com/shop/reports:1.0.0
      cpu: 500m
      memory: 512Mi
      ports:
        - {number: 8080, protocol: http}
  defaultOptions:
    timeoutSeconds: 1800
```
"#,
};

pub static CONTAINER_NAME: RuleMeta = RuleMeta {
    id: "cpln/container-name",
    severity: Severity::Error,
    summary: "a container name Control Plane reserves (`cpln-…`, `debugger-…`, `istio-proxy`, `queue-proxy`, `istio-validation`) or that breaks its pattern",
    docs: r#"## What it checks
Each `spec.containers[].name` matches `^[a-z]([-a-z0-9])*[a-z0-9]$`, is
at most 64 characters, does not start with `cpln-` or `debugger-` and is
not `istio-proxy`, `queue-proxy` or `istio-validation`.

## Why
Control Plane runs its own containers beside a workload's under these
names; its API rejects a workload whose container takes one, and names
that are not DNS labels.

## Example
```yaml fail
kind: workload
name: api
spec:
  type: standard
  containers:
    - name: cpln-agent
      image: registry.example.com/shop/api:2.4.2
      cpu: 500m
      memory: 512Mi
      ports:
        - {number: 8080, protocol: http}
```

```yaml pass
kind: workload
name: api
spec:
  type: standard
  containers:
    - name: agent
      image: registry.example.com/shop/api:2.4.2
      cpu: 500m
      memory: 512Mi
      ports:
        - {number: 8080, protocol: http}
```
"#,
};

pub static PORT_AND_PORTS: RuleMeta = RuleMeta {
    id: "cpln/port-and-ports",
    severity: Severity::Error,
    summary: "a container that sets both the legacy `port` and `ports`",
    docs: r#"## What it checks
A container of a Control Plane workload sets at most one of `port` (the
deprecated single port) and `ports`.

## Why
Control Plane's API rejects a container with both: they are two ways of
saying the same thing, and the platform will not guess which one holds.

## Example
```yaml fail
kind: workload
name: api
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:2.4.2
      cpu: 500m
      memory: 512Mi
      port: 8080
      ports:
        - {number: 8080, protocol: http}
```

```yaml pass
kind: workload
name: api
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:2.4.2
      cpu: 500m
      memory: 512Mi
      ports:
        - {number: 8080, protocol: http}
```
"#,
};

pub static IGNORED_AUTOSCALING: RuleMeta = RuleMeta {
    id: "cpln/ignored-autoscaling",
    severity: Severity::Warning,
    summary: "autoscaling on a cron workload, which Control Plane ignores",
    docs: r#"## What it checks
A cron workload's `spec.defaultOptions.autoscaling`. Control Plane accepts
it and ignores it, so this is a warning where landfall's own documents
get `scaling-metric`'s error.

## Why
A cron workload runs its job to completion on its schedule: there are no
requests to scale on. The platform leaves such settings in place but does
nothing with them, and whoever reads the file is misled.

## Example
```yaml fail
kind: workload
name: nightly
spec:
  type: cron
  containers:
    - name: nightly
      image: registry.example.com/shop/nightly:1.0.0
      cpu: 500m
      memory: 512Mi
  job:
    schedule: "0 3 * * *"
  defaultOptions:
    autoscaling:
      metric: cpu
      target: 80
```

```yaml pass
kind: workload
name: nightly
spec:
  type: cron
  containers:
    - name: nightly
      image: registry.example.com/shop/nightly:1.0.0
      cpu: 500m
      memory: 512Mi
  job:
    schedule: "0 3 * * *"
```
"#,
};

const RESERVED_NAMES: [&str; 3] = ["istio-proxy", "queue-proxy", "istio-validation"];
const RESERVED_PREFIXES: [&str; 2] = ["cpln-", "debugger-"];

/// Control Plane's checks on one workload document.
pub(crate) fn check(r: &Reader<'_>, root: &Node, workload: &Workload) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let spec = root.get("spec");
    let containers = r.items(spec.and_then(|s| s.get("containers")));
    let mut names: Vec<(&str, &Node)> = Vec::new();
    for c in containers {
        if let Some(node) = c.get("name")
            && let Some(name) = node.as_str()
        {
            container_name(r, node, name, &mut out);
            if let Some((_, first)) = names.iter().find(|(n, _)| *n == name) {
                out.push(
                    Diagnostic::new(
                        &landfall_model::rules::DUPLICATE_NAME,
                        r.span(node),
                        format!("two containers are named `{name}`"),
                    )
                    .with_span_label("second container of this name")
                    .with_label(r.span(first), "first defined here")
                    .with_help("container names are unique within a workload"),
                );
            } else {
                names.push((name, node));
            }
        }
        if let (Some(port), Some(ports)) = (c.entry("port"), c.entry("ports")) {
            out.push(
                Diagnostic::new(
                    &PORT_AND_PORTS,
                    r.span(&port.key),
                    "a container sets both `port` and `ports`",
                )
                .with_span_label("legacy single port")
                .with_label(r.span(&ports.key), "the list of ports")
                .with_help("keep `ports` (`port` is deprecated) and remove `port`"),
            );
        }
        let numbers = r
            .items(c.get("ports"))
            .iter()
            .filter_map(|p| p.get("number"))
            .chain(c.get("port"));
        for number in numbers {
            if let Some(n) = number.as_i64()
                && (1..80).contains(&n)
            {
                out.push(
                    Diagnostic::new(&PORT_RANGE, r.span(number), format!("port {n} is below 80"))
                        .with_span_label("below 80")
                        .with_help("Control Plane accepts container ports from 80 to 65535: listen on a higher port"),
                );
            }
        }
    }
    let workload_type = workload.workload_type.as_ref().map(|t| t.value);
    let options = spec
        .and_then(|s| s.get("defaultOptions"))
        .into_iter()
        .chain(r.items(spec.and_then(|s| s.get("localOptions"))));
    let is_serverless = workload_type == Some(WorkloadType::Serverless);
    for o in options {
        if !is_serverless
            && let Some(t) = o.get("timeoutSeconds")
            && let Some(seconds) = t.as_i64()
            && !(1..=3600).contains(&seconds)
        {
            out.push(
                Diagnostic::new(
                    &TIMEOUT_RANGE,
                    r.span(t),
                    format!("timeout {seconds}s is outside 1-3600 seconds"),
                )
                .with_span_label("outside 1-3600")
                .with_help("Control Plane allows up to 3600 seconds on standard, stateful and cron workloads"),
            );
        }
    }
    if workload_type == Some(WorkloadType::Cron)
        && let Some(entry) = spec
            .and_then(|s| s.get("defaultOptions"))
            .and_then(|o| o.entry("autoscaling"))
    {
        out.push(
            Diagnostic::new(
                &IGNORED_AUTOSCALING,
                r.span(&entry.key),
                "Control Plane ignores autoscaling on a cron workload",
            )
            .with_span_label("ignored")
            .with_help("remove `autoscaling`: a cron workload runs its job on its schedule"),
        );
    }
    out
}

fn container_name(r: &Reader<'_>, node: &Node, name: &str, out: &mut Vec<Diagnostic>) {
    let reserved =
        RESERVED_NAMES.contains(&name) || RESERVED_PREFIXES.iter().any(|p| name.starts_with(p));
    let well_formed = name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c == '-' || c.is_ascii_lowercase() || c.is_ascii_digit());
    let problem = if reserved {
        "is reserved by Control Plane for its own containers"
    } else if !well_formed {
        "is not a lowercase DNS label of at most 64 characters"
    } else {
        return;
    };
    out.push(
        Diagnostic::new(
            &CONTAINER_NAME,
            r.span(node),
            format!("container name `{name}` {problem}"),
        )
        .with_span_label("container name")
        .with_help("names match `^[a-z]([-a-z0-9])*[a-z0-9]$`, do not start with `cpln-` or `debugger-` and are not `istio-proxy`, `queue-proxy` or `istio-validation`"),
    );
}
