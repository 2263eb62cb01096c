//! The command-line conventions landfall shares with ruff, cargo and
//! terraform: usage errors' exit statuses, `-o/--output-file`, the help,
//! shell completions, `rules --format json`, colour from the environment,
//! `--select`/`--ignore` and `[per-file-ignores]`, `--format concise` and
//! `--statistics`, and `landfall init`.

use std::path::Path;
use std::process::Output;

use crate::support::{landfall, output, project, repo_root, write};

const APP: &str = "apiVersion: landfall.dev/v1\nkind: Application\nmetadata: {name: shop}\nspec: {version: \"1.0.0\"}\n";

/// A project with one `duplicate-key` finding in each of two files, one
/// of them under `legacy/`.
fn findings_tree() -> tempfile::TempDir {
    project(&[
        ("landfall.toml", ""),
        ("app.yaml", APP),
        (
            "legacy/old.yaml",
            "apiVersion: landfall.dev/v1\nkind: Application\nmetadata: {name: old}\nspec:\n  version: \"1.0.0\"\n  version: \"1.0.1\"\n",
        ),
        (
            "web.yaml",
            "apiVersion: landfall.dev/v1\nkind: Application\nmetadata: {name: web}\nspec:\n  version: \"1.0.0\"\n  version: \"1.0.2\"\n",
        ),
    ])
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// `(rule, file)` of every finding of `check --format json`.
fn found(dir: &Path, extra: &[&str]) -> (Option<i32>, Vec<(String, String)>) {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    let out = output(dir, &args);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out))
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&out), stderr(&out)));
    let pairs = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (out.status.code(), pairs)
}

#[test]
fn usage_errors_exit_1_under_detailed_exitcode_and_2_otherwise() {
    let plan = ["plan", "examples/shop", "--scope", "shop/local"];
    let cases: [&[&str]; 4] = [
        &["--scpe", "shop/local"],
        &["--format", "xml"],
        &["--color", "sometimes"],
        &["--select", "no-such-rule"],
    ];
    for extra in cases {
        let mut args = plan.to_vec();
        args.extend_from_slice(extra);
        let plain = output(repo_root(), &args);
        assert_eq!(plain.status.code(), Some(2), "{args:?}: {}", stderr(&plain));
        args.push("--detailed-exitcode");
        let detailed = output(repo_root(), &args);
        assert_eq!(
            detailed.status.code(),
            Some(1),
            "{args:?}: {}",
            stderr(&detailed)
        );
        assert!(
            stderr(&detailed).starts_with("error: "),
            "{}",
            stderr(&detailed)
        );
    }
    // A mistyped flag before --detailed-exitcode, and a missing --scope.
    let flag_first = output(
        repo_root(),
        &["plan", "--bogus", "examples/shop", "--detailed-exitcode"],
    );
    assert_eq!(flag_first.status.code(), Some(1));
    let missing = output(
        repo_root(),
        &["plan", "examples/shop", "--detailed-exitcode"],
    );
    assert_eq!(missing.status.code(), Some(1));
    // Elsewhere a usage error stays 2, and help is not an error.
    assert_eq!(
        output(repo_root(), &["check", "--bogus"]).status.code(),
        Some(2)
    );
    let help = output(repo_root(), &["plan", "--help", "--detailed-exitcode"]);
    assert_eq!(help.status.code(), Some(0));
}

#[test]
fn plan_writes_with_output_file_o_and_the_hidden_out() {
    let dir = tempfile::tempdir().unwrap();
    for flag in ["-o", "--output-file", "--out"] {
        let file = dir.path().join(format!("plan{}.json", flag.len()));
        let out = landfall()
            .args(["plan", "examples/shop", "--scope", "shop/local", flag])
            .arg(&file)
            .current_dir(repo_root())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{flag}: {}", stderr(&out));
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.starts_with('{'), "{flag}: {text}");
    }
    let help = stdout(&output(repo_root(), &["plan", "--help"]));
    assert!(
        help.contains("-o, --output-file <FILE.json|DIR/>"),
        "{help}"
    );
    assert!(
        !help.contains("--out "),
        "the old spelling is hidden: {help}"
    );
}

