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
}
