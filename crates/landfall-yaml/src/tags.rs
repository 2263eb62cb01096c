//! Tags as landfall reads them: the core schema's, YAML's non-specific
//! `!`, and the others, which landfall does not apply.

use saphyr_parser::Tag;

const CORE_PREFIX: &str = "tag:yaml.org,2002:";

#[derive(Debug, PartialEq, Eq)]
pub enum TagKind {
    /// `!` alone: a scalar is a string, not resolved by the plain-scalar
    /// rules; a collection is just that collection.
    NonSpecific,
    /// A core-schema tag by its name (`str`, `int`, `seq`), however it is
    /// written: `!!str`, `!<tag:yaml.org,2002:str>`, or a `%TAG` handle
    /// for the core prefix.
    Core(String),
    Other,
}

/// What a tag is. saphyr-parser resolves every tag to a prefix (its
/// `handle`) and a suffix whatever way it was written; a lone `!` comes
/// as an empty handle with the suffix `!`, a verbatim tag as an empty
/// handle with the whole tag as suffix.
pub fn kind(tag: &Tag) -> TagKind {
    if tag.handle.is_empty() && tag.suffix == "!" {
        return TagKind::NonSpecific;
    }
    let full = format!("{}{}", tag.handle, tag.suffix);
    match full.strip_prefix(CORE_PREFIX) {
        Some(name) => TagKind::Core(name.to_string()),
        None => TagKind::Other,
    }
}

/// The tag as a user writes it: its text in the source, when the node's
/// properties at `source` hold it, else its resolved form.
pub fn shown(tag: &Tag, source: &str) -> String {
    let written = source
        .split([' ', '\t', '\r', '\n'])
        .filter(|token| !token.is_empty())
        .take_while(|token| token.starts_with(['&', '!']))
        .find(|token| token.starts_with('!'));
    if let Some(written) = written {
        return written.to_string();
    }
    match kind(tag) {
        TagKind::NonSpecific => "!".to_string(),
        TagKind::Core(name) => format!("!!{name}"),
        TagKind::Other if tag.handle == "!" => format!("!{}", tag.suffix),
        TagKind::Other => format!("!<{}{}>", tag.handle, tag.suffix),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(handle: &str, suffix: &str) -> Tag {
        Tag {
            handle: handle.to_string(),
            suffix: suffix.to_string(),
        }
    }

    #[test]
    fn every_spelling_of_a_core_tag_is_the_core_tag() {
        let core = TagKind::Core("str".to_string());
        assert_eq!(kind(&tag("tag:yaml.org,2002:", "str")), core);
        assert_eq!(kind(&tag("", "tag:yaml.org,2002:str")), core);
        assert_eq!(kind(&tag("", "!")), TagKind::NonSpecific);
        assert_eq!(kind(&tag("!", "foo")), TagKind::Other);
        assert_eq!(kind(&tag("tag:example.com,2000:", "str")), TagKind::Other);
    }

    #[test]
    fn a_tag_is_shown_as_written() {
        let resolved = tag("tag:example.com,2000:app/", "foo");
        assert_eq!(shown(&resolved, "&a !e!foo bar"), "!e!foo");
        assert_eq!(shown(&resolved, "bar"), "!<tag:example.com,2000:app/foo>");
        assert_eq!(shown(&tag("!", "semver"), "1.0"), "!semver");
    }
}
