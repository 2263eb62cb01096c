//! `Workload::spec_hash`: equal hashes mean nothing to change.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::ir::{ConfigDecl, MountSource, Workload};

/// What the hash covers: the workload as planned (without its hash), the
/// application version (an upgrade changes every workload, even with the
/// same image) and the contents of the configs it mounts (a config change
/// must restart the workloads that read it).
#[derive(Serialize)]
struct HashInput<'a> {
    version: &'a str,
    workload: &'a Workload,
    configs: Vec<&'a ConfigDecl>,
}

/// The SHA-256 of the canonical JSON of [`HashInput`], in lowercase hex.
/// `workload.spec_hash` is ignored (emptied in a copy).
pub fn spec_hash(
    workload: &Workload,
    version: &str,
    configs: &BTreeMap<String, ConfigDecl>,
) -> String {
    let unhashed;
    let workload = if workload.spec_hash.is_empty() {
        workload
    } else {
        unhashed = Workload {
            spec_hash: String::new(),
            ..workload.clone()
        };
        &unhashed
    };
    let mut mounted: Vec<&ConfigDecl> = workload
        .containers
        .iter()
        .flat_map(|c| &c.mounts)
        .filter(|m| m.source == MountSource::Config)
        .filter_map(|m| configs.get(&m.name))
        .collect();
    mounted.sort_by(|a, b| a.name.cmp(&b.name));
    mounted.dedup_by(|a, b| a.name == b.name);
    let input = HashInput {
        version,
        workload,
        configs: mounted,
    };
    // Field order is fixed by the types and maps are sorted: the compact
    // JSON is canonical.
    // Written straight into the hasher: no copy of the text is kept.
    let mut hasher = Sha256::new();
    serde_json::to_writer(&mut hasher, &input).expect("plan types always serialise");
    hex(&hasher.finalize())
}

/// The SHA-256 of a config's canonical JSON, in lowercase hex: what a
/// target labels a config object with.
pub fn config_hash(config: &ConfigDecl) -> String {
    let json = serde_json::to_vec(config).expect("plan types always serialise");
    hex(&Sha256::digest(&json))
}

fn hex(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(text, "{b:02x}");
    }
    text
}
