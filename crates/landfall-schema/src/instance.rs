//! The YAML node tree as a jsonschema instance representation: documents
//! are validated where they are, without a `serde_json::Value` copy of
//! every file. Reads exactly what [`Node::to_json`] would give: keys as
//! their [`Node::key_text`], non-finite floats as `null`.

use std::borrow::Cow;

use jsonschema::json::{Array, Json, JsonNumber, Node as JsonNode, NodeIdentity, Object};
use jsonschema::types::JsonType;
use landfall_yaml::{Entry, Node, Style, Value as YamlValue};
use serde_json::{Number, Value};

/// The representation: instances are `&Node`, objects `&[Entry]`, arrays
/// `&[Node]`.
pub(crate) struct YamlJson;

impl Json for YamlJson {
    type Node<'a> = &'a Node;
    type PreparedKey = String;
    type StringBuffer = Option<Node>;

    // The tree is built from events; an alias is a copy, never a cycle.
    const ACYCLIC: bool = true;

    fn prepare_key(key: &str) -> String {
        key.to_owned()
    }

    fn with_string_node<T>(
        buffer: &mut Option<Node>,
        string: &str,
        f: impl FnOnce(&Node) -> T,
    ) -> T {
        let mut text = match buffer.take() {
            Some(Node {
                value: YamlValue::String(text),
                ..
            }) => text,
            _ => String::new(),
        };
        text.clear();
        text.push_str(string);
        let node = Node {
            start: 0,
            end: 0,
            style: Style::Plain,
            value: YamlValue::String(text),
        };
        let result = f(&node);
        *buffer = Some(node);
        result
    }
}

/// A number as the tree holds it.
#[derive(Clone, Copy)]
pub(crate) enum YamlNumber {
    Int(i64),
    /// Always finite: the others read as `null`.
    Float(f64),
}

impl JsonNumber for YamlNumber {
    fn as_u64(&self) -> Option<u64> {
        match *self {
            YamlNumber::Int(i) => u64::try_from(i).ok(),
            YamlNumber::Float(_) => None,
        }
    }

    fn as_i64(&self) -> Option<i64> {
        match *self {
            YamlNumber::Int(i) => Some(i),
            YamlNumber::Float(_) => None,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        match *self {
            YamlNumber::Int(i) => Some(i as f64),
            YamlNumber::Float(f) => Some(f),
        }
    }

    fn as_str(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_number().to_string())
    }

    fn to_number(&self) -> Cow<'_, Number> {
        Cow::Owned(match *self {
            YamlNumber::Int(i) => Number::from(i),
            // `number` makes floats only of finite values, which
            // `from_f64` always takes; 0 keeps this total.
            YamlNumber::Float(f) => Number::from_f64(f).unwrap_or_else(|| Number::from(0)),
        })
    }

    fn is_written_as_integer(&self) -> bool {
        matches!(self, YamlNumber::Int(_))
    }
}

fn number(node: &Node) -> Option<YamlNumber> {
    match node.value {
        YamlValue::Int(i) => Some(YamlNumber::Int(i)),
        YamlValue::Float(f) if f.is_finite() => Some(YamlNumber::Float(f)),
        _ => None,
    }
}

impl<'a> JsonNode<'a, YamlJson> for &'a Node {
    type Object = &'a [Entry];
    type Array = &'a [Node];
    type Number = YamlNumber;

    fn as_object(&self) -> Option<&'a [Entry]> {
        match &self.value {
            YamlValue::Map(entries) => Some(entries),
            _ => None,
        }
    }

    fn as_array(&self) -> Option<&'a [Node]> {
        match &self.value {
            YamlValue::Seq(items) => Some(items),
            _ => None,
        }
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        match &self.value {
            YamlValue::String(text) => Some(Cow::Borrowed(text)),
            _ => None,
        }
    }

    fn as_number(&self) -> Option<YamlNumber> {
        number(self)
    }

    fn as_boolean(&self) -> Option<bool> {
        match self.value {
            YamlValue::Bool(b) => Some(b),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        self.json_type() == JsonType::Null
    }

    fn json_type(&self) -> JsonType {
        match &self.value {
            YamlValue::Null => JsonType::Null,
            YamlValue::Bool(_) => JsonType::Boolean,
            YamlValue::Int(_) => JsonType::Number,
            YamlValue::Float(f) if f.is_finite() => JsonType::Number,
            YamlValue::Float(_) => JsonType::Null,
            YamlValue::String(_) => JsonType::String,
            YamlValue::Seq(_) => JsonType::Array,
            YamlValue::Map(_) => JsonType::Object,
        }
    }

    fn to_value(&self) -> Cow<'a, Value> {
        Cow::Owned(self.to_json())
    }

    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::new(std::ptr::from_ref::<Node>(self) as usize))
    }
}

