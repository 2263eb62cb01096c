//! What SARIF needs from the command line: where the project's root is,
//! each file's path from it, and each finding's fingerprint (the
//! baseline's), so that code scanning places and tracks alerts whatever
//! directory landfall ran in.

use std::collections::BTreeMap;
use std::path::Path;

use landfall_diagnostics::{Diagnostic, SarifProject, SourceDb};

use crate::baseline::Fingerprints;
use crate::project_root::normalize;
use crate::setup::Setup;

/// The project root and the paths of the files with findings: relative to
/// the root, absolute outside it; standard input keeps its name.
pub fn project(diagnostics: &[Diagnostic], db: &SourceDb, setup: &Setup) -> SarifProject {
    let mut paths = BTreeMap::new();
    let files = diagnostics.iter().flat_map(|d| {
        std::iter::once(d.span.file)
            .chain(d.labels.iter().map(|l| l.span.file))
            .chain(d.suppression.iter().map(|s| s.span.file))
    });
    for file in files {
        let name = db.file(file).name();
        if name.starts_with('<') || paths.contains_key(&file) {
            continue;
        }
        let path = setup
            .root
            .relative(&setup.cwd, Path::new(name))
            .unwrap_or_else(|| {
                normalize(&setup.cwd.join(name))
                    .to_string_lossy()
                    .replace('\\', "/")
            });
        paths.insert(file, path);
    }
    SarifProject {
        root: setup.root.dir.to_string_lossy().replace('\\', "/"),
        paths,
    }
}

/// One fingerprint per diagnostic, in their order.
pub fn fingerprints(diagnostics: &[Diagnostic], db: &SourceDb, setup: &Setup) -> Vec<String> {
    let mut fingerprints = Fingerprints::new(db, &setup.root, &setup.cwd);
    diagnostics
        .iter()
        .map(|d| fingerprints.fingerprint(d))
        .collect()
}
