//! A small YAML emitter for the artifacts, safe for YAML 1.1 and 1.2 readers.
//!
//! docker-compose (PyYAML), podman-compose and many Kubernetes tools still
//! read YAML 1.1, where `yes`, `on`, `0755`, `1:30` and `2001-12-14` are not
//! strings. Rather than list every reading of every version, a string is
//! written plain only when no version can read it as anything but that
//! string: it starts with a letter, `_`, `/` or one or two `-` before a
//! letter, holds only letters, digits,
//! single inner spaces and `_ . / + = -`, and is not one of the words YAML
//! 1.1 or 1.2 reads as a boolean or null. Everything else is double-quoted
//! (with escapes for what a reader would not take literally), and text of
//! several lines is a literal block (`|`) when that keeps it byte for byte.
//!
//! Mappings keep the order they were built in: the targets build them in
//! the order their readers expect (`apiVersion`, `kind`, `metadata`, …), so
//! output depends on nothing but the plan.

use std::fmt::Write;

/// A YAML value built by a target.
#[derive(Clone, Debug, PartialEq)]
pub enum Yaml {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    Seq(Vec<Yaml>),
    /// Entries in emission order; keys are unique (the builder's duty).
    Map(Vec<(String, Yaml)>),
}

impl Yaml {
    pub fn str(text: impl Into<String>) -> Yaml {
        Yaml::Str(text.into())
    }

    pub fn map() -> Yaml {
        Yaml::Map(Vec::new())
    }

    /// Appends an entry to a mapping (builder style).
    pub fn with(mut self, key: impl Into<String>, value: impl Into<Yaml>) -> Yaml {
        self.push(key, value);
        self
    }

    /// Appends an entry when `value` is `Some`.
    pub fn with_opt(self, key: impl Into<String>, value: Option<impl Into<Yaml>>) -> Yaml {
        match value {
            Some(value) => self.with(key, value),
            None => self,
        }
    }

    /// Appends an entry to a mapping.
    ///
    /// # Panics
    /// When `self` is not a mapping: a target's programming error.
    pub fn push(&mut self, key: impl Into<String>, value: impl Into<Yaml>) {
        match self {
            Yaml::Map(entries) => entries.push((key.into(), value.into())),
            other => panic!("push on a non-mapping YAML value: {other:?}"),
        }
    }

    pub fn is_empty_collection(&self) -> bool {
        matches!(self, Yaml::Seq(items) if items.is_empty())
            || matches!(self, Yaml::Map(entries) if entries.is_empty())
    }
}

impl From<&str> for Yaml {
    fn from(text: &str) -> Yaml {
        Yaml::Str(text.to_string())
    }
}

impl From<String> for Yaml {
    fn from(text: String) -> Yaml {
        Yaml::Str(text)
    }
}

impl From<&String> for Yaml {
    fn from(text: &String) -> Yaml {
        Yaml::Str(text.clone())
    }
}

impl From<bool> for Yaml {
    fn from(value: bool) -> Yaml {
        Yaml::Bool(value)
    }
}

impl From<i64> for Yaml {
    fn from(value: i64) -> Yaml {
        Yaml::Int(value)
    }
}

impl From<u32> for Yaml {
    fn from(value: u32) -> Yaml {
        Yaml::Int(i64::from(value))
    }
}

impl From<u16> for Yaml {
    fn from(value: u16) -> Yaml {
        Yaml::Int(i64::from(value))
    }
}

impl From<u64> for Yaml {
    fn from(value: u64) -> Yaml {
        // Plans hold durations in ms and sizes in bytes: far below i64::MAX.
        Yaml::Int(i64::try_from(value).unwrap_or(i64::MAX))
    }
}

impl<T: Into<Yaml>> From<Vec<T>> for Yaml {
    fn from(items: Vec<T>) -> Yaml {
        Yaml::Seq(items.into_iter().map(Into::into).collect())
    }
}

/// One document, starting at column 0, newline-terminated.
pub fn to_string(value: &Yaml) -> String {
    let mut out = String::new();
    emit_document(&mut out, value);
    out
}

