//! Every folder of `corpus/` that holds YAML files is one test case.
//!
//! A case is checked as a directory walk would check it, and two things are
//! asserted:
//! - inline expectations: a line that ends in `# error: [rule]` (or
//!   `warning`, `info`; several rules separated by commas) must get exactly
//!   those findings starting on it, with that severity, and no other line
//!   may get any, so a passing case is simply one without expectations.
//!   Each id is one finding: a rule that fires twice on the line is listed
//!   twice (`# error: [duplicate-key, duplicate-key]`) or counted
//!   (`# error: [duplicate-key x2]`). Findings of several severities on one
//!   line take a marker each (`# error: [schema] # warning: [ambiguous-scalar]`).
//!   What is compared is the number of findings per (file, line, rule,
//!   severity): see [`compare`];
//! - an insta snapshot beside the case (`case.snap`) holding the inputs and
//!   the rendered human and JSON output;
//! - every SARIF region (result, related location, suppression) covers
//!   exactly the text of the span it renders, read back from the source by
//!   line and code-point column.
//!
//! A case in a platform's own format has a `landfall.toml` whose
//! `[dialects]` globs (relative to the case folder) name the dialect of
//! its files, as a project's `landfall.toml` does.
//!
//! `cargo insta review` (or `INSTA_UPDATE=always`) updates snapshots.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use landfall_check::dialect::{NamedDialects, by_name};
use landfall_check::{
    CheckInput, CheckOptions, Preloaded, Stage, check_with_options, registry, stage_of,
};
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
    trials.push(Trial::test(
        "the_harness_compares_severity_and_count",
        the_harness_compares_severity_and_count,
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

/// The `[dialects]` of the case's `landfall.toml`: globs relative to the
/// case folder, the first match winning.
fn case_dialects(dir: &Path) -> NamedDialects {
    let Ok(text) = std::fs::read_to_string(dir.join("landfall.toml")) else {
        return NamedDialects::default();
    };
    let table: toml::Table = toml::from_str(&text).expect("the case's landfall.toml parses");
    let Some(dialects) = table.get("dialects").and_then(toml::Value::as_table) else {
        return NamedDialects::default();
    };
    let globs: Vec<_> = dialects
        .iter()
        .map(|(glob, name)| {
            let name = name.as_str().expect("a dialect name");
            let matcher = globset::GlobBuilder::new(glob)
                .literal_separator(true)
                .build()
                .expect("a glob")
                .compile_matcher();
            (matcher, by_name(name).expect("a known dialect"))
        })
        .collect();
    NamedDialects::by(move |name| {
        globs
            .iter()
            .find(|(glob, _)| glob.is_match(name))
            .map(|(_, dialect)| *dialect)
    })
}

/// One finding as the expectations name it: file, line (1-based), rule id
/// and severity.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Finding {
    file: String,
    line: u32,
    rule: String,
    severity: String,
}

const SEVERITIES: [&str; 3] = ["error", "warning", "info"];

/// The findings the inline comments of a file expect, one entry per
/// finding: `[a, a]` and `[a x2]` are two findings of `a`.
fn expectations(name: &str, text: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    for (index, line) in text.lines().enumerate() {
        for severity in SEVERITIES {
            let marker = format!("# {severity}: [");
            for (at, _) in line.match_indices(&marker) {
                let rest = &line[at + marker.len()..];
                let list = rest.split(']').next().unwrap_or_default();
                for item in list.split(',') {
                    let (rule, count) = rule_and_count(item.trim());
                    for _ in 0..count {
                        out.push(Finding {
                            file: name.to_string(),
                            line: index as u32 + 1,
                            rule: rule.to_string(),
                            severity: severity.to_string(),
                        });
                    }
                }
            }
        }
    }
    out
}

/// `rule` or `rule xN` (N findings of the rule; `×` works as well as `x`).
fn rule_and_count(item: &str) -> (&str, usize) {
    if let Some((rule, count)) = item.rsplit_once([' ', '\t'])
        && let Some(digits) = count.strip_prefix('x').or_else(|| count.strip_prefix('×'))
        && let Ok(count) = digits.parse::<usize>()
    {
        return (rule.trim_end(), count);
    }
    (item, 1)
}

/// How many findings there are of each (file, line, rule, severity).
fn counts(findings: &[Finding]) -> BTreeMap<&Finding, usize> {
    let mut counts = BTreeMap::new();
    for finding in findings {
        *counts.entry(finding).or_insert(0) += 1;
    }
    counts
}

/// Compares expected and actual findings as counts per (file, line, rule,
/// severity): a finding reported twice where it is expected once, or as a
/// warning where an error is expected, is a difference. The error lists
/// what is missing and what is unexpected, each with its count.
fn compare(expected: &[Finding], actual: &[Finding]) -> Result<(), String> {
    let expected = counts(expected);
    let actual = counts(actual);
    let difference = |from: &BTreeMap<&Finding, usize>, to: &BTreeMap<&Finding, usize>| {
        from.iter()
            .filter_map(|(finding, &n)| {
                let other = to.get(finding).copied().unwrap_or(0);
                (n > other).then(|| {
                    format!(
                        "{}:{}: {}[{}] x{}",
                        finding.file,
                        finding.line,
                        finding.severity,
                        finding.rule,
                        n - other
                    )
                })
            })
            .collect::<Vec<_>>()
    };
    let missing = difference(&expected, &actual);
    let unexpected = difference(&actual, &expected);
    if missing.is_empty() && unexpected.is_empty() {
        return Ok(());
    }
    Err(format!(
        "inline expectations differ\n  expected but not found: {missing:?}\n  found but not expected: {unexpected:?}"
    ))
}

fn run_case(dir: &Path) -> Result<(), Failed> {
    let files = case_files(dir);
    let mut db = SourceDb::new();
    let mut inputs = Vec::new();
    let mut expected = Vec::new();
    for (name, text) in &files {
        expected.extend(expectations(name, text));
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
    let options = CheckOptions {
        named_dialects: case_dialects(dir),
        ..CheckOptions::default()
    };
    let outcome = check_with_options(&mut db, &inputs, &Preloaded, options);
    // A suppressed finding is kept (for JSON and SARIF) but not reported:
    // its line needs no expectation.
    let actual: Vec<Finding> = outcome
        .diagnostics
        .iter()
        .filter(|d| !d.is_suppressed())
        .map(|d| {
            let (start, _) = db.range(d.span);
            Finding {
                file: db.file(d.span.file).name().to_string(),
                line: start.line,
                rule: d.rule.to_string(),
                severity: d.severity.as_str().to_string(),
            }
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
    if let Err(difference) = compare(&expected, &actual) {
        return Err(format!("{difference}\n{human}").into());
    }
    assertion.map_err(|_| Failed::from("snapshot differs (run `cargo insta review`)"))
}

/// The SARIF of the case, each region read back from the source text.
fn check_sarif_regions(diagnostics: &[Diagnostic], db: &SourceDb) -> Result<(), Failed> {
    let rules: Vec<RuleInfo> = registry().into_iter().map(RuleInfo::from).collect();
    let tool = SarifTool::new("0", &rules);
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

/// The comparison itself: a wrong expectation must fail.
fn the_harness_compares_severity_and_count() -> Result<(), Failed> {
    let finding = |line: u32, rule: &str, severity: &str| Finding {
        file: "case.yaml".into(),
        line,
        rule: rule.into(),
        severity: severity.into(),
    };
    let error = finding(3, "duplicate-key", "error");
    let twice = [error.clone(), error.clone()];
    // Equal counts pass, in any order.
    let two_rules = [error.clone(), finding(3, "schema", "error")];
    let reversed = [finding(3, "schema", "error"), error.clone()];
    compare(&two_rules, &reversed)?;
    compare(&twice, &twice)?;
    // Reported twice, expected once.
    let once_not_twice = compare(std::slice::from_ref(&error), &twice)
        .err()
        .ok_or("a finding reported twice where one is expected passed")?;
    if !once_not_twice
        .contains("found but not expected: [\"case.yaml:3: error[duplicate-key] x1\"]")
    {
        return Err(once_not_twice.into());
    }
    // Expected twice, reported once.
    if compare(&twice, std::slice::from_ref(&error)).is_ok() {
        return Err("one finding where two are expected passed".into());
    }
    // A warning where an error is expected.
    let warning = finding(3, "duplicate-key", "warning");
    let wrong_severity = compare(std::slice::from_ref(&error), std::slice::from_ref(&warning))
        .err()
        .ok_or("a warning where an error is expected passed")?;
    if !wrong_severity
        .contains("expected but not found: [\"case.yaml:3: error[duplicate-key] x1\"]")
    {
        return Err(wrong_severity.into());
    }
    // Another line.
    if compare(
        std::slice::from_ref(&error),
        &[finding(4, "duplicate-key", "error")],
    )
    .is_ok()
    {
        return Err("a finding on another line passed".into());
    }

    // The syntax: repeated ids and `xN` count; each marker its severity.
    let text = "a: 1\nb: 2 # error: [duplicate-key, duplicate-key, schema]\nc: NO # error: [schema x2] # warning: [ambiguous-scalar]\nd: 1 # info: [unused-variable ×3]\n";
    let parsed = expectations("case.yaml", text);
    let expected = [
        finding(2, "duplicate-key", "error"),
        finding(2, "duplicate-key", "error"),
        finding(2, "schema", "error"),
        finding(3, "schema", "error"),
        finding(3, "schema", "error"),
        finding(3, "ambiguous-scalar", "warning"),
        finding(4, "unused-variable", "info"),
        finding(4, "unused-variable", "info"),
        finding(4, "unused-variable", "info"),
    ];
    if counts(&parsed) != counts(&expected) {
        return Err(format!("parsed {parsed:?}").into());
    }
    Ok(())
}