type Member<'a> = (Cow<'a, str>, &'a Node);

fn member(entry: &Entry) -> Member<'_> {
    (entry.key.key_text(), &entry.value)
}

impl<'a> Object<'a, YamlJson> for &'a [Entry] {
    type Node = &'a Node;
    type MemberName = Cow<'a, str>;
    type MembersIter = std::iter::Map<std::slice::Iter<'a, Entry>, fn(&'a Entry) -> Member<'a>>;

    fn len(&self) -> usize {
        <[Entry]>::len(self)
    }

    // The builder keeps the first of duplicate keys and drops the rest, so
    // a key names at most one entry.
    fn get(&self, key: &String) -> Option<&'a Node> {
        self.iter()
            .find(|entry| match &entry.key.value {
                YamlValue::String(text) => text == key,
                _ => entry.key.key_text() == key.as_str(),
            })
            .map(|entry| &entry.value)
    }

    fn members(&self) -> Self::MembersIter {
        self.iter().map(member as fn(&'a Entry) -> Member<'a>)
    }
}

impl<'a> Array<'a, YamlJson> for &'a [Node] {
    type Node = &'a Node;
    type ElementsIter = std::slice::Iter<'a, Node>;

    fn len(&self) -> usize {
        <[Node]>::len(self)
    }

    fn elements(&self) -> std::slice::Iter<'a, Node> {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use jsonschema::json::conformance;
    use landfall_diagnostics::FileId;
    use landfall_yaml::{Limits, parse};

    use super::*;

    fn tree(yaml: &str) -> Node {
        let mut parsed = parse(FileId(0), yaml, &Limits::default());
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        parsed.documents.remove(0).root
    }

    #[test]
    fn the_tree_keeps_the_representation_contract() {
        let yaml = serde_json::to_string(&conformance::document()).unwrap();
        conformance::assert_conformance::<YamlJson>(&&tree(&yaml));
    }

    /// Every verdict on the tree is the verdict on its JSON copy.
    #[test]
    fn validating_the_tree_agrees_with_validating_its_json() {
        let schema = serde_json::json!({
            "type": "object",
            "required": ["name", "8080"],
            "properties": {
                "name": {"type": "string", "minLength": 2, "pattern": "^[a-z]+$"},
                "count": {"type": "integer", "minimum": 1},
                "ratio": {"type": "number", "exclusiveMaximum": 1},
                "tags": {"type": "array", "uniqueItems": true, "items": {"type": "string"}},
                "flag": {"const": true},
                "none": {"type": "null"},
                "8080": {"enum": ["http", 2.0]}
            },
            "propertyNames": {"maxLength": 5},
            "additionalProperties": false
        });
        let on_tree = jsonschema::options_for::<YamlJson>()
            .build(&schema)
            .unwrap();
        let on_json = jsonschema::options().build(&schema).unwrap();
        // Each document, and whether it meets the schema.
        let cases = [
            ("{name: ab, 8080: http}", true),
            ("{name: ab, 8080: 2}", true),
            (
                "{name: ab, 8080: 2.0, count: 3, ratio: 0.5, tags: [a, b], flag: true, none: ~}",
                true,
            ),
            // Not finite: `null` in JSON.
            ("{name: ab, 8080: http, none: .inf}", true),
            ("{name: a, 8080: http}", false),
            ("{name: AB, 8080: http}", false),
            ("{name: ab}", false),
            ("{name: ab, 8080: ftp}", false),
            ("{name: ab, 8080: http, count: 1.5}", false),
            ("{name: ab, 8080: http, count: 0}", false),
            ("{name: ab, 8080: http, ratio: 1}", false),
            ("{name: ab, 8080: http, ratio: .nan}", false),
            ("{name: ab, 8080: http, tags: [a, a]}", false),
            ("{name: ab, 8080: http, tags: [a, 1]}", false),
            ("{name: ab, 8080: http, flag: 1}", false),
            ("{name: ab, 8080: http, toolong: 1}", false),
            ("[name]", false),
        ];
        for (yaml, valid) in cases {
            let node = tree(yaml);
            let json = node.to_json();
            assert_eq!(on_tree.is_valid(&node), valid, "is_valid of {yaml}");
            assert_eq!(on_json.is_valid(&json), valid, "is_valid of {yaml} as JSON");
            let errors = |e: jsonschema::ValidationError<'_>| {
                (e.instance_path().as_str().to_string(), e.to_string())
            };
            let tree_errors: Vec<_> = on_tree.iter_errors(&node).map(errors).collect();
            let json_errors: Vec<_> = on_json.iter_errors(&json).map(errors).collect();
            assert_eq!(tree_errors, json_errors, "errors of {yaml}");
            assert_eq!(tree_errors.is_empty(), valid, "errors of {yaml}");
        }
    }
}
