//! What an apply changes, object by object, in the plan's names: the
//! lines `landfall plan` shows and the count `apply` reports. Made by
//! [`crate::reconcile`] from the same observation as the steps, so the
//! plan and the apply cannot disagree.

use std::collections::{BTreeMap, BTreeSet};

use landfall_plan::{
    Change, ChangeAction, Detail, ObjectKind, VolumeKind, config_files_diff, diff::describe,
    workload_fields,
};

use crate::desired::{Desired, DesiredWorkload};
use crate::names::LABEL_SPEC_HASH;
use crate::observe::{ObservedContainer, ObservedScope};

/// What `down --volumes` says of a persistent volume the plan dropped.
pub const KEPT_VOLUME: &str = "persistent; down --volumes removes it";

fn change(kind: ObjectKind, name: &str, action: ChangeAction, details: Vec<Detail>) -> Change {
    Change {
        kind,
        name: name.to_string(),
        action,
        details,
    }
}

/// The engine object's name less the scope's prefix: the plan's name.
fn plan_name<'a>(desired: &Desired, engine_name: &'a str) -> &'a str {
    let prefix = format!("{}-{}-", desired.names.application, desired.names.scope);
    engine_name.strip_prefix(&prefix).unwrap_or(engine_name)
}

/// The shared objects the plan names (networks, volumes, configs,
/// secrets), against what was observed before acting.
pub fn shared(desired: &Desired, observed: &ObservedScope) -> Vec<Change> {
    let mut out = Vec::new();
    for network in &desired.networks {
        let action = if observed.network_exists(&network.name) {
            ChangeAction::Unchanged
        } else {
            ChangeAction::Create
        };
        out.push(change(
            ObjectKind::Network,
            plan_name(desired, &network.name),
            action,
            Vec::new(),
        ));
    }
    for volume in &desired.volumes {
        let exists = observed.volume_exists(&volume.name);
        let kind = match volume.kind {
            VolumeKind::Scratch => "scratch",
            VolumeKind::Persistent => "persistent",
        };
        out.push(change(
            ObjectKind::Volume,
            plan_name(desired, &volume.name),
            if exists {
                ChangeAction::Unchanged
            } else {
                ChangeAction::Create
            },
            if exists {
                Vec::new()
            } else {
                vec![Detail::note("kind", kind)]
            },
        ));
    }
    for config in &desired.configs {
        let dir = dir_name(&config.dir);
        let previous = observed
            .config_dirs
            .iter()
            .find(|(name, _)| config_of(name) == config.name && **name != dir);
        let (action, details) = if observed.config_dirs.contains_key(&dir) {
            (ChangeAction::Unchanged, Vec::new())
        } else if let Some((_, old)) = previous {
            (
                ChangeAction::Update,
                vec![Detail::changed(
                    "files",
                    "",
                    &config_files_diff(old, &config.files),
                )],
            )
        } else {
            let files: Vec<&str> = config.files.keys().map(String::as_str).collect();
            (
                ChangeAction::Create,
                vec![Detail::note("files", &files.join(", "))],
            )
        };
        out.push(change(ObjectKind::Config, &config.name, action, details));
    }
    for secret in &desired.secrets {
        let exists = match &secret.file {
            Some(path) => observed.secret_files.contains(&dir_name(path)),
            None => observed.secrets.contains(&secret.name),
        };
        out.push(change(
            ObjectKind::Secret,
            &secret.reference,
            if exists {
                ChangeAction::Unchanged
            } else {
                ChangeAction::Create
            },
            Vec::new(),
        ));
    }
    out
}

