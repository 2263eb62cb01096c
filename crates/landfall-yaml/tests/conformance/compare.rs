//! A document landfall read against the suite's reference: its tree against
//! the events (keys, nesting, scalar styles and values), its data against
//! `in.json`.

use landfall_yaml::{Node, Style, Value};
use serde_json::Value as Json;

use super::events::Tree;

/// The first difference between landfall's node and the reference's, with
/// the path to it (`/key/0`).
pub fn tree(node: &Node, reference: &Tree, path: &str) -> Result<(), String> {
    match (&node.value, reference) {
        (Value::Seq(items), Tree::Seq(expected)) => {
            if items.len() != expected.len() {
                return Err(format!(
                    "{path}: {} items, the reference has {}",
                    items.len(),
                    expected.len()
                ));
            }
            for (i, (item, expected)) in items.iter().zip(expected).enumerate() {
                tree(item, expected, &format!("{path}/{i}"))?;
            }
            Ok(())
        }
        (Value::Map(entries), Tree::Map(expected)) => {
            if entries.len() != expected.len() {
                return Err(format!(
                    "{path}: {} entries, the reference has {}",
                    entries.len(),
                    expected.len()
                ));
            }
            for (entry, (key, value)) in entries.iter().zip(expected) {
                let here = format!("{path}/{}", entry.key.key_text());
                tree(&entry.key, key, &format!("{here} (key)"))?;
                tree(&entry.value, value, &here)?;
            }
            Ok(())
        }
        (
            _,
            Tree::Scalar {
                indicator,
                tag,
                text,
            },
        ) => {
            let style = match indicator {
                '\'' => Style::SingleQuoted,
                '"' => Style::DoubleQuoted,
                '|' => Style::Literal,
                '>' => Style::Folded,
                _ => Style::Plain,
            };
            if node.style != style {
                return Err(format!(
                    "{path}: style {:?}, the reference writes {indicator:?} {text:?}",
                    node.style
                ));
            }
            let expected = scalar_value(style, tag.as_deref(), text);
            if same_scalar(&node.value, &expected) {
                Ok(())
            } else {
                Err(format!(
                    "{path}: {:?}, the reference's {text:?} ({}) is {expected:?}",
                    node.value,
                    tag.as_deref().unwrap_or("untagged")
                ))
            }
        }
        (value, expected) => Err(format!(
            "{path}: {} where the reference has {}",
            kind(value),
            match expected {
                Tree::Seq(_) => "a sequence",
                Tree::Map(_) => "a mapping",
                Tree::Scalar { .. } => "a scalar",
            }
        )),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Seq(_) => "a sequence",
        Value::Map(_) => "a mapping",
        _ => "a scalar",
    }
}

/// The value a scalar has in YAML 1.2's core schema, by its tag, or for an
/// untagged plain scalar by the schema's resolution table.
fn scalar_value(style: Style, tag: Option<&str>, text: &str) -> Value {
    let string = || Value::String(text.to_string());
    match tag.and_then(|t| t.strip_prefix("tag:yaml.org,2002:")) {
        Some("int") => core_int(text).unwrap_or_else(string),
        Some("float") => match core_int(text).or_else(|| core_float(text)) {
            Some(Value::Int(i)) => Value::Float(i as f64),
            Some(value) => value,
            None => string(),
        },
        Some("bool") => core_bool(text).unwrap_or_else(string),
        Some("null") => core_null(text).unwrap_or_else(string),
        Some(_) => string(),
        // Untagged plain scalars are resolved; a non-specific `!` and
        // every other style make a string.
        None if tag.is_none() && style == Style::Plain => core_null(text)
            .or_else(|| core_bool(text))
            .or_else(|| core_int(text))
            .or_else(|| core_float(text))
            .unwrap_or_else(string),
        None => string(),
    }
}

fn core_null(text: &str) -> Option<Value> {
    matches!(text, "" | "~" | "null" | "Null" | "NULL").then_some(Value::Null)
}

fn core_bool(text: &str) -> Option<Value> {
    match text {
        "true" | "True" | "TRUE" => Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => Some(Value::Bool(false)),
        _ => None,
    }
}

/// `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`.
fn core_int(text: &str) -> Option<Value> {
    let (digits, radix) = if let Some(hex) = text.strip_prefix("0x") {
        (hex, 16)
    } else if let Some(octal) = text.strip_prefix("0o") {
        (octal, 8)
    } else {
        (text.strip_prefix(['-', '+']).unwrap_or(text), 10)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(digits, radix).ok()?;
    let value = if text.starts_with('-') {
        -magnitude
    } else {
        magnitude
    };
    Some(match i64::try_from(value) {
        Ok(value) => Value::Int(value),
        Err(_) => Value::Float(value as f64),
    })
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, infinities, NaN.
fn core_float(text: &str) -> Option<Value> {
    match text {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Some(Value::Float(f64::INFINITY));
        }
        "-.inf" | "-.Inf" | "-.INF" => return Some(Value::Float(f64::NEG_INFINITY)),
        ".nan" | ".NaN" | ".NAN" => return Some(Value::Float(f64::NAN)),
        _ => {}
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
        None => (unsigned, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = digits(whole)
        && digits(fraction)
        && (!whole.is_empty() || (!fraction.is_empty() && mantissa.starts_with('.')));
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    (mantissa_ok && exponent_ok)
        .then(|| text.parse().ok().map(Value::Float))
        .flatten()
}

fn same_scalar(value: &Value, expected: &Value) -> bool {
    match (value, expected) {
        (Value::Float(a), Value::Float(b)) => a == b || (a.is_nan() && b.is_nan()),
        _ => value == expected,
    }
}

/// Whether landfall's JSON is the reference's; numbers compare by value
/// (`1` and `1.0` are the same number).
pub fn json(value: &Json, expected: &Json) -> bool {
    match (value, expected) {
        (Json::Number(a), Json::Number(b)) => match (a.as_i64(), b.as_i64()) {
            (Some(a), Some(b)) => a == b,
            _ => a.as_f64() == b.as_f64(),
        },
        (Json::Array(a), Json::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| json(a, b))
        }
        (Json::Object(a), Json::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(key, a)| b.get(key).is_some_and(|b| json(a, b)))
        }
        _ => value == expected,
    }
}
