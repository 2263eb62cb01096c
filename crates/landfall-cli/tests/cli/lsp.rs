//! `landfall lsp` driven by a real language client: pygls's, from PyPI
//! (installed by `.ci/install-tools` into `.ci/tools/python`, or found
//! where `LANDFALL_PYTHONPATH` points). The session script,
//! `tests/lsp/session.py`, opens the example shop, types a typo, applies
//! the offered fix, goes to a workload's definition, renames it and sends
//! a malformed message; each step asserts.

use std::path::PathBuf;
use std::process::Command;

use crate::support::{BIN, copy_yaml_tree, repo_root};

#[test]
fn an_editor_session_over_the_example_shop() {
    let python_path = std::env::var_os("LANDFALL_PYTHONPATH")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join(".ci/tools/python"));
    let shop = tempfile::tempdir().unwrap();
    copy_yaml_tree(&repo_root().join("examples/shop"), shop.path());
    let script = repo_root().join("crates/landfall-cli/tests/lsp/session.py");
    let output = Command::new("python3")
        .arg(&script)
        .arg(BIN)
        .arg(shop.path())
        .env("PYTHONPATH", &python_path)
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("No module named 'pygls'"),
        "pygls is not in {}: run `bash .ci/install-tools` or point LANDFALL_PYTHONPATH at an installation",
        python_path.display()
    );
    assert!(
        output.status.success(),
        "the session failed:\n{stdout}\n{stderr}"
    );
    for step in [
        "ok: the example opens clean",
        "ok: the typo's diagnostic is on",
        "ok: the code action fixes it",
        "ok: definition of a scope's workload",
        "ok: the rename edits",
        "ok: a malformed message is answered",
    ] {
        assert!(stdout.contains(step), "missing step `{step}`:\n{stdout}");
    }
}