/// What the cleanup at the end of an apply changes: objects the plan no
/// longer names are deleted, persistent volumes kept; a secret whose
/// value changed is one update (its new object made, the old removed).
pub fn cleanup(desired: &Desired, observed: &ObservedScope, decided: &mut Vec<Change>) {
    let wanted_networks: BTreeSet<&str> =
        desired.networks.iter().map(|n| n.name.as_str()).collect();
    for network in &observed.networks {
        if !wanted_networks.contains(network.as_str()) {
            decided.push(change(
                ObjectKind::Network,
                plan_name(desired, network),
                ChangeAction::Delete,
                Vec::new(),
            ));
        }
    }
    let wanted_volumes: BTreeSet<&str> = desired.volumes.iter().map(|v| v.name.as_str()).collect();
    for volume in &observed.scratch_volumes {
        if !wanted_volumes.contains(volume.as_str()) {
            decided.push(change(
                ObjectKind::Volume,
                plan_name(desired, volume),
                ChangeAction::Delete,
                vec![Detail::note("kind", "scratch")],
            ));
        }
    }
    for volume in &observed.persistent_volumes {
        if !wanted_volumes.contains(volume.as_str()) {
            decided.push(change(
                ObjectKind::Volume,
                plan_name(desired, volume),
                ChangeAction::Keep,
                vec![Detail::note("", KEPT_VOLUME)],
            ));
        }
    }
    let wanted_configs: BTreeSet<&str> = desired.configs.iter().map(|c| c.name.as_str()).collect();
    let stale_configs: BTreeSet<&str> = observed
        .config_dirs
        .keys()
        .map(|dir| config_of(dir))
        .filter(|name| !wanted_configs.contains(name))
        .collect();
    for name in stale_configs {
        decided.push(change(
            ObjectKind::Config,
            name,
            ChangeAction::Delete,
            Vec::new(),
        ));
    }
    let prefix = desired.names.secret_prefix();
    let wanted_secrets: BTreeSet<&str> = desired
        .secrets
        .iter()
        .map(|s| match &s.file {
            Some(path) => path.file_name().and_then(|n| n.to_str()).unwrap_or(""),
            None => s.name.as_str(),
        })
        .collect();
    let mut deleted: BTreeSet<String> = BTreeSet::new();
    for object in observed.secrets.iter().chain(&observed.secret_files) {
        if wanted_secrets.contains(object.as_str()) {
            continue;
        }
        let slug = object
            .strip_prefix(&prefix)
            .and_then(|rest| rest.rsplit_once('-'))
            .map_or(object.as_str(), |(slug, _digest)| slug);
        let successor = desired
            .secrets
            .iter()
            .find(|s| desired.names.secret_slug(&s.reference) == slug);
        let made = successor.and_then(|s| {
            decided.iter_mut().find(|c| {
                c.kind == ObjectKind::Secret
                    && c.name == s.reference
                    && c.action == ChangeAction::Create
            })
        });
        match made {
            Some(made) => {
                made.action = ChangeAction::Update;
                made.details = vec![Detail::note("", "value changed")];
            }
            None => {
                let name = successor.map_or(slug.to_string(), |s| s.reference.clone());
                if deleted.insert(name.clone()) {
                    decided.push(change(
                        ObjectKind::Secret,
                        &name,
                        ChangeAction::Delete,
                        Vec::new(),
                    ));
                }
            }
        }
    }
}

/// `storefront-config-6ea0cd428a75` → `storefront-config`.
fn config_of(dir: &str) -> &str {
    dir.rsplit_once('-').map_or(dir, |(name, _)| name)
}

fn dir_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A replica found running, as far as the decision needs it.
pub struct Seen<'a> {
    pub index: u32,
    /// Its run hash is one the plan wants for its slot.
    pub wanted: bool,
    pub first: &'a ObservedContainer,
    pub healthy: bool,
}

