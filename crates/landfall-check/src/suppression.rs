//! Inline suppressions: `# landfall-ignore: RULE[, RULE] -- reason`.
//!
//! Comments are found per file while its text and node tree are at hand
//! ([`scan`], only for files whose text mentions `landfall-ignore`) and kept
//! as byte ranges; they are applied once every finding of the run is known
//! ([`apply`]), so front-end, per-document and project findings are all
//! suppressible. A suppressed finding is kept with its
//! [`Suppression`](landfall_diagnostics::Suppression) instead of dropped.

use std::collections::{HashMap, HashSet};

use landfall_diagnostics::{
    Diagnostic, FileId, RuleMeta, Severity, Span, Suppression, did_you_mean,
};
use landfall_yaml::{Document, Node, Value};

pub static UNUSED_SUPPRESSION: RuleMeta = RuleMeta {
    id: "unused-suppression",
    severity: Severity::Warning,
    summary: "a `# landfall-ignore:` comment that suppresses nothing",
    docs: r#"## What it checks
Every `# landfall-ignore: RULE[, RULE] -- reason` comment. The comment
suppresses the named rules' findings on the node it is attached to and the
node's children: the node that starts on the comment's line, or, for a
comment alone on its line, on the next line that is not a comment (so
several suppressions can be stacked; a blank line ends the reach). The
comment ends at the line end or at another ` #` comment on the line. It is
reported when:

- a rule it names has no finding there (each such rule is reported);
- it names a rule that does not exist (with a did-you-mean);
- it has no reason after ` -- `: a suppression without a reason is not
  applied, so the finding it was meant for is reported as well;
- it is malformed (no `:` after `landfall-ignore`, an empty rule list).

`unused-suppression` itself cannot be suppressed inline; set it to `off`
in `landfall.toml` instead.

## Why
A suppression outlives the finding it was written for: the port gets
changed, the comment stays and would silently hide the next, unrelated
problem on that line. ruff's `RUF100` and ESLint's
`--report-unused-disable-directives` report them for the same reason. The
reason is required so that a reviewer can judge the exception.

## Example
```yaml fail
apiVersion: landfall.dev/v1
kind: Application
metadata:
  name: shop
  # The value was quoted since: the comment has nothing left to suppress.
  # landfall-ignore: ambiguous-scalar -- Norway's country code, a string here
  labels: {country: "NO"}
spec: {version: "2.4.2"}
```

```yaml pass
apiVersion: landfall.dev/v1
kind: Application
metadata:
  name: shop
  # landfall-ignore: ambiguous-scalar -- Norway's country code, a string here
  labels: {country: NO}
spec: {version: "2.4.2"}
```
"#,
};

/// One well-formed suppression comment of a file.
#[derive(Debug, Clone)]
pub(crate) struct Comment {
    /// From `#` to the end of the comment.
    span: Span,
    /// The rule ids it names, each with its span in the comment.
    rules: Vec<(String, Span)>,
    reason: String,
    /// Byte ranges it covers: its target line and every node starting on it.
    covers: Vec<(u32, u32)>,
}

/// The marker every suppression comment holds; files without it are not scanned.
pub(crate) const MARKER: &str = "landfall-ignore";

