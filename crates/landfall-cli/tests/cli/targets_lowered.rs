//! The targets on plans lowered from the corpus, through the real binary:
//! every Scope of `examples/shop`, `corpus/seeds/<case>/` and
//! `corpus/plan/<case>/` whose target is compose or kubernetes is planned
//! with `landfall plan --scope APP/SCOPE -o DIR`, and what lands in DIR must
//! pass `config` of Compose v1 and v2 and `kubernetes-validate --strict`.
//!
//! Each lowered plan is also kept in `corpus/targets/lowered-*/plan.json`,
//! where the targets' own corpus test snapshots its artifacts and reads
//! them back (landfall-targets cannot lower: it depends on the plan only).
//! This test fails when one of those files is not what lowering gives now;
//! `LANDFALL_UPDATE_LOWERED=1` rewrites them.
//!
//! Scopes whose target is local are run by `landfall apply`: the exact
//! engine commands it would run on an empty engine (`apply --dry-run`
//! from the specs) are snapshotted for podman and docker.

use std::path::{Path, PathBuf};

use landfall_check::CheckInput;
use landfall_diagnostics::SourceDb;
use landfall_plan::{Plan, Target};

use crate::support::{
    compose_environment, compose_v2, empty_engine, landfall, repo_root, run_tool, yaml_files,
};

/// The corpus trees whose Scopes are planned.
fn trees() -> Vec<PathBuf> {
    let root = repo_root();
    let mut trees = vec![root.join("examples/shop")];
    for area in ["corpus/seeds", "corpus/plan"] {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join(area))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        trees.extend(dirs);
    }
    trees
}

/// Every `APP/SCOPE` of a tree, sorted.
fn scopes(tree: &Path) -> Vec<String> {
    let mut db = SourceDb::new();
    let inputs: Vec<CheckInput> = yaml_files(tree)
        .into_iter()
        .map(|path| CheckInput {
            file: db.add(
                path.display().to_string(),
                std::fs::read_to_string(&path).unwrap(),
            ),
            explicit: false,
        })
        .collect();
    let outcome = landfall_check::check(&mut db, &inputs);
    let mut scopes: Vec<String> = outcome
        .project
        .scopes()
        .filter_map(|s| Some(format!("{}/{}", s.meta.application()?, s.meta.name()?)))
        .collect();
    scopes.sort();
    scopes.dedup();
    scopes
}

/// A lowered scope whose artifacts were written.
struct Lowered {
    /// `lowered-<tree>-<app>-<scope>`, the corpus/targets case.
    case: String,
    tree: PathBuf,
    /// `APP/SCOPE`.
    scope: String,
    dir: PathBuf,
    plan: Plan,
    plan_json: String,
}

fn plan_every_scope(out: &Path) -> (Vec<Lowered>, String) {
    let root = repo_root();
    let mut lowered = Vec::new();
    let mut summary = String::new();
    for tree in trees() {
        let tree_name = tree
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        for scope in scopes(&tree) {
            let case = format!(
                "lowered-{}-{}",
                tree_name.rsplit('/').next().unwrap(),
                scope.replace('/', "-")
            );
            let dir = out.join(&case);
            let output = landfall()
                .args(["plan", "--scope", &scope, "-o"])
                .arg(format!("{}/", dir.display()))
                .arg(&tree)
                .output()
                .unwrap();
            let Some(0) = output.status.code() else {
                summary.push_str(&format!(
                    "{tree_name} {scope}: no plan (status {:?})\n",
                    output.status.code()
                ));
                continue;
            };
            let plan_json = std::fs::read_to_string(dir.join("plan.json")).unwrap();
            let plan = Plan::from_json(&plan_json).unwrap();
            let mut files: Vec<String> = std::fs::read_to_string(dir.join(".landfall-files"))
                .unwrap()
                .lines()
                .map(str::to_string)
                .collect();
            files.sort();
            let target = plan.scope.target;
            summary.push_str(&format!(
                "{tree_name} {scope}: {target}: {}\n",
                files.join(", ")
            ));
            lowered.push(Lowered {
                case,
                tree: tree.clone(),
                scope,
                dir,
                plan,
                plan_json,
            });
        }
    }
    (lowered, summary)
}