/// What happens to one workload the plan names.
pub fn workload(
    desired: &Desired,
    workload: &DesiredWorkload,
    observed: &ObservedScope,
    seen: &[Seen],
    repairs: &[String],
) -> Change {
    let name = workload.name.as_str();
    if seen.is_empty() {
        return change(
            ObjectKind::Workload,
            name,
            ChangeAction::Create,
            describe(&workload.spec),
        );
    }
    let want = workload.replicas.len() as u32;
    let mut details = Vec::new();
    // Replicas started from another spec (or another config or secret
    // value): the workload is updated.
    if let Some(stale) = seen.iter().find(|r| !r.wanted && r.index < want) {
        let old_version = stale.first.version();
        if old_version != desired.version {
            details.push(Detail::changed("version", old_version, &desired.version));
        }
        let old_hash = stale.first.label(LABEL_SPEC_HASH);
        match observed.applied.get(old_hash) {
            Some(old) if old_hash != workload.spec.spec_hash => {
                details.extend(workload_fields(old, &workload.spec));
            }
            _ if old_hash == workload.spec.spec_hash => {
                details.push(Detail::note(
                    "",
                    "a config or secret value it reads changed",
                ));
            }
            _ => details.push(Detail::changed(
                "spec",
                short(old_hash),
                short(&workload.spec.spec_hash),
            )),
        }
        if details.is_empty() {
            details.push(Detail::note("", "its engine command changed"));
        }
    }
    let slots: BTreeSet<u32> = seen.iter().map(|r| r.index).collect();
    let highest = slots.iter().next_back().copied().unwrap_or(0);
    let have = slots.len() as u32;
    // More slots than wanted, or fewer without a gap: a resize. A gap below
    // the highest slot is a replica gone missing (drift).
    let resized = have != want && (highest + 1 > want || highest + 1 == have);
    if resized && !details.iter().any(|d| d.field == "replicas") {
        details.push(Detail::changed(
            "replicas",
            &have.to_string(),
            &want.to_string(),
        ));
    }
    let mut drift: Vec<Detail> = Vec::new();
    let mut states: BTreeMap<u32, &str> = BTreeMap::new();
    for replica in seen {
        if replica.wanted && !replica.healthy {
            states.insert(replica.index, replica.first.state.as_str());
        }
    }
    for (index, state) in states {
        drift.push(Detail::note("", &format!("replica {index} {state}")));
    }
    if !resized {
        for index in (0..want).filter(|i| !slots.contains(i)) {
            drift.push(Detail::note("", &format!("replica {index} missing")));
        }
    }
    drift.extend(repairs.iter().map(|r| Detail::note("", r)));
    let action = if !details.is_empty() {
        ChangeAction::Update
    } else if !drift.is_empty() {
        ChangeAction::Restart
    } else {
        ChangeAction::Unchanged
    };
    details.extend(drift);
    change(ObjectKind::Workload, name, action, details)
}

/// A cron workload: nothing stands for it (`landfall run` starts its
/// jobs), so an apply does nothing to it.
pub fn job(workload: &DesiredWorkload) -> Change {
    change(
        ObjectKind::Workload,
        &workload.name,
        ChangeAction::Unchanged,
        vec![Detail::note("", "cron: `landfall run` starts its jobs")],
    )
}

/// A workload the plan no longer names.
pub fn removed(name: &str, replicas: usize) -> Change {
    change(
        ObjectKind::Workload,
        name,
        ChangeAction::Delete,
        vec![Detail::note(
            "",
            &format!("{replicas} replica{}", if replicas == 1 { "" } else { "s" }),
        )],
    )
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// Creates that found their object in place (`engine_names`) changed
/// nothing: their decisions become unchanged.
pub fn found_in_place(desired: &Desired, decided: &mut [Change], engine_names: &[String]) {
    for engine_name in engine_names {
        let (kind, name) = match desired.secrets.iter().find(|s| &s.name == engine_name) {
            Some(secret) => (ObjectKind::Secret, secret.reference.clone()),
            None if desired.networks.iter().any(|n| &n.name == engine_name) => (
                ObjectKind::Network,
                plan_name(desired, engine_name).to_string(),
            ),
            None => (
                ObjectKind::Volume,
                plan_name(desired, engine_name).to_string(),
            ),
        };
        for change in decided.iter_mut() {
            if change.kind == kind && change.name == name && change.action == ChangeAction::Create {
                change.action = ChangeAction::Unchanged;
                change.details.clear();
            }
        }
    }
}