/// The suppression comments of one file, and findings for the malformed
/// ones. `known` says whether a rule id exists.
pub(crate) fn scan(
    file: FileId,
    text: &str,
    documents: &[Document],
    known: &dyn Fn(&str) -> bool,
    ids: &[&'static str],
) -> (Vec<Comment>, Vec<Diagnostic>) {
    let mut comments = Vec::new();
    let mut diagnostics = Vec::new();
    for (at, _) in text.match_indices(MARKER) {
        let Some(hash) = comment_start(text, at) else {
            continue;
        };
        if documents
            .iter()
            .any(|d| inside_scalar(&d.root, hash as u32))
        {
            continue;
        }
        let line_end = text[at..].find('\n').map_or(text.len(), |n| at + n);
        // The comment ends at the line end or at another comment on the
        // line (`# landfall-ignore: … -- reason  # other tool`).
        let end = [" #", "\t#"]
            .iter()
            .filter_map(|m| text[at..line_end].find(m))
            .min()
            .map_or(line_end, |n| at + n);
        let comment_text = text[hash..end].trim_end();
        let comment_span = Span::new(file, hash as u32, (hash + comment_text.len()) as u32);
        let after = at + MARKER.len();
        let rest = &text[after..hash + comment_text.len()];
        let Some(body) = rest.strip_prefix(':') else {
            diagnostics.push(malformed(comment_span, "no `:` after `landfall-ignore`"));
            continue;
        };
        let body_start = after + 1;
        let (list, reason) = match body.find("--") {
            Some(dash) => (&body[..dash], Some(body[dash + 2..].trim())),
            None => (body, None),
        };
        let mut rules = Vec::new();
        let mut usable = true;
        let mut offset = body_start;
        for item in list.split(',') {
            let id = item.trim();
            let id_start = offset + (item.len() - item.trim_start().len());
            offset += item.len() + 1;
            let id_span = Span::new(file, id_start as u32, (id_start + id.len()) as u32);
            if id.is_empty() {
                diagnostics.push(malformed(comment_span, "an empty rule id in its list"));
                usable = false;
                continue;
            }
            if id == UNUSED_SUPPRESSION.id {
                diagnostics.push(
                    Diagnostic::new(
                        &UNUSED_SUPPRESSION,
                        id_span,
                        "`unused-suppression` cannot be suppressed inline",
                    )
                    .with_span_label("suppresses nothing")
                    .with_help("set `unused-suppression = \"off\"` under `[rules]` in landfall.toml instead"),
                );
                continue;
            }
            if !known(id) {
                let help = match did_you_mean(id, ids.iter().copied()) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => "`landfall rules` lists the rule ids".to_string(),
                };
                diagnostics.push(
                    Diagnostic::new(
                        &UNUSED_SUPPRESSION,
                        id_span,
                        format!("no rule `{id}` to suppress"),
                    )
                    .with_span_label("unknown rule")
                    .with_help(help),
                );
                continue;
            }
            rules.push((id.to_string(), id_span));
        }
        let reason = match reason {
            Some(reason) if !reason.is_empty() => reason,
            _ => {
                diagnostics.push(
                    Diagnostic::new(
                        &UNUSED_SUPPRESSION,
                        comment_span,
                        "a suppression without a reason is not applied",
                    )
                    .with_span_label("no reason after ` -- `")
                    .with_help("say why, e.g. `# landfall-ignore: blocked-port -- the legacy gateway needs 9090`"),
                );
                continue;
            }
        };
        if !usable || rules.is_empty() {
            if usable && list.trim().is_empty() {
                diagnostics.push(malformed(comment_span, "no rule id before ` -- `"));
            }
            continue;
        }
        let target = target_line(text, hash);
        let mut covers = vec![target];
        for document in documents {
            outermost_on_line(text, &document.root, false, target, &mut covers);
        }
        comments.push(Comment {
            span: comment_span,
            rules,
            reason: reason.to_string(),
            covers,
        });
    }
    (comments, diagnostics)
}

fn malformed(span: Span, what: &str) -> Diagnostic {
    Diagnostic::new(
        &UNUSED_SUPPRESSION,
        span,
        format!("malformed suppression comment: {what}"),
    )
    .with_span_label("suppresses nothing")
    .with_help("write `# landfall-ignore: RULE[, RULE] -- reason`")
}

/// The offset of the `#` opening a comment whose first word is the marker
/// at `marker`, if it is one: a `#` at the line start or after whitespace,
/// with only spaces between it and the marker.
fn comment_start(text: &str, marker: usize) -> Option<usize> {
    let before = text[..marker].trim_end_matches([' ', '\t']);
    let hash = before.len().checked_sub(1)?;
    if !before.ends_with('#') {
        return None;
    }
    let opens_comment = match text[..hash].chars().next_back() {
        None => true,
        Some(c) => c.is_whitespace() || c == '\u{feff}',
    };
    opens_comment.then_some(hash)
}

