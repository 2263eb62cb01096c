//! landfall's YAML reader against the official YAML test suite, case by
//! case (sub-cases included):
//!
//! - every case is parsed without a panic (each parse runs under
//!   `catch_unwind`, and panics are counted) and in under 100 ms;
//! - an invalid case (its folder has `error`) yields a `yaml-syntax` error
//!   where the reference parser stopped. Its `test.event` lists the events
//!   the reference produced before it failed, so the fault lies after the
//!   start of the last event's text, and no later than the end of the next
//!   token the reference did not read (indicators, properties and
//!   directives make no event of their own, and a `---` none before the
//!   document's content is read: they are passed over). The error
//!   must start past the first character of that last event's text (at
//!   it, for an event without text, such as the end of a block mapping) and
//!   on the line where that next token ends or before: in the usual case,
//!   the line of the last event or the one after it. `conformance/fault.rs`
//!   places the events in the text. Six sub-cases whose `test.event` is
//!   another case's (`EVENTS_NOT_OF_THEIR_INPUT`) need a `yaml-syntax`
//!   error anywhere;
//! - a valid case is read without an error, unless `docs/yaml.md` lists it
//!   under "Valid YAML that landfall refuses" with the rule that refuses it
//!   (the test fails on a listed case landfall reads, or one refused by
//!   another rule); each document of an accepted case has the keys,
//!   nesting, scalar styles and values of `test.event` (aliases expanded),
//!   and, where the case has `in.json`, the data of its JSON values.
//!
//! The counts are printed (`--nocapture`) and are part of any failure.

mod conformance;
mod suite;

use std::collections::BTreeMap;
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, Instant};

use landfall_diagnostics::{Diagnostic, FileId, Severity};
use landfall_yaml::{Limits, ParsedFile, parse};

use conformance::events::{self, Event};
use conformance::{compare, fault, refusals};

const TIME_LIMIT: Duration = Duration::from_millis(100);

/// Invalid cases whose `test.event` is not of their input: these sub-cases
/// of Y79Y repeat Y79Y/003's events (`+SEQ`, `+SEQ []`) though their
/// input has no `[` (and Y79Y/006 to 009 start with `?`, a mapping). The
/// test checks that their events cannot be placed; a `yaml-syntax` error
/// anywhere catches them.
const EVENTS_NOT_OF_THEIR_INPUT: [&str; 6] = [
    "Y79Y/004", "Y79Y/005", "Y79Y/006", "Y79Y/007", "Y79Y/008", "Y79Y/009",
];

#[derive(Default)]
struct Tally {
    cases: usize,
    valid: usize,
    invalid: usize,
    accepted: usize,
    refused: usize,
    invalid_caught: usize,
    panics: usize,
    /// Nodes of accepted documents found equal to the events' nodes.
    nodes_compared: usize,
    /// Documents of accepted cases found equal to their `in.json` value.
    json_compared: usize,
    slowest: (Duration, String),
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} cases ({} valid, {} invalid): {} valid accepted and read as the suite reads them \
             ({} nodes equal to test.event's, {} documents equal to in.json's), \
             {} refused by decision, {} invalid caught at their fault, {} panics; \
             slowest parse {:?} ({})",
            self.cases,
            self.valid,
            self.invalid,
            self.accepted,
            self.nodes_compared,
            self.json_compared,
            self.refused,
            self.invalid_caught,
            self.panics,
            self.slowest.0,
            self.slowest.1,
        )
    }
}

