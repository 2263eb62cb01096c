//! `scope-parameters`: a Scope's parameters break its ScopeType's parameter
//! schema, or a ScopeType's parameter schema is not a valid JSON Schema.

use std::collections::{HashMap, HashSet};

use landfall_diagnostics::{Diagnostic, FileId, RuleMeta, Severity, Span, did_you_mean};
use landfall_model::{LoadedDocument, Scope, ScopeType};
use landfall_schema::Kind;
use landfall_schema::advice::{quote_it, write_boolean, yaml11_boolean};
use landfall_schema::{
    Bound, SchemaError, SchemaErrorKind, SchemaViolation, UserSchema, ViolationKind,
};
use landfall_yaml::{Node, Value as YamlValue};
use serde_json::{Map, Value};

use super::support::{describe_pointer, list, push_pointer, span};
use crate::context::Context;
use crate::rules::{Reads, Rule};

pub static META: RuleMeta = RuleMeta {
    id: "scope-parameters",
    severity: Severity::Error,
    summary: "a Scope's parameters break its ScopeType's parameter schema",
    docs: r#"## What it checks
A ScopeType's `spec.parameters` is a JSON Schema (draft 2020-12) for the
`spec.parameters` of every Scope of that type. This rule validates each
Scope's parameters against it and reports every violation on the exact
value (a wrong value, an unknown parameter's key, or the `parameters` key
when a required parameter is missing), with a second label on the part of
the ScopeType's schema that the value breaks.

- A Scope that sets no `parameters` is validated as `{}`: a schema that
  requires parameters is broken by a Scope that sets none.
- Defaults in the schema fill what a Scope leaves out when plans are made,
  but they do not satisfy `required`: a required parameter must be written.
- A ScopeType without `parameters` puts no constraint on its Scopes.
- A ScopeType whose `parameters` is not a valid JSON Schema is reported
  itself (its Scopes are then not checked). Schemas are checked offline: a
  `$ref` to anything outside the schema itself is an error; put shared
  definitions under `$defs` and refer to them as `#/$defs/name`.

## Why
nullplatform's scope creation guide: a scope type carries a JSON Schema
for its configuration, and "the capabilities object must match the scope
type's schema". A wrong parameter found here is a failed scope creation
found before deploying.

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
spec:
  target: local
  workloadTypes: [standard, serverless, cron]
  parameters:
    type: object
    properties:
      visibility: {enum: [public, internal], default: public}
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: staging, application: shop}
spec: {type: web, workloads: [api], parameters: {visibility: privat}}
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
spec:
  target: local
  workloadTypes: [standard, serverless, cron]
  parameters:
    type: object
    properties:
      visibility: {enum: [public, internal], default: public}