/// Whether `offset` lies inside a scalar's text (a quoted or block string
/// that merely contains the marker).
fn inside_scalar(node: &Node, offset: u32) -> bool {
    if offset < node.start || offset >= node.end {
        return false;
    }
    match &node.value {
        Value::Seq(items) => items.iter().any(|n| inside_scalar(n, offset)),
        Value::Map(entries) => entries
            .iter()
            .any(|e| inside_scalar(&e.key, offset) || inside_scalar(&e.value, offset)),
        _ => true,
    }
}

/// The byte range of the line a comment is attached to: its own line when
/// code precedes it, else the next line that is not itself only a comment
/// (so suppressions can be stacked).
fn target_line(text: &str, hash: usize) -> (u32, u32) {
    let line_start = text[..hash].rfind('\n').map_or(0, |n| n + 1);
    let alone = text[line_start..hash]
        .trim()
        .trim_start_matches('\u{feff}')
        .is_empty();
    let line_end = |start: usize| text[start..].find('\n').map_or(text.len(), |n| start + n);
    let mut start = line_start;
    if alone {
        loop {
            let end = line_end(start);
            if end >= text.len() {
                // The comment ends the file: it is attached to nothing.
                return (text.len() as u32, text.len() as u32);
            }
            start = end + 1;
            if !text[start..line_end(start)].trim_start().starts_with('#') {
                break;
            }
        }
    }
    (start as u32, line_end(start) as u32)
}

/// Adds the range of every outermost node (or mapping entry, key and value
/// together) that starts on `line`. A block collection under a key (or a
/// document's root) starts where its first item does, so it is not itself
/// "the node on the line": its first item is (a comment above the first list
/// item covers that item, as above any other). A list item is a node of its
/// line whatever its style, and flow collections (`{…}`, `[…]`) start at
/// their bracket.
fn outermost_on_line(
    text: &str,
    node: &Node,
    is_item: bool,
    line: (u32, u32),
    covers: &mut Vec<(u32, u32)>,
) {
    let starts_on = |start: u32| start >= line.0 && start < line.1.max(line.0 + 1);
    let touches = |n: &Node| n.start <= line.1 && n.end >= line.0;
    let is_block_collection = matches!(node.value, Value::Seq(_) | Value::Map(_))
        && !matches!(text.as_bytes().get(node.start as usize), Some(b'[' | b'{'));
    if starts_on(node.start) && (is_item || !is_block_collection) {
        covers.push((node.start, node.end));
        return;
    }
    match &node.value {
        Value::Seq(items) => {
            for item in items.iter().filter(|n| touches(n)) {
                outermost_on_line(text, item, true, line, covers);
            }
        }
        Value::Map(entries) => {
            for entry in entries {
                if starts_on(entry.key.start) {
                    covers.push((entry.key.start, entry.key.end.max(entry.value.end)));
                } else if touches(&entry.value) {
                    outermost_on_line(text, &entry.value, false, line, covers);
                }
            }
        }
        _ => {}
    }
}

/// Marks every finding a comment covers as suppressed, then reports each
/// rule a comment names that suppressed nothing. `comments` are by file.
/// A rule that a later stage reports (lowering's `plan/*`) is never
/// unused here: `landfall check` does not run that stage.
pub(crate) fn apply(
    diagnostics: &mut Vec<Diagnostic>,
    comments: &HashMap<FileId, Vec<Comment>>,
    incomplete: &dyn Fn(&str) -> bool,
) {
    if comments.is_empty() {
        return;
    }
    let used = mark(diagnostics, comments);
    let mut files: Vec<&FileId> = comments.keys().collect();
    files.sort();
    for &file in files {
        for (c, comment) in comments[&file].iter().enumerate() {
            for (r, (rule, span)) in comment.rules.iter().enumerate() {
                // A rule that left some document unjudged (schema faults,
                // files that could not be read) may yet find what this
                // suppresses.
                if used.contains(&(file, c, r)) || reported_later(rule) || incomplete(rule) {
                    continue;
                }
                diagnostics.push(
                    Diagnostic::new(
                        &UNUSED_SUPPRESSION,
                        *span,
                        format!("`{rule}` is suppressed here but has no finding to suppress"),
                    )
                    .with_span_label("suppresses nothing")
                    .with_help(
                        "remove it; a comment covers the node starting on its line, or on the next line when the comment is alone on its line",
                    ),
                );
            }
        }
    }
}

