//! Field-level differences: what changed between two versions of a
//! workload, field by field, and between two versions of a config's files,
//! as unified diffs. Generic over the plan's JSON form, so every field a
//! workload has (env, command, args, image, ports, resources, probes,
//! volumes, security, scaling, labels and whatever is added later) is
//! compared without a list to keep up to date.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::diff::Detail;
use crate::ir::Workload;

/// Every field that differs between `old` and `new`, as
/// `containers[api].env.LOG_LEVEL: "info" → "debug"`. Lists of named
/// objects (containers, ports, volumes, env) are matched by name, so an
/// insertion shows as one added entry, not as every later entry changed.
/// The spec hash is left out: it is what says that something changed.
pub fn workload_fields(old: &Workload, new: &Workload) -> Vec<Detail> {
    let (Ok(mut old), Ok(mut new)) = (serde_json::to_value(old), serde_json::to_value(new)) else {
        return Vec::new();
    };
    for value in [&mut old, &mut new] {
        if let Value::Object(map) = value {
            map.remove("specHash");
        }
    }
    let mut out = Vec::new();
    compare("", &old, &new, &mut out);
    out
}

fn compare(path: &str, old: &Value, new: &Value, out: &mut Vec<Detail>) {
    if old == new {
        return;
    }
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                let path = join(path, key);
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => compare(&path, x, y, out),
                    (Some(x), None) => out.push(Detail::changed(&path, &show(x), "(removed)")),
                    (None, Some(y)) => out.push(Detail::changed(&path, "(none)", &show(y))),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => match (keyed(a), keyed(b)) {
            (Some(a), Some(b)) => {
                let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
                for key in keys {
                    let path = format!("{path}[{key}]");
                    match (a.get(key), b.get(key)) {
                        (Some(x), Some(y)) => compare(&path, x, y, out),
                        (Some(x), None) => out.push(Detail::changed(&path, &show(x), "(removed)")),
                        (None, Some(y)) => out.push(Detail::changed(&path, "(none)", &show(y))),
                        (None, None) => {}
                    }
                }
            }
            _ => out.push(Detail::changed(path, &show(old), &show(new))),
        },
        _ => out.push(Detail::changed(path, &show(old), &show(new))),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The entries of a list by their `name` (or, for ports, `port`), when
/// every entry has one and they are unique.
fn keyed(items: &[Value]) -> Option<BTreeMap<String, &Value>> {
    let mut map = BTreeMap::new();
    for item in items {
        let key = match (item.get("name"), item.get("port"), item.get("path")) {
            (Some(Value::String(name)), _, _) => name.clone(),
            (_, Some(port), _) => port.to_string(),
            (_, _, Some(Value::String(path))) => path.clone(),
            _ => return None,
        };
        if map.insert(key, item).is_some() {
            return None;
        }
    }
    Some(map)
}

/// A value as one line: strings quoted, the rest as compact JSON.
fn show(value: &Value) -> String {
    value.to_string()
}

/// A unified diff of a config's files: one hunk group per file that
/// changed, `--- a/FILE` / `+++ b/FILE` headers, three lines of context.
pub fn config_files_diff(old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) -> String {
    let files: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let mut out = String::new();
    for file in files {
        let a = old.get(file).map_or("", String::as_str);
        let b = new.get(file).map_or("", String::as_str);
        if a == b && old.contains_key(file) == new.contains_key(file) {
            continue;
        }
        let from = if old.contains_key(file) {
            format!("a/{file}")
        } else {
            "/dev/null".to_string()
        };
        let to = if new.contains_key(file) {
            format!("b/{file}")
        } else {
            "/dev/null".to_string()
        };
        let diff = similar::TextDiff::from_lines(a, b);
        out.push_str(
            &diff
                .unified_diff()
                .context_radius(3)
                .header(&from, &to)
                .to_string(),
        );
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}
