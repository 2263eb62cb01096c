//! What the reader makes of tags, complex keys, YAML 1.1 readings and
//! syntax errors: the constructs `docs/yaml.md` describes, checked without
//! the YAML test suite.

use landfall_diagnostics::{Diagnostic, FileId};
use landfall_yaml::{Limits, Node, ParsedFile, Value, parse};

fn read(text: &str) -> ParsedFile {
    parse(FileId(0), text, &Limits::default())
}

fn first(parsed: &ParsedFile) -> &Node {
    &parsed.documents[0].root
}

/// A finding as `rule line:column message`, 1-based.
fn found(text: &str, d: &Diagnostic) -> String {
    let at = d.span.start as usize;
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    format!(
        "{} {}:{} {}",
        d.rule,
        text[..at].matches('\n').count() + 1,
        at - line_start + 1,
        d.message
    )
}

#[test]
fn the_non_specific_tag_makes_a_string_and_leaves_collections_alone() {
    let parsed = read("a: ! 12\nb: ! [1, 2]\nc: ! {d: 3}\n");
    assert_eq!(parsed.diagnostics, []);
    let root = first(&parsed);
    assert_eq!(root.get("a").unwrap().value, Value::String("12".into()));
    assert_eq!(root.get("b").unwrap().as_seq().unwrap().len(), 2);
    assert_eq!(
        root.get("c").unwrap().get("d").unwrap().value,
        Value::Int(3)
    );
    // A lone `!` before a document's root scalar.
    let parsed = read("! a\n");
    assert_eq!(parsed.diagnostics, []);
    assert_eq!(first(&parsed).value, Value::String("a".into()));
}

#[test]
fn verbatim_core_tags_are_the_core_tags() {
    let text = "\
s: !<tag:yaml.org,2002:str> 8080
i: !<tag:yaml.org,2002:int> 12
f: !<tag:yaml.org,2002:float> 1
b: !<tag:yaml.org,2002:bool> true
nil: !<tag:yaml.org,2002:null> ~
q: !<tag:yaml.org,2002:seq> [a]
m: !<tag:yaml.org,2002:map> {k: v}
";
    let parsed = read(text);
    assert_eq!(parsed.diagnostics, []);
    let root = first(&parsed);
    let value = |key: &str| root.get(key).unwrap().value.clone();
    assert_eq!(value("s"), Value::String("8080".into()));
    assert_eq!(value("i"), Value::Int(12));
    assert_eq!(value("f"), Value::Float(1.0));
    assert_eq!(value("b"), Value::Bool(true));
    assert_eq!(value("nil"), Value::Null);
    assert!(root.get("q").unwrap().as_seq().is_some());
    assert!(root.get("m").unwrap().as_map().is_some());
}

#[test]
fn an_unsupported_tag_is_named_as_written_and_the_value_read_untagged() {
    let text = "%TAG !e! tag:example.com,2000:app/\n---\na: !e!port 12\nb: !!binary abc\n";
    let parsed = read(text);
    let findings: Vec<String> = parsed.diagnostics.iter().map(|d| found(text, d)).collect();
    assert_eq!(
        findings,
        [
            "yaml-syntax 3:4 unsupported tag `!e!port`: the value is read as if it had no tag",
            "yaml-syntax 4:4 unsupported tag `!!binary`: the value is read as if it had no tag",
        ]
    );
    assert_eq!(first(&parsed).get("a").unwrap().value, Value::Int(12));
}

