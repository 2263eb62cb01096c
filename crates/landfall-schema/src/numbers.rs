//! Numbers a document writes that no JSON value can hold: `.inf`, `-.Inf`,
//! `.nan` (YAML has them, JSON does not), a float literal beyond the
//! largest double (`1e400`), and an integer literal outside 64 bits
//! (`10000000000000000000000000000000`, which the YAML reader holds as
//! the nearest float). Each is a `schema` finding at the value, and
//! nothing the schema says about that value is reported beside it: the
//! value is not read as `null`, nor as a number of another size.

use landfall_diagnostics::{Diagnostic, FileId, Span, describe_pointer};
use landfall_yaml::{Node, Value};

use crate::rules::SCHEMA;

/// What is wrong with a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Problem {
    /// `.inf`, `-.inf`, `.nan` in any spelling.
    NotFinite,
    /// A float literal beyond the largest double.
    TooLarge,
    /// An integer literal outside -2^63..2^63.
    IntegerOutOfRange,
}

/// A number of the document that no JSON value can hold.
pub(crate) struct Unrepresentable {
    /// Where it is, as a JSON pointer.
    pub pointer: String,
    problem: Problem,
    start: u32,
    end: u32,
}

/// Every unrepresentable number under `root` (mapping keys aside: a key
/// is read as its text), in document order.
pub(crate) fn find(root: &Node, text: &str) -> Vec<Unrepresentable> {
    let mut found = Vec::new();
    let mut pointer = String::new();
    walk(root, text, &mut pointer, &mut found);
    found
}

fn walk(node: &Node, text: &str, pointer: &mut String, found: &mut Vec<Unrepresentable>) {
    match &node.value {
        Value::Float(f) => {
            if let Some(problem) = problem(*f, written(node, text)) {
                found.push(Unrepresentable {
                    pointer: pointer.clone(),
                    problem,
                    start: node.start,
                    end: node.end,
                });
            }
        }
        Value::Seq(items) => {
            for (index, item) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&index.to_string());
                walk(item, text, pointer, found);
                pointer.truncate(len);
            }
        }
        Value::Map(entries) => {
            for entry in entries {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&entry.key.key_text().replace('~', "~0").replace('/', "~1"));
                walk(&entry.value, text, pointer, found);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

/// The scalar as written, without a tag (`!!int 1e3` is `1e3`).
fn written<'t>(node: &Node, text: &'t str) -> &'t str {
    let written = text
        .get(node.start as usize..node.end as usize)
        .unwrap_or_default();
    match written.strip_prefix('!') {
        Some(tagged) => tagged
            .split_once(char::is_whitespace)
            .map_or("", |(_, value)| value.trim_start()),
        None => written,
    }
}

fn problem(value: f64, written: &str) -> Option<Problem> {
    if value.is_nan() {
        return Some(Problem::NotFinite);
    }
    if value.is_infinite() {
        let unsigned = written.trim_start_matches(['-', '+']);
        return Some(
            if unsigned.starts_with('.') && !unsigned[1..].starts_with(|c: char| c.is_ascii_digit())
            {
                Problem::NotFinite
            } else {
                Problem::TooLarge
            },
        );
    }
    is_integer_literal(written).then_some(Problem::IntegerOutOfRange)
}

/// Decimal, `0x` or `0o` digits: what the YAML reader reads as an integer.
fn is_integer_literal(written: &str) -> bool {
    let (digits, radix) = if let Some(hex) = written.strip_prefix("0x") {
        (hex, 16)
    } else if let Some(octal) = written.strip_prefix("0o") {
        (octal, 8)
    } else {
        (written.strip_prefix(['-', '+']).unwrap_or(written), 10)
    };
    !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix))
}

impl Unrepresentable {
    pub(crate) fn diagnostic(&self, file: FileId, text: &str) -> Diagnostic {
        let written = text
            .get(self.start as usize..self.end as usize)
            .unwrap_or_default();
        let place = if self.pointer.is_empty() {
            "the document".to_string()
        } else {
            format!("`{}`", describe_pointer(&self.pointer))
        };
        let span = Span::new(file, self.start, self.end);
        let (message, label) = match self.problem {
            Problem::NotFinite => (
                format!(
                    "{place} is `{written}`, which is not a finite number: JSON, and so every schema and target, has no infinity or NaN"
                ),
                "not a finite number",
            ),
            Problem::TooLarge => (
                format!(
                    "{place} is `{written}`, which is out of range: numbers must be finite doubles (at most about 1.8e308 in size)"
                ),
                "out of range",
            ),
            Problem::IntegerOutOfRange => (
                format!(
                    "{place} is `{written}`, which is out of range: integers must lie between {} and {} (landfall does not round one to a float)",
                    i64::MIN,
                    i64::MAX
                ),
                "out of range",
            ),
        };
        Diagnostic::new(&SCHEMA, span, message)
            .with_span_label(label)
            .with_help(format!(
                "write a number in range, or quote it to make it a string: \"{written}\""
            ))
    }

    /// Whether a schema error at `path` is about this value or inside it
    /// (such an error would judge the value as something it is not).
    pub(crate) fn covers(&self, path: &str) -> bool {
        path == self.pointer
            || path
                .strip_prefix(self.pointer.as_str())
                .is_some_and(|rest| rest.starts_with('/'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(yaml: &str) -> Vec<(String, Problem)> {
        let parsed = landfall_yaml::parse(FileId(0), yaml, &Default::default());
        find(&parsed.documents[0].root, yaml)
            .into_iter()
            .map(|u| (u.pointer, u.problem))
            .collect()
    }

    #[test]
    fn finds_what_json_cannot_hold() {
        let found = problems(
            "a: .inf\nb: -.Inf\nc: .NaN\nd: 1e400\ne: 100000000000000000000000000000\nf: [1.5, 1e300, 9223372036854775807, !!float .inf]\n\"g/h\": {i: 0x1FFFFFFFFFFFFFFFFF}\nk: 0o7777777777777777777777777\n",
        );
        assert_eq!(
            found,
            [
                ("/a".to_string(), Problem::NotFinite),
                ("/b".to_string(), Problem::NotFinite),
                ("/c".to_string(), Problem::NotFinite),
                ("/d".to_string(), Problem::TooLarge),
                ("/e".to_string(), Problem::IntegerOutOfRange),
                ("/f/3".to_string(), Problem::NotFinite),
                ("/g~1h/i".to_string(), Problem::IntegerOutOfRange),
                ("/k".to_string(), Problem::IntegerOutOfRange),
            ]
        );
    }

    #[test]
    fn ordinary_numbers_and_strings_pass() {
        assert!(
            problems("a: 1.5\nb: 1e300\nc: -9223372036854775808\nd: \".inf\"\ne: '1e400'\n")
                .is_empty()
        );
    }
}
