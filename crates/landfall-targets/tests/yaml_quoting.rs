//! The emitter's quoting: strings a YAML 1.1 or 1.2 reader would read as
//! something else are quoted, and every string reads back as itself.

#![allow(
    clippy::disallowed_methods,
    reason = "tests run the YAML readers the emitted text must satisfy"
)]

mod support;

use landfall_targets::yaml::{self, Yaml};
use serde_json::json;
use support::*;

/// Each string, and how it must be written as a value.
const TABLE: &[(&str, &str)] = &[
    // YAML 1.1 booleans and nulls, in every case.
    ("yes", "\"yes\""),
    ("Yes", "\"Yes\""),
    ("NO", "\"NO\""),
    ("on", "\"on\""),
    ("Off", "\"Off\""),
    ("y", "\"y\""),
    ("N", "\"N\""),
    ("true", "\"true\""),
    ("False", "\"False\""),
    ("null", "\"null\""),
    ("~", "\"~\""),
    ("", "\"\""),
    // Numbers of one version or the other.
    ("1:30", "\"1:30\""),
    ("0755", "\"0755\""),
    ("0o17", "\"0o17\""),
    ("0x1F", "\"0x1F\""),
    ("0b1010", "\"0b1010\""),
    ("1_000", "\"1_000\""),
    ("1e3", "\"1e3\""),
    (".5", "\".5\""),
    ("-.inf", "\"-.inf\""),
    (".NaN", "\".NaN\""),
    ("+1", "\"+1\""),
    ("-1", "\"-1\""),
    ("8080", "\"8080\""),
    // Timestamps (YAML 1.1).
    ("2001-12-14", "\"2001-12-14\""),
    (
        "2001-12-14t21:59:43.10-05:00",
        "\"2001-12-14t21:59:43.10-05:00\"",
    ),
    // Indicators and structure.
    ("=", "\"=\""),
    ("-", "\"-\""),
    ("---", "\"---\""),
    ("...", "\"...\""),
    ("- x", "\"- x\""),
    ("a: b", "\"a: b\""),
    ("a #b", "\"a #b\""),
    ("#c", "\"#c\""),
    ("[x]", "\"[x]\""),
    ("{x}", "\"{x}\""),
    ("*ref", "\"*ref\""),
    ("&a", "\"&a\""),
    ("!tag", "\"!tag\""),
    ("%x", "\"%x\""),
    ("@x", "\"@x\""),
    ("`x", "\"`x\""),
    ("|", "\"|\""),
    (">", "\">\""),
    ("'q'", "\"'q'\""),
    ("\"dq\"", "\"\\\"dq\\\"\""),
    ("a\\b", "\"a\\\\b\""),
    (" leading", "\" leading\""),
    ("trailing ", "\"trailing \""),
    ("a  b", "\"a  b\""),
    // Characters a reader would not keep.
    ("tab\there", "\"tab\\there\""),
    ("cr\rlf", "\"cr\\rlf\""),
    ("nul\0", "\"nul\\0\""),
    ("bell\u{7}", "\"bell\\x07\""),
    ("del\u{7f}", "\"del\\x7f\""),
    ("nel\u{85}", "\"nel\\x85\""),
    ("ls\u{2028}", "\"ls\\u2028\""),
    ("bom\u{feff}", "\"bom\\ufeff\""),
    ("é ✓ 😀", "\"é ✓ 😀\""),
    // Plain where that is safe.
    ("info", "info"),
    ("Europe/Berlin", "Europe/Berlin"),
    ("/health", "/health"),
    ("--port", "--port"),
    ("-c", "-c"),
    ("app.kubernetes.io/name", "app.kubernetes.io/name"),
    ("a b", "a b"),
    ("yesterday", "yesterday"),
    ("nothing", "nothing"),
    ("_private", "_private"),
];

#[test]
fn strings_are_quoted_exactly_when_a_reader_could_misread_them() {
    for (text, written) in TABLE {
        let emitted = yaml::to_string(&Yaml::map().with("k", *text));
        assert_eq!(emitted, format!("k: {written}\n"), "{text:?}");
    }
}

#[test]
fn every_table_string_reads_back_as_itself_as_key_value_and_item() {
    let mut document = Yaml::map();
    let mut expected = serde_json::Map::new();
    let mut items = Vec::new();
    for (index, (text, _)) in TABLE.iter().enumerate() {
        document.push(*text, *text);
        expected.insert(text.to_string(), json!(text));
        // Multi-line values too: each string between two lines.
        let block = format!("{text}\n{text}\n");
        document.push(format!("block-{index}"), block.clone());
        expected.insert(format!("block-{index}"), json!(block));
        items.push(Yaml::str(*text));
    }
    document.push("items", Yaml::Seq(items));
    expected.insert(
        "items".into(),
        json!(TABLE.iter().map(|(t, _)| *t).collect::<Vec<_>>()),
    );
    let text = yaml::to_string(&document);
    let expected = vec![serde_json::Value::Object(expected)];
    assert_eq!(read_with_landfall_yaml(&text), expected);
    assert_eq!(read_with_pyyaml(&text), expected);
}