/// Several documents separated by `---` lines.
pub fn to_multi_document_string(values: &[Yaml]) -> String {
    let mut out = String::new();
    for (index, value) in values.iter().enumerate() {
        if index > 0 {
            out.push_str("---\n");
        }
        emit_document(&mut out, value);
    }
    out
}

fn emit_document(out: &mut String, value: &Yaml) {
    match value {
        Yaml::Map(entries) if !entries.is_empty() => emit_map(out, entries, 0),
        Yaml::Seq(items) if !items.is_empty() => emit_seq(out, items, 0),
        scalar => {
            // A document of one scalar: no literal block (no parent to indent under).
            match scalar {
                Yaml::Str(text) => push_double_quoted(out, text),
                other => emit_inline(out, other, 2),
            }
            out.push('\n');
        }
    }
}

/// Block mapping entries at `indent`; the caller has already written the
/// indentation of the first key (so a mapping can start after `- `).
fn emit_map(out: &mut String, entries: &[(String, Yaml)], indent: usize) {
    for (index, (key, value)) in entries.iter().enumerate() {
        if index > 0 {
            push_indent(out, indent);
        }
        push_scalar_line(out, key);
        out.push(':');
        match value {
            Yaml::Map(inner) if !inner.is_empty() => {
                out.push('\n');
                push_indent(out, indent + 2);
                emit_map(out, inner, indent + 2);
            }
            Yaml::Seq(items) if !items.is_empty() => {
                out.push('\n');
                push_indent(out, indent + 2);
                emit_seq(out, items, indent + 2);
            }
            scalar => {
                out.push(' ');
                emit_inline(out, scalar, indent + 2);
                out.push('\n');
            }
        }
    }
}

/// Block sequence items at `indent`; the first `- ` is at the current column.
fn emit_seq(out: &mut String, items: &[Yaml], indent: usize) {
    for (index, item) in items.iter().enumerate() {
        if index > 0 {
            push_indent(out, indent);
        }
        out.push_str("- ");
        match item {
            Yaml::Map(inner) if !inner.is_empty() => emit_map(out, inner, indent + 2),
            Yaml::Seq(inner) if !inner.is_empty() => emit_seq(out, inner, indent + 2),
            scalar => {
                emit_inline(out, scalar, indent + 2);
                out.push('\n');
            }
        }
    }
}

/// A scalar or an empty collection after `key: ` or `- `. `indent` is the
/// indentation of a literal block's lines: always two more than the key or
/// the `-` they belong to.
fn emit_inline(out: &mut String, value: &Yaml, indent: usize) {
    match value {
        Yaml::Null => out.push_str("null"),
        Yaml::Bool(true) => out.push_str("true"),
        Yaml::Bool(false) => out.push_str("false"),
        Yaml::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Yaml::Seq(_) => out.push_str("[]"),
        Yaml::Map(_) => out.push_str("{}"),
        Yaml::Str(text) if literal_block_fits(text) => emit_literal_block(out, text, indent),
        Yaml::Str(text) => push_scalar_line(out, text),
    }
}

/// A string on one line: plain when that is unambiguous, else double-quoted.
fn push_scalar_line(out: &mut String, text: &str) {
    if is_plain_safe(text) {
        out.push_str(text);
    } else {
        push_double_quoted(out, text);
    }
}

fn push_indent(out: &mut String, indent: usize) {
    const SPACES: &str = "                                                                ";
    let mut left = indent;
    while left > 0 {
        let step = left.min(SPACES.len());
        out.push_str(&SPACES[..step]);
        left -= step;
    }
}

/// Words some YAML version reads as a boolean or null (compared
/// case-insensitively, which also covers spellings no version reads that way:
/// quoting them costs nothing).
const RESERVED_WORDS: &[&str] = &["y", "n", "yes", "no", "true", "false", "on", "off", "null"];

