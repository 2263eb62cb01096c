//! Every folder of `corpus/` that holds YAML files is one test case.
//!
//! A case is checked as a directory walk would check it, and two things are
//! asserted:
//! - inline expectations: a line that ends in `# error: [rule]` (or
//!   `warning`, `info`; several rules separated by commas) must get exactly
//!   those findings starting on it, and no other line may get any, so a
//!   passing case is simply one without expectations;
//! - an insta snapshot beside the case (`case.snap`) holding the inputs and
//!   the rendered human and JSON output;
//! - every SARIF region (result, related location, suppression) covers
//!   exactly the text of the span it renders, read back from the source by
//!   line and code-point column.
//!
//! `cargo insta review` (or `INSTA_UPDATE=always`) updates snapshots.

#![allow(
    clippy::disallowed_methods,
    reason = "the corpus test reads its cases from disk"
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use landfall_check::{CheckInput, Stage, check, registry, stage_of};
use landfall_diagnostics::{
    ColorMode, Diagnostic, RuleInfo, SarifTool, SourceDb, Span, Summary, render_human, render_json,
    render_sarif,
};
use libtest_mimic::{Arguments, Failed, Trial};

fn corpus_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus")
}

fn main() {
    let args = Arguments::from_args();
    let root = corpus_root();
    let mut cases = Vec::new();
    collect_cases(&root, &mut cases);
    cases.sort();
    let mut trials: Vec<Trial> = cases
        .into_iter()
        .map(|dir| {
            let name = dir
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            Trial::test(name, move || run_case(&dir))
        })
        .collect();
    trials.push(Trial::test(
        "every_rule_has_a_failing_case",
        every_rule_has_a_failing_case,
    ));
    libtest_mimic::run(&args, trials).exit();
}

fn collect_cases(dir: &Path, cases: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut has_yaml = false;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_cases(&path, cases);
        } else if is_yaml(&path) {
            has_yaml = true;
        }
    }
    if has_yaml {
        cases.push(dir.to_path_buf());
    }
}

fn is_yaml(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "yaml" || e == "yml")
}

fn is_policy(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "policy")
}

fn has_yaml(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().any(|e| is_yaml(&e.path())))
        .unwrap_or(false)
}

/// The case's YAML and `.policy` files, below its folder (and in folders
/// without YAML files, such as `policies/`), sorted by relative path.
fn case_files(dir: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                // A nested folder with YAML files is a case of its own.
                if !has_yaml(&path) {
                    stack.push(path);
                }
                continue;
            }
            if is_yaml(&path) || is_policy(&path) {
                let name = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                let text = std::fs::read_to_string(&path).unwrap();
                files.push((name, text));
            }
        }
    }
    files.sort();
    files
}

struct Expected {
    file: String,
    line: u32,
    rule: String,
}

fn expectations(name: &str, text: &str) -> Vec<Expected> {
    let mut out = Vec::new();
    for (index, line) in text.lines().enumerate() {
        for severity in ["error", "warning", "info"] {
            let marker = format!("# {severity}: [");
            if let Some(at) = line.find(&marker) {
                let rest = &line[at + marker.len()..];
                let list = rest.split(']').next().unwrap_or_default();
                for rule in list.split(',') {
                    out.push(Expected {
                        file: name.to_string(),
                        line: index as u32 + 1,
                        rule: rule.trim().to_string(),
                    });
                }
            }
        }
    }
    out
}

fn run_case(dir: &Path) -> Result<(), Failed> {
    let files = case_files(dir);
    let mut db = SourceDb::new();
    let mut inputs = Vec::new();
    let mut expected = BTreeSet::new();
    for (name, text) in &files {
        for e in expectations(name, text) {
            expected.insert((e.file, e.line, e.rule));
        }
        let file = db.add(name.clone(), text.clone());
        // Policy files are read because the Platform lists them, as a
        // directory walk would (it reads only YAML files).
        if is_yaml(Path::new(name)) {
            inputs.push(CheckInput {
                file,
                explicit: false,
            });
        }
    }
    let outcome = check(&mut db, &inputs);
    // A suppressed finding is kept (for JSON and SARIF) but not reported:
    // its line needs no expectation.
    let actual: BTreeSet<(String, u32, String)> = outcome
        .diagnostics
        .iter()
        .filter(|d| !d.is_suppressed())
        .map(|d| {
            let (start, _) = db.range(d.span);
            (
                db.file(d.span.file).name().to_string(),
                start.line,
                d.rule.to_string(),
            )
        })
        .collect();

    let mut summary = Summary {
        files: outcome.files,
        documents: outcome.documents,
        ..Summary::default()
    };
    summary.count(&outcome.diagnostics);
    let human = String::from_utf8(render_human(
        &outcome.diagnostics,
        &db,
        &summary,
        ColorMode::Never,
    ))
    .unwrap();
    let json = render_json(&outcome.diagnostics, &db, &summary);

    let mut snapshot = String::new();
    for (name, text) in &files {
        snapshot.push_str(&format!("=== {name}\n{text}"));
        if !text.ends_with('\n') {
            snapshot.push('\n');
        }
    }
    snapshot.push_str(&format!("=== human\n{human}=== json\n{json}"));

    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(dir);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    let assertion = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        settings.bind(|| insta::assert_snapshot!("case", snapshot));
    }));

    check_sarif_regions(&outcome.diagnostics, &db)?;
    if actual != expected {
        let missing: Vec<_> = expected.difference(&actual).collect();
        let unexpected: Vec<_> = actual.difference(&expected).collect();
        return Err(format!(
            "inline expectations differ\n  expected but not found: {missing:?}\n  found but not expected: {unexpected:?}\n{human}"
        )
        .into());
    }
    assertion.map_err(|_| Failed::from("snapshot differs (run `cargo insta review`)"))
}

