//! JSON Schemas written by users (a ScopeType's `parameters`): compiled
//! offline, and their findings as landfall's own types, so that a rule
//! reads what was wrong from data and never from jsonschema's English.

use std::fmt;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{PatternOptions, ReferencingError, ValidationError, Validator};
use landfall_diagnostics::regex_limits;
use serde_json::Value;

/// A JSON Schema written by a user (a ScopeType's `parameters`), compiled once.
pub struct UserSchema {
    validator: Validator,
    /// The schema as written, to order what a finding lists as it does.
    schema: Value,
}

/// Why a user's schema does not compile.
#[derive(Clone, Debug, PartialEq)]
pub struct SchemaError {
    pub kind: SchemaErrorKind,
    /// JSON pointer into the user's schema to where it fails (the value the
    /// meta-schema refuses, or the subschema that could not be compiled).
    pub location: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SchemaErrorKind {
    /// A `$ref` to a resource outside the schema: landfall never fetches one.
    RemoteReference { uri: String },
    /// A `$ref` to a JSON pointer that leads nowhere in the schema.
    MissingReference { pointer: String },
    /// Anything else; jsonschema's message, to be shown, never parsed.
    Invalid { message: String },
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            SchemaErrorKind::RemoteReference { uri } => {
                write!(f, "`{uri}` is not part of the schema and is not fetched")
            }
            SchemaErrorKind::MissingReference { pointer } => {
                write!(f, "`{pointer}` does not exist in the schema")
            }
            SchemaErrorKind::Invalid { message } => f.write_str(message),
        }
    }
}

/// One way an instance breaks a user's schema.
#[derive(Clone, Debug, PartialEq)]
pub struct SchemaViolation {
    pub kind: ViolationKind,
    /// JSON pointer to the value in the instance.
    pub instance_path: String,
    /// JSON pointer to the keyword in the user's schema that the value breaks.
    pub schema_path: String,
}

/// What a violation is, with the data a message needs.
#[derive(Clone, Debug, PartialEq)]
pub enum ViolationKind {
    /// The object at the instance path lacks `property` (`required`).
    Required { property: String },
    /// The object at the instance path has properties the schema does not
    /// allow (`additionalProperties` or `unevaluatedProperties`).
    Unexpected { properties: Vec<String> },
    /// The schema at this place is `false`: no value is allowed there.
    Forbidden,
    /// The value is none of `expected` (`enum`, or `const` with one value).
    NotOneOf { expected: Vec<Value> },
    /// The value is of none of the `expected` JSON types, in the order the
    /// schema writes them (`object`, `integer`, …).
    WrongType { expected: Vec<String> },
    /// A number outside a bound.
    OutOfRange { bound: Bound, limit: Value },
    /// A string that does not match `pattern`.
    Pattern { pattern: String },
    /// The value matches none of the alternatives of a `oneOf` or `anyOf`.
    NoAlternative,
    /// A keyword landfall does not interpret: jsonschema's message, to be
    /// shown as it is, never parsed.
    Other { message: String },
}

/// Which bound a number breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    Minimum,
    Maximum,
    ExclusiveMinimum,
    ExclusiveMaximum,
}

impl Bound {
    /// The schema keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Bound::Minimum => "minimum",
            Bound::Maximum => "maximum",
            Bound::ExclusiveMinimum => "exclusiveMinimum",
            Bound::ExclusiveMaximum => "exclusiveMaximum",
        }
    }
}

impl UserSchema {
    /// Compiles `schema` offline (draft 2020-12); a schema that refers to
    /// anything but itself does not compile.
    ///
    /// Every regexp in it (`pattern`, `patternProperties`) has the limits of
    /// every regexp landfall compiles ([`regex_limits`]), checked before
    /// jsonschema sees it. `format` is validated for the formats jsonschema
    /// knows (`date-time`, `email`, `uri`, `ipv4`, `regex`…; `regex` values
    /// under the same limits); a format it does not know does not compile.
    ///
    /// [`regex_limits`]: landfall_diagnostics::regex_limits
    pub fn compile(schema: &Value) -> Result<UserSchema, SchemaError> {
        crate::patterns::check(schema)?;
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .with_pattern_options(
                PatternOptions::regex()
                    .size_limit(regex_limits::SIZE_LIMIT)
                    .dfa_size_limit(regex_limits::DFA_SIZE_LIMIT),
            )
            .should_validate_formats(true)
            .should_ignore_unknown_formats(false)
            .with_format("regex", |value: &str| {
                crate::patterns::compile(value).is_ok()
            })
            .build(schema)
            .map(|validator| UserSchema {
                validator,
                schema: schema.clone(),
            })
            .map_err(|e| schema_error(&e))
    }

    /// Every way `instance` breaks the schema, in jsonschema's order.
    pub fn errors(&self, instance: &Value) -> Vec<SchemaViolation> {
        if self.validator.is_valid(instance) {
            return Vec::new();
        }
        self.validator
            .iter_errors(instance)
            .map(|e| {
                let schema_path = e.schema_path().as_str().to_string();
                SchemaViolation {
                    kind: violation_kind(&e, self.schema.pointer(&schema_path)),
                    instance_path: e.instance_path().as_str().to_string(),
                    schema_path,
                }
            })
            .collect()
    }
}