#[test]
fn a_plan_file_path_never_silently_becomes_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let plan = |target: &str| {
        landfall()
            .args(["plan", "--scope", "shop/staging", "-o", target])
            .arg(repo_root().join("examples/shop"))
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    // Neither `.json` nor a directory: refused before anything is read.
    for target in ["plan", "plan.yaml"] {
        let refused = plan(target);
        assert_eq!(refused.status.code(), Some(2));
        assert!(
            stderr(&refused).contains(&format!(
                "write `{target}.json` for the plan file, or `{target}/`"
            )),
            "{}",
            stderr(&refused)
        );
        assert!(!dir.path().join(target).exists());
    }
    // A trailing slash makes the directory (even one named `x.json/`) ...
    for target in ["out/", "odd.json/"] {
        let written = plan(target);
        assert_eq!(written.status.code(), Some(0), "{}", stderr(&written));
        let out = dir.path().join(target);
        assert!(out.join("plan.json").is_file() && out.join("compose.yaml").is_file());
    }
    // ... and so does an existing directory named without one.
    std::fs::create_dir(dir.path().join("existing")).unwrap();
    assert_eq!(plan("existing").status.code(), Some(0));
    assert!(dir.path().join("existing/plan.json").is_file());
}

#[test]
fn the_top_level_help_says_what_landfall_is_and_every_command_what_it_does() {
    for flag in ["--help", "-h"] {
        let help = stdout(&output(repo_root(), &[flag]));
        assert!(
            help.starts_with("landfall: a compiler toolchain for deployment specs"),
            "{help}"
        );
        assert!(!help.contains("flags, file IO"), "{help}");
        let commands = help
            .split("Commands:\n")
            .nth(1)
            .unwrap()
            .split("\n\n")
            .next()
            .unwrap();
        let names: Vec<&str> = commands
            .lines()
            .map(|line| {
                let mut words = line.split_whitespace();
                let name = words.next().unwrap();
                assert!(
                    words.next().is_some(),
                    "`{name}` has no description: {help}"
                );
                name
            })
            .collect();
        for name in ["check", "plan", "rules", "completions", "init"] {
            assert!(names.contains(&name), "{names:?}");
        }
    }
}

#[test]
fn bash_completion_sources_and_completes_a_subcommand() {
    if std::process::Command::new("bash")
        .arg("--version")
        .output()
        .is_err()
    {
        assert!(std::env::var_os("CI").is_none(), "bash is needed in CI");
        eprintln!("skipped: bash is not installed");
        return;
    }
    let script = output(repo_root(), &["completions", "bash"]);
    assert_eq!(script.status.code(), Some(0));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("landfall.bash");
    std::fs::write(&path, &script.stdout).unwrap();
    // What bash sets before it calls a completion function for
    // `landfall ch<TAB>` and `landfall plan --det<TAB>`.
    let probe = format!(
        "set -e; source '{}'; \
         COMP_WORDS=(landfall ch); COMP_CWORD=1; _landfall landfall ch landfall; echo \"${{COMPREPLY[*]}}\"; \
         COMP_WORDS=(landfall plan --det); COMP_CWORD=2; _landfall landfall --det plan; echo \"${{COMPREPLY[*]}}\"",
        path.display()
    );
    let out = std::process::Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &probe])
        .output()
        .unwrap();
    assert_eq!(
        stdout(&out),
        "check\n--detailed-exitcode\n",
        "{}",
        stderr(&out)
    );
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let script = output(repo_root(), &["completions", shell]);
        assert_eq!(script.status.code(), Some(0));
        assert!(stdout(&script).contains("explain"), "{shell}");
    }
    assert_eq!(
        output(repo_root(), &["completions", "tcsh"]).status.code(),
        Some(2)
    );
}

#[test]
fn rules_json_lists_the_registry_with_its_pages() {
    let out = output(repo_root(), &["rules", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["version"], 1);
    let rules = json["rules"].as_array().unwrap();
    let table = stdout(&output(repo_root(), &["rules"]));
    assert_eq!(rules.len(), table.lines().count());
    let reference = std::fs::read_to_string(repo_root().join("docs/rules.md")).unwrap();
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        assert!(
            ["error", "warning", "info"].contains(&rule["severity"].as_str().unwrap()),
            "{rule}"
        );
        assert!(!rule["summary"].as_str().unwrap().is_empty(), "{id}");
        assert!(
            rule["explanation"].as_str().unwrap().contains("```yaml"),
            "{id}"
        );
        // The page is the rule's section of the generated reference.
        let path = rule["docsPath"].as_str().unwrap();
        assert!(path.starts_with("docs/rules.md#"), "{path}");
        assert!(reference.contains(&format!("\n## `{id}`\n")), "{id}");
        assert!(
            reference.contains(&format!("(#{})", &path["docs/rules.md#".len()..])),
            "{path}"
        );
    }
    let blocked = rules.iter().find(|r| r["id"] == "blocked-port").unwrap();
    assert_eq!(blocked["stage"], "rules");
    let lowering = rules.iter().find(|r| r["id"] == "plan/host-port").unwrap();
    assert_eq!(lowering["docsPath"], "docs/rules.md#planhost-port");
}

