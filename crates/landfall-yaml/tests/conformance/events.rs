//! The suite's `test.event` files: one event a line, as the reference
//! parsers produce them, and the node trees they describe.

use std::collections::HashMap;

/// How a scalar is written: `:` plain, `'`, `"`, `|`, `>`.
pub type Indicator = char;

#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    StreamStart,
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    MappingStart(Properties),
    MappingEnd,
    SequenceStart(Properties),
    SequenceEnd,
    Scalar(Properties, Indicator, String),
    Alias(String),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Properties {
    /// A collection written in flow style (`+MAP {}`, `+SEQ []`).
    pub flow: bool,
    pub anchor: Option<String>,
    /// The resolved tag, without its `<>`: `tag:yaml.org,2002:str`, `!`.
    pub tag: Option<String>,
}

/// The events of a `test.event` file; `Err` names a line it cannot read.
pub fn read(source: &str) -> Result<Vec<Event>, String> {
    source
        .lines()
        .filter(|line| !line.is_empty())
        .map(|line| event(line).ok_or_else(|| format!("unreadable event line {line:?}")))
        .collect()
}

fn event(line: &str) -> Option<Event> {
    let (code, rest) = line.split_at(line.len().min(4));
    let mut rest = rest.trim_start_matches(' ');
    let mut properties = Properties::default();
    // `---` / `...` (explicit markers) say how the text was written,
    // which neither the tree nor the placing of events needs.
    loop {
        if let Some(after) = rest.strip_prefix("{}").or_else(|| rest.strip_prefix("[]")) {
            properties.flow = true;
            rest = after.trim_start_matches(' ');
        } else if let Some(after) = rest
            .strip_prefix("---")
            .or_else(|| rest.strip_prefix("..."))
        {
            rest = after.trim_start_matches(' ');
        } else if let Some(after) = rest.strip_prefix('&') {
            let (anchor, after) = after.split_once(' ').unwrap_or((after, ""));
            properties.anchor = Some(anchor.to_string());
            rest = after;
        } else if let Some(after) = rest.strip_prefix('<') {
            let (tag, after) = after.split_once('>')?;
            properties.tag = Some(tag.to_string());
            rest = after.trim_start_matches(' ');
        } else {
            break;
        }
    }
    Some(match code {
        "+STR" => Event::StreamStart,
        "-STR" => Event::StreamEnd,
        "+DOC" => Event::DocumentStart,
        "-DOC" => Event::DocumentEnd,
        "+MAP" => Event::MappingStart(properties),
        "-MAP" => Event::MappingEnd,
        "+SEQ" => Event::SequenceStart(properties),
        "-SEQ" => Event::SequenceEnd,
        "=ALI" => Event::Alias(rest.strip_prefix('*')?.to_string()),
        "=VAL" => {
            let indicator = rest.chars().next()?;
            if !matches!(indicator, ':' | '\'' | '"' | '|' | '>') {
                return None;
            }
            Event::Scalar(properties, indicator, unescape(&rest[1..])?)
        }
        _ => return None,
    })
}

/// The value of a scalar as the event line writes it: `\n`, `\t`, `\r`,
/// `\b` and `\\` stand for themselves.
fn unescape(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(match chars.next()? {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            'b' => '\u{8}',
            '0' => '\0',
            '\\' => '\\',
            _ => return None,
        });
    }
    Some(out)
}

/// A node as the events describe it, aliases replaced by copies.
#[derive(Clone, Debug)]
pub enum Tree {
    Scalar {
        indicator: Indicator,
        tag: Option<String>,
        text: String,
    },
    Seq(Vec<Tree>),
    Map(Vec<(Tree, Tree)>),
}

enum Open {
    Seq(Properties, Vec<Tree>),
    Map(Properties, Vec<Tree>),
}

/// The root of every document of a valid case's events.
pub fn documents(events: &[Event]) -> Result<Vec<Tree>, String> {
    let mut documents = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: HashMap<String, Tree> = HashMap::new();
    for event in events {
        let (tree, anchor) = match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => continue,
            Event::DocumentStart => {
                anchors.clear();
                continue;
            }
            Event::MappingStart(properties) => {
                stack.push(Open::Map(properties.clone(), Vec::new()));
                continue;
            }
            Event::SequenceStart(properties) => {
                stack.push(Open::Seq(properties.clone(), Vec::new()));
                continue;
            }
            Event::MappingEnd => match stack.pop() {
                Some(Open::Map(properties, mut children)) if children.len() % 2 == 0 => {
                    let mut entries = Vec::with_capacity(children.len() / 2);
                    while !children.is_empty() {
                        let key = children.remove(0);
                        let value = children.remove(0);
                        entries.push((key, value));
                    }
                    (Tree::Map(entries), properties.anchor)
                }
                _ => return Err("unbalanced -MAP".into()),
            },
            Event::SequenceEnd => match stack.pop() {
                Some(Open::Seq(properties, items)) => (Tree::Seq(items), properties.anchor),
                _ => return Err("unbalanced -SEQ".into()),
            },
            Event::Scalar(properties, indicator, text) => {
                let tree = Tree::Scalar {
                    indicator: *indicator,
                    tag: properties.tag.clone(),
                    text: text.clone(),
                };
                (tree, properties.anchor.clone())
            }
            Event::Alias(name) => match anchors.get(name) {
                Some(tree) => (tree.clone(), None),
                None => return Err(format!("alias *{name} to no anchor")),
            },
        };
        if let Some(anchor) = anchor {
            anchors.insert(anchor, tree.clone());
        }
        match stack.last_mut() {
            Some(Open::Seq(_, children) | Open::Map(_, children)) => children.push(tree),
            None => documents.push(tree),
        }
    }
    if stack.is_empty() {
        Ok(documents)
    } else {
        Err("events end inside a collection".into())
    }
}
