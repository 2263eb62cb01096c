//! Spans cover exactly the text of each node.

use landfall_diagnostics::FileId;
use landfall_yaml::{Limits, Style, parse};

fn value_text<'a>(text: &'a str, key: &str) -> (&'a str, Style) {
    let parsed = parse(FileId(0), text, &Limits::default());
    let node = parsed.documents[0].root.get(key).expect("key exists");
    (&text[node.start as usize..node.end as usize], node.style)
}

#[test]
fn quoted_scalars_end_at_their_closing_quote() {
    let text = "a: \"5 4 * * 8\"  # every Monday\nb: 'it''s'   # quoted\nc: \"x\\\"y\"\nd: plain  # comment\n";
    assert_eq!(
        value_text(text, "a"),
        ("\"5 4 * * 8\"", Style::DoubleQuoted)
    );
    assert_eq!(value_text(text, "b"), ("'it''s'", Style::SingleQuoted));
    assert_eq!(value_text(text, "c"), ("\"x\\\"y\"", Style::DoubleQuoted));
    assert_eq!(value_text(text, "d"), ("plain", Style::Plain));
}

#[test]
fn spans_are_bytes_in_files_with_multibyte_text() {
    let text = "\u{feff}name: \"héllo\"\nport: 9090\n";
    assert_eq!(value_text(text, "name").0, "\"héllo\"");
    assert_eq!(value_text(text, "port").0, "9090");
}

#[test]
fn flow_collections_span_their_brackets() {
    let text = "ports: [ {port: 8080}, {port: 9090} ]  # two\n";
    assert_eq!(
        value_text(text, "ports").0,
        "[ {port: 8080}, {port: 9090} ]"
    );
}
