//! What every renderer does to the text it shows: specs come from pull
//! requests nobody has reviewed yet, and a finding repeats their text (a
//! source line, a name or value in a message, a file name). A control
//! character in it would reach the reader's terminal or CI log as a
//! command (an ANSI colour, an OSC 8 hyperlink or window title, a bell, a
//! carriage return that overwrites the line), and a BiDi control would
//! reorder what the reader sees (the "Trojan Source" trick). So each is
//! shown as its escape, `\u{1b}`: visible, one column per character, and
//! what Rust and JavaScript call it.
//!
//! The human, GitHub and JUnit outputs show the escapes as text; the JSON
//! and SARIF outputs keep the values and write those characters as JSON's
//! own `\u001b` escapes, so that no raw one is in the file either.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether `c` is shown escaped: a C0 control but tab, DEL, a C1 control,
/// or a BiDi control (embeddings, overrides, isolates, marks).
pub fn is_unsafe(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{8}'
            | '\u{a}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{61c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

/// A message, label, note, help, rule id or file name as it may be shown:
/// every character [`is_unsafe`] is written `\u{…}` (hex, lowercase). A
/// line break too: each of these texts is one line of the output.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_shown(&mut out, c);
    }
    Cow::Owned(out)
}

fn push_shown(out: &mut String, c: char) {
    if is_unsafe(c) {
        // Writing into a String cannot fail.
        let _ = write!(out, "\\u{{{:x}}}", c as u32);
    } else {
        out.push(c);
    }
}

/// A source file's text as the human output quotes it: escaped as
/// [`terminal_safe`] but for its line breaks (`\n`, and `\r` before `\n`),
/// with where each byte offset of the original lands in it, so that
/// carets stay under the characters they mark.
pub(crate) struct ShownSource {
    pub(crate) text: String,
    /// Each escaped character: its byte range in the original and the
    /// bytes the escapes before it (`before`) and up to its end (`after`)
    /// added. In source order.
    escapes: Vec<Escaped>,
}

struct Escaped {
    start: u32,
    end: u32,
    before: u32,
    after: u32,
}

impl ShownSource {
    /// `None` when the text shows as it is.
    pub(crate) fn new(text: &str) -> Option<ShownSource> {
        let line_break =
            |i: usize, c: char| c == '\n' || (c == '\r' && text[i + 1..].starts_with('\n'));
        if !text
            .char_indices()
            .any(|(i, c)| is_unsafe(c) && !line_break(i, c))
        {
            return None;
        }
        let mut shown = String::with_capacity(text.len() + 16);
        let mut escapes = Vec::new();
        let mut added = 0u32;
        for (i, c) in text.char_indices() {
            if !is_unsafe(c) || line_break(i, c) {
                shown.push(c);
                continue;
            }
            let before = added;
            let at = shown.len();
            push_shown(&mut shown, c);
            added += (shown.len() - at - c.len_utf8()) as u32;
            escapes.push(Escaped {
                start: i as u32,
                end: (i + c.len_utf8()) as u32,
                before,
                after: added,
            });
        }
        Some(ShownSource {
            text: shown,
            escapes,
        })
    }

    /// Where a byte offset of the original lands in the shown text: past
    /// the escapes before it; an offset inside an escaped character lands
    /// where its escape starts.
    pub(crate) fn offset(&self, offset: u32) -> u32 {
        let before = self.escapes.partition_point(|e| e.start < offset);
        match before.checked_sub(1).map(|i| &self.escapes[i]) {
            None => offset,
            Some(e) if offset >= e.end => offset + e.after,
            Some(e) => e.start + e.before,
        }
    }

    /// Where a byte offset of the shown text comes from in the original:
    /// the inverse of [`ShownSource::offset`]; an offset inside an escape
    /// comes from the start of its character.
    pub(crate) fn original(&self, shown: u32) -> u32 {
        let before = self.escapes.partition_point(|e| e.start + e.before < shown);
        match before.checked_sub(1).map(|i| &self.escapes[i]) {
            None => shown,
            Some(e) if shown >= e.end + e.after => shown - e.after,
            Some(e) => e.start,
        }
    }
}

