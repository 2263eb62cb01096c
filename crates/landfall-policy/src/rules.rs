//! The rules this crate reports under: a policy file that does not parse,
//! and a policy rule that does not type-check.

use landfall_diagnostics::{RuleMeta, Severity};

pub static POLICY_SYNTAX: RuleMeta = RuleMeta {
    id: "policy-syntax",
    severity: Severity::Error,
    summary: "a `.policy` file that does not parse",
    docs: r#"## What it checks
That every `.policy` file listed by `Platform.spec.policies` follows the
grammar of the policy language (`grammar/policy.pest`, described in
`docs/policy-language.md`). The finding points at the first token that
does not fit and says, in words, what could have stood there ("`require`
or `deny`", "a rule id", "an expression"), with a did-you-mean for a
misspelled keyword. Unknown escapes in double-quoted strings (`"\d"`) are
reported too: write regexes in single quotes, where `\` is a plain
character.

A syntax error costs only the rule it is in: the file is read on from the
next line that starts with `rule` or `test`.

## Why
A policy that silently fails to load is a rule that silently never runs.

## Example
```yaml fail
apiVersion: landfall.dev/v1
kind: Platform
metadata: {name: acme}
spec:
  policies: [example.policy]
```

```policy fail
rule min-replicas: error
  requir workload.scaling.minScale >= 2
```

```yaml pass
apiVersion: landfall.dev/v1
kind: Platform
metadata: {name: acme}
spec:
  policies: [example.policy]
```

```policy pass
rule min-replicas: error
  require workload.scaling.minScale >= 2
```
"#,
};

pub static POLICY_TYPE: RuleMeta = RuleMeta {
    id: "policy-type",
    severity: Severity::Error,
    summary: "a policy rule that does not type-check: unknown field, type mismatch, unknown method, invalid regex, optional field used without `exists`",
    docs: r#"## What it checks
Every policy rule is type-checked against the spec language before any
rule runs; the field vocabulary (names, types, defaults, which fields are
optional) is read from the same JSON Schemas that check the documents, so
policies and specs cannot drift apart. Reported, in the `.policy` file:

- an unknown root, variable or field, with a did-you-mean;
- a type mismatch (`memory > "big"`, `minScale == "two"`), a string
  compared with a value its field never takes (`workload.type ==
  "servless"`), a condition that is not a boolean;
- a quantity compared with the wrong kind of unit (memory with CPU, CPU
  with a duration: `resources.memory <= 500m`);
- an unknown method or wrong arguments (`image.startWith(…)`);
- a `matches` regex that does not compile (or is too large);
- an optional field without a default read without `exists(…)` guarding
  it (`exists(workload.timeout) and workload.timeout <= 60s`);
- a rule id that is not a DNS label, clashes with a built-in rule or is
  defined twice; a rule that reads two single-document roots; an `at` that
  is not a path.

## Why
Rules written in an untyped language fail silently on a typo: a misspelled
field reads as nothing and the rule never fires. Here a typo is an error
before anything runs.

## Example
```yaml fail
apiVersion: landfall.dev/v1
kind: Platform
metadata: {name: acme}
spec:
  policies: [example.policy]
```

```policy fail
rule min-replicas: error
  require workload.scaling.minScael >= 2
```

```yaml pass
apiVersion: landfall.dev/v1
kind: Platform
metadata: {name: acme}
spec:
  policies: [example.policy]
```

```policy pass
rule min-replicas: error
  require workload.scaling.minScale >= 2
```
"#,
};

/// This crate's rules, in pipeline order.
pub static ALL: &[&RuleMeta] = &[&POLICY_SYNTAX, &POLICY_TYPE];
