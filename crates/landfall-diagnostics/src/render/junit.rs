//! JUnit XML, the report CI services show as tests: one `<testsuite>` per
//! checked file, one `<testcase>` per landfall document with one status. A
//! document with errors fails, with all its errors in its one `<failure>`
//! (readers such as junit-to-ctrf keep only the first `<failure>` of a
//! test case); its warnings and notes do not fail it and are in its
//! `<system-out>`, as a check that exits 0 shows no failed test. Findings
//! outside any document (a YAML syntax error before the first one, a file
//! past a limit) belong to a test case named `file`.

use std::collections::BTreeMap;
use std::io;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use crate::diagnostic::{Diagnostic, Severity};
use crate::escape::terminal_safe;
use crate::outline::FileOutline;
use crate::source::{FileId, SourceDb, Span};

/// The name of the test case that holds a file's findings outside its
/// documents.
const FILE_CASE: &str = "file";

/// The JUnit XML of already sorted diagnostics over the files of
/// `outline`; suppressed findings are left out.
pub fn render_junit(diagnostics: &[Diagnostic], db: &SourceDb, outline: &[FileOutline]) -> String {
    let suites = suites(diagnostics, db, outline);
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    // Writing into a Vec cannot fail.
    let _ = write_report(&mut writer, &suites, db);
    let mut text = String::from_utf8(writer.into_inner()).unwrap_or_default();
    text.push('\n');
    text
}

struct Suite<'a> {
    file: FileId,
    cases: Vec<Case<'a>>,
}

struct Case<'a> {
    name: String,
    line: u32,
    findings: Vec<&'a Diagnostic>,
}

impl<'a> Case<'a> {
    /// The findings that fail the test case: its errors.
    fn errors(&self) -> impl Iterator<Item = &'a Diagnostic> + '_ {
        self.findings
            .iter()
            .copied()
            .filter(|d| d.severity == Severity::Error)
    }

    /// Its warnings and notes, which pass.
    fn others(&self) -> impl Iterator<Item = &'a Diagnostic> + '_ {
        self.findings
            .iter()
            .copied()
            .filter(|d| d.severity != Severity::Error)
    }

    fn fails(&self) -> bool {
        self.errors().next().is_some()
    }
}

impl Suite<'_> {
    /// The failed test cases, not the findings.
    fn failures(&self) -> usize {
        self.cases.iter().filter(|c| c.fails()).count()
    }
}

/// Files in path order, each with its documents and their findings.
fn suites<'a>(
    diagnostics: &'a [Diagnostic],
    db: &SourceDb,
    outline: &[FileOutline],
) -> Vec<Suite<'a>> {
    let mut by_file: BTreeMap<(&str, FileId), Suite<'a>> = BTreeMap::new();
    for file in outline {
        let mut documents: Vec<_> = file.documents.iter().collect();
        documents.sort_by_key(|d| d.span.start);
        let cases = documents
            .iter()
            .map(|d| Case {
                name: d.title(),
                line: db.file(file.file).line_col(d.span.start).line,
                findings: Vec::new(),
            })
            .collect();
        by_file.insert(
            (db.file(file.file).name(), file.file),
            Suite {
                file: file.file,
                cases,
            },
        );
    }
    let spans: BTreeMap<FileId, Vec<_>> = outline
        .iter()
        .map(|f| {
            let mut spans: Vec<_> = f.documents.iter().map(|d| d.span).collect();
            spans.sort_by_key(|s| s.start);
            (f.file, spans)
        })
        .collect();
    for d in diagnostics.iter().filter(|d| !d.is_suppressed()) {
        let file = d.span.file;
        let suite = by_file
            .entry((db.file(file).name(), file))
            .or_insert_with(|| Suite {
                file,
                cases: Vec::new(),
            });
        let document = spans.get(&file).and_then(|spans| {
            spans
                .iter()
                .position(|s| s.start <= d.span.start && d.span.start < s.end.max(s.start + 1))
        });
        match document {
            Some(i) => suite.cases[i].findings.push(d),
            None => {
                if suite.cases.last().is_none_or(|c| c.name != FILE_CASE) {
                    suite.cases.push(Case {
                        name: FILE_CASE.to_string(),
                        line: 1,
                        findings: Vec::new(),
                    });
                }
                if let Some(case) = suite.cases.last_mut() {
                    case.findings.push(d);
                }
            }
        }
    }
    by_file.into_values().collect()
}

