//! The whole checker over files given as text, for the rules' own tests.

use landfall_diagnostics::SourceDb;

use landfall_check::{CheckInput, CheckOutcome, check};

/// Checks `files` (name, text) as one tree, each named on the command line
/// (`explicit`) or found by a walk; the sources and what was found.
pub fn check_files(files: &[(&str, &str)], explicit: bool) -> (SourceDb, CheckOutcome) {
    let mut db = SourceDb::new();
    let inputs: Vec<CheckInput> = files
        .iter()
        .map(|(name, text)| CheckInput {
            file: db.add(*name, *text),
            explicit,
        })
        .collect();
    let outcome = check(&mut db, &inputs);
    (db, outcome)
}
