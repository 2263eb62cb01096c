//! The exact engine commands of plans, pinned by snapshots, and the
//! reconciliation decisions (nothing to do, rolling, recreate, orphans)
//! against constructed engine states.

use std::collections::BTreeMap;
use std::path::Path;

use landfall_plan::Plan;
use landfall_runner::observe::{ObservedContainer, ObservedScope};
use landfall_runner::{Desired, EngineKind, Secrets, Step, reconcile};

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
    }
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
    assert_eq!(steps.workloads[0].changes(), 0, "api mounts no config");
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
    assert_eq!(api.changes(), 0);
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
    assert!(
        error.starts_with("secret `orders-db-tls` has no value"),
        "{error}"
    );
    let mut plan = fixture("shop-local.plan.json");
    plan.workloads[0].containers[0].image = "--privileged".into();
    let error = Desired::new(&plan, EngineKind::Podman, Path::new("/s"), &secrets()).unwrap_err();
    assert_eq!(
        error,
        "container `api` of workload `api` has no valid image: `--privileged`"
    );
    let mut plan = fixture("shop-local.plan.json");
    plan.workloads[0].name = "API;rm".into();
    let error = Desired::new(&plan, EngineKind::Podman, Path::new("/s"), &secrets()).unwrap_err();
    assert!(
        error.starts_with("workload name `API;rm` is not a DNS label"),
        "{error}"
    );
}
