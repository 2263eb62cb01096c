//! `landfall test-policies`: the `test` declarations of policy files. Each
//! names an example spec file (relative to the policy file) and rules that
//! must fire on it, or must not; the example is checked on its own, with
//! every policy file in force, exactly as `landfall check` would.

use landfall_diagnostics::{Diagnostic, FileId, SourceDb, sort_diagnostics};
use landfall_yaml::Limits;

use crate::pipeline::{
    CheckInput, CheckOptions, Loader, Preloaded, check_with_options, compile_policies,
    find_platform, read_named, read_policy_files, relative_path,
};

/// What `test-policies` found.
pub struct PolicyTestReport {
    /// Policy files that could not be read, or whose rules or tests do not
    /// check: the tests of what remains still run.
    pub diagnostics: Vec<Diagnostic>,
    /// The policy files in force, by name.
    pub policy_files: Vec<String>,
    /// One per rule named by a test, in file and declaration order.
    pub results: Vec<PolicyTestResult>,
}

pub struct PolicyTestResult {
    pub policy_file: String,
    /// 1-based line of the `test` declaration.
    pub line: u32,
    /// The example's path, as resolved from the policy file.
    pub example: String,
    /// `fires` (else `passes`).
    pub fires: bool,
    /// The rule id, without `policy/`.
    pub rule: String,
    /// `None`: the test passed; else why it failed.
    pub failure: Option<String>,
    /// The findings that explain a failure: the rule's own (a `passes`
    /// that fired) or the example's errors (a `fires` that did not).
    pub findings: Vec<TestFinding>,
}

/// A finding in an example, located for a report line.
pub struct TestFinding {
    pub rule: String,
    /// `file:line:column`.
    pub location: String,
    pub message: String,
}

/// Runs the tests of the policy files the Platform among `inputs` lists,
/// and of `policy_files` (names of `.policy` files given directly).
pub fn test_policies(
    db: &mut SourceDb,
    inputs: &[CheckInput],
    loader: &dyn Loader,
    policy_files: &[String],
) -> PolicyTestReport {
    let mut diagnostics = Vec::new();
    let mut files: Vec<FileId> = Vec::new();
    if let Some((file, platform)) = find_platform(
        db,
        inputs,
        loader,
        crate::dialect::registry(),
        &Limits::default(),
    ) {
        let (listed, found) = read_policy_files(db, loader, file, &platform);
        diagnostics.extend(found);
        files.extend(listed);
    }
    for name in policy_files {
        // The CLI names only files that exist.
        if let Some((file, problem)) = read_named(db, loader, name) {
            diagnostics.extend(problem);
            if !files.contains(&file) {
                files.push(file);
            }
        }
    }
    let (policies, found) = compile_policies(db, &files);
    diagnostics.extend(found);
    sort_diagnostics(&mut diagnostics, db);

    let mut results = Vec::new();
    for tests in policies.tests() {
        let policy_name = db.file(tests.file).name().to_string();
        for test in &tests.tests {
            let example = relative_path(&policy_name, &test.example);
            let line = db.file(tests.file).line_col(test.span.start).line;
            let outcome = run_example(db, loader, &files, &example);
            for (rule, _) in &test.rules {
                let (failure, findings) = match &outcome {
                    Err(problem) => (Some(problem.clone()), Vec::new()),
                    Ok((example_db, found)) => {
                        let id = format!("policy/{rule}");
                        let fired: Vec<&Diagnostic> =
                            found.iter().filter(|d| d.rule == id.as_str()).collect();
                        match (test.fires, fired.len()) {
                            (true, 0) => (
                                Some("did not fire".to_string()),
                                located(example_db, found.iter().filter(|d| d.is_error())),
                            ),
                            (false, n) if n > 0 => (
                                Some(format!("fired {n} time{}", if n == 1 { "" } else { "s" })),
                                located(example_db, fired.into_iter()),
                            ),
                            _ => (None, Vec::new()),
                        }
                    }
                };
                results.push(PolicyTestResult {
                    policy_file: policy_name.clone(),
                    line,
                    example: example.clone(),
                    fires: test.fires,
                    rule: rule.clone(),
                    failure,
                    findings,
                });
            }
        }
    }
    PolicyTestReport {
        diagnostics,
        policy_files: files
            .iter()
            .map(|&f| db.file(f).name().to_string())
            .collect(),
        results,
    }
}

/// Checks one example with the policy files in force.
fn run_example(
    db: &mut SourceDb,
    loader: &dyn Loader,
    policy_files: &[FileId],
    example: &str,
) -> Result<(SourceDb, Vec<Diagnostic>), String> {
    let Some((file, problem)) = read_named(db, loader, example) else {
        return Err(format!("the example `{example}` does not exist"));
    };
    if let Some(problem) = problem {
        return Err(format!(
            "the example `{example}` cannot be read: {}",
            problem.message
        ));
    }
    let mut example_db = SourceDb::new();
    let mut policies = Vec::new();
    for &policy in policy_files {
        let source = db.file(policy);
        policies.push(example_db.add(source.name(), source.text()));
    }
    let input = example_db.add(example, db.file(file).text());
    let options = CheckOptions {
        policy_files: Some(policies),
        ..CheckOptions::default()
    };
    let outcome = check_with_options(
        &mut example_db,
        &[CheckInput {
            file: input,
            explicit: true,
        }],
        &Preloaded,
        options,
    );
    Ok((example_db, outcome.diagnostics))
}

fn located<'a>(db: &SourceDb, found: impl Iterator<Item = &'a Diagnostic>) -> Vec<TestFinding> {
    found
        .map(|d| {
            let (start, _) = db.range(d.span);
            TestFinding {
                rule: d.rule.to_string(),
                location: format!(
                    "{}:{}:{}",
                    db.file(d.span.file).name(),
                    start.line,
                    start.column
                ),
                message: d.message.clone(),
            }
        })
        .collect()
}
