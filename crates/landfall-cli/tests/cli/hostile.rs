//! Hostile files through the real binary: each gives a clean diagnostic,
//! no panic, no abort, in under 100 ms and 50 MB, and the other files of
//! the run are still checked.
//!
//! One test, in a process of its own: peak memory of child processes is
//! read with getrusage(RUSAGE_CHILDREN), which reports the largest child so
//! far, and a child starts with the peak RSS of the process that spawned it
//! (Linux carries it across exec). Measured from this test binary while
//! the other tests run, the checks would count their memory; so the test
//! runs itself again, alone (`--exact`), and that run measures.

// getrusage is the one way to read a child's peak RSS.
#![allow(unsafe_code)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::landfall;

const TIME_BUDGET: Duration = Duration::from_millis(100);
const RSS_BUDGET_KB: i64 = 50 * 1024;

/// Set in the process the test runs itself in.
const ALONE: &str = "LANDFALL_TEST_HOSTILE_ALONE";

fn children_peak_rss_kb() -> i64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr());
        usage.assume_init()
    };
    usage.ru_maxrss
}

fn check_hostile(dir: &Path, hostile: &str) -> serde_json::Value {
    let started = Instant::now();
    let output = landfall()
        .args(["check", "--format", "json", hostile, "good.yaml"])
        .current_dir(dir)
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.is_empty(), "{hostile}: {stderr}");
    assert_eq!(output.status.code(), Some(1), "{hostile}");
    // Debug builds are slower; the budget is for what users run.
    if !cfg!(debug_assertions) {
        assert!(elapsed < TIME_BUDGET, "{hostile} took {elapsed:?}");
    }
    let rss = children_peak_rss_kb();
    assert!(rss < RSS_BUDGET_KB, "{hostile}: peak RSS {rss} KB");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    // The good file beside it was checked too: two files, its document counted.
    assert_eq!(json["summary"]["files"], 2, "{hostile}: {json}");
    json
}

/// Runs the test `name` of this binary alone in a new process, and asserts
/// that it ran and passed.
fn run_alone(name: &str) {
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", name, "--test-threads", "1"])
        .env(ALONE, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("test result: ok. 1 passed"),
        "{name}, run alone:\n{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn rules(json: &serde_json::Value) -> Vec<String> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn hostile_files_are_reported_cleanly() {
    if std::env::var_os(ALONE).is_none() {
        // `cli::hostile` is `hostile` to the test harness.
        let module = module_path!().split_once("::").unwrap().1;
        run_alone(&format!("{module}::hostile_files_are_reported_cleanly"));
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path();
    std::fs::write(
        path.join("good.yaml"),
        "apiVersion: landfall.dev/v1\nkind: Application\nmetadata: {name: shop}\nspec: {version: \"1.0.0\"}\n",
    )
    .unwrap();

    let mut bomb = String::from("a: &a [x,x,x,x,x,x,x,x,x]\n");
    let names: Vec<char> = "abcdefghij".chars().collect();
    for pair in names.windows(2) {
        let refs = vec![format!("*{}", pair[0]); 9].join(",");
        bomb.push_str(&format!("{}: &{} [{refs}]\n", pair[1], pair[1]));
    }
    std::fs::write(path.join("bomb.yaml"), bomb).unwrap();
    std::fs::write(path.join("flow.yaml"), "[".repeat(1_000_000)).unwrap();
    std::fs::write(path.join("block.yaml"), "- ".repeat(100_000) + "x\n").unwrap();
    let huge = std::fs::File::create(path.join("huge.yaml")).unwrap();
    huge.set_len(100 * 1024 * 1024).unwrap();
    // A Scope whose parameters hold 2 million nodes in 4 MB.
    let nodes = String::from(
        "apiVersion: landfall.dev/v1\nkind: Scope\nmetadata: {name: s, application: shop}\nspec:\n  type: web\n  parameters:\n    p: [",
    ) + &"1,".repeat(2_000_000)
        + "1]\n";
    std::fs::write(path.join("nodes.yaml"), nodes).unwrap();
    let mut duplicates = String::from("apiVersion: landfall.dev/v1\n");
    for depth in 0..100 {
        let indent = "  ".repeat(depth);
        duplicates.push_str(&format!("{indent}k: 1\n{indent}k: 2\n{indent}m:\n"));
    }
    std::fs::write(path.join("duplicates.yaml"), duplicates).unwrap();

    for (file, rule) in [
        ("bomb.yaml", "input-limit"),
        ("flow.yaml", "input-limit"),
        ("block.yaml", "input-limit"),
        ("huge.yaml", "input-limit"),
        ("nodes.yaml", "input-limit"),
    ] {
        let json = check_hostile(path, file);
        assert_eq!(rules(&json), [rule], "{file}");
    }
    let json = check_hostile(path, "duplicates.yaml");
    let found = rules(&json);
    assert_eq!(found.iter().filter(|r| *r == "duplicate-key").count(), 100);
}

/// A panic is reported as an internal error with its location and exit
/// status 2, never Rust's default message and 101 (a debug-only trigger).
#[test]
fn a_panic_is_an_internal_error_with_exit_status_2() {
    let output = crate::support::landfall()
        .arg("rules")
        .env("LANDFALL_DEBUG_PANIC", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("error: internal error: landfall panicked at "),
        "{stderr}"
    );
    assert!(stderr.contains("internal_error.rs:"), "{stderr}");
    assert!(stderr.contains("please report it"), "{stderr}");
    assert!(!stderr.contains("RUST_BACKTRACE"), "{stderr}");
}
