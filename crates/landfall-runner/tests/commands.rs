//! The exact engine commands of plans, pinned by snapshots, and the
//! reconciliation decisions (nothing to do, rolling, recreate, orphans)
//! against constructed engine states.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use landfall_plan::Plan;
use landfall_runner::observe::{ObservedContainer, ObservedScope};
use landfall_runner::{
    Desired, EngineCommand, EngineKind, Executor, Progress, RecordingExecutor, Runner, RunnerError,
    Secrets, Silent, Step, reconcile,
};

fn fixture(name: &str) -> Plan {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    Plan::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

const CANARY: &str = "canary-7f3a9e-do-not-print";

fn secrets() -> Secrets {
    let mut secrets = Secrets::new(b"fixed key for snapshots".to_vec(), []);
    secrets
        .read_file(
            "test.secrets",
            &format!("shop-db/password={CANARY}\norders-db-tls={CANARY}-tls\n"),
        )
        .unwrap();
    secrets
}

fn desired(plan: &Plan, engine: EngineKind) -> Desired {
    Desired::new(plan, engine, Path::new("/state/landfall"), &secrets()).unwrap()
}

/// The engine state right after `desired` was applied in full.
fn applied(desired: &Desired) -> ObservedScope {
    let mut containers = Vec::new();
    for workload in &desired.workloads {
        for replica in &workload.replicas {
            for (name, run) in replica.containers.iter().zip(&replica.run) {
                let mut labels = BTreeMap::new();
                for pair in run.args.windows(2) {
                    if pair[0] == "--label" {
                        let (key, value) = pair[1].split_once('=').unwrap();
                        labels.insert(key.to_string(), value.to_string());
                    }
                }
                let aliases = vec![workload.name.clone()];
                containers.push(ObservedContainer {
                    volumes: named_volumes(run),
                    name: name.clone(),
                    labels,
                    state: "running".into(),
                    image: String::new(),
                    ports: vec![(8080, "127.0.0.1:40123".into())],
                    networks: desired
                        .networks
                        .iter()
                        .map(|n| (n.name.clone(), aliases.clone()))
                        .collect(),
                });
            }
        }
    }
    containers.sort_by(|a, b| a.name.cmp(&b.name));
    ObservedScope {
        containers,
        networks: desired.networks.iter().map(|n| n.name.clone()).collect(),
        scratch_volumes: desired
            .volumes
            .iter()
            .filter(|v| v.kind == landfall_plan::VolumeKind::Scratch)
            .map(|v| v.name.clone())
            .collect(),
        persistent_volumes: desired
            .volumes
            .iter()
            .filter(|v| v.kind == landfall_plan::VolumeKind::Persistent)
            .map(|v| v.name.clone())
            .collect(),
        secrets: desired.secrets.iter().map(|s| s.name.clone()).collect(),
        // The config directories the apply wrote.
        config_dirs: desired
            .configs
            .iter()
            .map(|c| {
                let dir = c.dir.file_name().unwrap().to_string_lossy().into_owned();
                (dir, c.files.clone())
            })
            .collect(),
        ..ObservedScope::default()
    }
}

/// The named volumes a `run` command mounts (`--volume NAME:/path`).
fn named_volumes(run: &EngineCommand) -> Vec<String> {
    let mut volumes: Vec<String> = run
        .args
        .windows(2)
        .filter(|pair| pair[0] == "--volume" && !pair[1].starts_with('/'))
        .map(|pair| pair[1].split(':').next().unwrap().to_string())
        .collect();
    volumes.sort();
    volumes
}

fn mutating(steps: &landfall_runner::ApplySteps) -> Vec<String> {
    steps
        .steps()
        .filter_map(|s| match s {
            Step::Run(c) | Step::TryRun(c) => Some(c.to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn shop_local_on_an_empty_engine() {
    let plan = fixture("shop-local.plan.json");
    let desired = desired(&plan, EngineKind::Podman);
    let steps = reconcile(&desired, &ObservedScope::default());
    assert_eq!(steps.changes(), 6, "network, 2 volumes, 3 replicas");
    insta::assert_snapshot!(steps.render());
}

#[test]
fn every_feature_on_podman_and_docker() {
    let plan = fixture("every-feature.plan.json");
    for engine in [EngineKind::Podman, EngineKind::Docker] {
        let steps = reconcile(&desired(&plan, engine), &ObservedScope::default());
        let text = steps.render();
        assert!(!text.contains(CANARY), "a secret value in the commands");
        insta::assert_snapshot!(format!("every_feature_{engine}"), text);
    }
}

#[test]
fn the_same_plan_again_changes_nothing() {
    for name in ["shop-local.plan.json", "every-feature.plan.json"] {
        let desired = desired(&fixture(name), EngineKind::Podman);
        let steps = reconcile(&desired, &applied(&desired));
        assert_eq!(steps.changes(), 0, "{name}");
        assert_eq!(mutating(&steps), Vec::<String>::new(), "{name}");
        // Replicas found running are probed again, never restarted.
        assert!(
            steps.steps().all(|s| matches!(
                s,
                Step::AwaitReady {
                    started_earlier: true,
                    ..
                } | Step::WriteConfig { .. }
            )),
            "{name}"
        );
    }
}

#[test]
fn a_patch_release_rolls_one_replica_at_a_time() {
    let old = desired(&fixture("shop-local.plan.json"), EngineKind::Podman);
    let mut plan = fixture("shop-local.plan.json");
    plan.application.version = "2.4.3".into();
    let new = desired(&plan, EngineKind::Podman);
    let steps = reconcile(&new, &applied(&old));
    let storefront = &steps.workloads[1];
    assert_eq!(
        storefront.how.as_deref(),
        Some("rolling (maxParallel 1, healthyTime 60000 ms) from version 2.4.2")
    );
    assert_eq!(
        (storefront.created, storefront.replaced, storefront.removed),
        (0, 2, 0)
    );
    insta::assert_snapshot!(steps.render());
}

#[test]
fn the_first_matching_upgrade_rule_decides_and_no_match_recreates() {
    let mut old_plan = fixture("shop-local.plan.json");
    for (from, how) in [
        ("2.3.9", "recreate from version 2.3.9"),
        ("1.0.0", "recreate from version 1.0.0"),
        (
            "2.4.0",
            "rolling (maxParallel 1, healthyTime 60000 ms) from version 2.4.0",
        ),
        // The regexp must match the whole version.
        ("12.4.0", "recreate from version 12.4.0"),
    ] {
        old_plan.application.version = from.into();
        let old = desired(&old_plan, EngineKind::Podman);
        let new = desired(&fixture("shop-local.plan.json"), EngineKind::Podman);
        let steps = reconcile(&new, &applied(&old));
        assert_eq!(steps.workloads[0].how.as_deref(), Some(how), "{from}");
    }
    old_plan.application.version = "2.3.9".into();
    let old = desired(&old_plan, EngineKind::Podman);
    let new = desired(&fixture("shop-local.plan.json"), EngineKind::Podman);
    // Recreate: every old replica goes before any new one starts.
    let text = reconcile(&new, &applied(&old)).render();
    let storefront: Vec<&str> = text.lines().filter(|l| l.contains("storefront")).collect();
    let first_run = storefront
        .iter()
        .position(|l| l.starts_with("podman run"))
        .unwrap();
    let last_rm = storefront
        .iter()
        .rposition(|l| l.starts_with("podman rm"))
        .unwrap();
    assert!(last_rm < first_run, "{text}");
}

#[test]
fn a_changed_config_replaces_only_the_workloads_mounting_it() {
    let old = desired(&fixture("shop-local.plan.json"), EngineKind::Podman);
    let mut plan = fixture("shop-local.plan.json");
    plan.configs[0]
        .files
        .insert("storefront.conf".into(), "log_level = debug\n".into());
    let steps = reconcile(&desired(&plan, EngineKind::Podman), &applied(&old));
    assert_eq!(
        steps.workloads[0].replica_changes(),
        0,
        "api mounts no config"
    );
    assert_eq!(steps.workloads[1].replaced, 2);
    assert_eq!(
        steps.workloads[1].how.as_deref(),
        Some("rolling (maxParallel 1, healthyTime 0 ms): changed spec of version 2.4.2")
    );
}

#[test]
fn a_changed_secret_value_replaces_its_readers_and_removes_the_old_secret() {
    let plan = fixture("every-feature.plan.json");
    let old = desired(&plan, EngineKind::Podman);
    let mut changed = Secrets::new(b"fixed key for snapshots".to_vec(), []);
    changed
        .read_file("s", "shop-db/password=rotated\norders-db-tls=same\n")
        .unwrap();
    let new = Desired::new(
        &plan,
        EngineKind::Podman,
        Path::new("/state/landfall"),
        &changed,
    )
    .unwrap();
    let steps = reconcile(&new, &applied(&old));
    let worker = steps.workloads.iter().find(|w| w.name == "worker").unwrap();
    assert_eq!(worker.replaced, 1);
    let api = steps.workloads.iter().find(|w| w.name == "api").unwrap();
    assert_eq!(api.replica_changes(), 0);
    let text = steps.render();
    assert!(
        text.contains("podman secret rm shop-full-secret-orders-db-tls-"),
        "{text}"
    );
    assert!(!text.contains("rotated"));
}

#[test]
fn a_killed_apply_converges_without_duplicates() {
    let plan = fixture("shop-local.plan.json");
    let desired = desired(&plan, EngineKind::Podman);
    let mut observed = applied(&desired);
    // Killed after the first storefront replica started: the second is
    // missing, the network exists, one container was created but not started.
    observed
        .containers
        .retain(|c| !c.name.starts_with("shop-local-storefront-1-"));
    let api = observed
        .containers
        .iter_mut()
        .find(|c| c.name.starts_with("shop-local-api-0-"))
        .unwrap();
    api.state = "created".into();
    let steps = reconcile(&desired, &observed);
    let commands = mutating(&steps);
    let api_name = &desired.workloads[0].replicas[0].main;
    assert_eq!(
        commands
            .iter()
            .filter(|c| c.contains(api_name.as_str()))
            .count(),
        3,
        "stop, rm, run of the api replica: {commands:#?}"
    );
    assert_eq!(
        commands
            .iter()
            .filter(|c| c.starts_with("podman run"))
            .count(),
        2
    );
    assert_eq!(steps.changes(), 2);

    // Killed during a rolling step: old and new replica of slot 0 both run.
    let mut old_plan = fixture("shop-local.plan.json");
    old_plan.application.version = "2.4.1".into();
    let old = applied(&desired_of(&old_plan));
    let mut both = applied(&desired);
    both.containers.extend(
        old.containers
            .iter()
            .filter(|c| c.name.contains("storefront-0-"))
            .cloned(),
    );
    both.containers.sort_by(|a, b| a.name.cmp(&b.name));
    let steps = reconcile(&desired, &both);
    let commands = mutating(&steps);
    let old_name = &desired_of(&old_plan).workloads[1].replicas[0].main;
    assert_eq!(
        commands,
        vec![
            format!("podman stop --time 10 {old_name}"),
            format!("podman rm --force {old_name}"),
        ]
    );
}

#[test]
fn a_replica_left_without_its_name_is_attached() {
    let desired = desired(&fixture("shop-local.plan.json"), EngineKind::Podman);
    let mut observed = applied(&desired);
    let api = &desired.workloads[0].replicas[0].main;
    for container in &mut observed.containers {
        if &container.name == api {
            container.networks.values_mut().for_each(Vec::clear);
        }
    }
    let steps = reconcile(&desired, &observed);
    assert_eq!(
        mutating(&steps),
        vec![
            format!("podman network disconnect shop-local-default {api}"),
            format!("podman network connect --alias api shop-local-default {api}"),
        ]
    );
}

fn desired_of(plan: &Plan) -> Desired {
    desired(plan, EngineKind::Podman)
}

#[test]
fn workloads_and_objects_the_plan_dropped_are_removed_but_persistent_volumes_kept() {
    let full = desired(&fixture("every-feature.plan.json"), EngineKind::Podman);
    let mut plan = fixture("every-feature.plan.json");
    plan.workloads.retain(|w| w.name == "api");
    plan.volumes.retain(|v| v.name == "api-cache");
    plan.secrets.clear();
    plan.configs.clear();
    let steps = reconcile(&desired(&plan, EngineKind::Podman), &applied(&full));
    let text = steps.render();
    insta::assert_snapshot!(text);
    assert!(!text.contains("order-spool"), "persistent volumes stay");
}

#[test]
fn only_local_plans_run() {
    let mut plan = fixture("shop-local.plan.json");
    plan.scope.target = landfall_plan::Target::Kubernetes;
    let error = Desired::new(&plan, EngineKind::Podman, Path::new("/s"), &secrets()).unwrap_err();
    let RunnerError::InvalidPlan(error) = error else {
        panic!("not an invalid plan: {error:?}");
    };
    assert_eq!(
        error,
        "scope `shop/local` has target `kubernetes` (ScopeType `local`): the local runner only runs scopes whose ScopeType has `target: local`"
    );
}

#[test]
fn a_missing_secret_names_its_reference_and_hand_edited_plans_are_checked() {
    let plan = fixture("every-feature.plan.json");
    let error = Desired::new(
        &plan,
        EngineKind::Podman,
        Path::new("/s"),
        &Secrets::new(Vec::new(), []),
    )
    .unwrap_err();
    assert!(matches!(error, RunnerError::Secret(_)), "{error:?}");
    let error = error.to_string();
    // Every missing value is named at once.
    assert!(
        error.contains("secrets have no value: `") && error.contains("`orders-db-tls`"),
        "{error}"
    );
    let mut plan = fixture("shop-local.plan.json");
    plan.workloads[0].containers[0].image = "--privileged".into();
    let error = Desired::new(&plan, EngineKind::Podman, Path::new("/s"), &secrets()).unwrap_err();
    let RunnerError::InvalidPlan(error) = error else {
        panic!("not an invalid plan: {error:?}");
    };
    assert_eq!(
        error,
        "container `api` of workload `api` has no valid image: `--privileged`"
    );
    let mut plan = fixture("shop-local.plan.json");
    plan.workloads[0].name = "API;rm".into();
    let error = Desired::new(&plan, EngineKind::Podman, Path::new("/s"), &secrets()).unwrap_err();
    assert!(matches!(error, RunnerError::InvalidPlan(_)), "{error:?}");
    let error = error.to_string();
    assert!(
        error.starts_with("workload name `API;rm` is not a DNS label"),
        "{error}"
    );
}

/// The running scope as `podman container inspect` shows it.
fn inspect_json(observed: &ObservedScope) -> String {
    let items: Vec<serde_json::Value> = observed
        .containers
        .iter()
        .map(|c| {
            let networks: serde_json::Map<String, serde_json::Value> = c
                .networks
                .iter()
                .map(|(name, aliases)| (name.clone(), serde_json::json!({ "Aliases": aliases })))
                .collect();
            serde_json::json!({
                "Name": c.name,
                "State": { "Status": c.state },
                "Config": { "Labels": c.labels, "Image": "localhost/landfall-test:latest" },
                "NetworkSettings": {
                    "Ports": { "8080/tcp": [{ "HostIp": "127.0.0.1", "HostPort": "40123" }] },
                    "Networks": networks,
                },
                "Mounts": c.volumes.iter().map(|v| serde_json::json!({ "Type": "volume", "Name": v }))
                    .chain([serde_json::json!({ "Type": "bind", "Source": "/state/x" })])
                    .collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::to_string(&items).unwrap()
}

/// The shop without probes: nothing answers them here, and the order of
/// what the runner reads is the point.
fn shop_without_probes() -> Plan {
    without_probes(fixture("shop-local.plan.json"))
}

fn without_probes(mut plan: Plan) -> Plan {
    for workload in &mut plan.workloads {
        for container in &mut workload.containers {
            container.probes = Default::default();
        }
    }
    plan
}

fn runner<'a>(executor: &'a dyn Executor, secrets: &'a Secrets, state: &Path) -> Runner<'a> {
    showing(executor, secrets, state, &Silent)
}

fn showing<'a>(
    executor: &'a dyn Executor,
    secrets: &'a Secrets,
    state: &Path,
    progress: &'a dyn Progress,
) -> Runner<'a> {
    Runner {
        engine: EngineKind::Podman,
        executor,
        secrets,
        state_dir: state.to_path_buf(),
        progress,
    }
}

/// What each line runs (`podman volume create`), options left out, sorted:
/// for commands that run side by side, in no fixed order.
fn commands_in_any_order(lines: &[String]) -> Vec<&str> {
    let mut commands: Vec<&str> = lines
        .iter()
        .map(|l| l.split(" --").next().unwrap())
        .collect();
    commands.sort();
    commands
}

fn is_listing(line: &str) -> bool {
    line.contains(" ls ") || line.starts_with("podman ps ") || line.contains(" inspect ")
}

#[test]
fn what_containers_use_exists_without_a_listing() {
    let desired = desired(&fixture("shop-local.plan.json"), EngineKind::Podman);
    let mut observed = applied(&desired);
    observed.networks.clear();
    observed.scratch_volumes.clear();
    let steps = reconcile(&desired, &observed);
    assert_eq!(steps.changes(), 0);
    assert_eq!(mutating(&steps), Vec::<String>::new());
}

/// `ran` is `printed` with the host ports `printed` leaves to be picked
/// (`127.0.0.1::8080`) picked (`127.0.0.1:40123:8080`).
fn with_ports_picked(ran: &str, printed: &str) -> bool {
    let (ran, printed): (Vec<&str>, Vec<&str>) =
        (ran.split(' ').collect(), printed.split(' ').collect());
    ran.len() == printed.len()
        && ran.iter().zip(&printed).all(|(ran, printed)| {
            ran == printed
                || printed.strip_prefix("127.0.0.1::").is_some_and(|port| {
                    ran.strip_prefix("127.0.0.1:")
                        .and_then(|rest| rest.split_once(':'))
                        .is_some_and(|(host, to)| to == port && host.parse::<u16>().is_ok())
                })
        })
}

/// An engine on which `running` runs: `ps` lists it, `inspect` shows it.
fn engine_running(running: &ObservedScope) -> RecordingExecutor {
    let ids: String = running
        .containers
        .iter()
        .map(|c| format!("{}\n", c.name))
        .collect();
    RecordingExecutor::new()
        .answer("podman ps ", &ids)
        .answer("podman container inspect", &inspect_json(running))
}

/// The scope's directory an earlier apply made.
fn applied_before(state: &Path) {
    std::fs::create_dir_all(state.join("shop/local")).unwrap();
}

#[test]
fn a_new_scope_whose_network_is_made_now_is_not_listed() {
    let plan = shop_without_probes();
    let state = tempfile::tempdir().unwrap();
    let secrets = secrets();
    let executor = RecordingExecutor::new();
    let report = runner(&executor, &secrets, state.path())
        .apply(&plan)
        .unwrap();
    assert_eq!(report.changes, 6);
    let lines = executor.lines();
    // The shared objects first, side by side: in any order.
    let first = commands_in_any_order(&lines[..3]);
    assert_eq!(
        first,
        [
            "podman network create",
            "podman volume create",
            "podman volume create"
        ],
        "{lines:#?}"
    );
    // The network was made just now, and every container of a scope is
    // attached to it: nothing of the scope can exist, so nothing is
    // listed, and the replicas it started are not inspected.
    assert_eq!(
        lines.iter().filter(|l| is_listing(l)).count(),
        0,
        "{lines:#?}"
    );
    // Exactly the commands `apply --dry-run` prints.
    let dry = RecordingExecutor::new();
    let (_, _, steps) = runner(&dry, &secrets, state.path())
        .plan_steps(&plan)
        .unwrap();
    let ran: Vec<&String> = lines.iter().filter(|l| !is_listing(l)).collect();
    let printed = mutating(&steps);
    let printed: Vec<&String> = printed.iter().collect();
    // The shared objects first, side by side, then the workloads side by
    // side, and a workload's new replicas side by side: the order holds
    // within each replica.
    assert_eq!(ran.len(), printed.len());
    let sorted = |commands: &[&String]| {
        let mut commands: Vec<String> = commands.iter().map(|c| c.to_string()).collect();
        commands.sort();
        commands
    };
    assert_eq!(sorted(&ran[..3]), sorted(&printed[..3]));
    let of = |commands: &[&String], replica: &str| -> Vec<String> {
        commands[3..]
            .iter()
            .filter(|c| c.contains(&format!("shop-local-{replica}-")))
            .map(|c| c.to_string())
            .collect()
    };
    for replica in ["api-0", "storefront-0", "storefront-1"] {
        let (ran, printed) = (of(&ran, replica), of(&printed, replica));
        assert!(!printed.is_empty(), "{replica}");
        assert_eq!(ran.len(), printed.len(), "{replica}");
        for (ran, printed) in ran.iter().zip(&printed) {
            assert!(with_ports_picked(ran, printed), "{ran}\n{printed}");
        }
    }
    // The dry run lists what runs (every kind, as `plan` shows them): it
    // makes nothing that could tell.
    assert!(
        !dry.lines().is_empty() && dry.lines().iter().all(|l| is_listing(l)),
        "{:#?}",
        dry.lines()
    );
    // Every replica's address is known without asking the engine: the
    // storefront's two replicas, each on a port of its own, and the API.
    let endpoints: Vec<(&str, u16)> = report
        .endpoints
        .iter()
        .map(|(workload, port, _)| (workload.as_str(), *port))
        .collect();
    assert_eq!(
        endpoints,
        [("api", 8080), ("storefront", 8080), ("storefront", 8080)]
    );
    let hosts: BTreeSet<&str> = report.endpoints.iter().map(|e| e.2.as_str()).collect();
    assert_eq!(hosts.len(), 3, "{:?}", report.endpoints);
    for (_, _, host) in &report.endpoints {
        assert!(
            lines
                .iter()
                .any(|l| l.contains(&format!("--publish {host}:8080"))),
            "{host} was published: {lines:#?}"
        );
    }
}

#[test]
fn a_scope_whose_state_dir_was_removed_is_reconciled_as_found() {
    // The scope runs, but the state directory that says so is gone (or
    // this apply runs under another HOME): the shared objects are created
    // anyway, the network is found in place, so the containers are listed
    // and reconciled against what was found.
    let plan = shop_without_probes();
    let state = tempfile::tempdir().unwrap();
    let secrets = secrets();
    let running =
        applied(&Desired::new(&plan, EngineKind::Podman, state.path(), &secrets).unwrap());
    let executor = engine_running(&running)
        .fail("podman network create", "Error: network already exists\n")
        .fail("podman volume create", "Error: volume already exists\n");
    let report = runner(&executor, &secrets, state.path())
        .apply(&plan)
        .unwrap();
    // The one change: the config directory, gone with the state dir, is
    // written again (as `plan` shows: `+ create config`).
    assert_eq!(report.changes, 1);
    let lines = executor.lines();
    assert!(
        !lines.iter().any(|l| l.starts_with("podman run ")),
        "no replica is started twice: {lines:#?}"
    );
    // What runs was found, so what is stale is listed as always.
    for listing in [
        "podman network ls ",
        "podman volume ls ",
        "podman secret ls ",
    ] {
        assert_eq!(
            lines.iter().filter(|l| l.starts_with(listing)).count(),
            1,
            "{lines:#?}"
        );
    }
}

#[test]
fn objects_found_in_place_are_not_changes() {
    let plan = shop_without_probes();
    let state = tempfile::tempdir().unwrap();
    let secrets = secrets();
    let started = applied(&desired(&plan, EngineKind::Podman));
    let executor = RecordingExecutor::new()
        .answer("podman container inspect", &inspect_json(&started))
        .fail(
            "podman network create",
            "Error: network name shop-local-default already used: network already exists\n",
        );
    let report = runner(&executor, &secrets, state.path())
        .apply(&plan)
        .unwrap();
    assert_eq!(report.changes, 5, "the network was there");
}

#[test]
fn a_running_scope_is_read_from_its_containers() {
    let plan = shop_without_probes();
    let state = tempfile::tempdir().unwrap();
    let secrets = secrets();
    // Config directories are in the state directory: their path is part of
    // what the replicas were started with.
    let desired = Desired::new(&plan, EngineKind::Podman, state.path(), &secrets).unwrap();
    let running = applied(&desired);
    applied_before(state.path());
    // ... and the config directories the apply wrote.
    for config in &desired.configs {
        landfall_runner::state::write_config(&config.dir, &config.files).unwrap();
    }
    let executor = engine_running(&running);
    let report = runner(&executor, &secrets, state.path())
        .apply(&plan)
        .unwrap();
    assert_eq!(report.changes, 0);
    assert_eq!(report.endpoints.len(), 3, "{:?}", report.endpoints);
    let lines = executor.lines();
    assert!(lines[0].starts_with("podman ps "), "{lines:#?}");
    assert!(
        lines[1].starts_with("podman container inspect "),
        "{lines:#?}"
    );
    // The network and volumes the containers use need no listing before
    // the steps, and replicas just inspected are not inspected again.
    let rest = commands_in_any_order(&lines[2..]);
    assert_eq!(
        rest,
        ["podman network ls", "podman secret ls", "podman volume ls"],
        "{lines:#?}"
    );
}

/// `plan` and `apply --dry-run` decide from every kind listed at once:
/// what an apply lists late (or not at all, when a create finds its
/// object in place) changes its steps, never its count.
#[test]
fn a_plan_lists_every_kind_at_once() {
    let plan = fixture("every-feature.plan.json");
    let state = tempfile::tempdir().unwrap();
    let secrets = secrets();
    let executor = RecordingExecutor::new();
    runner(&executor, &secrets, state.path())
        .plan_steps(&plan)
        .unwrap();
    let lines = executor.lines();
    assert_eq!(
        commands_in_any_order(&lines),
        [
            "podman network ls",
            "podman ps",
            "podman secret ls",
            "podman volume ls"
        ],
        "{lines:#?}"
    );
}

#[test]
fn a_new_scope_keeps_the_persistent_volume_down_left() {
    // `down` without `--volumes` keeps persistent volumes (and removes
    // the scope's directory): the next apply makes the network at once,
    // but a persistent volume's create waits for the listing, which finds
    // it, so no create of a volume holding data is ever shown.
    let plan = without_probes(fixture("every-feature.plan.json"));
    let desired = desired(&plan, EngineKind::Podman);
    let kept: Vec<&str> = desired
        .volumes
        .iter()
        .filter(|v| v.kind == landfall_plan::VolumeKind::Persistent)
        .map(|v| v.name.as_str())
        .collect();
    assert!(!kept.is_empty());
    let listing: Vec<String> = kept
        .iter()
        .map(|name| {
            format!(
                r#"{{"Name": "{name}", "Labels": {{"dev.landfall.volume-kind": "persistent"}}}}"#
            )
        })
        .collect();
    let state = tempfile::tempdir().unwrap();
    let secrets = secrets();
    let executor =
        RecordingExecutor::new().answer("podman volume ls ", &format!("[{}]", listing.join(",")));
    let progress = Lines::default();
    showing(&executor, &secrets, state.path(), &progress)
        .apply(&plan)
        .unwrap();
    let lines = executor.lines();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("podman network create "))
    );
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("podman volume ls "))
            .count(),
        1,
        "{lines:#?}"
    );
    assert!(
        !lines.iter().any(|l| l.starts_with("podman ps ")),
        "{lines:#?}"
    );
    let shown = progress.0.lock().unwrap();
    for name in kept {
        for said in lines.iter().chain(shown.iter()) {
            assert!(
                !(said.contains("volume create") && said.ends_with(name)),
                "{said}"
            );
        }
    }
}

/// Answers every command after a pause, counting how many `run`s, and
/// how many creates of shared objects, are in flight at once.
#[derive(Default)]
struct SlowRuns {
    in_flight: std::sync::atomic::AtomicUsize,
    most: std::sync::atomic::AtomicUsize,
    creates_in_flight: std::sync::atomic::AtomicUsize,
    most_creates: std::sync::atomic::AtomicUsize,
    creates: std::sync::atomic::AtomicUsize,
}

impl landfall_runner::Executor for SlowRuns {
    fn execute(
        &self,
        command: &EngineCommand,
        _: &Secrets,
        _: Option<std::time::Duration>,
    ) -> Result<landfall_runner::exec::Output, RunnerError> {
        use std::sync::atomic::Ordering::SeqCst;
        let is_run = command.args.first().is_some_and(|a| a == "run");
        let is_create = command.args.get(1).is_some_and(|a| a == "create");
        if is_run {
            let now = self.in_flight.fetch_add(1, SeqCst) + 1;
            self.most.fetch_max(now, SeqCst);
        }
        if is_create {
            self.creates.fetch_add(1, SeqCst);
            let now = self.creates_in_flight.fetch_add(1, SeqCst) + 1;
            self.most_creates.fetch_max(now, SeqCst);
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        if is_run {
            self.in_flight.fetch_sub(1, SeqCst);
        }
        if is_create {
            self.creates_in_flight.fetch_sub(1, SeqCst);
        }
        Ok(landfall_runner::exec::Output {
            status: Some(0),
            ..Default::default()
        })
    }
}

#[test]
fn a_new_workloads_replicas_start_side_by_side() {
    let mut plan = shop_without_probes();
    // One workload of three replicas: only its replicas can overlap.
    plan.workloads.retain(|w| w.name == "storefront");
    plan.workloads[0].replicas = 3;
    let state = tempfile::tempdir().unwrap();
    let secrets = secrets();
    let executor = SlowRuns::default();
    let runner = runner(&executor, &secrets, state.path());
    let (_, _, steps) = runner.plan_steps(&plan).unwrap();
    let runs = |steps: &[Step]| {
        steps
            .iter()
            .filter(|s| matches!(s, Step::Run(c) if c.args[0] == "run"))
            .count()
    };
    match &steps.workloads[0].steps[..] {
        [
            Step::Together(sequences),
            Step::AwaitReady { containers, .. },
        ] => {
            assert_eq!(sequences.len(), 3);
            assert!(sequences.iter().all(|s| runs(s) == 1), "{sequences:#?}");
            assert_eq!(containers.len(), 3);
        }
        other => panic!("{other:#?}"),
    }
    executor.most.store(0, std::sync::atomic::Ordering::SeqCst);
    runner.apply(&plan).unwrap();
    assert_eq!(
        executor.most.load(std::sync::atomic::Ordering::SeqCst),
        3,
        "the three runs overlap"
    );
}

#[test]
fn shared_objects_are_created_side_by_side_a_core_each() {
    use std::sync::atomic::Ordering::SeqCst;
    // The shop's network, volumes and secret: creates nothing orders.
    let plan = shop_without_probes();
    let state = tempfile::tempdir().unwrap();
    let secrets = secrets();
    let executor = SlowRuns::default();
    let progress = Lines::default();
    let runner = showing(&executor, &secrets, state.path(), &progress);
    let (_, _, steps) = runner.plan_steps(&plan).unwrap();
    let creates: Vec<String> = steps
        .prepare
        .iter()
        .filter_map(|s| match s {
            Step::Run(c) => Some(c.to_string()),
            _ => None,
        })
        .collect();
    assert!(creates.len() >= 3, "{creates:#?}");
    runner.apply(&plan).unwrap();
    assert_eq!(executor.creates.load(SeqCst), creates.len());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    assert_eq!(
        executor.most_creates.load(SeqCst),
        cores.min(creates.len()),
        "as many creates at once as there are cores"
    );
    // Shown in the plan's order, whatever order they ended in.
    let shown = progress.0.lock().unwrap();
    assert_eq!(shown[..creates.len()], creates[..], "{shown:#?}");
}

/// Keeps the lines an apply shows outside any workload.
#[derive(Default)]
struct Lines(std::sync::Mutex<Vec<String>>);

impl Progress for Lines {
    fn update(&self, _: &str, _: &str) {}
    fn finish(&self, _: &str, _: bool, _: &str) {}
    fn line(&self, message: &str) {
        self.0.lock().unwrap().push(message.to_string());
    }
}

#[test]
fn a_secret_name_podman_cannot_hold_is_refused_before_anything_runs() {
    let mut plan = fixture("every-feature.plan.json");
    plan.application.name = "a".repeat(40);
    let Err(error) = Desired::new(&plan, EngineKind::Podman, Path::new("/state"), &secrets())
    else {
        panic!("a name podman refuses was accepted");
    };
    assert!(matches!(error, RunnerError::InvalidPlan(_)), "{error:?}");
    let error = error.to_string();
    assert!(
        error.contains("leave no room in a podman secret name of at most 64 characters"),
        "{error}"
    );
    // Docker hands secrets over as files: no such name.
    assert!(Desired::new(&plan, EngineKind::Docker, Path::new("/state"), &secrets()).is_ok());
}

/// Records like [`RecordingExecutor`], but the first start of the API's
/// replica finds its host port taken.
struct PortTakenOnce {
    recording: RecordingExecutor,
    taken: std::sync::atomic::AtomicBool,
}

impl Executor for PortTakenOnce {
    fn execute(
        &self,
        command: &EngineCommand,
        secrets: &Secrets,
        timeout: Option<std::time::Duration>,
    ) -> Result<landfall_runner::exec::Output, RunnerError> {
        let output = self.recording.execute(command, secrets, timeout)?;
        let line = command.to_string();
        if line.starts_with("podman run --detach --name shop-local-api-0-")
            && !self.taken.swap(true, std::sync::atomic::Ordering::SeqCst)
        {
            return Ok(landfall_runner::exec::Output {
                status: Some(126),
                stdout: String::new(),
                stderr:
                    "Error: rootlessport listen tcp 127.0.0.1:40123: bind: address already in use\n"
                        .to_string(),
            });
        }
        Ok(output)
    }
}

#[test]
fn a_host_port_taken_before_the_start_is_picked_again() {
    let mut plan = shop_without_probes();
    for workload in &mut plan.workloads {
        for container in &mut workload.containers {
            for port in &mut container.ports {
                port.host_port = None;
            }
        }
    }
    let state = tempfile::tempdir().unwrap();
    let secrets = secrets();
    let executor = PortTakenOnce {
        recording: RecordingExecutor::new(),
        taken: Default::default(),
    };
    let report = runner(&executor, &secrets, state.path())
        .apply(&plan)
        .unwrap();
    let lines = executor.recording.lines();
    let api: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("shop-local-api-0-") && !l.starts_with("podman exec"))
        .collect();
    assert_eq!(api.len(), 3, "{api:#?}");
    assert!(api[0].starts_with("podman run "), "{api:#?}");
    assert!(
        api[1].starts_with("podman rm --force shop-local-api-0-"),
        "{api:#?}"
    );
    assert!(api[2].starts_with("podman run "), "{api:#?}");
    let published = |line: &str| -> String {
        let at = line.find("--publish ").expect("publishes") + "--publish ".len();
        line[at..].split(' ').next().unwrap().to_string()
    };
    assert_ne!(published(api[0]), published(api[2]), "another port");
    let host = report
        .endpoints
        .iter()
        .find(|(workload, _, _)| workload == "api")
        .map(|(_, port, host)| format!("{host}:{port}"))
        .unwrap();
    assert_eq!(host, published(api[2]));
}

/// An engine that fails: the error keeps its status and its own message,
/// which leads; the whole command stays at hand for a verbose report.
#[test]
fn an_engine_failure_is_an_engine_error_with_its_status_and_stderr() {
    let plan = shop_without_probes();
    let state = tempfile::tempdir().unwrap();
    let secrets = secrets();
    let executor = RecordingExecutor::new().fail(
        "podman network create",
        "Error: unable to connect to Podman socket\n",
    );
    let error = runner(&executor, &secrets, state.path())
        .apply(&plan)
        .unwrap_err();
    let RunnerError::Engine {
        command,
        status,
        stderr,
        ..
    } = &error
    else {
        panic!("not an engine error: {error:?}");
    };
    assert_eq!(*status, Some(125));
    assert_eq!(stderr, "Error: unable to connect to Podman socket");
    assert!(
        command.starts_with("podman network create --label "),
        "{command}"
    );
    assert_eq!(error.command(), Some(command.as_str()));
    assert_eq!(
        error.to_string(),
        "Error: unable to connect to Podman socket (`podman network create` exited with status 125)"
    );

    // `status` and `down` read the engine first: the same kind of error.
    let executor = RecordingExecutor::new().fail("podman ps ", "Error: no podman\n");
    let runner = runner(&executor, &secrets, state.path());
    for error in [
        runner.status("shop", "local").unwrap_err(),
        runner.down("shop", "local", false).unwrap_err(),
    ] {
        assert!(
            matches!(&error, RunnerError::Engine { status: Some(125), stderr, .. } if stderr == "Error: no podman"),
            "{error:?}"
        );
    }
}

/// A failure inside a workload's steps names the workload.
#[test]
fn a_workload_s_engine_failure_names_the_workload() {
    let plan = shop_without_probes();
    let state = tempfile::tempdir().unwrap();
    let secrets = secrets();
    let executor = RecordingExecutor::new().fail(
        "podman run --detach --name shop-local-api-",
        "Error: no image\n",
    );
    let error = runner(&executor, &secrets, state.path())
        .apply(&plan)
        .unwrap_err();
    let RunnerError::Workload {
        workload,
        error: inner,
    } = &error
    else {
        panic!("not a workload's error: {error:?}");
    };
    assert_eq!(workload, "api");
    assert!(matches!(**inner, RunnerError::Engine { .. }), "{inner:?}");
    assert!(
        error
            .to_string()
            .starts_with("workload `api`: Error: no image (`podman run` exited with status 125)"),
        "{error}"
    );
}

#[test]
fn a_held_lock_stops_apply_down_and_run_before_the_engine_is_asked() {
    let plan = fixture("every-feature.plan.json");
    let state = tempfile::tempdir().unwrap();
    let secrets = secrets();
    let _held = landfall_runner::state::ScopeLock::acquire(
        state.path(),
        &plan.application.name,
        &plan.scope.name,
        "apply",
    )
    .unwrap();
    let executor = RecordingExecutor::new();
    let runner = runner(&executor, &secrets, state.path());
    let scope = format!("{}/{}", plan.application.name, plan.scope.name);
    let lock = state.path().join(format!(
        "locks/{}.{}.lock",
        plan.application.name, plan.scope.name
    ));
    let errors = [
        runner.apply(&plan).unwrap_err(),
        runner
            .down(&plan.application.name, &plan.scope.name, false)
            .unwrap_err(),
        runner
            .run_job(&plan, "nightly-report", &mut |_| {})
            .unwrap_err(),
    ];
    for error in errors {
        let RunnerError::Locked {
            scope: locked,
            holder,
            lock: path,
        } = &error
        else {
            panic!("not a lock error: {error:?}");
        };
        assert_eq!(locked, &scope);
        assert!(holder.starts_with("`landfall apply` (pid "), "{holder}");
        assert_eq!(path, &lock);
    }
    assert_eq!(executor.lines(), Vec::<String>::new());
}

#[test]
fn a_job_the_plan_does_not_have_fails_before_the_engine_is_asked() {
    let plan = fixture("every-feature.plan.json");
    let state = tempfile::tempdir().unwrap();
    let secrets = secrets();
    let executor = RecordingExecutor::new();
    let runner = runner(&executor, &secrets, state.path());
    let error = runner
        .run_job(&plan, "nightly-reprot", &mut |_| {})
        .unwrap_err();
    let RunnerError::NoSuchJob { name, known } = &error else {
        panic!("not a missing job: {error:?}");
    };
    assert_eq!(name, "nightly-reprot");
    assert_eq!(known, &["nightly-report"]);
    assert_eq!(
        error.to_string(),
        "the plan has no cron workload `nightly-reprot`; did you mean `nightly-report`? (it has nightly-report)"
    );
    let error = runner.run_job(&plan, "api", &mut |_| {}).unwrap_err();
    assert!(
        matches!(&error, RunnerError::NotAJob { name } if name == "api"),
        "{error:?}"
    );
    assert_eq!(executor.lines(), Vec::<String>::new());
    // Nor was the scope locked or its state directory touched.
    assert!(!state.path().join("locks").exists());
}

#[test]
fn an_invalid_plan_file_runs_nothing() {
    let mut plan = fixture("shop-local.plan.json");
    plan.workloads[0].containers[0].image = "--privileged".into();
    let state = tempfile::tempdir().unwrap();
    let secrets = secrets();
    let executor = RecordingExecutor::new();
    let runner = runner(&executor, &secrets, state.path());
    for error in [
        runner.apply(&plan).unwrap_err(),
        runner.plan_steps(&plan).unwrap_err(),
    ] {
        assert!(
            matches!(&error, RunnerError::InvalidPlan(message) if message == "container `api` of workload `api` has no valid image: `--privileged`"),
            "{error:?}"
        );
    }
    assert_eq!(executor.lines(), Vec::<String>::new());
}

/// A replica whose readiness probe keeps failing: `NotReady`, naming the
/// workload and the replica, with its last log lines.
#[test]
fn a_replica_that_never_gets_ready_is_not_ready() {
    let mut plan = shop_without_probes();
    let api = plan.workloads.iter_mut().find(|w| w.name == "api").unwrap();
    api.containers[0].probes.readiness = Some(landfall_plan::Probe {
        action: landfall_plan::ProbeAction::Exec {
            command: vec!["/bin/check".into()],
        },
        initial_delay_ms: 0,
        period_ms: 1,
        timeout_ms: 100,
        success_threshold: 1,
        failure_threshold: 2,
    });
    let state = tempfile::tempdir().unwrap();
    let secrets = secrets();
    let executor = RecordingExecutor::new().fail("podman exec ", "");
    let error = runner(&executor, &secrets, state.path())
        .apply(&plan)
        .unwrap_err();
    let RunnerError::NotReady {
        workload,
        replica,
        reason,
    } = &error
    else {
        panic!("not a readiness failure: {error:?}");
    };
    assert_eq!(workload, "api");
    let replica = replica.as_deref().unwrap();
    assert!(replica.starts_with("shop-local-api-0-"), "{replica}");
    assert!(
        reason.starts_with(&format!(
            "{replica} is not ready: readiness probe (exec /bin/check every 1 ms after 0 ms, 2 failures fail) failed 2 times; last: `/bin/check` exited with 125"
        )),
        "{reason}"
    );
    assert!(
        reason.contains(&format!("last log lines of {replica}: (none)")),
        "{reason}"
    );
    assert!(error.to_string().starts_with("workload `api`: "), "{error}");
}

/// A plan file's `versionRegexp` has the limits of the spec's: a megabyte
/// of pattern is refused before it is compiled, and the message quotes at
/// most a few hundred bytes of it.
#[test]
fn a_plan_files_version_regexp_has_the_spec_paths_limits() {
    let huge = "(a|b)".repeat(200_000);
    let nested = "(".repeat(100) + "a" + &")".repeat(100);
    let large = "\\w{1000}\\w{1000}\\w{1000}".to_string();
    for (pattern, why) in [
        (
            huge.as_str(),
            "the regexp is 1000000 characters long; the limit is 1000",
        ),
        (nested.as_str(), "nest"),
        (large.as_str(), "larger than the limit"),
    ] {
        let mut plan = fixture("shop-local.plan.json");
        plan.upgrade_from = vec![landfall_plan::UpgradeRule {
            version_regexp: pattern.to_string(),
            strategy: landfall_plan::Strategy::Recreate,
            max_parallel: 1,
            healthy_time_ms: 0,
        }];
        let error =
            Desired::new(&plan, EngineKind::Podman, Path::new("/s"), &secrets()).unwrap_err();
        let RunnerError::InvalidPlan(error) = error else {
            panic!("not an invalid plan: {error:?}");
        };
        assert!(error.contains(why), "{error}");
        assert!(
            error.len() < 500,
            "{} bytes: {}",
            error.len(),
            &error[..500]
        );
        assert!(
            error.contains("bytes elided") || pattern.len() < 300,
            "{error}"
        );
    }
}
