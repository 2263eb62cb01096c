//! What policies keep of a document: the parts of its node tree that some
//! policy rule reads ([`Keep`], computed by the type checker), copied out
//! while the file's tree is at hand. The pipeline compacts its typed
//! documents for the built-in rules; a policy's view is its own, so a
//! policy may read any field without the whole tree being held.

use landfall_yaml::{Node, Value};
use serde_json::Value as Json;

/// Which parts of a node policies read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Keep {
    /// Everything below (the node is read as a whole: compared, listed,
    /// counted, interpolated).
    pub whole: bool,
    /// The keys of a mapping or the length of a list (`size()`, `key in
    /// map`): entries not otherwise read are kept as `null`s.
    pub shape: bool,
    /// Fields (or map keys) read by name, with their [`key_hash`]es: every
    /// entry of every kept mapping of every document is looked up here.
    pub fields: Vec<(u64, String, Keep)>,
    /// List elements, or the values of a map whose keys are not known.
    pub each: Option<Box<Keep>>,
}

impl Keep {
    pub fn field(&mut self, name: &str) -> &mut Keep {
        let hash = key_hash(name);
        let at = match self
            .fields
            .iter()
            .position(|(h, n, _)| *h == hash && n == name)
        {
            Some(at) => at,
            None => {
                self.fields.push((hash, name.to_string(), Keep::default()));
                self.fields.len() - 1
            }
        };
        &mut self.fields[at].2
    }

    fn field_named(&self, name: &str) -> Option<&Keep> {
        let hash = key_hash(name);
        self.fields
            .iter()
            .find(|(h, n, _)| *h == hash && n == name)
            .map(|(_, _, k)| k)
    }

    pub fn each(&mut self) -> &mut Keep {
        self.each.get_or_insert_with(Default::default)
    }

    pub fn is_empty(&self) -> bool {
        !self.whole && !self.shape && self.fields.is_empty() && self.each.is_none()
    }

    /// Follows `path` of field names (`"*"` for each element) from here.
    pub fn at(&mut self, path: &[String]) -> &mut Keep {
        let mut keep = self;
        for step in path {
            keep = if step == "*" {
                keep.each()
            } else {
                keep.field(step)
            };
        }
        keep
    }
}

/// A copied node: value and the span a finding about it points at.
#[derive(Clone, Debug, PartialEq)]
pub struct Tree {
    /// Byte range in the document's file; `None` for a default (it has no
    /// place in the file: findings point at the nearest written parent).
    pub span: Option<(u32, u32)>,
    pub value: TreeValue,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TreeValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<Tree>),
    /// Entries in source order, keys as JSON reads them.
    Map(Vec<(Key, Tree)>),
}

/// A mapping key with its hash: rules look fields up by name many times a
/// document, and comparing hashes first spares most string comparisons.
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    pub hash: u64,
    pub text: Box<str>,
}

impl Key {
    pub fn new(text: &str) -> Key {
        Key {
            hash: key_hash(text),
            text: text.into(),
        }
    }
}

/// FNV-1a: short keys, no need for DoS resistance (the keys are the
/// document's own and only compared).
pub fn key_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

impl Tree {
    pub fn get(&self, key: &str) -> Option<&Tree> {
        self.get_hashed(key, key_hash(key))
    }

