//! The verdict on a file does not depend on where `landfall check` runs:
//! the project root is found from the files checked, so FILE's findings
//! are the same from the project root, from a folder below it, from
//! outside the project, by an absolute path, and from standard input
//! named as FILE (an editor's unsaved buffer); a folder below the root is
//! checked against the whole project, like its files named one by one.

use std::path::Path;
use std::process::Stdio;

use serde_json::Value;

use crate::support::{copy_yaml_tree, edit, landfall, repo_root};

/// Findings as (file relative to the project, line, column, rule,
/// message), from `--format json`, whatever the working directory.
fn findings(project: &Path, cwd: &Path, args: &[&str], stdin: Option<&str>) -> Vec<String> {
    let mut command = landfall();
    command
        .args(["check", "--format", "json"])
        .args(args)
        .current_dir(cwd)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    if let Some(text) = stdin {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    let output = child.wait_with_output().unwrap();
    let json: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?} in {}: {e}\n{}",
            cwd.display(),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let mut found: Vec<String> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let file = d["file"].as_str().unwrap();
            // Relative to the working directory, or absolute: made relative
            // to the project.
            let path = cwd.join(file);
            let path = std::fs::canonicalize(&path).unwrap_or(path);
            let project = std::fs::canonicalize(project).unwrap();
            let relative = path.strip_prefix(&project).unwrap_or(&path).to_owned();
            format!(
                "{}:{}:{} {} {}",
                relative.display(),
                d["line"],
                d["column"],
                d["rule"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            )
        })
        .collect();
    found.sort();
    found
}

/// The example shop with a fault in `workloads/api.yaml` that only the
/// project's Platform knows of (a blocked port), below `top/shop`.
fn shop(top: &Path) -> std::path::PathBuf {
    let project = top.join("shop");
    std::fs::create_dir_all(&project).unwrap();
    copy_yaml_tree(&repo_root().join("examples/shop"), &project);
    let api = project.join("workloads/api.yaml");
    edit(
        &api,
        "- {port: 8080, protocol: http}",
        "- {port: 9090, protocol: http}",
    );
    project
}

fn assert_same_verdict_everywhere(top: &Path, project: &Path) {
    let api = project.join("workloads/api.yaml");
    let text = std::fs::read_to_string(&api).unwrap();
    let from_root = findings(project, project, &["workloads/api.yaml"], None);
    assert!(
        from_root.iter().any(|f| f.contains("blocked-port")),
        "{from_root:#?}"
    );
    assert!(
        from_root
            .iter()
            .all(|f| f.starts_with("workloads/api.yaml:")),
        "{from_root:#?}"
    );
    let absolute = api.to_str().unwrap();
    let runs = [
        (
            "a subfolder",
            findings(project, &project.join("workloads"), &["api.yaml"], None),
        ),
        (
            "outside",
            findings(project, top, &["shop/workloads/api.yaml"], None),
        ),
        (
            "an absolute path",
            findings(project, Path::new("/"), &[absolute], None),
        ),
        (
            "standard input at the root",
            findings(
                project,
                project,
                &["-", "--stdin-filename", "workloads/api.yaml"],
                Some(&text),
            ),
        ),
        (
            "standard input in a subfolder",
            findings(
                project,
                &project.join("workloads"),
                &["-", "--stdin-filename", "api.yaml"],
                Some(&text),
            ),
        ),
    ];
    for (where_, found) in runs {
        assert_eq!(found, from_root, "from {where_}");
    }

    // An editor's buffer replaces the file on disk: its fault is gone.
    let fixed = text.replace("port: 9090", "port: 8080");
    let buffer = findings(
        project,
        project,
        &["-", "--stdin-filename", "workloads/api.yaml"],
        Some(&fixed),
    );
    assert_eq!(buffer, Vec::<String>::new());

    // A folder below the root: its files, against the whole project.
    let folder = findings(project, &project.join("workloads"), &[], None);
    let mut named: Vec<String> = std::fs::read_dir(project.join("workloads"))
        .unwrap()
        .map(|e| format!("workloads/{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    named.sort();
    let named: Vec<&str> = named.iter().map(String::as_str).collect();
    assert_eq!(folder, findings(project, project, &named, None));
    assert_eq!(folder, from_root);
}

#[test]
fn a_file_gets_the_same_findings_from_anywhere_in_a_landfall_toml_project() {
    let top = tempfile::tempdir().unwrap();
    let project = shop(top.path());
    std::fs::write(project.join("landfall.toml"), "").unwrap();
    assert_same_verdict_everywhere(top.path(), &project);
}

#[test]
fn a_file_gets_the_same_findings_from_anywhere_in_a_git_repository() {
    let top = tempfile::tempdir().unwrap();
    let project = shop(top.path());
    let status = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(&project)
        .status()
        .unwrap();
    assert!(status.success());
    assert_same_verdict_everywhere(top.path(), &project);
}
