//! What landfall decides about a user's schema before jsonschema compiles
//! it: its regexps (`pattern` values, `patternProperties` keys) within the
//! limits every regexp landfall compiles shares, so that a megabyte of
//! pattern is refused without being parsed, and the finding quotes none
//! of it; and every `format` one that is validated (an unknown format
//! would silently check nothing).

use serde_json::Value;

use crate::user::{SchemaError, SchemaErrorKind};

/// Keywords whose values are data, not subschemas: a `pattern` key inside
/// them is not a regexp.
const DATA_KEYWORDS: [&str; 4] = ["const", "enum", "default", "examples"];

/// The first regexp of `schema` past a limit, or that does not compile.
pub(crate) fn check(schema: &Value) -> Result<(), SchemaError> {
    let mut pointer = String::new();
    walk(schema, &mut pointer)
}

fn walk(schema: &Value, pointer: &mut String) -> Result<(), SchemaError> {
    match schema {
        Value::Object(members) => {
            for (key, value) in members {
                if DATA_KEYWORDS.contains(&key.as_str()) {
                    continue;
                }
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                if key == "pattern"
                    && let Value::String(pattern) = value
                {
                    within_limits(pattern, pointer)?;
                }
                if key == "format"
                    && let Value::String(format) = value
                    && !known_format(format)
                {
                    return Err(SchemaError {
                        kind: SchemaErrorKind::Invalid {
                            message: format!(
                                "`{format}` is not a format landfall validates (it knows {})",
                                KNOWN_FORMATS.join(", ")
                            ),
                        },
                        location: pointer.clone(),
                    });
                }
                if key == "patternProperties"
                    && let Value::Object(properties) = value
                {
                    for name in properties.keys() {
                        let len = pointer.len();
                        pointer.push('/');
                        pointer.push_str(&name.replace('~', "~0").replace('/', "~1"));
                        within_limits(name, pointer)?;
                        pointer.truncate(len);
                    }
                }
                walk(value, pointer)?;
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&index.to_string());
                walk(item, pointer)?;
                pointer.truncate(len);
            }
        }
        _ => {}
    }
    Ok(())
}

/// The formats validated (jsonschema's, draft 2020-12), for messages.
pub const KNOWN_FORMATS: [&str; 17] = [
    "date",
    "date-time",
    "duration",
    "email",
    "hostname",
    "ipv4",
    "ipv6",
    "iri",
    "iri-reference",
    "json-pointer",
    "regex",
    "relative-json-pointer",
    "time",
    "uri",
    "uri-reference",
    "uri-template",
    "uuid",
];

fn known_format(format: &str) -> bool {
    jsonschema::options().is_known_format(jsonschema::Draft::Draft202012, format)
}

fn within_limits(pattern: &str, pointer: &str) -> Result<(), SchemaError> {
    compile(pattern).map(drop).map_err(|message| SchemaError {
        kind: SchemaErrorKind::Invalid {
            message: format!("the regexp does not compile: {message}"),
        },
        location: pointer.to_string(),
    })
}

/// Compiles `pattern` with the shared limits; why not, without repeating it.
pub(crate) fn compile(pattern: &str) -> Result<regex::Regex, String> {
    landfall_diagnostics::regex_limits::compile(pattern)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_pattern_of_a_schema_is_held_to_the_limits() {
        let huge = "a|".repeat(100_000) + "a";
        let error =
            check(&json!({"properties": {"p": {"type": "string", "pattern": huge}}})).unwrap_err();
        assert_eq!(error.location, "/properties/p/pattern");
        let SchemaErrorKind::Invalid { message } = &error.kind else {
            panic!("{error:?}");
        };
        assert_eq!(
            message,
            "the regexp does not compile: the regexp is 200001 characters long; the limit is 1000"
        );
        let nested = "(".repeat(100) + &")".repeat(100);
        let error = check(&json!({"patternProperties": {nested.clone(): {}}})).unwrap_err();
        assert_eq!(error.location, format!("/patternProperties/{nested}"));
        let large = "\\w{1000}\\w{1000}";
        assert!(check(&json!({"items": [{"pattern": large}]})).is_err());
        let error = check(&json!({"properties": {"p": {"format": "no-such-format"}}})).unwrap_err();
        assert_eq!(error.location, "/properties/p/format");
        assert!(check(&json!({"properties": {"p": {"format": "email"}}})).is_ok());
        // Data is not a schema: a `pattern` in a `default` is a value.
        assert!(check(&json!({"default": {"pattern": "("}, "pattern": "^[a-z]+$"})).is_ok());
    }

    #[test]
    fn the_formats_listed_are_those_jsonschema_validates() {
        for format in KNOWN_FORMATS {
            assert!(known_format(format), "{format}");
        }
        for unknown in ["no-such-format", "int32"] {
            assert!(!known_format(unknown), "{unknown}");
        }
    }
}
