//! The names of the project: where each Application, Workload, ScopeType,
//! Scope and variable is defined and where it is named, per file, from the
//! files' YAML trees. Rebuilt for one file when that file changes; go to
//! definition, find references, rename, hover, completion and the symbols
//! read it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use landfall_diagnostics::FileId;
use landfall_yaml::{Limits, Node, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Application,
    Workload,
    ScopeType,
    Scope,
    Platform,
    Variable,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Application => "Application",
            Kind::Workload => "Workload",
            Kind::ScopeType => "ScopeType",
            Kind::Scope => "Scope",
            Kind::Platform => "Platform",
            Kind::Variable => "variable",
        }
    }

    fn of(text: &str) -> Option<Kind> {
        Some(match text {
            "Application" => Kind::Application,
            "Workload" => Kind::Workload,
            "ScopeType" => Kind::ScopeType,
            "Scope" => Kind::Scope,
            "Platform" => Kind::Platform,
            _ => return None,
        })
    }
}

/// What a name means: its kind, its application (workloads, scopes and
/// variables are per application) and the name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    pub kind: Kind,
    pub app: Option<String>,
    pub name: String,
}

/// A name as written: the byte range of the name itself (inside quotes,
/// or the `${NAME}` of a variable use) and whether it is the definition.
#[derive(Clone, Debug)]
pub struct Occurrence {
    pub key: Key,
    pub start: usize,
    pub end: usize,
    pub definition: bool,
    /// For definitions: the whole document's range (document symbols).
    pub document: Option<(usize, usize)>,
}

#[derive(Default)]
pub struct Index {
    files: BTreeMap<PathBuf, Vec<Occurrence>>,
}

impl Index {
    /// Reads the names of one file again.
    pub fn update(&mut self, path: &Path, text: &str) {
        self.files.insert(path.to_path_buf(), occurrences(text));
    }

    pub fn remove(&mut self, path: &Path) {
        self.files.remove(path);
    }

    pub fn of_file(&self, path: &Path) -> &[Occurrence] {
        self.files.get(path).map_or(&[], Vec::as_slice)
    }

    /// The name written at `offset` of the file.
    pub fn at(&self, path: &Path, offset: usize) -> Option<&Occurrence> {
        self.of_file(path)
            .iter()
            .find(|o| o.start <= offset && offset <= o.end)
    }

    /// Every occurrence of `key`, definitions first, in path order.
    pub fn all(&self, key: &Key) -> Vec<(&Path, &Occurrence)> {
        let mut found: Vec<(&Path, &Occurrence)> = self
            .files
            .iter()
            .flat_map(|(path, list)| list.iter().map(move |o| (path.as_path(), o)))
            .filter(|(_, o)| &o.key == key)
            .collect();
        found.sort_by_key(|(path, o)| (!o.definition, *path, o.start));
        found
    }

    /// Every definition, in path order.
    pub fn definitions(&self) -> impl Iterator<Item = (&Path, &Occurrence)> {
        self.files
            .iter()
            .flat_map(|(path, list)| list.iter().map(move |o| (path.as_path(), o)))
            .filter(|(_, o)| o.definition)
    }
}

/// The name of the scalar `node` as written in `text`: inside its quotes.
fn name_range(text: &str, node: &Node, name: &str) -> Option<(usize, usize)> {
    let (start, end) = (node.start as usize, node.end as usize);
    let len = end.checked_sub(start)?;
    if len == name.len() && text.get(start..end) == Some(name) {
        Some((start, end))
    } else if len == name.len() + 2 && text.get(start + 1..end - 1) == Some(name) {
        Some((start + 1, end - 1))
    } else {
        None
    }
}

