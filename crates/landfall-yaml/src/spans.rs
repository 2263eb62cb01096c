//! From a byte range of a scalar's value to where it was written.
//!
//! A finding about part of a string (the `(` a regexp leaves open, the
//! `..` in a path) should point at that part of the file, not at the whole
//! string. The value and its source differ by the way the scalar is
//! written, and [`ScalarSpans`] knows each way:
//!
//! - plain: one to one, except that a line break between two lines is
//!   folded (one break is a space, each empty line after it a newline) and
//!   the indentation of continuation lines is not part of the value;
//! - single-quoted: the quotes are not part of the value, `''` is one `'`;
//!   line breaks fold as in plain scalars;
//! - double-quoted: every escape (`\\`, `\"`, `\n`, `\x41`, `\u00e9`,
//!   `\U0001F600`, …) is one character of the value, written over the
//!   escape's whole range; an escaped line break joins the lines;
//! - literal (`|`) and folded (`>`): the header (`|2-`) and each line's
//!   indentation are not part of the value; a folded scalar's line breaks
//!   between two lines of text become spaces.
//!
//! The decoding is checked against the value the parser produced: when they
//! differ, nothing is mapped ([`ScalarSpans::new`] is `None`), so a caller
//! falls back to the whole node and never points at a wrong place.
//!
//! A node's span ends at its last non-blank byte, so the trailing blanks
//! and line breaks a block scalar keeps in its value lie after the span;
//! they map to the empty range at its end.

use std::ops::Range;

use landfall_diagnostics::Span;

use crate::node::{Node, Style};

/// One character of the value and the source bytes it was written as
/// (offsets relative to the node's source).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Piece {
    value: Range<usize>,
    source: Range<usize>,
    /// Whitespace written as itself (not an escape): a flow scalar's
    /// blanks before a line break are dropped by the fold.
    raw_space: bool,
}

/// Where each character of a scalar's value was written in the scalar's
/// source. Offsets into the source are relative to the node's span
/// ([`Node::start`]); [`ScalarSpans::span`] turns them into file spans.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScalarSpans {
    style: Style,
    /// The scalar itself: from its quote, indicator or first character to
    /// its last byte; the node's `&anchor` and `!tag` are before it.
    scalar: Range<usize>,
    pieces: Vec<Piece>,
    value_len: usize,
}

impl ScalarSpans {
    /// Maps `value`, the string the parser read from `source`, the text of
    /// the scalar node's span (its properties included). The style is read
    /// from the source: after the properties, `'` starts a single-quoted
    /// scalar, `"` a double-quoted one, `|` a literal and `>` a folded one;
    /// anything else is plain. `None` when the source does not decode to
    /// `value` (a value that does not come from this source).
    pub fn new(source: &str, value: &str) -> Option<ScalarSpans> {
        let start = skip_properties(source);
        let mut d = Decoder {
            src: source,
            at: start,
            out: String::new(),
            pieces: Vec::new(),
        };
        let (style, end) = match source[start..].chars().next() {
            Some('\'') => {
                d.at += 1;
                d.single_quoted()?;
                (Style::SingleQuoted, d.at + 1)
            }
            Some('"') => {
                d.at += 1;
                d.double_quoted()?;
                (Style::DoubleQuoted, d.at + 1)
            }
            Some(c @ ('|' | '>')) => {
                let style = if c == '|' {
                    Style::Literal
                } else {
                    Style::Folded
                };
                return block(source, start, style, value);
            }
            _ => {
                d.plain();
                (
                    Style::Plain,
                    d.pieces.last().map_or(start, |p| p.source.end),
                )
            }
        };
        if d.out != value {
            return None;
        }
        Some(ScalarSpans {
            style,
            scalar: start..end,
            pieces: d.pieces,
            value_len: value.len(),
        })
    }

    /// How the scalar was written.
    pub fn style(&self) -> Style {
        self.style
    }

    /// The scalar's own text in its source: quotes and block header
    /// included, the node's `&anchor` and `!tag` not.
    pub fn scalar(&self) -> Range<usize> {
        self.scalar.clone()
    }

