//! Every real file of the platforms' own formats that the project keeps
//! beside the repository (`../shared/real-world/dialects/<platform>/`, or
//! where `LANDFALL_REAL_WORLD_DIALECTS` points), read as its dialect:
//! - no panic;
//! - a templated file gets exactly one finding, `templated-file`;
//! - a file its SOURCES.md notes as broken gets that fault;
//! - every other file gets no error.
//!
//! The folder is not part of the repository; without it the test passes
//! with a note, except under CI (`CI` set), where it is a failure.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use landfall_check::dialect::{NamedDialects, by_name};
use landfall_check::{CheckInput, CheckOptions, Preloaded, check_with_options};
use landfall_diagnostics::SourceDb;

fn real_world() -> Option<PathBuf> {
    let dir = match std::env::var_os("LANDFALL_REAL_WORLD_DIALECTS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/real-world/dialects"),
    };
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "the real-world dialect files are missing at {} (set LANDFALL_REAL_WORLD_DIALECTS)",
        dir.display()
    );
    eprintln!(
        "note: real-world dialect files not found at {}; not run",
        dir.display()
    );
    None
}

/// The inputs of a platform's folder: YAML files outside `_reference/`.
fn inputs(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "_reference") {
                inputs(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

/// Each platform's folder and the dialect its files are read as.
const PLATFORMS: &[(&str, &str)] = &[("controlplane", "cpln")];

/// The files SOURCES.md notes as broken, and the rule that must report
/// the fault (relative path, rule).
const BROKEN: [(&str, &str); 1] = [(
    // `----` as a document separator.
    "controlplane/controlplane-com+examples/examples/sqs-autoscale/sample-workload.yaml",
    "yaml-syntax",
)];

#[derive(Default)]
struct Tally {
    files: usize,
    templated: usize,
    broken: usize,
    clean: usize,
    findings: usize,
}

fn check_platform(root: &Path, platform: &str, dialect: &str, problems: &mut Vec<String>) -> Tally {
    let mut files = Vec::new();
    inputs(&root.join(platform), &mut files);
    let mut tally = Tally::default();
    for path in files {
        let relative = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(&path).unwrap();
        let mut db = SourceDb::new();
        let file = db.add(relative.clone(), text.clone());
        let options = CheckOptions {
            named_dialects: NamedDialects::all(by_name(dialect).unwrap()),
            ..CheckOptions::default()
        };
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            check_with_options(
                &mut db,
                &[CheckInput {
                    file,
                    explicit: true,
                }],
                &Preloaded,
                options,
            )
        }));
        tally.files += 1;
        let Ok(outcome) = outcome else {
            problems.push(format!("{relative}: panicked"));
            continue;
        };
        let findings: Vec<String> = outcome
            .diagnostics
            .iter()
            .map(|d| {
                let at = &text[d.span.start as usize..d.span.end as usize];
                format!("{} {} `{at}`: {}", d.severity.as_str(), d.rule, d.message)
            })
            .collect();
        tally.findings += findings.len();
        if landfall_check::dialect::is_templated(&text).is_some() {
            tally.templated += 1;
            let only =
                outcome.diagnostics.len() == 1 && outcome.diagnostics[0].rule == "templated-file";
            if !only {
                problems.push(format!("{relative}: templated, but got {findings:#?}"));
            }
        } else if let Some((_, rule)) = BROKEN.iter().find(|(p, _)| *p == relative) {
            tally.broken += 1;
            if !outcome
                .diagnostics
                .iter()
                .any(|d| d.rule == *rule && d.is_error())
            {
                problems.push(format!(
                    "{relative}: broken ({rule}), but got {findings:#?}"
                ));
            }
        } else if outcome.diagnostics.iter().any(|d| d.is_error()) {
            problems.push(format!("{relative}: expected no error, got {findings:#?}"));
        } else {
            tally.clean += 1;
        }
    }
    tally
}

#[test]
fn every_real_file_of_the_platforms_reads_as_its_dialect() {
    let Some(root) = real_world() else {
        return;
    };
    let mut problems = Vec::new();
    let mut report = String::new();
    for (platform, dialect) in PLATFORMS {
        let t = check_platform(&root, platform, dialect, &mut problems);
        let _ = write!(
            report,
            "{dialect}: {} files ({} templated, {} broken as noted, {} without errors), {} findings; ",
            t.files, t.templated, t.broken, t.clean, t.findings
        );
        assert!(t.files > 0, "no {platform} files under {}", root.display());
    }
    // Written to the process's stderr itself, which the harness does not
    // capture: the counts show in every `cargo test` log.
    let _ = writeln!(std::io::stderr(), "real-world dialect files: {report}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
