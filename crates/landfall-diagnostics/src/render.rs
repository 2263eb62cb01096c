//! Renderers: rustc-style human output and the versioned JSON of `docs/cli.md`
//! here; SARIF, GitHub workflow commands and JUnit XML in the submodules.
//! Each is a pure function of the sorted diagnostics and the sources, and
//! shows their text safely (`crate::escape`).

mod concise;
mod github;
mod junit;
mod sarif;
mod shown;

pub use concise::{render_concise, render_statistics};
pub use github::render_github;
pub use junit::render_junit;
pub use sarif::{SarifProject, SarifTool, render_sarif, rule_anchor};

use codespan_reporting::diagnostic as cs;
use codespan_reporting::term::{self, termcolor};
use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::escape::{json_safe, terminal_safe};
use crate::source::{SourceDb, Span};
use shown::ShownFiles;

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
    let shown = diagnostics.iter().filter(|d| !d.is_suppressed());
    let files = ShownFiles::new(db, shown.clone());
    for d in shown {
        let rendered = to_codespan(d, &files);
        let result = match color {
            ColorMode::Never => term::emit_to_io_write(&mut out, &config, &files, &rendered),
            ColorMode::Always => {
                let styles = term::Styles::default();
                let mut writer = term::StylesWriter::new(termcolor::Ansi::new(&mut out), &styles);
                term::emit_to_write_style(&mut writer, &config, &files, &rendered)
            }
        };
        // Spans always come from the db they are rendered with; a failure here
        // is a bug, but one bad diagnostic must not hide the others.
        if let Err(error) = result {
            out.extend_from_slice(
                format!(
                    "{}: {} ({error})\n",
                    terminal_safe(&d.rule),
                    terminal_safe(&d.message)
                )
                .as_bytes(),
            );
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

/// The diagnostic as codespan-reporting renders it: every text escaped,
/// every span in the escaped sources.
fn to_codespan(d: &Diagnostic, files: &ShownFiles) -> cs::Diagnostic<crate::source::FileId> {
    let severity = match d.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
        Severity::Info => cs::Severity::Note,
    };
    let safe = |text: &str| terminal_safe(text).into_owned();
    let mut labels = vec![
        cs::Label::primary(d.span.file, files.range(d.span)).with_message(safe(&d.span_label)),
    ];
    labels.extend(d.labels.iter().map(|l| {
        cs::Label::secondary(l.span.file, files.range(l.span)).with_message(safe(&l.message))
    }));
    let mut notes: Vec<String> = d
        .notes
        .iter()
        .map(|n| format!("note: {}", terminal_safe(n)))
        .collect();
    if let Some(help) = &d.help {
        notes.push(format!("help: {}", terminal_safe(help)));
    }
    cs::Diagnostic::new(severity)
        .with_code(safe(&d.rule))
        .with_message(safe(&d.message))
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
    let mut text = json_safe(serde_json::to_string_pretty(&doc).unwrap_or_default());
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

    /// A finding whose source line, file name and texts hold an ANSI
    /// colour, an OSC window title, a bell, a C1 CSI and a BiDi override.
    fn hostile() -> (SourceDb, Vec<Diagnostic>) {
        let mut db = SourceDb::new();
        let text = "name: \u{1b}[31mred\u{1b}[0m\u{7}\nport: \u{202e}\t9090 # \u{9b}2J\r\n";
        let file = db.add("apps/\u{1b}]0;pwned\u{7}.yaml", text);
        let at = |needle: &str| {
            let start = text.find(needle).unwrap() as u32;
            Span::new(file, start, start + needle.len() as u32)
        };
        let d = Diagnostic::new(&RULE, at("9090"), "port `\u{202e}9090` is blocked\u{7}")
            .with_span_label("blocked \u{1b}[5m")
            .with_label(
                at("\u{1b}[31mred"),
                "named \u{1b}]8;;https://x.test\u{7}here\u{1b}]8;;\u{7}",
            )
            .with_note("from \u{2066}policy\u{2069}")
            .with_help("choose another port\r\u{7f}");
        (db, vec![d])
    }

    /// Whether `output` holds a character a terminal or a BiDi-aware
    /// viewer would act on (its own line breaks aside).
    fn holds_raw_control(output: &str) -> bool {
        output
            .chars()
            .any(|c| c != '\n' && crate::escape::is_unsafe(c))
    }

    #[test]
    fn human_output_escapes_controls_and_keeps_carets_aligned() {
        let (db, diagnostics) = hostile();
        let summary = Summary {
            files: 1,
            documents: 1,
            errors: 1,
            ..Summary::default()
        };
        for color in [ColorMode::Never, ColorMode::Always] {
            let human =
                String::from_utf8(render_human(&diagnostics, &db, &summary, color)).unwrap();
            // Colour is codespan-reporting's own `ESC [ … m`, and only that.
            let shown = match color {
                ColorMode::Never => human,
                ColorMode::Always => human.replace("\u{1b}[", ""),
            };
            assert!(!holds_raw_control(&shown), "{shown}");
        }
        let human =
            String::from_utf8(render_human(&diagnostics, &db, &summary, ColorMode::Never)).unwrap();
        insta::assert_snapshot!(human, @r"
        error[blocked-port]: port `\u{202e}9090` is blocked\u{7}
          ┌─ apps/\u{1b}]0;pwned\u{7}.yaml:2:9
          │
        1 │ name: \u{1b}[31mred\u{1b}[0m\u{7}
          │       ------------- named \u{1b}]8;;https://x.test\u{7}here\u{1b}]8;;\u{7}
        2 │ port: \u{202e}  9090 # \u{9b}2J
          │                 ^^^^ blocked \u{1b}[5m
          │
          = note: from \u{2066}policy\u{2069}
          = help: choose another port\u{d}\u{7f}

        failed: 1 error, 0 warnings in 1 file (1 document)
        ");
    }

    #[test]
    fn json_keeps_the_values_and_holds_no_raw_control() {
        let (db, diagnostics) = hostile();
        let json = render_json(&diagnostics, &db, &Summary::default());
        assert!(!holds_raw_control(&json), "{json}");
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        let d = &value["diagnostics"][0];
        assert_eq!(d["message"], diagnostics[0].message.as_str());
        assert_eq!(d["file"], "apps/\u{1b}]0;pwned\u{7}.yaml");
        assert_eq!(d["column"], 9, "columns count the source's characters");
        assert!(json.contains(r"\u202e"), "{json}");
    }

    #[test]
    fn no_format_holds_a_raw_control() {
        let (db, diagnostics) = hostile();
        let rules = [crate::diagnostic::RuleInfo::from(&RULE)];
        let tool = SarifTool::new("1.0.0", &rules);
        let sarif = render_sarif(&diagnostics, &db, &tool);
        let github = render_github(&diagnostics, &db);
        let junit = render_junit(&diagnostics, &db, &[]);
        for output in [&sarif, &github, &junit] {
            assert!(!holds_raw_control(output), "{output}");
        }
        let log: serde_json::Value = serde_json::from_str(&sarif).unwrap();
        assert_eq!(
            log["runs"][0]["results"][0]["message"]["text"],
            "port `\u{202e}9090` is blocked\u{7}.\nnote: from \u{2066}policy\u{2069}.\nhelp: choose another port\r\u{7f}."
        );
        assert_eq!(
            github,
            "::error file=apps/\\u{1b}]0;pwned\\u{7}.yaml,line=2,col=9,endLine=2,endColumn=13,title=blocked-port::port `\\u{202e}9090` is blocked\\u{7}%0Anote: from \\u{2066}policy\\u{2069}%0Ahelp: choose another port\\u{d}\\u{7f}\n"
        );
        assert!(
            junit.contains("named \\u{1b}]8;;https://x.test\\u{7}here"),
            "{junit}"
        );
    }

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
