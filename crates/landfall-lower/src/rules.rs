//! The findings only lowering can make: problems of a checked tree that
//! stop (or change) a plan. Their ids live under `plan/`, apart from the
//! check catalogue of `docs/rules.md`, the way policy rules live under `policy/`.

use landfall_diagnostics::{RuleMeta, Severity};

/// A secret variable where a plan would have to hold its value.
pub static SECRET_IN_TEXT: RuleMeta = RuleMeta {
    id: "plan/secret-in-text",
    severity: Severity::Error,
    summary: "a secret variable inside a longer env value, in command or args, or in a config file",
    docs: r#"## What it checks
That every `${NAME}` bound to a secret variable is the whole value of an
env variable. There the plan records a reference (`shop-db/password`) and
the target hands the secret to the container at deploy time. Anywhere else
(a longer env value such as `postgres://app:${DB_PASSWORD}@db`, an element
of `command` or `args`, the content of a config file) the value itself
would have to be written into the plan, its artifacts and the engine's
command lines.

## Why
A plan never holds a secret's value: plans are printed, written to files,
diffed and kept. Give the secret its own env variable and build the longer
value in the program (or in a shell: `[sh, -c, 'exec app --password "$DB_PASSWORD"']`).

## Example
```yaml fail
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec:
  version: "1.0.0"
  variables:
    DB_PASSWORD: {secret: shop-db/password}
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: api, application: shop}
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:1.0.0
      env:
        DATABASE_URL: "postgres://shop:${DB_PASSWORD}@db:5432/shop"
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: cluster}
spec: {target: kubernetes}
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: production, application: shop}
spec: {type: cluster, workloads: [api]}
```

```yaml pass
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec:
  version: "1.0.0"
  variables:
    DB_PASSWORD: {secret: shop-db/password}
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: api, application: shop}
spec:
  type: standard
  containers:
    - name: api
      image: registry.example.com/shop/api:1.0.0
      env:
        DB_PASSWORD: ${DB_PASSWORD}
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: cluster}
spec: {target: kubernetes}
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: production, application: shop}
spec: {type: cluster, workloads: [api]}
```
"#,
};

/// A field the plan needs is missing or cannot be read.
pub static INCOMPLETE: RuleMeta = RuleMeta {
    id: "plan/incomplete",
    severity: Severity::Error,
    summary: "a field the plan needs is missing or cannot be read",
    docs: r#"## What it checks
That every field the plan needs is there and readable: a Workload's type,
a container's image, a ScopeType's target, the Workloads a Scope names, the
configs its `config://` volumes name, quantities and durations.

## Why
`landfall check` reports each of these (`schema`, `unresolved-reference`,
`invalid-quantity`, `volume-uri`…) and its errors stop the plan. This
finding only appears when a Platform switched such a rule `off`: the plan
still cannot be made without the field.

## Example
```yaml fail
apiVersion: landfall.dev/v1
kind: Platform
metadata: {name: laptop-platform}
spec:
  rules: {schema: "off"}
---
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec: {version: "1.0.0"}
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: worker, application: shop}
spec:
  type: standard
  containers:
    - name: worker
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: laptop}
spec: {target: local}
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: dev, application: shop}
spec: {type: laptop, workloads: [worker]}
```

```yaml pass
apiVersion: landfall.dev/v1
kind: Platform
metadata: {name: laptop-platform}
spec:
  rules: {schema: "off"}
---
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec: {version: "1.0.0"}
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: worker, application: shop}
spec:
  type: standard
  containers:
    - name: worker
      image: localhost/worker:1
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: laptop}
spec: {target: local}
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: dev, application: shop}
spec: {type: laptop, workloads: [worker]}
```
"#,
};

/// A host port that cannot be the scope's offset plus the container port.
pub static HOST_PORT: RuleMeta = RuleMeta {
    id: "plan/host-port",
    severity: Severity::Warning,
    summary: "a host port from hostPortOffset that is out of range or taken by another port",
    docs: r#"## What it checks
When the Scope's parameters (with its ScopeType's defaults) hold an integer
`hostPortOffset`, each container port is published on the host at offset +
port. A port for which that is past 65535, or that another port of the scope
already gets, is published on a port the target allocates instead (and
shows), and this warning says so.

## Why
Two workloads listening on 8080 in their own containers are fine; on the
host only one of them can have 18080.

## Example
```yaml fail
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec: {version: "1.0.0"}
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: web, application: shop}
spec:
  type: standard
  containers:
    - {name: web, image: localhost/web:1, ports: [{port: 8080}]}
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: admin, application: shop}
spec:
  type: standard
  containers:
    - {name: admin, image: localhost/admin:1, ports: [{port: 8080}]}
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: laptop}
spec:
  target: local
  parameters:
    type: object
    properties:
      hostPortOffset: {type: integer, minimum: 0, default: 10000}
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: dev, application: shop}
spec: {type: laptop, workloads: [web, admin]}
```