    /// [`Tree::get`] with the key's [`key_hash`] computed beforehand.
    pub fn get_hashed(&self, key: &str, hash: u64) -> Option<&Tree> {
        match &self.value {
            TreeValue::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.hash == hash && &*k.text == key)
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// A schema default as a tree without a place in the file.
    pub fn from_json(json: &Json) -> Tree {
        let value = match json {
            Json::Null => TreeValue::Null,
            Json::Bool(b) => TreeValue::Bool(*b),
            Json::Number(n) => match n.as_i64() {
                Some(i) => TreeValue::Int(i),
                None => TreeValue::Float(n.as_f64().unwrap_or_default()),
            },
            Json::String(s) => TreeValue::Str(s.clone()),
            Json::Array(items) => TreeValue::List(items.iter().map(Tree::from_json).collect()),
            Json::Object(entries) => TreeValue::Map(
                entries
                    .iter()
                    .map(|(k, v)| (Key::new(k), Tree::from_json(v)))
                    .collect(),
            ),
        };
        Tree { span: None, value }
    }

    pub fn empty_map() -> Tree {
        Tree {
            span: None,
            value: TreeValue::Map(Vec::new()),
        }
    }
}

/// Copies what `keep` asks for of a document's root node. The root's span
/// is its `metadata.name` (where findings about a whole document point),
/// or its `kind` entry.
pub fn project_document(root: &Node, keep: &Keep) -> Tree {
    let mut tree = project(root, keep, node_span(root));
    let anchor = root
        .get("metadata")
        .and_then(|m| m.get("name"))
        .map(node_span)
        .or_else(|| root.entry("kind").map(|e| (e.key.start, e.value.end)))
        .unwrap_or((root.start, root.start));
    tree.span = Some(anchor);
    tree
}

fn node_span(node: &Node) -> (u32, u32) {
    (node.start, node.end)
}

/// Where a finding about a mapping element of a list points: its first
/// entry (`name: api` of a container), not the whole block.
fn element_span(node: &Node) -> (u32, u32) {
    match node.as_map().and_then(|entries| entries.first()) {
        Some(first) => match first.value.value {
            Value::Seq(_) | Value::Map(_) => (first.key.start, first.key.end),
            _ => (first.key.start, first.value.end),
        },
        None => node_span(node),
    }
}

fn project(node: &Node, keep: &Keep, span: (u32, u32)) -> Tree {
    let value = match &node.value {
        Value::Null => TreeValue::Null,
        Value::Bool(b) => TreeValue::Bool(*b),
        Value::Int(i) => TreeValue::Int(*i),
        Value::Float(f) => TreeValue::Float(*f),
        Value::String(s) => TreeValue::Str(s.clone()),
        Value::Seq(items) => {
            let each = keep.each.as_deref();
            if keep.whole || each.is_some() {
                let each_keep = if keep.whole {
                    &WHOLE
                } else {
                    each.unwrap_or(&WHOLE)
                };
                TreeValue::List(
                    items
                        .iter()
                        .map(|item| project(item, each_keep, element_span(item)))
                        .collect(),
                )
            } else if keep.shape {
                TreeValue::List(
                    items
                        .iter()
                        .map(|item| placeholder(element_span(item)))
                        .collect(),
                )
            } else {
                TreeValue::List(Vec::new())
            }
        }
        Value::Map(entries) => TreeValue::Map(
            entries
                .iter()
                .filter_map(|entry| {
                    let key = entry.key.key_text();
                    let child_keep = if keep.whole {
                        &WHOLE
                    } else if let Some(k) = keep.field_named(&key) {
                        k
                    } else if let Some(each) = keep.each.as_deref() {
                        each
                    } else if keep.shape {
                        let span = child_span(entry);
                        return Some((Key::new(&key), placeholder(span)));
                    } else {
                        return None;
                    };
                    let child_span = child_span(entry);
                    Some((
                        Key::new(&key),
                        project(&entry.value, child_keep, child_span),
                    ))
                })
                .collect(),
        ),
    };
    Tree {
        span: Some(span),
        value,
    }
}

/// Where a finding about a mapping's value points: a scalar itself, a
/// collection its key.
fn child_span(entry: &landfall_yaml::Entry) -> (u32, u32) {
    match entry.value.value {
        Value::Seq(_) | Value::Map(_) => (entry.key.start, entry.key.end),
        _ => node_span(&entry.value),
    }
}

/// An entry kept for the shape of its collection, not for its value.
fn placeholder(span: (u32, u32)) -> Tree {
    Tree {
        span: Some(span),
        value: TreeValue::Null,
    }
}

static WHOLE: Keep = Keep {
    whole: true,
    shape: false,
    fields: Vec::new(),
    each: None,
};
