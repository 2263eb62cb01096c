//! GitHub Actions workflow commands: one `::error`, `::warning` or
//! `::notice` line per finding, which the runner turns into annotations on
//! the pull request's diff.

use crate::diagnostic::{Diagnostic, Severity};
use crate::escape::terminal_safe;
use crate::source::SourceDb;

/// One workflow command per finding that is not suppressed.
pub fn render_github(diagnostics: &[Diagnostic], db: &SourceDb) -> String {
    let mut out = String::new();
    for d in diagnostics.iter().filter(|d| !d.is_suppressed()) {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let (start, end) = db.range(d.span);
        // Each text escaped on its own: the line breaks between them are
        // the annotation's, those inside them the spec's.
        let mut message = terminal_safe(&d.message).into_owned();
        for note in &d.notes {
            message.push_str(&format!("\nnote: {}", terminal_safe(note)));
        }
        if let Some(help) = &d.help {
            message.push_str(&format!("\nhelp: {}", terminal_safe(help)));
        }
        out.push_str(&format!(
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            escape_property(&terminal_safe(db.file(d.span.file).name())),
            start.line,
            start.column,
            end.line,
            end.column,
            escape_property(&terminal_safe(&d.rule)),
            escape_data(&message),
        ));
    }
    out
}

/// The message after `::`, escaped as the Actions toolkit's `escapeData`.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A `key=value` property, escaped as the toolkit's `escapeProperty`: the
/// data escapes plus the separators `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{RuleMeta, Suppression};
    use crate::source::Span;

    static RULE: RuleMeta = RuleMeta {
        id: "blocked-port",
        severity: Severity::Warning,
        summary: "",
        docs: "",
    };

    #[test]
    fn escapes_data_and_properties_and_omits_suppressed() {
        let mut db = SourceDb::new();
        let file = db.add("a,b:c%.yaml", "port: 9090\n");
        let shown = Diagnostic::new(&RULE, Span::new(file, 6, 10), "100% blocked,\r\nsee: here")
            .with_help("pick 8080");
        let mut hidden = shown.clone();
        hidden.suppression = Some(Suppression {
            reason: "legacy".into(),
            span: Span::new(file, 0, 0),
        });
        assert_eq!(
            render_github(&[shown, hidden], &db),
            "::warning file=a%2Cb%3Ac%25.yaml,line=1,col=7,endLine=1,endColumn=11,title=blocked-port::100%25 blocked,\\u{d}\\u{a}see: here%0Ahelp: pick 8080\n"
        );
    }
}
