//! `Workload::spec_hash`: equal hashes mean nothing to change.

use std::cell::RefCell;
use std::collections::BTreeMap;

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
    // Into a buffer kept per thread, then hashed in one call: the
    // serialiser's many small writes are cheap on a Vec, not on a hasher.
    thread_local! {
        static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    }
    BUFFER.with_borrow_mut(|json| {
        json.clear();
        serde_json::to_writer(&mut *json, &input).expect("plan types always serialise");
        hex(&Sha256::digest(json.as_slice()))
    })
}

/// The SHA-256 of a config's canonical JSON, in lowercase hex: what a
/// target labels a config object with.
pub fn config_hash(config: &ConfigDecl) -> String {
    let json = serde_json::to_vec(config).expect("plan types always serialise");
    hex(&Sha256::digest(&json))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        text.push(char::from(DIGITS[usize::from(b >> 4)]));
        text.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    text
}