#[test]
fn artifacts_of_every_lowered_corpus_scope_pass_the_tools() {
    let out = tempfile::tempdir().unwrap();
    let (lowered, summary) = plan_every_scope(out.path());
    // Which scopes were planned, to which target, writing which files.
    insta::assert_snapshot!(summary);
    let compose: Vec<&Lowered> = lowered
        .iter()
        .filter(|l| l.plan.scope.target == Target::Compose)
        .collect();
    let kubernetes: Vec<&Lowered> = lowered
        .iter()
        .filter(|l| l.plan.scope.target == Target::Kubernetes)
        .collect();
    assert!(!compose.is_empty() && !kubernetes.is_empty());

    for scope in &compose {
        let file = scope.dir.join(landfall_targets::compose::COMPOSE_FILE);
        let envs = compose_environment(&scope.plan, &scope.dir.join("secrets"));
        for program in ["docker-compose".to_string(), compose_v2()] {
            let output = run_tool(
                &program,
                &["-f", file.to_str().unwrap(), "config", "-q"],
                &envs,
                None,
            );
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                output.status.success() && stderr.trim().is_empty(),
                "{program} config on {}:\n{stderr}",
                scope.case
            );
        }
    }

    let manifests: Vec<String> = kubernetes
        .iter()
        .map(|scope| {
            let file = scope.dir.join(landfall_targets::kubernetes::MANIFEST_FILE);
            file.to_str().unwrap().to_string()
        })
        .collect();
    let mut args = vec!["--strict", "--quiet"];
    args.extend(manifests.iter().map(String::as_str));
    let output = run_tool("kubernetes-validate", &args, &[], None);
    assert!(
        output.status.success(),
        "kubernetes-validate --strict refused:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn lowered_plans_in_the_targets_corpus_are_current() {
    let out = tempfile::tempdir().unwrap();
    let (lowered, _) = plan_every_scope(out.path());
    let corpus = repo_root().join("corpus/targets");
    let update = std::env::var_os("LANDFALL_UPDATE_LOWERED").is_some();
    let mut stale = Vec::new();
    let lowered: Vec<&Lowered> = lowered
        .iter()
        .filter(|l| l.plan.scope.target != Target::Local)
        .collect();
    for scope in &lowered {
        let file = corpus.join(&scope.case).join("plan.json");
        if std::fs::read_to_string(&file).ok().as_deref() == Some(scope.plan_json.as_str()) {
            continue;
        }
        if update {
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, &scope.plan_json).unwrap();
        } else {
            stale.push(scope.case.clone());
        }
    }
    // A lowered case whose scope no longer exists (or no longer plans).
    for entry in std::fs::read_dir(&corpus).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("lowered-") && !lowered.iter().any(|l| l.case == name) {
            if update {
                std::fs::remove_dir_all(entry.path()).unwrap();
            } else {
                stale.push(name);
            }
        }
    }
    assert!(
        stale.is_empty(),
        "corpus/targets is out of date for {stale:?}: run with LANDFALL_UPDATE_LOWERED=1 \
         (then `cargo insta review` for the targets' snapshots)"
    );
}

/// The state directory of the dry runs below (the same on every machine).
const STATE_DIR: &str = "/tmp/landfall-dry-run-snapshots";

#[test]
fn engine_commands_of_every_lowered_local_scope() {
    let out = tempfile::tempdir().unwrap();
    let (lowered, _) = plan_every_scope(out.path());
    let local: Vec<&Lowered> = lowered
        .iter()
        .filter(|l| l.plan.scope.target == Target::Local)
        .collect();
    let cases: Vec<&str> = local.iter().map(|l| l.case.as_str()).collect();
    assert_eq!(
        cases,
        [
            "lowered-shop-shop-local",
            "lowered-host-port-off-shop-dev",
            "lowered-host-port-suppressed-shop-dev",
            "lowered-host-ports-shop-dev",
            "lowered-incomplete-shop-fine",
            "lowered-local-secrets-and-jobs-ledger-dev",
            "lowered-unused-parameter-shop-dev",
            "lowered-volume-kind-shop-shared"
        ],
        "the local scopes that plan"
    );
    for scope in local {
        for engine in ["podman", "docker"] {
            let run = tempfile::tempdir().unwrap();
            let (bin, log) = empty_engine(run.path());
            // A fixed state directory: config files are mounted from it, so
            // its path is part of what a replica is started with (and of its
            // run hash). A dry run writes nothing there but the digest key,
            // fixed too: secret object names carry a keyed digest of their
            // value.
            let state = Path::new(STATE_DIR);
            std::fs::create_dir_all(state.join("landfall")).unwrap();
            std::fs::write(state.join("landfall/secret-digest.key"), [7u8; 32]).unwrap();
            // `apply --dry-run TREE --scope APP/SCOPE`, or of a plan file.
            let dry_run = |input: &Path, specs: bool| {
                let mut command = landfall();
                command
                    .arg("apply")
                    .arg(input)
                    .args(["--dry-run", "--engine", engine])
                    .env("PATH", &bin)
                    .env("XDG_STATE_HOME", state);
                if specs {
                    command.args(["--scope", &scope.scope]);
                }
                // Stand-ins, never real values: the commands name secrets
                // by reference only.
                for secret in &scope.plan.secrets {
                    command.env(
                        landfall_plan::secret_env_var(&secret.reference),
                        format!("stand-in for {}", secret.reference),
                    );
                }
                let output = command.output().unwrap();
                assert!(
                    output.status.success(),
                    "{} {engine}: {}",
                    scope.case,
                    String::from_utf8_lossy(&output.stderr)
                );
                String::from_utf8(output.stdout).unwrap()
            };
            let from_specs = dry_run(&scope.tree, true);
            // The plan file `landfall plan -o` wrote gives the same commands.
            assert_eq!(
                dry_run(&scope.dir.join("plan.json"), false),
                from_specs,
                "{}",
                scope.case
            );
            // A dry run reads the engine and changes nothing.
            let engine_log = std::fs::read_to_string(&log).unwrap();
            for line in engine_log.lines() {
                let args: Vec<&str> = line.split(' ').collect();
                assert!(
                    matches!(args.get(1..3), Some(["ps", _] | [_, "ls"] | [_, "inspect"])),
                    "a dry run ran `{line}`"
                );
            }
            insta::assert_snapshot!(format!("{}-{engine}", scope.case), from_specs);
        }
    }
}
