//! Every folder of `corpus/` that holds YAML files is one test case.
//!
//! A case is checked as a directory walk would check it, and two things are
//! asserted:
//! - inline expectations: a line that ends in `# error: [rule]` (or
//!   `warning`, `info`; several rules separated by commas) must get exactly
//!   those findings starting on it, and no other line may get any, so a
//!   passing case is simply one without expectations;
//! - an insta snapshot beside the case (`case.snap`) holding the inputs and
//!   the rendered human and JSON output.
//!
//! `cargo insta review` (or `INSTA_UPDATE=always`) updates snapshots.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use landfall_diagnostics::{ColorMode, SourceDb, Summary, render_human, render_json};
use landfall_rules::{CheckInput, check, registry};
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

/// The case's YAML files, below its folder, sorted by relative path.
fn case_files(dir: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                // A nested folder with YAML files is a case of its own.
                continue;
            }
            if is_yaml(&path) {
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
        inputs.push(CheckInput {
            file,
            explicit: false,
        });
    }
    let outcome = check(&mut db, &inputs);
    let actual: BTreeSet<(String, u32, String)> = outcome
        .diagnostics
        .iter()
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

/// A registered rule without a failing case in `corpus/rules/<id>/` is an
/// untested rule.
fn every_rule_has_a_failing_case() -> Result<(), Failed> {
    let root = corpus_root().join("rules");
    let mut missing = Vec::new();
    for rule in registry() {
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
