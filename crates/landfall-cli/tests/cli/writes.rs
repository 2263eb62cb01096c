//! How landfall writes: every file it writes replaces its name by a rename
//! (never written in place), and a closed standard output leaves the exit
//! status of every format as it would have been.

use std::path::Path;
use std::process::Stdio;

use crate::support::{landfall, project, repo_root};

const BROKEN: &str = "apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec: {version: \"1.0.0\", colour: blue}
";

const CLEAN: &str = "apiVersion: landfall.dev/v1
kind: Application
metadata: {name: shop}
spec: {version: \"1.0.0\"}
";

/// Puts `old` at `path` with a second name beside it: a file written in
/// place changes under both names, a file replaced by a rename only under
/// `path`. Returns the second name.
fn old_file_with_a_second_name(path: &Path) -> std::path::PathBuf {
    std::fs::write(path, "old").unwrap();
    let other = path.with_extension("kept");
    std::fs::hard_link(path, &other).unwrap();
    other
}

fn assert_replaced(path: &Path, other: &Path) {
    assert_ne!(std::fs::read(path).unwrap(), b"old", "{}", path.display());
    assert_eq!(
        std::fs::read_to_string(other).unwrap(),
        "old",
        "{} was written in place",
        path.display()
    );
}

fn no_temporary_files(dir: &Path) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.ends_with(".tmp"), "left behind: {name}");
    }
}

#[test]
fn reports_and_baselines_replace_the_file_instead_of_writing_into_it() {
    let tree = project(&[("shop.yaml", BROKEN)]);
    let dir = tree.path();
    let report = dir.join("report.sarif");
    let report_other = old_file_with_a_second_name(&report);
    let baseline = dir.join("baseline.json");
    let baseline_other = old_file_with_a_second_name(&baseline);

    let output = landfall()
        .args([
            "check",
            "--format",
            "sarif",
            "-o",
            "report.sarif",
            "shop.yaml",
        ])
        .current_dir(dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_replaced(&report, &report_other);

    let output = landfall()
        .args(["check", "--write-baseline", "baseline.json", "shop.yaml"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_replaced(&baseline, &baseline_other);
    no_temporary_files(dir);
}

#[test]
fn plans_and_artifacts_replace_the_file_instead_of_writing_into_it() {
    let out = tempfile::tempdir().unwrap();
    let plan_file = out.path().join("staging.json");
    let plan_other = old_file_with_a_second_name(&plan_file);
    let artifacts = out.path().join("staging");
    std::fs::create_dir(&artifacts).unwrap();
    let compose = artifacts.join("compose.yaml");
    let compose_other = old_file_with_a_second_name(&compose);

    for target in [&plan_file, &artifacts] {
        let output = landfall()
            .args(["plan", "--scope", "shop/staging", "-o"])
            .arg(target)
            .arg("examples/shop")
            .current_dir(repo_root())
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert_replaced(&plan_file, &plan_other);
    assert_replaced(&compose, &compose_other);
    no_temporary_files(out.path());
    no_temporary_files(&artifacts);
}

/// `landfall check` with its standard output closed before it writes: the
/// status is what the findings say, for every format.
fn status_with_stdout_closed(dir: &Path, format: &str) -> Option<i32> {
    let mut child = landfall()
        .args(["check", "--format", format, "."])
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The reader leaves before reading anything, as `| head -c0` would.
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("internal error"), "{format}: {stderr}");
    assert!(!stderr.contains("cannot write"), "{format}: {stderr}");
    output.status.code()
}

#[test]
fn a_closed_pipe_keeps_the_status_the_findings_give_for_every_format() {
    // Enough findings that every format is larger than a pipe's buffer.
    let files: Vec<(String, &str)> = (0..200)
        .map(|n| (format!("app{n:03}.yaml"), BROKEN))
        .collect();
    let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (n.as_str(), *t)).collect();
    let broken = project(&files);
    let clean = project(&[("shop.yaml", CLEAN)]);
    for format in ["human", "json", "sarif", "github", "junit"] {
        assert_eq!(
            status_with_stdout_closed(broken.path(), format),
            Some(1),
            "{format}, with findings"
        );
        assert_eq!(
            status_with_stdout_closed(clean.path(), format),
            Some(0),
            "{format}, clean"
        );
    }
}

#[test]
fn a_reader_that_leaves_after_the_first_lines_keeps_the_status() {
    let files: Vec<(String, &str)> = (0..200)
        .map(|n| (format!("app{n:03}.yaml"), BROKEN))
        .collect();
    let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (n.as_str(), *t)).collect();
    let broken = project(&files);
    for format in ["human", "sarif", "junit"] {
        // The binary's own status, not head's: bash's PIPESTATUS.
        let status = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!(
                "\"$0\" check --format {format} . | head -n 3 >/dev/null; exit ${{PIPESTATUS[0]}}"
            ))
            .arg(crate::support::BIN)
            .current_dir(broken.path())
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(1), "{format} | head");
    }
}
