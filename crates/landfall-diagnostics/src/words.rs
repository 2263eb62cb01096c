//! Words that messages share: how a list of names and a place in a
//! document read to a user.

/// `a`, `b`, `c`: each item in backticks, joined by commas.
pub fn code_list<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    items
        .into_iter()
        .map(|i| format!("`{}`", i.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A JSON pointer as a user reads it: `/spec/containers/0/image` is
/// `spec.containers[0].image`. Empty for the root.
pub fn describe_pointer(pointer: &str) -> String {
    let mut out = String::new();
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{segment}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&segment);
        }
    }
    out
}

/// How many bytes of one piece of user input a message may repeat; a
/// longer one keeps its start and end with the middle elided ([`elide`]).
pub const MAX_QUOTED: usize = 200;

/// A message never longer than this many bytes, whatever it quotes.
pub const MAX_MESSAGE: usize = 2000;

/// `text` with its middle elided when it is longer than `max` bytes: the
/// first two thirds of `max` and the last sixth, cut at character
/// boundaries, around `…(N bytes elided)…`. Shorter text is returned as is.
pub fn elide(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    if text.len() <= max {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut head = max * 2 / 3;
    while !text.is_char_boundary(head) {
        head -= 1;
    }
    let mut tail = text.len() - max / 6;
    while !text.is_char_boundary(tail) {
        tail += 1;
    }
    std::borrow::Cow::Owned(format!(
        "{}…({} bytes elided)…{}",
        &text[..head],
        tail - head,
        &text[tail..]
    ))
}

/// A message as a diagnostic holds it: every backtick-quoted part longer
/// than [`MAX_QUOTED`] elided in the middle, and the whole at most
/// [`MAX_MESSAGE`] bytes, so that no finding repeats a megabyte of input
/// (a regexp, a pattern, a value) however it was worded.
pub fn bounded(message: String) -> String {
    if message.len() <= MAX_QUOTED {
        return message;
    }
    let mut out = String::with_capacity(message.len().min(MAX_MESSAGE + 64));
    let mut parts = message.split('`');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    // Odd parts are inside backticks.
    for (n, part) in parts.enumerate() {
        out.push('`');
        if n % 2 == 0 {
            out.push_str(&elide(part, MAX_QUOTED));
        } else {
            out.push_str(part);
        }
    }
    match elide(&out, MAX_MESSAGE) {
        std::borrow::Cow::Borrowed(_) => out,
        std::borrow::Cow::Owned(short) => short,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_pointers_read_as_words() {
        assert_eq!(code_list(["a", "b"]), "`a`, `b`");
        assert_eq!(code_list(Vec::<String>::new()), "");
        assert_eq!(describe_pointer(""), "");
        assert_eq!(
            describe_pointer("/spec/containers/0/image"),
            "spec.containers[0].image"
        );
        assert_eq!(describe_pointer("/a/b~1c"), "a.b/c");
    }

    #[test]
    fn long_quotes_lose_their_middle() {
        assert_eq!(elide("short", 10), "short");
        let long = "a".repeat(100) + &"b".repeat(1000) + &"c".repeat(100);
        let shown = elide(&long, 300);
        assert!(shown.starts_with(&"a".repeat(100)));
        assert!(shown.ends_with(&"c".repeat(50)));
        assert!(shown.contains("bytes elided"));
        assert!(shown.len() < 300 + 40);
        // Never inside a character.
        let wide = "é".repeat(1000);
        assert!(elide(&wide, 301).contains("…("));
    }

    #[test]
    fn bounded_messages_quote_at_most_a_few_hundred_bytes() {
        let regexp = "(a|".repeat(300_000);
        let message = bounded(format!("`{regexp}` does not compile: too large"));
        assert!(message.len() < MAX_QUOTED + 60, "{}", message.len());
        assert!(message.ends_with("` does not compile: too large"));
        let plain = "x".repeat(1_000_000);
        assert!(bounded(plain).len() <= MAX_MESSAGE + 40);
        let ordinary = "port `9090` is blocked by the platform".to_string();
        assert_eq!(bounded(ordinary.clone()), ordinary);
    }
}
