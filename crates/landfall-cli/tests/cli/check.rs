//! `check` and the commands around it (`rules`, `explain`,
//! `test-policies`), the real binary: stdout, stderr and exit status,
//! snapshotted.

use std::io::{Read, Write};
use std::path::Path;
use std::process::Stdio;

use crate::support::{landfall, project, repo_root, run, write};

const APP: &str = "apiVersion: landfall.dev/v1\nkind: Application\nmetadata: {name: shop}\nspec: {version: \"1.0.0\"}\n";

#[test]
fn the_example_shop_is_clean() {
    insta::assert_snapshot!(run(repo_root(), &["check", "examples/shop"]));
}

#[test]
fn findings_in_human_and_json() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "apps/shop.yaml",
        "apiVersion: landfall.dev/v1\nkind: Application\nmetadata:\n  name: shop\n  labels: {country: NO}\nspec:\n  version: \"1.0.0\"\n  versoin: \"1.0.1\"\n",
    );
    insta::assert_snapshot!("human", run(dir.path(), &["check"]));
    insta::assert_snapshot!(
        "json",
        run(dir.path(), &["check", "--format", "json", "apps"])
    );
}

#[test]
fn warnings_fail_only_with_deny_warnings() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app.yaml",
        &APP.replace(
            "metadata: {name: shop}",
            "metadata: {name: shop, labels: {on: yes}}",
        ),
    );
    let status = |args: &[&str]| {
        landfall()
            .args(args)
            .current_dir(dir.path())
            .status()
            .unwrap()
            .code()
    };
    assert_eq!(status(&["check"]), Some(0));
    assert_eq!(status(&["check", "--deny-warnings"]), Some(1));
}

#[test]
fn a_missing_path_or_bad_flag_cannot_run() {
    let dir = tempfile::tempdir().unwrap();
    insta::assert_snapshot!("missing_path", run(dir.path(), &["check", "nowhere"]));
    let bad_flag = landfall().args(["check", "--frobnicate"]).output().unwrap();
    assert_eq!(bad_flag.status.code(), Some(2));
}

#[test]
fn standard_input_with_a_name() {
    let mut child = landfall()
        .args([
            "check",
            "-",
            "--stdin-filename",
            "apps/piped.yaml",
            "--format",
            "json",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(APP.replace("shop}", "Shop}").as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["diagnostics"][0]["file"], "apps/piped.yaml");
    assert_eq!(json["diagnostics"][0]["rule"], "invalid-name");
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn other_yaml_is_skipped_on_a_walk_and_reported_when_named() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app.yaml", APP);
    write(
        dir.path(),
        "k8s/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: on}\n",
    );
    insta::assert_snapshot!("walk", run(dir.path(), &["check"]));
    insta::assert_snapshot!("named", run(dir.path(), &["check", "k8s/deployment.yaml"]));
}

#[test]
fn gitignored_files_are_not_read() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app.yaml", APP);
    write(dir.path(), ".gitignore", "generated/\n");
    write(
        dir.path(),
        "generated/broken.yaml",
        "apiVersion: landfall.dev/v1\nkind: [\n",
    );
    let output = landfall()
        .arg("check")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn a_broken_file_does_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a-broken.yaml",
        "apiVersion: landfall.dev/v1\nkind: Application\nmetadata: {name: a\n",
    );
    write(
        dir.path(),
        "b-bad-name.yaml",
        &APP.replace("shop}", "B_ad}"),
    );
    std::fs::write(
        dir.path().join("c-latin1.yaml"),
        b"apiVersion: landfall.dev/v1\n# caf\xe9\n",
    )
    .unwrap();
    insta::assert_snapshot!(run(dir.path(), &["check"]));
}

#[test]
fn output_is_deterministic() {
    let first = run(repo_root(), &["check", "corpus", "--format", "json"]);
    let second = run(repo_root(), &["check", "corpus", "--format", "json"]);
    assert_eq!(first, second);
}

#[test]
fn colour_only_when_asked_and_never_with_no_color() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app.yaml", &APP.replace("shop}", "Shop}"));
    let coloured = landfall()
        .args(["check", "--color", "always"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(coloured.stdout.contains(&0x1b));
    let piped = landfall()
        .arg("check")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!piped.stdout.contains(&0x1b));
    let no_color = landfall()
        .args(["check", "--color", "always"])
        .env("NO_COLOR", "1")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!no_color.stdout.contains(&0x1b));
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..300 {
        write(
            dir.path(),
            &format!("app-{i:03}.yaml"),
            &APP.replace("shop}", "Shop}"),
        );
    }
    let mut child = landfall()
        .arg("check")
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(stderr.is_empty(), "{stderr}");
    assert!(status.code().is_some(), "killed by a signal: {status:?}");
}