fn write_report(writer: &mut Writer<Vec<u8>>, suites: &[Suite], db: &SourceDb) -> io::Result<()> {
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let tests: usize = suites.iter().map(|s| s.cases.len()).sum();
    let failures: usize = suites.iter().map(Suite::failures).sum();
    writer.write_event(Event::Start(BytesStart::new("testsuites").with_attributes(
        [
            ("name", "landfall"),
            ("tests", tests.to_string().as_str()),
            ("failures", failures.to_string().as_str()),
            ("errors", "0"),
        ],
    )))?;
    for suite in suites {
        let name = xml_text(db.file(suite.file).name());
        writer.write_event(Event::Start(BytesStart::new("testsuite").with_attributes(
            [
                ("name", name.as_str()),
                ("tests", suite.cases.len().to_string().as_str()),
                ("failures", suite.failures().to_string().as_str()),
                ("errors", "0"),
                ("skipped", "0"),
            ],
        )))?;
        for case in &suite.cases {
            let start = BytesStart::new("testcase").with_attributes([
                ("name", xml_text(&case.name).as_str()),
                ("classname", name.as_str()),
                ("file", name.as_str()),
                ("line", case.line.to_string().as_str()),
            ]);
            if case.findings.is_empty() {
                writer.write_event(Event::Empty(start))?;
                continue;
            }
            writer.write_event(Event::Start(start))?;
            write_case_body(writer, case, db)?;
            writer.write_event(Event::End(BytesEnd::new("testcase")))?;
        }
        writer.write_event(Event::End(BytesEnd::new("testsuite")))?;
    }
    writer.write_event(Event::End(BytesEnd::new("testsuites")))?;
    Ok(())
}

/// A test case's one `<failure>` (its errors: `type` their rule ids,
/// `message` each as `rule: message`, the text each in full) and its
/// `<system-out>` (its warnings and notes, in full).
fn write_case_body(writer: &mut Writer<Vec<u8>>, case: &Case, db: &SourceDb) -> io::Result<()> {
    if case.fails() {
        let mut rules: Vec<&str> = Vec::new();
        for d in case.errors() {
            if !rules.contains(&d.rule.as_ref()) {
                rules.push(&d.rule);
            }
        }
        let kind = xml_text(&rules.join(" "));
        let message = xml_text(
            &case
                .errors()
                .map(|d| format!("{}: {}", d.rule, d.message))
                .collect::<Vec<_>>()
                .join("; "),
        );
        let text = blocks(case.errors(), db);
        writer
            .create_element("failure")
            .with_attributes([("type", kind.as_str()), ("message", message.as_str())])
            .write_text_content(BytesText::new(&text))?;
    }
    if case.others().next().is_some() {
        writer
            .create_element("system-out")
            .write_text_content(BytesText::new(&blocks(case.others(), db)))?;
    }
    Ok(())
}

