//! Every node of every document of the official YAML test suite has a span
//! that covers exactly its own text: it starts at the node's first byte
//! (its `&anchor` or `!tag` when it has one, else its first character, quote
//! or indicator), ends at its last byte, and is never reversed; and every
//! string scalar's value maps back into its source through `ScalarSpans`.
//!
//! Where the suite is found: `tests/suite/mod.rs`.

mod suite;

use landfall_diagnostics::FileId;
use landfall_yaml::{Limits, Node, ScalarSpans, Style, Value, parse};

/// The byte after `&anchor` and `!tag` properties at the start of `text`.
fn after_properties(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() && matches!(bytes[i], b'&' | b'!') {
        while i < bytes.len() && !matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
        }
        loop {
            match bytes.get(i) {
                Some(b' ' | b'\t' | b'\r' | b'\n') => i += 1,
                Some(b'#') => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                }
                _ => break,
            }
        }
    }
    i
}

/// What is wrong with the span of `node` (and its children) in `text`.
fn check(text: &str, node: &Node, problems: &mut Vec<String>) {
    let (start, end) = (node.start as usize, node.end as usize);
    let mut mine: Vec<&str> = Vec::new();
    let mut children: Vec<&Node> = Vec::new();
    let mut fail = |what: &'static str| mine.push(what);
    if start > end {
        problems.push(format!("reversed span at {start}..{end}: {node:?}"));
        return;
    }
    if end > text.len() || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
        problems.push(format!("span outside the text at {start}..{end}: {node:?}"));
        return;
    }
    let source = &text[start..end];
    if source.starts_with([' ', '\t', '\r', '\n']) || source.ends_with([' ', '\t', '\r', '\n']) {
        fail("span with blanks around it");
    }
    let body = &source[after_properties(source)..];
    let first = body.chars().next();
    match (&node.value, node.style) {
        (Value::Seq(items), _) => {
            if !matches!(first, Some('[' | '-')) {
                fail("sequence not starting with `[` or `-`");
            }
            if first == Some('[') && !body.ends_with(']') {
                fail("flow sequence not ending with `]`");
            }
            for item in items {
                if item.end > node.end {
                    fail("item ending after its sequence");
                }
                children.push(item);
            }
        }
        (Value::Map(entries), _) => {
            // The first key (with its own properties, when the mapping
            // has none) starts the mapping; the copy an alias key makes
            // has the anchored node's span.
            let body_at = start + source.len() - body.len();
            let key_start = entries.first().map_or(usize::MAX, |e| e.key.start as usize);
            let at_key = (start..=body_at).contains(&key_start) || first == Some('*');
            if !(matches!(first, Some('{' | '?')) || at_key) {
                fail("mapping not starting with `{`, `?` or its first key");
            }
            // A flow mapping, not a block one whose first key is one.
            if first == Some('{') && key_start != body_at && !body.ends_with('}') {
                fail("flow mapping not ending with `}`");
            }
            for entry in entries {
                if entry.key.end > node.end || entry.value.end > node.end {
                    fail("entry ending after its mapping");
                }
                children.push(&entry.key);
                children.push(&entry.value);
            }
        }
        (_, Style::SingleQuoted) if !(body.starts_with('\'') && body.ends_with('\'')) => {
            fail("single-quoted scalar not within its quotes");
        }
        (_, Style::DoubleQuoted) if !(body.starts_with('"') && body.ends_with('"')) => {
            fail("double-quoted scalar not within its quotes");
        }
        (_, Style::Literal) if first != Some('|') => fail("literal scalar not starting with `|`"),
        (_, Style::Folded) if first != Some('>') => fail("folded scalar not starting with `>`"),
        (Value::String(s), Style::Plain) if !s.is_empty() && first != s.chars().next() => {
            fail("plain scalar not starting with its first character");
        }
        _ => {}
    }
    if let Some(value) = node.as_str() {
        check_mapping(source, node, value, &mut fail);
    }
    for what in mine {
        problems.push(format!("{what} at {start}..{end} {source:?}: {node:?}"));
    }
    for child in children {
        check(text, child, problems);
    }
}

/// The scalar's value maps back: each character to the text it was
/// written as, in order, inside the node's span (line breaks that block
/// chomping keeps may lie after it).
fn check_mapping(source: &str, node: &Node, value: &str, fail: &mut impl FnMut(&'static str)) {
    let Some(spans) = ScalarSpans::new(source, value) else {
        fail("value does not map to its source");
        return;
    };
    if spans.style() != node.style {
        fail("style read from the source differs");
    }
    let mut last_end = 0;
    for (i, c) in value.char_indices() {
        let Some(range) = spans.source_range(i..i + c.len_utf8()) else {
            fail("a character of the value maps nowhere");
            return;
        };
        let written = &source[range.clone()];
        if range.start < last_end {
            fail("a character maps out of order or outside the node");
            return;
        }
        // A character written as itself maps to itself; others come from
        // an escape, a quote pair or a line break.
        if written.len() == c.len_utf8() && !written.starts_with(c) && c != ' ' && c != '\n' {
            fail("a character maps to another character");
            return;
        }
        last_end = range.end;
    }
}

#[test]
fn every_node_spans_its_own_text() {
    let Some(dir) = suite::suite_dir("span test") else {
        return;
    };
    let cases = suite::cases(&dir);
    assert!(
        cases.len() > 300,
        "only {} cases under {}",
        cases.len(),
        dir.display()
    );
    let mut problems = Vec::new();
    let mut nodes = 0;
    for case in &cases {
        let Ok(text) = std::fs::read_to_string(case.dir.join("in.yaml")) else {
            continue;
        };
        let parsed = parse(FileId(0), &text, &Limits::default());
        for document in &parsed.documents {
            nodes += document.root.count();
            let mut found = Vec::new();
            check(&text, &document.root, &mut found);
            problems.extend(found.into_iter().map(|p| format!("{}: {p}", case.id)));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    // The suite's documents hold some 1,700 nodes: most were read.
    assert!(nodes > 1500, "only {nodes} nodes checked");
}