#[test]
fn force_color_and_clicolor_force_colour_a_pipe_and_no_color_wins() {
    let dir = findings_tree();
    let coloured = |envs: &[(&str, &str)], extra: &[&str]| {
        let mut command = landfall();
        command.args(["check"]).args(extra).current_dir(dir.path());
        for (name, value) in envs {
            command.env(name, value);
        }
        let out = command.output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        stdout(&out).contains('\u{1b}')
    };
    assert!(!coloured(&[], &[]));
    assert!(coloured(&[("FORCE_COLOR", "1")], &[]));
    assert!(coloured(&[("CLICOLOR_FORCE", "1")], &[]));
    assert!(!coloured(&[("CLICOLOR_FORCE", "0")], &[]));
    assert!(!coloured(&[("FORCE_COLOR", "1"), ("NO_COLOR", "1")], &[]));
    assert!(!coloured(&[("FORCE_COLOR", "1")], &["--color", "never"]));
    assert!(!coloured(&[("NO_COLOR", "1")], &["--color", "always"]));
    // plan's diff too.
    let out = landfall()
        .args(["plan", "examples/shop", "--scope", "shop/staging"])
        .env("FORCE_COLOR", "1")
        .current_dir(repo_root())
        .output()
        .unwrap();
    assert!(stdout(&out).contains('\u{1b}'), "{}", stdout(&out));
}