fn occurrences(text: &str) -> Vec<Occurrence> {
    let parsed = landfall_yaml::parse(FileId(0), text, &Limits::default());
    let mut out = Vec::new();
    for document in &parsed.documents {
        let root = &document.root;
        let Some(kind) = root.get("kind").and_then(Node::as_str).and_then(Kind::of) else {
            continue;
        };
        let metadata = root.get("metadata");
        let name_node = metadata.and_then(|m| m.get("name"));
        let app_node = metadata.and_then(|m| m.get("application"));
        let own_app = app_node.and_then(Node::as_str).map(str::to_string);
        let push = |out: &mut Vec<Occurrence>, key: Key, node: &Node, definition: bool| {
            if let Some((start, end)) = name_range(text, node, &key.name) {
                out.push(Occurrence {
                    key,
                    start,
                    end,
                    definition,
                    document: definition.then_some((root.start as usize, root.end as usize)),
                });
            }
        };
        if let Some(node) = name_node
            && let Some(name) = node.as_str()
        {
            let app = match kind {
                Kind::Workload | Kind::Scope => own_app.clone(),
                _ => None,
            };
            let key = Key {
                kind,
                app,
                name: name.to_string(),
            };
            push(&mut out, key, node, true);
        }
        if matches!(kind, Kind::Workload | Kind::Scope)
            && let Some(node) = app_node
            && let Some(app) = node.as_str()
        {
            let key = Key {
                kind: Kind::Application,
                app: None,
                name: app.to_string(),
            };
            push(&mut out, key, node, false);
        }
        let spec = root.get("spec");
        match kind {
            Kind::Scope => {
                if let Some(node) = spec.and_then(|s| s.get("type"))
                    && let Some(name) = node.as_str()
                {
                    let key = Key {
                        kind: Kind::ScopeType,
                        app: None,
                        name: name.to_string(),
                    };
                    push(&mut out, key, node, false);
                }
                for node in spec
                    .and_then(|s| s.get("workloads"))
                    .and_then(Node::as_seq)
                    .unwrap_or(&[])
                {
                    if let Some(name) = node.as_str() {
                        let key = Key {
                            kind: Kind::Workload,
                            app: own_app.clone(),
                            name: name.to_string(),
                        };
                        push(&mut out, key, node, false);
                    }
                }
            }
            Kind::Application => {
                let app = name_node.and_then(Node::as_str).map(str::to_string);
                for entry in spec
                    .and_then(|s| s.get("variables"))
                    .and_then(Node::as_map)
                    .unwrap_or(&[])
                {
                    if let Some(name) = entry.key.as_str() {
                        let key = Key {
                            kind: Kind::Variable,
                            app: app.clone(),
                            name: name.to_string(),
                        };
                        push(&mut out, key, &entry.key, true);
                    }
                }
            }
            Kind::Workload => {
                if let Some(spec) = spec {
                    variable_uses(text, spec, own_app.as_deref(), &mut out);
                }
            }
            _ => {}
        }
    }
    out
}

/// Every `${NAME}` written in the string scalars under `node`.
fn variable_uses(text: &str, node: &Node, app: Option<&str>, out: &mut Vec<Occurrence>) {
    match &node.value {
        Value::String(value) if value.contains("${") => {
            let Some(source) = text.get(node.start as usize..node.end as usize) else {
                return;
            };
            let bytes = source.as_bytes();
            let mut i = 0;
            while let Some(found) = source[i..].find("${") {
                let at = i + found;
                // `$${` is a literal `${`.
                if at > 0 && bytes[at - 1] == b'$' {
                    i = at + 2;
                    continue;
                }
                let Some(close) = source[at..].find('}') else {
                    break;
                };
                let name = &source[at + 2..at + close];
                if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                {
                    out.push(Occurrence {
                        key: Key {
                            kind: Kind::Variable,
                            app: app.map(str::to_string),
                            name: name.to_string(),
                        },
                        start: node.start as usize + at,
                        end: node.start as usize + at + close + 1,
                        definition: false,
                        document: None,
                    });
                }
                i = at + close + 1;
            }
        }
        Value::Seq(items) => {
            for item in items {
                variable_uses(text, item, app, out);
            }
        }
        Value::Map(entries) => {
            for entry in entries {
                variable_uses(text, &entry.value, app, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_uses_are_found() {
        let text = "kind: Scope\nmetadata: {name: s, application: 'shop'}\nspec: {type: web, workloads: [api, \"db\"]}\n---\nkind: Workload\nmetadata: {name: api, application: shop}\nspec: {containers: [{env: {A: \"x${LOG}y\"}}]}\n";
        let found = occurrences(text);
        let names: Vec<(Kind, &str, &str)> = found
            .iter()
            .map(|o| (o.key.kind, o.key.name.as_str(), &text[o.start..o.end]))
            .collect();
        assert_eq!(
            names,
            [
                (Kind::Scope, "s", "s"),
                (Kind::Application, "shop", "shop"),
                (Kind::ScopeType, "web", "web"),
                (Kind::Workload, "api", "api"),
                (Kind::Workload, "db", "db"),
                (Kind::Workload, "api", "api"),
                (Kind::Application, "shop", "shop"),
                (Kind::Variable, "LOG", "${LOG}"),
            ]
        );
    }
}