fn schema_error(error: &ValidationError<'_>) -> SchemaError {
    // A build error's instance path is its place in the schema (jsonschema
    // restates compile failures so); a meta-schema error's is the value
    // refused.
    let location = error.instance_path().as_str().to_string();
    let kind = match error.kind() {
        ValidationErrorKind::Referencing(ReferencingError::Unretrievable { uri, .. }) => {
            SchemaErrorKind::RemoteReference { uri: uri.clone() }
        }
        ValidationErrorKind::Referencing(ReferencingError::PointerToNowhere { pointer }) => {
            SchemaErrorKind::MissingReference {
                pointer: pointer.clone(),
            }
        }
        _ => SchemaErrorKind::Invalid {
            message: error.to_string(),
        },
    };
    SchemaError { kind, location }
}

/// `keyword` is the schema's value at the error's schema path.
fn violation_kind(error: &ValidationError<'_>, keyword: Option<&Value>) -> ViolationKind {
    let other = || ViolationKind::Other {
        message: error.to_string(),
    };
    match error.kind() {
        ValidationErrorKind::Required { property } => match property.as_str() {
            Some(property) => ViolationKind::Required {
                property: property.to_string(),
            },
            None => other(),
        },
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => ViolationKind::Unexpected {
            properties: unexpected.clone(),
        },
        ValidationErrorKind::FalseSchema => ViolationKind::Forbidden,
        ValidationErrorKind::Enum { options } => ViolationKind::NotOneOf {
            expected: options.as_array().cloned().unwrap_or_default(),
        },
        ValidationErrorKind::Constant { expected_value } => ViolationKind::NotOneOf {
            expected: vec![Value::clone(expected_value)],
        },
        ValidationErrorKind::Type { kind } => ViolationKind::WrongType {
            expected: type_names(kind, keyword),
        },
        ValidationErrorKind::Minimum { limit } => out_of_range(Bound::Minimum, limit),
        ValidationErrorKind::Maximum { limit } => out_of_range(Bound::Maximum, limit),
        ValidationErrorKind::ExclusiveMinimum { limit } => {
            out_of_range(Bound::ExclusiveMinimum, limit)
        }
        ValidationErrorKind::ExclusiveMaximum { limit } => {
            out_of_range(Bound::ExclusiveMaximum, limit)
        }
        ValidationErrorKind::Pattern { pattern } => ViolationKind::Pattern {
            pattern: pattern.clone(),
        },
        ValidationErrorKind::OneOfNotValid { .. } | ValidationErrorKind::AnyOf { .. } => {
            ViolationKind::NoAlternative
        }
        _ => other(),
    }
}

fn out_of_range(bound: Bound, limit: &Value) -> ViolationKind {
    ViolationKind::OutOfRange {
        bound,
        limit: limit.clone(),
    }
}

