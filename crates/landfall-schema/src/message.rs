//! Turns jsonschema's errors into diagnostics on the YAML spans, in words a
//! user of the spec language understands.

use jsonschema::ValidationError;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use landfall_diagnostics::{
    Diagnostic, FileId, Fix, Span, code_list, describe_pointer, did_you_mean, rename_scalar,
};
use landfall_yaml::{Node, Value as YamlValue};
use serde_json::Value;

use crate::advice::{quote_it, write_boolean, written_non_string, yaml11_boolean};
use crate::rules::SCHEMA;
use crate::walk::SchemaSet;

pub(crate) fn diagnostics(
    set: &SchemaSet,
    schema_file: &str,
    file: FileId,
    text: &str,
    root: &Node,
    error: &ValidationError<'_>,
) -> Vec<Diagnostic> {
    let path = error.instance_path().as_str();
    let Some((node, key)) = root.pointer(path) else {
        return Vec::new();
    };
    let span = |n: &Node| Span::new(file, n.start, n.end);
    let value_span = span(node);
    let place = describe_path(path);
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let allowed = set.allowed_fields(schema_file, path);
            unexpected
                .iter()
                .filter_map(|field| {
                    let entry = node.entry_by_key_text(field)?;
                    let mut d = Diagnostic::new(
                        &SCHEMA,
                        span(&entry.key),
                        format!("unknown field `{field}` in {place}"),
                    )
                    .with_span_label("unknown field");
                    d = match did_you_mean(field, allowed.iter().map(String::as_str)) {
                        Some(close) => {
                            let fix = rename_scalar(span(&entry.key), field, close)
                                .map(|edit| Fix::safe(format!("rename to `{close}`"), vec![edit]));
                            let d = d.with_help(format!("did you mean `{close}`?"));
                            match fix {
                                // Renamed onto a key the mapping has, it would be a duplicate.
                                Some(fix) if node.entry_by_key_text(close).is_none() => {
                                    d.with_fix(fix)
                                }
                                _ => d,
                            }
                        }
                        None if allowed.is_empty() => d,
                        None => d.with_help(format!("expected one of {}", code_list(&allowed))),
                    };
                    Some(d)
                })
                .collect()
        }
        ValidationErrorKind::Required { property } => {
            let field = property.as_str().unwrap_or_default();
            // Point at the key of the mapping that lacks the field; the
            // document itself has no key, so there point at its `kind`.
            let at = match key {
                Some(key) => span(key),
                None if path.is_empty() => root
                    .entry("kind")
                    .map_or(Span::new(file, root.start, root.start), |e| {
                        Span::new(file, e.key.start, e.value.end)
                    }),
                None => first_line(file, node),
            };
            vec![
                Diagnostic::new(
                    &SCHEMA,
                    at,
                    format!("missing required field `{field}` in {place}"),
                )
                .with_span_label(format!("`{field}` is missing here")),
            ]
        }
        ValidationErrorKind::Type { kind: expected } => {
            let expected = type_names(expected);
            let found = node.type_name();
            let mut d = Diagnostic::new(
                &SCHEMA,
                value_span,
                format!("expected {expected} for {place}, found {found}"),
            )
            .with_span_label(format!("expected {expected}"));
            if let Some(help) = type_help(text, node, &expected) {
                d = d.with_help(help);
            }
            vec![d]
        }
        ValidationErrorKind::Enum { options } => {
            let options: Vec<String> = options
                .as_array()
                .map(|a| a.iter().map(show).collect())
                .unwrap_or_default();
            let found = show(&node.to_json());
            let mut d = Diagnostic::new(
                &SCHEMA,
                value_span,
                format!("{found} is not a valid value for {place}"),
            )
            .with_span_label(format!("expected one of {}", options.join(", ")));
            if let Some(text) = node.as_str()
                && let Some(close) = did_you_mean(text, options.iter().map(|o| o.trim_matches('`')))
            {
                d = d.with_help(format!("did you mean `{close}`?"));
            }
            vec![d]
        }
        ValidationErrorKind::Constant { expected_value } => vec![
            Diagnostic::new(
                &SCHEMA,
                value_span,
                format!(
                    "expected {} for {place}, found {}",
                    show(expected_value),
                    show(&node.to_json())
                ),
            )
            .with_span_label(format!("expected {}", show(expected_value))),
        ],
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            let missing = required_alternatives(context);
            let message = if missing.is_empty() {
                format!("{place} matches none of the allowed forms")
            } else {
                format!("{place} needs exactly one of {}", code_list(&missing))
            };
            vec![Diagnostic::new(
                &SCHEMA,
                key.map_or(value_span, span),
                message,
            )]
        }
        ValidationErrorKind::OneOfMultipleValid { .. } => {
            let present: Vec<String> = node
                .as_map()
                .map(|m| m.iter().map(|e| e.key.key_text().into_owned()).collect())
                .unwrap_or_default();
            vec![Diagnostic::new(
                &SCHEMA,
                key.map_or(value_span, span),
                format!(
                    "{place} sets more than one of the alternatives ({})",
                    code_list(&present)
                ),
            )]
        }
        _ => vec![
            Diagnostic::new(
                &SCHEMA,
                value_span,
                format!("{place}: {}", plain_message(error)),
            )
            .with_span_label("invalid value"),
        ],
    }
}

