//! The rules this crate reports, with their documentation.
//!
//! Every rule's docs end with a failing and a passing example in
//! ```` ```yaml fail ```` and ```` ```yaml pass ```` fences; a test runs both.

use landfall_diagnostics::{RuleMeta, Severity};

pub static YAML_SYNTAX: RuleMeta = RuleMeta {
    id: "yaml-syntax",
    severity: Severity::Error,
    summary: "a file that is not well-formed YAML",
    docs: r#"## What it checks
That every file is well-formed YAML 1.2. The span points at the character
where the parser stopped. The same rule reports YAML features landfall does
not apply, rather than applying or dropping them silently:

- merge keys (`<<: *base`): YAML 1.1 only; write the keys out;
- tags landfall does not apply: the value is read as if it had no tag.
  It applies the core schema's (`!!str`, `!!int`, `!!float`, `!!bool`,
  `!!null`, `!!seq`, `!!map`, however written, `!<tag:yaml.org,2002:str>`
  too) and the non-specific `!`, which makes a scalar a string;
- a file that is not valid UTF-8: reported at the first invalid byte.

## Why
A file that does not parse cannot be checked at all; the documents before
the fault are still checked, the rest of the file is not.

## Example
```yaml fail
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop
spec: {version: "1.0.0"}
```

```yaml pass
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec: {version: "1.0.0"}
```
"#,
};

pub static DUPLICATE_KEY: RuleMeta = RuleMeta {
    id: "duplicate-key",
    severity: Severity::Error,
    summary: "the same key twice in one mapping",
    docs: r#"## What it checks
That no mapping has the same key twice. Both places are shown; landfall keeps
the first and ignores the second.

## Why
Most YAML tools keep the last value silently, so the first one, often the one
a reviewer reads, has no effect.

## Example
```yaml fail
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec:
  version: "1.0.0"
  version: "1.0.1"
```

```yaml pass
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec:
  version: "1.0.1"
```
"#,
};

pub static AMBIGUOUS_SCALAR: RuleMeta = RuleMeta {
    id: "ambiguous-scalar",
    severity: Severity::Warning,
    summary: "an unquoted scalar that YAML 1.1 and YAML 1.2 read differently",
    docs: r#"## What it checks
Plain (unquoted) scalars that a YAML 1.1 reader takes for something else
than YAML 1.2, which landfall reads: `y`, `Y`, `yes`, `no`, `on`, `off`
(strings in 1.2, booleans in 1.1), `0755` (755 in 1.2, octal 493 in 1.1),
`089` (89 in 1.2, a string in 1.1), `1:30` (a string in 1.2, base 60 in
1.1), `0b101`, `1_000` (strings in 1.2, numbers in 1.1). The message says
what each version reads.

## Why
"The Norway problem": the country code `NO` becomes `false` in tools that
read YAML 1.1, such as PyYAML and older Kubernetes tooling (the OAM
specification's tables write `required: Y`). Quoting says which one you mean.

## Example
```yaml fail
apiVersion: landfall.dev/v1
kind: Application
metadata:
  name: shop
  labels: {country: NO}
spec: {version: "1.0.0"}
```

```yaml pass
apiVersion: landfall.dev/v1
kind: Application
metadata:
  name: shop
  labels: {country: "NO"}
spec: {version: "1.0.0"}
```
"#,
};

pub static INPUT_LIMIT: RuleMeta = RuleMeta {
    id: "input-limit",
    severity: Severity::Error,
    summary: "a file past a safety limit: size, nesting depth, alias expansion, document count",
    docs: r#"## What it checks
That a file stays within the limits that keep checking fast and safe on
hostile input:

- at most 4 MiB (checked before the file is read);
- nesting at most 128 levels deep;
- aliases expanding to at most 100,000 nodes (an "alias bomb" of a few
  hundred bytes can otherwise expand to billions);
- at most 1,000 documents.

The file is not read past the limit; its earlier documents are still checked,
and so are all other files.

## Why
A pre-commit hook must not hang or run out of memory on a malformed or
malicious file.

## Example
```yaml fail
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec: {version: "1.0.0", description: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}
```

```yaml pass
apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec: {version: "1.0.0", description: Web shop}
```
"#,
};

/// Every rule of this crate, for the registry.
pub static ALL: [&RuleMeta; 4] = [
    &YAML_SYNTAX,
    &DUPLICATE_KEY,
    &AMBIGUOUS_SCALAR,
    &INPUT_LIMIT,
];