#[test]
fn rules_and_explain_come_from_the_registry() {
    insta::assert_snapshot!("rules", run(repo_root(), &["rules"]));
    insta::assert_snapshot!("explain", run(repo_root(), &["explain", "duplicate-key"]));
    insta::assert_snapshot!(
        "explain_unknown",
        run(repo_root(), &["explain", "duplicate-keys"])
    );
    // Lowering's findings are documented beside check's.
    let explained = run(repo_root(), &["explain", "plan/volume-kind"]);
    assert!(
        explained.contains("# plan/volume-kind (error by default)"),
        "{explained}"
    );
}

const FINDINGS: &str = "apiVersion: landfall.dev/v1\nkind: Application\nmetadata:\n  name: shop\n  labels: {country: NO, \"a,b\": \"x\"}\nspec:\n  version: \"1.0.0\"\n  versoin: \"1.0.1\"\n---\napiVersion: landfall.dev/v1\nkind: Workload\nmetadata: {name: Api, application: shop}\nspec: {type: standard, containers: [{name: api, image: \"a/b:1\"}]}\n";

#[test]
fn ci_formats() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "apps/shop.yaml", FINDINGS);
    write(
        dir.path(),
        "broken.yaml",
        "apiVersion: landfall.dev/v1\nkind: [\n",
    );
    // The rules' documentation is the registry's (snapshotted by `rules`
    // and `explain`): only their ids are kept here.
    let output = landfall()
        .args(["check", "--format", "sarif"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let mut sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules = &mut sarif["runs"][0]["tool"]["driver"]["rules"];
    let ids: Vec<serde_json::Value> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].clone())
        .collect();
    *rules = serde_json::Value::Array(ids);
    sarif["runs"][0]["tool"]["driver"]["version"] = "VERSION".into();
    sarif["runs"][0]["tool"]["driver"]["semanticVersion"] = "VERSION".into();
    // The project root (here the working directory) as a file URI.
    let root = &mut sarif["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"];
    assert_eq!(*root, project_uri(dir.path()));
    *root = "file:///PROJECT/".into();
    insta::assert_json_snapshot!("sarif", sarif);
    insta::assert_snapshot!("github", run(dir.path(), &["check", "--format", "github"]));
    insta::assert_snapshot!("junit", run(dir.path(), &["check", "--format", "junit"]));
}

/// The `file:` URI SARIF gives a project root.
fn project_uri(dir: &std::path::Path) -> String {
    format!("file://{}/", dir.canonicalize().unwrap().display())
}