fn plain_message(error: &ValidationError<'_>) -> String {
    // jsonschema words these well: "0 is less than the minimum of 1",
    // "[] has less than 1 item", "\"x\" does not match \"^/\"".
    error.to_string()
}

/// The fields the branches of a failed `oneOf` require, one per branch.
fn required_alternatives(context: &[Vec<ValidationError<'static>>]) -> Vec<String> {
    let mut fields: Vec<String> = context
        .iter()
        .flat_map(|branch| branch.iter())
        .filter_map(|e| match e.kind() {
            ValidationErrorKind::Required { property } => property.as_str().map(str::to_string),
            _ => None,
        })
        .collect();
    fields.sort();
    fields.dedup();
    fields
}

/// How to fix a value of the wrong type, when the fix is clear: quote a
/// number, boolean or null where a string belongs (as written in `text`),
/// or write `true`/`false` for a YAML 1.1 boolean word (`on`, `yes`…) in a
/// boolean field.
fn type_help(text: &str, node: &Node, expected: &str) -> Option<String> {
    if expected.contains("string")
        && let Some(written) = written_non_string(text, node)
    {
        return Some(quote_it(written));
    }
    if expected.contains("boolean")
        && let Some(value) = node.as_str().and_then(yaml11_boolean)
    {
        return Some(write_boolean(value));
    }
    None
}

fn first_line(file: FileId, node: &Node) -> Span {
    let end = match &node.value {
        YamlValue::Map(entries) => entries.first().map_or(node.start, |e| e.key.end),
        _ => node.end,
    };
    Span::new(file, node.start, end)
}

fn type_names(kind: &TypeKind) -> String {
    let name = |t: &jsonschema::JsonType| match t.to_string().as_str() {
        "object" => "a mapping".to_string(),
        "array" => "a list".to_string(),
        "integer" => "an integer".to_string(),
        other => format!("a {other}"),
    };
    match kind {
        TypeKind::Single(t) => name(t),
        TypeKind::Multiple(set) => set
            .iter()
            .map(|t| name(&t))
            .collect::<Vec<_>>()
            .join(" or "),
    }
}

/// `/spec/containers/0/image` as a user reads it: `spec.containers[0].image`.
fn describe_path(pointer: &str) -> String {
    if pointer.is_empty() {
        return "the document".to_string();
    }
    format!("`{}`", describe_pointer(pointer))
}

fn show(value: &Value) -> String {
    match value {
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}