/// Whether `text` reads back as this string, unquoted, in YAML 1.1 and 1.2.
pub fn is_plain_safe(text: &str) -> bool {
    // Flags (`-f`, `--port`) are no numbers: one or two dashes before a letter.
    let after_dashes = text
        .strip_prefix("--")
        .or_else(|| text.strip_prefix('-'))
        .unwrap_or(text);
    let Some(first) = after_dashes.chars().next() else {
        return false;
    };
    let starts_as_word = if after_dashes.len() < text.len() {
        first.is_ascii_alphabetic()
    } else {
        first.is_ascii_alphabetic() || first == '_' || first == '/'
    };
    if !starts_as_word {
        return false;
    }
    if text.ends_with(' ') || text.contains("  ") {
        return false;
    }
    if !text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '.' | '/' | '+' | '=' | '-'))
    {
        return false;
    }
    !RESERVED_WORDS
        .iter()
        .any(|word| word.eq_ignore_ascii_case(text))
}

/// Characters a YAML reader takes literally inside double quotes. Others
/// (controls, line separators, the BOM, non-characters) are escaped: PyYAML
/// refuses some of them outright and reads `U+2028` as a line break.
fn is_printable(c: char) -> bool {
    matches!(c, ' '..='~')
        || (('\u{a0}'..='\u{d7ff}').contains(&c) && c != '\u{2028}' && c != '\u{2029}')
        || (('\u{e000}'..='\u{fffd}').contains(&c) && c != '\u{feff}')
        || c >= '\u{10000}'
}

fn push_double_quoted(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c if is_printable(c) => out.push(c),
            c if (c as u32) <= 0xff => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) <= 0xffff => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
}

/// A literal block keeps text of several lines readable (config files in a
/// ConfigMap). It holds only printable characters, tabs and `\n` line
/// breaks: a `\r` or a control character would not survive it.
fn literal_block_fits(text: &str) -> bool {
    text.contains('\n')
        && text
            .chars()
            .all(|c| c == '\n' || c == '\t' || is_printable(c))
}

fn emit_literal_block(out: &mut String, text: &str, indent: usize) {
    out.push('|');
    // The reader guesses the indentation from the first non-empty line;
    // when the text starts with a space or an empty line, say it instead
    // (relative to the parent, which is always two less than `indent`).
    if text.starts_with([' ', '\n']) {
        out.push('2');
    }
    let trailing_breaks = text.len() - text.trim_end_matches('\n').len();
    match trailing_breaks {
        0 => out.push('-'),
        1 => {}
        _ => out.push('+'),
    }
    // The caller ends the last line.
    let body = text.strip_suffix('\n').unwrap_or(text);
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            push_indent(out, indent);
            out.push_str(line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_collections_are_indented_under_their_keys() {
        let value = Yaml::map()
            .with("kind", "Deployment")
            .with(
                "containers",
                Yaml::Seq(vec![
                    Yaml::map()
                        .with("name", "web")
                        .with("args", vec!["--port", "8080"])
                        .with("env", Yaml::Seq(vec![])),
                ]),
            )
            .with("labels", Yaml::map())
            .with(
                "matrix",
                Yaml::Seq(vec![Yaml::from(vec![1u32, 2]), Yaml::from(vec![3u32])]),
            );
        assert_eq!(
            to_string(&value),
            "kind: Deployment\n\
             containers:\n  \
               - name: web\n    \
                 args:\n      \
                   - --port\n      \
                   - \"8080\"\n    \
                 env: []\n\
             labels: {}\n\
             matrix:\n  \
               - - 1\n    \
                 - 2\n  \
               - - 3\n"
        );
    }

    #[test]
    fn literal_blocks_say_their_chomping_and_indentation() {
        let block = |text: &str| to_string(&Yaml::map().with("k", text));
        assert_eq!(block("a\nb\n"), "k: |\n  a\n  b\n");
        assert_eq!(block("a\nb"), "k: |-\n  a\n  b\n");
        assert_eq!(block("a\n\n"), "k: |+\n  a\n\n");
        assert_eq!(block("  a\nb\n"), "k: |2\n    a\n  b\n");
        assert_eq!(block("\na\n"), "k: |2\n\n  a\n");
        assert_eq!(block("a\r\nb\n"), "k: \"a\\r\\nb\\n\"\n");
    }
}
