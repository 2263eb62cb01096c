//! One line per finding, for grep, editors' quickfix lists and humans who
//! want the list without the source excerpts (ruff's `concise`), and the
//! per-rule counts of `--statistics`.

use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, RuleInfo};
use crate::escape::terminal_safe;
use crate::source::SourceDb;

/// `path:line:col: severity[rule] message` per finding that is not
/// suppressed, in the order given. Line breaks in a message become spaces
/// so that each finding stays one line.
pub fn render_concise(diagnostics: &[Diagnostic], db: &SourceDb) -> String {
    let mut out = String::new();
    for d in diagnostics.iter().filter(|d| !d.is_suppressed()) {
        let (start, _) = db.range(d.span);
        // Line breaks first: the escaping would keep them as `\u{a}`.
        let message = d.message.replace(['\n', '\r'], " ");
        out.push_str(&format!(
            "{}:{}:{}: {}[{}] {}\n",
            terminal_safe(db.file(d.span.file).name()),
            start.line,
            start.column,
            d.severity.as_str(),
            terminal_safe(&d.rule),
            terminal_safe(&message)
        ));
    }
    out
}

/// How many findings (not suppressed) each rule has, most first, then by
/// rule id: `COUNT  RULE  SUMMARY`, the summary from `rules` when known.
pub fn render_statistics(diagnostics: &[Diagnostic], rules: &[RuleInfo]) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for d in diagnostics.iter().filter(|d| !d.is_suppressed()) {
        *counts.entry(&d.rule[..]).or_default() += 1;
    }
    let mut rows: Vec<(&str, usize)> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let count_width = rows
        .iter()
        .map(|r| r.1.to_string().len())
        .max()
        .unwrap_or(1);
    let rule_width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (rule, count) in rows {
        let summary = rules
            .iter()
            .find(|r| r.id == rule)
            .map(|r| r.summary.as_str())
            .unwrap_or("");
        let line = format!("{count:>count_width$}  {rule:rule_width$}  {summary}");
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{RuleMeta, Severity, Suppression};
    use crate::source::Span;

    static PORT: RuleMeta = RuleMeta {
        id: "blocked-port",
        severity: Severity::Error,
        summary: "a port the platform blocks",
        docs: "",
    };
    static TAG: RuleMeta = RuleMeta {
        id: "latest-tag",
        severity: Severity::Warning,
        summary: "an image without a pinned tag",
        docs: "",
    };

    #[test]
    fn one_line_per_finding_and_counts_by_rule() {
        let mut db = SourceDb::new();
        let file = db.add("apps/api.yaml", "a: 1\nport: 9090\nimage: x:latest\n");
        let port = Diagnostic::new(&PORT, Span::new(file, 11, 15), "port 9090\nis blocked");
        let tag = Diagnostic::new(&TAG, Span::new(file, 23, 31), "pin the tag");
        let mut hidden = tag.clone();
        hidden.suppression = Some(Suppression {
            reason: "legacy".into(),
            span: Span::new(file, 0, 0),
        });
        let all = [port.clone(), tag.clone(), hidden, tag];
        assert_eq!(
            render_concise(&all[..2], &db),
            "apps/api.yaml:2:7: error[blocked-port] port 9090 is blocked\n\
             apps/api.yaml:3:8: warning[latest-tag] pin the tag\n"
        );
        let rules = [RuleInfo::from(&PORT), RuleInfo::from(&TAG)];
        assert_eq!(
            render_statistics(&all, &rules),
            "2  latest-tag    an image without a pinned tag\n\
             1  blocked-port  a port the platform blocks\n"
        );
    }
}
