//! What could not be read: the rest of a file whose parsing stopped
//! (`yaml-syntax`, `input-limit`), or a whole file that was not parsed.
//!
//! The documents there are unknown, so a name that points nowhere may well
//! be defined there, and a variable that looks unused may be used there.
//! Reporting those would give one finding per reference for one mistake,
//! and a misleading one ("the workloads of this application are …"). A
//! name counts as possibly defined in an unread part when that text
//! mentions it as a whole word: a document can only define or use a name
//! that its text spells.

use landfall_diagnostics::{FileId, Span};

/// The unread parts of the checked files.
#[derive(Clone, Debug, Default)]
pub struct Unread {
    parts: Vec<UnreadPart>,
}

#[derive(Clone, Debug)]
struct UnreadPart {
    file: FileId,
    /// The text that was not read; `None` when nothing of the file is
    /// known (a file too large to read), which may then hold any name.
    text: Option<String>,
}

impl Unread {
    /// Adds a file's unread part. The first file added that mentions a
    /// name is the one [`Unread::may_define`] names: add them in path order.
    pub fn add(&mut self, file: FileId, text: Option<String>) {
        self.parts.push(UnreadPart { file, text });
    }

    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// The files with an unread part, in the order they were added.
    pub fn files(&self) -> impl Iterator<Item = FileId> + '_ {
        self.parts.iter().map(|p| p.file)
    }

    /// The first file whose unread part may define or use `name`: it
    /// mentions it as a whole word, or nothing of it is known.
    pub fn may_define(&self, name: &str) -> Option<FileId> {
        if name.is_empty() {
            return None;
        }
        self.parts
            .iter()
            .find(|p| p.text.as_deref().is_none_or(|t| mentions(t, name)))
            .map(|p| p.file)
    }
}

/// Whether `text` holds `word` with no name character right before or
/// after it: `api` is in `name: api` and `[api, web]`, not in `apiVersion`
/// or `api-gateway`.
fn mentions(text: &str, word: &str) -> bool {
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(is_name_char) && !after.is_some_and(is_name_char)
    })
}

/// A reference that was not reported because the name may be defined in a
/// part of a file that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Withheld {
    pub name: String,
    /// The reference.
    pub span: Span,
    /// The file whose unread part mentions the name.
    pub unread: FileId,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_whole_words() {
        assert!(mentions("name: api\n", "api"));
        assert!(mentions("workloads: [api, web]", "api"));
        assert!(mentions("env: {A: \"${LOG_LEVEL}\"}", "LOG_LEVEL"));
        assert!(mentions("api", "api"));
        assert!(!mentions("apiVersion: landfall.dev/v1", "api"));
        assert!(!mentions("name: api-gateway", "api"));
        assert!(!mentions("name: my-api", "api"));
        assert!(!mentions("${LOG_LEVEL_2}", "LOG_LEVEL"));
        assert!(mentions("é api é", "api"));
    }

    #[test]
    fn the_first_file_that_mentions_a_name_may_define_it() {
        let mut unread = Unread::default();
        assert_eq!(unread.may_define("api"), None);
        unread.add(
            FileId(3),
            Some("kind: Workload\nmetadata: {name: worker".into()),
        );
        unread.add(FileId(1), Some("metadata: {name: api".into()));
        assert_eq!(unread.may_define("api"), Some(FileId(1)));
        assert_eq!(unread.may_define("worker"), Some(FileId(3)));
        assert_eq!(unread.may_define("shop"), None);
        assert_eq!(unread.may_define(""), None);
        // A file nothing is known of may hold any name.
        unread.add(FileId(7), None);
        assert_eq!(unread.may_define("shop"), Some(FileId(7)));
        assert_eq!(
            unread.files().collect::<Vec<_>>(),
            [FileId(3), FileId(1), FileId(7)]
        );
    }
}
