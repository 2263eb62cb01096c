//! `${NAME}` references to Application variables in env values, command
//! and args, and where each one is in the source.

use landfall_diagnostics::Span;

use crate::types::{Spanned, VariableUse, Workload};

/// One `${NAME}` in a string: the name and the byte range of the whole
/// `${NAME}` in that string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VarRef<'a> {
    pub name: &'a str,
    pub start: usize,
    pub end: usize,
}

/// Every `${NAME}` in `text`, in order. `NAME` is
/// `[A-Za-z_][A-Za-z0-9_]*`; `$${` is an escape for a literal `${`; a `${`
/// not followed by a name and `}` is literal text.
pub fn variable_references(text: &str) -> Vec<VarRef<'_>> {
    let bytes = text.as_bytes();
    let mut refs = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"$${") {
            i += 3;
            continue;
        }
        if !bytes[i..].starts_with(b"${") {
            i += 1;
            continue;
        }
        let name_start = i + 2;
        let mut j = name_start;
        while j < bytes.len()
            && (bytes[j] == b'_'
                || bytes[j].is_ascii_alphabetic()
                || (j > name_start && bytes[j].is_ascii_digit()))
        {
            j += 1;
        }
        if j > name_start && bytes.get(j) == Some(&b'}') {
            refs.push(VarRef {
                // Every byte of the name is ASCII, so these are boundaries.
                name: &text[name_start..j],
                start: i,
                end: j + 1,
            });
            i = j + 1;
        } else {
            i += 2;
        }
    }
    refs
}

/// The references in a string value, each with its exact span in the
/// source. `source` is the whole text of the value's file.
///
/// The value is what YAML made of the source (quotes removed, escapes
/// applied, lines folded), so offsets in it are not offsets in the source.
/// The n-th `${NAME}` of the value is therefore located as the n-th
/// `${NAME}` of the same name in the node's source text; when the source
/// does not have it (it was written with escapes), the span is the whole
/// value.
pub fn located_references<'v>(value: &'v Spanned<String>, source: &str) -> Vec<(VarRef<'v>, Span)> {
    let refs = variable_references(&value.value);
    if refs.is_empty() {
        return Vec::new();
    }
    let start = value.span.start as usize;
    let slice = source.get(start..value.span.end as usize).unwrap_or("");
    let in_source = variable_references(slice);
    let mut seen: Vec<(&str, usize)> = Vec::new();
    refs.into_iter()
        .map(|r| {
            let nth = match seen.iter_mut().find(|(n, _)| *n == r.name) {
                Some((_, count)) => {
                    *count += 1;
                    *count - 1
                }
                None => {
                    seen.push((r.name, 1));
                    0
                }
            };
            let span = in_source
                .iter()
                .filter(|s| s.name == r.name)
                .nth(nth)
                .map_or(value.span, |s| {
                    Span::new(
                        value.span.file,
                        (start + s.start) as u32,
                        (start + s.end) as u32,
                    )
                });
            (r, span)
        })
        .collect()
}

/// Every `${NAME}` in a workload's env values, command and args, located
/// in `source` (the text of the workload's file).
pub fn workload_uses(workload: &Workload, source: &str) -> Vec<VariableUse> {
    let mut uses = Vec::new();
    for container in &workload.containers {
        let env = container
            .env
            .iter()
            .map(|(name, value)| (Some(name), value));
        let argv = container
            .command
            .iter()
            .flatten()
            .chain(container.args.iter().flatten())
            .map(|value| (None, value));
        for (env, value) in env.chain(argv) {
            if !value.value.contains("${") {
                continue;
            }
            for (reference, span) in located_references(value, source) {
                uses.push(VariableUse {
                    name: reference.name.to_string(),
                    span,
                    env: env.map(|e| e.span),
                });
            }
        }
    }
    uses
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<(&str, usize, usize)> {
        variable_references(text)
            .into_iter()
            .map(|r| (r.name, r.start, r.end))
            .collect()
    }

    #[test]
    fn finds_references_and_skips_escapes() {
        assert_eq!(names("${A}"), [("A", 0, 4)]);
        assert_eq!(
            names("x ${LOG_LEVEL} y ${B_2}"),
            [("LOG_LEVEL", 2, 14), ("B_2", 17, 23)]
        );
        assert_eq!(names("$${A} ${B}"), [("B", 6, 10)]);
        assert_eq!(names("$$${A}"), []);
        assert_eq!(names("${} ${1A} ${A-B} ${A"), []);
        assert_eq!(names("$A ${_x}"), [("_x", 3, 8)]);
        assert_eq!(names("é${Ü}${B}"), [("B", 7, 11)]);
    }
}
