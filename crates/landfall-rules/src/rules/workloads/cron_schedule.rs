//! `cron-schedule`: a `job.schedule` that is not a five-field cron expression.

use landfall_diagnostics::{Diagnostic, RuleMeta, Severity};
use landfall_model::LoadedDocument;
use landfall_schema::Kind;

use crate::context::DocumentContext;
use crate::cron;
use crate::rules::{Reads, Rule};

pub static META: RuleMeta = RuleMeta {
    id: "cron-schedule",
    severity: Severity::Error,
    summary: "a schedule that is not a valid five-field cron expression",
    docs: r#"## What it checks
That `spec.job.schedule` is a five-field cron expression, in UTC:

| field | values |
|---|---|
| minute | 0-59 |
| hour | 0-23 |
| day of month | 1-31 |
| month | 1-12 or JAN-DEC |
| day of week | 0-7 (0 and 7 are Sunday) or SUN-SAT |

Names are three letters, in any case. Each field is `*`, a value, a range
`a-b`, a step `*/n` or `a-b/n`, or a list of those separated by commas
(`0,30`, `MON-FRI`, `9-17/2`). The Kubernetes CronJob macros `@yearly`
(`@annually`), `@monthly`, `@weekly`, `@daily` (`@midnight`) and
`@hourly` are accepted.

Reported, each with a message of its own and the caret on the part of the
schedule that is wrong: a value out of its field's range ("day of week 8
is out of range 0-7"), a wrong number of fields (six fields with seconds,
or a year field), `@reboot`, `@every` and unknown macros, a time zone
prefix (`CRON_TZ=`: schedules are UTC), Quartz syntax (`?`, `L`, `W`,
`#`), a step without a range (`5/15`: write `5-59/15`), a backwards range
(`22-2`), a step of 0 or longer than its field (`*/90` minutes runs hourly,
not every 90 minutes), and a day of month that never occurs in the months
selected (`0 0 30 2 *`).

## Why
The Control Plane workload reference: a cron workload runs on
`job.schedule`, a cron expression; Scaleway's Serverless Containers API
reference: schedules are "UNIX formatted" cron, "5 4 * * 0" meaning 04:05
every Sunday, in UTC. A schedule the scheduler rejects fails at deploy
time; one it accepts but reads differently (seconds taken for minutes, a
step that does not carry over) runs at the wrong times without a word.

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
  type: cron
  containers:
    - name: api
      image: registry.example.com/shop/api:2.4.2
      resources: {cpu: 500m, memory: 512Mi}
  job: {schedule: "5 4 * * 8"}
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
  type: cron
  containers:
    - name: api
      image: registry.example.com/shop/api:2.4.2
      resources: {cpu: 500m, memory: 512Mi}
  job: {schedule: "5 4 * * 0"}
```
"#,
};

pub struct CronSchedule;

impl Rule for CronSchedule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> Reads {
        Reads::Fields(&[(Kind::Workload, "/spec/job/schedule")])
    }

    fn check_document(
        &self,
        doc: &LoadedDocument,
        ctx: &DocumentContext,
        out: &mut Vec<Diagnostic>,
    ) {
        let Some(schedule) = doc
            .doc
            .as_workload()
            .and_then(|w| w.job.as_ref())
            .and_then(|j| j.schedule.as_ref())
        else {
            return;
        };
        let Err(error) = cron::parse_schedule(&schedule.value) else {
            return;
        };
        let span = if error.start == error.end {
            schedule.span
        } else {
            landfall_yaml::value_range_span(
                ctx.text(schedule.span),
                schedule.span,
                &schedule.value,
                error.start..error.end,
            )
        };
        let mut diagnostic =
            Diagnostic::new(&META, span, error.message).with_span_label(error.label);
        if let Some(help) = error.help {
            diagnostic = diagnostic.with_help(help);
        }
        out.push(diagnostic);
    }
}