#[test]
fn landfall_reads_the_yaml_test_suite_as_the_suite_says() {
    let Some(dir) = suite::suite_dir("conformance test") else {
        return;
    };
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/yaml.md");
    let doc = std::fs::read_to_string(&docs).expect("docs/yaml.md is readable");
    let refused = refusals::read(&doc).expect("docs/yaml.md lists the refused cases");
    let cases = suite::cases(&dir);
    assert!(
        cases.len() >= 400,
        "only {} cases under {}",
        cases.len(),
        dir.display()
    );

    let mut tally = Tally::default();
    let mut problems = Vec::new();
    for case in &cases {
        let read = |name: &str| std::fs::read_to_string(case.dir.join(name));
        let text = read("in.yaml").expect("in.yaml is readable");
        let events = events::read(&read("test.event").expect("test.event is readable"))
            .unwrap_or_else(|e| panic!("{}: {e}", case.id));
        tally.cases += 1;
        // A parse's panic is counted, not printed.
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let started = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            parse(FileId(0), &text, &Limits::default())
        }));
        let elapsed = started.elapsed();
        std::panic::set_hook(hook);
        if elapsed > tally.slowest.0 {
            tally.slowest = (elapsed, case.id.clone());
        }
        if elapsed > TIME_LIMIT {
            problems.push(format!("{}: took {elapsed:?}", case.id));
        }
        let Ok(parsed) = outcome else {
            tally.panics += 1;
            problems.push(format!("{}: panicked", case.id));
            continue;
        };
        let verdict = if case.valid {
            tally.valid += 1;
            valid_case(
                &mut tally,
                &text,
                &events,
                read("in.json").ok().as_deref(),
                &parsed,
                refused.get(&case.id),
            )
        } else {
            tally.invalid += 1;
            invalid_case(
                &text,
                &events,
                &parsed,
                EVENTS_NOT_OF_THEIR_INPUT.contains(&case.id.as_str()),
            )
        };
        match verdict {
            Ok(Verdict::Accepted) => tally.accepted += 1,
            Ok(Verdict::Refused) => tally.refused += 1,
            Ok(Verdict::Caught) => tally.invalid_caught += 1,
            Err(problem) => problems.push(format!("{}: {problem}", case.id)),
        }
    }

    let valid_ids: BTreeMap<&str, bool> = cases.iter().map(|c| (c.id.as_str(), c.valid)).collect();
    for id in refused.keys() {
        if valid_ids.get(id.as_str()) != Some(&true) {
            problems.push(format!(
                "{id}: docs/yaml.md lists it as refused, but it is no valid case of the suite"
            ));
        }
    }
    // Written to the process's stderr itself, which the test harness does
    // not capture (it captures `print!`): the counts show in every
    // `cargo test` log, CI's included, passing or not.
    let _ = writeln!(std::io::stderr(), "YAML test suite: {tally}");
    assert!(
        problems.is_empty() && tally.panics == 0,
        "YAML test suite: {tally}\n{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

enum Verdict {
    Accepted,
    Refused,
    Caught,
}

fn valid_case(
    tally: &mut Tally,
    text: &str,
    events: &[Event],
    json: Option<&str>,
    parsed: &ParsedFile,
    refusal: Option<&String>,
) -> Result<Verdict, String> {
    let errors: Vec<&Diagnostic> = parsed
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    match (errors.first(), refusal) {
        (None, None) => {}
        (Some(error), Some(rule)) if error.rule == rule.as_str() => return Ok(Verdict::Refused),
        (Some(error), Some(rule)) => {
            return Err(format!(
                "docs/yaml.md says `{rule}` refuses it, but it is refused by {}",
                described(text, error)
            ));
        }
        (None, Some(_)) => {
            return Err("docs/yaml.md lists it as refused, but landfall reads it".into());
        }
        (Some(error), None) => {
            return Err(format!("valid YAML refused: {}", described(text, error)));
        }
    }
    let expected = events::documents(events)?;
    if parsed.documents.len() != expected.len() {
        return Err(format!(
            "{} documents, the events have {}",
            parsed.documents.len(),
            expected.len()
        ));
    }
    for (document, expected) in parsed.documents.iter().zip(&expected) {
        compare::tree(&document.root, expected, "")
            .map_err(|e| format!("document {}: {e}", document.index))?;
        tally.nodes_compared += document.root.count();
    }
    if let Some(json) = json {
        let values: Vec<serde_json::Value> = serde_json::Deserializer::from_str(json)
            .into_iter()
            .collect::<Result<_, _>>()
            .map_err(|e| format!("in.json: {e}"))?;
        if values.len() != parsed.documents.len() {
            return Err(format!(
                "{} documents, in.json has {} values",
                parsed.documents.len(),
                values.len()
            ));
        }
        for (document, expected) in parsed.documents.iter().zip(&values) {
            let value = document.root.to_json();
            if !compare::json(&value, expected) {
                return Err(format!(
                    "document {} is {value}, in.json has {expected}",
                    document.index
                ));
            }
            tally.json_compared += 1;
        }
    }
    Ok(Verdict::Accepted)
}

fn invalid_case(
    text: &str,
    events: &[Event],
    parsed: &ParsedFile,
    events_not_of_input: bool,
) -> Result<Verdict, String> {
    let syntax: Vec<&Diagnostic> = parsed
        .diagnostics
        .iter()
        .filter(|d| d.rule == "yaml-syntax")
        .collect();
    let fault = match (fault::locate(text, events), events_not_of_input) {
        (Ok(fault), false) => fault,
        (Err(_), true) if syntax.is_empty() => {
            return Err("invalid YAML without a yaml-syntax error".into());
        }
        (Err(_), true) => return Ok(Verdict::Caught),
        (Ok(_), true) => {
            return Err(
                "its events are placed in its input: remove it from EVENTS_NOT_OF_THEIR_INPUT"
                    .into(),
            );
        }
        (Err(e), false) => return Err(format!("the reference's events cannot be placed: {e}")),
    };
    let last_line = fault::line_of(text, fault.unread_end);
    if syntax.iter().any(|d| {
        let at = d.span.start as usize;
        at >= fault.from && fault::line_of(text, at) <= last_line
    }) {
        return Ok(Verdict::Caught);
    }
    let window = format!(
        "the reference stops between line {}:{} and line {}",
        fault::line_of(text, fault.from) + 1,
        fault.from - text[..fault.from].rfind('\n').map_or(0, |i| i + 1) + 1,
        last_line + 1
    );
    match syntax.first() {
        None => Err(format!(
            "invalid YAML without a yaml-syntax error; {window}"
        )),
        Some(_) => Err(format!(
            "{}; {window}",
            syntax
                .iter()
                .map(|d| described(text, d))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// A finding as `rule at line:column: message`.
fn described(text: &str, d: &Diagnostic) -> String {
    let at = (d.span.start as usize).min(text.len());
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    format!(
        "{} at {}:{}: {}",
        d.rule,
        fault::line_of(text, at) + 1,
        text[line_start..at].chars().count() + 1,
        d.message
    )
}
