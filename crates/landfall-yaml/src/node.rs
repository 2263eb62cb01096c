//! The span-carrying node tree: YAML 1.2 core-schema values, each with the
//! byte range it came from and, for scalars, how it was written.

use std::borrow::Cow;

/// How a scalar was written; collections are `Plain`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

impl Style {
    pub fn is_quoted(self) -> bool {
        matches!(self, Style::SingleQuoted | Style::DoubleQuoted)
    }
}

/// A value resolved with the YAML 1.2 core schema.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

/// A node and its byte range `start..end` in the file.
///
/// The range starts at the node's first byte: its `&anchor` or `!tag` when
/// it has one (the YAML node includes its properties), else its quote, its
/// block header (`|`, `>`), its bracket, its first `-` or key, or its first
/// character. It ends at its last byte: a closing quote or bracket, a block
/// collection's last child, a block scalar's last non-blank character (the
/// line breaks its chomping keeps come after). An empty scalar is an empty
/// range just after the `:`, `-` or `?` that introduced it. A node copied
/// by an alias keeps the span of the node it copies. [`ScalarSpans`] maps a
/// range of a scalar's value to its source.
///
/// [`ScalarSpans`]: crate::ScalarSpans
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub start: u32,
    pub end: u32,
    pub style: Style,
    pub value: Value,
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self.value {
            Value::Int(i) => Some(i),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// The entry whose key is the string `key`.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_map()?.iter().find(|e| e.key.as_str() == Some(key))
    }

    /// The entry whose key reads as `text` in JSON (see [`Node::key_text`]).
    pub fn entry_by_key_text(&self, text: &str) -> Option<&Entry> {
        self.as_map()?.iter().find(|e| e.key.key_text() == text)
    }

    /// The value under the string key `key`.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// A key as JSON sees it: strings as they are, other scalars as written
    /// in canonical form (`8080`, `true`, `null`), a sequence or mapping
    /// used as a key (`? [a, b]`) as its compact JSON (`["a","b"]`), so
    /// that different complex keys stay different and equal ones are
    /// found as duplicates.
    pub fn key_text(&self) -> Cow<'_, str> {
        match &self.value {
            Value::String(s) => Cow::Borrowed(s),
            Value::Null => Cow::Borrowed("null"),
            Value::Bool(b) => Cow::Owned(b.to_string()),
            Value::Int(i) => Cow::Owned(i.to_string()),
            Value::Float(f) => Cow::Owned(f.to_string()),
            Value::Seq(_) | Value::Map(_) => Cow::Owned(self.to_json().to_string()),
        }
    }

    /// Short name of the value's type for messages.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "number",
            Value::String(_) => "string",
            Value::Seq(_) => "list",
            Value::Map(_) => "mapping",
        }
    }

    /// Follows a JSON pointer (`/spec/containers/0/image`); the node found
    /// and, when the last step was a mapping key, that key's node.
    pub fn pointer<'a>(&'a self, pointer: &str) -> Option<(&'a Node, Option<&'a Node>)> {
        let mut node = self;
        let mut key = None;
        if pointer.is_empty() {
            return Some((node, None));
        }
        for raw in pointer.strip_prefix('/')?.split('/') {
            let segment = raw.replace("~1", "/").replace("~0", "~");
            match &node.value {
                Value::Map(entries) => {
                    let entry = entries.iter().find(|e| e.key.key_text() == segment)?;
                    key = Some(&entry.key);
                    node = &entry.value;
                }
                Value::Seq(items) => {
                    node = items.get(segment.parse::<usize>().ok()?)?;
                    key = None;
                }
                _ => return None,
            }
        }
        Some((node, key))
    }

    /// Number of nodes in this subtree, itself included.
    pub fn count(&self) -> usize {
        1 + match &self.value {
            Value::Seq(items) => items.iter().map(Node::count).sum(),
            Value::Map(entries) => entries
                .iter()
                .map(|e| e.key.count() + e.value.count())
                .sum(),
            _ => 0,
        }
    }

    /// The JSON value the kinds' schemas validate.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::String(s) => J::String(s.clone()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|e| (e.key.key_text().into_owned(), e.value.to_json()))
                    .collect(),
            ),
        }
    }
}

/// One `---` document of a file.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// 0-based position of the document in its file.
    pub index: usize,
    pub root: Node,
}