---
apiVersion: landfall.dev/v1
kind: Scope
metadata: {name: staging, application: shop}
spec: {type: web, workloads: [api], parameters: {visibility: internal}}
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
```
"#,
};

pub struct ScopeParameters;

impl Rule for ScopeParameters {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> Reads {
        Reads::Fields(&[
            (Kind::ScopeType, "/spec/parameters"),
            (Kind::Scope, "/spec/type"),
            (Kind::Scope, "/spec/parameters"),
        ])
    }

    fn check_project(&self, ctx: &Context, out: &mut Vec<Diagnostic>) {
        // Each valid ScopeType's schema, compiled once, by the ScopeType's
        // `kind` span (unique per document). `None`: it did not compile.
        let mut compiled: HashMap<Span, Option<UserSchema>> = HashMap::new();
        for doc in ctx.judged_documents(self.reads()) {
            let Some(scope_type) = doc.doc.as_scope_type() else {
                continue;
            };
            let Some(parameters) = &scope_type.parameters else {
                continue;
            };
            let schema = match UserSchema::compile(&parameters.to_json()) {
                Ok(schema) => Some(schema),
                Err(error) => {
                    out.push(invalid_schema(scope_type, parameters, &error));
                    None
                }
            };
            compiled.insert(scope_type.meta.kind_span, schema);
        }
        for doc in ctx.judged_documents(self.reads()) {
            let Some(scope) = doc.doc.as_scope() else {
                continue;
            };
            let Some(scope_type) = ctx.project.scope_type_of(scope) else {
                continue;
            };
            let Some(Some(schema)) = compiled.get(&scope_type.meta.kind_span) else {
                continue;
            };
            let Some(schema_node) = &scope_type.parameters else {
                continue;
            };
            let instance = scope
                .parameters
                .as_ref()
                .map_or_else(|| Value::Object(Map::new()), Node::to_json);
            let errors = schema.errors(&instance);
            if errors.is_empty() {
                continue;
            }
            let checked = Checked {
                doc,
                scope,
                scope_type,
                schema_node,
                schema_json: schema_node.to_json(),
                instance,
            };
            // A value outside an `enum` (or `const`) is often of the wrong
            // type too; the list of allowed values says it all.
            let listed: HashSet<&str> = errors
                .iter()
                .filter(|v| matches!(v.kind, ViolationKind::NotOneOf { .. }))
                .map(|v| v.instance_path.as_str())
                .collect();
            for violation in &errors {
                if matches!(violation.kind, ViolationKind::WrongType { .. })
                    && listed.contains(violation.instance_path.as_str())
                {
                    continue;
                }
                checked.report(violation, out);
            }
        }
    }
}

/// One Scope being checked against its ScopeType's schema.
struct Checked<'a> {
    doc: &'a LoadedDocument,
    scope: &'a Scope,
    scope_type: &'a ScopeType,
    schema_node: &'a Node,
    schema_json: Value,
    instance: Value,
}

impl Checked<'_> {
    fn file(&self) -> FileId {
        self.doc.file
    }

    fn type_name(&self) -> &str {
        self.scope_type.meta.name().unwrap_or("?")
    }

    fn schema_file(&self) -> FileId {
        self.scope_type.meta.kind_span.file
    }

    /// The ScopeType's schema node at `pointer`, or the deepest node on
    /// its way that exists (keywords such as `enum` are nodes; a path
    /// through something that is not written ends early).
    fn schema_span(&self, pointer: &str) -> Span {
        let mut node = self.schema_node;
        for raw in pointer.split('/').skip(1) {
            let segment = raw.replace("~1", "/").replace("~0", "~");
            let next = match &node.value {
                YamlValue::Map(entries) => entries
                    .iter()
                    .find(|e| e.key.key_text() == segment)
                    .map(|e| &e.value),
                YamlValue::Seq(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            };
            match next {
                Some(n) => node = n,
                None => break,
            }
        }
        span(self.schema_file(), node)
    }

    /// The span a finding about the parameters object at `pointer` points
    /// at when something is missing in it: the key that holds it (the
    /// `parameters` key for the root), or the `spec` key when the Scope has
    /// no parameters at all.
    fn object_span(&self, pointer: &str) -> Span {
        let Some(parameters) = &self.scope.parameters else {
            return self.scope.spec_span;
        };
        if pointer.is_empty() {
            return self
                .scope
                .parameters_key
                .unwrap_or_else(|| first_line(self.file(), parameters));
        }
        match parameters.pointer(pointer) {
            Some((_, Some(key))) => span(self.file(), key),
            Some((node, None)) => first_line(self.file(), node),
            None => self.scope.spec_span,
        }
    }

    /// The span of the value at `pointer` in the Scope's parameters.
    fn value_span(&self, pointer: &str) -> Span {
        match self
            .scope
            .parameters
            .as_ref()
            .and_then(|p| p.pointer(pointer))
        {
            Some((node, _)) if !pointer.is_empty() => span(self.file(), node),
            _ => self.object_span(pointer),
        }
    }

    /// How a number, boolean or null of the Scope's parameters was written.
    fn written(&self, node: &Node) -> Option<&str> {
        let at = span(self.file(), node);
        self.scope
            .parameters_written
            .iter()
            .find(|w| w.span == at)
            .map(|w| w.value.as_str())
    }

    fn schema_at(&self, pointer: &str) -> Option<&Value> {
        self.schema_json.pointer(pointer)
    }

    fn instance_at(&self, pointer: &str) -> Option<&Value> {
        self.instance.pointer(pointer)
    }

    fn report(&self, violation: &SchemaViolation, out: &mut Vec<Diagnostic>) {
        let instance_pointer = violation.instance_path.as_str();
        let schema_pointer = violation.schema_path.as_str();
        // The keyword is the schema pointer's last segment: `enum` or
        // `const`, `oneOf` or `anyOf`, where a message names it.
        let keyword = schema_pointer.rsplit('/').next().unwrap_or_default();
        let name = self.type_name().to_string();
        let place = if instance_pointer.is_empty() {
            "`spec.parameters`".to_string()
        } else {
            format!("parameter `{}`", describe_pointer(instance_pointer))
        };
        let found = self.instance_at(instance_pointer).map(show_value);
        let schema_span = self.schema_span(schema_pointer);

        let diagnostic = match &violation.kind {
            ViolationKind::Forbidden => Diagnostic::new(
                &META,
                self.key_or_value_span(instance_pointer),
                format!("{place} is not allowed by ScopeType `{name}`"),
            )
            .with_span_label("not allowed")
            .with_label(schema_span, "the schema forbids it here")
            .with_help("remove it"),
            ViolationKind::Required { property } => {
                let path = describe_pointer(&push_pointer(instance_pointer, property));
                let mut label_span = schema_span;
                if let Some(items) = self
                    .schema_node
                    .pointer(schema_pointer)
                    .and_then(|(n, _)| n.as_seq())
                    && let Some(item) = items.iter().find(|i| i.as_str() == Some(property))
                {
                    label_span = span(self.schema_file(), item);
                }
                let parent = schema_pointer.strip_suffix("required").unwrap_or_default();
                let property_schema = self
                    .schema_at(&push_pointer(&format!("{parent}properties"), property))
                    .cloned();
                let at = if instance_pointer.is_empty() {
                    "`spec.parameters`".to_string()
                } else {
                    format!("`{}`", describe_pointer(instance_pointer))
                };
                let help = match property_schema.as_ref().and_then(|s| s.get("default")) {
                    Some(default) => format!(
                        "add `{property}: {}` to {at} (the schema's default; defaults do not satisfy `required`)",
                        show_plain(default)
                    ),
                    None => match property_schema
                        .as_ref()
                        .and_then(|s| s.get("enum"))
                        .and_then(Value::as_array)
                    {
                        Some(options) => format!(
                            "add `{property}` to {at}, one of {}",
                            list(options.iter().map(show_plain))
                        ),
                        None => format!("add `{property}` to {at}"),
                    },
                };
                let what = if self.scope.parameters.is_none() {
                    format!(
                        "Scope `{}` sets no parameters, but ScopeType `{name}` requires `{path}`",
                        self.scope.meta.name().unwrap_or("?")
                    )
                } else {
                    format!("missing required parameter `{path}` of ScopeType `{name}`")
                };
                Diagnostic::new(&META, self.object_span(instance_pointer), what)
                    .with_span_label(format!("`{property}` is missing"))
                    .with_label(label_span, "required here")
                    .with_help(help)
            }
            ViolationKind::Unexpected { properties } => {
                let parent = schema_pointer
                    .rsplit_once('/')
                    .map_or("", |(parent, _)| parent);
                let mut known: Vec<String> = self
                    .schema_at(&format!("{parent}/properties"))
                    .and_then(Value::as_object)
                    .map(|p| p.keys().cloned().collect())
                    .unwrap_or_default();
                known.sort();
                for unexpected in properties {
                    let pointer = push_pointer(instance_pointer, unexpected);
                    let mut d = Diagnostic::new(
                        &META,
                        self.key_or_value_span(&pointer),
                        format!(
                            "unknown parameter `{}` for ScopeType `{name}`",
                            describe_pointer(&pointer)
                        ),
                    )
                    .with_span_label("not in the schema")
                    .with_label(schema_span, "the schema allows no other parameters");
                    d = match did_you_mean(unexpected, known.iter().map(String::as_str)) {
                        Some(close) => d.with_help(format!("did you mean `{close}`?")),
                        None if known.is_empty() => d.with_help("remove it"),
                        None => d.with_help(format!(
                            "remove it; the parameters here are {}",
                            list(&known)
                        )),
                    };
                    out.push(d);
                }
                return;
            }
            ViolationKind::NotOneOf { expected } if keyword == "const" => {
                let only = expected.first().map(show_value).unwrap_or_default();
                Diagnostic::new(
                    &META,
                    self.value_span(instance_pointer),
                    format!(
                        "{place} is {}; ScopeType `{name}` allows only {only}",
                        found.unwrap_or_default(),
                    ),
                )
                .with_span_label(format!("expected {only}"))
                .with_label(schema_span, "the only allowed value")
            }
            ViolationKind::NotOneOf { expected: options } => {
                let shown = list(options.iter().map(show_plain));
                let instance = self.instance_at(instance_pointer);
                // `"128"` among integers: say it is a string, or the
                // message would read "is `128`; allows `128`".
                let mismatch = instance.filter(|v| {
                    let kind = json_type(v);
                    !options.iter().any(|o| json_type(o) == kind)
                });
                let found = match mismatch {
                    Some(v) => format!("the {} {}", json_type(v), show_value(v)),
                    None => found.unwrap_or_default(),
                };
                let mut d = Diagnostic::new(
                    &META,
                    self.value_span(instance_pointer),
                    format!("{place} is {found}; ScopeType `{name}` allows {shown}"),
                )
                .with_span_label(format!("expected one of {shown}"))
                .with_label(schema_span, "the allowed values");
                let node = self
                    .scope
                    .parameters
                    .as_ref()
                    .and_then(|p| p.pointer(instance_pointer))
                    .map(|(n, _)| n);
                let strings: Vec<String> = options.iter().map(show_plain).collect();
                if mismatch.is_some() {
                    let mut types: Vec<&str> = options.iter().map(json_type).collect();
                    types.sort_unstable();
                    types.dedup();
                    if let Some(help) =
                        node.and_then(|n| type_help(n, self.written(n), &types.join(" or ")))
                    {
                        d = d.with_help(help);
                    }
                } else if let Some(written) = instance.map(show_plain)
                    && let Some(close) = did_you_mean(&written, strings.iter().map(String::as_str))
                {
                    d = d.with_help(format!("did you mean `{close}`?"));
                }
                d
            }
            ViolationKind::WrongType { expected } => {
                let expected = type_names(expected);
                let node = self
                    .scope
                    .parameters
                    .as_ref()
                    .and_then(|p| p.pointer(instance_pointer))
                    .map(|(n, _)| n);
                let found_type = node.map_or("a mapping", |n| article_type(n.type_name()));
                let mut d = Diagnostic::new(
                    &META,
                    self.value_span(instance_pointer),
                    format!("{place} must be {expected}, found {found_type}"),
                )
                .with_span_label(format!("expected {expected}"))
                .with_label(schema_span, "the declared type");
                if let Some(node) = node {
                    if let Some(help) = type_help(node, self.written(node), &expected) {
                        d = d.with_help(help);
                    }
                }
                d
            }
            ViolationKind::OutOfRange { bound, limit } => {
                let relation = match bound {
                    Bound::Minimum => "below the minimum of",
                    Bound::Maximum => "above the maximum of",
                    Bound::ExclusiveMinimum => "not above the exclusive minimum of",
                    Bound::ExclusiveMaximum => "not below the exclusive maximum of",
                };
                let limit = show_value(limit);
                Diagnostic::new(
                    &META,
                    self.value_span(instance_pointer),
                    format!(
                        "{place} is {}, {relation} {limit} that ScopeType `{name}` sets",
                        found.unwrap_or_default()
                    ),
                )
                .with_span_label(format!("{relation} {limit}"))
                .with_label(schema_span, format!("`{}` here", bound.keyword()))
            }
            ViolationKind::Pattern { pattern } => Diagnostic::new(
                &META,
                self.value_span(instance_pointer),
                format!(
                    "{place} is {}, which does not match `{pattern}` of ScopeType `{name}`",
                    found.unwrap_or_default()
                ),
            )
            .with_span_label("does not match the pattern")
            .with_label(schema_span, "the pattern"),
            ViolationKind::NoAlternative => Diagnostic::new(
                &META,
                self.value_span(instance_pointer),
                format!(
                    "{place} matches none of the alternatives (`{keyword}`) of ScopeType `{name}`"
                ),
            )
            .with_span_label("matches no alternative")
            .with_label(schema_span, "the alternatives"),
            ViolationKind::Other { message } => {
                return self.generic(instance_pointer, schema_span, &place, message, out);
            }
        };
        out.push(diagnostic);
    }

    /// Keywords without words of their own (lengths, item counts, formats,
    /// …): jsonschema's message, prefixed with the parameter.
    fn generic(
        &self,
        instance_pointer: &str,
        schema_span: Span,
        place: &str,
        message: &str,
        out: &mut Vec<Diagnostic>,
    ) {
        out.push(
            Diagnostic::new(
                &META,
                self.value_span(instance_pointer),
                format!(
                    "{place} breaks the schema of ScopeType `{}`: {message}",
                    self.type_name()
                ),
            )
            .with_span_label("invalid value")
            .with_label(schema_span, "the schema rule it breaks"),
        );
    }

    /// The key of a mapping entry at `pointer`, else its value's span.
    fn key_or_value_span(&self, pointer: &str) -> Span {
        match self
            .scope
            .parameters
            .as_ref()
            .and_then(|p| p.pointer(pointer))
        {
            Some((_, Some(key))) => span(self.file(), key),
            Some((node, None)) if !pointer.is_empty() => span(self.file(), node),
            _ => self.object_span(pointer),
        }
    }
}

/// A value for a message: strings in backticks as written, others as JSON.
fn show_value(value: &Value) -> String {
    format!("`{}`", show_plain(value))
}

fn show_plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The JSON type of a value, in the words of the messages.
fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "list",
        Value::Object(_) => "mapping",
    }
}

/// `integer` → `an integer`; `string`, `null` → `a string or null`.
fn type_names(types: &[String]) -> String {
    let one = |t: &str| match t {
        "object" => "a mapping".to_string(),
        "array" => "a list".to_string(),
        "integer" => "an integer".to_string(),
        "null" => "null".to_string(),
        other => format!("a {other}"),
    };
    if types.is_empty() {
        return "another type".to_string();
    }
    types
        .iter()
        .map(|t| one(t))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// A YAML type name with its article, as in "found an integer".
fn article_type(name: &str) -> &'static str {
    match name {
        "null" => "null",
        "boolean" => "a boolean",
        "integer" => "an integer",
        "number" => "a number",
        "string" => "a string",
        "list" => "a list",
        _ => "a mapping",
    }
}

/// How to fix a value of the wrong type when the fix is clear: quote a
/// number, boolean or null where a string belongs, exactly as `written`
/// (its source text, when it is one); unquote a quoted number or boolean;
/// write `true`/`false` for a YAML 1.1 boolean word (`on`, `yes`…).
fn type_help(node: &Node, written: Option<&str>, expected: &str) -> Option<String> {
    match &node.value {
        YamlValue::String(s) if expected.contains("boolean") && yaml11_boolean(s).is_some() => {
            yaml11_boolean(s).map(write_boolean)
        }
        YamlValue::String(s) if node.style.is_quoted() => {
            let parsed = landfall_yaml_scalar(s)?;
            let fits = match parsed {
                Value::Bool(_) => expected.contains("boolean"),
                Value::Number(n) if n.is_i64() => {
                    expected.contains("integer") || expected.contains("number")
                }
                Value::Number(_) => expected.contains("number"),
                _ => false,
            };
            fits.then(|| format!("write it without quotes: {s}"))
        }
        YamlValue::Bool(_) | YamlValue::Int(_) | YamlValue::Float(_) | YamlValue::Null
            if expected.contains("string") =>
        {
            written.map(quote_it)
        }
        _ => None,
    }
}

/// What a plain scalar `text` would be: a boolean or number, or `None`.
fn landfall_yaml_scalar(text: &str) -> Option<Value> {
    match text {
        "true" => return Some(Value::Bool(true)),
        "false" => return Some(Value::Bool(false)),
        _ => {}
    }
    if let Ok(i) = text.parse::<i64>() {
        return Some(Value::from(i));
    }
    text.parse::<f64>()
        .ok()
        .filter(|f| f.is_finite() && text.bytes().any(|b| b.is_ascii_digit()))
        .and_then(serde_json::Number::from_f64)
        .map(Value::Number)
}

/// The first line of a node: a block mapping's first key, or the node.
fn first_line(file: FileId, node: &Node) -> Span {
    let end = match &node.value {
        YamlValue::Map(entries) => entries.first().map_or(node.end, |e| e.key.end),
        _ => node.end,
    };
    Span::new(file, node.start, end.max(node.start))
}

// ------------------------------------------------------- invalid schemas

fn invalid_schema(scope_type: &ScopeType, parameters: &Node, error: &SchemaError) -> Diagnostic {
    let file = scope_type.meta.kind_span.file;
    let name = scope_type.meta.name().unwrap_or("?");
    let at = deepest(parameters, &error.location);
    // A `$ref` that cannot be followed offline, or points nowhere.
    let reference = match &error.kind {
        SchemaErrorKind::RemoteReference { uri } => Some((uri, true)),
        SchemaErrorKind::MissingReference { pointer } => Some((pointer, false)),
        SchemaErrorKind::Invalid { .. } => None,
    };
    if let Some((target, remote)) = reference {
        let node = find_ref(parameters, target).unwrap_or(at);
        let d = Diagnostic::new(
            &META,
            span(file, node),
            if remote {
                format!(
                    "the parameter schema of ScopeType `{name}` refers to `{target}`, which landfall does not fetch"
                )
            } else {
                format!(
                    "the parameter schema of ScopeType `{name}` refers to `{target}`, which does not exist in it"
                )
            },
        );
        return if remote {
            d.with_span_label("remote reference")
                .with_note(
                    "schemas are checked offline: a `$ref` may only point inside the schema itself",
                )
                .with_help(
                    "copy the referenced schema under `$defs` and refer to it as `#/$defs/<name>`",
                )
        } else {
            d.with_span_label("points nowhere")
                .with_help("define it under `$defs`, or fix the reference")
        };
    }
    Diagnostic::new(
        &META,
        span(file, at),
        format!("the parameter schema of ScopeType `{name}` is not a valid JSON Schema: {error}"),
    )
    .with_span_label("invalid schema")
    .with_help("`parameters` must be a JSON Schema, draft 2020-12")
}

