//! Renderers: rustc-style human output and the versioned JSON of `docs/cli.md`
//! here; SARIF, GitHub workflow commands and JUnit XML in the submodules.
//! Each is a pure function of the sorted diagnostics and the sources.

mod github;
mod junit;
mod sarif;

pub use github::render_github;
pub use junit::render_junit;
pub use sarif::{SarifTool, render_sarif};

use codespan_reporting::diagnostic as cs;
use codespan_reporting::term::{self, termcolor};
use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{SourceDb, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorMode {
    Never,
    Always,
}

/// Counts for the closing summary of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub documents: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Findings an inline suppression covers: not in `errors`/`warnings`.
    pub suppressed: usize,
}

impl Summary {
    pub fn count(&mut self, diagnostics: &[Diagnostic]) {
        for d in diagnostics {
            if d.is_suppressed() {
                self.suppressed += 1;
                continue;
            }
            match d.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => {}
            }
        }
    }
}

/// rustc-style rendering of already sorted diagnostics, with a summary line.
/// Suppressed findings are left out (the summary counts them).
pub fn render_human(
    diagnostics: &[Diagnostic],
    db: &SourceDb,
    summary: &Summary,
    color: ColorMode,
) -> Vec<u8> {
    let config = term::Config::default();
    let mut out = Vec::new();
    for d in diagnostics.iter().filter(|d| !d.is_suppressed()) {
        let rendered = to_codespan(d);
        let result = match color {
            ColorMode::Never => term::emit_to_io_write(&mut out, &config, db, &rendered),
            ColorMode::Always => {
                let styles = term::Styles::default();
                let mut writer = term::StylesWriter::new(termcolor::Ansi::new(&mut out), &styles);
                term::emit_to_write_style(&mut writer, &config, db, &rendered)
            }
        };
        // Spans always come from the db they are rendered with; a failure here
        // is a bug, but one bad diagnostic must not hide the others.
        if let Err(error) = result {
            out.extend_from_slice(format!("{}: {} ({error})\n", d.rule, d.message).as_bytes());
        }
    }
    out.extend_from_slice(summary_line(summary).as_bytes());
    out
}

fn summary_line(summary: &Summary) -> String {
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let suppressed = if summary.suppressed > 0 {
        format!("; {} suppressed", summary.suppressed)
    } else {
        String::new()
    };
    format!(
        "{}: {}, {} in {} ({}){suppressed}\n",
        if summary.errors > 0 {
            "failed"
        } else {
            "checked"
        },
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning"),
        plural(summary.files, "file"),
        plural(summary.documents, "document"),
    )
}

fn to_codespan(d: &Diagnostic) -> cs::Diagnostic<crate::source::FileId> {
    let severity = match d.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
        Severity::Info => cs::Severity::Note,
    };
    let mut labels = vec![
        cs::Label::primary(d.span.file, d.span.start as usize..d.span.end as usize)
            .with_message(d.span_label.clone()),
    ];
    labels.extend(d.labels.iter().map(|l| {
        cs::Label::secondary(l.span.file, l.span.start as usize..l.span.end as usize)
            .with_message(l.message.clone())
    }));
    let mut notes: Vec<String> = d.notes.iter().map(|n| format!("note: {n}")).collect();
    if let Some(help) = &d.help {
        notes.push(format!("help: {help}"));
    }
    cs::Diagnostic::new(severity)
        .with_code(d.rule.to_string())
        .with_message(d.message.clone())
        .with_labels(labels)
        .with_notes(notes)
}

/// The `--format json` document of `docs/cli.md`, version 1, fields in the
/// order `docs/cli.md` shows them.
pub fn render_json(diagnostics: &[Diagnostic], db: &SourceDb, summary: &Summary) -> String {
    let doc = JsonReport {
        version: 1,
        diagnostics: diagnostics
            .iter()
            .map(|d| JsonDiagnostic::new(d, db))
            .collect(),
        summary: JsonSummary {
            files: summary.files,
            documents: summary.documents,
            errors: summary.errors,
            warnings: summary.warnings,
        },
    };
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    documents: usize,
    errors: usize,
    warnings: usize,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    severity: &'static str,
    message: &'a str,
    #[serde(flatten)]
    location: JsonLocation<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    notes: &'a [String],
    labels: Vec<JsonLabel<'a>>,
    /// Only written when true: version 1 documents without suppressions
    /// stay byte for byte what they were.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    suppressed: bool,
}

impl<'a> JsonDiagnostic<'a> {
    fn new(d: &'a Diagnostic, db: &'a SourceDb) -> Self {
        JsonDiagnostic {
            rule: &d.rule,
            severity: d.severity.as_str(),
            message: &d.message,
            location: JsonLocation::new(d.span, db),
            help: d.help.as_deref(),
            notes: &d.notes,
            labels: d
                .labels
                .iter()
                .map(|l| JsonLabel {
                    location: JsonLocation::new(l.span, db),
                    message: &l.message,
                })
                .collect(),
            suppressed: d.is_suppressed(),
        }
    }
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    #[serde(flatten)]
    location: JsonLocation<'a>,
    message: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonLocation<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
}

impl<'a> JsonLocation<'a> {
    fn new(span: Span, db: &'a SourceDb) -> Self {
        let (start, end) = db.range(span);
        JsonLocation {
            file: db.file(span.file).name(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{RuleMeta, Suppression};

    static RULE: RuleMeta = RuleMeta {
        id: "blocked-port",
        severity: Severity::Error,
        summary: "",
        docs: "",
    };

    #[test]
    fn suppressed_findings_are_marked_in_json_and_left_out_of_human_output() {
        let mut db = SourceDb::new();
        let file = db.add(
            "a.yaml",
            "# landfall-ignore: blocked-port -- legacy\nport: 9090\nother: 8080\n",
        );
        let mut hidden = Diagnostic::new(&RULE, Span::new(file, 48, 52), "port 9090 is blocked");
        hidden.suppression = Some(Suppression {
            reason: "legacy".into(),
            span: Span::new(file, 0, 41),
        });
        let shown = Diagnostic::new(&RULE, Span::new(file, 60, 64), "port 8080 is blocked");
        let diagnostics = [hidden, shown];
        let mut summary = Summary {
            files: 1,
            documents: 1,
            ..Summary::default()
        };
        summary.count(&diagnostics);
        assert_eq!((summary.errors, summary.suppressed), (1, 1));

        let human =
            String::from_utf8(render_human(&diagnostics, &db, &summary, ColorMode::Never)).unwrap();
        assert!(!human.contains("9090"), "{human}");
        assert!(human.contains("8080"), "{human}");
        assert!(
            human.ends_with("failed: 1 error, 0 warnings in 1 file (1 document); 1 suppressed\n"),
            "{human}"
        );

        let json: serde_json::Value =
            serde_json::from_str(&render_json(&diagnostics, &db, &summary)).unwrap();
        assert_eq!(json["diagnostics"][0]["suppressed"], true);
        assert!(json["diagnostics"][1].get("suppressed").is_none());
        assert_eq!(json["summary"]["errors"], 1);
    }
}
