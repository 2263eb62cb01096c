//! Helpers shared by the workload rules: finding a mapping's key in the
//! source, and mapping an offset inside a string value to the source.

use landfall_diagnostics::Span;
use landfall_model::{LoadedDocument, Spanned, Workload, WorkloadType};

use crate::context::DocumentContext;

/// The workload a document holds, with its type, when it has one.
pub fn workload(doc: &LoadedDocument) -> Option<(&Workload, &Spanned<WorkloadType>)> {
    let workload = doc.doc.as_workload()?;
    let ty = workload.workload_type.as_ref()?;
    Some((workload, ty))
}

/// The span of the key `key` whose value starts at `value`: `job` in
/// `job:\n  schedule: …` or `{job: {…}}`, so that a finding about a
/// whole mapping points at its key line. `value` itself when the key
/// cannot be found.
pub fn key_span(ctx: &DocumentContext, value: Span, key: &str) -> Span {
    let text = ctx.sources.file(value.file).text();
    match key_before(text, value.start as usize, key) {
        Some((start, end)) => Span::new(value.file, start as u32, end as u32),
        None => value,
    }
}

/// Byte range of `key` (quotes included) in `key: value` or `key:` followed
/// by comment lines, where the value starts at `value_start`.
fn key_before(text: &str, value_start: usize, key: &str) -> Option<(usize, usize)> {
    let mut prefix = text.get(..value_start)?;
    // Each round strips one trailing comment.
    for _ in 0..16 {
        let trimmed = prefix.trim_end();
        if let Some(before_colon) = trimmed.strip_suffix(':') {
            let before = before_colon.trim_end_matches([' ', '\t']);
            let (unquoted, quote) = match before.chars().next_back() {
                Some(q @ ('"' | '\'')) => (&before[..before.len() - 1], Some(q)),
                _ => (before, None),
            };
            let mut rest = unquoted.strip_suffix(key)?;
            if let Some(q) = quote {
                // The opening quote must match the closing one.
                rest = rest.strip_suffix(q)?;
            }
            let boundary = rest
                .chars()
                .next_back()
                .is_none_or(|c| c.is_whitespace() || matches!(c, '{' | ',' | '"' | '\''));
            if !boundary {
                return None;
            }
            return Some((rest.len(), before.len()));
        }
        // A comment ends the last line: drop it and look again.
        let line_start = trimmed.rfind('\n').map_or(0, |i| i + 1);
        let line = &trimmed[line_start..];
        let hash = if line.trim_start().starts_with('#') {
            line.find('#')?
        } else {
            line.find(" #")?
        };
        prefix = &trimmed[..line_start + hash];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::key_before;

    fn key(text: &str, value: &str, key: &str) -> Option<String> {
        let at = text.find(value)?;
        key_before(text, at, key).map(|(s, e)| text[s..e].to_string())
    }

    #[test]
    fn finds_keys_before_values() {
        let block = "spec:\n  job:\n    schedule: x\n";
        assert_eq!(key(block, "schedule", "job").as_deref(), Some("job"));
        let flow = "spec: {job: {schedule: x}}";
        assert_eq!(key(flow, "{schedule", "job").as_deref(), Some("job"));
        let quoted = "spec:\n  \"job\": {schedule: x}";
        assert_eq!(key(quoted, "{schedule", "job").as_deref(), Some("\"job\""));
        let comment = "spec:\n  job: # nightly\n    # at three\n    schedule: x\n";
        assert_eq!(key(comment, "schedule", "job").as_deref(), Some("job"));
        assert_eq!(
            key("spec:\n  myjob:\n    schedule: x", "schedule", "job"),
            None
        );
        assert_eq!(key("- schedule: x", "schedule", "job"), None);
        assert_eq!(key("job\": {schedule: x}", "{schedule", "job"), None);
        assert_eq!(key("'job\": {schedule: x}", "{schedule", "job"), None);
        assert_eq!(key(": {schedule: x}", "{schedule", "job"), None);
    }
}
