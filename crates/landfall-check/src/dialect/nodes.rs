//! Reading native nodes into spanned values: what every dialect's builder
//! needs, lenient as landfall's own builder is (a value of the wrong shape
//! is left out; the dialect's schema has reported it).

use landfall_diagnostics::{FileId, Span};
use landfall_model::{Scalar, Spanned};
use landfall_yaml::Node;

#[derive(Clone, Copy)]
pub(crate) struct Reader<'a> {
    pub file: FileId,
    pub text: &'a str,
}

impl Reader<'_> {
    pub fn span(&self, node: &Node) -> Span {
        Span::new(self.file, node.start, node.end)
    }

    /// The span of `key: value` in `map`, key to value.
    pub fn entry_span(&self, map: &Node, key: &str) -> Option<Span> {
        map.entry(key)
            .map(|e| Span::new(self.file, e.key.start, e.value.end))
    }

    pub fn string(&self, node: Option<&Node>) -> Option<Spanned<String>> {
        let node = node?;
        Some(Spanned::new(node.as_str()?.to_string(), self.span(node)))
    }

    pub fn int(&self, node: Option<&Node>) -> Option<Spanned<i64>> {
        let node = node?;
        Some(Spanned::new(node.as_i64()?, self.span(node)))
    }

    pub fn bool(&self, node: Option<&Node>) -> Option<Spanned<bool>> {
        let node = node?;
        Some(Spanned::new(node.as_bool()?, self.span(node)))
    }

    pub fn float(&self, node: Option<&Node>) -> Option<Spanned<f64>> {
        let node = node?;
        let value = match &node.value {
            landfall_yaml::Value::Int(i) => *i as f64,
            landfall_yaml::Value::Float(f) => *f,
            _ => return None,
        };
        Some(Spanned::new(value, self.span(node)))
    }

    /// A quantity as written (`500m`, `0.5`, `512Mi`).
    pub fn scalar(&self, node: Option<&Node>) -> Option<Spanned<Scalar>> {
        let node = node?;
        Some(Spanned::new(
            Scalar::from_node(node, self.text)?,
            self.span(node),
        ))
    }

    /// An integer number of seconds as a landfall duration (`30` is `30s`),
    /// spanned on the number.
    pub fn seconds(&self, node: Option<&Node>) -> Option<Spanned<Scalar>> {
        let node = node?;
        let seconds = node.as_i64()?;
        Some(Spanned::new(
            Scalar {
                text: format!("{seconds}s"),
                is_number: false,
            },
            self.span(node),
        ))
    }

    pub fn strings(&self, node: Option<&Node>) -> Vec<Spanned<String>> {
        node.and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(|item| self.string(Some(item)))
            .collect()
    }

    pub fn items<'n>(&self, node: Option<&'n Node>) -> &'n [Node] {
        node.and_then(Node::as_seq).unwrap_or_default()
    }
}

/// `node` at a `/`-separated path of keys.
pub(crate) fn at<'n>(node: &'n Node, path: &str) -> Option<&'n Node> {
    path.split('/').try_fold(node, |n, key| n.get(key))
}
