//! From a position in a scalar's value to where it was written.
//!
//! A finding about one character of a string (the `(` that a regexp leaves
//! open, the space in a version) points at that character in the file, not
//! at the whole string. The value and its source differ by the quoting:
//!
//! - plain scalars map one to one (a multi-line plain scalar is folded: each
//!   line break becomes a space, or newlines for empty lines);
//! - single-quoted: `''` in the source is one `'` in the value;
//! - double-quoted: every escape (`\\`, `\"`, `\n`, `\xNN`, `\uNNNN`, …) is
//!   one character of the value, written over the escape's whole range;
//! - block scalars (`|`, `>`): each line of the value is searched in the
//!   source, in order; a character whose line is not found maps nowhere.
//!
//! The decoding is checked against the value the YAML parser produced: when
//! they differ (a form this module does not know), nothing maps and the
//! caller falls back to the whole scalar.

use std::ops::Range;

use landfall_diagnostics::Span;

/// One character of the value and the source bytes it was written as.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Piece {
    value: Range<usize>,
    source: Range<usize>,
    /// Whitespace written as itself (not an escape): trimmed before a fold.
    raw_space: bool,
}

/// The source span of `range` (byte offsets in `value`) inside the scalar
/// written at `span`, whose source text is `source`. An empty range points
/// at the character it stands before (or the last one at the end); when the
/// value cannot be mapped, the whole scalar ([`scalar_span`]).
pub fn span_in_scalar(source: &str, span: Span, value: &str, range: Range<usize>) -> Span {
    match source_range(source, value, range) {
        Some(r) => Span::new(
            span.file,
            span.start + r.start as u32,
            span.start + r.end as u32,
        ),
        None => scalar_span(source, span),
    }
}

/// The scalar itself within the span of its node: without `&anchor` and
/// `!tag`, from its opening to its closing quote (a quoted scalar's node
/// can reach past it, over a trailing comment), without trailing blanks.
pub fn scalar_span(source: &str, span: Span) -> Span {
    let range = match decode(source) {
        Some((_, _, extent)) => extent,
        None => {
            let start = skip_properties(source);
            start..start.max(source.trim_end().len())
        }
    };
    if range.start < range.end && range.end <= source.len() {
        Span::new(
            span.file,
            span.start + range.start as u32,
            span.start + range.end as u32,
        )
    } else {
        span
    }
}

/// The byte range in `source` (the scalar's text, properties and quotes
/// included) where `range` of `value` was written.
pub fn source_range(source: &str, value: &str, range: Range<usize>) -> Option<Range<usize>> {
    let pieces = match decode(source) {
        Some((decoded, pieces, _)) if decoded == value => pieces,
        _ => by_lines(source, value),
    };
    let last = pieces.last()?;
    let (start, end) = if range.start >= range.end {
        // Before the character at `start`, or after the last one.
        let piece = pieces
            .iter()
            .find(|p| p.value.end > range.start)
            .unwrap_or(last);
        if piece.value.start > range.start {
            // The line holding it was not found.
            return None;
        }
        (piece.source.start, piece.source.end)
    } else {
        let mut hit = pieces
            .iter()
            .filter(|p| p.value.start < range.end && p.value.end > range.start);
        let first = hit.next()?;
        let last = hit.next_back().unwrap_or(first);
        (first.source.start, last.source.end)
    };
    (start < end && end <= source.len()).then_some(start..end)
}

/// Decodes a flow scalar (plain, single- or double-quoted), after any
/// `&anchor` and `!tag` properties: its value, where each character was
/// written, and where the scalar starts and ends.
fn decode(source: &str) -> Option<(String, Vec<Piece>, Range<usize>)> {
    let start = skip_properties(source);
    let mut d = Decoder {
        src: source,
        at: start,
        out: String::new(),
        pieces: Vec::new(),
    };
    let end = match source[start..].chars().next()? {
        '\'' => {
            d.at += 1;
            d.single_quoted()?;
            d.at + 1
        }
        '"' => {
            d.at += 1;
            d.double_quoted()?;
            d.at + 1
        }
        '|' | '>' => return None,
        _ => {
            d.plain();
            d.pieces.last().map_or(start, |p| p.source.end)
        }
    };
    Some((d.out, d.pieces, start..end))
}