/// Whether a later stage than check reports this rule.
pub(crate) fn reported_later(rule: &str) -> bool {
    crate::registry::stage_of(rule) == Some(crate::registry::Stage::Lowering)
}

impl Comment {
    /// Whether it names a rule a later stage reports.
    pub(crate) fn names_later_rule(&self) -> bool {
        self.rules.iter().any(|(rule, _)| reported_later(rule))
    }
}

/// Marks every finding a comment covers as suppressed; returns which rule
/// of which comment (file, comment, rule) suppressed something.
pub(crate) fn mark(
    diagnostics: &mut [Diagnostic],
    comments: &HashMap<FileId, Vec<Comment>>,
) -> HashSet<(FileId, usize, usize)> {
    let mut used: HashSet<(FileId, usize, usize)> = HashSet::new();
    for d in diagnostics.iter_mut().filter(|d| d.suppression.is_none()) {
        let Some(file_comments) = comments.get(&d.span.file) else {
            continue;
        };
        let at = d.span.start;
        'comments: for (c, comment) in file_comments.iter().enumerate() {
            if !comment
                .covers
                .iter()
                .any(|&(s, e)| at >= s && (at < e || at == s))
            {
                continue;
            }
            for (r, (rule, _)) in comment.rules.iter().enumerate() {
                if *rule == d.rule {
                    d.suppression = Some(Suppression {
                        reason: comment.reason.clone(),
                        span: comment.span,
                    });
                    used.insert((d.span.file, c, r));
                    break 'comments;
                }
            }
        }
    }
    used
}

#[cfg(test)]
mod tests {
    use super::*;
    use landfall_yaml::{Limits, parse};

    fn comments(text: &str) -> (Vec<Comment>, Vec<Diagnostic>) {
        let parsed = parse(FileId(0), text, &Limits::default());
        let ids = ["blocked-port", "port-range"];
        scan(
            FileId(0),
            text,
            &parsed.documents,
            &|id| ids.contains(&id),
            &ids,
        )
    }

    #[test]
    fn a_comment_alone_covers_the_node_on_the_next_line_and_its_children() {
        let text = "a:\n  # landfall-ignore: blocked-port -- legacy\n  b:\n    c: 1\nd: 2\n";
        let (found, problems) = comments(text);
        assert!(problems.is_empty(), "{problems:?}");
        let b = text.find("b:").unwrap() as u32;
        let c_value = text.find("1\n").unwrap() as u32;
        let d = text.find("d:").unwrap() as u32;
        let covered = |at: u32| found[0].covers.iter().any(|&(s, e)| at >= s && at < e);
        assert!(covered(b) && covered(c_value));
        assert!(!covered(d));
        assert_eq!(found[0].reason, "legacy");
    }

    #[test]
    fn a_trailing_comment_covers_its_own_line_and_stacked_comments_share_a_target() {
        let text = "# landfall-ignore: port-range -- two\n# landfall-ignore: blocked-port -- one\nports: [9090] # landfall-ignore: port-range -- x\n";
        let (found, problems) = comments(text);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(found.len(), 3);
        let ports = text.find("ports").unwrap() as u32;
        assert!(
            found
                .iter()
                .all(|c| c.covers.iter().any(|&(s, e)| ports >= s && ports < e))
        );
    }

    #[test]
    fn malformed_unknown_and_reasonless_comments_are_reported() {
        let text = "a: 1 # landfall-ignore blocked-port -- x\nb: 2 # landfall-ignore: blockd-port -- x\nc: 3 # landfall-ignore: blocked-port\nd: \"# landfall-ignore: nothing\"\n";
        let (found, problems) = comments(text);
        assert!(found.is_empty());
        let messages: Vec<&str> = problems.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "malformed suppression comment: no `:` after `landfall-ignore`",
                "no rule `blockd-port` to suppress",
                "a suppression without a reason is not applied",
            ]
        );
        assert_eq!(
            problems[1].help.as_deref(),
            Some("did you mean `blocked-port`?")
        );
    }
}
