//! Renderers: rustc-style human output and the versioned JSON of `cli.md`.

use codespan_reporting::diagnostic as cs;
use codespan_reporting::term::{self, termcolor};
use serde_json::{Value, json};

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
}

impl Summary {
    pub fn count(&mut self, diagnostics: &[Diagnostic]) {
        for d in diagnostics {
            match d.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => {}
            }
        }
    }
}

/// rustc-style rendering of already sorted diagnostics, with a summary line.
pub fn render_human(
    diagnostics: &[Diagnostic],
    db: &SourceDb,
    summary: &Summary,
    color: ColorMode,
) -> Vec<u8> {
    let config = term::Config::default();
    let mut out = Vec::new();
    for d in diagnostics {
        let rendered = to_codespan(d);
        let result = match color {
            ColorMode::Never => term::emit_to_io_write(&mut out, &config, db, &rendered),
            ColorMode::Always => {
                let styles = term::Styles::default();
                let mut writer =
                    term::StylesWriter::new(termcolor::Ansi::new(&mut out), &styles);
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
    format!(
        "{}: {}, {} in {} ({})\n",
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

/// The `--format json` document of `cli.md`, version 1.
pub fn render_json(diagnostics: &[Diagnostic], db: &SourceDb, summary: &Summary) -> String {
    let items: Vec<Value> = diagnostics.iter().map(|d| json_diagnostic(d, db)).collect();
    let doc = json!({
        "version": 1,
        "diagnostics": items,
        "summary": {
            "files": summary.files,
            "documents": summary.documents,
            "errors": summary.errors,
            "warnings": summary.warnings,
        },
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

fn json_diagnostic(d: &Diagnostic, db: &SourceDb) -> Value {
    let mut object = serde_json::Map::new();
    object.insert("rule".into(), json!(d.rule));
    object.insert("severity".into(), json!(d.severity.as_str()));
    object.insert("message".into(), json!(d.message));
    insert_location(&mut object, d.span, db);
    if let Some(help) = &d.help {
        object.insert("help".into(), json!(help));
    }
    if !d.notes.is_empty() {
        object.insert("notes".into(), json!(d.notes));
    }
    let labels: Vec<Value> = d
        .labels
        .iter()
        .map(|l| {
            let mut label = serde_json::Map::new();
            insert_location(&mut label, l.span, db);
            label.insert("message".into(), json!(l.message));
            Value::Object(label)
        })
        .collect();
    object.insert("labels".into(), Value::Array(labels));
    Value::Object(object)
}

fn insert_location(object: &mut serde_json::Map<String, Value>, span: Span, db: &SourceDb) {
    let (start, end) = db.range(span);
    object.insert("file".into(), json!(db.file(span.file).name()));
    object.insert("line".into(), json!(start.line));
    object.insert("column".into(), json!(start.column));
    object.insert("endLine".into(), json!(end.line));
    object.insert("endColumn".into(), json!(end.column));
}
