//! Where an invalid case's fault is, from its `test.event`.
//!
//! The events of an invalid case stop where the reference parser failed:
//! everything it read before the fault became an event, so the fault lies
//! after the start of the last event's text. It lies no later than the
//! end of the next token the reference did not read: the first token
//! after that text which makes an event of its own. Indicators (`-`, `?`,
//! `:`, `,`), properties (`&anchor`, `!tag`), directives and `---` make
//! none, or none before what follows them is read, so they are passed
//! over. A token is a scalar's whole text (a quoted scalar to its closing
//! quote, a block scalar to its last more-indented line, a plain scalar
//! over its continuation lines), a bracket, an alias, a `...`.
//!
//! The events carry no positions. saphyr-parser's events, as far as they
//! are the reference's, place them in the text. It scans ahead of the
//! events it hands out, so it often stops a few events before the
//! reference does; those events are placed by reading the text from the
//! last placed one: past blanks, comments, indicators and properties, a
//! scalar is its quoted text, or as many words of plain text as its value
//! has; a collection starts at its bracket or `-` (a block mapping at its
//! first key), an alias is its `*name`; a block collection or document
//! ends at the next token, a flow collection at its bracket, an explicit
//! document at its `...`. Events that cannot be placed so (a flow
//! collection without its bracket) do not describe the text.

use saphyr_parser::{Event as Saphyr, Parser};

use super::events::{Event, Properties};

/// The part of the text where the reference parser stopped.
#[derive(Debug)]
pub struct Fault {
    /// The first byte the error may start at: just past the first
    /// character of the last event's text (the reference read that much of
    /// it), or the place of an event that has no text.
    pub from: usize,
    /// The end of the next token the reference did not read (the end of
    /// the text when there is none): the error's line is at most this
    /// one's.
    pub unread_end: usize,
}

/// Where the reference parser stopped, or why that cannot be told.
pub fn locate(text: &str, reference: &[Event]) -> Result<Fault, String> {
    let chars = CharOffsets::new(text);
    let mut placed: Vec<(usize, usize)> = Vec::new();
    for item in Parser::new_from_str(text) {
        let Ok((event, span)) = item else { break };
        if matches!(event, Saphyr::Nothing) {
            continue;
        }
        let Some(expected) = reference.get(placed.len()) else {
            break;
        };
        if !same(expected, &event) {
            break;
        }
        placed.push((chars.byte(span.start.index()), chars.byte(span.end.index())));
    }
    // Flow collections open at the events placed so far; a plain scalar
    // inside one ends at a flow indicator. Some reference streams leave
    // out the `{}` of a flow mapping; its bracket in the text says it.
    let mut flow: Vec<bool> = Vec::new();
    for (event, &(start, _)) in reference.iter().zip(&placed) {
        let bracket = matches!(
            text.as_bytes().get(skip_properties(text, start)),
            Some(b'[' | b'{')
        );
        track_flow(&mut flow, event, bracket);
    }
    let (mut start, mut end) = placed.last().copied().unwrap_or((0, 0));
    for event in &reference[placed.len()..] {
        let in_flow = flow.last().copied().unwrap_or(false);
        (start, end) = place(text, end, event, in_flow)?;
        track_flow(&mut flow, event, false);
    }
    let from = if end > start {
        start + text[start..].chars().next().map_or(1, char::len_utf8)
    } else {
        start
    };
    // A plain scalar continues on lines indented more than the block
    // collection it is in (any line, at the top level).
    let parent_indent = (!flow.is_empty()).then(|| indentation(text, start));
    let in_flow = flow.last().copied().unwrap_or(false);
    Ok(Fault {
        from,
        unread_end: unread_token_end(text, end.max(from), in_flow, parent_indent),
    })
}

/// The end of the first token at or after `from` that makes an event of
/// its own.
fn unread_token_end(text: &str, from: usize, in_flow: bool, parent_indent: Option<usize>) -> usize {
    let bytes = text.as_bytes();
    let mut at = from;
    loop {
        at = skip_properties(text, skip_indicators(text, at, b"-?:,"));
        let line_start = at == 0 || bytes[at - 1] == b'\n';
        let marker = text[at..].starts_with("---")
            && matches!(bytes.get(at + 3), None | Some(b' ' | b'\t' | b'\r' | b'\n'));
        if line_start && bytes.get(at) == Some(&b'%') {
            at = line_end(text, at);
        } else if line_start && marker {
            at += 3;
        } else {
            break;
        }
    }
    match bytes.get(at) {
        None => bytes.len(),
        Some(b'"' | b'\'') => quoted_len(&text[at..]).map_or(bytes.len(), |len| at + len),
        Some(b'|' | b'>') => block_scalar_end(text, at),
        Some(b'[' | b']' | b'{' | b'}') => at + 1,
        Some(b'*') => word_end(text, at),
        _ if text[at..].starts_with("...") => at + 3,
        _ => plain_token_end(text, at, in_flow, parent_indent),
    }
}

fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i)
}

