//! Fixes: byte-exact edits a finding offers, and applying them to a text.
//!
//! A fix is a set of edits on spans of the file as read, made by the stage
//! that knows the fix (the YAML reader quotes an ambiguous scalar, the
//! schema stage renames a misspelled key, resolution renames a reference).
//! `check --fix`, `check --diff`, SARIF's `fixes` and the language
//! server's code actions all read the same edits.

use std::ops::Range;

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

/// Whether a fix may be applied without asking, as ruff decides: a safe
/// fix keeps what the file means to its author; an unsafe one changes it
/// (a default inserted, a finding suppressed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    Safe,
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// Replace the bytes of `span` with `replacement` (an empty span inserts).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

/// A change that resolves a finding: every edit or none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    /// What the fix does, in the imperative: "rename to `image`".
    pub message: String,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn safe(message: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            applicability: Applicability::Safe,
            message: message.into(),
            edits,
        }
    }

    pub fn unsafe_(message: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            applicability: Applicability::Unsafe,
            message: message.into(),
            edits,
        }
    }

    /// One edit replacing `span`.
    pub fn replace(
        applicability: Applicability,
        message: impl Into<String>,
        span: Span,
        replacement: impl Into<String>,
    ) -> Fix {
        Fix {
            applicability,
            message: message.into(),
            edits: vec![Edit {
                span,
                replacement: replacement.into(),
            }],
        }
    }
}

/// The edit that renames a scalar naming something (a key, a workload, a
/// scope type) from `old` to `new`, keeping how it is written: `span` is
/// the scalar's node as read; plain, it is replaced whole; quoted, only
/// what is inside the quotes. `None` when the source is not exactly the
/// name, bare or in quotes (escapes, a tag, an anchor): such a name is
/// left for the user to rename.
pub fn rename_scalar(span: Span, old: &str, new: &str) -> Option<Edit> {
    let len = span.end.checked_sub(span.start)? as usize;
    let inner = if len == old.len() {
        span
    } else if len == old.len() + 2 {
        Span::new(span.file, span.start + 1, span.end - 1)
    } else {
        return None;
    };
    Some(Edit {
        span: inner,
        replacement: new.to_string(),
    })
}

/// The fixes to apply to `file`, in the order the findings come, that
/// `unsafe_fixes` allows: each finding's first such fix.
pub fn applicable_fixes(diagnostics: &[Diagnostic], file: FileId, unsafe_fixes: bool) -> Vec<&Fix> {
    diagnostics
        .iter()
        .filter(|d| d.span.file == file && !d.is_suppressed())
        .filter_map(|d| {
            d.fixes.iter().find(|f| {
                (unsafe_fixes || f.applicability == Applicability::Safe)
                    && f.edits.iter().all(|e| e.span.file == file)
            })
        })
        .collect()
}

/// Applies the fixes that do not overlap an earlier one to `text`; returns
/// the new text and how many fixes were applied. A fix whose edits touch
/// an accepted fix's bytes, or lie outside the text, waits for the next
/// round (the caller checks again and applies it if it still holds). Two
/// insertions at one offset overlap, so their order is never a guess.
pub fn apply_fixes(text: &str, fixes: &[&Fix]) -> (String, usize) {
    let mut taken: Vec<(Range<usize>, &str)> = Vec::new();
    let mut applied = 0;
    for fix in fixes {
        let ranges: Vec<Range<usize>> = fix
            .edits
            .iter()
            .map(|e| e.span.start as usize..e.span.end as usize)
            .collect();
        let fits = ranges.iter().all(|r| {
            r.start <= r.end
                && r.end <= text.len()
                && text.is_char_boundary(r.start)
                && text.is_char_boundary(r.end)
        });
        let overlaps = |a: &Range<usize>, b: &Range<usize>| {
            a.start < b.end && b.start < a.end || a.start == b.start
        };
        let clash = ranges.iter().enumerate().any(|(i, r)| {
            taken.iter().any(|(t, _)| overlaps(r, t))
                || ranges[..i].iter().any(|other| overlaps(r, other))
        });
        if !fits || clash {
            continue;
        }
        for (range, edit) in ranges.into_iter().zip(&fix.edits) {
            taken.push((range, &edit.replacement));
        }
        applied += 1;
    }
    taken.sort_by_key(|(r, _)| (r.start, r.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (range, replacement) in taken {
        out.push_str(&text[at..range.start]);
        out.push_str(replacement);
        at = range.end;
    }
    out.push_str(&text[at..]);
    (out, applied)
}

/// A unified diff of one file, as `diff -u` and ruff's `--diff` print it,
/// with three lines of context; empty when nothing changed.
pub fn unified_diff(name: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .missing_newline_hint(true)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(start: u32, end: u32) -> Span {
        Span::new(FileId(0), start, end)
    }

    #[test]
    fn renames_keep_quotes() {
        let plain = rename_scalar(at(4, 9), "imag", "image").is_none();
        assert!(plain, "a span that is not the name is left alone");
        let edit = rename_scalar(at(4, 8), "imag", "image").unwrap();
        assert_eq!(edit.span, at(4, 8));
        let edit = rename_scalar(at(4, 10), "imag", "image").unwrap();
        assert_eq!(edit.span, at(5, 9));
    }

    #[test]
    fn overlapping_fixes_wait_for_the_next_round() {
        let text = "abcdef";
        let one = Fix::replace(Applicability::Safe, "one", at(1, 3), "X");
        let two = Fix::replace(Applicability::Safe, "two", at(2, 4), "Y");
        let three = Fix::replace(Applicability::Safe, "three", at(5, 5), "!");
        let (out, applied) = apply_fixes(text, &[&one, &two, &three]);
        assert_eq!(out, "aXde!f");
        assert_eq!(applied, 2);
    }

    #[test]
    fn a_diff_has_headers_and_context() {
        let diff = unified_diff("a.yaml", "x: 1\ny: on\n", "x: 1\ny: \"on\"\n");
        assert!(diff.starts_with("--- a/a.yaml\n+++ b/a.yaml\n@@ -1,2 +1,2 @@\n"));
        assert!(diff.contains("-y: on\n+y: \"on\"\n"));
        assert_eq!(unified_diff("a.yaml", "x\n", "x\n"), "");
    }
}
