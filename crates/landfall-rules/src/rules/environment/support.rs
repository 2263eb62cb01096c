//! Helpers shared by the environment and volume rules: spans inside string
//! values, the Workloads of a project, the variables of an Application
//! looked up by name, and what a `${NAME}` is bound to.

use std::collections::HashMap;
use std::ops::Range;

use landfall_diagnostics::{Diagnostic, Span};
use landfall_model::{Application, LoadedDocument, Spanned, Variable, VariableSource, Workload};
use landfall_yaml::quoted_len;

use crate::context::Context;

/// The span of a string value, trimmed to its closing quote when it is
/// quoted: the parser's span of a quoted scalar in block context can run on
/// over the rest of the line (comments included).
pub fn value_span(source_text: &str, value: &Spanned<String>) -> Span {
    let span = value.span;
    // A block scalar's span starts at its content, which may itself start
    // with a quote: then the source repeats the value's first line, which a
    // quoted scalar's source never does (a value starting with its own
    // quote character is written with that quote escaped).
    let first_line = value.value.split('\n').next().unwrap_or_default();
    if source_text.starts_with(['"', '\''])
        && value.value.get(..1) == source_text.get(..1)
        && source_text.starts_with(first_line)
    {
        return span;
    }
    quoted_span(source_text, span)
}

/// `span`, trimmed to the closing quote when `source_text` (its text) is a
/// quoted scalar; for platform settings, whose spans come without a value.
pub fn quoted_span(source_text: &str, span: Span) -> Span {
    match quoted_len(source_text).and_then(|len| u32::try_from(len).ok()) {
        Some(len) if span.start + len <= span.end => {
            Span::new(span.file, span.start, span.start + len)
        }
        _ => span,
    }
}

/// The span of the bytes `range` of a string value in its source, when the
/// scalar is written plain or quoted without escapes, so that the source
/// text is the value itself (plus its quotes). Otherwise (escapes, folded
/// lines, block scalars) the whole value's span: never a wrong place.
pub fn inner_span(source_text: &str, value: &Spanned<String>, range: Range<usize>) -> Span {
    let whole = value_span(source_text, value);
    let text = source_text
        .get(..(whole.end - whole.start) as usize)
        .unwrap_or(source_text);
    let v = value.value.as_str();
    let offset = if text == v {
        Some(0)
    } else if text.len() == v.len() + 2
        && quoted_len(text) == Some(text.len())
        && text.get(1..text.len() - 1) == Some(v)
    {
        Some(1)
    } else {
        None
    };
    match offset {
        Some(offset) if range.start <= range.end && range.end <= v.len() => {
            let at = |i: usize| u32::try_from(offset + i).map_or(whole.end, |i| whole.start + i);
            Span::new(whole.file, at(range.start), at(range.end))
        }
        _ => whole,
    }
}

/// Adds a secondary label on a platform setting when it was written in a
/// Platform document; `text` gives the source text of a span.
pub fn setting_label<'t>(
    d: Diagnostic,
    span: Option<Span>,
    text: impl Fn(Span) -> &'t str,
    message: &str,
) -> Diagnostic {
    match span {
        Some(span) => d.with_label(quoted_span(text(span), span), message),
        None => d,
    }
}

/// The Workload documents that passed their schema, in document order.
pub fn valid_workloads<'a>(
    ctx: &Context<'a>,
) -> impl Iterator<Item = (&'a LoadedDocument, &'a Workload)> {
    ctx.valid_documents()
        .filter_map(|d| d.doc.as_workload().map(|w| (d, w)))
}

/// What a `${NAME}` in a workload stands for.
#[derive(Clone, Copy, Debug)]
pub enum Binding<'a> {
    /// A variable with a literal `value`.
    Value(&'a Variable, &'a Spanned<String>),
    /// A variable bound to a secret.
    Secret,
    /// No such variable, a variable of neither form, or no Application to
    /// look in: `unresolved-reference` and `schema` report those.
    Unknown,
}

/// The variables of every Application the checked Workloads name, indexed
/// by name on first use, so that a lookup is a hash lookup however many
/// variables an Application has.
#[derive(Default)]
pub struct Variables<'a> {
    by_app: HashMap<&'a str, HashMap<&'a str, &'a Variable>>,
}

