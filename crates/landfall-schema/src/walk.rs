//! Reading the bundled schemas themselves: which fields a mapping at an
//! instance path may have, for did-you-mean and for listing what is allowed.

use serde_json::Value;

use crate::{DIALECT_SCHEMA_FILES, SCHEMA_FILES};

/// The bundled schema documents, parsed.
pub struct SchemaSet {
    documents: Vec<(&'static str, Value)>,
}

/// The marker of a definition whose value checks a rule of landfall's own
/// reports (`invalid-name`, `invalid-quantity`, …), with its own message
/// and exact span.
const RULE_MARKER: &str = "x-landfall-rule";

/// What such a definition checks for editors and other validators, and
/// landfall leaves to its rule: one mistake, one finding.
const RULE_CHECKED: [&str; 8] = [
    "pattern",
    "maxLength",
    "minLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "format",
];

impl SchemaSet {
    pub(crate) fn bundled() -> SchemaSet {
        SchemaSet {
            documents: SCHEMA_FILES
                .iter()
                .chain(&DIALECT_SCHEMA_FILES)
                .map(|(name, text)| {
                    let mut schema: Value =
                        serde_json::from_str(text).expect("bundled schemas are JSON");
                    leave_to_rules(&mut schema);
                    (*name, schema)
                })
                .collect(),
        }
    }

    pub(crate) fn documents(&self) -> impl Iterator<Item = (&'static str, &Value)> {
        self.documents.iter().map(|(n, v)| (*n, v))
    }

    pub(crate) fn document(&self, name: &str) -> &Value {
        &self
            .documents
            .iter()
            .find(|(n, _)| *n == name)
            .expect("bundled schema exists")
            .1
    }

    /// Follows `$ref` chains to the schema they name; `file` is the
    /// document the schema is in, updated when a ref leaves it.
    fn resolve<'a>(&'a self, mut file: &'a str, mut schema: &'a Value) -> (&'a str, &'a Value) {
        for _ in 0..16 {
            let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
                break;
            };
            let (target_file, pointer) = reference.split_once('#').unwrap_or((reference, ""));
            if !target_file.is_empty() {
                file = target_file;
            }
            match self.document(file).pointer(pointer) {
                Some(target) => schema = target,
                None => break,
            }
        }
        (file, schema)
    }

    /// The subschemas that apply at `instance_path` of a document whose
    /// schema is `root_file`: the plain path plus any `oneOf`/`anyOf`/`allOf`
    /// branches met on the way, so that fields listed in branches count too.
    fn at<'a>(&'a self, root_file: &'a str, instance_path: &str) -> Vec<(&'a str, &'a Value)> {
        let mut current = vec![self.resolve(root_file, self.document(root_file))];
        let segments = instance_path.split('/').skip(1);
        for segment in segments {
            let segment = segment.replace("~1", "/").replace("~0", "~");
            let mut next = Vec::new();
            for (file, schema) in self.expand(current) {
                let child = schema
                    .get("properties")
                    .and_then(|p| p.get(&segment))
                    .or_else(|| segment.parse::<usize>().ok().and(schema.get("items")))
                    .or_else(|| schema.get("additionalProperties").filter(|a| a.is_object()));
                if let Some(child) = child {
                    next.push(self.resolve(file, child));
                }
            }
            current = next;
        }
        self.expand(current)
    }

    fn expand<'a>(&'a self, schemas: Vec<(&'a str, &'a Value)>) -> Vec<(&'a str, &'a Value)> {
        let mut out = Vec::new();
        let mut queue = schemas;
        while let Some((file, schema)) = queue.pop() {
            out.push((file, schema));
            for combinator in ["oneOf", "anyOf", "allOf"] {
                if let Some(branches) = schema.get(combinator).and_then(Value::as_array) {
                    queue.extend(branches.iter().map(|b| self.resolve(file, b)));
                }
            }
        }
        out
    }

    /// The field names a mapping at `instance_path` may have, sorted.
    pub fn allowed_fields(&self, root_file: &str, instance_path: &str) -> Vec<String> {
        let mut fields: Vec<String> = self
            .at(root_file, instance_path)
            .into_iter()
            .filter_map(|(_, s)| s.get("properties").and_then(Value::as_object))
            .flat_map(|p| p.keys().cloned())
            .collect();
        fields.sort();
        fields.dedup();
        fields
    }
}

/// Drops the checks of every definition marked with [`RULE_MARKER`].
fn leave_to_rules(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map.remove(RULE_MARKER).is_some() {
                for keyword in RULE_CHECKED {
                    map.remove(keyword);
                }
            }
            for value in map.values_mut() {
                leave_to_rules(value);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(leave_to_rules),
        _ => {}
    }
}
