//! The policy language's types, read from the kinds' JSON Schemas (the same
//! `schemas/*.schema.json` the checker validates with), so that the field
//! vocabulary of policies cannot drift from the spec language.
//!
//! The walk follows `$ref`s; a reference to `common.schema.json#/$defs/cpu`,
//! `…/memory` or `…/duration` is a quantity of that kind; `enum`s are kept
//! for checking string literals; `default`s are kept as JSON.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use landfall_schema::{Kind, SCHEMA_FILES};
use serde_json::Value as Json;

/// What a quantity measures; values of different kinds never compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum QuantityKind {
    /// In cores (`500m` is 0.5).
    Cpu,
    /// In bytes.
    Memory,
    /// In milliseconds.
    Duration,
}

impl QuantityKind {
    pub fn word(self) -> &'static str {
        match self {
            QuantityKind::Cpu => "a CPU quantity",
            QuantityKind::Memory => "a memory quantity",
            QuantityKind::Duration => "a duration",
        }
    }
}

/// Index of an object type in [`Types::objects`].
pub type ObjectId = usize;
/// Index of an enumeration in [`Types::enums`].
pub type EnumId = usize;

#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    Bool,
    Int,
    Number,
    /// A string; with the values its field may take, when the schema lists them.
    Str(Option<EnumId>),
    Quantity(QuantityKind),
    /// A quantity literal whose unit fits several kinds (`500m`: CPU or minutes).
    QuantityLiteral(Vec<QuantityKind>),
    List(Box<Ty>),
    /// A mapping with free keys (`labels`, `dimensions`, `env`): a missing key reads as `null`.
    Map(Box<Ty>),
    Object(ObjectId),
    /// A whole document: its `spec` fields, `metadata`, and resolved references.
    Doc(Kind),
    /// `null`.
    Null,
    /// Anything (a value the schema leaves open, such as Scope parameters).
    Any,
}

impl Ty {
    pub fn describe(&self, types: &Types) -> String {
        match self {
            Ty::Bool => "a boolean".into(),
            Ty::Int => "an integer".into(),
            Ty::Number => "a number".into(),
            Ty::Str(None) => "a string".into(),
            Ty::Str(Some(e)) => format!("a string ({})", or_list(&types.enums[*e])),
            Ty::Quantity(k) => k.word().into(),
            Ty::QuantityLiteral(kinds) => {
                let words: Vec<String> = kinds.iter().map(|k| k.word().to_string()).collect();
                or_words(&words)
            }
            Ty::List(item) => format!("a list of {}", plural(&item.describe(types))),
            Ty::Map(_) => "a mapping".into(),
            Ty::Object(_) => "an object".into(),
            Ty::Doc(kind) => format!("a {}", kind.as_str()),
            Ty::Null => "null".into(),
            Ty::Any => "any value".into(),
        }
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self, Ty::Int | Ty::Number)
    }
}