/// The SARIF of the case, each region read back from the source text.
fn check_sarif_regions(diagnostics: &[Diagnostic], db: &SourceDb) -> Result<(), Failed> {
    let rules: Vec<RuleInfo> = registry().into_iter().map(RuleInfo::from).collect();
    let tool = SarifTool {
        version: "0",
        rules: &rules,
    };
    let log: serde_json::Value = serde_json::from_str(&render_sarif(diagnostics, db, &tool))
        .map_err(|e| format!("SARIF is not JSON: {e}"))?;
    assert_eq!(log["runs"][0]["columnKind"], "unicodeCodePoints");
    let results = log["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if results.len() != diagnostics.len() {
        return Err(format!(
            "{} results for {} diagnostics",
            results.len(),
            diagnostics.len()
        )
        .into());
    }
    for (d, result) in diagnostics.iter().zip(&results) {
        let mut pairs = vec![(d.span, &result["locations"][0])];
        for (i, label) in d.labels.iter().enumerate() {
            pairs.push((label.span, &result["relatedLocations"][i]));
        }
        if let Some(suppression) = &d.suppression {
            pairs.push((suppression.span, &result["suppressions"][0]["location"]));
        }
        for (span, location) in pairs {
            let file = db.file(span.file);
            let physical = &location["physicalLocation"];
            if physical["artifactLocation"]["uri"] != file.name() {
                return Err(
                    format!("{}: uri {}", file.name(), physical["artifactLocation"]).into(),
                );
            }
            let region = &physical["region"];
            let text = file.text();
            let at = |line: &str, column: &str| {
                offset_of(text, region[line].as_u64()?, region[column].as_u64()?)
            };
            let covered = at("startLine", "startColumn")
                .zip(at("endLine", "endColumn"))
                .and_then(|(start, end)| text.get(start..end));
            let spanned = text.get(span.start as usize..span.end as usize);
            if covered.is_none() || covered != spanned {
                return Err(format!(
                    "{} ({}): region {region} covers {covered:?}, the span {:?} holds {spanned:?}",
                    d.rule,
                    file.name(),
                    span_range(span)
                )
                .into());
            }
        }
    }
    Ok(())
}

fn span_range(span: Span) -> std::ops::Range<u32> {
    span.start..span.end
}

/// The byte offset of a 1-based line and 1-based code-point column; the
/// column after a line's last character is its line break (or the end).
fn offset_of(text: &str, line: u64, column: u64) -> Option<usize> {
    let line_start = if line == 1 {
        0
    } else {
        text.match_indices('\n').nth(line as usize - 2)?.0 + 1
    };
    let rest = &text[line_start..];
    let skip = column.checked_sub(1)? as usize;
    match rest.char_indices().nth(skip) {
        Some((i, _)) => Some(line_start + i),
        None if rest.chars().count() == skip => Some(text.len()),
        None => None,
    }
}

/// A registered rule without a failing case in `corpus/rules/<id>/` is an
/// untested rule.
fn every_rule_has_a_failing_case() -> Result<(), Failed> {
    let root = corpus_root().join("rules");
    let mut missing = Vec::new();
    // Lowering's `plan/*` rules fire only when a Scope is planned: their
    // failing and passing cases are scopes of `corpus/plan/`, which
    // landfall-lower's corpus test plans (and requires the same of).
    for rule in registry()
        .into_iter()
        .filter(|r| stage_of(r.id) != Some(Stage::Lowering))
    {
        let mut cases = Vec::new();
        collect_cases(&root.join(rule.id), &mut cases);
        let fails = cases.iter().any(|dir| {
            case_files(dir)
                .iter()
                .any(|(name, text)| expectations(name, text).iter().any(|e| e.rule == rule.id))
        });
        let passes = cases.iter().any(|dir| {
            case_files(dir)
                .iter()
                .all(|(name, text)| expectations(name, text).is_empty())
        });
        if !fails || !passes {
            missing.push(rule.id);
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "rules without a failing and a passing case in corpus/rules/<id>/: {missing:?}"
        )
        .into())
    }
}