    /// The bytes of the source where the bytes `range` of the value were
    /// written: from the first character's source to the last one's (an
    /// escape's whole text, `''` for a `'`, the line break a folded space
    /// came from). An empty range maps to the empty range where the
    /// character at `range.start` was written (the end of the last one
    /// past the value's end). `None` when `range` is not a range of the
    /// value on character boundaries.
    pub fn source_range(&self, range: Range<usize>) -> Option<Range<usize>> {
        if range.start > range.end || range.end > self.value_len {
            return None;
        }
        if range.is_empty() {
            let at = match self.pieces.iter().find(|p| p.value.end > range.start) {
                Some(p) if p.value.start == range.start => p.source.start,
                Some(_) => return None,
                None => self.pieces.last().map_or(self.scalar.end, |p| p.source.end),
            };
            return Some(at..at);
        }
        let mut hit = self
            .pieces
            .iter()
            .filter(|p| p.value.start < range.end && p.value.end > range.start);
        let first = hit.next()?;
        let last = hit.next_back().unwrap_or(first);
        (first.value.start == range.start && last.value.end == range.end)
            .then_some(first.source.start..last.source.end)
    }

    /// [`ScalarSpans::source_range`] as a span of the file, for the node
    /// written at `node`.
    pub fn span(&self, node: Span, range: Range<usize>) -> Option<Span> {
        self.source_range(range).map(|r| offset(node, r))
    }

    /// [`ScalarSpans::scalar`] as a span of the file, for the node written
    /// at `node`.
    pub fn scalar_span(&self, node: Span) -> Span {
        offset(node, self.scalar())
    }
}

/// The span of the bytes `range` of `value`, the string whose scalar node
/// is written at `span` and whose text there is `source` (see
/// [`ScalarSpans`]); the whole `span` when they cannot be mapped. For
/// callers that keep a value and its node's span rather than the node.
pub fn value_range_span(source: &str, span: Span, value: &str, range: Range<usize>) -> Span {
    ScalarSpans::new(source, value)
        .and_then(|s| s.span(span, range))
        .unwrap_or(span)
}

fn offset(node: Span, range: Range<usize>) -> Span {
    let at = |i: usize| {
        node.start
            .saturating_add(u32::try_from(i).unwrap_or(u32::MAX))
    };
    Span::new(
        node.file,
        at(range.start),
        at(range.end).min(node.end.max(node.start)),
    )
}

impl Node {
    /// Where the characters of this string scalar were written in `text`,
    /// the text of its file; `None` for other nodes.
    pub fn scalar_spans(&self, text: &str) -> Option<ScalarSpans> {
        let source = text.get(self.start as usize..self.end as usize)?;
        ScalarSpans::new(source, self.as_str()?)
    }

    /// The bytes of `text` (the node's file) where the bytes `range` of
    /// this string scalar's value were written; see [`ScalarSpans`].
    pub fn value_span(&self, text: &str, range: Range<usize>) -> Option<Range<u32>> {
        let r = self.scalar_spans(text)?.source_range(range)?;
        Some(self.start + r.start as u32..self.start + r.end as u32)
    }
}

