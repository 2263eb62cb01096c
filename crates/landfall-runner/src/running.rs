//! What runs, in the words of `landfall plan`'s diff: the engine's view of
//! a scope ([`ObservedScope`], found by labels) mapped onto the plan's
//! names as a [`landfall_plan::Observed`].

use std::collections::BTreeMap;

use landfall_plan::{Observed, ObservedConfig, ObservedWorkload, Plan, WorkloadType, config_hash};

use crate::desired::config_dir_name;
use crate::names::{LABEL_CONTAINER, LABEL_ROLE, LABEL_SPEC_HASH, ScopeNames};
use crate::observe::{ObservedContainer, ObservedScope};

/// Maps what the engine reports for the plan's scope onto the plan's
/// names. `config_dirs` and `secret_files` are the entries of the scope's
/// state directory (`configs/`, and `secrets/` where the engine has no
/// secrets), which hold what the runner wrote there.
///
/// - A workload is what its replicas' labels say: the spec hash and
///   version of the newest replica 0 (the one a rolling step reaches
///   last), images by container, replicas counted.
/// - Cron workloads have no standing object locally (`landfall run` starts
///   a job on demand): once the scope has been applied (its network
///   exists) they count as what the plan says, as `apply` has nothing to
///   do for them either.
/// - Configs are the runner's content-named directories: the planned
///   config is unchanged when its directory is there.
/// - Secrets are the runner's secret objects (or files), named after the
///   reference; a reference the plan does not hold shows as the object's
///   name less its scope prefix and digest.
pub fn observed_for_plan(
    plan: &Plan,
    scope: &ObservedScope,
    config_dirs: &[String],
    secret_files: &[String],
) -> Observed {
    let names = ScopeNames::new(&plan.application.name, &plan.scope.name);
    let prefix = format!("{}-{}-", names.application, names.scope);
    let strip = |name: &str| name.strip_prefix(&prefix).map(str::to_string);

    let networks: Vec<String> = scope.networks.iter().filter_map(|n| strip(n)).collect();
    let mut volumes: Vec<String> = scope
        .scratch_volumes
        .iter()
        .chain(&scope.persistent_volumes)
        .filter_map(|v| strip(v))
        .collect();
    volumes.sort();

    // Each workload speaks through one replica: the lowest number, then
    // the first name (deterministic while a rolling step runs two).
    let mut speakers: BTreeMap<&str, &ObservedContainer> = BTreeMap::new();
    let mut replicas: BTreeMap<&str, u32> = BTreeMap::new();
    for container in &scope.containers {
        if container.is_job()
            || container.workload().is_empty()
            || container.label(LABEL_ROLE) == "sidecar"
        {
            continue;
        }
        *replicas.entry(container.workload()).or_default() += 1;
        let key = |c: &ObservedContainer| (c.replica().unwrap_or(u32::MAX), c.name.clone());
        let speaker = speakers.entry(container.workload()).or_insert(container);
        if key(container) < key(speaker) {
            *speaker = container;
        }
    }
    let mut workloads: BTreeMap<String, ObservedWorkload> = BTreeMap::new();
    for (name, speaker) in &speakers {
        // A replica's further containers are named `<replica>-<container>`.
        let sidecar_prefix = format!("{}-", speaker.name);
        let images = scope
            .containers
            .iter()
            .filter(|c| {
                c.name == speaker.name
                    || (c.label(LABEL_ROLE) == "sidecar" && c.name.starts_with(&sidecar_prefix))
            })
            .map(|c| (c.label(LABEL_CONTAINER).to_string(), c.image.clone()))
            .collect();
        workloads.insert(
            name.to_string(),
            ObservedWorkload {
                name: name.to_string(),
                spec_hash: speaker.label(LABEL_SPEC_HASH).to_string(),
                version: speaker.version().to_string(),
                images,
                replicas: replicas[name],
            },
        );
    }
    let applied = plan.networks.iter().any(|n| networks.contains(&n.name));
    for w in &plan.workloads {
        if w.workload_type == WorkloadType::Cron && applied && !workloads.contains_key(&w.name) {
            workloads.insert(w.name.clone(), ObservedWorkload::as_planned(plan, w));
        }
    }

    let mut configs: Vec<ObservedConfig> = Vec::new();
    for dir in config_dirs {
        let Some((name, digest)) = dir.rsplit_once('-') else {
            continue;
        };
        if configs.iter().any(|c| c.name == name) {
            continue;
        }
        let planned = plan.configs.iter().find(|c| c.name == name);
        let hash = match planned {
            // The directory the plan would write is there: unchanged.
            Some(planned) if config_dir_name(planned) == *dir => Some(config_hash(planned)),
            Some(planned) if config_dirs.contains(&config_dir_name(planned)) => continue,
            _ => Some(digest.to_string()),
        };
        configs.push(ObservedConfig {
            name: name.to_string(),
            hash,
        });
    }
    configs.sort_by(|a, b| a.name.cmp(&b.name));

    let secret_prefix = names.secret_prefix();
    let mut secrets: Vec<String> = Vec::new();
    for object in scope.secrets.iter().chain(secret_files) {
        let Some(rest) = object.strip_prefix(&secret_prefix) else {
            continue;
        };
        let Some((sanitised, _digest)) = rest.rsplit_once('-') else {
            continue;
        };
        let reference = plan
            .secrets
            .iter()
            .find(|s| names.secret_slug(&s.reference) == sanitised)
            .map_or_else(|| sanitised.to_string(), |s| s.reference.clone());
        if !secrets.contains(&reference) {
            secrets.push(reference);
        }
    }
    secrets.sort();

    Observed {
        workloads: workloads.into_values().collect(),
        networks,
        volumes,
        configs,
        secrets,
    }
}
