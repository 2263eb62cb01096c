//! Help for a scalar that YAML read as another type than its field's: the
//! words are shared by the kinds' schemas and the ScopeType parameter
//! schemas (`scope-parameters`), so that both give the same advice.
//!
//! Advice to quote a value quotes it exactly as written: the parsed value
//! has lost how it was written (`1.0` is the number 1, `0755` the integer
//! 755), and quoting the parsed form would change the value.

use landfall_yaml::{Node, Style, Value};

/// The source text of a plain scalar node that is not a string (a number,
/// a boolean, null), without its `&anchor` and `!tag`: what a "quote it"
/// help quotes. `None` for other nodes, for an empty scalar (there is
/// nothing to quote) and when `text` does not hold the node's span.
pub fn written_non_string<'a>(text: &'a str, node: &Node) -> Option<&'a str> {
    if node.style != Style::Plain
        || matches!(node.value, Value::String(_) | Value::Seq(_) | Value::Map(_))
    {
        return None;
    }
    let source = text.get(node.start as usize..node.end as usize)?;
    let written = without_properties(source);
    (!written.is_empty()).then_some(written)
}

/// A node's source without the properties it starts with (`&a !!int 3`
/// is written `3`). A plain scalar cannot start with `&` or `!`, so what
/// starts with one is a property, which ends at a space or line break.
fn without_properties(mut source: &str) -> &str {
    loop {
        source = source.trim_start();
        if !source.starts_with(['&', '!']) {
            return source;
        }
        source = source
            .find(char::is_whitespace)
            .map_or("", |end| &source[end..]);
    }
}

/// `quote it to make it a string: "1.0"`, quoting `written` as it is.
pub fn quote_it(written: &str) -> String {
    // Numbers, booleans and null hold neither quote nor backslash; were
    // one there, single quotes keep it as it is.
    let quoted = if written.contains(['"', '\\']) {
        format!("'{}'", written.replace('\'', "''"))
    } else {
        format!("\"{written}\"")
    };
    format!("quote it to make it a string: {quoted}")
}

/// The boolean a YAML 1.1 reader makes of a word (`yes`, `off`, `Y`…),
/// `true` and `false` included: what a string in a boolean field meant.
pub fn yaml11_boolean(word: &str) -> Option<bool> {
    match word {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            Some(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            Some(false)
        }
        _ => None,
    }
}

/// `write `true``: the help for a YAML 1.1 boolean word in a boolean field.
pub fn write_boolean(value: bool) -> String {
    format!("write `{value}`")
}

#[cfg(test)]
mod tests {
    use super::*;
    use landfall_diagnostics::FileId;

    /// The value node of the first entry of a one-line mapping.
    fn value_of(text: &str) -> Node {
        let parsed = landfall_yaml::parse(FileId(0), text, &Default::default());
        let root = &parsed.documents[0].root;
        root.as_map().unwrap()[0].value.clone()
    }

    #[test]
    fn what_is_quoted_is_the_source_text() {
        for (text, written) in [
            ("v: 1.0\n", Some("1.0")),
            ("v: 0755\n", Some("0755")),
            ("v: 0x1F\n", Some("0x1F")),
            ("v: 1e3\n", Some("1e3")),
            ("v: TRUE\n", Some("TRUE")),
            ("v: ~\n", Some("~")),
            ("v: &a !!float 1\n", Some("1")),
            ("v: !!int 07\n", Some("07")),
            ("v:\n", None),
            ("v: \"1.0\"\n", None),
            ("v: text\n", None),
            ("v: [1]\n", None),
        ] {
            assert_eq!(written_non_string(text, &value_of(text)), written, "{text}");
        }
    }

    #[test]
    fn quoting_keeps_the_text() {
        assert_eq!(quote_it("1.0"), "quote it to make it a string: \"1.0\"");
        assert_eq!(quote_it("a\"b'"), "quote it to make it a string: 'a\"b'''");
    }

    #[test]
    fn yaml_1_1_booleans() {
        assert_eq!(yaml11_boolean("on"), Some(true));
        assert_eq!(yaml11_boolean("N"), Some(false));
        assert_eq!(yaml11_boolean("True"), Some(true));
        assert_eq!(yaml11_boolean("oN"), None);
        assert_eq!(yaml11_boolean("enabled"), None);
        assert_eq!(write_boolean(false), "write `false`");
    }
}