#[test]
fn select_and_ignore_choose_the_rules_reported() {
    let dir = findings_tree();
    let all = found(dir.path(), &[]);
    assert_eq!(all.0, Some(1));
    let rules: Vec<&str> = all.1.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(rules, ["duplicate-key", "duplicate-key"], "{all:?}");
    let (status, none) = found(dir.path(), &["--ignore", "duplicate-key"]);
    assert_eq!((status, none.len()), (Some(0), 0));
    let (status, selected) = found(dir.path(), &["--select", "blocked-port,schema"]);
    assert_eq!((status, selected.len()), (Some(0), 0));
    let (status, again) = found(
        dir.path(),
        &["--select", "plan/", "--select", "duplicate-key"],
    );
    assert_eq!((status, again.len()), (Some(1), 2));
    // The most specific selector decides.
    let (_, specific) = found(
        dir.path(),
        &[
            "--ignore",
            "duplicate-key",
            "--select",
            "duplicate-key",
            "--select",
            "plan/",
        ],
    );
    assert!(specific.is_empty(), "{specific:?}");
    let unknown = output(dir.path(), &["check", "--ignore", "duplicate-kee"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown)
            .contains("no rule or rule prefix `duplicate-kee`; did you mean `duplicate-key`?"),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn per_file_ignores_in_landfall_toml() {
    let dir = findings_tree();
    write(
        dir.path(),
        "landfall.toml",
        "[per-file-ignores]\n\"legacy/**\" = [\"duplicate-key\"]\n\"nothing-*.yaml\" = [\"plan/\"]\n",
    );
    let (status, left) = found(dir.path(), &[]);
    assert_eq!(status, Some(1));
    assert_eq!(
        left,
        [("duplicate-key".to_string(), "web.yaml".to_string())]
    );
    // From below the root, the globs still match from the root.
    let (_, from_below) = found(&dir.path().join("legacy"), &["."]);
    assert!(from_below.is_empty(), "{from_below:?}");
    // A pattern without `/` matches a file name at any depth.
    write(
        dir.path(),
        "landfall.toml",
        "[per-file-ignores]\n\"*.yaml\" = [\"duplicate-key\"]\n",
    );
    assert_eq!(found(dir.path(), &[]), (Some(0), vec![]));
    // An unknown rule is shown in the file, and nothing is checked.
    write(
        dir.path(),
        "landfall.toml",
        "[per-file-ignores]\n\"legacy/**\" = [\"duplicate-kee\"]\n",
    );
    let bad = output(dir.path(), &["check", "--color", "never"]);
    assert_eq!(bad.status.code(), Some(2));
    let text = stdout(&bad) + &stderr(&bad);
    assert!(text.contains("landfall.toml:2:16"), "{text}");
    assert!(text.contains("did you mean `duplicate-key`?"), "{text}");
}

#[test]
fn concise_is_one_line_per_finding_and_statistics_counts_them() {
    let dir = findings_tree();
    let concise = output(dir.path(), &["check", "--format", "concise"]);
    assert_eq!(concise.status.code(), Some(1));
    assert_eq!(
        stdout(&concise),
        "legacy/old.yaml:6:3: error[duplicate-key] duplicate key `version`\n\
         web.yaml:6:3: error[duplicate-key] duplicate key `version`\n"
    );
    write(
        dir.path(),
        "landfall.toml",
        "[output]\nformat = \"concise\"\n",
    );
    assert_eq!(stdout(&output(dir.path(), &["check"])), stdout(&concise));
    let statistics = output(repo_root(), &["check", "examples/shop", "--statistics"]);
    let expected = output(repo_root(), &["check", "examples/shop", "--format", "json"]);
    assert_eq!(statistics.status.code(), expected.status.code());
    let json: serde_json::Value = serde_json::from_str(&stdout(&expected)).unwrap();
    let findings = json["diagnostics"].as_array().unwrap().len();
    let counted: usize = stdout(&statistics)
        .lines()
        .map(|line| {
            line.split_whitespace()
                .next()
                .unwrap()
                .parse::<usize>()
                .unwrap()
        })
        .sum();
    assert_eq!(counted, findings, "{}", stdout(&statistics));
    let dup = output(dir.path(), &["check", "--statistics"]);
    assert_eq!(
        stdout(&dup),
        "2  duplicate-key  the same key twice in one mapping\n"
    );
    assert_eq!(dup.status.code(), Some(1));
}

#[test]
fn init_writes_a_tree_that_checks_clean_and_plans_to_the_local_target() {
    let dir = tempfile::tempdir().unwrap();
    let out = output(dir.path(), &["init", "My_Shop"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let tree = dir.path().join("My_Shop");
    for file in [
        "landfall.toml",
        "application.yaml",
        "scopetypes.yaml",
        "scopes/local.yaml",
        "workloads/web.yaml",
    ] {
        assert!(tree.join(file).is_file(), "{file}");
    }
    let check = output(&tree, &["check", "--deny-warnings"]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    assert!(stdout(&check).contains("0 errors, 0 warnings in 4 files (4 documents)"));
    let plan = output(
        &tree,
        &["plan", "--scope", "my-shop/local", "--format", "json"],
    );
    assert_eq!(plan.status.code(), Some(0), "{}", stderr(&plan));
    let json: serde_json::Value = serde_json::from_str(&stdout(&plan)).unwrap();
    let text = json.to_string();
    assert!(text.contains("\"local\""), "{text}");
    assert!(text.contains("nginx"), "{text}");
    // `plan -o DIR/` of the starter is the local target's plan file.
    let written = output(&tree, &["plan", "--scope", "my-shop/local", "-o", "out/"]);
    assert_eq!(written.status.code(), Some(0), "{}", stderr(&written));
    assert!(tree.join("out/plan.json").is_file());
    assert!(!tree.join("out/compose.yaml").exists());
}

#[test]
fn init_refuses_to_overwrite_and_checks_the_name() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app/workloads/web.yaml", "mine\n");
    let refused = output(dir.path(), &["init", "app", "--name", "shop"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("not overwriting `app/workloads/web.yaml`"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("app/workloads/web.yaml")).unwrap(),
        "mine\n"
    );
    assert!(!dir.path().join("app/application.yaml").exists());
    let bad = output(dir.path(), &["init", "other", "--name", "Api_Server"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(!dir.path().join("other").exists());
    let named = output(dir.path(), &["init", "other", "--name", "shop"]);
    assert_eq!(named.status.code(), Some(0));
    let scope = std::fs::read_to_string(dir.path().join("other/scopes/local.yaml")).unwrap();
    assert!(scope.contains("application: shop"), "{scope}");
}

#[test]
fn plan_select_and_ignore_choose_warnings_but_never_hide_an_error() {
    let plan = |extra: &[&str]| {
        let mut args = vec!["plan", "examples/shop", "--scope", "shop/staging"];
        args.extend_from_slice(extra);
        let out = output(repo_root(), &args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stderr(&out).contains("warning[plan/host-port]")
    };
    assert!(plan(&[]));
    assert!(!plan(&["--ignore", "plan/host-port"]));
    assert!(!plan(&["--ignore", "plan/"]));
    assert!(!plan(&["--select", "blocked-port"]));
    assert!(plan(&["--ignore", "plan/", "--select", "plan/host-port"]));

    // An error stops the plan and is shown whatever is ignored.
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        output(dir.path(), &["init", "t", "--name", "t"])
            .status
            .code(),
        Some(0)
    );
    crate::support::edit(
        &dir.path().join("t/application.yaml"),
        "  version: \"0.1.0\"",
        "  version: \"0.1.0\"\n  version: \"0.1.1\"",
    );
    let refused = output(
        &dir.path().join("t"),
        &[
            "plan",
            "--scope",
            "t/local",
            "--ignore",
            "duplicate-key",
            "--color",
            "never",
        ],
    );
    assert_eq!(refused.status.code(), Some(1));
    // The errors that stop a plan go to stderr: stdout carries plans only.
    assert!(stdout(&refused).is_empty(), "{}", stdout(&refused));
    let shown = stderr(&refused);
    assert!(shown.contains("error[duplicate-key]"), "{shown}");
}