/// Findings in full, a blank line between two.
fn blocks<'a>(findings: impl Iterator<Item = &'a Diagnostic>, db: &SourceDb) -> String {
    findings
        .map(|d| block(d, db))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// `file:line:col: severity[RULE]: message`, then its labels, notes and help.
fn block(d: &Diagnostic, db: &SourceDb) -> String {
    let location = |span: Span| {
        let (start, _) = db.range(span);
        format!(
            "{}:{}:{}",
            xml_text(db.file(span.file).name()),
            start.line,
            start.column
        )
    };
    let rule = xml_text(&d.rule);
    let message = xml_text(&d.message);
    let mut text = format!(
        "{}: {}[{rule}]: {message}",
        location(d.span),
        d.severity.as_str(),
    );
    for label in &d.labels {
        text.push_str(&format!(
            "\n{}: {}",
            location(label.span),
            xml_text(&label.message)
        ));
    }
    for note in &d.notes {
        text.push_str(&format!("\nnote: {}", xml_text(note)));
    }
    if let Some(help) = &d.help {
        text.push_str(&format!("\nhelp: {}", xml_text(help)));
    }
    text
}

/// A text as the report shows it: control and BiDi characters escaped as
/// in every output (quick-xml escapes `<`, `&` and quotes), and the two
/// noncharacters XML 1.0 cannot carry at all as U+FFFD.
fn xml_text(text: &str) -> String {
    terminal_safe(text)
        .chars()
        .map(|c| match c {
            '\u{FFFE}' | '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{RuleMeta, Suppression};
    use crate::outline::DocumentOutline;

    static RULE: RuleMeta = RuleMeta {
        id: "invalid-name",
        severity: Severity::Error,
        summary: "",
        docs: "",
    };

    static WARNING: RuleMeta = RuleMeta {
        id: "plaintext-secret",
        severity: Severity::Warning,
        summary: "",
        docs: "",
    };

    #[test]
    fn suites_cases_and_failures() {
        let mut db = SourceDb::new();
        let text = "%bad\n---\nkind: Workload\n---\nkind: Scope\n";
        let a = db.add("a.yaml", text);
        let empty = db.add("b.yaml", "kind: [\n");
        let outline = [
            FileOutline {
                file: a,
                documents: vec![
                    DocumentOutline {
                        index: 0,
                        kind: Some("Workload"),
                        name: Some("api".into()),
                        span: Span::new(a, 9, 24),
                    },
                    DocumentOutline {
                        index: 1,
                        kind: None,
                        name: None,
                        span: Span::new(a, 28, 40),
                    },
                ],
            },
            FileOutline {
                file: empty,
                documents: Vec::new(),
            },
        ];
        let outside = Diagnostic::new(&RULE, Span::new(a, 0, 4), "a <directive> & more");
        let inside = Diagnostic::new(&RULE, Span::new(a, 15, 23), "bad \u{1} name")
            .with_label(Span::new(a, 34, 39), "other");
        let second = Diagnostic::new(&RULE, Span::new(a, 9, 13), "second");
        let warning =
            Diagnostic::new(&WARNING, Span::new(a, 15, 23), "a secret").with_help("use ${SECRET}");
        // A document with only warnings passes.
        let passing = Diagnostic::new(&WARNING, Span::new(a, 28, 32), "another secret");
        let mut suppressed = inside.clone();
        suppressed.suppression = Some(Suppression {
            reason: "why".into(),
            span: Span::new(a, 0, 0),
        });
        insta::assert_snapshot!(render_junit(&[outside, second, inside, warning, passing, suppressed], &db, &outline), @r#"
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuites name="landfall" tests="3" failures="2" errors="0">
          <testsuite name="a.yaml" tests="3" failures="2" errors="0" skipped="0">
            <testcase name="Workload/api" classname="a.yaml" file="a.yaml" line="3">
              <failure type="invalid-name" message="invalid-name: second; invalid-name: bad \u{1} name">a.yaml:3:1: error[invalid-name]: second

        a.yaml:3:7: error[invalid-name]: bad \u{1} name
        a.yaml:5:7: other</failure>
              <system-out>a.yaml:3:7: warning[plaintext-secret]: a secret
        help: use ${SECRET}</system-out>
            </testcase>
            <testcase name="document 2" classname="a.yaml" file="a.yaml" line="5">
              <system-out>a.yaml:5:1: warning[plaintext-secret]: another secret</system-out>
            </testcase>
            <testcase name="file" classname="a.yaml" file="a.yaml" line="1">
              <failure type="invalid-name" message="invalid-name: a &lt;directive&gt; &amp; more">a.yaml:1:1: error[invalid-name]: a &lt;directive&gt; &amp; more</failure>
            </testcase>
          </testsuite>
          <testsuite name="b.yaml" tests="0" failures="0" errors="0" skipped="0">
          </testsuite>
        </testsuites>
        "#);
    }
}
