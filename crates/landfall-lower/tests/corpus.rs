//! The plans of every Scope in `examples/shop`, `corpus/seeds/<case>/` and
//! `corpus/plan/<case>/`, snapshotted (`plan.snap` beside a corpus case,
//! `tests/snapshots/` for the example).
//!
//! For every plan made, also: it validates against `schemas/plan.schema.json`,
//! reads back from its JSON unchanged, and checking the same files given in
//! the reverse order gives byte-identical JSON. A Scope whose plan is stopped
//! is snapshotted with the findings that stop it.

use std::path::{Path, PathBuf};

use landfall_check::{CheckInput, Preloaded, check_with_options, plan_check_options};
use landfall_diagnostics::SourceDb;
use landfall_lower::{Lowered, ScopeSelector, select};
use landfall_plan::Plan;
use landfall_schema::plan_schema_errors;
use libtest_mimic::{Arguments, Failed, Trial};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn main() {
    let args = Arguments::from_args();
    let root = repo_root();
    let mut cases = vec![root.join("examples/shop")];
    for area in ["corpus/seeds", "corpus/plan"] {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join(area))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        cases.extend(dirs);
    }
    let mut trials: Vec<Trial> = cases
        .into_iter()
        .map(|dir| {
            let name = dir
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            Trial::test(name.clone(), move || run_case(&name, &dir))
        })
        .collect();
    trials.push(Trial::test(
        "every lowering rule has a failing and a passing corpus case",
        every_rule_has_cases,
    ));
    libtest_mimic::run(&args, trials).exit();
}

/// Each `plan/*` rule fires in some `corpus/plan/<case>/plan.snap` that
/// also holds a plan: the case shows the finding and a scope that passes.
fn every_rule_has_cases() -> Result<(), Failed> {
    let snapshots: Vec<String> = std::fs::read_dir(repo_root().join("corpus/plan"))
        .unwrap()
        .flatten()
        .filter_map(|e| std::fs::read_to_string(e.path().join("plan.snap")).ok())
        .collect();
    let missing: Vec<&str> = landfall_lower::rules::ALL
        .iter()
        .map(|rule| rule.id)
        .filter(|id| {
            !snapshots
                .iter()
                .any(|s| s.contains(&format!("[{id}]")) && s.contains("\"planVersion\""))
        })
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!("no corpus/plan case both fails and passes {missing:?}").into())
    }
}

/// Every YAML file below `dir`, as (path relative to `dir`, text), sorted.
fn yaml_files(dir: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                let name = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                files.push((name, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

/// The plan of `selector` (or the findings that stop it), with `files`
/// given in the order written.
fn plan_of(files: &[&(String, String)], selector: &ScopeSelector) -> (Option<Plan>, String) {
    let mut db = SourceDb::new();
    let inputs: Vec<CheckInput> = files
        .iter()
        .map(|(name, text)| CheckInput {
            file: db.add(name.clone(), text.clone()),
            explicit: false,
        })
        .collect();
    let outcome = check_with_options(
        &mut db,
        &inputs,
        &Preloaded,
        plan_check_options(&selector.application),
    );
    let scope = select(&outcome.project, selector).unwrap();
    // The command line's path: check gates, lowering's findings settled.
    let Lowered {
        plan,
        diagnostics: mut findings,
    } = outcome.lower(scope);
    landfall_diagnostics::sort_diagnostics(&mut findings, &db);
    let listed: String = findings
        .iter()
        .map(|d| {
            let (start, _) = db.range(d.span);
            format!(
                "{}{}[{}] {}:{}:{}: {}\n",
                if d.is_suppressed() { "suppressed " } else { "" },
                d.severity.as_str(),
                d.rule,
                db.file(d.span.file).name(),
                start.line,
                start.column,
                d.message
            )
        })
        .collect();
    (plan, listed)
}

fn run_case(name: &str, dir: &Path) -> Result<(), Failed> {
    let files = yaml_files(dir);
    // Which scopes there are: one plain check.
    let mut db = SourceDb::new();
    let inputs: Vec<CheckInput> = files
        .iter()
        .map(|(name, text)| CheckInput {
            file: db.add(name.clone(), text.clone()),
            explicit: false,
        })
        .collect();
    let outcome = landfall_check::check(&mut db, &inputs);
    let mut selectors: Vec<ScopeSelector> = outcome
        .project
        .scopes()
        .filter_map(|s| {
            Some(ScopeSelector {
                application: s.meta.application()?.to_string(),
                scope: s.meta.name()?.to_string(),
            })
        })
        .collect();
    selectors.sort_by(|a, b| (&a.application, &a.scope).cmp(&(&b.application, &b.scope)));
    selectors.dedup();

    let forward: Vec<&(String, String)> = files.iter().collect();
    let backward: Vec<&(String, String)> = files.iter().rev().collect();
    let mut snapshot = String::new();
    let mut problems = Vec::new();
    for selector in &selectors {
        let (plan, findings) = plan_of(&forward, selector);
        snapshot.push_str(&format!("=== {selector}\n{findings}"));
        let Some(plan) = plan else {
            snapshot.push_str("(no plan)\n");
            continue;
        };
        let json = plan.to_json();
        snapshot.push_str(&json);
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        for error in plan_schema_errors(&value) {
            problems.push(format!("{selector}: breaks plan.schema.json {error}"));
        }
        // The parallel writer must give serde_json's own pretty text.
        if json != serde_json::to_string_pretty(&plan).unwrap() + "\n" {
            problems.push(format!(
                "{selector}: to_json differs from serde_json's pretty form"
            ));
        }
        if Plan::from_json(&json).as_ref() != Ok(&plan) {
            problems.push(format!("{selector}: does not read back from its JSON"));
        }
        match plan_of(&backward, selector) {
            (Some(again), _) if again.to_json() == json => {}
            _ => problems.push(format!(
                "{selector}: files in the reverse order give another plan"
            )),
        }
    }

    let mut settings = insta::Settings::clone_current();
    if name.starts_with("corpus/") {
        settings.set_snapshot_path(dir);
        settings.set_prepend_module_to_snapshot(false);
    }
    settings.set_omit_expression(true);
    let snapshot_name = if name.starts_with("corpus/") {
        "plan".to_string()
    } else {
        name.replace('/', "_")
    };
    let assertion = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        settings.bind(|| insta::assert_snapshot!(snapshot_name, snapshot));
    }));
    if !problems.is_empty() {
        return Err(problems.join("\n").into());
    }
    assertion.map_err(|_| Failed::from("snapshot differs (run `cargo insta review`)"))
}