fn word_end(text: &str, at: usize) -> usize {
    text[at..]
        .find([' ', '\t', '\r', '\n'])
        .map_or(text.len(), |i| at + i)
}

/// The number of spaces that start the line holding `at`.
fn indentation(text: &str, at: usize) -> usize {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..]
        .bytes()
        .take_while(|&b| b == b' ')
        .count()
}

/// A block scalar's header and the lines after it that are blank or
/// indented more than the header's line.
fn block_scalar_end(text: &str, header: usize) -> usize {
    let indent = indentation(text, header);
    let mut end = line_end(text, header);
    let mut at = end;
    while at < text.len() {
        let line = &text[at + 1..line_end(text, at + 1)];
        let blank = line.trim_matches([' ', '\t', '\r']).is_empty();
        if !blank && line.bytes().take_while(|&b| b == b' ').count() <= indent {
            break;
        }
        at = line_end(text, at + 1);
        if !blank {
            end = at;
        }
    }
    end
}

/// A plain scalar's text from `at`: to `: `, ` #` or the line's end, and
/// over the lines that continue it (in flow, up to a flow indicator).
fn plain_token_end(text: &str, at: usize, in_flow: bool, parent_indent: Option<usize>) -> usize {
    let bytes = text.as_bytes();
    let mut i = at;
    let mut end = at;
    while i < bytes.len() {
        let b = bytes[i];
        let blank_after = matches!(bytes.get(i + 1), None | Some(b' ' | b'\t' | b'\r' | b'\n'));
        let comment = b == b'#' && i > at && matches!(bytes[i - 1], b' ' | b'\t');
        if (b == b':' && blank_after)
            || comment
            || (in_flow && matches!(b, b',' | b'[' | b']' | b'{' | b'}'))
        {
            break;
        }
        if b == b'\n' {
            // A continuation line: non-blank, indented past the parent.
            let next = &text[i + 1..line_end(text, i + 1)];
            let content = next.trim_start_matches([' ', '\t']);
            let indent = next.len() - next.trim_start_matches(' ').len();
            let continues = !content.is_empty()
                && !content.starts_with('#')
                && (in_flow || parent_indent.is_none_or(|p| indent > p));
            if !continues {
                break;
            }
        } else if !matches!(b, b' ' | b'\t' | b'\r') {
            end = i + 1;
        }
        i += 1;
    }
    end
}

fn track_flow(flow: &mut Vec<bool>, event: &Event, bracket: bool) {
    match event {
        Event::MappingStart(properties) | Event::SequenceStart(properties) => {
            flow.push(properties.flow || bracket);
        }
        Event::MappingEnd | Event::SequenceEnd => {
            flow.pop();
        }
        _ => {}
    }
}

/// Whether saphyr-parser's event is the reference's (scalars by value).
fn same(reference: &Event, event: &Saphyr<'_>) -> bool {
    match (reference, event) {
        (Event::StreamStart, Saphyr::StreamStart)
        | (Event::StreamEnd, Saphyr::StreamEnd)
        | (Event::DocumentStart, Saphyr::DocumentStart(_))
        | (Event::DocumentEnd, Saphyr::DocumentEnd)
        | (Event::MappingStart(_), Saphyr::MappingStart(..))
        | (Event::MappingEnd, Saphyr::MappingEnd)
        | (Event::SequenceStart(_), Saphyr::SequenceStart(..))
        | (Event::SequenceEnd, Saphyr::SequenceEnd)
        | (Event::Alias(_), Saphyr::Alias(_)) => true,
        (Event::Scalar(_, _, expected), Saphyr::Scalar(value, ..)) => expected == value,
        _ => false,
    }
}

/// The text of `event`, read from `cursor`, the end of the event before it.
fn place(
    text: &str,
    cursor: usize,
    event: &Event,
    in_flow: bool,
) -> Result<(usize, usize), String> {
    let bytes = text.as_bytes();
    let at = next_token(text, cursor);
    let placed = match event {
        Event::StreamStart => (0, 0),
        Event::StreamEnd => (bytes.len(), bytes.len()),
        Event::DocumentStart if text[at..].starts_with("---") => (at, at + 3),
        Event::DocumentStart => (at, at),
        Event::DocumentEnd if text[at..].starts_with("...") => (at, at + 3),
        Event::DocumentEnd => (at, at),
        Event::MappingEnd | Event::SequenceEnd => {
            let at = skip_indicators(text, cursor, b",");
            match bytes.get(at) {
                Some(b']' | b'}') => (at, at + 1),
                _ => (next_token(text, cursor), next_token(text, cursor)),
            }
        }
        Event::MappingStart(properties) | Event::SequenceStart(properties) => {
            let (_, at) = past_properties(text, skip_indicators(text, cursor, b"-?:,"), properties);
            match bytes.get(at) {
                Some(b'[' | b'{') if properties.flow => (at, at + 1),
                _ if properties.flow => {
                    return Err(format!("no bracket for the flow collection at byte {at}"));
                }
                Some(b'-') if matches!(event, Event::SequenceStart(_)) => (at, at + 1),
                _ => (at, at),
            }
        }
        Event::Alias(name) => {
            let at = skip_indicators(text, cursor, b"-?:,");
            if bytes.get(at) != Some(&b'*') {
                return Err(format!("no alias *{name} at byte {at}"));
            }
            (at, at + 1 + name.len())
        }
        Event::Scalar(properties, indicator, value) => {
            let (after, at) =
                past_properties(text, skip_indicators(text, cursor, b"-?:,"), properties);
            match indicator {
                '\'' | '"' => {
                    let len = quoted_len(&text[at..])
                        .ok_or_else(|| format!("no closed quote at byte {at}"))?;
                    (at, at + len)
                }
                // An empty scalar is where its properties end, or at the
                // next token.
                ':' if value.is_empty() => (after.unwrap_or(at), after.unwrap_or(at)),
                ':' => (at, plain_end(text, at, value, in_flow)),
                _ => return Err(format!("cannot place the block scalar {value:?}")),
            }
        }
    };
    Ok(placed)
}