#[test]
fn several_outputs_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "apps/shop.yaml", FINDINGS);
    let alone = |format: &str| {
        landfall()
            .args(["check", "--format", format])
            .current_dir(dir.path())
            .output()
            .unwrap()
            .stdout
    };
    let output = landfall()
        .args(["check", "--format", "json", "-o", "out/report.json"])
        .args(["--format", "sarif", "--output-file", "report.sarif"])
        .args(["--format", "github"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "`out/` does not exist yet");
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let output = landfall()
        .args(["check", "--format", "json", "-o", "out/report.json"])
        .args(["--format", "sarif", "--output-file", "report.sarif"])
        .args(["--format", "github"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(output.stdout, alone("github"));
    let read = |name: &str| std::fs::read(dir.path().join(name)).unwrap();
    assert_eq!(read("out/report.json"), alone("json"));
    assert_eq!(read("report.sarif"), alone("sarif"));

    // Every format to a file: the human output still goes to stdout.
    let output = landfall()
        .args(["check", "--format", "json", "--output-file", "report.json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.stdout, alone("human"));
    assert_eq!(read("report.json"), alone("json"));

    insta::assert_snapshot!(
        "two_formats_on_stdout",
        run(
            dir.path(),
            &["check", "--format", "json", "--format", "sarif"]
        )
        .replace(&project_uri(dir.path()), "file:///PROJECT/")
    );
    insta::assert_snapshot!(
        "output_file_without_format",
        run(
            dir.path(),
            &["check", "-o", "report.txt", "--format", "json"]
        )
    );
}

/// The root package lists its tests by hand (`autotests = false`, since its
/// files live in crates/landfall-cli/): a test file left out of the
/// manifest, or a module file left out of `cli/main.rs`, would never run.
#[test]
fn every_test_file_is_listed_in_the_root_manifest() {
    let root = repo_root();
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let tests = root.join("crates/landfall-cli/tests");
    let main = std::fs::read_to_string(tests.join("cli/main.rs")).unwrap();
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&tests).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".rs") {
            let path = format!("path = \"crates/landfall-cli/tests/{name}\"");
            if !manifest.contains(&path) {
                missing.push(format!("a [[test]] in the root Cargo.toml for {name}"));
            }
        }
    }
    assert!(
        manifest.contains("path = \"crates/landfall-cli/tests/cli/main.rs\""),
        "the root Cargo.toml lacks the [[test]] of cli/main.rs"
    );
    for entry in std::fs::read_dir(tests.join("cli")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if let Some(module) = name.strip_suffix(".rs")
            && module != "main"
            && !main.lines().any(|l| l == format!("mod {module};"))
        {
            missing.push(format!("`mod {module};` in cli/main.rs"));
        }
    }
    missing.sort();
    assert!(missing.is_empty(), "add {missing:?}");
}

const POLICY_PLATFORM: &str = "apiVersion: landfall.dev/v1\nkind: Platform\nmetadata: {name: acme}\nspec:\n  policies: [policies/acme.policy]\n  rules: {unscoped-workload: \"off\"}\n";

const POLICY: &str = r#"rule pinned: warning
  "images are pinned to a version"
  for container in workload.containers
  deny not container.image.contains(":") or container.image.endsWith(":latest")
  message "image {container.image} is not pinned"

rule two-replicas: error
  require workload.scaling.minScale >= 2
  at workload.scaling.minScale

test "../examples/bad.yaml" fires pinned, two-replicas
test "../examples/good.yaml" passes pinned, two-replicas
"#;

const BAD_EXAMPLE: &str = "apiVersion: landfall.dev/v1\nkind: Application\nmetadata: {name: shop}\nspec: {version: \"1.0.0\"}\n---\napiVersion: landfall.dev/v1\nkind: Workload\nmetadata: {name: api, application: shop}\nspec:\n  type: standard\n  containers: [{name: api, image: nginx}]\n";

const GOOD_EXAMPLE: &str = "apiVersion: landfall.dev/v1\nkind: Application\nmetadata: {name: shop}\nspec: {version: \"1.0.0\"}\n---\napiVersion: landfall.dev/v1\nkind: Workload\nmetadata: {name: api, application: shop}\nspec:\n  type: standard\n  scaling: {minScale: 2, maxScale: 2}\n  containers: [{name: api, image: \"nginx:1.27\"}]\n";

fn policy_tree() -> tempfile::TempDir {
    project(&[
        ("platform.yaml", POLICY_PLATFORM),
        ("policies/acme.policy", POLICY),
        ("examples/bad.yaml", BAD_EXAMPLE),
        ("examples/good.yaml", GOOD_EXAMPLE),
    ])
}

#[test]
fn policy_rules_are_listed_explained_and_checked() {
    let dir = policy_tree();
    let rules = run(dir.path(), &["rules", "."]);
    let line = |id: &str| {
        rules
            .lines()
            .find(|l| l.starts_with(id))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
    };
    assert_eq!(
        line("policy/pinned").as_deref(),
        Some("policy/pinned warning images are pinned to a version")
    );
    assert_eq!(
        line("policy/two-replicas").as_deref(),
        Some("policy/two-replicas error requires `workload.scaling.minScale >= 2`")
    );
    insta::assert_snapshot!(
        "explain_policy",
        run(dir.path(), &["explain", "policy/pinned", "."])
    );
    insta::assert_snapshot!(
        "explain_policy_without_path",
        run(dir.path(), &["explain", "policy/pinned"])
    );
    // SARIF lists the policy rules with their summaries.
    let output = landfall()
        .args(["check", "--format", "sarif"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let pinned = rules.iter().find(|r| r["id"] == "policy/pinned").unwrap();
    assert!(
        pinned["shortDescription"]["text"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("images are pinned to a version"),
        "{pinned}"
    );
    insta::assert_snapshot!(
        "check_policy",
        run(
            dir.path(),
            &[
                "check",
                "--format",
                "json",
                "platform.yaml",
                "examples/bad.yaml"
            ]
        )
    );
}

#[test]
fn policy_tests_pass_and_fail() {
    let dir = policy_tree();
    insta::assert_snapshot!("test_policies_pass", run(dir.path(), &["test-policies"]));
    // A `passes` example that fires, and a missing example.
    write(dir.path(), "examples/good.yaml", BAD_EXAMPLE);
    write(
        dir.path(),
        "policies/acme.policy",
        &format!("{POLICY}test \"../examples/gone.yaml\" passes pinned\n"),
    );
    insta::assert_snapshot!(
        "test_policies_fail",
        run(dir.path(), &["test-policies", "policies/acme.policy"])
    );
}

/// What mimalloc reports of its options `arena_eager_commit` and
/// `purge_delay` for `args`: the two lines' values.
fn allocator_options(args: &[&str]) -> (String, String) {
    let output = landfall()
        .args(args)
        .current_dir(repo_root())
        .env("MIMALLOC_VERBOSE", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let option = |name: &str| {
        stderr
            .lines()
            .find_map(|l| l.split_once(&format!("option '{name}': ")))
            .map(|(_, value)| value.trim().to_string())
            .unwrap_or_else(|| panic!("mimalloc reported no option {name}:\n{stderr}"))
    };
    (option("arena_eager_commit"), option("purge_delay"))
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn lowering_commands_commit_the_allocators_arena_up_front_and_never_purge_and_check_purges_at_once()
{
    for args in [
        &[
            "plan",
            "examples/shop",
            "--scope",
            "shop/local",
            "--format",
            "json",
        ][..],
        &[
            "apply",
            "--dry-run",
            "examples/shop",
            "--scope",
            "shop/local",
        ],
        &["run", "shop/local/nothing", "examples/shop"],
    ] {
        let expected = ("1".to_string(), "-1".to_string());
        assert_eq!(allocator_options(args), expected, "{args:?}");
    }
    // `check` hands freed memory back at once; the other commands keep
    // mimalloc's defaults.
    let expected = ("0".to_string(), "0".to_string());
    assert_eq!(allocator_options(&["check", "examples/shop"]), expected);
    let expected = ("0".to_string(), "10".to_string());
    assert_eq!(allocator_options(&["rules"]), expected);
}

/// A stand-in for podman that fails every command as podman does when it
/// cannot reach its service, and logs what it was asked.
fn failing_podman(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = dir.join("engine.log");
    let path = bin.join("podman");
    std::fs::write(
        &path,
        format!(
            "#!/bin/sh\necho \"podman $*\" >> '{}'\necho 'Error: unable to connect to Podman socket' >&2\nexit 125\n",
            log.display()
        ),
    )
    .unwrap();
    let mut permissions = std::fs::metadata(&path).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(&path, permissions).unwrap();
    (bin, log)
}

/// An engine that fails, or is missing, is a command that could not run
/// (exit status 2), never findings in the specs (1); the message leads
/// with what the engine said.
#[test]
fn an_engine_that_fails_or_is_missing_cannot_run() {
    let dir = tempfile::tempdir().unwrap();
    let (bin, log) = failing_podman(dir.path());
    let plan = repo_root().join("crates/landfall-runner/tests/fixtures/shop-local.plan.json");
    let plan = plan.to_str().unwrap();
    let landfall_with = |path: &Path, args: &[&str]| {
        let output = landfall()
            .args(args)
            .env("PATH", path)
            .env("XDG_STATE_HOME", dir.path().join("state"))
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };

    let (status, stderr) = landfall_with(&bin, &["apply", plan, "--engine", "podman"]);
    assert_eq!(status, Some(2), "{stderr}");
    assert!(
        stderr.contains("\nerror: Error: unable to connect to Podman socket (`podman "),
        "{stderr}"
    );
    assert!(stderr.contains(" exited with status 125)"), "{stderr}");
    for args in [
        ["down", "--scope", "shop/local", "--engine", "podman"],
        ["status", "--scope", "shop/local", "--engine", "podman"],
    ] {
        let (status, stderr) = landfall_with(&bin, &args);
        assert_eq!(status, Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("error: Error: unable to connect to Podman socket (`podman ")
                && stderr.ends_with(" exited with status 125)\n"),
            "{args:?}: {stderr}"
        );
    }

    // A job the plan does not have: refused before the engine is asked.
    std::fs::remove_file(&log).unwrap();
    let (status, stderr) = landfall_with(
        &bin,
        &["run", "shop/local/nightly", plan, "--engine", "podman"],
    );
    assert_eq!(status, Some(2), "{stderr}");
    assert_eq!(
        stderr,
        "error: the plan has no cron workload `nightly` (it has none)\n"
    );
    assert!(!log.exists(), "the engine was asked");

    // No engine at all, named or looked for.
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let (status, stderr) = landfall_with(&empty, &["apply", plan, "--engine", "podman"]);
    assert_eq!(status, Some(2), "{stderr}");
    assert!(
        stderr.contains("error: cannot start `podman`: it is not on PATH (is podman installed?)"),
        "{stderr}"
    );
    let (status, stderr) = landfall_with(&empty, &["down", "--scope", "shop/local"]);
    assert_eq!(status, Some(2), "{stderr}");
    assert_eq!(
        stderr,
        "error: neither podman nor docker is on PATH: install one, or name it with --engine\n"
    );
}

/// A check that finds no landfall document says so (on stderr, exit 0,
/// as ruff's "No files found"); `--format json` still reports 0 files.
#[test]
fn nothing_found_is_said() {
    let empty = tempfile::tempdir().unwrap();
    insta::assert_snapshot!("nothing_found_empty", run(empty.path(), &["check"]));
    let foreign = project(&[(
        "ci/workflow.yaml",
        "on: push\njobs: {test: {runs-on: ubuntu-latest}}\n",
    )]);
    insta::assert_snapshot!(
        "nothing_found_json",
        run(foreign.path(), &["check", "ci", "--format", "json"])
    );
}
