//! saphyr-parser's scan errors as landfall reports them: on the text at
//! fault, which is not always where the scanner noticed it.

use crate::parse::skip;

/// Where a scan error is reported and what it says. `at` is the
/// scanner's marker, `read_to` one past the text the parser had turned
/// into events.
pub fn place(text: &str, info: &str, at: u32, read_to: u32) -> (u32, String) {
    match info {
        // Noticed at the next token or the end of the text, once the key
        // can no longer be followed by its `:`. A key that must be one
        // starts its line in block context: the first token after the
        // text read that starts a line.
        "simple key expect ':'" => (
            line_start_token(text, read_to).min(at),
            "invalid YAML: expected `:` after this key".to_string(),
        ),
        // Noticed at the comment; the fault is the line after it, which
        // continues a plain scalar that the comment has ended.
        "comment intercepting the multiline text" => (
            skip(text, at, b""),
            "invalid YAML: a comment ended the plain scalar above, so this line cannot continue it"
                .to_string(),
        ),
        // Noticed at the scalar's start; the tab indents a later line.
        "while scanning a plain scalar, found a tab" => (
            indenting_tab(text, at).unwrap_or(at),
            "invalid YAML: tab cannot be used as indentation".to_string(),
        ),
        _ => (at, format!("invalid YAML: {info}")),
    }
}

/// The first token at or after `from` that is the first of its line
/// (comment lines have none).
fn line_start_token(text: &str, from: u32) -> u32 {
    let bytes = text.as_bytes();
    let mut at = skip(text, from, b"") as usize;
    loop {
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        if bytes[line_start..at]
            .iter()
            .all(|b| matches!(b, b' ' | b'\t'))
        {
            return at as u32;
        }
        // The rest of this line belongs to a token that started it.
        match text[at..].find('\n') {
            Some(end) => at = skip(text, (at + end) as u32, b"") as usize,
            None => return text.len() as u32,
        }
    }
}

/// The first tab in a line's leading blanks after `from`.
fn indenting_tab(text: &str, from: u32) -> Option<u32> {
    let mut line_start = from as usize + text.get(from as usize..)?.find('\n')? + 1;
    loop {
        let line = &text[line_start..];
        let blanks = line.len() - line.trim_start_matches([' ', '\t']).len();
        if let Some(tab) = line[..blanks].find('\t') {
            return Some((line_start + tab) as u32);
        }
        line_start += line.find('\n')? + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_without_colon_is_reported_at_the_key() {
        let text = "key:\n - bar\n - baz\n invalid\n";
        let (at, message) = place(text, "simple key expect ':'", text.len() as u32, 18);
        assert_eq!(&text[at as usize..], "invalid\n");
        assert_eq!(message, "invalid YAML: expected `:` after this key");
    }

    #[test]
    fn a_key_is_the_first_token_of_its_line() {
        let text = "key: &x\n!!map\n  a: b\n";
        let (at, _) = place(text, "simple key expect ':'", 16, 3);
        assert_eq!(&text[at as usize..], "!!map\n  a: b\n");
    }

    #[test]
    fn a_line_after_a_comment_is_reported_at_the_line() {
        let text = "word1  # comment\nword2\n";
        let (at, _) = place(text, "comment intercepting the multiline text", 7, 5);
        assert_eq!(&text[at as usize..], "word2\n");
    }

    #[test]
    fn a_tab_in_indentation_is_reported_at_the_tab() {
        let text = "foo:\n  a: 1\n  \tb: 2\n";
        let (at, _) = place(text, "while scanning a plain scalar, found a tab", 10, 10);
        assert_eq!(&text[at as usize..], "\tb: 2\n");
    }
}