/// Past blanks, comments and the indicators `also` (`-`, `?`, `:` only
/// when a blank or the line's end follows them).
fn skip_indicators(text: &str, from: usize, also: &[u8]) -> usize {
    let bytes = text.as_bytes();
    let mut at = next_token(text, from);
    while let Some(&b) = bytes.get(at) {
        let separated = matches!(bytes.get(at + 1), None | Some(b' ' | b'\t' | b'\r' | b'\n'));
        if !also.contains(&b) || (b != b',' && !separated) {
            break;
        }
        at = next_token(text, at + 1);
    }
    at
}

/// Past the event's own properties from `at`, the first of them: the
/// end of the last one, and the next token after it.
fn past_properties(text: &str, at: usize, properties: &Properties) -> (Option<usize>, usize) {
    let count = usize::from(properties.anchor.is_some()) + usize::from(properties.tag.is_some());
    let bytes = text.as_bytes();
    let (mut after, mut at) = (None, at);
    for _ in 0..count {
        if !matches!(bytes.get(at), Some(b'&' | b'!')) {
            break;
        }
        let end = text[at..]
            .find([' ', '\t', '\r', '\n'])
            .map_or(text.len(), |i| at + i);
        after = Some(end);
        at = next_token(text, end);
    }
    (after, at)
}

/// Past `&anchor` and `!tag` properties.
fn skip_properties(text: &str, from: usize) -> usize {
    let bytes = text.as_bytes();
    let mut at = from;
    while matches!(bytes.get(at), Some(b'&' | b'!')) {
        while at < bytes.len() && !matches!(bytes[at], b' ' | b'\t' | b'\r' | b'\n') {
            at += 1;
        }
        at = next_token(text, at);
    }
    at
}

/// The end of a plain scalar starting at `at` whose value is `value`:
/// folding joins its lines with spaces, so it has as many words as its
/// value.
fn plain_end(text: &str, at: usize, value: &str, in_flow: bool) -> usize {
    let bytes = text.as_bytes();
    let mut words = value.split_whitespace().count();
    let mut i = at;
    let mut end = at;
    while words > 0 && i < bytes.len() {
        match bytes[i] {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            _ => {
                // One word: up to a blank, or a flow indicator in flow.
                while i < bytes.len()
                    && !matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n')
                    && !(in_flow && matches!(bytes[i], b',' | b'[' | b']' | b'{' | b'}'))
                {
                    i += 1;
                }
                end = i;
                words -= 1;
                if in_flow && matches!(bytes.get(i), Some(b',' | b'[' | b']' | b'{' | b'}')) {
                    break;
                }
            }
        }
    }
    // A word may end with the `:` of a key.
    if !in_flow && end > at && bytes[end - 1] == b':' && !value.ends_with(':') {
        end -= 1;
    }
    end
}

/// The length of the quoted scalar `source` starts with, closing quote
/// included.
fn quoted_len(source: &str) -> Option<usize> {
    let bytes = source.as_bytes();
    let quote = *bytes.first()?;
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The first byte at or after `from` that is not a blank, a line break,
/// a byte order mark or in a comment.
pub fn next_token(text: &str, from: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = from.min(bytes.len());
    while i < bytes.len() {
        match bytes[i] {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            // A comment starts after a blank or at a line's start.
            b'#' if i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b'\r' | b'\n') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            0xEF if bytes[i..].starts_with(&[0xEF, 0xBB, 0xBF]) => i += 3,
            _ => break,
        }
    }
    i
}

/// The 0-based line of a byte offset.
pub fn line_of(text: &str, at: usize) -> usize {
    text.as_bytes()[..at.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

/// saphyr-parser counts characters; the text is indexed by bytes.
struct CharOffsets(Vec<usize>);

impl CharOffsets {
    fn new(text: &str) -> Self {
        let mut table: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        table.push(text.len());
        CharOffsets(table)
    }

    fn byte(&self, index: usize) -> usize {
        self.0
            .get(index)
            .copied()
            .unwrap_or(*self.0.last().unwrap_or(&0))
    }
}