fn plural(word: &str) -> String {
    let word = word
        .strip_prefix("an ")
        .or_else(|| word.strip_prefix("a "))
        .unwrap_or(word);
    if word.ends_with('s') {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

fn or_list(values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    or_words(&quoted)
}

pub fn or_words(words: &[String]) -> String {
    match words {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// A field of an object type.
#[derive(Clone, Debug)]
pub struct Field {
    pub ty: Ty,
    pub required: bool,
    /// The schema's default, read when the field is absent.
    pub default: Option<Json>,
}

#[derive(Clone, Debug, Default)]
pub struct ObjectType {
    pub fields: BTreeMap<String, Field>,
}

/// The types of the spec language.
pub struct Types {
    pub objects: Vec<ObjectType>,
    pub enums: Vec<Vec<String>>,
    /// Per kind: (metadata object, spec object).
    documents: Vec<(Kind, ObjectId, ObjectId)>,
}

impl Types {
    /// The spec language's types, read from the bundled schemas once.
    pub fn get() -> &'static Types {
        static TYPES: LazyLock<Types> = LazyLock::new(Types::from_schemas);
        &TYPES
    }

    pub fn metadata(&self, kind: Kind) -> ObjectId {
        self.document(kind).1
    }

    pub fn spec(&self, kind: Kind) -> ObjectId {
        self.document(kind).2
    }

    fn document(&self, kind: Kind) -> (Kind, ObjectId, ObjectId) {
        *self
            .documents
            .iter()
            .find(|d| d.0 == kind)
            .expect("every kind has a schema")
    }

    fn from_schemas() -> Types {
        let files: HashMap<&str, Json> = SCHEMA_FILES
            .iter()
            .map(|(name, text)| {
                (
                    *name,
                    serde_json::from_str(text).expect("bundled schemas are JSON"),
                )
            })
            .collect();
        let mut walker = Walker {
            files: &files,
            types: Types {
                objects: Vec::new(),
                enums: Vec::new(),
                documents: Vec::new(),
            },
            seen: HashMap::new(),
        };
        for kind in Kind::ALL {
            let file = schema_file(kind);
            let root = &files[file];
            let property = |name: &str| {
                root.get("properties")
                    .and_then(|p| p.get(name))
                    .expect("every kind's schema has metadata and spec")
            };
            let metadata = walker.ty(file, "/properties/metadata", property("metadata"));
            let spec = walker.ty(file, "/properties/spec", property("spec"));
            let (Ty::Object(metadata), Ty::Object(spec)) = (metadata, spec) else {
                panic!("metadata and spec are objects with properties");
            };
            walker.types.documents.push((kind, metadata, spec));
        }
        walker.types
    }
}

fn schema_file(kind: Kind) -> &'static str {
    match kind {
        Kind::Application => "application.schema.json",
        Kind::Workload => "workload.schema.json",
        Kind::Scope => "scope.schema.json",
        Kind::ScopeType => "scopetype.schema.json",
        Kind::Platform => "platform.schema.json",
    }
}

struct Walker<'a> {
    files: &'a HashMap<&'a str, Json>,
    types: Types,
    /// Object types by (file, pointer), so that shared definitions are one type.
    seen: HashMap<(String, String), ObjectId>,
}

impl<'a> Walker<'a> {
    /// The type of `schema`, found at `pointer` in `file`.
    fn ty(&mut self, file: &'a str, pointer: &str, schema: &'a Json) -> Ty {
        if let Some(reference) = schema.get("$ref").and_then(Json::as_str) {
            let (target_file, target_pointer) =
                reference.split_once('#').unwrap_or((reference, ""));
            let target_file: &'a str = if target_file.is_empty() {
                file
            } else {
                self.files
                    .get_key_value(target_file)
                    .map(|(k, _)| *k)
                    .unwrap_or(file)
            };
            match target_pointer.rsplit('/').next() {
                Some("cpu") => return Ty::Quantity(QuantityKind::Cpu),
                Some("memory") => return Ty::Quantity(QuantityKind::Memory),
                Some("duration") => return Ty::Quantity(QuantityKind::Duration),
                _ => {}
            }
            let Some(target) = self.files[target_file].pointer(target_pointer) else {
                return Ty::Any;
            };
            return self.ty(target_file, target_pointer, target);
        }
        // A choice of shapes (`intOrPercent`) is open; a typed schema whose
        // `oneOf` only requires one of its properties (a probe) is not.
        if (schema.get("oneOf").is_some() || schema.get("anyOf").is_some())
            && schema.get("type").is_none()
        {
            return Ty::Any;
        }
        match schema.get("type").and_then(Json::as_str) {
            Some("boolean") => Ty::Bool,
            Some("integer") => Ty::Int,
            Some("number") => Ty::Number,
            Some("string") => match schema.get("enum").and_then(Json::as_array) {
                Some(values) => {
                    let values: Vec<String> = values
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect();
                    let id = match self.types.enums.iter().position(|e| *e == values) {
                        Some(id) => id,
                        None => {
                            self.types.enums.push(values);
                            self.types.enums.len() - 1
                        }
                    };
                    Ty::Str(Some(id))
                }
                None => Ty::Str(None),
            },
            Some("array") => match schema.get("items") {
                Some(items) => {
                    Ty::List(Box::new(self.ty(file, &format!("{pointer}/items"), items)))
                }
                None => Ty::List(Box::new(Ty::Any)),
            },
            Some("object") => {
                if let Some(properties) = schema.get("properties").and_then(Json::as_object) {
                    let key = (file.to_string(), pointer.to_string());
                    if let Some(&id) = self.seen.get(&key) {
                        return Ty::Object(id);
                    }
                    let id = self.types.objects.len();
                    self.types.objects.push(ObjectType::default());
                    self.seen.insert(key, id);
                    let required: Vec<&str> = schema
                        .get("required")
                        .and_then(Json::as_array)
                        .map(|r| r.iter().filter_map(Json::as_str).collect())
                        .unwrap_or_default();
                    let mut fields = BTreeMap::new();
                    for (name, property) in properties {
                        let escaped = name.replace('~', "~0").replace('/', "~1");
                        let ty =
                            self.ty(file, &format!("{pointer}/properties/{escaped}"), property);
                        fields.insert(
                            name.clone(),
                            Field {
                                ty,
                                required: required.contains(&name.as_str()),
                                default: property.get("default").cloned(),
                            },
                        );
                    }
                    self.types.objects[id].fields = fields;
                    Ty::Object(id)
                } else {
                    match schema.get("additionalProperties") {
                        Some(values) if values.is_object() => Ty::Map(Box::new(self.ty(
                            file,
                            &format!("{pointer}/additionalProperties"),
                            values,
                        ))),
                        _ => Ty::Map(Box::new(Ty::Any)),
                    }
                }
            }
            // `["boolean", "string", "number"]` and schemas without a type.
            _ => Ty::Any,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schemas_give_types_defaults_and_optionality() {
        let types = Types::get();
        let spec = &types.objects[types.spec(Kind::Workload)];
        let containers = &spec.fields["containers"];
        assert!(containers.required);
        let Ty::List(item) = &containers.ty else {
            panic!("containers is a list")
        };
        let Ty::Object(container) = **item else {
            panic!("of objects")
        };
        let container = &types.objects[container];
        assert_eq!(container.fields["image"].ty, Ty::Str(None));
        let Ty::Object(resources) = container.fields["resources"].ty else {
            panic!("resources is an object")
        };
        let memory = &types.objects[resources].fields["memory"];
        assert_eq!(memory.ty, Ty::Quantity(QuantityKind::Memory));
        assert_eq!(memory.default, Some(Json::from("128Mi")));
        let Ty::Object(scaling) = spec.fields["scaling"].ty else {
            panic!("scaling is an object")
        };
        let scaling = &types.objects[scaling];
        assert_eq!(scaling.fields["minScale"].default, Some(Json::from(1)));
        assert!(!scaling.fields["metric"].required && scaling.fields["metric"].default.is_none());
        let Ty::Str(Some(types_enum)) = spec.fields["type"].ty else {
            panic!("type is an enumeration")
        };
        assert_eq!(types.enums[types_enum], ["serverless", "standard", "cron"]);
        let scope = &types.objects[types.spec(Kind::Scope)];
        assert_eq!(
            scope.fields["dimensions"].ty,
            Ty::Map(Box::new(Ty::Str(None)))
        );
        let platform = &types.objects[types.spec(Kind::Platform)];
        let Ty::Object(resources) = platform.fields["resources"].ty else {
            panic!("platform resources is an object")
        };
        let Ty::Object(cpu) = types.objects[resources].fields["cpu"].ty else {
            panic!("a cpu range")
        };
        assert_eq!(
            types.objects[cpu].fields["min"].ty,
            Ty::Quantity(QuantityKind::Cpu)
        );
    }

    /// The schemas' defaults are the model's: the built-in rules read the
    /// model's constants, policies read the schemas.
    #[test]
    fn schema_defaults_agree_with_the_model() {
        use landfall_model::defaults;
        let types = Types::get();
        let platform = &types.objects[types.spec(Kind::Platform)].fields;
        assert_eq!(
            platform["blockedPorts"].default,
            Some(Json::from(defaults::BLOCKED_PORTS.to_vec()))
        );
        assert_eq!(
            platform["reservedEnv"].default,
            Some(Json::from(defaults::RESERVED_ENV.to_vec()))
        );
        assert_eq!(
            platform["maxVolumes"].default,
            Some(Json::from(defaults::MAX_VOLUMES))
        );
        let Ty::Object(resources) = platform["resources"].ty else {
            panic!()
        };
        let resources = &types.objects[resources].fields;
        for (range, min, max) in [
            ("cpu", defaults::CPU_MIN, defaults::CPU_MAX),
            ("memory", defaults::MEMORY_MIN, defaults::MEMORY_MAX),
        ] {
            let Ty::Object(id) = resources[range].ty else {
                panic!()
            };
            let fields = &types.objects[id].fields;
            assert_eq!(fields["min"].default, Some(Json::from(min)));
            assert_eq!(fields["max"].default, Some(Json::from(max)));
        }
    }
}
