//! Native field paths: where in a platform's own document a finding
//! points, in the platform's words (`spec.containers[0].ports[0].number`).

use landfall_yaml::{Node, Value};

/// The path of the node spanning exactly `start..end` below `root` (a key
/// gives the path of its entry), `None` when no node spans it.
pub fn native_path(root: &Node, start: u32, end: u32) -> Option<String> {
    let mut path = String::new();
    find(root, start, end, &mut path).then_some(path)
}

fn find(node: &Node, start: u32, end: u32, path: &mut String) -> bool {
    if node.start == start && node.end == end && !path.is_empty() {
        return true;
    }
    if start < node.start || end > node.end {
        return false;
    }
    let before = path.len();
    match &node.value {
        Value::Map(entries) => {
            for entry in entries {
                if entry.key.start > end || entry.value.end < start {
                    continue;
                }
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&entry.key.key_text());
                let at_key = entry.key.start == start && entry.key.end == end;
                if at_key || find(&entry.value, start, end, path) {
                    return true;
                }
                path.truncate(before);
            }
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push_str(&format!("[{i}]"));
                if find(item, start, end, path) {
                    return true;
                }
                path.truncate(before);
            }
        }
        _ => {}
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use landfall_diagnostics::FileId;
    use landfall_yaml::{Limits, parse};

    #[test]
    fn paths_name_keys_and_items() {
        let text = "spec:\n  containers:\n    - name: api\n      ports:\n        - number: 70000\n";
        let parsed = parse(FileId(0), text, &Limits::default());
        let root = &parsed.documents[0].root;
        let at = text.find("70000").unwrap() as u32;
        assert_eq!(
            native_path(root, at, at + 5).as_deref(),
            Some("spec.containers[0].ports[0].number")
        );
        let key = text.find("name").unwrap() as u32;
        assert_eq!(
            native_path(root, key, key + 4).as_deref(),
            Some("spec.containers[0].name")
        );
        assert_eq!(native_path(root, 1, 2), None);
    }
}