/// The type names of a `type` error, in the order of `written` (the
/// schema's `type`) when it lists them; jsonschema keeps a set.
fn type_names(kind: &TypeKind, written: Option<&Value>) -> Vec<String> {
    let mut names: Vec<String> = match kind {
        TypeKind::Single(t) => vec![t.to_string()],
        TypeKind::Multiple(set) => set.iter().map(|t| t.to_string()).collect(),
    };
    if let Some(Value::Array(order)) = written {
        names.sort_by_key(|name| {
            order
                .iter()
                .position(|t| t.as_str() == Some(name))
                .unwrap_or(order.len())
        });
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn violations(schema: Value, instance: Value) -> Vec<SchemaViolation> {
        UserSchema::compile(&schema)
            .expect("the test schema compiles")
            .errors(&instance)
    }

    fn one(schema: Value, instance: Value) -> SchemaViolation {
        let mut found = violations(schema, instance);
        assert_eq!(found.len(), 1, "{found:#?}");
        found.remove(0)
    }

    #[test]
    fn valid_instances_have_no_violations() {
        let schema = json!({"type": "object", "properties": {"a": {"type": "integer"}}});
        assert_eq!(violations(schema, json!({"a": 1})), Vec::new());
    }

    #[test]
    fn required() {
        let v = one(
            json!({"properties": {"x": {"required": ["a b"]}}}),
            json!({"x": {}}),
        );
        assert_eq!(
            v,
            SchemaViolation {
                kind: ViolationKind::Required {
                    property: "a b".to_string()
                },
                instance_path: "/x".to_string(),
                schema_path: "/properties/x/required".to_string(),
            }
        );
    }

    #[test]
    fn unexpected_properties() {
        let v = one(
            json!({"properties": {"a": {}}, "additionalProperties": false}),
            json!({"a": 1, "yy": 2, "zz": 3}),
        );
        assert_eq!(
            v.kind,
            ViolationKind::Unexpected {
                properties: vec!["yy".to_string(), "zz".to_string()]
            }
        );
        assert_eq!(v.instance_path, "");
        assert_eq!(v.schema_path, "/additionalProperties");

        let v = one(
            json!({"properties": {"a": {}}, "unevaluatedProperties": false}),
            json!({"a": 1, "b": 2}),
        );
        assert_eq!(
            v.kind,
            ViolationKind::Unexpected {
                properties: vec!["b".to_string()]
            }
        );
    }

    #[test]
    fn forbidden() {
        let v = one(json!({"properties": {"old": false}}), json!({"old": 1}));
        assert_eq!(v.kind, ViolationKind::Forbidden);
        assert_eq!(v.instance_path, "/old");
        assert_eq!(v.schema_path, "/properties/old");
    }

    #[test]
    fn not_one_of() {
        let v = one(json!({"enum": ["public", 1]}), json!("privat"));
        assert_eq!(
            v.kind,
            ViolationKind::NotOneOf {
                expected: vec![json!("public"), json!(1)]
            }
        );
        assert_eq!(v.schema_path, "/enum");
        let v = one(json!({"const": {"a": 1}}), json!(2));
        assert_eq!(
            v.kind,
            ViolationKind::NotOneOf {
                expected: vec![json!({"a": 1})]
            }
        );
        assert_eq!(v.schema_path, "/const");
    }

    #[test]
    fn wrong_type_keeps_the_written_order() {
        let v = one(json!({"type": "integer"}), json!("1"));
        assert_eq!(
            v.kind,
            ViolationKind::WrongType {
                expected: vec!["integer".to_string()]
            }
        );
        let v = one(json!({"type": ["string", "null", "array"]}), json!(1));
        assert_eq!(
            v.kind,
            ViolationKind::WrongType {
                expected: vec![
                    "string".to_string(),
                    "null".to_string(),
                    "array".to_string()
                ]
            }
        );
    }

    #[test]
    fn out_of_range() {
        let cases = [
            ("minimum", json!(10), Bound::Minimum, json!(5)),
            ("maximum", json!(10), Bound::Maximum, json!(11)),
            (
                "exclusiveMinimum",
                json!(10),
                Bound::ExclusiveMinimum,
                json!(10),
            ),
            (
                "exclusiveMaximum",
                json!(2.5),
                Bound::ExclusiveMaximum,
                json!(3),
            ),
        ];
        for (keyword, limit, bound, instance) in cases {
            let v = one(json!({ keyword: limit }), instance);
            assert_eq!(
                v.kind,
                ViolationKind::OutOfRange {
                    bound,
                    limit: limit.clone()
                }
            );
            assert_eq!(bound.keyword(), keyword);
            assert_eq!(v.schema_path, format!("/{keyword}"));
        }
    }

    #[test]
    fn pattern() {
        let v = one(json!({"pattern": "^/"}), json!("up"));
        assert_eq!(
            v.kind,
            ViolationKind::Pattern {
                pattern: "^/".to_string()
            }
        );
    }

    #[test]
    fn no_alternative() {
        for keyword in ["oneOf", "anyOf"] {
            let v = one(
                json!({ keyword: [{"type": "string"}, {"type": "boolean"}] }),
                json!(1),
            );
            assert_eq!(v.kind, ViolationKind::NoAlternative);
            assert_eq!(v.schema_path, format!("/{keyword}"));
        }
    }

    #[test]
    fn other_keywords_carry_jsonschemas_message() {
        let v = one(json!({"minLength": 3}), json!("ab"));
        let ViolationKind::Other { message } = &v.kind else {
            panic!("{v:#?}");
        };
        assert!(!message.is_empty());
        assert_eq!(v.schema_path, "/minLength");
        // Two alternatives that both match are not "none".
        let v = one(
            json!({"oneOf": [{"type": "integer"}, {"minimum": 0}]}),
            json!(1),
        );
        assert!(matches!(v.kind, ViolationKind::Other { .. }), "{v:#?}");
    }

    #[test]
    fn schemas_that_do_not_compile() {
        let error = UserSchema::compile(&json!({"properties": {"a": {"type": "strng"}}}))
            .err()
            .expect("an unknown type does not compile");
        assert!(
            matches!(&error.kind, SchemaErrorKind::Invalid { message } if !message.is_empty()),
            "{error:#?}"
        );
        assert_eq!(error.location, "/properties/a/type");

        let error = UserSchema::compile(&json!({"properties": {
            "a": {"$ref": "https://schemas.example.com/a.json"}
        }}))
        .err()
        .expect("a remote reference does not compile offline");
        assert_eq!(
            error.kind,
            SchemaErrorKind::RemoteReference {
                uri: "https://schemas.example.com/a.json".to_string()
            }
        );

        let error = UserSchema::compile(&json!({"properties": {"a": {"$ref": "#/$defs/b"}}}))
            .err()
            .expect("a reference to nothing does not compile");
        assert_eq!(
            error.kind,
            SchemaErrorKind::MissingReference {
                pointer: "/$defs/b".to_string()
            }
        );
    }
}