/// The offset after the node's properties (`&anchor`, `!tag`, `!!str`).
pub fn skip_properties(source: &str) -> usize {
    let bytes = source.as_bytes();
    let mut i = 0;
    loop {
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
        }
        if i < bytes.len() && matches!(bytes[i], b'&' | b'!') {
            while i < bytes.len() && !matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
                i += 1;
            }
        } else {
            return i;
        }
    }
}

struct Decoder<'a> {
    src: &'a str,
    at: usize,
    out: String,
    pieces: Vec<Piece>,
}

impl Decoder<'_> {
    fn peek(&self) -> Option<char> {
        self.src[self.at..].chars().next()
    }

    fn emit(&mut self, c: char, source: Range<usize>, raw_space: bool) {
        let start = self.out.len();
        self.out.push(c);
        self.pieces.push(Piece {
            value: start..self.out.len(),
            source,
            raw_space,
        });
    }

    /// Copies the character at the cursor.
    fn copy(&mut self, c: char) {
        let start = self.at;
        self.at += c.len_utf8();
        self.emit(c, start..self.at, matches!(c, ' ' | '\t'));
    }

    /// The length of a line break at the cursor, if there is one.
    fn line_break(&self) -> Option<usize> {
        let rest = &self.src.as_bytes()[self.at..];
        match rest {
            [b'\r', b'\n', ..] => Some(2),
            [b'\n', ..] | [b'\r', ..] => Some(1),
            _ => None,
        }
    }

    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.at += 1;
        }
    }

    /// A line break inside a flow scalar, at the cursor: trailing blanks
    /// are dropped, one break becomes a space, and each following empty
    /// line a newline. `escaped`: the break follows a `\` (double-quoted),
    /// so it becomes nothing.
    fn fold(&mut self, escaped: bool) {
        if !escaped {
            while self.pieces.last().is_some_and(|p| p.raw_space) {
                if let Some(p) = self.pieces.pop() {
                    self.out.truncate(p.value.start);
                }
            }
        }
        let first = self.at..self.at + self.line_break().unwrap_or(0);
        self.at = first.end;
        let mut empty = Vec::new();
        loop {
            self.skip_blanks();
            match self.line_break() {
                Some(n) => {
                    empty.push(self.at..self.at + n);
                    self.at += n;
                }
                None => break,
            }
        }
        if empty.is_empty() {
            if !escaped {
                self.emit(' ', first, false);
            }
        } else {
            for range in empty {
                self.emit('\n', range, false);
            }
        }
    }

    fn plain(&mut self) {
        while let Some(c) = self.peek() {
            if self.src[self.at..]
                .trim_matches([' ', '\t', '\n', '\r'])
                .is_empty()
            {
                break;
            }
            if self.line_break().is_some() {
                self.fold(false);
            } else {
                self.copy(c);
            }
        }
        // The span ends at the last character, but be safe.
        while self.pieces.last().is_some_and(|p| p.raw_space) {
            if let Some(p) = self.pieces.pop() {
                self.out.truncate(p.value.start);
            }
        }
    }

    fn single_quoted(&mut self) -> Option<()> {
        loop {
            let c = self.peek()?;
            if c == '\'' {
                if self.src[self.at + 1..].starts_with('\'') {
                    self.emit('\'', self.at..self.at + 2, false);
                    self.at += 2;
                } else {
                    return Some(());
                }
            } else if self.line_break().is_some() {
                self.fold(false);
            } else {
                self.copy(c);
            }
        }
    }

    fn double_quoted(&mut self) -> Option<()> {
        loop {
            let c = self.peek()?;
            match c {
                '"' => return Some(()),
                '\\' => {
                    let start = self.at;
                    self.at += 1;
                    if self.line_break().is_some() {
                        self.fold(true);
                        continue;
                    }
                    let e = self.peek()?;
                    self.at += e.len_utf8();
                    let decoded = match e {
                        '0' => '\0',
                        'a' => '\x07',
                        'b' => '\x08',
                        't' | '\t' => '\t',
                        'n' => '\n',
                        'v' => '\x0b',
                        'f' => '\x0c',
                        'r' => '\r',
                        'e' => '\x1b',
                        ' ' => ' ',
                        '"' => '"',
                        '/' => '/',
                        '\\' => '\\',
                        'N' => '\u{85}',
                        '_' => '\u{a0}',
                        'L' => '\u{2028}',
                        'P' => '\u{2029}',
                        'x' => self.hex(2)?,
                        'u' => self.hex(4)?,
                        'U' => self.hex(8)?,
                        _ => return None,
                    };
                    self.emit(decoded, start..self.at, false);
                }
                _ if self.line_break().is_some() => self.fold(false),
                _ => self.copy(c),
            }
        }
    }

    fn hex(&mut self, digits: usize) -> Option<char> {
        let text = self.src.get(self.at..self.at + digits)?;
        if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        self.at += digits;
        char::from_u32(u32::from_str_radix(text, 16).ok()?)
    }
}