/// Serialised JSON with the characters [`is_unsafe`] that serde_json
/// writes raw (DEL, C1 and BiDi controls; it escapes C0 itself) written
/// as `\u` escapes: the same JSON values, and no raw control in the file.
/// They can only stand inside strings, where an escape means the same.
pub(crate) fn json_safe(json: String) -> String {
    if !json.chars().any(is_unsafe_in_json) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if is_unsafe_in_json(c) {
            // Every such character is in the Basic Multilingual Plane:
            // one four-digit escape.
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// What serde_json leaves raw of [`is_unsafe`]: all but C0, which it
/// escapes, and whose line breaks are the pretty printer's own.
fn is_unsafe_in_json(c: char) -> bool {
    is_unsafe(c) && c >= ' '
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_are_escaped_and_the_rest_kept() {
        assert_eq!(terminal_safe("plain, tab\tand é"), "plain, tab\tand é");
        assert!(matches!(terminal_safe("plain"), Cow::Borrowed(_)));
        assert_eq!(
            terminal_safe("\u{1b}[31mred\u{1b}[0m"),
            "\\u{1b}[31mred\\u{1b}[0m"
        );
        assert_eq!(
            terminal_safe("\u{1b}]8;;https://x.test\u{7}link\u{1b}]8;;\u{7}"),
            "\\u{1b}]8;;https://x.test\\u{7}link\\u{1b}]8;;\\u{7}"
        );
        assert_eq!(terminal_safe("a\r\nb\0"), "a\\u{d}\\u{a}b\\u{0}");
        assert_eq!(terminal_safe("\u{7f}\u{9b}\u{85}"), "\\u{7f}\\u{9b}\\u{85}");
        assert_eq!(
            terminal_safe("\u{202e}\u{2066}\u{2069}\u{200e}\u{200f}\u{61c}"),
            "\\u{202e}\\u{2066}\\u{2069}\\u{200e}\\u{200f}\\u{61c}"
        );
        // Neighbours of the ranges are ordinary characters.
        for c in [
            '\u{a0}', '\u{2029}', '\u{202f}', '\u{2065}', '\u{206a}', '\u{200d}',
        ] {
            assert!(!is_unsafe(c), "{c:?}");
        }
    }

    #[test]
    fn source_keeps_its_line_breaks_and_maps_offsets() {
        assert!(ShownSource::new("a: b\r\nc: d\n\tx\n").is_none());
        let text = "a: \u{1b}[31mx\u{202e}y\r\nb: \rz\n";
        let shown = ShownSource::new(text).unwrap();
        assert_eq!(shown.text, "a: \\u{1b}[31mx\\u{202e}y\r\nb: \\u{d}z\n");
        let at = |original: &str| {
            let offset = text.find(original).unwrap() as u32;
            &shown.text[shown.offset(offset) as usize..]
        };
        assert!(at("\u{1b}").starts_with("\\u{1b}[31m"));
        assert!(at("[31m").starts_with("[31mx"));
        assert!(at("\u{202e}").starts_with("\\u{202e}y"));
        assert!(at("y").starts_with("y\r\n"));
        assert!(at("\rz").starts_with("\\u{d}z"));
        assert!(at("z").starts_with("z\n"));
        for offset in 0..=text.len() as u32 {
            if text.is_char_boundary(offset as usize) {
                assert_eq!(shown.original(shown.offset(offset)), offset);
            }
        }
        assert_eq!(shown.offset(0), 0);
        assert_eq!(shown.offset(text.len() as u32) as usize, shown.text.len());
        // Inside the three bytes of U+202E: where its escape starts.
        let inside = text.find('\u{202e}').unwrap() as u32 + 1;
        assert!(shown.text[shown.offset(inside) as usize..].starts_with("\\u{202e}"));
    }

    #[test]
    fn json_keeps_its_values_and_holds_no_raw_control() {
        let value = "\u{1b}[31m\u{7}\u{7f}\u{9b}\u{202e}é\n";
        let json = json_safe(serde_json::to_string(&value).unwrap());
        assert_eq!(json, r#""\u001b[31m\u0007\u007f\u009b\u202eé\n""#);
        assert_eq!(serde_json::from_str::<String>(&json).unwrap(), value);
        let plain = "{\n  \"a\": 1\n}".to_string();
        assert_eq!(json_safe(plain.clone()), plain);
    }
}