#[test]
fn different_complex_keys_stay_different_and_the_same_one_is_a_duplicate() {
    let text = "\
? - Detroit Tigers
  - Chicago cubs
: 2001-07-23
? [ New York Yankees, Atlanta Braves ]
: 2001-07-02
";
    let parsed = read(text);
    assert_eq!(parsed.diagnostics, []);
    let keys: Vec<String> = first(&parsed)
        .as_map()
        .unwrap()
        .iter()
        .map(|e| e.key.key_text().into_owned())
        .collect();
    assert_eq!(
        keys,
        [
            r#"["Detroit Tigers","Chicago cubs"]"#,
            r#"["New York Yankees","Atlanta Braves"]"#
        ]
    );

    let text = "{ &a [a, b]: 1, *a : 2, {x: 1}: 3, {x: 2}: 4 }\n";
    let parsed = read(text);
    let findings: Vec<String> = parsed.diagnostics.iter().map(|d| found(text, d)).collect();
    assert_eq!(findings, [r#"duplicate-key 1:3 duplicate key `["a","b"]`"#]);
    assert_eq!(first(&parsed).as_map().unwrap().len(), 3);
}

#[test]
fn each_yaml_1_1_reading_is_told_as_it_is() {
    let text = "\
umask: 0755
country: NO
window: 1:30
count: 1_000
mask: 0b1010
zip: 089
same: 007
";
    let parsed = read(text);
    let findings: Vec<String> = parsed
        .diagnostics
        .iter()
        .map(|d| format!("{} | {}", found(text, d), d.help.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(
        findings,
        [
            "ambiguous-scalar 1:8 `0755` is the integer 755 in YAML 1.2 but the integer 493 \
             (0755 read as octal) in YAML 1.1 | write `493` or `755`, which both versions read \
             alike, or quote it (\"0755\") to mean the string",
            "ambiguous-scalar 2:10 `NO` is the string \"NO\" in YAML 1.2 but the boolean false \
             in YAML 1.1 | quote it (\"NO\") to mean the string; write the value itself to mean \
             the other",
            "ambiguous-scalar 3:9 `1:30` is the string \"1:30\" in YAML 1.2 but the base-60 \
             number 90 in YAML 1.1 | quote it (\"1:30\") to mean the string; write `90` to mean \
             the number",
            "ambiguous-scalar 4:8 `1_000` is the string \"1_000\" in YAML 1.2 but the number \
             1000 in YAML 1.1 | quote it (\"1_000\") to mean the string; write `1000` to mean \
             the number",
            "ambiguous-scalar 5:7 `0b1010` is the string \"0b1010\" in YAML 1.2 but the integer \
             10 (binary) in YAML 1.1 | quote it (\"0b1010\") to mean the string; write `10` to \
             mean the number",
            "ambiguous-scalar 6:6 `089` is the integer 89 in YAML 1.2 but the string \"089\" in \
             YAML 1.1 | write `89` to mean the number, or quote it (\"089\") to mean the string",
        ]
    );
    assert_eq!(first(&parsed).get("umask").unwrap().value, Value::Int(755));
}

#[test]
fn syntax_errors_are_reported_on_the_line_at_fault() {
    let cases = [
        // A line without the `:` its key needs, at the end of the text.
        (
            "key:\n - bar\n - baz\n invalid\n",
            "yaml-syntax 4:2 invalid YAML: expected `:` after this key",
        ),
        (
            "top1:\n  key1: val1\ntop2\n",
            "yaml-syntax 3:1 invalid YAML: expected `:` after this key",
        ),
        (
            "key: value\nthis is #not a: key\n",
            "yaml-syntax 2:1 invalid YAML: expected `:` after this key",
        ),
        // A line continuing a plain scalar after a comment ended it.
        (
            "word1  # comment\nword2\n",
            "yaml-syntax 2:1 invalid YAML: a comment ended the plain scalar above, so this line \
             cannot continue it",
        ),
        (
            "---\nscalar1 # comment\n%YAML 1.2\n---\nscalar2\n",
            "yaml-syntax 3:1 invalid YAML: a comment ended the plain scalar above, so this line \
             cannot continue it",
        ),
        // A tab indenting a line, at the tab.
        (
            "foo:\n  a: 1\n  \tb: 2\n",
            "yaml-syntax 3:3 invalid YAML: tab cannot be used as indentation",
        ),
    ];
    for (text, expected) in cases {
        let parsed = read(text);
        let findings: Vec<String> = parsed.diagnostics.iter().map(|d| found(text, d)).collect();
        assert_eq!(findings, [expected], "{text:?}");
    }
}