```yaml pass
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec: {version: "1.0.0"}
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: web, application: shop}
spec:
  type: standard
  containers:
    - {name: web, image: localhost/web:1, ports: [{port: 8080}]}
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: admin, application: shop}
spec:
  type: standard
  containers:
    - {name: admin, image: localhost/admin:1, ports: [{port: 8081}]}
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: laptop}
spec:
  target: local
  parameters:
    type: object
    properties:
      hostPortOffset: {type: integer, minimum: 0, default: 10000}
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: dev, application: shop}
spec: {type: laptop, workloads: [web, admin]}
```
"#,
};

/// One volume name used with two schemes.
pub static VOLUME_KIND: RuleMeta = RuleMeta {
    id: "plan/volume-kind",
    severity: Severity::Error,
    summary: "one volume name mounted as both scratch:// and volume://",
    docs: r#"## What it checks
That a volume name of a scope is either `scratch://NAME` (removed with the
scope) or `volume://NAME` (persistent), not both.

## Why
The workloads of a scope share volumes by name: one name cannot be
ephemeral for one workload and persistent for another.

## Example
```yaml fail
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec: {version: "1.0.0"}
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: cache, application: shop}
spec:
  type: standard
  containers:
    - name: cache
      image: localhost/cache:1
      volumes: [{uri: "scratch://data", path: /var/cache}]
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: db, application: shop}
spec:
  type: standard
  containers:
    - name: db
      image: localhost/db:1
      volumes: [{uri: "volume://data", path: /var/lib/db}]
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: laptop}
spec: {target: local}
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: dev, application: shop}
spec: {type: laptop, workloads: [cache, db]}
```

```yaml pass
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec: {version: "1.0.0"}
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: cache, application: shop}
spec:
  type: standard
  containers:
    - name: cache
      image: localhost/cache:1
      volumes: [{uri: "scratch://data", path: /var/cache}]
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: db, application: shop}
spec:
  type: standard
  containers:
    - name: db
      image: localhost/db:1
      volumes: [{uri: "volume://db-data", path: /var/lib/db}]
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: laptop}
spec: {target: local}
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: dev, application: shop}
spec: {type: laptop, workloads: [cache, db]}
```
"#,
};

/// Every lowering rule, for documentation and tests.
/// A ScopeType parameter that nothing reads for its target.
pub static UNUSED_PARAMETER: RuleMeta = RuleMeta {
    id: "plan/unused-parameter",
    severity: Severity::Warning,
    summary: "a ScopeType parameter that no target reads, so setting it changes nothing",
    docs: r#"## What it checks
That every parameter a ScopeType defines (`spec.parameters.properties`) is
read by what plans and runs its scopes: the target's emitter, the local
runner, or lowering (`hostPortOffset`). The target `local` reads `engine`
and `hostPortOffset`; `compose` reads `projectName`, `restartPolicy`,
`publishPorts` and `hostPortOffset`; `kubernetes` reads `namespace`,
`visibility`, `ingressClass`, `podDisruptionBudget`, `ramMemory` and
`hostPortOffset`. The warning points at the parameter, once per plan of a
scope of that type.

## Why
A parameter is a promise to the teams that set it: a Scope that writes
`ramMemory: 8192` expects a quota. One that nothing reads is validated and
then silently ignored: remove it until a target reads it.

## Example
```yaml fail
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec: {version: "1.0.0"}
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: web, application: shop}
spec:
  type: standard
  containers:
    - {name: web, image: registry.example.com/shop/web:1.0.0}
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: cluster}
spec:
  target: kubernetes
  parameters:
    type: object
    properties:
      namespace: {type: string}
      costCentre: {type: string}
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: production, application: shop}
spec: {type: cluster, parameters: {namespace: shop}, workloads: [web]}
```

```yaml pass
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec: {version: "1.0.0"}
---
apiVersion: landfall.dev/v1
kind: Workload
metadata: {name: web, application: shop}
spec:
  type: standard
  containers:
    - {name: web, image: registry.example.com/shop/web:1.0.0}
---
apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: cluster}
spec:
  target: kubernetes
  parameters:
    type: object
    properties:
      namespace: {type: string}
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: production, application: shop}
spec: {type: cluster, parameters: {namespace: shop}, workloads: [web]}
```
"#,
};

pub static ALL: [&RuleMeta; 5] = [
    &SECRET_IN_TEXT,
    &INCOMPLETE,
    &HOST_PORT,
    &VOLUME_KIND,
    &UNUSED_PARAMETER,
];