/// Block scalars and anything `decode` gets wrong: each line of the value
/// found in the source, in order, maps one to one.
fn by_lines(source: &str, value: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut cursor = 0;
    let mut line_start = 0;
    for line in value.split('\n') {
        let here = line_start;
        line_start += line.len() + 1;
        if line.is_empty() {
            continue;
        }
        let Some(found) = source.get(cursor..).and_then(|s| s.find(line)) else {
            continue;
        };
        let at = cursor + found;
        for (i, c) in line.char_indices() {
            pieces.push(Piece {
                value: here + i..here + i + c.len_utf8(),
                source: at + i..at + i + c.len_utf8(),
                raw_space: false,
            });
        }
        cursor = at + line.len();
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The source text that `range` of `value` maps to.
    fn mapped<'a>(source: &'a str, value: &str, range: Range<usize>) -> Option<&'a str> {
        source_range(source, value, range).map(|r| &source[r])
    }

    const PATTERN: &str = r"2\.4\.(";

    #[test]
    fn plain_maps_one_to_one() {
        let source = r"2\.4\.(";
        assert_eq!(source_range(source, PATTERN, 6..7), Some(6..7));
        assert_eq!(mapped(source, PATTERN, 1..3), Some(r"\."));
    }

    #[test]
    fn single_quoted_skips_the_quote_and_maps_doubled_quotes() {
        let source = r"'2\.4\.('";
        assert_eq!(source_range(source, PATTERN, 6..7), Some(7..8));
        // `it''s(`: the value `it's(`; `(` is at value offset 4, source 6.
        assert_eq!(source_range("'it''s('", "it's(", 4..5), Some(6..7));
        assert_eq!(mapped("'it''s('", "it's(", 2..3), Some("''"));
    }

    #[test]
    fn double_quoted_maps_through_escapes() {
        let source = r#""2\\.4\\.(""#;
        assert_eq!(mapped(source, PATTERN, 6..7), Some("("));
        assert_eq!(source_range(source, PATTERN, 6..7), Some(9..10));
        // The value's `\` is the source's `\\`.
        assert_eq!(mapped(source, PATTERN, 1..2), Some(r"\\"));
        // Other escapes: each value character covers its whole escape.
        let source = r#""a\x41\u00e9\"\t(""#;
        let value = "aA\u{e9}\"\t(";
        assert_eq!(mapped(source, value, 1..2), Some(r"\x41"));
        assert_eq!(mapped(source, value, 2..4), Some(r"\u00e9"));
        assert_eq!(mapped(source, value, 4..5), Some(r#"\""#));
        assert_eq!(mapped(source, value, 5..6), Some(r"\t"));
        assert_eq!(mapped(source, value, 6..7), Some("("));
    }

    #[test]
    fn properties_are_skipped() {
        assert_eq!(mapped(r"!!str 2\.4\.(", PATTERN, 6..7), Some("("));
        assert_eq!(mapped(r"&re '2\.4\.('", PATTERN, 6..7), Some("("));
        assert_eq!(
            source_range(r#"&re !!str "2\\.4\\.(""#, PATTERN, 6..7),
            Some(19..20)
        );
    }

    #[test]
    fn folded_flow_scalars() {
        // Plain over two lines: the break is one space.
        let source = "2\\.4\n    \\.(";
        assert_eq!(mapped(source, r"2\.4 \.(", 7..8), Some("("));
        assert_eq!(mapped(source, r"2\.4 \.(", 4..5), Some("\n"));
        // Single-quoted with a trailing comment in the span.
        let source = "'multi  \n  line ('   # c";
        assert_eq!(mapped(source, "multi line (", 11..12), Some("("));
        // An empty line is a newline.
        let source = "\"a\n\n  (\"";
        assert_eq!(mapped(source, "a\n(", 2..3), Some("("));
        // An escaped line break joins the lines.
        let source = "\"a\\\n   (\"";
        assert_eq!(mapped(source, "a(", 1..2), Some("("));
    }

    #[test]
    fn block_scalars_search_each_line() {
        // The span of a block scalar starts at its content.
        let source = "2\\.4\n  2\\.4\\.(\n";
        assert_eq!(mapped(source, "2\\.4\n2\\.4\\.(\n", 11..12), Some("("));
        assert_eq!(
            source_range(source, "2\\.4\n2\\.4\\.(\n", 11..12),
            Some(13..14)
        );
        // A folded value is not found: nothing maps.
        assert_eq!(source_range("ab\n  cd\n", "ab cd\n", 3..4), None);
    }

    #[test]
    fn empty_ranges_point_at_a_character() {
        // Before `(`, and past the end (the last character).
        assert_eq!(mapped("'ab('", "ab(", 2..2), Some("("));
        assert_eq!(mapped("'ab('", "ab(", 3..3), Some("("));
        assert_eq!(source_range("''", "", 0..0), None);
    }

    #[test]
    fn a_wrong_value_maps_nowhere_unless_found() {
        assert_eq!(source_range("'abc'", "xyz", 0..1), None);
        // Found as a line of the source.
        assert_eq!(source_range("'x abc'", "abc", 1..2), Some(4..5));
    }

    #[test]
    fn the_scalar_itself() {
        fn at(source: &str) -> &str {
            let file = landfall_diagnostics::FileId(0);
            let span = scalar_span(source, Span::new(file, 10, 10 + source.len() as u32));
            &source[span.start as usize - 10..span.end as usize - 10]
        }
        assert_eq!(at("''  # c"), "''");
        assert_eq!(at("'a''b'  # c"), "'a''b'");
        assert_eq!(at("\"a\\\"\"  # c"), "\"a\\\"\"");
        assert_eq!(at("&x !!str 'a'"), "'a'");
        assert_eq!(at("plain text"), "plain text");
        assert_eq!(at("block\n  text\n"), "block\n  text");
    }

    #[test]
    fn spans_are_offset_by_the_scalar_start() {
        let file = landfall_diagnostics::FileId(0);
        let span = Span::new(file, 100, 109);
        let got = span_in_scalar(r"'2\.4\.('", span, PATTERN, 6..7);
        assert_eq!((got.start, got.end), (107, 108));
        let got = span_in_scalar("'abc'    ", span, "xyz", 0..1);
        assert_eq!((got.start, got.end), (100, 105));
    }
}