/// The node of `schema` at `pointer`, or the deepest node on its way that
/// is written.
fn deepest<'a>(schema: &'a Node, pointer: &str) -> &'a Node {
    let mut node = schema;
    for raw in pointer.split('/').skip(1) {
        let segment = raw.replace("~1", "/").replace("~0", "~");
        let next = match &node.value {
            YamlValue::Map(entries) => entries
                .iter()
                .find(|e| e.key.key_text() == segment)
                .map(|e| &e.value),
            YamlValue::Seq(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        match next {
            Some(n) => node = n,
            None => break,
        }
    }
    node
}

/// The `$ref` value under `node` that is `target` (or ends in it).
fn find_ref<'a>(node: &'a Node, target: &str) -> Option<&'a Node> {
    match &node.value {
        YamlValue::Map(entries) => entries.iter().find_map(|e| {
            if e.key.as_str() == Some("$ref")
                && e.value.as_str().is_some_and(|r| {
                    r == target || r.strip_prefix('#') == Some(target) || r.ends_with(target)
                })
            {
                Some(&e.value)
            } else {
                find_ref(&e.value, target)
            }
        }),
        YamlValue::Seq(items) => items.iter().find_map(|i| find_ref(i, target)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use landfall_check::{CheckInput, Loaded, Loader, check_with};
    use landfall_diagnostics::{FileId, SourceDb};

    use crate::rules::scopes::support::testing::findings;

    const TREE: &str = r#"apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec: {version: "2.4.2"}
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
"#;

    const TYPE: &str = r#"apiVersion: landfall.dev/v1
kind: ScopeType
metadata: {name: k8s}
spec:
  target: kubernetes
  parameters:
    type: object
    required: [visibility, ram_memory]
    additionalProperties: false
    properties:
      visibility: {type: string, enum: [public, internal], default: public}
      ram_memory: {type: integer, enum: [64, 128, 256, 512], default: 256}
      cpu_millicores: {type: integer, minimum: 100, maximum: 4000, default: 500}
      health_check:
        type: object
        properties:
          path: {type: string, pattern: "^/", default: /health}
          enabled: {type: boolean, default: true}
"#;

    fn scope(spec: &str) -> String {
        format!(
            "apiVersion: landfall.dev/v1\nkind: Scope\nmetadata: {{name: prod, application: shop}}\nspec:\n  type: k8s\n  workloads: [api]\n{spec}"
        )
    }

    type Shown = Vec<(String, String, Vec<(String, String)>)>;

    fn run(scope_spec: &str) -> Shown {
        let s = scope(scope_spec);
        findings(&[TREE, TYPE, &s], "scope-parameters")
            .into_iter()
            .map(|f| (f.text, f.message, f.labels))
            .collect()
    }

    #[test]
    fn valid_parameters_pass() {
        assert!(run("  parameters: {visibility: public, ram_memory: 128}\n").is_empty());
        assert!(
            run("  parameters:\n    visibility: internal\n    ram_memory: 64\n    health_check: {path: /up}\n")
                .is_empty()
        );
    }

    #[test]
    fn wrong_values_point_at_the_value_and_the_schema() {
        let found = run(
            "  parameters:\n    visibility: privat\n    ram_memory: \"128\"\n    cpu_millicores: 50\n    health_check: {path: up, enabled: yes}\n",
        );
        let shown: Vec<(&str, &str, &str)> = found
            .iter()
            .map(|(t, m, l)| (t.as_str(), m.as_str(), l[0].0.as_str()))
            .collect();
        assert!(
            shown.contains(&(
                "privat",
                "parameter `visibility` is `privat`; ScopeType `k8s` allows `public`, `internal`",
                "[public, internal]"
            )),
            "{shown:#?}"
        );
        assert!(
            shown.contains(&(
                "\"128\"",
                "parameter `ram_memory` is the string `128`; ScopeType `k8s` allows `64`, `128`, `256`, `512`",
                "[64, 128, 256, 512]"
            )),
            "{shown:#?}"
        );
        // The type error of a value outside an enum is left out.
        assert_eq!(shown.iter().filter(|(t, _, _)| *t == "\"128\"").count(), 1);
        let found =
            run("  parameters: {visibility: public, ram_memory: 64, cpu_millicores: \"1000\"}\n");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "\"1000\"");
        assert_eq!(
            found[0].1,
            "parameter `cpu_millicores` must be an integer, found a string"
        );
        assert_eq!(found[0].2[0].0, "integer");
        assert!(
            shown.contains(&(
                "50",
                "parameter `cpu_millicores` is `50`, below the minimum of `100` that ScopeType `k8s` sets",
                "100"
            )),
            "{shown:#?}"
        );
        assert!(
            shown.contains(&(
                "up",
                "parameter `health_check.path` is `up`, which does not match `^/` of ScopeType `k8s`",
                "\"^/\""
            )),
            "{shown:#?}"
        );
        assert!(
            shown
                .iter()
                .any(|(t, m, _)| *t == "yes"
                    && m.contains("`health_check.enabled` must be a boolean")),
            "{shown:#?}"
        );
    }

    #[test]
    fn helps_quote_values_as_written_and_name_booleans() {
        let s = scope(
            "  parameters:\n    visibility: public\n    ram_memory: 128\n    health_check: {path: 1.0, enabled: on}\n",
        );
        let found = findings(&[TREE, TYPE, &s], "scope-parameters");
        let helps: Vec<(&str, Option<&str>)> = found
            .iter()
            .map(|f| (f.text.as_str(), f.help.as_deref()))
            .collect();
        assert_eq!(
            helps,
            [
                ("1.0", Some("quote it to make it a string: \"1.0\"")),
                ("on", Some("write `true`")),
            ]
        );
        let s = scope("  parameters: {visibility: 0755, ram_memory: 128}\n");
        let found = findings(&[TREE, TYPE, &s], "scope-parameters");
        assert_eq!(
            found[0].help.as_deref(),
            Some("quote it to make it a string: \"0755\""),
            "{found:#?}"
        );
    }

    /// Project rules run after the texts of files without findings are
    /// dropped (the CLI reads files through a loader): the help still
    /// quotes the value as written.
    #[test]
    fn helps_quote_the_source_when_its_text_is_not_held() {
        struct Texts<'a>(&'a [&'a str]);
        impl Loader for Texts<'_> {
            fn load(&self, file: FileId) -> Loaded {
                Loaded::Text(self.0[file.0 as usize].to_string())
            }
        }
        let s = scope(
            "  parameters: {visibility: public, ram_memory: 128, health_check: {path: 1.10, enabled: \"no\"}}\n",
        );
        let files = [TREE, TYPE, s.as_str()];
        let mut db = SourceDb::new();
        let inputs: Vec<CheckInput> = (0..files.len())
            .map(|n| CheckInput {
                file: db.add_unread(format!("{n}.yaml")),
                explicit: false,
            })
            .collect();
        let outcome = check_with(&mut db, &inputs, &Texts(&files));
        let helps: Vec<Option<&str>> = outcome
            .diagnostics
            .iter()
            .map(|d| d.help.as_deref())
            .collect();
        assert_eq!(
            helps,
            [
                Some("quote it to make it a string: \"1.10\""),
                Some("write `false`")
            ],
            "{:#?}",
            outcome.diagnostics
        );
    }

    #[test]
    fn missing_and_unknown_parameters() {
        let found = run("  parameters:\n    visibility: public\n    ram_memroy: 128\n");
        let shown: Vec<(&str, &str, &str)> = found
            .iter()
            .map(|(t, m, l)| (t.as_str(), m.as_str(), l[0].0.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                (
                    "parameters",
                    "missing required parameter `ram_memory` of ScopeType `k8s`",
                    "ram_memory"
                ),
                (
                    "ram_memroy",
                    "unknown parameter `ram_memroy` for ScopeType `k8s`",
                    "false"
                ),
            ]
        );
    }

    #[test]
    fn a_scope_without_parameters_is_validated_as_empty() {
        let found = run("");
        let texts: Vec<&str> = found.iter().map(|(t, _, _)| t.as_str()).collect();
        assert_eq!(texts, ["spec", "spec"]);
        assert!(found[0].1.starts_with("Scope `prod` sets no parameters"));
    }

    #[test]
    fn invalid_schemas_are_reported_on_the_scope_type() {
        let bad = TYPE.replace("type: integer, minimum", "type: integr, minimum");
        let s = scope("  parameters: {visibility: public, ram_memory: 128}\n");
        let found = findings(&[TREE, &bad, &s], "scope-parameters");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].text, "integr");
        assert!(found[0].message.contains("is not a valid JSON Schema"));

        let remote = TYPE.replace(
            "health_check:\n        type: object",
            "health_check:\n        $ref: https://example.com/hc.json",
        );
        let found = findings(&[TREE, &remote, &s], "scope-parameters");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].text, "https://example.com/hc.json");
        assert!(found[0].message.contains("which landfall does not fetch"));
    }

    #[test]
    fn forbidden_and_constant_parameters() {
        let typ = TYPE.replace(
            "      cpu_millicores:",
            "      legacy: false\n      tier: {const: gold}\n      cpu_millicores:",
        );
        let s =
            scope("  parameters: {visibility: public, ram_memory: 128, legacy: 1, tier: silver}\n");
        let found = findings(&[TREE, &typ, &s], "scope-parameters");
        let shown: Vec<(&str, &str)> = found
            .iter()
            .map(|f| (f.text.as_str(), f.message.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                (
                    "legacy",
                    "parameter `legacy` is not allowed by ScopeType `k8s`"
                ),
                (
                    "silver",
                    "parameter `tier` is `silver`; ScopeType `k8s` allows only `gold`"
                ),
            ]
        );
    }

    #[test]
    fn references_to_nothing_are_reported_on_the_reference() {
        let dangling = TYPE.replace(
            "health_check:\n        type: object",
            "health_check:\n        $ref: \"#/$defs/hc\"",
        );
        let s = scope("  parameters: {visibility: public, ram_memory: 128}\n");
        let found = findings(&[TREE, &dangling, &s], "scope-parameters");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].text, "\"#/$defs/hc\"");
        assert_eq!(
            found[0].message,
            "the parameter schema of ScopeType `k8s` refers to `/$defs/hc`, which does not exist in it"
        );
    }
}
