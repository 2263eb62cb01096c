//! JUnit XML, the report CI services show as tests: one `<testsuite>` per
//! checked file, one `<testcase>` per landfall document, one `<failure>`
//! per finding in that document (type: the rule id). Findings outside any
//! document (a YAML syntax error before the first one, a file past a limit)
//! belong to a test case named `file`.

use std::collections::BTreeMap;
use std::io;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use crate::diagnostic::Diagnostic;
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
    failures: Vec<&'a Diagnostic>,
}

impl Suite<'_> {
    fn failures(&self) -> usize {
        self.cases.iter().map(|c| c.failures.len()).sum()
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
                failures: Vec::new(),
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
            Some(i) => suite.cases[i].failures.push(d),
            None => {
                if suite.cases.last().is_none_or(|c| c.name != FILE_CASE) {
                    suite.cases.push(Case {
                        name: FILE_CASE.to_string(),
                        line: 1,
                        failures: Vec::new(),
                    });
                }
                if let Some(case) = suite.cases.last_mut() {
                    case.failures.push(d);
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
            if case.failures.is_empty() {
                writer.write_event(Event::Empty(start))?;
                continue;
            }
            writer.write_event(Event::Start(start))?;
            for d in &case.failures {
                write_failure(writer, d, db)?;
            }
            writer.write_event(Event::End(BytesEnd::new("testcase")))?;
        }
        writer.write_event(Event::End(BytesEnd::new("testsuite")))?;
    }
    writer.write_event(Event::End(BytesEnd::new("testsuites")))?;
    Ok(())
}

/// `<failure type="RULE" message="MESSAGE">file:line:col: severity[RULE]: …</failure>`
fn write_failure(writer: &mut Writer<Vec<u8>>, d: &Diagnostic, db: &SourceDb) -> io::Result<()> {
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
    writer
        .create_element("failure")
        .with_attributes([("type", rule.as_str()), ("message", message.as_str())])
        .write_text_content(BytesText::new(&text))?;
    Ok(())
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
    use crate::diagnostic::{RuleMeta, Severity, Suppression};
    use crate::outline::DocumentOutline;

    static RULE: RuleMeta = RuleMeta {
        id: "invalid-name",
        severity: Severity::Error,
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
        let mut suppressed = inside.clone();
        suppressed.suppression = Some(Suppression {
            reason: "why".into(),
            span: Span::new(a, 0, 0),
        });
        insta::assert_snapshot!(render_junit(&[outside, inside, suppressed], &db, &outline), @r#"
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuites name="landfall" tests="3" failures="2" errors="0">
          <testsuite name="a.yaml" tests="3" failures="2" errors="0" skipped="0">
            <testcase name="Workload/api" classname="a.yaml" file="a.yaml" line="3">
              <failure type="invalid-name" message="bad \u{1} name">a.yaml:3:7: error[invalid-name]: bad \u{1} name
        a.yaml:5:7: other</failure>
            </testcase>
            <testcase name="document 2" classname="a.yaml" file="a.yaml" line="5"/>
            <testcase name="file" classname="a.yaml" file="a.yaml" line="1">
              <failure type="invalid-name" message="a &lt;directive&gt; &amp; more">a.yaml:1:1: error[invalid-name]: a &lt;directive&gt; &amp; more</failure>
            </testcase>
          </testsuite>
          <testsuite name="b.yaml" tests="0" failures="0" errors="0" skipped="0">
          </testsuite>
        </testsuites>
        "#);
    }
}