impl<'a> Variables<'a> {
    /// The binding of `name` in `app` (`None`: the workload's Application
    /// is not among the checked files).
    pub fn binding(&mut self, app: Option<&'a Application>, name: &str) -> Binding<'a> {
        let Some(app) = app else {
            return Binding::Unknown;
        };
        let app_name = app.meta.name().unwrap_or_default();
        let index = self.by_app.entry(app_name).or_insert_with(|| {
            let mut index = HashMap::with_capacity(app.variables.len());
            for v in &app.variables {
                // The first definition wins, as everywhere else.
                index.entry(v.name.value.as_str()).or_insert(v);
            }
            index
        });
        match index.get(name) {
            Some(v) => match &v.source {
                Some(VariableSource::Value(value)) => Binding::Value(v, value),
                Some(VariableSource::Secret(_)) => Binding::Secret,
                None => Binding::Unknown,
            },
            None => Binding::Unknown,
        }
    }
}

/// How many times the `${NAME}` scanner of `landfall_model` meets the
/// `$${` escape in `text` (each stands for a literal `${`, one character
/// shorter). Mirrors `variable_references`: `text` must be a stretch between
/// two references (or a whole value), where no reference starts.
pub fn escapes(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut count = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"$${") {
            count += 1;
            i += 3;
        } else if bytes[i..].starts_with(b"${") {
            i += 2;
        } else {
            i += 1;
        }
    }
    count
}

/// The length in characters of a value that holds no `${NAME}`, as the
/// container sees it (each `$${` becomes `${`).
pub fn literal_length(text: &str) -> usize {
    text.chars().count() - escapes(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use landfall_diagnostics::FileId;

    fn value(text: &str, start: u32, len: u32) -> Spanned<String> {
        Spanned::new(text.to_string(), Span::new(FileId(0), start, start + len))
    }

    #[test]
    fn quoted_values_are_trimmed_to_their_closing_quote() {
        let v = value("a b", 10, 30);
        assert_eq!(
            value_span("\"a b\"  # comment", &v),
            Span::new(FileId(0), 10, 15)
        );
        assert_eq!(
            value_span("'a b'  # comment", &v),
            Span::new(FileId(0), 10, 15)
        );
        let v = value("it's \"x\"", 10, 30);
        assert_eq!(
            value_span("'it''s \"x\"' # c", &v),
            Span::new(FileId(0), 10, 21)
        );
        assert_eq!(
            value_span("\"it's \\\"x\\\"\" # c", &v),
            Span::new(FileId(0), 10, 22)
        );
        assert_eq!(value_span("plain # c", &v), v.span);
        assert_eq!(value_span("\"unclosed", &v), v.span);
        // A literal block scalar whose content starts with a quote.
        let block = value("\"a\" b\nc\n", 10, 30);
        assert_eq!(value_span("\"a\" b\n  c\n", &block), block.span);
        // Quoted values that start with their own quote character.
        let v = value("\"x", 10, 30);
        assert_eq!(value_span(r#""\"x" # c"#, &v), Span::new(FileId(0), 10, 15));
        let v = value("'x", 10, 30);
        assert_eq!(value_span("'''x' # c", &v), Span::new(FileId(0), 10, 15));
        let quoted = value("a..b", 10, 30);
        assert_eq!(
            inner_span("\"a..b\"  # c", &quoted, 1..3),
            Span::new(FileId(0), 12, 14)
        );
    }

    #[test]
    fn inner_spans_follow_quotes_and_fall_back_on_escapes() {
        let plain = value("a..b", 10, 4);
        assert_eq!(
            inner_span("a..b", &plain, 1..3),
            Span::new(FileId(0), 11, 13)
        );
        let quoted = value("a..b", 10, 6);
        assert_eq!(
            inner_span("\"a..b\"", &quoted, 1..3),
            Span::new(FileId(0), 12, 14)
        );
        assert_eq!(
            inner_span("'a..b'", &quoted, 1..3),
            Span::new(FileId(0), 12, 14)
        );
        let escaped = value("a\tb", 10, 6);
        assert_eq!(inner_span("\"a\\tb\"", &escaped, 1..2), escaped.span);
        let escaped = value("a\tb", 10, 12);
        assert_eq!(
            inner_span("\"a\\tb\" # c", &escaped, 1..2),
            Span::new(FileId(0), 10, 16)
        );
        // A range past the value falls back too.
        assert_eq!(inner_span("a..b", &plain, 1..9), plain.span);
    }

    #[test]
    fn escapes_shorten_the_value() {
        assert_eq!(escapes("$${A}"), 1);
        assert_eq!(escapes("$$${A}"), 1);
        assert_eq!(escapes("${ $${"), 1);
        assert_eq!(literal_length("$${A}"), 4);
        assert_eq!(literal_length("héllo"), 5);
    }
}
