//! Engine object names and labels: the runner's only memory of what it
//! created. Names are deterministic (the same plan names the same objects)
//! and every object carries the labels below, so reconciliation reads the
//! engine, never a state file.

use sha2::{Digest, Sha256};

use crate::secrets::hex;

/// The prefix of every label the runner writes.
pub const LABEL_PREFIX: &str = "dev.landfall.";
/// `APP/SCOPE`: the label the runner selects a scope's objects by.
pub const LABEL_OWNER: &str = "dev.landfall.owner";
pub const LABEL_APPLICATION: &str = "dev.landfall.application";
pub const LABEL_SCOPE: &str = "dev.landfall.scope";
pub const LABEL_WORKLOAD: &str = "dev.landfall.workload";
pub const LABEL_CONTAINER: &str = "dev.landfall.container";
pub const LABEL_REPLICA: &str = "dev.landfall.replica";
pub const LABEL_VERSION: &str = "dev.landfall.version";
pub const LABEL_SPEC_HASH: &str = "dev.landfall.spec-hash";
/// A digest of everything the engine is told about a replica (its command
/// lines, secret values keyed): equal digests mean nothing to change.
pub const LABEL_RUN_HASH: &str = "dev.landfall.run-hash";
/// The readiness probe as JSON, so `status` can probe without the plan.
pub const LABEL_READINESS: &str = "dev.landfall.readiness";
/// `scratch` or `persistent` on volumes.
pub const LABEL_VOLUME_KIND: &str = "dev.landfall.volume-kind";
/// `replica` on a replica's first container, `sidecar` on the others,
/// `job` on containers started by `landfall run`.
pub const LABEL_ROLE: &str = "dev.landfall.role";

/// The names of one application scope's engine objects.
#[derive(Clone, Debug)]
pub struct ScopeNames {
    pub application: String,
    pub scope: String,
}

impl ScopeNames {
    pub fn new(application: &str, scope: &str) -> ScopeNames {
        ScopeNames {
            application: application.to_string(),
            scope: scope.to_string(),
        }
    }

    fn prefix(&self) -> String {
        format!("{}-{}", self.application, self.scope)
    }

    pub fn network(&self, network: &str) -> String {
        format!("{}-{network}", self.prefix())
    }

    pub fn volume(&self, volume: &str) -> String {
        format!("{}-{volume}", self.prefix())
    }

    /// Secrets are named after a keyed digest of their value, so a changed
    /// value is a new object and the containers reading it change too.
    pub fn secret(&self, reference: &str, value_digest: &str) -> String {
        format!(
            "{}{}-{}",
            self.secret_prefix(),
            self.secret_slug(reference),
            &value_digest[..12]
        )
    }

    /// What every secret name of the scope starts with (podman 4 cannot
    /// filter secrets by label: the scope's are found by it).
    pub fn secret_prefix(&self) -> String {
        format!("{}-secret-", self.prefix())
    }

    /// The reference as its secret's name shows it: sanitised, and cut so
    /// that the name fits podman's [`SECRET_NAME_MAX`]. A cut reference
    /// ends in a digest of the whole one, so that two references cut to
    /// the same text (and holding the same value) still name two secrets.
    pub fn secret_slug(&self, reference: &str) -> String {
        let fixed = self.secret_prefix().len() + "-".len() + 12;
        let room = SECRET_NAME_MAX.saturating_sub(fixed);
        let slug = sanitise(reference);
        if slug.len() <= room {
            return slug;
        }
        let digest = hex(&Sha256::digest(reference.as_bytes()));
        // `sanitise` leaves ASCII only: any byte is a character boundary.
        match room.checked_sub(9) {
            Some(kept) if kept > 0 => format!("{}-{}", &slug[..kept], &digest[..8]),
            _ => digest[..room.clamp(1, 8)].to_string(),
        }
    }

    /// A replica's first container: `<app>-<scope>-<workload>-<n>-<hash>`.
    /// The run hash in the name lets a new replica start beside the old one
    /// it replaces (rolling upgrades) and makes a rerun find what it made.
    pub fn replica(&self, workload: &str, index: u32, run_hash: &str) -> String {
        format!("{}-{workload}-{index}-{}", self.prefix(), &run_hash[..8])
    }

    /// A further container of a replica shares the first one's network.
    pub fn sidecar(&self, replica: &str, container: &str) -> String {
        format!("{replica}-{container}")
    }

    pub fn job(&self, workload: &str, started: u64) -> String {
        format!("{}-{workload}-run-{started}", self.prefix())
    }

    /// `APP/SCOPE`, the value of [`LABEL_OWNER`].
    pub fn owner(&self) -> String {
        format!("{}/{}", self.application, self.scope)
    }

    /// The one filter that selects this scope's objects. One, because
    /// engines differ in how they combine several label filters (podman's
    /// `volume ls` takes any of them, not all).
    pub fn label_filter(&self) -> String {
        format!("label={LABEL_OWNER}={}", self.owner())
    }

    pub fn base_labels(&self) -> Vec<(String, String)> {
        vec![
            (LABEL_OWNER.to_string(), self.owner()),
            (LABEL_APPLICATION.to_string(), self.application.clone()),
            (LABEL_SCOPE.to_string(), self.scope.clone()),
        ]
    }
}

/// The longest secret name podman accepts.
pub const SECRET_NAME_MAX: usize = 64;

/// Engine names allow `[a-zA-Z0-9_.-]`: everything else becomes `-`.
pub fn sanitise(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// A DNS label, as the spec requires of application, scope, workload and
/// volume names: checked again here because a plan file is input.
pub fn is_dns_label(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 63
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !text.starts_with('-')
        && !text.ends_with('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_deterministic_and_engine_safe() {
        let names = ScopeNames::new("shop", "local");
        assert_eq!(names.network("shop-local"), "shop-local-shop-local");
        assert_eq!(
            names.replica("api", 0, "0123456789abcdef"),
            "shop-local-api-0-01234567"
        );
        assert_eq!(
            names.secret("shop-db/password", "abcdef0123456789"),
            "shop-local-secret-shop-db-password-abcdef012345"
        );
        assert!(is_dns_label("shop-db"));
        // A long reference is cut to fit podman's limit, distinctly.
        let names = ScopeNames::new("e2e-specsecrets-1581", "local");
        let long = names.secret("ledger-db/password", "2a6fe4b23e8c0000");
        assert_eq!(long.len(), SECRET_NAME_MAX, "{long}");
        assert!(
            long.starts_with("e2e-specsecrets-1581-local-secret-ledger-d-"),
            "{long}"
        );
        assert!(long.ends_with("-2a6fe4b23e8c"), "{long}");
        assert_ne!(
            names.secret("ledger-db/passwordA", "2a6fe4b23e8c0000"),
            names.secret("ledger-db/passwordB", "2a6fe4b23e8c0000")
        );
        // Room for one character of a reference: its digest's first.
        let names = ScopeNames::new(&"a".repeat(36), "local");
        assert_eq!(
            names.secret("x/y", "2a6fe4b23e8c0000").len(),
            SECRET_NAME_MAX
        );
        assert!(!is_dns_label("-x"));
        assert!(!is_dns_label("Shop"));
        assert!(!is_dns_label("a/b"));
    }
}