/// The offset after a node's properties (`&anchor`, `!tag`, `!!str`) and
/// the blanks after them.
fn skip_properties(source: &str) -> usize {
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

/// The length of the line break at the start of `rest`, if there is one.
fn line_break(rest: &[u8]) -> Option<usize> {
    match rest {
        [b'\r', b'\n', ..] => Some(2),
        [b'\n', ..] | [b'\r', ..] => Some(1),
        _ => None,
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

    fn line_break(&self) -> Option<usize> {
        line_break(&self.src.as_bytes()[self.at..])
    }

    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.at += 1;
        }
    }

    fn drop_raw_spaces(&mut self) {
        while self.pieces.last().is_some_and(|p| p.raw_space) {
            if let Some(p) = self.pieces.pop() {
                self.out.truncate(p.value.start);
            }
        }
    }

    /// A line break inside a flow scalar, at the cursor: trailing blanks
    /// are dropped, one break becomes a space, and each following empty
    /// line a newline. `escaped`: the break follows a `\` (double-quoted),
    /// so it becomes nothing.
    fn fold(&mut self, escaped: bool) {
        if !escaped {
            self.drop_raw_spaces();
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
        self.drop_raw_spaces();
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

/// One line of a block scalar's content.
struct Line {
    /// The line's text, from its first byte to its line break.
    text: Range<usize>,
    /// Its line break (empty for the last line of the source).
    brk: Range<usize>,
}

/// A block scalar whose header (`|`, `>`) is at `header` in `source`.
fn block(source: &str, header: usize, style: Style, value: &str) -> Option<ScalarSpans> {
    let bytes = source.as_bytes();
    let content = source[header..]
        .find('\n')
        .map_or(source.len(), |i| header + i + 1);
    let mut header_end = header + 1;
    while header_end < bytes.len() && matches!(bytes[header_end], b'0'..=b'9' | b'+' | b'-') {
        header_end += 1;
    }
    let mut lines = Vec::new();
    let mut at = content;
    while at < source.len() {
        let end = source[at..]
            .find(['\r', '\n'])
            .map_or(source.len(), |i| at + i);
        let brk = end + line_break(&bytes[end..]).unwrap_or(0);
        lines.push(Line {
            text: at..end,
            brk: end..brk,
        });
        at = brk;
    }
    let indent = |l: &Line| {
        bytes[l.text.clone()]
            .iter()
            .take_while(|b| **b == b' ')
            .count()
    };
    // The indentation is the first text line's, unless an indentation
    // indicator asked for less: then the value's first text line starts
    // with the spaces beyond it.
    let auto = lines
        .iter()
        .find(|l| bytes[l.text.clone()].iter().any(|b| *b != b' '))
        .map_or(0, indent);
    let lead = value
        .trim_start_matches('\n')
        .bytes()
        .take_while(|b| *b == b' ')
        .count();
    let mut candidates = vec![auto];
    if lead > 0 && lead <= auto {
        candidates.push(auto - lead);
    }
    candidates.into_iter().find_map(|k| {
        let (out, mut pieces) = decode_block(source, &lines, k, style);
        let rest = value.strip_prefix(out.as_str())?;
        if !rest.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n')) {
            return None;
        }
        // What the span leaves out: the trailing blanks and line breaks.
        for (i, c) in rest.char_indices() {
            let at = out.len() + i;
            pieces.push(Piece {
                value: at..at + c.len_utf8(),
                source: source.len()..source.len(),
                raw_space: false,
            });
        }
        Some(ScalarSpans {
            style,
            scalar: header..source.len().max(header_end),
            pieces,
            value_len: value.len(),
        })
    })
}

/// The value of a block scalar's `lines` at indentation `k`, up to its
/// last non-blank character, and where each character came from.
fn decode_block(source: &str, lines: &[Line], k: usize, style: Style) -> (String, Vec<Piece>) {
    let bytes = source.as_bytes();
    let mut d = Decoder {
        src: source,
        at: 0,
        out: String::new(),
        pieces: Vec::new(),
    };
    // Whether the last text line was a folding one (not more indented);
    // `None` before the first text line.
    let mut previous_text: Option<bool> = None;
    // Line breaks waiting for the next text line: the one ending the last
    // text line, then one per empty line.
    let mut breaks: Vec<Range<usize>> = Vec::new();
    for line in lines {
        let text = &bytes[line.text.clone()];
        let spaces = text.iter().take_while(|b| **b == b' ').count();
        let blank_line = text.iter().all(|b| *b == b' ') && spaces <= k;
        if blank_line {
            breaks.push(line.brk.clone());
            continue;
        }
        let body = line.text.start + k.min(spaces)..line.text.end;
        let folding = !matches!(bytes.get(body.start), Some(b' ' | b'\t'));
        // The breaks between the last text line and this one.
        let mut pending = breaks.drain(..);
        match previous_text {
            Some(true) if style == Style::Folded && folding => {
                // Folded: one break alone is a space; with empty lines
                // after it, it is dropped and each empty line is a newline.
                if let Some(first) = pending.next() {
                    if pending.len() == 0 {
                        d.emit(' ', first, false);
                    }
                }
            }
            _ => {}
        }
        for brk in pending {
            d.emit('\n', brk, false);
        }
        d.at = body.start;
        while d.at < body.end {
            if let Some(c) = d.peek() {
                d.copy(c);
            }
        }
        breaks.push(line.brk.clone());
        previous_text = Some(folding);
    }
    // Blanks at the end of the last line are after the span.
    if let Some(last) = d.pieces.iter().rposition(|p| !p.raw_space) {
        let keep = d.pieces[last].value.end;
        d.pieces.truncate(last + 1);
        d.out.truncate(keep);
    } else {
        d.pieces.clear();
        d.out.clear();
    }
    (d.out, d.pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The source text that `range` of the value of `source` maps to.
    fn mapped<'a>(source: &'a str, value: &str, range: Range<usize>) -> Option<&'a str> {
        let spans = ScalarSpans::new(source, value)?;
        spans.source_range(range).map(|r| &source[r])
    }

    const PATTERN: &str = r"2\.4\.(";

    #[test]
    fn plain_maps_one_to_one() {
        let spans = ScalarSpans::new(PATTERN, PATTERN).unwrap();
        assert_eq!(spans.style(), Style::Plain);
        assert_eq!(spans.source_range(6..7), Some(6..7));
        assert_eq!(spans.scalar(), 0..7);
        assert_eq!(mapped(PATTERN, PATTERN, 1..3), Some(r"\."));
        // Over two lines: the break is one space, the indentation is not
        // in the value.
        let source = "2\\.4\n    \\.(";
        assert_eq!(mapped(source, r"2\.4 \.(", 7..8), Some("("));
        assert_eq!(mapped(source, r"2\.4 \.(", 4..5), Some("\n"));
        assert_eq!(mapped(source, r"2\.4 \.(", 5..6), Some("\\"));
        // An empty line is a newline.
        assert_eq!(mapped("a  \n\n  b", "a\nb", 1..2), Some("\n"));
        assert_eq!(
            ScalarSpans::new("a  \n\n  b", "a\nb")
                .unwrap()
                .source_range(2..3),
            Some(7..8)
        );
    }

    #[test]
    fn single_quoted_skips_the_quotes_and_maps_doubled_quotes() {
        let source = r"'2\.4\.('";
        let spans = ScalarSpans::new(source, PATTERN).unwrap();
        assert_eq!(spans.style(), Style::SingleQuoted);
        assert_eq!(spans.source_range(6..7), Some(7..8));
        assert_eq!(spans.scalar(), 0..9);
        assert_eq!(mapped("'it''s('", "it's(", 4..5), Some("("));
        assert_eq!(mapped("'it''s('", "it's(", 2..3), Some("''"));
        assert_eq!(mapped("'it''s('", "it's(", 1..3), Some("t''"));
        // Folded over lines, blanks before the break dropped.
        let source = "'multi  \n  line ('";
        assert_eq!(mapped(source, "multi line (", 11..12), Some("("));
        assert_eq!(mapped(source, "multi line (", 5..6), Some("\n"));
    }

    #[test]
    fn double_quoted_maps_through_escapes() {
        let source = r#""2\\.4\\.(""#;
        let spans = ScalarSpans::new(source, PATTERN).unwrap();
        assert_eq!(spans.style(), Style::DoubleQuoted);
        assert_eq!(spans.source_range(6..7), Some(9..10));
        assert_eq!(mapped(source, PATTERN, 1..2), Some(r"\\"));
        let source = r#""a\x41\u00e9\"\t\n(""#;
        let value = "aA\u{e9}\"\t\n(";
        assert_eq!(mapped(source, value, 1..2), Some(r"\x41"));
        assert_eq!(mapped(source, value, 2..4), Some(r"\u00e9"));
        // Not on a character boundary of the value.
        assert_eq!(mapped(source, value, 2..3), None);
        assert_eq!(mapped(source, value, 4..5), Some(r#"\""#));
        assert_eq!(mapped(source, value, 5..6), Some(r"\t"));
        assert_eq!(mapped(source, value, 6..7), Some(r"\n"));
        assert_eq!(mapped(source, value, 7..8), Some("("));
        assert_eq!(
            mapped(source, value, 1..8),
            Some(&source[2..source.len() - 1])
        );
        // An empty line is a newline; an escaped break joins the lines.
        assert_eq!(mapped("\"a\n\n  (\"", "a\n(", 2..3), Some("("));
        assert_eq!(mapped("\"a \\\n   (\"", "a (", 1..2), Some(" "));
        assert_eq!(mapped("\"a \\\n   (\"", "a (", 2..3), Some("("));
    }

    #[test]
    fn properties_are_not_the_scalar() {
        assert_eq!(mapped(r"!!str 2\.4\.(", PATTERN, 6..7), Some("("));
        assert_eq!(mapped(r"&re '2\.4\.('", PATTERN, 6..7), Some("("));
        let source = r#"&re !!str "2\\.4\\.(""#;
        let spans = ScalarSpans::new(source, PATTERN).unwrap();
        assert_eq!(spans.source_range(6..7), Some(19..20));
        assert_eq!(spans.scalar(), 10..21);
    }

    #[test]
    fn literal_scalars_drop_the_header_and_the_indentation() {
        let source = "|-  # a comment\n  2\\.4\n    2\\.4\\.(";
        let value = "2\\.4\n  2\\.4\\.(";
        let spans = ScalarSpans::new(source, value).unwrap();
        assert_eq!(spans.style(), Style::Literal);
        assert_eq!(spans.scalar(), 0..source.len());
        assert_eq!(mapped(source, value, 0..4), Some("2\\.4"));
        assert_eq!(mapped(source, value, 4..5), Some("\n"));
        assert_eq!(mapped(source, value, 5..7), Some("  "));
        assert_eq!(mapped(source, value, 13..14), Some("("));
        // A kept final line break is after the span: the empty range at
        // its end.
        let spans = ScalarSpans::new("|\n  ab", "ab\n").unwrap();
        assert_eq!(spans.source_range(2..3), Some(6..6));
        // Leading empty lines, and an indentation indicator below the
        // first line's indentation.
        assert_eq!(mapped("|\n\n  ab", "\nab\n", 0..1), Some("\n"));
        assert_eq!(mapped("|1\n   ab", "  ab", 0..1), Some(" "));
        assert_eq!(mapped("|1\n   ab", "  ab", 2..3), Some("a"));
        // With properties.
        assert_eq!(mapped("&a !t |\n  x", "x\n", 0..1), Some("x"));
        // A value of another scalar does not map.
        assert_eq!(ScalarSpans::new("|\n  ab", "ab\ncd"), None);
    }

    #[test]
    fn folded_scalars_fold_lines_of_text() {
        let source = ">\n  ab\n  cd\n\n  ef\n    more\n  gh";
        let value = "ab cd\nef\n  more\ngh\n";
        let spans = ScalarSpans::new(source, value).unwrap();
        assert_eq!(spans.style(), Style::Folded);
        assert_eq!(mapped(source, value, 0..2), Some("ab"));
        // The folded space is the line break.
        assert_eq!(mapped(source, value, 2..3), Some("\n"));
        assert_eq!(mapped(source, value, 3..5), Some("cd"));
        // The break after `cd` is dropped; the empty line is the newline.
        assert_eq!(spans.source_range(5..6), Some(12..13));
        assert_eq!(mapped(source, value, 6..8), Some("ef"));
        // Around a more-indented line, breaks are kept.
        assert_eq!(mapped(source, value, 8..9), Some("\n"));
        assert_eq!(mapped(source, value, 9..15), Some("  more"));
        assert_eq!(mapped(source, value, 16..18), Some("gh"));
    }

    #[test]
    fn empty_ranges_map_to_a_position() {
        let spans = ScalarSpans::new("'ab('", "ab(").unwrap();
        assert_eq!(spans.source_range(2..2), Some(3..3));
        assert_eq!(spans.source_range(3..3), Some(4..4));
        assert_eq!(spans.source_range(4..4), None);
        #[allow(clippy::reversed_empty_ranges)]
        let reversed = 2..1;
        assert_eq!(spans.source_range(reversed), None);
        let empty = ScalarSpans::new("''", "").unwrap();
        assert_eq!(empty.source_range(0..0), Some(2..2));
        assert_eq!(empty.scalar(), 0..2);
    }

    #[test]
    fn a_value_of_another_source_maps_nowhere() {
        assert_eq!(ScalarSpans::new("'abc'", "xyz"), None);
        assert_eq!(ScalarSpans::new("'x abc'", "abc"), None);
        assert_eq!(ScalarSpans::new("\"unclosed", "unclosed"), None);
    }

    #[test]
    fn spans_in_the_file() {
        let file = landfall_diagnostics::FileId(0);
        let node = Span::new(file, 100, 109);
        let source = r"'2\.4\.('";
        let got = value_range_span(source, node, PATTERN, 6..7);
        assert_eq!((got.start, got.end), (107, 108));
        assert_eq!(value_range_span("'abc'", node, "xyz", 0..1), node);
        let spans = ScalarSpans::new("&a 'x'", "x").unwrap();
        let whole = spans.scalar_span(Span::new(file, 10, 16));
        assert_eq!((whole.start, whole.end), (13, 16));
    }

    #[test]
    fn nodes_map_their_values() {
        let text = "a: \"x\\ty\"  # c\nb: |\n  one\n  two\n";
        let parsed = crate::parse(landfall_diagnostics::FileId(0), text, &Default::default());
        let root = &parsed.documents[0].root;
        let a = root.get("a").unwrap();
        let r = a.value_span(text, 1..2).unwrap();
        assert_eq!(&text[r.start as usize..r.end as usize], "\\t");
        let b = root.get("b").unwrap();
        assert_eq!(&text[b.start as usize..b.end as usize], "|\n  one\n  two");
        let r = b.value_span(text, 4..7).unwrap();
        assert_eq!(&text[r.start as usize..r.end as usize], "two");
        assert_eq!(root.value_span(text, 0..1), None);
    }
}
